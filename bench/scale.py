"""Scale benchmark: generator, re-run, full site build and the editing loop for N documents.

Builds an archive of N seeds from ../shared/corpus (and, beyond what it holds, synthetic documents
made by splicing two corpus documents), in a temporary folder outside the repository (the corpus
is not ours to publish), then measures, each in a fresh process:

  generate   python -m gen build over N seeds (cold: no cache)
  re-run     the same after changing one seed (median of three, each changing another seed)
  site       python -m mkdocs build (archive plugin, search index and all)
  edit loop  mkdocs serve --dirty: from saving an edit to one page until the server serves it
             (once the first build, search index included, is complete)

and prints seconds, ms per document, peak memory (the largest RSS reached by the measured process
or by any one of its children: GNU time's %M; forked workers share most pages with the parent)
and output sizes.

    .venv/bin/python bench/scale.py                 # N = 1000, 5000, 20000
    .venv/bin/python bench/scale.py --sizes 2000    # chosen sizes
    .venv/bin/python bench/scale.py --quick         # N = 500, for CI (well under two minutes)
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
PYTHON = sys.executable
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
TIME = "/usr/bin/time"
RERUNS = 3  # re-runs with one changed seed (a different one each time); the median is shown


def corpus_files() -> list[Path]:
    """Every corpus document, in a stable order."""
    files = sorted((CORPUS / "dxy-news" / "docs").glob("*.txt"))
    files += sorted((CORPUS / "cctv-xwlb" / "items").rglob("*.html"))
    return files


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


def make_archive(root: Path, n: int) -> None:
    """A project folder with N seeds, mkdocs.yml and overrides/."""
    seeds = root / "seeds"
    seeds.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", root / "overrides")
    files = corpus_files()
    rng = random.Random(n)
    for i in range(n):
        if i < len(files):
            src = files[i]
            (seeds / src.name).write_bytes(src.read_bytes())
        else:
            a, b = rng.sample(files, 2)
            text = synthetic(a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8"), rng)
            (seeds / f"syn_{i:06d}{a.suffix}").write_text(text, encoding="utf-8")


def timed(cmd: list[str], cwd: Path) -> tuple[float, int, str]:
    """(seconds, the largest peak RSS in MB of the command or any one of its children, output) of one run."""
    start = time.perf_counter()
    proc = subprocess.run([TIME, "-f", "PEAK_KB=%M", *cmd], cwd=cwd, env=ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    peak = max((int(m) for m in re.findall(r"PEAK_KB=(\d+)", proc.stderr)), default=0)
    return seconds, peak // 1024, proc.stdout + proc.stderr


def size_mb(path: Path) -> float:
    """Total size of the files under a folder, in MB."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


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


def run(n: int, workdir: Path, serve_timeout: float) -> dict[str, float]:
    """Every measurement for an archive of N documents."""
    root = workdir / f"n{n}"
    make_archive(root, n)
    gen_s, gen_mb, _ = timed([PYTHON, "-m", "gen", "build", "--no-cache"], root)
    timed([PYTHON, "-m", "gen", "build"], root)  # fill the cache, as a user's second run would
    reruns = []
    for seed in sorted((root / "seeds").iterdir())[:: max(1, n // RERUNS)][:RERUNS]:
        seed.write_bytes(seed.read_bytes() + "。".encode())
        seconds, rerun_mb, out = timed([PYTHON, "-m", "gen", "build"], root)
        assert " 1 written" in out, out[-500:]
        reruns.append(seconds)
    rerun_s = statistics.median(reruns)
    site_s, site_mb, _ = timed([PYTHON, "-m", "mkdocs", "build"], root)
    ready_s, edit_s = edit_loop(root, serve_timeout)
    site = size_mb(root / "site")
    return {
        "n": n,
        "gen_s": gen_s,
        "gen_docs_per_s": n / gen_s,
        "gen_mb": gen_mb,
        "rerun_s": rerun_s,
        "rerun_mb": rerun_mb,
        "site_s": site_s,
        "site_mb": site_mb,
        "total_ms_per_doc": (gen_s + site_s) * 1000 / n,
        "site_size_mb": site,
        "kb_per_doc": site * 1000 / n,
        "serve_ready_s": ready_s,
        "edit_s": edit_s,
    }


def table(rows: list[dict[str, float]]) -> str:
    """The figures as a Markdown table."""
    head = (
        "| documents | generate | docs/s | gen peak | re-run (1 changed, median of 3) | site build | end to end | "
        "site peak | site size | per doc | serve ready | edit → served |"
    )
    lines = [head, "|" + "---|" * 12]
    for r in rows:
        lines.append(
            f"| {r['n']:,} | {r['gen_s']:.1f} s | {r['gen_docs_per_s']:.0f} | {r['gen_mb']} MB | {r['rerun_s']:.2f} s | "
            f"{r['site_s']:.1f} s | {r['total_ms_per_doc']:.1f} ms/doc | {r['site_mb']} MB | {r['site_size_mb']:.0f} MB | "
            f"{r['kb_per_doc']:.1f} KB | {r['serve_ready_s']:.1f} s | {r['edit_s']:.2f} s |"
        )
    return "\n".join(lines)


def compile_generator() -> None:
    """Byte-compile gen/ first, as installing it does: a machine that sets PYTHONDONTWRITEBYTECODE
    would otherwise compile it again in every timed run."""
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(REPO / "gen")], check=True, stdout=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--quick", action="store_true", help="N = 500 only")
    parser.add_argument("--keep", action="store_true", help="keep the temporary archives")
    parser.add_argument("--serve-timeout", type=float, default=900.0)
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}; nothing to measure")
        return 0
    sizes = [500] if args.quick else args.sizes
    compile_generator()
    workdir = Path(tempfile.mkdtemp(prefix="gen-bench-"))
    rows = []
    try:
        for n in sizes:
            rows.append(run(n, workdir, args.serve_timeout))
            print(table(rows[-1:]), flush=True)
    finally:
        if args.keep:
            print(f"archives kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
