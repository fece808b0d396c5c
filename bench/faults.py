"""Fault benchmark: editors' pages against killed builds, concurrent builds, saves during a build
and `mkdocs build` during a build, with real processes on an archive of corpus documents.

Each scenario starts from one archive (N corpus seeds, built once, about twenty pages edited by hand
with recognisable markers), copied for every trial, whose seeds are then changed so that a build
has real work: pages rewritten, edited pages merged or given a conflict proposal.

  kill     `gen build` killed with SIGKILL after a random delay (the delays spread over the
           duration of an uninterrupted build of the same copy), then run again to completion
  twin     two `gen build` started at once on the same project
  first    the same on a project never built (no docs/ yet)
  editor   an editor saving pages (plain write, or temporary file and rename) at random moments
           while `gen build` rewrites them
  mkdocs   `mkdocs build --strict` started while `gen build` runs
  aside    `gen build` killed (SIGKILL or SIGINT) right after it moved a page aside to replace it
           (the narrowest window of replace_if_unchanged, hit on purpose rather than by chance)

and counts, per scenario: edits made, edits lost, pages unparsable, non-idempotent re-runs (a
further build that writes anything), tracebacks, and other failures (exit codes, temporary files
left, pages neither old nor new after a kill, results that differ from an uninterrupted build).
Exits 1 when any of them is not zero.

    .venv/bin/python bench/faults.py                           # 50 trials, 1000 seeds
    .venv/bin/python bench/faults.py --trials 10 --seeds 500 --only kill editor

tests/test_concurrency.py runs the same scenario functions with a few trials; they live here,
beside the script that runs them by the hundred, so the test file holds only assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
WIRE = CORPUS / "dxy-news" / "docs"
PYTHON = sys.executable
# The generator under test is this repository's, whatever is installed in the environment.
ENV = {**os.environ, "PYTHONPATH": str(REPO), "NO_MKDOCS_2_WARNING": "1"}
TIMEOUT = 600

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.conftest import make_project  # noqa: E402  (a project folder: mkdocs.yml, overrides)
from gen import frontmatter  # noqa: E402
from gen.fs import ASIDE_PREFIX, TMP_PREFIX  # noqa: E402

# Report actions that change docs/: a build after a finished one must report none of them.
WRITING = frozenset({"written", "merged", "removed", "moved"})
SUMMARY = re.compile(r"(\d+) conflicts, (\d+) errors")
HAND_EDITS = 20
SAVES = 20


# ---- results -----------------------------------------------------------------------------------


@dataclass
class Result:
    """One trial: what was checked and every failure found, each as a readable line."""

    scenario: str
    trial: int
    seed: int
    edits: int = 0
    lost: list[str] = field(default_factory=list)
    unparsable: list[str] = field(default_factory=list)
    not_idempotent: list[str] = field(default_factory=list)
    tracebacks: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    notes: dict = field(default_factory=dict)

    @property
    def failures(self) -> list[str]:
        """Every failure of the trial, labelled."""
        return ([f"lost: {x}" for x in self.lost] + [f"unparsable: {x}" for x in self.unparsable]
                + [f"not idempotent: {x}" for x in self.not_idempotent] + [f"traceback: {x}" for x in self.tracebacks]
                + self.other)

    def describe(self) -> str:
        """The trial, how to find it again, and its failures."""
        head = f"{self.scenario} trial {self.trial} (seed {self.seed}, {json.dumps(self.notes, ensure_ascii=False)})"
        return "\n".join([head, *("  " + f for f in self.failures)])


# ---- processes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A finished process: exit code, output, wall time."""

    rc: int
    out: str
    err: str
    seconds: float

    @property
    def conflicts(self) -> int | None:
        """Conflicts on the summary line of `gen build` (None: no summary line)."""
        found = SUMMARY.findall(self.out)
        return int(found[-1][0]) if found else None

    @property
    def errors(self) -> int | None:
        found = SUMMARY.findall(self.out)
        return int(found[-1][1]) if found else None

    @property
    def traceback(self) -> bool:
        return "Traceback (most recent call last)" in self.out + self.err


def start(project: Path, *args: str) -> subprocess.Popen:
    """`python -m gen ARGS` in the project, as a real process."""
    return subprocess.Popen([PYTHON, "-m", "gen", *args], cwd=project, env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen, began: float) -> Run:
    """Wait for a started process."""
    out, err = proc.communicate(timeout=TIMEOUT)
    return Run(proc.returncode, out, err, time.monotonic() - began)


