"""DingTalk approval (审批) exports of the leave form (请假), 2019 (.xls) and 2025 (.xlsx) layouts.

Only a completed, agreed request is a submitted leave request (审批状态 完成/已结束 with 审批结果
同意/审批通过). Withdrawn, rejected and in-progress requests are listed with their state and
never count as leave. The approvers are the people who agreed, in order, in 审批记录
(`name|role|time|result|remark` lines); the export names them, so each is matched to the
roster by name. A link in 图片 / 假期相关证明图片 means the documents are attached.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from cctool.errors import Issue
from cctool.io.layouts.base import Context, LayoutRead, bad_cells, column, identify, owners, shown
from cctool.io.layouts.grid import Grid, Header, data_frame, find_header
from cctool.io.layouts.values import duration_days, parse_day

DONE_STATES = {"完成", "已结束"}
AGREED = {"同意", "审批通过"}
LEAVE_WORDS = {"事假": "personal", "病假": "sick", "年假": "annual"}
APPROVER_ROLES = {"审批人", "审批"}
LEAVE_COLUMNS = ["request_id", "agent_id", "leave_type", "leave_word", "start", "end", "days", "channel",
                 "documents_complete", "approvals", "state", "_row"]
_CLOCK = re.compile(r"(\d{1,2})[:：](\d{2})")


def leave_header(grid: Grid) -> Header | None:
    h = find_header(grid, ("审批编号", "审批状态", "审批结果", "请假类型", "开始时间", "结束时间"))
    return h


def is_correction_form(header: Header) -> bool:
    return header.find("补签时间") is not None


def _bound(raw: pd.Series, is_end: bool, midday_secs: float) -> tuple[pd.Series, pd.Series]:
    """`2019-12-31 09:00` as written; `2019-12-31` the whole day; `上午`/`AM` the morning and
    `下午`/`PM` the afternoon, split at the rules file's midday."""
    text = raw.astype("string").str.strip()
    day, bad = parse_day(text)
    clock = text.str.extract(_CLOCK)
    secs = clock[0].astype("float64") * 3600 + clock[1].astype("float64") * 60
    morning = text.str.contains(r"上午|\bAM\b", regex=True, case=False).fillna(False)
    afternoon = text.str.contains(r"下午|\bPM\b", regex=True, case=False).fillna(False)
    if is_end:
        half = np.where(morning, midday_secs, np.where(afternoon, 86399, np.nan))
        whole = 86399.0  # a date alone ends with its day
    else:
        half = np.where(morning, 0, np.where(afternoon, midday_secs, np.nan))
        whole = 0.0
    offset = secs.fillna(pd.Series(half, index=text.index)).fillna(whole)
    return day + pd.to_timedelta(offset, unit="s"), bad


