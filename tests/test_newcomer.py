"""Where a new user starts: a fresh clone, a lost state, a wrong --seeds, settings in mkdocs.yml,
two branches merged with git, a run from another folder. Everything through real subprocesses:
`python -m gen build` and `mkdocs build --strict`, as a user types them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import edit, CORPUS, REPO, make_project

CORPUS_SEED = CORPUS / "dxy-news" / "docs" / "dxy_1273.txt"
HTML = "001_eec9e63713adc293"  # title line + HTML seed
# Two short documents unlike each other and the five repository seeds (no near-duplicate links).
SEED_A = ("2020年3月5日，朝阳区召开新冠肺炎疫情防控工作部署会，研究部署社区防控和复工复产工作。会议要求各街道乡严格落实"
          "社区封闭管理，做好进京人员登记和健康监测。\n\n会议强调，要统筹做好疫情防控和经济社会发展工作。\n")
SEED_B = ("2020年4月12日，丰台区在全区范围内开展爱国卫生运动，组织各街道清理卫生死角，对农贸市场和老旧小区进行集中消毒。"
          "\n\n区领导要求，要把爱国卫生运动同疫情防控结合起来，持续改善人居环境。\n")


# ---- helpers -----------------------------------------------------------------------------------


def run(args: list[str], cwd: Path, pythonpath: Path = REPO) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", "PYTHONPATH": str(pythonpath)}
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, env=env)


def gen(cwd: Path, *args: str, pythonpath: Path = REPO) -> subprocess.CompletedProcess:
    return run(["-m", "gen", *args], cwd, pythonpath)


def build(cwd: Path, *args: str, pythonpath: Path = REPO) -> subprocess.CompletedProcess:
    return gen(cwd, "build", *args, pythonpath=pythonpath)


def mkdocs(cwd: Path, pythonpath: Path = REPO) -> subprocess.CompletedProcess:
    return run(["-m", "mkdocs", "build", "--strict"], cwd, pythonpath)


def said(done: subprocess.CompletedProcess) -> str:
    return done.stdout + done.stderr


def report(root: Path) -> dict:
    return json.loads((root / "build" / "report.json").read_text(encoding="utf-8"))


def outcomes(root: Path) -> dict[str, dict]:
    return {s["seed"]: s for s in report(root)["seeds"]}


def snapshot(docs: Path) -> dict[str, bytes]:
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted(docs.rglob("*")) if p.is_file()}


def pages(docs: Path) -> dict[str, bytes]:
    """The Markdown pages (no state, no base copies, no proposals)."""
    return {k: v for k, v in snapshot(docs).items() if k.endswith(".md") and not k.startswith(".gen/") and "/." not in f"/{k}"}


def state_lines(docs: Path) -> list[dict]:
    return [json.loads(line) for line in (docs / ".gen" / "state.jsonl").read_text(encoding="utf-8").splitlines()]


def built(root: Path) -> Path:
    done = build(root)
    assert done.returncode == 0, said(done)
    return root


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org", "GIT_COMMITTER_NAME": "Editor",
           "GIT_COMMITTER_EMAIL": "editor@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env)
    if check:
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stdout}{done.stderr}"
    return done


def needs_git() -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")


# ---- 1. a fresh clone ----------------------------------------------------------------------------


@pytest.mark.slow  # runs mkdocs or git
def test_fresh_clone_one_seed_added_two_builds(tmp_path):
    needs_git()
    if git(REPO, "rev-parse", "--git-dir", check=False).returncode != 0:
        pytest.skip(f"{REPO} is not a git checkout; nothing to clone")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", str(REPO), str(clone))
    if CORPUS_SEED.is_file():
        shutil.copy(CORPUS_SEED, clone / "seeds" / CORPUS_SEED.name)
        stem = CORPUS_SEED.stem
    else:  # no shared corpus: a seed of our own, a few characters away from one in the repository
        stem = "newcomer"
        text = (clone / "seeds" / f"{HTML}.txt").read_text(encoding="utf-8").replace("于军", "王五")
        (clone / "seeds" / f"{stem}.txt").write_text(text, encoding="utf-8")
    docs, page = clone / "docs", clone / "docs" / "archive" / f"{stem}.md"

    first = build(clone, pythonpath=clone)
    assert first.returncode == 0, said(first)
    assert page.is_file()
    added = outcomes(clone)[f"seeds/{stem}.txt"]
    assert (added["outcome"], added["page"]) == ("written", f"archive/{stem}.md"), added
    before = snapshot(docs)

    second = build(clone, pythonpath=clone)
    assert second.returncode == 0, said(second)
    assert snapshot(docs) == before, "the second build changed files under docs/"
    assert " 0 pages written" in second.stdout, second.stdout
    assert report(clone)["pages"] == [] and all(s["outcome"] == "unchanged" for s in report(clone)["seeds"])

    check = gen(clone, "check", pythonpath=clone)
    assert check.returncode == 0, said(check)

    site = mkdocs(clone, pythonpath=clone)
    assert site.returncode == 0, site.stderr
    title = next(line for line in page.read_text(encoding="utf-8").splitlines() if line.startswith("title: "))[len('title: "'):-1]
    home = (clone / "site" / "index.html").read_text(encoding="utf-8")
    assert f'href="archive/{stem}/"' in home and title in home

    lines = state_lines(docs)  # every line parses on its own
    assert lines[0] == {"format": "archive-generator-state", "version": 2}
    archive = sorted(p.relative_to(docs).as_posix() for p in (docs / "archive").rglob("*.md") if not p.name.startswith("."))
    entries = [line for line in lines[1:] if "page" in line]
    assert [entry["page"] for entry in entries] == archive, "one line per page, after the header"
    moves = lines[1 + len(entries):]
    assert all(set(m) == {"moved", "to"} for m in moves), "then only the moved pages' old addresses"


# ---- 2. losing the state -----------------------------------------------------------------------


def test_deleting_the_state_loses_nothing(tmp_path):
    root = built(make_project(tmp_path / "p"))
    docs = root / "docs"
    page = docs / "archive" / f"{HTML}.md"
    edited = edit(page, "于军主持会议", "于军同志主持会议")
    (docs / ".gen" / "state.jsonl").unlink()
    before = pages(docs)

    done = build(root)
    assert done.returncode == 0, said(done)
    assert page.read_text(encoding="utf-8") == edited
    assert pages(docs) == before, "no page is rewritten"
    assert not [p for p in report(root)["pages"] if p["action"] not in ("kept", "unchanged")], report(root)["pages"]
    assert "state was missing and has been rebuilt" in done.stdout, done.stdout
    after = snapshot(docs)

    again = build(root)
    assert again.returncode == 0, said(again)
    assert snapshot(docs) == after, "the build after the recovery writes nothing"

    # The generator changes the page in another line: merged into the edit, as before the loss.
    edit(root / "seeds" / f"{HTML}.txt", "避免过度消杀、无效消杀", "避免过度消杀和无效消杀")
    done = build(root)
    assert done.returncode == 0, said(done)
    assert outcomes(root)[f"seeds/{HTML}.txt"]["outcome"] == "merged"
    text = page.read_text(encoding="utf-8")
    assert "于军同志主持会议" in text and "避免过度消杀和无效消杀" in text


@pytest.mark.slow  # runs mkdocs or git
def test_deleting_the_whole_state_folder_loses_nothing(tmp_path):
    root = built(make_project(tmp_path / "p"))
    docs = root / "docs"
    page = docs / "archive" / f"{HTML}.md"
    generated = page.read_text(encoding="utf-8")
    edited = edit(page, "于军主持会议", "于军同志主持会议")
    shutil.rmtree(docs / ".gen")
    before = pages(docs)

    done = build(root)
    assert page.read_text(encoding="utf-8") == edited, "the edited page is kept"
    assert pages(docs) == before, "untouched pages stay as they were, nothing is lost"
    proposal = page.with_name(f".{page.stem}.proposed.md")
    # Without the base copies the generator cannot tell the edit from a change of its own: it may
    # propose its text beside the page, and then (only then) says so with exit status 1.
    if proposal.exists():
        assert proposal.read_text(encoding="utf-8") == generated
        assert done.returncode == 1 and outcomes(root)[f"seeds/{HTML}.txt"]["outcome"] == "conflict", said(done)
    else:
        assert done.returncode == 0, said(done)
    assert "state was missing and has been rebuilt" in done.stdout, done.stdout

    site = mkdocs(root)
    assert site.returncode == 0, site.stderr
    for index in ("index.html", "timeline/index.html", "districts/index.html", "sources/index.html", "tags/index.html"):
        assert (root / "site" / index).is_file(), index
    assert f'href="archive/{HTML}/"' in (root / "site" / "index.html").read_text(encoding="utf-8")


# ---- 3. a wrong --seeds --------------------------------------------------------------------------


def test_empty_seeds_folder_changes_nothing(tmp_path):
    root = built(make_project(tmp_path / "p"))
    docs = root / "docs"
    empty = tmp_path / "empty"
    empty.mkdir()
    before = snapshot(docs)

    done = build(root, "--seeds", str(empty))
    assert done.returncode == 1, said(done)
    assert "no seeds found" in said(done) and "Nothing was changed" in said(done), said(done)
    assert snapshot(docs) == before

    done = build(root, "--seeds", str(empty), "--allow-removal")
    assert done.returncode == 0, said(done)
    assert pages(docs) == {}, "every page was untouched, so every page goes"


def _ten_seeds(root: Path) -> list[Path]:
    """Five more seeds beside the repository's five, each its own document."""
    places = ("东城区", "西城区", "朝阳区", "丰台区", "通州区")
    measures = ("核酸检测点", "隔离酒店", "社区卡口", "方舱医院", "疫苗接种点")
    for n, (place, what) in enumerate(zip(places, measures)):
        text = (f"2020年{n + 3}月{n + 10}日，{place}检查{what}的运行情况，要求落实各项防控措施。\n\n"
                f"检查组逐一查看了{what}的台账，第{n + 1}组人员作了汇报。\n")
        (root / "seeds" / f"extra_{n}.txt").write_text(text, encoding="utf-8")
    return sorted((root / "seeds").glob("*.txt"))


