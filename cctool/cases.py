"""`rules test`: golden cases a centre writes for its own policy.

A cases file is a YAML list; each case names a month (or a quarter, for a grade), gives tiny
inline tables and the expected outcome per agent:

    - name: 15 min 01 s late is half a day of absence
      month: 2026-10
      roster:   [{agent_id: A1, name: Test, team: T1, role: agent, ...}]
      schedule: [{agent_id: A1, date: 2026-10-08, shift_start: "09:00", shift_end: "18:00"}]
      punches:  [{agent_id: A1, date: 2026-10-08, sign_in: "2026-10-08 09:15:01", sign_out: "..."}]
      expect:
        A1: {absent_days: 0.5, late_count: 0}

The tables go through the real readers (written to a temporary folder as CSV) and the real
pipelines, so a case checks exactly what a report would say. Any field of the JSON records
may be expected: attendance, pay (the payroll is computed when a pay field is expected), grade
(with `quarter`), and leave as `leave: {REQUEST_ID: {field: value}}`.
"""
from __future__ import annotations

import datetime as dt
import math
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd
import yaml

from cctool.errors import InputError
from cctool.io.inputs import InputSet
from cctool.rules.model import Rules

TABLES = ("roster", "schedule", "punches", "leave", "excusals", "swaps", "kpi", "calls")
CASE_KEYS = {"name", "month", "quarter", "expect", *TABLES}
ATTENDANCE_FIELDS = {"team", "month", "scheduled_days", "worked_days", "late_count", "early_leave_count",
                     "absent_days", "leave_days", "performance_bonus_stopped", "performance_pay_zero",
                     "all_bonus_zero", "wage_withheld", "deemed_resigned", "rule_ids"}
PAY_FIELDS = {"base_pay", "performance_bonus", "commission", "overtime_pay", "deductions", "gross", "net",
              "withheld", "pay_rule_ids"}
GRADE_FIELDS = {"current_grade", "kpi_mean", "cph", "success_rate", "calls", "connected", "successes", "hours",
                "earned_grade", "decision", "rule_ids"}
LEAVE_FIELDS = {"leave_type", "days", "approved", "rule_ids", "verdict"}
TIME_COLUMNS = {"shift_start", "shift_end"}


@dataclass
class Case:
    name: str
    index: int
    month: str | None
    quarter: str | None
    tables: dict[str, list[dict]]
    expect: dict[str, dict]


@dataclass
class CaseResult:
    case: Case
    differences: list[str] = field(default_factory=list)  # "A1.absent_days: expected 0.5, got 1.0"

    @property
    def passed(self) -> bool:
        return not self.differences


# ----------------------------------------------------------------------------- reading the file

def load_cases(path: Path) -> list[Case]:
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: cases file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the cases file ({exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise InputError(f"{path}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(doc, list) or not doc:
        raise InputError(f"{path}: a cases file is a YAML list of cases (- name: ..., month: ..., expect: ...)")
    return [_case(path, i, raw) for i, raw in enumerate(doc)]


def _case(path: Path, i: int, raw) -> Case:
    where = f"{path}: case [{i}]"
    if not isinstance(raw, dict):
        raise InputError(f"{where}: each case is a mapping (name, month, tables, expect)")
    name = str(raw.get("name") or f"case {i + 1}")
    where = f"{path}: case [{i}] {name!r}"
    unknown = set(raw) - CASE_KEYS
    if unknown:
        raise InputError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))} "
                         f"(allowed: {', '.join(sorted(CASE_KEYS))})")
    if ("month" in raw) == ("quarter" in raw):
        raise InputError(f"{where}: give exactly one of month (attendance, leave, pay) or quarter (grade)")
    for need in (("roster", "schedule", "punches") if "month" in raw else ("roster", "calls", "kpi")):
        if not raw.get(need):
            raise InputError(f"{where}: the {need} table is missing or empty")
    tables = {}
    for t in TABLES:
        rows = raw.get(t)
        if rows is None:
            continue
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise InputError(f"{where}: {t} must be a list of rows ({{column: value, ...}})")
        for j, r in enumerate(rows):
            for col in TIME_COLUMNS & set(r):
                if isinstance(r[col], int):  # YAML reads 09:00 unquoted as a sexagesimal number
                    raise InputError(f"{where}: {t}[{j}].{col}: write times in quotes (\"09:00\"), got {r[col]!r}")
        tables[t] = rows
    expect = raw.get("expect")
    if not isinstance(expect, dict) or not expect:
        raise InputError(f"{where}: expect must map agent IDs to expected fields ({{A1: {{absent_days: 0.5}}}})")
    allowed = GRADE_FIELDS if "quarter" in raw else ATTENDANCE_FIELDS | PAY_FIELDS | {"leave"}
    for agent, fields in expect.items():
        if not isinstance(fields, dict) or not fields:
            raise InputError(f"{where}: expect.{agent} must map fields to values")
        bad = set(fields) - allowed
        if bad:
            raise InputError(f"{where}: expect.{agent}: unknown field(s) {', '.join(sorted(bad))} "
                             f"(allowed: {', '.join(sorted(allowed))})")
        for rid, lv in (fields.get("leave") or {}).items():
            if not isinstance(lv, dict) or set(lv) - LEAVE_FIELDS:
                raise InputError(f"{where}: expect.{agent}.leave.{rid}: fields of a leave request are "
                                 f"{', '.join(sorted(LEAVE_FIELDS))}")
    month = str(raw["month"]) if "month" in raw else None
    quarter = str(raw["quarter"]) if "quarter" in raw else None
    return Case(name, i, month, quarter, tables, {str(a): f for a, f in expect.items()})


# ----------------------------------------------------------------------------- running a case

