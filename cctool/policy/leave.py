"""Leave requests: the approval chain each needs (LV-*) and whether it got it.

The required chain is resolved from the requester's role, the leave type and length and the
reporting line of the roster. Where two rules apply the stricter chain wins: the one whose
top approver ranks higher, then the longer one (POLICY.md §3). Leave days without a complete
chain (ATT-UNAPPROVED), sick leave without documents (LV-SICK) or leave found false
(ATT-FALSE-LEAVE) count as absence.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cctool.frames import rows
from cctool.policy.orgchart import ROLE_RANK, OrgChart
from cctool.rules.model import Chain, Rules

SENTINEL = "-"


@dataclass(frozen=True)
class RequiredChain:
    rule_id: str
    roles: tuple[str, ...]
    documents_required: bool
    considered: tuple[str, ...]  # every rule ID that applied


def request_days(leave: pd.DataFrame, half_day_max_hours: float) -> pd.Series:
    """Length in days: the `days` column where given; else half a day for a leave inside one
    date of at most `half_day_max_hours` hours; else whole calendar days, both ends included."""
    start, end = leave["start"], leave["end"]
    same_day = start.dt.normalize() == end.dt.normalize()
    hours = (end - start).dt.total_seconds() / 3600
    has_time = (start != start.dt.normalize()) | (end != end.dt.normalize())
    whole = (end.dt.normalize() - start.dt.normalize()).dt.days + 1
    computed = np.where(same_day & has_time & (hours <= half_day_max_hours), 0.5, whole).astype(float)
    given = leave["days"] if "days" in leave else pd.Series(np.nan, index=leave.index)
    return given.astype("float64").fillna(pd.Series(computed, index=leave.index))


def _pick(chains: list[Chain], days: float) -> Chain:
    for chain in chains:
        if chain.max_days is None or days <= chain.max_days + 1e-9:
            return chain
    return chains[-1]


def _strictness(roles: tuple[str, ...]) -> tuple[int, int]:
    return (max(ROLE_RANK.get(r, 0) for r in roles), len(roles))


def required_chain(role: str, leave_type: str, days: float, rules: Rules) -> RequiredChain | None:
    """The chain for a request: an agent's by length (LV-SHORT-1, LV-SHORT-2, LV-LONG-3,
    LV-LONG-4), a team lead's own (LV-LEAD), personal leave (LV-PERSONAL); the stricter wins."""
    lv = rules.leave
    candidates: list[Chain] = []
    if role == "agent":
        candidates.append(_pick(lv.agent, days))
    elif role == "team_lead":
        candidates.append(_pick(lv.team_lead, days))
    if leave_type == "personal":
        candidates.append(_pick(lv.personal, days))
    if not candidates:
        return None
    best = max(candidates, key=lambda c: _strictness(tuple(c.chain)))
    return RequiredChain(best.rule_id, tuple(best.chain), any(c.documents_required for c in candidates),
                         tuple(dict.fromkeys(c.rule_id for c in candidates)))


def _check_chain(org: OrgChart, requester: str, roles: tuple[str, ...], approvals: list[str]) -> tuple[bool, list[str]]:
    """Each required role must be met, in order, by a distinct approval that counts."""
    position, problems = 0, []
    for role in roles:
        found = False
        rejected = []
        while position < len(approvals):
            approver = approvals[position]
            position += 1
            ok, why = org.may_approve(approver, role, requester)
            if ok:
                found = True
                break
            rejected.append(why)
        if not found:
            wanted = org.resolve_role(role, requester)
            detail = f" ({'; '.join(rejected)})" if rejected else ""
            problems.append(f"no approval by the {wanted.replace('_', ' ')}{detail}")
            position = 0  # keep checking the later roles against every approval
    return not problems, problems


def leave_days(leave: pd.DataFrame) -> pd.DataFrame:
    """One row per request and calendar date it covers, with the part of the day it takes."""
    if leave.empty:
        return pd.DataFrame(columns=["request_id", "agent_id", "date", "fraction", "leave_start", "leave_end"])
    first = leave["start"].dt.normalize()
    n = ((leave["end"].dt.normalize() - first).dt.days + 1).clip(lower=1).astype(int)
    rep = leave.loc[leave.index.repeat(n)]
    offset = rep.groupby(level=0).cumcount()
    dates = first.loc[rep.index].values + pd.to_timedelta(offset.values, unit="D")
    days = pd.DataFrame({
        "request_id": rep["request_id"].values,
        "agent_id": rep["agent_id"].values,
        "date": dates,
        "fraction": np.where(rep["days"].values <= 0.5, 0.5, 1.0),
        "leave_start": rep["start"].values,
        "leave_end": rep["end"].values,
    })
    return days


