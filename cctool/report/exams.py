"""The Exams sheet (RPT-EXAM) that kpi-report --period month and monthly-payroll add."""
from __future__ import annotations

import pandas as pd

from cctool.report.writer import Sheet, records
from cctool.rules.model import MonthlyExam


def exam_sheet(exams: pd.DataFrame, month: str, rule: MonthlyExam) -> Sheet:
    frame = exams.assign(attention=~exams["exam_taken"].astype(bool))
    return Sheet("Exams", frame, highlight="attention",
                 note=f"Monthly exam {month} ({rule.rule_id}): one row per agent who had to sit it; highlighted: "
                      f"no exam by day {rule.by_day} of the month.")


def exam_json(exams: pd.DataFrame) -> list[dict]:
    return records(exams)
