"""Render the archive's pages into the site: the changed ones on every core, the others from the
store (gen/site/store.py), then place every page's file in site/.

A page is rendered again when its text, the shell (template, theme assets, site settings, Markdown
extensions), its tag links or the existence of a page it links to changed; otherwise its stored
file is linked into the site as it is.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from gen import frontmatter
from gen.site import page as page_mod
from gen.site.markup import Converter, dest_of
from gen.site.page import Rendered, Source
from gen.site.records import PageInfo
from gen.site.shell import Shell
from gen.site.store import Store, Stored, key_of, place

BATCH = 64  # pages per task handed to a worker
IN_PROCESS = 40  # fewer pages to render than this: no worker processes


@dataclass(frozen=True)
class Job:
    """What every worker needs, the same for all pages of a build (inherited by forked workers)."""

    shell: Shell
    extensions: tuple
    configs: Mapping
    pages: Mapping[str, str]  # docs-relative page -> site-relative address, every page of the site
    tag_urls: Mapping[str, str]  # tag -> site-relative address of its page
    extras: tuple[Callable[[PageInfo], str], ...]
    store: Store


@dataclass(frozen=True)
class Published:
    """The outcome of a build's archive pages."""

    records: tuple[tuple[Source, Stored], ...]  # every page, in order
    rendered: int  # how many were rendered (the others came from the store)
    problems: tuple[str, ...]


_JOB: Job | None = None
_CONVERTER: Converter | None = None


def _render_batch(sources: Sequence[tuple[Source, str]]) -> list[tuple[str, Stored]]:
    """In a worker: render pages, keep each in the store, return what the index keeps of them."""
    global _CONVERTER
    job = _JOB
    assert job is not None
    if _CONVERTER is None:
        _CONVERTER = Converter(job.extensions, job.configs, job.pages)
    out = []
    for src, key in sources:
        out.append((src.src_uri, _keep(job, key, page_mod.render(src, job.shell, _CONVERTER, job.tag_urls, job.extras))))
    return out


def _keep(job: Job, key: str, r: Rendered) -> Stored:
    data = r.html.encode("utf-8")
    content = r.content.encode("utf-8")
    start = data.find(content) if content else 0
    span = (start, start + len(content)) if start >= 0 else (0, 0)
    job.store.put(key, data)
    return Stored(key, r.title, r.fields, span, r.links, r.problems)


def page_key(job: Job, src: Source, tags: Sequence[str]) -> str:
    """The key of everything a page's HTML is made from."""
    chips = "\x1e".join(f"{t}\x1f{job.tag_urls.get(t, '')}" for t in tags)
    return key_of(job.shell.digest, src.src_uri, src.url, str(src.tab), "e" if src.editable else "", chips, src.text)


def _links_hold(stored: Stored, pages: Mapping[str, str]) -> bool:
    return all((target in pages) == found for target, found in stored.links)


def publish(job: Job, sources: Sequence[tuple[Source, Sequence[str]]], site_dir: Path,
            use_directory_urls: bool = True, jobs: int | None = None) -> Published:
    """Render what changed, place every page in the site, keep the store's index; `sources` pairs
    each page with its tags (for its key)."""
    global _JOB, _CONVERTER
    _CONVERTER = None  # a converter knows the pages of the build it was made for
    known = job.store.load()
    todo: list[tuple[Source, str]] = []
    keys: dict[str, str] = {}
    for src, tags in sources:
        key = page_key(job, src, tags)
        keys[src.src_uri] = key
        old = known.get(src.src_uri)
        if old is None or old.key != key or not _links_hold(old, job.pages) or not job.store.has(key):
            todo.append((src, key))
    fresh: dict[str, Stored] = {}
    if todo:
        _JOB = job
        try:
            fresh = dict(_run(todo, jobs))
        finally:
            _JOB, _CONVERTER = None, None
    index: dict[str, Stored] = {}
    records = []
    problems: list[str] = []
    for src, _ in sources:
        stored = fresh.get(src.src_uri) or known[src.src_uri]
        index[src.src_uri] = stored
        records.append((src, stored))
        problems.extend(stored.problems)
        place(job.store.path(stored.key), site_dir / dest_of(src.src_uri, use_directory_urls))
    job.store.save(index)
    job.store.prune({s.key for s in index.values()})
    return Published(tuple(records), len(todo), tuple(problems))


def _run(todo: list[tuple[Source, str]], jobs: int | None) -> Iterator[tuple[str, Stored]]:
    workers = jobs or os.cpu_count() or 1
    if workers == 1 or len(todo) < IN_PROCESS or "fork" not in multiprocessing.get_all_start_methods():
        yield from _render_batch(todo)
        return
    batches = [todo[i:i + BATCH] for i in range(0, len(todo), BATCH)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for done in pool.imap_unordered(_render_batch, batches):
            yield from done


def info_of(src: Source, stored: Stored) -> PageInfo:
    """The record the site's other outputs (exports, feeds) are made from."""
    try:
        body = frontmatter.split(src.text)[1]
    except ValueError:
        body = src.text
    return PageInfo(src.src_uri, src.url, stored.fields, body)
