"""What researchers use beside search, on the built site in headless chromium, in the light and the
dark palette: the documents-per-month chart, the district map, the feeds the pages announce, the
data exports and each document's downloads. Screenshots go to the test's temporary folder."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import urllib.request
from urllib.parse import urljoin
from pathlib import Path

import pytest

from gen.charts.map import district_names

SCHEMES = ("default", "slate")
# The colour a shape is painted with against the page's background, both as the browser computed them.
FILL_AND_BACKGROUND = """(selector) => {
  const bg = getComputedStyle(document.body).backgroundColor
  return [...document.querySelectorAll(selector)].map(el => [getComputedStyle(el).fill, bg])
}"""


def _open(page, base_url: str, path: str, scheme: str):
    """A page of the site in one palette, chosen as a reader does (Material keeps it in storage)."""
    page.goto(base_url + path)
    page.evaluate("""(scheme) => {
      const input = document.querySelector(`input[name=__palette][data-md-color-scheme=${scheme}]`)
      if (input && !input.checked) input.click()
    }""", scheme)
    page.wait_for_function("(s) => document.body.getAttribute('data-md-color-scheme') === s", arg=scheme)


def _rgb(text: str) -> tuple[int, ...]:
    return tuple(int(float(v)) for v in re.findall(r"[\d.]+", text)[:3])


def _fetch(url: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.headers.get("Content-Type", ""), r.read()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_home_chart_bars_stand_out_in_both_palettes(page, base_url, scheme, tmp_path):
    _open(page, base_url, "", scheme)
    chart = page.locator(".archive-chart svg").first
    assert chart.is_visible() and chart.get_attribute("role") == "img"
    bars = page.evaluate(FILL_AND_BACKGROUND, ".archive-chart svg rect")
    assert bars and all(_rgb(fill) != _rgb(bg) for fill, bg in bars)
    assert page.locator(".archive-chart details table").count() == 1
    page.screenshot(path=str(tmp_path / f"home-{scheme}.png"), full_page=True)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_district_map_shows_sixteen_districts_linking_their_pages(page, base_url, scheme, tmp_path):
    _open(page, base_url, "districts/", scheme)
    svg = page.locator(".district-map svg")
    assert svg.is_visible()
    shapes = page.evaluate(FILL_AND_BACKGROUND, ".district-map svg path")
    assert len(shapes) >= 16 and all(_rgb(fill) != _rgb(bg) for fill, bg in shapes if fill != "none")
    links = page.locator(".district-map svg a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs and all(h.endswith("/") and not h.startswith(("http", "/")) for h in hrefs)
    rows = page.locator(".district-map table tbody tr")
    assert rows.count() >= 2
    page.screenshot(path=str(tmp_path / f"districts-{scheme}.png"), full_page=True)
    # A district of the map leads to its own page, which names it.
    first = hrefs[0]
    page.goto(base_url + "districts/" + first)
    assert page.locator("h1").first.inner_text().strip().rstrip("¶").strip() in district_names()


def test_pages_announce_feeds_that_exist_and_parse(page, base_url):
    feedparser = pytest.importorskip("feedparser", reason="feedparser is a test dependency (make test installs it)")
    for path in ("", "districts/"):
        page.goto(base_url + path)
        links = page.locator('link[rel="alternate"][type="application/atom+xml"]')
        if path == "districts/":  # the districts index has none; its first district's page has one
            page.goto(base_url + "districts/" + page.locator(".district-map svg a").first.get_attribute("href"))
            links = page.locator('link[rel="alternate"][type="application/atom+xml"]')
        assert links.count() == 1
        href = page.evaluate("() => document.querySelector('link[rel=alternate]').href")
        kind, body = _fetch(href)
        parsed = feedparser.parse(body)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.entries and kind.startswith(("application/atom+xml", "application/xml", "text/xml"))
        # Without site_url the entries link relative to the feed: each leads to its page.
        for entry in parsed.entries[:3]:
            kind, html = _fetch(urljoin(href, entry.link))
            assert kind.startswith("text/html") and entry.title.encode("utf-8") in html


def test_home_links_the_data_exports(page, base_url, search_site):
    page.goto(base_url)
    csv_href = page.evaluate("() => document.querySelector('.archive-downloads a[href$=\"archive.csv\"]').href")
    _, data = _fetch(csv_href)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    documents = list((search_site.docs / "archive").rglob("*.md"))
    assert len(rows) == len(documents)
    assert "archive/000_73acca2f4bde7c0a/" in {r["page_url"] for r in rows}


def test_document_page_downloads_its_text_and_its_original_served_as_a_file_not_a_page(page, base_url, search_site):
    page.goto(base_url + "archive/001_eec9e63713adc293/")
    text = page.locator(".doc-downloads a", has_text="纯文本")
    original = page.locator(".doc-downloads a", has_text="原件")
    assert text.get_attribute("download") and original.get_attribute("download")
    original_url = page.evaluate("(a) => a.href", original.element_handle())
    kind, body = _fetch(original_url)
    seed = (search_site.docs / "archive" / "001_eec9e63713adc293.md").read_text(encoding="utf-8")
    expected = re.search(r'^seed_sha256: "([0-9a-f]{64})"$', seed, re.M).group(1)
    assert kind.startswith("application/octet-stream") and hashlib.sha256(body).hexdigest() == expected
    with page.expect_download() as made:
        text.click()  # made in the browser from the page (tests/browser/test_page_text.py)
    assert "区新冠肺炎疫情防控工作领导小组" in Path(made.value.path()).read_text(encoding="utf-8")


def test_document_page_in_the_lean_shell_has_every_part_of_materials_page(page, base_url, tmp_path):
    """The parts the shell script adds (header with the search dialog, tabs, palette, drawer,
    footer, back-to-top, dialog) are there, in Material's order, once Material's script has run;
    the drawer lists the tabs; only an index page marks its tab."""
    page.goto(base_url + "archive/003_17d5a1e15a32e4e6/")
    for selector in ("[data-md-component=search] input.md-search__input", ".md-sidebar--primary .md-nav__link",
                     "footer.md-footer", "[data-md-component=top]", "form[data-md-component=palette]",
                     "[data-md-component=dialog]", ".md-sidebar--secondary .md-nav__link"):
        assert page.locator(selector).count() >= 1, selector
    order = page.evaluate("""() => [...document.body.children].filter(e => e.tagName !== 'SCRIPT').map(e => e.className)
      .concat([...document.querySelector('.md-container').children].filter(e => e.tagName !== 'SCRIPT').map(e => e.className))""")
    assert order == ["md-toggle", "md-toggle", "md-overlay", "md-header", "md-container", "md-dialog",
                     "md-tabs", "md-main", "md-footer"], order
    assert page.evaluate("document.body.getAttribute('data-md-color-primary')") == "indigo"
    tabs = page.locator(".md-tabs__link").all_inner_texts()
    drawer = page.locator(".md-sidebar--primary .md-nav__link").all_inner_texts()
    assert [t.strip() for t in tabs] == ["首页", "时间线", "地区", "来源", "标签"]
    assert [t.strip() for t in tabs] == [d.strip() for d in drawer]
    assert page.locator(".md-tabs__item--active").count() == 0  # a document belongs to no tab
    page.locator(".md-tabs__link", has_text="时间线").click()
    page.wait_for_url("**/timeline/")
    assert page.locator(".md-tabs__item--active").all_inner_texts() == ["时间线"]
    assert page.locator(".md-sidebar--primary .md-nav__item--active").all_inner_texts() == ["时间线"]
    page.goto(base_url + "archive/003_17d5a1e15a32e4e6/")
    page.set_viewport_size({"width": 390, "height": 844})
    page.click("label.md-header__button[for=__drawer]")
    page.wait_for_timeout(300)
    assert page.locator(".md-sidebar--primary .md-nav__link").first.is_visible()
    page.screenshot(path=str(tmp_path / "drawer.png"))
