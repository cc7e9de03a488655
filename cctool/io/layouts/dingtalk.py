"""DingTalk (钉钉) 考勤报表 sheets: 原始记录 (one row per punch), 每日统计 (one row per person
per day, 上班1..3 / 下班1..3) and 打卡时间 (a month grid, several punches per cell).

原始记录 has no in/out: its punches go out with a blank direction and the attendance pairing
takes the first punch of a shift window as the sign-in and the last as the sign-out. The
clock's verdict words (打卡结果) are kept only for the `Clock vs policy` sheet.
"""
from __future__ import annotations

import re

import pandas as pd

from cctool.errors import InputError, Issue
from cctool.io.layouts.base import (PUNCH_COLUMNS, SCHEDULE_COLUMNS, Context, LayoutRead, bad_cells, column,
                                    empty_punches, identify, owners, person_days, shown)
from cctool.io.layouts.grid import Grid, Header, data_frame, find_header
from cctool.io.layouts.values import (join_words, parse_day, parse_slot_time, parse_stamp, shift_periods,
                                      split_cell_times, verdict_categories)

SLOT_SUBS = ("打卡时间", "打卡结果")
IDS = dict(no=("工号",), uid=("UserId", "userid"), name=("姓名",))
CORRECTION_DEVICE = "补卡审批"
INVALID = "打卡无效"
_PERIOD = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})\s*至\s*(\d{4}-\d{1,2}-\d{1,2})")


# ----------------------------------------------------------------------------- detection

def raw_header(grid: Grid) -> Header | None:
    h = find_header(grid, ("姓名", "考勤日期", "打卡时间", "打卡结果"))
    return h if h is not None and h.find("打卡时间") is not None else None


def daily_header(grid: Grid) -> Header | None:
    """姓名 | … | 日期 | 班次 with 上班N/下班N 打卡时间, or without them when the title says it is a
    每日统计 (a copy whose punch columns were deleted by hand still gives the schedule)."""
    h = find_header(grid, ("姓名", "日期", "班次"), SLOT_SUBS)
    if h is None:
        return None
    return h if h.matching(r"(上班|下班)\d打卡时间") or "每日统计" in grid.title() else None


def grid_header(grid: Grid) -> Header | None:
    """R3 `姓名 | … | 打卡时间` with the day labels of the period in R4."""
    h = find_header(grid, ("姓名", "打卡时间"))
    if h is None or h.depth != 1 or h.row + 1 >= len(grid.rows) or not _PERIOD.search(grid.title()):
        return None
    labels = [str(c).strip() if c is not None else "" for c in grid.rows[h.row + 1]]
    days = sum(bool(re.fullmatch(r"\d{1,2}(\.0)?|[一二三四五六日]", x)) for x in labels)
    if days < 2:
        return None
    return Header(h.row, 2, h.names, h.shown)


# ----------------------------------------------------------------------------- 原始记录

def read_raw(grid: Grid, header: Header, ctx: Context) -> LayoutRead:
    frame = data_frame(grid, header)
    issues = []
    result = column(frame, header, "打卡结果").astype("string")
    device = column(frame, header, "打卡设备").astype("string")
    invalid = result.str.startswith(INVALID).fillna(False)
    issues += bad_cells(grid, frame, invalid, shown(header, "打卡结果"), result,
                        "invalid punch (打卡无效): not a punch, ignored", "warning")
    stamp_raw = column(frame, header, "打卡时间")
    time, bad = parse_stamp(stamp_raw)
    issues += bad_cells(grid, frame, bad & ~invalid, shown(header, "打卡时间"), stamp_raw,
                        "expected a punch time such as 2020-11-09 08:26; row excluded")
    blank = time.isna() & ~bad & ~invalid
    issues += bad_cells(grid, frame, blank, shown(header, "打卡时间"), result,
                        "no punch time in this row (a record without a punch); ignored", "warning")
    agent, who = identify(frame, header, grid, ctx, "dingtalk", **IDS)
    issues += who
    keep = time.notna() & ~invalid & agent.notna()
    corrected = (device.str.strip() == CORRECTION_DEVICE).fillna(False) | result.str.contains("补卡").fillna(False)
    punches = pd.DataFrame({"agent_id": agent, "time": time, "direction": None, "corrected": corrected.astype(bool),
                            "_row": frame["_row"]})[keep][PUNCH_COLUMNS].reset_index(drop=True)
    day, _ = parse_day(column(frame, header, "考勤日期"))
    day = day.fillna(time.dt.normalize())
    verdicts = _verdicts(agent[keep], day[keep], result[keep])
    maps = {"agent_id": "工号 → UserId → 姓名 (roster)", "time": shown(header, "打卡时间") or "打卡时间",
            "direction": "none in the export: first/last punch of each shift window",
            "corrected": f"打卡设备 = {CORRECTION_DEVICE} or 打卡结果 补卡审批通过",
            "ignored": f"{int(invalid.sum())} 打卡无效 row(s)"}
    return LayoutRead("dingtalk-raw", "punch_events", grid.path, grid.sheet, punches, issues, len(frame), maps,
                      verdicts=verdicts, owners=owners(grid, frame, agent))


