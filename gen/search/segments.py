"""Index segments kept between builds: the page stream cut where the pages themselves say, each run
of pages indexed once and kept under build/cache/search-segments/.

Re-publishing an archive after one corrected seed would otherwise index every page again (at 10,000
documents 7.7 s of the indexers' 13 s CPU went to IndexBuilder.add_page). A segment ends after a
page whose URL hash is 0 modulo `every` (and at the end of the stream), so adding or removing a page
changes only the segment it is in; the others keep their pages and so their digests. A segment's
digest covers the search code that decides the index, the fold table and every page's URL, title,
HTML (its digest: the rendered-page store keeps it, so the pages of a kept segment are not even
read) and facets: a kept builder is used only for the very pages it was made from, and joined with
IndexBuilder.absorb, which gives the index byte for byte as if the pages had been added one by one.

Joining is per key per segment, and most keys recur in every segment: at 100,000 documents joining
180 kept segments was 25 s of the indexers' time in a re-publish. So consecutive segments are
joined in groups (a group ends after a page whose URL hash is 0 modulo `every` · GROUP, so it ends
a segment too), and a group's joined builder is kept as well, named by its segments' digests: a
re-publish joins the segments of the group that changed, then the groups (at 100,000 documents
after one changed seed the indexers took 23 s instead of 44). A first build, which finds no
segment kept, joins its segments one by one as they end and keeps no group (see Segmenter); the
next build keeps them.

    <folder>/<digest>.pickle    zlib(pickle(IndexBuilder)) of one segment's pages, or of a group's

The files are disposable: one that is missing, damaged or unreadable is indexed and written again,
and a file that cannot be written is skipped; neither fails a build.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
import time
import unicodedata
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from gen.fs import stale_tmp, tree_digest, write_bytes_atomic
from gen.search.extract import extract_sections
from gen.search.facets import Facets
from gen.search.index import IndexBuilder

# Bumped when a segment file's layout or meaning changes (the digest then names other files).
FORMAT = 2
# Pages per segment on average. Measured on the 10,000 documents of bench/scale.py (one process):
# indexing every page 11.1 s; loading and joining every kept segment 3.2 s at 250, 2.3 s at 500,
# 2.1 s at 1,000 (the join is per key per segment, and most keys recur in every segment), while a
# changed page costs indexing its segment again: ~1,000 pages at 500 (a page is more likely to be
# in a long segment), ~1 s. Files: 24 MB for the 9,974 indexed pages (zlib, below).
SEGMENT = 500
# Segments per group on average. A group's keys are far fewer than the sum of its segments'
# (most keys recur), so joining ~22 groups is much less work than joining 180 segments; a changed
# group joins its segments again, and holds its pages (a few MB of HTML) until it ends.
GROUP = 8
SUFFIX = ".pickle"
# Level 1: 63.5 MB of pickles → 26 MB, 0.25 s to inflate them all; level 6 saves 2 MB more for 3x the time.
ZLIB_LEVEL = 1
# A group's file is stored (level 0: not compressed, still checked by zlib's checksum). A
# re-publish reads every kept group and writes the changed one, and a group compresses less
# (its pages' store entries are compressed already): at 100,000 documents level 1 made the largest
# 63 MB → 43 MB for 1.54 s of compressing and 0.38 s of inflating it each time it is read;
# stored, 0.12 s and 0.11 s. (Segments stored too doubled the folder: 545 MB → 1.1 GB.)
GROUP_ZLIB_LEVEL = 0


class SearchBuildError(RuntimeError):
    """The index could not be built (a page's HTML could not be read, or a child failed)."""


def body_digest(data: bytes) -> str:
    """The digest a page's HTML (UTF-8) is known by in a segment's name."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class HtmlPart:
    """A page's HTML kept in a file: bytes start to end of it (UTF-8), read where it is indexed;
    `digest`, when known, is body_digest of those bytes (a segment kept before is then found
    without reading its pages)."""

    path: str
    start: int
    end: int
    digest: str = ""

    def read_bytes(self) -> bytes:
        try:
            with open(self.path, "rb") as f:
                f.seek(self.start)
                data = f.read(self.end - self.start)
            if len(data) != self.end - self.start:
                raise OSError(f"{len(data)} bytes where {self.end - self.start} were expected")
            return data
        except OSError as exc:
            raise self._unreadable(exc) from exc

    def read(self) -> str:
        try:
            return self.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise self._unreadable(exc) from exc

    def _unreadable(self, exc: Exception) -> SearchBuildError:
        return SearchBuildError(f"{self.path}: the page's HTML could not be read for the search index ({exc}); "
                                f"another build may have removed it meanwhile: build again")


Html = str | HtmlPart


@dataclass(frozen=True, slots=True)
class Page:
    """One page as the index takes it: its HTML as text, or where it is kept (read only when the
    page's segment is indexed)."""

    url: str
    title: str
    html: Html
    facets: Facets = Facets()

    def text(self) -> str:
        return self.html.read() if isinstance(self.html, HtmlPart) else self.html

    def digest(self) -> str:
        """body_digest of the page's HTML."""
        if isinstance(self.html, HtmlPart):
            return self.html.digest or body_digest(self.html.read_bytes())
        return body_digest(self.html.encode("utf-8", "surrogatepass"))


@dataclass(frozen=True)
class Report:
    """The segments a stream was cut into (their digests, in order) and how many came from the folder."""

    used: tuple[str, ...] = ()
    reused: int = 0
    groups: tuple[str, ...] = ()  # the joined groups used or kept beside the segments (their digests)
    # The builders given, in order, up to the first segment given on its own: their file's digest
    # and pages (what the next build may read ahead; not part of what a report says about the
    # segments, so not compared).
    given: tuple[tuple[str, int], ...] = field(default=(), compare=False)
    salt: str = field(default="", compare=False)  # what the digests were made with (salt_of), in hex

    @property
    def files(self) -> set[str]:
        """Every segment and group file the stream used (what a sweep keeps)."""
        return {*self.used, *self.groups}

    @property
    def indexed(self) -> int:
        return len(self.used) - self.reused

    def joined(self, other: Report) -> Report:
        """Both streams' segments (SplitSink's two halves); what each was given stays with its own
        report (Finished.ahead), as each process reads ahead its own."""
        return Report(self.used + other.used, self.reused + other.reused, self.groups + other.groups)

    def to_json(self) -> dict:
        """Plain values, for a child indexer's answer on its pipe."""
        return {"used": list(self.used), "reused": self.reused, "groups": list(self.groups), "given": [list(g) for g in self.given],
                "salt": self.salt}

    @classmethod
    def from_json(cls, value: dict) -> Report:
        return cls(tuple(value["used"]), int(value["reused"]), tuple(value.get("groups", ())),
                   tuple((str(d), int(n)) for d, n in value.get("given", ())), str(value.get("salt", "")))


@dataclass(frozen=True)
class Known:
    """Given by a Segmenter in place of a kept builder its sink holds already (read ahead, see
    LocalSink.read_ahead): the builder's file digest and pages."""

    digest: str
    pages: int


def _mark(url: str) -> int:
    """A page's URL hash, which decides where segments and groups end (the same in every process)."""
    h = hashlib.blake2b(url.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(h, "big")


def ends_segment(url: str, every: int = SEGMENT) -> bool:
    """Whether a segment ends after the page at this URL."""
    return _mark(url) % every == 0


@lru_cache(maxsize=1)
def code_digest() -> bytes:
    """Digest of the search code (gen/search/), which decides what a builder holds for given pages."""
    return tree_digest(Path(__file__).resolve().parent, (".py",)).encode()


def salt_of(fold: dict[int, str]) -> bytes:
    """What every segment digest starts from: the format, the code, the fold table and the Unicode
    data that normalisation follows."""
    h = hashlib.blake2b(digest_size=16)
    _put(h, f"gen-search-segment {FORMAT} {sys.version_info[0]}.{sys.version_info[1]} {unicodedata.unidata_version}".encode())
    _put(h, code_digest())
    _put(h, json.dumps(sorted(fold.items()), ensure_ascii=False).encode("utf-8"))
    return h.digest()


def segment_digest(salt: bytes, pages: Iterable[Page]) -> str:
    """The name of a segment: its salt and each page's URL, title, HTML (its digest) and facets, in order."""
    h = hashlib.blake2b(salt, digest_size=16)
    for page in pages:
        for part in (page.url, page.title, page.digest(), json.dumps(page.facets.to_json(), ensure_ascii=False, sort_keys=True)):
            _put(h, part.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def group_digest(salt: bytes, segments: list[str]) -> str:
    """The name of a group's joined builder: its segments' digests, in order (one segment's is its own)."""
    if len(segments) == 1:
        return segments[0]
    h = hashlib.blake2b(salt, digest_size=16)
    _put(h, b"group")
    for digest in segments:
        _put(h, digest.encode())
    return h.hexdigest()


def _put(h, data: bytes) -> None:
    # Length-prefixed, so that no two different page lists feed the hash the same bytes.
    h.update(len(data).to_bytes(8, "big"))
    h.update(data)


def index_pages(pages: Iterable[Page], fold: dict[int, str]) -> IndexBuilder:
    """A fresh builder holding these pages."""
    builder = IndexBuilder(fold)
    for page in pages:
        builder.add_page(page.url, page.title, extract_sections(page.text(), page.title), page.facets)
    return builder


def encode_segment(builder: IndexBuilder, level: int = ZLIB_LEVEL) -> bytes:
    """A segment file's bytes (a group's: level GROUP_ZLIB_LEVEL)."""
    return zlib.compress(pickle.dumps(builder, protocol=pickle.HIGHEST_PROTOCOL), level)


def decode_segment(data: bytes, pages: int) -> IndexBuilder | None:
    """The builder in a segment file's bytes, or None when they are damaged or not a builder of
    that many pages (zlib's checksum catches a truncated or altered file)."""
    try:
        builder = pickle.loads(zlib.decompress(data))
    except Exception:  # any damage, or a layout this code cannot read: the segment is indexed again
        return None
    if not isinstance(builder, IndexBuilder) or builder.stats.pages != pages:
        return None
    return builder


def load_segment(folder: Path, digest: str, pages: int) -> IndexBuilder | None:
    """The kept builder of a segment, or None when there is none that can be used."""
    try:
        data = (folder / f"{digest}{SUFFIX}").read_bytes()
    except OSError:  # missing (the usual case), or removed by another build's sweep meanwhile
        return None
    return decode_segment(data, pages)


def save_segment(folder: Path, digest: str, builder: IndexBuilder, level: int = ZLIB_LEVEL) -> bool:
    """Keep a segment's builder (atomically); False when it could not be written."""
    try:
        write_bytes_atomic(folder / f"{digest}{SUFFIX}", encode_segment(builder, level))
    except OSError:  # a full or read-only disk: the next build indexes this segment again
        return False
    return True


class Segmenter:
    """Cuts a stream of pages into segments and the segments into groups. `add` and `close` give
    the builders to join, in stream order, as soon as they are known:

    - a group whose first segment is new (a first build, or pages changed there) cannot have a
      kept file: each of its segments is given when it ends, from the folder or indexed and
      kept there, and the group is not joined on its own (that would cost a first build half as
      much joining again, for a file that pays only later);
    - any other group waits for its end: its kept file when all its segments were kept, else
      its segments joined (a new one indexed when it ends, beside the rendering, and read back)
      and the join kept for the next build.

    Nothing but the pages of a waiting group is held between pages. `known(digest)`: whether the
    sink holds a kept builder already (then Known stands in for it, and its file is not read)."""

    def __init__(self, folder: Path, fold: dict[int, str], every: int = SEGMENT, group: int = GROUP,
                 known: Callable[[str], bool] | None = None):
        self.folder, self.fold, self.every, self.group, self.known = folder, fold, every, group, known
        # The builders given, while the next build would give the same ones if no page changed:
        # not after a segment given on its own (the next build joins its group first).
        self.given: list[tuple[str, int]] = []
        self.planned = True
        self.salt = salt_of(fold)
        self.pending: list[Page] = []
        self.members: list[tuple[str, list[Page], bool]] = []  # a waiting group's segments: digest, pages, kept before
        self.direct = False  # the group under way gives its segments as they end
        self.used: list[str] = []
        self.groups: list[str] = []
        self.reused = 0

    def add(self, page: Page) -> list[IndexBuilder | Known]:
        """Take a page; the builders it completes."""
        self.pending.append(page)
        mark = _mark(page.url)
        if mark % self.every:
            return []
        done = self._end_segment()
        return done + self._end_group() if mark % (self.every * self.group) == 0 else done

    def close(self) -> list[IndexBuilder | Known]:
        """End the segment and the group under way (at the end of the stream); the builders left."""
        return self._end_segment() + self._end_group()

    def _end_segment(self) -> list[IndexBuilder | Known]:
        if not self.pending:
            return []
        pages, self.pending = self.pending, []
        digest = segment_digest(self.salt, pages)
        self.used.append(digest)
        kept = (self.folder / f"{digest}{SUFFIX}").exists()
        if not self.members and not kept:
            self.direct = True
        if self.direct:
            self.planned = False
            if kept and self.known is not None and self.known(digest):
                self.reused += 1
                return [Known(digest, len(pages))]
            return [self._segment(digest, pages, kept)]
        if not kept:
            save_segment(self.folder, digest, index_pages(pages, self.fold))
        self.members.append((digest, pages, kept))
        return []

    def _segment(self, digest: str, pages: list[Page], kept: bool) -> IndexBuilder:
        """A segment's builder: from its file, or indexed now and kept (a missing or damaged file
        is indexed again)."""
        builder = load_segment(self.folder, digest, len(pages))
        if builder is not None:
            if kept:
                self.reused += 1
            return builder
        builder = index_pages(pages, self.fold)
        save_segment(self.folder, digest, builder)
        return builder

    def _end_group(self) -> list[IndexBuilder | Known]:
        members, self.members, self.direct = self.members, [], False
        if not members:
            return []
        digest = group_digest(self.salt, [d for d, _, _ in members])
        size = sum(len(p) for _, p, _ in members)
        if self.planned:
            self.given.append((digest, size))
        if all(kept for _, _, kept in members) and self.known is not None and self.known(digest):
            if len(members) > 1:
                self.groups.append(digest)
            self.reused += len(members)
            return [Known(digest, size)]
        if len(members) > 1 and all(kept for _, _, kept in members):
            builder = load_segment(self.folder, digest, size)
            if builder is not None:
                self.groups.append(digest)
                self.reused += len(members)
                return [builder]
        builder = None
        for segment, pages, kept in members:
            part = self._segment(segment, pages, kept)
            if builder is None:
                builder = part
            else:
                builder.absorb(part)
        if len(members) > 1 and save_segment(self.folder, digest, builder, GROUP_ZLIB_LEVEL):
            self.groups.append(digest)
        return [builder]

    def report(self) -> Report:
        return Report(tuple(self.used), self.reused, tuple(self.groups), tuple(self.given), self.salt.hex())


def unused_files(names: Iterable[tuple[str, float]], keep: set[str], now: float) -> list[str]:
    """Of a folder's (file name, modification time), the segment files not in `keep` and the
    temporary files a killed build left; sorted."""
    gone = []
    for name, mtime in names:
        if name.endswith(SUFFIX) and not name.startswith(".") and name[: -len(SUFFIX)] not in keep:
            gone.append(name)
        elif stale_tmp(name, mtime, now):
            gone.append(name)
    return sorted(gone)


def sweep(folder: Path, keep: set[str]) -> int:
    """Delete the segment files a build did not use, once its index is written; how many went.
    A build still reading one (another `mkdocs build` of the project) gets a miss and indexes it."""
    names = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    if entry.is_file(follow_symlinks=False):
                        names.append((entry.name, entry.stat(follow_symlinks=False).st_mtime))
                except OSError:  # removed by another build meanwhile
                    pass
    except OSError:  # no folder: nothing was kept
        return 0
    gone = 0
    for name in unused_files(names, keep, time.time()):
        try:
            os.unlink(folder / name)
            gone += 1
        except OSError:  # removed by another build meanwhile, or not ours to remove
            pass
    return gone
