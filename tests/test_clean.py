"""Text helpers shared by the readers and extractors."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from gen.clean import nfkc_head

# Characters NFKC changes (full-width, half-width kana and its voiced mark, circled digits,
# combining accents, the ideographic space) among ones it keeps.
ALPHABET = "北京疫情防控核酸检测，。 \n\u3000ＡＢ１２ｶﾞﾟ①ﬁe\u0301\u0308"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=400), st.sampled_from([1, 40, 80, 120]))
def test_head_of_normalised_text_is_normalised_head(text, n):
    full = unicodedata.normalize("NFKC", text)
    assert nfkc_head(text, n) == full[:n]
    assert nfkc_head(text, n, strip=True) == full.strip()[:n]


def test_long_leading_and_trailing_space_is_stripped():
    text = "\u3000" * 200 + "正文" + " " * 300
    assert nfkc_head(text, 80, strip=True) == "正文"
