"""Runners for large corpora: local processes by default, Ray Data as an extra.

    from headcount.scale import run_batch, DatabaseSink, ParquetSink

See batch.py for how a run is cut into tasks, kept in order and resumed.
"""

from headcount.scale.batch import BatchReport, run_batch, run_id
from headcount.scale.local import default_workers
from headcount.scale.parquet import ParquetSink
from headcount.scale.sinks import DatabaseSink, Sink, is_parquet_target

__all__ = [
    "BatchReport",
    "DatabaseSink",
    "ParquetSink",
    "Sink",
    "default_workers",
    "is_parquet_target",
    "run_batch",
    "run_id",
]
