"""KPI attainment per agent and per team for a day, a week or a month (RPT-KPI), vectorised.

Nothing here redefines a metric; every definition is reused:
- calls, connected, successes: `calls.daily_call_metrics` (one row per agent and day; a call
  counts on the day of the shift it falls in, so a night shift keeps its calls after midnight);
- hours and their basis (signed-in, else scheduled): `grading.agent_hours`;
- CPH and success rate: calls ÷ hours and successes ÷ connected, with the numerator and the
  denominator the rules file's `grading.metrics` names;
- late, early-leave and absence counts: the attendance audit's shift classification
  (`attendance.audit_month`, run on each month the period touches, its shifts kept by date;
  a shift belongs to the day it starts);
- targets: the criteria of the agent's current grade in `grading.grades` (or `grading.trainee`).

Decisions where the manual is silent (each said again in the report's notes):
- Only `role == agent` people employed in the period are reported; targets apply to TSR agents
  (the grade scheme is the telesales one; CSR agents are shown without targets).
- A monthly KPI score is compared with the grade's `kpi_mean` threshold (the quarter criterion)
  as an indication only.
- Teams are ranked by the share of their agents meeting every target, then success rate, then
  CPH; teams without targets (CSR) rank after those with.
- The daily trend gives each day the hours of the period's basis (an agent who signed in on
  some day of the period has 0 signed-in hours on a day without punches), so the trend adds up
  to the period totals. A one-day report (and the daily brief) takes each day as a period of
  its own, where an agent without punches that day falls back to scheduled hours.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cctool.errors import Issue
from cctool.frames import team_or_none
from cctool.policy.attendance import audit_month, build_shifts
from cctool.policy.grading import agent_hours, criterion_holds, inactive_ids
from cctool.rules.model import Criterion, Grading, Rules

TARGET_METRICS = ("cph", "success_rate", "kpi_mean")
# talk_calls: connected calls with a duration (the AHT denominator); talk_s their talk time.
COUNT_COLUMNS = ["calls", "connected", "successes", "talk_calls"]
TALK = "talk_s"
# The centre's and the day's totals (RPT-KPI, RPT-DAILY): offered = every call, including those
# that reached no agent; answered = connected; abandoned = offered − answered.
OFFERED_COLUMNS = ["offered", "answered", "abandoned", "abandon_rate"]
ATTENDANCE_COLUMNS = ["scheduled", "present", "late", "early_leave", "absent_days"]
# What CPH is computed on: the calls (or connected calls, `grading.metrics.cph_calls`) and hours of
# the telesales (TSR) agents who have hours. CPH is an outbound measure (GRD metrics): customer-
# service agents' calls and hours would dilute it, and calls of an agent without hours (standby, no
# punches or schedule) have nothing to be divided by. So a team's, a day's and the centre's CPH is
# cph_calls / cph_hours of their rows, n/a (missing) without such hours; both columns are shown.
CPH_BASIS_COLUMNS = ["cph_calls", "cph_hours"]
AGENT_COLUMNS = ["agent_id", "name", "team", "line", "grade", "period", "calls", "connected", "successes", "hours",
                 "cph_basis", "cph", "success_rate", "talk_s", "talk_calls", "aht_s", *ATTENDANCE_COLUMNS, "kpi_score",
                 "target_rule",
                 "cph_target", "cph_met", "cph_gap", "success_target", "success_met", "success_gap", "kpi_target",
                 "kpi_met", "kpi_gap", "targets_met", "rule_ids", "note"]
TEAM_COLUMNS = ["rank", "team", "agents", "calls", "connected", "successes", "hours", "cph_calls", "cph_hours", "cph",
                "success_rate",
                "talk_s", "aht_s", *OFFERED_COLUMNS, *ATTENDANCE_COLUMNS, "with_targets", "cph_met_count", "success_met_count", "targets_met_count",
                "targets_met_share", "rule_ids"]
TREND_COLUMNS = ["team", "date", "calls", "connected", "successes", "hours", "cph_calls", "cph_hours", "cph",
                 "success_rate", "talk_s",
                 "aht_s",
                 *ATTENDANCE_COLUMNS]


@dataclass
class KpiResult:
    period: str  # day | week | month
    label: str  # 2026-10-14, 2026-W42 (…), 2026-10
    start: pd.Timestamp
    end: pd.Timestamp  # exclusive
    agents: pd.DataFrame  # AGENT_COLUMNS
    teams: pd.DataFrame  # TEAM_COLUMNS, ranked
    centre: pd.DataFrame  # one row: the centre's totals
    trend: pd.DataFrame  # TREND_COLUMNS, one row per team and day (empty for a day)
    notes: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


# ----------------------------------------------------------------------------- who and when

def period_agents(roster: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Agents employed on at least one day of [start, end)."""
    agents = roster[roster["role"] == "agent"]
    hired = agents["hire_date"].isna() | (agents["hire_date"] < end) if "hire_date" in agents \
        else pd.Series(True, index=agents.index)
    exit_ = agents["exit_date"] if "exit_date" in agents else pd.Series(pd.NaT, index=agents.index)
    staying = ~(exit_ < start).fillna(False)
    cols = [c for c in ("agent_id", "name", "team", "line", "grade") if c in agents]
    out = agents.loc[hired & staying, cols].copy()
    for c in ("name", "team", "line", "grade"):
        if c not in out:
            out[c] = pd.NA
    out["agent_id"] = out["agent_id"].astype(object)
    out["team"] = team_or_none(out["team"])
    return out.reset_index(drop=True)


