"""A whole month as the products write it, beside the same month as canonical CSVs.

Shaped unlike the other fixtures: a 每日统计 has one row per person for every day of the month
(rest days `休息` included, as DingTalk writes it), the approval export holds more withdrawn,
rejected and in-progress requests than agreed ones, a 班次 is split in two periods, a night
shift's sign-out is written `次日 06:03` in WeCom's 打卡时间记录. Workbooks built here with
openpyxl: R1 merged title, R2 generated-at, merged two-level header R3/R4."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from cctool.cli.main import app

runner = CliRunner()
MONTH = "2025-10"
DAYS = [dt.date(2025, 10, d) for d in range(1, 32)]
WEEKDAY = "一二三四五六日"
ROSTER = pd.DataFrame({
    "工号": ["7300", "7400", "7500", "7600", "7701", "7702", "7703"],
    "姓名": ["郑总", "钱经理", "冯主管", "褚班长", "卫东", "蒋南", "沈西"],
    "班组": [None, None, None, "晨星组", "晨星组", "晨星组", "晨星组"],
    "岗位": ["director", "ops_manager", "supervisor", "team_lead", "agent", "agent", "agent"],
    "业务线": [None, None, None, None, "TSR", "CSR", "TSR"],
    "部门": ["operations"] * 7,
    "级别": [None, None, None, None, "C", "C", "B"],
    "直属上级": [None, "7300", "7400", "7500", "7600", "7600", "7600"],
    "入职日期": ["2022-05-01"] * 7,
    "UserId": [None, None, None, None, "0330017701", "0330017702", None],
})
AGENTS = ["7701", "7702", "7703"]
NAMES = dict(zip(ROSTER["工号"], ROSTER["姓名"]))


def scheduled(d: dt.date) -> bool:
    return d.weekday() < 5


def sign_in(a: str, d: dt.date) -> str | None:
    if a == "7702" and d == dt.date(2025, 10, 14):
        return "09:20"  # more than 15 min late: half a day (ATT-LATE-HALF), the clock said 迟到
    if a == "7703" and d == dt.date(2025, 10, 15):
        return None  # on agreed 事假
    return f"08:5{AGENTS.index(a) + 2}"


def sign_out(a: str, d: dt.date) -> str | None:
    return None if sign_in(a, d) is None else f"18:0{AGENTS.index(a) + 1}"


def title(ws, text: str, width: int) -> None:
    ws.append([text])
    ws.append(["报表生成时间：2025-11-01 08:30"])
    for r in (1, 2):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)


def shown_ids(a: str) -> tuple[str | None, str | None]:
    """7701 by 工号, 7702 by UserId only (工号 blank), 7703 by name only."""
    return {"7701": ("7701", "0330017701"), "7702": (None, "0330017702"), "7703": (None, "0991234567")}[a]


def write_daily(path: Path) -> None:
    """每日统计 with the two-level merged header: every day of the month, rest days too."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "每日统计"
    fixed = ["姓名", "考勤组", "部门", "工号", "职位", "UserId", "日期", "班次"]
    title(ws, "每日统计 统计日期：2025-10-01 至 2025-10-31", len(fixed) + 4)
    ws.append(fixed + ["上班1", None, "下班1", None])
    ws.append([None] * len(fixed) + ["打卡时间", "打卡结果", "打卡时间", "打卡结果"])
    for c in range(1, len(fixed) + 1):
        ws.merge_cells(start_row=3, start_column=c, end_row=4, end_column=c)
    for c in (len(fixed) + 1, len(fixed) + 3):
        ws.merge_cells(start_row=3, start_column=c, end_row=3, end_column=c + 1)
    for d in DAYS:
        for a in AGENTS:
            no, uid = shown_ids(a)
            day = f"{d:%y-%m-%d} 星期{WEEKDAY[d.weekday()]}"
            if not scheduled(d):
                ws.append([NAMES[a], "晨星考勤", "呼叫中心", no, "坐席", uid, day, "休息", None, "休息", None, "休息"])
                continue
            i, o = sign_in(a, d), sign_out(a, d)
            late = i is not None and i > "09:00"
            ws.append([NAMES[a], "晨星考勤", "呼叫中心", no, "坐席", uid, day, "A 09:00-18:00 ",
                       i, ("迟到20分钟" if late else "正常") if i else "请假", o, "正常" if o else "请假"])
    ws.append(["外包小赵", "未加入考勤组", "外包", None, "临时", "0999999999", "25-10-09 星期四", "不在考勤组",
               "09:00", "正常", "18:00", "正常"])
    book.save(path)


