"""The one report writer every command uses.

- Excel through XlsxWriter for the structure (sheets, header and note rows, formats, widths,
  freeze panes, autofilter, highlight, charts, properties); the data rows are generated column
  by column with array operations and put into the sheets XlsxWriter wrote (see "fast data
  rows" below), several times faster than XlsxWriter's per-cell writes on large sheets.
- Data text cells are inline strings, note and header cells `write_string` with
  `strings_to_formulas` off: a cell text beginning with `=`, `+`, `-` or `@` stays
  text, never a formula.
- Frozen header row, autofilter, widths from the content, date and number formats.
- Every report carries a `Run` sheet (version, rules SHA-256, inputs, period, time) and an
  `Errors` sheet (every input issue with file, sheet, row, column, value).
- Written all or nothing (`cctool.report.files.commit`): the workbook, the JSON and every split
  file of a run are renamed into place together, or none is. `workbook_output`/`json_output`
  describe a file for `commit`; `write_workbook`/`write_json` commit one file alone.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import json
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from cctool import __version__
from cctool.errors import Issue, OutputError
from cctool.progress import task
from cctool.report.files import Output, atomic_write, bytes_output, commit  # noqa: F401  (atomic_write: public name)
from cctool.report.labels import label, sheet_name, sheet_name_of_table, text_of
from cctool.report.localise import NOT_APPLICABLE, localise_frame, yes_text
from cctool.report.phrases import localise

MAX_WIDTH = 60
WRAP_WIDTH = 70  # long texts (explanations, reasons) wrap at this width instead of being cut off
LINE_HEIGHT = 15.0  # points per wrapped line (Excel's default row height for 11-point Calibri)
MAX_ROW_HEIGHT = 409.0  # Excel's limit
# Columns holding dates, or date-times for half days (DATA.md leave `start`/`end`): a midnight there is a
# whole day and shows as a date; elsewhere (a sign-in at 00:00:00) it keeps its time.
DAY_OR_TIME = frozenset({"start", "end"})


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
    # chart keys beyond those: "percent": True (value axis 0-based, in %), "target": col (drawn as a line),
    # "date_axis": True (categories are dates), "x_title" / "y_title": canonical labels of the axes
    not_applicable: tuple[str, ...] = ()  # numeric columns whose gaps read "n/a" (the measure does not apply)


@functools.lru_cache(maxsize=65536)  # names, teams and kinds repeat down a column
def _display_width(text: str) -> int:
    if text.isascii():  # no ASCII character is East Asian wide
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _display_widths(texts: list[str]) -> np.ndarray:
    """`_display_width` of every text at once: a column's texts (the Events sheet's reasons: a
    million characters) are mostly distinct, so the per-text cache does not help. The width of
    each distinct character is looked up once; each text then costs two C-level string calls."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    joined = "".join(texts)
    if joined.isascii():
        return lengths
    wide = {ord(ch): None for ch in set(joined) if unicodedata.east_asian_width(ch) in "WF"}
    if not wide:
        return lengths
    narrow_lengths = np.fromiter((len(t.translate(wide)) for t in texts), dtype=np.int64, count=len(texts))
    return 2 * lengths - narrow_lengths  # each wide character counts twice


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        self.header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                       "valign": "top"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.datetime_minutes = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.not_applicable = book.add_format({"align": "right", "font_color": "#808080"})
        self.number = book.add_format({"num_format": "0.##"})
        self.integer = book.add_format({"num_format": "0"})
        self.percent = book.add_format({"num_format": "0.0%"})
        self.money = book.add_format({"num_format": "#,##0.00"})
        self.text = book.add_format({})
        self.highlight = book.add_format({"bg_color": "#FCE4D6", "font_color": "#9C0006"})
        self.note = book.add_format({"italic": True, "font_color": "#595959"})
        self.title = book.add_format({"bold": True, "font_size": 12})

    @staticmethod
    def xf(cell_format: xlsxwriter.format.Format) -> int:
        """The style index (`s="…"`) of a format used by injected cells. XlsxWriter gives a format its
        index when a cell using it is first written (worksheet._write_cell calls _get_xf_index), and
        only formats with an index go into styles.xml; the injected cells bypass that, so ask here.
        Idempotent; a format equal to an earlier one gets the earlier one's index."""
        return cell_format._get_xf_index()


