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


def _merge_chunks(b: list, m: list, t: list) -> tuple[list, list[tuple[list, list, list]]]:
    """Three-way merge of two sequences: the merged items, with each conflict as None in its
    place, and the conflicts' (base, mine, theirs) chunks in order."""
    out: list = []
    conflicts: list[tuple[list, list, list]] = []
    pb = pm = pt = 0
    for ib, im, it in _sync_points(b, m, t):
        chunk_b, chunk_m, chunk_t = b[pb:ib], m[pm:im], t[pt:it]
        if chunk_m == chunk_t or chunk_t == chunk_b:
            out.extend(chunk_m)
        elif chunk_m == chunk_b:
            out.extend(chunk_t)
        else:
            out.append(None)
            conflicts.append((chunk_b, chunk_m, chunk_t))
        if ib < len(b):
            out.append(m[im])
        pb, pm, pt = ib + 1, im + 1, it + 1
    return out, conflicts


def _merge_lines_by_character(b: list[str], m: list[str], t: list[str]) -> list[str] | None:
    """A region both sides changed, line for line: merged character by character when the
    changes touch different characters of each line (an editor's fix and the generator's
    punctuation in one paragraph); None when any line still conflicts."""
    if not len(b) == len(m) == len(t):
        return None
    merged = []
    for lb, lm, lt in zip(b, m, t, strict=True):
        chars, conflicts = _merge_chunks(list(lb), list(lm), list(lt))
        if conflicts:
            return None
        merged.append("".join(chars))
    return merged


def merge3(base: str, mine: str, theirs: str) -> Merged:
    """Merge `mine` (the editor's) and `theirs` (new output), both derived from `base`: line by
    line, and where both changed the same lines, character by character within each line."""
    b, m, t = (s.splitlines(keepends=True) for s in (base, mine, theirs))
    items, regions = _merge_chunks(b, m, t)
    out: list[str] = []
    conflicts = 0
    regions_left = iter(regions)
    for item in items:
        if item is not None:
            out.append(item)
            continue
        chunk_b, chunk_m, chunk_t = next(regions_left)
        if (lines := _merge_lines_by_character(chunk_b, chunk_m, chunk_t)) is not None:
            out.extend(lines)
            continue
        conflicts += 1
        out.append(f"<<<<<<< {MINE}\n")
        out.extend(_ended(chunk_m))
        out.append("=======\n")
        out.extend(_ended(chunk_t))
        out.append(f">>>>>>> {THEIRS}\n")
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
