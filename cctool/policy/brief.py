"""The morning brief (RPT-DAILY): yesterday's centre and per-team figures, with the change
against the day before and the same weekday a week earlier, in a few lines for SMS or chat.

The figures of each day are those of `kpi-report --period day` for that day (the same
functions of `policy.kpi`: calls on the day of the shift they fall in, hours by
`grading.agent_hours` with the day as its own period, attendance from the attendance audit).
Changes: calls in percent, success rate in percentage points, CPH in calls per hour;
`None` where the earlier figure is missing or zero (no percentage of nothing).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cctool.errors import Issue
from cctool.policy.kpi import (ATTENDANCE_COLUMNS, COUNT_COLUMNS, CPH_BASIS_COLUMNS, OFFERED_COLUMNS, TALK,
                               add_offered, add_rates, agent_day_frame, attendance_days, cph_left_out,
                               daily_hours, few, no_agent_calls, period_agents, success_known)
from cctool.policy.grading import inactive_ids
from cctool.rules.model import Rules

CENTRE = "centre"
FIGURES = ["calls", "connected", "successes", "success_rate", "cph", "hours", "cph_calls", "cph_hours",
           *ATTENDANCE_COLUMNS,
           *OFFERED_COLUMNS, "talk_s", "aht_s"]
COMPARED = ("prev_day", "prev_week")
FORMATS = ("text", "markdown", "json")
WEEKDAYS = {"en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
            "zh": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]}


@dataclass
class Brief:
    date: pd.Timestamp
    prev_day: pd.Timestamp
    prev_week: pd.Timestamp
    figures: pd.DataFrame  # one row per scope (centre first, then teams): FIGURES, their earlier values, changes
    attendance_known: bool
    issues: list[Issue] = field(default_factory=list)
    left_out: tuple[int, list[str]] = (0, [])  # the day's calls of TSR agents without hours (not in CPH), and whose


def compare_days(date) -> tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp]:
    day = pd.Timestamp(date).normalize()
    return day, day - pd.Timedelta(days=1), day - pd.Timedelta(days=7)


def build_brief(date, roster: pd.DataFrame, daily_calls: pd.DataFrame | None, rules: Rules, *,
                schedule: pd.DataFrame | None = None, punches: pd.DataFrame | None = None,
                leave: pd.DataFrame | None = None, excusals: pd.DataFrame | None = None,
                files: dict[str, str] | None = None, as_of: pd.Timestamp | None = None) -> Brief:
    """Centre and team figures of `date`, the day before and a week before. `daily_calls` is
    `daily_call_metrics` over [date − 7 days, date + 1 day)."""
    day, prev_day, prev_week = compare_days(date)
    start, end = prev_week, day + pd.Timedelta(days=1)
    g = rules.grading
    agents = period_agents(roster, start, end)
    issues: list[Issue] = []
    attendance = None
    if schedule is not None and punches is not None:
        attendance, issues = attendance_days(roster, schedule, punches, rules, start, end, leave=leave,
                                             excusals=excusals, files=files, as_of=as_of)
    hours = daily_hours(agents["agent_id"], start, end, g.metrics.hours_basis, punches, schedule, reconcile=False,
                        inactive=inactive_ids(roster))
    rows = agent_day_frame(agents, daily_calls, hours, attendance, g.metrics.cph_calls)
    rows = rows[rows["date"].isin([day, prev_day, prev_week])]
    teams = sorted(agents["team"].unique())
    per_team = _sums(rows, "team", teams, [day, prev_day, prev_week])
    # CPH over the TSR agents' calls and hours (cph_hours), as in kpi-report; hours count everyone.
    centre = _sums(rows.assign(team=CENTRE), "team", [CENTRE], [day, prev_day, prev_week])
    # Calls that reached no agent count in the centre's day only (offered and abandoned).
    unassigned = centre["date"].map(no_agent_calls(daily_calls, start, end)).fillna(0).astype("int64")
    centre = add_offered(centre, unassigned)
    both = add_rates(pd.concat([centre, add_offered(per_team)], ignore_index=True), g,
                     with_success=success_known(daily_calls))

    current = both[both["date"] == day].set_index("team")
    figures = current[FIGURES].copy()
    for name, when in (("prev_day", prev_day), ("prev_week", prev_week)):
        earlier = both[both["date"] == when].set_index("team")[FIGURES].reindex(figures.index)
        for col in FIGURES:
            figures[f"{col}_{name}"] = earlier[col]
        base = earlier["calls"].astype("float64")
        figures[f"calls_change_{name}"] = ((figures["calls"] - base) / base.where(base > 0)).astype("float64")
        figures[f"success_rate_change_{name}"] = (figures["success_rate"] - earlier["success_rate"]).astype("float64")
        figures[f"cph_change_{name}"] = (figures["cph"] - earlier["cph"]).astype("float64")
    figures = figures.reset_index().rename(columns={"team": "scope"})
    figures.insert(1, "date", day)
    figures["rule_id"] = rules.reports.daily.rule_id
    # The day's calls CPH leaves out: TSR agents with calls and no hours (said under the brief).
    today = rows[rows["date"] == day]
    left_out = cph_left_out(today, today["agent_id"].map(agents.set_index("agent_id")["line"]).eq("TSR"),
                            g.metrics.cph_calls)
    return Brief(day, prev_day, prev_week, figures.reset_index(drop=True), attendance is not None, issues, left_out)


def _sums(rows: pd.DataFrame, by: str, keys: list[str], days: list[pd.Timestamp]) -> pd.DataFrame:
    """Sums per key and day, every key × day present (a day without calls is zeros, not missing)."""
    summed = [*COUNT_COLUMNS, "hours", TALK, *CPH_BASIS_COLUMNS]
    sums = rows.groupby([by, "date"])[[*summed, *ATTENDANCE_COLUMNS]].sum(min_count=1)
    full = pd.MultiIndex.from_product([keys, days], names=[by, "date"])
    out = sums.reindex(full).reset_index()
    out[summed] = out[summed].fillna(0)
    out[[*COUNT_COLUMNS, "cph_calls"]] = out[[*COUNT_COLUMNS, "cph_calls"]].astype("int64")
    if rows[ATTENDANCE_COLUMNS].notna().any().any():
        out[ATTENDANCE_COLUMNS] = out[ATTENDANCE_COLUMNS].fillna(0)
    return out


# ----------------------------------------------------------------------------- rendering

TEXT = {
    "en": {"title": "Daily brief {date} ({weekday}) [RPT-DAILY]", "centre": "Centre",
           "line": "{scope}: calls {calls} ({calls_d}, {calls_w}), success {sr_all}, CPH {cph_all}",
           "sr_all": "{sr} ({sr_d}/{sr_w} pp)", "cph_all": "{cph} ({cph_d}/{cph_w})",
           "att": "; present {present}/{scheduled}, late {late}, absent {absent}",
           "offered": "; offered {offered}, abandoned {abandoned} ({abandon_rate}), AHT {aht}",
           "legend": "Changes vs {prev_day} ({pd_wd}) / vs {prev_week} ({pw_wd}).", "na": "n/a",
           "no_calls": "{scope}: no calls",
           "left_out": "CPH leaves out {n} call(s) of TSR agent(s) without hours: {ids}."},
    "zh": {"title": "运营日报 {date}（{weekday}）[RPT-DAILY]", "centre": "全中心",
           "line": "{scope}：呼叫{calls}（{calls_d}，{calls_w}），成功率{sr_all}，CPH {cph_all}",
           "sr_all": "{sr}（{sr_d}/{sr_w}个百分点）", "cph_all": "{cph}（{cph_d}/{cph_w}）",
           "att": "；实到{present}/应到{scheduled}，迟到{late}，旷工{absent}",
           "offered": "；呼叫总量{offered}，未接通{abandoned}（{abandon_rate}），平均处理时长{aht}",
           "legend": "括号内为较前一日 {prev_day}（{pd_wd}）/较上周同日 {prev_week}（{pw_wd}）的变化。", "na": "无",
           "no_calls": "{scope}：无呼叫",
           "left_out": "CPH不计无工时电销坐席的{n}个呼叫：{ids}。"},
}
MD_HEADERS = {
    "en": ["Team", "Calls", "Δ d/d", "Δ w/w", "Success", "Δ d/d pp", "Δ w/w pp", "CPH", "Δ d/d", "Δ w/w",
           "Present/Sched.", "Late", "Absent"],
    "zh": ["班组", "呼叫", "较前日", "较上周", "成功率", "较前日(百分点)", "较上周(百分点)", "CPH", "较前日", "较上周",
           "实到/应到", "迟到", "旷工"],
}


def _num(value, fmt: str, na: str) -> str:
    return na if value is None or pd.isna(value) else format(float(value), fmt)


def _signed(value, fmt: str, na: str, scale: float = 1.0, suffix: str = "") -> str:
    if value is None or pd.isna(value):
        return na
    v = float(value) * scale
    text = format(v, "+" + fmt)
    if float(text) == 0:  # -0.04 shows as 0.0, never "-0.0"
        text = format(0.0, "+" + fmt)
    return text + suffix


def _cells(r: pd.Series, na: str) -> dict[str, str]:
    return {
        "calls": f"{int(r['calls'])}",
        "calls_d": _signed(r["calls_change_prev_day"], ".1f", na, 100, "%"),
        "calls_w": _signed(r["calls_change_prev_week"], ".1f", na, 100, "%"),
        "sr": _num(None if pd.isna(r["success_rate"]) else r["success_rate"] * 100, ".1f", na) +
        ("" if pd.isna(r["success_rate"]) else "%"),
        "sr_d": _signed(r["success_rate_change_prev_day"], ".1f", na, 100),
        "sr_w": _signed(r["success_rate_change_prev_week"], ".1f", na, 100),
        "cph": _num(r["cph"], ".1f", na),
        "cph_d": _signed(r["cph_change_prev_day"], ".1f", na),
        "cph_w": _signed(r["cph_change_prev_week"], ".1f", na),
        "present": _num(r["present"], ".0f", na), "scheduled": _num(r["scheduled"], ".0f", na),
        "late": _num(r["late"], ".0f", na), "absent": _num(r["absent_days"], "g", na),
        "offered": _num(r["offered"], ".0f", na), "abandoned": _num(r["abandoned"], ".0f", na),
        "abandon_rate": na if pd.isna(r["abandon_rate"]) else f"{r['abandon_rate'] * 100:.1f}%",
        "aht": _clock(r["aht_s"], na),
    }


def _clock(seconds, na: str) -> str:
    """AHT as m:ss (h:mm:ss from an hour)."""
    if seconds is None or pd.isna(seconds):
        return na
    total = int(round(float(seconds)))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _scope_name(scope: str, lang: str) -> str:
    return TEXT[lang]["centre"] if scope == CENTRE else scope


def render_text(brief: Brief, lang: str = "en") -> str:
    """A few lines: a title, the centre, one line per team, the legend of the comparisons."""
    t = TEXT[lang]
    wd = WEEKDAYS[lang]
    lines = [t["title"].format(date=f"{brief.date:%Y-%m-%d}", weekday=wd[brief.date.weekday()])]
    for _, r in brief.figures.iterrows():  # one line per team: a handful of rows
        cells = _cells(r, t["na"])
        # A figure that is n/a (no success column, no TSR hours) shows no changes beside it.
        cells["sr_all"] = t["na"] if pd.isna(r["success_rate"]) else t["sr_all"].format(**cells)
        cells["cph_all"] = t["na"] if pd.isna(r["cph"]) else t["cph_all"].format(**cells)
        quiet = r["calls"] == 0 and not (r["calls_prev_day"] or r["calls_prev_week"])
        line = (t["no_calls"] if quiet else t["line"]).format(scope=_scope_name(r["scope"], lang), **cells)
        if brief.attendance_known:
            line += t["att"].format(**cells)
        if r["scope"] == CENTRE and not quiet:
            line += t["offered"].format(**cells)
        lines.append(line)
    lines.append(t["legend"].format(prev_day=f"{brief.prev_day:%m-%d}", pd_wd=wd[brief.prev_day.weekday()],
                                    prev_week=f"{brief.prev_week:%m-%d}", pw_wd=wd[brief.prev_week.weekday()]))
    lines += _left_out(brief, t)
    return "\n".join(lines) + "\n"


def _left_out(brief: Brief, t: dict) -> list[str]:
    n, ids = brief.left_out
    if not n:
        return []
    return [t["left_out"].format(n=n, ids=few(ids))]


def render_markdown(brief: Brief, lang: str = "en") -> str:
    t = TEXT[lang]
    headers = MD_HEADERS[lang] if brief.attendance_known else MD_HEADERS[lang][:10]
    title = t["title"].format(date=f"{brief.date:%Y-%m-%d}", weekday=WEEKDAYS[lang][brief.date.weekday()])
    out = [f"**{title}**", "", "| " + " | ".join(headers) + " |",
           "|" + "|".join(["---"] + ["---:"] * (len(headers) - 1)) + "|"]
    for _, r in brief.figures.iterrows():
        c = _cells(r, t["na"])
        name = _scope_name(r["scope"], lang)
        cells = [f"**{name}**" if r["scope"] == CENTRE else name.replace("|", "\\|"), c["calls"], c["calls_d"],
                 c["calls_w"], c["sr"], c["sr_d"], c["sr_w"], c["cph"], c["cph_d"], c["cph_w"]]
        if brief.attendance_known:
            cells += [f"{c['present']}/{c['scheduled']}", c["late"], c["absent"]]
        out.append("| " + " | ".join(cells) + " |")
    wd = WEEKDAYS[lang]
    out += ["", t["legend"].format(prev_day=f"{brief.prev_day:%m-%d}", pd_wd=wd[brief.prev_day.weekday()],
                                   prev_week=f"{brief.prev_week:%m-%d}", pw_wd=wd[brief.prev_week.weekday()])]
    out += _left_out(brief, t)
    return "\n".join(out) + "\n"


def brief_records(brief: Brief) -> list[dict]:
    """JSON records (canonical names), rates rounded for reading."""
    f = brief.figures.copy()
    for col in f.columns:
        if col.startswith(("success_rate", "calls_change", "abandon_rate")):
            f[col] = f[col].round(4)
        elif col.startswith(("cph", "hours", "aht_s", "talk_s")):
            f[col] = f[col].round(2)
    f["date"] = f["date"].dt.strftime("%Y-%m-%d")
    f = f.astype(object).where(f.notna(), None)
    return [{k: (v.item() if isinstance(v, np.generic) else v) for k, v in rec.items()}
            for rec in f.to_dict(orient="records")]
