"""Orchestration: under docs/'s lock, gather every seed, see every page, plan, guard, then write;
report per file.

Reading (gather, observe) and deciding (plan) write nothing; apply() is the only step that changes
docs/, and it replaces a page only while the page is still what the plan saw.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from gen import cache, frontmatter, fs, sync
from gen import state as statefile
from gen.config import Settings
from gen.gather import DUPLICATE, ERROR, Gathered, fetch_text, gather
from gen.model import Problem
from gen.plan import ABSENT, Plan, Seen, Want, made_from_another_seed, next_entry, plan, redecide
from gen.report import Report, SeedOutcome
from gen.state import Entry, State

# A build that would remove more pages than this at once, and more than this share of the
# archive, stops and asks (--allow-removal): a wrong --seeds must not empty the archive.
REMOVE_FREELY = 5
REMOVE_SHARE = 0.10
ALLOW_REMOVAL = "--allow-removal"
# How many times a page found saved since the plan saw it is decided and tried again.
SAVES_MET = 3


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector. A build holds hundreds of thousands of long-lived records
    (the cache, the state, one result per seed) that the collector would scan again and again,
    a third of a re-run's time; they hold no cycles and are freed by reference counting."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build(settings: Settings, progress=None, waiting: Callable[[], None] | None = None) -> Report:
    """Gather, plan and (unless a dry run) write, holding docs/'s lock; the report accounts for
    every seed. `waiting` is called when another build holds the lock."""
    with cycle_collector_paused(), fs.locked(settings.docs_dir, shared=settings.dry_run, waiting=waiting, create=not settings.dry_run):
        return _build(settings, progress)


# ---- seeing docs/ ------------------------------------------------------------------------------


def _seed_named(text: str, shown: str) -> str | None:
    """The `seed:` of a page's front matter, or None (no front matter, or not a document)."""
    try:
        seed = frontmatter.parse(text, shown).meta.get("seed")
    except frontmatter.FrontMatterError:
        return None
    return seed if isinstance(seed, str) and seed else None


def reconcile(st: State, docs_dir: Path, present: set[str]) -> State:
    """The state made whole from docs/: pages an editor moved keep their seed; document pages the
    state does not know (it was lost, damaged or merged) are recovered from the page and the base
    copies; a previous release's index page that is still as generated is recognised."""
    unknown = sorted(present - set(st.pages) - set(st.legacy_indexes))
    if not unknown:
        return st
    found: list[statefile.Found] = []
    plain: dict[str, str] = {}  # page -> hash, pages without a seed
    for page in unknown:
        try:
            text = fs.read_text(docs_dir / page)
        except fs.PageError:
            continue
        if text is None:
            continue
        seed = _seed_named(text, f"{docs_dir.as_posix()}/{page}")
        if seed:
            found.append(statefile.Found(page, seed, fs.text_digest(text)))
        else:
            plain[page] = fs.text_digest(text)
    st = statefile.relocate(st, found, present)
    known_seeds = {e.seed for e in st.pages.values()}
    strangers = [f for f in found if f.seed not in known_seeds]
    base_hashes = set(fs.list_bases(docs_dir)) if strangers or plain else set()
    if strangers:
        st = statefile.recover(st, strangers, _base_seeds(docs_dir, base_hashes))
    legacy = {p: Entry(page=p, seed="", sha256=sha) for p, sha in plain.items() if sha in base_hashes}
    if legacy:
        st = replace(st, legacy_indexes={**st.legacy_indexes, **legacy})
    return st


def _base_seeds(docs_dir: Path, hashes: set[str]) -> dict[str, str]:
    """Base hash -> the seed its front matter names, for every kept base copy of a document."""
    out = {}
    for sha in sorted(hashes):
        text = fs.read_base(docs_dir, sha)
        if text and (seed := _seed_named(text, sha)):
            out[sha] = seed
    return out


