"""The row accounting of a call log, from the small grouped result whatever engine made it.

Every call record read ends in one row status (`aggregations`): counted, outside the period,
reached no agent, or excluded for an unreadable value; an agent id not in the roster is
reported with its count. Nothing is dropped without a trace: each exclusion becomes an Issue
with its count. Pure pandas on at most a few rows per agent (and day).
"""
from __future__ import annotations

from typing import Callable

import pandas as pd

from cctool.engine.aggregations import ranges
from cctool.engine.aggregations import (BAD_CONNECTED, BAD_SUCCESS, BAD_TIME, BLANK_AGENT, NO_AGENT, OK,
                                        OUT_OF_PERIOD, READABLE, SPAN, SUMS)
from cctool.errors import Issue
from cctool.io import mapping

MAX_LISTED_UNKNOWN = 100  # unknown agent ids reported one by one; the rest in one summary issue
BAD_COLUMN = {BLANK_AGENT: "agent_id", BAD_TIME: "start_time", BAD_CONNECTED: "connected", BAD_SUCCESS: "success"}
BAD_PROBLEM = {
    BLANK_AGENT: "blank agent_id",
    BAD_TIME: "blank or unreadable start_time (expected a date and time such as 2026-07-01 09:00:00)",
    BAD_CONNECTED: "blank or unreadable connected (expected yes/no: 是/否, Y/N, true/false, 1/0)",
    BAD_SUCCESS: "blank or unreadable success (expected yes/no: 是/否, Y/N, true/false, 1/0)",
}
PER_AGENT_COLUMNS = ["agent_id", "calls", "connected", "successes", "amount", "cph_calls", "success_base",
                     "talk_s", "talk_calls"]
DAILY_COLUMNS = ["agent_id", "date", "calls", "connected", "successes", "amount", "talk_s", "talk_calls"]


def _problem(src, code: int) -> str:
    """What was wrong, in the words of the field's mapping when it has one."""
    name = BAD_COLUMN[code]
    s = src.fields.get(name)
    if s is not None and s.values:
        return f"blank {name}, or a value {mapping.outside_map_problem(s)}"
    joined = f", or a part of {s.label} blank" if s is not None and s.joined and code == BAD_TIME else ""
    if s is not None and s.format:
        return f"blank or unreadable {name}{joined} (expected the format {s.format!r} of {s.yaml_path}.format)"
    if joined:
        return f"blank or unreadable {name}{joined} (expected a date and time such as 2026-07-01 09:00:00)"
    return BAD_PROBLEM[code]


def bad_value_issues(src, groups: pd.DataFrame, examples: Callable[[int], list]) -> list[Issue]:
    """Unreadable start times, connected and success flags (excluded), amounts and durations
    (warnings: the call still counts). `examples(code)` gives a few of the values."""
    issues = []
    sheet = getattr(src, "sheet", None)  # an .xlsx call log's sheet, named on the Errors sheet as for every workbook
    for code in (BAD_TIME, BAD_CONNECTED, BAD_SUCCESS):
        n = int(groups.loc[groups["status"] == code, "calls"].sum())
        if not n:
            continue
        # A second, filtered look only when something was wrong: show a few of the values.
        shown = ", ".join(repr(e) if e is not None else "(blank)" for e in examples(code))
        issues.append(Issue(str(src.path), sheet, None, src.headers[BAD_COLUMN[code]], shown,
                            f"{n} call record(s) with {_problem(src, code)}; excluded"))
    amount_range, duration_range = ranges(src)
    bad_amount = int(groups["bad_amount"].sum())
    if bad_amount and "amount" in src.headers:
        issues.append(Issue(str(src.path), sheet, None, src.headers["amount"], None,
                            f"{bad_amount} call record(s) with an unreadable amount or one outside "
                            f"{amount_range[0]:,.10g} to {amount_range[1]:,.10g} (limits.amount in the "
                            "rules file); amount ignored", "warning"))
    bad_duration = int(groups["bad_duration"].sum())
    if bad_duration:
        col = src.headers.get("duration_s") or src.headers.get("end_time")
        issues.append(Issue(str(src.path), sheet, None, col, None,
                            f"{bad_duration} call record(s) with an unreadable duration (or an end before the start, "
                            f"or one outside {duration_range[0]:,.10g} to {duration_range[1]:,.10g} s: "
                            "limits.duration_s in the rules file); left out of talk time and AHT", "warning"))
    return issues


