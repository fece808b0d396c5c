"""Gather: read every seed into a document, then settle what depends on all of them together —
byte-identical duplicates, page-path collisions, near-identical documents — and render the pages.

Reads seeds and manifests (through fs); writes nothing.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gen import cache, fs, manifest
from gen.config import Settings
from gen.indexes import index_record
from gen.model import Meta, Problem, Seed
from gen.identity import name_problem
from gen.sync import Generated
from gen.render import PageParts, assemble, page_parts
from gen.similar import Sketch, near_duplicates, sketch, update_near_duplicates
from gen.tables import Tables, load_tables

if TYPE_CHECKING:
    from gen.model import Document

# The readers, decoders and extractors are imported where a seed is read, not above: a re-run
# that reads no seed (or one) is spared loading them, a tenth of a second.

ManifestTables = list[manifest.ManifestIndex]
Progress = Callable[..., Iterable]  # tqdm-like: progress(iterable, total=None)

# Below this many seeds, starting worker processes costs more than it saves.
PARALLEL_FROM = 200
CHUNK = 32  # seeds per task sent to a worker

DUPLICATE = "duplicate"
ERROR = "error"


@dataclass(frozen=True)
class Summary:
    """What the whole-archive steps need of a document, without the document itself."""

    page: str  # record.page and record.title, read in every whole-archive step: plain
    title: str  # attributes are several times quicker to read than properties
    sha256: str  # of the seed's bytes
    record: Meta  # its index record


@dataclass(frozen=True)
class SeedResult:
    """One seed after gathering: its page, or why it has none."""

    seed: str  # repo-relative path
    summary: Summary | None = None
    problems: tuple[Problem, ...] = ()
    duplicate_of: str | None = None  # the seed whose page stands for this byte-identical one
    duplicate_seeds: tuple[str, ...] = ()  # byte-identical seeds this page stands for
    related: tuple[tuple[str, str], ...] = ()  # (page, title) of near-identical documents
    key: str = ""  # cache key of the read
    normalised: tuple[tuple[str, int], ...] = ()  # routine repairs the reader made: (what, how many)


# What reading one seed yields: its result, the sketch of its text, and the parts of its page
# (None when recalled from the cache).
Read = tuple[SeedResult, "Sketch | None", "PageParts | None"]


def display_path(path: Path, root: Path) -> str:
    """Path relative to the repository root when inside it (POSIX), else absolute."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def seed_jobs(seed_paths: list[str], seeds_dir: Path, root: Path, mtables: "ManifestTables") -> list["Job"]:
    """(path, display path, path inside the seeds folder, manifest entry) per seed; paths resolved
    once for the folder, not per file."""
    base = seeds_dir.resolve()
    shown_base = display_path(seeds_dir, root)
    prefix = os.path.join(seeds_dir, "")  # every listed seed path starts with it
    jobs = []
    for path in seed_paths:
        rel = (path[len(prefix) :] if path.startswith(prefix) else os.path.relpath(path, seeds_dir)).replace(os.sep, "/")
        entry = manifest.lookup(f"{base.as_posix()}/{rel}", mtables) if mtables else None
        jobs.append((path, f"{shown_base}/{rel}", rel, entry))
    return jobs


def _manifest_text(path: Path) -> str:
    from gen.decode import decode

    return decode(fs.read_whole(path))[0]


def load_manifests(paths: list[Path], root: Path, columns: dict[str, str]) -> tuple[ManifestTables, list[Problem]]:
    """Lookup tables for every manifest, and the problems found in them."""
    tables: ManifestTables = []
    problems: list[Problem] = []
    for path in paths:
        shown = display_path(path, root)
        try:
            text = _manifest_text(path)
        except (OSError, ValueError) as exc:  # DecodeError is a ValueError
            problems.append(Problem(shown, f"manifest cannot be read: {exc}"))
            continue
        entries, found = manifest.read_manifest(text, shown, columns)
        index = manifest.index_entries(entries, path.parent.resolve().as_posix())
        problems += [*found, *index.problems]
        tables.append(index)
    return tables, problems


