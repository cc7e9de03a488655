"""The attendance rules of POLICY.md §2, applied to one calendar month, vectorised.

One row per scheduled shift is classified (late / early leave / absent / leave / missing
punch); findings become events, each with its rule ID and a plain reason; events roll up to
one row per person with the monthly consequences (ATT-COUNT-3, ATT-ABS-*, ATT-QUIT-3).
Shifts that cross midnight belong to the day they start.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cctool.errors import Issue
from cctool.frames import DistinctKeys, map_distinct, rows, value_set
from cctool.policy.clock import clock_vs_policy, corrected_punches, correction_events, listed_requests
from cctool.policy.leave import assess_leave, leave_days
from cctool.rules.model import Band, Rules

ABSENT_KINDS = ("absent_half_day", "absent_full_day")
# Findings of one day in the order they happen: arrival first, then departure.
KIND_ORDER = {k: i for i, k in enumerate(["excused_late", "late", "absent_half_day", "absent_full_day", "early_leave",
                                          "missing_punch", "feed_gap", "swap_limit_exceeded",
                                          "training_ended", "correction_over_cap"])}
EVENT_COLUMNS = ["agent_id", "name", "team", "date", "shift_start", "shift_end", "sign_in", "sign_out",
                 "minutes", "kind", "rule_id", "reason"]


@dataclass
class AttendanceResult:
    month: str
    shifts: pd.DataFrame  # one row per scheduled shift, classified
    summary: pd.DataFrame  # one row per person (DATA.md records)
    events: pd.DataFrame  # one row per finding
    leave: pd.DataFrame  # one row per leave request touching the month
    teams: pd.DataFrame  # attendance rate per team
    caps: pd.DataFrame  # leave per duty supervisor per day
    issues: list[Issue]
    as_of: pd.Timestamp | None = None  # shifts ending after it are pending, not judged
    feed_gap_days: list = None  # days judged as a time-clock feed gap (ATT-FEED-GAP)
    coverage: object = None  # what the inputs covered (cctool.coverage.Coverage), set by the pipeline
    clock: pd.DataFrame | None = None  # person-days where the time clock's verdict differs (clock.py)
    _pending: int | None = None  # kept by `release_shifts`

    @property
    def pending_shifts(self) -> int:
        if self._pending is not None:
            return self._pending
        return int(self.shifts["pending"].sum()) if "pending" in self.shifts else 0

    def release_shifts(self) -> None:
        """Let go of the classified shifts (the largest frame of a month: ~0.7 GB at 100,000 agents)
        once the report is built from the summary and events; `shifts` keeps its columns, empty,
        and `pending_shifts` its count."""
        self._pending = self.pending_shifts
        self.shifts = self.shifts.iloc[:0].copy()  # a copy: an empty slice would keep the columns alive


def month_bounds(month: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    start = pd.Timestamp(f"{month}-01")
    return start, start + pd.offsets.MonthBegin(1)


def _hhmm(seconds: pd.Series) -> pd.Series:
    """HH:MM of seconds since midnight. A month's shifts start at a few dozen distinct times: each
    is formatted once (`_hhmm_each`) and spread back."""
    codes, uniques = pd.factorize(seconds, use_na_sentinel=False)
    return _hhmm_each(pd.Series(uniques, dtype=seconds.dtype)).take(codes).set_axis(seconds.index)


def _hhmm_each(seconds: pd.Series) -> pd.Series:
    s = seconds.astype("Int64")
    return ((s // 3600) % 24).astype(str).str.zfill(2) + ":" + ((s % 3600) // 60).astype(str).str.zfill(2)


def _fmt_duration(seconds: pd.Series) -> pd.Series:
    secs = seconds.fillna(0).round().astype("int64")
    mins, rest = secs // 60, secs % 60
    return mins.astype(str) + " min" + np.where(rest > 0, " " + rest.astype(str).str.zfill(2) + " s", "")


# ----------------------------------------------------------------------------- shifts and punches

def build_shifts(schedule: pd.DataFrame, roster: pd.DataFrame, lo: pd.Timestamp, hi: pd.Timestamp,
                 issues: list[Issue], schedule_file: str) -> pd.DataFrame:
    sched = schedule[(schedule["date"] >= lo) & (schedule["date"] < hi)].copy()
    people = roster.set_index("agent_id")
    sched["shift_start_at"] = sched["date"] + pd.to_timedelta(sched["shift_start"].astype("float64"), unit="s")
    end_offset = pd.to_timedelta(sched["shift_end"].astype("float64"), unit="s")
    overnight = sched["shift_end"] <= sched["shift_start"]
    sched["shift_end_at"] = sched["date"] + end_offset + pd.to_timedelta(overnight.astype(int), unit="D")
    # Shifts outside employment are schedule mistakes: reported, not audited.
    agents = DistinctKeys(sched["agent_id"])
    hire = agents.map(people["hire_date"])
    exit_ = agents.map(people["exit_date"]) if "exit_date" in people else pd.Series(pd.NaT, index=sched.index)
    outside = (sched["date"] < hire) | (sched["date"] > exit_)
    for rec in rows(sched[outside.fillna(False)]):
        when = "before the hire date" if rec.date < hire[rec.Index] else "after the exit date"
        issues.append(Issue(schedule_file, None, int(rec._row), "date", rec.date.strftime("%Y-%m-%d"),
                            f"{rec.agent_id} is scheduled {when}; shift not audited", "warning"))
    kept = ~outside.fillna(False)
    sched, agents = sched[kept], agents.where(kept)
    sched["name"] = agents.map(people["name"])
    sched["team"] = agents.map(people["team"])
    for col in ("overtime", "overtime_arranged"):
        if col not in sched:
            sched[col] = False
        sched[col] = sched[col].fillna(False).astype(bool)
    return sched.reset_index(drop=True)


def shift_windows(shifts: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Each shift's pairing window [start - before, end + after] (rules file), ordered by agent
    and window start; the position in this frame identifies the shift."""
    pairing = rules.attendance.punch_pairing
    win = shifts[["agent_id", "date", "shift_start_at", "shift_end_at"]].copy()
    for col in ("shift_start_at", "shift_end_at"):
        win[col] = win[col].astype("datetime64[ns]")
    win["win_start"] = win["shift_start_at"] - pd.Timedelta(minutes=pairing.before_minutes)
    win["win_end"] = win["shift_end_at"] + pd.Timedelta(minutes=pairing.after_minutes)
    return win.sort_values(["agent_id", "win_start"], kind="stable").reset_index(drop=True)


# A shift per agent and day: with the packaged windows at most two of them overlap (a night shift
# and the next day shift); three covers the widest windows the rules model allows.
MAX_OVERLAPPING_WINDOWS = 3


