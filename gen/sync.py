"""The editor-safety decision for each generated page; pure.

The generator remembers, per page, the hash of the text it last generated (the base) and keeps a
copy of that text. Comparing the file on disk with the base tells whether an editor changed the
page since; the editor's file always wins, and the generator's improvements are merged into it
where they touch other lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from gen import frontmatter
from gen.fs import text_digest as digest
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
ORPHAN = "orphan-kept"  # the seed is gone but the page was edited: keep it (its seed's return reconnects it)
MOVED = "moved"  # the page moved to its stable path (from the previous release's dated one)

__all__ = ["digest", "decide", "Decision", "Known", "Generated", "proposal_path"]


@dataclass(frozen=True)
class Generated:
    """What the generator makes for a page: its hash, and its text when it is at hand (a page
    known by its hash from the cache needs its text only when something is to be written)."""

    sha256: str
    text: str | None = None

    @classmethod
    def of(cls, text: str) -> Generated:
        """A text in hand."""
        return cls(digest(text), text)


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
    expect: str | None = None  # hash of the page as the plan saw it (None: no file): written only while it still is


@dataclass(frozen=True)
class Known:
    """What the state file remembers of a page."""

    sha256: str | None = None  # hash of the last generated text (None: never generated here)
    deleted: bool = False  # an editor deleted it and we said so
    conflict: str | None = None  # hash of the generated text a pending conflict proposed
    also: tuple[str, ...] = ()  # other hashes of generated text that count as untouched (a git merge)
    gone: bool = False  # its seed is gone and we said so

    @property
    def bases(self) -> tuple[str, ...]:
        """Every hash of generated text that counts as the page untouched."""
        return ((self.sha256,) if self.sha256 else ()) + self.also


def decide(page: str, new: Generated | None, on_disk: str | None, known: Known, base: str | None, proposal_exists: bool,
           disk_sha: str | None = None) -> Decision:
    """Decide for one page. `new`: what we would generate now (None: no seed wants it); `on_disk`:
    the file's text (None: absent); `base`: the last generated text, when the page was edited.
    `new.text` is needed only where something is written (a new page, a change, a merge)."""
    disk_sha = disk_sha or (digest(on_disk) if on_disk is not None else None)
    seen = {"expect": disk_sha}
    if new is None:
        return _decide_gone(page, disk_sha, known)
    if on_disk is None:
        if known.sha256 is None and not known.also:
            return Decision(page, WRITE, "new page", text=_text(new), base=new.text, base_sha=new.sha256, **seen)
        return Decision(page, DELETED, "deleted by an editor; not recreated (build --force PATH restores it)", quiet=known.deleted)
    if disk_sha == new.sha256:
        return Decision(page, UNCHANGED, base=new.text, base_sha=new.sha256, **seen)
    if not known.bases:
        return Decision(page, FOREIGN, "a file the generator did not write stands here; left untouched")
    if disk_sha in known.bases:
        return Decision(page, WRITE, "generated text changed", text=_text(new), base=new.text, base_sha=new.sha256, **seen)
    if new.sha256 == known.sha256:
        return Decision(page, KEPT, "edited by hand", quiet=True)
    if known.conflict == new.sha256 and not proposal_exists:
        return Decision(page, KEPT, "edited by hand; the editor settled the conflict", base=new.text, base_sha=new.sha256)
    return _merge(page, _text(new), on_disk, base, disk_sha)


def _text(new: Generated) -> str:
    if new.text is None:
        raise ValueError(f"generated text {new.sha256[:12]} is needed but was not fetched")
    return new.text


def _decide_gone(page: str, disk_sha: str | None, known: Known) -> Decision:
    if disk_sha is None or not known.bases:
        return Decision(page, UNCHANGED, quiet=True)
    if disk_sha in known.bases:
        return Decision(page, REMOVE, "its seed is gone", expect=disk_sha)
    return Decision(page, ORPHAN, "its seed is gone but the page was edited by hand; kept (it is updated again if the seed returns)",
                    quiet=known.gone)


def _merge(page: str, new: str, on_disk: str, base: str | None, disk_sha: str | None) -> Decision:
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
    return Decision(page, MERGED, "edited by hand; the generator's changes merged in", text=merged.text, base=new,
                    base_sha=digest(new), expect=disk_sha)


def proposal_path(page: str) -> str:
    """Where a conflict's proposal goes: beside the page, hidden from MkDocs by the leading dot."""
    folder, _, name = page.rpartition("/")
    hidden = f".{name[:-3]}.proposed.md" if name.endswith(".md") else f".{name}.proposed"
    return f"{folder}/{hidden}" if folder else hidden
