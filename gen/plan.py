"""Plan every page of a build: what to write, merge, keep or remove, and the state to remember.

Reads the current docs/ (through fs), writes nothing. Document pages are decided first; the index
pages are then rendered from the front matter those pages end up with, so an editor's correction
reaches every index.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gen import fs, sync
from gen.cache import Cache, index_records
from gen.check import read_page
from gen.indexes import render_indexes
from gen.model import Meta, Problem

FORCED = "overwritten on request (--force)"


@dataclass
class Generated:
    """A generated page's text, known by its hash; the text itself is fetched only when needed."""

    sha256: str
    fetch: Callable[[], str]
    _text: str | None = None

    @property
    def text(self) -> str:
        """The text (fetched once)."""
        if self._text is None:
            self._text = self.fetch()
        return self._text

    @classmethod
    def of(cls, text: str) -> Generated:
        """A text already in hand."""
        return cls(sync.digest(text), lambda: text, text)


@dataclass
class Plan:
    """Every page decision and the state to save after applying them."""

    decisions: list[sync.Decision] = field(default_factory=list)
    state: dict[str, dict] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def by_page(self) -> dict[str, sync.Decision]:
        """Decisions keyed by page."""
        return {d.page: d for d in self.decisions}


def _known(entry: dict) -> sync.Known:
    return sync.Known(sha256=entry.get("sha256"), deleted=bool(entry.get("deleted")), conflict=entry.get("conflict"))


def decide_page(docs_dir: Path, page: str, generated: Generated | None, entry: dict, force: bool, c: Cache) -> sync.Decision:
    """Read what the decision needs for one page from disk, then decide. With the build cache, a
    page whose file is unchanged since it was last written or checked is not read at all (nor is
    the generated text fetched)."""
    if generated is not None and not force and not entry.get("conflict"):
        if generated.sha256 == entry.get("sha256") and c.page_unchanged(fs.page_file(docs_dir, page), generated.sha256):
            return sync.Decision(page, sync.UNCHANGED, base_sha=generated.sha256)
    new = generated.text if generated is not None else None
    decision = _decide_read(docs_dir, page, new, entry, force)
    if generated is not None and decision.base is new and new is not None:
        return dataclasses.replace(decision, base_sha=generated.sha256)
    return decision


def _decide_read(docs_dir: Path, page: str, new: str | None, entry: dict, force: bool) -> sync.Decision:
    on_disk = fs.read_text(docs_dir / page)
    if force and new is not None:
        if on_disk == new:
            return sync.Decision(page, sync.UNCHANGED, base=new)
        return sync.Decision(page, sync.WRITE, FORCED, text=new, base=new)
    known = _known(entry)
    base = None
    if on_disk is not None and known.sha256 and sync.digest(on_disk) != known.sha256:
        base = fs.read_base(docs_dir, known.sha256)
    proposal_exists = known.conflict is not None and (docs_dir / sync.proposal_path(page)).exists()
    return sync.decide(page, new, on_disk, known, base, proposal_exists)


def base_sha(decision: sync.Decision) -> str | None:
    """The hash of the generated text a decision keeps as the base."""
    if decision.base_sha is not None:
        return decision.base_sha
    return sync.digest(decision.base) if decision.base is not None else None


def next_entry(decision: sync.Decision, entry: dict, seed: str | None, new: Generated | None, meta: Meta | None = None) -> dict | None:
    """The state entry to remember for a page after this decision (None: forget the page).

    With the hash of the generated text goes its index record, so that readers of the state (the
    MkDocs plugin) need not parse the front matter of pages nobody edited."""
    keep_seed = {"seed": seed} if seed else {}
    action = decision.action
    if action in (sync.FOREIGN, sync.REMOVE, sync.ORPHAN) or (action == sync.UNCHANGED and new is None):
        return None
    if decision.base is not None or decision.base_sha is not None:
        record = {"meta": meta_to_json(meta)} if meta is not None else {}
        return {**keep_seed, "sha256": base_sha(decision), **record}
    if action == sync.CONFLICT:
        return {**entry, **keep_seed, "conflict": new.sha256}  # type: ignore[union-attr]
    if action == sync.DELETED:
        return {**entry, **keep_seed, "deleted": True}
    return {**entry, **keep_seed}


