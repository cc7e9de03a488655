"""RPT-EXAM at its boundaries: on the deadline, a day after, no exam, joiners and leavers around
the deadline, a month shorter than by_day, and the day read from the rules file."""
from __future__ import annotations

import pandas as pd
import pytest

from conftest import roster_frame
from cctool.policy.exams import exam_deadline, monthly_exams
from cctool.rules.model import MonthlyExam

RULE = MonthlyExam()


def exams(*rows) -> pd.DataFrame:
    return pd.DataFrame([{"agent_id": a, "month": m, "exam_date": pd.Timestamp(d), "score": s} for a, m, d, s in rows])


def by_id(frame: pd.DataFrame) -> dict:
    return {r["agent_id"]: r for r in frame.to_dict("records")}


def test_on_the_deadline_is_in_time_a_day_later_is_not():
    roster = roster_frame([{"agent_id": "A1"}, {"agent_id": "A2"}, {"agent_id": "A3"}])
    out = by_id(monthly_exams("2026-07", roster, exams(("A1", "2026-07", "2026-07-25", 88.0),
                                                       ("A2", "2026-07", "2026-07-26", 91.5)), RULE))
    assert out["A1"]["exam_taken"] and out["A1"]["reason"] is None and out["A1"]["score"] == 88.0
    assert not out["A2"]["exam_taken"] and out["A2"]["score"] == 91.5
    assert out["A2"]["reason"] == "exam on 2026-07-26, after the deadline 2026-07-25 (RPT-EXAM)"
    assert not out["A3"]["exam_taken"] and out["A3"]["reason"] == "no exam by 2026-07-25 (RPT-EXAM)"
    assert {r["rule_id"] for r in out.values()} == {"RPT-EXAM"}


def test_an_exam_of_another_month_does_not_count():
    roster = roster_frame([{"agent_id": "A1"}])
    out = by_id(monthly_exams("2026-07", roster, exams(("A1", "2026-06", "2026-06-20", 90.0)), RULE))
    assert not out["A1"]["exam_taken"] and pd.isna(out["A1"]["score"])


def test_who_must_sit_it():
    roster = roster_frame([
        {"agent_id": "IN", "hire_date": pd.Timestamp("2026-07-25")},  # joined on the deadline: due
        {"agent_id": "LATE", "hire_date": pd.Timestamp("2026-07-26")},  # joined after it: not due
        {"agent_id": "GONE", "exit_date": pd.Timestamp("2026-07-25")},  # left on it: not due
        {"agent_id": "STAY", "exit_date": pd.Timestamp("2026-07-26")},  # left after it: due
        {"agent_id": "TL", "role": "team_lead"},  # not an agent
    ])
    assert set(monthly_exams("2026-07", roster, None, RULE)["agent_id"]) == {"IN", "STAY"}


@pytest.mark.parametrize("month, by_day, day", [("2026-02", 30, "2026-02-28"), ("2024-02", 30, "2024-02-29"),
                                                ("2026-07", 31, "2026-07-31"), ("2026-07", 1, "2026-07-01")])
def test_deadline_in_short_months(month, by_day, day):
    assert exam_deadline(month, MonthlyExam(by_day=by_day)) == pd.Timestamp(day)


def test_the_day_comes_from_the_rules(rules):
    assert rules.reports.exam.by_day == 25 and rules.reports.exam.rule_id == "RPT-EXAM"
    roster = roster_frame([{"agent_id": "A1"}])
    early = MonthlyExam(by_day=10)
    out = by_id(monthly_exams("2026-07", roster, exams(("A1", "2026-07", "2026-07-11", 70.0)), early))
    assert out["A1"]["reason"] == "exam on 2026-07-11, after the deadline 2026-07-10 (RPT-EXAM)"
