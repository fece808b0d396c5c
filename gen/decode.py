"""Bytes → text: the encodings seeds arrive in, tried in a fixed order, and hygiene; pure.

The order, and why:

1. Known binary formats (images, PDFs, archives …) are refused by their magic numbers.
2. A byte-order mark decides (UTF-8, UTF-16, UTF-32); the mark is dropped.
3. UTF-16 without a mark shows as NUL bytes on every other position.
4. Strict UTF-8: valid UTF-8 is almost never anything else.
5. Strict GB18030, a superset of GBK and GB2312, *if the result reads as Chinese*: Big5, Shift-JIS
   and UTF-16 bytes are very often valid GB18030 too, and then decode to private-use and rare
   characters (`garbled_share`). Then UTF-8 or GB18030 cut off inside the last character.
6. chardet (7.x), only now: on short GBK snippets every detector guesses wrong too often to go
   first (see tests/test_decode.py), but for Big5, Japanese and Korean it is the best we have. Its
   guess is taken when its confidence reaches DETECTOR_FLOOR, the bytes decode strictly and the
   result reads as text.
7. Nearly UTF-8 or GB18030 (a few damaged bytes in a longer text): decoded with U+FFFD
   for what is lost, and a warning saying where.
8. Anything else is quarantined: DecodeError says what was tried and why it was refused.

The text that comes out always has LF line endings and has been through hygiene.scrub().
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

import chardet

from gen import hygiene
from gen.clean import normalise_newlines

# File signatures: (magic bytes, offset, what the file is). Checked before anything else.
MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "a PNG image"),
    (b"\xff\xd8\xff", 0, "a JPEG image"),
    (b"GIF87a", 0, "a GIF image"),
    (b"GIF89a", 0, "a GIF image"),
    (b"II*\x00", 0, "a TIFF image"),
    (b"MM\x00*", 0, "a TIFF image"),
    (b"RIFF", 0, "a RIFF media file (WebP, WAV, AVI)"),
    (b"ftyp", 4, "an MP4/MOV/HEIC media file"),
    (b"ID3", 0, "an MP3 file"),
    (b"OggS", 0, "an Ogg media file"),
    (b"fLaC", 0, "a FLAC audio file"),
    (b"%PDF-", 0, "a PDF document"),
    (b"{\\rtf", 0, "an RTF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "an old Microsoft Office document"),
    (b"PK\x03\x04", 0, "a ZIP archive (or a DOCX/XLSX/EPUB file)"),
    (b"PK\x05\x06", 0, "an empty ZIP archive"),
    (b"\x1f\x8b", 0, "a gzip archive"),
    (b"BZh", 0, "a bzip2 archive"),
    (b"\xfd7zXZ\x00", 0, "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "a 7-Zip archive"),
    (b"Rar!\x1a\x07", 0, "a RAR archive"),
    (b"\x7fELF", 0, "an executable"),
    (b"SQLite format 3\x00", 0, "an SQLite database"),
    (b"\x00asm", 0, "a WebAssembly module"),
    (b"wOFF", 0, "a web font"),
    (b"wOF2", 0, "a web font"),
)

# Byte-order marks and the codec each one announces. UTF-32 first: its LE mark starts like UTF-16's.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Bytes examined for UTF-16 without a mark: ASCII characters in UTF-16 put a NUL on one side.
UTF16_SAMPLE = 4096
UTF16_NUL_SIDE, UTF16_NUL_OTHER = 0.3, 0.02

# A decoding whose non-ASCII characters are more than this share private-use, unassigned, control
# or rare CJK characters is not believed. Measured: real GBK text 0–2 %, Big5 read as GB18030 ≥ 40 %.
GARBLED_MAX = 0.15
# chardet 7 confidence below which its guess is not taken. Its right answers on 12-character Big5
# snippets score 0.06–0.6, its guesses on random bytes 0.01–0.04 (tests/test_decode.py measures).
DETECTOR_FLOOR = 0.05
DETECTOR_BYTES = 200_000
# Codecs tried, in order, for some of chardet's answers: the superset first, so that bytes beyond the
# detector's window still decode. Big5 has no clean superset (Python's big5hkscs maps 249 Big5
# codes differently; cp950 11), so plain Big5 goes first.
CODEC_CHOICES = {
    "gb2312": ("gb18030",), "gbk": ("gb18030",), "ascii": ("utf-8",),
    "big5": ("big5", "cp950", "big5hkscs"), "cp950": ("cp950", "big5", "big5hkscs"), "big5hkscs": ("big5hkscs", "cp950", "big5"),
    "shift_jis": ("cp932", "shift_jis"), "euc_kr": ("cp949", "euc_kr"), "latin-1": ("cp1252", "latin-1"), "iso8859-1": ("cp1252", "latin-1"),
}
# The encodings chardet may answer: those of Chinese, Japanese and Korean text, UTF-16/32 and
# Western European. Single-byte codecs for other scripts (Thai, Greek, Cyrillic …) decode any
# bytes at all into letters, so a guess among them would turn damaged Chinese text into nonsense.
DETECTOR_ENCODINGS = (
    "big5hkscs", "gb18030", "cp932", "shift_jis_2004", "euc_jis_2004", "cp949", "euc_kr",
    "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "cp1252", "iso8859-1", "iso8859-15",
)
# Western single-byte guesses are believed only for text that reads as Western: most letters ASCII
# (Chinese bytes read as Windows-1252 are all accented letters: "Ê¯¾°É½Çø").
WESTERN = frozenset({"cp1252", "latin-1", "iso8859-15", "iso8859-1"})
WESTERN_ACCENTED_MAX = 0.3
# UTF-16 without a mark and without ASCII is believed when this share of it is everyday Chinese.
UTF16_CHINESE_MIN = 0.9
# Damaged files: at most this many undecodable byte sequences, and at most one per this many
# characters, are replaced by U+FFFD and reported; more and the file is quarantined.
NEAR_MISS_CODECS = ("utf-8", "gb18030")
# A text shorter than NEAR_MISS_MIN_CHARS gets no such allowance: a few bytes say nothing.
NEAR_MISS_MAX, NEAR_MISS_SHARE, NEAR_MISS_MIN_CHARS = 8, 0.005, 40
# A text is binary data when more than this share of its characters are control characters (and
# there are more than a few of them: a short note with a stray NUL is still text).
BINARY_CONTROL_SHARE, BINARY_CONTROL_MIN = 0.05, 16

QUARANTINE = "quarantined: convert it to UTF-8 and add it again"


class DecodeError(ValueError):
    """The bytes are not text in any encoding we accept; the message says what was tried."""


@dataclass(frozen=True)
class Decoded:
    """A seed's text and how it was found."""

    text: str  # LF line endings, scrubbed (hygiene.scrub)
    encoding: str  # codec the bytes were decoded with, e.g. "utf-8", "utf-8-sig", "gb18030", "big5hkscs"
    confidence: float | None = None  # the detector's confidence when a detector chose the codec; None when a rule did
    warnings: tuple[str, ...] = ()  # damage worth a person's look: removed controls, U+FFFD, mojibake


