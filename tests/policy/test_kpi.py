"""kpi-report policy (RPT-KPI): periods, per-day call attribution (night shifts), grade targets at
their boundaries, and one team's week across a month boundary checked by hand from the raw files."""
from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pandas as pd
import pytest

from cctool.errors import CctoolError
from cctool.io.inputs import InputSet
from cctool.periods import parse_date, period_bounds, period_label
from cctool.engine.calls import daily_call_metrics
from cctool.policy.kpi import apply_targets, call_windows, compute_kpi, rank_teams

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


# ----------------------------------------------------------------------------- periods

def test_parse_date_and_yesterday():
    assert parse_date("2026-10-14") == dt.date(2026, 10, 14)
    assert parse_date("2026/8/1") == dt.date(2026, 8, 1)
    assert parse_date("yesterday", today=dt.date(2026, 3, 1)) == dt.date(2026, 2, 28)
    for bad in ("2026-02-30", "14.10.2026", "last"):
        with pytest.raises(CctoolError):
            parse_date(bad)


def test_period_bounds_week_is_monday_to_sunday_across_months():
    assert period_bounds("week", dt.date(2026, 8, 1)) == (dt.date(2026, 7, 27), dt.date(2026, 8, 3))
    assert period_bounds("week", dt.date(2026, 7, 27)) == (dt.date(2026, 7, 27), dt.date(2026, 8, 3))
    assert period_bounds("month", dt.date(2026, 12, 31)) == (dt.date(2026, 12, 1), dt.date(2027, 1, 1))
    assert period_bounds("day", dt.date(2026, 8, 1)) == (dt.date(2026, 8, 1), dt.date(2026, 8, 2))
    assert period_label("week", dt.date(2026, 8, 1)) == "2026-W31 (2026-07-27..2026-08-02)"
    with pytest.raises(CctoolError):
        period_bounds("quarter", dt.date(2026, 8, 1))


# ----------------------------------------------------------------------------- night shifts

def _calls_csv(path: Path, rows: list[tuple]) -> Path:
    frame = pd.DataFrame(rows, columns=["call_id", "agent_id", "start_time", "duration_s", "connected", "success"])
    frame.to_csv(path, index=False)
    return path


def test_night_shift_calls_count_on_the_shift_day(tmp_path, rules, org_roster):
    calls = _calls_csv(tmp_path / "calls.csv", [
        (1, "E1", "2026-07-31 23:30:00", 60, "true", "false"),  # shift of 07-31: before the period
        (2, "E1", "2026-08-01 02:00:00", 60, "true", "true"),  # still the 07-31 night shift
        (3, "E1", "2026-08-01 22:10:00", 60, "true", "true"),  # the 08-01 night shift
        (4, "E1", "2026-08-02 05:59:00", 60, "false", "false"),  # the 08-01 night shift, after midnight
        (5, "E2", "2026-08-01 12:00:00", 60, "true", "false"),  # no shift: calendar date
    ])
    schedule = pd.DataFrame({"agent_id": ["E1", "E1"], "date": pd.to_datetime(["2026-07-31", "2026-08-01"]),
                             "shift_start": [22 * 3600, 22 * 3600], "shift_end": [6 * 3600, 6 * 3600],
                             "_row": [2, 3]})
    lo, hi = pd.Timestamp("2026-08-01"), pd.Timestamp("2026-08-02")
    windows = call_windows(schedule, org_roster, lo, hi, rules)
    daily, issues = daily_call_metrics(calls, lo, hi, {"E1", "E2"}, windows=windows)
    got = {(r.agent_id, f"{r.date:%m-%d}"): (r.calls, r.connected, r.successes) for r in daily.itertuples()}
    assert got == {("E1", "08-01"): (2, 1, 1), ("E2", "08-01"): (1, 1, 0)}
    assert any("2 call record(s) of roster agents outside the period" in i.problem for i in issues)
    # Without a schedule every call counts on its calendar date.
    plain, _ = daily_call_metrics(calls, lo, hi, {"E1", "E2"})
    assert plain.set_index("agent_id")["calls"].to_dict() == {"E1": 2, "E2": 1}


# ----------------------------------------------------------------------------- targets

