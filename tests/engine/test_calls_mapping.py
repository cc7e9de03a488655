"""The column mapping on the DuckDB side (call logs): each form and format as SQL, .xlsx call
logs, calls that reached no agent, talk time, and a log without success."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from cctool.errors import InputError
from cctool.io.readers import read_table
from cctool.engine.calls import call_metrics, daily_call_metrics, shift_call_counts
from cctool.rules.model import Columns, Limits

START, END = pd.Timestamp("2026-07-01"), pd.Timestamp("2026-08-01")
KNOWN = {"E1", "E2"}


def calls_map(**fields) -> dict:
    return Columns.model_validate({"calls": fields}).mapping("calls")


def write(tmp_path, text: str, name: str = "calls.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


BANK = ("call_id,date,vru_entry,outcome,ser_time,server\n"
        "1,260701,9:00:00,AGENT,0:02:23,E1\n"
        "2,260701,9:05:00,HANG,0:00:00,NO_SERVER\n"
        "3,260701,9:06:00,PHANTOM,0:00:00,NO_SERVER\n"
        "4,260702,10:00:00,AGENT,0:10:10,E2\n"
        "5,260702,10:01:00,HANG,0:00:00, \n"
        "6,260702,10:02:00,AGENT,2:00,E1\n"
        "7,260702,10:03:00,AGENT,oops,E1\n")
OUTCOME = {"from": "outcome", "values": {"AGENT": True, "HANG": False, "PHANTOM": False}}
BANK_MAP = dict(call_id="call_id", agent_id={"from": "server", "none": ["NO_SERVER"]},
                start_time={"join": ["date", "vru_entry"], "format": "%y%m%d %H:%M:%S"},
                connected=OUTCOME, success=OUTCOME, duration_s={"from": "ser_time", "format": "duration"})


def test_join_format_values_none_and_duration_in_sql(tmp_path):
    path = write(tmp_path, BANK)
    per_agent, issues = call_metrics(path, START, END, KNOWN, field_map=calls_map(**BANK_MAP))
    got = per_agent.set_index("agent_id")
    assert got.loc["E1", ["calls", "connected", "successes"]].tolist() == [3, 3, 3]
    assert got.loc["E2", ["calls", "connected", "successes"]].tolist() == [1, 1, 1]
    # talk time: 143 + 120 s for E1 (the unreadable `oops` is left out of talk time and AHT), 610 for E2
    assert got.loc["E1", "talk_s"] == 263 and got.loc["E1", "talk_calls"] == 2
    assert got.loc["E2", "talk_s"] == 610
    # NO_SERVER (a `none` value) and a blank server: calls that reached no agent, not errors
    assert per_agent.attrs["no_agent_calls"] == 3
    assert [i.severity for i in issues] == ["warning"]
    assert "1 call record(s) with an unreadable duration" in issues[0].problem and issues[0].column == "ser_time"
    assert per_agent.attrs["rows_read"] == 7


def test_sql_and_pandas_read_a_mapping_the_same_way(tmp_path):
    path = write(tmp_path, BANK)
    m = calls_map(**BANK_MAP)
    daily, _ = daily_call_metrics(path, START, END, KNOWN, field_map=m)
    frame = read_table(path, "calls", field_map=m).frame
    by_pandas = frame[frame["agent_id"].notna()].assign(date=frame["start_time"].dt.normalize()) \
        .groupby(["agent_id", "date"]).agg(calls=("call_id", "size"), connected=("connected", "sum"))
    by_sql = daily.set_index(["agent_id", "date"])[["calls", "connected"]]
    # Compared as plain rows: index dtypes differ between pandas versions (object vs str ids,
    # datetime64 units), the figures must not.
    def rows(frame):
        return sorted((str(a), pd.Timestamp(d).date(), int(c), int(n))
                      for (a, d), c, n in zip(frame.index, frame["calls"], frame["connected"]))
    assert rows(by_sql) == rows(by_pandas)
    assert daily.attrs["no_agent_calls"] == {"2026-07-01": 2, "2026-07-02": 1}


def test_a_value_outside_the_map_is_an_error_with_examples(tmp_path):
    path = write(tmp_path, "id,agent,when,outcome\n1,E1,2026-07-01 09:00:00,AGENT\n2,E1,2026-07-01 09:01:00,BUSY\n")
    m = calls_map(call_id="id", agent_id="agent", start_time="when", connected=OUTCOME, success=OUTCOME)
    per_agent, issues = call_metrics(path, START, END, KNOWN, field_map=m)
    assert per_agent["calls"].tolist() == [1]
    issue = next(i for i in issues if i.column == "outcome")
    assert "1 call record(s) with blank connected, or a value not in the value map columns.calls.connected.values " \
           "(AGENT, HANG, PHANTOM)" in issue.problem
    assert issue.value == "'BUSY'"


@pytest.mark.parametrize("fmt, cells", [
    ("dayfirst", ["1/7/2026 9:00:00", "13/7/2026 09:00"]),
    ("monthfirst", ["7/1/2026 9:00:00", "7/13/2026 09:00"]),
    ("%d.%m.%Y %H:%M", ["01.07.2026 09:00", "13.07.2026 09:00"]),
    ("epoch_ms", ["1782896400000", "1783933200000"]),
    # every directive the rules model lets through reads alike in DuckDB and pandas (below)
    ("%A %d %b %Y %I:%M:%S.%f %p", ["Wednesday 01 Jul 2026 09:00:00.250 AM", "Monday 13 Jul 2026 01:30:00.5 PM"]),
    ("%a %d %B %y %H:%M %%", ["Wed 01 July 26 09:00 %", "Mon 13 July 26 13:30 %"]),
    ("%w %m/%d/%Y %H:%M", ["3 07/01/2026 09:00", "1 07/13/2026 13:30"]),
])
def test_time_formats_in_sql(tmp_path, fmt, cells):
    rows = "".join(f"{i},E1,{c},1,0\n" for i, c in enumerate(cells))
    path = write(tmp_path, "id,agent,when,ok,won\n" + rows)
    m = calls_map(call_id="id", agent_id="agent", start_time={"from": "when", "format": fmt}, connected="ok",
                  success="won")
    daily, issues = daily_call_metrics(path, START, END, KNOWN, field_map=m)
    assert not issues
    assert daily["date"].tolist() == [pd.Timestamp("2026-07-01"), pd.Timestamp("2026-07-13")]
    read = read_table(path, "calls", field_map=m)  # inspect's reader: the same instants
    assert not read.issues and read.frame["start_time"].dt.date.astype(str).tolist() == ["2026-07-01", "2026-07-13"]


def test_ambiguous_slash_dates_in_a_call_log_stop_the_run(tmp_path):
    path = write(tmp_path, "call_id,agent_id,start_time,connected,success\n1,E1,01/07/2026 09:00,1,0\n"
                           "2,E1,02/07/2026 09:00,1,0\n")
    with pytest.raises(InputError) as err:
        call_metrics(path, START, END, KNOWN)
    assert err.value.exit_code == 3
    assert "'start_time' (start_time) holds 2 date(s) such as '01/07/2026 09:00'" in str(err.value)
    assert "columns.calls.start_time.format" in str(err.value)


def test_slash_dates_the_column_proves_are_read(tmp_path):
    path = write(tmp_path, "call_id,agent_id,start_time,connected,success\n1,E1,1/7/2026 9:00:00,1,0\n"
                           "2,E1,7/13/2026 09:00,1,0\n")
    daily, issues = daily_call_metrics(path, START, END, KNOWN)
    assert daily["date"].tolist() == [pd.Timestamp("2026-07-13")]
    # 1/7 read month first (January 7th): outside July, reported with the period warning
    assert any("outside the period" in i.problem for i in issues)


def test_mapping_text_never_reaches_sql_unquoted(tmp_path):
    # headers and source values with quotes are identifiers and literals, not SQL
    header = 'who"; DROP TABLE x; --'
    path = tmp_path / "calls.csv"
    pd.DataFrame({"id": [1, 2], header: ["E1", "E2"], "when": ["2026-07-01 09:00", "2026-07-01 10:00"],
                  "state": ["it's ok", "no"], "won": [1, 0]}).to_csv(path, index=False)
    state = {"from": "state", "values": {"it's ok": True, "no": False}}
    m = calls_map(call_id="id", agent_id=header, start_time="when", connected=state, success="won")
    per_agent, issues = call_metrics(path, START, END, KNOWN, field_map=m)
    assert per_agent.set_index("agent_id")["connected"].to_dict() == {"E1": 1, "E2": 0} and not issues


def test_end_time_gives_the_duration_when_there_is_no_duration_column(tmp_path):
    path = write(tmp_path, "id,agent,start,end,ok,won\n1,E1,2026-07-01 09:00:00,2026-07-01 09:02:30,1,0\n"
                           "2,E1,2026-07-01 10:00:00,2026-07-01 09:59:00,1,0\n")
    m = calls_map(call_id="id", agent_id="agent", start_time="start", end_time="end", connected="ok", success="won")
    per_agent, issues = call_metrics(path, START, END, KNOWN, field_map=m)
    assert per_agent["talk_s"].tolist() == [150.0] and per_agent["talk_calls"].tolist() == [1]
    assert "end before the start" in issues[0].problem


def test_duration_is_optional(tmp_path):
    path = write(tmp_path, "call_id,agent_id,start_time,connected,success\n1,E1,2026-07-01 09:00:00,1,0\n")
    per_agent, issues = call_metrics(path, START, END, KNOWN)
    assert per_agent["calls"].tolist() == [1] and per_agent["talk_calls"].tolist() == [0] and not issues


def _workbook(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Calls"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_xlsx_call_log_same_counts_as_csv(tmp_path):
    rows = [["call_id", "agent_id", "start_time", "duration_s", "connected", "success"],
            [1, "E1", dt.datetime(2026, 7, 1, 9), 30, "是", "否"],
            [2, "E1", dt.datetime(2026, 7, 1, 9, 30), 45, "是", "是"],
            [None, None, None, None, None, None],  # a spacer row: not a call
            [3, "E2", "2026-07-02 10:00:00", 60, "否", "否"],
            [4, "E9", dt.datetime(2026, 7, 2, 11), 10, "是", "否"],
            [5, "E2", "yesterday", 10, "是", "否"]]
    path = _workbook(tmp_path / "calls.xlsx", rows)
    per_agent, issues = call_metrics(path, START, END, KNOWN)
    assert per_agent.attrs["mode"] == "xlsx" and per_agent.attrs["rows_read"] == 5
    assert per_agent.set_index("agent_id")[["calls", "connected", "successes"]].to_dict("index") == {
        "E1": {"calls": 2, "connected": 2, "successes": 1}, "E2": {"calls": 1, "connected": 0, "successes": 0}}
    problems = " | ".join(i.problem for i in issues)
    assert "agent not in the roster: 1 call record(s)" in problems and "unreadable start_time" in problems
    csv = tmp_path / "calls.csv"
    pd.DataFrame(rows[1:], columns=rows[0]).dropna(how="all").to_csv(csv, index=False)
    by_csv, _ = call_metrics(csv, START, END, KNOWN)
    assert by_csv[["agent_id", "calls", "connected", "successes"]].equals(
        per_agent[["agent_id", "calls", "connected", "successes"]])
    # a named sheet, and the daily pass and the shift pass read it too
    daily, _ = daily_call_metrics(f"{path}#Calls", START, END, KNOWN)
    assert daily["calls"].sum() == 3
    shifts = pd.DataFrame({"agent_id": ["E1"], "date": [pd.Timestamp("2026-07-01")],
                           "sign_in": [pd.Timestamp("2026-07-01 08:00")], "sign_out": [pd.Timestamp("2026-07-01 17:00")],
                           "shift_start_at": [pd.Timestamp("2026-07-01 08:00")],
                           "shift_end_at": [pd.Timestamp("2026-07-01 17:00")]})
    per_shift, _ = shift_call_counts(path, shifts)
    assert per_shift["calls"].tolist() == [2]



def test_an_xlsx_call_log_is_held_to_the_rules_files_limits(tmp_path):
    """The rules file's limits.xlsx_max_rows apply to a call log in .xlsx as to every other
    workbook input, on each pass that opens it (not the built-in defaults)."""
    rows = [["call_id", "agent_id", "start_time", "duration_s", "connected", "success"]]
    rows += [[i, "E1", dt.datetime(2026, 7, 1, 9, i), 30, "是", "否"] for i in range(1, 6)]
    path = _workbook(tmp_path / "calls.xlsx", rows)
    assert call_metrics(path, START, END, KNOWN)[0]["calls"].tolist() == [5]
    tight = Limits(xlsx_max_rows=4)
    for run in (lambda: call_metrics(path, START, END, KNOWN, limits=tight),
                lambda: daily_call_metrics(path, START, END, KNOWN, limits=tight)):
        with pytest.raises(InputError, match=r"reaches row 6, more than the limit of 4 rows \(limits.xlsx_max_rows"):
            run()


def test_a_log_without_success_is_refused_unless_the_rules_allow_it(tmp_path):
    path = write(tmp_path, "call_id,agent_id,start_time,connected\n1,E1,2026-07-01 09:00:00,1\n")
    with pytest.raises(InputError) as err:
        call_metrics(path, START, END, KNOWN)
    text = str(err.value)
    assert "missing required column: success" in text and "columns.calls.success: {from: <header>" in text
    assert "grading.calls_without_success: grade_other_criteria" in text
    per_agent, _ = call_metrics(path, START, END, KNOWN, success_optional=True)
    assert per_agent.attrs["has_success"] is False and per_agent["calls"].tolist() == [1]


def test_join_of_excel_date_and_time_cells(tmp_path):
    rows = [["Call Id", "Agent", "Date", "Time", "Answered (Y/N)", "Resolved", "AvgTalkDuration"],
            ["ID1", "E1", dt.datetime(2026, 7, 1), dt.time(9, 12, 58), "Y", "N", dt.time(0, 2, 23)],
            ["ID2", "E2", dt.datetime(2026, 7, 2), dt.time(17, 0, 1), "N", "N", None]]
    path = _workbook(tmp_path / "calls.xlsx", rows)
    yes_no = {"values": {"Y": True, "N": False}}
    m = calls_map(call_id="Call Id", agent_id="Agent", start_time={"join": ["Date", "Time"]},
                  connected={"from": "Answered (Y/N)", **yes_no}, success={"from": "Resolved", **yes_no},
                  duration_s={"from": "AvgTalkDuration", "format": "duration"})
    frame = read_table(path, "calls", field_map=m).frame
    assert frame["start_time"].tolist() == [pd.Timestamp("2026-07-01 09:12:58"), pd.Timestamp("2026-07-02 17:00:01")]
    assert frame["duration_s"].tolist()[0] == 143
    daily, issues = daily_call_metrics(path, START, END, KNOWN, field_map=m)
    assert not issues and daily["date"].tolist() == [pd.Timestamp("2026-07-01"), pd.Timestamp("2026-07-02")]
    assert daily["talk_s"].tolist() == [143.0, 0.0]


# ----------------------------------------------------------------------------- not a call log

@pytest.mark.parametrize("text, table", [
    ("工号,日期,签入,签出\nE1,2026-07-01,2026-07-01 08:52,2026-07-01 18:04\n", "punches"),
    ("工号,日期,上班时间,下班时间\nE1,2026-07-01,09:00,18:00\n", "schedule"),
    ("Staff,Shift day,Badge\nE1,01/07/2026,77\n", None),
])
def test_a_file_that_is_not_a_call_log_says_so_first(tmp_path, text, table):
    with pytest.raises(InputError) as err:
        call_metrics(write(tmp_path, text), START, END, KNOWN)
    message = str(err.value)
    assert message.startswith(f"{tmp_path / 'calls.csv'}: does not look like a call log")
    assert ("its headers match the " + table + " table" in message) if table else "match the" not in message
    # not the way out for a missing success column: no setting makes a punch file a call log
    assert "grade_other_criteria" not in message and "missing required column: success" not in message
    assert "columns.calls" in message and "cctool inspect FILE --table calls" in message


def test_a_call_log_lacking_fields_names_them_before_the_success_hint(tmp_path):
    path = write(tmp_path, "call_id,agent_id,start_time\n1,E1,2026-07-01 09:00:00\n")
    with pytest.raises(InputError) as err:
        call_metrics(path, START, END, KNOWN)
    message = str(err.value)
    assert "does not look like a call log" not in message
    assert message.index("missing required column(s): connected") < message.index("missing required column: success")
    assert "grading.calls_without_success: grade_other_criteria" in message


def test_a_mapping_to_headers_the_file_lacks_says_it_is_not_a_call_log_and_why(tmp_path):
    path = write(tmp_path, "工号,日期,签入,签出\nE1,2026-07-01,08:52,18:04\n")
    with pytest.raises(InputError) as err:
        call_metrics(path, START, END, KNOWN, field_map=calls_map(**BANK_MAP))
    message = str(err.value)
    assert "does not look like a call log" in message and "its headers match the punches table" in message
    assert "columns.calls.start_time.join: no header 'date' in the file" in message


def test_an_xlsx_call_logs_issues_name_its_sheet(tmp_path):
    """A workbook's call log: each issue names the sheet read, as every other workbook input's do."""
    book = openpyxl.Workbook()
    book.active.title = "封面"
    book.active.append(["导出说明"])
    sheet = book.create_sheet("通话明细")
    for row in (["呼叫编号", "坐席", "日期", "时间", "接通状态", "结果"],
                ["C1", "E1", "2026/7/3", "9:01", "已接通", "成交"],
                ["C2", "E1", "2026/7/3", "9:05", "转接", "未成交"],
                ["C3", "E7", "2026/7/3", "9:07", "已接通", "未成交"],
                ["C4", "E2", "2026/8/3", "9:09", "未接通", "未成交"]):
        sheet.append(row)
    path = tmp_path / "calls.xlsx"
    book.save(path)
    flag = {"from": "接通状态", "values": {"已接通": True, "未接通": False}}
    m = calls_map(call_id="呼叫编号", agent_id="坐席", start_time={"join": ["日期", "时间"]}, connected=flag,
                  success={"from": "结果", "values": {"成交": True, "未成交": False}})
    for run in (call_metrics, daily_call_metrics):
        _, issues = run(f"{path}#通话明细", START, END, KNOWN, field_map=m)
        found = {(i.column, i.sheet) for i in issues}
        assert found == {("接通状态", "通话明细"), ("坐席", "通话明细"), ("日期 + 时间", "通话明细")}, issues


def test_a_call_whose_joined_time_has_a_blank_part_is_unreadable_in_sql_as_in_pandas(tmp_path):
    # Call 2 has its date but no time: counted as unreadable (reported), never a call at midnight.
    text = BANK.replace("2,260701,9:05:00,HANG", "2,260701,,HANG").replace("4,260702,10:00:00,AGENT",
                                                                         "4,260702,,AGENT")
    path = write(tmp_path, text)
    m = calls_map(**BANK_MAP)
    per_agent, issues = call_metrics(path, START, END, KNOWN, field_map=m)
    assert per_agent.attrs["rows_unreadable"] == 2
    assert "E2" not in set(per_agent["agent_id"])  # E2's only call lost its time
    assert any("2 call record(s) with blank or unreadable start_time, or a part of date + vru_entry blank"
               in i.problem for i in issues)
    frame = read_table(path, "calls", field_map=m)
    assert sorted(frame.frame["call_id"].astype(str)) == ["1", "3", "5", "6", "7"]
    assert {i.row for i in frame.issues if "is incomplete" in i.problem} == {3, 5}
