"""Text hygiene for decoded seeds, and the signs of damage worth reporting; pure.

`scrub` removes what no reader should ever see (NUL and other control characters, zero-width and
bidirectional-override characters) and maps every line and space separator to one the readers
understand. `damage` reports what cannot be repaired safely and must reach a person: U+FFFD
replacement characters and likely mojibake (UTF-8 read as GBK, `鐨勬槸`; or as Latin-1, `Ã¤`).
`garbled_share` measures how implausible a decoding is, so decode.py can refuse a codec that
"worked" on bytes it was never meant for (Big5 bytes are almost always valid GB18030).

Every function is one pass over the text, or over a bounded sample of it, so a 50 MB seed or a
5 MB single line costs linear time.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache


# --- what scrub() removes or maps -------------------------------------------------------------

# Characters that only ever hide, join or reorder text: zero-width spaces and joiners, the BOM
# (U+FEFF inside text), word joiner, soft hyphen, Mongolian vowel separator, and the bidirectional
# marks and overrides (U+202E can make text display reversed: "Trojan Source"). clean.strip_invisible
# drops the same characters from text that scrub() never saw.
INVISIBLE = (
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Line and page breaks other than LF become LF (CR and CRLF are handled by normalise_newlines).
LINE_BREAKS = "\x0b\x0c\x85\u2028\u2029"
# Every other space separator becomes a space the readers already fold: the em-wide ones the
# ideographic space, the narrower ones an en space (both are in clean.WIDE_SPACES).
FULL_WIDTH_SPACES = "\u2001"  # em quad; U+2003 em space and U+3000 are already understood
OTHER_SPACES = "\u1680\u2000\u2004\u2005\u2006\u2007\u2008\u200a\u205f"
# C0 controls except TAB and LF, DEL, C1 controls (NEL is a line break above).
CONTROLS = "".join(chr(c) for c in (*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0)) if chr(c) not in LINE_BREAKS)
_CONTROL_NAMES = {0x00: "NUL", 0x1B: "ESC", 0x7F: "DEL"}

_TABLE = str.maketrans(
    {**{ch: None for ch in INVISIBLE + CONTROLS}, **{ch: "\n" for ch in LINE_BREAKS},
     **{ch: "\u3000" for ch in FULL_WIDTH_SPACES}, **{ch: "\u2002" for ch in OTHER_SPACES}}
)
_CONTROL_RE = re.compile(f"[{re.escape(CONTROLS)}]")

# --- damage -----------------------------------------------------------------------------------

REPLACEMENT = "\ufffd"
# Runs of non-ASCII text that may be mojibake, checked one at a time. Chinese punctuation (and
# U+FFFD) splits runs: a wrongly decoded stretch seldom holds any, and good text around it would
# otherwise dilute it.
_NON_ASCII_RUN = re.compile("[^\x00-\x7f，。、；：？！“”‘’《》（）【】\ufffd]{2,}")
# UTF-8 sequences of CJK text (U+4000–U+9FFF, U+3000–U+30FF, U+FF00–U+FFEF) in the bytes of a run.
_UTF8_CJK = re.compile(rb"[\xe4-\xe9][\x80-\xbf]{2}|\xe3[\x80-\x83][\x80-\xbf]|\xef[\xbc-\xbf][\x80-\xbf]")
# Well-formed UTF-8 sequences only (RFC 3629's table): no overlong forms, no surrogates (ED A0-BF),
# nothing above U+10FFFF, so every hit decodes.
_UTF8_ANY = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]"
    rb"|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
# Latin-1 / Windows-1252 characters: what UTF-8 bytes look like when read as a Western codec.
_LATIN_RUN = re.compile("[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{2,}")
# A run is mojibake when re-encoding it gives back UTF-8 for at least this share of its bytes.
MOJIBAKE_COVERAGE = 0.6
MOJIBAKE_MIN_CHARS = 2  # characters the run must give back once re-decoded
RUN_CHECKED = 400  # characters of a run examined: mojibake shows at once, and the cost stays linear
EXAMPLE_CONTEXT = 12  # characters shown around a damaged place
# Sample size (characters) for the plausibility measure: enough for a verdict, bounded in cost.
SAMPLE = 65536


@dataclass(frozen=True)
class Scrubbed:
    """Text after scrub(), and what was removed (counts by character)."""

    text: str
    removed: Counter


def scrub(text: str) -> Scrubbed:
    """Text without controls and invisible characters, with every break and space one the readers know."""
    removed = Counter(m.group() for m in _CONTROL_RE.finditer(text))
    return Scrubbed(text.translate(_TABLE), removed)


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _excerpt(text: str, start: int, end: int) -> str:
    a, b = max(0, start - EXAMPLE_CONTEXT), min(len(text), end + EXAMPLE_CONTEXT)
    return text[a:b].replace("\n", " ")


def _gbk_mojibake(run: str) -> str | None:
    """What a run reads as when its GBK bytes are read as UTF-8, if it reads as Chinese."""
    data = run[:RUN_CHECKED].encode("gb18030", errors="ignore")
    hits = _UTF8_CJK.findall(data)
    if len(hits) >= MOJIBAKE_MIN_CHARS and 3 * len(hits) >= MOJIBAKE_COVERAGE * len(data):
        return b"".join(hits).decode("utf-8")
    return None


def _latin_bytes(run: str) -> bytes:
    return b"".join(ch.encode("cp1252") if ch.encode("cp1252", errors="ignore") else ch.encode("latin-1", errors="ignore") for ch in run)


def _latin_mojibake(run: str) -> str | None:
    """What a run of Latin-1 characters reads as when its bytes are read as UTF-8 (`Ã¤` -> `ä`)."""
    data = _latin_bytes(run[:RUN_CHECKED])
    hits = _UTF8_ANY.findall(data)
    covered = sum(map(len, hits))
    if hits and covered >= MOJIBAKE_COVERAGE * len(data) and covered >= 2:
        return b"".join(hits).decode("utf-8")
    return None


def damage(text: str) -> list[str]:
    """Warnings about text that was damaged before it reached us: U+FFFD and likely mojibake."""
    warnings = []
    first = text.find(REPLACEMENT)
    if first >= 0:
        n = text.count(REPLACEMENT)
        warnings.append(
            f"contains {n} U+FFFD replacement character{'s' if n > 1 else ''} (text lost before it reached the archive), "
            f"first at line {_line_of(text, first)}: '{_excerpt(text, first, first + 1)}'"
        )
    for name, pattern, check in (("UTF-8 read as GBK", _NON_ASCII_RUN, _gbk_mojibake), ("UTF-8 read as Latin-1", _LATIN_RUN, _latin_mojibake)):
        found = [(m, fixed) for m in pattern.finditer(text) if (fixed := check(m.group()))]
        if found:
            m, fixed = found[0]
            warnings.append(
                f"looks like mojibake ({name}) in {len(found)} place{'s' if len(found) > 1 else ''}, first at line "
                f"{_line_of(text, m.start())}: '{m.group()[:40]}' reads as '{fixed[:40]}'; fix the source and add it again"
            )
    return warnings


def removed_warning(text_before: str, removed: Counter) -> list[str]:
    """A warning naming the control characters scrub() removed, if any (NUL is worth knowing about)."""
    if not removed:
        return []
    first = min(text_before.find(ch) for ch in removed)
    kinds = ", ".join(f"{n}× {_control_name(ch)}" for ch, n in sorted(removed.items()))
    return [f"removed control characters ({kinds}), first at line {_line_of(text_before, first)}"]


def _control_name(ch: str) -> str:
    o = ord(ch)
    return f"U+{o:04X}" + (f" {_CONTROL_NAMES[o]}" if o in _CONTROL_NAMES else "")


# --- plausibility -----------------------------------------------------------------------------


@cache
def common_han() -> frozenset[str]:
    """The characters of everyday Chinese: GB2312 (simplified) and Big5 level 1 (traditional)."""
    chars = set()
    for lead in range(0xB0, 0xF8):  # GB2312 hanzi, levels 1 and 2
        chars.update(bytes([lead, t]).decode("gb2312", errors="ignore") for t in range(0xA1, 0xFF))
    for lead in range(0xA4, 0xC7):  # Big5 frequently used characters
        chars.update(bytes([lead, t]).decode("big5", errors="ignore") for t in (*range(0x40, 0x7F), *range(0xA1, 0xFF)))
    chars.discard("")
    return frozenset(chars)


def _suspicious(ch: str, common: frozenset[str]) -> bool:
    o = ord(ch)
    if 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3FFFF:
        return ch not in common
    category = unicodedata.category(ch)
    # private use, unassigned, controls: what a wrong codec produces and no text contains
    return category in ("Co", "Cn", "Cc", "Cs") and ch not in "\t\n\r"


def garbled_share(text: str) -> float:
    """Share of a sample's non-ASCII characters that no real text would hold (0.0 for pure ASCII)."""
    sample = text[:SAMPLE]
    common = common_han()
    counts = Counter(ch for ch in sample if ord(ch) > 0x7F)
    total = sum(counts.values())
    if not total:
        return 0.0
    return sum(n for ch, n in counts.items() if _suspicious(ch, common)) / total


def control_share(text: str) -> float:
    """Share of a sample's characters that are control characters other than tab and line breaks."""
    sample = text[:SAMPLE]
    if not sample:
        return 0.0
    return len(_CONTROL_RE.findall(sample)) / len(sample)


_EVERYDAY_PUNCT = re.compile(r"[\u3000-\u303f\uff00-\uffef\u2018-\u201d\u2026\u00b7\s\x21-\x7e]")


def chinese_share(text: str) -> float:
    """Share of a sample's characters that are everyday Chinese characters, punctuation or ASCII."""
    sample = text[:SAMPLE]
    if not sample:
        return 0.0
    common = common_han()
    han = sum(1 for ch in sample if ch in common)
    return (han + len(_EVERYDAY_PUNCT.findall(sample))) / len(sample)


def accented_share(text: str) -> float:
    """Share of a sample's letters that are not ASCII (Western text: a few; mis-decoded CJK: nearly all)."""
    letters = [ch for ch in text[:SAMPLE] if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if ord(ch) > 0x7F) / len(letters)
