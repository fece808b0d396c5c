"""Index pages: rendered from the pages' front matter (golden), owned by the archive plugin,
linking every document whatever its file name."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from markupsafe import Markup

from gen.check import read_page
from gen.cli import main
from gen.indexes import render_indexes
from gen.plugin import TagLinks
from tests.conftest import REPO

GOLDEN_DOCS = REPO / "tests" / "golden" / "docs"


def test_render_indexes_golden(golden):
    """The index pages of the five seeds' pages, as the plugin makes them at site build."""
    metas = []
    for path in sorted(GOLDEN_DOCS.rglob("*.md")):
        page = path.relative_to(GOLDEN_DOCS).as_posix()
        problems, meta = read_page(path.read_text(encoding="utf-8"), page, page)
        assert not problems and meta is not None, page
        metas.append(meta)
    pages = render_indexes(metas)
    golden("indexes.list", "\n".join(sorted(pages)) + "\n")
    for page, text in sorted(pages.items()):
        golden(f"indexes/{page}", text)
    folder = REPO / "tests" / "golden" / "indexes"
    stale = sorted({p.relative_to(folder).as_posix() for p in folder.rglob("*.md")} - set(pages))
    assert not stale, f"golden files no build makes (delete them): {stale}"


def test_tag_chips_link_each_tag_to_its_page_and_other_tags_to_the_tags_index():
    links = TagLinks({"A&amp;B": "tags/ab/", "核酸检测": "tags/hesuanjiance/"}, "tags/")
    chips = links.chips([Markup("A&amp;B"), "核酸检测", "<x>", None])
    assert [(str(c.name), c.url) for c in chips] == [("A&amp;B", "tags/ab/"), ("核酸检测", "tags/hesuanjiance/"), ("&lt;x&gt;", "tags/")]
    assert links.chips("核酸检测") == [] and TagLinks({}, None).chips(["x"]) == []


def _mkdocs(tree) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tree, capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


@pytest.mark.slow
def test_a_page_of_the_editors_at_an_index_path_is_shown_instead(project):
    assert main(["build"]) == 0
    (project / "docs" / "index.md").write_text("# 我们的档案\n\n编辑写的首页。\n", encoding="utf-8")
    result = _mkdocs(project)
    assert result.returncode == 0, result.stderr
    home = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert "编辑写的首页" in home and "馆藏概况" not in home
    assert "馆藏概况" not in (project / "docs" / "index.md").read_text(encoding="utf-8")
    assert (project / "site" / "timeline" / "index.html").is_file(), "the other index pages are still made"


@pytest.mark.slow
def test_index_pages_link_documents_whatever_their_names(project):
    seed = project / "seeds" / "000_73acca2f4bde7c0a.txt"
    (project / "seeds" / "子 目录").mkdir()
    shutil.move(str(seed), project / "seeds" / "子 目录" / "新京报 (1) [转载].txt")
    assert main(["build"]) == 0
    result = _mkdocs(project)
    assert result.returncode == 0, result.stderr
    assert not [line for line in result.stderr.splitlines() if line.startswith("WARNING")], result.stderr
    assert (project / "site" / "archive" / "子 目录" / "新京报 (1) [转载]" / "index.html").is_file()
    home = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="archive/%E5%AD%90%20%E7%9B%AE%E5%BD%95/%E6%96%B0%E4%BA%AC%E6%8A%A5%20%281%29%20%5B%E8%BD%AC%E8%BD%BD%5D/"' in home


@pytest.mark.slow
def test_a_page_of_the_editors_at_an_index_pages_address_under_another_name_is_named(project):
    """docs/tags/index.md has the address of the generated tags.md (/tags/): it is shown, and
    --strict fails saying how to put it in that page's place (links to tags.md would break)."""
    assert main(["build"]) == 0
    (project / "docs" / "tags").mkdir()
    (project / "docs" / "tags" / "index.md").write_text("# 标签说明\n\n编辑写的标签页。\n", encoding="utf-8")
    result = _mkdocs(project)
    assert result.returncode == 1
    assert "docs/tags/index.md: has the address of the generated index page tags.md; rename it docs/tags.md" in result.stderr
    (project / "docs" / "tags" / "index.md").rename(project / "docs" / "tags.md")
    result = _mkdocs(project)
    assert result.returncode == 0, result.stderr
    assert "编辑写的标签页" in (project / "site" / "tags" / "index.html").read_text(encoding="utf-8")
    page = (project / "site" / "archive" / "000_73acca2f4bde7c0a" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../tags/hesuanjiance/" class="md-tag"' in page
