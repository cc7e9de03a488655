"""`cctool samples generate`."""
from __future__ import annotations

import re
from pathlib import Path

import typer

from cctool.cli.conventions import CallsFormat, command_app, epilog
from cctool.cli.runtime import step
from cctool.cli.terminal import abort, guard, info, user
from cctool.errors import ExitCode

app = command_app(help="Generate a synthetic, consistent sample centre.", no_args_is_help=True)


@app.command("generate", epilog=epilog(
    "cctool samples generate --out demo --agents 200 --months 1 --calls-format csv",
    codes=(ExitCode.OK, ExitCode.USAGE, ExitCode.CANNOT_WRITE, ExitCode.INTERNAL)))
def generate(
    out: Path = typer.Option(..., "--out", help="Folder to write the sample files into (created if needed)."),
    agents: int = typer.Option(48, "--agents", min=1, help="Number of agents (team leads and managers are added)."),
    start: str = typer.Option("2026-07", "--start", help="First month, YYYY-MM."),
    months: int = typer.Option(3, "--months", min=1, max=24, help="Number of months."),
    seed: int = typer.Option(7, "--seed", help="Random seed: the same seed gives the same files."),
    calls_format: CallsFormat = typer.Option(CallsFormat.parquet, "--calls-format",
                                             help="parquet (compact) or csv."),
    plain: bool = typer.Option(False, "--plain", help="All tables as English-header UTF-8 CSV (no .xlsx/GB18030)."),
    no_calls: bool = typer.Option(False, "--no-calls", help="Skip the call log."),
) -> None:
    """Write a roster, schedules, punches, leave, calls, KPI, excusals and swaps."""
    from cctool.samples.generate import generate_centre, write_centre

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", start):
        abort(f"--start must be YYYY-MM, got {start!r}", ExitCode.USAGE)
    with guard():
        out.mkdir(parents=True, exist_ok=True)
        with step(f"Generating a centre of {agents:,} agents over {months} month(s)"):
            centre = generate_centre(agents, start, months, seed, calls=not no_calls)
        paths = write_centre(centre, out, calls_format=calls_format.value, sample_formats=not plain)
    for name, path in paths.items():
        info(f"  {name:<9} {user(path)}")
    info(f"[green]Wrote[/green] a centre of {agents} agents, {months} month(s) from {start}, seed {seed}, to {user(out)}")
