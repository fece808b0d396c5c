"""Editors' pages against killed builds, two builds at once, saves during a build and `mkdocs build`
during a build: real processes on an archive of 300 corpus documents, a few trials each.

The scenarios live in bench/faults.py, which runs them by the hundred (`--trials N`); here they run
a few times each and every failure they found is asserted away, with the trial's seed and timing.
"""

from __future__ import annotations

import random
import sys

import pytest

from conftest import CORPUS, REPO

sys.path.insert(0, str(REPO / "bench"))
import faults  # noqa: E402

SEEDS = 300


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The archive every trial copies: 300 corpus seeds built once, 20 pages edited by hand."""
    if not faults.corpus_available():
        pytest.skip(f"shared corpus not found at {CORPUS}; corpus tests skipped")
    root = tmp_path_factory.mktemp("faults") / "base"
    built = faults.build_base(root, SEEDS, random.Random(7))
    assert faults.imported_gen(root) == REPO / "gen", "the build processes must run this repository's gen"
    return built


def assert_clean(results: list[faults.Result]) -> None:
    failed = [r for r in results if r.failures]
    assert not failed, "\n".join(r.describe() for r in failed)


@pytest.mark.slow
def test_build_killed_at_random_moments_then_run_again_ends_as_an_uninterrupted_build(base, tmp_path):
    trials = 3
    results = []
    for t in range(trials):
        (dest := tmp_path / str(t)).mkdir()
        results.append(faults.scenario_kill(base, dest, t, 100 + t, spread=faults.spread_of(t, trials)))
    assert_clean(results)


@pytest.mark.slow
def test_two_builds_started_at_once_end_as_one_build(base, tmp_path):
    results = []
    for t in range(2):
        (dest := tmp_path / str(t)).mkdir()
        results.append(faults.scenario_twin(base, dest, t, 200 + t))
    assert_clean(results)


@pytest.mark.slow
def test_pages_saved_while_a_build_rewrites_them_are_never_lost(base, tmp_path):
    results = []
    for t in range(3):
        (dest := tmp_path / str(t)).mkdir()
        results.append(faults.scenario_editor(base, dest, t, 300 + t))
    assert_clean(results)
    # Saves the build met (planned around, or found when about to replace the page): proof the
    # saves and the build overlapped.
    assert sum(r.notes["met"] for r in results) > 0, [r.notes for r in results]


@pytest.mark.slow
def test_mkdocs_strict_during_a_build_reads_docs_before_or_after_it(base, tmp_path):
    trials = 2
    measured = faults.mkdocs_window(base, tmp_path / "measure")
    results = []
    for t in range(trials):
        (dest := tmp_path / str(t)).mkdir()
        results.append(faults.scenario_mkdocs(base, dest, t, 400 + t, measured, spread=faults.spread_of(t, trials)))
    assert_clean(results)
    assert any(r.notes["mkdocs_waited"] or r.notes["gen_waited"] for r in results), f"never overlapped: {[r.notes for r in results]}"


@pytest.mark.slow
def test_build_stopped_while_a_hand_edited_page_is_set_aside_keeps_the_page(base, tmp_path):
    results = []
    for t in (0, 2):  # SIGKILL, then SIGINT; both aimed at a hand-edited page
        (dest := tmp_path / str(t)).mkdir()
        results.append(faults.scenario_aside(base, dest, t, 500 + t))
    assert_clean(results)
