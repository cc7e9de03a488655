"""examples/cron/ (the README's cctool.toml and crontab) run as cron would run them, on the
bundled samples laid out as the config's comment describes, each job on a day its schedule
fires; and the results are right: the same as the full command line a person would type (hours
for grading, leave for payroll), not a config that silently leaves an input out."""
from __future__ import annotations

import datetime as dt
import io
import json
import shlex
import shutil
import types
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import cctool.periods
from cctool.cli.main import app
from cctool.cli.terminal import State
from cctool.errors import ExitCode
from cctool.report.labels import label, sheet_name

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
EXAMPLE = ROOT / "examples" / "cron"
PASSWORD = "cron-example-pw"
runner = CliRunner()


@pytest.fixture(autouse=True)
def reset_state():
    yield
    State.quiet, State.log_file, State.wait = False, None, 0.0


def crontab_jobs() -> list[tuple[list[str], str]]:
    """(the five schedule fields, the command) of each job line."""
    jobs = []
    for line in (EXAMPLE / "crontab").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            *fields, command = line.split(None, 5)
            jobs.append((fields, command))
    return jobs


def _matches(field: str, value: int) -> bool:
    return field == "*" or value in {int(v) for v in field.split(",")}


def fire_day(fields: list[str], first=dt.date(2026, 7, 8)) -> dt.date:
    """The first day from `first` on which the job runs (day of month, month, weekday; cron's
    Sunday is 0). The samples hold July to September 2026: `yesterday`, `last` month and `last`
    quarter seen from these days fall inside them."""
    _, _, dom, mon, dow = fields
    day = first
    while not (_matches(dom, day.day) and _matches(mon, day.month) and _matches(dow, (day.weekday() + 1) % 7)):
        day += dt.timedelta(days=1)
    return day


def frozen_dt(today: dt.date):
    class Today(dt.date):
        @classmethod
        def today(cls):
            return today
    return types.SimpleNamespace(**{**vars(dt), "date": Today})


@pytest.fixture(scope="module")
def centre(tmp_path_factory):
    """/srv/cc as examples/cron/cctool.toml describes it, filled from the samples."""
    home = tmp_path_factory.mktemp("srv-cc")
    shutil.copy(EXAMPLE / "cctool.toml", home / "cctool.toml")
    exports = home / "exports"
    exports.mkdir()
    for name in ("roster.xlsx", "leave.xlsx", "excusals.csv", "kpi.csv", "exams.csv", "schedule.csv", "punches.csv",
                 "calls.parquet"):
        shutil.copy(SAMPLES / name, exports / name)
    (home / "rules").mkdir()
    shutil.copy(ROOT / "rules" / "default.yaml", home / "rules" / "our-centre.yaml")
    schedule = pd.read_csv(SAMPLES / "schedule.csv", encoding="utf-8-sig", dtype=str)
    punches = pd.read_csv(SAMPLES / "punches.csv", encoding="gb18030", dtype=str)
    calls = pd.read_parquet(SAMPLES / "calls.parquet")
    # the month folders hold the month's own rows (paired punches are dated by their shift, 日期)
    for month in ("2026-07", "2026-08", "2026-09"):
        folder = exports / month
        folder.mkdir()
        schedule[schedule["日期"].str.startswith(month)].to_csv(folder / "schedule.csv", index=False,
                                                                encoding="utf-8-sig")
        punches[punches["日期"].str.startswith(month)].to_csv(folder / "punches.csv", index=False,
                                                                 encoding="gb18030")
        calls[calls["start_time"].dt.strftime("%Y-%m") == month].to_parquet(folder / "calls.parquet", index=False)
    return home


@pytest.fixture(scope="module")
def runs(centre):
    """Every crontab job, run the way cron runs it: in the config's folder, on a day it fires."""
    done = {}
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.chdir(centre)
    try:
        for fields, command in crontab_jobs():
            cd, rest = command.split(" && ", 1)
            assert cd == "cd /srv/cc", command
            words = shlex.split(rest.split(" || ")[0])
            env = {}
            while "=" in words[0]:  # VAR=value before the command: cron's way to pass a secret
                name = words.pop(0).split("=")[0]
                env[name] = PASSWORD
            assert words[0] == "cctool", command
            day = fire_day(fields)
            monkeypatch.setattr(cctool.periods, "dt", frozen_dt(day))
            result = runner.invoke(app, words[1:], env=env, catch_exceptions=False)
            allowed = {ExitCode.OK, ExitCode.FINDINGS} if "--fail-on" in words else {ExitCode.OK}
            assert result.exit_code in allowed, (command, day, result.output)
            assert result.stdout == "", command  # --quiet: nothing on stdout on success (warnings go to stderr)
            done[command] = (day, result.exit_code)
    finally:
        monkeypatch.undo()
    return done


