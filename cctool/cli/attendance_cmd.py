"""`cctool attendance-audit`."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from cctool.cli.common import (ALLOW_PARTIAL_OPTION, AS_OF_OPTION, FAIL_ON_OPTION, JSON_OPTION, LANG_OPTION, OUT_OPTION,
                               PUNCHES_FORMAT_OPTION, ROSTER_OPTION, RULES_OPTION, FailOn, Lang, PunchesFormat,
                               coverage_options, punches_format, report_paths, run_info, start, warn_without_leave,
                               write_report)
from cctool.cli.conventions import command_app, epilog
from cctool.cli.runtime import fill, report_run, step
from cctool.cli.terminal import info, user
from cctool.errors import ExitCode
from cctool.periods import parse_as_of, parse_month


app = command_app()


@app.command("attendance-audit", epilog=epilog(
    "cctool attendance-audit --month 2026-07 --roster samples/roster.xlsx --schedule samples/schedule.csv "
    "--punches samples/punches.csv --leave samples/leave.xlsx --excusals samples/excusals.csv "
    "--swaps samples/swaps.csv --out out/attendance-2026-07.xlsx --json out/attendance-2026-07.json"))
def attendance_audit(
    month: str = typer.Option(..., "--month", help="Month to audit: 2026-10, or 'last'."),
    roster: Path = ROSTER_OPTION,
    schedule: Path = typer.Option(..., "--schedule", help="Schedule (排班表), or DingTalk 每日统计 / WeCom 日报 (班次)."),
    punches: Path = typer.Option(..., "--punches", help="Punches (签到记录): paired sign-in/out or raw in/out events, "
                                 "or a DingTalk / WeCom / ZKTeco export."),
    punches_fmt: Optional[PunchesFormat] = PUNCHES_FORMAT_OPTION,
    leave: Optional[Path] = typer.Option(None, "--leave",
                                         help="Leave requests (请假单), or a DingTalk approval (审批) export."),
    excusals: Optional[Path] = typer.Option(None, "--excusals", help="Excusals for bad weather / force majeure (免责)."),
    swaps: Optional[Path] = typer.Option(None, "--swaps", help="Shift swaps (调班)."),
    rules: Optional[Path] = RULES_OPTION,
    out: Path = OUT_OPTION,
    json_path: Optional[Path] = JSON_OPTION,
    lang: Lang = LANG_OPTION,
    fail_on: Optional[FailOn] = FAIL_ON_OPTION,
    allow_partial: bool = ALLOW_PARTIAL_OPTION,
    as_of: Optional[str] = AS_OF_OPTION,
) -> None:
    """Who was late, who counts as absent, whose bonus stops, whose leave lacked approval, which team fell short."""
    from cctool.memory import return_freed_memory
    from cctool.pipelines import run_attendance
    from cctool.report.attendance import attendance_json, attendance_sheets

    with report_run("attendance-audit") as rec:
        period = rec.period = parse_month(month)  # a bad --month is a usage error before any file is read
        as_of_time = parse_as_of(as_of)
        f = dict(month=period, period=period)
        out, json_path = report_paths(rec, out, json_path, **f)
        warn_without_leave(leave)  # once the command line is known good
        with step("Reading inputs and applying the attendance rules…"):
            loaded, inputs = start(fill(rules, **f), period)
            result, issues, _ = run_attendance(
                period, loaded.rules, inputs, roster=fill(roster, **f), schedule=fill(schedule, **f),
                punches=fill(punches, **f), leave=fill(leave, **f), excusals=fill(excusals, **f),
                swaps=fill(swaps, **f), as_of=as_of_time, allow_partial=allow_partial,
                punches_format=punches_format(punches_fmt))
            inputs.release_frames()  # the audit is made: the report needs only what each file was
        cov = result.coverage
        run = run_info("attendance-audit", period, loaded, inputs, lang=lang, **coverage_options(cov))
        sheets, sections = attendance_sheets(result, lang), attendance_json(result)
        result.release_shifts()  # sheets and JSON are made: the workbook's writing can use that memory
        return_freed_memory()
        write_report(rec, out, json_path, sheets, run, issues, cov, lang=lang, **sections)
        s = result.summary
        rec.counts.update(people=len(s), findings=len(result.events), attention=int(s["attention"].sum()),
                          input_errors=sum(i.severity == "error" for i in issues))
        pending = f", {result.pending_shifts} shift(s) pending (not over at {cov.as_of:%Y-%m-%d %H:%M})" \
            if result.pending_shifts else ""
        info(f"[green]Wrote[/green] {user(out)}: {len(s)} people, {len(result.events)} findings, "
             f"{int(s['attention'].sum())} need action, {int(result.teams['below_target'].sum())} team(s) below target"
             + pending)
        if fail_on and (bool(s["attention"].any()) or cov.partial):
            raise typer.Exit(ExitCode.FINDINGS)