# ---------------------------------------------------------------------------- fast data rows
#
# XlsxWriter writes the structure of every sheet (note row, header row, formats, widths, freeze
# panes, autofilter, conditional formats, charts, properties); the data rows are generated here
# as `<row>` XML, column by column with array operations (no Python loop per cell), and put into
# the sheet XML XlsxWriter produced (`_inject_rows`): XlsxWriter's own cell writing costs ~5 µs a
# cell, several seconds on a large report.
#
# Cells: text as inline strings (`t="inlineStr"`, never a formula: a text beginning with = + - @
# stays text), XML-escaped, characters illegal in XML 1.0 dropped; numbers as the shortest repr
# that round-trips (NaN/inf -> no cell); booleans `t="b"`; datetimes as Excel serial numbers in
# the date or date-time format; None/NA/"" -> no cell.

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_TEXT = 32_767  # characters (UTF-16 units) in one cell
_SEP = "\x00"  # joins a column's texts for whole-column escaping; NUL is illegal in XML, so dropped anyway
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ILLEGAL_XML_BUT_SEP = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel reads "_xHHHH_" in a text as an escaped character; a literal one is written "_x005F_xHHHH_"
# (what XlsxWriter does too), so Excel shows the text as it is.
_EXCEL_ESCAPE = re.compile("(_x[0-9A-Fa-f]{4}_)")
_EPOCH = np.datetime64("1899-12-31T00:00:00", "ns")
_NS_PER_DAY = 86_400 * 10**9


@dataclass
class _Column:
    """One column's cells: `<c r="{letter}{row}{mid}{value}{end}` where `present`."""

    kind: str  # "number", "bool" or "text"
    mid: str
    end: str
    values: np.ndarray  # object array of XML-ready value texts
    present: np.ndarray  # bool: this row has a cell in this column
    width: int = 0  # minimum column width for this kind of value
    texts: list[str] | None = None  # text columns: the plain texts ("" for no cell)
    chart_mask: np.ndarray | None = None  # number columns with "n/a" cells: the rows holding a number

    def chart_cache(self) -> list:
        """The values as XlsxWriter caches them in a chart that refers to them (it reads them from the
        cells it wrote: numbers as %.16g, texts as they are, nothing for booleans or no cell)."""
        if self.texts is not None:
            return [t if t else None for t in self.texts]
        if self.kind == "number":
            mask = self.present if self.chart_mask is None else self.chart_mask
            return [f"{float(v):.16g}" if p else None for v, p in zip(self.values.tolist(), mask.tolist())]
        return [None] * len(self.values)


@dataclass
class _SheetRows:
    """The data rows of one sheet, ready to go into its XML."""

    xml: bytes
    last_row: int  # 0-based, of the last row written
    last_col: int


def _number_column(values: np.ndarray, xf: int, width: int = 10) -> _Column:
    values = np.asarray(values, dtype="float64")
    present = np.isfinite(values)
    text = np.empty(len(values), dtype=object)
    text[present] = list(map(repr, values[present].tolist()))  # shortest text that round-trips
    return _Column("number", f'" s="{xf}"><v>', "</v></c>", text, present, width)


