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
 *   frequency (saturating), then closeness of the terms.
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

  /* Terms of a query: [{text, phrase, toks}] */
  function parse(query) {
    const terms = []
    let buf = "", quoted = false
    const flush = () => {
      const toks = tokenize(normalise(buf))
      if (toks.length)
        terms.push({ text: toks.map(x => x.t).join(""), phrase: quoted, toks })
      buf = ""
    }
    for (const ch of query.normalize("NFKC")) {
      if (QUOTES.has(ch)) {
        flush()
        quoted = !quoted
      } else if (!quoted && /\s/u.test(ch)) {
        flush()
      } else {
        buf += ch
      }
    }
    flush()
    return terms
  }

  /* Keys whose positions pin down every token of a phrase: [{key, off}] */
  function cover(toks) {
    if (toks.length === 1)
      return [{ key: toks[0].t, off: 0 }]
    const out = []
    let i = 0
    while (i < toks.length) {
      if (!toks[i].cjk) {
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

  async function reloadConfig() {
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
      await loadFold()
      return true
    } catch (err) {
      return false
    }
  }

  async function loadFold() {
    const [fold, hot] = await Promise.all([file("fold.z"), file("hot.z")])
    setFold(utf8.decode(fold))
    state.hot = parseBucket(hot)
  }

  /* ------------------------------------------------------------------ index format */

  function reader(bytes) {
    let pos = 0
    return {
      get pos() { return pos },
      set pos(v) { pos = v },
      varint() {
        let value = 0, scale = 1, byte
        do {
          byte = bytes[pos++]
          value += (byte & 0x7f) * scale
          scale *= 128
        } while (byte & 0x80)
        return value
      }
    }
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
    const map = new Map(), r = reader(bytes)
    const count = r.varint()
    for (let i = 0; i < count; i++) {
      const head = r.varint()
      const klen = Math.floor(head / 2), big = head % 2
      const key = utf8.decode(bytes.subarray(r.pos, r.pos + klen))
      r.pos += klen
      if (big) {
        r.varint()  /* the key's page count: ranking counts pages from the rows it reads */
        const dlen = r.varint(), plen = r.varint(), fid = r.varint()
        map.set(key, { key, dlen, plen, fid, d: null, p: null })
      } else {
        const dlen = r.varint(), plen = r.varint()
        const d = bytes.subarray(r.pos, r.pos + dlen)
        const p = bytes.subarray(r.pos + dlen, r.pos + dlen + plen)
        r.pos += dlen + plen
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

  /* Rows of D: parallel arrays, sorted by (pid, sec) */
  async function rows(e) {
    if (e.rows)
      return e.rows
    const d = e.d || await file(`k/${e.fid}.d.z`)
    const r = reader(d)
    const pid = [], sec = [], n = [], head = []
    let page = 0
    while (r.pos < d.length) {
      page += r.varint()
      const v = r.varint()
      pid.push(page)
      n.push(Math.floor(v / 4))
      head.push(v & 2 ? r.varint() : 0)
      sec.push(v & 1 ? r.varint() : 0)
    }
    e.rows = { pid, sec, n, head, length: pid.length }
    return e.rows
  }

  /* Positions of P: one Int32Array, and the first index of each row */
  async function positions(e) {
    if (e.positions)
      return e.positions
    const rs = await rows(e)
    const p = e.fid >= 0 ? await file(`k/${e.fid}.p.z`) : e.p
    const r = reader(p)
    const all = new Int32Array(rs.n.reduce((a, b) => a + b, 0))
    const start = new Int32Array(rs.length + 1)
    let k = 0
    for (let i = 0; i < rs.length; i++) {
      start[i] = k
      let prev = 0
      for (let j = 0; j < rs.n[i]; j++) {
        prev += r.varint()
        all[k++] = prev
      }
    }
    start[rs.length] = k
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

  /* ------------------------------------------------------------------ matching */

  /*
   * Pages holding a phrase: Map pid → {tf, title, head, secs: Map sec → {tf, head, starts}}.
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
      const rs = rowsOf[0]
      for (let i = 0; i < rs.length; i++)
        addHit(hits, rs.pid[i], rs.sec[i], rs.n[i], rs.head[i], null)
      return hits
    }

    /* the (page, section) rows every key has, walking all keys' rows in order */
    const at = keys.map(() => 0)
    const order = (rs, i) => rs.pid[i] * 65536 + rs.sec[i]
    const common = []
    for (;;) {
      let high = -1, done = false
      for (let k = 0; k < keys.length && !done; k++) {
        if (at[k] >= rowsOf[k].length) done = true
        else high = Math.max(high, order(rowsOf[k], at[k]))
      }
      let aligned = true
      for (let k = 0; k < keys.length && !done; k++) {
        while (at[k] < rowsOf[k].length && order(rowsOf[k], at[k]) < high)
          at[k]++
        if (at[k] >= rowsOf[k].length) done = true
        else if (order(rowsOf[k], at[k]) !== high) aligned = false
      }
      if (done)
        break
      if (aligned) {
        common.push([...at])
        for (let k = 0; k < keys.length; k++)
          at[k]++
      }
    }
    if (!common.length)
      return hits

    /* positions only now: the rarest key of each row anchors the check of the others */
    const pos = await Promise.all(entries.map(positions))
    for (const row of common) {
      let anchor = 0
      for (let k = 1; k < keys.length; k++)
        if (rowsOf[k].n[row[k]] < rowsOf[anchor].n[row[anchor]])
          anchor = k
      const a = pos[anchor], ar = row[anchor]
      const starts = []
      let title = 0
      for (let j = a.start[ar]; j < a.start[ar + 1]; j++) {
        const s = a.all[j] - keys[anchor].off
        let ok = true
        for (let k = 0; k < keys.length && ok; k++) {
          if (k === anchor)
            continue
          const pk = pos[k], r = row[k]
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

  function addHit(hits, pid, sec, tf, head, starts) {
    let page = hits.get(pid)
    if (!page) {
      page = { tf: 0, title: 0, head: 0, secs: new Map() }
      hits.set(pid, page)
    }
    page.tf += tf
    if (sec === 0) page.title += head
    else page.head += head
    page.secs.set(sec, { tf, head, starts })
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
      const sec = page && page.secs.get(rs.sec[i])
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

  /* Sections of a page holding terms, best first: [{sec, score, terms, lists}] */
  function sections(terms, idf, lengths, pid) {
    const secs = new Map()
    terms.forEach((t, k) => {
      for (const [sec, s] of t.hits.get(pid).secs) {
        let x = secs.get(sec)
        if (!x) secs.set(sec, x = { sec, score: 0, terms: 0, lists: [] })
        x.score += idf[k] * (saturate(s.tf) + (s.head ? 1 : 0))
        x.terms++
        x.lists[k] = s.starts
      }
    })
    const total = lengths.reduce((a, b) => a + b, 0)
    let close = 0
    for (const x of secs.values()) {
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
    return { close, list: [...secs.values()].sort((a, b) => b.score - a.score || a.sec - b.sec) }
  }

  /* Pages in rank order: [{pid, tier, score, secs()}] */
  function rank(terms, pages) {
    const n = state.config.pages
    const idf = terms.map(t => Math.log(1 + n / Math.max(1, t.hits.size)))
    const lengths = terms.map(t => t.toks.length)
    const ranked = []
    for (const pid of pages) {
      let tier = 0, score = 0
      for (let k = 0; k < terms.length; k++) {
        const hit = terms[k].hits.get(pid)
        if (hit.title) tier++
        score += idf[k] * (saturate(hit.tf) + (hit.head ? 0.5 : 0))
      }
      let secs = null
      if (terms.length > 1) {
        secs = sections(terms, idf, lengths, pid)
        score += secs.close * 2
      }
      ranked.push({ pid, tier, score, secs })
    }
    ranked.sort((a, b) => b.tier - a.tier || b.score - a.score || b.pid - a.pid)
    return { ranked, sections: r => (r.secs || (r.secs = sections(terms, idf, lengths, r.pid))).list }
  }

  /* ------------------------------------------------------------------ search */

  /* Evaluate a query: {terms (after splitting), ranked pages} */
  async function evaluate(query) {
    const parsed = parse(query)
    if (!parsed.length)
      return { terms: [], ranked: [], sections: () => [] }
    const terms = []
    await Promise.all(parsed.map(async t => {
      t.hits = await matchPhrase(t.toks)
      if (!t.hits.size) {
        const parts = await split(t)
        if (parts && parts.length)
          return terms.push({ index: parsed.indexOf(t), parts })
      }
      terms.push({ index: parsed.indexOf(t), parts: [t] })
    }))
    const flat = terms.sort((a, b) => a.index - b.index).flatMap(t => t.parts)

    /* all terms must match on the same page */
    let pages = null
    for (const t of [...flat].sort((a, b) => a.hits.size - b.hits.size)) {
      pages = pages ? pages.filter(p => t.hits.has(p)) : [...t.hits.keys()]
      if (!pages.length)
        break
    }
    pages = pages || []

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
    const { ranked, sections: secs } = rank(flat, pages)
    return { terms: flat, ranked, sections: secs }
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
   * Every page shown needs its record, a request of its own, and a browser works through many
   * requests only so fast: the records of the first FIRST_SHOWN pages (the top of the list, what
   * the reader sees first) are asked for first, the others once those are in.
   */
  const FIRST_SHOWN = 4

  /* The result items of the pages shown, one promise per page (its records are fetched) */
  function render(result, limit) {
    const { terms, ranked } = result
    const wanted = {}
    for (const t of terms)
      wanted[t.text] = true
    const top = ranked.slice(0, limit)
    const firstIn = Promise.all(top.slice(0, FIRST_SHOWN).map(r => json(`p/${r.pid}.json`))).catch(() => {})
    return top.map(async (r, index) => {
      if (index >= FIRST_SHOWN)
        await firstIn
      const secs = result.sections(r)
      const shown = secs.slice(0, EXPANDED)
      const folded = secs.slice(EXPANDED, EXPANDED + COLLAPSED)
      /* the page and its sections shown are fetched together */
      const bodies = new Map(shown.filter(s => s.sec > 0).map(s => [s.sec, json(`p/${r.pid}-${s.sec}.json`)]))
      const page = await json(`p/${r.pid}.json`)
      const score = 1000 - index
      const intro = shown.some(s => s.sec === 0)
      const items = [{
        location: page.u, title: highlight(page.t, terms),
        text: intro ? snippet(page.b, terms) : "", terms: wanted, score
      }]
      /* the best article of an issue scores a little higher, so Enter opens it */
      const parts = await Promise.all(shown.filter(s => s.sec > 0).map(async (s, n) => {
        const body = await bodies.get(s.sec)
        const [anchor, heading] = page.s[s.sec - 1]
        return {
          location: `${page.u}#${anchor}`, title: highlight(heading, terms),
          text: snippet(body.b, terms), terms: wanted,
          score: n === 0 && shown[0].sec > 0 ? score + 0.5 : score
        }
      }))
      items.push(...parts)
      for (const s of folded.filter(s => s.sec > 0)) {
        const [anchor, heading] = page.s[s.sec - 1]
        items.push({
          location: `${page.u}#${anchor}`, title: highlight(heading, terms),
          text: "", terms: wanted, score: score / 2
        })
      }
      return items
    })
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
    await loadFold()
    try {
      await warmUp()
    } catch (err) {
      /* only a speed-up */
    }
    try {
      channel = new BroadcastChannel(`archive-search:${ROOT.href}`)
    } catch (err) {
      channel = null
    }
  }

  /*
   * Answer a query through `post` (Material renders each answer it gets): the first FIRST_SHOWN
   * pages as soon as their records are in, and the whole list when all are (see render).
   */
  async function query(value, post) {
    const id = ++latest
    const result = await evaluate(value)
    if (id !== latest)
      return
    const limit = state.config.results || 10
    const pages = render(result, limit)
    const answer = data => {
      if (channel && !told)  /* for the count line: how many pages matched in all */
        channel.postMessage({ query: value, total: result.ranked.length, shown: pages.length })
      told = true
      post(data)
    }
    let whole = null, told = false
    const all = Promise.all(pages).then(items => (whole = items))
    all.catch(() => {})  /* awaited below; a failed fetch is reported there */
    if (pages.length > FIRST_SHOWN) {
      const first = await Promise.all(pages.slice(0, FIRST_SHOWN))
      await new Promise(resolve => setTimeout(resolve, 0))  /* the rest, if already in */
      if (!whole && id === latest)
        answer({ items: first })
    }
    await all
    if (id === latest)
      answer({ items: whole })
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

  scope.ArchiveSearch = { normalise, tokenize, tokenizeWithOffsets, parse, cover, setFold, bucketOf }

})(self)
