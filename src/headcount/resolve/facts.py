"""What resolving needs to know about each claim: its registry company, its dates, its figure.

`claims_for()` matches each claim's employer to the company registry (teaching the registry
what records say about their employer) and wraps it as ClaimFacts, which the ledger and the
placement rules (cluster.py) read.
"""

from __future__ import annotations

from collections.abc import Iterable

from headcount.model import RECORD_KINDS, ClaimSource, Mention
from headcount.periods import Span, iso, precision_of, span
from headcount.resolve.figures import mention_figure
from headcount.resolve.registry import Registry
from headcount.resolve.windows import around, before_publication, past_window, publication_window


class ClaimFacts:
    """A mention with what resolving it needs: its document, its company, its dates."""

    def __init__(
        self,
        mention: Mention,
        source: ClaimSource,
        company_id: str | None,
        family_id: str | None,
    ) -> None:
        self.mention = mention
        self.source = source
        self.id = mention.id
        self.company_id = company_id
        self.family_id = family_id
        self.kind = mention.kind
        self.structured = source.source_kind in RECORD_KINDS
        self.warn = source.source_kind == "warn"
        file, _, row = source.origin.rpartition("#row=")
        self.file = file if row.isdigit() else source.origin
        self.row = int(row) if row.isdigit() else 0
        published = span(source.published_at)
        self.published = published[0] if published else None
        own = span(mention.date)
        self.precision = mention.date_precision or precision_of(mention.date or "")
        # The extractor dates a claim by its article when the text gives no date of its own:
        # the layoff was then announced on or before that day, not on it.
        self.dated_by_publication = not self.structured and (
            own is None or (mention.date == source.published_at and own[0] == own[1])
        )
        if self.dated_by_publication and self.published is not None:
            self.span: Span | None = before_publication(self.published)
            self.nominal: int | None = self.published
        else:
            self.span = own
            self.nominal = (own[0] + own[1]) // 2 if own else None
        self.figure = mention_figure(mention)
        self.seen = source.seen_at or ""
        # Rows of one import share their file and the time it was imported.
        self.batch = (self.file, self.seen)
        if self.structured:
            self.rank = 0 if not self.warn else 1
        elif self.kind == "new":
            self.rank = 3 if self.dated_by_publication else 2
        else:
            self.rank = 4

    def window(self) -> Span | None:
        """The days an event may be on to be this claim's layoff."""
        if self.span is None:
            return None
        if self.dated_by_publication:
            return publication_window(self.span)
        return around(self.span, self.precision)

    def past_window(self) -> Span | None:
        """The days an earlier event may be on to be the past round this claim cites."""
        published = self.published if self.published is not None else self.nominal
        own = None if self.dated_by_publication else self.span
        return past_window(own, self.precision, published)

    def describe_date(self) -> str:
        if self.dated_by_publication and self.published is not None:
            return f"published {iso(self.published)}"
        return self.mention.date or "undated"

    def where(self) -> str:
        """Where a record came from, in words: "row 12 of layoffs.csv"."""
        return f"row {self.row} of {self.file}" if self.row else self.source.origin


def claims_for(
    pairs: Iterable[tuple[Mention, ClaimSource]], registry: Registry
) -> list[ClaimFacts]:
    """Claims with their registry companies: the fullest name a source gives, else its
    canonical, else the employer as written. Records also teach the registry their
    employer's industry, country and (from a headcount with its share) workforce."""
    claims = []
    for mention, source in pairs:
        company_id = None
        for name in (mention.company, mention.canonical, mention.employer_text):
            if name and name.strip():
                company_id = registry.resolve(
                    name,
                    source.outlet or source.source_kind,
                    clean=source.source_kind == "table",
                )
                if company_id:
                    break
        family = registry.family(company_id) if company_id else None
        if company_id and source.source_kind in RECORD_KINDS:
            registry.note_facts(company_id, source.industry, source.country)
            if (
                mention.headcount_min is not None
                and mention.percent is not None
                and mention.date
                and source.source_kind == "table"
            ):
                registry.note_workforce(
                    company_id,
                    mention.headcount_min,
                    mention.percent,
                    mention.date,
                    source.outlet or "table",
                )
        claims.append(ClaimFacts(mention, source, company_id, family))
    return claims
