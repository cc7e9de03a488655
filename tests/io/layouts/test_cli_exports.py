"""attendance-audit on clock exports: --punches-format, corrections and their cap, Clock vs policy."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from export_builders import attlog, dingtalk_raw, wecom_detail, zkteco, zkteco_daily

from cctool.cli.main import app
from cctool.rules.load import default_rules_path

runner = CliRunner()
MONTH = "2026-02"


@pytest.fixture
def centre(tmp_path):
    pd.DataFrame({"工号": ["A001", "A002", "S001"], "姓名": ["张伟", "李娜", "陈主管"], "班组": ["T1", "T1", "T1"],
                  "岗位": ["agent", "agent", "supervisor"], "业务线": ["TSR", "TSR", None],
                  "部门": ["operations"] * 3, "级别": ["C", "C", None], "入职日期": ["2024-01-01"] * 3,
                  "UserId": ["0001", "0002", "0003"]}).to_csv(tmp_path / "roster.csv", index=False)
    days = pd.bdate_range(f"{MONTH}-02", f"{MONTH}-06")
    pd.DataFrame([{"工号": a, "日期": d.strftime("%Y-%m-%d"), "上班时间": "09:00", "下班时间": "18:00"}
                  for a in ("A001", "A002") for d in days]).to_csv(tmp_path / "schedule.csv", index=False)
    return tmp_path


def run(d: Path, punches: Path, *extra):
    args = ["attendance-audit", "--month", MONTH, "--roster", str(d / "roster.csv"), "--schedule",
            str(d / "schedule.csv"), "--punches", str(punches), "--out", str(d / "out.xlsx"), "--json",
            str(d / "out.json"), *extra]
    result = runner.invoke(app, args, catch_exceptions=False)
    return result, (json.loads((d / "out.json").read_text(encoding="utf-8")) if result.exit_code == 0 else None)


def raw_month(d: Path, late_minutes: int = 20, corrections: int = 0) -> Path:
    """Both agents punch 08:55 / 18:05 all week; A001 is late on Tuesday, and the first
    `corrections` of A002's sign-ins are corrections (补卡)."""
    punches = []
    for i, day in enumerate(pd.bdate_range(f"{MONTH}-02", f"{MONTH}-06")):
        ds = day.strftime("%Y-%m-%d")
        for who in ("A001", "A002"):
            sign_in = f"09:{late_minutes:02d}" if (who == "A001" and i == 1) else "08:55"
            corrected = who == "A002" and i < corrections
            punches.append(dict(name={"A001": "张伟", "A002": "李娜"}[who], uid={"A001": "0001", "A002": "0002"}[who],
                                time=f"{ds} {sign_in}", result="补卡审批通过" if corrected else "正常",
                                device="补卡审批" if corrected else "考勤机"))
            punches.append(dict(name={"A001": "张伟", "A002": "李娜"}[who], uid={"A001": "0001", "A002": "0002"}[who],
                                time=f"{ds} 18:05"))
    book = openpyxl.Workbook()
    dingtalk_raw(book, punches, f"{MONTH}-01", f"{MONTH}-28")
    book.save(d / "raw.xlsx")
    return d / "raw.xlsx"


def test_clock_normal_but_manual_half_day_is_listed(centre):
    result, doc = run(centre, raw_month(centre, late_minutes=20))
    assert result.exit_code == 0, result.output
    a1 = next(r for r in doc["records"] if r["agent_id"] == "A001")
    assert a1["absent_days"] == 0.5 and a1["late_count"] == 0
    rows = list(openpyxl.load_workbook(centre / "out.xlsx")["Clock vs policy"].iter_rows(values_only=True))
    body = [r for r in rows[2:] if r[0]]
    assert len(body) == 1
    row = dict(zip(rows[1], body[0]))
    assert (row["Agent ID"], row["Clock's verdict"], row["Clock says"], row["Rules say"]) == \
        ("A001", "正常", "normal", "late")
    assert "ATT-LATE-HALF" in row["Findings"]


