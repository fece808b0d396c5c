"""Fixtures for the browser tests: one site built from the seeds and a sample of the shared corpus,
served under a sub-path, and one headless chromium for the whole session."""

from __future__ import annotations

import csv
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness import REPO, build_site, chromium_available, serve

CORPUS = REPO.parent / "shared" / "corpus"
# The corpus sample: every Nth document of each source, plus every document that names a Beijing
# district of the seeds or a piece of jargon the query set asks for (a rule, not a hand pick).
SAMPLE = {"cctv-xwlb": ("items", 40), "dxy-news": ("docs", 25)}
SAMPLE_TERMS = re.compile(r"石景山|海淀|丰台|大兴|顺义|应检尽检|封（管）控|KTV", re.I)


@dataclass(frozen=True)
class Site:
    site: Path
    docs: Path
    with_corpus: bool


def _copy_sample(seeds: Path) -> None:
    for source, (folder, step) in SAMPLE.items():
        with open(CORPUS / source / "index.csv", encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            rows, header = list(reader), reader.fieldnames
        keep = []
        for n, row in enumerate(rows):
            path = CORPUS / source / row["file"]
            if n % step == 0 or SAMPLE_TERMS.search(path.read_text(encoding="utf-8")):
                keep.append(row)
                target = seeds / source / row["file"]
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, target)
        with open(seeds / source / "index.csv", "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=header)
            writer.writeheader()
            writer.writerows(keep)


@pytest.fixture(scope="session")
def search_site(tmp_path_factory) -> Site:
    """The seeds (and, when ../shared/corpus is there, a sample of it) built into a site."""
    reason = chromium_available()
    if reason:
        pytest.skip(f"browser tests skipped: {reason}")
    work = tmp_path_factory.mktemp("search-site")
    seeds = work / "seeds"
    shutil.copytree(REPO / "seeds", seeds)
    with_corpus = CORPUS.is_dir()
    if with_corpus:
        _copy_sample(seeds)
    site = build_site(seeds, work)
    return Site(site, work / "docs", with_corpus)


@pytest.fixture(scope="session")
def base_url(search_site):
    """The site served under /repo-name/ on 127.0.0.1."""
    with serve(search_site.site) as url:
        yield url


@pytest.fixture(scope="session")
def chromium(search_site, shared_browser):
    return shared_browser


@pytest.fixture
def page(chromium):
    """A fresh page; fails the test on any script error."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    yield p
    context.close()
    assert not errors, f"script errors: {errors}"
