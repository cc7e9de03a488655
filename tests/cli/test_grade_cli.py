"""grade-agents end to end on a generated sample centre: read the workbook and JSON back and
check one agent's CPH and success rate by hand against the input files."""
from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from cctool.cli.main import app
from cctool.io.readers import file_sha256
from cctool.samples.generate import generate_centre, write_calls, write_centre

runner = CliRunner()
RECORD_FIELDS = ["agent_id", "name", "team", "current_grade", "quarter", "kpi_mean", "cph", "success_rate", "calls",
                 "connected", "successes", "hours", "cph_basis", "earned_grade", "decision", "rule_ids", "explanation"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("centre")
    centre = generate_centre(40, "2026-07", 3, seed=1)
    paths = write_centre(centre, folder)
    paths["calls_parquet"] = write_calls(centre, folder / "calls.parquet", "parquet")
    return folder, paths


def run(paths, out, *extra, calls_key="calls"):
    args = ["grade-agents", "--quarter", "2026Q3", "--roster", str(paths["roster"]), "--calls", str(paths[calls_key]),
            "--kpi", str(paths["kpi"]), "--punches", str(paths["punches"]), "--schedule", str(paths["schedule"]),
            "--out", str(out / "grades.xlsx"), "--json", str(out / "grades.json"), *extra]
    return runner.invoke(app, args, catch_exceptions=False)


@pytest.fixture(scope="module")
def graded(sample, tmp_path_factory):
    _, paths = sample
    out = tmp_path_factory.mktemp("grades")
    result = run(paths, out)
    assert result.exit_code == 0, result.output
    return out, json.loads((out / "grades.json").read_text(encoding="utf-8")), result.output


def test_workbook_sheets_chart_and_headers(graded):
    out, doc, output = graded
    book = openpyxl.load_workbook(out / "grades.xlsx")
    assert book.sheetnames == ["Grades", "Distribution", "Promotions", "Review", "Errors", "Run"]
    header = [c.value for c in book["Grades"][2]]
    assert header[:4] == ["Agent ID", "Name", "Team", "Current grade"] and "CPH basis" in header
    assert len(book["Grades"]._charts) == 0 and len(book["Distribution"]._charts) == 1
    rows = list(book["Grades"].iter_rows(min_row=3, values_only=True))
    assert len(rows) == len(doc["records"])
    dist = list(book["Distribution"].iter_rows(min_row=3, values_only=True))
    assert sum(r[-1] for r in dist) == len(doc["records"])  # Total column adds up to every graded agent
    assert "agents graded for 2026Q3" in output


def test_json_contract(graded):
    _, doc, _ = graded
    assert doc["command"] == "grade-agents" and doc["period"] == "2026Q3"
    assert [i["name"] for i in doc["inputs"]] == ["roster", "calls", "kpi", "punches", "schedule"]
    for rec in doc["records"]:
        assert list(rec) == RECORD_FIELDS
        assert rec["decision"] in {"promote", "keep", "below_current", "eligible_for_regular", "too_early",
                                   "trainee_overdue", "not_graded"}
        assert rec["rule_ids"].startswith("GRD-QUARTERLY") and rec["explanation"]
    decisions = {r["decision"] for r in doc["records"]}
    assert {"promote", "keep", "not_graded", "too_early"} <= decisions
    assert any("CSR agent(s) not graded" in n for n in doc["notes"])


def test_calls_input_is_fingerprinted_and_uncounted_calls_are_reported(graded, sample):
    _, doc, _ = graded
    _, paths = sample
    calls_in = next(i for i in doc["inputs"] if i["name"] == "calls")
    raw = pd.read_csv(paths["calls"], dtype={"agent_id": str})
    assert calls_in["sha256"] == file_sha256(paths["calls"]) and calls_in["rows"] == len(raw)
    problems = [i["problem"] for i in doc["issues"]]
    unknown = raw[~raw["agent_id"].str.startswith("E0")]
    assert unknown["agent_id"].nunique() == 1
    assert any(p.startswith(f"agent not in the roster: {len(unknown)} call record(s)") for p in problems)
    assert any("outside the period 2026-07-01..2026-09-30" in p for p in problems)


def test_one_agent_cph_and_success_rate_by_hand(graded, sample):
    out, doc, _ = graded
    _, paths = sample
    book = openpyxl.load_workbook(out / "grades.xlsx")
    ws = book["Grades"]
    header = [c.value for c in ws[2]]
    sheet = {r[0]: dict(zip(header, r)) for r in ws.iter_rows(min_row=3, values_only=True)}
    rec = next(r for r in doc["records"] if r["decision"] in ("keep", "promote", "below_current")
               and "missing punch" not in r["explanation"] and sheet[r["agent_id"]]["CPH basis"] == "signed_in")
    agent = rec["agent_id"]

    calls = pd.read_csv(paths["calls"], dtype={"agent_id": str}, parse_dates=["start_time"])
    mine = calls[(calls["agent_id"] == agent) & (calls["start_time"] >= "2026-07-01")
                 & (calls["start_time"] < "2026-10-01")]
    punches = pd.read_csv(paths["punches"], encoding="gb18030", dtype=str)
    p = punches[(punches["工号"] == agent) & (punches["日期"] >= "2026-07-01") & (punches["日期"] <= "2026-09-30")]
    hours = (pd.to_datetime(p["签出"]) - pd.to_datetime(p["签入"])).dt.total_seconds().sum() / 3600

    assert rec["calls"] == len(mine) and rec["connected"] == int(mine["connected"].sum())
    assert rec["successes"] == int(mine["success"].sum())
    assert rec["hours"] == pytest.approx(hours, abs=0.005)
    assert rec["cph"] == round(len(mine) / hours, 2)
    assert rec["success_rate"] == round(mine["success"].sum() / mine["connected"].sum(), 4)
    kpi = pd.read_csv(paths["kpi"], dtype={"agent_id": str})
    assert rec["kpi_mean"] == round(kpi[kpi["agent_id"] == agent]["kpi_score"].mean(), 2)


def test_promotions_and_review_sheets_match_the_records(graded):
    out, doc, _ = graded
    book = openpyxl.load_workbook(out / "grades.xlsx")
    promo = [r[0] for r in book["Promotions"].iter_rows(min_row=3, values_only=True)]
    assert promo
    review = [r[0] for r in book["Review"].iter_rows(min_row=3, values_only=True)]
    assert promo == [r["agent_id"] for r in doc["records"] if r["decision"] in ("promote", "eligible_for_regular")]
    assert review == [r["agent_id"] for r in doc["records"]
                      if r["decision"] in ("below_current", "trainee_overdue", "not_graded")]
    approvals = [c.value for c in book["Promotions"][2]].index("Required approvals")
    for row in book["Promotions"].iter_rows(min_row=3, values_only=True):
        assert row[approvals].startswith("supervisor E") and " → director E" in row[approvals]


def test_parquet_calls_give_the_same_records_and_chinese_workbook(sample, graded, tmp_path):
    _, paths = sample
    result = run(paths, tmp_path, "--lang", "zh", calls_key="calls_parquet")
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "grades.json").read_text(encoding="utf-8"))
    assert doc["records"] == graded[1]["records"]
    book = openpyxl.load_workbook(tmp_path / "grades.xlsx")
    assert book.sheetnames[:4] == ["评级", "级别分布", "晋级", "复核"]


def test_bad_call_log_exits_3_without_a_report(sample, tmp_path):
    _, paths = sample
    bad = tmp_path / "calls.csv"
    bad.write_text("call_id,agent_id,start_time,duration_s\n1,E0001,2026-07-01 09:00:00,5\n", encoding="utf-8")
    result = runner.invoke(app, ["grade-agents", "--quarter", "2026Q3", "--roster", str(paths["roster"]),
                                 "--calls", str(bad), "--kpi", str(paths["kpi"]), "--out", str(tmp_path / "g.xlsx")])
    assert result.exit_code == 3
    text = " ".join(result.output.split())
    assert "missing required column(s): connected" in text
    # the message names the missing success field and the two ways out
    assert "missing required column: success" in text and "columns.calls.success: {from:" in text
    assert "grading.calls_without_success: grade_other_criteria" in text
    assert "Traceback" not in result.output and not (tmp_path / "g.xlsx").exists()
