"""Markdown to HTML for archive pages: the project's Markdown extensions, as MkDocs configures them,
and links between pages resolved as MkDocs resolves them (`other.md#part` → its address relative
to this page). One converter per process, reset between pages (MkDocs makes a new one per page:
0.4 ms each)."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor


def url_of(src_uri: str, use_directory_urls: bool = True) -> str:
    """A page's site-relative address, as MkDocs gives it (`a/b.md` → `a/b/`, `a/index.md` → `a/`;
    without directory URLs `a/b.html`, `a/index.html`)."""
    stem, _ = posixpath.splitext(src_uri)
    if posixpath.basename(stem) in ("index", "README"):
        folder = posixpath.dirname(stem)
        if use_directory_urls:
            return f"{folder}/" if folder else ""
        return posixpath.join(folder, "index.html")
    return f"{stem}/" if use_directory_urls else f"{stem}.html"


def dest_of(src_uri: str, use_directory_urls: bool = True) -> str:
    """Where a page's HTML goes in the site."""
    url = url_of(src_uri, use_directory_urls)
    return url + "index.html" if url.endswith("/") or url == "" else url


def folder_of(url: str) -> str:
    """The folder a relative link on the page at `url` starts from."""
    return url.rstrip("/") if url.endswith("/") or url == "" else posixpath.dirname(url)


def relative(target_url: str, from_url: str) -> str:
    """`target_url` as seen from the page at `from_url` (both site-relative)."""
    rel = site_relpath(target_url.rstrip("/") or ".", folder_of(from_url) or ".")
    if target_url.endswith("/") or target_url == "":
        rel = rel + "/" if rel != "." else "./"
    return rel


def site_relpath(path: str, start: str) -> str:
    """posixpath.relpath for two site- or docs-relative paths ("." for the root), without its
    two calls to abspath (each asks for the working folder): 1.4 µs a call instead of 6.4.
    Anything else (a leading "/", "." or ".." inside, an empty part) is left to posixpath.relpath."""
    to = path.split("/") if path != "." else []
    here = start.split("/") if start != "." else []
    if "" in to or "" in here or any(p in (".", "..") for p in (*to, *here)):
        return posixpath.relpath(path, start)
    same = 0
    while same < len(to) and same < len(here) and to[same] == here[same]:
        same += 1
    return "/".join([".."] * (len(here) - same) + to[same:]) or "."


@dataclass(frozen=True)
class Converted:
    """One page's HTML and what the build checks about it."""

    html: str
    toc: tuple[tuple[int, str, str], ...]  # (level, anchor, heading text) of every heading
    links: tuple[tuple[str, bool], ...]  # (docs-relative page linked, whether it exists)
    problems: tuple[str, ...]  # links to pages that do not exist


class _Links(Treeprocessor):
    """Relative links to `.md` pages → their addresses; the rest left as written."""

    def __init__(self, md, owner: Converter):
        super().__init__(md)
        self.owner = owner

    def run(self, root):
        for el in root.iter():
            if el.tag not in ("a", "img"):
                continue
            attr = "href" if el.tag == "a" else "src"
            value = el.get(attr)
            if value:
                new = self.owner.resolve(value)
                if new is not None:
                    el.set(attr, new)


class _LinksExtension(Extension):
    def __init__(self, owner: Converter):
        super().__init__()
        self.owner = owner

    def extendMarkdown(self, md):
        md.treeprocessors.register(_Links(md, self.owner), "archive_links", 5)


class Converter:
    """Markdown → HTML with the site's extensions; `pages` maps every page (docs-relative path) to its address."""

    def __init__(self, extensions, configs: Mapping, pages: Mapping[str, str]):
        self.pages = pages
        self.md = markdown.Markdown(extensions=[*extensions, _LinksExtension(self)], extension_configs=dict(configs or {}))
        self._src = self._url = ""
        self._links: dict[str, bool] = {}
        self._problems: list[str] = []

    def resolve(self, link: str) -> str | None:
        """The address a link on the current page stands for, or None to leave it as written."""
        scheme, netloc, path, query, fragment = urlsplit(link)
        if scheme or netloc or not path or path.startswith(("/", "\\")) or not path.endswith(".md"):
            return None
        target = posixpath.normpath(posixpath.join(posixpath.dirname(self._src), unquote(path)))
        url = self.pages.get(target)
        self._links[target] = url is not None
        if url is None:
            self._problems.append(f"Doc file '{self._src}' contains a link '{link}', but the target '{target}' "
                                  "is not found among documentation files.")
            return None
        out = relative(url, self._url)
        if query:
            out += "?" + query
        return out + ("#" + fragment if fragment else "")

    def convert(self, src_uri: str, url: str, text: str) -> Converted:
        """One page's body as HTML."""
        self._src, self._url, self._links, self._problems = src_uri, url, {}, []
        self.md.reset()
        html = self.md.convert(text)
        toc = tuple(_flatten(getattr(self.md, "toc_tokens", [])))
        return Converted(html, toc, tuple(sorted(self._links.items())), tuple(self._problems))


def _flatten(tokens) -> list[tuple[int, str, str]]:
    out = []
    for t in tokens:
        out.append((t["level"], t["id"], t.get("name", "")))
        out.extend(_flatten(t.get("children", [])))
    return out
