"""extract_tags and the tag vocabulary."""

from __future__ import annotations

import datetime as dt

import pytest

from gen.meta.tags import MAX_TOPICS, extract_tags
from gen.model import Article, Reading, paragraph
from gen.tables import load_tables, parse_table
from tests.test_dates import html_seed, newspaper_seed, seed_text, wire


@pytest.fixture(scope="module")
def tables():
    return load_tables()


def test_extract_tags_seed_001_meeting_and_people(tables):
    tags = extract_tags(html_seed("001"), tables)
    assert tags[-2:] == ("于军", "第103次会议")
    assert {"核酸检测", "健康宝", "爱国卫生运动", "进京管理", "常态化防控"} <= set(tags)


def test_extract_tags_seed_002_chinese_meeting_number(tables):
    tags = extract_tags(html_seed("002"), tables)
    assert "第99次会议" in tags and "高考" in tags
    assert tags.index("于军") < tags.index("曾劲") < tags.index("第99次会议")


def test_extract_tags_seed_000(tables):
    tags = extract_tags(wire(seed_text("000")), tables)
    assert {"核酸检测", "动态清零", "健康宝", "社区防控", "常卫"} <= set(tags)


def test_extract_tags_seed_004_meeting_in_first_sentence(tables):
    tags = extract_tags(newspaper_seed("004", dt.date(2020, 2, 6)), tables)
    assert "第13次会议" in tags and "常卫" in tags and "蔡奇" in tags


def test_extract_tags_meeting_only_in_headings_and_first_sentences(tables):
    reading = Reading(kind="newspaper", title=None, articles=(
        Article(heading="领导小组召开第五十六次会议",
                blocks=(paragraph("4月13日，领导小组召开会议。会议传达了市防控领导小组第十四次会议精神。"),)),))
    assert extract_tags(reading, tables)[-1:] == ("第56次会议",)
    assert "第14次会议" not in extract_tags(reading, tables)


def test_extract_tags_order_topics_then_people_then_meetings(tables):
    reading = wire("区委书记常卫主持召开第十三次会议，部署核酸检测和社区防控。", title="第十三次会议")
    assert extract_tags(reading, tables) == ("核酸检测", "社区防控", "常卫", "第13次会议")


def test_extract_tags_deduplicated_and_normalised(tables):
    reading = wire("核酸检测、核酸检测，再次核酸筛查。", title="第１０３次会议")
    assert extract_tags(reading, tables) == ("核酸检测", "第103次会议")


def test_extract_tags_official_needs_role(tables):
    assert "李新" not in extract_tags(wire("李新、李文起等区领导参加会议，部署核酸检测。"), tables)
    assert "李新" in extract_tags(wire("区委副书记、区长李新参加会议。"), tables)


def test_extract_tags_weak_topic_needs_two_hits(tables):
    assert "快递外卖" not in extract_tags(wire("快递员进入小区需要登记。"), tables)
    assert "快递外卖" in extract_tags(wire("快递员进入小区需要登记，外卖放在货架上。"), tables)


def test_extract_tags_topic_count_is_capped(tables):
    every_topic = "。".join(rule.pattern.pattern.split("|")[0].replace("\\", "") for rule in tables.tags
                           if rule.kind == "topic") * 2
    topics = [t for t in extract_tags(wire(every_topic), tables) if not t.startswith("第")]
    assert len([t for t in topics if t in {r.tag for r in tables.tags if r.kind == "topic"}]) <= MAX_TOPICS


def test_extract_tags_none_for_plain_text(tables):
    assert extract_tags(wire("今天天气晴朗。"), tables) == ()


def test_tags_table_bad_kind():
    with pytest.raises(ValueError, match=r"tags\.csv:2: field 'kind'"):
        parse_table("tags", "tag,kind,patterns,min_hits,note\n核酸检测,subject,核酸,1,\n")


def test_tags_table_bad_min_hits():
    with pytest.raises(ValueError, match=r"tags\.csv:2: field 'min_hits'"):
        parse_table("tags", "tag,kind,patterns,min_hits,note\n核酸检测,topic,核酸,0,\n")
