"""The editor-safety decision for each generated page; pure.

The generator remembers, per page, the hash of the text it last generated (the base) and keeps a
copy of that text. Comparing the file on disk with the base tells whether an editor changed the
page since; the editor's file always wins, and the generator's improvements are merged into it
where they touch other lines.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from gen import frontmatter
from gen.merge import merge3, short_diff

# Actions, as reported.
WRITE = "written"  # new page, or untouched page whose generated text changed
UNCHANGED = "unchanged"  # what is on disk is already what we would write
KEPT = "kept"  # edited by hand; left as the editor made it
MERGED = "merged"  # edited by hand; the generator's changes merged in cleanly
CONFLICT = "conflict"  # edited by hand and changed by the generator in the same lines: kept, proposal beside it
DELETED = "deleted-by-editor"  # an editor removed the page; it is not recreated
FOREIGN = "not-ours"  # a file we never wrote stands at the path; never touched
REMOVE = "removed"  # the seed is gone and the page was untouched: remove it
ORPHAN = "orphan-kept"  # the seed is gone but the page was edited: keep it, forget it


def digest(text: str) -> str:
    """SHA-256 of the page text as written (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Decision:
    """What to do with one page path, and why. `text` is what to write, when anything."""

    page: str
    action: str
    reason: str = ""
    text: str | None = None  # page text to write (WRITE, MERGED)
    base: str | None = None  # the generated text to remember as the new base (None: keep the old one)
    base_sha: str | None = None  # its hash (set alone when the page was known unchanged without reading it)
    proposal: str | None = None  # CONFLICT: the merge with conflict markers, written beside the page
    quiet: bool = False  # reported before; counted, not shown again
    diff: str = ""  # CONFLICT: a short diff from the editor's page to the generator's new output


@dataclass(frozen=True)
class Known:
    """What the state file remembers of a page."""

    sha256: str | None = None  # hash of the last generated text (None: never generated here)
    deleted: bool = False  # an editor deleted it and we said so
    conflict: str | None = None  # hash of the generated text a pending conflict proposed


def decide(page: str, new: str | None, on_disk: str | None, known: Known, base: str | None, proposal_exists: bool) -> Decision:
    """Decide for one page. `new`: what we would generate now (None: no seed wants it); `on_disk`:
    the file's text (None: absent); `base`: the last generated text, when the page was edited."""
    if new is None:
        return _decide_gone(page, on_disk, known)
    if on_disk is None:
        if known.sha256 is None:
            return Decision(page, WRITE, "new page", text=new, base=new)
        return Decision(page, DELETED, "deleted by an editor; not recreated (build --force PATH restores it)", quiet=known.deleted)
    if on_disk == new:
        return Decision(page, UNCHANGED, base=new)
    if known.sha256 is None:
        return Decision(page, FOREIGN, "a file the generator did not write stands here; left untouched")
    if digest(on_disk) == known.sha256:
        return Decision(page, WRITE, "generated text changed", text=new, base=new)
    if digest(new) == known.sha256:
        return Decision(page, KEPT, "edited by hand", quiet=True)
    if known.conflict == digest(new) and not proposal_exists:
        return Decision(page, KEPT, "edited by hand; the editor settled the conflict", base=new)
    return _merge(page, new, on_disk, base)


def _decide_gone(page: str, on_disk: str | None, known: Known) -> Decision:
    if on_disk is None or known.sha256 is None:
        return Decision(page, UNCHANGED, quiet=True)
    if digest(on_disk) == known.sha256:
        return Decision(page, REMOVE, "its seed is gone")
    return Decision(page, ORPHAN, "its seed is gone but the page was edited by hand; kept, no longer generated")


def _merge(page: str, new: str, on_disk: str, base: str | None) -> Decision:
    diff = short_diff(on_disk, new, old_name=f"docs/{page}", new_name="generator")
    where = f"; proposal in docs/{proposal_path(page)}"
    if base is None:
        why = "edited by hand; the last generated version is missing, so nothing can be merged" + where
        return Decision(page, CONFLICT, why, proposal=new, diff=diff)
    merged = merge3(base, on_disk, new)
    if merged.conflicts:
        why = f"edited by hand and changed by the generator in the same place ({merged.conflicts} conflicting regions)" + where
        return Decision(page, CONFLICT, why, proposal=merged.text, diff=diff)
    try:
        frontmatter.parse(merged.text, page)
    except frontmatter.FrontMatterError:
        why = "edited by hand; the merged front matter does not parse" + where
        return Decision(page, CONFLICT, why, proposal=merged.text, diff=diff)
    return Decision(page, MERGED, "edited by hand; the generator's changes merged in", text=merged.text, base=new)


def proposal_path(page: str) -> str:
    """Where a conflict's proposal goes: beside the page, hidden from MkDocs by the leading dot."""
    folder, _, name = page.rpartition("/")
    hidden = f".{name[:-3]}.proposed.md" if name.endswith(".md") else f".{name}.proposed"
    return f"{folder}/{hidden}" if folder else hidden
