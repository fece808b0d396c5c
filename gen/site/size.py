"""Whether the built site fits where it is published: GitHub Pages publishes sites of at most
1 GB, and says so only when the deploy fails. The build warns first, from 90 % of the limit, and
names what makes a document's share smaller.

The search index's bytes are its writer's figure, files/ is the exports' record's (both know
them), and the rest of site/ is summed from the file system while search finishes
(gen/site/outputs.py).
"""

from __future__ import annotations

import os
from pathlib import Path

GITHUB_PAGES_MB = 1000  # GitHub Pages: "no larger than 1 GB"; counted as 10^9 bytes, the smaller reading
NEAR = 0.9  # the share of the limit from which the build warns
MB = 10**6


def folder_bytes(folder: Path, skip: frozenset[str] = frozenset()) -> dict[str, int]:
    """The bytes of the regular files under each top-level entry of `folder` (links not
    followed), but those named in `skip`; empty for a folder that is not there."""
    sizes: dict[str, int] = {}
    todo: list[tuple[str, str | None]] = [(str(folder), None)]
    while todo:
        path, top = todo.pop()
        try:
            with os.scandir(path) as entries:
                for entry in entries:
                    name = top or entry.name
                    if top is None and name in skip:
                        continue
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            todo.append((entry.path, name))
                        elif entry.is_file(follow_symlinks=False):
                            sizes[name] = sizes.get(name, 0) + entry.stat(follow_symlinks=False).st_size
                    except OSError:  # removed meanwhile
                        pass
        except OSError:  # not there, or removed meanwhile
            pass
    return sizes


def size_warning(total: int, limit_mb: float, documents: int, files_bytes: int) -> str | None:
    """What to tell the archivist about a site of `total` bytes against a limit of `limit_mb`
    (0: no limit), or None while it is under NEAR of it. `files_bytes`: what the documents' own
    files take (files/; 0 when the `document_files` option leaves them out)."""
    if limit_mb <= 0 or total < NEAR * limit_mb * MB:
        return None
    over = total >= limit_mb * MB
    head = (f"archive: site/ is {total / MB:,.1f} MB{_each(total, documents)}, {'over' if over else 'near'} the "
            f"{limit_mb:,g} MB a site may be where it is published (`site_limit_mb`; GitHub Pages: {GITHUB_PAGES_MB:,} MB)")
    if files_bytes:
        return (f"{head}. `document_files: false` under the `archive` plugin in mkdocs.yml leaves out each document's "
                f"original, files/: {files_bytes / MB:,.1f} MB{_each(files_bytes, documents)}; the metadata files stay")
    return head


def _each(part: int, documents: int) -> str:
    return f" ({part / documents / 1024:.1f} KB a document)" if documents else ""
