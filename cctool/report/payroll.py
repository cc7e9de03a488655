"""Sheets and JSON of the monthly payroll; splitting it so each manager gets only their people."""
from __future__ import annotations

from cctool.policy.payroll import MONEY_COLUMNS, PayrollResult, totals_by_unit
from cctool.report.writer import Sheet, records

PAYROLL_SHEET = ["agent_id", "name", "department", "team", "role", "month", *MONEY_COLUMNS, "rule_ids", "explanation"]
RECORD_FIELDS = ["agent_id", "month", "base_pay", "performance_bonus", "commission", "overtime_pay", "deductions",
                 "gross", "net", "rule_ids", "explanation"]


def payroll_sheets(result: PayrollResult) -> list[Sheet]:
    money = MONEY_COLUMNS
    payroll = result.payroll.reindex(columns=PAYROLL_SHEET)
    return [
        Sheet("Payroll", payroll, money=money,
              note=f"Payroll {result.month} — CONFIDENTIAL (PAY-CONFIDENTIAL). gross = base + bonus + commission + "
                   "overtime; net = gross − deductions."),
        Sheet("Deductions", result.deductions, money=("amount",),
              note="One row per deduction, with the rule that made it."),
        Sheet("Totals", result.totals, money=money, note="Sums of the people's lines, by department and team."),
        Sheet("Overtime", result.overtime, note="Overtime shifts and whether PAY-OT pays them by the hour."),
    ]


def split_result(result: PayrollResult, by: str) -> dict[str, PayrollResult]:
    """One result per department or team, each holding only that unit's people."""
    out = {}
    for unit, people in result.payroll.groupby(by, sort=True):
        ids = set(people["agent_id"])
        out[str(unit)] = PayrollResult(
            result.month, people.reset_index(drop=True),
            result.deductions[result.deductions["agent_id"].isin(ids)].reset_index(drop=True),
            totals_by_unit(people),
            result.overtime[result.overtime["agent_id"].isin(ids)].reset_index(drop=True),
        )
    return out


def payroll_json(result: PayrollResult) -> dict:
    recs = records(result.payroll.reindex(columns=RECORD_FIELDS))
    lines = result.deductions
    by_person: dict[str, list[dict]] = {}
    for rec in records(lines[["agent_id", "item", "amount", "rule_id", "reason"]]):
        by_person.setdefault(rec.pop("agent_id"), []).append(rec)
    for rec in recs:
        rec["deduction_lines"] = by_person.get(rec["agent_id"], [])
    return {"records": recs, "totals": records(result.totals)}


def safe_unit_name(unit: str) -> str:
    keep = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in unit)
    return keep.strip("_") or "unit"
