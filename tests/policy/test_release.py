"""Letting go of the classified shifts (memory, issue 13) keeps what the report still asks of them."""
from __future__ import annotations

import pandas as pd

from builders import punches, schedule

from cctool.policy.attendance import audit_month


def test_release_shifts_keeps_the_pending_count(org_roster, rules):
    sched = schedule([("E1", "2026-10-01", "09:00", "18:00"), ("E1", "2026-10-02", "09:00", "18:00")])
    p = punches([("E1", "2026-10-01", "09:00", "18:00")])
    result = audit_month("2026-10", org_roster, sched, p, rules, as_of=pd.Timestamp("2026-10-02 12:00"))
    assert result.pending_shifts == 1
    columns = list(result.shifts.columns)
    result.release_shifts()
    assert result.pending_shifts == 1
    assert result.shifts.empty and list(result.shifts.columns) == columns
