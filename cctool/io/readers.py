"""One reader for every input table: file -> canonical, typed DataFrame + every issue found.

The frame keeps a `_row` column: the row number the user sees in Excel (header = row 1),
so every later finding can point back at the user's own sheet.
"""
from __future__ import annotations

import codecs
import dataclasses
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cctool.errors import InputError, Issue
from cctool.frames import isin_set
from cctool.io import coerce, mapping
from cctool.io.tables import TABLES, Table
from cctool.io.xlsx_guard import check_workbook
from cctool.rules.model import Limits

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
PARQUET_MAGIC = b"PAR1"


@dataclass
class LoadedTable:
    table: str
    path: Path
    sheet: str | None
    frame: pd.DataFrame
    issues: list[Issue]
    rows_read: int
    sha256: str
    headers: dict[str, str] = field(default_factory=dict)  # canonical -> header as written
    encoding: str | None = None
    # Set where rows_read - len(frame) is not the count (a clock export read by its layout).
    rows_unreadable: int | None = None

    @property
    def display(self) -> str:
        return f"{self.path.name}#{self.sheet}" if self.sheet else self.path.name


def split_spec(spec: str | Path) -> tuple[Path, str | None]:
    """`book.xlsx#Sheet` names a sheet; anything else is a plain path."""
    text = str(spec)
    if "#" in text:
        base, sheet = text.rsplit("#", 1)
        if Path(base).suffix.lower() in EXCEL_SUFFIXES:
            return Path(base), sheet or None
    return Path(text), None


def existing_file(spec: str | Path) -> tuple[Path, str | None]:
    """`split_spec`, for an input that must be a file that exists (exit 3 naming it otherwise)."""
    path, sheet = split_spec(spec)
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    return path, sheet


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fold_header(text: object) -> str:
    return re.sub(r"[\s_\-\u3000（）()]+", "", str(text)).casefold()


# ---------------------------------------------------------------------------- raw reading

