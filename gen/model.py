"""The records that flow through the generator: raw seeds, what a reader found, finished documents."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class Seed:
    """One raw input file, decoded."""

    path: str  # repository-relative POSIX path, e.g. "seeds/003_17d5a1e15a32e4e6.txt"
    stem: str  # file name without extension; the page's stable identity
    sha256: str  # of the raw bytes
    encoding: str  # codec the bytes were decoded with, e.g. "utf-8", "utf-8-sig", "gb18030"
    text: str  # decoded text, line endings normalised to "\n"
    encoding_confidence: float | None = None  # the detector's confidence when one guessed the codec; None when a rule decided
    rel: str = ""  # path inside the seeds folder, e.g. "2020/a.txt": the page's identity ("" : the file name)


@dataclass(frozen=True)
class Span:
    """A run of inline text. `text` is plain text; the renderer escapes it."""

    text: str
    style: str = ""  # "" | "strong" | "em"
    href: str | None = None  # only http, https or mailto URLs survive the readers


@dataclass(frozen=True)
class Block:
    """A block of body text: a paragraph, or a list whose items are lines of spans."""

    kind: str  # "p" | "ul" | "ol"
    lines: tuple[tuple[Span, ...], ...]  # "p": exactly one line; lists: one line per item

    @property
    def text(self) -> str:
        """Plain text of the block, items joined by newlines."""
        return "\n".join("".join(s.text for s in line) for line in self.lines)


def paragraph(text: str) -> Block:
    """A plain paragraph block."""
    return Block("p", ((Span(text),),))


@dataclass(frozen=True)
class Article:
    """One story. Single-story documents have one Article with `heading` None."""

    heading: str | None = None  # headline; two-line headlines joined with a space
    byline: str | None = None  # e.g. "通讯员石伟", "记者吴赛赛 通讯员田甜", "石荣平"
    date_text: str | None = None  # the article's own date as stated, e.g. "4月15日下午"
    blocks: tuple[Block, ...] = ()
    continued: str | None = None  # jump marker target, e.g. "2版" for "(下转2版)"

    @cached_property
    def text(self) -> str:
        """Plain text of the article body (made once: every extractor reads it)."""
        return "\n".join(b.text for b in self.blocks)


@dataclass(frozen=True)
class Masthead:
    """A newspaper issue's masthead: metadata, never body text."""

    paper: str | None  # "石景山报"; None when the masthead names no paper
    date: dt.date | None  # from "2020年4月16日 星期四"
    date_text: str | None  # the date line as printed
    issue: str | None = None  # "第30期(总第1907期)"
    pages: int | None = None  # "本期8版" -> 8
    publisher: str | None = None  # "中共石景山区委宣传部"
    url: str | None = None
    lines: tuple[str, ...] = ()  # every masthead line as printed, for provenance


@dataclass(frozen=True)
class ContentsItem:
    """An entry of a newspaper's 导读 (table of contents) block."""

    title: str
    page: str | None  # "2版"


@dataclass(frozen=True)
class Reading:
    """What a reader found in a seed, before any metadata inference."""

    kind: str  # "wire" | "html" | "newspaper" | "day"
    title: str | None  # stated title; None when the seed has none
    articles: tuple[Article, ...]
    masthead: Masthead | None = None
    contents: tuple[ContentsItem, ...] = ()
    editor: str | None = None  # from a trailing credit such as "责任编辑：邓健"
    author: str | None = None  # from a trailing credit such as "（记者 唐炜）"
    warnings: tuple[str, ...] = ()  # non-fatal oddities worth reporting
    # Routine repairs the reader made, as (what, how many), e.g. (("punctuation", 124),) for OCR
    # commas made full width; reported per seed, never a warning. Only non-zero counts.
    normalised: tuple[tuple[str, int], ...] = ()

    # Computed once per reading: every extractor needs them. (cached_property stores into the
    # instance dict directly, which a frozen dataclass allows.)
    @cached_property
    def text(self) -> str:
        """All body text, for metadata extraction."""
        parts = [self.title or ""]
        for a in self.articles:
            parts.append(a.heading or "")
            parts.append(a.text)
        return "\n".join(p for p in parts if p)

    @cached_property
    def folded(self) -> str:
        """`text` NFKC-normalised (full-width letters, digits and punctuation folded), for matching."""
        return unicodedata.normalize("NFKC", self.text)


@dataclass(frozen=True)
class Found:
    """A metadata value and how it was found (`basis`), e.g. ("2022-06-01", "推断：奥密克戎")."""

    value: object
    basis: str


@dataclass(frozen=True)
class Document:
    """A finished document: everything the page and the indexes need."""

    seed: Seed
    reading: Reading
    title: str
    title_basis: str  # "标题行" | "报头" | "导语" | "清单"
    date: dt.date | None
    date_basis: str | None
    district: str | None
    district_basis: str | None
    source: str | None
    issue: str | None
    url: str | None
    tags: tuple[str, ...]
    page: str  # docs-relative POSIX path, e.g. "archive/003_17d5a1e15a32e4e6.md" (see identity.py)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    """Something wrong with one file, located as precisely as we can."""

    path: str
    message: str
    line: int | None = None
    field: str | None = None
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        what = f"{self.field}: " if self.field else ""
        return f"{where}: {self.severity}: {what}{self.message}"


@dataclass(frozen=True)
class Meta:
    """Front matter of a page as found in docs/ (after editors), for index pages."""

    page: str  # docs-relative path
    title: str
    date: dt.date | None = None
    district: str | None = None
    source: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