def gen(project: Path, *args: str) -> Run:
    """`python -m gen ARGS` to completion."""
    began = time.monotonic()
    return finish(start(project, *args), began)


def start_mkdocs(project: Path) -> subprocess.Popen:
    return subprocess.Popen([PYTHON, "-m", "mkdocs", "build", "--strict"], cwd=project, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def imported_gen(project: Path) -> Path:
    """Where the processes started in a project import `gen` from."""
    out = subprocess.run([PYTHON, "-c", "import gen; print(gen.__file__)"], cwd=project, env=ENV,
                         capture_output=True, text=True, check=True).stdout.strip()
    return Path(out).resolve().parent


# ---- the archive -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """A recognisable change an editor made to a page: the marker must stay in the page (or its proposal)."""

    page: str  # docs-relative
    marker: str


@dataclass(frozen=True)
class Base:
    """A built archive with hand edits, to be copied for each trial."""

    root: Path
    edits: tuple[Edit, ...]
    seconds: float  # its first build


def corpus_available() -> bool:
    return WIRE.is_dir() and any(WIRE.glob("*.txt"))


def corpus_seeds(n: int) -> list[Path]:
    """The first n wire items, in a stable order."""
    files = sorted(WIRE.glob("*.txt"))
    if len(files) < n:
        raise SystemExit(f"{WIRE} holds {len(files)} items; fewer than the {n} seeds asked for")
    return files[:n]


def body_start(text: str) -> int:
    """Offset of the body, after the front matter's closing `---` line."""
    if not text.startswith("---\n"):
        raise ValueError("no front matter")
    return text.index("\n---\n", 3) + len("\n---\n")


def mark_paragraph(text: str, marker: str) -> str:
    """The first body paragraph's first two characters replaced by the marker."""
    at = body_start(text)
    while text[at] == "\n":
        at += 1
    while text.startswith("编辑标记-", at):  # an earlier marker stays whole
        at += len("编辑标记-b001")
    return text[:at] + marker + text[at + 2:]


def append_note(text: str, marker: str) -> str:
    """A paragraph of the editor's own at the end of the body."""
    return text.rstrip("\n") + f"\n\n{marker}\n"


def edited(text: str, marker: str) -> str:
    """Either kind of edit, chosen by the marker's number so that each run has both."""
    return (mark_paragraph if int(marker[-3:]) % 2 else append_note)(text, marker)


def pages(project: Path) -> list[str]:
    """Docs-relative paths of the archive's document pages (proposals and temporaries excluded)."""
    docs = project / "docs"
    return sorted(p.relative_to(docs).as_posix() for p in (docs / "archive").rglob("*.md") if not p.name.startswith("."))


def seed_of_page(project: Path, page: str) -> Path:
    """The seed file a page was generated from (its `seed:`)."""
    parsed = frontmatter.parse((project / "docs" / page).read_text(encoding="utf-8"), page)
    return project / parsed.meta["seed"]


def build_base(root: Path, n_seeds: int, rng: random.Random, hand_edits: int = HAND_EDITS) -> Base:
    """A project of n corpus seeds, built once, with `hand_edits` pages edited by hand."""
    (root / "seeds").mkdir(parents=True)
    make_project(root, seeds=False)
    for src in corpus_seeds(n_seeds):
        shutil.copyfile(src, root / "seeds" / src.name)
    first = gen(root, "build")
    if first.rc != 0:
        raise RuntimeError(f"the first build of the base archive failed ({first.rc}):\n{first.out[-2000:]}\n{first.err[-2000:]}")
    edits = []
    for n, page in enumerate(sorted(rng.sample(pages(root), hand_edits)), 1):
        marker = f"编辑标记-b{n:03d}" if n % 2 else f"编辑补记-b{n:03d}"
        path = root / "docs" / page
        path.write_text(edited(path.read_text(encoding="utf-8"), marker), encoding="utf-8")
        edits.append(Edit(page, marker))
    return Base(root, tuple(edits), first.seconds)


def change_seeds(project: Path, rng: random.Random, share: float, must: set[Path] = frozenset()) -> list[Path]:
    """Change a share of the seeds (and every seed in `must`): half only in their bytes (a blank
    line: only the page's seed_sha256 changes, so an edited page merges), half in their text (a
    phrase in the first sentence: the body changes, and may conflict with an edit there)."""
    seeds = sorted((project / "seeds").glob("*.txt"))
    chosen = sorted(set(rng.sample(seeds, int(len(seeds) * share))) | set(must))
    for n, seed in enumerate(chosen):
        text = seed.read_text(encoding="utf-8")
        if n % 2:
            text += "\n"
        else:
            end = min((i for i in (text.find(c) for c in "。！？") if i >= 0), default=-1)
            phrase = f"（更新{rng.randrange(10**6)}）"
            text = text[:end + 1] + phrase + text[end + 1:] if end >= 0 else text.rstrip("\n") + phrase + "\n"
        seed.write_text(text, encoding="utf-8")
    return chosen


def copy_project(src: Path, dest: Path) -> Path:
    """A copy of a project (pages, state, cache), without its lock or built site."""
    shutil.copytree(src, dest, symlinks=True, ignore=shutil.ignore_patterns("lock", "site"))
    return dest


def prepare(base: Base, dest: Path, seed: int, share: float = 0.6) -> tuple[Path, Path]:
    """A trial copy of the base with its seeds changed, and an identical reference copy for an
    uninterrupted build."""
    project = copy_project(base.root, dest / "trial")
    must = {seed_of_page(project, e.page) for e in base.edits}  # every hand-edited page gets real work
    change_seeds(project, random.Random(seed), share, must)
    return project, copy_project(project, dest / "reference")


# ---- checks ------------------------------------------------------------------------------------


def snapshot(project: Path) -> dict[str, bytes]:
    """Every file under docs/ (the lock file aside: it is never written)."""
    docs = project / "docs"
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted(docs.rglob("*"))
            if p.is_file() and p.name != "lock"}


