/*
 * Archive search worker.
 *
 * Speaks the message protocol of Material for MkDocs' search worker (SETUP → READY, QUERY →
 * RESULT), so Material's own search box and result list drive it, and answers from the sharded
 * positional index that gen/search writes under search/<build>/ (format: gen/search/index.py).
 *
 * Query semantics (README of gen/search/ and the module docstrings say the same):
 * - the query is split at whitespace into terms; text in quotes ("…", “…”, 「…」) is one phrase;
 * - a term is normalised like the index (NFKC, traditional→simplified, lower case) and matched as
 *   a phrase of tokens, ignoring punctuation and whitespace inside the text but never crossing a
 *   paragraph boundary;
 * - an unquoted term of two or more tokens that no page contains is taken as its words: the split
 *   into the fewest pieces that each occur somewhere (no piece a lone CJK character), ties broken
 *   by the longest shortest piece, then by the most pages holding all pieces, then the leftmost;
 * - every term must match (on the same page); ranking: terms in the page title first, then
 *   frequency (saturating), then closeness of the terms;
 * - `field:value` filters by the pages' front matter (see parse and resolve): 区 (district),
 *   来源 (source), 年 and 日期 (date: a year, month, day or a range a..b), 标签 (tag); values of
 *   one field are alternatives, fields must all hold; 排序:最新 / 最早 / 相关 sorts. A filter alone
 *   lists every page it names, newest first. Any other `x:y` is a plain term.
 *
 * Every result is sent to Material, the first ones whole and the rest as placeholders that
 * page.js has filled in as they scroll into view (see PENDING); page.js also gets the exact
 * count and what the filter bar shows (see tell).
 *
 * Also loads as a plain script (no worker scope) so tests can call self.ArchiveSearch directly.
 */
"use strict";