def call_windows(schedule: pd.DataFrame | None, roster: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp,
                 rules: Rules) -> pd.DataFrame | None:
    """Per scheduled shift, the window whose calls count on the shift's day: the same window the
    attendance audit matches punches with (shift start − before, shift end + after)."""
    if schedule is None or schedule.empty:
        return None
    sink: list[Issue] = []  # schedule mistakes are reported by the attendance step, not twice
    shifts = build_shifts(schedule, roster, start - pd.Timedelta(days=1), end, sink, "schedule")
    pairing = rules.attendance.punch_pairing
    return pd.DataFrame({"agent_id": shifts["agent_id"].astype(str), "date": shifts["date"],
                         "win_start": shifts["shift_start_at"] - pd.Timedelta(minutes=pairing.before_minutes),
                         "win_end": shifts["shift_end_at"] + pd.Timedelta(minutes=pairing.after_minutes)})


def _days(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    return pd.date_range(start, end - pd.Timedelta(days=1), freq="D")


# ----------------------------------------------------------------------------- attendance per day

def attendance_days(roster: pd.DataFrame, schedule: pd.DataFrame, punches: pd.DataFrame, rules: Rules,
                    start: pd.Timestamp, end: pd.Timestamp, *, leave: pd.DataFrame | None = None,
                    excusals: pd.DataFrame | None = None, files: dict[str, str] | None = None,
                    as_of: pd.Timestamp | None = None) -> tuple[pd.DataFrame, list[Issue]]:
    """Per agent and day of [start, end): scheduled shifts, present (any punch), lates, early
    leaves and absent days (half days as 0.5), from the attendance audit of each month touched.
    Shifts the audit does not judge (pending at `as_of`, feed-gap days) are not counted."""
    months = sorted({d.strftime("%Y-%m") for d in _days(start, end)})
    frames, issues = [], []
    for month in months:  # at most two for a week, one for a day or a month
        audit = audit_month(month, roster, schedule, punches, rules, leave=leave, excusals=excusals, files=files,
                            as_of=as_of)
        frames.append(audit.shifts)
        issues += audit.issues
    s = pd.concat(frames, ignore_index=True)
    s = s[(s["date"] >= start) & (s["date"] < end) & s["judged"]]
    late_kind, early_kind = rules.attendance.late[0].kind, rules.attendance.early[0].kind
    per_shift = pd.DataFrame({
        "agent_id": s["agent_id"].astype(object), "date": s["date"], "scheduled": 1,
        "present": (s["sign_in"].notna() | s["sign_out"].notna()).astype("int64"),
        "late": s["late_kind"].eq(late_kind).fillna(False).astype("int64"),
        "early_leave": s["early_kind"].eq(early_kind).fillna(False).astype("int64"),
        "absent_days": s["absence"].astype("float64"),
    })
    daily = per_shift.groupby(["agent_id", "date"], as_index=False)[ATTENDANCE_COLUMNS].sum()
    return daily, issues


# ----------------------------------------------------------------------------- hours per day

def daily_hours(ids: pd.Series, start: pd.Timestamp, end: pd.Timestamp, basis: str, punches: pd.DataFrame | None,
                schedule: pd.DataFrame | None, *, reconcile: bool, inactive: set | None = None) -> pd.DataFrame:
    """Hours per agent and day by `grading.agent_hours`, each day taken as a period of its own
    (one call per day, at most 31). With `reconcile`, each agent keeps the basis of the whole
    period: a signed-in agent has 0 hours on a day without punches, so the days add up to the
    period's hours."""
    if punches is not None and "direction" in punches.columns:
        from cctool.policy.grading import pair_punch_events

        punches = pair_punch_events(punches)  # once, not once per day
    frames = [agent_hours(ids, day, day + pd.Timedelta(days=1), basis, punches, schedule, inactive).assign(date=day)
              for day in _days(start, end)]
    daily = pd.concat(frames, ignore_index=True)
    if reconcile:
        whole = agent_hours(ids, start, end, basis, punches, schedule, inactive).set_index("agent_id")["cph_basis"]
        signed = daily["agent_id"].map(whole).eq("signed_in")
        daily.loc[signed & daily["cph_basis"].ne("signed_in"), "hours"] = 0.0
    daily["hours"] = daily["hours"].fillna(0.0)
    return daily[["agent_id", "date", "hours", "cph_basis"]]


# ----------------------------------------------------------------------------- metrics

def success_known(daily_calls: pd.DataFrame | None) -> bool:
    """False when the call log has no success column and the rules read it anyway
    (grading.calls_without_success: grade_other_criteria): successes and success rates are then
    unknown — shown n/a, never 0 — and success targets are not evaluated."""
    return daily_calls is None or daily_calls.attrs.get("has_success") is not False


NO_SUCCESS_NOTE = ("The call log has no success column: successes and success rates are n/a and success-rate "
                   "targets were not evaluated (grading.calls_without_success: grade_other_criteria).")


def add_rates(frame: pd.DataFrame, g: Grading, *, with_success: bool = True) -> pd.DataFrame:
    """cph and success_rate from summed counts and hours (GRD metric definitions): CPH over the TSR
    agents' calls and hours (CPH_BASIS_COLUMNS), missing where there are no TSR hours. Without
    success (`success_known`), successes and success_rate are missing, not 0."""
    denominator = frame["connected"] if g.metrics.success_denominator == "connected" else frame["calls"]
    hours = frame["cph_hours"].astype("float64")
    frame["cph"] = (frame["cph_calls"] / hours.where(hours > 0)).astype("float64")
    frame["success_rate"] = (frame["successes"] / denominator.where(denominator > 0)).astype("float64")
    if not with_success:
        frame["successes"] = pd.array([pd.NA] * len(frame), dtype="Int64")
        frame["success_rate"] = np.nan
    if TALK in frame and "talk_calls" in frame:
        # Average handle time: talk time over the connected calls that have a duration.
        talked = frame["talk_calls"].astype("float64")
        frame["aht_s"] = (frame[TALK].astype("float64") / talked.where(talked > 0)).astype("float64")
    return frame


def add_cph_basis(frame: pd.DataFrame, is_tsr: pd.Series, cph_calls: str) -> pd.DataFrame:
    """The rows' share of what CPH is computed on (CPH_BASIS_COLUMNS): calls (`cph_calls` "all") or
    connected calls, and hours, of a TSR agent's row with hours; else 0, so the sums per team, day
    or centre hold exactly what their CPH divides."""
    hours = frame["hours"].astype("float64").fillna(0.0)
    counted = is_tsr.fillna(False).to_numpy(dtype=bool) & (hours > 0).to_numpy()
    calls = frame["calls"] if cph_calls == "all" else frame["connected"]
    frame["cph_calls"] = calls.where(counted, 0).astype("int64")
    frame["cph_hours"] = hours.where(counted, 0.0)
    return frame


def cph_left_out(frame: pd.DataFrame, is_tsr: pd.Series, cph_calls: str) -> tuple[int, list[str]]:
    """The calls (or connected calls, `cph_calls`) of TSR rows without hours, which no CPH counts
    (add_cph_basis leaves them out), and whose they are: said beside the CPH they are not in."""
    calls = frame["calls"] if cph_calls == "all" else frame["connected"]
    idle = (is_tsr.fillna(False).to_numpy(dtype=bool) & calls.gt(0).to_numpy()
            & ~frame["hours"].astype("float64").gt(0).to_numpy())
    return int(calls[idle].sum()), sorted(frame.loc[idle, "agent_id"].astype(str).unique().tolist())


def few(ids: list[str], n: int = 5) -> str:
    """The first `n` of a list of ids, and an ellipsis for the rest."""
    return ", ".join(ids[:n]) + (", …" if len(ids) > n else "")


def add_offered(frame: pd.DataFrame, no_agent: pd.Series | int = 0) -> pd.DataFrame:
    """offered, answered, abandoned and abandon_rate: every call of the scope plus the calls that
    reached no agent (only the centre and the day have those)."""
    frame["offered"] = (frame["calls"] + no_agent).astype("int64")
    frame["answered"] = frame["connected"].astype("int64")
    frame["abandoned"] = (frame["offered"] - frame["answered"]).astype("int64")
    offered = frame["offered"].astype("float64")
    frame["abandon_rate"] = (frame["abandoned"] / offered.where(offered > 0)).astype("float64")
    return frame


def no_agent_calls(daily_calls: pd.DataFrame | None, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Calls per day of [start, end) that reached no agent (`daily_call_metrics` attrs)."""
    found = (daily_calls.attrs.get("no_agent_calls") or {}) if daily_calls is not None else {}
    days = _days(start, end)
    counts = pd.Series({pd.Timestamp(d): int(n) for d, n in found.items()}, dtype="int64")
    return counts.reindex(days, fill_value=0).astype("int64")


def agent_day_frame(agents: pd.DataFrame, daily_calls: pd.DataFrame | None, hours: pd.DataFrame | None,
                    attendance: pd.DataFrame | None, cph_calls: str = "all") -> pd.DataFrame:
    """One row per agent and day with anything to report: counts, hours, attendance; team attached."""
    keys = ["agent_id", "date"]
    parts = [f for f in (daily_calls, hours, attendance) if f is not None and not f.empty]
    if not parts:
        frame = pd.DataFrame(columns=keys)
    else:
        frame = parts[0]
        for extra in parts[1:]:
            frame = frame.merge(extra, on=keys, how="outer")
    frame = frame[frame["agent_id"].isin(agents["agent_id"])] if len(frame) else frame
    for col in COUNT_COLUMNS:
        frame[col] = (frame[col] if col in frame else 0)
        frame[col] = frame[col].fillna(0).astype("int64")
    frame["hours"] = frame["hours"].fillna(0.0).astype("float64") if "hours" in frame else 0.0
    frame[TALK] = frame[TALK].fillna(0.0).astype("float64") if TALK in frame else 0.0
    if attendance is not None:
        for col in ATTENDANCE_COLUMNS:
            frame[col] = frame[col].fillna(0) if col in frame else 0
            frame[col] = frame[col].astype("float64" if col == "absent_days" else "int64")
    else:
        for col in ATTENDANCE_COLUMNS:
            frame[col] = pd.Series(pd.NA, index=frame.index, dtype="Float64" if col == "absent_days" else "Int64")
    by_id = agents.set_index("agent_id")
    frame["team"] = frame["agent_id"].map(by_id["team"])
    add_cph_basis(frame, frame["agent_id"].map(by_id["line"]).eq("TSR"), cph_calls)
    return frame.reset_index(drop=True)


def _sum_by(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    cols = [*COUNT_COLUMNS, "hours", TALK, *CPH_BASIS_COLUMNS, *ATTENDANCE_COLUMNS]
    return frame.groupby(by, as_index=False)[cols].sum(min_count=1).fillna(
        {c: 0 for c in [*COUNT_COLUMNS, "hours", TALK, *CPH_BASIS_COLUMNS]})


# ----------------------------------------------------------------------------- targets

def _target_table(g: Grading) -> pd.DataFrame:
    """One row per grade: the rule ID and each target metric's criterion."""
    rows = [(r.grade, r.rule_id, r.criteria) for r in g.grades] + [("trainee", g.trainee.rule_id, g.trainee.criteria)]
    out = []
    for grade, rule_id, criteria in rows:
        rec = {"grade": grade, "target_rule": rule_id}
        for c in criteria:
            if c.metric in TARGET_METRICS:
                rec[c.metric] = c
        out.append(rec)
    return pd.DataFrame(out).reindex(columns=["grade", "target_rule", *TARGET_METRICS])


def apply_targets(frame: pd.DataFrame, g: Grading, *, with_kpi: bool = True, with_success: bool = True) -> pd.DataFrame:
    """Per TSR agent, the current grade's cph / success-rate (and KPI, `with_kpi`: a monthly score
    is a target of a month only) criteria: target, met, gap (value − target). One pass per grade
    and metric, over all agents of that grade. A target is met only when its value is known:
    `targets_met` is False when one known target is missed, unknown (NA) when none is missed but
    one cannot be checked, True only when every target is known and met. Without success
    (`with_success` False, as the rules allow) the success target is not evaluated at all."""
    table = _target_table(g).set_index("grade")
    tsr = frame["line"].eq("TSR").fillna(False) if "line" in frame else pd.Series(False, index=frame.index)
    frame["target_rule"] = frame["grade"].map(table["target_rule"]).where(tsr)
    for metric, value_col, prefix in (("cph", "cph", "cph"), ("success_rate", "success_rate", "success"),
                                      ("kpi_mean", "kpi_score", "kpi")):
        frame[f"{prefix}_target"] = np.nan
        frame[f"{prefix}_met"] = pd.Series(pd.NA, index=frame.index, dtype="boolean")
        frame[f"{prefix}_gap"] = np.nan
        if (prefix == "kpi" and not with_kpi) or (prefix == "success" and not with_success):
            continue
        for grade, criterion in table[metric].dropna().items():
            rows = tsr & frame["grade"].eq(grade).fillna(False)
            if not rows.any() or not isinstance(criterion, Criterion):
                continue
            values = frame.loc[rows, value_col].astype("float64")
            known = values.notna()
            frame.loc[rows, f"{prefix}_target"] = float(criterion.value)
            frame.loc[rows & known.reindex(frame.index, fill_value=False), f"{prefix}_met"] = \
                criterion_holds(values[known], criterion)
            frame.loc[rows, f"{prefix}_gap"] = (values - float(criterion.value)).round(4)
    prefixes = [p for p in ("cph", "success", "kpi")]
    met = pd.concat([frame[f"{p}_met"] for p in prefixes], axis=1)
    applies = pd.concat([frame[f"{p}_target"].notna() for p in prefixes], axis=1).to_numpy()
    # dtype=bool: pandas 2.2 gives an object array here, on which ~True is -2 (truthy)
    missed = (met.eq(False).fillna(False).to_numpy(dtype=bool) & applies).any(axis=1)
    unknown = (met.isna().to_numpy(dtype=bool) & applies).any(axis=1)
    has_target = frame["target_rule"].notna() & applies.any(axis=1)
    result = pd.Series(pd.NA, index=frame.index, dtype="boolean")
    result[has_target & missed] = False
    result[has_target & ~missed & ~unknown] = True
    frame["targets_met"] = result
    return frame


# ----------------------------------------------------------------------------- the report

def compute_kpi(period: str, start, end, label: str, roster: pd.DataFrame, daily_calls: pd.DataFrame | None,
                rules: Rules, *, schedule: pd.DataFrame | None = None, punches: pd.DataFrame | None = None,
                kpi: pd.DataFrame | None = None, leave: pd.DataFrame | None = None,
                excusals: pd.DataFrame | None = None, files: dict[str, str] | None = None,
                as_of: pd.Timestamp | None = None) -> KpiResult:
    """Per agent and team for [start, end): counts, hours, CPH, success rate, attendance, grade
    targets, KPI score (month), the teams ranked, and the daily trend per team (week, month)."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    g = rules.grading
    notes: list[str] = []
    issues: list[Issue] = []
    agents = period_agents(roster, start, end)
    ids = agents["agent_id"]

    attendance = None
    if schedule is not None and punches is not None:
        attendance, att_issues = attendance_days(roster, schedule, punches, rules, start, end, leave=leave,
                                                 excusals=excusals, files=files, as_of=as_of)
        issues += att_issues
    else:
        notes.append("Attendance (late, early leave, absent) needs both --schedule and --punches: not shown.")
    if punches is None and schedule is None:
        notes.append("No punches or schedule: no hours, so no CPH.")
    idle = inactive_ids(roster)
    hours = daily_hours(ids, start, end, g.metrics.hours_basis, punches, schedule, reconcile=True, inactive=idle)
    day_rows = agent_day_frame(agents, daily_calls, hours, attendance, g.metrics.cph_calls)

    # Per agent: the period's own hours and basis (grading.agent_hours over the whole period).
    period_hours = agent_hours(ids, start, end, g.metrics.hours_basis, punches, schedule, idle)
    per_agent = _sum_by(day_rows, ["agent_id"]).drop(columns=["hours", *CPH_BASIS_COLUMNS])
    a = agents.merge(per_agent, on="agent_id", how="left").merge(period_hours, on="agent_id", how="left")
    for col in COUNT_COLUMNS:
        a[col] = a[col].fillna(0).astype("int64")
    a[TALK] = a[TALK].fillna(0.0).astype("float64")
    with_success = success_known(daily_calls)
    if not with_success:
        notes.append(NO_SUCCESS_NOTE)
    a = add_rates(add_cph_basis(a, a["line"].eq("TSR"), g.metrics.cph_calls), g, with_success=with_success)
    left_out, idle_ids = cph_left_out(a, a["line"].eq("TSR"), g.metrics.cph_calls)
    if left_out:
        notes.append(f"Team and centre CPH leave out {left_out} call(s) of {len(idle_ids)} TSR "
                     f"agent(s) without hours ({few(idle_ids)}).")
    a["period"] = label
    a["kpi_score"] = np.nan
    if kpi is not None and period == "month":
        month = start.strftime("%Y-%m")
        scores = kpi[kpi["month"] == month].drop_duplicates("agent_id").set_index("agent_id")["kpi_score"]
        a["kpi_score"] = a["agent_id"].map(scores).astype("float64")
    elif kpi is not None:
        notes.append("KPI scores are monthly: shown for --period month only.")
    a = apply_targets(a, g, with_kpi=period == "month", with_success=with_success)
    rule_id = rules.reports.kpi.rule_id
    a["rule_ids"] = np.where(a["target_rule"].notna(), rule_id + ", " + a["target_rule"].fillna(""), rule_id)
    a["note"] = a["hours_note"].fillna("")
    a.loc[a["line"].ne("TSR").fillna(True), "note"] = (a["note"] + "; ").where(a["note"] != "", "") + \
        "no grade targets (the grade scheme covers TSR agents)"
    a = a.sort_values(["team", "agent_id"]).reset_index(drop=True)[AGENT_COLUMNS]
    teams = rank_teams(_team_frame(a, g, rule_id, with_success), a)  # from unrounded hours
    centre = _centre(a, g, rule_id, int(no_agent_calls(daily_calls, start, end).sum()), with_success)
    a["hours"] = a["hours"].round(2)
    trend = pd.DataFrame(columns=TREND_COLUMNS)
    if period != "day":
        trend = add_rates(_sum_by(day_rows, ["team", "date"]), g, with_success=with_success)
        full = pd.MultiIndex.from_product([sorted(agents["team"].unique()), _days(start, end)], names=["team", "date"])
        trend = trend.set_index(["team", "date"]).reindex(full).reset_index()
        counted = [c for c in COUNT_COLUMNS if with_success or c != "successes"]
        trend[counted] = trend[counted].fillna(0).astype("int64")
        trend[TALK] = trend[TALK].fillna(0.0)
        trend["hours"] = trend["hours"].fillna(0.0).round(2)
        trend["cph_hours"] = trend["cph_hours"].fillna(0.0).round(2)
        trend["cph_calls"] = trend["cph_calls"].fillna(0).astype("int64")
        trend = trend[TREND_COLUMNS]
    if attendance is not None:
        notes.append("Late, early leave and absent days follow the attendance rules (ATT-*); half days count 0.5.")
    return KpiResult(period, label, start, end, a, teams, centre, trend, notes, issues)


def _team_frame(a: pd.DataFrame, g: Grading, rule_id: str, with_success: bool = True) -> pd.DataFrame:
    a = add_cph_basis(a.copy(), a["line"].eq("TSR"), g.metrics.cph_calls)
    grouped = a.groupby("team")
    t = pd.DataFrame({"agents": grouped.size()})
    sums = grouped[[*COUNT_COLUMNS, "hours", TALK, *CPH_BASIS_COLUMNS]].sum()
    att = grouped[ATTENDANCE_COLUMNS].sum(min_count=1)
    t = t.join(sums).join(att)
    t["with_targets"] = grouped["targets_met"].count()  # agents with a target and a value to check
    t["cph_met_count"] = grouped["cph_met"].sum()
    t["success_met_count"] = grouped["success_met"].sum()
    t["targets_met_count"] = grouped["targets_met"].sum()
    t = t.reset_index()
    t = add_offered(add_rates(t, g, with_success=with_success))
    t["targets_met_share"] = (t["targets_met_count"] / t["with_targets"].where(t["with_targets"] > 0)).astype(float)
    for col in ("with_targets", "cph_met_count", "success_met_count", "targets_met_count"):
        t[col] = t[col].astype("int64")
    if not with_success:  # not evaluated: n/a, not "nobody met it"
        t["success_met_count"] = pd.array([pd.NA] * len(t), dtype="Int64")
    t["hours"] = t["hours"].round(2)
    t["cph_hours"] = t["cph_hours"].round(2)
    t["cph_calls"] = t["cph_calls"].astype("int64")
    t["rule_ids"] = rule_id
    return t


def rank_teams(t: pd.DataFrame, a: pd.DataFrame) -> pd.DataFrame:
    """Share of agents meeting every target, then success rate, then CPH; teams without a known
    share (no targets: CSR) rank after those with, by success rate. Ranked on known values only:
    a team with neither a known share nor a success rate (no calls in the period) gets no rank,
    so a period without calls names no top team."""
    ordered = t.sort_values(["targets_met_share", "success_rate", "cph", "team"],
                            ascending=[False, False, False, True], na_position="last").reset_index(drop=True)
    known = ordered["targets_met_share"].notna() | ordered["success_rate"].notna()
    ordered["rank"] = pd.array(np.where(known, np.cumsum(known), 0), dtype="Int64")
    ordered.loc[~known, "rank"] = pd.NA
    return ordered[TEAM_COLUMNS]


def _centre(a: pd.DataFrame, g: Grading, rule_id: str, no_agent: int = 0, with_success: bool = True) -> pd.DataFrame:
    """The centre's row: the sums of every team (CPH over the TSR agents, as for each team)."""
    out = add_offered(_team_frame(a.assign(team="centre"), g, rule_id, with_success), no_agent)
    out["rank"] = pd.NA
    return out[TEAM_COLUMNS]
