"""The last build's site/ moved away in one rename and removed in the background (gen/site/aside.py)."""

from __future__ import annotations

import os
import shutil

from gen.site.aside import ASIDE, KEPT, put_back, set_aside


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


def test_the_last_sites_files_are_kept_and_put_back_where_the_new_site_has_none(tmp_path):
    site = tmp_path / "site"
    _site(site, 3)
    _site(site / "files", 4)
    remover = set_aside(site, tmp_path)
    remover.join()
    assert not site.exists() and len(os.listdir(tmp_path / KEPT / "files")) == 4
    site.mkdir()  # MkDocs' build
    assert put_back(site, tmp_path) == ["files"]
    assert len(os.listdir(site / "files")) == 4 and not (tmp_path / KEPT).exists()
    # a new site that has a files/ of its own (MkDocs copied docs/files/) keeps it, and the kept one is removed
    set_aside(site, tmp_path).join()
    (site / "files").mkdir(parents=True)
    assert put_back(site, tmp_path) == [] and os.listdir(site / "files") == []
    assert not (tmp_path / KEPT / "files").exists()


def test_files_kept_by_a_stopped_build_give_way_to_the_newer_ones(tmp_path):
    site = tmp_path / "site"
    _site(tmp_path / KEPT / "files", 2)  # a build stopped before it put them back
    _site(site / "files", 5)
    set_aside(site, tmp_path).join()
    assert len(os.listdir(tmp_path / KEPT / "files")) == 5 and not (tmp_path / ASIDE).exists()


def test_folders_of_any_name_are_removed_and_nothing_beside_them(tmp_path):
    from gen.fs import remove_tree
    (tmp_path / "keep").mkdir()
    (tmp_path / "keep" / "a.txt").write_text("x")
    for name in ("-rf", "两 个 词", ".hidden"):
        folder = tmp_path / name
        _site(folder, 2)
        (folder / "p0" / "link").symlink_to(tmp_path / "keep")
        remove_tree(folder)
        assert not os.path.lexists(folder)
    assert os.listdir(tmp_path) == ["keep"] and os.listdir(tmp_path / "keep") == ["a.txt"]  # links are not followed


def test_the_kept_pages_take_in_what_mkdocs_wrote_beside_them(tmp_path):
    """archive/ is kept too; files MkDocs copied there this build (an editor's images) go into
    the kept folder, replacing what was there, before it is put back."""
    from gen.site.aside import MERGED
    name = MERGED[0]
    site = tmp_path / "site"
    _site(site / name, 3)
    (site / name / "img").mkdir()
    (site / name / "img" / "a.png").write_bytes(b"old")
    set_aside(site, tmp_path).join()
    (site / name / "img").mkdir(parents=True)  # MkDocs' build copies the editor's files
    (site / name / "img" / "a.png").write_bytes(b"new")
    (site / name / "p1" / "b.png").parent.mkdir()
    (site / name / "p1" / "b.png").write_bytes(b"b")
    assert put_back(site, tmp_path) == [name]
    assert (site / name / "img" / "a.png").read_bytes() == b"new"
    assert sorted(os.listdir(site / name / "p1")) == ["b.png", "index.html"]
    assert (site / name / "p2" / "index.html").is_file() and not (tmp_path / KEPT).exists()


def test_sweep_removes_what_is_not_wanted_and_the_folders_left_empty(tmp_path):
    from gen.site.aside import sweep
    _site(tmp_path / "a", 4)
    (tmp_path / "a" / "p0" / "img.png").write_bytes(b"x")
    (tmp_path / "a" / "deep" / "er").mkdir(parents=True)
    (tmp_path / "a" / "deep" / "er" / "x.html").write_text("x")
    (tmp_path / "a" / "p3" / "link").symlink_to(tmp_path / "elsewhere")
    wanted = {"p0/index.html", "p0/img.png", "p2/index.html"}
    assert sweep(tmp_path / "a", wanted) == 4  # p1, p3 and its link, deep/er/x.html
    assert sorted(os.listdir(tmp_path / "a")) == ["p0", "p2"]
    assert sorted(os.listdir(tmp_path / "a" / "p0")) == ["img.png", "index.html"]
    assert sweep(tmp_path / "missing", wanted) == 0


def test_a_recorded_sweep_removes_what_the_record_names_and_no_page_is_without_looking_elsewhere(tmp_path):
    from gen.site.aside import sweep
    _site(tmp_path / "a", 4)
    (tmp_path / "a" / "deep" / "er").mkdir(parents=True)
    (tmp_path / "a" / "deep" / "er" / "x.html").write_text("x")
    listed = frozenset({"p0/index.html", "p1/index.html", "deep/er/x.html", "never/there.html", "../p2/index.html"})
    assert sweep(tmp_path / "a", {"p0/index.html"}, listed) == 2  # p1, deep/er/x.html
    assert sorted(os.listdir(tmp_path / "a")) == ["p0", "p2", "p3"]  # p2, p3: not in the record


def test_a_record_is_taken_once_and_only_for_the_very_folder_it_describes(tmp_path):
    from gen.site.aside import save_record, take_record
    record, folder = tmp_path / "cache" / "archive-pages.pickle", tmp_path / "site" / "archive"
    _site(folder, 2)
    names = frozenset({"p0/index.html", "p1/index.html"})
    save_record(record, folder, names)
    os.rename(folder, tmp_path / "kept")  # set aside and put back by the next build: the same folder
    os.rename(tmp_path / "kept", folder)
    assert take_record(record, folder) == names
    assert not record.exists() and take_record(record, folder) is None  # taken: a build stopped now leaves none
    save_record(record, folder, names)
    (folder / "stray").mkdir()  # an entry added since
    assert take_record(record, folder) is None
    save_record(record, folder, names)
    shutil.rmtree(folder)  # made again, by another builder say
    _site(folder, 2)
    assert take_record(record, folder) is None
    record.write_bytes(b"damaged")
    assert take_record(record, folder) is None and not record.exists()
