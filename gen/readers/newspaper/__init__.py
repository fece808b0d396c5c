"""Reader for OCR'd district newspaper issues (石景山报, 海淀报 …): masthead, 导读, articles; the
page layout (headlines, jump markers, column breaks) is in layout.py, the OCR's half-width
punctuation made full width in punctuation.py."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from gen.clean import clean_inline, clean_line, ends_sentence, normalise_newlines, split_sentences
from gen.model import Article, ContentsItem, Masthead, Reading, Seed, paragraph
from gen.readers.newspaper.layout import (
    BYLINE,
    MARKER,
    TEXT,
    extract_jump_markers,
    find_headlines,
    is_headline_like,
    join_column_breaks,
)
from gen.readers.newspaper.punctuation import normalise_punctuation, url_spans

# --- masthead ---------------------------------------------------------------------------------

# "2020年4月16日 星期四": a year and a weekday together only happen in a masthead or page header.
DATE_LINE = re.compile(
    r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日\s*(?:星期|周|礼拜)\s*(?P<wd>[一二三四五六日天])"
)
ISSUE = re.compile(r"第\s*\d+\s*期(?:\s*[(（]\s*总第\s*\d+\s*期\s*[)）])?")
PAGES = re.compile(r"(?:本期|今日|共)\s*(?P<n>\d{1,2})\s*版")
PUBLISHER = (re.compile(r"^(?P<who>.{2,40}?)\s*主办$"), re.compile(r"^主办(?:单位)?\s*[:：]\s*(?P<who>.{2,40})$"))
# Short lines ending in 报 that are reports, not paper names.
NOT_PAPER_ENDS = ("汇报", "通报", "举报", "上报", "申报", "填报", "回报", "简报", "情报", "预报", "捷报", "喜报")
# "石景山报", "北京青年报" (matched with spaces removed: OCR spaces out the big masthead letters).
PAPER = re.compile(rf"^(?!.*(?:{'|'.join(NOT_PAPER_ENDS)})$)[\u4e00-\u9fff]{{2,10}}报$")

# Masthead lines by role. Each role is a regex searched in a line with its spaces removed; a line
# matching any role is masthead, never body. "strong" roles are also removed wherever they turn up in the body
# (a page header, a hotline box set beside a story); "paper" and "publisher" only count at the top.
MASTHEAD_LINES: tuple[tuple[str, bool, re.Pattern[str]], ...] = (
    ("date", True, DATE_LINE),
    ("issue", True, re.compile(r"^第\s*\d+\s*期\s*$|总第\s*\d+\s*期|本期\s*\d+\s*版")),
    ("publisher", False, re.compile(r"主办$|^主办(?:单位)?\s*[:：]")),
    ("permit", True, re.compile(r"准印证|统一连续出版物号|CN\s*\d{2}\s*[-－]\s*\d{4}|邮发代号")),
    ("site", True, re.compile(r"^[\u4e00-\u9fff]{0,12}(?:https?://|www\.)\S+$")),
    ("hotline", True, re.compile(r"^[●○◆■□▲◎]\s*[\u4e00-\u9fff]{1,10}\s*[:：]\s*[\d\-－ ]{3,}$")),
    ("follow", True, re.compile(r"^.{0,12}(?:公众号|微信号|官方微博|客户端|二维码|扫码关注|抖音号)$")),
    ("contact", True, re.compile(r"^(?:社址|地址|邮编|电话|传真|新闻热线|广告热线|发行热线|订阅热线)\s*[:：]")),
    ("paper", False, PAPER),
)
HEAD_WINDOW = 20  # non-empty lines at the top searched for the masthead
MASTHEAD_GAP = 2  # unrecognised lines (a slogan, a box) tolerated between two masthead lines
PAPER_NEAR = 6  # how far (in lines) the paper name may be from the date or issue line
MASTHEAD_LINE_MAX = 40  # masthead lines are short; a long line with a URL is body text
WEEKDAYS = "一二三四五六日"

# --- bylines, dates, contents, markers --------------------------------------------------------

# Bylines at the start of a story's first paragraph; group "who" (if any) is the byline.
BYLINE_PREFIXES: tuple[re.Pattern[str], ...] = (
    re.compile(r"^本报讯\s*[(（]\s*(?P<who>[^()（）]{1,40}?)\s*[)）]\s*[:：]?\s*"),
    re.compile(r"^(?:新华社|中新社)[^\s(（]{0,12}电\s*[(（]\s*(?P<who>[^()（）]{1,40}?)\s*[)）]\s*"),
    re.compile(r"^本报讯\s*[:：]?\s*"),
)
_NAME = r"[\u4e00-\u9fff·]{2,6}"
# Bylines printed as a line of their own ("●石荣平", "(记者 张三)", "本报记者 张三").
BYLINE_LINES: tuple[re.Pattern[str], ...] = (
    re.compile(rf"^[●○◎□■◆]\s*(?P<who>{_NAME}(?:\s+{_NAME}){{0,3}})$"),
    re.compile(r"^[(（]\s*(?P<who>(?:本报)?(?:特约|实习)?(?:记者|通讯员)[^()（）]{1,30}?)\s*[)）]$"),
    re.compile(rf"^(?P<who>(?:本报)?(?:特约|实习)?(?:记者|通讯员)\s*{_NAME}(?:\s+(?:(?:记者|通讯员)\s*)?{_NAME}){{0,3}})$"),
    re.compile(r"^文\s*[/／]\s*(?P<who>.{2,20})$"),
)
# A story's own date near its start: "4月15日下午", "2020年4月15日".
ARTICLE_DATE = re.compile(
    r"(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:上午|下午|晚上|晚间|早上|早晨|凌晨|中午|傍晚|夜间|晚)?"
)
DATE_SENTENCES = 2  # how many opening sentences may hold the story's own date
CONTENTS_HEADER = re.compile(r"^(?:本期|今日)?导\s*读$")
# "[2版]" alone, or at the end of a 导读 item.
PAGE_MARK = re.compile(r"[\[【(（]\s*(?P<page>\d{1,2})\s*版\s*[\]】)）]$")
CONTENTS_ITEM_LINES = 3  # title lines an item may have before its page mark
# Lines that end a story or credit a photo: kept out of headline runs.
END_MARK = re.compile(r"^[(（]\s*(?:完|全文完|待续|未完待续)\s*[)）]$")
PHOTO_CREDIT = re.compile(r"^(?:本报)?(?:记者|通讯员)?\s*[\u4e00-\u9fff·]{2,4}(?:\s+[\u4e00-\u9fff·]{2,4})*\s*摄$")


@dataclass(frozen=True)
class Line:
    """One non-empty body line, classified: kind is layout.TEXT, BYLINE or MARKER."""

    text: str
    kind: str = TEXT
    jump: str | None = None  # onward page of a jump marker line, e.g. "2版"
    keep: bool = False  # a MARKER line that is still body text (a photo credit)
    credit: str | None = None  # a byline printed after the story ("(记者 张三)") instead of before


# --- sniffing ---------------------------------------------------------------------------------


def _squeeze(line: str) -> str:
    """A line without any spaces (OCR spaces out the big masthead letters)."""
    return re.sub(r"\s+", "", line)


def is_paper_name(line: str) -> bool:
    """True for a short line naming a newspaper: "石景山报", "海 淀 报"."""
    return bool(PAPER.match(_squeeze(line)))


def masthead_role(line: str, *, top: bool) -> str | None:
    """The masthead role of a cleaned line ("date", "hotline" …), or None for body text."""
    if len(line) > MASTHEAD_LINE_MAX:
        return None
    squeezed = _squeeze(line)
    return next((role for role, strong, p in MASTHEAD_LINES if (strong or top) and p.search(squeezed)), None)


def _head_lines(text: str) -> list[str]:
    lines = (clean_line(x) for x in normalise_newlines(text).split("\n"))
    return [x for x in lines if x][:HEAD_WINDOW]


def looks_like(text: str) -> bool:
    """True when the top of the text carries a masthead: a dated or numbered issue line near a paper name."""
    head = _head_lines(text)
    dated = [i for i, x in enumerate(head) if len(x) <= MASTHEAD_LINE_MAX and (DATE_LINE.search(x) or ISSUE.search(x))]
    papers = [i for i, x in enumerate(head) if is_paper_name(x)]
    return any(abs(i - j) <= PAPER_NEAR for i in dated for j in papers)


# --- masthead ---------------------------------------------------------------------------------


def split_masthead(lines: list[str]) -> tuple[list[str], list[str]]:
    """Split cleaned non-empty lines into (masthead lines at the top, the rest)."""
    end = 0  # one past the last masthead line found
    unknown = 0
    for i, line in enumerate(lines[:HEAD_WINDOW]):
        if masthead_role(line, top=True):
            end, unknown = i + 1, 0
        else:
            unknown += 1
            if unknown > MASTHEAD_GAP:
                break
    return lines[:end], lines[end:]


def _parse_date(lines: list[str]) -> tuple[dt.date | None, str | None, list[str]]:
    for line in lines:
        m = DATE_LINE.search(line)
        if not m:
            continue
        printed = clean_line(m.group(0))
        try:
            date = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            return None, printed, [f"masthead date '{printed}' is not a calendar date"]
        weekday = "日" if m["wd"] == "天" else m["wd"]
        if WEEKDAYS[date.weekday()] != weekday:
            return date, printed, [f"masthead date '{printed}': {date.isoformat()} is 星期{WEEKDAYS[date.weekday()]}"]
        return date, printed, []
    return None, None, ["masthead has no date line (year and weekday)"]


def _first(pattern: re.Pattern[str], lines: list[str]) -> re.Match[str] | None:
    return next((m for m in map(pattern.search, lines) if m), None)


def _publisher(lines: list[str]) -> str | None:
    for line in lines:
        for pattern in PUBLISHER:
            m = pattern.search(line)
            if m:
                return m["who"].strip()
    return None


def extract_masthead(lines: list[str]) -> tuple[Masthead | None, list[str]]:
    """The Masthead described by masthead lines, and warnings about what it lacks."""
    if not lines:
        return None, ["no masthead found at the top of the issue"]
    paper = next((_squeeze(x) for x in lines if is_paper_name(x)), None)
    date, date_text, warnings = _parse_date(lines)
    issue, pages = _first(ISSUE, lines), _first(PAGES, lines)
    url = next((line[start:end] for line in lines for start, end in url_spans(line)), None)
    if paper is None:
        warnings.append("masthead has no paper name (a short line ending in 报)")
    masthead = Masthead(
        paper=paper,
        date=date,
        date_text=date_text,
        issue=_squeeze(issue.group(0)) if issue else None,
        pages=int(pages["n"]) if pages else None,
        publisher=_publisher(lines),
        url=url,
        lines=tuple(lines),
    )
    return masthead, warnings


# --- contents (导读) --------------------------------------------------------------------------


def _page_mark(line: str) -> tuple[str, str] | None:
    """(title before the mark, "2版") for a line ending in a page mark such as "[2版]"."""
    m = PAGE_MARK.search(line)
    if not m:
        return None
    return line[: m.start()].strip(), f"{m['page']}版"


def split_contents(lines: list[str]) -> tuple[list[str | None], list[ContentsItem], list[str]]:
    """Take 导读 blocks out of body lines: (lines, a None where a block was, items, warnings)."""
    out: list[str | None] = []
    items: list[ContentsItem] = []
    warnings: list[str] = []
    i = 0
    while i < len(lines):
        if not CONTENTS_HEADER.match(_squeeze(lines[i])):
            out.append(lines[i])
            i += 1
            continue
        found, i = _read_contents(lines, i + 1)
        if not found:
            warnings.append("导读 heading with no items")
        items.extend(found)
        out.append(None)  # the block ends whatever story came before it
    return out, items, warnings


def _read_contents(lines: list[str], i: int) -> tuple[list[ContentsItem], int]:
    """Items of one 导读 block starting at line i, and the index after the block."""
    items: list[ContentsItem] = []
    pending: list[str] = []
    while i < len(lines):
        mark = _page_mark(lines[i])
        if mark:
            title = " ".join([*pending, mark[0]] if mark[0] else pending)
            if title:
                items.append(ContentsItem(title=title, page=mark[1]))
            pending = []
        elif is_headline_like(lines[i]) and len(pending) < CONTENTS_ITEM_LINES:
            pending.append(lines[i])
        else:
            break
        i += 1
    return items, i - len(pending)  # unmarked titles go back to the body


# --- body lines -------------------------------------------------------------------------------


def split_byline(text: str) -> tuple[str | None, str]:
    """(byline, rest) for a line that is or starts with a byline; (None, text) otherwise."""
    for pattern in BYLINE_LINES:
        m = pattern.match(text)
        if m:
            return clean_line(m["who"]), ""
    for pattern in BYLINE_PREFIXES:
        m = pattern.match(text)
        if m:
            who = m.groupdict().get("who")
            return (clean_line(who) if who else None), text[m.end():].strip()
    return None, text


def _is_byline(text: str) -> bool:
    return any(p.match(text) for p in (*BYLINE_LINES, *BYLINE_PREFIXES))


def classify(lines: list[str | None]) -> tuple[list[Line], list[str]]:
    """Body lines as Line records: jump markers split off, masthead debris dropped (and returned)."""
    out: list[Line] = []
    debris: list[str] = []
    for raw in lines:
        if raw is None:
            out.append(Line("", MARKER))
            continue
        if masthead_role(raw, top=False):
            debris.append(raw)
            continue
        mark = _page_mark(raw)
        if mark and not mark[0]:
            out.append(Line("", MARKER))  # a "[2版]" outside 导读: layout, it ends the story before
            continue
        text, onward = extract_jump_markers(raw)
        if text:
            out.append(_line(text, out[-1] if out else None))
        out.extend(Line("", MARKER, jump=page) for page in onward)
    return out, debris


def _line(text: str, before: Line | None) -> Line:
    """A classified body line, given the line before it."""
    if END_MARK.match(text):
        return Line("", MARKER)
    if PHOTO_CREDIT.match(text):
        return Line(text, MARKER, keep=True)
    if not _is_byline(text):
        return Line(text, TEXT)
    who, rest = split_byline(text)
    if who and not rest and before is not None and before.kind != MARKER and ends_sentence(before.text):
        # After a finished paragraph a bare byline closes that story; it must not open the next.
        return Line(text, MARKER, credit=who)
    return Line(text, BYLINE)


# --- articles ---------------------------------------------------------------------------------


def split_stories(lines: list[Line]) -> list[tuple[str | None, list[Line]]]:
    """(headline, body lines) per story; lines before the first headline get headline None."""
    runs = find_headlines([x.text for x in lines], [x.kind for x in lines])
    starts = {run.start: run for run in runs}
    stories: list[tuple[str | None, list[Line]]] = []
    heading: str | None = None
    body: list[Line] = []
    i = 0
    while i < len(lines):
        run = starts.get(i)
        if run is None:
            body.append(lines[i])
            i += 1
            continue
        if heading is not None or any(x.text for x in body):
            stories.append((heading, body))
        heading, body = " ".join(lines[j].text for j in run), []
        i = run.stop
    if heading is not None or any(x.text for x in body):
        stories.append((heading, body))
    return stories


def extract_article_date(text: str) -> str | None:
    """The first date a story states in its opening sentences ("4月15日下午"), as printed."""
    opening = "".join(split_sentences(text)[:DATE_SENTENCES])
    m = ARTICLE_DATE.search(opening)
    return m.group(0) if m else None


def build_article(heading: str | None, body: list[Line]) -> tuple[Article, list[str], int]:
    """One Article from its headline and body lines, with warnings about oddities and how many
    punctuation marks were made full width (in its headline, byline and paragraphs)."""
    heading, normalised = normalise_punctuation(heading) if heading else (heading, 0)
    name = f"article '{heading}'" if heading else "untitled article"
    warnings: list[str] = []
    byline: str | None = None
    continued: str | None = None
    paragraphs: list[str] = []
    pending: list[str] = []  # text lines not yet joined across column breaks
    for line in body:
        if line.jump:
            continued = line.jump  # the last jump wins: a story jumps on from its end
        if line.kind == BYLINE:
            who, rest = split_byline(line.text)
            if byline is None and who:
                byline = who
            elif who:
                warnings.append(f"{name}: second byline '{who}' inside the body")
            if rest:
                pending.append(rest)
            continue
        if line.credit and byline is None:
            byline = line.credit
        if line.kind == MARKER:
            paragraphs += join_column_breaks(pending)
            pending = [line.text] if line.keep else []
            continue
        pending.append(line.text)
    paragraphs += join_column_breaks(pending)
    if byline:
        byline, n = normalise_punctuation(byline)
        normalised += n
    texts = []
    for text in paragraphs:
        # Before clean_inline, which then drops a space left between "，" and Chinese ("时, 全省").
        text, n = normalise_punctuation(text)
        texts.append(clean_inline(text))
        normalised += n
    blocks = tuple(paragraph(p) for p in texts if p)
    if not blocks:
        warnings.append(f"{name} has no body text")
    date_text = extract_article_date(blocks[0].text) if blocks else None
    article = Article(heading=heading, byline=byline, date_text=date_text, blocks=blocks, continued=continued)
    return article, warnings, normalised


# --- reader -----------------------------------------------------------------------------------


def read(seed: Seed) -> Reading:
    """Read an OCR'd newspaper issue into masthead, contents and articles."""
    lines = [x for x in (clean_line(y) for y in normalise_newlines(seed.text).split("\n")) if x]
    if not lines:
        raise ValueError(f"{seed.path}: newspaper issue has no text")
    head, rest = split_masthead(lines)
    body, contents, warnings = split_contents(rest)
    contents, normalised = _normalise_contents(contents)
    classified, debris = classify(body)
    masthead, more = extract_masthead(head + debris)
    warnings += more
    articles: list[Article] = []
    for heading, story in split_stories(classified):
        if heading is None and articles == []:
            warnings.append("text before the first headline")
        article, more, n = build_article(heading, story)
        articles.append(article)
        warnings += more
        normalised += n
    if not articles:
        warnings.append("no articles found in the issue")
    return Reading(
        kind="newspaper",
        title=None,
        articles=tuple(articles),
        masthead=masthead,
        contents=tuple(contents),
        warnings=tuple(warnings),
        normalised=(("punctuation", normalised),) if normalised else (),
    )


def _normalise_contents(items: list[ContentsItem]) -> tuple[list[ContentsItem], int]:
    """导读 items with their titles' punctuation made full width, and how many marks changed."""
    out, total = [], 0
    for item in items:
        title, n = normalise_punctuation(item.title)
        out.append(ContentsItem(title=title, page=item.page))
        total += n
    return out, total
