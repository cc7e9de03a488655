"""`cctool rules validate|show`."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table
from rich.text import Text

from cctool.cli.terminal import guard, info, out_console, strip_controls, user
from cctool.rules import load_rules

app = typer.Typer(help="Check and show the rules file (the manual as data).", no_args_is_help=True)


@app.command("validate")
def validate(file: Optional[Path] = typer.Argument(None, help="Rules file; default: the packaged rules.")) -> None:
    """Validate a rules file; errors name their YAML path (attendance.late[1].above_minutes)."""
    with guard():
        loaded = load_rules(file)
    info(f"[green]OK[/green] {user(loaded.path)} (SHA-256 {loaded.sha256[:12]}…): "
         f"{len(loaded.rules.rule_table())} rule entries")


@app.command("show")
def show(file: Optional[Path] = typer.Argument(None, help="Rules file; default: the packaged rules.")) -> None:
    """Show the effective policy, one line per rule ID."""
    with guard():
        loaded = load_rules(file)
    rows = loaded.rules.rule_table()
    # Text, not markup: `chain=[team_lead]` is a value, not a rich style tag; control sequences
    # from the rules file (or its path) are stripped before they reach the terminal.
    table = Table(title=Text(strip_controls(f"Rules: {loaded.path}")), show_lines=False)
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
