"""simulate's comparison, property-tested: moving the half-day lateness threshold from 15 min to
t lists exactly the people whose lateness lies between the two thresholds, whatever t."""
from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cctool.io.inputs import InputSet
from cctool.pipelines import AttendanceInputs
from cctool.rules.lint import lint_rules
from cctool.rules.model import WorkedHours
from cctool.whatif import simulate_month
from tests.builders import punches, schedule
from tests.conftest import roster_frame


def _with_half_day_at(rules, minutes: float):
    late = list(rules.attendance.late)
    late[1] = late[1].model_copy(update={"above_minutes": minutes})
    return rules.model_copy(update={"attendance": rules.attendance.model_copy(update={"late": late})})


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lateness=st.lists(st.integers(min_value=0, max_value=40 * 60), min_size=1, max_size=6),
       threshold=st.integers(min_value=1, max_value=29))
def test_moving_the_threshold_lists_exactly_the_people_in_between(rules, lateness, threshold):
    ids = [f"A{i}" for i in range(len(lateness))]
    sched = schedule([(a, "2026-10-08", "09:00", "18:00") for a in ids])
    arrive = [pd.Timestamp("2026-10-08 09:00") + pd.Timedelta(seconds=s) for s in lateness]
    p = punches([(a, "2026-10-08", str(t), "2026-10-08 18:00:00") for a, t in zip(ids, arrive)])
    tables = AttendanceInputs(roster_frame([{"agent_id": a} for a in ids]), sched, p)
    sim = simulate_month("2026-10", rules, _with_half_day_at(rules, threshold), InputSet(rules), tables)
    # The full-day band (more than 30 min) decides above 30 min either way.
    lo, hi = sorted((threshold * 60, 15 * 60))
    expected = {a for a, s in zip(ids, lateness) if lo < s <= hi}
    assert {r["agent_id"] for r in sim.records} == expected
    assert sim.rules_diff == [{"path": "attendance.late[1].above_minutes", "baseline": 15.0,
                               "proposed": float(threshold)}] or threshold == 15


def test_lint_worked_hours_severity(rules):
    att = rules.attendance.model_copy(update={"worked_hours": [
        WorkedHours(rule_id="ATT-HOURS-FULL", kind="absent_full_day", below_hours=4),
        WorkedHours(rule_id="ATT-HOURS-HALF", kind="absent_half_day", below_hours=2)]})
    found = lint_rules(rules.model_copy(update={"attendance": att}))
    assert [f.path for f in found] == ["attendance.worked_hours[1].kind"]
    assert "severity falls as hours fall" in found[0].problem
