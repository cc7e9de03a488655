"""Quarterly grading (POLICY.md §1): each GRD rule at its boundaries, trainee windows, missing
data, approval chains. Pure functions on small frames built the way the readers build them."""
from __future__ import annotations

import pandas as pd
import pytest

from conftest import roster_frame
from cctool.policy.grading import (agent_hours, approval_chain, grade_quarter, pair_punch_events, quarter_bounds,
                                   tenure_months)
from cctool.policy.orgchart import OrgChart

Q = "2026Q3"
ORG = [
    {"agent_id": "D1", "role": "director", "team": "MGMT", "grade": None, "line": None},
    {"agent_id": "M1", "role": "ops_manager", "team": "MGMT", "reports_to": "D1", "grade": None, "line": None},
    {"agent_id": "DM1", "role": "deputy_manager", "team": "MGMT", "reports_to": "M1", "grade": None, "line": None},
    {"agent_id": "S1", "role": "supervisor", "team": "MGMT", "reports_to": "DM1", "grade": None, "line": None},
    {"agent_id": "T1", "role": "team_lead", "reports_to": "S1", "grade": None, "line": None},
]


def centre(agents: list[dict]):
    """roster, per-agent calls, KPI and paired punches from one dict per agent:
    kpi (list of the quarter's monthly scores, None = month missing), calls, connected, successes, hours."""
    roster = roster_frame(ORG + [{k: v for k, v in a.items() if k not in ("kpi", "calls", "connected", "successes",
                                                                        "hours")} | {"reports_to": "T1"}
                                 for a in agents])
    calls = pd.DataFrame([{"agent_id": a["agent_id"], "calls": a.get("calls", 1500),
                           "connected": a.get("connected", 1000), "successes": a.get("successes", 700)}
                          for a in agents if a.get("calls", 1500)])
    kpi = pd.DataFrame([{"agent_id": a["agent_id"], "month": m, "kpi_score": float(s)}
                        for a in agents for m, s in zip(["2026-07", "2026-08", "2026-09"], a.get("kpi", [96] * 3))
                        if s is not None], columns=["agent_id", "month", "kpi_score"])
    sign_in = pd.Timestamp("2026-07-01 00:00")
    punches = pd.DataFrame([{"agent_id": a["agent_id"], "date": sign_in.normalize(), "sign_in": sign_in,
                             "sign_out": sign_in + pd.Timedelta(hours=a.get("hours", 100))} for a in agents])
    return roster, calls, kpi, punches


def grade(rules, agents, **kw):
    roster, calls, kpi, punches = centre(agents)
    result = grade_quarter(Q, roster, calls, kpi, kw.pop("grading", rules.grading), punches=punches,
                           files={"kpi": "kpi.csv"}, **kw)
    return result, result.grades.set_index("agent_id")


# ----------------------------------------------------------------------------- GRD-B / GRD-A / GRD-C boundaries

def test_cph_exactly_15_meets_B_and_14_99_does_not(rules):
    # GRD-B: cph >= 15. kpi 92, success 65 % (B), so cph alone decides.
    _, g = grade(rules, [
        {"agent_id": "E1", "grade": "C", "kpi": [92, 92, 92], "calls": 1500, "hours": 100},
        {"agent_id": "E2", "grade": "C", "kpi": [92, 92, 92], "calls": 1499, "hours": 100},
    ])
    assert g.at["E1", "cph"] == 15.0 and g.at["E1", "earned_grade"] == "B" and g.at["E1", "decision"] == "promote"
    assert g.at["E2", "cph"] == pytest.approx(14.99)
    assert g.at["E2", "earned_grade"] == "C" and g.at["E2", "decision"] == "keep"
    assert "B not met: cph 14.99 < 15" in g.at["E2", "explanation"]
    assert "GRD-B" in g.at["E2", "rule_ids"] and "GRD-EARNED" in g.at["E2", "rule_ids"]


def test_cph_is_compared_unrounded(rules):
    # 1499.9 / 100 = 14.999 shows as 15.00 with 2 decimals but does not meet GRD-B: shown with more decimals.
    _, g = grade(rules, [{"agent_id": "E1", "grade": "C", "kpi": [92] * 3, "calls": 14999, "hours": 1000,
                          "connected": 10000, "successes": 6500}])
    assert g.at["E1", "earned_grade"] == "C"
    assert "B not met: cph 14.999 < 15" in g.at["E1", "explanation"]


