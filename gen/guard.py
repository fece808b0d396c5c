"""Refuse to build the archive without its plugins.

The archive's index pages come from the `archive` plugin and its search from `archive-search`;
a builder that skips them still renders every document and would publish an archive nobody can
browse or search. Two ways that happens: a mkdocs.yml that lost a plugin entry, built with MkDocs
or ProperDocs, and Zensical, which reads mkdocs.yml but silently ignores plugins it does not know.
Both still run the Markdown extensions listed in mkdocs.yml, so this module is one: it stops the
first page's conversion unless the `archive` plugin cleared the build in its `on_config` (by
calling `clear`, which also checks that every other part is listed).

Only the standard library and Markdown are imported at the top, so the guard loads and speaks in
an environment without MkDocs (Zensical's).
"""

from __future__ import annotations

import sys

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

CONFIG_FILE = "mkdocs.yml"
# The dotted name mkdocs.yml lists under markdown_extensions (Markdown imports it by that name).
EXTENSION = "gen.guard"
# Set in the extension's options by `clear`, never in mkdocs.yml.
CLEARED = "cleared"
# What each plugin of ours gives the site, for the message that says what a build would lose.
PLUGINS = {
    "archive": "index pages (首页, 时间线, 地区, 来源, 标签), front-matter checks or redirects",
    "archive-search": "search (the index behind the search box)",
}
BUILD = "`make site` (MkDocs) or `make site BUILDER=properdocs`"


try:  # MkDocs and ProperDocs print a BuildError's message and exit 1, without a traceback.
    from mkdocs.exceptions import PluginError as _Failure
except ImportError:  # Zensical's environment has no MkDocs
    _Failure = Exception


class GuardError(_Failure):
    """The site is being built without a part the archive needs."""


def missing_parts(plugins: list[str], extensions: list[str]) -> list[str]:
    """One line per missing plugin or guard entry in mkdocs.yml, given the names it lists."""
    problems = [f"{CONFIG_FILE}: plugins: `{name}` is missing: without it the site has no {gives}; "
                f"list `- {name}` under `plugins:`"
                for name, gives in PLUGINS.items() if name not in plugins]
    if EXTENSION not in extensions:
        problems.append(f"{CONFIG_FILE}: markdown_extensions: `{EXTENSION}` is missing: it stops builders that "
                        f"ignore the archive's plugins (Zensical) from publishing an archive without index pages "
                        f"and search; list `- {EXTENSION}` under `markdown_extensions:`")
    return problems


def clear(config) -> None:
    """Check mkdocs.yml lists every part the archive needs, then let the guard pass pages; from `archive`'s on_config."""
    problems = missing_parts(list(config["plugins"]), list(config["markdown_extensions"]))
    if problems:
        raise GuardError("\n".join(problems))
    config["mdx_configs"].setdefault(EXTENSION, {})[CLEARED] = True


# Why a page is refused when the `archive` plugin did not clear the build, by who is building
# (see `current_situation`).
REFUSALS = {
    "zensical": f"{CONFIG_FILE}: this archive is built with MkDocs or ProperDocs, not Zensical: Zensical reads "
                f"{CONFIG_FILE} but skips the plugins `archive` and `archive-search` listed there, and would publish "
                f"the documents with no {PLUGINS['archive']}, and no {PLUGINS['archive-search']}. Build with {BUILD}.",
    "missing": f"{CONFIG_FILE}: plugins: `archive` is missing: without it the site has no {PLUGINS['archive']}; "
               f"list `- archive` (and `- archive-search`) under `plugins:` in {CONFIG_FILE}. Build with {BUILD}.",
    "unwired": f"{CONFIG_FILE}: plugins: `archive` is loaded but did not clear the build: its on_config must call "
               f"gen.guard.clear(config) (gen/plugin.py).",
}


def current_situation() -> str:
    """Who converts pages without clearance: Zensical, MkDocs without `archive`, or with it loaded but not calling `clear`."""
    if "zensical" in sys.modules:
        return "zensical"
    # MkDocs imports a plugin's module when mkdocs.yml lists it; nothing else of ours imports this one.
    return "unwired" if "gen.plugin" in sys.modules else "missing"


class _Refuse(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        raise GuardError(REFUSALS[current_situation()])


class GuardExtension(Extension):
    """Markdown extension that refuses every page unless the `archive` plugin cleared the build."""

    def __init__(self, **kwargs):
        self.config = {CLEARED: [False, "set by the archive plugin's on_config (gen.guard.clear), never by hand"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        # Refusing here would fail MkDocs' own check of markdown_extensions, which runs before any plugin.
        if not self.getConfig(CLEARED):
            md.preprocessors.register(_Refuse(md), "archive-guard", 1000)


def makeExtension(**kwargs) -> GuardExtension:  # noqa: N802 (Markdown's name)
    """The entry point Markdown calls for `gen.guard` in markdown_extensions."""
    return GuardExtension(**kwargs)