def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Decode a CSV export. BOMs decide first; else strict UTF-8, else strict GB18030.

    UTF-8 validates itself (random GBK bytes are almost never valid UTF-8), so trying it
    first and GB18030 second never silently mis-reads a Chinese export; bytes valid in
    neither stop the run with the byte offset.
    """
    if data.startswith(codecs.BOM_UTF8):
        # The BOM promises UTF-8: other bytes after it (a GB18030 export with a BOM glued on)
        # are a broken file, not a guess to make.
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _encoding_error(path, data, exc.start + len(codecs.BOM_UTF8),
                                  "starts with a UTF-8 byte-order mark but is not UTF-8") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _encoding_error(path, data, exc.start, "starts with a UTF-16 byte-order mark but is not UTF-16") \
                from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_error = exc
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise _encoding_error(path, data, first_error.start, "cannot read the text encoding (not UTF-8, not GB18030/GBK)") \
            from None


def _encoding_error(path: Path, data: bytes, offset: int, what: str) -> InputError:
    """The user finds a bad byte by its line (header = line 1), not by a byte offset alone."""
    line = data.count(b"\n", 0, offset) + 1
    where = f"{path}, line {line}"
    return InputError(f"{where}: {what}; first bad byte at offset {offset}. Save it as UTF-8 CSV or .xlsx.",
                      [Issue(str(path), None, line, None, None, what)])


def _read_csv(path: Path) -> tuple[pd.DataFrame, str]:
    data = path.read_bytes()
    if data.startswith(ZIP_MAGIC) or data.startswith(OLE_MAGIC):
        raise InputError(f"{path}: this is an Excel workbook, not a CSV text file; rename it to .xlsx")
    text, encoding = decode_text(data, path)
    sep = "\t" if path.suffix.lower() == ".tsv" else None
    if sep is None:
        first = text.split("\n", 1)[0]
        sep = max([",", "\t", ";"], key=first.count)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            skip_blank_lines=False, engine="c")
    except pd.errors.ParserError as exc:
        raise InputError(f"{path}: not a readable CSV file ({exc})") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: the file is empty (no header row)") from None
    return frame, encoding


def _read_excel(path: Path, sheet: str | None, limits: Limits) -> tuple[pd.DataFrame, str]:
    with open(path, "rb") as fh:
        head = fh.read(8)
    if not (head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC)):
        looks_text = all(b >= 9 for b in head)
        hint = " (it looks like a CSV text file: rename it to .csv)" if looks_text else ""
        raise InputError(f"{path}: not an Excel workbook{hint}")
    if head.startswith(ZIP_MAGIC):
        check_workbook(path, limits)  # sizes, DTDs and sheet extents before any parser sees the file
        try:
            with zipfile.ZipFile(path) as zf:
                bad = zf.testzip()
                if bad is not None:
                    raise InputError(f"{path}: the workbook is damaged (part {bad} is corrupt)")
        except zipfile.BadZipFile:
            raise InputError(f"{path}: the workbook is damaged or truncated; export it again") from None
    try:
        import python_calamine

        book = python_calamine.CalamineWorkbook.from_path(str(path))
        names = book.sheet_names
    except Exception as exc:  # calamine raises its own error types for broken or encrypted files
        raise InputError(f"{path}: cannot open the workbook ({type(exc).__name__}: {exc})") from None
    if not names:
        raise InputError(f"{path}: the workbook has no sheets")
    if sheet is None:
        sheet = names[0]
    elif sheet not in names:
        raise InputError(f"{path}: no sheet named {sheet!r}; sheets are: {', '.join(names)}")
    try:
        rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine's own errors for a sheet it cannot parse
        raise InputError(f"{path}, sheet {sheet!r}: cannot read the sheet ({type(exc).__name__}: {exc})") from None
    if not rows:
        raise InputError(f"{path}, sheet {sheet!r}: the sheet is empty (no header row)")
    header = [str(h).strip() if h not in (None, "") else f"Unnamed: {i}" for i, h in enumerate(rows[0])]
    frame = pd.DataFrame(rows[1:], columns=header, dtype=object) if len(rows) > 1 else pd.DataFrame(columns=header, dtype=object)
    frame = frame.replace({"": None})
    return frame, sheet


def _read_parquet(path: Path) -> pd.DataFrame:
    with open(path, "rb") as fh:
        if fh.read(4) != PARQUET_MAGIC:
            raise InputError(f"{path}: not a Parquet file")
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow's errors for a damaged file
        raise InputError(f"{path}: cannot read the Parquet file ({exc})") from None


def read_raw(spec: str | Path, limits: Limits | None = None) -> tuple[pd.DataFrame, Path, str | None, str | None, int]:
    """Read a file as the user wrote it. Returns frame, path, sheet, encoding, row offset.

    Row offset turns a 0-based data index into the number the user sees: 2 for a sheet or
    CSV whose header is row 1; 1 for Parquet (record numbers).
    """
    path, sheet = existing_file(spec)
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        frame, sheet = _read_excel(path, sheet, limits or Limits())
        return frame, path, sheet, None, 2
    if suffix in CSV_SUFFIXES:
        frame, encoding = _read_csv(path)
        return frame, path, None, encoding, 2
    if suffix in PARQUET_SUFFIXES:
        return _read_parquet(path), path, None, None, 1
    raise InputError(f"{path}: unsupported file type {suffix or '(none)'}; use .xlsx, .csv or .parquet")


# ---------------------------------------------------------------------------- header mapping

def map_headers(headers: list[str], table: Table, extra_aliases: dict[str, list[str]] | None, where: str) -> dict[str, str]:
    """canonical column -> the user's header, by header name and alias only (no rules-file
    mapping: see `mapping.resolve`). Raises InputError for missing or ambiguous columns."""
    res = mapping.resolve(headers, table, None, extra_aliases)
    res.raise_if_incomplete(where)
    return res.header_of()


# The forms a punch file may take, tried in order: (table, columns that identify it, what the
# user is told it needs). A new form is one more entry here (plus its table in io/tables.py
# when it reads other columns). Raw events without a direction (agent_id + time only, as some
# clocks record them) are paired first in / last out per shift (policy/attendance.py), so a
# file with `time` and neither `direction` nor sign_in/sign_out is read as such.
PUNCH_FORMS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("punch_events", ("time", "direction"), "raw events need time and direction"),
    ("punches", ("sign_in", "sign_out"), "paired punches need sign_in and sign_out"),
    ("punch_events", ("time",), "raw events without a direction need time"),
)


def detect_punch_table(headers: list[str], extra_aliases: dict | None, field_map: dict | None = None,
                       where: str = "punches") -> str:
    """Punches come paired (sign_in/sign_out per day) or as raw events (in/out, or without a
    direction). A rules-file mapping of `time` or `direction` says raw events, of `sign_in` or
    `sign_out` paired punches. A file of no
    form stops the run with what each form needs (exit 3), never a KeyError later."""
    if field_map and {"time", "direction"} & set(field_map):
        return "punch_events"
    if field_map and {"sign_in", "sign_out"} & set(field_map):  # e.g. sign_in: {join: [Day, In]}
        return "punches"
    folded = {fold_header(h) for h in headers}

    def present(table: str, column: str) -> bool:
        col = TABLES[table].column(column)
        names = (col.name, *col.aliases, *(extra_aliases or {}).get(column, []))
        return bool(folded & {fold_header(a) for a in names})

    for table, columns, _ in PUNCH_FORMS:
        if all(present(table, c) for c in columns):
            return table
    needs = "; ".join(need for _, _, need in PUNCH_FORMS)
    shown = ", ".join(repr(h) for h in headers[:20])
    raise InputError(
        f"{where}: neither paired punches nor raw punch events: {needs}. Headers found: {shown}. "
        "Rename the headers, or add aliases under columns.aliases.punches in the rules file.",
        [Issue(where, None, 1, None, None, f"punch file of unknown form ({needs})")])


# ---------------------------------------------------------------------------- coercion

def _coerce_source(cells: pd.Series, col, src: mapping.Source, where: str,
                   table_key: str) -> tuple[pd.Series | pd.DataFrame, pd.Series, pd.Series]:
    """Typed values, unreadable mask, and the mask of values outside the `values` map, of one
    field read as its Source says (value map, declared format, or the built-in spellings)."""
    outside = pd.Series(False, index=cells.index)
    if src.values:
        cells, outside = mapping.mapped_values(cells, src)
        values, bad = _coerce(cells, col)
        return values, (bad.astype(bool) | outside), outside
    if src.format:
        values, bad = _coerce_formatted(cells, col, src)
        return values, bad.astype(bool), outside
    values, bad = _coerce(cells, col)
    if col.kind in coerce_date_kinds():
        values, bad = _slash_dates(cells, col, src, values, bad.astype(bool), where, table_key)
    return values, bad.astype(bool), outside


def coerce_date_kinds() -> set[str]:
    return {"date", "datetime", "date_or_datetime", "datetime_or_time"}


def _coerce_formatted(cells: pd.Series, col, src: mapping.Source):
    kind, fmt = col.kind, src.format
    if fmt == "duration":
        if kind == "time":
            secs, bad = coerce.to_duration_seconds(cells)
            return secs.round().astype("Int64"), bad
        secs, bad = coerce.to_duration_seconds(cells)
        if kind == "int":
            frac = secs.notna() & (secs % 1 != 0)
            return secs.mask(frac).round().astype("Int64"), bad | frac
        return secs, bad
    if kind == "time":
        return coerce.to_time_formatted(cells, fmt)
    stamp, bad = coerce.to_datetime_formatted(cells, fmt, src.timezone)
    if kind == "date":
        has_time = stamp.notna() & (stamp != stamp.dt.normalize())
        return stamp.dt.normalize().mask(has_time), bad | has_time
    if kind == "month":
        return stamp.dt.strftime("%Y-%m").astype("string"), bad
    if kind == "datetime_or_time":
        # A pattern without a date (e.g. '%H:%M') gives 1900-01-01: a bare time of the row's date.
        bare = stamp.notna() & (stamp.dt.year <= 1900)
        secs = (stamp - stamp.dt.normalize()).dt.total_seconds().where(bare).round().astype("Int64")
        return pd.DataFrame({"stamp": stamp.mask(bare), "secs": secs}), bad
    return stamp, bad


def _slash_dates(cells: pd.Series, col, src: mapping.Source, values, bad: pd.Series, where: str, table_key: str):
    """A slash date (01/02/2026) in a column without a declared format is read only when the
    column's own values prove the order (a 13 or more in one position); else the run stops
    and asks for `format`. Never guessed."""
    if not bad.any():
        return values, bad
    distinct = mapping.as_text(pd.Series(pd.unique(cells[bad]), dtype=object))
    order, count, example = mapping.slash_date_order(distinct)
    if order is None:
        return values, bad
    if order == "ambiguous":
        raise mapping.ambiguous_date_error(where, src, table_key, example, count,
                                           mixed=_both_orders(distinct))
    fixed = mapping.Source(src.field, src.headers, src.yaml_path, format=order)
    again, still_bad = _coerce_formatted(cells[bad], col, fixed)
    if isinstance(values, pd.DataFrame):
        values = values.copy()
        values.loc[bad, "stamp"] = again["stamp"]
        values.loc[bad, "secs"] = again["secs"]
    else:
        values = values.copy()
        values.loc[bad] = again
    bad = bad.copy()
    bad.loc[bad] = still_bad.astype(bool).to_numpy()
    return values, bad


def _both_orders(distinct: pd.Series) -> bool:
    parts = distinct.dropna().str.extract(mapping.SLASH_DATE).dropna()
    return bool((pd.to_numeric(parts[0]) > 12).any() and (pd.to_numeric(parts[1]) > 12).any())


def _coerce(raw: pd.Series, col) -> tuple[pd.Series, pd.Series]:
    """Typed values and the unreadable-cell mask of one column.

    A column repeats few values: agent ids, dates, shift times, yes/no. Every coercer reads
    each cell on its own, so each distinct value is read once and spread back: text columns
    (every CSV column) by value, object columns (Excel) by type and value (`_distinct_cells`).
    """
    if isinstance(raw.dtype, pd.StringDtype):
        codes, uniques = pd.factorize(raw, use_na_sentinel=False)
        distinct = pd.Series(uniques)
    elif raw.dtype == object:
        codes, distinct = _distinct_cells(raw)
    else:
        return _coerce_cells(raw, col)
    values, bad = _coerce_cells(distinct, col)
    return values.take(codes).set_axis(raw.index), bad.take(codes).set_axis(raw.index)


def _distinct_cells(raw: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Codes and distinct cells of an object column (Excel): cells are grouped by type first, so
    1, 1.0 and True stay apart (equal in Python, read differently), and floats by their bits (0.0
    and -0.0 apart); each distinct cell is then read once, as the text columns of a CSV are. The
    distinct cells are the column's own objects (the first of each), in order of appearance."""
    cells = raw.to_numpy(dtype=object)
    type_number: dict[type, int] = {}
    kinds = np.fromiter((type_number.setdefault(type(v), len(type_number)) for v in cells.tolist()),
                        dtype=np.int64, count=len(cells))
    codes = np.empty(len(cells), dtype=np.int64)
    firsts = []
    for kind, k in type_number.items():
        where = np.flatnonzero(kinds == k)
        group = cells[where]
        if kind is float:
            group = group.astype("float64").view("int64")
        group_codes, _ = pd.factorize(group, use_na_sentinel=False)
        codes[where] = group_codes + len(firsts)
        firsts.extend(where[np.unique(group_codes, return_index=True)[1]].tolist())
    order = np.argsort(np.asarray(firsts, dtype=np.int64), kind="stable")  # codes by first appearance
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[codes] if len(codes) else codes, pd.Series(cells[np.sort(np.asarray(firsts, dtype=np.int64))],
                                                          dtype=object)


