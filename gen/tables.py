"""The editable rule tables in gen/data/, parsed once into frozen records, and the few fixed tables
that modules with no common owner apply alike (safe link schemes).

Every editable table is a UTF-8 CSV with a header row. A bad cell raises ValueError naming the file,
the line and the field, so an editor who breaks a table learns where at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
from dataclasses import dataclass
from importlib import resources

DATA_PACKAGE = "gen.data"
CITY = "北京市"  # the district value of city-wide documents

# Link schemes a page may carry, each with how a link of it starts (an http link names a host). The
# HTML reader keeps only such links and the renderer writes only such links: one table for both.
SAFE_URL_STARTS = {"http": "http://", "https": "https://", "mailto": "mailto:"}
SAFE_SCHEMES = tuple(SAFE_URL_STARTS)


@dataclass(frozen=True)
class EraRule:
    """A term that only occurs in documents dated within [start, end] (either end may be open)."""

    term: str
    pattern: re.Pattern[str]
    start: dt.date | None
    end: dt.date | None
    when: tuple[tuple[int, int], tuple[int, int]] | None  # month-day window the rule applies to
    unless: re.Pattern[str] | None  # a text that matches this is exempt from the rule
    note: str
    line: int

    def applies_to(self, day: dt.date) -> bool:
        """True when a candidate date's month-day falls inside the rule's `when` window (or no window)."""
        if self.when is None:
            return True
        lo, hi = self.when
        md = (day.month, day.day)
        return lo <= md <= hi if lo <= hi else (md >= lo or md <= hi)


@dataclass(frozen=True)
class District:
    """One of Beijing's 16 districts."""

    code: str
    name: str  # 石景山区
    short_name: str  # 石景山
    elsewhere: tuple[str, ...]  # same-name places outside Beijing, e.g. 吉林省长春市朝阳区


@dataclass(frozen=True)
class Division:
    """A level-4 unit: 街道 / 镇 / 乡 / 地区."""

    code: str
    name: str  # 八角街道
    district: str  # 石景山区
    short_name: str  # 八角
    kind: str  # 街道 | 镇 | 乡 | 民族乡 | 地区 | 其他(…)


@dataclass(frozen=True)
class Community:
    """A level-5 unit: 社区居委会 / 村委会."""

    code: str
    short_name: str  # 八角路社区
    street: str  # 八角街道
    district: str
    street_names: tuple[str, ...]  # the street's names across vintages


@dataclass(frozen=True)
class Landmark:
    """A well-known place and its district."""

    name: str
    district: str
    kind: str
    evidence: str  # strong | weak (a word also used elsewhere) | none (city-wide or national places)


@dataclass(frozen=True)
class Official:
    """A district Party secretary or district head and the part of the term we know for sure."""

    district: str
    role: str  # 区委书记 | 区长
    name: str
    start: dt.date | None  # None: unknown or only approximate ("2021?", "?")
    end: dt.date | None
    start_text: str
    end_text: str


@dataclass(frozen=True)
class SourceRule:
    """A publisher and the ways a text states it (a dateline, a credit, a prefix)."""

    name: str  # canonical name; "{place}" is filled from the pattern's named group
    id: str  # ascii slug
    pattern: re.Pattern[str]
    where: str  # lead | tail | any
    district: str | None  # a district outlet's district, e.g. 石景山报 -> 石景山区
    note: str
    line: int


@dataclass(frozen=True)
class TagRule:
    """A controlled tag and the patterns that show it is present."""

    tag: str  # "{n}" in a meeting tag is filled with the (?P<n>…) group as an Arabic number
    kind: str  # topic | person | meeting
    pattern: re.Pattern[str]
    min_hits: int
    note: str
    line: int


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one loaded set is one key
class Tables:
    """Every editable table, parsed."""

    era: tuple[EraRule, ...]
    districts: tuple[District, ...]
    divisions: tuple[Division, ...]
    communities: tuple[Community, ...]
    landmarks: tuple[Landmark, ...]
    officials: tuple[Official, ...]
    sources: tuple[SourceRule, ...]
    tags: tuple[TagRule, ...]

    @property
    def district_names(self) -> frozenset[str]:
        """Every value a page's district may take: the 16 district names and 北京市 (city-wide)."""
        return frozenset(d.name for d in self.districts) | {CITY}


