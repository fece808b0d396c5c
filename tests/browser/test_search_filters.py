"""Filters and sort orders: the query syntax against the pages' front matter (oracle.py), the
counts on the filter bar against the results a click gives, and the same in the real search box,
including a shared address. Queries are built from the values the site holds."""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qs, quote_plus, urlsplit

import pytest

from harness import evaluate, page_urls
from oracle import Oracle, filter_pages, site_meta, site_pages
from searchbox import bar, click_chip, open_search, query_of, result_urls, total, type_query, wait_for_answer

TERM = "疫情"


@pytest.fixture(scope="module")
def facts(search_site):
    """The site's pages: URL by page id, facets by URL, the text oracle, common values."""
    pages = site_pages(search_site.site, search_site.docs)
    meta = site_meta(search_site.docs)
    common = lambda values: [v for v, _ in Counter(v for v in values if v).most_common()]  # noqa: E731
    return {
        "urls": page_urls(search_site.site),
        "meta": meta,
        "oracle": Oracle(pages),
        "district": common(m.district for m in meta.values()),
        "source": common(m.source for m in meta.values()),
        "tag": common(t for m in meta.values() for t in m.tags),
        "year": common(str(m.date.year) for m in meta.values() if m.date),
        "month": common(m.date.strftime("%Y-%m") for m in meta.values() if m.date),
    }


def _dates(facts, urls):
    return [facts["meta"][u].date for u in urls]


def _assert_by_date(dates, newest):
    known = [d for d in dates if d is not None]
    assert dates[: len(known)] == known, "pages without a date come last"
    assert known == sorted(known, reverse=newest)


def page_at(page, base_url):
    page.goto(base_url)
    return page


def test_filter_syntax_finds_the_pages_the_front_matter_names(page, base_url, facts):
    everything = frozenset(facts["meta"])
    term = facts["oracle"].answer(TERM)
    district, source, tag, year, month = (facts[k][0] for k in ("district", "source", "tag", "year", "month"))
    second = facts["source"][1] if len(facts["source"]) > 1 else source
    cases = [
        (f"区:{district}", {"district": [district]}, everything),
        (f"区:{district[:2]}", {"district": [district[:2]]}, everything),  # the beginning of a name
        (f"區:{district}", {"district": [district]}, everything),  # the field name folded too
        (f"来源:{source},{second}", {"source": [source, second]}, everything),
        (f"来源:{source} 来源:{second}", {"source": [source, second]}, everything),
        (f"年:{year}", {"year": [year]}, everything),
        (f"日期:{month}", {"date": [month]}, everything),
        (f"日期:{year}-01..{year}-06", {"date": [f"{year}-01..{year}-06"]}, everything),
        (f"日期:{month}-01..{month}-15", {"date": [f"{month}-01..{month}-15"]}, everything),
        (f"日期:{year}-07..", {"date": [f"{year}-07.."]}, everything),
        (f"标签:{tag}", {"tag": [tag]}, everything),
        (f"標籤:{tag}", {"tag": [tag]}, everything),
        (f"{TERM} 标签:{tag}", {"tag": [tag]}, term),
        (f"{TERM} 年:{year} 来源:{source}", {"year": [year], "source": [source]}, term),
        (f"{TERM} 年：{year}", {"year": [year]}, term),  # a full-width colon, as an IME types it
        (f"{TERM} 年:2099", {"year": ["2099"]}, term),
    ]
    results = evaluate(page_at(page, base_url), [q for q, _, _ in cases])
    for (query, filters, within), result in zip(cases, results):
        got = {facts["urls"][p] for p in result["pages"]}
        assert got == filter_pages(facts["meta"], filters) & within, query
        assert len(result["pages"]) == len(got), f"{query}: a page listed twice"
    assert any(r["pages"] for r in results[:3]) and not results[-1]["pages"]


