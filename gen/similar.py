"""Near-identical documents (the same wire story reposted by several districts); pure.

Each text becomes a bottom-k sketch: the k smallest hashes of its character 5-grams (punctuation
and spaces removed). Two texts whose sketches share a hash among their few smallest are candidates;
a candidate pair whose estimated Jaccard similarity reaches THRESHOLD is near-identical. One hash per
shingle (zlib.crc32, in C) keeps it linear in the text; candidates keep it far from quadratic.
"""

from __future__ import annotations

import heapq
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
    """The bottom-k hashes of one text."""

    key: str
    hashes: tuple[int, ...]  # sorted ascending


def sketch(key: str, text: str) -> Sketch | None:
    """The sketch of a text, or None when it is too short to compare."""
    flat = _NOT_WORD.sub("", text.lower())
    if len(flat) < MIN_CHARS:
        return None
    # Fixed-width code units, so a shingle is a plain byte slice (no per-shingle encoding).
    data = flat.encode("utf-32-le")
    width = 4 * SHINGLE
    hashes = {zlib.crc32(data[i : i + width]) for i in range(0, len(data) - width + 4, 4)}
    return Sketch(key, tuple(heapq.nsmallest(SKETCH, hashes)))


def similarity(a: Sketch, b: Sketch) -> float:
    """Estimated Jaccard similarity: the share of the union's bottom-k found in both sketches."""
    return _estimate(frozenset(a.hashes), frozenset(b.hashes))


def _estimate(a: frozenset[int], b: frozenset[int]) -> float:
    both = a & b
    if len(both) < THRESHOLD * min(len(a), len(b)) - 1:
        return len(both) / max(len(a), len(b))  # cannot reach the threshold: skip the exact estimate
    union = heapq.nsmallest(SKETCH, a | b)
    return sum(1 for h in union if h in both) / len(union)


def near_duplicates(sketches: list[Sketch]) -> dict[str, tuple[str, ...]]:
    """key -> the other keys whose text is near-identical to it (sorted); keys without any are absent."""
    buckets: dict[int, list[int]] = defaultdict(list)
    for i, s in enumerate(sketches):
        for h in s.hashes[:BUCKET_BY]:
            buckets[h].append(i)
    pairs = {pair for members in buckets.values() if 1 < len(members) <= MAX_BUCKET for pair in combinations(members, 2)}
    linked: dict[str, set[str]] = defaultdict(set)
    sets = {i: frozenset(sketches[i].hashes) for i in {i for pair in pairs for i in pair}}
    for x, y in sorted(pairs):
        a, b = sketches[x], sketches[y]
        if a.key != b.key and _estimate(sets[x], sets[y]) >= THRESHOLD:
            linked[a.key].add(b.key)
            linked[b.key].add(a.key)
    return {k: tuple(sorted(v)) for k, v in sorted(linked.items())}
