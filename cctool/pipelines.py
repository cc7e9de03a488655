"""One call per command: read the inputs, apply the policy, hand back results and issues.
The CLI renders and writes; nothing here prints."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from cctool.coverage import CoverageCheck
from cctool.errors import InputError, Issue
from cctool.io.inputs import InputSet
from cctool.periods import parse_month
from cctool.policy.attendance import AttendanceResult, audit_month, latest_punch, month_bounds
from cctool.policy.payroll import PayrollResult, compute_payroll
from cctool.report.writer import InputRecord
from cctool.rules.model import Rules


def resolve_as_of(as_of: pd.Timestamp | None, punches: pd.DataFrame | None) -> pd.Timestamp | None:
    """Issue 9 §4: shifts ending after the as-of time are pending. Default: the latest punch."""
    return pd.Timestamp(as_of) if as_of is not None else latest_punch(punches)


def attendance_coverage(label: str, lo, hi, rules: Rules, inputs: InputSet, roster: pd.DataFrame,
                        schedule: pd.DataFrame | None, punches: pd.DataFrame | None,
                        as_of: pd.Timestamp | None) -> CoverageCheck:
    """Schedule and punches must cover the period; no feed-gap day (ATT-FEED-GAP)."""
    return (CoverageCheck(label, lo, hi, rules).tables(inputs, required=("schedule", "punches"))
            .feed_gaps(roster, schedule, punches, as_of))


def report_coverage(label: str, lo, hi, rules: Rules, inputs: InputSet, *, calls_file: str | Path,
                    calls_seen: pd.DataFrame, calls_in_period: int | None = None, schedule: pd.DataFrame | None = None,
                    punches: pd.DataFrame | None = None, as_of: pd.Timestamp | None = None,
                    need_hours: bool = False) -> CoverageCheck:
    """grade-agents, kpi-report, daily-brief: calls must cover the period, and so must a schedule
    or punch file given; with both, no feed-gap day; grading needs an hours source."""
    check = CoverageCheck(label, lo, hi, rules).tables(inputs, required=("schedule", "punches"))
    check.calls(str(calls_file), calls_seen, in_period=calls_in_period)
    if schedule is not None and punches is not None:
        check.feed_gaps(inputs.roster, schedule, punches, as_of)
    if need_hours and schedule is None and punches is None:
        check.missing("no hours source: without --punches or --schedule there are no hours, so no CPH and "
                      "nobody can be graded")
    return check.pending(as_of)


def run_attendance(month: str, rules: Rules, inputs: InputSet, *, roster: Path, schedule: Path, punches: Path,
                   leave: Path | None = None, excusals: Path | None = None,
                   swaps: Path | None = None, as_of: pd.Timestamp | None = None,
                   allow_partial: bool = False,
                   punches_format: str | None = None) -> tuple[AttendanceResult, list[Issue], str]:
    """The audit of `month`; stops (exit 3) when the inputs do not cover it, unless `allow_partial`.
    `result.coverage` says what the inputs covered and the as-of time used. `punches_format`
    forces the layout of a clock export given as punches (io/layouts)."""
    period = parse_month(month)
    roster_df = inputs.load("roster", roster)
    frames = {"schedule": inputs.load("schedule", schedule),
              "punches": inputs.load("punches", punches, punches_format),
              "leave": inputs.load_optional("leave", leave), "excusals": inputs.load_optional("excusals", excusals),
              "swaps": inputs.load_optional("swaps", swaps)}
    lo, hi = month_bounds(period)
    as_of = resolve_as_of(as_of, frames["punches"])
    check = attendance_coverage(period, lo, hi, rules, inputs, roster_df, frames["schedule"], frames["punches"], as_of)
    check.cov.require(allow_partial)
    files = {name: str(t.path) for name, t in inputs.tables.items()}
    result = audit_month(period, roster_df, frames["schedule"], frames["punches"], rules, leave=frames["leave"],
                         excusals=frames["excusals"], swaps=frames["swaps"], files=files, as_of=as_of,
                         **_from_exports(inputs))
    result.coverage = check.pending(as_of, result.pending_shifts).done()
    return result, inputs.issues + result.issues, period


def _from_exports(inputs: InputSet) -> dict:
    """What a clock or approval export adds beside its canonical table (io/layouts)."""
    punches, leave = inputs.layouts.get("punches"), inputs.layouts.get("leave")
    return {"clock_verdicts": punches.verdicts if punches is not None else None,
            "leave_listed": leave.listed if leave is not None else None}


def run_payroll(month: str, rules: Rules, inputs: InputSet, *, roster: Path, schedule: Path, punches: Path,
                leave: Path | None = None, excusals: Path | None = None, calls: Path | None = None,
                kpi: Path | None = None, as_of: pd.Timestamp | None = None,
                allow_partial: bool = False, punches_format: str | None = None) -> tuple[PayrollResult, list[Issue], str]:
    """Pay for `month`. Besides the attendance coverage, a month with shifts not yet over (after
    the as-of time) stops the run: paying a month that is not over is guessing."""
    att, issues, period = run_attendance(month, rules, inputs, roster=roster, schedule=schedule, punches=punches,
                                         leave=leave, excusals=excusals, as_of=as_of, allow_partial=allow_partial,
                                         punches_format=punches_format)
    cov = att.coverage
    if att.pending_shifts:
        cov.gaps.append(f"{period} is not over: {att.pending_shifts} shift(s) end after the as-of time "
                        f"{cov.as_of:%Y-%m-%d %H:%M} (the latest punch unless --as-of is given) and are not judged")
        if not allow_partial:
            raise InputError(f"{cov.gaps[-1]}; paying a month that is not over is guessing, no payroll was written. "
                             "Run it once the month's punches are in, or pass --allow-partial.")
    already = len(inputs.issues)
    kpi_df = inputs.load_optional("kpi", kpi)
    check = CoverageCheck.extend(cov, rules)
    if kpi_df is not None:
        check.table("kpi", inputs)
    issues = issues + inputs.issues[already:]
    calls_by_agent = shift_calls = centre_cph = None
    if calls is not None:
        from cctool.policy.calls import call_metrics, shift_call_counts

        lo, hi = month_bounds(period)
        known = set(inputs.roster["agent_id"])
        calls_by_agent, call_issues = call_metrics(calls, lo, hi, known, aliases=rules.columns.aliases.get("calls"),
                                                   field_map=rules.columns.mapping("calls"),
                                                   amount_range=rules.limits.amount.bounds,
                                                   duration_range=rules.limits.duration_s.bounds)
        check.calls(str(calls), calls_by_agent)
        inputs.extra_records.append(InputRecord("calls", str(calls), _sha(calls),
                                                int(calls_by_agent.attrs.get("rows_read", 0))))
        issues = issues + call_issues
    cov.require(allow_partial)
    if calls is not None:
        shift_calls, centre_cph = shift_call_counts(calls, att.shifts, rules, aliases=rules.columns.aliases.get("calls"),
                                                    field_map=rules.columns.mapping("calls"))
    result = compute_payroll(period, inputs.roster, att, rules, kpi=kpi_df, calls_by_agent=calls_by_agent,
                             shift_calls=shift_calls, centre_cph=centre_cph)
    result.coverage = cov
    return result, issues, period


def _sha(path: Path) -> str:
    from cctool.io.readers import file_sha256, split_spec

    return file_sha256(split_spec(path)[0])
