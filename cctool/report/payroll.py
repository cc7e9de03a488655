"""Sheets and JSON of the monthly payroll; splitting it so each manager gets only their people."""
from __future__ import annotations

import hashlib
import pandas as pd

from cctool.errors import Issue
from cctool.policy.payroll import DEDUCTED, MONEY_COLUMNS, NOT_PAID, PayrollResult, totals_by_unit
from cctool.report.writer import Sheet, records

PAYROLL_SHEET = ["agent_id", "name", "department", "team", "role", "month", *MONEY_COLUMNS, "rule_ids", "explanation"]
RECORD_FIELDS = ["agent_id", "month", "base_pay", "performance_bonus", "commission", "overtime_pay", "withheld",
                 "deductions", "gross", "net", "rule_ids", "explanation"]
LINE_FIELDS = ["item", "amount", "rule_id", "reason"]
NO_UNIT = "(none)"  # the unit of people with a blank department or team
MAX_UNIT_NAME = 60  # characters of a unit's name kept in a file name


class SplitError(RuntimeError):
    """The split files would not hold exactly the people of the payroll: a bug, never written."""


def payroll_sheets(result: PayrollResult) -> list[Sheet]:
    money = MONEY_COLUMNS
    payroll = result.payroll.reindex(columns=PAYROLL_SHEET)
    return [
        Sheet("Payroll", payroll, money=money,
              note=f"Payroll {result.month} — CONFIDENTIAL (PAY-CONFIDENTIAL). Each earning is the amount paid; "
                   "withheld = earnings stopped by a rule (not paid, not in gross); gross = base + bonus + "
                   "commission + overtime; net = gross − deductions."),
        Sheet("Deductions", result.deductions, money=("amount",),
              note="One row per deduction (status deducted: taken from earned pay) and per stopped earning "
                   "(status not paid: withheld by the rule named), with the rule that made it."),
        Sheet("Totals", result.totals, money=money, note="Sums of the people's lines, by department and team."),
        Sheet("Overtime", result.overtime.assign(hours=result.overtime["hours"].astype("float64").round(4),
                                                 calls=result.overtime["calls"].astype("int64")),
              note="Overtime shifts and whether PAY-OT pays them by the hour (hours worked inside the arranged "
                   "shift, to 4 decimals as paid; CPH over the signed-in hours)."),
    ]


def split_result(result: PayrollResult, by: str) -> dict[str, PayrollResult]:
    """One result per department or team, each holding only that unit's people. People whose
    unit is blank form the unit NO_UNIT (never dropped)."""
    out = {}
    units = result.payroll[by].astype(object).where(result.payroll[by].notna(), NO_UNIT).astype(str)
    for unit, people in result.payroll.groupby(units, sort=True):
        ids = set(people["agent_id"])
        out[str(unit)] = PayrollResult(
            result.month, people.reset_index(drop=True),
            result.deductions[result.deductions["agent_id"].isin(ids)].reset_index(drop=True),
            totals_by_unit(people),
            result.overtime[result.overtime["agent_id"].isin(ids)].reset_index(drop=True),
        )
    check_split(result, out)
    return out


def check_split(result: PayrollResult, parts: dict[str, PayrollResult]) -> None:
    """The parts together hold exactly the people (and lines) of the payroll, each once."""
    ids = pd.concat([p.payroll["agent_id"] for p in parts.values()], ignore_index=True) if parts \
        else pd.Series(dtype=object)
    whole = result.payroll["agent_id"]
    if len(ids) != len(whole) or ids.duplicated().any() or set(ids) != set(whole):
        raise SplitError("the split payroll files do not hold exactly the people of the payroll")
    if sum(len(p.deductions) for p in parts.values()) != len(result.deductions):
        raise SplitError("the split payroll files do not hold exactly the pay lines of the payroll")


def safe_unit_name(unit: str) -> str:
    keep = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in unit)
    return keep.strip("_") or "unit"


def _short_hash(unit: str) -> str:
    return hashlib.sha256(unit.encode("utf-8")).hexdigest()[:8]


def unit_file_names(units: list[str]) -> dict[str, str]:
    """A file-name part for each unit, unique even where names sanitise alike (`a/b` and `a_b`,
    `TSR 1` and `TSR/1`) or differ only in case (one file on Windows and macOS): those, and
    names cut to MAX_UNIT_NAME characters, get a short hash of the unit's real name."""
    names = {}
    for unit in units:
        safe = safe_unit_name(unit)
        names[unit] = safe if len(safe) <= MAX_UNIT_NAME else f"{safe[:MAX_UNIT_NAME]}-{_short_hash(unit)}"
    clash: dict[str, list[str]] = {}
    for unit, name in names.items():
        clash.setdefault(name.casefold(), []).append(unit)
    for group in clash.values():
        if len(group) > 1:
            for unit in group:
                names[unit] = f"{names[unit]}-{_short_hash(unit)}"
    if len({n.casefold() for n in names.values()}) != len(names):  # a hash collision: no file may be shared
        raise SplitError("two units would share a payroll file name")
    return names


def unit_issues(issues: list[Issue], part: PayrollResult, everyone: PayrollResult) -> list[Issue]:
    """The input issues a unit's file carries: its own people's, and those of no one on the
    payroll (a file-level problem, a row whose person cannot be read or is not on the roster),
    which concern every unit. Another unit's people's issues stay out (PAY-CONFIDENTIAL)."""
    mine = set(part.payroll["agent_id"])
    paid = set(everyone.payroll["agent_id"])
    return [i for i in issues if i.agent_id is None or i.agent_id in mine or i.agent_id not in paid]


def payroll_json(result: PayrollResult) -> dict:
    recs = records(result.payroll.reindex(columns=RECORD_FIELDS))
    lines = result.deductions
    taken: dict[str, list[dict]] = {}
    stopped: dict[str, list[dict]] = {}
    for status, into in ((DEDUCTED, taken), (NOT_PAID, stopped)):
        for rec in records(lines.loc[lines["status"] == status, ["agent_id", *LINE_FIELDS]]):
            into.setdefault(rec.pop("agent_id"), []).append(rec)
    for rec in recs:
        rec["deduction_lines"] = taken.get(rec["agent_id"], [])
        rec["withheld_lines"] = stopped.get(rec["agent_id"], [])
    return {"records": recs, "totals": records(result.totals)}

