"""A page as plain text for the text download: title, then the body with its Markdown markup
removed and its paragraphs kept; pure.

A rule table per line and per run of text, not a Markdown parser: rendering 100,000 pages with
Python-Markdown on every build costs minutes, and the bodies are the generator's own Markdown
(escaped text, `##` headlines, `*bylines*`, an `!!!` admonition, lists) plus what editors type in
the syntax mkdocs.yml enables (admonition, attr_list, tables; links, emphasis, code, HTML).
"""

from __future__ import annotations

import html
import re

from gen.render import BACKSLASH_ESCAPES

# Backslash escapes (the site's set, gen.render.BACKSLASH_ESCAPES) are set aside as private-use
# characters while the markup is removed, so that an escaped `\*` is never read as emphasis, then
# put back as the character itself; a backslash before another character stays, as on the page.
# Plane 16's private-use block: no document text uses it.
_ESCAPABLE = re.compile(r"\\([" + re.escape(BACKSLASH_ESCAPES) + "])")
_HIDE_BASE = 0x10FF00
_HIDDEN = re.compile("[\U0010ff00-\U0010ff7f]")

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
# Python-Markdown reads "#text" as a heading too (no space needed), with any closing #s.
_ATX = re.compile(r"^#{1,6}\s*(.*?)\s*#*\s*$")
_SETEXT_OR_RULE = re.compile(r"^\s{0,3}(?:=+|-+|(?:\*\s*){3,}|(?:_\s*){3,}|(?:-\s*){3,})\s*$")
_ADMONITION = re.compile(r'^\s{0,3}(?:!!!|\?\?\?\+?)\s+[\w-]+(?:\s+[\w-]+)*\s*(?:"(.*)")?\s*$')
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
_BULLET = re.compile(r"^\s*[-*+]\s+")
_NUMBERED = re.compile(r"^\s*(\d{1,9})[.)]\s+")
_REF_DEF = re.compile(r"^\s{0,3}\[([^\]\n]+)\]:\s*\S.*$")
_ATTR_LINE = re.compile(r"^\s*\{:?\s*[^}\n]*\}\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")

# Run-level rules, applied in this order to the text outside code.
_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.S)
_DROP_ELEMENTS = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^<>\s]+|mailto:[^<>\s]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>")
_BR = re.compile(r"<br\s*/?>", re.I)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)")
_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_REF_LINK = re.compile(r"\[([^\]\n]+)\]\[([^\]\n]*)\]")
_ATTRS = re.compile(r"\s*\{:?\s*[#.][^}\n]*\}|\s*\{:[^}\n]*\}")
_IN_PARAGRAPH = r"((?:[^\n]|\n(?!\n))+?)"  # emphasis never spans a blank line
_STRONG = re.compile(r"(\*\*|__)(?=\S)" + _IN_PARAGRAPH.replace("(", "(?P<t>", 1) + r"(?<=\S)\1")
_EM_STAR = re.compile(r"\*(?=[^\s*])" + _IN_PARAGRAPH + r"(?<=[^\s*])\*")
_EM_UNDERSCORE = re.compile(r"(?<!\w)_(?=\S)" + _IN_PARAGRAPH + r"(?<=\S)_(?!\w)")
_SHORTCUT = re.compile(r"\[([^\]\n]+)\](?![\[(])")  # "[text]" not followed by a link's "(" or "["
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")

# Code spans and blocks are set aside during the run-level rules, numbered in this range.
_CODE_BASE = 0x10FE00
_CODE_MARK = re.compile("[\U0010fe00-\U0010feff]")
_BLANK_RUN = re.compile(r"\n{3,}")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def plain_text(title: str, body: str) -> str:
    """The page as plain text: its title, a blank line, the body without markup; ends in a newline."""
    parts = [t for t in (_LINE_BREAKS.sub(" ", title.strip()), markdown_text(body)) if t]
    return "\n\n".join(parts) + "\n" if parts else ""


def markdown_text(body: str) -> str:
    """A Markdown body as plain text: markup removed, one blank line between paragraphs."""
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    code: list[str] = []
    lines = _blocks(body, code)
    text = _runs("\n".join(lines), code)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_RUN.sub("\n\n", text).strip("\n")


