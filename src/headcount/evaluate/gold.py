"""Reading gold files and the documents they annotate (see ../shared/eval/README.md)."""

from __future__ import annotations

import gzip
import html
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from headcount.model import Document, SourceError
from headcount.sources.document import build_document
from headcount.sources.jsonl import parse_date


@dataclass(frozen=True)
class GoldDocument:
    doc: str
    document: Document
    events: list[dict[str, Any]]


class GoldError(ValueError):
    pass


@lru_cache(maxsize=8)
def _corpus(path: Path) -> dict[str, dict[str, Any]]:
    """A JSONL corpus, gzipped or plain, indexed by document id (BBC and web `id`, Reuters
    `attrs.newid`)."""
    index: dict[str, dict[str, Any]] = {}
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            key = row.get("id") or row.get("attrs", {}).get("newid")
            if key is not None:
                index[str(key)] = row
    return index


def compose_text(title: str | None, body: str) -> str:
    """Headline, blank line, body: the shape every source gives a news document."""
    body = html.unescape(body).strip()
    title = html.unescape(title or "").strip()
    if title and not body.startswith(title):
        return f"{title}\n\n{body}"
    return body


def _record_for(doc: str, source: Path) -> dict[str, Any]:
    key = doc.partition(":")[2]
    row = _corpus(source).get(key)
    if row is None:
        raise GoldError(f"{doc}: not found in {source}")
    return row


def _text_for(doc: str, source: Path) -> str:
    if doc.startswith("seed:") or source.suffix == ".txt":
        return source.read_text(encoding="utf-8")
    row = _record_for(doc, source)
    return compose_text(row.get("title"), row.get("text") or row.get("body") or "")


def _web_document(doc: str, source: Path, published: date | None) -> Document:
    """A web page built exactly as `headcount ingest` builds a JSON Lines record, so that the
    eval scores the text a user's run reads (headline placement, cleaning, language)."""
    row = _record_for(doc, source)
    built = build_document(
        row.get("text") or "", doc, title=row.get("title"), url=row.get("url"), published=published
    )
    if isinstance(built, SourceError):
        raise GoldError(f"{doc}: {built.reason}")
    return built


def load_gold(path: str | Path) -> Iterator[GoldDocument]:
    """Gold documents with their texts; `source_file` is relative to the shared folder that
    holds the gold file's folder (../shared/eval/x.jsonl -> ../shared/)."""
    path = Path(path)
    shared = path.resolve().parent.parent
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                source = shared / row["source_file"]
                # As ingest reads it: a month-only date ("2024-03") gives no calendar day.
                published = parse_date(row["published"]) if row.get("published") else None
                if source.suffix == ".jsonl":
                    document = _web_document(row["doc"], source, published)
                else:
                    text = _text_for(row["doc"], source)
                    document = Document.create(
                        text, row["doc"], published_at=published, language="en"
                    )
            except (json.JSONDecodeError, KeyError, OSError, ValueError) as exc:
                raise GoldError(f"{path}:{number}: {exc}") from exc
            yield GoldDocument(row["doc"], document, list(row.get("events") or []))
