"""Orchestration: gather every seed and page, plan what to write, then write; report per file."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from gen import frontmatter, fs, manifest, sync
from gen.config import Settings
from gen.decode import DecodeError, decode
from gen.document import article_dates, make_document, seed_stem
from gen.indexes import meta_from_front_matter, render_indexes
from gen.model import Document, Meta, Problem, Seed
from gen.readers import read_seed
from gen.render import render_page
from gen.report import Report, SeedOutcome
from gen.tables import Tables, load_tables

ManifestTables = list[tuple[dict[str, manifest.Entry], dict[str, manifest.Entry]]]


@dataclass(frozen=True)
class SeedResult:
    """One seed after reading: its document and page text, or the problems that stopped it."""

    seed: str  # repo-relative path
    document: Document | None
    text: str | None
    problems: tuple[Problem, ...] = ()


@dataclass
class Plan:
    """Every page decision and the state to save after applying them."""

    decisions: list[sync.Decision] = field(default_factory=list)
    contents: dict[str, str] = field(default_factory=dict)  # page -> text to write
    state: dict[str, dict] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def display_path(path: Path, root: Path) -> str:
    """Path relative to the repository root when inside it (POSIX), else absolute."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


# ---------------------------------------------------------------- gather


def load_manifests(paths: list[Path], settings: Settings) -> tuple[ManifestTables, list[Problem]]:
    """Lookup tables for every manifest, and the problems found in them."""
    tables: ManifestTables = []
    problems: list[Problem] = []
    for path in paths:
        shown = display_path(path, settings.root)
        try:
            text, _ = decode(path.read_bytes())
        except (OSError, DecodeError) as exc:
            problems.append(Problem(shown, f"manifest cannot be read: {exc}"))
            continue
        entries, found = manifest.read_manifest(text, shown, settings.manifest_columns)
        problems.extend(found)
        tables.append(manifest.index_entries(entries, path.parent.resolve().as_posix()))
    return tables, problems


def read_one(path: Path, shown: str, entry: manifest.Entry | None, tables: Tables) -> SeedResult:
    """Read, decode and assemble one seed; any failure becomes a problem naming the file."""
    try:
        data = fs.read_bytes(path)
        if not data.strip():
            return SeedResult(shown, None, None, (Problem(shown, "is empty"),))
        text, encoding = decode(data)
        seed = Seed(path=shown, stem=seed_stem(shown), sha256=hashlib.sha256(data).hexdigest(), encoding=encoding, text=text)
        doc = make_document(seed, read_seed(seed), entry, tables)
        page = render_page(doc, article_dates(doc))
    except (OSError, ValueError) as exc:
        return SeedResult(shown, None, None, (Problem(shown, str(exc)),))
    except Exception as exc:  # a reader bug must not stop the other seeds
        return SeedResult(shown, None, None, (Problem(shown, f"internal error while reading: {exc!r}"),))
    warnings = tuple(Problem(shown, w, severity="warning") for w in doc.warnings)
    return SeedResult(shown, doc, page, warnings)


def gather(settings: Settings, progress=None) -> tuple[list[SeedResult], list[Problem]]:
    """Every seed read into a result, plus manifest problems."""
    seed_paths, found_manifests = fs.list_seeds(settings.seeds_dir)
    mtables, problems = load_manifests(found_manifests + list(settings.manifests), settings)
    tables = load_tables()
    results = []
    for path in progress(seed_paths) if progress else seed_paths:
        entry = manifest.lookup(path.resolve().as_posix(), mtables)
        results.append(read_one(path, display_path(path, settings.root), entry, tables))
    return _drop_collisions(results), problems


def _drop_collisions(results: list[SeedResult]) -> list[SeedResult]:
    """Seeds that would write the same page are all refused, each naming the others."""
    by_page: dict[str, list[SeedResult]] = {}
    for r in results:
        if r.document:
            by_page.setdefault(r.document.page, []).append(r)
    out = []
    for r in results:
        clash = by_page.get(r.document.page, []) if r.document else []
        if len(clash) > 1:
            others = ", ".join(o.seed for o in clash if o is not r)
            msg = f"would write the same page {r.document.page} as {others}; rename one of them"
            out.append(SeedResult(r.seed, None, None, r.problems + (Problem(r.seed, msg),)))
        else:
            out.append(r)
    return out


# ---------------------------------------------------------------- plan


def _final_text(decision: sync.Decision, new: str | None, on_disk: str | None) -> str | None:
    if decision.action == sync.WRITE:
        return new
    if decision.action in (sync.DELETED, sync.REMOVE):
        return None
    return on_disk if on_disk is not None else new