def _coerce_cells(raw: pd.Series, col) -> tuple[pd.Series, pd.Series]:
    kind = col.kind
    if kind == "text":
        return coerce.to_text(raw)
    if kind == "enum":
        return coerce.to_enum(raw, col.name, col.choices)
    if kind == "bool":
        return coerce.to_bool(raw)
    if kind in ("int", "float"):
        return coerce.to_number(raw, integer=kind == "int")
    if kind == "date":
        return coerce.to_date(raw)
    if kind in ("datetime", "date_or_datetime"):
        return coerce.to_datetime(raw)
    if kind == "datetime_or_time":
        stamp, bad_stamp = coerce.to_datetime(raw)
        # Keep both readings; the reader combines a bare time with the row's date. A full
        # date-time (after 1900) is used as it is, so only the other cells need a time reading.
        bare = stamp.isna() | (stamp.dt.year <= 1900)
        secs, bad_secs = coerce.to_time_seconds(raw[bare])
        out = pd.DataFrame({"stamp": stamp, "secs": secs.reindex(raw.index)})
        return out, bad_stamp & bad_secs.reindex(raw.index, fill_value=False)
    if kind == "time":
        return coerce.to_time_seconds(raw)
    if kind == "month":
        return coerce.to_month(raw)
    if kind == "idlist":
        return coerce.to_idlist(raw)
    raise ValueError(f"unknown column kind {kind}")


