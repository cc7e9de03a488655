"""`cctool call-metrics`: the heavy step alone. A data team runs it where the call log lives
(`--engine spark` on its cluster) and hands the lead a small Parquet file that grade-agents,
kpi-report, daily-brief and monthly-payroll take with `--metrics` in place of `--calls`."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from cctool.cli.calls_input import ENGINE_OPTION, SPARK_MASTER_OPTION, fill_location
from cctool.cli.common import (PUNCHES_FORMAT_OPTION, RULES_OPTION, PunchesFormat, check_out, punches_format,
                               report_issues, start)
from cctool.cli.conventions import NO_FINDINGS, Engine, command_app, epilog
from cctool.cli.runtime import fill, report_run, step
from cctool.cli.terminal import info
from cctool.errors import CctoolError


def _period(month: str | None, quarter: str | None):
    """(label, start, end, months) of --month or --quarter (exactly one)."""
    from cctool.periods import parse_month, parse_quarter
    from cctool.policy.attendance import month_bounds
    from cctool.policy.grading import quarter_bounds

    if (month is None) == (quarter is None):
        raise CctoolError("give one of --month or --quarter")
    if month is not None:
        label = parse_month(month)
        lo, hi = month_bounds(label)
        return label, lo, hi, dict(month=label)
    label = parse_quarter(quarter)
    lo, hi = quarter_bounds(label)
    return label, lo, hi, dict(quarter=label)


def _months(lo, hi) -> list[str]:
    import pandas as pd

    return [f"{m:%Y-%m}" for m in pd.date_range(lo, hi - pd.Timedelta(days=1), freq="MS")]


app = command_app()


@app.command("call-metrics", epilog=epilog(
    "cctool call-metrics --quarter 2026Q3 --calls samples/calls.parquet --out out/call-metrics-2026Q3.parquet",
    "cctool call-metrics --month 2026-07 --calls 's3a://logs/calls/date=2026-07-*/' --engine spark "
    "--spark-master yarn --out call-metrics-2026-07.parquet", codes=NO_FINDINGS))
def call_metrics_cmd(
    month: Optional[str] = typer.Option(None, "--month", help="Month to aggregate: 2026-10, or 'last'."),
    quarter: Optional[str] = typer.Option(None, "--quarter", help="Quarter to aggregate: 2026Q3, or 'last'."),
    calls: str = typer.Option(..., "--calls", help="Call log: CSV, Parquet or .xlsx; with --engine spark also a "
                                                   "folder, a glob (calls/date=2026-07-*/) or a URL (s3a://, "
                                                   "hdfs://)."),
    out: Path = typer.Option(..., "--out", help="Metrics file to write (.parquet)."),
    engine: Engine = ENGINE_OPTION,
    spark_master: Optional[str] = SPARK_MASTER_OPTION,
    roster: Optional[Path] = typer.Option(None, "--roster", help="Roster: with --schedule, calls are dated by shift "
                                                                 "(kpi-report, daily-brief)."),
    schedule: Optional[Path] = typer.Option(None, "--schedule", help="Schedule (排班表): shifts that date calls; "
                                                                     "with --punches, per-shift counts (PAY-OT)."),
    punches: Optional[Path] = typer.Option(None, "--punches", help="Punches (签到记录): worked shifts for PAY-OT."),
    punches_fmt: Optional[PunchesFormat] = PUNCHES_FORMAT_OPTION,
    leave: Optional[Path] = typer.Option(None, "--leave", help="Leave requests, as monthly-payroll reads them."),
    excusals: Optional[Path] = typer.Option(None, "--excusals", help="Excusals, as monthly-payroll reads them."),
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Aggregate the call log alone (per agent, per agent-day, per shift) into a small metrics file."""
    from cctool.engine.inputs import engine_of
    from cctool.engine import metrics_file
    from cctool.engine.calls import build_metrics, calls_fingerprint
    from cctool.report.writer import atomic_write

    with report_run("call-metrics") as rec:
        label, lo, hi, f = _period(month, quarter)
        rec.period = label
        out = check_out(fill(out, **f), ".parquet")
        rec.lock(out)
        engine_spec = engine_of(engine, spark_master)
        calls = fill_location(calls, **f)
        if (schedule is not None or punches is not None) and roster is None:
            raise CctoolError("--schedule and --punches need --roster (whose shifts they are)")
        if punches is not None and schedule is None:
            raise CctoolError("--punches needs --schedule (per-shift counts are for scheduled shifts)")
        with step("Reading the inputs and aggregating the call log…"):
            loaded, inputs = start(fill(rules, **f), label)
            day_windows = schedule_sha = worked = None
            if roster is not None and schedule is not None:
                day_windows, schedule_sha, worked = _shifts(inputs, loaded.rules, lo, hi, roster=fill(roster, **f),
                                                            schedule=fill(schedule, **f), punches=fill(punches, **f),
                                                            leave=fill(leave, **f), excusals=fill(excusals, **f),
                                                            punches_format=punches_format(punches_fmt))
            metrics = build_metrics(calls, lo, hi, rules=loaded.rules, engine=engine_spec, day_windows=day_windows,
                                    schedule_sha=schedule_sha, worked_shifts=worked,
                                    fingerprint=calls_fingerprint(calls))
        with step(f"Writing {out}…"):
            atomic_write(out, lambda tmp: metrics_file.write(tmp, metrics))
        issues = [*inputs.issues, *metrics_file.CallMetrics.issues(metrics)]
        report_issues(issues, where="the Errors sheet of each report run with --metrics (the file keeps them)")
        agents = metrics.agent["agent_id"].nunique()
        shifts = 0 if metrics.shift is None else len(metrics.shift)
        rec.counts.update(rows_read=int(metrics.meta["rows_read"]), agent_ids=int(agents), shifts=shifts)
        info(f"[green]Wrote[/green] {out}: {metrics.meta['rows_read']} call records read by {engine_spec.name} for "
             f"{label}; {agents} agent ids, {len(metrics.agent)} agent-day rows"
             f"{'' if day_windows is None else ' (dated by shift)'}, {shifts} worked shifts")


def _shifts(inputs, rules, lo, hi, *, roster, schedule, punches, leave, excusals, punches_format=None):
    """(day windows, schedule fingerprint, worked shifts or None): the shifts that date calls to
    days (kpi-report's windows) and, with punches, the audited shifts per-shift counts are for
    (monthly-payroll's)."""
    import pandas as pd

    from cctool.io.readers import file_sha256, split_spec
    from cctool.policy.attendance import audit_month
    from cctool.policy.kpi import call_windows

    roster_df = inputs.load("roster", roster)
    schedule_df = inputs.load("schedule", schedule)
    windows = call_windows(schedule_df, roster_df, lo, hi, rules)
    worked = None
    if punches is not None:
        punches_df = inputs.load("punches", punches, punches_format)
        leave_df, excusals_df = inputs.load_optional("leave", leave), inputs.load_optional("excusals", excusals)
        audits = [audit_month(m, roster_df, schedule_df, punches_df, rules, leave=leave_df, excusals=excusals_df)
                  for m in _months(lo, hi)]
        worked = pd.concat([a.shifts for a in audits], ignore_index=True)
    return windows, file_sha256(split_spec(schedule)[0]), worked