class _Row:
    """One CSV row with its location, so that every complaint names file, line and field."""

    def __init__(self, file: str, line: int, cells: dict[str, str]):
        self.file, self.line, self.cells = file, line, cells

    def fail(self, field: str, message: str) -> ValueError:
        return ValueError(f"gen/data/{self.file}:{self.line}: field '{field}': {message}")

    def get(self, field: str, *, required: bool = False) -> str:
        value = (self.cells.get(field) or "").strip()
        if required and not value:
            raise self.fail(field, "is empty")
        return value

    def regex(self, field: str, *, default: str = "") -> re.Pattern[str] | None:
        text = self.get(field) or default
        if not text:
            return None
        try:
            return re.compile(text)
        except re.error as err:
            raise self.fail(field, f"is not a valid regular expression ({err}): {text!r}") from None

    def date(self, field: str) -> dt.date | None:
        text = self.get(field)
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise self.fail(field, f"expected YYYY-MM-DD, found {text!r}") from None


def _read_rows(file: str, text: str, columns: tuple[str, ...]) -> list[_Row]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in columns if c not in (reader.fieldnames or ())]
    if missing:
        raise ValueError(f"gen/data/{file}:1: header lacks column(s) {', '.join(missing)}")
    rows = []
    for cells in reader:
        if not any((v or "").strip() for v in cells.values() if isinstance(v, str)):
            continue
        rows.append(_Row(file, reader.line_num, cells))
    return rows


_MONTH_DAY = re.compile(r"^(\d\d)-(\d\d)$")


def _month_day(row: _Row, field: str, text: str) -> tuple[int, int]:
    m = _MONTH_DAY.match(text.strip())
    if not m:
        raise row.fail(field, f"expected MM-DD..MM-DD, found {row.get(field)!r}")
    month, day = int(m[1]), int(m[2])
    try:
        dt.date(2020, month, day)
    except ValueError:
        raise row.fail(field, f"no such month-day {text!r}") from None
    return month, day


def parse_era(rows: list[_Row]) -> tuple[EraRule, ...]:
    rules = []
    for row in rows:
        term = row.get("term", required=True)
        pattern = row.regex("pattern", default=re.escape(term))
        start, end = row.date("start"), row.date("end")
        if start is None and end is None:
            raise row.fail("start", "a rule needs a start or an end")
        if start and end and start > end:
            raise row.fail("end", f"ends ({end}) before it starts ({start})")
        when = None
        if row.get("when"):
            parts = row.get("when").split("..")
            if len(parts) != 2:
                raise row.fail("when", f"expected MM-DD..MM-DD, found {row.get('when')!r}")
            when = (_month_day(row, "when", parts[0]), _month_day(row, "when", parts[1]))
        note = row.get("note", required=True)
        rules.append(EraRule(term, pattern, start, end, when, row.regex("unless"), note, row.line))
    return tuple(rules)


def parse_districts(rows: list[_Row]) -> tuple[District, ...]:
    out = []
    for row in rows:
        elsewhere = tuple(p for p in row.get("same_name_elsewhere_county_or_city_level").split(";") if p)
        out.append(District(row.get("code", required=True), row.get("name", required=True),
                            row.get("short_name", required=True), elsewhere))
    return tuple(out)


def parse_divisions(rows: list[_Row]) -> tuple[Division, ...]:
    return tuple(
        Division(row.get("code", required=True), row.get("name", required=True),
                 row.get("district", required=True), row.get("short_name", required=True),
                 row.get("kind", required=True))
        for row in rows
    )


def parse_communities(rows: list[_Row]) -> tuple[Community, ...]:
    out = []
    for row in rows:
        street = row.get("street", required=True)
        former = tuple(s for s in row.get("former_street_names").split(";") if s)
        out.append(Community(row.get("code", required=True), row.get("short_name", required=True),
                             street, row.get("district", required=True), (street, *former)))
    return tuple(out)


def parse_landmarks(rows: list[_Row]) -> tuple[Landmark, ...]:
    out = []
    for row in rows:
        evidence = row.get("evidence") or "strong"
        if evidence not in ("strong", "weak", "none"):
            raise row.fail("evidence", f"expected strong, weak or none, found {evidence!r}")
        out.append(Landmark(row.get("name", required=True), row.get("district", required=True),
                            row.get("kind"), evidence))
    return tuple(out)


_EXACT_BOUND = re.compile(r"^\d{4}-\d\d(-\d\d)?$")


