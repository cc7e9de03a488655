"""A month of the bundled sample centre written as DingTalk exports (每日统计 for the schedule,
原始记录 for the punches, the 2025 approval export for leave) gives the same attendance JSON
records as the same month in the canonical tables."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from export_builders import dingtalk_daily, dingtalk_raw, leave_2025

from cctool.cli.main import app

SAMPLES = Path(__file__).resolve().parents[3] / "samples"
MONTH = "2026-07"
runner = CliRunner()


def _samples():
    roster = pd.read_excel(SAMPLES / "roster.xlsx", engine="calamine", dtype={"工号": str})
    sched = pd.read_csv(SAMPLES / "schedule.csv", encoding="utf-8-sig", dtype=str)
    punches = pd.read_csv(SAMPLES / "punches.csv", encoding="gb18030", dtype=str)
    leave = pd.read_excel(SAMPLES / "leave.xlsx", engine="calamine", dtype={"申请编号": str, "工号": str})
    return roster, sched, punches, leave


def _who(roster: pd.DataFrame):
    """How each person appears in DingTalk: a third with 工号, a third with only the UserId
    (leading zeros) the roster also carries, a third by name only."""
    out = {}
    for i, (aid, name) in enumerate(zip(roster["工号"], roster["姓名"])):
        uid = f"0{100000 + i:09d}"
        out[aid] = {"name": name, "no": aid if i % 3 == 0 else None, "uid": uid if i % 3 == 1 else None}
    return out


@pytest.fixture(scope="module")
def centre(tmp_path_factory):
    d = tmp_path_factory.mktemp("centre")
    roster, sched, punches, leave = _samples()
    who = _who(roster)
    # The roster carries DingTalk's UserId for the people who have one.
    roster["UserId"] = [f"0{100000 + i:09d}" for i in range(len(roster))]
    roster.to_excel(d / "roster.xlsx", index=False)
    names = dict(zip(roster["工号"], roster["姓名"]))

    in_month = sched[sched["日期"].str.startswith(MONTH)]
    days = [{**who[r["工号"]], "date": r["日期"], "shift": f"A {r['上班时间']}-{r['下班时间']} "}
            for _, r in in_month.iterrows()]
    days.append({**who[roster["工号"].iloc[8]], "date": f"{MONTH}-31", "shift": "休息"})
    book = openpyxl.Workbook()
    dingtalk_daily(book, days, f"{MONTH}-01", f"{MONTH}-31")
    book.save(d / "daily.xlsx")

    raw = []
    for _, p in punches.iterrows():
        for col in ("签入", "签出"):
            if isinstance(p[col], str) and p[col]:
                raw.append({**who[p["工号"]], "time": p[col][:16] + p[col][16:], "day": p["日期"]})
    first = raw[0]
    raw.insert(1, {**first, "time": first["time"][:11] + "08:59:59",
                   "result": "打卡无效:已经打过卡了，上班时间以最早打卡时间为准"})
    raw.append({"name": "外包临时工", "time": f"{MONTH}-02 09:00:00", "no": None, "uid": "0999999999"})
    book = openpyxl.Workbook()
    dingtalk_raw(book, raw, f"{MONTH}-01", f"{MONTH}-31")
    book.save(d / "raw.xlsx")

    requests = []
    for _, r in leave.iterrows():
        start, end = pd.Timestamp(r["开始"]), pd.Timestamp(r["结束"])
        timed = start != start.normalize() or end != end.normalize()
        fmt = "%Y-%m-%d %H:%M" if timed else "%Y-%m-%d"
        length = f"{float(r['天数']) * 8:g}小时" if timed else f"{float(r['天数']):g}天"
        requests.append({"id": r["申请编号"], "name": names[r["工号"]], "type": {"personal": "事假", "sick": "病假",
                         "annual": "年假", "other": "婚假"}[r["请假类型"]], "start": start.strftime(fmt),
                         "end": end.strftime(fmt), "length": length,
                         "approvers": [names[a] for a in str(r["审批人"]).split(";")],
                         "image": "https://oa.example.cn/f/1.jpg" if r["材料齐全"] == "是" else None})
    # A withdrawn request on a day its requester worked: listed, never leave.
    requests.append({"id": "202607010900000000999", "name": names["E0007"], "type": "事假", "start": f"{MONTH}-02",
                     "end": f"{MONTH}-02", "length": "1天", "approvers": [], "state": "终止", "result": "--"})
    book = openpyxl.Workbook()
    leave_2025(book, requests)
    book.save(d / "leave.xlsx")

    # The canonical tables of the same month: the samples, with the leave channel set to the
    # approval form's (a DingTalk approval is always the form) and no reason_false column.
    canon_leave = leave.drop(columns=["事由不实"]).assign(渠道="form")
    canon_leave.to_csv(d / "leave.csv", index=False)
    return d


def _run(d: Path, name: str, schedule: str, punches: str, leave: str, *extra):
    out = d / f"{name}.xlsx"
    args = ["attendance-audit", "--month", MONTH, "--roster", str(d / "roster.xlsx"), "--schedule", schedule,
            "--punches", punches, "--leave", leave, "--out", str(out), "--json", str(d / f"{name}.json"), *extra]
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads((d / f"{name}.json").read_text(encoding="utf-8")), out


@pytest.fixture(scope="module")
def both(centre):
    canon = _run(centre, "canonical", str(SAMPLES / "schedule.csv"), str(SAMPLES / "punches.csv"),
                 str(centre / "leave.csv"))
    ding = _run(centre, "dingtalk", str(centre / "daily.xlsx"), str(centre / "raw.xlsx"), str(centre / "leave.xlsx"))
    return canon, ding


def test_same_records_from_dingtalk_exports_and_canonical_tables(both):
    (canon, _), (ding, _) = both
    assert canon["records"] and ding["records"] == canon["records"]
    key = lambda e: (e["agent_id"], e["date"], e["kind"])  # noqa: E731
    assert sorted(map(key, ding["events"])) == sorted(map(key, canon["events"]))


def test_every_unreadable_or_unmatched_item_is_reported(both):
    (_, _), (ding, _) = both
    problems = [(i["severity"], i["problem"]) for i in ding["issues"]]
    assert any(s == "warning" and "打卡无效" in p for s, p in problems)
    unmatched = [i for i in ding["issues"] if "not found in the roster" in i["problem"]]
    assert len(unmatched) == 1 and "外包临时工" in unmatched[0]["value"] and "0999999999" in unmatched[0]["value"]


def test_withdrawn_request_listed_with_its_state_never_leave(both):
    (canon, _), (ding, out) = both
    listed = [r for r in ding["leave"] if r["request_id"] == "202607010900000000999"]
    assert len(listed) == 1 and listed[0]["approved"] is False and "终止" in listed[0]["reason"]
    e7 = next(r for r in ding["records"] if r["agent_id"] == "E0007")
    assert e7 == next(r for r in canon["records"] if r["agent_id"] == "E0007")


def test_clock_vs_policy_sheet_lists_differences(both):
    (_, _), (_, out) = both
    book = openpyxl.load_workbook(out, read_only=True)
    assert "Clock vs policy" in book.sheetnames
    rows = list(book["Clock vs policy"].iter_rows(values_only=True))
    header = rows[1]
    assert header[:4] == ("Agent ID", "Name", "Team", "Date")
    # The clock said 正常 for every punch; every listed day is one the manual judges otherwise.
    body = [dict(zip(header, r)) for r in rows[2:] if r[0]]
    assert body and all(r["Clock says"] == "normal" and r["Rules say"] != "normal" for r in body)
