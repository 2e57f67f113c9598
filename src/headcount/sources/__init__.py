"""Sources turn anything readable into Documents: files, directories, globs, stdin, URLs.

`load` never raises for bad input. Whatever cannot be read becomes a SourceError with a one-line
reason, and the run goes on with the next file, record or URL.
"""

from __future__ import annotations

import glob
import os
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from headcount.model import Document, SourceError
from headcount.sources import decoding, url
from headcount.sources.csvfile import read_csv
from headcount.sources.document import Kind, Unreadable
from headcount.sources.html import declared_charset, parse_html
from headcount.sources.jsonl import parse_json, parse_jsonl, read_jsonl
from headcount.sources.language import detect_language
from headcount.sources.text import parse_markdown, parse_text
from headcount.sources.warc import read_warc

__all__ = ["STDIN_ORIGIN", "SUFFIXES", "detect_language", "file_kind", "file_paths", "load"]

# File name endings and how each is read; any of them may also end in ".gz".
SUFFIXES: dict[str, Kind] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".warc": "warc",
}
_GLOB_CHARACTERS = frozenset("*?[")
STDIN_ORIGIN = "<stdin>"


@dataclass(frozen=True)
class _Options:
    published: date | None
    fetch_timeout: float
    max_bytes: int


def load(
    inputs: Iterable[str],
    published: date | None = None,
    *,
    fetch_timeout: float = 10.0,
    max_bytes: int = 20_000_000,
) -> Iterator[Document | SourceError]:
    """One Document per document found in inputs, or a SourceError for what cannot be read.

    Each input is a file, a directory (read recursively in name order, hidden files skipped), a
    glob pattern, "-" for stdin, or an http(s) URL. published is the publication date of
    documents that carry none. max_bytes limits each file, download and JSON Lines record.
    """
    if isinstance(inputs, str):
        # A lone string is an Iterable[str] too; iterating its characters is never meant.
        inputs = [inputs]
    options = _Options(published, fetch_timeout, max_bytes)
    for item in inputs:
        if item == "-":
            yield from _guarded(STDIN_ORIGIN, _load_stdin(options))
        elif url.is_url(item):
            yield from _guarded(item, _load_url(item, options))
        elif "://" in item:
            scheme = item.split("://", 1)[0]
            yield SourceError(item, f"unsupported URL scheme {scheme!r} (only http and https)")
        else:
            yield from _load_path(item, options)


def _guarded(
    origin: str, results: Iterator[Document | SourceError]
) -> Iterator[Document | SourceError]:
    """What results yields, until it raises: the error becomes a SourceError for origin.

    results must be a generator that has not started, so that even its first step runs here.
    """
    try:
        yield from results
    except Unreadable as error:
        yield SourceError(origin, str(error))
    except OSError as error:
        yield SourceError(origin, _os_reason(error))
    except (EOFError, zlib.error) as error:  # what gzip raises for a truncated or damaged file
        yield SourceError(origin, f"corrupt gzip file: {error or type(error).__name__}")
    except Exception as error:
        # The last line of defence: a bug met by one odd input must not end the whole run.
        yield SourceError(origin, f"unexpected error: {type(error).__name__}: {error}")


def _os_reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "no such file or directory"
    if isinstance(error, PermissionError):
        return "permission denied"
    return (error.strerror or str(error)).lower()


def _load_path(item: str, options: _Options) -> Iterator[Document | SourceError]:
    for path in file_paths(item):
        if isinstance(path, SourceError):
            yield path
        else:
            yield from _guarded(path, _load_file(Path(path), options))


def file_paths(item: str) -> Iterator[str | SourceError]:
    """The files an input path names, in the order `load` reads them: a file itself, every file
    of a directory (recursively, in name order, hidden ones skipped), or a glob's matches."""
    if os.path.isdir(item):
        yield from _directory_files(item)
    elif _GLOB_CHARACTERS.intersection(item) and not os.path.lexists(item):
        matches = sorted(glob.glob(item, recursive=True))
        if not matches:
            yield SourceError(item, "no files match this pattern")
        for match in matches:
            if os.path.isdir(match):
                yield from _directory_files(match)
            else:
                yield match
    else:
        yield item


def _directory_files(directory: str) -> Iterator[str | SourceError]:
    results = _walk(directory, set())
    first = next(results, None)
    if first is None:
        yield SourceError(directory, "no files in this directory")
        return
    yield first
    yield from results


