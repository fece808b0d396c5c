"""The positional index: postings accumulated page by page, then written as shards.

Files, under `search/<build>/` (the build id is a hash of the content, so every file is immutable
and can be cached for ever; `search/search_index.json` names the current build). Every file is
zlib-compressed (suffix `.z`) and inflated in the worker with the browser's DecompressionStream.

- `b/<n>.z`: bucket n holds every key whose FNV-1a hash is n modulo the bucket count, sorted. Per
  key: varint (UTF-8 length·2 + big), the key; for a big key varint df (pages), varint D length,
  varint P length, varint file number; for a small key varint D length, varint P length, D, P.
- `k/<f>.d.z`, `k/<f>.p.z`: D and P of a big key, so a one-key query fetches D alone.
- D, one row per (key, page, section) in page then section order: varint page-id gap,
  varint n·4 + 2·(heading hits > 0) + (section > 0), [varint heading hits], [varint section].
- P, the same rows' token positions: n varints each, the first absolute and then the gaps. A
  section's heading block comes first, so its heading hits are the first positions of the row.
  One-character keys have no P (they answer one-character queries, which need no positions).
- `p/<page>.z`: JSON {t: title, u: URL, s: [[anchor, heading] of sections 1…], b: intro blocks};
  `p/<page>-<section>.z`: JSON {b: that section's blocks}. Only fetched for results shown.
- `fold.z`: traditional→simplified pairs for the query side; `hot.z`: the bucket entries of the
  big keys on most pages (Limits.hot_keys; same format as a bucket); `f.z`: every page's
  district, source, date and tags (format: facets.py). The worker loads these three when it starts.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import pickle
import re
import zlib
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from gen.fs import remove_tree, write_bytes_atomic
from gen.search.encode import ONE_BYTE, bucket_of, fnv1a, put_deltas, put_varint, read_varint, varint
from gen.search.extract import Section
from gen.search.facets import Facets, FacetTable
from gen.search.fold import browser_pairs
from gen.search.text import CJK_CLASS, EDGE, TOKEN, normalise

_CJK_CHAR = re.compile(f"[{CJK_CLASS}]")

FORMAT = 4


@dataclass(frozen=True)
class Limits:
    """Shard sizes: a bucket aims at `bucket_bytes`; a key over `big_bytes` gets its own files; the
    `hot_keys` of those on most pages are in `hot`, which the worker loads when it starts."""

    bucket_bytes: int = 4096
    big_bytes: int = 1024
    # 10,000 corpus documents have 2,143 big keys (hot.z 21 KB); 100,000 have 21,250, and all of
    # them in hot.z (202 KB) would be most of what a visit's first query downloads. A big key not
    # in hot costs its bucket (4 KB before compression), which holds every big key's entry too.
    hot_keys: int = 2000


@dataclass
class Stats:
    """What was indexed and written, for the build log and the benchmark."""

    pages: int = 0
    sections: int = 0
    tokens: int = 0
    text_bytes: int = 0
    keys: int = 0
    big_keys: int = 0
    buckets: int = 0
    files: int = 0
    raw_bytes: int = 0  # before compression
    postings_bytes: int = 0  # compressed, as stored and transferred
    store_bytes: int = 0
    facet_bytes: int = 0  # f.z, compressed
    total_bytes: int = 0


@dataclass(frozen=True)
class Mark:
    """An IndexBuilder's state at one moment (IndexBuilder.mark): how many keys, and each key's D
    and P length, last page and page count; how many store files and pages."""

    keys: int
    d: array
    p: array
    last: array
    df: array
    store: int
    store_raw: int
    facets: int
    stats: Stats


@dataclass
class Written:
    """Every file of the index (path under `search/` → bytes), its build id and statistics."""

    build: str
    files: dict[str, bytes]
    stats: Stats
    config: dict = field(default_factory=dict)


class IndexBuilder:
    """Add pages in order; `build()` returns the shard files."""

    def __init__(self, fold: dict[int, str]):
        self.fold = fold
        # Postings in parallel lists indexed by key number: few objects for the garbage collector
        # to walk (bytearrays and ints are not tracked), which matters at 300,000 keys.
        self.ids: dict[str, int] = {}
        self.d: list[bytearray] = []
        self.p: list[bytearray] = []
        self.last: list[int] = []
        self.df: list[int] = []
        # The page store, compressed as pages arrive (while MkDocs is still rendering).
        self.store: dict[str, bytes] = {}
        self.store_raw = 0
        self.facets = FacetTable(fold)
        self.stats = Stats()

    def add_page(self, url: str, title: str, sections: list[Section], facets: Facets = Facets()) -> int:
        """Index one page's sections and facets; return its page id."""
        pid = self.stats.pages
        self.facets.add(facets)
        for sec, section in enumerate(sections):
            self._add_section(pid, sec, section)
        page = {"t": title, "u": url, "s": [[s.anchor, s.heading] for s in sections[1:]], "b": sections[0].blocks}
        self._store(f"p/{pid}", page)
        for number, section in enumerate(sections[1:], start=1):
            self._store(f"p/{pid}-{number}", {"b": section.blocks})
        self.stats.pages += 1
        self.stats.sections += len(sections)
        return pid

    def absorb(self, other: IndexBuilder) -> None:
        """Take `other`'s pages after this builder's, as if they had been added here in their order:
        the index is built the same whether the pages were indexed by one builder or by two (one
        for each half of the pages, in two processes) and then joined."""
        base = self.stats.pages
        ids, ds, ps, last, df = self.ids, self.d, self.p, self.last, self.df
        get, new_key = ids.get, self._new_key
        # The hot loop of a re-publish (every key of every kept group): their keys in number order
        # (see _new_key), one-byte varints written and read inline.
        for key, theirs, their_p, their_last, their_df in zip(other.ids, other.d, other.p, other.last, other.df):
            k = get(key)
            if k is None:
                k = new_key(key)
            first = theirs[0]  # their first row's gap: from their page 0
            if first < 0x80:
                rest = 1
            else:
                first, rest = read_varint(theirs, 0)
            mine = ds[k]
            gap = base + first - last[k]
            if gap < 0x80:
                mine.append(gap)
            else:
                put_varint(mine, gap)
            mine += memoryview(theirs)[rest:]
            ps[k] += their_p
            last[k] = base + their_last
            df[k] += their_df
        for name, raw in other.store.items():  # p/<page>.json, p/<page>-<section>.json
            page, _, rest_of_name = name[2:].partition(".")
            pid, dash, section = page.partition("-")
            self.store[f"p/{int(pid) + base}{dash}{section}.{rest_of_name}"] = raw
        self.store_raw += other.store_raw
        self.facets.pages.extend(other.facets.pages)
        for stat in ("pages", "sections", "tokens", "text_bytes"):
            setattr(self.stats, stat, getattr(self.stats, stat) + getattr(other.stats, stat))

    def mark(self) -> Mark:
        """Where this builder stands, to go back to with `rollback` (what was absorbed since is
        taken out again). 16 bytes a key (lengths, page ids and counts below 2³²)."""
        return Mark(len(self.ids), array("I", map(len, self.d)), array("I", map(len, self.p)), array("I", self.last),
                    array("I", self.df), len(self.store), self.store_raw, len(self.facets.pages), replace(self.stats))

    def rollback(self, mark: Mark) -> None:
        """Back to where `mark` was taken: the builder holds what it held then, byte for byte. Only
        pages added since (absorb, add_page) are taken out: keys, rows and store files come in
        order, so what came later is at the end of each."""
        ids, ds, ps = self.ids, self.d, self.p
        n = mark.keys
        for _ in range(len(ids) - n):
            ids.popitem()  # keys are numbered in the order they came (_new_key)
        del ds[n:], ps[n:], self.last[n:], self.df[n:]
        dlen, plen = mark.d, mark.p
        for k in range(n):
            if len(ds[k]) != dlen[k]:
                del ds[k][dlen[k]:]
            if len(ps[k]) != plen[k]:
                del ps[k][plen[k]:]
        self.last[:] = mark.last
        self.df[:] = mark.df
        store = self.store
        for _ in range(len(store) - mark.store):
            store.popitem()
        self.store_raw = mark.store_raw
        del self.facets.pages[mark.facets:]
        self.stats = replace(mark.stats)

    def _store(self, name: str, value: dict) -> None:
        # Compressed like every other file: the page store is the page text once more, about 40 %
        # of the index, and compressed it takes 0.59 of the room (the 10,000 corpus documents).
        raw = _json(value)
        self.store_raw += len(raw)
        self.store[f"{name}.z"] = zlib.compress(raw, 6)

    def _add_section(self, pid: int, sec: int, section: Section) -> None:
        occ: dict[str, list[int]] = {}  # keys with positions
        counts: Counter[str] = Counter()  # one-character keys: counted, positions not stored
        heads: Counter[str] = Counter()
        pos = 0
        head_end = 0
        fold = self.fold
        text_bytes = 0
        for number, block in enumerate([section.heading, *section.blocks]):
            text_bytes += len(block.encode("utf-8"))
            text = normalise(block, fold)
            counts.update(_CJK_CHAR.findall(text))
            if number == 0:
                heads = Counter(counts)
            prev = ""
            run_start = -1
            digits = ""  # the token before, when it is a number
            for cjk, word in TOKEN.findall(text):
                if cjk:
                    if digits:  # a number and the character after it (2020年, 3月): one key
                        occ.setdefault(digits + cjk, []).append(pos - 1)
                        digits = ""
                    key = prev + cjk if prev else EDGE + cjk
                    got = occ.get(key)
                    if got is None:
                        occ[key] = [pos - 1] if prev else [pos]
                    else:
                        got.append(pos - 1 if prev else pos)
                    if not prev:
                        run_start = pos
                    prev = cjk
                else:
                    if prev and run_start != pos - 1:
                        occ.setdefault(EDGE + prev, []).append(pos - 1)
                    got = occ.get(word)
                    if got is None:
                        occ[word] = [pos]
                    else:
                        got.append(pos)
                    prev = ""
                    digits = word if word.isdecimal() else ""
                pos += 1
            if prev and run_start != pos - 1:
                occ.setdefault(EDGE + prev, []).append(pos - 1)
            pos += 1  # the gap between blocks
            if number == 0:
                head_end = pos
        self.stats.tokens += pos
        self.stats.text_bytes += text_bytes
        self._rows(occ, pid, sec, head_end)
        self._counts(counts, heads, pid, sec)

    def _new_key(self, key: str) -> int:
        """Room for a key seen for the first time; its number: keys are numbered in the order they
        come, so `ids` lists them in number order (absorb relies on it)."""
        k = self.ids[key] = len(self.d)
        self.d.append(bytearray())
        self.p.append(bytearray())
        self.last.append(0)
        self.df.append(0)
        return k

    def _rows(self, occ: dict[str, list[int]], pid: int, sec: int, head_end: int) -> None:
        """Append one D row (and its P positions) per key of one section. The hot loop of the build."""
        ids, ds, ps, last, df = self.ids, self.d, self.p, self.last, self.df
        flag = 1 if sec else 0
        for key, positions in occ.items():
            k = ids.get(key)
            if k is None:
                k = self._new_key(key)
            d = ds[k]
            gap = pid - last[k]
            if gap or not d:
                df[k] += 1
            last[k] = pid
            if gap < 0x80:
                d.append(gap)
            else:
                put_varint(d, gap)
            n = len(positions)
            first = positions[0]
            heads = (bisect_left(positions, head_end) if n > 1 else 1) if first < head_end else 0
            head = n * 4 + (2 if heads else 0) + flag
            if head < 0x80:
                d.append(head)
            else:
                put_varint(d, head)
            if heads:
                put_varint(d, heads)
            if flag:
                put_varint(d, sec)
            if n == 1 and first < 0x80:
                ps[k].append(first)
            else:
                put_deltas(ps[k], positions)

    def _counts(self, counts: Counter[str], heads: Counter[str], pid: int, sec: int) -> None:
        """D rows of the one-character keys of one section (no positions)."""
        ids, ds, last, df = self.ids, self.d, self.last, self.df
        for key, n in counts.items():
            k = ids.get(key)
            if k is None:
                k = self._new_key(key)
            d = ds[k]
            gap = pid - last[k]
            if gap or not d:
                df[k] += 1
            last[k] = pid
            put_varint(d, gap)
            h = heads.get(key, 0)
            put_varint(d, n * 4 + (2 if h else 0) + (1 if sec else 0))
            if h:
                put_varint(d, h)
            if sec:
                put_varint(d, sec)

    def build(self, limits: Limits = Limits(), max_results: int = 10) -> Written:
        """Shard the postings and the page store into files, all held in memory (write_built
        writes them one by one instead)."""
        files = dict(self.shards(limits))
        build = build_id((name, hashlib.sha256(data).digest()) for name, data in files.items())
        return Written(build, files, self.stats, self.config(build, max_results))

    def config(self, build: str, max_results: int) -> dict:
        """What the worker is told about a build (in the stub), once its files are made."""
        return {"format": FORMAT, "build": build, "pages": self.stats.pages, "buckets": self.stats.buckets, "results": max_results}

    def shards(self, limits: Limits = Limits(), same: Callable[[str, bytes], int | None] | None = None) -> Iterator[tuple[str, bytes | None]]:
        """Every file of the index (path under the build's folder, compressed bytes), one at a time,
        so that a 100,000-page index is never held twice; the statistics are complete once the
        last file is given. `same(path, uncompressed bytes)`, when given, answers the compressed
        size of a file the caller already has (then None is given for its bytes, and nothing is
        compressed), or None."""
        stats = self.stats
        d, p = self.d, self.p
        small: list[tuple[bytes, int]] = []  # (key in UTF-8, key number)
        big: list[tuple[str, int]] = []
        small_bytes = 0
        big_bytes = limits.big_bytes
        for key, k in self.ids.items():
            size = len(d[k]) + len(p[k])
            if size > big_bytes:
                big.append((key, k))
            else:
                raw = key.encode("utf-8")
                small.append((raw, k))
                small_bytes += size + len(raw) + 6
        big.sort()  # file numbers in key order
        n_buckets = max(1, math.ceil(small_bytes / limits.bucket_bytes))
        # Each bucket: its small keys' entries in key order (UTF-8 bytes sort as the keys do), then
        # the heads of its big keys. Sorting each bucket costs less than sorting every key.
        members: list[list[tuple[bytes, int]]] = [[] for _ in range(n_buckets)]
        for entry in small:
            members[fnv1a(entry[0]) % n_buckets].append(entry)
        for bucket in members:
            bucket.sort()
        heads: list[list[bytes]] = [[] for _ in range(n_buckets)]
        # The entries of the big keys on most pages also go to `hot`, which the worker loads up
        # front: a query made of frequent words then skips the bucket round trip.
        df = self.df
        in_hot = set(sorted(range(len(big)), key=lambda fid: (-df[big[fid][1]], fid))[: limits.hot_keys])
        hot = bytearray()
        put_varint(hot, len(in_hot))
        raw_bytes = postings_bytes = files = total = 0

        def give(name: str, data: bytes) -> tuple[str, bytes | None]:
            nonlocal raw_bytes, postings_bytes, files, total
            known = same(f"{name}.z", data) if same is not None else None
            packed = zlib.compress(data, 6) if known is None else None
            size = len(packed) if packed is not None else known
            raw_bytes += len(data)
            files += 1
            total += size
            if name[0] in "bk":
                postings_bytes += size
            return f"{name}.z", packed

        for fid, (key, k) in enumerate(big):
            head = self._header(key, k, 1)
            put_varint(head, fid)
            heads[bucket_of(key, n_buckets)].append(bytes(head))
            if fid in in_hot:
                hot += head
            yield give(f"k/{fid}.d", bytes(d[k]))
            if p[k]:
                yield give(f"k/{fid}.p", bytes(p[k]))
        one = ONE_BYTE
        for b in range(n_buckets):
            # A small key's entry: varint (UTF-8 length·2), the key, varint D length, varint P length, D, P.
            chunks = [varint(len(members[b]) + len(heads[b]))]
            for raw, k in members[b]:
                dk, pk = d[k], p[k]
                n, nd, np_ = len(raw) * 2, len(dk), len(pk)
                chunks += (one[n] if n < 0x80 else varint(n), raw, one[nd] if nd < 0x80 else varint(nd),
                           one[np_] if np_ < 0x80 else varint(np_), dk, pk)
            chunks += heads[b]
            yield give(f"b/{b}", b"".join(chunks))
        present = {k for k in self.ids if len(k) == 1}
        yield give("hot", bytes(hot))
        yield give("fold", browser_pairs(self.fold, present).encode("utf-8"))
        before_facets = total
        yield give("f", self.facets.encode())
        facet_bytes = total - before_facets
        store_bytes = 0
        for name, data in self.store.items():  # compressed as the pages came
            store_bytes += len(data)
            yield name, None if same is not None and same(name, data) is not None else data
        stats.raw_bytes = raw_bytes + self.store_raw
        stats.postings_bytes = postings_bytes
        stats.store_bytes = store_bytes
        stats.facet_bytes = facet_bytes
        stats.keys = len(self.ids)
        stats.big_keys = len(big)
        stats.buckets = n_buckets
        stats.files = files + len(self.store)
        stats.total_bytes = total + store_bytes

    def _header(self, key: str, k: int, big: int) -> bytearray:
        raw = key.encode("utf-8")
        buf = bytearray()
        put_varint(buf, len(raw) * 2 + big)
        buf += raw
        if big:
            put_varint(buf, self.df[k])
        put_varint(buf, len(self.d[k]))
        put_varint(buf, len(self.p[k]))
        return buf


