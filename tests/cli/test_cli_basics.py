"""The CLI frame: version, help for every command, errors as one message with an exit code."""
from __future__ import annotations

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from cctool import __version__
from cctool.cli.main import app

runner = CliRunner()


def all_commands():
    root = get_command(app)
    out = []

    def walk(cmd, path):
        if hasattr(cmd, "commands"):  # a group (typer vendors its own click)
            for name, sub in cmd.commands.items():
                walk(sub, path + [name])
        else:
            out.append((path, cmd))
    walk(root, [])
    return out


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"cctool {__version__}"


@pytest.mark.parametrize("path, cmd", all_commands(), ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_every_command_has_help_text_and_documented_options(path, cmd):
    assert cmd.help and len(cmd.help.strip()) > 20, f"{path} lacks help text"
    for param in cmd.params:
        if getattr(param, "param_type_name", "") == "option" and param.name != "help":
            assert param.help, f"{' '.join(path)} option {param.opts} lacks help"
    result = runner.invoke(app, path + ["--help"])
    assert result.exit_code == 0


def test_expected_commands_exist():
    names = {" ".join(p) for p, _ in all_commands()}
    assert {"attendance-audit", "rules validate", "rules show", "samples generate"} <= names


def test_rules_validate_reports_yaml_path(tmp_path):
    bad = tmp_path / "r.yaml"
    bad.write_text("version: 2\n", encoding="utf-8")
    result = runner.invoke(app, ["rules", "validate", str(bad)])
    assert result.exit_code == 4
    assert "version: Input should be 1" in result.output
    assert "Traceback" not in result.output


def test_missing_input_file_is_exit_3_without_traceback(tmp_path):
    result = runner.invoke(app, ["attendance-audit", "--month", "2026-09", "--roster", str(tmp_path / "r.xlsx"),
                                 "--schedule", "s.csv", "--punches", "p.csv", "--out", str(tmp_path / "a.xlsx")])
    assert result.exit_code == 3
    assert "r.xlsx: file not found" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "a.xlsx").exists()


def test_bad_month_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["attendance-audit", "--month", "Sept", "--roster", "r", "--schedule", "s",
                                 "--punches", "p", "--out", str(tmp_path / "a.xlsx")])
    assert result.exit_code == 2 and "--month must look like 2026-10" in result.output


def test_month_last_with_fixed_clock():
    import datetime as dt

    from cctool.periods import parse_month, parse_quarter
    assert parse_month("last", dt.date(2026, 1, 15)) == "2025-12"
    assert parse_month("last", dt.date(2026, 11, 1)) == "2026-10"
    assert parse_quarter("last", dt.date(2026, 11, 26)) == "2026Q3"
    assert parse_quarter("last", dt.date(2026, 2, 1)) == "2025Q4"
