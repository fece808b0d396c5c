"""The articles of a newspaper issue page, read back from its Markdown: headline, authors, 版次 and
the heading's id on the rendered page; pure.

gen/render.py writes each article as `## headline`, then `*byline · date*`, the paragraphs and a
`*（下转2版）*` note; the issue's 导读 lists `- headline（2版）`. Editors may change any of it, so
everything here reads the page as it stands and leaves out what it cannot read.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from markdown.extensions.toc import unique
from pymdownx.slugs import slugify

from gen.meta.dates import cn_number
from gen.readers.newspaper.layout import PAGE_NUMBER
from gen.render import BACKSLASH_ESCAPES

# The heading ids the site's pages get: mkdocs.yml's toc slugify (pymdownx, lower case), made
# unique the way Python-Markdown's toc makes them (`_1`, `_2` …). Checked against a real render
# in tests/test_cite.py.
SLUGIFY = slugify(case="lower")
SLUG_SEPARATOR = "-"

# Words before a name in a byline: "记者甄趁勇 张林", "通讯员石伟", "本报记者 王五". Longest first.
BYLINE_ROLES = (
    "本报特约记者", "本报见习记者", "本报实习记者", "本报通讯员", "本报记者", "特约通讯员", "特约记者",
    "见习记者", "实习记者", "首席记者", "融媒体记者", "记者", "通讯员", "实习生", "撰文", "作者", "文/", "文／",
)
_ROLE = re.compile("(?:" + "|".join(re.escape(r) for r in BYLINE_ROLES) + ")[:：/／ ]*")
# Bylines that name the writer as a role, kept as the author when no name follows them.
COLLECTIVE = ("本报评论员", "评论员", "本报记者", "本报通讯员", "本报讯")
# Credits in a byline that are not for the text: "张三 摄", "图/李四", "制图 王五".
NOT_TEXT_CREDIT = re.compile(r"^(?:摄|摄影|图|制图|图片|视频)$|^(?:摄影|图|制图)[/／：:]|摄$")
PHOTO_MARKS = ("摄", "摄影")
# Between names: list marks, a spaced middle dot, and a spaced conjunction ("甲, 乙 and 丙",
# "张三 和 李四").
NAME_SEPARATORS = re.compile(r"\s*[、，,;；]\s*|\s+[·・]\s+|\s+(?:and|&|和|与|及)\s+", re.I)
# A conjunction standing alone where a byline's spaces split it from the names.
CONJUNCTIONS = frozenset({"and", "&", "和", "与", "及"})
# Two Chinese names joined by a conjunction without spaces ("李四和王五"): both sides two to four
# characters, so that a given name that holds the character ("王和平") stays whole.
_JOINED = re.compile(r"([\u3400-\u9fff]{2,4})[和与及]([\u3400-\u9fff]{2,4})")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# The patterns below start at a line break ("\n" + body): a literal first character lets `re`
# skip ahead fast, where `^` with re.M tries every position (a newspaper page in 30 µs, not 150).
# Python-Markdown's ATX heading (blockprocessors.HashHeaderProcessor): escapes kept, closing #s dropped.
_HEADING = re.compile(r"\n(#{1,6})((?:\\.|[^\\\n])*?)#*(?=\n|$)")
# attr_list's `{: #id .class}` at a heading's end (an editor's custom anchor).
_ATTR_LIST = re.compile(r"[ ]+\{:?[ ]*([^}\n ][^\n]*)\}[ ]*$")  # attr_list's HEADER_RE
_ATTR_ID = re.compile(r"(?:^|\s)#([^\s}]+)")
_FENCED = re.compile(r"\n(```|~~~).*?\n\1[^\n]*", re.S)
# The first non-blank line after a heading, when it is a whole line in *italics*.
_BYLINE = re.compile(r"\n(?:[ \t]*\n)*\*(?!\*)([^\n]+?)(?<!\\)\*[ \t]*(?=\n|$)")
# gen/render.py's note "*（下转2版）*" where a story goes on to another page.
_JUMP_NOTE = re.compile(r"[（(]\s*下转\s*(?:第\s*)?(" + PAGE_NUMBER + r")\s*版\s*[)）]")
_JUMP = re.compile(r"\n\*" + _JUMP_NOTE.pattern + r"\*[ \t]*(?=\n|$)")
_CONTENTS_ITEM = re.compile(r"\n[ \t]+[-*+][ \t]+([^\n]+?)[（(][ \t]*(\d{1,2})[ \t]*版[ \t]*[)）][ \t]*(?=\n|$)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CREDIT_SPLIT = " · "
# A byline is a short line; a whole paragraph in italics is not one.
BYLINE_MAX = 60

# Inline Markdown → the text it renders as (enough for headlines and bylines).
_LINK = re.compile(r"!?\[((?:\\.|[^\]\\])*)\]\([^)]*\)")
_MARKUP = re.compile(r"(?<!\\)(?:\*+|`+)")
_TAG = re.compile(r"<[A-Za-z/!][^>]*>")
_BACKSLASH = re.compile(r"\\([" + re.escape(BACKSLASH_ESCAPES) + "])")
_INLINE_SPECIAL = re.compile(r"[\\*`\[<&]")


@dataclass(frozen=True)
class Article:
    """An article section of an issue page."""

    headline: str
    authors: tuple[str, ...]
    page: str  # 版次 where the page says it: "2"; else ""
    anchor: str  # its heading's id on the rendered page


def plain(markdown: str) -> str:
    """One line of inline Markdown as the text it shows: `\\*注\\* **要闻**` → `*注* 要闻`."""
    text = markdown
    if _INLINE_SPECIAL.search(text):
        text = _LINK.sub(r"\1", text)
        text = _MARKUP.sub("", text)
        text = _TAG.sub("", text)
        text = _BACKSLASH.sub(r"\1", text)
        text = html.unescape(text)
    return " ".join(text.split())


def names(byline: str) -> tuple[str, ...]:
    """The authors in a byline or author field: "记者吴赛赛 通讯员田甜" → ("吴赛赛", "田甜")."""
    parts = [p for p in NAME_SEPARATORS.split(byline.strip()) if p]
    if CJK.search(byline):  # Chinese names are separated by spaces too; Latin ones are not
        parts = [t for p in parts for t in p.split()]
    out: list[str] = []
    collective: list[str] = []
    for part in parts:
        if NOT_TEXT_CREDIT.search(part):
            if part in PHOTO_MARKS and out:
                out.pop()  # "张三 摄": the name before it is the photographer's
            continue
        if part in COLLECTIVE or part in BYLINE_ROLES:
            collective.append(part)
            continue
        if part.lower() in CONJUNCTIONS:
            continue
        name = _strip_role(part)
        joined = _JOINED.fullmatch(name)
        out.extend(joined.groups() if joined else (name,))
    names_ = [n for n in out if n]
    if not names_:
        names_ = [c for c in collective if c in COLLECTIVE][:1]
    return tuple(dict.fromkeys(names_))


def _strip_role(part: str) -> str:
    m = _ROLE.match(part)
    return part[m.end():] if m and m.end() < len(part) else part


def read_articles(body: str) -> tuple[Article, ...]:
    """The `##` sections of an issue page with what the page says about each."""
    body = "\n" + body
    if "```" in body or "~~~" in body:  # headings in code are not headings; keep offsets
        body = _FENCED.sub(lambda m: "\n" * m.group(0).count("\n"), body)
    pages = {plain(m.group(1)): m.group(2) for m in reversed(list(_CONTENTS_ITEM.finditer(body)))} if "版" in body else {}
    headings = []  # (level, text, custom id or "", start, end)
    at = body.find("\n#")
    while at != -1:
        if m := _HEADING.match(body, at):
            text, custom = m.group(2), ""
            if "{" in text and (attrs := _ATTR_LIST.search(text)):
                text = text[: attrs.start()]
                found = _ATTR_ID.search(attrs.group(1))
                custom = found.group(1) if found else ""
            headings.append((len(m.group(1)), plain(text), custom, m.start(), m.end()))
        at = body.find("\n#", at + 1)
    # toc leaves custom ids as they are and keeps the others clear of them.
    used = {h[2] for h in headings if h[2]}
    sections: list[tuple[str, str, int, int]] = []  # headline, anchor, heading start and end
    for level, name, custom, start, end in headings:
        anchor = custom or unique(SLUGIFY(name, SLUG_SEPARATOR), used)
        if level == 2 and name:
            sections.append((name, anchor, start, end))
    out = []
    for i, (headline, anchor, _, after) in enumerate(sections):
        end = sections[i + 1][2] if i + 1 < len(sections) else len(body)
        page = pages.get(headline, "")
        if not page and (jump := _JUMP.search(body, after, end)) and cn_number(jump.group(1)) == 2:
            page = "1"  # a story that goes on to page 2 began on page 1
        out.append(Article(headline, names(_byline(body, after, end)), page, anchor))
    return tuple(out)


def _byline(body: str, start: int, end: int) -> str:
    """The byline right after a heading, without the article's date; "" when there is none."""
    m = _BYLINE.match(body, start, end)
    if not m or len(m.group(1)) > BYLINE_MAX or _JUMP_NOTE.fullmatch(m.group(1)):
        return ""
    credit = plain(m.group(1)).split(_CREDIT_SPLIT)
    if len(credit) > 1 and _ISO_DATE.fullmatch(credit[-1].strip()):
        credit = credit[:-1]
    return _CREDIT_SPLIT.join(credit)
