"""Bytes → text: the encodings seeds arrive in, tried strictly in a fixed order; pure."""

from __future__ import annotations

import codecs

from gen.clean import normalise_newlines

# Byte-order marks and the codec each one announces. UTF-32 first: its LE mark starts like UTF-16's.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Without a BOM: strict UTF-8, then GB18030 (a superset of GBK and GB2312). Big5 is rarely valid
# GB18030 by accident, but GB18030 accepts almost any byte string, so the order matters.
FALLBACKS: tuple[str, ...] = ("utf-8", "gb18030")


class DecodeError(ValueError):
    """The bytes are not text in any encoding we accept."""


def decode(data: bytes) -> tuple[str, str]:
    """(text with LF line endings, codec name); raise DecodeError saying why."""
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if not data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
            raise DecodeError("contains NUL bytes: a binary file, not text")
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise DecodeError(f"starts with a {codec} byte-order mark but is not valid {codec}: {exc.reason} at byte {exc.start}") from None
            return normalise_newlines(text.lstrip("\ufeff")), codec
    for codec in FALLBACKS:
        try:
            return normalise_newlines(data.decode(codec)), codec
        except UnicodeDecodeError:
            continue
    raise DecodeError("is neither UTF-8 nor GB18030 text")
