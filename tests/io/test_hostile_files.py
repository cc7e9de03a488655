"""Hostile and broken input files, built small in tmp_path: each is exit 3 naming the file and
what is wrong (issue 9 §1), before any parser allocates for it."""
from __future__ import annotations

import zipfile

import openpyxl
import pytest
from typer.testing import CliRunner

from cctool.cli.main import app
from cctool.errors import InputError
from cctool.io.readers import read_table
from cctool.io.xlsx_guard import column_number
from cctool.rules.model import Limits

runner = CliRunner()


def kpi_book(path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["agent_id", "month", "kpi_score"])
    ws.append(["E1", "2026-10", 91])
    book.save(path)
    return path


def rewrite(src, dst, part, change):
    """Copy a workbook, changing the bytes of one part."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info.filename, change(data) if info.filename == part else data)
    return dst


SHEET = "xl/worksheets/sheet1.xml"


def test_plain_workbook_still_reads(tmp_path):
    assert read_table(kpi_book(tmp_path / "k.xlsx"), "kpi").frame["kpi_score"].tolist() == [91.0]


def test_sheet_with_a_dtd_is_exit_3_naming_the_file(tmp_path):
    bad = rewrite(kpi_book(tmp_path / "k.xlsx"), tmp_path / "dtd.xlsx", SHEET, lambda b: (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE worksheet [<!ENTITY e "x">]>\n' + b))
    with pytest.raises(InputError, match=r"dtd\.xlsx: part xl/worksheets/sheet1\.xml declares a DTD") as err:
        read_table(bad, "kpi")
    assert err.value.exit_code == 3


def test_dtd_in_shared_strings_is_refused_too(tmp_path):
    src = kpi_book(tmp_path / "k.xlsx")
    with zipfile.ZipFile(src) as z:
        part = next(n for n in z.namelist() if n.endswith("workbook.xml"))
    bad = rewrite(src, tmp_path / "dtd2.xlsx", part, lambda b: b'<!DOCTYPE x SYSTEM "file:///etc/passwd">' + b)
    with pytest.raises(InputError, match="declares a DTD"):
        read_table(bad, "kpi")


def test_one_cell_at_xfd1048576_is_refused_before_reading(tmp_path):
    bad = rewrite(kpi_book(tmp_path / "k.xlsx"), tmp_path / "far.xlsx", SHEET, lambda b: b.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'))
    assert bad.stat().st_size < 10_000
    with pytest.raises(InputError, match=r"far\.xlsx: .*more than the limit of 200 columns \(limits\.xlsx_max_columns"):
        read_table(bad, "kpi")


def test_declared_dimension_over_the_row_limit(tmp_path):
    def declare(b):
        start = b.index(b"<dimension ")
        end = b.index(b"/>", start) + 2
        return b[:start] + b'<dimension ref="A1:C5000000"/>' + b[end:]
    bad = rewrite(kpi_book(tmp_path / "k.xlsx"), tmp_path / "dim.xlsx", SHEET, declare)
    with pytest.raises(InputError, match=r"row 5,000,000, more than the limit of 2,000,000 rows"):
        read_table(bad, "kpi")


def test_limits_come_from_the_rules(tmp_path):
    book = kpi_book(tmp_path / "k.xlsx")
    with pytest.raises(InputError, match="limit of 1 rows"):
        read_table(book, "kpi", limits=Limits(xlsx_max_rows=1))
    with pytest.raises(InputError, match="limit of 2 columns"):
        read_table(book, "kpi", limits=Limits(xlsx_max_columns=2))


def test_zip_bomb_is_refused_by_its_uncompressed_size(tmp_path):
    # 50 MB of spaces compress to ~50 KB: the directory declares what it would take
    bad = rewrite(kpi_book(tmp_path / "k.xlsx"), tmp_path / "bomb.xlsx", "xl/styles.xml",
                  lambda b: b + b" " * 50_000_000)
    assert bad.stat().st_size < 200_000
    with pytest.raises(InputError, match=r"bomb\.xlsx: the workbook unpacks to [\d,]+ bytes, more than the limit "
                                         r"of 10,000,000 \(limits\.xlsx_max_uncompressed_bytes"):
        read_table(bad, "kpi", limits=Limits(xlsx_max_uncompressed_bytes=10_000_000))


def test_hostile_roster_through_the_cli_is_exit_3(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["agent_id", "name", "team", "role", "department", "hire_date"])
    ws.append(["E1", "x", "T", "agent", "operations", "2024-01-01"])
    book.save(tmp_path / "r.xlsx")
    bad = rewrite(tmp_path / "r.xlsx", tmp_path / "roster.xlsx", SHEET, lambda b: b.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'))
    result = runner.invoke(app, ["headcount", "--month", "2026-10", "--roster", str(bad),
                                 "--out", str(tmp_path / "hc.xlsx")], catch_exceptions=False)
    assert result.exit_code == 3, result.output
    assert "roster.xlsx" in result.output and "xlsx_max_columns" in result.output
    assert not (tmp_path / "hc.xlsx").exists()


@pytest.mark.parametrize("letters, n", [("A", 1), ("Z", 26), ("AA", 27), ("XFD", 16384)])
def test_column_letters(letters, n):
    assert column_number(letters) == n


# ----------------------------------------------------------------------------- values

def test_kpi_values_that_break_arithmetic(tmp_path):
    path = tmp_path / "kpi.csv"
    path.write_text("agent_id,month,kpi_score\nA,2026-10,inf\nB,2026-10,1e26\nC,2026-10,88\nD,2026-10,-0.5\n"
                    "E,2026-10,100\nF,2026-10,0\n", encoding="utf-8")
    loaded = read_table(path, "kpi")
    assert loaded.frame["agent_id"].tolist() == ["C", "E", "F"]  # the boundaries 0 and 100 are plausible
    assert [(i.row, i.value) for i in loaded.issues] == [(2, "inf"), (3, "1e26"), (5, "-0.5")]
    assert all("outside the plausible range 0 to 100 (limits.kpi_score" in i.problem for i in loaded.issues)


def test_leave_longer_than_the_limit_and_dates_out_of_range(tmp_path):
    path = tmp_path / "leave.csv"
    path.write_text("request_id,agent_id,leave_type,start,end\n"
                    "L1,A,annual,2026-01-01,2027-01-02\n"  # 366 days later: at the limit
                    "L2,A,annual,2026-01-01,2027-01-03\n"  # one day over
                    "L3,A,annual,1949-12-31,1950-01-01\n"
                    "L4,A,annual,2100-12-31,2101-01-01\n", encoding="utf-8")
    loaded = read_table(path, "leave")
    assert loaded.frame["request_id"].tolist() == ["L1"]
    problems = {i.row: i.problem for i in loaded.issues}
    assert "leave longer than 366 days" in problems[3]
    assert "date outside 1950-01-01 to 2100-12-31" in problems[4]
    assert "date outside" in problems[5]


def test_roster_without_a_team_column_keeps_staff_and_reports_agents(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("agent_id,name,role,department,hire_date\nD1,Dai,director,operations,2020-01-01\n"
                    "E1,Wu,agent,operations,2021-01-01\n", encoding="utf-8")
    loaded = read_table(path, "roster")
    assert loaded.frame["agent_id"].tolist() == ["D1"]
    assert loaded.frame["team"].isna().all()
    assert loaded.issues[0].row == 3 and "no team column" in loaded.issues[0].problem
