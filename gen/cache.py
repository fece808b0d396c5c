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
from gen.model import Meta
from gen.slug import slug

CACHE_FILE = "gather.pickle"
FORMAT = 6


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
    pages: dict[tuple, str] = field(default_factory=dict)  # (read key, duplicates, related) -> page text's SHA-256
    stats: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # seed path -> (mtime_ns, size, sha256)
    page_stats: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # page file -> (mtime_ns, size, sha256)
    used_reads: dict[str, tuple] = field(default_factory=dict)
    used_pages: dict[tuple, str] = field(default_factory=dict)
    used_stats: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    used_page_stats: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    checked: set[str] = field(default_factory=set)  # page files found unchanged by their stats this run
    # Near-identical documents: the sketches compared last time (page -> sketch) and the result.
    near: tuple[dict, dict] = field(default_factory=lambda: ({}, {}))
    used_near: tuple[dict, dict] = field(default_factory=lambda: ({}, {}))
    # Index pages: the index records they were rendered from, and each page's hash.
    indexes: tuple[tuple[Meta, ...], dict[str, str]] = ((), {})
    used_indexes: tuple[tuple[Meta, ...], dict[str, str]] = ((), {})
    slugs: dict[str, str] = field(default_factory=dict)  # name -> slug (pinyin is slow to load)
    used_slugs: dict[str, str] = field(default_factory=dict)

    def slug(self, name: str) -> str:
        """slug.slug(name), remembered across runs."""
        found = self.used_slugs.get(name) or self.slugs.get(name) or slug(name)
        self.used_slugs[name] = found
        return found

    def known_indexes(self, metas: tuple[Meta, ...]) -> dict[str, str] | None:
        """The hash of every index page, when they were last rendered from exactly these records."""
        old_metas, shas = self.indexes
        return shas if shas and old_metas == metas else None

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


def load(cache_dir: Path | None) -> Cache:
    """The cache of the last run, or an empty one (missing, unreadable or another format)."""
    if cache_dir is None:
        return Cache()
    blob = fs.read_optional_bytes(cache_dir / CACHE_FILE)
    try:
        data = pickle.loads(blob) if blob else None
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        return Cache(folder=cache_dir)
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != generator_version():
        return Cache(folder=cache_dir)
    return Cache(folder=cache_dir, reads=data["reads"], pages=data["pages"], stats=data["stats"],
                 page_stats=data["page_stats"], near=data["near"], indexes=data["indexes"], slugs=data["slugs"])


def save(c: Cache) -> None:
    """Keep what this run used (so the cache never outgrows the archive); skip when unchanged."""
    if c.folder is None:
        return
    fs.remove_tree(c.folder / "documents")  # kept by earlier versions; seeds are read again instead
    same = (c.used_reads.keys() == c.reads.keys() and c.used_pages.keys() == c.pages.keys()
            and c.used_stats == c.stats and c.used_page_stats == c.page_stats and c.used_near == c.near
            and c.used_indexes == c.indexes and c.used_slugs == c.slugs)
    if same:
        return
    data = {"format": FORMAT, "version": generator_version(), "reads": c.used_reads, "pages": c.used_pages,
            "stats": c.used_stats, "page_stats": c.used_page_stats, "near": c.used_near,
            "indexes": c.used_indexes, "slugs": c.used_slugs}
    fs.write_bytes_atomic(c.folder / CACHE_FILE, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