def _excel_serial(values: pd.Series) -> np.ndarray:
    """datetime64 -> Excel 1900-system serial numbers, as XlsxWriter's write_datetime computes them."""
    ns = values.to_numpy(dtype="datetime64[ns]")
    missing = np.isnat(ns)
    delta = (ns - _EPOCH).astype("int64")
    days = delta // _NS_PER_DAY
    rest = delta - days * _NS_PER_DAY
    seconds, nanos = np.divmod(rest, 10**9)
    serial = days + (seconds + (nanos // 1000) / 1e6) / 86_400  # microseconds, as datetime does
    serial = np.where(serial > 59, serial + 1, serial)  # Excel's 29 Feb 1900
    serial[(ns >= np.datetime64("1900-01-01")) & (ns < np.datetime64("1900-01-02"))] -= 1
    serial[missing] = np.nan
    return serial


def _xml_texts(values: list[str]) -> list[str]:
    """Escape a column's texts for XML in a few whole-column string operations."""
    joined = _SEP.join(values)
    if joined.count(_SEP) != len(values) - 1:  # a text holds the separator itself: rare, per cell
        values = [_ILLEGAL_XML.sub("", v) for v in values]
        joined = _SEP.join(values)
    if "&" in joined:
        joined = joined.replace("&", "&amp;")
    if "<" in joined:
        joined = joined.replace("<", "&lt;")
    if ">" in joined:
        joined = joined.replace(">", "&gt;")
    if _ILLEGAL_XML_BUT_SEP.search(joined):
        joined = _ILLEGAL_XML_BUT_SEP.sub("", joined)
    if "_x" in joined:
        joined = _EXCEL_ESCAPE.sub(r"_x005F\1", joined)
    return joined.split(_SEP)


def _truncate(text: str) -> str:
    """Cut a text to Excel's limit of 32,767 UTF-16 units a cell, as XlsxWriter's write_string does."""
    length = 0
    for i, ch in enumerate(text):
        length += 2 if ord(ch) > 0xFFFF else 1
        if length > EXCEL_MAX_TEXT:
            return text[:i]
    return text


def _text_values(series: pd.Series) -> list[str]:
    """The text of each cell: str(value), blank for None/NA/NaN/NaT."""
    if isinstance(series.dtype, pd.StringDtype) or pd.api.types.infer_dtype(series, skipna=True) == "string":
        return series.fillna("").tolist()
    missing = series.isna().to_numpy()
    text = series.astype(object).to_numpy(copy=True)
    text[missing] = ""
    return list(map(str, text.tolist()))


def _text_column(series: pd.Series, xf: int | None = None) -> _Column:
    if isinstance(series.dtype, pd.StringDtype) or (series.dtype == object and
                                                    pd.api.types.infer_dtype(series, skipna=True) == "string"):
        # Only text: each distinct text is cut and escaped once and its cells share the result
        # (kinds, rule IDs, teams, names repeat down a sheet; a string per cell twice over was
        # ~0.2 GB of the Events sheet at 100,000 agents).
        codes, distinct = pd.factorize(series)
        values, text, present = _text_cells(distinct.tolist() + [""], codes)  # code -1 (missing): the ""
    else:
        values, text, present = _text_cells(_text_values(series), None)
    return _Column("text", _text_mid(xf), "</t></is></c>", text, present, texts=values)


def _text_mid(xf: int | None) -> str:
    style = f' s="{xf}"' if xf is not None else ""
    return f'"{style} t="inlineStr"><is><t xml:space="preserve">'


def _text_cells(values: list[str], codes: np.ndarray | None) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(the cells' texts, their XML, which are not blank) from `values`, one per cell or (with
    `codes`) one per distinct text, taken by code."""
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    if len(values) and lengths.max() > EXCEL_MAX_TEXT // 2:  # may be over the limit in UTF-16 units
        for i in np.flatnonzero(lengths > EXCEL_MAX_TEXT // 2).tolist():
            values[i] = _truncate(values[i])
    text = np.array(_xml_texts(values), dtype=object)
    if codes is None:
        return values, text, lengths > 0
    return np.asarray(values, dtype=object)[codes].tolist(), text[codes], (lengths > 0)[codes]


def _with_not_applicable(column: _Column, text: str, xf: int) -> _Column:
    """Cells where the measure does not apply (no value) say so in text instead of staying blank or 0;
    charts skip them (XlsxWriter's cache leaves text out of a number series)."""
    missing = ~column.present
    if not missing.any():
        return column
    mid = np.full(len(missing), column.mid, dtype=object)
    end = np.full(len(missing), column.end, dtype=object)
    values = column.values.copy()
    mid[missing] = f'" s="{xf}" t="inlineStr"><is><t xml:space="preserve">'
    end[missing] = "</t></is></c>"
    values[missing] = _xml_texts([text])[0]
    return _Column(column.kind, mid, end, values, np.ones(len(missing), dtype=bool), column.width,
                   chart_mask=column.present)


def _encode_column(series: pd.Series, name: str, sheet: Sheet, fmt: "_Formats") -> _Column:
    """The cells of one column, typed as the column's dtype says."""
    if name in sheet.money:
        return _number_column(series.to_numpy(dtype="float64", na_value=np.nan), fmt.xf(fmt.money))
    if pd.api.types.is_bool_dtype(series):
        present = series.notna().to_numpy()
        flags = series.to_numpy(dtype=bool, na_value=False)
        return _Column("bool", '" t="b"><v>', "</v></c>", np.where(flags, "1", "0").astype(object), present)
    if pd.api.types.is_datetime64_any_dtype(series):
        values = series.dt.tz_localize(None) if getattr(series.dt, "tz", None) is not None else series
        known = values.dropna()
        is_date = bool((known == known.dt.normalize()).all())
        # seconds only where they matter (a sign-in at 08:11:04 is late by its seconds; a shift start is not)
        to_minute = bool((known == known.dt.floor("min")).all())
        cell_format = fmt.date if is_date else (fmt.datetime_minutes if to_minute else fmt.datetime)
        column = _number_column(_excel_serial(values), fmt.xf(cell_format), 12 if is_date else (17 if to_minute else 20))
        if not is_date and name in DAY_OR_TIME:  # leave from 2026-07-01 to 2026-07-03 12:00: whole days as dates
            midnight = (values == values.dt.normalize()).to_numpy()
            if midnight.any():
                column.mid = np.where(midnight, f'" s="{fmt.xf(fmt.date)}"><v>', column.mid).astype(object)
        return column
    if pd.api.types.is_integer_dtype(series):
        present = series.notna().to_numpy()
        ints = series.to_numpy(dtype="int64", na_value=0)
        text = np.empty(len(ints), dtype=object)
        text[present] = list(map(str, ints[present].tolist()))
        return _Column("number", f'" s="{fmt.xf(fmt.integer)}"><v>', "</v></c>", text, present, 10)
    if pd.api.types.is_float_dtype(series):
        cell_format = fmt.percent if name in sheet.percent else fmt.number
        return _number_column(series.to_numpy(dtype="float64", na_value=np.nan), fmt.xf(cell_format))
    return _text_column(series)


# Rows turned into XML at a time: the pieces of a chunk (five a cell) are an object array of
# ~rows × 5 × columns pointers; a whole 100,000-row sheet at once held ~1 GB of them and their copies.
ROW_CHUNK = 8192


def _data_rows(frame: pd.DataFrame, columns: list[_Column], first_row: int,
               heights: np.ndarray | None = None) -> _SheetRows | None:
    """`<row>` elements for the frame's rows from sheet row `first_row` (0-based) down; rows without
    a cell are left out, as XlsxWriter leaves them out."""
    n, k = len(frame), len(columns)
    if not n or not k:
        return None
    if first_row + n > EXCEL_MAX_ROWS:
        raise OutputError(f"{n:,} rows do not fit in one Excel sheet (at most {EXCEL_MAX_ROWS - first_row:,})")
    any_cell = np.zeros(n, dtype=bool)
    last_col = 0
    for j, col in enumerate(columns):
        if col.present.any():
            last_col = j
        any_cell |= col.present
    if not any_cell.any():
        return None
    last_row = first_row + int(np.flatnonzero(any_cell)[-1])
    letters = [xlsxwriter.utility.xl_col_to_name(j) for j in range(k)]
    xml = [_row_chunk(columns, letters, first_row, lo, min(n, lo + ROW_CHUNK), any_cell, heights)
           for lo in range(0, n, ROW_CHUNK)]
    return _SheetRows(b"".join(xml), last_row, last_col)


def _row_chunk(columns: list[_Column], letters: list[str], first_row: int, lo: int, hi: int,
               any_cell: np.ndarray, heights: np.ndarray | None) -> bytes:
    """The XML of rows lo..hi-1 of the frame (see `_data_rows`)."""
    n, k = hi - lo, len(columns)
    row_numbers = np.array(list(map(str, range(first_row + lo + 1, first_row + hi + 1))), dtype=object)
    # Row-major pieces: <row r="N">, then five pieces per cell, then </row>; one join makes the XML.
    pieces = np.empty((n, 5 * k + 4), dtype=object)
    pieces[:, 0] = '<row r="'
    pieces[:, 1] = row_numbers
    pieces[:, 2] = '">'
    if heights is not None:  # rows with wrapped text: their height in points
        part = heights[lo:hi]
        tall = part > LINE_HEIGHT
        pieces[tall, 2] = np.char.add(np.char.add('" ht="', part[tall].astype(str)), '" customHeight="1">') \
            .astype(object)
    pieces[:, -1] = "</row>"
    for j, col in enumerate(columns):
        base = 3 + 5 * j
        pieces[:, base] = f'<c r="{letters[j]}'
        pieces[:, base + 1] = row_numbers
        pieces[:, base + 2] = col.mid if isinstance(col.mid, str) else col.mid[lo:hi]
        pieces[:, base + 3] = col.values[lo:hi]
        pieces[:, base + 4] = col.end if isinstance(col.end, str) else col.end[lo:hi]
        absent = ~col.present[lo:hi]
        if absent.any():
            pieces[absent, base:base + 5] = ""
    keep = any_cell[lo:hi]
    if not keep.all():
        pieces = pieces[keep]
    return "".join(pieces.ravel().tolist()).encode("utf-8")


def _wrapped_lines(texts: list[str], width: int) -> np.ndarray:
    """How many lines each text takes when wrapped at `width` characters (East Asian characters are two)."""
    widths = _display_widths(texts)
    return np.maximum(1, -(-widths // max(1, width - 2)))


def _write_sheet(book: xlsxwriter.Workbook, sheet: Sheet, lang: str, fmt: _Formats) -> tuple[int, _SheetRows | None]:
    """Lay the sheet out with XlsxWriter; give its index and its data rows, to inject after close."""
    ws = book.add_worksheet(sheet_name(sheet.name, lang))
    frame = localise_frame(sheet.frame, lang)
    top = 0
    if sheet.note:
        ws.write_string(0, 0, localise(sheet.note, lang), fmt.note)
        top = 1
    headers = [label(c, lang) for c in frame.columns]
    for j, h in enumerate(headers):
        ws.write_string(top, j, h, fmt.header)
    widths = [min(MAX_WIDTH, max(8, _display_width(h) + 2)) for h in headers]
    columns = []
    lines = np.ones(len(frame), dtype=np.int64)
    for j, name in enumerate(frame.columns):
        column = _encode_column(frame.iloc[:, j], name, sheet, fmt)
        if column.texts is not None and column.texts:
            longest = int(_display_widths(column.texts[:2000]).max())
            if longest > MAX_WIDTH:  # a long text column (explanation, reason) wraps instead of being cut off
                column = dataclasses.replace(column, mid=_text_mid(fmt.xf(fmt.wrap)))
                widths[j] = WRAP_WIDTH
                lines = np.maximum(lines, _wrapped_lines(column.texts, WRAP_WIDTH))
            else:
                widths[j] = min(MAX_WIDTH, max(widths[j], longest + 2))
        if name in sheet.not_applicable and column.kind == "number":
            column = _with_not_applicable(column, NOT_APPLICABLE.get(lang, "n/a"), fmt.xf(fmt.not_applicable))
        columns.append(column)
        widths[j] = max(widths[j], column.width)
    for j, w in enumerate(widths):
        ws.set_column(j, j, w)
    n = len(frame)
    ws.freeze_panes(top + 1, 0)
    # Printed (or saved as PDF) as a lead reads it: landscape, every column on one page width,
    # the header rows repeated on each page.
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, top)
    if len(frame.columns):
        ws.autofilter(top, 0, top + max(n, 1), len(frame.columns) - 1)
    if sheet.highlight and sheet.highlight in frame.columns and n:
        col = list(frame.columns).index(sheet.highlight)
        letter = xlsxwriter.utility.xl_col_to_name(col)
        ws.conditional_format(top + 1, 0, top + n, len(frame.columns) - 1,
                              {"type": "formula", "criteria": f'=${letter}{top + 2}="{yes_text(lang)}"',
                               "format": fmt.highlight})
    if sheet.chart and n and sheet.chart.get("series"):  # no series to draw (e.g. no CPH anywhere): no chart
        _add_chart(book, ws, sheet, top, lang, headers, columns)
    heights = np.minimum(lines * LINE_HEIGHT, MAX_ROW_HEIGHT) if (lines > 1).any() else None
    return ws.index, _data_rows(frame, columns, top + 1, heights)


def _add_chart(book, ws, sheet: Sheet, top: int, lang: str, headers: list[str], columns: list[_Column]) -> None:
    spec = sheet.chart
    cols = list(sheet.frame.columns)
    n = len(sheet.frame)
    name = sheet_name(sheet.name, lang)
    chart = book.add_chart({"type": spec.get("type", "column")})
    cat = cols.index(spec["categories"])

    def series_of(j: int) -> dict:
        return {
            "name": [name, top, j],
            "categories": [name, top + 1, cat, top + n, cat],
            "values": [name, top + 1, j, top + n, j],
            # The cells are injected after XlsxWriter is done, so give it the chart's cached values
            # (numCache/strCache) it would otherwise read from the cells it wrote.
            "name_data": [headers[j]], "categories_data": columns[cat].chart_cache(),
            "values_data": columns[j].chart_cache(),
        }

    for series in spec["series"]:
        chart.add_series(series_of(cols.index(series)))
    if spec.get("target"):  # the target as a line across the bars (e.g. ATT-TEAM-TARGET's 95 %)
        target = book.add_chart({"type": "line"})
        target.add_series({**series_of(cols.index(spec["target"])), "line": {"color": "#C00000", "dash_type": "dash"},
                           "marker": {"type": "none"}})
        chart.combine(target)
    chart.set_title({"name": localise(spec.get("title", ""), lang)})
    value_axis = {"name": text_of(spec["y_title"], lang)} if spec.get("y_title") else {}
    if spec.get("percent"):
        value_axis.update({"min": 0, "num_format": "0%"})
    chart.set_y_axis(value_axis)
    category_axis = {"name": text_of(spec["x_title"], lang)} if spec.get("x_title") else {}
    if spec.get("date_axis"):
        category_axis.update({"date_axis": True, "num_format": "mm-dd", "major_unit": 1 if n <= 10 else 7,
                              "major_unit_type": "days"})
    chart.set_x_axis(category_axis)
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 720, "height": 400})
    ws.insert_chart(top + 1, len(cols) + 1, chart)


def issues_frame(issues: list[Issue]) -> pd.DataFrame:
    cols = ["file", "sheet", "row", "column", "value", "problem", "severity"]
    if not issues:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    frame = pd.DataFrame([i.as_dict() for i in issues], columns=cols)
    frame["row"] = frame["row"].astype("Int64")
    return frame


def run_frame(run: RunInfo, issues: list[Issue], lang: str = "en") -> pd.DataFrame:
    def t(key: str) -> str:
        return text_of(key, lang)

    def v(value: str) -> str:  # option values such as "week" or "zh"
        return localise(value, lang)

    rows = [
        (t("tool"), f"cctool {__version__}"),
        (t("command"), run.command),
        (t("period"), run.period),
        (t("run at"), run.started_at.isoformat(timespec="seconds")),
        (t("rules file"), run.rules_path),
        (t("rules SHA-256"), run.rules_sha256),
        (t("errors"), str(sum(1 for i in issues if i.severity == "error"))),
        (t("warnings"), str(sum(1 for i in issues if i.severity != "error"))),
    ]
    rows += [(f"{t('option')} {label(k, lang) if lang == 'zh' else k}", v(val)) for k, val in run.options.items()]
    for rec in run.inputs:
        rows.append((f"{t('input')} {sheet_name_of_table(rec.name, lang)}",
                     f"{rec.path} | {t('rows')} {rec.rows} | SHA-256 {rec.sha256}"))
    return pd.DataFrame(rows, columns=["item", "value"])


def workbook_output(path: Path, sheets: list[Sheet], run: RunInfo, issues: list[Issue], *, lang: str = "en",
                    confidential: bool = False, password: str | None = None) -> Output:
    """The workbook as one output of a run, for `commit`; laid out when it is written."""
    def produce(tmp: Path) -> None:
        layout = io.BytesIO()
        book = xlsxwriter.Workbook(layout, {
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "nan_inf_to_errors": False, "constant_memory": False, "in_memory": True,
        })
        book.set_properties({"title": f"cctool {run.command} {run.period}", "comments": f"cctool {__version__}"})
        fmt = _Formats(book)
        with task(f"Writing the sheets of {Path(path).name}", total=len(sheets) + 2) as shown:
            rows = []
            for sheet in [*sheets, Sheet("Errors", issues_frame(issues)), Sheet("Run", run_frame(run, issues, lang))]:
                rows.append(_write_sheet(book, sheet, lang, fmt))
                shown.advance()
        book.close()
        # XlsxWriter names worksheet files by position (packager._write_worksheet_files; no chartsheets here).
        sheet_rows = {f"xl/worksheets/sheet{index + 1}.xml": data for index, data in rows if data}
        del rows  # `_inject_rows` lets go of each sheet's rows as it writes them
        _inject_rows(layout, tmp, sheet_rows)
        if password:
            _encrypt_in_place(tmp, password)

    return Output(Path(path), produce=produce, confidential=confidential)


def write_workbook(path: Path, sheets: list[Sheet], run: RunInfo, issues: list[Issue], *, lang: str = "en",
                   confidential: bool = False, password: str | None = None) -> None:
    commit([workbook_output(path, sheets, run, issues, lang=lang, confidential=confidential, password=password)])


ZIP_LEVEL = 1  # deflate level of the final package: ~4x faster than zlib's default 6, file ~30 % larger
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]+[0-9]+)(?::([A-Z]+[0-9]+))?"/>')