def _walk(directory: str, seen: set[str]) -> Iterator[str | SourceError]:
    """Files under directory in path order, as `find | sort` lists them."""
    real = os.path.realpath(directory)
    if real in seen:  # a symbolic link back up the tree
        return
    seen.add(real)
    try:
        with os.scandir(directory) as listing:
            # Hidden entries are editor, VCS and OS clutter (.git, .DS_Store), never articles.
            entries = sorted(
                (entry for entry in listing if not entry.name.startswith(".")),
                key=lambda entry: entry.name,
            )
    except OSError as error:
        yield SourceError(directory, _os_reason(error))
        return
    for entry in entries:
        try:
            is_directory = entry.is_dir()
            if not is_directory:
                # Follows symbolic links, so a loop or a dangling link is reported here
                # as this entry's own problem, and the entries after it are still read.
                os.stat(entry.path)
        except OSError as error:
            yield SourceError(entry.path, _os_reason(error))
            continue
        if is_directory:
            yield from _walk(entry.path, seen)
        else:
            yield entry.path


def file_kind(path: Path) -> tuple[Kind | None, bool]:
    """(kind, gzip-compressed) for a file name; kind None means: decide by content."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    compressed = bool(suffixes) and suffixes[-1] == ".gz"
    if compressed:
        suffixes.pop()
    if not suffixes:
        if compressed:
            raise Unreadable("unsupported file type .gz (name the content too, as in .jsonl.gz)")
        return None, False
    kind = SUFFIXES.get(suffixes[-1])
    if kind is None:
        expected = ", ".join(SUFFIXES)
        raise Unreadable(f"unsupported file type {suffixes[-1]} (expected one of {expected})")
    return kind, compressed


def _load_file(path: Path, options: _Options) -> Iterator[Document | SourceError]:
    # A missing file is reported as missing whatever its name, and a FIFO or device is
    # refused before anything opens it (opening a FIFO would wait for a writer forever).
    decoding.regular_file(path)
    kind, compressed = file_kind(path)
    origin = str(path)
    if kind == "jsonl":
        yield from _stream_jsonl(path, compressed, options)
        return
    if kind == "csv":
        yield from read_csv(
            path, compressed=compressed, published=options.published, max_bytes=options.max_bytes
        )
        return
    if kind == "warc":
        # fastwarc finds out for itself whether the archive is compressed.
        yield from read_warc(path, published=options.published, max_bytes=options.max_bytes)
        return
    data = decoding.read_file(path, options.max_bytes, compressed=compressed)
    yield from _parse(data, kind, None, origin, None, options)


def _stream_jsonl(
    path: Path, compressed: bool, options: _Options
) -> Iterator[Document | SourceError]:
    # JSON Lines corpora run to gigabytes: they are streamed, and the size limit holds per line.
    with decoding.open_input(path, compressed) as stream:
        if decoding.looks_binary(stream.read(decoding.SNIFF_BYTES)):
            raise Unreadable("binary file, not text")
        stream.seek(0)
        yield from read_jsonl(
            stream, str(path), published=options.published, max_bytes=options.max_bytes
        )


def _load_stdin(options: _Options) -> Iterator[Document | SourceError]:
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        data = decoding.read_capped(buffer, options.max_bytes)
    else:
        # A text-only stream (as some test harnesses and notebooks install): already decoded.
        data = sys.stdin.read(options.max_bytes + 1).encode("utf-8")
        if len(data) > options.max_bytes:
            raise decoding.too_large(options.max_bytes)
    yield from _parse(data, None, None, STDIN_ORIGIN, None, options)


def _load_url(address: str, options: _Options) -> Iterator[Document | SourceError]:
    fetched = url.fetch(address, timeout=options.fetch_timeout, max_bytes=options.max_bytes)
    yield from _parse(fetched.body, fetched.kind, fetched.charset, address, fetched.url, options)


def _parse(
    data: bytes,
    kind: Kind | None,
    charset: str | None,
    origin: str,
    address: str | None,
    options: _Options,
) -> Iterator[Document | SourceError]:
    if kind in (None, "html") and charset is None:
        charset = declared_charset(data[:4096])
    text = decoding.decode(data, charset)
    kind = kind or _sniff(text)
    published = options.published
    if kind == "text":
        yield from parse_text(text, origin, published=published, url=address)
    elif kind == "markdown":
        yield from parse_markdown(text, origin, published=published, url=address)
    elif kind == "html":
        yield from parse_html(text, origin, published=published, url=address)
    elif kind == "json":
        yield from parse_json(text, origin, published=published, url=address)
    else:
        yield from parse_jsonl(text, origin, published=published, url=address)


def _sniff(text: str) -> Kind:
    """How to read text that came without a name or content type (stdin, a bare file name)."""
    opening = text.lstrip("\ufeff \t\r\n")[:200]
    if opening.startswith("<"):
        return "html"
    if opening.startswith("{"):
        return "json"  # parse_json falls back to JSON Lines by itself
    # "[" opens a JSON array, but also prose such as "[UPDATE] Acme cuts 300 jobs".
    if opening.startswith("[") and opening[1:].lstrip()[:1] in tuple('{["]-0123456789'):
        return "json"
    return "text"
