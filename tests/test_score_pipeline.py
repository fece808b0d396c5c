"""The whole generator on a sample of the shared corpus: dates and sources scored against index.csv,
with and without the corpus' own index.csv as the manifest, and the sample site built with --strict.

Scores may not drop below tests/floors/pipeline.json. Run with -s to see the table.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gen import frontmatter
from gen.cli import main
from tests.conftest import CORPUS, REPO
from tests.test_score_meta import floor_problems, load_floors

SAMPLE = 150  # documents per corpus source; fixed random seed, so the sample is stable
GOLD = {"dxy-news": ("pubDate", "infoSource"), "cctv-xwlb": ("pubtime", "source")}
FLOORS = REPO / "tests" / "floors" / "pipeline.json"
RUNS = ("inferred", "manifest")  # each floor's name starts with the run it belongs to

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}; pipeline scoring skipped")


def _sample(name: str) -> list[dict[str, str]]:
    with open(CORPUS / name / "index.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return random.Random(20200416).sample(rows, SAMPLE)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A project with the sampled corpus documents as seeds (copied to a temporary folder only)."""
    root = tmp_path_factory.mktemp("pipeline")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", root / "overrides")
    gold = {}
    for name in GOLD:
        for row in _sample(name):
            src = CORPUS / name / row["file"]
            dest = root / "seeds" / name / src.name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, dest)
            date_col, source_col = GOLD[name]
            gold[src.stem] = (name, dt.date.fromisoformat(row[date_col][:10]), row[source_col])
    return root, gold


def _run(root: Path, docs: str, *extra: str) -> dict[str, dict]:
    cwd = os.getcwd()
    os.chdir(root)
    try:
        assert main(["build", "--docs", docs, "--report", f"build/{docs}.json", *extra]) == 0
    finally:
        os.chdir(cwd)
    report = json.loads((root / "build" / f"{docs}.json").read_text(encoding="utf-8"))
    pages = {}
    for seed in report["seeds"]:
        assert seed["outcome"] == "written", seed
        text = (root / docs / seed["page"]).read_text(encoding="utf-8")
        pages[Path(seed["seed"]).stem] = frontmatter.typed(frontmatter.parse(text).meta)
    return pages


def _scores(pages: dict[str, dict], gold: dict) -> dict[str, float]:
    scores = {}
    for name in GOLD:
        stems = [s for s, g in gold.items() if g[0] == name]
        dated = [s for s in stems if pages[s].get("date")]
        right = [s for s in dated if pages[s]["date"] == gold[s][1]]
        sourced = [s for s in stems if pages[s].get("source")]
        scores[f"{name}.date.coverage"] = len(dated) / len(stems)
        scores[f"{name}.date.precision"] = len(right) / len(dated) if dated else 1.0
        scores[f"{name}.date.accuracy"] = len(right) / len(stems)
        scores[f"{name}.source.coverage"] = len(sourced) / len(stems)
        scores[f"{name}.source.exact"] = sum(pages[s]["source"] == gold[s][2] for s in sourced) / len(stems)
    return scores


def _check(run: str, scores: dict[str, float]) -> None:
    values = {f"{run}.{k}": v for k, v in scores.items()}
    floors = {k: v for k, v in load_floors(FLOORS).items() if k.startswith(f"{run}.")}
    print()
    for key, value in sorted(values.items()):
        print(f"{key:<38} {value:.3f}   floor {floors.get(key, '-')}")
    problems = floor_problems(values, floors, FLOORS.name)
    assert not problems, f"scores against {FLOORS}:\n" + "\n".join(problems)


def test_pipeline_floors_each_name_a_run():
    strays = [k for k in load_floors(FLOORS) if k.split(".")[0] not in RUNS]
    assert not strays, f"floors in {FLOORS} that no run checks (names start with one of {RUNS}): {strays}"


def test_pipeline_without_manifest(project):
    root, gold = project
    _check("inferred", _scores(_run(root, "docs"), gold))


def test_pipeline_with_the_corpus_index_as_manifest(project):
    root, gold = project
    manifests = [str(CORPUS / name / "index.csv") for name in GOLD]
    pages = _run(root, "docs-manifest", *[a for m in manifests for a in ("--manifest", m)])
    scores = _scores(pages, gold)
    assert all(pages[s]["date_basis"] == "清单" for s in gold)
    _check("manifest", scores)


def test_pipeline_sample_site_builds_strict(project):
    root, _ = project
    if not (root / "docs").is_dir():
        _run(root, "docs")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=root, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