def read_one(path: str, shown: str, rel: str, entry: manifest.Entry | None, tables: Tables) -> tuple[SeedResult, Document | None]:
    """Read, decode and assemble one seed; any failure becomes a problem naming the file."""
    from gen.decode import decode_bytes
    from gen.document import make_document, seed_stem
    from gen.readers import read_seed

    key = ""  # known once the bytes are: then a failure is as much the content's as a page is
    if why := name_problem(rel):
        return SeedResult(shown, problems=(Problem(shown, why),)), None
    try:
        data = fs.read_bytes(path)
        sha = hashlib.sha256(data).hexdigest()
        key = cache.read_key(shown, sha, entry)
        if not data.strip():
            return SeedResult(shown, problems=(Problem(shown, "is empty"),), key=key), None
        decoded = decode_bytes(data)
        seed = Seed(path=shown, stem=seed_stem(shown), sha256=sha, encoding=decoded.encoding, text=decoded.text,
                    encoding_confidence=decoded.confidence, rel=rel)
        doc = make_document(seed, read_seed(seed), entry, tables)
    except OSError as exc:  # the file, not its content: not remembered
        return SeedResult(shown, problems=(Problem(shown, str(exc)),)), None
    except ValueError as exc:  # too large, or undecodable
        return SeedResult(shown, problems=(Problem(shown, str(exc)),), key=key), None
    except Exception as exc:  # a reader bug must not stop the other seeds
        return SeedResult(shown, problems=(Problem(shown, f"internal error while reading: {exc!r}"),), key=key), None
    record = index_record(doc)
    summary = Summary(record.page, record.title, sha, record)
    warnings = tuple(Problem(shown, w, severity="warning") for w in (*decoded.warnings, *doc.warnings))
    return SeedResult(shown, summary, problems=warnings, key=key, normalised=doc.reading.normalised), doc


def _groups(results: list[SeedResult], key: Callable[[Summary], str]) -> list[list[SeedResult]]:
    """Results with a page whose key (seed hash, page path) they share with another, in groups."""
    counts = Counter(key(r.summary) for r in results if r.summary)
    groups: dict[str, list[SeedResult]] = {}
    for r in results:
        if r.summary and counts[key(r.summary)] > 1:
            groups.setdefault(key(r.summary), []).append(r)
    return list(groups.values())


def merge_duplicates(results: list[SeedResult], owners: frozenset[str] = frozenset()) -> list[SeedResult]:
    """Byte-identical seeds: one keeps its page and names the others in it: the one that already
    has a page (so a copy added later never takes a page over), else the first by path."""
    replaced: dict[int, SeedResult] = {}  # id(result) -> what stands for it
    for group in _groups(results, lambda s: s.sha256):
        primary, *copies = sorted(group, key=lambda r: (r.seed not in owners, r.seed))
        replaced[id(primary)] = dataclasses.replace(primary, duplicate_seeds=tuple(sorted(c.seed for c in copies)))
        for r in copies:
            note = Problem(r.seed, f"byte-identical to {primary.seed}; its page stands for both", severity="warning")
            replaced[id(r)] = SeedResult(r.seed, problems=r.problems + (note,), duplicate_of=primary.seed, key=r.key)
    return [replaced.get(id(r), r) for r in results]


def drop_collisions(results: list[SeedResult], owners: frozenset[str] = frozenset()) -> list[SeedResult]:
    """Seeds that would write the same page: the one that already has it keeps it; the others
    are refused, each naming the rest."""
    replaced: dict[int, SeedResult] = {}
    for group in _groups(results, lambda s: s.page):
        owner = [r for r in group if r.seed in owners][:1]
        for r in group:
            if r in owner:
                continue
            others = ", ".join(o.seed for o in group if o is not r)
            msg = f"would write the same page {r.summary.page} as {others}; rename one of them"  # type: ignore[union-attr]
            replaced[id(r)] = SeedResult(r.seed, problems=r.problems + (Problem(r.seed, msg),), key=r.key)
    return [replaced.get(id(r), r) for r in results]


def place(results: list[SeedResult], placed: Mapping[str, str]) -> list[SeedResult]:
    """Pages an editor moved stay where they put them: seed -> page."""
    if not placed:
        return results
    out = []
    for r in results:
        if r.summary and r.seed in placed:
            page = placed[r.seed]
            r = dataclasses.replace(r, summary=dataclasses.replace(r.summary, page=page, record=dataclasses.replace(r.summary.record, page=page)))
        out.append(r)
    return out


