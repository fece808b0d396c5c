import csv
import datetime as dt
import io
import time
from pathlib import PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gen import manifest
from gen.meta.dates import DEFAULT_SCOPE


def test_read_manifest_default_column_names():
    text = "\ufefffile,pubDate,title,infoSource,sourceUrl\ndocs/a.txt,2020-03-27 15:17:56,标题,央视新闻app,http://x\n"
    entries, problems = manifest.read_manifest(text, "m.csv")
    assert problems == []
    (e,) = entries
    assert (e.file, e.date, e.title, e.source, e.url, e.line) == ("docs/a.txt", dt.date(2020, 3, 27), "标题", "央视新闻app", "http://x", 2)


def test_read_manifest_named_columns():
    text = "文件名,发布\na.txt,2021年5月6日\n"
    entries, problems = manifest.read_manifest(text, "m.csv", manifest.parse_columns("file=文件名,date=发布"))
    assert problems == [] and entries[0].date == dt.date(2021, 5, 6)


def test_read_manifest_reports_bad_dates_and_missing_columns():
    entries, problems = manifest.read_manifest("file,date\na.txt,2020-02-30\nb.txt,soon\n", "m.csv")
    assert [(p.line, p.field) for p in problems] == [(2, "date"), (3, "date")]
    assert all(e.date is None for e in entries)
    _, problems = manifest.read_manifest("name,date\na,2020-01-01\n", "m.csv")
    assert "no file column" in problems[0].message


def test_parse_columns_rejects_unknown_fields():
    with pytest.raises(ValueError, match="unknown field"):
        manifest.parse_columns("colour=x")


def test_lookup_by_relative_path_then_unique_name():
    entries, _ = manifest.read_manifest("file,date\ndocs/a.txt,2020-01-01\nother/b.txt,2020-01-02\n", "m.csv")
    tables = [manifest.index_entries(entries, "/corpus/dxy")]
    assert manifest.lookup("/corpus/dxy/docs/a.txt", tables).date == dt.date(2020, 1, 1)
    assert manifest.lookup("/elsewhere/b.txt", tables).date == dt.date(2020, 1, 2)
    assert manifest.lookup("/elsewhere/c.txt", tables) is None


FIRST, LAST = DEFAULT_SCOPE  # the archive's period


def _index(text: str, manifest_dir: str = "/corpus/dxy", path: str = "m.csv") -> manifest.ManifestIndex:
    entries, problems = manifest.read_manifest(text, path)
    assert problems == []
    return manifest.index_entries(entries, manifest_dir)


def test_read_manifest_reports_dates_outside_the_archive_period():
    text = "file,date,title\na.txt,1900-01-01,甲\nb.txt,2099-05-05,乙\nc.txt,2020-05-05,丙\n"
    entries, problems = manifest.read_manifest(text, "seeds/index.csv")
    assert [(p.line, p.field, p.severity) for p in problems] == [(2, "date", "error"), (3, "date", "error")]
    assert str(problems[0]) == (
        f"seeds/index.csv:2: error: date: date '1900-01-01' is outside the archive's period ({FIRST} to {LAST}); not used"
    )
    assert [(e.file, e.date, e.title) for e in entries] == [
        ("a.txt", None, "甲"), ("b.txt", None, "乙"), ("c.txt", dt.date(2020, 5, 5), "丙"),
    ]


def test_read_manifest_period_includes_its_first_and_last_day():
    day = dt.timedelta(days=1)
    rows = [FIRST - day, FIRST, LAST, LAST + day]
    text = "file,date\n" + "".join(f"{i}.txt,{d.isoformat()}\n" for i, d in enumerate(rows))
    entries, problems = manifest.read_manifest(text, "m.csv")
    assert [p.line for p in problems] == [2, 5]
    assert [e.date for e in entries] == [None, FIRST, LAST, None]


