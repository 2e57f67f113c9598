"""headcount: a ledger of layoffs that builds itself from the news."""

__version__ = "0.1.0"
