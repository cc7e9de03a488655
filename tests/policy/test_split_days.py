"""A split day (two shifts of one person on one date: 08:00-11:20 and 13:50-16:40) in the
canonical schedule, audited with raw punch events and with paired punches."""
from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import punches, schedule

from cctool.policy.attendance import audit_month

SPLIT = [("E1", "2026-10-05", "08:00", "11:20"), ("E1", "2026-10-05", "13:50", "16:40")]


def raw(rows):
    """rows: (agent, 'YYYY-MM-DD HH:MM:SS', 'in' | 'out')"""
    frame = pd.DataFrame([{"agent_id": a, "time": pd.Timestamp(t), "direction": d} for a, t, d in rows])
    frame["direction"] = frame["direction"].astype("string")
    frame["_row"] = range(2, len(frame) + 2)
    return frame


def per_shift(result):
    s = result.shifts.sort_values(["agent_id", "shift_start_at"])
    return [(r.agent_id, r.shift_start_at.strftime("%m-%d %H:%M"), r.sign_in, r.sign_out, r.absence, r.worked)
            for r in s.itertuples()]


def finds(result):
    e = result.events
    return sorted(zip(e["agent_id"], e["date"].dt.strftime("%m-%d"), e["shift_start"], e["kind"]))


def test_raw_on_time_for_both_periods(org_roster, rules):
    p = raw([("E1", "2026-10-05 07:58:00", "in"), ("E1", "2026-10-05 11:21:00", "out"),
             ("E1", "2026-10-05 13:45:00", "in"), ("E1", "2026-10-05 16:41:00", "out")])
    r = audit_month("2026-10", org_roster, schedule(SPLIT), p, rules)
    assert r.events.empty and r.issues == []
    [(_, _, in1, out1, a1, w1), (_, _, in2, out2, a2, w2)] = per_shift(r)
    assert (in1, out1) == (pd.Timestamp("2026-10-05 07:58"), pd.Timestamp("2026-10-05 11:21"))
    assert (in2, out2) == (pd.Timestamp("2026-10-05 13:45"), pd.Timestamp("2026-10-05 16:41"))
    assert (a1, a2, w1, w2) == (0, 0, 1, 1)
    row = r.summary.set_index("agent_id").loc["E1"]
    assert (row["scheduled_days"], row["worked_days"], row["absent_days"]) == (2, 2, 0)


def test_raw_skips_the_afternoon(org_roster, rules):
    p = raw([("E1", "2026-10-05 07:58:00", "in"), ("E1", "2026-10-05 11:21:00", "out")])
    r = audit_month("2026-10", org_roster, schedule(SPLIT), p, rules)
    assert finds(r) == [("E1", "10-05", "13:50", "absent_full_day")]
    assert r.events["rule_id"].tolist() == ["ATT-NO-SHOW"]
    row = r.summary.set_index("agent_id").loc["E1"]
    assert (row["scheduled_days"], row["worked_days"], row["absent_days"]) == (2, 1, 1)


def test_paired_on_time_for_both_periods_is_two_review_items(org_roster, rules):
    """One sign-in/sign-out pair for the day: the morning gets the sign-in, the afternoon the
    sign-out; neither shift passes silently and the pair is not joined to both shifts."""
    p = punches([("E1", "2026-10-05", "2026-10-05 07:58:00", "2026-10-05 16:41:00")])
    r = audit_month("2026-10", org_roster, schedule(SPLIT), p, rules)
    assert finds(r) == [("E1", "10-05", "08:00", "missing_punch"), ("E1", "10-05", "13:50", "missing_punch")]
    [(_, _, in1, out1, _, w1), (_, _, in2, out2, _, w2)] = per_shift(r)
    assert in1 == pd.Timestamp("2026-10-05 07:58") and pd.isna(out1)
    assert pd.isna(in2) and out2 == pd.Timestamp("2026-10-05 16:41")
    assert (w1, w2) == (1, 1)  # a missing punch counts as worked, a review item
    assert r.summary.set_index("agent_id").loc["E1", "missing_punch_count"] == 2
    [issue] = [i for i in r.issues if "several shifts" in i.problem]
    assert issue.severity == "warning" and issue.row == 2


def test_paired_skips_the_afternoon(org_roster, rules):
    p = punches([("E1", "2026-10-05", "2026-10-05 07:58:00", "2026-10-05 11:21:00")])
    r = audit_month("2026-10", org_roster, schedule(SPLIT), p, rules)
    assert finds(r) == [("E1", "10-05", "13:50", "absent_full_day")]
    [(_, _, in1, out1, a1, w1), (_, _, in2, out2, a2, w2)] = per_shift(r)
    assert (in1, out1) == (pd.Timestamp("2026-10-05 07:58"), pd.Timestamp("2026-10-05 11:21"))
    assert pd.isna(in2) and pd.isna(out2) and (a1, a2, w1, w2) == (0, 1, 1, 0)


