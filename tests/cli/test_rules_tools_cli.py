"""rules lint, rules test and rules folders (effective_from), end to end through the CLI."""
from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cctool.cli.main import app
from cctool.rules import default_rules_path

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "rules" / "cases" / "default-cases.yaml"
runner = CliRunner()


def _variant(tmp: Path, name: str, *replacements: tuple[str, str], prefix: str = "") -> Path:
    text = default_rules_path().read_text("utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp / name
    path.write_text(prefix + text, "utf-8")
    return path


# ----------------------------------------------------------------------------- rules test

def test_shipped_cases_pass_on_the_default_rules():
    result = runner.invoke(app, ["rules", "test", str(CASES)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if ln.startswith(("passed", "FAILED"))]
    assert len(lines) >= 10 and all(ln.startswith("passed") for ln in lines)
    for rule in ("ATT-LATE-HALF", "ATT-EARLY", "ATT-COUNT-3", "ATT-ABS-1", "ATT-ABS-2", "ATT-ABS-3", "ATT-QUIT-3",
                 "LV-SHORT-1", "LV-SHORT-2", "LV-LONG-3", "LV-LONG-4", "GRD-B"):
        assert rule in result.output


def test_cases_catch_a_changed_rule(tmp_path):
    proposed = _variant(tmp_path, "p.yaml", ("{rule_id: ATT-LATE-HALF, kind: absent_half_day, above_minutes: 15}",
                                             "{rule_id: ATT-LATE-HALF, kind: absent_half_day, above_minutes: 10}"))
    import yaml

    two = tmp_path / "two.yaml"  # the two late cases are enough here (each case costs a run)
    two.write_text(yaml.safe_dump(yaml.safe_load(CASES.read_text("utf-8"))[:2], allow_unicode=True), "utf-8")
    result = runner.invoke(app, ["rules", "test", str(two), "--rules", str(proposed)])
    assert result.exit_code == 6, result.output
    assert "FAILED ATT-LATE — 15 min 00 s late" in result.output
    assert "A1.absent_days: expected 0, got 0.5" in result.output
    assert "passed ATT-LATE-HALF" in result.output


def test_a_failed_case_prints_no_terminal_control_sequence(tmp_path):
    # The expected value is the case writer's text: a title-setting escape in it is never sent on.
    import yaml

    [case] = yaml.safe_load(CASES.read_text("utf-8"))[:1]
    agent = next(iter(case["expect"]))
    case["expect"][agent] = {"absent_days": "0\x1b]0;pwned\x07"}
    one = tmp_path / "one.yaml"
    one.write_text(yaml.safe_dump([case], allow_unicode=True), "utf-8")
    result = runner.invoke(app, ["rules", "test", str(one)])
    assert result.exit_code == 6, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output and "absent_days" in result.output


@pytest.mark.parametrize("case, message", [
    ("expect:\n    A1: {absnt_days: 1}", "unknown field(s) absnt_days"),
    ("expect:\n    A1: {absent_days: 1}\n  swap: []", "unknown key(s) swap"),
])
def test_bad_cases_file_exit_3(tmp_path, case, message):
    (tmp_path / "c.yaml").write_text(
        "- name: x\n  month: 2026-10\n"
        "  roster: [{agent_id: A1, name: T, team: T1, role: agent, department: operations, hire_date: 2024-01-01}]\n"
        "  schedule: [{agent_id: A1, date: 2026-10-08, shift_start: \"09:00\", shift_end: \"18:00\"}]\n"
        "  punches: [{agent_id: A1, date: 2026-10-08, sign_in: \"2026-10-08 09:00:00\", sign_out: \"2026-10-08 18:00:00\"}]\n"
        f"  {case}\n", "utf-8")
    result = runner.invoke(app, ["rules", "test", str(tmp_path / "c.yaml")])
    assert result.exit_code == 3 and message in result.output


def test_unquoted_time_is_refused(tmp_path):
    (tmp_path / "c.yaml").write_text(
        "- name: x\n  month: 2026-10\n  roster: [{agent_id: A1}]\n"
        "  schedule: [{agent_id: A1, date: 2026-10-08, shift_start: 9:00, shift_end: \"18:00\"}]\n"
        "  punches: [{agent_id: A1}]\n  expect: {A1: {absent_days: 0}}\n", "utf-8")
    result = runner.invoke(app, ["rules", "test", str(tmp_path / "c.yaml")])
    assert result.exit_code == 3 and "write times in quotes" in result.output


def test_a_case_with_an_unreadable_table_fails_with_the_reason(tmp_path):
    (tmp_path / "c.yaml").write_text(
        "- name: missing hire date column\n  month: 2026-10\n  roster: [{agent_id: A1, name: T}]\n"
        "  schedule: [{agent_id: A1, date: 2026-10-08, shift_start: \"09:00\", shift_end: \"18:00\"}]\n"
        "  punches: [{agent_id: A1, date: 2026-10-08, sign_in: \"2026-10-08 09:00:00\", sign_out: \"2026-10-08 18:00:00\"}]\n"
        "  expect: {A1: {absent_days: 0}}\n", "utf-8")
    result = runner.invoke(app, ["rules", "test", str(tmp_path / "c.yaml")])
    assert result.exit_code == 6 and "FAILED missing hire date column" in result.output
    assert "table roster" in result.output


# ----------------------------------------------------------------------------- rules lint

def test_default_rules_lint_clean():
    result = runner.invoke(app, ["rules", "lint"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Clean" in result.output


@pytest.mark.parametrize("replacements, path", [
    # two tiers at the same number of days overlap
    ((("{rule_id: ATT-ABS-2, at_least_days: 2", "{rule_id: ATT-ABS-2, at_least_days: 1"),),
     "attendance.monthly_absence[1].at_least_days"),
    # a grade easier than the grade below: B asks KPI 80, C asks 85
    ((("{metric: kpi_mean, op: \">=\", value: 90}", "{metric: kpi_mean, op: \">=\", value: 80}"),),
     "grading.grades[1].criteria[0]"),
    # a longer leave's chain weaker than a shorter one's
    ((("{rule_id: LV-LONG-4, chain: [team_lead, supervisor, manager, director]",
       "{rule_id: LV-LONG-4, chain: [team_lead, supervisor]"),), "leave.agent[3].chain"),
    # a gap: no chain for requests longer than 10 days
    ((("{rule_id: LV-LONG-4, chain:", "{rule_id: LV-LONG-4, max_days: 10, chain:"),), "leave.agent[3].max_days"),
])
def test_lint_finds_each_problem_with_its_yaml_path(tmp_path, replacements, path):
    rules = _variant(tmp_path, "r.yaml", *replacements)
    result = runner.invoke(app, ["rules", "lint", str(rules)])
    assert result.exit_code == 4, result.output
    assert f"{rules}: {path}:" in result.output


def test_severity_falling_as_minutes_rise_is_refused_before_lint(tmp_path):
    """More than 30 min late judged only half a day, 15-30 a full day: the rules model itself
    refuses inverted bands (issue 9 §8), so lint and every command stop on it with exit 4."""
    rules = _variant(tmp_path, "r.yaml",
                     ("kind: absent_half_day, above_minutes: 15", "kind: absent_full_day, above_minutes: 15"),
                     ("kind: absent_full_day, above_minutes: 30", "kind: absent_half_day, above_minutes: 30"))
    result = runner.invoke(app, ["rules", "lint", str(rules)])
    assert result.exit_code == 4, result.output
    assert "attendance.late:" in result.output and "inverted severity order" in result.output


def test_bonus_band_paying_more_for_a_lower_score_is_refused_before_lint(tmp_path):
    rules = _variant(tmp_path, "r.yaml", ("{at_least: 75, amount: \"300.00\"}", "{at_least: 75, amount: \"2000.00\"}"))
    result = runner.invoke(app, ["rules", "lint", str(rules)])
    assert result.exit_code == 4, result.output
    assert "pay.performance_bonus.bands:" in result.output and "inverted order" in result.output


def test_lint_roles_nobody_holds(tmp_path):
    (tmp_path / "roster.csv").write_text(
        "agent_id,name,team,role,department,reports_to,hire_date\n"
        "M1,Boss,MGMT,ops_manager,operations,,2020-01-01\nS1,Sup,T1,supervisor,operations,M1,2020-01-01\n"
        "TL1,Lead,T1,team_lead,operations,S1,2020-01-01\nA1,Ann,T1,agent,operations,TL1,2024-01-01\n", "utf-8")
    result = runner.invoke(app, ["rules", "lint", "--roster", str(tmp_path / "roster.csv")])
    assert result.exit_code == 4, result.output
    assert "leave.agent[3].chain: names director, a role nobody in the roster holds" in result.output
    assert "grading.promotion_approval.chain: names deputy_manager" in result.output
    # "manager" is the department's manager: the ops manager holds it
    assert "names manager" not in result.output


# ----------------------------------------------------------------------------- rules folders

@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "rules"
    d.mkdir()
    _variant(d, "2026-01.yaml", prefix="effective_from: 2026-01-01\n")
    _variant(d, "2026-10.yaml", ("{rule_id: ATT-LATE-HALF, kind: absent_half_day, above_minutes: 15}",
                                 "{rule_id: ATT-LATE-HALF, kind: absent_half_day, above_minutes: 10}"),
             prefix="effective_from: 2026-10-01\n")
    return d


def _audit(tmp: Path, folder: Path, month: str) -> tuple[dict, dict]:
    (tmp / "roster.csv").write_text("agent_id,name,team,role,department,grade,hire_date\n"
                                    "A1,Ann,T1,agent,operations,C,2024-01-01\n", "utf-8")
    day = f"{month}-08"
    (tmp / "schedule.csv").write_text(f"agent_id,date,shift_start,shift_end\nA1,{day},09:00,18:00\n", "utf-8")
    (tmp / "punches.csv").write_text(f"agent_id,date,sign_in,sign_out\nA1,{day},{day} 09:12:00,{day} 18:00:00\n",
                                     "utf-8")
    out = tmp / f"a-{month}.xlsx"
    result = runner.invoke(app, ["attendance-audit", "--month", month, "--roster", str(tmp / "roster.csv"),
                                 "--schedule", str(tmp / "schedule.csv"), "--punches", str(tmp / "punches.csv"),
                                 "--rules", str(folder), "--out", str(out), "--json", str(tmp / f"a-{month}.json")],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    run = {r[0]: r[1] for r in openpyxl.load_workbook(out)["Run"].iter_rows(min_row=3, values_only=True)}
    return json.loads((tmp / f"a-{month}.json").read_text("utf-8")), run


def test_a_period_is_judged_under_the_file_in_force_on_its_first_day(tmp_path, folder):
    import hashlib

    sept, run_sept = _audit(tmp_path, folder, "2026-09")
    octo, run_oct = _audit(tmp_path, folder, "2026-10")
    assert sept["rules_file"].endswith("2026-01.yaml") and run_sept["rules file"].endswith("2026-01.yaml")
    assert octo["rules_file"].endswith("2026-10.yaml")
    assert run_oct["rules SHA-256"] == hashlib.sha256((folder / "2026-10.yaml").read_bytes()).hexdigest()
    assert octo["rules_sha256"] == run_oct["rules SHA-256"]
    # 12 min late: a late under the January rules, half a day under October's
    assert (sept["records"][0]["late_count"], sept["records"][0]["absent_days"]) == (1, 0)
    assert (octo["records"][0]["late_count"], octo["records"][0]["absent_days"]) == (0, 0.5)


def test_rules_show_and_validate_accept_the_folder(folder):
    shown = runner.invoke(app, ["rules", "show", str(folder), "--on", "2026-03-01"], catch_exceptions=False)
    assert shown.exit_code == 0 and "2026-01.yaml" in shown.output and "above_minutes=15.0" in shown.output
    shown = runner.invoke(app, ["rules", "show", str(folder), "--on", "2026-10-01"], catch_exceptions=False)
    assert "2026-10.yaml" in shown.output and "above_minutes=10.0" in shown.output
    valid = runner.invoke(app, ["rules", "validate", str(folder)], catch_exceptions=False)
    assert valid.exit_code == 0 and valid.output.count("OK") == 2
    assert "in force from 2026-10-01" in valid.output


@pytest.mark.parametrize("args, message", [
    (["rules", "show", "{folder}"], "needs the date"),
    (["rules", "show", "{folder}", "--on", "2025-12-31"], "no rules file is in force on 2025-12-31"),
])
def test_folder_errors_exit_4(folder, args, message):
    result = runner.invoke(app, [a.replace("{folder}", str(folder)) for a in args])
    assert result.exit_code == 4 and message in result.output


def test_folder_refuses_undated_and_duplicate_files(folder):
    _variant(folder, "undated.yaml")
    result = runner.invoke(app, ["rules", "validate", str(folder)])
    assert result.exit_code == 4 and "undated.yaml" in result.output
    (folder / "undated.yaml").unlink()
    _variant(folder, "again.yml", prefix="effective_from: 2026-10-01\n")
    result = runner.invoke(app, ["rules", "validate", str(folder)])
    assert result.exit_code == 4 and "both in force from 2026-10-01" in result.output


@pytest.mark.parametrize("command", ["lint", "test", "show", "validate"])
def test_help_has_an_example(command):
    result = runner.invoke(app, ["rules", command, "--help"])
    assert result.exit_code == 0 and re.search(rf"Examples?:\s+cctool rules {command}", result.output)


def test_lint_with_the_sample_roster_is_clean():
    result = runner.invoke(app, ["rules", "lint", "--roster", str(ROOT / "samples" / "roster.xlsx")],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_show_on_a_bad_date_names_the_on_option(folder):
    result = runner.invoke(app, ["rules", "show", str(folder), "--on", "2026-13-01"])
    assert result.exit_code == 2, result.output
    assert "--on must be a date like 2026-03-01, got '2026-13-01'" in result.output and "--date" not in result.output


def test_shipped_grade_case_catches_a_changed_grade_rule(tmp_path):
    """The shipped GRD-B case (a quarter, calls and KPI inline) fails when B asks for more."""
    import yaml

    proposed = _variant(tmp_path, "p.yaml", ('{metric: success_rate, op: ">=", value: 0.60}',
                                             '{metric: success_rate, op: ">=", value: 0.61}'))
    grade = tmp_path / "grade.yaml"
    cases = [c for c in yaml.safe_load(CASES.read_text("utf-8")) if "quarter" in c]
    assert cases
    grade.write_text(yaml.safe_dump(cases, allow_unicode=True), "utf-8")
    assert runner.invoke(app, ["rules", "test", str(grade)]).exit_code == 0
    result = runner.invoke(app, ["rules", "test", str(grade), "--rules", str(proposed)])
    assert result.exit_code == 6, result.output
    assert "G1.earned_grade: expected 'B', got 'C'" in result.output and "G1.decision: expected 'promote'" in result.output
