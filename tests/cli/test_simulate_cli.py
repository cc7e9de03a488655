"""simulate end to end: a rule change replayed on the samples and on a hand-made centre, the
workbook and JSON read back; only the people the change touches are listed."""
from __future__ import annotations

import json
import re
import os
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cctool.cli.main import app
from cctool.rules import default_rules_path

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
runner = CliRunner()
LATE_HALF = "{rule_id: ATT-LATE-HALF, kind: absent_half_day, above_minutes: 15}"


def proposed_rules(tmp: Path, minutes: int = 10) -> Path:
    text = default_rules_path().read_text(encoding="utf-8")
    assert LATE_HALF in text
    path = tmp / "proposed.yaml"
    path.write_text(text.replace(LATE_HALF, LATE_HALF.replace("15}", f"{minutes}}}")), encoding="utf-8")
    return path


def sample_args(out: Path) -> list[str]:
    return ["--roster", str(SAMPLES / "roster.xlsx"), "--schedule", str(SAMPLES / "schedule.csv"),
            "--punches", str(SAMPLES / "punches.csv"), "--leave", str(SAMPLES / "leave.xlsx"),
            "--excusals", str(SAMPLES / "excusals.csv"), "--swaps", str(SAMPLES / "swaps.csv")]


@pytest.fixture(scope="module")
def samples_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("whatif")
    audit = runner.invoke(app, ["attendance-audit", "--month", "2026-07", *sample_args(out),
                                "--out", str(out / "audit.xlsx"), "--json", str(out / "audit.json")])
    assert audit.exit_code == 0, audit.output
    sim = runner.invoke(app, ["simulate", "--month", "2026-07", "--rules", str(proposed_rules(out)),
                              *sample_args(out), "--out", str(out / "whatif.xlsx"), "--json", str(out / "whatif.json")],
                        catch_exceptions=False)
    assert sim.exit_code == 0, sim.output
    return out, json.loads((out / "audit.json").read_text("utf-8")), json.loads((out / "whatif.json").read_text("utf-8"))


def test_samples_lists_exactly_the_lateness_between_10_and_15_minutes(samples_run):
    _, audit, whatif = samples_run
    # From the attendance-audit's own findings under today's rules: unexcused lates (ATT-LATE)
    # of more than 10 and at most 15 minutes.
    expected = {e["agent_id"] for e in audit["events"] if e["kind"] == "late" and 10 < e["minutes"] <= 15}
    assert expected, "the samples should hold such lates"
    assert {r["agent_id"] for r in whatif["records"]} == expected
    for rec in whatif["records"]:
        fields = {c["field"]: c for c in rec["changes"]}
        lates = sum(1 for e in audit["events"] if e["agent_id"] == rec["agent_id"] and e["kind"] == "late"
                    and 10 < e["minutes"] <= 15)
        assert fields["late_count"]["baseline"] - fields["late_count"]["proposed"] == lates
        assert "ATT-LATE-HALF" in fields["absent_days"]["rule_ids"]
        assert "net_delta" not in rec  # no pay inputs, no pay


def test_samples_workbook_and_rules_diff(samples_run):
    out, _, whatif = samples_run
    assert whatif["rules_diff"] == [{"path": "attendance.late[1].above_minutes", "baseline": 15.0, "proposed": 10.0}]
    book = openpyxl.load_workbook(out / "whatif.xlsx")
    assert book.sheetnames == ["Changes", "Teams", "Rules diff", "Errors", "Run"]
    diff = list(book["Rules diff"].iter_rows(min_row=3, values_only=True))
    assert diff == [("attendance.late[1].above_minutes", "15", "10")]
    changes = list(book["Changes"].iter_rows(min_row=3, values_only=True))
    assert {r[0] for r in changes} == {r["agent_id"] for r in whatif["records"]}
    assert len(changes) == sum(len(r["changes"]) for r in whatif["records"])
    # Change: a number (proposed − baseline) where both sides are numbers, blank for yes/no and texts
    header = [c.value for c in book["Changes"][2]]
    assert header[4:7] == ["Baseline", "Proposed", "Change"]
    for row in changes:
        before, after, change = row[4:7]
        numeric = all(v.replace(".", "", 1).lstrip("-").isdigit() for v in (before, after))
        assert (change == round(float(after) - float(before), 2)) if numeric else change is None, row
    assert any(isinstance(r[6], float) for r in changes)
    run = {r[0]: r[1] for r in book["Run"].iter_rows(min_row=3, values_only=True)}
    assert run["rules file"].endswith("proposed.yaml")
    assert run["option baseline_rules"] == str(default_rules_path())


