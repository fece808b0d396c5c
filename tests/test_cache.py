"""Re-runs redo only what changed: the build cache, through the real CLI."""

from __future__ import annotations

import os
import shutil

import pytest

import gen.cache
import gen.gather
from gen.cli import main


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


def test_rerun_rewrites_only_the_cache_files_that_changed(tree):
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
