"""The editor-safety decision for each generated page; pure.

The generator remembers the hash of every page it wrote (the state file). Comparing that hash with
the file on disk tells whether an editor changed the page since; the author's file always wins.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

# Actions, as reported.
WRITE = "written"  # new page, or untouched page whose generated text changed
UNCHANGED = "unchanged"  # what is on disk is already what we would write
KEPT = "kept"  # edited by hand; left as the editor made it
DELETED = "deleted-by-editor"  # an editor removed the page; it is not recreated
FOREIGN = "not-ours"  # a file we never wrote stands at the path; never touched
REMOVE = "removed"  # the seed is gone and the page was untouched: remove it
ORPHAN = "orphan-kept"  # the seed is gone but the page was edited: keep it, report it


def digest(text: str) -> str:
    """SHA-256 of the page text as written (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Decision:
    """What to do with one page path, and why."""

    page: str
    action: str
    reason: str = ""


def decide(page: str, new: str | None, on_disk: str | None, written: str | None) -> Decision:
    """Decide for one page. `new`: what we would write now (None: no seed wants it);
    `on_disk`: the file's text (None: absent); `written`: hash we recorded last time (None: never)."""
    if new is None:
        if on_disk is None or written is None:
            return Decision(page, UNCHANGED)
        if digest(on_disk) == written:
            return Decision(page, REMOVE, "its seed is gone")
        return Decision(page, ORPHAN, "its seed is gone but the page was edited by hand; kept")
    if on_disk is None:
        if written is None:
            return Decision(page, WRITE, "new page")
        return Decision(page, DELETED, "deleted by an editor; not recreated (build --force PATH to restore)")
    if written is None:
        if on_disk == new:
            return Decision(page, UNCHANGED)
        return Decision(page, FOREIGN, "a file the generator did not write stands here; left untouched")
    if digest(on_disk) == written:
        return Decision(page, UNCHANGED if on_disk == new else WRITE, "" if on_disk == new else "generated text changed")
    if digest(new) == written:
        return Decision(page, KEPT, "edited by hand; generator output unchanged")
    return Decision(page, KEPT, "edited by hand and the generator's output changed; kept the editor's version")