;(function (scope) {

  /* ------------------------------------------------------------------ protocol */

  const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3
  const EVAL = "archive-search:eval", EVALUATED = "archive-search:evaluated"

  /* The worker lives in assets/javascripts/archive-search/ under the site root */
  const ROOT = new URL("../../../", scope.location.href)

  /* ------------------------------------------------------------------ text (mirrors text.py) */

  const CJK = "\\u3007\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3134f}"
  const TOKEN = new RegExp(
    `([${CJK}])|((?:(?![${CJK}])[\\p{L}\\p{Nl}\\p{No}])+|\\p{Nd}+)`, "gu")
  const EDGE = "|"
  const QUOTES = new Set(["\"", "“", "”", "「", "」", "『", "』"])

  let FOLD = new Map()

  function setFold(pairs) {
    FOLD = new Map()
    const chars = Array.from(pairs)
    for (let i = 0; i + 1 < chars.length; i += 2)
      FOLD.set(chars[i], chars[i + 1])
  }

  function foldChars(text) {
    if (!FOLD.size)
      return text
    let out = ""
    for (const ch of text)
      out += FOLD.get(ch) || ch
    return out
  }

  function normalise(text) {
    return foldChars(text.normalize("NFKC")).toLowerCase()
  }

  /* Tokens of normalised text: [{t, cjk}] */
  function tokenize(text) {
    const out = []
    for (const m of text.matchAll(TOKEN))
      out.push(m[1] ? { t: m[1], cjk: true } : { t: m[2], cjk: false })
    return out
  }

  /* Tokens of original text with their [start, end) offsets in it, for highlighting */
  function tokenizeWithOffsets(original) {
    let norm = original.normalize("NFKC"), oneToOne = norm.length === original.length
    if (oneToOne && FOLD.size) {
      let folded = ""
      for (const ch of norm) {
        const to = FOLD.get(ch)
        if (to && to.length !== ch.length) { oneToOne = false; break }
        folded += to || ch
      }
      norm = folded
    }
    let from = null, to = null
    if (oneToOne) {
      norm = norm.toLowerCase()
      oneToOne = norm.length === original.length
    }
    if (!oneToOne) {
      /* character by character, keeping where each normalised unit came from */
      norm = ""
      from = []
      to = []
      let i = 0
      for (const ch of original) {
        const mapped = foldChars(ch.normalize("NFKC")).toLowerCase()
        for (let k = 0; k < mapped.length; k++) {
          from.push(i)
          to.push(i + ch.length)
        }
        norm += mapped
        i += ch.length
      }
    }
    const out = []
    for (const m of norm.matchAll(TOKEN)) {
      const last = m.index + m[0].length - 1
      out.push({
        t: m[1] || m[2],
        start: from ? from[m.index] : m.index,
        end: to ? to[last] : last + 1
      })
    }
    return out
  }

  /* ------------------------------------------------------------------ query parsing */

  /*
   * Filter and sort fields of the query syntax (`区:海淀区`), by every name a reader may type
   * (normalised like text: 區 and 标签/標籤 work too). A term whose text before the colon is not
   * one of these is a plain term.
   */
  const FIELDS = new Map([
    ["区", "district"], ["地区", "district"], ["district", "district"],
    ["来源", "source"], ["source", "source"],
    ["年", "year"], ["年份", "year"], ["year", "year"],
    ["日期", "date"], ["date", "date"],
    ["标签", "tag"], ["tag", "tag"],
    ["排序", "sort"], ["sort", "sort"]
  ])
  /* The filter fields in the order a rewritten query lists them, with the name written */
  const FIELD_NAME = { district: "区", source: "来源", year: "年", date: "日期", tag: "标签" }
  const FACETS = Object.keys(FIELD_NAME)
  const SORTS = new Map([
    ["相关", "relevance"], ["relevance", "relevance"],
    ["最新", "newest"], ["newest", "newest"],
    ["最早", "oldest"], ["oldest", "oldest"]
  ])
  const SORT_NAME = { relevance: "相关", newest: "最新", oldest: "最早" }
  const FIELD_TERM = /^([^:]+):(.*)$/su
  const VALUE_SEPARATOR = /[,、]/u

  function fieldOf(name) {
    return FIELDS.get(normalise(name)) || null
  }

  /*
   * A query: {terms: [{text, phrase, toks}], plain: [{text, quoted}] (the terms as typed),
   * filters: Map field → [value as typed], sort: null or a SORTS value, ignored: [text]}.
   *
   * Terms are separated by whitespace; quotes make a phrase. `field:value` is a filter when the
   * field is known (FIELDS), `field:a,b` (or the field twice) gives it several values, and
   * `field:"a value"` one value with spaces or commas; `field:` with nothing after it is left
   * out (the reader is still typing). A quoted `"区:海淀区"` is a plain phrase.
   */
  function parse(query) {
    const segments = []
    let buf = "", quoted = false, field = null
    const flush = () => {
      if (field)
        segments.push({ field, value: buf.trim() })
      else if (buf)
        segments.push({ text: buf, quoted })
      buf = ""
      field = null
    }
    for (const ch of query.normalize("NFKC")) {
      if (QUOTES.has(ch)) {
        const m = !quoted && FIELD_TERM.exec(buf)
        if (m && !m[2] && fieldOf(m[1])) {  /* field:"a value" */
          field = fieldOf(m[1])
          buf = ""
          quoted = true
          continue
        }
        flush()
        quoted = !quoted
      } else if (!quoted && /\s/u.test(ch)) {
        flush()
      } else {
        buf += ch
      }
    }
    flush()

    const parsed = { terms: [], plain: [], filters: new Map(), sort: null, ignored: [] }
    for (const s of segments) {
      let field = s.field || null, values = s.field ? [s.value] : null
      if (!field && !s.quoted) {
        const m = FIELD_TERM.exec(s.text)
        if (m && fieldOf(m[1])) {
          field = fieldOf(m[1])
          values = m[2].split(VALUE_SEPARATOR)
        }
      }
      if (!field) {
        const toks = tokenize(normalise(s.text))
        if (toks.length) {
          parsed.terms.push({ text: toks.map(x => x.t).join(""), phrase: s.quoted, toks })
          parsed.plain.push({ text: s.text, quoted: s.quoted })
        }
        continue
      }
      values = values.map(v => v.trim()).filter(Boolean)
      if (field === "sort") {
        for (const v of values) {
          const sort = SORTS.get(normalise(v))
          if (sort) parsed.sort = sort
          else parsed.ignored.push(`排序:${v}`)
        }
      } else if (values.length) {
        const list = parsed.filters.get(field) || []
        for (const v of values)
          if (!list.includes(v))
            list.push(v)
        parsed.filters.set(field, list)
      }
    }
    return parsed
  }

  /* A filter value as written back into a query: quoted when it holds a space, comma or quote */
  function needsQuotes(value) {
    return /[\s,、"“”「」『』]/u.test(value)
  }

  /*
   * The query text for a parsed query with some fields changed (changes: {field: [values]},
   * {sort}): the plain terms as typed, then each filter field with its values, then the sort
   * when it is not the default. Filter chips and sort buttons are links to such queries.
   */
  function compose(parsed, changes = {}) {
    const parts = parsed.plain.map(s => s.quoted ? `"${s.text}"` : s.text)
    for (const field of FACETS) {
      const values = field in changes ? changes[field] : parsed.filters.get(field) || []
      const plain = values.filter(v => !needsQuotes(v))
      if (plain.length)
        parts.push(`${FIELD_NAME[field]}:${plain.join(",")}`)
      for (const v of values.filter(needsQuotes))
        parts.push(`${FIELD_NAME[field]}:"${v.replace(/["“”「」『』]/gu, "")}"`)
    }
    parts.push(...parsed.ignored)
    const sort = "sort" in changes ? changes.sort : parsed.sort
    if (sort)
      parts.push(`排序:${SORT_NAME[sort]}`)
    return parts.join(" ")
  }

  const NUMBER = /^\p{Nd}+$/u

  /* Keys whose positions pin down every token of a phrase: [{key, off}] */
  function cover(toks) {
    if (toks.length === 1)
      return [{ key: toks[0].t, off: 0 }]
    const out = []
    let i = 0
    while (i < toks.length) {
      if (!toks[i].cjk) {
        if (NUMBER.test(toks[i].t) && i + 1 < toks.length && toks[i + 1].cjk) {
          /* a number and the character after it are one key (2020年, 3月: far fewer rows than
             the number's or the lone character's); a character alone there needs no other */
          out.push({ key: toks[i].t + toks[i + 1].t, off: i })
          i += i + 2 >= toks.length || !toks[i + 2].cjk ? 2 : 1
          continue
        }
        out.push({ key: toks[i].t, off: i })
        i++
        continue
      }
      let j = i
      while (j < toks.length && toks[j].cjk)
        j++
      if (j - i === 1) {
        out.push({ key: EDGE + toks[i].t, off: i })
      } else {
        for (let k = i; k + 1 < j; k += 2)
          out.push({ key: toks[k].t + toks[k + 1].t, off: k })
        if ((j - i) % 2)
          out.push({ key: toks[j - 2].t + toks[j - 1].t, off: j - 2 })
      }
      i = j
    }
    return out
  }

  /* ------------------------------------------------------------------ fetching */

  const state = {
    config: null,          /* search/search_index.json → config.archive */
    base: null,            /* URL of search/<build>/ */
    files: new Map(),      /* path → Promise<Uint8Array> */
    buckets: new Map(),    /* bucket number → Promise<Map<key, entry>> */
    hot: new Map(),        /* key → entry, for the keys with files of their own */
    facets: null,          /* every page's district, source, date and tags (parseFacets) */
    reloading: null,       /* Promise of reloadConfig() while it runs */
    current: null,         /* the latest query's results, for filling them in as they show */
    bytes: 0               /* compressed bytes fetched so far */
  }

  async function inflate(buffer) {
    const stream = new Blob([buffer]).stream()
      .pipeThrough(new DecompressionStream("deflate"))
    return new Uint8Array(await new Response(stream).arrayBuffer())
  }

  async function fetchBytes(path) {
    const compressed = path.endsWith(".z")
    const res = await fetch(new URL(path, state.base))
    if (!res.ok) {
      /* perhaps the site was rebuilt since the page loaded: read the current build (the query
         is then run again, see onCurrentBuild) */
      await reloadConfig()
      throw new Error(`archive search: ${path}: HTTP ${res.status}`)
    }
    const buffer = await res.arrayBuffer()
    state.bytes += buffer.byteLength
    return compressed ? inflate(buffer) : new Uint8Array(buffer)
  }

  function file(path) {
    let promise = state.files.get(path)
    if (!promise) {
      promise = fetchBytes(path)
      promise.catch(() => state.files.delete(path))
      state.files.set(path, promise)
    }
    return promise
  }

  const utf8 = new TextDecoder()

  async function json(path) {
    return JSON.parse(utf8.decode(await file(path)))
  }

  function configure(config) {
    state.config = config
    state.base = new URL(`search/${config.build}/`, ROOT)
  }

  /* Read the current build; true when it is another than the one loaded. Files of the old
     build fail together, so every caller waits for the one reload under way; queries wait too
     (evaluate), so none mixes the two builds. */
  function reloadConfig() {
    if (!state.reloading)
      state.reloading = reload().finally(() => (state.reloading = null))
    return state.reloading
  }

  async function reload() {
    try {
      const res = await fetch(new URL("search/search_index.json", ROOT), { cache: "reload" })
      const data = await res.json()
      const config = data.config && data.config.archive
      if (!config || config.build === state.config.build)
        return false
      configure(config)
      state.files.clear()
      state.buckets.clear()
      state.hot = new Map()
      await loadStart()
      return true
    } catch (err) {
      return false
    }
  }

  /* What every query needs: the fold table, the frequent keys, the facet table */
  async function loadStart() {
    const [fold, hot, facets] = await Promise.all([file("fold.z"), file("hot.z"), file("f.z")])
    setFold(utf8.decode(fold))
    state.hot = parseBucket(hot)
    state.facets = parseFacets(facets)
  }

  /* ------------------------------------------------------------------ index format */

  /*
   * Varints are read with one cursor, set to where a file's reading starts: at 100,000
   * pages a frequent key has some 80,000 rows and 200,000 positions, too many for a reader
   * object's calls. A loop that reads never awaits, so no other query moves the cursor meanwhile.
   */
  let cursor = 0

  function varintAt(bytes) {
    let byte = bytes[cursor++]
    if (byte < 0x80)
      return byte
    let value = byte & 0x7f, scale = 128
    do {
      byte = bytes[cursor++]
      value += (byte & 0x7f) * scale
      scale *= 128
    } while (byte & 0x80)
    return value
  }

  const utf8Encoder = new TextEncoder()

  function bucketOf(key, buckets) {
    let h = 0x811c9dc5
    for (const byte of utf8Encoder.encode(key)) {
      h ^= byte
      h = Math.imul(h, 0x01000193) >>> 0
    }
    return h % buckets
  }

  function bucket(n) {
    let promise = state.buckets.get(n)
    if (!promise) {
      promise = file(`b/${n}.z`).then(parseBucket)
      promise.catch(() => state.buckets.delete(n))
      state.buckets.set(n, promise)
    }
    return promise
  }

  /* Map key → entry of a bucket file (or of hot.z) */
  function parseBucket(bytes) {
    const map = new Map()
    cursor = 0
    const count = varintAt(bytes)
    for (let i = 0; i < count; i++) {
      const head = varintAt(bytes)
      const klen = Math.floor(head / 2), big = head % 2
      const key = utf8.decode(bytes.subarray(cursor, cursor + klen))
      cursor += klen
      if (big) {
        varintAt(bytes)  /* the key's page count: ranking counts pages from the rows it reads */
        const dlen = varintAt(bytes), plen = varintAt(bytes), fid = varintAt(bytes)
        map.set(key, { key, dlen, plen, fid, d: null, p: null })
      } else {
        const dlen = varintAt(bytes), plen = varintAt(bytes)
        const d = bytes.subarray(cursor, cursor + dlen)
        const p = bytes.subarray(cursor + dlen, cursor + dlen + plen)
        cursor += dlen + plen
        map.set(key, { key, dlen, plen, fid: -1, d, p })
      }
    }
    return map
  }

  async function entry(key) {
    const known = state.hot.get(key)
    if (known)
      return known
    const map = await bucket(bucketOf(key, state.config.buckets))
    return map.get(key) || null
  }

  /* Rows of D: parallel Int32Arrays, sorted by (pid, sec) (a row takes two bytes or more) */
  async function rows(e) {
    if (e.rows)
      return e.rows
    const d = e.d || await file(`k/${e.fid}.d.z`)
    const room = d.length >> 1, end = d.length
    const pid = new Int32Array(room), sec = new Int32Array(room), n = new Int32Array(room), head = new Int32Array(room)
    let page = 0, i = 0
    cursor = 0
    while (cursor < end) {
      page += varintAt(d)
      const v = varintAt(d)
      pid[i] = page
      n[i] = Math.floor(v / 4)
      head[i] = v & 2 ? varintAt(d) : 0
      sec[i] = v & 1 ? varintAt(d) : 0
      i++
    }
    e.rows = { pid: pid.subarray(0, i), sec: sec.subarray(0, i), n: n.subarray(0, i), head: head.subarray(0, i), length: i }
    return e.rows
  }

  /* Positions of P: one Int32Array, and the first index of each row */
  async function positions(e) {
    if (e.positions)
      return e.positions
    const rs = await rows(e)
    const p = e.fid >= 0 ? await file(`k/${e.fid}.p.z`) : e.p
    const counts = rs.n, length = rs.length
    let total = 0
    for (let i = 0; i < length; i++)
      total += counts[i]
    const all = new Int32Array(total), start = new Int32Array(length + 1)
    let k = 0
    cursor = 0
    for (let i = 0; i < length; i++) {
      start[i] = k
      let prev = 0
      for (let j = counts[i]; j > 0; j--) {
        prev += varintAt(p)
        all[k++] = prev
      }
    }
    start[length] = k
    e.positions = { all, start }
    return e.positions
  }

  function contains(all, lo, end, value) {
    let hi = end
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (all[mid] < value) lo = mid + 1
      else hi = mid
    }
    return lo < end && all[lo] === value
  }

  /* ------------------------------------------------------------------ facets (format: facets.py) */

  const DAY = 86400000, EPOCH = Date.UTC(2000, 0, 1)

  /* A date as f.z stores it: days since 2000-01-01, plus one (0 = no date) */
  function dayValue(y, m, d) {
    return Math.round((Date.UTC(y, m - 1, d) - EPOCH) / DAY) + 1
  }

  /* The district, source, date and tags of every page: {names, keys, district, source, day,
     year, month, tagStart, tagIds}; tags per page as ids tagIds[tagStart[p] … tagStart[p + 1]) */
  function parseFacets(bytes) {
    cursor = 0
    const varint = () => varintAt(bytes)
    const n = varint()
    const vocabulary = () => {
      const names = []
      for (let i = varint(); i > 0; i--) {
        const length = varint()
        names.push(utf8.decode(bytes.subarray(cursor, cursor + length)))
        cursor += length
      }
      return names
    }
    const names = { district: vocabulary(), source: vocabulary(), tag: vocabulary() }
    const district = new Uint16Array(n), source = new Uint16Array(n)
    for (let i = 0; i < n; i++)
      district[i] = varint()
    for (let i = 0; i < n; i++)
      source[i] = varint()
    const day = new Uint16Array(n), year = new Uint16Array(n), month = new Uint8Array(n)
    const ym = new Map()  /* day value → year * 16 + month, each computed once */
    let value = 0
    for (let i = 0; i < n; i++) {
      const z = varint()
      value += z & 1 ? -(z + 1) / 2 : z / 2
      day[i] = value
      if (value) {
        let v = ym.get(value)
        if (v === undefined) {
          const t = new Date(EPOCH + (value - 1) * DAY)
          ym.set(value, v = t.getUTCFullYear() * 16 + t.getUTCMonth() + 1)
        }
        year[i] = v >> 4
        month[i] = v & 15
      }
    }
    const lists = names.tag.map(() => {
      const list = new Uint32Array(varint())
      let pid = 0
      for (let k = 0; k < list.length; k++)
        list[k] = pid += varint()
      return list
    })
    const tagStart = new Uint32Array(n + 1)
    for (const list of lists)
      for (let k = 0; k < list.length; k++)
        tagStart[list[k] + 1]++
    for (let i = 0; i < n; i++)
      tagStart[i + 1] += tagStart[i]
    const tagIds = new Uint16Array(tagStart[n]), place = tagStart.slice(0, n)
    lists.forEach((list, tag) => {
      for (let k = 0; k < list.length; k++)
        tagIds[place[list[k]]++] = tag
    })
    const keys = {}
    for (const field in names)
      keys[field] = names[field].map(normalise)
    return { n, names, keys, district, source, day, year, month, tagStart, tagIds }
  }

  /* First (or, with `end`, last) day of `2020`, `2020-03`, `2020-03-05`, `2020年3月5日` … */
  function dayOf(text, end) {
    const m = /^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?$/u.exec(text)
      || /^(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?$/u.exec(text)
    if (!m)
      return null
    const y = +m[1], mo = m[2] ? +m[2] : 0, d = m[3] ? +m[3] : 0
    if (m[2] && (mo < 1 || mo > 12))
      return null
    if (m[3] && (d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()))
      return null
    if (!end)
      return dayValue(y, mo || 1, d || 1)
    if (d)
      return dayValue(y, mo, d)
    return mo ? dayValue(y, mo + 1, 1) - 1 : dayValue(y + 1, 1, 1) - 1
  }

  /* [first, last] day of a date value: a period (`2020-03`) or a range (`2020-03..2020-05`,
     `2022-01..`, `..2020-06`); null when it is not one */
  function period(text) {
    const ends = text.split("..")
    if (ends.length === 1) {
      const first = dayOf(text, false)
      return first === null ? null : [first, dayOf(text, true)]
    }
    if (ends.length !== 2 || !(ends[0] || ends[1]))
      return null
    const first = ends[0] ? dayOf(ends[0], false) : 1
    const last = ends[1] ? dayOf(ends[1], true) : Infinity
    return first === null || last === null || first > last ? null : [first, last]
  }

  /* Ids of the names a value stands for: the name itself, else every name that begins with it */
  function namesOf(field, value) {
    const keys = state.facets.keys[field], want = normalise(value)
    const exact = [], prefix = []
    keys.forEach((key, id) => {
      if (key === want) exact.push(id)
      else if (want && key.startsWith(want)) prefix.push(id)
    })
    return exact.length ? exact : prefix
  }

  /*
   * The query's filters against the facet table: [{field, bit, values: [{text, ids | period}],
   * test(pid)}]. Values of one field are alternatives (OR), fields must all hold (AND). A date
   * value that is not a date is dropped from the query's filters and listed as ignored.
   */
  function resolve(parsed) {
    const F = state.facets, out = []
    FACETS.forEach((field, index) => {
      const texts = parsed.filters.get(field)
      if (!texts)
        return
      const values = []
      for (const text of texts) {
        if (field === "year" || field === "date") {
          const p = period(text)
          if (p) values.push({ text, period: p })
          else parsed.ignored.push(`${FIELD_NAME[field]}:${needsQuotes(text) ? `"${text}"` : text}`)
        } else {
          values.push({ text, ids: namesOf(field, text) })
        }
      }
      parsed.filters.set(field, values.map(v => v.text))
      if (!values.length)
        return parsed.filters.delete(field)
      let test
      if (field === "year" || field === "date") {
        const periods = values.map(v => v.period)
        test = pid => {
          const d = F.day[pid]
          return d > 0 && periods.some(([a, b]) => a <= d && d <= b)
        }
      } else {
        const mask = new Uint8Array(F.names[field].length + 1)
        for (const v of values)
          for (const id of v.ids)
            mask[id + 1] = 1
        test = field === "tag"
          ? pid => {
            for (let k = F.tagStart[pid]; k < F.tagStart[pid + 1]; k++)
              if (mask[F.tagIds[k] + 1]) return true
            return false
          }
          : pid => mask[F[field][pid]] === 1
      }
      out.push({ field, bit: 1 << index, values, test })
    })
    return out
  }

  /* The year (or year and month) a year or date filter picks out exactly, else null */
  function wholeYear(p) {
    const [a, b] = p, y = new Date(EPOCH + (a - 1) * DAY).getUTCFullYear()
    return a === dayValue(y, 1, 1) && b === dayValue(y + 1, 1, 1) - 1 ? y : null
  }

  function wholeMonth(p) {
    const [a, b] = p, t = new Date(EPOCH + (a - 1) * DAY)
    const y = t.getUTCFullYear(), m = t.getUTCMonth() + 1
    return a === dayValue(y, m, 1) && b === dayValue(y, m + 1, 1) - 1 ? [y, m] : null
  }

  const FACET_LABEL = { district: "地区", source: "来源", year: "年份", date: "月份", tag: "标签" }
  /* Years as facet values: YEAR0 (f.z's first day) and the YEARS after it a day value reaches */
  const YEAR0 = 2000, YEARS = 180

  /*
   * What the filter bar shows for a result set: per field, its values among the results with a
   * count and the query that picks or drops each. Counts are exact for what a click gives: with
   * nothing picked in a field, a value's count is the number of results that have it (= the
   * results after picking it); once values are picked in a field (OR), another value shows how
   * many results picking it too would add (+n), a picked one how many results have it.
   *
   * base: pages matching the terms; fails[i]: bits of the filters base[i] does not pass.
   */
  function facetCounts(parsed, filters, base, fails) {
    const F = state.facets
    const byField = new Map(filters.map(f => [f.field, f]))
    const groups = []
    /* the year whose months are offered: one picked whole year, or months of one year */
    let months = null
    const years = byField.get("year"), dates = byField.get("date")
    if (years && years.values.length === 1)
      months = wholeYear(years.values[0].period)
    else if (!years && dates) {
      const ys = new Set(dates.values.map(v => (wholeMonth(v.period) || [null])[0]))
      if (ys.size === 1 && !ys.has(null)) months = [...ys][0]
    }
    for (const field of FACETS) {
      if (field === "date" && months === null)
        continue
      const f = byField.get(field), bit = f ? f.bit : 0
      /* value v: a vocabulary index, a year - YEAR0, a month 1…12 */
      const size = field === "year" ? YEARS : field === "date" ? 13 : F.names[field].length
      const all = new Uint32Array(size), inside = new Uint32Array(size)
      for (let i = 0; i < base.length; i++) {
        const b = fails[i]
        if (b !== 0 && b !== bit)
          continue
        const pid = base[i]
        if (field === "tag") {
          for (let k = F.tagStart[pid]; k < F.tagStart[pid + 1]; k++) {
            all[F.tagIds[k]]++
            if (!b) inside[F.tagIds[k]]++
          }
          continue
        }
        const v = field === "year" ? (F.year[pid] ? F.year[pid] - YEAR0 : -1)
          : field === "date" ? (F.year[pid] === months ? F.month[pid] : -1)
          : F[field][pid] - 1
        if (v >= 0) {
          all[v]++
          if (!b) inside[v]++
        }
      }
      const texts = f ? f.values.map(v => v.text) : []
      const chips = []
      for (let v = 0; v < size; v++) {
        if (!all[v])
          continue
        let name, picked, drop
        if (field === "year" || field === "date") {
          name = field === "year" ? `${v + YEAR0}` : `${months}-${String(v).padStart(2, "0")}`
          const same = f ? f.values.filter(x => {
            if (field === "year")
              return wholeYear(x.period) === v + YEAR0
            const w = wholeMonth(x.period)
            return w !== null && w[0] === months && w[1] === v
          }) : []
          picked = same.length > 0
          drop = () => texts.filter(t => !same.some(x => x.text === t))
        } else {
          name = F.names[field][v]
          picked = !!f && f.values.some(x => x.ids.includes(v))
          /* a value that stands for several names keeps the others when this one is dropped */
          drop = () => f.values.flatMap(x => !x.ids.includes(v) ? [x.text]
            : x.ids.filter(id => id !== v).map(id => F.names[field][id]))
        }
        const shown = !f ? all[v] : picked ? inside[v] : all[v] - inside[v]
        if (!shown && !picked)
          continue
        chips.push({
          name, label: field === "date" ? `${v}月` : name, count: shown, plus: !!f && !picked, picked,
          q: compose(parsed, { [field]: picked ? drop() : [...texts, name] }),
          order: field === "year" || field === "date" ? v : picked ? -1e9 - shown : -shown
        })
      }
      chips.sort((a, b) => a.order - b.order || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      chips.forEach(c => delete c.order)
      if (chips.length)
        groups.push({ field, label: FACET_LABEL[field], chips })
    }
    return { groups, active: activeFilters(parsed, filters) }
  }

  /* Every filter value typed, to take it away again; and those not understood (ignored) */
  function activeFilters(parsed, filters) {
    const active = []
    for (const f of filters)
      for (const v of f.values)
        active.push({
          name: `${FIELD_NAME[f.field]}:${v.text}`,
          q: compose(parsed, { [f.field]: f.values.filter(x => x !== v).map(x => x.text) })
        })
    for (const text of parsed.ignored)
      active.push({
        name: text, ignored: true,
        q: compose({ ...parsed, ignored: parsed.ignored.filter(x => x !== text) })
      })
    return active
  }

  /* ------------------------------------------------------------------ matching */

  /*
   * Pages holding a phrase: Map pid → {tf, title, head, secs: [{sec, tf, head, starts}] in
   * section order} (an array: most pages have one section, and a frequent key has 80,000 pages).
   * `title`: occurrences in the page title; `head`: in a section heading; starts: positions of
   * the phrase's first token (null when the phrase is one key and positions were not needed).
   */
  async function matchPhrase(toks) {
    const keys = cover(toks)
    const entries = await Promise.all(keys.map(k => entry(k.key)))
    const hits = new Map()
    if (entries.some(e => !e))
      return hits
    /* a phrase of several keys checks positions: fetch them alongside the rows, not after */
    if (keys.length > 1)
      for (const e of entries)
        if (e.fid >= 0 && !e.positions)
          file(`k/${e.fid}.p.z`).catch(() => {})
    const rowsOf = await Promise.all(entries.map(rows))
    if (keys.length === 1) {
      /* a page's rows are side by side (sorted by page, then section): one record a page */
      const rs = rowsOf[0], { pid, sec, n, head, length } = rs
      for (let i = 0; i < length;) {
        const page = new PageHits(pid[i], rs, i)
        do {
          page.tf += n[i]
          if (sec[i] === 0) page.title += head[i]
          else page.head += head[i]
          i++
        } while (i < length && pid[i] === page.pid)
        page.to = i
        hits.set(page.pid, page)
      }
      return hits
    }

    /* the (page, section) rows every key has, walking all keys' rows in order; `common` holds
       each such row's index in every key's rows, m numbers a row */
    const m = keys.length, next = new Int32Array(m), common = []
    walk: for (;;) {
      let high = -1
      for (let k = 0; k < m; k++) {
        const rs = rowsOf[k], i = next[k]
        if (i >= rs.length)
          break walk
        high = Math.max(high, rs.pid[i] * 65536 + rs.sec[i])
      }
      let aligned = true
      for (let k = 0; k < m; k++) {
        const { pid, sec, length } = rowsOf[k]
        let i = next[k]
        while (i < length && pid[i] * 65536 + sec[i] < high)
          i++
        next[k] = i
        if (i >= length)
          break walk
        if (pid[i] * 65536 + sec[i] !== high)
          aligned = false
      }
      if (aligned)
        for (let k = 0; k < m; k++)
          common.push(next[k]++)
    }
    if (!common.length)
      return hits

    /* positions only now: the rarest key of each row anchors the check of the others */
    const pos = await Promise.all(entries.map(positions))
    for (let c = 0; c < common.length; c += m) {
      let anchor = 0
      for (let k = 1; k < m; k++)
        if (rowsOf[k].n[common[c + k]] < rowsOf[anchor].n[common[c + anchor]])
          anchor = k
      const a = pos[anchor], ar = common[c + anchor], off = keys[anchor].off
      const starts = []
      let title = 0
      for (let j = a.start[ar]; j < a.start[ar + 1]; j++) {
        const s = a.all[j] - off
        let ok = true
        for (let k = 0; k < m && ok; k++) {
          if (k === anchor)
            continue
          const pk = pos[k], r = common[c + k]
          ok = contains(pk.all, pk.start[r], pk.start[r + 1], s + keys[k].off)
        }
        if (ok) {
          starts.push(s)
          if (j - a.start[ar] < rowsOf[anchor].head[ar])
            title++
        }
      }
      if (starts.length)
        addHit(hits, rowsOf[anchor].pid[ar], rowsOf[anchor].sec[ar], starts.length, title, starts)
    }
    return hits
  }

  /*
   * A page's hits of one term: tf, hits in the title and in section headings, summed, and the
   * sections holding the term (secs: {sec, tf, head, starts}). A one-key term's page keeps its
   * rows' place instead (rows `from` to `to`), and makes its sections only when they are asked
   * for: a frequent word is on 80,000 pages, and ranking them needs the sums alone.
   */
  class PageHits {
    constructor(pid, rows, from) {
      this.pid = pid
      this.tf = 0
      this.title = 0
      this.head = 0
      this.rows = rows
      this.from = from
      this.to = from
      this.list = rows ? null : []
    }

    get secs() {
      if (!this.list) {
        const { sec, n, head } = this.rows
        this.list = []
        for (let i = this.from; i < this.to; i++)
          this.list.push({ sec: sec[i], tf: n[i], head: head[i], starts: null })
      }
      return this.list
    }

    /* how many sections hold the term, and the first of them */
    get count() {
      return this.list ? this.list.length : this.to - this.from
    }

    get first() {
      return this.list ? this.list[0].sec : this.rows.sec[this.from]
    }
  }

  function addHit(hits, pid, sec, tf, head, starts) {
    let page = hits.get(pid)
    if (!page) {
      page = new PageHits(pid, null, 0)
      hits.set(pid, page)
    }
    page.tf += tf
    if (sec === 0) page.title += head
    else page.head += head
    page.list.push({ sec, tf, head, starts })
  }

  /* Positions for a one-key term, when the key has them (for closeness ranking) */
  async function addStarts(term) {
    const keys = cover(term.toks)
    if (keys.length !== 1)
      return
    const e = await entry(keys[0].key)
    if (!e || !e.plen)
      return
    const rs = await rows(e), pos = await positions(e)
    for (let i = 0; i < rs.length; i++) {
      const page = term.hits.get(rs.pid[i])
      const sec = page && page.secs.find(s => s.sec === rs.sec[i])
      if (sec)
        sec.starts = Array.from(pos.all.subarray(pos.start[i], pos.start[i + 1]))
    }
  }

  const MAX_SPLIT = 20, MAX_SPLITS = 256

  /* An unquoted run that no page holds, taken as its words (see the header comment) */
  async function split(term) {
    const toks = term.toks, m = toks.length
    if (term.phrase || m < 2 || m > MAX_SPLIT)
      return null
    const admissible = (i, j) => j - i >= 2 || !toks[i].cjk
    const spans = []
    for (let i = 0; i < m; i++)
      for (let j = i + 1; j <= m; j++)
        if ((i > 0 || j < m) && admissible(i, j))
          spans.push([i, j])

    /* fetch every key any span needs at once, then test the spans */
    const keys = new Set()
    for (const [i, j] of spans)
      for (const k of cover(toks.slice(i, j)))
        keys.add(k.key)
    await Promise.all([...keys].map(entry))
    const found = new Map()
    await Promise.all(spans.map(async ([i, j]) => {
      const hits = await matchPhrase(toks.slice(i, j))
      if (hits.size)
        found.set(`${i},${j}`, hits)
    }))

    /* fewest[i]: the fewest pieces toks[i:] splits into */
    const fewest = new Array(m + 1).fill(Infinity)
    fewest[m] = 0
    for (let i = m - 1; i >= 0; i--)
      for (let j = i + 1; j <= m; j++)
        if (found.has(`${i},${j}`))
          fewest[i] = Math.min(fewest[i], fewest[j] + 1)
    if (fewest[0] === Infinity)
      return []

    /* every split with that many pieces, longest first piece first */
    const splits = []
    const walk = (i, pieces) => {
      if (splits.length >= MAX_SPLITS)
        return
      if (i === m)
        return void splits.push(pieces)
      for (let j = m; j > i; j--)
        if (found.has(`${i},${j}`) && fewest[j] === fewest[i] - 1)
          walk(j, [...pieces, [i, j]])
    }
    walk(0, [])

    /* the longest shortest piece; then the most pages holding all pieces; then the first */
    let choice = null, rank = null
    for (const pieces of splits) {
      let pages = null
      for (const [i, j] of pieces) {
        const hits = found.get(`${i},${j}`)
        pages = pages ? new Set([...pages].filter(p => hits.has(p))) : new Set(hits.keys())
      }
      const shortest = Math.min(...pieces.map(([i, j]) => j - i))
      if (!rank || shortest > rank[0] || (shortest === rank[0] && pages.size > rank[1])) {
        choice = pieces
        rank = [shortest, pages.size]
      }
    }
    return choice.map(([i, j]) => {
      const part = toks.slice(i, j)
      return {
        text: part.map(x => x.t).join(""), phrase: true, toks: part,
        hits: found.get(`${i},${j}`), from: term
      }
    })
  }

  /* ------------------------------------------------------------------ ranking */

  const PROXIMITY_BYTES = 48 * 1024

  function saturate(tf) {
    return tf / (tf + 1.2)
  }

  /* Smallest span of positions holding one occurrence of every term in a section */
  function smallestSpan(lists, lengths) {
    const at = lists.map(() => 0)
    let best = Infinity
    for (;;) {
      let lo = 0, hiEnd = -Infinity
      for (let k = 0; k < lists.length; k++) {
        const v = lists[k][at[k]]
        if (v < lists[lo][at[lo]]) lo = k
        hiEnd = Math.max(hiEnd, v + lengths[k])
      }
      best = Math.min(best, hiEnd - lists[lo][at[lo]])
      if (++at[lo] >= lists[lo].length)
        return best
    }
  }

  /* Sections of a page holding terms, best first: [{sec, score, terms, lists}] (ranking asks
     this of every result of a query of several terms: few sections a page, no Map) */
  function sections(terms, idf, lengths, pid) {
    const list = []
    for (let k = 0; k < terms.length; k++) {
      for (const s of terms[k].hits.get(pid).secs) {
        let x = list.find(y => y.sec === s.sec)
        if (!x) list.push(x = { sec: s.sec, score: 0, terms: 0, lists: [] })
        x.score += idf[k] * (saturate(s.tf) + (s.head ? 1 : 0))
        x.terms++
        x.lists[k] = s.starts
      }
    }
    const total = lengths.reduce((a, b) => a + b, 0)
    let close = 0
    for (const x of list) {
      if (terms.length > 1 && x.terms === terms.length) {
        x.score += 1
        if (x.lists.every(l => l && l.length)) {
          const span = smallestSpan(x.lists, lengths)
          const c = 1 / (1 + Math.max(0, span - total - terms.length + 1) / 4)
          close = Math.max(close, c)
          x.score += c
        }
      }
    }
    return { close, list: list.sort((a, b) => b.score - a.score || a.sec - b.sec) }
  }

  /* Pages in rank order: [{pid, tier, score, secs, hit}] */
  function rank(terms, pages) {
    const n = state.config.pages
    const idf = terms.map(t => Math.log(1 + n / Math.max(1, t.hits.size)))
    const lengths = terms.map(t => t.toks.length)
    const ranked = []
    for (const pid of pages) {
      let tier = 0, score = 0, hit = null
      for (let k = 0; k < terms.length; k++) {
        hit = terms[k].hits.get(pid)
        if (hit.title) tier++
        score += idf[k] * (saturate(hit.tf) + (hit.head ? 0.5 : 0))
      }
      let secs = null
      if (terms.length > 1) {
        secs = sections(terms, idf, lengths, pid)
        score += secs.close * 2
        hit = null
      }
      ranked.push({ pid, tier, score, secs, hit })  /* hit: the one term's, for shapeOf */
    }
    ranked.sort((a, b) => b.tier - a.tier || b.score - a.score || b.pid - a.pid)
    return { ranked, sections: r => (r.secs || (r.secs = sections(terms, idf, lengths, r.pid))).list }
  }

  /* ------------------------------------------------------------------ search */

  /* The terms, each matched (t.hits); a term no page holds is replaced by its split, if any */
  async function matchTerms(parsed) {
    const terms = []
    await Promise.all(parsed.map(async (t, index) => {
      t.hits = await matchPhrase(t.toks)
      if (!t.hits.size) {
        const parts = await split(t)
        if (parts && parts.length)
          return terms.push({ index, parts })
      }
      terms.push({ index, parts: [t] })
    }))
    return terms.sort((a, b) => a.index - b.index).flatMap(t => t.parts)
  }

  /* Ranked pages by date, newest (or oldest) first; pages without a date last; ties keep their
     order. One numeric sort of keys (date, then place), no comparison function. */
  function byDate(ranked, oldest) {
    const day = state.facets.day, n = ranked.length, keys = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const d = day[ranked[i].pid]
      keys[i] = (!d ? 65536 : oldest ? d : 65535 - d) * n + i
    }
    keys.sort()
    const out = new Array(n)
    for (let i = 0; i < n; i++)
      out[i] = ranked[keys[i] % n]
    return out
  }

  /* The sort orders offered (relevance only when there are terms), each with its query */
  function sortChoices(parsed, sort, terms) {
    const fallback = terms ? "relevance" : "newest"
    return (terms ? ["relevance", "newest", "oldest"] : ["newest", "oldest"]).map(s => ({
      name: SORT_NAME[s], sort: s, picked: s === sort, q: compose(parsed, { sort: s === fallback ? null : s })
    }))
  }

  /*
   * Evaluate a query: {terms (after splitting), ranked pages (filtered, sorted), sections(r),
   * sort, sorts and facets (for the filter bar)}. Without terms, the filters alone pick the
   * pages, newest first unless the query asks for the oldest.
   */
  async function evaluate(query) {
    if (state.reloading)
      await state.reloading
    const parsed = parse(query)
    const filters = resolve(parsed)
    const terms = parsed.terms.length > 0
    const sort = terms ? parsed.sort || "relevance" : parsed.sort === "oldest" ? "oldest" : "newest"
    if (!terms && !filters.length) {
      const active = activeFilters(parsed, [])
      return {
        terms: [], ranked: [], sections: () => [], sort, sorts: [], parsed,
        facets: active.length ? { groups: [], active } : null
      }
    }
    const flat = terms ? await matchTerms(parsed.terms) : []

    /* all terms must match on the same page */
    let base = null
    for (const t of [...flat].sort((a, b) => a.hits.size - b.hits.size)) {
      base = base ? base.filter(p => t.hits.has(p)) : [...t.hits.keys()]
      if (!base.length)
        break
    }
    if (!base)
      base = terms ? [] : Array.from({ length: state.facets.n }, (_, pid) => pid)

    /* then every filter; fails[i]: the filters base[i] does not pass, one bit each */
    const fails = new Uint8Array(base.length), pages = filters.length ? [] : base
    if (filters.length)
      for (let i = 0; i < base.length; i++) {
        let bits = 0
        for (const f of filters)
          if (!f.test(base[i]))
            bits |= f.bit
        fails[i] = bits
        if (!bits)
          pages.push(base[i])
      }

    /* closeness needs positions; fetch them for one-key terms when they are small */
    if (flat.length > 1 && pages.length) {
      const extra = []
      let budget = PROXIMITY_BYTES
      for (const t of flat) {
        const keys = cover(t.toks)
        if (keys.length !== 1) continue
        const e = await entry(keys[0].key)
        if (e && e.plen && !e.positions) {
          budget -= e.fid >= 0 ? e.plen : 0
          extra.push(t)
        }
      }
      if (budget >= 0)
        await Promise.all(extra.map(addStarts))
    }
    let ranked, sections = () => [{ sec: 0, score: 0 }]  /* without terms: the page and its intro */
    if (terms)
      ({ ranked, sections } = rank(flat, pages))
    else
      ranked = pages.map(pid => ({ pid, tier: 0, score: 0, secs: null, hit: null }))
    if (sort !== "relevance")
      ranked = byDate(ranked, sort === "oldest")
    /* the filter bar's counts once asked for (tell: after the results are posted) */
    let facets
    return {
      terms: flat, ranked, sections, sort, sorts: sortChoices(parsed, sort, terms), parsed,
      get facets() {
        return facets === undefined ? (facets = facetCounts(parsed, filters, base, fails)) : facets
      }
    }
  }

  /* ------------------------------------------------------------------ results */

  function escapeHTML(text) {
    return text.replace(/[&<>"']/g, c => ({
      "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"
    })[c])
  }

  /* [start, end) ranges of the terms in a text */
  function ranges(text, terms) {
    const toks = tokenizeWithOffsets(text)
    const found = []
    for (const term of terms) {
      const want = term.toks
      for (let i = 0; i + want.length <= toks.length; i++) {
        let ok = true
        for (let k = 0; k < want.length && ok; k++)
          ok = toks[i + k].t === want[k].t
        if (ok)
          found.push([toks[i].start, toks[i + want.length - 1].end, term])
      }
    }
    return found.sort((a, b) => a[0] - b[0])
  }

  function mark(text, found, from = 0, to = text.length) {
    let out = "", at = from
    for (const [s, e] of found) {
      if (e <= at || s >= to) continue
      const a = Math.max(s, at), b = Math.min(e, to)
      out += escapeHTML(text.slice(at, a)) + "<mark>" + escapeHTML(text.slice(a, b)) + "</mark>"
      at = b
    }
    return out + escapeHTML(text.slice(at, to))
  }

  const SNIPPET = 120, LEAD = 30, FRAGMENTS = 3

  /* A window of a block around its first match */
  function fragment(block, found, size) {
    let from = Math.max(0, found[0][0] - LEAD)
    const to = Math.min(block.length, from + size)
    from = Math.max(0, Math.min(from, to - size))
    return (from > 0 ? "…" : "") + mark(block, found, from, to) + (to < block.length ? "…" : "")
  }

  /* Teaser: the block with most terms, then a window for each term not shown yet */
  function snippet(blocks, terms) {
    const matches = blocks.map(block => ({ block, found: ranges(block, terms) }))
      .filter(m => m.found.length)
    if (!matches.length) {
      const block = blocks[0] || ""
      return block ? `<p>${escapeHTML(block.slice(0, SNIPPET))}${block.length > SNIPPET ? "…" : ""}</p>` : ""
    }
    const distinct = m => new Set(m.found.map(f => f[2])).size
    const first = matches.reduce((a, b) => distinct(b) > distinct(a) ? b : a)
    const parts = [fragment(first.block, first.found, SNIPPET)]
    const shown = new Set(first.found.filter(f => f[1] - first.found[0][0] <= SNIPPET).map(f => f[2]))
    for (const term of terms) {
      if (shown.has(term) || parts.length >= FRAGMENTS)
        continue
      const m = matches.find(x => x !== first && x.found.some(f => f[2] === term))
      if (!m)
        continue
      const found = m.found.filter(f => f[2] === term)
      parts.push(fragment(m.block, found, SNIPPET / 2))
      shown.add(term)
    }
    return `<p>${parts.join(" ")}</p>`
  }

  function highlight(text, terms) {
    return mark(text, ranges(text, terms))
  }

  const EXPANDED = 3, COLLAPSED = 7

  /*
   * The entries of one result group, in the order Material shows them: the page, the sections
   * shown with a snippet (EXPANDED, the intro counting as one), then the folded ones ("more on
   * this page", COLLAPSED at most). The best article of an issue scores a little higher than its
   * page, so Enter opens it; folded sections score less, which is how Material tells them apart.
   */
  function slots(secs, score) {
    const shown = secs.slice(0, EXPANDED), folded = secs.slice(EXPANDED, EXPANDED + COLLAPSED)
    const out = [{ sec: 0, score, intro: shown.some(s => s.sec === 0), teaser: false }]
    shown.filter(s => s.sec > 0).forEach((s, n) => out.push({
      sec: s.sec, score: n === 0 && shown[0].sec > 0 ? score + 0.5 : score, teaser: true
    }))
    for (const s of folded)
      if (s.sec > 0)
        out.push({ sec: s.sec, score: score / 2, teaser: false })
    return out
  }

  /* The items of one result group, from the page's records (fetched: the page and the sections
     shown, together) */
  async function renderGroup(result, r, score, wanted) {
    const { terms } = result
    const entries = slots(result.sections(r), score)
    const bodies = new Map(entries.filter(e => e.teaser).map(e => [e.sec, json(`p/${r.pid}-${e.sec}.z`)]))
    const page = await json(`p/${r.pid}.z`)
    return Promise.all(entries.map(async e => {
      if (e.sec === 0)
        return {
          location: page.u, title: highlight(page.t, terms),
          text: e.intro ? snippet(page.b, terms) : "", terms: wanted, score: e.score
        }
      const [anchor, heading] = page.s[e.sec - 1]
      return {
        location: `${page.u}#${anchor}`, title: highlight(heading, terms),
        text: e.teaser ? snippet((await bodies.get(e.sec)).b, terms) : "", terms: wanted, score: e.score
      }
    }))
  }

  /*
   * Results are filled in as they come into view. Material renders the items of an answer as
   * its list scrolls (ten, then four at a time); the worker answers with every result, the
   * first ones whole and the others as placeholders: blank entries in the group's shape (how
   * many sections it shows and folds), linked to `?archive-search=<worker>.<query>`. page.js
   * sees placeholders enter the list, asks for them by rank (their place in the list) over the
   * BroadcastChannel and fills them in with what `fill` sends. Placeholders of one shape are one
   * object, so an answer of thousands of results costs little to build, send and receive.
   */
  const PENDING = "archive-search="
  const WORKER = Math.random().toString(36).slice(2, 10)

  /*
   * Every page shown needs its record, a request of its own, and a browser works through many
   * requests only so fast: the records of the first FIRST_SHOWN pages (the top of the list, what
   * the reader sees first) are asked for first, the others once those are in. The answer waits
   * for those; the rest of the first screen (config.results) is fetched meanwhile. Once the
   * reader scrolls past it, AHEAD more pages beyond the last one asked for are fetched too, so
   * the next screen is in before it is scrolled to.
   */
  const FIRST_SHOWN = 4, AHEAD = 8

  /* Above every placeholder's (1), so Enter opens the first result */
  function scoreOf(cur, rank) {
    return cur.result.ranked.length - rank + 1
  }

  /* The items of the result at `rank` of the current query, once its records are in */
  function group(cur, rank) {
    let promise = cur.groups.get(rank)
    if (!promise) {
      const r = cur.result.ranked[rank]
      promise = (async () => {
        if (rank >= FIRST_SHOWN)
          await cur.firstIn
        return renderGroup(cur.result, r, scoreOf(cur, rank), cur.wanted)
      })()
      promise.catch(() => cur.groups.delete(rank))
      cur.groups.set(rank, promise)
    }
    return promise
  }

  /* shown·SHAPES + folded: how many sections a result shows with a snippet and how many it folds
     (slots); for one term, the term's hits say it unless more sections hold it than are shown.
     A number, not a string: an answer of 80,000 results asks this 80,000 times. */
  const SHAPES = 1024

  function shapeOf(result, r) {
    if (!result.terms.length)
      return 0
    const hit = !r.secs && result.terms.length === 1 && r.hit
    if (hit && hit.count <= EXPANDED)
      return (hit.count - (hit.first === 0 ? 1 : 0)) * SHAPES
    const entries = slots(result.sections(r), 1)
    const shown = entries.filter(e => e.teaser).length
    return shown * SHAPES + entries.length - 1 - shown
  }

  /* A result not filled in yet: renderGroup's entries, blank (one object per shape) */
  function placeholder(cur, rank) {
    const shape = shapeOf(cur.result, cur.result.ranked[rank])
    let items = cur.blanks.get(shape)
    if (!items) {
      const shown = Math.floor(shape / SHAPES), folded = shape % SHAPES
      const location = `?${PENDING}${WORKER}.${cur.id}`
      items = [{ location, title: "", text: "", terms: cur.wanted, score: 1 }]
      for (let k = 1; k <= shown + folded; k++)
        items.push({ location: `${location}#${k}`, title: "", text: "", terms: cur.wanted, score: k <= shown ? 1 : 0.5 })
      cur.blanks.set(shape, items)
    }
    return items
  }

  /* What page.js puts into a placeholder's links, in order: where they lead, title, snippet.
     The page's own snippet only when no section is shown (as Material renders a group). */
  function filling(items) {
    const sections = items.slice(1).some(x => x.score >= items[0].score)
    return items.map((x, n) => ({ location: x.location, title: x.title, text: n || !sections ? x.text : "" }))
  }

  /* ------------------------------------------------------------------ worker */

  let latest = 0, channel = null

  /*
   * Run the hot paths on made-up data while the reader has not typed yet (matching a phrase of
   * two frequent keys, ranking thousands of pages, snippets), a few times over, so the first real
   * query does not pay for the JavaScript engine's first, slow passes over this code.
   */
  async function warmUp() {
    const toks = tokenize("甲乙丙丁")
    const keys = cover(toks)
    const fake = (key, shift) => {
      const d = [], p = []
      for (let i = 0; i < 6000; i++) {
        d.push(1, 4 * 3 + (i % 2 ? 2 : 0), ...(i % 2 ? [1] : []))  /* next page, 3 hits, some in the title */
        p.push(5 + shift, 20, 40)  /* position gaps; the second key two tokens after the first */
      }
      return { key, dlen: d.length, plen: p.length, fid: -1, d: new Uint8Array(d), p: new Uint8Array(p) }
    }
    const text = "新京报讯 据北京石景山官微消息，6月1日，区委书记主持召开疫情防控工作领导小组会议。COVID-19 ".repeat(12)
    try {
      for (let round = 0; round < 3; round++) {
        keys.forEach(k => state.hot.set(k.key, fake(k.key, k.off)))
        const term = { text: "甲乙丙丁", phrase: false, toks, hits: await matchPhrase(toks) }
        const { ranked, sections: secs } = rank([term], [...term.hits.keys()])
        for (const r of ranked.slice(0, 10)) {
          secs(r)
          snippet([text, text], [term])
          highlight(text.slice(0, 40), [term])
        }
        const cur = { id: 0, result: { terms: [term], ranked, sections: secs }, wanted: {}, blanks: new Map() }
        for (let rank = 0; rank < ranked.length; rank++)
          placeholder(cur, rank)
        /* a one-key term (a frequent word: rows only, no positions), ranked and placeheld alike */
        const word = { text: "甲乙", phrase: false, toks: toks.slice(0, 2), hits: await matchPhrase(toks.slice(0, 2)) }
        const single = rank([word], [...word.hits.keys()])
        const one = { id: 0, result: { terms: [word], ranked: single.ranked, sections: single.sections }, wanted: {}, blanks: new Map() }
        for (let rank = 0; rank < single.ranked.length; rank++)
          placeholder(one, rank)
        /* filters, sorting and the filter bar, on part of the real facet table */
        const parsed = parse("甲 年:2020..2021 来源:新 标签:核")
        const filters = resolve(parsed), n = Math.min(state.facets.n, 3000)
        const base = Array.from({ length: n }, (_, pid) => pid), fails = new Uint8Array(n)
        for (let i = 0; i < n; i++)
          for (const f of filters)
            if (!f.test(i)) fails[i] |= f.bit
        facetCounts(parsed, filters, base, fails)
        byDate(base.map(pid => ({ pid })), round % 2 === 0)
      }
    } finally {
      keys.forEach(k => state.hot.delete(k.key))
    }
  }

  async function setup(data) {
    const config = data && data.config && data.config.archive
    if (config) {
      configure(config)
    } else {
      const res = await fetch(new URL("search/search_index.json", ROOT))
      configure((await res.json()).config.archive)
    }
    await loadStart()
    try {
      await warmUp()
    } catch (err) {
      /* only a speed-up */
    }
    try {
      channel = new BroadcastChannel(`archive-search:${ROOT.href}`)
      channel.addEventListener("message", ev => {
        const message = ev.data
        if (message && message.type === "fill" && message.worker === WORKER)
          fill(message).catch(() => {})
      })
    } catch (err) {
      channel = null
    }
  }

  /*
   * Answer a query through `post` (Material renders the answer): every result, in order, the
   * first FIRST_SHOWN whole (the answer waits for their records), and the rest of the first
   * screen too if their records are in by then; the others are placeholders (see PENDING).
   * page.js is told the exact count, the sort orders and the filters (see tell).
   */
  async function query(value, post) {
    const id = ++latest
    const result = await evaluate(value)
    if (id !== latest)
      return
    const { ranked } = result
    const wanted = {}
    for (const t of result.terms)
      wanted[t.text] = true
    const cur = { id, value, post, result, wanted, groups: new Map(), blanks: new Map(), build: state.config.build }
    cur.firstIn = Promise.all(ranked.slice(0, FIRST_SHOWN).map(r => json(`p/${r.pid}.z`))).catch(() => {})
    state.current = cur
    const screen = cur.screen = Math.min(ranked.length, Math.max(FIRST_SHOWN, state.config.results || 10))
    const done = []
    for (let rank = 0; rank < screen; rank++)
      group(cur, rank).then(items => (done[rank] = items), () => {})
    await Promise.all(ranked.slice(0, FIRST_SHOWN).map((r, rank) => group(cur, rank)))
    await new Promise(resolve => setTimeout(resolve, 0))  /* the rest of the first screen, if in */
    if (id !== latest)
      return
    const items = new Array(ranked.length)
    for (let rank = 0; rank < ranked.length; rank++)
      items[rank] = done[rank] || placeholder(cur, rank)
    post({ items })
    tell(cur)
  }

  /* For page.js: the exact count (Material rounds it), the sort orders and the filter bar */
  function tell(cur) {
    const { result } = cur
    if (channel)
      channel.postMessage({
        type: "meta", query: cur.value, build: cur.build, total: result.ranked.length,
        sorts: result.sorts, facets: result.facets
      })
  }

  /* Fill in placeholders of the current query that page.js has seen enter the list */
  async function fill(message) {
    const cur = state.current
    if (!cur || message.id !== cur.id || !Array.isArray(message.ranks))
      return
    const n = cur.result.ranked.length
    const ranks = message.ranks.filter(rank => Number.isInteger(rank) && rank >= 0 && rank < n)
    if (!ranks.length)
      return
    const last = Math.max(...ranks)
    if (last >= cur.screen)  /* the reader is scrolling: the next screen too */
      for (let rank = last + 1; rank < Math.min(n, last + 1 + AHEAD); rank++)
        group(cur, rank).catch(() => {})
    try {
      await Promise.all(ranks.map(async rank => {
        const items = await group(cur, rank)
        if (state.current === cur)
          channel.postMessage({ type: "filled", worker: WORKER, id: cur.id, rank, items: filling(items) })
      }))
    } catch (err) {
      /* a file of the loaded build is gone: the site was rebuilt, answer again from the new one */
      if (state.current === cur && state.config.build !== cur.build)
        await query(cur.value, cur.post)
    }
  }

  /*
   * Run a query; if the site was rebuilt meanwhile (a file of the loaded build was gone, and the
   * current build was read), run it once more, from the start: key, bucket and page numbers of
   * one build mean nothing in another.
   */
  async function onCurrentBuild(run) {
    const build = state.config.build
    try {
      return await run()
    } catch (err) {
      if (state.config.build === build)
        throw err
      return run()
    }
  }

  let ready = null

  if (typeof WorkerGlobalScope !== "undefined" && scope instanceof WorkerGlobalScope) {
    scope.addEventListener("message", async ev => {
      const message = ev.data
      try {
        switch (message.type) {
          case SETUP:
            ready = setup(message.data)
            await ready
            scope.postMessage({ type: READY })
            break
          case QUERY: {
            await ready
            await onCurrentBuild(() => query(message.data, data => scope.postMessage({ type: RESULT, data })))
            break
          }
          case EVAL: {
            if (!ready)
              ready = setup(null)
            await ready
            const before = state.bytes, t0 = performance.now()
            const result = await onCurrentBuild(() => evaluate(message.data))
            scope.postMessage({
              type: EVALUATED, id: message.id, data: {
                pages: result.ranked.map(r => r.pid), terms: result.terms.map(t => t.text),
                sort: result.sort, sorts: result.sorts, facets: result.facets,
                ms: performance.now() - t0, bytes: state.bytes - before
              }
            })
            break
          }
        }
      } catch (err) {
        if (message.type === QUERY)
          scope.postMessage({ type: RESULT, data: { items: [] } })
        else if (message.type === EVAL)
          scope.postMessage({ type: EVALUATED, id: message.id, error: String(err) })
        throw err
      }
    })
  }

  scope.ArchiveSearch = {
    normalise, tokenize, tokenizeWithOffsets, parse, compose, period, cover, setFold, bucketOf
  }

})(self)
