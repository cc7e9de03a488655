"""Shared pieces of the report commands: loading rules and inputs, writing outputs."""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cctool.cli.conventions import PUNCH_FORMATS, FailOn, Lang, PunchesFormat  # noqa: F401 (names the commands use)
from cctool.cli.terminal import info, warn

if TYPE_CHECKING:  # pandas, pydantic and the readers load only in the command that runs (issue 13)
    from cctool.errors import Issue
    from cctool.io.inputs import InputSet
    from cctool.report.writer import RunInfo, Sheet
    from cctool.rules.load import LoadedRules

RULES_OPTION = typer.Option(None, "--rules", help="Rules file (YAML), or a folder of rules files each with "
                                                  "effective_from (the one in force on the period's first day); "
                                                  "default: the packaged rules/default.yaml.")
LANG_OPTION = typer.Option(Lang.en, "--lang", help="Workbook language (JSON keys stay canonical).")
JSON_OPTION = typer.Option(None, "--json", help="Also write the results as JSON (DATA.md contract).")
ROSTER_OPTION = typer.Option(..., "--roster", help="Roster file (.xlsx/.csv/.parquet; book.xlsx#Sheet for a sheet).")
OUT_OPTION = typer.Option(..., "--out", help="Excel report to write (.xlsx).")
PUNCHES_FORMAT_OPTION = typer.Option(
    None, "--punches-format", case_sensitive=False,
    help="Force the layout of a clock export given as --punches (default: detected from its title and header).")
FAIL_ON_OPTION = typer.Option(None, "--fail-on", help="findings: exit 6 when findings need attention (for cron).")
ALLOW_PARTIAL_OPTION = typer.Option(False, "--allow-partial",
                                    help="Report even when the inputs do not cover the period (otherwise exit 3); "
                                         "the report opens with a banner saying what was partial.")
AS_OF_OPTION = typer.Option(None, "--as-of", help='Judge only shifts over by this time, e.g. "2026-11-27 08:00" '
                                                  "(default: the latest punch); later shifts are pending.")


def check_out(out: Path, suffix: str = ".xlsx") -> Path:
    from cctool.errors import CctoolError

    if out.suffix.lower() != suffix:
        raise CctoolError(f"--out must end in {suffix}, got {out}")
    return out


def start(rules_path: Path | None, period: str | dt.date | None = None) -> tuple[LoadedRules, InputSet]:
    """The rules (for a folder of dated rules files: the file in force on the period's first day)
    and an empty input set."""
    from cctool.io.inputs import InputSet
    from cctool.periods import period_start
    from cctool.rules import load_rules

    loaded = load_rules(rules_path, on=period_start(period) if period is not None else None)
    return loaded, InputSet(loaded.rules)


def run_info(command: str, period: str, loaded: LoadedRules, inputs: InputSet, **options) -> RunInfo:
    from cctool.report.writer import RunInfo

    return RunInfo(command=command, period=period, rules_path=str(loaded.path), rules_sha256=loaded.sha256,
                   inputs=inputs.records(), options={k: str(v) for k, v in options.items() if v is not None})


def write_outputs(rec, outputs: list) -> list[Path]:
    """Lock every output of the run (those not locked yet, e.g. split payroll files), then write
    them all or none (`cctool.report.files.commit`, exit 5 naming the path and the reason)."""
    from cctool.report.files import commit

    rec.lock(*(o.path for o in outputs))
    return commit(outputs)


def report_paths(rec, out: Path, json_path: Path | None, **period) -> tuple[Path, Path | None]:
    """--out and --json with the period filled in (--out must be .xlsx), both locked before any
    input is read: a second run on the same report stops now (exit 7), not after the work."""
    from cctool.cli.runtime import fill

    out, json_path = check_out(fill(out, **period)), fill(json_path, **period)
    rec.lock(out, json_path)
    return out, json_path


def write_report(rec, out: Path, json_path: Path | None, sheets: list[Sheet], run: RunInfo, issues: list[Issue],
                 coverage, *, lang: str, **json_sections) -> None:
    """The end every report command shares: the workbook (opening with the partial-run banner)
    and, with --json, the JSON (DATA.md envelope, `json_sections` as its records), written all or
    none; then the input issues and a partial run said on the terminal."""
    from cctool.cli.runtime import step
    from cctool.report.writer import json_output, json_payload, workbook_output

    with step(f"Writing {out}…"):
        outputs = [workbook_output(out, with_coverage(sheets, coverage), run, issues, lang=lang)]
        if json_path:
            outputs.append(json_output(json_path, json_payload(run, issues, **json_sections,
                                                               coverage=coverage.as_dict())))
        write_outputs(rec, outputs)
    report_issues(issues)
    warn_partial(coverage)


def warn_without_leave(leave) -> None:
    """No --leave: every unpunched shift is judged as absence, approved leave or not. Said once on
    the terminal, so a forgotten option is not a silent deduction."""
    if leave is None:
        warn("no --leave given: a scheduled shift without punches counts as absence even where leave was "
             "approved; pass --leave with the month's leave requests")


def report_issues(issues: list[Issue], where: str = "the Errors sheet") -> None:
    """One line each for the input problems that cost rows and for the warnings, pointing at
    `where` they are listed (a command without a workbook names its own place)."""
    errors = [i for i in issues if i.severity == "error"]
    warnings = [i for i in issues if i.severity != "error"]
    if errors:
        warn(f"{len(errors)} input row(s) could not be used; see {where}. First: {errors[0].message()}")
    if warnings:
        info(f"{len(warnings)} warning(s) about the inputs; see {where}.")


def with_coverage(sheets: list[Sheet], coverage) -> list[Sheet]:
    """A partial run's first sheet opens with the banner saying what was partial."""
    if coverage is None or not coverage.partial or not sheets:
        return sheets
    first = sheets[0]
    note = coverage.banner() + (f"  |  {first.note}" if first.note else "")
    return [dataclasses.replace(first, note=note), *sheets[1:]]


def coverage_options(coverage) -> dict:
    """What the Run sheet records of the coverage: the as-of time and whether the run was partial."""
    if coverage is None:
        return {}
    return {"as_of": None if coverage.as_of is None else f"{coverage.as_of:%Y-%m-%d %H:%M:%S}",
            "pending_shifts": coverage.pending_shifts,
            "partial": "; ".join(coverage.gaps) if coverage.partial else "no"}


def warn_partial(coverage) -> None:
    if coverage is not None and coverage.partial:
        warn(coverage.banner())


def punches_format(value) -> str | None:
    return None if value is None else getattr(value, "value", value)
