"""Driving Material's search box of a built site: type a query, wait for the worker's answer,
read the count line, the filter bar and the result list, scroll the list to its end."""

from __future__ import annotations

import re
import time
from urllib.parse import unquote, urlsplit

PENDING = "archive-search="
# Scrolling stops once the list has not grown for this long: with thousands of results in it, a
# busy machine can take over a second to add the next ones (20 scrolls without growth stopped the
# benchmark at 2,690 of 15,914 results once).
STALL_S = 5.0
# The worker's answer to the box's query is in: Material has rendered it (page.js marks the list
# with the query) and the filter bar speaks of it.
ANSWERED = """q => {
  const input = document.querySelector('.md-search__input')
  const list = document.querySelector('.md-search-result__list')
  const bar = document.querySelector('.archive-search-filters')
  return input.value === q && list.dataset.query === q && bar && bar.dataset.query === q
}"""


def open_search(page, url: str) -> None:
    page.goto(url)
    page.click(".md-search__input")


def type_query(page, query: str) -> None:
    """Replace the box's text with `query` and wait for the answer."""
    page.fill(".md-search__input", "")
    page.keyboard.insert_text(query)
    wait_for_answer(page, query)


STATE = """() => ({
  input: document.querySelector('.md-search__input').value,
  list: document.querySelector('.md-search-result__list').dataset.query,
  bar: (document.querySelector('.archive-search-filters') || {dataset: {}}).dataset.query,
  meta: document.querySelector('.md-search-result__meta').textContent,
  items: document.querySelectorAll('.md-search-result__item').length })"""


def wait_for_answer(page, query: str) -> None:
    try:
        page.wait_for_function(ANSWERED, arg=query)
    except Exception as err:
        raise AssertionError(f"no answer to {query!r}: the box is at {page.evaluate(STATE)}") from err
    page.wait_for_timeout(30)


def query_of(page) -> str:
    return page.input_value(".md-search__input")


def total(page) -> int:
    """The number of results the count line gives (0 when it says nothing was found)."""
    text = page.inner_text(".md-search-result__meta")
    digits = re.sub(r"[^\d]", "", text)
    return int(digits) if digits else 0


def bar(page) -> list[dict]:
    """The filter bar: one dict per row, {field, label, chips: [{text, count, pressed, q}]}."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.archive-search-filters__row')].map(row => ({
             field: row.dataset.field,
             label: row.querySelector('.archive-search-filters__label').textContent,
             chips: [...row.querySelectorAll('button[data-q]')].map(b => ({
               text: b.firstChild.textContent,
               count: (b.querySelector('.archive-search-filters__count') || {}).textContent || '',
               pressed: b.getAttribute('aria-pressed') === 'true',
               q: b.dataset.q }))
           }))"""
    )


def click_chip(page, q: str) -> None:
    """Click the chip (filter, sort or active filter) that leads to query `q`; wait for the answer."""
    page.evaluate(
        "q => [...document.querySelectorAll('.archive-search-filters button[data-q]')].find(b => b.dataset.q === q).click()", q
    )
    wait_for_answer(page, q)


def pending(page) -> int:
    """Results in the list still waiting for their records."""
    return page.evaluate(f"() => document.querySelectorAll('.md-search-result__list a[href*=\"{PENDING}\"]').length")


def scroll_to_end(page, expected: int, limit: int = 2000) -> int:
    """Scroll the result list as a reader does (Material renders more each time the end of the
    list is reached) until `expected` results are in it or nothing more comes; their number."""
    shown, grew = 0, time.monotonic()
    for _ in range(limit):
        shown = page.evaluate("() => document.querySelectorAll('.md-search-result__item').length")
        if shown >= expected:
            break
        page.evaluate("() => { const w = document.querySelector('.md-search__scrollwrap'); w.scrollTop = w.scrollHeight - w.clientHeight - 120 }")
        page.wait_for_timeout(20)
        page.evaluate("() => { const w = document.querySelector('.md-search__scrollwrap'); w.scrollTop = w.scrollHeight }")
        page.wait_for_timeout(20)
        now = page.evaluate("() => document.querySelectorAll('.md-search-result__item').length")
        if now != shown:
            grew = time.monotonic()
        elif time.monotonic() - grew > STALL_S:
            break
    page.wait_for_function(f"() => !document.querySelector('.md-search-result__list a[href*=\"{PENDING}\"]')")
    return page.evaluate("() => document.querySelectorAll('.md-search-result__item').length")


def result_urls(page, base_url: str) -> list[str]:
    """Site-relative URL of each result group's page, in list order."""
    hrefs = page.evaluate("() => [...document.querySelectorAll('.md-search-result__item')].map(li => li.querySelector('a').href)")
    prefix = urlsplit(base_url).path
    return [unquote(urlsplit(h).path)[len(prefix):] for h in hrefs]