def test_read_manifest_reports_rows_without_a_file():
    entries, problems = manifest.read_manifest("file,title\n,标题\na.txt,乙\n", "m.csv")
    assert [(p.line, p.field, p.severity) for p in problems] == [(2, "file", "warning")]
    assert [e.file for e in entries] == ["a.txt"]


def test_index_entries_conflicting_rows_are_all_reported_and_none_used():
    index = _index("file,date,title\ndocs/a.txt,2020-01-01,甲\ndocs/b.txt,2020-01-02,乙\n./docs/a.txt,2020-01-03,甲\n")
    assert [(p.line, p.field, p.severity) for p in index.problems] == [(2, "file", "error"), (4, "file", "error")]
    assert "line 4 on date" in index.problems[0].message and "line 2 on date" in index.problems[1].message
    assert manifest.lookup("/corpus/dxy/docs/a.txt", [index]) is None
    assert manifest.lookup("/elsewhere/a.txt", [index]) is None
    assert manifest.lookup("/corpus/dxy/docs/b.txt", [index]).line == 3


def test_index_entries_conflict_names_every_other_row_and_field():
    index = _index("file,date,title\na.txt,2020-01-01,甲\na.txt,2020-01-01,甲\na.txt,2020-01-01,乙\n")
    assert [p.message for p in index.problems] == [
        "'a.txt' disagrees with lines 3, 4 on title; no row for this file is used",
        "'a.txt' disagrees with lines 2, 4 on title; no row for this file is used",
        "'a.txt' disagrees with lines 2, 3 on title; no row for this file is used",
    ]


def test_index_entries_identical_repeats_are_used_once():
    index = _index("file,date\ndocs/a.txt,2020-01-01\ndocs/./a.txt,2020-01-01\n")
    assert [(p.line, p.severity, p.message) for p in index.problems] == [(3, "warning", "'docs/./a.txt' repeats line 2; used once")]
    assert manifest.lookup("/corpus/dxy/docs/a.txt", [index]).line == 2
    assert manifest.lookup("/elsewhere/a.txt", [index]).line == 2  # one file, so its bare name is not ambiguous


def test_index_entries_bare_name_in_several_folders_matches_by_path_only():
    index = _index("file,date\na/x.txt,2020-01-01\nb/x.txt,2020-01-02\n")
    assert index.problems == () and "x.txt" not in index.by_name
    assert [e.line for e in index.ambiguous["x.txt"]] == [2, 3]
    assert manifest.lookup("/corpus/dxy/b/x.txt", [index]).line == 3
    assert manifest.lookup("/elsewhere/x.txt", [index]) is None


def test_unmatched_reports_rows_no_seed_matches():
    index = _index("file,date\ndxy_1.txt,2020-01-01\ndocs/dxy_2.txt,2020-01-02\ndxy_9999.txt,2020-01-03\n", "/p/seeds", "seeds/index.csv")
    problems = manifest.unmatched([index], ["/p/seeds/x/dxy_1.txt", "/p/seeds/docs/dxy_2.txt"])
    assert [str(p) for p in problems] == ["seeds/index.csv:4: warning: file: 'dxy_9999.txt' matches no seed"]


def test_unmatched_path_typo_is_reported_when_no_seed_has_the_name():
    index = _index("file\ndocs/dxy_1.txt\ndcos/dxy_2.txt\n", "/p/seeds")
    problems = manifest.unmatched([index], ["/p/seeds/docs/dxy_1.txt", "/p/seeds/docs/dxy_3.txt"])
    assert [(p.line, p.message) for p in problems] == [(3, "'dcos/dxy_2.txt' matches no seed")]


