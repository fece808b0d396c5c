"""Traditional→simplified character table, derived at build time from OpenCC's data.

OpenCC (Apache-2.0, https://github.com/BYVoid/OpenCC) ships its conversion dictionaries inside the
`opencc` wheel. Converting every ideograph on its own with the `t2s` configuration yields OpenCC's
character-level table (TSCharacters; the phrase tables never apply to a lone character). Only
one-to-one mappings are kept: text and queries are folded with the same table, so an ambiguous
fold (乾→干) can only make two spellings equal, never lose a match.
"""

from __future__ import annotations

from functools import lru_cache

# The same planes as text.CJK_CLASS.
_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))


@lru_cache(maxsize=1)
def fold_table() -> dict[int, str]:
    """{code point: simplified character} for str.translate (raises when OpenCC is missing)."""
    try:
        import opencc
    except ImportError as exc:  # a declared dependency; fail loudly rather than index unfolded text
        raise RuntimeError("the `opencc` package is required for search (pip install opencc)") from exc
    converter = opencc.OpenCC("t2s")
    table: dict[int, str] = {}
    for low, high in _RANGES:
        chars = [chr(cp) for cp in range(low, high + 1)]
        for char in chars:
            out = converter.convert(char)
            if out != char and len(out) == 1:
                table[ord(char)] = out
    return table


def browser_pairs(table: dict[int, str], present: set[str]) -> str:
    """The table as one string of (traditional, simplified) pairs, only for targets the index holds.

    A query character whose simplified form occurs in no indexed text matches nothing either way,
    so dropping those pairs changes no result and keeps the download small.
    """
    return "".join(chr(cp) + out for cp, out in sorted(table.items()) if out in present)
