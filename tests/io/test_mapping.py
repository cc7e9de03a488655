"""The column mapping of the rules file, read by the readers: every mapping form, every format,
and each failure message (YAML path, header found, row)."""
from __future__ import annotations

import copy
import datetime as dt

import pandas as pd
import pytest
import yaml
from pydantic import ValidationError

from cctool.errors import InputError, RulesError
from cctool.io.readers import read_table
from cctool.rules.load import default_rules_path, load_rules
from cctool.rules.model import Columns, Rules

BASE = yaml.safe_load(default_rules_path().read_text(encoding="utf-8"))


def columns(**tables) -> Columns:
    return Columns.model_validate(tables)


def fmap(table: str, **fields) -> dict:
    return columns(**{table: fields}).mapping(table)


def write(tmp_path, text: str, name: str = "f.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- the rules model

def test_the_readme_example_validates(tmp_path):
    doc = copy.deepcopy(BASE)
    doc["columns"] = yaml.safe_load("""
aliases: {}
calls:
  agent_id: {from: Agent}
  start_time: {join: [Date, Time]}
  connected: {from: "Answered (Y/N)", values: {Y: true, N: false}}
  success: {from: Resolved, values: {Y: true, N: false}}
  duration_s: {from: AvgTalkDuration, format: duration}
punches:
  time: {from: Date/Time, format: "%d/%m/%Y %H:%M:%S"}
  direction: {from: Status, values: {C/In: in, C/Out: out, OverTime In: in, OverTime Out: out}}
""")
    rules = Rules.model_validate(doc)
    calls = rules.columns.mapping("calls")
    assert calls["agent_id"].headers == ("Agent",)
    assert calls["start_time"].headers == ("Date", "Time")
    assert calls["connected"].values == {"Y": True, "N": False}
    assert rules.columns.mapping("punches")["direction"].values["OverTime Out"] == "out"


def test_a_bare_string_means_from():
    assert fmap("calls", agent_id="Agent")["agent_id"].from_ == "Agent"


@pytest.mark.parametrize("bad, message", [
    ({"calls": {"agentid": "X"}}, "columns.calls.agentid: unknown field; calls has call_id, agent_id"),
    ({"calls": {"connected": {"from": "A", "values": {"Y": "yes"}}}}, "connected takes true or false"),
    ({"punches": {"direction": {"from": "S", "values": {"C/In": "inn"}}}}, "direction takes one of in, out"),
    ({"calls": {"duration_s": {"from": "A", "format": "dayfirst"}}}, "format 'dayfirst' does not apply to duration_s"),
    ({"calls": {"start_time": {"from": "A", "format": "duration"}}}, "format 'duration' does not apply to start_time"),
    ({"calls": {"start_time": {"from": "A", "format": "dd/mm/yyyy"}}}, "format must be a strptime pattern"),
    ({"calls": {"agent_id": {"from": "A", "join": ["a", "b"]}}}, "exactly one of `from`"),
    ({"calls": {"agent_id": {}}}, "exactly one of `from`"),
    ({"calls": {"start_time": {"join": ["Date"]}}}, "at least 2 items"),
    ({"calls": {"connected": {"from": "A", "values": {True: True}}}}, "read by YAML as a yes/no; put it in quotes"),
    ({"calls": {"connected": {"from": "A", "values": {"Y": True, "y": False}}}}, "listed twice"),
    ({"calls": {"start_time": {"from": "A", "format": "epoch_ms", "timezone": "Mars/Base"}}}, "unknown time zone"),
    ({"calls": {"start_time": {"from": "A", "timezone": "UTC"}}}, "timezone applies to format: epoch_ms only"),
    ({"call": {}}, "Extra inputs are not permitted"),
    # a directive neither reader takes (or takes alike) stops at the rules file, never a crash (exit 1) later
    ({"calls": {"start_time": {"from": "A", "format": "%Q/%m"}}},
     "calls.start_time.format\n  Value error, %Q is not a strptime directive cctool reads"),
    ({"punches": {"time": {"from": "A", "format": "%Y-%m-%d %H:%M %z"}}}, "%z is not a strptime directive"),
    ({"schedule": {"date": {"from": "A", "format": "%x"}}}, "%x is not a strptime directive"),
    ({"calls": {"start_time": {"from": "A", "format": "%Y-%j %H:%M"}}}, "%j is not a strptime directive"),
    ({"calls": {"start_time": {"from": "A", "format": "%-d/%m/%Y"}}}, "%- is not a strptime directive"),
    ({"calls": {"start_time": {"from": "A", "format": "%d/%m/%Y %"}}}, "a lone % at the end is not"),
])
def test_mapping_errors_name_the_yaml_path(bad, message):
    with pytest.raises(ValidationError) as err:
        Columns.model_validate(bad)
    assert message in str(err.value)


def test_rules_validate_exits_4_with_the_yaml_path(tmp_path):
    from typer.testing import CliRunner

    from cctool.cli.main import app

    doc = copy.deepcopy(BASE)
    doc["columns"] = {"calls": {"agent": {"from": "Agent"}}}
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(RulesError, match="columns.calls.agent: unknown field"):
        load_rules(path)
    result = CliRunner().invoke(app, ["rules", "validate", str(path)])
    assert result.exit_code == 4 and "columns.calls.agent: unknown field" in " ".join(result.output.split())


def test_rules_show_lists_the_mapping(tmp_path):
    from typer.testing import CliRunner

    from cctool.cli.main import app

    doc = copy.deepcopy(BASE)
    doc["columns"] = {"calls": {"start_time": {"join": ["Date", "Time"], "format": "dayfirst"},
                                "agent_id": {"from": "server", "none": ["NO_SERVER", "--"]}}}
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    result = CliRunner().invoke(app, ["rules", "show", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "columns.calls.start_time" in result.output and "join Date + Time; format dayfirst" in result.output
    assert "blank when NO_SERVER, --" in result.output


# ----------------------------------------------------------------------------- forms, read by the readers

def test_from_join_values_and_none(tmp_path):
    path = write(tmp_path, "Who,Day,Clock,State\n"
                           " e1 ,2026-07-01,09:00,C/In\n"
                           "--,2026-07-01,18:00,c/out \n"
                           "E2,2026-07-02,9:05:07,OverTime In\n")
    m = fmap("punches", agent_id={"from": "Who", "none": ["--"]}, time={"join": ["Day", "Clock"]},
             direction={"from": "State", "values": {"C/In": "in", "C/Out": "out", "OverTime In": "in"}})
    loaded = read_table(path, "punches", field_map=m)
    assert loaded.table == "punch_events"
    f = loaded.frame
    # `--` means blank: a punch without an agent is a blank required value, reported for its row
    assert f["agent_id"].tolist() == ["e1", "E2"]
    assert f["time"].tolist() == [pd.Timestamp("2026-07-01 09:00"), pd.Timestamp("2026-07-02 09:05:07")]
    assert f["direction"].tolist() == ["in", "in"]
    blank = [i for i in loaded.issues if i.row == 3]
    assert blank and blank[0].column == "Who" and "required value is blank" in blank[0].problem
    assert loaded.headers["time"] == "Day + Clock"


def test_the_same_source_feeds_two_fields(tmp_path):
    path = write(tmp_path, "id,agent,when,outcome,secs\n1,E1,2026-07-01 09:00:00,AGENT,30\n"
                           "2,E1,2026-07-01 09:10:00,HANG,0\n")
    outcome = {"from": "outcome", "values": {"AGENT": True, "HANG": False}}
    m = fmap("calls", call_id="id", agent_id="agent", start_time="when", connected=outcome, success=outcome,
             duration_s="secs")
    f = read_table(path, "calls", field_map=m).frame
    assert f["connected"].tolist() == [True, False] and f["success"].tolist() == [True, False]


def test_a_value_outside_the_map_is_reported_for_its_row(tmp_path):
    path = write(tmp_path, "No.,Date/Time,Status\n7,2026-07-01 09:00,C/In\n7,2026-07-01 18:00,Break\n")
    m = fmap("punches", agent_id="No.", time="Date/Time",
             direction={"from": "Status", "values": {"C/In": "in", "C/Out": "out"}})
    loaded = read_table(path, "punches", field_map=m)
    assert len(loaded.frame) == 1
    issue = next(i for i in loaded.issues if i.row == 3)
    assert issue.column == "Status" and issue.value == "Break"
    assert "not in the value map columns.punches.direction.values (C/In, C/Out)" in issue.problem


def test_values_match_exactly_after_trimming_in_any_case(tmp_path):
    path = write(tmp_path, "No.,Date/Time,Status\n7,2026-07-01 09:00,  c/in \n7,2026-07-01 18:00,C/ Out\n")
    m = fmap("punches", agent_id="No.", time="Date/Time",
             direction={"from": "Status", "values": {"C/In": "in", "C/Out": "out"}})
    loaded = read_table(path, "punches", field_map=m)
    assert loaded.frame["direction"].tolist() == ["in"]  # `C/ Out` is not `C/Out`
    assert any(i.value == "C/ Out" for i in loaded.issues)


def test_a_mapped_header_missing_from_the_file_names_the_yaml_path_and_the_headers(tmp_path):
    path = write(tmp_path, "Agent Name,Date,Time\nA,2026-07-01,09:00\n")
    m = fmap("punches", agent_id={"from": "Agent"}, time={"join": ["Date", "Tme"]}, direction="Status")
    with pytest.raises(InputError) as err:
        read_table(path, "punches", field_map=m)
    text = str(err.value)
    assert "columns.punches.agent_id.from: no header 'Agent' in the file" in text
    assert "columns.punches.time.join: no header 'Tme' in the file (did you mean 'Time'?)" in text
    assert "Headers found: 'Agent Name', 'Date', 'Time'" in text


def test_a_mapped_header_matches_ignoring_case_and_spaces(tmp_path):
    path = write(tmp_path, "AGENT ,Date,Time,Status\nA,2026-07-01,09:00,in\n")
    m = fmap("punches", agent_id={"from": "agent"}, time={"join": ["date", "time"]}, direction="status")
    assert read_table(path, "punches", field_map=m).frame["agent_id"].tolist() == ["A"]


# ----------------------------------------------------------------------------- formats

@pytest.mark.parametrize("fmt, cell, expected", [
    ("%d/%m/%Y %H:%M:%S", "01/08/2025 06:43:19", "2025-08-01 06:43:19"),
    ("%Y%m%d %H%M", "20250801 0643", "2025-08-01 06:43:00"),
    ("dayfirst", "1/8/2025 6:43:19", "2025-08-01 06:43:19"),
    ("dayfirst", "01-08-2025", "2025-08-01"),
    ("dayfirst", "13.08.2025 06:43", "2025-08-13 06:43:00"),
    ("monthfirst", "1/8/2025 6:43:19", "2025-01-08 06:43:19"),
    ("monthfirst", "12/31/2025", "2025-12-31"),
    ("epoch_ms", "1754030599000", "2025-08-01 06:43:19"),
])
def test_datetime_formats(tmp_path, fmt, cell, expected):
    path = write(tmp_path, f"No.,When,Status\n7,{cell},in\n")
    m = fmap("punches", agent_id="No.", time={"from": "When", "format": fmt}, direction="Status")
    f = read_table(path, "punches", field_map=m).frame
    assert f["time"].tolist() == [pd.Timestamp(expected)]


def test_epoch_ms_on_the_centres_clock(tmp_path):
    # DingTalk's workDate: midnight in China is 16:00 UTC the day before
    path = write(tmp_path, "No.,workDate,Status\n7,1604851200000,in\n")
    m = fmap("punches", agent_id="No.", time={"from": "workDate", "format": "epoch_ms", "timezone": "Asia/Shanghai"},
             direction="Status")
    assert read_table(path, "punches", field_map=m).frame["time"].tolist() == [pd.Timestamp("2020-11-09")]


def test_a_value_not_in_the_declared_format_is_unreadable_for_its_row(tmp_path):
    path = write(tmp_path, "No.,When,Status\n7,01/08/2025 06:43:19,in\n7,2025-08-01 17:00:00,out\n")
    m = fmap("punches", agent_id="No.", time={"from": "When", "format": "%d/%m/%Y %H:%M:%S"}, direction="Status")
    loaded = read_table(path, "punches", field_map=m)
    assert len(loaded.frame) == 1
    issue = next(i for i in loaded.issues if i.row == 3)
    assert issue.value == "2025-08-01 17:00:00"
    assert "format '%d/%m/%Y %H:%M:%S' (columns.punches.time.format)" in issue.problem


@pytest.mark.parametrize("cell, seconds", [("00:02:23", 143), ("2:23", 143), ("143", 143), ("0:10:10", 610),
                                           ("1:02:03", 3723), ("143.5", 143.5)])
def test_duration_format(tmp_path, cell, seconds):
    path = write(tmp_path, f"id,agent,when,ok,won,talk\n1,E1,2026-07-01 09:00:00,Y,N,{cell}\n")
    m = fmap("calls", call_id="id", agent_id="agent", start_time="when", connected="ok", success="won",
             duration_s={"from": "talk", "format": "duration"})
    assert read_table(path, "calls", field_map=m).frame["duration_s"].tolist() == [seconds]


def test_duration_from_excel_time_cells(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "agent", "when", "ok", "won", "talk"])
    sheet.append([1, "E1", dt.datetime(2026, 7, 1, 9), "Y", "N", dt.time(0, 2, 23)])
    sheet.append([2, "E1", dt.datetime(2026, 7, 1, 10), "Y", "N", 95])
    path = tmp_path / "calls.xlsx"
    book.save(path)
    m = fmap("calls", call_id="id", agent_id="agent", start_time="when", connected="ok", success="won",
             duration_s={"from": "talk", "format": "duration"})
    assert read_table(path, "calls", field_map=m).frame["duration_s"].tolist() == [143.0, 95.0]


def test_a_bad_duration_is_ignored_not_the_call(tmp_path):
    path = write(tmp_path, "id,agent,when,ok,won,talk\n1,E1,2026-07-01 09:00:00,Y,N,2:75\n")
    m = fmap("calls", call_id="id", agent_id="agent", start_time="when", connected="ok", success="won",
             duration_s={"from": "talk", "format": "duration"})
    loaded = read_table(path, "calls", field_map=m)
    assert len(loaded.frame) == 1 and loaded.frame["duration_s"].isna().all()
    assert "value ignored" in loaded.issues[0].problem and loaded.issues[0].value == "2:75"


def test_schedule_time_with_a_pattern(tmp_path):
    path = write(tmp_path, "agent_id,date,shift_start,shift_end\nE1,2026-07-01,9:00 AM,6:00 PM\n")
    m = fmap("schedule", shift_start={"from": "shift_start", "format": "%I:%M %p"},
             shift_end={"from": "shift_end", "format": "%I:%M %p"})
    f = read_table(path, "schedule", field_map=m).frame
    assert f["shift_start"].tolist() == [9 * 3600] and f["shift_end"].tolist() == [18 * 3600]


# ----------------------------------------------------------------------------- slash dates: never guessed

def test_ambiguous_slash_dates_stop_the_run_and_ask_for_format(tmp_path):
    path = write(tmp_path, "agent_id,date,shift_start,shift_end\nE1,01/02/2026,09:00,18:00\nE1,02/03/2026,09:00,18:00\n")
    with pytest.raises(InputError) as err:
        read_table(path, "schedule")
    text = str(err.value)
    assert err.value.exit_code == 3
    assert "column 'date' (date) holds 2 date(s) such as '01/02/2026' that read either day first or month first" in text
    assert "columns.schedule.date.format" in text and "{from: date, format: dayfirst}" in text


@pytest.mark.parametrize("cells, expected", [
    (["01/02/2026", "13/02/2026"], ["2026-02-01", "2026-02-13"]),  # 13 first: day first
    (["01/02/2026", "01/13/2026"], ["2026-01-02", "2026-01-13"]),  # 13 second: month first
])
def test_a_column_whose_values_prove_the_order_is_read(tmp_path, cells, expected):
    rows = "".join(f"E{i},{c},09:00,18:00\n" for i, c in enumerate(cells))
    path = write(tmp_path, "agent_id,date,shift_start,shift_end\n" + rows)
    f = read_table(path, "schedule").frame
    assert f["date"].tolist() == [pd.Timestamp(e) for e in expected]


def test_slash_dates_in_both_orders_stop_the_run(tmp_path):
    path = write(tmp_path, "agent_id,date,shift_start,shift_end\nE1,13/02/2026,09:00,18:00\nE2,02/13/2026,09:00,18:00\n")
    with pytest.raises(InputError, match="holds dates in both orders"):
        read_table(path, "schedule")


def test_a_declared_format_settles_an_ambiguous_column(tmp_path):
    path = write(tmp_path, "agent_id,date,shift_start,shift_end\nE1,01/02/2026,09:00,18:00\n")
    m = fmap("schedule", date={"from": "date", "format": "monthfirst"})
    assert read_table(path, "schedule", field_map=m).frame["date"].tolist() == [pd.Timestamp("2026-01-02")]


def test_a_join_with_a_blank_part_is_incomplete_never_midnight(tmp_path):
    # Day + Clock with the clock blank would read "2026-07-01" as 00:00: reported for its row instead.
    path = write(tmp_path, "Who,Day,Clock,State\nE1,2026-07-01,09:00,C/In\nE1,2026-07-01,,C/Out\n"
                           "E2,,,C/In\n")
    m = fmap("punches", agent_id="Who", time={"join": ["Day", "Clock"]},
             direction={"from": "State", "values": {"C/In": "in", "C/Out": "out"}})
    loaded = read_table(path, "punches", field_map=m)
    assert loaded.frame["time"].tolist() == [pd.Timestamp("2026-07-01 09:00")]
    [partial] = [i for i in loaded.issues if i.row == 3]
    assert partial.column == "Day + Clock" and partial.value == "2026-07-01"
    assert partial.problem == ("a part of Day + Clock is blank (columns.punches.time.join): the datetime is "
                               "incomplete; row excluded")
    [blank] = [i for i in loaded.issues if i.row == 4]  # every part blank: just a blank value
    assert "required value is blank" in blank.problem


def test_paired_punches_by_mapping_joined_from_day_and_clock(tmp_path):
    # The mapping alone says the file is paired punches (its headers Day/In/Out name no punch field),
    # and a blank clock part is an incomplete time, reported, never midnight.
    path = write(tmp_path, "No,Day,In,Out\nE1,2026-07-01,08:58,18:02\nE2,2026-07-01,,18:00\n")
    m = fmap("punches", agent_id="No", date="Day", sign_in={"join": ["Day", "In"]},
             sign_out={"join": ["Day", "Out"]})
    loaded = read_table(path, "punches", field_map=m)
    assert loaded.table == "punches"
    f = loaded.frame.set_index("agent_id")
    assert f.loc["E1", "sign_in"] == pd.Timestamp("2026-07-01 08:58")
    assert pd.isna(f.loc["E2", "sign_in"]) and f.loc["E2", "sign_out"] == pd.Timestamp("2026-07-01 18:00")
    [partial] = [i for i in loaded.issues if i.row == 3]
    assert "a part of Day + In is blank" in partial.problem and partial.problem.endswith("value ignored")
