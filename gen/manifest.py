"""Metadata manifests: CSV files mapping seed files to known date, title, source, district and URL.

Columns are recognised by name. The defaults below accept ../shared/corpus/*/index.csv as they are
(`pubDate`, `pubtime`, `infoSource`, `sourceUrl`); `--manifest-columns date=发布日期,source=媒体`
names other columns. The `file` column holds paths relative to the manifest's own folder; a bare
file name also matches a seed of that name anywhere, when only one row of the manifest names a file
of that name.

Reported: a date outside the archive's period (the date is not used, the rest of the row is), rows
for one file that disagree (none of them is used) or repeat (used once), and rows that match no
seed (`unmatched`, given every seed's path).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping
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

# What a row says about its file; two rows for one file must agree on all of them.
FACTS = tuple(f for f in DEFAULT_COLUMNS if f != "file")

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


def _row_date(text: str, path: str, line: int, period: tuple[dt.date, dt.date]) -> tuple[dt.date | None, Problem | None]:
    """A row's date, or None and the problem that says why it is not used."""
    if not text:
        return None, None
    try:
        date = parse_date(text)
    except ValueError:
        return None, Problem(path, f"date {text!r} is not a real date", line=line, field="date", severity="warning")
    if date is None:
        return None, Problem(path, f"date {text!r} is not YYYY-MM-DD", line=line, field="date", severity="warning")
    if not period[0] <= date <= period[1]:
        # No document of the archive has such a date: it is a typo or a placeholder (1900-01-01),
        # and a manifest date outranks the one found in the text, so it must not slip through.
        why = f"date {text!r} is outside the archive's period ({period[0]} to {period[1]}); not used"
        return None, Problem(path, why, line=line, field="date")
    return date, None


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
    # Imported here: gen.gather imports this module on every run, and a run that reads no seed is
    # spared loading the date extractor (a hundredth of a second) unless it has a manifest.
    from gen.meta.dates import DEFAULT_SCOPE

    entries = []
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {f: row[i].strip() if i < len(row) else "" for f, i in columns.items()}
        if not values["file"]:
            problems.append(Problem(path, "is empty; the row names no seed", line=line_no, field="file", severity="warning"))
            continue
        date, problem = _row_date(values.get("date", ""), path, line_no, DEFAULT_SCOPE)
        if problem:
            problems.append(problem)
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


@dataclass(frozen=True)
class ManifestIndex:
    """One manifest's rows keyed for lookup, and what keying them found wrong."""

    by_path: Mapping[str, Entry]  # normalised full path -> the row used for that file
    by_name: Mapping[str, Entry]  # bare file name -> the row used, when only one file of the manifest has that name
    ambiguous: Mapping[str, tuple[Entry, ...]]  # bare file name -> its rows, when they name files in different folders
    rows: tuple[tuple[str, Entry], ...]  # (normalised full path, row) for every row, in manifest order
    problems: tuple[Problem, ...] = ()  # conflicting and repeated rows


def index_entries(entries: list[Entry], manifest_dir: str) -> ManifestIndex:
    """One manifest's rows keyed by normalised path and by unambiguous bare name; rows for one file
    that disagree are reported and left out, identical repeats are used once."""
    rows = tuple((_normal(str(PurePosixPath(manifest_dir) / e.file.replace("\\", "/"))), e) for e in entries)
    groups: dict[str, list[Entry]] = {}
    for key, entry in rows:
        groups.setdefault(key, []).append(entry)
    by_path: dict[str, Entry] = {}
    problems: list[Problem] = []
    for key, group in groups.items():
        differ = _differing(group)
        if differ:
            problems += _conflicts(group, differ)
        else:
            by_path[key] = group[0]
            problems += [_repeat(group[0], e) for e in group[1:]]
    names: dict[str, dict[str, list[Entry]]] = {}  # bare name -> full path -> rows
    for key, entry in rows:
        names.setdefault(_bare_name(entry.file), {}).setdefault(key, []).append(entry)
    by_name: dict[str, Entry] = {}
    ambiguous: dict[str, tuple[Entry, ...]] = {}
    for name, paths in names.items():
        if len(paths) > 1:
            ambiguous[name] = tuple(sorted((e for es in paths.values() for e in es), key=lambda e: e.line))
        elif (key := next(iter(paths))) in by_path:
            by_name[name] = by_path[key]
    problems.sort(key=lambda p: p.line or 0)
    return ManifestIndex(by_path, by_name, ambiguous, rows, tuple(problems))


def _bare_name(file: str) -> str:
    return PurePosixPath(file).name


def _differing(group: list[Entry]) -> list[str]:
    """The facts on which rows for one file disagree, in column order."""
    return [f for f in FACTS if len({getattr(e, f) for e in group}) > 1]


def _lines(entries: Iterable[Entry]) -> str:
    lines = [str(e.line) for e in entries]
    return f"line{'s' if len(lines) > 1 else ''} {', '.join(lines)}"


def _conflicts(group: list[Entry], differ: list[str]) -> list[Problem]:
    """One error per row of a file whose rows disagree: no row can be trusted over the others."""
    return [
        Problem(
            e.manifest,
            f"{e.file!r} disagrees with {_lines(o for o in group if o is not e)} on {', '.join(differ)}; "
            "no row for this file is used",
            line=e.line,
            field="file",
        )
        for e in group
    ]


def _repeat(first: Entry, again: Entry) -> Problem:
    message = f"{again.file!r} repeats line {first.line}; used once"
    return Problem(again.manifest, message, line=again.line, field="file", severity="warning")


def unmatched(indexes: Iterable[ManifestIndex], seed_paths: Iterable[str]) -> list[Problem]:
    """One warning per manifest row that no seed (absolute POSIX path) matches by full path or by
    bare name, saying so when a seed has the name but other rows share it."""
    seed_keys: set[str] = set()
    seeds_named: Counter[str] = Counter()
    for path in seed_paths:
        seed_keys.add(_normal(path))
        seeds_named[_bare_name(path)] += 1
    problems = []
    for index in indexes:
        # A seed that one row matches by path is no candidate for another row's bare name.
        taken = Counter(_bare_name(e.file) for key, e in dict(index.rows).items() if key in seed_keys)
        for key, entry in index.rows:
            name = _bare_name(entry.file)
            if key in seed_keys or (seeds_named[name] and name not in index.ambiguous):
                continue
            # Left: rows whose name no seed has, and rows whose name is ambiguous.
            if seeds_named[name] > taken[name]:
                others = _lines(e for e in index.ambiguous[name] if e is not entry)
                message = (f"{entry.file!r} matches no seed by its path, and its name is ambiguous (also {others}), "
                           f"so a seed named {name!r} elsewhere is not matched")
            else:
                message = f"{entry.file!r} matches no seed"
            problems.append(Problem(entry.manifest, message, line=entry.line, field="file", severity="warning"))
    return problems


def _normal(path: str) -> str:
    parts: list[str] = []
    for part in PurePosixPath(path).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def lookup(seed_path: str, indexes: list[ManifestIndex]) -> Entry | None:
    """The manifest entry for a seed (absolute or repo-relative POSIX path); later manifests win."""
    key = _normal(seed_path)
    name = _bare_name(seed_path)
    found = None
    for index in indexes:
        entry = index.by_path.get(key) or index.by_name.get(name)
        if entry is not None:
            found = entry
    return found
