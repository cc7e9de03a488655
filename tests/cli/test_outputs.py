"""Every command writes all its outputs or none (issue 9 §6): exit 5 naming the path and the
reason, nothing new left behind, every output locked, leftovers of a killed run removed."""
from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from filelock import FileLock
from typer.testing import CliRunner

from cctool.cli.main import app
from cctool.cli.terminal import State
from cctool.report import files

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
runner = CliRunner()
S = {name: str(SAMPLES / name) for name in ("roster.xlsx", "schedule.csv", "punches.csv", "leave.xlsx", "kpi.csv",
                                           "calls.parquet")}
CALL_INPUTS = ["--roster", S["roster.xlsx"], "--calls", S["calls.parquet"], "--punches", S["punches.csv"],
               "--schedule", S["schedule.csv"]]
COMMANDS = {
    "attendance-audit": ["attendance-audit", "--month", "2026-07", "--roster", S["roster.xlsx"], "--schedule",
                         S["schedule.csv"], "--punches", S["punches.csv"], "--leave", S["leave.xlsx"]],
    "grade-agents": ["grade-agents", "--quarter", "2026Q3", "--kpi", S["kpi.csv"], *CALL_INPUTS],
    "monthly-payroll": ["monthly-payroll", "--month", "2026-07", "--roster", S["roster.xlsx"], "--schedule",
                        S["schedule.csv"], "--punches", S["punches.csv"], "--leave", S["leave.xlsx"],
                        "--kpi", S["kpi.csv"]],
    "kpi-report": ["kpi-report", "--period", "day", "--date", "2026-08-31", *CALL_INPUTS],
    "headcount": ["headcount", "--month", "2026-07", "--roster", S["roster.xlsx"]],
    "simulate": ["simulate", "--month", "2026-07", "--rules", str(SAMPLES.parent / "rules" / "default.yaml"),
                 "--roster", S["roster.xlsx"], "--schedule", S["schedule.csv"], "--punches", S["punches.csv"],
                 "--kpi", S["kpi.csv"]],
}


@pytest.fixture(autouse=True)
def reset_state():
    yield
    State.quiet, State.log_file, State.wait = False, None, 0.0


