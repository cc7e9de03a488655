"""One call per command: read the inputs, apply the policy, hand back results and issues.
The CLI renders and writes; nothing here prints."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cctool.coverage import CoverageCheck, calls_coverage
from cctool.errors import InputError, Issue
from cctool.io.inputs import InputSet
from cctool.periods import parse_month
from cctool.progress import task
from cctool.policy.attendance import AttendanceResult, audit_month, latest_punch, left_without_exit_date, month_bounds
from cctool.policy.payroll import PayrollResult, compute_payroll
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
    calls = calls_coverage(str(calls_file), calls_seen, in_period=calls_in_period)
    check.add(calls, required=True)
    check.call_gap(calls)  # a period with no call at all is covered only where nobody was due to work
    check.edges(calls, until=as_of)  # the call log reaches both ends of the period
    if punches is not None:  # no call counted on days whose shifts are still pending
        check.calls_after_as_of(str(calls_file), calls_seen, as_of)
    check.months("kpi", inputs)
    if schedule is not None and punches is not None:
        check.feed_gaps(inputs.roster, schedule, punches, as_of)
    if need_hours:  # hours that stop early with calls to the end would inflate every CPH
        for item in [i for i in check.cov.inputs if i.name in ("punches", "schedule")]:
            check.edges(item)
    if need_hours and schedule is None and punches is None:
        check.missing("no hours source: without --punches or --schedule there are no hours, so no CPH and "
                      "nobody can be graded")
    return check.pending(as_of)


@dataclass
class AttendanceInputs:
    """The tables of one month's audit, read once: `simulate` and `rules test` judge them more than once."""

    roster: pd.DataFrame
    schedule: pd.DataFrame
    punches: pd.DataFrame
    leave: pd.DataFrame | None = None
    excusals: pd.DataFrame | None = None
    swaps: pd.DataFrame | None = None


def read_attendance_inputs(inputs: InputSet, *, roster: Path, schedule: Path, punches: Path,
                           leave: Path | None = None, excusals: Path | None = None, swaps: Path | None = None,
                           punches_format: str | None = None) -> AttendanceInputs:
    """`punches_format` forces the layout of a clock export given as punches (io/layouts)."""
    roster_df = inputs.load("roster", roster)
    return AttendanceInputs(roster_df, inputs.load("schedule", schedule),
                            inputs.load("punches", punches, punches_format),
                            inputs.load_optional("leave", leave), inputs.load_optional("excusals", excusals),
                            inputs.load_optional("swaps", swaps))


def audit_inputs(period: str, rules: Rules, inputs: InputSet, tables: AttendanceInputs, *,
                 as_of: pd.Timestamp | None = None, allow_partial: bool = False) -> AttendanceResult:
    """The audit of tables already read (no file is opened); stops (exit 3) when they do not cover
    the month, unless `allow_partial`. `result.coverage` says what they covered and the as-of time."""
    lo, hi = month_bounds(period)
    as_of = resolve_as_of(as_of, tables.punches)
    check = attendance_coverage(period, lo, hi, rules, inputs, tables.roster, tables.schedule, tables.punches, as_of)
    check.cov.require(allow_partial)
    files = {name: str(t.path) for name, t in inputs.tables.items()}
    with task(f"Applying the attendance rules to {len(tables.schedule):,} shifts"):
        result = audit_month(period, tables.roster, tables.schedule, tables.punches, rules, leave=tables.leave,
                             excusals=tables.excusals, swaps=tables.swaps, files=files, as_of=as_of,
                             **_from_exports(inputs))
    result.coverage = check.pending(as_of, result.pending_shifts).done()
    return result


def run_attendance(month: str, rules: Rules, inputs: InputSet, *, roster: Path, schedule: Path, punches: Path,
                   leave: Path | None = None, excusals: Path | None = None,
                   swaps: Path | None = None, as_of: pd.Timestamp | None = None,
                   allow_partial: bool = False,
                   punches_format: str | None = None) -> tuple[AttendanceResult, list[Issue], str]:
    """The audit of `month`; stops (exit 3) when the inputs do not cover it, unless `allow_partial`.
    `result.coverage` says what the inputs covered and the as-of time used. `punches_format`
    forces the layout of a clock export given as punches (io/layouts)."""
    period = parse_month(month)
    tables = read_attendance_inputs(inputs, roster=roster, schedule=schedule, punches=punches, leave=leave,
                                    excusals=excusals, swaps=swaps, punches_format=punches_format)
    result = audit_inputs(period, rules, inputs, tables, as_of=as_of, allow_partial=allow_partial)
    return result, inputs.issues + result.issues, period


