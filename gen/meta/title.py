"""The document title: the stated title line, a newspaper's masthead, or one derived from the lead."""

from __future__ import annotations

import re

from gen.clean import BRACKET_PAIRS, SENTENCE_END, clean_line, sentence_spans
from gen.model import Found, Masthead, Reading

TITLE_MAX = 40  # characters, "…" included
TITLE_MIN = 8  # a lead sentence shorter than this ("好消息！") takes the next sentence along
FALLBACK_CHARS = 30  # when the lead yields nothing usable

# Datelines, sources, time settings and boilerplate that open a lead but say nothing about the
# story. Applied again and again at the start of the lead until none matches.
_DATE = r"(?:\d{4}\s*年\s*)?(?:\d{1,2}\s*月\s*)?\d{1,2}\s*[日号]"
_CLOCK = r"\d{1,2}(?:[:：]\d{2})?\s*(?:[时点](?:\s*\d{1,2}\s*分)?)?"
_TIMES = rf"(?:{_CLOCK}(?:\s*[至到—\-－–~～]+\s*(?:{_DATE})?\s*{_CLOCK})?)"
_PART_OF_DAY = r"(?:凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|晚间|夜间|晚|当天|当日|以来|起|前后)"
_ZONE = r"(?:当地时间|北京时间|美东时间|欧洲中部时间)"
_COMMA = r"\s*[，,：:]\s*"
_BYLINE = r"(?:[(（][^()（）]{0,30}[)）])"
_ASIDE = r"(?:[(（][^()（）]{0,12}[)）])"
_DAY_WORD = r"(?:今天|今日|昨天|昨日|前天|日前|近日|近期|目前|当天|当日|此前|同日|今年以来)"
DATELINE_PREFIXES: tuple[re.Pattern[str], ...] = (
    # "新京报讯 ", "本报讯（记者 张三）", "新华社北京2月13日电（记者 X）", "中新网2月13日电"
    re.compile(rf"^[\u4e00-\u9fff]{{0,8}}?(?:报讯|社讯)\s*{_BYLINE}?\s*[:：，,]?\s*"),
    re.compile(rf"^(?:新华社|中新社|中新网|人民网|新华网)[^，。\s]{{0,14}}?电\s*{_BYLINE}?\s*[:：，,]?\s*"),
    # "央视网消息（新闻联播）：", "工信部消息称，"
    re.compile(rf"^[\u4e00-\u9fff]{{2,8}}消息称?\s*{_ASIDE}?{_COMMA}"),
    # "据北京石景山官微消息，", "据日本共同社16日消息，", "据@首都健康 ，"
    re.compile(rf"^据[^，。：:]{{1,24}}?{_COMMA}"),
    # "记者从北京市卫健委获悉，", "记者今天从…了解到，"
    re.compile(rf"^(?:本报|总台)?记者[^，。]{{0,30}}?(?:获悉|了解到|得知|看到){_COMMA}"),
    # "北京卫健委：", "重庆市卫健委："
    re.compile(r"^[\u4e00-\u9fff]{0,12}(?:卫健委|卫生健康委员会|卫生健康委|卫生厅|疾控中心|新闻办|指挥部)\s*[:：]\s*"),
    # "2月13日0时至24时，", "2020年2月5日0-24时,", "6月1日，", "23日23时30分，", "17 日以来，"
    re.compile(rf"^{_DATE}\s*{_TIMES}?\s*{_PART_OF_DAY}?{_COMMA}"),
    # "当地时间15日，", "北京时间3月1日晚，", "截至2月1日24时，", "截至当地时间23日21时20分，"
    re.compile(rf"^(?:截[至止]\s*{_ZONE}?|{_ZONE})\s*(?:{_DATE})?\s*{_TIMES}?\s*{_PART_OF_DAY}?{_COMMA}"),
    # "今天（6月23日），", "近日，", "截至目前，"
    re.compile(rf"^(?:截[至止])?{_DAY_WORD}\s*{_ASIDE}?{_COMMA}"),
    # "好消息！", "快讯："
    re.compile(r"^(?:好消息|快讯|突发|最新消息|最新|重磅)\s*[！!：:，,]\s*"),
    # BBC page furniture that the feed kept
    re.compile(r"^(?:Media playback is unsupported on your device|Image (?:caption|copyright)(?: Getty Images)?)\s*"),
)
DATELINE_ROUNDS = 6
# A lead opening with a bracketed headline ("【#河南新增89例累计确诊764例#】…", possibly after a
# "#topic#"), or with a topic alone ("#武汉12家快递企业复工#…"): that is the title.
LEAD_HEADLINES: tuple[re.Pattern[str], ...] = (
    re.compile(r"^\s*(?:#[^#]{1,40}#\s*)*【\s*(?P<title>[^【】]{4,80}?)\s*】"),
    re.compile(r"^\s*#(?P<title>[^#]{4,40})#"),
)
# Where a long sentence may be cut without "…": after a clause, or at a space between Chinese
# phrases (headlines separate their parts so). "4,826" is no clause end.
CLAUSE_END = re.compile(r"[，；：]|[,;:](?=\s)|(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")
CLAUSE_MIN = 12  # a shorter first clause says too little: cut mid-clause instead
# A clause ending so announces what follows ("…8例，其中：青岛市2例", "…今天下午公布，日本…") or only
# sets the time ("…通报，当地时间20日0时至21日0时，…"): no place to stop a title.
DANGLING_CLAUSE = re.compile(
    r"(?:其中|包括|分别为|分别是|如下|表示|指出|称|公布|通报|宣布|获悉|显示|介绍|透露|报道|发布|认为|强调)$"
    r"|(?:\d{1,2}\s*[日号时点分]|上午|下午|晚间|晚上|以来)$"
)
TRAILING_PUNCT = SENTENCE_END + "，,、：:；;·. \t"
WEEKDAY = re.compile(r"\s*(?:星期|周|礼拜)[一二三四五六日天]\s*")
ISSUE_NUMBER = re.compile(r"第\s*(\d+)\s*期")
# A word or number at the end of a cut, which the cut must not split ("4,826", "coronavirus").
UNSPLITTABLE_END = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,%'’-]*$")
WORD_CHAR = re.compile(r"[A-Za-z0-9]")


