"""Editors' fixes survive regeneration: one test per rule, through the real CLI on a temporary tree."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import gen.gather
from gen import fs
from gen.cli import main
from tests.conftest import edit, read_report as report

WIRE = "000_73acca2f4bde7c0a"  # plain wire seed
HTML = "001_eec9e63713adc293"  # title line + HTML seed


@pytest.fixture
def tree(project):
    """The project after a first build."""
    assert main(["build"]) == 0
    return project


def outcome(tree: Path, stem: str) -> dict:
    return next(s for s in report(tree)["seeds"] if Path(s["seed"]).stem == stem)


def page_of(tree: Path, stem: str) -> Path:
    return tree / "docs" / outcome(tree, stem)["page"]


def change_seed(tree: Path, stem: str, old: str, new: str) -> None:
    seed = next((tree / "seeds").glob(f"{stem}.*"))
    edit(seed, old, new)


def snapshot(docs: Path) -> dict[str, bytes]:
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted(docs.rglob("*")) if p.is_file()}


def mkdocs_build(tree: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tree, capture_output=True, text=True, env=env)


def test_untouched_page_is_regenerated_when_the_seed_changes(tree):
    change_seed(tree, WIRE, "责任编辑：邓健", "责任编辑：王五")
    assert main(["build"]) == 0
    assert outcome(tree, WIRE)["outcome"] == "written"
    assert 'editor: "王五"' in page_of(tree, WIRE).read_text(encoding="utf-8")


def test_edited_body_line_survives_and_unchanged_output_leaves_it_alone(tree, capsys):
    text = edit(page_of(tree, HTML), "于军主持会议", "于军同志主持会议")
    capsys.readouterr()
    assert main(["build"]) == 0
    assert page_of(tree, HTML).read_text(encoding="utf-8") == text
    assert outcome(tree, HTML)["outcome"] == "kept"


@pytest.mark.slow
def test_edited_front_matter_reaches_every_index(tree):
    edit(page_of(tree, HTML), 'district: "海淀区"', 'district: "朝阳区"')
    assert main(["build"]) == 0
    assert outcome(tree, HTML)["outcome"] == "kept"
    assert mkdocs_build(tree).returncode == 0
    assert HTML in (tree / "site" / "districts" / "chaoyangqu" / "index.html").read_text(encoding="utf-8")
    assert HTML not in (tree / "site" / "districts" / "haidianqu" / "index.html").read_text(encoding="utf-8")


def test_edits_merge_with_generator_changes_elsewhere(tree):
    edit(page_of(tree, HTML), "于军主持会议", "于军同志主持会议")
    edit(page_of(tree, HTML), 'district: "海淀区"', 'district: "朝阳区"')
    change_seed(tree, HTML, "避免过度消杀、无效消杀", "避免过度消杀和无效消杀")
    assert main(["build"]) == 0
    text = page_of(tree, HTML).read_text(encoding="utf-8")
    assert outcome(tree, HTML)["outcome"] == "merged"
    assert "于军同志主持会议" in text and 'district: "朝阳区"' in text and "避免过度消杀和无效消杀" in text


def test_reader_change_merges_into_edited_page(tree, monkeypatch):
    edit(page_of(tree, HTML), "于军主持会议", "于军同志主持会议")
    parts = gen.gather.page_parts

    def new_reader(doc, dates):
        old = parts(doc, dates)
        return dataclasses.replace(old, body=old.body + "\n\n*（本页由新版阅读器生成）*")

    monkeypatch.setattr(gen.gather, "page_parts", new_reader)
    # A changed generator invalidates the cache (its version is a hash of gen/); a patch does not.
    assert main(["build", "--no-cache"]) == 0
    text = page_of(tree, HTML).read_text(encoding="utf-8")
    assert outcome(tree, HTML)["outcome"] == "merged"
    assert "于军同志主持会议" in text and "新版阅读器" in text


@pytest.mark.slow
def test_conflict_keeps_editor_file_writes_proposal_and_reports_diff(tree, capsys):
    edited = edit(page_of(tree, HTML), "避免过度消杀、无效消杀", "避免过度消杀（编辑）")
    change_seed(tree, HTML, "避免过度消杀、无效消杀", "避免过度消杀和无效消杀")
    capsys.readouterr()
    assert main(["build"]) == 1
    out = capsys.readouterr().out
    page = page_of(tree, HTML)
    proposal = page.with_name(f".{page.stem}.proposed.md")
    assert page.read_text(encoding="utf-8") == edited
    assert "<<<<<<<" in proposal.read_text(encoding="utf-8") and "避免过度消杀和无效消杀" in proposal.read_text(encoding="utf-8")
    assert outcome(tree, HTML)["outcome"] == "conflict"
    assert str(proposal.relative_to(tree).as_posix()) in out and "+" in out and "避免过度消杀和无效消杀" in out
    assert mkdocs_build(tree).returncode == 0
    assert not list((tree / "site").rglob("*proposed*"))
    # The editor settles it (keeps their wording) and deletes the proposal: no more conflict.
    proposal.unlink()
    assert main(["build"]) == 0
    assert outcome(tree, HTML)["outcome"] == "kept"
    assert page.read_text(encoding="utf-8") == edited
    assert main(["build"]) == 0 and outcome(tree, HTML)["outcome"] == "kept"


@pytest.mark.slow
def test_deleted_page_is_not_recreated_and_reported_once(tree, capsys):
    page = page_of(tree, WIRE)
    line = f"deleted-by-editor  docs/{outcome(tree, WIRE)['page']}"
    page.unlink()
    capsys.readouterr()
    assert main(["build"]) == 0
    assert not page.exists() and line in capsys.readouterr().out
    assert main(["build"]) == 0
    assert not page.exists() and line not in capsys.readouterr().out
    assert outcome(tree, WIRE)["outcome"] == "deleted-by-editor"
    assert mkdocs_build(tree).returncode == 0
    timeline = [p.read_text(encoding="utf-8") for p in (tree / "site" / "timeline").rglob("*.html")]
    assert timeline and not any(WIRE in html for html in timeline)


def test_force_restores_a_deleted_page(tree):
    rel = outcome(tree, WIRE)["page"]
    (tree / "docs" / rel).unlink()
    main(["build"])
    assert main(["build", "--force", f"docs/{rel}"]) == 0
    assert (tree / "docs" / rel).is_file()


def test_hand_made_page_is_never_touched(tree):
    mine = tree / "docs" / "about.md"
    mine.write_text("# 关于\n", encoding="utf-8")
    clash = tree / "docs" / "archive" / "extra.md"
    clash.write_text("# 手写\n", encoding="utf-8")
    assert main(["build"]) == 0
    assert mine.read_text(encoding="utf-8") == "# 关于\n" and clash.read_text(encoding="utf-8") == "# 手写\n"


def test_file_at_a_generated_path_that_we_did_not_write_is_not_touched(tree):
    text = (tree / "seeds" / f"{WIRE}.txt").read_text(encoding="utf-8")
    (tree / "seeds" / "new_seed.txt").write_text(text.replace("邓健", "王五"), encoding="utf-8")
    target = tree / "docs" / "archive" / "new_seed.md"
    target.write_text("# 编辑先写的\n", encoding="utf-8")
    assert main(["build"]) == 0
    assert target.read_text(encoding="utf-8") == "# 编辑先写的\n"
    assert outcome(tree, "new_seed")["outcome"] == "not-ours"


def test_removed_seed_removes_untouched_page_and_keeps_edited_one(tree):
    wire_page, html_page = page_of(tree, WIRE), page_of(tree, HTML)
    edit(html_page, "于军主持会议", "于军同志主持会议")
    (tree / "seeds" / f"{WIRE}.txt").unlink()
    (tree / "seeds" / f"{HTML}.txt").unlink()
    assert main(["build"]) == 0
    assert not wire_page.exists()
    assert "于军同志主持会议" in html_page.read_text(encoding="utf-8")
    actions = {p["page"]: p["action"] for p in report(tree)["pages"]}
    assert actions[wire_page.relative_to(tree / "docs").as_posix()] == "removed"
    assert actions[html_page.relative_to(tree / "docs").as_posix()] == "orphan-kept"


@pytest.mark.slow
def test_broken_yaml_is_reported_by_check_build_and_mkdocs(tree, capsys):
    page = page_of(tree, HTML)
    edit(page, 'district: "海淀区"', 'district: "海淀区\ntags: [')
    rel = page.relative_to(tree).as_posix()
    capsys.readouterr()
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert rel in out and "YAML" in out
    assert main(["build"]) == 1
    assert rel in capsys.readouterr().out
    result = mkdocs_build(tree)
    assert result.returncode != 0 and rel in result.stderr and "YAML" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("old", "new", "field", "says"),
    [
        ("date: 2020-07-20", "date: 2020-02-30", "date", "not a real date"),
        ('district: "海淀区"', 'district: "长春市朝阳区"', "district", "not a Beijing district"),
        ('district: "海淀区"', 'distirct: "海淀区"', "distirct", "did you mean 'district'"),
    ],
)
def test_bad_front_matter_values_fail_check_and_strict_mkdocs(tree, capsys, old, new, field, says):
    page = page_of(tree, HTML)
    edit(page, old, new)
    capsys.readouterr()
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert f"{field}: " in out and says in out and ":" in out.split(" ")[0]
    result = mkdocs_build(tree)
    assert result.returncode != 0 and says in result.stderr


def test_interrupted_run_leaves_whole_pages_and_recovers(tree, monkeypatch):
    change_seed(tree, WIRE, "责任编辑：邓健", "责任编辑：王五")
    change_seed(tree, HTML, "避免过度消杀、无效消杀", "避免过度消杀和无效消杀")
    before = snapshot(tree / "docs")
    real = fs.replace_if_unchanged
    calls = {"n": 0}

    def failing(path, text, expect):
        calls["n"] += 1
        if calls["n"] == 2:  # after one page is already replaced, before the others and the state
            raise OSError("disk full (simulated)")
        return real(path, text, expect)

    monkeypatch.setattr(fs, "replace_if_unchanged", failing)
    assert main(["build"]) == 1
    assert calls["n"] == 2
    monkeypatch.setattr(fs, "replace_if_unchanged", real)
    for rel, data in snapshot(tree / "docs").items():
        if rel.endswith(".md") and not rel.startswith(".gen/"):
            text = data.decode("utf-8")
            assert text.startswith("---\n") and text.endswith("\n"), rel
    assert not [p for p in (tree / "docs").rglob("*") if p.name.startswith(fs.TMP_PREFIX)]
    assert main(["build"]) == 0
    after = snapshot(tree / "docs")
    assert after != before
    assert "王五" in page_of(tree, WIRE).read_text(encoding="utf-8")
    assert "避免过度消杀和无效消杀" in page_of(tree, HTML).read_text(encoding="utf-8")
    assert main(["build"]) == 0 and snapshot(tree / "docs") == after


def test_a_save_that_lands_just_before_its_page_is_replaced_is_merged(tree, monkeypatch):
    """The editor saves after the build read the page and before it replaces it: the build sees
    the save when it is about to replace the page, decides again, and merges it."""
    change_seed(tree, WIRE, "责任编辑：邓健", "责任编辑：王五")
    change_seed(tree, HTML, "避免过度消杀、无效消杀", "避免过度消杀和无效消杀")
    page = page_of(tree, HTML)
    real = fs.replace_if_unchanged
    saves = []

    def saved_just_before(path, text, expect):
        if path.name == page.name and not saves:
            saves.append(edit(page, "于军主持会议", "于军同志主持会议"))
        return real(path, text, expect)

    monkeypatch.setattr(fs, "replace_if_unchanged", saved_just_before)
    assert main(["build"]) == 0
    monkeypatch.setattr(fs, "replace_if_unchanged", real)
    assert saves, "the page was never about to be replaced"
    text = page.read_text(encoding="utf-8")
    assert "于军同志主持会议" in text and "避免过度消杀和无效消杀" in text
    assert outcome(tree, HTML)["outcome"] == "merged"
    assert 'editor: "王五"' in page_of(tree, WIRE).read_text(encoding="utf-8")
    after = snapshot(tree / "docs")
    assert main(["build"]) == 0 and snapshot(tree / "docs") == after


def test_status_lists_what_a_build_would_do_and_writes_nothing(tree, capsys):
    change_seed(tree, WIRE, "责任编辑：邓健", "责任编辑：王五")
    before = snapshot(tree / "docs")
    capsys.readouterr()
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert f"{outcome(tree, WIRE)['page']}" in out and "written" in out and "would be written" in out
    assert snapshot(tree / "docs") == before


@pytest.mark.slow
def test_live_preview_picks_up_edited_district_without_the_generator(tree):
    edit(page_of(tree, HTML), 'district: "海淀区"', 'district: "朝阳区"')
    result = mkdocs_build(tree)
    assert result.returncode == 0, result.stderr
    chaoyang = (tree / "site" / "districts" / "chaoyangqu" / "index.html").read_text(encoding="utf-8")
    assert "第103次会议" in chaoyang
    assert "第103次会议" not in (tree / "site" / "districts" / "haidianqu" / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_edit_button_points_at_the_markdown_source(tree, monkeypatch):
    monkeypatch.setenv("ARCHIVE_REPO_URL", "https://github.com/acme/archive")
    result = mkdocs_build(tree)
    assert result.returncode == 0, result.stderr
    rel = outcome(tree, HTML)["page"]
    html = (tree / "site" / rel.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
    assert f'href="https://github.com/acme/archive/edit/main/docs/{rel}"' in html