def test_grade_targets_at_their_boundaries(rules):
    g = rules.grading
    b = next(r for r in g.grades if r.grade == "B")
    cph_t = next(c.value for c in b.criteria if c.metric == "cph")
    sr_t = next(c.value for c in b.criteria if c.metric == "success_rate")
    frame = pd.DataFrame({
        "agent_id": ["at", "under", "over", "csr", "nodata"], "line": ["TSR", "TSR", "TSR", "CSR", "TSR"],
        "grade": ["B", "B", "B", "B", "B"], "cph": [cph_t, cph_t - 0.001, cph_t + 1, 30.0, float("nan")],
        "success_rate": [sr_t, sr_t, sr_t - 0.0001, 0.9, float("nan")], "kpi_score": [float("nan")] * 5})
    out = apply_targets(frame.copy(), g, with_kpi=False).set_index("agent_id")  # a day or a week: no KPI target
    assert out.loc["at", "cph_met"] and out.loc["at", "success_met"] and out.loc["at", "targets_met"]
    assert not out.loc["under", "cph_met"] and out.loc["under", "cph_gap"] == pytest.approx(-0.001)
    assert out.loc["over", "cph_met"] and not out.loc["over", "success_met"] and not out.loc["over", "targets_met"]
    assert out.loc["at", "target_rule"] == b.rule_id
    assert pd.isna(out.loc["csr", "target_rule"]) and pd.isna(out.loc["csr", "targets_met"])
    assert pd.isna(out.loc["nodata", "cph_met"]) and pd.isna(out.loc["nodata", "targets_met"])


def test_a_target_is_met_only_when_its_value_is_known(rules):
    """Issue 9 §5: unknown is unknown, never met; one known miss is a miss."""
    g = rules.grading
    b = next(r for r in g.grades if r.grade == "B")
    cph_t = next(c.value for c in b.criteria if c.metric == "cph")
    sr_t = next(c.value for c in b.criteria if c.metric == "success_rate")
    frame = pd.DataFrame({
        "agent_id": ["kpi_unknown", "cph_unknown", "miss_and_unknown", "all_known"], "line": "TSR", "grade": "B",
        "cph": [cph_t, float("nan"), cph_t - 1, cph_t], "success_rate": [sr_t, sr_t, float("nan"), sr_t],
        "kpi_score": [float("nan"), 99.0, 99.0, 99.0]})
    out = apply_targets(frame, g, with_kpi=True).set_index("agent_id")  # a month: the KPI score is a target
    assert pd.isna(out.loc["kpi_unknown", "targets_met"]) and pd.isna(out.loc["cph_unknown", "targets_met"])
    assert out.loc["miss_and_unknown", "targets_met"] is False or not out.loc["miss_and_unknown", "targets_met"]
    assert out.loc["all_known", "targets_met"]
    assert out["targets_met"].eq(True).sum() == 1


def test_teams_ranked_by_share_meeting_targets_then_success_rate():
    t = pd.DataFrame({"team": ["A", "B", "C", "CSR"], "agents": 3, "targets_met_share": [0.5, 0.5, 0.9, float("nan")],
                      "success_rate": [0.60, 0.62, 0.50, 0.9], "cph": [10.0, 9.0, 8.0, 20.0]})
    for col in ("calls", "connected", "successes", "hours", "cph_calls", "cph_hours", "talk_s", "aht_s", "offered", "answered", "abandoned",
                "abandon_rate", "scheduled", "present", "late", "early_leave", "absent_days", "with_targets", "cph_met_count", "success_met_count", "targets_met_count", "rule_ids"):
        t[col] = 0
    ranked = rank_teams(t, None)
    assert list(ranked["team"]) == ["C", "B", "A", "CSR"] and list(ranked["rank"]) == [1, 2, 3, 4]



def test_a_period_without_calls_ranks_no_team():
    t = pd.DataFrame({"team": ["A", "B"], "agents": 3, "targets_met_share": [float("nan")] * 2,
                      "success_rate": [float("nan")] * 2, "cph": [float("nan")] * 2})
    for col in ("calls", "connected", "successes", "hours", "cph_calls", "cph_hours", "scheduled", "present", "late", "early_leave",
                "absent_days", "with_targets", "cph_met_count", "success_met_count", "targets_met_count", "rule_ids",
                "talk_s", "offered", "answered", "abandoned"):
        t[col] = 0
    t["aht_s"] = t["abandon_rate"] = float("nan")
    assert rank_teams(t, None)["rank"].isna().all()


# ----------------------------------------------------------------------------- samples, by hand

@pytest.fixture(scope="module")
def sample_inputs():
    from cctool.rules import load_rules

    rules = load_rules().rules
    inputs = InputSet(rules)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frames = {name: inputs.load(name, SAMPLES / f) for name, f in (
            ("roster", "roster.xlsx"), ("schedule", "schedule.csv"), ("punches", "punches.csv"), ("kpi", "kpi.csv"))}
    return rules, frames


def _kpi(rules, frames, period, day):
    lo, hi = (pd.Timestamp(d) for d in period_bounds(period, day))
    windows = call_windows(frames["schedule"], frames["roster"], lo, hi, rules)
    daily, _ = daily_call_metrics(SAMPLES / "calls.parquet", lo, hi, set(frames["roster"]["agent_id"]), windows=windows)
    return compute_kpi(period, lo, hi, period_label(period, day), frames["roster"], daily, rules,
                       schedule=frames["schedule"], punches=frames["punches"], kpi=frames["kpi"])