def test_paired_one_shift_days_keep_their_pair(org_roster, rules):
    """Beside a split day, a one-shift day is read as before: the pair is its shift's."""
    sched = schedule(SPLIT + [("E1", "2026-10-06", "09:00", "18:00")])
    p = punches([("E1", "2026-10-05", "2026-10-05 07:58:00", "2026-10-05 16:41:00"),
                 ("E1", "2026-10-06", "2026-10-06 09:20:00", "2026-10-06 18:00:00")])
    r = audit_month("2026-10", org_roster, sched, p, rules)
    assert finds(r) == [("E1", "10-05", "08:00", "missing_punch"), ("E1", "10-05", "13:50", "missing_punch"),
                        ("E1", "10-06", "09:00", "absent_half_day")]


def test_night_shift_then_next_morning(org_roster, rules):
    """A night shift 22:00-06:00 and the next day's two shifts 08:00-11:20 and 13:50-16:40: the
    night's sign-out at 06:02 stays the night's, not the morning's sign-in."""
    sched = schedule([("E1", "2026-10-04", "22:00", "06:00")] + SPLIT)
    p = raw([("E1", "2026-10-04 21:55:00", "in"), ("E1", "2026-10-05 06:02:00", "out"),
             ("E1", "2026-10-05 08:20:00", "in"), ("E1", "2026-10-05 11:20:00", "out"),
             ("E1", "2026-10-05 13:50:00", "in"), ("E1", "2026-10-05 16:40:00", "out")])
    r = audit_month("2026-10", org_roster, sched, p, rules)
    assert finds(r) == [("E1", "10-05", "08:00", "absent_half_day")]  # 20 min late for the morning
    got = [(t, i.strftime("%H:%M"), o.strftime("%H:%M")) for _, t, i, o, _, _ in per_shift(r)]
    assert got == [("10-04 22:00", "21:55", "06:02"), ("10-05 08:00", "08:20", "11:20"),
                   ("10-05 13:50", "13:50", "16:40")]
    # paired: the night's row and the split day's row
    p = punches([("E1", "2026-10-04", "2026-10-04 21:55:00", "2026-10-05 06:02:00"),
                 ("E1", "2026-10-05", "2026-10-05 08:20:00", "2026-10-05 16:40:00")])
    r = audit_month("2026-10", org_roster, sched, p, rules)
    assert finds(r) == [("E1", "10-05", "08:00", "absent_half_day"), ("E1", "10-05", "08:00", "missing_punch"),
                        ("E1", "10-05", "13:50", "missing_punch")]
    got = [(t, i, o) for _, t, i, o, _, _ in per_shift(r)]
    assert got[0] == ("10-04 22:00", pd.Timestamp("2026-10-04 21:55"), pd.Timestamp("2026-10-05 06:02"))


def _half_day(start: str, end: str) -> pd.DataFrame:
    frame = pd.DataFrame([{"request_id": "L1", "agent_id": "E1", "leave_type": "annual", "channel": "form",
                           "documents_complete": True, "reason_false": False, "approvals": "T1",
                           "start": pd.Timestamp(start), "end": pd.Timestamp(end)}])
    frame["_row"] = [2]
    return frame


def test_morning_leave_covers_the_morning_shift_only(org_roster, rules):
    """A half-day leave 08:00-12:00 on a split day is the morning shift's whole leave: the
    afternoon is worked as scheduled, no one is absent for a shift the leave covers."""
    p = raw([("E1", "2026-10-05 13:50:00", "in"), ("E1", "2026-10-05 16:40:00", "out")])
    r = audit_month("2026-10", org_roster, schedule(SPLIT), p, rules,
                    leave=_half_day("2026-10-05 08:00", "2026-10-05 12:00"))
    assert r.events.empty
    got = [(t, a, w) for _, t, _, _, a, w in per_shift(r)]
    assert got == [("10-05 08:00", 0, 0), ("10-05 13:50", 0, 1)]
    row = r.summary.set_index("agent_id").loc["E1"]
    assert (row["scheduled_days"], row["worked_days"], row["leave_days"], row["absent_days"]) == (2, 1, 1, 0)


def test_leave_across_the_break_moves_both_ends(org_roster, rules):
    """A half-day leave 11:00-14:30 covers the end of the morning and the start of the afternoon:
    the morning is expected until 11:00, the afternoon from 14:30 (a sign-in at 14:35 is 5 min
    late), as on a day of one shift."""
    p = raw([("E1", "2026-10-05 07:58:00", "in"), ("E1", "2026-10-05 11:00:00", "out"),
             ("E1", "2026-10-05 14:35:00", "in"), ("E1", "2026-10-05 16:40:00", "out")])
    r = audit_month("2026-10", org_roster, schedule(SPLIT), p, rules,
                    leave=_half_day("2026-10-05 11:00", "2026-10-05 14:30"))
    assert finds(r) == [("E1", "10-05", "13:50", "late")] and r.events["minutes"].tolist() == [5]


