"""DingTalk approval exports of the leave form, 2019 and 2025 layouts."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from export_builders import LEAVE_2019, leave_2019, leave_2025, write_table

from cctool.errors import InputError
from cctool.io.layouts import Context, detect, read_layout

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def read(path, people, hours=8.0, split="12:00"):
    return read_layout(path, "leave", Context("leave", people, hours, split))


REQUESTS_2025 = [
    dict(id="202507071653000123456", name="张伟", type="年假", start="2025-08-01 下午", end="2025-08-04 上午",
         length="2天", approvers=["李娜", "刘洋"]),
    dict(id="202507071653000123457", name="李娜", type="婚假", start="2025-08-04", end="2025-08-04", length="7.5小时",
         approvers=["张伟"], image="https://static.dingtalk.com/x.jpg"),
    dict(id="202507071653000123458", name="李娜", type="事假", start="2025-07-18 AM", end="2025-07-18 AM",
         length="0.5天", approvers=["张伟"], state="终止", result="--"),
    dict(id="202507071653000123459", name="刘洋", type="病假", start="2025-07-21 PM", end="2025-07-21 PM",
         length="0.5天", approvers=["王芳"], state="已结束", result="审批未通过"),
    dict(id="202507071653000123460", name="刘洋", type="调休", start="2025-07-22", end="2025-07-22", length="1天",
         approvers=[], state="审批中", result="--"),
]


def test_2025_completed_agreed_requests_count(tmp_path, people):
    book = openpyxl.Workbook()
    leave_2025(book, REQUESTS_2025)
    book.save(path := tmp_path / "请假.xlsx")
    assert detect(path) == "dingtalk-leave"
    r = read(path, people)
    f = r.frame.set_index("request_id")
    assert list(f.index) == ["202507071653000123456", "202507071653000123457"]
    a = f.loc["202507071653000123456"]
    assert (a["agent_id"], a["leave_type"], a["days"], a["approvals"]) == ("A001", "annual", 2.0, "A002;A005")
    assert a["start"] == pd.Timestamp("2025-08-01 12:00") and a["end"] == pd.Timestamp("2025-08-04 12:00")
    assert a["documents_complete"] == False  # noqa: E712 - no link in 图片
    b = f.loc["202507071653000123457"]
    assert (b["leave_type"], b["leave_word"], b["days"], b["documents_complete"]) == ("other", "婚假", 7.5 / 8, True)
    assert b["start"] == pd.Timestamp("2025-08-04") and b["end"] == pd.Timestamp("2025-08-04 23:59:59")
    listed = r.listed.set_index("request_id")["state"].to_dict()
    assert listed == {"202507071653000123458": "终止", "202507071653000123459": "已结束 / 审批未通过",
                      "202507071653000123460": "审批中"}
    # 王芳 is two roster people: that approval is not placed on anyone, and it says so.
    (warn,) = [i for i in r.issues if i.value == "王芳"]
    assert warn.severity == "warning" and "several roster people" in warn.problem


def test_hours_per_day_and_half_day_split_come_from_the_rules(tmp_path, people):
    book = openpyxl.Workbook()
    leave_2025(book, REQUESTS_2025[:2] + [dict(REQUESTS_2025[2], state="已结束", result="审批通过")])
    book.save(path := tmp_path / "请假.xlsx")
    f = read(path, people, hours=7.5, split="13:00").frame.set_index("request_id")
    assert f.loc["202507071653000123457", "days"] == 1.0
    am = f.loc["202507071653000123458"]
    assert am["start"] == pd.Timestamp("2025-07-18") and am["end"] == pd.Timestamp("2025-07-18 13:00")
    assert f.loc["202507071653000123456", "start"] == pd.Timestamp("2025-08-01 13:00")


def book_2019() -> openpyxl.Workbook:
    """A 2019 approval export: two versions of the leave form and the 补卡 form. Also saved as
    fixtures/dingtalk-leave-2019.xls (the format DingTalk gave in 2019), made from this book by
    `soffice --headless --convert-to xls` (see test_the_2019_xls_reads_as_the_xlsx)."""
    book = openpyxl.Workbook()
    leave_2019(book, [dict(id="201912300900000123456", name="张伟", no="A001", type="病假", start="2019-12-31 09:00",
                           end="2019-12-31 18:00", length="7.5小时", approvers=["李娜", "钱七"],
                           image="http://x/1.png")], sheet="请假-v1")
    leave_2019(book, [dict(id="201912300900000123457", name="刘洋", type="病假", start="2019-12-31", end="2020-01-02",
                           length="3天", approvers=["李娜"], state="已撤销"),
                      dict(id="201912300900000123458", name="李娜", uid="x", type="事假", start="2020-01-03",
                           end="2020-01-02", length="1天", approvers=["张伟"])], sheet="请假-v2")
    write_table(book, "补卡", [], [LEAVE_2019 + ["补签时间", "补签类型"]], [])
    return book


def test_2019_layout_sheets_per_form_version_and_correction_form_left_out(tmp_path, people):
    book_2019().save(path := tmp_path / "审批.xlsx")
    r = read(path, people)
    assert list(r.frame["request_id"]) == ["201912300900000123456"]
    one = r.frame.iloc[0]
    assert (one["agent_id"], one["leave_type"], one["documents_complete"], one["approvals"]) == \
        ("A001", "sick", True, "A002;钱七")
    assert list(r.listed["state"]) == ["已撤销 / 同意"]
    assert any("补卡" in n for n in r.notes)
    problems = {(i.sheet, i.row): i.problem for i in r.issues}
    assert "approver not in the roster" in problems[("请假-v1", 2)]
    assert "ends before it starts" in problems[("请假-v2", 3)]


def test_the_2019_xls_reads_as_the_xlsx(tmp_path, people):
    """The legacy .xls (BIFF8, written by LibreOffice from book_2019) reads to the same requests,
    listed requests and issues as the .xlsx; only the file name in the issues differs."""
    xls = FIXTURES / "dingtalk-leave-2019.xls"
    assert detect(xls) == "dingtalk-leave"
    book_2019().save(xlsx := tmp_path / "审批.xlsx")
    a, b = read(xls, people), read(xlsx, people)
    pd.testing.assert_frame_equal(a.frame, b.frame, check_dtype=False)
    pd.testing.assert_frame_equal(a.listed, b.listed, check_dtype=False)
    strip = lambda issues: [(i.sheet, i.row, i.column, i.value, i.problem, i.severity) for i in issues]  # noqa: E731
    assert strip(a.issues) == strip(b.issues) and a.issues


def test_an_approval_export_without_a_leave_sheet_stops(tmp_path, people):
    book = openpyxl.Workbook()
    write_table(book, "补卡", [], [LEAVE_2019 + ["补签时间", "补签类型"]], [])
    book.save(path := tmp_path / "审批.xlsx")
    with pytest.raises(InputError, match="no leave"):
        read(path, people)