def differences(a: dict[str, bytes], b: dict[str, bytes], most: int = 5) -> list[str]:
    """Files added, removed or changed between two snapshots (the first few)."""
    found = [f"only before: {k}" for k in sorted(a.keys() - b.keys())] + [f"only after: {k}" for k in sorted(b.keys() - a.keys())]
    found += [f"changed: {k}" for k in sorted(a.keys() & b.keys()) if a[k] != b[k]]
    return found[:most] + ([f"… {len(found) - most} more"] if len(found) > most else [])


def proposal_of(page: str) -> str:
    folder, _, name = page.rpartition("/")
    return f"{folder}/.{name[:-3]}.proposed.md"


def lost_edits(project: Path, edits: list[Edit] | tuple[Edit, ...]) -> list[str]:
    """Edits whose marker is neither in their page nor in its proposal."""
    docs = project / "docs"
    lost = []
    for e in edits:
        found = [p for p in (docs / e.page, docs / proposal_of(e.page)) if p.exists() and e.marker in p.read_text(encoding="utf-8", errors="replace")]
        if not found:
            lost.append(f"{e.marker} in {e.page} ({'page present' if (docs / e.page).exists() else 'page missing'})")
    return lost


def unparsable(project: Path) -> list[str]:
    """Pages under docs/archive without front matter between `---` lines that parses."""
    bad = []
    for page in pages(project):
        text = (project / "docs" / page).read_text(encoding="utf-8", errors="replace")
        try:
            body_start(text)
            frontmatter.parse(text, page)
        except (ValueError, frontmatter.FrontMatterError) as exc:
            bad.append(f"{page}: {str(exc).splitlines()[0][:120]}")
    return bad


def tmp_left(project: Path) -> list[str]:
    """The generator's temporary files and set-aside pages anywhere in the project."""
    return sorted(p.relative_to(project).as_posix() for prefix in (TMP_PREFIX, ASIDE_PREFIX) for p in project.rglob(f"{prefix}*"))


def check_problems(project: Path) -> tuple[int, set[str]]:
    """`gen check`: exit code and problem lines."""
    run = gen(project, "check")
    return run.rc, {line for line in run.out.splitlines() if line and not line.endswith(("problems", "all pages valid"))}


def report_actions(project: Path) -> list[dict]:
    report = json.loads((project / "build" / "report.json").read_text(encoding="utf-8"))
    return report["pages"]


