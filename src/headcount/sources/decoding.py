"""Bytes to text: size limits, binary rejection and encoding detection.

Every reason raised here is meant to be shown to the user as is.
"""

from __future__ import annotations

import codecs
import gzip
import zlib
from pathlib import Path
from typing import Protocol

from headcount.sources.document import Unreadable

# A binary file gives itself away in its first few kilobytes; scanning more only costs time.
SNIFF_BYTES = 8192
# Real text has almost no control bytes; PDFs, images and archives are full of them.
_BINARY_CONTROL_SHARE = 0.10
# Bytes that plain text is made of: printable ASCII, tab, line ends, form feed, backspace,
# escape, and everything above 0x7f (encoded letters in UTF-8 and the 8-bit code pages).
_TEXT_BYTES = bytes([8, 9, 10, 12, 13, 27, *range(32, 127), *range(128, 256)])
_ASCII_BYTES = bytes(range(128))
# When a file is not valid UTF-8 but nearly all of its non-ASCII bytes form valid sequences,
# it is UTF-8 with a few damaged bytes; decoding it as cp1252 would garble every other letter.
_DAMAGED_UTF8_SHARE = 0.1
# Browsers read pages labelled Latin-1 or ASCII as cp1252 (WHATWG Encoding), and so do writers.
_CP1252_LABELS = frozenset({"ascii", "iso8859-1", "latin-1"})


class Readable(Protocol):
    """Anything bytes can be read from: a file, a gzip stream, an HTTP response, stdin."""

    def read(self, size: int, /) -> bytes: ...


def size_text(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def too_large(limit: int, size: int | None = None) -> Unreadable:
    """The error for input over limit bytes; size when it is known before reading."""
    if size is None:
        return Unreadable(f"too large: more than {size_text(limit)} limit")
    return Unreadable(f"too large: {size_text(size)} > {size_text(limit)} limit")


def read_capped(stream: Readable, max_bytes: int) -> bytes:
    """All of stream, refused once it passes max_bytes (holding at most one byte more)."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    return data


def read_file(path: Path, max_bytes: int, *, compressed: bool = False) -> bytes:
    """The bytes of a file (gunzipped when compressed), refusing a too large one before reading."""
    if compressed:
        try:
            with gzip.open(path, "rb") as stream:
                return read_capped(stream, max_bytes)
        except (gzip.BadGzipFile, EOFError, zlib.error) as error:
            raise Unreadable(f"corrupt gzip file: {error}") from None
    size = path.stat().st_size
    if size > max_bytes:
        raise too_large(max_bytes, size)
    with path.open("rb") as stream:
        # The file can grow between stat and read; the cap still holds.
        return read_capped(stream, max_bytes)


def looks_binary(head: bytes) -> bool:
    """Whether the opening bytes of a file are not text (NUL bytes or many control bytes)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    controls = len(head.translate(None, _TEXT_BYTES))
    return controls > _BINARY_CONTROL_SHARE * len(head)


def decode(data: bytes, declared: str | None = None) -> str:
    """Text of data: in its declared encoding if that fits, else UTF-8, else cp1252/Latin-1.

    Raises Unreadable for binary data and for data with no visible text.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    elif looks_binary(data[:SNIFF_BYTES]):
        raise Unreadable("binary file, not text")
    else:
        text = _decode_8bit(data, declared)
    if not text.strip():
        raise Unreadable("empty document")
    return text


def _decode_8bit(data: bytes, declared: str | None) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if declared:
        try:
            name = codecs.lookup(declared).name
            return data.decode("cp1252" if name in _CP1252_LABELS else name)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown label is common; the content decides below
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    damaged = data.decode("utf-8", errors="replace")
    non_ascii = len(data.translate(None, _ASCII_BYTES))
    if damaged.count("\ufffd") <= _DAMAGED_UTF8_SHARE * non_ascii:
        return damaged
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; Latin-1 maps every byte to a character, so
        # nothing is lost even for text in some other 8-bit code page.
        return data.decode("latin-1")