def nearest_shift(events: pd.DataFrame, windows: pd.DataFrame) -> pd.Series:
    """The window position each event belongs to (-1: none). Among the windows that hold an
    event, an `in` goes to the shift whose start is nearest, an `out` to the shift whose end is
    nearest, an event without a direction to the nearest start or end: overlapping windows (a
    night shift to 03:00, a day shift from 08:00) no longer take each other's punches."""
    if windows.empty or events.empty:
        return pd.Series(-1, index=events.index, dtype="int64")
    times = events["time"].astype("datetime64[ns]")
    # Agent ids as plain objects on both sides: the readers' string dtypes differ in their NA.
    ev = pd.DataFrame({"agent_id": events["agent_id"].astype(object).to_numpy(), "time": times.to_numpy(),
                       "_pos": np.arange(len(events))}).sort_values("time", kind="stable")
    keys = pd.DataFrame({"agent_id": windows["agent_id"].astype(object).to_numpy(),
                         "win_start": windows["win_start"].to_numpy(), "win": np.arange(len(windows))}) \
        .sort_values("win_start", kind="stable")
    latest = pd.merge_asof(ev, keys, left_on="time", right_on="win_start", by="agent_id", direction="backward")
    latest = latest.sort_values("_pos")
    t = latest["time"].to_numpy()
    agent = latest["agent_id"].astype(object).to_numpy()
    last = latest["win"].fillna(-1).astype("int64").to_numpy()
    direction = events["direction"].astype("string").to_numpy() if "direction" in events \
        else np.full(len(events), pd.NA, dtype=object)
    is_in = pd.Series(direction).eq("in").fillna(False).to_numpy(dtype=bool)
    is_out = pd.Series(direction).eq("out").fillna(False).to_numpy(dtype=bool)
    w_agent, w_end = windows["agent_id"].astype(object).to_numpy(), windows["win_end"].to_numpy()
    w_start_at, w_end_at = windows["shift_start_at"].to_numpy(), windows["shift_end_at"].to_numpy()
    best = np.full(len(events), -1, dtype="int64")
    best_dist = np.full(len(events), np.inf)
    for back in range(MAX_OVERLAPPING_WINDOWS):  # windows ordered by start: earlier ones may still hold t
        cand = last - back
        ok = cand >= 0
        c = np.where(ok, cand, 0)
        ok &= (w_agent[c] == agent) & (t <= w_end[c])
        to_start = np.abs((t - w_start_at[c]).astype("timedelta64[s]").astype("float64"))
        to_end = np.abs((t - w_end_at[c]).astype("timedelta64[s]").astype("float64"))
        dist = np.where(is_in, to_start, np.where(is_out, to_end, np.minimum(to_start, to_end)))
        better = ok & (dist < best_dist)
        best = np.where(better, cand, best)
        best_dist = np.where(better, dist, best_dist)
    return pd.Series(best, index=events.index)


def punches_per_shift(events: pd.DataFrame, shift: pd.Series, windows: pd.DataFrame) -> pd.DataFrame:
    """First sign-in and last sign-out of each shift from its events. Events without a direction
    (exports that do not say) are read as the shift's first event = sign-in and last = sign-out;
    a lone one is a sign-in or a sign-out by whichever end of the shift it is nearer, so the
    shift is a missing punch, never a guessed pair."""
    used = events.assign(shift=shift.to_numpy())[shift.to_numpy() >= 0]
    direction = used["direction"].astype("string") if "direction" in used else pd.Series(pd.NA, index=used.index,
                                                                                        dtype="string")
    ins = used.loc[direction.eq("in").fillna(False)].groupby("shift")["time"].min()
    outs = used.loc[direction.eq("out").fillna(False)].groupby("shift")["time"].max()
    blank = used.loc[direction.isna()]
    if not blank.empty:
        g = blank.groupby("shift")["time"]
        first, last, n = g.min(), g.max(), g.size()
        w = windows.loc[n.index]
        lone_in = (n == 1) & ((first - w["shift_start_at"]).abs() <= (w["shift_end_at"] - first).abs())
        blank_in = first[(n > 1) | lone_in]
        blank_out = last[(n > 1) | ((n == 1) & ~lone_in)]
        ins = pd.concat([ins, blank_in]).groupby(level=0).min()
        outs = pd.concat([outs, blank_out]).groupby(level=0).max()
    out = windows[["agent_id", "date", "shift_start_at"]].copy()
    out["sign_in"] = ins.reindex(out.index).astype("datetime64[ns]")
    out["sign_out"] = outs.reindex(out.index).astype("datetime64[ns]")
    return out[out["sign_in"].notna() | out["sign_out"].notna()].reset_index(drop=True)


def pair_punch_events(events: pd.DataFrame, shifts: pd.DataFrame, rules: Rules, issues: list[Issue],
                      punches_file: str, period: tuple[pd.Timestamp, pd.Timestamp] | None = None) -> pd.DataFrame:
    """Raw events -> first sign-in and last sign-out per shift (`nearest_shift`, `punches_per_shift`).
    Every event of `period` that no shift uses (before the first shift, between shifts, after the
    last) is reported as an unmatched punch."""
    windows = shift_windows(shifts, rules)
    shift = nearest_shift(events, windows)
    lo, hi = period if period else (shifts["shift_start_at"].min(), shifts["shift_end_at"].max())
    unused = events[(shift.to_numpy() < 0) & (events["time"] >= lo).to_numpy() & (events["time"] < hi).to_numpy()]
    for rec in rows(unused.sort_values(["agent_id", "time"])):
        issues.append(Issue(punches_file, None, int(rec._row), "time", str(rec.time),
                            f"{rec.agent_id}: unmatched punch, no scheduled shift's window holds it "
                            "(unscheduled work?)", "warning"))
    return punches_per_shift(events, shift, windows)