def test_terms_with_an_unknown_field_or_in_quotes_stay_plain(page, base_url, facts):
    queries = ["地点:北京", "covid:19", '"区:海淀区"', "来源：", "年:明年"]
    results = evaluate(page_at(page, base_url), queries)
    for query, result in zip(queries[:3], results):
        assert {facts["urls"][p] for p in result["pages"]} == facts["oracle"].answer(query), query
    assert results[3]["pages"] == [], "a field with no value yet is left out, and nothing is left"
    assert results[4]["pages"] == [], "a year that is not one filters nothing in, and is not a term"
    assert results[4]["facets"]["active"] == [{"name": "年:明年", "ignored": True, "q": ""}]


def test_sort_orders(page, base_url, facts):
    year = facts["year"][0]
    queries = [TERM, f"{TERM} 排序:最新", f"{TERM} 排序:最早", f"{TERM} sort:newest", f"{TERM} 排序:相关",
               f"年:{year}", f"年:{year} 排序:最早", f"年:{year} 排序:相关"]
    rel, new, old, new_en, rel2, year_new, year_old, year_rel = evaluate(page_at(page, base_url), queries)
    urls = facts["urls"]
    assert sorted(new["pages"]) == sorted(old["pages"]) == sorted(rel["pages"]) and len(rel["pages"]) > 1
    assert new_en["pages"] == new["pages"] and new["sort"] == "newest"
    assert rel2["pages"] == rel["pages"] and rel["sort"] == "relevance"
    _assert_by_date(_dates(facts, [urls[p] for p in new["pages"]]), newest=True)
    _assert_by_date(_dates(facts, [urls[p] for p in old["pages"]]), newest=False)
    # pages of one day keep their relevance order
    place = {p: n for n, p in enumerate(rel["pages"])}
    for order in (new["pages"], old["pages"]):
        for a, b in zip(order, order[1:]):
            if facts["meta"][urls[a]].date == facts["meta"][urls[b]].date:
                assert place[a] < place[b]
    # a filter alone lists every page it names, newest first (relevance means nothing without terms)
    assert year_new["sort"] == "newest" and year_rel["pages"] == year_new["pages"]
    assert {urls[p] for p in year_new["pages"]} == filter_pages(facts["meta"], {"year": [year]})
    _assert_by_date(_dates(facts, [urls[p] for p in year_new["pages"]]), newest=True)
    _assert_by_date(_dates(facts, [urls[p] for p in year_old["pages"]]), newest=False)
    assert [s["name"] for s in rel["sorts"]] == ["相关", "最新", "最早"]
    assert [s["name"] for s in year_new["sorts"]] == ["最新", "最早"]


def test_counts_on_the_filters_are_the_results_a_click_gives(page, base_url, facts):
    year, source = facts["year"][0], facts["source"][0]
    page_at(page, base_url)
    for query in (TERM, f"{TERM} 年:{year}", f"{TERM} 来源:{source}", f"标签:{facts['tag'][0]}"):
        [result] = evaluate(page, [query])
        n = len(result["pages"])
        chips = [c for g in result["facets"]["groups"] for c in g["chips"]]
        assert chips, query
        after = evaluate(page, [c["q"] for c in chips])
        for chip, then in zip(chips, after):
            if chip["picked"]:  # dropping a value keeps at least these (an empty query finds nothing)
                assert len(then["pages"]) >= n or not chip["q"], (query, chip)
            elif chip["plus"]:
                assert len(then["pages"]) == n + chip["count"], (query, chip)
            else:
                assert len(then["pages"]) == chip["count"], (query, chip)
        for sort in evaluate(page, [s["q"] for s in result["sorts"]]):
            assert sorted(sort["pages"]) == sorted(result["pages"])
        actives = result["facets"]["active"]
        for active, then in zip(actives, evaluate(page, [a["q"] for a in actives])):
            assert len(then["pages"]) >= n or not active["q"]


