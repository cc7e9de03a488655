"""Pay rules (PAY-*) and the attendance consequences applied to pay, in exact money."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from builders import punches, schedule
from hypothesis import given, settings
from hypothesis import strategies as st

from cctool.policy.attendance import audit_month
from cctool.policy.payroll import MONEY_COLUMNS, compute_payroll

D = Decimal
DAYS = [f"2026-10-{d:02d}" for d in (1, 2, 5, 6, 7, 8, 9, 12, 13, 14)]
ON_TIME = ("08:55:00", "18:00:00")
LATE = ("09:05:00", "18:00:00")
NONE = (None, None)


def month(org_roster, rules, plan, *, kpi=95.0, successes=0, amount=0.0, overtime=None, roster=None,
          ot_punch=("09:00:00", "13:00:00")):
    """E1 (grade C, base 3500) works DAYS with the punches of `plan` (default on time)."""
    plan = plan + [ON_TIME] * (len(DAYS) - len(plan))
    rows = [("E1", d, "09:00", "18:00") for d in DAYS]
    sched = schedule(rows)
    sched["overtime"] = False
    sched["overtime_arranged"] = False
    p = [("E1", d, f"{d} {i}" if i else None, f"{d} {o}" if o else None) for d, (i, o) in zip(DAYS, plan) if i or o]
    shift_calls = None
    if overtime is not None:  # one extra overtime shift on a Saturday
        arranged, calls = overtime
        extra = schedule([("E1", "2026-10-10", "09:00", "13:00")]).assign(overtime=True, overtime_arranged=arranged)
        sched = pd.concat([sched, extra], ignore_index=True)
        p.append(("E1", "2026-10-10", f"2026-10-10 {ot_punch[0]}", f"2026-10-10 {ot_punch[1]}"))
        shift_calls = pd.DataFrame({"agent_id": ["E1"], "date": [pd.Timestamp("2026-10-10")], "calls": [calls]})
    roster = org_roster if roster is None else roster
    att = audit_month("2026-10", roster, sched, punches(p), rules)
    kpi_df = pd.DataFrame({"agent_id": ["E1"], "month": ["2026-10"], "kpi_score": [kpi]})
    calls = pd.DataFrame({"agent_id": ["E1"], "calls": [500], "connected": [300], "successes": [successes],
                          "amount": [amount]})
    result = compute_payroll("2026-10", roster, att, rules, kpi=kpi_df, calls_by_agent=calls,
                             shift_calls=shift_calls, centre_cph=14.0)
    pay = result.payroll.set_index("agent_id").loc["E1"]
    lines = result.deductions[result.deductions["agent_id"] == "E1"]
    return pay, lines, result


def items(lines):
    return {r.item: (r.amount, r.rule_id, r.status) for r in lines.itertuples()}


def test_clean_month_pays_everything(org_roster, rules):
    pay, lines, _ = month(org_roster, rules, [], kpi=95, successes=100, amount=1000)
    assert pay["base_pay"] == D("3500.00")                     # PAY-GRADE, grade C
    assert pay["performance_bonus"] == D("1500.00")            # PAY-BONUS, KPI 95 band
    assert pay["commission"] == D("210.00")                    # 100 × 2.00 + 1 % of 1000
    assert pay["gross"] == D("5210.00") and pay["net"] == D("5210.00") and lines.empty
    assert pay["withheld"] == D("0.00") and pay["deductions"] == D("0.00")


def test_bonus_bands_boundaries(org_roster, rules):
    assert month(org_roster, rules, [], kpi=94.99)[0]["performance_bonus"] == D("1000.00")
    assert month(org_roster, rules, [], kpi=90)[0]["performance_bonus"] == D("1000.00")
    assert month(org_roster, rules, [], kpi=74.9)[0]["performance_bonus"] == D("0.00")


def test_three_lates_stop_the_performance_bonus(org_roster, rules):
    pay, lines, _ = month(org_roster, rules, [LATE, LATE], successes=10)
    assert lines.empty and pay["net"] == pay["gross"] and pay["performance_bonus"] == D("1500.00")
    pay, lines, _ = month(org_roster, rules, [LATE, LATE, LATE], successes=10)
    # Issue 12: the stopped bonus is not paid, not in gross, and not a deduction either.
    assert items(lines) == {"performance bonus": (D("1500.00"), "ATT-COUNT-3", "not paid")}
    assert pay["performance_bonus"] == D("0.00") and pay["withheld"] == D("1500.00")
    assert pay["deductions"] == D("0.00")
    assert pay["gross"] == pay["net"] == D("3500.00") + D("20.00")  # base + commission stay
    assert "performance bonus 1,500.00 stopped by ATT-COUNT-3: 3 lates and early leaves" in pay["explanation"]


def test_one_absent_day_zeroes_performance_pay(org_roster, rules):
    pay, lines, _ = month(org_roster, rules, [NONE], successes=10)
    got = items(lines)
    assert got["performance bonus"] == (D("1500.00"), "ATT-ABS-1", "not paid")
    assert got["absence"] == (D("160.92"), "PAY-GRADE", "deducted")  # 3500 / 21.75 = 160.919… → 160.92
    assert pay["gross"] == D("3500.00") + D("20.00") and pay["withheld"] == D("1500.00")
    assert pay["net"] == D("3500.00") + D("20.00") - D("160.92")


def test_two_absent_days_stop_every_bonus_including_commission(org_roster, rules):
    pay, lines, _ = month(org_roster, rules, [NONE, ON_TIME, NONE], successes=10, amount=500)
    got = items(lines)
    assert got["performance bonus"] == (D("1500.00"), "ATT-ABS-2", "not paid")
    assert got["commission"] == (D("25.00"), "ATT-ABS-2", "not paid")  # 10 × 2.00 + 1 % of 500
    assert "PAY-ALL-BONUS" in lines.set_index("item").loc["commission", "reason"]
    assert got["absence"] == (D("321.84"), "PAY-GRADE", "deducted")    # 2 × 160.919… = 321.839… → 321.84
    assert (pay["performance_bonus"], pay["commission"], pay["withheld"]) == (D("0.00"), D("0.00"), D("1525.00"))
    assert pay["gross"] == D("3500.00") and pay["net"] == D("3500.00") - D("321.84")


def test_three_absent_days_withhold_the_whole_wage(org_roster, rules):
    pay, lines, _ = month(org_roster, rules, [NONE, ON_TIME, NONE, ON_TIME, NONE], successes=10)
    got = items(lines)
    # Nothing is paid: every earnings column 0.00, nothing taken from a wage that is not paid.
    assert (pay["base_pay"], pay["gross"], pay["deductions"], pay["net"]) == (D("0.00"),) * 4
    # The wage withheld is what would have been paid: base less 3 unpaid absent days (3 × 160.919… → 482.76).
    assert got["wage"] == (D("3500.00") - D("482.76"), "PAY-NONE", "not paid")
    assert got["performance bonus"][1:] == ("ATT-ABS-2", "not paid") and "absence" not in got
    assert pay["withheld"] == D("3017.24") + D("1500.00") + D("20.00")
    assert "ATT-ABS-3" in pay["rule_ids"] and "less 482.76 for unpaid days" in pay["explanation"]
    assert sum(lines["amount"], D(0)) == pay["withheld"]


def test_three_in_a_row_deemed_resigned_withholds_the_wage(org_roster, rules):
    pay, lines, _ = month(org_roster, rules, [ON_TIME, NONE, NONE, NONE], successes=10)
    assert pay["net"] == D("0.00") and pay["gross"] == D("0.00") and "ATT-QUIT-3" in pay["rule_ids"]
    assert items(lines)["wage"][1:] == ("PAY-NONE", "not paid")
    assert "deemed resigned" in items(lines) or "deemed resigned" in pay["explanation"]


def test_overtime_pays_the_hours_inside_the_arranged_shift_to_the_cent(org_roster, rules):
    # Arranged 09:00-13:00; signed in 07:30 and out 13:09:45. Paid: 09:00-13:00 = 4 h (not 5.66 h);
    # CPH over the signed-in 5.6625 h: 80 calls / 5.6625 h = 14.13 >= 14, so it is paid.
    pay, _, result = month(org_roster, rules, [], overtime=(True, 80), ot_punch=("07:30:00", "13:09:45"))
    assert pay["overtime_pay"] == D("120.00")
    assert result.overtime.loc[0, "hours"] == 4.0 and result.overtime.loc[0, "cph"] == 14.13
    # Inside the shift, to the second: 09:50:15-13:00 = 3.1625 h × 30.00 = 94.875 -> 94.88 (not 3.16 × 30)
    pay, _, result = month(org_roster, rules, [], overtime=(True, 60), ot_punch=("09:50:15", "13:00:00"))
    assert pay["overtime_pay"] == D("94.88")


def test_overtime_paid_only_when_arranged_and_at_average(org_roster, rules):
    pay, _, result = month(org_roster, rules, [], overtime=(True, 56))  # 56 calls / 4 h = 14.0 = centre average
    assert pay["overtime_pay"] == D("120.00")                      # 4 h × 30.00
    assert bool(result.overtime.loc[0, "paid"])
    pay, _, result = month(org_roster, rules, [], overtime=(True, 55))  # 13.75 < 14: commission only
    assert pay["overtime_pay"] == D("0.00") and "below" in result.overtime.loc[0, "reason"]
    pay, _, result = month(org_roster, rules, [], overtime=(False, 80))  # self-initiated: commission only
    assert pay["overtime_pay"] == D("0.00")
    assert result.overtime.loc[0, "reason"] == "self-initiated overtime: commission only"


def test_standby_has_no_base_pay(org_roster, rules):
    roster = org_roster.copy()
    roster.loc[roster["agent_id"] == "E1", "status"] = "standby"
    pay, lines, _ = month(org_roster, rules, [], roster=roster, kpi=50)
    assert items(lines)["standby training"] == (D("3500.00"), "PAY-STANDBY", "deducted")
    assert pay["gross"] == D("3500.00") and pay["net"] == D("0.00")


def test_joiner_is_prorated_by_working_days(org_roster, rules):
    roster = org_roster.copy()
    roster.loc[roster["agent_id"] == "E1", "hire_date"] = pd.Timestamp("2026-10-05")  # misses Oct 1, 2
    pay, lines, _ = month(org_roster, rules, [], roster=roster, kpi=50)
    assert items(lines)["days outside employment"] == (D("321.84"), "PAY-GRADE", "deducted")


def test_people_without_schedule_get_base_pay(org_roster, rules):
    _, _, result = month(org_roster, rules, [])
    director = result.payroll.set_index("agent_id").loc["D1"]
    assert director["net"] == D("16000.00") and director["rule_ids"] == "PAY-GRADE"


def test_unpaid_days_never_take_more_than_the_base(org_roster, rules):
    # Hired on Saturday 31 October: all 22 working days of the month are before joining, and
    # 22 × 160.919… = 3,540.23 would take more than the 3,500.00 base.
    roster = org_roster.copy()
    roster.loc[roster["agent_id"] == "E1", "hire_date"] = pd.Timestamp("2026-10-31")
    pay, lines, _ = month(org_roster, rules, [], roster=roster, kpi=50, successes=100)
    assert pay["deductions"] == D("3500.00") == sum(lines.loc[lines["status"] == "deducted", "amount"], D(0))
    assert pay["net"] == pay["commission"] == D("200.00")  # commission earned is never eaten by unpaid days


def _due_bonus(rules, kpi):
    band = next((b for b in rules.pay.performance_bonus.bands if kpi >= b.at_least), None)
    return band.amount if band else D("0")


@settings(max_examples=25, deadline=None)
@given(plan=st.lists(st.sampled_from([ON_TIME, LATE, NONE, ("09:20:00", "18:00:00"), ("08:50:00", "17:40:00")]),
                     min_size=0, max_size=10),
       kpi=st.floats(min_value=0, max_value=100, allow_nan=False),
       successes=st.integers(min_value=0, max_value=3000),
       amount=st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_lines_always_reconcile(org_roster, rules, plan, kpi, successes, amount):
    _, _, result = month(org_roster, rules, plan, kpi=kpi, successes=successes, amount=amount)
    for rec in result.payroll.itertuples():
        # gross is what is paid: withheld money is not in it.
        assert rec.gross == rec.base_pay + rec.performance_bonus + rec.commission + rec.overtime_pay
        lines = result.deductions[result.deductions["agent_id"] == rec.agent_id]
        taken, stopped = lines[lines["status"] == "deducted"], lines[lines["status"] == "not paid"]
        assert len(taken) + len(stopped) == len(lines)
        assert rec.deductions == sum(taken["amount"], D(0))
        assert rec.withheld == sum(stopped["amount"], D(0))
        assert rec.net == rec.gross - rec.deductions and rec.net >= 0
        assert rec.deductions <= rec.base_pay
        for item, column in (("performance bonus", "performance_bonus"), ("commission", "commission")):
            if item in set(stopped["item"]) or "wage" in set(stopped["item"]):
                assert getattr(rec, column) == 0
        for col in MONEY_COLUMNS:
            value = getattr(rec, col)
            assert isinstance(value, Decimal) and value == value.quantize(D("0.01"))
    # E1's entitlement, computed here from the rules: paid + withheld never exceeds it, and equals it
    # unless the whole wage is withheld (then the unpaid days are neither paid nor withheld).
    e1 = result.payroll.set_index("agent_id").loc["E1"]
    due = D("3500.00") + _due_bonus(rules, kpi) + (D("2.00") * successes + D("0.01") * D(str(round(amount, 2)))
                                                   ).quantize(D("0.01"), ROUND_HALF_UP)
    if "PAY-NONE" in e1["rule_ids"]:
        assert e1["gross"] == 0 and e1["withheld"] <= due
    else:
        assert e1["gross"] + e1["withheld"] == due
    everyone = result.totals.iloc[-1]
    for col in MONEY_COLUMNS:
        assert everyone[col] == sum(result.payroll[col], D(0))
