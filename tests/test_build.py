"""The generator end to end through the real CLI on a temporary tree."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gen.cli import main
from gen.fs import list_pages


@pytest.fixture
def tree(project):
    return project


def build(*args: str) -> int:
    return main(["build", *args])


def report(tree: Path) -> dict:
    return json.loads((tree / "build" / "report.json").read_text(encoding="utf-8"))


def snapshot(docs: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(docs).as_posix(): (p.stat().st_mtime_ns, p.read_bytes()) for p in docs.rglob("*") if p.is_file()}


def test_build_writes_a_page_per_seed_at_its_stable_path(tree):
    assert build() == 0
    outcomes = {s["seed"]: s for s in report(tree)["seeds"]}
    assert len(outcomes) == 5 and all(s["outcome"] == "written" for s in outcomes.values())
    for s in outcomes.values():
        assert s["page"] == f"archive/{Path(s['seed']).stem}.md"
        assert (tree / "docs" / s["page"]).is_file()
    # Index pages are the archive plugin's, made when the site is built: none in docs/.
    assert list_pages(tree / "docs") == sorted(s["page"] for s in outcomes.values())


def test_second_build_writes_nothing(tree):
    assert build() == 0
    before = snapshot(tree / "docs")
    assert build() == 0
    assert snapshot(tree / "docs") == before
    assert all(s["outcome"] == "unchanged" for s in report(tree)["seeds"])
    assert report(tree)["pages"] == []


def test_base_copies_no_page_refers_to_are_removed_even_when_nothing_changed(tree):
    """A build killed after saving the state, before removing the base copies it replaced, left
    them for good: the next build, with nothing to write, removes every copy no page refers to."""
    assert build() == 0
    bases = tree / "docs" / ".gen" / "base"
    kept = sorted(p.relative_to(bases) for p in bases.rglob("*.md"))
    orphan = bases / "ab" / ("ab" + "0" * 62 + ".md")
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_text("旧的生成文本\n", encoding="utf-8")
    assert build() == 0
    assert not orphan.exists()
    assert sorted(p.relative_to(bases) for p in bases.rglob("*.md")) == kept
    assert report(tree)["pages"] == []


def test_edited_page_is_kept_and_reported(tree, capsys):
    build()
    page = tree / "docs" / report(tree)["seeds"][0]["page"]
    page.write_text(page.read_text(encoding="utf-8").replace("会议", "會議", 1), encoding="utf-8")
    edited = page.read_text(encoding="utf-8")
    assert build() == 0
    assert page.read_text(encoding="utf-8") == edited
    assert report(tree)["seeds"][0]["outcome"] == "kept"


def test_force_overwrites_an_edited_page(tree):
    build()
    rel = report(tree)["seeds"][0]["page"]
    page = tree / "docs" / rel
    original = page.read_text(encoding="utf-8")
    page.write_text(original + "\n编辑加的一行\n", encoding="utf-8")
    assert build("--force", f"docs/{rel}") == 0
    assert page.read_text(encoding="utf-8") == original


def test_deleted_page_is_not_recreated(tree):
    build()
    rel = report(tree)["seeds"][0]["page"]
    (tree / "docs" / rel).unlink()
    assert build() == 0
    assert not (tree / "docs" / rel).exists()
    assert report(tree)["seeds"][0]["outcome"] == "deleted-by-editor"


def test_hand_made_page_is_never_touched(tree):
    build()
    mine = tree / "docs" / "about.md"
    mine.write_text("# 关于本档案\n", encoding="utf-8")
    build()
    assert mine.read_text(encoding="utf-8") == "# 关于本档案\n"


def test_removed_seed_removes_its_untouched_page(tree):
    build()
    first = report(tree)["seeds"][0]
    (tree / first["seed"]).unlink()
    assert build() == 0
    assert not (tree / "docs" / first["page"]).exists()


def test_bad_seeds_are_reported_and_the_rest_still_build(tree):
    (tree / "seeds" / "empty.txt").write_bytes(b"")
    (tree / "seeds" / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert build() == 1
    outcomes = {Path(s["seed"]).name: s for s in report(tree)["seeds"]}
    assert len(outcomes) == 7
    assert outcomes["empty.txt"]["outcome"] == "error" and "empty" in outcomes["empty.txt"]["problems"][0]
    assert outcomes["image.png"]["outcome"] == "error" and "not text" in outcomes["image.png"]["problems"][0]
    assert sum(s["outcome"] == "written" for s in outcomes.values()) == 5


def test_gb18030_seed_is_read_and_its_encoding_recorded(tree):
    text = (tree / "seeds" / "000_73acca2f4bde7c0a.txt").read_text(encoding="utf-8")
    (tree / "seeds" / "000_73acca2f4bde7c0a.txt").unlink()
    (tree / "seeds" / "gbk_copy.txt").write_bytes(text.encode("gb18030"))
    assert build() == 0
    page = next((tree / "docs").rglob("gbk_copy.md")).read_text(encoding="utf-8")
    assert 'encoding: "gb18030"' in page and "石景山" in page


def test_manifest_values_win(tree):
    (tree / "seeds" / "meta.csv").write_text("file,pubDate,title,infoSource\n000_73acca2f4bde7c0a.txt,2022-06-02 08:00:00,清单标题,清单来源\n", encoding="utf-8")
    assert build() == 0
    page = next((tree / "docs").rglob("000_73acca2f4bde7c0a.md")).read_text(encoding="utf-8")
    assert 'title: "清单标题"' in page and "date: 2022-06-02" in page and 'source: "清单来源"' in page
    assert 'date_basis: "清单"' in page
    assert (tree / "docs" / "archive" / "000_73acca2f4bde7c0a.md").is_file(), "the path does not depend on the date"


def test_usage_errors_exit_2(tree):
    assert main(["build", "--seeds", "nowhere"]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2


def test_status_writes_nothing(tree, capsys):
    assert main(["status"]) == 0
    assert not (tree / "docs").exists()
    assert "written" in capsys.readouterr().out


def test_check_reports_broken_front_matter(tree, capsys):
    build()
    rel = report(tree)["seeds"][0]["page"]
    page = tree / "docs" / rel
    page.write_text(page.read_text(encoding="utf-8").replace("date: ", "date: 2020-02-30\n#", 1), encoding="utf-8")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert rel in out and "date" in out and "not a real date" in out


@pytest.mark.slow
def test_mkdocs_build_strict_passes(tree):
    assert build() == 0
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tree, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr
    assert not [line for line in result.stderr.splitlines() if line.startswith("WARNING")], result.stderr
    for index in ("index.html", "timeline/index.html", "districts/index.html", "sources/index.html", "tags/index.html"):
        assert (tree / "site" / index).is_file(), index
    html = next((tree / "site" / "archive").rglob("index.html")).read_text(encoding="utf-8")
    assert 'lang="zh"' in html and "fonts.googleapis.com" not in html


def test_seeds_golden(tree, golden):
    """The whole generated tree for the five seeds, reviewed."""
    assert build() == 0
    pages = list_pages(tree / "docs")
    golden("docs.list", "\n".join(pages) + "\n")
    for rel in pages:
        golden(f"docs/{rel}", (tree / "docs" / rel).read_text(encoding="utf-8"))


def test_byte_identical_seeds_make_one_page_with_both_provenances(tree):
    shutil.copy(tree / "seeds" / "000_73acca2f4bde7c0a.txt", tree / "seeds" / "zz_copy.txt")
    assert build() == 0
    outcomes = {Path(s["seed"]).name: s for s in report(tree)["seeds"]}
    assert outcomes["zz_copy.txt"]["outcome"] == "duplicate"
    assert "000_73acca2f4bde7c0a.txt" in outcomes["zz_copy.txt"]["reason"]
    page = (tree / "docs" / outcomes["000_73acca2f4bde7c0a.txt"]["page"]).read_text(encoding="utf-8")
    assert 'duplicate_seeds:\n  - "seeds/zz_copy.txt"' in page
    assert not list((tree / "docs").rglob("zz_copy.md"))


def test_near_identical_documents_link_each_other(tree):
    text = (tree / "seeds" / "000_73acca2f4bde7c0a.txt").read_text(encoding="utf-8")
    (tree / "seeds" / "repost.txt").write_text(text.replace("新京报讯", "海淀区融媒体中心讯"), encoding="utf-8")
    assert build() == 0
    original = next((tree / "docs").rglob("000_73acca2f4bde7c0a.md")).read_text(encoding="utf-8")
    repost = next((tree / "docs").rglob("repost.md")).read_text(encoding="utf-8")
    assert '!!! info "相同或相近的文档"' in original and "(repost.md)" in original
    assert "(000_73acca2f4bde7c0a.md)" in repost
    assert "(001_" not in original


def test_equal_names_in_different_folders_make_two_pages(tree):
    (tree / "seeds" / "a").mkdir()
    (tree / "seeds" / "b").mkdir()
    text = (tree / "seeds" / "001_eec9e63713adc293.txt").read_text(encoding="utf-8")
    (tree / "seeds" / "a" / "same.txt").write_text(text.replace("于军", "甲"), encoding="utf-8")
    (tree / "seeds" / "b" / "same.txt").write_text(text.replace("于军", "某某"), encoding="utf-8")
    assert build() == 0
    outcomes = {s["seed"]: s for s in report(tree)["seeds"]}
    assert outcomes["seeds/a/same.txt"]["page"] == "archive/a/same.md"
    assert outcomes["seeds/b/same.txt"]["page"] == "archive/b/same.md"
    assert outcomes["seeds/a/same.txt"]["outcome"] == outcomes["seeds/b/same.txt"]["outcome"] == "written"


def test_seeds_that_would_write_the_same_page_are_both_refused(tree):
    text = (tree / "seeds" / "001_eec9e63713adc293.txt").read_text(encoding="utf-8")
    (tree / "seeds" / "same.txt").write_text(text.replace("于军", "甲"), encoding="utf-8")
    (tree / "seeds" / "same.html").write_text("标题\n<p>" + text.replace("于军", "某某") + "</p>", encoding="utf-8")
    assert build() == 1
    outcomes = {s["seed"]: s for s in report(tree)["seeds"]}
    for mine, other in (("seeds/same.txt", "seeds/same.html"), ("seeds/same.html", "seeds/same.txt")):
        assert outcomes[mine]["outcome"] == "error"
        assert other in outcomes[mine]["problems"][-1] and "same page" in outcomes[mine]["problems"][-1]


def test_a_seed_added_beside_one_with_a_page_does_not_take_it(tree):
    assert build() == 0
    text = (tree / "seeds" / "001_eec9e63713adc293.txt").read_text(encoding="utf-8")
    (tree / "seeds" / "001_eec9e63713adc293.html").write_text("标题\n<p>" + text.replace("于军", "某某") + "</p>", encoding="utf-8")
    assert build() == 1
    outcomes = {s["seed"]: s for s in report(tree)["seeds"]}
    assert outcomes["seeds/001_eec9e63713adc293.txt"]["outcome"] == "unchanged"
    assert outcomes["seeds/001_eec9e63713adc293.html"]["outcome"] == "error"