def test_removing_most_seeds_at_once_is_refused(tmp_path):
    root = make_project(tmp_path / "p")
    seeds = _ten_seeds(root)
    assert len(seeds) == 10
    built(root)
    docs = root / "docs"
    assert len(list((docs / "archive").glob("*.md"))) == 10
    for seed in seeds[:6]:
        seed.unlink()
    before = snapshot(docs)

    done = build(root)
    assert done.returncode == 1, said(done)
    assert "remove 6 of 10 pages" in said(done) and "Nothing was changed" in said(done) and "--allow-removal" in said(done), said(done)
    assert snapshot(docs) == before

    done = build(root, "--allow-removal")
    assert done.returncode == 0, said(done)
    assert sorted(p.stem for p in (docs / "archive").glob("*.md")) == sorted(s.stem for s in seeds[6:])


# ---- 4. settings in one place ------------------------------------------------------------------


def _with_manifest_options(root: Path) -> None:
    """metadata/index.csv (outside seeds/, a non-default date column) named in mkdocs.yml."""
    (root / "metadata").mkdir()
    (root / "metadata" / "index.csv").write_text("file,发布时间,title\n000_73acca2f4bde7c0a.txt,2022-06-03,清单给的标题\n", encoding="utf-8")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "      manifests: []\n      manifest_columns: {}\n" in text
    config.write_text(text.replace("      manifests: []\n      manifest_columns: {}\n",
                                   "      manifests: [metadata/index.csv]\n      manifest_columns: {date: 发布时间}\n"), encoding="utf-8")


