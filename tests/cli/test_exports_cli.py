"""The three public exports (docs/EXPORTS.md "Call logs"), read with a rules file that uses only
the column mapping of examples/mappings/ (no conversion of the files): kpi-report, daily-brief,
the attendance reader, and `cctool inspect` on each."""
from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from cctool.cli.main import app
import exports as ex

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, env={"COLUMNS": "220"})


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    folder = tmp_path_factory.mktemp("desk")
    frame = ex.inbound_desk()
    return {"folder": folder, "frame": frame,
            "iso": ex.write_inbound(frame, folder / "inbound.csv"),
            "us": ex.write_inbound(frame, folder / "inbound-us.csv", us_dates=True),
            "roster": ex.roster_for(ex.AGENTS, folder / "roster.csv"),
            "rules": ex.rules_with("inbound-desk.yaml", folder),
            "rules_us": ex.rules_with("inbound-desk-us-dates.yaml", folder)}


def _january_by_pandas(path, us: bool) -> dict:
    """A plain pandas count of the file: calls, answered and resolved in January 2021."""
    f = pd.read_csv(path, dtype=str)
    jan = f["Date"].str.match(r"^1/\d+/2021$") if us else f["Date"].str.startswith("2021-01")
    f = f[jan]
    return {"calls": len(f), "connected": int((f["Answered (Y/N)"] == "Y").sum()),
            "successes": int((f["Resolved"] == "Y").sum())}


@pytest.mark.parametrize("variant, rules", [("iso", "rules"), ("us", "rules_us")])
def test_inbound_desk_january_matches_a_plain_pandas_count(desk, tmp_path, variant, rules):
    out, js = tmp_path / "kpi.xlsx", tmp_path / "kpi.json"
    result = invoke("kpi-report", "--period", "month", "--date", "2021-01-15", "--roster", desk["roster"],
                    "--calls", desk[variant], "--rules", desk[rules], "--out", out, "--json", js)
    assert result.exit_code == 0, result.output
    doc = json.loads(js.read_text(encoding="utf-8"))
    expected = _january_by_pandas(desk[variant], us=variant == "us")
    centre = doc["centre"]
    assert {k: centre[k] for k in expected} == expected
    per_agent = {r["agent_id"]: r["calls"] for r in doc["records"]}
    f = pd.read_csv(desk[variant], dtype=str)
    f = f[f["Date"].str.startswith("2021-01") | f["Date"].str.match(r"^1/\d+/2021$")]
    assert per_agent == f["Agent"].value_counts().to_dict()
    # AHT by hand for one agent: mean talk time of Diane's answered January calls
    talk = f[(f["Agent"] == "Diane") & (f["Answered (Y/N)"] == "Y")]["AvgTalkDuration"]
    seconds = pd.to_timedelta(talk).dt.total_seconds() if variant == "iso" else talk.astype(float)
    diane = next(r for r in doc["records"] if r["agent_id"] == "Diane")
    assert diane["talk_s"] == pytest.approx(seconds.sum()) and diane["aht_s"] == pytest.approx(seconds.mean(), abs=0.01)
    # every call of the other months is accounted for, none dropped
    assert any("outside the period" in i["problem"] for i in doc["issues"])
    assert [i for i in doc["issues"] if i["severity"] == "error"] == []
    book = openpyxl.load_workbook(out, read_only=True)
    assert "Agents" in book.sheetnames


def test_inbound_desk_as_xlsx_gives_the_same_counts(desk, tmp_path):
    book = tmp_path / "inbound.xlsx"
    pd.read_csv(desk["iso"], dtype=str, keep_default_na=False).to_excel(book, index=False)
    js = tmp_path / "kpi.json"
    result = invoke("kpi-report", "--period", "month", "--date", "2021-01-15", "--roster", desk["roster"],
                    "--calls", book, "--rules", desk["rules"], "--out", tmp_path / "k.xlsx", "--json", js)
    assert result.exit_code == 0, result.output
    centre = json.loads(js.read_text(encoding="utf-8"))["centre"]
    assert {k: centre[k] for k in ("calls", "connected", "successes")} == _january_by_pandas(desk["iso"], us=False)


