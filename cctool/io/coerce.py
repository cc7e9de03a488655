"""Vectorised type coercion for spreadsheet columns.

Each coercer takes the raw column (an object or string Series as the file gave it: strings
from CSV; str, float, datetime or time objects from Excel) and returns the typed Series and
a boolean mask of the cells that were present but could not be read. Blank cells are NA and
never "bad": whether a blank is allowed is the reader's decision.
"""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from cctool.io.tables import ENUM_SYNONYMS

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# Excel serial day numbers we accept as dates: 1954-10-03 .. 2118-12-31 (anything else is
# almost certainly not a date someone meant).
SERIAL_MIN, SERIAL_MAX = 20000, 80000

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S.%f", "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d %H:%M",
)
TRUE_WORDS = {"true", "t", "yes", "y", "1", "1.0", "是", "对", "有", "√", "✓", "已通过", "通过", "齐全"}
FALSE_WORDS = {"false", "f", "no", "n", "0", "0.0", "否", "不", "无", "×", "✗", "未通过", "不齐全"}
_TIME_RE = re.compile(r"^\s*(\d{1,2})[:：](\d{2})(?:[:：](\d{2})(?:\.\d+)?)?\s*$")


def blank_mask(raw: pd.Series) -> pd.Series:
    """True where a cell is empty (NA, or only whitespace)."""
    isna = raw.isna()
    as_text = raw.astype("string").str.strip()
    return isna | (as_text == "").fillna(True)


def _all_text(raw: pd.Series) -> bool:
    """An object column holding only str cells (and blanks): nothing to convert cell by cell."""
    return raw.dtype == object and pd.api.types.infer_dtype(raw, skipna=True) in ("string", "empty")


def _as_text(raw: pd.Series) -> pd.Series:
    """Text view of a column; whole floats from Excel (1001.0) read as '1001'."""
    if raw.dtype == object and not _all_text(raw):
        def text(v):
            if isinstance(v, float) and v.is_integer():
                return str(int(v))
            return v if isinstance(v, str) else (None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v))
        raw = raw.map(text)
    elif pd.api.types.is_float_dtype(raw):
        raw = raw.map(lambda v: str(int(v)) if pd.notna(v) and float(v).is_integer() else (None if pd.isna(v) else str(v)))
    return raw.astype("string").str.strip()


def to_text(raw: pd.Series):
    text = _as_text(raw)
    text = text.mask(text == "")
    return text, pd.Series(False, index=raw.index)


def to_enum(raw: pd.Series, column: str, choices: tuple[str, ...]):
    text = _as_text(raw)
    folded = text.str.casefold().str.replace(r"[\s\-]", "_", regex=True)
    lookup = {c.casefold(): c for c in choices}
    lookup.update({k.casefold(): v for k, v in ENUM_SYNONYMS.get(column, {}).items()})
    mapped = folded.map(lookup, na_action="ignore").astype("string")
    bad = text.notna() & (text != "") & mapped.isna()
    return mapped, bad


def to_bool(raw: pd.Series):
    folded = _as_text(raw).str.casefold()
    truthy = folded.isin(TRUE_WORDS)
    falsy = folded.isin(FALSE_WORDS)
    present = folded.notna() & (folded != "")
    out = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    out[truthy.fillna(False)] = True
    out[falsy.fillna(False)] = False
    bad = present.fillna(False) & ~(truthy | falsy).fillna(False)
    return out, bad


def to_number(raw: pd.Series, integer: bool = False):
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        out = raw.astype("float64")
        bad = pd.Series(False, index=raw.index)
    else:
        text = _as_text(raw).str.replace(",", "", regex=False)
        out = pd.to_numeric(text, errors="coerce").astype("float64")
        bad = text.notna() & (text != "") & out.isna()
    if integer:
        frac = out.notna() & (out % 1 != 0)
        bad = bad | frac
        out = out.mask(frac).round().astype("Int64")
    return out, bad.fillna(False)


def _parse_text_datetimes(text: pd.Series, formats) -> pd.Series:
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    todo = text.notna() & (text != "")
    for fmt in formats:
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        # pandas 3 reads a year past 2262 ("45931" as %Y%m: 4593-01) at a coarser unit that a
        # nanosecond column cannot hold: such a date is unreadable, never a crash.
        ok = parsed.notna() & (parsed >= pd.Timestamp.min) & (parsed <= pd.Timestamp.max)
        out.loc[ok[ok].index] = parsed[ok].astype("datetime64[ns]")
        todo.loc[ok[ok].index] = False
    return out


