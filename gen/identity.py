"""A page's identity: where the page of a seed lives, and which seed names can have one; pure.

The path comes from the seed's path inside the seeds folder, sub-folders kept
(seeds/2020/a.txt -> archive/2020/a.md), and from nothing an editor or a manifest may correct
(date, title, district): the URL readers cite never moves.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

ARCHIVE = "archive"

# A page's file name must fit the file system with room for the hidden proposal beside it
# (".NAME.proposed.md", 13 more bytes) within the usual 255-byte limit.
MAX_NAME_BYTES = 200
# Characters that cannot stand in a page path that becomes a URL and a Markdown link: controls
# (a newline or tab in a name), and what URLs, YAML or the usual file systems give a meaning.
_BAD_CHARACTERS = re.compile(r'[\x00-\x1f\x7f#?%"<>\\|*:]')
# Names MkDocs takes for the page of a folder.
_SPECIAL_STEMS = {"index", "readme"}


def page_of(rel: str) -> str:
    """The docs-relative page of a seed at `rel` (POSIX, relative to the seeds folder)."""
    path = PurePosixPath(rel)
    return f"{ARCHIVE}/{path.with_suffix('').as_posix() if path.suffix else path.as_posix()}.md"


def name_problem(rel: str) -> str | None:
    """Why a seed at `rel` cannot have a page, or None when it can."""
    parts = PurePosixPath(rel).parts
    for part in parts:
        if bad := _BAD_CHARACTERS.search(part):
            return f"its name contains {bad.group()!r}, which a page path or link cannot hold; rename the file"
        if len(part.encode("utf-8")) > MAX_NAME_BYTES:
            return f"its name is {len(part.encode('utf-8'))} bytes long; names up to {MAX_NAME_BYTES} bytes can become pages"
        if part != part.strip():
            return "its name starts or ends with a space; rename the file"
    stem = PurePosixPath(rel).stem
    if stem.lower() in _SPECIAL_STEMS:
        return f"a page named {stem!r} would stand for its whole folder; rename the file"
    if not stem:
        return "its name has no stem"
    return None
