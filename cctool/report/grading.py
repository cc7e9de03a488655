"""Sheets of the grade-agents report and its JSON, from a GradingResult."""
from __future__ import annotations

import pandas as pd

from cctool.policy.grading import GradingResult
from cctool.report.labels import text_of
from cctool.report.writer import Sheet, records

# DATA.md: grade-agents, one record per agent, exactly these fields.
RECORD_COLUMNS = ["agent_id", "name", "team", "current_grade", "quarter", "kpi_mean", "cph", "success_rate", "calls",
                  "connected", "successes", "hours", "cph_basis", "earned_grade", "decision", "rule_ids", "explanation"]
GRADES_SHEET = ["agent_id", "name", "team", "current_grade", "tenure_months", "kpi_mean", "kpi_months", "calls",
                "connected", "successes", "hours", "cph_basis", "cph", "success_pct", "earned_grade", "decision",
                "rule_ids", "explanation"]
PROMOTIONS_SHEET = ["agent_id", "name", "team", "current_grade", "earned_grade", "decision", "kpi_mean", "cph",
                    "success_pct", "required_approvals", "management_note", "rule_ids"]
REVIEW_SHEET = ["agent_id", "name", "team", "current_grade", "tenure_months", "earned_grade", "decision", "kpi_mean",
                "cph", "success_pct", "rule_ids", "explanation"]


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    """cph with 2 decimals; success rate as a percentage with 2 decimals (the writer's percent
    format shows one decimal, which would make 59.99 % look like 60.0 %)."""
    return frame.assign(cph=frame["cph"].round(2), success_pct=(frame["success_rate"] * 100).round(2))


def grading_sheets(result: GradingResult, lang: str) -> list[Sheet]:
    grades = _shown(result.grades)
    grades["attention"] = grades["decision"].isin(["below_current", "trainee_overdue", "not_graded"])
    dist = result.distribution
    buckets = [c for c in dist.columns if c not in ("team", "total")]
    note = (f"Grading {result.quarter}: one row per TSR agent; highlighted rows need review. "
            "CPH basis says whether hours are signed-in or scheduled. " + " ".join(result.notes)).strip()
    return [
        Sheet("Grades", grades[GRADES_SHEET + ["attention"]], highlight="attention", note=note, not_applicable=("cph",)),
        Sheet("Distribution", dist, note="Agents per earned grade per team (no_grade: not graded).",
              chart={"type": "column", "categories": "team", "series": buckets,
                     "title": f"{text_of('earned_grades_chart', lang)} {result.quarter}", "x_title": "team_axis",
                     "y_title": "agents_axis"}),
        Sheet("Promotions", _shown(result.promotions)[PROMOTIONS_SHEET],
              note="Promotions and trainees eligible to become regular, with the approvals they need (GRD-APPROVAL)."),
        Sheet("Review", _shown(result.review)[REVIEW_SHEET],
              note="below_current, trainee_overdue and not_graded: for the supervisor to look at."),
    ]


def grading_json(result: GradingResult) -> dict:
    rec = result.grades.assign(cph=result.grades["cph"].round(2),
                               success_rate=result.grades["success_rate"].round(4))[RECORD_COLUMNS]
    return {"records": records(rec), "notes": list(result.notes)}
