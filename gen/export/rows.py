"""The metadata table: its columns, one row per page, and the row as CSV and as JSON Lines; pure.

CSV is for spreadsheets and JSON Lines for programs, so they differ in two places only: a CSV
cell holds a list as its items joined by LIST_SEPARATOR, and a CSV cell that a spreadsheet would
run as a formula starts with an apostrophe (see guard_formula). JSON Lines hold the values as
they are: lists as arrays, dates as ISO text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from gen import frontmatter
from gen.model import Problem

# Known front-matter fields, always present and in the order pages write them, so scripts can
# rely on a column whether or not this build has a value for it; editors' own fields follow, sorted.
KNOWN_FIELDS: tuple[str, ...] = tuple(frontmatter.FIELDS)
_DATE_FIELDS = frozenset(key for key, kind in frontmatter.FIELDS.items() if kind == "date")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# Columns the export adds after the front matter: the page's address and its original's (the
# page's text is a download its page makes in the browser: no file, no address).
PAGE_URL, ORIGINAL_URL = "page_url", "original_url"
ADDED_COLUMNS = (PAGE_URL, ORIGINAL_URL)

# List items in one CSV cell. A semicolon and a space: neither tags nor seed paths use it, and
# Excel shows the cell readably. An item that contains it is reported (the JSON Lines file has
# the exact list).
LIST_SEPARATOR = "; "

# First characters that make Excel, LibreOffice and Google Sheets read a cell as a formula
# (OWASP "CSV injection"), and the apostrophe itself, so that the rule can be undone exactly:
# a cell that starts with an apostrophe had one added; drop that one character to get the value.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")

# Characters that str.splitlines() and some editors treat as line ends although JSON does not:
# written escaped, so every JSON Lines record is one line for any reader.
_JSON_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}
_JSON_LINE_BREAK = re.compile("[\u2028\u2029\x85]")
# Unpaired surrogates (a YAML "\ud800" escape) cannot be written as UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")


def columns(field_names: Iterable[str]) -> tuple[str, ...]:
    """Every column: the known fields, the other fields found (sorted), then the added ones."""
    extra = sorted({str(name) for name in field_names} - set(KNOWN_FIELDS) - set(ADDED_COLUMNS))
    return (*KNOWN_FIELDS, *extra, *ADDED_COLUMNS)


def row(fields: Mapping[str, Any], cols: Sequence[str], added: Mapping[str, str | None]) -> tuple[Any, ...]:
    """A page's values in column order (None where it has none), known dates as dates."""
    return tuple(added[c] if c in added else _known(c, fields.get(c)) for c in cols)


def _known(key: str, value: Any) -> Any:
    # The generator's own parser keeps `date: 2020-04-16` as text, YAML's safe loader (MkDocs)
    # makes it a date: the export types it the same either way.
    if isinstance(value, str) and key in _DATE_FIELDS and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


# ---------------------------------------------------------------- values


def _scalar_text(value: Any) -> str:
    if type(value) is str:  # nearly every value; the ABC checks below are slow
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (Mapping, list, tuple)):
        return json.dumps(json_value(value), ensure_ascii=False, sort_keys=True)
    return "" if value is None else str(value)


def cell_text(value: Any) -> str:
    """A value as CSV text, before the formula guard: lists joined by LIST_SEPARATOR."""
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(_scalar_text(v) for v in value)
    return _scalar_text(value)


def guard_formula(text: str) -> str:
    """Text a spreadsheet shows as text: an apostrophe before a formula's first character."""
    return "'" + text if text.startswith(FORMULA_START) else text


def unguard(text: str) -> str:
    """The value of a guarded CSV cell (guard_formula undone): for readers of the CSV."""
    return text[1:] if text.startswith("'") else text


def json_value(value: Any) -> Any:
    """A value as JSON: dates as ISO text, lists as arrays, mappings as objects."""
    if type(value) is str:
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # YAML's .nan and .inf: JSON has no such numbers
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    return str(value)


def ambiguous_items(value: Any) -> list[str]:
    """List items that contain LIST_SEPARATOR (their CSV cell cannot be split back exactly)."""
    if not isinstance(value, (list, tuple)):
        return []
    return [v for v in value if isinstance(v, str) and LIST_SEPARATOR in v]


def clean_surrogates(text: str) -> str:
    """Text that UTF-8 can encode: unpaired surrogates become U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


# ---------------------------------------------------------------- lines


def csv_header(cols: Sequence[str]) -> str:
    """The CSV header line (CRLF-terminated, as RFC 4180 and the csv module write)."""
    return _csv_line(list(cols))


def csv_line(values: Sequence[Any]) -> str:
    """One CSV record: every cell as text, guarded against formulas."""
    # Most cells are text or empty: those need no cell_text (100,000 rows of 20 cells).
    return _csv_line(["" if v is None else guard_formula(v if type(v) is str else cell_text(v)) for v in values])


def _csv_line(cells: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(cells)
    return buf.getvalue()


def json_line(cols: Sequence[str], values: Sequence[Any]) -> str:
    """One JSON Lines record: an object with every column, in column order, and a newline."""
    obj = {c: v if v is None or type(v) is str else json_value(v) for c, v in zip(cols, values)}
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    if _JSON_LINE_BREAK.search(text):
        text = _JSON_LINE_BREAK.sub(lambda m: _JSON_LINE_BREAKS[m.group(0)], text)
    return text + "\n"


def encoded(lines: Iterable[str]) -> Iterator[bytes]:
    """Lines as UTF-8 (unpaired surrogates replaced: they come from a YAML escape only)."""
    for line in lines:
        try:
            yield line.encode("utf-8")
        except UnicodeEncodeError:
            yield clean_surrogates(line).encode("utf-8")


# ---------------------------------------------------------------- checks


def value_problems(page: str, fields: Mapping[str, Any]) -> list[Problem]:
    """What the export cannot keep exactly of a page's front matter, field by field."""
    if _ADDED.isdisjoint(fields) and all(_plain(value) for value in fields.values()):
        return []
    problems = []
    for key in sorted(fields, key=str):
        value = fields[key]
        if type(value) is str and not _SURROGATE.search(value) and key not in ADDED_COLUMNS:
            continue
        if key in ADDED_COLUMNS:
            problems.append(Problem(page, "has the name of a column the export adds; this field is not exported", field=key, severity="warning"))
        for item in ambiguous_items(value):
            problems.append(Problem(page, f"item {item!r} contains the CSV list separator {LIST_SEPARATOR!r}; archive.jsonl has the exact list", field=key, severity="warning"))
        if any(_SURROGATE.search(s) for s in _strings(value)):
            problems.append(Problem(page, "has an unpaired surrogate escape; exported as U+FFFD", field=key, severity="warning"))
    return problems


_ADDED = frozenset(ADDED_COLUMNS)


def _plain(value: Any) -> bool:
    """Whether a value certainly has nothing to report (nearly every one): text, or a list of
    texts, without an unpaired surrogate or the list separator."""
    if type(value) is str:
        return not _SURROGATE.search(value)
    if type(value) is list:
        return all(type(v) is str and LIST_SEPARATOR not in v for v in value) and not _SURROGATE.search("".join(value))
    return value is None or type(value) in (dt.date, bool, int)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