def link_near_duplicates(results: list[SeedResult], sketch_of: dict[str, Sketch], c: cache.Cache) -> tuple[list[SeedResult], tuple[dict, dict]]:
    """Every document learns the pages of near-identical documents (updating last run's answer
    when the build cache has it: only pairs near a changed document are compared again), and
    what to remember of it. `sketch_of`: read key -> the sketch of its text."""
    titles = {r.summary.page: r.summary.title for r in results if r.summary}
    compared = {r.summary.page: r.key for r in results if r.summary and r.key in sketch_of}
    new = [_keyed(sketch_of[key], page) for page, key in sorted(compared.items())]
    old_keys, old_linked = c.near  # page -> read key, as compared last time
    old = [_keyed(c.reads[key][1], page) for page, key in old_keys.items() if key in c.reads]
    if old_keys and len(old) == len(old_keys):
        linked = update_near_duplicates(old, old_linked, new)
    else:
        linked = near_duplicates(new)
    out = []
    for r in results:
        if r.summary and r.summary.page in linked:
            r = dataclasses.replace(r, related=tuple((p, titles[p]) for p in linked[r.summary.page] if p in titles))
        out.append(r)
    return out, (compared, linked)


def _keyed(s: Sketch, page: str) -> Sketch:
    """A sketch keyed by the page it is compared as (a page an editor moved is not at the path
    its seed would give it)."""
    return s if s.key == page else dataclasses.replace(s, key=page)


def render(r: SeedResult, parts: PageParts | None, c: cache.Cache) -> tuple[tuple, Generated]:
    """The page of a gathered document, from the parts rendered when it was read, with its cache
    key. When nothing the page depends on changed, the cache knows its hash, and the text is
    fetched later only if something is to be written (see fetch_text)."""
    page = r.summary.page  # type: ignore[union-attr]
    key = (r.key, page, r.duplicate_seeds, r.related)
    sha = c.pages.get(key)
    if sha is not None:
        return key, Generated(sha)
    if parts is not None:
        return key, Generated.of(assemble(dataclasses.replace(parts, page=page), r.duplicate_seeds, r.related))
    return key, Generated("")  # fetched by fetch_text


def fetch_text(r: SeedResult, job: "Job", new: Generated, docs_dir: Path) -> Generated:
    """The text of a page known so far by its hash: its kept base copy, or the seed read again
    (its content is known by its hash, so the document is the same)."""
    from gen.document import article_dates

    if new.text is not None:
        return new
    if new.sha256 and (text := fs.read_base(docs_dir, new.sha256)) is not None and fs.text_digest(text) == new.sha256:
        return Generated(new.sha256, text)
    found, doc = read_one(*job, load_tables())
    if doc is None or found.key != r.key:
        raise ValueError(f"{r.seed}: changed while the generator ran; run it again")
    parts = dataclasses.replace(page_parts(doc, article_dates(doc)), page=r.summary.page)  # type: ignore[union-attr]
    return Generated.of(assemble(parts, r.duplicate_seeds, r.related))


Job = tuple[str, str, str, "manifest.Entry | None"]  # (file, display path, path inside the seeds folder, manifest entry)


def _read_job(job: Job) -> Read:
    """Worker: one seed read, the sketch of its text and its page's parts (rendered where it is read)."""
    from gen.document import article_dates

    result, doc = read_one(*job, load_tables())
    if doc is None:
        return result, None, None
    return result, sketch(doc.page, doc.reading.text), page_parts(doc, article_dates(doc))


def read_all(jobs: list[Job], workers: int, progress: Progress | None) -> list[Read]:
    """Read every seed, in order; on several processes when there are enough seeds to pay for them."""
    if workers <= 1 or len(jobs) < PARALLEL_FROM:
        items = progress(jobs) if progress else jobs
        return [_read_job(j) for j in items]
    load_tables()  # loaded once here; forked workers inherit it
    # Workers collect cycles as usual (the parent pauses the collector; readers build trees), and
    # leave Ctrl-C to the parent, which stops them.
    with multiprocessing.get_context("fork").Pool(workers, initializer=_worker_init) as pool:
        results = pool.imap(_read_job, jobs, chunksize=CHUNK)
        return list(progress(results, total=len(jobs)) if progress else results)


def _worker_init() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.enable()


