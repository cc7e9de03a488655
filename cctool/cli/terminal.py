"""Console output and turning domain errors into one message and an exit code."""
from __future__ import annotations

import contextlib
import sys

import typer
from rich.console import Console
from rich.markup import escape

from cctool.errors import CctoolError

err_console = Console(stderr=True, highlight=False, soft_wrap=True)
out_console = Console(highlight=False, soft_wrap=True)


class State:
    quiet = False
    log_file: str | None = None
    wait: float = 0.0


def info(text: str) -> None:
    if not State.quiet:
        out_console.print(text)


def warn(text: str) -> None:
    err_console.print(f"[yellow]Warning:[/yellow] {escape(text)}")


def abort(text: str, code: int) -> None:
    err_console.print(f"[bold red]Error:[/bold red] {escape(text)}")
    raise typer.Exit(code)


@contextlib.contextmanager
def guard():
    """Domain errors become one clear message on stderr and their exit code; no traceback."""
    try:
        yield
    except CctoolError as exc:
        abort(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("Interrupted; no report written.")
        raise typer.Exit(130) from None


def is_tty() -> bool:
    return sys.stderr.isatty()
