"""`cctool kpi-report` and `cctool daily-brief` (RPT-KPI, RPT-DAILY)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional

import typer

from cctool.cli.calls_input import ENGINE_OPTION, METRICS_OPTION, SPARK_MASTER_OPTION, fill_location
from cctool.cli.common import (ALLOW_PARTIAL_OPTION, AS_OF_OPTION, JSON_OPTION, LANG_OPTION,
                               ROSTER_OPTION, RULES_OPTION, coverage_options, report_paths, run_info, start,
                               warn_partial, write_outputs, write_report)
from cctool.cli.common import PUNCHES_FORMAT_OPTION, PunchesFormat, punches_format
from cctool.cli.conventions import NO_FINDINGS, BriefFormat, Engine, Lang, PeriodKind, command_app, epilog
from cctool.cli.runtime import fill, report_run, step
from cctool.cli.terminal import State, info, strip_controls, user, warn
from cctool.errors import CctoolError
from cctool.periods import parse_as_of, parse_date, period_bounds, period_file_label, period_label

CALLS = typer.Option(None, "--calls", help="Call log (通话记录), CSV, Parquet or .xlsx; millions of rows are fine. "
                                           "With --engine spark: also a folder, a glob or a URL.")
PUNCHES = typer.Option(None, "--punches", help="Punches (签到记录): signed-in hours for CPH, and attendance.")
SCHEDULE = typer.Option(None, "--schedule", help="Schedule (排班表): shifts (night shifts keep their calls), "
                                                 "scheduled hours where no punches, and attendance.")
LEAVE = typer.Option(None, "--leave", help="Leave requests (请假单): approved leave is not counted as absence.")
EXCUSALS = typer.Option(None, "--excusals", help="Excusals (免责) for bad weather / force majeure.")
EXAMS = typer.Option(None, "--exams", help="Monthly exam results (月度考试), --period month: each agent's score "
                                           "and RPT-EXAM findings for no exam by the day the rules set.")


def _load(inputs, rules, start, end, *, roster, calls, schedule, punches, kpi=None, leave=None, excusals=None,
          punches_fmt=None):
    """Read every input of the period; the call log is aggregated per agent and day by its engine
    (`calls`: a CallsInput), or taken from a metrics file."""
    import pandas as pd

    from cctool.policy.kpi import call_windows

    start, end = pd.Timestamp(start), pd.Timestamp(end)
    frames = {"roster": inputs.load("roster", roster)}
    for name, path in (("schedule", schedule), ("punches", punches), ("kpi", kpi), ("leave", leave),
                       ("excusals", excusals)):
        frames[name] = inputs.load_optional(name, path, punches_fmt if name == "punches" else None)
    roster_df = frames["roster"]
    windows = call_windows(frames["schedule"], roster_df, start, end, rules)
    with step(f"Aggregating the call log {calls.label}") as shown:
        daily, call_issues = calls.daily(start, end, set(roster_df["agent_id"]), windows=windows, schedule=schedule)
        shown.note(f"{int(daily.attrs.get('rows_read', 0)):,} calls")
    inputs.extra_records.extend(calls.records)
    files = {name: str(t.path) for name, t in inputs.tables.items()}
    return frames, daily, call_issues, files


def _exams(inputs, rules, month: str, roster, path):
    """RPT-EXAM rows of the month when an exams table is given, else None."""
    if path is None:
        return None
    from cctool.policy.exams import monthly_exams

    return monthly_exams(month, roster, inputs.load("exams", path), rules.reports.exam)


app = command_app()


@app.command("kpi-report", epilog=epilog(
    "cctool kpi-report --period week --date 2026-07-15 --roster samples/roster.xlsx --calls samples/calls.parquet "
    "--punches samples/punches.csv --schedule samples/schedule.csv --out out/kpi-week.xlsx", codes=NO_FINDINGS))
def kpi_report(
    period: PeriodKind = typer.Option(..., "--period", help="The day, week (Monday to Sunday) or month containing "
                                                            "--date."),
    date: str = typer.Option(..., "--date", help="A day of the period: 2026-10-14, or 'yesterday'."),
    roster: Path = ROSTER_OPTION,
    calls: Optional[str] = CALLS,
    metrics: Optional[Path] = METRICS_OPTION,
    engine: Engine = ENGINE_OPTION,
    spark_master: Optional[str] = SPARK_MASTER_OPTION,
    punches: Optional[Path] = PUNCHES,
    punches_fmt: Optional[PunchesFormat] = PUNCHES_FORMAT_OPTION,
    schedule: Optional[Path] = SCHEDULE,
    kpi: Optional[Path] = typer.Option(None, "--kpi", help="Monthly KPI scores (月度绩效), shown for --period month."),
    exams: Optional[Path] = EXAMS,
    leave: Optional[Path] = LEAVE,
    excusals: Optional[Path] = EXCUSALS,
    rules: Optional[Path] = RULES_OPTION,
    out: Path = typer.Option(Path("kpi-{period}.xlsx"), "--out",
                             help="Excel report to write (.xlsx); {period} becomes day-2026-10-14, week-2026-W42 "
                                  "or month-2026-10, so daily, weekly and monthly runs never overwrite each other."),
    json_path: Optional[Path] = JSON_OPTION,
    lang: Lang = LANG_OPTION,
    allow_partial: bool = ALLOW_PARTIAL_OPTION,
    as_of: Optional[str] = AS_OF_OPTION,
) -> None:
    """KPI attainment per agent and team for a day, week or month: calls, CPH, success rate, attendance, grade targets."""
    from cctool.engine.inputs import CallsInput
    from cctool.pipelines import report_coverage, resolve_as_of
    from cctool.policy.kpi import compute_kpi
    from cctool.report.kpi import kpi_json, kpi_sheets

    with report_run("kpi-report") as rec:
        period = period.value
        if exams is not None and period != "month":
            raise CctoolError("--exams applies to --period month only: the exam is monthly (RPT-EXAM)")
        day = parse_date(date)
        as_of_time = parse_as_of(as_of)
        lo, hi = period_bounds(period, day)
        label = rec.period = period_label(period, day)
        f = dict(date=day.isoformat(), month=f"{lo:%Y-%m}", period=period_file_label(period, day))
        out, json_path = report_paths(rec, out, json_path, **f)
        with step("Reading inputs and aggregating the call log…"):
            loaded, inputs = start(fill(rules, **f), lo)
            source = CallsInput.of(fill_location(calls, **f), fill(metrics, **f), engine, spark_master, loaded.rules)
            frames, daily, call_issues, files = _load(
                inputs, loaded.rules, lo, hi, roster=fill(roster, **f), calls=source,
                schedule=fill(schedule, **f), punches=fill(punches, **f), kpi=fill(kpi, **f),
                leave=fill(leave, **f), excusals=fill(excusals, **f), punches_fmt=punches_format(punches_fmt))
            as_of_ts = resolve_as_of(as_of_time, frames["punches"])
            cov = report_coverage(label, lo, hi, loaded.rules, inputs, calls_file=source.label, calls_seen=daily,
                                  schedule=frames["schedule"], punches=frames["punches"], as_of=as_of_ts).done()
            cov.require(allow_partial)
            result = compute_kpi(period, lo, hi, label, frames["roster"], daily, loaded.rules,
                                 schedule=frames["schedule"], punches=frames["punches"], kpi=frames["kpi"],
                                 leave=frames["leave"], excusals=frames["excusals"], files=files, as_of=as_of_ts)
            exam_rows = _exams(inputs, loaded.rules, f"{lo:%Y-%m}", frames["roster"], fill(exams, **f))
        issues = inputs.issues + call_issues + result.issues
        run = run_info("kpi-report", label, loaded, inputs, period_type=period, date=day.isoformat(), lang=lang,
                       **coverage_options(cov))
        sheets, extra = kpi_sheets(result, lang), {}
        if exam_rows is not None:
            from cctool.report.exams import exam_json, exam_sheet

            sheets.append(exam_sheet(exam_rows, f"{lo:%Y-%m}", loaded.rules.reports.exam))
            extra["exams"] = exam_json(exam_rows)
        write_report(rec, out, json_path, sheets, run, issues, cov, lang=lang, **kpi_json(result), **extra)
        a = result.agents
        missed = int(a["targets_met"].eq(False).sum())
        rec.counts.update(agents=len(a), teams=len(result.teams), targets_missed=missed,
                          input_errors=sum(i.severity == "error" for i in issues))
        ranked = result.teams[result.teams["rank"].notna()]
        top = f"top team {user(ranked['team'].iloc[0])}" if len(ranked) else "no team ranked (no known target values)"
        info(f"[green]Wrote[/green] {user(out)}: {len(a)} agents in {len(result.teams)} teams for {label}; "
             f"{missed} missed a grade target; {top}")


@app.command("daily-brief", epilog=epilog(
    "cctool daily-brief --date 2026-07-15 --roster samples/roster.xlsx --calls samples/calls.parquet "
    "--punches samples/punches.csv --schedule samples/schedule.csv --format markdown --lang zh", codes=NO_FINDINGS))
def daily_brief(
    date: str = typer.Option("yesterday", "--date", help="The day to report: 2026-10-14, or 'yesterday' (default)."),
    roster: Path = ROSTER_OPTION,
    calls: Optional[str] = CALLS,
    metrics: Optional[Path] = METRICS_OPTION,
    engine: Engine = ENGINE_OPTION,
    spark_master: Optional[str] = SPARK_MASTER_OPTION,
    punches: Optional[Path] = PUNCHES,
    punches_fmt: Optional[PunchesFormat] = PUNCHES_FORMAT_OPTION,
    schedule: Optional[Path] = SCHEDULE,
    leave: Optional[Path] = LEAVE,
    excusals: Optional[Path] = EXCUSALS,
    rules: Optional[Path] = RULES_OPTION,
    fmt: BriefFormat = typer.Option(BriefFormat.text, "--format",
                                    help="text (a few lines for SMS/chat), markdown (a small table) or json."),
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language of the brief (JSON keys stay canonical)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write the brief to this file instead of printing it."),
    allow_partial: bool = ALLOW_PARTIAL_OPTION,
    as_of: Optional[str] = AS_OF_OPTION,
) -> None:
    """The morning brief: a day's centre and team figures against the day before and the same weekday a week earlier."""
    from cctool.engine.inputs import CallsInput
    from cctool.pipelines import report_coverage, resolve_as_of
    from cctool.policy.brief import brief_records, build_brief, compare_days, render_markdown, render_text
    from cctool.report.files import text_output
    from cctool.report.kpi import json_text
    from cctool.report.writer import json_payload

    with report_run("daily-brief") as rec:
        lang, fmt = lang.value, fmt.value
        day = parse_date(date)
        as_of_time = parse_as_of(as_of)
        rec.period = day.isoformat()
        f = dict(date=day.isoformat(), month=f"{day:%Y-%m}", period=period_file_label("day", day))
        out = fill(out, **f)
        rec.lock(out)
        d, _, week_before = compare_days(day)
        with step("Reading inputs and aggregating the call log…"):
            loaded, inputs = start(fill(rules, **f), day)
            source = CallsInput.of(fill_location(calls, **f), fill(metrics, **f), engine, spark_master, loaded.rules)
            frames, daily, call_issues, files = _load(
                inputs, loaded.rules, week_before, d + dt.timedelta(days=1), roster=fill(roster, **f),
                calls=source, schedule=fill(schedule, **f), punches=fill(punches, **f),
                leave=fill(leave, **f), excusals=fill(excusals, **f), punches_fmt=punches_format(punches_fmt))
            as_of_ts = resolve_as_of(as_of_time, frames["punches"])
            on_day = int(daily.loc[daily["date"] == d, "calls"].sum()) if len(daily) else 0
            cov = report_coverage(day.isoformat(), d, d + dt.timedelta(days=1), loaded.rules, inputs,
                                  calls_file=source.label, calls_seen=daily, calls_in_period=on_day,
                                  schedule=frames["schedule"], punches=frames["punches"], as_of=as_of_ts).done()
            cov.require(allow_partial)
            brief = build_brief(d, frames["roster"], daily, loaded.rules, schedule=frames["schedule"],
                                punches=frames["punches"], leave=frames["leave"], excusals=frames["excusals"],
                                files=files, as_of=as_of_ts)
        issues = inputs.issues + call_issues + brief.issues
        if fmt == "text":
            text = render_text(brief, lang)
        elif fmt == "markdown":
            text = render_markdown(brief, lang)
        else:
            run = run_info("daily-brief", day.isoformat(), loaded, inputs, lang=lang, **coverage_options(cov))
            text = json_text(json_payload(run, issues, records=brief_records(brief), date=day.isoformat(),
                                          cph_left_out={"calls": brief.left_out[0], "agents": brief.left_out[1]},
                                          prev_day=f"{brief.prev_day:%Y-%m-%d}",
                                          prev_week=f"{brief.prev_week:%Y-%m-%d}", coverage=cov.as_dict()))
        if cov.partial and fmt != "json":
            text = cov.banner() + "\n" + text  # the brief's first line says it is partial
        centre = brief.figures.iloc[0]
        rec.counts.update(teams=len(brief.figures) - 1, calls=int(centre["calls"]),
                          input_errors=sum(i.severity == "error" for i in issues))
        if int(centre["calls"]) == 0 and not (brief.attendance_known and centre["scheduled"]):
            warn(f"no calls and no scheduled shifts on {day.isoformat()}: do the input files cover that day?")
        _issue_notice(issues)
        warn_partial(cov)
        if out is None:
            typer.echo(strip_controls(text, keep_lines=True), nl=False)  # the brief itself is the output: --quiet does not hide it
        else:
            write_outputs(rec, [text_output(out, text)])
            info(f"[green]Wrote[/green] {user(out)}: daily brief for {day.isoformat()} ({fmt}, {lang})")


def _issue_notice(issues) -> None:
    """Input problems go to stderr, so a piped brief stays clean."""
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        warn(f"{len(errors)} input row(s) could not be used. First: {errors[0].message()}")
    warnings = len(issues) - len(errors)
    if warnings and not State.quiet:
        from cctool.cli.terminal import err_console

        err_console.print(f"{warnings} warning(s) about the inputs (see them with kpi-report's Errors sheet).")