# ----------------------------------------------------------------------------- a hand-made centre

def _centre(tmp: Path) -> dict[str, Path]:
    """Five agents, one shift each on 2026-10-08 09:00-18:00, arriving at the boundaries."""
    (tmp / "roster.csv").write_text(
        "agent_id,name,team,role,line,department,grade,hire_date\n"
        + "".join(f"A{i},Agent {i},{'T1' if i < 4 else 'T2'},agent,TSR,operations,C,2024-01-01\n" for i in range(1, 6)),
        encoding="utf-8")
    (tmp / "schedule.csv").write_text(
        "agent_id,date,shift_start,shift_end\n" + "".join(f"A{i},2026-10-08,09:00,18:00\n" for i in range(1, 6)),
        encoding="utf-8")
    arrivals = {1: "09:10:00", 2: "09:10:01", 3: "09:15:00", 4: "09:15:01", 5: "08:59:00"}
    (tmp / "punches.csv").write_text(
        "agent_id,date,sign_in,sign_out\n"
        + "".join(f"A{i},2026-10-08,2026-10-08 {t},2026-10-08 18:00:00\n" for i, t in arrivals.items()),
        encoding="utf-8")
    (tmp / "kpi.csv").write_text("agent_id,month,kpi_score\n" + "".join(f"A{i},2026-10,91\n" for i in range(1, 6)),
                                 encoding="utf-8")
    return {n: tmp / f"{n}.csv" for n in ("roster", "schedule", "punches", "kpi")}


def test_hand_made_centre_boundaries_with_pay(tmp_path):
    f = _centre(tmp_path)
    result = runner.invoke(app, ["simulate", "--month", "2026-10", "--rules", str(proposed_rules(tmp_path)),
                                 "--roster", str(f["roster"]), "--schedule", str(f["schedule"]),
                                 "--punches", str(f["punches"]), "--kpi", str(f["kpi"]),
                                 "--out", str(tmp_path / "w.xlsx"), "--json", str(tmp_path / "w.json")],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "w.json").read_text("utf-8"))
    # 10:00 exactly is not more than 10 min; 15:01 was already half a day.
    assert [r["agent_id"] for r in doc["records"]] == ["A2", "A3"]
    a2 = {c["field"]: c for c in doc["records"][0]["changes"]}
    assert (a2["late_count"]["baseline"], a2["late_count"]["proposed"]) == (1, 0)
    assert (a2["absent_days"]["baseline"], a2["absent_days"]["proposed"]) == (0.0, 0.5)
    # Half a day of absence: ATT-ABS-1 (1 day) is not reached; half a day's pay is deducted.
    daily = 3500 / 21.75
    assert doc["records"][0]["net_delta"] == pytest.approx(-round(daily * 0.5, 2), abs=0.011)
    assert doc["totals"]["pay_delta"]["centre"] == pytest.approx(2 * doc["records"][0]["net_delta"])
    assert doc["totals"]["pay_delta"]["teams"]["T2"] == 0
    assert doc["totals"]["consequences"]["performance_pay_zero"] == {"newly": 0, "no_longer": 0, "baseline": 0,
                                                                     "proposed": 0}
    # Pay stays confidential: owner-only files, no figure on the terminal.
    assert oct(os.stat(tmp_path / "w.xlsx").st_mode & 0o777) == "0o600"
    assert oct(os.stat(tmp_path / "w.json").st_mode & 0o777) == "0o600"
    assert str(abs(doc["records"][0]["net_delta"])) not in result.output
    assert "3500" not in result.output
    teams = {r[0]: r for r in openpyxl.load_workbook(tmp_path / "w.xlsx")["Teams"].iter_rows(min_row=3, values_only=True)}
    assert teams["T1"][1] == 1.0 and teams["T1"][2] == pytest.approx(2 / 3, abs=1e-4)


def test_same_rules_change_nothing(tmp_path):
    f = _centre(tmp_path)
    result = runner.invoke(app, ["simulate", "--month", "2026-10", "--rules", str(default_rules_path()),
                                 "--roster", str(f["roster"]), "--schedule", str(f["schedule"]),
                                 "--punches", str(f["punches"]), "--out", str(tmp_path / "w.xlsx"),
                                 "--json", str(tmp_path / "w.json")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "w.json").read_text("utf-8"))
    assert doc["records"] == [] and doc["rules_diff"] == [] and doc["totals"]["people_affected"] == 0


