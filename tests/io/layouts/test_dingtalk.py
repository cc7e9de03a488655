"""DingTalk 考勤报表 sheets as the product writes them and as a person re-saves them."""
from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from export_builders import dingtalk_daily, dingtalk_grid, dingtalk_raw

from cctool.errors import InputError
from cctool.io.layouts import Context, describe, detect, read_layout

START, END = "2020-11-09", "2020-11-13"


def save(tmp_path, name, write, *args, **kw):
    book = openpyxl.Workbook()
    write(book, *args, **kw)
    path = tmp_path / name
    book.save(path)
    return path


def punches(path, people, forced=None):
    return read_layout(path, "punches", Context("punches", people), forced)


RAW = [
    dict(name="张伟", uid="0123456789", time="2020-11-09 08:26", slot="2020-11-09 08:30"),
    dict(name="张伟", uid="0123456789", time="2020-11-09 08:41", result="打卡无效:已经打过卡了，上班时间以最早打卡时间为准"),
    dict(name="张伟", uid="0123456789", time="2020-11-09 18:02", result="正常\n外勤", device="手机_3f9a"),
    dict(name="李娜", no="A002", time="2020-11-10 09:20", result="迟到", device="考勤机"),
    dict(name="李娜", no="A002", time="2020-11-10 18:00", result="补卡审批通过", device="补卡审批"),
    dict(name="刘洋", no="X-77", time="2020-11-11 08:59", result="管理员张三改为正常", device="管理员修改"),
    dict(name="王芳", time="2020-11-11 09:00"),
    dict(name="赵六", uid="0999", time="2020-11-12 09:00"),
]


@pytest.mark.parametrize("resaved", [False, True])
def test_raw_records_are_punches_without_direction(tmp_path, people, resaved):
    path = save(tmp_path, "raw.xlsx", dingtalk_raw, RAW, START, END, resaved=resaved)
    assert detect(path) == "dingtalk-raw"
    r = punches(path, people)
    f = r.frame
    assert list(f["agent_id"]) == ["A001", "A001", "A002", "A002", "A005"]
    assert list(f["time"].dt.strftime("%m-%d %H:%M")) == ["11-09 08:26", "11-09 18:02", "11-10 09:20", "11-10 18:00",
                                                           "11-11 08:59"]
    assert f["direction"].isna().all()
    assert list(f["corrected"]) == [False, False, False, True, False]
    first_data = 4
    assert f["_row"].iloc[0] == first_data  # R1 title, R2 report time, R3 header
    msgs = {(i.severity, i.problem.split(";")[0].split(":")[0]) for i in r.issues}
    # An issue on a known person's row is that person's (a split payroll shows only its own).
    invalid = next(i for i in r.issues if i.problem.startswith("invalid punch"))
    assert invalid.agent_id == "A001" and invalid.row == (6 if resaved else 5)
    assert ("warning", "invalid punch (打卡无效)") in msgs
    ambiguous = next(i for i in r.issues if "王芳" in (i.value or ""))
    assert "2 people in the roster are called '王芳'" in ambiguous.problem and ambiguous.severity == "error"
    unknown = next(i for i in r.issues if "赵六" in (i.value or ""))
    assert "not found in the roster" in unknown.problem and "0999" in unknown.value
    by_name = next(i for i in r.issues if i.value == "X-77")
    assert by_name.severity == "warning" and "matched to A005" in by_name.problem


def test_raw_keeps_the_clock_verdicts_per_day(tmp_path, people):
    r = punches(save(tmp_path, "raw.xlsx", dingtalk_raw, RAW, START, END), people)
    v = r.verdicts.set_index(["agent_id", r.verdicts["date"].dt.strftime("%m-%d")])
    assert v.loc[("A002", "11-10"), "clock_categories"] == "late"
    assert v.loc[("A001", "11-09"), "clock_categories"] == ""  # 正常 / 外勤; the 打卡无效 row is no verdict
    assert v.loc[("A005", "11-11"), "clock_categories"] == ""  # an administrator's override to normal


DAYS = [
    dict(name="张伟", uid="0123456789", date="2020-11-09", shift="夏令行政岗 08:00-11:20 13:50-16:40 ",
         in1="07:58", out1="11:21", in2="13:49外勤", out2="16:45", res_in2="外勤"),
    dict(name="李娜", no="A002", date="2020-11-09", shift="N 22:00-06:00 ", in1="21:55", out1="次日 06:01",
         res_in1="正常"),
    dict(name="李娜", no="A002", date="2020-11-10", shift="休息"),
    dict(name="刘洋", no="A005", date="2020-11-10", shift="A 08:30-18:00 ", in1="08:52", res_in1="迟到22分钟",
         out1=None, res_out1="缺卡"),
    dict(name="刘洋", no="A005", date="2020-11-11", shift="A 08:30-18:00 ", in1="08:30", out1="18:00",
         res_out1="补卡审批通过"),
    dict(name="刘洋", no="A005", date="2020-11-12", shift="自由工时"),
    dict(name="刘洋", no="A005", date="2020-11-13", shift="不在考勤组"),
    dict(name="刘洋", no="A005", date="2020-11-14", shift="全天"),
]


