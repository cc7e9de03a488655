"""Splitting the payroll by unit (issue 9 §7): names that cannot collide, nobody lost."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from cctool.errors import Issue
from cctool.policy.payroll import LINE_COLUMNS, PERSON_COLUMNS, PayrollResult, totals_by_unit
from cctool.report.payroll import NO_UNIT, SplitError, check_split, split_result, unit_file_names, unit_issues


def result_of(teams: dict[str, object]) -> PayrollResult:
    people = pd.DataFrame([{c: None for c in PERSON_COLUMNS} | {"agent_id": a, "team": t, "department": "ops",
                                                                "net": Decimal("1.00")} for a, t in teams.items()],
                          columns=PERSON_COLUMNS)
    for col in ("base_pay", "performance_bonus", "commission", "overtime_pay", "withheld", "deductions", "gross"):
        people[col] = Decimal("0.00")
    lines = pd.DataFrame([{"agent_id": a, "amount": Decimal("1.00"), "status": "deducted"} for a in teams],
                         columns=LINE_COLUMNS)
    return PayrollResult("2026-07", people, lines, totals_by_unit(people), pd.DataFrame(columns=["agent_id"]))


@pytest.mark.parametrize("units", [["a/b", "a_b"], ["TSR 1", "TSR/1", "TSR-2"], ["Team", "team"], ["x" * 80, "x" * 81]])
def test_names_are_unique_even_where_units_sanitise_alike(units):
    names = unit_file_names(units)
    assert len({n.casefold() for n in names.values()}) == len(units)
    assert all(len(n) <= 69 and all(ch.isalnum() or ch in "-_" for ch in n) for n in names.values())


def test_a_unit_without_a_clash_keeps_its_plain_name():
    assert unit_file_names(["TSR 1", "TSR/1", "TSR-2"])["TSR-2"] == "TSR-2"


def test_people_with_a_blank_team_are_not_dropped():
    whole = result_of({"E1": "TSR-1", "E2": None, "E3": float("nan")})
    parts = split_result(whole, "team")
    assert set(parts) == {"TSR-1", NO_UNIT} and set(parts[NO_UNIT].payroll["agent_id"]) == {"E2", "E3"}


def test_check_split_refuses_a_person_lost_or_doubled():
    whole = result_of({"E1": "A", "E2": "B"})
    parts = split_result(whole, "team")
    lost = dict(parts, B=PayrollResult("2026-07", parts["B"].payroll.iloc[:0], parts["B"].deductions.iloc[:0],
                                       parts["B"].totals, parts["B"].overtime))
    with pytest.raises(SplitError):
        check_split(whole, lost)
    with pytest.raises(SplitError):
        check_split(whole, dict(parts, C=parts["A"]))


def test_unit_issues_keep_other_units_people_out():
    whole = result_of({"E1": "A", "E2": "B"})
    parts = split_result(whole, "team")
    issues = [Issue("kpi.csv", None, 2, "kpi_score", "disputed", "expected a number", agent_id="E2"),
              Issue("kpi.csv", None, 3, "agent_id", "E9", "agent not in the roster", agent_id="E9"),
              Issue("calls.csv", None, None, None, None, "no amount column", "warning")]
    assert [i.row for i in unit_issues(issues, parts["A"], whole)] == [3, None]
    assert [i.row for i in unit_issues(issues, parts["B"], whole)] == [2, 3, None]
    assert "agent_id" not in issues[0].as_dict()  # the JSON issue record stays as DATA.md has it


def test_issues_found_on_kept_rows_are_named_with_their_person(tmp_path):
    from cctool.io.inputs import InputSet
    from cctool.rules import load_rules

    path = tmp_path / "punches.csv"
    path.write_text("agent_id,date,sign_in,sign_out\nE1,2026-07-01,09:00,18:00\nE2,2026-07-01,09:00,18:00\n",
                    encoding="utf-8")
    inputs = InputSet(load_rules().rules)
    inputs.load("punches", path)
    found = [Issue(str(path), None, 3, "date", "2026-07-01", "a punch outside every shift", "warning"),
             Issue(str(path), None, None, None, None, "file-level", "warning")]
    named = inputs.with_owners(found)
    assert [i.agent_id for i in named] == ["E2", None]
