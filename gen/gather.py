"""Gather: read every seed into a document, then settle what depends on all of them together —
byte-identical duplicates, page-path collisions, near-identical documents — and render the pages.

Reads seeds and manifests (through fs); writes nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
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
from gen.similar import Sketch, near_duplicates, sketch
from gen.tables import Tables, load_tables

ManifestTables = list[tuple[dict[str, manifest.Entry], dict[str, manifest.Entry]]]
Progress = Callable[..., Iterable]  # tqdm-like: progress(iterable, total=None)

# Below this many seeds, starting worker processes costs more than it saves.
PARALLEL_FROM = 200
CHUNK = 32  # seeds per task sent to a worker

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


def link_near_duplicates(results: list[SeedResult], sketches: dict[str, Sketch]) -> list[SeedResult]:
    """Every document learns the pages of near-identical documents."""
    docs = {r.document.page: r.document for r in results if r.document}
    linked = near_duplicates([s for page, s in sorted(sketches.items()) if page in docs])
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


Job = tuple[Path, str, "manifest.Entry | None"]


def _read_job(job: Job) -> tuple[SeedResult, Sketch | None]:
    """Worker: one seed read, and the sketch of its text (computed where the text already is)."""
    path, shown, entry = job
    r = read_one(path, shown, entry, load_tables())
    if not r.document:
        return r, None
    reading = r.document.reading
    found = sketch(r.document.page, reading.text)
    # Send the record back without the text caches the extractors filled in: half the pickling.
    slim = dataclasses.replace(r.document, reading=dataclasses.replace(reading))
    return dataclasses.replace(r, document=slim), found


def read_all(jobs: list[Job], workers: int, progress: Progress | None) -> list[tuple[SeedResult, Sketch | None]]:
    """Read every seed, in order; on several processes when there are enough seeds to pay for them."""
    if workers <= 1 or len(jobs) < PARALLEL_FROM:
        items = progress(jobs) if progress else jobs
        return [_read_job(j) for j in items]
    load_tables()  # loaded once here; forked workers inherit it
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = pool.imap(_read_job, jobs, chunksize=CHUNK)
        return list(progress(results, total=len(jobs)) if progress else results)


def gather(settings: Settings, progress: Progress | None = None) -> tuple[list[SeedResult], list[Problem]]:
    """Every seed gathered into a result (in path order), plus manifest problems."""
    seed_paths, found_manifests = fs.list_seeds(settings.seeds_dir)
    mtables, problems = load_manifests(found_manifests + list(settings.manifests), settings.root, settings.manifest_columns)
    jobs = [(p, display_path(p, settings.root), manifest.lookup(p.resolve().as_posix(), mtables)) for p in seed_paths]
    read = read_all(jobs, settings.workers, progress)
    sketches = {r.document.page: s for r, s in read if r.document and s}
    results = drop_collisions(merge_duplicates([r for r, _ in read]))
    results = link_near_duplicates(results, sketches)
    return [render(r) for r in results], problems
