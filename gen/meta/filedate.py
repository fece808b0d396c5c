"""Dates written in a seed's path (its path inside the seeds folder): file names such as
`2020-03-15_x.txt`, `xwlb_20200315_01.html`, `20200315.json`, `2020年3月15日通报.txt`, and folders
such as `2020/03/` or `2020/`; pure.

Every rule is a row of a table below. A path can say a day, a month or a year; what it says is one
span of days (`PathDate`). Pieces of the path must agree (a folder `2021/` around a file
`20200315.txt` does not): when they do not, the path says nothing and a warning names both. Only
dates inside the archive's period count, and only real dates: `20201345` is a number, not a date.

How a path date weighs against the other evidence is decided in gen/meta/dates.py (decide_date):
manifest (清单) > masthead (报头) > the text's own full date in the lead (正文) > the path (文件名) >
inferred (推断).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from gen.meta.dates import DEFAULT_SCOPE

_SEP = r"\s*"
# Full dates, searched in the file name and in every folder name; digit runs bounded by non-digits.
FULL_DATES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("YYYY-MM-DD (or _ or .)",
     re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<s>[-_.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?!\d)")),
    ("YYYYMMDD", re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<m>\d\d)(?P<d>\d\d)(?!\d)")),
    ("YYYY年M月D日",
     re.compile(rf"(?<!\d)(?P<y>(?:19|20)\d\d){_SEP}年{_SEP}(?P<m>\d{{1,2}}){_SEP}月{_SEP}(?P<d>\d{{1,2}}){_SEP}[日号]")),
)
# A month and day in the file name, whose year must come from a folder (`2020/3月15日通报.txt`).
NAME_MONTH_DAYS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("M月D日", re.compile(rf"(?<![\d年])(?P<m>\d{{1,2}}){_SEP}月{_SEP}(?P<d>\d{{1,2}}){_SEP}[日号]")),
)
# Whole folder names. A year or a year-month in a file name is too often a number (`dxy_2020.txt`),
# so these are read from folders only. A month folder counts only right inside a year folder, a day
# folder only right inside a month (`2020/03/15/`).
YEAR_MONTH_FOLDERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("YYYY-MM (or _ or .)", re.compile(r"(?P<y>(?:19|20)\d\d)[-_.](?P<m>\d{1,2})")),
    ("YYYYMM", re.compile(r"(?P<y>(?:19|20)\d\d)(?P<m>\d\d)")),
    ("YYYY年M月", re.compile(rf"(?P<y>(?:19|20)\d\d){_SEP}年{_SEP}(?P<m>\d{{1,2}}){_SEP}月份?")),
)
YEAR_FOLDERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("YYYY", re.compile(r"(?P<y>(?:19|20)\d\d)")),
    ("YYYY年", re.compile(rf"(?P<y>(?:19|20)\d\d){_SEP}年度?")),
)
MONTH_FOLDERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("MM", re.compile(r"(?P<m>\d{1,2})")),
    ("M月", re.compile(rf"(?P<m>\d{{1,2}}){_SEP}月份?")),
)
DAY_FOLDERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("DD", re.compile(r"(?P<d>\d{1,2})")),
    ("D日", re.compile(rf"(?P<d>\d{{1,2}}){_SEP}[日号]")),
)
# A file's extension (dropped before reading the name); `2020.03.15` keeps its last part.
EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,7}$")


@dataclass(frozen=True)
class PathDate:
    """What a path says about its document's date: the days it may be on, and the words that say it."""

    first: dt.date
    last: dt.date
    where: str  # the part of the path that says it, e.g. "20200315", "2020/03/", "2020/ + 3月15日"

    @property
    def day(self) -> dt.date | None:
        """The day, when the path names one."""
        return self.first if self.first == self.last else None

    def holds(self, day: dt.date) -> bool:
        """True when the day lies inside what the path says."""
        return self.first <= day <= self.last

    def __str__(self) -> str:
        span = self.first.isoformat() if self.day else f"{self.first.isoformat()}…{self.last.isoformat()}"
        return f"{span} ('{self.where}')"


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month(year: int, month: int) -> tuple[dt.date, dt.date] | None:
    if not 1 <= month <= 12:
        return None
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, 1), following - dt.timedelta(days=1)


