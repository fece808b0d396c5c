"""Shared test helpers: the golden-file update switch, paths to the repo and the shared corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from the current output")


@pytest.fixture
def golden(request):
    """Compare text with a golden file under tests/golden/, or rewrite it with --update-golden."""
    update = request.config.getoption("--update-golden")

    def check(name: str, actual: str) -> None:
        path = REPO / "tests" / "golden" / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(f"golden file {path} is missing; run pytest --update-golden and review the diff")
        assert actual == path.read_text(encoding="utf-8"), f"output differs from {path}; if intended, run pytest --update-golden and review the diff"

    return check


@pytest.fixture
def corpus():
    """The shared corpus folder, or skip with a message when it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}; corpus tests skipped")
    return CORPUS
