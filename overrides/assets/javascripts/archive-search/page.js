/*
 * Archive search, page side: additions to Material's search box (the worker is worker.js).
 *
 * 1. Material reads the query on `keyup`; text that arrives without a key (an IME commit in some
 *    browsers, paste from the context menu, drag and drop) would not be searched. Every `input`
 *    event is forwarded as a `keyup`, which Material de-duplicates.
 * 2. Every result can be reached. Material renders the results of an answer as the list
 *    scrolls; the worker sends the first ones whole and the rest as placeholders (links to
 *    `?archive-search=<worker>.<query>`). When placeholders enter the list, this asks the worker
 *    for them by rank (their place in the list) over a BroadcastChannel and fills them in (link,
 *    title, snippet), so a page's records are fetched when it comes into view. A placeholder
 *    cannot be followed.
 * 3. The count line gives the exact number of results (Material rounds 1,301 to 1.3k).
 * 4. Filters and sort orders: a bar above the results, from what the worker says about the
 *    current results. A click rewrites the query text in the query syntax (`区:海淀区`,
 *    `排序:最新`), so the box, the results and the address always say the same.
 * 5. The address carries the query (`?q=…`, Material's deep link), so a filtered search can be
 *    linked; `&sort=newest|oldest|relevance` is read as well and moved into the query.
 */
