"""The options of every command that reads the call log (`cctool.engine.inputs.CallsInput`)."""
from __future__ import annotations

import typer

from cctool.cli.conventions import Engine

ENGINE_OPTION = typer.Option(Engine.duckdb, "--engine", help="Engine that aggregates the call log: duckdb (this "
                                                             "machine, default) or spark (the `spark` extra).")
SPARK_MASTER_OPTION = typer.Option(None, "--spark-master", help="Spark master URL: local[2], spark://host:7077, yarn "
                                                                "(default: SPARK_REMOTE for Spark Connect, else "
                                                                "local[*]).")
METRICS_OPTION = typer.Option(None, "--metrics", help="Call metrics written by `cctool call-metrics` (.parquet), in "
                                                      "place of --calls.")


def fill_location(value, **period) -> str | None:
    """--calls with {month}/{quarter}/{date} filled in, kept as text: a URL (s3a://...) is not a
    local path and must not be normalised as one."""
    from cctool.cli.runtime import fill

    if value is None:
        return None
    text = str(value)
    if "://" not in text:
        return str(fill(text, **period))
    try:
        return text.format(**period)
    except (KeyError, IndexError, ValueError) as exc:
        from cctool.errors import CctoolError

        raise CctoolError(f"{text}: cannot fill the path pattern ({exc!r})") from None