def final_text(decision: sync.Decision, docs_dir: Path) -> str | None:
    """The page's text once the plan is applied (None: no page)."""
    if decision.text is not None:
        return decision.text
    if decision.action in (sync.DELETED, sync.REMOVE):
        return None
    if decision.action == sync.UNCHANGED and decision.base is not None:
        return decision.base  # unchanged: the page on disk is exactly this text
    return fs.read_text(docs_dir / decision.page)


def is_generated(decision: sync.Decision, new: Generated | None) -> bool:
    """True when the page ends up exactly as generated (its index record is then known)."""
    return new is not None and decision.action in (sync.WRITE, sync.UNCHANGED) and base_sha(decision) == new.sha256


def plan(wanted: dict[str, tuple[str, Generated, Meta]], docs_dir: Path, state: dict[str, dict], force: tuple[str, ...],
         c: Cache) -> Plan:
    """Decide every page. `wanted`: page -> (seed path, generated text, its index record) for every
    readable seed; the record spares parsing the front matter of pages nobody edited."""
    out = Plan()
    finals: dict[str, str] = {}
    known_metas: list[Meta] = []
    doc_pages = sorted(set(wanted) | {p for p, s in state.items() if s.get("seed")})
    for page in doc_pages:
        seed, new, meta = wanted.get(page, (None, None, None))
        entry = state.get(page, {})
        decision = decide_page(docs_dir, page, new, entry, page in force, c)
        _add(out, decision, entry, seed, new, meta)
        if meta is not None and is_generated(decision, new):
            known_metas.append(meta)
        elif (text := final_text(decision, docs_dir)) is not None:
            finals[page] = text

    metas = known_metas + metas_of(finals, out.problems, docs_dir.as_posix())
    indexes = index_pages(tuple(sorted(metas, key=lambda m: m.page)), docs_dir, c)
    for page in sorted(set(indexes) | {p for p, s in state.items() if not s.get("seed")}):
        new = indexes.get(page)
        decision = decide_page(docs_dir, page, new, state.get(page, {}), page in force, c)
        _add(out, decision, state.get(page, {}), None, new)
    return out


def index_pages(metas: tuple[Meta, ...], docs_dir: Path, c: Cache) -> dict[str, Generated]:
    """Every index page. When the records are those the cache saw last time, the pages are known
    by their hashes, and rendered only if a text is needed and its kept copy is missing."""

    @functools.cache
    def rendered() -> dict[str, str]:
        return render_indexes(list(metas), c.slug)

    records = index_records(metas)
    known = c.known_indexes(records)
    if known is None:
        pages = {page: Generated.of(text) for page, text in rendered().items()}
    else:
        pages = {page: Generated(sha, functools.partial(_index_text, docs_dir, page, sha, rendered)) for page, sha in known.items()}
    c.remember_indexes(records, {page: g.sha256 for page, g in pages.items()})
    return pages


def _index_text(docs_dir: Path, page: str, sha256: str, rendered: Callable[[], dict[str, str]]) -> str:
    return fs.read_base(docs_dir, sha256) or rendered()[page]


def _add(out: Plan, decision: sync.Decision, entry: dict, seed: str | None, new: Generated | None, meta: Meta | None = None) -> None:
    out.decisions.append(decision)
    remembered = next_entry(decision, entry, seed, new, meta)
    if remembered is not None:
        out.state[decision.page] = remembered


def meta_to_json(meta: Meta) -> dict:
    """An index record as stored in the state file."""
    return {
        "title": meta.title,
        "date": meta.date.isoformat() if meta.date else None,
        "district": meta.district,
        "source": meta.source,
        "tags": list(meta.tags),
    }


def meta_from_json(page: str, data: dict) -> Meta:
    """An index record from the state file."""
    date = dt.date.fromisoformat(data["date"]) if data.get("date") else None
    return Meta(page=page, title=data["title"], date=date, district=data.get("district"), source=data.get("source"), tags=tuple(data.get("tags") or ()))


def metas_of(finals: dict[str, str], problems: list[Problem], docs: str = "docs") -> list[Meta]:
    """Index records from the final text of every document page; broken front matter is reported."""
    metas: list[Meta] = []
    for page, text in sorted(finals.items()):
        found, meta = read_page(text, page, f"{docs}/{page}")
        problems.extend(found)
        if meta:
            metas.append(meta)
    return metas
