"""Quarterly grading of telesales reps (POLICY.md §1: GRD-QUARTERLY, GRD-EARNED, GRD-C/B/A,
GRD-TRAINEE, GRD-TRAINEE-WINDOW, GRD-APPROVAL, GRD-MGMT), vectorised over the agents.

Metrics per agent and quarter: kpi_mean (mean of the quarter's monthly scores, rounded to
`metrics.kpi_mean_decimals` before it is compared or shown; a missing month is reported, never
a zero), cph (calls ÷ hours: signed-in hours where punches exist, else scheduled hours, the
basis reported per agent) and success_rate (successes ÷ connected or all calls). cph and
success_rate are compared unrounded: 14.999 does not meet a threshold of 15.

Only TSR agents are graded (CSR agents are noted, not graded). Every threshold, label and
chain comes from the rules file; every record carries the rule IDs that decided it.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from cctool.errors import Issue
from cctool.policy.attendance import inactive_people, on_days, split_days
from cctool.policy.orgchart import OrgChart
from cctool.rules.model import Criterion, Grading

DECISIONS = ("promote", "keep", "below_current", "eligible_for_regular", "too_early", "trainee_overdue",
             "not_graded")
REVIEW_DECISIONS = ("below_current", "trainee_overdue", "not_graded")
PROMOTION_DECISIONS = ("promote", "eligible_for_regular")
TRAINEE = "trainee"
NO_GRADE = "no_grade"
# Punches without in/out: a longer break (a rest between shifts) starts a new shift.
UNDIRECTED_GAP = pd.Timedelta(hours=10)
SHIFT_GAP = pd.Timedelta(hours=16)  # raw punches further apart than this belong to different shifts  # Distribution bucket of agents without an earned grade
OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq}
FAILED_OP = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!="}
METRIC_NAMES = {"kpi_mean": "kpi", "cph": "cph", "success_rate": "success rate",
                "regular_exam_passed": "regular exam", "new_hire_exam_passed": "new-hire exam"}
GRADE_COLUMNS = ["agent_id", "name", "team", "current_grade", "quarter", "tenure_months", "kpi_mean", "kpi_months",
                 "calls", "connected", "successes", "hours", "cph_basis", "cph", "success_rate", "earned_grade",
                 "decision", "required_approvals", "management_note", "rule_ids", "explanation"]


@dataclass
class GradingResult:
    quarter: str
    grades: pd.DataFrame  # one row per graded agent (GRADE_COLUMNS)
    distribution: pd.DataFrame  # agents per earned grade per team
    promotions: pd.DataFrame  # promote / eligible_for_regular, with the approval chain
    review: pd.DataFrame  # below_current / trainee_overdue / not_graded
    notes: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    coverage: object | None = None  # cctool.coverage.Coverage of the run, set by the pipeline


# ----------------------------------------------------------------------------- periods

def quarter_bounds(quarter: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """[first day, first day of the next quarter) of `2026Q3` (GRD-QUARTERLY)."""
    year, q = int(quarter[:4]), int(quarter[-1])
    start = pd.Timestamp(year=year, month=3 * q - 2, day=1)
    return start, start + pd.DateOffset(months=3)


def quarter_month_list(quarter: str) -> list[str]:
    start, _ = quarter_bounds(quarter)
    return [(start + pd.DateOffset(months=i)).strftime("%Y-%m") for i in range(3)]


def tenure_months(hire_date: pd.Series, at: pd.Timestamp) -> pd.Series:
    """Whole calendar months from hire_date to `at` (GRD-TRAINEE-WINDOW). A month counts once
    its anniversary day is reached; on a short month the anniversary is its last day
    (hired 31 May -> 4 months on 30 Sep)."""
    hire = pd.to_datetime(hire_date)
    months = (at.year - hire.dt.year) * 12 + (at.month - hire.dt.month)
    anniversary = np.minimum(hire.dt.day, at.days_in_month)
    months = months - (at.day < anniversary).astype("int64")
    return months.astype("Int64")


# ----------------------------------------------------------------------------- metrics

def round_half_up(values: pd.Series, decimals: int) -> pd.Series:
    """Round as people do (94.665 -> 94.67), from the shortest decimal form of each float."""
    quantum = Decimal(1).scaleb(-decimals)
    return values.map(lambda v: float(Decimal(repr(float(v))).quantize(quantum, ROUND_HALF_UP))
                      if pd.notna(v) else np.nan).astype("float64")


def kpi_quarter(kpi: pd.DataFrame | None, agents: pd.DataFrame, quarter: str, decimals: int) -> pd.DataFrame:
    """kpi_mean (rounded), kpi_months and the months missing, per agent. A month counts as
    expected when the agent was employed in it; a missing one is reported, not a zero."""
    months = quarter_month_list(quarter)
    ids = agents["agent_id"]
    out = pd.DataFrame({"agent_id": ids})
    if kpi is not None and not kpi.empty:
        k = kpi[kpi["month"].isin(months) & kpi["agent_id"].isin(ids)]
        g = k.groupby("agent_id")["kpi_score"]
        out["kpi_raw"] = ids.map(g.mean())
        out["kpi_months"] = ids.map(g.size()).fillna(0).astype("int64")
        present = set(zip(k["agent_id"], k["month"]))
    else:
        out["kpi_raw"] = np.nan
        out["kpi_months"] = 0
        present = set()
    out["kpi_mean"] = round_half_up(out["kpi_raw"], decimals)
    hire = pd.to_datetime(agents["hire_date"]).reset_index(drop=True)
    exit_ = pd.to_datetime(agents["exit_date"]).reset_index(drop=True) if "exit_date" in agents \
        else pd.Series(pd.NaT, index=hire.index, dtype="datetime64[ns]")
    missing = pd.Series("", index=hire.index, dtype=object)
    for month in months:  # three vectorised passes, one per month of the quarter
        first = pd.Timestamp(month + "-01")
        last = first + pd.offsets.MonthEnd(0)
        employed = ~(hire > last).fillna(False) & ~(exit_ < first).fillna(False)
        has = pd.Series([(a, month) in present for a in ids.to_numpy()], index=hire.index)
        gone = employed & ~has
        missing = missing.where(~gone, missing.where(missing == "", missing + ", ") + month)
    out["kpi_missing"] = missing.to_numpy()
    return out.drop(columns="kpi_raw")


def pair_punch_events(events: pd.DataFrame) -> pd.DataFrame:
    """Raw (agent_id, time, direction) events -> one row per shift: first sign-in, last sign-out.

    A shift opens at an `in` that follows an `out` (or opens the agent's record, or comes more
    than SHIFT_GAP after the previous punch: a forgotten sign-out); so a night shift whose
    sign-out falls on the next day stays one shift, dated by its sign-in."""
    ev = events.sort_values(["agent_id", "time"]).reset_index(drop=True)
    # Comparisons on the readers' string columns give nullable Arrow booleans (NA on the first
    # row's shift), which cumsum does not take: plain numpy booleans, NA read as "no".
    is_in = ev["direction"].eq("in").fillna(False).astype(bool)
    new_agent = ev["agent_id"].ne(ev["agent_id"].shift()).fillna(True).astype(bool)
    prev_out = ev["direction"].shift().eq("out").fillna(False).astype(bool)
    gap = ev["time"] - ev["time"].shift()
    long_gap = gap > SHIFT_GAP
    # Punches without a direction (DingTalk 原始记录, ZKTeco): a shift is a run of punches
    # with no break longer than UNDIRECTED_GAP; its first punch is the sign-in, its last the
    # sign-out.
    undirected = ev["direction"].isna()
    session = (new_agent | (is_in & (prev_out | long_gap)) | (undirected & (gap > UNDIRECTED_GAP))).cumsum()
    ev["session"] = session
    if undirected.any():
        first = ~session.duplicated(keep="first")
        keep = ~undirected | first | ~session.duplicated(keep="last")
        is_in = (is_in | (undirected & first))[keep].reset_index(drop=True)
        ev = ev[keep].reset_index(drop=True)
    ins = ev[is_in].groupby("session")["time"].min().rename("sign_in")
    outs = ev[~is_in].groupby("session")["time"].max().rename("sign_out")
    shifts = pd.concat([ev.groupby("session")["agent_id"].first(), ins, outs], axis=1).reset_index(drop=True)
    shifts["date"] = shifts["sign_in"].fillna(shifts["sign_out"]).dt.normalize()
    return shifts[["agent_id", "date", "sign_in", "sign_out"]]


def schedule_lengths(schedule: pd.DataFrame) -> pd.DataFrame:
    """Scheduled hours per shift; an end at or before the start is on the next day."""
    start = schedule["shift_start"].astype("float64")
    end = schedule["shift_end"].astype("float64")
    secs = end - start + np.where(end <= start, 86400.0, 0.0)
    return pd.DataFrame({"agent_id": schedule["agent_id"], "date": schedule["date"], "scheduled_h": secs / 3600.0})


def split_day_hours(paired: pd.DataFrame, schedule: pd.DataFrame) -> pd.DataFrame:
    """Signed-in hours of the shifts of split days (agent_id, h, filled, lost per shift). Each
    sign-in goes to the day's shift whose start is nearest, each sign-out to the one whose end
    is nearest, as the attendance audit pairs them: one sign-in/sign-out pair for a whole split
    day leaves the first shift without its sign-out and the last without its sign-in, so each
    counts at its scheduled length (the day = the sum of its shifts, not the break between);
    a shift with both punches counts last sign-out − first sign-in."""
    start_s = schedule["shift_start"].astype("float64")
    end_s = schedule["shift_end"].astype("float64")
    shifts = pd.DataFrame({
        "agent_id": schedule["agent_id"].astype(object).to_numpy(), "date": schedule["date"].to_numpy(),
        "start_at": (schedule["date"] + pd.to_timedelta(start_s, unit="s")).to_numpy(),
        "end_at": (schedule["date"] + pd.to_timedelta(end_s + np.where(end_s <= start_s, 86400.0, 0.0),
                                                      unit="s")).to_numpy()})
    shifts["shift"] = np.arange(len(shifts))
    base = paired.assign(agent_id=paired["agent_id"].astype(object))
    events = pd.concat([
        base[["agent_id", "date", "sign_in"]].rename(columns={"sign_in": "time"}).assign(side="in"),
        base[["agent_id", "date", "sign_out"]].rename(columns={"sign_out": "time"}).assign(side="out")],
        ignore_index=True)
    events = events[events["time"].notna()].reset_index(names="event")
    cand = events.merge(shifts, on=["agent_id", "date"])  # a handful of shifts per split day
    anchor = cand["start_at"].where(cand["side"] == "in", cand["end_at"])
    cand["dist"] = (cand["time"] - anchor).abs()
    best = cand.sort_values(["event", "dist", "shift"], kind="stable").drop_duplicates("event")
    ins = best[best["side"] == "in"].groupby("shift")["time"].min()
    outs = best[best["side"] == "out"].groupby("shift")["time"].max()
    used = shifts.set_index("shift").loc[sorted(set(ins.index) | set(outs.index))]
    span = (outs.reindex(used.index) - ins.reindex(used.index)).dt.total_seconds() / 3600.0
    complete = (span > 0).to_numpy()
    scheduled = (used["end_at"] - used["start_at"]).dt.total_seconds() / 3600.0
    return pd.DataFrame({"agent_id": used["agent_id"].to_numpy(),
                         "h": np.where(complete, span.to_numpy(), scheduled.to_numpy()),
                         "filled": ~complete, "lost": np.zeros(len(used), dtype=bool)})


def _set_hours(out: pd.DataFrame, hours: pd.Series, basis: str) -> None:
    """Hours and basis where `hours` is known; the others keep what they had."""
    known = hours.notna().to_numpy()
    out["hours"] = np.where(known, hours.astype("float64").to_numpy(), out["hours"].astype("float64").to_numpy())
    out["cph_basis"] = np.where(known, basis, out["cph_basis"].astype(object).to_numpy())


def inactive_ids(roster: pd.DataFrame) -> set:
    """Ids of the people nobody expects at work (attendance.inactive_people)."""
    return set(roster.loc[inactive_people(roster).to_numpy(), "agent_id"])


def agent_hours(ids: pd.Series, start: pd.Timestamp, end: pd.Timestamp, basis: str,
                punches: pd.DataFrame | None, schedule: pd.DataFrame | None,
                inactive: set | None = None) -> pd.DataFrame:
    """hours and cph_basis per agent. signed_in: the sum over shifts of last sign-out − first
    sign-in; a shift with a missing punch counts at its scheduled length where the schedule has
    it (noted), else not at all (noted). Agents without punches fall back to scheduled hours —
    except `inactive` ones (standby, or left without an exit date: nobody expects them at work),
    whose schedule is not taken for hours worked: only their punches count."""
    out = pd.DataFrame({"agent_id": ids.to_numpy()})
    out["hours"] = np.nan
    out["cph_basis"] = "none"
    out["hours_note"] = ""
    sched = None
    if schedule is not None and not schedule.empty:
        s = schedule[(schedule["date"] >= start) & (schedule["date"] < end)]
        sched = schedule_lengths(s)
        sched_hours = sched.groupby("agent_id")["scheduled_h"].sum()
        # Mapped over all agents, not assigned into a selection: a period without shifts (a
        # weekend, a future quarter) selects nobody, and an empty selection has its own dtype.
        _set_hours(out, out["agent_id"].map(sched_hours), "scheduled")
    if basis == "signed_in" and punches is not None and not punches.empty:
        paired = pair_punch_events(punches) if "direction" in punches.columns else \
            punches[["agent_id", "date", "sign_in", "sign_out"]]
        p = paired[(paired["date"] >= start) & (paired["date"] < end) & paired["agent_id"].isin(ids)].copy()
        split = None
        if sched is not None:
            split = on_days(p, split_days(s))
            if split.any():
                split_hours = split_day_hours(p[split], s)
                p = p[~split]
        span = (p["sign_out"] - p["sign_in"]).dt.total_seconds() / 3600.0
        complete = span > 0
        p["signed_h"] = span.where(complete)
        if sched is not None:
            p = p.merge(sched, on=["agent_id", "date"], how="left")
        else:
            p["scheduled_h"] = np.nan
        p["filled"] = ~complete.to_numpy() & p["scheduled_h"].notna()
        p["lost"] = ~complete.to_numpy() & p["scheduled_h"].isna()
        p["h"] = p["signed_h"].fillna(p["scheduled_h"].where(p["filled"])).fillna(0.0)
        if split is not None and split.any():
            p = pd.concat([p[["agent_id", "h", "filled", "lost"]], split_hours], ignore_index=True)
        g = p.groupby("agent_id")
        signed = pd.DataFrame({"h": g["h"].sum(), "filled": g["filled"].sum(), "lost": g["lost"].sum()})
        _set_hours(out, out["agent_id"].map(signed["h"]), "signed_in")
        # One note per agent, put together column-wise (agents without punches keep "").
        filled = out["agent_id"].map(signed["filled"]).fillna(0).astype("int64")
        lost = out["agent_id"].map(signed["lost"]).fillna(0).astype("int64")
        said_filled = np.where(filled > 0, filled.astype(str) + " shift(s) with a missing punch counted at "
                                                                "scheduled length", "")
        said_lost = np.where(lost > 0, lost.astype(str) + " shift(s) with a missing punch and no schedule "
                                                          "not counted", "")
        both = (filled > 0) & (lost > 0)
        out["hours_note"] = np.where(both, pd.Series(said_filled) + "; " + pd.Series(said_lost),
                                     pd.Series(said_filled) + pd.Series(said_lost))
    if inactive:
        # Their schedule alone is not hours worked; once they punch, a missing punch of theirs is
        # filled from the schedule like anyone's.
        idle = out["agent_id"].isin(inactive).to_numpy() & out["cph_basis"].ne("signed_in").to_numpy()
        out.loc[idle, "hours"] = np.nan
        out.loc[idle, "cph_basis"] = "none"
        out.loc[idle, "hours_note"] = "standby or left without an exit date: scheduled hours not counted as worked"
    out.loc[out["hours"] <= 0, "hours"] = np.nan
    return out


# ----------------------------------------------------------------------------- criteria

def criterion_holds(metric: pd.Series, c: Criterion) -> pd.Series:
    """One criterion over all agents; a missing value never holds."""
    if isinstance(c.value, bool):
        values = metric.astype("boolean")
        return OPS[c.op](values, c.value).fillna(False).astype(bool)
    values = metric.astype("float64")
    return pd.Series(OPS[c.op](values.to_numpy(), float(c.value)), index=metric.index) & values.notna()


def _show_number(metric: str, value: float, threshold: float) -> tuple[str, str]:
    """Value and threshold as shown: percent for success rate; 2 decimals (more when 2 would
    make a failing value look equal to its threshold)."""
    scale, unit = (100.0, "%") if metric == "success_rate" else (1.0, "")
    v, t = value * scale, threshold * scale
    decimals = 2
    while decimals < 6 and round(v, decimals) == t and v != t:
        decimals += 1
    return f"{v:.{decimals}f}{unit}", f"{t:g}{unit}"


def describe_criterion(metric_values: dict, c: Criterion, held: bool, kpi_decimals: int) -> str:
    name = METRIC_NAMES[c.metric]
    value = metric_values.get(c.metric)
    if isinstance(c.value, bool):
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return f"{name} result missing"
        passed = bool(value)
        return f"{name} {'passed' if passed else 'not passed'}"
    if value is None or pd.isna(value):
        return f"{name} n/a"
    if c.metric == "kpi_mean":
        shown, thr = f"{value:.{kpi_decimals}f}", f"{float(c.value):g}"
    else:
        shown, thr = _show_number(c.metric, float(value), float(c.value))
    return f"{name} {shown} {c.op if held else FAILED_OP[c.op]} {thr}"


# ----------------------------------------------------------------------------- approvals

def approval_chain(chart: OrgChart, agent_id: str, roles: list[str]) -> str:
    """GRD-APPROVAL roles resolved to the people in the agent's own reporting line, e.g.
    `supervisor S001 → deputy_manager DM01 → ops_manager OM01 → director D001`."""
    above = chart.line_above(agent_id)
    steps = []
    for required in roles:
        role = chart.resolve_role(required, agent_id)
        person = next((p for p in above if chart.role.get(p) == role), None)
        if person is None and role in ("director", "ops_manager", "support_manager"):
            person = next((p for p, r in chart.role.items() if r == role), None)
        steps.append(f"{role} {person}" if person else f"{role} (none in the reporting line)")
    return " → ".join(steps)


# ----------------------------------------------------------------------------- grading

def _metric_frame(agents: pd.DataFrame, calls: pd.DataFrame | None, kpi: pd.DataFrame | None,
                  punches, schedule, quarter: str, g: Grading) -> pd.DataFrame:
    start, end = quarter_bounds(quarter)
    m = agents.reset_index(drop=True).copy()
    k = kpi_quarter(kpi, m, quarter, g.metrics.kpi_mean_decimals)
    m = m.merge(k, on="agent_id", how="left")
    cols = ["calls", "connected", "successes"]
    if calls is not None and not calls.empty:
        m = m.merge(calls[["agent_id", *cols]], on="agent_id", how="left")
    else:
        for c in cols:
            m[c] = 0
    for c in cols:
        m[c] = m[c].fillna(0).astype("int64")
    h = agent_hours(m["agent_id"], start, end, g.metrics.hours_basis, punches, schedule, inactive_ids(m))
    m = m.merge(h, on="agent_id", how="left")
    numerator = m["calls"] if g.metrics.cph_calls == "all" else m["connected"]
    denominator = m["connected"] if g.metrics.success_denominator == "connected" else m["calls"]
    m["cph"] = (numerator / m["hours"]).where(m["hours"] > 0)
    m["success_rate"] = (m["successes"] / denominator.where(denominator > 0)).astype("float64")
    for col in ("regular_exam_passed", "new_hire_exam_passed"):
        if col not in m:
            m[col] = pd.NA
    m["tenure_months"] = tenure_months(m["hire_date"], end - pd.Timedelta(days=1))
    return m


def _missing_data(m: pd.DataFrame) -> pd.Series:
    """Why an agent cannot be graded (empty string: it can)."""
    why = pd.Series("", index=m.index, dtype=object)
    # standby, or left without an exit date, and no punches: their schedule alone is not hours (agent_hours)
    idle = inactive_people(m) & m["cph_basis"].ne("signed_in")
    parts = [(m["calls"] == 0, "no call records in the quarter"),
             (m["kpi_months"] == 0, "no KPI score in the quarter"),
             (m["hours"].isna() & ~idle, "no hours (no punches or schedule in the quarter)"),
             (m["hours"].isna() & idle, "no hours (standby or left without an exit date, and no punches)")]
    for mask, text in parts:
        why = why.where(~mask, why.where(why == "", why + "; ") + text)
    return why


def grade_quarter(quarter: str, roster: pd.DataFrame, calls: pd.DataFrame | None, kpi: pd.DataFrame | None,
                  grading: Grading, *, punches: pd.DataFrame | None = None, schedule: pd.DataFrame | None = None,
                  files: dict[str, str] | None = None) -> GradingResult:
    """Grade every TSR agent employed in `quarter` (GRD-QUARTERLY). `calls` is the per-agent
    frame of `call_metrics` (calls, connected, successes)."""
    files = files or {}
    start, end = quarter_bounds(quarter)
    last_day = end - pd.Timedelta(days=1)
    notes: list[str] = []
    issues: list[Issue] = []

    agents = roster[roster["role"] == "agent"]
    exit_ = agents["exit_date"] if "exit_date" in agents else pd.Series(pd.NaT, index=agents.index)
    employed = (agents["hire_date"] <= last_day) & ~(exit_ < start).fillna(False)
    agents = agents[employed]
    line = agents["line"] if "line" in agents else pd.Series(pd.NA, index=agents.index)
    csr = agents[line == "CSR"]
    if len(csr):
        notes.append(f"{len(csr)} CSR agent(s) not graded: grade-agents grades telesales reps (TSR) only.")
    agents = agents[line.ne("CSR").fillna(True)]

    m = _metric_frame(agents, calls, kpi, punches, schedule, quarter, grading)
    m["quarter"] = quarter
    m["current_grade"] = m["grade"].astype("object") if "grade" in m else None
    is_trainee = m["current_grade"].eq(TRAINEE)
    regular_order = [r.grade for r in grading.grades]

    # GRD-EARNED: every grade's criteria at once (GRD-C, GRD-B, GRD-A by default), then the highest
    # grade whose all hold.
    # A call log without success, graded on the other criteria only because the rules file says so
    # (grading.calls_without_success): success-rate criteria are not evaluated (held, shown n/a).
    no_success = calls is not None and calls.attrs.get("has_success") is False
    if no_success:
        m["success_rate"] = np.nan
        notes.append("The call log has no success column: success-rate criteria were not evaluated "
                     "(grading.calls_without_success: grade_other_criteria).")

    def holds(c: Criterion) -> pd.Series:
        if no_success and c.metric == "success_rate":
            return pd.Series(True, index=m.index)
        return criterion_holds(m[c.metric], c)

    held: dict[str, list[pd.Series]] = {}
    meets: dict[str, pd.Series] = {}
    for rule in [*grading.grades]:
        held[rule.grade] = [holds(c) for c in rule.criteria]
        meets[rule.grade] = pd.concat(held[rule.grade], axis=1).all(axis=1)
    trainee_held = [holds(c) for c in grading.trainee.criteria]
    trainee_ok = pd.concat(trainee_held, axis=1).all(axis=1)
    earned = pd.Series(grading.below_label, index=m.index, dtype=object)
    for grade in regular_order:  # lowest to highest: the last that holds wins
        earned = earned.where(~meets[grade], grade)
    earned = earned.where(~is_trainee, np.where(trainee_ok, TRAINEE, grading.trainee_below_label))

    missing = _missing_data(m)
    left = m["status"].eq("left").fillna(False) if "status" in m else pd.Series(False, index=m.index)
    left |= (m["exit_date"] <= last_day).fillna(False) if "exit_date" in m else False
    no_line = m["line"].isna() if "line" in m else pd.Series(True, index=m.index)
    no_grade = m["current_grade"].isna()
    window = grading.trainee_window
    rank = {g: i for i, g in enumerate(regular_order)}
    earned_rank = earned.map(rank).fillna(-1)
    current_rank = m["current_grade"].map(rank).fillna(-1)

    decision = pd.Series("not_graded", index=m.index, dtype=object)
    gradable = (missing == "") & ~left & ~no_line & ~no_grade
    reg = gradable & ~is_trainee
    decision[reg & (earned_rank > current_rank)] = "promote"
    decision[reg & (earned_rank == current_rank)] = "keep"
    decision[reg & (earned_rank < current_rank)] = "below_current"
    ten = m["tenure_months"]
    tr = is_trainee & ~left & ~no_line
    decision[tr & gradable & trainee_ok] = "eligible_for_regular"
    decision[tr & gradable & ~trainee_ok & (ten > window.max_months)] = "trainee_overdue"
    decision[tr & gradable & ~trainee_ok & (ten <= window.max_months)] = "keep"
    decision[tr & (ten < window.min_months)] = "too_early"  # tenure decides before any data (GRD-TRAINEE-WINDOW)
    m["decision"] = decision
    m["earned_grade"] = earned.where(gradable | (tr & (missing == "")), None)

    chart = OrgChart(roster)
    mgmt = grading.management_note
    m["required_approvals"] = ""
    m["management_note"] = ""
    promo = m["decision"].isin(PROMOTION_DECISIONS)
    m.loc[promo, "required_approvals"] = [approval_chain(chart, a, list(grading.promotion_approval.chain))
                                          for a in m.loc[promo, "agent_id"]]
    b_to_a = m["decision"].eq("promote") & m["current_grade"].eq(mgmt.from_grade) & m["earned_grade"].eq(mgmt.to_grade)
    m.loc[b_to_a, "management_note"] = mgmt.note

    rule_ids, explanations = [], []
    held_rows = {grade: pd.concat(h, axis=1).to_numpy() for grade, h in held.items()}
    trainee_rows = pd.concat(trainee_held, axis=1).to_numpy()
    for i, r in enumerate(m.to_dict("records")):  # strings only: the decisions above are vectorised
        ids, text = _explain(r, grading, {g_: h[i] for g_, h in held_rows.items()}, trainee_rows[i], missing.iat[i],
                             bool(left.iat[i]), bool(no_line.iat[i]), bool(no_grade.iat[i]), bool(b_to_a.iat[i]))
        rule_ids.append(", ".join(ids))
        explanations.append(text)
    m["rule_ids"] = rule_ids
    m["explanation"] = explanations

    kpi_file = files.get("kpi", "kpi")
    for agent_id, months, n in zip(m["agent_id"], m["kpi_missing"], m["kpi_months"]):
        for month in filter(None, months.split(", ")):
            issues.append(Issue(kpi_file, None, None, "month", f"{agent_id} {month}",
                                f"no KPI score for {agent_id} in {month}; the quarter mean uses {n} month(s), "
                                "the missing month is not counted as zero", "warning"))

    grades = m.sort_values(["team", "agent_id"]).reset_index(drop=True)
    grades = grades.assign(hours=grades["hours"].round(2))[GRADE_COLUMNS]
    return GradingResult(quarter, grades, distribution(grades, grading), grades[grades["decision"].isin(
        PROMOTION_DECISIONS)].reset_index(drop=True), grades[grades["decision"].isin(REVIEW_DECISIONS)]
        .reset_index(drop=True), notes, issues)


def _explain(r: dict, g: Grading, held: dict, trainee_held, missing: str, left: bool, no_line: bool,
             no_grade: bool, b_to_a: bool) -> tuple[list[str], str]:
    """Rule IDs and the explanation of one agent: what was met, each failed criterion with its
    value and threshold, the decision, and the approvals a promotion needs."""
    values = {c: r[c] for c in ("kpi_mean", "cph", "success_rate", "regular_exam_passed", "new_hire_exam_passed")}
    dec = g.metrics.kpi_mean_decimals
    ids = [g.quarterly_rule_id]
    parts: list[str] = []
    decision = r["decision"]
    if r["kpi_missing"]:
        parts.append(f"KPI missing for {r['kpi_missing']} (mean of {int(r['kpi_months'])} month(s), "
                     "missing months not counted as zero)")
    if r["hours_note"]:
        parts.append(r["hours_note"])
    if r["current_grade"] == TRAINEE:
        ids += [g.trainee.rule_id, g.trainee_window.rule_id]
        w = g.trainee_window
        ten = r["tenure_months"]
        parts.insert(0, f"trainee, tenure {ten} month(s) at quarter end (window {w.min_months}–{w.max_months})")
        if not missing and not left and not no_line:
            crit = [describe_criterion(values, c, bool(h), dec) for c, h in zip(g.trainee.criteria, trainee_held)]
            failed = [t for t, h in zip(crit, trainee_held) if not h]
            if failed:
                parts.append("trainee criteria not met: " + ", ".join(failed))
            else:
                parts.append("trainee criteria met: " + ", ".join(crit))
    else:
        ids.append(g.earned_rule_id)
    if left:
        when = f" on {r['exit_date']:%Y-%m-%d}" if pd.notna(r.get("exit_date")) else ""
        parts.append(f"left the centre{when}: not graded")
    elif no_line:
        parts.append("line (TSR/CSR) unknown in the roster: not graded")
    elif no_grade:
        parts.append("no current grade in the roster: not graded")
    elif missing and decision == "not_graded":
        parts.append(f"not graded: {missing}")
    elif r["current_grade"] != TRAINEE:
        ids += [rule.rule_id for rule in g.grades]
        earned = r["earned_grade"]
        order = [rule.grade for rule in g.grades]
        top = order.index(earned) if earned in order else -1
        if top >= 0:
            rule = g.grades[top]
            parts.append(f"{earned} met: " + ", ".join(describe_criterion(values, c, True, dec) for c in rule.criteria))
        for rule in g.grades[top + 1:]:
            failed = [describe_criterion(values, c, False, dec) for c, h in zip(rule.criteria, held[rule.grade])
                      if not h]
            parts.append(f"{rule.grade} not met: " + ", ".join(failed))
        parts.append(f"earned {earned} vs current {r['current_grade']}")
    label = decision.replace("_", " ")
    if decision == "too_early":
        label = f"too early: under {g.trainee_window.min_months} months' tenure"
    elif decision == "trainee_overdue":
        label = f"trainee overdue: over {g.trainee_window.max_months} months and not eligible"
    elif decision == "eligible_for_regular" and r["tenure_months"] > g.trainee_window.max_months:
        label += f" (past the {g.trainee_window.max_months}-month window)"
    parts.append(f"→ {label}")
    if decision in PROMOTION_DECISIONS:
        ids.append(g.promotion_approval.rule_id)
        parts.append(f"needs approval: {r['required_approvals']}")
    if b_to_a:
        ids.append(g.management_note.rule_id)
        parts.append(g.management_note.note)
    return ids, "; ".join(parts)


def distribution(grades: pd.DataFrame, g: Grading) -> pd.DataFrame:
    """Agents per earned grade per team (no_grade: not graded or too early without data)."""
    buckets = [g.trainee_below_label, TRAINEE, g.below_label, *[r.grade for r in g.grades], NO_GRADE]
    earned = grades["earned_grade"].fillna(NO_GRADE)
    table = pd.crosstab(grades["team"], earned).reindex(columns=buckets, fill_value=0)
    table = table.reset_index().rename_axis(columns=None)
    for b in buckets:
        table[b] = table[b].astype("int64")
    table["total"] = table[buckets].sum(axis=1).astype("int64")
    return table