def derive_title(reading: Reading) -> Found | None:
    """The document title and how it was found; None only for a document with no text at all."""
    if reading.title and (title := clean_line(reading.title)):
        return Found(title, "标题行")
    if reading.masthead is not None and reading.masthead.paper:
        return Found(masthead_title(reading.masthead), "报头")
    # a single story's own headline is as good as a title line
    if len(reading.articles) == 1 and (heading := clean_line(reading.articles[0].heading or "")):
        return Found(heading, "标题行")
    paragraphs = [clean_line(b.text.replace("\n", " ")) for a in reading.articles for b in a.blocks]
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        return None
    return Found(lead_title(paragraphs) or paragraphs[0][:FALLBACK_CHARS], "导语")


def masthead_title(masthead: Masthead) -> str:
    """"石景山报 2020年4月16日 第30期": paper, printed date without its weekday, issue number."""
    if masthead.date_text:
        date = WEEKDAY.sub(" ", clean_line(masthead.date_text)).strip()
    elif masthead.date:
        date = f"{masthead.date.year}年{masthead.date.month}月{masthead.date.day}日"
    else:
        date = ""
    m = ISSUE_NUMBER.search(masthead.issue or "")
    issue = f"第{m[1]}期" if m else ""
    return " ".join(part for part in (clean_line(masthead.paper), date, issue) if part)


def strip_dateline(text: str) -> str:
    """The lead without the datelines, sources and time settings it opens with (may leave nothing)."""
    for _ in range(DATELINE_ROUNDS):
        for pattern in DATELINE_PREFIXES:
            m = pattern.match(text)
            if m and m.end() > 0:
                text = text[m.end() :]
                break
        else:
            break
    return text


def _sentences(text: str) -> list[str]:
    """Sentences of Chinese or English text."""
    return [s for a, b in sentence_spans(text) if (s := text[a:b].strip())]


def _balanced(text: str) -> bool:
    """True when no bracket is left open (a cut there would end the title inside brackets)."""
    return all(text.count(pair[0]) <= text.count(pair[1]) for pair in BRACKET_PAIRS)


def trim_punctuation(text: str) -> str:
    """Text without trailing punctuation; a closing quote stays, the full stop inside it goes."""
    text = text.rstrip(TRAILING_PUNCT)
    if text and text[-1] in "”」』）)》" and len(text) > 1:
        text = text[:-1].rstrip(TRAILING_PUNCT) + text[-1]
    return text


def shorten(sentence: str, limit: int = TITLE_MAX) -> str:
    """At most `limit` characters: whole clauses when they fit, else a cut mid-clause marked "…"."""
    sentence = trim_punctuation(sentence)
    if len(sentence) <= limit:
        return sentence
    cuts = [m.start() for m in CLAUSE_END.finditer(sentence, 0, limit + 1)]
    cuts = [
        i for i in cuts
        if CLAUSE_MIN <= i <= limit and _balanced(sentence[:i]) and not DANGLING_CLAUSE.search(sentence[:i])
    ]
    if cuts:
        return trim_punctuation(sentence[: cuts[-1]])
    head = sentence[: limit - 1]
    # never split an English word or a number: back off to where it starts
    word = UNSPLITTABLE_END.search(head)
    if word and WORD_CHAR.match(sentence, limit - 1) and word.start() >= limit // 2:
        head = head[: word.start()]
    return trim_punctuation(head) + "…"


def lead_title(paragraphs: list[str]) -> str:
    """A title from the lead: dateline stripped, first sentence, cut at a natural boundary."""
    for text in paragraphs:
        headline = next(filter(None, (p.match(text) for p in LEAD_HEADLINES)), None)
        if headline and (title := shorten(clean_line(headline["title"].replace("#", "")))):
            return title
        sentences = _sentences(strip_dateline(text))
        if not sentences:
            continue
        lead = sentences[0]
        if len(trim_punctuation(lead)) < TITLE_MIN and len(sentences) > 1:
            # English sentences were split at a space, which the join puts back
            lead += (" " if lead[-1].isascii() and sentences[1][0].isascii() else "") + sentences[1]
        if title := shorten(lead):
            return title
    return ""
