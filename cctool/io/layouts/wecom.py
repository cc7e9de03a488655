"""WeCom (企业微信) 上下班打卡_日报: 概况统计与打卡明细 (one row per person per day, two-level
header, newest day first) and 打卡详情 (one row per punch, 打卡类型 上班/下班). `--` is blank."""
from __future__ import annotations

import pandas as pd

from cctool.io.layouts.base import (PUNCH_COLUMNS, Context, LayoutRead, bad_cells, column, owners, person_days,
                                    shown)
from cctool.io.layouts.dingtalk import _schedule, _verdicts, slot_punches
from cctool.io.layouts.grid import Grid, Header, find_header
from cctool.io.layouts.values import join_words, parse_slot_time, parse_stamp, split_cell_times

SUBS = ("部门", "职务", "工号", "所属规则", "班次", "打卡时间", "打卡状态", "最早", "最晚")
IDS = dict(no=("工号",), uid=("账号",), name=("姓名",))
NO_PUNCH = r"^(?:未打卡|缺卡|无需打卡)"


def daily_header(grid: Grid) -> Header | None:
    h = find_header(grid, ("时间", "姓名", "账号", "班次"), SUBS)
    if h is None:
        return None
    has_slots = bool(h.matching(r"(上班|下班)\d打卡时间")) or h.find("打卡时间记录") is not None
    return h if has_slots else None


def detail_header(grid: Grid) -> Header | None:
    return find_header(grid, ("日期", "姓名", "打卡类型", "实际打卡时间"))


def read_daily(grid: Grid, header: Header, ctx: Context) -> LayoutRead:
    frame, day, agent, issues = person_days(grid, header, ctx, "wecom", IDS, "时间", "2026/02/28 星期六")
    maps = {"agent_id": "工号 → 账号 → 姓名 (roster)", "date": "时间"}
    if ctx.table == "schedule":
        return _schedule(grid, frame, header, agent, day, issues, maps, "wecom-daily")
    if header.matching(r"(上班|下班)\d打卡时间"):
        punches, words = slot_punches(grid, frame, header, agent, day, issues)
        maps.update({"time": "上班N/下班N 打卡时间", "direction": "上班N = in, 下班N = out"})
    else:
        punches = _record_punches(grid, frame, header, agent, day, issues)
        words = pd.Series("", index=frame.index, dtype=object)
        maps.update({"time": "打卡时间记录", "direction": "none: first/last punch of each shift window"})
    maps["corrected"] = "(补卡) after a time or in 打卡状态"
    issues += _unmarked_corrections(grid, frame, header, punches)
    keep = agent.notna() & day.notna()
    words = join_words([words, column(frame, header, "考勤结果")])
    return LayoutRead("wecom-daily", "punch_events", grid.path, grid.sheet, punches, issues, len(frame), maps,
                      verdicts=_verdicts(agent[keep], day[keep], words[keep]), owners=owners(grid, frame, agent))


def _record_punches(grid, frame, header, agent, day, issues) -> pd.DataFrame:
    """打卡时间记录 `09:49 19:43`, `09:00(补卡) 18:09`: punches without a direction."""
    pieces = split_cell_times(column(frame, header, "打卡时间记录"))
    if pieces.empty:
        return pd.DataFrame(columns=PUNCH_COLUMNS)
    slot = parse_slot_time(pieces["value"].set_axis(pieces.index), day.reindex(pieces["cell"]).set_axis(pieces.index))
    out = pd.DataFrame({"agent_id": agent.reindex(pieces["cell"]).to_numpy(), "time": slot["time"].to_numpy(),
                        "direction": None, "corrected": slot["corrected"].to_numpy(),
                        "_row": frame["_row"].reindex(pieces["cell"]).to_numpy()})
    bad = slot["bad"].to_numpy()
    issues += bad_cells(grid, out, pd.Series(bad, index=out.index), shown(header, "打卡时间记录"),
                        pieces["value"].set_axis(out.index), "expected punch times such as 09:49; punch ignored")
    return out[out["time"].notna() & out["agent_id"].notna()].reset_index(drop=True)


def read_detail(grid: Grid, header: Header, ctx: Context) -> LayoutRead:
    frame, day, agent, issues = person_days(grid, header, ctx, "wecom", IDS, "日期", "2026/02/28 星期六")
    kind = column(frame, header, "打卡类型").astype("string").str.strip()
    direction = kind.map({"上班": "in", "下班": "out"})
    issues += bad_cells(grid, frame, kind.notna() & direction.isna(), shown(header, "打卡类型"), kind,
                        "expected 上班 or 下班; the punch is kept without a direction", "warning")
    time_raw = column(frame, header, "实际打卡时间").astype("string")
    no_punch = time_raw.str.contains(NO_PUNCH, regex=True).fillna(False)
    slot = parse_slot_time(time_raw.where(~no_punch), day)
    # A re-saved file may hold a full date and time here.
    full = time_raw.str.match(r"^\d{4}[-/]").fillna(False)
    if full.any():
        stamp, bad_stamp = parse_stamp(time_raw.where(full))
        slot.loc[full, "time"] = stamp[full]
        slot.loc[full, "bad"] = bad_stamp[full]
    issues += bad_cells(grid, frame, slot["bad"] & day.notna(), shown(header, "实际打卡时间"), time_raw,
                        "expected a punch time such as 09:49; row excluded")
    status = column(frame, header, "打卡状态").astype("string")
    corrected = slot["corrected"] | status.str.contains("补卡").fillna(False)
    keep = slot["time"].notna() & agent.notna()
    punches = pd.DataFrame({"agent_id": agent, "time": slot["time"], "direction": direction.astype(object),
                            "corrected": corrected.astype(bool), "_row": frame["_row"]})[keep]
    punches["direction"] = punches["direction"].where(punches["direction"].notna(), None)
    ok = agent.notna() & day.notna()
    maps = {"agent_id": "工号 → 账号 → 姓名 (roster)", "time": "日期 + 实际打卡时间",
            "direction": "打卡类型 上班 = in, 下班 = out", "corrected": "打卡状态 (补卡)"}
    return LayoutRead("wecom-detail", "punch_events", grid.path, grid.sheet,
                      punches[PUNCH_COLUMNS].reset_index(drop=True), issues, len(frame), maps,
                      verdicts=_verdicts(agent[ok], day[ok], status[ok]), owners=owners(grid, frame, agent))


def _unmarked_corrections(grid, frame, header, punches) -> list:
    """WeCom's 补卡次数 of a day against the punches marked (补卡) on that row: a count the
    punches do not show is reported (which punch was corrected is not guessed)."""
    declared_raw = column(frame, header, "补卡次数(次)", "补卡次数")
    declared = pd.to_numeric(declared_raw, errors="coerce").fillna(0)
    marked = punches[punches["corrected"]].groupby("_row").size()
    shown_marked = frame["_row"].map(marked).fillna(0)
    short = declared > shown_marked
    return bad_cells(grid, frame, short, shown(header, "补卡次数(次)", "补卡次数"), declared_raw,
                     "WeCom counts more punch corrections (补卡) this day than punches marked (补卡); "
                     "only the marked ones are counted as corrections", "warning")