def attach_punches(shifts: pd.DataFrame, punches: pd.DataFrame, rules: Rules, issues: list[Issue],
                   punches_file: str, *, period: tuple[pd.Timestamp, pd.Timestamp] | None = None,
                   context: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sign-in and sign-out on each shift. `context` (the shifts of the period and a day either
    side) is what punches are matched against, so a punch of the previous month's night shift is
    used, not unmatched; `period` bounds which unmatched punches are reported."""
    context = shifts if context is None else context
    if "time" in punches.columns:
        paired = pair_punch_events(punches, context, rules, issues, punches_file, period)
        # Each pair is its own shift's: a day of several shifts (a split 班次 `08:00-11:20
        # 13:50-16:40`) must not join every pair of the day to every shift of it.
        found = _per_shift(shifts, paired)
        return shifts.assign(sign_in=found["sign_in"], sign_out=found["sign_out"]).reset_index(drop=True)
    paired = punches[["agent_id", "date", "sign_in", "sign_out", "_row"]]
    lo, hi = period if period else (shifts["date"].min(), shifts["date"].max() + pd.Timedelta(days=1))
    days = context[["agent_id", "date"]].drop_duplicates()
    keyed = paired.merge(days, on=["agent_id", "date"], how="left", indicator=True)
    stray = keyed[(keyed["_merge"] == "left_only") & (keyed["date"] >= lo) & (keyed["date"] < hi)]
    for rec in rows(stray):
        issues.append(Issue(punches_file, None, int(rec._row), "date", rec.date.strftime("%Y-%m-%d"),
                            f"{rec.agent_id}: unmatched punch, on a day with no scheduled shift "
                            "(unscheduled work?)", "warning"))
    split = split_days(context)
    on_split = on_days(paired, split)
    one_shift = paired[~on_split].drop(columns="_row")
    out = shifts.merge(one_shift, on=["agent_id", "date"], how="left")
    if not on_split.any():
        return out
    return _attach_split_day_pairs(out, paired[on_split], context[on_days(context, split)], rules, issues,
                                   punches_file, period)


def split_days(shifts: pd.DataFrame) -> pd.DataFrame:
    """The person-days holding more than one shift (a split day), as agent_id + date."""
    n = shifts.groupby(["agent_id", "date"], sort=False).size()
    return n[n > 1].index.to_frame(index=False)


def on_days(frame: pd.DataFrame, days: pd.DataFrame) -> pd.Series:
    """Which rows of `frame` fall on one of `days` (agent_id + date)."""
    if days.empty:
        return pd.Series(False, index=frame.index)
    keys = pd.MultiIndex.from_arrays([frame["agent_id"].astype(object), frame["date"]])
    return pd.Series(keys.isin(pd.MultiIndex.from_frame(days.astype({"agent_id": object}))), index=frame.index)


def _attach_split_day_pairs(shifts: pd.DataFrame, pairs: pd.DataFrame, split_shifts: pd.DataFrame, rules: Rules,
                            issues: list[Issue], punches_file: str, period) -> pd.DataFrame:
    """A paired row (one sign-in, one sign-out per person-day) on a day of several shifts cannot
    say which shift it belongs to: it is read as two events, in at the sign-in and out at the
    sign-out, and paired with that day's shifts like raw events (nearest start / end). On time
    for the morning and the afternoon, the morning keeps the sign-in and the afternoon the
    sign-out: each shift then lacks one punch, a review item (ATT-MISSING-PUNCH), never the same
    pair joined to both shifts and never a silent pass."""
    events = pd.concat([
        pairs[["agent_id", "sign_in", "_row"]].rename(columns={"sign_in": "time"}).assign(direction="in"),
        pairs[["agent_id", "sign_out", "_row"]].rename(columns={"sign_out": "time"}).assign(direction="out"),
    ], ignore_index=True)
    events = events[events["time"].notna()].astype({"time": "datetime64[ns]", "direction": "string"})
    per_shift = pair_punch_events(events.reset_index(drop=True), split_shifts, rules, issues, punches_file, period)
    if period:
        pairs = pairs[(pairs["date"] >= period[0]) & (pairs["date"] < period[1])]
    if pairs.empty:  # only a neighbouring month's days: said when that month is audited
        return _with_split_day_punches(shifts, per_shift)
    first = int(pairs["_row"].min())
    issues.append(Issue(punches_file, None, first, "sign_in", None,
                        f"{len(pairs)} person-day(s) with one sign-in/sign-out pair on a day of several shifts "
                        f"(first at row {first}): each punch goes to the shift whose start (sign-in) or end "
                        "(sign-out) is nearest; a shift left without one is a missing punch to review. Export "
                        "each shift's punches (raw events) to judge every shift", "warning"))
    return _with_split_day_punches(shifts, per_shift)


def _per_shift(shifts: pd.DataFrame, per_shift: pd.DataFrame) -> pd.DataFrame:
    """`per_shift`'s sign_in and sign_out on the rows of `shifts`, matched by person, day and shift
    start (`pair_punch_events` names each pair's shift by its start)."""
    key = shifts["shift_start_at"].astype("datetime64[ns]")
    found = shifts[["agent_id", "date"]].assign(_start=key).merge(
        per_shift.rename(columns={"shift_start_at": "_start"}), on=["agent_id", "date", "_start"], how="left")
    return found[["sign_in", "sign_out"]].set_axis(shifts.index)


def _with_split_day_punches(shifts: pd.DataFrame, per_shift: pd.DataFrame) -> pd.DataFrame:
    found = _per_shift(shifts, per_shift)
    return shifts.assign(sign_in=shifts["sign_in"].fillna(found["sign_in"]),
                         sign_out=shifts["sign_out"].fillna(found["sign_out"]))


def latest_punch(punches: pd.DataFrame | None) -> pd.Timestamp | None:
    """The last moment the punch file knows about: the default as-of time (issue 9 §4)."""
    if punches is None or punches.empty:
        return None
    cols = ["time"] if "time" in punches.columns else ["sign_in", "sign_out"]
    last = max((punches[c].max() for c in cols if c in punches), default=pd.NaT)
    return None if pd.isna(last) else pd.Timestamp(last)


def punch_days(punches: pd.DataFrame | None) -> set[pd.Timestamp]:
    """The days on which the punch file records anything at all, for anyone."""
    if punches is None or punches.empty:
        return set()
    if "time" in punches.columns:
        stamps = punches["time"].dt.normalize()
    else:
        stamps = pd.concat([punches["date"], punches["sign_in"].dt.normalize(), punches["sign_out"].dt.normalize()])
    return set(pd.to_datetime(stamps.dropna().unique()))  # a few hundred days, not one per punch


def feed_gap_days(shifts: pd.DataFrame, punches: pd.DataFrame | None, rules: Rules,
                  as_of: pd.Timestamp | None = None) -> list[pd.Timestamp]:
    """ATT-FEED-GAP: days with at least `feed_gap.min_shifts` scheduled shifts over by `as_of`
    and no punch at all in the whole centre. Nobody punching is a missing time-clock feed far
    more often than a centre-wide no-show, so these shifts are not judged."""
    done = shifts if as_of is None else shifts[shifts["shift_end_at"] <= as_of]
    per_day = done.groupby("date").size()
    busy = per_day[per_day >= rules.attendance.feed_gap.min_shifts].index
    seen = punch_days(punches)
    return sorted(d for d in busy if d not in seen)


# ----------------------------------------------------------------------------- classification

def band_kind(seconds: pd.Series, bands: list[Band]) -> tuple[pd.Series, pd.Series]:
    """The highest band whose literal boundary holds: (kind, rule_id); NA where none does."""
    kind = np.full(len(seconds), None, dtype=object)
    rule = np.full(len(seconds), None, dtype=object)
    for band in bands:  # increasing order: later bands overwrite earlier ones
        hit = (seconds > band.seconds) if band.strict else (seconds >= band.seconds)
        hit = hit.fillna(False).to_numpy(dtype=bool)
        kind[hit] = band.kind
        rule[hit] = band.rule_id
    # set in plain arrays, typed once: setting cells of an Arrow string Series rebuilds it each time
    return (pd.Series(kind, index=seconds.index, dtype="string"),
            pd.Series(rule, index=seconds.index, dtype="string"))


def _scope_parts(excusals: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(kind, target) of each scope. `partition` always gives strings, so a file whose every
    scope is `all` (no target anywhere) does not leave an all-missing column behind."""
    parts = excusals["scope"].astype("string").fillna("").str.strip().str.partition(":")
    return parts[0].str.strip().str.casefold(), parts[2].str.strip()


def excused_mask(shifts: pd.DataFrame, excusals: pd.DataFrame | None) -> pd.Series:
    """ATT-EXCUSE: an excusal for the whole centre, a team or one agent on a date."""
    if excusals is None or excusals.empty:
        return pd.Series(False, index=shifts.index)
    kind, target = _scope_parts(excusals)
    mask = pd.Series(False, index=shifts.index)
    all_dates = set(excusals.loc[kind == "all", "date"])
    mask |= shifts["date"].isin(all_dates)
    teams = set(zip(excusals.loc[kind == "team", "date"], target[kind == "team"]))
    agents = set(zip(excusals.loc[kind == "agent", "date"], target[kind == "agent"]))
    if teams:
        mask |= pd.MultiIndex.from_arrays([shifts["date"], shifts["team"]]).isin(list(teams))
    if agents:
        mask |= pd.MultiIndex.from_arrays([shifts["date"], shifts["agent_id"]]).isin(list(agents))
    return mask


def check_excusal_scopes(excusals: pd.DataFrame | None, file: str) -> list[Issue]:
    if excusals is None or excusals.empty:
        return []
    kind, target = _scope_parts(excusals)
    ok = (kind == "all") & (target == "") | kind.isin(["team", "agent"]) & (target != "")
    return [Issue(file, None, int(r._row), "scope", r.scope, "expected all, team:<team> or agent:<agent_id>; row ignored")
            for r in rows(excusals[~ok.fillna(False).astype(bool)])]


def classify(shifts: pd.DataFrame, leave_by_day: pd.DataFrame, excused: pd.Series, rules: Rules, *,
             as_of: pd.Timestamp | None = None, gap_days=()) -> pd.DataFrame:
    """Classify every shift at once: lateness against the `late` bands (ATT-LATE, ATT-LATE-HALF,
    ATT-LATE-FULL), early leave against the `early` bands (ATT-EARLY, ATT-EARLY-HALF,
    ATT-EARLY-FULL), excusals (ATT-EXCUSE), one punch only or a sign-out before the sign-in
    (ATT-MISSING-PUNCH), no punch and no leave (ATT-NO-SHOW), leave days valid or not
    (ATT-UNAPPROVED, LV-SICK, ATT-FALSE-LEAVE).

    Not judged at all: a shift ending after `as_of` (`pending`: not over yet) and a shift on a
    feed-gap day (ATT-FEED-GAP, a review item). Neither counts in scheduled days."""
    att = rules.attendance
    # The ids on both sides in the shifts' own dtype: two string dtypes merge into an object column
    # (five times the memory of Arrow text on a month of shifts).
    by_day = leave_by_day.astype({"agent_id": shifts["agent_id"].dtype})
    s = shifts.merge(by_day, on=["agent_id", "date"], how="left")
    s["leave_fraction"] = s["leave_fraction"].fillna(0.0)
    _part_day_leave_per_shift(s)
    s["leave_valid"] = s["leave_valid"].astype("boolean").fillna(False).astype(bool)
    s["pending"] = (s["shift_end_at"] > as_of) if as_of is not None else False
    s["pending"] = s["pending"].astype(bool)
    has_in, has_out = s["sign_in"].notna(), s["sign_out"].notna()
    punched = has_in | has_out
    s["feed_gap"] = s["date"].isin(list(gap_days)) & ~punched & ~s["pending"]
    unjudged = s["pending"] | s["feed_gap"]
    s["judged"] = ~unjudged
    # A sign-out before the sign-in of the same shift is a mistaken punch: which one is wrong
    # cannot be told, so it is a missing punch to review, never "600 min early".
    s["punch_reversed"] = (has_in & has_out & (s["sign_out"] < s["sign_in"])).fillna(False).astype(bool)
    has_in = has_in & ~s["punch_reversed"] & ~s["pending"]
    has_out = has_out & ~s["punch_reversed"] & ~s["pending"]
    half_leave = s["leave_valid"] & (s["leave_fraction"] < 1) & (s["leave_fraction"] > 0)
    # A valid half-day leave covering the start (or end) moves the expected time.
    eff_start = s["shift_start_at"].where(~(half_leave & (s["leave_start"] <= s["shift_start_at"])
                                            & (s["leave_end"] > s["shift_start_at"])), s["leave_end"])
    eff_end = s["shift_end_at"].where(~(half_leave & (s["leave_end"] >= s["shift_end_at"])
                                        & (s["leave_start"] < s["shift_end_at"])), s["leave_start"])
    s["late_seconds"] = (s["sign_in"] - eff_start).dt.total_seconds().where(has_in)
    s["early_seconds"] = (eff_end - s["sign_out"]).dt.total_seconds().where(has_out)
    s["late_kind"], s["late_rule"] = band_kind(s["late_seconds"], att.late)
    s["early_kind"], s["early_rule"] = band_kind(s["early_seconds"], att.early)
    s["excused"] = excused.reindex(s.index).fillna(False).values & s["late_kind"].notna()
    s.loc[s["excused"], "late_kind"] = att.excuse.kind
    s.loc[s["excused"], "late_rule"] = att.excuse.rule_id
    s["missing_punch"] = (has_in ^ has_out) | (s["punch_reversed"] & ~s["pending"])

    weight = att.absence_weight
    late_abs = map_distinct(s["late_kind"], weight).astype("float64").fillna(0.0)
    early_abs = map_distinct(s["early_kind"], weight).astype("float64").fillna(0.0)
    s["absence"] = (late_abs + early_abs).clip(upper=att.max_absence_per_shift)
    s["absence_rule"] = pd.Series(pd.NA, index=s.index, dtype="string")
    s.loc[late_abs > 0, "absence_rule"] = s["late_rule"]
    s.loc[(late_abs == 0) & (early_abs > 0), "absence_rule"] = s["early_rule"]
    # An excused lateness (force majeure) covers the time it lost: that shift is not judged by
    # hours worked, or the excusal would come back as absence; its departure still meets the early bands.
    judge_worked_hours(s, has_in & has_out & ~half_leave & ~s["excused"], rules)

    # No punch at all: leave (valid or not) or no-show.
    none = ~punched & ~unjudged
    full_leave = none & (s["leave_fraction"] >= 1)
    s["leave_taken"] = np.where(full_leave & s["leave_valid"], 1.0,
                                np.where(half_leave & punched & ~unjudged, s["leave_fraction"], 0.0))
    # A shift partly on approved leave has only the rest left to be absent from: ATT-*-FULL on
    # the afternoon of a half-day leave is half a day, so worked + absent + leave = 1.
    part_leave = half_leave & punched & ~unjudged
    s.loc[part_leave, "absence"] = s.loc[part_leave, "absence"].clip(
        upper=att.max_absence_per_shift - s.loc[part_leave, "leave_fraction"])
    invalid_leave = none & (s["leave_fraction"] > 0) & ~s["leave_valid"]
    s.loc[invalid_leave, "absence"] = 1.0
    s.loc[invalid_leave, "absence_rule"] = s.loc[invalid_leave, "leave_rule"]
    half_no_show = none & half_leave
    s.loc[half_no_show, "leave_taken"] = s.loc[half_no_show, "leave_fraction"]
    s.loc[half_no_show, "absence"] = 1.0 - s.loc[half_no_show, "leave_fraction"]
    s.loc[half_no_show, "absence_rule"] = att.unapproved_leave.rule_id
    no_show = none & (s["leave_fraction"] == 0)
    s.loc[no_show, "absence"] = 1.0
    s.loc[no_show, "absence_rule"] = att.no_show.rule_id
    s["no_show"] = no_show
    s["half_no_show"] = half_no_show
    s["invalid_leave"] = invalid_leave
    s["worked"] = np.where(punched & ~unjudged, (1.0 - s["absence"] - s["leave_taken"]).clip(lower=0), 0.0)
    s["shift_hours"] = (s["shift_end_at"] - s["shift_start_at"]).dt.total_seconds() / 3600
    s["full_day_absent"] = s["absence"] >= 1.0
    return s


def _part_day_leave_per_shift(s: pd.DataFrame) -> None:
    """On a day of several shifts a part-day leave (08:00-12:00) is the leave of the shifts it
    touches: a shift it covers whole is on leave for the whole shift (1), a shift it does not
    touch has no leave, one it covers in part keeps the half-day reading. A day of one shift,
    and a full-day leave, are read as before. In place, on `leave_fraction`."""
    part = (s["leave_fraction"] > 0) & (s["leave_fraction"] < 1)
    if not part.any():
        return
    n = s.groupby(["agent_id", "date"], sort=False)["shift_start_at"].transform("size")
    split = part & (n > 1)
    if not split.any():
        return
    start, end = s["shift_start_at"], s["shift_end_at"]
    whole = split & (s["leave_start"] <= start) & (s["leave_end"] >= end)
    apart = split & ((s["leave_end"] <= start) | (s["leave_start"] >= end))
    s.loc[whole, "leave_fraction"] = 1.0
    s.loc[apart, "leave_fraction"] = 0.0


def judge_worked_hours(s: pd.DataFrame, judged: pd.Series, rules: Rules) -> None:
    """`attendance.worked_hours` (off by default): a day with both punches whose hours worked
    (last sign-out − first sign-in) are under a rule's `below_hours` is that rule's kind of
    absence, when that is more severe than what the late/early bands gave the day. Days with a
    valid half-day leave are not judged by hours (the leave shortens the day), nor days with one
    punch (a review item), nor a shift whose lateness is excused (the caller leaves them out). Sets hours_worked, hours_kind, hours_rule; raises absence in place."""
    att = rules.attendance
    s["hours_worked"] = ((s["sign_out"] - s["sign_in"]).dt.total_seconds() / 3600).where(judged)
    s["hours_kind"] = pd.Series(pd.NA, index=s.index, dtype="string")
    s["hours_rule"] = pd.Series(pd.NA, index=s.index, dtype="string")
    s["hours_below"] = np.nan
    best = pd.Series(0.0, index=s.index)
    for rule in att.worked_hours:
        weight = min(att.absence_weight[rule.kind], att.max_absence_per_shift)
        hit = (s["hours_worked"] < rule.below_hours).fillna(False) & (weight > best)
        best = best.where(~hit, weight)
        s.loc[hit, "hours_kind"] = rule.kind
        s.loc[hit, "hours_rule"] = rule.rule_id
        s.loc[hit, "hours_below"] = rule.below_hours
    wins = best > s["absence"]  # the more severe result wins; a tie leaves the bands' finding
    s.loc[~wins, ["hours_kind", "hours_rule"]] = pd.NA
    s.loc[~wins, "hours_below"] = np.nan
    s.loc[wins, "absence"] = best[wins]
    s.loc[wins, "absence_rule"] = s.loc[wins, "hours_rule"]


# ----------------------------------------------------------------------------- events

EVENT_SHIFT_COLUMNS = ["agent_id", "name", "team", "date", "shift_start", "shift_end", "sign_in", "sign_out"]


def _event_frame(s: pd.DataFrame, mask: pd.Series, kind, rule, minutes, reason) -> pd.DataFrame:
    sub = s.loc[mask, EVENT_SHIFT_COLUMNS]  # the columns an event shows, not a copy of every shift column
    pick = lambda v: v[mask] if isinstance(v, pd.Series) else v  # noqa: E731
    return pd.DataFrame({
        "agent_id": sub["agent_id"], "name": sub["name"], "team": sub["team"], "date": sub["date"],
        "shift_start": _hhmm(sub["shift_start"]), "shift_end": _hhmm(sub["shift_end"]),
        "sign_in": sub["sign_in"], "sign_out": sub["sign_out"],
        "minutes": pick(minutes), "kind": pick(kind), "rule_id": pick(rule), "reason": pick(reason),
    })


def band_ranges(bands: list[Band], what: str) -> dict[str, str]:
    """Each band's literal range in words: 'more than 15 and at most 30 min late'."""
    out = {}
    for band, nxt in zip(bands, list(bands[1:]) + [None]):
        low = f"more than {band.above_minutes:g} min" if band.strict else f"{band.at_least_minutes:g} min or more"
        if nxt is None:
            out[band.rule_id] = f"{low} {what}"
        else:
            high = f"at most {nxt.above_minutes:g} min" if nxt.strict else f"under {nxt.at_least_minutes:g} min"
            out[band.rule_id] = f"{low} and {high} {what}"
    return out


def _band_reason(kind: pd.Series, rule: pd.Series, seconds: pd.Series, bands: list[Band], what: str,
                 when: pd.Series) -> pd.Series:
    text = band_ranges(bands, what)
    return (_fmt_duration(seconds) + f" {what} (" + when + "): " + map_distinct(rule, text).astype(str)
            + ", no excusal → " + map_distinct(kind, _GAVE).astype(str))


# What a late/early band gives a day, in the words of the band reasons and the worked-hours reason.
_GAVE = {"late": "a late", "early_leave": "an early leave", "excused_late": "an excused late",
         "absent_half_day": "absence of half a day", "absent_full_day": "absence of a full day"}


def _as_hours(m) -> str:
    minutes = int(m.group(1))
    return f"{minutes // 60} h {minutes % 60:02d} min"


def shift_events(s: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    att = rules.attendance
    # Reasons are text built column-wise: build them only for the shifts that have a finding.
    s = s[s["late_kind"].notna() | s["excused"] | s["early_kind"].notna() | s["missing_punch"] | s["no_show"]
          | s["invalid_leave"] | s["half_no_show"] | s["feed_gap"] | s["hours_kind"].notna()]
    frames = []
    start_txt = "scheduled " + _hhmm(s["shift_start"]) + ", signed in " + s["sign_in"].dt.strftime("%H:%M:%S")
    end_txt = "scheduled " + _hhmm(s["shift_end"]) + ", signed out " + s["sign_out"].dt.strftime("%H:%M:%S")
    # A worked-hours result that wins replaces the day's late/early findings, as a band's absence
    # replaces a late; its reason names what the bands gave.
    late = s["late_kind"].notna() & ~s["excused"] & s["hours_kind"].isna()
    frames.append(_event_frame(s, late, s["late_kind"], s["late_rule"], (s["late_seconds"] / 60).round(2),
                               _band_reason(s["late_kind"], s["late_rule"], s["late_seconds"], att.late, "late", start_txt)))
    frames.append(_event_frame(s, s["excused"], att.excuse.kind, att.excuse.rule_id, (s["late_seconds"] / 60).round(2),
                               _fmt_duration(s["late_seconds"]) + " late (" + start_txt
                               + "), excused (bad weather / force majeure excusal for that day): counts for nothing"))
    early = s["early_kind"].notna() & s["hours_kind"].isna()
    frames.append(_event_frame(s, early, s["early_kind"], s["early_rule"], (s["early_seconds"] / 60).round(2),
                               _band_reason(s["early_kind"], s["early_rule"], s["early_seconds"], att.early,
                                            "early", end_txt)))
    hours = s["hours_kind"].notna()
    if hours.any():
        # In the words of the bands' own reasons ("a late", "absence of half a day"), so the
        # article fits the kind and the zh phrasebook can render it.
        late_gave = map_distinct(s["late_kind"], _GAVE).astype(str) + " on arrival"
        early_gave = map_distinct(s["early_kind"], _GAVE).astype(str) + " on departure"
        bands_gave = pd.Series(np.select(
            [s["late_kind"].notna() & s["early_kind"].notna(), s["late_kind"].notna(), s["early_kind"].notna()],
            [late_gave + " and " + early_gave, late_gave, early_gave], default="no finding"), index=s.index)
        frames.append(_event_frame(
            s, hours, s["hours_kind"], s["hours_rule"], (s["hours_worked"] * 60).round(2),
            _fmt_duration(s["hours_worked"] * 3600).str.replace(r"^(\d+) min", _as_hours, regex=True)
            + " worked (signed in " + s["sign_in"].dt.strftime("%H:%M:%S") + ", signed out "
            + s["sign_out"].dt.strftime("%H:%M:%S") + "): under " + s["hours_below"].map("{:g}".format)
            + " h → " + s["hours_kind"].map({"absent_half_day": "absence of half a day",
                                             "absent_full_day": "absence of a full day"}).astype(str)
            + ", more severe than the late/early bands' result (" + bands_gave
            + ", which it replaces)"))
    # The side that has its punch is judged (a known sign-in can be late); the side without one is
    # not, and a reversed pair is judged on neither side until someone checks it.
    missing_in = s["missing_punch"] & s["sign_in"].isna()
    what = np.where(missing_in, "sign-out without a sign-in: a review item, counted as worked; the departure is "
                                "judged, the arrival is not (no late or absence for it) until checked",
                    "sign-in without a sign-out: a review item, counted as worked; the arrival is judged, the "
                    "departure is not (no early leave or absence for it) until checked")
    reversed_txt = ("sign-out " + s["sign_out"].dt.strftime("%H:%M:%S").fillna("") + " before the sign-in "
                    + s["sign_in"].dt.strftime("%H:%M:%S").fillna("")
                    + ": a review item, counted as worked but judged neither on time nor absent until checked")
    frames.append(_event_frame(s, s["missing_punch"], att.missing_punch.kind, att.missing_punch.rule_id, np.nan,
                               reversed_txt.where(s["punch_reversed"], pd.Series(what, index=s.index))))
    frames.append(_event_frame(s, s["feed_gap"], att.feed_gap.kind, att.feed_gap.rule_id, np.nan,
                               "scheduled " + _hhmm(s["shift_start"]) + "–" + _hhmm(s["shift_end"])
                               + ", but nobody in the centre punched that day: a gap in the time-clock feed, "
                               "not a no-show; review before anyone is judged"))
    frames.append(_event_frame(s, s["no_show"], att.no_show.kind, att.no_show.rule_id, np.nan,
                               "scheduled " + _hhmm(s["shift_start"]) + "–" + _hhmm(s["shift_end"])
                               + ", no punch and no leave request → absence of a full day"))
    frames.append(_event_frame(s, s["invalid_leave"], "absent_full_day", s["leave_rule"], np.nan,
                               "on leave without a valid leave (request " + s["leave_request"].astype(str) + ": "
                               + s["leave_reason"].astype(str) + ") → absence"))
    frames.append(_event_frame(s, s["half_no_show"], "absent_half_day", att.unapproved_leave.rule_id, np.nan,
                               "half-day leave (request " + s["leave_request"].astype(str)
                               + "), but no punch for the rest of the shift → absence of half a day"))
    return pd.concat([f for f in frames if not f.empty], ignore_index=True) if any(not f.empty for f in frames) \
        else pd.DataFrame(columns=EVENT_COLUMNS)


# ----------------------------------------------------------------------------- monthly roll-up

def _say_missing_punches(summary: pd.DataFrame, rule_id: str) -> pd.DataFrame:
    """A row highlighted for missing punches says so (rule ID and count) like every other finding:
    a missing punch is a review item (ATT-MISSING-PUNCH): counted as worked, the side without its
    punch not judged until checked."""
    n = summary["missing_punch_count"]
    has = n > 0
    if not has.any():
        return summary
    out = summary.copy()
    text = n[has].astype(str) + f" missing punch(es) to check ({rule_id}): counted as worked, a side " \
                                 "without its punch not judged until checked"
    old_text = out.loc[has, "explanation"].fillna("").astype(str)
    out.loc[has, "explanation"] = (old_text + "; ").where(old_text != "", "") + text
    old_ids = out.loc[has, "rule_ids"].fillna("").astype(str)
    out.loc[has, "rule_ids"] = (old_ids + ", ").where(old_ids != "", "") + rule_id
    return out


def consecutive_full_absence(s: pd.DataFrame) -> pd.DataFrame:
    """Longest run of consecutive scheduled days with full-day absence, per person. A day of
    several shifts (a split day) is one scheduled day, absent in full only when every shift of
    it is: missing an afternoon and the next day is not 3 days absent (ATT-QUIT-3)."""
    # the three columns, then sorted: sorting the whole shifts frame copied every column of it
    ordered = s[["agent_id", "date", "full_day_absent"]].sort_values(["agent_id", "date"])
    same_day = (ordered["agent_id"].eq(ordered["agent_id"].shift()) & ordered["date"].eq(ordered["date"].shift()))
    if same_day.fillna(False).any():
        ordered = ordered.groupby(["agent_id", "date"], as_index=False, sort=True)["full_day_absent"].all()
    breaks = (~ordered["full_day_absent"]).groupby(ordered["agent_id"]).cumsum()
    run = ordered.groupby([ordered["agent_id"], breaks])["full_day_absent"].cumsum()
    ordered = ordered.assign(run=run)
    best = ordered.sort_values("run").groupby("agent_id").tail(1)
    best = best.assign(run_start=None)
    return best.set_index("agent_id")[["run", "date"]].rename(columns={"date": "run_end"})


def summarise(s: pd.DataFrame, events: pd.DataFrame, month: str, rules: Rules) -> pd.DataFrame:
    att = rules.attendance
    g = s.groupby("agent_id")
    summary = pd.DataFrame({
        "name": g["name"].first(), "team": g["team"].first(),
        "scheduled_days": g["judged"].sum().astype("int64"),
        "pending_days": g["pending"].sum().astype("int64"),
        "worked_days": g["worked"].sum().round(2),
        "absent_days": g["absence"].sum().round(2),
        "leave_days": g["leave_taken"].sum().round(2),
    })
    count_kinds = events.groupby(["agent_id", "kind"]).size().unstack(fill_value=0) if not events.empty \
        else pd.DataFrame(index=summary.index)
    for kind, col in (("late", "late_count"), ("early_leave", "early_leave_count"), ("excused_late", "excused_count"),
                      ("missing_punch", "missing_punch_count"), ("feed_gap", "feed_gap_count")):
        summary[col] = count_kinds[kind].reindex(summary.index).fillna(0).astype("int64") if kind in count_kinds \
            else 0
    rule_ids: dict[str, list[str]] = {a: [] for a in summary.index}
    reasons: dict[str, list[str]] = {a: [] for a in summary.index}

    mc = att.monthly_count
    counted = sum(summary[f"{k}_count" if k == "late" else "early_leave_count"] for k in mc.counts)
    summary[mc.consequence] = counted >= mc.at_least
    for a in summary.index[summary[mc.consequence]]:
        rule_ids[a].append(mc.rule_id)
        reasons[a].append(f"{int(counted[a])} lates/early leaves (≥ {mc.at_least}): performance bonus stopped")
    absent = summary["absent_days"].to_dict()  # one lookup per flagged person, not a .at call
    for tier in att.monthly_absence:
        summary[tier.consequence] = summary["absent_days"] >= tier.at_least_days - 1e-9
        for a in summary.index[summary[tier.consequence]]:
            rule_ids[a].append(tier.rule_id)
            reasons[a].append(f"{absent[a]:g} absent day(s) (≥ {tier.at_least_days:g}): "
                              + tier.consequence.replace("_", " "))
    run = consecutive_full_absence(s)
    qa = att.consecutive_absence
    summary[qa.consequence] = run["run"].reindex(summary.index).fillna(0) >= qa.at_least_days
    flagged = summary.index[summary[qa.consequence]]
    runs = run.loc[flagged]  # one lookup for everyone flagged, not two .at calls each
    for a, length, end in zip(flagged, runs["run"].tolist(), runs["run_end"].tolist()):
        rule_ids[a].append(qa.rule_id)
        reasons[a].append(f"{int(length)} consecutive scheduled days absent (≥ {qa.at_least_days}), "
                          f"last {end:%Y-%m-%d}: deemed to have resigned, no wage this month")
    summary["month"] = month
    summary["rule_ids"] = pd.Series({a: ", ".join(v) for a, v in rule_ids.items()})
    summary["explanation"] = pd.Series({a: "; ".join(v) for a, v in reasons.items()})
    return summary


# ----------------------------------------------------------------------------- other rules

def swap_events(swaps: pd.DataFrame | None, roster: pd.DataFrame, lo, hi, rules: Rules) -> pd.DataFrame:
    """ATT-SWAP: swaps with oneself at most N days a month, with others at most M days."""
    if swaps is None or swaps.empty:
        return pd.DataFrame(columns=EVENT_COLUMNS)
    lim = rules.attendance.swaps
    sw = swaps[(swaps["date"] >= lo) & (swaps["date"] < hi)].copy()
    sw["self"] = sw["agent_id"] == sw["with_agent_id"]
    counts = sw.groupby(["agent_id", "self"]).agg(n=("date", "nunique"), last=("date", "max")).reset_index()
    counts["limit"] = np.where(counts["self"], lim.self_max_days, lim.other_max_days)
    over = counts[counts["n"] > counts["limit"]]
    people = roster.set_index("agent_id")
    return pd.DataFrame({
        "agent_id": over["agent_id"], "name": over["agent_id"].map(people["name"]),
        "team": over["agent_id"].map(people["team"]), "date": over["last"],
        "minutes": np.nan, "kind": "swap_limit_exceeded", "rule_id": lim.rule_id,
        "reason": over["n"].astype(str) + " days of shift swap " + np.where(over["self"], "with oneself", "with others")
        + " this month; the limit is " + over["limit"].astype(str),
    }).reindex(columns=EVENT_COLUMNS)


def training_events(s: pd.DataFrame, events: pd.DataFrame, leave: pd.DataFrame, roster: pd.DataFrame,
                    rules: Rules) -> pd.DataFrame:
    """ATT-TRAINING: in pre-job training, any leave, N unexcused lates or more than H hours of
    unexcused absence end the training."""
    tr = rules.attendance.training
    # Both columns are optional in the roster: without them nobody is known to be in training.
    if tr.exam_column not in roster or "grade" not in roster:
        return pd.DataFrame(columns=EVENT_COLUMNS)
    in_training = roster[(roster["grade"] == tr.grade) & (roster[tr.exam_column] == False)]  # noqa: E712
    ids = value_set(in_training["agent_id"]) & value_set(s["agent_id"])
    if not ids:
        return pd.DataFrame(columns=EVENT_COLUMNS)
    sub = s[s["agent_id"].isin(ids)]
    lates = sub[sub["late_kind"].notna() & ~sub["excused"]].groupby("agent_id").size()
    absence_hours = (sub["absence"] * sub["shift_hours"]).groupby(sub["agent_id"]).sum()
    on_leave = set(leave.loc[leave["agent_id"].isin(ids), "agent_id"]) if tr.ends_on_any_leave else set()
    last_day = sub.groupby("agent_id")["date"].max().to_dict()  # one pass, not one scan of `sub` per trainee
    rows = []
    people = roster.set_index("agent_id")
    for a in sorted(ids):
        why = []
        if lates.get(a, 0) >= tr.lates_at_least:
            why.append(f"{lates[a]} unexcused lates (≥ {tr.lates_at_least})")
        if absence_hours.get(a, 0) > tr.absence_hours_above:
            why.append(f"{absence_hours[a]:.1f} h unexcused absence (> {tr.absence_hours_above:g} h)")
        if a in on_leave:
            why.append("took leave during pre-job training")
        if why:
            rows.append({"agent_id": a, "name": people.at[a, "name"], "team": people.at[a, "team"],
                         "date": last_day[a], "minutes": np.nan,
                         "kind": "training_ended", "rule_id": tr.rule_id,
                         "reason": "; ".join(why) + ": pre-job training ends"})
    return pd.DataFrame(rows).reindex(columns=EVENT_COLUMNS)


def team_rates(summary: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """ATT-TEAM-95: worked scheduled days ÷ scheduled days per team, against the target."""
    target = rules.attendance.team_attendance
    g = summary.groupby("team")
    teams = pd.DataFrame({"headcount": g.size(), "scheduled_days": g["scheduled_days"].sum(),
                          "worked_days": g["worked_days"].sum()}).reset_index()
    teams["attendance_rate"] = (teams["worked_days"] / teams["scheduled_days"]).round(4)
    teams["target"] = target.min_rate
    teams["below_target"] = teams["attendance_rate"] < target.min_rate
    teams["rule_id"] = target.rule_id
    return teams.sort_values("attendance_rate").reset_index(drop=True)


# ----------------------------------------------------------------------------- the month

def left_without_exit_date(roster: pd.DataFrame) -> pd.Series:
    """Roster status left (离职) but no exit date: when they left, and so what they are owed, is unknown."""
    if "status" not in roster:
        return pd.Series(False, index=roster.index)
    exit_known = roster["exit_date"].notna() if "exit_date" in roster else pd.Series(False, index=roster.index)
    return (roster["status"].astype("string").eq("left") & ~exit_known).fillna(False).astype(bool)


def inactive_people(roster: pd.DataFrame) -> pd.Series:
    """Roster status standby (待岗), or left (离职) without an exit date: nobody is expected at
    work, so their unpunched shifts are not no-shows (issue 9 §5)."""
    if "status" not in roster:
        return pd.Series(False, index=roster.index)
    standby = roster["status"].astype("string").eq("standby").fillna(False).astype(bool)
    return standby | left_without_exit_date(roster)


def drop_inactive_no_shows(shifts: pd.DataFrame, roster: pd.DataFrame, month: str, issues: list[Issue],
                           roster_file: str) -> pd.DataFrame:
    """Unpunched shifts of inactive people leave the audit, with one warning per person."""
    inactive = roster[inactive_people(roster)].set_index("agent_id")
    unpunched = shifts["sign_in"].isna() & shifts["sign_out"].isna()
    drop = shifts["agent_id"].isin(inactive.index) & unpunched
    for agent_id, n in shifts[drop].groupby("agent_id").size().items():
        status = inactive.at[agent_id, "status"]
        why = "standby" if status == "standby" else "left, without an exit date"
        row = inactive.at[agent_id, "_row"] if "_row" in inactive else None
        issues.append(Issue(roster_file, None, None if pd.isna(row) else int(row), "status", str(status),
                            f"{agent_id} is {why}: {n} scheduled shift(s) without a punch in {month} not audited "
                            "as no-shows; fix the roster or the schedule", "warning"))
    return shifts[~drop].reset_index(drop=True)


def audit_month(month: str, roster: pd.DataFrame, schedule: pd.DataFrame, punches: pd.DataFrame, rules: Rules, *,
                leave: pd.DataFrame | None = None, excusals: pd.DataFrame | None = None,
                swaps: pd.DataFrame | None = None, files: dict[str, str] | None = None,
                as_of: pd.Timestamp | None = None, clock_verdicts: pd.DataFrame | None = None,
                leave_listed: pd.DataFrame | None = None) -> AttendanceResult:
    """The month's audit. `as_of`: shifts ending after it are pending (the commands pass the
    latest punch by default); None judges every shift. `clock_verdicts` (the clock's own verdict
    per person-day) and `leave_listed` (requests not completed and agreed) come from product
    exports (io/layouts); both only inform."""
    files = files or {}
    issues: list[Issue] = []
    lo, hi = month_bounds(month)
    sched_file = files.get("schedule", "schedule")
    shifts = build_shifts(schedule, roster, lo, hi, issues, sched_file)
    # Punches are matched against the month's shifts and a day either side, so a night shift
    # crossing the month boundary keeps its punches and they are not reported as unmatched.
    context = build_shifts(schedule, roster, lo - pd.Timedelta(days=1), hi + pd.Timedelta(days=1), [], sched_file)
    shifts = attach_punches(shifts, punches, rules, issues, files.get("punches", "punches"), period=(lo, hi),
                            context=context)
    del context  # frames of a month's shifts are the audit's memory: each is let go once used
    shifts = drop_inactive_no_shows(shifts, roster, month, issues, files.get("roster", "roster"))
    gaps = feed_gap_days(shifts, punches, rules, as_of)

    if leave is not None and not leave.empty:
        requests, caps = assess_leave(leave, roster, rules, (lo, hi))
    else:
        requests = pd.DataFrame(columns=["request_id", "agent_id", "leave_type", "start", "end", "days", "approved",
                                         "absence_rule_id", "rule_ids", "reason", "required_chain", "approvals",
                                         "verdict", "channel", "documents_complete"])
        caps = pd.DataFrame(columns=["date", "supervisor_id", "people_on_leave", "cap", "over_cap", "request_ids",
                                     "rule_id"])
    by_day = _leave_by_day(requests)
    excusals_ok = excusals
    if excusals is not None:
        bad = check_excusal_scopes(excusals, files.get("excusals", "excusals"))
        issues.extend(bad)
        excusals_ok = excusals[~excusals["_row"].isin([i.row for i in bad])]
    s = classify(shifts, by_day, excused_mask(shifts, excusals_ok), rules, as_of=as_of, gap_days=gaps)
    del shifts  # `s` holds every column of it
    events = shift_events(s, rules)
    summary = summarise(s, events, month, rules)
    corrected = corrected_punches(punches, lo, hi)
    summary["corrections"] = corrected.groupby("agent_id").size().reindex(summary.index).fillna(0).astype("int64")
    extra = [swap_events(swaps, roster, lo, hi, rules), training_events(s, events, requests, roster, rules),
             correction_events(corrected, roster, rules)]
    events = pd.concat([events] + [e for e in extra if not e.empty], ignore_index=True)
    summary = _with_extra_findings(summary, extra)
    training_ids = set(extra[1]["agent_id"]) if not extra[1].empty else set()
    summary["training_ended"] = summary.index.isin(training_ids)
    consequences = ["performance_bonus_stopped", "performance_pay_zero", "all_bonus_zero", "wage_withheld",
                    "deemed_resigned", "training_ended"]
    summary["attention"] = summary[consequences].any(axis=1) | (summary["missing_punch_count"] > 0) \
        | (summary["feed_gap_count"] > 0)
    summary = _say_missing_punches(summary, rules.attendance.missing_punch.rule_id)
    summary = summary.reset_index().rename(columns={"index": "agent_id"})
    order = map_distinct(events["kind"], KIND_ORDER).fillna(len(KIND_ORDER))
    events = events.assign(_order=order).sort_values(["agent_id", "date", "_order"], kind="stable") \
        .drop(columns="_order").reset_index(drop=True)
    teams = team_rates(summary, rules)
    clock = clock_vs_policy(clock_verdicts, s, events) if clock_verdicts is not None else None
    listed = listed_requests(leave_listed, lo, hi)
    if not listed.empty:
        requests = pd.concat([requests, listed.reindex(columns=requests.columns.union(listed.columns, sort=False))],
                             ignore_index=True)
    return AttendanceResult(month, s, summary, events, requests, teams, caps, issues, as_of, gaps, clock=clock)


def _with_extra_findings(summary: pd.DataFrame, extra: list[pd.DataFrame]) -> pd.DataFrame:
    """Each person's rule IDs (each once) and reasons from the swap, training and correction
    findings appended to their summary row: gathered per person in plain Python, then set in
    one assignment per column (an `.at` call per person and finding was most of this step)."""
    ids = dict(zip(summary.index, summary["rule_ids"].tolist()))
    texts = dict(zip(summary.index, summary["explanation"].tolist()))
    changed = False
    for e in extra:
        if e.empty:
            continue
        found: dict = {}
        for a, rule_id, reason in zip(e["agent_id"].tolist(), e["rule_id"].tolist(), e["reason"].tolist()):
            if a in ids:
                rules_of, reasons_of = found.setdefault(a, ({}, []))
                rules_of[rule_id] = None
                reasons_of.append(reason)
        for a, (rules_of, reasons_of) in found.items():
            ids[a] = ", ".join(filter(None, [ids[a], *rules_of]))
            texts[a] = "; ".join(filter(None, [texts[a], *reasons_of]))
            changed = True
    if not changed:
        return summary
    return summary.assign(
        rule_ids=pd.Series([ids[a] for a in summary.index], index=summary.index, dtype=summary["rule_ids"].dtype),
        explanation=pd.Series([texts[a] for a in summary.index], index=summary.index,
                              dtype=summary["explanation"].dtype))


def _leave_by_day(requests: pd.DataFrame) -> pd.DataFrame:
    """Per agent and date: leave fraction, validity, the rule that voids it, times."""
    cols = ["agent_id", "date", "leave_fraction", "leave_valid", "leave_rule", "leave_request", "leave_reason",
            "leave_start", "leave_end"]
    if requests.empty:
        return pd.DataFrame(columns=cols).astype({"date": "datetime64[ns]", "leave_start": "datetime64[ns]",
                                                   "leave_end": "datetime64[ns]", "leave_fraction": float})
    days = leave_days(requests)
    meta = requests.set_index("request_id")
    days["leave_valid"] = days["request_id"].map(meta["approved"]).astype(bool)
    days["leave_rule"] = days["request_id"].map(meta["absence_rule_id"])
    days["leave_reason"] = days["request_id"].map(meta["reason"])
    # Overlapping requests for one day: a valid one wins, then the larger part of the day.
    days = days.sort_values(["agent_id", "date", "leave_valid", "fraction"], ascending=[True, True, False, False])
    days = days.drop_duplicates(["agent_id", "date"], keep="first")
    return days.rename(columns={"fraction": "leave_fraction", "request_id": "leave_request"})[cols]
