"""The OCR'd newspaper reader and its page layout rules: masthead, 导读, headlines, column breaks."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gen.model import ContentsItem, Reading, Seed
from gen.readers import newspaper
from gen.readers.newspaper.layout import (
    BYLINE,
    MARKER,
    TEXT,
    continues_text,
    ends_dangling,
    extract_jump_markers,
    find_headlines,
    is_cut,
    is_headline_like,
    join_column_breaks,
    splits_word,
    starts_enumeration,
)
from gen.readers.newspaper.punctuation import FULL_WIDTH, normalise_punctuation, url_spans

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "newspaper"
SEED_003 = "seeds/003_17d5a1e15a32e4e6.txt"
SEED_004 = "seeds/004_487f552e651a47cf.txt"


def seed_of(text: str, path: str = "seeds/test.txt") -> Seed:
    """A Seed for text given in the test."""
    return Seed(path, Path(path).stem, hashlib.sha256(text.encode()).hexdigest(), "utf-8", text)


def load(path: str) -> Seed:
    """A Seed read from the repository (a seed or a fixture), line endings as stored."""
    raw = (REPO / path).read_bytes()
    return seed_of(raw.decode("utf-8"), path)


def fixture(name: str) -> Reading:
    """The Reading of a fixture under tests/fixtures/newspaper/."""
    return newspaper.read(load(f"tests/fixtures/newspaper/{name}.txt"))


@pytest.fixture(scope="module")
def issue_003() -> Reading:
    return newspaper.read(load(SEED_003))


@pytest.fixture(scope="module")
def issue_004() -> Reading:
    return newspaper.read(load(SEED_004))


# --- layout.py: jump markers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rest", "onward"),
    [
        ("提供更有“温度”的服务保障。(下转2版)", "提供更有“温度”的服务保障。", ("2版",)),
        ("（上接1版）志愿者们风雨无阻。", "志愿者们风雨无阻。", ()),
        ("复工复产(转第3版),确保落实。", "复工复产,确保落实。", ("3版",)),
        ("（下转 第4版）", "", ("4版",)),
        ("（续第1版）会议指出", "会议指出", ()),
        ("区政府热线12345版面", "区政府热线12345版面", ()),
    ],
)
def test_extract_jump_markers_variants(text, rest, onward):
    assert extract_jump_markers(text) == (rest, onward)


# --- layout.py: what a headline looks like --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["区委常委会召开会议", "快递管理精细化 居民“件件有着落”", "我区开通疫情心理干预热线:51517558", "中办",
     "全国幼儿园超29万所学前教育实现基本普及", "最后的胜利一定属于我们!"],
)
def test_is_headline_like_accepts_headlines(text):
    assert is_headline_like(text)


@pytest.mark.parametrize(
    "text",
    ["会议还研究了其他事项。", "4月8日,中共中央政治局", "认真落实《区", "坚持“外防输入、内防反", "弹”,继续全面从严防控", "区", "要坚持和",
     "我们才能继续掌握斗争主动权。坚决有力", "x" * 10, "字" * 101, "区委‘外防输入工作", "查看[附件"],
)
def test_is_headline_like_rejects_sentences_and_fragments(text):
    assert not is_headline_like(text)


def test_continues_text_closing_marks_and_commas():
    assert continues_text("”,继续全面从严防控")
    assert continues_text(",机动灵活开展工作")
    assert not continues_text("“不仅要定期对柜子消毒")


def test_starts_enumeration_forms():
    assert all(map(starts_enumeration, ["一、强化防控", "（二）做好保障", "3.加强督查", "——凝聚发展合作共识"]))
    assert not any(map(starts_enumeration, ["二是要毫不放松", "2020年", "3.5万人"]))


def test_ends_dangling_function_words_not_word_endings():
    assert ends_dangling("加强合作与")
    assert ends_dangling("认真落实《")
    assert not ends_dangling("学前教育实现基本普及")
    assert not ends_dangling("群众广泛参与")


def test_splits_word_across_a_break():
    assert splits_word("会议还研", "究了其他事项。")
    assert splits_word("热心网友也纷", "纷给他留言")
    assert not splits_word("区委常委会召开会议", "本报讯(通讯员石伟)")


def test_is_cut_numbers_words_and_closing_marks():
    assert is_cut("成立73", "周年")
    assert is_cut("内防反", "弹”,继续")
    assert not is_cut("持续抓好疫情常态化防控", "4月8日,中共中央")


# --- layout.py: finding headlines -------------------------------------------------------------------


def test_find_headlines_after_sentence_end_before_body():
    blocks = ["上一篇结束了。", "快递管理精细化", "疫情期间,很多居民已经习惯在小区门口取快递。"]
    assert find_headlines(blocks, [TEXT] * 3) == [range(1, 2)]


def test_find_headlines_two_lines_before_byline():
    blocks = ["学院路街道", "推出社区核酸检测便民服务", "本报讯(记者 张三)3月4日上午,街道设立检测点。"]
    assert find_headlines(blocks, [TEXT, TEXT, BYLINE]) == [range(0, 2)]


def test_find_headlines_byline_settles_it_after_unfinished_text():
    blocks = ["上一篇的最后一段,丢了句号", "区委常委会召开会议", "本报讯(通讯员石伟)4月15日下午,区委常委会召开会议。"]
    assert find_headlines(blocks, [TEXT, TEXT, BYLINE]) == [range(1, 2)]


def test_find_headlines_not_a_cut_off_first_clause():
    # "会议还研" | "究了其他事项。": the first clause of a paragraph, cut by a column break.
    blocks = ["主动担当作为。", "会议还研", "究了其他事项。"]
    assert find_headlines(blocks, [TEXT] * 3) == []


def test_find_headlines_not_a_fragment_after_unfinished_text():
    blocks = ["全国人民齐心协力,铸就了一道人民战争的钢铁", "长城坚不可摧", "坚决有力的战疫态度,扭转了疫情发展形势。"]
    assert find_headlines(blocks, [TEXT] * 3) == []


def test_find_headlines_lead_like_second_line_goes_to_the_body():
    blocks = ["上文。", "李克强同荷兰首相通电话", "国务院总理李克强7日应约同荷兰首相吕", "特通电话。"]
    assert find_headlines(blocks, [TEXT] * 4) == [range(1, 2)]


def test_find_headlines_short_last_paragraph_is_not_a_story():
    assert find_headlines(["上文。", "会议还研究了其他事项"], [TEXT, TEXT]) == []


def test_find_headlines_after_marker():
    blocks = ["做好衔", "", "快递管理精细化", "疫情期间,很多居民已经习惯在小区门口取快递。"]
    assert find_headlines(blocks, [TEXT, MARKER, TEXT, TEXT]) == [range(2, 3)]


def test_find_headlines_enumerated_subhead_stays_in_story():
    blocks = ["上文。", "一、强化社区防控", "要加强社区统筹。"]
    assert find_headlines(blocks, [TEXT] * 3) == []


# --- layout.py: re-joining column breaks ------------------------------------------------------------


@pytest.mark.parametrize(
    ("blocks", "joined"),
    [
        (["铸就了一道人民战争的钢铁", "长城。坚决有力"], "铸就了一道人民战争的钢铁长城。坚决有力"),
        (["坚持“外防输入、内防反", "弹”,继续全面从严防控。"], "坚持“外防输入、内防反弹”,继续全面从严防控。"),
        (["为了让居民更加安全、有效收取快递,时", "代花园社区建立了微信群。"], "为了让居民更加安全、有效收取快递,时代花园社区建立了微信群。"),
        (["认真落实《区", "委关于新时代加强和改进人大工作的实施意见》。"], "认真落实《区委关于新时代加强和改进人大工作的实施意见》。"),
        (["完善“接诉即办”", "机制,依托网格化服务管理。"], "完善“接诉即办”机制,依托网格化服务管理。"),
        (["优化疫情防控工作流", "程,机动灵活开展工作。"], "优化疫情防控工作流程,机动灵活开展工作。"),
        (["坚决杜绝院内交叉感染。要", "合理调配一线的医护工作者。"], "坚决杜绝院内交叉感染。要合理调配一线的医护工作者。"),
    ],
)
def test_join_column_breaks_mid_sentence(blocks, joined):
    assert join_column_breaks(blocks) == [joined]


def test_join_column_breaks_keeps_paragraph_breaks():
    blocks = ["会议还研究了其他事项。", "“不仅要定期对柜子消毒……”每天都要消杀。", "他说:“好!”", "下一段。"]
    assert join_column_breaks(blocks) == blocks


def test_join_column_breaks_keeps_enumerated_items():
    assert join_column_breaks(["李克强建议:", "——凝聚发展合作共识。"]) == ["李克强建议:", "——凝聚发展合作共识。"]
    assert join_column_breaks(["一、强化社区防控", "要加强社区统筹。"]) == ["一、强化社区防控", "要加强社区统筹。"]


def test_join_column_breaks_wrapped_lines_and_blanks():
    assert join_column_breaks(["居民可就近预约", "", " 检测,免去排队之苦。"]) == ["居民可就近预约检测,免去排队之苦。"]


# --- punctuation.py: half-width marks in Chinese text -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "normalised", "count"),
    [
        ("4月8日,中共中央", "4月8日，中共中央", 1),  # after the day of a date
        ("会议指出,要坚持", "会议指出，要坚持", 1),
        ("“常态化”,中国疫情防控", "“常态化”，中国疫情防控", 1),  # past a closing quote
        ("意味着什么呢?笔者以为", "意味着什么呢？笔者以为", 1),
        ("最后的胜利一定属于我们!", "最后的胜利一定属于我们！", 1),  # at the end
        ("兢兢业业;各社区", "兢兢业业；各社区", 1),
        ("心理干预热线:51517558", "心理干预热线：51517558", 1),  # a Chinese label before a number
        ("重症病例,1例危重症", "重症病例，1例危重症", 1),
        ("共50,其中", "共50，其中", 1),  # a number before Chinese
        ("0-24时, 全省报告", "0-24时， 全省报告", 1),  # the space is clean_inline's to drop
    ],
)
def test_normalise_punctuation_marks_in_chinese_text(text, normalised, count):
    assert normalise_punctuation(text) == (normalised, count)


@pytest.mark.parametrize(
    "text",
    ["1,000", "27,980万", "12:30", "比分3:2", "http://x.cn/a,b", "www.sjs.gov.cn/?a=1;b=2", "COVID-19, SARS and MERS",
     "COVID-19,SARS", "citizens,” Trudeau said", "Hello, world!", "f(x) = (a+b)", "OK,“好的”", "会议&lt;b&gt;。会议", "",
     "，（）：全角不变"],
)
def test_normalise_punctuation_leaves_numbers_urls_and_latin(text):
    assert normalise_punctuation(text) == (text, 0)


def test_normalise_punctuation_time_after_a_label():
    assert normalise_punctuation("时间:12:30") == ("时间：12:30", 1)


def test_normalise_punctuation_url_then_chinese():
    assert normalise_punctuation("网址:http://x.cn/a,b,详见") == ("网址：http://x.cn/a,b，详见", 2)
    assert normalise_punctuation("(见http://x.cn/a_(b))") == ("（见http://x.cn/a_(b)）", 2)


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("(记者 张三)", "（记者 张三）"),  # what it holds is Chinese
        ("本报讯(通讯员石伟)4月", "本报讯（通讯员石伟）4月"),
        ("新冠肺炎(COVID-19)疫情", "新冠肺炎（COVID-19）疫情"),  # what surrounds it is Chinese
        ("(1)要加强社区统筹", "（1）要加强社区统筹"),
        ("（下转2版)", "（下转2版）"),  # OCR printed one half of the pair wide
        ("(a(中x),b", "(a（中x）,b"),  # an unpaired bracket stays as printed
        ("新冠肺炎 (COVID-19) 疫情", "新冠肺炎 （COVID-19） 疫情"),  # spaces aside
        ("[点击](javascript:alert(1))。会议", "[点击](javascript:alert(1))。会议"),  # set against other punctuation
    ],
)
def test_normalise_punctuation_bracket_pairs(text, normalised):
    assert normalise_punctuation(text)[0] == normalised


def test_normalise_punctuation_counts_each_mark_of_a_pair():
    assert normalise_punctuation("本报讯(记者 张三)近日,") == ("本报讯（记者 张三）近日，", 3)


def test_normalise_punctuation_jump_marker_still_found():
    # The reader takes jump markers out before this step; made full width they would still be found.
    text, _ = normalise_punctuation("服务保障。(下转2版)")
    assert text == "服务保障。（下转2版）" and extract_jump_markers(text) == ("服务保障。", ("2版",))


def test_url_spans_end_before_sentence_punctuation():
    text = "见http://www.sjs.gov.cn/a,b。或www.x.cn,详见"
    assert [text[a:b] for a, b in url_spans(text)] == ["http://www.sjs.gov.cn/a,b", "www.x.cn"]


# Letters and digits of both kinds, the marks of the table, their full-width forms, quotes, spaces.
_MIXED_TEXT = st.lists(st.sampled_from(list("中文日报aZé09１Ａ ,:;?!()（），：“”…—./") + ["http://", "www."]), max_size=40).map("".join)
_NOT_CHINESE = st.text(st.characters(codec="latin-1") | st.sampled_from(list("“”‘’…—（），：。、")), max_size=60)


@given(_NOT_CHINESE)
def test_normalise_punctuation_never_changes_text_without_chinese(text):
    assert normalise_punctuation(text) == (text, 0)


@given(_MIXED_TEXT)
def test_normalise_punctuation_changes_only_marks_of_the_table(text):
    out, count = normalise_punctuation(text)
    assert len(out) == len(text)
    changed = [(a, b) for a, b in zip(text, out) if a != b]
    assert all(FULL_WIDTH[a] == b for a, b in changed) and count == len(changed)
    assert [c for c in out if c.isalnum()] == [c for c in text if c.isalnum()]  # digits and letters untouched
    assert normalise_punctuation(out) == (out, 0)  # decided by letters and digits only: once is enough


# --- the reader: sniffing ----------------------------------------------------------------------


def test_looks_like_seeds():
    assert newspaper.looks_like(load(SEED_003).text)
    assert newspaper.looks_like(load(SEED_004).text)


def test_looks_like_not_a_wire_text():
    assert not newspaper.looks_like("新京报讯 据北京石景山官微消息,6月1日,区委书记常卫主持召开会议。2022年6月1日 星期三")


def test_looks_like_not_a_title_and_html_fragment():
    text = "区新冠肺炎疫情防控工作领导小组召开第103次会议\n<div><span>7月20日,区新冠肺炎疫情防控工作领导小组召开会议。</span></div>"
    assert not newspaper.looks_like(text)


def test_looks_like_issue_line_without_date():
    assert newspaper.looks_like("丰台报\n第36期(总第1913期)本期8版\n标题\n正文。")


def test_looks_like_paper_name_far_from_date():
    lines = ["海淀报"] + [f"第{i}段正文,没有报头。" for i in range(10)] + ["2021年3月5日 星期五"]
    assert not newspaper.looks_like("\n".join(lines))


def test_is_paper_name_short_lines_ending_in_bao():
    assert newspaper.is_paper_name("石景山报")
    assert newspaper.is_paper_name("海 淀 报")
    assert not newspaper.is_paper_name("听取工作汇报")
    assert not newspaper.is_paper_name("本报讯(通讯员石伟)区委常委会听取汇报")


# --- the reader: masthead --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "role"),
    [
        ("2020年4月16日 星期四", "date"),
        ("第30期(总第1907期)本期8版", "issue"),
        ("中共石景山区委宣传部主办", "publisher"),
        ("准印证号京内资准字2003-L0007", "permit"),
        ("石景山新闻网http://www.sjs.gov.cn", "site"),
        ("●区政府:12345", "hotline"),
        ("北京石景山公众号", "follow"),
        ("石景山报", "paper"),
        ("区委常委会召开会议", None),
        ("●石荣平", None),
        ("要及时办理12345市民服务热线诉求,特别是关于疫情防控方面的诉求。", None),
    ],
)
def test_masthead_role_table(line, role):
    assert newspaper.masthead_role(line, top=True) == role


def test_masthead_role_paper_and_publisher_only_at_the_top():
    assert newspaper.masthead_role("石景山报", top=False) is None
    assert newspaper.masthead_role("●区政府:12345", top=False) == "hotline"


def test_split_masthead_stops_at_the_first_story():
    lines = ["石景山报", "2020年4月16日 星期四", "●区政府:12345", "北京石景山公众号", "持续抓好疫情常态化防控", "●石荣平", "4月8日,会议指出。"]
    head, rest = newspaper.split_masthead(lines)
    assert head == lines[:4] and rest == lines[4:]


def test_extract_masthead_seed_003(issue_003):
    m = issue_003.masthead
    assert (m.paper, m.date, m.date_text) == ("石景山报", dt.date(2020, 4, 16), "2020年4月16日 星期四")
    assert (m.issue, m.pages, m.publisher, m.url) == ("第30期(总第1907期)", 8, "中共石景山区委宣传部", "http://www.sjs.gov.cn")
    assert m.lines[0] == "石景山报" and "●消协:88793656" in m.lines and m.lines[-1] == "北京石景山公众号"


def test_extract_masthead_weekday_mismatch_warns():
    masthead, warnings = newspaper.extract_masthead(["海淀报", "2021年3月5日 星期一"])
    assert masthead.date == dt.date(2021, 3, 5)
    assert warnings == ["masthead date '2021年3月5日 星期一': 2021-03-05 is 星期五"]


def test_extract_masthead_impossible_date_warns():
    masthead, warnings = newspaper.extract_masthead(["海淀报", "2021年2月30日 星期二"])
    assert masthead.date is None and masthead.date_text == "2021年2月30日 星期二"
    assert "not a calendar date" in warnings[0]


def test_extract_masthead_without_paper_name_warns():
    masthead, warnings = newspaper.extract_masthead(["2021年3月5日 星期五"])
    assert masthead.paper is None and warnings == ["masthead has no paper name (a short line ending in 报)"]


# --- the reader: bylines, dates, contents, body lines ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "byline", "rest"),
    [
        ("本报讯(通讯员石伟)4月15日下午,区委常委会召开会议。", "通讯员石伟", "4月15日下午,区委常委会召开会议。"),
        ("本报讯(记者吴赛赛 通讯员田甜)疫情期间,很多居民", "记者吴赛赛 通讯员田甜", "疫情期间,很多居民"),
        ("本报讯（记者  张三）　近日,", "记者 张三", "近日,"),
        ("本报讯 近日,街道开展检查。", None, "近日,街道开展检查。"),
        ("●石荣平", "石荣平", ""),
        ("(记者 张三)", "记者 张三", ""),
        ("（本报记者 李四 通讯员 王五）", "本报记者 李四 通讯员 王五", ""),
        ("本报记者 张三", "本报记者 张三", ""),
        ("会议还研究了其他事项。", None, "会议还研究了其他事项。"),
    ],
)
def test_split_byline_forms(text, byline, rest):
    assert newspaper.split_byline(text) == (byline, rest)


@pytest.mark.parametrize(
    ("text", "date_text"),
    [
        ("4月15日下午,区委常委会召开会议。", "4月15日下午"),
        ("4月8日,中共中央政治局常务委员会召开会议指出。", "4月8日"),
        ("日前,会议召开。2020年2月5日,我区召开会议。", "2020年2月5日"),
        ("疫情期间,很多居民已经习惯在小区门口取快递。这种做法很方便。记者了解到,4月1日起实行新规。", None),
    ],
)
def test_extract_article_date_near_the_start(text, date_text):
    assert newspaper.extract_article_date(text) == date_text


def test_split_contents_items_and_what_remains():
    lines = ["上一篇。", "导读", "常卫主持召开专题会议", "研究支持企业发展工作", "[2版]", "我区开通热线:51517558[3版]", "下一篇标题", "本报讯(通讯员石伟)正文。"]
    rest, items, warnings = newspaper.split_contents(lines)
    assert items == [ContentsItem("常卫主持召开专题会议 研究支持企业发展工作", "2版"), ContentsItem("我区开通热线:51517558", "3版")]
    assert rest == ["上一篇。", None, "下一篇标题", "本报讯(通讯员石伟)正文。"]
    assert warnings == []


def test_split_contents_empty_block_warns():
    rest, items, warnings = newspaper.split_contents(["导读", "这不是目录项,而是一段正文。"])
    assert (rest, items, warnings) == ([None, "这不是目录项,而是一段正文。"], [], ["导读 heading with no items"])


def test_classify_drops_masthead_debris_and_splits_jumps():
    lines, debris = newspaper.classify(["●区政府:12345", "正文结束。(下转2版)", "(完)", "张三 摄"])
    assert debris == ["●区政府:12345"]
    assert [(x.text, x.kind, x.jump, x.keep) for x in lines] == [
        ("正文结束。", TEXT, None, False), ("", MARKER, "2版", False), ("", MARKER, None, False), ("张三 摄", MARKER, None, True),
    ]


def test_classify_trailing_byline_is_a_credit():
    lines, _ = newspaper.classify(["标题", "(记者 张三)", "正文。", "(记者 李四)"])
    assert [(x.kind, x.credit) for x in lines] == [(TEXT, None), (BYLINE, None), (TEXT, None), (MARKER, "记者 李四")]


# --- the seeds -----------------------------------------------------------------------------------


def test_read_seed_003_articles(issue_003):
    got = [(a.heading, a.byline, a.date_text, a.continued) for a in issue_003.articles]
    assert got == [
        ("持续抓好疫情常态化防控", "石荣平", "4月8日", None),
        ("区委常委会召开会议", "通讯员石伟", "4月15日下午", None),
        ("我区召开应对新型冠状病毒感染疫情工作领导小组第五十六次会议 贯彻落实蔡奇书记调研我区指示要求 "
         "继续全面从严防控 统筹推进经济社会发展各项工作", "通讯员石伟", "4月13日", "2版"),
        ("快递管理精细化 居民“件件有着落”", "记者吴赛赛 通讯员田甜", None, None),
    ]
    assert [len(a.blocks) for a in issue_003.articles] == [5, 5, 6, 4]
    assert (issue_003.kind, issue_003.title, issue_003.contents, issue_003.warnings) == ("newspaper", None, (), ())


def test_read_seed_004_articles(issue_004):
    got = [(a.heading, a.byline, a.date_text, a.continued) for a in issue_004.articles]
    assert got == [
        ("我区召开应对新型冠状病毒感染疫情工作领导小组第十三次会议", "通讯员石伟", "2月5日", None),
        ("手机扫码进小区 安全高效方便居民", "通讯员黄丽莹", "2月3日", None),
        ("共同构筑群防群治的严密防线", "石荣平", None, None),
        ("区委主要领导以“四不两直”方式检查疫情防控工作", "记者甄趁勇 张林", "2月5日下午", None),
    ]
    assert [len(a.blocks) for a in issue_004.articles] == [5, 4, 5, 4]
    assert issue_004.masthead.date == dt.date(2020, 2, 6) and issue_004.masthead.issue == "第10期(总第1887期)"
    assert issue_004.warnings == ()


def test_read_seed_004_contents(issue_004):
    assert issue_004.contents == (
        ContentsItem("常卫主持召开专题会议 研究疫情防控时期支持企业发展工作", "2版"),
        ContentsItem("我区开通疫情心理干预热线：51517558", "2版"),
    )


def test_read_seeds_byline_prefix_removed(issue_003, issue_004):
    for reading in (issue_003, issue_004):
        assert not any("本报讯" in a.text for a in reading.articles)
    assert issue_003.articles[1].blocks[0].text.startswith("4月15日下午，区委常委会召开会议。")


def test_read_seeds_jump_markers_removed(issue_003):
    assert issue_003.articles[2].blocks[-1].text.endswith("提供更有“温度”的服务保障。")
    assert "下转" not in issue_003.text


@pytest.mark.parametrize(
    "sentence",
    ["钢铁长城。", "内防反弹”", "时代花园社区", "《区委关于", "“接诉即办”机制", "工作流程", "交叉感染。要合理调配"],
)
def test_read_seeds_column_breaks_rejoined(issue_003, issue_004, sentence):
    paragraphs = [b.text for r in (issue_003, issue_004) for a in r.articles for b in a.blocks]
    assert any(sentence in p for p in paragraphs)


def test_read_seeds_no_masthead_text_in_articles(issue_003, issue_004):
    for reading in (issue_003, issue_004):
        for line in reading.masthead.lines:
            assert not any(line in (a.heading or "") or line in a.text for a in reading.articles), line


def test_read_seeds_paragraphs_are_clean(issue_003, issue_004):
    for reading in (issue_003, issue_004):
        for article in reading.articles:
            for block in article.blocks:
                assert block.kind == "p" and block.text == block.text.strip() and "\n" not in block.text
                assert "  " not in block.text and "\u3000" not in block.text


def test_read_seeds_punctuation_made_full_width(issue_003, issue_004):
    assert issue_003.articles[0].blocks[0].text.startswith("4月8日，中共中央")
    assert "意味着什么呢？笔者以为" in issue_003.text and "最后的胜利一定属于我们！" in issue_004.text
    for reading in (issue_003, issue_004):
        shown = [reading.text, *(a.byline or "" for a in reading.articles), *(c.title for c in reading.contents)]
        assert not any(mark in text for mark in ",:;?!()" for text in shown)


def test_read_seeds_count_what_was_normalised(issue_003, issue_004):
    # 003: 123 commas and a question mark; 004: 126 commas, 2 semicolons, 1 "!" and the 导读 item's colon.
    assert issue_003.normalised == (("punctuation", 124),)
    assert issue_004.normalised == (("punctuation", 130),)


def test_read_punctuation_after_column_breaks_in_headline_byline_and_body():
    text = ("石景山报\n2020年4月16日 星期四\n\n李克强:稳就业保民生\n\n文/张三,李四\n\n"
            "全国人民齐心协力,铸就了一道钢铁\n\n长城, 坚不可摧。热线:12345,网址http://x.cn/a,b。\n\n"
            "导读\n\n我区开通热线:51517558\n\n[2版]")
    reading = newspaper.read(seed_of(text))
    (article,) = reading.articles
    assert (article.heading, article.byline) == ("李克强：稳就业保民生", "张三，李四")
    assert article.blocks[0].text == "全国人民齐心协力，铸就了一道钢铁长城，坚不可摧。热线：12345，网址http://x.cn/a,b。"
    assert reading.contents == (ContentsItem("我区开通热线：51517558", "2版"),)
    assert reading.normalised == (("punctuation", 7),)  # headline 1, byline 1, body 4, 导读 1


def test_read_nothing_to_normalise_counts_nothing():
    reading = newspaper.read(seed_of("石景山报\n2020年4月16日 星期四\n\n区委常委会召开会议\n\n会议听取了汇报。"))
    assert reading.normalised == ()


def test_extract_masthead_url_ends_before_chinese():
    masthead, _ = newspaper.extract_masthead(["海淀报", "2021年3月5日 星期五", "海淀新闻网www.bjhd.gov.cn欢迎访问"])
    assert masthead.url == "www.bjhd.gov.cn"


def test_read_seeds_masthead_kept_as_printed(issue_003):
    m = issue_003.masthead
    assert "●区政府:12345" in m.lines and "第30期(总第1907期)本期8版" in m.lines and m.issue == "第30期(总第1907期)"


# --- fixtures: one per edge case -------------------------------------------------------------------


def test_read_two_line_headline():
    (article,) = fixture("two_line_headline").articles
    assert (article.heading, article.byline, article.date_text) == ("学院路街道 推出社区核酸检测便民服务", "记者 张三", "3月4日上午")
    assert article.blocks[0].text == "3月4日上午，学院路街道在辖区内设立五个便民检测点，居民可就近预约检测，免去排队之苦。"


def test_read_article_without_byline():
    (article,) = fixture("no_byline").articles
    assert (article.heading, article.byline, article.date_text) == ("新发地市场有序恢复营业", None, "6月1日")
    assert len(article.blocks) == 2


def test_read_jump_marker_variants():
    reading = fixture("jump_markers")
    got = [(a.heading, a.continued) for a in reading.articles]
    assert got == [("区委召开专题会议部署复工复产", "2版"), ("社区志愿者坚守岗位", "4版"), ("老旧小区改造加快推进", None)]
    assert reading.articles[0].blocks[0].text.endswith("要统筹推进疫情防控和复工复产，确保各项措施落到实处。")
    assert reading.articles[1].blocks[0].text == "志愿者们每天在小区门口测温登记，风雨无阻。"
    assert not any(word in reading.text for word in ("转", "上接"))


def test_read_issue_without_contents():
    reading = fixture("no_contents")
    assert reading.contents == () and reading.warnings == ()
    assert [a.heading for a in reading.articles] == ["朝阳开展冬季消防安全检查"]


def test_read_crlf_line_endings():
    raw = (FIXTURES / "crlf.txt").read_bytes().decode("utf-8")
    text = raw.replace("\r\n", "\n").replace("\n", "\r\n")  # CRLF even if git normalised the file
    reading = newspaper.read(seed_of(text))
    (article,) = reading.articles
    assert article.heading == "八角街道开展垃圾分类宣传"
    assert article.blocks[0].text == "4月22日，八角街道组织志愿者入户宣传垃圾分类知识，发放宣传材料三千余份。"
    assert reading.masthead.date == dt.date(2020, 4, 23)
    assert not any("\r" in b.text for b in article.blocks)


def test_read_masthead_in_a_different_order():
    reading = fixture("masthead_reordered")
    m = reading.masthead
    assert (m.paper, m.date, m.issue, m.pages, m.publisher) == ("海淀报", dt.date(2021, 3, 19), "第12期(总第2001期)", 4, "中共北京市海淀区委")
    assert m.lines[0] == "第12期(总第2001期) 本期4版" and len(m.lines) == 5
    (article,) = reading.articles
    assert (article.heading, article.byline) == ("海淀区启动春季植树活动", "记者 赵六 通讯员钱七")


def test_read_contents_at_the_top_and_hotline_in_the_body():
    reading = fixture("contents_top")
    assert reading.contents == (ContentsItem("五一假期 公园游客实行预约入园", "2版"), ContentsItem("我区发布复工复产十条措施", "3版"))
    (article,) = reading.articles
    assert (article.heading, article.byline) == ("区领导检查节前安全生产工作", "通讯员石伟")
    assert "●区政府:12345" in reading.masthead.lines and "12345" not in article.text


def test_read_masthead_without_date_warns():
    reading = fixture("no_masthead_date")
    assert reading.masthead.date is None and reading.masthead.issue == "第36期(总第1913期)"
    assert reading.warnings == ("masthead has no date line (year and weekday)",)
    assert [a.heading for a in reading.articles] == ["社区医院恢复门诊服务"]


def test_read_trailing_byline_credit():
    reading = fixture("trailing_credit")
    assert [(a.heading, a.byline) for a in reading.articles] == [("丰台加强农贸市场管理", "记者 张三"), ("卢沟桥街道招募防疫志愿者", None)]


# --- odd input -----------------------------------------------------------------------------------


def test_read_empty_text_raises():
    with pytest.raises(ValueError, match="no text"):
        newspaper.read(seed_of(" \n\u3000\n"))


def test_read_text_before_first_headline_warns():
    reading = newspaper.read(seed_of("石景山报\n2020年4月16日 星期四\n\n没有标题的正文,直接开始。\n\n第二段。"))
    assert reading.articles[0].heading is None and len(reading.articles[0].blocks) == 2
    assert reading.warnings == ("text before the first headline",)


def test_read_headline_without_body_warns():
    reading = newspaper.read(seed_of("石景山报\n2020年4月16日 星期四\n\n区委常委会召开会议\n\n●石荣平"))
    assert [(a.heading, a.byline, a.blocks) for a in reading.articles] == [("区委常委会召开会议", "石荣平", ())]
    assert reading.warnings == ("article '区委常委会召开会议' has no body text",)


def test_read_masthead_only():
    reading = newspaper.read(seed_of("石景山报\n2020年4月16日 星期四\n●区政府:12345"))
    assert reading.articles == () and reading.warnings == ("no articles found in the issue",)
