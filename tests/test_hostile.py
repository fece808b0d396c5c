"""Hostile and broken seeds through the whole pipeline: `python -m gen build`, then `mkdocs build
--strict`; every seed is read or reported, and the built HTML, read with a parser, holds nothing
that executes. Also: the same seeds build byte-identical docs/ and site/."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest

from gen import frontmatter
from tests.conftest import REPO

FIXTURES = REPO / "tests" / "fixtures" / "hostile"
# Build date for sitemap.xml (MkDocs honours SOURCE_DATE_EPOCH); fixed so two builds can be compared.
SOURCE_DATE_EPOCH = "1577836800"
SITE_URL = "https://example.org/archive/"

# A page an editor wrote by hand, with hostile front matter (title, description, author, tags).
EDITOR_PAGE = """---
title: "<script>alert('XSS-EDITOR')</script></title><img src=x onerror=alert(1)>编辑页"
description: "\\"><script>alert(1)</script>"
author: "\\"><img src=x onerror=alert(1)>"
tags:
  - "<img src=x onerror=alert('XSS-TAG')>"
  - "防控"
---

编辑手写的页面。
"""

# What becomes of each fixture: "written", or the error message's beginning. Every file in the
# fixtures folder must be listed, so that a new case cannot go unchecked.
EXPECTED = {
    "big5_traditional.txt": "written",
    "binary_no_magic.bin": "is not UTF-8 or GB18030, and looks like binary data",
    "binary_pdf.pdf": "is a PDF document, not text; quarantined",
    "binary_png.png": "is a PNG image, not text; quarantined",
    "binary_zip.zip": "is a ZIP archive",
    "empty.txt": "is empty",
    "front_matter_lookalike.txt": "written",
    "full_width_spaces.txt": "written",
    "gb18030_four_byte.txt": "written",
    "gbk_damaged_byte.txt": "written",
    "gbk_short.txt": "written",
    "html_deep_nesting.html": "written",
    "html_owasp_vectors.html": "written",
    "html_whole_document_hostile.html": "written",
    "manifest_hostile_values.txt": "written",
    "manifest_yaml11_values.txt": "written",
    "markdown_lookalike.txt": "written",
    "mojibake_gbk.txt": "written",
    "mojibake_latin1.txt": "written",
    "newspaper_vectors.txt": "written",
    "nul_and_control_characters.txt": "written",
    "replacement_characters.txt": "written",
    "truncated_utf8.txt": "written",
    "undecodable_bytes.txt": "is not UTF-8 or GB18030, and the detector's best guess",
    "utf16_be_bom.txt": "written",
    "utf16_le_bom.txt": "written",
    "utf16_le_no_bom.txt": "written",
    "utf8_bom_mixed_line_endings.txt": "written",
    "whitespace_only.txt": "has no text",
    "wire_script_as_text.txt": "written",
    "zero_width_and_bidi.txt": "written",
}
MANIFESTS = ("manifest_hostile_values.csv", "manifest_yaml11_values.csv")


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True)


def build_hostile_site(work: Path) -> Path:
    """The hostile fixtures built into work/site through the real commands; returns work."""
    work.mkdir(parents=True, exist_ok=True)
    shutil.copytree(FIXTURES, work / "seeds")
    # with a site_url, as published: the sitemap then lists every page with its date
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (work / "mkdocs.yml").write_text(re.sub(r"(?m)^site_url: .*$", f"site_url: {SITE_URL}", config), encoding="utf-8")
    shutil.copytree(REPO / "overrides", work / "overrides")
    gen = run(["-m", "gen", "build", "--seeds", "seeds", "--docs", "docs", "--report", "build/report.json"], work)
    assert gen.returncode == 1, f"bad seeds must make the run fail, and nothing else:\n{gen.stdout}\n{gen.stderr}"
    (work / "docs" / "editor_hostile.md").write_text(EDITOR_PAGE, encoding="utf-8")
    mk = run(["-m", "mkdocs", "build", "--strict"], work)
    assert mk.returncode == 0, mk.stderr
    return work


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_hostile_site(tmp_path_factory.mktemp("hostile") / "a")


def report(work: Path) -> dict[str, dict]:
    data = json.loads((work / "build" / "report.json").read_text(encoding="utf-8"))
    return {Path(s["seed"]).name: s for s in data["seeds"]}


def page_of(work: Path, name: str) -> Path:
    """The built HTML page of a seed file."""
    return work / "site" / report(work)[name]["page"].removesuffix(".md") / "index.html"


def parse(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(path.read_text(encoding="utf-8"))


# --- the executable-content check ----------------------------------------------------------

URL_ATTRIBUTES = frozenset({
    "href", "src", "action", "formaction", "xlink:href", "{http://www.w3.org/1999/xlink}href", "data", "poster",
    "background", "cite", "longdesc", "codebase", "manifest", "ping", "srcset", "dynsrc", "lowsrc", "icon",
    "profile", "usemap", "archive", "classid", "srcdoc",
})
BAD_SCHEMES = ("javascript:", "data:", "vbscript:", "livescript:", "mocha:")
FORBIDDEN = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "form", "base", "portal", "isindex"})
# Material's inline scripts differ between pages only by the relative path to the site root.
_SITE_ROOT_LITERAL = re.compile(r'(?<=new URL\()"[^"]*"')
# Browsers drop white space and control characters from a URL before reading its scheme.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")


def _normal_script(text: str | None) -> str:
    return _SITE_ROOT_LITERAL.sub('"ROOT"', (text or "").strip())


def theme_scripts(site: Path) -> frozenset[str]:
    """The theme's own inline scripts, from the 404 page (which holds no seed text)."""
    root = parse(site / "404.html")
    return frozenset(_normal_script(s.text) for s in root.iter("script") if not s.get("src") and not s.get("type"))