def test_unmatched_ambiguous_name_reported_unless_matched_by_path():
    index = _index("file\na/x.txt\nb/x.txt\nc/x.txt\n", "/p")
    assert manifest.unmatched([index], ["/p/a/x.txt", "/p/b/x.txt", "/p/c/x.txt"]) == []
    problems = manifest.unmatched([index], ["/p/a/x.txt", "/p/elsewhere/x.txt"])
    assert [(p.line, p.severity) for p in problems] == [(3, "warning"), (4, "warning")]
    assert problems[0].message == (
        "'b/x.txt' matches no seed by its path, and its name is ambiguous (also lines 2, 4), "
        "so a seed named 'x.txt' elsewhere is not matched"
    )


def test_unmatched_ambiguous_name_whose_only_seed_is_taken_by_path_matches_no_seed():
    index = _index("file\na/x.txt\nb/x.txt\n", "/p")
    problems = manifest.unmatched([index], ["/p/a/x.txt"])
    assert [(p.line, p.message) for p in problems] == [(3, "'b/x.txt' matches no seed")]


def test_unmatched_counts_conflicting_rows_as_matched():
    index = manifest.index_entries(manifest.read_manifest("file,date\na.txt,2020-01-01\na.txt,2020-01-02\n", "m.csv")[0], "/p")
    assert len(index.problems) == 2
    assert manifest.unmatched([index], ["/p/a.txt"]) == []


def test_unmatched_each_manifest_on_its_own():
    first, second = _index("file\nx.txt\n", "/p/one"), _index("file\ny.txt\n", "/p/two")
    problems = manifest.unmatched([first, second], ["/p/one/x.txt"])
    assert [(p.path, p.line) for p in problems] == [("m.csv", 2)]
    assert problems[0].message == "'y.txt' matches no seed"


@pytest.mark.slow
def test_unmatched_is_linear_in_rows_and_seeds():
    n = 100_000
    entries = [manifest.Entry("m.csv", i + 2, f"d{i % 97}/f{i}.txt") for i in range(n)]
    index = manifest.index_entries(entries, "/p")
    seeds = [f"/p/d{i % 97}/f{i}.txt" for i in range(0, n, 2)] + [f"/p/other/g{i}.txt" for i in range(n // 2)]
    started = time.perf_counter()
    problems = manifest.unmatched([index], seeds)
    assert len(problems) == n // 2
    assert time.perf_counter() - started < 10  # a loop over rows × seeds would take hours


def _index_before(entries: list[manifest.Entry], manifest_dir: str) -> tuple[dict, dict]:
    """index_entries as it was before conflicts were reported: the reference for clean manifests."""
    by_path, by_name = {}, {}
    for entry in entries:
        by_path[manifest._normal(f"{manifest_dir}/{entry.file}")] = entry
        by_name.setdefault(PurePosixPath(entry.file).name, []).append(entry)
    return by_path, {name: es[0] for name, es in by_name.items() if len(es) == 1}


_DAYS = st.dates(min_value=FIRST, max_value=LAST)
_ROWS = st.lists(
    st.tuples(st.sampled_from(["", "docs/", "a/b/"]), st.integers(0, 12), _DAYS, st.text(alphabet="标题新闻ab", max_size=4)),
    unique_by=lambda r: (r[0], r[1]),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(_ROWS)
def test_index_entries_clean_manifest_gives_the_entries_it_gave_before(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["file", "date", "title"])
    writer.writerows([f"{folder}dxy_{n}.txt", day.isoformat(), title] for folder, n, day, title in rows)
    entries, problems = manifest.read_manifest(out.getvalue(), "m.csv")
    assert problems == []
    assert [(e.file, e.date, e.title) for e in entries] == [(f"{f}dxy_{n}.txt", d, t or None) for f, n, d, t in rows]
    index = manifest.index_entries(entries, "/corpus/x")
    assert index.problems == ()
    assert (dict(index.by_path), dict(index.by_name)) == _index_before(entries, "/corpus/x")
    seeds = [f"/corpus/x/{e.file}" for e in entries]
    assert manifest.unmatched([index], seeds) == []
    assert [manifest.lookup(s, [index]) for s in seeds] == entries
