"""Plan every page of a build: what to write, merge, keep or remove, and the state to remember.

Reads the current docs/ (through fs), writes nothing. Document pages are decided first; the index
pages are then rendered from the front matter those pages end up with, so an editor's correction
reaches every index.
"""

from __future__ import annotations

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


def next_entry(decision: sync.Decision, entry: dict, seed: str | None, new: str | None) -> dict | None:
    """The state entry to remember for a page after this decision (None: forget the page)."""
    keep_seed = {"seed": seed} if seed else {}
    action = decision.action
    if action in (sync.FOREIGN, sync.REMOVE, sync.ORPHAN) or (action == sync.UNCHANGED and new is None):
        return None
    if decision.base is not None:
        return {**keep_seed, "sha256": sync.digest(decision.base)}
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
    return fs.read_text(docs_dir / decision.page)


def plan(wanted: dict[str, tuple[str, str]], docs_dir: Path, state: dict[str, dict], force: tuple[str, ...]) -> Plan:
    """Decide every page. `wanted`: page -> (seed path, generated text) for every readable seed."""
    out = Plan()
    finals: dict[str, str] = {}
    doc_pages = sorted(set(wanted) | {p for p, s in state.items() if s.get("seed")})
    for page in doc_pages:
        seed, new = wanted.get(page, (None, None))
        decision = decide_page(docs_dir, page, new, state.get(page, {}), page in force)
        _add(out, decision, state.get(page, {}), seed, new)
        if (text := final_text(decision, docs_dir)) is not None:
            finals[page] = text

    indexes = render_indexes(metas_of(finals, out.problems, docs_dir.as_posix()))
    for page in sorted(set(indexes) | {p for p, s in state.items() if not s.get("seed")}):
        new = indexes.get(page)
        decision = decide_page(docs_dir, page, new, state.get(page, {}), page in force)
        _add(out, decision, state.get(page, {}), None, new)
    return out


def _add(out: Plan, decision: sync.Decision, entry: dict, seed: str | None, new: str | None) -> None:
    out.decisions.append(decision)
    remembered = next_entry(decision, entry, seed, new)
    if remembered is not None:
        out.state[decision.page] = remembered


def metas_of(finals: dict[str, str], problems: list[Problem], docs: str = "docs") -> list[Meta]:
    """Index records from the final text of every document page; broken front matter is reported."""
    metas = []
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