def _expected(kind: str, choices: tuple[str, ...]) -> str:
    return {
        "bool": "expected yes/no (是/否, Y/N, true/false, 1/0)",
        "date": "expected a date such as 2026-10-01",
        "datetime": "expected a date and time such as 2026-10-01 09:00",
        "date_or_datetime": "expected a date (2026-10-01) or date and time (2026-10-01 09:00)",
        "datetime_or_time": "expected a time (09:00) or a date and time (2026-10-01 09:00)",
        "time": "expected a time such as 09:00 or 09:00:00",
        "int": "expected a whole number",
        "float": "expected a number",
        "month": "expected a month such as 2026-10",
        "enum": "expected one of: " + ", ".join(choices),
    }.get(kind, "unreadable value")


def read_table(
    spec: str | Path,
    table: str,
    *,
    extra_aliases: dict[str, dict[str, list[str]]] | None = None,
    known_agents: set[str] | None = None,
    field_map: dict | None = None,
    limits: Limits | None = None,
) -> LoadedTable:
    """Read, map, coerce and check one input table. Bad rows are reported and excluded.
    `field_map` is the rules file's `columns.<table>` mapping (README "Column mapping");
    `limits` (the rules file's plausible ranges and workbook size limits) default to the
    model's defaults."""
    limits = limits or Limits()
    raw, path, sheet, encoding, offset = read_raw(spec, limits)
    return read_frame(raw, path, sheet, encoding, offset, table, extra_aliases=extra_aliases,
                      known_agents=known_agents, field_map=field_map, limits=limits)


