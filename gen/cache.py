"""The build cache: what earlier runs read and rendered, so a re-run redoes only what changed.

Everything is keyed by content: a seed's read is keyed by its path, the SHA-256 of its bytes, its
manifest entry and the generator's own version (a hash of gen/'s code and data), so any change
to any of them reads the seed again. A file's (mtime, size) maps to its SHA-256 the way git's index
does, so unchanged seeds need not even be opened. The cache is local (build/cache/, not in git)
and may be deleted at any time.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from gen import fs

CACHE_FILE = "gather.pickle"
FORMAT = 1


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
    """Reads, rendered pages and file stats from the last run; `used_*` collect what this run needs."""

    reads: dict[str, tuple] = field(default_factory=dict)  # read key -> (result, sketch, pickled document)
    pages: dict[tuple, str] = field(default_factory=dict)  # (read key, duplicates, related) -> page text
    stats: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # path -> (mtime_ns, size, sha256)
    used_reads: dict[str, tuple] = field(default_factory=dict)
    used_pages: dict[tuple, str] = field(default_factory=dict)
    used_stats: dict[str, tuple[int, int, str]] = field(default_factory=dict)

    def known_sha256(self, path: Path) -> str | None:
        """The SHA-256 of a file whose (mtime, size) did not change since it was last hashed."""
        mtime, size = fs.file_stat(path)
        found = self.stats.get(str(path))
        if found and found[0] == mtime and found[1] == size:
            self.used_stats[str(path)] = found
            return found[2]
        return None

    def remember_sha256(self, path: Path, sha256: str) -> None:
        """Record a file's hash with its current (mtime, size)."""
        mtime, size = fs.file_stat(path)
        self.used_stats[str(path)] = (mtime, size, sha256)


def load(cache_dir: Path | None) -> Cache:
    """The cache of the last run, or an empty one (missing, unreadable or another format)."""
    if cache_dir is None:
        return Cache()
    blob = fs.read_optional_bytes(cache_dir / CACHE_FILE)
    try:
        data = pickle.loads(blob) if blob else None
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        return Cache()
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != generator_version():
        return Cache()
    return Cache(reads=data["reads"], pages=data["pages"], stats=data["stats"])


def save(cache_dir: Path | None, c: Cache) -> None:
    """Keep what this run used (so the cache never outgrows the archive); skip when unchanged."""
    if cache_dir is None:
        return
    if c.used_reads.keys() == c.reads.keys() and c.used_pages.keys() == c.pages.keys() and c.used_stats == c.stats:
        return
    data = {"format": FORMAT, "version": generator_version(), "reads": c.used_reads, "pages": c.used_pages, "stats": c.used_stats}
    fs.write_bytes_atomic(cache_dir / CACHE_FILE, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
