"""extract_path_date (dates in the seed's path) and how decide_date weighs them against the text."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gen.document import make_document
from gen.manifest import Entry
from gen.meta.dates import DEFAULT_SCOPE, PATH_TOLERANCE, Dating, decide_date
from gen.meta.filedate import PathDate, extract_path_date
from gen.model import Article, Masthead, Reading, Seed, paragraph
from gen.tables import load_tables

D = dt.date


@pytest.fixture(scope="module")
def tables():
    return load_tables()


def wire(text: str) -> Reading:
    return Reading(kind="wire", title=None, articles=(Article(blocks=(paragraph(text),)),))


def path(rel: str) -> PathDate:
    found, warnings = extract_path_date(rel)
    assert found is not None and warnings == (), (rel, found, warnings)
    return found


def day_of(rel: str) -> D | None:
    return path(rel).day


# --- extract_path_date: full dates in the file name ---------------------------------------------------

@pytest.mark.parametrize("rel", [
    "2020-03-15_x.txt", "2020_03_15_x.txt", "2020.03.15.txt", "2020-3-15.txt", "xwlb_20200315_01.html",
    "20200315.json", "2020年3月15日通报.txt", "北京 2020 年 3 月 15 日.txt", "２０２０年３月１５日.txt",
    "cctv-xwlb/items/2020/xwlb_20200315_01.html",
])
def test_extract_path_date_full_date_in_the_file_name(rel):
    assert day_of(rel) == D(2020, 3, 15)


def test_extract_path_date_where_names_the_words():
    assert path("xwlb_20200315_01.html").where == "20200315"


@pytest.mark.parametrize("rel", [
    "doc_20201345.txt",  # an 8-digit run that is no real date is a number
    "doc_20200230.txt",
    "12345678.txt",
    "202003150001.txt",  # a longer digit run is not a date either
    "x_2020-02-30.txt",
    "003_17d5a1e15a32e4e6.txt",
    "dxy_17335.txt",
    "dxy_2020.txt",  # a year in a file name is too often a number
])
def test_extract_path_date_non_date_number_is_no_date(rel):
    assert extract_path_date(rel) == (None, ())


@pytest.mark.parametrize("rel", ["20180315.txt", "2023-01-05_x.txt", "2019-11-30.txt", "2018/a.txt", "2023/01/a.txt"])
def test_extract_path_date_outside_the_period_is_no_date(rel):
    assert extract_path_date(rel) == (None, ())


def test_extract_path_date_first_day_of_the_period_counts():
    assert day_of("2019-12-01.txt") == DEFAULT_SCOPE[0]


# --- extract_path_date: folders -------------------------------------------------------------------------

@pytest.mark.parametrize("rel", ["2020/03/a.txt", "2020/3/a.txt", "2020/3月/a.txt", "2020-03/a.txt", "202003/a.txt",
                                 "2020年3月/a.txt", "区报/2020/03/a.txt"])
def test_extract_path_date_folder_year_and_month(rel):
    found = path(rel)
    assert (found.first, found.last) == (D(2020, 3, 1), D(2020, 3, 31))


def test_extract_path_date_folder_year_alone():
    found = path("2021/a.txt")
    assert (found.first, found.last, found.where) == (D(2021, 1, 1), D(2021, 12, 31), "2021/")


def test_extract_path_date_folder_year_clipped_to_the_period():
    found = path("2019/a.txt")
    assert (found.first, found.last) == (D(2019, 12, 1), D(2019, 12, 31))


def test_extract_path_date_folder_year_month_and_day():
    assert day_of("2020/03/15/a.txt") == D(2020, 3, 15)


def test_extract_path_date_folder_full_date():
    assert day_of("2020-03-15/a.txt") == D(2020, 3, 15)


def test_extract_path_date_folder_year_with_file_name_month_day():
    found = path("2020/3月15日通报.txt")
    assert (found.day, found.where) == (D(2020, 3, 15), "2020/ + 3月15日")


def test_extract_path_date_folder_month_with_file_name_month_day():
    assert day_of("2020/03/3月15日通报.txt") == D(2020, 3, 15)


def test_extract_path_date_file_name_month_day_without_year_is_no_date():
    assert extract_path_date("区报/3月15日通报.txt") == (None, ())


def test_extract_path_date_month_folder_without_year_is_no_date():
    assert extract_path_date("03/a.txt") == (None, ())


def test_extract_path_date_not_a_month_folder_keeps_the_year():
    found = path("2020/13/a.txt")
    assert (found.first, found.last) == (D(2020, 1, 1), D(2020, 12, 31))


def test_extract_path_date_numbered_folder_is_not_a_year():
    assert extract_path_date("batch2020/a.txt") == (None, ())


def test_extract_path_date_same_date_twice_agrees():
    assert day_of("2020/03/20200315.txt") == D(2020, 3, 15)


# --- extract_path_date: disagreement ---------------------------------------------------------------------

def test_extract_path_date_folder_and_file_name_disagree_warns():
    found, warnings = extract_path_date("2021/20200315.txt")
    assert found is None
    (warning,) = warnings
    assert "2020-03-15 ('20200315')" in warning and "2021-01-01…2021-12-31 ('2021/')" in warning


def test_extract_path_date_two_days_in_the_file_name_warn():
    found, warnings = extract_path_date("20200301-20200331.txt")
    assert found is None and len(warnings) == 1
    assert "2020-03-01" in warnings[0] and "2020-03-31" in warnings[0]


def test_extract_path_date_folder_month_and_file_name_disagree_warns():
    found, warnings = extract_path_date("2020/04/2020-03-15.txt")
    assert found is None and "2020/04/" in warnings[0]


@given(st.dates(DEFAULT_SCOPE[0], DEFAULT_SCOPE[1]), st.integers(0, 99))
def test_extract_path_date_any_day_of_the_period_round_trips(day, n):
    assert extract_path_date(f"{day.year}/xwlb_{day:%Y%m%d}_{n:02d}.html")[0].day == day


@given(st.integers(10_000_000, 99_999_999))
def test_extract_path_date_eight_digits_are_a_day_only_when_real_and_in_the_period(number):
    text = str(number)
    try:
        real = D(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        real = None
    expected = real if real and DEFAULT_SCOPE[0] <= real <= DEFAULT_SCOPE[1] else None
    found, warnings = extract_path_date(f"x_{text}.txt")
    assert (found.day if found else None, warnings) == (expected, ())


# --- decide_date: the path against the text ----------------------------------------------------------------

def test_decide_date_path_alone(tables):
    dating = decide_date(wire("区委召开疫情防控工作会议。"), tables, path=path("xwlb_20200315_01.html"))
    assert (dating.found.value, dating.found.basis, dating.warnings) == (D(2020, 3, 15), "文件名", ())


def test_decide_date_path_month_alone_is_no_date(tables):
    assert decide_date(wire("区委召开疫情防控工作会议。"), tables, path=path("2020/03/a.txt")).found is None


def test_decide_date_path_alone_ruled_out_by_an_era_term_warns(tables):
    dating = decide_date(wire("区委部署奥密克戎变异株防控工作。"), tables, path=path("20200315.txt"))
    assert dating.found is None
    assert "2020-03-15 ('20200315')" in dating.warnings[0] and "奥密克戎" in dating.warnings[0]


def test_decide_date_text_full_date_agreeing_with_the_path_is_the_text(tables):
    found = decide_date(wire("2020年3月15日，区委召开会议。"), tables, path=path("20200315.txt")).found
    assert (found.value, found.basis) == (D(2020, 3, 15), "正文")


def test_decide_date_text_full_date_inside_the_folder_month(tables):
    found = decide_date(wire("2020年3月15日，区委召开会议。"), tables, path=path("2020/03/a.txt")).found
    assert (found.value, found.basis) == (D(2020, 3, 15), "正文")


def test_decide_date_text_full_date_days_before_the_file_name_takes_the_file_name(tables):
    found = decide_date(wire("2020年3月12日，区委召开会议。"), tables, path=path("20200315.txt")).found
    assert (found.value, found.basis) == (D(2020, 3, 15), "文件名")
    assert PATH_TOLERANCE == dt.timedelta(days=3)


def test_decide_date_text_full_date_far_from_the_file_name_abstains_and_warns(tables):
    dating = decide_date(wire("2020年3月1日，区委召开会议。"), tables, path=path("xwlb_20200315_01.html"))
    assert dating.found is None
    (warning,) = dating.warnings
    assert "'2020年3月1日' (2020-03-01)" in warning and "2020-03-15 ('20200315')" in warning
    assert "by 14 days (at most 3 allowed)" in warning


def test_decide_date_text_full_date_outside_the_folder_year_abstains_and_warns(tables):
    dating = decide_date(wire("2020年12月31日，区委召开会议。"), tables, path=path("2021/a.txt"))
    assert dating.found is None and "2020-12-31" in dating.warnings[0] and "'2021/'" in dating.warnings[0]


def test_decide_date_month_day_with_the_file_name_year(tables):
    found = decide_date(wire("3月15日，区委召开会议。"), tables, path=path("xwlb_20200315_01.html")).found
    assert (found.value, found.basis) == (D(2020, 3, 15), "正文+文件名")


def test_decide_date_month_day_a_day_before_the_file_name_takes_the_file_name(tables):
    found = decide_date(wire("3月14日，区委召开会议。"), tables, path=path("xwlb_20200315_01.html")).found
    assert (found.value, found.basis) == (D(2020, 3, 15), "文件名")


def test_decide_date_month_day_across_new_year_near_the_file_name(tables):
    found = decide_date(wire("12月31日，区委召开会议。"), tables, path=path("20210101.txt")).found
    assert (found.value, found.basis) == (D(2021, 1, 1), "文件名")


def test_decide_date_month_day_far_from_the_file_name_abstains_and_warns(tables):
    dating = decide_date(wire("3月1日，区委召开会议。"), tables, path=path("xwlb_20200315_01.html"))
    assert dating.found is None
    assert "'3月1日' (2020-03-01)" in dating.warnings[0] and "by 14 days" in dating.warnings[0]


def test_decide_date_month_day_yesterday_shifted_then_checked(tables):
    found = decide_date(wire("昨天（3月14日），区委召开会议。"), tables, path=path("20200315.txt")).found
    assert (found.value, found.basis) == (D(2020, 3, 15), "正文+文件名；昨天，取次日")


def test_decide_date_month_day_with_a_folder_year(tables):
    found = decide_date(wire("6月1日，区委召开会议。"), tables, path=path("2021/a.txt")).found
    assert (found.value, found.basis) == (D(2021, 6, 1), "正文+文件名")


def test_decide_date_month_day_inside_the_folder_month(tables):
    found = decide_date(wire("3月20日，区委召开会议。"), tables, path=path("2020/03/a.txt")).found
    assert (found.value, found.basis) == (D(2020, 3, 20), "正文+文件名")


def test_decide_date_month_day_outside_the_folder_month_abstains_and_warns(tables):
    dating = decide_date(wire("6月1日，区委召开会议。"), tables, path=path("2020/03/a.txt"))
    assert dating.found is None and "'6月1日'" in dating.warnings[0] and "'2020/03/'" in dating.warnings[0]


def test_decide_date_month_day_just_before_the_folder_month_abstains_and_warns(tables):
    # The lead's 2月29日 is near a March document, but which day of March is unknown.
    dating = decide_date(wire("2月29日，区委召开会议。"), tables, path=path("2020/03/a.txt"))
    assert dating.found is None and "2020-02-29" in dating.warnings[0]


def test_decide_date_month_day_at_the_year_turn_is_undecided(tables):
    # In 2021/, 12月30日 is 2021-12-30, or 2020-12-30 told in the first days of 2021.
    assert decide_date(wire("12月30日，区委召开会议。"), tables, path=path("2021/a.txt")) == Dating(None)


def test_decide_date_month_day_at_the_year_turn_decided_by_the_weekday(tables):
    found = decide_date(wire("12月30日（星期四），区委召开会议。"), tables, path=path("2021/a.txt")).found
    assert (found.value, found.basis) == (D(2021, 12, 30), "推断：文件名、星期")


def test_decide_date_month_day_of_the_year_before_the_folder_abstains_and_warns(tables):
    dating = decide_date(wire("12月30日（星期三），区委召开会议。"), tables, path=path("2021/a.txt"))
    assert dating.found is None and "2020-12-30" in dating.warnings[0]


def test_decide_date_month_day_year_ruled_out_by_an_era_term_warns(tables):
    dating = decide_date(wire("6月1日，区委部署奥密克戎变异株防控工作。"), tables, path=path("2020/a.txt"))
    assert dating.found is None and "奥密克戎" in dating.warnings[0] and "'2020/'" in dating.warnings[0]


def test_decide_date_masthead_agreeing_with_the_path(tables):
    reading = Reading(kind="newspaper", title=None, articles=(),
                      masthead=Masthead(paper="石景山报", date=D(2020, 4, 16), date_text="2020年4月16日"))
    assert decide_date(reading, tables, path=path("2020/04/石景山报.txt")).found.basis == "报头"


def test_decide_date_masthead_disagreeing_with_the_file_name_abstains_and_warns(tables):
    reading = Reading(kind="newspaper", title=None, articles=(),
                      masthead=Masthead(paper="石景山报", date=D(2020, 4, 16), date_text="2020年4月16日"))
    dating = decide_date(reading, tables, path=path("石景山报_20200417.txt"))
    assert dating.found is None
    assert "masthead's 2020-04-16" in dating.warnings[0] and "2020-04-17 ('20200417')" in dating.warnings[0]


def test_decide_date_without_a_path_is_as_before(tables):
    assert decide_date(wire("3月15日，区委召开会议。"), tables) == Dating(None)


# --- make_document: the seed's path, the warnings, the manifest --------------------------------------------

def seed(rel: str, text: str, path: str | None = None) -> Seed:
    return Seed(path=path or f"seeds/{rel}", stem="x", sha256="", encoding="utf-8", text=text, rel=rel)


def test_make_document_date_from_the_seed_path(tables):
    s = seed("2020/xwlb_20200315_01.html", "区委召开疫情防控工作会议。")
    doc = make_document(s, wire(s.text), None, tables)
    assert (doc.date, doc.date_basis, doc.warnings) == (D(2020, 3, 15), "文件名", ())


def test_make_document_disagreement_reaches_the_warnings(tables):
    s = seed("20200315.txt", "2020年3月1日，区委召开会议。")
    doc = make_document(s, wire(s.text), None, tables)
    assert doc.date is None
    assert [w for w in doc.warnings if "date" in w] == [
        "date: the text's '2020年3月1日' (2020-03-01) and the file path's 2020-03-15 ('20200315') disagree by 14 days "
        "(at most 3 allowed); no date is given"]


def test_make_document_path_conflict_reaches_the_warnings(tables):
    s = seed("2021/20200315.txt", "区委召开疫情防控工作会议。")
    doc = make_document(s, wire(s.text), None, tables)
    assert doc.date is None and any("2021/" in w and "20200315" in w for w in doc.warnings)


def test_make_document_manifest_date_wins_without_path_warnings(tables):
    s = seed("20200315.txt", "2020年3月1日，区委召开会议。")
    entry = Entry(manifest="m.csv", line=2, file="20200315.txt", date=D(2020, 3, 2))
    doc = make_document(s, wire(s.text), entry, tables)
    assert (doc.date, doc.date_basis) == (D(2020, 3, 2), "清单")
    assert not [w for w in doc.warnings if "date" in w]


def test_make_document_without_rel_reads_the_file_name_only(tables):
    # Folders above the seeds folder say nothing: only the file name of the shown path is read.
    s = seed("", "区委召开疫情防控工作会议。", path="/home/u/2021/project/seeds/20200315.txt")
    doc = make_document(s, wire(s.text), None, tables)
    assert (doc.date, doc.date_basis) == (D(2020, 3, 15), "文件名")


def test_extract_path_date_folder_year_before_the_period_with_file_name_month_day():
    # 2019/ counts for December 2019 only: its 3月15日 lies outside the archive's period, not a day.
    found = path("2019/3月15日.txt")
    assert (found.first, found.last, found.where) == (D(2019, 12, 1), D(2019, 12, 31), "2019/")
    assert day_of("2019/12月15日.txt") == D(2019, 12, 15)


def test_extract_path_date_empty_path_is_no_date():
    assert extract_path_date("") == (None, ())
