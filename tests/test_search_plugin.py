"""The `archive-search` MkDocs plugin on the seeds: a real `mkdocs build` in a temporary folder."""

from __future__ import annotations

import json
import re
import os
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
import yaml

from gen.search.facets import facets_of
from tests.test_search_facets import decode

REPO = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1")


def _run(args, cwd):
    return subprocess.run([sys.executable, *args], cwd=cwd, env=ENV, capture_output=True, text=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("search-plugin")
    shutil.copy(REPO / "mkdocs.yml", work / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", work / "overrides")
    gen = _run(["-m", "gen", "build", "--seeds", str(REPO / "seeds"), "--docs", "docs", "--report", "build/report.json"], work)
    assert gen.returncode in (0, 1), gen.stderr
    done = _run(["-m", "mkdocs", "build", "--strict"], work)
    assert done.returncode == 0, done.stderr
    return work, done.stderr


def _stub(site: Path) -> dict:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))


def test_plugin_writes_the_index_and_a_stub_for_materials_bundle(built):
    work, log = built
    stub = _stub(work / "site")
    archive = stub["config"]["archive"]
    assert stub["docs"] == [] and stub["config"]["separator"]
    assert archive["pages"] == 5  # the five documents; index pages say search: {exclude: true}
    assert (work / "site" / "search" / archive["build"] / "fold.z").is_file()
    assert "archive-search: 5 pages" in log


def test_plugin_shows_materials_search_box_wired_to_our_worker(built):
    """A document page (gen/site/ shell) loads the shell script, which adds Material's search
    dialog and the theme's settings naming our worker; a page MkDocs renders (404) has them inline."""
    work, _ = built
    html = (work / "site" / "archive" / "003_17d5a1e15a32e4e6" / "index.html").read_text(encoding="utf-8")
    shell = re.search(r'<script src="\.\./\.\./(assets/javascripts/archive-shell\.[0-9a-f]+\.js)" data-base="\.\./\.\."></script>', html)
    assert shell, html[-600:]
    script = (work / "site" / shell.group(1)).read_text(encoding="utf-8")
    assert '"search": "assets/javascripts/archive-search/worker.js?v=' in script
    assert 'data-md-component=\\"search-query\\"' in script
    # the page helper runs from the file the page's own scripts are joined into
    joined = re.search(r'<script src="\.\./\.\./(assets/javascripts/archive-page\.[0-9a-f]+\.js)"></script>', html)
    helper = (REPO / "overrides" / "assets" / "javascripts" / "archive-search" / "page.js").read_text(encoding="utf-8")
    assert joined and helper.strip() in (work / "site" / joined.group(1)).read_text(encoding="utf-8")
    page404 = (work / "site" / "404.html").read_text(encoding="utf-8")
    config = json.loads(page404.split('<script id="__config" type="application/json">', 1)[1].split("</script>", 1)[0])
    assert "assets/javascripts/archive-search/worker.js?v=" in config["search"]
    assert (work / "site" / "assets" / "javascripts" / "archive-search" / "worker.js").is_file()


def test_plugin_builds_the_same_index_in_process(built, tmp_path):
    work, _ = built
    config = (work / "mkdocs.yml").read_text(encoding="utf-8").replace("  - archive-search\n", "  - archive-search:\n      background: false\n")
    (work / "mkdocs-local.yml").write_text(config, encoding="utf-8")
    done = _run(["-m", "mkdocs", "build", "--strict", "-f", "mkdocs-local.yml", "-d", str(tmp_path / "site")], work)
    assert done.returncode == 0, done.stderr
    assert "in process" in done.stderr
    assert _stub(tmp_path / "site")["config"]["archive"]["build"] == _stub(work / "site")["config"]["archive"]["build"]


def test_plugin_refuses_to_run_beside_materials_search(built, tmp_path):
    work, _ = built
    config = (work / "mkdocs.yml").read_text(encoding="utf-8").replace("  - archive-search\n", "  - search\n  - archive-search\n")
    (work / "mkdocs-both.yml").write_text(config, encoding="utf-8")
    done = _run(["-m", "mkdocs", "build", "-f", "mkdocs-both.yml", "-d", str(tmp_path / "site")], work)
    assert done.returncode != 0
    assert "remove `search`" in done.stderr


def test_dirty_build_indexes_every_page_and_the_edit(built, tmp_path):
    """mkdocs serve --dirty re-renders only the edited page; the index must still hold them all."""
    work = tmp_path / "dirty"
    shutil.copytree(built[0], work)
    page = next((work / "docs" / "archive").rglob("001_*.md"))
    page.write_text(page.read_text(encoding="utf-8") + "\n编辑新增的独特句子\n", encoding="utf-8")
    segments = work / "build" / "cache" / "search-segments"
    full = set(os.listdir(segments))
    done = _run(["-m", "mkdocs", "build", "--dirty"], work)
    assert done.returncode == 0, done.stderr
    assert "archive-search: 5 pages" in done.stderr
    # It sweeps no segment: the full build's stay for the next full build (`make site` after `make serve`).
    assert full and full < set(os.listdir(segments))
    build = _stub(work / "site")["config"]["archive"]["build"]
    assert build != _stub(built[0] / "site")["config"]["archive"]["build"]


def test_plugin_indexes_each_pages_facets_from_its_front_matter(built):
    work, _ = built
    archive = _stub(work / "site")["config"]["archive"]
    root = work / "site" / "search" / archive["build"]
    pages = decode(zlib.decompress((root / "f.z").read_bytes()))["pages"]
    assert len(pages) == archive["pages"]
    for pid, got in enumerate(pages):
        url = json.loads(zlib.decompress((root / "p" / f"{pid}.z").read_bytes()))["u"]
        meta = yaml.safe_load((work / "docs" / (url.rstrip("/") + ".md")).read_text(encoding="utf-8").split("---")[1])
        want = facets_of(meta)
        assert (got.district, got.source, got.date, sorted(got.tags)) == (want.district, want.source, want.date, sorted(want.tags)), url
    assert {p.district for p in pages} >= {"石景山区"}
