"""Call-log metrics for the commands: per agent (GRD-*, PAY-COMMISSION), per agent and day
(RPT-KPI, RPT-DAILY) and per worked shift (PAY-OT), from one pass of the chosen engine.

Only the small grouped result of `cctool.engine.aggregations` comes back from the engine; the
row accounting (unknown agent ids, calls outside the period, unreadable values, calls that
reached no agent) is made from it by `cctool.engine.accounting`, the same for every engine.
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from cctool.engine import DUCKDB, Engine
from cctool.engine import accounting as acc
from cctool.engine import aggregations as agg
from cctool.errors import Issue

if TYPE_CHECKING:
    from cctool.rules.model import Limits


@contextlib.contextmanager
def open_calls(calls, engine: Engine | None, aliases, field_map, optional: frozenset, *, period=None,
               limits: Limits | None = None):
    """The call log opened on its engine (`period`: the days [start, end) the Spark backend may
    prune partitions to; DuckDB reads the whole file). `limits`: the rules file's limits — an
    amount or duration outside limits.amount / limits.duration_s is reported like an unreadable
    one, and an .xlsx call log is checked against the xlsx_* limits before it is read."""
    engine = engine or DUCKDB
    if engine.name == "spark":
        from cctool.engine import spark_backend

        opened = spark_backend.open_calls(str(calls), engine, aliases, field_map, optional, period=period)
    else:
        from cctool.engine import duckdb_backend

        _one_file(calls)
        opened = duckdb_backend.open_calls(calls, aliases, field_map, optional, limits=limits)
    with opened as scan:
        scan.src.amount_range = limits.amount.bounds if limits else agg.AMOUNT_RANGE
        scan.src.duration_range = limits.duration_s.bounds if limits else agg.DURATION_RANGE
        yield scan


def _one_file(calls) -> None:
    """DuckDB reads one call-log file: a folder, a glob or a URL is for the Spark engine, said
    as such (not "file not found" for a data lake's address)."""
    from cctool.engine.spark_backend import is_glob, is_remote
    from cctool.errors import InputError

    text = str(calls)
    local = Path(text.split("#", 1)[0])
    if is_remote(text) or (is_glob(text) and not local.exists()) or local.is_dir():
        raise InputError(f"{text}: the DuckDB engine reads one call-log file (CSV, Parquet or .xlsx); a folder, a glob "
                         'or a URL is read by --engine spark (pip install "cctool[spark]")')


def _optional(success_optional: bool) -> frozenset:
    return frozenset({"success"}) if success_optional else frozenset()


def _attrs(scan, groups: pd.DataFrame, rejected: int, **more) -> dict:
    """rows_read (every data row: grouped or set aside as malformed), rows_unreadable, the first
    and last call time (coverage), and how the log was read."""
    return dict(rows_read=int(groups["calls"].sum()) + rejected, encoding=scan.src.encoding, mode=scan.mode,
                engine=scan.engine, has_success="success" in scan.src.fields,
                rows_unreadable=acc.unreadable(groups) + rejected, **acc.span(groups), **more)


def status_groups(scan, start, end, *, by_day: bool = False) -> tuple[pd.DataFrame, str]:
    """Per agent id and status (and calendar day with `by_day`) over [start, end)."""
    has_success = "success" in scan.src.fields
    groups, scan_sql = scan.grouped(lambda s: agg.by_agent_sql(s, start, end, has_success, by_day=by_day))
    return acc.tidy_ids(groups, ("day",) if by_day else ()), scan_sql


def dated_groups(scan, start, end, windows: pd.DataFrame | None) -> tuple[pd.DataFrame, str]:
    """Per agent id, status and the day each call counts on (the shift it falls in)."""
    has_windows = windows is not None and not windows.empty
    if has_windows:
        scan.register("call_windows", pd.DataFrame({
            "agent_id": windows["agent_id"].astype(str).to_numpy(),
            "date": pd.to_datetime(windows["date"]).dt.date.to_numpy(),
            "win_start": pd.to_datetime(windows["win_start"]).astype("datetime64[us]").to_numpy(),
            "win_end": pd.to_datetime(windows["win_end"]).astype("datetime64[us]").to_numpy()}))
    has_success = "success" in scan.src.fields
    groups, scan_sql = scan.grouped(
        lambda s: agg.by_agent_day_sql(agg.dated_sql(s, has_windows), start, end, has_success), fast=False)
    groups["date"] = pd.to_datetime(groups["date"]).astype("datetime64[ns]")
    return acc.tidy_ids(groups, ("date",)), scan_sql


def read_issues(scan, groups: pd.DataFrame, scan_sql: str) -> tuple[list[Issue], int]:
    """Issues that do not depend on the roster or the period: malformed lines and unreadable
    values; and the number of malformed lines (read, but in no group)."""
    issues, rejected = scan.rejected()
    issues = issues + acc.bad_value_issues(scan.src, groups, lambda code: scan.examples(scan_sql, code))
    return issues, rejected


def call_metrics(calls_path: str | Path, period_start, period_end, known_agents, *, cph_calls: str = "all",
                 success_denominator: str = "connected",
                 aliases: dict[str, list[str]] | None = None, field_map: dict | None = None,
                 success_optional: bool = False, engine: Engine | None = None,
                 limits: Limits | None = None) -> tuple[pd.DataFrame, list[Issue]]:
    """Per-agent call counts of the period [period_start, period_end) from a call log.

    Returns (per_agent, issues). per_agent has one row per roster agent with at least one usable
    call: agent_id, calls, connected, successes, amount, plus cph_calls (the calls CPH counts:
    all or connected, GRD metric setting) and success_base (the success-rate denominator).
    `per_agent.attrs` holds rows_read (data rows read), encoding, mode ("fast", "careful",
    "parquet", "xlsx" or "spark"), engine, no_agent_calls (calls of the period that reached no
    agent) and has_success (False when the log has no success column and `success_optional`
    allowed that). talk_s / talk_calls: talk time of connected calls with a duration, and their
    number. Unknown agent ids (one issue per id, with its count), calls outside the period (one
    issue with the count) and unreadable rows are reported as issues.
    """
    if cph_calls not in ("all", "connected") or success_denominator not in ("all", "connected"):
        raise ValueError("cph_calls and success_denominator are 'all' or 'connected'")
    start, end = pd.Timestamp(period_start), pd.Timestamp(period_end)
    known = set(known_agents)
    with open_calls(calls_path, engine, aliases, field_map, _optional(success_optional), period=(start, end),
                    limits=limits) as scan:
        groups, scan_sql = status_groups(scan, start, end)
        issues, rejected = read_issues(scan, groups, scan_sql)
        issues += acc.agent_issues(str(scan.src.path), scan.src.headers, groups, known, start, end,
                                   sheet=getattr(scan.src, "sheet", None))
        attrs = _attrs(scan, groups, rejected,
                       no_agent_calls=int(groups.loc[groups["status"] == agg.NO_AGENT, "calls"].sum()))
    per_agent = acc.per_agent_result(groups, known, cph_calls=cph_calls, success_denominator=success_denominator)
    per_agent.attrs.update(attrs)
    return per_agent, issues


def shift_windows(shifts: pd.DataFrame) -> pd.DataFrame:
    """The window of each worked shift: sign-in to sign-out, the scheduled times where a punch
    is missing; and its signed-in hours. `shift_start_at` names the shift: a day may hold several
    (a split day, a day shift and an evening overtime shift)."""
    worked = shifts[shifts["sign_in"].notna() | shifts["sign_out"].notna()]
    windows = pd.DataFrame({
        "agent_id": worked["agent_id"].astype(str).values,
        "date": worked["date"].values,
        "shift_start_at": worked["shift_start_at"].astype("datetime64[ns]").values,
        "win_start": worked["sign_in"].fillna(worked["shift_start_at"]).values,
        "win_end": worked["sign_out"].fillna(worked["shift_end_at"]).values,
    })
    windows["hours"] = (windows["win_end"] - windows["win_start"]).dt.total_seconds().clip(lower=0) / 3600
    return windows


def _wall_time(values) -> pd.Series:
    """Time stamps as the wall-clock times they were registered as: Spark (session time zone UTC)
    hands them back tz-aware in UTC, DuckDB naive."""
    stamps = pd.to_datetime(values)
    return stamps.dt.tz_convert("UTC").dt.tz_localize(None) if stamps.dt.tz is not None else stamps


def shift_counts(scan, windows: pd.DataFrame) -> pd.DataFrame:
    """Calls per worked shift window: one range join on the engine."""
    scan.register("shift_windows", pd.DataFrame({
        "agent_id": windows["agent_id"].to_numpy(), "date": pd.to_datetime(windows["date"]).dt.date.to_numpy(),
        "win_start": pd.to_datetime(windows["win_start"]).astype("datetime64[us]").to_numpy(),
        "win_end": pd.to_datetime(windows["win_end"]).astype("datetime64[us]").to_numpy()}))
    counts = scan.query(agg.per_shift_sql(scan.scan_sql(careful=True)))
    # Counted per window (its start), not per day: two shifts of one day keep their own calls.
    counts = counts.assign(agent_id=counts["agent_id"].astype(str), date=pd.to_datetime(counts["date"]),
                           win_start=_wall_time(counts["win_start"]).astype("datetime64[us]"),
                           calls=pd.to_numeric(counts["calls"]).astype("int64"))
    keyed = windows.assign(date=pd.to_datetime(windows["date"]),
                           win_start=pd.to_datetime(windows["win_start"]).astype("datetime64[us]"))
    per_shift = keyed.merge(counts, on=["agent_id", "date", "win_start"], how="left")
    per_shift["calls"] = per_shift["calls"].fillna(0).astype("int64")
    return per_shift[["agent_id", "date", "shift_start_at", "calls", "hours"]]


def centre_cph(per_shift: pd.DataFrame) -> float | None:
    """The centre's average CPH over worked shifts of agents who appear in the call log:
    calls ÷ signed-in hours (PAY-OT)."""
    callers = per_shift.groupby("agent_id")["calls"].transform("sum") > 0
    hours = per_shift.loc[callers, "hours"].sum()
    return float(per_shift.loc[callers, "calls"].sum() / hours) if hours > 0 else None


def shift_call_counts(calls_path: str | Path, shifts: pd.DataFrame, rules=None, *,
                      aliases: dict[str, list[str]] | None = None, field_map: dict | None = None,
                      success_optional: bool = False,
                      engine: Engine | None = None) -> tuple[pd.DataFrame, float | None]:
    """Calls made inside each worked shift, and the centre's average CPH over those shifts (PAY-OT).

    A call belongs to a shift when it starts between the shift's sign-in and sign-out (the
    scheduled times where a punch is missing), so night shifts keep their calls after
    midnight. One range join on the engine; only the per-shift counts reach pandas.
    """
    windows = shift_windows(shifts)
    if windows.empty:
        return pd.DataFrame(columns=["agent_id", "date", "shift_start_at", "calls", "hours"]), None
    period = (windows["win_start"].min().normalize(), windows["win_end"].max().normalize() + pd.Timedelta(days=1))
    with open_calls(calls_path, engine, aliases, field_map, _optional(success_optional), period=period,
                    limits=rules.limits if rules is not None else None) as scan:
        per_shift = shift_counts(scan, windows)
    return per_shift, centre_cph(per_shift)


def daily_call_metrics(calls_path: str | Path, period_start, period_end, known_agents, *,
                       windows: pd.DataFrame | None = None,
                       aliases: dict[str, list[str]] | None = None, field_map: dict | None = None,
                       success_optional: bool = False, engine: Engine | None = None,
                       limits: Limits | None = None) -> tuple[pd.DataFrame, list[Issue]]:
    """Call counts per agent and day of the period [period_start, period_end) (RPT-KPI, RPT-DAILY).

    Which day a call counts on: with `windows` (agent_id, date, win_start, win_end: one row per
    scheduled shift, dated by the day it starts, as the attendance audit dates shifts), the day
    of the shift the call falls in, so a night shift's calls after midnight stay with the shift
    and with its hours; a call outside every window (or with no windows given) counts on its
    calendar date. Issues as `call_metrics` reports them (unknown agents, unreadable rows, calls
    outside the period). Returns (daily, issues); daily has one row per roster agent and day
    with at least one usable call (talk_s / talk_calls as `call_metrics`), `attrs["rows_read"]`,
    and `attrs["no_agent_calls"]`: {ISO date: calls of that day that reached no agent}.
    """
    start = pd.Timestamp(period_start).normalize()
    end = pd.Timestamp(period_end).normalize()
    known = set(known_agents)
    # A night shift of the last day keeps its calls after midnight: read one day more.
    with open_calls(calls_path, engine, aliases, field_map, _optional(success_optional),
                    period=(start - pd.Timedelta(days=1), end + pd.Timedelta(days=1)),
                    limits=limits) as scan:
        groups, scan_sql = dated_groups(scan, start, end, windows)
        per_status = acc.tidy_ids(groups.drop(columns="date"))
        issues, rejected = read_issues(scan, per_status, scan_sql)
        issues += acc.agent_issues(str(scan.src.path), scan.src.headers, per_status, known, start, end,
                                   sheet=getattr(scan.src, "sheet", None))
        attrs = _attrs(scan, per_status, rejected)
    daily, no_agent = acc.daily_result(groups, known)
    daily.attrs.update(attrs, no_agent_calls=no_agent)
    return daily, issues


def build_metrics(calls_path, period_start, period_end, *, rules, engine: Engine | None = None,
                  day_windows: pd.DataFrame | None = None, schedule_sha: str | None = None,
                  worked_shifts: pd.DataFrame | None = None, fingerprint: str | None = None):
    """The heavy step alone (`cctool call-metrics`): the small tables of `metrics_file`, from one
    opening of the call log on the engine. `day_windows`: shift windows dating calls to days
    (kpi-report's); `worked_shifts`: the attendance audit's shifts, for per-shift counts."""
    from cctool.engine import metrics_file

    start, end = pd.Timestamp(period_start), pd.Timestamp(period_end)
    aliases, field_map = rules.columns.aliases.get("calls"), rules.columns.mapping("calls")
    optional = _optional(rules.grading.calls_without_success == "grade_other_criteria")
    with open_calls(calls_path, engine, aliases, field_map, optional,
                    period=(start - pd.Timedelta(days=1), end + pd.Timedelta(days=1)),
                    limits=rules.limits) as scan:
        agent, scan_sql = status_groups(scan, start, end, by_day=True)
        issues, rejected = read_issues(scan, agent, scan_sql)
        agent_day = dated_groups(scan, start, end, day_windows)[0] if day_windows is not None else None
        shift = None
        if worked_shifts is not None:
            windows = shift_windows(worked_shifts)
            shift = shift_counts(scan, windows).assign(win_start=windows["win_start"].to_numpy(),
                                                       win_end=windows["win_end"].to_numpy())
        meta = dict(period_start=f"{start:%Y-%m-%d}", period_end=f"{end:%Y-%m-%d}", calls=str(calls_path),
                    calls_sha256=fingerprint, engine=scan.engine, mode=scan.mode, encoding=scan.src.encoding,
                    has_success="success" in scan.src.fields, rows_read=int(agent["calls"].sum()) + rejected,
                    headers=dict(scan.src.headers), mapping_sha256=metrics_file.mapping_fingerprint(rules),
                    dated_by_schedule=schedule_sha if day_windows is not None else None,
                    shifts=worked_shifts is not None, read_issues=[i.as_dict() for i in issues],
                    partition_column=getattr(scan.src, "partition_column", None))
    return metrics_file.CallMetrics(agent, agent_day, shift, meta)


def calls_fingerprint(calls) -> str | None:
    """SHA-256 of the call log: of the file; of a folder or glob, of each file's path and hash
    (sorted); None for a URL (a data lake is fingerprinted by its own tooling)."""
    import hashlib

    from cctool.engine.spark_backend import is_remote, local_files
    from cctool.io.readers import file_sha256, split_spec

    text = str(calls)
    if is_remote(text):
        return None
    path = split_spec(Path(text))[0]
    if path.is_file():
        return file_sha256(path)
    files = local_files(text)
    if not files:
        return None
    h = hashlib.sha256()
    for f in files:
        h.update(f"{f.relative_to(path) if f.is_relative_to(path) else f}\0{file_sha256(f)}\n".encode("utf-8"))
    return h.hexdigest()
