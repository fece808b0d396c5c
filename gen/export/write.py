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
from gen.export.addresses import CSV_NAME, DATA_DIR, FILES_DIR, JSONL_NAME, PACKAGE_NAME, file_paths, is_export_file
from gen.export.files import SeedError, cannot_link, make_folder, place_original, remove_others, seed_path, write_file, write_stream
from gen.export.record import Record
from gen.export.text import plain_text
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
    texts: int  # text files published
    removed: tuple[str, ...] = ()  # files an earlier build left under files/ that no page has now


def write_exports(site_dir: Path, pages: Sequence[PageInfo], site: SiteInfo, files: bool = True,
                  record: Record | None = None) -> Exported:
    """Write data/archive.csv, data/archive.jsonl, data/datapackage.json and files/<page>/… into
    the built site at site_dir, from every document page; the same pages give the same bytes.
    `files`: False publishes no per-document files (and removes those an earlier build left).
    `record`: what the last build left under files/ (gen/export/record.py); a file still as it
    was made is not made again, and the record is saved with this build's files."""
    record = record if record is not None else Record(None, "")
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
    originals = linked = texts = 0
    link = True  # until the file system refuses
    for info in ordered:
        problems.extend(rows.value_problems(info.page, info.fields))
        paths = _paths(info, folders, keep, problems) if files else None
        text_url = original_url = None
        if paths is not None:
            text_path, original_path = paths
            fresh = make_folder(os.path.join(top, os.path.dirname(text_path)))
            _write_text(os.path.join(top, text_path), text_path, info, fresh, record)
            keep.add(text_path)
            texts += 1
            text_url = site.absolute(quote(text_path))
            if original_path is not None:
                how, link = _publish(info, root, os.path.join(top, original_path), original_path, link, fresh, real, problems, record)
                if how:
                    keep.add(original_path)
                    originals += 1
                    linked += how != "copied"
                    original_url = site.absolute(quote(original_path))
        added = {rows.PAGE_URL: site.link(info.url), rows.ORIGINAL_URL: original_url, rows.TEXT_URL: text_url}
        table.append(rows.row(info.fields, cols, added))

    data = site_dir / DATA_DIR
    csv_lines = rows.encoded([BOM + rows.csv_header(cols), *(rows.csv_line(values) for values in table)])
    csv_res = package.Resource(*write_stream(data / CSV_NAME, csv_lines))
    jsonl_res = package.Resource(*write_stream(data / JSONL_NAME, rows.encoded(rows.json_line(cols, values) for values in table)))
    descriptor = package.descriptor(site, cols, package.column_types(cols, table), csv_res, jsonl_res)
    write_stream(data / PACKAGE_NAME, [package.dump(descriptor)])
    removed = remove_others(site_dir, FILES_DIR, keep, is_export_file)
    record.save()
    written = sorted(keep | {f"{DATA_DIR}/{name}" for name in (CSV_NAME, JSONL_NAME, PACKAGE_NAME)})
    problems.sort(key=lambda p: p.path)  # grouped by page, each page's in the order found
    return Exported(tuple(written), tuple(problems), len(table), originals, linked, texts, tuple(removed))


def _unique(pages: Sequence[PageInfo], problems: list[Problem]) -> list[PageInfo]:
    """Pages sorted by path, each path once (a second record for a path is reported, not used)."""
    seen: dict[str, PageInfo] = {}
    for info in sorted(pages, key=lambda p: p.page):
        if info.page in seen:
            problems.append(Problem(info.page, "is given twice; the first record is exported"))
        else:
            seen[info.page] = info
    return list(seen.values())


def _paths(info: PageInfo, folders: set[str], taken: set[str], problems: list[Problem]) -> tuple[str, str | None] | None:
    """The page's file paths, unless its path is unusable or they collide with another page's."""
    paths = file_paths(info)
    if paths is None:
        problems.append(Problem(info.page, "is not a Markdown page path inside the site; its files are not published"))
        return None
    mine = [p for p in paths if p]
    parents = {p.rsplit("/", n)[0] for p in mine for n in range(1, p.count("/"))}
    if any(p in folders for p in mine) or parents & taken:
        problems.append(Problem(info.page, "its download files would share a path with another page's; they are not published"))
        return None
    folders.update(parents)
    return paths


def _write_text(path: str, name: str, info: PageInfo, fresh: bool, record: Record) -> None:
    if not fresh and info.digest:
        try:
            if record.holds(name, info.digest, os.lstat(path)):
                return  # made from this very page text, and untouched since
        except FileNotFoundError:
            pass
    title = info.fields.get("title")
    body, digest = info.read()  # the digest of the text read: a page saved since is made again next time
    text = plain_text(str(title) if title is not None else "", body)
    write_file(path, rows.clean_surrogates(text).encode("utf-8"), fresh)
    record.note(name, digest, path)


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
        checked = functools.partial(record.holds, name, sha256, made=False)
        try:
            how = place_original(src, dest, sha256, link, fresh, checked)
        except OSError as exc:
            if not (link and cannot_link(exc)):
                raise
            how, link = place_original(src, dest, sha256, False, fresh, checked), False
        record.note(name, sha256, dest, made=False)
        return how, link
    except SeedError as exc:
        problems.append(Problem(info.page, f"{seed} {exc}; the original is not published", field="seed"))
        return None, link