def test_kpi_mean_94_67_is_not_A(rules):
    # GRD-A: kpi >= 95; (95 + 95 + 94) / 3 = 94.666... is rounded to 94.67 before comparing.
    _, g = grade(rules, [{"agent_id": "E1", "grade": "B", "kpi": [95, 95, 94], "calls": 1800, "hours": 100}])
    assert g.at["E1", "kpi_mean"] == 94.67
    assert g.at["E1", "earned_grade"] == "B" and g.at["E1", "decision"] == "keep"
    assert "A not met: kpi 94.67 < 95" in g.at["E1", "explanation"]


def test_kpi_mean_exactly_95_meets_A_and_b_to_a_gets_management_note(rules):
    # GRD-A met from B: promote, with the GRD-MGMT note and the GRD-APPROVAL chain.
    _, g = grade(rules, [{"agent_id": "E1", "grade": "B", "kpi": [95, 96, 94], "calls": 1700, "hours": 100,
                          "connected": 1000, "successes": 650}])
    assert g.at["E1", "kpi_mean"] == 95.0 and g.at["E1", "earned_grade"] == "A"
    assert g.at["E1", "decision"] == "promote"
    assert g.at["E1", "management_note"] == rules.grading.management_note.note
    assert g.at["E1", "rule_ids"].split(", ")[-2:] == ["GRD-APPROVAL", "GRD-MGMT"]
    assert "A met: kpi 95.00 >= 95, cph 17.00 >= 17, success rate 65.00% >= 65%" in g.at["E1", "explanation"]


def test_c_to_b_promotion_has_no_management_note(rules):
    _, g = grade(rules, [{"agent_id": "E1", "grade": "C", "kpi": [91] * 3, "calls": 1600, "hours": 100}])
    assert g.at["E1", "decision"] == "promote" and g.at["E1", "management_note"] == ""
    assert "GRD-MGMT" not in g.at["E1", "rule_ids"]


def test_success_rate_at_threshold_meets_C_and_just_under_does_not(rules):
    # GRD-C: success rate >= 58 % of connected calls; kpi 86, cph 14 (C level).
    _, g = grade(rules, [
        {"agent_id": "E1", "grade": "C", "kpi": [86] * 3, "calls": 1400, "connected": 1000, "successes": 580},
        {"agent_id": "E2", "grade": "C", "kpi": [86] * 3, "calls": 1400, "connected": 10000, "successes": 5799},
    ])
    assert g.at["E1", "success_rate"] == pytest.approx(0.58) and g.at["E1", "earned_grade"] == "C"
    assert g.at["E2", "earned_grade"] == "below_C" and g.at["E2", "decision"] == "below_current"
    assert "C not met: success rate 57.99% < 58%" in g.at["E2", "explanation"]


def test_grade_c_needs_the_regularisation_exam(rules):
    _, g = grade(rules, [{"agent_id": "E1", "grade": "C", "kpi": [86] * 3, "calls": 1400,
                          "regular_exam_passed": False}])
    assert g.at["E1", "earned_grade"] == "below_C"
    assert "C not met: regular exam not passed" in g.at["E1", "explanation"]


def test_earned_grade_is_the_highest_grade_whose_every_criterion_holds(rules):
    # GRD-EARNED: A's criteria hold although B's do too; an A agent at B level is below_current.
    _, g = grade(rules, [
        {"agent_id": "E1", "grade": "C", "kpi": [99] * 3, "calls": 2000, "connected": 1000, "successes": 700},
        {"agent_id": "E2", "grade": "A", "kpi": [92] * 3, "calls": 1600, "connected": 1000, "successes": 620},
        {"agent_id": "E3", "grade": "B", "kpi": [92] * 3, "calls": 1600, "connected": 1000, "successes": 620},
    ])
    assert (g.at["E1", "earned_grade"], g.at["E1", "decision"]) == ("A", "promote")
    assert (g.at["E2", "earned_grade"], g.at["E2", "decision"]) == ("B", "below_current")
    assert (g.at["E3", "earned_grade"], g.at["E3", "decision"]) == ("B", "keep")