@pytest.fixture(scope="module")
def week(sample_inputs):
    rules, frames = sample_inputs
    return _kpi(rules, frames, "week", dt.date(2026, 8, 1))


def test_week_across_month_boundary_matches_raw_files(week):
    # TSR-2 works day shifts: its calls are those of the calendar days 2026-07-27..08-02.
    roster = pd.read_excel(SAMPLES / "roster.xlsx", engine="openpyxl")
    team = set(roster.loc[(roster["班组"] == "TSR-2") & (roster["岗位"] == "agent"), "工号"])
    calls = pd.read_parquet(SAMPLES / "calls.parquet")
    calls = calls[calls["agent_id"].isin(team) & (calls["start_time"] >= "2026-07-27")
                  & (calls["start_time"] < "2026-08-03")]
    punches = pd.read_csv(SAMPLES / "punches.csv", encoding="gb18030", parse_dates=["签入", "签出", "日期"])
    punches = punches[punches["工号"].isin(team) & (punches["日期"] >= "2026-07-27") & (punches["日期"] < "2026-08-03")]
    hours = (punches["签出"] - punches["签入"]).dt.total_seconds().sum() / 3600

    row = week.teams.set_index("team").loc["TSR-2"]
    assert row["calls"] == len(calls)
    assert row["connected"] == int(calls["connected"].sum()) and row["successes"] == int(calls["success"].sum())
    assert row["hours"] == pytest.approx(hours, abs=0.01)
    assert row["cph"] == pytest.approx(len(calls) / hours)
    assert row["success_rate"] == pytest.approx(calls["success"].sum() / calls["connected"].sum())
    # Both months' days are in the trend, and the trend adds up to the team's figures.
    trend = week.trend[week.trend["team"] == "TSR-2"]
    assert list(trend["date"].dt.strftime("%m-%d")) == ["07-27", "07-28", "07-29", "07-30", "07-31", "08-01", "08-02"]
    assert trend["calls"].sum() == row["calls"] and trend["hours"].sum() == pytest.approx(row["hours"], abs=0.05)


def test_night_shift_team_attendance_counts_shifts_by_start_day(week):
    roster = pd.read_excel(SAMPLES / "roster.xlsx", engine="openpyxl")
    team = set(roster.loc[(roster["班组"] == "CSR-1") & (roster["岗位"] == "agent"), "工号"])
    sched = pd.read_csv(SAMPLES / "schedule.csv", encoding="utf-8-sig", parse_dates=["日期"])
    rows = sched[sched["工号"].isin(team) & (sched["日期"] >= "2026-07-27") & (sched["日期"] < "2026-08-03")]
    assert (rows["上班时间"] == "22:00").all()
    csr = week.teams.set_index("team").loc["CSR-1"]
    assert csr["scheduled"] == len(rows)
    punches = pd.read_csv(SAMPLES / "punches.csv", encoding="gb18030", parse_dates=["日期"])
    punched = punches[punches["工号"].isin(team) & (punches["日期"] >= "2026-07-27") & (punches["日期"] < "2026-08-03")]
    on_shift = punched.merge(rows, on=["工号", "日期"])
    assert csr["present"] == len(on_shift)
    # A night shift's hours (22:00 to 06:00) are whole: about 8 per present shift, not split at midnight.
    assert csr["hours"] / csr["present"] == pytest.approx(8.1, abs=0.4)


def test_agent_rows_carry_rule_ids_targets_and_the_period(week):
    a = week.agents.set_index("agent_id")
    tsr = a[a["line"] == "TSR"]
    assert (tsr["rule_ids"].str.startswith("RPT-KPI, GRD-")).all()
    assert (a[a["line"] == "CSR"]["rule_ids"] == "RPT-KPI").all()
    assert set(a["period"]) == {"2026-W31 (2026-07-27..2026-08-02)"}
    assert a["kpi_score"].isna().all()  # monthly scores: month periods only
    # CSR-1 made no calls in the samples: nothing known to rank it on (issue 9 §5).
    assert week.teams["rank"].tolist()[:3] == [1, 2, 3] and pd.isna(week.teams["rank"].iloc[3])
    assert week.centre["calls"].iloc[0] == week.teams["calls"].sum()


def test_month_has_kpi_scores_and_a_trend_per_day(sample_inputs):
    rules, frames = sample_inputs
    month = _kpi(rules, frames, "month", dt.date(2026, 8, 14))
    kpi = pd.read_csv(SAMPLES / "kpi.csv")
    aug = kpi[kpi["month"] == "2026-08"].set_index("agent_id")["kpi_score"]
    got = month.agents.set_index("agent_id")["kpi_score"].dropna()
    assert len(got) > 0 and (got == aug.reindex(got.index)).all()
    assert month.trend["date"].nunique() == 31
    assert month.trend.groupby("team")["calls"].sum().to_dict() == month.teams.set_index("team")["calls"].to_dict()
