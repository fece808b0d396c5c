"""Render the archive's pages into the site: the changed ones on every core, the others from the
store (gen/site/store.py), then place every page's file in site/.

A page is rendered again when its text, the shell (template, theme assets, site settings, Markdown
extensions), its tag links or the existence of a page it links to changed; otherwise its stored
file is linked into the site as it is.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from gen import frontmatter
from gen.export.files import may_publish
from gen.fs import text_digest
from gen.search.segments import body_digest
from gen.site import page as page_mod
from gen.site.markup import Converter, dest_of
from gen.site.page import Rendered, Source
from gen.site.records import PageInfo
from gen.site.shell import Shell
from gen.site.store import Store, Stored, compact, key_of, place

BATCH = 64  # pages per task handed to a worker
START_METHOD = "forkserver"
IN_PROCESS = 40  # fewer pages to render than this: no worker processes
# A build that renders at least 1/FULL_PRUNE of the pages looks at every stored page for ones no
# index names (left by stopped builds, or by shells no longer kept); the others drop only the
# pages they replaced, instead of listing 100,000 files to re-publish one seed.
FULL_PRUNE = 10


@dataclass(frozen=True)
class Job:
    """What every worker needs, the same for all pages of a build (sent to each worker once)."""

    shell: Shell
    extensions: tuple
    configs: Mapping
    pages: Mapping[str, str]  # docs-relative page -> site-relative address, every page of the site
    tag_urls: Mapping[str, str]  # tag -> site-relative address of its page
    extras: tuple[Callable[[PageInfo], str], ...]
    store: Store
    root: str = ""  # the project folder: `seed:` paths are relative to it


@dataclass(frozen=True)
class Published:
    """The outcome of a build's archive pages."""

    records: tuple[tuple[Source, Stored], ...]  # every page, in order
    rendered: int  # how many were rendered (the others came from the store)
    problems: tuple[str, ...]


_JOB: Job | None = None
_CONVERTER: Converter | None = None
_REAL: dict[str, str] = {}  # where the seeds' folders are (see seed_path), found once per build in each process


def _render_batch(sources: Sequence[tuple[Source, str]]) -> list[tuple[str, Stored]]:
    """In a worker: render pages, keep each in the store, return what the index keeps of them."""
    global _CONVERTER
    job = _JOB
    assert job is not None
    if _CONVERTER is None:
        _CONVERTER = Converter(job.extensions, job.configs, job.pages)
    out = []
    for src, key in sources:
        if src.text is None and src.digest:
            text = src.read()
            if text_digest(text) != src.digest:
                # Saved after the build looked at it: rendered as it is now, under a key no build
                # asks for (not its old text's), so the next build renders it again under its own.
                key = key_of(key, "saved while the build ran")
            src = replace(src, text=text)
        rendered = page_mod.render(src, job.shell, _CONVERTER, job.tag_urls, job.extras)
        out.append((src.src_uri, _keep(job, key, rendered)))
    return out


def _keep(job: Job, key: str, r: Rendered) -> Stored:
    data = r.html.encode("utf-8")
    content = r.content.encode("utf-8")
    start = data.find(content) if content else 0
    span = (start, start + len(content)) if start >= 0 else (0, 0)
    job.store.put(key, data)
    seed = r.fields.get("seed")
    files = ((seed, may_publish(job.root, seed, _REAL)),) if isinstance(seed, str) and seed else ()
    return Stored(key, r.title, r.fields, span, r.links, r.problems, files, body_digest(data[span[0]:span[1]]))


def page_key(job: Job, src: Source, tags: Sequence[str]) -> str:
    """The key of everything a page's HTML is made from."""
    chips = "\x1e".join(f"{t}\x1f{job.tag_urls.get(t, '')}" for t in tags)
    return key_of(job.shell.digest, src.src_uri, src.url, str(src.tab), "e" if src.editable else "", chips,
                  src.digest or text_digest(src.read()))


