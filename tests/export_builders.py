"""Small workbooks in the layouts of docs/EXPORTS.md, written with openpyxl: title rows, merged
headers and the products' value words. `resaved=True` writes what a person who re-saved the
file by hand has: merges gone, a `列1` placeholder column, a blank row inserted, an optional
column deleted."""
from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

RAW_HEADER = ["姓名", "考勤组", "部门", "工号", "职位", "UserId", "考勤日期", "考勤时间", "打卡时间", "打卡结果",
              "打卡地址", "打卡备注", "异常打卡原因", "打卡图片1", "打卡图片2", "打卡设备", "管理员修改备注"]
WEEKDAYS = "一二三四五六日"


def _sheet(book: openpyxl.Workbook, name: str):
    if book.sheetnames == ["Sheet"] and not book.active._cells:  # the new workbook's empty sheet
        ws = book.active
        ws.title = name
        return ws
    return book.create_sheet(name)


def write_table(book, name: str, titles: list[str], header: list[list], rows: list[list], *, merges=(),
                resaved=False, drop=()):
    """titles above the header (each merged across it), header rows, data rows.
    `merges`: (first_row, first_col, last_row, last_col) in header coordinates (1 = first header row)."""
    ws = _sheet(book, name)
    keep = [i for i, h in enumerate(header[0]) if h not in drop] if resaved else list(range(len(header[0])))
    header = [[r[i] for i in keep] for r in header]
    rows = [[r[i] if i < len(r) else None for i in keep] for r in rows]
    if resaved:  # a placeholder column, and a spacer row after the first data row
        header = [h + ["列1" if k == 0 else None] for k, h in enumerate(header)]
        rows = [r + [None] for r in rows]
        rows = rows[:1] + [[None] * len(header[0])] + rows[1:]
    width = len(header[0])
    for t in titles:
        ws.append([t])
    for h in header:
        ws.append(h)
    for r in rows:
        ws.append(r)
    if not resaved:
        for i in range(len(titles)):
            ws.merge_cells(start_row=i + 1, start_column=1, end_row=i + 1, end_column=width)
        off = len(titles)
        for r1, c1, r2, c2 in merges:
            ws.merge_cells(start_row=off + r1, start_column=c1, end_row=off + r2, end_column=c2)
    return ws


def period_title(kind: str, start: str, end: str) -> list[str]:
    return [f"{kind} 统计日期：{start} 至 {end}", f"报表生成时间：{end} 19:57"]


def weekday(day: str) -> str:
    import datetime as dt

    d = dt.date.fromisoformat(day)
    return "星期" + WEEKDAYS[d.weekday()]


def dingtalk_raw(book, punches: list[dict], start: str, end: str, *, resaved=False, sheet="原始记录"):
    """punches: name, no (工号, '' for blank), uid, time 'YYYY-MM-DD HH:MM', result, device."""
    rows = []
    for p in punches:
        day = p.get("day", p["time"][:10])
        rows.append([p["name"], p.get("group", "客服一组"), "呼叫中心", p.get("no") or None, "坐席", p.get("uid"),
                     f"{day[2:]} {weekday(day)}", p.get("slot"), p["time"], p.get("result", "正常"), "园区A座",
                     None, None, None, None, p.get("device", "考勤机"), None])
    return write_table(book, sheet, period_title("原始记录表", start, end), [RAW_HEADER], rows, resaved=resaved,
                       drop=("职位", "打卡图片2"))


def dingtalk_daily(book, days: list[dict], start: str, end: str, *, two_level=True, slots=2, resaved=False,
                   sheet="每日统计"):
    """days: name, no, uid, date 'YYYY-MM-DD', shift ('A 09:00-18:00' / '休息'), and per slot
    in1/out1/in2/out2 ('08:26', '次日 07:40', '08:07外勤', None) with res_in1 … (result words)."""
    head = ["姓名", "考勤组", "部门", "工号", "职位", "UserId", "日期", "workDate", "班次"]
    slot_names = [f"{k}{n}" for n in range(1, slots + 1) for k in ("上班", "下班")]
    rows = []
    for d in days:
        r = [d["name"], "客服一组", "呼叫中心", d.get("no") or None, "坐席", d.get("uid"),
             f"{d['date'][2:]} {weekday(d['date'])}", "1604880000000", d.get("shift", "A 09:00-18:00 ")]
        for n in range(1, slots + 1):
            for key in ("in", "out"):
                t = d.get(f"{key}{n}")
                r += [t, d.get(f"res_{key}{n}", "正常" if t else "缺卡")]
        r += [d.get("approval")]
        rows.append(r)
    if two_level:
        top = head + [x for s in slot_names for x in (s, None)] + ["关联的审批单"]
        sub = [None] * len(head) + ["打卡时间", "打卡结果"] * len(slot_names) + [None]
        merges = [(1, i + 1, 2, i + 1) for i in range(len(head))]
        merges += [(1, len(head) + 1 + 2 * k, 1, len(head) + 2 + 2 * k) for k in range(len(slot_names))]
        merges += [(1, len(top), 2, len(top))]
        return write_table(book, sheet, period_title("每日统计表", start, end), [top, sub], rows, merges=merges,
                           resaved=resaved, drop=("职位", "workDate"))
    flat = head + [f"{s}{w}" for s in slot_names for w in ("打卡时间", "打卡结果")] + ["关联的审批单"]
    return write_table(book, sheet, period_title("每日统计", start, end), [flat], rows, resaved=resaved,
                       drop=("职位", "workDate"))