@pytest.mark.slow  # runs mkdocs or git
def test_manifest_named_in_mkdocs_yml_applies_to_a_plain_build(tmp_path):
    root = make_project(tmp_path / "p")
    _with_manifest_options(root)
    built(root)
    page = (root / "docs" / "archive" / "000_73acca2f4bde7c0a.md").read_text(encoding="utf-8")
    assert 'title: "清单给的标题"' in page and "date: 2022-06-03" in page and 'date_basis: "清单"' in page, page[:400]
    before = snapshot(root / "docs")

    again = build(root)
    assert again.returncode == 0, said(again)
    assert snapshot(root / "docs") == before

    site = mkdocs(root)
    assert site.returncode == 0, site.stderr
    assert "清单给的标题" in (root / "site" / "index.html").read_text(encoding="utf-8")


# ---- 5. two branches merged with git -------------------------------------------------------------


def _repository(tmp_path: Path) -> Path:
    """A built project committed to git, with the repository's .gitattributes."""
    needs_git()
    root = built(make_project(tmp_path / "origin"))
    shutil.copy(REPO / ".gitattributes", root / ".gitattributes")
    (root / ".gitignore").write_text("site/\nbuild/\n", encoding="utf-8")
    git(root, "init", "--quiet", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "archive")
    return root


def _branch(origin: Path, name: str) -> Path:
    """A clone of origin's first commit, as another editor's working copy (its own build cache)."""
    work = origin.parent / name
    git(origin.parent, "clone", "--quiet", str(origin), str(work))
    git(work, "checkout", "--quiet", "-b", name)
    return work


def _commit(work: Path, message: str) -> None:
    git(work, "add", "-A")
    git(work, "commit", "--quiet", "-m", message)


def _merge(into: Path, other: Path) -> list[str]:
    """Merge other's branch into `into`; the paths git left in conflict."""
    git(into, "pull", "--quiet", "--no-rebase", "--no-edit", str(other), other.name, check=False)
    return git(into, "diff", "--name-only", "--diff-filter=U").stdout.split()


