"""Front matter: a strict split and parse that locate every problem, and a deterministic dump.

The dump writes keys in a fixed order, every string double-quoted, dates as ISO `YYYY-MM-DD`, so
that `parse(dump(x)) == x` and the text never depends on the YAML library's formatting choices.
The parser reads every plain scalar as a string (no YAML 1.1 surprises such as `NO` -> false or
`010` -> 8), refuses duplicate keys, and reports file, line and field for anything it rejects.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Any

import yaml

from gen.model import Problem

# Generated keys, in the order they are written. Type: "str", "date" or "list".
FIELDS: dict[str, str] = {
    "title": "str",
    "title_basis": "str",
    "date": "date",
    "date_basis": "str",
    "district": "str",
    "district_basis": "str",
    "source": "str",
    "issue": "str",
    "url": "str",
    "author": "str",
    "editor": "str",
    "tags": "list",
    "seed": "str",
    "duplicate_seeds": "list",
    "seed_sha256": "str",
    "encoding": "str",
    "encoding_confidence": "str",
    "reader": "str",
}

# Keys that editors may add for MkDocs / Material; accepted as they are, written after ours.
EXTRA_KEYS = ("description", "hide", "search", "icon", "status", "template", "comments", "subtitle")

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FENCE = "---"


class FrontMatterError(ValueError):
    """Front matter that cannot be read; carries the problems found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


# ---------------------------------------------------------------- dump


# Characters quote() must escape: the quote and backslash, and those YAML forbids unescaped
# anywhere in a stream, even inside quotes. Most strings have none and take the fast path.
_SPECIAL = re.compile("[\\\\\"\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u2028\u2029\ufeff]")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n"}


def _escape(m: re.Match[str]) -> str:
    ch = m.group(0)
    return _ESCAPES.get(ch) or f"\\u{ord(ch):04x}"


def quote(text: str) -> str:
    """A YAML double-quoted scalar that reads back as exactly `text`."""
    return '"' + _SPECIAL.sub(_escape, text) + '"'


def _dump_value(key: str, value: Any) -> list[str]:
    if isinstance(value, dt.date):
        return [f"{key}: {value.isoformat()}"]
    if isinstance(value, (list, tuple)):
        if not value:
            return [f"{key}: []"]
        return [f"{key}:"] + [f"  - {quote(str(v))}" for v in value]
    if isinstance(value, bool) or value is None:
        return [f"{key}: {yaml.safe_dump(value).splitlines()[0]}"]
    if isinstance(value, (int, float)):
        return [f"{key}: {value}"]
    if isinstance(value, dict):
        # Extra keys such as `search: {exclude: true}`: let YAML write them, in flow style.
        flow = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, sort_keys=True)
        return [f"{key}: {flow.strip()}"]
    return [f"{key}: {quote(str(value))}"]


def dump(meta: dict[str, Any]) -> str:
    """Front matter block (with fences) for `meta`; None values are left out; fixed key order."""
    lines = [_FENCE]
    ordered = [k for k in FIELDS if k in meta] + sorted(k for k in meta if k not in FIELDS)
    for key in ordered:
        if meta[key] is None:
            continue
        lines.extend(_dump_value(key, meta[key]))
    lines.append(_FENCE)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- parse


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that reads plain scalars as strings and refuses duplicate keys."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# The same reading with libyaml where it is installed (10 times faster; the site's pages are read
# with it on every build). Without key lines or duplicate-key checks: for pages already checked.
_FastLoader = type("_FastLoader", (getattr(yaml, "CSafeLoader", yaml.SafeLoader),), {})
_FastLoader.yaml_implicit_resolvers = _StrictLoader.yaml_implicit_resolvers


def load_fields(text: str) -> tuple[dict[str, Any], str] | None:
    """(front matter, body) of a page, quickly; None when the front matter does not parse."""
    try:
        block, body, _ = split(text)
    except ValueError:
        return None
    if block is None:
        return {}, body
    try:
        meta = yaml.load(block, Loader=_FastLoader)
    except yaml.YAMLError:
        return None
    if meta is None:
        return {}, body
    return (meta, body) if isinstance(meta, dict) else None


@dataclass(frozen=True)
class Parsed:
    """A page split into its front matter and body."""

    meta: dict[str, Any]
    key_lines: dict[str, int]  # key -> 1-based line number in the file
    body: str
    body_line: int  # 1-based line where the body starts


