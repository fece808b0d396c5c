"""Three-way merge of lines: an editor's version and the generator's new output against the last
generated version (the base); pure.

Regions that only one side changed take that side's lines; regions both changed the same way are
taken once; regions both changed differently are conflicts. Lines are the unit: one paragraph is
one line in our pages, and one front-matter key (or tag) is one line.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

MINE = "编辑版本（docs/ 中的页面）"
THEIRS = "生成器新版本"


@dataclass(frozen=True)
class Merged:
    """The merge result: text (with conflict markers where the sides disagree) and the conflict count."""

    text: str
    conflicts: int


def _matches(base: list[str], other: list[str]) -> dict[int, int]:
    """base line index -> other line index, for lines the two have in common (in order)."""
    matcher = difflib.SequenceMatcher(None, base, other, autojunk=False)
    out: dict[int, int] = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            out[block.a + k] = block.b + k
    return out


def _sync_points(base: list[str], mine: list[str], theirs: list[str]) -> list[tuple[int, int, int]]:
    """Triples (base, mine, theirs) of line indexes where a base line is unchanged on both sides."""
    in_mine, in_theirs = _matches(base, mine), _matches(base, theirs)
    points = []
    last_m = last_t = -1
    for i in range(len(base)):
        m, t = in_mine.get(i), in_theirs.get(i)
        if m is not None and t is not None and m > last_m and t > last_t:
            points.append((i, m, t))
            last_m, last_t = m, t
    points.append((len(base), len(mine), len(theirs)))
    return points


def merge3(base: str, mine: str, theirs: str) -> Merged:
    """Merge `mine` (the editor's) and `theirs` (new output), both derived from `base`."""
    b, m, t = (s.splitlines(keepends=True) for s in (base, mine, theirs))
    out: list[str] = []
    conflicts = 0
    pb = pm = pt = 0
    for ib, im, it in _sync_points(b, m, t):
        chunk_b, chunk_m, chunk_t = b[pb:ib], m[pm:im], t[pt:it]
        if chunk_m == chunk_t or chunk_t == chunk_b:
            out.extend(chunk_m)
        elif chunk_m == chunk_b:
            out.extend(chunk_t)
        else:
            conflicts += 1
            out.append(f"<<<<<<< {MINE}\n")
            out.extend(_ended(chunk_m))
            out.append("=======\n")
            out.extend(_ended(chunk_t))
            out.append(f">>>>>>> {THEIRS}\n")
        if ib < len(b):
            out.append(m[im])
        pb, pm, pt = ib + 1, im + 1, it + 1
    return Merged("".join(out), conflicts)


def _ended(lines: list[str]) -> list[str]:
    if lines and not lines[-1].endswith("\n"):
        return lines[:-1] + [lines[-1] + "\n"]
    return lines


def short_diff(old: str, new: str, limit: int = 20, old_name: str = "editor", new_name: str = "generator") -> str:
    """A unified diff of at most `limit` lines, for reports."""
    lines = list(difflib.unified_diff(old.splitlines(), new.splitlines(), old_name, new_name, n=0, lineterm=""))
    if len(lines) > limit:
        lines = lines[:limit] + [f"… ({len(lines) - limit} more diff lines)"]
    return "\n".join(lines)
