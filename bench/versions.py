"""Two versions of the generator side by side: the re-publish after one changed seed, alternating.

This machine's speed drifts from day to day by more than most changes gain, so a change is
measured against the code before it in one run. Two archives of the same N seeds (bench/scale.py
makes them), one built by each version from a worktree of its own (PYTHONPATH), are each built
twice first: a version sees the other's kept files as foreign and renders and indexes everything
once, and keeps its joined search groups from its second build on. Then, ROUNDS times, one seed
is changed (`。` appended, the same seed in both archives) and `gen build` + `mkdocs build
--strict` are timed in each archive, old first in odd rounds and new first in even ones.

    .venv/bin/python bench/versions.py c238e32 HEAD --size 100000 --workdir /work/bench
    .venv/bin/python bench/versions.py HEAD~1 HEAD                # 10,000 documents, 3 rounds

OLD and NEW: anything `git worktree add` takes (a commit, a branch, HEAD~1). Seconds are wall
clock; CPU is user + system time of the site build and every process it started.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

_spec = importlib.util.spec_from_file_location("bench_scale", Path(__file__).with_name("scale.py"))
scale = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = scale  # dataclasses look their module up while the class is made
_spec.loader.exec_module(scale)

VERSIONS = ("old", "new")


@dataclass(frozen=True)
class Round:
    """One re-publish of one version."""

    version: str
    seed: str
    gen_s: float
    site_s: float
    site_cpu_s: float
    written: int  # pages the generator wrote

    @property
    def total_s(self) -> float:
        return self.gen_s + self.site_s


def order(rounds: int) -> list[tuple[str, str]]:
    """Which version goes first in each round: old first, then new first, and so on."""
    return [VERSIONS if r % 2 == 0 else VERSIONS[::-1] for r in range(rounds)]


def picked(seeds: list[str], rounds: int) -> list[str]:
    """The seed changed in each round: spread over the archive, a different one each time."""
    step = max(1, len(seeds) // (rounds + 1))
    return [seeds[min(len(seeds) - 1, step * (r + 1))] for r in range(rounds)]


def summary(rounds: list[Round]) -> str:
    """A table: every round's figures and the median, per version."""
    lines = ["| version | re-publish (gen + site), each round | median | site CPU, each round | median |", "|---|---|---|---|---|"]
    for version in VERSIONS:
        mine = [r for r in rounds if r.version == version]
        if not mine:
            continue
        each = " / ".join(f"{r.total_s:.2f} ({r.gen_s:.2f} + {r.site_s:.2f})" for r in mine)
        cpu = " / ".join(f"{r.site_cpu_s:.1f}" for r in mine)
        lines.append(f"| {version} | {each} | {statistics.median(r.total_s for r in mine):.2f} s | {cpu} | "
                     f"{statistics.median(r.site_cpu_s for r in mine):.1f} s |")
    return "\n".join(lines)


def worktree(rev: str, path: Path) -> str:
    """A detached worktree of `rev` at `path`; its commit."""
    subprocess.run(["git", "-C", str(scale.REPO), "worktree", "add", "--detach", str(path), rev], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([scale.PYTHON, "-m", "compileall", "-q", str(path / "gen")], check=True, stdout=subprocess.DEVNULL)
    return subprocess.run(["git", "-C", str(path), "rev-parse", "--short", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()


def republish(version: str, root: Path, env: dict, seed: str) -> Round:
    path = root / "seeds" / seed
    path.write_bytes(path.read_bytes() + "。".encode())
    gen = scale.timed(scale.GEN, root, env=env)
    written = re.search(r"(\d+) pages written", gen.out)
    if not written or not 1 <= int(written.group(1)) <= 10:
        raise SystemExit(f"{version}: changing {seed} should rewrite its page (and at most a few near-identical ones):\n{gen.out[-1500:]}")
    site = scale.timed(scale.SITE, root, ok=(0,), env=env)
    return Round(version, seed, gen.seconds, site.seconds, site.cpu_s, int(written.group(1)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old", help="the version to compare against (a commit, branch or tag)")
    parser.add_argument("new", help="the version measured")
    parser.add_argument("--size", type=int, default=10000, help="documents in each archive")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--keep", action="store_true", help="keep the archives and worktrees")
    args = parser.parse_args(argv)
    if not scale.CORPUS.is_dir():
        print(f"corpus not found at {scale.CORPUS}; nothing to measure")
        return 0
    args.workdir.mkdir(parents=True, exist_ok=True)
    free, need = shutil.disk_usage(args.workdir).free, 2 * scale.disk_needed([args.size], False)
    print(f"disk: {free / scale.GB:.1f} GB free in {args.workdir}; this run needs about {need / scale.GB:.1f} GB")
    if free < need:
        print("not enough room: pass --workdir on a disk with more space")
        return 1
    workdir = Path(tempfile.mkdtemp(prefix="gen-versions-", dir=args.workdir))
    trees: list[Path] = []
    try:
        envs, roots = {}, {}
        for version, rev in zip(VERSIONS, (args.old, args.new)):
            tree = workdir / f"{version}-code"
            commit = worktree(rev, tree)
            trees.append(tree)
            envs[version] = {**scale.ENV, "PYTHONPATH": str(tree)}
            roots[version] = workdir / version
            scale.make_archive(roots[version], args.size)
            print(f"{version}: {rev} ({commit}), {args.size:,} documents", flush=True)
        for version in VERSIONS:  # built twice, the second time as a re-publish with nothing changed
            cold = scale.timed([*scale.GEN, "--no-cache"], roots[version], env=envs[version]), scale.timed(scale.SITE, roots[version], ok=(0,), env=envs[version])
            warm = scale.timed(scale.GEN, roots[version], env=envs[version]), scale.timed(scale.SITE, roots[version], ok=(0,), env=envs[version])
            print(f"{version}: cold build gen {cold[0].seconds:.1f} s + site {cold[1].seconds:.1f} s; "
                  f"again, nothing changed: {warm[0].seconds:.1f} s + {warm[1].seconds:.1f} s; {scale.load()}", flush=True)
        rounds: list[Round] = []
        seeds = sorted(p.name for p in (roots["old"] / "seeds").iterdir())
        for first_second, seed in zip(order(args.rounds), picked(seeds, args.rounds)):
            for version in first_second:
                done = republish(version, roots[version], envs[version], seed)
                rounds.append(done)
                print(f"{version}: {seed} changed, {done.written} pages written: gen {done.gen_s:.2f} s + site {done.site_s:.2f} s "
                      f"= {done.total_s:.2f} s (site CPU {done.site_cpu_s:.1f} s)", flush=True)
        print(f"\nre-publish after one changed seed, {args.size:,} documents, {args.rounds} rounds; {scale.load()} at the end")
        print(summary(rounds))
    finally:
        if args.keep:
            print(f"archives and worktrees kept in {workdir}")
        else:
            for tree in trees:
                subprocess.run(["git", "-C", str(scale.REPO), "worktree", "remove", "--force", str(tree)], check=False,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
