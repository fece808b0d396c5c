"""Plan every document page of a build: what to write, merge, keep, move or remove, and the state
to remember; pure.

Inputs are plain records gathered beforehand: the page each readable seed wants (`Want`), the
seeds that exist but could not be read this time, the state, and each page as seen on disk
(`Seen`). Index pages are not planned here: the `archive` MkDocs plugin makes them at site build.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from gen import state as statefile
from gen import sync
from gen.model import Meta, Problem
from gen.state import Entry, State
from gen.sync import Decision, Generated

FORCED = "overwritten on request (--force)"
RETIRED = "index pages are made by the archive plugin when the site is built; this generated copy is retired"


@dataclass(frozen=True)
class Want:
    """A page a readable seed wants: its seed, what the generator makes for it, its index record."""

    seed: str
    new: Generated
    meta: Meta
    seed_sha256: str = ""  # of the seed's bytes, as the page's front matter states it


@dataclass(frozen=True)
class Seen:
    """A page file as it was before planning."""

    sha256: str | None  # of its text (None: no file)
    text: str | None = None  # None when not read: the cache knew it unchanged, and sha256 says what it holds
    error: str | None = None  # it cannot be read (not UTF-8, a folder)
    base: str | None = None  # its last generated text, when a merge may need it
    proposal: bool = False  # a conflict proposal stands beside it
    stamp: tuple[int, int] | None = None  # its file's (mtime, size) before it was read


ABSENT = Seen(None)


@dataclass(frozen=True)
class Move:
    """A page to move to its stable path before anything is written."""

    old: str
    new: str
    expect: str | None  # the hash of what was seen at `old`


@dataclass(frozen=True)
class Plan:
    """Every page decision, the moves, the state to save after applying them, and problems."""

    decisions: tuple[Decision, ...] = ()
    moves: tuple[Move, ...] = ()
    state: State = field(default_factory=State)
    problems: tuple[Problem, ...] = ()

    def by_page(self) -> dict[str, Decision]:
        """Decisions keyed by page."""
        return {d.page: d for d in self.decisions}

    @property
    def removals(self) -> list[Decision]:
        """Document pages the plan removes because their seeds are gone."""
        return [d for d in self.decisions if d.action == sync.REMOVE and d.reason != RETIRED]


def known(entry: Entry | None) -> sync.Known:
    """What the state remembers of a page, as the decision needs it."""
    if entry is None:
        return sync.Known()
    return sync.Known(sha256=entry.sha256, deleted=entry.deleted, conflict=entry.conflict, also=entry.also, gone=entry.gone)


_SEED_SHA = re.compile(r'^seed_sha256: "?([0-9a-f]{64})"?$', re.M)


def made_from_another_seed(want: Want, entry: Entry, seen: Seen) -> bool:
    """True when an edited page was made from another version of its seed than the generated
    text the state knows as its base (two git branches: one regenerated the page, the other
    edited the earlier version, and the merge kept the edit): the known base is then not this
    page's, and the generator's change must be proposed, not taken as already there."""
    if (seen.text is None or seen.sha256 in entry.bases or want.new.sha256 != entry.sha256
            or want.new.sha256 in (entry.conflict, entry.settled)):
        return False
    stated = _SEED_SHA.search(seen.text.partition("\n---\n")[0])
    return bool(stated and want.seed_sha256 and stated.group(1) != want.seed_sha256)


def decide(page: str, want: Want | None, entry: Entry | None, seen: Seen, force: bool) -> Decision:
    """One page's decision from what was seen."""
    new = want.new if want else None
    if want is not None and entry is not None and made_from_another_seed(want, entry, seen):
        entry = replace(entry, sha256=statefile.UNKNOWN_BASE, also=())
    if seen.error:
        return Decision(page, sync.KEPT, f"left as it is: {seen.error}")
    if force and new is not None:
        if seen.sha256 == new.sha256:
            return Decision(page, sync.UNCHANGED, base=new.text, base_sha=new.sha256, expect=seen.sha256)
        return Decision(page, sync.WRITE, FORCED, text=new.text, base=new.text, base_sha=new.sha256, expect=seen.sha256)
    on_disk = seen.text if seen.text is not None else ("" if seen.sha256 is not None else None)
    return sync.decide(page, new, on_disk, known(entry), seen.base, seen.proposal, disk_sha=seen.sha256)