def agent_issues(file: str, headers: dict[str, str], groups: pd.DataFrame, known_agents: set[str],
                 start, end, sheet: str | None = None) -> list[Issue]:
    """Agent ids not in the roster (one issue per id with its count), and calls of roster agents
    or of no agent outside the period (one warning with the count)."""
    col = headers["agent_id"]
    readable = groups[groups["status"].isin(READABLE)]
    unknown = readable[~readable["agent_id"].isin(known_agents) & readable["agent_id"].notna()]
    issues = []
    if not unknown.empty:
        per_id = pd.DataFrame({
            "calls": unknown.groupby("agent_id")["calls"].sum(),
            "in_period": unknown[unknown["status"] == OK].groupby("agent_id")["calls"].sum(),
        }).fillna(0).sort_values("calls", ascending=False, kind="stable")
        for agent_id, rec in per_id.head(MAX_LISTED_UNKNOWN).iterrows():
            issues.append(Issue(file, sheet, None, col, str(agent_id),
                                f"agent not in the roster: {int(rec['calls'])} call record(s) "
                                f"({int(rec['in_period'])} in the period) not counted"))
        rest = per_id.iloc[MAX_LISTED_UNKNOWN:]
        if len(rest):
            issues.append(Issue(file, sheet, None, col, None,
                                f"{len(rest)} more agent id(s) not in the roster: {int(rest['calls'].sum())} call "
                                "record(s) not counted"))
    outside = readable[readable["status"] == OUT_OF_PERIOD]
    last = (pd.Timestamp(end) - pd.Timedelta(seconds=1)).strftime("%Y-%m-%d")
    period = f"{pd.Timestamp(start):%Y-%m-%d}..{last}"
    # Two counts, each what it says: the roster agents' calls, and the calls that reached no agent.
    n_out = int(outside.loc[outside["agent_id"].isin(known_agents), "calls"].sum())
    if n_out:
        issues.append(Issue(file, sheet, None, headers["start_time"], None,
                            f"{n_out} call record(s) of roster agents outside the period {period}; not counted",
                            "warning"))
    n_none = int(outside.loc[outside["agent_id"].isna(), "calls"].sum())
    if n_none:
        issues.append(Issue(file, sheet, None, headers["start_time"], None,
                            f"{n_none} call record(s) that reached no agent outside the period {period}; not counted",
                            "warning"))
    return issues


def tidy_ids(groups: pd.DataFrame, keys: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per agent id (trimmed; blank is NULL), status and `keys`, with every sum as a
    number (an engine may hand back NULL sums or other integer widths)."""
    ids = groups["agent_id"].astype("string").str.strip()
    groups = groups.assign(agent_id=ids.where(ids != "", pd.NA), status=groups["status"].astype("int64"))
    for col in SUMS:
        groups[col] = pd.to_numeric(groups[col], errors="coerce").astype("float64")
    for col in SPAN:
        groups[col] = pd.to_datetime(groups[col]).astype("datetime64[us]")
    by = groups.groupby(["agent_id", "status", *keys], dropna=False)
    out = by[SUMS].sum(min_count=1).join(by["first_ts"].min()).join(by["last_ts"].max()).reset_index()
    return out.fillna({c: 0 for c in SUMS if c != "amount"})


def span(groups: pd.DataFrame) -> dict:
    """First and last call time of the readable rows, for the coverage check (issue 9 §3)."""
    readable = groups[groups["status"].isin(READABLE)]
    first, last = readable["first_ts"].min(), readable["last_ts"].max()
    return {"first": None if pd.isna(first) else pd.Timestamp(first),
            "last": None if pd.isna(last) else pd.Timestamp(last)}


def unreadable(groups: pd.DataFrame) -> int:
    """Call records excluded for an unreadable value (malformed lines are added by the caller)."""
    return int(groups.loc[~groups["status"].isin(READABLE), "calls"].sum())


def per_agent_sums(used: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    out = used.groupby(keys, as_index=False)[["calls", "connected", "successes", "amount", "talk_s",
                                              "talk_calls"]].sum()
    for col in ("calls", "connected", "successes", "talk_calls"):
        out[col] = out[col].astype("int64")
    for col in ("amount", "talk_s"):
        out[col] = out[col].astype("float64")
    return out


def reclassify(groups: pd.DataFrame, day_col: str, start, end) -> pd.DataFrame:
    """Counted vs outside the period by a day column, for groups kept per day (a metrics file
    made for a longer period than the report's): statuses OK / OUT_OF_PERIOD / NO_AGENT are
    decided again for [start, end); the unreadable ones do not depend on the period."""
    day = pd.to_datetime(groups[day_col])
    inside = (day >= pd.Timestamp(start).normalize()) & (day < pd.Timestamp(end).normalize())
    readable = groups["status"].isin([OK, OUT_OF_PERIOD, NO_AGENT])
    no_agent = groups["agent_id"].isna()
    status = groups["status"].copy()
    status[readable & inside & no_agent] = NO_AGENT
    status[readable & inside & ~no_agent] = OK
    status[readable & ~inside] = OUT_OF_PERIOD
    return groups.assign(status=status)


def per_agent_result(groups: pd.DataFrame, known: set[str], *, cph_calls: str,
                     success_denominator: str) -> pd.DataFrame:
    """One row per roster agent with at least one usable call, with the GRD metric settings."""
    used = groups[(groups["status"] == OK) & groups["agent_id"].isin(known)]
    per_agent = per_agent_sums(used, ["agent_id"])
    per_agent["cph_calls"] = per_agent["calls"] if cph_calls == "all" else per_agent["connected"]
    per_agent["success_base"] = per_agent["connected"] if success_denominator == "connected" else per_agent["calls"]
    per_agent = per_agent[PER_AGENT_COLUMNS].sort_values("agent_id").reset_index(drop=True)
    per_agent["agent_id"] = per_agent["agent_id"].astype(object)
    return per_agent


def daily_result(groups: pd.DataFrame, known: set[str]) -> tuple[pd.DataFrame, dict[str, int]]:
    """One row per roster agent and day with at least one usable call; and the calls of each day
    that reached no agent."""
    no_agent = groups[groups["status"] == NO_AGENT].groupby("date")["calls"].sum()
    used = groups[(groups["status"] == OK) & groups["agent_id"].isin(known)]
    daily = per_agent_sums(used, ["agent_id", "date"])
    daily = daily[DAILY_COLUMNS].sort_values(["agent_id", "date"]).reset_index(drop=True)
    daily["agent_id"] = daily["agent_id"].astype(object)
    return daily, {f"{pd.Timestamp(d):%Y-%m-%d}": int(n) for d, n in no_agent.items()}
