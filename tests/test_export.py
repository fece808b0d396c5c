"""Exports: archive.csv and archive.jsonl read back equal to every page's front matter, the Data
Package validated, originals published only when their bytes hash to seed_sha256, and no
download served under a type a browser renders."""

from __future__ import annotations

import csv
import datetime as dt
import errno
import hashlib
import io
import json
import mimetypes
import os
import posixpath
import random
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gen import frontmatter
from gen.config import cache_name
from gen.export import LIST_SEPARATOR, Downloads, download_links_html, downloads, href, unguard, write_exports
from gen.export import rows
from gen.export.files import TMP_PREFIX
from gen.export.record import Record
from gen.site.records import PageInfo, SiteInfo
from tests.conftest import REPO

BUILT = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone.utc)
HTML_SEED = b"<!doctype html><title>x</title><script>alert(document.cookie)</script><p>\xe6\xb5\xb7\xe6\xb7\x80</p>"
# Types a browser renders as a page or runs; no download may be served as one.
RENDERED = {"text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml",
            "text/javascript", "application/javascript", "application/pdf", "text/markdown"}


def real_pages() -> list[PageInfo]:
    """The five pages in docs/archive, their front matter as the generator's parser reads it."""
    pages = []
    for path in sorted((REPO / "docs" / "archive").glob("*.md")):
        parsed = frontmatter.parse(path.read_text(encoding="utf-8"), str(path))
        page = path.relative_to(REPO / "docs").as_posix()
        pages.append(PageInfo(page, page[: -len(".md")] + "/", parsed.meta, parsed.body))
    return pages


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def odd_pages(root: Path) -> list[PageInfo]:
    """Hand-made pages with odd values, and their seeds under root (one HTML, one missing, one changed)."""
    seeds = root / "seeds" / "odd"
    seeds.mkdir(parents=True, exist_ok=True)
    (seeds / "页面.HTML").write_bytes(HTML_SEED)
    (seeds / "changed.txt").write_bytes(b"changed since the page was made")
    gb = "通知：海淀区".encode("gb18030")
    (seeds / "gb.txt").write_bytes(gb)
    return [
        PageInfo("archive/odd/comma.md", "archive/odd/comma/", {
            "title": 'Commas, "quotes" and\na newline',
            "date": dt.date(2020, 2, 3),  # as MkDocs' YAML loader gives it
            "district": "海淀区",
            "source": "=cmd|' /C calc'!A0",
            "author": "+86 10 1234",
            "editor": "-x",
            "issue": "@SUM(1,2)",
            "url": "'already quoted",
            "tags": ["a, b", 'say "hi"', "=1+1", "two\nlines"],
            "seed": "seeds/odd/页面.HTML",
            "seed_sha256": sha(HTML_SEED),
            "reviewer": "张三",  # an editor's own fields
            "hide": ["navigation", "toc"],
            "search": {"exclude": True},
            "weight": 3,
        }, "## 小标题\n\n正文 **重点**，[链接](https://example.org/)。\n"),
        PageInfo("archive/odd/missing.md", "archive/odd/missing/", {
            "title": "缺少原件",
            "seed": "seeds/odd/gone.txt",
            "seed_sha256": "0" * 64,
        }, "正文\n"),
        PageInfo("archive/odd/changed.md", "archive/odd/changed/", {
            "title": "原件已改",
            "date": "2021-05-06",  # as the generator's parser gives it
            "seed": "seeds/odd/changed.txt",
            "seed_sha256": sha(b"the bytes the page was made from"),
        }, "正文\n"),
        PageInfo("archive/odd/gb.md", "archive/odd/gb/", {
            "title": "GB18030 原件",
            "seed": "seeds/odd/gb.txt",
            "seed_sha256": sha(gb),
            "encoding": "gb18030",
            "tags": [],
        }, "通知：海淀区\n"),
        PageInfo("archive/odd/bare.md", "archive/odd/bare/", {"title": "没有原件的页面"}, ""),
    ]


