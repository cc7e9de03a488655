"""The one report writer every command uses.

- Excel through XlsxWriter (streaming, several times faster than openpyxl on large sheets),
  with `strings_to_formulas` off and every text cell written with `write_string`: a cell
  text beginning with `=`, `+`, `-` or `@` stays text, never a formula.
- Frozen header row, autofilter, widths from the content, date and number formats.
- Every report carries a `Run` sheet (version, rules SHA-256, inputs, period, time) and an
  `Errors` sheet (every input issue with file, sheet, row, column, value).
- Written atomically: a temporary file in the target folder, then `os.replace`. A failed
  run leaves the old report (or none), never a half-written one.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import math
import os
import tempfile
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import xlsxwriter

from cctool import __version__
from cctool.errors import Issue, OutputError
from cctool.report.labels import label, sheet_name

MAX_WIDTH = 60


@dataclass
class InputRecord:
    name: str  # table name: roster, punches, ...
    path: str
    sha256: str
    rows: int


@dataclass
class RunInfo:
    command: str
    period: str
    rules_path: str
    rules_sha256: str
    inputs: list[InputRecord]
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())
    options: dict[str, str] = field(default_factory=dict)


@dataclass
class Sheet:
    """One sheet: a frame whose columns are canonical names, labelled at write time."""

    name: str
    frame: pd.DataFrame
    highlight: str | None = None  # bool column: rows where it is True are highlighted
    percent: tuple[str, ...] = ()  # fraction columns shown as percentages
    money: tuple[str, ...] = ()  # Decimal columns
    note: str | None = None  # one line above the table
    chart: dict | None = None  # {"type": "column", "categories": col, "series": [cols], "title": str}


@functools.lru_cache(maxsize=65536)  # names, teams and kinds repeat down a column
def _display_width(text: str) -> int:
    if text.isascii():  # no ASCII character is East Asian wide
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell_text(value) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value)


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        self.header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                       "valign": "top"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.number = book.add_format({"num_format": "0.##"})
        self.integer = book.add_format({"num_format": "0"})
        self.percent = book.add_format({"num_format": "0.0%"})
        self.money = book.add_format({"num_format": "#,##0.00"})
        self.text = book.add_format({})
        self.highlight = book.add_format({"bg_color": "#FCE4D6", "font_color": "#9C0006"})
        self.note = book.add_format({"italic": True, "font_color": "#595959"})
        self.title = book.add_format({"bold": True, "font_size": 12})


def _column_writer(series: pd.Series, name: str, sheet: Sheet, fmt: _Formats) -> tuple[Callable, list]:
    """Pick how one column is written, and give its values as plain Python objects."""
    if name in sheet.money:
        values = [None if v is None or v is pd.NA else float(v) for v in series.tolist()]
        return "number", fmt.money, values
    if pd.api.types.is_bool_dtype(series):
        return "bool", None, [None if v is pd.NA or v is None else bool(v) for v in series.tolist()]
    if pd.api.types.is_datetime64_any_dtype(series):
        values = series.dt.tz_localize(None) if getattr(series.dt, "tz", None) is not None else series
        is_date = bool((values.dropna() == values.dropna().dt.normalize()).all())
        py = values.dt.to_pydatetime().where(values.notna(), None).tolist()
        return "datetime", fmt.date if is_date else fmt.datetime, py
    if pd.api.types.is_integer_dtype(series):
        return "number", fmt.integer, [None if v is pd.NA or v is None else int(v) for v in series.tolist()]
    if pd.api.types.is_float_dtype(series):
        f = fmt.percent if name in sheet.percent else fmt.number
        return "number", f, [None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else float(v)
                             for v in series.tolist()]
    if isinstance(series.dtype, pd.StringDtype) or pd.api.types.infer_dtype(series, skipna=True) == "string":
        return "text", None, series.fillna("").tolist()  # only str cells: blanks are all there is to convert
    return "text", None, [_cell_text(v) for v in series.tolist()]


def _write_sheet(book: xlsxwriter.Workbook, sheet: Sheet, lang: str, fmt: _Formats) -> None:
    ws = book.add_worksheet(sheet_name(sheet.name, lang))
    frame = sheet.frame
    top = 0
    if sheet.note:
        ws.write_string(0, 0, sheet.note, fmt.note)
        top = 1
    headers = [label(c, lang) for c in frame.columns]
    for j, h in enumerate(headers):
        ws.write_string(top, j, h, fmt.header)
    widths = [min(MAX_WIDTH, max(8, _display_width(h) + 2)) for h in headers]
    for j, name in enumerate(frame.columns):
        kind, cell_format, values = _column_writer(frame[name], name, sheet, fmt)
        r = top + 1
        if kind == "text":
            for i, v in enumerate(values):
                if v:
                    ws.write_string(r + i, j, v)
            sample = values[:2000]
            if sample:
                widths[j] = min(MAX_WIDTH, max(widths[j], max(_display_width(v) for v in sample) + 2))
        elif kind == "bool":
            for i, v in enumerate(values):
                if v is not None:
                    ws.write_boolean(r + i, j, v)
        elif kind == "datetime":
            for i, v in enumerate(values):
                if v is not None:
                    ws.write_datetime(r + i, j, v, cell_format)
            widths[j] = max(widths[j], 12 if cell_format is fmt.date else 20)
        else:
            for i, v in enumerate(values):
                if v is not None and not (isinstance(v, float) and not math.isfinite(v)):
                    ws.write_number(r + i, j, v, cell_format)
            widths[j] = max(widths[j], 10)
    for j, w in enumerate(widths):
        ws.set_column(j, j, w)
    n = len(frame)
    ws.freeze_panes(top + 1, 0)
    if len(frame.columns):
        ws.autofilter(top, 0, top + max(n, 1), len(frame.columns) - 1)
    if sheet.highlight and sheet.highlight in frame.columns and n:
        col = list(frame.columns).index(sheet.highlight)
        letter = xlsxwriter.utility.xl_col_to_name(col)
        ws.conditional_format(top + 1, 0, top + n, len(frame.columns) - 1,
                              {"type": "formula", "criteria": f"=${letter}{top + 2}=TRUE", "format": fmt.highlight})
    if sheet.chart and n:
        _add_chart(book, ws, sheet, top, lang)


def _add_chart(book, ws, sheet: Sheet, top: int, lang: str) -> None:
    spec = sheet.chart
    cols = list(sheet.frame.columns)
    n = len(sheet.frame)
    name = sheet_name(sheet.name, lang)
    chart = book.add_chart({"type": spec.get("type", "column")})
    cat = cols.index(spec["categories"])
    for series in spec["series"]:
        j = cols.index(series)
        chart.add_series({
            "name": [name, top, j],
            "categories": [name, top + 1, cat, top + n, cat],
            "values": [name, top + 1, j, top + n, j],
        })
    chart.set_title({"name": spec.get("title", "")})
    chart.set_size({"width": 720, "height": 400})
    ws.insert_chart(top + 1, len(cols) + 1, chart)


def issues_frame(issues: list[Issue]) -> pd.DataFrame:
    cols = ["file", "sheet", "row", "column", "value", "problem", "severity"]
    if not issues:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    frame = pd.DataFrame([i.as_dict() for i in issues], columns=cols)
    frame["row"] = frame["row"].astype("Int64")
    return frame


def run_frame(run: RunInfo, issues: list[Issue]) -> pd.DataFrame:
    rows = [
        ("tool", f"cctool {__version__}"),
        ("command", run.command),
        ("period", run.period),
        ("run at", run.started_at.isoformat(timespec="seconds")),
        ("rules file", run.rules_path),
        ("rules SHA-256", run.rules_sha256),
        ("errors", str(sum(1 for i in issues if i.severity == "error"))),
        ("warnings", str(sum(1 for i in issues if i.severity != "error"))),
    ]
    rows += [(f"option {k}", v) for k, v in run.options.items()]
    for rec in run.inputs:
        rows.append((f"input {rec.name}", f"{rec.path} | rows {rec.rows} | SHA-256 {rec.sha256}"))
    return pd.DataFrame(rows, columns=["item", "value"])


def _final_mode(confidential: bool) -> int:
    if confidential:
        return 0o600
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write(path: Path, produce: Callable[[Path], None], *, confidential: bool = False) -> None:
    """Have `produce` write a temporary file beside `path`, then move it into place."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create the folder {folder} ({exc.strerror})") from None
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        os.chmod(tmp, _final_mode(confidential))
        produce(tmp)
        os.chmod(tmp, _final_mode(confidential))
        os.replace(tmp, path)
    except PermissionError as exc:
        raise OutputError(f"{path}: cannot write the report ({exc.strerror}); is it open in Excel?") from None
    finally:
        if tmp.exists():
            tmp.unlink()


