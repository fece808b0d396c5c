"""The generator's state: what it last wrote for each page, and where pages moved; one owner.

Kept in docs/.gen/state.jsonl (committed with the pages; MkDocs never publishes dot-folders):
a header line, then one JSON object per line, sorted, so that git shows one line per changed page
and merges two branches line by line. Reading never depends on the byte layout: every line is
parsed on its own, lines git's conflict markers or a union merge left behind are tolerated (two
entries for one page: either base counts as the generator's), and an unreadable line costs only
its own entry, which the build recovers from the page itself (see `recover`).

Earlier formats are migrated on load: version 1 (docs/.gen/state.json, one JSON document, in
either of the layouts that release wrote) kept index pages too, which the `archive` plugin now
makes; they come back as `legacy_indexes` so the build can retire them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from gen.model import Meta

FILE = "state.jsonl"
OLD_FILE = "state.json"  # version 1
FORMAT = "archive-generator-state"
VERSION = 2
_CONFLICT_MARKS = ("<<<<<<<", "=======", ">>>>>>>", "|||||||")
# The base of a page recovered without any base copy of its seed: it matches no text, so the page
# counts as edited, and a change of the generator's is proposed beside it rather than written.
UNKNOWN_BASE = "unknown"


@dataclass(frozen=True)
class Entry:
    """What the generator remembers of one document page."""

    page: str  # docs-relative path
    seed: str  # the seed it is generated from, as its front matter's `seed:` says
    sha256: str | None = None  # hash of the text last generated for it (its base copy)
    also: tuple[str, ...] = ()  # other bases a git merge left for it: the page matching any is untouched
    conflict: str | None = None  # hash of the generated text a pending conflict proposed
    deleted: bool = False  # an editor deleted the page and has been told
    placed: bool = False  # an editor moved the page here: it stays where they put it
    gone: bool = False  # its seed is gone and the page, edited by hand, is kept (reported once)
    settled: str | None = None  # the generated text (hash) an editor settled a conflict against, keeping their page
    meta: Meta | None = None  # its index record, when the page is exactly as generated

    @property
    def bases(self) -> tuple[str, ...]:
        """Every hash of generated text that counts as this page untouched."""
        return ((self.sha256,) if self.sha256 else ()) + self.also


@dataclass(frozen=True)
class State:
    """Every page the generator owns, the pages that moved, and what loading found."""

    pages: Mapping[str, Entry] = field(default_factory=dict)
    moved: Mapping[str, str] = field(default_factory=dict)  # old page -> where it is now
    legacy_indexes: Mapping[str, Entry] = field(default_factory=dict)  # version 1 index pages, to retire
    notes: tuple[str, ...] = ()  # what loading did: migrated, lines skipped, rebuilt
    damaged: bool = False  # some of the state could not be read: recover() fills the gaps

    def by_seed(self) -> dict[str, Entry]:
        """Entries keyed by seed."""
        return {e.seed: e for e in self.pages.values()}


# ---- reading ---------------------------------------------------------------------------------


def _meta_from_json(page: str, data: object) -> Meta | None:
    if not isinstance(data, dict) or not isinstance(data.get("title"), str):
        return None
    date = dt.date.fromisoformat(data["date"]) if data.get("date") else None
    return Meta(page=page, title=data["title"], date=date, district=data.get("district"), source=data.get("source"),
                tags=tuple(data.get("tags") or ()))


def meta_to_json(meta: Meta) -> dict:
    """An index record as the state stores it."""
    return {"title": meta.title, "date": meta.date.isoformat() if meta.date else None, "district": meta.district,
            "source": meta.source, "tags": list(meta.tags)}


def _entry(page: str, data: dict) -> Entry:
    """An entry from its JSON object; ValueError when a field has the wrong type."""
    seed, sha, conflict = data.get("seed"), data.get("sha256"), data.get("conflict")
    also = data.get("also") or []
    if not isinstance(seed, str) or not seed:
        raise ValueError("no seed")
    if not all(v is None or isinstance(v, str) for v in (sha, conflict)) or not all(isinstance(a, str) for a in also):
        raise ValueError("a hash is not a string")
    return Entry(page=page, seed=seed, sha256=sha, also=tuple(also), conflict=conflict, deleted=bool(data.get("deleted")),
                 placed=bool(data.get("placed")), gone=bool(data.get("gone")), settled=data.get("settled") if isinstance(data.get("settled"), str) else None,
                 meta=_meta_from_json(page, data.get("meta")))


def _combine(a: Entry, b: Entry) -> Entry:
    """Two entries for one page (a union merge of two branches): either base counts."""
    if a == b:
        return a
    bases = tuple(dict.fromkeys(a.bases + b.bases))
    return replace(a, sha256=bases[0] if bases else None, also=bases[1:], conflict=a.conflict or b.conflict,
                   deleted=a.deleted and b.deleted, placed=a.placed or b.placed, gone=a.gone and b.gone, settled=a.settled or b.settled,
                   meta=a.meta if a.meta == b.meta else None)


def parse(text: str, shown: str) -> State:
    """The state in a version 2 file. Lines that cannot be read are skipped and noted."""
    pages: dict[str, Entry] = {}
    moved: dict[str, str] = {}
    notes: list[str] = []
    bad = 0
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.strip()
        if not line or line.startswith(_CONFLICT_MARKS):
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise ValueError("not an object")
            if "format" in data:
                if data.get("format") != FORMAT or data.get("version") != VERSION:
                    raise ValueError(f"format {data.get('format')!r} version {data.get('version')!r}")
            elif "moved" in data:
                if not isinstance(data["moved"], str) or not isinstance(data.get("to"), str):
                    raise ValueError("a move without both paths")
                moved[data["moved"]] = data["to"]
            else:
                page = data.get("page")
                if not isinstance(page, str) or not page:
                    raise ValueError("no page")
                entry = _entry(page, data)
                pages[page] = _combine(pages[page], entry) if page in pages else entry
        except (ValueError, TypeError) as exc:
            bad += 1
            if bad <= 3:
                notes.append(f"{shown}:{number}: line skipped ({exc})")
    if bad > 3:
        notes.append(f"{shown}: {bad - 3} more lines skipped")
    return State(pages=pages, moved=moved, notes=tuple(notes), damaged=bad > 0)


def parse_v1(text: str, shown: str) -> State:
    """The state of the previous release (one JSON document; page -> {seed, sha256, conflict,
    deleted, meta}). Its index pages (no seed) come back as legacy_indexes."""
    try:
        data = json.loads(text)
        old = data["pages"]
        if not isinstance(old, dict):
            raise ValueError("pages is not an object")
    except (ValueError, KeyError, TypeError) as exc:
        return State(notes=(f"{shown}: cannot be read ({exc})",), damaged=True)
    pages: dict[str, Entry] = {}
    indexes: dict[str, Entry] = {}
    bad = 0
    for page, item in old.items():
        try:
            if not isinstance(item, dict):
                raise ValueError("not an object")
            if item.get("seed"):
                pages[page] = _entry(page, item)
            else:
                indexes[page] = Entry(page=page, seed="", sha256=item.get("sha256"), deleted=bool(item.get("deleted")))
        except (ValueError, TypeError):
            bad += 1
    notes = [f"{shown}: the previous release's state, migrated to {FILE}"]
    if bad:
        notes.append(f"{shown}: {bad} entries could not be read")
    return State(pages=pages, legacy_indexes=indexes, notes=tuple(notes), damaged=bad > 0)


# ---- writing ---------------------------------------------------------------------------------

_ONE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # keys in the order written: page first


def _entry_json(e: Entry) -> dict:
    out: dict = {"page": e.page, "seed": e.seed}
    if e.sha256:
        out["sha256"] = e.sha256
    if e.also:
        out["also"] = list(e.also)
    if e.conflict:
        out["conflict"] = e.conflict
    if e.deleted:
        out["deleted"] = True
    if e.placed:
        out["placed"] = True
    if e.gone:
        out["gone"] = True
    if e.settled:
        out["settled"] = e.settled
    if e.meta is not None:
        out["meta"] = meta_to_json(e.meta)
    return out


def dump(state: State) -> str:
    """The state file's text: the header, the pages sorted, then the moves sorted."""
    lines = [_ONE({"format": FORMAT, "version": VERSION})]
    lines += [_ONE(_entry_json(state.pages[p])) for p in sorted(state.pages)]
    lines += [_ONE({"moved": old, "to": new}) for old, new in sorted(state.moved.items())]
    return "\n".join(lines) + "\n"


