"""Pure text normalisation shared by every reader: whitespace, invisible characters, sentence ends."""

from __future__ import annotations

import re
import unicodedata

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


def split_sentences(text: str) -> list[str]:
    """Split Chinese text after sentence-final punctuation, keeping closing quotes with the sentence.

    Text inside “…” is not split, so a quoted sentence stays whole.
    """
    sentences: list[str] = []
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
            sentences.append(text[start:j])
            start = i = j
            continue
        i += 1
    if start < n and text[start:].strip():
        sentences.append(text[start:])
    return [s.strip() for s in sentences if s.strip()]
