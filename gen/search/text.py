"""Normalisation and tokens: the one definition of "the same text" for the index and for queries.

worker.js mirrors these rules exactly (same character classes, same order of steps); a browser test
checks that both sides tokenise a sample alike.

- normalise: NFKC (full-width letters and digits, compatibility ideographs), then fold traditional
  to simplified characters, then lower-case.
- tokens: every CJK ideograph is a token of its own; a run of letters is a word; a run of decimal
  digits is a number (letters and digits are split apart: `covid19` → `covid`, `19`). Whitespace,
  punctuation and symbols are not tokens, so they are ignored for matching.
- keys (index.py), per token position p inside one block (a paragraph, list item, heading, table
  cell …): a word or number gives itself; a CJK character gives the bigram of itself and the next
  token when that is CJK too, its one-character key (page counts only, for one-character queries),
  and, when it starts or ends its run of CJK characters, the edge key `|c` (with positions, for
  a lone character next to a number in a query: `2020年`). Blocks are separated by one unused
  position, so no phrase matches across a paragraph boundary.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

# U+3007 〇 is used as a numeral in dates (二〇二〇年); the rest are the CJK Unified Ideographs
# blocks, the compatibility block (emptied by NFKC) and the supplementary planes' extensions.
CJK_CLASS = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Group 1: one ideograph. Group 2: a run of letters (word characters that are not digits, `_` or
# CJK: Unicode categories L, Nl, No) or a run of decimal digits (Nd).
TOKEN = re.compile(f"([{CJK_CLASS}])|([^\\W\\d_{CJK_CLASS}]+|\\d+)")
# Marks the key of a CJK character at the start or end of its run (next to a word, a number or a
# block edge); such keys carry positions, plain one-character keys carry page counts only.
EDGE = "|"
_CJK = re.compile(f"[{CJK_CLASS}]")


def is_cjk(char: str) -> bool:
    """True for one CJK ideograph (or 〇)."""
    return len(char) == 1 and _CJK.match(char) is not None


def normalise(text: str, fold: Mapping[int, str] | None = None) -> str:
    """NFKC, traditional→simplified fold (a str.translate table), lower case."""
    text = unicodedata.normalize("NFKC", text)
    if fold:
        text = text.translate(fold)
    return text.lower()


def tokens(text: str) -> list[str]:
    """The tokens of already normalised text."""
    return [c or w for c, w in TOKEN.findall(text)]