def resolve_table(raw: pd.DataFrame, table: str, extra_aliases: dict | None, field_map: dict | None,
                  optional: frozenset = frozenset(), where: str = "punches") -> tuple[str, mapping.Resolution]:
    """Which table a raw frame is read as (punches: paired or raw events) and its fields' sources.
    `where` names the file in the error for a punch file of no known form."""
    headers = [str(c) for c in raw.columns]
    key = table
    if table == "punches":
        table = detect_punch_table(headers, (extra_aliases or {}).get("punches"), field_map, where)
    if table == "punch_events":
        optional = optional | {"direction"}  # an absent direction column: undirected events (PUNCH_FORMS)
    aliases = (extra_aliases or {}).get(key, {})
    return table, mapping.resolve(headers, TABLES[table], field_map, aliases, table_key=key, optional=optional)


def read_frame(raw: pd.DataFrame, path: Path, sheet: str | None, encoding: str | None, offset: int, table: str, *,
               extra_aliases: dict | None = None, known_agents: set[str] | None = None,
               field_map: dict | None = None, optional_fields: frozenset = frozenset(),
               limits: Limits | None = None) -> LoadedTable:
    """`read_table` on a frame already read from its file. `optional_fields`: required fields
    the caller can do without (a call log's success, when the rules allow grading without it);
    `limits`: the rules file's plausible ranges (default: the model's)."""
    limits = limits or Limits()
    where = f"{path}" + (f", sheet {sheet!r}" if sheet else "")
    raw = raw.set_axis([str(c) for c in raw.columns], axis=1)
    table, res = resolve_table(raw, table, extra_aliases, field_map, frozenset(optional_fields), where)
    res.raise_if_incomplete(where)
    spec_t = TABLES[table]
    headers = res.header_of()

    raw = raw.reset_index(drop=True)
    rows = pd.Series(raw.index + offset, index=raw.index)
    issues: list[Issue] = []
    fname = str(path)

    # Each field's cells as the mapping gives them (joined, `none` values blanked).
    cells = pd.DataFrame({name: mapping.source_values(raw, src) for name, src in res.sources.items()},
                         index=raw.index)
    # Fully empty rows (a blank line in a CSV, a spacer row in a sheet) carry nothing.
    used = sorted({h for src in res.sources.values() for h in src.headers})
    empty = _empty_rows(raw, used)
    excluded = empty.copy()

    out = pd.DataFrame(index=raw.index)
    for col in spec_t.columns:
        if col.name not in headers:
            continue
        header = headers[col.name]
        src = res.sources[col.name]
        values, bad, outside = _coerce_source(cells[col.name], col, src, where, res.table_key)
        # A date/time joined from parts with one part blank (Date + a blank Time) is incomplete,
        # never read as midnight.
        partial = mapping.partial_join(raw, src) if src.joined and col.kind in mapping.WHOLE_JOIN_KINDS \
            else pd.Series(False, index=raw.index)
        if partial.any():
            values = _blank_where(values, partial)
            bad = bad | partial
        bad = bad & ~empty
        implausible = _implausible(spec_t.name, col, values, limits) & ~bad & ~empty
        if implausible.any():
            fate = "row excluded" if col.required else "value ignored"
            for idx in implausible[implausible].index:
                issues.append(Issue(fname, sheet, int(rows[idx]), header, _show(cells.at[idx, col.name]),
                                    f"{_plausible_text(spec_t.name, col, limits)}; {fate}"))
            values = _blank_where(values, implausible)
            if col.required:
                excluded |= implausible
        if bad.any():
            fate = "row excluded" if col.required and not (table == "calls" and col.name == "agent_id") \
                else "value ignored"
            expected = _expected(col.kind, col.choices) if not src.format else \
                f"expected {col.kind} values in the format {src.format!r} ({src.yaml_path}.format)"
            for idx in bad[bad].index:
                problem = mapping.outside_map_problem(src) if outside[idx] else \
                    mapping.partial_join_problem(src, col.kind) if partial[idx] else expected
                issues.append(Issue(fname, sheet, int(rows[idx]), header, _show(cells.at[idx, col.name]),
                                    f"{problem}; {fate}"))
            if col.required:
                excluded |= bad
        if isinstance(values, pd.DataFrame):  # datetime_or_time: combined below
            out[col.name + "__stamp"] = values["stamp"]
            out[col.name + "__secs"] = values["secs"]
            blank = values["stamp"].isna() & values["secs"].isna()
        else:
            out[col.name] = values
            blank = values.isna()
        if col.required and not (table == "calls" and col.name == "agent_id"):
            missing = blank & ~bad & ~empty & ~implausible
            for idx in missing[missing].index:
                issues.append(Issue(fname, sheet, int(rows[idx]), header, None, "required value is blank; row excluded"))
            excluded |= missing

    excluded |= _check_required_for(spec_t, out, headers, excluded, rows, issues, fname, sheet)

    if table == "punches":
        out = _combine_punch_times(out)
        neither = out["sign_in"].isna() & out["sign_out"].isna() & ~excluded
        for idx in neither[neither].index:
            issues.append(Issue(fname, sheet, int(rows[idx]), None, None,
                                "neither sign-in nor sign-out given; row excluded"))
        excluded |= neither
    if table == "punch_events" and "direction" not in out:
        # the time-only form (PUNCH_FORMS): every event undirected, paired first in / last out
        out["direction"] = pd.Series(pd.NA, index=out.index, dtype="string")
    if table == "calls" and "duration_s" not in out and "end_time" in out:
        out["duration_s"] = (out["end_time"] - out["start_time"]).dt.total_seconds()
    if table == "leave":
        backwards = out["end"] < out["start"]
        for idx in backwards[backwards & ~excluded].index:
            issues.append(Issue(fname, sheet, int(rows[idx]), headers["end"], _show(cells.at[idx, "end"]),
                                "leave ends before it starts; row excluded"))
        excluded |= backwards.fillna(False)
        too_long = ((out["end"] - out["start"]) > pd.Timedelta(days=limits.leave_max_span_days)).fillna(False)
        for idx in too_long[too_long & ~excluded].index:
            issues.append(Issue(fname, sheet, int(rows[idx]), headers["end"], _show(cells.at[idx, "end"]),
                                f"leave longer than {limits.leave_max_span_days} days "
                                "(limits.leave_max_span_days in the rules file); row excluded"))
        excluded |= too_long

    if spec_t.key:
        key_frame = out.loc[~excluded, list(spec_t.key)]
        dup = key_frame.duplicated(keep="first")
        if dup.any():
            first_row = {}
            for idx, key in zip(key_frame.index, map(tuple, key_frame.itertuples(index=False))):
                first_row.setdefault(key, int(rows[idx]))
            for idx in dup[dup].index:
                key = tuple(key_frame.loc[idx])
                shown = " / ".join(map(_show, cells.loc[idx, list(spec_t.key)]))  # as typed, not 28800.0 seconds
                issues.append(Issue(fname, sheet, int(rows[idx]), headers[spec_t.key[0]], shown,
                                    f"duplicate {'+'.join(spec_t.key)} (first at row {first_row[key]}); row excluded"))
            excluded.loc[dup[dup].index] = True

    if table == "schedule":
        excluded |= overlapping_shifts(out, excluded, rows, cells, headers, issues, fname, sheet)

    if known_agents is not None and spec_t.agent_column:
        ids = out[spec_t.agent_column]
        unknown = ids.notna() & ~isin_set(ids, known_agents) & ~excluded
        for idx in unknown[unknown].index:
            issues.append(Issue(fname, sheet, int(rows[idx]), headers[spec_t.agent_column], _show(ids[idx]),
                                "agent not in the roster; row excluded"))
        excluded |= unknown

    out["_row"] = rows
    frame = out.loc[~excluded].reset_index(drop=True)
    issues = _with_agents(issues, raw, rows, headers.get(spec_t.agent_column or "agent_id"))
    issues.sort(key=lambda i: (i.row or 0))
    sha = file_sha256(path) if path.is_file() else ""
    return LoadedTable(table, path, sheet, frame, issues, int((~empty).sum()), sha, headers, encoding)


