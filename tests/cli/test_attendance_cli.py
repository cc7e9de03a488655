"""attendance-audit end to end on the bundled samples: read the workbook and JSON back and
check a few agents by hand against the input files."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from cctool.cli.main import app

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
runner = CliRunner()


@pytest.fixture(scope="module")
def audit(tmp_path_factory):
    out = tmp_path_factory.mktemp("audit")
    args = ["attendance-audit", "--month", "2026-07", "--roster", str(SAMPLES / "roster.xlsx"),
            "--schedule", str(SAMPLES / "schedule.csv"), "--punches", str(SAMPLES / "punches.csv"),
            "--leave", str(SAMPLES / "leave.xlsx"), "--excusals", str(SAMPLES / "excusals.csv"),
            "--swaps", str(SAMPLES / "swaps.csv"), "--out", str(out / "audit.xlsx"), "--json", str(out / "audit.json")]
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out, json.loads((out / "audit.json").read_text(encoding="utf-8")), result.output


def test_workbook_sheets_and_headers(audit):
    out, _, _ = audit
    book = openpyxl.load_workbook(out / "audit.xlsx")
    assert book.sheetnames == ["Summary", "Events", "Leave", "Teams", "Leave caps", "Errors", "Run"]
    header = [c.value for c in book["Summary"][2]]
    assert header[:6] == ["Agent ID", "Name", "Team", "Month", "Scheduled days", "Worked days"]
    assert book["Summary"].freeze_panes == "A3"
    # printed or saved as PDF: landscape, all columns on one page width, note and header on every page
    setup = book["Summary"].page_setup
    assert setup.orientation == "landscape" and book["Summary"].sheet_properties.pageSetUpPr.fitToPage
    assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0 and book["Summary"].print_title_rows == "$1:$2"


def test_json_contract(audit):
    _, doc, _ = audit
    assert doc["command"] == "attendance-audit" and doc["period"] == "2026-07"
    assert {i["name"] for i in doc["inputs"]} == {"roster", "schedule", "punches", "leave", "excusals", "swaps"}
    rec = doc["records"][0]
    assert list(rec) == ["agent_id", "team", "month", "scheduled_days", "worked_days", "late_count",
                         "early_leave_count", "absent_days", "leave_days", "performance_bonus_stopped",
                         "performance_pay_zero", "all_bonus_zero", "wage_withheld", "deemed_resigned", "rule_ids",
                         "pending_days", "feed_gap_count", "excused_count", "missing_punch_count", "corrections"]
    assert set(doc["events"][0]) >= {"agent_id", "date", "kind", "minutes", "rule_id"}
    assert set(doc["teams"][0]) == {"team", "attendance_rate", "below_target"}


def test_every_event_is_explained_with_a_rule(audit):
    _, doc, _ = audit
    assert doc["events"]
    for e in doc["events"]:
        assert e["rule_id"] and len(e["reason"]) > 20


def read_inputs():
    sched = pd.read_csv(SAMPLES / "schedule.csv", encoding="utf-8-sig")
    punches = pd.read_csv(SAMPLES / "punches.csv", encoding="gb18030")
    return sched, punches


def test_hand_check_lateness_against_the_raw_files(audit):
    """Recompute every lateness finding from the raw files with plain pandas and compare."""
    _, doc, _ = audit
    sched, punches = read_inputs()
    sched.columns = ["agent_id", "date", "start", "end", *sched.columns[4:]]
    punches.columns = ["agent_id", "date", "sign_in", "sign_out"]
    roster = pd.read_excel(SAMPLES / "roster.xlsx", engine="openpyxl")
    team = dict(zip(roster["工号"], roster["班组"]))
    excusals = pd.read_csv(SAMPLES / "excusals.csv")
    excused = set()
    for _, e in excusals.iterrows():
        kind, _, target = e["scope"].partition(":")
        excused |= {(a, e["date"]) for a in team if kind == "all" or (kind == "team" and team[a] == target)
                    or (kind == "agent" and a == target)}
    m = sched[sched["date"].str.startswith("2026-07")].merge(punches, on=["agent_id", "date"])
    m = m[m["sign_in"].notna()]
    m["late_s"] = (pd.to_datetime(m["sign_in"]) - pd.to_datetime(m["date"] + " " + m["start"])).dt.total_seconds()
    m = m[m["late_s"] > 0]
    # A half-day leave in the morning moves the expected start: those days are checked in
    # tests/policy/test_leave.py, not here.
    leave = pd.read_excel(SAMPLES / "leave.xlsx", engine="openpyxl")
    on_leave = set(zip(leave["工号"], pd.to_datetime(leave["开始"]).dt.strftime("%Y-%m-%d")))
    m = m[[(a, d) not in on_leave for a, d in zip(m["agent_id"], m["date"])]]
    got_on_leave = {(a, d) for a, d in on_leave}
    expected = sorted(
        (r.agent_id, r.date, "ATT-EXCUSE" if (r.agent_id, r.date) in excused else
         "ATT-LATE" if r.late_s <= 900 else "ATT-LATE-HALF" if r.late_s <= 1800 else "ATT-LATE-FULL")
        for r in m.itertuples())
    assert any(rule == "ATT-EXCUSE" for *_, rule in expected)
    got = sorted((e["agent_id"], e["date"], e["rule_id"]) for e in doc["events"]
                 if e["rule_id"] in ("ATT-EXCUSE", "ATT-LATE", "ATT-LATE-HALF", "ATT-LATE-FULL")
                 and (e["agent_id"], e["date"]) not in got_on_leave)
    assert got == expected
    by_agent = {r["agent_id"]: r for r in doc["records"]}
    for agent, n in pd.Series([a for a, _, rule in expected if rule == "ATT-LATE"]).value_counts().items():
        assert by_agent[agent]["late_count"] == n


def test_consequences_match_absent_days(audit):
    _, doc, _ = audit
    for r in doc["records"]:
        assert r["performance_pay_zero"] == (r["absent_days"] >= 1)
        assert r["all_bonus_zero"] == (r["absent_days"] >= 2)
        assert r["wage_withheld"] == (r["absent_days"] >= 3)
        assert r["performance_bonus_stopped"] == (r["late_count"] + r["early_leave_count"] >= 3)
        assert r["scheduled_days"] >= r["worked_days"] + r["absent_days"] + r["leave_days"] - 1e-9
    assert any(r["deemed_resigned"] for r in doc["records"])
    assert any(r["performance_bonus_stopped"] for r in doc["records"])


def test_chinese_workbook(tmp_path):
    args = ["attendance-audit", "--month", "2026-07", "--roster", str(SAMPLES / "roster.xlsx"),
            "--schedule", str(SAMPLES / "schedule.csv"), "--punches", str(SAMPLES / "punches.csv"),
            "--out", str(tmp_path / "a.xlsx"), "--lang", "zh"]
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert book.sheetnames[:4] == ["汇总", "明细", "请假", "班组"]
    kinds = {row[9] for row in book["明细"].iter_rows(min_row=3, values_only=True)}
    assert kinds & {"迟到", "旷工半日", "旷工一日"}


def test_fail_on_findings_exit_code(tmp_path):
    args = ["attendance-audit", "--month", "2026-07", "--roster", str(SAMPLES / "roster.xlsx"),
            "--schedule", str(SAMPLES / "schedule.csv"), "--punches", str(SAMPLES / "punches.csv"),
            "--out", str(tmp_path / "a.xlsx"), "--fail-on", "findings", "--quiet"]
    result = runner.invoke(app, ["--quiet", *args[:-1]])
    assert result.exit_code == 6
    assert (tmp_path / "a.xlsx").exists()
