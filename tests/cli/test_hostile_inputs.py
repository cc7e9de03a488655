"""Issue 9 §1 end to end: inputs that meet the data contract but are shaped unlike samples/
(staff without a team, brackets and terminal escapes in names and paths, absurd values) give
a correct report or a clear exit 3, never an internal error."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cctool.cli.main import app
from cctool.cli.terminal import strip_controls, user
from cctool.rules.load import default_rules_path

runner = CliRunner()

ROSTER_HEADER = "agent_id,name,team,role,line,department,grade,reports_to,hire_date,status\n"
# Director, ops manager, supervisor and QA belong to no team (a blank team cell); the team lead
# and the agents do. E1's name carries rich markup and an OSC title sequence.
ROSTER = ROSTER_HEADER + (
    "D1,Director Dai,,director,,operations,,,2020-01-01,active\n"
    "M1,Manager Ma,,ops_manager,,operations,,D1,2020-01-01,active\n"
    "S1,Supervisor Su,,supervisor,,operations,,M1,2020-01-01,active\n"
    "Q1,QA Qian,,qa,,support,,D1,2020-01-01,active\n"
    "T1,Lead Li,TSR [/bold] 1,team_lead,,operations,,S1,2020-01-01,active\n"
    "E1,Wang [/bold]\x1b]0;pwned\x07 Wu,TSR [/bold] 1,agent,TSR,operations,C,T1,2021-01-01,active\n"
    "E2,Zhao Zi,TSR [/bold] 1,agent,TSR,operations,C,T1,2021-01-01,active\n"
)
DAYS = ["2026-10-05", "2026-10-06", "2026-10-07", "2026-10-08", "2026-10-09"]
WORKERS = ["T1", "E1", "E2", "S1"]


def centre(tmp_path: Path, roster: str = ROSTER) -> dict[str, Path]:
    d = tmp_path / "in [" / "bold]"  # the path reads "in [/bold]": a closing tag rich chokes on
    d.mkdir(parents=True)
    (d / "roster.csv").write_text(roster, encoding="utf-8")
    schedule = "agent_id,date,shift_start,shift_end\n" + "".join(
        f"{a},{day},09:00,18:00\n" for a in WORKERS for day in DAYS)
    (d / "schedule.csv").write_text(schedule, encoding="utf-8")
    on_leave = {("E1", "2026-10-06"), ("E1", "2026-10-07")}
    punches = "agent_id,date,sign_in,sign_out\n" + "".join(
        f"{a},{day},{day} 08:55,{day} 18:05\n" for a in WORKERS for day in DAYS if (a, day) not in on_leave)
    (d / "punches.csv").write_text(punches, encoding="utf-8")
    # Two days of annual leave: team lead and supervisor approve (LV-SHORT-2). S1 has no team.
    (d / "leave.csv").write_text(
        "request_id,agent_id,leave_type,start,end,days,channel,documents_complete,approvals\n"
        "L1,E1,annual,2026-10-06,2026-10-07,2,form,yes,T1;S1\n", encoding="utf-8")
    return {"roster": d / "roster.csv", "schedule": d / "schedule.csv", "punches": d / "punches.csv",
            "leave": d / "leave.csv", "dir": d}


def audit(files, out: Path, *extra):
    args = ["attendance-audit", "--month", "2026-10", "--roster", str(files["roster"]),
            "--schedule", str(files["schedule"]), "--punches", str(files["punches"]),
            "--leave", str(files["leave"]), "--out", str(out), "--json", str(out.with_suffix(".json")), *extra]
    return runner.invoke(app, args, catch_exceptions=False)


def test_staff_without_a_team_load_and_their_approvals_count(tmp_path):
    files = centre(tmp_path)
    out = files["dir"] / "audit [bold].xlsx"
    result = audit(files, out)
    assert result.exit_code == 0, result.output
    doc = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert not [i for i in doc["issues"] if "blank" in i["problem"]]
    leave = {r["request_id"]: r for r in doc["leave"]}
    assert leave["L1"]["approved"] is True, leave["L1"]
    people = {r["agent_id"]: r for r in doc["records"]}
    assert people["E1"]["absent_days"] == 0 and people["E1"]["leave_days"] == 2
    # S1 (no team) is scheduled: in Summary, but never a team of their own in the team rates
    assert people["S1"]["team"] is None and people["S1"]["worked_days"] == 5
    assert {t["team"] for t in doc["teams"]} == {"TSR [/bold] 1"}
    book = openpyxl.load_workbook(out)
    summary_ids = {row[0] for row in book["Summary"].iter_rows(values_only=True)}
    assert {"S1", "E1", "E2", "T1"} <= summary_ids


def test_agent_or_team_lead_without_a_team_is_excluded_with_a_reason(tmp_path):
    roster = ROSTER.replace("E2,Zhao Zi,TSR [/bold] 1,", "E2,Zhao Zi,,")
    files = centre(tmp_path, roster)
    out = tmp_path / "audit.xlsx"
    # E2's shifts and punches are then a quarter of those files: partial by the coverage rule
    result = audit(files, out, "--allow-partial")
    assert result.exit_code == 0, result.output
    doc = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    problems = [i for i in doc["issues"] if i["row"] == 8 and i["column"] == "team"]
    assert problems and "team is required when role is agent" in problems[0]["problem"]
    assert "E2" not in {r["agent_id"] for r in doc["records"]}


def test_payroll_pays_staff_without_a_team_and_splits_them_into_their_own_file(tmp_path):
    files = centre(tmp_path)
    out = tmp_path / "pay.xlsx"
    args = ["monthly-payroll", "--month", "2026-10", "--roster", str(files["roster"]),
            "--schedule", str(files["schedule"]), "--punches", str(files["punches"]),
            "--leave", str(files["leave"]), "--out", str(out), "--json", str(tmp_path / "pay.json"),
            "--split-by", "team", "--show"]
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "pwned" not in result.output
    assert "nan" not in result.output  # --show: a blank team is blank
    parts = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in tmp_path.glob("pay-*.json")}
    paid = {r["agent_id"] for doc in parts.values() for r in doc["records"]}
    assert paid == {"D1", "M1", "S1", "Q1", "T1", "E1", "E2"}
    # staff without a team get a file of their own, with only themselves in it
    no_team = next(doc for doc in parts.values() if any(r["agent_id"] == "D1" for r in doc["records"]))
    assert {r["agent_id"] for r in no_team["records"]} == {"D1", "M1", "S1", "Q1"}
    totals = next(doc for doc in parts.values() if any(r["agent_id"] == "E1" for r in doc["records"]))["totals"]
    assert {t["team"] for t in totals} == {"TSR [/bold] 1", "(all)"}


def test_headcount_counts_staff_without_a_team(tmp_path):
    files = centre(tmp_path)
    out = tmp_path / "hc.xlsx"
    result = runner.invoke(app, ["headcount", "--month", "2026-10", "--roster", str(files["roster"]),
                                 "--out", str(out), "--json", str(tmp_path / "hc.json")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "hc.json").read_text(encoding="utf-8"))
    ends = {r["team"]: r["end"] for r in doc["records"]}
    assert ends == {"(no team)": 4, "TSR [/bold] 1": 3}


def test_brackets_and_escapes_in_names_and_paths_print_as_text(tmp_path):
    files = centre(tmp_path)
    out = files["dir"] / "audit [red] \x1b[31m.xlsx"
    result = audit(files, out, "--fail-on", "findings")
    assert result.exit_code in (0, 6), result.output
    assert "Internal error" not in result.output
    assert "[/bold]" in result.output  # printed literally, not read as markup
    assert "\x1b" not in result.output


def test_user_helper_strips_controls_and_escapes_markup():
    assert user("a [/bold] b") == "a \\[/bold] b"
    assert strip_controls("x\x1b[31mred\x1b[0m\x1b]8;;http://e\x1b\\link\x1b]8;;\x1b\\ \x07\x9b2J\r") == "xredlink "
    assert strip_controls("two\nlines\tand tab") == "two lines and tab"
    assert strip_controls("two\nlines", keep_lines=True) == "two\nlines"


@pytest.mark.parametrize("amount", ["1e300", "inf", "-5", "nan"])
def test_absurd_call_amount_is_a_reported_value_not_a_crash(tmp_path, amount):
    files = centre(tmp_path)
    calls = tmp_path / "calls.csv"
    calls.write_text("call_id,agent_id,start_time,duration_s,connected,success,amount\n"
                     f"C1,E1,2026-10-05 10:00:00,60,1,1,{amount}\n"
                     "C2,E1,2026-10-05 10:10:00,60,1,1,200\n", encoding="utf-8")
    kpi = tmp_path / "kpi.csv"
    kpi.write_text("agent_id,month,kpi_score\nE1,2026-10,inf\nE2,2026-10,1e26\n"
                   + "".join(f"{a},{m},91\n" for a in ("T1", "D1", "M1", "S1", "Q1") for m in ("2026-09", "2026-10"))
                   + "E1,2026-09,90\nE2,2026-09,90\n", encoding="utf-8")
    out = tmp_path / "pay.xlsx"
    args = ["monthly-payroll", "--month", "2026-10", "--roster", str(files["roster"]),
            "--schedule", str(files["schedule"]), "--punches", str(files["punches"]), "--calls", str(calls),
            "--leave", str(files["leave"]), "--kpi", str(kpi), "--out", str(out), "--json", str(tmp_path / "pay.json")]
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "pay.json").read_text(encoding="utf-8"))
    issues = [i["problem"] for i in doc["issues"]]
    assert any("limits.amount" in p for p in issues)
    assert sum("limits.kpi_score" in p for p in issues) == 2
    e1 = next(r for r in doc["records"] if r["agent_id"] == "E1")
    # commission: 2 successful calls × 2.00 + 1 % of the one readable amount (200)
    assert float(e1["commission"]) == pytest.approx(2 * 2.00 + 0.01 * 200)


def test_leave_across_centuries_is_a_bad_row(tmp_path):
    files = centre(tmp_path)
    files["leave"].write_text(
        "request_id,agent_id,leave_type,start,end,days,channel,documents_complete,approvals\n"
        + "".join(f"L{i},E2,personal,1700-01-01,2260-01-01,1,form,yes,S1\n" for i in range(48))
        + "L99,E1,annual,2026-10-06,2026-10-07,2,form,yes,T1;S1\n", encoding="utf-8")
    out = tmp_path / "audit.xlsx"
    result = audit(files, out)
    assert result.exit_code == 3, result.output  # 48 of 49 rows unusable: the leave file is not trusted
    assert "leave.csv" in result.output and not out.exists()
    result = audit(files, out, "--allow-partial")
    assert result.exit_code == 0, result.output
    doc = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    bad = [i for i in doc["issues"] if "limits.earliest_date" in i["problem"]]
    assert {i["row"] for i in bad} == set(range(2, 50))
    assert [r["request_id"] for r in doc["leave"]] == ["L99"]


def test_punch_file_of_neither_form_is_exit_3_saying_what_each_needs(tmp_path):
    files = centre(tmp_path)
    files["punches"].write_text("agent_id,date,clock\nE1,2026-10-05,08:55\n", encoding="utf-8")
    result = audit(files, tmp_path / "audit.xlsx")
    assert result.exit_code == 3, result.output
    assert "paired punches need sign_in and sign_out" in result.output
    assert "raw events need time and direction" in result.output
    assert not (tmp_path / "audit.xlsx").exists()


def test_bom_then_gb18030_is_exit_3_with_file_and_line(tmp_path):
    files = centre(tmp_path)
    files["schedule"].write_bytes(b"\xef\xbb\xbf" + "工号,日期,上班时间,下班时间\n".encode("utf-8")
                                  + "E1,2026-10-05,09:00,18:00\n".encode() + "张三,2026-10-06,09:00,18:00\n".encode("gb18030"))
    result = audit(files, tmp_path / "audit.xlsx")
    assert result.exit_code == 3, result.output
    assert "schedule.csv, line 3" in result.output and "byte-order mark" in result.output


def test_headcount_transfer_out_of_a_team_reconciles(tmp_path):
    files = centre(tmp_path)
    previous = tmp_path / "previous.csv"
    # E2 was in the team last month; now the roster has E2 as QA without a team
    previous.write_text(ROSTER, encoding="utf-8")
    files["roster"].write_text(ROSTER.replace("E2,Zhao Zi,TSR [/bold] 1,agent,TSR,operations,C,T1",
                                              "E2,Zhao Zi,,qa,,operations,,D1"), encoding="utf-8")
    result = runner.invoke(app, ["headcount", "--month", "2026-10", "--roster", str(files["roster"]),
                                 "--previous-roster", str(previous), "--out", str(tmp_path / "hc.xlsx"),
                                 "--json", str(tmp_path / "hc.json")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "hc.json").read_text(encoding="utf-8"))
    for t in doc["records"]:
        assert t["start"] + t["joiners"] - t["leavers"] + t["transfers_in"] - t["transfers_out"] == t["end"], t
    assert [(t["from_team"], t["team"]) for t in doc["transfers"]] == [("TSR [/bold] 1", "(no team)")]


def test_headcount_against_another_centres_roster_counts_no_transfers_and_says_so(tmp_path):
    files = centre(tmp_path)
    previous = tmp_path / "other-centre.csv"
    # The same ids name other people (another centre's roster, ids reused): not transfers. E2 is
    # the same person written with other spacing and case, and moved team: a transfer.
    previous.write_text(ROSTER_HEADER + (
        "T1,Lead Liu,Inbound 3,team_lead,,operations,,S1,2019-03-01,active\n"
        "E1,Sun Shu,Inbound 3,agent,TSR,operations,C,T1,2022-05-01,active\n"
        "E2,  zhao zi ,Inbound 3,agent,TSR,operations,C,T1,2021-01-01,active\n"), encoding="utf-8")
    result = runner.invoke(app, ["headcount", "--month", "2026-10", "--roster", str(files["roster"]),
                                 "--previous-roster", str(previous), "--out", str(tmp_path / "hc.xlsx"),
                                 "--json", str(tmp_path / "hc.json")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "2 of the 3 ids in both rosters name another person" in " ".join(result.output.split())
    doc = json.loads((tmp_path / "hc.json").read_text(encoding="utf-8"))
    assert [(t["agent_id"], t["from_team"]) for t in doc["transfers"]] == [("E2", "Inbound 3")]
    flagged = {i["value"]: i for i in doc["issues"] if i["column"] == "agent_id" and i["severity"] == "warning"}
    assert set(flagged) == {"T1", "E1"}
    assert flagged["E1"]["row"] == 3 and flagged["E1"]["file"].endswith("other-centre.csv")
    assert "here 'Sun Shu', hired 2022-05-01; in the roster" in flagged["E1"]["problem"]
    from cctool.report.phrases import to_zh
    assert "不计为调动" in to_zh(flagged["E1"]["problem"])
    for t in doc["records"]:
        assert t["start"] + t["joiners"] - t["leavers"] + t["transfers_in"] - t["transfers_out"] == t["end"], t


@pytest.mark.parametrize("cph_calls", ["all", "connected"])
def test_standby_agents_schedule_is_not_hours_worked_in_kpi_report(tmp_path, cph_calls):
    # E2 is on standby (待岗): still on the schedule, never punched. Their scheduled hours are not
    # hours worked: no CPH of 0.00, no missed target, and the team's CPH counts E1 and T1 only.
    files = centre(tmp_path, ROSTER.replace("E2,Zhao Zi,TSR [/bold] 1,agent,TSR,operations,C,T1,2021-01-01,active",
                                            "E2,Zhao Zi,TSR [/bold] 1,agent,TSR,operations,C,T1,2021-01-01,standby"))
    punches = files["punches"].read_text(encoding="utf-8")
    files["punches"].write_text("".join(line for line in punches.splitlines(keepends=True)
                                        if not line.startswith("E2,")), encoding="utf-8")
    calls = files["dir"] / "calls.csv"
    # E2 still makes calls (a standby agent helping out, or a data slip): with no hours, they are left
    # out of the team's CPH, and the report says so, rather than inflating it.
    calls.write_text("call_id,agent_id,start_time,connected,success\n" + "".join(
        f"{i},{'E1' if i % 3 else 'E2'},{day} 10:{i % 60:02d}:00,{'yes' if i % 4 else 'no'},{'yes' if i % 2 else 'no'}\n"
        for i, day in enumerate(DAYS * 12)), encoding="utf-8")
    rules = tmp_path / "rules.yaml"
    rules.write_text(default_rules_path().read_text(encoding="utf-8").replace("cph_calls: all",
                                                                              f"cph_calls: {cph_calls}"), "utf-8")
    result = runner.invoke(app, ["kpi-report", "--period", "week", "--date", "2026-10-07", "--roster",
                                 str(files["roster"]), "--calls", str(calls), "--schedule", str(files["schedule"]),
                                 "--punches", str(files["punches"]), "--out", str(tmp_path / "k.xlsx"),
                                 "--json", str(tmp_path / "k.json"), "--allow-partial", "--rules", str(rules)],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "k.json").read_text(encoding="utf-8"))
    e2 = next(r for r in doc["records"] if r["agent_id"] == "E2")
    assert e2["hours"] is None and e2["cph"] is None and e2["cph_met"] is None
    assert e2["cph_basis"] == "none"
    e1 = next(r for r in doc["records"] if r["agent_id"] == "E1")
    [team] = doc["teams"]
    assert team["cph_hours"] == pytest.approx(e1["hours"], abs=0.01)  # E2's scheduled 45 h left out
    counted = "calls" if cph_calls == "all" else "connected"
    assert team["cph_calls"] == e1[counted] < team[counted]  # and E2's calls with them
    assert team["cph"] == pytest.approx(team["cph_calls"] / team["cph_hours"], abs=0.01)
    # the note counts what CPH would have counted: the team's calls (or connected calls) less its CPH calls
    assert any(f"leave out {team[counted] - team['cph_calls']} call(s)" in n and "E2" in n for n in doc["notes"])
    # the daily brief says so too, under its lines, and in its JSON
    brief = runner.invoke(app, ["daily-brief", "--date", "2026-10-07", "--roster", str(files["roster"]), "--calls",
                                str(calls), "--schedule", str(files["schedule"]), "--punches", str(files["punches"]),
                                "--rules", str(rules), "--allow-partial"], catch_exceptions=False)
    assert brief.exit_code == 0, brief.output
    assert "CPH leaves out" in brief.output and "TSR agent(s) without hours: E2." in " ".join(brief.output.split())
    as_json = runner.invoke(app, ["daily-brief", "--date", "2026-10-07", "--roster", str(files["roster"]), "--calls",
                                  str(calls), "--schedule", str(files["schedule"]), "--punches", str(files["punches"]),
                                  "--rules", str(rules), "--allow-partial", "--format", "json", "--out",
                                  str(tmp_path / "b.json")], catch_exceptions=False)
    assert as_json.exit_code == 0, as_json.output
    left = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))["cph_left_out"]
    assert left["agents"] == ["E2"] and left["calls"] > 0


def test_payroll_refuses_to_pay_someone_left_without_an_exit_date_or_holds_it_when_asked(tmp_path):
    # E2 is marked left with no exit date: paying the full base (as before) or nothing would both be
    # guesses. The payroll stops naming E2; with --allow-partial E2's pay is one withheld line.
    files = centre(tmp_path, ROSTER.replace("E2,Zhao Zi,TSR [/bold] 1,agent,TSR,operations,C,T1,2021-01-01,active",
                                            "E2,Zhao Zi,TSR [/bold] 1,agent,TSR,operations,C,T1,2021-01-01,left"))
    args = ["monthly-payroll", "--month", "2026-10", "--roster", str(files["roster"]), "--schedule",
            str(files["schedule"]), "--punches", str(files["punches"]), "--leave", str(files["leave"]),
            "--as-of", "2026-11-01", "--out", str(tmp_path / "p.xlsx"), "--json", str(tmp_path / "p.json")]
    refused = runner.invoke(app, args, catch_exceptions=False)
    assert refused.exit_code == 3, refused.output
    said = " ".join(refused.output.split())
    assert "1 person has status left without an exit date (E2)" in said and "exit_date" in said
    assert not (tmp_path / "p.xlsx").exists()
    held = runner.invoke(app, [*args, "--allow-partial"], catch_exceptions=False)
    assert held.exit_code == 0, held.output
    doc = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    e2 = next(r for r in doc["records"] if r["agent_id"] == "E2")
    assert e2["net"] == "0.00" or float(e2["net"]) == 0
    [line] = e2["withheld_lines"]
    assert "left without an exit date" in line["reason"] and float(line["amount"]) > 0
    assert doc["coverage"]["partial"] is True
    e1 = next(r for r in doc["records"] if r["agent_id"] == "E1")
    assert float(e1["net"]) > 0


def test_explain_of_someone_else_is_not_stopped_by_a_leaver_without_exit_date(tmp_path):
    # E2 left without an exit date; explaining E1's pay is about E1 only. Explaining E2 stops.
    files = centre(tmp_path, ROSTER.replace("E2,Zhao Zi,TSR [/bold] 1,agent,TSR,operations,C,T1,2021-01-01,active",
                                            "E2,Zhao Zi,TSR [/bold] 1,agent,TSR,operations,C,T1,2021-01-01,left"))
    kpi = files["dir"] / "kpi.csv"
    kpi.write_text("agent_id,month,kpi_score\nE1,2026-10,91\nE2,2026-10,88\n", encoding="utf-8")
    base = ["explain", "--month", "2026-10", "--roster", str(files["roster"]), "--schedule", str(files["schedule"]),
            "--punches", str(files["punches"]), "--leave", str(files["leave"]), "--kpi", str(kpi),
            "--as-of", "2026-11-01", "--format", "json"]
    ok = runner.invoke(app, [*base, "--agent", "E1"], catch_exceptions=False)
    assert ok.exit_code == 0, ok.output
    stopped = runner.invoke(app, [*base, "--agent", "E2"], catch_exceptions=False)
    assert stopped.exit_code == 3
    assert "nothing was explained" in " ".join(stopped.output.split())


def test_a_run_without_leave_says_unpunched_shifts_count_as_absence(tmp_path):
    files = centre(tmp_path)
    args = ["attendance-audit", "--month", "2026-10", "--roster", str(files["roster"]), "--schedule",
            str(files["schedule"]), "--punches", str(files["punches"]), "--out", str(tmp_path / "a.xlsx")]
    without = runner.invoke(app, args, catch_exceptions=False)
    assert without.exit_code == 0 and "no --leave given" in " ".join(without.output.split())
    with_leave = runner.invoke(app, [*args, "--leave", str(files["leave"])], catch_exceptions=False)
    assert with_leave.exit_code == 0 and "no --leave given" not in with_leave.output
