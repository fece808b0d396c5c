"""extract_district: the seeds, each kind of evidence, and the traps."""

from __future__ import annotations

import datetime as dt

import pytest

from gen.meta.district import extract_district
from gen.model import Article, Masthead, Reading, paragraph
from gen.tables import load_tables
from tests.test_dates import html_seed, newspaper_seed, seed_text, wire


@pytest.fixture(scope="module")
def tables():
    return load_tables()


def district(reading: Reading, tables, source: str | None = None) -> tuple[str | None, str | None]:
    found = extract_district(reading, tables, source=source)
    return (found.value, found.basis) if found else (None, None)


# --- the five seeds -----------------------------------------------------------------------------

def test_extract_district_seed_000_official_and_short_name(tables):
    value, basis = district(wire(seed_text("000")), tables, source="新京报")
    assert value == "石景山区"
    assert basis == "官员：常卫（石景山区委书记）"


def test_extract_district_seed_001_never_names_its_district(tables):
    assert district(html_seed("001"), tables) == ("海淀区", "官员：于军（海淀区委书记）")


def test_extract_district_seed_002(tables):
    assert district(html_seed("002"), tables)[0] == "海淀区"


@pytest.mark.parametrize("prefix, issue", [("003", dt.date(2020, 4, 16)), ("004", dt.date(2020, 2, 6))])
def test_extract_district_seed_newspaper(tables, prefix, issue):
    assert district(newspaper_seed(prefix, issue), tables, source="石景山报") == ("石景山区", "报刊：石景山报")


# --- evidence -------------------------------------------------------------------------------------

def test_extract_district_full_name_in_lead(tables):
    assert district(wire("石景山区召开疫情防控工作会议，部署社区防控。"), tables) == ("石景山区", "正文：石景山区")


def test_extract_district_beijing_short_name_in_title(tables):
    reading = wire("北京市海淀区注重发挥区域资源优势。海淀区文明实践中心…", title="北京海淀：推进文明实践活动")
    assert district(reading, tables) == ("海淀区", "标题：北京海淀")


def test_extract_district_street_named_twice_names_the_district(tables):
    text = ("疫情期间，居民习惯在小区门口取快递，不少人反映取件难，社区想了办法，为的是让居民取件更方便、更安全。"
            "八角街道八角路社区建立快递代收点，方便居民。八角街道还组织工作人员每天消毒。进返京人员要主动报备。")
    assert district(wire(text), tables)[0] == "石景山区"


def test_extract_district_ambiguous_community_needs_its_street(tables):
    # 光明社区 exists in several districts; without its street it proves nothing.
    text = "北京消息。为方便居民，光明社区设置了核酸检测点，居民排队有序，志愿者维持秩序。光明社区还上门服务老人。"
    assert district(wire(text), tables)[0] in (None, "北京市")


def test_extract_district_my_district_in_a_district_paper(tables):
    reading = Reading(kind="newspaper", title=None, articles=(Article(blocks=(paragraph("我区召开会议。"),)),),
                      masthead=Masthead(paper="石景山报", date=dt.date(2020, 2, 6), date_text=None))
    assert district(reading, tables) == ("石景山区", "报刊：石景山报")


def test_extract_district_official_out_of_term_scope_does_not_count(tables):
    # 戴彬彬 was 海淀区长 until 2019-06, before the period; as 区委书记 he is 怀柔's.
    text = "区长戴彬彬主持会议，研究疫情防控工作，要求各单位落实责任，做好社区防控。"
    assert district(wire(text), tables)[0] != "海淀区"


# --- traps ----------------------------------------------------------------------------------------

def test_extract_district_changchun_chaoyang_is_not_beijing(tables):
    text = "2月2日0-24时，全省新增确诊病例8例。确诊病例住址为长春市朝阳区崇智路694号。"
    assert district(wire(text), tables) == (None, None)


def test_extract_district_jilin_chaoyang_without_beijing(tables):
    text = "吉林省通报：朝阳区分局对王某某立案侦查，王某某回长探亲后未报备。"
    assert district(wire(text), tables) == (None, None)


def test_extract_district_beijing_time_is_not_a_place(tables):
    text = "根据世卫组织统计，截至北京时间今天16时，全球累计确诊病例超1亿例，美国累计确诊超2000万例。"
    assert district(wire(text), tables) == (None, None)


def test_extract_district_beijing_chaoyang_station_is_not_the_district(tables):
    text = "铁路部门今天起加开大连北至北京朝阳、沈阳至锦州北等列车，方便旅客出行。"
    assert district(wire(text), tables)[0] != "朝阳区"


def test_extract_district_airport_is_not_the_district(tables):
    text = "北京市委组织部介绍，经由首都国际机场和北京大兴国际机场口岸入境的人员免除居家观察。"
    assert district(wire(text), tables)[0] == "北京市"


def test_extract_district_listing_of_districts_is_the_city(tables):
    text = ("北京本轮疫情已得到有效控制，今天开始分区分级动态实施全市社会面防控措施。除封（管）控区外，"
            "朝阳、顺义、房山等3个区的公共交通运营服务今天同步恢复。")
    assert district(wire(text, title="北京分区分级动态实施社会面防控措施"), tables)[0] == "北京市"


def test_extract_district_case_breakdown_is_the_city(tables):
    text = ("截至2月1日12时，本市累计确诊病例168例。东城区3例、西城区17例、朝阳区28例、海淀区39例、"
            "丰台区16例、石景山区3例，外地来京人员11例。")
    assert district(wire(text), tables) == ("北京市", "多区并列")


def test_extract_district_round_up_of_many_places_is_none(tables):
    text = ("各地多措并举加强疫情防控。河北石家庄启动全员核酸检测。黑龙江绥化市加强物资保障。"
            "北京大兴区设置68个核酸检测点，大兴区居民有序检测。")
    assert district(wire(text), tables) == (None, None)


def test_extract_district_city_wide_text(tables):
    text = "北京市又有16例新冠肺炎患者符合出院标准，于2月19日从地坛医院、朝阳区三间房社区卫生服务中心出院。"
    assert district(wire(text), tables) == ("北京市", "正文：北京")


def test_extract_district_national_event_in_beijing_is_not_beijing(tables):
    text = "全国劳动模范和先进工作者表彰大会24日上午在北京人民大会堂隆重举行。习近平出席大会并发表重要讲话。"
    assert district(wire(text), tables) == (None, None)


def test_extract_district_not_beijing(tables):
    text = "2020年2月11日0-24时，湖南省报告新型冠状病毒肺炎新增确诊病例34例。"
    assert district(wire(text), tables) == (None, None)