def idempotence(project: Path) -> tuple[list[str], Run]:
    """Run the build once more on a settled project: it must write nothing (docs/ byte-identical,
    no writing action reported; kept pages and standing conflicts are reported, not written)."""
    before = snapshot(project)
    run = gen(project, "build")
    found = [] if run.rc in (0, 1) else [f"exit {run.rc}"]
    found += differences(before, snapshot(project))
    found += [f"{a['action']} {a['page']}" for a in report_actions(project) if a["action"] in WRITING]
    return found, run


def exit_code_problems(name: str, run: Run) -> list[str]:
    """`gen build` exits 0, or 1 for conflicts only."""
    if run.rc == 0 or (run.rc == 1 and run.conflicts and not run.errors):
        return []
    return [f"{name}: exit {run.rc} (conflicts {run.conflicts}, errors {run.errors}): {run.err.strip()[-300:]}"]


def settle_checks(r: Result, project: Path, edits: list[Edit], reference: Path | None) -> None:
    """The checks after the builds of a trial are done: edits, pages, temporaries, `gen check`,
    the result against an uninterrupted build, and one more build that must write nothing."""
    r.lost += lost_edits(project, edits)
    r.unparsable += unparsable(project)
    r.other += [f"temporary file left: {t}" for t in tmp_left(project)]
    if reference is not None:
        r.other += [f"differs from an uninterrupted build: {d}" for d in differences(snapshot(reference), snapshot(project))]
        _, mine = check_problems(project)
        _, theirs = check_problems(reference)
        r.other += [f"gen check, not in an uninterrupted build: {p}" for p in sorted(mine - theirs)[:5]]
    again, run = idempotence(project)
    r.not_idempotent += again
    if run.traceback:
        r.tracebacks.append("idempotence build")


def page_states(project: Path, before: dict[str, bytes], after: dict[str, bytes]) -> dict[str, int]:
    """How many pages are as before the build, as after an uninterrupted one, missing, or neither."""
    counts = {"old": 0, "new": 0, "missing": 0, "neither": 0}
    for page in sorted({k for k in before.keys() | after.keys() if k.startswith("archive/") and "/." not in k}):
        path = project / "docs" / page
        data = path.read_bytes() if path.exists() else None
        if data is not None and data == before.get(page):
            counts["old"] += 1
        elif data is not None and data == after.get(page):
            counts["new"] += 1
        elif data is None:
            counts["old" if page not in before else "new" if page not in after else "missing"] += 1
        else:
            counts["neither"] += 1
    return counts


# ---- scenarios ---------------------------------------------------------------------------------


def scenario_kill(base: Base, dest: Path, trial: int, seed: int, spread: tuple[float, float] = (0.0, 1.0)) -> Result:
    """SIGKILL `gen build` after a random delay within `spread` (fractions of an uninterrupted
    build's duration), then build to completion; check, then check that one more build writes nothing."""
    r = Result("kill", trial, seed, edits=len(base.edits))
    rng = random.Random(seed)
    project, reference = prepare(base, dest, seed)
    before = snapshot(project)
    ref = gen(reference, "build")
    after = snapshot(reference)
    delay = rng.uniform(*spread) * ref.seconds
    began = time.monotonic()
    proc = start(project, "build")
    time.sleep(max(0.0, delay - (time.monotonic() - began)))
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=TIMEOUT)
    states = page_states(project, before, after)
    r.notes = {"delay": round(delay, 3), "build": round(ref.seconds, 3), "rc": proc.returncode, **states,
               "tmp": len(tmp_left(project))}
    # Right after the kill the page stands set aside (the next build puts it back); any other page
    # must be old or new.
    if states["neither"] or states["missing"] > 1:
        r.other.append(f"after the kill, pages neither old nor new: {states}")
    rerun = gen(project, "build")
    r.other += exit_code_problems("re-run", rerun)
    if rerun.traceback or ref.traceback:
        r.tracebacks.append("re-run" if rerun.traceback else "reference build")
    settle_checks(r, project, list(base.edits), reference)
    return r


