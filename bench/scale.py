"""Scale benchmark: the figures of "100,000 documents on GitHub Pages", ours beside stock Material.

Builds an archive of N seeds from ../shared/corpus (and, beyond the ~10,000 it holds, synthetic
documents spliced from two corpus documents) in a temporary folder outside the repository (the
corpus is not ours to publish), then measures, each command in a fresh process:

  ours        python -m gen build --no-cache, then python -m mkdocs build --strict (cold): seconds,
              end to end ms per document, peak memory: GNU time's %M (the largest RSS of the
              command or of any one of its children) and the most its processes held at once
              (PSS summed over the process tree, sampled every 0.2 s); the target takes the larger,
              over these builds and the re-publishes
  stock       the same docs/ pages (without docs/.gen) built by stock MkDocs + Material with
              Material's own search (lang: zh, jieba installed): no overrides, no plugins of ours,
              the same markdown_extensions and nav; seconds, bytes per document, and the ratio
              ours / stock (wall clock, the target; and CPU time, which a busy machine sways
              less), skipped above --stock-max documents. Our index pages are made by
              our plugin during its build, not kept in docs/, so stock builds the document
              pages only: both page counts are printed
  bytes       every file under site/ divided by N, and by kind: document pages, index pages,
              search index, assets, other
  re-publish  one seed changed, build/ and site/ kept: gen build + mkdocs build --strict
              (median of 3, a different seed each time)
  edit loop   mkdocs serve --dirty (as `make serve`): seconds until it first answers, and from
              saving an edit to one page until the server serves it
  search      with --search: bench/search.py on the built site (first and later query bytes,
              p95 latency in headless chromium)
  profile     with --profile: one more cold site build under cProfile; the top functions and
              own time by package

    .venv/bin/python bench/scale.py                          # N = 1,000 and 10,000
    .venv/bin/python bench/scale.py --sizes 100000 --search  # the issue's size (hours; GBs of disk)
    .venv/bin/python bench/scale.py --sizes 1000 --profile   # a before/after profile
    .venv/bin/python bench/scale.py --quick                  # N = 500

KB and MB here are 1,024 and 1,048,576 bytes.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import pstats
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
PYTHON = sys.executable
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
TIME = "/usr/bin/time"
RERUNS = 3  # re-publishes with one changed seed (a different one each time); the median is shown
KB, MB, GB = 1024, 1024**2, 1024**3
# Disk a run takes per document: seeds, docs/, build/, site/ and the stock copy with its site.
# Measured at 300 documents: about 55 KB for the archive and 30 KB for the stock copy; the rest is
# room for what build/ keeps between builds and for a search index that does not grow in step.
DISK_PER_DOC = 120 * KB


@dataclass(frozen=True)
class Target:
    """One line of the issue's table: the figure (a key of a row), what it is, and its bound."""

    key: str
    measure: str
    bound: float
    strict: bool  # "<" rather than "≤"
    unit: str
    spec: str = ".2f"  # how the figure is printed


TARGETS = (
    Target("kb_per_doc", "published bytes per document (all of site/)", 8, False, "KB"),
    Target("ratio", "end to end / stock Material + jieba (1,000 pages)", 0.4, False, ""),
    Target("ms_per_doc", "end to end (gen + site + search), 2 cores", 2, False, "ms/doc"),
    Target("republish_s", "re-publish after one changed seed (gen + site)", 20, False, "s"),
    Target("edit_s", "saved edit → served by make serve", 3, False, "s"),
    Target("peak_mb", "peak memory (any gen or site build)", 2048, True, "MB", ".0f"),
    Target("search_first_kb", "search: first query transfer (max)", 300, True, "KB", ".1f"),
    Target("search_later_kb", "search: later query transfer (max)", 100, True, "KB", ".1f"),
    Target("search_p95_ms", "search: latency p95", 100, False, "ms", ".0f"),
)

