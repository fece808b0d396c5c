"""What the last build left under files/: for each original, the SHA-256 it was checked against
and its stamp (inode, size, modification and change times) just after it was placed or checked.

A re-publish after one corrected seed would otherwise read and hash every original already in
place (at 100,000 documents, 5.4 s of the build's CPU, beside the pages it places). A file whose
stamp and source are both as recorded is left alone unread: writing to a file, replacing it or
linking it anew changes its stamp, so its bytes are the ones checked then. Anything else (no
record, a damaged one) is checked as before. An original does not depend on the generator's
code, so the originals in place are not read again after an upgrade.

    build/cache/export-files.pickle    pickle((LAYOUT, site folder, {site-relative path: mark}))

A record describes one site folder: `mkdocs serve` builds into a folder of its own and keeps its
record under another name (gen.config.cache_name), so a preview never costs the next
`mkdocs build` its record, and a record of another folder is nothing known.

A build takes the record as it reads it (the file is removed) and saves its own at its end, so a
record on disk always names every original in the folder: the next build removes the ones no page
has now by name, instead of walking 100,000 folders. A build stopped in between leaves no record,
and the next one walks files/ (and reads every original) as with none.

A mark is 48 bytes: 16 of the source's BLAKE2b and the stamp's four numbers (the record of
200,000 files is held by the build while it places the pages, so it is kept small).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import struct
from pathlib import Path

from gen.fs import write_bytes_atomic

NAME = "export-files.pickle"
LAYOUT = 2  # the text files of earlier releases it may name are left out of the next save

_STAMP = struct.Struct("<4q")


def mark_of(source: str, st: os.stat_result) -> bytes:
    """The source's digest and what changes whenever a file's bytes may have (a write, a
    replacement, a new link): its inode, size, modification and change times."""
    digest = hashlib.blake2b(source.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    return digest + _STAMP.pack(st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class Record:
    """The last build's files (read once) and this build's (saved at its end); `site`: the site
    folder described."""

    def __init__(self, path: Path | None, site: str = ""):
        self.path, self.site = path, site
        self.last: dict[str, bytes] = {}
        self.now: dict[str, bytes] = {}
        self.complete = False  # whether `last` names every original the folder holds
        if path is not None:
            try:
                layout, found_site, files = pickle.loads(path.read_bytes())
            except Exception:  # none yet, damaged, or of a layout this code cannot read: nothing is known
                return
            if layout == LAYOUT and found_site == site and isinstance(files, dict):
                self.last = files
                try:
                    path.unlink()  # taken: until this build saves its own, the folder is not known
                    self.complete = True
                except OSError:
                    pass

    def holds(self, name: str, source: str, st: os.stat_result) -> bool:
        """Whether the file `name` (stat `st`) is still the one checked against `source`; it is kept."""
        if not source or self.last.get(name) != mark_of(source, st):
            return False
        self.now[name] = self.last.pop(name)
        return True

    def note(self, name: str, source: str, path: str) -> None:
        """The file `name` at `path` was just placed or checked against `source` (nothing to do
        when `holds` found it so)."""
        if not source or name in self.now:
            return
        try:
            self.now[name] = mark_of(source, os.lstat(path))
        except OSError:  # gone already: nothing to remember
            pass

    def left(self) -> list[str] | None:
        """The originals the last build left that this one has not found as they were (with the
        ones it placed again); None when what the folder holds is not known (walk it)."""
        return list(self.last) if self.complete else None

    def size(self) -> int:
        """The bytes of this build's files as recorded (their sizes when made or checked)."""
        return sum(_STAMP.unpack_from(mark, 16)[1] for mark in self.now.values())

    def save(self) -> None:
        """Keep this build's files for the next; a file that cannot be written only costs the next
        build the reading."""
        if self.path is None:
            return
        try:
            write_bytes_atomic(self.path, pickle.dumps((LAYOUT, self.site, self.now), protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass
