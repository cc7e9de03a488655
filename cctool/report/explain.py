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
from cctool.report.labels import label
from cctool.report.phrases import localise, to_zh
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
    # A day judged by hours worked (attendance.worked_hours) has no late/early finding left: the
    # hours' absence replaced them, as its finding says.
    by_hours = isinstance(r.get("hours_kind"), str)
    if isinstance(r.get("late_kind"), str) and not by_hours:
        parts.append(f"{r['late_kind'].replace('_', ' ')} on arrival ({r['late_rule']})")
    if isinstance(r.get("early_kind"), str) and not by_hours:
        parts.append(f"{r['early_kind'].replace('_', ' ')} on departure ({r['early_rule']})")
    if r.get("missing_punch"):
        parts.append("one punch missing (review)")
    if r.get("leave_taken", 0) > 0:
        parts.append(f"leave {r['leave_taken']:g} day (request {r.get('leave_request')})")
    if r.get("absence", 0) > 0:
        parts.append(f"absence {r['absence']:g} day ({r.get('absence_rule')})")
    return "; ".join(parts) or "on time, full shift"


def _shifts(att: AttendanceResult, agent: str) -> list[dict]:
    s = att.shifts[att.shifts["agent_id"] == agent].sort_values(["date", "shift_start_at"])  # a split day in order
    out = []
    for r in s.to_dict(orient="records"):
        out.append({"date": pd.Timestamp(r["date"]).strftime("%Y-%m-%d"),
                    "scheduled": f"{_hhmm(r['shift_start'])}–{_hhmm(r['shift_end'])}",
                    "sign_in": _time(r.get("sign_in")), "sign_out": _time(r.get("sign_out")),
                    "absence_days": float(r.get("absence", 0) or 0), "leave_days": float(r.get("leave_taken", 0) or 0),
                    "outcome": shift_outcome(r)})
    return out


def _which_shift(finding: dict, shifts: list[dict]) -> str:
    """' 13:50' after a finding's date when that day holds several shifts (a split day), so
    the finding names its shift; nothing on a day of one shift."""
    start = finding.get("shift_start")
    if not start or sum(s["date"] == _fmt(finding["date"]) for s in shifts) < 2:
        return ""
    return f" {start}"


def explain_month(agent: str, person: dict, att: AttendanceResult, pay: PayrollResult | None) -> dict:
    """Everything about one person's month, JSON-ready."""
    doc: dict = {"agent_id": agent, "person": person, "month": att.month, "shifts": _shifts(att, agent)}
    ev = att.events[att.events["agent_id"] == agent]
    doc["findings"] = records(ev.reindex(columns=["date", "shift_start", "kind", "minutes", "rule_id", "reason"]))
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


# The words of the text and markdown renderings; reasons and coded values go through the phrasebook.
_WORDS: dict[str, tuple[str, str]] = {
    "grade": ("grade", "级别"), "shifts": ("Scheduled shifts", "排班班次"), "in": ("in", "签入"),
    "out": ("out", "签出"), "findings": ("Findings", "发现"), "none": ("none", "无"),
    "leave": ("Leave requests", "请假单"), "days": ("day(s)", "天"), "required": ("chain required", "应审批"),
    "given": ("given", "实际审批"), "month": ("The month", "本月"), "consequences": ("consequences", "后果"),
    "why": ("why", "原因"), "pay": ("Pay (CONFIDENTIAL)", "工资（保密）"), "rules": ("rules", "规则"),
    "grade_head": ("Grade", "评级"), "current": ("current", "当前"), "earned": ("earned", "评定"),
    "approvals": ("approvals needed", "所需审批"),
}


def _totals_line(t: dict, lang: str) -> str:
    if lang == "zh":
        return (f"排班{t['scheduled_days']:g}天，出勤{t['worked_days']:g}天，旷工{t['absent_days']:g}天，"
                f"请假{t['leave_days']:g}天；迟到{t['late_count']}次，早退{t['early_leave_count']}次，"
                f"免责{t['excused_count']}次，漏打卡{t['missing_punch_count']}次")
    return (f"scheduled {t['scheduled_days']:g} day(s), worked {t['worked_days']:g}, absent {t['absent_days']:g}, "
            f"leave {t['leave_days']:g}; {t['late_count']} late(s), {t['early_leave_count']} early leave(s), "
            f"{t['excused_count']} excused, {t['missing_punch_count']} missing punch(es)")


def _percent(value) -> str:
    """A rate as the reasons write it (66.42%), or the dash of a missing value."""
    return f"{float(value) * 100:.2f}%" if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def _metrics_line(g: dict, lang: str) -> str:
    g = {k: (v if _fmt(v) else "—") for k, v in g.items()}  # not graded: no success rate, no grade
    g["success_rate"] = _percent(g.get("success_rate"))
    if lang == "zh":
        return (f"KPI平均 {_fmt(g.get('kpi_mean'))}（{_fmt(g.get('kpi_months'))}个月）；CPH {_fmt(g.get('cph'))}"
                f"（{to_zh(_fmt(g.get('cph_basis')))}）；成功率 {_fmt(g.get('success_rate'))}；"
                f"通话{_fmt(g.get('calls'))}个")
    return (f"KPI mean {_fmt(g.get('kpi_mean'))} over {_fmt(g.get('kpi_months'))} month(s); CPH {_fmt(g.get('cph'))} "
            f"({_fmt(g.get('cph_basis'))}); success rate {_fmt(g.get('success_rate'))}; {_fmt(g.get('calls'))} calls")


