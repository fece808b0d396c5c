"""The document date: from the masthead, from a full date in the lead, from the seed's path
(gen/meta/filedate.py), or a month/day whose year the evidence decides (the path, era terms from
gen/data/era.csv, officials' terms, a stated weekday).

Precedence, each with its basis: manifest (清单, applied in gen/document.py) > masthead (报头) > the
text's own full date in the lead (正文) > a date in the file name or folders (文件名) > inferred
(推断：<evidence>). The higher one is the date when the lower agrees with it or says nothing; the
lower is always checked, and where they disagree (beyond PATH_TOLERANCE) there is no date and a
warning names both values:

- the masthead must lie inside what the path says (a day, a folder's month or year);
- the lead's date (a full date, or a month/day with its year from the path: 正文+文件名) inside what
  the path says is the date. On a file name's day ± PATH_TOLERANCE but not on it, the file name's day
  is the date (文件名): the lead dates the event, the file name the publication, which is what the
  corpus' index gives (measured, see PATH_TOLERANCE). Further off, or outside a folder's month or
  year: no date;
- a month/day near a year's turn inside a year folder (12月30日 in 2021/) may be of either year: the
  text's evidence decides (推断：文件名、星期), or there is no date;
- the path's day alone (the lead states no date) is the date, unless the text's era terms or
  officials rule that day out.

Never guesses a year: when the evidence leaves more than one year (or none), there is no date.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gen.clean import nfkc_head
from gen.meta.officials import in_office, officials_named
from gen.model import Found, Reading
from gen.tables import EraRule, Tables

if TYPE_CHECKING:
    from gen.meta.filedate import PathDate

DEFAULT_SCOPE = (dt.date(2019, 12, 1), dt.date(2022, 12, 31))

# How much of the body counts as the lead (characters, after NFKC).
LEAD_CHARS = 120

# A date stated in the lead may precede (or follow) the day the document was written, while the era
# table and the officials table describe when a document can be written; allow this much either way.
# Years are 365 days apart, so the slack never lets a wrong year through on its own.
STATED_DATE_SLACK = dt.timedelta(days=31)

PATH_BASIS = "文件名"
# How far the day the lead states may lie from the day the file name states and still be that
# document's day. Measured on the 6,746 CCTV items, whose file name's day is the broadcast day and
# index.csv's pubtime every time: of the 3,510 whose lead states a day, 3,263 state that day; 237
# are 1 to 3 days off (197 the day before: an event reported the next evening; 10 the day after);
# 10 are 4 to 86 days off (a past event recalled, 首批医疗队1月26日抵达武汉, or one to come,
# 3月4日 … 将召开). dxy-news' full dates in the lead against pubDate: 782 of 785 within 3 days. So
# within 3 days the file name's day is the date (right every time); beyond, the lead is about
# another day than the document's, or the file is misnamed, and we cannot tell which.
PATH_TOLERANCE = dt.timedelta(days=3)

# Chinese numerals as they appear in dates and meeting numbers.
CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}

_NUM = r"\d{1,2}|[〇零一二两三四五六七八九十]{1,3}"
_YEAR = r"(?:19|20)\d\d|[二][〇零][一二][〇零一二三四五六七八九]"
FULL_DATE = re.compile(rf"(?P<y>{_YEAR})\s*年\s*(?P<m>{_NUM})\s*月\s*(?P<d>{_NUM})\s*[日号]")
MONTH_DAY = re.compile(rf"(?<![\d年月])(?P<m>{_NUM})\s*月\s*(?P<d>{_NUM})\s*[日号]")

# "今天(6月23日)", "今日(…)", "昨天(…)": the broadcast's own day, stated outright.
DAY_WORD = re.compile(r"(今天|今日|今晨|今晚|昨天|昨日|明天)\s*\(\s*$")
DAY_WORD_OFFSET = {"今天": 0, "今日": 0, "今晨": 0, "今晚": 0, "昨天": 1, "昨日": 1, "明天": -1}

# A statistics window right after the date: "2月7日0-24时", "1月22日12时至1月23日12时",
# "3月8日8时至9日8时". A count "for day D up to 24时" is published the next day.
WINDOW = re.compile(
    rf"^\s*(?P<h1>\d{{1,2}})(?::\d\d)?\s*[时点]?\s*(?:\d{{1,2}}分)?\s*(?:至|到|-|—|–|－|~|～|一(?=\s*\d))+\s*"
    rf"(?:(?:(?P<m2>{_NUM})\s*月)?\s*(?P<d2>{_NUM})\s*日)?\s*(?P<h2>\d{{1,2}})(?::\d\d)?\s*[时点:]"
)
# "截至2月1日24时": the count up to the end of day D, published the next day.
UNTIL_BEFORE = re.compile(r"(截至|截止到?|截止至)\s*$")
UNTIL_HOUR = re.compile(r"^\s*(?P<h>\d{1,2})(?::\d\d)?\s*[时点:]")

# Dates in the lead that are not the document's day: a start ("自3月1日起"), a span ("以来"), a plan,
# another year's day ("去年3月1日"). The lead goes on to the next date.
SKIP_BEFORE = re.compile(r"(自|从|将[^，。,]{0,4}|拟于|定于|计划于?|预计|直至|直到|至|到|去年|明年|前年)\s*$")
# A foreign local date: reports of it appear the same day or the next in Beijing; the lead's date is
# then unknowable and the search stops.
STOP_BEFORE = re.compile(r"当地时间\s*$")
SKIP_AFTER = re.compile(r"^\s*(?:\d{1,2}\s*[时点]\s*)?(以来|起|前|之前|以前|后|之后|以后|开始|至今|至|到|—|-|~|～)")
# The document's own day stated without a month ("今天", "21日，", "今天(29日)"): a month/day after it
# is an earlier event, so the lead's date is unknowable.
OWN_DAY = re.compile(r"今天|今日|今晨|昨天|昨日|(?<![\d月年])\d{1,2}日(?!\s*[电讯])")
FIRST_SENTENCE_END = re.compile(r"[。！？!?\n]")
WEEKDAY_AFTER = re.compile(r"^\s*[(（]?\s*(?:星期|周|礼拜)(?P<w>[一二三四五六日天])")

@dataclass(frozen=True)
class DateMention:
    """A date stated in the lead, with what the words around it say about the document's day."""

    year: int | None
    month: int
    day: int
    offset: int  # position in the lead
    text: str
    shift: int = 0  # days from the stated day to the document's day (statistics window: 1)
    today: bool = False  # stated as "今天(…)"
    weekday: int | None = None
    stop: bool = False  # a date that hides the document's day (foreign local time): look no further