@pytest.mark.slow  # runs mkdocs or git
def test_git_merge_of_two_branches_that_both_built(tmp_path):
    origin = _repository(tmp_path)
    a, b = _branch(origin, "a"), _branch(origin, "b")
    (a / "seeds" / "a.txt").write_text(SEED_A, encoding="utf-8")
    built(a)
    _commit(a, "add a")
    (b / "seeds" / "b.txt").write_text(SEED_B, encoding="utf-8")
    built(b)
    _commit(b, "add b")

    assert _merge(a, b) == [], "the union driver merges the state without a conflict"
    state = (a / "docs" / ".gen" / "state.jsonl").read_text(encoding="utf-8")
    assert "<<<<<<<" not in state and "archive/a.md" in state and "archive/b.md" in state

    done = build(a)
    assert done.returncode == 0, said(done)
    # The pages are what one build of all the seeds makes.
    reference = make_project(tmp_path / "reference")
    (reference / "seeds" / "a.txt").write_text(SEED_A, encoding="utf-8")
    (reference / "seeds" / "b.txt").write_text(SEED_B, encoding="utf-8")
    built(reference)
    assert pages(a / "docs") == pages(reference / "docs")
    assert state_lines(a / "docs") == state_lines(reference / "docs")
    after = snapshot(a / "docs")
    again = build(a)
    assert again.returncode == 0 and " 0 pages written" in again.stdout, said(again)
    assert snapshot(a / "docs") == after

    site = mkdocs(a)
    assert site.returncode == 0, site.stderr
    home = (a / "site" / "index.html").read_text(encoding="utf-8")
    timeline = "".join(p.read_text(encoding="utf-8") for p in (a / "site" / "timeline").rglob("*.html"))
    for stem in ("a", "b"):
        assert f'href="archive/{stem}/"' in home, stem
        assert f"archive/{stem}/" in timeline, stem


@pytest.mark.slow  # runs mkdocs or git
@pytest.mark.parametrize("line", [
    pytest.param("another", id="edit-in-another-paragraph"),
    pytest.param("same", id="edit-in-the-same-paragraph"),
])
def test_git_merge_of_a_regenerated_page_and_a_hand_edit(tmp_path, line):
    """Branch A changes a seed (its page is rewritten); branch B edits that page by hand; after the
    merge no page is stale and neither change is silently lost."""
    origin = _repository(tmp_path)
    a, b = _branch(origin, "a"), _branch(origin, "b")
    rel = f"archive/{HTML}.md"
    edit(a / "seeds" / f"{HTML}.txt", "应急响应级别调整至三级", "应急响应级别调至三级")
    built(a)
    assert outcomes(a)[f"seeds/{HTML}.txt"]["outcome"] == "written"
    _commit(a, "seed changed")
    mine = ("于军主持会议", "于军同志主持会议") if line == "another" else ("级别调整不等于", "级别调整并不等于")
    edit(b / "docs" / rel, *mine)
    built(b)
    _commit(b, "page edited")

    conflicted = _merge(a, b)
    if conflicted:  # resolved the natural way: the editor's side of the page, the rest as merged
        assert conflicted == [f"docs/{rel}"], conflicted
        git(a, "checkout", "--theirs", f"docs/{rel}")
        _commit(a, "merge b")

    done = build(a)
    page = (a / "docs" / rel).read_text(encoding="utf-8")
    proposal = a / "docs" / "archive" / f".{HTML}.proposed.md"
    assert mine[1] in page, "the hand edit is kept"
    generated = "应急响应级别调至三级"
    if generated in page:  # merged: nothing to report
        assert done.returncode == 0, said(done)
    else:  # not merged: proposed beside the page and reported
        assert proposal.is_file() and generated in proposal.read_text(encoding="utf-8"), (
            f"the generator's change is neither in the page nor proposed; the build said:\n{said(done)}")
        assert done.returncode == 1 and outcomes(a)[f"seeds/{HTML}.txt"]["outcome"] == "conflict", said(done)


# ---- 6. running from another folder ----------------------------------------------------------------


@pytest.mark.parametrize("paths", ["absolute", "relative"])
def test_build_from_another_folder(tmp_path, paths):
    root = make_project(tmp_path / "p")
    _with_manifest_options(root)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = root if paths == "absolute" else Path("..") / "p"
    done = build(elsewhere, "--seeds", str(where / "seeds"), "--docs", str(where / "docs"))
    assert done.returncode == 0, said(done)

    docs = root / "docs"
    written = sorted((docs / "archive").glob("*.md"))
    assert len(written) == 5
    for page in written:
        seed = next(line for line in page.read_text(encoding="utf-8").splitlines() if line.startswith("seed: "))
        assert seed == f'seed: "seeds/{page.stem}.txt"', seed
    assert not [p for p in docs.rglob("*") if p.name in ("build", "cache", "report.json")], "no build folder inside docs/"
    assert list(elsewhere.iterdir()) == [], "nothing is written where the command was typed"
    # mkdocs.yml was found: its archive options (the manifest) applied, and the build folder is the project's.
    assert 'title: "清单给的标题"' in (docs / "archive" / "000_73acca2f4bde7c0a.md").read_text(encoding="utf-8")
    assert (root / "build" / "report.json").is_file()
