"""Where trust-io's checks meet main's readers: the layout adapters (DingTalk, WeCom, ZKTeco)
open a workbook only after the xlsx guard; a time-only raw punch file is its own form; a
call's duration in the DuckDB scan is held to limits.duration_s like its amount."""
from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cctool.errors import InputError
from cctool.io.layouts import Context, detect, read_layout
from cctool.io.readers import PUNCH_FORMS, read_table
from cctool.engine.calls import call_metrics
from cctool.rules.model import Limits, Plausible

SHEET = "xl/worksheets/sheet1.xml"
SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def rewrite(src, dst, part, change):
    """Copy a workbook, changing the bytes of one part."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info.filename, change(data) if info.filename == part else data)
    return dst


def punch_book(path, header=("工号", "打卡时间")):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(list(header))
    ws.append(["E1", "2026-10-01 08:58"])
    book.save(path)
    return path


def far_cell(src, dst):
    return rewrite(src, dst, SHEET, lambda b: b.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'))


def test_layout_detection_refuses_a_far_cell_before_calamine_opens_it(tmp_path):
    bad = far_cell(punch_book(tmp_path / "p.xlsx"), tmp_path / "far.xlsx")
    with pytest.raises(InputError, match=r"far\.xlsx: .*limit of 200 columns \(limits\.xlsx_max_columns"):
        detect(bad, "punches")
    with pytest.raises(InputError, match=r"far\.xlsx: .*limits\.xlsx_max_columns"):
        read_layout(bad, "punches", Context("punches", None))


def test_layout_reads_use_the_rules_files_limits(tmp_path):
    book = punch_book(tmp_path / "p.xlsx")
    with pytest.raises(InputError, match="limit of 1 rows"):
        read_layout(book, "punches", Context("punches", None, limits=Limits(xlsx_max_rows=1)))


def test_time_only_punches_are_undirected_raw_events(tmp_path):
    path = tmp_path / "clock.csv"
    path.write_text("agent_id,time\nE1,2026-10-01 08:58\nE1,2026-10-01 18:03\nE2,\n", encoding="utf-8")
    loaded = read_table(path, "punches")
    assert loaded.table == "punch_events"
    assert loaded.frame["time"].tolist() == [pd.Timestamp("2026-10-01 08:58"), pd.Timestamp("2026-10-01 18:03")]
    assert loaded.frame["direction"].isna().all()
    assert [(i.row, i.problem) for i in loaded.issues] == [(4, "required value is blank; row excluded")]


def test_directed_events_still_need_a_readable_direction(tmp_path):
    path = tmp_path / "clock.csv"
    path.write_text("agent_id,time,direction\nE1,2026-10-01 08:58,in\nE1,2026-10-01 18:03,sideways\n",
                    encoding="utf-8")
    loaded = read_table(path, "punches")
    assert loaded.frame["direction"].tolist() == ["in"]
    assert loaded.issues[0].row == 3 and "row excluded" in loaded.issues[0].problem


def test_a_punch_file_of_no_form_names_all_three(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("agent_id,date,sign_in\nE1,2026-10-01,08:58\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_table(path, "punches")
    for _, _, need in PUNCH_FORMS:
        assert need in str(err.value)
    assert err.value.exit_code == 3


def test_call_duration_outside_limits_is_left_out_of_talk_time(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("call_id,agent_id,start_time,duration_s,connected,success\n"
                    "1,E1,2026-07-01 09:00:00,120,true,true\n"
                    "2,E1,2026-07-01 10:00:00,1e300,true,false\n"
                    "3,E1,2026-07-01 11:00:00,inf,true,false\n"
                    "4,E1,2026-07-01 12:00:00,86401,true,false\n", encoding="utf-8")
    per_agent, issues = call_metrics(path, "2026-07-01", "2026-08-01", {"E1"})
    row = per_agent.set_index("agent_id").loc["E1"]
    assert row["calls"] == 4 and row["connected"] == 4
    assert row["talk_s"] == 120
    [issue] = [i for i in issues if "duration" in i.problem]
    assert issue.problem.startswith("3 call record(s) with an unreadable duration")
    assert "limits.duration_s" in issue.problem
    limits = Limits(duration_s=Plausible(min=0, max=1e6))
    _, issues = call_metrics(path, "2026-07-01", "2026-08-01", {"E1"}, limits=limits)
    assert [i for i in issues if "duration" in i.problem][0].problem.startswith("2 call record(s)")


def test_audit_from_a_time_only_clock_equals_the_paired_punches(tmp_path):
    """A clock that records only who and when (PUNCH_FORMS' third form): the same month's
    sign-ins and sign-outs as undirected events give the audit the same people and findings."""
    import json

    from typer.testing import CliRunner

    from cctool.cli.main import app

    paired = pd.read_csv(SAMPLES / "punches.csv", encoding="gb18030", dtype=str, keep_default_na=False)
    agent, sign_in, sign_out = paired.columns[0], paired.columns[2], paired.columns[3]
    events = pd.concat([paired[[agent, col]].set_axis(["工号", "打卡时间"], axis=1) for col in (sign_in, sign_out)])
    events = events[events["打卡时间"].str.strip() != ""].sort_values(["工号", "打卡时间"])
    events.to_csv(tmp_path / "clock.csv", index=False)
    common = ["attendance-audit", "--month", "2026-07", "--roster", str(SAMPLES / "roster.xlsx"),
              "--schedule", str(SAMPLES / "schedule.csv"), "--leave", str(SAMPLES / "leave.xlsx"),
              "--excusals", str(SAMPLES / "excusals.csv"), "--swaps", str(SAMPLES / "swaps.csv")]
    results = {}
    for name, punches in (("paired", str(SAMPLES / "punches.csv")), ("clock", str(tmp_path / "clock.csv"))):
        res = CliRunner().invoke(app, common + ["--punches", punches, "--out", str(tmp_path / f"{name}.xlsx"),
                                                "--json", str(tmp_path / f"{name}.json")], catch_exceptions=False)
        assert res.exit_code == 0, res.output
        results[name] = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
    paired_run, clock_run = results["paired"], results["clock"]
    assert len(clock_run["records"]) == 51 and len(clock_run["events"]) == 92
    assert clock_run["records"] == paired_run["records"]
    assert clock_run["events"] == paired_run["events"]
    assert clock_run["issues"] == []


@pytest.mark.parametrize("problem, zh", [
    ("outside the plausible range 0 to 100 (limits.kpi_score in the rules file); row excluded",
     "超出合理范围 0 至 100（规则文件 limits.kpi_score）；该行不计入"),
    ("leave longer than 366 days (limits.leave_max_span_days in the rules file); row excluded",
     "请假超过366天（规则文件 limits.leave_max_span_days）；该行不计入"),
    ("2 call record(s) with an unreadable amount or one outside 0 to 10,000,000 (limits.amount in the rules file); "
     "amount ignored", "2条通话记录的金额无法读取或超出 0 至 10,000,000（规则文件 limits.amount）；金额不采用"),
    ("required value is blank: team is required when role is agent; row excluded", "必填值为空：role为坐席时team必填；该行不计入"),
])
def test_limit_issues_read_in_chinese_on_a_zh_errors_sheet(problem, zh):
    from cctool.report.phrases import to_zh

    assert to_zh(problem) == zh