def _bound(row: _Row, field: str, *, is_end: bool) -> dt.date | None:
    """A term bound, or None when the table marks it unknown or approximate ("?", "2021?", "2023+")."""
    text = row.get(field)
    if not text or not _EXACT_BOUND.match(text):
        if text and not re.match(r"^(\?|\d{4}(-\d\d){0,2}[?+])$", text):
            raise row.fail(field, f"expected YYYY-MM[-DD], '?', 'YYYY?' or 'YYYY+', found {text!r}")
        return None
    parts = [int(p) for p in text.split("-")]
    try:
        if len(parts) == 3:
            return dt.date(*parts)
        year, month = parts
        first = dt.date(year, month, 1)
    except ValueError:
        raise row.fail(field, f"no such date {text!r}") from None
    if not is_end:
        return first
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def parse_officials(rows: list[_Row]) -> tuple[Official, ...]:
    out = []
    for row in rows:
        role = row.get("role", required=True)
        if role not in ("区委书记", "区长"):
            raise row.fail("role", f"expected 区委书记 or 区长, found {role!r}")
        out.append(Official(row.get("district", required=True), role, row.get("name", required=True),
                            _bound(row, "start", is_end=False), _bound(row, "end", is_end=True),
                            row.get("start"), row.get("end")))
    return tuple(out)


def parse_sources(rows: list[_Row]) -> tuple[SourceRule, ...]:
    out = []
    for row in rows:
        name = row.get("name", required=True)
        pattern = row.regex("pattern")
        if pattern is None:
            raise row.fail("pattern", "is empty")
        if "{place}" in name and "place" not in pattern.groupindex:
            raise row.fail("pattern", "name uses {place} but the pattern has no (?P<place>…) group")
        slug = row.get("id", required=True)
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
            raise row.fail("id", f"expected a lower-case ascii slug, found {slug!r}")
        where = row.get("where") or "lead"
        if where not in ("lead", "tail", "any"):
            raise row.fail("where", f"expected lead, tail or any, found {where!r}")
        out.append(SourceRule(name, slug, pattern, where, row.get("district") or None,
                              row.get("note"), row.line))
    return tuple(out)


def parse_tags(rows: list[_Row]) -> tuple[TagRule, ...]:
    out = []
    for row in rows:
        kind = row.get("kind", required=True)
        if kind not in ("topic", "person", "meeting"):
            raise row.fail("kind", f"expected topic, person or meeting, found {kind!r}")
        text = row.get("min_hits") or "1"
        if not text.isdigit() or int(text) < 1:
            raise row.fail("min_hits", f"expected a positive integer, found {text!r}")
        pattern = row.regex("patterns")
        if pattern is None:
            raise row.fail("patterns", "is empty")
        out.append(TagRule(row.get("tag", required=True), kind, pattern, int(text), row.get("note"),
                           row.line))
    return tuple(out)


# Tables field -> (file in gen/data/, required columns, parser).
TABLE_FILES = {
    "era": ("era.csv", ("term", "pattern", "start", "end", "when", "unless", "note"), parse_era),
    "districts": ("districts.csv", ("code", "name", "short_name", "same_name_elsewhere_county_or_city_level"),
                  parse_districts),
    "divisions": ("beijing_divisions.csv", ("code", "name", "district", "short_name", "kind"),
                  parse_divisions),
    "communities": ("beijing_communities.csv", ("code", "street", "district", "short_name",
                                                "former_street_names"), parse_communities),
    "landmarks": ("landmarks.csv", ("name", "district", "kind", "evidence"), parse_landmarks),
    "officials": ("officials.csv", ("district", "role", "name", "start", "end"), parse_officials),
    "sources": ("sources.csv", ("name", "id", "pattern", "where", "district", "note"), parse_sources),
    "tags": ("tags.csv", ("tag", "kind", "patterns", "min_hits", "note"), parse_tags),
}


def parse_table(key: str, text: str) -> tuple:
    """Parse the text of one table (a TABLE_FILES key: "era", "sources", …) into its records."""
    file, columns, parse = TABLE_FILES[key]
    return parse(_read_rows(file, text, columns))


@functools.cache
def load_tables() -> Tables:
    """Every editable table from gen/data/, parsed and validated (cached: the files are read once)."""
    data = resources.files(DATA_PACKAGE)
    parsed = {key: parse_table(key, data.joinpath(file).read_text(encoding="utf-8-sig"))
              for key, (file, _, _) in TABLE_FILES.items()}
    return Tables(**parsed)