def test_without_the_mapping_the_desk_log_is_refused_with_the_fix(desk, tmp_path):
    result = invoke("kpi-report", "--period", "month", "--date", "2021-01-15", "--roster", desk["roster"],
                    "--calls", desk["iso"], "--out", tmp_path / "k.xlsx")
    assert result.exit_code == 3
    assert "missing required column" in result.output and not (tmp_path / "k.xlsx").exists()


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bank")
    frame = ex.bank_day()
    path = folder / "bank.csv"
    frame.to_csv(path, index=False)
    return {"frame": frame, "calls": path, "roster": ex.roster_for(ex.BANK_SERVERS, folder / "roster.csv"),
            "rules": ex.rules_with("bank-call-centre.yaml", folder)}


def test_bank_calls_that_reached_no_agent_count_as_offered_and_abandoned(bank, tmp_path):
    js = tmp_path / "kpi.json"
    result = invoke("kpi-report", "--period", "day", "--date", "1999-01-04", "--roster", bank["roster"],
                    "--calls", bank["calls"], "--rules", bank["rules"], "--out", tmp_path / "k.xlsx", "--json", js)
    assert result.exit_code == 0, result.output
    doc = json.loads(js.read_text(encoding="utf-8"))
    f = bank["frame"]
    served = f[f["server"] != "NO_SERVER"]
    centre = doc["centre"]
    assert centre["offered"] == len(f) and centre["calls"] == len(served)
    assert centre["answered"] == int((f["outcome"] == "AGENT").sum())
    assert centre["abandoned"] == int((f["outcome"] != "AGENT").sum())
    assert centre["abandon_rate"] == pytest.approx(round((f["outcome"] != "AGENT").mean(), 4))
    # in no agent's figures, and not errors
    assert sum(r["calls"] for r in doc["records"]) == len(served)
    assert doc["issues"] == []
    talk = pd.to_timedelta(served["ser_time"]).dt.total_seconds()
    assert centre["talk_s"] == pytest.approx(talk.sum())
    assert centre["aht_s"] == pytest.approx(talk.mean(), abs=0.01)


def test_bank_daily_brief_shows_offered_abandoned_and_aht(bank):
    result = invoke("daily-brief", "--date", "1999-01-04", "--roster", bank["roster"], "--calls", bank["calls"],
                    "--rules", bank["rules"], "--format", "json")
    assert result.exit_code == 0, result.output
    centre = json.loads(result.stdout)["records"][0]
    f = bank["frame"]
    assert centre["scope"] == "centre" and centre["offered"] == len(f)
    assert centre["abandoned"] == int((f["outcome"] != "AGENT").sum())
    text = invoke("daily-brief", "--date", "1999-01-04", "--roster", bank["roster"], "--calls", bank["calls"],
                  "--rules", bank["rules"]).stdout
    assert f"offered {len(f)}, abandoned {int((f['outcome'] != 'AGENT').sum())}" in text and "AHT " in text