def write_workbook(path: Path, sheets: list[Sheet], run: RunInfo, issues: list[Issue], *, lang: str = "en",
                   confidential: bool = False, password: str | None = None) -> None:
    def produce(tmp: Path) -> None:
        book = xlsxwriter.Workbook(str(tmp), {
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "nan_inf_to_errors": False, "constant_memory": False,
        })
        book.set_properties({"title": f"cctool {run.command} {run.period}", "comments": f"cctool {__version__}"})
        fmt = _Formats(book)
        for sheet in sheets:
            _write_sheet(book, sheet, lang, fmt)
        _write_sheet(book, Sheet("Errors", issues_frame(issues)), lang, fmt)
        _write_sheet(book, Sheet("Run", run_frame(run, issues)), lang, fmt)
        book.close()
        if password:
            _encrypt_in_place(tmp, password)

    atomic_write(path, produce, confidential=confidential)


def _encrypt_in_place(path: Path, password: str) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = path.read_bytes()
    import io

    with open(path, "wb") as out:
        OOXMLFile(io.BytesIO(plain)).encrypt(password, out)


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        if value.hour == value.minute == value.second == 0 and getattr(value, "microsecond", 0) == 0:
            return value.strftime("%Y-%m-%d")
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if value is pd.NA or value is pd.NaT:
        return None
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def records(frame: pd.DataFrame) -> list[dict]:
    """DataFrame rows as JSON-ready dicts: NA -> null, numpy scalars -> Python."""
    out = frame.astype(object).where(frame.notna(), None)
    return out.to_dict(orient="records")


def json_payload(run: RunInfo, issues: list[Issue], **sections) -> dict:
    """The DATA.md envelope: command, period, rules_sha256, inputs, records, ..., issues."""
    payload = {
        "command": run.command,
        "period": run.period,
        "rules_sha256": run.rules_sha256,
        "inputs": [{"name": r.name, "path": r.path, "sha256": r.sha256, "rows": r.rows} for r in run.inputs],
        "records": sections.pop("records"),
    }
    payload.update(sections)
    payload["issues"] = [i.as_dict() for i in issues]
    return payload


def write_json(path: Path, payload: dict, *, confidential: bool = False) -> None:
    def produce(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False, indent=1, default=_json_default, allow_nan=False)
            fh.write("\n")

    atomic_write(path, produce, confidential=confidential)
