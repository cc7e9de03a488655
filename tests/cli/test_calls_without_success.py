"""A call log without a success column (an inbound desk's export): with
grading.calls_without_success: grade_other_criteria, kpi-report and daily-brief report
successes and success rates as unknown (n/a, JSON null) — never 0 % — and judge the grade
targets they can; without the setting they refuse (exit 3) naming it; monthly-payroll always
refuses, because commission is paid per successful call."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from cctool.cli.main import app
from cctool.errors import ExitCode

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="module")
def centre(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nosuccess")
    calls = pd.read_parquet(SAMPLES / "calls.parquet").drop(columns=["success"])
    calls.to_csv(folder / "calls.csv", index=False)
    rules = yaml.safe_load((ROOT / "rules" / "default.yaml").read_text(encoding="utf-8"))
    rules["grading"]["calls_without_success"] = "grade_other_criteria"
    (folder / "rules.yaml").write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    inputs = ["--roster", str(SAMPLES / "roster.xlsx"), "--calls", str(folder / "calls.csv"),
              "--punches", str(SAMPLES / "punches.csv"), "--schedule", str(SAMPLES / "schedule.csv")]
    return folder, inputs


def test_kpi_report_shows_success_as_unknown_and_judges_the_other_targets(centre):
    folder, inputs = centre
    result = runner.invoke(app, ["kpi-report", "--period", "week", "--date", "2026-08-01", *inputs,
                                 "--rules", str(folder / "rules.yaml"), "--out", str(folder / "kpi.xlsx"),
                                 "--json", str(folder / "kpi.json")])
    assert result.exit_code == 0, result.output
    doc = json.loads((folder / "kpi.json").read_text(encoding="utf-8"))
    assert any("no success column" in n for n in doc["notes"])
    calling = [r for r in doc["records"] if r["calls"]]
    assert calling
    for r in calling:
        assert r["successes"] is None and r["success_rate"] is None
        assert r["success_met"] is None and r["success_target"] is None  # not evaluated
    # A TSR agent's targets in a week are CPH only (KPI is monthly): all met = CPH met.
    judged = [r for r in calling if r["line"] == "TSR" and r["cph_met"] is not None]
    assert judged and all(r["targets_met"] == r["cph_met"] for r in judged)
    assert doc["centre"]["successes"] is None and doc["centre"]["success_rate"] is None
    assert all(t["success_rate"] is None for t in doc["teams"])
    assert any(t["rank"] == 1 for t in doc["teams"])  # ranked on the targets it could judge
    sheet = openpyxl.load_workbook(folder / "kpi.xlsx")["Agents"]
    header = [c.value for c in sheet[2]]
    rows = [dict(zip(header, r)) for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert all(r["Success rate"] in (None, "n/a") and r["Successes"] in (None, "n/a") for r in rows)
    assert "no success column" in sheet["A1"].value


def test_daily_brief_says_na_not_zero(centre):
    folder, inputs = centre
    result = runner.invoke(app, ["daily-brief", "--date", "2026-07-15", *inputs, "--rules", str(folder / "rules.yaml")])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("TSR-")]
    assert lines and all("success n/a" in line and "0.0%" not in line for line in lines)
    # n/a stands alone: no changes of an unknown rate beside it ("n/a (n/a/n/a pp)")
    assert all("success n/a, CPH" in line and "pp)" not in line for line in lines)


def test_without_the_setting_the_reports_refuse_naming_it(centre):
    folder, inputs = centre
    result = runner.invoke(app, ["kpi-report", "--period", "week", "--date", "2026-08-01", *inputs,
                                 "--out", str(folder / "refused.xlsx")])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "missing required column: success" in result.output
    assert "grading.calls_without_success: grade_other_criteria" in result.output
    assert not (folder / "refused.xlsx").exists()


def test_payroll_needs_success_whatever_the_setting(centre):
    folder, inputs = centre
    result = runner.invoke(app, ["monthly-payroll", "--month", "2026-07", *inputs, "--rules", str(folder / "rules.yaml"),
                                 "--kpi", str(SAMPLES / "kpi.csv"), "--leave", str(SAMPLES / "leave.xlsx"),
                                 "--out", str(folder / "pay.xlsx")])
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "commission" in result.output and "per successful call" in result.output
    assert not (folder / "pay.xlsx").exists()


def test_a_metrics_file_without_success_is_refused_where_the_log_would_be(centre):
    """call-metrics on a log without success (allowed by the rules) makes a file that serves the
    reports the rules allow, and is refused by monthly-payroll (commission) — never counted as
    0 successful calls."""
    folder, inputs = centre
    rules = ["--rules", str(folder / "rules.yaml")]
    shifts = ["--roster", str(SAMPLES / "roster.xlsx"), "--schedule", str(SAMPLES / "schedule.csv"),
              "--punches", str(SAMPLES / "punches.csv"), "--leave", str(SAMPLES / "leave.xlsx")]
    metrics = folder / "m.parquet"
    made = runner.invoke(app, ["call-metrics", "--month", "2026-07", "--calls", str(folder / "calls.csv"),
                               "--out", str(metrics), *shifts, *rules])
    assert made.exit_code == 0, made.output
    pay = runner.invoke(app, ["monthly-payroll", "--month", "2026-07", *shifts, "--metrics", str(metrics), *rules,
                              "--kpi", str(SAMPLES / "kpi.csv"), "--out", str(folder / "pay-m.xlsx")])
    assert pay.exit_code == ExitCode.BAD_INPUT, pay.output
    assert "without a success column" in pay.output and "per successful call" in pay.output
    assert not (folder / "pay-m.xlsx").exists()
    day = ["daily-brief", "--date", "2026-07-15", "--roster", str(SAMPLES / "roster.xlsx"), "--schedule",
           str(SAMPLES / "schedule.csv"), "--punches", str(SAMPLES / "punches.csv"), "--metrics", str(metrics)]
    refused = runner.invoke(app, day)  # the default rules: success required
    assert refused.exit_code == ExitCode.BAD_INPUT and "without a success column" in refused.output
    allowed = runner.invoke(app, [*day, *rules])
    assert allowed.exit_code == 0, allowed.output
    assert "success n/a" in allowed.output
