"""MkDocs plugin `archive`: check every page's front matter, make the index pages, redirect moved
pages, and never read docs/ while a generator build is writing it.

MkDocs 1.6 silently drops front matter it cannot parse; here every problem is logged with file,
line and field first, so `mkdocs build --strict` fails on it. The index pages (home, timeline,
districts, sources, tags) are made here, on every build and serve, from the front matter as it
stands, so an editor's corrected district or date shows on them at once; they are this plugin's
alone (`gen build` writes none). A page an editor puts at an index page's path is shown instead.
The tag chips on a page link to the tag's own index page (this plugin, not Material's `tags`
plugin, whose single listing page grows with the archive).
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import posixpath
import re
import threading
from contextlib import ExitStack
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote

from markupsafe import Markup
from markupsafe import escape as html_escape
from mkdocs.config import config_options
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from gen import fs, guard
from gen.check import read_page
from gen.config import CACHE_DIR, OPTION_DEFAULTS, cache_name, project_folder
from gen.export.addresses import FILES_DIR as FILES_FOLDER
from gen.identity import ARCHIVE
from gen.indexes import MIN_PAGE_SIZE, PAGE_SIZE, TAGS_INDEX, tag_pages
from gen.model import Meta, Problem
from gen.render import HTML_META_KEYS, TAGS_KEY, escape_meta
from gen.search import FOLDER as SEARCH_FOLDER
from gen.site import page as site_page
from gen.site import kept_indexes, stamps
from gen.site.aside import KEEP, RECORD, SetAside, put_back, save_record, set_aside, sweep, take_record
from gen.site.compiled import FOLDER as TEMPLATES
from gen.site.compiled import TemplateCache
from gen.site.extras import PAGE_TEXT_SCRIPT, document_extras
from gen.site.facts import address, site_info, tab_of
from gen.site.markup import dest_of
from gen.site.outputs import Outputs
from gen.site.page import Source, TagUrls
from gen.site.preview import LastBuild, Preview
from gen.site.publish import Job, publish
from gen.site.shell import Script, code_digest, make_shell
from gen.site.size import GITHUB_PAGES_MB, size_warning
from gen.site.sitemap import sitemaps
from gen.site.store import Store
from gen.site.unused import drop_unused
from gen.state import Entry

log = logging.getLogger("mkdocs.plugins.gen")

REDIRECTS = "redirects"  # mkdocs-redirects writes the pages that send old addresses on
SEARCH = "archive-search"
PAGE_STORE = Path("build") / "pages"  # rendered pages kept between builds (gen/site/store.py)


class SiteFile(File):
    """A page this plugin renders itself: MkDocs finds it (links to it resolve and are checked)
    but neither renders nor copies it."""

    @classmethod
    def standing_for(cls, file: File, config) -> SiteFile:
        return cls(file.src_uri, None, config["site_dir"], config["use_directory_urls"], dest_uri=file.dest_uri)

    def is_documentation_page(self) -> bool:
        return False

    def is_static_page(self) -> bool:
        return False

    def is_media_file(self) -> bool:
        return False

    def is_javascript(self) -> bool:
        return False

    def is_css(self) -> bool:
        return False

    def copy_file(self, dirty: bool = False) -> None:
        pass


# (path, mtime_ns, size) -> digest of a page's text: a page is read again only when it changed,
# within a `mkdocs serve` session and, through build/cache/ (gen/site/stamps.py), between builds.
_DIGESTS: dict[tuple[str, int, int], str] = {}
_RECORDED: set[tuple[str, int, int]] = set()  # the stamps build/cache/ holds, as loaded or saved last
_SEEN: dict[str, tuple[str, int, int]] = {}  # path -> the stamp of each page file as this build's on_files looked at it


def _source(file: File, url: str, tab: str | None, moved: dict[str, str]) -> Source:
    """A page to render: generated ones with their text, files on disk by their text's digest (the
    text is read again where the page is rendered, so 100,000 texts are not held at once), both
    with links to moved pages pointed on."""
    path = file.abs_src_path
    if file.generated_by or not path or moved:
        text = file.content_string
        if moved:
            text = relink_moved(text, file.src_uri, moved)
        return Source(file.src_uri, url, text, not file.generated_by, tab)
    stamp = _SEEN.get(path) or (path, *fs.file_stat(path))  # a save since is caught where the page is rendered (gen/site/publish.py)
    digest = _DIGESTS.get(stamp)
    if digest is None:
        digest = _DIGESTS[stamp] = fs.text_digest(file.content_string)
    return Source(file.src_uri, url, None, True, tab, path, digest)


class ArchivePlugin(BasePlugin):
    """Registered as `archive` (pyproject entry point); list it under `plugins:` in mkdocs.yml.
    Its options are the generator's settings (see gen/config.py); the plugin checks they are well formed."""

    config_scheme = (
        ("seeds", config_options.Type(str, default=OPTION_DEFAULTS["seeds"])),
        ("manifests", config_options.ListOfItems(config_options.Type(str), default=[])),
        ("manifest_columns", config_options.DictOfItems(config_options.Type(str), default={})),
        # The plugin's own: the most entries an index page lists before it is split or paginated.
        ("index_page_size", config_options.Type(int, default=PAGE_SIZE)),
        # Publish each document's original as received (files/<page>/); about 1.3 KB a document,
        # which an archive near GitHub Pages' 1 GB limit may need to leave out (the page's text
        # download is made in the reader's browser either way).
        ("document_files", config_options.Type(bool, default=True)),
        # The most a published site may weigh, in MB (10^6 bytes): the build warns from 90 % of it
        # (gen/site/size.py). GitHub Pages publishes at most 1 GB; 0 turns the check off.
        ("site_limit_mb", config_options.Type((int, float), default=GITHUB_PAGES_MB)),
    )

    index_pages: frozenset[str] = frozenset()
    tag_links: TagLinks | None = None
    _lock: ExitStack | None = None

    dirty = False
    command = ""

    def on_startup(self, *, command, dirty):
        """Also keeps this plugin for a whole `mkdocs serve` session (MkDocs' rule), with what it remembers."""
        self.dirty = dirty
        self.command = command

    last_build: LastBuild | None = None
    preview: Preview | None = None

    def on_serve(self, server, config, builder):
        """A saved document page is shown at once; the rebuild follows after a pause (gen/site/preview.py)."""
        self.preview = Preview.install(server, config["docs_dir"], lambda: self.last_build)
        if self.preview is None:
            log.info("archive: this server is not the one expected: every saved page waits for a rebuild")
        return server

    def on_config(self, config):
        """No repository configured: no "edit this page" button (rather than a broken relative link)."""
        if not config.get("repo_url"):
            config["edit_uri"] = ""
        guard.clear(config)
        size = self.config["index_page_size"]
        if size < MIN_PAGE_SIZE:
            raise PluginError(f"{config.config_file_path}: plugins: archive: index_page_size: "
                              f"a whole number of {MIN_PAGE_SIZE} or more is expected, found {size}")
        return config

    def on_pre_build(self, config):
        """Wait while `gen build` writes docs/, and keep it from starting until this build has read them."""
        self._wait()
        gc.unfreeze()  # what the last build set aside may be garbage now (see _publish)
        self._release()
        self._lock = ExitStack()
        self._lock.enter_context(fs.locked(Path(config["docs_dir"]), shared=True,
                                           waiting=lambda: log.info("waiting for the generator to finish writing docs/ …")))
        if not self.dirty:  # MkDocs empties site_dir next: the last build's is moved away and removed meanwhile
            self.aside = set_aside(Path(config["site_dir"]), project_folder(config))

    pending: Outputs | None = None  # the feeds and exports of the last build, maybe still being written
    aside: SetAside | None = None  # the last build's site/, being removed
    sized_search = None  # the search plugin whose index counts in this build's size (see _warn_of_size)

    def _wait(self) -> Outputs | None:
        """Wait for the last build's feeds and exports; their thread, once done (None: none under way)."""
        if self.pending is None:
            return None
        pending, self.pending = self.pending, None
        pending.join()
        if pending.error is not None:
            raise PluginError(f"archive: the feeds and data exports could not be written: {pending.error}") from pending.error
        return pending

    def _warn_of_size(self, outputs: Outputs | None) -> None:
        """After `mkdocs build`: say so when site/ is near or over what it may weigh where it is published."""
        search, self.sized_search = self.sized_search, None
        if outputs is None or outputs.site_bytes is None:  # not weighed (not `mkdocs build`, or no limit)
            return
        index = search.index_bytes if search is not None else 0
        if index is None:  # search did not finish its index
            return
        files = outputs.site_bytes.get(FILES_FOLDER, 0) if self.config["document_files"] else 0
        note = size_warning(sum(outputs.site_bytes.values()) + index, self.config["site_limit_mb"], outputs.documents, files)
        if note:
            log.warning(note)

    def _page_text_url(self) -> str:
        """The 纯文本 download's script (theme override folder), versioned by its content."""
        found = next((f for f in self.theme_files if f.src_uri == PAGE_TEXT_SCRIPT), None)
        if found is None:
            raise PluginError(f"archive: {PAGE_TEXT_SCRIPT} is missing; it ships in the theme override folder (overrides/{PAGE_TEXT_SCRIPT})")
        return f"{PAGE_TEXT_SCRIPT}?v={hashlib.sha256(found.content_bytes).hexdigest()[:10]}"

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    @event_priority(50)  # before archive-search writes its index (0): the archive's pages go into it
    def on_post_build(self, config):
        try:
            if self.ours:
                self._publish(config)
        finally:
            self._release()

    def _publish(self, config) -> None:
        """Render the archive's pages (gen/site/) and hand them to search."""
        search = config["plugins"].get(SEARCH)
        searching = search is not None and search.config.enabled
        worker = search.worker_url() if searching else None
        scripts = (*(Script.of(s) for s in config.get("extra_javascript") or []), Script(self._page_text_url()))
        if searching:
            scripts = (Script(search.script_url()), *scripts)
        files_on = self.config["document_files"]
        shell, assets = make_shell(config, self.env, self.theme_files, self.tabs, worker, scripts, site_page.template_digest(),
                                   variant=f"document_files={files_on}")
        site_dir = Path(config["site_dir"])
        for path, data in assets.items():
            fs.write_bytes_atomic(site_dir / path, data)
        root = project_folder(config)
        tags_index = self.tag_links.index if self.tag_links else None
        tag_urls = dict(self.tag_links.plain) if self.tag_links else {}
        site = site_info(config, root)
        job = Job(shell, tuple(config["markdown_extensions"]), dict(config["mdx_configs"] or {}),
                  self.page_urls, TagUrls(tag_urls, tags_index), document_extras(site, files_on), Store(root / PAGE_STORE, shell.digest), str(root))
        sources = []
        for file in self.ours:
            meta = self.metas.get(file.src_uri)
            url = address(file.url)
            sources.append((_source(file, url, tab_of(url, self.tabs), self.moved), meta.tags if meta else ()))
        feed = None
        if searching and not self.dirty:
            search.expect(sum(1 for src, _ in sources if src.src_uri not in self.index_pages))

            def feed(src, stored):
                if src.src_uri not in self.index_pages:
                    search.add_rendered(src.url, stored.title, job.store.part(stored), stored.fields)
        # The last build's files/, archive/ and search/, updated in place (search/ only when this build writes one).
        back = put_back(site_dir, root, KEEP if searching else tuple(k for k in KEEP if k != SEARCH_FOLDER))
        # Taken before any page is placed, by every build (one that does not sweep records nothing).
        record = root / CACHE_DIR / cache_name(RECORD, self.command == "serve")
        listed = take_record(record, site_dir / ARCHIVE)
        done = publish(job, sources, site_dir, config["use_directory_urls"], each=feed)
        # Of archive/, what a page of this build or a file of MkDocs' is: in a kept folder the rest
        # goes, and a kept or a new folder holds no more than that (a --dirty build's may).
        keep = None
        if ARCHIVE in back or not self.dirty:
            prefix = ARCHIVE + "/"
            wanted = {dest_of(src.src_uri, config["use_directory_urls"]) for src, _ in done.records}
            wanted.update(f.dest_uri for f in self.files or () if not isinstance(f, SiteFile))
            keep = {d[len(prefix):] for d in wanted if d.startswith(prefix)}
        self.last_build = LastBuild(job, site_dir, Path(config["docs_dir"]), config["use_directory_urls"],
                                    {src.src_uri: (src.tab, tuple(tags)) for src, tags in sources if src.editable})
        if searching and self.dirty:  # the edited page is served at once; search follows in the background
            search.add_later((src.url, stored.title, job.store.part(stored), stored.fields)
                             for src, stored in done.records if src.src_uri not in self.index_pages)
        for problem in done.problems:
            log.warning(problem)
        log.info("archive: %d pages, %d rendered, %d from build/pages", len(done.records), done.rendered, len(done.records) - done.rendered)
        urls = [src.url for src, _ in done.records] + [address(f.url) for f in self.files.documentation_pages()]
        for path, data in sitemaps(site.url, urls, site.built.date()).items():
            fs.write_bytes_atomic(site_dir / path, data)
        documents = [(src, stored) for src, stored in done.records if src.src_uri in self.metas]
        # The build's records (MkDocs' files and pages, the state, the store's index: millions of
        # objects at 100,000 documents) live until the next build: set them aside from the
        # garbage collector's full passes (a cold 10,000-document build: 19.3 s, 21.2 s without).
        gc.freeze()
        # Feeds and exports are written while search finishes its index (in its own process), and
        # under `mkdocs serve --dirty` after the edited page is served; the build waits for them
        # at its end (on_shutdown) or before the next build.
        weigh = self.command == "build" and not self.dirty and self.config["site_limit_mb"] > 0
        self.sized_search = search if searching else None
        swept = threading.Event()
        self.pending = Outputs(site_dir, documents, site, files_on, weigh, serving=self.command == "serve", swept=swept)
        self.pending.start()
        try:  # meanwhile (walking 100,000 page folders takes seconds); site/ is weighed once it is done
            if keep is not None:
                if ARCHIVE in back:
                    sweep(site_dir / ARCHIVE, keep, listed)
                save_record(record, site_dir / ARCHIVE, frozenset(keep))
        finally:
            swept.set()

    def on_build_error(self, error):
        self._release()

    def on_shutdown(self):
        if self.preview is not None:
            self.preview.stop()
        self._warn_of_size(self._wait())
        self._release()
        if self.aside is not None:
            self.aside.join()

    moved: dict[str, str] = {}
    ours: list[File] = []  # the pages this plugin renders (gen/site/)
    tabs: tuple[tuple[str, str], ...] = ()
    env = None
    metas: dict[str, Meta] = {}
    page_urls: dict[str, str] = {}
    theme_files: list[File] = []
    files: Files | None = None

    @event_priority(50)  # before mkdocs-redirects reads its map (0)
    def on_files(self, files: Files, config) -> Files:
        """Validate every page's front matter; add the index pages; point moved pages' old addresses on."""
        state = fs.load_state(Path(config["docs_dir"]))
        files, self.index_pages, self.tag_links, self.metas = refresh_indexes(files, config, state.pages, self.config["index_page_size"])
        self.moved = redirect_moved(files, config, state.moved)
        self.page_urls = {f.src_uri: address(f.url) for f in files.documentation_pages()}
        drop_unused(files, config.theme.dirs, config.theme.custom_dir)
        self.theme_files = [f for f in files if f.src_uri.startswith("assets/")]
        return files

    @event_priority(-100)  # after every other plugin's on_files (mkdocs-redirects reads the pages there)
    def on_nav(self, nav, config, files):
        """The archive's pages (documents, wherever they are, and generated index pages) are
        rendered by this plugin (gen/site/); MkDocs keeps them in `files` for its link checks but
        does not render them."""
        self.tabs = tuple((str(item.title), address(item.url)) for item in nav.items if getattr(item, "url", None) is not None)
        self.files = files
        self.ours = []
        for file in list(files.documentation_pages()):
            document = file.src_uri.startswith(ARCHIVE + "/") or file.src_uri in self.metas  # placed elsewhere by an editor, too
            if document or (file.src_uri in self.index_pages and file.generated_by):
                file.page = None  # MkDocs' page record for it (made for every page, in or out of nav) is never used
                self.ours.append(file)
                files.remove(file)
                files.append(SiteFile.standing_for(file, config))
        return nav

    def on_page_markdown(self, markdown, page, config, files):
        """Links to a moved page's old path lead to where it is now (a page an editor wrote
        before the move still links the old path); tags as escaped HTML before the tags plugin
        (which prints them unescaped) collects them."""
        page.meta.update(escape_meta(page.meta, (TAGS_KEY,)))
        return relink_moved(markdown, page.file.src_uri, self.moved) if self.moved else markdown

    @event_priority(150)  # before the tags plugin renders its listings (100) and before any page
    def on_env(self, env, config, files):
        """Titles, descriptions and the like as escaped HTML on every page: the theme prints them
        unescaped. Search has indexed them as plain text by now (on_page_content). The theme's
        templates are compiled once and kept (gen/site/compiled.py)."""
        self.env = env
        folder = project_folder(config) / TEMPLATES
        try:
            folder.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = TemplateCache(str(folder))
        except OSError:  # build/ cannot be written: compiled every time, as before
            pass
        for file in files.documentation_pages():
            if file.page is not None:
                file.page.meta.update(escape_meta(file.page.meta, HTML_META_KEYS))
        return env

    def on_page_context(self, context, page, config, nav):
        """Index pages are generated: there is no file to edit. A page's tags, as chips linking
        to each tag's index page (the theme's partials/tags.html shows `tags`)."""
        if page.file.src_uri in self.index_pages and page.file.generated_by:
            page.edit_url = None
        if self.tag_links is not None and "tags" not in context:
            chips = self.tag_links.chips(page.meta.get(TAGS_KEY))
            if chips:
                context["tags"] = chips
        return context


