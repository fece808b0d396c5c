"""Exact Chinese search for the archive: a sharded positional bigram index built during `mkdocs build`.

`text` normalises and tokenises (mirrored by the browser worker), `fold` derives the
traditional→simplified character table from OpenCC's data, `extract` splits a rendered page into
sections and blocks, `index` accumulates postings and writes the shards, `plugin` wires it into MkDocs.
The browser side (worker and page helper) lives in `overrides/assets/javascripts/archive-search/`.
"""

FOLDER = "search"  # under site/: search_index.json (the stub Material fetches) and the index builds
