"""`cctool explain`: one person's month (or grade), every decision with its reason and rule ID."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from cctool.cli.common import (ALLOW_PARTIAL_OPTION, AS_OF_OPTION, PUNCHES_FORMAT_OPTION, RULES_OPTION, PunchesFormat,
                               punches_format, start, write_outputs)
from cctool.cli.calls_input import ENGINE_OPTION, METRICS_OPTION, SPARK_MASTER_OPTION, fill_location
from cctool.cli.conventions import NO_FINDINGS, BriefFormat, Engine, Lang, command_app, epilog
from cctool.cli.runtime import fill, report_run, step
from cctool.cli.terminal import escape, info, out_console, strip_controls
from cctool.errors import CctoolError, InputError


def _person(roster, agent: str, roster_path: Path) -> dict:
    import pandas as pd

    hit = roster[roster["agent_id"] == agent]
    if hit.empty:
        raise InputError(f"{roster_path}: agent {agent!r} is not in the roster ({len(roster)} people); "
                         "check the agent ID (as written in the roster's agent_id column)")
    r = hit.iloc[0]
    return {k: (None if k not in r or pd.isna(r[k]) else str(r[k])) for k in ("name", "team", "role", "grade",
                                                                              "department")}


app = command_app()


@app.command("explain", epilog=epilog(
    "cctool explain --agent E0011 --month 2026-07 --roster samples/roster.xlsx --schedule samples/schedule.csv "
    "--punches samples/punches.csv --leave samples/leave.xlsx --format markdown --lang zh",
    "cctool explain --agent E0020 --quarter 2026Q3 --roster samples/roster.xlsx --calls samples/calls.parquet "
    "--kpi samples/kpi.csv --punches samples/punches.csv --schedule samples/schedule.csv", codes=NO_FINDINGS))
def explain(
    agent: str = typer.Option(..., "--agent", help="The person's agent ID, as in the roster."),
    month: Optional[str] = typer.Option(None, "--month", help="Month to explain: 2026-10, or 'last'."),
    quarter: Optional[str] = typer.Option(None, "--quarter", help="Quarter whose grade to explain: 2026Q3 "
                                                                  "(needs --calls, --kpi, and --punches or --schedule for the hours)."),
    roster: Path = typer.Option(..., "--roster", help="Roster file."),
    schedule: Optional[Path] = typer.Option(None, "--schedule", help="Schedule (排班表); needed with --month."),
    punches: Optional[Path] = typer.Option(None, "--punches", help="Punches (签到记录); needed with --month."),
    punches_fmt: Optional[PunchesFormat] = PUNCHES_FORMAT_OPTION,
    leave: Optional[Path] = typer.Option(None, "--leave", help="Leave requests (请假单)."),
    excusals: Optional[Path] = typer.Option(None, "--excusals", help="Excusals (免责)."),
    swaps: Optional[Path] = typer.Option(None, "--swaps", help="Shift swaps (调班)."),
    calls: Optional[str] = typer.Option(None, "--calls", help="Call log: with --month, adds the pay lines; "
                                                              "with --quarter, the grading's calls. With --engine "
                                                              "spark: also a folder, a glob or a URL."),
    metrics: Optional[Path] = METRICS_OPTION,
    engine: Engine = ENGINE_OPTION,
    spark_master: Optional[str] = SPARK_MASTER_OPTION,
    kpi: Optional[Path] = typer.Option(None, "--kpi", help="KPI scores: with --month, adds the pay lines."),
    rules: Optional[Path] = RULES_OPTION,
    allow_partial: bool = ALLOW_PARTIAL_OPTION,
    as_of: Optional[str] = AS_OF_OPTION,
    fmt: BriefFormat = typer.Option(BriefFormat.text, "--format", help="How to print the explanation."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write to this file instead of the terminal "
                                                           "(owner-only when it holds pay)."),
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language of the text and markdown (JSON stays canonical)."),
) -> None:
    """Explain one person: each shift with its punches, each finding with reason and rule ID, each leave
    request with the chain required and given, the month's consequences, and the pay lines when pay inputs
    (--calls/--kpi) are given. With --quarter, the grade and why."""
    from cctool.engine.inputs import CallsInput
    from cctool.periods import parse_as_of, parse_month, parse_quarter
    from cctool.pipelines import (audit_inputs, pay_coverage, pay_from_audit, read_attendance_inputs,
                                   read_pay_inputs, run_grading)
    from cctool.report.explain import explain_grade, explain_month, render, render_json
    from cctool.report.files import text_output

    with report_run("explain") as rec:
        fmt, lang = fmt.value, lang.value
        if (month is None) == (quarter is None):
            raise CctoolError("give exactly one of --month (a month's attendance and pay) or --quarter (a grade)")
        if quarter is not None:
            period = rec.period = parse_quarter(quarter)
            f = dict(quarter=period)
            if (calls is None and metrics is None) or kpi is None:
                raise CctoolError("--quarter needs --calls (or --metrics) and --kpi (the grading inputs)")
            with step("Grading the quarter…"):
                loaded, inputs = start(fill(rules, **f), period)
                source = CallsInput.of(fill_location(calls, **f), fill(metrics, **f), engine.value, spark_master,
                                       loaded.rules)
                grades, _ = run_grading(period, loaded.rules, inputs, roster=fill(roster, **f), calls=source,
                                        kpi=fill(kpi, **f), punches=fill(punches, **f), schedule=fill(schedule, **f),
                                        allow_partial=allow_partial, punches_format=punches_format(punches_fmt))
                person = _person(inputs.roster, agent, fill(roster, **f))
            doc = explain_grade(agent, person, grades)
            with_pay = False
        else:
            period = rec.period = parse_month(month)
            f = dict(month=period)
            if schedule is None or punches is None:
                raise CctoolError("--month needs --schedule and --punches (the audit's inputs)")
            with step("Auditing the month…"):
                loaded, inputs = start(fill(rules, **f), period)
                tables = read_attendance_inputs(inputs, roster=fill(roster, **f), schedule=fill(schedule, **f),
                                                punches=fill(punches, **f), leave=fill(leave, **f),
                                                excusals=fill(excusals, **f), swaps=fill(swaps, **f),
                                                punches_format=punches_format(punches_fmt))
                person = _person(tables.roster, agent, fill(roster, **f))
                att = audit_inputs(period, loaded.rules, inputs, tables, as_of=parse_as_of(as_of),
                                   allow_partial=allow_partial)
                source = CallsInput.of(fill_location(calls, **f), fill(metrics, **f), engine.value, spark_master,
                                       loaded.rules, required=False)
                with_pay = source.given or kpi is not None
                payroll = None
                if with_pay:
                    pay = read_pay_inputs(period, loaded.rules, inputs, kpi=fill(kpi, **f), calls=source)
                    pay_coverage(att, pay, loaded.rules, inputs, allow_partial, people={agent},
                                 what="nothing was explained")
                    payroll = pay_from_audit(period, loaded.rules, inputs, att, pay)
            doc = explain_month(agent, person, att, payroll)
        coverage = grades.coverage if quarter is not None else att.coverage
        if coverage is not None and coverage.partial:  # said in the explanation itself, not only on stderr
            doc["coverage"] = coverage.as_dict()
        doc["rules_file"], doc["rules_sha256"] = str(loaded.path), loaded.sha256
        text = render_json(doc) if fmt == "json" else render(doc, markdown=fmt == "markdown", lang=lang)
        rec.counts.update(shifts=len(doc.get("shifts", [])), findings=len(doc.get("findings", [])))
        if out is not None:
            write_outputs(rec, [text_output(fill(out, **f), text, confidential=with_pay)])
            info(f"[green]Wrote[/green] {escape(str(fill(out, **f)))}{' (owner-only)' if with_pay else ''}")
        else:
            # Printed without markup: names, reasons and leave notes are the user's text, and
            # without the terminal control sequences (ESC, OSC) a hostile cell could carry.
            out_console.print(strip_controls(text, keep_lines=True), markup=False, highlight=False, end="")
