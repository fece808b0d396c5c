"""Half-width punctuation that OCR prints in Chinese text ("4月8日,中共中央"), made full width where
the text around it is Chinese; never inside a number ("1,000", "12:30"), a URL or Latin text.

Measured on the two OCR'd issues in seeds/ (003, 004): their articles and 导读 hold 249 ASCII
commas, one each of ? and !, two semicolons and one colon (a 导读 item, "热线:51517558"), all in
Chinese text, and not one full-width comma, colon or bracket; their ASCII brackets are all in the
masthead, bylines and jump markers, which the reader takes out before this step. A wire corpus of
mixed text (dxy-news, 3,378 items) adds the cases to leave alone: 88 commas and 46 colons between
digits ("27,980", "12:00") and English sentences with a comma before a curly quote ("citizens,”
Trudeau said").
"""

from __future__ import annotations

import re
import unicodedata

# Each mark and the full-width form Chinese text uses.
FULL_WIDTH: dict[str, str] = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
# Marks decided one by one; brackets are decided as a pair.
SINGLE_MARKS = frozenset(",:;?!")
OPENING, CLOSING = "(（", ")）"

# A URL is left as it is: ASCII URL characters, less trailing punctuation that ends the sentence.
URL = re.compile(r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*", re.IGNORECASE)
URL_TRAILING = ".,:;!?'\")]"

# What decides is letters and digits, which this never changes (so a second pass changes nothing).
# A mark , : ; ? ! belongs to the words before it: it looks back past spaces and punctuation of
# either width (quotes, brackets, ellipses, dashes, other marks) to the nearest letter or digit
# ("“常态化”,中国"). Only when that one is not Chinese does the character right after it (spaces
# aside) decide ("共50,其中", a line starting ",继续"); punctuation there decides nothing, so the
# ";" of "&gt;。" stays. A bracket pair looks past spaces only: set against other punctuation, as in
# "[点击](javascript:…)", it is decided by what it holds. A letter or digit is Chinese when East
# Asian width calls it wide or full width (Han, kana, hangul, full-width digits and letters).
NONE, LATIN, CJK = 0, 1, 2


def _kind(ch: str) -> int:
    if not ch.isalnum():
        return NONE
    return CJK if unicodedata.east_asian_width(ch) in ("W", "F") else LATIN


def url_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each URL in text, without the punctuation that follows it."""
    spans = []
    for m in URL.finditer(text):
        url = m.group(0)
        while url and url[-1] in URL_TRAILING and not (url[-1] == ")" and url.count("(") >= url.count(")")):
            url = url[:-1]
        spans.append((m.start(), m.start() + len(url)))
    return spans


def _nearest(text: str, kinds: list[int], order: range, past_punctuation: bool) -> list[int]:
    """For each position, the kind of the nearest character before it in `order` that is not a
    space (and, `past_punctuation`, not punctuation either): NONE for punctuation or nothing."""
    out = [NONE] * len(text)
    last = NONE
    for i in order:
        out[i] = last
        if kinds[i] != NONE or not (past_punctuation or text[i].isspace()):
            last = kinds[i]
    return out


def normalise_punctuation(text: str) -> tuple[str, int]:
    """Text with ASCII , : ; ? ! ( ) made full width where the text around them is Chinese, and
    how many marks changed.

    A mark changes when the nearest letter or digit before it, or else the character right after it,
    is Chinese, unless it sits right between two digits ("1,000", "12:30"); a pair of brackets
    changes when what it holds, or a letter or digit right outside it, is Chinese; nothing inside
    a URL changes.
    """
    if not any(ch in FULL_WIDTH for ch in text):
        return text, 0
    chars = list(text)
    found = _changed(text)
    for i in found:
        chars[i] = FULL_WIDTH[text[i]]
    return "".join(chars), len(found)


def _changed(text: str) -> list[int]:
    """Positions of the marks to make full width."""
    kinds = [_kind(ch) for ch in text]
    forward, backward = range(len(text)), range(len(text) - 1, -1, -1)
    before = _nearest(text, kinds, forward, True)
    left, right = _nearest(text, kinds, forward, False), _nearest(text, kinds, backward, False)
    cjk_upto = [0]  # Chinese letters and digits in text[:i]: what a bracket pair holds, in O(1)
    for k in kinds:
        cjk_upto.append(cjk_upto[-1] + (k == CJK))
    protected = bytearray(len(text))
    for start, end in url_spans(text):
        protected[start:end] = b"\x01" * (end - start)
    found = []
    opened: list[int] = []
    for i, ch in enumerate(text):
        if protected[i]:
            continue
        if ch in SINGLE_MARKS:
            between_digits = 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()
            if not between_digits and CJK in (before[i], right[i]):
                found.append(i)
        elif ch in OPENING:
            opened.append(i)
        elif ch in CLOSING and opened:
            j = opened.pop()  # brackets pair across widths: OCR may print one half of a pair wide
            if cjk_upto[i] > cjk_upto[j + 1] or CJK in (left[j], right[i]):
                found += [k for k in (j, i) if text[k] in FULL_WIDTH]
    return sorted(found)
