"""What the time clock itself says, beside what the manual says: punch corrections (补卡)
and the clock's own verdicts. The clock never judges (POLICY.md applies the centre's rules to
the punch times); its verdicts are only compared, so a lead sees where the two differ."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cctool.rules.model import Rules

CLOCK_COLUMNS = ["agent_id", "name", "team", "date", "clock_verdict", "clock_says", "cctool_says", "cctool_findings"]
LISTED_REASON = "the approval is not completed and agreed ({state}): listed only, never counts as leave"


def corrected_punches(punches: pd.DataFrame, lo: pd.Timestamp, hi: pd.Timestamp) -> pd.DataFrame:
    """The punches of the month marked as corrections (补卡), one row each."""
    if "corrected" not in punches or "time" not in punches:
        return pd.DataFrame(columns=["agent_id", "time"])
    hit = punches["corrected"].fillna(False).astype(bool) & (punches["time"] >= lo) & (punches["time"] < hi)
    return punches.loc[hit, ["agent_id", "time"]].sort_values(["agent_id", "time"], kind="stable")


def correction_events(corrected: pd.DataFrame, roster: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """ATT-CORRECTION (when the rules file sets a cap): each correction beyond
    `max_per_month` is a finding, dated on the day of that correction."""
    cap = rules.attendance.corrections
    if cap is None or corrected.empty:
        return pd.DataFrame()
    nth = corrected.groupby("agent_id").cumcount() + 1
    over = corrected[nth > cap.max_per_month].assign(n=nth[nth > cap.max_per_month])
    people = roster.set_index("agent_id")
    return pd.DataFrame({
        "agent_id": over["agent_id"], "name": over["agent_id"].map(people["name"]),
        "team": over["agent_id"].map(people["team"]), "date": over["time"].dt.normalize(), "minutes": np.nan,
        "kind": "correction_over_cap", "rule_id": cap.rule_id,
        "reason": "punch correction (补卡) no. " + over["n"].astype(str) + " this month, at "
        + over["time"].dt.strftime("%Y-%m-%d %H:%M") + f"; at most {cap.max_per_month} a month",
    })


def policy_categories(s: pd.DataFrame) -> pd.Series:
    """cctool's findings of each classified shift in the clock's terms (values.VERDICT_PATTERNS)."""
    parts = {
        "late": s["late_kind"].notna() & ~s["excused"],
        "early_leave": s["early_kind"].notna(),
        "missing_punch": s["missing_punch"],
        "absent": s["no_show"] | s["invalid_leave"] | s["half_no_show"],
        "leave": s["leave_taken"] > 0,
    }
    joined = pd.Series("", index=s.index, dtype=object)
    for name, hit in parts.items():
        joined = joined + np.where(hit.fillna(False), name + ",", "")
    return joined.str.rstrip(",")


def clock_vs_policy(verdicts: pd.DataFrame | None, s: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Person-days where the clock's verdict and cctool's differ (scheduled days the clock
    has a verdict for). The clock's 正常 beside cctool's half-day absence is the typical row."""
    if verdicts is None or verdicts.empty or s.empty:
        return pd.DataFrame(columns=CLOCK_COLUMNS)
    # Shifts cctool does not judge (not over by the as-of time, or a clock feed-gap day) are no
    # verdict to compare.
    unjudged = pd.Series(False, index=s.index)
    for col in ("pending", "feed_gap"):
        if col in s:
            unjudged |= s[col].astype(bool)
    s = s[~unjudged]
    ours = s[["agent_id", "date", "name", "team"]].assign(cctool_says=policy_categories(s))
    ours = ours.groupby(["agent_id", "date"], as_index=False).agg(
        name=("name", "first"), team=("team", "first"),
        cctool_says=("cctool_says", lambda c: ",".join(sorted({x for v in c for x in v.split(",") if x}))))
    clock = verdicts.assign(clock_says=verdicts["clock_categories"].map(
        lambda c: ",".join(sorted({x for x in str(c).split(",") if x}))))
    both = ours.merge(clock[["agent_id", "date", "clock_verdict", "clock_says"]], on=["agent_id", "date"])
    differ = both[both["clock_says"] != both["cctool_says"]].copy()
    if events.empty:
        differ["cctool_findings"] = ""
    else:
        found = (events.assign(text=events["kind"].astype(str) + " (" + events["rule_id"].astype(str) + ")")
                 .groupby(["agent_id", "date"])["text"].agg("; ".join))
        differ["cctool_findings"] = [found.get((a, d), "") for a, d in zip(differ["agent_id"], differ["date"])]
    for col in ("clock_says", "cctool_says"):
        differ[col] = differ[col].replace("", "normal")
    return differ[CLOCK_COLUMNS].sort_values(["agent_id", "date"]).reset_index(drop=True)


def listed_requests(listed: pd.DataFrame | None, lo: pd.Timestamp, hi: pd.Timestamp) -> pd.DataFrame:
    """Withdrawn, rejected or in-progress requests touching the month, shaped like assessed
    requests so the Leave sheet lists them — never leave, never absence."""
    if listed is None or listed.empty:
        return pd.DataFrame()
    sub = listed[(listed["end"] >= lo) & (listed["start"] < hi)]
    return pd.DataFrame({
        "request_id": sub["request_id"], "agent_id": sub["agent_id"], "leave_type": sub["leave_type"],
        "leave_word": sub.get("leave_word"), "start": sub["start"], "end": sub["end"], "days": sub["days"],
        "channel": sub.get("channel"), "documents_complete": sub.get("documents_complete"),
        "required_chain": "", "approvals": sub["approvals"].fillna("").str.replace(";", " → "),
        "approved": False, "absence_rule_id": None, "rule_ids": "",
        "reason": sub["state"].map(lambda st: LISTED_REASON.format(state=st)),
        "verdict": "not a submitted request: " + sub["state"].astype(str),
    })
