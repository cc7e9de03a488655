"""`cctool rules validate|show|lint|test`."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from cctool.cli.conventions import command_app, epilog
from cctool.cli.terminal import guard, info, out_console, strip_controls, user
from cctool.errors import ExitCode

app = command_app(help="Check and show the rules file (the manual as data).", no_args_is_help=True)
RULES_CODES = (ExitCode.OK, ExitCode.USAGE, ExitCode.BAD_RULES, ExitCode.INTERNAL)

FILE_ARG = typer.Argument(None, help="Rules file, or a folder of rules files each with effective_from; "
                                     "default: the packaged rules.")


def _on(text: str | None):
    from cctool.errors import CctoolError
    from cctool.periods import parse_date

    if not text:
        return None
    try:
        return parse_date(text)
    except CctoolError:  # its message names --date, an option `rules show` does not have
        raise CctoolError(f"--on must be a date like 2026-03-01, got {text!r}") from None


@app.command("validate", epilog=epilog("cctool rules validate rules/our-centre.yaml", codes=RULES_CODES))
def validate(file: Optional[Path] = FILE_ARG) -> None:
    """Validate a rules file (or every file of a rules folder); errors name their YAML path
    (attendance.late[1].above_minutes)."""
    from cctool.rules import load_rules
    from cctool.rules.load import load_rules_folder

    with guard():
        versions = load_rules_folder(file) if file is not None and file.is_dir() else [load_rules(file)]
    for loaded in versions:
        since = f", in force from {loaded.rules.effective_from}" if loaded.rules.effective_from else ""
        info(f"[green]OK[/green] {user(loaded.path)} (SHA-256 {loaded.sha256[:12]}…{since}): "
             f"{len(loaded.rules.rule_table())} rule entries")


@app.command("show", epilog=epilog("cctool rules show rules/our-centre.yaml", "cctool rules show rules/ --on 2026-03-01",
                                   codes=RULES_CODES))
def show(file: Optional[Path] = FILE_ARG,
         on: Optional[str] = typer.Option(None, "--on", help="For a rules folder: the date whose rules to show "
                                                            "(2026-03-01).")) -> None:
    """Show the effective policy, one line per rule ID."""
    from rich.table import Table
    from rich.text import Text

    from cctool.rules import load_rules

    with guard():
        loaded = load_rules(file, on=_on(on))
    since = f" (in force from {loaded.rules.effective_from})" if loaded.rules.effective_from else ""
    rows = loaded.rules.rule_table()
    table = Table(title=Text(strip_controls(f"Rules: {loaded.path}{since}")), show_lines=False)
    table.add_column("Rule ID", style="bold", no_wrap=True)
    # A YAML path is copied into an editor: never folded or cut, whatever the terminal width.
    widest = max((len(path) for _, path, _ in rows), default=10)
    table.add_column("Where in the file", no_wrap=True, min_width=widest)
    table.add_column("Setting", overflow="fold")
    for rule_id, path, setting in rows:
        table.add_row(*(Text(strip_controls(str(v))) for v in (rule_id, path, setting)))
    console = out_console
    if not console.is_terminal:  # piped or redirected: no terminal width to respect, so cut nothing
        from rich.console import Console

        console = Console(highlight=False, width=max(160, widest + 100))
    console.print(table)
    mapped = loaded.rules.columns.mapping_rows()
    if mapped:
        columns = Table(title="Column mapping (how each field is read from the exports)", show_lines=False)
        columns.add_column("Where in the file", no_wrap=True)
        columns.add_column("Read as", overflow="fold")
        for path, how in mapped:
            columns.add_row(user(path), user(how))
        console.print(columns)


@app.command("lint", epilog=epilog(
    "cctool rules lint rules/our-centre.yaml --roster exports/roster.xlsx",
    codes=(ExitCode.OK, ExitCode.USAGE, ExitCode.BAD_INPUT, ExitCode.BAD_RULES, ExitCode.INTERNAL)))
def lint(file: Optional[Path] = FILE_ARG,
         roster: Optional[Path] = typer.Option(None, "--roster", help="Roster: also check that someone holds each "
                                                                     "approver role the rules name.")) -> None:
    """Find settings a valid rules file can still get wrong: overlapping bands, severity falling as
    minutes rise, a grade easier than the grade below, bonus bands paying more for a lower score,
    approval roles nobody holds, a longer leave's chain weaker than a shorter one's. Exit 0 when
    clean, 4 when a problem is found."""
    from cctool.errors import RulesError
    from cctool.io.readers import read_table
    from cctool.rules.lint import lint_rules
    from cctool.rules import load_rules
    from cctool.rules.load import load_rules_folder

    with guard():
        versions = load_rules_folder(file) if file is not None and file.is_dir() else [load_rules(file)]
        roles = None
        if roster is not None:
            frame = read_table(roster, "roster", extra_aliases=versions[-1].rules.columns.aliases).frame
            roles = set(frame["role"].dropna().astype(str))
        problems = [(v, f) for v in versions for f in lint_rules(v.rules, roles)]
        for loaded, finding in problems:
            out_console.print(strip_controls(f"{loaded.path}: {finding}"), markup=False, highlight=False)
        if problems:
            raise RulesError(f"{len(problems)} problem(s) in the rules")
    info(f"[green]Clean[/green]: {', '.join(user(v.path) for v in versions)}")


@app.command("test", epilog=epilog(
    "cctool rules test rules/cases/default-cases.yaml --rules rules/our-centre.yaml",
    codes=(ExitCode.OK, ExitCode.USAGE, ExitCode.BAD_INPUT, ExitCode.BAD_RULES, ExitCode.FINDINGS, ExitCode.INTERNAL),
    meanings={ExitCode.OK: "every case passed", ExitCode.FINDINGS: "a case failed (its differing fields are printed)"}))
def test(cases: Path = typer.Argument(..., help="Cases file (YAML list of golden cases)."),
         rules: Optional[Path] = typer.Option(None, "--rules", help="Rules file or folder; default: the packaged "
                                                                    "rules.")) -> None:
    """Run golden cases: tiny inline tables and the expected outcome per agent; print each case as
    passed or failed with the differing fields. Exit 0 when all pass, 6 when any fails."""
    from cctool.cases import load_cases, run_case
    from cctool.rules import load_rules
    from cctool.periods import period_start

    with guard():
        loaded_cases = load_cases(cases)
        results = []
        for case in loaded_cases:
            loaded = load_rules(rules, on=period_start(case.month or case.quarter))
            results.append(run_case(case, loaded.rules))
    failed = [r for r in results if not r.passed]
    for r in results:
        mark = "[green]passed[/green]" if r.passed else "[red]FAILED[/red]"
        info(f"{mark} {user(r.case.name)}")
        for d in r.differences:
            out_console.print(f"    {strip_controls(str(d))}", markup=False, highlight=False)
    info(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise typer.Exit(ExitCode.FINDINGS)