def _empty_rows(raw: pd.DataFrame, used: list[str]) -> pd.Series:
    """Rows blank in every used column. Each column is looked at only on the rows still blank in
    the columns before it: after the first (an agent id, a date) those are a handful, not every
    row of every column."""
    empty = np.ones(len(raw), dtype=bool)
    for header in used:
        candidates = np.flatnonzero(empty)
        if not len(candidates):
            break
        blank = coerce.blank_mask(raw[header].iloc[candidates]).to_numpy(dtype=bool)
        empty[candidates[~blank]] = False
    return pd.Series(empty, index=raw.index)


# Numeric columns with a plausible range in the rules file (`limits`): (table, column) -> field.
RANGED_COLUMNS = {("kpi", "kpi_score"): "kpi_score", ("calls", "amount"): "amount",
                  ("calls", "duration_s"): "duration_s", ("leave", "days"): "leave_days"}
DATE_KINDS = ("date", "datetime", "date_or_datetime", "datetime_or_time")
EXCEL_TIME_DAYS = pd.to_datetime(["1899-12-30", "1899-12-31", "1900-01-01"])


def _implausible(table: str, col, values, limits: Limits) -> pd.Series:
    """Read values outside their plausible range (numbers: `limits.<field>`; every date and
    time: earliest_date..latest_date). NaN/inf and far-off years never reach the arithmetic."""
    field_name = RANGED_COLUMNS.get((table, col.name))
    if field_name is not None:
        rng = getattr(limits, field_name)
        number = values.astype("float64")
        return number.notna() & ~number.between(rng.min, rng.max)
    if col.kind in DATE_KINDS:
        stamp = values["stamp"] if isinstance(values, pd.DataFrame) else values
        if col.kind == "datetime_or_time":  # a bare Excel time reads as 1899-12-30 + time: not a date
            epoch = stamp.dt.normalize().isin(EXCEL_TIME_DAYS)
            stamp = stamp.where(~epoch)
        lo = pd.Timestamp(limits.earliest_date)
        hi = pd.Timestamp(limits.latest_date) + pd.Timedelta(days=1)
        return stamp.notna() & ((stamp < lo) | (stamp >= hi))
    return pd.Series(False, index=values.index)


