"""Coverage before confidence (issue 9 §3, §4): before anyone is judged, do the inputs cover
the period? One check for every command.

An input covers the period when it has rows in it, or rows on both sides of it (a weekend
inside a schedule is rest, not missing data). A table whose share of unreadable rows exceeds
`coverage.max_unreadable_share` (rules file) is not trusted. A day with scheduled shifts and
no punch in the whole centre is a feed gap (ATT-FEED-GAP). Any of these stops the command
(exit 3, no report) unless it runs with `--allow-partial`; the report then opens with a
banner and its JSON carries the `coverage` block.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cctool.errors import InputError
from cctool.io.inputs import InputSet
from cctool.io.readers import LoadedTable
from cctool.rules.model import Rules

# The date column that places each table's rows in time; the roster has none.
DATE_COLUMNS = {"schedule": "date", "punches": "date", "punch_events": "time", "leave": "start", "kpi": "month",
                "excusals": "date", "swaps": "date"}
# What one row of a table is called in a message.
NOUNS = {"schedule": "shift", "punches": "punch", "punch_events": "punch", "calls": "call", "kpi": "KPI score",
         "leave": "leave request", "excusals": "excusal", "swaps": "swap"}


@dataclass(frozen=True)
class InputCoverage:
    """What one input holds: rows, unreadable rows, the dates it covers, rows in the period."""

    name: str
    file: str
    rows: int
    rows_unreadable: int
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    in_period: int | None  # None: the table has no dates (roster)

    @property
    def unreadable_share(self) -> float:
        return self.rows_unreadable / self.rows if self.rows else 0.0

    def covers(self, start: pd.Timestamp, end: pd.Timestamp) -> bool:
        if self.in_period:
            return True
        return self.first is not None and self.last is not None and self.first < start and self.last >= end

    def span(self) -> str:
        if self.first is None:
            return "it has no readable row"
        return f"it covers {self.first:%Y-%m-%d} … {self.last:%Y-%m-%d}"

    def as_dict(self) -> dict:
        day = lambda t: None if t is None else f"{t:%Y-%m-%d}"  # noqa: E731
        return {"name": self.name, "file": self.file, "rows": self.rows, "rows_unreadable": self.rows_unreadable,
                "unreadable_share": round(self.unreadable_share, 4), "first": day(self.first),
                "last": day(self.last), "rows_in_period": self.in_period}


@dataclass
class Coverage:
    period: str
    start: pd.Timestamp
    end: pd.Timestamp  # exclusive
    inputs: list[InputCoverage] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    as_of: pd.Timestamp | None = None
    feed_gap_days: list[pd.Timestamp] = field(default_factory=list)
    pending_shifts: int | None = None  # shifts not over at as_of (None: not counted by this command)

    @property
    def partial(self) -> bool:
        return bool(self.gaps)

    def banner(self) -> str:
        return "PARTIAL REPORT (--allow-partial): " + "; ".join(self.gaps)

    def as_dict(self) -> dict:
        return {"period": self.period, "partial": self.partial, "gaps": list(self.gaps),
                "as_of": None if self.as_of is None else self.as_of.isoformat(sep=" "),
                "pending_shifts": self.pending_shifts,
                "feed_gap_days": [f"{d:%Y-%m-%d}" for d in self.feed_gap_days],
                "inputs": [i.as_dict() for i in self.inputs]}

    def require(self, allow_partial: bool) -> None:
        """Stop (exit 3, nothing written) when the inputs do not cover the period."""
        if self.gaps and not allow_partial:
            raise InputError(f"the inputs do not cover {self.period}; no report was written:\n  - "
                             + "\n  - ".join(self.gaps)
                             + "\nFix the exports, or pass --allow-partial to report anyway (marked partial).")


def _dates(loaded: LoadedTable) -> pd.Series | None:
    col = DATE_COLUMNS.get(loaded.table)
    if col is None or col not in loaded.frame:
        return None
    values = loaded.frame[col]
    if loaded.table == "kpi":  # YYYY-MM text
        values = pd.to_datetime(values.astype("string") + "-01", errors="coerce")
    return pd.to_datetime(values).dropna()


def table_coverage(name: str, loaded: LoadedTable, start: pd.Timestamp, end: pd.Timestamp) -> InputCoverage:
    dates = _dates(loaded)
    unreadable = loaded.rows_unreadable if loaded.rows_unreadable is not None \
        else max(loaded.rows_read - len(loaded.frame), 0)
    if dates is None:
        return InputCoverage(name, loaded.display, loaded.rows_read, unreadable, None, None, None)
    first, last = (dates.min(), dates.max()) if len(dates) else (None, None)
    in_period = int(((dates >= start) & (dates < end)).sum())
    return InputCoverage(name, loaded.display, loaded.rows_read, unreadable, first, last, in_period)


def calls_coverage(file: str, seen: pd.DataFrame, in_period: int | None = None) -> InputCoverage:
    """From a `call_metrics` / `daily_call_metrics` frame: its attrs and the calls it counted
    (or `in_period`, when the frame spans more than the period: the brief's comparison days)."""
    a = seen.attrs
    if in_period is None:
        in_period = int(seen["calls"].sum()) if len(seen) else 0
    return InputCoverage("calls", Path(file).name, int(a.get("rows_read", 0)), int(a.get("rows_unreadable", 0)),
                         a.get("first"), a.get("last"), in_period)


class CoverageCheck:
    """Collects what each input covers and what is missing, for one command and period."""

    def __init__(self, period: str, start, end, rules: Rules):
        self.cov = Coverage(period, pd.Timestamp(start), pd.Timestamp(end))
        self.limit = rules.coverage.max_unreadable_share
        self.rules = rules

    @classmethod
    def extend(cls, cov: Coverage, rules: Rules) -> "CoverageCheck":
        """Go on checking inputs read later (a payroll's KPI and calls after the attendance)."""
        check = cls(cov.period, cov.start, cov.end, rules)
        check.cov = cov
        return check

    def tables(self, inputs: InputSet, required: tuple[str, ...] = ()) -> "CoverageCheck":
        """Every table read; those in `required` must cover the period."""
        for name in inputs.tables:
            self.table(name, inputs, required=name in required)
        return self

    def table(self, name: str, inputs: InputSet, *, required: bool = False) -> "CoverageCheck":
        self.add(table_coverage(name, inputs.tables[name], self.cov.start, self.cov.end), required=required)
        return self

    def calls(self, file: str, seen: pd.DataFrame, in_period: int | None = None) -> "CoverageCheck":
        item = calls_coverage(file, seen, in_period)
        self.add(item, required=True)
        return self.call_gap(item)

    def call_gap(self, item: InputCoverage) -> "CoverageCheck":
        """The call log is the figures themselves: calls on both sides of a period with none in it
        do not cover it (a week the export missed ranked teams on zero calls and named a top
        team). A period without a call is believed only where a schedule read for the run has
        no shift in it (a weekend: nobody was due to call)."""
        if item.in_period or not item.covers(self.cov.start, self.cov.end):
            return self  # calls in the period, or no call on one side: add() has said so
        schedule = next((i for i in self.cov.inputs if i.name == "schedule"), None)
        if schedule is not None and not schedule.in_period:
            return self
        if schedule is not None:
            why = f"although the schedule has shifts in it ({item.span()}): a gap in the call-log export?"
        else:
            why = f"({item.span()}): pass --schedule if nobody was due to work then"
        self.cov.gaps.append(f"{item.file} has no call in {self.cov.period} {why}")
        return self

    def add(self, item: InputCoverage, *, required: bool) -> None:
        self.cov.inputs.append(item)
        if item.unreadable_share > self.limit:
            self.cov.gaps.append(f"{item.file}: {item.rows_unreadable} of {item.rows} rows unreadable "
                                 f"({item.unreadable_share:.0%}, more than {self.limit:.0%}): not trusted")
        if required and item.in_period is not None and not item.covers(self.cov.start, self.cov.end):
            noun = NOUNS.get(item.name, "row")
            self.cov.gaps.append(f"{item.file} has no {noun} in {self.cov.period} ({item.span()})")

    def calls_after_as_of(self, file: str, daily: pd.DataFrame, as_of: pd.Timestamp | None) -> "CoverageCheck":
        """Calls of the period on days after the as-of time (by default the latest punch): the
        shifts of those days are pending, not judged, and add no hours, while their calls would
        count (a punch export ending on the 13th doubled every CPH of the month)."""
        if as_of is None or "date" not in daily or "calls" not in daily or daily.empty:
            return self
        days = pd.to_datetime(daily["date"])
        later = (days >= self.cov.start) & (days < self.cov.end) & (days > pd.Timestamp(as_of).normalize()) \
            & (daily["calls"] > 0)
        if not later.any():
            return self
        first, last = days[later].min(), days[later].max()
        when = f"{first:%Y-%m-%d}" if first == last else f"{first:%Y-%m-%d} … {last:%Y-%m-%d}"
        self.cov.gaps.append(f"{Path(file).name} has calls on {when}, after the as-of "
                             f"time {pd.Timestamp(as_of):%Y-%m-%d %H:%M} (the latest punch unless --as-of is given): "
                             "those days' shifts are not judged and add no hours while their calls would count, "
                             "give punches that reach them")
        return self

    def edges(self, item: InputCoverage, until: pd.Timestamp | None = None) -> "CoverageCheck":
        """A dated input must reach both ends of the period: more than
        `coverage.max_edge_gap_days` without a row at its start or its end (up to `until`, the
        as-of time, for a period not over) is a part of the period the export does not cover."""
        if item.first is None or item.last is None or not item.in_period:
            return self
        limit = self.rules.coverage.max_edge_gap_days
        start, end = self.cov.start.normalize(), self.cov.end.normalize()
        if until is not None:
            end = min(end, pd.Timestamp(until).normalize() + pd.Timedelta(days=1))
        noun = NOUNS.get(item.name, "row")
        head = (pd.Timestamp(item.first).normalize() - start).days
        tail = ((end - pd.Timedelta(days=1)) - pd.Timestamp(item.last).normalize()).days
        if head > limit:
            self.cov.gaps.append(f"{item.file} has no {noun} before {item.first:%Y-%m-%d}, {head} days into "
                                 f"{self.cov.period} (more than coverage.max_edge_gap_days = {limit}): the start "
                                 "of the period is not covered")
        if tail > limit:
            self.cov.gaps.append(f"{item.file} has no {noun} after {item.last:%Y-%m-%d}, {tail} days before the end "
                                 f"of {self.cov.period} (more than coverage.max_edge_gap_days = {limit}): the end "
                                 "of the period is not covered")
        return self

    def months(self, name: str, inputs: InputSet) -> "CoverageCheck":
        """A monthly table (KPI scores) must have rows for every whole month of the period."""
        table = inputs.tables.get(name)
        if table is None:
            return self
        months = pd.period_range(self.cov.start, self.cov.end - pd.Timedelta(days=1), freq="M")
        whole = [m for m in months if m.start_time >= self.cov.start and m.end_time < self.cov.end]
        have = set(table.frame[DATE_COLUMNS[name]].dropna().astype(str))  # the reader's YYYY-MM
        lacking = [f"{m}" for m in whole if f"{m}" not in have]
        if lacking:
            self.cov.gaps.append(f"{Path(str(table.path)).name} has no {NOUNS.get(name, 'row')} for "
                                 f"{', '.join(lacking)} ({'a whole month' if len(lacking) == 1 else 'whole months'} "
                                 f"of {self.cov.period})")
        return self

    def missing(self, text: str) -> "CoverageCheck":
        self.cov.gaps.append(text)
        return self

    def feed_gaps(self, roster: pd.DataFrame, schedule: pd.DataFrame | None, punches: pd.DataFrame | None,
                  as_of: pd.Timestamp | None) -> "CoverageCheck":
        """ATT-FEED-GAP days of the period (by the attendance policy's own definition)."""
        if schedule is None or punches is None:
            return self
        from cctool.policy.attendance import build_shifts, feed_gap_days

        shifts = build_shifts(schedule, roster, self.cov.start, self.cov.end, [], "schedule")
        days = feed_gap_days(shifts, punches, self.rules, as_of)
        self.cov.feed_gap_days = days
        if days:
            shown = ", ".join(f"{d:%Y-%m-%d}" for d in days[:10]) + (" …" if len(days) > 10 else "")
            self.cov.gaps.append(f"no punch at all in the centre on {shown} although shifts were scheduled "
                                 f"({len(days)} day(s); a gap in the time-clock feed?): those shifts are "
                                 f"{self.rules.attendance.feed_gap.rule_id} review items")
        return self

    def pending(self, as_of: pd.Timestamp | None, shifts: int | None = None) -> "CoverageCheck":
        self.cov.as_of, self.cov.pending_shifts = as_of, shifts
        return self

    def done(self) -> Coverage:
        return self.cov
