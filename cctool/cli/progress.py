"""The progress display a person sees at a terminal: one line per piece of long work, with a
spinner, a bar and counts when the total is known, the count so far otherwise, and the time
spent. Installed by the root callback only when stderr is a terminal and --quiet is off, so a
cron run prints nothing. rich is imported when the first task starts, not for --help."""
from __future__ import annotations

import contextlib
import threading

from cctool import progress
from cctool.cli.terminal import State, err_console, is_tty


def install() -> None:
    """Show progress for this run when a person watches it; otherwise keep every task silent.
    (A plain isatty: asking rich would import it for `cctool COMMAND --help` too.)"""
    watched = not State.quiet and is_tty()
    progress.listen(RichProgress() if watched else None)


class _Handle:
    def __init__(self, bar, task_id):
        self._bar, self._id = bar, task_id

    def advance(self, n: int = 1) -> None:
        self._bar.advance(self._id, n)

    def total(self, n: int | None) -> None:
        self._bar.update(self._id, total=n)

    def note(self, text: str) -> None:
        self._bar.update(self._id, note=text)


class RichProgress:
    """One rich Progress for the run, started with the first task and stopped when no task is
    left (tasks may nest, and the call log is aggregated on a worker thread)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._bar = None
        self._active = 0

    def _start(self):
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        return Progress(SpinnerColumn(finished_text="[green]✓[/green]"), TextColumn("{task.description}"),
                        BarColumn(bar_width=24), _Counts(), TimeElapsedColumn(),
                        console=getattr(err_console, "real", err_console), transient=False)

    @contextlib.contextmanager
    def __call__(self, description: str, total: int | None):
        from cctool.cli.terminal import user

        with self._lock:
            if self._bar is None:
                self._bar = self._start()
                self._bar.start()
            bar = self._bar
            self._active += 1
            task_id = bar.add_task(user(description), total=total, note="")  # paths are the user's text
        ok = False
        try:
            yield _Handle(bar, task_id)
            ok = True
        finally:
            with self._lock:
                if ok:  # the line stays, ticked, with its count
                    done = bar.tasks[[t.id for t in bar.tasks].index(task_id)].completed
                    bar.update(task_id, total=max(done, 1), completed=max(done, 1), counted=done)
                else:  # the error message says what went wrong; no half-drawn line stays
                    bar.remove_task(task_id)
                self._active -= 1
                if self._active == 0:
                    bar.stop()
                    self._bar = None


def _counts_text(task) -> str:
    note = task.fields.get("note") or ""
    if note:
        return note
    counted = task.fields.get("counted")
    if counted is not None:  # finished
        return f"{counted:,}" if counted else ""
    if task.total is not None:
        return f"{int(task.completed):,}/{int(task.total):,}"
    return f"{int(task.completed):,}" if task.completed else ""


def _Counts():
    from rich.progress import ProgressColumn
    from rich.text import Text

    class Counts(ProgressColumn):
        def render(self, task):
            return Text(_counts_text(task))

    return Counts()
