"""The monthly headcount-change sheet (RPT-KPI): joiners, leavers, transfers between teams,
and trainees reaching the 3- and 6-month marks of GRD-TRAINEE-WINDOW."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cctool.frames import team_or_none
from cctool.policy.attendance import month_bounds
from cctool.policy.grading import tenure_months
from cctool.rules.model import Rules

PEOPLE = ["agent_id", "name", "team", "role", "grade"]


@dataclass
class HeadcountResult:
    month: str
    teams: pd.DataFrame  # per team: start, joiners, leavers, transfers in/out, end
    joiners: pd.DataFrame
    leavers: pd.DataFrame
    transfers: pd.DataFrame
    milestones: pd.DataFrame


def _on_staff(roster: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """Employed on `day`: hired on or before it and not left before it."""
    exit_ = roster["exit_date"] if "exit_date" in roster else pd.Series(pd.NaT, index=roster.index)
    return (roster["hire_date"] <= day) & ~(exit_ < day)


def headcount_month(month: str, roster: pd.DataFrame, rules: Rules,
                    previous: pd.DataFrame | None = None) -> HeadcountResult:
    lo, hi = month_bounds(month)
    last = hi - pd.Timedelta(days=1)
    r = roster.copy()
    for col in ("grade", "exit_date", "status"):
        if col not in r:
            r[col] = pd.NA
    # Staff without a team are counted under NO_TEAM, so the table adds up to the whole roster
    # and a move into or out of a team is a transfer like any other.
    r["team"] = team_or_none(r["team"])
    if previous is not None:
        previous = previous.assign(team=team_or_none(previous["team"]))
    joiners = r[(r["hire_date"] >= lo) & (r["hire_date"] <= last)]
    joiners = joiners[PEOPLE + ["hire_date"]].assign(rule_id=rules.reports.kpi.rule_id)
    left = (r["exit_date"] >= lo) & (r["exit_date"] <= last)
    leavers = r[left][PEOPLE + ["exit_date", "status"]].assign(rule_id=rules.reports.kpi.rule_id)
    no_date = (r["status"] == "left") & r["exit_date"].isna()

    transfers = pd.DataFrame(columns=["agent_id", "name", "from_team", "team", "role", "rule_id"])
    if previous is not None:
        before = previous.set_index("agent_id")["team"]
        moved = r[r["agent_id"].isin(before.index)].copy()
        moved["from_team"] = moved["agent_id"].map(before)
        moved = moved[moved["from_team"].notna() & (moved["from_team"] != moved["team"])]
        transfers = moved[["agent_id", "name", "from_team", "team", "role"]].assign(rule_id=rules.reports.kpi.rule_id)

    window = rules.grading.trainee_window
    trainees = r[(r["role"] == "agent") & (r["grade"] == "trainee") & _on_staff(r, last)]
    before_m = tenure_months(trainees["hire_date"], lo - pd.Timedelta(days=1))
    after_m = tenure_months(trainees["hire_date"], last)
    marks = []
    for mark, meaning in ((window.min_months, "may now be assessed for regularisation (转正)"),
                          (window.max_months, "trainee window ends: regularise or review (trainee_overdue)")):
        reached = (before_m < mark) & (after_m >= mark)
        hit = trainees[reached.fillna(False).astype(bool)]
        marks.append(hit[PEOPLE + ["hire_date"]].assign(months=mark, note=meaning, rule_id=window.rule_id))
    milestones = pd.concat(marks, ignore_index=True) if marks else pd.DataFrame()

    # The start is the staff at the end of the day before the month (mirroring `end`): someone
    # hired on the 1st is a joiner, not also part of the start.
    eve = lo - pd.Timedelta(days=1)
    start_staff = r[_on_staff(r, eve) & ~(r["exit_date"] == eve)].copy()
    if previous is not None:  # at the start of the month a transferred person was in the old team
        old_team = previous.set_index("agent_id")["team"]
        start_staff["team"] = start_staff["agent_id"].map(old_team).fillna(start_staff["team"])
    end_staff = r[_on_staff(r, last) & ~(r["exit_date"] == last)]
    teams = pd.DataFrame({
        "start": start_staff.groupby("team").size(),
        "joiners": joiners.groupby("team").size(),
        "leavers": leavers.groupby("team").size(),
        "transfers_in": transfers.groupby("team").size() if not transfers.empty else pd.Series(dtype="int64"),
        "transfers_out": transfers.groupby("from_team").size() if not transfers.empty else pd.Series(dtype="int64"),
        "end": end_staff.groupby("team").size(),
    }).fillna(0).astype("int64").rename_axis("team").reset_index()
    teams["month"] = month
    if no_date.any():
        leavers = pd.concat([leavers, r[no_date][PEOPLE + ["exit_date", "status"]].assign(
            rule_id=rules.reports.kpi.rule_id)], ignore_index=True)
    return HeadcountResult(month, teams, joiners.reset_index(drop=True), leavers.reset_index(drop=True),
                           transfers.reset_index(drop=True), milestones)