def _from_exports(inputs: InputSet) -> dict:
    """What a clock or approval export adds beside its canonical table (io/layouts)."""
    punches, leave = inputs.layouts.get("punches"), inputs.layouts.get("leave")
    return {"clock_verdicts": punches.verdicts if punches is not None else None,
            "leave_listed": leave.listed if leave is not None else None}


@dataclass
class PayInputs:
    """The pay inputs beyond the audit's, read once: the KPI table and the call log's per-agent totals."""

    kpi: pd.DataFrame | None = None
    calls: object = None  # a cctool.engine.inputs.CallsInput: the call log on its engine, or a metrics file
    calls_by_agent: pd.DataFrame | None = None
    issues: list[Issue] = field(default_factory=list)
    # Which calls fall in which shift depends on the punch pairing window of the rules: one scan per window.
    _shift_calls: dict = field(default_factory=dict)

    def shift_calls(self, att: AttendanceResult, rules: Rules):
        if self.calls is None:
            return None, None
        key = rules.attendance.punch_pairing
        if key not in self._shift_calls:
            self._shift_calls[key] = self.calls.shift_counts(att.shifts)
        return self._shift_calls[key]


def _calls_input(calls, rules: Rules):
    """`calls` as a CallsInput: a path is a call log aggregated by DuckDB; None or nothing given is None."""
    from cctool.engine.inputs import CallsInput

    if calls is None:
        return None
    if not isinstance(calls, CallsInput):
        calls = CallsInput.of(str(calls), None, "duckdb", None, rules, required=False)
    return calls if calls.given else None


def read_pay_inputs(period: str, rules: Rules, inputs: InputSet, *, kpi: Path | None = None,
                    calls=None) -> PayInputs:
    """`calls`: a path (DuckDB) or a `cctool.engine.inputs.CallsInput` (any engine, or --metrics)."""
    already = len(inputs.issues)
    calls = _calls_input(calls, rules)
    pay = PayInputs(kpi=inputs.load_optional("kpi", kpi), calls=calls)
    pay.issues = inputs.issues[already:]
    if calls is not None:
        lo, hi = month_bounds(period)
        with task(f"Aggregating the call log {calls.label}") as shown:
            pay.calls_by_agent, call_issues = calls.per_agent(lo, hi, set(inputs.roster["agent_id"]))
            shown.note(f"{int(pay.calls_by_agent.attrs.get('rows_read', 0)):,} calls")
        inputs.extra_records.extend(calls.records)
        pay.issues = pay.issues + call_issues
    return pay


def pay_coverage(att: AttendanceResult, pay: PayInputs, rules: Rules, inputs: InputSet,
                 allow_partial: bool, *, people: set[str] | None = None, what: str = "no payroll was written",
                 check_left: bool = True) -> None:
    """Pay needs the month over and its pay inputs covering it: a month with shifts not yet over
    (after the as-of time) stops the run, paying it would be guessing."""
    cov = att.coverage
    if att.pending_shifts:
        cov.gaps.append(f"{att.month} is not over: {att.pending_shifts} shift(s) end after the as-of time "
                        f"{cov.as_of:%Y-%m-%d %H:%M} (the latest punch unless --as-of is given) and are not judged")
        if not allow_partial:
            raise InputError(f"{cov.gaps[-1]}; paying a month that is not over is guessing, no payroll was written. "
                             "Run it once the month's punches are in, or pass --allow-partial.")
    # `people`: only these are paid here (explain's one person); `check_left` off where holding their
    # pay under both rules is the answer (simulate compares rules, not whom to pay).
    left = [a for a in left_in_month(inputs.roster, att.month) if people is None or a in people] \
        if check_left else []
    if left:
        shown = ", ".join(left[:10]) + (f" and {len(left) - 10} more" if len(left) > 10 else "")
        who = "1 person has" if len(left) == 1 else f"{len(left)} people have"
        cov.gaps.append(f"{who} status left without an exit date ({shown}): the days to pay are unknown, "
                        "their pay is held")
        if not allow_partial:
            raise InputError(f"{cov.gaps[-1].replace(', their pay is held', '')}. Add their exit_date to the roster, "
                             f"or pass --allow-partial to hold their pay (a withheld line each); {what}.")
    check = CoverageCheck.extend(cov, rules)
    if pay.kpi is not None:
        check.table("kpi", inputs)
    if pay.calls is not None:
        check.calls(pay.calls.label, pay.calls_by_agent)
    cov.require(allow_partial)


