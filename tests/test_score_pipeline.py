"""The whole generator on a sample of the shared corpus: dates and sources scored against index.csv,
with and without the corpus' own index.csv as the manifest, and the sample site built with --strict;
and the dates of a text-only build of the whole corpus (the readers and make_document, no site).

Scores may not drop below tests/floors/pipeline.json. Run with -s to see the table.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from gen import frontmatter
from gen.cli import main
from gen.decode import decode_bytes
from gen.document import make_document, seed_stem
from gen.meta.dates import decide_date
from gen.meta.filedate import extract_path_date
from gen.model import Seed
from gen.readers import read_seed
from gen.tables import load_tables
from tests.conftest import CORPUS, REPO
from tests.test_score_meta import floor_problems, load_floors

SAMPLE = 150  # documents per corpus source; fixed random seed, so the sample is stable
GOLD = {"dxy-news": ("pubDate", "infoSource"), "cctv-xwlb": ("pubtime", "source")}
FLOORS = REPO / "tests" / "floors" / "pipeline.json"
RUNS = ("inferred", "manifest", "corpus")  # each floor's name starts with the run it belongs to
# The target for a text-only build of the whole corpus: at most this share of pages undated.
MAX_UNDATED = 0.25
# A date within half a year of the gold has the right year (as in tests/test_score_meta.py).
YEAR_TOLERANCE_DAYS = 183

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


# --- a text-only build of the whole corpus ----------------------------------------------------------

@pytest.fixture(scope="module")
def corpus_build():
    """(source, seed, document, gold date) for every document of the corpus, the corpus folder standing
    for the seeds folder (so `cctv-xwlb/items/2020/xwlb_20200315_01.html` is the seed's path), no manifest."""
    tables = load_tables()
    out = []
    for name, (date_col, _) in GOLD.items():
        with open(CORPUS / name / "index.csv", encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        for row in rows:
            rel = f"{name}/{row['file']}"
            data = (CORPUS / rel).read_bytes()
            decoded = decode_bytes(data)
            seed = Seed(path=f"seeds/{rel}", stem=seed_stem(rel), sha256=hashlib.sha256(data).hexdigest(),
                        encoding=decoded.encoding, text=decoded.text, rel=rel)
            doc = make_document(seed, read_seed(seed), None, tables)
            out.append((name, seed, doc, dt.date.fromisoformat(row[date_col][:10])))
    return out, tables


def _date_scores(rows: list[tuple[dt.date | None, dt.date]]) -> dict[str, float]:
    """Coverage, precision (right / dated), accuracy and year precision of (found, gold) pairs."""
    dated = [(found, gold) for found, gold in rows if found]
    right = sum(found == gold for found, gold in dated)
    near = sum(abs((found - gold).days) <= YEAR_TOLERANCE_DAYS for found, gold in dated)
    return {"date.coverage": len(dated) / len(rows), "date.precision": right / max(len(dated), 1),
            "date.accuracy": right / len(rows), "date.year_precision": near / max(len(dated), 1)}


def _folder_year_only(seed: Seed) -> str:
    """The seed's path with the day taken out of its file name: only the year folder tells the date."""
    *folders, _ = seed.rel.split("/")
    return "/".join([*folders, "item.html"])


def test_corpus_text_only_build_dates(corpus_build):
    """Undated pages, and date coverage and precision per source, of a text-only build of the whole
    corpus; and the year folder alone (the CCTV items with their file names' days hidden), which
    scores the month/day-plus-folder-year rule that the real file names leave unused."""
    docs, tables = corpus_build
    pages = {seed.sha256: doc for _, seed, doc, _ in docs}  # byte-identical seeds make one page
    undated = sum(doc.date is None for doc in pages.values()) / len(pages)
    scores = {"pages.dated": 1 - undated}
    for name in GOLD:
        scores.update({f"{name}.{k}": v for k, v in
                       _date_scores([(doc.date, gold) for n, _, doc, gold in docs if n == name]).items()})
    folder_year = []
    for name, seed, doc, gold in docs:
        if name == "cctv-xwlb":
            path, _ = extract_path_date(_folder_year_only(seed))
            found = decide_date(doc.reading, tables, path=path).found
            folder_year.append((found.value if found else None, gold))
    scores.update({f"cctv-xwlb-folder-year.{k}": v for k, v in _date_scores(folder_year).items()})
    bases = Counter((doc.date_basis or "-").split("：")[0].split("；")[0] for doc in pages.values())
    print(f"\npages {len(pages)} (documents {len(docs)}), undated {undated:.3f}; date bases: "
          + ", ".join(f"{b} {n}" for b, n in bases.most_common()))
    assert undated <= MAX_UNDATED, f"{undated:.3f} of the pages are undated (at most {MAX_UNDATED} wanted)"
    _check("corpus", scores)


def test_corpus_path_dates_never_contradict_the_gold(corpus_build):
    """Every date decided with the path's help (文件名, 正文+文件名) is the index's date; every page
    without a date for which the path and the text disagree says so in a warning."""
    docs, _ = corpus_build
    wrong = [f"{seed.rel}: {doc.date} ({doc.date_basis}), index {gold}" for _, seed, doc, gold in docs
             if doc.date and "文件名" in (doc.date_basis or "") and doc.date != gold]
    assert not wrong, "dates from the path contradicted by index.csv:\n" + "\n".join(wrong[:20])
    silent = [seed.rel for name, seed, doc, _ in docs
              if name == "cctv-xwlb" and doc.date is None and not any(w.startswith("date:") for w in doc.warnings)]
    assert not silent, "CCTV items with a dated file name left undated without a warning: " + ", ".join(silent[:20])
