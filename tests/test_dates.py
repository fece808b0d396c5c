"""extract_date, resolve_article_date, the era table and the officials look-up: seeds, leads, year
inference, table errors."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gen.meta.dates import DEFAULT_SCOPE, cn_number, extract_date, find_lead_dates, infer_year, resolve_article_date
from gen.meta.officials import in_office, officials_named
from gen.model import Article, Masthead, Reading, paragraph
from gen.tables import Official, load_tables, parse_table

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
ERA_HEADER = "term,pattern,start,end,when,unless,note\n"


@pytest.fixture(scope="module")
def tables():
    return load_tables()


def wire(text: str, title: str | None = None) -> Reading:
    return Reading(kind="wire", title=title, articles=(Article(blocks=(paragraph(text),)),))


def seed_text(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def html_seed(prefix: str) -> Reading:
    """A crude stand-in for the HTML reader: title line, then one paragraph per <div>."""
    title, body = seed_text(prefix).split("\n", 1)
    paras = [re.sub(r"<[^>]+>", "", p).replace("&nbsp;", " ").strip(" \u3000") for p in body.split("</div>")]
    return Reading(kind="html", title=title.strip(),
                   articles=(Article(blocks=tuple(paragraph(p) for p in paras if p.strip())),))


def newspaper_seed(prefix: str, issue: dt.date) -> Reading:
    """A stand-in for the newspaper reader: the masthead as the reader would record it, the rest as body."""
    lines = seed_text(prefix).split("\n")
    body = [p.strip() for p in "\n".join(lines[20:]).split("\n\n") if p.strip()]
    masthead = Masthead(paper="石景山报", date=issue, date_text=f"{issue.year}年{issue.month}月{issue.day}日")
    return Reading(kind="newspaper", title=None, masthead=masthead,
                   articles=(Article(blocks=tuple(paragraph(p) for p in body)),))


# --- the five seeds -----------------------------------------------------------------------------

def test_extract_date_seed_000_inferred_from_omicron_and_zero_covid(tables):
    found = extract_date(wire(seed_text("000")), tables)
    assert found.value == dt.date(2022, 6, 1)
    assert found.basis.startswith("推断：")
    assert "奥密克戎" in found.basis and "动态清零" in found.basis


def test_extract_date_seed_001_inferred_from_level_three_response(tables):
    found = extract_date(html_seed("001"), tables)
    assert found.value == dt.date(2020, 7, 20)
    assert found.basis == "推断：应急响应三级（北京）"


def test_extract_date_seed_002_inferred_from_july_gaokao(tables):
    found = extract_date(html_seed("002"), tables)
    assert found.value == dt.date(2020, 7, 7)
    assert found.basis == "推断：高考（2020年7月）"


def test_extract_date_seed_003_masthead(tables):
    found = extract_date(newspaper_seed("003", dt.date(2020, 4, 16)), tables)
    assert found == type(found)(dt.date(2020, 4, 16), "报头")


def test_extract_date_seed_004_masthead(tables):
    found = extract_date(newspaper_seed("004", dt.date(2020, 2, 6)), tables)
    assert (found.value, found.basis) == (dt.date(2020, 2, 6), "报头")


# --- the lead -----------------------------------------------------------------------------------

def test_extract_date_full_date_in_lead(tables):
    found = extract_date(wire("2020年2月13日，北京市召开新闻发布会。"), tables)
    assert (found.value, found.basis) == (dt.date(2020, 2, 13), "正文")


def test_extract_date_full_date_out_of_scope_is_skipped(tables):
    assert extract_date(wire("2003年4月20日，北京通报非典疫情。"), tables) is None


def test_extract_date_statistics_window_to_24h_is_next_day(tables):
    found = extract_date(wire("2020年2月13日0时至24时，本市新增6例确诊病例。"), tables)
    assert found.value == dt.date(2020, 2, 14)
    assert "次日" in found.basis


def test_extract_date_statistics_until_24h_is_next_day(tables):
    found = extract_date(wire("截至2020年2月10日24时，累计报告确诊病例1例。"), tables)
    assert found.value == dt.date(2020, 2, 11)


def test_extract_date_window_ending_at_noon_is_same_day(tables):
    found = extract_date(wire("2020年2月3日0—12时，山东省报告新增确诊病例13例。"), tables)
    assert found.value == dt.date(2020, 2, 3)


def test_extract_date_today_in_brackets_wins(tables):
    text = "央视网消息（新闻联播）：国家卫生健康委今天（1月5日）通报，1月4日0—24时新增病例25例，奥密克戎…"
    found = extract_date(wire(text), tables)
    assert (found.value, found.basis) == (dt.date(2022, 1, 5), "推断：奥密克戎")


def test_extract_date_month_day_without_evidence_is_none(tables):
    assert extract_date(wire("6月1日，区委召开疫情防控工作会议。"), tables) is None


def test_extract_date_never_defaults_to_single_year_scope(tables):
    scope = (dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    assert extract_date(wire("6月1日，区委召开疫情防控工作会议。"), tables, scope=scope) is None


def test_extract_date_leap_day_is_decided_by_the_calendar(tables):
    found = extract_date(wire("2月29日，区委召开疫情防控工作会议。"), tables)
    assert (found.value, found.basis) == (dt.date(2020, 2, 29), "推断：闰日")


def test_extract_date_foreign_local_time_stops(tables):
    assert extract_date(wire("当地时间3月26日，英国新增新冠肺炎确诊病例。奥密克戎"), tables) is None


def test_extract_date_own_day_before_month_day_stops(tables):
    text = "21日，医院发布公告：医生于2020年2月8日去世。"
    assert extract_date(wire(text), tables) is None


def test_extract_date_date_after_first_sentence_is_not_the_lead(tables):
    text = "会议强调要做好防控工作。2020年2月7日，调查组成立。"
    assert extract_date(wire(text), tables) is None


def test_extract_date_start_of_period_is_skipped(tables):
    found = extract_date(wire("自2020年3月1日起，4月15日下午召开会议。"), tables)
    assert found is None or found.value != dt.date(2020, 3, 1)


def test_extract_date_stated_weekday_decides_the_year(tables):
    found = extract_date(wire("6月1日（星期三），区委召开会议。"), tables)
    assert (found.value, found.basis) == (dt.date(2022, 6, 1), "推断：星期")


def test_find_lead_dates_chinese_numerals():
    (mention,) = find_lead_dates("二〇二〇年四月十五日下午，区委常委会召开会议。")
    assert (mention.year, mention.month, mention.day) == (2020, 4, 15)


def test_cn_number_forms():
    assert [cn_number(x) for x in ("103", "九十九", "十三", "五十六", "二〇二〇", "１２", "x")] == [
        103, 99, 13, 56, 2020, 12, None]


# --- year inference -------------------------------------------------------------------------------

def test_infer_year_era_when_window_only_applies_inside(tables):
    # 高考 talk in June is not the July 2020 exam: no year decided.
    assert extract_date(wire("6月7日，高考考点严格落实防控措施。"), tables) is None


def test_infer_year_era_unless_exempts(tables):
    assert extract_date(wire("7月7日，上海高考考点严格落实防控措施。"), tables) is None


def test_infer_year_official_term_decides(tables):
    official = Official("海淀区", "区长", "王某", dt.date(2021, 3, 1), dt.date(2021, 12, 31), "2021-03", "2021-12")
    custom = dataclasses.replace(tables, officials=(official,))
    found = extract_date(wire("6月1日，区委副书记、区长王某主持会议。"), custom)
    assert (found.value, found.basis) == (dt.date(2021, 6, 1), "推断：王某（区长）")


def test_infer_year_official_unknown_bounds_are_ignored(tables):
    official = Official("海淀区", "区长", "王某", None, None, "?", "2021?")
    custom = dataclasses.replace(tables, officials=(official,))
    assert extract_date(wire("6月1日，区长王某主持会议。"), custom) is None


def test_infer_year_official_without_role_does_not_count(tables):
    official = Official("海淀区", "区长", "王某", dt.date(2021, 3, 1), dt.date(2021, 12, 31), "2021-03", "2021-12")
    custom = dataclasses.replace(tables, officials=(official,))
    assert extract_date(wire("6月1日，副区长王某主持会议。"), custom) is None


# --- officials ------------------------------------------------------------------------------------

WANG = Official("海淀区", "区长", "王某", dt.date(2021, 3, 1), dt.date(2021, 12, 31), "2021-03", "2021-12")


@pytest.mark.parametrize("text, named", [
    ("区委副书记、区长王某主持会议。", True),
    ("代区长王某主持会议。", True),
    ("副区长王某主持会议。", False),
    ("区长助理王某主持会议。", False),
    ("区长表示，王某主持会议。", False),  # the role is in another clause
])
def test_officials_named_needs_the_role_in_the_same_clause(text, named):
    assert officials_named(text, (WANG,)) == (((WANG,),) if named else ())


@pytest.mark.parametrize("first, last, expected", [
    (dt.date(2021, 12, 31), dt.date(2022, 1, 31), True),
    (dt.date(2022, 1, 1), dt.date(2022, 1, 31), False),
    (dt.date(2021, 1, 1), dt.date(2021, 2, 28), False),
])
def test_in_office_term_overlaps(first, last, expected):
    assert in_office(WANG, first, last) is expected


def test_in_office_open_ends_rule_nothing_out():
    unknown = dataclasses.replace(WANG, start=None, end=None)
    assert in_office(unknown, dt.date(1990, 1, 1), dt.date(1990, 1, 2))


# --- resolve_article_date -------------------------------------------------------------------------

@pytest.mark.parametrize("text, issue, expected", [
    ("4月15日下午", dt.date(2020, 4, 16), dt.date(2020, 4, 15)),
    ("4月16日", dt.date(2020, 4, 16), dt.date(2020, 4, 16)),
    ("12月30日", dt.date(2021, 1, 2), dt.date(2020, 12, 30)),
    ("2月29日", dt.date(2021, 3, 1), dt.date(2020, 2, 29)),
    ("2019年12月30日", dt.date(2020, 1, 2), dt.date(2019, 12, 30)),
    ("下午", dt.date(2020, 4, 16), None),
    ("2月30日", dt.date(2020, 4, 16), None),
])
def test_resolve_article_date(text, issue, expected):
    assert resolve_article_date(text, issue) == expected


# --- the era table ----------------------------------------------------------------------------------

def test_era_table_rows_all_have_notes_and_bounds(tables):
    assert tables.era
    for rule in tables.era:
        assert rule.note and (rule.start or rule.end)


def test_era_table_bad_date_names_file_line_field():
    text = ERA_HEADER + "奥密克戎,奥密克戎,2021-11-26,,,,ok\n德尔塔,德尔塔,2021/05/31,,,,bad\n"
    with pytest.raises(ValueError, match=r"gen/data/era\.csv:3: field 'start'.*2021/05/31"):
        parse_table("era", text)


def test_era_table_bad_regex_names_field():
    with pytest.raises(ValueError, match=r"era\.csv:2: field 'pattern'"):
        parse_table("era", ERA_HEADER + "x,(unclosed,2020-01-01,,,,note\n")


def test_era_table_bad_window_names_field():
    with pytest.raises(ValueError, match=r"era\.csv:2: field 'when'"):
        parse_table("era", ERA_HEADER + "x,x,2020-01-01,,07-01-07-31,,note\n")


def test_era_table_missing_note_is_an_error():
    with pytest.raises(ValueError, match=r"field 'note': is empty"):
        parse_table("era", ERA_HEADER + "x,x,2020-01-01,,,,\n")


# --- properties -------------------------------------------------------------------------------------

@given(issue=st.dates(dt.date(2019, 1, 1), dt.date(2030, 12, 31)), month=st.integers(1, 12), day=st.integers(1, 31))
def test_resolve_article_date_is_latest_same_day_not_after_issue(issue, month, day):
    resolved = resolve_article_date(f"{month}月{day}日下午", issue)
    if resolved is None:  # only impossible days have no date
        assert (month == 2 and day > 29) or day > 31 or (month in (4, 6, 9, 11) and day == 31)
        return
    assert (resolved.month, resolved.day) == (month, day)
    assert resolved <= issue
    assert issue - resolved < dt.timedelta(days=366 * 4 + 1)
    # no later year would also do
    later = resolved.replace(year=resolved.year + 1) if not (month == 2 and day == 29) else None
    assert later is None or later > issue


@given(st.integers(0, 9999))
def test_cn_number_round_trips_arabic(number):
    assert cn_number(str(number)) == number


def test_extract_date_yesterday_in_brackets_is_the_day_before(tables):
    found = extract_date(wire("央视网消息：昨天（5月11日），上海本土确诊病例出院432例。奥密克戎"), tables)
    assert (found.value, found.basis) == (dt.date(2022, 5, 12), "推断：奥密克戎；昨天，取次日")


# --- the path's window (gen/meta/filedate.py; the rules are tested in tests/test_filedate.py) ------

def test_infer_year_window_decides_and_is_reported(tables):
    window = (dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    assert infer_year(6, 1, "", tables, DEFAULT_SCOPE, window=window) == (dt.date(2021, 6, 1), ("文件名",))


def test_infer_year_window_with_a_single_year_scope_still_decides(tables):
    scope = window = (dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    assert infer_year(6, 1, "", tables, scope, window=window) == (dt.date(2020, 6, 1), ("文件名",))


def test_infer_year_window_and_era_term_disagree_leave_no_year(tables):
    window = (dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    day, used = infer_year(6, 1, "奥密克戎", tables, DEFAULT_SCOPE, window=window)
    assert day is None and used == ("文件名", "奥密克戎")