def decode(data: bytes) -> tuple[str, str]:
    """(text with LF line endings, codec name); raise DecodeError saying why not."""
    decoded = decode_bytes(data)
    return decoded.text, decoded.encoding


def decode_bytes(data: bytes) -> Decoded:
    """Decode a seed's bytes (see the module docstring for the order); raise DecodeError saying why not."""
    if not data:
        raise DecodeError("is empty")
    what = sniff_binary(data)
    if what:
        raise DecodeError(f"is {what}, not text; quarantined")
    text, encoding, confidence, notes = _decode(data)
    share = hygiene.control_share(text)
    if share > BINARY_CONTROL_SHARE and share * min(len(text), hygiene.SAMPLE) > BINARY_CONTROL_MIN:
        raise DecodeError(f"is binary data, not text ({share:.0%} control characters as {encoding}); quarantined")
    text = normalise_newlines(text)
    scrubbed = hygiene.scrub(text)
    if not scrubbed.text.strip():
        raise DecodeError(f"has no text, only white space or invisible characters (decoded as {encoding}); quarantined")
    damage = hygiene.damage(scrubbed.text)
    if notes:  # a near miss already said where the U+FFFD came from
        damage = [w for w in damage if "U+FFFD" not in w]
    warnings = (*notes, *hygiene.removed_warning(text, scrubbed.removed), *damage)
    return Decoded(scrubbed.text, encoding, confidence, tuple(warnings))


def sniff_binary(data: bytes) -> str | None:
    """What known binary format the bytes are in ("a PNG image"), or None."""
    for magic, offset, what in MAGIC:
        if data.startswith(magic, offset):
            return what
    return None


