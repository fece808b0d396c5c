"""datapackage.json: a Frictionless Data Package (v2) describing archive.csv and archive.jsonl; pure."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gen import frontmatter
from gen.export import rows
from gen.export.addresses import CSV_NAME, JSONL_NAME
from gen.site.records import SiteInfo

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
NAME = "archive"
JSONL_MEDIATYPE = "application/jsonl"  # no registered type; the one the JSON Lines site names

# Each column's title and description for researchers. Fields editors add get GENERIC.
FIELD_DOCS: dict[str, tuple[str, str]] = {
    "title": ("标题", "文档标题（编辑可能已修改）"),
    "title_basis": ("标题依据", "标题从何而来，如“标题行”“报头”“导语”"),
    "date": ("日期", "文档日期，YYYY-MM-DD"),
    "date_basis": ("日期依据", "日期从何而来，如“报头”“文件名”，或“推断：……”及推断的线索"),
    "district": ("区", "文档所涉及的北京市辖区"),
    "district_basis": ("区的依据", "区从何而来，如报刊名称或官员职务"),
    "source": ("来源", "发布媒体或机构"),
    "issue": ("期号", "报纸的期号"),
    "url": ("原文网址", "原文在发布者网站上的网址"),
    "author": ("作者", "原文署名的作者或记者"),
    "editor": ("编辑", "原文署名的编辑"),
    "tags": ("标签", "主题、人物、会议等标签"),
    "seed": ("原始文件", "原始文件在项目中的路径"),
    "duplicate_seeds": ("相同内容的原始文件", "与本文档内容相同的其他原始文件的路径"),
    "seed_sha256": ("原始文件 SHA-256", "原始文件字节的 SHA-256（十六进制）；下载的原件应与之一致"),
    "encoding": ("原始编码", "原始文件的字符编码，如 utf-8、gb18030"),
    "encoding_confidence": ("编码置信度", "自动识别编码时识别器的置信度"),
    "reader": ("读取方式", "生成器读取原始文件所用的读取器，如 wire、html、newspaper"),
    rows.PAGE_URL: ("页面地址", "本站文档页的地址（站点设置了 site_url 时为完整网址）"),
    rows.ORIGINAL_URL: ("原件下载地址", "原始文件（字节与 seed_sha256 一致）的下载地址；原件缺失或已改动时为空"),
}
GENERIC = ("", "编辑添加的字段")

RIGHTS = (
    "元数据（标题、日期、区、来源、标签等字段）由本项目整理生成；文档原文（原件与页面上的纯文本下载）的权利归原发布者所有，"
    "仅供研究使用。The metadata was made by this project; the rights in the documents' texts belong to their publishers."
)
CSV_NOTE = (
    "UTF-8（带 BOM，Excel 可直接打开），RFC 4180。多个值的字段（如 tags）以“; ”（分号加空格）分隔。"
    "以 = + - @ 制表符、回车或 ' 开头的单元格前加了一个 '，防止电子表格把它当作公式执行；去掉开头的一个 ' 即得原值。"
    "缺少的字段为空单元格。"
)
JSONL_NOTE = "与 CSV 相同的行，每行一个 JSON 对象：列表为数组，日期为 ISO 文本，缺少的字段为 null；值未经改动。"

# frontmatter.FIELDS kinds → (CSV type, JSON Lines type) when no value says otherwise.
_DECLARED = {"str": ("string", "string"), "date": ("date", "date"), "list": ("string", "array")}


@dataclass(frozen=True)
class Resource:
    """A written resource file: its bytes and SHA-256."""

    size: int
    sha256: str


def _kind(value: Any) -> str:
    if type(value) is str:
        return "string"
    # datetime before date: a datetime is a date too.
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return "string"


def column_types(cols: Sequence[str], table: Sequence[Sequence[Any]]) -> dict[str, tuple[str, str]]:
    """Each column's Table Schema type in the CSV and in the JSON Lines file, from its values."""
    kinds: list[set[str]] = [set() for _ in cols]
    for values in table:
        for i, value in enumerate(values):
            if value is not None:
                kinds[i].add(_kind(value))
    out = {}
    for col, found in zip(cols, kinds):
        if not found:
            out[col] = _DECLARED.get(frontmatter.FIELDS.get(col, "str"), ("string", "string"))
        elif found == {"integer", "number"}:
            out[col] = ("number", "number")
        elif len(found) > 1:
            out[col] = ("string", "any")
        else:
            kind = found.pop()
            # A CSV cell holds lists and objects as text (items joined, objects as JSON).
            out[col] = ("string" if kind in ("array", "object") else kind, kind)
    return out


def _field(col: str, kind: str, csv_list: bool) -> dict[str, Any]:
    title, description = FIELD_DOCS.get(col, GENERIC)
    if csv_list:
        description += f"；多个值以“{rows.LIST_SEPARATOR}”分隔"
    field: dict[str, Any] = {"name": col, "type": kind}
    if title:
        field["title"] = title
    field["description"] = description
    return field


def _stamp(when: dt.datetime) -> str:
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return when.replace(microsecond=0).isoformat() + "Z"


def descriptor(site: SiteInfo, cols: Sequence[str], types: Mapping[str, tuple[str, str]], csv: Resource, jsonl: Resource) -> dict[str, Any]:
    """The Data Package descriptor for the two files."""

    def schema(json_lines: bool) -> dict[str, Any]:
        fields = []
        for col in cols:
            csv_type, json_type = types[col]
            fields.append(_field(col, json_type if json_lines else csv_type, not json_lines and json_type == "array"))
        return {"fields": fields}

    package: dict[str, Any] = {
        "$schema": PROFILE,
        "name": NAME,
        "title": site.name,
        "description": "\n\n".join(t for t in (site.description, RIGHTS) if t),
    }
    if site.url:
        package["homepage"] = site.url
    package["created"] = _stamp(site.built)
    package["rights"] = RIGHTS  # no licence is named: the texts are not ours to license
    package["resources"] = [
        {
            "name": "archive-csv",
            "path": CSV_NAME,
            "type": "table",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": csv.size,
            "hash": f"sha256:{csv.sha256}",
            "description": CSV_NOTE,
            "dialect": {"header": True, "delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True},
            "schema": schema(json_lines=False),
        },
        {
            "name": "archive-jsonl",
            "path": JSONL_NAME,
            "type": "table",
            "format": "jsonl",
            "mediatype": JSONL_MEDIATYPE,
            "encoding": "utf-8",
            "bytes": jsonl.size,
            "hash": f"sha256:{jsonl.sha256}",
            "description": JSONL_NOTE,
            "schema": schema(json_lines=True),
        },
    ]
    return package


def dump(package: Mapping[str, Any]) -> bytes:
    """The descriptor as UTF-8 JSON, indented, keys in the order built (the same bytes each build)."""
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
