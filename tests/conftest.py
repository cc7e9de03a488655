"""Shared fixtures: the packaged rules, and small frames built the way the readers build them."""
from __future__ import annotations

import os

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

from cctool.rules import load_rules

# Hypothesis profiles. "ci" (the default) keeps the generated-centre properties of tests/centres
# to a few minutes on two cores; "long" is for a night run: HYPOTHESIS_PROFILE=long python -m pytest tests/centres.
# A test's own @settings still wins over the profile.
_SLOW_DATA = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("ci", max_examples=8, deadline=None, suppress_health_check=_SLOW_DATA,
                          print_blob=True)
settings.register_profile("long", max_examples=400, deadline=None, suppress_health_check=_SLOW_DATA,
                          print_blob=True)
settings.register_profile("dev", max_examples=4, deadline=None, suppress_health_check=_SLOW_DATA)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def rules():
    return load_rules().rules


def roster_frame(rows: list[dict]) -> pd.DataFrame:
    base = {"name": "x", "team": "TSR-1", "role": "agent", "line": "TSR", "department": "operations",
            "grade": "C", "reports_to": None, "hire_date": pd.Timestamp("2024-01-01"), "exit_date": pd.NaT,
            "new_hire_exam_passed": True, "regular_exam_passed": True, "status": "active"}
    frame = pd.DataFrame([{**base, **r} for r in rows])
    frame["_row"] = range(2, len(frame) + 2)
    return frame


@pytest.fixture(scope="session")
def org_roster():
    """A small centre: director D1, ops manager M1, deputy DM1, supervisors S1/S2, team leads
    T1 (under S1) and T2 (under S2), agents E1..E3 under T1 and E9 under T2. Shared: copy before changing."""
    return roster_frame([
        {"agent_id": "D1", "role": "director", "team": "MGMT", "grade": None, "line": None},
        {"agent_id": "M1", "role": "ops_manager", "team": "MGMT", "reports_to": "D1", "grade": None, "line": None},
        {"agent_id": "SM1", "role": "support_manager", "team": "SUPPORT", "department": "support",
         "reports_to": "D1", "grade": None, "line": None},
        {"agent_id": "DM1", "role": "deputy_manager", "team": "MGMT", "reports_to": "M1", "grade": None, "line": None},
        {"agent_id": "S1", "role": "supervisor", "reports_to": "DM1", "grade": None, "line": None},
        {"agent_id": "S2", "role": "supervisor", "team": "TSR-2", "reports_to": "DM1", "grade": None, "line": None},
        {"agent_id": "T1", "role": "team_lead", "reports_to": "S1", "grade": None, "line": None},
        {"agent_id": "T2", "role": "team_lead", "team": "TSR-2", "reports_to": "S2", "grade": None, "line": None},
        {"agent_id": "E1", "reports_to": "T1"},
        {"agent_id": "E2", "reports_to": "T1"},
        {"agent_id": "E3", "reports_to": "T1", "grade": "trainee", "new_hire_exam_passed": False},
        {"agent_id": "E9", "team": "TSR-2", "reports_to": "T2"},
    ])