def test_every_job_runs_and_logs_one_line(centre, runs):
    assert len(runs) == len(crontab_jobs()) == 7
    log = (centre / "logs" / "cctool.log").read_text(encoding="utf-8").splitlines()
    assert len(log) == 7 and all(line.split("\t")[4] in ("ok", "findings") for line in log)
    reports = centre / "reports"
    assert (reports / "attendance-2026-07.xlsx").exists() and (reports / "attendance-2026-07.json").exists()
    assert (reports / "headcount-2026-07.xlsx").exists() and (reports / "grades-2026Q3.xlsx").exists()
    assert (reports / "brief-2026-07-07.txt").read_text(encoding="utf-8").strip()
    # daily and weekly KPI reports have names of their own ({period}): neither overwrites the other
    assert (reports / "kpi-day-2026-07-07.xlsx").exists() and (reports / "kpi-week-2026-W28.xlsx").exists()
    assert sorted(p.name for p in (reports / "payroll").glob("*.xlsx")) == \
        ["payroll-2026-07-operations.xlsx", "payroll-2026-07-support.xlsx"]


def test_the_config_language_reaches_every_workbook(centre, runs):
    book = openpyxl.load_workbook(centre / "reports" / "attendance-2026-07.xlsx", read_only=True)
    assert book.sheetnames[0] == sheet_name("Summary", "zh") != "Summary"


def _explicit(tmp_path, *args) -> dict:
    """The same report from the full command line, with JSON to compare against."""
    out = tmp_path / "explicit.json"
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "explicit.xlsx"), "--json", str(out)],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def test_grading_from_cron_has_hours_and_matches_the_full_command(centre, runs, tmp_path):
    cron = json.loads((centre / "reports" / "grades-2026Q3.json").read_text(encoding="utf-8"))
    decisions = {r["agent_id"]: r["decision"] for r in cron["records"]}
    not_graded = [a for a, d in decisions.items() if d == "not_graded"]
    assert len(not_graded) <= 3, not_graded  # without an hours source it was 34 of 36
    s = SAMPLES
    full = _explicit(tmp_path, "grade-agents", "--quarter", "2026Q3", "--roster", str(s / "roster.xlsx"),
                     "--calls", str(s / "calls.parquet"), "--kpi", str(s / "kpi.csv"), "--punches",
                     str(s / "punches.csv"), "--schedule", str(s / "schedule.csv"))
    assert decisions == {r["agent_id"]: r["decision"] for r in full["records"]}


def _payroll_nets(folder: Path) -> dict[str, float]:
    """Each person's net pay from the encrypted, Chinese, per-department cron workbooks."""
    from msoffcrypto.format.ooxml import OOXMLFile

    nets = {}
    for path in folder.glob("*.xlsx"):
        office, plain = OOXMLFile(open(path, "rb")), io.BytesIO()
        office.load_key(password=PASSWORD)
        office.decrypt(plain)
        sheet = openpyxl.load_workbook(plain, read_only=True)[sheet_name("Payroll", "zh")]
        rows = list(sheet.iter_rows(values_only=True))
        header_at = next(i for i, r in enumerate(rows) if label("agent_id", "zh") in r)
        header = list(rows[header_at])
        who, net = header.index(label("agent_id", "zh")), header.index(label("net", "zh"))
        nets.update({r[who]: float(r[net]) for r in rows[header_at + 1:] if r[who]})
    return nets


def test_payroll_from_cron_counts_approved_leave(centre, runs, tmp_path):
    s = SAMPLES
    base = ["monthly-payroll", "--month", "2026-07", "--roster", str(s / "roster.xlsx"), "--schedule",
            str(s / "schedule.csv"), "--punches", str(s / "punches.csv"), "--calls", str(s / "calls.parquet"),
            "--kpi", str(s / "kpi.csv"), "--exams", str(s / "exams.csv"), "--excusals", str(s / "excusals.csv")]
    full = _explicit(tmp_path / "a", *base, "--leave", str(s / "leave.xlsx"))
    without_leave = _explicit(tmp_path / "b", *base)
    right = {r["agent_id"]: r["net"] for r in full["records"]}
    docked = {a for a, n in ((r["agent_id"], r["net"]) for r in without_leave["records"]) if n != right[a]}
    assert docked, "the samples hold approved leave in July: leaving it out must change someone's pay"
    assert _payroll_nets(centre / "reports" / "payroll") == pytest.approx(right)
