"""The digests of the docs pages' texts by their files' stamps, kept between builds.

A build keys every page by the digest of its text (what it was rendered from, whether it is still
as the generator wrote it). Without a record that is every page read and hashed again in every
build: 2 s of the main process at 100,000 documents. A file whose (path, mtime, size) is as
recorded still holds the text of the recorded digest, the rule git's index and the generator's
cache follow; anything else is read. As git does with "racily clean" files, a file changed in
the last gen.fs.RACY_NS before the record is written is not recorded (a second save within the file
system's clock tick, of the same size, would keep its stamp), so it is read next time.

    build/cache/page-digests.pickle    pickle((version, {path: (mtime_ns, size, digest)}))

The stamps are of the files under docs/, not of a built site, so `mkdocs build` and
`mkdocs serve` share the record.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Iterable
from pathlib import Path

from gen.fs import trusted_stamp, write_bytes_atomic

NAME = "page-digests.pickle"

Stamp = tuple[str, int, int]  # (path, mtime_ns, size)


def load(path: Path, version: str) -> dict[Stamp, str]:
    """The recorded digests (none when there is no record, a damaged one, or one of other code)."""
    try:
        found_version, pages = pickle.loads(path.read_bytes())
    except Exception:  # none yet, damaged, or of a layout this code cannot read: nothing is known
        return {}
    if found_version != version or not isinstance(pages, dict):
        return {}
    return {(name, mtime, size): digest for name, (mtime, size, digest) in pages.items()}


def save(path: Path, version: str, digests: Iterable[tuple[Stamp, str]], now_ns: int | None = None) -> None:
    """Record these digests (the last stamp given for a path wins), but for files changed within
    gen.fs.RACY_NS of `now_ns` (now); a record that cannot be written only costs the next build the reading."""
    now = time.time_ns() if now_ns is None else now_ns
    pages = {name: (mtime, size, digest) for (name, mtime, size), digest in digests if trusted_stamp(mtime, now)}
    try:
        write_bytes_atomic(path, pickle.dumps((version, pages), protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass
