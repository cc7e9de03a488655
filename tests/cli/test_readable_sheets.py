"""Sheets that read well, end to end on the samples: long texts wrap, one boolean style, dates as
dates, % axes from 0 with the team target line, trend charts on a date axis, every highlighted
row says why, CPH n/a where it does not apply and one centre CPH in kpi-report and daily-brief."""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cctool.cli.main import app

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
S = {p.name: str(p) for p in SAMPLES.iterdir()}
runner = CliRunner()


def invoke(*args: str):
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def audit(tmp_path_factory):
    out = tmp_path_factory.mktemp("att") / "attendance.xlsx"
    invoke("attendance-audit", "--month", "2026-07", "--roster", S["roster.xlsx"], "--schedule", S["schedule.csv"],
           "--punches", S["punches.csv"], "--leave", S["leave.xlsx"], "--excusals", S["excusals.csv"],
           "--swaps", S["swaps.csv"], "--out", str(out))
    return out


def rows(ws, header_row: int = 2) -> list[dict]:
    header = [c.value for c in ws[header_row]]
    return [dict(zip(header, r)) for r in ws.iter_rows(min_row=header_row + 1, values_only=True)]


def chart_xml(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [z.read(n).decode() for n in sorted(z.namelist()) if n.startswith("xl/charts/chart")]


def test_long_explanations_wrap_with_tall_rows(audit):
    ws = openpyxl.load_workbook(audit)["Events"]
    header = [c.value for c in ws[2]]
    col = header.index("Reason") + 1
    letter = openpyxl.utils.get_column_letter(col)
    assert 60 < ws.column_dimensions[letter].width < 90
    longest = max(range(3, ws.max_row + 1), key=lambda r: len(ws.cell(r, col).value or ""))
    cell = ws.cell(longest, col)
    assert len(cell.value) > 120 and cell.alignment.wrap_text
    assert ws.row_dimensions[longest].height >= 15 * (len(cell.value) // 70)


def test_one_boolean_style_and_dates_as_dates(audit):
    book = openpyxl.load_workbook(audit)
    for ws in book.worksheets:
        assert not any(isinstance(v, bool) for r in ws.iter_rows(values_only=True) for v in r), ws.title
    leave = book["Leave"]
    header = [c.value for c in leave[2]]
    for name in ("Start", "End"):
        cells = [r[header.index(name)] for r in leave.iter_rows(min_row=3)]
        whole_days = [c for c in cells if c.value is not None and c.value.hour == 0 and c.value.minute == 0]
        assert whole_days and {c.number_format for c in whole_days} == {"yyyy-mm-dd"}
    approved = {r["Approved"] for r in rows(leave)}
    assert approved <= {"Yes", "No"} and len(approved) == 2
    events = book["Events"]
    sign_in = [r[[c.value for c in events[2]].index("Sign-in")] for r in events.iter_rows(min_row=3)]
    assert {c.number_format for c in sign_in if c.value is not None} <= {"yyyy-mm-dd hh:mm:ss", "yyyy-mm-dd hh:mm"}


def test_team_chart_starts_at_zero_in_percent_with_the_target_line(audit):
    [xml] = chart_xml(audit)
    assert "<c:barChart>" in xml and "<c:lineChart>" in xml  # bars per team, the target as a line
    assert '<c:min val="0"/>' in xml and 'formatCode="0%"' in xml
    assert "0.95" in re.search(r"<c:lineChart>.*</c:lineChart>", xml, re.S).group(0)


def test_every_highlighted_row_says_why(audit):
    summary = rows(openpyxl.load_workbook(audit)["Summary"])
    flagged = [r for r in summary if r["Needs attention"] == "Yes"]
    assert flagged and all(r["Rule IDs"] and r["Explanation"] for r in flagged)
    by_id = {r["Agent ID"]: r for r in summary}
    for agent in ("E0017", "E0050", "E0052"):
        assert "ATT-MISSING-PUNCH" in by_id[agent]["Rule IDs"]
        assert f"{by_id[agent]['Missing punches']} missing punch(es)" in by_id[agent]["Explanation"]


def test_cph_is_na_for_csr_and_one_centre_cph(tmp_path):
    inputs = ["--roster", S["roster.xlsx"], "--calls", S["calls.parquet"], "--punches", S["punches.csv"],
              "--schedule", S["schedule.csv"]]
    invoke("kpi-report", "--period", "day", "--date", "2026-07-15", *inputs, "--out", str(tmp_path / "k.xlsx"),
           "--json", str(tmp_path / "k.json"))
    agents = rows(openpyxl.load_workbook(tmp_path / "k.xlsx")["Agents"])
    assert {r["CPH"] for r in agents if r["Line"] == "CSR"} == {"n/a"}
    assert all(isinstance(r["CPH"], float) for r in agents if r["Line"] == "TSR" and r["Hours"])
    teams = rows(openpyxl.load_workbook(tmp_path / "k.xlsx")["Teams"])
    assert {r["CPH"] for r in teams if r["Team"].startswith("CSR")} == {"n/a"}
    report = json.loads((tmp_path / "k.json").read_text(encoding="utf-8"))
    # The JSON says what the sheet says: CPH that does not apply is null, never 0.0.
    assert {t["cph"] for t in report["teams"] if t["team"].startswith("CSR")} == {None}
    assert {r["cph"] for r in report["records"] if r["line"] == "CSR"} == {None}
    # The centre's CPH is checkable from its own row: the TSR agents' calls over their hours (cph_hours),
    # while hours count every line (the teams' hours add up to the centre's).
    kpi_centre = report["centre"]
    tsr_calls = sum(r["calls"] for r in report["records"] if r["line"] == "TSR")
    tsr_hours = sum(r["hours"] or 0 for r in report["records"] if r["line"] == "TSR")  # None: no hours basis
    assert kpi_centre["cph_hours"] == pytest.approx(tsr_hours, abs=0.05) and kpi_centre["cph_hours"] > 0
    assert kpi_centre["hours"] == pytest.approx(sum(t["hours"] for t in report["teams"]), abs=0.05)
    assert kpi_centre["hours"] > kpi_centre["cph_hours"]  # the sample centre has CSR agents with hours
    assert kpi_centre["cph"] == pytest.approx(tsr_calls / kpi_centre["cph_hours"], abs=0.01)
    # ... and from the row alone: cph = cph_calls / cph_hours, for the centre and every team
    for row in [kpi_centre, *report["teams"]]:
        if row["cph"] is not None:
            assert row["cph"] == pytest.approx(row["cph_calls"] / row["cph_hours"], abs=0.01), row["team"]
    invoke("daily-brief", "--date", "2026-07-15", *inputs, "--format", "json", "--out", str(tmp_path / "b.json"))
    brief = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    [centre] = [r for r in brief["records"] if r["scope"] == "centre"]
    assert kpi_centre["cph"] == pytest.approx(centre["cph"], abs=0.01)
    assert (centre["hours"], centre["cph_hours"]) == pytest.approx((kpi_centre["hours"], kpi_centre["cph_hours"]),
                                                                   abs=0.01)
    assert {r["cph"] for r in brief["records"] if r["scope"].startswith("CSR")} == {None}
    for row in brief["records"]:
        if row["cph"] is not None:
            assert row["cph"] == pytest.approx(row["cph_calls"] / row["cph_hours"], abs=0.01), row["scope"]


def test_trend_chart_on_a_date_axis(tmp_path):
    invoke("kpi-report", "--period", "month", "--date", "2026-07-15", "--roster", S["roster.xlsx"],
           "--calls", S["calls.parquet"], "--schedule", S["schedule.csv"], "--out", str(tmp_path / "m.xlsx"))
    [xml] = chart_xml(tmp_path / "m.xlsx")
    assert "<c:dateAx>" in xml and "CSR-1" not in xml