def _plausible_text(table: str, col, limits: Limits) -> str:
    field_name = RANGED_COLUMNS.get((table, col.name))
    if field_name is not None:
        return (f"outside the plausible range {getattr(limits, field_name).describe()} "
                f"(limits.{field_name} in the rules file)")
    return (f"date outside {limits.earliest_date:%Y-%m-%d} to {limits.latest_date:%Y-%m-%d} "
            "(limits.earliest_date/latest_date in the rules file)")


def _blank_where(values, mask: pd.Series):
    """`values` with the masked cells blank, so nothing downstream uses them."""
    if isinstance(values, pd.DataFrame):
        return values.mask(mask, axis=0)
    return values.mask(mask)


def _check_required_for(spec_t: Table, out: pd.DataFrame, headers: dict[str, str], excluded: pd.Series,
                        rows: pd.Series, issues: list[Issue], fname: str, sheet: str | None) -> pd.Series:
    """Columns required on some rows only (`Column.required_for`): a blank there excludes the
    row. An absent column is added as all-blank, so later code can rely on it."""
    missing = pd.Series(False, index=out.index)
    for col in spec_t.columns:
        if col.required_for is None:
            continue
        other, values = col.required_for
        if col.name not in out:
            out[col.name] = pd.Series(pd.NA, index=out.index, dtype="string")
        if other not in out:
            continue
        blank = out[col.name].isna() & out[other].isin(values).fillna(False).astype(bool) & ~excluded
        header = headers.get(col.name)
        why = "required value is blank" if header else f"no {col.name} column"
        for idx in blank[blank].index:
            issues.append(Issue(fname, sheet, int(rows[idx]), header, None,
                                f"{why}: {col.name} is required when {other} is {out.at[idx, other]}; row excluded"))
        missing |= blank
    return missing