@pytest.fixture
def root(tmp_path):
    """A project folder with copies of the five seeds (published originals are links to these)."""
    shutil.copytree(REPO / "seeds", tmp_path / "project" / "seeds")
    return tmp_path / "project"


@pytest.fixture
def built(tmp_path, root):
    """write_exports run over the five real pages and the odd ones: (site dir, pages, result)."""
    pages = real_pages() + odd_pages(root)
    site = SiteInfo("档案", "https://example.org/archive/", BUILT, root=str(root), description="北京各区")
    site_dir = tmp_path / "site"
    return site_dir, pages, write_exports(site_dir, pages, site)


def expected_cell(value) -> str:
    """What the CSV cell of a value reads as, once the formula guard is undone."""
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def read_csv(site_dir: Path) -> list[dict[str, str]]:
    raw = (site_dir / "data" / "archive.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


# ---------------------------------------------------------------- archive.csv


def test_write_exports_csv_reads_back_every_field(built):
    site_dir, pages, exported = built
    records = read_csv(site_dir)
    assert len(records) == len(pages) == exported.rows == 10
    by_url = {r["page_url"]: r for r in records}
    for info in pages:
        record = by_url["https://example.org/archive/" + info.url]
        for key, value in info.fields.items():
            assert unguard(record[key]) == expected_cell(value), (info.page, key)
        for key in set(record) - set(info.fields) - set(rows.ADDED_COLUMNS):
            assert record[key] == "", (info.page, key)


def test_write_exports_csv_columns_known_then_extra_then_added(built):
    site_dir, _, _ = built
    header = next(csv.reader(io.StringIO((site_dir / "data" / "archive.csv").read_text(encoding="utf-8-sig"))))
    assert header == [*frontmatter.FIELDS, "hide", "reviewer", "search", "weight", "page_url", "original_url"]


def test_write_exports_csv_guards_formulas(built):
    site_dir, _, _ = built
    odd = next(r for r in read_csv(site_dir) if r["page_url"].endswith("/odd/comma/"))
    assert odd["source"] == "'=cmd|' /C calc'!A0"
    assert odd["author"] == "'+86 10 1234"
    assert odd["editor"] == "'-x"
    assert odd["issue"] == "'@SUM(1,2)"
    assert odd["url"] == "''already quoted"
    assert odd["tags"] == 'a, b; say "hi"; =1+1; two\nlines'  # not at the start: no formula
    assert odd["date"] == "2020-02-03"
    assert odd["title"] == 'Commas, "quotes" and\na newline'


def test_write_exports_csv_is_rfc4180_with_crlf(built):
    site_dir, _, _ = built
    raw = (site_dir / "data" / "archive.csv").read_bytes()
    assert raw.count(b"\r\n") == 11  # the header and ten records; the newlines inside cells are quoted
    assert b'"Commas, ""quotes"" and\na newline"' in raw


@pytest.mark.parametrize("text, guarded", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("'x", "''x"), ("x=1", "x=1"), ("", ""), ("海淀", "海淀"), ("＝1", "＝1"),
])
def test_guard_formula(text, guarded):
    assert rows.guard_formula(text) == guarded
    assert unguard(guarded) == text


@given(st.text())
def test_guard_formula_round_trips(text):
    assert unguard(rows.guard_formula(text)) == text


_TEXT = st.text(alphabet=st.sampled_from(["海", "a", "=", "'", ";", " ", "\ud800", "\n", "-"]), max_size=6)
_VALUE = st.one_of(st.none(), _TEXT, st.lists(_TEXT, max_size=3), st.tuples(_TEXT), st.integers(), st.booleans(),
                   st.floats(allow_nan=True), st.dates(), st.dictionaries(_TEXT, _TEXT, max_size=2))
_FIELDS = st.dictionaries(st.sampled_from(["title", "tags", "page_url", "original_url", "zz", "date"]), _VALUE, max_size=5)


