"""WeCom 日报 and ZKTeco exports as the products write them."""
from __future__ import annotations

import openpyxl
import pytest

from export_builders import attlog, wecom_daily, wecom_detail, zkteco, zkteco_daily

from cctool.io.layouts import Context, detect, read_layout

DAYS = [  # newest day first, as WeCom writes them
    dict(name="张伟", account="zhangwei", date="2026-02-28", in1="09:49", st_in1="迟到49分钟", out1="19:43",
         record="09:49 19:43", result="异常", shift="09:00-12:00、13:00-18:00"),
    dict(name="李娜", no="A002", date="2026-02-27", in1="09:00(补卡)", st_in1="正常（补卡）", out1="18:09",
         record="09:00(补卡) 18:09", corrections=1),
    dict(name="李娜", no="A002", date="2026-02-26", in1=None, st_in1="缺卡（09:00）", out1="18:00",
         record="18:00", result="缺卡", corrections=1),
    dict(name="李娜", no="A002", date="2026-02-21", shift="休息", in1=None, out1=None, st_in1="--", st_out1="--"),
]


def save(tmp_path, name, write, *args, **kw):
    book = openpyxl.Workbook()
    write(book, *args, **kw)
    path = tmp_path / name
    book.save(path)
    return path


@pytest.mark.parametrize("resaved", [False, True])
def test_wecom_daily_slots(tmp_path, people, resaved):
    path = save(tmp_path, "日报.xlsx", wecom_daily, DAYS, resaved=resaved)
    assert detect(path) == "wecom-daily"
    r = read_layout(path, "punches", Context("punches", people))
    f = r.frame
    got = [(a, t.strftime("%m-%d %H:%M"), d, c) for a, t, d, c in
           zip(f["agent_id"], f["time"], f["direction"], f["corrected"])]
    assert sorted(got) == [("A001", "02-28 09:49", "in", False), ("A001", "02-28 19:43", "out", False),
                           ("A002", "02-26 18:00", "out", False),
                           ("A002", "02-27 09:00", "in", True), ("A002", "02-27 18:09", "out", False)]
    v = r.verdicts.set_index(r.verdicts["date"].dt.strftime("%m-%d"))
    assert v.loc["02-28", "clock_categories"] == "late"
    assert v.loc["02-26", "clock_categories"] == "missing_punch"
    assert v.loc["02-27", "clock_categories"] == ""
    # 02-26: WeCom counts a correction no punch shows — reported, not guessed onto a punch.
    (warn,) = [i for i in r.issues if "补卡" in i.problem]
    assert warn.severity == "warning" and warn.row == (8 if resaved else 7)


