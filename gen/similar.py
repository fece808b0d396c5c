"""Near-identical documents (the same wire story reposted by several districts); pure.

Each text becomes a bottom-k sketch: the k smallest hashes of its character 5-grams (punctuation
and spaces removed). Two texts whose sketches share a hash among their few smallest are candidates;
a candidate pair whose estimated Jaccard similarity reaches THRESHOLD is near-identical. One hash per
shingle (zlib.crc32, in C) keeps it linear in the text; candidates keep it far from quadratic.
"""

from __future__ import annotations

import heapq
from array import array
import re
import zlib
from collections import defaultdict
from itertools import combinations
from dataclasses import dataclass

SHINGLE = 5  # characters per shingle
SKETCH = 64  # hashes kept per text (bottom-k)
BUCKET_BY = 6  # the smallest hashes used to find candidate pairs
THRESHOLD = 0.8  # estimated Jaccard similarity of shingle sets
MIN_CHARS = 60  # shorter texts are too generic to call near-identical
# A hash shared by more texts than this is boilerplate ("央视网消息（新闻联播）"), not a candidate.
MAX_BUCKET = 20

_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Sketch:
    """The bottom-k hashes of one text, packed (a build cache holds tens of thousands of them)."""

    key: str
    packed: bytes  # the hashes, sorted ascending, as unsigned 32-bit integers

    @classmethod
    def of(cls, key: str, hashes: list[int]) -> Sketch:
        """A sketch of these hashes."""
        return cls(key, array("I", sorted(hashes)).tobytes())

    @property
    def hashes(self) -> tuple[int, ...]:
        """Every hash, ascending."""
        return tuple(array("I", self.packed))

    @property
    def head(self) -> tuple[int, ...]:
        """The smallest hashes, those that put the text in candidate buckets."""
        return tuple(array("I", self.packed[: 4 * BUCKET_BY]))


def sketch(key: str, text: str) -> Sketch | None:
    """The sketch of a text, or None when it is too short to compare."""
    flat = _NOT_WORD.sub("", text.lower())
    if len(flat) < MIN_CHARS:
        return None
    # Fixed-width code units, so a shingle is a plain byte slice (no per-shingle encoding).
    data = flat.encode("utf-32-le")
    width = 4 * SHINGLE
    hashes = {zlib.crc32(data[i : i + width]) for i in range(0, len(data) - width + 4, 4)}
    return Sketch.of(key, heapq.nsmallest(SKETCH, hashes))


def similarity(a: Sketch, b: Sketch) -> float:
    """Estimated Jaccard similarity: the share of the union's bottom-k found in both sketches."""
    return _estimate(frozenset(a.hashes), frozenset(b.hashes))


def _estimate(a: frozenset[int], b: frozenset[int]) -> float:
    both = a & b
    if len(both) < THRESHOLD * min(len(a), len(b)) - 1:
        return len(both) / max(len(a), len(b))  # cannot reach the threshold: skip the exact estimate
    union = sorted(a | b)[:SKETCH]  # at most 2·SKETCH hashes: sorting them is quicker than heapq.nsmallest
    return sum(1 for h in union if h in both) / len(union)


def _buckets(sketches: dict[str, Sketch], only: set[int] | None = None) -> dict[int, list[str]]:
    """Smallest hash -> the keys whose sketch starts with it (for the hashes in `only`, if given)."""
    buckets: dict[int, list[str]] = defaultdict(list)
    for key, s in sketches.items():
        for h in s.head:
            if only is None or h in only:
                buckets[h].append(key)
    return buckets


def _link(pairs: set[tuple[str, str]], sketches: dict[str, Sketch], linked: dict[str, set[str]]) -> None:
    """Add to `linked` the candidate pairs that are near-identical."""
    sets = {k: frozenset(sketches[k].hashes) for k in {k for pair in pairs for k in pair}}
    for x, y in pairs:
        if x != y and _estimate(sets[x], sets[y]) >= THRESHOLD:
            linked[x].add(y)
            linked[y].add(x)


def _result(linked: dict[str, set[str]]) -> dict[str, tuple[str, ...]]:
    return {k: tuple(sorted(v)) for k, v in sorted(linked.items()) if v}


def near_duplicates(sketches: list[Sketch]) -> dict[str, tuple[str, ...]]:
    """key -> the other keys whose text is near-identical to it (sorted); keys without any are absent."""
    by_key = {s.key: s for s in sketches}
    pairs = {
        pair
        for members in _buckets(by_key).values()
        if 1 < len(members) <= MAX_BUCKET
        for pair in combinations(sorted(members), 2)
    }
    linked: dict[str, set[str]] = defaultdict(set)
    _link(pairs, by_key, linked)
    return _result(linked)


def update_near_duplicates(old: list[Sketch], old_linked: dict[str, tuple[str, ...]], new: list[Sketch]) -> dict[str, tuple[str, ...]]:
    """near_duplicates(new), computed from the result for `old` by revisiting only the pairs that a
    changed sketch can affect: those sharing a bucket whose members changed. Exactly the same result:
    a pair outside those buckets keeps its candidate buckets and its sketches."""
    old_by, new_by = {s.key: s for s in old}, {s.key: s for s in new}
    changed = {k for k in old_by.keys() | new_by.keys() if old_by.get(k) is not new_by.get(k) and old_by.get(k) != new_by.get(k)}
    if not changed:
        return old_linked
    if len(changed) * 10 > len(new_by):
        return near_duplicates(new)
    touched = {h for k in changed for s in (old_by.get(k), new_by.get(k)) if s for h in s.head}
    old_b, new_b = _buckets(old_by, touched), _buckets(new_by, touched)
    affected = {
        pair
        for h in touched
        for members in (old_b.get(h, []), new_b.get(h, []))
        if len(members) <= MAX_BUCKET
        for pair in combinations(sorted(members), 2)
    }
    # The buckets of every document in an affected pair decide whether it is still a candidate.
    new_b = _buckets(new_by, {h for pair in affected for k in pair if k in new_by for h in new_by[k].head})
    linked: dict[str, set[str]] = defaultdict(set)
    for k, others in old_linked.items():
        if k in new_by:
            linked[k].update(o for o in others if o in new_by and (min(k, o), max(k, o)) not in affected)
    candidates = {
        (x, y)
        for x, y in affected
        if x in new_by and y in new_by
        and any(y in new_b[h] and len(new_b[h]) <= MAX_BUCKET for h in new_by[x].head)
    }
    _link(candidates, new_by, linked)
    return _result(linked)