def _write_tables(case: Case, folder: Path) -> dict[str, Path]:
    paths = {}
    for name, rows in case.tables.items():
        frame = pd.DataFrame(rows)
        for col in frame.columns:  # YAML dates and datetimes as the ISO text an export holds
            frame[col] = frame[col].map(lambda v: v.isoformat(sep=" ") if isinstance(v, dt.datetime)
                                        else v.isoformat() if isinstance(v, dt.date) else v)
        paths[name] = folder / f"{name}.csv"
        frame.to_csv(paths[name], index=False, encoding="utf-8")
    return paths


def run_case(case: Case, rules: Rules) -> CaseResult:
    from cctool.pipelines import audit_inputs, pay_from_audit, read_attendance_inputs, read_pay_inputs, run_grading
    from cctool.report.attendance import attendance_json
    from cctool.report.grading import grading_json
    from cctool.report.payroll import payroll_json

    result = CaseResult(case)
    with tempfile.TemporaryDirectory(prefix="cctool-case-") as tmp:
        paths = _write_tables(case, Path(tmp))
        inputs = InputSet(rules)
        try:
            if case.quarter:
                from cctool.periods import parse_quarter

                grades, _ = run_grading(parse_quarter(case.quarter), rules, inputs, roster=paths["roster"],
                                        calls=paths["calls"], kpi=paths["kpi"], punches=paths.get("punches"),
                                        schedule=paths.get("schedule"), allow_partial=True)
                records = {r["agent_id"]: r for r in grading_json(grades)["records"]}
                leave = {}
            else:
                from cctool.periods import parse_month

                period = parse_month(case.month)
                tables = read_attendance_inputs(inputs, roster=paths["roster"], schedule=paths["schedule"],
                                                punches=paths["punches"], leave=paths.get("leave"),
                                                excusals=paths.get("excusals"), swaps=paths.get("swaps"))
                # A case's tables are a few rows by design and its month is over: the whole month is
                # judged (as of its end) and coverage gaps do not stop it.
                from cctool.policy.attendance import month_bounds

                att = audit_inputs(period, rules, inputs, tables, as_of=month_bounds(period)[1], allow_partial=True)
                doc = attendance_json(att)
                records = {r["agent_id"]: dict(r) for r in doc["records"]}
                leave = {r["request_id"]: r for r in doc["leave"]}
                if any(set(f) & PAY_FIELDS for f in case.expect.values()):
                    pay = read_pay_inputs(period, rules, inputs, kpi=paths.get("kpi"), calls=paths.get("calls"))
                    payroll = payroll_from(pay_from_audit(period, rules, inputs, att, pay), payroll_json)
                    for agent, rec in payroll.items():
                        records.setdefault(agent, {}).update(rec)
        except InputError as exc:
            result.differences.append(f"the case's tables cannot be read: {_tidy(str(exc), paths)}")
            return result
        errors = [i for i in inputs.issues if i.severity == "error"]
        for issue in errors:
            result.differences.append(f"input problem: {_tidy(issue.message(), paths)}")
        for agent, fields in case.expect.items():
            result.differences += compare_agent(agent, fields, records.get(agent), leave)
    return result


def payroll_from(result, payroll_json) -> dict[str, dict]:
    """Pay records by agent; the payroll's rule IDs as `pay_rule_ids` (attendance has its own rule_ids)."""
    out = {}
    for rec in payroll_json(result)["records"]:
        rec = dict(rec)
        rec["pay_rule_ids"] = rec.pop("rule_ids", None)
        out[rec.pop("agent_id")] = {k: v for k, v in rec.items() if k in PAY_FIELDS}
    return out


def _tidy(text: str, paths: dict[str, Path]) -> str:
    for name, p in paths.items():
        text = text.replace(str(p), f"table {name}")
    return text


# ----------------------------------------------------------------------------- comparing

def compare_agent(agent: str, fields: dict, record: dict | None, leave: dict[str, dict]) -> list[str]:
    if record is None:
        return [f"{agent}: no record (not in the roster, or nothing scheduled)"]
    out = []
    for name, want in fields.items():
        if name == "leave":
            for rid, lv in want.items():
                got = leave.get(str(rid))
                if got is None or got.get("agent_id") != agent:
                    out.append(f"{agent}.leave.{rid}: no such leave request of {agent} in the month")
                    continue
                out += [f"{agent}.leave.{rid}.{k}: expected {_show(v)}, got {_show(got.get(k))}"
                        for k, v in lv.items() if not same(v, got.get(k))]
            continue
        if name not in record:
            out.append(f"{agent}.{name}: not in the results (a pay field needs the payroll: is the person paid?)")
        elif not same(want, record[name]):
            out.append(f"{agent}.{name}: expected {_show(want)}, got {_show(record[name])}")
    return out


def same(want, got) -> bool:
    """Equal as a reader would judge: numbers to the cent, rule ID lists as sets, text exactly."""
    if isinstance(want, bool) or isinstance(got, bool):
        return want is got or (isinstance(got, bool) and isinstance(want, bool) and want == got)
    if isinstance(want, (int, float, Decimal)) and isinstance(got, (int, float, Decimal)):
        return math.isclose(float(want), float(got), abs_tol=0.005)
    if isinstance(want, list):  # rule IDs: [ATT-COUNT-3, ATT-ABS-1] against "ATT-COUNT-3, ATT-ABS-1"
        have = [x.strip() for x in str(got or "").split(",") if x.strip()]
        return sorted(map(str, want)) == sorted(have)
    if want is None:
        return got is None or got == ""
    return str(want) == str(got)


def _show(value) -> str:
    return str(value) if isinstance(value, Decimal) else repr(value)
