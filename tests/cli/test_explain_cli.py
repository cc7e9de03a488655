"""explain end to end: one person's month on a hand-made centre (shifts, findings, leave chain,
consequences, pay lines), a grade on the samples, and the errors a user meets."""
from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from cctool.cli.main import app

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
runner = CliRunner()


def _centre(tmp: Path) -> list[str]:
    """Team lead T1 over agents A1 (a 16-minute late, a day of leave approved by T1) and A2,
    whose name is rich markup."""
    (tmp / "roster.csv").write_text(
        "agent_id,name,team,role,line,department,grade,reports_to,hire_date\n"
        "T1,Lead,T1,team_lead,,operations,,,2020-01-01\n"
        "A1,Ann,T1,agent,TSR,operations,C,T1,2024-01-01\n"
        "A2,[bold red]Bob[/bold red],T1,agent,TSR,operations,B,T1,2024-01-01\n", encoding="utf-8")
    days = ["2026-10-08", "2026-10-09", "2026-10-12"]
    (tmp / "schedule.csv").write_text("agent_id,date,shift_start,shift_end\n" + "".join(
        f"{a},{d},09:00,18:00\n" for a in ("A1", "A2") for d in days), encoding="utf-8")
    (tmp / "punches.csv").write_text(
        "agent_id,date,sign_in,sign_out\n"
        "A1,2026-10-08,2026-10-08 09:16:00,2026-10-08 18:00:00\n"
        "A1,2026-10-12,2026-10-12 08:58:00,2026-10-12 18:02:00\n"
        + "".join(f"A2,{d},{d} 08:55:00,{d} 18:00:00\n" for d in days), encoding="utf-8")
    (tmp / "leave.csv").write_text(
        "request_id,agent_id,leave_type,start,end,channel,documents_complete,approvals\n"
        "L1,A1,annual,2026-10-09,2026-10-09,form,true,T1\n", encoding="utf-8")
    (tmp / "kpi.csv").write_text("agent_id,month,kpi_score\nA1,2026-10,88\nA2,2026-10,92\n", encoding="utf-8")
    return ["--roster", str(tmp / "roster.csv"), "--schedule", str(tmp / "schedule.csv"),
            "--punches", str(tmp / "punches.csv"), "--leave", str(tmp / "leave.csv")]


