"""The build cache: what earlier runs read and rendered, so a re-run redoes only what changed.

Everything is keyed by content: a seed's read is keyed by its path, the SHA-256 of its bytes, its
manifest entry and the generator's own version (a hash of gen/'s code and data), so any change
to any of them reads the seed again. A file's (mtime, size) maps to its SHA-256 the way git's index
does, so unchanged seeds need not even be opened. The cache is local (build/cache/, not in git)
and may be deleted at any time. Its files: the per-seed tables in SHARDS shard files and the
near-duplicate result; a run writes only the files whose content changed.
"""

from __future__ import annotations

import hashlib
import pickle
import zlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from gen import fs

NEAR_FILE = "near.pickle"  # near-identical documents
FORMAT = 10


@cache
def generator_version() -> str:
    """A hash of every source and data file of the generator: any change invalidates the cache."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".csv")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read_key(shown: str, sha256: str, entry: object) -> str:
    """The cache key of one seed's read."""
    return hashlib.sha256(f"{generator_version()}\0{shown}\0{sha256}\0{entry!r}".encode()).hexdigest()


@dataclass
class Cache:
    """What the last run read and rendered; `used_*` collect what this run needs (and is saved)."""

    folder: Path | None = None
    reads: dict[str, tuple] = field(default_factory=dict)  # read key -> (result, sketch)
    pages: dict[tuple, str] = field(default_factory=dict)  # (read key, page, duplicates, related) -> page text's SHA-256
    stats: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # seed path -> (mtime_ns, size, sha256)
    page_stats: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # page file -> (mtime_ns, size, sha256)
    used_reads: dict[str, tuple] = field(default_factory=dict)
    used_pages: dict[tuple, str] = field(default_factory=dict)
    used_stats: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    used_page_stats: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    checked: set[str] = field(default_factory=set)  # page files found unchanged by their stats this run
    # Near-identical documents: the reads compared last time (page -> read key) and the result.
    near: tuple[dict, dict] = field(default_factory=lambda: ({}, {}))
    used_near: tuple[dict, dict] = field(default_factory=lambda: ({}, {}))
    # The per-seed tables as loaded, shard by shard (see SHARDED).
    shards: list[dict[str, dict]] = field(default_factory=list)

    def known_sha256(self, path: str) -> str | None:
        """The SHA-256 of a file whose (mtime, size) did not change since it was last hashed."""
        found = self.stats.get(path)
        try:
            if found and (found[0], found[1]) == fs.file_stat(path):
                self.used_stats[path] = found
                return found[2]
        except OSError:
            pass
        return None

    def remember_sha256(self, path: str, sha256: str) -> None:
        """Record a file's hash with its current (mtime, size)."""
        known = self.used_stats.get(path)
        if known and known[2] == sha256:
            return  # found unchanged by known_sha256 this run
        mtime, size = fs.file_stat(path)
        self.used_stats[path] = (mtime, size, sha256)

    def page_unchanged(self, path: str, sha256: str) -> bool:
        """True when a page file still holds the text with this hash (same (mtime, size) as when
        that was last checked), so it need not be read."""
        found = self.page_stats.get(path)
        if not found or found[2] != sha256:
            return False
        try:
            same = (found[0], found[1]) == fs.file_stat(path)
        except OSError:
            return False
        if same:
            self.checked.add(path)
        return same

    def remember_page(self, path: str, sha256: str) -> None:
        """Record that a page file now holds the text with this hash."""
        found = self.page_stats.get(path)
        if found and found[2] == sha256 and path in self.checked:
            self.used_page_stats[path] = found
            return
        mtime, size = fs.file_stat(path)
        self.used_page_stats[path] = (mtime, size, sha256)


SHARDS = 16
# The per-seed tables, each split into SHARDS files by a stable hash of the key, so a run that
# changed a few seeds rewrites only the files holding them.
SHARDED = ("reads", "pages", "stats", "page_stats")


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
    return Cache(folder=cache_dir, **tables, near=near["near"], shards=shards)


def save(c: Cache) -> None:
    """Keep what this run used (so the cache never outgrows the archive); only the files whose
    content changed are written."""
    if c.folder is None:
        return
    shards = c.shards or [{table: {} for table in SHARDED} for _ in range(SHARDS)]
    dirty = {n for n in range(SHARDS) if not (c.folder / _shard_file(n)).exists()}
    for table, old, used in (("reads", c.reads, c.used_reads), ("pages", c.pages, c.used_pages),
                             ("stats", c.stats, c.used_stats), ("page_stats", c.page_stats, c.used_page_stats)):
        # Reads and pages are keyed by their content: the same key holds the same value.
        if table in ("reads", "pages"):
            added = used.keys() - old.keys()
        else:  # mostly the very tuples loaded
            added = {k for k, v in used.items() if old.get(k) is not v and old.get(k) != v}
        for key in old.keys() - used.keys():
            n = _shard_of(table, key)
            del shards[n][table][key]
            dirty.add(n)
        for key in added:
            n = _shard_of(table, key)
            shards[n][table][key] = used[key]
            dirty.add(n)
    for n in sorted(dirty):
        fs.write_bytes_atomic(c.folder / _shard_file(n), _pickle(**shards[n]))
    if c.used_near != c.near or not (c.folder / NEAR_FILE).exists():
        fs.write_bytes_atomic(c.folder / NEAR_FILE, _pickle(near=c.used_near))
