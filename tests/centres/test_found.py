"""Regression tests for what the generated centres of test_every_command.py found, each with
the minimal data hypothesis shrank it to, written out by hand.

A test marked xfail falls in an area another branch is fixing (issue 9, named in the reason):
the generator keeps that shape out (`KNOWN_GAPS` in strategies.py) until the fix is on main.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cctool.cli.main import app

runner = CliRunner()
ROSTER = """agent_id,name,team,role,department,hire_date
E101,Li Wei,TSR-1,agent,operations,2024-01-01
"""
SCHEDULE = """agent_id,date,shift_start,shift_end
E101,2026-03-02,09:00,18:00
"""
RAW_PUNCHES = """agent_id,time,direction
E101,2026-03-02 08:55,in
E101,2026-03-02 18:05,out
"""
PAIRED_PUNCHES = """agent_id,date,sign_in,sign_out
E101,2026-03-02,08:55,18:05
"""
CALLS = """call_id,agent_id,start_time,duration_s,connected,success
C1,E101,2026-03-02 10:00:00,60,true,true
"""
KPI = """agent_id,month,kpi_score
E101,2026-03,90
"""


def write(folder: Path, **tables: str) -> dict[str, Path]:
    paths = {}
    for name, text in tables.items():
        paths[name] = folder / f"{name}.csv"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def invoke(*args) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args], catch_exceptions=True)
    return result.exit_code, result.output


def audit(tmp_path: Path, month: str = "2026-03", as_of: str = "2026-04-01 00:00", **tables: str) -> dict:
    p = write(tmp_path, **{"roster": ROSTER, "schedule": SCHEDULE, "punches": PAIRED_PUNCHES, **tables})
    args = ["attendance-audit", "--month", month, "--roster", p.pop("roster"), "--schedule", p.pop("schedule"),
            "--punches", p.pop("punches"), "--out", tmp_path / "a.xlsx", "--json", tmp_path / "a.json",
            "--as-of", as_of]  # the month is over: every shift is judged
    for name, path in p.items():
        args += [f"--{name}", path]
    code, output = invoke(*args)
    assert code == 0, output
    return json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- fixed on this branch

def test_roster_without_grade_column_audits(tmp_path):
    """`grade` is optional: ATT-TRAINING needs it to know who is in training, and without it
    nobody is (was: KeyError 'grade', exit 1)."""
    roster = "agent_id,name,team,role,department,hire_date,new_hire_exam_passed\n" \
             "E101,Li Wei,TSR-1,agent,operations,2024-01-01,no\n"
    doc = audit(tmp_path, roster=roster)
    assert [r["agent_id"] for r in doc["records"]] == ["E101"]
    assert doc["records"][0]["worked_days"] == 1


def test_roster_without_grade_column_pays(tmp_path):
    """Without a grade the agent's base pay is unknown (0, explained), never a crash (was:
    AttributeError on `grade`, exit 1)."""
    p = write(tmp_path, roster=ROSTER, schedule=SCHEDULE, punches=PAIRED_PUNCHES)
    code, output = invoke("monthly-payroll", "--month", "2026-03", "--roster", p["roster"], "--schedule",
                          p["schedule"], "--punches", p["punches"], "--out", tmp_path / "p.xlsx",
                          "--json", tmp_path / "p.json")
    assert code == 0, output
    rec = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))["records"][0]
    assert rec["agent_id"] == "E101" and rec["base_pay"] == 0
    assert "no base pay set for agent" in rec["explanation"]


@pytest.mark.parametrize("command", ["grade-agents", "kpi-report", "daily-brief"])
def test_raw_punches_give_signed_in_hours(tmp_path, command):
    """Raw in/out events read from a file have nullable string columns; pairing them for hours
    crashed (cumsum on Arrow booleans, exit 1) in every command that counts signed-in hours."""
    p = write(tmp_path, roster=ROSTER, punches=RAW_PUNCHES, calls=CALLS, kpi=KPI)
    common = ["--roster", p["roster"], "--calls", p["calls"], "--punches", p["punches"]]
    if command == "grade-agents":
        # one day of calls is not the quarter (coverage): graded anyway, marked partial
        args = ["grade-agents", "--quarter", "2026Q1", *common, "--kpi", p["kpi"], "--out", tmp_path / "g.xlsx",
                "--json", tmp_path / "out.json", "--allow-partial"]
    elif command == "kpi-report":
        args = ["kpi-report", "--period", "day", "--date", "2026-03-02", *common, "--out", tmp_path / "k.xlsx",
                "--json", tmp_path / "out.json"]
    else:
        args = ["daily-brief", "--date", "2026-03-02", *common, "--format", "json", "--out", tmp_path / "out.json"]
    code, output = invoke(*args)
    assert code == 0, output
    doc = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    hours = [r.get("hours") for r in doc["records"] if r.get("agent_id") == "E101"]
    if command != "daily-brief":
        assert hours and abs(hours[0] - (9 + 10 / 60)) < 0.01, doc["records"]


# ----------------------------------------------------------------------------- other branches' areas

def test_supervisor_without_team_approves_leave(tmp_path):
    """Staff above the team lead carry no team; their approvals count (issue 9 §1). A 2-day leave
    needs team lead then supervisor (LV-SHORT-2); the supervisor and director have no team."""
    roster = ("agent_id,name,team,role,department,reports_to,hire_date\n"
              "D1,Zhao,,director,operations,,2020-01-01\n"
              "S1,Qian,,supervisor,operations,D1,2021-01-01\n"
              "T1,Sun,TSR-1,team_lead,operations,S1,2022-01-01\n"
              "E101,Li Wei,TSR-1,agent,operations,T1,2024-01-01\n")
    leave = ("request_id,agent_id,leave_type,start,end,approvals,documents_complete\n"
             "L1,E101,annual,2026-03-02,2026-03-03,T1;S1,yes\n")
    # A third, worked day: a punch file with no punch in the month would stop the run (coverage).
    schedule = SCHEDULE + "E101,2026-03-03,09:00,18:00\nE101,2026-03-04,09:00,18:00\n"
    punches = "agent_id,date,sign_in,sign_out\nE101,2026-03-04,08:55,18:05\n"
    doc = audit(tmp_path, roster=roster, schedule=schedule, punches=punches, leave=leave)
    assert not [i for i in doc["issues"] if i["severity"] == "error"], doc["issues"]
    assert doc["leave"][0]["approved"] is True, doc["leave"]
    e101 = next(r for r in doc["records"] if r["agent_id"] == "E101")
    assert (e101["leave_days"], e101["absent_days"], e101["worked_days"]) == (2.0, 0.0, 1.0)


def test_excusals_all_scope_only(tmp_path):
    late = "agent_id,date,sign_in,sign_out\nE101,2026-03-02,09:20,18:05\n"
    doc = audit(tmp_path, punches=late, excusals="date,scope,reason\n2026-03-02,all,typhoon\n")
    assert [e["kind"] for e in doc["events"]] == ["excused_late"]


@pytest.mark.parametrize("command", ["kpi-report", "daily-brief", "grade-agents"])
def test_hours_on_a_day_without_shifts(tmp_path, command):
    """The schedule and punches cover 2 March; the period also holds days (or is a quarter) with
    neither. The minimal case the generator shrank to: one agent, one shift, one day off."""
    p = write(tmp_path, roster=ROSTER, schedule=SCHEDULE, punches=PAIRED_PUNCHES, calls=CALLS, kpi=KPI)
    common = ["--roster", p["roster"], "--calls", p["calls"], "--punches", p["punches"], "--schedule", p["schedule"]]
    if command == "kpi-report":
        args = ["kpi-report", "--period", "week", "--date", "2026-03-02", *common, "--out", tmp_path / "k.xlsx"]
    elif command == "daily-brief":
        args = ["daily-brief", "--date", "2026-03-02", *common, "--format", "json"]
    else:
        args = ["grade-agents", "--quarter", "2026Q2", *common, "--kpi", p["kpi"], "--out", tmp_path / "g.xlsx"]
    code, output = invoke(*args)
    assert code in (0, 3), output
    if code == 3:
        assert "2026" in output and ("no " in output or "cover" in output), output



def test_headcount_joiner_on_the_first_is_not_also_in_the_start(tmp_path):
    """start + joiners − leavers ± transfers = end, per team: someone hired on the 1st was counted
    in the start and as a joiner (start 2 + 1 joiner, end 2)."""
    roster = ("agent_id,name,team,role,department,hire_date,exit_date\n"
              "E101,Li Wei,TSR-1,agent,operations,2024-01-01,\n"
              "E102,Wang,TSR-1,agent,operations,2026-03-01,\n"
              "E103,Chen,TSR-1,agent,operations,2025-05-01,2026-03-01\n"
              "E104,Zhou,TSR-1,agent,operations,2025-05-01,2026-02-28\n")
    p = write(tmp_path, roster=roster)
    code, output = invoke("headcount", "--month", "2026-03", "--roster", p["roster"], "--out", tmp_path / "h.xlsx",
                          "--json", tmp_path / "h.json")
    assert code == 0, output
    team = json.loads((tmp_path / "h.json").read_text(encoding="utf-8"))["records"][0]
    # E104 left on the eve of the month: not in the start. E103 leaves on the 1st: start and leaver.
    assert (team["start"], team["joiners"], team["leavers"], team["end"]) == (2, 1, 1, 2)


def test_raw_punches_without_events_in_a_month_without_shifts(tmp_path):
    p = write(tmp_path, roster=ROSTER, schedule="agent_id,date,shift_start,shift_end\n",
              punches="agent_id,time,direction\n")
    code, output = invoke("attendance-audit", "--month", "2026-03", "--roster", p["roster"], "--schedule",
                          p["schedule"], "--punches", p["punches"], "--out", tmp_path / "a.xlsx")
    assert code == 3 and "2026-03" in output, output


def test_half_day_leave_then_leaving_early_is_half_a_day_absent(tmp_path):
    """Morning on approved half-day leave, then 60 min early out of the afternoon: ATT-EARLY-FULL
    can take only the half day that was left (was: absent 1.0 + leave 0.5 on one scheduled day)."""
    roster = ("agent_id,name,team,role,department,reports_to,hire_date\n"
              "T1,Lead,TSR-1,team_lead,operations,,2020-01-01\n"
              "E101,Li Wei,TSR-1,agent,operations,T1,2024-01-01\n")
    leave = ("request_id,agent_id,leave_type,start,end,channel,documents_complete,approvals\n"
             "L1,E101,annual,2026-03-02 09:00,2026-03-02 13:00,form,yes,T1\n")
    punches = "agent_id,date,sign_in,sign_out\nE101,2026-03-02,13:00,17:00\n"
    doc = audit(tmp_path, roster=roster, punches=punches, leave=leave)
    rec = doc["records"][0]
    assert doc["leave"][0]["approved"] is True
    assert (rec["worked_days"], rec["absent_days"], rec["leave_days"]) == (0, 0.5, 0.5)
    assert not rec["performance_pay_zero"]