def observe(docs_dir: Path, st: State, wants: dict[str, Want], force: frozenset[str], c: cache.Cache) -> tuple[dict[str, Seen], dict[str, cache.Stat]]:
    """Every page the plan decides on, as on disk now, and the Stat of each page file as seen: the
    cache's for those it knew unchanged (which were not read), the stamp taken before reading for
    the others. The base copy is read only where a merge may need it."""
    want_of_seed = {w.seed: w for w in wants.values()}
    pages = {**{p: (None, w) for p, w in wants.items()}, **{p: (e, want_of_seed.get(e.seed)) for p, e in st.pages.items()},
             **{p: (e, None) for p, e in st.legacy_indexes.items()}}
    seen: dict[str, Seen] = {}
    stats_seen: dict[str, cache.Stat] = {}
    for page, (entry, want) in pages.items():
        new = want.new if want else None
        file = fs.page_file(docs_dir, page)
        if (new is not None and entry is not None and page not in force and not entry.conflict and new.sha256 == entry.sha256
                and (stat := c.page_unchanged(file, new.sha256)) is not None):
            seen[page] = Seen(new.sha256)
            stats_seen[file] = stat
        else:
            seen[page] = found = see(docs_dir, page, entry, want)
            if found.stamp is not None and found.sha256 is not None:
                stats_seen[file] = (*found.stamp, found.sha256)
    return seen, stats_seen


def see(docs_dir: Path, page: str, entry: Entry | None, want: Want | None) -> Seen:
    """One page as on disk now, read (see observe)."""
    new = want.new if want else None
    try:
        stamp = fs.file_stat(docs_dir / page)  # before reading: a save after it gives another
    except OSError:
        stamp = None
    try:
        text = fs.read_text(docs_dir / page)
    except fs.PageError as exc:
        return Seen("unreadable", error=str(exc))
    if text is None:
        return ABSENT
    sha = fs.text_digest(text)
    base = None
    if entry is not None and entry.sha256 and sha not in entry.bases and new is not None and new.sha256 != entry.sha256:
        base = fs.read_base(docs_dir, entry.sha256)
    proposal = entry is not None and entry.conflict is not None and (docs_dir / sync.proposal_path(page)).exists()
    return Seen(sha, text, base=base, proposal=proposal, stamp=stamp)


def wanted(g: Gathered, st: State, force: frozenset[str], docs_dir: Path) -> dict[str, Want]:
    """The page each readable seed wants, with its text fetched where something may be written."""
    entries = st.by_seed()
    out = {}
    for page, (r, job, new) in g.pages.items():
        entry = entries.get(r.seed)
        if new.text is None and (entry is None or entry.sha256 != new.sha256 or entry.conflict or page in force):
            new = fetch_text(r, job, new, docs_dir)
        out[page] = Want(r.seed, new, r.summary.record, r.summary.sha256)  # type: ignore[union-attr]
    return out


def with_texts_seen_to_need(wants: dict[str, Want], g: Gathered, st: State, seen: dict[str, Seen], docs_dir: Path) -> dict[str, Want]:
    """Wants with the text fetched for pages that, as seen, were made from another version of
    their seed than the state's base (see plan.made_from_another_seed): their text is proposed."""
    entries = st.by_seed()
    out = dict(wants)
    for page, want in wants.items():
        entry = entries.get(want.seed)
        if want.new.text is None and entry is not None and made_from_another_seed(want, entry, seen.get(entry.page, ABSENT)):
            r, job, _ = g.pages[page]
            out[page] = replace(want, new=fetch_text(r, job, want.new, docs_dir))
    return out


# ---- the guard ---------------------------------------------------------------------------------


def refusal(p: Plan, st: State, seeds_found: int, settings: Settings) -> Problem | None:
    """Why this plan must not be applied without the user's word, or None."""
    if settings.allow_removal:
        return None
    removals = len(p.removals)
    total = len(st.pages)
    where = settings.seeds_dir.as_posix()
    if seeds_found == 0 and total:
        return Problem(where, f"no seeds found, but the archive has {total} pages from seeds: is --seeds right? "
                       f"Nothing was changed. To remove every page whose seed is gone, run again with {ALLOW_REMOVAL}.")
    if removals > REMOVE_FREELY and removals > REMOVE_SHARE * total:
        first = ", ".join(d.page for d in p.removals[:3])
        return Problem(where, f"this build would remove {removals} of {total} pages at once (their seeds are gone: {first} …). "
                       f"Nothing was changed. If the seeds were removed on purpose, run again with {ALLOW_REMOVAL}.")
    return None


# ---- writing -----------------------------------------------------------------------------------