def read_or_recall(jobs: list[Job], c: cache.Cache, workers: int, progress: Progress | None) -> tuple[list[Read], dict, dict]:
    """Each seed's read from the cache when its content, manifest entry and the generator are
    unchanged; the others read now (in parallel). Also what to remember: the reads and the
    seeds' Stats."""
    out: list[Read | None] = []
    todo: list[tuple[int, Job]] = []
    known: dict[str, cache.Stat] = {}
    before: dict[str, tuple[int, int]] = {}  # (mtime, size) of the others, taken before they are read
    for i, (path, shown, rel, entry) in enumerate(jobs):
        # A file with new stats is hashed to find its read; with nothing cached, it is just read.
        if (stat := c.known_stat(path)) is not None:
            known[path] = stat
        else:
            try:
                before[path] = fs.file_stat(path)
            except OSError:
                pass
        sha = stat[2] if stat else (fs.sha256_of(path) if c.reads else None)
        hit = c.reads.get(cache.read_key(shown, sha, entry)) if sha else None
        out.append(hit)
        if hit is None:
            todo.append((i, (path, shown, rel, entry)))
    for (i, _), read in zip(todo, read_all([j for _, j in todo], workers, progress), strict=True):
        out[i] = read
    reads: dict[str, tuple] = {}
    stats: dict[str, cache.Stat] = {}
    for (path, _, _, _), read in zip(jobs, out, strict=True):
        result, found, _ = read  # type: ignore[misc]
        if result.key:
            reads[result.key] = (result, found, None)
            if result.summary:
                # The stamp the file had before it was hashed or read: a save since gives it another.
                sha = result.summary.sha256
                known_stat = known.get(path)
                if known_stat is not None and known_stat[2] == sha:
                    stats[path] = known_stat
                elif path in before:
                    stats[path] = (*before[path], sha)
    return out, reads, stats  # type: ignore[return-value]


@dataclass(frozen=True)
class Gathered:
    """Every seed gathered: a result per seed (in path order), the page each readable seed wants
    with what the generator makes for it, the problems of the listing and the manifests, and
    what the cache should remember of the seeds."""

    results: list[SeedResult]
    pages: dict[str, tuple[SeedResult, Job, Generated]]  # page -> (result, job, generated)
    problems: list[Problem]
    failed: frozenset[str]  # seeds that exist but have no page this time (unreadable, refused)
    used: cache.Used  # reads, rendered pages' hashes, seed Stats, near-duplicates


def gather(settings: Settings, c: cache.Cache, owners: frozenset[str] = frozenset(), placed: Mapping[str, str] | None = None,
           progress: Progress | None = None) -> Gathered:
    """Read every seed (or recall it from the cache) and settle what depends on all of them.
    `owners`: seeds that have a page already; `placed`: seed -> page for pages an editor moved."""
    listing = fs.list_seeds(settings.seeds_dir)
    mtables, problems = load_manifests(listing.manifests + list(settings.manifests), settings.root, settings.manifest_columns)
    jobs = seed_jobs(listing.seeds, settings.seeds_dir, settings.root, mtables)
    if mtables:
        base = settings.seeds_dir.resolve().as_posix()
        problems += manifest.unmatched(mtables, [f"{base}/{rel}" for _, _, rel, _ in jobs])
    reads, used_reads, stats = read_or_recall(jobs, c, settings.workers, progress)
    sketch_of = {r.key: s for r, s, _ in reads if s}
    results = place(drop_collisions(merge_duplicates([r for r, _, _ in reads], owners), owners), placed or {})
    results, near = link_near_duplicates(results, sketch_of, c)
    pages: dict[str, tuple[SeedResult, Job, Generated]] = {}
    rendered: dict[tuple, str] = {}
    for r, job, (_, _, parts) in zip(results, jobs, reads, strict=True):
        if r.summary:
            key, new = render(r, parts, c)
            pages[r.summary.page] = (r, job, new)
            if new.sha256:
                rendered[key] = new.sha256
    for path, why in listing.skipped:
        shown = display_path(Path(path), settings.root) if not os.path.islink(path) else _shown_link(path, settings.root)
        results.append(SeedResult(shown, problems=(Problem(shown, why),)))
    results.sort(key=lambda r: r.seed)
    failed = frozenset(r.seed for r in results if r.summary is None and r.duplicate_of is None)
    return Gathered(results, pages, problems, failed, cache.Used(reads=used_reads, pages=rendered, stats=stats, near=near))


def _shown_link(path: str, root: Path) -> str:
    """A link's own path (not its target's), relative to the root when inside it."""
    folder = display_path(Path(path).parent, root)
    return f"{folder}/{Path(path).name}"
