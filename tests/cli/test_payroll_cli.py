"""monthly-payroll end to end on the samples: totals reconcile, files are owner-only,
encryption works, and no pay figure reaches the terminal."""
from __future__ import annotations

import io
import json
import os
from decimal import Decimal
from pathlib import Path

import msoffcrypto
import openpyxl
import pytest
from typer.testing import CliRunner

from cctool.cli.main import app

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
runner = CliRunner()
BASE = ["monthly-payroll", "--month", "2026-07", "--roster", str(SAMPLES / "roster.xlsx"),
        "--schedule", str(SAMPLES / "schedule.csv"), "--punches", str(SAMPLES / "punches.csv"),
        "--leave", str(SAMPLES / "leave.xlsx"), "--kpi", str(SAMPLES / "kpi.csv")]


@pytest.fixture(scope="module")
def payroll(tmp_path_factory):
    out = tmp_path_factory.mktemp("pay")
    result = runner.invoke(app, BASE + ["--calls", str(SAMPLES / "calls.parquet"), "--out", str(out / "p.xlsx"),
                                        "--json", str(out / "p.json")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out, json.loads((out / "p.json").read_text(encoding="utf-8")), result.output


def test_files_are_owner_only(payroll):
    out, _, _ = payroll
    for name in ("p.xlsx", "p.json"):
        assert os.stat(out / name).st_mode & 0o777 == 0o600


def test_no_pay_figure_on_the_terminal(payroll):
    _, doc, output = payroll
    nets = {f"{r['net']:.2f}" for r in doc["records"] if r["net"] > 100}
    assert nets and not any(n in output or f"{float(n):,.2f}" in output for n in nets)


def test_json_records_reconcile(payroll):
    _, doc, _ = payroll
    cents = lambda v: Decimal(str(v)).quantize(Decimal("0.01"))  # noqa: E731
    assert list(doc["records"][0])[:12] == ["agent_id", "month", "base_pay", "performance_bonus", "commission",
                                            "overtime_pay", "withheld", "deductions", "gross", "net", "rule_ids",
                                            "explanation"]  # DATA.md
    for r in doc["records"]:
        gross = cents(r["base_pay"]) + cents(r["performance_bonus"]) + cents(r["commission"]) + cents(r["overtime_pay"])
        assert cents(r["gross"]) == gross
        assert cents(r["deductions"]) == sum((cents(d["amount"]) for d in r["deduction_lines"]), Decimal(0))
        assert cents(r["withheld"]) == sum((cents(d["amount"]) for d in r["withheld_lines"]), Decimal(0))
        assert cents(r["net"]) == cents(r["gross"]) - cents(r["deductions"]) and r["net"] >= 0
    assert any(r["commission"] > 0 for r in doc["records"])
    everyone = doc["totals"][-1]
    assert cents(everyone["net"]) == sum((cents(r["net"]) for r in doc["records"]), Decimal(0))


def test_workbook_sheets_and_withheld_people(payroll):
    out, doc, _ = payroll
    book = openpyxl.load_workbook(out / "p.xlsx")
    assert book.sheetnames[:4] == ["Payroll", "Deductions", "Totals", "Overtime"]
    withheld = [r for r in doc["records"] if "PAY-NONE" in r["rule_ids"]]
    assert withheld and all(r["net"] == 0 for r in withheld)
    assert all("no wage is paid" in r["explanation"] for r in withheld)


def test_split_by_team_gives_each_lead_only_their_people(tmp_path):
    result = runner.invoke(app, BASE + ["--out", str(tmp_path / "p.xlsx"), "--json", str(tmp_path / "p.json"),
                                        "--split-by", "team"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in tmp_path.glob("p-*.xlsx"))
    assert "p-TSR-1.xlsx" in files and "p-SUPPORT.xlsx" in files
    doc = json.loads((tmp_path / "p-TSR-1.json").read_text(encoding="utf-8"))
    book = openpyxl.load_workbook(tmp_path / "p-TSR-1.xlsx")
    teams = {row[3] for row in book["Payroll"].iter_rows(min_row=3, values_only=True)}
    assert teams == {"TSR-1"} and len(doc["records"]) == book["Payroll"].max_row - 2


def test_encrypted_workbook_opens_with_the_right_password_only(tmp_path, monkeypatch):
    monkeypatch.setenv("PAYROLL_PW", "s3cret-工资")
    result = runner.invoke(app, BASE + ["--out", str(tmp_path / "p.xlsx"), "--password-env", "PAYROLL_PW"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output
    with open(tmp_path / "p.xlsx", "rb") as fh:
        office = msoffcrypto.OfficeFile(fh)
        assert office.is_encrypted()
        plain = io.BytesIO()
        office.load_key(password="s3cret-工资")
        office.decrypt(plain)
    assert openpyxl.load_workbook(plain).sheetnames[0] == "Payroll"
    with open(tmp_path / "p.xlsx", "rb") as fh:
        office = msoffcrypto.OfficeFile(fh)
        office.load_key(password="wrong")
        with pytest.raises(msoffcrypto.exceptions.InvalidKeyError):
            office.decrypt(io.BytesIO())
    assert os.stat(tmp_path / "p.xlsx").st_mode & 0o777 == 0o600


def test_missing_password_variable_is_an_error(tmp_path, monkeypatch):
    monkeypatch.delenv("NOPE_PW", raising=False)
    result = runner.invoke(app, BASE + ["--out", str(tmp_path / "p.xlsx"), "--password-env", "NOPE_PW"])
    assert result.exit_code == 2 and "NOPE_PW" in result.output
    assert not (tmp_path / "p.xlsx").exists()


def test_show_prints_pay(tmp_path):
    result = runner.invoke(app, BASE + ["--out", str(tmp_path / "p.xlsx"), "--show"], catch_exceptions=False)
    assert result.exit_code == 0 and "Payroll 2026-07" in result.output and "net" in result.output


def test_one_person_checked_by_hand(payroll):
    """E0014 (grade B, July 2026 in samples/), by hand from the inputs and rules/default.yaml:
    base 4,000.00; daily rate 4,000 ÷ 21.75 = 183.908…; joined 3 July (1 and 2 July are working
    days before joining): 2 × 183.908 = 367.82; 1.5 absent days = 275.86; 5 days personal leave
    = 919.54; KPI 90.2 → bonus band 1,000.00, stopped by ATT-ABS-1 (1.5 absent days ≥ 1):
    not paid, withheld; commission 949 successes × 2.00 + 1 % of 301,977.97 sales = 4,917.78."""
    import pandas as pd

    _, doc, _ = payroll
    calls = pd.read_parquet(SAMPLES / "calls.parquet")
    july = calls[(calls["agent_id"] == "E0014") & (calls["start_time"] >= "2026-07-01")
                 & (calls["start_time"] < "2026-08-01")]
    assert int(july["success"].sum()) == 949
    commission = (Decimal("2.00") * 949 + Decimal("0.01") * Decimal(str(round(july["amount"].sum(), 2)))
                  ).quantize(Decimal("0.01"))
    assert commission == Decimal("4917.78")
    [r] = [r for r in doc["records"] if r["agent_id"] == "E0014"]
    cents = lambda v: Decimal(str(v)).quantize(Decimal("0.01"))  # noqa: E731
    assert cents(r["base_pay"]) == Decimal("4000.00")
    assert cents(r["performance_bonus"]) == Decimal("0.00") and cents(r["withheld"]) == Decimal("1000.00")
    assert cents(r["commission"]) == commission and cents(r["overtime_pay"]) == Decimal("0.00")
    assert {d["item"]: cents(d["amount"]) for d in r["deduction_lines"]} == {
        "days outside employment": Decimal("367.82"), "absence": Decimal("275.86"),
        "personal leave": Decimal("919.54")}
    assert [(w["item"], cents(w["amount"]), w["rule_id"]) for w in r["withheld_lines"]] == [
        ("performance bonus", Decimal("1000.00"), "ATT-ABS-1")]
    assert cents(r["deductions"]) == Decimal("1563.22")
    assert cents(r["gross"]) == Decimal("4000.00") + commission == Decimal("8917.78")  # the withheld 1,000 is not in it
    assert cents(r["net"]) == Decimal("8917.78") - Decimal("1563.22") == Decimal("7354.56")
    assert "performance bonus 1,000.00 stopped by ATT-ABS-1" in r["explanation"]


def test_deductions_sheet_marks_stopped_earnings_as_not_paid(payroll):
    out, _, _ = payroll
    sheet = openpyxl.load_workbook(out / "p.xlsx")["Deductions"]
    header = [c.value for c in sheet[2]]
    rows = [dict(zip(header, r)) for r in sheet.iter_rows(min_row=3, values_only=True)]
    mine = {(r["Item"], r["Status"]) for r in rows if r["Agent ID"] == "E0014"}
    assert ("performance bonus", "not paid") in mine and ("absence", "deducted") in mine
    pay = openpyxl.load_workbook(out / "p.xlsx")["Payroll"]
    assert "Withheld" in [c.value for c in pay[2]]


def _centre(tmp_path, teams: dict[str, str] | None = None, kpi_rows: str = ""):
    """A copy of samples/ with some teams renamed and extra KPI rows."""
    book = openpyxl.load_workbook(SAMPLES / "roster.xlsx")
    sheet = book.active
    col = [c.value for c in sheet[1]].index("班组") + 1
    for row in range(2, sheet.max_row + 1):
        cell = sheet.cell(row, col)
        cell.value = (teams or {}).get(cell.value, cell.value)
    book.save(tmp_path / "roster.xlsx")
    (tmp_path / "kpi.csv").write_text((SAMPLES / "kpi.csv").read_text(encoding="utf-8") + kpi_rows, encoding="utf-8")
    return ["monthly-payroll", "--month", "2026-07", "--roster", str(tmp_path / "roster.xlsx"),
            "--schedule", str(SAMPLES / "schedule.csv"), "--punches", str(SAMPLES / "punches.csv"),
            "--leave", str(SAMPLES / "leave.xlsx"), "--kpi", str(tmp_path / "kpi.csv")]


def test_units_whose_names_sanitise_alike_get_their_own_files(tmp_path):
    # Issue 9 §7: "TSR 1" and "TSR/1" both sanitise to TSR_1; one file overwrote the other.
    args = _centre(tmp_path, teams={"TSR-1": "TSR 1", "TSR-2": "TSR/1"})
    result = runner.invoke(app, args + ["--out", str(tmp_path / "out" / "p.xlsx"),
                                        "--json", str(tmp_path / "out" / "p.json"), "--split-by", "team"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    docs = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (tmp_path / "out").glob("p-*.json")}
    tsr1 = [name for name in docs if name.startswith("p-TSR_1-")]
    assert len(tsr1) == 2 and len(set(tsr1)) == 2
    assert all(len(list((tmp_path / "out").glob(n.replace(".json", ".xlsx")))) == 1 for n in tsr1)
    people = [r["agent_id"] for doc in docs.values() for r in doc["records"]]
    assert len(people) == len(set(people)) == 62  # every person of the full payroll, once
    assert {r["agent_id"] for n in tsr1 for r in docs[n]["records"]} >= {"E0011", "E0013"}


def test_a_unit_file_carries_only_its_own_peoples_issues(tmp_path):
    # A disputed KPI cell of an operations agent (E0014) and a row of someone not on the roster.
    args = _centre(tmp_path, kpi_rows="E0014,2026-07,disputed\nE7777,2026-07,80\n")
    result = runner.invoke(app, args + ["--out", str(tmp_path / "p.xlsx"), "--json", str(tmp_path / "p.json"),
                                        "--split-by", "department"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    support = json.loads((tmp_path / "p-support.json").read_text(encoding="utf-8"))
    operations = json.loads((tmp_path / "p-operations.json").read_text(encoding="utf-8"))
    values = lambda doc: {i["value"] for i in doc["issues"]}  # noqa: E731
    assert "disputed" in values(operations) and "disputed" not in values(support)
    assert "E7777" in values(support) and "E7777" in values(operations)  # no one's: in every file
    errors = openpyxl.load_workbook(tmp_path / "p-support.xlsx")["Errors"]
    assert not any("disputed" in str(v) for row in errors.iter_rows(values_only=True) for v in row)


def test_split_that_loses_people_is_a_bug_and_writes_nothing(tmp_path, monkeypatch):
    from cctool.report import payroll as report_payroll

    original = report_payroll.split_result

    def lossy(result, by):  # a split that lost a person must never reach the disk
        parts = original(result, by)
        unit = next(iter(parts))
        parts[unit].payroll = parts[unit].payroll.iloc[1:]
        report_payroll.check_split(result, parts)
        return parts

    monkeypatch.setattr(report_payroll, "split_result", lossy)
    result = runner.invoke(app, BASE + ["--out", str(tmp_path / "p.xlsx"), "--split-by", "team"])
    assert result.exit_code == 1 and isinstance(result.exception, report_payroll.SplitError)
    assert not list(tmp_path.glob("p*"))
