"""Strict validation of every page's front matter in docs/: all problems, with file, line and field."""

from __future__ import annotations

from pathlib import Path

from gen import frontmatter, fs
from gen.model import Problem
from gen.tables import load_tables


def check_text(text: str, shown: str) -> list[Problem]:
    """Problems in one page's front matter."""
    try:
        parsed = frontmatter.parse(text, shown)
    except frontmatter.FrontMatterError as exc:
        return exc.problems
    return frontmatter.validate(parsed, shown, load_tables().district_names)


def check_docs(docs_dir: Path) -> list[Problem]:
    """Problems in every Markdown page under docs_dir."""
    problems = []
    for page in fs.list_pages(docs_dir):
        text = fs.read_text(docs_dir / page) or ""
        problems.extend(check_text(text, (docs_dir / page).as_posix()))
    return problems