def _decode(data: bytes) -> tuple[str, str, float | None, tuple[str, ...]]:
    """(text, codec, detector confidence or None, warnings) by the first rule that applies."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec).lstrip("\ufeff"), codec, None, ()
            except UnicodeDecodeError as exc:
                raise DecodeError(f"starts with a {codec} byte-order mark but is not valid {codec}: {exc.reason} at byte {exc.start}; quarantined") from None
    if (codec := _utf16_without_bom(data)) and (text := _strict(data, codec)) is not None:
        return text, codec, None, ()
    if (text := _strict(data, "utf-8")) is not None:
        return text, "utf-8", None, ()
    gb = _strict(data, "gb18030")
    gb_garbled = hygiene.garbled_share(gb) if gb is not None else None
    if gb is not None and gb_garbled <= GARBLED_MAX:
        return gb, "gb18030", None, ()
    for codec in ("utf-8", "gb18030"):
        if found := _truncated(data, codec):
            return found
    if guess := detect(data):
        return (*guess, ())
    if found := _utf16_chinese(data):
        return found
    if found := _near_miss(data):
        return found
    tried = "is not UTF-8"
    tried += f", reads as nonsense in GB18030 ({gb_garbled:.0%} rare or private-use characters)" if gb is not None else " or GB18030"
    found = _chardet(data)
    if found["encoding"] is None:
        raise DecodeError(f"{tried}, and looks like binary data, not text; {QUARANTINE}")
    guess = f"the detector's best guess ({found['encoding']}, confidence {found['confidence']:.2f})"
    why = f"is below the floor of {DETECTOR_FLOOR}" if found["confidence"] < DETECTOR_FLOOR else "does not decode to readable text"
    raise DecodeError(f"{tried}, and {guess} {why}; {QUARANTINE}")


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when NUL bytes sit on one side only, as ASCII text in UTF-16 puts them."""
    sample = data[:UTF16_SAMPLE]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2], sample[1::2]
    share_even, share_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if share_odd >= UTF16_NUL_SIDE and share_even <= UTF16_NUL_OTHER:
        return "utf-16-le"
    if share_even >= UTF16_NUL_SIDE and share_odd <= UTF16_NUL_OTHER:
        return "utf-16-be"
    return None


def _chardet(data: bytes) -> dict:
    return chardet.detect(data, max_bytes=DETECTOR_BYTES, prefer_superset=True, include_encodings=DETECTOR_ENCODINGS)


def detect(data: bytes) -> tuple[str, str, float] | None:
    """(text, codec, confidence) from chardet's guess, if it is confident enough and reads as text."""
    found = _chardet(data)
    name, confidence = found["encoding"], float(found["confidence"] or 0.0)
    if not name or confidence < DETECTOR_FLOOR:
        return None
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    for codec in CODEC_CHOICES.get(codec, (codec,)):
        text = _strict(data, codec)
        if text is not None:
            break
    if text is None or hygiene.garbled_share(text) > GARBLED_MAX:
        return None
    if codec in WESTERN and hygiene.accented_share(text) > WESTERN_ACCENTED_MAX:
        return None
    return text, codec, round(confidence, 2)


def _truncated(data: bytes, codec: str) -> tuple[str, str, None, tuple[str, ...]] | None:
    """Text cut off in the middle of its last character: the rest, and a warning."""
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        text = decoder.decode(data, final=False)
    except UnicodeDecodeError:
        return None
    cut = len(decoder.getstate()[0])  # the bytes of an unfinished last character
    if not cut or not text.strip() or hygiene.garbled_share(text) > GARBLED_MAX:
        return None
    note = f"ends in the middle of a {codec} character (the file was cut off); the last {cut} byte{'s' if cut > 1 else ''} dropped"
    return text, codec, None, (note,)


def _utf16_chinese(data: bytes) -> tuple[str, str, None, tuple[str, ...]] | None:
    """UTF-16 without a mark and without ASCII (so no NUL bytes), recognised by reading as everyday Chinese."""
    if len(data) % 2:
        return None
    for codec in ("utf-16-le", "utf-16-be"):
        text = _strict(data, codec)
        if text is not None and hygiene.chinese_share(text) >= UTF16_CHINESE_MIN:
            return text, codec, None, ()
    return None


def _near_miss(data: bytes) -> tuple[str, str, None, tuple[str, ...]] | None:
    """UTF-8 or GB18030 text with a few damaged bytes, the damage replaced by U+FFFD and reported."""
    best = None
    for codec in NEAR_MISS_CODECS:
        text = data.decode(codec, errors="replace")
        lost = text.count(hygiene.REPLACEMENT) - data.count(hygiene.REPLACEMENT.encode(codec))
        allowed = min(NEAR_MISS_MAX, max(1, NEAR_MISS_SHARE * len(text))) if len(text) >= NEAR_MISS_MIN_CHARS else 0
        if 0 < lost <= allowed and hygiene.garbled_share(text) <= GARBLED_MAX:
            if best is None or lost < best[0]:
                best = (lost, text, codec)
    if best is None:
        return None
    lost, text, codec = best
    first = text.find(hygiene.REPLACEMENT)
    line = text.count("\n", 0, first) + 1
    note = (f"is not valid {codec}: {lost} damaged byte sequence{'s' if lost > 1 else ''} replaced by U+FFFD, "
            f"first at line {line}; the rest decoded as {codec}")
    return text, codec, None, (note,)