def _inject_rows(layout: io.BytesIO, out: Path, rows: dict[str, _SheetRows]) -> None:
    """Copy the package XlsxWriter wrote into `out`, with each sheet's data rows after its header rows
    (the last rows XlsxWriter wrote) and its <dimension> widened to cover them."""
    with zipfile.ZipFile(layout) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = {info.filename for info in src.infolist()}
        missing = set(rows) - names
        if missing:
            raise OutputError(f"internal: no {sorted(missing)} in the workbook package")
        for info in src.infolist():
            data = src.read(info)
            extra = rows.pop(info.filename, None)  # each sheet's rows let go once written
            target = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            target.external_attr = info.external_attr
            if extra is None:
                dst.writestr(target, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL)
                continue
            # A sheet with its data rows is streamed in its parts: joined, the largest sheet was
            # one more copy of its whole XML at the run's peak of memory.
            target.compress_type = zipfile.ZIP_DEFLATED
            if hasattr(target, "compress_level"):  # Python 3.13+
                target.compress_level = ZIP_LEVEL
            else:
                target._compresslevel = ZIP_LEVEL
            parts = _with_rows(data, extra, info.filename)
            # The size up front, as writestr knows it: zipfile then writes a sheet over 2 GiB with
            # zip64 sizes (an entry opened without it is refused at 2 GiB, after all the work).
            target.file_size = sum(map(len, parts))
            with dst.open(target, "w") as sheet:
                for part in parts:
                    sheet.write(part)
            del parts
            del extra