def _address_query(page) -> str:
    page.wait_for_function("q => new URLSearchParams(location.search).get('q') === q", arg=query_of(page))
    return parse_qs(urlsplit(page.url).query)["q"][0]


def _click_and_check(page, base_url, facts, chip) -> None:
    """Click a chip; the count line then says the number the chip said, and the list and the
    address show that query."""
    before = total(page)
    click_chip(page, chip["q"])
    count = int(chip["count"].lstrip("+").replace(",", ""))
    assert total(page) == (before + count if chip["count"].startswith("+") else count), chip
    [want] = evaluate(page, [chip["q"]])
    assert total(page) == len(want["pages"])
    assert result_urls(page, base_url) == [facts["urls"][p] for p in want["pages"][:10]]
    assert _address_query(page) == query_of(page)


def _row(page, field) -> list[dict]:
    return next((r["chips"] for r in bar(page) if r["field"] == field), [])


def test_clicking_each_filter_in_the_search_box(page, base_url, facts):
    open_search(page, base_url)
    for field in ("district", "source", "year", "tag"):
        type_query(page, TERM)
        chips = _row(page, field)
        assert chips, f"no {field} values for {TERM}"
        _click_and_check(page, base_url, facts, chips[0])
        assert chips[0]["text"] in query_of(page)
        assert [c["pressed"] for c in _row(page, field)][0]
        # a second value of the same field adds its results (+n)
        more = [c for c in _row(page, field) if not c["pressed"]]
        if more:
            assert more[0]["count"].startswith("+")
            _click_and_check(page, base_url, facts, more[0])
    # months are offered once a year is picked
    type_query(page, f"{TERM} 年:{facts['year'][0]}")
    months = _row(page, "date")
    assert months and all(c["text"].endswith("月") for c in months)
    _click_and_check(page, base_url, facts, months[0])
    assert "日期:" in query_of(page)


def test_sorting_and_dropping_filters_in_the_search_box(page, base_url, facts):
    open_search(page, base_url)
    type_query(page, f"{TERM} 年:{facts['year'][0]} 来源:{facts['source'][0]}")
    sorts = {c["text"]: c for c in _row(page, "sort")}
    assert sorts["相关"]["pressed"] and set(sorts) == {"相关", "最新", "最早"}
    for name, newest in (("最新", True), ("最早", False)):
        click_chip(page, sorts[name]["q"])
        assert query_of(page).endswith(f"排序:{name}")
        [want] = evaluate(page, [query_of(page)])
        assert result_urls(page, base_url) == [facts["urls"][p] for p in want["pages"][:10]]
        _assert_by_date(_dates(facts, result_urls(page, base_url)), newest=newest)
        sorts = {c["text"]: c for c in _row(page, "sort")}
        assert sorts[name]["pressed"] and not sorts["相关"]["pressed"]
    click_chip(page, sorts["相关"]["q"])
    assert "排序" not in query_of(page)
    # take the filters away again, one by one
    while _row(page, "active"):
        click_chip(page, _row(page, "active")[0]["q"])
    assert query_of(page) == TERM
    assert _address_query(page) == TERM


def test_a_shared_filtered_address_shows_the_same_results(page, base_url, facts):
    source = facts["source"][0]
    typed = f"{TERM} 来源:{source}"
    page.goto(f"{base_url}?q={quote_plus(typed)}&sort=oldest")
    query = f"{typed} 排序:最早"
    wait_for_answer(page, query)  # the search opens by itself with the query and its sort
    [want] = evaluate(page, [query])
    assert want["pages"]
    assert total(page) == len(want["pages"])
    assert result_urls(page, base_url) == [facts["urls"][p] for p in want["pages"][:10]]
    assert {"来源", "排序"} <= {r["label"] for r in bar(page)}
    assert _address_query(page) == query  # what is shared is what the box says

    # closing the search takes the query out of the address
    page.keyboard.press("Escape")
    page.wait_for_function("() => !new URLSearchParams(location.search).has('q')")