def split(text: str) -> tuple[str | None, str, int]:
    """(front matter text or None, body, body's first line number); ValueError if never closed."""
    if not text.startswith(_FENCE + "\n"):
        return None, text, 1
    lines = text.split("\n")
    for i in range(1, len(lines)):
        if lines[i].rstrip() in (_FENCE, "..."):
            return "\n".join(lines[1:i]) + "\n", "\n".join(lines[i + 1 :]), i + 2
    raise ValueError("front matter has no closing '---' line")


def parse(text: str, path: str = "<page>") -> Parsed:
    """Split and parse a page; raise FrontMatterError naming path, line and field on any problem."""
    try:
        block, body, body_line = split(text)
    except ValueError as exc:
        raise FrontMatterError([Problem(path, str(exc), line=1)]) from None
    if block is None:
        return Parsed({}, {}, body, body_line)
    try:
        node = yaml.compose(block, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        reason = getattr(exc, "problem", None) or str(exc)
        raise FrontMatterError([Problem(path, f"YAML does not parse: {reason}", line=line)]) from None
    if node is None:
        return Parsed({}, {}, body, body_line)
    if not isinstance(node, yaml.MappingNode):
        raise FrontMatterError([Problem(path, "front matter must be a mapping of keys to values", line=2)])
    problems: list[Problem] = []
    meta: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    loader = _StrictLoader("")
    for key_node, value_node in node.value:
        key = key_node.value
        line = key_node.start_mark.line + 2
        if key in meta:
            problems.append(Problem(path, "key appears twice", line=line, field=str(key)))
            continue
        meta[key] = loader.construct_object(value_node, deep=True)
        key_lines[key] = line
    loader.dispose()
    if problems:
        raise FrontMatterError(problems)
    return Parsed(meta, key_lines, body, body_line)


# ---------------------------------------------------------------- validate


def _check_field(key: str, kind: str, value: Any) -> str | None:
    """Why `value` is not valid for `key`, or None."""
    if kind == "str":
        if not isinstance(value, str):
            return f"expected a quoted string, found {type(value).__name__} {value!r}"
        if not value.strip():
            return "is empty"
    elif kind == "date":
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        if not _DATE.fullmatch(text):
            return f"expected a date YYYY-MM-DD, found {text!r}"
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            return f"{text!r} is not a real date"
    elif kind == "list":
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            return f"expected a list of strings, found {value!r}"
    return None


def _unknown_key(key: str) -> str:
    known = list(FIELDS) + list(EXTRA_KEYS)
    close = difflib.get_close_matches(key, known, n=1)
    if close:
        return f"unknown key; did you mean {close[0]!r}?"
    return "unknown key; known keys are " + ", ".join(known)


def validate(parsed: Parsed, path: str, known_districts: frozenset[str]) -> list[Problem]:
    """Every problem in a page's front matter: unknown keys, wrong types, impossible dates, districts."""
    problems = []
    for key, value in parsed.meta.items():
        line = parsed.key_lines.get(key)
        if key not in FIELDS:
            if key not in EXTRA_KEYS:
                problems.append(Problem(path, _unknown_key(str(key)), line=line, field=str(key)))
            continue
        if value is None:
            continue
        why = _check_field(key, FIELDS[key], value)
        if why:
            problems.append(Problem(path, why, line=line, field=key))
        elif key == "district" and value not in known_districts:
            problems.append(Problem(path, f"{value!r} is not a Beijing district (nor 北京市)", line=line, field=key))
    if "seed" in parsed.meta and "title" not in parsed.meta:
        problems.append(Problem(path, "missing; every document page needs a title", line=2, field="title"))
    return problems


def date_of(value: Any) -> dt.date | None:
    """A front-matter date as whoever read the page left it: a date (YAML), a datetime, or an ISO
    `YYYY-MM-DD` string (this module's reading); anything else is none."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def typed(meta: dict[str, Any]) -> dict[str, Any]:
    """Parsed values converted to their types (dates as datetime.date); assumes validate() passed."""
    out = dict(meta)
    if isinstance(out.get("date"), str):
        out["date"] = dt.date.fromisoformat(out["date"])
    return out