def _bad_url(value: str) -> bool:
    return _URL_NOISE.sub("", value).lower().startswith(BAD_SCHEMES)


def executable_content(path: Path, root: lxml.html.HtmlElement, site: Path, allowed: frozenset[str]) -> list[str]:
    """Everything in a parsed page that could run code, other than the site's own scripts."""
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        where = f"{path.relative_to(site)}: <{tag}>"
        if tag == "script":
            kind = (el.get("type") or "").lower()
            if kind == "application/json":
                try:
                    json.loads(el.text or "")
                except ValueError:
                    found.append(f"{where} application/json that is not JSON")
            elif src := el.get("src"):
                parts = urlsplit(src)
                site_path = urlsplit(SITE_URL).path
                if parts.path.startswith(site_path):
                    target = site / parts.path[len(site_path):]
                else:
                    target = path.parent / parts.path
                target = target.resolve()
                bundled = target.is_relative_to((site / "assets" / "javascripts").resolve()) and target.is_file()
                if parts.scheme or parts.netloc or not bundled:
                    found.append(f"{where} src={src!r} is not one of the site's bundled scripts")
            elif _normal_script(el.text) not in allowed:
                found.append(f"{where} inline script that is not the theme's: {(el.text or '')[:80]!r}")
        theme_form = any(c in (el.get("class") or "").split() for c in ("md-search__form", "md-header__option"))
        if tag == "form" and theme_form and not el.get("action"):
            pass  # the theme's search box and palette toggle
        elif tag in FORBIDDEN:
            found.append(f"{where} is not allowed")
        if tag == "meta" and (el.get("http-equiv") or "").lower() == "refresh":
            found.append(f"{where} refresh")
        for name, value in el.attrib.items():
            lname = name.lower()
            if lname.startswith("on"):
                found.append(f"{where} event handler {name}={value[:60]!r}")
            urls = [part.strip().split(" ")[0] for part in value.split(",")] if lname == "srcset" else [value]
            if (lname in URL_ATTRIBUTES or lname.endswith(":href")) and any(map(_bad_url, urls)):
                found.append(f"{where} {name}={value[:60]!r}")
            if lname == "style" and re.search(r"javascript:|expression\s*\(|url\s*\(", value, re.IGNORECASE):
                found.append(f"{where} style={value[:60]!r}")
            if tag == "link" and lname == "rel" and "import" in value.lower():
                found.append(f"{where} rel=import")
    return found


def site_executable_content(site: Path) -> list[str]:
    allowed = theme_scripts(site)
    return [v for page in sorted(site.rglob("*.html")) for v in executable_content(page, parse(page), site, allowed)]


# --- tests -----------------------------------------------------------------------------------


def test_every_fixture_is_listed():
    assert sorted(p.name for p in FIXTURES.iterdir() if p.name not in MANIFESTS) == sorted(EXPECTED)


