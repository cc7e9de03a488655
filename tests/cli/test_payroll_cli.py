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
    assert list(doc["records"][0])[:11] == ["agent_id", "month", "base_pay", "performance_bonus", "commission",
                                            "overtime_pay", "deductions", "gross", "net", "rule_ids", "explanation"]
    for r in doc["records"]:
        gross = cents(r["base_pay"]) + cents(r["performance_bonus"]) + cents(r["commission"]) + cents(r["overtime_pay"])
        assert cents(r["gross"]) == gross
        assert cents(r["deductions"]) == sum((cents(d["amount"]) for d in r["deduction_lines"]), Decimal(0))
        assert cents(r["net"]) == cents(r["gross"]) - cents(r["deductions"])
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
