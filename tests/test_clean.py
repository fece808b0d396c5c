"""Text helpers shared by the readers and extractors."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gen.clean import ENUMERATOR, nfkc_head, strip_invisible
from gen.hygiene import CONTROLS, INVISIBLE

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


def test_strip_invisible_drops_what_scrub_drops():
    # scrub() turns VT, FF and NEL into line breaks; text it never saw loses them instead.
    assert strip_invisible("北" + INVISIBLE + CONTROLS + "\x0b\x0c\x85" + "京\t\n\r") == "北京\t\n\r"


@pytest.mark.parametrize("text, enumerated", [
    ("一、总体要求", True), ("（二）工作措施", True), ("(3)加强督查", True), ("3、加强督查", True), ("3．加强督查", True),
    ("1.5万人", False), ("2020年", False), ("第一时间", False), ("二是要毫不放松", False),
    ("3.加强督查", False), ("一．强化防控", False), ("——凝聚共识", False),  # subhead forms: the newspaper layout's
])
def test_enumerator_forms(text, enumerated):
    assert bool(ENUMERATOR.match(text)) is enumerated
