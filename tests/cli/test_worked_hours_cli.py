"""attendance.worked_hours end to end: a rules file that turns it on, a hand-made centre with
Chinese headers, the audit's Events reason (English and Chinese) and explain's shift outcome.
Judged after the late/early bands; the more severe result wins and its reason names what the
bands gave (with the article that fits: "an early leave", "absence of half a day")."""
from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cctool.cli.main import app
from cctool.rules import default_rules_path

runner = CliRunner()
DAY = "2025-11-05"
# agent: (shift start, shift end, sign-in, sign-out)
SHIFTS = {
    "H-1": ("09:00", "12:00", "09:12:00", "12:00:00"),  # a late; 2 h 48 min worked: half a day wins
    "H-2": ("09:00", "11:00", "09:20:00", "10:50:00"),  # late half day + early leave; 1 h 30 min: full day wins
    "H-3": ("09:00", "13:00", "09:12:00", "12:00:00"),  # late + early full day; hours' half day is milder
    "H-4": ("09:00", "13:00", "09:00:00", "13:00:00"),  # exactly 4 h: not under 4 h
}  # every shift is over by the latest punch (13:00), the default as-of time


@pytest.fixture(scope="module")
def centre(tmp_path_factory) -> tuple[Path, list[str]]:
    tmp = tmp_path_factory.mktemp("hours")
    (tmp / "roster.csv").write_text("工号,姓名,班组,岗位,业务线,部门,级别,入职日期\n" + "".join(
        f"{a},坐席{a[-1]},西区,agent,CSR,operations,B,2022-03-01\n" for a in SHIFTS), encoding="utf-8-sig")
    (tmp / "schedule.csv").write_text("工号,日期,上班时间,下班时间\n" + "".join(
        f"{a},{DAY},{s},{e}\n" for a, (s, e, _, _) in SHIFTS.items()), encoding="utf-8-sig")
    (tmp / "punches.csv").write_text("工号,日期,签入,签出\n" + "".join(
        f"{a},{DAY},{DAY} {i},{DAY} {o}\n" for a, (_, _, i, o) in SHIFTS.items()), encoding="gb18030")
    text = default_rules_path().read_text("utf-8")
    assert "  punch_pairing:\n" in text
    (tmp / "hours.yaml").write_text(text.replace("  punch_pairing:\n", (
        "  worked_hours:\n    - {rule_id: ATT-HOURS-HALF, kind: absent_half_day, below_hours: 4}\n"
        "    - {rule_id: ATT-HOURS-FULL, kind: absent_full_day, below_hours: 2}\n  punch_pairing:\n")), "utf-8")
    args = ["--roster", str(tmp / "roster.csv"), "--schedule", str(tmp / "schedule.csv"),
            "--punches", str(tmp / "punches.csv"), "--rules", str(tmp / "hours.yaml")]
    return tmp, args


def _audit(tmp: Path, args: list[str], lang: str) -> tuple[dict, list[dict]]:
    out = tmp / f"audit-{lang}.xlsx"
    result = runner.invoke(app, ["attendance-audit", "--month", "2025-11", *args, "--lang", lang,
                                 "--out", str(out), "--json", str(tmp / f"audit-{lang}.json")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out).worksheets[1]  # Events / 明细
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r and r[0] in ("Agent ID", "工号"))
    events = [dict(zip(rows[head], r)) for r in rows[head + 1:] if r and r[0]]
    return json.loads((tmp / f"audit-{lang}.json").read_text("utf-8")), events


def test_hours_after_the_bands_more_severe_wins(centre):
    tmp, args = centre
    doc, events = _audit(tmp, args, "en")
    people = {r["agent_id"]: r for r in doc["records"]}
    assert (people["H-1"]["absent_days"], people["H-1"]["late_count"]) == (0.5, 0)
    assert (people["H-2"]["absent_days"], people["H-2"]["late_count"], people["H-2"]["early_leave_count"]) == (1, 0, 0)
    assert (people["H-3"]["absent_days"], people["H-3"]["late_count"]) == (1, 1)  # the band's full day stands
    assert people["H-4"]["absent_days"] == 0
    by_agent = {}
    for e in doc["events"]:
        by_agent.setdefault(e["agent_id"], []).append(e["rule_id"])
    assert by_agent == {"H-1": ["ATT-HOURS-HALF"], "H-2": ["ATT-HOURS-FULL"], "H-3": ["ATT-LATE", "ATT-EARLY-FULL"]}
    reasons = {e["agent_id"]: e["reason"] for e in doc["events"] if e["rule_id"].startswith("ATT-HOURS")}
    assert reasons["H-1"] == ("2 h 48 min worked (signed in 09:12:00, signed out 12:00:00): under 4 h → absence of "
                              "half a day, more severe than the late/early bands' result (a late on arrival, "
                              "which it replaces)")
    assert ("(absence of half a day on arrival and an early leave on departure, which it replaces)"
            in reasons["H-2"])
    sheet = {e["Agent ID"]: e for e in events}
    assert sheet["H-2"]["Rule ID"] == "ATT-HOURS-FULL" and sheet["H-2"]["Reason"] == reasons["H-2"]


def test_hours_reason_reads_in_chinese(centre):
    tmp, args = centre
    _, events = _audit(tmp, args, "zh")
    reasons = {e["工号"]: next(v for k, v in e.items() if k in ("原因", "说明")) for e in events}
    assert reasons["H-1"] == "工作2小时48分钟（签入 09:12:00，签出 12:00:00）：不足4小时 → 旷工半日，" \
                             "比迟到/早退档的结果（上班记迟到）更严重，取而代之"
    assert "（上班旷工半日，下班记早退）" in reasons["H-2"]
    for agent in ("H-1", "H-2"):
        assert not re.search("[A-Za-z]", reasons[agent]), reasons[agent]


def test_explain_outcome_names_the_hours_not_the_replaced_bands(centre):
    tmp, args = centre
    result = runner.invoke(app, ["explain", "--agent", "H-2", "--month", "2025-11", *args, "--format", "json"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    (shift,) = doc["shifts"]
    assert shift["outcome"] == "absence 1 day (ATT-HOURS-FULL)"
    assert [f["rule_id"] for f in doc["findings"]] == ["ATT-HOURS-FULL"]
    # a day the bands decide keeps its band outcome
    result = runner.invoke(app, ["explain", "--agent", "H-3", "--month", "2025-11", *args, "--format", "json"],
                           catch_exceptions=False)
    (shift,) = json.loads(result.output)["shifts"]
    assert "ATT-LATE" in shift["outcome"] and "ATT-EARLY-FULL" in shift["outcome"]
