"""Citation records as text: GB/T 7714-2015, BibTeX and CSL-JSON; pure.

GB/T follows the CSL project's GB/T 7714-2015 numeric style (gen/data/csl/) for the two types used
here, without the entry number: tests/test_cite.py checks it against citeproc-py running that style.
`accessed` is the [引用日期] as an ISO date; it is printed only where there is a URL (the style does
the same: an access date says when an address was read).
"""

from __future__ import annotations

import functools
import json
import re
from json.encoder import encode_basestring
from typing import Any

from gen.cite.records import NEWSPAPER, Item

# GB/T 7714-2015's 文献类型标识 per kind, and the 文献载体标识 of an online resource.
TYPE_ID = {NEWSPAPER: "N", "web": "EB"}
ONLINE = "OL"
# The style's et-al-min="4" et-al-use-first="3" and zh-CN's "等" (GB/T 7714-2015: more than three
# authors → the first three, then 等).
NAMES_SHOWN = 3
ET_AL = "等"
NAME_DELIMITER = ", "

CSL_TYPE = {NEWSPAPER: "article-newspaper", "web": "webpage"}

# Characters BibTeX and LaTeX read as markup, written so that they print as themselves.
BIBTEX_ESCAPES = str.maketrans({
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
})
_BIBTEX_SPECIAL = re.compile(r"[\\{}%&#$_~^]")
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode

MIME_BIBTEX = "application/x-bibtex"
MIME_CSL_JSON = "application/vnd.citationstyles.csl+json"


@functools.lru_cache(maxsize=8192)  # a few thousand distinct days; every page formats its own several times
def numeric_date(parts: tuple[int, ...]) -> str:
    """(2020, 4, 16) → "2020-04-16"; (2020, 4) → "2020-04"; () → ""."""
    if not parts:
        return ""
    return "-".join([f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:])])


def gbt(item: Item, accessed: str, title: str | None = None) -> str:
    """One GB/T 7714-2015 reference-list entry (顺序编码制, without its [n]); `title` in place of the
    item's (the citation box marks where the title goes)."""
    parts = []
    if item.authors:
        shown = NAME_DELIMITER.join(item.authors[:NAMES_SHOWN])
        parts.append(shown + (NAME_DELIMITER + ET_AL if len(item.authors) > NAMES_SHOWN else ""))
    marker = TYPE_ID[item.kind] + ("/" + ONLINE if item.url else "")
    parts.append(f"{item.title if title is None else title}[{marker}]")
    date = numeric_date(item.issued)
    if item.kind == NEWSPAPER:
        # 4.4 连续出版物中的析出文献: 报纸名, 出版日期(版次)[引用日期]
        where = ", ".join(x for x in (item.container, date) if x)
        where += f"({item.page})" if item.page else ""
        where += f"[{accessed}]" if item.url else ""
        if where:
            parts.append(where)
    elif item.url:
        # 4.6 电子资源, online: (更新或修改日期)[引用日期]
        parts.append((f"({date})" if date else "") + f"[{accessed}]")
    elif item.issued:
        # Without an address the style gives the year only; an inferred year goes in brackets.
        parts.append(f"[{item.issued[0]}]" if item.circa else str(item.issued[0]))
    if item.url:
        parts.append(item.url)
    return ". ".join(parts) + "."


def csl_item(item: Item, accessed: str) -> dict[str, Any]:
    """One item of CSL-JSON (the CSL data schema's fields only)."""
    out: dict[str, Any] = {"id": item.key, "type": CSL_TYPE[item.kind], "title": item.title}
    if item.authors:
        out["author"] = [{"literal": name} for name in item.authors]
    if item.container:
        out["container-title"] = item.container
    if item.issue:
        out["issue"] = item.issue
    if item.page:
        out["page"] = item.page
    if item.issued:
        out["issued"] = {"date-parts": [list(item.issued)], **({"circa": True} if item.circa else {})}
    if item.url:
        out["accessed"] = {"date-parts": [[int(p) for p in accessed.split("-")]]}
        out["URL"] = item.url
    if item.archive:
        out["source"] = item.archive  # CSL: "source from whence the item originates"
    return out


def csl_json(items: tuple[Item, ...], accessed: str) -> str:
    """A CSL-JSON array, one line per field so that it reads well in a box and diffs well."""
    blocks = []
    for item in items:
        # Keys are CSL variable names: plain ASCII, nothing to escape.
        lines = [f'    "{k}": {_json(v)}' for k, v in csl_item(item, accessed).items()]
        blocks.append("  {\n" + ",\n".join(lines) + "\n  }")
    return "[\n" + ",\n".join(blocks) + "\n]"



def bibtex_escape(value: str) -> str:
    """Text → a BibTeX field value that prints as that text."""
    # translate() looks every character up; most values have nothing to escape.
    return value.translate(BIBTEX_ESCAPES) if _BIBTEX_SPECIAL.search(value) else value


def _json(value: Any) -> str:
    """json.dumps(value, ensure_ascii=False), without building an encoder on every call (json.dumps
    does when given options: a third of the box's time)."""
    return encode_basestring(value) if type(value) is str else _ENCODE(value)


def _bibtex_name(name: str, institution: bool) -> str:
    # An organisation, or a name BibTeX would split at a comma or "and", is kept whole in braces.
    protect = institution or "," in name or " and " in f" {name} "
    value = bibtex_escape(name)
    return f"{{{value}}}" if protect else value


def bibtex_entry(item: Item, accessed: str) -> str:
    """One biblatex entry: @article (entrysubtype newspaper) or @online; BibTeX reads it too."""
    fields: list[tuple[str, str]] = []
    if item.kind == NEWSPAPER:
        kind = "article"
        fields.append(("entrysubtype", "newspaper"))
    else:
        kind = "online"
    if item.authors:
        fields.append(("author", " and ".join(_bibtex_name(n, item.institution) for n in item.authors)))
    fields.append(("title", bibtex_escape(item.title)))
    if item.container:
        fields.append(("journal" if item.kind == NEWSPAPER else "organization", bibtex_escape(item.container)))
    if item.issue:
        fields.append(("issue", bibtex_escape(item.issue)))
    if item.page:
        fields.append(("pages", bibtex_escape(item.page)))  # 版次, as biblatex-gb7714-2015 reads it
    if item.issued:
        fields.append(("date", numeric_date(item.issued)))
    if item.url:
        # url is verbatim in biblatex; safe_url left no braces, spaces or backslashes in it.
        fields.append(("url", item.url))
        fields.append(("urldate", accessed))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{item.key},\n{body}\n}}"


def bibtex(items: tuple[Item, ...], accessed: str) -> str:
    """Entries separated by a blank line."""
    return "\n\n".join(bibtex_entry(item, accessed) for item in items)