H2019 = ["审批编号", "标题", "审批状态", "审批结果", "发起时间", "完成时间", "耗时(时:分:秒)", "发起人工号", "发起人UserID",
         "发起人姓名", "发起人部门", "历史审批人姓名", "审批记录", "当前处理人姓名", "请假类型", "开始时间", "结束时间", "时长",
         "职务代理人", "请假事由", "假期相关证明图片"]


def write_leave(path: Path) -> None:
    """2019 approval export: one agreed 事假 in hours, three requests that never count."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "请假"
    ws.append(H2019)
    agreed = "沈西|发起|2025-10-13 10:00||;\n褚班长|审批|2025-10-13 11:00|同意|;\n冯主管|审批|2025-10-13 12:00|同意|;"
    rows = [("202510131000000007001", "7703", "完成", "同意", "2025-10-15 09:00", "2025-10-15 18:00", "8小时", agreed),
            ("202510141000000007002", "7701", "已撤销", None, "2025-10-16", "2025-10-16", "1天", None),
            ("202510151000000007003", "7701", "完成", "拒绝", "2025-10-17", "2025-10-17", "1天", None),
            ("202510161000000007004", "7702", "审批中", None, "2025-10-20 上午", "2025-10-20 上午", "0.5天", None)]
    for rid, a, state, result, start, end, length, record in rows:
        no, uid = shown_ids(a)
        ws.append([rid, f"{NAMES[a]}提交的请假", state, result, "2025-10-13 10:00:00", None, None, no, uid, NAMES[a],
                   "呼叫中心", None, record, None, "事假", start, end, length, None, "家中有事", None])
    book.save(path)


def write_canonical(d: Path) -> None:
    ROSTER.to_csv(d / "roster.csv", index=False)
    days = [x for x in DAYS if scheduled(x)]
    pd.DataFrame([(a, f"{x:%Y-%m-%d}", "09:00", "18:00") for x in days for a in AGENTS],
                 columns=["工号", "日期", "上班时间", "下班时间"]).to_csv(d / "schedule.csv", index=False)
    pd.DataFrame([(a, f"{x:%Y-%m-%d}", f"{x:%Y-%m-%d} {sign_in(a, x)}", f"{x:%Y-%m-%d} {sign_out(a, x)}")
                  for x in days for a in AGENTS if sign_in(a, x)],
                 columns=["工号", "日期", "签入", "签出"]).to_csv(d / "punches.csv", index=False)
    pd.DataFrame([("202510131000000007001", "7703", "personal", "2025-10-15 09:00", "2025-10-15 18:00", 1.0, "form",
                   "否", "7600;7500")],
                 columns=["申请编号", "工号", "请假类型", "开始", "结束", "天数", "渠道", "材料齐全", "审批人"]
                 ).to_csv(d / "leave.csv", index=False)


def audit(d: Path, name: str, schedule: Path, punches: Path, leave: Path, *extra: str):
    args = ["attendance-audit", "--month", MONTH, "--roster", str(d / "roster.csv"), "--schedule", str(schedule),
            "--punches", str(punches), "--leave", str(leave), "--out", str(d / f"{name}.xlsx"),
            "--json", str(d / f"{name}.json"), *extra]
    result = runner.invoke(app, args, catch_exceptions=False)
    doc = json.loads((d / f"{name}.json").read_text(encoding="utf-8")) if result.exit_code == 0 else None
    return result, doc


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    d = tmp_path_factory.mktemp("month")
    write_canonical(d)
    write_daily(d / "daily.xlsx")
    write_leave(d / "approvals.xlsx")
    return d


def test_a_whole_month_export_with_rest_days_and_withdrawn_requests_is_trusted(month):
    """Rest-day rows and requests listed but never counted are no unreadable rows: before, the
    month was refused (`73 of 187 rows unreadable … not trusted`) without --allow-partial."""
    result, doc = audit(month, "exports", month / "daily.xlsx", month / "daily.xlsx", month / "approvals.xlsx")
    assert result.exit_code == 0, result.output
    cov = {i["name"]: i for i in doc["coverage"]["inputs"]}
    # 93 person-days + the contractor nobody knows; only that row is unreadable
    assert (cov["schedule"]["rows"], cov["schedule"]["rows_unreadable"]) == (94, 1)
    assert (cov["leave"]["rows"], cov["leave"]["rows_unreadable"]) == (4, 0)
    assert doc["coverage"]["partial"] is False
    unmatched = [i for i in doc["issues"] if "外包小赵" in (i["value"] or "")]
    assert unmatched and all(i["severity"] == "error" for i in unmatched)


def test_the_exported_month_gives_the_canonical_month(month):
    _, canon = audit(month, "canonical", month / "schedule.csv", month / "punches.csv", month / "leave.csv")
    _, ding = audit(month, "exports", month / "daily.xlsx", month / "daily.xlsx", month / "approvals.xlsx")
    assert canon["records"] and ding["records"] == canon["records"]
    e2 = next(r for r in ding["records"] if r["agent_id"] == "7702")
    assert e2["absent_days"] == 0.5 and e2["scheduled_days"] == 23
    e3 = next(r for r in ding["records"] if r["agent_id"] == "7703")
    assert (e3["leave_days"], e3["absent_days"]) == (1.0, 0.0)
    # the three requests that never count are on the Leave sheet with their state, not leave
    listed = {r["request_id"]: r for r in ding["leave"] if not r["approved"]}
    assert set(listed) == {"202510141000000007002", "202510151000000007003", "202510161000000007004"}
    assert "已撤销" in listed["202510141000000007002"]["reason"]
    assert "拒绝" in listed["202510151000000007003"]["reason"]
    assert "审批中" in listed["202510161000000007004"]["reason"]


def test_a_still_unreadable_export_is_refused(month, tmp_path):
    """The trust check still bites when rows really cannot be used: most people unknown."""
    roster = ROSTER[ROSTER["工号"] != "7701"].assign(UserId=None)
    roster = roster[roster["工号"] != "7703"]
    roster.to_csv(tmp_path / "roster.csv", index=False)
    for f in ("daily.xlsx", "approvals.xlsx"):
        (tmp_path / f).write_bytes((month / f).read_bytes())
    result, _ = audit(tmp_path, "refused", tmp_path / "daily.xlsx", tmp_path / "daily.xlsx",
                      tmp_path / "approvals.xlsx")
    assert result.exit_code == 3
    assert "daily.xlsx#每日统计" in result.output and "not trusted" in result.output


# ----------------------------------------------------------------------------- split 班次

def write_split_raw(path: Path, punches: list[tuple[str, str]]) -> None:
    """原始记录 of one person on one day; `punches` (打卡时间, 打卡结果)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "原始记录"
    head = ["姓名", "考勤组", "部门", "工号", "职位", "UserId", "考勤日期", "考勤时间", "打卡时间", "打卡结果", "打卡设备"]
    title(ws, "原始记录 统计日期：2025-10-01 至 2025-10-31", len(head))
    ws.append(head)
    for stamp, word in punches:
        ws.append(["卫东", "晨星考勤", "呼叫中心", "7701", "坐席", None, stamp[2:10] + " 星期三", None, stamp, word, "考勤机"])
    book.save(path)


