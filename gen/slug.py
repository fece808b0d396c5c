"""ASCII slugs for index pages (districts, sources, tags): pinyin, stable, collision-free; pure."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(name: str) -> str:
    """`石景山区` → `shijingshanqu`; `CNN` → `cnn`; falls back to a hash for names with no letters."""
    from pypinyin import lazy_pinyin  # its dictionaries take a fifth of a second to load

    ascii_text = "-".join(lazy_pinyin(name.strip()))
    text = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    text = text.replace("-", "") if len(text) <= 40 else text[:40].rstrip("-")
    return text or "x" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]


def slugs(names: list[str], slug_of: Callable[[str], str] = slug, reserved: re.Pattern[str] | None = None) -> dict[str, str]:
    """A slug per name; names whose slugs collide, or that `reserved` matches whole (a page the
    folder needs for itself, such as `index`), get a short hash of the name appended.
    `slug_of` makes one name's slug (slug, unless a caller gives another)."""
    by_slug: dict[str, list[str]] = {}
    for name in sorted(set(names)):
        by_slug.setdefault(slug_of(name), []).append(name)
    out = {}
    for base, group in by_slug.items():
        taken = len(group) > 1 or (reserved is not None and reserved.fullmatch(base) is not None)
        for name in group:
            out[name] = f"{base}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:6]}" if taken else base
    return out
