"""`cctool rules validate|show`."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from cctool.cli.terminal import guard, info, out_console, user
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
    table = Table(title=f"Rules: {user(loaded.path)}", show_lines=False)
    table.add_column("Rule ID", style="bold")
    table.add_column("Where in the file")
    table.add_column("Setting", overflow="fold")
    for rule_id, path, setting in loaded.rules.rule_table():
        table.add_row(user(rule_id), user(path), user(setting))
    out_console.print(table)