def test_cph_counts_connected_calls_when_the_rules_say_so(rules):
    metrics = rules.grading.metrics.model_copy(update={"cph_calls": "connected", "success_denominator": "all"})
    grading = rules.grading.model_copy(update={"metrics": metrics})
    _, g = grade(rules, [{"agent_id": "E1", "grade": "C", "calls": 2000, "connected": 1500, "successes": 1000}],
                 grading=grading)
    assert g.at["E1", "cph"] == 15.0
    assert g.at["E1", "success_rate"] == 0.5


# ----------------------------------------------------------------------------- GRD-TRAINEE / GRD-TRAINEE-WINDOW

TRAINEE_OK = {"grade": "trainee", "kpi": [80] * 3, "calls": 1200, "connected": 1000, "successes": 550,
              "regular_exam_passed": False}
TRAINEE_WEAK = {**TRAINEE_OK, "calls": 1000}  # cph 10 < 11


def test_tenure_in_whole_calendar_months():
    end = pd.Timestamp("2026-09-30")
    hires = pd.Series(pd.to_datetime(["2026-07-01", "2026-06-30", "2026-06-01", "2026-03-31", "2026-05-31",
                                      "2026-02-28", "2026-10-01"]))
    assert tenure_months(hires, end).tolist() == [2, 3, 3, 6, 4, 7, -1]


@pytest.mark.parametrize("hire, profile, decision", [
    ("2026-07-01", TRAINEE_OK, "too_early"),             # 2 months: just under 3
    ("2026-06-30", TRAINEE_OK, "eligible_for_regular"),  # exactly 3
    ("2026-06-30", TRAINEE_WEAK, "keep"),                # exactly 3, criteria not met: still trainee
    ("2026-03-31", TRAINEE_OK, "eligible_for_regular"),  # exactly 6
    ("2026-03-31", TRAINEE_WEAK, "keep"),                # exactly 6, not met: not yet overdue
    ("2026-02-28", TRAINEE_WEAK, "trainee_overdue"),     # 7 months: just over 6, not eligible
    ("2026-02-28", TRAINEE_OK, "eligible_for_regular"),  # 7 months but eligible
])
def test_trainee_window(rules, hire, profile, decision):
    _, g = grade(rules, [{"agent_id": "E1", "hire_date": pd.Timestamp(hire), **profile}])
    assert g.at["E1", "decision"] == decision
    ids = g.at["E1", "rule_ids"].split(", ")
    assert {"GRD-QUARTERLY", "GRD-TRAINEE", "GRD-TRAINEE-WINDOW"} <= set(ids)
    assert ("GRD-APPROVAL" in ids) == (decision == "eligible_for_regular")
    assert g.at["E1", "earned_grade"] == ("trainee" if profile is TRAINEE_OK else "below_trainee")


def test_trainee_needs_the_new_hire_exam(rules):
    _, g = grade(rules, [{"agent_id": "E1", "hire_date": pd.Timestamp("2026-05-01"), **TRAINEE_OK,
                          "new_hire_exam_passed": False}])
    assert g.at["E1", "decision"] == "keep"
    assert "trainee criteria not met: new-hire exam not passed" in g.at["E1", "explanation"]


def test_trainee_below_threshold_names_the_failed_criterion(rules):
    _, g = grade(rules, [{"agent_id": "E1", "hire_date": pd.Timestamp("2025-12-01"), **TRAINEE_WEAK}])
    assert g.at["E1", "decision"] == "trainee_overdue"
    assert "cph 10.00 < 11" in g.at["E1", "explanation"] and "tenure 9 month(s)" in g.at["E1", "explanation"]


# ----------------------------------------------------------------------------- missing data, scope

def test_missing_kpi_month_is_reported_not_zero(rules):
    result, g = grade(rules, [{"agent_id": "E1", "grade": "B", "kpi": [96, None, 94], "calls": 1800,
                               "connected": 1000, "successes": 700}])
    assert g.at["E1", "kpi_months"] == 2 and g.at["E1", "kpi_mean"] == 95.0  # not (96 + 0 + 94) / 3
    assert g.at["E1", "earned_grade"] == "A"
    assert "KPI missing for 2026-08" in g.at["E1", "explanation"]
    assert [(i.value, i.severity) for i in result.issues] == [("E1 2026-08", "warning")]


