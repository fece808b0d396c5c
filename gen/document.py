"""Assemble a Document from a reading, a manifest entry and the extractors; pure.

Precedence for every field: manifest > stated in the text > inferred > absent, and each value
carries how it was found. Dates: manifest > masthead > the lead's full date > the seed's path >
inferred (gen/meta/dates.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath

from gen.identity import page_of
from gen.manifest import Entry
from gen.meta.dates import decide_date, resolve_article_date
from gen.meta.district import extract_district
from gen.meta.filedate import extract_path_date
from gen.meta.source import extract_source
from gen.meta.tags import extract_tags
from gen.meta.title import derive_title
from gen.model import Document, Found, Reading, Seed
from gen.tables import CITY, Tables

MANIFEST_BASIS = "清单"


def _district_name(value: str, tables: Tables) -> str | None:
    """A manifest's district as a full name (`石景山` → `石景山区`), or None if not a Beijing district."""
    value = value.strip()
    for d in tables.districts:
        if value in (d.name, d.short_name):
            return d.name
    return CITY if value in (CITY, "北京") else None


def _pick(manifest_value: object, found: Found | None) -> tuple[object, str | None]:
    if manifest_value is not None:
        return manifest_value, MANIFEST_BASIS
    if found is None:
        return None, None
    return found.value, found.basis


def make_document(seed: Seed, reading: Reading, entry: Entry | None, tables: Tables) -> Document:
    """The finished record for one seed."""
    warnings = list(reading.warnings)
    entry = entry or Entry(manifest="", line=0, file="")

    title_found = derive_title(reading)
    title, title_basis = _pick(entry.title, title_found)
    if not title:
        title, title_basis = seed.stem, "文件名"
        warnings.append("no title could be found or derived; the file name stands in")

    # The path inside the seeds folder, else the file name: never the folders above the seeds.
    path, path_warnings = extract_path_date(seed.rel or PurePosixPath(seed.path).name)
    dating = decide_date(reading, tables, path=path)
    date, date_basis = _pick(entry.date, dating.found)
    if entry.date is None:  # what the evidence says matters only when the manifest does not say
        warnings += [*path_warnings, *dating.warnings]
        if date is None and not path_warnings and not dating.warnings:
            warnings.append("no date: the text states none with a year, and no evidence decides the year")

    source_found = extract_source(reading, tables)
    source = entry.source or (source_found.value if source_found else None)

    manifest_district = None
    if entry.district:
        manifest_district = _district_name(entry.district, tables)
        if manifest_district is None:
            warnings.append(f"{entry.manifest}:{entry.line}: district {entry.district!r} is not a Beijing district; ignored")
    district, district_basis = _pick(manifest_district, extract_district(reading, tables, source=source))

    masthead = reading.masthead
    return Document(
        seed=seed,
        reading=reading,
        title=str(title),
        title_basis=str(title_basis),
        date=date,  # type: ignore[arg-type]
        date_basis=date_basis,
        district=district,  # type: ignore[arg-type]
        district_basis=district_basis,
        source=source,  # type: ignore[arg-type]
        issue=masthead.issue if masthead else None,
        url=entry.url,
        tags=extract_tags(reading, tables),
        page=page_of(seed.rel or PurePosixPath(seed.path).name),
        warnings=tuple(warnings),
    )


def article_dates(doc: Document) -> tuple[str | None, ...]:
    """ISO date of each article where it states one and the issue's date gives the year."""
    out = []
    for article in doc.reading.articles:
        resolved = None
        if article.date_text and doc.date:
            resolved = resolve_article_date(article.date_text, doc.date)
        out.append(resolved.isoformat() if resolved else None)
    return tuple(out)


def seed_stem(path: str) -> str:
    """The page identity of a seed path: its file name without the extension."""
    return PurePosixPath(path).stem
