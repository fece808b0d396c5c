"""The lean page shell: what every archive page shares, made once per build.

Material's own page repeats, on every page, about 12 KB of chrome: inline icons, the header with
the search dialog, two navigations and the theme's settings. The shell keeps Material's markup and
classes (so its stylesheet and script give the same look and behaviour) and moves everything that
repeats into cached files made here: an icon sprite, one stylesheet and a script. The script runs
first in the page's container and adds the header, the tabs and the theme's settings before
anything is shown; once the page is read it adds the navigation drawer, the footer and the
back-to-top button, before Material's script mounts them. A page then carries only a short
navigation of its own (an index's contents) and its content: without JavaScript a reader sees the
content and its links (tags, downloads), as Material shows no search without it either.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from gen.fs import tree_digest

# Material's icons shown by the shell, by sprite id (files under material/templates/.icons/).
ICONS = {
    "logo": "material/library",
    "menu": "material/menu",
    "search": "material/magnify",
    "back": "material/arrow-left",
    "close": "material/close",
    "edit": "material/file-edit-outline",
}
# The shell's generated assets, beside Material's (named by their content: cached for ever).
SCRIPT = "assets/javascripts/archive-shell.{}.js"
JOINED_SCRIPT = "assets/javascripts/archive-page.{}.js"
SPRITE = "assets/images/archive-icons.{}.svg"
STYLESHEET = "assets/stylesheets/archive.{}.css"
# Strings of Material's language files the shell and its script show.
WORDS = ("header", "nav", "tabs", "toc", "action.edit", "search", "clipboard.copy", "clipboard.copied",
         "search.result.placeholder", "search.result.none", "search.result.one", "search.result.other",
         "search.result.more.one", "search.result.more.other", "search.result.term.missing", "select.version")
_TRANSLATED = WORDS[6:]  # what Material's script reads from its settings

_WORDS_TEMPLATE = '{% import "partials/language.html" as lang with context %}' + "\x1f".join(
    f'{{{{ lang.t("{w}") }}}}' for w in WORDS)
_SEARCH_TEMPLATE = '{% import "partials/language.html" as lang with context %}{% include "partials/search.html" %}'
_PALETTE_TEMPLATE = '{% include "partials/palette.html" %}'
_TOP_TEMPLATE = '{% import "partials/language.html" as lang with context %}{% include "partials/top.html" %}'
# Where the header the script adds (header_html) takes the page's base and its title.
BASE, TITLE = "\x00", "\x01"


class Script(NamedTuple):
    """A script a page loads at its end: its address (site-relative, or absolute) and the
    attributes mkdocs.yml's `extra_javascript` may give it."""

    src: str
    type: str = ""
    defer: bool = False
    async_: bool = False

    @classmethod
    def of(cls, value) -> Script:
        """From an `extra_javascript` entry: a string, or MkDocs' record of one with attributes."""
        if isinstance(value, str):
            return cls(value)
        return cls(str(value.path), value.type or "", bool(value.defer), bool(value.async_))

    @property
    def plain(self) -> bool:
        """A classic script run in order, as a page's own scripts are."""
        return not (self.type or self.defer or self.async_)


def absolute(address: str) -> bool:
    """Whether an address stands for itself (another host, or the host's root), not for a file of the site."""
    return bool(urlsplit(address).scheme) or address.startswith("/")


@dataclass(frozen=True)
class Shell:
    """Everything an archive page shares; plain values, so it crosses to worker processes."""

    site_name: str
    language: str
    stylesheets: tuple[str, ...]  # site-relative or absolute, in order
    scripts: tuple[Script, ...]  # loaded at the end of the body, in order
    shell_script: str  # site-relative address of the generated script
    sprite: str  # site-relative address of the icon sprite
    favicon: str
    edit_base: str  # repo_url + edit_uri, "" for no edit button
    site_url: str  # with a trailing slash, or ""
    words: tuple[tuple[str, str], ...]
    digest: str  # changes whenever any of the above or the page template changes

    def word(self, key: str) -> str:
        return dict(self.words)[key]

    @staticmethod
    def href(base: str, address: str) -> str:
        """A stylesheet's or script's address from a page whose way to the site's root is `base`."""
        return address if absolute(address) else f"{base}/{address}"


