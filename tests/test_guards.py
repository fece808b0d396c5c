"""Guarded runs through the real CLI: usage errors, seeds that must not be read, pages saved
differently, seeds that fail for one build, moved pages, stray files."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gen import fs
from gen.cli import main
from tests.conftest import read_report as report, CORPUS, REPO

WIRE = "000_73acca2f4bde7c0a"
HTML = "001_eec9e63713adc293"


@pytest.fixture
def tree(project):
    assert main(["build"]) == 0
    return project


def outcomes(tree: Path) -> dict[str, dict]:
    return {s["seed"]: s for s in report(tree)["seeds"]}


def snapshot(docs: Path) -> dict[str, bytes]:
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted(docs.rglob("*")) if p.is_file() and p.name != "lock"}


def page(tree: Path, stem: str) -> Path:
    return tree / "docs" / "archive" / f"{stem}.md"


@pytest.mark.parametrize("args", [["-j", "0"], ["-j", "-3"], ["--report", "docs"], ["--force", "README.md"],
                                  ["--docs", "seeds/out"], ["--seeds", "docs/archive"], ["--seeds", "nowhere"],
                                  ["--config-file", "nowhere.yml"]])
def test_usage_errors_exit_2_and_change_nothing(tree, capsys, args):
    before = snapshot(tree / "docs")
    assert main(["build", *args]) == 2
    assert capsys.readouterr().err.startswith("error: ")
    assert snapshot(tree / "docs") == before


@pytest.mark.parametrize("docs", ["README.md", "nowhere", "empty"])
def test_check_on_what_is_not_an_archive_is_a_usage_error(tree, capsys, docs):
    (tree / "README.md").write_text("# x\n", encoding="utf-8")
    (tree / "empty").mkdir()
    assert main(["check", "--docs", docs]) == 2
    assert "error:" in capsys.readouterr().err


def test_status_writes_nothing_at_all(project):
    assert main(["status"]) == 0
    assert not (project / "docs").exists() and not (project / "build").exists()


def test_status_on_a_built_archive_writes_nothing(tree):
    (tree / "seeds" / f"{WIRE}.txt").write_text((tree / "seeds" / f"{WIRE}.txt").read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    shutil.rmtree(tree / "build")
    (tree / "docs" / ".gen" / "lock").unlink()  # as in a fresh clone: the lock file is not committed
    before = snapshot(tree / "docs")
    assert main(["status"]) == 0
    assert snapshot(tree / "docs") == before and not (tree / "build").exists()
    assert not (tree / "docs" / ".gen" / "lock").exists()


def test_a_seed_folder_that_cannot_be_listed_is_reported_and_the_others_are_read(tmp_path, monkeypatch):
    seeds = tmp_path / "seeds"
    (seeds / "shut").mkdir(parents=True)
    (seeds / "shut" / "a.txt").write_text("甲", encoding="utf-8")
    (seeds / "open").mkdir()
    (seeds / "open" / "b.txt").write_text("乙", encoding="utf-8")
    real = os.scandir

    def scandir(path):
        if os.path.basename(path) == "shut":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    listing = fs.list_seeds(seeds)
    assert [os.path.basename(s) for s in listing.seeds] == ["b.txt"]
    assert [(os.path.basename(p), why) for p, why in listing.skipped] == [("shut", "cannot be listed (Permission denied)")]


def test_seeds_that_are_links_pipes_or_unusable_names_are_reported_one_by_one(tree):
    outside = tree / "outside.txt"
    outside.write_text("机密：不应发布的文件。", encoding="utf-8")
    seeds = tree / "seeds"
    (seeds / "link.txt").symlink_to(outside)
    (seeds / "zero.txt").symlink_to("/dev/zero")
    (seeds / "linked_folder").symlink_to(tree / "docs")
    (seeds / "loop.txt").symlink_to("loop.txt")  # a link to itself: listing it must not fail
    os.mkfifo(seeds / "pipe.txt")
    text = (seeds / f"{WIRE}.txt").read_text(encoding="utf-8")
    for name in ("a\nb.txt", "tab\there.txt", "hash#tag.txt", 'quote".txt', "长" * 80 + ".txt"):
        (seeds / name).write_text(text.replace("邓健", "王五"), encoding="utf-8")
    assert main(["build"]) == 1
    found = outcomes(tree)
    why = {Path(s).name: o["problems"][0] for s, o in found.items() if o["outcome"] == "error"}
    assert "symbolic link" in why["link.txt"] and "symbolic link" in why["zero.txt"] and "symbolic link" in why["loop.txt"]
    assert "link to a folder" in why["linked_folder"] and "not a regular file" in why["pipe.txt"]
    for name in ("a\nb.txt", "tab\there.txt", "hash#tag.txt", 'quote".txt', "长" * 80 + ".txt"):
        assert "rename" in why[name] or "bytes long" in why[name], name
    assert not any("机密" in p.read_text(encoding="utf-8") for p in (tree / "docs").rglob("*.md"))
    assert sum(o["outcome"] == "unchanged" for o in found.values()) == 5


def test_a_seed_that_fails_for_one_build_keeps_its_edited_page_connected(tree):
    edited = page(tree, HTML).read_text(encoding="utf-8").replace("于军主持会议", "于军同志主持会议", 1)
    page(tree, HTML).write_text(edited, encoding="utf-8")
    seed = tree / "seeds" / f"{HTML}.txt"
    original = seed.read_bytes()
    seed.write_bytes(b"")  # a copy in progress
    state_before = (tree / "docs" / ".gen" / "state.jsonl").read_bytes()
    assert main(["build"]) == 1
    assert page(tree, HTML).read_text(encoding="utf-8") == edited
    assert (tree / "docs" / ".gen" / "state.jsonl").read_bytes() == state_before
    seed.write_bytes(original.replace("避免过度消杀、无效消杀".encode(), "避免过度消杀和无效消杀".encode()))
    assert main(["build"]) == 0
    assert outcomes(tree)[f"seeds/{HTML}.txt"]["outcome"] == "merged"
    text = page(tree, HTML).read_text(encoding="utf-8")
    assert "于军同志主持会议" in text and "避免过度消杀和无效消杀" in text


def test_a_seed_that_fails_for_one_build_keeps_its_untouched_page(tree):
    before = page(tree, WIRE).read_bytes()
    (tree / "seeds" / f"{WIRE}.txt").write_bytes(b"\xff\xfe\x00\xd8" * 10)  # undecodable for now
    assert main(["build"]) == 1
    assert page(tree, WIRE).read_bytes() == before


def test_a_byte_identical_copy_added_later_never_takes_the_page_over(tree):
    shutil.copy(tree / "seeds" / f"{WIRE}.txt", tree / "seeds" / "000_aaa_copy.txt")  # sorts first
    before = page(tree, WIRE).read_text(encoding="utf-8")
    assert main(["build"]) == 0
    found = outcomes(tree)
    assert found["seeds/000_aaa_copy.txt"]["outcome"] == "duplicate"
    assert found[f"seeds/{WIRE}.txt"]["page"] == f"archive/{WIRE}.md"
    after = page(tree, WIRE).read_text(encoding="utf-8")
    assert after != before and '  - "seeds/000_aaa_copy.txt"' in after, "the page now names its copy"


def test_a_page_saved_with_a_bom_and_crlf_is_read_and_checked(tree, capsys):
    text = page(tree, HTML).read_text(encoding="utf-8").replace("于军主持会议", "于军同志主持会议", 1)
    page(tree, HTML).write_bytes(("\ufeff" + text).replace("\n", "\r\n").encode("utf-8"))
    assert main(["build"]) == 0
    assert outcomes(tree)[f"seeds/{HTML}.txt"]["outcome"] == "kept"
    broken = text.replace('district: "海淀区"', 'district: "海淀区\ntags: [', 1)
    page(tree, HTML).write_bytes(("\ufeff" + broken).encode("utf-8"))
    capsys.readouterr()
    assert main(["check"]) == 1
    assert f"archive/{HTML}.md" in capsys.readouterr().out


def test_a_page_saved_as_gbk_is_reported_by_name_and_left_alone(tree, capsys):
    text = page(tree, HTML).read_text(encoding="utf-8").replace("于军主持会议", "于军同志主持会议", 1)
    page(tree, HTML).write_bytes(text.encode("gbk"))
    (tree / "seeds" / f"{HTML}.txt").write_text((tree / "seeds" / f"{HTML}.txt").read_text(encoding="utf-8").replace("避免过度消杀、无效消杀", "避免过度消杀和无效消杀"), encoding="utf-8")
    capsys.readouterr()
    assert main(["build"]) == 1
    out = capsys.readouterr().out
    assert f"docs/archive/{HTML}.md" in out and "UTF-8" in out
    assert page(tree, HTML).read_bytes() == text.encode("gbk")
    assert main(["check"]) == 1
    assert "UTF-8" in capsys.readouterr().out


def test_a_page_the_editor_renamed_keeps_its_seed(tree):
    renamed = tree / "docs" / "archive" / "海淀区会议.md"
    page(tree, HTML).rename(renamed)
    assert main(["build"]) == 0
    assert not page(tree, HTML).exists()
    seed = tree / "seeds" / f"{HTML}.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("避免过度消杀、无效消杀", "避免过度消杀和无效消杀"), encoding="utf-8")
    assert main(["build"]) == 0
    assert outcomes(tree)[f"seeds/{HTML}.txt"]["page"] == "archive/海淀区会议.md"
    assert "避免过度消杀和无效消杀" in renamed.read_text(encoding="utf-8") and not page(tree, HTML).exists()
    moves = [json.loads(line) for line in (tree / "docs" / ".gen" / "state.jsonl").read_text(encoding="utf-8").splitlines() if '"moved"' in line]
    assert moves == [{"moved": f"archive/{HTML}.md", "to": "archive/海淀区会议.md"}]


def test_a_page_a_killed_build_had_set_aside_is_put_back(tree):
    edited = page(tree, HTML).read_text(encoding="utf-8").replace("于军主持会议", "于军同志主持会议", 1)
    page(tree, HTML).unlink()
    (tree / "docs" / "archive" / f"{fs.ASIDE_PREFIX}0badcafe-{HTML}.md").write_text(edited, encoding="utf-8")
    shutil.copy(page(tree, WIRE), tree / "docs" / "archive" / f"{fs.ASIDE_PREFIX}0badcafe-{WIRE}.md")  # already replaced
    page(tree, WIRE).write_text(page(tree, WIRE).read_text(encoding="utf-8") + "\n编辑补记\n", encoding="utf-8")
    assert main(["build"]) == 0
    assert page(tree, HTML).read_text(encoding="utf-8") == edited
    assert "编辑补记" in page(tree, WIRE).read_text(encoding="utf-8"), "a file standing at the path again wins"
    assert not list((tree / "docs" / "archive").glob(f"{fs.ASIDE_PREFIX}*"))


def test_temporary_files_of_a_killed_build_are_removed(tree):
    stray = [tree / "docs" / "archive" / f"{fs.TMP_PREFIX}4242-deadbeef", tree / "docs" / "archive" / f".{WIRE}.md.4242.tmp"]
    for path in stray:
        path.write_text("half", encoding="utf-8")
    assert main(["build"]) == 0
    assert not any(p.exists() for p in stray)


def test_settings_come_from_the_archive_plugin_options(tree):
    (tree / "raw").mkdir()
    shutil.move(str(tree / "seeds" / f"{WIRE}.txt"), tree / "raw" / f"{WIRE}.txt")
    config = (tree / "mkdocs.yml").read_text(encoding="utf-8").replace("      seeds: seeds\n", "      seeds: raw\n")
    (tree / "mkdocs.yml").write_text(config, encoding="utf-8")
    assert main(["build", "--allow-removal"]) == 0
    assert list(outcomes(tree)) == [f"raw/{WIRE}.txt"]


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")
def test_ctrl_c_stops_cleanly_and_the_next_build_finishes(project):
    for path in sorted((CORPUS / "dxy-news" / "docs").glob("*.txt"))[:600]:
        shutil.copy(path, project / "seeds" / path.name)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # SIGINT at its default in the build, as in a terminal, even when this runner ignores it (a job
    # a shell started in the background does, and its children inherit that).
    proc = subprocess.Popen([sys.executable, "-m", "gen", "build", "--no-cache", "-j", "2"], cwd=project, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # Ctrl-C once the build is under way (it holds its lock), not while Python is still starting:
    # on a loaded machine a fixed second could fall before the interpreter handles the signal.
    lock = project / "docs" / ".gen" / "lock"
    deadline = time.monotonic() + 60
    while not lock.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode in (0, 130), err
    assert "Traceback" not in err, err
    if proc.returncode == 130:
        assert "interrupted" in err
    done = subprocess.run([sys.executable, "-m", "gen", "build"], cwd=project, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    assert not [p for p in (project / "docs").rglob("*") if p.name.startswith(fs.TMP_PREFIX)]


def test_replace_if_unchanged_never_overwrites_a_save(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("生成的\n", encoding="utf-8")
    seen = fs.text_digest("生成的\n")
    assert fs.replace_if_unchanged(page, "新的\n", seen) and page.read_text(encoding="utf-8") == "新的\n"
    page.write_text("编辑保存的\n", encoding="utf-8")  # saved after the plan saw "新的"
    assert not fs.replace_if_unchanged(page, "更新的\n", fs.text_digest("新的\n"))
    assert page.read_text(encoding="utf-8") == "编辑保存的\n"
    assert not fs.replace_if_unchanged(page, "更新的\n", None), "a file that appeared is not overwritten"
    assert not fs.remove_if_unchanged(page, seen, tmp_path) and page.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.md"], "nothing set aside is left behind"


def test_near_duplicates_link_a_page_where_the_editor_moved_it(tree):
    renamed = tree / "docs" / "archive" / "新京报稿.md"
    page(tree, WIRE).rename(renamed)
    assert main(["build"]) == 0
    text = (tree / "seeds" / f"{WIRE}.txt").read_text(encoding="utf-8")
    (tree / "seeds" / "repost.txt").write_text(text.replace("新京报讯", "海淀区融媒体中心讯"), encoding="utf-8")
    assert main(["build"]) == 0
    repost = page(tree, "repost").read_text(encoding="utf-8")
    assert "(新京报稿.md)" in repost and f"({WIRE}.md)" not in repost
    assert "(repost.md)" in renamed.read_text(encoding="utf-8")
