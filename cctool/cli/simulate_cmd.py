"""`cctool simulate`: what a rule change would do to a month, before it goes live."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from cctool.cli.common import ALLOW_PARTIAL_OPTION, AS_OF_OPTION, JSON_OPTION, LANG_OPTION, OUT_OPTION, ROSTER_OPTION, check_out, \
    report_issues, run_info, start, write_outputs, PUNCHES_FORMAT_OPTION, PunchesFormat, punches_format
from cctool.cli.calls_input import ENGINE_OPTION, METRICS_OPTION, SPARK_MASTER_OPTION, fill_location
from cctool.cli.conventions import NO_FINDINGS, Engine, Lang, command_app, epilog
from cctool.cli.runtime import fill, report_run, step
from cctool.cli.terminal import escape, info
from cctool.periods import parse_as_of, parse_month, period_start


app = command_app()


@app.command("simulate", epilog=epilog(
    "cctool simulate --month 2026-07 --rules proposed.yaml --roster samples/roster.xlsx --schedule "
    "samples/schedule.csv --punches samples/punches.csv --leave samples/leave.xlsx --out out/whatif.xlsx",
    codes=NO_FINDINGS))
def simulate(
    month: str = typer.Option(..., "--month", help="Month to replay: 2026-10, or 'last'."),
    rules: Path = typer.Option(..., "--rules", help="The proposed rules file (or a folder of dated rules files)."),
    baseline: Optional[Path] = typer.Option(None, "--baseline",
                                            help="The rules in force today; default: the packaged rules."),
    roster: Path = ROSTER_OPTION,
    schedule: Path = typer.Option(..., "--schedule", help="Schedule (排班表)."),
    punches: Path = typer.Option(..., "--punches", help="Punches (签到记录)."),
    punches_fmt: Optional[PunchesFormat] = PUNCHES_FORMAT_OPTION,
    leave: Optional[Path] = typer.Option(None, "--leave", help="Leave requests (请假单)."),
    excusals: Optional[Path] = typer.Option(None, "--excusals", help="Excusals (免责)."),
    swaps: Optional[Path] = typer.Option(None, "--swaps", help="Shift swaps (调班)."),
    calls: Optional[str] = typer.Option(None, "--calls", help="Call log: with it (or --kpi) pay is compared too. "
                                                              "With --engine spark: also a folder, a glob or a URL."),
    metrics: Optional[Path] = METRICS_OPTION,
    engine: Engine = ENGINE_OPTION,
    spark_master: Optional[str] = SPARK_MASTER_OPTION,
    kpi: Optional[Path] = typer.Option(None, "--kpi", help="Monthly KPI scores: with it (or --calls) pay is compared too."),
    allow_partial: bool = ALLOW_PARTIAL_OPTION,
    as_of: Optional[str] = AS_OF_OPTION,
    out: Path = OUT_OPTION,
    json_path: Optional[Path] = JSON_OPTION,
    lang: Lang = LANG_OPTION,
) -> None:
    """Replay a month under a proposed rules file and list only what changes, person by person.

    The inputs are read once and judged under both rules files. With --calls (or --metrics) or
    --kpi the payroll is compared too; the outputs are then owner-only and no pay figure is printed."""
    from cctool.engine.inputs import CallsInput
    from cctool.pipelines import read_attendance_inputs, read_pay_inputs
    from cctool.report.whatif import whatif_json, whatif_sheets
    from cctool.report.writer import json_output, json_payload, workbook_output
    from cctool.rules import load_rules
    from cctool.whatif import simulate_month

    with report_run("simulate") as rec:
        period = rec.period = parse_month(month)
        f = dict(month=period)
        out, json_path = check_out(fill(out, **f)), fill(json_path, **f)
        rec.lock(out, json_path)
        with step("Reading the inputs once and judging them under both rules files…"):
            # The inputs are read under the baseline's column aliases: the simulation compares
            # policies, not mappings of the centre's exports.
            base, inputs = start(fill(baseline, **f), period)
            loaded = load_rules(fill(rules, **f), on=period_start(period))
            tables = read_attendance_inputs(inputs, roster=fill(roster, **f), schedule=fill(schedule, **f),
                                            punches=fill(punches, **f), leave=fill(leave, **f),
                                            excusals=fill(excusals, **f), swaps=fill(swaps, **f),
                                            punches_format=punches_format(punches_fmt))
            source = CallsInput.of(fill_location(calls, **f), fill(metrics, **f), engine.value, spark_master,
                                   base.rules, required=False)
            with_pay = source.given or kpi is not None
            pay = read_pay_inputs(period, base.rules, inputs, kpi=fill(kpi, **f), calls=source) \
                if with_pay else None
            sim = simulate_month(period, base.rules, loaded.rules, inputs, tables, pay, as_of=parse_as_of(as_of),
                                 allow_partial=allow_partial)
        seen = set(inputs.issues)
        later = (pay.issues if pay else []) + sim.baseline.attendance.issues + sim.proposed.attendance.issues
        issues = list(inputs.issues) + [i for i in dict.fromkeys(later) if i not in seen]
        run = run_info("simulate", period, loaded, inputs, baseline_rules=str(base.path),
                       baseline_rules_sha256=base.sha256, lang=lang, pay="compared" if with_pay else None)
        with step(f"Writing {out}…"):
            outputs = [workbook_output(out, whatif_sheets(sim), run, issues, lang=lang, confidential=with_pay)]
            if json_path:
                payload = json_payload(run, issues, **whatif_json(sim))
                payload["baseline_rules_file"], payload["baseline_rules_sha256"] = str(base.path), base.sha256
                outputs.append(json_output(json_path, payload, confidential=with_pay))
            write_outputs(rec, outputs)
        people = len(sim.records)
        # Counts only: with pay compared, figures stay in the owner-only files (PAY-CONFIDENTIAL).
        rec.counts.update(settings_changed=len(sim.rules_diff), people_affected=people, changes=len(sim.changes))
        report_issues(issues)
        moved = ", ".join(f"{k.replace('_', ' ')} +{v['newly']}/-{v['no_longer']}"
                          for k, v in sim.totals["consequences"].items() if v["newly"] or v["no_longer"])
        info(f"[green]Wrote[/green] {escape(str(out))}{' (owner-only)' if with_pay else ''}: "
             f"{len(sim.rules_diff)} setting(s) changed, {people} people affected, {len(sim.changes)} changed "
             f"field(s)" + (f"; {moved}" if moved else ""))
