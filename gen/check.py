"""Strict validation of every page's front matter in docs/: all problems, with file, line and field."""

from __future__ import annotations

from pathlib import Path

from gen import frontmatter, fs
from gen.indexes import meta_from_front_matter
from gen.model import Meta, Problem
from gen.tables import load_tables


def read_page(text: str, page: str, shown: str) -> tuple[list[Problem], Meta | None]:
    """A page's front-matter problems, and its index record when it has none (None for pages that
    are not documents). `page` is docs-relative; `shown` is how messages name the file."""
    try:
        parsed = frontmatter.parse(text, shown)
    except frontmatter.FrontMatterError as exc:
        return exc.problems, None
    problems = frontmatter.validate(parsed, shown, load_tables().district_names)
    if problems:
        return problems, None
    return [], meta_from_front_matter(page, frontmatter.typed(parsed.meta))


def check_text(text: str, shown: str) -> list[Problem]:
    """Problems in one page's front matter."""
    return read_page(text, shown, shown)[0]


class NotAnArchive(ValueError):
    """The folder given is not an archive's docs folder."""


def check_docs(docs_dir: Path) -> list[Problem]:
    """Problems in every Markdown page under docs_dir; NotAnArchive when it is not a docs folder."""
    if not docs_dir.is_dir():
        raise NotAnArchive(f"--docs {docs_dir}: {'is not a folder' if docs_dir.exists() else 'no such folder'}")
    pages = fs.list_pages(docs_dir)
    if not pages and not (docs_dir / fs.STATE_DIR).is_dir():
        raise NotAnArchive(f"--docs {docs_dir}: holds no pages and no generator state; is it the archive's docs folder?")
    problems = []
    for page in pages:
        shown = (docs_dir / page).as_posix()
        try:
            text = fs.read_text(docs_dir / page) or ""
        except fs.PageError as exc:
            problems.append(Problem(shown, str(exc).removeprefix(f"{docs_dir / page}: ")))
            continue
        problems.extend(check_text(text, shown))
    return problems
