"""Attendance rules at their literal boundaries (just under, at, just over)."""
from __future__ import annotations

import pandas as pd
import pytest

from builders import punches, schedule

from cctool.policy.attendance import audit_month

DAY = pd.Timestamp("2026-10-01")


def one_shift(org_roster, rules, sign_in, sign_out, **kw):
    sched = schedule([("E1", "2026-10-01", "09:00", "18:00")])
    p = punches([("E1", "2026-10-01", sign_in, sign_out)])
    return audit_month("2026-10", org_roster, sched, p, rules, **kw)


def kinds(result):
    return list(zip(result.events["kind"], result.events["rule_id"]))


@pytest.mark.parametrize("sign_in, expected", [
    ("2026-10-01 09:00:00", []),
    ("2026-10-01 09:00:01", [("late", "ATT-LATE")]),
    ("2026-10-01 09:14:59", [("late", "ATT-LATE")]),
    ("2026-10-01 09:15:00", [("late", "ATT-LATE")]),                       # 15 min 00 s is late
    ("2026-10-01 09:15:01", [("absent_half_day", "ATT-LATE-HALF")]),       # 15 min 01 s is half a day
    ("2026-10-01 09:30:00", [("absent_half_day", "ATT-LATE-HALF")]),
    ("2026-10-01 09:30:01", [("absent_full_day", "ATT-LATE-FULL")]),
])
def test_late_bands(org_roster, rules, sign_in, expected):
    r = one_shift(org_roster, rules, sign_in, "2026-10-01 18:00:00")
    assert kinds(r) == expected


@pytest.mark.parametrize("sign_out, expected", [
    ("2026-10-01 17:55:01", []),                                            # 4 min 59 s: tolerated
    ("2026-10-01 17:56:00", []),                                            # 4 min early is tolerated
    ("2026-10-01 17:55:00", [("early_leave", "ATT-EARLY")]),               # 5 min is early_leave
    ("2026-10-01 17:45:01", [("early_leave", "ATT-EARLY")]),
    ("2026-10-01 17:45:00", [("absent_half_day", "ATT-EARLY-HALF")]),      # 15 min
    ("2026-10-01 17:30:01", [("absent_half_day", "ATT-EARLY-HALF")]),
    ("2026-10-01 17:30:00", [("absent_full_day", "ATT-EARLY-FULL")]),      # 30 min
])
def test_early_bands(org_roster, rules, sign_out, expected):
    r = one_shift(org_roster, rules, "2026-10-01 08:55:00", sign_out)
    assert kinds(r) == expected


def test_absence_days_add_halves_and_cap_at_one_per_shift(org_roster, rules):
    r = one_shift(org_roster, rules, "2026-10-01 09:20:00", "2026-10-01 17:40:00")
    row = r.summary.set_index("agent_id").loc["E1"]
    assert row["absent_days"] == 1.0 and row["worked_days"] == 0.0
    r = one_shift(org_roster, rules, "2026-10-01 09:40:00", "2026-10-01 17:20:00")
    assert r.summary.set_index("agent_id").loc["E1", "absent_days"] == 1.0


def test_night_shift_belongs_to_the_day_it_starts(org_roster, rules):
    sched = schedule([("E1", "2026-10-31", "22:00", "06:00")])
    p = punches([("E1", "2026-10-31", "2026-10-31 22:16:00", "2026-11-01 06:00:00")])
    r = audit_month("2026-10", org_roster, sched, p, rules)
    assert kinds(r) == [("absent_half_day", "ATT-LATE-HALF")]
    assert r.events.loc[0, "date"] == pd.Timestamp("2026-10-31")
    assert "scheduled 22:00, signed in 22:16:00" in r.events.loc[0, "reason"]


def test_no_show_and_missing_punch(org_roster, rules):
    sched = schedule([("E1", "2026-10-01", "09:00", "18:00"), ("E1", "2026-10-02", "09:00", "18:00")])
    p = punches([("E1", "2026-10-02", "2026-10-02 08:50:00", None)])
    r = audit_month("2026-10", org_roster, sched, p, rules)
    assert kinds(r) == [("absent_full_day", "ATT-NO-SHOW"), ("missing_punch", "ATT-MISSING-PUNCH")]
    row = r.summary.set_index("agent_id").loc["E1"]
    assert row["absent_days"] == 1.0 and row["missing_punch_count"] == 1
    assert bool(row["attention"])