# (path, mtime_ns, size) -> (problems, index record): `mkdocs serve` rebuilds in the same process,
# so a page is read and checked again only when it changed on disk.
_CHECKED: dict[tuple[str, int, int], tuple[tuple[Problem, ...], Meta | None]] = {}


def examine(file: File, shown: str, entry: Entry | None, seen: list | None = None) -> tuple[tuple[Problem, ...], Meta | None]:
    """A page's front-matter problems and index record. A page still exactly as the generator wrote
    it is known from the state (by its text's digest, not read again while its file's stamp is
    the one recorded); any other page is parsed and checked strictly. `seen` gets the stamp of
    each page file examined."""
    path = file.abs_src_path
    key = digest = None
    if path and not file.generated_by:
        key = (path, *fs.file_stat(path))
        if seen is not None:
            seen.append(key)
        if key in _CHECKED:
            return _CHECKED[key]
        digest = _DIGESTS.get(key)
    text = None
    if digest is None:
        text = file.content_string
        digest = fs.text_digest(text)
        if key:
            _DIGESTS[key] = digest  # the renderer keys the page by it (gen/site/)
    if entry is not None and entry.meta is not None and digest == entry.sha256:
        found: tuple[tuple[Problem, ...], Meta | None] = ((), entry.meta)
    else:
        problems, meta = read_page(file.content_string if text is None else text, file.src_uri, shown)
        found = (tuple(problems), meta)
    if key:
        _CHECKED[key] = found
    return found


