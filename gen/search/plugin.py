"""MkDocs plugin `archive-search`: build the sharded search index and put it behind Material's search box.

It replaces Material's `search` plugin (list `archive-search` instead of `search` in mkdocs.yml):

- Material shows its header search box only when a plugin named `material/search` is configured
  and enabled (partials/header.html), so this plugin also answers to that name;
- every page's rendered HTML is indexed as the reader sees it (on_page_content), with the facets
  of its front matter (district, source, date, tags: gen/search/facets.py), unless its front
  matter says `search: {exclude: true}`; by default a child process indexes (gen/search/sink.py),
  so the work runs beside MkDocs' rendering on the second core;
- the pages are indexed in segments (gen/search/segments.py), each kept in
  build/cache/search-segments/ for the next build, which indexes only the segments whose pages
  changed; segments a full build did not use are deleted once its index is written;
- after the build, the index goes to `site/search/<build>/`, and `site/search/search_index.json`
  (the file Material's bundle fetches and hands to the worker) carries only the configuration,
  which names the build;
- the theme override (overrides/main.html) points Material's `search` worker setting at
  `assets/javascripts/archive-search/worker.js` and adds the page helper, using the
  `archive_search` template global set here.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import pickle
import threading
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from gen.config import CACHE_DIR, cache_name, project_folder
from gen.fs import write_bytes_atomic
from gen.search import FOLDER
from gen.search.facets import Facets, facets_of
from gen.search.index import Limits
from gen.search.segments import sweep
from gen.search.sink import AHEAD, FILES, ChildSink, Html, LocalSink, SearchBuildError, SplitSink, save_plan

log = logging.getLogger("mkdocs.plugins.gen.search")

WORKER = "assets/javascripts/archive-search/worker.js"
PAGE_SCRIPT = "assets/javascripts/archive-search/page.js"
MATERIAL_NAME = "material/search"
# Rendered pages kept for dirty builds, beside the generator's cache (not published, not in git).
STORE = CACHE_DIR / "search-pages.pickle"
# Each segment of pages indexed once, for the next build (gen/search/segments.py).
SEGMENTS = CACHE_DIR / "search-segments"


class ArchiveSearchConfig(Config):
    """Options under `- archive-search:` in mkdocs.yml."""

    # Material's header reads `config.plugins["material/search"].config.enabled`.
    enabled = c.Type(bool, default=True)
    # Pages whose records the worker fetches before it answers (the first screen); the others
    # are fetched as the reader scrolls to them.
    results = c.Type(int, default=10)
    limited = c.Deprecated(removed=True, message="archive-search: the option `limited` was removed: every result is shown as the list scrolls")
    # Index in a child process, on the second core (false: in the MkDocs process).
    background = c.Type(bool, default=True)
    # Child processes indexing in the background: 2 index the first and the second half of the
    # pages side by side (the same index, made on two cores), 1 indexes them all.
    processes = c.Choice((1, 2), default=2)
    bucket_bytes = c.Type(int, default=Limits.bucket_bytes)
    big_bytes = c.Type(int, default=Limits.big_bytes)


class ArchiveSearchPlugin(BasePlugin[ArchiveSearchConfig]):
    """Registered as `archive-search` (pyproject entry point)."""

    def __init__(self):
        self.sink: LocalSink | ChildSink | SplitSink | None = None
        self.versions: dict[str, str] = {}
        # A dirty build (`mkdocs serve --dirty`, `mkdocs build --dirty`) renders only the pages
        # that changed; the others are indexed from what they were last time (page URL -> (title,
        # html, facets as plain values)). MkDocs keeps a plugin that has on_startup for a whole
        # serve session; between processes the pages are kept in the project's build cache.
        self.dirty = False
        self.serving = False  # `mkdocs serve`: its site folder's index files are recorded apart
        self.store: Path | None = None
        self.segments: Path | None = None
        self.pending: threading.Thread | None = None  # a dirty build's index, still being written
        self.rendered: dict[str, tuple[str, str, dict]] = {}
        self.added: set[str] = set()
        self.current: set[str] = set()
        self.later: list = []  # see add_later
        self.index_bytes: int | None = None  # the last full build's index files (the archive plugin weighs the site)

    def on_startup(self, *, command, dirty):
        self.dirty = dirty
        self.serving = command == "serve"

    def on_shutdown(self):
        self._wait()

    def _wait(self) -> None:
        if self.pending is not None:
            self.pending.join()
            self.pending = None

    def on_config(self, config):
        if not self.config.enabled:
            return config
        root = project_folder(config)
        self.store, self.segments = root / STORE, root / SEGMENTS
        if self.dirty and not self.rendered:
            self.rendered = _load_pages(self.store)
        plugins = config.plugins
        other = plugins.get(MATERIAL_NAME)
        if other is not None and other is not self:
            raise PluginError("archive-search replaces Material's search plugin: remove `search` from `plugins` in mkdocs.yml")
        # dict.__setitem__: an alias for the theme's templates only; going through
        # PluginCollection.__setitem__ would register this plugin's events a second time.
        dict.__setitem__(plugins, MATERIAL_NAME, self)
        return config

    def on_pre_build(self, *, config):
        self._wait()
        self.index_bytes = None
        self.later = []  # the previous dirty build's index must be complete before the next starts
        if self.config.enabled:
            limits = Limits(bucket_bytes=self.config.bucket_bytes, big_bytes=self.config.big_bytes)
            two = self.config.processes == 2 and (os.cpu_count() or 1) > 1
            kept = cache_name(FILES, self.serving)
            if not self.config.background:
                self.sink = LocalSink(limits, self.config.results, self.segments, kept=kept)
            else:
                # A full build's processes read ahead what they were given last time (a dirty
                # build's pages come in another order).
                ahead = self._plan if not self.dirty and self._plan.is_file() else None
                if two:
                    self.sink = SplitSink(limits, self.config.results, self.segments, kept=kept, ahead=ahead)
                else:
                    self.sink = ChildSink(limits, self.config.results, self.segments, kept=kept, ahead=(ahead, 0) if ahead else None)

    @property
    def _plan(self) -> Path:
        """What each indexing process was given in the last full build, beside the segments (sink.save_plan)."""
        return self.segments.parent / cache_name(AHEAD, self.serving)

    def on_files(self, files, *, config):
        if not self.config.enabled:
            return files
        self.current = {f.url for f in files.documentation_pages()}
        self.added = set()
        self.versions = {}
        for path in (WORKER, PAGE_SCRIPT):
            found = files.get_file_from_path(path)
            if found is None:
                raise PluginError(f"archive-search: {path} is missing; it ships in the theme override folder (overrides/{path})")
            self.versions[path] = hashlib.sha256(found.content_bytes).hexdigest()[:10]
        return files

    def worker_url(self) -> str:
        """The search worker's site-relative address, versioned by its content."""
        return f"{WORKER}?v={self.versions[WORKER]}"

    def script_url(self) -> str:
        """The page helper's site-relative address, versioned by its content."""
        return f"{PAGE_SCRIPT}?v={self.versions[PAGE_SCRIPT]}"

    def on_env(self, env, *, config, files):
        if self.config.enabled:
            env.globals["archive_search"] = {"worker": self.worker_url(), "script": self.script_url()}
        return env

    def expect(self, pages: int) -> None:
        """`pages` pages rendered elsewhere come next (they are split between the indexing processes)."""
        if isinstance(self.sink, SplitSink):
            self.sink.expect(pages)

    def add_later(self, pages) -> None:
        """Pages rendered outside MkDocs to index after this dirty build's own, in the background
        (an iterable of (url, title, html, front matter), read only then)."""
        self.later.append(pages)

    def add_rendered(self, url: str, title: str, html: Html, meta) -> None:
        """A page rendered outside MkDocs (the archive plugin's, gen/site/), indexed like the others:
        its HTML, or where its renderer keeps it (read by the indexing process). The renderer
        keeps it between builds, so it is not kept here for dirty builds."""
        if self.sink is not None and not _excluded(meta):
            self._add(url, title, html, facets_of(meta))

    def on_page_content(self, html, *, page, config, files):
        if self.sink is not None and not _excluded(page.meta):
            title = str(page.title or config.site_name)
            facets = facets_of(page.meta)
            self._add(page.url, title, html, facets)
            self.rendered[page.url] = (title, html, facets.to_json())
        return html

    def _add(self, url: str, title: str, html: Html, facets: Facets) -> None:
        try:
            self.sink.add(url, title, html, facets)  # type: ignore[union-attr]
        except SearchBuildError as exc:
            raise PluginError(str(exc)) from exc
        self.added.add(url)

    def on_post_build(self, *, config):
        if self.sink is None:
            return
        sink, self.sink = self.sink, None
        root = Path(config.site_dir) / FOLDER
        self.rendered = {u: v for u, v in self.rendered.items() if u in self.current}
        if not self.dirty:
            # Nobody reads the site folder of `mkdocs build` while it is made: the last index's folder is taken over.
            self.index_bytes = _finish(sink, root, self.segments, in_place=not self.serving, plan=self._plan)
            _save_pages(self.store, self.rendered)
            return
        # A dirty build: the pages it did not render are indexed as they were last time, and the
        # edited page is served at once; the index follows a moment later.
        rest = [(url, *self.rendered[url]) for url in sorted(self.current - self.added) if url in self.rendered]
        if self.later:
            rest = itertools.chain(rest, *self.later)
            self.later = []
        self.pending = threading.Thread(target=_finish_and_keep, args=(sink, root, rest, self.store, dict(self.rendered)), daemon=True)
        self.pending.start()

    def on_build_error(self, *, error):
        if self.sink is not None:
            self.sink.abort()
            self.sink = None