def build_id(digests: Iterable[tuple[str, bytes]]) -> str:
    """A build's id from its files' names and SHA-256 digests (in any order): the same files, the same id."""
    digest = hashlib.sha256()
    for name, file_digest in sorted(digests):
        digest.update(name.encode())
        digest.update(file_digest)
    return digest.hexdigest()[:12]


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# Read by Material's highlighter on the target page (`?h=` terms), split at these characters.
SEPARATOR = r"[\s\-]+"


def write_index(root: Path, written: Written) -> None:
    """Write a build made in memory (IndexBuilder.build) as write_built does."""
    _write(root, lambda same: written.files.items(), lambda build: written.config)


def write_built(root: Path, builder: IndexBuilder, limits: Limits = Limits(), max_results: int = 10,
                kept: Path | None = None, in_place: bool = False) -> Stats:
    """Shard the builder's index straight into root/<build>/, one file at a time; its statistics.
    `kept`: where the digests of the files written are kept for the next build; `in_place`: the
    last build's folder may be taken over (see _write)."""
    _write(root, lambda same: builder.shards(limits, same), lambda build: builder.config(build, max_results), kept, in_place)
    return builder.stats


MANIFEST = 3  # the layout of `kept`: the folder written, and {name: (SHA-256 uncompressed, SHA-256 as written, bytes written)}


