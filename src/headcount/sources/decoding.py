"""Bytes to text: size limits, binary rejection and encoding detection.

Every reason raised here is meant to be shown to the user as is.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import stat
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

from headcount.settings import DEFAULTS, current
from headcount.sources.document import Unreadable

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

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


@dataclass(frozen=True)
class Limits:
    """Bounds on what one hostile input can cost; each is set by an environment variable.

    inflate_ratio: a gzip file may decompress to at most this many times its own size (but
    always to min_inflated bytes): real text compresses 2-10 times, a zip bomb 1,000 times.
    json_depth: the deepest nesting of arrays and objects a JSON record may have.
    json_containers: the most arrays and objects one JSON text (a line, a file) may hold; each
    costs memory (an empty dict about 64 bytes), so a small line of "{}," would fill gigabytes.
    """

    inflate_ratio: int = DEFAULTS.max_inflate_ratio
    min_inflated: int = 1_000_000
    json_depth: int = DEFAULTS.max_json_depth
    json_containers: int = DEFAULTS.max_json_containers

    @classmethod
    def from_env(cls) -> Limits:
        """HEADCOUNT_MAX_INFLATE_RATIO, HEADCOUNT_MAX_JSON_DEPTH, HEADCOUNT_MAX_JSON_CONTAINERS;
        read on each call so a long-lived process (or a test) can change them."""
        settings = current("max_inflate_ratio", "max_json_depth", "max_json_containers")
        return cls(
            inflate_ratio=settings.max_inflate_ratio,
            json_depth=settings.max_json_depth,
            json_containers=settings.max_json_containers,
        )


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


def regular_file(path: str | os.PathLike[str]) -> os.stat_result:
    """The file's status; Unreadable unless it is a regular file (after symbolic links).

    Opening a FIFO blocks until something writes to it, and a device or socket never ends, so
    anything but a regular file is refused before it is opened.
    """
    status = os.stat(path)
    if not stat.S_ISREG(status.st_mode):
        if stat.S_ISDIR(status.st_mode):
            raise Unreadable("is a directory")
        raise Unreadable(f"not a regular file ({_file_type(status.st_mode)}), not read")
    return status


def _file_type(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


class _Inflating(io.RawIOBase):
    """A gzip file's content, refused (Unreadable) once it passes its bound: see Limits."""

    def __init__(self, path: Path, limit: int, ratio: int) -> None:
        super().__init__()
        self._file = gzip.open(path, "rb")  # noqa: SIM115 - closed by close(), with the wrapper
        self._limit = limit
        self._ratio = ratio
        self._out = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        count = self._file.readinto(buffer)
        self._out += count
        if self._out > self._limit:
            raise Unreadable(
                f"decompresses to more than {size_text(self._limit)} ({self._ratio} times its "
                "size): refused as a likely zip bomb (HEADCOUNT_MAX_INFLATE_RATIO raises it)"
            )
        return count

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        # Only rewinding is used (after sniffing the first bytes); gzip replays from the start.
        position = self._file.seek(offset, whence)
        self._out = position
        return position

    def tell(self) -> int:
        return self._file.tell()

    def close(self) -> None:
        self._file.close()
        super().close()


def open_input(path: Path, compressed: bool, limits: Limits | None = None) -> BinaryIO:
    """A file opened for reading bytes: a regular file only, gunzipped when compressed, and
    then bounded in what it may decompress to (Unreadable past it, like any bad input)."""
    status = regular_file(path)
    if not compressed:
        return path.open("rb")
    limits = limits or Limits.from_env()
    limit = max(limits.min_inflated, limits.inflate_ratio * status.st_size)
    return io.BufferedReader(_Inflating(path, limit, limits.inflate_ratio))


def read_file(path: Path, max_bytes: int, *, compressed: bool = False) -> bytes:
    """The bytes of a file (gunzipped when compressed), refusing a too large one before reading."""
    if compressed:
        try:
            with open_input(path, compressed=True) as stream:
                return read_capped(stream, max_bytes)
        except (gzip.BadGzipFile, EOFError, zlib.error) as error:
            raise Unreadable(f"corrupt gzip file: {error}") from None
    size = regular_file(path).st_size
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
