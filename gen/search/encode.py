"""Byte-level helpers shared with worker.js: unsigned LEB128 varints and the bucket hash."""

from __future__ import annotations


def put_varint(buf: bytearray, value: int) -> None:
    """Append one unsigned varint (7 bits a byte, high bit = more follows)."""
    while value >= 0x80:
        buf.append((value & 0x7F) | 0x80)
        value >>= 7
    buf.append(value)


def put_deltas(buf: bytearray, positions: list[int]) -> None:
    """Append sorted positions as varints: the first as is, then the gaps."""
    prev = 0
    small = True
    gaps = []
    for p in positions:
        gap = p - prev
        prev = p
        gaps.append(gap)
        if gap >= 0x80:
            small = False
    if small:
        buf += bytes(gaps)
    else:
        for gap in gaps:
            put_varint(buf, gap)


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """(value, next position) of the varint at `pos`."""
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


ONE_BYTE = [bytes((value,)) for value in range(0x80)]  # the varints of one byte


def varint(value: int) -> bytes:
    """One unsigned varint as bytes (put_varint's encoding)."""
    if value < 0x80:
        return ONE_BYTE[value]
    buf = bytearray()
    put_varint(buf, value)
    return bytes(buf)


def bucket_of(key: str, buckets: int) -> int:
    """FNV-1a (32 bit) of the key's UTF-8 bytes, modulo the number of buckets."""
    return fnv1a(key.encode("utf-8")) % buckets


def fnv1a(data: bytes) -> int:
    """FNV-1a, 32 bit (worker.js hashes a query's keys the same way)."""
    h = 0x811C9DC5
    for byte in data:
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h
