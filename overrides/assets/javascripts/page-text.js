/* The 纯文本 download of a document page, made in the reader's browser from the page itself, so the
 * site publishes no text file per document (about 1.3 KB each, an eighth of what an archive
 * publishes). The text is what the page shows: the title, a blank line, then the body's blocks
 * with a blank line between blocks, a line per list item and table row (cells separated by tabs),
 * without the parts the page's template adds (tags, date line, provenance, downloads, citation).
 * The downloads line (gen/site/extras.py) names the file in `data-text`; this script puts the link
 * first in it (and shows a line hidden for want of an original). tests/browser/test_page_text.py
 * holds the texts of the seeds and of every kind of Markdown. */
(function () {
  "use strict"

  // What the template puts around the rendered Markdown (gen/site/templates/page.html).
  var FRAME = "nav.md-tags, a.md-content__button, p.doc-meta, p.doc-provenance, p.doc-downloads, details.cite"
  var SKIP = { SCRIPT: 1, STYLE: 1, TEMPLATE: 1, NOSCRIPT: 1, SVG: 1 }
  var LISTS = { UL: 1, OL: 1 }
  var HEADINGS = { H1: 1, H2: 1, H3: 1, H4: 1, H5: 1, H6: 1 }

  // Elements that hold blocks: their text is read block by block.
  var CONTAINERS = { DIV: 1, BLOCKQUOTE: 1, SECTION: 1, ARTICLE: 1, ASIDE: 1, DETAILS: 1, FIGURE: 1, MAIN: 1,
    HEADER: 1, FOOTER: 1, NAV: 1, FORM: 1, FIELDSET: 1, DL: 1, ADDRESS: 1, CENTER: 1 }
  // Elements that are one block of text each.
  var LEAVES = { P: 1, H1: 1, H2: 1, H3: 1, H4: 1, H5: 1, H6: 1, SUMMARY: 1, DT: 1, DD: 1, FIGCAPTION: 1,
    LEGEND: 1, CAPTION: 1, LI: 1 }

  // Nodes' text as a reader copies it: line breaks kept (a <br> and the end of its source line are
  // one break), images by their alt text, permalink marks and scripts left out.
  function inline(nodes) {
    var out = "", broken = false
    Array.prototype.forEach.call(nodes, function (child) {
      var afterBreak = broken
      broken = false
      if (child.nodeType === 3) out += afterBreak ? child.nodeValue.replace(/^[ \t]*\n/, "") : child.nodeValue
      else if (child.nodeType !== 1 || SKIP[child.nodeName]) return
      else if (child.nodeName === "BR") { out += "\n"; broken = true }
      else if (child.nodeName === "IMG") out += child.getAttribute("alt") || ""
      else if (child.nodeName === "A" && child.classList.contains("headerlink")) return
      else out += inline(child.childNodes)
    })
    return out
  }

  function lines(text) {
    return text.split("\n").map(function (l) { return l.replace(/^[ \t]+|[ \t]+$/g, "") }).join("\n")
      .replace(/^\n+|\n+$/g, "")
  }

  // The blocks of a container, in order, each a string (lines joined by "\n"): text between its
  // blocks (a bare <div>'s words, say) is a block of its own.
  function blocks(container, out, heading) {
    var run = []
    function flush() {
      var text = lines(inline(run))
      if (text) out.push(text)
      run = []
    }
    Array.prototype.forEach.call(container.childNodes, function (el) {
      var name = el.nodeName
      if (el.nodeType === 1 && (el === heading || el.matches(FRAME))) return
      if (el.nodeType !== 1 || !(LISTS[name] || name === "TABLE" || name === "PRE" || name === "HR" || LEAVES[name] || CONTAINERS[name])) {
        run.push(el)
        return
      }
      flush()
      if (name === "HR") return
      if (LISTS[name]) {
        out.push(listItems(el).join("\n"))
      } else if (name === "TABLE") {
        out.push(Array.prototype.map.call(el.querySelectorAll("tr"), function (row) {
          return Array.prototype.map.call(row.children, function (cell) { return lines(inline(cell.childNodes)).replace(/\n/g, " ") }).join("\t")
        }).join("\n"))
      } else if (name === "PRE") {
        out.push(el.textContent.replace(/\n$/, ""))
      } else if (LEAVES[name]) {
        out.push(lines(inline(el.childNodes)))
      } else {
        blocks(el, out, heading)
      }
    })
    flush()
    return out
  }

  // A list's items, nested lists flattened in order; an ordered list's items numbered.
  function listItems(list) {
    var items = []
    var n = parseInt(list.getAttribute("start") || "1", 10)
    Array.prototype.forEach.call(list.children, function (li) {
      if (li.nodeName !== "LI") return
      var parts = [], run = [], nested = []
      function flush() {
        var text = lines(inline(run))
        if (text) parts.push(text)
        run = []
      }
      Array.prototype.forEach.call(li.childNodes, function (child) {
        var name = child.nodeType === 1 ? child.nodeName : ""
        if (LISTS[name]) { flush(); nested = nested.concat(listItems(child)) }
        else if (name === "P") { flush(); parts.push(lines(inline(child.childNodes))) }
        else run.push(child)
      })
      flush()
      var own = parts.join("\n")
      items.push(list.nodeName === "OL" ? n + ". " + own : own)
      n += 1
      items = items.concat(nested)
    })
    return items
  }

  // The page as plain text: title, blank line, body; a final newline.
  function pageText(article, title, heading) {
    var body = blocks(article, [], heading).filter(function (b) { return b !== "" }).join("\n\n")
      .replace(/\n{3,}/g, "\n\n").replace(/^\n+|\n+$/g, "")
    var parts = [title.replace(/^\s+|\s+$/g, "").replace(/\s*[\r\n]+\s*/g, " "), body].filter(function (p) { return p })
    return parts.length ? parts.join("\n\n") + "\n" : ""
  }

  // The text of a page's article element (its first <h1> is the title).
  function articleText(article) {
    var h1 = article.querySelector("h1")
    return pageText(article, h1 ? lines(inline(h1.childNodes)) : "", h1)
  }

  window.archivePageText = articleText  // for the tests

  function init(doc) {
    Array.prototype.forEach.call(doc.querySelectorAll("p.doc-downloads[data-text]"), function (line) {
      if (line.querySelector("a[data-page-text]")) return
      var link = doc.createElement("a")
      link.href = "#"
      link.setAttribute("data-page-text", "")
      link.setAttribute("download", line.getAttribute("data-text"))
      link.textContent = "纯文本"
      var first = line.querySelector("a")
      line.insertBefore(link, first)
      if (first) line.insertBefore(doc.createTextNode(" · "), first)
      line.hidden = false
    })
  }

  document.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest("a[data-page-text]")
    if (!link) return
    ev.preventDefault()
    var text = articleText(link.closest("article"))
    var url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }))
    var save = document.createElement("a")
    save.href = url
    save.download = link.getAttribute("download")
    document.body.appendChild(save)
    save.click()
    save.remove()
    setTimeout(function () { URL.revokeObjectURL(url) }, 10000)
  })

  // The lean shell loads this at the end of the body, so the page is there; Material's instant
  // navigation, where it is on, swaps pages without loading scripts again.
  init(document)
  var swaps = window.document$
  if (swaps && typeof swaps.subscribe === "function") swaps.subscribe(function () { init(document) })
})()