def plan(results: list[SeedResult], docs_dir: Path, state: dict[str, dict], force: tuple[str, ...]) -> Plan:
    """Decide every page: documents first, then index pages from the front matter they end up with."""
    out = Plan()
    wanted = {r.document.page: r for r in results if r.document and r.text is not None}
    finals: dict[str, str] = {}
    doc_pages = sorted(set(wanted) | {p for p, s in state.items() if s.get("seed")})
    for page in doc_pages:
        new = wanted[page].text if page in wanted else None
        on_disk = fs.read_text(docs_dir / page)
        decision = _decide(page, new, on_disk, state.get(page, {}), force)
        out.decisions.append(decision)
        _record(out, decision, page, new, state.get(page, {}), wanted[page].seed if page in wanted else None)
        final = _final_text(decision, new, on_disk)
        if final is not None and decision.action != sync.REMOVE:
            finals[page] = final

    metas = _metas(finals, out.problems)
    for page, text in sorted(render_indexes(metas).items()):
        on_disk = fs.read_text(docs_dir / page)
        decision = _decide(page, text, on_disk, state.get(page, {}), force)
        out.decisions.append(decision)
        _record(out, decision, page, text, state.get(page, {}), None)
    for page, entry in state.items():
        if page not in out.state and page not in doc_pages and not entry.get("seed"):
            on_disk = fs.read_text(docs_dir / page)
            decision = sync.decide(page, None, on_disk, entry.get("sha256"))
            out.decisions.append(decision)
    return out


def _decide(page: str, new: str | None, on_disk: str | None, entry: dict, force: tuple[str, ...]) -> sync.Decision:
    if page in force and new is not None:
        if on_disk == new:
            return sync.Decision(page, sync.UNCHANGED)
        return sync.Decision(page, sync.WRITE, "overwritten on request (--force)")
    if entry.get("deleted") and on_disk is None and new is not None:
        return sync.Decision(page, sync.UNCHANGED, "deleted by an editor (reported before)")
    return sync.decide(page, new, on_disk, entry.get("sha256"))


def _record(out: Plan, decision: sync.Decision, page: str, new: str | None, entry: dict, seed: str | None) -> None:
    """Fill the next state entry for a page, and the text to write."""
    base = {"seed": seed} if seed else {}
    if decision.action == sync.WRITE:
        out.contents[page] = new  # type: ignore[assignment]
        out.state[page] = {**base, "sha256": sync.digest(new)}  # type: ignore[arg-type]
    elif decision.action == sync.UNCHANGED and new is not None and not entry.get("deleted"):
        out.state[page] = {**base, "sha256": entry.get("sha256") or sync.digest(new)}
    elif decision.action in (sync.KEPT, sync.ORPHAN):
        out.state[page] = {**entry, **base}
    elif decision.action == sync.DELETED or entry.get("deleted"):
        out.state[page] = {**entry, **base, "deleted": True}


def _metas(finals: dict[str, str], problems: list[Problem]) -> list[Meta]:
    """Index records from the final text of every document page; broken front matter is reported."""
    metas = []
    for page, text in sorted(finals.items()):
        try:
            parsed = frontmatter.parse(text, page)
        except frontmatter.FrontMatterError as exc:
            problems.extend(exc.problems)
            continue
        found = frontmatter.validate(parsed, page, load_tables().district_names)
        if found:
            problems.extend(found)
            continue
        meta = meta_from_front_matter(page, frontmatter.typed(parsed.meta))
        if meta:
            metas.append(meta)
    return metas


# ---------------------------------------------------------------- apply


def apply(p: Plan, docs_dir: Path) -> None:
    """Write what the plan says; the state file last, so an interrupted run is simply run again."""
    for page, text in sorted(p.contents.items()):
        fs.write_atomic(docs_dir / page, text)
    for d in p.decisions:
        if d.action == sync.REMOVE:
            fs.remove(docs_dir / d.page, docs_dir)
    fs.save_state(docs_dir, p.state)


def build(settings: Settings, progress=None) -> Report:
    """Gather, plan and (unless a dry run) write; the report accounts for every seed."""
    results, problems = gather(settings, progress)
    state = fs.load_state(settings.docs_dir)
    p = plan(results, settings.docs_dir, state, settings.force)
    if not settings.dry_run:
        apply(p, settings.docs_dir)
    by_page = {d.page: d for d in p.decisions}
    outcomes = []
    for r in results:
        d = by_page.get(r.document.page) if r.document else None
        outcomes.append(
            SeedOutcome(
                seed=r.seed,
                page=r.document.page if r.document else None,
                outcome=d.action if d else "error",
                reason=d.reason if d else "",
                problems=r.problems,
            )
        )
    return Report(seeds=outcomes, pages=p.decisions, problems=problems + p.problems, dry_run=settings.dry_run)


def relative_root() -> Path:
    """The repository root for display paths: the working directory."""
    return Path(os.getcwd())
