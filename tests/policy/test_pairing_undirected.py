"""Punches without a direction (DingTalk 原始记录, ZKTeco): first in, last out per shift."""
from __future__ import annotations

import pandas as pd

from builders import schedule

from cctool.policy.attendance import audit_month


def events(times, directions=None):
    n = len(times)
    return pd.DataFrame({"agent_id": ["E1"] * n, "time": pd.to_datetime(times),
                         "direction": directions or [None] * n, "_row": range(2, n + 2)})


def test_first_punch_is_sign_in_last_is_sign_out(org_roster, rules):
    sched = schedule([("E1", "2026-10-01", "09:00", "18:00")])
    ev = events(["2026-10-01 09:03", "2026-10-01 12:01", "2026-10-01 13:00", "2026-10-01 17:50"])
    r = audit_month("2026-10", org_roster, sched, ev, rules)
    shift = r.shifts.iloc[0]
    assert shift["sign_in"] == pd.Timestamp("2026-10-01 09:03")
    assert shift["sign_out"] == pd.Timestamp("2026-10-01 17:50")
    assert list(r.events["kind"]) == ["late", "early_leave"]


def test_night_shift_pairs_across_midnight(org_roster, rules):
    sched = schedule([("E1", "2026-10-01", "22:00", "06:00")])
    ev = events(["2026-10-01 21:55", "2026-10-02 06:01"])
    r = audit_month("2026-10", org_roster, sched, ev, rules)
    assert r.events.empty
    assert r.shifts.iloc[0]["sign_out"] == pd.Timestamp("2026-10-02 06:01")


def test_one_punch_is_a_missing_punch_on_the_nearer_side(org_roster, rules):
    sched = schedule([("E1", "2026-10-01", "09:00", "18:00"), ("E1", "2026-10-02", "09:00", "18:00")])
    ev = events(["2026-10-01 08:58", "2026-10-02 18:05"])
    r = audit_month("2026-10", org_roster, sched, ev, rules)
    s = r.shifts.set_index("date")
    assert s.loc["2026-10-01", "sign_in"] == pd.Timestamp("2026-10-01 08:58")
    assert pd.isna(s.loc["2026-10-01", "sign_out"]) and pd.isna(s.loc["2026-10-02", "sign_in"])
    assert s.loc["2026-10-02", "sign_out"] == pd.Timestamp("2026-10-02 18:05")
    assert list(r.events["kind"]) == ["missing_punch", "missing_punch"]
    assert "sign-in without a sign-out" in r.events.iloc[0]["reason"]
    assert "sign-out without a sign-in" in r.events.iloc[1]["reason"]


def test_directed_events_win_over_undirected_ones(org_roster, rules):
    sched = schedule([("E1", "2026-10-01", "09:00", "18:00")])
    ev = events(["2026-10-01 08:40", "2026-10-01 09:20", "2026-10-01 18:00"], ["in", None, "out"])
    r = audit_month("2026-10", org_roster, sched, ev, rules)
    assert r.shifts.iloc[0]["sign_in"] == pd.Timestamp("2026-10-01 08:40")
    assert r.events.empty


def test_grading_hours_from_undirected_punches():
    from cctool.policy.grading import pair_punch_events as pair_for_hours

    ev = pd.DataFrame({"agent_id": ["E1"] * 6,
                       "time": pd.to_datetime(["2026-10-01 08:55", "2026-10-01 13:00", "2026-10-01 18:05",
                                               "2026-10-02 08:57", "2026-10-02 17:59", "2026-10-03 22:00"]),
                       "direction": [None] * 6})
    shifts = pair_for_hours(ev)
    assert list(shifts["sign_in"].dt.strftime("%m-%d %H:%M")) == ["10-01 08:55", "10-02 08:57", "10-03 22:00"]
    assert list(shifts["sign_out"].dt.strftime("%m-%d %H:%M").fillna("-")) == ["10-01 18:05", "10-02 17:59", "-"]
