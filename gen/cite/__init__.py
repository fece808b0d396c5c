"""Citations for document pages: GB/T 7714-2015, BibTeX and CSL-JSON, and the box that shows them.

`records` reads a page into citable records, `articles` reads a newspaper issue's articles back from
its Markdown, `formats` writes the three formats, `box` the HTML. The browser side is
overrides/assets/javascripts/cite.js and overrides/assets/stylesheets/cite.css. See README.md.
"""

from gen.cite.box import box_html, render_box
from gen.cite.formats import bibtex, csl_item, csl_json, gbt
from gen.cite.records import Item, PageCitations, citations, cite_key

__all__ = ["Item", "PageCitations", "bibtex", "box_html", "citations", "cite_key", "csl_item", "csl_json", "gbt",
           "render_box"]
