"""The plain news-wire reader: paragraphs from a wall of text, credits as metadata, text kept whole."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gen.readers import html, newspaper, pick_reader, wire

from tests.conftest import REPO, seed_of, seed_text

FIXTURES = REPO / "tests" / "fixtures" / "wire"
HAN = re.compile(r"[\u4e00-\u9fff]")




def paragraphs(reading) -> list[str]:
    return [b.text for b in reading.articles[0].blocks]


@pytest.fixture(scope="module")
def seed_000():
    return wire.read(seed_of(REPO / "seeds" / "000_73acca2f4bde7c0a.txt"))


# --- seed 000 ---------------------------------------------------------------------------------


def test_read_seed_000_kind_and_shape(seed_000):
    assert seed_000.kind == "wire"
    assert seed_000.title is None
    assert len(seed_000.articles) == 1
    assert all(b.kind == "p" and len(b.lines) == 1 for b in seed_000.articles[0].blocks)


def test_read_seed_000_paragraph_openings(seed_000):
    starts = [p[:8] for p in paragraphs(seed_000)]
    assert paragraphs(seed_000)[0].startswith("新京报讯 据北京石景山官微消息")
    assert any(s.startswith("会议指出") for s in starts)
    assert any(s.startswith("会议强调") for s in starts)
    for topic in ("要加强宣传引导。", "要时刻保持应急状态。", "要加强公共场所防疫管理。"):
        assert any(p.startswith(topic) for p in paragraphs(seed_000)), topic


def test_read_seed_000_editor(seed_000):
    assert seed_000.editor == "邓健"
    assert seed_000.author is None
    assert not any("责任编辑" in p or "邓健" in p for p in paragraphs(seed_000))


def test_read_seed_000_paragraphs_bounded(seed_000):
    paras = paragraphs(seed_000)
    assert len(paras) >= 10
    assert all(len(p) <= wire.PARAGRAPH_MAX for p in paras)
    assert paras[-1].endswith("及时扑灭一起。")


def test_read_seed_000_keeps_every_character(seed_000):
    text = (REPO / "seeds" / "000_73acca2f4bde7c0a.txt").read_text(encoding="utf-8")
    body = text.replace("责任编辑：邓健", "")
    assert "".join(paragraphs(seed_000)) == body


# --- fixtures: paragraphs -------------------------------------------------------------------


def test_split_paragraphs_meeting_one_line():
    reading = wire.read(seed_of(FIXTURES / "meeting_one_line.txt"))
    paras = paragraphs(reading)
    assert [p[:4] for p in paras] == ["新京报讯", "会议指出", "会议强调", "要加强宣", "一是压实", "二是做好"]
    assert reading.editor == "赵六"


def test_split_paragraphs_existing_breaks_respected():
    paras = paragraphs(wire.read(seed_of(FIXTURES / "existing_breaks.txt")))
    assert paras == ["第一段：某区开展核酸检测。", "第二段：检测点位共设20个", "第三段：结果均为阴性。"]


def test_split_paragraphs_flattened_breaks():
    paras = paragraphs(wire.read(seed_of(FIXTURES / "flattened_breaks.txt")))
    assert paras == ["截至2月5日24时，累计报告确诊病例36例。", "当日新增治愈出院病例2例。", "目前在院治疗病例30例。"]


def test_split_paragraphs_long_paragraph_cut_evenly():
    paras = paragraphs(wire.read(seed_of(FIXTURES / "long_paragraph.txt")))
    assert len(paras) == 2
    assert all(len(p) <= wire.PARAGRAPH_MAX for p in paras)
    assert abs(len(paras[0]) - len(paras[1])) <= 60
    assert all(p.endswith("。") for p in paras)


def test_read_padding_and_zero_width():
    paras = paragraphs(wire.read(seed_of(FIXTURES / "padding_and_zero_width.txt")))
    assert paras == ["2月13日0时至24时，本市新增确诊病例6例。", "当日新增治愈出院病例3例。"]


def test_read_english_item_keeps_spaces():
    reading = wire.read(seed_of(FIXTURES / "english_item.txt"))
    assert paragraphs(reading) == [
        "A total of 4,826 healthcare workers in Italy have been infected, according to the ISS. "
        "That means some 9% of those infected are healthcare workers."
    ]
    assert reading.author is None and reading.editor is None


def test_split_paragraphs_long_english_cut_at_sentence():
    text = " ".join(f"Sentence number {i} tells Gov. Smith about the outbreak in the city." for i in range(8))
    paras = wire.split_paragraphs(text)
    assert len(paras) == 3
    assert " ".join(paras) == text
    assert all(p.startswith("Sentence number") for p in paras)


def test_tidy_spaces_cases():
    assert wire.tidy_spaces("新京报讯 据北京") == "新京报讯 据北京"
    assert wire.tidy_spaces("病例增至41例 。 截至") == "病例增至41例。截至"
    assert wire.tidy_spaces("疫情防控\n工作") == "疫情防控工作"
    assert wire.tidy_spaces("were “deliberately damaged” in") == "were “deliberately damaged” in"
    assert wire.tidy_spaces("\u3000\u3000正文\u200b。 ") == "正文。"


def test_opens_paragraph_cases():
    assert wire.opens_paragraph("会议强调，要坚持。")
    assert wire.opens_paragraph("要加强宣传引导。")
    assert not wire.opens_paragraph("要提醒广大市民群众增强防护意识，落实防控措施。")
    assert not wire.opens_paragraph("第一时间电话报告社区。")
    assert wire.opens_paragraph("（二）加强社区防控。")
    assert not wire.opens_paragraph("1.5万人参加检测。")


# --- fixtures: credits ----------------------------------------------------------------------


def test_extract_credits_reporter():
    reading = wire.read(seed_of(FIXTURES / "reporter_credit.txt"))
    assert reading.author == "张三"
    assert not any("记者" in p or "张三" in p for p in paragraphs(reading))


def test_extract_credits_stacked():
    reading = wire.read(seed_of(FIXTURES / "stacked_credits.txt"))
    assert (reading.author, reading.editor) == ("张三、李四", "王五")
    assert paragraphs(reading) == ["某区今天召开复工复产推进会，部署下一阶段重点任务。"]


def test_extract_credits_editor_in_brackets():
    reading = wire.read(seed_of(FIXTURES / "editor_in_brackets.txt"))
    assert reading.editor == "王五"
    assert paragraphs(reading) == ["某区发布通告，全区公园实行限流开放。"]


def test_extract_credits_legit_parentheses_kept():
    reading = wire.read(seed_of(FIXTURES / "legit_parentheses.txt"))
    assert reading.author is None
    assert paragraphs(reading)[0].endswith("（含重症病例6例）")


def test_extract_credits_organisation_is_no_author():
    reading = wire.read(seed_of(FIXTURES / "organisation_in_brackets.txt"))
    assert reading.author is None
    assert paragraphs(reading)[0].endswith("（新华社）")


@pytest.mark.parametrize(
    ("text", "editor", "author"),
    [
        ("正文。（总台央视记者 唐巍 法绮）", None, "唐巍、法绮"),
        ("正文。(总台记者李健南 倪紫慧)", None, "李健南、倪紫慧"),
        ("正文。（人民日报记者韩硕）", None, "韩硕"),
        ("正文。（周輖）", None, "周輖"),
        ("正文。（央视）", None, None),
        ("正文。（完）", None, None),
        ("正文。编辑 朱辛未", "朱辛未", None),
        ("新闻编辑部发布通知。", None, None),
    ],
)
def test_extract_credits_table(text, editor, author):
    _, found_editor, found_author = wire.extract_credits(text)
    assert (found_editor, found_author) == (editor, author)


# --- sniffing -------------------------------------------------------------------------------


def test_looks_like_accepts_any_visible_text():
    assert wire.looks_like("x")
    assert not wire.looks_like("")
    assert not wire.looks_like("  \u200b\t\n ")


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_pick_reader_wire_fixtures(name):
    text = seed_of(FIXTURES / name).text
    assert not html.looks_like(text)
    assert not newspaper.looks_like(text)
    assert pick_reader(text) is wire


def test_read_empty_text_warns():
    reading = wire.read(seed_text(" \u200b "))
    assert reading.articles[0].blocks == ()
    assert reading.warnings == ("no body text",)


# --- properties -----------------------------------------------------------------------------

# Han characters without 记 and 编, so the text can never spell a reporter or editor credit.
HAN_SAMPLE = "区委书记常卫主持召开会议防控疫情新增病例确诊出院社区核酸检测要加强宣传引导一是二是首先最后据介绍了解北京朝阳海淀张三李四人民日报"
HAN_SAMPLE = HAN_SAMPLE.replace("记", "").replace("编", "")
WIRE_ALPHABET = st.sampled_from(list(HAN_SAMPLE) + list("，。！？；：、“”（）()《》 \t\n\u3000\u00a0\u200bAbc 12.,?"))


def _han(text: str) -> Counter:
    return Counter(HAN.findall(text))


@settings(max_examples=300, deadline=None)
@given(st.text(WIRE_ALPHABET, max_size=400))
def test_read_never_loses_chinese(text):
    reading = wire.read(seed_text(text))
    out = reading.articles[0].text + (reading.author or "") + (reading.editor or "")
    assert _han(out) == _han(text)
    assert all(b.text for b in reading.articles[0].blocks)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_read_never_crashes(text):
    reading = wire.read(seed_text(text))
    assert reading.kind == "wire"