def _write(root: Path, files_of, config_of, kept: Path | None = None, in_place: bool = False) -> None:
    """Write a build's files into a new folder, name it by their content (a folder of that name is
    that very build already), then replace the stub root/search_index.json atomically, then drop
    older builds: a reader of the site sees the old index or the new one, never a half-written or
    deleted one.

    A file equal to the same file of the last build (by the digests kept in `kept`, when that
    build's folder is still there), or to any of its files (pages renumbered), is linked from it
    instead of written, and is not even compressed: after one changed page most of the 150,000
    files of a 100,000-page index are.

    `in_place`, for a site folder nobody reads while it is built (`mkdocs build`, which has emptied
    site/ and put the kept search/ back): the last build's folder itself becomes the new one (see
    _Taken), which spares 150,000 links and removing the old folder at 100,000 pages (4-5 s). A
    build stopped meanwhile leaves folders the next one removes, and the next build writes every
    file again (`kept` names a folder that is gone).

    `files_of(same)` gives the files, asking `same` (see IndexBuilder.shards) before compressing.

    The stub is the file Material's bundle fetches and hands to the worker: Material's config
    (lang, separator, pipeline) plus ours under `archive`, and no documents.
    """
    last, before = _last_build(root, kept)
    # The last build's files by content: a document added or removed renumbers every page after
    # it, so their page-store files come again under new names (95,000 files at 100,000 pages).
    by_content = {entry[0]: name for name, entry in before.items()} if last is not None else {}
    new = root / f"{NEW_PREFIX}{os.getpid()}"
    aside = root / f"{NEW_PREFIX}{os.getpid()}-replaced"
    for left in (new, aside):
        if os.path.lexists(left):
            remove_tree(left)
    folder = _Taken(new, aside) if in_place and last is not None and _done(os.rename, last, new) else _Fresh(new, last)
    now: dict[str, tuple[bytes, bytes, int]] = {}  # what `kept` holds next

    def same(name: str, raw: bytes) -> int | None:
        digest = hashlib.sha256(raw).digest()
        old = before.get(name)
        source = name if old is not None and old[0] == digest else by_content.get(digest)
        if source is None or not folder.keep(name, source):
            now[name] = (digest, b"", 0)  # the rest once written
            return None
        now[name] = before[source]
        return before[source][2]

    for name, data in files_of(same):
        if data is None:  # kept by `same`
            continue
        digest = hashlib.sha256(data).digest()
        folder.write(name, data)
        now[name] = (now[name][0] if name in now else digest, digest, len(data))
    folder.close(now.keys())
    build = build_id((name, entry[1]) for name, entry in now.items())
    base = root / build
    if base.is_dir():
        remove_tree(new)
    else:
        os.rename(new, base)
    stub = {"config": {"lang": ["zh"], "separator": SEPARATOR, "pipeline": [], "archive": config_of(build)}, "docs": []}
    write_bytes_atomic(root / "search_index.json", json.dumps(stub, ensure_ascii=False).encode("utf-8"))
    if kept is not None:
        try:
            write_bytes_atomic(kept, pickle.dumps({"format": MANIFEST, "root": os.path.realpath(root), "build": build, "files": now},
                                                  protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # the next build writes every file
    for old_build in root.iterdir():
        if old_build.is_dir() and old_build.name != build:
            remove_tree(old_build)


def _last_build(root: Path, kept: Path | None) -> tuple[Path | None, dict[str, tuple[bytes, bytes, int]]]:
    """The last build's folder under root and its files' digests and sizes, when both are there
    and the digests are of this folder's files."""
    try:
        data = pickle.loads(kept.read_bytes()) if kept is not None else None
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
        data = None
    if (not isinstance(data, dict) or data.get("format") != MANIFEST or data.get("root") != os.path.realpath(root)
            or not isinstance(data.get("files"), dict)):
        return None, {}  # none, damaged, or of another site folder
    folder = root / str(data.get("build"))
    return (folder, data["files"]) if folder.is_dir() and not folder.is_symlink() else (None, {})


def _names(folder: Path) -> set[str]:
    """The path, relative to folder and with "/", of every file in it (two levels: b/, k/, p/ and the top)."""
    names = set()
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                with os.scandir(entry.path) as inner:
                    names.update(f"{entry.name}/{e.name}" for e in inner)
            else:
                names.add(entry.name)
    return names


class _Fresh:
    """A build's files in a new folder, the last build's equal files linked from its folder."""

    def __init__(self, new: Path, last: Path | None):
        self.new, self.last = new, last
        self.made: set[Path] = set()

    def place(self, name: str) -> Path:
        path = self.new / name
        if path.parent not in self.made:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.made.add(path.parent)
        return path

    def keep(self, name: str, source: str) -> bool:
        """Make `name` the last build's file `source`; False when it cannot be."""
        return self.last is not None and _done(os.link, self.last / source, self.place(name))

    def write(self, name: str, data: bytes) -> None:
        self.place(name).write_bytes(data)

    def close(self, names) -> None:
        """Every file of the build is there (`names`)."""


class _Taken(_Fresh):
    """The last build's folder, renamed to the new one's name. A file equal to the same file of the
    last build stays where it is; a file of the last build that is replaced or not in the new
    build is first moved into `aside` (removed with the older builds), never written into (its
    inode may be linked elsewhere) nor unlinked one by one (50,000 unlinks: 4-5 s; moves and one
    `rm -rf`: about a fifth). Moved, it can still be linked under another name (pages renumbered)."""

    def __init__(self, new: Path, aside: Path):
        super().__init__(new, new)
        self.aside = aside
        self.present = _names(new)  # the digests may name a file removed since
        self.moved: set[str] = set()

    def _clear(self, name: str) -> None:
        if name in self.present and name not in self.moved:
            if not self.moved:
                self.aside.mkdir()
            os.rename(self.new / name, self.aside / name.replace("/", "%"))
            self.moved.add(name)

    def keep(self, name: str, source: str) -> bool:
        if source not in self.present:
            return False
        if source == name and name not in self.moved:
            return True
        self._clear(name)
        where = self.aside / source.replace("/", "%") if source in self.moved else self.new / source
        return _done(os.link, where, self.place(name))

    def write(self, name: str, data: bytes) -> None:
        self._clear(name)
        super().write(name, data)

    def close(self, names) -> None:
        for name in self.present - set(names):
            self._clear(name)


def _done(step, source: Path, path: Path) -> bool:
    """step(source, path) (os.link, os.rename); False when the file system refuses it."""
    try:
        step(source, path)
        return True
    except OSError:
        return False


NEW_PREFIX = ".new-"  # a build's folder while its files are written (a killed build's is dropped by the next)