def apply(p: Plan, docs_dir: Path, st: State, wants: dict[str, Want], stats_seen: dict[str, cache.Stat]
          ) -> tuple[list[sync.Decision], list[Problem], dict[str, cache.Stat]]:
    """Write what the plan says: base copies, moves, pages, then the state last, so a run
    interrupted anywhere leaves every page old or new and is simply run again. A page that
    changed on disk since the plan saw it is decided again (the save is merged or kept).
    Returns the decisions as carried out, problems, and the Stat of every page now as generated:
    of the text written, or as the plan saw it (`stats_seen`: see observe)."""
    touched: list[Path] = []
    stamps: dict[str, tuple[int, int]] = {}  # (mtime, size) of each page as this run wrote it
    page_stats: dict[str, cache.Stat] = {}
    problems: list[Problem] = []
    for d in p.decisions:
        if d.base is not None and d.base_sha and (written := fs.write_base(docs_dir, d.base_sha, d.base)) is not None:
            touched.append(written)
    stuck: set[str] = set()  # pages whose move failed: left where they are
    for m in p.moves:
        if not fs.move_if_unchanged(docs_dir / m.old, docs_dir / m.new, m.expect, docs_dir):
            stuck.add(m.new)
            problems.append(Problem(f"{docs_dir.as_posix()}/{m.old}", "changed while the build ran; not moved this time (run the build again)",
                                    severity="warning"))
            continue
        old_prop, new_prop = docs_dir / sync.proposal_path(m.old), docs_dir / sync.proposal_path(m.new)
        if old_prop.exists():
            fs.move_if_unchanged(old_prop, new_prop, None, docs_dir)
        touched += [docs_dir / m.new, docs_dir / m.old]
    pages = dict(p.state.pages)
    before = {e.page: e for e in st.pages.values()}
    by_seed_before = st.by_seed()
    decisions = []
    for d in p.decisions:
        if d.page in stuck:
            want = wants.get(d.page)
            old = by_seed_before.get(want.seed) if want else None
            pages.pop(d.page, None)
            if old is not None:
                pages[old.page] = old
            decisions.append(replace(d, action=sync.KEPT, reason="not moved this time; run the build again", text=None))
            continue
        want = wants.get(d.page)
        entry = before.get(d.page) or (by_seed_before.get(want.seed) if want else None)
        for _ in range(SAVES_MET):
            if _write(d, docs_dir, touched, stamps):
                break
            d = redecide(d, entry, want, see(docs_dir, d.page, entry, want))
            if d.base is not None and d.base_sha and (written := fs.write_base(docs_dir, d.base_sha, d.base)) is not None:
                touched.append(written)
            if (kept := next_entry(d, entry, want)) is not None:
                pages[d.page] = kept
            else:
                pages.pop(d.page, None)
        else:  # saved again each time it was about to be written: leave it, and everything known of it
            d = sync.Decision(d.page, sync.KEPT, "saved again and again while the build ran; left as it is (run the build again)")
            if entry is not None:
                pages[d.page] = entry
            else:
                pages.pop(d.page, None)
        decisions.append(d)
        if d.page in pages and d.action in (sync.WRITE, sync.UNCHANGED) and (sha := pages[d.page].sha256):
            file = fs.page_file(docs_dir, d.page)
            if (stamp := stamps.get(d.page)) is not None:
                page_stats[file] = (*stamp, sha)
            elif (as_seen := stats_seen.get(file)) is not None and as_seen[2] == sha:
                page_stats[file] = as_seen
    new_state = replace(p.state, pages=pages, moved=statefile.with_moves(p.state.moved, {}, pages))
    fs.make_durable(touched)
    fs.save_state(docs_dir, new_state)
    # Every kept text no page of the state refers to goes: the last state's, and what a build
    # killed before it had removed them left (its new texts, or its old ones after it saved the
    # state): 0.2 s of listing at 100,000 documents.
    fs.drop_bases(docs_dir, set(fs.list_bases(docs_dir)) - {b for e in new_state.pages.values() for b in e.bases})
    return decisions, problems, page_stats


def _write(d: sync.Decision, docs_dir: Path, touched: list[Path], stamps: dict[str, tuple[int, int]]) -> bool:
    """Carry out one decision; False when the page changed since the plan saw it."""
    if d.text is not None:
        path = docs_dir / d.page
        if (stamp := fs.replace_if_unchanged(path, d.text, d.expect)) is None:
            return False
        touched.append(path)
        stamps[d.page] = stamp
    if d.proposal is not None:
        fs.write_atomic(docs_dir / sync.proposal_path(d.page), d.proposal)
        touched.append(docs_dir / sync.proposal_path(d.page))
    elif d.action in (sync.WRITE, sync.MERGED) or (d.action == sync.KEPT and d.base_sha):
        fs.remove(docs_dir / sync.proposal_path(d.page), docs_dir)  # settled: a proposal is stale
    if d.action == sync.REMOVE and d.expect:
        path = docs_dir / d.page
        if not fs.remove_if_unchanged(path, d.expect, docs_dir):
            return False
        touched.append(path)
    return True