def test_kpi_months_before_the_hire_date_are_not_missing(rules):
    result, g = grade(rules, [{"agent_id": "E1", "hire_date": pd.Timestamp("2026-08-10"), **TRAINEE_OK,
                               "kpi": [None, 80, 80]}])
    assert g.at["E1", "kpi_months"] == 2 and result.issues == []
    assert g.at["E1", "decision"] == "too_early"


def test_no_calls_or_no_kpi_is_not_graded(rules):
    result, g = grade(rules, [{"agent_id": "E1", "grade": "B", "calls": 0},
                              {"agent_id": "E2", "grade": "B", "kpi": [None] * 3}])
    assert g.at["E1", "decision"] == "not_graded" and pd.isna(g.at["E1", "earned_grade"])
    assert "no call records in the quarter" in g.at["E1", "explanation"]
    assert g.at["E2", "decision"] == "not_graded" and "no KPI score" in g.at["E2", "explanation"]
    assert set(result.review["agent_id"]) == {"E1", "E2"}


def test_csr_agents_are_noted_not_graded_and_leavers_are_not_graded(rules):
    result, g = grade(rules, [{"agent_id": "E1", "grade": "B", "line": "CSR"},
                              {"agent_id": "E2", "grade": "B", "exit_date": pd.Timestamp("2026-08-15"),
                               "status": "left"},
                              {"agent_id": "E3", "grade": "B", "exit_date": pd.Timestamp("2026-06-15")}])
    assert list(g.index) == ["E2"]
    assert g.at["E2", "decision"] == "not_graded" and "left the centre on 2026-08-15" in g.at["E2", "explanation"]
    assert result.notes == ["1 CSR agent(s) not graded: grade-agents grades telesales reps (TSR) only."]


def test_every_record_carries_grd_quarterly(rules):
    assert quarter_bounds(Q) == (pd.Timestamp("2026-07-01"), pd.Timestamp("2026-10-01"))
    _, g = grade(rules, [{"agent_id": "E1", "grade": "C"}, {"agent_id": "E2", **TRAINEE_OK}])
    assert all(ids.startswith("GRD-QUARTERLY") for ids in g["rule_ids"])
    assert (g["quarter"] == Q).all()


# ----------------------------------------------------------------------------- GRD-APPROVAL

def test_promotion_lists_the_approval_chain_with_the_people_in_the_line(rules):
    result, g = grade(rules, [{"agent_id": "E1", "grade": "C", "kpi": [91] * 3, "calls": 1600}])
    chain = "supervisor S1 → deputy_manager DM1 → ops_manager M1 → director D1"
    assert g.at["E1", "required_approvals"] == chain
    assert result.promotions["agent_id"].tolist() == ["E1"]
    assert f"needs approval: {chain}" in g.at["E1", "explanation"]


def test_approval_chain_falls_back_to_the_centre_director_and_names_gaps():
    roster = roster_frame([{"agent_id": "D1", "role": "director", "team": "MGMT", "line": None, "grade": None},
                           {"agent_id": "E1", "reports_to": None}])
    text = approval_chain(OrgChart(roster), "E1", ["supervisor", "manager", "director"])
    assert text == "supervisor (none in the reporting line) → ops_manager (none in the reporting line) → director D1"


# ----------------------------------------------------------------------------- hours basis

def test_hours_signed_in_scheduled_and_missing_punch_filled_from_schedule():
    start, end = quarter_bounds(Q)
    d = pd.Timestamp("2026-07-01")
    punches = pd.DataFrame({"agent_id": ["E1", "E1"], "date": [d, d + pd.Timedelta(days=1)],
                            "sign_in": [d + pd.Timedelta(hours=9), d + pd.Timedelta(days=1, hours=9)],
                            "sign_out": [d + pd.Timedelta(hours=17, minutes=30), pd.NaT]})
    schedule = pd.DataFrame({"agent_id": ["E1", "E1", "E2"], "date": [d, d + pd.Timedelta(days=1), d],
                             "shift_start": pd.array([9 * 3600, 9 * 3600, 22 * 3600], dtype="Int64"),
                             "shift_end": pd.array([18 * 3600, 18 * 3600, 6 * 3600], dtype="Int64")})
    h = agent_hours(pd.Series(["E1", "E2", "E3"]), start, end, "signed_in", punches, schedule).set_index("agent_id")
    assert h.at["E1", "hours"] == 8.5 + 9 and h.at["E1", "cph_basis"] == "signed_in"
    assert "1 shift(s) with a missing punch counted at scheduled length" in h.at["E1", "hours_note"]
    assert h.at["E2", "hours"] == 8 and h.at["E2", "cph_basis"] == "scheduled"  # night shift 22:00-06:00
    assert pd.isna(h.at["E3", "hours"]) and h.at["E3", "cph_basis"] == "none"


