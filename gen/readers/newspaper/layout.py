"""The layout of an OCR'd newspaper page: jump markers, headlines and the column breaks OCR leaves
inside paragraphs. Blocks are lines in page order, each with a kind (TEXT, BYLINE, MARKER)."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import cache

from gen.clean import BRACKET_PAIRS, ENUMERATOR_FORMS, SUBHEAD_FORMS, ends_sentence

# A page (版) number as printed: "2" or "二".
PAGE_NUMBER = r"\d{1,2}|[一二三四五六七八九十]{1,3}"
# Where a story jumps between pages: "(下转2版)", "（上接1版）", "(转第3版)", "（续第4版）".
JUMP_MARKER = re.compile(
    r"[(（]\s*(?P<verb>下转|上接|转|接|续)\s*(?:第\s*)?(?P<page>" + PAGE_NUMBER + r")\s*版\s*[)）]"
)
# Verbs whose page is where the story goes on; the others say where it came from.
JUMP_ONWARD = frozenset({"下转", "转"})

# Block kinds the page-structure functions below understand.
TEXT, BYLINE, MARKER = "text", "byline", "marker"

# A headline is short, so a long unpunctuated block is a paragraph that lost its full stop. Its
# kicker line may be tiny ("中办"); its other lines and the whole headline may not.
HEADLINE_LINE_MIN, HEADLINE_MIN, HEADLINE_MAX = 2, 4, 100
# Main title, subtitle and kicker: a longer run of short lines is a list, not a headline.
HEADLINE_LINES_MAX = 3
# Punctuation that only a sentence has; "!" and "?" may still end a headline.
_SENTENCE_INSIDE = re.compile(r"[。；;，,]|[！？!?](?=.)")
# A finished phrase does not end with an opening mark or a function word: a block ending so was
# cut mid-sentence. Words, not characters: "普及" and "参与" end headlines, "及" and "与" do not.
DANGLING_MARKS = "、“《（(【「"
DANGLING_WORDS = frozenset(
    "的 和 与 及 或 并 而 但 把 被 将 于 以 对 向 从 在 为 让 使 给 由 是 要 等 第 及其 以及 并且 而且 但是 因为 由于 关于 对于 通过 根据 按照".split()
)
# Characters a paragraph does not start with: a block starting so continues the one before.
CONTINUATION_STARTS = "，,。.、；;：:）)”’》」』】！？!?…%·们"
# Signs of a story's opening sentence: a date in brackets or a bare day ("今天(4月8日)", "李克强7日"),
# an opening "截至…", an enumeration comma. A headline-like block showing them is taken for a
# headline only when a byline follows it.
LEAD_SIGNS = re.compile(r"[(（]\d{1,2}月\d{1,2}日[)）]|(?<![月\d])\d{1,2}日(?!\d)|^(?:截至|根据|随着|为了|由于)|、")
# What may follow a number inside a sentence: a block boundary between the two splits "73|周年".
NUMBER_FOLLOWERS = "0123456789.%年月日时分秒周万亿千百个名人家户件次项例元岁度米吨倍"
# Characters either side of a block boundary handed to the word segmenter.
WORD_WINDOW = 6
# Enumerated subheads and items ("一、", "（二）", "3.", "——") open a section inside a story.
_ENUMERATION = re.compile(f"^(?:{'|'.join(ENUMERATOR_FORMS + SUBHEAD_FORMS)})")


def extract_jump_markers(text: str) -> tuple[str, tuple[str, ...]]:
    """Text without jump markers, and the pages it jumps on to ("(下转2版)" -> "2版")."""
    onward = tuple(f"{m['page']}版" for m in JUMP_MARKER.finditer(text) if m["verb"] in JUMP_ONWARD)
    return JUMP_MARKER.sub("", text).strip(), onward


def _size(text: str) -> int:
    return len(text.replace(" ", ""))


def _balanced(text: str) -> bool:
    """True when every bracket is closed (a headline with an open one is a block cut short)."""
    return all(text.count(pair[0]) == text.count(pair[1]) for pair in BRACKET_PAIRS)


def continues_text(text: str) -> bool:
    """True when a block starts with a mark no paragraph starts with (it continues the block before)."""
    stripped = text.lstrip()
    return bool(stripped) and stripped[0] in CONTINUATION_STARTS


def starts_enumeration(text: str) -> bool:
    """True when a block starts with an enumerator such as "一、", "（二）" or "3." (a subhead or an item)."""
    return bool(_ENUMERATION.match(text.lstrip()))


def is_headline_like(text: str) -> bool:
    """True for a short block with no sentence punctuation inside, balanced brackets and a finished end."""
    body = text.replace(" ", "")
    return (
        HEADLINE_LINE_MIN <= len(body) <= HEADLINE_MAX
        and re.search(r"[\u4e00-\u9fff]", body) is not None
        and _SENTENCE_INSIDE.search(body) is None
        and not ends_dangling(body)
        and not continues_text(body)
        and _balanced(body)
    )


def _opens_after_boundary(blocks: Sequence[str], kinds: Sequence[str], i: int) -> bool:
    """True when block i starts after a finished sentence, a marker or the top of the page."""
    if i == 0 or kinds[i - 1] == MARKER:
        return True
    return kinds[i - 1] in (TEXT, BYLINE) and ends_sentence(blocks[i - 1])


@cache
def _tokenizer():
    """jieba's word segmenter, loaded once (and imported only when a newspaper needs it)."""
    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)
    return jieba.Tokenizer()


