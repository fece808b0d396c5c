"""`mkdocs serve` (gen/site/preview.py): a saved document page is served before the rebuild, and the
rebuild that follows brings the index pages up to date; other changes rebuild as before."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import make_project

PAGE = "archive/000_73acca2f4bde7c0a"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as r:
        return r.read().decode("utf-8")


def _until(check, seconds: float) -> float:
    """Seconds until check() holds; fails after `seconds`."""
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        try:
            if check():
                return time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.05)
    pytest.fail(f"not within {seconds} s")


@pytest.fixture
def served(tmp_path):
    root = make_project(tmp_path / "p")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "gen", "build"], cwd=root, env=env, check=True, capture_output=True)
    port = _free_port()
    log = open(tmp_path / "serve.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "--livereload", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        _until(lambda: "区委书记" in _get(base + PAGE + "/"), 120)
        yield root, base, tmp_path / "serve.log"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_saved_page_is_served_before_the_rebuild_and_the_index_pages_follow(served):
    root, base, log = served
    page = root / "docs" / (PAGE + ".md")
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace('title: "区委书记常卫', 'title: "改后标题：区委书记常卫') + "\n即时预览标记\n", encoding="utf-8")
    shown = _until(lambda: "即时预览标记" in _get(base + PAGE + "/"), 30)
    assert shown < 2.0, f"served after {shown:.2f} s"  # before the rebuild, which waits for a 2 s pause
    assert re.search(r"archive/000_73acca2f4bde7c0a\.md shown in [\d.]+ s; the rest of the site follows", log.read_text(encoding="utf-8"))
    # Nothing started a rebuild at once (an editor opening the page, say): it waits for the pause.
    time.sleep(0.5)
    assert "Detected file changes" not in log.read_text(encoding="utf-8")
    # The rebuild after the pause: the home page lists the corrected title.
    _until(lambda: "改后标题" in _get(base), 60)


def test_a_new_page_goes_to_the_rebuild(served):
    root, base, log = served
    new = root / "docs" / "archive" / "by-hand.md"
    new.write_text('---\ntitle: "编辑新写的页面"\n---\n\n新页面正文\n', encoding="utf-8")
    _until(lambda: "新页面正文" in _get(base + "archive/by-hand/"), 60)
    assert "by-hand.md shown" not in log.read_text(encoding="utf-8")


def test_a_preview_leaves_the_records_of_the_site_build_alone(tmp_path):
    """`mkdocs serve` builds into a folder of its own: what it made is recorded apart, so the next
    `mkdocs build` still finds the record of site/'s files (not every original read and hashed
    again, every search file written again)."""
    root = make_project(tmp_path / "p")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "gen", "build"], cwd=root, env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=root, env=env, check=True, capture_output=True)
    cache = root / "build" / "cache"
    names = ("export-files.pickle", "search-files.pickle")
    before = {name: (cache / name).read_bytes() for name in names}
    port = _free_port()
    with open(tmp_path / "serve.log", "w") as log:
        server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "--dev-addr", f"127.0.0.1:{port}"],
                                  cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _until(lambda: all((cache / name.replace(".", "-serve.", 1)).exists() for name in names)
                   or any((cache / name).read_bytes() != before[name] for name in names), 120)
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert {name: (cache / name).read_bytes() for name in names} == before
