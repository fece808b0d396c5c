"""The theme's templates compiled once and kept in build/cache/templates/: MkDocs compiles
Material's templates again on every build (a fifth of a second before the first page), as Jinja
keeps compiled templates only when it is given a cache.

Jinja names each kept file by the template's name and path, and keeps with it a checksum of the
template's source and the Python bytecode version, so an edited template, a theme update or
another Python compiles again. It writes each file whole (a temporary file renamed). A kept file
that cannot be read is compiled again; one that cannot be written is not kept.
"""

from __future__ import annotations

import jinja2

from gen.config import CACHE_DIR

FOLDER = CACHE_DIR / "templates"


class TemplateCache(jinja2.FileSystemBytecodeCache):
    """jinja2's cache of compiled templates in a folder, which never fails a build."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged file (bad pickle or marshal data): compiled again
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:  # a read-only or full disk: the next build compiles again
            pass