@given(_FIELDS)
def test_every_cell_and_value_is_what_the_rules_say(fields):
    """Rows are written cell by cell by the rules (guard_formula, cell_text, json_value), and every
    field with a value the export cannot keep exactly is reported, in field order."""
    cols = rows.columns(fields)
    values = rows.row(fields, cols, {rows.PAGE_URL: None, rows.ORIGINAL_URL: None})
    cells = next(csv.reader(io.StringIO(rows.csv_line(values))))
    assert cells == [rows.guard_formula(rows.cell_text(v)) for v in values]
    assert json.loads(rows.json_line(cols, values)) == {c: rows.json_value(v) for c, v in zip(cols, values)}
    expected = []
    for key in sorted(fields):
        value = fields[key]
        texts = [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] if isinstance(value, (list, tuple)) else \
            [t for kv in value.items() for t in kv] if isinstance(value, dict) else []
        if key in rows.ADDED_COLUMNS:
            expected.append((key, "column"))
        expected += [(key, "separator") for t in (value if isinstance(value, (list, tuple)) else ()) if isinstance(t, str) and LIST_SEPARATOR in t]
        if any("\ud800" in t for t in texts):
            expected.append((key, "surrogate"))
    found = [(p.field, "column" if "column" in p.message else "separator" if "separator" in p.message else "surrogate")
             for p in rows.value_problems("archive/a.md", fields)]
    assert found == expected


# ---------------------------------------------------------------- archive.jsonl


def test_write_exports_jsonl_reads_back_equal(built):
    site_dir, pages, _ = built
    lines = (site_dir / "data" / "archive.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(pages)
    by_url = {}
    for line in lines:
        obj = json.loads(line)
        by_url[obj["page_url"]] = obj
    for info in pages:
        obj = by_url["https://example.org/archive/" + info.url]
        expected = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in info.fields.items()}
        assert {k: obj[k] for k in expected} == expected, info.page
        assert all(obj[k] is None for k in set(obj) - set(expected) - set(rows.ADDED_COLUMNS))
    assert by_url["https://example.org/archive/archive/odd/comma/"]["tags"] == ["a, b", 'say "hi"', "=1+1", "two\nlines"]


def test_json_line_keeps_unicode_line_separators_on_one_line():
    line = rows.json_line(["title", "tags"], ["a\u2028b\x85c", ["d\u2029"]])
    assert line.count("\n") == 1 and len(line.splitlines()) == 1
    assert json.loads(line) == {"title": "a\u2028b\x85c", "tags": ["d\u2029"]}


# ---------------------------------------------------------------- datapackage.json


def test_datapackage_describes_both_files(built):
    site_dir, pages, _ = built
    data = site_dir / "data"
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    assert package["created"] == "2024-05-06T07:08:09Z"
    assert "权利归原发布者所有" in package["description"] and "made by this project" in package["rights"]
    csv_res, jsonl_res = package["resources"]
    for res in (csv_res, jsonl_res):
        body = (data / res["path"]).read_bytes()
        assert res["bytes"] == len(body)
        assert res["hash"] == "sha256:" + sha(body)
    header = (data / "archive.csv").read_bytes().decode("utf-8-sig").split("\r\n", 1)[0].split(",")
    assert [f["name"] for f in csv_res["schema"]["fields"]] == header
    assert [f["name"] for f in jsonl_res["schema"]["fields"]] == header
    csv_types = {f["name"]: f["type"] for f in csv_res["schema"]["fields"]}
    json_types = {f["name"]: f["type"] for f in jsonl_res["schema"]["fields"]}
    assert (csv_types["date"], json_types["date"]) == ("date", "date")
    assert (csv_types["tags"], json_types["tags"]) == ("string", "array")
    assert (csv_types["search"], json_types["search"]) == ("string", "object")
    assert (csv_types["weight"], json_types["weight"]) == ("integer", "integer")
    assert (csv_types["title"], json_types["title"]) == ("string", "string")
    assert all(f.get("description") for f in csv_res["schema"]["fields"])