# ---- the run -----------------------------------------------------------------------------------


def _build(settings: Settings, progress=None) -> Report:
    docs = settings.docs_dir
    notes: list[Problem] = []
    if not settings.dry_run and docs.is_dir():
        restored, removed = fs.restore_stray(docs)
        if restored:
            notes.append(Problem(docs.as_posix(), f"{restored} pages an interrupted build had set aside are back in place", severity="warning"))
        if removed:
            notes.append(Problem(docs.as_posix(), f"{removed} temporary files left by an interrupted build removed", severity="warning"))
    st = fs.load_state(docs)
    present = set(fs.list_pages(docs)) if docs.is_dir() else set()
    had_state = fs.state_exists(docs)
    st = reconcile(st, docs, present)
    if had_state or present:
        notes += [Problem(docs.as_posix(), n, severity="warning") for n in st.notes if not n.endswith(": missing")]
    if not had_state and st.pages:
        notes.append(Problem(docs.as_posix(), "the generator's state was missing and has been rebuilt from the pages: pages "
                             "deleted by hand since the last build may come back; delete them again", severity="warning"))
    c = cache.load(settings.cache_dir)
    owners = frozenset(e.seed for e in st.pages.values())
    placed = {e.seed: e.page for e in st.pages.values() if e.placed}
    g = gather(settings, c, owners, placed, progress)
    force = frozenset(settings.force)
    wants = wanted(g, st, force, docs)
    seen, stats_seen = observe(docs, st, wants, force, c)
    wants = with_texts_seen_to_need(wants, g, st, seen, docs)
    p = plan(wants, g.failed, st, seen, force)
    problems = list(g.problems) + notes + list(p.problems) + edited_page_problems(docs, seen, wants)
    decisions = list(p.decisions)
    seeds_found = len(g.results)
    if (why := refusal(p, st, seeds_found, settings)) is not None:
        problems.append(why)
        decisions = [d for d in decisions if d.action != sync.UNCHANGED]
        return _report(g, decisions, problems, dry_run=True, refused=True)
    moved = {m.new: m.old for m in p.moves}
    if not settings.dry_run:
        decisions, written_problems, page_stats = apply(p, docs, st, wants, stats_seen)
        problems += written_problems
        try:
            cache.save(c, replace(g.used, page_stats=page_stats))
        except OSError as exc:
            problems.append(Problem(str(settings.cache_dir), f"the build cache could not be saved ({exc}); the next build reads every seed again",
                                    severity="warning"))
    return _report(g, decisions, problems, dry_run=settings.dry_run, moved=moved)


def edited_page_problems(docs_dir: Path, seen: dict[str, Seen], wants: dict[str, Want]) -> list[Problem]:
    """Front-matter problems of the pages read this run that are not as generated (edited by
    hand), so the build says at once what `mkdocs build --strict` would fail on."""
    from gen.check import check_text

    found: list[Problem] = []
    for page, looked in sorted(seen.items()):
        want = wants.get(page)
        if looked.error:
            found.append(Problem(f"{docs_dir.as_posix()}/{page}", looked.error.split(": ", 1)[-1]))
        elif looked.text is not None and (want is None or looked.sha256 != want.new.sha256):
            found += check_text(looked.text, f"{docs_dir.as_posix()}/{page}")
    return found


def _report(g: Gathered, decisions: list[sync.Decision], problems: list[Problem], dry_run: bool, refused: bool = False,
            moved: dict[str, str] | None = None) -> Report:
    """Every seed's outcome: its page's decision (a page that only moved: `moved`), or why it has none."""
    by_page = {d.page: d for d in decisions}
    moved = moved or {}
    outcomes = []
    for r in g.results:
        d = by_page.get(r.summary.page) if r.summary else None
        if d and d.page in moved and d.action == sync.UNCHANGED:
            outcome, reason, page = sync.MOVED, f"from {moved[d.page]}", d.page
        elif d:
            outcome, reason, page = d.action, d.reason, d.page
        elif r.summary and refused:
            outcome, reason, page = sync.UNCHANGED, "nothing was changed", r.summary.page
        elif r.duplicate_of:
            outcome, reason, page = DUPLICATE, f"byte-identical to {r.duplicate_of}", None
        else:
            outcome, reason, page = ERROR, "", None
        outcomes.append(SeedOutcome(seed=r.seed, page=page, outcome=outcome, reason=reason, problems=r.problems,
                                    normalised=r.normalised))
    return Report(seeds=outcomes, pages=decisions, problems=problems, dry_run=dry_run)