def test_bad_proposed_rules_exit_4(tmp_path):
    f = _centre(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text(default_rules_path().read_text("utf-8").replace("above_minutes: 15", "above_minutes: -1"), "utf-8")
    result = runner.invoke(app, ["simulate", "--month", "2026-10", "--rules", str(bad), "--roster", str(f["roster"]),
                                 "--schedule", str(f["schedule"]), "--punches", str(f["punches"]),
                                 "--out", str(tmp_path / "w.xlsx")])
    assert result.exit_code == 4
    assert "attendance.late[1].above_minutes" in result.output
    assert not (tmp_path / "w.xlsx").exists()


def test_help_has_an_example():
    result = runner.invoke(app, ["simulate", "--help"])
    assert result.exit_code == 0 and re.search(r"Example:\s+cctool simulate", result.output)


def test_leave_verdict_change_and_rules_folder(tmp_path):
    """A stricter one-day chain (LV-SHORT-1 needs the supervisor too) turns a team-lead-approved
    day of leave into absence; proposed rules given as a folder of dated files."""
    (tmp_path / "roster.csv").write_text(
        "agent_id,name,team,role,line,department,grade,reports_to,hire_date\n"
        "S1,Sup,T1,supervisor,,operations,,,2020-01-01\nTL1,Lead,T1,team_lead,,operations,,S1,2020-01-01\n"
        "A1,Ann,T1,agent,TSR,operations,C,TL1,2024-01-01\nA2,Bob,T1,agent,TSR,operations,C,TL1,2024-01-01\n", "utf-8")
    (tmp_path / "schedule.csv").write_text("agent_id,date,shift_start,shift_end\n"
                                           "A1,2026-10-08,09:00,18:00\nA2,2026-10-08,09:00,18:00\n", "utf-8")
    (tmp_path / "punches.csv").write_text("agent_id,date,sign_in,sign_out\n"
                                          "A2,2026-10-08,2026-10-08 09:00:00,2026-10-08 18:00:00\n", "utf-8")
    (tmp_path / "leave.csv").write_text("request_id,agent_id,leave_type,start,end,channel,documents_complete,approvals\n"
                                        "L1,A1,annual,2026-10-08,2026-10-08,form,true,TL1\n", "utf-8")
    folder = tmp_path / "rules"
    folder.mkdir()
    text = default_rules_path().read_text("utf-8")
    old = "{rule_id: LV-SHORT-1, max_days: 1, chain: [team_lead]}"
    assert old in text
    (folder / "a.yaml").write_text("effective_from: 2026-01-01\n" + text, "utf-8")
    (folder / "b.yaml").write_text("effective_from: 2026-10-01\n" + text.replace(
        old, "{rule_id: LV-SHORT-1, max_days: 1, chain: [team_lead, supervisor]}"), "utf-8")
    result = runner.invoke(app, ["simulate", "--month", "2026-10", "--rules", str(folder),
                                 "--roster", str(tmp_path / "roster.csv"), "--schedule", str(tmp_path / "schedule.csv"),
                                 "--punches", str(tmp_path / "punches.csv"), "--leave", str(tmp_path / "leave.csv"),
                                 "--out", str(tmp_path / "w.xlsx"), "--json", str(tmp_path / "w.json"),
                                 "--lang", "zh"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "w.json").read_text("utf-8"))
    assert doc["rules_file"].endswith("b.yaml")
    assert doc["rules_diff"] == [{"path": "leave.agent[0].chain", "baseline": ["team_lead"],
                                  "proposed": ["team_lead", "supervisor"]}]
    (rec,) = doc["records"]
    fields = {c["field"]: c for c in rec["changes"]}
    assert rec["agent_id"] == "A1"
    assert (fields["leave_days"]["baseline"], fields["leave_days"]["proposed"]) == (1.0, 0.0)
    assert (fields["absent_days"]["baseline"], fields["absent_days"]["proposed"]) == (0.0, 1.0)
    assert fields["performance_pay_zero"]["proposed"] is True and fields["performance_pay_zero"]["rule_ids"] == ["ATT-ABS-1"]
    leave = fields["leave L1"]
    assert leave["baseline"] != leave["proposed"] and "LV-SHORT-1" in leave["rule_ids"]
    assert doc["totals"]["consequences"]["performance_pay_zero"]["newly"] == 1
    book = openpyxl.load_workbook(tmp_path / "w.xlsx")
    assert book.sheetnames[:3] == ["变化", "班组", "规则差异"]


def test_rules_diff_of_a_list_turned_on_lists_its_entries_only(tmp_path):
    """Turning on attendance.worked_hours (an empty list by default): the diff names each new
    setting; no row claims the list itself went from [] to nothing."""
    f = _centre(tmp_path)
    text = default_rules_path().read_text("utf-8")
    proposed = tmp_path / "hours.yaml"
    proposed.write_text(text.replace("  punch_pairing:\n", (
        "  worked_hours:\n    - {rule_id: ATT-HOURS-HALF, kind: absent_half_day, below_hours: 4}\n"
        "  punch_pairing:\n")), "utf-8")
    result = runner.invoke(app, ["simulate", "--month", "2026-10", "--rules", str(proposed),
                                 "--roster", str(f["roster"]), "--schedule", str(f["schedule"]),
                                 "--punches", str(f["punches"]), "--out", str(tmp_path / "w.xlsx"),
                                 "--json", str(tmp_path / "w.json")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "w.json").read_text("utf-8"))
    assert doc["rules_diff"] == [
        {"path": "attendance.worked_hours[0].rule_id", "baseline": None, "proposed": "ATT-HOURS-HALF"},
        {"path": "attendance.worked_hours[0].kind", "baseline": None, "proposed": "absent_half_day"},
        {"path": "attendance.worked_hours[0].below_hours", "baseline": None, "proposed": 4.0}]
    rows = list(openpyxl.load_workbook(tmp_path / "w.xlsx")["Rules diff"].iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows if r[0]] == [d["path"] for d in doc["rules_diff"]]


def _late_between(folder: Path, month: str, low: float, high: float) -> dict[str, int]:
    """Independently of cctool's code: per agent, the shifts of `month` whose first sign-in is more
    than `low` and at most `high` minutes after the scheduled start, and no excusal covers them."""
    import pandas as pd

    sched = pd.read_csv(folder / "schedule.csv", dtype=str)
    punches = pd.read_csv(folder / "punches.csv", dtype=str)
    roster = pd.read_csv(folder / "roster.csv", dtype=str)
    excusals = pd.read_csv(folder / "excusals.csv", dtype=str)
    leave = pd.read_csv(folder / "leave.csv", dtype=str)
    shifts = sched[sched["date"].str.startswith(month)].merge(punches, on=["agent_id", "date"], how="left")
    shifts = shifts.merge(roster[["agent_id", "team"]], on="agent_id", how="left")
    start = pd.to_datetime(shifts["date"] + " " + shifts["shift_start"])
    shifts["late_min"] = (pd.to_datetime(shifts["sign_in"]) - start).dt.total_seconds() / 60
    band = shifts[(shifts["late_min"] > low) & (shifts["late_min"] <= high)].copy()
    excused = pd.Series(False, index=band.index)
    for _, e in excusals.iterrows():
        kind, _, target = e["scope"].partition(":")
        hit = band["date"] == e["date"]
        if kind == "team":
            hit &= band["team"] == target
        elif kind == "agent":
            hit &= band["agent_id"] == target
        excused |= hit
    # the independent count ignores leave: check that no leave touches these shifts
    on_leave = band.merge(leave, on="agent_id")
    assert not ((on_leave["start"].str[:10] <= on_leave["date"]) & (on_leave["end"].str[:10] >= on_leave["date"])).any()
    return band[~excused].groupby("agent_id").size().to_dict()


def test_generated_centre_lists_exactly_the_lateness_between_10_and_15_minutes(tmp_path):
    """The Done-when on a centre that is not the samples (generated with another seed, size and
    month, plain CSV), checked against a pandas count over its punches and schedule."""
    centre = tmp_path / "centre"
    gen = runner.invoke(app, ["samples", "generate", "--out", str(centre), "--agents", "36", "--start", "2025-03",
                              "--months", "1", "--seed", "2027", "--plain", "--no-calls"], catch_exceptions=False)
    assert gen.exit_code == 0, gen.output
    sim = runner.invoke(app, ["simulate", "--month", "2025-03", "--rules", str(proposed_rules(tmp_path)),
                              *[a for n in ("roster", "schedule", "punches", "leave", "excusals", "swaps")
                                for a in (f"--{n}", str(centre / f"{n}.csv"))],
                              "--out", str(tmp_path / "w.xlsx"), "--json", str(tmp_path / "w.json")],
                        catch_exceptions=False)
    assert sim.exit_code == 0, sim.output
    doc = json.loads((tmp_path / "w.json").read_text("utf-8"))
    expected = _late_between(centre, "2025-03", 10, 15)
    assert len(expected) >= 3
    assert {r["agent_id"] for r in doc["records"]} == set(expected)
    for rec in doc["records"]:
        late = {c["field"]: c for c in rec["changes"]}["late_count"]
        assert late["baseline"] - late["proposed"] == expected[rec["agent_id"]]
