"""What both charts take from Material's palette and how they write text: one place for each.

Colours are Material's CSS variables (both schemes define them), each with the default scheme's
value for an SVG shown outside the site. Marks take the link colour: the primary colour where it
is legible, and Material's lighter variant of it on slate, where indigo on the dark page is only
2.3:1 (measured in tests/test_charts.py; #5488e8 is 4.6:1).
"""

from __future__ import annotations

from html import escape

from gen.clean import strip_invisible

MARK = "var(--md-typeset-a-color,var(--md-primary-fg-color,#4051b5))"
PAGE = "var(--md-default-bg-color,#fff)"
TEXT = "var(--md-default-fg-color,rgba(0,0,0,.87))"
MUTED = "var(--md-default-fg-color--light,rgba(0,0,0,.54))"
FAINT = "var(--md-default-fg-color--lighter,rgba(0,0,0,.32))"


def svg_text(text: str) -> str:
    """Text for an SVG element or attribute: invisible characters dropped, escaped."""
    return escape(strip_invisible(text), quote=True)


def check_count(name: str, n: object) -> None:
    """A count is a whole number of 0 or more (not a bool)."""
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise ValueError(f"counts: {name}: expected a count of 0 or more, found {n!r}")
