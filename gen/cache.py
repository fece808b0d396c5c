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
FORMAT = 4


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
    new_documents: dict[str, bytes] = field(default_factory=dict)  # read key -> pickled document, read this run
    checked: set[str] = field(default_factory=set)  # page files found unchanged by their stats this run
    # Near-identical documents: the sketches compared last time (page -> sketch) and the result.
    near: tuple[dict, dict] = field(default_factory=lambda: ({}, {}))
    used_near: tuple[dict, dict] = field(default_factory=lambda: ({}, {}))

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
        known = self.used_stats.get(str(path))
        if known and known[2] == sha256:
            return  # found unchanged by known_sha256 this run
        mtime, size = fs.file_stat(path)
        self.used_stats[str(path)] = (mtime, size, sha256)

    def page_unchanged(self, path: Path, sha256: str) -> bool:
        """True when a page file still holds the text with this hash (same (mtime, size) as when
        that was last checked), so it need not be read."""
        found = self.page_stats.get(str(path))
        if not found or found[2] != sha256:
            return False
        try:
            same = (found[0], found[1]) == fs.file_stat(path)
        except OSError:
            return False
        if same:
            self.checked.add(str(path))
        return same

    def remember_page(self, path: Path, sha256: str) -> None:
        """Record that a page file now holds the text with this hash."""
        found = self.page_stats.get(str(path))
        if found and found[2] == sha256 and str(path) in self.checked:
            self.used_page_stats[str(path)] = found
            return
        mtime, size = fs.file_stat(path)
        self.used_page_stats[str(path)] = (mtime, size, sha256)

    def document(self, key: str) -> bytes:
        """The pickled document of a read: read this run, or kept by an earlier one."""
        if key in self.new_documents:
            return self.new_documents[key]
        blob = fs.read_optional_bytes(self._document_path(key)) if self.folder else None
        if blob is None:
            raise KeyError(key)
        return blob

    def _document_path(self, key: str) -> Path:
        return self.folder / DOCUMENTS / key[:2] / f"{key}.pickle"  # type: ignore[operator]


DOCUMENTS = "documents"  # one pickled document per read key, loaded only to render again


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
                 page_stats=data["page_stats"], near=data["near"])


def save(c: Cache) -> None:
    """Keep what this run used (so the cache never outgrows the archive); skip when unchanged."""
    if c.folder is None:
        return
    for key, blob in c.new_documents.items():
        fs.write_bytes_atomic(c._document_path(key), blob)
    for key in c.reads.keys() - c.used_reads.keys():
        fs.remove(c._document_path(key), c.folder)
    same = (c.used_reads.keys() == c.reads.keys() and c.used_pages.keys() == c.pages.keys()
            and c.used_stats == c.stats and c.used_page_stats == c.page_stats and c.used_near == c.near)
    if same:
        return
    data = {"format": FORMAT, "version": generator_version(), "reads": c.used_reads, "pages": c.used_pages,
            "stats": c.used_stats, "page_stats": c.used_page_stats, "near": c.used_near}
    fs.write_bytes_atomic(c.folder / CACHE_FILE, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