def listing(folder: Path) -> list[str]:
    """What is in the folder, bar the lock files (documented: one beside each report, kept)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if not p.name.endswith(".lock"))


def invoke(args):
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_json_that_cannot_be_written_stops_before_the_work(command, tmp_path):
    (tmp_path / "blocker").write_text("a file, not a folder")
    before = listing(tmp_path)
    json_path = tmp_path / "blocker" / "r.json"
    result = invoke([*COMMANDS[command], "--out", str(tmp_path / "r.xlsx"), "--json", str(json_path)])
    assert result.exit_code == 5, result.output
    assert str(json_path) in result.output and "a file stands where a folder should be" in result.output
    assert listing(tmp_path) == before  # no workbook either


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_disk_full_on_the_json_writes_neither_file(command, tmp_path, monkeypatch):
    real_open = files._open_temp

    def opener(tmp: Path):
        if ".json" in tmp.name:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT, 0o600))  # a half-written temporary file
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_open(tmp)

    monkeypatch.setattr(files, "_open_temp", opener)
    result = invoke([*COMMANDS[command], "--out", str(tmp_path / "r.xlsx"), "--json", str(tmp_path / "r.json")])
    assert result.exit_code == 5, result.output
    assert str(tmp_path / "r.json") in result.output and "disk is full" in result.output
    assert "nothing was written" in result.output
    assert listing(tmp_path) == []  # no report, no temporary file


def test_daily_brief_out_follows_the_same_rules(tmp_path):
    target = tmp_path / "brief.txt"
    target.mkdir()
    result = invoke(["daily-brief", "--date", "2026-08-03", *CALL_INPUTS, "--out", str(target)])
    assert result.exit_code == 5 and "is a folder" in result.output


def test_name_too_long(tmp_path):
    out = tmp_path / ("x" * 240 + ".xlsx")
    result = invoke([*COMMANDS["headcount"], "--out", str(out)])
    assert result.exit_code == 5 and "too long" in result.output and listing(tmp_path) == []


@pytest.mark.parametrize("where", ["out", "json", "folder"])
def test_a_name_over_the_file_system_limit_is_exit_5_not_a_crash(tmp_path, where):
    # over NAME_MAX (255) itself, not only once the temporary suffix is added: stat() of such a
    # path raises ENAMETOOLONG, which was an Internal error (exit 1)
    long = "n" * 300
    out, json = tmp_path / "r.xlsx", tmp_path / "r.json"
    if where == "out":
        out = tmp_path / f"{long}.xlsx"
    elif where == "json":
        json = tmp_path / f"{long}.json"
    else:
        out = tmp_path / long / "r.xlsx"
    result = invoke([*COMMANDS["headcount"], "--out", str(out), "--json", str(json)])
    assert result.exit_code == 5 and "too long" in result.output, result.output
    assert listing(tmp_path) == []


def test_a_failed_run_leaves_no_folder_it_made(tmp_path):
    out = tmp_path / "reports" / "2026-07" / "r.xlsx"
    result = invoke(["headcount", "--month", "2026-07", "--roster", str(tmp_path / "missing.xlsx"), "--out", str(out),
                     "--json", str(tmp_path / "reports" / "2026-07" / "r.json")])
    assert result.exit_code == 3
    assert list(tmp_path.iterdir()) == []  # no reports/ folder, no lock file in it


def test_the_json_is_locked_too(tmp_path):
    with FileLock(str(tmp_path / ".r.json.lock")):
        result = invoke([*COMMANDS["attendance-audit"], "--out", str(tmp_path / "r.xlsx"), "--json",
                         str(tmp_path / "r.json")])
    assert result.exit_code == 7 and "r.json" in result.output
    assert not (tmp_path / "r.xlsx").exists()


def test_each_split_payroll_file_is_locked(tmp_path):
    with FileLock(str(tmp_path / ".p-TSR-1.xlsx.lock")):
        result = invoke([*COMMANDS["monthly-payroll"], "--out", str(tmp_path / "p.xlsx"), "--split-by", "team"])
    assert result.exit_code == 7 and "p-TSR-1.xlsx" in result.output
    assert not list(tmp_path.glob("p*.xlsx"))


def test_leftovers_of_a_killed_run_are_removed_by_the_next(tmp_path):
    dead = 2 ** 22 + 4242
    leftover = tmp_path / f".r.xlsx{files.TEMP_TAG}{dead}"
    leftover.write_bytes(b"PK half a workbook")
    result = invoke([*COMMANDS["headcount"], "--out", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 0, result.output
    assert not leftover.exists() and (tmp_path / "r.xlsx").exists()


def test_out_and_json_on_one_file_is_a_usage_error(tmp_path):
    result = invoke([*COMMANDS["headcount"], "--out", str(tmp_path / "r.xlsx"), "--json", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 2 and "same file" in result.output
    assert listing(tmp_path) == []


def test_disk_full_while_writing_the_workbook_keeps_the_old_reports(tmp_path, monkeypatch):
    from cctool.report import writer

    (tmp_path / "r.xlsx").write_bytes(b"last month's workbook")
    (tmp_path / "r.json").write_text("last month's json")

    def full(layout, out, rows):
        Path(out).write_bytes(b"PK\x03\x04 half")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(writer, "_inject_rows", full)
    result = invoke([*COMMANDS["attendance-audit"], "--out", str(tmp_path / "r.xlsx"), "--json",
                     str(tmp_path / "r.json")])
    assert result.exit_code == 5 and "disk is full" in result.output and str(tmp_path / "r.xlsx") in result.output
    assert listing(tmp_path) == ["r.json", "r.xlsx"]
    assert (tmp_path / "r.xlsx").read_bytes() == b"last month's workbook"
    assert (tmp_path / "r.json").read_text() == "last month's json"
