"""Re-runs redo only what changed: the build cache, through the real CLI."""

from __future__ import annotations

import os
import time
import shutil

import pytest

import gen.cache
import gen.fs
import gen.gather
from gen.cli import main
from tests.conftest import edit, read_report


@pytest.fixture
def tree(project):
    return project


@pytest.fixture
def reads(monkeypatch):
    """The seeds read through the readers in the next build."""
    seen: list[str] = []
    real = gen.gather.read_one

    def counting(path, shown, rel, entry, tables):
        seen.append(shown)
        return real(path, shown, rel, entry, tables)

    monkeypatch.setattr(gen.gather, "read_one", counting)
    return seen


def test_second_run_reads_no_seed(tree, reads):
    assert main(["build"]) == 0
    assert len(reads) == 5
    reads.clear()
    assert main(["build"]) == 0
    assert reads == []


def test_changed_seed_is_the_only_one_read_again(tree, reads):
    main(["build"])
    reads.clear()
    seed = tree / "seeds" / "000_73acca2f4bde7c0a.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("邓健", "王五"), encoding="utf-8")
    assert main(["build"]) == 0
    assert reads == ["seeds/000_73acca2f4bde7c0a.txt"]
    assert "王五" in next((tree / "docs").rglob("000_73acca2f4bde7c0a.md")).read_text(encoding="utf-8")


def test_touched_but_unchanged_seed_is_recognised_by_its_hash(tree, reads):
    main(["build"])
    reads.clear()
    seed = tree / "seeds" / "001_eec9e63713adc293.txt"
    os.utime(seed, ns=(1, 1))
    assert main(["build"]) == 0
    assert reads == []


def test_new_generator_version_reads_everything_again(tree, reads, monkeypatch):
    main(["build"])
    reads.clear()
    monkeypatch.setattr(gen.cache, "generator_version", lambda: "another version")
    assert main(["build"]) == 0
    assert len(reads) == 5


def test_corrupt_cache_is_ignored(tree, reads):
    main(["build"])
    (tree / "build" / "cache" / gen.cache.NEAR_FILE).write_bytes(b"not a pickle")
    reads.clear()
    assert main(["build"]) == 0
    assert len(reads) == 5


def test_cached_and_fresh_builds_write_the_same_pages(tree):
    main(["build"])
    cached = {p: p.read_bytes() for p in sorted((tree / "docs").rglob("*.md"))}
    shutil.rmtree(tree / "docs")
    assert main(["build", "--no-cache"]) == 0
    assert {p: p.read_bytes() for p in sorted((tree / "docs").rglob("*.md"))} == cached


def test_corrupt_shard_reads_again_only_the_seeds_it_held(tree, reads):
    main(["build"])
    pages = {p: p.read_bytes() for p in sorted((tree / "docs").rglob("*.md"))}
    shards = sorted((tree / "build" / "cache").glob("shard-*.pickle"))
    held = [s for s in shards if gen.cache._unpickle(s.read_bytes())["reads"]]
    held[0].write_bytes(b"not a pickle")
    reads.clear()
    assert main(["build"]) == 0
    assert 1 <= len(reads) < 5
    assert {p: p.read_bytes() for p in sorted((tree / "docs").rglob("*.md"))} == pages


def test_rerun_rewrites_only_the_cache_files_that_changed(tree, monkeypatch):
    # Pages just written are not known by their stamps until they are older than fs.RACY_NS, so
    # with it the second run's record would depend on how long the first one took.
    monkeypatch.setattr(gen.fs, "RACY_NS", 0)
    main(["build"])
    cache_dir = tree / "build" / "cache"

    def stamps():
        return {p.name: p.stat().st_mtime_ns for p in cache_dir.glob("*.pickle")}

    before = stamps()
    assert main(["build"]) == 0
    assert stamps() == before  # nothing changed: nothing written
    seed = tree / "seeds" / "000_73acca2f4bde7c0a.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("邓健", "王五"), encoding="utf-8")
    assert main(["build"]) == 0
    after = stamps()
    rewritten = {name for name in after if after[name] != before.get(name)}
    # one seed's read, page hash, seed stats and page stats: at most two shards each, plus the
    # near-duplicate and index files
    assert rewritten and len(rewritten) <= 2 * 4 + 2
    assert len(rewritten) < len(after)


