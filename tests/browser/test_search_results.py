"""Every result of a query can be reached: scrolling the real result list shows them all, in
rank order, and a page's records are fetched when it comes into view, not before."""

from __future__ import annotations

import pytest

from harness import evaluate, page_urls
from searchbox import open_search, pending, result_urls, scroll_to_end, total, type_query

QUERY = "疫情"


def test_scrolling_the_list_shows_every_result_in_rank_order(page, base_url, search_site):
    if not search_site.with_corpus:
        pytest.skip("needs the corpus sample for a query with hundreds of results")
    urls = page_urls(search_site.site)
    open_search(page, base_url)
    [want] = evaluate(page, [QUERY])
    expected = [urls[p] for p in want["pages"]]
    assert len(expected) >= 200

    records: list[str] = []
    page.on("request", lambda r: records.append(r.url) if "/p/" in r.url else None)
    type_query(page, QUERY)
    assert total(page) == len(expected)
    first = len(records)
    assert 4 <= first <= 40, "the first answer fetches the records of its first screen, not all"

    assert scroll_to_end(page, len(expected)) == len(expected)
    assert pending(page) == 0
    assert result_urls(page, base_url) == expected
    assert len({u for u in records if "-" not in u.rsplit("/", 1)[1]}) >= len(expected)
    # every result is a link to its page, with a title and the term highlighted
    shown = page.evaluate(
        """() => [...document.querySelectorAll('.md-search-result__item')].map(li =>
             [li.querySelector('h1').textContent.length > 0, li.querySelectorAll('mark').length > 0])"""
    )
    assert all(title for title, _ in shown)
    assert sum(marked for _, marked in shown) >= len(shown) * 0.9
