"""The report writer: formula safety (read back from the sheet XML), atomicity, Run/Errors."""
from __future__ import annotations

import json
import os
import re
import zipfile

import openpyxl
import pandas as pd
import pytest

from cctool.errors import Issue
from cctool.report.writer import RunInfo, Sheet, json_payload, write_json, write_workbook


def run_info():
    return RunInfo(command="test", period="2026-10", rules_path="rules.yaml", rules_sha256="ab" * 32, inputs=[])


DANGEROUS = ["=1+2", "+SUM(A1:A2)", "-2+3", "@cmd", "=HYPERLINK(\"http://x\")"]


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    path = tmp_path / "r.xlsx"
    frame = pd.DataFrame({"agent_id": DANGEROUS, "minutes": [1.5, 2, 3, 4, 5]})
    issues = [Issue("f.csv", None, 2, "name", "=cmd|' /C calc'!A0", "bad")]
    write_workbook(path, [Sheet("Summary", frame)], run_info(), issues)
    with zipfile.ZipFile(path) as zf:
        xml = "".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml
    for text in DANGEROUS:  # each one an inline string cell: text, never a formula
        assert re.search(r'<c r="A\d+" t="inlineStr"><is><t[^>]*>' + re.escape(text) + "</t></is></c>", xml)
    book = openpyxl.load_workbook(path)
    values = [c.value for c in book["Summary"]["A"][1:]]
    assert values == DANGEROUS
    assert all(c.data_type == "s" for c in book["Summary"]["A"][1:])
    assert book["Errors"]["E2"].value == "=cmd|' /C calc'!A0" and book["Errors"]["E2"].data_type == "s"


def test_frozen_header_filter_and_run_sheet(tmp_path):
    path = tmp_path / "r.xlsx"
    frame = pd.DataFrame({"agent_id": ["E1"], "date": [pd.Timestamp("2026-10-01")], "absent_days": [0.5]})
    write_workbook(path, [Sheet("Summary", frame)], run_info(), [])
    book = openpyxl.load_workbook(path)
    ws = book["Summary"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref.startswith("A1:C")
    assert [c.value for c in ws[1]] == ["Agent ID", "Date", "Absent days"]
    assert ws["B2"].number_format == "yyyy-mm-dd"
    run = {r[0]: r[1] for r in book["Run"].iter_rows(min_row=2, values_only=True)}
    assert run["rules SHA-256"] == "ab" * 32 and run["period"] == "2026-10"
    assert book.sheetnames == ["Summary", "Errors", "Run"]


def test_chinese_labels(tmp_path):
    path = tmp_path / "r.xlsx"
    write_workbook(path, [Sheet("Summary", pd.DataFrame({"late_count": [1]}))], run_info(), [], lang="zh")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["汇总", "错误", "运行信息"]
    assert book["汇总"]["A1"].value == "迟到次数"


def test_failed_write_leaves_old_report_untouched(tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"old report")
    bad = Sheet("Summary", pd.DataFrame({"x": [object()]}))

    class Boom(Exception):
        pass

    def explode(*_a, **_k):
        raise Boom()

    import cctool.report.writer as writer
    original = writer._write_sheet
    writer._write_sheet = explode
    try:
        with pytest.raises(Boom):
            write_workbook(path, [bad], run_info(), [])
    finally:
        writer._write_sheet = original
    assert path.read_bytes() == b"old report"
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]  # no temporary file left


def test_confidential_files_are_owner_only(tmp_path):
    path = tmp_path / "pay.json"
    write_json(path, json_payload(run_info(), [], records=[]), confidential=True)
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert json.loads(path.read_text())["command"] == "test"


def test_json_envelope_fields(tmp_path):
    path = tmp_path / "r.json"
    issues = [Issue("f.csv", None, 3, "date", "x", "bad date")]
    write_json(path, json_payload(run_info(), issues, records=[{"a": 1}], events=[]))
    doc = json.loads(path.read_text())
    assert list(doc) == ["command", "period", "rules_sha256", "rules_file", "inputs", "records", "events", "issues"]
    assert doc["issues"][0]["row"] == 3 and re.fullmatch(r"[0-9a-f]{64}", doc["rules_sha256"])


def test_a_sheet_past_the_zip64_limit_is_written(tmp_path, monkeypatch):
    """A sheet whose XML passes zip's 4-byte size limit (2 GiB; lowered here to 20 kB) is written
    with zip64 sizes, as zipfile does when it knows the size, not refused after all the work."""
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 20_000)
    frame = pd.DataFrame({"agent_id": [f"E{i:05d}" for i in range(2000)], "reason": ["x" * 40] * 2000})
    out = tmp_path / "big.xlsx"
    write_workbook(out, [Sheet("Events", frame)], run_info(), [])
    monkeypatch.undo()
    with zipfile.ZipFile(out) as z:
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size > 20_000
    rows = list(openpyxl.load_workbook(out, read_only=True)["Events"].iter_rows(values_only=True))
    assert ("E01999", "x" * 40) in rows and len([r for r in rows if r and str(r[0]).startswith("E")]) == 2000
