import datetime as dt

import pytest

from gen import manifest


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
