"""`cctool monthly-payroll`. Pay figures never reach the terminal unless --show is given."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from cctool.cli.calls_input import ENGINE_OPTION, METRICS_OPTION, SPARK_MASTER_OPTION, fill_location
from cctool.cli.common import ALLOW_PARTIAL_OPTION, AS_OF_OPTION, FAIL_ON_OPTION, JSON_OPTION, LANG_OPTION, \
    RULES_OPTION, FailOn, Lang, coverage_options, report_issues, report_paths, run_info, start, warn_partial, \
    with_coverage, write_outputs
from cctool.cli.common import PUNCHES_FORMAT_OPTION, PunchesFormat, punches_format, warn_without_leave
from cctool.cli.conventions import Engine, SplitBy, command_app, epilog
from cctool.cli.runtime import fill, report_run, step
from cctool.cli.terminal import info, out_console, user
from cctool.errors import CctoolError, ExitCode
from cctool.periods import parse_as_of, parse_month


def _password(var: str | None) -> str | None:
    if var is None:
        return None
    value = os.environ.get(var)
    if not value:
        raise CctoolError(f"--password-env {var}: that environment variable is not set or is empty")
    return value


def _unit_path(path: Path, name: str | None) -> Path:
    """payroll.xlsx -> payroll-<unit>.xlsx; `name` is already safe and unique (unit_file_names)."""
    return path if name is None else path.with_name(f"{path.stem}-{name}{path.suffix}")


app = command_app()


@app.command("monthly-payroll", epilog=epilog(
    "cctool monthly-payroll --month 2026-07 --roster samples/roster.xlsx --schedule samples/schedule.csv "
    "--punches samples/punches.csv --leave samples/leave.xlsx --excusals samples/excusals.csv "
    "--calls samples/calls.parquet --kpi samples/kpi.csv --out out/payroll-2026-07.xlsx --split-by team"))
def monthly_payroll(
    month: str = typer.Option(..., "--month", help="Pay month: 2026-10, or 'last'."),
    roster: Path = typer.Option(..., "--roster", help="Roster file (grade, post, department, team)."),
    schedule: Path = typer.Option(..., "--schedule", help="Schedule (排班表), with overtime flags."),
    punches: Path = typer.Option(..., "--punches", help="Punches (签到记录), or a DingTalk / WeCom / ZKTeco export."),
    punches_fmt: Optional[PunchesFormat] = PUNCHES_FORMAT_OPTION,
    leave: Optional[Path] = typer.Option(None, "--leave", help="Leave requests (请假单)."),
    excusals: Optional[Path] = typer.Option(None, "--excusals", help="Excusals (免责)."),
    calls: Optional[str] = typer.Option(None, "--calls", help="Call log (CSV, Parquet or .xlsx), for commission and "
                                                               "PAY-OT. With --engine spark: also a folder, a glob "
                                                               "or a URL."),
    metrics: Optional[Path] = METRICS_OPTION,
    engine: Engine = ENGINE_OPTION,
    spark_master: Optional[str] = SPARK_MASTER_OPTION,
    kpi: Optional[Path] = typer.Option(None, "--kpi", help="Monthly KPI scores, for the performance bonus."),
    exams: Optional[Path] = typer.Option(None, "--exams", help="Monthly exam results (月度考试): each agent's score "
                                                               "and RPT-EXAM findings on an Exams sheet."),
    rules: Optional[Path] = RULES_OPTION,
    out: Path = typer.Option(..., "--out", help="Excel payroll to write (.xlsx); readable by its owner only."),
    json_path: Optional[Path] = JSON_OPTION,
    split_by: Optional[SplitBy] = typer.Option(None, "--split-by",
                                               help="One workbook per unit (payroll-<unit>.xlsx)."),
    password_env: Optional[str] = typer.Option(None, "--password-env",
                                               help="Encrypt each workbook with the password in this environment variable."),
    lang: Lang = LANG_OPTION,
    show: bool = typer.Option(False, "--show", help="Print each person's pay on the terminal (off by default)."),
    fail_on: Optional[FailOn] = FAIL_ON_OPTION,
    allow_partial: bool = ALLOW_PARTIAL_OPTION,
    as_of: Optional[str] = AS_OF_OPTION,
) -> None:
    """Each person's pay from grade, attendance, KPI and calls: exact, explained, confidential."""
    from cctool.engine.inputs import CallsInput
    from cctool.pipelines import run_payroll
    from cctool.report.payroll import payroll_json, payroll_sheets, split_result, unit_file_names, unit_issues
    from cctool.report.writer import json_output, json_payload, workbook_output

    with report_run("monthly-payroll") as rec:
        period = rec.period = parse_month(month)
        as_of_time = parse_as_of(as_of)
        f = dict(month=period, period=period)
        out, json_path = report_paths(rec, out, json_path, **f)
        password = _password(password_env)
        warn_without_leave(leave)  # once the command line is known good
        with step("Reading inputs, auditing attendance and computing pay…"):
            loaded, inputs = start(fill(rules, **f), period)
            source = CallsInput.of(fill_location(calls, **f), fill(metrics, **f), engine, spark_master, loaded.rules,
                                   required=False)
            result, issues, _ = run_payroll(
                period, loaded.rules, inputs, roster=fill(roster, **f), schedule=fill(schedule, **f),
                punches=fill(punches, **f), leave=fill(leave, **f), excusals=fill(excusals, **f),
                calls=source, kpi=fill(kpi, **f), as_of=as_of_time, allow_partial=allow_partial,
                punches_format=punches_format(punches_fmt))
            exam_rows = None
            if exams is not None:
                from cctool.policy.exams import monthly_exams

                already = len(inputs.issues)
                exam_rows = monthly_exams(period, inputs.roster, inputs.load("exams", fill(exams, **f)),
                                          loaded.rules.reports.exam)
                issues = issues + inputs.issues[already:]
        cov = result.coverage
        run = run_info("monthly-payroll", period, loaded, inputs, split_by=split_by, lang=lang,
                       encrypted="yes" if password else None, **coverage_options(cov))
        issues = inputs.with_owners(issues)
        # Split: each unit's file holds its own people and their issues only; the split is checked
        # to hold exactly the payroll's people before any file is written (SplitError: a bug).
        units = split_result(result, str(split_by)) if split_by else {None: result}
        names = unit_file_names([u for u in units if u is not None])
        outputs, written = [], []
        for unit, part in units.items():
            mine = issues if unit is None else unit_issues(issues, part, result)
            written.append(_unit_path(out, names.get(unit)))
            sheets, extra = payroll_sheets(part), {}
            if exam_rows is not None:  # the unit's own people only (PAY-CONFIDENTIAL)
                from cctool.report.exams import exam_json, exam_sheet

                exam_part = exam_rows[exam_rows["agent_id"].isin(set(part.payroll["agent_id"]))].reset_index(drop=True)
                sheets.append(exam_sheet(exam_part, period, loaded.rules.reports.exam))
                extra["exams"] = exam_json(exam_part)
            outputs.append(workbook_output(written[-1], with_coverage(sheets, cov), run, mine,
                                           lang=lang, confidential=True, password=password))
            if json_path:
                outputs.append(json_output(_unit_path(json_path, names.get(unit)),
                                           json_payload(run, mine, **payroll_json(part), **extra,
                                                        coverage=cov.as_dict()), confidential=True))
        with step("Writing the payroll…"):
            write_outputs(rec, outputs)
        no_wage = int((result.payroll["net"] == 0).sum()) if not result.payroll.empty else 0
        status = result.deductions["status"]
        taken, stopped = int((status == "deducted").sum()), int((status == "not paid").sum())
        # Counts only: pay figures never reach the terminal or the log (PAY-CONFIDENTIAL).
        rec.counts.update(people=len(result.payroll), deduction_lines=taken, stopped_earnings=stopped,
                          no_wage=no_wage, files=len(written), input_errors=sum(i.severity == "error" for i in issues))
        report_issues(issues)
        warn_partial(cov)
        info(f"[green]Wrote[/green] {', '.join(map(user, written))} "
             f"(owner-only{', encrypted' if password else ''}): {len(result.payroll)} people, {taken} deduction "
             f"lines, {stopped} earnings stopped by a rule, {no_wage} with no wage this month")
        if show:
            from rich.table import Table

            table = Table(title=f"Payroll {period}")
            for col in ("agent_id", "name", "team", "gross", "withheld", "deductions", "net"):
                table.add_column(col, justify="right" if col in ("gross", "withheld", "deductions", "net") else "left")
            for r in result.payroll.itertuples(index=False):
                table.add_row(user(r.agent_id), _text(r.name), _text(r.team), f"{r.gross:,.2f}",
                              f"{r.withheld:,.2f}", f"{r.deductions:,.2f}", f"{r.net:,.2f}")
            out_console.print(table)
        if fail_on and (no_wage or any(i.severity == "error" for i in issues) or cov.partial):
            raise typer.Exit(ExitCode.FINDINGS)


def _text(value) -> str:
    """A roster cell for --show: a blank one (a director's team) is blank, not "nan"."""
    return user(value) if isinstance(value, str) else ""
