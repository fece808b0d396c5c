"""Tags from the controlled vocabulary in gen/data/tags.csv: topics, people (the table's and district
officials named with their role) and numbered meetings, normalised and in a stable order.
"""

from __future__ import annotations

import unicodedata

from gen.clean import first_sentence, nfkc
from gen.meta.dates import cn_number
from gen.meta.officials import officials_named
from gen.model import Reading
from gen.tables import TagRule, Tables

# At most this many topics: the ones with the most hits, listed in vocabulary order.
MAX_TOPICS = 10


def _meeting_scope(reading: Reading) -> str:
    """Where a document names its own meeting: the title, headings and each article's first sentence."""
    parts = [reading.title or ""]
    for article in reading.articles:
        parts.append(article.heading or "")
        parts.append(first_sentence(article.text))
    return "\n".join(p for p in parts if p)


def _meetings(rule: TagRule, scope: str) -> list[tuple[int, str]]:
    out = []
    for m in rule.pattern.finditer(scope):
        number = cn_number(m["n"]) if "n" in rule.pattern.groupindex else None
        if "{n}" in rule.tag and number is None:
            continue
        out.append((m.start(), rule.tag.replace("{n}", str(number))))
    return out


def extract_tags(reading: Reading, tables: Tables) -> tuple[str, ...]:
    """Topics (vocabulary order), then people and meetings (order of appearance); NFKC, deduplicated."""
    text = reading.folded
    topics: list[tuple[int, int, str]] = []  # (-hits, vocabulary position, tag)
    people: list[tuple[int, str]] = []
    meetings: list[tuple[int, str]] = []
    scope = None  # where meetings are looked for, made once
    for rule in tables.tags:
        if rule.kind == "meeting":
            scope = unicodedata.normalize("NFKC", _meeting_scope(reading)) if scope is None else scope
            meetings += _meetings(rule, scope)
            continue
        hits = list(rule.pattern.finditer(text))
        if len(hits) < rule.min_hits:
            continue
        if rule.kind == "topic":
            topics.append((-len(hits), len(topics), rule.tag))
        else:
            people.append((hits[0].start(), rule.tag))
    for rows in officials_named(text, tables.officials):
        people.append((text.find(rows[0].name), rows[0].name))
    kept = sorted(sorted(topics)[:MAX_TOPICS], key=lambda t: t[1])
    ordered = [t for _, _, t in kept] + [t for _, t in sorted(people)] + [t for _, t in sorted(meetings)]
    return tuple(dict.fromkeys(t for t in (nfkc(x) for x in ordered) if t))
