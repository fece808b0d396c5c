"""The build cache: what earlier runs read and rendered, so a re-run redoes only what changed.

Everything is keyed by content: a seed's read is keyed by its path, the SHA-256 of its bytes, its
manifest entry and the generator's own version (a hash of gen/'s code and data), so any change
to any of them reads the seed again. A file's (mtime, size) maps to its SHA-256 the way git's index
does, so unchanged seeds need not even be opened. As in git, the stamp kept is the one taken
before the file was read (or that of the very file the build wrote), so a save that lands while
a build runs is read by the next one, and a file changed within fs.RACY_NS of the save is not
known by its stamp at all (a second save within one clock tick may keep it). The cache is local
(build/cache/, not in git) and may be deleted at any time. Its files: the per-seed tables in
SHARDS shard files and the near-duplicate result; a run writes only the files whose content
changed.

A memo at one boundary: load() gives the last run's tables, read only; the steps of a run look
things up in them and return what they used (gather.Gathered.used, the page Stats of
build.apply), and save() keeps exactly that, as the next run's cache.
"""

from __future__ import annotations

import hashlib
import pickle
import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from gen import fs

NEAR_FILE = "near.pickle"  # near-identical documents
FORMAT = 10


@cache
def generator_version() -> str:
    """A hash of every source and data file of the generator: any change invalidates the cache."""
    return fs.tree_digest(Path(__file__).resolve().parent, (".py", ".csv"))


def read_key(shown: str, sha256: str, entry: object) -> str:
    """The cache key of one seed's read."""
    return hashlib.sha256(f"{generator_version()}\0{shown}\0{sha256}\0{entry!r}".encode()).hexdigest()


Stat = tuple[int, int, str]  # (mtime_ns, size, sha256) of a file when it was last hashed


@dataclass(frozen=True)
class Cache:
    """What the last run read and rendered, as loaded: read only. A run hands what it used to
    save() as a `Used` record, which becomes the next run's cache."""

    folder: Path | None = None
    reads: Mapping[str, tuple] = field(default_factory=dict)  # read key -> (result, sketch, None)
    pages: Mapping[tuple, str] = field(default_factory=dict)  # (read key, page, duplicates, related) -> page text's SHA-256
    stats: Mapping[str, Stat] = field(default_factory=dict)  # seed path -> its Stat
    page_stats: Mapping[str, Stat] = field(default_factory=dict)  # page file -> its Stat
    # Near-identical documents: the reads compared last time (page -> read key) and the result.
    near: tuple[dict, dict] = field(default_factory=lambda: ({}, {}))
    # The per-seed tables as loaded, shard by shard (see SHARDED).
    shards: tuple[dict[str, dict], ...] = ()

    def known_stat(self, path: str) -> Stat | None:
        """The remembered Stat of a seed whose (mtime, size) did not change since it was hashed."""
        return _unchanged(self.stats.get(path), path)

    def page_unchanged(self, path: str, sha256: str) -> Stat | None:
        """The remembered Stat of a page file that still holds the text with this hash (same
        (mtime, size) as when that was last checked), so it need not be read; else None."""
        found = self.page_stats.get(path)
        return _unchanged(found, path) if found and found[2] == sha256 else None


def _unchanged(found: Stat | None, path: str) -> Stat | None:
    try:
        return found if found and (found[0], found[1]) == fs.file_stat(path) else None
    except OSError:
        return None


@dataclass(frozen=True)
class Used:
    """What a run used and made: exactly what the next run's cache holds, so the cache never
    outgrows the archive."""

    reads: Mapping[str, tuple] = field(default_factory=dict)
    pages: Mapping[tuple, str] = field(default_factory=dict)
    stats: Mapping[str, Stat] = field(default_factory=dict)
    page_stats: Mapping[str, Stat] = field(default_factory=dict)
    near: tuple[dict, dict] = field(default_factory=lambda: ({}, {}))