def with_moves(moved: Mapping[str, str], new: Mapping[str, str], pages: Iterable[str]) -> dict[str, str]:
    """Moves after adding `new` ones: chains followed to where each page is now, and no move
    from a path where a page stands again."""
    out = {**moved, **new}
    for old in out:
        seen = {old}
        while out[old] in out and out[old] not in seen:
            seen.add(out[old])
            out[old] = out[out[old]]
    standing = set(pages)
    return {old: to for old, to in out.items() if old not in standing and old != to}


# ---- recovery --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """A document page found in docs/ while recovering: its path, the seed its front matter
    names, and the hash of its text."""

    page: str
    seed: str
    sha256: str


def recover(state: State, found: Iterable[Found], bases: Mapping[str, str]) -> State:
    """The state with an entry for every document page in docs/ it does not know, rebuilt from
    the page and the base copies: a page equal to a base copy is untouched; one that differs was
    edited and is kept, merged against the newest base copy of its seed when one is known.
    `bases`: base hash -> the seed that base copy was generated from."""
    pages = dict(state.pages)
    known_seeds = {e.seed for e in pages.values()}
    by_seed: dict[str, list[str]] = {}
    for sha, seed in sorted(bases.items()):
        by_seed.setdefault(seed, []).append(sha)
    added = 0
    for f in sorted(found, key=lambda f: f.page):
        if f.page in pages or f.seed in known_seeds:
            continue
        if f.sha256 in bases:
            sha = f.sha256
        else:
            candidates = by_seed.get(f.seed, [])
            sha = candidates[0] if len(candidates) == 1 else UNKNOWN_BASE
        pages[f.page] = Entry(page=f.page, seed=f.seed, sha256=sha, also=tuple(s for s in by_seed.get(f.seed, []) if s != sha))
        known_seeds.add(f.seed)
        added += 1
    notes = state.notes + ((f"{added} pages recovered from docs/ and the base copies",) if added else ())
    return replace(state, pages=pages, notes=notes)


def relocate(state: State, found: Iterable[Found], present: Iterable[str]) -> State:
    """Pages an editor moved or renamed keep their seed: an entry whose page is gone follows the
    page elsewhere whose front matter names the same seed, and stays there (`placed`); the old
    address redirects to it."""
    present = set(present)
    missing = {e.seed: e for e in state.pages.values() if e.page not in present and not e.deleted}
    pages = dict(state.pages)
    moves: dict[str, str] = {}
    for f in sorted(found, key=lambda f: f.page):
        entry = missing.pop(f.seed, None)
        if entry is None or f.page in pages:
            continue
        del pages[entry.page]
        pages[f.page] = replace(entry, page=f.page, placed=True)
        moves[entry.page] = f.page
    if not moves:
        return state
    notes = state.notes + tuple(f"{old}: moved by hand to {new}; it keeps its seed" for old, new in sorted(moves.items()))
    return replace(state, pages=pages, moved=with_moves(state.moved, moves, pages), notes=notes)
