"""Call-log aggregation with DuckDB: CSV (UTF-8, GB18030, Chinese headers, 是/否), Parquet,
and every call it does not count reported with its count."""
from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cctool.errors import InputError
from cctool.engine.calls import call_metrics

START, END = pd.Timestamp("2026-07-01"), pd.Timestamp("2026-10-01")
KNOWN = {"E1", "E2", "E3"}
# (call_id, agent_id, start_time, duration_s, connected, success, amount)
ROWS = [
    (1, "E1", "2026-07-01 09:00:00", 30, True, False, 0),
    (2, "E1", "2026-07-01 09:05:00", 200, True, True, 300.5),
    (3, "E1", "2026-09-30 23:59:59", 10, False, False, 0),
    (4, "E2", "2026-08-15 10:00:00", 100, True, True, 100),
    (5, "E2", "2026-08-15 10:05:00", 12, False, False, 0),
    (6, "E9", "2026-08-15 10:05:00", 60, True, False, 0),       # not in the roster
    (7, "E9", "2026-06-15 10:05:00", 60, True, False, 0),       # not in the roster, outside too
    (8, "E1", "2026-06-30 23:59:59", 60, True, True, 50),       # outside the quarter
    (9, "E2", "2026-10-01 00:00:00", 60, True, False, 0),       # outside the quarter (end is exclusive)
]
EXPECTED = {"E1": (3, 2, 1, 300.5), "E2": (2, 1, 1, 100.0)}


def frame(rows=ROWS, yes="true", no="false") -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["call_id", "agent_id", "start_time", "duration_s", "connected", "success",
                                     "amount"])
    for col in ("connected", "success"):
        df[col] = df[col].map({True: yes, False: no})
    return df


def check(per_agent: pd.DataFrame, issues, expected=EXPECTED):
    got = {r.agent_id: (r.calls, r.connected, r.successes, r.amount) for r in per_agent.itertuples()}
    assert got == expected
    problems = sorted(i.problem for i in issues)
    assert problems == ["2 call record(s) of roster agents outside the period 2026-07-01..2026-09-30; not counted",
                        "agent not in the roster: 2 call record(s) (1 in the period) not counted"]
    unknown = next(i for i in issues if "roster" in i.problem and "agent not" in i.problem)
    assert unknown.value == "E9" and unknown.severity == "error"
    assert per_agent.attrs["rows_read"] == len(ROWS)


def test_utf8_csv(tmp_path):
    path = tmp_path / "calls.csv"
    frame().to_csv(path, index=False)
    per_agent, issues = call_metrics(path, START, END, KNOWN)
    check(per_agent, issues)
    assert per_agent.attrs["mode"] == "fast" and per_agent.attrs["encoding"] == "utf-8"
    assert list(per_agent.columns) == ["agent_id", "calls", "connected", "successes", "amount", "cph_calls",
                                       "success_base", "talk_s", "talk_calls"]
    # talk time: connected calls' durations (E1: 30 + 200; E2: 100)
    assert per_agent["talk_s"].tolist() == [230.0, 100.0] and per_agent["talk_calls"].tolist() == [2, 1]
    assert per_agent["cph_calls"].tolist() == [3, 2] and per_agent["success_base"].tolist() == [2, 1]


def test_gb18030_csv_with_chinese_headers_and_yes_no_in_chinese(tmp_path):
    df = frame(yes="是", no="否").rename(columns={"call_id": "通话编号", "agent_id": "坐席工号", "start_time": "开始时间",
                                                "duration_s": "通话时长", "connected": "是否接通", "success": "是否成功",
                                                "amount": "成交金额"})
    path = tmp_path / "calls.csv"
    df.to_csv(path, index=False, encoding="gb18030")
    per_agent, issues = call_metrics(path, START, END, KNOWN, cph_calls="connected")
    check(per_agent, issues)
    assert per_agent.attrs["encoding"] == "gb18030" and per_agent.attrs["mode"] == "careful"
    assert per_agent["cph_calls"].tolist() == [2, 1]
    assert issues[0].column == "坐席工号" or issues[1].column == "坐席工号"