def _icon_body(templates: Path, name: str) -> str:
    """The inside of one of Material's icon files (its paths), for a <symbol>."""
    svg = (templates / ".icons" / f"{name}.svg").read_text(encoding="utf-8")
    return re.sub(r"^<svg[^>]*>|</svg>\s*$", "", svg.strip())


def sprite_svg(templates: Path) -> str:
    """One SVG file with every icon the shell shows, each a <symbol> referenced by <use>."""
    symbols = "".join(f'<symbol id="{key}" viewBox="0 0 24 24">{_icon_body(templates, name)}</symbol>'
                      for key, name in ICONS.items())
    return f'<svg xmlns="http://www.w3.org/2000/svg">{symbols}</svg>'


def header_html(site_name: str, words: dict[str, str], sprite: str, search_html: str, palette_html: str = "") -> str:
    """Material's header as its own template makes it (the drawer and search toggles, the logo, the
    site's name and the page's title, the palette toggle, the search dialog), with BASE and TITLE
    where the page's base and title go."""
    name = html.escape(site_name)

    def icon(key: str) -> str:
        return f'<svg viewBox="0 0 24 24"><use href="{BASE}/{sprite}#{key}"/></svg>'

    return (
        '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off">'
        '<input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search" autocomplete="off">'
        '<label class="md-overlay" for="__drawer"></label>'
        f'<header class="md-header" data-md-component="header"><nav class="md-header__inner md-grid" aria-label="{html.escape(words["header"])}">'
        f'<a href="{BASE}/" title="{name}" class="md-header__button md-logo" aria-label="{name}" data-md-component="logo">{icon("logo")}</a>'
        f'<label class="md-header__button md-icon" for="__drawer">{icon("menu")}</label>'
        '<div class="md-header__title" data-md-component="header-title"><div class="md-header__ellipsis">'
        f'<div class="md-header__topic"><span class="md-ellipsis">{name}</span></div>'
        f'<div class="md-header__topic" data-md-component="header-topic"><span class="md-ellipsis">{TITLE}</span></div></div></div>'
        f'{palette_html}<label class="md-header__button md-icon" for="__search">{icon("search")}</label>{search_html}</nav></header>'
    )


# What the script adds once the page is read (DOMContentLoaded, before Material's script mounts its
# components, whose listener comes later): the navigation drawer, made from the tabs; the footer;
# the back-to-top button.
_SCRIPT_READ = (
    "var tabs=document.querySelectorAll('.md-tabs__item'),li='';"
    "tabs.forEach(function(t){var a=t.querySelector('a');li+='<li class=\"md-nav__item'+"
    "(t.classList.contains('md-tabs__item--active')?' md-nav__item--active':'')+'\"><a href=\"'+x(a.getAttribute('href'))+"
    "'\" class=\"md-nav__link\"><span class=\"md-ellipsis\">'+x(a.textContent)+'</span></a></li>'});"
    "var m=document.querySelector('.md-main__inner');"
    "if(m)m.insertAdjacentHTML('afterbegin','<div class=\"md-sidebar md-sidebar--primary\" data-md-component=\"sidebar\" data-md-type=\"navigation\">"
    "<div class=\"md-sidebar__scrollwrap\"><div class=\"md-sidebar__inner\"><nav class=\"md-nav md-nav--primary md-nav--lifted\" aria-label=\"'+x(W.nav)+'\" data-md-level=\"0\">"
    "<label class=\"md-nav__title\" for=\"__drawer\">'+x(N)+'</label><ul class=\"md-nav__list\" data-md-scrollfix>'+li+'</ul></nav></div></div></div>');"
    "var c=document.querySelector('.md-container');"
    "if(c)c.insertAdjacentHTML('beforeend','<footer class=\"md-footer\"><div class=\"md-footer-meta md-typeset\"><div class=\"md-footer-meta__inner md-grid\">"
    "<div class=\"md-copyright\">Made with <a href=\"https://squidfunk.github.io/mkdocs-material/\" target=\"_blank\" rel=\"noopener\">Material for MkDocs</a></div></div></div></footer>');"
    "var mm=document.querySelector('.md-main');if(mm&&TOP)mm.insertAdjacentHTML('beforeend',TOP);"
)


