"""extract_source and the sources table."""

from __future__ import annotations

import datetime as dt

import pytest

from gen.meta.source import extract_source
from gen.model import Article, Masthead, Reading, paragraph
from gen.tables import load_tables, parse_table
from tests.test_dates import html_seed, newspaper_seed, seed_text, wire

SOURCES_HEADER = "name,id,pattern,where,district,note\n"


@pytest.fixture(scope="module")
def tables():
    return load_tables()


def source(reading: Reading, tables) -> tuple[str | None, str | None]:
    found = extract_source(reading, tables)
    return (found.value, found.basis) if found else (None, None)


def test_extract_source_seed_000_dateline(tables):
    assert source(wire(seed_text("000")), tables) == ("新京报", "电头：新京报讯")


@pytest.mark.parametrize("prefix", ["001", "002"])
def test_extract_source_seed_html_states_no_publisher(tables, prefix):
    assert source(html_seed(prefix), tables) == (None, None)


@pytest.mark.parametrize("prefix, issue", [("003", dt.date(2020, 4, 16)), ("004", dt.date(2020, 2, 6))])
def test_extract_source_seed_newspaper_masthead(tables, prefix, issue):
    assert source(newspaper_seed(prefix, issue), tables) == ("石景山报", "报头")


def test_extract_source_cctv_dateline(tables):
    assert source(wire("央视网消息（新闻联播）：今天（6月23日），国务院联防联控机制召开发布会。"), tables)[0] == "央视网"


def test_extract_source_xinhua_dispatch_relayed(tables):
    assert source(wire("据新华社北京2月1日电 国家卫生健康委今天通报。"), tables)[0] == "新华社"


def test_extract_source_relay_without_dispatch_is_not_the_publisher(tables):
    assert source(wire("据新华社，2月14日，新型冠状病毒全球研究与创新论坛闭幕。"), tables) == (None, None)


def test_extract_source_health_commission_prefix(tables):
    assert source(wire("重庆市卫健委：1月22日12—24时，重庆市报告新增确诊病例3例。"), tables) == (
        "重庆卫健委", "电头：重庆市卫健委:")


def test_extract_source_beijing_health_commission_prefix(tables):
    assert source(wire("北京市卫健委消息，1月26日18时至21时，北京新增5例。"), tables)[0] == "北京卫健委"


def test_extract_source_according_to_health_commission_is_a_relay(tables):
    assert source(wire("据北京市卫健委通报，3月7日0时至24时，北京新增2例。"), tables) == (None, None)


def test_extract_source_closing_credit(tables):
    text = "钻石公主号邮轮上又有2名新冠肺炎患者死亡。（人民日报记者刘军国）"
    assert source(wire(text), tables) == ("人民日报", "署名：(人民日报记者刘军国)")


def test_extract_source_this_paper_needs_a_masthead(tables):
    assert source(wire("本报讯(通讯员石伟)4月15日下午，区委常委会召开会议。"), tables) == (None, None)
    reading = Reading(kind="newspaper", title=None,
                      articles=(Article(blocks=(paragraph("本报讯(通讯员石伟)4月15日下午，区委常委会召开会议。"),)),),
                      masthead=Masthead(paper="石景山报", date=dt.date(2020, 4, 16), date_text=None))
    assert source(reading, tables) == ("石景山报", "报头")


def test_extract_source_absent(tables):
    assert source(wire("2月2日，四川省新增确诊病例23例。"), tables) == (None, None)


def test_extract_source_earliest_statement_wins(tables):
    assert source(wire("新京报讯 据北京日报客户端消息，6月1日…"), tables)[0] == "新京报"


def test_sources_table_ids_are_unique_ascii(tables):
    ids = [rule.id for rule in tables.sources]
    assert len(ids) == len(set(ids))
    assert all(i.isascii() for i in ids)


def test_sources_table_district_outlets_name_real_districts(tables):
    names = {d.name for d in tables.districts} | {"北京市"}
    assert all(rule.district in names for rule in tables.sources if rule.district)


def test_sources_table_place_template_needs_its_group():
    text = SOURCES_HEADER + "{place}卫健委,x,卫健委：,lead,,note\n"
    with pytest.raises(ValueError, match=r"sources\.csv:2: field 'pattern'.*place"):
        parse_table("sources", text)


def test_sources_table_bad_slug():
    with pytest.raises(ValueError, match=r"sources\.csv:2: field 'id'"):
        parse_table("sources", SOURCES_HEADER + "新京报,Xin Jing,新京报讯,lead,,note\n")
