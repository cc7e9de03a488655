"""What every command's --help shares: choices as Enums (typer shows `[en|zh]` and refuses any
other value with exit 2), an example command and the exit codes.

Imports nothing heavy: building the CLI for `--help` must not load pandas or the readers, so the
choices the lower layers define (periods, brief formats, punch layouts, inspectable tables) are
named here again and tests/cli/test_conventions.py checks that both lists agree.
"""
from __future__ import annotations

from enum import Enum

import typer

from cctool.errors import ExitCode


class Choice(str, Enum):
    """A str Enum that prints, formats and compares as its value (`f"{Lang.zh}"` is `zh`), so
    the layers below the CLI receive a plain word."""

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


def _choice(name: str, values: tuple[str, ...]) -> type[Choice]:
    return Choice(name, {v.replace("-", "_"): v for v in values})


Lang = _choice("Lang", ("en", "zh"))
FailOn = _choice("FailOn", ("findings",))
PeriodKind = _choice("PeriodKind", ("day", "week", "month"))  # cctool.periods.PERIODS
BriefFormat = _choice("BriefFormat", ("text", "markdown", "json"))  # cctool.policy.brief.FORMATS
SplitBy = _choice("SplitBy", ("department", "team"))
CallsFormat = _choice("CallsFormat", ("parquet", "csv"))
Engine = _choice("Engine", ("duckdb", "spark"))  # cctool.engine.ENGINES
# cctool.io.layouts.PUNCH_FORMATS: the clock exports --punches reads, detected unless forced.
PUNCH_FORMATS = ("dingtalk-raw", "dingtalk-daily", "dingtalk-grid", "wecom-detail", "wecom-daily", "zkteco",
                 "zkteco-daily", "zkteco-dat")
PunchesFormat = _choice("PunchesFormat", PUNCH_FORMATS)
# cctool.io.inspect.INSPECTABLE
InspectTable = _choice("InspectTable", ("calls", "punches", "schedule", "roster", "leave", "kpi", "excusals", "swaps"))

# Which exit codes each kind of command can give, for its --help.
REPORT_CODES = (ExitCode.OK, ExitCode.USAGE, ExitCode.BAD_INPUT, ExitCode.BAD_RULES, ExitCode.CANNOT_WRITE,
                ExitCode.FINDINGS, ExitCode.LOCKED, ExitCode.INTERNAL)
NO_FINDINGS = tuple(c for c in REPORT_CODES if c != ExitCode.FINDINGS)


def epilog(*examples: str, codes: tuple[ExitCode, ...] = REPORT_CODES,
           meanings: dict[ExitCode, str] | None = None) -> str:
    """The end of a command's --help: example command(s), then the exit codes it can give
    (`meanings`: what a code means for this command, where it differs from the usual).

    `\\b` keeps click from re-wrapping the lines (typer runs here with rich markup off)."""
    said = meanings or {}
    lines = ["\b", "Example:" if len(examples) == 1 else "Examples:", *(f"  {e}" for e in examples), "",
             "\b", "Exit codes:", *(f"  {int(c)}  {said.get(c, c.meaning)}" for c in codes)]
    return "\n".join(lines)


def command_app(**options) -> typer.Typer:
    """The Typer one command module owns; cctool.cli.main registers it on the root app.
    Rich markup is off as on the root: help stays plain text and does not load rich."""
    return typer.Typer(rich_markup_mode=None, pretty_exceptions_show_locals=False, add_completion=False, **options)
