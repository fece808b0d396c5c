"""Reader for plain news-wire text, the fallback kind: paragraphs out of a wall of text, trailing
credits (editor, reporter) as metadata. Also owns the credit and space-padding rules html.py reuses."""

from __future__ import annotations

import math
import re

from gen.clean import ENUMERATOR, WIDE_SPACES, clean_line, normalise_newlines, sentence_spans, strip_invisible
from gen.model import Article, Reading, Seed, paragraph

# --- paragraphs -------------------------------------------------------------------------------

# A sentence opening with one of these starts a new paragraph: the next point of a meeting report,
# an enumerated item, a change of source. Ordinals like 第一 need their comma ("第一时间" is not one).
PARAGRAPH_OPENINGS: tuple[str, ...] = (
    "会议指出", "会议强调", "会议要求", "会议认为", "会议听取", "会议决定", "会议研究", "会议审议",
    "会议通报", "会议提出", "会议明确", "会议部署", "会议传达", "会议号召",
    "一是", "二是", "三是", "四是", "五是", "六是", "七是", "八是", "九是", "十是",
    "第一，", "第二，", "第三，", "第四，", "第五，", "第六，",
    "首先", "其次", "再次", "最后", "此外，", "另外，",
    "据介绍", "据了解", "据悉", "据统计",
)
# A short sentence with no comma that opens with one of these is a topic sentence heading the
# paragraph after it ("要加强宣传引导。"); a longer one is ordinary running text.
TOPIC_OPENINGS: tuple[str, ...] = ("要", "必须")
TOPIC_MAX = 30
# Paragraphs longer than this (characters) are cut at sentence boundaries into even parts.
PARAGRAPH_MAX = 250

# Wire items that were flattened from paragraphs keep the old break as a run of spaces after a
# sentence end ("…41例。  当日新增…") or as a two-character ideographic indent ("…疫情 　　3月22日…").
# (Found run by run, in one pass: a single pattern with a white-space class on both sides of
# "\u3000{2,}" backtracks quadratically over a long run of spaces.)
FLATTENED_AFTER = "。！？；…”」』）"
_PADDING_RUN = re.compile(f"[ \t{WIDE_SPACES}]+")
_LEADING_SPACES = re.compile(r"[ \t\u00a0]{2,}")

# --- spaces -----------------------------------------------------------------------------------

# Han characters, and the full-width punctuation that needs no space around it.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = (
    "\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"  # ideographic and full-width
    "\u2018\u2019\u201c\u201d\u2026\u2014\u00b7"  # curly quotes, ellipsis, dash, middle dot
)
_HAN = re.compile(f"[{HAN}]")
_CJK_PUNCT = re.compile(f"[{CJK_PUNCT}]")
_SPACE_RUN = re.compile(f"[ \t\n\r\f\v{WIDE_SPACES}]+")

# --- credits ----------------------------------------------------------------------------------

_NAME = rf"(?:[{HAN}·]{{2,6}}|[A-Z][A-Za-z.'-]*(?: [A-Z][A-Za-z.'-]*){{0,3}})"
_ROLE = r"(?:特约|见习|实习|摄影)?(?:记者|通讯员)"
_NAMES = rf"{_NAME}(?:[ 、，,/]+(?:{_ROLE}\s*)?{_NAME}){{0,5}}"
_BARE_NAMES = rf"[{HAN}]{{2,3}}(?:[ 、，,]+[{HAN}]{{2,3}}){{0,3}}"
# A credit closing the text: what it is ("editor" | "author") and the pattern, anchored at the end.
# Group "names" is the person (or people); everything the match covers leaves the body.
CREDITS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("editor", re.compile(rf"[(（]\s*(?:责任编辑|责编|编辑)\s*[:：]?\s*(?P<names>{_NAMES})\s*[)）]\s*$")),
    ("editor", re.compile(rf"(?:责任编辑|责编)\s*[:：]?\s*(?P<names>{_NAMES})\s*$")),
    ("editor", re.compile(rf"(?:^|(?<=[。！？!?”」』)）\s]))编辑\s*[:：]?\s*(?P<names>{_NAMES})\s*$")),
    # "（记者 唐炜）", "(总台记者 李健南 倪紫慧)", "（人民日报记者韩硕）", "（央视记者 X）"
    ("author", re.compile(rf"[(（]\s*(?:[{HAN}]{{0,10}}?){_ROLE}\s*(?P<names>{_NAMES})\s*[)）]\s*$")),
    # "…治愈出院。（周輖）": a bare name in brackets right after a sentence end
    ("author", re.compile(rf"(?:^|(?<=[。！？!?”」』]))\s*[(（]\s*(?P<names>{_BARE_NAMES})\s*[)）]\s*$")),
)
# Bracketed words at the end that are not people: end marks, notes, and organisations.
NOT_NAMES = frozenset({
    "央视", "央广", "新华", "总台",
    "完", "全文完", "待续", "未完", "续完", "下同", "同上", "全文", "原文", "图文", "组图", "视频", "转载", "原标题", "注",
})
ORGANISATION_ENDINGS = tuple("社网报台委局部厅办院站区市省县所组会团队处室馆") + ("中心",)
ROLE_WORDS = re.compile(_ROLE)
NAME_SEPARATORS = re.compile(r"[ 、，,/]+")
CREDITS_MAX = 3  # "（记者 X）（编辑 Y）责任编辑：Z" at most


def looks_like(text: str) -> bool:
    """True for any text with something visible in it: wire is the fallback reader."""
    return bool(strip_invisible(text).strip())