def test_large_gb18030_file_is_transcoded_in_chunks(tmp_path, monkeypatch):
    # Over the 64 KB sample, with multibyte characters on every line, and a tiny transcoding chunk
    # so chunk borders fall inside characters.
    import cctool.engine.duckdb_backend as calls_mod

    monkeypatch.setattr(calls_mod, "TRANSCODE_CHUNK", 4099)
    n = 3000
    df = pd.DataFrame({"通话编号": range(n), "工号": ["E1", "E2"] * (n // 2), "开始时间": "2026-08-01 10:00:00",
                       "时长": 5, "接通": ["是", "否", "是"] * (n // 3), "成功": "否", "备注": "客户要求回电话"})
    path = tmp_path / "calls.csv"
    df.to_csv(path, index=False, encoding="gb18030", sep=";")
    assert path.stat().st_size > 64 * 1024
    per_agent, issues = call_metrics(path, START, END, KNOWN)
    assert issues == []
    assert per_agent.set_index("agent_id")["calls"].to_dict() == {"E1": 1500, "E2": 1500}
    assert int(per_agent["connected"].sum()) == 2000 and per_agent.attrs["rows_read"] == n


def test_parquet_with_native_types(tmp_path):
    df = frame()
    table = pa.table({
        "call_id": pa.array(df["call_id"], pa.int64()), "agent_id": pa.array(df["agent_id"]),
        "start_time": pa.array(pd.to_datetime(df["start_time"]).astype("datetime64[s]")),
        "duration_s": pa.array(df["duration_s"], pa.int64()), "connected": pa.array(df["connected"] == "true"),
        "success": pa.array(df["success"] == "true"), "amount": pa.array(df["amount"], pa.float64()),
    })
    path = tmp_path / "calls.parquet"
    pq.write_table(table, path)
    per_agent, issues = call_metrics(path, START, END, KNOWN)
    check(per_agent, issues)
    assert per_agent.attrs["mode"] == "parquet"


def test_unreadable_values_and_malformed_lines_are_counted_and_reported(tmp_path):
    text = ("call_id,agent_id,start_time,duration_s,connected,success\n"
            "1,E1,2026-07-01 09:00:00,10,true,false\n"
            "2,E1,yesterday,10,true,false\n"
            "3,E1,2026-07-01 09:00:00,10,maybe,false\n"
            "4,,2026-07-01 09:00:00,10,true,false\n"
            "5,E1,2026-07-01 09:00:00,10\n"
            "6,E2,2026/07/02 10:00,10,1,0\n")
    path = tmp_path / "calls.csv"
    path.write_text(text, encoding="utf-8")
    per_agent, issues = call_metrics(path, START, END, KNOWN)
    assert per_agent.set_index("agent_id")["calls"].to_dict() == {"E1": 1, "E2": 1}
    by_problem = {i.problem.split(" (")[0].split(";")[0]: i for i in issues}
    assert by_problem["malformed line"].row == 6
    assert "1 call record(s) with blank or unreadable start_time" in by_problem
    assert by_problem["1 call record(s) with blank or unreadable start_time"].value == "'yesterday'"
    assert "1 call record(s) with blank or unreadable connected" in by_problem
    # a call with no agent is not an error: offered and abandoned, in no agent's figures
    assert not any("agent_id" in p for p in by_problem)
    assert per_agent.attrs["no_agent_calls"] == 1
    assert per_agent.attrs["rows_read"] == 6


def test_missing_required_column_is_an_input_error(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("call_id,agent_id,start_time,duration_s,success\n1,E1,2026-07-01 09:00:00,1,true\n")
    with pytest.raises(InputError, match=r"missing required column\(s\): connected"):
        call_metrics(path, START, END, KNOWN)


def test_user_aliases_from_the_rules_file(tmp_path):
    path = tmp_path / "calls.csv"
    frame().rename(columns={"agent_id": "seat"}).to_csv(path, index=False)
    per_agent, _ = call_metrics(path, START, END, KNOWN, aliases={"agent_id": ["seat"]})
    assert per_agent["calls"].tolist() == [3, 2]


def test_not_a_call_log(tmp_path):
    path = tmp_path / "calls.parquet"
    path.write_text("call_id\n")
    with pytest.raises(InputError, match="not a Parquet file"):
        call_metrics(path, START, END, KNOWN)
    with pytest.raises(InputError, match="file not found"):
        call_metrics(tmp_path / "nope.csv", START, END, KNOWN)


def test_whitespace_only_agent_ids_reached_no_agent(tmp_path):
    """An agent cell of a tab, a no-break or an ideographic space (U+3000) is a call that
    reached no agent, like a blank one — not a call counted in rows read and reported nowhere;
    an id padded with them is the roster's agent, in the per-agent and the per-shift counts."""
    from cctool.engine.calls import daily_call_metrics, shift_call_counts

    rows = [(1, "\t", "2026-08-03 10:00:00", 30, "是", "否", ""),
            (2, "\u3000", "2026-08-03 10:01:00", 30, "是", "否", ""),
            (3, "\u00a0 ", "2026-08-03 10:02:00", 30, "否", "否", ""),
            (4, "", "2026-08-03 10:03:00", 30, "是", "否", ""),
            (5, "E1\u3000", "2026-08-03 10:04:00", 30, "是", "是", "12"),
            (6, "\tE1", "2026-08-03 10:05:00", 30, "是", "否", ""),
            (7, "E1", "2026-08-03 10:06:00", 30, "是", "否", "")]
    path = tmp_path / "calls.csv"
    pd.DataFrame(rows, columns=["call_id", "agent_id", "start_time", "duration_s", "connected", "success",
                                "amount"]).to_csv(path, index=False, encoding="gb18030")
    per_agent, issues = call_metrics(path, START, END, KNOWN)
    assert per_agent.attrs["no_agent_calls"] == 4 and per_agent.attrs["rows_read"] == 7
    assert per_agent[["agent_id", "calls", "successes", "amount"]].values.tolist() == [["E1", 3, 1, 12.0]]
    assert issues == []
    daily, _ = daily_call_metrics(path, START, END, KNOWN)
    assert daily.attrs["no_agent_calls"] == {"2026-08-03": 4} and daily["calls"].tolist() == [3]
    shift = pd.Timestamp("2026-08-03")
    shifts = pd.DataFrame({"agent_id": ["E1"], "date": [shift], "sign_in": [shift + pd.Timedelta(hours=9)],
                           "sign_out": [shift + pd.Timedelta(hours=18)], "shift_start_at": [shift + pd.Timedelta(hours=9)],
                           "shift_end_at": [shift + pd.Timedelta(hours=18)]})
    per_shift, _ = shift_call_counts(path, shifts)
    assert per_shift["calls"].tolist() == [3]


@pytest.mark.parametrize("where", ["folder", "glob", "s3a://lake/calls/date=2026-08-*/"])
def test_duckdb_engine_names_spark_for_a_folder_glob_or_url(tmp_path, where):
    from typer.testing import CliRunner

    from cctool.cli.main import app

    lake = tmp_path / "calls" / "date=2026-08-03"
    lake.mkdir(parents=True)
    frame().to_parquet(lake / "part-0.parquet", index=False)
    location = {"folder": str(tmp_path / "calls"), "glob": f"{tmp_path}/calls/date=2026-08-*/"}.get(where, where)
    with pytest.raises(InputError, match=r"--engine spark"):
        call_metrics(location, START, END, KNOWN)
    r = CliRunner().invoke(app, ["call-metrics", "--month", "2026-08", "--calls", location,
                                 "--out", str(tmp_path / "m.parquet")])
    assert r.exit_code == 3 and "--engine spark" in r.output and location.rstrip("/") in r.output
    assert not (tmp_path / "m.parquet").exists()
