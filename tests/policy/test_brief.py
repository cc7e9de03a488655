"""The morning brief (RPT-DAILY) on the samples: figures by hand from the raw call log, the
changes against the day before and a week before, the same numbers as a one-day KPI report,
and the text / markdown lines in English and Chinese."""
from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pandas as pd
import pytest

from cctool.io.inputs import InputSet
from cctool.periods import period_label
from cctool.policy.brief import build_brief, brief_records, compare_days, render_markdown, render_text
from cctool.engine.calls import daily_call_metrics
from cctool.policy.kpi import call_windows, compute_kpi

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
DAY = dt.date(2026, 8, 3)  # a Monday: compared with Sunday 08-02 and Monday 07-27 (the month before)


@pytest.fixture(scope="module")
def loaded():
    from cctool.rules import load_rules

    rules = load_rules().rules
    inputs = InputSet(rules)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frames = {name: inputs.load(name, SAMPLES / f) for name, f in (
            ("roster", "roster.xlsx"), ("schedule", "schedule.csv"), ("punches", "punches.csv"))}
    return rules, frames


def _daily(rules, frames, lo, hi):
    windows = call_windows(frames["schedule"], frames["roster"], lo, hi, rules)
    return daily_call_metrics(SAMPLES / "calls.parquet", lo, hi, set(frames["roster"]["agent_id"]), windows=windows)[0]


@pytest.fixture(scope="module")
def brief(loaded):
    rules, frames = loaded
    day, _, week_before = compare_days(DAY)
    daily = _daily(rules, frames, week_before, day + pd.Timedelta(days=1))
    return build_brief(day, frames["roster"], daily, rules, schedule=frames["schedule"], punches=frames["punches"])


def test_centre_and_team_calls_by_hand(brief):
    roster = pd.read_excel(SAMPLES / "roster.xlsx", engine="openpyxl")
    agents = roster[roster["岗位"] == "agent"].set_index("工号")["班组"]
    calls = pd.read_parquet(SAMPLES / "calls.parquet")
    calls = calls[calls["agent_id"].isin(agents.index)]
    calls["day"] = calls["start_time"].dt.normalize()
    calls["team"] = calls["agent_id"].map(agents)
    f = brief.figures.set_index("scope")

    def count(day, team=None):
        c = calls[calls["day"] == day]
        return len(c if team is None else c[c["team"] == team])

    assert list(brief.figures["scope"])[0] == "centre"
    assert f.loc["centre", "calls"] == count("2026-08-03")
    assert f.loc["centre", "calls_prev_day"] == count("2026-08-02")
    assert f.loc["centre", "calls_prev_week"] == count("2026-07-27")
    assert f.loc["TSR-1", "calls"] == count("2026-08-03", "TSR-1")
    change = (count("2026-08-03") - count("2026-07-27")) / count("2026-07-27")
    assert f.loc["centre", "calls_change_prev_week"] == pytest.approx(change)
    sr_now = f.loc["TSR-3", "successes"] / f.loc["TSR-3", "connected"]
    sr_then = f.loc["TSR-3", "successes_prev_day"] / f.loc["TSR-3", "connected_prev_day"]
    assert f.loc["TSR-3", "success_rate_change_prev_day"] == pytest.approx(sr_now - sr_then)
    assert f.loc["centre", "scheduled"] == f.drop(index="centre")["scheduled"].sum()
    assert (brief.figures["rule_id"] == "RPT-DAILY").all()


def test_brief_day_equals_one_day_kpi_report(brief, loaded):
    rules, frames = loaded
    lo, hi = pd.Timestamp(DAY), pd.Timestamp(DAY) + pd.Timedelta(days=1)
    day = compute_kpi("day", lo, hi, period_label("day", DAY), frames["roster"], _daily(rules, frames, lo, hi), rules,
                      schedule=frames["schedule"], punches=frames["punches"])
    teams = day.teams.set_index("team")
    f = brief.figures.set_index("scope")
    for team in teams.index:
        for col in ("calls", "successes", "scheduled", "present", "late", "absent_days"):
            assert f.loc[team, col] == teams.loc[team, col], (team, col)
        assert f.loc[team, "hours"] == pytest.approx(teams.loc[team, "hours"], abs=0.01)


def test_text_lines_english_and_chinese(brief):
    en = render_text(brief, "en").splitlines()
    teams = len(brief.figures) - 1
    assert len(en) == 1 + 1 + teams + 1
    assert en[0] == "Daily brief 2026-08-03 (Mon) [RPT-DAILY]"
    calls = int(brief.figures.iloc[0]["calls"])
    assert en[1].startswith(f"Centre: calls {calls} (")
    assert "CSR-1: no calls; present" in render_text(brief, "en")
    assert en[-1] == "Changes vs 08-02 (Sun) / vs 07-27 (Mon)."
    zh = render_text(brief, "zh").splitlines()
    assert zh[0] == "运营日报 2026-08-03（周一）[RPT-DAILY]"
    assert zh[1].startswith(f"全中心：呼叫{calls}（") and "个百分点" in zh[1] and "迟到" in zh[1]
    assert "较上周同日 07-27（周一）" in zh[-1]
    assert all(len(line) < 160 for line in zh)  # fit for a chat message


def test_markdown_table_and_json_records(brief):
    md = render_markdown(brief, "en").splitlines()
    header = next(i for i, line in enumerate(md) if line.startswith("| Team"))
    assert md[header + 1].startswith("|---|")
    rows = [line for line in md[header + 2:] if line.startswith("|")]
    assert len(rows) == len(brief.figures) and rows[0].startswith("| **Centre**")
    recs = brief_records(brief)
    assert recs[0]["scope"] == "centre" and recs[0]["date"] == "2026-08-03"
    assert isinstance(recs[0]["calls"], int) and recs[1]["success_rate"] is None  # CSR-1: no calls


def test_a_change_that_rounds_to_zero_never_shows_a_minus_sign():
    from cctool.policy.brief import _signed

    assert _signed(-0.04, ".1f", "n/a") == "+0.0"
    assert _signed(-0.0004, ".1f", "n/a", 100, "%") == "+0.0%"
    assert _signed(-0.06, ".1f", "n/a") == "-0.1"
