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

from headcount.model import Document


@dataclass(frozen=True)
class GoldDocument:
    doc: str
    document: Document
    events: list[dict[str, Any]]


class GoldError(ValueError):
    pass


@lru_cache(maxsize=8)
def _corpus(path: Path) -> dict[str, dict[str, Any]]:
    """A gzipped JSONL corpus indexed by document id (BBC `id`, Reuters `attrs.newid`)."""
    index: dict[str, dict[str, Any]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
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


def _text_for(doc: str, source: Path) -> str:
    prefix, _, key = doc.partition(":")
    if prefix == "seed" or source.suffix == ".txt":
        return source.read_text(encoding="utf-8")
    row = _corpus(source).get(key)
    if row is None:
        raise GoldError(f"{doc}: not found in {source}")
    return compose_text(row.get("title"), row.get("text") or row.get("body") or "")


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
                text = _text_for(row["doc"], source)
            except (json.JSONDecodeError, KeyError, OSError) as exc:
                raise GoldError(f"{path}:{number}: {exc}") from exc
            published = date.fromisoformat(row["published"]) if row.get("published") else None
            document = Document.create(text, row["doc"], published_at=published, language="en")
            yield GoldDocument(row["doc"], document, list(row.get("events") or []))
