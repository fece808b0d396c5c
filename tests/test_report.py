"""The run report: every seed accounted for, stable JSON, a short terminal summary; pure, but for
one build that checks what the report file says of the seeds."""

from __future__ import annotations

import json

from gen import sync
from gen.cli import main
from gen.model import Problem
from gen.report import SHOW_AT_MOST, Report, SeedOutcome


def _report(n_written: int = 2, dry_run: bool = False) -> Report:
    seeds = [SeedOutcome(f"seeds/{i}.txt", f"archive/{i}.md", sync.WRITE, "new page") for i in range(n_written)]
    seeds.append(SeedOutcome("seeds/bad.txt", None, "error", problems=(Problem("seeds/bad.txt", "is empty"),)))
    pages = [sync.Decision(f"archive/{i}.md", sync.WRITE, "new page") for i in range(n_written)]
    pages.append(sync.Decision("archive/kept.md", sync.UNCHANGED))
    return Report(seeds=seeds, pages=pages, problems=[Problem("seeds/index.csv", "matches no seed", line=3, severity="warning")], dry_run=dry_run)


def test_to_text_is_json_with_a_line_per_seed_and_counts():
    text = _report().to_text()
    data = json.loads(text)
    assert data["counts"] == {"error": 1, "written": 2}
    assert [s["seed"] for s in data["seeds"]] == ["seeds/0.txt", "seeds/1.txt", "seeds/bad.txt"]
    assert [p["page"] for p in data["pages"]] == ["archive/0.md", "archive/1.md"], "unchanged pages are left out"
    assert data["problems"] == ["seeds/index.csv:3: warning: matches no seed"]
    assert sum(1 for line in text.splitlines() if '"seed":"seeds/' in line) == 3, "one line per seed"


def test_errors_and_warnings_are_gathered_from_seeds_and_the_run():
    r = _report()
    assert [str(p) for p in r.errors] == ["seeds/bad.txt: error: is empty"]
    assert [p.field for p in r.warnings] == [None] and r.warnings[0].line == 3 and not r.conflicts


def test_summary_counts_and_says_a_dry_run_changed_nothing():
    lines = _report(dry_run=True).summary().splitlines()
    assert lines[0].startswith("nothing was changed")
    assert lines[-1] == "3 seeds: 1 error, 2 written; 2 pages would be written; 0 conflicts, 1 errors, 1 warnings"
    assert not _report().summary().startswith("nothing was changed")


def test_summary_of_a_large_run_shows_counts_not_every_new_page():
    lines = _report(n_written=SHOW_AT_MOST + 5).summary().splitlines()
    assert not any(line.strip().startswith("written") for line in lines)
    assert lines[-1].startswith(f"{SHOW_AT_MOST + 6} seeds:")


def test_to_json_counts_what_a_reader_normalised_only_where_it_did():
    seeds = [SeedOutcome("seeds/a.txt", "archive/a.md", sync.WRITE, "new page", normalised=(("punctuation", 124),)),
             SeedOutcome("seeds/b.txt", "archive/b.md", sync.WRITE, "new page")]
    report = Report(seeds=seeds, pages=[], problems=[])
    a, b = report.to_json()["seeds"]
    assert list(a) == ["seed", "page", "outcome", "reason", "problems", "normalised"] and a["normalised"] == {"punctuation": 124}
    assert list(b) == ["seed", "page", "outcome", "reason", "problems"]
    assert not report.warnings, "a routine repair is no warning"
    assert '"normalised":{"punctuation":124}' in report.to_text()


def test_build_report_counts_the_newspaper_punctuation_made_full_width(project):
    assert main(["build", "--strict"]) == 0, "a routine repair must not fail --strict"
    data = json.loads((project / "build" / "report.json").read_text(encoding="utf-8"))
    normalised = {s["seed"]: s["normalised"] for s in data["seeds"] if "normalised" in s}
    assert normalised == {"seeds/003_17d5a1e15a32e4e6.txt": {"punctuation": 124}, "seeds/004_487f552e651a47cf.txt": {"punctuation": 130}}
    assert main(["build"]) == 0  # recalled from the cache, the count is reported again
    data = json.loads((project / "build" / "report.json").read_text(encoding="utf-8"))
    assert sum("normalised" in s for s in data["seeds"]) == 2
