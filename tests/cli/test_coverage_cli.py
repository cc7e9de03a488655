"""Issue 9 §1, §3, §4, §5 end to end: a small hand-made centre written as CSV exports, each
case run through the CLI, the workbook and JSON read back.

The centre: team TSR-1 with agents A1, A2, A3 (day shifts 09:00–18:00, Thu 1 and Fri 2 and
Mon 5 October 2026; the weekend is rest). Each test writes the files it needs."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cctool.cli.main import app

runner = CliRunner()
AGENTS = ("A1", "A2", "A3")
DAYS = ("2026-10-01", "2026-10-02", "2026-10-05")


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def write(folder: Path, name: str, header: str, rows: list[str]) -> Path:
    path = folder / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def roster(folder: Path, extra: list[str] = ()) -> Path:
    rows = ["L1,Lead,TSR-1,team_lead,,operations,,,2024-01-01,,active"]
    rows += [f"{a},Agent {a},TSR-1,agent,TSR,operations,B,L1,2024-01-01,,active" for a in AGENTS]
    return write(folder, "roster.csv", "agent_id,name,team,role,line,department,grade,reports_to,hire_date,exit_date,"
                 "status", [*rows, *extra])


def schedule(folder: Path, days=DAYS, agents=AGENTS, extra: list[str] = ()) -> Path:
    rows = [f"{a},{d},09:00,18:00" for d in days for a in agents]
    return write(folder, "schedule.csv", "agent_id,date,shift_start,shift_end", [*rows, *extra])


def punches(folder: Path, days=DAYS, agents=AGENTS, skip=()) -> Path:
    rows = [f"{a},{d},{d} 08:55:00,{d} 18:02:00" for d in days for a in agents if (a, d) not in skip]
    return write(folder, "punches.csv", "agent_id,date,sign_in,sign_out", rows)


def events(folder: Path, rows: list[str]) -> Path:
    return write(folder, "events.csv", "agent_id,time,direction", rows)


def calls(folder: Path, days=DAYS, all_succeed=False) -> Path:
    rows, n = [], 0
    for d in days:
        for a in AGENTS:
            for h in range(9, 17):
                n += 1
                rows.append(f"C{n},{a},{d} {h:02d}:10:00,120,true,{'true' if h % 2 or all_succeed else 'false'}")
    return write(folder, "calls.csv", "call_id,agent_id,start_time,duration_s,connected,success", rows)


def kpi(folder: Path) -> Path:
    return write(folder, "kpi.csv", "agent_id,month,kpi_score", [f"{a},2026-{m},90" for a in AGENTS
                                                                  for m in ("10", "11", "12")])


def audit(folder: Path, month="2026-10", *extra, roster_path=None, schedule_path=None, punches_path=None):
    return invoke("attendance-audit", "--month", month, "--roster", roster_path or roster(folder),
                  "--schedule", schedule_path or schedule(folder), "--punches", punches_path or punches(folder),
                  "--out", folder / "audit.xlsx", "--json", folder / "audit.json", *extra)


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def first_cell(book_path: Path) -> str:
    book = openpyxl.load_workbook(book_path)
    return book[book.sheetnames[0]]["A1"].value


# ----------------------------------------------------------------------------- §1 crashes

def test_excusals_whose_every_scope_is_all(tmp_path):
    """One typhoon day: every scope `all`, so the target column is all-missing."""
    p = punches(tmp_path, skip={("A1", "2026-10-01")})
    with p.open("a", encoding="utf-8") as fh:
        fh.write("A1,2026-10-01,2026-10-01 09:40:00,2026-10-01 18:00:00\n")
    exc = write(tmp_path, "excusals.csv", "date,scope,reason", ["2026-10-01,all,台风", "2026-10-01,ALL ,typhoon"])
    result = audit(tmp_path, "2026-10", "--excusals", exc, punches_path=p)
    assert result.exit_code == 0, result.output
    doc = read_json(tmp_path / "audit.json")
    assert [(e["agent_id"], e["kind"], e["rule_id"]) for e in doc["events"]] == [("A1", "excused_late", "ATT-EXCUSE")]
    a1 = next(r for r in doc["records"] if r["agent_id"] == "A1")
    assert a1["absent_days"] == 0 and a1["late_count"] == 0


@pytest.mark.parametrize("command", ["kpi-report", "daily-brief", "grade-agents"])
def test_a_period_without_shifts_does_not_crash(tmp_path, command):
    """A weekend (inside the exports: covered, nothing scheduled) and a future period (not covered:
    exit 3, and with --allow-partial a report) both run without an internal error."""
    r, s, p, c, k = roster(tmp_path), schedule(tmp_path), punches(tmp_path), calls(tmp_path), kpi(tmp_path)
    common = ["--roster", r, "--calls", c, "--schedule", s, "--punches", p]
    if command == "kpi-report":
        weekend = invoke(command, "--period", "day", "--date", "2026-10-04", *common, "--out", tmp_path / "k.xlsx",
                         "--json", tmp_path / "k.json")
        assert weekend.exit_code == 0, weekend.output
        doc = read_json(tmp_path / "k.json")
        assert all(t["rank"] is None for t in doc["teams"])  # a day without calls names no top team
        assert "no team ranked" in weekend.output
        future = [command, "--period", "week", "--date", "2026-12-09", *common, "--out", tmp_path / "f.xlsx"]
    elif command == "daily-brief":
        weekend = invoke(command, "--date", "2026-10-04", *common)
        assert weekend.exit_code == 0, weekend.output
        future = [command, "--date", "2026-12-06", *common]
    else:
        future = [command, "--quarter", "2027Q1", *common, "--kpi", k, "--out", tmp_path / "g.xlsx"]
    stopped = invoke(*future)
    assert stopped.exit_code == 3, stopped.output
    assert "schedule.csv has no shift in" in stopped.output and "(it covers 2026-10-01 … 2026-10-05)" in stopped.output
    partial = invoke(*future, "--allow-partial")
    assert partial.exit_code == 0, partial.output
    assert "PARTIAL REPORT" in partial.output
    if command == "daily-brief":  # the brief itself opens with the banner (it may be piped to chat)
        assert partial.stdout.startswith("PARTIAL REPORT (--allow-partial): schedule.csv has no shift in 2026-12-06")


# ----------------------------------------------------------------------------- §3 coverage

def test_a_month_the_exports_do_not_cover_stops_with_exit_3_and_no_report(tmp_path):
    result = audit(tmp_path, "2026-11", "--fail-on", "findings")
    assert result.exit_code == 3, result.output
    assert "schedule.csv has no shift in 2026-11 (it covers 2026-10-01 … 2026-10-05)" in result.output
    assert "punches.csv has no punch in 2026-11" in result.output
    assert not (tmp_path / "audit.xlsx").exists() and not (tmp_path / "audit.json").exists()
    payroll = invoke("monthly-payroll", "--month", "2026-11", "--roster", tmp_path / "roster.csv", "--schedule",
                     tmp_path / "schedule.csv", "--punches", tmp_path / "punches.csv", "--out", tmp_path / "pay.xlsx")
    assert payroll.exit_code == 3 and not (tmp_path / "pay.xlsx").exists()


def test_allow_partial_writes_a_banner_and_the_coverage_block(tmp_path):
    result = audit(tmp_path, "2026-11", "--allow-partial")
    assert result.exit_code == 0, result.output
    assert first_cell(tmp_path / "audit.xlsx").startswith("PARTIAL REPORT (--allow-partial): schedule.csv has no shift")
    cov = read_json(tmp_path / "audit.json")["coverage"]
    assert cov["partial"] is True and len(cov["gaps"]) == 2
    sched = next(i for i in cov["inputs"] if i["name"] == "schedule")
    assert sched == {"name": "schedule", "file": "schedule.csv", "rows": 9, "rows_unreadable": 0,
                     "unreadable_share": 0.0, "first": "2026-10-01", "last": "2026-10-05", "rows_in_period": 0}
    # --fail-on findings treats an allowed partial run as a finding.
    assert audit(tmp_path, "2026-11", "--allow-partial", "--fail-on", "findings").exit_code == 6


def test_a_time_clock_export_whose_every_row_is_unreadable_is_not_trusted(tmp_path):
    bad = write(tmp_path, "punches.csv", "agent_id,date,sign_in,sign_out",
                [f"{a},{d},??,??" for d in DAYS for a in AGENTS])
    result = audit(tmp_path, punches_path=bad)
    assert result.exit_code == 3, result.output
    assert "punches.csv: 9 of 9 rows unreadable (100%, more than 20%): not trusted" in result.output
    pay = invoke("monthly-payroll", "--month", "2026-10", "--roster", tmp_path / "roster.csv", "--schedule",
                 tmp_path / "schedule.csv", "--punches", bad, "--out", tmp_path / "pay.xlsx")
    assert pay.exit_code == 3 and not (tmp_path / "pay.xlsx").exists()  # nobody gets wage_withheld


def test_the_unreadable_share_comes_from_the_rules_file(tmp_path):
    p = punches(tmp_path)
    with p.open("a", encoding="utf-8") as fh:
        fh.write("A1,2026-10-06,??,??\n")  # 1 of 10 rows: 10 %
    assert audit(tmp_path, punches_path=p).exit_code == 0
    rules = Path(__file__).resolve().parents[2] / "rules" / "default.yaml"
    strict = tmp_path / "strict.yaml"
    strict.write_text(rules.read_text(encoding="utf-8").replace("max_unreadable_share: 0.2",
                                                                "max_unreadable_share: 0.05"), encoding="utf-8")
    result = audit(tmp_path, "2026-10", "--rules", strict, punches_path=p)
    assert result.exit_code == 3 and "1 of 10 rows unreadable (10%, more than 5%)" in result.output


def test_a_day_nobody_punched_is_a_feed_gap_not_a_centre_wide_no_show(tmp_path):
    p = punches(tmp_path, skip={(a, "2026-10-02") for a in AGENTS})
    stopped = audit(tmp_path, punches_path=p)
    assert stopped.exit_code == 3, stopped.output
    assert "no punch at all in the centre on 2026-10-02" in stopped.output
    result = audit(tmp_path, "2026-10", "--allow-partial", punches_path=p)
    assert result.exit_code == 0, result.output
    doc = read_json(tmp_path / "audit.json")
    gap = [e for e in doc["events"] if e["date"] == "2026-10-02"]
    assert [(e["kind"], e["rule_id"]) for e in gap] == [("feed_gap", "ATT-FEED-GAP")] * 3
    assert not any(e["rule_id"] == "ATT-NO-SHOW" for e in doc["events"])
    for rec in doc["records"]:
        assert rec["absent_days"] == 0 and rec["scheduled_days"] == 2 and rec["worked_days"] == 2
    assert doc["coverage"]["feed_gap_days"] == ["2026-10-02"]


def test_one_person_without_a_punch_is_still_a_no_show(tmp_path):
    result = audit(tmp_path, punches_path=punches(tmp_path, skip={("A2", "2026-10-02")}))
    assert result.exit_code == 0, result.output
    doc = read_json(tmp_path / "audit.json")
    assert [(e["agent_id"], e["date"], e["rule_id"]) for e in doc["events"]] == [("A2", "2026-10-02", "ATT-NO-SHOW")]


# ----------------------------------------------------------------------------- §4 as-of

def test_shifts_not_over_at_the_as_of_time_are_pending(tmp_path):
    # Only Thursday's punches are in; the audit runs Friday at noon.
    p = punches(tmp_path, days=("2026-10-01",))
    result = audit(tmp_path, "2026-10", "--as-of", "2026-10-02 12:00", punches_path=p)
    assert result.exit_code == 0, result.output
    doc = read_json(tmp_path / "audit.json")
    assert doc["events"] == []  # Friday's and Monday's shifts are not no-shows
    for rec in doc["records"]:
        assert rec["scheduled_days"] == 1 and rec["pending_days"] == 2 and rec["absent_days"] == 0
    assert doc["teams"][0]["attendance_rate"] == 1.0
    assert doc["coverage"]["as_of"] == "2026-10-02 12:00:00" and doc["coverage"]["pending_shifts"] == 6
    run = dict(openpyxl.load_workbook(tmp_path / "audit.xlsx")["Run"].iter_rows(values_only=True))
    assert run["option as_of"] == "2026-10-02 12:00:00"
    assert "6 shift(s) pending" in result.output


def test_the_default_as_of_is_the_latest_punch(tmp_path):
    p = punches(tmp_path, days=("2026-10-01", "2026-10-02"))
    result = audit(tmp_path, punches_path=p)
    assert result.exit_code == 0, result.output
    doc = read_json(tmp_path / "audit.json")
    assert doc["coverage"]["as_of"] == "2026-10-02 18:02:00" and doc["coverage"]["pending_shifts"] == 3
    assert doc["events"] == []


def test_payroll_of_a_month_not_over_stops_unless_allowed(tmp_path):
    p = punches(tmp_path, days=("2026-10-01", "2026-10-02"))
    args = ["monthly-payroll", "--month", "2026-10", "--roster", roster(tmp_path), "--schedule", schedule(tmp_path),
            "--punches", p, "--out", tmp_path / "pay.xlsx", "--json", tmp_path / "pay.json"]
    stopped = invoke(*args)
    assert stopped.exit_code == 3, stopped.output
    assert "2026-10 is not over: 3 shift(s) end after the as-of time 2026-10-02 18:02" in stopped.output
    assert not (tmp_path / "pay.xlsx").exists()
    allowed = invoke(*args, "--allow-partial")
    assert allowed.exit_code == 0, allowed.output
    assert "is not over" in first_cell(tmp_path / "pay.xlsx")
    assert read_json(tmp_path / "pay.json")["coverage"]["pending_shifts"] == 3


def test_a_bad_as_of_is_a_usage_error(tmp_path):
    assert audit(tmp_path, "2026-10", "--as-of", "yesterday-ish").exit_code == 2


# ----------------------------------------------------------------------------- §5 pairing

def test_a_sign_out_before_the_sign_in_is_a_missing_punch_not_600_min_early(tmp_path):
    rows = [f"{a},{d} 08:55:00,in" for d in DAYS for a in AGENTS] + \
           [f"{a},{d} 18:01:00,out" for d in DAYS for a in AGENTS if (a, d) != ("A1", "2026-10-01")]
    rows.append("A1,2026-10-01 08:05:00,out")  # pressed the wrong key before signing in
    result = audit(tmp_path, punches_path=events(tmp_path, rows))
    assert result.exit_code == 0, result.output
    doc = read_json(tmp_path / "audit.json")
    assert [(e["agent_id"], e["kind"], e["rule_id"]) for e in doc["events"]] == \
        [("A1", "missing_punch", "ATT-MISSING-PUNCH")]
    assert "sign-out 08:05:00 before the sign-in 08:55:00" in doc["events"][0]["reason"]


def test_overlapping_windows_give_each_punch_to_the_nearest_shift(tmp_path):
    # A3 works a night shift Thu 18:00–03:00 and a day shift Fri 08:00–17:00; she signs out
    # of the night shift at 04:30, inside the day shift's window too.
    sched = write(tmp_path, "schedule.csv", "agent_id,date,shift_start,shift_end",
                  ["A3,2026-10-01,18:00,03:00", "A3,2026-10-02,08:00,17:00"])
    rows = ["A3,2026-10-01 17:55:00,in", "A3,2026-10-02 04:30:00,out", "A3,2026-10-02 07:58:00,in",
            "A3,2026-10-02 17:00:00,out",
            "A3,2026-10-01 06:00:00,in",  # before the first shift's window
            "A3,2026-10-05 09:00:00,in"]  # after the last shift: reported, not lost
    result = invoke("attendance-audit", "--month", "2026-10", "--roster", roster(tmp_path), "--schedule", sched,
                    "--punches", events(tmp_path, rows), "--out", tmp_path / "a.xlsx", "--json", tmp_path / "a.json")
    assert result.exit_code == 0, result.output
    doc = read_json(tmp_path / "a.json")
    assert doc["events"] == []  # both shifts on time, nobody "12 h early"
    unmatched = sorted(i["value"] for i in doc["issues"] if "unmatched punch" in i["problem"])
    assert unmatched == ["2026-10-01 06:00:00", "2026-10-05 09:00:00"]
    errors = openpyxl.load_workbook(tmp_path / "a.xlsx")["Errors"]
    assert sum("unmatched punch" in str(r[5]) for r in errors.iter_rows(min_row=2, values_only=True)) == 2


def test_standby_and_left_without_exit_date_are_not_no_shows(tmp_path):
    r = roster(tmp_path, ["S1,Stand By,TSR-1,agent,TSR,operations,B,L1,2024-01-01,,standby",
                          "X1,Gone,TSR-1,agent,TSR,operations,B,L1,2024-01-01,,left"])
    s = schedule(tmp_path, extra=[f"{a},{d},09:00,18:00" for a in ("S1", "X1") for d in DAYS])
    result = audit(tmp_path, roster_path=r, schedule_path=s)
    assert result.exit_code == 0, result.output
    doc = read_json(tmp_path / "audit.json")
    assert doc["events"] == [] and {rec["agent_id"] for rec in doc["records"]} == set(AGENTS)
    warnings = [i for i in doc["issues"] if i["column"] == "status"]
    assert sorted((i["value"], i["severity"]) for i in warnings) == [("left", "warning"), ("standby", "warning")]
    assert "3 scheduled shift(s) without a punch in 2026-10 not audited" in warnings[0]["problem"]


# ----------------------------------------------------------------------------- §5 unknowns

def test_grade_agents_without_an_hours_source_stops(tmp_path):
    args = ["grade-agents", "--quarter", "2026Q4", "--roster", roster(tmp_path), "--calls", calls(tmp_path),
            "--kpi", kpi(tmp_path), "--out", tmp_path / "g.xlsx", "--json", tmp_path / "g.json"]
    stopped = invoke(*args)
    assert stopped.exit_code == 3 and "no hours source" in stopped.output
    assert not (tmp_path / "g.xlsx").exists()
    allowed = invoke(*args, "--allow-partial")
    assert allowed.exit_code == 0, allowed.output
    doc = read_json(tmp_path / "g.json")
    assert {r["decision"] for r in doc["records"]} == {"not_graded"} and doc["coverage"]["partial"]


def test_kpi_targets_are_unknown_without_hours_never_met(tmp_path):
    # Five days of calls do not cover the month (coverage.max_edge_gap_days): reported as partial.
    result = invoke("kpi-report", "--period", "month", "--date", "2026-10-01", "--roster", roster(tmp_path),
                    "--calls", calls(tmp_path, all_succeed=True), "--out", tmp_path / "k.xlsx",
                    "--json", tmp_path / "k.json", "--allow-partial")
    assert result.exit_code == 0, result.output
    doc = read_json(tmp_path / "k.json")
    # Success rate 100 % meets its target; CPH (no hours) and the KPI score (no file) are unknown,
    # so no agent meets every target: unknown, never true.
    assert all(r["success_met"] is True and r["cph_met"] is None for r in doc["records"])
    assert all(r["targets_met"] is None for r in doc["records"])
    team = doc["teams"][0]
    assert team["with_targets"] == 0 and team["targets_met_share"] is None
    assert team["rank"] == 1  # ranked on its known success rate only


def test_headcount_does_not_trust_a_mostly_unreadable_roster(tmp_path):
    r = roster(tmp_path, [f"B{i},Bad,TSR-1,agent,TSR,operations,B,L1,someday,,active" for i in range(3)])
    args = ["headcount", "--month", "2026-10", "--roster", r, "--out", tmp_path / "h.xlsx", "--json", tmp_path / "h.json"]
    stopped = invoke(*args)
    assert stopped.exit_code == 3 and "roster.csv: 3 of 7 rows unreadable (43%, more than 20%)" in stopped.output
    allowed = invoke(*args, "--allow-partial")
    assert allowed.exit_code == 0, allowed.output
    assert first_cell(tmp_path / "h.xlsx").startswith("PARTIAL REPORT")
    assert read_json(tmp_path / "h.json")["coverage"]["inputs"][0]["rows_unreadable"] == 3


def test_a_quarter_whose_call_log_holds_one_month_is_not_graded_as_complete(tmp_path):
    """The exports of one month given for a quarter: refused (exit 3) naming the uncovered end of
    the quarter and the KPI months missing, not graded on a month as if on three; with
    --allow-partial the report says it is partial."""
    args = ["grade-agents", "--quarter", "2026Q4", "--roster", roster(tmp_path), "--calls", calls(tmp_path),
            "--kpi", kpi(tmp_path), "--schedule", str(tmp_path / "none.csv"), "--out", tmp_path / "g.xlsx"]
    (tmp_path / "none.csv").write_text("agent_id,date,shift_start,shift_end\nE101,2026-10-01,09:00,18:00\n",
                                       encoding="utf-8")
    stopped = invoke(*args)
    assert stopped.exit_code == 3, stopped.output
    assert "the end of the period is not covered" in stopped.output
    assert "coverage.max_edge_gap_days" in stopped.output
    assert not (tmp_path / "g.xlsx").exists()


def _brief(folder: Path, day: str, *extra):
    return invoke("daily-brief", "--date", day, "--roster", roster(folder), "--calls", calls(folder, days=DAYS[::2]),
                  "--format", "json", "--out", folder / "brief.json", *extra)


def test_a_worked_day_missing_from_the_call_log_is_not_a_day_of_zero_calls(tmp_path):
    """Calls on 1 and 5 October, none on Friday 2 although the three agents were scheduled and
    signed in: calls on both sides of the day do not cover it (the brief said "calls 0", kpi-report
    ranked teams on CPH 0.00 and named a top team)."""
    attendance = ["--schedule", schedule(tmp_path), "--punches", punches(tmp_path)]
    stopped = _brief(tmp_path, "2026-10-02", *attendance)
    assert stopped.exit_code == 3, stopped.output
    assert "calls.csv has no call in 2026-10-02 although the schedule has shifts in it" in stopped.output
    assert not (tmp_path / "brief.json").exists()
    kpi_args = ["kpi-report", "--period", "day", "--date", "2026-10-02", "--roster", roster(tmp_path),
                "--calls", tmp_path / "calls.csv", *attendance, "--out", tmp_path / "k.xlsx", "--json", tmp_path / "k.json"]
    stopped = invoke(*kpi_args)
    assert stopped.exit_code == 3 and "a gap in the call-log export?" in stopped.output, stopped.output
    assert not (tmp_path / "k.xlsx").exists()
    allowed = invoke(*kpi_args, "--allow-partial")
    assert allowed.exit_code == 0, allowed.output
    assert read_json(tmp_path / "k.json")["coverage"]["partial"] is True
    assert first_cell(tmp_path / "k.xlsx").startswith("PARTIAL REPORT")
    zh = invoke(*kpi_args, "--allow-partial", "--lang", "zh")
    assert zh.exit_code == 0, zh.output
    assert "内没有通话，但排班表在此期间有班次" in first_cell(tmp_path / "k.xlsx")


def test_a_day_without_calls_is_believed_where_the_schedule_has_no_shift(tmp_path):
    """Saturday 3 October: no shift in the schedule, no call: a day of rest, reported (exit 0).
    Without a schedule nothing shows that nobody was due to work: refused, saying how to show it."""
    rested = _brief(tmp_path, "2026-10-03", "--schedule", schedule(tmp_path), "--punches", punches(tmp_path))
    assert rested.exit_code == 0, rested.output
    assert read_json(tmp_path / "brief.json")["coverage"]["partial"] is False
    (tmp_path / "brief.json").unlink()
    unknown = _brief(tmp_path, "2026-10-03")
    assert unknown.exit_code == 3 and "pass --schedule if nobody was due to work then" in unknown.output
    assert not (tmp_path / "brief.json").exists()


def test_payroll_with_a_call_log_missing_the_month_stops(tmp_path):
    """Commission is paid from the calls: a log whose calls lie on both sides of the month, none in
    it, would pay every agent 0.00 commission with exit 0."""
    c = write(tmp_path, "calls.csv", "call_id,agent_id,start_time,duration_s,connected,success,amount",
              ["C1,A1,2026-09-30 10:00:00,60,true,true,100", "C2,A2,2026-11-02 10:00:00,60,true,true,100"])
    args = ["monthly-payroll", "--month", "2026-10", "--roster", roster(tmp_path), "--schedule", schedule(tmp_path),
            "--punches", punches(tmp_path), "--calls", c, "--as-of", "2026-11-01", "--out", tmp_path / "p.xlsx"]
    stopped = invoke(*args)
    assert stopped.exit_code == 3 and "calls.csv has no call in 2026-10" in stopped.output, stopped.output
    assert not (tmp_path / "p.xlsx").exists()


def test_calls_after_the_latest_punch_do_not_count_against_hours_that_stop_there(tmp_path):
    """A time-clock export ending on Friday 2 October, a call log reaching Monday 5: the default
    as-of (the latest punch) leaves Monday's shifts pending (no hours) while its calls would
    count, a CPH half again too high. Refused, saying which days; with punches reaching Monday,
    or --allow-partial, reported."""
    kpi_args = ["kpi-report", "--period", "week", "--date", "2026-10-05", "--roster", roster(tmp_path),
                "--calls", calls(tmp_path), "--schedule", schedule(tmp_path), "--out", tmp_path / "k.xlsx",
                "--json", tmp_path / "k.json"]
    short = punches(tmp_path, days=DAYS[:2])
    stopped = invoke(*kpi_args, "--punches", short)
    assert stopped.exit_code == 3, stopped.output
    assert "calls.csv has calls on 2026-10-05, after the as-of time 2026-10-02 18:02" in stopped.output
    assert not (tmp_path / "k.xlsx").exists()
    partial = invoke(*kpi_args, "--punches", short, "--allow-partial")
    assert partial.exit_code == 0 and read_json(tmp_path / "k.json")["coverage"]["partial"] is True
    full = invoke(*kpi_args, "--punches", punches(tmp_path))
    assert full.exit_code == 0, full.output
    assert read_json(tmp_path / "k.json")["coverage"]["partial"] is False


def test_grading_hours_must_reach_both_ends_of_the_quarter(tmp_path):
    """Calls and KPI for the whole of 2026Q4, punches for 1 October only: the hours stop where the
    calls go on, so every CPH would be too high. Refused naming the uncovered end; punches
    reaching both ends are graded."""
    quarter = ("2026-10-01", "2026-11-16", "2026-12-30")
    args = ["grade-agents", "--quarter", "2026Q4", "--roster", roster(tmp_path), "--calls", calls(tmp_path, days=quarter),
            "--kpi", kpi(tmp_path), "--out", tmp_path / "g.xlsx", "--json", tmp_path / "g.json"]
    stopped = invoke(*args, "--punches", punches(tmp_path, days=quarter[:1]))
    assert stopped.exit_code == 3, stopped.output
    assert "punches.csv has no punch after 2026-10-01" in stopped.output and "end of the period" in stopped.output
    assert not (tmp_path / "g.xlsx").exists()
    graded = invoke(*args, "--punches", punches(tmp_path, days=quarter))
    assert graded.exit_code == 0, graded.output
    assert read_json(tmp_path / "g.json")["coverage"]["partial"] is False