def _hide(m: re.Match[str]) -> str:
    return chr(_HIDE_BASE + ord(m.group(1)))


def _set_aside(code: list[str], text: str) -> str:
    if len(code) >= 256:  # more code than marks: keep it in place (its markup may then be read)
        return text
    code.append(text)
    return chr(_CODE_BASE + len(code) - 1)


def _blocks(body: str, code: list[str]) -> list[str]:
    """Block markup removed line by line: headings, rules, admonitions, quotes, lists, tables,
    reference definitions; fenced code set aside whole."""
    out: list[str] = []
    lines = body.split("\n")
    fence: str | None = None
    block: list[str] = []
    refs: set[str] = set()
    table = False
    for i, line in enumerate(lines):
        if fence is not None:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                out.append(_set_aside(code, "\n".join(block)))
                fence, block = None, []
            else:
                block.append(line)
            continue
        if m := _FENCE.match(line):
            fence, block = m.group(1), []
            continue
        line = _ESCAPABLE.sub(_hide, line)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if m := _REF_DEF.match(line):
            refs.add(m.group(1).lower())
            continue
        if table and _TABLE_RULE.match(line) and "|" in line:
            continue
        if _SETEXT_OR_RULE.match(line):
            continue
        if _ATTR_LINE.match(line):
            continue
        if m := _ADMONITION.match(line):
            out.append(m.group(1) or "")
            out.append("")
            continue
        if m := _ATX.match(line):
            out.append(m.group(1) or "")
            continue
        line = _QUOTE.sub("", line)
        if m := _NUMBERED.match(line):
            line = f"{m.group(1)}. " + line[m.end() :]
        else:
            line = _BULLET.sub("", line)
        if not line.strip():
            table = False
        elif "|" in line and (table or (_TABLE_RULE.match(nxt) and "|" in nxt)):
            table = True  # a table's rows: cells separated by tabs
            line = "\t".join(c.strip() for c in line.strip().strip("|").split("|"))
        out.append(line.strip(" \t"))
    if fence is not None:
        out.append(_set_aside(code, "\n".join(block)))
    # Shortcut references ("[text]" with a definition) are links: keep their text.
    if refs:
        out = [_SHORTCUT.sub(lambda m: m.group(1) if m.group(1).lower() in refs else m.group(0), line) for line in out]
    return out


def _runs(text: str, code: list[str]) -> str:
    """Inline markup removed: code spans, HTML, links, images, attributes, emphasis, entities."""

    def span(m: re.Match[str]) -> str:
        # Backslashes are literal inside code: put escapes back as written.
        inner = _HIDDEN.sub(lambda h: "\\" + chr(ord(h.group(0)) - _HIDE_BASE), m.group(2))
        return _set_aside(code, inner.strip(" ") if inner.strip(" ") else inner)

    if "`" in text:
        text = _CODE_SPAN.sub(span, text)
    # Each rule only where its marker is (most bodies have none): the rules with no literal first
    # character were tried at every position of every body, most of the text's time.
    if "<" in text:
        text = _DROP_ELEMENTS.sub("", text)
        text = _AUTOLINK.sub(r"\1", text)
        text = _BR.sub("\n", text)
        text = _TAG.sub("", text)
    if "[" in text:
        text = _IMAGE.sub(r"\1", text)
        text = _LINK.sub(r"\1", text)
        text = _REF_LINK.sub(r"\1", text)
    if "{" in text:
        text = _ATTRS.sub("", text)
    if "*" in text or "_" in text:
        for rule in (_STRONG, _STRONG):  # twice: ***x*** and nested strong
            text = rule.sub(r"\g<t>", text)
        text = _EM_STAR.sub(r"\1", text)
        text = _EM_UNDERSCORE.sub(r"\1", text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    text = _HIDDEN.sub(lambda m: chr(ord(m.group(0)) - _HIDE_BASE), text)
    return _CODE_MARK.sub(lambda m: code[ord(m.group(0)) - _CODE_BASE], text)