def _combine_punch_times(out: pd.DataFrame) -> pd.DataFrame:
    """A bare time in sign_in/sign_out belongs to the row's date; a sign-out earlier than the
    sign-in (a night shift) belongs to the next day."""
    bare = {}
    for name in ("sign_in", "sign_out"):
        stamp, secs = out.pop(name + "__stamp"), out.pop(name + "__secs")
        from_time = out["date"] + pd.to_timedelta(secs.astype("float64"), unit="s")
        is_full = stamp.notna() & (stamp.dt.year > 1900)
        bare[name] = ~is_full
        out[name] = stamp.where(is_full, from_time).astype("datetime64[ns]")
    overnight = bare["sign_out"] & (out["sign_out"] < out["sign_in"])
    out.loc[overnight, "sign_out"] = out.loc[overnight, "sign_out"] + pd.Timedelta(days=1)
    return out


def overlapping_shifts(out: pd.DataFrame, excluded: pd.Series, rows: pd.Series, cells: pd.DataFrame,
                       headers: dict[str, str], issues: list[Issue], fname: str, sheet: str | None) -> pd.Series:
    """Schedule rows whose shift starts before an earlier shift of the same person has ended
    (a split day 08:00-11:20 + 13:50-16:40 is fine; 08:00-12:00 + 11:00-15:00 is not, nor a night
    shift to 06:00 and a next-day shift from 05:00). Which punches belong to which of two
    overlapping shifts cannot be told: the shift that starts later is an error, row excluded."""
    kept = out.loc[~excluded, ["agent_id", "date", "shift_start", "shift_end"]]
    if kept.empty:
        return pd.Series(False, index=out.index)
    start = kept["date"] + pd.to_timedelta(kept["shift_start"].astype("float64"), unit="s")
    end = kept["date"] + pd.to_timedelta(kept["shift_end"].astype("float64"), unit="s") \
        + pd.to_timedelta((kept["shift_end"] <= kept["shift_start"]).astype("int64"), unit="D")
    order = pd.DataFrame({"agent_id": kept["agent_id"].astype(object), "start": start, "end": end,
                          "row": rows[kept.index]}).sort_values(["agent_id", "start"], kind="stable")
    by_agent = order.groupby("agent_id", sort=False)
    latest_end = by_agent["end"].cummax()
    # the row of the shift holding the latest end so far: the one a later start overlaps
    holder = order["row"].where(order["end"].eq(latest_end)).groupby(order["agent_id"], sort=False).ffill()
    before_end = latest_end.groupby(order["agent_id"], sort=False).shift(1)
    before_row = holder.groupby(order["agent_id"], sort=False).shift(1)
    bad = (order["start"] < before_end).fillna(False).astype(bool)
    for idx in bad[bad].index:
        issues.append(Issue(fname, sheet, int(rows[idx]), headers["shift_start"],
                            f"{_show(cells.at[idx, 'shift_start'])}-{_show(cells.at[idx, 'shift_end'])}",
                            f"shift overlaps the same person's shift at row {int(before_row[idx])}; "
                            "row excluded"))
    return bad.reindex(out.index, fill_value=False)


def _show(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def _with_agents(issues: list[Issue], raw: pd.DataFrame, rows: pd.Series, agent_header: str | None) -> list[Issue]:
    """Name the person each row issue belongs to (the row's agent id as written), so a split
    payroll gives each unit only its own people's issues."""
    if agent_header is None or agent_header not in raw or not issues:
        return issues
    ids, _ = coerce.to_text(raw[agent_header])  # read as the agent_id column is read
    by_row = {row: agent for row, agent in zip(rows.tolist(), ids.tolist()) if isinstance(agent, str) and agent}
    return [dataclasses.replace(i, agent_id=by_row[i.row]) if i.row in by_row else i for i in issues]
