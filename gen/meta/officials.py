"""District officials in a text: who is named together with the role the officials table gives them,
and whether their known term overlaps a span of days. Dates, district and tags take evidence from it.
"""

from __future__ import annotations

import datetime as dt
import re

from gen.tables import Official

# An official named with the role the officials table gives: "区委书记常卫", "区委副书记、区长李新",
# "区委书记、防控工作领导小组组长于军". The role must sit in the same clause, before the name.
ROLE_WINDOW = 24
ROLE_PATTERNS = {
    "区委书记": re.compile(r"(?<!副)(?<!区委副)区委书记"),
    "区长": re.compile(r"(?<![副助])(?:代)?区长(?!助理)"),
}
CLAUSE_BREAK = re.compile(r"[，。；！？,;!?\n：:（()）]")

_GROUPS: dict[int, tuple] = {}  # id(officials table) -> (the table, what _official_groups makes of it)


def _official_groups(officials: tuple[Official, ...]) -> tuple[re.Pattern, dict[str, dict[str, tuple[Official, ...]]], dict[tuple[str, str], int]]:
    """One pattern matching every official's name, name -> role -> rows, and the table order of
    each (name, role). Built once per table (kept by identity: hashing the table per call costs
    more than the search)."""
    known = _GROUPS.get(id(officials))
    if known is not None and known[0] is officials:
        return known[1]
    groups: dict[str, dict[str, list[Official]]] = {}
    for official in officials:
        groups.setdefault(official.name, {}).setdefault(official.role, []).append(official)
    names = sorted(groups, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(n) for n in names)) if names else re.compile(r"(?!x)x")
    order = {key: i for i, key in enumerate(dict.fromkeys((o.name, o.role) for o in officials))}
    made = pattern, {n: {r: tuple(rows) for r, rows in by_role.items()} for n, by_role in groups.items()}, order
    _GROUPS[id(officials)] = (officials, made)
    return made


def officials_named(text: str, officials: tuple[Official, ...]) -> tuple[tuple[Official, ...], ...]:
    """For each (name, role) stated together in the text, the officials-table rows it may refer to."""
    pattern, groups, order = _official_groups(officials)
    found: dict[tuple[str, str], tuple[Official, ...]] = {}
    for m in pattern.finditer(text):
        before = text[max(0, m.start() - ROLE_WINDOW):m.start()]
        clause = CLAUSE_BREAK.split(before)[-1]
        for role, rows in groups[m.group(0)].items():
            if (m.group(0), role) not in found and ROLE_PATTERNS[role].search(clause):
                found[(m.group(0), role)] = rows
    # In table order, as before: the callers' evidence and tags keep their order.
    return tuple(rows for key, rows in sorted(found.items(), key=lambda kv: order[kv[0]]))


def in_office(official: Official, first: dt.date, last: dt.date) -> bool:
    """True when the official's known term overlaps first..last; an unknown start or end rules nothing out."""
    return (official.start is None or official.start <= last) and (official.end is None or official.end >= first)
