"""Shared pieces of the report commands: loading rules and inputs, writing outputs."""
from __future__ import annotations

from pathlib import Path

import typer

from cctool.cli.terminal import info, warn
from cctool.errors import Issue
from cctool.io.inputs import InputSet
from cctool.report.writer import RunInfo
from cctool.rules import load_rules
from cctool.rules.load import LoadedRules

RULES_OPTION = typer.Option(None, "--rules", help="Rules file (YAML); default: the packaged rules/default.yaml.")
LANG_OPTION = typer.Option("en", "--lang", help="Workbook language: en or zh (JSON keys stay canonical).")
JSON_OPTION = typer.Option(None, "--json", help="Also write the results as JSON (DATA.md contract).")
ROSTER_OPTION = typer.Option(..., "--roster", help="Roster file (.xlsx/.csv/.parquet; book.xlsx#Sheet for a sheet).")
OUT_OPTION = typer.Option(..., "--out", help="Excel report to write (.xlsx).")
FAIL_ON_OPTION = typer.Option(None, "--fail-on", help="'findings': exit 6 when findings need attention (for cron).")


def check_fail_on(value: str | None) -> str | None:
    if value not in (None, "findings"):
        from cctool.errors import CctoolError

        raise CctoolError(f"--fail-on takes 'findings', got {value!r}")
    return value


def check_lang(lang: str) -> str:
    if lang not in ("en", "zh"):
        from cctool.errors import CctoolError

        raise CctoolError(f"--lang must be en or zh, got {lang!r}")
    return lang


def check_out(out: Path, suffix: str = ".xlsx") -> Path:
    from cctool.errors import CctoolError

    if out.suffix.lower() != suffix:
        raise CctoolError(f"--out must end in {suffix}, got {out}")
    return out


def start(rules_path: Path | None) -> tuple[LoadedRules, InputSet]:
    loaded = load_rules(rules_path)
    return loaded, InputSet(loaded.rules)


def run_info(command: str, period: str, loaded: LoadedRules, inputs: InputSet, **options) -> RunInfo:
    return RunInfo(command=command, period=period, rules_path=str(loaded.path), rules_sha256=loaded.sha256,
                   inputs=inputs.records(), options={k: str(v) for k, v in options.items() if v is not None})


def write_outputs(rec, outputs: list) -> list[Path]:
    """Lock every output of the run (those not locked yet, e.g. split payroll files), then write
    them all or none (`cctool.report.files.commit`, exit 5 naming the path and the reason)."""
    from cctool.report.files import commit

    rec.lock(*(o.path for o in outputs))
    return commit(outputs)


def report_issues(issues: list[Issue]) -> None:
    errors = [i for i in issues if i.severity == "error"]
    warnings = [i for i in issues if i.severity != "error"]
    if errors:
        warn(f"{len(errors)} input row(s) could not be used; see the Errors sheet. First: {errors[0].message()}")
    if warnings:
        info(f"{len(warnings)} warning(s) about the inputs; see the Errors sheet.")
