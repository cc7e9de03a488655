"""The vectorised data rows of the report writer: every kind of column read back with openpyxl,
formula safety, the ranges of highlight/autofilter/chart, large sheets, and the compact JSON."""
from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from decimal import Decimal

import numpy as np
import openpyxl
import pandas as pd
import pytest

import cctool.report.writer as writer
from cctool.errors import OutputError
from cctool.report.writer import RunInfo, Sheet, json_payload, write_json, write_workbook

TEXTS = ["plain", "熊军 客服一组", "=1+2", "+SUM(A1:A2)", "-2+3", "@cmd", "a & b < c > d \" ' end",
         "tab\there\nnew line", "", None, "ctrl\x01\x0b\x1fchars\x00", "  spaced  "]
# What openpyxl reads back: blanks are no cell, characters illegal in XML are dropped.
TEXTS_READ = ["plain", "熊军 客服一组", "=1+2", "+SUM(A1:A2)", "-2+3", "@cmd", "a & b < c > d \" ' end",
              "tab\there\nnew line", None, None, "ctrlchars", "  spaced  "]
N = len(TEXTS)


def run_info():
    return RunInfo(command="test", period="2026-10", rules_path="rules.yaml", rules_sha256="ab" * 32, inputs=[])


def every_kind() -> pd.DataFrame:
    floats = [1.5, np.nan, 0.1 + 0.2, 1e-5, 1e16, np.inf, -np.inf, 2 / 3, 0.0, -7.25, 123456.789, 1 / 3]
    money = [Decimal("1234.56"), Decimal("0.10"), None, Decimal("-5"), Decimal("1000000.01"), pd.NA,
             Decimal("0"), Decimal("2.5"), Decimal("99.99"), Decimal("12.34"), Decimal("NaN"), Decimal("7")]
    dates = pd.to_datetime(["2026-10-01", "2026-10-31", None, "1900-03-01", "2026-02-28", "2026-10-02",
                            "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07", "2026-10-08"])
    stamps = pd.to_datetime(["2026-10-01 09:10:52", "2026-10-31 23:59:59", None, "2026-10-02 00:00:01",
                             "2026-10-03 12:00:00", "2026-10-04 06:30:15", "2026-10-05 00:00:00",
                             "2026-10-06 17:45:59", "2026-10-07 08:00:00", "2026-10-08 22:15:30",
                             "2026-10-09 10:10:10", "2026-10-10 11:11:11"])
    return pd.DataFrame({
        "text": pd.Series(TEXTS, dtype=object),
        "string": pd.Series(TEXTS, dtype="string"),
        "count": np.arange(N, dtype="int64") * 1000 - 3,
        "nullable": pd.array([1, None, 3, 4, None, 6, 7, 8, 9, 10, 11, 2**40], dtype="Int64"),
        "value": floats,
        "flag": [True, False] * (N // 2),
        "maybe": pd.array([True, None, False] * (N // 3), dtype="boolean"),
        "day": dates,
        "stamp": stamps,
        "amount": pd.Series(money, dtype=object),
        "rate": [0.953, 1.0, np.nan, 0.5, 0.0, 0.25, 0.999, 0.1, 0.2, 0.3, 0.4, 0.05],
        "mixed": pd.Series([pd.Timestamp("2026-10-01 09:00"), pd.NaT, 3, "x", None, 2.5, Decimal("1.10"),
                            pd.NA, np.nan, "y", "z", True], dtype=object),
    })


def expected(frame: pd.DataFrame) -> dict[str, list]:
    def number(v):
        return None if v is None or v is pd.NA or not np.isfinite(float(v)) else float(v)

    def stamp(v):
        return None if pd.isna(v) else v.to_pydatetime()

    return {
        "text": TEXTS_READ,
        "string": TEXTS_READ,
        "count": [int(v) for v in frame["count"]],
        "nullable": [None if v is pd.NA else int(v) for v in frame["nullable"]],
        "value": [number(v) for v in frame["value"]],
        # one boolean style everywhere: Yes/No text (是/否 in Chinese), blank when unknown
        "flag": ["Yes" if v else "No" for v in frame["flag"]],
        "maybe": [None if v is pd.NA else ("Yes" if v else "No") for v in frame["maybe"]],
        "day": [stamp(v) for v in frame["day"]],
        "stamp": [stamp(v) for v in frame["stamp"]],
        "amount": [number(v) for v in frame["amount"]],
        "rate": [number(v) for v in frame["rate"]],
        "mixed": ["2026-10-01 09:00:00", None, "3", "x", None, "2.5", "1.10", None, None, "y", "z", "True"],
    }


FORMATS = {"count": "0", "nullable": "0", "value": "0.##", "day": "yyyy-mm-dd", "stamp": "yyyy-mm-dd hh:mm:ss",
           "amount": "#,##0.00", "rate": "0.0%"}


def sheet_xml(path) -> dict[str, str]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("xl/worksheets/sheet")}


def test_every_kind_of_column_reads_back(tmp_path):
    path = tmp_path / "r.xlsx"
    frame = every_kind()
    write_workbook(path, [Sheet("Summary", frame, money=("amount",), percent=("rate",), note="A note.")],
                   run_info(), [])
    book = openpyxl.load_workbook(path)
    ws = book["Summary"]
    assert ws["A1"].value == "A note." and ws.max_row == N + 2
    want = expected(frame)
    for j, name in enumerate(frame.columns, start=1):
        cells = [ws.cell(row=2 + i, column=j) for i in range(1, N + 1)]
        got = [c.value for c in cells]
        assert got == want[name], name
        for c, v in zip(cells, want[name]):
            if v is None:
                continue
            if name in FORMATS:
                assert c.number_format == FORMATS[name], (name, c.number_format)
            if isinstance(v, str):
                assert c.data_type == "s", (name, c.coordinate)
            elif isinstance(v, bool):
                assert c.data_type == "b"
            elif isinstance(v, dt.datetime):
                assert c.is_date
    assert ws.cell(row=5, column=5).value == 0.1 + 0.2  # the exact double, not 0.3


def test_no_formula_anywhere_and_text_stays_text(tmp_path):
    path = tmp_path / "r.xlsx"
    write_workbook(path, [Sheet("Summary", every_kind())], run_info(), [])
    for name, xml in sheet_xml(path).items():
        assert "<f>" not in xml and "<f " not in xml, name
    ws = openpyxl.load_workbook(path)["Summary"]
    for row in range(2, N + 2):
        c = ws.cell(row=row, column=1)
        if c.value is not None:
            assert c.data_type == "s" and isinstance(c.value, str)


def test_excel_escape_sequence_in_text_is_kept_literal(tmp_path):
    # Excel decodes "_xHHHH_" in a text; a literal one is written "_x005F_xHHHH_" (as XlsxWriter does).
    path = tmp_path / "r.xlsx"
    write_workbook(path, [Sheet("Summary", pd.DataFrame({"reason": ["see _x0041_ here"]}))], run_info(), [])
    assert "see _x005F_x0041_ here" in sheet_xml(path)["xl/worksheets/sheet1.xml"]


def test_highlight_autofilter_dimension_and_widths(tmp_path):
    path = tmp_path / "r.xlsx"
    n = 300
    frame = pd.DataFrame({"agent_id": [f"E{i:05d}" for i in range(n)], "late_count": np.arange(n) % 5,
                          "explanation": ["x" * 80] + ["short"] * (n - 1), "attention": np.arange(n) % 3 == 0})
    write_workbook(path, [Sheet("Summary", frame, highlight="attention", note="Note line.")], run_info(), [])
    book = openpyxl.load_workbook(path)
    ws = book["Summary"]
    assert ws.auto_filter.ref == f"A2:D{n + 2}"
    assert ws.freeze_panes == "A3"
    ranges = [(str(cf.sqref), [r.formula for r in cf.rules]) for cf in ws.conditional_formatting]
    assert ranges == [(f"A3:D{n + 2}", [['$D3="Yes"']])]
    assert [c.value for c in ws["D"][2:]] == ["Yes" if v else "No" for v in frame["attention"]]
    # a text longer than the cap wraps at WRAP_WIDTH, its row as tall as its lines
    assert ws.column_dimensions["C"].width == pytest.approx(writer.WRAP_WIDTH + 0.7109375)
    assert ws["C3"].alignment.wrap_text and ws.row_dimensions[3].height == 2 * writer.LINE_HEIGHT
    assert ws.row_dimensions[4].height is None
    assert ws.column_dimensions["A"].width == pytest.approx(10.7109375)
    xml = sheet_xml(path)["xl/worksheets/sheet1.xml"]
    assert f'<dimension ref="A1:D{n + 2}"/>' in xml
    assert openpyxl.load_workbook(path, read_only=True)["Summary"].max_row == n + 2  # read-only trusts <dimension>


def test_rows_go_to_their_own_sheets_and_trailing_blank_rows(tmp_path):
    path = tmp_path / "r.xlsx"
    first = pd.DataFrame({"agent_id": ["A1", "A2"], "late_count": [1, 2]})
    second = pd.DataFrame({"agent_id": ["B1", None, None], "late_count": pd.array([7, None, None], dtype="Int64")})
    empty = pd.DataFrame({"agent_id": pd.Series([], dtype=object)})
    write_workbook(path, [Sheet("Summary", first), Sheet("Events", second), Sheet("Leave", empty)], run_info(), [])
    book = openpyxl.load_workbook(path)
    assert [[c.value for c in row] for row in book["Summary"].iter_rows(min_row=2)] == [["A1", 1], ["A2", 2]]
    assert [[c.value for c in row] for row in book["Events"].iter_rows(min_row=2)] == [["B1", 7]]
    assert book["Leave"].max_row == 1 and book["Leave"]["A1"].value == "Agent ID"
    assert book["Events"].auto_filter.ref == "A1:B4"  # the filter still covers every row of the frame
    xml = sheet_xml(path)
    assert '<dimension ref="A1:B2"/>' in xml["xl/worksheets/sheet2.xml"]
    assert '<dimension ref="A1"/>' in xml["xl/worksheets/sheet3.xml"]


def test_chart_keeps_its_cached_values(tmp_path):
    path = tmp_path / "r.xlsx"
    teams = pd.DataFrame({"team": ["TSR-1", "TSR-2 & co"], "attendance_rate": [0.9512, 0.88]})
    write_workbook(path, [Sheet("Teams", teams, percent=("attendance_rate",),
                                chart={"type": "bar", "categories": "team", "series": ["attendance_rate"],
                                       "title": "Attendance rate"})], run_info(), [])
    with zipfile.ZipFile(path) as zf:
        chart = zf.read("xl/charts/chart1.xml").decode("utf-8")
    assert "<c:v>TSR-1</c:v>" in chart and "<c:v>TSR-2 &amp; co</c:v>" in chart
    assert "<c:v>0.9512</c:v>" in chart and "<c:v>0.88</c:v>" in chart
    assert "Teams!$B$2:$B$3" in chart


def test_large_sheet_round_trips_its_row_count(tmp_path):
    path = tmp_path / "r.xlsx"
    n = 50_000
    frame = pd.DataFrame({
        "agent_id": [f"E{i:06d}" for i in range(n)],
        "date": pd.Timestamp("2026-10-01") + pd.to_timedelta(np.arange(n) % 31, unit="D"),
        "minutes": np.arange(n) / 7,
        "late_count": np.arange(n),
        "attention": np.arange(n) % 2 == 0,
    })
    write_workbook(path, [Sheet("Events", frame, highlight="attention", note="Big.")], run_info(), [])
    ws = openpyxl.load_workbook(path, read_only=True)["Events"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert len(rows) == n
    assert rows[0] == ("E000000", dt.datetime(2026, 10, 1), 0.0, 0, "Yes")
    assert rows[-1] == (f"E{n - 1:06d}", dt.datetime(2026, 10, 1) + dt.timedelta(days=(n - 1) % 31),
                        (n - 1) / 7, n - 1, "Yes" if (n - 1) % 2 == 0 else "No")


def test_long_text_is_cut_to_the_excel_limit(tmp_path):
    path = tmp_path / "r.xlsx"
    write_workbook(path, [Sheet("Summary", pd.DataFrame({"reason": ["a" * 40_000, "ok"]}))], run_info(), [])
    ws = openpyxl.load_workbook(path)["Summary"]
    assert ws["A2"].value == "a" * 32_767 and ws["A3"].value == "ok"


def test_too_many_rows_for_one_sheet_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "EXCEL_MAX_ROWS", 10)
    path = tmp_path / "r.xlsx"
    with pytest.raises(OutputError, match="do not fit"):
        write_workbook(path, [Sheet("Summary", pd.DataFrame({"late_count": range(10)}))], run_info(), [])
    assert not path.exists() and list(tmp_path.iterdir()) == []


def test_json_one_record_a_line_same_content(tmp_path):
    path = tmp_path / "r.json"
    recs = [{"agent_id": "E1", "amount": Decimal("12.50"), "date": pd.Timestamp("2026-10-01"),
             "at": pd.Timestamp("2026-10-01 09:10:52"), "n": np.int64(3), "f": np.float64(0.5), "na": pd.NA,
             "ok": np.bool_(True), "text": 'quote " and }, {"break"\n'},
            {"agent_id": "E2", "amount": None, "date": dt.date(2026, 10, 2), "at": None, "n": 1, "f": None,
             "na": None, "ok": False, "text": "中文"}]
    payload = json_payload(run_info(), [], records=recs, events=[], teams=[{"team": "T", "rate": 0.95}])
    write_json(path, payload)
    text = path.read_text(encoding="utf-8")
    doc = json.loads(text)
    assert list(doc) == ["command", "period", "rules_sha256", "rules_file", "inputs", "records", "events", "teams", "issues"]
    assert doc["records"] == [
        {"agent_id": "E1", "amount": 12.5, "date": "2026-10-01", "at": "2026-10-01T09:10:52", "n": 3, "f": 0.5,
         "na": None, "ok": True, "text": 'quote " and }, {"break"\n'},
        {"agent_id": "E2", "amount": None, "date": "2026-10-02", "at": None, "n": 1, "f": None, "na": None,
         "ok": False, "text": "中文"}]
    assert doc == json.loads(json.dumps(payload, default=writer._json_default))
    lines = text.splitlines()
    assert sum(line.lstrip().startswith('{"agent_id"') for line in lines) == 2  # one record a line
    assert '"events": []' in text


def test_json_refuses_nan_and_leaves_no_file(tmp_path):
    path = tmp_path / "r.json"
    with pytest.raises(ValueError):
        write_json(path, json_payload(run_info(), [], records=[{"x": float("nan")}]))
    assert list(tmp_path.iterdir()) == []


def test_formats_of_fast_cells_are_in_the_styles(tmp_path):
    # Formats used only by injected cells (money, percent ...) must still be written to styles.xml.
    path = tmp_path / "r.xlsx"
    frame = pd.DataFrame({"amount": [Decimal("1.5")], "rate": [0.5]})
    write_workbook(path, [Sheet("Pay", frame, money=("amount",), percent=("rate",))], run_info(), [])
    ws = openpyxl.load_workbook(path)["Pay"]
    assert (ws["A2"].number_format, ws["B2"].number_format) == ("#,##0.00", "0.0%")
    with zipfile.ZipFile(path) as zf:
        styles = zf.read("xl/styles.xml").decode("utf-8")
    xfs = re.search(r"<cellXfs count=\"(\d+)\"", styles).group(1)
    used = {int(s) for s in re.findall(r' s="(\d+)"', sheet_xml(path)["xl/worksheets/sheet1.xml"])}
    assert max(used) < int(xfs)


def test_timezone_aware_datetimes_show_their_wall_time(tmp_path):
    path = tmp_path / "r.xlsx"
    stamps = pd.to_datetime(["2026-10-01 09:10:52", None]).tz_localize("Asia/Shanghai")
    write_workbook(path, [Sheet("Summary", pd.DataFrame({"sign_in": stamps}))], run_info(), [])
    ws = openpyxl.load_workbook(path)["Summary"]
    assert ws["A2"].value == dt.datetime(2026, 10, 1, 9, 10, 52) and ws["A3"].value is None
    assert ws["A2"].number_format == "yyyy-mm-dd hh:mm:ss"