# Published files by kind, from their site-relative path (see site_kind).
KINDS = ("documents", "indexes", "search", "assets", "other")
# Own time in a profile is grouped by these packages; everything else is "other".
PACKAGES = ("mkdocs", "jinja2", "markdown", "material", "pymdownx", "gen")
PROFILED = "-profile"  # the profiled copy of archive nN is nN-profile


# --- pure helpers --------------------------------------------------------------------------------


def synthetic(a: str, b: str, rng: random.Random) -> str:
    """A new document spliced from two: the first one's form (and title line, if any), paragraphs of both."""
    if "<p>" in a:
        title, _, body = a.partition("\n")
        paras = re.findall(r"<p>.*?</p>", body, flags=re.S) + re.findall(r"<p>.*?</p>", b.partition("\n")[2], flags=re.S)
        rng.shuffle(paras)
        return f"{title}（综合）\n" + "\r\n".join(paras[: max(2, len(paras) // 2 + 1)])
    sentences = re.split(r"(?<=。)", a) + re.split(r"(?<=。)", b)
    rng.shuffle(sentences)
    return "".join(sentences[: max(2, len(sentences) // 2 + 1)])


def site_kind(rel: str) -> str:
    """What a published file is, from its path under site/: a document page, an index page
    (home, timeline, districts, sources, tags), the search index, an asset, or other."""
    top, _, rest = rel.partition("/")
    if top == "search":
        return "search"
    if top == "assets":
        return "assets"
    if not rel.endswith(".html") or rel == "404.html":
        return "other"
    return "documents" if top == "archive" and rest else "indexes"


def tally(files: list[tuple[str, int]], n: int) -> dict:
    """Bytes per document, in all and by kind, from (site-relative path, bytes) pairs; "other"
    also by its top-level folder (or file), largest first, as exports and feeds land there."""
    kinds = {k: {"files": 0, "bytes": 0} for k in KINDS}
    other: dict[str, int] = defaultdict(int)
    for rel, size in files:
        kind = site_kind(rel)
        kinds[kind]["files"] += 1
        kinds[kind]["bytes"] += size
        if kind == "other":
            top, slash, _ = rel.partition("/")
            other[top + slash] += size
    total = sum(k["bytes"] for k in kinds.values())
    return {"files": len(files), "bytes": total, "kb_per_doc": total / n / KB, "kinds": kinds,
            "other": dict(sorted(other.items(), key=lambda kv: (-kv[1], kv[0])))}


def top_level_block(text: str, key: str) -> str:
    """The lines of a top-level key of a YAML file (the key's line and everything indented under
    it), kept as text so that tags such as !!python/object/apply stay as they are; "" if absent."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(f"{key}:"):
            end = i + 1
            while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t#-"):
                end += 1
            while end > i + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
                end -= 1
            return "\n".join(lines[i:end]) + "\n"
    return ""


def stock_config(ours: str) -> str:
    """mkdocs.yml for the stock build: Material (zh, no web fonts) with its own search (lang: zh),
    our markdown_extensions, nav and not_in_nav; no overrides, no plugins of ours."""
    name = re.search(r"^site_name:.*$", ours, flags=re.M)
    parts = [
        (name.group(0) if name else "site_name: stock") + "\n",
        "docs_dir: docs\nsite_dir: site\n",
        "theme:\n  name: material\n  language: zh\n  font: false\n",
        "plugins:\n  - search:\n      lang: zh\n",
    ]
    # not_in_nav only keeps MkDocs from listing every page in its log, as ours does.
    parts += [without_ours(top_level_block(ours, "markdown_extensions"))]
    parts += [top_level_block(ours, key) for key in ("nav", "not_in_nav")]
    return "".join(p for p in parts if p)


def without_ours(block: str) -> str:
    """A YAML list block without the items that name a module of ours (gen.…), options and all:
    gen.guard, for one, refuses every page when our plugins are not in the build."""
    kept, skip_deeper = [], None
    for line in block.splitlines():
        indent = len(line) - len(line.lstrip())
        if skip_deeper is not None and (not line.strip() or indent > skip_deeper):
            continue
        skip_deeper = None
        if re.match(r"\s*-\s*['\"]?gen[.:'\"\s]", line + " "):
            skip_deeper = indent
            continue
        kept.append(line)
    return "\n".join(kept) + "\n" if kept else ""


def package_of(filename: str) -> str:
    """The package a profiled function belongs to, from its file: one of PACKAGES, or "other"."""
    parts = Path(filename).parts
    if "site-packages" in parts:
        top = parts[parts.index("site-packages") + 1] if parts[-1] != "site-packages" else ""
        top = top.removesuffix(".py")
        return top if top in PACKAGES else "other"
    if str(REPO / "gen") in filename and "gen" in parts:
        return "gen"
    return "other"


def own_time_by_package(stats: dict) -> dict[str, float]:
    """Own time (seconds) per package, from pstats' raw table {(file, line, name): (cc, nc, tt, ct,
    callers)}. A built-in's time (str.join, re's matching …) counts for the package that called it,
    as pstats records it per caller: that is where the work was asked for."""
    totals: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, own, _, callers) in stats.items():
        if filename == "~" and callers:
            for (caller, _, _), timing in callers.items():
                totals[package_of(caller)] += timing[2]
        else:
            totals[package_of(filename)] += own
    return {p: totals.get(p, 0.0) for p in (*PACKAGES, "other")}


def others(stats: dict, count: int = 6) -> list[tuple[str, float]]:
    """The files with the most own time among those of no package in PACKAGES (built-ins counted
    for their callers, as in own_time_by_package)."""
    totals: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, own, _, callers) in stats.items():
        if filename == "~" and callers:
            for (caller, _, _), timing in callers.items():
                if package_of(caller) == "other":
                    totals[short_path(caller)] += timing[2]
        elif package_of(filename) == "other":
            totals[short_path(filename)] += own
    return sorted(totals.items(), key=lambda kv: -kv[1])[:count]


def top_functions(stats: dict, by: str, count: int = 25) -> list[tuple[float, float, int, str]]:
    """The `count` functions with the most cumulative ("cum") or own ("own") time:
    (cumulative s, own s, calls, where)."""
    rows = []
    for (filename, line, name), (_, calls, own, cum, _) in stats.items():
        where = name if filename == "~" else f"{short_path(filename)}:{line}({name})"
        rows.append((cum, own, calls, where))
    rows.sort(key=lambda r: -(r[0] if by == "cum" else r[1]))
    return rows[:count]


def short_path(filename: str) -> str:
    """A file name without the folders of Python's library, the repository or the profiled project."""
    filename = re.sub(r"^.*/lib/python3\.\d+/(site-packages/)?", "", filename)
    filename = re.sub(rf"^.*/n\d+{PROFILED}/", "", filename)
    return filename.removeprefix(str(REPO) + "/")


def verdict(value: float | None, target: Target) -> str:
    """✓ when a figure meets its target, ✗ when not, "" when it was not measured."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    met = value < target.bound if target.strict else value <= target.bound
    return "✓" if met else "✗"


def disk_needed(sizes: list[int], keep: bool) -> int:
    """Bytes of disk a run needs: the largest archive, or all of them when they are kept."""
    return (sum(sizes) if keep else max(sizes)) * DISK_PER_DOC


# --- the archive ---------------------------------------------------------------------------------


def corpus_files() -> list[Path]:
    """Every corpus document, in a stable order."""
    files = sorted((CORPUS / "dxy-news" / "docs").glob("*.txt"))
    files += sorted((CORPUS / "cctv-xwlb" / "items").rglob("*.html"))
    return files


def make_archive(root: Path, n: int) -> dict[str, int]:
    """A project folder with N seeds, mkdocs.yml and overrides/; how many seeds are corpus
    documents and how many synthetic."""
    seeds = root / "seeds"
    seeds.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", root / "overrides")
    files = corpus_files()
    real = min(n, len(files))
    for src in files[:real]:
        shutil.copyfile(src, seeds / src.name)
    if n > real:
        # Read once; splicing is cheap, so 100,000 seeds take seconds.
        texts = [f.read_text(encoding="utf-8") for f in files]
        rng = random.Random(n)
        for i in range(real, n):
            a, b = rng.sample(range(len(files)), 2)
            text = synthetic(texts[a], texts[b], rng)
            (seeds / f"syn_{i:06d}{files[a].suffix}").write_bytes(text.encode("utf-8"))
    return {"corpus": real, "synthetic": n - real}


# --- measuring commands --------------------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    """One run of a command."""

    seconds: float
    cpu_s: float  # user + system time of the command and every process it started: less swayed by a busy machine
    peak_mb: int  # GNU time's %M: the largest peak RSS of the command or of any one of its children
    tree_mb: int  # the most memory the command and all its children held at once (PSS, sampled)
    out: str  # stdout and stderr


SAMPLE_S = 0.2  # how often the process tree's memory is read
PR_SET_CHILD_SUBREAPER = 36  # prctl(2)
ORPHANS_WAIT_S = 30.0  # how long a command's leftover processes may take to end


def adopt_orphans() -> bool:
    """Make this process the reaper of its descendants' orphans (Linux), so that their CPU time
    counts: a build's page workers are children of multiprocessing's forkserver, which the build
    never waits for, so neither they nor the server are in the build's own children's time
    (GNU time's %U+%S left out most of a site build's rendering). False where it cannot be done."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def reap_orphans(wait_s: float) -> None:
    """Wait for the processes left to this one (adopt_orphans) to end, for at most wait_s."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return  # none left
        if pid == 0:
            if time.monotonic() > deadline:
                return
            time.sleep(0.02)


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], cwd: Path, ok: tuple[int, ...] = (0, 1), env: dict | None = None) -> Measured:
    """Run a command once, timing it and watching its memory. Its CPU time is that of every
    process it started, those it left running included (once they end). `env`: its environment
    (default ENV)."""
    adopted = adopt_orphans()
    reap_orphans(0.0)  # what earlier commands left and has ended since is not this one's
    cpu_before = children_cpu_s()
    start = time.perf_counter()
    proc = subprocess.Popen([TIME, "-f", "PEAK_KB=%M", *cmd], cwd=cwd, env=ENV if env is None else env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    tree = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(SAMPLE_S):
            tree[0] = max(tree[0], tree_pss_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if adopted:
        reap_orphans(ORPHANS_WAIT_S)
    cpu = children_cpu_s() - cpu_before
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} in {cwd} failed ({proc.returncode}):\n{stdout[-2000:]}\n{stderr[-3000:]}")
    peak = max((int(m) for m in re.findall(r"PEAK_KB=(\d+)", stderr)), default=0)
    return Measured(seconds, cpu, peak // 1024, tree[0] // 1024, stdout + stderr)


def tree_pss_kb(pid: int) -> int:
    """KB of memory held by a process and its descendants together, each shared page counted
    once (PSS: forked workers share most of their parent's pages); 0 once they are gone."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup", encoding="ascii") as f:
                total += next((int(line.split()[1]) for line in f if line.startswith("Pss:")), 0)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as f:
                    todo += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            continue  # the process ended while it was read
    return total


GEN = [PYTHON, "-m", "gen", "build"]
SITE = [PYTHON, "-m", "mkdocs", "build", "--strict"]


def published(site: Path, n: int) -> dict:
    """tally() of every file under a built site."""
    files = []
    for folder, _, names in os.walk(site):
        for name in names:
            path = os.path.join(folder, name)
            files.append((os.path.relpath(path, site).replace(os.sep, "/"), os.path.getsize(path)))
    return tally(files, n)


def stock(root: Path, n: int) -> dict:
    """Build the archive's docs/ (without docs/.gen) with stock MkDocs + Material and its search."""
    folder = root.parent / f"{root.name}-stock"
    shutil.copytree(root / "docs", folder / "docs", ignore=shutil.ignore_patterns(".gen"))
    (folder / "mkdocs.yml").write_text(stock_config((REPO / "mkdocs.yml").read_text(encoding="utf-8")), encoding="utf-8")
    # Not --strict: the nav names the index pages, which our plugin makes during its build and
    # docs/ does not hold, so stock MkDocs warns about them.
    run = timed([PYTHON, "-m", "mkdocs", "build"], folder, ok=(0,))
    site = published(folder / "site", n)
    shutil.rmtree(folder, ignore_errors=True)
    return {"stock_s": run.seconds, "stock_cpu_s": run.cpu_s, "stock_mb": max(run.peak_mb, run.tree_mb), "stock_pages": site["kinds"]["documents"]["files"] + site["kinds"]["indexes"]["files"],
            "stock_kb_per_doc": site["kb_per_doc"], "stock_bytes": site}


def republish(root: Path) -> dict:
    """gen build + mkdocs build --strict after one changed seed, build/ and site/ kept (median of RERUNS)."""
    gens, sites, peak = [], [], 0
    seeds = sorted((root / "seeds").iterdir())
    for seed in seeds[:: max(1, len(seeds) // RERUNS)][:RERUNS]:
        seed.write_bytes(seed.read_bytes() + "。".encode())
        gen = timed(GEN, root)
        # Its page is rewritten, and the pages that list it among their near-identical documents
        # may be too (a spliced synthetic document has such neighbours): a few, never many.
        written = re.search(r"(\d+) pages written", gen.out)
        if not written or not 1 <= int(written.group(1)) <= 10:
            raise SystemExit(f"changing {seed.name} should rewrite its page (and at most a few near-identical ones):\n{gen.out[-1500:]}")
        site = timed(SITE, root, ok=(0,))
        gens.append(gen.seconds)
        sites.append(site.seconds)
        peak = max(peak, gen.peak_mb, gen.tree_mb, site.peak_mb, site.tree_mb)
    totals = [g + s for g, s in zip(gens, sites)]
    return {"republish_s": statistics.median(totals), "republish_gen_s": statistics.median(gens),
            "republish_site_s": statistics.median(sites), "republish_mb": peak}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def edit_loop(root: Path, timeout: float) -> tuple[float, float]:
    """(seconds until mkdocs serve first answers, seconds from saving an edit until it is served)."""
    port = free_port()
    cmd = [PYTHON, "-m", "mkdocs", "serve", "--dirty", "--livereload", "--dev-addr", f"127.0.0.1:{port}"]
    server = subprocess.Popen(cmd, cwd=root, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        page = next((root / "docs" / "archive").rglob("*.md"))
        rel = page.relative_to(root / "docs").with_suffix("").as_posix()
        url = f"http://127.0.0.1:{port}/{rel}/"
        start = time.perf_counter()
        wait_for(url, None, start + timeout)
        ready = time.perf_counter() - start
        # The first build's search index is finished in the background; an editor saves later.
        wait_for(f"http://127.0.0.1:{port}/search/search_index.json", '"archive"', start + timeout)
        marker = f"编辑测试标记{int(time.time())}"
        page.write_text(page.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
        saved = time.perf_counter()
        wait_for(url, marker, saved + timeout)
        return ready, time.perf_counter() - saved
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_for(url: str, text: str | None, deadline: float) -> None:
    """Poll until the URL answers (and contains text, if given)."""
    while time.perf_counter() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if text is None or text in response.read().decode("utf-8", "replace"):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {url}" + (f" to show {text!r}" if text else ""))


def search(site: Path, quick: bool) -> dict:
    """bench/search.py's figures for a built site (its own process: the browser's memory and
    processes stay out of ours)."""
    out = site.parent / "search-bench.json"
    cmd = [PYTHON, str(REPO / "bench" / "search.py"), "--site", str(site), "--json", str(out)] + (["--quick"] if quick else [])
    proc = subprocess.run(cmd, env=ENV, capture_output=True, text=True)
    if proc.returncode != 0 or not out.exists():
        print(f"search: not measured: bench/search.py exited {proc.returncode}\n{proc.stdout[-1500:]}{proc.stderr[-1500:]}")
        return {}
    print("search (bench/search.py):\n" + "\n".join(f"  {line}".rstrip() for line in proc.stdout.strip().splitlines()))
    fig = json.loads(out.read_text(encoding="utf-8"))
    return {"search_first_kb": fig["first_kb_max"], "search_later_kb": fig["later_kb_max"],
            "search_later_p95_kb": fig["later_kb_p95"], "search_p95_ms": fig["latency_ms_p95"], "search": fig}


def profile(root: Path, count: int = 25) -> dict:
    """One cold site build under cProfile, in a copy of the project without site/ and build/:
    print the top functions by cumulative and by own time and own time by package."""
    folder = root.parent / f"{root.name}{PROFILED}"
    folder.mkdir()
    shutil.copy(root / "mkdocs.yml", folder / "mkdocs.yml")
    shutil.copytree(root / "overrides", folder / "overrides")
    shutil.copytree(root / "docs", folder / "docs")
    (folder / "seeds").symlink_to(root / "seeds", target_is_directory=True)
    out = root.parent / f"{root.name}.prof"
    seconds = timed([PYTHON, "-m", "cProfile", "-o", str(out), "-m", "mkdocs", "build", "--strict"], folder, ok=(0,)).seconds
    shutil.rmtree(folder, ignore_errors=True)
    stats = pstats.Stats(str(out)).stats  # type: ignore[attr-defined]
    print(f"profile of one cold site build ({seconds:.1f} s under cProfile; {out} with --keep). cProfile sees only the "
          "main process: time spent in worker processes shows as waiting on them.")
    for by, title in (("cum", "cumulative"), ("own", "own")):
        print(f"  top {count} by {title} time:  cumulative s   own s      calls  function")
        for cum, own, calls, where in top_functions(stats, by, count):
            print(f"    {cum:32.2f} {own:7.2f} {calls:10d}  {where}")
    by_package = own_time_by_package(stats)
    total = sum(by_package.values()) or 1.0
    print("  own time by package: " + ", ".join(f"{p} {s:.1f} s ({s / total:.0%})" for p, s in by_package.items()))
    print("  the most of it in other: " + ", ".join(f"{where} {s:.2f} s" for where, s in others(stats)))
    return {"profile_s": seconds, "profile_own_s": by_package, "profile_file": str(out)}


# --- one size ------------------------------------------------------------------------------------


def run(n: int, workdir: Path, opts: argparse.Namespace) -> dict:
    """Every measurement for an archive of N documents."""
    root = workdir / f"n{n}"
    started = time.perf_counter()
    made = make_archive(root, n)
    print(f"\n== {n:,} documents: {made['corpus']:,} from the corpus, {made['synthetic']:,} synthetic "
          f"(seeds made in {time.perf_counter() - started:.1f} s); {load()}", flush=True)
    row: dict = {"n": n, **made}
    gen, site = timed([*GEN, "--no-cache"], root), timed(SITE, root, ok=(0,))
    row.update(gen_s=gen.seconds, gen_cpu_s=gen.cpu_s, gen_mb=gen.peak_mb, gen_tree_mb=gen.tree_mb,
               site_s=site.seconds, site_cpu_s=site.cpu_s, site_mb=site.peak_mb, site_tree_mb=site.tree_mb)
    row["ms_per_doc"] = (gen.seconds + site.seconds) * 1000 / n
    # The target is the machine's: the processes of a build together, or the largest one if more;
    # the re-publishes below count too.
    row["peak_mb"] = max(gen.peak_mb, gen.tree_mb, site.peak_mb, site.tree_mb)
    print(f"ours: gen {gen.seconds:.1f} s (CPU {gen.cpu_s:.1f} s; largest process {gen.peak_mb} MB, all together {gen.tree_mb} MB), "
          f"site {site.seconds:.1f} s (CPU {site.cpu_s:.1f} s; {site.peak_mb} MB, {site.tree_mb} MB): "
          f"{row['ms_per_doc']:.2f} ms/doc end to end", flush=True)
    row["bytes"] = published(root / "site", n)
    row["kb_per_doc"] = row["bytes"]["kb_per_doc"]
    print(breakdown("ours", row["bytes"], n), flush=True)
    if n <= opts.stock_max:
        row.update(stock(root, n))
        row["ratio"] = (row["gen_s"] + row["site_s"]) / row["stock_s"]
        row["cpu_ratio"] = (row["gen_cpu_s"] + row["site_cpu_s"]) / row["stock_cpu_s"]
        print(f"stock Material + search (lang: zh): {row['stock_s']:.1f} s (CPU {row['stock_cpu_s']:.1f} s; {row['stock_mb']} MB), "
              f"{row['stock_pages']:,} pages (ours: {row['bytes']['kinds']['documents']['files'] + row['bytes']['kinds']['indexes']['files']:,}); "
              f"ours / stock = {row['ratio']:.2f} (CPU time: {row['cpu_ratio']:.2f})", flush=True)
        print(breakdown("stock", row["stock_bytes"], n), flush=True)
    else:
        print(f"stock: skipped ({n:,} documents > --stock-max {opts.stock_max:,})", flush=True)
    timed(GEN, root)  # fill the generator's cache, as a user's second run would (it writes no page)
    row.update(republish(root))
    row["peak_mb"] = max(row["peak_mb"], row["republish_mb"])
    print(f"re-publish after one changed seed: {row['republish_s']:.2f} s (gen {row['republish_gen_s']:.2f} s "
          f"+ site {row['republish_site_s']:.2f} s; median of {RERUNS}; at most {row['republish_mb']} MB)", flush=True)
    if opts.search:
        row.update(search(root / "site", opts.quick))
    if opts.profile:
        row.update(profile(root))
    timeout = opts.serve_timeout or max(900.0, n * 0.03)
    row["serve_ready_s"], row["edit_s"] = edit_loop(root, timeout)
    print(f"make serve: ready after {row['serve_ready_s']:.1f} s; saved edit → served in {row['edit_s']:.2f} s", flush=True)
    return row


def load() -> str:
    """The machine's load average: other work on a shared machine slows every figure."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (5 min: {five:.1f}) on {os.cpu_count()} cores"


def breakdown(who: str, site: dict, n: int) -> str:
    """One line: bytes per document in all and by kind."""
    parts = ", ".join(f"{k} {v['bytes'] / n / KB:.2f} KB ({v['files']:,} files)" for k, v in site["kinds"].items())
    other = ", ".join(f"{where} {size / n / KB:.2f} KB" for where, size in list(site["other"].items())[:6])
    return (f"{who}: published {site['bytes'] / MB:.1f} MB in {site['files']:,} files = {site['kb_per_doc']:.2f} KB/doc: {parts}"
            + (f"\n  other: {other}" if other else ""))


# --- tables --------------------------------------------------------------------------------------


def fmt(value, spec: str, unit: str = "") -> str:
    """A figure, or a dash when it was not measured."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:{spec}}{unit}"


def table(rows: list[dict]) -> str:
    """One row per size, every figure."""
    heads = ["documents", "gen (cold)", "site (cold)", "end to end", "peak gen / site (all processes)", "stock", "ours / stock (CPU)",
             "KB/doc ours", "docs · indexes · search · assets · other", "KB/doc stock", "re-publish (gen + site)",
             "serve ready", "edit → served", "search first / later / p95"]
    lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    for r in rows:
        kinds = " · ".join(f"{r['bytes']['kinds'][k]['bytes'] / r['n'] / KB:.2f}" for k in KINDS)
        cells = [
            f"{r['n']:,}", fmt(r["gen_s"], ".1f", " s"), fmt(r["site_s"], ".1f", " s"), fmt(r["ms_per_doc"], ".2f", " ms/doc"),
            f"{r['gen_mb']} / {r['site_mb']} MB ({r['gen_tree_mb']} / {r['site_tree_mb']})", fmt(r.get("stock_s"), ".1f", " s"), f"{fmt(r.get('ratio'), '.2f')} ({fmt(r.get('cpu_ratio'), '.2f')})",
            fmt(r["kb_per_doc"], ".2f"), kinds, fmt(r.get("stock_kb_per_doc"), ".2f"),
            f"{r['republish_s']:.2f} s ({r['republish_gen_s']:.2f} + {r['republish_site_s']:.2f})",
            fmt(r["serve_ready_s"], ".1f", " s"), fmt(r["edit_s"], ".2f", " s"),
            f"{fmt(r.get('search_first_kb'), '.0f')} / {fmt(r.get('search_later_kb'), '.0f')} KB / {fmt(r.get('search_p95_ms'), '.0f')} ms",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def targets_table(rows: list[dict]) -> str:
    """The issue's table: each measure, its target, and the figure at every size with ✓ or ✗."""
    heads = ["measure", "target", *(f"{r['n']:,} docs" for r in rows)]
    lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    for t in TARGETS:
        bound = f"{'<' if t.strict else '≤'} {t.bound:g} {t.unit}".rstrip()
        cells = [f"{fmt(r.get(t.key), t.spec, ' ' + t.unit if t.unit else '')} {verdict(r.get(t.key), t)}".rstrip() for r in rows]
        lines.append("| " + " | ".join([t.measure, bound, *cells]) + " |")
    return "\n".join(lines)


# --- command line --------------------------------------------------------------------------------


def compile_generator() -> None:
    """Byte-compile gen/ first, as installing it does: a machine that sets PYTHONDONTWRITEBYTECODE
    would otherwise compile it again in every timed run."""
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(REPO / "gen")], check=True, stdout=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--quick", action="store_true", help="N = 500 only (and the search benchmark's --quick)")
    parser.add_argument("--stock-max", type=int, default=20000, help="skip the stock build above this many documents")
    parser.add_argument("--search", action="store_true", help="measure search in headless chromium (bench/search.py) at each size")
    parser.add_argument("--profile", action="store_true", help="profile one more cold site build at each size")
    parser.add_argument("--json", type=Path, help="write the raw figures to this file")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()), help="where the archives are made (default: the system's temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the archives")
    parser.add_argument("--serve-timeout", type=float, help="seconds to wait for mkdocs serve (default: 900, or 30 ms per document)")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}; nothing to measure")
        return 0
    sizes = [500] if args.quick else args.sizes
    args.workdir.mkdir(parents=True, exist_ok=True)
    free, need = shutil.disk_usage(args.workdir).free, disk_needed(sizes, args.keep)
    print(f"disk: {free / GB:.1f} GB free in {args.workdir}; this run needs about {need / GB:.1f} GB")
    if free < need:
        print("not enough room: pass --workdir on a disk with more space")
        return 1
    print("search: " + ("measured at every size (bench/search.py)" if args.search else "not measured (pass --search)"))
    compile_generator()
    workdir = Path(tempfile.mkdtemp(prefix="gen-bench-", dir=args.workdir))
    rows = []
    try:
        for n in sizes:
            rows.append(run(n, workdir, args))
            if not args.keep:  # the next size needs the room
                for path in workdir.iterdir():
                    if path.is_dir():
                        shutil.rmtree(path)
    finally:
        if args.keep:
            print(f"archives kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    machine = f"python {sys.version.split()[0]}; {load()} at the end"
    print(f"\nmachine: {machine}")
    print(table(rows))
    print("\nthe issue's targets (for 100,000 documents; the ratio for 1,000 pages):")
    print(targets_table(rows))
    if args.json:
        args.json.write_text(json.dumps({"machine": machine, "rows": rows}, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