def render(doc: dict, markdown: bool, lang: str = "en") -> str:
    """Text or markdown; the same sections either way. In Chinese (`lang="zh"`) the words, reasons
    and coded values are Chinese; IDs, rule IDs, dates, figures and the person's name stay as they are."""
    zh = lang == "zh"

    def w(key: str) -> str:
        return _WORDS[key][1 if zh else 0]

    def z(v) -> str:  # a value or sentence of the result, through the phrasebook in Chinese
        return localise(_fmt(v), lang)

    def n_of(key: str, n: int) -> str:
        return f"{w(key)}（{n}）" if zh else f"{w(key)} ({n})"

    sep, colon, comma, stop = ("；", "：", "，", "。") if zh else ("; ", ": ", ", ", ". ")
    h = (lambda t: f"## {t}") if markdown else (lambda t: f"{t}\n{'-' * len(t)}")
    item = "- " if markdown else "  "
    p = doc["person"]
    grade = (f"，{w('grade')} {z(p['grade'])}" if zh else f", grade {p['grade']}") if p.get("grade") else ""
    title = (f"{doc['agent_id']} {p.get('name', '')}（{p.get('team', '')}，{z(p.get('role'))}{grade}）" if zh
             else f"{doc['agent_id']} {p.get('name', '')} ({p.get('team', '')}, {p.get('role', '')}{grade})")
    period = doc.get("month") or doc.get("quarter")
    lines = [f"# {title} — {period}" if markdown else f"{title} — {period}", ""]
    if doc.get("coverage", {}).get("partial"):
        banner = z("PARTIAL REPORT (--allow-partial): " + "; ".join(doc["coverage"]["gaps"]))
        lines += [f"**{banner}**" if markdown else banner, ""]
    if "shifts" in doc:
        lines.append(h(n_of("shifts", len(doc["shifts"]))))
        for s in doc["shifts"]:
            lines.append(f"{item}{s['date']} {s['scheduled']}{colon}{w('in')} {s['sign_in'] or '—'}{comma}{w('out')} "
                         f"{s['sign_out'] or '—'} → {z(s['outcome'])}")
        lines += ["", h(n_of("findings", len(doc["findings"])))]
        lines += [f"{item}{_fmt(e['date'])}{_which_shift(e, doc['shifts'])} [{e['rule_id']}] {z(e['kind'])}"
                  f"{colon}{z(e['reason'])}" for e in doc["findings"]] or [f"{item}{w('none')}"]
        lines += ["", h(n_of("leave", len(doc["leave"])))]
        for lv in doc["leave"]:
            lines.append(f"{item}{lv['request_id']} {z(lv['leave_type'])} {_fmt(lv['start'])} – {_fmt(lv['end'])} "
                         + (f"（{_fmt(lv['days'])}{w('days')}）" if zh else f"({_fmt(lv['days'])} {w('days')})")
                         + f"{colon}{w('required')} {z(lv['required_chain']) or '—'}{sep}"
                         f"{w('given')} {z(lv['approvals']) or w('none')} → {z(lv['verdict'])} [{lv['rule_ids']}]{stop}"
                         f"{z(lv['reason'])}")
        if not doc["leave"]:
            lines.append(f"{item}{w('none')}")
        lines += ["", h(w("month"))]
        t = doc["month_totals"]
        if t:
            lines.append(item + _totals_line(t, lang))
        names = [z(c) if zh else c.replace("_", " ") for c in doc["consequences"]]
        lines.append(f"{item}{w('consequences')}{colon}{('、' if zh else ', ').join(names) or w('none')}")
        if doc.get("explanation"):
            lines.append(f"{item}{w('why')}{colon}{z(doc['explanation'])}")
        if "pay" in doc:
            pay = doc["pay"]
            lines += ["", h(w("pay"))]
            lines.append(item + ("，" if zh else ", ").join(
                f"{label(k, 'zh') if zh else k.replace('_', ' ')} {_fmt(v)}" for k, v in pay.items()
                if k not in ("rule_ids", "explanation", "deduction_lines")))
            for d in pay["deduction_lines"]:
                status = (f"（{z(d['status'])}）" if zh else f" ({d['status']})") if d.get("status") else ""
                lines.append(f"{item}− {z(d['item'])} {_fmt(d['amount'])}{status} [{d['rule_id']}]{colon}{z(d['reason'])}")
            lines.append(f"{item}{w('rules')}{colon}{pay['rule_ids']}")
    else:
        lines.append(h(w("grade_head")))
        g = doc["grade"]
        if g:
            lines.append(f"{item}{w('current')} {z(g['current_grade']) or '—'}{comma}{w('earned')} "
                         f"{z(g['earned_grade']) or '—'} → "
                         f"{z(g['decision'])} [{g['rule_ids']}]")
            lines.append(item + _metrics_line(g, lang))
            if g.get("required_approvals"):
                lines.append(f"{item}{w('approvals')}{colon}{z(g['required_approvals'])}")
        lines.append(f"{item}{w('why')}{colon}{z(doc['explanation'])}")
    return "\n".join(lines).rstrip() + "\n"
