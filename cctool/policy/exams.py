"""The monthly exam (RPT-EXAM): who had to sit it, their score, and who had no exam by the day
the rules file sets (`reports.exam.by_day`, the manual's 25th).

Readings where the manual is silent:
- who must sit it: agents employed on the deadline day (hired on or before it, not left by it);
  an agent who leaves on or before the deadline, or joins after it, is not listed;
- an exam taken after the deadline counts as no exam by the deadline (a finding), its score
  still shown;
- a month shorter than `by_day` has its deadline on its last day.
"""
from __future__ import annotations

import calendar

import pandas as pd

from cctool.rules.model import MonthlyExam

COLUMNS = ["agent_id", "name", "team", "month", "exam_date", "score", "exam_taken", "rule_id", "reason"]


def exam_deadline(month: str, rule: MonthlyExam) -> pd.Timestamp:
    year, mon = int(month[:4]), int(month[5:7])
    return pd.Timestamp(year, mon, min(rule.by_day, calendar.monthrange(year, mon)[1]))


def monthly_exams(month: str, roster: pd.DataFrame, exams: pd.DataFrame | None, rule: MonthlyExam) -> pd.DataFrame:
    """One row per agent who had to sit the month's exam; `exam_taken` False is an RPT-EXAM finding
    with its reason."""
    deadline = exam_deadline(month, rule)
    agents = roster[roster["role"] == "agent"]
    hired = agents["hire_date"].isna() | (agents["hire_date"] <= deadline)
    exit_ = agents["exit_date"] if "exit_date" in agents else pd.Series(pd.NaT, index=agents.index)
    staying = exit_.isna() | (exit_ > deadline)
    due = agents.loc[hired & staying, ["agent_id", "name", "team"]].copy()
    due["agent_id"] = due["agent_id"].astype(object)
    due["month"] = month
    if exams is not None and not exams.empty:
        sat = exams[exams["month"] == month].drop_duplicates("agent_id")[["agent_id", "exam_date", "score"]]
        sat = sat.assign(agent_id=sat["agent_id"].astype(object))
        due = due.merge(sat, on="agent_id", how="left")
    else:
        due["exam_date"] = pd.NaT
        due["score"] = float("nan")
    due["exam_date"] = pd.to_datetime(due["exam_date"])
    due["score"] = due["score"].astype("float64")
    on_time = due["exam_date"].notna() & (due["exam_date"] <= deadline)
    due["exam_taken"] = on_time.astype(bool)
    due["rule_id"] = rule.rule_id
    day = f"{deadline:%Y-%m-%d}"
    late = due["exam_date"].notna() & ~on_time
    due["reason"] = None
    due.loc[due["exam_date"].isna(), "reason"] = f"no exam by {day} ({rule.rule_id})"
    due.loc[late, "reason"] = "exam on " + due.loc[late, "exam_date"].dt.strftime("%Y-%m-%d") + \
        f", after the deadline {day} ({rule.rule_id})"
    return due.sort_values(["team", "agent_id"]).reset_index(drop=True)[COLUMNS]