def read(seed: Seed) -> Reading:
    """Read plain wire text into one article of paragraphs, with editor and reporter credits apart."""
    body, editor, author = extract_credits(strip_invisible(normalise_newlines(seed.text)).rstrip())
    blocks = tuple(paragraph(p) for p in split_paragraphs(body))
    warnings = () if blocks else ("no body text",)
    return Reading(kind="wire", title=None, articles=(Article(blocks=blocks),), editor=editor, author=author,
                   warnings=warnings)


# --- credits ----------------------------------------------------------------------------------


def _is_name(name: str) -> bool:
    return name not in NOT_NAMES and not name.endswith(ORGANISATION_ENDINGS)


def _names(found: str) -> str | None:
    """People named in a credit, roles dropped, joined with 、; None when they are not people."""
    names = [n for n in NAME_SEPARATORS.split(ROLE_WORDS.sub(" ", found).strip()) if n]
    if not names or not all(_is_name(n) for n in names):
        return None
    return "、".join(names)


def _credit(text: str) -> tuple[str, str, str] | None:
    """The first credit closing text: (kind, names, text before it), or None."""
    for kind, pattern in CREDITS:
        m = pattern.search(text)
        if m and (names := _names(clean_line(m["names"]))):
            return kind, names, text[: m.start()].rstrip()
    return None


def extract_credits(text: str) -> tuple[str, str | None, str | None]:
    """Text without its trailing credits, the editor and the author (reporters) they name."""
    found: dict[str, str] = {}
    for _ in range(CREDITS_MAX):
        credit = _credit(text)
        if credit is None:
            break
        kind, names, text = credit
        # read from the end backwards, so names found later stood earlier in the text
        found[kind] = f"{names}、{found[kind]}" if kind in found else names
    return text, found.get("editor"), found.get("author")


# --- spaces -----------------------------------------------------------------------------------


# A space is padding at a line's ends and between full-width punctuation and Chinese ("例 。");
# between Han characters it is debris when the run holds a line break, tab or wide space
# (indentation, source wrapping). A plain space between Han characters stays: wire text uses it to
# separate ("新京报讯 据…", "确诊病例 累计100例", "唐巍 法绮"), and so does any space beside Latin text.
def kept_space(run: str, before: str, after: str) -> str:
    """What a run of white space between two characters becomes: " " or nothing."""
    if not before or not after:
        return ""
    chinese = (_HAN.match(before) or _CJK_PUNCT.match(before)) and (_HAN.match(after) or _CJK_PUNCT.match(after))
    if chinese and (_CJK_PUNCT.match(before) or _CJK_PUNCT.match(after) or run.strip(" ")):
        return ""
    return " "


def tidy_spaces(text: str) -> str:
    """One line with invisible characters gone and padding spaces folded or dropped (see kept_space)."""
    text = strip_invisible(text)

    def fold(m: re.Match[str]) -> str:
        a, b = m.span()
        return kept_space(m.group(), text[a - 1 : a], text[b : b + 1])

    return _SPACE_RUN.sub(fold, text)


# --- paragraphs -------------------------------------------------------------------------------


def opens_paragraph(sentence: str) -> bool:
    """True when a sentence starts a new paragraph: an opening from the table, an enumerator, a topic."""
    if sentence.startswith(PARAGRAPH_OPENINGS) or ENUMERATOR.match(sentence):
        return True
    return (
        sentence.startswith(TOPIC_OPENINGS)
        and len(sentence) <= TOPIC_MAX
        and "，" not in sentence
        and "," not in sentence
    )


def _balanced_groups(spans: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Cut a run of sentences longer than PARAGRAPH_MAX into near-even parts at sentence ends."""
    total = spans[-1][1] - spans[0][0]
    if total <= PARAGRAPH_MAX or len(spans) == 1:
        return [spans]
    target = total / math.ceil(total / PARAGRAPH_MAX)
    groups: list[list[tuple[int, int]]] = [[]]
    for a, b in spans:
        current = groups[-1]
        size = current[-1][1] - current[0][0] if current else 0
        # cut before a sentence that would overflow, or that lies mostly past the even share
        if current and (size + (b - a) > PARAGRAPH_MAX or size + (b - a) / 2 > target):
            groups.append([])
        groups[-1].append((a, b))
    return groups


def split_line(line: str) -> list[str]:
    """Paragraphs of one line of text: new at paragraph openings, long runs cut evenly."""
    runs: list[list[tuple[int, int]]] = []
    for a, b in sentence_spans(line):
        if not runs or opens_paragraph(line[a:b]):
            runs.append([])
        runs[-1].append((a, b))
    groups = [g for run in runs for g in _balanced_groups(run)]
    return [text for g in groups if (text := tidy_spaces(line[g[0][0] : g[-1][1]]))]


def _flattened_break(m: re.Match[str]) -> str:
    run = m.group()
    if "\u3000\u3000" in run:
        return "\n"  # an ideographic indent: the whole run was a paragraph break
    if m.start() and m.string[m.start() - 1] in FLATTENED_AFTER and (lead := _LEADING_SPACES.match(run)):
        return "\n" + run[lead.end():]  # spaces after a sentence end
    return run


def restore_breaks(text: str) -> str:
    """Text with the paragraph breaks that flattening left as runs of spaces turned back into newlines."""
    return _PADDING_RUN.sub(_flattened_break, text)


def split_paragraphs(text: str) -> list[str]:
    """Readable paragraphs of plain text; line breaks and flattened breaks in the text are kept."""
    text = restore_breaks(strip_invisible(normalise_newlines(text)))
    return [p for line in text.split("\n") for p in split_line(line.strip())]