def test_corrections_counted_and_capped_only_when_the_rules_say(centre, tmp_path):
    punches = raw_month(centre, late_minutes=0, corrections=4)
    result, doc = run(centre, punches)
    assert result.exit_code == 0, result.output
    summary = list(openpyxl.load_workbook(centre / "out.xlsx")["Summary"].iter_rows(values_only=True))
    header = summary[1]
    counts = {r[0]: r[header.index("Punch corrections")] for r in summary[2:] if r[0]}
    assert counts == {"A001": 0, "A002": 4}
    assert not [e for e in doc["events"] if e["rule_id"] == "ATT-CORRECTION"]

    rules = yaml.safe_load(default_rules_path().read_text(encoding="utf-8"))
    for cap, over in ((4, 0), (3, 1), (2, 2)):
        rules["attendance"]["corrections"] = {"rule_id": "ATT-CORRECTION", "max_per_month": cap}
        (tmp_path / "rules.yaml").write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
        result, doc = run(centre, punches, "--rules", str(tmp_path / "rules.yaml"))
        assert result.exit_code == 0, result.output
        found = [e for e in doc["events"] if e["rule_id"] == "ATT-CORRECTION"]
        assert len(found) == over and all(e["agent_id"] == "A002" for e in found)
        if over:
            assert f"at most {cap} a month" in found[0]["reason"]
            a2 = next(r for r in doc["records"] if r["agent_id"] == "A002")
            assert "ATT-CORRECTION" in a2["rule_ids"]


def test_forced_format_and_other_products(centre):
    rows = []
    for day in pd.bdate_range(f"{MONTH}-02", f"{MONTH}-06"):
        ds = day.strftime("%Y-%m-%d")
        for name in ("张伟", "李娜"):
            rows += [dict(name=name, date=ds, kind="上班", time="08:58"), dict(name=name, date=ds, kind="下班",
                                                                             time="18:01")]
    book = openpyxl.Workbook()
    wecom_detail(book, rows)
    book.save(centre / "wecom.xlsx")
    result, wecom = run(centre, centre / "wecom.xlsx", "--punches-format", "wecom-detail")
    assert result.exit_code == 0, result.output
    assert all(r["worked_days"] == 5 and r["late_count"] == 0 for r in wecom["records"])

    zk = [dict(name=n, no=a, time=f"{d:%Y/%-m/%-d} {t}") for d in pd.bdate_range(f"{MONTH}-02", f"{MONTH}-06")
          for a, n in (("A001", "张伟"), ("A002", "李娜")) for t in ("8:58:00", "18:01:00")]
    book = openpyxl.Workbook()
    zkteco(book, zk)
    book.save(centre / "zk.xlsx")
    result, zdoc = run(centre, centre / "zk.xlsx")
    assert result.exit_code == 0, result.output
    assert zdoc["records"] == wecom["records"]

    week = pd.bdate_range(f"{MONTH}-02", f"{MONTH}-06")
    dat = attlog(centre / "1_attlog.dat", [(a, f"{d:%Y-%m-%d} {t}") for d in week
                                           for a in ("A001", "A002") for t in ("08:58:00", "18:01:00")])
    result, ddoc = run(centre, dat, "--punches-format", "zkteco-dat")
    assert result.exit_code == 0, result.output
    assert ddoc["records"] == wecom["records"]

    daily = [dict(no=a, name=n, date=f"{d:%Y/%-m/%-d}", **{"in": "08:58", "out": "18:01"}) for d in week
             for a, n in (("A001", "张伟"), ("A002", "李娜"))]
    book = openpyxl.Workbook()
    zkteco_daily(book, daily)
    book.save(centre / "zk-daily.xlsx")
    result, zd = run(centre, centre / "zk-daily.xlsx")  # detected
    assert result.exit_code == 0, result.output
    assert zd["records"] == wecom["records"]


def test_wrong_forced_format_is_bad_input_and_unknown_format_is_usage(centre):
    path = raw_month(centre)
    result, _ = run(centre, path, "--punches-format", "wecom-daily")
    assert result.exit_code == 3 and "does not look like WeCom" in result.output
    result, _ = run(centre, path, "--punches-format", "kronos")
    assert result.exit_code == 2


def test_clock_vs_policy_in_chinese(centre):
    from zh_scan import english_in_workbook

    result, _ = run(centre, raw_month(centre, late_minutes=20), "--lang", "zh")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(centre / "out.xlsx")
    assert "考勤机与制度对比" in book.sheetnames
    assert english_in_workbook(centre / "out.xlsx") == []
