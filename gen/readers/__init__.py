"""Readers, one per input kind; sniffing the content (never the file name) picks the reader."""

from __future__ import annotations

from types import ModuleType

from gen.model import Reading, Seed
from gen.readers import day, html, newspaper, wire

# Tried in order; the first whose looks_like() accepts the text reads it. wire accepts anything.
# day first: it takes only text that parses as a JSON object with a story list, which no other kind is.
READERS: tuple[ModuleType, ...] = (day, newspaper, html, wire)


def pick_reader(text: str) -> ModuleType:
    """The reader module for this text."""
    for reader in READERS:
        if reader.looks_like(text):
            return reader
    return wire


def read_seed(seed: Seed) -> Reading:
    """Read a decoded seed with the reader its content calls for."""
    return pick_reader(seed.text).read(seed)