def _with_rows(xml: bytes, extra: _SheetRows, name: str) -> list[bytes]:
    """The sheet's XML in parts: XlsxWriter's head with the widened <dimension>, the data rows, the tail."""
    match = _DIMENSION.search(xml)
    end = xml.rfind(b"</sheetData>")  # XlsxWriter wrote the note and header rows: data goes after them
    if match is None or end < 0:
        raise OutputError(f"internal: unexpected worksheet XML in {name}")
    first = match.group(1).decode("ascii")
    old_row, old_col = xlsxwriter.utility.xl_cell_to_rowcol((match.group(2) or match.group(1)).decode("ascii"))
    last = xlsxwriter.utility.xl_rowcol_to_cell(max(extra.last_row, old_row), max(extra.last_col, old_col))
    dimension = f'<dimension ref="{first}:{last}"/>'.encode("ascii")
    return [xml[:match.start()], dimension, xml[match.end():end], extra.xml, xml[end:]]


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
    """DataFrame rows as JSON-ready dicts: NA -> null, numpy scalars -> Python. Built column by
    column (`_json_column`) and zipped into rows: `to_dict(orient="records")` boxes every cell
    on its own, and every date-time then goes through `_json_default` one by one."""
    if not len(frame.columns):
        return [{} for _ in range(len(frame))]
    names = list(frame.columns)
    columns = [_json_column(frame.iloc[:, j]) for j in range(len(names))]
    return [dict(zip(names, row)) for row in zip(*columns)]