def test_every_seed_is_written_or_reported_with_its_reason(built):
    outcomes = report(built)
    assert set(outcomes) == set(EXPECTED)
    for name, expected in EXPECTED.items():
        seed = outcomes[name]
        if expected == "written":
            assert seed["outcome"] == "written", (name, seed)
        else:
            assert seed["outcome"] == "error", (name, seed)
            assert any(expected in p for p in seed["problems"]), (name, seed["problems"])
            assert all(name in p for p in seed["problems"]), "every problem names the file"


def test_built_html_has_no_executable_content(built):
    assert site_executable_content(built / "site") == []


@pytest.mark.parametrize(
    "markup",
    [
        "<p><script>alert(1)</script></p>",
        "<p><img src=x onerror=alert(1)></p>",
        "<p><a href=' java\tscript:alert(1)'>x</a></p>",
        "<p><svg><a xlink:href='javascript:alert(1)'>x</a></svg></p>",
        "<form action='javascript:alert(1)'></form>",
        "<meta http-equiv='refresh' content='0;url=javascript:alert(1)'>",
        "<iframe src='https://example.org'></iframe>",
        "<script src='https://cdn.example/x.js'></script>",
        "<p style='background:url(javascript:alert(1))'>x</p>",
    ],
)
def test_executable_content_check_finds_injected_code(built, markup):
    site = built / "site"
    page = site / "archive" / "probe.html"
    root = lxml.html.document_fromstring(f"<html><head></head><body>{markup}</body></html>")
    assert executable_content(page, root, site, theme_scripts(site))


def test_theme_scripts_pass_the_check(built):
    site = built / "site"
    root = parse(site / "index.html")
    assert any(s.get("src") for s in root.iter("script"))
    assert executable_content(site / "index.html", root, site, theme_scripts(site)) == []


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("wire_script_as_text.txt", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[点这里](javascript:alert(1))",
                                     "&lt;script&gt;alert(1)&lt;/script&gt;", "&#106;avascript:alert(1)", "<https://example.org>",
                                     '{: onclick="alert(1)" }', "[TOC]", "<!-- material/tags -->"]),
        ("markdown_lookalike.txt", ["# 这不是标题", "---", "| 这 | 不是 | 表格 |", "<b>这不是粗体</b>", "[这不是链接](https://example.org)",
                                    "<!-- more -->", "> 这不是引用", "1. 这不是列表", "- 这也不是列表", '!!! danger "这不是提示框"',
                                    "=====", "*星号* _下划线_ `反引号` \\反斜杠 &amp; 实体"]),
        ("front_matter_lookalike.txt", ["title: \"<script>alert(1)</script>\"", "location: javascript:alert(1)"]),
        ("newspaper_vectors.txt", ["<script>alert('XSS-HEADLINE')</script>持续抓好疫情防控", "[点击](javascript:alert(1))",
                                   "&lt;script&gt;alert(1)&lt;/script&gt;"]),
        ("html_owasp_vectors.html", ["第一段：7月20日", "最后一段：联系我们，原文。"]),
        ("html_deep_nesting.html", ["最深处的文字不会丢失。", "嵌套之后的文字。"]),
    ],
)
def test_hostile_text_shows_as_the_characters_it_is(built, name, shown):
    text = parse(page_of(built, name)).find(".//article").text_content()
    for s in shown:
        assert s in text, (name, s)


def test_html_vectors_leave_only_safe_links(built):
    article = parse(page_of(built, "html_owasp_vectors.html")).find(".//article")
    # The document's own links: not the page's downloads line or its citation box.
    links = sorted(a.get("href") for a in article.xpath('.//a[not(ancestor::p[@class="doc-downloads"]) and not(ancestor::details[contains(@class, "cite")])]')
                   if a.get("href") and not a.get("href").startswith("#"))
    assert links == ["https://example.org/safe", "https://www.example.org/a?b=1&c=2", "mailto:office@example.org"]


def test_title_element_holds_hostile_titles_as_text(built):
    for name in ("manifest_hostile_values.txt", "wire_script_as_text.txt", "html_whole_document_hostile.html"):
        head = parse(page_of(built, name)).find("head")
        title = head.find("title").text_content()
        meta = frontmatter.parse((built / "docs" / report(built)[name]["page"]).read_text(encoding="utf-8")).meta
        assert title.startswith(meta["title"]), (title, meta["title"])
    editor = parse(built / "site" / "editor_hostile" / "index.html")
    assert editor.find(".//title").text_content().startswith("<script>alert('XSS-EDITOR')</script></title>")
    assert editor.find(".//meta[@name='description']").get("content") == '"><script>alert(1)</script>'
    assert [a.text_content().strip() for a in editor.iter("a") if "md-tag" in (a.get("class") or "")] == [
        "<img src=x onerror=alert('XSS-TAG')>", "防控"]