def next_entry(d: Decision, entry: Entry | None, want: Want | None) -> Entry | None:
    """The state entry to remember for a page after its decision (None: forget the page)."""
    seed = want.seed if want else entry.seed if entry else None
    if seed is None or d.action in (sync.FOREIGN, sync.REMOVE):
        return None
    old = entry or Entry(page=d.page, seed=seed)
    if d.base_sha is not None:
        meta = replace(want.meta, page=d.page) if want and d.base_sha == want.new.sha256 else None
        settled = d.base_sha if d.action == sync.KEPT else None  # the editor kept their page against this text
        return Entry(page=d.page, seed=seed, sha256=d.base_sha, placed=old.placed, settled=settled, meta=meta)
    if d.action == sync.CONFLICT and want:
        return replace(old, page=d.page, seed=seed, conflict=want.new.sha256, gone=False)
    if d.action == sync.DELETED:
        return replace(old, page=d.page, seed=seed, deleted=True)
    if d.action == sync.ORPHAN:
        return replace(old, page=d.page, gone=True)
    if d.action == sync.UNCHANGED and want is None:
        return None  # no page, and no seed for it
    return replace(old, page=d.page, seed=seed, gone=False)


def _moves(wants: Mapping[str, Want], state: State, seen: Mapping[str, Seen]) -> tuple[dict[str, Entry], list[Move], list[Problem]]:
    """Entries keyed by the page they will have, and the moves that takes: a page of the previous
    release's dated layout goes to its seed's stable path, with its hand edits."""
    entries = dict(state.pages)
    moves: list[Move] = []
    problems: list[Problem] = []
    by_seed = state.by_seed()
    for page, want in sorted(wants.items()):
        entry = by_seed.get(want.seed)
        if entry is None or entry.page == page or entry.placed:
            continue
        if page in entries or seen.get(page, ABSENT).sha256 is not None:
            problems.append(Problem(want.seed, f"its page cannot move from {entry.page} to {page}: a file stands there; "
                                    "both are left as they are", severity="warning"))
            continue
        del entries[entry.page]
        entries[page] = replace(entry, page=page)
        if seen.get(entry.page, ABSENT).sha256 is not None or entry.conflict:
            moves.append(Move(entry.page, page, seen.get(entry.page, ABSENT).sha256))
    return entries, moves, problems


def plan(wants: Mapping[str, Want], failed: frozenset[str], state: State, seen: Mapping[str, Seen],
         force: frozenset[str] = frozenset()) -> Plan:
    """Decide every page. `wants`: page -> Want for every readable seed; `failed`: seeds that
    exist but could not be read this time (their pages and entries stay as they are); `seen`:
    every page of `wants`, of the state and of its moves, as on disk."""
    entries, moves, problems = _moves(wants, state, seen)
    moved_from = {m.new: m.old for m in moves}
    decisions: list[Decision] = []
    pages: dict[str, Entry] = {}
    for page in sorted(set(wants) | set(entries)):
        want, entry = wants.get(page), entries.get(page)
        looked = seen.get(moved_from.get(page, page), ABSENT)
        if entry is not None and want is not None and entry.seed != want.seed and entry.seed in failed:
            problems.append(Problem(want.seed, f"would write {page}, the page of {entry.seed}, which could not be read "
                                    "this time; left as it is"))
            want = None
        if want is None and entry is not None and entry.seed in failed:
            decisions.append(Decision(page, sync.KEPT, "its seed could not be read this time; the page is left as it was"))
            pages[page] = entry
            continue
        d = decide(page, want, entry, looked, page in force)
        if page in moved_from:
            d = replace(d, expect=looked.sha256) if d.expect is None and looked.sha256 else d
        decisions.append(d)
        if (kept := next_entry(d, entry, want)) is not None:
            pages[page] = kept
    for m in moves:
        decisions.append(Decision(m.old, sync.MOVED, f"to {m.new}, its stable path; the old address redirects there"))
    for page, entry in sorted(state.legacy_indexes.items()):
        looked = seen.get(page, ABSENT)
        if looked.sha256 is None or looked.error:
            continue
        if looked.sha256 in entry.bases:
            decisions.append(Decision(page, sync.REMOVE, RETIRED, expect=looked.sha256))
        else:
            decisions.append(Decision(page, sync.KEPT, "an index page edited by hand: the site shows it in place of the "
                                      "generated one (delete it to get the generated page back)"))
    moved = statefile.with_moves(state.moved, {m.old: m.new for m in moves}, pages)
    new_state = State(pages=pages, moved=moved)
    return Plan(decisions=tuple(decisions), moves=tuple(moves), state=new_state, problems=tuple(problems))


def redecide(d: Decision, entry: Entry | None, want: Want | None, seen: Seen) -> Decision:
    """A page's decision again, when it changed on disk between planning and writing (an editor
    saved it meanwhile): the save is merged or kept, never overwritten."""
    return decide(d.page, want, entry, seen, force=False)
