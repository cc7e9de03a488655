"""`cctool grade-agents`."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from cctool.cli.calls_input import ENGINE_OPTION, METRICS_OPTION, SPARK_MASTER_OPTION, fill_location
from cctool.cli.common import (ALLOW_PARTIAL_OPTION, FAIL_ON_OPTION, JSON_OPTION, LANG_OPTION, OUT_OPTION, ROSTER_OPTION,
                               RULES_OPTION, FailOn, Lang, coverage_options, report_paths, run_info, start,
                               write_report)
from cctool.cli.common import PUNCHES_FORMAT_OPTION, PunchesFormat, punches_format
from cctool.cli.conventions import Engine, command_app, epilog
from cctool.cli.runtime import fill, report_run, step
from cctool.cli.terminal import info, user
from cctool.errors import ExitCode
from cctool.periods import parse_quarter


app = command_app()


@app.command("grade-agents", epilog=epilog(
    "cctool grade-agents --quarter 2026Q3 --roster samples/roster.xlsx --calls samples/calls.parquet "
    "--kpi samples/kpi.csv --punches samples/punches.csv --schedule samples/schedule.csv --out out/grades-2026Q3.xlsx"))
def grade_agents(
    quarter: str = typer.Option(..., "--quarter", help="Quarter to grade: 2026Q3, or 'last'."),
    roster: Path = ROSTER_OPTION,
    calls: Optional[str] = typer.Option(None, "--calls", help="Call log (通话记录), CSV, Parquet or .xlsx; millions of "
                                                               "rows are fine. With --engine spark: also a folder, a "
                                                               "glob or a URL."),
    metrics: Optional[Path] = METRICS_OPTION,
    engine: Engine = ENGINE_OPTION,
    spark_master: Optional[str] = SPARK_MASTER_OPTION,
    kpi: Path = typer.Option(..., "--kpi", help="Monthly KPI scores (月度绩效)."),
    punches: Optional[Path] = typer.Option(None, "--punches", help="Punches (签到记录): hours signed in for CPH."),
    punches_fmt: Optional[PunchesFormat] = PUNCHES_FORMAT_OPTION,
    schedule: Optional[Path] = typer.Option(None, "--schedule", help="Schedule (排班表): scheduled hours where no punches."),
    rules: Optional[Path] = RULES_OPTION,
    out: Path = OUT_OPTION,
    json_path: Optional[Path] = JSON_OPTION,
    lang: Lang = LANG_OPTION,
    fail_on: Optional[FailOn] = FAIL_ON_OPTION,
    allow_partial: bool = ALLOW_PARTIAL_OPTION,
) -> None:
    """Quarterly TSR grading: earned grade, promotions with their approval chain, trainees ready to be regular, and why."""
    from cctool.engine.inputs import CallsInput
    from concurrent.futures import ThreadPoolExecutor

    from cctool.pipelines import report_coverage
    from cctool.policy.grading import grade_quarter, quarter_bounds
    from cctool.report.grading import grading_json, grading_sheets

    with report_run("grade-agents") as rec, ThreadPoolExecutor(max_workers=2) as pool:
        period = rec.period = parse_quarter(quarter)
        f = dict(quarter=period, period=period)
        out, json_path = report_paths(rec, out, json_path, **f)
        roster, calls, kpi = fill(roster, **f), fill_location(calls, **f), fill(kpi, **f)
        punches, schedule = fill(punches, **f), fill(schedule, **f)
        loaded, inputs = start(fill(rules, **f), period)
        g = loaded.rules.grading
        roster_df = inputs.load("roster", roster)
        # The engine aggregates the call log (and fingerprints it) in the background (DuckDB, hashlib
        # and Spark's JVM all release the GIL) while the small tables are read here.
        q_start, q_end = quarter_bounds(period)
        source = CallsInput.of(calls, fill(metrics, **f), engine, spark_master, loaded.rules)
        pool.submit(source.fingerprint)
        calls_job = pool.submit(
            source.per_agent, q_start, q_end, set(roster_df["agent_id"]), cph_calls=g.metrics.cph_calls,
            success_denominator=g.metrics.success_denominator,
            success_optional=g.calls_without_success == "grade_other_criteria")
        kpi_df = inputs.load("kpi", kpi)
        punches_df = inputs.load_optional("punches", punches, punches_format(punches_fmt))
        schedule_df = inputs.load_optional("schedule", schedule)
        with step(f"Aggregating the call log {source.label}") as shown:
            per_agent, call_issues = calls_job.result()
            shown.note(f"{int(per_agent.attrs.get('rows_read', 0)):,} calls")
        # Grading needs calls in the quarter and an hours source (CPH); without them nobody is graded.
        cov = report_coverage(period, q_start, q_end, loaded.rules, inputs, calls_file=source.label, calls_seen=per_agent,
                              schedule=schedule_df, punches=punches_df, need_hours=True).done()
        cov.require(allow_partial)
        files = {name: str(t.path) for name, t in inputs.tables.items()}
        with step(f"Grading {len(roster_df):,} people"):
            result = grade_quarter(period, roster_df, per_agent, kpi_df, g, punches=punches_df, schedule=schedule_df,
                                   files=files)
        issues = inputs.issues + call_issues + result.issues
        run = run_info("grade-agents", period, loaded, inputs, lang=lang, **coverage_options(cov))
        run.inputs[1:1] = source.records
        write_report(rec, out, json_path, grading_sheets(result, lang), run, issues, cov, lang=lang,
                     **grading_json(result))
        counts = result.grades["decision"].value_counts()
        rec.counts.update(agents=len(result.grades), **{str(d): int(counts[d]) for d in counts.index})
        summary = ", ".join(f"{counts[d]} {d}" for d in counts.index)
        info(f"[green]Wrote[/green] {user(out)}: {len(result.grades)} agents graded for {period} ({user(summary)})")
        review = {"below_current", "trainee_overdue", "not_graded"}
        if fail_on and (result.grades["decision"].isin(review).any() or cov.partial):
            raise typer.Exit(ExitCode.FINDINGS)