def _whole(rules: tuple[tuple[str, re.Pattern[str]], ...], name: str) -> re.Match[str] | None:
    return next((m for _, rule in rules if (m := rule.fullmatch(name))), None)


def _clip(first: dt.date, last: dt.date, where: str, scope: tuple[dt.date, dt.date]) -> PathDate | None:
    """The span inside the archive's period, or None when it lies wholly outside."""
    first, last = max(first, scope[0]), min(last, scope[1])
    return PathDate(first, last, where) if first <= last else None


def _full_dates(name: str, scope: tuple[dt.date, dt.date]) -> list[PathDate]:
    found = []
    for _, rule in FULL_DATES:
        for m in rule.finditer(name):
            day = _day(int(m["y"]), int(m["m"]), int(m["d"]))
            if day and (piece := _clip(day, day, m.group(0), scope)):
                found.append(piece)
    return found


def _folder_pieces(folders: list[str], scope: tuple[dt.date, dt.date]) -> list[PathDate]:
    """What the folders say, from the outermost in."""
    pieces: list[PathDate] = []
    year = month = None  # what the folders just outside said, for a month or day folder inside them
    chain = ""  # those folders' names, for `where`
    for folder in folders:
        span, inner = None, (None, None)
        if full := _full_dates(folder, scope):
            pieces += full
        elif m := _whole(YEAR_MONTH_FOLDERS, folder):
            inner, chain = (int(m["y"]), int(m["m"])), ""
            span = _month(*inner)
        elif m := _whole(YEAR_FOLDERS, folder):
            inner, chain = (int(m["y"]), None), ""
            span = dt.date(inner[0], 1, 1), dt.date(inner[0], 12, 31)
        elif year is not None and month is None and (m := _whole(MONTH_FOLDERS, folder)):
            inner = (year, int(m["m"]))
            span = _month(*inner)
        elif year is not None and month is not None and (m := _whole(DAY_FOLDERS, folder)):
            day = _day(year, month, int(m["d"]))
            span = (day, day) if day else None
        if span is None:
            inner, chain = (None, None), ""  # `2020/13/` is not a month, and what is inside it no day
        else:
            chain += f"{folder}/"
            if piece := _clip(*span, chain, scope):
                pieces.append(piece)
        year, month = inner
    return pieces


def _name_month_days(name: str, pieces: list[PathDate], scope: tuple[dt.date, dt.date]) -> list[PathDate]:
    """A month/day in the file name, dated by the one year the folders say."""
    years = {p.first.year for p in pieces} | {p.last.year for p in pieces}
    if len(years) != 1:
        return []
    (year,) = years
    found = []
    for _, rule in NAME_MONTH_DAYS:
        for m in rule.finditer(name):
            day = _day(year, int(m["m"]), int(m["d"]))
            if day and (piece := _clip(day, day, f"{pieces[-1].where} + {m.group(0)}", scope)):
                found.append(piece)
    return found


def extract_path_date(rel: str, scope: tuple[dt.date, dt.date] = DEFAULT_SCOPE
                      ) -> tuple[PathDate | None, tuple[str, ...]]:
    """The date a seed's path inside the seeds folder says (None: none), and a warning when its parts
    disagree."""
    parts = [unicodedata.normalize("NFKC", part).strip() for part in rel.split("/") if part]
    if not parts:
        return None, ()
    *folders, name = parts
    name = EXTENSION.sub("", name)
    pieces = _folder_pieces(folders, scope)
    pieces += _full_dates(name, scope) or _name_month_days(name, pieces, scope)
    if not pieces:
        return None, ()
    first, last = max(p.first for p in pieces), min(p.last for p in pieces)
    if first > last:
        a, b = next((a, b) for a in pieces for b in pieces if a.last < b.first)
        return None, (f"date: the file path says both {a} and {b}; no date is taken from it",)
    narrowest = min(pieces, key=lambda p: p.last - p.first)
    return PathDate(first, last, narrowest.where), ()
