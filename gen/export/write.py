"""write_exports: the metadata files and every document's downloads, written into the built site."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from gen.export import package, rows
from gen.export.addresses import CSV_NAME, DATA_DIR, FILES_DIR, JSONL_NAME, PACKAGE_NAME, is_export_file, original_path
from gen.export.files import SeedError, cannot_link, make_folder, place_original, remove_others, seed_path, write_stream
from gen.export.record import Record
from gen.model import Problem
from gen.site.records import PageInfo, SiteInfo

BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only when it starts with one
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Exported:
    """What write_exports left in the site, and what it could not export."""

    files: tuple[str, ...]  # site-relative paths of every export file now in the site, sorted
    problems: tuple[Problem, ...]  # each names the page (docs-relative) and the field
    rows: int  # documents in archive.csv and archive.jsonl
    originals: int  # originals published
    linked: int  # of them, hard links to the seed (no disk space of their own)
    removed: tuple[str, ...] = ()  # files an earlier build left under files/ that no page has now


def write_exports(site_dir: Path, pages: Sequence[PageInfo], site: SiteInfo, files: bool = True,
                  record: Record | None = None) -> Exported:
    """Write data/archive.csv, data/archive.jsonl, data/datapackage.json and files/<page>/original…
    into the built site at site_dir, from every document page; the same pages give the same bytes.
    `files`: False publishes no originals (and removes those an earlier build left); so does a
    build for those an earlier one left that no page has now (the text files of earlier releases too).
    `record`: what the last build left under files/ (gen/export/record.py); a file still as it
    was checked is not read again, and the record is saved with this build's files."""
    record = record if record is not None else Record(None)
    site_dir = Path(site_dir)
    top = str(site_dir)
    root = site.root or "."
    problems: list[Problem] = []
    ordered = _unique(pages, problems)
    cols = rows.columns(key for info in ordered for key in info.fields)
    table: list[tuple] = []
    keep: set[str] = set()
    folders: set[str] = set()
    real: dict[str, str] = {}  # where the seeds' folders are, for seed_path
    originals = linked = 0
    link = True  # until the file system refuses
    for info in ordered:
        problems.extend(rows.value_problems(info.page, info.fields))
        path = _path(info, folders, keep, problems) if files else None
        original_url = None
        if path is not None:
            fresh = make_folder(os.path.join(top, os.path.dirname(path)))
            how, link = _publish(info, root, os.path.join(top, path), path, link, fresh, real, problems, record)
            if how:
                keep.add(path)
                originals += 1
                linked += how != "copied"
                original_url = site.absolute(quote(path))
        added = {rows.PAGE_URL: site.link(info.url), rows.ORIGINAL_URL: original_url}
        table.append(rows.row(info.fields, cols, added))

    data = site_dir / DATA_DIR
    csv_lines = rows.encoded([BOM + rows.csv_header(cols), *(rows.csv_line(values) for values in table)])
    csv_res = package.Resource(*write_stream(data / CSV_NAME, csv_lines))
    jsonl_res = package.Resource(*write_stream(data / JSONL_NAME, rows.encoded(rows.json_line(cols, values) for values in table)))
    descriptor = package.descriptor(site, cols, package.column_types(cols, table), csv_res, jsonl_res)
    write_stream(data / PACKAGE_NAME, [package.dump(descriptor)])
    removed = remove_others(site_dir, FILES_DIR, keep, is_export_file, record.left())
    record.save()
    written = sorted(keep | {f"{DATA_DIR}/{name}" for name in (CSV_NAME, JSONL_NAME, PACKAGE_NAME)})
    problems.sort(key=lambda p: p.path)  # grouped by page, each page's in the order found
    return Exported(tuple(written), tuple(problems), len(table), originals, linked, tuple(removed))


def _unique(pages: Sequence[PageInfo], problems: list[Problem]) -> list[PageInfo]:
    """Pages sorted by path, each path once (a second record for a path is reported, not used)."""
    seen: dict[str, PageInfo] = {}
    for info in sorted(pages, key=lambda p: p.page):
        if info.page in seen:
            problems.append(Problem(info.page, "is given twice; the first record is exported"))
        else:
            seen[info.page] = info
    return list(seen.values())


def _path(info: PageInfo, folders: set[str], taken: set[str], problems: list[Problem]) -> str | None:
    """The path of the page's original, unless the page names no seed, its path is unusable or
    the original's would collide with another page's."""
    try:
        path = original_path(info)
    except ValueError:
        problems.append(Problem(info.page, "is not a Markdown page path inside the site; its original is not published"))
        return None
    if path is None:
        return None
    parents = {path.rsplit("/", n)[0] for n in range(1, path.count("/"))}
    if path in folders or parents & taken:
        problems.append(Problem(info.page, "its original would share a path with another page's file; it is not published"))
        return None
    folders.update(parents)
    return path


def _publish(info: PageInfo, root: str, dest: str, name: str, link: bool, fresh: bool, real: dict[str, str],
             problems: list[Problem], record: Record) -> tuple[str | None, bool]:
    """Publish the page's seed at dest (`name` in the site): (how, or None when it was not
    published; link from now on)."""
    seed = info.fields["seed"]
    sha256 = info.fields.get("seed_sha256")
    try:
        if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
            problems.append(Problem(info.page, f"{sha256!r} is not a SHA-256; {seed} cannot be checked and is not published", field="seed_sha256"))
            return None, link
        src = seed_path(root, seed, real)
        checked = functools.partial(record.holds, name, sha256)
        try:
            how = place_original(src, dest, sha256, link, fresh, checked)
        except OSError as exc:
            if not (link and cannot_link(exc)):
                raise
            how, link = place_original(src, dest, sha256, False, fresh, checked), False
        record.note(name, sha256, dest)
        return how, link
    except SeedError as exc:
        problems.append(Problem(info.page, f"{seed} {exc}; the original is not published", field="seed"))
        return None, link
