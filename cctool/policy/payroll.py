"""Monthly pay (PAY-*), from grade, attendance, KPI and calls. Exact: every amount is a
Decimal quantized by the rules file's rounding; every total is the sum of its lines.

Each earnings column is the amount paid (issue 12, DATA.md):
- base_pay (PAY-GRADE), performance_bonus (PAY-BONUS by KPI band), commission (per successful
  call and % of sales), overtime_pay (PAY-OT): what the person receives; an earning a rule
  stops (ATT-COUNT-3, ATT-ABS-1, ATT-ABS-2; the whole wage under PAY-NONE) is 0.00 and a line
  with status "not paid" says which rule stopped how much; `withheld` is their sum;
- deductions: amounts taken from earned base pay, each a line with rule ID and reason:
  unpaid days (absence, personal leave, the sick-leave share), working days before joining or
  after leaving, standby (PAY-STANDBY); together never more than the base pay;
- gross = base_pay + performance_bonus + commission + overtime_pay (withheld money excluded);
  net = gross − deductions, never below zero.
Under PAY-NONE (ATT-ABS-3, ATT-QUIT-3) nothing is paid: the withheld line is the wage that
would have been paid (base less its unpaid days, plus the earnings no other rule stopped), and
no deduction is taken from a wage that is not paid.
The attendance consequences come from the attendance audit itself (one copy of those rules).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from cctool.frames import rows, team_or_none
from cctool.policy.attendance import AttendanceResult, left_without_exit_date, month_bounds
from cctool.rules.model import Rules

ZERO = Decimal("0")
MONEY_COLUMNS = ("base_pay", "performance_bonus", "commission", "overtime_pay", "withheld", "deductions", "gross",
                 "net")
PERSON_COLUMNS = ["agent_id", "name", "department", "team", "role", "month", *MONEY_COLUMNS, "rule_ids", "explanation"]
LINE_COLUMNS = ["agent_id", "name", "department", "team", "item", "amount", "status", "rule_id", "reason"]
DEDUCTED = "deducted"  # a line's status: taken from earned pay (in `deductions`)
NOT_PAID = "not paid"  # stopped by a rule: neither paid nor in gross (in `withheld`)


@dataclass
class PayrollResult:
    month: str
    payroll: pd.DataFrame  # one row per person
    deductions: pd.DataFrame  # one row per deduction line
    totals: pd.DataFrame  # by department and team
    overtime: pd.DataFrame  # one row per overtime shift, with the PAY-OT verdict
    coverage: object = None  # what the inputs covered (cctool.coverage.Coverage), set by the pipeline


class Money:
    def __init__(self, rules: Rules):
        r = rules.pay.rounding
        self.quantum = r.quantum
        self.mode = ROUND_HALF_UP if r.mode == "half_up" else ROUND_HALF_EVEN

    def __call__(self, value) -> Decimal:
        return Decimal(str(value)).quantize(self.quantum, rounding=self.mode)


def _dec(value) -> Decimal:
    """A float count (days, hours) as an exact Decimal of what it prints as (0.5 -> 0.5)."""
    return Decimal(repr(float(value))) if value is not None and not pd.isna(value) else ZERO


def weekdays_outside_employment(month: str, hire: pd.Series, exit_: pd.Series | None) -> np.ndarray:
    """Per person, the Mon–Fri dates of the month before the hire date or after the exit date
    (a missing date never counts): one people × weekdays comparison for everyone at once."""
    lo, hi = month_bounds(month)
    days = pd.bdate_range(lo, hi - pd.Timedelta(days=1)).to_numpy()
    outside = np.zeros((len(hire), len(days)), bool)
    for dates, before in ((hire, True), (exit_, False)):
        if dates is None:
            continue
        stamps = pd.to_datetime(pd.Series(dates)).to_numpy()[:, None]  # NaT compares False either way
        outside |= (days[None, :] < stamps) if before else (days[None, :] > stamps)
    return outside.sum(axis=1)


def leave_days_by_type(att: AttendanceResult) -> pd.DataFrame:
    """Leave days taken per person and leave type, from the audited shifts."""
    s = att.shifts
    if att.leave.empty or "leave_request" not in s:
        return pd.DataFrame()
    kind = s["leave_request"].map(att.leave.set_index("request_id")["leave_type"])
    taken = s.assign(leave_type=kind)[s["leave_taken"] > 0]
    return taken.pivot_table(index="agent_id", columns="leave_type", values="leave_taken", aggfunc="sum", fill_value=0)


def overtime_verdicts(att: AttendanceResult, shift_calls: pd.DataFrame | None, centre_cph: float | None,
                      rules: Rules) -> pd.DataFrame:
    """PAY-OT: arranged overtime whose shift CPH reaches the centre's average is paid by the
    hour; self-initiated overtime, or overtime below the average, earns commission only."""
    ot_rule = rules.pay.overtime
    s = att.shifts
    ot = s[s["overtime"]].copy()
    cols = ["agent_id", "date", "hours", "calls", "cph", "centre_cph", "arranged", "paid", "rule_id", "reason"]
    if ot.empty:
        return pd.DataFrame(columns=cols)
    # CPH is the shift's calls over its signed-in hours (the centre's average is measured so);
    # the hours paid are those worked inside the arranged shift: signing in early or staying late
    # is not arranged overtime. Exact to the second: rounded only where shown (Overtime sheet).
    both = (ot["sign_in"].notna() & ot["sign_out"].notna()).to_numpy()
    ot["signed_h"] = ((ot["sign_out"] - ot["sign_in"]).dt.total_seconds() / 3600).where(both, 0.0)
    start = ot[["sign_in", "shift_start_at"]].max(axis=1)
    end = ot[["sign_out", "shift_end_at"]].min(axis=1)
    ot["hours"] = ((end - start).dt.total_seconds() / 3600).clip(lower=0).where(both, 0.0)
    if shift_calls is not None and not shift_calls.empty:
        # Per shift (its start), not per day: a day shift and an evening overtime shift of one
        # date each keep their own calls. Counts given per day only name the day's one shift.
        key = ["agent_id", "date", "shift_start_at"] if "shift_start_at" in shift_calls else ["agent_id", "date"]
        calls = shift_calls[key + ["calls"]]
        if "shift_start_at" in key:
            calls = calls.astype({"shift_start_at": "datetime64[ns]"})
            ot = ot.astype({"shift_start_at": "datetime64[ns]"})
        ot = ot.merge(calls, on=key, how="left")
    else:
        ot["calls"] = np.nan
    ot["calls"] = ot["calls"].fillna(0).astype("int64")
    ot["cph"] = (ot["calls"] / ot["signed_h"].where(ot["signed_h"] > 0)).round(2)
    ot["centre_cph"] = round(centre_cph, 2) if centre_cph else np.nan
    ot["arranged"] = ot["overtime_arranged"].astype(bool)
    reaches = (ot["cph"] >= (centre_cph or 0)) if ot_rule.requires_average_cph else True
    ok_arranged = ot["arranged"] if ot_rule.requires_arranged else True
    ot["paid"] = (ok_arranged & reaches & (ot["hours"] > 0)).astype(bool)
    if ot_rule.requires_average_cph and centre_cph is None:
        ot["paid"] = False
    ot["rule_id"] = ot_rule.rule_id
    reason = np.select(
        [ot["hours"] <= 0, ~ot["arranged"], ot["paid"]],
        ["no signed-in hours inside the overtime shift", "self-initiated overtime: commission only",
         "arranged overtime, shift CPH reaches the centre's average: paid by the hour"],
        default="arranged overtime below the centre's average CPH: commission only")
    ot["reason"] = reason
    if centre_cph is None and ot_rule.requires_average_cph:
        ot["reason"] = "no call log given: the shift CPH cannot be checked against the average; commission only"
    return ot[cols].reset_index(drop=True)


def compute_payroll(month: str, roster: pd.DataFrame, att: AttendanceResult, rules: Rules, *,
                    kpi: pd.DataFrame | None = None, calls_by_agent: pd.DataFrame | None = None,
                    shift_calls: pd.DataFrame | None = None, centre_cph: float | None = None) -> PayrollResult:
    pay = rules.pay
    money = Money(rules)
    lo, hi = month_bounds(month)
    people = roster[(roster["hire_date"] < hi) & ~(roster["exit_date"] < lo)] if "exit_date" in roster \
        else roster[roster["hire_date"] < hi]
    # Per-person lookups as dicts: one hash lookup per person instead of a pandas indexing call
    # (issue 13: the lookups, not the Decimal arithmetic, were most of the pay step's time).
    summary = dict(zip(att.summary["agent_id"], att.summary.to_dict("records")))
    leave_by_type = leave_days_by_type(att)
    leave_days = {t: leave_by_type[t].to_dict() for t in ("personal", "sick") if t in leave_by_type}
    kpi_month = kpi[kpi["month"] == month].set_index("agent_id")["kpi_score"].to_dict() if kpi is not None else {}
    calls = dict(zip(calls_by_agent["agent_id"], calls_by_agent.to_dict("records"))) \
        if calls_by_agent is not None else {}
    overtime = overtime_verdicts(att, shift_calls, centre_cph, rules)
    ot_paid_hours = overtime[overtime["paid"]].groupby("agent_id")["hours"].sum().to_dict() \
        if not overtime.empty else {}
    with_overtime = set(overtime["agent_id"])
    outside_days = weekdays_outside_employment(month, people["hire_date"],
                                               people["exit_date"] if "exit_date" in people else None).tolist()
    tiers = {t.consequence: t for t in rules.attendance.monthly_absence}
    count_rule = rules.attendance.monthly_count
    quit_rule = rules.attendance.consecutive_absence
    held = set(people.loc[left_without_exit_date(people).to_numpy(), "agent_id"])  # what they are owed is unknown

    records, lines = [], []
    for p, outside in zip(rows(people), outside_days):
        a = p.agent_id
        explanation: list[str] = []
        rule_ids: list[str] = []
        taken: list[dict] = []  # deductions: taken from earned pay
        stopped: list[dict] = []  # withheld: earnings a rule stops, not paid

        def line(item: str, amount: Decimal, rule_id: str, reason: str, status: str) -> dict:
            return {"agent_id": a, "name": p.name, "department": p.department, "team": p.team, "item": item,
                    "amount": amount, "status": status, "rule_id": rule_id, "reason": reason}

        def deduct(item: str, amount: Decimal, rule_id: str, reason: str) -> None:
            if amount > 0:
                taken.append(line(item, amount, rule_id, reason, DEDUCTED))
                rule_ids.append(rule_id)

        def stop(item: str, amount: Decimal, rule_id: str, why: str) -> None:
            if amount > 0:
                stopped.append(line(item, amount, rule_id, f"{item} {amount:,} stopped by {rule_id}: {why}", NOT_PAID))
                rule_ids.append(rule_id)

        def withhold_wage(rule_id: str, why: str) -> None:
            """Nothing is paid this month: what would have been (the base less its unpaid days, and
            the earnings no other rule stopped) is one withheld line, and nothing is taken either."""
            nonlocal taken, base, bonus, commission, overtime_pay
            stop("wage", base - sum((ln["amount"] for ln in taken), ZERO) + bonus + commission + overtime_pay,
                 rule_id, why)
            taken = []
            base, bonus, commission, overtime_pay = money(ZERO), money(ZERO), money(ZERO), money(ZERO)

        # PAY-GRADE: base pay by grade (agents) or post.
        table = pay.base_pay.by_grade if p.role == "agent" else pay.base_pay.by_role
        key = getattr(p, "grade", None) if p.role == "agent" else p.role  # grade is an optional column
        base = money(table.get(key, ZERO) if isinstance(key, str) else ZERO)
        if base == 0:
            explanation.append(f"no base pay set for {p.role} {key or ''} in the rules file".replace("  ", " "))
        rule_ids.append(pay.base_pay.rule_id)
        daily = base / pay.base_pay.paid_days_basis
        unpaid = pay.base_pay.unpaid
        if outside:
            deduct("days outside employment", money(daily * outside), pay.base_pay.rule_id,
                   f"{outside} working day(s) of the month before joining or after leaving × daily rate "
                   f"{money(daily)} ({base} ÷ {pay.base_pay.paid_days_basis})")
        standby = getattr(p, "status", None) == "standby"  # PAY-STANDBY
        if standby:
            deduct("standby training", money(base * unpaid.standby), pay.standby.rule_id,
                   "in standby training (待岗) this month: no base pay")
        row = summary.get(a)
        if row is not None and not standby:
            if row["absent_days"] > 0:
                deduct("absence", money(daily * _dec(row["absent_days"]) * unpaid.absence), pay.base_pay.rule_id,
                       f"{row['absent_days']:g} absent day(s) unpaid × daily rate {money(daily)}")
            for leave_type, share in (("personal", unpaid.personal), ("sick", unpaid.sick)):
                days = leave_days.get(leave_type, {}).get(a, 0)
                if days and share > 0:
                    deduct(f"{leave_type} leave", money(daily * _dec(days) * share), pay.base_pay.rule_id,
                           f"{days:g} day(s) of {leave_type} leave, {share * 100:g} % unpaid × daily rate {money(daily)}")
        _cap(taken, base)  # unpaid days are taken from the base only: never from commission, never below zero

        # PAY-BONUS by KPI band.
        bonus = money(ZERO)
        score = kpi_month.get(a)
        if score is not None and not pd.isna(score):
            band = next((b for b in pay.performance_bonus.bands if score >= b.at_least), None)
            bonus = money(band.amount if band else ZERO)
            explanation.append(f"KPI {score:g}: performance bonus {bonus}" if band else f"KPI {score:g}: below every bonus band")
            rule_ids.append(pay.performance_bonus.rule_id)
        elif p.role == "agent":
            explanation.append("no KPI score for the month: no performance bonus")

        # Commission on successful calls and sales; stopped with every other bonus by ATT-ABS-2 (PAY-ALL-BONUS).
        commission = money(ZERO)
        if a in calls:
            c = calls[a]
            commission = money(pay.commission.per_successful_call * int(c["successes"])
                               + pay.commission.percent_of_amount * Decimal(str(round(float(c.get("amount", 0) or 0), 2))))
            if commission < 0:  # refunds beyond sales: a commission is never negative
                explanation.append(f"sales amount below zero: commission {commission} counted as 0")
                commission = money(ZERO)
            explanation.append(f"{int(c['successes'])} successful calls: commission {commission}")

        # PAY-OT.
        ot_hours = float(ot_paid_hours.get(a, 0.0)) if len(ot_paid_hours) else 0.0
        overtime_pay = money(pay.overtime.hourly_rate * _dec(ot_hours))
        if ot_hours:
            rule_ids.append(pay.overtime.rule_id)
            explanation.append(f"{round(ot_hours, 4):g} h arranged overtime at {pay.overtime.hourly_rate}/h")
        elif a in with_overtime:
            rule_ids.append(pay.overtime.rule_id)
            explanation.append("overtime paid as commission only (PAY-OT)")

        # Attendance consequences on pay, from the audit: each stopped earning is 0.00 in its column
        # and a withheld line says which rule stopped how much.
        if row is not None:
            lates = int(row["late_count"] + row["early_leave_count"])
            if row["all_bonus_zero"]:
                why = (f"{row['absent_days']:g} absent days, every bonus of the month is zero "
                       f"({rules.pay.commission.rule_id})")
                stop("performance bonus", bonus, tiers["all_bonus_zero"].rule_id, why)
                stop("commission", commission, tiers["all_bonus_zero"].rule_id, why)
                bonus, commission = money(ZERO), money(ZERO)
            elif row["performance_pay_zero"]:
                stop("performance bonus", bonus, tiers["performance_pay_zero"].rule_id,
                     f"{row['absent_days']:g} absent day(s), the month's performance pay is zero "
                     f"({pay.performance_bonus.rule_id})")
                bonus = money(ZERO)
            elif row["performance_bonus_stopped"]:
                stop("performance bonus", bonus, count_rule.rule_id, f"{lates} lates and early leaves")
                bonus = money(ZERO)

        # PAY-NONE: the wage of the month is withheld: what would have been paid (the base less
        # its unpaid days, and the earnings no other rule stopped) is one withheld line; nothing
        # is paid, so nothing is taken either.
        if row is not None and (row["wage_withheld"] or row["deemed_resigned"]):
            causes = []
            if row["wage_withheld"]:
                causes.append(f"{row['absent_days']:g} absent days ({tiers['wage_withheld'].rule_id})")
                rule_ids.append(tiers["wage_withheld"].rule_id)
            if row["deemed_resigned"]:
                causes.append(f"{quit_rule.at_least_days} consecutive days absent: deemed resigned ({quit_rule.rule_id})")
                rule_ids.append(quit_rule.rule_id)
            unpaid_days = sum((ln["amount"] for ln in taken), ZERO)
            parts = [f"base {base:,}" + (f" less {unpaid_days:,} for unpaid days" if unpaid_days else "")]
            parts += [f"{name} {value:,}" for name, value in (("performance bonus", bonus), ("commission", commission),
                                                              ("overtime pay", overtime_pay)) if value > 0]
            withhold_wage(pay.withheld.rule_id,
                          f"{'; '.join(causes)}: no wage is paid for the month ({', '.join(parts)})")

        # Left without an exit date: the days to pay are unknown, so the month's pay is held, one
        # withheld line, until the roster gives the date (the run only goes on with --allow-partial).
        if a in held and base + bonus + commission + overtime_pay > 0:
            withhold_wage(pay.base_pay.rule_id, "status left without an exit date: the days to pay are unknown, "
                                                "the month's pay is held until the roster gives the exit date")

        gross = base + bonus + commission + overtime_pay
        total_deductions = money(sum((ln["amount"] for ln in taken), ZERO))
        withheld = money(sum((ln["amount"] for ln in stopped), ZERO))
        lines.extend(taken + stopped)
        net = gross - total_deductions
        records.append({"agent_id": a, "name": p.name, "department": p.department, "team": p.team, "role": p.role,
                        "month": month, "base_pay": base, "performance_bonus": bonus, "commission": commission,
                        "overtime_pay": overtime_pay, "withheld": withheld, "deductions": total_deductions,
                        "gross": gross, "net": net, "rule_ids": ", ".join(dict.fromkeys(rule_ids)),
                        "explanation": "; ".join(explanation + [ln["reason"] for ln in taken + stopped])})
    payroll = pd.DataFrame(records, columns=PERSON_COLUMNS)
    deductions = pd.DataFrame(lines, columns=LINE_COLUMNS)
    return PayrollResult(month, payroll, deductions, totals_by_unit(payroll), overtime)


def _cap(taken: list[dict], base: Decimal) -> None:
    """Trim the last deduction lines so together they take at most the base pay."""
    excess = sum((ln["amount"] for ln in taken), ZERO) - base
    for ln in reversed(taken):
        if excess <= 0:
            break
        cut = min(excess, ln["amount"])
        ln["amount"] -= cut
        ln["reason"] += f" (limited to the base pay: {cut:,} not taken)"
        excess -= cut
    taken[:] = [ln for ln in taken if ln["amount"] > 0]


def totals_by_unit(payroll: pd.DataFrame) -> pd.DataFrame:
    """Sums of every money column by department and team, then per department and overall:
    Decimal sums of the people's lines, so every total reconciles exactly."""
    if payroll.empty:
        return pd.DataFrame(columns=["department", "team", "headcount", *MONEY_COLUMNS])
    out = []
    payroll = payroll.assign(team=team_or_none(payroll["team"]))  # staff without a team are paid too
    for (dept, team), grp in payroll.groupby(["department", "team"], sort=True):
        out.append({"department": dept, "team": team, "headcount": len(grp),
                    **{c: sum(grp[c], ZERO) for c in MONEY_COLUMNS}})
    for dept, grp in payroll.groupby("department", sort=True):
        out.append({"department": dept, "team": "(all)", "headcount": len(grp),
                    **{c: sum(grp[c], ZERO) for c in MONEY_COLUMNS}})
    out.append({"department": "(all)", "team": "(all)", "headcount": len(payroll),
                **{c: sum(payroll[c], ZERO) for c in MONEY_COLUMNS}})
    return pd.DataFrame(out)
