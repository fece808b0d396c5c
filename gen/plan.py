"""Plan every page of a build: what to write, merge, keep or remove, and the state to remember.

Reads the current docs/ (through fs), writes nothing. Document pages are decided first; the index
pages are then rendered from the front matter those pages end up with, so an editor's correction
reaches every index.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from gen import frontmatter, fs, sync
from gen.indexes import meta_from_front_matter, render_indexes
from gen.model import Meta, Problem
from gen.tables import load_tables

FORCED = "overwritten on request (--force)"


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


def decide_page(docs_dir: Path, page: str, new: str | None, entry: dict, force: bool) -> sync.Decision:
    """Read what the decision needs for one page from disk, then decide."""
    on_disk = fs.read_text(docs_dir / page)
    if force and new is not None:
        if on_disk == new:
            return sync.Decision(page, sync.UNCHANGED, base=new)
        return sync.Decision(page, sync.WRITE, FORCED, text=new, base=new)
    known = _known(entry)
    base = None
    if on_disk is not None and known.sha256 and sync.digest(on_disk) != known.sha256:
        base = fs.read_base(docs_dir, known.sha256)
    proposal_exists = (docs_dir / sync.proposal_path(page)).exists()
    return sync.decide(page, new, on_disk, known, base, proposal_exists)


def next_entry(decision: sync.Decision, entry: dict, seed: str | None, new: str | None, meta: Meta | None = None) -> dict | None:
    """The state entry to remember for a page after this decision (None: forget the page).

    With the hash of the generated text goes its index record, so that readers of the state (the
    MkDocs plugin) need not parse the front matter of pages nobody edited."""
    keep_seed = {"seed": seed} if seed else {}
    action = decision.action
    if action in (sync.FOREIGN, sync.REMOVE, sync.ORPHAN) or (action == sync.UNCHANGED and new is None):
        return None
    if decision.base is not None:
        record = {"meta": meta_to_json(meta)} if meta is not None else {}
        return {**keep_seed, "sha256": sync.digest(decision.base), **record}
    if action == sync.CONFLICT:
        return {**entry, **keep_seed, "conflict": sync.digest(new)}  # type: ignore[arg-type]
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


def plan(wanted: dict[str, tuple[str, str, Meta]], docs_dir: Path, state: dict[str, dict], force: tuple[str, ...]) -> Plan:
    """Decide every page. `wanted`: page -> (seed path, generated text, its index record) for every
    readable seed; the record spares parsing the front matter of pages nobody edited."""
    out = Plan()
    finals: dict[str, str] = {}
    known_metas: list[Meta] = []
    doc_pages = sorted(set(wanted) | {p for p, s in state.items() if s.get("seed")})
    for page in doc_pages:
        seed, new, meta = wanted.get(page, (None, None, None))
        decision = decide_page(docs_dir, page, new, state.get(page, {}), page in force)
        _add(out, decision, state.get(page, {}), seed, new, meta)
        text = final_text(decision, docs_dir)
        if text is not None and text == new and meta is not None:
            known_metas.append(meta)
        elif text is not None:
            finals[page] = text

    metas = known_metas + metas_of(finals, out.problems, docs_dir.as_posix())
    indexes = render_indexes(sorted(metas, key=lambda m: m.page))
    for page in sorted(set(indexes) | {p for p, s in state.items() if not s.get("seed")}):
        new = indexes.get(page)
        decision = decide_page(docs_dir, page, new, state.get(page, {}), page in force)
        _add(out, decision, state.get(page, {}), None, new)
    return out


def _add(out: Plan, decision: sync.Decision, entry: dict, seed: str | None, new: str | None, meta: Meta | None = None) -> None:
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
    if not finals:
        return metas
    districts = load_tables().district_names
    for page, text in sorted(finals.items()):
        shown = f"{docs}/{page}"
        try:
            parsed = frontmatter.parse(text, shown)
        except frontmatter.FrontMatterError as exc:
            problems.extend(exc.problems)
            continue
        found = frontmatter.validate(parsed, shown, districts)
        if found:
            problems.extend(found)
            continue
        meta = meta_from_front_matter(page, frontmatter.typed(parsed.meta))
        if meta:
            metas.append(meta)
    return metas
