"""Title derivation: the stated title line, a newspaper masthead, or the lead sentence."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gen.meta.title import TITLE_MAX, derive_title, lead_title, masthead_title, shorten, strip_dateline
from gen.model import Article, Masthead, Reading, Seed, paragraph
from gen.readers import read_seed

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def seed_text(text: str) -> Seed:
    return Seed("seeds/x.txt", "x", "", "utf-8", text)


def wire_reading(*paragraphs: str) -> Reading:
    return Reading(kind="wire", title=None, articles=(Article(blocks=tuple(paragraph(p) for p in paragraphs)),))


def test_derive_title_seed_000():
    text = (REPO / "seeds" / "000_73acca2f4bde7c0a.txt").read_text(encoding="utf-8")
    found = derive_title(read_seed(seed_text(text)))
    assert (found.value, found.basis) == ("区委书记常卫主持召开石景山新冠肺炎疫情防控工作领导小组会议", "导语")


@pytest.mark.parametrize(("stem", "title"), [("001_eec9e63713adc293", "区新冠肺炎疫情防控工作领导小组召开第103次会议"),
                                             ("002_2790eb9220dfb574", "区新冠肺炎疫情防控工作领导小组召开第九十九次会议")])
def test_derive_title_title_line(stem, title):
    text = (REPO / "seeds" / f"{stem}.txt").read_text(encoding="utf-8")
    found = derive_title(read_seed(seed_text(text)))
    assert (found.value, found.basis) == (title, "标题行")


def test_derive_title_masthead():
    masthead = Masthead(paper="石景山报", date=dt.date(2020, 4, 16), date_text="2020年4月16日 星期四",
                        issue="第30期(总第1907期)")
    reading = Reading(kind="newspaper", title=None, articles=(Article(heading="头条", blocks=(paragraph("正文。"),)),),
                      masthead=masthead)
    found = derive_title(reading)
    assert (found.value, found.basis) == ("石景山报 2020年4月16日 第30期", "报头")


def test_masthead_title_without_date_text_or_issue():
    assert masthead_title(Masthead(paper="海淀报", date=dt.date(2020, 5, 1), date_text=None)) == "海淀报 2020年5月1日"
    assert masthead_title(Masthead(paper="海淀报", date=None, date_text=None, issue="第 7 期")) == "海淀报 第7期"


def test_derive_title_single_heading():
    reading = Reading(kind="newspaper", title=None, articles=(Article(heading="社区防控再加码", blocks=(paragraph("正文。"),)),))
    assert derive_title(reading).value == "社区防控再加码"


@pytest.mark.parametrize(
    ("lead", "rest"),
    [
        ("新京报讯 据北京石景山官微消息，6月1日，区委召开会议。", "区委召开会议。"),
        ("央视网消息（新闻联播）：国家卫生健康委通报疫情。", "国家卫生健康委通报疫情。"),
        ("2月13日0时至24时，本市新增确诊病例6例。", "本市新增确诊病例6例。"),
        ("2020年2月5日0-24时,河南省新增病例。", "河南省新增病例。"),
        ("1月22日12—24时，重庆市报告新增病例。", "重庆市报告新增病例。"),
        ("当地时间15日，意大利宣布封城。", "意大利宣布封城。"),
        ("截至2月1日24时，广东累计报告病例604例。", "广东累计报告病例604例。"),
        ("记者从北京市卫健委获悉，本市新增病例。", "本市新增病例。"),
        ("北京卫健委：本市新增病例。", "本市新增病例。"),
        ("本报讯（记者 张三）某区召开会议。", "某区召开会议。"),
        ("新华社北京2月13日电（记者 李四）国务院召开会议。", "国务院召开会议。"),
        ("好消息！重庆又有14例患者出院。", "重庆又有14例患者出院。"),
        ("区委召开会议。", "区委召开会议。"),
    ],
)
def test_strip_dateline_cases(lead, rest):
    assert strip_dateline(lead) == rest


def test_strip_dateline_may_leave_nothing():
    assert strip_dateline("6月1日，") == ""


def test_shorten_clause_boundary_without_ellipsis():
    sentence = "吉林省报告新型冠状病毒感染的肺炎新增确诊病例1例，为通化市首例外省输入性病例，患者目前病情稳定"
    assert shorten(sentence) == "吉林省报告新型冠状病毒感染的肺炎新增确诊病例1例，为通化市首例外省输入性病例"


def test_shorten_mid_clause_with_ellipsis():
    sentence = "为进一步做好新型冠状病毒感染的肺炎疫情防控工作切实保障人民群众生命安全和身体健康特制定本方案"
    title = shorten(sentence)
    assert title.endswith("…") and len(title) == TITLE_MAX


def test_shorten_skips_dangling_clause():
    sentence = "山东省报告新型冠状病毒感染的肺炎新增确诊病例8例，其中：青岛市2例、济南市3例、烟台市3例"
    assert shorten(sentence) == "山东省报告新型冠状病毒感染的肺炎新增确诊病例8例"


@pytest.mark.parametrize("opening, closing", [("（", "）"), ("[", "]"), ("“", "”")])
def test_shorten_never_cuts_a_clause_inside_brackets(opening, closing):
    sentence = f"北京市卫生健康委员会今天发布{opening}关于进一步加强新冠肺炎疫情防控，做好春节期间各项保障工作的通知{closing}全文"
    assert shorten(sentence) == f"北京市卫生健康委员会今天发布{opening}关于进一步加强新冠肺炎疫情防控，做好春节期间各项…"


def test_shorten_english_keeps_numbers_and_words():
    title = shorten("A total of 4,826 healthcare workers in Italy have been infected by the novel coronavirus")
    assert title == "A total of 4,826 healthcare workers in…"


@pytest.mark.parametrize(
    ("lead", "title"),
    [
        ("【#河南新增89例累计确诊764例#】2月4日0-24时，河南省新增病例89例。", "河南新增89例累计确诊764例"),
        ("#全球抗疫第一线#【#意大利西班牙伊朗确诊总和超9万人#】一图了解。", "意大利西班牙伊朗确诊总和超9万人"),
        ("#武汉12家快递企业复工#3月20日起恢复收寄。", "武汉12家快递企业复工"),
        ("他说：“要坚持到底。”", "他说：“要坚持到底”"),
        ("Hotel beds have been offered to rough sleepers in London.", "Hotel beds have been offered to rough…"),
        ("Italy closes schools. More to follow.", "Italy closes schools"),
    ],
)
def test_lead_title_cases(lead, title):
    assert lead_title([lead]) == title


def test_lead_title_skips_empty_lead_paragraph():
    assert lead_title(["央视网消息（新闻联播）：", "国家卫生健康委今天通报最新疫情。"]) == "国家卫生健康委今天通报最新疫情"


def test_derive_title_fallback_first_chars():
    found = derive_title(wire_reading("。。。！"))
    assert (found.value, found.basis) == ("。。。！", "导语")
    assert derive_title(wire_reading("央视网消息（新闻联播）：")).value == "央视网消息（新闻联播）："


def test_derive_title_empty_document_is_none():
    assert derive_title(wire_reading()) is None
    assert derive_title(read_seed(seed_text("  \u200b "))) is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_derive_title_bounded(text):
    found = derive_title(read_seed(seed_text(text)))
    if found is not None and found.basis == "导语":
        assert found.value and len(found.value) <= TITLE_MAX + 1


def test_derive_title_dxy_sample(request):
    docs = CORPUS / "dxy-news" / "docs"
    if not docs.is_dir():
        pytest.skip(f"shared corpus not found at {docs}; dxy title sample skipped")
    files = sorted(docs.glob("*.txt"))
    for path in random.Random(20200601).sample(files, 100):
        found = derive_title(read_seed(seed_text(path.read_text(encoding="utf-8"))))
        assert found is not None, path.name
        assert found.value.strip() and len(found.value) <= TITLE_MAX + 1, (path.name, found.value)


def test_shorten_never_splits_a_number():
    prefix = "截至目前全国累计报告新型冠状病毒感染的肺炎确诊病例已经达到了比较高的水平"
    assert len(prefix) == 36  # a cut at 39 characters would fall inside the number
    assert shorten(prefix + "1234567例并且仍在增加") == prefix + "…"


@pytest.mark.parametrize(
    ("lead", "title"),
    [
        ("Rep. Mario Diaz-Balart, a Republican from Florida, tested positive.", "Rep. Mario Diaz-Balart"),
        ("Hi. New York Gov. Andrew Cuomo said the state needs more ventilators.", "Hi. New York Gov. Andrew Cuomo said the…"),
    ],
)
def test_lead_title_english_abbreviations(lead, title):
    assert lead_title([lead]) == title