def shell_script(header: str, site_name: str, config_rest: dict, words: dict[str, str], top_html: str = "",
                 tabs: tuple[tuple[str, str], ...] = (), body_attrs: tuple[tuple[str, str], ...] = ()) -> str:
    """The script every page loads first thing in its `md-container` (`data-base`: the way to the
    site's root; `data-tab`: the address of the page's tab, if it has one). At once: the storage
    helpers Material's inline head script defines, the header before the container (header_html,
    with the page's base and title), the tabs at the top of the container, the theme's palette and
    the one the reader chose last, the theme's settings (with the page's base) and the dialog
    Material's "copied" notes use: everything Material's script looks up as it starts. Once the
    page is read: the rest (_SCRIPT_READ). No inline script: a page runs only script files."""
    return (
        "(function(){"
        "var s=document.currentScript,b=s.dataset.base,at=s.getAttribute('data-tab');"
        "window.__md_scope=new URL(b+'/',location);"
        "window.__md_hash=function(v){var h=0;for(var i=0;i<v.length;i++)h=(h<<5)-h+v.charCodeAt(i);return h};"
        "window.__md_get=function(k,st,sc){st=st||localStorage;sc=sc||__md_scope;return JSON.parse(st.getItem(sc.pathname+'.'+k))};"
        "window.__md_set=function(k,v,st,sc){st=st||localStorage;sc=sc||__md_scope;try{st.setItem(sc.pathname+'.'+k,JSON.stringify(v))}catch(e){}};"
        "function x(t){var d=document.createElement('div');d.textContent=t;return d.innerHTML}"
        f"var W={json.dumps(words, ensure_ascii=False, sort_keys=True)},N={json.dumps(site_name, ensure_ascii=False)},"
        f"H={json.dumps(header, ensure_ascii=False)},TOP={json.dumps(top_html, ensure_ascii=False)},"
        f"T={json.dumps([[title, url, absolute(url)] for title, url in tabs], ensure_ascii=False)},B={json.dumps([list(a) for a in body_attrs])};"
        # the page's title: the document's, without the site's name after it (the home page's is the name)
        "var t=document.title,f=' - '+N;if(t.length>f.length&&t.slice(-f.length)===f)t=t.slice(0,-f.length);"
        f"s.parentNode.insertAdjacentHTML('beforebegin',H.split({json.dumps(BASE)}).join(x(b)).split({json.dumps(TITLE)}).join(x(t)));"
        # Material's tabs, the page's own marked as its template marks it (a tab to another host
        # keeps its address)
        "var u='';T.forEach(function(e){u+='<li class=\"md-tabs__item'+(e[1]===at?' md-tabs__item--active':'')+'\"><a href=\"'+x(e[2]?e[1]:b+'/'+e[1])+'\" class=\"md-tabs__link\">'+x(e[0])+'</a></li>'});"
        "if(T.length)s.insertAdjacentHTML('afterend','<nav class=\"md-tabs\" aria-label=\"'+x(W.tabs)+'\" data-md-component=\"tabs\"><div class=\"md-grid\"><ul class=\"md-tabs__list\">'+u+'</ul></div></nav>');"
        # the theme's palette, then the one a reader chose last (kept by Material's script under
        # "__palette"), applied before anything is shown, as Material's own header does
        "B.forEach(function(a){document.body.setAttribute(a[0],a[1])});"
        "try{var p=__md_get('__palette');if(p&&p.color){for(var k in p.color)document.body.setAttribute('data-md-color-'+k,p.color[k])}}catch(e){}"
        f"var c={json.dumps(config_rest, ensure_ascii=False, sort_keys=True)};c.base=b;if(c.search)c.search=b+'/'+c.search;"
        "var e=document.createElement('script');e.id='__config';e.type='application/json';"
        "e.textContent=JSON.stringify(c);s.after(e);"
        "document.body.insertAdjacentHTML('beforeend','<div class=\"md-dialog\" data-md-component=\"dialog\"><div class=\"md-dialog__inner md-typeset\"></div></div>');"
        "document.addEventListener('DOMContentLoaded',function(){" + _SCRIPT_READ + "},{once:true})})();\n"
    )


# What a stylesheet cannot be joined with others for: an address it resolves against its own
# (url(...) other than data:, @import).
_OWN_ADDRESS = re.compile(r"""url\(\s*(?!['"]?data:)|@import""", re.I)
_CHARSET = re.compile(r"""^\ufeff?@charset\s+["'][^"']*["']\s*;""", re.I)
_SOURCE_MAP = re.compile(r"/\*[#@]\s*sourceMappingURL=[^*]*\*/")


