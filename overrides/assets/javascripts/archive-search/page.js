/*
 * Archive search, page side: two small additions to Material's search box.
 *
 * 1. Material reads the query on `keyup`; text that arrives without a key (an IME commit in some
 *    browsers, paste from the context menu, drag and drop) would not be searched. Every `input`
 *    event is forwarded as a `keyup`, which Material de-duplicates.
 * 2. The worker returns the best results only (a query like 疫情 matches most of the archive) and
 *    broadcasts how many pages matched in all; the result count line says both.
 */
"use strict";

;(function (script) {
  const input = document.querySelector("[data-md-component=search-query]")
  const meta = document.querySelector(".md-search-result__meta")
  if (!input || !meta)
    return

  input.addEventListener("input", ev => {
    if (!ev.isComposing)
      input.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }))
  })

  const config = JSON.parse(document.getElementById("__config").textContent)
  const root = new URL(config.base + "/", location.href)
  const template = (config.translations || {})["search.result.other"] || "# results"
  const limited = (script && script.dataset.limited) || " (#)"
  let last = null

  function apply() {
    if (!last || last.query !== input.value || last.total <= last.shown)
      return
    const text = template.replace("#", last.total.toLocaleString()) + limited.replace("#", last.shown)
    if (meta.textContent !== text)
      meta.textContent = text
  }

  if ("BroadcastChannel" in window) {
    const channel = new BroadcastChannel(`archive-search:${root.href}`)
    channel.addEventListener("message", ev => {
      last = ev.data
      apply()
    })
    new MutationObserver(apply).observe(meta, { childList: true, characterData: true, subtree: true })
  }
})(document.currentScript)
