"""Normalisation, tokens and HTML extraction for search (gen/search/text.py, extract.py, fold.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gen.search.extract import extract_sections
from gen.search.fold import browser_pairs, fold_table
from gen.search.text import is_cjk, normalise, tokens


def test_tokens_split_cjk_letters_and_digits():
    text = normalise("第103次会议 COVID-19 ＫＴＶ１２３４５ 封（管）控区", fold_table())
    assert tokens(text) == ["第", "103", "次", "会", "议", "covid", "19", "ktv", "12345", "封", "管", "控", "区"]


def test_normalise_folds_traditional_to_simplified():
    fold = fold_table()
    assert normalise("核酸檢測 復工復產 鍾南山 武漢", fold) == "核酸检测 复工复产 钟南山 武汉"
    assert normalise("著名", fold) == "著名"  # a character that is also simplified stays


def test_fold_pairs_keep_only_targets_the_index_holds():
    table = {ord("檢"): "检", ord("測"): "测"}
    assert browser_pairs(table, {"检"}) == "檢检"


@given(st.text())
def test_tokens_are_never_empty_and_hold_no_punctuation(text):
    for token in tokens(normalise(text)):
        assert token
        assert not any(ch.isspace() for ch in token)
        assert len(token) == 1 or not any(is_cjk(ch) for ch in token)


def test_extract_sections_splits_at_h2_and_drops_permalinks():
    html = (
        '<p>导语<script>var x = 1</script>一段</p><ul><li>一</li><li>二<br>三</li></ul>'
        '<h2 id="a-b">第一篇<a class="headerlink" href="#a-b" title="Permanent link">&para;</a></h2>'
        "<p>正文 <em>强调</em> &amp; 实体</p><svg><path d='x'/>图</svg>"
        '<h2 id="c">第二篇</h2><div data-search-exclude><p>不要</p></div><p>末</p>'
    )
    sections = extract_sections(html, "标题")
    assert [(s.anchor, s.heading) for s in sections] == [("", "标题"), ("a-b", "第一篇"), ("c", "第二篇")]
    assert sections[0].blocks == ["导语一段", "一", "二", "三"]
    assert sections[1].blocks == ["正文 强调 & 实体"]
    assert sections[2].blocks == ["末"]
