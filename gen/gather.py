"""Gather: read every seed into a document, then settle what depends on all of them together —
byte-identical duplicates, page-path collisions, near-identical documents — and render the pages.

Reads seeds and manifests (through fs); writes nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from gen import fs, manifest
from gen.config import Settings
from gen.decode import DecodeError, decode
from gen.document import article_dates, make_document, seed_stem
from gen.model import Document, Problem, Seed
from gen.readers import read_seed
from gen.render import render_page
from gen.similar import near_duplicates, sketch
from gen.tables import Tables, load_tables

ManifestTables = list[tuple[dict[str, manifest.Entry], dict[str, manifest.Entry]]]
Progress = Callable[[list[Path]], Iterable[Path]]

DUPLICATE = "duplicate"
ERROR = "error"


@dataclass(frozen=True)
class SeedResult:
    """One seed after gathering: its document and page text, or why it has none."""

    seed: str  # repo-relative path
    document: Document | None = None
    text: str | None = None  # the rendered page
    problems: tuple[Problem, ...] = ()
    duplicate_of: str | None = None  # the seed whose page stands for this byte-identical one


def display_path(path: Path, root: Path) -> str:
    """Path relative to the repository root when inside it (POSIX), else absolute."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def load_manifests(paths: list[Path], root: Path, columns: dict[str, str]) -> tuple[ManifestTables, list[Problem]]:
    """Lookup tables for every manifest, and the problems found in them."""
    tables: ManifestTables = []
    problems: list[Problem] = []
    for path in paths:
        shown = display_path(path, root)
        try:
            text, _ = decode(path.read_bytes())
        except (OSError, DecodeError) as exc:
            problems.append(Problem(shown, f"manifest cannot be read: {exc}"))
            continue
        entries, found = manifest.read_manifest(text, shown, columns)
        problems.extend(found)
        tables.append(manifest.index_entries(entries, path.parent.resolve().as_posix()))
    return tables, problems


def read_one(path: Path, shown: str, entry: manifest.Entry | None, tables: Tables) -> SeedResult:
    """Read, decode and assemble one seed; any failure becomes a problem naming the file."""
    try:
        data = fs.read_bytes(path)
        if not data.strip():
            return SeedResult(shown, problems=(Problem(shown, "is empty"),))
        text, encoding = decode(data)
        seed = Seed(path=shown, stem=seed_stem(shown), sha256=hashlib.sha256(data).hexdigest(), encoding=encoding, text=text)
        doc = make_document(seed, read_seed(seed), entry, tables)
    except (OSError, ValueError) as exc:
        return SeedResult(shown, problems=(Problem(shown, str(exc)),))
    except Exception as exc:  # a reader bug must not stop the other seeds
        return SeedResult(shown, problems=(Problem(shown, f"internal error while reading: {exc!r}"),))
    return SeedResult(shown, doc, problems=tuple(Problem(shown, w, severity="warning") for w in doc.warnings))


def merge_duplicates(results: list[SeedResult]) -> list[SeedResult]:
    """Byte-identical seeds: the first (by path) keeps its page and names the others in it."""
    first: dict[str, SeedResult] = {}
    copies: dict[str, list[str]] = {}
    for r in sorted(results, key=lambda r: r.seed):
        if r.document:
            sha = r.document.seed.sha256
            if sha in first:
                copies[sha].append(r.seed)
            else:
                first[sha], copies[sha] = r, []
    out = []
    for r in results:
        if not r.document:
            out.append(r)
            continue
        sha = r.document.seed.sha256
        primary = first[sha]
        if primary is not r:
            note = Problem(r.seed, f"byte-identical to {primary.seed}; its page stands for both", severity="warning")
            out.append(SeedResult(r.seed, problems=r.problems + (note,), duplicate_of=primary.seed))
        elif copies[sha]:
            out.append(dataclasses.replace(r, document=dataclasses.replace(r.document, duplicate_seeds=tuple(copies[sha]))))
        else:
            out.append(r)
    return out


def drop_collisions(results: list[SeedResult]) -> list[SeedResult]:
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
            msg = f"would write the same page {r.document.page} as {others}; rename one of them"  # type: ignore[union-attr]
            out.append(SeedResult(r.seed, problems=r.problems + (Problem(r.seed, msg),)))
        else:
            out.append(r)
    return out


def link_near_duplicates(results: list[SeedResult]) -> list[SeedResult]:
    """Every document learns the pages of near-identical documents."""
    docs = {r.document.page: r.document for r in results if r.document}
    sketches = [s for page, d in docs.items() if (s := sketch(page, d.reading.text))]
    linked = near_duplicates(sketches)
    out = []
    for r in results:
        if r.document and r.document.page in linked:
            related = tuple((p, docs[p].title) for p in linked[r.document.page])
            r = dataclasses.replace(r, document=dataclasses.replace(r.document, related=related))
        out.append(r)
    return out


def render(r: SeedResult) -> SeedResult:
    """The page text of a gathered document."""
    if not r.document:
        return r
    return dataclasses.replace(r, text=render_page(r.document, article_dates(r.document)))


def gather(settings: Settings, progress: Progress | None = None) -> tuple[list[SeedResult], list[Problem]]:
    """Every seed gathered into a result (in path order), plus manifest problems."""
    seed_paths, found_manifests = fs.list_seeds(settings.seeds_dir)
    mtables, problems = load_manifests(found_manifests + list(settings.manifests), settings.root, settings.manifest_columns)
    tables = load_tables()
    results = []
    for path in progress(seed_paths) if progress else seed_paths:
        entry = manifest.lookup(path.resolve().as_posix(), mtables)
        results.append(read_one(path, display_path(path, settings.root), entry, tables))
    results = link_near_duplicates(drop_collisions(merge_duplicates(results)))
    return [render(r) for r in results], problems