def _json_column(series: pd.Series) -> list:
    """A column's values as `_json_default` would write them, None where missing."""
    missing = series.isna().to_numpy()
    if pd.api.types.is_datetime64_dtype(series.dtype) and not isinstance(series.dtype, pd.DatetimeTZDtype):
        # Each distinct date-time written once; its cells share the one text (a month has 31 days).
        codes, distinct = pd.factorize(series)
        stamps = np.asarray(distinct, dtype="datetime64[us]")
        midnight = stamps == stamps.astype("datetime64[D]")
        # `_json_default`: a midnight as its date, else the date-time to the second
        text = np.where(midnight, np.datetime_as_string(stamps, unit="D"),
                        np.datetime_as_string(stamps, unit="s")).astype(object)
        return np.append(text, None)[codes].tolist()  # code -1 (missing) takes the appended None
    if isinstance(series.dtype, pd.StringDtype):
        # Text: one Python string per distinct value, shared by its cells (kinds, rule IDs, teams).
        codes, distinct = pd.factorize(series)
        return np.append(np.asarray(distinct.tolist(), dtype=object), None)[codes].tolist()
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "biuf":
        values = series.to_numpy().astype(object)  # Python int / float / bool
    else:
        values = series.astype(object).to_numpy(copy=True)
    if missing.any():
        values[missing] = None
    return values.tolist()