def test_consecutive_absence_counts_days_not_shifts(org_roster, rules):
    """ATT-QUIT-3 is 3 consecutive scheduled days of full-day absence: a split day is one day,
    absent in full only when both its shifts are. Missing the afternoon of 10-05 and all of
    10-06 is 3 shifts but not 3 days; missing 10-05, 10-06 and 10-07 in full is."""
    days = ("2026-10-05", "2026-10-06", "2026-10-07", "2026-10-08")
    # E2 works every day: a day nobody punches would be a feed gap, not judged
    sched = schedule([("E1", d, s, e) for d in days for s, e in (("08:00", "11:20"), ("13:50", "16:40"))]
                     + [("E2", d, "09:00", "18:00") for d in days])
    on_time = lambda d: [("E1", f"{d} 08:00:00", "in"), ("E1", f"{d} 11:20:00", "out"),  # noqa: E731
                         ("E1", f"{d} 13:50:00", "in"), ("E1", f"{d} 16:40:00", "out")]
    e2 = [("E2", f"{d} {t}:00", w) for d in days for t, w in (("09:00", "in"), ("18:00", "out"))]
    p = raw(on_time("2026-10-05")[:2] + on_time("2026-10-07") + on_time("2026-10-08") + e2)
    r = audit_month("2026-10", org_roster, sched, p, rules)
    row = r.summary.set_index("agent_id").loc["E1"]
    assert (row["absent_days"], bool(row["deemed_resigned"])) == (3, False)
    p = raw(on_time("2026-10-08") + e2)
    r = audit_month("2026-10", org_roster, sched, p, rules)
    row = r.summary.set_index("agent_id").loc["E1"]
    assert (row["absent_days"], bool(row["deemed_resigned"])) == (6, True)
    assert "3 consecutive scheduled days absent" in row["explanation"]


@st.composite
def split_day(draw):
    """2-3 shifts of E1 on 2026-10-05 that do not overlap, and one paired row with any sign-in
    and sign-out (either may be missing) between 05:00 and 23:59."""
    n = draw(st.integers(2, 3))
    cuts = sorted(draw(st.lists(st.integers(6 * 60, 23 * 60), min_size=2 * n, max_size=2 * n, unique=True)))
    shifts = [(f"{a // 60:02d}:{a % 60:02d}", f"{b // 60:02d}:{b % 60:02d}") for a, b in zip(cuts[::2], cuts[1::2])]
    stamp = st.one_of(st.none(), st.integers(5 * 60, 23 * 60 + 59).map(
        lambda m: f"2026-10-05 {m // 60:02d}:{m % 60:02d}:00"))
    return shifts, draw(stamp), draw(stamp)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=split_day())
def test_any_pair_on_a_split_day_is_used_once_at_most(org_roster, rules, case):
    """Whatever the pair, its sign-in lands on one shift at most and its sign-out on one shift at
    most; every shift is scheduled and judged; a shift without punches is a no-show, one with a
    single punch a missing punch."""
    shifts, sign_in, sign_out = case
    if sign_in is None and sign_out is None:
        return  # not a punch row (the reader excludes it)
    sched = schedule([("E1", "2026-10-05", a, b) for a, b in shifts]
                     + [("E2", "2026-10-05", "09:00", "18:00")])  # E2 punches: the day is no feed gap
    p = punches([("E1", "2026-10-05", sign_in, sign_out),
                 ("E2", "2026-10-05", "2026-10-05 09:00:00", "2026-10-05 18:00:00")])
    r = audit_month("2026-10", org_roster, sched, p, rules)
    s = r.shifts[r.shifts["agent_id"] == "E1"]
    assert len(s) == len(shifts)
    assert s["sign_in"].notna().sum() <= 1 and s["sign_out"].notna().sum() <= 1
    if sign_in is not None:
        assert set(s["sign_in"].dropna()) <= {pd.Timestamp(sign_in)}
    if sign_out is not None:
        assert set(s["sign_out"].dropna()) <= {pd.Timestamp(sign_out)}
    row = r.summary.set_index("agent_id").loc["E1"]
    assert row["scheduled_days"] == len(shifts)
    punched = s["sign_in"].notna() | s["sign_out"].notna()
    assert int(s["no_show"].sum()) == int((~punched).sum())
    both = s["sign_in"].notna() & s["sign_out"].notna()
    assert int(s["missing_punch"].sum()) == int((punched & ~both).sum()) + int(s["punch_reversed"].sum())
