"""Console output and turning domain errors into one message and an exit code."""
from __future__ import annotations

import contextlib
import re
import sys

import typer

from cctool.errors import CctoolError, ExitCode


class _Console:
    """A rich Console made on first use: `cctool --help` and `--version` never print through
    rich, and importing it is time they need not spend (issue 13: < 0.3 s). Every attribute is
    the real console's."""

    def __init__(self, **options):
        self._options = options
        self._console = None

    @property
    def real(self):
        """The rich Console itself, made now if it was not yet (what rich's Progress and Live
        need: they enter the console as a context manager and check its type)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str):
        return getattr(self.real, name)

    def __enter__(self):
        return self.real.__enter__()

    def __exit__(self, *exc):
        return self.real.__exit__(*exc)


err_console = _Console(stderr=True, highlight=False, soft_wrap=True)
out_console = _Console(highlight=False, soft_wrap=True)


def escape(text: str) -> str:
    """rich.markup.escape (square brackets in user text become text), imported when first needed."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


# Terminal control sequences a hostile cell could carry: CSI (ESC [ ... final byte), OSC
# (ESC ] ... BEL or ESC \\, e.g. a hyperlink or a window title), other two-byte ESC sequences,
# then any remaining C0 control (tab and newline kept where the text is ours), DEL and C1.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]"
                      r"|\x9d[^\x07\x9c]*[\x07\x9c]?")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\t\n]")


def strip_controls(text: str, keep_lines: bool = False) -> str:
    """`text` without terminal control sequences; tabs and newlines become spaces unless kept."""
    text = _CONTROLS.sub("", _ESCAPES.sub("", text))
    return text if keep_lines else _LINE_BREAKS.sub(" ", text)


def user(value: object) -> str:
    """A value from an input file, a path or the rules file, made safe to put in rich markup:
    control sequences stripped and square brackets escaped (`[/bold]` in a name is text)."""
    return escape(strip_controls(str(value)))


class State:
    quiet = False
    log_file: str | None = None
    wait: float = 0.0


def info(text: str) -> None:
    """`text` is markup written by us: wrap every user value in it with `user()`."""
    if not State.quiet:
        out_console.print(text)


def warn(text: str) -> None:
    err_console.print(f"[yellow]Warning:[/yellow] {escape(strip_controls(text, keep_lines=True))}")


def abort(text: str, code: int) -> None:
    err_console.print(f"[bold red]Error:[/bold red] {escape(strip_controls(text, keep_lines=True))}")
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
        raise typer.Exit(ExitCode.INTERRUPTED) from None


def is_tty() -> bool:
    return sys.stderr.isatty()