# (mkdocs.yml, index page) -> the text made for it last, in this process (`mkdocs serve`).
_MADE: dict[tuple[str, str], str] = {}


class IndexFile(File):
    """An index page made by this plugin. Under `mkdocs serve --dirty` it is rendered again only
    when its text changed (MkDocs takes every generated file for modified, and the largest index
    pages are most of a rebuild's time)."""

    changed = True

    def is_modified(self) -> bool:
        return self.changed or not os.path.isfile(self.abs_dest_path)


class TagChip(NamedTuple):
    """What the theme's partials/tags.html reads of a tag (Material's tags plugin gives the same)."""

    name: Markup  # escaped: the partial prints it as it is
    url: str
    hidden: bool = False


class TagLinks(NamedTuple):
    """Where each tag's chip links: its index page, or the tags index for a tag no document has."""

    by_name: dict[str, str]  # escaped tag -> site URL
    index: str | None
    plain: dict[str, str] = {}  # tag as written -> site URL

    def chips(self, tags) -> list[TagChip]:
        """Chips for a page's `tags` front matter (escaped already by on_page_markdown, or not)."""
        if not isinstance(tags, list):
            return []
        names = [html_escape(t) for t in tags if t is not None and t != ""]
        return [TagChip(n, url) for n in names if (url := self.by_name.get(str(n), self.index))]