def test_wecom_daily_schedule_from_shift(tmp_path, people):
    path = save(tmp_path, "日报.xlsx", wecom_daily, DAYS)
    s = read_layout(path, "schedule", Context("schedule", people)).frame
    got = [(a, d.strftime("%m-%d"), b // 60, e // 60) for a, d, b, e in
           zip(s["agent_id"], s["date"], s["shift_start"], s["shift_end"])]
    assert got == [("A001", "02-28", 540, 720), ("A001", "02-28", 780, 1080), ("A002", "02-27", 540, 1080),
                   ("A002", "02-26", 540, 1080)]


def test_wecom_detail_one_row_per_punch(tmp_path, people):
    rows = [dict(name="张伟", account="zhangwei", date="2026-02-28", kind="上班", time="09:49", status="迟到49分钟"),
            dict(name="张伟", account="zhangwei", date="2026-02-28", kind="下班", time="未打卡", status="缺卡"),
            dict(name="李娜", date="2026-02-27", kind="上班", time="09:00", status="正常(补卡)"),
            dict(name="李娜", date="2026-02-27", kind="下班", time="6点", status="正常")]
    path = save(tmp_path, "日报.xlsx", wecom_detail, rows)
    assert detect(path) == "wecom-detail"
    r = read_layout(path, "punches", Context("punches", people))
    f = r.frame
    assert list(zip(f["agent_id"], f["direction"], f["corrected"])) == [("A001", "in", False), ("A002", "in", True)]
    bad = [i for i in r.issues if i.severity == "error"]
    assert [(i.row, i.column, i.value) for i in bad] == [(7, "实际打卡时间", "6点")]


def test_zkteco_export(tmp_path, people):
    rows = [dict(name="张伟", no="A001", time="2019/2/15 8:59:14"), dict(name="李娜", no="A002", time="2019/2/15 19:59:14"),
            dict(name="无名", no="9", time="2019/2/15 19:59:14"), dict(name="张伟", no="A001", time="2019-2-30 8:00")]
    path = save(tmp_path, "zk.xlsx", zkteco, rows)
    assert detect(path) == "zkteco"
    r = read_layout(path, "punches", Context("punches", people))
    assert list(r.frame["time"].dt.strftime("%Y-%m-%d %H:%M:%S")) == ["2019-02-15 08:59:14", "2019-02-15 19:59:14"]
    assert r.frame["direction"].isna().all()
    assert {(i.row, i.severity) for i in r.issues} == {(4, "error"), (5, "error")}


def test_zkteco_daily_in_out(tmp_path, people):
    rows = [dict(no="A001", name="张伟", date="2019/12/1", **{"in": "08:40", "out": "18:02"}, late="00:10"),
            dict(no="A002", name="李娜", date="2019/12/1", period="夜班", **{"in": "22:01", "out": "06:03"}),
            dict(no="A005", name="刘洋", date="2019/12/2", **{"in": None, "out": "17:59"}, absent="True"),
            dict(no="A001", name="张伟", date="2019/12/2", **{"in": "8点", "out": "18:00"}),
            dict(no="77", name="无名", date="2019/12/2", **{"in": "08:00"}),
            dict(no="A001", name="张伟", date="2019/13/40", **{"in": "08:00"}),
            dict(no="A002", name="李娜", date="2019/12/3", **{"in": "09:00", "out": "09:00"}),  # a double tap
            dict(no="A002", name="李娜", date="2019/12/4", **{"out": "06:02"})]  # a night's end, or not
    path = save(tmp_path, "zk-daily.xlsx", zkteco_daily, rows)
    assert detect(path) == "zkteco-daily"
    r = read_layout(path, "punches", Context("punches", people))
    got = [(a, t.strftime("%m-%d %H:%M"), d) for a, t, d in zip(r.frame["agent_id"], r.frame["time"], r.frame["direction"])]
    assert got == [("A001", "12-01 08:40", "in"), ("A001", "12-01 18:02", "out"), ("A001", "12-02 18:00", "out"),
                   ("A002", "12-01 22:01", "in"), ("A002", "12-02 06:03", "out"),  # the night period's out: next day
                   ("A002", "12-03 09:00", "in"), ("A002", "12-03 09:00", "out"),  # same minute: same day
                   ("A002", "12-04 06:02", "out"),  # kept on its row's day, with a warning
                   ("A005", "12-02 17:59", "out")]
    problems = {(i.row, i.column, i.value): i.problem for i in r.issues}
    assert "expected a punch time" in problems[(5, "签到时间", "8点")]
    assert "expected a date" in problems[(7, "日期", "2019/13/40")]
    assert any(row == 6 and "77" in str(value) for row, _, value in problems)  # not in the roster
    lone = [i for i in r.issues if i.severity == "warning" and i.column == "签退时间"]
    assert [(i.row, i.value) for i in lone] == [(9, "06:02")]  # A005's 17:59 alone is no question


def test_attlog_dat(tmp_path, people):
    path = attlog(tmp_path / "1_attlog.dat", [("A001", "2020-12-01 07:56:36"), ("A002", "2020-12-01 18:03:00"),
                                             ("55", "2020-12-01 18:03:00")])
    assert detect(path) == "zkteco-dat"
    r = read_layout(path, "punches", Context("punches", people))
    assert list(r.frame["agent_id"]) == ["A001", "A002"]
    assert r.frame["time"].iloc[0].isoformat() == "2020-12-01T07:56:36"
    (issue,) = r.issues
    assert issue.row == 3 and "55" in issue.value and "not found in the roster" in issue.problem