def _load_pages(store: Path | None) -> dict[str, tuple[str, str, dict]]:
    """The pages kept by the last build (empty when there are none or they cannot be read).

    A cache written before facets were indexed holds (title, html): those pages come back with
    no facets until they are rendered again (the next full build)."""
    try:
        data = pickle.loads(store.read_bytes()) if store else {}
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {url: (*page[:2], page[2] if len(page) > 2 else {}) for url, page in data.items()
            if isinstance(page, tuple) and len(page) in (2, 3)}


def _save_pages(store: Path | None, pages: dict[str, tuple[str, str, dict]]) -> None:
    """Keep the rendered pages for the next dirty build (atomically)."""
    if store is None:
        return
    try:
        write_bytes_atomic(store, pickle.dumps(pages, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError as exc:  # the cache is disposable: the next dirty build renders every page
        log.info("search: the page cache %s could not be saved (%s)", store, exc)


def _finish_and_keep(sink, root: Path, rest, store: Path | None, pages: dict[str, tuple[str, str, dict]]) -> None:
    # A dirty build feeds its edited pages first, so some of its segments are not a full build's:
    # it sweeps nothing, and the next full build (`make site`) still finds its own segments.
    _finish(sink, root, None, rest)
    _save_pages(store, pages)


def _finish(sink: LocalSink | ChildSink | SplitSink, root: Path, segments: Path | None,
            rest: list[tuple[str, str, str, dict]] = (), in_place: bool = False, plan: Path | None = None) -> int | None:
    """Add the remaining pages, write the index (`in_place`: see index._write), drop the segments
    (in the folder `segments`, when given) it did not use, keep what each indexing process was
    given (in `plan`, when given: the next build reads it ahead) and say what it holds; the bytes
    of its files (None when it failed)."""
    try:
        for url, title, html, facets in rest:
            sink.add(url, title, html, facets_of(facets))
        done = sink.finish(root, in_place)
    except SearchBuildError as exc:
        if rest:  # in the background thread of a dirty build: say it, the next build retries
            log.error(f"archive-search: {exc}")
            return None
        raise PluginError(str(exc)) from exc
    if segments is not None:  # only now: the index is written, and no segment is read any more
        sweep(segments, done.segments.files)
    if plan is not None:
        save_plan(plan, done.ahead)
    s, seg = done.stats, done.segments
    where = {ChildSink: "in a child process", SplitSink: "in two child processes"}.get(type(sink), "in process")
    kept = f", {seg.reused} of {len(seg.used)} segments re-used" if seg.used else ""
    log.info(
        f"archive-search: {s.pages} pages, {s.sections} sections, {s.keys} keys in {s.buckets} buckets, "
        f"{s.total_bytes / 1e6:.1f} MB in {s.files} files; {done.seconds:.1f} s {where}{kept}"
    )
    return s.total_bytes


def _excluded(meta: dict) -> bool:
    search = meta.get("search") if isinstance(meta, dict) else None
    return isinstance(search, dict) and bool(search.get("exclude"))