def refresh_indexes(files: Files, config, entries, page_size: int = PAGE_SIZE) -> tuple[Files, frozenset[str], TagLinks, dict[str, Meta]]:
    """Log front-matter problems of every page; add the index pages made from the valid front
    matter, except where a page of the editor's stands at an index page's path, or at its address
    under another name (`tags/index.md` for `tags.md`, both /tags/: a warning); and where each
    tag chip links."""
    docs_dir = Path(config["docs_dir"])
    metas = []
    by_page: dict[str, Meta] = {}
    by_dest = {}
    kept, version = project_folder(config) / CACHE_DIR / stamps.NAME, code_digest()
    if not _DIGESTS:  # a new process: the digests the last build recorded
        _DIGESTS.update(stamps.load(kept, version))
        _RECORDED.update(_DIGESTS)
    seen: list[tuple[str, int, int]] = []
    for file in list(files.documentation_pages()):
        by_dest[file.dest_uri] = file
        problems, meta = examine(file, f"{docs_dir.name}/{file.src_uri}", entries.get(file.src_uri), seen)
        for problem in problems:
            log.warning(str(problem))
        if meta:
            metas.append(meta)
            by_page[file.src_uri] = meta
    _SEEN.clear()
    _SEEN.update((stamp[0], stamp) for stamp in seen)
    if _RECORDED.symmetric_difference(seen):  # a page changed, added or gone
        stamps.save(kept, version, ((stamp, _DIGESTS[stamp]) for stamp in seen))
        _RECORDED.clear()
        _RECORDED.update(seen)
    indexes = kept_indexes.made(metas, page_size, config["use_directory_urls"], kept.parent / kept_indexes.NAME, version)
    standing: dict[str, File] = {}  # index page -> the file shown at its address
    for page, text in indexes.items():
        made = IndexFile.generated(config, page, content=text)
        existing = files.get_file_from_path(page) or by_dest.get(made.dest_uri)
        if existing is None or existing.generated_by:
            if existing is not None:
                files.remove(existing)
            key = (str(config.config_file_path), page)
            made.changed = _MADE.get(key) != text
            _MADE[key] = text
            files.append(made)
            standing[page] = made
        elif existing.src_uri == page:
            log.info("%s/%s: a page of your own stands in place of the generated index page", docs_dir.name, page)
            standing[page] = existing
        else:  # the same address under another name (tags/index.md for tags.md): links to `page` would break
            log.warning("%s/%s: has the address of the generated index page %s; rename it %s/%s to put it in that page's place",
                        docs_dir.name, existing.src_uri, page, docs_dir.name, page)
            standing[page] = existing
    plain = {tag: standing[page].url for tag, page in tag_pages(metas).items() if page in standing}
    by_name = {str(html_escape(tag)): url for tag, url in plain.items()}
    tags_index = standing.get(TAGS_INDEX)
    return files, frozenset(indexes), TagLinks(by_name, tags_index.url if tags_index else None, plain), by_page


