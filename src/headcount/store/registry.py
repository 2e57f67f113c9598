"""The company registry as stored: companies, their parents and every alias they go by."""

from __future__ import annotations

from collections.abc import Sequence

from headcount.model import Company
from headcount.store.core import StoreCore
from headcount.store.rows import COMPANIES, COMPANY_COLUMNS
from headcount.store.sql import now_iso

#: An alias row: (key, company id, alias as written, how it was matched).
AliasRow = tuple[str, str, str, str]


def _add_alias(company: Company, alias: str) -> None:
    if alias not in company.aliases and alias != company.name:
        company.aliases.append(alias)


class RegistryStore(StoreCore):
    """Reads and writes of the company registry."""

    def companies(self) -> tuple[list[Company], list[AliasRow]]:
        """Every registry company (aliases filled in) and every alias row (key, company id,
        alias as written, how it was matched)."""
        companies = {
            company.id: company for company in self._companies(f"ORDER BY {self._binary('id')}", ())
        }
        aliases: list[AliasRow] = []
        for key, company_id, alias, how in self._fetchall(
            "SELECT key, company_id, alias, how FROM company_aliases "
            f"ORDER BY {self._binary('key')}"
        ):
            aliases.append((key, company_id, alias, how))
            company = companies.get(company_id)
            if company is not None:
                _add_alias(company, alias)
        return list(companies.values()), aliases

    def save_companies(self, companies: Sequence[Company], aliases: Sequence[AliasRow]) -> None:
        """Insert or update companies (parents before children) and add alias rows."""
        if not companies and not aliases:
            return
        updates = ", ".join(f"{c} = excluded.{c}" for c in COMPANY_COLUMNS[1:])
        at = now_iso()
        with self.transaction():
            if companies:
                self._executemany(
                    f"INSERT INTO companies ({COMPANIES.select()}, updated_at) "
                    f"VALUES ({', '.join('?' * (len(COMPANY_COLUMNS) + 1))}) "
                    f"ON CONFLICT (id) DO UPDATE SET {updates}, updated_at = excluded.updated_at",
                    [(*COMPANIES.row(c), at) for c in companies],
                )
            if aliases:
                self._executemany(
                    "INSERT INTO company_aliases (key, company_id, alias, how) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
                    list(aliases),
                )

    def get_company(self, company_id: str) -> Company | None:
        """One registry company with its aliases."""
        found = self._companies("WHERE id = ?", (company_id,))
        if not found:
            return None
        company = found[0]
        for (alias,) in self._fetchall(
            f"SELECT alias FROM company_aliases WHERE company_id = ? ORDER BY {self._binary('key')}",
            (company_id,),
        ):
            _add_alias(company, alias)
        return company

    def subsidiaries(self, company_id: str) -> list[Company]:
        """The companies whose parent is `company_id`, by name."""
        return self._companies(
            f"WHERE parent_id = ? ORDER BY {self._binary(self._lower('name'))}", (company_id,)
        )

    def _companies(self, rest: str, params: Sequence[str]) -> list[Company]:
        """Companies (without their aliases) that `rest` (WHERE and ORDER BY) selects."""
        return [
            COMPANIES.record(row)
            for row in self._fetchall(f"SELECT {COMPANIES.select()} FROM companies {rest}", params)
        ]
