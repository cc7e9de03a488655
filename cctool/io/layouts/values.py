"""The value words and formats the clock products write, read column-wise.

Every reader returns NaT/NA for a blank cell and marks a present cell it cannot read as bad,
so the adapter can report it with its row; nothing here guesses.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

# `20-11-09 星期一`, `2026/02/28 星期六`, `2019-12-31`, `2019/12/1`
_DAY = r"(?P<y>\d{4}|\d{2})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?"
_CLOCK = r"(?P<H>\d{1,2})[:：](?P<M>\d{2})(?:[:：](?P<S>\d{2}))?"


def _assemble(parts: pd.DataFrame, with_time: bool) -> pd.Series:
    year = parts["y"].astype("float64")
    year = year.where(year >= 100, year + 2000)
    frame = pd.DataFrame({"year": year, "month": parts["m"].astype("float64"), "day": parts["d"].astype("float64")})
    if with_time:
        frame["hour"] = parts["H"].astype("float64")
        frame["minute"] = parts["M"].astype("float64")
        frame["second"] = parts["S"].astype("float64").fillna(0)
    ok = frame.notna().all(axis=1)
    out = pd.Series(pd.NaT, index=parts.index, dtype="datetime64[ns]")
    if ok.any():
        out[ok] = pd.to_datetime(frame[ok], errors="coerce")
    return out


def _text(raw: pd.Series) -> pd.Series:
    return raw.astype("string").str.strip()


def _distinct(parse):
    """Parse each distinct text once and spread it back (a month's export repeats its dates
    and minute stamps across people), as the generic readers do."""
    def wrapper(raw: pd.Series, *args, **kw):
        text = _text(raw)
        codes, uniques = pd.factorize(text, use_na_sentinel=False)
        if len(uniques) * 2 > len(text):
            return parse(text, *args, **kw)
        values, bad = parse(pd.Series(uniques, dtype="string"), *args, **kw)
        return (pd.Series(values.to_numpy()[codes], index=raw.index),
                pd.Series(bad.to_numpy()[codes], index=raw.index))
    wrapper.__doc__ = parse.__doc__
    return wrapper


@_distinct
def parse_day(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates as the products write them (weekday suffix ignored). (dates, bad mask)"""
    text = _text(raw)
    parts = text.str.extract("^" + _DAY)
    days = _assemble(parts, False)
    return days, text.notna() & days.isna()


@_distinct
def parse_stamp(raw: pd.Series, dayfirst: bool = False) -> tuple[pd.Series, pd.Series]:
    """Date and time in one cell: `2020-11-09 08:26`, `2019/2/15 19:59:14`; with `dayfirst`
    the English ZKTeco export's `01/08/2025 06:43:19` (day/month/year)."""
    text = _text(raw)
    if dayfirst:
        parts = text.str.extract(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})\s+" + _CLOCK)
    else:
        parts = text.str.extract("^" + _DAY + r"[\sT]+" + _CLOCK)
    stamps = _assemble(parts, True)
    return stamps, text.notna() & stamps.isna()


# `08:26`, `次日 07:40`, `08:07外勤`, `09:00(补卡)`, `08:26:00` (a re-saved time cell)
_SLOT = re.compile(r"^(?P<next>次日)?\s*" + _CLOCK + r"\s*(?P<rest>.*)$")


def parse_slot_time(raw: pd.Series, day: pd.Series) -> pd.DataFrame:
    """A punch time of a daily row: `time` on `day` (the next day after `次日`), whether it
    was a correction (`(补卡)`), and a bad mask for text that is not a time."""
    text = _text(raw)
    parts = text.str.extract(_SLOT)
    secs = (parts["H"].astype("float64") * 3600 + parts["M"].astype("float64") * 60
            + parts["S"].astype("float64").fillna(0))
    secs = secs + np.where(parts["next"].notna(), 86400, 0)
    time = day + pd.to_timedelta(secs, unit="s")
    rest = parts["rest"].fillna("")
    # Words after the time (外勤, (补卡)) are fine; another time there is a punch this text
    # would drop unseen (`09:49/19:43`): the cell is reported instead.
    second = rest.str.contains(r"\d{1,2}[:：]\d{2}", regex=True).fillna(False).astype(bool)
    time = time.mask(second)
    return pd.DataFrame({"time": time, "corrected": rest.str.contains("补卡", regex=False).fillna(False).astype(bool),
                         "bad": text.notna() & (secs.isna() | second)}, index=raw.index)