@pytest.mark.parametrize("sign_in, sign_out, finding, judged, unjudged", [
    ("2026-10-01 09:20:00", None, ("absent_half_day", "ATT-LATE-HALF"), "the arrival is judged", "departure is not"),
    (None, "2026-10-01 17:30:00", ("absent_full_day", "ATT-EARLY-FULL"), "the departure is judged", "arrival is not"),
])
def test_a_missing_punch_judges_the_side_that_has_its_punch_and_says_so(org_roster, rules, sign_in, sign_out,
                                                                        finding, judged, unjudged):
    r = one_shift(org_roster, rules, sign_in, sign_out)
    assert kinds(r) == [finding, ("missing_punch", "ATT-MISSING-PUNCH")]
    reason = r.events.set_index("kind").loc["missing_punch", "reason"]
    assert judged in reason and unjudged in reason and "judged neither" not in reason
    row = r.summary.set_index("agent_id").loc["E1"]
    assert "a side without its punch not judged" in row["explanation"]


def test_excusal_turns_lateness_into_excused_late(org_roster, rules):
    excusals = pd.DataFrame({"date": [DAY], "scope": ["team:TSR-1"], "reason": ["台风"], "_row": [2]})
    r = one_shift(org_roster, rules, "2026-10-01 09:40:00", "2026-10-01 18:00:00", excusals=excusals)
    assert kinds(r) == [("excused_late", "ATT-EXCUSE")]
    assert r.summary.loc[0, "absent_days"] == 0 and r.summary.loc[0, "late_count"] == 0
    other_team = excusals.assign(scope="team:TSR-2")
    r = one_shift(org_roster, rules, "2026-10-01 09:40:00", "2026-10-01 18:00:00", excusals=other_team)
    assert kinds(r) == [("absent_full_day", "ATT-LATE-FULL")]


def month_of(org_roster, rules, day_punches):
    """E1 scheduled 1..len(day_punches) October; day_punches: list of (in 'HH:MM:SS' | None, out | None)."""
    days = [f"2026-10-{i + 1:02d}" for i in range(len(day_punches))]
    sched = schedule([("E1", d, "09:00", "18:00") for d in days])
    p = punches([("E1", d, f"{d} {i}" if i else None, f"{d} {o}" if o else None)
                 for d, (i, o) in zip(days, day_punches) if i or o])
    return audit_month("2026-10", org_roster, sched, p, rules).summary.set_index("agent_id").loc["E1"]


ON_TIME = ("08:55:00", "18:00:00")
LATE = ("09:05:00", "18:00:00")
EARLY = ("08:55:00", "17:50:00")
HALF = ("09:20:00", "18:00:00")


def test_count_3_lates_and_early_leaves(org_roster, rules):
    assert not month_of(org_roster, rules, [LATE, EARLY, ON_TIME])["performance_bonus_stopped"]
    row = month_of(org_roster, rules, [LATE, EARLY, LATE])
    assert row["performance_bonus_stopped"] and "ATT-COUNT-3" in row["rule_ids"]


def test_absence_tiers(org_roster, rules):
    row = month_of(org_roster, rules, [HALF, ON_TIME])
    assert row["absent_days"] == 0.5 and not row["performance_pay_zero"]
    row = month_of(org_roster, rules, [HALF, HALF, ON_TIME])
    assert row["absent_days"] == 1.0 and row["performance_pay_zero"] and not row["all_bonus_zero"]
    assert "ATT-ABS-1" in row["rule_ids"]
    row = month_of(org_roster, rules, [HALF, HALF, HALF, ON_TIME])
    assert row["absent_days"] == 1.5 and not row["all_bonus_zero"]
    row = month_of(org_roster, rules, [HALF, HALF, HALF, HALF])
    assert row["all_bonus_zero"] and not row["wage_withheld"] and "ATT-ABS-2" in row["rule_ids"]
    row = month_of(org_roster, rules, [(None, None), ON_TIME, (None, None), ON_TIME, (None, None)])
    assert row["wage_withheld"] and "ATT-ABS-3" in row["rule_ids"] and not row["deemed_resigned"]


def test_quit_after_three_consecutive_scheduled_days(org_roster, rules):
    row = month_of(org_roster, rules, [(None, None), (None, None), ON_TIME, (None, None)])
    assert not row["deemed_resigned"]
    row = month_of(org_roster, rules, [ON_TIME, (None, None), (None, None), (None, None)])
    assert row["deemed_resigned"] and "ATT-QUIT-3" in row["rule_ids"]
    # rest days between scheduled days do not break the run
    sched = schedule([("E1", d, "09:00", "18:00") for d in ("2026-10-02", "2026-10-05", "2026-10-09")])
    r = audit_month("2026-10", org_roster, sched, punches([("E9", "2026-10-02", None, "2026-10-02 18:00")]), rules)
    assert bool(r.summary.set_index("agent_id").loc["E1", "deemed_resigned"])