def _still_holds(stored: Stored, pages: Mapping[str, str], root: str, real: dict[str, str]) -> bool:
    """Whether the pages it links and the files it shows are as they were when it was rendered
    (`real`: where the seeds' folders are, found once per build; see seed_path)."""
    return (all((target in pages) == found for target, found in stored.links)
            and all(may_publish(root, path, real) == found for path, found in stored.files))


def publish(job: Job, sources: Sequence[tuple[Source, Sequence[str]]], site_dir: Path,
            use_directory_urls: bool = True, jobs: int | None = None,
            each: Callable[[Source, Stored], None] | None = None) -> Published:
    """Render what changed, place every page in the site, keep the store's index; `sources` pairs
    each page with its tags (for its key). `each` gets every page once it is in the store (its
    body's HTML: Store.content, or the file and span for another process to read), in the order
    of `sources`, while the workers render the pages after it (search indexes meanwhile)."""
    global _JOB, _CONVERTER
    _CONVERTER = None  # a converter knows the pages of the build it was made for
    _REAL.clear()
    known = job.store.load()
    todo: list[tuple[Source, str]] = []
    for src, tags in sources:
        key = page_key(job, src, tags)
        old = known.get(src.src_uri)
        if old is None or old.key != key or not _still_holds(old, job.pages, job.root, _REAL) or not job.store.has(key):
            todo.append((src, key))
    index: dict[str, Stored] = {}
    records = []
    site = str(site_dir)
    problems: list[str] = []
    filled = False
    _JOB = job
    try:
        # The workers' pages come back in the order of `todo`, a subsequence of `sources`.
        fresh = _results(todo, jobs)
        pending = {src.src_uri for src, _ in todo}
        for src, _ in sources:
            if src.src_uri in pending:
                uri, stored = next(fresh)
                assert uri == src.src_uri, (uri, src.src_uri)
                stored = compact(stored)
            else:
                stored = known[src.src_uri]
                if not stored.body:  # kept by an earlier release: its digest, once (search names its segments by it)
                    stored = job.store.with_body(stored)
                    filled = True
            index[src.src_uri] = stored
            records.append((src, stored))
            problems.extend(stored.problems)
            place(job.store.file(stored.key), f"{site}{os.sep}{dest_of(src.src_uri, use_directory_urls)}")
            if each:
                each(src, stored)
    finally:
        _JOB, _CONVERTER = None, None
    if todo or filled or index.keys() != known.keys():  # else the store's index is as it was
        job.store.save(index)
        if len(todo) * FULL_PRUNE >= len(sources):  # many pages rendered: look at every stored one
            job.store.prune({s.key for s in index.values()})
        else:  # a few: drop just the pages they replace
            job.store.drop({s.key for s in known.values()} - {s.key for s in index.values()})
    return Published(tuple(records), len(todo), tuple(problems))


def _results(todo: list[tuple[Source, str]], jobs: int | None) -> Iterator[tuple[str, Stored]]:
    """The rendered pages in the order of `todo`: in this process for a few, else on every core."""
    workers = jobs or os.cpu_count() or 1
    if workers == 1 or len(todo) < IN_PROCESS or START_METHOD not in multiprocessing.get_all_start_methods():
        for i in range(0, len(todo), BATCH):
            yield from _render_batch(todo[i:i + BATCH])
        return
    batches = [todo[i:i + BATCH] for i in range(0, len(todo), BATCH)]
    # Workers start from a small server process, not from this one (a fork of a build holding
    # 100,000 pages' records would soon copy them into every worker), and get the job once.
    with multiprocessing.get_context(START_METHOD).Pool(workers, initializer=_start, initargs=(_JOB,)) as pool:
        for done in pool.imap(_render_batch, batches):
            yield from done


def _start(job: Job) -> None:
    global _JOB, _CONVERTER
    _JOB, _CONVERTER = job, None
    _REAL.clear()


def info_of(src: Source, stored: Stored) -> PageInfo:
    """The record the site's other outputs (exports, feeds) are made from; its body is read when asked for."""
    return PageInfo(src.src_uri, src.url, stored.fields, functools.partial(_body, src))


def _body(src: Source) -> str:
    text = src.read()
    try:
        return frontmatter.split(text)[1]
    except ValueError:
        return text
