"""Domain errors and the input-issue record every layer shares.

Nothing here knows about the terminal: the CLI turns these into one message and an exit code.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import IntEnum


@dataclass(frozen=True)
class Issue:
    """One problem found in an input, located as the user sees it in Excel."""

    file: str
    sheet: str | None
    row: int | None  # spreadsheet row number (header is row 1), None for file-level issues
    column: str | None  # the header as written in the user's file
    value: str | None
    problem: str
    severity: str = "error"  # "error": row excluded or run stopped; "warning": kept, worth a look
    # Whose row it is, when the row names a person: a split payroll file carries only its own
    # people's issues. Not part of the JSON/Errors-sheet record (as_dict), which stays as DATA.md has it.
    agent_id: str | None = field(default=None, compare=False)

    def as_dict(self) -> dict:
        record = asdict(self)
        record.pop("agent_id")
        return record

    def where(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def message(self) -> str:
        value = f" (value {self.value!r})" if self.value not in (None, "") else ""
        return f"{self.where()}: {self.problem}{value}"


class ExitCode(IntEnum):
    """Every exit code cctool gives (README "Exit codes"; each command's --help lists them)."""

    OK = 0
    INTERNAL = 1
    USAGE = 2
    BAD_INPUT = 3
    BAD_RULES = 4
    CANNOT_WRITE = 5
    FINDINGS = 6
    LOCKED = 7
    INTERRUPTED = 130  # Ctrl-C: the shell's convention (128 + SIGINT)

    @property
    def meaning(self) -> str:
        return _MEANINGS[self]


_MEANINGS = {
    ExitCode.OK: "done",
    ExitCode.INTERNAL: "internal error (a bug; rerun with CCTOOL_DEBUG=1)",
    ExitCode.USAGE: "bad command line or cctool.toml",
    ExitCode.BAD_INPUT: "bad input, or the inputs do not cover the period",
    ExitCode.BAD_RULES: "bad rules file",
    ExitCode.CANNOT_WRITE: "the report cannot be written",
    ExitCode.FINDINGS: "done, findings need attention (--fail-on findings)",
    ExitCode.LOCKED: "another run is writing the same report",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C); no report written",
}

EXIT_FINDINGS = ExitCode.FINDINGS  # the name the commands used before ExitCode


class CctoolError(Exception):
    """A user-facing failure: bad input, bad rules, bad options. Carries an exit code."""

    exit_code = ExitCode.USAGE

    def __init__(self, message: str, issues: list[Issue] | None = None):
        super().__init__(message)
        self.issues = list(issues or [])


class InputError(CctoolError):
    """An input file cannot be used (unreadable, missing required columns)."""

    exit_code = ExitCode.BAD_INPUT


class RulesError(CctoolError):
    """The rules file is invalid."""

    exit_code = ExitCode.BAD_RULES


class OutputError(CctoolError):
    """A report cannot be written."""

    exit_code = ExitCode.CANNOT_WRITE
