"""Whether the built site fits where it is published (gen/site/size.py): the warning's thresholds
and words, and the bytes of site/ by top-level entry."""

from __future__ import annotations

import os

from gen.site.size import MB, NEAR, folder_bytes, size_warning


def test_no_warning_under_nine_tenths_of_the_limit_or_without_a_limit():
    assert size_warning(int(NEAR * 1000 * MB) - 1, 1000, 100_000, 0) is None
    assert size_warning(5000 * MB, 0, 100_000, 0) is None


def test_near_and_over_the_limit_say_so_with_the_share_of_a_document():
    near = size_warning(950 * MB, 1000, 100_000, 0)
    assert "near the 1,000 MB" in near and "950.0 MB" in near and "9.3 KB a document" in near
    over = size_warning(1034 * MB, 1000, 100_000, 0)
    assert "over the 1,000 MB" in over and "site_limit_mb" in over
    assert "document_files" not in over  # the per-document files are left out already


def test_with_the_documents_files_it_names_the_option_and_what_it_saves():
    note = size_warning(1034 * MB, 1000, 100_000, 272 * MB)
    assert "`document_files: false`" in note and "files/: 272.0 MB (2.7 KB a document)" in note
    assert size_warning(1034 * MB, 1000, 0, 272 * MB).count("a document") == 0  # no documents: no share


def test_folder_bytes_by_top_level_entry_without_links_or_skipped_folders(tmp_path):
    (tmp_path / "files" / "a").mkdir(parents=True)
    (tmp_path / "files" / "a" / "text.txt").write_bytes(b"x" * 300)
    (tmp_path / "files" / "b.bin").write_bytes(b"x" * 20)
    (tmp_path / "search" / "1").mkdir(parents=True)
    (tmp_path / "search" / "1" / "b.z").write_bytes(b"x" * 999)
    (tmp_path / "index.html").write_bytes(b"x" * 7)
    os.symlink(tmp_path / "files" / "b.bin", tmp_path / "link.bin")
    os.symlink(tmp_path / "search", tmp_path / "linked-folder")
    assert folder_bytes(tmp_path, frozenset({"search"})) == {"files": 320, "index.html": 7}
    assert folder_bytes(tmp_path)["search"] == 999
    assert folder_bytes(tmp_path / "missing") == {}


def test_the_site_is_weighed_once_the_build_has_removed_what_it_no_longer_holds(tmp_path):
    """The feeds and exports are written while the build sweeps archive/ (gen/plugin.py); the
    weighing after them waits for the sweep, so a page removed meanwhile is not counted."""
    import datetime as dt
    import threading

    from gen.site.outputs import Outputs
    from gen.site.records import SiteInfo

    stale = tmp_path / "archive" / "gone" / "index.html"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"x" * 500)
    swept = threading.Event()
    site = SiteInfo("站", "", dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc), str(tmp_path))
    outputs = Outputs(tmp_path, [], site, files=False, weigh=True, swept=swept)
    outputs.start()
    outputs.join(timeout=0.5)
    assert outputs.is_alive() and outputs.site_bytes is None  # written, waiting to weigh
    stale.unlink()
    swept.set()
    outputs.join(timeout=30)
    assert not outputs.is_alive() and outputs.error is None
    assert outputs.site_bytes is not None and outputs.site_bytes.get("archive", 0) == 0
