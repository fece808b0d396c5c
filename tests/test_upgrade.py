"""From release 0.1 with real edits: the first build of this release moves the dated pages to their
stable paths with their hand edits, pending proposals and deletions, retires the generated index
pages, replaces state.json by state.jsonl, and the old addresses redirect. Real subprocesses:
`python -m gen build` and `mkdocs build --strict`."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest

from tests.conftest import REPO, make_project

RELEASE = REPO / "tests" / "fixtures" / "release-0.1"
OLD = {  # stem -> its page in 0.1's dated layout
    "000_73acca2f4bde7c0a": "archive/2022/06/000_73acca2f4bde7c0a.md",
    "001_eec9e63713adc293": "archive/2020/07/001_eec9e63713adc293.md",
    "002_2790eb9220dfb574": "archive/2020/07/002_2790eb9220dfb574.md",
    "003_17d5a1e15a32e4e6": "archive/2020/04/003_17d5a1e15a32e4e6.md",
    "004_487f552e651a47cf": "archive/2020/02/004_487f552e651a47cf.md",
}
EDITED, DELETED, PROPOSED = "001_eec9e63713adc293", "004_487f552e651a47cf", "002_2790eb9220dfb574"
UNTOUCHED = ("000_73acca2f4bde7c0a", "003_17d5a1e15a32e4e6")
# The newspaper reader has improved since 0.1 (OCR punctuation made full width): the untouched
# issue is regenerated as it moves, with the new punctuation.
REGENERATED = "003_17d5a1e15a32e4e6"
INDEX_PAGES = ("index.md", "tags.md", "timeline/index.md", "timeline/2020.md", "timeline/2022.md", "districts/index.md",
               "districts/haidianqu.md", "districts/shijingshanqu.md", "sources/index.md", "sources/shijingshanbao.md",
               "sources/xinjingbao.md")
LAYOUTS = [pytest.param("multi-line", id="state.json-multi-line"),
           pytest.param("one-line-per-page", id="state.json-one-line-per-page")]


def new(stem: str) -> str:
    return f"archive/{stem}.md"


def proposal(page: str) -> str:
    folder, _, name = page.rpartition("/")
    return f"{folder}/.{name[:-3]}.proposed.md"


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, env=env)


def build(root: Path) -> subprocess.CompletedProcess:
    return run(["-m", "gen", "build"], root)


def mkdocs(root: Path) -> subprocess.CompletedProcess:
    return run(["-m", "mkdocs", "build", "--strict"], root)


def report(root: Path) -> dict:
    return json.loads((root / "build" / "report.json").read_text(encoding="utf-8"))


def snapshot(docs: Path) -> dict[str, bytes]:
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted(docs.rglob("*")) if p.is_file()}


def replace_once(text: str, old: str, new_: str) -> str:
    assert text.count(old) >= 1, f"{old!r} not found"
    return text.replace(old, new_, 1)


@dataclass
class Archive:
    """A 0.1 archive after its editors' work, before the first build of this release."""

    root: Path
    docs: Path
    before: dict[str, str]  # docs-relative path -> text, for every page as the editors left it
    conflict: str  # the hash the state's pending conflict names
    proposal: str  # the pending proposal's text


