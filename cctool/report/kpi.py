"""Sheets of the kpi-report workbook and its JSON, from a KpiResult; the daily brief's file."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from cctool.policy.kpi import KpiResult
from cctool.report.files import commit, text_output
from cctool.report.labels import text_of
from cctool.report.writer import Sheet, records

PERCENT = ("success_rate", "success_target", "success_gap", "targets_met_share", "abandon_rate")
CPH = ("cph",)  # no TSR hours (CSR lines, no punches or schedule): CPH does not apply, shown n/a (JSON null)
AGENT_SHEET = ["agent_id", "name", "team", "line", "grade", "calls", "connected", "successes", "hours", "cph_basis",
               "cph", "success_rate", "talk_s", "aht_s", "scheduled", "present", "late", "early_leave", "absent_days", "kpi_score",
               "target_rule", "cph_target", "cph_met", "cph_gap", "success_target", "success_met", "success_gap",
               "kpi_target", "kpi_met", "kpi_gap", "targets_met", "rule_ids", "note"]
RECORD_COLUMNS = ["agent_id", "name", "team", "line", "grade", "period", "calls", "connected", "successes", "hours",
                  "cph_basis", "cph", "success_rate", "talk_s", "aht_s", "scheduled", "present", "late", "early_leave", "absent_days",
                  "kpi_score", "target_rule", "cph_target", "cph_met", "cph_gap", "success_target", "success_met",
                  "success_gap", "kpi_target", "kpi_met", "kpi_gap", "targets_met", "rule_ids"]


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in ("cph", "cph_gap", "hours", "cph_hours", "talk_s", "aht_s"):
        if col in out:
            out[col] = out[col].astype("float64").round(2)
    for col in ("success_rate", "success_gap", "targets_met_share", "abandon_rate"):
        if col in out:
            out[col] = out[col].astype("float64").round(4)
    return out


def trend_wide(result: KpiResult, lang: str = "en") -> pd.DataFrame:
    """One row per day, one CPH and one success-rate column per team (the chart's layout)."""
    t = _rounded(result.trend)
    cph = t.pivot(index="date", columns="team", values="cph").add_suffix(" " + text_of("cph_suffix", lang))
    sr = t.pivot(index="date", columns="team", values="success_rate").add_suffix(" " + text_of("success_suffix", lang))
    wide = pd.concat([cph, sr], axis=1).reset_index().rename_axis(columns=None)
    return wide


def kpi_sheets(result: KpiResult, lang: str) -> list[Sheet]:
    agents = _rounded(result.agents)
    agents["attention"] = agents["targets_met"].eq(False).fillna(False).astype(bool)
    teams = pd.concat([result.teams, result.centre], ignore_index=True)
    # The centre is the last row (an unranked team has no rank either: rank does not tell them apart).
    is_centre = pd.Series(teams.index >= len(result.teams), index=teams.index)
    teams = _rounded(teams)
    teams["rank"] = teams["rank"].astype("Int64")
    centre_name = text_of("centre", lang)
    teams["team"] = teams["team"].where(~is_centre, centre_name)
    notes = " ".join(result.notes)
    sheets = [
        Sheet("Agents", agents[AGENT_SHEET + ["attention"]], highlight="attention", percent=PERCENT, not_applicable=CPH,
              note=f"KPI attainment {result.label} (RPT-KPI): one row per agent; highlighted: a grade target not met. "
                   f"Gap = value − target. {notes}".strip()),
        Sheet("Teams", teams, percent=PERCENT, not_applicable=CPH,
              note="Teams ranked by the share of agents meeting every grade target, then success rate, then CPH; "
                   "teams whose share is unknown (no calls or hours) are not ranked; the last row is the centre. "
                   "CPH = CPH calls ÷ CPH hours: the calls and hours of the telesales (TSR) agents with hours; n/a "
                   "without them."),
    ]
    if result.period != "day" and not result.trend.empty:
        wide = trend_wide(result, lang)
        cph_cols = [c for c in wide.columns if c.endswith(" " + text_of("cph_suffix", lang))]
        # CPH does not apply to a team with no hours on any day (CSR lines): left out of the chart
        series = [c for c in cph_cols if wide[c].notna().any()]
        success = " " + text_of("success_suffix", lang)
        sheets.append(Sheet("Trend", wide, percent=tuple(c for c in wide.columns if c.endswith(success)),
                            note="Daily CPH and success rate per team (calls on the day of their shift).",
                            not_applicable=tuple(cph_cols),
                            chart={"type": "line", "categories": "date", "series": series, "date_axis": True,
                                   "title": f"{text_of('cph_trend_chart', lang)}, {result.label}",
                                   "x_title": "date_axis", "y_title": "cph_axis"}))
        sheets.append(Sheet("Trend detail", _rounded(result.trend), percent=PERCENT, not_applicable=CPH,
                            note="One row per team and day; the days add up to the Teams sheet."))
    return sheets


def kpi_json(result: KpiResult) -> dict:
    return {
        "records": records(_rounded(result.agents)[RECORD_COLUMNS]),
        "teams": records(_rounded(result.teams)),
        "centre": records(_rounded(result.centre).drop(columns="rank"))[0] if len(result.centre) else None,
        "trend": records(_rounded(result.trend)),
        "period_start": result.start,
        "period_end": result.end - pd.Timedelta(days=1),
        "notes": list(result.notes),
    }


def write_text(path: Path, text: str) -> None:
    """The brief as a UTF-8 text file, written all or nothing like every report."""
    commit([text_output(path, text)])


def json_text(payload: dict) -> str:
    """The brief's JSON as text (stdout or --out): UTF-8, Chinese kept readable."""
    import json

    return json.dumps(payload, ensure_ascii=False, indent=1, default=str, allow_nan=False) + "\n"