def json_payload(run: RunInfo, issues: list[Issue], **sections) -> dict:
    """The DATA.md envelope: command, period, rules_sha256, inputs, records, ..., issues."""
    payload = {
        "command": run.command,
        "period": run.period,
        "rules_sha256": run.rules_sha256,
        "rules_file": run.rules_path,
        "inputs": [{"name": r.name, "path": r.path, "sha256": r.sha256, "rows": r.rows} for r in run.inputs],
        "records": sections.pop("records"),
    }
    payload.update(sections)
    payload["issues"] = [i.as_dict() for i in issues]
    return payload


def _json_text(payload: dict) -> str:
    """The payload as JSON text (see `_json_bytes`)."""
    return _json_bytes(payload).decode("utf-8")


# Elements of a list encoded at a time: the text of a whole list, its copy with the line breaks and
# the joined document were each ~100 MB for 100,000 people's records and events.
JSON_CHUNK = 4096


def _json_bytes(payload: dict) -> bytes:
    """The payload as UTF-8 JSON: the envelope's keys one a line and each element of a list (each
    record, event, issue ...) on a line of its own, so one grep finds one record.

    Not `json.dump(indent=1)`: with an indent (or through `dump`) the encoder is the pure-Python
    one (~0.4 s on a month of 10,000 agents); `JSONEncoder.encode` without an indent is the C one.
    Each chunk of a list is encoded in one call with a marker string between its elements, and the
    markers become the line breaks. Same keys, values and order as before; `allow_nan=False` still
    refuses NaN and infinities; Decimal, Timestamp, numpy scalars and NA convert through `_json_default`."""
    encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False, default=_json_default).encode
    marker = f"\x00cctool-record-break-{uuid.uuid4().hex}\x00"
    joint = f', {encode(marker)}, '  # how the marker reads between two encoded elements
    parts: list[bytes] = [b"{\n"]
    for n, (key, value) in enumerate(payload.items()):
        parts.append(f"{',' if n else ''}{chr(10) if n else ''} {encode(key)}: ".encode("utf-8"))
        if isinstance(value, (list, tuple)) and value:
            parts.append(b"[\n  ")
            for lo in range(0, len(value), JSON_CHUNK):
                if lo:
                    parts.append(b",\n  ")
                parts.append(_json_lines(value[lo:lo + JSON_CHUNK], encode, marker, joint).encode("utf-8"))
            parts.append(b"\n ]")
        else:
            parts.append(encode(value).encode("utf-8"))
    parts.append(b"\n}\n")
    return b"".join(parts)


def _json_lines(elements, encode, marker: str, joint: str) -> str:
    """Elements encoded one a line (",\n  " between them)."""
    spaced = [marker] * (2 * len(elements) - 1)
    spaced[::2] = elements
    text = encode(spaced)
    if text.count(joint) == len(elements) - 1:  # the marker cannot occur in encoded data; checked anyway
        return text[1:-1].replace(joint, ",\n  ")
    return ",\n  ".join(map(encode, elements))


def json_output(path: Path, payload: dict, *, confidential: bool = False) -> Output:
    """The JSON as one output of a run; encoded now, so a value JSON refuses stops the run before
    any file is touched."""
    return bytes_output(path, _json_bytes(payload), confidential=confidential)


def write_json(path: Path, payload: dict, *, confidential: bool = False) -> None:
    commit([json_output(path, payload, confidential=confidential)])