def cn_number(text: str) -> int | None:
    """Arabic or Chinese numeral to int: "103", "九十九", "十三", "二〇二〇" -> 2020; None if neither."""
    text = unicodedata.normalize("NFKC", text).strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in CN_DIGITS and ch not in CN_UNITS for ch in text):
        return None
    if not any(ch in CN_UNITS for ch in text):  # digit by digit: 二〇二〇
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    total, digit = 0, None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


def _valid(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def lead_text(reading: Reading) -> str:
    """The first LEAD_CHARS characters of the first article (its stated date first, if the reader
    took one out), or of the title when there is no body; NFKC-normalised."""
    first = reading.articles[0] if reading.articles else None
    body = first.text.strip() if first else ""
    if first and first.date_text and first.date_text not in body:
        body = f"{first.date_text}，{body}"
    text = body or (reading.title or "")
    return nfkc_head(text, LEAD_CHARS)


def _window_shift(lead: str, m: re.Match[str], month: int, day: int) -> tuple[int, int, int] | None:
    """(month, day, shift) when the date opens a statistics window or closes a 截至 count, else None."""
    after = lead[m.end():]
    w = WINDOW.match(after)
    if w:
        m2 = cn_number(w["m2"]) if w["m2"] else month
        d2 = cn_number(w["d2"]) if w["d2"] else day
        if m2 is None or d2 is None:
            return None
        return m2, d2, 1 if int(w["h2"]) == 24 else 0
    if UNTIL_BEFORE.search(lead[:m.start()]):
        h = UNTIL_HOUR.match(after)
        return month, day, 1 if h and int(h["h"]) == 24 else 0
    return None


def find_lead_dates(lead: str) -> tuple[DateMention, ...]:
    """Every date in the lead that can stand for the document's day, in order of appearance."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for pattern in (FULL_DATE, MONTH_DAY):
        for m in pattern.finditer(lead):
            if any(s <= m.start() < e for s, e in taken):
                continue
            taken.append(m.span())
            year = cn_number(m["y"]) if "y" in m.groupdict() else None
            month, day = cn_number(m["m"]), cn_number(m["d"])
            if month is None or day is None or _valid(2020, month, day) is None:
                continue
            window = _window_shift(lead, m, month, day)
            shift = 0
            if window:
                month, day, shift = window
            else:
                if STOP_BEFORE.search(lead[max(0, m.start() - 6):m.start()]):
                    found.append(DateMention(None, month, day, m.start(), m.group(0), stop=True))
                    continue
                if SKIP_BEFORE.search(lead[max(0, m.start() - 6):m.start()]):
                    continue
                if SKIP_AFTER.match(lead[m.end():]):
                    continue
            before = lead[max(0, m.start() - 6):m.start()]
            day_word = DAY_WORD.search(before)
            if day_word:
                shift = DAY_WORD_OFFSET[day_word[1]]
            wd = WEEKDAY_AFTER.match(lead[m.end():])
            found.append(DateMention(year, month, day, m.start(), m.group(0), shift,
                                     today=bool(day_word), weekday=WEEKDAYS[wd["w"]] if wd else None))
    return tuple(sorted(found, key=lambda x: x.offset))


def _fits(day: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    return (start is None or day >= start - STATED_DATE_SLACK) and (end is None or day <= end + STATED_DATE_SLACK)


def era_evidence(text: str, rules: tuple[EraRule, ...]) -> tuple[EraRule, ...]:
    """The era rules whose term occurs in the text (and whose exemption does not)."""
    return tuple(r for r in rules if r.pattern.search(text) and not (r.unless and r.unless.search(text)))


Evidence = tuple[tuple[str, Callable[[dt.date], bool]], ...]


def text_evidence(text: str, tables: Tables, weekday: int | None = None, shift: int = 0) -> Evidence:
    """What in the text can rule out a date: (label, the test a date must pass), in a fixed order."""
    found: list[tuple[str, Callable[[dt.date], bool]]] = []
    if weekday is not None:
        found.append(("星期", lambda d: (d - dt.timedelta(days=shift)).weekday() == weekday))
    for rule in era_evidence(text, tables.era):
        found.append((rule.term, lambda d, r=rule: not r.applies_to(d) or _fits(d, r.start, r.end)))
    for rows in officials_named(text, tables.officials):
        found.append((f"{rows[0].name}（{rows[0].role}）",
                      lambda d, rows=rows: any(in_office(o, d - STATED_DATE_SLACK, d + STATED_DATE_SLACK) for o in rows)))
    return tuple(found)


def ruled_out_by(day: dt.date, evidence: Evidence) -> tuple[str, ...]:
    """The labels of the evidence that rules the day out."""
    return tuple(label for label, keep in evidence if not keep(day))


def year_candidates(month: int, day: int, scope: tuple[dt.date, dt.date], shift: int = 0) -> dict[int, dt.date]:
    """Each year of the scope in which month/day (shifted by `shift` days) is a real day inside it."""
    candidates = {}
    for year in range(scope[0].year, scope[1].year + 1):
        stated = _valid(year, month, day)
        if stated is None:
            continue
        final = stated + dt.timedelta(days=shift)
        if scope[0] <= final <= scope[1]:
            candidates[year] = final
    return candidates


def infer_year(month: int, day: int, text: str, tables: Tables, scope: tuple[dt.date, dt.date],
               weekday: int | None = None, shift: int = 0,
               window: tuple[dt.date, dt.date] | None = None) -> tuple[dt.date | None, tuple[str, ...]]:
    """The one year the evidence leaves for month/day (shifted by `shift` days), and the evidence used.

    `window`: the days the seed's path allows (文件名), always reported as used when given."""
    candidates = year_candidates(month, day, scope, shift)
    initial = dict(candidates)
    used: list[str] = []
    evidence = text_evidence(text, tables, weekday, shift)
    if window is not None:
        used.append(PATH_BASIS)
        evidence = ((PATH_BASIS, lambda d: window[0] <= d <= window[1]), *evidence)
    for label, keep in evidence:
        # Every piece of evidence that rules out a year is reported, even if another already did.
        if not all(keep(d) for d in initial.values()) and label not in used:
            used.append(label)
        candidates = {y: d for y, d in candidates.items() if keep(d)}
    if len(initial) == 1 and not used:
        # One year only, before any evidence: the calendar decides for 2月29日; otherwise it is just
        # the scope's only year, which is no evidence at all.
        if (month, day) != (2, 29) or scope[0].year == scope[1].year:
            return None, ()
        used.append("闰日")
    if len(candidates) == 1:
        return next(iter(candidates.values())), tuple(used)
    return None, tuple(used)


def _shift_note(mention: DateMention) -> str:
    """Why the document's day differs from the stated day, for the basis."""
    if mention.shift == 0:
        return ""
    if mention.today:
        return "；昨天，取次日" if mention.shift == 1 else "；明天，取前日"
    return "；统计至24时，取次日"


@dataclass(frozen=True)
class Dating:
    """The document's date as decided (None: no date), and why evidence was set aside."""

    found: Found | None
    warnings: tuple[str, ...] = ()


def lead_mention(reading: Reading, scope: tuple[dt.date, dt.date] = DEFAULT_SCOPE) -> DateMention | None:
    """The date in the lead that stands for the document's day: a full date inside the scope or a
    month/day; None when the lead states none, or hides the day."""
    lead = lead_text(reading)
    # A date stated as "今天(…)" is the document's own day; otherwise the first date in the lead.
    ordered = sorted(find_lead_dates(lead), key=lambda x: (not x.today, x.offset))
    end = FIRST_SENTENCE_END.search(lead)
    first_sentence_end = end.start() if end else len(lead)
    for mention in ordered:
        if mention.stop:
            return None
        if not mention.today:
            if mention.offset > first_sentence_end:
                return None  # a date after the first sentence tells of something else
            if OWN_DAY.search(lead[:mention.offset]):
                return None
        if mention.year is None:
            return mention
        stated = _valid(mention.year, mention.month, mention.day)
        if stated is not None and scope[0] <= stated + dt.timedelta(days=mention.shift) <= scope[1]:
            return mention
    return None


def _disagree(what: str, day: dt.date, path: PathDate, tolerance: dt.timedelta | None) -> str:
    off = ""
    if path.day:
        off = f" by {abs((path.day - day).days)} days"
        off += f" (at most {tolerance.days} allowed)" if tolerance else ""
    return f"date: {what} and the file path's {path} disagree{off}; no date is given"


def _weigh(found: Found, what: str, path: PathDate | None, tolerance: dt.timedelta | None = PATH_TOLERANCE) -> Dating:
    """A date stated in the text, checked against the path (see the module docstring)."""
    day = found.value
    assert isinstance(day, dt.date)
    if path is None or path.holds(day):
        return Dating(found)
    if tolerance and path.day and abs(day - path.day) <= tolerance:
        return Dating(Found(path.day, PATH_BASIS))
    return Dating(None, (_disagree(what, day, path, tolerance),))


def _path_alone(path: PathDate | None, text: str, tables: Tables) -> Dating:
    """The path's day, when the text states none, unless the text's evidence rules it out."""
    if path is None or path.day is None:
        return Dating(None)
    against = ruled_out_by(path.day, text_evidence(text, tables))
    if against:
        return Dating(None, (f"date: the file path's {path} is ruled out by the text ({'、'.join(against)}); "
                             f"no date is given",))
    return Dating(Found(path.day, PATH_BASIS))


def _month_day(mention: DateMention, path: PathDate | None, text: str, tables: Tables,
               scope: tuple[dt.date, dt.date]) -> Dating:
    """A month/day from the lead, its year from the path and the text's evidence."""
    note = _shift_note(mention)
    if path is None:
        day, used = infer_year(mention.month, mention.day, text, tables, scope, mention.weekday, mention.shift)
        return Dating(Found(day, "推断：" + "、".join(used) + note) if day else None)
    window = (path.first - PATH_TOLERANCE, path.last + PATH_TOLERANCE)
    days = year_candidates(mention.month, mention.day, scope, mention.shift).values()
    near = [d for d in days if window[0] <= d <= window[1]]
    if not near:
        if path.day and days:
            nearest = min(days, key=lambda d: abs(d - path.day))
            return Dating(None, (_disagree(f"the text's {mention.text!r} ({nearest.isoformat()})", nearest, path,
                                           PATH_TOLERANCE),))
        return Dating(None, (f"date: the text's {mention.text!r} falls on no day near the file path's {path}; "
                             f"no date is given",))
    day, used = infer_year(mention.month, mention.day, text, tables, scope, mention.weekday, mention.shift, window)
    if day is None:
        evidence = text_evidence(text, tables, mention.weekday, mention.shift)
        against = [ruled_out_by(d, evidence) for d in near]
        if not all(against):
            return Dating(None)  # two years are left (a month/day at a year's turn): undecided
        labels = "、".join(dict.fromkeys(label for labels in against for label in labels))
        return Dating(None, (f"date: the text's {mention.text!r} near the file path's {path} is ruled out by the "
                             f"text ({labels}); no date is given",))
    # The path's year (or day) alone: 正文+文件名, however much the text's evidence agrees. Only where
    # the path leaves two years (a month/day at a year's turn) and the text's evidence picks one: 推断.
    basis = "正文+文件名" if len(near) == 1 else "推断：" + "、".join(used)
    return _weigh(Found(day, basis + note), f"the text's {mention.text!r} ({day.isoformat()})", path)


def decide_date(reading: Reading, tables: Tables, *, path: PathDate | None = None,
                scope: tuple[dt.date, dt.date] = DEFAULT_SCOPE) -> Dating:
    """The document's date, how it was found, and a warning where evidence disagrees: 报头 > 正文 >
    文件名 > 推断：<evidence> (see the module docstring)."""
    if reading.masthead is not None and reading.masthead.date is not None:
        day = reading.masthead.date
        return _weigh(Found(day, "报头"), f"the masthead's {day.isoformat()}", path, tolerance=None)
    mention = lead_mention(reading, scope)
    if mention is None:
        return _path_alone(path, reading.folded, tables)
    if mention.year is None:
        return _month_day(mention, path, reading.folded, tables, scope)
    day = dt.date(mention.year, mention.month, mention.day) + dt.timedelta(days=mention.shift)
    return _weigh(Found(day, "正文" + _shift_note(mention)), f"the text's {mention.text!r} ({day.isoformat()})", path)


def extract_date(reading: Reading, tables: Tables, *, path: PathDate | None = None,
                 scope: tuple[dt.date, dt.date] = DEFAULT_SCOPE) -> Found | None:
    """The document's date and how it was found (decide_date without its warnings)."""
    return decide_date(reading, tables, path=path, scope=scope).found


def resolve_article_date(date_text: str, issue_date: dt.date) -> dt.date | None:
    """An article's own date ("4月15日下午") in an issue of issue_date: the latest such day on or before it."""
    text = unicodedata.normalize("NFKC", date_text)
    m = FULL_DATE.search(text)
    if m:
        year, month, day = cn_number(m["y"]), cn_number(m["m"]), cn_number(m["d"])
        return _valid(year, month, day) if None not in (year, month, day) else None
    m = MONTH_DAY.search(text)
    if not m:
        return None
    month, day = cn_number(m["m"]), cn_number(m["d"])
    if month is None or day is None:
        return None
    for year in (issue_date.year, issue_date.year - 1, issue_date.year - 2, issue_date.year - 3, issue_date.year - 4):
        candidate = _valid(year, month, day)  # 2月29日 may need to go back more than one year
        if candidate is not None and candidate <= issue_date:
            return candidate
    return None