def split_cell_times(cells: pd.Series) -> pd.DataFrame:
    """Several punches in one cell (`'08:26  \\n11:32  \\n17:33  '`, or `09:49 19:43`, a night's
    `21:52 次日 06:03`): one row per punch with the cell's index as `cell`, the text piece as `value`."""
    text = _text(cells).dropna()
    pieces = text.str.split(r"[\n\r]+|(?<!次日)\s(?=\d{1,2}[:：]\d{2})|\s+(?=次日)|\s{2,}", regex=True).explode()
    pieces = pieces.str.strip()
    pieces = pieces[pieces.notna() & (pieces != "")]
    return pd.DataFrame({"cell": pieces.index, "value": pieces.to_numpy()})


# ----------------------------------------------------------------------------- verdict words

# The clock's own verdicts, reduced to the findings cctool can state; only for the
# `Clock vs policy` sheet, never to judge. Order matters: 旷工迟到 is a lateness.
VERDICT_PATTERNS = (
    ("late", r"迟到"),
    ("early_leave", r"早退"),
    ("missing_punch", r"缺卡|未打卡"),
    ("absent", r"^旷工(?!迟到)|[^卡]旷工$"),
    ("leave", r"请假|年假|事假|病假|调休"),
)


def verdict_categories(raw: pd.Series) -> pd.Series:
    """Sorted, comma-joined categories of each verdict text ('' for 正常, 外勤, 出差, 补卡…).
    `管理员…改为正常` is an administrator's override to normal."""
    text = _text(raw).fillna("")
    overridden = text.str.contains("改为正常", regex=False)
    joined = pd.Series("", index=raw.index, dtype=object)
    for name, pattern in VERDICT_PATTERNS:
        hit = text.str.contains(pattern, regex=True) & ~overridden
        joined = joined + np.where(hit, name + ",", "")
    return joined.str.rstrip(",")


def join_words(columns: list[pd.Series], sep: str = "; ") -> pd.Series:
    """Row-wise join of the non-blank texts of several columns, column-wise."""
    if not columns:
        return pd.Series(dtype=object)
    out = pd.Series("", index=columns[0].index, dtype=object)
    for col in columns:
        text = col.astype("string").fillna("").astype(object)
        out = out + np.where((out != "") & (text != ""), sep, "") + text
    return out


def duration_days(raw: pd.Series, hours_per_day: float) -> tuple[pd.Series, pd.Series]:
    """`7.5小时`, `1天`, `0.5天`, `2.0天` -> days (hours ÷ the rules file's hours per day)."""
    text = _text(raw)
    parts = text.str.extract(r"^(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>小时|天|h|d|hours?|days?)?$")
    n = parts["n"].astype("float64")
    unit = parts["unit"].fillna("天")
    days = n.where(~unit.isin(["小时", "h", "hour", "hours"]), n / hours_per_day)
    return days, text.notna() & days.isna()


# ----------------------------------------------------------------------------- 班次

REST_WORDS = ("休息", "不在考勤组", "未排班")
FREE_WORDS = ("自由工时",)
_PERIOD = r"(?P<s>\d{1,2}[:：]\d{2})\s*[-~～至]\s*(?:次日)?\s*(?P<e>\d{1,2}[:：]\d{2})"


def _hhmm_secs(text: pd.Series) -> pd.Series:
    parts = text.str.extract(r"(\d{1,2})[:：](\d{2})")
    return (parts[0].astype("float64") * 3600 + parts[1].astype("float64") * 60).astype("Int64")


def shift_periods(raw: pd.Series) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """`A 08:30-18:00`, `夏令行政岗 08:00-11:20 13:50-16:40`, `09:00-12:00、13:00-18:00`: one row
    per period (`cell` = the row's index, `shift_start`/`shift_end` seconds; an end before the
    start ends next day, as in the canonical schedule). Returns (periods, free-hours mask,
    unreadable mask); 休息 / 不在考勤组 / blank are days without a shift."""
    text = _text(raw)
    periods = text.str.extractall(_PERIOD)
    out = pd.DataFrame({"cell": periods.index.get_level_values(0),
                        "shift_start": _hhmm_secs(periods["s"]).to_numpy(),
                        "shift_end": _hhmm_secs(periods["e"]).to_numpy()})
    rest = text.str.contains("|".join(REST_WORDS), regex=True).fillna(False)
    free = text.str.contains("|".join(FREE_WORDS), regex=True).fillna(False)
    has_period = pd.Series(raw.index.isin(out["cell"]), index=raw.index)
    bad = text.notna() & ~rest & ~free & ~has_period
    return out, free & ~has_period, bad