def approvers(record: pd.Series, history: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Names that agreed, in order, from 审批记录; where that column is missing or blank, the
    历史审批人 list. Second result: lines naming several people in one agreeing step."""
    names, shared = [], []
    for rec, hist in zip(record, history):  # one cell per request: a few hundred a month
        if isinstance(rec, str) and rec.strip():
            agreed, several = [], []
            for line in re.split(r"[\r\n]+", rec):
                parts = [p.strip() for p in line.strip().rstrip(";；").split("|")]
                if len(parts) >= 4 and parts[1] in APPROVER_ROLES and parts[3] in AGREED:
                    who = [n.strip() for n in re.split(r"[,，]", parts[0]) if n.strip()]
                    (agreed if len(who) == 1 else several).extend(who if len(who) == 1 else [parts[0]])
            names.append(agreed)
            shared.append(several)
        elif isinstance(hist, str) and hist.strip():
            names.append([n.strip() for n in re.split(r"[,，]", hist) if n.strip()])
            shared.append([])
        else:
            names.append([])
            shared.append([])
    return pd.Series(names, index=record.index, dtype=object), pd.Series(shared, index=record.index, dtype=object)


def read_leave(grid: Grid, header: Header, ctx: Context) -> LayoutRead:
    frame = data_frame(grid, header)
    issues: list[Issue] = []
    midday = _secs(ctx.midday)
    start, bad_start = _bound(column(frame, header, "开始时间"), False, midday)
    end, bad_end = _bound(column(frame, header, "结束时间"), True, midday)
    issues += bad_cells(grid, frame, bad_start, shown(header, "开始时间"), column(frame, header, "开始时间"),
                        "expected a start such as 2019-12-31 09:00, 2019-12-31 or 2025-08-01 下午; row excluded")
    issues += bad_cells(grid, frame, bad_end, shown(header, "结束时间"), column(frame, header, "结束时间"),
                        "expected an end such as 2019-12-31 18:00, 2019-12-31 or 2025-08-01 上午; row excluded")
    days, bad_days = duration_days(column(frame, header, "时长"), ctx.hours_per_day)
    issues += bad_cells(grid, frame, bad_days, shown(header, "时长"), column(frame, header, "时长"),
                        "expected a length such as 7.5小时 or 1天; the length is counted from the dates", "warning")
    agent, who = identify(frame, header, grid, ctx, "dingtalk", no=("发起人工号",), uid=("发起人UserID", "发起人userid"),
                          name=("发起人姓名", "创建人"))
    issues += who
    word = column(frame, header, "请假类型").astype("string").str.strip()
    state = column(frame, header, "审批状态").astype("string").str.strip()
    outcome = column(frame, header, "审批结果").astype("string").str.strip()
    submitted = (state.isin(DONE_STATES) & outcome.isin(AGREED)).fillna(False)
    link = column(frame, header, "图片", "假期相关证明图片").astype("string")
    names, shared = approvers(column(frame, header, "审批记录"), column(frame, header, "历史审批人", "历史审批人姓名"))
    approvals = _approver_ids(grid, frame, header, names, shared, ctx, issues)
    request_id = column(frame, header, "审批编号")
    blank_id = request_id.isna()
    issues += bad_cells(grid, frame, blank_id, shown(header, "审批编号"), request_id,
                        "no 审批编号 (request number); row excluded")
    out = pd.DataFrame({
        "request_id": request_id, "agent_id": agent,
        "leave_type": word.map(LEAVE_WORDS).fillna("other").astype(object), "leave_word": word.astype(object),
        "start": start, "end": end, "days": days, "channel": "form",
        "documents_complete": link.str.contains(r"https?://", regex=True).fillna(False).astype(bool),
        "approvals": approvals,
        "state": (state.fillna("") + (" / " + outcome).fillna("")).str.strip(" /").astype(object),
        "_row": frame["_row"],
    })[LEAVE_COLUMNS]
    usable = out["agent_id"].notna() & ~blank_id & ~bad_start & ~bad_end & start.notna() & end.notna()
    # A known person's request without a start or end cannot be placed: said, never dropped unseen.
    for col, when in (("开始时间", start), ("结束时间", end)):
        blank = out["agent_id"].notna() & ~blank_id & when.isna() & column(frame, header, col).isna()
        issues += bad_cells(grid, frame, blank, shown(header, col) or col, column(frame, header, col),
                            f"no {col}: the request cannot be placed in time; row excluded")
    backwards = usable & (end < start)
    issues += bad_cells(grid, frame, backwards, shown(header, "结束时间"), column(frame, header, "结束时间"),
                        "leave ends before it starts; row excluded")
    usable &= ~backwards
    maps = {"request_id": "审批编号", "agent_id": "发起人工号 → 发起人UserID → 发起人姓名/创建人 (roster)",
            "leave_type": "请假类型: 事假 personal, 病假 sick, 年假 annual, others other (word kept)",
            "start/end": "开始时间/结束时间 (上午/下午/AM/PM half days)",
            "days": f"时长 (小时 ÷ {ctx.hours_per_day:g} h per day)",
            "approvals": "审批记录: names that agreed, in order (roster by name)",
            "documents_complete": "a link in 图片 / 假期相关证明图片", "counted": "审批状态 完成/已结束 + 审批结果 同意/审批通过"}
    return LayoutRead("dingtalk-leave", "leave", grid.path, grid.sheet,
                      out[usable & submitted].drop(columns="state").reset_index(drop=True), issues, len(frame),
                      maps, listed=out[usable & ~submitted].reset_index(drop=True), owners=owners(grid, frame, agent))


def _approver_ids(grid, frame, header, names, shared, ctx, issues) -> pd.Series:
    """Names -> agent_ids when exactly one roster person has the name; otherwise the name
    stays as written, so the chain check says who it could not place."""
    col = shown(header, "审批记录") or shown(header, "历史审批人", "历史审批人姓名")
    roster = ctx.roster
    counts = roster["name"].value_counts() if roster is not None else pd.Series(dtype="int64")
    by_name = dict(zip(roster["name"], roster["agent_id"])) if roster is not None else {}
    out = []
    for row, these, several in zip(frame["_row"], names, shared):
        ids = []
        for n in these:
            if roster is None:  # `inspect` without a roster: the names as written, nothing to check
                ids.append(n)
            elif counts.get(n, 0) == 1:
                ids.append(by_name[n])
            else:
                why = "several roster people have this name" if counts.get(n, 0) > 1 else "not in the roster"
                issues.append(Issue(str(grid.path), grid.sheet, int(row), col, n,
                                    f"approver {why}: this approval cannot be checked against the chain", "warning"))
                ids.append(n)
        for n in several:
            issues.append(Issue(str(grid.path), grid.sheet, int(row), col, n,
                                "one approval step names several people: not counted as anyone's approval",
                                "warning"))
        out.append(";".join(ids) if ids else None)
    return pd.Series(out, index=frame.index, dtype=object)


def _secs(hhmm: str) -> float:
    h, m = hhmm.split(":")
    return int(h) * 3600 + int(m) * 60