def scenario_twin(base: Base, dest: Path, trial: int, seed: int) -> Result:
    """Two `gen build` started at once: both finish, the result is an uninterrupted build's."""
    r = Result("twin", trial, seed, edits=len(base.edits))
    project, reference = prepare(base, dest, seed)
    ref = gen(reference, "build")
    began = time.monotonic()
    procs = [start(project, "build"), start(project, "build")]
    runs = [finish(p, began) for p in procs]
    waited = sum("waiting" in run.err for run in runs)
    r.notes = {"rc": [run.rc for run in runs], "waited": waited, "reference_rc": ref.rc}
    for n, run in enumerate(runs, 1):
        r.other += exit_code_problems(f"build {n}", run)
        if run.traceback:
            r.tracebacks.append(f"build {n}")
    settle_checks(r, project, list(base.edits), reference)
    return r


def scenario_first(base: Base, dest: Path, trial: int, seed: int) -> Result:
    """Two first builds started at once on a project never built (no docs/): both finish, and the
    result is one build's. (Both create docs/.gen/ and its .gitignore before taking the lock.)"""
    r = Result("first", trial, seed)
    project = copy_project(base.root, dest / "trial")
    for folder in ("docs", "build"):
        shutil.rmtree(project / folder)
    reference = copy_project(project, dest / "reference")
    gen(reference, "build")
    began = time.monotonic()
    runs = [finish(p, began) for p in [start(project, "build"), start(project, "build")]]
    r.notes = {"rc": [run.rc for run in runs], "waited": sum("waiting" in run.err for run in runs)}
    for n, run in enumerate(runs, 1):
        r.other += exit_code_problems(f"build {n}", run)
        if run.traceback:
            r.tracebacks.append(f"build {n}")
    settle_checks(r, project, [], reference)
    return r


@dataclass(frozen=True)
class Save:
    """An editor's save during the build: when, to which page, how."""

    at: float  # seconds after the build started
    edit: Edit
    atomic: bool  # temporary file then rename (else open, truncate, write)
    stale: bool  # the text was read before the build started (an editor who opened the page earlier)


def plan_saves(rng: random.Random, candidates: list[str], n: int, window: float, trial: int) -> list[Save]:
    """n saves to distinct pages at random moments within the window, in the order they happen."""
    chosen = rng.sample(candidates, min(n, len(candidates)))
    return sorted((Save(rng.uniform(0, window), Edit(page, f"{'编辑标记' if k % 2 else '编辑补记'}-s{trial % 10}{k:02d}"),
                        atomic=bool(rng.getrandbits(1)), stale=rng.random() < 0.3) for k, page in enumerate(chosen)),
                  key=lambda s: s.at)


def read_page(path: Path, absent: list[str]) -> str:
    """A page as an editor opens it. The build replaces a page by moving the old file aside and
    linking the new one in, so for a moment there is no file: the editor sees "no such file" and
    tries again (each such moment is noted, not counted as a failure)."""
    for _ in range(100):
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            if path.name not in absent:
                absent.append(path.name)
            time.sleep(0.001)
    return path.read_text(encoding="utf-8")


def editor(project: Path, saves: list[Save], began: float, done: list[Save], errors: list[str], absent: list[str]) -> None:
    """Save each page at its moment, as an editor does: the whole file at once."""
    docs = project / "docs"
    opened = {s.edit.page: (docs / s.edit.page).read_text(encoding="utf-8") for s in saves if s.stale}
    for s in saves:
        time.sleep(max(0.0, s.at - (time.monotonic() - began)))
        path = docs / s.edit.page
        try:
            text = edited(opened[s.edit.page] if s.stale else read_page(path, absent), s.edit.marker)
            if s.atomic:
                tmp = path.with_name(f".{path.name}.editor-save")
                tmp.write_text(text, encoding="utf-8")
                os.replace(tmp, path)
            else:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
            done.append(s)
        except OSError as exc:  # the editor would see the error: counted as a failure, not as a lost save
            errors.append(f"{s.edit.page}: {exc}")


