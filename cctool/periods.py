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