def assess_leave(leave: pd.DataFrame, roster: pd.DataFrame, rules: Rules,
                 period: tuple[pd.Timestamp, pd.Timestamp]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Verdict per request, and the per-supervisor daily counts (LV-DAILY-CAP).

    Returns (requests, caps). `requests` has the required chain, the approvals given, the
    verdict (`approved` bool), the rule IDs and a plain reason; requests outside `period`
    are kept only if they touch it.
    """
    lv = rules.leave
    org = OrgChart(roster)
    leave = leave.copy()
    leave["days"] = request_days(leave, lv.half_day_max_hours)
    lo, hi = period
    leave = leave[(leave["end"] >= lo) & (leave["start"] < hi)].reset_index(drop=True)
    for col, default in (("channel", pd.NA), ("documents_complete", pd.NA), ("approvals", ""),
                         ("reason_false", False)):
        if col not in leave:
            leave[col] = default

    # LV-LONG-CAP: people on long leave per date, counted over every request (approved or not).
    days = leave_days(leave)
    long_ids = set(leave.loc[leave["days"] > lv.long_leave_cap.long_leave_above_days, "request_id"])
    long_days = days[days["request_id"].isin(long_ids)]
    on_long_leave = long_days.groupby("date")["agent_id"].nunique()
    peak = days.assign(n=days["date"].map(on_long_leave).fillna(0)).groupby("request_id")["n"].max().to_dict()

    out = []
    chains: dict[tuple, RequiredChain | None] = {}  # a few roles × leave types × lengths, not one per request
    for rec in rows(leave):
        requester_role = org.role.get(rec.agent_id, "agent")
        key = (requester_role, rec.leave_type, float(rec.days))
        if key not in chains:
            chains[key] = required_chain(*key, rules)
        chain = chains[key]
        approvals = [a for a in str(rec.approvals or "").split(";") if a and a != SENTINEL] \
            if isinstance(rec.approvals, str) else []
        rule_ids: list[str] = []
        reasons: list[str] = []
        if chain is None:
            boss = org.boss.get(rec.agent_id)
            roles = (org.role.get(boss, "director"),) if boss else ("director",)
            chain = RequiredChain(lv.agent[0].rule_id, roles, False, ())
            reasons.append(f"the manual sets no chain for a {requester_role}: the direct superior must approve")
        roles = chain.roles
        rule_ids.extend(chain.considered or (chain.rule_id,))
        if len(chain.considered) > 1:
            reasons.append(f"{chain.rule_id} is the stricter of {', '.join(chain.considered)}")
        cap = lv.long_leave_cap
        if peak.get(rec.request_id, 0) > cap.max_people and any(
                org.resolve_role(r, rec.agent_id) == "ops_manager" for r in roles) and cap.then_needs not in roles:
            roles = roles + (cap.then_needs,)
            rule_ids.append(cap.rule_id)
            reasons.append(f"more than {cap.max_people} people on long leave at once: the {cap.then_needs} must approve")
        complete, problems = _check_chain(org, rec.agent_id, roles, approvals)
        approved = complete
        counts_as_absence_rule = None
        if not complete:
            reasons.extend(problems)
            counts_as_absence_rule = rules.attendance.unapproved_leave.rule_id
        if rec.leave_type == "sick":
            rule_ids.append(lv.sick.rule_id)
            if isinstance(rec.channel, str) and rec.channel in lv.sick.forbidden_channels:
                reasons.append(f"sick leave asked for by {rec.channel}, which the manual forbids (phone only)")
            if lv.sick.documents_required and rec.documents_complete is not True:
                approved = False
                counts_as_absence_rule = lv.sick.rule_id
                reasons.append("sick leave without the hospital note, receipts and records")
        if chain.documents_required and rec.leave_type != "sick" and rec.documents_complete is not True:
            approved = False
            counts_as_absence_rule = counts_as_absence_rule or chain.rule_id
            reasons.append(f"over {lv.agent[-2].max_days:g} days: supporting documents are required")
        if rec.reason_false is True:
            approved = False
            counts_as_absence_rule = rules.attendance.false_leave.rule_id
            rule_ids.append(counts_as_absence_rule)
            reasons.append("the stated reason proved untrue: the days are absence and flagged for discipline")
        if counts_as_absence_rule and counts_as_absence_rule not in rule_ids:
            rule_ids.append(counts_as_absence_rule)
        out.append({
            "request_id": rec.request_id, "agent_id": rec.agent_id, "leave_type": rec.leave_type,
            "leave_word": getattr(rec, "leave_word", None),  # the export's own word for `other` (婚假, 调休…)
            "start": rec.start, "end": rec.end, "days": float(rec.days),
            "channel": rec.channel if isinstance(rec.channel, str) else None,
            "documents_complete": rec.documents_complete if isinstance(rec.documents_complete, (bool, np.bool_)) else None,
            "required_chain": " → ".join(org.resolve_role(r, rec.agent_id) for r in roles),
            "approvals": " → ".join(f"{a} ({org.role.get(a, '?')})" for a in approvals),
            "approved": bool(approved),
            "absence_rule_id": counts_as_absence_rule,
            "rule_ids": ", ".join(dict.fromkeys(rule_ids)),
            "reason": "; ".join(reasons) if reasons else "complete approval chain",
            "_row": rec._row,
            "_approvals": approvals,
        })
    requests = pd.DataFrame(out)
    if requests.empty:
        requests = pd.DataFrame(columns=["request_id", "agent_id", "leave_type", "start", "end", "days", "channel",
                                         "documents_complete", "required_chain", "approvals", "approved",
                                         "absence_rule_id", "rule_ids", "reason", "_row", "_approvals"])
    requests, caps = apply_daily_cap(requests, org, rules, period)
    requests["verdict"] = np.where(requests["approved"], "approved", "not approved: counts as absence")
    return requests.drop(columns=["_approvals"]), caps


def apply_daily_cap(requests: pd.DataFrame, org: OrgChart, rules: Rules,
                    period: tuple[pd.Timestamp, pd.Timestamp]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """LV-DAILY-CAP: a duty supervisor may let at most N people a day be on leave on their
    own approval; beyond that the ops manager must also approve. The requests beyond the cap
    (in request order) that lack the ops manager's approval are not approved."""
    cap = rules.leave.daily_cap
    cols = ["date", "supervisor_id", "people_on_leave", "cap", "over_cap", "request_ids", "rule_id"]
    if requests.empty:
        return requests, pd.DataFrame(columns=cols)
    sup_rows = []
    for rec in rows(requests.loc[requests["approved"], ["request_id", "agent_id", "_approvals", "start", "end", "days"]]):
        sups = [a for a in rec._approvals if org.role.get(a) == "supervisor"]
        higher = any(ROLE_RANK.get(org.role.get(a, ""), 0) >= ROLE_RANK[cap.above_cap_needs] for a in rec._approvals)
        if sups:
            sup_rows.append((rec.request_id, rec.agent_id, sups[-1], higher, rec.start, rec.end, rec.days))
    if not sup_rows:
        return requests, pd.DataFrame(columns=cols)
    by_sup = pd.DataFrame(sup_rows, columns=["request_id", "agent_id", "supervisor_id", "higher", "start", "end", "days"])
    days = leave_days(by_sup).merge(by_sup[["request_id", "supervisor_id", "higher"]], on="request_id")
    lo, hi = period
    days = days[(days["date"] >= lo) & (days["date"] < hi)]
    days = days.sort_values(["supervisor_id", "date", "request_id"])
    # Rank people per supervisor and day in request order; those past the cap need more.
    days["rank"] = days.groupby(["supervisor_id", "date"]).cumcount() + 1
    over = days[(days["rank"] > cap.max_people_per_supervisor) & ~days["higher"]]
    over_ids = set(over["request_id"])
    if over_ids:
        hit = requests["request_id"].isin(over_ids)
        requests.loc[hit, "approved"] = False
        requests.loc[hit, "absence_rule_id"] = cap.rule_id
        requests.loc[hit, "rule_ids"] = requests.loc[hit, "rule_ids"] + f", {cap.rule_id}"
        requests.loc[hit, "reason"] = requests.loc[hit, "reason"].str.replace("complete approval chain", "chain complete", regex=False) + \
            f"; the duty supervisor already let {cap.max_people_per_supervisor} person(s) be on leave that day: " \
            f"the {cap.above_cap_needs.replace('_', ' ')} must approve more"
    caps = days.groupby(["date", "supervisor_id"]).agg(people_on_leave=("agent_id", "nunique")).reset_index()
    caps["request_ids"] = _request_ids(days, caps)
    caps["cap"] = cap.max_people_per_supervisor
    caps["over_cap"] = caps["people_on_leave"] > caps["cap"]
    caps["rule_id"] = cap.rule_id
    return requests, caps[cols]


def _request_ids(days: pd.DataFrame, caps: pd.DataFrame) -> list[str]:
    """Per row of `caps` (a date and a supervisor), its requests' ids sorted, one each, joined: in
    plain Python over the leave days, not a pandas call per group (a month has thousands)."""
    ids: dict[tuple, set] = {}
    for key, request in zip(zip(days["date"].tolist(), days["supervisor_id"].tolist()), days["request_id"].tolist()):
        ids.setdefault(key, set()).add(request)
    return [", ".join(sorted(ids[key])) for key in zip(caps["date"].tolist(), caps["supervisor_id"].tolist())]
