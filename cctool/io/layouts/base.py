"""What an adapter gets and gives back: one export in, canonical tables of DATA.md out."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cctool.errors import Issue
from cctool.io.layouts.grid import Grid, Header, data_frame
from cctool.io.layouts.people import match_people
from cctool.rules.model import Limits

PUNCH_COLUMNS = ["agent_id", "time", "direction", "corrected", "_row"]
SCHEDULE_COLUMNS = ["agent_id", "date", "shift_start", "shift_end", "_row"]


@dataclass(frozen=True)
class Context:
    """What an adapter may need besides the file: the roster (to match people), the rules
    file's import settings, and which canonical table is being read."""

    table: str  # punches | schedule | leave
    roster: pd.DataFrame | None
    hours_per_day: float = 8.0
    midday: str = "12:00"
    limits: Limits | None = None  # the rules file's workbook limits (None: the model's defaults)


@dataclass
class LayoutRead:
    layout: str
    table: str  # punch_events | schedule | leave
    path: Path
    sheet: str | None
    frame: pd.DataFrame
    issues: list[Issue]
    rows_read: int
    maps: dict[str, str]  # canonical field -> what in the export gives it
    verdicts: pd.DataFrame | None = None  # the clock's own verdict per person-day
    listed: pd.DataFrame | None = None  # leave requests listed but never counted (withdrawn, …)
    notes: list[str] = field(default_factory=list)
    owners: dict[tuple[str | None, int], str] = field(default_factory=dict)  # (sheet, row) -> agent_id

    def rows_unreadable(self) -> int:
        """Data rows left out for a problem: rows whose person is not known, and rows of a known
        person with an error. Not `rows_read - len(frame)`: an export's rows are not its table's
        rows (a 每日统计 rest day gives no shift, a row gives up to six punches, a withdrawn
        request is listed, an 打卡无效 row is no punch), and those are no unreadable rows."""
        errors = {(i.sheet, i.row) for i in self.issues if i.severity == "error" and i.row is not None}
        return max(self.rows_read - len(self.owners), 0) + len(errors & self.owners.keys())


def owners(grid: Grid, frame: pd.DataFrame, agent: pd.Series) -> dict[tuple[str | None, int], str]:
    """Whose each row is, so an issue about it is that person's (a split payroll file shows
    only its own people's issues)."""
    known = agent.notna()
    return {(grid.sheet, int(r)): str(a) for r, a in zip(frame.loc[known, "_row"], agent[known])}


def column(frame: pd.DataFrame, header: Header, *names: str) -> pd.Series:
    """The text cells of the first header present; all-NA when the export lacks it (an
    optional column deleted by hand)."""
    idx = header.find(*names)
    if idx is None:
        return pd.Series(pd.NA, index=frame.index, dtype=object)
    return frame[idx]


def shown(header: Header, *names: str) -> str | None:
    """The header as written in the file, for messages."""
    idx = header.find(*names)
    if idx is None:
        return None
    return header.shown[idx] if idx < len(header.shown) and header.shown[idx] else names[0]


def identify(frame: pd.DataFrame, header: Header, grid: Grid, ctx: Context, product: str, *,
             no=("工号",), uid=(), name=("姓名",)) -> tuple[pd.Series, list[Issue]]:
    """Match every row to a roster person (people.py) from the export's id and name columns."""
    people = pd.DataFrame({"_no": column(frame, header, *no), "_uid": column(frame, header, *uid) if uid
                           else pd.Series(pd.NA, index=frame.index, dtype=object),
                           "_name": column(frame, header, *name), "_row": frame["_row"]})
    labels = {"_no": shown(header, *no) or no[0], "_uid": (shown(header, *uid) or uid[0]) if uid else "",
              "_name": shown(header, *name) or name[0]}
    return match_people(people, ctx.roster, product, file=str(grid.path), sheet=grid.sheet, labels=labels)


def person_days(grid: Grid, header: Header, ctx: Context, product: str, ids: dict, date_col: str,
                date_example: str) -> tuple[pd.DataFrame, pd.Series, pd.Series, list[Issue]]:
    """The rows of a one-row-per-person-day export: the frame, each row's day (an unreadable
    date is an Issue and the row is excluded) and its roster person (`identify`)."""
    from cctool.io.layouts.values import parse_day

    frame = data_frame(grid, header)
    day_raw = column(frame, header, date_col)
    day, bad_day = parse_day(day_raw)
    issues = bad_cells(grid, frame, bad_day, shown(header, date_col), day_raw,
                       f"expected a date such as {date_example}; row excluded")
    agent, who = identify(frame, header, grid, ctx, product, **ids)
    return frame, day, agent, issues + who


def bad_cells(grid: Grid, frame: pd.DataFrame, mask: pd.Series, col: str | None, values: pd.Series,
              problem: str, severity: str = "error") -> list[Issue]:
    sub = frame.loc[mask.fillna(False).astype(bool)]
    return [Issue(str(grid.path), grid.sheet, int(r), col, None if pd.isna(v) else str(v), problem, severity)
            for r, v in zip(sub["_row"], values[sub.index])]


def empty_punches() -> pd.DataFrame:
    return pd.DataFrame({"agent_id": pd.Series(dtype=object), "time": pd.Series(dtype="datetime64[ns]"),
                         "direction": pd.Series(dtype=object), "corrected": pd.Series(dtype=bool),
                         "_row": pd.Series(dtype="int64")})
