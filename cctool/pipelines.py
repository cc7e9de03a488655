"""One call per command: read the inputs, apply the policy, hand back results and issues.
The CLI renders and writes; nothing here prints."""
from __future__ import annotations

from pathlib import Path

from cctool.errors import Issue
from cctool.io.inputs import InputSet
from cctool.periods import parse_month
from cctool.policy.attendance import AttendanceResult, audit_month, month_bounds
from cctool.policy.payroll import PayrollResult, compute_payroll
from cctool.report.writer import InputRecord
from cctool.rules.model import Rules


def run_attendance(month: str, rules: Rules, inputs: InputSet, *, roster: Path, schedule: Path, punches: Path,
                   leave: Path | None = None, excusals: Path | None = None,
                   swaps: Path | None = None) -> tuple[AttendanceResult, list[Issue], str]:
    period = parse_month(month)
    roster_df = inputs.load("roster", roster)
    frames = {"schedule": inputs.load("schedule", schedule), "punches": inputs.load("punches", punches),
              "leave": inputs.load_optional("leave", leave), "excusals": inputs.load_optional("excusals", excusals),
              "swaps": inputs.load_optional("swaps", swaps)}
    files = {name: str(t.path) for name, t in inputs.tables.items()}
    result = audit_month(period, roster_df, frames["schedule"], frames["punches"], rules, leave=frames["leave"],
                         excusals=frames["excusals"], swaps=frames["swaps"], files=files)
    return result, inputs.issues + result.issues, period


def run_payroll(month: str, rules: Rules, inputs: InputSet, *, roster: Path, schedule: Path, punches: Path,
                leave: Path | None = None, excusals: Path | None = None, calls: Path | None = None,
                kpi: Path | None = None) -> tuple[PayrollResult, list[Issue], str]:
    att, issues, period = run_attendance(month, rules, inputs, roster=roster, schedule=schedule, punches=punches,
                                         leave=leave, excusals=excusals)
    already = len(inputs.issues)
    kpi_df = inputs.load_optional("kpi", kpi)
    issues = issues + inputs.issues[already:]
    calls_by_agent = shift_calls = centre_cph = None
    if calls is not None:
        from cctool.policy.calls import call_metrics, shift_call_counts

        lo, hi = month_bounds(period)
        known = set(inputs.roster["agent_id"])
        calls_by_agent, call_issues = call_metrics(calls, lo, hi, known, aliases=rules.columns.aliases.get("calls"),
                                                   field_map=rules.columns.mapping("calls"))
        inputs.extra_records.append(InputRecord("calls", str(calls), _sha(calls),
                                                int(calls_by_agent.attrs.get("rows_read", 0))))
        issues = issues + call_issues
        shift_calls, centre_cph = shift_call_counts(calls, att.shifts, rules, aliases=rules.columns.aliases.get("calls"),
                                                    field_map=rules.columns.mapping("calls"))
    result = compute_payroll(period, inputs.roster, att, rules, kpi=kpi_df, calls_by_agent=calls_by_agent,
                             shift_calls=shift_calls, centre_cph=centre_cph)
    return result, issues, period


def _sha(path: Path) -> str:
    from cctool.io.readers import file_sha256, split_spec

    return file_sha256(split_spec(path)[0])
