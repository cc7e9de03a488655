"""Periods as users type them: 2026-10, 2026Q3, 2026-10-14, and `last` / `yesterday`."""
from __future__ import annotations

import datetime as dt
import re

from cctool.errors import CctoolError


def parse_month(text: str, today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    if text.strip().lower() == "last":
        first = today.replace(day=1)
        prev = first - dt.timedelta(days=1)
        return f"{prev.year:04d}-{prev.month:02d}"
    m = re.fullmatch(r"\s*(\d{4})[-/]?(\d{1,2})\s*", text)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise CctoolError(f"--month must look like 2026-10 (or 'last'), got {text!r}")
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


def parse_quarter(text: str, today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    if text.strip().lower() == "last":
        q = (today.month - 1) // 3  # current quarter index 0..3
        year, q = (today.year - 1, 4) if q == 0 else (today.year, q)
        return f"{year}Q{q}"
    m = re.fullmatch(r"\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*", text)
    if not m:
        raise CctoolError(f"--quarter must look like 2026Q3 (or 'last'), got {text!r}")
    return f"{m.group(1)}Q{m.group(2)}"


def quarter_months(quarter: str) -> list[str]:
    year, q = int(quarter[:4]), int(quarter[-1])
    return [f"{year:04d}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]


PERIODS = ("day", "week", "month")


def parse_date(text: str, today: dt.date | None = None) -> dt.date:
    """2026-10-14 (also 2026/10/14), or 'yesterday' / 'today' relative to `today`."""
    today = today or dt.date.today()
    word = text.strip().lower()
    if word == "yesterday":
        return today - dt.timedelta(days=1)
    if word == "today":
        return today
    m = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", word)
    try:
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        pass
    raise CctoolError(f"--date must look like 2026-10-14 (or 'yesterday'), got {text!r}")


def period_bounds(period: str, date: dt.date) -> tuple[dt.date, dt.date]:
    """[first day, day after the last) of the day, the week (Monday to Sunday) or the calendar
    month containing `date`."""
    if period == "day":
        return date, date + dt.timedelta(days=1)
    if period == "week":
        monday = date - dt.timedelta(days=date.weekday())
        return monday, monday + dt.timedelta(days=7)
    if period == "month":
        first = date.replace(day=1)
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        return first, nxt
    raise CctoolError(f"--period must be one of {', '.join(PERIODS)}, got {period!r}")


def period_label(period: str, date: dt.date) -> str:
    """How a report names its period: 2026-10-14, 2026-W42 (2026-10-12..2026-10-18), 2026-10."""
    start, end = period_bounds(period, date)
    if period == "day":
        return start.isoformat()
    if period == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d} ({start.isoformat()}..{(end - dt.timedelta(days=1)).isoformat()})"
    return f"{start.year:04d}-{start.month:02d}"


def parse_as_of(text: str | None) -> dt.datetime | None:
    """`--as-of "2026-11-27 08:00"` (also a bare date: its midnight); None: the default."""
    if text is None:
        return None
    m = re.fullmatch(r"\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*", text)
    try:
        if m:
            parts = [int(p) if p else 0 for p in m.groups()]
            return dt.datetime(*parts)
    except ValueError:
        pass
    raise CctoolError(f"--as-of must look like \"2026-11-27 08:00\" (or 2026-11-27), got {text!r}")


def period_file_label(period: str, date: dt.date) -> str:
    """The `{period}` of a kpi-report file name: the kind and the period, e.g. day-2026-10-14,
    week-2026-W42, month-2026-10 — so daily, weekly and monthly runs write different files."""
    start, _ = period_bounds(period, date)
    if period == "week":
        year, week, _ = start.isocalendar()
        return f"week-{year}-W{week:02d}"
    return f"{period}-{period_label(period, date)}"
def period_start(period: str | dt.date) -> dt.date:
    """The first day of a period as reports name it (2026-10, 2026Q3, 2026-10-14): the day whose
    rules file is in force for the whole period (`--rules` a folder of dated files)."""
    if isinstance(period, dt.date):
        return period
    text = str(period).strip()
    m = re.fullmatch(r"(\d{4})Q([1-4])", text)
    if m:
        return dt.date(int(m.group(1)), 3 * int(m.group(2)) - 2, 1)
    m = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if m:
        return dt.date(int(m.group(1)), int(m.group(2)), 1)
    return parse_date(text)
