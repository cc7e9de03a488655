"""`explain`: one person's month (or quarter) as a lead shows it to an agent who disputes it.

Built from the same results the reports are built from (AttendanceResult, PayrollResult,
GradingResult): every scheduled shift with its punches and outcome, each finding with its
reason and rule ID, each leave request with the chain required and given, the consequences,
the pay lines, the grade. Rendered as text, markdown or JSON.
"""
from __future__ import annotations

import json
from decimal import Decimal

import pandas as pd

from cctool.policy.attendance import AttendanceResult
from cctool.policy.grading import GradingResult
from cctool.policy.payroll import MONEY_COLUMNS, PayrollResult
from cctool.report.writer import _json_default, records

CONSEQUENCES = ["performance_bonus_stopped", "performance_pay_zero", "all_bonus_zero", "wage_withheld",
                "deemed_resigned", "training_ended"]
COUNTS = ["scheduled_days", "worked_days", "late_count", "early_leave_count", "excused_count", "missing_punch_count",
          "absent_days", "leave_days"]
LEAVE_FIELDS = ["request_id", "leave_type", "start", "end", "days", "required_chain", "approvals", "verdict",
                "rule_ids", "reason"]


def _hhmm(seconds) -> str:
    if seconds is None or pd.isna(seconds):
        return ""
    s = int(seconds)
    return f"{(s // 3600) % 24:02d}:{(s % 3600) // 60:02d}"


def _time(ts) -> str:
    return "" if ts is None or pd.isna(ts) else pd.Timestamp(ts).strftime("%Y-%m-%d %H:%M:%S")


def shift_outcome(r) -> str:
    """A shift's result in a few words, with the rule IDs that decided it."""
    parts = []
    if isinstance(r.get("late_kind"), str):
        parts.append(f"{r['late_kind'].replace('_', ' ')} on arrival ({r['late_rule']})")
    if isinstance(r.get("early_kind"), str):
        parts.append(f"{r['early_kind'].replace('_', ' ')} on departure ({r['early_rule']})")
    if r.get("missing_punch"):
        parts.append("one punch missing (review)")
    if r.get("leave_taken", 0) > 0:
        parts.append(f"leave {r['leave_taken']:g} day (request {r.get('leave_request')})")
    if r.get("absence", 0) > 0:
        parts.append(f"absence {r['absence']:g} day ({r.get('absence_rule')})")
    return "; ".join(parts) or "on time, full shift"


def _shifts(att: AttendanceResult, agent: str) -> list[dict]:
    s = att.shifts[att.shifts["agent_id"] == agent].sort_values("date")
    out = []
    for r in s.to_dict(orient="records"):
        out.append({"date": pd.Timestamp(r["date"]).strftime("%Y-%m-%d"),
                    "scheduled": f"{_hhmm(r['shift_start'])}–{_hhmm(r['shift_end'])}",
                    "sign_in": _time(r.get("sign_in")), "sign_out": _time(r.get("sign_out")),
                    "absence_days": float(r.get("absence", 0) or 0), "leave_days": float(r.get("leave_taken", 0) or 0),
                    "outcome": shift_outcome(r)})
    return out


def explain_month(agent: str, person: dict, att: AttendanceResult, pay: PayrollResult | None) -> dict:
    """Everything about one person's month, JSON-ready."""
    doc: dict = {"agent_id": agent, "person": person, "month": att.month, "shifts": _shifts(att, agent)}
    ev = att.events[att.events["agent_id"] == agent]
    doc["findings"] = records(ev[["date", "kind", "minutes", "rule_id", "reason"]])
    lv = att.leave[att.leave["agent_id"] == agent] if not att.leave.empty else att.leave
    doc["leave"] = records(lv.reindex(columns=LEAVE_FIELDS)) if len(lv) else []
    row = att.summary[att.summary["agent_id"] == agent]
    if len(row):
        r = row.iloc[0]
        doc["month_totals"] = {c: _scalar(r[c]) for c in COUNTS}
        doc["consequences"] = [c for c in CONSEQUENCES if bool(r[c])]
        doc["rule_ids"] = r["rule_ids"]
        doc["explanation"] = r["explanation"]
    else:
        doc["month_totals"], doc["consequences"] = {}, []
        doc["explanation"] = "no scheduled shift this month"
    if pay is not None:
        p = pay.payroll[pay.payroll["agent_id"] == agent]
        if len(p):
            pr = p.iloc[0]
            money = [c for c in pay.payroll.columns if c in MONEY_COLUMNS or isinstance(pr[c], Decimal)]
            lines = pay.deductions[pay.deductions["agent_id"] == agent]
            doc["pay"] = {**{c: pr[c] for c in money}, "rule_ids": pr["rule_ids"], "explanation": pr["explanation"],
                          "deduction_lines": records(lines.reindex(columns=[c for c in (
                              "item", "amount", "status", "rule_id", "reason") if c in lines.columns]))}
    return doc


