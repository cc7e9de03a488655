"""Clock and approval exports read as they come out of the product (docs/EXPORTS.md).

Each product's layouts live in their own module (dingtalk, dingtalk_leave, wecom, zkteco); this
registry detects which one a sheet is from its title and header, or takes the one the user
forces (`--punches-format`), and hands back the canonical table of DATA.md. A file that is no
known layout returns None and goes to the generic reader.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from cctool.errors import InputError, Issue
from cctool.io.layouts import dingtalk, dingtalk_leave, wecom, zkteco
from cctool.io.layouts.base import Context, LayoutRead
from cctool.io.layouts.grid import PEEK_ROWS, Grid, Header, read_grid, sheet_names
from cctool.rules.model import Limits
from cctool.io.readers import CSV_SUFFIXES, EXCEL_SUFFIXES, split_spec

__all__ = ["LAYOUTS", "PUNCH_FORMATS", "Context", "LayoutRead", "describe", "detect", "read_layout"]


@dataclass(frozen=True)
class Layout:
    name: str
    tables: tuple[str, ...]  # the canonical inputs it can give: punches, schedule, leave
    header: Callable[[Grid], Header | None]
    read: Callable[[Grid, Header, Context], LayoutRead]
    label: str


def _dat_header(grid: Grid) -> Header | None:
    return Header(0, 0, [], []) if zkteco.is_dat(grid) else None


# Order is the preference when a workbook holds several (the full DingTalk 考勤报表): the raw
# punches carry the most, the grid the least.
LAYOUTS: dict[str, Layout] = {layout.name: layout for layout in (
    Layout("dingtalk-raw", ("punches",), dingtalk.raw_header, dingtalk.read_raw, "DingTalk 原始记录"),
    Layout("dingtalk-daily", ("punches", "schedule"), dingtalk.daily_header, dingtalk.read_daily,
           "DingTalk 每日统计"),
    Layout("dingtalk-grid", ("punches",), dingtalk.grid_header, dingtalk.read_grid, "DingTalk 打卡时间"),
    Layout("wecom-detail", ("punches",), wecom.detail_header, wecom.read_detail, "WeCom 打卡详情"),
    Layout("wecom-daily", ("punches", "schedule"), wecom.daily_header, wecom.read_daily,
           "WeCom 概况统计与打卡明细"),
    Layout("zkteco", ("punches",), zkteco.export_header, zkteco.read_export, "ZKTeco software export"),
    Layout("zkteco-daily", ("punches",), zkteco.daily_header, zkteco.read_daily, "ZKTeco daily in/out report"),
    Layout("zkteco-dat", ("punches",), _dat_header, zkteco.read_dat, "ZKTeco attlog.dat"),
    Layout("dingtalk-leave", ("leave",), dingtalk_leave.leave_header, dingtalk_leave.read_leave,
           "DingTalk 审批 (请假)"),
)}
PUNCH_FORMATS = tuple(n for n, lay in LAYOUTS.items() if "punches" in lay.tables)
LAYOUT_TABLES = ("punches", "schedule", "leave")


def _readable(path: Path) -> bool:
    return path.suffix.lower() in EXCEL_SUFFIXES | CSV_SUFFIXES | {".dat"}


def _candidates(path: Path, sheet: str | None, table: str | None,
                limits: Limits | None = None) -> list[tuple[str, str | None, Header]]:
    """(layout, sheet, header) for every sheet of the file that is a known layout."""
    found = []
    for name in ([sheet] if sheet else sheet_names(path, limits)):
        grid = read_grid(path, name, limit=PEEK_ROWS + 2, limits=limits)
        for layout in LAYOUTS.values():
            if table is not None and table not in layout.tables:
                continue
            header = layout.header(grid)
            if header is not None:
                found.append((layout.name, grid.sheet, header))
                break
    return found


def detect(spec: str | Path, table: str | None = None) -> str | None:
    """The layout of a file (its named sheet, or its first sheet that is one), or None."""
    path, sheet = split_spec(spec)
    if not path.exists() or not _readable(path):
        return None
    found = _candidates(path, sheet, table)
    return _preferred(found)[0] if found else None


def _preferred(found):
    order = list(LAYOUTS)
    return min(found, key=lambda f: order.index(f[0]))


def read_layout(spec: str | Path, table: str, ctx: Context, forced: str | None = None) -> LayoutRead | None:
    """Read `spec` as a product export for the canonical `table`; None when it is none."""
    path, sheet = split_spec(spec)
    if forced is not None and forced not in LAYOUTS:
        raise InputError(f"unknown export format {forced!r}; known: {', '.join(LAYOUTS)}")
    if not path.exists() or not _readable(path):
        if forced:
            raise InputError(f"{path}: cannot read it as {forced} (file missing or not .xlsx/.xls/.csv/.dat)")
        return None
    found = _candidates(path, sheet, table, ctx.limits)
    if forced:
        found = [f for f in found if f[0] == forced] or _forced_anyway(path, sheet, forced, ctx.limits)
    if not found:
        return None
    if table == "leave":
        return _canonical_types(_read_all(path, [f for f in found if f[0] == "dingtalk-leave"], ctx))
    name, sheet_name, header = _preferred(found)
    grid = read_grid(path, sheet_name, limits=ctx.limits)
    return _canonical_types(LAYOUTS[name].read(grid, header, ctx))


TEXT_COLUMNS = ("agent_id", "request_id", "leave_word", "approvals", "state")


def _canonical_types(read: LayoutRead) -> LayoutRead:
    """Text columns as the generic reader types them (coerce.to_text: `string`), so an
    export's table joins the canonical ones (merge keys must share a dtype); each issue on a
    row of a known person carries that person (as the generic reader's do)."""
    read.issues = [dataclasses.replace(i, agent_id=read.owners[(i.sheet, i.row)])
                   if i.agent_id is None and (i.sheet, i.row) in read.owners else i for i in read.issues]
    for frame in (read.frame, read.verdicts, read.listed):
        if frame is None:
            continue
        for col in TEXT_COLUMNS:
            if col in frame:
                frame[col] = frame[col].astype("string")
    return read


def _forced_anyway(path: Path, sheet: str | None, forced: str, limits: Limits | None = None):
    layout = LAYOUTS[forced]
    for name in ([sheet] if sheet else sheet_names(path, limits)):
        header = layout.header(read_grid(path, name, limit=PEEK_ROWS + 2, limits=limits))
        if header is not None:
            return [(forced, name, header)]
    raise InputError(f"{path}{f'#{sheet}' if sheet else ''}: does not look like {layout.label} ({forced}): "
                     "the header it needs was not found in the first rows. Check the file or drop --punches-format.")


def _read_all(path: Path, found, ctx: Context) -> LayoutRead:
    """A 2019 approval export has one sheet per form version: read every leave sheet.
    Sheets of the 补卡 (correction) form are not leave and are left out, with a note."""
    reads, notes, skipped = [], [], []
    for name, sheet, header in found:
        if dingtalk_leave.is_correction_form(header):
            notes.append(f"sheet {sheet!r} is the 补卡 (punch correction) form, not leave: not read as leave")
            skipped.append(Issue(str(path), sheet, None, None, None, notes[-1], "warning"))
            continue
        reads.append(LAYOUTS[name].read(read_grid(path, sheet, limits=ctx.limits), header, ctx))
    if not reads:
        raise InputError(f"{path}: no leave (请假) form sheet in this approval export; " + "; ".join(notes))
    first = reads[0]
    if len(reads) == 1:
        first.notes += notes
        first.issues += skipped
        return first
    return LayoutRead(first.layout, first.table, path, None,
                      pd.concat([r.frame for r in reads], ignore_index=True),
                      [i for r in reads for i in r.issues] + skipped, sum(r.rows_read for r in reads), first.maps,
                      listed=pd.concat([r.listed for r in reads if r.listed is not None], ignore_index=True),
                      notes=notes + [f"sheets read: {', '.join(str(r.sheet) for r in reads)}"],
                      owners={k: v for r in reads for k, v in r.owners.items()})


@dataclass(frozen=True)
class Description:
    """What `cctool inspect` shows for a product export."""

    layout: str
    label: str
    sheet: str | None
    table: str
    header_row: int  # Excel row of the (first) header row
    rows: int
    maps: dict[str, str]
    notes: tuple[str, ...]
    kept: int = 0  # rows of the canonical table it gives
    dates: tuple[pd.Timestamp, pd.Timestamp] | None = None
    issues: tuple[Issue, ...] = ()

    def lines(self) -> list[str]:
        where = f" (sheet {self.sheet!r})" if self.sheet else ""
        out = [f"layout: {self.layout} — {self.label}{where}, header at row {self.header_row}, "
               f"{self.rows} data row(s) → {self.table}"]
        out += [f"  {field}: {source}" for field, source in self.maps.items()]
        out += [f"  note: {n}" for n in self.notes]
        return out


# The column that places each canonical table's rows in time, for `inspect`'s dates covered.
_WHEN = {"punch_events": "time", "schedule": "date", "leave": "start"}


def describe(spec: str | Path, table: str | None = None, roster: pd.DataFrame | None = None,
             rules=None) -> Description | None:
    """The detected layout of a file and what it maps, for `cctool inspect`; None if no layout.
    `rules`: the rules file (its export settings and workbook limits), else the defaults."""
    path, sheet = split_spec(spec)
    if not path.exists() or not _readable(path):
        return None
    limits = rules.limits if rules is not None else None
    found = _candidates(path, sheet, table, limits)
    if not found:
        return None
    name, sheet_name, header = _preferred(found)
    layout = LAYOUTS[name]
    use = table or layout.tables[0]
    ctx = Context(use, roster, rules.exports.hours_per_day, rules.exports.half_day_split, limits) \
        if rules is not None else Context(use, roster)
    read = read_layout(f"{path}#{sheet_name}" if sheet_name else path, use, ctx, name) \
        if use != "leave" else read_layout(path, use, ctx)
    when = read.frame.get(_WHEN.get(read.table, ""))
    dates = None
    if when is not None and when.notna().any():
        dates = (pd.Timestamp(when.min()), pd.Timestamp(when.max()))
    return Description(name, layout.label, read.sheet, read.table, header.row + 1, read.rows_read, read.maps,
                       tuple(read.notes), len(read.frame), dates, tuple(read.issues))
