"""Cron-safe runs: config file with period patterns, the output lock, the run log, headcount."""
from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import openpyxl
import pytest
from filelock import FileLock
from typer.testing import CliRunner

from cctool.cli.main import app
from cctool.cli.terminal import State

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
runner = CliRunner()


@pytest.fixture(autouse=True)
def reset_state():
    yield
    State.quiet, State.log_file, State.wait = False, None, 0.0


@pytest.fixture
def centre(tmp_path):
    """The samples laid out the way a centre's exports folder is: one folder per month."""
    data = tmp_path / "data"
    (data / "2026-07").mkdir(parents=True)
    for name in ("roster.xlsx", "leave.xlsx", "kpi.csv"):
        shutil.copy(SAMPLES / name, data / name)
    for name in ("schedule.csv", "punches.csv"):
        shutil.copy(SAMPLES / name, data / "2026-07" / name)
    (tmp_path / "cctool.toml").write_text(
        'log_file = "logs/cctool.log"\n'
        "[defaults]\n"
        'roster = "data/roster.xlsx"\n'
        'lang = "zh"\n'
        "[attendance-audit]\n"
        'schedule = "data/{month}/schedule.csv"\n'
        'punches = "data/{month}/punches.csv"\n'
        'leave = "data/leave.xlsx"\n'
        'out = "reports/attendance-{month}.xlsx"\n'
        'json = "reports/attendance-{month}.json"\n', encoding="utf-8")
    return tmp_path


def test_config_makes_the_crontab_line_short(centre, monkeypatch):
    monkeypatch.chdir(centre)
    result = runner.invoke(app, ["--quiet", "attendance-audit", "--month", "2026-07"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output == ""  # --quiet prints nothing on success
    book = openpyxl.load_workbook(centre / "reports" / "attendance-2026-07.xlsx")
    assert book.sheetnames[0] == "汇总"  # lang from [defaults]
    doc = json.loads((centre / "reports" / "attendance-2026-07.json").read_text(encoding="utf-8"))
    assert doc["period"] == "2026-07" and any(i["path"].endswith("2026-07/punches.csv") for i in doc["inputs"])
    [line] = (centre / "logs" / "cctool.log").read_text(encoding="utf-8").splitlines()
    fields = line.split("\t")
    assert fields[1:3] == ["attendance-audit", "2026-07"] and fields[4] == "ok"
    assert "people=" in fields[5] and "findings=" in fields[5]


def test_command_line_beats_config(centre, monkeypatch, tmp_path):
    monkeypatch.chdir(centre)
    other = tmp_path / "elsewhere.xlsx"
    result = runner.invoke(app, ["attendance-audit", "--month", "2026-07", "--out", str(other), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(other).sheetnames[0] == "Summary"


def test_missing_month_folder_is_a_clear_error_and_logged(centre, monkeypatch):
    monkeypatch.chdir(centre)
    result = runner.invoke(app, ["attendance-audit", "--month", "2026-08"])
    assert result.exit_code == 3 and "2026-08/schedule.csv: file not found" in result.output
    line = (centre / "logs" / "cctool.log").read_text(encoding="utf-8").splitlines()[-1]
    assert "\terror 3\t" in line


def test_bad_config_file(tmp_path):
    bad = tmp_path / "c.toml"
    bad.write_text("this is = = not toml", encoding="utf-8")
    result = runner.invoke(app, ["--config", str(bad), "rules", "validate"])
    assert result.exit_code == 2 and "not valid TOML" in result.output


ARGS = ["attendance-audit", "--month", "2026-07", "--roster", str(SAMPLES / "roster.xlsx"),
        "--schedule", str(SAMPLES / "schedule.csv"), "--punches", str(SAMPLES / "punches.csv")]


def test_second_run_on_the_same_output_stops_with_a_clear_message(tmp_path):
    out = tmp_path / "audit.xlsx"
    holder = FileLock(str(tmp_path / ".audit.xlsx.lock"))  # a first run still writing this report
    with holder:
        result = runner.invoke(app, [*ARGS, "--out", str(out)])
    assert result.exit_code == 7
    assert "another cctool run is writing this report" in result.output
    assert not out.exists()


def test_second_run_waits_with_wait(tmp_path):
    out = tmp_path / "audit.xlsx"
    holder = FileLock(str(tmp_path / ".audit.xlsx.lock"), thread_local=False)  # released by the timer thread
    holder.acquire()
    threading.Timer(0.5, holder.release).start()
    result = runner.invoke(app, ["--wait", "30", *ARGS, "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_headcount(tmp_path):
    import pandas as pd

    previous = tmp_path / "roster-prev.csv"
    roster = pd.read_excel(SAMPLES / "roster.xlsx", engine="openpyxl")
    moved = roster.copy()
    first_agent = moved.index[moved["岗位"] == "agent"][0]
    moved_id = moved.at[first_agent, "工号"]
    moved.at[first_agent, "班组"] = "TSR-9"  # last month this agent was in another team
    moved.to_csv(previous, index=False, encoding="utf-8-sig")
    result = runner.invoke(app, ["headcount", "--month", "2026-07", "--roster", str(SAMPLES / "roster.xlsx"),
                                 "--previous-roster", str(previous), "--out", str(tmp_path / "h.xlsx"),
                                 "--json", str(tmp_path / "h.json")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "h.json").read_text(encoding="utf-8"))
    assert [t["agent_id"] for t in doc["transfers"]] == [moved_id]
    exits = roster[pd.to_datetime(roster["离职日期"]).dt.strftime("%Y-%m") == "2026-07"]["工号"]
    assert sorted(r["agent_id"] for r in doc["leavers"]) == sorted(exits)
    for team in doc["records"]:
        assert team["start"] + team["joiners"] - team["leavers"] + team["transfers_in"] - team["transfers_out"] \
            == team["end"]
    assert {t["team"]: t["transfers_out"] for t in doc["records"]}["TSR-9"] == 1
    book = openpyxl.load_workbook(tmp_path / "h.xlsx")
    assert book.sheetnames[:5] == ["Headcount", "Joiners", "Leavers", "Transfers", "Trainee milestones"]
