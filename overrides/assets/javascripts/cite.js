/* Citation boxes of document pages (made by gen/cite/box.py): copy and download buttons, the
 * reader's own date as [引用日期], and the page's absolute address where the site was built without
 * site_url. Plain script, no library, works offline; without it the box still shows every text. */
(function () {
  "use strict"

  // The reader's date, in the two forms the box marks: ISO (GB/T, BibTeX) and CSL date-parts.
  function today() {
    var d = new Date()
    var y = d.getFullYear(), m = d.getMonth() + 1, day = d.getDate()
    return {
      iso: y + "-" + (m < 10 ? "0" : "") + m + "-" + (day < 10 ? "0" : "") + day,
      parts: y + ", " + m + ", " + day
    }
  }

  // This page's address without query or fragment: the archived copy's URL.
  function here() {
    return location.href.replace(/[?#].*$/, "").replace(/\/index\.html$/, "/")
  }

  function init(root) {
    var date = today()
    var boxes = root.querySelectorAll("details.cite:not([data-cite-ready])")
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i]
      box.setAttribute("data-cite-ready", "")
      box.querySelectorAll("[data-cite-acc]").forEach(function (el) {
        el.textContent = date[el.getAttribute("data-cite-acc")] || el.textContent
      })
      box.querySelectorAll("[data-cite-url]").forEach(function (el) {
        el.textContent = here()
      })
      box.querySelectorAll("button[hidden]").forEach(function (b) {
        b.hidden = false
      })
    }
  }

  function textOf(button) {
    return button.closest(".cite-entry").querySelector(".cite-text").textContent
  }

  // The Clipboard API needs a secure context (https or localhost); elsewhere select and copy.
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text)
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea")
      area.value = text
      area.setAttribute("readonly", "")
      area.style.position = "fixed"
      area.style.opacity = "0"
      document.body.appendChild(area)
      area.select()
      var ok = false
      try { ok = document.execCommand("copy") } catch (e) { ok = false }
      area.remove()
      ok ? resolve() : reject(new Error("copy refused"))
    })
  }

  function report(button, ok) {
    var label = button.getAttribute("data-label") || button.textContent
    button.setAttribute("data-label", label)
    button.textContent = ok ? "已复制" : "复制失败，请手动选择"
    button.setAttribute("data-cite-state", ok ? "ok" : "failed")
    setTimeout(function () {
      button.textContent = label
      button.removeAttribute("data-cite-state")
    }, 2000)
  }

  function selectText(button) {
    var range = document.createRange()
    range.selectNodeContents(button.closest(".cite-entry").querySelector(".cite-text"))
    var selection = window.getSelection()
    selection.removeAllRanges()
    selection.addRange(range)
  }

  // The file is made here from the text shown, so the site publishes no file per page.
  function download(button) {
    var blob = new Blob([textOf(button)], { type: button.getAttribute("data-type") })
    var url = URL.createObjectURL(blob)
    var link = document.createElement("a")
    link.href = url
    link.download = button.getAttribute("data-file")
    document.body.appendChild(link)
    link.click()
    link.remove()
    setTimeout(function () { URL.revokeObjectURL(url) }, 10000)
  }

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest("details.cite button")
    if (!button) return
    if (button.classList.contains("cite-copy")) {
      copy(textOf(button)).then(
        function () { report(button, true) },
        function () { report(button, false); selectText(button) }
      )
    } else if (button.classList.contains("cite-dl")) {
      download(button)
    }
  })

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document) })
  } else {
    init(document)
  }
  // Material's instant navigation swaps the page without a load event.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { init(document) })
  }
})()