def test_month_as_json_with_pay(tmp_path):
    args = _centre(tmp_path)
    result = runner.invoke(app, ["explain", "--agent", "A1", "--month", "2026-10", *args,
                                 "--kpi", str(tmp_path / "kpi.csv"), "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert [s["date"] for s in doc["shifts"]] == ["2026-10-08", "2026-10-09", "2026-10-12"]
    first = doc["shifts"][0]
    assert first["sign_in"] == "2026-10-08 09:16:00" and "ATT-LATE-HALF" in first["outcome"]
    assert doc["shifts"][1]["leave_days"] == 1.0
    assert [(f["rule_id"], f["kind"]) for f in doc["findings"]] == [("ATT-LATE-HALF", "absent_half_day")]
    assert "16 min late" in doc["findings"][0]["reason"]
    (lv,) = doc["leave"]
    assert lv["request_id"] == "L1" and "LV-SHORT-1" in lv["rule_ids"] and lv["approvals"] == "T1 (team_lead)"
    assert lv["required_chain"] and lv["verdict"]
    assert doc["month_totals"]["absent_days"] == 0.5 and doc["consequences"] == []
    pay = doc["pay"]
    assert pay["performance_bonus"] == 600.0  # KPI 88: the 85 band
    assert [d["rule_id"] for d in pay["deduction_lines"]] == ["PAY-GRADE"]
    assert pay["net"] == round(3500 - round(3500 / 21.75 * 0.5, 2) + 600, 2)


def test_markdown_and_user_text_is_not_markup(tmp_path):
    args = _centre(tmp_path)
    result = runner.invoke(app, ["explain", "--agent", "A2", "--month", "2026-10", *args, "--format", "markdown"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# A2 [bold red]Bob[/bold red] (T1, agent, grade B) — 2026-10")
    assert "## Scheduled shifts (3)" in result.output and "## Findings (0)" in result.output
    assert "Pay" not in result.output  # no pay inputs, no pay


def test_control_sequences_in_user_text_do_not_reach_the_terminal(tmp_path):
    # issue 9 §1: a name carrying a colour code and an OSC window title is printed as text
    args = _centre(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text(roster.read_text(encoding="utf-8").replace(
        "[bold red]Bob[/bold red]", "Bob\x1b[31m\x1b]0;pwned\x07 Lee"), encoding="utf-8")
    for fmt in ("text", "markdown", "json"):
        result = runner.invoke(app, ["explain", "--agent", "A2", "--month", "2026-10", *args, "--format", fmt],
                               catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output
        if fmt == "json":  # JSON keeps the value as read, its controls written as \u escapes
            assert json.loads(result.output)["person"]["name"] == "Bob\x1b[31m\x1b]0;pwned\x07 Lee"
        else:
            assert "Bob Lee" in result.output and "pwned" not in result.output


def test_unknown_agent_exit_3(tmp_path):
    args = _centre(tmp_path)
    result = runner.invoke(app, ["explain", "--agent", "ZZ9", "--month", "2026-10", *args])
    assert result.exit_code == 3
    assert "'ZZ9' is not in the roster" in result.output


def test_needs_a_period(tmp_path):
    args = _centre(tmp_path)
    result = runner.invoke(app, ["explain", "--agent", "A1", *args])
    assert result.exit_code == 2 and "--month" in result.output


def test_grade_on_the_samples():
    result = runner.invoke(app, ["explain", "--agent", "E0020", "--quarter", "2026Q3",
                                 "--roster", str(SAMPLES / "roster.xlsx"), "--calls", str(SAMPLES / "calls.parquet"),
                                 "--kpi", str(SAMPLES / "kpi.csv"), "--punches", str(SAMPLES / "punches.csv"),
                                 "--schedule", str(SAMPLES / "schedule.csv"), "--format", "json"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    g = doc["grade"]
    assert g["current_grade"] == "A" and g["decision"] in {"keep", "below_current", "promote"}
    assert "GRD-A" in g["rule_ids"] and doc["explanation"]


def test_writes_a_file_owner_only_with_pay(tmp_path):
    args = _centre(tmp_path)
    out = tmp_path / "a1.md"
    result = runner.invoke(app, ["explain", "--agent", "A1", "--month", "2026-10", *args, "--kpi",
                                 str(tmp_path / "kpi.csv"), "--format", "markdown", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "3500" not in result.output and "## Pay (CONFIDENTIAL)" in out.read_text("utf-8")
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_help_has_an_example():
    result = runner.invoke(app, ["explain", "--help"])
    assert result.exit_code == 0 and re.search(r"Examples?:\s+cctool explain --agent", result.output)
    assert "--quarter 2026Q3" in result.output  # the grade has its example too


def test_month_on_the_samples_matches_the_schedule():
    import pandas as pd

    result = runner.invoke(app, ["explain", "--agent", "E0008", "--month", "2026-07",
                                 "--roster", str(SAMPLES / "roster.xlsx"), "--schedule", str(SAMPLES / "schedule.csv"),
                                 "--punches", str(SAMPLES / "punches.csv"), "--leave", str(SAMPLES / "leave.xlsx"),
                                 "--excusals", str(SAMPLES / "excusals.csv"), "--format", "json"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    sched = pd.read_csv(SAMPLES / "schedule.csv", dtype=str)
    sched = sched[sched.iloc[:, 0] == "E0008"]
    july = sorted(d for d in sched.iloc[:, 1] if d.startswith("2026-07"))
    assert [s["date"] for s in doc["shifts"]] == july
    assert doc["month_totals"]["scheduled_days"] == len(july)
    for f in doc["findings"]:
        assert f["rule_id"] and f["reason"]


def _quarter_centre(tmp: Path) -> list[str]:
    """Q4 2026 of a centre unlike the samples: G-1 (grade C) earns B at its boundaries (KPI 90,
    CPH 15, success 60 %); G-2 made no call, so is not graded."""
    (tmp / "roster.csv").write_text(
        "工号,姓名,班组,岗位,业务线,部门,级别,直属上级,入职日期,转正考试\n"
        "S-9,主管,,supervisor,,operations,,,2019-01-01,\n"
        "G-1,甲,南区,agent,TSR,operations,C,S-9,2023-01-01,true\n"
        "G-2,乙,南区,agent,TSR,operations,B,S-9,2023-01-01,true\n", encoding="utf-8-sig")
    days = ["2026-10-02", "2026-12-30"]
    (tmp / "schedule.csv").write_text("agent_id,date,shift_start,shift_end\n" + "".join(
        f"{a},{d},09:00,10:00\n" for a in ("G-1", "G-2") for d in days), encoding="utf-8")
    (tmp / "punches.csv").write_text("agent_id,date,sign_in,sign_out\n" + "".join(
        f"{a},{d},{d} 09:00:00,{d} 10:00:00\n" for a in ("G-1", "G-2") for d in days), encoding="utf-8")
    (tmp / "kpi.csv").write_text("agent_id,month,kpi_score\n" + "".join(
        f"{a},2026-{m},90\n" for a in ("G-1", "G-2") for m in (10, 11, 12)), encoding="utf-8")
    # 15 connected calls an hour on each of the two 1-hour shifts, 9 of each 15 successful
    (tmp / "calls.csv").write_text("call_id,agent_id,start_time,duration_s,connected,success\n" + "".join(
        f"{d}-{k},G-1,{d} 09:{k * 3:02d}:00,60,true,{'true' if k < 9 else 'false'}\n"
        for d in days for k in range(15)), encoding="utf-8")
    return ["--roster", str(tmp / "roster.csv"), "--calls", str(tmp / "calls.csv"), "--kpi", str(tmp / "kpi.csv"),
            "--punches", str(tmp / "punches.csv"), "--schedule", str(tmp / "schedule.csv")]


def test_grade_on_another_centre_and_a_person_not_graded(tmp_path):
    args = _quarter_centre(tmp_path)
    result = runner.invoke(app, ["explain", "--agent", "G-1", "--quarter", "2026Q4", *args, "--format", "json"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    g = json.loads(result.output)["grade"]
    assert (g["earned_grade"], g["decision"], g["cph"], g["success_rate"]) == ("B", "promote", 15.0, 0.6)
    assert "GRD-B" in g["rule_ids"] and "GRD-APPROVAL" in g["rule_ids"]
    text = runner.invoke(app, ["explain", "--agent", "G-2", "--quarter", "2026Q4", *args], catch_exceptions=False)
    assert text.exit_code == 0, text.output
    # nothing to show is a dash, not a blank ("earned  →", "success rate ;")
    assert "current B, earned — → not_graded" in text.output and "success rate —;" in text.output
    assert "no call records in the quarter" in text.output


def test_a_partial_grade_explanation_says_so_in_itself(tmp_path):
    # KPI scores for July only: the quarter's grade is partial. With --allow-partial the explanation
    # (text and JSON, not only stderr) opens with what was partial.
    kpi = (SAMPLES / "kpi.csv").read_text(encoding="utf-8").splitlines()
    month = next(i for i, h in enumerate(kpi[0].split(",")) if h.strip() in ("month", "月份"))
    (tmp_path / "kpi.csv").write_text("\n".join([kpi[0], *[r for r in kpi[1:] if r.split(",")[month] == "2026-07"]])
                                      + "\n", encoding="utf-8")
    args = ["explain", "--agent", "E0020", "--quarter", "2026Q3", "--roster", str(SAMPLES / "roster.xlsx"),
            "--calls", str(SAMPLES / "calls.parquet"), "--kpi", str(tmp_path / "kpi.csv"),
            "--punches", str(SAMPLES / "punches.csv"), "--schedule", str(SAMPLES / "schedule.csv")]
    assert runner.invoke(app, args).exit_code == 3
    text = runner.invoke(app, [*args, "--allow-partial", "--out", str(tmp_path / "e.txt")])
    assert text.exit_code == 0, text.output
    body = (tmp_path / "e.txt").read_text(encoding="utf-8")
    assert "PARTIAL REPORT (--allow-partial)" in body.splitlines()[2] and "2026-08" in body
    js = runner.invoke(app, [*args, "--allow-partial", "--format", "json", "--out", str(tmp_path / "e.json")])
    assert js.exit_code == 0, js.output
    doc = json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))
    assert doc["coverage"]["partial"] is True and doc["coverage"]["gaps"]


def test_the_grade_metrics_line_writes_the_success_rate_as_the_reason_does():
    args = ["explain", "--agent", "E0020", "--quarter", "2026Q3", "--roster", str(SAMPLES / "roster.xlsx"),
            "--calls", str(SAMPLES / "calls.parquet"), "--kpi", str(SAMPLES / "kpi.csv"),
            "--punches", str(SAMPLES / "punches.csv"), "--schedule", str(SAMPLES / "schedule.csv")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rate = re.search(r"success rate (\S+);", result.output).group(1)
    assert rate.endswith("%") and f"success rate {rate} >=" in result.output.replace("success_rate", "success rate")
