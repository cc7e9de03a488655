"""A sheet's frame as the reader sees it: one boolean style (Yes/No, 是/否), dates as dates,
and, in Chinese, every coded value and explanation in Chinese.

The writer calls `localise_frame` on each sheet just before writing; report builders keep
canonical frames (the same ones JSON is made from).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cctool.frames import NO_TEAM
from cctool.report.phrases import to_zh

YES_NO = {"en": ("Yes", "No"), "zh": ("是", "否")}
NOT_APPLICABLE = {"en": "n/a", "zh": "不适用"}

# Columns holding what the user typed or an identifier: never translated.
RAW_COLUMNS = frozenset({
    "agent_id", "name", "team", "department", "file", "sheet", "column", "value", "request_id", "request_ids",
    "rule_id", "rule_ids", "target_rule", "line", "from_team", "supervisor_id", "month", "quarter", "period",
    "date", "hire_date", "exit_date", "start", "end", "with_agent_id",
    "path",  # a YAML path of the rules file (simulate's Rules diff)
})


def yes_text(lang: str) -> str:
    return YES_NO.get(lang, YES_NO["en"])[0]


def _is_boolean(series: pd.Series) -> bool:
    """A bool column, or an object column of True/False with gaps (pandas keeps those as object)."""
    if pd.api.types.is_bool_dtype(series):
        return True
    if series.dtype != object:
        return False
    values = series.dropna()
    return len(values) > 0 and all(isinstance(v, (bool, np.bool_)) for v in values.tolist())


def _is_datetime_objects(series: pd.Series) -> bool:
    if series.dtype != object:
        return False
    values = series.dropna()
    return len(values) > 0 and all(isinstance(v, (pd.Timestamp, np.datetime64)) or
                                   type(v).__name__ in ("datetime", "date") for v in values.tolist())


def yes_no(series: pd.Series, lang: str) -> pd.Series:
    yes, no = YES_NO.get(lang, YES_NO["en"])
    flags = series.astype(object)
    out = pd.Series(np.where(flags == True, yes, no), index=series.index, dtype=object)  # noqa: E712
    return out.where(series.notna(), None)


def _translated(series: pd.Series) -> pd.Series:
    uniques = series.dropna().unique()
    if not len(uniques):
        return series
    table = {v: to_zh(v) if isinstance(v, str) else v for v in uniques}
    return series.map(table).where(series.notna(), None)


# In user-typed columns, the few values cctool itself writes (or codes the reader maps Chinese
# words to: 运营 → operations) read in Chinese too; everything else stays as typed.
OWN_VALUES_ZH = {
    "department": {"operations": "运营", "support": "支撑", "(all)": "（全部）"},
    "team": {"(all)": "（全部）", NO_TEAM: "（无班组）"},
    "from_team": {NO_TEAM: "（无班组）"},
}


def localise_frame(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Booleans as Yes/No (是/否), datetimes kept in object columns as datetimes, and in Chinese
    every text outside RAW_COLUMNS rendered through the phrasebook."""
    out = {}
    for name in frame.columns:
        col = frame[name]
        if _is_boolean(col):
            col = yes_no(col, lang)
        elif _is_datetime_objects(col):
            col = pd.to_datetime(col)
        elif lang == "zh" and name not in RAW_COLUMNS and (col.dtype == object or pd.api.types.is_string_dtype(col)):
            col = _translated(col)
        elif lang == "zh" and name in OWN_VALUES_ZH and (col.dtype == object or pd.api.types.is_string_dtype(col)):
            col = col.astype(object).replace(OWN_VALUES_ZH[name])
        out[name] = col
    result = pd.DataFrame(out, index=frame.index)
    result.columns = frame.columns
    return result
