"""The scored query set: every query's full result set from the real worker in chromium, against
the answer computed from the built pages' text (oracle.py). Prints precision and recall."""

from __future__ import annotations

import json
from collections import defaultdict

from harness import REPO, evaluate, page_urls
from oracle import Oracle, site_pages, tokenize

QUERIES = json.loads((REPO / "tests" / "data" / "search_queries.json").read_text(encoding="utf-8"))["queries"]
FLOORS = json.loads((REPO / "tests" / "floors" / "search.json").read_text(encoding="utf-8"))


def _score(got: list[str], expected: frozenset[str]) -> tuple[float, float]:
    hit = len(set(got) & expected)
    precision = hit / len(got) if got else 1.0
    recall = hit / len(expected) if expected else 1.0
    return precision, recall


def test_search_scored_queries_meet_the_floors(search_site, base_url, page):
    assert len(QUERIES) >= 60
    pages = site_pages(search_site.site, search_site.docs)
    oracle = Oracle(pages)
    urls = page_urls(search_site.site)
    assert sorted(urls) == sorted(p.url for p in pages), "the index and the site disagree on which pages are searchable"
    page.goto(base_url)
    results = evaluate(page, [q["q"] for q in QUERIES])

    by_kind: dict[str, list[tuple[float, float]]] = defaultdict(list)
    misses, empty = [], []
    for query, result in zip(QUERIES, results):
        got = [urls[p] for p in result["pages"]]
        expected = oracle.answer(query["q"])
        if query["kind"] == "none":
            assert not expected, f"{query['q']!r} is in the `none` group but the text holds it: {sorted(expected)[:3]}"
        elif search_site.with_corpus and not expected:
            empty.append(query["q"])
        p, r = _score(got, expected)
        by_kind[query["kind"]].append((p, r))
        if (p, r) != (1.0, 1.0):
            misses.append(f"{query['q']!r}: precision {p:.2f} recall {r:.2f}, extra {sorted(set(got) - expected)[:3]}, missing {sorted(expected - set(got))[:3]}")

    scores = [s for group in by_kind.values() for s in group]
    precision = sum(p for p, _ in scores) / len(scores)
    recall = sum(r for _, r in scores) / len(scores)
    print(f"\nsearch: {len(scores)} queries over {len(pages)} pages: precision {precision:.3f}, recall {recall:.3f}")
    for kind, group in by_kind.items():
        print(f"  {kind:14} {len(group):3}  P {sum(p for p, _ in group) / len(group):.3f}  R {sum(r for _, r in group) / len(group):.3f}")
    for miss in misses:
        print("  miss:", miss)
    assert not empty, f"queries the text does not hold (pick others): {empty}"
    assert precision >= FLOORS["precision"], misses
    assert recall >= FLOORS["recall"], misses


def test_search_ranks_title_hits_first(search_site, base_url, page):
    """When some matching page has every term in its title, the first result does too."""
    pages = {p.url: p for p in site_pages(search_site.site, search_site.docs)}
    urls = page_urls(search_site.site)
    page.goto(base_url)
    queries = [q["q"] for q in QUERIES if q["kind"] not in ("none", "single")]
    checked = 0
    for query, result in zip(queries, evaluate(page, queries)):
        if not result["pages"]:
            continue
        needles = [" " + " ".join(tokenize(t)) + " " for t in result["terms"]]

        def titled(url):
            blocks = pages[url].blocks
            return bool(blocks) and all(n in blocks[0] for n in needles)

        ranked = [urls[p] for p in result["pages"]]
        if any(titled(u) for u in ranked):
            checked += 1
            assert titled(ranked[0]), f"{query!r}: first result {ranked[0]} lacks a term in its title"
    assert checked >= 3