def dingtalk_grid(book, people: list[dict], start: str, end: str, labels: dict[str, str] | None = None, *,
                  resaved=False, sheet="打卡时间"):
    """people: name, no, uid, cells {'YYYY-MM-DD': '08:26  \\n17:33  '}. Day labels: the day
    number, 六/日 on weekends, or `labels[date]` (a holiday name)."""
    import datetime as dt

    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    dates = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    head = ["姓名", "考勤组", "部门", "工号", "职位", "UserId"]
    day_labels = []
    for d in dates:
        iso = d.isoformat()
        if labels and iso in labels:
            day_labels.append(labels[iso])
        elif d.weekday() >= 5:
            day_labels.append(WEEKDAYS[d.weekday()])
        else:
            day_labels.append(d.day)
    top = head + ["打卡时间"] + [None] * (len(dates) - 1)
    sub = [None] * len(head) + day_labels
    rows = [[p["name"], "客服一组", "呼叫中心", p.get("no") or None, "坐席", p.get("uid")]
            + [p["cells"].get(d.isoformat()) for d in dates] for p in people]
    merges = [(1, i + 1, 2, i + 1) for i in range(len(head))] + [(1, len(head) + 1, 1, len(top))]
    return write_table(book, sheet, period_title("打卡时间表", start, end), [top, sub], rows, merges=merges,
                       resaved=resaved, drop=("职位",))


WECOM_GROUPS = [("时间", []), ("姓名", []), ("账号", []), ("基础信息", ["部门", "职务", "工号"]),
                ("考勤概况", ["所属规则", "班次", "最早", "最晚", "打卡次数(次)", "标准工作时长(小时)",
                          "实际工作时长(小时)", "假勤申请", "考勤结果"]),
                ("假勤统计", ["补卡次数(次)", "事假(天)"]), ("上班1", ["打卡时间", "打卡状态"]),
                ("下班1", ["打卡时间", "打卡状态"]), ("打卡时间记录", [])]


def wecom_daily(book, days: list[dict], *, resaved=False, sheet="概况统计与打卡明细"):
    """days (newest first as WeCom writes them): name, account, no, date 'YYYY-MM-DD', shift
    ('09:00-18:00' / '休息'), in1, out1, st_in1, st_out1, record ('09:49 19:43'), result."""
    top, sub, merges, col = [], [], [], 1
    for group, subs in WECOM_GROUPS:
        if subs:
            top += [group] + [None] * (len(subs) - 1)
            sub += subs
            merges.append((1, col, 1, col + len(subs) - 1))
            col += len(subs)
        else:
            top.append(group)
            sub.append(None)
            merges.append((1, col, 2, col))
            col += 1
    rows = []
    for d in days:
        y, m, dd = d["date"].split("-")
        rows.append([f"{y}/{m}/{dd} {weekday(d['date'])}", d["name"], d.get("account"), "呼叫中心", "坐席",
                     d.get("no") or "--", "客服规则", d.get("shift", "09:00-18:00"), d.get("in1") or "未打卡",
                     d.get("out1") or "--", 2, 9, 9, d.get("leave", "--"), d.get("result", "正常"),
                     d.get("corrections", "--"), "--", d.get("in1") or "--", d.get("st_in1", "正常"),
                     d.get("out1") or "--", d.get("st_out1", "正常"), d.get("record", "--")])
    titles = ["上下班打卡_日报", "统计时间:02-01 ～ 02-28     制表时间:2026-03-10 20:11(UTC+8)"]
    return write_table(book, sheet, titles, [top, sub], rows, merges=merges, resaved=resaved, drop=("最早",))


