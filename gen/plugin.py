"""MkDocs plugin `archive`: check every page's front matter and rebuild the index pages from it, on every build.

MkDocs 1.6 silently drops front matter it cannot parse; here every problem is logged with file,
line and field first, so `mkdocs build --strict` fails on it. The index pages are recomputed from
the front matter as it stands, so `mkdocs serve` shows an editor's corrected district or date on
the district and timeline pages at once. Index pages an editor changed by hand are left as they are.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from gen import frontmatter, fs, sync
from gen.check import check_text
from gen.indexes import meta_from_front_matter, render_indexes

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

    def on_page_context(self, context, page, config, nav):
        """Index pages are generated: editing them in the repository would be overwritten."""
        if page.file.src_uri in self.index_pages or page.file.generated_by:
            page.edit_url = None
        return context


def refresh_indexes(files: Files, config) -> tuple[Files, frozenset[str]]:
    """Log front-matter problems of every page; rebuild index pages from the valid front matter."""
    docs_dir = Path(config["docs_dir"])
    metas = []
    for file in list(files.documentation_pages()):
        text = file.content_string
        shown = f"{Path(config['docs_dir']).name}/{file.src_uri}"
        problems = check_text(text, shown)
        for problem in problems:
            log.warning(str(problem))
        if problems:
            continue
        meta = meta_from_front_matter(file.src_uri, frontmatter.typed(frontmatter.parse(text, shown).meta))
        if meta:
            metas.append(meta)
    try:
        state = fs.load_state(docs_dir)
    except ValueError as exc:
        log.warning(str(exc))
        return files, frozenset()
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
