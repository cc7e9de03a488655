"""cctool.toml and `rules show` as a cron user meets them: typos named with the closest valid
name (exit 2), bad values exit 2, placeholders are names only, kpi-report periods never share
a file."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cctool.cli.main import app
from cctool.cli.runtime import fill
from cctool.cli.terminal import State
from cctool.errors import CctoolError

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
runner = CliRunner()


@pytest.fixture(autouse=True)
def reset_state():
    yield
    State.quiet, State.log_file, State.wait = False, None, 0.0


def run_with_config(tmp_path, monkeypatch, text: str, *args):
    (tmp_path / "cctool.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return runner.invoke(app, list(args or ["rules", "validate"]), catch_exceptions=False)


@pytest.mark.parametrize("text, named, suggested", [
    ('[attendance-audti]\nout = "a.xlsx"\n', "[attendance-audti]", "attendance-audit"),
    ('[attendance-audit]\nroaster = "r.xlsx"\n', "'roaster'", "roster"),
    ('[defaults]\nlnag = "zh"\n', "'lnag'", "lang"),
    ('[kpi-report]\nperiode = "week"\n', "'periode'", "period"),
    ('wiat = 5\n', "'wiat'", "wait"),
])
def test_unknown_key_or_section_names_it_and_the_closest(tmp_path, monkeypatch, text, named, suggested):
    result = run_with_config(tmp_path, monkeypatch, text)
    assert result.exit_code == 2, result.output
    assert named in result.output and repr(suggested) in result.output


def test_known_keys_in_either_spelling_pass(tmp_path, monkeypatch):
    text = ('wait = 1.5\nlog_file = "x.log"\n[defaults]\nlang = "zh"\n[headcount]\nprevious_roster = "p.xlsx"\n'
            '[attendance-audit]\njson = "a.json"\nfail-on = "findings"\n')
    result = run_with_config(tmp_path, monkeypatch, text)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("text", ['wait = "abc"\n', "log_file = 5\n", "wait = -5\n", "wait = true\n"])
def test_bad_values_are_usage_errors(tmp_path, monkeypatch, text):
    result = run_with_config(tmp_path, monkeypatch, text)
    assert result.exit_code == 2, result.output
    assert "cctool.toml" in result.output


@pytest.mark.parametrize("pattern", ["r-{month.__class__}.xlsx", "r-{0}.xlsx", "r-{}.xlsx", "r-{month!r}.xlsx",
                                     "r-{nope}.xlsx", "r-{month.xlsx"])
def test_placeholders_are_plain_names(pattern):
    with pytest.raises(CctoolError) as err:
        fill(Path(pattern), month="2026-07", period="2026-07")
    assert err.value.exit_code == 2


def test_placeholders_expand():
    assert fill(Path("out/{period}/{month}-{date}.xlsx"), month="2026-07", date="2026-07-03",
                period="day-2026-07-03") == Path("out/day-2026-07-03/2026-07-2026-07-03.xlsx")
    with pytest.raises(CctoolError, match=r"\{quarter\} is not known"):
        fill(Path("{quarter}.xlsx"), month="2026-07")


def test_attribute_access_in_config_stops_the_run(tmp_path, monkeypatch):
    text = '[headcount]\nout = "h-{month.__class__}.xlsx"\n'
    result = run_with_config(tmp_path, monkeypatch, text, "headcount", "--month", "2026-07",
                             "--roster", str(SAMPLES / "roster.xlsx"))
    assert result.exit_code == 2, result.output
    assert not list(tmp_path.glob("h-*"))


def test_kpi_report_default_names_carry_the_period_kind(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    inputs = ["--roster", str(SAMPLES / "roster.xlsx"), "--calls", str(SAMPLES / "calls.parquet"),
              "--schedule", str(SAMPLES / "schedule.csv")]
    for kind in ("day", "week", "month"):
        result = runner.invoke(app, ["kpi-report", "--period", kind, "--date", "2026-07-15", *inputs],
                               catch_exceptions=False)
        assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    assert names == ["kpi-day-2026-07-15.xlsx", "kpi-month-2026-07.xlsx", "kpi-week-2026-W29.xlsx"]
    run = dict(openpyxl.load_workbook(tmp_path / "kpi-week-2026-W29.xlsx")["Run"].iter_rows(min_row=2,
                                                                                          values_only=True))
    assert run["period"].startswith("2026-W29")


def test_rules_show_prints_lists_and_whole_paths():
    result = runner.invoke(app, ["rules", "show"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "chain=[team_lead]" in result.output and "chain=[team_lead, supervisor]" in result.output
    assert "chain=," not in result.output and "chain= " not in result.output
    from cctool.rules import load_rules

    for _, path, _ in load_rules().rules.rule_table():
        assert path in result.output


def test_no_close_name_lists_the_valid_ones(tmp_path, monkeypatch):
    result = run_with_config(tmp_path, monkeypatch, '[kpi-report]\nprevious_roster = "r.xlsx"\n')
    assert result.exit_code == 2
    assert "'previous_roster'" in result.output and "valid: " in result.output
    valid = result.output.split("valid: ", 1)[1]
    assert "calls" in valid and "roster" in valid and "previous-roster" not in valid
