"""Orchestration: gather every seed and page, plan what to write, then write; report per file."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from gen import fs, manifest, sync
from gen.config import Settings
from gen.decode import DecodeError, decode
from gen.document import article_dates, make_document, seed_stem
from gen.model import Document, Problem, Seed
from gen.plan import Plan, plan
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


# ---------------------------------------------------------------- apply


def apply(p: Plan, docs_dir: Path) -> None:
    """Write what the plan says. Base copies first and the state file last, so a run interrupted
    anywhere leaves every page old or new and is simply run again."""
    for d in p.decisions:
        if d.base is not None:
            fs.write_base(docs_dir, sync.digest(d.base), d.base)
    for d in p.decisions:
        proposal = docs_dir / sync.proposal_path(d.page)
        if d.text is not None:
            fs.write_atomic(docs_dir / d.page, d.text)
        if d.proposal is not None:
            fs.write_atomic(proposal, d.proposal)
        elif d.action != sync.DELETED and proposal.exists() and d.base is not None:
            fs.remove(proposal, docs_dir)
        if d.action == sync.REMOVE:
            fs.remove(docs_dir / d.page, docs_dir)
    fs.save_state(docs_dir, p.state)
    fs.prune_bases(docs_dir, {e["sha256"] for e in p.state.values() if e.get("sha256")})


def build(settings: Settings, progress=None) -> Report:
    """Gather, plan and (unless a dry run) write; the report accounts for every seed."""
    results, problems = gather(settings, progress)
    state = fs.load_state(settings.docs_dir)
    wanted = {r.document.page: (r.seed, r.text) for r in results if r.document and r.text is not None}
    p = plan(wanted, settings.docs_dir, state, settings.force)
    if not settings.dry_run:
        apply(p, settings.docs_dir)
    by_page = p.by_page()
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
