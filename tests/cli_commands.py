"""Every command of the `cctool` app, as tests that check all of them walk it."""
from __future__ import annotations

from typer.main import get_command

from cctool.cli.main import app


def all_commands() -> list[tuple[list[str], object]]:
    """(path, click command) of every command: `["rules", "show"]`, `["attendance-audit"]`, ..."""
    out = []

    def walk(cmd, path):
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                walk(sub, path + [name])
        else:
            out.append((path, cmd))
    walk(get_command(app), [])
    return out
