"""`--lang zh` workbooks are Chinese: every command on the samples and on another centre (other
size, seed and months, calls as CSV), every sheet, header, note, explanation, coded value, boolean
and chart text; only IDs, rule IDs, file names, units and what the user typed stay as they are."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cctool.cli.main import app
from cctool.cli.terminal import State
from cctool.report.labels import SHEETS
from zh_scan import english_in_workbook, english_words

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
runner = CliRunner()


def invoke(*args: str) -> None:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output


def all_reports(data: Path, out: Path, month: str, quarter: str, day: str, calls: str, lang: str) -> list[Path]:
    """Every workbook-writing command on one centre's files."""
    d = {name: str(data / name) for name in ("roster.xlsx", "schedule.csv", "punches.csv", "leave.xlsx",
                                              "excusals.csv", "swaps.csv", "kpi.csv", "exams.csv", calls)}
    common = ["--roster", d["roster.xlsx"], "--lang", lang]
    att = ["--schedule", d["schedule.csv"], "--punches", d["punches.csv"], "--leave", d["leave.xlsx"],
           "--excusals", d["excusals.csv"]]
    invoke("attendance-audit", "--month", month, *common, *att, "--swaps", d["swaps.csv"],
           "--out", str(out / "attendance.xlsx"))
    invoke("grade-agents", "--quarter", quarter, *common, "--calls", d[calls], "--kpi", d["kpi.csv"],
           "--punches", d["punches.csv"], "--schedule", d["schedule.csv"], "--out", str(out / "grades.xlsx"))
    invoke("monthly-payroll", "--month", month, *common, *att, "--calls", d[calls], "--kpi", d["kpi.csv"],
           "--exams", d["exams.csv"], "--out", str(out / "payroll.xlsx"))
    for period in ("day", "week", "month"):
        exams = ["--exams", d["exams.csv"]] if period == "month" else []
        invoke("kpi-report", "--period", period, "--date", day, *common, "--calls", d[calls], *att,
               "--kpi", d["kpi.csv"], *exams, "--out", str(out / f"kpi-{period}.xlsx"))
    invoke("headcount", "--month", month, *common, "--previous-roster", d["roster.xlsx"],
           "--out", str(out / "headcount.xlsx"))
    return sorted(out.glob("*.xlsx"))


@pytest.fixture(scope="module")
def other_centre(tmp_path_factory):
    data = tmp_path_factory.mktemp("centre")
    invoke("samples", "generate", "--out", str(data), "--agents", "25", "--start", "2026-03", "--months", "3",
           "--seed", "11", "--calls-format", "csv")
    return data


@pytest.fixture(autouse=True)
def reset_state():
    yield
    State.quiet, State.log_file, State.wait = False, None, 0.0


@pytest.mark.parametrize("centre", ["samples", "other"])
def test_every_zh_workbook_is_chinese(centre, other_centre, tmp_path):
    if centre == "samples":
        books = all_reports(SAMPLES, tmp_path, "2026-07", "2026Q3", "2026-07-15", "calls.parquet", "zh")
    else:
        books = all_reports(other_centre, tmp_path, "2026-04", "2026Q2", "2026-04-15", "calls.csv", "zh")
    assert len(books) == 7
    english = {book.name: english_in_workbook(book) for book in books}
    assert {name: found[:5] for name, found in english.items() if found} == {}
    names = {ws.title for book in books for ws in openpyxl.load_workbook(book).worksheets}
    assert {"加班", "人数变动", "入职", "离职", "调动", "实习节点", "考试", "运行信息", "错误"} <= names


def test_the_scan_finds_english_it_should(tmp_path):
    """The allow-list keeps IDs, rule IDs, files and units, and nothing else."""
    assert english_words("ATT-ABS-1, GRD-C; E0017 TSR-1 L00007 2026Q3 2026-W29 samples/roster.xlsx#花名册 "
                         "3bcd375518a45ca15d0532fb96c1392905cbf890fc32f0ebdad95867f67381ca 季度平均KPI 11分钟 "
                         "--period month cctool 0.1.0") == []
    assert english_words("迟到 late") == ["late"]
    assert english_words("no grade targets") == ["no", "grade", "targets"]
    assert english_words("Trainee milestones") == ["Trainee", "milestones"]


def test_every_sheet_name_has_a_chinese_name():
    assert all(zh and not english_words(zh) for zh in SHEETS.values())


def test_partial_run_banner_and_withheld_wage_read_in_chinese():
    from cctool.report.phrases import to_zh

    banner = ("PARTIAL REPORT (--allow-partial): data/punches.csv has no punch in 2026-08 (2026-07-01..2026-07-31); "
              "2026-08 is not over: 3 shift(s) end after the as-of time 2026-08-03 08:00 (the latest punch unless "
              "--as-of is given) and are not judged")
    wage = ("wage 3,017.24 stopped by PAY-NONE: 3 absent days (ATT-ABS-3); 3 consecutive days absent: deemed resigned "
            "(ATT-QUIT-3): no wage is paid for the month (base 3,500.00 less 482.76 for unpaid days, "
            "performance bonus 600.00)")
    for text in (banner, wage):
        assert english_words(to_zh(text)) == [], to_zh(text)
    assert "3,017.24" in to_zh(wage) and "PAY-NONE" in to_zh(wage) and "482.76" in to_zh(wage)
