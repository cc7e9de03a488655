"""Every reader path, with files the tests create; each asserts what the user is told."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from cctool.errors import InputError
from cctool.io.readers import read_table

ROSTER_ZH = ["工号", "姓名", "班组", "岗位", "部门", "级别", "直属上级", "入职日期", "转正考试"]


def write_xlsx(path, header, rows, sheet="Sheet1"):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header)
    for r in rows:
        ws.append(r)
    book.save(path)
    return path


def test_xlsx_with_chinese_headers_and_typed_cells(tmp_path):
    path = write_xlsx(tmp_path / "roster.xlsx", ROSTER_ZH, [
        [1001, "张三", "TSR-1", "坐席", "运营", "B", "T1", dt.datetime(2025, 3, 1), "是"],
        ["T1", "李四", "TSR-1", "team_lead", "operations", None, None, "2024-01-15", "否"],
    ])
    t = read_table(path, "roster")
    assert t.issues == []
    assert list(t.frame["agent_id"]) == ["1001", "T1"]  # numeric id cell read as text, no ".0"
    assert list(t.frame["role"]) == ["agent", "team_lead"]
    assert list(t.frame["department"]) == ["operations", "operations"]
    assert list(t.frame["hire_date"]) == [pd.Timestamp("2025-03-01"), pd.Timestamp("2024-01-15")]
    assert list(t.frame["regular_exam_passed"]) == [True, False]
    assert list(t.frame["_row"]) == [2, 3]
    assert t.headers["agent_id"] == "工号"


def test_named_sheet_and_missing_sheet(tmp_path):
    path = write_xlsx(tmp_path / "book.xlsx", ["agent_id", "month", "kpi_score"], [["E1", "2026-07", 91.5]],
                      sheet="KPI")
    t = read_table(f"{path}#KPI", "kpi")
    assert t.sheet == "KPI" and t.frame.loc[0, "kpi_score"] == 91.5
    with pytest.raises(InputError, match=r"no sheet named 'Nope'; sheets are: KPI"):
        read_table(f"{path}#Nope", "kpi")


def test_excel_serial_dates_and_time_fractions(tmp_path):
    path = tmp_path / "schedule.csv"
    path.write_text("agent_id,date,shift_start,shift_end\nE1,46296,0.375,0.75\nE1,2026-10-02,9:00,18:00:00\n",
                    encoding="utf-8")
    t = read_table(path, "schedule")
    assert t.issues == []
    assert list(t.frame["date"]) == [pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-02")]
    assert list(t.frame["shift_start"]) == [9 * 3600, 9 * 3600]
    assert list(t.frame["shift_end"]) == [18 * 3600, 18 * 3600]


def test_gb18030_csv_is_detected(tmp_path):
    path = tmp_path / "punches.csv"
    text = "工号,日期,签入,签出\nE1,2026-10-01,2026-10-01 08:59,2026-10-01 18:01:30\n"
    path.write_bytes(text.encode("gb18030"))
    t = read_table(path, "punches")
    assert t.encoding == "gb18030"
    assert t.frame.loc[0, "sign_in"] == pd.Timestamp("2026-10-01 08:59")
    assert t.frame.loc[0, "sign_out"] == pd.Timestamp("2026-10-01 18:01:30")


def test_utf8_bom_csv(tmp_path):
    path = tmp_path / "kpi.csv"
    path.write_bytes("\ufeff工号,月份,绩效得分\nE1,2026年7月,88\n".encode("utf-8"))
    t = read_table(path, "kpi")
    assert t.encoding == "utf-8-sig"
    assert t.frame.loc[0, "month"] == "2026-07" and t.frame.loc[0, "kpi_score"] == 88


def test_undecodable_bytes_are_a_clear_error(tmp_path):
    path = tmp_path / "kpi.csv"
    path.write_bytes(b"agent_id,month,kpi_score\nE1,2026-07,\xff\xff\xff\n")
    with pytest.raises(InputError, match="cannot read the text encoding"):
        read_table(path, "kpi")


def test_bool_spellings(tmp_path):
    path = tmp_path / "leave.csv"
    path.write_text("request_id,agent_id,leave_type,start,end,documents_complete\n"
                    "L1,E1,病假,2026-10-01,2026-10-01,是\nL2,E1,sick,2026-10-02,2026-10-02,N\n"
                    "L3,E1,sick,2026-10-03,2026-10-03,true\nL4,E1,sick,2026-10-04,2026-10-04,0\n"
                    "L5,E1,sick,2026-10-05,2026-10-05,maybe\n", encoding="utf-8")
    t = read_table(path, "leave")
    assert list(t.frame["documents_complete"].iloc[:4]) == [True, False, True, False]
    assert pd.isna(t.frame["documents_complete"].iloc[4])  # optional column: value ignored, row kept
    [issue] = t.issues
    assert (issue.row, issue.column, issue.value) == (6, "documents_complete", "maybe")
    assert "expected yes/no" in issue.problem and "value ignored" in issue.problem


def test_punch_times_with_and_without_seconds_and_night_shift(tmp_path):
    path = tmp_path / "punches.csv"
    path.write_text("agent_id,date,sign_in,sign_out\nE1,2026-10-01,21:58,06:02:10\n", encoding="utf-8")
    t = read_table(path, "punches")
    assert t.frame.loc[0, "sign_in"] == pd.Timestamp("2026-10-01 21:58")
    assert t.frame.loc[0, "sign_out"] == pd.Timestamp("2026-10-02 06:02:10")  # next morning


def test_raw_punch_events_are_recognised(tmp_path):
    path = tmp_path / "punches.csv"
    path.write_text("工号,打卡时间,方向\nE1,2026-10-01 08:58,签入\nE1,2026-10-01 18:03,签出\n", encoding="utf-8")
    t = read_table(path, "punches")
    assert t.table == "punch_events"
    assert list(t.frame["direction"]) == ["in", "out"]


def test_truncated_xlsx(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", ["agent_id"], [["E1"]])
    bad = tmp_path / "roster.xlsx"
    bad.write_bytes(good.read_bytes()[:300])
    with pytest.raises(InputError, match=r"roster.xlsx: the workbook is damaged or truncated"):
        read_table(bad, "roster")


def test_csv_renamed_xlsx(tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_text("agent_id,name\nE1,x\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"not an Excel workbook \(it looks like a CSV text file: rename it to .csv\)"):
        read_table(path, "roster")


def test_missing_required_columns_named_with_headers_found(tmp_path):
    path = tmp_path / "schedule.csv"
    path.write_text("工号,日期,上班时间\nE1,2026-10-01,09:00\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_table(path, "schedule")
    msg = str(err.value)
    assert "missing required column(s): shift_end" in msg
    assert "'工号', '日期', '上班时间'" in msg
    assert "columns.aliases.schedule" in msg


def test_bad_values_reported_with_excel_row_and_row_excluded(tmp_path):
    path = tmp_path / "schedule.csv"
    path.write_text("agent_id,date,shift_start,shift_end\nE1,2026-10-01,09:00,18:00\n"
                    "E1,2026-13-45,09:00,18:00\nE2,2026-10-01,25:00,18:00\n\nE3,,09:00,18:00\n",
                    encoding="utf-8")
    t = read_table(path, "schedule")
    assert list(t.frame["agent_id"]) == ["E1"]
    found = [(i.row, i.column, i.value) for i in t.issues]
    assert found == [(3, "date", "2026-13-45"), (4, "shift_start", "25:00"), (6, "date", None)]
    assert "row excluded" in t.issues[0].problem
    assert t.rows_read == 4  # the blank line 5 is not a row


def test_duplicates_name_the_first_row(tmp_path):
    path = tmp_path / "kpi.csv"
    path.write_text("agent_id,month,kpi_score\nE1,2026-07,90\nE2,2026-07,80\nE1,2026-07,91\n", encoding="utf-8")
    t = read_table(path, "kpi")
    assert len(t.frame) == 2
    [issue] = t.issues
    assert issue.row == 4 and "duplicate agent_id+month (first at row 2)" in issue.problem


def test_unknown_agent_and_unknown_enum(tmp_path):
    path = tmp_path / "leave.csv"
    path.write_text("request_id,agent_id,leave_type,start,end\nL1,E1,holiday,2026-10-01,2026-10-01\n"
                    "L2,ZZ,sick,2026-10-01,2026-10-01\n", encoding="utf-8")
    t = read_table(path, "leave", known_agents={"E1"})
    assert t.frame.empty
    problems = {i.row: i.problem for i in t.issues}
    assert "expected one of: sick, personal, annual, other" in problems[2]
    assert "agent not in the roster" in problems[3]


def test_parquet_and_rules_aliases(tmp_path):
    path = tmp_path / "kpi.parquet"
    pd.DataFrame({"Staff No": ["E1"], "month": ["2026-08"], "score": [93.0]}).to_parquet(path)
    t = read_table(path, "kpi", extra_aliases={"kpi": {"agent_id": ["Staff No"], "kpi_score": ["score"]}})
    assert t.frame.loc[0, "agent_id"] == "E1" and t.frame.loc[0, "kpi_score"] == 93.0


def test_file_not_found_and_unsupported_type(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_table(tmp_path / "nope.csv", "roster")
    (tmp_path / "r.json").write_text("{}")
    with pytest.raises(InputError, match="unsupported file type .json"):
        read_table(tmp_path / "r.json", "roster")
