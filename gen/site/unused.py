"""Material's files that no page of the archive loads, left out of `site/`.

Material copies its whole `assets/` folder into every site: its own search (lunr with its
language files and word splitters, and the search worker), which `archive-search` replaces, and
the source maps of its bundles, which only a browser's developer tools read. Together about
2.2 MB, more than the pages of a thousand documents. Only the theme's own files are left out: a
file of the same name in `overrides/` or `docs/` is published as always.
"""

from __future__ import annotations

import os
import re

UNUSED = re.compile(
    r"assets/javascripts/lunr/.*"  # Material's search: lunr, its languages, tinyseg, wordcut
    r"|assets/javascripts/workers/search\.[0-9a-f]+\.min\.js(\.map)?"  # Material's search worker
    r"|assets/.*\.map"  # source maps
)


def drop_unused(files, theme_dirs: list[str], custom_dir: str | None) -> int:
    """Remove from MkDocs' `files` the theme's own files matching UNUSED; how many."""
    own = tuple(os.path.join(os.path.abspath(d), "") for d in theme_dirs if d != custom_dir)
    unused = [f for f in files if UNUSED.fullmatch(f.src_uri) and f.abs_src_path
              and os.path.abspath(f.abs_src_path).startswith(own)]
    for f in unused:
        files.remove(f)
    return len(unused)
