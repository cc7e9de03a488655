"""`cctool monthly-payroll`. Pay figures never reach the terminal unless --show is given."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from cctool.cli.common import FAIL_ON_OPTION, JSON_OPTION, LANG_OPTION, RULES_OPTION, check_fail_on, check_lang, \
    check_out, report_issues, run_info, start
from cctool.cli.main import app
from cctool.cli.runtime import fill, report_run, step
from cctool.cli.terminal import info, out_console
from cctool.errors import EXIT_FINDINGS, CctoolError
from cctool.periods import parse_month


def _password(var: str | None) -> str | None:
    if var is None:
        return None
    value = os.environ.get(var)
    if not value:
        raise CctoolError(f"--password-env {var}: that environment variable is not set or is empty")
    return value


def _unit_path(path: Path, unit: str | None) -> Path:
    from cctool.report.payroll import safe_unit_name

    return path if unit is None else path.with_name(f"{path.stem}-{safe_unit_name(unit)}{path.suffix}")


@app.command("monthly-payroll")
def monthly_payroll(
    month: str = typer.Option(..., "--month", help="Pay month: 2026-10, or 'last'."),
    roster: Path = typer.Option(..., "--roster", help="Roster file (grade, post, department, team)."),
    schedule: Path = typer.Option(..., "--schedule", help="Schedule (排班表), with overtime flags."),
    punches: Path = typer.Option(..., "--punches", help="Punches (签到记录)."),
    leave: Optional[Path] = typer.Option(None, "--leave", help="Leave requests (请假单)."),
    excusals: Optional[Path] = typer.Option(None, "--excusals", help="Excusals (免责)."),
    calls: Optional[Path] = typer.Option(None, "--calls", help="Call log (CSV or Parquet), for commission and PAY-OT."),
    kpi: Optional[Path] = typer.Option(None, "--kpi", help="Monthly KPI scores, for the performance bonus."),
    rules: Optional[Path] = RULES_OPTION,
    out: Path = typer.Option(..., "--out", help="Excel payroll to write (.xlsx); readable by its owner only."),
    json_path: Optional[Path] = JSON_OPTION,
    split_by: Optional[str] = typer.Option(None, "--split-by",
                                           help="department or team: one workbook per unit (payroll-<unit>.xlsx)."),
    password_env: Optional[str] = typer.Option(None, "--password-env",
                                               help="Encrypt each workbook with the password in this environment variable."),
    lang: str = LANG_OPTION,
    show: bool = typer.Option(False, "--show", help="Print each person's pay on the terminal (off by default)."),
    fail_on: Optional[str] = FAIL_ON_OPTION,
) -> None:
    """Each person's pay from grade, attendance, KPI and calls: exact, explained, confidential."""
    from cctool.pipelines import run_payroll
    from cctool.report.payroll import payroll_json, payroll_sheets, split_result
    from cctool.report.writer import json_payload, write_json, write_workbook

    with report_run("monthly-payroll") as rec:
        lang, fail_on = check_lang(lang), check_fail_on(fail_on)
        if split_by not in (None, "department", "team"):
            raise CctoolError(f"--split-by must be department or team, got {split_by!r}")
        period = rec.period = parse_month(month)
        f = dict(month=period)
        out, json_path = check_out(fill(out, **f)), fill(json_path, **f)
        rec.lock(out)
        password = _password(password_env)
        with step("Reading inputs, auditing attendance and computing pay…"):
            loaded, inputs = start(fill(rules, **f))
            result, issues, _ = run_payroll(
                period, loaded.rules, inputs, roster=fill(roster, **f), schedule=fill(schedule, **f),
                punches=fill(punches, **f), leave=fill(leave, **f), excusals=fill(excusals, **f),
                calls=fill(calls, **f), kpi=fill(kpi, **f))
        run = run_info("monthly-payroll", period, loaded, inputs, split_by=split_by, lang=lang,
                       encrypted="yes" if password else None)
        units = split_result(result, split_by) if split_by else {None: result}
        written = []
        with step("Writing the payroll…"):
            for unit, part in units.items():
                path = _unit_path(out, unit)
                write_workbook(path, payroll_sheets(part), run, issues, lang=lang, confidential=True,
                               password=password)
                written.append(path)
                if json_path:
                    write_json(_unit_path(json_path, unit), json_payload(run, issues, **payroll_json(part)),
                               confidential=True)
        withheld = int((result.payroll["net"] == 0).sum()) if not result.payroll.empty else 0
        # Counts only: pay figures never reach the terminal or the log (PAY-CONFIDENTIAL).
        rec.counts.update(people=len(result.payroll), deduction_lines=len(result.deductions), no_wage=withheld,
                          files=len(written), input_errors=sum(i.severity == "error" for i in issues))
        report_issues(issues)
        info(f"[green]Wrote[/green] {', '.join(map(str, written))} (owner-only{', encrypted' if password else ''}): "
             f"{len(result.payroll)} people, {len(result.deductions)} deduction lines, "
             f"{withheld} with no wage this month")
        if show:
            table = Table(title=f"Payroll {period}")
            for col in ("agent_id", "name", "team", "gross", "deductions", "net"):
                table.add_column(col, justify="right" if col in ("gross", "deductions", "net") else "left")
            for r in result.payroll.itertuples(index=False):
                table.add_row(r.agent_id, str(r.name), str(r.team), f"{r.gross:,.2f}", f"{r.deductions:,.2f}",
                              f"{r.net:,.2f}")
            out_console.print(table)
        if fail_on and (withheld or any(i.severity == "error" for i in issues)):
            raise typer.Exit(EXIT_FINDINGS)