def test_datapackage_validates_with_frictionless(built):
    frictionless = pytest.importorskip("frictionless", reason="frictionless[json] is a test dependency")
    site_dir, pages, _ = built
    report = frictionless.validate(str(site_dir / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["taskNumber", "rowNumber", "fieldName", "note"])
    assert [task.stats["rows"] for task in report.tasks] == [len(pages), len(pages)]


def test_datapackage_created_follows_source_date_epoch(tmp_path, root):
    site = SiteInfo("档案", "", dt.datetime.fromtimestamp(0, dt.timezone.utc), root=str(root))
    write_exports(tmp_path / "site", real_pages(), site)
    package = json.loads((tmp_path / "site" / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["created"] == "1970-01-01T00:00:00Z"
    assert "homepage" not in package


# ---------------------------------------------------------------- originals


def test_write_exports_originals_hash_to_seed_sha256(built, root):
    site_dir, pages, exported = built
    published = {info.page: info for info in pages}
    for info in real_pages():
        d = downloads(info)
        data = (site_dir / d.original).read_bytes()
        assert sha(data) == info.fields["seed_sha256"]
        assert os.path.samefile(site_dir / d.original, root / info.fields["seed"])  # a hard link
    html = downloads(published["archive/odd/comma.md"])
    assert (site_dir / html.original).read_bytes() == HTML_SEED
    gb = downloads(published["archive/odd/gb.md"])
    assert (site_dir / gb.original).read_bytes() == "通知：海淀区".encode("gb18030")
    assert (exported.originals, exported.linked) == (7, 7)
    assert not list(site_dir.rglob("text.txt"))  # the page's text is made in the reader's browser


def test_write_exports_reports_missing_and_changed_seeds_and_publishes_neither(built):
    site_dir, pages, exported = built
    problems = {(p.path, p.field): p.message for p in exported.problems}
    assert set(problems) == {("archive/odd/missing.md", "seed"), ("archive/odd/changed.md", "seed")}
    assert problems["archive/odd/missing.md", "seed"] == "seeds/odd/gone.txt is missing; the original is not published"
    assert problems["archive/odd/changed.md", "seed"].startswith("seeds/odd/changed.txt has changed: its SHA-256 is ")
    by_page = {info.page: info for info in pages}
    records = {r["page_url"]: r for r in read_csv(site_dir)}
    for page in ("archive/odd/missing.md", "archive/odd/changed.md"):
        d = downloads(by_page[page])
        assert not (site_dir / d.original).exists()
        assert not list((site_dir / d.original).parent.glob("original*"))
        record = records["https://example.org/archive/" + by_page[page].url]
        assert record["original_url"] == "" and "text_url" not in record


def test_write_exports_html_seed_is_never_served_as_a_page(built):
    site_dir, pages, exported = built
    html = downloads(next(p for p in pages if p.page == "archive/odd/comma.md"))
    assert html.original == "files/archive/odd/comma/original.html.bin"
    assert html.original_name == "页面.HTML"
    assert mimetypes.guess_type(html.original) == ("application/octet-stream", None)
    for path in (site_dir / "files").rglob("*"):
        if path.is_file():
            kind, encoding = mimetypes.guess_type(path.name)
            assert encoding is None and kind == "application/octet-stream", path
            assert kind not in RENDERED


# ---------------------------------------------------------------- rebuilds and file systems


def test_write_exports_same_pages_same_bytes(tmp_path, root):
    pages = real_pages() + odd_pages(root)
    site = SiteInfo("档案", "", BUILT, root=str(root))
    shuffled = pages[:]
    random.Random(7).shuffle(shuffled)
    a = write_exports(tmp_path / "a", pages, site)
    b = write_exports(tmp_path / "b", shuffled, site)
    assert a == b
    for rel in a.files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_write_exports_again_keeps_links_and_removes_what_is_gone(tmp_path, root):
    pages = real_pages()
    site = SiteInfo("档案", "", BUILT, root=str(root))
    site_dir = tmp_path / "site"
    first = write_exports(site_dir, pages, site)
    (site_dir / "files" / "archive" / f"{TMP_PREFIX}123-dead").write_bytes(b"left by a stopped build")
    (site_dir / "files" / "archive" / "report.pdf").write_bytes(b"copied from docs/files/ by MkDocs")
    legacy = site_dir / posixpath.dirname(downloads(pages[0]).original) / "text.txt"
    legacy.write_bytes(b"the text file of an earlier release")
    seed = root / pages[1].fields["seed"]
    seed.write_bytes(seed.read_bytes() + b"\nedited in place")  # the published link shows it too
    second = write_exports(site_dir, pages[:4], site)
    gone = downloads(pages[4])
    changed = downloads(pages[1])
    assert not (site_dir / gone.original).exists() and not (site_dir / gone.original).parent.exists()
    assert not (site_dir / changed.original).exists() and not legacy.exists()
    assert set(second.removed) == {gone.original, f"files/archive/{TMP_PREFIX}123-dead", legacy.relative_to(site_dir).as_posix()}
    assert [(p.path, p.field) for p in second.problems] == [(pages[1].page, "seed")]
    assert set(first.files) - set(second.files) == {gone.original, changed.original}
    kept = downloads(pages[0])
    assert os.path.samefile(site_dir / kept.original, root / pages[0].fields["seed"])
    assert (site_dir / "files" / "archive" / "report.pdf").exists()


def test_a_record_spares_reading_unchanged_originals_and_never_hides_a_change(tmp_path, root, monkeypatch):
    """With the last build's record, a re-publish reads no original that is as it was checked; an
    original altered in the site, and a seed changed in place or removed, are all caught."""
    from gen.export import files as export_files

    checked: list[str] = []
    real_check = export_files._check
    monkeypatch.setattr(export_files, "_check", lambda data, sha256: checked.append(sha256) or real_check(data, sha256))
    pages = real_pages()
    site = SiteInfo("档案", "", BUILT, root=str(root))
    site_dir, kept = tmp_path / "site", tmp_path / "export-files.pickle"
    first = write_exports(site_dir, pages, site, record=Record(kept))
    assert sorted(checked) == sorted(p.fields["seed_sha256"] for p in pages)
    checked.clear()
    assert write_exports(site_dir, pages, site, record=Record(kept)) == first
    assert checked == []
    placed = site_dir / downloads(pages[0]).original
    placed.unlink()
    placed.write_bytes(b"altered in the site")
    changed, removed = root / pages[1].fields["seed"], root / pages[2].fields["seed"]
    changed.write_bytes(changed.read_bytes() + b"\nedited in place")  # the published link holds it too
    removed.unlink()
    third = write_exports(site_dir, pages, site, record=Record(kept))
    assert placed.read_bytes() == (root / pages[0].fields["seed"]).read_bytes()
    assert sorted(checked) == sorted(p.fields["seed_sha256"] for p in pages[:2])
    assert [(p.path, p.field) for p in third.problems] == [(pages[1].page, "seed"), (pages[2].page, "seed")]
    assert not (site_dir / downloads(pages[1]).original).exists()
    assert not (site_dir / downloads(pages[2]).original).exists()


def test_with_a_record_what_is_gone_is_removed_without_walking_and_a_stopped_build_leaves_none(tmp_path, root, monkeypatch):
    """The record names every original in files/, so a re-publish removes those no page has now
    by name; a build stopped after taking the record leaves the next one to walk files/, which
    finds what the stopped build left."""
    pages = real_pages()
    site = SiteInfo("档案", "", BUILT, root=str(root))
    site_dir, kept = tmp_path / "site", tmp_path / "export-files.pickle"
    write_exports(site_dir, pages, site, record=Record(kept))
    Record(kept)  # a build stopped after it took the record
    assert not kept.exists()
    stray = site_dir / "files" / "archive" / f"{TMP_PREFIX}123-dead"
    stray.write_bytes(b"left by the stopped build")
    assert f"files/archive/{stray.name}" in write_exports(site_dir, pages, site, record=Record(kept)).removed
    assert kept.exists() and not stray.exists()
    monkeypatch.setattr(os, "walk", lambda *a, **k: pytest.fail("files/ walked although the record names what it holds"))
    gone = downloads(pages[4]).original
    again = write_exports(site_dir, pages[:4], site, record=Record(kept))
    assert again.removed == (gone,)
    assert not (site_dir / gone).exists() and not (site_dir / gone).parent.exists()
    assert all((site_dir / downloads(p).original).exists() for p in pages[:4])


def test_a_record_describes_one_site_folder(tmp_path, root, monkeypatch):
    """A record saved for another site folder (`mkdocs serve`'s, say) is nothing known here."""
    from gen.export import files as export_files

    checked: list[str] = []
    real_check = export_files._check
    monkeypatch.setattr(export_files, "_check", lambda data, sha256: checked.append(sha256) or real_check(data, sha256))
    pages = real_pages()
    site = SiteInfo("档案", "", BUILT, root=str(root))
    kept = tmp_path / "export-files.pickle"
    write_exports(tmp_path / "site", pages, site, record=Record(kept, str(tmp_path / "site")))
    write_exports(tmp_path / "preview", pages, site, record=Record(kept, str(tmp_path / "preview")))
    checked.clear()
    write_exports(tmp_path / "site", pages, site, record=Record(kept, str(tmp_path / "site")))
    assert len(checked) == len(pages)  # the record was the preview's
    checked.clear()
    write_exports(tmp_path / "site", pages, site, record=Record(kept, str(tmp_path / "site")))
    assert checked == []


def test_serve_keeps_its_cache_files_apart():
    assert cache_name("export-files.pickle", serving=False) == "export-files.pickle"
    assert cache_name("export-files.pickle", serving=True) == "export-files-serve.pickle"
    assert cache_name("search-files.pickle", serving=True) == "search-files-serve.pickle"


def test_write_exports_copies_when_links_are_refused(tmp_path, root, monkeypatch):
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", refuse)
    pages = real_pages()
    exported = write_exports(tmp_path / "site", pages, SiteInfo("档案", "", BUILT, root=str(root)))
    assert len(calls) == 1  # refused once: every later seed is copied without trying
    assert (exported.originals, exported.linked) == (5, 0)
    for info in pages:
        path = tmp_path / "site" / downloads(info).original
        assert sha(path.read_bytes()) == info.fields["seed_sha256"]
        assert not os.path.samefile(path, root / info.fields["seed"])


@pytest.mark.parametrize("seed, why", [
    ("../outside.txt", "is not a plain path inside the project folder"),
    ("/etc/hostname", "is not a plain path inside the project folder"),
    ("seeds/.hidden", "is not a plain path inside the project folder"),
    ("seeds/link.txt", "is a symbolic link; links are not published"),
    ("seeds/dirlink/x.txt", "leads outside the project folder (through a link)"),
])
def test_write_exports_refuses_seeds_outside_the_project(tmp_path, root, seed, why):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.txt").write_bytes(b"secret")
    (tmp_path / "outside.txt").write_bytes(b"secret")
    (root / "seeds" / ".hidden").write_bytes(b"secret")
    (root / "seeds" / "link.txt").symlink_to(root / "seeds" / ".hidden")  # inside, but a link
    (root / "seeds" / "dirlink").symlink_to(outside)
    info = PageInfo("archive/x.md", "archive/x/", {"title": "x", "seed": seed, "seed_sha256": sha(b"secret")}, "")
    exported = write_exports(tmp_path / "site", [info], SiteInfo("档案", "", BUILT, root=str(root)))
    assert [(p.path, p.field, p.message) for p in exported.problems] == [("archive/x.md", "seed", f"{seed} {why}; the original is not published")]
    assert exported.originals == 0
    assert not list((tmp_path / "site" / "files").rglob("original*"))


def test_write_exports_reports_odd_values_by_page_and_field(tmp_path, root):
    pages = [
        PageInfo("archive/a.md", "archive/a/", {"title": "a", "tags": ["x; y", "z"], "page_url": "mine"}, ""),
        PageInfo("archive/a.md", "archive/a/", {"title": "again"}, ""),
        PageInfo("../a.md", "a/", {"title": "outside"}, ""),
        PageInfo("archive/b.md", "archive/b/", {"title": "b", "seed": "seeds/000_73acca2f4bde7c0a.txt", "seed_sha256": "abc"}, ""),
    ]
    exported = write_exports(tmp_path / "site", pages, SiteInfo("档案", "", BUILT, root=str(root)))
    assert [(p.path, p.field) for p in exported.problems] == [
        ("../a.md", None), ("archive/a.md", None), ("archive/a.md", "page_url"), ("archive/a.md", "tags"), ("archive/b.md", "seed_sha256"),
    ]
    assert exported.rows == 3
    record = next(r for r in read_csv(tmp_path / "site") if r["title"] == "a")
    assert record["page_url"] == "archive/a/"


# ---------------------------------------------------------------- addresses


def test_downloads_of_a_page():
    info = PageInfo("archive/2020/北京 x.md", "archive/2020/%E5%8C%97%E4%BA%AC%20x/", {"seed": "seeds/2020/北京 x.htm"}, "")
    assert downloads(info) == Downloads(
        text_name="北京 x.txt",
        original="files/archive/2020/%E5%8C%97%E4%BA%AC%20x/original.htm.bin",
        original_name="北京 x.htm",
    )


@pytest.mark.parametrize("seed, name", [
    ("seeds/a.txt", "original.txt.bin"), ("seeds/a.HTML", "original.html.bin"), ("seeds/a", "original.bin"),
    ("seeds/a.html.gz", "original.gz.bin"), ("seeds/a.<b>", "original.bin"), ("seeds/.x/a.svg", "original.svg.bin"),
])
def test_downloads_original_name_ends_in_bin(seed, name):
    original = downloads(PageInfo("archive/a.md", "archive/a/", {"seed": seed}, "")).original
    assert original == f"files/archive/a/{name}"
    assert mimetypes.guess_type(original) == ("application/octet-stream", None)


def test_downloads_without_seed_and_for_a_path_outside_the_site():
    assert downloads(PageInfo("archive/a.md", "archive/a/", {}, "")).original is None
    with pytest.raises(ValueError, match="not a Markdown page"):
        downloads(PageInfo("../a.md", "a/", {}, ""))
    for page in ("archive/.md", "archive/.hidden/a.md", "/archive/a.md", "archive//a.md", "archive/a.txt"):
        with pytest.raises(ValueError):
            downloads(PageInfo(page, "a/", {}, ""))


@pytest.mark.parametrize("page_url, link", [
    ("archive/2020/x/", "../../../files/archive/2020/x/original.txt.bin"),
    ("archive/x.html", "../files/archive/2020/x/original.txt.bin"),
    ("", "files/archive/2020/x/original.txt.bin"),
])
def test_href_from_a_page(page_url, link):
    assert href("files/archive/2020/x/original.txt.bin", page_url) == link


def test_download_links_html():
    assert download_links_html() == (
        '<ul class="archive-downloads">\n'
        '<li><a href="data/archive.csv" download="archive.csv">CSV</a>：元数据表，UTF-8（带 BOM），Excel 可直接打开</li>\n'
        '<li><a href="data/archive.jsonl" download="archive.jsonl">JSON Lines</a>：同一份元数据，每行一个 JSON 对象，供程序读取</li>\n'
        '<li><a href="data/datapackage.json" download="datapackage.json">datapackage.json</a>：字段说明、类型与校验值（Frictionless Data Package）</li>\n'
        "</ul>\n"
    )
    assert 'href="../data/archive.csv"' in download_links_html("../")


def test_without_document_files_only_the_metadata_is_published_and_old_files_go(built, root):
    site_dir, pages, first = built
    assert first.originals and any(p.is_file() for p in (site_dir / "files").rglob("*"))
    site = SiteInfo("档案", "https://example.org/archive/", BUILT, root=str(root))
    lean = write_exports(site_dir, pages, site, files=False)
    assert lean.originals == 0 and lean.rows == first.rows
    assert not [p for p in (site_dir / "files").rglob("*") if p.is_file()]
    assert all(r["original_url"] == "" for r in read_csv(site_dir))


def _seed_path_by_parts(root: str, seed: str) -> str:
    """seed_path's rule spelled out for one seed at a time (the oracle of the test below)."""
    from pathlib import PurePosixPath

    from gen.export.files import SeedError

    parts = PurePosixPath(seed).parts
    if seed.startswith("/") or "\\" in seed or not parts or any(p in ("..", ".") or p.startswith(".") for p in parts):
        raise SeedError("is not a plain path inside the project folder")
    path = os.path.join(root, *parts)
    real_root = os.path.realpath(root)
    if os.path.commonpath([real_root, os.path.realpath(os.path.dirname(path))]) != real_root:
        raise SeedError("leads outside the project folder (through a link)")
    return path


_PIECES = ["seeds", "sub", "out", "away", ".git", "..", ".", "", "a.txt", ".hidden", "b\\c", "x.html"]


@pytest.fixture(scope="module")
def linked_root(tmp_path_factory):
    """A project with seeds in folders, one folder a link inside it and one a link out of it."""
    base = tmp_path_factory.mktemp("seedpaths")
    root = base / "project"
    for folder in ("seeds", "seeds/sub", "sub", ".git"):
        (root / folder).mkdir(parents=True, exist_ok=True)
        for name in ("a.txt", "x.html", ".hidden"):
            (root / folder / name).write_text("种子", encoding="utf-8")
    (base / "elsewhere").mkdir()
    (base / "elsewhere" / "a.txt").write_text("外面", encoding="utf-8")
    (root / "out").symlink_to(base / "elsewhere")
    (root / "seeds" / "away").symlink_to(root / "sub")
    (root / "seeds" / "x.html").unlink()
    (root / "seeds" / "x.html").symlink_to(root / "sub" / "x.html")
    return root


@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=4), st.booleans())
def test_seed_path_remembers_folders_and_decides_as_each_seed_alone(linked_root, pieces, lead):
    """seed_path remembers each folder once per export; every seed still gets the path or the
    refusal its own parts give, and may_publish answers by that. A path ending in `/` or `/.` is
    refused as not plain, `seeds/a.txt/.` too, although its parts name a file."""
    from gen.export.files import SeedError, may_publish, seed_path

    root = str(linked_root)
    seed = ("/" if lead else "") + "/".join(pieces)
    memo: dict[str, str] = {}
    for _ in range(2):  # the second time from what the first remembered
        try:
            expected = _seed_path_by_parts(root, seed)
        except SeedError as exc:
            expected = str(exc)
        try:
            found = seed_path(root, seed, memo)
        except SeedError as exc:
            found = str(exc)
        if seed.rpartition("/")[2] in ("", "."):
            assert found == "is not a plain path inside the project folder"
        else:
            assert found == expected
        assert may_publish(root, seed, memo) == (not found.startswith(("is not", "leads")) and os.path.isfile(found)
                                                 and not os.path.islink(found))
