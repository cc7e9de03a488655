"""`cctool headcount`: the monthly headcount-change sheet (RPT-KPI)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from cctool.cli.common import (ALLOW_PARTIAL_OPTION, JSON_OPTION, LANG_OPTION, OUT_OPTION, RULES_OPTION,
                               coverage_options, report_paths, run_info, start, write_report)
from cctool.cli.conventions import NO_FINDINGS, Lang, command_app, epilog
from cctool.cli.runtime import fill, report_run
from cctool.cli.terminal import info, user
from cctool.periods import parse_month


app = command_app()


@app.command("headcount", epilog=epilog(
    "cctool headcount --month 2026-07 --roster samples/roster.xlsx --out out/headcount-2026-07.xlsx", codes=NO_FINDINGS))
def headcount(
    month: str = typer.Option(..., "--month", help="Month: 2026-10, or 'last'."),
    roster: Path = typer.Option(..., "--roster", help="Roster at the end of the month."),
    previous_roster: Optional[Path] = typer.Option(None, "--previous-roster",
                                                   help="Roster of the month before, to find transfers between teams."),
    rules: Optional[Path] = RULES_OPTION,
    out: Path = OUT_OPTION,
    json_path: Optional[Path] = JSON_OPTION,
    lang: Lang = LANG_OPTION,
    allow_partial: bool = ALLOW_PARTIAL_OPTION,
) -> None:
    """Joiners, leavers, transfers between teams, and trainees reaching 3 and 6 months."""
    from cctool.coverage import CoverageCheck
    from cctool.io.readers import read_table
    from cctool.policy.attendance import month_bounds
    from cctool.policy.headcount import headcount_month
    from cctool.report.writer import Sheet, records

    with report_run("headcount") as rec:
        period = rec.period = parse_month(month)
        f = dict(month=period, period=period)
        out, json_path = report_paths(rec, out, json_path, **f)
        loaded, inputs = start(fill(rules, **f), period)
        roster_df = inputs.load("roster", fill(roster, **f))
        before = None
        if previous_roster is not None:
            prev = read_table(fill(previous_roster, **f), "roster", extra_aliases=loaded.rules.columns.aliases,
                              field_map=loaded.rules.columns.mapping("roster"), limits=loaded.rules.limits)
            inputs.tables["previous_roster"] = prev
            inputs.issues.extend(prev.issues)
            before = prev.frame
        # A roster mostly unreadable is not trusted: its "leavers" would be people it failed to read.
        cov = CoverageCheck(period, *month_bounds(period), loaded.rules).tables(inputs).done()
        cov.require(allow_partial)
        result = headcount_month(period, roster_df, loaded.rules, before)
        if before is not None and result.not_same is not None and len(result.not_same):
            from cctool.cli.terminal import warn
            from cctool.policy.headcount import identity_issues

            inputs.issues.extend(identity_issues(result.not_same, before, str(prev.path), prev.sheet))
            shared = int(before["agent_id"].isin(roster_df["agent_id"]).sum())
            warn(f"{len(result.not_same)} of the {shared} ids in both rosters name another person in "
                 f"{prev.display} (name or hire date differ): not counted as transfers; see the Errors sheet. "
                 "Is it the same centre's roster of the month before?")
        run = run_info("headcount", period, loaded, inputs, lang=lang, **coverage_options(cov))
        sheets = [
            Sheet("Headcount", result.teams, note=f"Headcount {period} per team: start + joiners − leavers ± transfers "
                                                  "= end (RPT-KPI)."),
            Sheet("Joiners", result.joiners), Sheet("Leavers", result.leavers),
            Sheet("Transfers", result.transfers,
                  note=None if before is not None else "Pass --previous-roster to find transfers between teams."),
            Sheet("Trainee milestones", result.milestones,
                  note="Trainees reaching the 3- and 6-month marks of GRD-TRAINEE-WINDOW this month."),
        ]
        write_report(rec, out, json_path, sheets, run, inputs.issues, cov, lang=lang, records=records(result.teams),
                     joiners=records(result.joiners), leavers=records(result.leavers),
                     transfers=records(result.transfers), milestones=records(result.milestones))
        rec.counts.update(joiners=len(result.joiners), leavers=len(result.leavers),
                          transfers=len(result.transfers), milestones=len(result.milestones))
        info(f"[green]Wrote[/green] {user(out)}: {len(result.joiners)} joiners, {len(result.leavers)} leavers, "
             f"{len(result.transfers)} transfers, {len(result.milestones)} trainee milestones")
