"""RPT-EXAM end to end: kpi-report --period month and monthly-payroll with --exams on the samples,
read back from the workbook and JSON; the exam day from a rules file; --exams refused for a week;
RPT-DAILY / RPT-KPI / RPT-EXAM are rules-file entries."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
from typer.testing import CliRunner

from cctool.cli.main import app
from cctool.rules import load_rules

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
ROOT = SAMPLES.parent
runner = CliRunner()
KPI = ["kpi-report", "--period", "month", "--date", "2026-07-15", "--roster", str(SAMPLES / "roster.xlsx"),
       "--calls", str(SAMPLES / "calls.parquet"), "--exams", str(SAMPLES / "exams.csv")]


def invoke(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def sheet_rows(path: Path, name: str) -> list[dict]:
    ws = openpyxl.load_workbook(path)[name]
    header = [c.value for c in ws[2]]
    return [dict(zip(header, r)) for r in ws.iter_rows(min_row=3, values_only=True)]


def test_kpi_month_lists_scores_and_findings(tmp_path):
    result = invoke(*KPI, "--out", str(tmp_path / "k.xlsx"), "--json", str(tmp_path / "k.json"))
    assert result.exit_code == 0, result.output
    rows = {r["Agent ID"]: r for r in sheet_rows(tmp_path / "k.xlsx", "Exams")}
    raw = pd.read_csv(SAMPLES / "exams.csv")
    raw = raw[raw["month"] == "2026-07"].set_index("agent_id")
    by_hand_late = set(raw.index[pd.to_datetime(raw["exam_date"]) > "2026-07-25"])
    flagged = {a for a, r in rows.items() if r["Needs attention"] == "Yes"}
    missing = {a for a, r in rows.items() if r["Exam score"] is None}
    assert by_hand_late and missing and flagged == by_hand_late | missing
    some = sorted(set(rows) - flagged)[0]
    assert rows[some]["Exam score"] == raw.at[some, "score"] and rows[some]["Exam taken by the deadline"] == "Yes"
    assert all(rows[a]["Rule ID"] == "RPT-EXAM" and "2026-07-25" in rows[a]["Reason"] for a in flagged)
    doc = json.loads((tmp_path / "k.json").read_text(encoding="utf-8"))
    assert {e["agent_id"] for e in doc["exams"] if not e["exam_taken"]} == flagged


def test_payroll_has_the_exams_of_its_people_only(tmp_path):
    result = invoke("monthly-payroll", "--month", "2026-07", "--roster", str(SAMPLES / "roster.xlsx"),
                    "--schedule", str(SAMPLES / "schedule.csv"), "--punches", str(SAMPLES / "punches.csv"),
                    "--exams", str(SAMPLES / "exams.csv"), "--split-by", "team", "--out", str(tmp_path / "p.xlsx"))
    assert result.exit_code == 0, result.output
    part = tmp_path / "p-TSR-1.xlsx"
    people = {r["Agent ID"] for r in sheet_rows(part, "Payroll")}
    exams = {r["Agent ID"] for r in sheet_rows(part, "Exams")}
    assert exams and exams <= people


def test_exam_day_from_the_rules_file(tmp_path):
    text = (ROOT / "rules" / "default.yaml").read_text(encoding="utf-8").replace("by_day: 25", "by_day: 10")
    (tmp_path / "rules.yaml").write_text(text, encoding="utf-8")
    result = invoke(*KPI, "--rules", str(tmp_path / "rules.yaml"), "--out", str(tmp_path / "k.xlsx"))
    assert result.exit_code == 0, result.output
    rows = sheet_rows(tmp_path / "k.xlsx", "Exams")
    assert any("2026-07-10" in (r["Reason"] or "") for r in rows)


def test_exams_refused_outside_a_month(tmp_path):
    args = [a if a != "month" else "week" for a in KPI]
    result = invoke(*args, "--out", str(tmp_path / "k.xlsx"))
    assert result.exit_code == 2 and "--period month" in result.output
    assert not (tmp_path / "k.xlsx").exists()


def test_reporting_duties_are_rules_file_entries(tmp_path):
    table = {rule_id: path for rule_id, path, _ in load_rules().rules.rule_table()}
    assert table["RPT-DAILY"] == "reports.daily" and table["RPT-KPI"] == "reports.kpi"
    assert table["RPT-EXAM"] == "reports.exam"
    text = (ROOT / "rules" / "default.yaml").read_text(encoding="utf-8").replace("by_day: 25", "by_day: 32")
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    result = invoke("rules", "validate", str(tmp_path / "bad.yaml"))
    assert result.exit_code == 4 and "reports.exam.by_day" in result.output
