"""The rendered-page store under build/pages/: every archive page's HTML by the key of its inputs,
and an index of what each page was rendered from, so a build renders again only the pages whose
inputs changed and links the rest into site/ (kept between CI runs with build/).

    build/pages/index-<shell>.pickle  {page: Stored}, written whole and atomically after a build
    build/pages/html/ab/<key>.html    one file per rendered page, never changed once written

There is an index for each page shell (the template, theme and site settings a build renders
with; it is part of every key): `make serve` renders with the preview's address as site_url,
`make site` with the real one, and each finds its own pages after the other ran. The indexes of
the VARIANTS shells used last are kept, and the pages they name.
"""

from __future__ import annotations

import errno
import hashlib
import operator
import os
import pickle
import shutil
import sys
import time
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from gen.fs import TMP_PREFIX, drop_stale_tmps, stale_tmp, write_bytes_atomic
from gen.search.segments import HtmlPart, body_digest

FORMAT = 3
LEGACY = "index.pickle"  # the one index of earlier releases: removed by the first save
VARIANTS = 2  # shells whose index and pages are kept: a site build's and its preview's
_LOADED: dict[str, Any] = {}  # the index last read or written by this process, with its file's stamp


@dataclass(frozen=True, slots=True)
class Stored:
    """What a page was last rendered from and what the build needs of it without rendering again."""

    key: str
    title: str
    fields: dict[str, Any]
    content: tuple[int, int]  # where the body's HTML sits in the page's file (byte offsets)
    links: tuple[tuple[str, bool], ...]
    problems: tuple[str, ...]
    files: tuple[tuple[str, bool], ...] = ()  # files whose presence the page shows (its seed: the 原件 link)
    body: str = ""  # the body's digest (search's body_digest of the bytes at `content`): "" in records of earlier releases

    def __getstate__(self) -> tuple:
        # The values in field order. dataclasses' own version looks the fields up for every record:
        # a fifth of the time of writing 100,000 pages' records.
        return _values(self)

    def __setstate__(self, state) -> None:
        # A record pickled by an earlier release lacks the fields added since: they take their defaults.
        if len(state) < len(_NAMES):
            state = (*state, *_DEFAULTS[len(state):])
        for name, value in zip(_NAMES, state):
            object.__setattr__(self, name, value)


_NAMES = tuple(f.name for f in fields(Stored))
_values = operator.attrgetter(*_NAMES)
_DEFAULTS = tuple(f.default for f in fields(Stored))  # of the fields that have one (the others every record has)


SHARED_MAX = 40  # front-matter strings up to this many characters are shared between pages (see compact)


def compact(stored: Stored) -> Stored:
    """The record as the build holds it for every page at once: front-matter names, values that
    repeat from page to page (district, source, basis, reader, tags) and the pages and seeds it
    links, one string for all pages (interned); the title one string with the front matter's.
    At 100,000 pages this is about 120 MB less; the values are equal, so nothing that reads them
    changes."""
    fields = {sys.intern(k): _shared(v) for k, v in stored.fields.items()}
    title = fields.get("title")
    return replace(stored, fields=fields, title=title if title == stored.title else stored.title,
                   links=tuple((sys.intern(page), found) for page, found in stored.links),
                   files=tuple((sys.intern(path), found) for path, found in stored.files))


def _shared(value: Any) -> Any:
    if isinstance(value, str):
        return sys.intern(value) if len(value) <= SHARED_MAX else value
    if isinstance(value, list):
        return [_shared(v) for v in value]
    return value