def scenario_editor(base: Base, dest: Path, trial: int, seed: int, n_saves: int = SAVES) -> Result:
    """An editor saves pages while `gen build` rewrites them: no save is lost, after this build
    and after the next; then one more build writes nothing."""
    r = Result("editor", trial, seed)
    rng = random.Random(seed)
    project, reference = prepare(base, dest, seed, share=0.9)
    ref = gen(reference, "build")
    # Pages the build will replace (or propose for), that exist before it: new pages have nothing to edit yet.
    rewritten = [a["page"] for a in report_actions(reference)
                 if a["action"] in WRITING | {"conflict"} and (project / "docs" / a["page"]).is_file()]
    saves = plan_saves(rng, rewritten, n_saves, ref.seconds, trial)
    done: list[Save] = []
    failed: list[str] = []
    absent: list[str] = []
    began = time.monotonic()
    proc = start(project, "build")
    thread = threading.Thread(target=editor, args=(project, saves, began, done, failed, absent))
    thread.start()
    first = finish(proc, began)
    thread.join()
    during = sum(1 for s in done if s.at < first.seconds)
    # A save the build met (when planning, or when about to replace the page) turns the page's
    # action from the reference build's into merged, kept or conflict.
    expected = {a["page"]: a["action"] for a in report_actions(reference)}
    actions = {a["page"]: a["action"] for a in report_actions(project)}
    met = sum(1 for s in done if actions.get(s.edit.page) != expected.get(s.edit.page))
    edits = list(base.edits) + [s.edit for s in done]
    r.edits = len(edits)
    r.notes = {"build": round(first.seconds, 3), "saves": len(done), "during_build": during, "met": met, "rc": first.rc,
               "failed_saves": failed, "page_absent_on_open": absent}
    r.other += [f"editor's save failed: {f}" for f in failed]
    r.other += exit_code_problems("build", first)
    r.lost += [f"after the build: {x}" for x in lost_edits(project, edits)]
    second = gen(project, "build")
    r.other += exit_code_problems("second build", second)
    r.tracebacks += [name for name, run in (("build", first), ("second build", second)) if run.traceback]
    proposals = {p for p in snapshot(project) if p.endswith(".proposed.md")}
    settle_checks(r, project, edits, None)
    r.other += [f"proposal resolved without an editor: {p}" for p in sorted(proposals - set(snapshot(project)))]
    return r


def scenario_mkdocs(base: Base, dest: Path, trial: int, seed: int, measured: tuple[float, float, float],
                    spread: tuple[float, float] = (0.0, 1.0)) -> Result:
    """`mkdocs build --strict` while `gen build` runs. The build starts `delay` seconds after mkdocs
    (before it, when negative), the delay within `spread` of the span from (mkdocs takes docs/'s
    lock − one build) to (mkdocs releases it), as measured by mkdocs_window(): so either may hold
    docs/ when the other arrives."""
    r = Result("mkdocs", trial, seed, edits=len(base.edits))
    rng = random.Random(seed)
    project, _ = prepare(base, dest, seed)
    _, lock_from, lock_to = measured
    earliest = lock_from - base.seconds
    delay = earliest + rng.uniform(*spread) * (lock_to - earliest)
    counts = {len(pages(project))}
    began = time.monotonic()
    if delay < 0:
        building = start(project, "build")
        time.sleep(-delay)
        site = start_mkdocs(project)
    else:
        site = start_mkdocs(project)
        time.sleep(delay)
        building = start(project, "build")
    build = finish(building, began)
    out, err = site.communicate(timeout=TIMEOUT)
    counts.add(len(pages(project)))
    built = len(list((project / "site" / "archive").rglob("index.html")))
    r.notes = {"delay": round(delay, 3), "lock": [round(lock_from, 3), round(lock_to, 3)], "mkdocs_rc": site.returncode,
               "gen_rc": build.rc, "mkdocs_waited": "waiting for the generator" in err, "gen_waited": "waiting" in build.err,
               "seconds": round(time.monotonic() - began, 3)}
    if site.returncode != 0:
        r.other.append(f"mkdocs exit {site.returncode}: {' | '.join(l for l in err.splitlines() if 'WARNING' in l or 'ERROR' in l)[:400]}")
    if "Traceback (most recent call last)" in out + err:
        r.tracebacks.append("mkdocs")
    if build.traceback:
        r.tracebacks.append("gen build")
    r.other += exit_code_problems("gen build", build)
    # mkdocs read docs/ wholly before or wholly after the build: as many pages as one of the two.
    if site.returncode == 0 and built not in counts:
        r.other.append(f"site has {built} archive pages; docs/archive had {' or '.join(map(str, sorted(counts)))}")
    settle_checks(r, project, list(base.edits), None)
    return r