def release_01(tmp_path: Path, layout: str, edit_index: bool = True) -> Archive:
    """The 0.1 snapshot with real 0.1-era edits: a body line edited, a page deleted, a pending
    proposal (page edited, proposal beside it, `conflict` in state.json), the home page edited."""
    root = make_project(tmp_path / "p")
    docs = root / "docs"
    shutil.copytree(RELEASE / "docs", docs)
    state = docs / ".gen" / "state.json"
    if layout == "one-line-per-page":
        shutil.copy(RELEASE / "state-one-line-per-page.json", state)

    page = docs / OLD[EDITED]
    page.write_text(replace_once(page.read_text(encoding="utf-8"), "于军主持会议", "于军同志主持会议"), encoding="utf-8")
    (docs / OLD[DELETED]).unlink()

    page = docs / OLD[PROPOSED]
    base = page.read_text(encoding="utf-8")
    line = next(x for x in base.split("\n") if x.startswith("会议指出，首都疫情防控"))
    mine = line.replace("必须捍卫来之不易的战果", "必须捍卫来之不易的防控战果")
    theirs = line.replace("强化底线思维", "强化底线意识")
    page.write_text(replace_once(base, line, mine), encoding="utf-8")
    generated = replace_once(base, line, theirs)  # what 0.1 generated and proposed
    conflict = hashlib.sha256(generated.encode("utf-8")).hexdigest()
    proposed = replace_once(base, line, f"<<<<<<< 编辑的版本\n{mine}\n=======\n{theirs}\n>>>>>>> 生成器的版本")
    (docs / proposal(OLD[PROPOSED])).write_text(proposed, encoding="utf-8")
    key = f'"{OLD[PROPOSED]}": {{'
    text = state.read_text(encoding="utf-8")
    state.write_text(replace_once(text, key, f'{key}"conflict": "{conflict}", '), encoding="utf-8")
    assert json.loads(state.read_text(encoding="utf-8"))["pages"][OLD[PROPOSED]]["conflict"] == conflict

    if edit_index:  # the home page: its introduction reworded, the deleted document's line taken out
        home = docs / "index.md"
        text = replace_once(home.read_text(encoding="utf-8"), "本档案收录", "本档案（编辑部整理）收录")
        text = "".join(x for x in text.splitlines(keepends=True) if DELETED not in x)
        home.write_text(text, encoding="utf-8")

    before = {p: (docs / p).read_text(encoding="utf-8") for p in [*OLD.values(), *INDEX_PAGES] if (docs / p).exists()}
    return Archive(root, docs, before, conflict, proposed)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_upgrade_from_0_1_keeps_every_edit(tmp_path, layout):
    a = release_01(tmp_path, layout)
    done = build(a.root)
    # Nothing conflicts anew: the seeds are as 0.1 last saw them; the pending proposal stays pending.
    assert done.returncode == 0, done.stdout + done.stderr

    # Every page at its stable path, with its edits; the old paths gone.
    for stem, old in OLD.items():
        assert not (a.docs / old).exists(), old
        if stem == REGENERATED:
            assert "4月8日，中共中央" in (a.docs / new(stem)).read_text(encoding="utf-8"), stem
        elif stem != DELETED:
            assert (a.docs / new(stem)).read_text(encoding="utf-8") == a.before[old], stem
    assert "于军同志主持会议" in (a.docs / new(EDITED)).read_text(encoding="utf-8")
    assert not (a.docs / new(DELETED)).exists(), "a page the editor deleted is not recreated"
    assert [p for p in a.docs.glob("archive/20*/**/*") if p.is_file()] == []
    # The pending proposal moved beside its page; the page kept its edit.
    assert (a.docs / proposal(new(PROPOSED))).read_text(encoding="utf-8") == a.proposal
    assert not (a.docs / proposal(OLD[PROPOSED])).exists()
    assert "来之不易的防控战果" in (a.docs / new(PROPOSED)).read_text(encoding="utf-8")

    # The edited home page is kept and said so; the untouched index pages are gone (the plugin makes them).
    assert (a.docs / "index.md").read_text(encoding="utf-8") == a.before["index.md"]
    actions = {p["page"]: p for p in report(a.root)["pages"]}
    assert actions["index.md"]["action"] == "kept", actions.get("index.md")
    for index in INDEX_PAGES[1:]:
        assert not (a.docs / index).exists(), index
        assert actions[index]["action"] == "removed", actions.get(index)
    for folder in ("timeline", "districts", "sources"):
        assert not (a.docs / folder).exists(), folder

    # The state: state.json replaced by state.jsonl, which remembers the deletion, the pending
    # conflict and the moves.
    assert not (a.docs / ".gen" / "state.json").exists()
    lines = [json.loads(x) for x in (a.docs / ".gen" / "state.jsonl").read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {"format": "archive-generator-state", "version": 2}
    entries = {x["page"]: x for x in lines if "page" in x}
    assert sorted(entries) == sorted(new(s) for s in OLD)
    assert entries[new(DELETED)].get("deleted") is True
    assert entries[new(PROPOSED)].get("conflict") == a.conflict
    moves = {x["moved"]: x["to"] for x in lines if "moved" in x}
    assert moves == {OLD[s]: new(s) for s in OLD if s != DELETED}

    # The report says the pages moved, once.
    moved = {p: d["reason"] for p, d in actions.items() if d["action"] == "moved"}
    assert moved == {OLD[s]: f"to {new(s)}, its stable path; the old address redirects there" for s in OLD if s != DELETED}
    assert "moved" in done.stdout
    outcome = {Path(s["seed"]).stem: s["outcome"] for s in report(a.root)["seeds"]}
    assert outcome == {UNTOUCHED[0]: "moved", REGENERATED: "written", EDITED: "kept", PROPOSED: "kept", DELETED: "deleted-by-editor"}
    after = snapshot(a.docs)

    again = build(a.root)
    assert again.returncode == 0, again.stdout + again.stderr
    assert snapshot(a.docs) == after, "the second build writes nothing"
    assert "moved" not in again.stdout and " 0 pages written" in again.stdout, again.stdout
    assert not [p for p in report(a.root)["pages"] if p["action"] in ("moved", "written", "removed", "merged")]
    assert "moved" not in {s["outcome"] for s in report(a.root)["seeds"]}


def redirect_target(html: str, url: str) -> set[str]:
    """Where a redirect page sends its visitor, each way it says so, as site-relative URLs."""
    found = re.findall(r'http-equiv="refresh" content="0; url=([^"]+)"', html)
    found += re.findall(r'<link rel="canonical" href="([^"]+)"', html)
    found += re.findall(r'location\.href="([^"]+)"', html)
    assert found, html
    return {urljoin(f"http://site/{url}", target)[len("http://site/"):] for target in found}


@pytest.mark.slow  # runs mkdocs or git
@pytest.mark.parametrize("layout", LAYOUTS)
def test_upgrade_from_0_1_redirects_old_addresses(tmp_path, layout):
    a = release_01(tmp_path, layout, edit_index=False)
    done = build(a.root)
    assert done.returncode == 0, done.stdout + done.stderr
    site = mkdocs(a.root)
    assert site.returncode == 0, site.stderr
    for stem in (EDITED, *UNTOUCHED, PROPOSED):
        old_url = OLD[stem][: -len(".md")] + "/"
        html = (a.root / "site" / old_url / "index.html").read_text(encoding="utf-8")
        assert redirect_target(html, old_url) == {f"archive/{stem}/"}, html
        assert (a.root / "site" / "archive" / stem / "index.html").is_file()
    assert "于军同志主持会议" in (a.root / "site" / "archive" / EDITED / "index.html").read_text(encoding="utf-8")
    assert not (a.root / "site" / OLD[DELETED][: -len(".md")]).exists(), "a deleted page has nothing to redirect to"
    assert not (a.root / "site" / "archive" / DELETED).exists()
    assert not list((a.root / "site").rglob("*proposed*"))
    for index in ("index.html", "timeline/index.html", "districts/index.html", "sources/index.html", "tags/index.html"):
        assert (a.root / "site" / index).is_file(), index


@pytest.mark.slow  # runs mkdocs or git
@pytest.mark.parametrize("layout", LAYOUTS)
def test_upgrade_from_0_1_site_builds_strict_with_the_edited_home_page(tmp_path, layout):
    a = release_01(tmp_path, layout)
    done = build(a.root)
    assert done.returncode == 0, done.stdout + done.stderr
    site = mkdocs(a.root)
    assert site.returncode == 0, site.stderr
    home = (a.root / "site" / "index.html").read_text(encoding="utf-8")
    assert "编辑部整理" in home
    old_url = OLD[EDITED][: -len(".md")] + "/"
    html = (a.root / "site" / old_url / "index.html").read_text(encoding="utf-8")
    assert redirect_target(html, old_url) == {f"archive/{EDITED}/"}
