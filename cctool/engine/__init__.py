"""The heavy step: call-log aggregation, between io and policy.

One definition of each aggregation (`aggregations`, SQL text in DuckDB's dialect), executed by
DuckDB on this machine (`duckdb_backend`, the default) or by Apache Spark (`spark_backend`, the
`spark` extra; the text transpiled by sqlglot). `calls` is the entry point the commands use;
`accounting` turns the small grouped result into metrics and Issues whatever engine made it;
`metrics_file` writes and reads the small file `cctool call-metrics` hands over. Policy code
receives only the small per-agent, per-agent-day and per-shift tables.
"""
from __future__ import annotations

from dataclasses import dataclass

from cctool.errors import CctoolError

ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class Engine:
    """Which engine aggregates the call log, and where Spark runs (None: SPARK_REMOTE for Spark
    Connect if set, else local[*])."""

    name: str = "duckdb"
    spark_master: str | None = None

    def __post_init__(self):
        if self.name not in ENGINES:
            raise CctoolError(f"--engine must be one of {', '.join(ENGINES)}, got {self.name!r}")


DUCKDB = Engine()
