"""Real `mkdocs build --strict` runs of the archive's pages (gen/site/): a second build renders
nothing and publishes the same bytes, an edited page alone is rendered again, and the plugin's
`document_files: false` leaves every document's files out."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from tests.conftest import make_project

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1700000000"}


def _run(root: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", *args], cwd=root, env=ENV, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stderr


def _rendered(log: str) -> int:
    return int(re.search(r"archive: \d+ pages, (\d+) rendered", log).group(1))


def _tree(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(site.rglob("*")) if p.is_file()}


def test_second_build_renders_nothing_and_publishes_the_same_site(tmp_path):
    root = make_project(tmp_path / "p")
    own = root / "overrides" / "assets" / "javascripts" / "lunr" / "own.js"  # a project's file of a dropped name
    own.parent.mkdir(parents=True)
    own.write_text("// the project's own")
    _run(root, "gen", "build")
    first = _run(root, "mkdocs", "build", "--strict")
    assert _rendered(first) > 40
    assert "site_limit_mb" not in first  # far under GitHub Pages' 1 GB: nothing said
    before = _tree(root / "site")
    # Material's own search (lunr, its worker) and source maps are left out; the project's file is not
    assert [p for p in before if p.startswith("assets/javascripts/lunr/")] == ["assets/javascripts/lunr/own.js"]
    assert not [p for p in before if p.endswith(".map") or p.startswith("assets/javascripts/workers/")]
    assert any(re.fullmatch(r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js", p) for p in before)
    (root / "site" / "stale.html").write_text("from no build")  # what was in site/ goes
    # What a build stopped midway left in the folders kept between builds goes too: it took the
    # records of what they hold, so the next build walks them (gen/export/record.py, gen/site/aside.py).
    for record in ("export-files.pickle", "archive-pages.pickle"):
        (root / "build" / "cache" / record).unlink()
    files = root / "site" / "files" / "archive"
    original = files / "002_2790eb9220dfb574" / "original.txt.bin"
    inode = original.stat().st_ino
    (files / "gone_0000000000000000").mkdir()  # a page no longer there: its files go
    (files / "gone_0000000000000000" / "original.txt.bin").write_text("from no build")
    pages = root / "site" / "archive"
    kept = pages / "002_2790eb9220dfb574" / "index.html"
    page_inode = kept.stat().st_ino
    (pages / "gone_0000000000000000").mkdir()  # archive/ is kept too: what no page of this build is goes
    (pages / "gone_0000000000000000" / "index.html").write_text("from no build")
    (pages / "stray.html").write_text("from no build")
    # The theme's templates were compiled once and kept: the next build reads them, and one
    # found damaged is compiled again (gen/site/compiled.py).
    kept_templates = sorted((root / "build" / "cache" / "templates").glob("*.cache"))
    assert len(kept_templates) > 10
    kept_templates[0].write_bytes(b"j2 damaged")
    kept_templates[1].write_bytes(kept_templates[1].read_bytes()[:40])
    again = _run(root, "mkdocs", "build", "--strict")
    assert _rendered(again) == 0
    assert _tree(root / "site") == before
    assert kept_templates[1].stat().st_size > 40  # compiled again and kept again
    assert not (root / "build" / "old-sites").exists()  # the last site/, set aside, is removed by the build's end
    assert original.stat().st_ino == inode  # files/ is updated in place, not written again
    assert kept.stat().st_ino == page_inode  # and so are the pages
    assert not (root / "build" / "kept-site").exists()
    # An image an editor puts beside the pages is published; a page removed from docs/ and the
    # image removed again leave nothing behind in the kept folder.
    image = root / "docs" / "archive" / "图" / "map.png"
    image.parent.mkdir()
    image.write_bytes(b"\x89PNG first")
    removed = root / "docs" / "archive" / "004_487f552e651a47cf.md"
    moved_away = removed.read_text(encoding="utf-8")
    removed.unlink()
    _run(root, "mkdocs", "build", "--strict")
    assert (pages / "图" / "map.png").read_bytes() == b"\x89PNG first"
    assert not (pages / "004_487f552e651a47cf").exists()
    assert not (files / "004_487f552e651a47cf").exists()  # removed by the record's name for it
    image.write_bytes(b"\x89PNG second")
    _run(root, "mkdocs", "build", "--strict")
    assert (pages / "图" / "map.png").read_bytes() == b"\x89PNG second"
    image.unlink()
    image.parent.rmdir()
    removed.write_text(moved_away, encoding="utf-8")
    _run(root, "mkdocs", "build", "--strict")
    assert _tree(root / "site") == before
    page = root / "docs" / "archive" / "002_2790eb9220dfb574.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n编辑补充的一句。\n", encoding="utf-8")
    edited = _run(root, "mkdocs", "build", "--strict")
    assert _rendered(edited) == 1
    assert "编辑补充的一句" in (root / "site" / "archive" / "002_2790eb9220dfb574" / "index.html").read_text(encoding="utf-8")
    changed = {k for k, v in _tree(root / "site").items() if before.get(k) != v}
    assert "archive/002_2790eb9220dfb574/index.html" in changed
    assert not any(k.startswith("archive/") and k != "archive/002_2790eb9220dfb574/index.html" for k in changed)


def test_without_document_files_no_page_links_an_original_and_none_is_published(tmp_path):
    root = make_project(tmp_path / "p")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("document_files: true", "document_files: false"), encoding="utf-8")
    _run(root, "gen", "build")
    _run(root, "mkdocs", "build", "--strict")
    page = (root / "site" / "archive" / "000_73acca2f4bde7c0a" / "index.html").read_text(encoding="utf-8")
    assert "原件" not in page and "引用本文" in page
    assert '<p class="doc-downloads" data-text="000_73acca2f4bde7c0a.txt" hidden>' in page  # the text, made in the browser
    assert not (root / "site" / "files").exists() or not any(p.is_file() for p in (root / "site" / "files").rglob("*"))
    assert (root / "site" / "data" / "archive.csv").is_file()


def test_a_site_near_what_it_may_weigh_is_warned_of_and_still_built(tmp_path):
    root = make_project(tmp_path / "p")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "site_limit_mb: 1000" in text
    config.write_text(text.replace("site_limit_mb: 1000", "site_limit_mb: 0.2"), encoding="utf-8")
    _run(root, "gen", "build")
    log = _run(root, "mkdocs", "build", "--strict")  # after the build: a warning, not a failed --strict build
    note = next(line for line in log.splitlines() if "site_limit_mb" in line)
    weighed = sum(p.stat().st_size for p in (root / "site").rglob("*") if p.is_file() and not p.is_symlink())
    assert f"site/ is {weighed / 1e6:,.1f} MB" in note and "over the 0.2 MB" in note
    files = sum(p.stat().st_size for p in (root / "site" / "files").rglob("*") if p.is_file())
    assert "`document_files: false`" in note and f"files/: {files / 1e6:,.1f} MB" in note


def test_a_document_an_editor_moved_out_of_archive_is_still_a_document_page(tmp_path):
    root = make_project(tmp_path / "p")
    _run(root, "gen", "build")
    moved = root / "docs" / "专题" / "moved.md"
    moved.parent.mkdir()
    (root / "docs" / "archive" / "002_2790eb9220dfb574.md").rename(moved)
    _run(root, "gen", "build")  # finds it by its seed: it stays where the editor put it
    _run(root, "mkdocs", "build", "--strict")
    page = (root / "site" / "专题" / "moved" / "index.html").read_text(encoding="utf-8")
    assert 'class="doc-meta"' in page and "引用本文" in page and "archive-shell" in page
    rows = (root / "site" / "data" / "archive.csv").read_text(encoding="utf-8-sig")
    assert quote("专题/moved/") in rows


def test_between_builds_a_page_is_known_by_its_files_stamp(tmp_path):
    """A build records the digest of every page's text by its file's (path, mtime, size), as git's
    index does, and the next build (another process) does not read a page whose stamp is as
    recorded: a same-length change with the old mtime put back goes unseen, until the file is
    saved again. A damaged record only means reading every page again."""
    root = make_project(tmp_path / "p")
    _run(root, "gen", "build")
    for written in (root / "docs").rglob("*.md"):  # written a minute ago: not "racily" new (gen.fs.RACY_NS)
        st = written.stat()
        os.utime(written, ns=(st.st_atime_ns, st.st_mtime_ns - 60_000_000_000))
    _run(root, "mkdocs", "build", "--strict")
    record = root / "build" / "cache" / "page-digests.pickle"
    assert record.is_file()
    page = root / "docs" / "archive" / "002_2790eb9220dfb574.md"
    shown = root / "site" / "archive" / "002_2790eb9220dfb574" / "index.html"
    text = page.read_text(encoding="utf-8")
    word = next(c for c in text.split("---", 2)[2] if "\u4e00" <= c <= "\u9fff")
    stamp = page.stat()
    page.write_text(text.replace(word, "甲" if word != "甲" else "乙"), encoding="utf-8")
    os.utime(page, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert page.stat().st_size == stamp.st_size
    assert _rendered(_run(root, "mkdocs", "build", "--strict")) == 0  # not read: known by its stamp
    os.utime(page, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000))  # saved again (a minute ago)
    assert _rendered(_run(root, "mkdocs", "build", "--strict")) == 1
    assert shown.read_text(encoding="utf-8").count("甲" if word != "甲" else "乙") > 0
    record.write_bytes(b"damaged")
    assert _rendered(_run(root, "mkdocs", "build", "--strict")) == 0  # every page read: all as rendered
    assert record.read_bytes() != b"damaged"


def test_a_page_saved_after_the_build_looked_at_it_is_published_as_saved_and_rendered_again_next_time(tmp_path, monkeypatch):
    """A build keys each page by its text as its file stood when the build listed the pages; a
    save after that (here: just before the pages are rendered) is published as saved, but not
    kept as the rendering of the text the build listed: when the editor puts that text back,
    the next build renders it again."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    import gen.plugin as plugin_mod

    root = make_project(tmp_path / "p")
    _run(root, "gen", "build")
    page = root / "docs" / "archive" / "002_2790eb9220dfb574.md"
    listed = page.read_text(encoding="utf-8")
    real = plugin_mod.publish

    def saved_first(*args, **kwargs):
        page.write_text(listed + "\n编辑存下的一句。\n", encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(plugin_mod, "publish", saved_first)
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(root)
    config = load_config(str(root / "mkdocs.yml"))
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    html = root / "site" / "archive" / "002_2790eb9220dfb574" / "index.html"
    assert "编辑存下的一句" in html.read_text(encoding="utf-8")
    monkeypatch.setattr(plugin_mod, "publish", real)
    page.write_text(listed, encoding="utf-8")  # put back
    assert _rendered(_run(root, "mkdocs", "build", "--strict")) == 1
    assert "编辑存下的一句" not in html.read_text(encoding="utf-8")
    assert _rendered(_run(root, "mkdocs", "build", "--strict")) == 0
