/* Citation boxes of document pages (made by gen/cite/box.py). The page has the GB/T 7714 entries and
 * a JSON data island; this script puts the reader's own date and the page's address into the GB/T
 * text, builds the records, the BibTeX and CSL-JSON texts (ports of gen/cite/formats.py, which stays
 * the reference: tests/test_cite.py requires the same texts), the tabs, and the copy and download
 * buttons. Plain script, no library, works offline; without it the box shows the GB/T entries. */
(function () {
  "use strict"

  var ARCHIVED = "-archive"  // records.ARCHIVED
  // box.ARTICLE_SHARED: what a newspaper issue's articles take from the issue's record.
  var ARTICLE_SHARED = ["container-title", "issue", "issued"]
  // formats.csl_item's field order.
  var CSL_FIELDS = ["id", "type", "title", "author", "container-title", "issue", "page", "issued", "accessed",
    "URL", "source"]
  // formats.BIBTEX_ESCAPES: characters BibTeX and LaTeX read as markup.
  var BIBTEX_ESCAPES = {
    "\\": "\\textbackslash{}", "{": "\\{", "}": "\\}", "%": "\\%", "&": "\\&", "#": "\\#", "$": "\\$",
    "_": "\\_", "~": "\\textasciitilde{}", "^": "\\textasciicircum{}"
  }
  var TABS = [
    { name: "GB/T 7714" },
    { name: "BibTeX", ext: ".bib", type: "application/x-bibtex" },
    { name: "CSL-JSON", ext: ".json", type: "application/vnd.citationstyles.csl+json" }
  ]
  var boxes = 0

  function pad(n, width) {
    var s = String(n)
    while (s.length < width) s = "0" + s
    return s
  }

  // formats.numeric_date: [2020, 4, 16] → "2020-04-16", [2020, 4] → "2020-04".
  function numericDate(parts) {
    return parts.map(function (p, i) { return pad(p, i ? 2 : 4) }).join("-")
  }

  // The reader's local date, ISO; tests pin it with <html data-cite-today="YYYY-MM-DD">.
  function today() {
    var pinned = document.documentElement.getAttribute("data-cite-today")
    if (pinned) return pinned
    var d = new Date()
    return numericDate([d.getFullYear(), d.getMonth() + 1, d.getDate()])
  }

  // An entry's address as cited: a site-relative one (the site has no site_url) is this page's own
  // address, without query or fragment.
  function address(text) {
    if (/^https?:/i.test(text)) return text
    return location.href.replace(/[?#].*$/, "").replace(/\/index\.html$/, "/")
  }

  // The page's key (records.cite_key): the original's id, or the archived issue's without "-archive".
  function pageKey(data) {
    return data.original ? data.original.id : data.issue.id.slice(0, -ARCHIVED.length)
  }

  function copyOf(record) {
    var out = {}
    for (var k in record) out[k] = record[k]
    return out
  }

  // The CSL items of a box, in formats' order (records.PageCitations.items), from the data island
  // (box.data_island) and the GB/T entries: each entry's <cite> is its title, its address span its URL.
  function records(data, entries, date) {
    var items, archived
    if (data.original) {
      archived = copyOf(data.original)
      archived.id += ARCHIVED
      items = [copyOf(data.original), archived]
    } else {
      archived = copyOf(data.issue)
      var key = pageKey(data)
      items = [archived].concat(data.articles.map(function (own, n) {
        var article = { id: key + "-a" + (n + 1), type: "article-newspaper" }
        ARTICLE_SHARED.forEach(function (k) { if (k in archived) article[k] = archived[k] })
        for (var k in own) article[k] = own[k]
        return article
      }))
    }
    if (entries.length !== items.length) throw new Error("cite.js: " + entries.length + " GB/T entries for " + items.length + " records")
    items.forEach(function (item, i) {
      item.title = entries[i].querySelector("cite").textContent
      var url = entries[i].querySelector("[data-cite-url]")
      if (url) {
        item.URL = address(url.textContent)
        item.accessed = { "date-parts": [date.split("-").map(Number)] }
      }
    })
    archived.source = data.site
    return items
  }

  // json.dumps(value, ensure_ascii=False) with Python's default separators.
  function pyJson(value) {
    if (Array.isArray(value)) return "[" + value.map(pyJson).join(", ") + "]"
    if (value && typeof value === "object") {
      return "{" + Object.keys(value).map(function (k) { return JSON.stringify(k) + ": " + pyJson(value[k]) }).join(", ") + "}"
    }
    return JSON.stringify(value)
  }

  // formats.csl_json: one line per field.
  function cslJson(items) {
    return "[\n" + items.map(function (item) {
      var lines = CSL_FIELDS.filter(function (k) { return k in item }).map(function (k) {
        return '    "' + k + '": ' + pyJson(item[k])
      })
      return "  {\n" + lines.join(",\n") + "\n  }"
    }).join(",\n") + "\n]"
  }

  function bibtexEscape(value) {
    return value.replace(/[\\{}%&#$_~^]/g, function (c) { return BIBTEX_ESCAPES[c] })
  }

  // formats._bibtex_name: an organisation, or a name BibTeX would split, is kept whole in braces.
  function bibtexName(name, institution) {
    var value = bibtexEscape(name)
    var protect = institution || name.indexOf(",") >= 0 || (" " + name + " ").indexOf(" and ") >= 0
    return protect ? "{" + value + "}" : value
  }

  // formats.bibtex_entry, from the CSL item; `institution` is records.Item.institution.
  function bibtexEntry(item, institution, date) {
    var paper = item.type === "article-newspaper"
    var fields = paper ? [["entrysubtype", "newspaper"]] : []
    if (item.author) {
      fields.push(["author", item.author.map(function (a) { return bibtexName(a.literal, institution) }).join(" and ")])
    }
    fields.push(["title", bibtexEscape(item.title)])
    if (item["container-title"]) fields.push([paper ? "journal" : "organization", bibtexEscape(item["container-title"])])
    if (item.issue) fields.push(["issue", bibtexEscape(item.issue)])
    if (item.page) fields.push(["pages", bibtexEscape(item.page)])
    if (item.issued) fields.push(["date", numericDate(item.issued["date-parts"][0])])
    if (item.URL) {
      fields.push(["url", item.URL])
      fields.push(["urldate", date])
    }
    var body = fields.map(function (f) { return "  " + f[0] + " = {" + f[1] + "}" }).join(",\n")
    return "@" + (paper ? "article" : "online") + "{" + item.id + ",\n" + body + "\n}"
  }

  function bibtex(items, data, date) {
    // Only a wire or web record has an organisation as author (box.data_island's "org").
    return items.map(function (item) { return bibtexEntry(item, !!data.org, date) }).join("\n\n")
  }

  function element(tag, props, text) {
    var el = document.createElement(tag)
    for (var k in props) el.setAttribute(k, props[k])
    if (text !== undefined) el.textContent = text
    return el
  }

  function button(cls, label, extra) {
    var props = { type: "button", "class": cls }
    for (var k in extra) props[k] = extra[k]
    return element("button", props, label)
  }

  function init(root) {
    var found = root.querySelectorAll("details.cite:not([data-cite-ready]):not([data-cite-failed])")
    for (var i = 0; i < found.length; i++) {
      try {
        build(found[i])
        found[i].setAttribute("data-cite-ready", "")
      } catch (e) {
        // The box stays as the page has it (build changes nothing before it can finish): every
        // GB/T entry is there to read, with the build's date and the note that says so.
        found[i].setAttribute("data-cite-failed", "")
        if (window.console) console.error(e)
      }
    }
  }

  function build(box) {
    var data = JSON.parse(box.querySelector("script.cite-data").textContent)
    var list = box.querySelector("dl.cite-gbt")
    var date = today()
    var entries = Array.prototype.map.call(list.querySelectorAll("cite"), function (c) { return c.parentNode })
    var items = records(data, entries, date)
    var key = pageKey(data)
    var texts = [null, bibtex(items, data, date), cslJson(items)]

    Array.prototype.forEach.call(list.querySelectorAll("time"), function (el) { el.textContent = date })
    Array.prototype.forEach.call(list.querySelectorAll("[data-cite-url]"), function (el) {
      el.textContent = address(el.textContent)
    })
    entries.forEach(function (entry) {
      entry.insertBefore(button("cite-copy", "复制"), entry.querySelector("a"))
    })
    var tabs = element("div", { "class": "cite-tabs" })
    var n = ++boxes
    TABS.forEach(function (tab, t) {
      var id = "__cite" + n + "-" + t
      var input = element("input", { type: "radio", name: "__cite" + n, id: id })
      if (t === 0) input.checked = true
      tabs.appendChild(input)
      tabs.appendChild(element("label", { "for": id }, tab.name))
    })
    TABS.forEach(function (tab, t) {
      var panel = tabs.appendChild(element("div", { "class": "cite-panel" }))
      if (t === 0) {
        panel.appendChild(list)  // the page's own GB/T entries
      } else {
        panel.appendChild(element("pre", { "class": "cite-text" }, texts[t]))
        panel.appendChild(button("cite-copy", "复制"))
        panel.appendChild(button("cite-dl", "下载 " + tab.ext, { "data-file": key + tab.ext, "data-type": tab.type }))
      }
    })
    box.insertBefore(tabs, box.querySelector("script.cite-data"))
  }

  // What a copy or download button acts on: the text of its entry, without buttons and links.
  function textOf(button) {
    var out = ""
    Array.prototype.forEach.call(button.parentNode.childNodes, function (node) {
      if (node.nodeName !== "BUTTON" && node.nodeName !== "A") out += node.textContent
    })
    return out
  }

  // The Clipboard API needs a secure context (https or localhost); elsewhere select and copy.
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text)
    }
    return new Promise(function (resolve, reject) {
      var area = element("textarea", { readonly: "" })
      area.value = text
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

  // After a refused copy: select the entry's text (without the buttons) for the reader to copy.
  function selectText(button) {
    var parent = button.parentNode
    var range = document.createRange()
    var first = parent.querySelector("pre") || parent.firstChild
    range.setStartBefore(first)
    range.setEndBefore(parent.querySelector("button"))
    var selection = window.getSelection()
    selection.removeAllRanges()
    selection.addRange(range)
  }

  // The file is made here from the text shown, so the site publishes no file per page.
  function download(button) {
    var blob = new Blob([textOf(button)], { type: button.getAttribute("data-type") })
    var url = URL.createObjectURL(blob)
    var link = element("a", { href: url, download: button.getAttribute("data-file") })
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
