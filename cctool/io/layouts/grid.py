"""The raw cells of an export and where its header is: the part every layout shares.

Product exports put a title (and a "generated at" line) above the header, and some merge a
group name over two sub-headers (`上班1` over `打卡时间 | 打卡结果`). A merged cell keeps its
value in its top-left cell only (calamine gives the others blank, and Excel's "unmerge" does
the same), so a group name is carried right over the blank cells beside it; a file re-saved
by hand may name those blanks `列1`, `列2` — placeholders, read as blank.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cctool.errors import InputError
from cctool.io.readers import EXCEL_SUFFIXES, decode_text, fold_header
from cctool.io.xlsx_guard import check_workbook
from cctool.rules.model import Limits

PEEK_ROWS = 12
PLACEHOLDER = re.compile(r"^(列|column|unnamed:?\s*)\d+$", re.IGNORECASE)
BLANK_WORDS = {"", "--", "-"}


@dataclass
class Grid:
    """One sheet (or text file) as rows of cells; `rows[i]` is Excel row i + 1."""

    path: Path
    sheet: str | None
    rows: list[list]

    @property
    def where(self) -> str:
        return f"{self.path}" + (f", sheet {self.sheet!r}" if self.sheet else "")

    def title(self) -> str:
        """The text above the header: title and report lines (first two rows)."""
        return " ".join(cell_text(c) or "" for r in self.rows[:2] for c in r)


@dataclass
class Header:
    """Where the header is and what each column is called (group + sub-header, folded)."""

    row: int  # 0-based index of the (first) header row
    depth: int  # 1 flat, 2 two-level
    names: list[str]  # folded full names, '' for blank / placeholder
    shown: list[str] = field(default_factory=list)  # as written, for messages

    @property
    def data_start(self) -> int:
        return self.row + self.depth

    def find(self, *candidates: str) -> int | None:
        """Column index of the first candidate name present (folded comparison)."""
        for cand in candidates:
            key = fold_header(cand)
            if key in self.names:
                return self.names.index(key)
        for cand in candidates:  # under a group of a two-level header: 基础信息 › 工号
            key = fold_header(cand)
            hits = [i for i, n in enumerate(self.names) if n.endswith(key)] if self.depth == 2 else []
            if len(hits) == 1:
                return hits[0]
        return None

    def matching(self, pattern: str) -> dict[str, int]:
        """Folded name -> column for every name matching a regex (e.g. 上班1打卡时间)."""
        rx = re.compile(pattern)
        return {n: i for i, n in enumerate(self.names) if n and rx.fullmatch(n)}


def cell_text(value) -> str | None:
    """A cell as the text a person reads in it; whole numbers without '.0'; blanks None."""
    if value is None:
        return None
    if isinstance(value, float):
        if pd.isna(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.timedelta):  # calamine's reading of a duration cell
        secs = int(value.total_seconds())
        return f"{secs // 3600:02d}:{secs % 3600 // 60:02d}:{secs % 60:02d}"
    text = str(value).strip()
    return None if text in BLANK_WORDS else text


def header_name(value) -> str:
    text = cell_text(value) or ""
    return "" if PLACEHOLDER.match(text) else text


# ----------------------------------------------------------------------------- reading

def sheet_names(path: Path, limits: Limits | None = None) -> list[str | None]:
    if path.suffix.lower() not in EXCEL_SUFFIXES:
        return [None]
    return list(_workbook(path, limits).sheet_names)


def _workbook(path: Path, limits: Limits | None = None):
    import python_calamine

    # calamine allocates a sheet's declared extent: a hostile workbook (XFD1048576, a zip
    # bomb, a DTD) is refused before it opens it, as the generic reader does (io/xlsx_guard.py)
    check_workbook(path, limits)
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine's own error types for broken or encrypted files
        raise InputError(f"{path}: cannot open the workbook ({type(exc).__name__}: {exc})") from None


def read_grid(path: Path, sheet: str | None, limit: int | None = None, limits: Limits | None = None) -> Grid:
    """All rows (or the first `limit`) of a sheet, a CSV or a tab-separated device file.
    `limits`: the rules file's workbook limits (default: the model's)."""
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        book = _workbook(path, limits)
        name = sheet if sheet is not None else book.sheet_names[0]
        if name not in book.sheet_names:
            raise InputError(f"{path}: no sheet named {name!r}; sheets are: {', '.join(book.sheet_names)}")
        data = book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=limit) if limit \
            else book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        return Grid(path, name, [list(r) for r in data])
    raw = path.read_bytes()
    if limit:
        raw = raw[: 64 * 1024]
    text, _ = decode_text(raw, path) if not limit else _decode_prefix(raw, path)
    lines = text.splitlines()[:limit] if limit else text.splitlines()
    if suffix == ".dat" or (lines and "\t" in lines[0] and "," not in lines[0]):
        return Grid(path, None, [line.split("\t") for line in lines])
    return Grid(path, None, [r for r in csv.reader(io.StringIO("\n".join(lines)))])


def _decode_prefix(raw: bytes, path: Path) -> tuple[str, str]:
    """Decode the start of a text file; a multi-byte character cut at the end is dropped."""
    for cut in range(4):
        try:
            return decode_text(raw[: len(raw) - cut] if cut else raw, path)
        except InputError:
            continue
    return decode_text(raw, path)


# ----------------------------------------------------------------------------- the header

def find_header(grid: Grid, required: tuple[str, ...], sub_words: tuple[str, ...] = ()) -> Header | None:
    """The first row (within the top rows) holding every `required` name, flat or as a group
    over `sub_words` sub-headers in the row below (two-level header)."""
    want = [fold_header(r) for r in required]
    subs = {fold_header(s) for s in sub_words}
    for i, row in enumerate(grid.rows[:PEEK_ROWS]):
        top = [fold_header(header_name(c)) for c in row]
        below = [fold_header(header_name(c)) for c in grid.rows[i + 1]] if i + 1 < len(grid.rows) else []
        two_level = bool(subs) and any(b in subs for b in below)
        names = _combine(top, below) if two_level else top
        if all(any(n == w or n.endswith(w) for n in names) for w in want):
            shown = [header_name(c) for c in row]
            if two_level:
                shown = _combine(shown, [header_name(c) for c in grid.rows[i + 1]], " ")
            return Header(i, 2 if two_level else 1, names, shown)
    return None


def _combine(top: list[str], below: list[str], sep: str = "") -> list[str]:
    """Group name over sub-header -> 'group' + 'sub'; a blank top cell continues the group on
    its left (a merged group); a column with nothing below keeps its own name."""
    width = max(len(top), len(below))
    top = top + [""] * (width - len(top))
    below = below + [""] * (width - len(below))
    names, group = [], ""
    for t, b in zip(top, below):
        if t:
            group = t
        names.append((group + sep + b).strip() if b else t)
    return names


def _text_column(col: pd.Series) -> pd.Series:
    """cell_text over a column: column-wise for the usual all-text export column, cell by
    cell only where a re-saved file holds numbers, dates or times."""
    if pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty"):
        text = col.astype("string").str.strip()
        return text.mask(text.isin(BLANK_WORDS)).astype(object).where(lambda t: t.notna(), None)
    return col.map(cell_text)


def data_frame(grid: Grid, header: Header) -> pd.DataFrame:
    """The data rows below the header as text cells (object), with `_row` the Excel row.
    Fully blank rows (inserted spacer rows) are dropped: they carry nothing."""
    start = header.data_start
    width = len(header.names)
    body = [(r + [None] * (width - len(r)))[:width] for r in grid.rows[start:]]
    frame = pd.DataFrame(body, columns=range(width), dtype=object)
    for col in frame.columns:
        frame[col] = _text_column(frame[col])
    frame["_row"] = range(start + 1, start + 1 + len(frame))
    blank = frame.drop(columns="_row").isna().all(axis=1)
    return frame[~blank].reset_index(drop=True)