def wecom_detail(book, punches: list[dict], *, sheet="打卡详情"):
    head = ["日期", "姓名", "账号", "部门", "职务", "所属规则", "打卡类型", "应打卡时间", "实际打卡时间", "打卡状态",
            "打卡地点", "打卡设备", "备注内容", "备注图片", "假勤申请"]
    rows = []
    for p in punches:
        y, m, dd = p["date"].split("-")
        rows.append([f"{y}/{m}/{dd} {weekday(p['date'])}", p["name"], p.get("account"), "呼叫中心", "坐席",
                     "客服规则", p["kind"], p.get("due", "09:00"), p.get("time"), p.get("status", "正常"), "A座",
                     "iPhone", "--", "--", "--"])
    titles = ["上下班打卡_日报", "统计时间:02-01 ～ 02-28     制表时间:2026-03-10 20:11(UTC+8)"]
    return write_table(book, sheet, titles, [head], rows)


def zkteco(book, punches: list[dict], *, sheet="Sheet1"):
    head = ["部门", "姓名", "考勤号码", "日期时间", "机器号", "编号", "比对方式", "卡号"]
    rows = [["呼叫中心", p["name"], p["no"], p["time"], 1, None, p.get("verify", "指纹"), None] for p in punches]
    return write_table(book, sheet, [], [head], rows)


def zkteco_daily(book, rows: list[dict], *, sheet="Sheet1"):
    """ZKTeco daily in/out report (docs/EXPORTS.md): one row per person, day and period."""
    head = ["考勤号码", "姓名", "日期", "对应时段", "签到时间", "签退时间", "迟到时间", "早退时间", "是否旷工"]
    body = [[r["no"], r["name"], r["date"], r.get("period", "白班"), r.get("in"), r.get("out"), r.get("late"),
             r.get("early"), r.get("absent")] for r in rows]
    return write_table(book, sheet, [], [head], body)


def attlog(path: Path, punches: list[tuple[str, str]]) -> Path:
    lines = [f"{no:>9}\t{time}\t1\t0\t1\t0" for no, time in punches]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


LEAVE_2025 = ["序号", "数据id", "请假类型", "开始时间", "结束时间", "时长", "请假事由", "图片", "审批编号", "创建时间",
              "创建人", "当前负责人", "审批结果", "审批状态", "更新时间", "创建人部门", "审批单标题", "历史审批人",
              "耗时(时:分:秒)", "审批记录"]
LEAVE_2019 = ["审批编号", "标题", "审批状态", "审批结果", "发起时间", "完成时间", "耗时(时:分:秒)", "发起人工号",
              "发起人UserID", "发起人姓名", "发起人部门", "历史审批人姓名", "审批记录", "当前处理人姓名", "请假类型",
              "开始时间", "结束时间", "时长", "职务代理人", "请假事由", "假期相关证明图片"]


def approval_record(requester: str, approvers: list[str], when: str = "2025-07-07", result: str = "同意") -> str:
    lines = [f"{requester}|提交申请|{when} 16:53:00|提交申请;"]
    lines += [f"{a}|审批人|{when} 23:55:29|{result}|;" for a in approvers]
    lines += ["赵六,钱七|抄送人|2025-07-08 00:00:00|抄送"]
    return "\r\n".join(lines)


def leave_2025(book, requests: list[dict], *, sheet="请假"):
    """requests: id, name, type, start, end, length, approvers [names], state, result, image."""
    rows = []
    for i, r in enumerate(requests, 1):
        rows.append([i, f"d{i:05d}", r["type"], r["start"], r["end"], r["length"], "家中有事", r.get("image"),
                     r["id"], "2025-07-07 16:53", r["name"], "--", r.get("result", "审批通过"),
                     r.get("state", "已结束"), "2025-07-08 09:00", "呼叫中心", f"{r['name']}提交的请假",
                     ",".join(r["approvers"]), "07:02:29", approval_record(r["name"], r["approvers"])])
    return write_table(book, sheet, [], [LEAVE_2025], rows)


def leave_2019(book, requests: list[dict], *, sheet="请假-1"):
    rows = []
    for r in requests:
        record = "\n".join(f"{a}|审批|2019-12-30 10:00|同意|;" for a in r["approvers"])
        rows.append([r["id"], f"{r['name']}提交的请假", r.get("state", "完成"), r.get("result", "同意"),
                     "2019-12-30 09:00", "2019-12-30 10:00", "01:00:00", r.get("no"), r.get("uid"), r["name"],
                     "呼叫中心", ",".join(r["approvers"]), record, None, r["type"], r["start"], r["end"],
                     r["length"], None, "病了", r.get("image")])
    return write_table(book, sheet, [], [LEAVE_2019], rows)