;(function () {
  "use strict"
  const input = document.querySelector("[data-md-component=search-query]")
  const meta = document.querySelector(".md-search-result__meta")
  const list = document.querySelector(".md-search-result__list")
  const toggle = document.querySelector("[data-md-toggle=search]")
  if (!input || !meta || !list)
    return

  const config = JSON.parse(document.getElementById("__config").textContent)
  const root = new URL(config.base + "/", location.href)
  const translations = config.translations || {}
  const PENDING = "archive-search="
  const TOKEN = /archive-search=([a-z0-9]+)\.(\d+)/
  const SORT_PARAM = { relevance: "相关", newest: "最新", oldest: "最早" }
  const SORT_TERM = /(^|\s)(排序|sort)[:：]/iu
  const CHIPS = 8  /* values shown per field before "more" */
  const number = new Intl.NumberFormat(document.documentElement.lang || undefined)  /* made once: slow */

  /* 5. `sort=` into the query, in the address and in the box (Material has read `q` into it
     already, and asks the worker once it is ready, reading the box again) */
  {
    const url = new URL(location.href)
    const sort = SORT_PARAM[url.searchParams.get("sort")]
    if (url.searchParams.has("sort")) {
      const q = url.searchParams.get("q")
      url.searchParams.delete("sort")
      if (q !== null && sort && !SORT_TERM.test(q)) {
        const sorted = `${q} 排序:${sort}`.trim()
        url.search = withQuery(url, sorted)
        if (input.value === q) {
          input.value = sorted
          input.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }))
        }
      }
      history.replaceState(history.state, "", url)
    }
  }

  /* 1 */
  input.addEventListener("input", ev => {
    if (!ev.isComposing)
      input.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }))
  })

  const channel = "BroadcastChannel" in window ? new BroadcastChannel(`archive-search:${root.href}`) : null
  if (!channel)
    return

  /* ---------------------------------------------------------------- 2. placeholders */

  const pending = new Map()  /* "<worker>.<query>.<rank>" → list item waiting for its content */

  function ask(items) {
    const wanted = new Map()
    for (const item of items) {
      const link = item.querySelector && item.querySelector("a")
      const m = link && TOKEN.exec(link.getAttribute("href") || "")
      if (!m)
        continue
      const rank = Array.prototype.indexOf.call(list.children, item)
      const token = `${m[1]}.${m[2]}.${rank}`
      if (rank < 0 || pending.has(token))
        continue
      pending.set(token, item)
      const key = `${m[1]}.${m[2]}`
      if (!wanted.has(key))
        wanted.set(key, { worker: m[1], id: +m[2], ranks: [] })
      wanted.get(key).ranks.push(rank)
    }
    for (const request of wanted.values())
      channel.postMessage({ type: "fill", ...request })
  }

  new MutationObserver(records => {
    const added = []
    for (const record of records)
      added.push(...record.addedNodes)
    if (records.some(r => r.removedNodes.length))
      for (const [token, item] of pending)
        if (!item.isConnected)
          pending.delete(token)
    ask(added)
  }).observe(list, { childList: true })

  /* The links of a group are the page, its sections shown, then the folded ones: as the items */
  function fill(item, entries) {
    const links = item.querySelectorAll("a.md-search-result__link")
    links.forEach((link, n) => {
      const entry = entries[n]
      if (!entry)
        return
      const url = new URL(entry.location, root)
      const highlight = new URL(link.href).searchParams.get("h")
      if (highlight !== null)
        url.searchParams.set("h", highlight)
      link.href = url.href
      const head = link.querySelector("h1, h2")
      if (head) {
        head.innerHTML = entry.title  /* HTML from the worker: escaped text and <mark> */
        if (entry.text)
          head.insertAdjacentHTML("afterend", entry.text)
      }
    })
  }

  /* A placeholder is not a link yet */
  list.addEventListener("click", ev => {
    const link = ev.target instanceof Element && ev.target.closest("a")
    if (link && (link.getAttribute("href") || "").includes(PENDING)) {
      ev.preventDefault()
      ev.stopPropagation()
    }
  }, true)

  /* ---------------------------------------------------------------- 3, 4. count and filters */

  let last = null  /* the worker's word on the current query */
  let frame = 0
  const opened = new Set()  /* fields whose values are all shown */

  const bar = document.createElement("div")
  bar.className = "archive-search-filters"
  bar.hidden = true
  meta.after(bar)  /* Material takes the first and last children: the count line and the list */

  let ours = null  /* the text node of the count line as this script last wrote it */

  /* Once Material has written its (rounded) count for the query in the box */
  function count() {
    if (!last || last.query !== input.value || list.dataset.query !== last.query || last.total < 2)
      return
    const text = (translations["search.result.other"] || "# results").replace("#", number.format(last.total))
    if (meta.textContent !== text) {
      meta.textContent = text
      ours = meta.firstChild
    }
  }

  function button(text, q, pressed, extra) {
    const b = document.createElement("button")
    b.type = "button"
    b.className = "archive-search-filters__chip"
    b.textContent = text
    if (extra !== undefined) {
      const span = document.createElement("span")
      span.className = "archive-search-filters__count"
      span.textContent = extra
      b.append(span)
    }
    if (pressed !== null)
      b.setAttribute("aria-pressed", pressed ? "true" : "false")
    b.dataset.q = q
    return b
  }

  function row(label, field, buttons) {
    const div = document.createElement("div")
    div.className = "archive-search-filters__row"
    if (field)
      div.dataset.field = field
    const name = document.createElement("span")
    name.className = "archive-search-filters__label"
    name.textContent = label
    div.append(name, ...buttons)
    return div
  }

  function render() {
    const m = last && last.query === input.value ? last : null
    const facets = m && m.facets
    bar.replaceChildren()
    bar.dataset.query = m ? m.query : ""  /* what the bar is about (tests wait for it) */
    bar.hidden = !m || (!m.total && !(facets && facets.active.length))
    if (bar.hidden)
      return
    if (m.total > 1 && m.sorts.length)
      bar.append(row("排序", "sort", m.sorts.map(s => button(s.name, s.q, s.picked))))
    if (facets && facets.active.length)
      bar.append(row("筛选", "active", facets.active.map(a => {
        const b = button(a.name, a.q, null, "×")
        b.classList.add(a.ignored ? "archive-search-filters__ignored" : "archive-search-filters__active")
        b.title = a.ignored ? "看不懂这个筛选，已忽略（点击删去）" : "取消这个筛选"
        return b
      })))
    for (const group of facets ? facets.groups : []) {
      const all = opened.has(group.field)
      const chips = group.chips.filter((c, n) => all || c.picked || n < CHIPS)
      const buttons = chips.map(c =>
        button(c.label, c.q, c.picked, `${c.plus ? "+" : ""}${number.format(c.count)}`))
      if (group.chips.length > chips.length) {
        const more = document.createElement("button")
        more.type = "button"
        more.className = "archive-search-filters__more"
        more.textContent = `更多（${group.chips.length - chips.length}）`
        more.dataset.open = group.field
        buttons.push(more)
      }
      bar.append(row(group.label, group.field, buttons))
    }
  }

  bar.addEventListener("click", ev => {
    const b = ev.target instanceof Element && ev.target.closest("button")
    if (!b)
      return
    if (b.dataset.open) {
      opened.add(b.dataset.open)
      return render()
    }
    if (b.dataset.q === undefined || b.dataset.q === input.value)
      return
    input.value = b.dataset.q
    input.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }))
    const wrap = bar.closest(".md-search__scrollwrap")
    if (wrap)
      wrap.scrollTop = 0
    address()
  })

  channel.addEventListener("message", ev => {
    const message = ev.data || {}
    if (message.type === "meta") {
      if (message.query !== input.value)
        return
      if (!last || last.query !== message.query)
        opened.clear()
      last = message
      count()
      /* drawn with the next frame: Material's rendering of the answer comes first */
      cancelAnimationFrame(frame)
      frame = requestAnimationFrame(render)
    } else if (message.type === "filled") {
      const token = `${message.worker}.${message.id}.${message.rank}`
      const item = pending.get(token)
      pending.delete(token)
      if (item && item.isConnected)
        fill(item, message.items)
    }
  })
  /* Material writes the count line when it renders an answer, which is for the query in the box:
     the list says which query it shows (tests wait for it). Material's text may be the very text
     this script wrote last (an answer of the same count), so a write is told by its node. */
  new MutationObserver(records => {
    const material = records.some(r =>
      r.type === "characterData" ? r.target !== ours : [...r.addedNodes].some(n => n !== ours))
    if (material)
      list.dataset.query = input.value
    count()
  }).observe(meta, { childList: true, characterData: true, subtree: true })

  /* ---------------------------------------------------------------- 5. the address */

  function withQuery(url, q) {
    const params = [...url.searchParams].filter(([k]) => k !== "q")
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    if (q)
      params.unshift("q=" + encodeURIComponent(q).replace(/%20/g, "+").replace(/%3A/gi, ":").replace(/%2C/gi, ","))
    return params.length ? `?${params.join("&")}` : ""
  }

  let timer = 0
  function address() {
    clearTimeout(timer)
    timer = setTimeout(() => {
      const url = new URL(location.href)
      const open = !toggle || toggle.checked
      url.search = withQuery(url, open ? input.value.trim() : "")
      if (url.href !== location.href)
        history.replaceState(history.state, "", url)
    }, 250)
  }
  input.addEventListener("keyup", address)
  if (toggle)
    toggle.addEventListener("change", address)
  /* A result was opened (Material closes the search as it goes): the address of this page keeps
     the query, so Back returns to the search, and no change of address meets the navigation */
  window.addEventListener("beforeunload", () => clearTimeout(timer))
})()
