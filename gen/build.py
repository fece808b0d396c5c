"""Orchestration: gather every seed, plan every page, then write; report per file."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gen import cache, fs, sync
from gen.config import Settings
from gen.gather import DUPLICATE, ERROR, gather
from gen.plan import Plan, base_sha, plan
from gen.report import Report, SeedOutcome


def apply(p: Plan, docs_dir: Path, old_state: dict[str, dict], c: cache.Cache) -> None:
    """Write what the plan says. Base copies first and the state file last, so a run interrupted
    anywhere leaves every page old or new and is simply run again."""
    shas = {d.page: base_sha(d) for d in p.decisions if d.base is not None or d.base_sha is not None}
    touched: list[Path] = []  # written or removed: made durable before the state
    for d in p.decisions:
        if d.base is not None and (d.action != sync.UNCHANGED or old_state.get(d.page, {}).get("sha256") != shas[d.page]):
            if (kept := fs.write_base(docs_dir, shas[d.page], d.base)) is not None:
                touched.append(kept)
    for d in p.decisions:
        if d.text is not None:
            fs.write_atomic(docs_dir / d.page, d.text)
            touched.append(docs_dir / d.page)
        if d.proposal is not None:
            fs.write_atomic(docs_dir / sync.proposal_path(d.page), d.proposal)
            touched.append(docs_dir / sync.proposal_path(d.page))
        elif d.page in shas and old_state.get(d.page, {}).get("conflict"):
            fs.remove(docs_dir / sync.proposal_path(d.page), docs_dir)  # settled: the proposal is stale
        if d.action == sync.REMOVE:
            fs.remove(docs_dir / d.page, docs_dir)
            touched.append(docs_dir / d.page)
        elif d.action in (sync.WRITE, sync.UNCHANGED) and d.page in shas:
            c.remember_page(fs.page_file(docs_dir, d.page), shas[d.page])
    if p.state == old_state:
        return
    fs.make_durable(touched)
    fs.save_state(docs_dir, p.state, old_state)
    kept = {e["sha256"] for e in p.state.values() if e.get("sha256")}
    fs.drop_bases(docs_dir, {e["sha256"] for e in old_state.values() if e.get("sha256")} - kept)


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


def build(settings: Settings, progress=None) -> Report:
    """Gather, plan and (unless a dry run) write; the report accounts for every seed."""
    with cycle_collector_paused():
        return _build(settings, progress)


def _build(settings: Settings, progress=None) -> Report:
    c = cache.load(settings.cache_dir)
    results, texts, problems = gather(settings, c, progress)
    state = fs.load_state(settings.docs_dir)
    wanted = {r.summary.page: (r.seed, texts[r.summary.page], r.summary.record) for r in results if r.summary}
    p = plan(wanted, settings.docs_dir, state, settings.force, c)
    if not settings.dry_run:
        apply(p, settings.docs_dir, state, c)
        cache.save(c)
    by_page = p.by_page()
    outcomes = []
    for r in results:
        d = by_page.get(r.summary.page) if r.summary else None
        if d:
            outcome, reason, page = d.action, d.reason, d.page
        elif r.duplicate_of:
            outcome, reason, page = DUPLICATE, f"byte-identical to {r.duplicate_of}", None
        else:
            outcome, reason, page = ERROR, "", None
        outcomes.append(SeedOutcome(seed=r.seed, page=page, outcome=outcome, reason=reason, problems=r.problems))
    return Report(seeds=outcomes, pages=p.decisions, problems=problems + p.problems, dry_run=settings.dry_run)