def _split_objects(raw: pd.Series):
    """Separate native datetimes and numbers (Excel) from text cells."""
    if raw.dtype != object:
        if pd.api.types.is_datetime64_any_dtype(raw):
            return raw.astype("datetime64[ns]"), pd.Series(np.nan, index=raw.index), pd.Series(pd.NA, index=raw.index, dtype="string")
        if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
            return pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]"), raw.astype("float64"), pd.Series(pd.NA, index=raw.index, dtype="string")
        return pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]"), pd.Series(np.nan, index=raw.index), _as_text(raw)
    if _all_text(raw):
        return _split_objects(_as_text(raw))
    kinds = raw.map(lambda v: "d" if isinstance(v, (dt.datetime, dt.date)) else
                    "t" if isinstance(v, dt.time) else
                    "n" if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) else "s")
    native = pd.to_datetime(raw.where(kinds == "d"), errors="coerce")
    # A bare time object read from Excel: keep it as text "HH:MM:SS" for the time parser.
    times = raw.where(kinds == "t").map(lambda v: v.strftime("%H:%M:%S") if isinstance(v, dt.time) else None)
    numbers = pd.to_numeric(raw.where(kinds == "n"), errors="coerce").astype("float64")
    text = _as_text(raw.where(kinds == "s")).fillna(times.astype("string"))
    return native.astype("datetime64[ns]"), numbers, text


def _numbers_in_text(text: pd.Series) -> pd.Series:
    """Numbers typed as text (Excel serials, fractions of a day); NaN elsewhere. No number
    holds a ':', so date-times and clock times skip the slow number parse."""
    maybe = ~text.str.contains(":", regex=False).fillna(False).astype(bool)
    out = pd.Series(np.nan, index=text.index)
    if maybe.any():
        out[maybe] = pd.to_numeric(text[maybe], errors="coerce").astype("float64")
    return out


def _serial_to_datetime(numbers: pd.Series) -> tuple[pd.Series, pd.Series]:
    ok = numbers.between(SERIAL_MIN, SERIAL_MAX)
    out = EXCEL_EPOCH + pd.to_timedelta((numbers.where(ok) * 86400).round(), unit="s")
    return out.astype("datetime64[ns]"), ok


def to_datetime(raw: pd.Series, date_only: bool = False):
    native, numbers, text = _split_objects(raw)
    numeric_text = _numbers_in_text(text)
    numbers = numbers.fillna(numeric_text)
    text = text.mask(numeric_text.notna())
    formats = DATE_FORMATS + DATETIME_FORMATS if date_only else DATETIME_FORMATS + DATE_FORMATS
    parsed = _parse_text_datetimes(text, formats)
    serial, _ = _serial_to_datetime(numbers)
    out = native.fillna(parsed).fillna(serial)
    present = native.notna() | numbers.notna() | (text.notna() & (text != ""))
    bad = present.fillna(False) & out.isna()
    if date_only:
        has_time = out.notna() & (out != out.dt.normalize())
        bad = bad | has_time
        out = out.dt.normalize().mask(has_time)
    return out, bad


def to_date(raw: pd.Series):
    return to_datetime(raw, date_only=True)


def to_time_seconds(raw: pd.Series):
    """Time of day as seconds since midnight (Int64). Accepts 9:00, 09:00:00, Excel fractions."""
    native, numbers, text = _split_objects(raw)
    numeric_text = _numbers_in_text(text)
    numbers = numbers.fillna(numeric_text)
    text = text.mask(numeric_text.notna())
    parts = text.str.extract(_TIME_RE)
    # float64: pandas 3 reads Arrow text as nullable Int64, which refuses the fractional seconds of a
    # date-time cell filled in below (a TypeError, found by tests/io/test_coerce_distinct.py)
    h = pd.to_numeric(parts[0], errors="coerce").astype("float64")
    m = pd.to_numeric(parts[1], errors="coerce").astype("float64")
    s = pd.to_numeric(parts[2], errors="coerce").astype("float64").fillna(0)
    from_text = (h * 3600 + m * 60 + s).where((h < 24) & (m < 60) & (s < 60))
    # A datetime cell (Excel shows a time but stores 1899-12-30 09:00) contributes its time part.
    from_native = (native - native.dt.normalize()).dt.total_seconds()
    frac = numbers.where((numbers >= 0) & (numbers < 1))
    from_fraction = (frac * 86400).round()
    out = from_text.fillna(from_native).fillna(from_fraction)
    present = native.notna() | numbers.notna() | (text.notna() & (text != ""))
    bad = present.fillna(False) & out.isna()
    return out.round().astype("Int64"), bad


def to_month(raw: pd.Series):
    native, numbers, text = _split_objects(raw)
    parsed = _parse_text_datetimes(text, ("%Y-%m", "%Y/%m", "%Y%m", "%Y年%m月", "%Y.%m") + DATE_FORMATS)
    serial, _ = _serial_to_datetime(numbers)
    out = native.fillna(parsed).fillna(serial)
    present = native.notna() | numbers.notna() | (text.notna() & (text != ""))
    bad = present.fillna(False) & out.isna()
    return out.dt.strftime("%Y-%m").astype("string"), bad


def to_idlist(raw: pd.Series):
    text = _as_text(raw)
    norm = text.str.replace(r"\s*[;,，；、|/]\s*", ";", regex=True).str.strip(";")
    return norm.mask(norm == ""), pd.Series(False, index=raw.index)