def write_split_daily(path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "每日统计"
    head = ["姓名", "考勤组", "部门", "工号", "职位", "UserId", "日期", "班次", "上班1打卡时间", "上班1打卡结果"]
    title(ws, "每日统计 统计日期：2025-10-01 至 2025-10-31", len(head))
    ws.append(head)
    for d in DAYS:
        shift = "夏令行政岗 08:00-11:20 13:50-16:40 " if d == dt.date(2025, 10, 15) else "休息"
        ws.append(["卫东", "晨星考勤", "呼叫中心", "7701", "坐席", None, f"{d:%y-%m-%d} 星期{WEEKDAY[d.weekday()]}", shift,
                   None, None])
    book.save(path)


@pytest.fixture
def split(tmp_path):
    ROSTER.to_csv(tmp_path / "roster.csv", index=False)
    write_split_daily(tmp_path / "daily.xlsx")
    pd.DataFrame(columns=["申请编号", "工号", "请假类型", "开始", "结束"]).to_csv(tmp_path / "leave.csv", index=False)
    return tmp_path


def test_a_split_shift_day_pairs_each_period_on_its_own(split):
    """`08:00-11:20 13:50-16:40` are two shifts: the morning's punches are the morning's. Every
    pair of the day used to be joined to every shift of it (four shifts, two of them crossed:
    `348 min late` and `318 min early`, two full days absent for someone on time)."""
    write_split_raw(split / "raw.xlsx", [("2025-10-15 07:58", "正常"), ("2025-10-15 11:21", "正常"),
                                         ("2025-10-15 13:48", "正常"), ("2025-10-15 16:45", "正常")])
    result, doc = audit(split, "split", split / "daily.xlsx", split / "raw.xlsx", split / "leave.csv", "--allow-partial")
    assert result.exit_code == 0, result.output
    rec = next(r for r in doc["records"] if r["agent_id"] == "7701")
    assert (rec["scheduled_days"], rec["absent_days"], rec["late_count"], rec["early_leave_count"]) == (2, 0.0, 0, 0)
    assert doc["events"] == []


def test_a_split_shift_day_missing_its_afternoon_is_that_shift_only(split):
    write_split_raw(split / "raw.xlsx", [("2025-10-15 07:58", "正常"), ("2025-10-15 11:21", "正常")])
    result, doc = audit(split, "split", split / "daily.xlsx", split / "raw.xlsx", split / "leave.csv", "--allow-partial",
                        "--as-of", "2025-11-01 00:00")  # else the last punch, 11:21, leaves the afternoon pending
    assert result.exit_code == 0, result.output
    events = [(e["kind"], e["rule_id"]) for e in doc["events"]]
    assert events == [("absent_full_day", "ATT-NO-SHOW")]
    book = openpyxl.load_workbook(split / "split.xlsx", read_only=True)
    rows = [r for r in book["Events"].iter_rows(values_only=True) if r[0] == "7701"]
    assert [(r[4], r[5]) for r in rows] == [("13:50", "16:40")]


# ----------------------------------------------------------------------------- several punches in one cell

def test_a_night_sign_out_written_after_the_sign_in_in_one_cell_is_the_next_morning(tmp_path):
    """WeCom 打卡时间记录 `21:52 次日 06:03`: two punches. `次日 06:03` used to be read as words
    after 21:52 and the sign-out was lost without a trace; a second time glued to the first
    (`09:49/19:43`) is now reported, not half read."""
    from cctool.io.layouts import Context, read_layout

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "概况统计与打卡明细"
    title(ws, "上下班打卡_日报", 8)
    ws.append(["时间", "姓名", "账号", "基础信息", None, "考勤概况", None, "打卡时间记录"])
    ws.append([None, None, None, "部门", "工号", "班次", "考勤结果", None])
    for c in (1, 2, 3, 8):
        ws.merge_cells(start_row=3, start_column=c, end_row=4, end_column=c)
    for c in (4, 6):
        ws.merge_cells(start_row=3, start_column=c, end_row=3, end_column=c + 1)
    ws.append(["2025/10/22 星期三", "卫东", "weidong", "晨星组", "7701", "22:00-06:00", "正常", "21:52 次日 06:03"])
    ws.append(["2025/10/21 星期二", "卫东", "weidong", "晨星组", "7701", "22:00-06:00", "正常", "09:49/19:43"])
    book.save(tmp_path / "wecom.xlsx")
    people = pd.DataFrame({"agent_id": ["7701"], "name": ["卫东"], "team": ["晨星组"]})
    read = read_layout(tmp_path / "wecom.xlsx", "punches", Context("punches", people))
    assert read.layout == "wecom-daily"
    assert [f"{t:%m-%d %H:%M}" for t in read.frame["time"]] == ["10-22 21:52", "10-23 06:03"]
    bad = [(i.row, i.value, i.severity) for i in read.issues]
    assert bad == [(6, "09:49/19:43", "error")]


# ----------------------------------------------------------------------------- inspect

def test_inspect_reads_a_product_export_by_its_layout(month, tmp_path):
    """`cctool inspect` used to name the layout and then read the file with the generic reader:
    exit 3, `missing required column(s)` and a column mapping to paste for a file that needs none."""
    result = runner.invoke(app, ["inspect", str(month / "daily.xlsx")])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "layout: dingtalk-daily — DingTalk 每日统计 (sheet '每日统计'), header at row 3" in out
    assert "上班1打卡时间 / 下班1打卡时间" in out and "Dates covered: 2025-10-01 .. 2025-10-31" in out
    assert "Add to the rules file" not in out and "missing required" not in out
    assert "without --roster" in out
    matched = runner.invoke(app, ["inspect", str(month / "daily.xlsx"), "--roster", str(month / "roster.csv")])
    assert matched.exit_code == 0, matched.output
    # with the roster only the contractor nobody knows is left, named with its row
    assert "1 problem(s)" in matched.output and "row 98" in matched.output and "外包小赵" in matched.output
    schedule = runner.invoke(app, ["inspect", str(month / "daily.xlsx"), "--table", "schedule"])
    assert schedule.exit_code == 0 and "班次: each period is a shift" in schedule.output
    wrong = runner.invoke(app, ["inspect", str(month / "approvals.xlsx"), "--table", "punches"])
    assert wrong.exit_code == 3 and "DingTalk 审批 (请假) export (dingtalk-leave); it gives leave, not punches" in \
        " ".join(wrong.output.split())
    leave = runner.invoke(app, ["inspect", str(month / "approvals.xlsx")])
    assert leave.exit_code == 0 and "dingtalk-leave" in leave.output and "时长 (小时 ÷ 8 h per day)" in leave.output
    assert "approver not in the roster" not in leave.output  # no roster given: nothing to say about it
    (tmp_path / "1_attlog.dat").write_text("     7701\t2025-10-09 08:52:10\t1\t0\t1\t0\r\n"
                                           "     7701\t2025-10-09 18:01:44\t1\t0\t1\t0\r\n")
    dat = runner.invoke(app, ["inspect", str(tmp_path / "1_attlog.dat")])
    assert dat.exit_code == 0, dat.output
    assert "zkteco-dat" in dat.output and "2 punch_events row(s)" in dat.output


def test_a_rules_file_mapping_of_the_table_wins_over_the_layout(tmp_path):
    """The English ZKTeco clock is a layout and has a ready mapping (examples/mappings): with
    the mapping in the rules file the reports read it by the mapping, as inspect shows — a
    `Break Out` the mapping does not know is an unreadable value, not guessed as a sign-out."""
    from cctool.io.inputs import InputSet
    from cctool.rules import load_rules
    from cctool.rules.load import default_rules_path

    import yaml

    pd.DataFrame({"Department": ["Ops"] * 2, "Name": ["Wei Dong"] * 2, "No.": ["7701"] * 2,
                  "Date/Time": ["09/10/2025 08:52:10", "09/10/2025 18:01:44"], "Status": ["C/In", "Break Out"]}
                 ).to_csv(tmp_path / "clock.csv", index=False)
    rules = yaml.safe_load(default_rules_path().read_text(encoding="utf-8"))
    rules.setdefault("columns", {})["punches"] = yaml.safe_load(
        (Path(__file__).resolve().parents[3] / "examples/mappings/zkteco-time-clock.yaml").read_text(
            encoding="utf-8"))["columns"]["punches"]
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    mapped = InputSet(load_rules(tmp_path / "rules.yaml").rules)
    mapped.load("punches", tmp_path / "clock.csv")
    assert "punches" not in mapped.layouts and any(i.value == "Break Out" for i in mapped.issues)
    by_layout = InputSet(load_rules(None).rules)
    by_layout.load("punches", tmp_path / "clock.csv")
    assert by_layout.layouts["punches"].layout == "zkteco"


def test_a_daily_sheet_whose_punch_columns_were_deleted_gives_the_schedule_not_punches(tmp_path):
    """Re-saved by hand with the 打卡 columns deleted: still the schedule (it used to be no layout,
    and the generic reader said `missing required column(s)` naming the title as a header);
    as --punches it stops with what to export instead of a month of no-shows."""
    ROSTER.to_csv(tmp_path / "roster.csv", index=False)
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "每日统计"
    head = ["姓名", "部门", "工号", "日期", "班次"]
    title(ws, "每日统计表 统计日期：2025-10-01 至 2025-10-31", len(head))
    ws.append(head)
    for d in DAYS:
        ws.append(["卫东", "呼叫中心", "7701", f"{d:%y-%m-%d} 星期{WEEKDAY[d.weekday()]}",
                   "A 09:00-18:00" if scheduled(d) else "休息"])
    book.save(tmp_path / "daily.xlsx")
    pd.DataFrame([("7701", f"{d:%Y-%m-%d}", f"{d:%Y-%m-%d} 08:55", f"{d:%Y-%m-%d} 18:05") for d in DAYS if scheduled(d)],
                 columns=["工号", "日期", "签入", "签出"]).to_csv(tmp_path / "punches.csv", index=False)
    pd.DataFrame(columns=["申请编号", "工号", "请假类型", "开始", "结束"]).to_csv(tmp_path / "leave.csv", index=False)
    result, doc = audit(tmp_path, "ok", tmp_path / "daily.xlsx", tmp_path / "punches.csv", tmp_path / "leave.csv")
    assert result.exit_code == 0, result.output
    rec = next(r for r in doc["records"] if r["agent_id"] == "7701")
    assert (rec["scheduled_days"], rec["worked_days"], rec["absent_days"]) == (23, 23.0, 0.0)
    result, _ = audit(tmp_path, "no", tmp_path / "daily.xlsx", tmp_path / "daily.xlsx", tmp_path / "leave.csv")
    assert result.exit_code == 3 and "gives the schedule (班次), not the punches" in result.output


def test_a_request_without_its_dates_is_reported_not_dropped(tmp_path):
    """A 2025 approval row with 开始时间 left blank used to vanish: neither leave, nor listed, nor
    on Errors."""
    from cctool.io.layouts import Context, read_layout

    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["序号", "请假类型", "开始时间", "结束时间", "时长", "图片", "审批编号", "创建人", "审批结果", "审批状态", "审批记录"])
    ws.append([1, "病假", None, "2025-10-21 下午", "0.5天", None, "202510201000000007005", "卫东", "审批通过", "已结束",
               "卫东|提交申请|2025-10-20 10:00:00|提交申请;\r\n褚班长|审批人|2025-10-20 11:00:00|同意|;"])
    book.save(tmp_path / "leave.xlsx")
    people = pd.DataFrame({"agent_id": ["7701", "7600"], "name": ["卫东", "褚班长"], "team": ["晨星组"] * 2})
    read = read_layout(tmp_path / "leave.xlsx", "leave", Context("leave", people))
    assert read.frame.empty and (read.listed is None or read.listed.empty)
    assert [(i.row, i.column, i.severity) for i in read.issues] == [(2, "开始时间", "error")]


def test_a_zkteco_row_without_its_time_is_said(tmp_path):
    from cctool.io.layouts import Context, read_layout

    pd.DataFrame({"部门": ["晨星组"] * 2, "姓名": ["卫东"] * 2, "考勤号码": ["7701"] * 2,
                  "日期时间": ["2025/10/9 8:52:10", None], "机器号": ["1", "1"]}).to_csv(tmp_path / "zk.csv", index=False)
    people = pd.DataFrame({"agent_id": ["7701"], "name": ["卫东"], "team": ["晨星组"]})
    read = read_layout(tmp_path / "zk.csv", "punches", Context("punches", people))
    assert len(read.frame) == 1
    assert [(i.row, i.column, i.severity) for i in read.issues] == [(3, "日期时间", "warning")]