def test_team_attendance_target(org_roster, rules):
    days = [f"2026-10-{i:02d}" for i in range(1, 21)]
    sched = schedule([(a, d, "09:00", "18:00") for a in ("E1", "E2") for d in days])
    ok = [(a, d, f"{d} 08:55:00", f"{d} 18:00:00") for a in ("E1", "E2") for d in days]
    r = audit_month("2026-10", org_roster, sched, punches(ok[:-2]), rules)  # 38 of 40 days worked: 95 %
    team = r.teams.set_index("team").loc["TSR-1"]
    assert team["attendance_rate"] == 0.95 and not team["below_target"] and team["rule_id"] == "ATT-TEAM-95"
    r = audit_month("2026-10", org_roster, sched, punches(ok[:-3]), rules)  # 37 of 40: 92.5 %
    assert bool(r.teams.set_index("team").loc["TSR-1", "below_target"])


def test_raw_punch_events_pair_first_in_last_out(org_roster, rules):
    sched = schedule([("E1", "2026-10-01", "22:00", "06:00")])
    events = pd.DataFrame({"agent_id": ["E1"] * 4,
                           "time": pd.to_datetime(["2026-10-01 22:03", "2026-10-01 22:10", "2026-10-02 02:00",
                                                   "2026-10-02 05:50"]),
                           "direction": ["in", "in", "out", "out"], "_row": [2, 3, 4, 5]})
    r = audit_month("2026-10", org_roster, sched, events, rules)
    assert kinds(r) == [("late", "ATT-LATE"), ("early_leave", "ATT-EARLY")]
    assert r.events.loc[0, "minutes"] == 3.0 and r.events.loc[1, "minutes"] == 10.0


def test_swap_limits(org_roster, rules):
    sched = schedule([("E1", "2026-10-01", "09:00", "18:00")])
    p = punches([("E1", "2026-10-01", "2026-10-01 08:55", "2026-10-01 18:00")])
    swaps = pd.DataFrame({"agent_id": ["E1", "E1", "E2", "E2", "E2"],
                          "date": pd.to_datetime(["2026-10-03", "2026-10-10", "2026-10-03", "2026-10-04",
                                                  "2026-10-05"]),
                          "with_agent_id": ["E1", "E1", "E9", "E9", "E1"], "_row": range(2, 7)})
    r = audit_month("2026-10", org_roster, sched, p, rules, swaps=swaps)
    over = r.events[r.events["rule_id"] == "ATT-SWAP"]
    assert list(over["agent_id"]) == ["E1", "E2"]
    assert "2 days of shift swap with oneself this month; the limit is 1" in over.iloc[0]["reason"]
    assert "3 days of shift swap with others this month; the limit is 2" in over.iloc[1]["reason"]
    ok = swaps.iloc[[0, 2, 3]]
    assert r.events.pipe(lambda e: e[e["rule_id"] == "ATT-SWAP"]).shape[0] == 2
    r = audit_month("2026-10", org_roster, sched, p, rules, swaps=ok)
    assert (r.events["rule_id"] == "ATT-SWAP").sum() == 0


def test_training_ends_on_two_lates(org_roster, rules):
    sched = schedule([("E3", d, "09:00", "18:00") for d in ("2026-10-01", "2026-10-02")])
    one_late = punches([("E3", "2026-10-01", "2026-10-01 09:01", "2026-10-01 18:00"),
                        ("E3", "2026-10-02", "2026-10-02 08:59", "2026-10-02 18:00")])
    r = audit_month("2026-10", org_roster, sched, one_late, rules)
    assert "ATT-TRAINING" not in set(r.events["rule_id"])
    two = one_late.assign(sign_in=pd.to_datetime(["2026-10-01 09:01", "2026-10-02 09:02"]))
    r = audit_month("2026-10", org_roster, sched, two, rules)
    ev = r.events[r.events["rule_id"] == "ATT-TRAINING"]
    assert len(ev) == 1 and "2 unexcused lates" in ev.iloc[0]["reason"]
    assert bool(r.summary.set_index("agent_id").loc["E3", "training_ended"])


