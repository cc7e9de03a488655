"""ZKTeco (中控) time clocks: the attendance software's export (one row per punch, no in/out;
the English variant has `Status` C/In, C/Out), its daily in/out report (one row per person,
day and period: 签到时间 in, 签退时间 out) and the device's own `attlog.dat`."""
from __future__ import annotations

import re

import pandas as pd

from cctool.io.layouts.base import (PUNCH_COLUMNS, Context, LayoutRead, bad_cells, column, identify, owners,
                                    person_days, shown)
from cctool.io.layouts.grid import Grid, Header, data_frame, find_header
from cctool.io.layouts.values import parse_slot_time, parse_stamp

DAT_LINE = re.compile(r"^\s*\w+\t\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def export_header(grid: Grid) -> Header | None:
    return find_header(grid, ("考勤号码", "日期时间")) or find_header(grid, ("No.", "Date/Time"))


def read_export(grid: Grid, header: Header, ctx: Context) -> LayoutRead:
    frame = data_frame(grid, header)
    english = header.find("日期时间") is None
    stamp_raw = column(frame, header, "日期时间", "Date/Time")
    time, bad = parse_stamp(stamp_raw, dayfirst=english)
    issues = bad_cells(grid, frame, bad, shown(header, "日期时间", "Date/Time"), stamp_raw,
                       "expected a date and time such as 2019/2/15 19:59:14"
                       + (" (day/month/year)" if english else "") + "; row excluded")
    issues += bad_cells(grid, frame, stamp_raw.isna(), shown(header, "日期时间", "Date/Time"), stamp_raw,
                        "no punch time in this row; ignored", "warning")
    agent, who = identify(frame, header, grid, ctx, "zkteco", no=("考勤号码", "No."), name=("姓名", "Name"))
    issues += who
    status = column(frame, header, "Status").astype("string").str.casefold().str.strip()
    direction = pd.Series(None, index=frame.index, dtype=object)
    direction[status.str.endswith("in").fillna(False)] = "in"
    direction[status.str.endswith("out").fillna(False)] = "out"
    keep = time.notna() & agent.notna()
    punches = pd.DataFrame({"agent_id": agent, "time": time, "direction": direction, "corrected": False,
                            "_row": frame["_row"]})[keep][PUNCH_COLUMNS].reset_index(drop=True)
    maps = {"agent_id": ("No." if english else "考勤号码") + " → 姓名 (roster)",
            "time": "Date/Time (day first)" if english else "日期时间",
            "direction": "Status C/In, C/Out" if english else "none in the export: first/last punch of each shift"}
    return LayoutRead("zkteco", "punch_events", grid.path, grid.sheet, punches, issues, len(frame), maps,
                      owners=owners(grid, frame, agent))


def daily_header(grid: Grid) -> Header | None:
    return find_header(grid, ("考勤号码", "日期", "签到时间", "签退时间"))


def read_daily(grid: Grid, header: Header, ctx: Context) -> LayoutRead:
    """`考勤号码 | 姓名 | 日期 | 对应时段 | 签到时间 | 签退时间 | 迟到时间 | 早退时间 | 是否旷工`: the
    first punch of the period (签到 = in) and the last (签退 = out); a 签退 not after the 签到
    of its row is the next morning (a night period). The clock's own verdicts (迟到时间,
    早退时间, 是否旷工) are not read: cctool judges the punches by the rules file."""
    frame, day, agent, issues = person_days(grid, header, ctx, "zkteco", dict(no=("考勤号码",), name=("姓名",)),
                                            "日期", "2019/12/1")
    slots = {}
    for col, direction in (("签到时间", "in"), ("签退时间", "out")):
        raw = column(frame, header, col)
        slot = parse_slot_time(raw, day)
        issues += bad_cells(grid, frame, slot["bad"] & day.notna(), shown(header, col), raw,
                            "expected a punch time such as 08:40; punch ignored")
        slots[direction] = slot
    has_in, has_out = slots["in"]["time"].notna(), slots["out"]["time"].notna()
    # Strictly before: a sign-out in the sign-in's own minute is a double tap, not the next morning.
    overnight = has_in & has_out & (slots["out"]["time"] < slots["in"]["time"])
    slots["out"].loc[overnight, "time"] += pd.Timedelta(days=1)
    # Without its 签到 a morning 签退 cannot be dated: the row's day, or the next morning of a
    # night period. Kept on the row's day, and said, so a reviewer can check the pairing.
    lone = has_out & ~has_in & agent.notna() & (slots["out"]["time"].dt.hour < 12)
    issues += bad_cells(grid, frame, lone, shown(header, "签退时间"), column(frame, header, "签退时间"),
                        "a morning 签退 without a 签到 is taken on the row's date; if it ends a night period "
                        "it belongs to the next morning (check the pairing)", "warning")
    parts = []
    for direction, slot in slots.items():
        keep = slot["time"].notna() & agent.notna()
        parts.append(pd.DataFrame({"agent_id": agent, "time": slot["time"], "direction": direction,
                                   "corrected": slot["corrected"], "_row": frame["_row"]})[keep])
    punches = pd.concat(parts, ignore_index=True)[PUNCH_COLUMNS]
    punches = punches.sort_values(["agent_id", "time"], kind="stable").reset_index(drop=True)
    maps = {"agent_id": "考勤号码 → 姓名 (roster)", "date": "日期", "time": "签到时间 / 签退时间",
            "direction": "签到时间 = in, 签退时间 = out (a 签退 before its 签到: next day)"}
    return LayoutRead("zkteco-daily", "punch_events", grid.path, grid.sheet, punches, issues, len(frame), maps,
                      owners=owners(grid, frame, agent))


def is_dat(grid: Grid) -> bool:
    lines = ["\t".join("" if c is None else str(c) for c in r) for r in grid.rows[:5]]
    lines = [x for x in lines if x.strip()]
    return bool(lines) and all(DAT_LINE.match(x) for x in lines)


def read_dat(grid: Grid, header: Header | None, ctx: Context) -> LayoutRead:
    """`  1001\\t2020-12-01 07:56:36\\t1\\t0\\t1\\t0`: user number (right-aligned), time, device flags."""
    cells = [(r + [None, None])[:2] for r in grid.rows]
    frame = pd.DataFrame(cells, columns=[0, 1], dtype=object)
    frame["_row"] = range(1, len(frame) + 1)
    frame = frame[frame[[0, 1]].apply(lambda s: s.astype("string").str.strip().fillna("") != "").any(axis=1)]
    frame = frame.reset_index(drop=True)
    time, bad = parse_stamp(frame[1])
    issues = bad_cells(grid, frame, bad | frame[1].isna(), "time (2nd field)", frame[1],
                       "expected a date and time such as 2020-12-01 07:56:36; line excluded")
    flat = Header(0, 0, ["考勤号码", "时间"], ["user number", "time"])
    agent, who = identify(frame, flat, grid, ctx, "zkteco", no=("考勤号码",), name=("姓名",))
    issues += who
    keep = time.notna() & agent.notna()
    punches = pd.DataFrame({"agent_id": agent, "time": time, "direction": None, "corrected": False,
                            "_row": frame["_row"]})[keep][PUNCH_COLUMNS].reset_index(drop=True)
    maps = {"agent_id": "user number (1st field) = 工号", "time": "2nd field",
            "direction": "none in the file: first/last punch of each shift window"}
    return LayoutRead("zkteco-dat", "punch_events", grid.path, None, punches, issues, len(frame), maps,
                      owners=owners(grid, frame, agent))
