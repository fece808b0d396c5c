"""Pure text normalisation shared by every reader: whitespace, invisible characters, sentence ends."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator, Sequence
from functools import cache

# Zero-width characters that break words (and search tokens) without showing.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"

# Spaces that only indent or pad Chinese text: ideographic space, no-break space and friends.
WIDE_SPACES = "\u3000\u00a0\u2002\u2003\u2009\u202f"

# Characters that end a sentence, and closing marks that may follow them.
SENTENCE_END = "。！？!?；;…"
CLOSERS = "”’」』）)》〕】\"'"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ZERO_WIDTH = re.compile(f"[{ZERO_WIDTH}]")
_SPACES = re.compile(f"[ \t{WIDE_SPACES}]+")
_CJK = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")


def normalise_newlines(text: str) -> str:
    """Turn CRLF and lone CR into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def strip_invisible(text: str) -> str:
    """Drop control characters (except tab and newline) and zero-width characters."""
    return _ZERO_WIDTH.sub("", _CONTROL.sub("", text))


def clean_line(text: str) -> str:
    """One line of body text: invisible characters gone, padding spaces folded and trimmed."""
    return _SPACES.sub(" ", strip_invisible(text)).strip()


def clean_inline(text: str) -> str:
    """Like clean_line, and also drop single spaces between Chinese characters (indentation debris)."""
    return _SPACE_BETWEEN_CJK.sub("", clean_line(text))


def ends_sentence(text: str) -> bool:
    """True when text ends with sentence-final punctuation, possibly followed by closing marks."""
    stripped = text.rstrip().rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_END


def nfkc(text: str) -> str:
    """NFKC-normalised, trimmed text (for tags and other controlled values)."""
    return unicodedata.normalize("NFKC", text).strip()


# NFKC changes a character only together with its neighbours (combining marks): past this many
# characters from where a text is cut, its normalised start is that of the whole text.
_NFKC_MARGIN = 64


def nfkc_head(text: str, n: int, strip: bool = False) -> str:
    """The first n characters of the NFKC-normalised text (stripped of surrounding whitespace
    first, if `strip`), normalising only the start of a long text: extractors look at leads."""
    if len(text) > n + _NFKC_MARGIN:
        head = unicodedata.normalize("NFKC", text[: n + _NFKC_MARGIN])
        head = head.lstrip() if strip else head
        # Exact when enough of the head is left past n (and, stripping, text goes on after it).
        if len(head) >= n + _NFKC_MARGIN // 4 and (not strip or head[n : -_NFKC_MARGIN // 4].strip()):
            return head[:n]
    full = unicodedata.normalize("NFKC", text)
    return (full.strip() if strip else full)[:n]


def split_sentences(text: str) -> list[str]:
    """Split Chinese text after sentence-final punctuation, keeping closing quotes with the sentence.

    Text inside “…” is not split, so a quoted sentence stays whole.
    """
    return list(_sentences(text))


def first_sentence(text: str) -> str:
    """split_sentences(text)[0] (or ""), reading no further than that sentence."""
    return next(_sentences(text), "")


def _sentences(text: str) -> Iterator[str]:
    start = 0
    depth = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in "“「『（(":
            depth += 1
        elif ch in "”」』）)":
            depth = max(0, depth - 1)
        elif ch in SENTENCE_END and depth == 0:
            j = i + 1
            while j < n and (text[j] in SENTENCE_END or text[j] in CLOSERS):
                j += 1
            if sentence := text[start:j].strip():
                yield sentence
            start = i = j
            continue
        i += 1
    if sentence := text[start:].strip():
        yield sentence


# English sentence ends, inside a piece split_sentences keeps whole; not after abbreviations.
ENGLISH_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘']?[A-Z])")
WORD_LOOKBACK = 32  # characters before a stop searched for the word it ends (longer words are no abbreviations)
ENGLISH_ABBREVIATIONS = frozenset(
    "mr mrs ms dr gov sen rep st u.s no vs jr sr inc co corp prof gen lt col dept est approx".split()
)


def _english_cuts(sentence: str) -> list[int]:
    """Offsets where English sentences start inside a piece of text (none for Chinese text)."""
    cuts = []
    for m in ENGLISH_SENTENCE_END.finditer(sentence):
        # the word before the stop; a bounded look-back keeps this linear on a long line
        word = sentence[max(0, m.start() - WORD_LOOKBACK) : m.start()].rsplit(None, 1)[-1].rstrip(".!?\"”’'").lower()
        if word not in ENGLISH_ABBREVIATIONS and len(word) > 1:
            cuts.append(m.end())
    return cuts


def sentence_spans(line: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a line, so joining keeps the original text between them."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for sentence in split_sentences(line):
        start = line.find(sentence, pos)
        pos = start + len(sentence)
        edges = [0, *_english_cuts(sentence), len(sentence)]
        spans.extend((start + a, start + b) for a, b in zip(edges, edges[1:]) if a < b)
    return spans


# --- OCR'd newspaper pages: jump markers, headlines and column breaks -------------------------

# Where a story jumps between pages: "(下转2版)", "（上接1版）", "(转第3版)", "（续第4版）".
JUMP_MARKER = re.compile(
    r"[(（]\s*(?P<verb>下转|上接|转|接|续)\s*(?:第\s*)?(?P<page>\d{1,2}|[一二三四五六七八九十]{1,3})\s*版\s*[)）]"
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
# Bracket pairs a headline keeps balanced; an open bracket means the block was cut.
BRACKETS = ("（）", "()", "“”", "《》", "【】", "「」", "[]")
# Signs of a story's opening sentence: a date in brackets or a bare day ("今天(4月8日)", "李克强7日"),
# an opening "截至…", an enumeration comma. A headline-like block showing them is taken for a
# headline only when a byline follows it.
LEAD_SIGNS = re.compile(r"[(（]\d{1,2}月\d{1,2}日[)）]|(?<![月\d])\d{1,2}日(?!\d)|^(?:截至|根据|随着|为了|由于)|、")
# What may follow a number inside a sentence: a block boundary between the two splits "73|周年".
NUMBER_FOLLOWERS = "0123456789.%年月日时分秒周万亿千百个名人家户件次项例元岁度米吨倍"
# Characters either side of a block boundary handed to the word segmenter.
WORD_WINDOW = 6
# Enumerated subheads and items ("一、", "（二）", "3.", "——") open a section inside a story.
_ENUMERATION = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、．.](?!\d)|——)")


def extract_jump_markers(text: str) -> tuple[str, tuple[str, ...]]:
    """Text without jump markers, and the pages it jumps on to ("(下转2版)" -> "2版")."""
    onward = tuple(f"{m['page']}版" for m in JUMP_MARKER.finditer(text) if m["verb"] in JUMP_ONWARD)
    return JUMP_MARKER.sub("", text).strip(), onward


def _size(text: str) -> int:
    return len(text.replace(" ", ""))


def _balanced(text: str) -> bool:
    return all(text.count(pair[0]) == text.count(pair[1]) for pair in BRACKETS)


def continues_text(text: str) -> bool:
    """True when a block starts with a mark no paragraph starts with (it continues the block before)."""
    stripped = text.lstrip()
    return bool(stripped) and stripped[0] in CONTINUATION_STARTS


def starts_enumeration(text: str) -> bool:
    """True when a block starts with an enumerator such as "一、", "（二）" or "3."."""
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
