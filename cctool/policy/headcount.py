"""The monthly headcount-change sheet (RPT-KPI): joiners, leavers, transfers between teams,
and trainees reaching the 3- and 6-month marks of GRD-TRAINEE-WINDOW."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cctool.errors import Issue
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
    # People whose id is in both rosters under another name or hire date: not the same person
    # (a previous roster of another centre, a reused id), so never counted as a transfer.
    not_same: pd.DataFrame | None = None


def same_people(current: pd.DataFrame, previous: pd.DataFrame) -> pd.Series:
    """Per id in both rosters: True when the two rows are the same person — the same name (trimmed,
    case-insensitive) and, where both give one, the same hire date."""
    before = previous.drop_duplicates("agent_id").set_index("agent_id")
    both = current[current["agent_id"].isin(before.index)].drop_duplicates("agent_id").set_index("agent_id")
    then = before.reindex(both.index)

    def norm(names: pd.Series) -> pd.Series:
        return names.astype("string").str.strip().str.casefold()

    same = (norm(both["name"]) == norm(then["name"])).fillna(False).astype(bool)
    if "hire_date" in both and "hire_date" in then:
        dated = both["hire_date"].notna() & then["hire_date"].notna()
        same &= ~dated | (both["hire_date"] == then["hire_date"])
    return same


def identity_issues(not_same: pd.DataFrame, previous: pd.DataFrame, file: str, sheet: str | None) -> list[Issue]:
    """One warning per id the previous roster gives to someone else (its row as the user sees it)."""
    rows = previous.drop_duplicates("agent_id").set_index("agent_id")
    out = []
    for rec in not_same.itertuples(index=False):  # people, not call rows: a roster's size at most
        row = rows.at[rec.agent_id, "_row"] if "_row" in rows else None
        out.append(Issue(file, sheet, None if row is None or pd.isna(row) else int(row), "agent_id", rec.agent_id,
                         f"another person than in the roster (here {rec.previous_name!r}, hired {rec.previous_hire}; "
                         f"in the roster {rec.name!r}, hired {rec.hire}): not counted as a transfer",
                         severity="warning", agent_id=rec.agent_id))
    return out


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
    not_same = None
    if previous is not None:
        same = same_people(r, previous)
        others = same.index[~same.to_numpy()]
        prev_people = previous.drop_duplicates("agent_id").set_index("agent_id").reindex(others)
        now_people = r.drop_duplicates("agent_id").set_index("agent_id").reindex(others)
        not_same = pd.DataFrame({
            "agent_id": others, "name": now_people["name"].to_numpy(),
            "hire": now_people["hire_date"].dt.strftime("%Y-%m-%d").to_numpy(),
            "previous_name": prev_people["name"].to_numpy(),
            "previous_hire": (prev_people["hire_date"].dt.strftime("%Y-%m-%d").to_numpy()
                              if "hire_date" in prev_people else None)})
        previous = previous[~previous["agent_id"].isin(others)]
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
                           transfers.reset_index(drop=True), milestones, not_same)