def splits_word(left: str, right: str) -> bool:
    """True when the word segmenter reads a word across the boundary of left and right ("会议还研|究了")."""
    tail, head = left.replace(" ", "")[-WORD_WINDOW:], right.replace(" ", "")[:WORD_WINDOW]
    end = 0
    for word in _tokenizer().lcut(tail + head, HMM=False):  # dictionary words only, no guessed names
        end += len(word)
        if end > len(tail):
            return end - len(word) < len(tail)
    return False


def ends_dangling(text: str) -> bool:
    """True when text ends with an opening mark or a function word ("…合作与"), i.e. mid-phrase."""
    tail = text.replace(" ", "")[-WORD_WINDOW:]
    return bool(tail) and (tail[-1] in DANGLING_MARKS or _tokenizer().lcut(tail, HMM=False)[-1] in DANGLING_WORDS)


def is_cut(left: str, right: str) -> bool:
    """True when the boundary between two blocks falls inside a word or number, so it is no paragraph break."""
    splits_number = left[-1:].isdigit() and right[:1] != "" and right[0] in NUMBER_FOLLOWERS
    return continues_text(right) or splits_number or splits_word(left, right)


def _is_headline_run(blocks: Sequence[str], kinds: Sequence[str], start: int, end: int) -> bool:
    """Whether headline-like blocks[start:end] are a headline, judged by what surrounds them."""
    run = blocks[start:end]
    too_short = sum(map(_size, run)) < HEADLINE_MIN or any(_size(x) < HEADLINE_MIN for x in run[1:])
    if end >= len(blocks) or too_short:
        return False  # nothing follows (a short last paragraph), or too short: only a kicker may be tiny
    if kinds[end] == BYLINE:
        return True  # a byline settles it, even when the story before lost its full stop
    if kinds[end] != TEXT or not _opens_after_boundary(blocks, kinds, start):
        return False
    # A story's cut-off first clause looks like a headline; these tell-tales say the text goes on.
    return not (
        starts_enumeration(run[0]) or is_cut(run[-1], blocks[end]) or any(LEAD_SIGNS.search(x) for x in run)
    )


def _reads_as_opening(line: str, following: str) -> bool:
    """True when a headline-like line reads as the first words of the story that follows it."""
    return bool(LEAD_SIGNS.search(line)) or is_cut(line, following) or _size(line) < HEADLINE_MIN


def find_headlines(blocks: Sequence[str], kinds: Sequence[str]) -> list[range]:
    """Index ranges of headline blocks (one range per headline, its lines in order).

    A headline is a run of up to HEADLINE_LINES_MAX short unpunctuated blocks that follows the end
    of a sentence (or a marker, or the top) and precedes a byline or an article body.
    """
    runs: list[range] = []
    i = 0
    while i < len(blocks):
        if kinds[i] != TEXT or not is_headline_like(blocks[i]):
            i += 1
            continue
        end = i
        while end < len(blocks) and kinds[end] == TEXT and is_headline_like(blocks[end]):
            end += 1
        start = max(i, end - HEADLINE_LINES_MAX)
        for stop in range(end, start, -1):
            if _is_headline_run(blocks, kinds, start, stop):
                runs.append(range(start, stop))
                break
            if stop >= len(blocks) or not _reads_as_opening(blocks[stop - 1], blocks[stop]):
                break  # only a last line that reads as the story's cut-off opening may go to the body
        i = end
    return runs


def join_column_breaks(blocks: Sequence[str]) -> list[str]:
    """Re-join body blocks that OCR broke mid-sentence (column or line breaks); headlines excluded.

    A block is joined to the one before when that one does not end a sentence, unless it is an
    enumerated subhead or the block itself starts an enumeration.
    """
    groups: list[list[str]] = []  # pieces of each paragraph, joined once at the end (linear time)
    for block in blocks:
        block = block.strip()
        if not block:
            continue
        if groups and not ends_sentence(groups[-1][-1]) and not (
            starts_enumeration(block) or (len(groups[-1]) == 1 and starts_enumeration(groups[-1][0]) and is_headline_like(groups[-1][0]))
        ):
            groups[-1].append(block)  # no space: the break cut a Chinese sentence
        else:
            groups.append([block])
    return ["".join(g) for g in groups]
