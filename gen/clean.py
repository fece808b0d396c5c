"""Pure text normalisation shared by every reader: whitespace, invisible characters, sentences, and
the punctuation tables readers and extractors share (sentence ends, brackets, enumerators)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from gen.hygiene import CONTROLS, INVISIBLE

# Spaces that only indent or pad Chinese text: ideographic space, no-break space and friends.
WIDE_SPACES = "\u3000\u00a0\u2002\u2003\u2009\u202f"

# Characters that end a sentence, and closing marks that may follow them.
SENTENCE_END = "。！？!?；;…"
CLOSERS = "”’」』）)》〕】\"'"
# Quotes and brackets a sentence is not split inside (a quoted sentence stays whole).
UNSPLIT_PAIRS = ("“”", "「」", "『』", "（）", "()")
# Bracket pairs, opening mark first: text holding one mark without the other was cut between them.
BRACKET_PAIRS = ("（）", "()", "“”", "《》", "【】", "「」", "[]", "‘’")
# Enumerators opening a point or an item, as regex alternatives: "一、", "（二）", "3、", "3．" (not "1.5万").
ENUMERATOR_FORMS = (r"[一二三四五六七八九十]{1,3}、", r"[(（][一二三四五六七八九十\d]{1,3}[)）]", r"\d{1,2}[、．](?!\d)")
# Further forms print gives its subheads: a full stop after the numeral ("一．", "二.", "3.") and a
# dash lead ("——"). The newspaper layout takes these too; the wire reader opens paragraphs at the
# forms above only (these would also split one dxy item of 3,378, at "1. 姜xx").
SUBHEAD_FORMS = (r"[一二三四五六七八九十]{1,3}[.．]", r"\d{1,2}\.(?!\d)", "——")
ENUMERATOR = re.compile(f"^(?:{'|'.join(ENUMERATOR_FORMS)})")

# What hygiene.scrub() removes, and the control characters it turns into line breaks: text scrub()
# never saw (an HTML entity such as &#8203; that the HTML reader decodes, a reader called directly)
# loses them here.
_INVISIBLE = re.compile(f"[{re.escape(CONTROLS + INVISIBLE)}\x0b\x0c\x85]")
_UNSPLIT_OPEN = "".join(pair[0] for pair in UNSPLIT_PAIRS)
_UNSPLIT_CLOSE = "".join(pair[1] for pair in UNSPLIT_PAIRS)
_SPACES = re.compile(f"[ \t{WIDE_SPACES}]+")
_CJK = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")


def normalise_newlines(text: str) -> str:
    """Turn CRLF and lone CR into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def strip_invisible(text: str) -> str:
    """Drop control characters (except tab, newline and carriage return) and invisible characters."""
    return _INVISIBLE.sub("", text)


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
        if ch in _UNSPLIT_OPEN:
            depth += 1
        elif ch in _UNSPLIT_CLOSE:
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