def key_of(*parts: str) -> str:
    """The key of a page's inputs (its text, the shell, its tag links …)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()[:32]


class Store:
    """The rendered pages of one project (build/pages/), with the index of one shell."""

    def __init__(self, root: Path, variant: str = ""):
        self.root = root
        self.html_dir = root / "html"
        self._html = str(self.html_dir)  # paths of 100,000 pages are made as strings (Path: 3 µs each)
        self.index_path = root / f"index-{variant or 'default'}.pickle"

    def load(self) -> dict[str, Stored]:
        """The index of the last build (empty when missing, unreadable or of another format).
        Kept in memory between the builds of one process (`mkdocs serve`) while the file is unchanged."""
        try:
            st = self.index_path.stat()
        except OSError:
            return {}
        stamp = (str(self.index_path), st.st_mtime_ns, st.st_size)
        if _LOADED.get("stamp") == stamp:
            return dict(_LOADED["pages"])
        pages = _read(self.index_path)
        _LOADED.update(stamp=stamp, pages=pages)
        return dict(pages)

    def save(self, pages: dict[str, Stored]) -> None:
        """Write the index; forget the indexes of all but the VARIANTS shells used last (their
        pages go at the next full prune)."""
        write_bytes_atomic(self.index_path, pickle.dumps({"format": FORMAT, "pages": pages}, protocol=pickle.HIGHEST_PROTOCOL))
        try:
            st = self.index_path.stat()
            _LOADED.update(stamp=(str(self.index_path), st.st_mtime_ns, st.st_size), pages=dict(pages))
        except OSError:
            _LOADED.clear()
        for old in [*self._indexes()[VARIANTS:], self.root / LEGACY]:
            old.unlink(missing_ok=True)

    def _indexes(self) -> list[Path]:
        """The index files, the one written last first."""
        found = []
        for path in self.root.glob("index-*.pickle"):
            try:
                found.append((path.stat().st_mtime_ns, path))
            except OSError:
                pass
        return [path for _, path in sorted(found, reverse=True)]

    def path(self, key: str) -> Path:
        return Path(self.file(key))

    def file(self, key: str) -> str:
        """The path of a rendered page's file."""
        return f"{self._html}{os.sep}{key[:2]}{os.sep}{key}.html"

    def has(self, key: str) -> bool:
        return os.path.isfile(self.file(key))

    def put(self, key: str, data: bytes) -> None:
        """Keep a rendered page (atomically: a killed build leaves no half file under its key)."""
        write_bytes_atomic(self.path(key), data)

    def content(self, stored: Stored) -> str:
        """The body's HTML of a stored page."""
        return self.part(stored).read()

    def part(self, stored: Stored) -> HtmlPart:
        """Where the body's HTML of a stored page is (search's child processes read it there)."""
        return HtmlPart(self.file(stored.key), *stored.content, stored.body)

    def with_body(self, stored: Stored) -> Stored:
        """The record with its body's digest (a record of an earlier release has none)."""
        return stored if stored.body else replace(stored, body=body_digest(self.part(stored).read_bytes()))

    def drop(self, keys) -> int:
        """Remove the rendered pages of these keys (pages this shell's index no longer names: a
        key holds its shell, so no other index names them); how many went."""
        gone = 0
        for key in keys:
            try:
                os.unlink(self.file(key))
                gone += 1
            except OSError:
                pass
        return gone

    def prune(self, keep: set[str]) -> int:
        """Remove the rendered pages that neither `keep` nor another kept index names (and what
        stopped builds left); how many went."""
        gone = 0
        if not self.html_dir.is_dir():
            return 0
        keep = set(keep)
        for index in self._indexes():
            if index != self.index_path:
                keep.update(s.key for s in _read(index).values())
        now = time.time()
        for folder in os.scandir(self.html_dir):
            if not folder.is_dir():
                continue
            for entry in os.scandir(folder.path):
                name = entry.name
                try:
                    if ((name.endswith(".html") and name[:-5] not in keep)
                            or (name.startswith(TMP_PREFIX) and stale_tmp(name, entry.stat().st_mtime, now))):  # stat only these
                        os.unlink(entry.path)
                        gone += 1
                except OSError:
                    pass
        drop_stale_tmps(self.root)
        return gone


def _read(path: Path) -> dict[str, Stored]:
    try:
        data = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return {}
    pages = data.get("pages")
    return pages if isinstance(pages, dict) else {}


def place(source: str | Path, dest: str | Path) -> None:
    """Put a stored page at its place in the site: a hard link where the file system allows
    (100,000 pages are placed in a few seconds), else a copy. A file already there is replaced,
    unless it is that very file (a kept site/: the page has not changed)."""
    try:
        os.link(source, dest)
        return
    except FileNotFoundError:
        if not os.path.isfile(source):
            raise
        os.makedirs(os.path.dirname(dest), exist_ok=True)  # a page's folder is made when its page is placed
    except FileExistsError:
        try:
            if os.path.samefile(source, dest):
                return
        except OSError:
            pass
        if os.path.isdir(dest) and not os.path.islink(dest):
            shutil.rmtree(dest)
        else:
            os.unlink(dest)
    except OSError as exc:
        if exc.errno not in _NO_LINK:
            raise
        shutil.copyfile(source, dest)
        return
    try:
        os.link(source, dest)
    except OSError as exc:
        if exc.errno not in _NO_LINK:
            raise
        shutil.copyfile(source, dest)


_NO_LINK = (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EACCES)