@pytest.mark.parametrize("two_level", [True, False])
@pytest.mark.parametrize("resaved", [False, True])
def test_daily_slots_are_directed_punches(tmp_path, people, two_level, resaved):
    path = save(tmp_path, "daily.xlsx", dingtalk_daily, DAYS, START, END, two_level=two_level, resaved=resaved)
    assert detect(path) == "dingtalk-daily"
    f = punches(path, people).frame
    got = [(a, t.strftime("%m-%d %H:%M"), d, c) for a, t, d, c in
           zip(f["agent_id"], f["time"], f["direction"], f["corrected"])]
    assert got == [
        ("A001", "11-09 07:58", "in", False), ("A001", "11-09 11:21", "out", False),
        ("A001", "11-09 13:49", "in", False), ("A001", "11-09 16:45", "out", False),
        ("A002", "11-09 21:55", "in", False), ("A002", "11-10 06:01", "out", False),  # 次日
        ("A005", "11-10 08:52", "in", False),
        ("A005", "11-11 08:30", "in", False), ("A005", "11-11 18:00", "out", True),  # 补卡审批通过
    ]


@pytest.mark.parametrize("two_level", [True, False])
def test_daily_shift_column_is_the_schedule(tmp_path, people, two_level):
    path = save(tmp_path, "daily.xlsx", dingtalk_daily, DAYS, START, END, two_level=two_level)
    r = read_layout(path, "schedule", Context("schedule", people))
    s = r.frame
    hhmm = lambda x: f"{int(x) // 3600:02d}:{int(x) % 3600 // 60:02d}"  # noqa: E731
    got = [(a, d.strftime("%m-%d"), hhmm(b), hhmm(e)) for a, d, b, e in
           zip(s["agent_id"], s["date"], s["shift_start"], s["shift_end"])]
    assert got == [("A001", "11-09", "08:00", "11:20"), ("A001", "11-09", "13:50", "16:40"),
                   ("A002", "11-09", "22:00", "06:00"), ("A005", "11-10", "08:30", "18:00"),
                   ("A005", "11-11", "08:30", "18:00")]
    problems = {i.value: (i.severity, i.problem) for i in r.issues}
    assert problems["自由工时"][0] == "warning"
    assert problems["全天"][0] == "error" and "day not scheduled" in problems["全天"][1]
    assert "休息" not in problems and "不在考勤组" not in problems


GRID = [dict(name="张伟", uid="0123456789", cells={"2020-11-27": "08:26  \n11:32  \n17:33  ",
                                                 "2020-11-28": "08:07外勤  ", "2020-12-01": "08:59  \n次日 02:10  "}),
        dict(name="李娜", no="A002", cells={"2020-11-30": "9点", "2020-12-02": "18:01  "})]


@pytest.mark.parametrize("resaved", [False, True])
def test_grid_dates_come_from_the_title_period(tmp_path, people, resaved):
    # The period runs into the next month; 11-28/29 are 六/日, 12-01 is labelled as a holiday.
    path = save(tmp_path, "grid.xlsx", dingtalk_grid, GRID, "2020-11-26", "2020-12-02", {"2020-12-01": "某节"},
                resaved=resaved)
    assert detect(path) == "dingtalk-grid"
    r = punches(path, people)
    f = r.frame.sort_values(["agent_id", "time"])
    assert [(a, t.strftime("%m-%d %H:%M")) for a, t in zip(f["agent_id"], f["time"])] == [
        ("A001", "11-27 08:26"), ("A001", "11-27 11:32"), ("A001", "11-27 17:33"), ("A001", "11-28 08:07"),
        ("A001", "12-01 08:59"), ("A001", "12-02 02:10"), ("A002", "12-02 18:01")]
    bad = [i for i in r.issues if i.value == "9点"]
    assert len(bad) == 1 and bad[0].column.endswith("11-30") and bad[0].row == (7 if resaved else 6)


def test_grid_without_a_period_in_the_title_is_no_grid(tmp_path, people):
    path = save(tmp_path, "grid.xlsx", dingtalk_grid, GRID, "2020-11-26", "2020-12-02")
    book = openpyxl.load_workbook(path)
    book.active.unmerge_cells("A1:M1")
    book.active["A1"] = "打卡时间表"
    book.save(path)
    assert detect(path) is None
    with pytest.raises(InputError, match="does not look like DingTalk 打卡时间"):
        punches(path, people, "dingtalk-grid")


def test_full_workbook_prefers_raw_punches_and_daily_schedule(tmp_path, people):
    book = openpyxl.Workbook()
    dingtalk_daily(book, DAYS, START, END)
    dingtalk_raw(book, RAW, START, END)
    path = tmp_path / "考勤报表.xlsx"
    book.save(path)
    assert read_layout(path, "punches", Context("punches", people)).layout == "dingtalk-raw"
    assert read_layout(path, "schedule", Context("schedule", people)).layout == "dingtalk-daily"
    assert punches(path, people, "dingtalk-daily").layout == "dingtalk-daily"
    assert read_layout(f"{path}#每日统计", "punches", Context("punches", people)).layout == "dingtalk-daily"


def test_describe_names_the_layout_and_its_mapping(tmp_path, people):
    path = save(tmp_path, "raw.xlsx", dingtalk_raw, RAW, START, END)
    d = describe(path)
    assert (d.layout, d.sheet, d.header_row, d.table) == ("dingtalk-raw", "原始记录", 3, "punch_events")
    text = "\n".join(d.lines())
    assert "first/last punch of each shift window" in text and "打卡无效" in text


def test_canonical_tables_are_no_layout(tmp_path, people):
    csv = tmp_path / "punches.csv"
    pd.DataFrame({"工号": ["A001"], "时间": ["2020-11-09 08:26"], "方向": ["签入"]}).to_csv(csv, index=False)
    assert detect(csv) is None
    assert read_layout(csv, "punches", Context("punches", people)) is None
    with pytest.raises(InputError, match="does not look like"):
        punches(csv, people, "zkteco")
