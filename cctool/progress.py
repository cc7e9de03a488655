"""Progress of long work (reading inputs, aggregating a call log, writing reports, generating
samples), told to whoever listens. The layers below the CLI only call `task()`; they never print.
The CLI listens with a rich progress display when a person runs it at a terminal
(cctool.cli.progress); under cron, with --quiet or in tests nobody listens and a task costs
nothing (the do-nothing bar of sqlite-utils).
"""
from __future__ import annotations

import contextlib
from typing import Iterator, Protocol


class Task(Protocol):
    def advance(self, n: int = 1) -> None: ...
    def total(self, n: int | None) -> None: ...
    def note(self, text: str) -> None: ...


class _Silent:
    def advance(self, n: int = 1) -> None:
        pass

    def total(self, n: int | None) -> None:
        pass

    def note(self, text: str) -> None:
        pass


_SILENT = _Silent()
_listener = None  # a callable (description, total) -> context manager yielding a Task


@contextlib.contextmanager
def task(description: str, total: int | None = None) -> Iterator[Task]:
    """One piece of long work: `advance()` as items are done (a bar with counts when `total` is
    known, a spinner and the count so far otherwise), `note()` a result to show (rows read)."""
    if _listener is None:
        yield _SILENT
        return
    with _listener(description, total) as handle:
        yield handle


def listen(listener) -> None:
    """Install (or, with None, remove) the listener that shows progress."""
    global _listener
    _listener = listener