SHARDS = 16
# The per-seed tables, each split into SHARDS files by a stable hash of the key, so a run that
# changed a few seeds rewrites only the files holding them.
SHARDED = ("reads", "pages", "stats", "page_stats")


def _trusted(stats: Mapping[str, Stat], now_ns: int) -> dict[str, Stat]:
    """The Stats of files not changed too shortly before now_ns (see fs.RACY_NS)."""
    return {path: s for path, s in stats.items() if fs.trusted_stamp(s[0], now_ns)}


def _shard_of(table: str, key: object) -> int:
    """The shard of a key: read keys (and page keys, which start with one) are hex digests."""
    if table == "reads":
        return int(key[0], 16)  # type: ignore[index]
    if table == "pages":
        return int(key[0][0], 16)  # type: ignore[index]
    return zlib.crc32(key.encode()) % SHARDS  # type: ignore[attr-defined]


def _shard_file(n: int) -> str:
    return f"shard-{n:02d}.pickle"


def _unpickle(blob: bytes | None) -> dict | None:
    """A cache file's data, or None when missing, unreadable, or of another format or generator."""
    try:
        data = pickle.loads(blob) if blob else None
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != generator_version():
        return None
    return data


def _pickle(**data: object) -> bytes:
    return pickle.dumps({"format": FORMAT, "version": generator_version(), **data}, protocol=pickle.HIGHEST_PROTOCOL)


def load(cache_dir: Path | None) -> Cache:
    """The cache of the last run, or an empty one (missing, unreadable or another format)."""
    if cache_dir is None:
        return Cache()
    near = _unpickle(fs.read_optional_bytes(cache_dir / NEAR_FILE))
    if near is None:
        return Cache(folder=cache_dir)
    tables: dict[str, dict] = {table: {} for table in SHARDED}
    shards = []
    for n in range(SHARDS):
        shard = _unpickle(fs.read_optional_bytes(cache_dir / _shard_file(n))) or {table: {} for table in SHARDED}
        shards.append(shard)
        for table in SHARDED:
            tables[table].update(shard[table])
    return Cache(folder=cache_dir, **tables, near=near["near"], shards=tuple(shards))


def save(c: Cache, used: Used) -> None:
    """Keep what this run used; only the files whose content changed are written. A file changed
    too shortly before now is not known by its Stat next time (fs.RACY_NS): it is hashed again."""
    if c.folder is None:
        return
    now = time.time_ns()
    used = replace(used, stats=_trusted(used.stats, now), page_stats=_trusted(used.page_stats, now))
    # The loaded shards are the cache's own: copied, as a run that fails after this leaves it read.
    shards = [{t: dict(shard[t]) for t in SHARDED} for shard in c.shards] or [{t: {} for t in SHARDED} for _ in range(SHARDS)]
    dirty = {n for n in range(SHARDS) if not (c.folder / _shard_file(n)).exists()}
    for table in SHARDED:
        old, new = getattr(c, table), getattr(used, table)
        # Reads and pages are keyed by their content: the same key holds the same value.
        if table in ("reads", "pages"):
            added = new.keys() - old.keys()
        else:  # mostly the very tuples loaded
            added = {k for k, v in new.items() if old.get(k) is not v and old.get(k) != v}
        for key in old.keys() - new.keys():
            n = _shard_of(table, key)
            del shards[n][table][key]
            dirty.add(n)
        for key in added:
            n = _shard_of(table, key)
            shards[n][table][key] = new[key]
            dirty.add(n)
    for n in sorted(dirty):
        fs.write_bytes_atomic(c.folder / _shard_file(n), _pickle(**shards[n]))
    if used.near != c.near or not (c.folder / NEAR_FILE).exists():
        fs.write_bytes_atomic(c.folder / NEAR_FILE, _pickle(near=used.near))
    fs.drop_stale_tmps(c.folder)  # what killed builds left (of any writer of build/cache/)
