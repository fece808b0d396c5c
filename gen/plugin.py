"""MkDocs plugin `archive`: check every page's front matter and rebuild the index pages from it, on every build.

MkDocs 1.6 silently drops front matter it cannot parse; here every problem is logged with file,
line and field first, so `mkdocs build --strict` fails on it. The index pages are recomputed from
the front matter as it stands, so `mkdocs serve` shows an editor's corrected district or date on
the district and timeline pages at once. Index pages an editor changed by hand are left as they are.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from gen import fs, sync
from gen.check import read_page
from gen.indexes import render_indexes
from gen.model import Meta, Problem
from gen.plan import meta_from_json
from gen.render import HTML_META_KEYS, TAGS_KEY, escape_meta

log = logging.getLogger("mkdocs.plugins.gen")


class ArchivePlugin(BasePlugin):
    """Registered as `archive` (pyproject entry point); list it under `plugins:` in mkdocs.yml."""

    def on_config(self, config):
        """No repository configured: no "edit this page" button (rather than a broken relative link)."""
        if not config.get("repo_url"):
            config["edit_uri"] = ""
        return config

    index_pages: frozenset[str] = frozenset()

    def on_files(self, files: Files, config) -> Files:
        """Validate every page's front matter; refresh the generator-owned index pages."""
        files, self.index_pages = refresh_indexes(files, config)
        return files

    def on_page_markdown(self, markdown, page, config, files):
        """Tags as escaped HTML before the tags plugin (which prints them unescaped) collects them."""
        page.meta.update(escape_meta(page.meta, (TAGS_KEY,)))
        return markdown

    @event_priority(150)  # before the tags plugin renders its listings (100) and before any page
    def on_env(self, env, config, files):
        """Titles, descriptions and the like as escaped HTML on every page: the theme prints them
        unescaped. Search has indexed them as plain text by now (on_page_content)."""
        for file in files.documentation_pages():
            if file.page is not None:
                file.page.meta.update(escape_meta(file.page.meta, HTML_META_KEYS))
        return env

    def on_page_context(self, context, page, config, nav):
        """Index pages are generated: editing them in the repository would be overwritten."""
        if page.file.src_uri in self.index_pages or page.file.generated_by:
            page.edit_url = None
        return context


# (path, mtime_ns, size) -> (problems, index record): `mkdocs serve` rebuilds in the same process,
# so a page is read and checked again only when it changed on disk.
_CHECKED: dict[tuple[str, int, int], tuple[tuple[Problem, ...], Meta | None]] = {}


def examine(file: File, shown: str, entry: dict) -> tuple[tuple[Problem, ...], Meta | None]:
    """A page's front-matter problems and index record. A page still exactly as the generator wrote
    it is known from the state file; any other page is parsed and checked strictly."""
    path = file.abs_src_path
    key = None
    if path and not file.generated_by:
        key = (path, *fs.file_stat(path))
        if key in _CHECKED:
            return _CHECKED[key]
    text = file.content_string
    if entry.get("meta") and sync.digest(text) == entry.get("sha256"):
        found: tuple[tuple[Problem, ...], Meta | None] = ((), meta_from_json(file.src_uri, entry["meta"]))
    else:
        problems, meta = read_page(text, file.src_uri, shown)
        found = (tuple(problems), meta)
    if key:
        _CHECKED[key] = found
    return found


def refresh_indexes(files: Files, config) -> tuple[Files, frozenset[str]]:
    """Log front-matter problems of every page; rebuild index pages from the valid front matter."""
    docs_dir = Path(config["docs_dir"])
    try:
        state = fs.load_state(docs_dir)
    except ValueError as exc:
        log.warning(str(exc))
        state = {}
    metas = []
    for file in list(files.documentation_pages()):
        problems, meta = examine(file, f"{docs_dir.name}/{file.src_uri}", state.get(file.src_uri, {}))
        for problem in problems:
            log.warning(str(problem))
        if meta:
            metas.append(meta)
    indexes = render_indexes(metas)
    for page, text in indexes.items():
        entry = state.get(page)
        existing = files.get_file_from_path(page)
        if existing is None:
            if entry is None or not entry.get("deleted"):
                files.append(File.generated(config, page, content=text))
            continue
        if entry is None or existing.content_string == text:
            continue  # a hand-made page, or already current
        if sync.digest(existing.content_string) == entry.get("sha256"):
            existing.content_string = text
    return files, frozenset(indexes)
