"""A split day end to end: a hand-made centre whose canonical schedule gives people two shifts
on one date (08:00-11:20 and 13:50-16:40; a day shift and an evening overtime shift; a night
shift before a split day), read by every command with raw and with paired punches. Checked by
hand: no pair counted twice, a day's hours are the sum of its shifts, calls go to their shift,
scheduled days count shifts."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cctool.cli.main import app

runner = CliRunner()
DAYS = ("2026-10-05", "2026-10-06")
SPLIT = ("08:00", "11:20", "13:50", "16:40")


def _write_centre(tmp: Path) -> None:
    # A1 on time for both periods (3 min late for the afternoon of 10-06); A2 skips the
    # afternoons; A3 a day shift and an arranged evening overtime shift; A4 a night shift
    # 22:00-06:00 on 10-04, then split days.
    (tmp / "roster.csv").write_text(
        "agent_id,name,team,role,line,department,grade,reports_to,hire_date\n"
        "S1,Sup,T-A,supervisor,,operations,,,2020-01-01\nL1,Lead,T-A,team_lead,,operations,,S1,2020-01-01\n"
        + "".join(f"{a},{n},T-A,agent,TSR,operations,B,L1,2024-01-01\n"
                  for a, n in (("A1", "Ann"), ("A2", "Bob"), ("A3", "Cat"), ("A4", "Dan"))), encoding="utf-8")
    sched = ["agent_id,date,shift_start,shift_end,overtime,overtime_arranged", "A4,2026-10-04,22:00,06:00,,"]
    events, pairs = ["agent_id,time,direction"], ["agent_id,date,sign_in,sign_out"]
    for d in DAYS:
        for a in ("A1", "A2", "A4"):
            sched += [f"{a},{d},08:00,11:20,,", f"{a},{d},13:50,16:40,,"]
        sched += [f"A3,{d},09:00,18:00,,", f"A3,{d},19:00,22:00,yes,yes"]
        back = "13:53" if d == "2026-10-06" else "13:45"
        events += [f"A1,{d} 07:58,in", f"A1,{d} 11:21,out", f"A1,{d} {back},in", f"A1,{d} 16:41,out",
                   f"A2,{d} 07:59,in", f"A2,{d} 11:20,out",
                   f"A3,{d} 08:55,in", f"A3,{d} 18:01,out", f"A3,{d} 18:58,in", f"A3,{d} 22:02,out",
                   f"A4,{d} 08:00,in", f"A4,{d} 11:20,out", f"A4,{d} 13:50,in", f"A4,{d} 16:40,out"]
        pairs += [f"A1,{d},{d} 07:58,{d} 16:41", f"A2,{d},{d} 07:59,{d} 11:20", f"A3,{d},{d} 08:55,{d} 22:02",
                  f"A4,{d},{d} 08:00,{d} 16:40"]
    events += ["A4,2026-10-04 21:55,in", "A4,2026-10-05 06:02,out"]
    pairs += ["A4,2026-10-04,2026-10-04 21:55,2026-10-05 06:02"]
    calls = ["call_id,agent_id,start_time,duration_s,connected,success,amount"]

    def call(agent: str, at: str, success: bool = False) -> None:
        calls.append(f"C{len(calls)},{agent},{at},60,1,{int(success)},{100 if success else 0}")
    for d in DAYS:
        for a in ("A1", "A2", "A4"):
            for m in range(10):
                call(a, f"{d} 09:{m * 5:02d}:00", m == 0)  # morning: 10 calls
            for m in range(6):
                call(a, f"{d} 14:{m * 5:02d}:00")  # afternoon: 6 calls (A2 made them unpunched)
        for m in range(20):
            call("A3", f"{d} 10:{m * 2:02d}:00", m == 0)  # day shift: 20 calls
        for m in range(30):
            call("A3", f"{d} 19:{m * 2:02d}:00")  # overtime shift: 30 calls
    call("A4", "2026-10-05 01:00:00")  # the night shift of 10-04
    for name, lines in (("schedule", sched), ("events", events), ("pairs", pairs), ("calls", calls)):
        (tmp / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp / "kpi.csv").write_text("agent_id,month,kpi_score\n" + "".join(f"A{i},2026-10,90\n" for i in range(1, 5)),
                                 encoding="utf-8")


@pytest.fixture(scope="module")
def centre(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("split")
    _write_centre(tmp)
    return tmp


def run(tmp: Path, *args: str) -> str:
    # two days of a month: every report but call-metrics says it is partial
    partial = [] if args[0] == "call-metrics" else ["--allow-partial"]
    result = runner.invoke(app, [*args, *partial], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def common(tmp: Path, punches: str) -> list[str]:
    return ["--roster", str(tmp / "roster.csv"), "--schedule", str(tmp / "schedule.csv"),
            "--punches", str(tmp / f"{punches}.csv")]


def audit(tmp: Path, punches: str) -> dict:
    out = tmp / f"audit-{punches}.json"
    run(tmp, "attendance-audit", "--month", "2026-10", *common(tmp, punches), "--out",
        str(tmp / f"audit-{punches}.xlsx"), "--json", str(out))
    return json.loads(out.read_text("utf-8"))


def by_agent(records: list[dict]) -> dict[str, dict]:
    return {r["agent_id"]: r for r in records}


def test_audit_raw_punches_judge_each_period(centre):
    doc = audit(centre, "events")
    people = by_agent(doc["records"])
    got = {a: (r["scheduled_days"], r["worked_days"], r["absent_days"], r["late_count"]) for a, r in people.items()}
    assert got == {"A1": (4, 4, 0, 1), "A2": (4, 2, 2, 0), "A3": (4, 4, 0, 0), "A4": (5, 5, 0, 0)}
    found = sorted((e["agent_id"], e["date"], e["shift_start"], e["rule_id"]) for e in doc["events"])
    assert found == [("A1", "2026-10-06", "13:50", "ATT-LATE"),
                     ("A2", "2026-10-05", "13:50", "ATT-NO-SHOW"), ("A2", "2026-10-06", "13:50", "ATT-NO-SHOW")]
    assert doc["issues"] == []


def test_audit_paired_punches_are_review_items_never_joined_twice(centre):
    doc = audit(centre, "pairs")
    people = by_agent(doc["records"])
    got = {a: (r["scheduled_days"], r["worked_days"], r["absent_days"]) for a, r in people.items()}
    assert got == {"A1": (4, 4, 0), "A2": (4, 2, 2), "A3": (4, 4, 0), "A4": (5, 5, 0)}
    found = sorted((e["agent_id"], e["date"], e["shift_start"], e["rule_id"]) for e in doc["events"]
                   if e["agent_id"] in ("A1", "A2"))
    assert found == [("A1", d, s, "ATT-MISSING-PUNCH") for d in DAYS for s in ("08:00", "13:50")] + \
        [("A2", d, "13:50", "ATT-NO-SHOW") for d in DAYS]
    # the night shift's pair (a one-shift day) is read as before: no finding for A4's 10-04
    assert not [e for e in doc["events"] if e["agent_id"] == "A4" and e["date"] == "2026-10-04"]
    [warning] = doc["issues"]
    assert warning["severity"] == "warning" and "8 person-day(s)" in warning["problem"]
    # the Events sheet shows each shift with the punch it got: one sign-in, one sign-out
    ws = openpyxl.load_workbook(centre / "audit-pairs.xlsx")["Events"]
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r and r[0] == "Agent ID")
    sheet = [dict(zip(rows[head], r)) for r in rows[head + 1:] if r and r[0] == "A1"]
    assert [(r["Shift start"], r["Sign-in"] is not None, r["Sign-out"] is not None) for r in sheet][:2] == \
        [("08:00", True, False), ("13:50", False, True)]


@pytest.mark.parametrize("source", ["calls", "metrics"])
def test_payroll_overtime_per_shift(centre, source):
    calls = ["--calls", str(centre / "calls.csv")]
    if source == "metrics":
        run(centre, "call-metrics", "--month", "2026-10", "--calls", str(centre / "calls.csv"), "--out",
            str(centre / "m.parquet"), *common(centre, "events"))
        calls = ["--metrics", str(centre / "m.parquet")]
    out = centre / f"pay-{source}.xlsx"
    run(centre, "monthly-payroll", "--month", "2026-10", *common(centre, "events"), *calls,
        "--kpi", str(centre / "kpi.csv"), "--out", str(out), "--json", str(centre / f"pay-{source}.json"))
    ws = openpyxl.load_workbook(out)["Overtime"]
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r and r[0] == "Agent ID")
    lines = [dict(zip(rows[head], r)) for r in rows[head + 1:] if r and r[0]]
    # one line per overtime shift, with its own 30 calls (not the day's 50); signed in 18:58-22:02, paid
    # for the arranged 19:00-22:00 only (PAY-OT pays arranged overtime)
    assert [(r["Agent ID"], r["Date"].strftime("%m-%d"), r["Hours"], r["Calls"], r["Paid by the hour"])
            for r in lines] == [("A3", "10-05", 3.0, 30, "Yes"), ("A3", "10-06", 3.0, 30, "Yes")]
    doc = json.loads((centre / f"pay-{source}.json").read_text("utf-8"))
    assert by_agent(doc["records"])["A3"]["overtime_pay"] == 180.0  # 6 h × 30.00


@pytest.mark.parametrize("punches, hours", [
    ("events", {"A1": 6.32, "A2": 3.35, "A3": 12.17, "A4": 6.17}),  # 3:23 + 2:56; 9:06 + 3:04; no night
    ("pairs", {"A1": 6.17, "A2": 3.35, "A3": 12.0, "A4": 6.17}),  # one pair a day: each shift at its length
])
def test_kpi_report_day_hours_are_the_sum_of_the_shifts(centre, punches, hours):
    out = centre / f"kpi-{punches}.json"
    run(centre, "kpi-report", "--period", "day", "--date", "2026-10-05", *common(centre, punches),
        "--calls", str(centre / "calls.csv"), "--kpi", str(centre / "kpi.csv"), "--out",
        str(centre / f"kpi-{punches}.xlsx"), "--json", str(out), "--as-of", "2026-10-07 00:00")
    people = by_agent(json.loads(out.read_text("utf-8"))["records"])
    assert {a: r["hours"] for a, r in people.items()} == hours
    assert {a: (r["calls"], r["scheduled"], r["present"]) for a, r in people.items()} == \
        {"A1": (16, 2, 2), "A2": (16, 2, 1), "A3": (50, 2, 2), "A4": (16, 2, 2)}  # A4's 01:00 call: 10-04


def test_daily_brief_and_grading(centre):
    out = centre / "brief.json"
    run(centre, "daily-brief", "--date", "2026-10-05", *common(centre, "events"), "--calls",
        str(centre / "calls.csv"), "--format", "json", "--out", str(out), "--as-of", "2026-10-07 00:00")
    [day] = [r for r in json.loads(out.read_text("utf-8"))["records"] if r["scope"] == "centre"]
    assert (day["calls"], day["hours"], day["scheduled"], day["present"]) == (98, 28.0, 8, 7)
    assert (day["calls_prev_day"], day["hours_prev_day"], day["scheduled_prev_day"]) == (1, 8.12, 1)
    for punches, a1 in (("events", 12.5), ("pairs", 12.33)):  # events: 3:23 + 2:56, 3:23 + 2:48
        out = centre / f"grades-{punches}.json"
        run(centre, "grade-agents", "--quarter", "2026Q4", "--roster", str(centre / "roster.csv"), "--calls",
            str(centre / "calls.csv"), "--kpi", str(centre / "kpi.csv"), "--punches", str(centre / f"{punches}.csv"),
            "--schedule", str(centre / "schedule.csv"), "--out", str(centre / f"g-{punches}.xlsx"), "--json", str(out))
        people = by_agent(json.loads(out.read_text("utf-8"))["records"])
        assert (people["A1"]["hours"], people["A4"]["hours"]) == (a1, 20.45)  # A4: 2 × 6:10 + 8:07 night


def test_explain_names_the_shift(centre):
    out = run(centre, "explain", "--agent", "A4", "--month", "2026-10", *common(centre, "pairs"))
    assert "2026-10-05 08:00–11:20: in 2026-10-05 08:00:00, out — → one punch missing (review)" in out
    assert "2026-10-05 13:50–16:40: in —, out 2026-10-05 16:40:00 → one punch missing (review)" in out
    assert "2026-10-05 08:00 [ATT-MISSING-PUNCH]" in out and "2026-10-05 13:50 [ATT-MISSING-PUNCH]" in out
    assert "2026-10-04 22:00–06:00: in 2026-10-04 21:55:00, out 2026-10-05 06:02:00 → on time" in out


def test_simulate_a_stricter_late_band_on_a_split_day(centre):
    from cctool.rules import default_rules_path

    text = default_rules_path().read_text("utf-8")
    old = "kind: absent_half_day, above_minutes: 15}"
    assert old in text
    (centre / "strict.yaml").write_text(text.replace(old, "kind: absent_half_day, above_minutes: 1}"), "utf-8")
    out = centre / "whatif.json"
    run(centre, "simulate", "--month", "2026-10", "--rules", str(centre / "strict.yaml"), *common(centre, "events"),
        "--out", str(centre / "whatif.xlsx"), "--json", str(out))
    [person] = json.loads(out.read_text("utf-8"))["records"]
    changes = {c["field"]: (c["baseline"], c["proposed"]) for c in person["changes"]}
    assert person["agent_id"] == "A1"
    assert changes["absent_days"] == (0.0, 0.5) and changes["late_count"] == (1, 0)


def test_overlap_and_split_day_pair_on_a_zh_errors_sheet(centre, tmp_path):
    """An overlapping shift is an error naming the other row; a pair on a split day a warning;
    both read in Chinese in a zh workbook."""
    sched = (centre / "schedule.csv").read_text("utf-8") + "A1,2026-10-05,11:00,12:00,,\n"  # 11:00 < 11:20
    (tmp_path / "schedule.csv").write_text(sched, encoding="utf-8")
    out = tmp_path / "z.xlsx"
    run(tmp_path, "attendance-audit", "--month", "2026-10", "--roster", str(centre / "roster.csv"),
        "--schedule", str(tmp_path / "schedule.csv"), "--punches", str(centre / "pairs.csv"), "--out", str(out),
        "--json", str(tmp_path / "z.json"), "--lang", "zh")
    issues = json.loads((tmp_path / "z.json").read_text("utf-8"))["issues"]
    overlap = [i for i in issues if "overlaps" in i["problem"]]
    assert [(i["row"], i["value"], i["severity"]) for i in overlap] == [(19, "11:00-12:00", "error")]
    assert "shift overlaps the same person's shift at row 3; row excluded" in overlap[0]["problem"]
    errors = openpyxl.load_workbook(out)["错误"]
    header = [c.value for c in errors[1]]
    problems = [row[header.index("问题")] for row in errors.iter_rows(min_row=2, values_only=True)]
    assert "与同一人第3行的班次时间重叠；该行不计入" in problems
    assert any(p.startswith("8个人日当天有多个班次却只有一对签入/签出（首次出现在第") for p in problems)
