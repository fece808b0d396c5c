"""Text hygiene: what scrub() removes and maps, what damage() reports, and the plausibility measures."""

from __future__ import annotations

import time
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gen import hygiene
from gen.clean import WIDE_SPACES

from tests.conftest import CORPUS, REPO


def test_scrub_removes_controls_invisibles_and_bidi_overrides():
    found = hygiene.scrub("大\u200b兴\u200c区\u200d召\ufeff开\u00ad会\u202e议\u202c\u2066。\x00\x07\x1b\x7f\x9b")
    assert found.text == "大兴区召开会议。"
    assert found.removed == {"\x00": 1, "\x07": 1, "\x1b": 1, "\x7f": 1, "\x9b": 1}


def test_scrub_maps_line_and_page_breaks_to_newlines():
    assert hygiene.scrub("a\x0bb\x0cc\x85d\u2028e\u2029f").text == "a\nb\nc\nd\ne\nf"


def test_scrub_leaves_only_spaces_the_readers_fold():
    spaces = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Zs"]
    scrubbed = hygiene.scrub("".join(spaces)).text
    assert set(scrubbed) <= set(" \u3000" + WIDE_SPACES)
    assert hygiene.scrub("a\u2001b\u2005c").text == "a\u3000b\u2002c"


@given(st.text())
def test_scrub_output_holds_no_control_or_invisible_character(text):
    out = hygiene.scrub(text).text
    assert not any(ch in hygiene.INVISIBLE or ch in hygiene.CONTROLS for ch in out)
    assert hygiene.scrub(out).text == out  # idempotent


@pytest.mark.parametrize(
    ("text", "kind", "reads"),
    [
        ("鐨勬槸", "UTF-8 read as GBK", "的是"),
        ("会议" + "北京市疫情防控".encode().decode("gbk", errors="ignore"), "UTF-8 read as GBK", "北京"),
        ("Ã¤", "UTF-8 read as Latin-1", "ä"),
        ("â€œquotedâ€\x9d", "UTF-8 read as Latin-1", "“"),
        ("ä¸­æ–‡", "UTF-8 read as Latin-1", "中文"),
    ],
)
def test_damage_names_mojibake_and_what_it_reads_as(text, kind, reads):
    warnings = hygiene.damage("第一行\n" + text)
    assert len(warnings) == 1 and kind in warnings[0] and "line 2" in warnings[0] and reads in warnings[0]


def test_damage_counts_replacement_characters_with_their_line():
    (warning,) = hygiene.damage("正常\n丢失\ufffd\ufffd的字\n\ufffd")
    assert "3 U+FFFD" in warning and "line 2" in warning


@pytest.mark.parametrize("text", ["Ärger über Öl; déjà vu; «citation»; naïve café", "北京市石景山区召开疫情防控工作会议。", "Ça va · 1½ kg"])
def test_damage_is_quiet_on_clean_text(text):
    assert hygiene.damage(text) == []


def test_damage_is_quiet_on_the_seeds_and_a_corpus_sample():
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").iterdir())]
    if CORPUS.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted((CORPUS / "dxy-news" / "docs").glob("*.txt"))[:800]]
    noisy = [t[:40] for t in texts if hygiene.damage(t)]
    assert noisy == []


def test_garbled_share_tells_gb18030_from_big5_read_as_gb18030():
    traditional = "區委書記常衛主持召開石景山新冠肺炎疫情防控工作領導小組會議。會議強調，要堅持總方針不動搖。"
    assert hygiene.garbled_share("区委书记常卫主持召开石景山新冠肺炎疫情防控工作领导小组会议。") == 0
    assert hygiene.garbled_share(traditional) == 0  # traditional text itself is everyday text
    assert hygiene.garbled_share(traditional.encode("big5").decode("gb18030")) > 0.3


def test_removed_warning_names_the_characters_and_the_line():
    text = "一\n二\x00三\x00\x07"
    (warning,) = hygiene.removed_warning(text, hygiene.scrub(text).removed)
    assert "2× U+0000 NUL" in warning and "1× U+0007" in warning and "line 2" in warning


@pytest.mark.slow
def test_hygiene_is_linear_on_a_5mb_line():
    line = "鐨勬槸Ã¤\ufffd中文 " * 500_000
    start = time.perf_counter()
    hygiene.damage(hygiene.scrub(line).text)
    hygiene.garbled_share(line)
    assert time.perf_counter() - start < 10


def test_latin_run_whose_bytes_are_a_utf8_surrogate_is_no_mojibake():
    """ED A0 A0 looks like a UTF-8 sequence but encodes a surrogate; found by test_decode's property test."""
    assert hygiene._latin_mojibake("í\xa0\xa0") is None
    assert hygiene._latin_mojibake("Ã¤Ã¶") == "äö"  # a real one is still found