def left_in_month(roster: pd.DataFrame, month: str) -> list[str]:
    """Ids of the people hired before `month` ends whose status is left but who have no exit date."""
    _, hi = month_bounds(month)
    hit = left_without_exit_date(roster) & (roster["hire_date"] < hi)
    return sorted(roster.loc[hit.to_numpy(), "agent_id"].astype(str))


def pay_from_audit(period: str, rules: Rules, inputs: InputSet, att: AttendanceResult,
                   pay: PayInputs) -> PayrollResult:
    """The month's pay from an audit already made and pay inputs already read."""
    shift_calls, centre_cph = pay.shift_calls(att, rules)
    with task(f"Computing pay for {len(inputs.roster):,} people"):
        result = compute_payroll(period, inputs.roster, att, rules, kpi=pay.kpi, calls_by_agent=pay.calls_by_agent,
                                 shift_calls=shift_calls, centre_cph=centre_cph)
    result.coverage = att.coverage
    return result


def run_payroll(month: str, rules: Rules, inputs: InputSet, *, roster: Path, schedule: Path, punches: Path,
                leave: Path | None = None, excusals: Path | None = None, calls=None,
                kpi: Path | None = None, as_of: pd.Timestamp | None = None,
                allow_partial: bool = False, punches_format: str | None = None) -> tuple[PayrollResult, list[Issue], str]:
    """Pay for `month`. Besides the attendance coverage, a month with shifts not yet over (after
    the as-of time) stops the run: paying a month that is not over is guessing. `calls`: a
    `cctool.engine.inputs.CallsInput` (the call log on its engine, or a metrics file), or None."""
    att, issues, period = run_attendance(month, rules, inputs, roster=roster, schedule=schedule, punches=punches,
                                         leave=leave, excusals=excusals, as_of=as_of, allow_partial=allow_partial,
                                         punches_format=punches_format)
    pay = read_pay_inputs(period, rules, inputs, kpi=kpi, calls=calls)
    pay_coverage(att, pay, rules, inputs, allow_partial)
    return pay_from_audit(period, rules, inputs, att, pay), issues + pay.issues, period


def run_grading(quarter: str, rules: Rules, inputs: InputSet, *, roster: Path, calls: Path, kpi: Path,
                punches: Path | None = None, schedule: Path | None = None, allow_partial: bool = False,
                punches_format: str | None = None):
    """One quarter's grading, read and judged in turn (grade-agents overlaps the reading on threads),
    with grade-agents' coverage check (calls in the quarter, an hours source)."""
    from cctool.policy.grading import grade_quarter, quarter_bounds

    g = rules.grading
    roster_df = inputs.load("roster", roster)
    lo, hi = quarter_bounds(quarter)
    source = _calls_input(calls, rules)
    per_agent, call_issues = source.per_agent(lo, hi, set(roster_df["agent_id"]), cph_calls=g.metrics.cph_calls,
                                              success_denominator=g.metrics.success_denominator,
                                              success_optional=g.calls_without_success == "grade_other_criteria")
    inputs.extra_records.extend(source.records)
    kpi_df = inputs.load("kpi", kpi)
    punches_df = inputs.load_optional("punches", punches, punches_format)
    schedule_df = inputs.load_optional("schedule", schedule)
    cov = report_coverage(quarter, lo, hi, rules, inputs, calls_file=source.label, calls_seen=per_agent,
                          schedule=schedule_df, punches=punches_df, need_hours=True).done()
    cov.require(allow_partial)
    files = {name: str(t.path) for name, t in inputs.tables.items()}
    result = grade_quarter(quarter, roster_df, per_agent, kpi_df, g, punches=punches_df, schedule=schedule_df,
                           files=files)
    result.coverage = cov
    return result, inputs.issues + call_issues + result.issues

