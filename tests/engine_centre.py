"""Helpers of the engine tests: a small generated centre whose call log also holds the rows real logs hold: unreadable
times and flags, a blank agent (a call that reached no agent), an unreadable amount, calls of
an agent not in the roster and calls outside the period (the generator's own)."""
from __future__ import annotations

import json

import pandas as pd
from typer.testing import CliRunner

from cctool.cli.main import app
from cctool.samples.generate import generate_centre, write_calls, write_centre

runner = CliRunner()


def bad_rows(calls: pd.DataFrame) -> pd.DataFrame:
    """Hand-made bad rows, copied from real rows of the log (so their agents are on the roster)."""
    rows = calls.iloc[[10, 20, 30, 40, 50, 60, 70, 80]].copy()
    col = rows.columns.get_loc
    rows.iloc[0, col("start_time")] = "not a time"
    rows.iloc[1, col("start_time")] = "2026"  # DuckDB finds it unreadable; so must Spark
    rows.iloc[2, col("connected")] = "maybe"
    rows.iloc[3, col("success")] = ""
    rows.iloc[4, col("agent_id")] = ""  # reached no agent
    rows.iloc[5, col("amount")] = "12,5x"  # unreadable amount: the call counts, the amount not
    rows.iloc[6, col("start_time")] = "2026/08/03 10:15"  # the readers' own spelling
    rows.iloc[7, col("agent_id")] = " " + str(rows.iloc[7, col("agent_id")]) + " "  # padded id
    return rows


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def inputs(paths, *, calls=None, metrics=None, extra=("punches", "schedule")):
    args = ["--roster", paths["roster"]]
    args += ["--metrics", metrics] if metrics is not None else ["--calls", calls or paths["calls"]]
    for name in extra:
        args += [f"--{name}", paths[name]]
    return args


def json_of(path) -> dict:
    return json.loads(open(path, encoding="utf-8").read())


def same_results(a: dict, b: dict) -> None:
    """Everything but the run's input records (paths and fingerprints differ by route)."""
    assert a.keys() == b.keys()
    for key in a:
        if key != "inputs":
            assert a[key] == b[key], key