def explain_grade(agent: str, person: dict, grades: GradingResult) -> dict:
    g = grades.grades[grades.grades["agent_id"] == agent]
    doc = {"agent_id": agent, "person": person, "quarter": grades.quarter}
    if g.empty:
        doc["grade"] = None
        doc["explanation"] = "not graded this quarter (not a TSR agent, or no data)"
        return doc
    # as grade-agents' JSON shows them: CPH to 2 decimals, success rate to 4
    r = records(g.assign(cph=g["cph"].round(2), success_rate=g["success_rate"].round(4)))[0]
    doc["grade"] = {k: r[k] for k in ("current_grade", "tenure_months", "kpi_mean", "kpi_months", "calls",
                                      "connected", "successes", "hours", "cph_basis", "cph", "success_rate",
                                      "earned_grade", "decision", "required_approvals", "management_note",
                                      "rule_ids") if k in r}
    doc["explanation"] = r["explanation"]
    return doc


def _scalar(v):
    return v.item() if hasattr(v, "item") else v


# ----------------------------------------------------------------------------- rendering

def render_json(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1, default=_json_default) + "\n"


def _fmt(v) -> str:
    if v is None or (not isinstance(v, (str, list, dict, Decimal)) and pd.isna(v)):
        return ""
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d %H:%M") if (v.hour or v.minute) else v.strftime("%Y-%m-%d")
    return str(v)


def render(doc: dict, markdown: bool) -> str:
    """Text or markdown; the same sections either way."""
    h = (lambda t: f"## {t}") if markdown else (lambda t: f"{t}\n{'-' * len(t)}")
    item = "- " if markdown else "  "
    p = doc["person"]
    title = f"{doc['agent_id']} {p.get('name', '')} ({p.get('team', '')}, {p.get('role', '')}"
    title += f", grade {p['grade']})" if p.get("grade") else ")"
    period = doc.get("month") or doc.get("quarter")
    lines = [f"# {title} — {period}" if markdown else f"{title} — {period}", ""]
    if "shifts" in doc:
        lines.append(h(f"Scheduled shifts ({len(doc['shifts'])})"))
        for s in doc["shifts"]:
            lines.append(f"{item}{s['date']} {s['scheduled']}: in {s['sign_in'] or '—'}, out {s['sign_out'] or '—'}"
                         f" → {s['outcome']}")
        lines += ["", h(f"Findings ({len(doc['findings'])})")]
        lines += [f"{item}{_fmt(e['date'])} [{e['rule_id']}] {e['kind']}: {e['reason']}" for e in doc["findings"]] \
            or [f"{item}none"]
        lines += ["", h(f"Leave requests ({len(doc['leave'])})")]
        for lv in doc["leave"]:
            lines.append(f"{item}{lv['request_id']} {lv['leave_type']} {_fmt(lv['start'])} – {_fmt(lv['end'])} "
                         f"({_fmt(lv['days'])} day(s)): chain required {_fmt(lv['required_chain']) or '—'}; "
                         f"given {_fmt(lv['approvals']) or 'none'} → {lv['verdict']} [{lv['rule_ids']}]. "
                         f"{_fmt(lv['reason'])}")
        if not doc["leave"]:
            lines.append(f"{item}none")
        lines += ["", h("The month")]
        t = doc["month_totals"]
        if t:
            lines.append(f"{item}scheduled {t['scheduled_days']:g} day(s), worked {t['worked_days']:g}, "
                         f"absent {t['absent_days']:g}, leave {t['leave_days']:g}; {t['late_count']} late(s), "
                         f"{t['early_leave_count']} early leave(s), {t['excused_count']} excused, "
                         f"{t['missing_punch_count']} missing punch(es)")
        lines.append(f"{item}consequences: {', '.join(c.replace('_', ' ') for c in doc['consequences']) or 'none'}")
        if doc.get("explanation"):
            lines.append(f"{item}why: {doc['explanation']}")
        if "pay" in doc:
            pay = doc["pay"]
            lines += ["", h("Pay (CONFIDENTIAL)")]
            lines.append(item + ", ".join(f"{k.replace('_', ' ')} {_fmt(v)}" for k, v in pay.items()
                                          if k not in ("rule_ids", "explanation", "deduction_lines")))
            for d in pay["deduction_lines"]:
                status = f" ({d['status']})" if d.get("status") else ""
                lines.append(f"{item}− {d['item']} {_fmt(d['amount'])}{status} [{d['rule_id']}]: {d['reason']}")
            lines.append(f"{item}rules: {pay['rule_ids']}")
    else:
        lines.append(h("Grade"))
        g = doc["grade"]
        if g:
            lines.append(f"{item}current {_fmt(g['current_grade'])}, earned {_fmt(g['earned_grade'])} → "
                         f"{g['decision']} [{g['rule_ids']}]")
            lines.append(f"{item}KPI mean {_fmt(g.get('kpi_mean'))} over {_fmt(g.get('kpi_months'))} month(s); "
                         f"CPH {_fmt(g.get('cph'))} ({_fmt(g.get('cph_basis'))}); success rate "
                         f"{_fmt(g.get('success_rate'))}; {_fmt(g.get('calls'))} calls")
            if g.get("required_approvals"):
                lines.append(f"{item}approvals needed: {g['required_approvals']}")
        lines.append(f"{item}why: {doc['explanation']}")
    return "\n".join(lines).rstrip() + "\n"
