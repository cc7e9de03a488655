"""kpi-report and daily-brief end to end on the bundled samples: read the workbook (sheets,
the Trend sheet's line chart in its XML), the JSON and the brief's lines back."""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cctool.cli.main import app

runner = CliRunner()
SAMPLES = Path(__file__).resolve().parents[2] / "samples"
INPUTS = ["--roster", str(SAMPLES / "roster.xlsx"), "--calls", str(SAMPLES / "calls.parquet"),
          "--punches", str(SAMPLES / "punches.csv"), "--schedule", str(SAMPLES / "schedule.csv")]


def invoke(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def week_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("kpi")
    result = invoke("kpi-report", "--period", "week", "--date", "2026-08-01", *INPUTS, "--kpi", str(SAMPLES / "kpi.csv"),
                    "--out", str(out / "kpi.xlsx"), "--json", str(out / "kpi.json"))
    assert result.exit_code == 0, result.output
    return out, result.output


def _trend_chart_xml(path: Path) -> str:
    """The chart XML drawn on the Trend sheet (sheet -> drawing -> chart)."""
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        book = z.read("xl/workbook.xml").decode()
        sheets = re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="(rId\d+)"', book)
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        rid = dict(sheets)["Trend"]
        target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"', rels) or \
            re.search(rf'Target="([^"]+)"[^>]*Id="{rid}"', rels)
        sheet = "xl/" + target.group(1).lstrip("/").removeprefix("xl/")
        sheet_rels = z.read(sheet.replace("worksheets/", "worksheets/_rels/") + ".rels").decode()
        drawing = "xl/drawings/" + re.search(r'drawings/([^"]+)"', sheet_rels).group(1)
        drawing_rels = z.read(drawing.replace("drawings/", "drawings/_rels/") + ".rels").decode()
        chart = "xl/charts/" + re.search(r'charts/([^"]+)"', drawing_rels).group(1)
        assert chart in names
        return z.read(chart).decode()


def test_week_workbook_sheets_chart_and_ranked_teams(week_report):
    out, output = week_report
    book = openpyxl.load_workbook(out / "kpi.xlsx")
    assert book.sheetnames == ["Agents", "Teams", "Trend", "Trend detail", "Errors", "Run"]
    header = [c.value for c in book["Agents"][2]]
    assert header[:3] == ["Agent ID", "Name", "Team"] and "CPH target" in header and "All targets met" in header
    teams = list(book["Teams"].iter_rows(min_row=3, values_only=True))
    # The three TSR teams are ranked; CSR-1 made no calls (nothing known to rank it on): no rank.
    assert [(r[0], r[1]) for r in teams[:-1]] == [(1, "TSR-3"), (2, "TSR-2"), (3, "TSR-1"), (None, "CSR-1")]
    assert teams[-1][1] == "Centre" and teams[-1][0] is None
    trend_header = [c.value for c in book["Trend"][2]]
    assert trend_header[0] == "Date" and "TSR-1 CPH" in trend_header
    dates = [r[0].strftime("%m-%d") for r in book["Trend"].iter_rows(min_row=3, values_only=True)]
    assert dates == ["07-27", "07-28", "07-29", "07-30", "07-31", "08-01", "08-02"]
    xml = _trend_chart_xml(out / "kpi.xlsx")
    # CPH does not apply to the CSR team: n/a in its column, left out of the chart; a date axis
    assert "<c:lineChart>" in xml and xml.count("<c:ser>") == sum(h.endswith(" CPH") and not h.startswith("CSR")
                                                                  for h in trend_header)
    assert "<c:dateAx>" in xml
    csr = trend_header.index("CSR-1 CPH")
    assert {r[csr] for r in book["Trend"].iter_rows(min_row=3, values_only=True)} == {"n/a"}
    assert "2026-W31" in output and "top team" in output


def test_week_json_contract(week_report):
    out, _ = week_report
    doc = json.loads((out / "kpi.json").read_text(encoding="utf-8"))
    assert doc["command"] == "kpi-report" and doc["period"].startswith("2026-W31")
    assert doc["period_start"] == "2026-07-27" and doc["period_end"] == "2026-08-02"
    assert {i["name"] for i in doc["inputs"]} >= {"roster", "calls", "punches", "schedule"}
    book = openpyxl.load_workbook(out / "kpi.xlsx")
    assert len(doc["records"]) == book["Agents"].max_row - 2
    rec = next(r for r in doc["records"] if r["line"] == "TSR")
    assert rec["rule_ids"].startswith("RPT-KPI, GRD-") and rec["cph_target"] is not None
    assert [t["rank"] for t in doc["teams"]] == [1, 2, 3, None]  # CSR-1: no calls, nothing to rank on
    assert doc["centre"]["calls"] == sum(t["calls"] for t in doc["teams"]) == sum(r["calls"] for r in doc["records"])
    assert sum(t["calls"] for t in doc["trend"]) == doc["centre"]["calls"]
    assert any("E9999" in (i["value"] or "") for i in doc["issues"])


def test_month_in_chinese_with_kpi_scores(tmp_path):
    result = invoke("kpi-report", "--period", "month", "--date", "2026-09-30", *INPUTS, "--kpi",
                    str(SAMPLES / "kpi.csv"), "--out", str(tmp_path / "m.xlsx"), "--lang", "zh")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "m.xlsx")
    assert book.sheetnames == ["坐席", "班组", "趋势", "趋势明细", "错误", "运行信息"]
    header = [c.value for c in book["坐席"][2]]
    scores = [r[header.index("KPI得分")] for r in book["坐席"].iter_rows(min_row=3, values_only=True)]
    assert sum(s is not None for s in scores) > 30
    assert book["趋势"].max_row - 2 == 30 and len(book["趋势"]._charts) == 1


def test_day_report_has_no_trend(tmp_path):
    result = invoke("kpi-report", "--period", "day", "--date", "2026-08-31", *INPUTS, "--out", str(tmp_path / "d.xlsx"))
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(tmp_path / "d.xlsx").sheetnames == ["Agents", "Teams", "Errors", "Run"]


def test_daily_brief_text_zh_to_stdout_even_when_quiet():
    result = invoke("--quiet", "daily-brief", "--date", "2026-08-03", *INPUTS, "--lang", "zh")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "运营日报 2026-08-03（周一）[RPT-DAILY]"
    assert lines[1].startswith("全中心：呼叫") and any(line.startswith("TSR-2：呼叫") for line in lines)
    assert lines[-1].startswith("括号内为较前一日 08-02（周日）")
    assert "Wrote" not in result.stdout and "warning" not in result.stdout


def test_daily_brief_json_and_markdown_files(tmp_path):
    result = invoke("daily-brief", "--date", "2026-08-03", *INPUTS, "--format", "json", "--out",
                    str(tmp_path / "brief.json"))
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "brief.json").read_text(encoding="utf-8"))
    assert doc["command"] == "daily-brief" and doc["prev_week"] == "2026-07-27"
    centre = doc["records"][0]
    assert centre["scope"] == "centre" and centre["calls"] == sum(r["calls"] for r in doc["records"][1:])
    result = invoke("daily-brief", "--date", "2026-08-03", *INPUTS, "--format", "markdown", "--out",
                    str(tmp_path / "brief.md"))
    assert result.exit_code == 0 and "Wrote" in result.output
    md = (tmp_path / "brief.md").read_text(encoding="utf-8")
    assert "| Team | Calls |" in md and f"| **Centre** | {centre['calls']} |" in md


@pytest.mark.parametrize("args, code", [
    (["kpi-report", "--period", "year", "--date", "2026-08-01", *INPUTS, "--out", "x.xlsx"], 2),
    (["kpi-report", "--period", "week", "--date", "2026-13-01", *INPUTS, "--out", "x.xlsx"], 2),
    (["daily-brief", "--date", "2026-08-03", *INPUTS, "--format", "pdf"], 2),
    (["daily-brief", "--date", "2026-08-03", "--roster", "missing.xlsx", "--calls", "c.parquet"], 3),
])
def test_bad_options_and_inputs_exit_codes(args, code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output and not (tmp_path / "x.xlsx").exists()
