"""The fast CSV mode (DuckDB types start_time, the flags, amount and duration itself) and the
two-step grouping (calls by the agent id as written, then trimmed ids and statuses) count every
call exactly as the careful mode does: padded and blank ids, blank and implausible durations,
calls outside the period, and a value the fast mode cannot type further on than its sample."""
from __future__ import annotations

import pandas as pd
import pytest

from cctool.engine import duckdb_backend
from cctool.engine.calls import call_metrics

START, END = pd.Timestamp("2026-07-01"), pd.Timestamp("2026-10-01")
KNOWN = {"E1", "E2"}
HEADER = "call_id,agent_id,start_time,duration_s,connected,success,amount\n"
LINES = [
    '1,"E1",2026-07-01 09:00:00,30,true,false,0',
    '2," E1 ",2026-07-01 09:05:00,200,true,true,300.5',   # padded id: E1
    '3,"E2",2026-08-15 10:00:00,,true,true,100',          # blank duration: no talk time, not a warning
    '4,"E2",2026-08-15 10:05:00,-5,true,false,0',          # implausible duration: a warning
    '5,"   ",2026-08-15 10:06:00,60,,false,0',             # blank id (spaces): reached no agent
    '6,"",2026-08-15 10:07:00,60,true,false,0',            # blank id (quoted empty)
    '7,,2026-08-15 10:08:00,60,true,false,0',              # blank id (empty)
    '8,,2026-06-30 10:08:00,60,true,false,0',              # no agent, outside the quarter
    '9,"E1",2026-06-30 23:59:59,60,true,true,50',          # outside the quarter
    '10,"E9",2026-08-15 10:05:00,60,true,false,0',         # not in the roster
]


def result(path, monkeypatch=None, careful=False):
    if careful:
        monkeypatch.setattr(duckdb_backend, "_sample_is_plain", lambda *a: False)
    per_agent, issues = call_metrics(path, START, END, KNOWN)
    figures = per_agent.drop(columns="amount").to_dict("records")  # a float sum's last bit follows the read order
    attrs = {k: v for k, v in per_agent.attrs.items() if k != "mode"}
    return per_agent.attrs["mode"], figures, per_agent["amount"].round(6).tolist(), attrs, sorted(
        (i.column or "", i.value or "", i.problem) for i in issues)


def test_fast_mode_counts_padded_and_blank_ids_and_durations_like_the_careful_mode(tmp_path, monkeypatch):
    path = tmp_path / "calls.csv"
    path.write_text(HEADER + "\n".join(LINES) + "\n", encoding="utf-8")
    fast = result(path)
    mode, figures, amounts, attrs, issues = fast
    assert mode == "fast"
    # E1: calls 1 and 2 (the padded id is E1); E2: calls 3 and 4, talk time from call 3 has no duration
    assert [(f["agent_id"], f["calls"], f["connected"], f["successes"], f["talk_s"], f["talk_calls"])
            for f in figures] == [("E1", 2, 2, 1, 230.0, 2), ("E2", 2, 2, 1, 0.0, 0)]
    assert amounts == [300.5, 100.0]
    assert attrs["rows_read"] == 10 and attrs["rows_unreadable"] == 0 and attrs["no_agent_calls"] == 3
    problems = [p for _, _, p in issues]
    assert any(p.startswith("1 call record(s) with an unreadable duration") for p in problems)
    # call 9 (E1) and call 8 (no agent); call 5 (blank id, blank connected) reached no agent: not unreadable
    assert any(p.startswith("1 call record(s) of roster agents outside the period") for p in problems)
    assert any(p.startswith("1 call record(s) that reached no agent outside the period") for p in problems)
    assert "agent not in the roster: 1 call record(s) (1 in the period) not counted" in problems
    assert result(path, monkeypatch, careful=True)[1:] == fast[1:]


def test_a_value_past_the_sample_the_fast_mode_cannot_type_falls_back_to_the_careful_mode(tmp_path, monkeypatch):
    # the first 64 KiB are plain; a duration written "n/a" and a connected written "?" come later
    plain = [f'{i},"E{1 + i % 2}",2026-07-02 09:{i % 60:02d}:00,{i % 300},true,{"true" if i % 3 else "false"},1.5'
             for i in range(100, 3100)]
    late = ['9001,"E1",2026-07-03 09:00:00,n/a,true,true,2', '9002,"E2",2026-07-03 09:00:00,20,?,true,2']
    path = tmp_path / "calls.csv"
    text = HEADER + "\n".join(LINES + plain + late) + "\n"
    assert len(text.encode()) > 2 * duckdb_backend.SAMPLE_BYTES
    path.write_text(text, encoding="utf-8")
    got = result(path)
    assert got[0] == "careful"
    attrs, problems = got[3], [p for _, _, p in got[4]]
    assert attrs["rows_read"] == 10 + 3000 + 2 and attrs["rows_unreadable"] == 1
    assert any(p.startswith("1 call record(s) with blank or unreadable connected") for p in problems)
    assert any(p.startswith("2 call record(s) with an unreadable duration") for p in problems)  # -5 and n/a
    assert result(path, monkeypatch, careful=True)[1:] == got[1:]


@pytest.mark.parametrize("value", ["1,234", "12 s"])
def test_a_sample_with_a_duration_duckdb_cannot_read_as_a_number_is_read_carefully(tmp_path, value):
    path = tmp_path / "calls.csv"
    path.write_text(HEADER + f'1,"E1",2026-07-01 09:00:00,"{value}",true,true,0\n', encoding="utf-8")
    per_agent, issues = call_metrics(path, START, END, KNOWN)
    assert per_agent.attrs["mode"] == "careful"
    assert per_agent["talk_s"].tolist() == ([1234.0] if value == "1,234" else [0.0])