def test_unwritable_cache_is_a_warning_not_a_failure(tree, capsys):
    (tree / "build").mkdir()
    (tree / "build" / "cache").write_text("a file where the cache folder would be", encoding="utf-8")
    assert main(["build"]) == 0
    assert "build cache could not be saved" in capsys.readouterr().out
    assert len(list((tree / "docs" / "archive").glob("*.md"))) == 5


SEED = "000_73acca2f4bde7c0a"


def _page_text(tree) -> str:
    return next((tree / "docs").rglob(f"{SEED}.md")).read_text(encoding="utf-8")


def test_a_seed_saved_while_the_build_reads_it_is_read_again_next_time(tree, monkeypatch):
    """The stamp kept for a seed is the one it had before it was read: a save that lands after
    the read, while the build still runs, gives the file another stamp, so the next build reads it."""
    monkeypatch.setattr(gen.fs, "RACY_NS", 0)  # this is not about a save within one clock tick
    seed = tree / "seeds" / f"{SEED}.txt"
    real = gen.gather.read_one

    def saved_after_the_read(path, shown, rel, entry, tables):
        out = real(path, shown, rel, entry, tables)
        if shown == f"seeds/{SEED}.txt":
            edit(seed, "邓健", "王五")  # the same size
        return out

    monkeypatch.setattr(gen.gather, "read_one", saved_after_the_read)
    assert main(["build"]) == 0
    assert "王五" not in _page_text(tree)  # read before the save
    monkeypatch.setattr(gen.gather, "read_one", real)
    assert main(["build"]) == 0
    assert "王五" in _page_text(tree)


def test_a_seed_saved_again_within_one_clock_tick_is_not_known_by_its_stamp(tree):
    """As git does with "racily clean" files: a file changed too shortly before the cache is saved
    is not known by its (mtime, size) next time, as a save of the same size within the same tick
    of the file system's clock keeps both. Here the seed is dated ahead of the clock, as a clock
    running a little ahead (or a network drive's) would date it: never before the save."""
    seed = tree / "seeds" / f"{SEED}.txt"
    ahead = time.time_ns() + 60 * 10**9
    os.utime(seed, ns=(ahead, ahead))
    assert main(["build"]) == 0
    edit(seed, "邓健", "王五")  # the same size
    os.utime(seed, ns=(ahead, ahead))  # and the same stamp
    assert main(["build"]) == 0
    assert "王五" in _page_text(tree)


def test_a_page_saved_right_after_the_build_wrote_it_is_known_as_saved(tree, monkeypatch):
    """The stamp kept for a page the build wrote is that of the text it wrote, not of the file
    found there afterwards: an editor's save in between is read as such by the next build."""
    monkeypatch.setattr(gen.fs, "RACY_NS", 0)
    real = gen.fs.replace_if_unchanged

    def saved_right_after(path, text, expect):
        done = real(path, text, expect)
        if done and path.name == f"{SEED}.md":
            path.write_text(text.replace("邓健", "王五"), encoding="utf-8")
        return done

    monkeypatch.setattr(gen.fs, "replace_if_unchanged", saved_right_after)
    assert main(["build"]) == 0
    monkeypatch.setattr(gen.fs, "replace_if_unchanged", real)
    assert main(["build"]) == 0
    outcome = {s["seed"]: (s["outcome"], s["reason"]) for s in read_report(tree)["seeds"]}
    assert outcome[f"seeds/{SEED}.txt"] == ("kept", "edited by hand")


def test_temporary_files_killed_builds_left_in_the_cache_go(tree):
    """A build killed while it saved the cache leaves a temporary file: the next one removes it,
    but not one young enough to be another build's, still being written."""
    assert main(["build"]) == 0
    cache_dir = tree / "build" / "cache"
    left, writing = cache_dir / f"{gen.fs.TMP_PREFIX}1-0badc0de", cache_dir / f"{gen.fs.TMP_PREFIX}2-5eed1e55"
    for path in (left, writing):
        path.write_bytes(b"half a shard")
    long_ago = time.time() - gen.fs.STALE_TMP_SECONDS - 60
    os.utime(left, (long_ago, long_ago))
    assert main(["build"]) == 0
    assert not left.exists() and writing.exists()