def _named(pattern: str, data: bytes) -> str:
    """The site path of a generated asset, named by its content (cached for ever)."""
    return pattern.format(hashlib.sha256(data).hexdigest()[:10])


def _site_text(by_uri: dict, uri: str) -> str | None:
    """The text of a site file by its site-relative path; None when the site has no such file or
    it is not UTF-8."""
    f = by_uri.get(uri)
    try:
        return Path(f.abs_src_path).read_bytes().decode("utf-8") if f is not None else None
    except (OSError, UnicodeDecodeError, TypeError):
        return None


def join_stylesheets(files, sheets: list[str]) -> tuple[tuple[str, ...], dict[str, bytes]]:
    """The stylesheets a page links, and the file to write: the leading run of the site's own UTF-8
    sheets that read no other file, joined in order into one file named by its content (one request
    and one link instead of several, the same rules in the same order), then the others as they are."""
    by_uri = {f.src_uri: f for f in files}
    joined: list[str] = []
    for sheet in sheets:
        text = _site_text(by_uri, sheet)
        if text is None or _OWN_ADDRESS.search(text):
            break
        joined.append(_SOURCE_MAP.sub("", _CHARSET.sub("", text)).strip())
    if len(joined) < 2:
        return tuple(sheets), {}
    data = ('@charset "UTF-8";\n' + "\n".join(joined) + "\n").encode("utf-8")
    path = _named(STYLESHEET, data)
    return (path, *sheets[len(joined):]), {path: data}


# What a script cannot be joined with others for: a "use strict" directive of its own (joined, it
# would apply to the scripts after it, or to none), or a look at the <script> element it runs from.
_LEADING_COMMENTS = re.compile(r"(?:\s+|/\*.*?\*/|//[^\n]*)*", re.S)
_STRICT = re.compile(r"""(['"])use strict\1""")
_SCRIPT_SOURCE_MAP = re.compile(r"^//[#@]\s*sourceMappingURL=.*$", re.M)


def _joinable_script(text: str) -> bool:
    rest = text.lstrip("\ufeff")
    rest = rest[_LEADING_COMMENTS.match(rest).end():]
    return not _STRICT.match(rest) and "currentScript" not in text


def join_scripts(files, scripts: list[Script]) -> tuple[tuple[Script, ...], dict[str, bytes]]:
    """The scripts a page loads, and the files to write: each run of the site's own plain UTF-8
    scripts that can run as one (see _joinable_script) joined in order into one file named by its
    content (one request and one tag instead of several; a `?v=` version is dropped with the file
    it names), the others as they are (a module, a deferred or async script, one from elsewhere)."""
    by_uri = {f.src_uri: f for f in files}
    out: list[Script] = []
    written: dict[str, bytes] = {}
    run: list[tuple[Script, str]] = []

    def flush() -> None:
        if len(run) < 2:
            out.extend(script for script, _ in run)
        else:
            data = "".join(_SCRIPT_SOURCE_MAP.sub("", text).strip() + "\n;\n" for _, text in run).encode("utf-8")
            path = _named(JOINED_SCRIPT, data)
            out.append(Script(path))
            written[path] = data
        run.clear()

    for script in scripts:
        text = _site_text(by_uri, script.src.split("?", 1)[0]) if script.plain and not absolute(script.src) else None
        if text is not None and _joinable_script(text):
            run.append((script, text))
        else:
            flush()
            out.append(script)
    flush()
    return tuple(out), written


def _asset(files, pattern: str) -> str:
    """The theme file matching a pattern (Material names its bundles by content hash)."""
    rx = re.compile(pattern)
    for f in files:
        if rx.fullmatch(f.src_uri):
            return f.src_uri
    raise LookupError(f"the theme has no file matching {pattern}")


def _stable(value) -> object:
    """A JSON-able stand-in for a Markdown setting that names functions by where they live
    (a function's repr holds its address, different in every process)."""
    if isinstance(value, functools.partial):
        return {"partial": _stable(value.func), "args": [_stable(a) for a in value.args],
                "keywords": {k: _stable(v) for k, v in sorted(value.keywords.items())}}
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__name__)}"
    if isinstance(value, dict):
        return {str(k): _stable(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_stable(v) for v in value]
    return value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)


