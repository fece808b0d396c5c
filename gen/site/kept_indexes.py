"""The index pages, kept between builds with what they were made from.

Making every index page takes 2.5 s of the main process at 100,000 documents, before a page can
be published. What they are made from is every document's index record (title, date, district,
source, tags), and most edits change none of it: a corrected sentence, a fixed paragraph. A build
makes them again only when that input, the page size, the address style, the generator's code, or
a library that shapes them (pypinyin makes their addresses) changed; else it reads the last ones.

    build/cache/index-pages.pickle    pickle((key, {page: text}))

The key is a digest of all of that, so the pages read are the pages render_indexes would make.
"""

from __future__ import annotations

import hashlib
import operator
import pickle
from collections.abc import Sequence
from dataclasses import fields
from importlib import metadata
from pathlib import Path

from gen.fs import write_bytes_atomic
from gen.indexes import render_indexes
from gen.model import Meta

NAME = "index-pages.pickle"
_RECORD = operator.attrgetter(*(f.name for f in fields(Meta)))  # every field: a new one is in the key too
LIBRARIES = ("pypinyin", "markupsafe")  # page addresses (gen/slug.py); escaping of names and titles


def key_of(metas: Sequence[Meta], page_size: int, directory_urls: bool, version: str) -> str:
    """The digest of everything the index pages are made from."""
    h = hashlib.sha256()
    h.update(repr((version, _libraries(), page_size, bool(directory_urls))).encode())
    h.update(repr([_RECORD(m) for m in metas]).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def made(metas: Sequence[Meta], page_size: int, directory_urls: bool, kept: Path | None, version: str) -> dict[str, str]:
    """Every index page (as render_indexes makes them): the kept ones when made from the same
    input, else made now and kept. `version`: the generator's code (gen/site/shell.code_digest)."""
    key = key_of(metas, page_size, directory_urls, version)
    if kept is not None:
        pages = _load(kept, key)
        if pages is not None:
            return pages
    pages = render_indexes(list(metas), page_size=page_size, directory_urls=directory_urls)
    if kept is not None:
        try:
            write_bytes_atomic(kept, pickle.dumps((key, pages), protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:  # a full or read-only disk: the next build makes them again
            pass
    return pages


def _load(path: Path, key: str) -> dict[str, str] | None:
    try:
        found_key, pages = pickle.loads(path.read_bytes())
    except Exception:  # none yet, damaged, or of a layout this code cannot read: made again
        return None
    if found_key != key or not isinstance(pages, dict):
        return None
    return pages


def _libraries() -> tuple[str, ...]:
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} -")
    return tuple(versions)