def test_an_inactive_persons_schedule_alone_is_not_hours_but_fills_a_missing_punch():
    # E1 (standby) punched one day and missed the sign-out of the next: filled from the schedule as
    # for anyone. E2 (standby) never punched: their schedule is not hours worked.
    start, end = quarter_bounds(Q)
    d = pd.Timestamp("2026-07-01")
    punches = pd.DataFrame({"agent_id": ["E1", "E1"], "date": [d, d + pd.Timedelta(days=1)],
                            "sign_in": [d + pd.Timedelta(hours=9), d + pd.Timedelta(days=1, hours=9)],
                            "sign_out": [d + pd.Timedelta(hours=17), pd.NaT]})
    schedule = pd.DataFrame({"agent_id": ["E1", "E1", "E2"], "date": [d, d + pd.Timedelta(days=1), d],
                             "shift_start": pd.array([9 * 3600] * 3, dtype="Int64"),
                             "shift_end": pd.array([18 * 3600] * 3, dtype="Int64")})
    h = agent_hours(pd.Series(["E1", "E2"]), start, end, "signed_in", punches, schedule,
                    inactive={"E1", "E2"}).set_index("agent_id")
    assert h.at["E1", "hours"] == 8 + 9 and "counted at scheduled length" in h.at["E1", "hours_note"]
    assert pd.isna(h.at["E2", "hours"]) and h.at["E2", "cph_basis"] == "none"
    assert h.at["E2", "hours_note"].startswith("standby or left without an exit date")


def test_raw_punch_events_pair_across_midnight():
    t = pd.Timestamp("2026-07-01 22:00")
    events = pd.DataFrame({"agent_id": ["E1"] * 5,
                           "time": [t, t + pd.Timedelta(hours=8), t + pd.Timedelta(hours=8, minutes=1),
                                    t + pd.Timedelta(days=1), t + pd.Timedelta(days=1, hours=7)],
                           "direction": ["in", "out", "out", "in", "out"]})
    shifts = pair_punch_events(events)
    assert shifts["date"].tolist() == [pd.Timestamp("2026-07-01"), pd.Timestamp("2026-07-02")]
    spans = (shifts["sign_out"] - shifts["sign_in"]).dt.total_seconds() / 3600
    assert spans.tolist() == pytest.approx([8 + 1 / 60, 7.0])


def test_raw_punch_events_forgotten_sign_out_starts_a_new_shift_next_day():
    t = pd.Timestamp("2026-07-01 09:00")
    events = pd.DataFrame({"agent_id": ["E1"] * 3, "time": [t, t + pd.Timedelta(days=1), t + pd.Timedelta(days=1, hours=9)],
                           "direction": ["in", "in", "out"]})
    shifts = pair_punch_events(events)
    assert len(shifts) == 2 and pd.isna(shifts.at[0, "sign_out"])
    assert shifts.at[1, "sign_out"] - shifts.at[1, "sign_in"] == pd.Timedelta(hours=9)


def test_not_graded_says_why_for_a_standby_agent_without_punches():
    from cctool.policy.grading import _missing_data

    m = pd.DataFrame({"agent_id": ["E1", "E2", "E3"], "calls": [10, 10, 10], "kpi_months": [3, 3, 3],
                      "hours": [float("nan")] * 3, "cph_basis": ["none"] * 3,
                      "status": ["standby", "active", "left"], "exit_date": [pd.NaT] * 3})
    why = _missing_data(m).tolist()
    assert why[0] == why[2] == "no hours (standby or left without an exit date, and no punches)"
    assert why[1] == "no hours (no punches or schedule in the quarter)"
