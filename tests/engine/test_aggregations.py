"""The one SQL definition at its boundaries, on DuckDB: which day a call counts on (the as-of
match of a call to the latest shift window starting at or before it), and the row statuses."""
from __future__ import annotations

import pandas as pd

from cctool.engine.calls import daily_call_metrics

KNOWN = {"E1", "E2"}


def _calls(tmp_path, rows):
    path = tmp_path / "calls.csv"
    frame = pd.DataFrame(rows, columns=["agent_id", "start_time", "connected", "success"])
    frame.insert(0, "call_id", range(1, len(frame) + 1))
    frame.to_csv(path, index=False)
    return path


def _days(daily):
    return {(r.agent_id, f"{r.date:%m-%d}"): r.calls for r in daily.itertuples()}


def test_call_dated_by_the_latest_window_starting_at_or_before_it(tmp_path):
    windows = pd.DataFrame({
        "agent_id": ["E1", "E1", "E2"],
        "date": pd.to_datetime(["2026-07-01", "2026-07-02", "2026-07-01"]),
        # E1: a night shift 22:00–06:00 (window 21:30–06:30), then a day shift 07:00 on the 2nd
        "win_start": pd.to_datetime(["2026-07-01 21:30", "2026-07-02 06:00", "2026-07-01 08:30"]),
        "win_end": pd.to_datetime(["2026-07-02 06:30", "2026-07-02 16:30", "2026-07-01 17:30"]),
    })
    path = _calls(tmp_path, [
        ("E1", "2026-07-01 21:30:00", "1", "0"),  # at the window's start: inside (night shift of the 1st)
        ("E1", "2026-07-02 05:59:59", "1", "0"),  # after midnight, but the 2nd's window started 06:00: the 1st
        ("E1", "2026-07-02 06:00:00", "1", "0"),  # overlap: the latest window starting at or before wins (2nd)
        ("E1", "2026-07-02 16:30:00", "1", "0"),  # at the window's end: outside, counts on its calendar day
        ("E2", "2026-07-01 08:29:59", "1", "0"),  # before any window: calendar day
        ("E2", "2026-07-03 09:00:00", "1", "0"),  # after the last window's end: calendar day
    ])
    daily, issues = daily_call_metrics(path, "2026-07-01", "2026-07-04", KNOWN, windows=windows)
    assert _days(daily) == {("E1", "07-01"): 2, ("E1", "07-02"): 2, ("E2", "07-01"): 1, ("E2", "07-03"): 1}
    assert issues == []


def test_night_shift_of_the_last_day_keeps_its_calls_and_outside_is_counted(tmp_path):
    windows = pd.DataFrame({"agent_id": ["E1"], "date": pd.to_datetime(["2026-07-31"]),
                            "win_start": pd.to_datetime(["2026-07-31 21:30"]),
                            "win_end": pd.to_datetime(["2026-08-01 06:30"])})
    path = _calls(tmp_path, [
        ("E1", "2026-08-01 02:00:00", "1", "1"),  # the 31st's night shift: in July
        ("E1", "2026-08-01 07:00:00", "1", "0"),  # August: outside the period
        ("E1", "2026-06-30 23:00:00", "0", "0"),  # June: outside
        ("", "2026-07-15 10:00:00", "0", "0"),  # reached no agent, in the period
        ("E1", "2026-07-15 10:00:00", "perhaps", "0"),  # unreadable: excluded, counted
    ])
    daily, issues = daily_call_metrics(path, "2026-07-01", "2026-08-01", KNOWN, windows=windows)
    assert _days(daily) == {("E1", "07-31"): 1}
    assert daily.attrs["no_agent_calls"] == {"2026-07-15": 1} and daily.attrs["rows_read"] == 5
    problems = sorted(i.problem for i in issues)
    assert problems[0].startswith("1 call record(s) with blank or unreadable connected")
    assert problems[1] == "2 call record(s) of roster agents outside the period 2026-07-01..2026-07-31; not counted"