def markdown_digest(extensions, configs) -> str:
    """What the pages' HTML depends on in mkdocs.yml's markdown_extensions, and Markdown's version."""
    import markdown

    return hashlib.sha256(json.dumps(_stable([list(extensions), configs, markdown.__version__]), sort_keys=True).encode()).hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """The generator's own code and templates: a new version renders every page again."""
    return tree_digest(Path(__file__).resolve().parents[1], (".py", ".html", ".csl", ".csv", ".json"))[:16]


def make_shell(config, env, files, nav_items, worker: str, extra_scripts: tuple[Script, ...], template_digest: str,
               variant: str = "") -> tuple[Shell, dict[str, bytes]]:
    """The shell for this build and the assets it needs written into the site (path -> bytes).

    `env` is the theme's Jinja environment (for Material's own words and search dialog),
    `nav_items` the top navigation as (title, site-relative address), `worker` the search worker's
    site-relative address (with its version), `variant` whatever else changes every page (the
    plugin's options)."""
    import material

    templates = Path(material.__file__).parent / "templates"
    words = dict(zip(WORDS, env.from_string(_WORDS_TEMPLATE).render(config=config).split("\x1f")))
    search_html = re.sub(r">\s+<", "><", env.from_string(_SEARCH_TEMPLATE).render(config=config).strip())
    features = list(config.theme.get("features") or [])
    settings = {
        "annotate": None,
        "features": features,
        "search": worker,
        "tags": None,
        "translations": {k: words[k] for k in _TRANSLATED},
        "version": None,
    }
    palette = config.theme.get("palette")
    palette_html = ""
    body_attrs: tuple[tuple[str, str], ...] = ()
    if palette and not isinstance(palette, dict):
        palette_html = re.sub(r">\s+<", "><", env.from_string(_PALETTE_TEMPLATE).render(config=config).strip())
    if palette:
        first = palette if isinstance(palette, dict) else palette[0]
        body_attrs = tuple((f"data-md-color-{k}", str(first.get(k) or d).replace(" ", "-"))
                           for k, d in (("scheme", "default"), ("primary", "indigo"), ("accent", "indigo")))
    top_html = ""
    if "navigation.top" in features:  # Material's back-to-top button
        top_html = re.sub(r">\s+<", "><", env.from_string(_TOP_TEMPLATE).render(config=config).strip())
    sprite = sprite_svg(templates).encode()
    sprite_path = _named(SPRITE, sprite)
    header = header_html(config["site_name"], words, sprite_path, search_html, palette_html)
    script = shell_script(header, config["site_name"], settings, {"nav": words["nav"], "tabs": words["tabs"]}, top_html,
                          tuple(nav_items), body_attrs).encode()
    script_path = _named(SCRIPT, script)
    repo, edit_uri = config.get("repo_url") or "", config.get("edit_uri") or ""
    edit_base = posixpath.join(repo.rstrip("/") + "/", edit_uri) if repo and edit_uri else ""
    if edit_base and not edit_base.endswith("/"):
        edit_base += "/"
    site_url = config.get("site_url") or ""
    if site_url and not site_url.endswith("/"):
        site_url += "/"
    sheets = [_asset(files, r"assets/stylesheets/main\.[0-9a-f]+\.min\.css")]
    if config.theme.get("palette"):
        sheets.append(_asset(files, r"assets/stylesheets/palette\.[0-9a-f]+\.min\.css"))
    sheets += [str(s) for s in config.get("extra_css") or []]
    stylesheets, joined = join_stylesheets(files, sheets)
    scripts, joined_scripts = join_scripts(files, [Script(_asset(files, r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js")), *extra_scripts])
    fields = dict(
        site_name=config["site_name"],
        language=config.theme.get("language") or "en",
        stylesheets=stylesheets,
        scripts=scripts,
        shell_script=script_path,
        sprite=sprite_path,
        favicon=config.theme.get("favicon") or "assets/images/favicon.png",
        edit_base=edit_base,
        site_url=site_url,
        words=tuple(sorted(words.items())),
    )
    markdown = markdown_digest(config["markdown_extensions"], config["mdx_configs"] or {})
    digest = hashlib.sha256(json.dumps([fields, template_digest, markdown, code_digest(), variant], sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
    return Shell(**fields, digest=digest), {script_path: script, sprite_path: sprite, **joined, **joined_scripts}