# Signals the build right after the n-th time it renames a page to its set-aside name: the moment
# replace_if_unchanged has set the old page aside and not yet linked the new one in. SIGKILL
# stops it there; SIGINT (Ctrl-C) raises KeyboardInterrupt at the next bytecode, still inside.
# Ctrl-C is handled as in a terminal even when the runner ignores SIGINT (a job a shell started in
# the background inherits SIGINT ignored, and Python then leaves it ignored).
_KILL_AFTER_ASIDE = r"""
import os, runpy, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
target = int(os.environ["FAULTS_KILL_AFTER_ASIDE"])
sig = getattr(signal, os.environ["FAULTS_SIGNAL"])
rename, seen = os.rename, [0]
def rename_then_die(src, dst, *a, **k):
    rename(src, dst, *a, **k)
    if str(src).endswith(".md") and os.path.basename(str(dst)).startswith(os.environ["FAULTS_ASIDE_PREFIX"]):
        seen[0] += 1
        if seen[0] == target:
            os.kill(os.getpid(), sig)
os.rename = rename_then_die
sys.argv = ["gen", "build"]
runpy.run_module("gen", run_name="__main__", alter_sys=True)
"""


def scenario_aside(base: Base, dest: Path, trial: int, seed: int) -> Result:
    """SIGKILL (trials 0, 1 of every 4) or SIGINT (2, 3) `gen build` right after it set the n-th
    page aside to replace it (n random; a hand-edited page in even trials), then build to
    completion: every page must still be there, old or new, with its edits."""
    r = Result("aside", trial, seed, edits=len(base.edits))
    rng = random.Random(seed)
    project, reference = prepare(base, dest, seed)
    before = snapshot(project)
    gen(reference, "build")
    after = snapshot(reference)
    # The pages replaced (not created) by the build, in the order it replaces them.
    order = [a["page"] for a in report_actions(reference) if a["action"] in ("written", "merged") and a["reason"] != "new page"]
    replaced = len(order)
    # Hand-edited pages are the ones whose loss matters most: aim at one of them every other trial.
    edited_pages = {e.page for e in base.edits}
    targets = [i + 1 for i, p in enumerate(order) if p in edited_pages]
    nth = rng.choice(targets) if targets and trial % 2 == 0 else rng.randint(1, max(1, replaced))
    sig = "SIGINT" if trial % 4 >= 2 else "SIGKILL"
    env = {**ENV, "FAULTS_KILL_AFTER_ASIDE": str(nth), "FAULTS_SIGNAL": sig, "FAULTS_ASIDE_PREFIX": ASIDE_PREFIX}
    killed = subprocess.run([PYTHON, "-c", _KILL_AFTER_ASIDE], cwd=project, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    states = page_states(project, before, after)
    r.notes = {"signal": sig, "nth": nth, "of": replaced, "page": order[nth - 1] if nth <= len(order) else None,
               "rc": killed.returncode, **states}
    if killed.returncode != {"SIGKILL": -signal.SIGKILL, "SIGINT": 130}[sig]:
        r.other.append(f"the build was not stopped by {sig} (exit {killed.returncode}): the injection point was not reached")
    # Right after the kill the page stands set aside (the next build puts it back); any other page
    # must be old or new.
    if states["neither"] or states["missing"] > 1:
        r.other.append(f"after the kill, pages neither old nor new: {states}")
    rerun = gen(project, "build")
    r.other += exit_code_problems("re-run", rerun)
    if rerun.traceback:
        r.tracebacks.append("re-run")
    settle_checks(r, project, list(base.edits), reference)
    return r


# ---- running -----------------------------------------------------------------------------------

SCENARIOS = ("kill", "twin", "first", "editor", "mkdocs", "aside")
PLAIN = {"twin": scenario_twin, "first": scenario_first, "editor": scenario_editor, "aside": scenario_aside}


def lock_holders(inode: int) -> bool:
    """True when some process holds (or waits for) a lock on this inode (/proc/locks, Linux)."""
    try:
        text = Path("/proc/locks").read_text()
    except OSError:
        return False
    return any(m.group(1) == str(inode) for m in re.finditer(r" [0-9a-f]+:[0-9a-f]+:(\d+) ", text))


def mkdocs_window(base: Base, dest: Path) -> tuple[float, float, float]:
    """One `mkdocs build --strict` of a copy of the base (which must pass): its duration and when,
    after its start, it took and released docs/'s lock (watched in /proc/locks, not taken, so the
    measurement does not change what it measures; without /proc/locks: its whole run)."""
    project = copy_project(base.root, dest)
    lock = project / "docs" / ".gen" / "lock"
    lock.touch()
    inode = lock.stat().st_ino
    seen: list[float] = []
    began = time.monotonic()
    proc = start_mkdocs(project)
    while proc.poll() is None:
        if lock_holders(inode):
            seen.append(time.monotonic() - began)
        time.sleep(0.002)
    out, err = proc.communicate(timeout=TIMEOUT)
    seconds = time.monotonic() - began
    if proc.returncode != 0:
        raise RuntimeError(f"mkdocs build --strict fails on the base archive itself:\n{err[-3000:]}")
    shutil.rmtree(project)
    return (seconds, seen[0], seen[-1]) if seen else (seconds, 0.0, seconds)


def spread_of(t: int, trials: int) -> tuple[float, float]:
    """Trial t's slice of [0, 1]: a few trials cover the whole span evenly."""
    return t / trials, (t + 1) / trials


def run(name: str, base: Base, work: Path, trials: int, seed: int,
        on_result: Callable[[Result], None] = lambda r: None) -> list[Result]:
    """`trials` trials of one scenario, each in its own folder under work (removed when it passed)."""
    results = []
    measured = mkdocs_window(base, work / f"{name}-measure") if name == "mkdocs" else None
    for t in range(trials):
        dest = work / f"{name}-{t}"
        dest.mkdir(parents=True)
        trial_seed = seed * 1000 + t
        # Stratified delays: trial t within the t-th slice, so that a few trials cover start-up,
        # reading, planning and writing alike.
        if name == "kill":
            r = scenario_kill(base, dest, t, trial_seed, spread=spread_of(t, trials))
        elif name == "mkdocs":
            r = scenario_mkdocs(base, dest, t, trial_seed, measured, spread=spread_of(t, trials))
        else:
            r = PLAIN[name](base, dest, t, trial_seed)
        results.append(r)
        on_result(r)
        if not r.failures:
            shutil.rmtree(dest, ignore_errors=True)
    return results


COLUMNS = ("trials", "edits made", "edits lost", "unparsable", "not idempotent", "tracebacks", "other failures")


def tally(results: list[Result]) -> dict[str, int]:
    return {
        "trials": len(results),
        "edits made": sum(r.edits for r in results),
        "edits lost": sum(len(r.lost) for r in results),
        "unparsable": sum(len(r.unparsable) for r in results),
        "not idempotent": sum(1 for r in results if r.not_idempotent),
        "tracebacks": sum(len(r.tracebacks) for r in results),
        "other failures": sum(len(r.other) for r in results),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=50, help="trials per scenario (default 50)")
    parser.add_argument("--seeds", type=int, default=1000, help="corpus seeds in the archive (default 1000)")
    parser.add_argument("--only", nargs="+", choices=SCENARIOS, default=list(SCENARIOS), help="scenarios to run")
    parser.add_argument("--seed", type=int, default=1, help="random seed (trial t of a run uses seed*1000+t)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (failed trials are always kept)")
    args = parser.parse_args(argv)
    if not corpus_available():
        print(f"shared corpus not found at {WIRE}", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="faults-"))
    print(f"work folder {work}; gen imported from {imported_gen(work)}", flush=True)
    base = build_base(work / "base", args.seeds, random.Random(args.seed))
    print(f"base archive: {args.seeds} seeds, {len(base.edits)} pages edited by hand, first build {base.seconds:.2f} s", flush=True)

    def show(r: Result) -> None:
        print(("FAIL " if r.failures else "ok   ") + r.describe().replace("\n", "\n     "), flush=True)

    totals = {}
    for name in args.only:
        began = time.monotonic()
        results = run(name, base, work, args.trials, args.seed, show)
        totals[name] = tally(results) | {"seconds": round(time.monotonic() - began, 1)}
    print()
    print(f"{'scenario':<10}" + "".join(f"{c:>16}" for c in (*COLUMNS, "seconds")))
    for name, t in totals.items():
        print(f"{name:<10}" + "".join(f"{t[c]:>16}" for c in (*COLUMNS, "seconds")))
    bad = any(t[c] for t in totals.values() for c in COLUMNS[2:])
    if not args.keep and not bad:
        shutil.rmtree(work, ignore_errors=True)
    elif bad:
        print(f"\nfailed trials are kept under {work}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
