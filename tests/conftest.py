"""Shared test helpers: the golden-file update switch, paths to the repo and the shared corpus."""

from __future__ import annotations

from pathlib import Path

import hashlib
import json
import shutil

import pytest

from gen.model import Seed

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


# Whole modules that build real sites, drive a browser or read the whole corpus; single slow
# tests carry @pytest.mark.slow themselves. `pytest -m "not slow"` runs the rest in seconds.
SLOW_MODULES = {"test_accounting", "test_score_meta", "test_score_pipeline", "test_score_newspaper", "test_hostile",
                "test_search_plugin", "test_concurrency", "test_newcomer", "test_upgrade", "test_builders", "test_preview", "test_site_build"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.module.__name__.rpartition(".")[2] in SLOW_MODULES or "browser" in item.path.parts:
            item.add_marker(pytest.mark.slow)


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


def make_project(root: Path, seeds: bool = True) -> Path:
    """A project folder: the five seeds (unless told not to), mkdocs.yml and overrides/."""
    if seeds:
        shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", root / "overrides")
    return root


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder with the five seeds and the site config, as the working directory."""
    monkeypatch.chdir(tmp_path)
    return make_project(tmp_path)


def read_report(root: Path) -> dict:
    """The run report a build wrote in a project folder."""
    return json.loads((root / "build" / "report.json").read_text(encoding="utf-8"))


def edit(path: Path, old: str, new: str) -> str:
    """Replace the first `old` in a file by `new`, as an editor would; the new text."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return text


def seed_of(path: Path) -> Seed:
    """A Seed record for a UTF-8 file of the repository."""
    raw = path.read_bytes()
    text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    return Seed(path.relative_to(REPO).as_posix(), path.stem, hashlib.sha256(raw).hexdigest(), "utf-8", text)


def seed_text(text: str) -> Seed:
    """A Seed record for a piece of text."""
    return Seed("seeds/x.txt", "x", "", "utf-8", text)


@pytest.fixture
def corpus():
    """The shared corpus folder, or skip with a message when it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}; corpus tests skipped")
    return CORPUS


@pytest.fixture(scope="session")
def shared_browser():
    """One headless chromium for every test that needs one (Playwright's sync API allows one at a
    time in a process); skipped, with the reason, where chromium or playwright is missing."""
    from tests.browser.harness import browser, chromium_available

    reason = chromium_available()
    if reason:
        pytest.skip(f"browser tests skipped: {reason}")
    with browser() as b:
        yield b