@pytest.fixture(scope="module")
def clock(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zk")
    frame = ex.zkteco_month()
    path = folder / "attlog.csv"
    frame.to_csv(path, index=False)
    return {"frame": frame, "punches": path, "rules": ex.rules_with("zkteco-time-clock.yaml", folder)}


def test_zkteco_clock_is_read_with_the_mapping_only(clock):
    from cctool.io.inputs import InputSet
    from cctool.rules import load_rules

    inputs = InputSet(load_rules(clock["rules"]).rules)
    punches = inputs.load("punches", clock["punches"])
    assert inputs.tables["punches"].table == "punch_events" and inputs.issues == []
    f = clock["frame"]
    assert len(punches) == len(f)
    first = f.iloc[0]
    assert punches["time"].iloc[0] == pd.to_datetime(first["Date/Time"], format="%d/%m/%Y %H:%M:%S")
    expected = f["Status"].map({"C/In": "in", "C/Out": "out", "OverTime In": "in", "OverTime Out": "out"})
    assert punches["direction"].tolist() == expected.tolist()


# ----------------------------------------------------------------------------- inspect

def test_inspect_explains_the_desk_log(desk):
    result = invoke("inspect", desk["iso"], "--rules", desk["rules"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Format csv, encoding utf-8; header row 1" in out and "looks like calls" in out
    assert "Date + Time" in out and "columns.calls.start_time" in out
    assert "Answered (Y/N)  values Y→true, N→false" in out
    assert "AvgTalkDuration  (format duration)" in out
    assert "First 5 rows as parsed" in out and "2021-01-01 09:" in out
    assert "Dates covered: 2021-01-01 .. 2021-03-31" in out and "No unreadable values." in out


def test_inspect_without_rules_exits_3_with_a_ready_to_paste_snippet(desk, tmp_path):
    result = invoke("inspect", desk["iso"])
    assert result.exit_code == 3
    snippet = result.output[result.output.index("columns:"):]
    doc = yaml.safe_load(snippet)  # ready to paste: valid YAML
    calls = doc["columns"]["calls"]
    assert calls["agent_id"] == {"from": "Agent"} and calls["start_time"] == {"join": ["Date", "Time"]}
    assert calls["connected"] == {"from": "Answered (Y/N)", "values": {"Y": True, "N": False}}
    assert calls["success"]["from"] == "Resolved" and calls["duration_s"]["format"] == "duration"
    # and pasted into a rules file, the file reads
    from cctool.rules.model import Columns

    assert Columns.model_validate(doc["columns"]).mapping("calls")["start_time"].join == ["Date", "Time"]


def test_inspect_the_us_copy_names_the_date_order(desk):
    result = invoke("inspect", desk["us"], "--table", "calls")
    assert result.exit_code == 3
    assert "add format: monthfirst" in result.output or "read monthfirst" in result.output


def test_inspect_explains_the_bank_log(bank):
    result = invoke("inspect", bank["calls"], "--rules", bank["rules"])
    assert result.exit_code == 0, result.output
    out = result.output
    n = int((bank["frame"]["server"] == "NO_SERVER").sum())
    assert f"{n} call(s) reached no agent (offered and abandoned)" in out
    assert "server  none NO_SERVER" in out and "date + vru_entry  (format %y%m%d %H:%M:%S)" in out


def test_inspect_explains_the_clock_and_its_unreadable_values(clock, tmp_path):
    result = invoke("inspect", clock["punches"], "--rules", clock["rules"])
    assert result.exit_code == 0, result.output
    assert "looks like punches (raw punch events)" in result.output
    assert "Dates covered: 2025-08-01 .. 2025-08-29" in result.output
    bad = clock["frame"].copy()
    bad.loc[3, "Status"] = "Break Out"
    bad.loc[5, "Status"] = "Break In"
    path = tmp_path / "attlog.csv"
    bad.to_csv(path, index=False)
    result = invoke("inspect", path, "--rules", clock["rules"], "--table", "punches")
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "Unreadable values" in out and "5: 'Break Out'; 7: 'Break In'" in out


def test_inspect_without_rules_names_the_clock_layout(clock):
    """Without a mapping the reports read this clock by its layout (issue 11: English ZKTeco),
    so inspect shows that reading, not a mapping to paste."""
    result = invoke("inspect", clock["punches"])
    assert result.exit_code == 0, result.output
    assert "layout: zkteco — ZKTeco software export" in result.output
    assert "direction: Status C/In, C/Out" in result.output and "columns:" not in result.output


def test_inspect_rejects_an_unknown_table(desk):
    result = invoke("inspect", desk["iso"], "--table", "call")
    # a choice outside --table's list is a usage error (exit 2), like every Enum-typed option
    assert result.exit_code == 2 and "'call' is not one of" in result.output and "'calls'" in result.output


# ----------------------------------------------------------------------------- grading without success

def test_grading_without_success_only_when_the_rules_say_so(tmp_path):
    from cctool.samples.generate import generate_centre, write_centre

    centre = generate_centre(20, "2026-07", 3, seed=2)
    paths = write_centre(centre, tmp_path)
    calls = pd.read_parquet(paths["calls"]) if str(paths["calls"]).endswith(".parquet") else \
        pd.read_csv(paths["calls"], dtype=str)
    no_success = tmp_path / "calls-no-success.csv"
    calls.drop(columns=[c for c in calls.columns if c in ("success", "成功", "是否成功", "成交")]).to_csv(
        no_success, index=False)
    args = ["grade-agents", "--quarter", "2026Q3", "--roster", paths["roster"], "--calls", no_success,
            "--kpi", paths["kpi"], "--punches", paths["punches"], "--schedule", paths["schedule"],
            "--out", tmp_path / "g.xlsx", "--json", tmp_path / "g.json"]
    refused = invoke(*args)
    assert refused.exit_code == 3 and "grade_other_criteria" in " ".join(refused.output.split())
    from cctool.rules.load import default_rules_path

    base = yaml.safe_load(default_rules_path().read_text(encoding="utf-8"))
    base["grading"]["calls_without_success"] = "grade_other_criteria"
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump(base, allow_unicode=True), encoding="utf-8")
    result = invoke(*args, "--rules", rules)
    assert result.exit_code == 0, result.output
    graded = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    assert all(r["success_rate"] is None for r in graded["records"])
    assert any("success rate n/a" in r["explanation"] for r in graded["records"] if r["decision"] != "not_graded")
    assert any("no success column" in n for n in graded.get("notes", []))


def test_inspect_names_the_layout_the_adapters_detect(clock, monkeypatch):
    import sys
    import types

    calls = []
    fake = types.ModuleType("cctool.io.layouts")
    fake.detect = lambda spec, table=None: calls.append((str(spec), table)) or "zkteco_english"
    monkeypatch.setitem(sys.modules, "cctool.io.layouts", fake)
    result = invoke("inspect", clock["punches"], "--rules", clock["rules"], "--table", "punches")
    assert result.exit_code == 0, result.output
    assert "Layout: zkteco_english" in result.output and calls == [(str(clock["punches"]), "punches")]


def test_a_punch_file_given_as_the_call_log_is_named_as_such(clock, desk, tmp_path):
    """The clock's own export (and the centre's 签到记录) passed as --calls: the message says it is
    not a call log before anything about one missing field; no report is written."""
    punches = tmp_path / "签到记录.csv"
    punches.write_text("工号,日期,签入,签出\nDiane,2021-01-04,2021-01-04 08:52:50,2021-01-04 18:04:56\n",
                       encoding="utf-8")
    for calls, table in ((punches, "punches"), (clock["punches"], None)):
        out = tmp_path / "k.xlsx"
        result = invoke("kpi-report", "--period", "month", "--date", "2021-01-15", "--roster", desk["roster"],
                        "--calls", calls, "--out", out)
        text = " ".join(result.output.split())
        assert result.exit_code == 3 and not out.exists()
        assert text.startswith(f"Error: {calls}: does not look like a call log")
        assert (f"its headers match the {table} table" in text) if table else "match the" not in text
        assert "grade_other_criteria" not in text


def test_inspect_as_punches_proposes_no_value_map_from_a_numeric_column(tmp_path):
    """A call log inspected as punches: `duration_s` resembles `direction` by name, but a value
    map is never proposed from talk times (nor from any numeric column but one-digit codes)."""
    log = tmp_path / "calls.csv"
    pd.DataFrame({"call_id": [1, 2, 3, 4], "agent_id": ["K7", "K7", "M2", "M2"],
                  "start_time": ["2026-03-02 09:00:00", "2026-03-02 09:07:00", "2026-03-02 10:00:00",
                                 "2026-03-02 10:30:00"],
                  "duration_s": [60, 415, 298, 41], "connected": [1, 1, 1, 0], "success": [0, 1, 0, 0]}).to_csv(
        log, index=False)
    result = invoke("inspect", log, "--table", "punches")
    assert result.exit_code == 3
    doc = yaml.safe_load(result.output[result.output.index("columns:"):])
    assert "direction" not in doc["columns"]["punches"] and "415" not in result.output.split("columns:")[1]
    # a clock's one-digit state codes still make a map (ZKTeco attlog: 0 in, 1 out)
    codes = tmp_path / "attlog.csv"
    pd.DataFrame({"agent_id": ["K7", "K7"], "time": ["2026-03-02 08:55:00", "2026-03-02 18:01:00"],
                  "State": [0, 1]}).to_csv(codes, index=False)
    result = invoke("inspect", codes, "--table", "punches")
    assert result.exit_code == 0, result.output
    doc = yaml.safe_load(result.output[result.output.index("columns:"):])
    assert doc["columns"]["punches"]["direction"]["from"] == "State"
    assert set(doc["columns"]["punches"]["direction"]["values"]) == {"0", "1"}


def test_inspect_explains_punches_without_a_direction(tmp_path):
    """A clock that records only "a punch": read (exit 0), direction not asked for, and the
    pairing said in words."""
    clock = tmp_path / "gate.csv"
    pd.DataFrame({"Emp No": ["K7", "K7", "K7", "M2"],
                  "Punch Time": ["02.03.2026 08:55", "02.03.2026 12:01", "02.03.2026 18:03", "02.03.2026 21:58"],
                  "Device": ["Gate 1"] * 4}).to_csv(clock, index=False)
    from cctool.rules.load import default_rules_path

    doc = yaml.safe_load(default_rules_path().read_text(encoding="utf-8"))
    doc["columns"]["punches"] = {"agent_id": "Emp No", "time": {"from": "Punch Time", "format": "%d.%m.%Y %H:%M"}}
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = invoke("inspect", clock, "--rules", rules)
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "looks like punches (raw punch events)" in out and "Rows: 4 read, 4 usable" in out
    assert "the first punch is the sign-in and the last the sign-out; a shift with one punch is a missing punch" in out
    assert "│ direction │ │ (not found)" in out and "Add to the rules file" not in out


def test_inspect_as_calls_of_a_punch_file_names_the_table_its_headers_match(tmp_path):
    punches = tmp_path / "签到.csv"
    punches.write_text("工号,日期,签入,签出\nK7,2026-03-02,2026-03-02 08:52,2026-03-02 18:04\n", encoding="utf-8")
    result = invoke("inspect", punches, "--table", "calls")
    assert result.exit_code == 3
    assert "Its headers are those of punches: is this the right file? (try --table punches)" in result.output
    assert invoke("inspect", punches, "--table", "punches").exit_code == 0


def test_inspect_warns_when_start_time_comes_from_a_date_column_alone(desk, tmp_path):
    """The issue's first complaint: start_time pointed at `Date` reads, but every call at 00:00."""
    doc = yaml.safe_load(desk["rules"].read_text(encoding="utf-8"))
    doc["columns"]["calls"]["start_time"] = {"from": "Date"}
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = " ".join(invoke("inspect", desk["iso"], "--rules", rules).output.split())
    assert "Check: every start_time is at 00:00: 'Date' holds dates without a time of day" in out
    assert "start_time: {join: [Date, <time column>]}" in out
    assert "Check:" not in invoke("inspect", desk["iso"], "--rules", desk["rules"]).output


def test_inspect_shows_shift_times_as_clock_times(tmp_path):
    path = tmp_path / "排班.csv"
    path.write_text("工号,日期,上班时间,下班时间\nH101,2026-09-01,09:00,18:00\nH201,2026-09-10,22:00:30,06:00\n",
                    encoding="utf-8")
    result = runner.invoke(app, ["inspect", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "09:00" in result.output and "22:00:30" in result.output and "06:00" in result.output
    assert "32400" not in result.output and "79230" not in result.output
