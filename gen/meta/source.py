"""The publisher as the document states it: a masthead, a dateline (新京报讯, 央视网消息, 新华社…电),
a prefix (XX卫健委：) or a closing credit, matched against gen/data/sources.csv. Absent when unstated.
"""

from __future__ import annotations

import unicodedata

from gen.model import Found, Reading
from gen.tables import SourceRule, Tables

# Where datelines and credits sit: the first and the last characters of the body.
LEAD_CHARS = 60
TAIL_CHARS = 40
REGION_RANK = {"lead": 0, "tail": 1}
# How a statement is reported: a dateline/opening (电头), or a closing credit that ends the text (署名).
DATELINE, CREDIT = "电头", "署名"


def _regions(rule: SourceRule, lead: str, tail: str) -> tuple[tuple[str, str], ...]:
    if rule.where == "lead":
        return (("lead", lead),)
    if rule.where == "tail":
        return (("tail", tail),)
    return (("lead", lead), ("tail", tail))


def _name(rule: SourceRule, match) -> str:
    if "{place}" in rule.name:
        return rule.name.replace("{place}", match["place"])
    return rule.name


def extract_source(reading: Reading, tables: Tables) -> Found | None:
    """The stated publisher: masthead paper (报头) > dateline or prefix (电头) > closing credit (署名)."""
    if reading.masthead is not None and reading.masthead.paper:
        return Found(reading.masthead.paper, "报头")
    body = "\n".join(a.text for a in reading.articles).strip()
    body = unicodedata.normalize("NFKC", body)
    lead, tail = body[:LEAD_CHARS], body[-TAIL_CHARS:]
    best = None
    for order, rule in enumerate(tables.sources):
        for region, text in _regions(rule, lead, tail):
            m = rule.pattern.search(text)
            if m:
                closing = region == "tail" or (m.end() == len(text) and len(text) == len(body))
                rank = (int(closing), REGION_RANK[region], m.start(), -len(m.group(0)), order)
                if best is None or rank < best[0]:
                    best = (rank, _name(rule, m), f"{CREDIT if closing else DATELINE}：{m.group(0).strip()}")
                break
    if best is None:
        return None
    return Found(best[1], best[2])