def test_manifest_values_land_in_front_matter_as_plain_text(built):
    meta = frontmatter.parse((built / "docs" / report(built)["manifest_hostile_values.txt"]["page"]).read_text(encoding="utf-8")).meta
    assert meta["title"] == "<script>alert('XSS-TITLE')</script>清单标题 </title><img src=x onerror=alert(1)>"
    assert meta["source"] == "<b onmouseover=alert(1)>清单来源</b>"
    assert meta["url"] == "javascript:alert(1)"  # kept as provenance, never made a link
    assert meta.get("district") != "<script>alert(1)</script>"
    yaml11 = frontmatter.parse((built / "docs" / report(built)["manifest_yaml11_values.txt"]["page"]).read_text(encoding="utf-8")).meta
    assert yaml11["title"] == "NO" and yaml11["source"] == "12:30:00 # 010"
    # MkDocs reads front matter with YAML 1.1 too: the page shows the strings, not False or 45000
    site_title = parse(page_of(built, "manifest_yaml11_values.txt")).find(".//title").text_content()
    assert site_title.startswith("NO - ")


@pytest.mark.parametrize(
    ("name", "encoding", "text"),
    [
        ("big5_traditional.txt", "big5", "區委書記常衛主持召開石景山新冠肺炎疫情防控工作領導小組會議"),
        ("gbk_short.txt", "gb18030", "石景山区召开疫情防控会"),
        ("gb18030_four_byte.txt", "gb18030", "𠮷野家门店"),
        ("utf16_le_bom.txt", "utf-16", "区委书记常卫主持召开"),
        ("utf16_be_bom.txt", "utf-16", "区委书记常卫主持召开"),
        ("utf16_le_no_bom.txt", "utf-16-le", "区委书记常卫主持召开"),
        ("utf8_bom_mixed_line_endings.txt", "utf-8-sig", "第三行：会议要求"),
        ("zero_width_and_bidi.txt", "utf-8", "大兴区召开疫情防控工作会议"),
        ("nul_and_control_characters.txt", "utf-8", "丰台区召开疫情防控工作会议"),
        ("gbk_damaged_byte.txt", "gb18030", "总方针不动摇"),
    ],
)
def test_encodings_are_read_and_recorded(built, name, encoding, text):
    page = (built / "docs" / report(built)[name]["page"]).read_text(encoding="utf-8")
    assert frontmatter.parse(page).meta["encoding"] == encoding
    assert text in page.replace("\\", "")
    assert not re.search("[\u200b-\u200f\u202a-\u202e\ufeff\x00-\x08]", page)


def test_decoding_warnings_reach_the_report(built):
    problems = {name: " ".join(s["problems"]) for name, s in report(built).items()}
    assert "mojibake (UTF-8 read as GBK)" in problems["mojibake_gbk.txt"]
    assert "mojibake (UTF-8 read as Latin-1)" in problems["mojibake_latin1.txt"]
    assert "U+FFFD" in problems["replacement_characters.txt"]
    assert "U+0000 NUL" in problems["nul_and_control_characters.txt"]
    assert "cut off" in problems["truncated_utf8.txt"]
    assert "damaged byte" in problems["gbk_damaged_byte.txt"]
    page = (built / "docs" / report(built)["big5_traditional.txt"]["page"]).read_text(encoding="utf-8")
    assert re.search(r'encoding_confidence: "0\.\d\d"', page)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seeds_build_byte_identical_docs_and_site(built, tmp_path):
    again = build_hostile_site(tmp_path / "b")
    for folder in ("docs", "site"):
        first, second = _tree(built / folder), _tree(again / folder)
        assert sorted(first) == sorted(second), folder
        differ = [name for name in first if first[name] != second[name]]
        assert differ == [], f"{folder}: {differ[:10]}"
    assert b"<lastmod>2020-01-01</lastmod>" in (again / "site" / "sitemap.xml").read_bytes()
