"""The last build's site/ moved away in one rename and removed in the background (gen/site/aside.py)."""

from __future__ import annotations

import os

from gen.site.aside import ASIDE, set_aside


def _site(path, files=50):
    for i in range(files):
        (path / f"p{i}").mkdir(parents=True)
        (path / f"p{i}" / "index.html").write_text("x")


def test_the_last_site_is_moved_away_and_removed(tmp_path):
    site = tmp_path / "site"
    _site(site)
    left = tmp_path / ASIDE / "123-dead"  # what a stopped build left
    _site(left, 3)
    remover = set_aside(site, tmp_path)
    assert remover is not None and not site.exists()  # MkDocs finds nothing to empty
    remover.join()
    assert not (tmp_path / ASIDE).exists()


def test_a_linked_or_missing_site_is_left_to_mkdocs(tmp_path):
    real = tmp_path / "elsewhere"
    _site(real, 2)
    (tmp_path / "site").symlink_to(real)
    assert set_aside(tmp_path / "site", tmp_path) is None
    assert (tmp_path / "site").is_symlink() and len(os.listdir(real)) == 2
    assert set_aside(tmp_path / "nothing", tmp_path) is None


def test_a_site_folder_holding_the_project_is_never_moved(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    assert set_aside(tmp_path, project) is None and project.is_dir()
