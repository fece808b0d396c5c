"""Metadata manifests: CSV files mapping seed files to known date, title, source, district and URL.

Columns are recognised by name. The defaults below accept ../shared/corpus/*/index.csv as they are
(`pubDate`, `pubtime`, `infoSource`, `sourceUrl`); `--manifest-columns date=发布日期,source=媒体`
names other columns. The `file` column holds paths relative to the manifest's own folder; a bare
file name also matches a seed of that name anywhere, when only one seed has it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from gen.model import Problem

# Field -> column names tried in order (case-insensitive).
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "file": ("file", "path", "filename", "seed", "文件"),
    "date": ("date", "pubdate", "pubtime", "publish_date", "published", "日期"),
    "title": ("title", "标题"),
    "source": ("source", "infosource", "publisher", "来源"),
    "district": ("district", "区", "地区"),
    "url": ("url", "sourceurl", "link", "链接"),
}

_DATE_FORMS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"(\d{4})(\d{2})(\d{2})$"),
)


@dataclass(frozen=True)
class Entry:
    """What a manifest says about one seed file."""

    manifest: str  # the manifest's path, for provenance and messages
    line: int
    file: str  # as written in the manifest
    date: dt.date | None = None
    title: str | None = None
    source: str | None = None
    district: str | None = None
    url: str | None = None


def parse_columns(spec: str) -> dict[str, str]:
    """`date=pubtime,source=infoSource` → {"date": "pubtime", "source": "infoSource"}; ValueError if malformed."""
    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        field, sep, column = part.partition("=")
        if not sep or not column.strip():
            raise ValueError(f"manifest column mapping {part!r} is not FIELD=COLUMN")
        if field.strip() not in DEFAULT_COLUMNS:
            raise ValueError(f"manifest column mapping names unknown field {field!r}; fields: {', '.join(DEFAULT_COLUMNS)}")
        out[field.strip()] = column.strip()
    return out


def parse_date(text: str) -> dt.date | None:
    """A date from the common manifest forms, or None; raise ValueError for an impossible date."""
    for form in _DATE_FORMS:
        m = form.match(text.strip())
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


def _column_map(header: list[str], overrides: dict[str, str]) -> dict[str, int]:
    lowered = {name.strip().lower(): i for i, name in enumerate(header)}
    found: dict[str, int] = {}
    for field, names in DEFAULT_COLUMNS.items():
        wanted = (overrides[field],) if field in overrides else names
        for name in wanted:
            if name.lower() in lowered:
                found[field] = lowered[name.lower()]
                break
    return found


def read_manifest(text: str, path: str, overrides: dict[str, str] | None = None) -> tuple[list[Entry], list[Problem]]:
    """Entries and problems of one manifest's CSV text."""
    overrides = overrides or {}
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        return [], [Problem(path, "manifest is empty")]
    columns = _column_map(rows[0], overrides)
    problems = [
        Problem(path, f"column {overrides[f]!r} named for {f} is not in the header", line=1, field=f)
        for f in overrides
        if f not in columns
    ]
    if "file" not in columns:
        names = ", ".join(DEFAULT_COLUMNS["file"])
        return [], problems + [Problem(path, f"no file column (looked for {names}; name it with --manifest-columns file=…)", line=1)]
    entries = []
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {f: row[i].strip() if i < len(row) else "" for f, i in columns.items()}
        date = None
        if values.get("date"):
            try:
                date = parse_date(values["date"])
                if date is None:
                    problems.append(Problem(path, f"date {values['date']!r} is not YYYY-MM-DD", line=line_no, field="date", severity="warning"))
            except ValueError:
                problems.append(Problem(path, f"date {values['date']!r} is not a real date", line=line_no, field="date", severity="warning"))
        entries.append(
            Entry(
                manifest=path,
                line=line_no,
                file=values["file"],
                date=date,
                title=values.get("title") or None,
                source=values.get("source") or None,
                district=values.get("district") or None,
                url=values.get("url") or None,
            )
        )
    return entries, problems


def index_entries(entries: list[Entry], manifest_dir: str) -> tuple[dict[str, Entry], dict[str, Entry]]:
    """(by normalised path, by bare file name when unique) lookup tables for one manifest."""
    by_path: dict[str, Entry] = {}
    by_name: dict[str, list[Entry]] = {}
    for entry in entries:
        full = PurePosixPath(manifest_dir) / entry.file.replace("\\", "/")
        by_path[_normal(str(full))] = entry
        by_name.setdefault(PurePosixPath(entry.file).name, []).append(entry)
    unique = {name: es[0] for name, es in by_name.items() if len(es) == 1}
    return by_path, unique


def _normal(path: str) -> str:
    parts: list[str] = []
    for part in PurePosixPath(path).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def lookup(seed_path: str, tables: list[tuple[dict[str, Entry], dict[str, Entry]]]) -> Entry | None:
    """The manifest entry for a seed (absolute or repo-relative POSIX path); later manifests win."""
    key = _normal(seed_path)
    name = PurePosixPath(seed_path).name
    found = None
    for by_path, by_name in tables:
        entry = by_path.get(key) or by_name.get(name)
        if entry is not None:
            found = entry
    return found