# ----------------------------------------------------------------------------- declared formats
# A `format` from the rules file's column mapping (README "Column mapping"): the column is read
# with that format only, never guessed.

_DATE_ORDERS = {"dayfirst": ("%d", "%m"), "monthfirst": ("%m", "%d")}
_TIME_PARTS = (" %H:%M:%S", " %H:%M", " %H:%M:%S.%f", "", "T%H:%M:%S")


def ordered_date_formats(order: str) -> tuple[str, ...]:
    """Every spelling of a day-first (or month-first) date, with or without a time: `/`, `-`
    and `.` separators, four- or two-digit years (1/8/2025, 01-08-2025 06:43:19, 1.8.25 6:43)."""
    a, b = _DATE_ORDERS[order]
    out = []
    for year in ("%Y", "%y"):
        for sep in ("/", "-", "."):
            for time in _TIME_PARTS:
                out.append(f"{a}{sep}{b}{sep}{year}{time}")
    return tuple(out)


def _has_date_part(fmt: str) -> bool:
    return any(code in fmt for code in ("%d", "%m", "%Y", "%y", "%b", "%B", "%j"))


def _epoch_ms(numbers: pd.Series, tz: str | None) -> pd.Series:
    """Milliseconds since 1970-01-01 UTC, shown on the centre's clock (`timezone`, default UTC)."""
    ok = numbers.notna() & numbers.between(0, 4.1e12)  # up to the year 2100
    stamp = pd.to_datetime(numbers.where(ok), unit="ms", utc=True)
    if tz:
        stamp = stamp.dt.tz_convert(tz)
    return stamp.dt.tz_localize(None).astype("datetime64[ns]")


def to_datetime_formatted(raw: pd.Series, fmt: str, tz: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Date-times read with a declared format: a strptime pattern, dayfirst, monthfirst or
    epoch_ms. Native Excel dates are taken as they are (they have no spelling to read)."""
    native, numbers, text = _split_objects(raw)
    if fmt == "epoch_ms":
        numbers = numbers.fillna(pd.to_numeric(text, errors="coerce").astype("float64"))
        parsed = _epoch_ms(numbers, tz)
        out = native.fillna(parsed)
    else:
        formats = ordered_date_formats(fmt) if fmt in _DATE_ORDERS else (fmt,)
        numeric_text = _numbers_in_text(text) if fmt in _DATE_ORDERS else pd.Series(np.nan, index=text.index)
        serial, _ = _serial_to_datetime(numbers.fillna(numeric_text))
        out = native.fillna(_parse_text_datetimes(text, formats)).fillna(serial)
    present = native.notna() | numbers.notna() | (text.notna() & (text != ""))
    bad = present.fillna(False) & out.isna()
    return out.astype("datetime64[ns]"), bad


def to_time_formatted(raw: pd.Series, fmt: str) -> tuple[pd.Series, pd.Series]:
    """Time of day (seconds since midnight) read with a strptime pattern such as '%I:%M %p'."""
    native, numbers, text = _split_objects(raw)
    parsed = _parse_text_datetimes(text, (fmt,))
    secs = (parsed - parsed.dt.normalize()).dt.total_seconds()
    from_native = (native - native.dt.normalize()).dt.total_seconds()
    out = secs.fillna(from_native)
    present = native.notna() | numbers.notna() | (text.notna() & (text != ""))
    bad = present.fillna(False) & out.isna()
    return out.round().astype("Int64"), bad


_DURATION_RE = re.compile(r"^\s*(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)\s*$")


def to_duration_seconds(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A duration in seconds: `00:02:23` (h:mm:ss), `2:23` (m:ss) or `143` (seconds). Excel
    time cells count from midnight; a number is seconds."""
    native, numbers, text = _split_objects(raw)
    if raw.dtype == object:
        deltas = raw.map(lambda v: v.total_seconds() if isinstance(v, dt.timedelta) else np.nan).astype("float64")
        text = text.mask(deltas.notna())
    else:
        deltas = pd.Series(np.nan, index=raw.index)
    plain = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce").astype("float64")
    parts = text.str.extract(_DURATION_RE)
    h = pd.to_numeric(parts[0], errors="coerce").astype("float64").fillna(0)
    m = pd.to_numeric(parts[1], errors="coerce").astype("float64")
    s = pd.to_numeric(parts[2], errors="coerce").astype("float64")
    clock = (h * 3600 + m * 60 + s).where((m < 60) & (s < 60))
    from_native = (native - native.dt.normalize()).dt.total_seconds()
    parts = [p.astype("float64") for p in (plain, clock, numbers, from_native, deltas)]
    out = parts[0]
    for part in parts[1:]:
        out = out.fillna(part)
    out = out.where(out >= 0)
    present = native.notna() | numbers.notna() | deltas.notna() | (text.notna() & (text != ""))
    bad = present.fillna(False) & out.isna()
    return out.astype("float64"), bad