def test_training_absence_hours(org_roster, rules):
    """More than 2 h of unexcused absence ends training; a half-day absence of a 9 h shift is 4.5 h."""
    sched = schedule([("E3", "2026-10-01", "09:00", "11:00"), ("E3", "2026-10-02", "09:00", "18:00")])
    p = punches([("E3", "2026-10-02", "2026-10-02 08:55", "2026-10-02 18:00")])  # 2 h shift missed: exactly 2 h
    r = audit_month("2026-10", org_roster, sched, p, rules)
    assert "ATT-TRAINING" not in set(r.events["rule_id"])
    sched = schedule([("E3", "2026-10-01", "09:00", "11:01")])
    r = audit_month("2026-10", org_roster, sched, punches([("E9", "2026-10-01", None, "2026-10-01 18:00")]), rules)
    assert "ATT-TRAINING" in set(r.events["rule_id"])


def test_schedule_after_exit_is_reported_not_audited(org_roster, rules):
    roster = org_roster.copy()
    roster.loc[roster["agent_id"] == "E1", "exit_date"] = pd.Timestamp("2026-10-01")
    sched = schedule([("E1", "2026-10-01", "09:00", "18:00"), ("E1", "2026-10-02", "09:00", "18:00")])
    p = punches([("E1", "2026-10-01", "2026-10-01 08:55", "2026-10-01 18:00")])
    r = audit_month("2026-10", roster, sched, p, rules)
    assert r.summary.loc[0, "scheduled_days"] == 1
    assert any("after the exit date" in i.problem and i.row == 3 for i in r.issues)


# ----------------------------------------------------------------------------- raw events (issue 9 §5)

def raw_events(rows):
    """rows: (agent, 'YYYY-MM-DD HH:MM:SS', 'in' | 'out' | None)"""
    frame = pd.DataFrame([{"agent_id": a, "time": pd.Timestamp(t), "direction": d} for a, t, d in rows])
    frame["direction"] = frame["direction"].astype("string")
    frame["_row"] = range(2, len(frame) + 2)
    return frame


def test_events_without_a_direction_are_first_in_last_out(org_roster, rules):
    sched = schedule([("E1", "2026-10-01", "09:00", "18:00"), ("E1", "2026-10-02", "09:00", "18:00")])
    ev = raw_events([("E1", "2026-10-01 09:20:00", None), ("E1", "2026-10-01 12:00:00", None),
                     ("E1", "2026-10-01 18:00:00", None),
                     ("E1", "2026-10-02 17:59:00", None)])  # one event only: a missing punch, never a pair
    r = audit_month("2026-10", org_roster, sched, ev, rules)
    assert kinds(r) == [("absent_half_day", "ATT-LATE-HALF"), ("missing_punch", "ATT-MISSING-PUNCH")]
    day2 = r.shifts.set_index("date").loc[pd.Timestamp("2026-10-02")]
    assert pd.isna(day2["sign_in"]) and day2["sign_out"] == pd.Timestamp("2026-10-02 17:59:00")


def test_a_night_shift_sign_out_inside_the_next_day_shift_window_stays_with_the_night(org_roster, rules):
    sched = schedule([("E1", "2026-10-01", "18:00", "03:00"), ("E1", "2026-10-02", "08:00", "17:00")])
    ev = raw_events([("E1", "2026-10-01 17:58:00", "in"), ("E1", "2026-10-02 04:30:00", "out"),
                     ("E1", "2026-10-02 07:59:00", "in"), ("E1", "2026-10-02 17:01:00", "out")])
    r = audit_month("2026-10", org_roster, sched, ev, rules)
    assert kinds(r) == []
    night = r.shifts.set_index("date").loc[pd.Timestamp("2026-10-01")]
    assert night["sign_out"] == pd.Timestamp("2026-10-02 04:30:00")


def test_a_punch_of_last_months_night_shift_is_used_not_unmatched(org_roster, rules):
    sched = schedule([("E1", "2026-09-30", "22:00", "06:00"), ("E1", "2026-10-01", "22:00", "06:00")])
    ev = raw_events([("E1", "2026-09-30 21:55:00", "in"), ("E1", "2026-10-01 06:01:00", "out"),
                     ("E1", "2026-10-01 21:55:00", "in"), ("E1", "2026-10-02 06:01:00", "out")])
    r = audit_month("2026-10", org_roster, sched, ev, rules)
    assert kinds(r) == [] and not [i for i in r.issues if "unmatched" in i.problem]