def redirect_moved(files: Files, config, moved) -> dict[str, str]:
    """Old addresses of moved pages answer with a redirect to where the page is now (through
    mkdocs-redirects); a page standing at an old address wins. The moves in effect."""
    live = {old: new for old, new in moved.items() if files.get_file_from_path(old) is None and files.get_file_from_path(new) is not None}
    if not live:
        return live
    plugin = config["plugins"].get(REDIRECTS)
    if plugin is None:
        log.warning("%d pages moved and their old addresses need redirects: add `%s` under plugins in mkdocs.yml", len(live), REDIRECTS)
        return live
    plugin.config["redirect_maps"] = {**live, **(plugin.config.get("redirect_maps") or {})}
    return live


# A Markdown link's target to a page: inline `](path.md#frag)`, `](<path.md>)`, or a reference `[x]: path.md`.
_LINK = re.compile(r"(\]\(<?|^\s*\[[^\]]+\]:\s*<?)([^()<>\s#]+\.md)(#[^()<>\s]*)?", re.M)


def relink_moved(markdown: str, page: str, moved: dict[str, str]) -> str:
    """Links in a page (docs-relative `page`) to moved pages' old paths, pointed at where they are now."""
    here = posixpath.dirname(page)

    def swap(m: re.Match) -> str:
        target = posixpath.normpath(posixpath.join(here, unquote(m.group(2))))
        if target not in moved:
            return m.group(0)
        return m.group(1) + posixpath.relpath(moved[target], here or ".") + (m.group(3) or "")

    return _LINK.sub(swap, markdown)
