"""The `cctool` command: the one Typer app, its global options, and the command modules
registered on it explicitly (no command module imports this one: no import circle)."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from cctool import __version__
from cctool.cli import (attendance_cmd, explain_cmd, grade_cmd, headcount_cmd, inspect_cmd, kpi_cmd, metrics_cmd,
                        payroll_cmd, rules_cmd, samples_cmd, simulate_cmd)
from cctool.cli.conventions import epilog
from cctool.cli.terminal import State, err_console
from cctool.errors import ExitCode

app = typer.Typer(
    name="cctool",
    help="Apply a call centre's operations manual (attendance, leave, grading, pay) to its own exports.",
    epilog=epilog("cctool attendance-audit --month last --roster roster.xlsx --schedule schedule.csv "
                  "--punches punches.csv --out audit.xlsx", "cctool COMMAND -h"),
    no_args_is_help=True,
    # --install-completion / --show-completion; typer loads its completion code only when asked.
    add_completion=True,
    # -h as well as --help, on every command (click contexts inherit help_option_names).
    context_settings={"help_option_names": ["-h", "--help"]},
    # Payroll data must never appear in a traceback.
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cctool {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    version: Optional[bool] = typer.Option(None, "--version", callback=_version, is_eager=True,
                                           help="Show the version and exit."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing on success (errors still go to stderr)."),
    config: Optional[Path] = typer.Option(None, "--config", help="Config file naming inputs and defaults "
                                                                 "(default: ./cctool.toml if present)."),
    log_file: Optional[Path] = typer.Option(None, "--log-file", help="Append one line per run: command, period, "
                                                                     "duration, result, counts (never pay)."),
    wait: Optional[float] = typer.Option(None, "--wait", min=0, help="Seconds to wait when another run is writing "
                                                                     "the same report (default 0: stop at once)."),
) -> None:
    """cctool: auditable reports from a call centre's rosters, punches, leave, calls and KPI."""
    from cctool.cli.runtime import default_map, load_config, option_names
    from cctool.cli.progress import install
    from cctool.cli.terminal import guard

    State.quiet = quiet
    install()  # a progress display only for a person at a terminal
    group = typer.main.get_group(app) if ctx.command is None else ctx.command
    # Sections name the report commands (not the `rules`/`samples` groups); keys their options.
    commands = {name: option_names(cmd) for name, cmd in getattr(group, "commands", {}).items()
                if not hasattr(cmd, "commands")}
    with guard():
        settings, per_command = load_config(config, commands)
    State.log_file = str(log_file) if log_file else settings.get("log_file")
    State.wait = float(wait if wait is not None else settings.get("wait", 0))
    if per_command:
        ctx.default_map = default_map(per_command, list(getattr(group, "commands", {})))


# Each command module owns a Typer; its commands join the root app (add_typer without a name)
# or form a group (`cctool rules ...`).
for module in (attendance_cmd, grade_cmd, payroll_cmd, kpi_cmd, headcount_cmd, inspect_cmd, simulate_cmd, explain_cmd,
               metrics_cmd):
    app.add_typer(module.app)
app.add_typer(rules_cmd.app, name="rules")
app.add_typer(samples_cmd.app, name="samples")


def run() -> None:
    """Entry point: unexpected failures print their type only (no values: pay data stays private)."""
    try:
        app()
    except SystemExit:
        raise
    except Exception as exc:  # a bug, not a user mistake
        if os.environ.get("CCTOOL_DEBUG", "").strip().lower() not in ("", "0", "false", "no", "off"):
            raise
        err_console.print(f"[bold red]Internal error:[/bold red] {type(exc).__name__} "
                          "(details hidden: they may hold confidential data; rerun with CCTOOL_DEBUG=1 to see them). "
                          "No report was written.")
        sys.exit(ExitCode.INTERNAL)