def _verdicts(agent: pd.Series, day: pd.Series, words: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame({"agent_id": agent, "date": day, "word": words.astype(object)}).dropna(subset=["agent_id",
                                                                                                      "date"])
    frame["word"] = frame["word"].fillna("").astype(str).str.replace(r"\s+", " ", regex=True).str.strip()
    grouped = frame.groupby(["agent_id", "date"])["word"].agg(lambda w: "; ".join(x for x in dict.fromkeys(w) if x))
    out = grouped.rename("clock_verdict").reset_index()
    out["clock_categories"] = verdict_categories(out["clock_verdict"])
    return out


# ----------------------------------------------------------------------------- 每日统计

def slot_columns(header: Header) -> list[tuple[str, int, int | None]]:
    """(direction, time column, result/status column) for 上班1..3 / 下班1..3."""
    out = []
    for name, idx in sorted(header.matching(r"(上班|下班)\d打卡时间").items()):
        prefix = name[: -len("打卡时间")]
        result = header.find(prefix + "打卡结果", prefix + "打卡状态")
        out.append(("in" if prefix.startswith("上班") else "out", idx, result))
    return out


def slot_punches(grid: Grid, frame: pd.DataFrame, header: Header, agent: pd.Series, day: pd.Series,
                 issues: list) -> tuple[pd.DataFrame, pd.Series]:
    """One event per filled slot, with its direction; the slots' verdict words per row."""
    parts, words = [], []
    for direction, t_idx, r_idx in slot_columns(header):
        slot = parse_slot_time(frame[t_idx], day)
        status = frame[r_idx].astype("string") if r_idx is not None else pd.Series(pd.NA, index=frame.index,
                                                                                   dtype="string")
        issues += bad_cells(grid, frame, slot["bad"] & day.notna(), header.shown[t_idx] or header.names[t_idx],
                            frame[t_idx], "expected a punch time such as 08:26 or 次日 07:40; punch ignored")
        corrected = slot["corrected"] | status.str.contains("补卡").fillna(False)
        ok = slot["time"].notna() & agent.notna()
        parts.append(pd.DataFrame({"agent_id": agent, "time": slot["time"], "direction": direction,
                                   "corrected": corrected, "_row": frame["_row"]})[ok])
        words.append(status.fillna(""))
    punches = pd.concat(parts, ignore_index=True)[PUNCH_COLUMNS] if parts else empty_punches()
    joined = join_words(words) if words else pd.Series("", index=frame.index)
    return punches.sort_values(["agent_id", "time"], kind="stable").reset_index(drop=True), joined


def read_daily(grid: Grid, header: Header, ctx: Context) -> LayoutRead:
    frame, day, agent, issues = person_days(grid, header, ctx, "dingtalk", IDS, "日期", "21-09-01 星期三")
    maps = {"agent_id": "工号 → UserId → 姓名 (roster)", "date": shown(header, "日期") or "日期"}
    if ctx.table == "schedule":
        return _schedule(grid, frame, header, agent, day, issues, maps, "dingtalk-daily")
    if not slot_columns(header):  # no punches here: never a month of no-shows
        raise InputError(f"{grid.where}: this 每日统计 has no 上班1..3 / 下班1..3 打卡时间 columns (deleted?): it gives "
                         "the schedule (班次), not the punches. Export the punches (原始记录, or 每日统计 with its 打卡时间 "
                         "columns) for --punches.")
    punches, words = slot_punches(grid, frame, header, agent, day, issues)
    keep = agent.notna() & day.notna()
    verdicts = _verdicts(agent[keep], day[keep], words[keep])
    maps.update({"time": " / ".join(header.names[i] for _, i, _ in slot_columns(header)),
                 "direction": "上班N = in, 下班N = out", "corrected": "(补卡) or 补卡审批通过"})
    return LayoutRead("dingtalk-daily", "punch_events", grid.path, grid.sheet, punches, issues, len(frame), maps,
                      verdicts=verdicts, owners=owners(grid, frame, agent))


def _schedule(grid, frame, header, agent, day, issues, maps, layout) -> LayoutRead:
    raw = column(frame, header, "班次")
    periods, free, bad = shift_periods(raw)
    col = shown(header, "班次")
    issues += bad_cells(grid, frame, bad & agent.notna() & day.notna(), col, raw,
                        "班次 without a readable time period (such as A 08:30-18:00); day not scheduled")
    issues += bad_cells(grid, frame, free & agent.notna(), col, raw,
                        "自由工时 (free working hours): no fixed shift, day not audited", "warning")
    sched = periods.assign(agent_id=agent.reindex(periods["cell"]).to_numpy(),
                           date=day.reindex(periods["cell"]).to_numpy(),
                           _row=frame["_row"].reindex(periods["cell"]).to_numpy())
    sched = sched.dropna(subset=["agent_id", "date"])[SCHEDULE_COLUMNS].reset_index(drop=True)
    sched["_row"] = sched["_row"].astype("int64")
    maps.update({"shift_start/shift_end": f"{col or '班次'}: each period is a shift; 休息 / 不在考勤组 are rest days"})
    return LayoutRead(layout, "schedule", grid.path, grid.sheet, sched, issues, len(frame), maps,
                      owners=owners(grid, frame, agent))


# ----------------------------------------------------------------------------- 打卡时间 grid

def grid_dates(grid: Grid, header: Header) -> dict[int, pd.Timestamp]:
    """Column -> date. The title gives the period; a day number names its date in the
    period, a weekday or holiday name (六, 日, 端午节) is the day after the column on its left."""
    found = _PERIOD.search(grid.title())
    start, end = pd.Timestamp(found.group(1)), pd.Timestamp(found.group(2))
    first = header.find("打卡时间")
    labels = grid.rows[header.row + 1]
    by_day = {d.day: d for d in pd.date_range(start, end)}
    out, previous = {}, None
    for idx in range(first, len(labels)):
        label = "" if labels[idx] is None else str(labels[idx]).strip()
        if re.fullmatch(r"\d{1,2}(\.0)?", label):
            date = by_day.get(int(float(label)))
        elif label:
            date = previous + pd.Timedelta(days=1) if previous is not None else start
        else:
            continue
        if date is None:
            raise InputError(f"{grid.where}, row {header.row + 2}: day {label!r} is not in the period "
                             f"{found.group(1)} to {found.group(2)} of the title")
        out[idx] = previous = date
    return out


def read_grid(grid: Grid, header: Header, ctx: Context) -> LayoutRead:
    frame = data_frame(grid, header)
    issues: list = []
    agent, who = identify(frame, header, grid, ctx, "dingtalk", **IDS)
    issues += who
    parts = []
    for idx, date in grid_dates(grid, header).items():
        pieces = split_cell_times(frame[idx])
        if pieces.empty:
            continue
        day = pd.Series(date, index=pieces.index)
        slot = parse_slot_time(pieces["value"], day)
        cell_rows = frame.loc[pieces["cell"], "_row"].to_numpy()
        bad = slot["bad"].to_numpy()
        sub = frame.loc[pieces["cell"][bad]]
        issues += [Issue(
            str(grid.path), grid.sheet, int(r), f"{header.shown[first_col(header)]} {date:%m-%d}", v,
            "expected punch times such as 08:26; punch ignored") for r, v in zip(sub["_row"], pieces["value"][bad])]
        ids = agent.reindex(pieces["cell"]).to_numpy()
        part = pd.DataFrame({"agent_id": ids, "time": slot["time"].to_numpy(), "direction": None,
                             "corrected": slot["corrected"].to_numpy(), "_row": cell_rows})
        parts.append(part[part["time"].notna() & part["agent_id"].notna()])
    punches = pd.concat(parts, ignore_index=True)[PUNCH_COLUMNS] if parts else empty_punches()
    maps = {"agent_id": "工号 → UserId → 姓名 (roster)", "time": "打卡时间 grid, dates from the title's period",
            "direction": "none in the export: first/last punch of each shift window"}
    return LayoutRead("dingtalk-grid", "punch_events", grid.path, grid.sheet, punches, issues, len(frame), maps,
                      owners=owners(grid, frame, agent))


def first_col(header: Header) -> int:
    return header.find("打卡时间") or 0
