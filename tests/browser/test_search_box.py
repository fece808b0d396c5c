"""Type into the real search box of the built site (served under /repo-name/) and read the results."""

from __future__ import annotations

import random
from urllib.parse import unquote

import pytest

from harness import PREFIX, REPO
from gen.search.extract import Section
from gen.search.fold import fold_table
from gen.search.index import IndexBuilder
from gen.search.text import normalise, tokens

NEWSPAPER = "archive/003_17d5a1e15a32e4e6/"  # 石景山报, one ## section per article
WIRE = "archive/000_73acca2f4bde7c0a/"


def search(page, base_url: str, query: str, start: str = WIRE):
    """Open a page, type the query into the header search box, wait for the result list."""
    page.goto(base_url + start)
    page.click(".md-search__input")
    page.keyboard.insert_text(query)
    page.wait_for_function(
        """q => { const m = document.querySelector('.md-search-result__meta');
                  return document.querySelector('.md-search__input').value === q && m
                    && !m.textContent.includes('初始化') && m.textContent.trim() !== '键入以开始搜索' }""",
        arg=query,
    )
    page.wait_for_timeout(50)
    return page.query_selector_all(".md-search-result__item")


def test_search_box_finds_a_newspaper_article_and_links_its_section(page, base_url):
    items = search(page, base_url, "四不两直")
    hrefs = [a.get_attribute("href") for item in items for a in item.query_selector_all("a")]
    section = next(h for h in hrefs if NEWSPAPER in h and "#" in h)
    assert section.startswith(base_url + NEWSPAPER)
    group = next(i for i in items if NEWSPAPER in i.query_selector("a").get_attribute("href"))
    assert "石景山报" in group.query_selector("h1").inner_text()  # the page title
    assert "第五十六次会议" in group.query_selector("h2").inner_text()  # the article
    assert "四不两直" in [m.inner_text() for m in group.query_selector_all("mark")]


def test_search_box_needs_every_term(page, base_url, search_site):
    items = search(page, base_url, "石景山 核酸检测")
    assert items
    for item in items:
        text = "".join(a.inner_text() for a in item.query_selector_all("a"))
        marked = {m.inner_text() for m in item.query_selector_all("mark")}
        assert "石景山" in marked and "核酸检测" in marked, text[:200]


def test_search_box_folds_traditional_characters(page, base_url):
    items = search(page, base_url, "復工復產")
    hrefs = [item.query_selector("a").get_attribute("href") for item in items]
    assert any(NEWSPAPER in h for h in hrefs)
    assert "复工复产" in {m.inner_text() for m in page.query_selector_all(".md-search-result mark")}


def test_search_box_ignores_punctuation_inside_the_text(page, base_url):
    items = search(page, base_url, "封管控区")
    assert any(WIRE in i.query_selector("a").get_attribute("href") for i in items)
    assert "封（管）控区" in {m.inner_text() for m in page.query_selector_all(".md-search-result mark")}


def test_search_box_says_when_nothing_matches(page, base_url):
    assert search(page, base_url, "火星基地") == []
    assert "没有找到" in page.inner_text(".md-search-result__meta")


def test_search_box_enter_opens_the_best_result_with_highlights(page, base_url):
    items = search(page, base_url, "四不两直", start="")
    scored = [(float(a.query_selector("article").get_attribute("data-md-score")), a.get_attribute("href")) for a in items[0].query_selector_all("a")]
    best = max(scored)[1]
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert unquote(page.url) == unquote(best)
    assert "h=四不两直" in unquote(page.url)
    page.wait_for_selector("article mark", timeout=5000)
    assert "四不两直" in page.inner_text("article mark")


def test_search_box_says_the_exact_count(page, base_url, search_site):
    if not search_site.with_corpus:
        pytest.skip("needs the corpus sample for many matches")
    items = search(page, base_url, "疫情")
    assert len(items) == 10  # Material renders the rest as the list scrolls
    meta = page.inner_text(".md-search-result__meta")
    assert "显示前" not in meta and int("".join(ch for ch in meta.split("个")[0] if ch.isdigit())) > 10


def test_search_requests_stay_under_the_sub_path(page, base_url):
    seen, failed = [], []
    page.on("request", lambda r: seen.append(r.url))
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    search(page, base_url, "核酸检测 常卫")
    assert any("/search/" in u for u in seen)
    assert all(u.startswith(base_url) or not u.startswith("http") for u in seen), seen
    assert not failed
    assert PREFIX == "/repo-name/"


def test_worker_tokenises_like_the_index(page, base_url):
    """worker.js and gen/search/text.py agree on normalisation and tokens."""
    rng = random.Random(7)
    alphabet = (
        "核酸檢測復工復產疫情防控ＫＴＶｋｔｖ１２３４５abcXYZ012 　，。、（）()-_'\"“”①²Ⅻ〇"
        "éÉßİ\u0301ｱｲ한국어αβγ﹏﨑\U00020000\U0002a700\t\n"
    )
    samples = ["第103次会议", "COVID-19疫情", "封（管）控区", "N95口罩", "二〇二〇年", "ABC123def456"]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(300)]
    fold = fold_table()
    got = _in_worker(page, base_url, "A.tokenize(A.normalise(s)).map(t => t.t)", samples)
    for sample, js in zip(samples, got):
        assert js == tokens(normalise(sample, fold)), sample


def _in_worker(page, base_url, expression: str, samples: list[str]) -> list:
    """`expression` of each sample `s`, evaluated with worker.js's functions (`A`), its fold table set."""
    pairs = "".join(chr(cp) + out for cp, out in fold_table().items())
    page.goto(base_url)
    page.add_script_tag(path=str(REPO / "overrides" / "assets" / "javascripts" / "archive-search" / "worker.js"))
    return page.evaluate(
        f"""([pairs, samples]) => {{ const A = self.ArchiveSearch; A.setFold(pairs); return samples.map(s => {expression}) }}""",
        [pairs, samples],
    )


def test_worker_looks_up_only_keys_the_index_writes(page, base_url):
    """Every key worker.js covers a phrase with is one gen/search/index.py writes for a page
    holding that phrase; a number and the character after it are one key (dates and counts do
    not fetch the positions of `|月` and `|日`, which are on nearly every page)."""
    rng = random.Random(11)
    alphabet = "核酸检测疫情年月日例第次会议ＫＴＶcovid0123456789１２　，、"
    samples = ["1月23日", "2020年", "2022年4月25日", "第103次会议", "24小时", "N95口罩", "covid19病例", "12例 出院"]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 16))) for _ in range(300)]
    fold = fold_table()
    got = _in_worker(page, base_url, "A.cover(A.tokenize(A.normalise(s))).map(k => [k.key, k.off])", samples)
    for sample, keys in zip(samples, got):
        if not tokens(normalise(sample, fold)):
            continue
        builder = IndexBuilder(fold)
        builder.add_page("p/", "", [Section("", "", [sample])])
        assert {k for k, _ in keys} <= set(builder.ids), (sample, keys)
    covered = dict(zip(samples, got))
    assert covered["1月23日"] == [["1月", 0], ["23日", 2]]
    assert covered["2020年"] == [["2020年", 0]]
    assert covered["24小时"] == [["24小", 0], ["小时", 1]]
    assert covered["第103次会议"] == [["|第", 0], ["103次", 1], ["次会", 2], ["会议", 3]]
