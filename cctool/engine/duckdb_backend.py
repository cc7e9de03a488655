"""The DuckDB backend: one pass over a CSV, Parquet or .xlsx call log of millions of rows on
this machine, out of core, never materialised in pandas (an .xlsx call log, small by nature,
is read by calamine as text and registered as a DuckDB table).

It opens the file the way the readers open every table (header mapping, the rules file's
column mapping, encoding detection) and runs the SQL of `cctool.engine.aggregations` on it;
only the small grouped result reaches pandas.

CSV is read in one of two modes:
- fast: start_time / connected / success / amount / duration_s typed by DuckDB itself (ISO
  times; true/false, 1/0, t/f, y/n, yes/no; plain numbers), chosen when a sample of the file
  looks like that;
- careful: every column as text, parsed in SQL with the readers' spellings (是/否, 2026/07/01
  09:00, ...), and malformed lines (too many or too few fields) kept in DuckDB's reject
  table so each is reported with its line number.
A fast pass that meets anything unexpected is abandoned and the careful one runs instead.
"""
from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from cctool.engine import aggregations as agg
from cctool.errors import InputError, Issue
from cctool.io import mapping, mapping_sql
from cctool.io.readers import (CSV_SUFFIXES, EXCEL_SUFFIXES, OLE_MAGIC, PARQUET_MAGIC, PARQUET_SUFFIXES, ZIP_MAGIC,
                               decode_text, existing_file, read_raw)
from cctool.io.tables import TABLES

if TYPE_CHECKING:
    from cctool.rules.model import Limits

SAMPLE_BYTES = 64 * 1024
TRANSCODE_CHUNK = 4 * 1024 * 1024
DUCKDB_MEMORY_LIMIT = "768MB"
MAX_LISTED_REJECTS = 50  # malformed CSV lines reported one by one; the rest in one summary issue

# What DuckDB's own BOOLEAN / TIMESTAMP parsing accepts: a sample of only these takes the fast mode.
_DUCK_BOOL = {"true", "false", "t", "f", "1", "0", "y", "n", "yes", "no", ""}
_ANY_SLASH_DATE = re.compile(r"(?<!\d)\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}(?!\d)")
_NUMBER = re.compile(r"^\s*-?\d+(\.\d*)?([eE][-+]?\d+)?\s*$")
_ISO_TIME = re.compile(r"^\s*\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*$")

@dataclass
class _Source:
    """The call file as DuckDB will read it."""

    path: Path  # the user's file (for messages)
    kind: str  # "csv" | "parquet" | "xlsx" (read by calamine, registered as a table of text)
    sql_path: Path  # what DuckDB reads (a UTF-8 copy for a GB18030 CSV)
    encoding: str | None = None
    delim: str = ","
    columns: dict[str, str] = field(default_factory=dict)  # user's header -> DuckDB type
    headers: dict[str, str] = field(default_factory=dict)  # canonical -> user's header
    fast_ok: bool = False
    tmpdir: Path | None = None
    fields: dict[str, mapping.Source] = field(default_factory=dict)  # canonical -> where it comes from
    time_order: str | None = None  # dayfirst / monthfirst when start_time's slash dates prove it
    sample: str | None = None  # the decoded start of a CSV (the slash-date check skips a file without any)
    sheet: str | None = None

    def cleanup(self) -> None:
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None


# ----------------------------------------------------------------------------- SQL helpers

def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"memory_limit": DUCKDB_MEMORY_LIMIT, "preserve_insertion_order": False})
    con.execute("SET enable_progress_bar = false")
    return con


# ----------------------------------------------------------------------------- opening the file

def _sample(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(SAMPLE_BYTES)


def _cut_at_line(sample: bytes, whole_file: bool) -> bytes:
    """Cut a sample after its last newline, so no multibyte character is split (0x0A is never
    part of a UTF-8 or GB18030 multibyte sequence)."""
    if whole_file:
        return sample
    nl = sample.rfind(b"\n")
    return sample[:nl + 1] if nl > 0 else sample


def _transcode(path: Path, encoding: str, tmpdir: Path) -> Path:
    """Stream a non-UTF-8 CSV into a UTF-8 copy DuckDB can read, chunk by chunk."""
    target = tmpdir / "calls-utf8.csv"
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    with open(path, "rb") as src, open(target, "w", encoding="utf-8", newline="") as dst:
        while True:
            chunk = src.read(TRANSCODE_CHUNK)
            try:
                dst.write(decoder.decode(chunk, final=not chunk))
            except UnicodeDecodeError as exc:
                raise InputError(f"{path}: cannot read the text as {encoding}; first bad byte near offset "
                                 f"{offset + max(exc.start, 0)}. Save it as UTF-8 CSV or Parquet.") from None
            if not chunk:
                break
            offset += len(chunk)
    return target


def _header_fields(text: str, path: Path) -> tuple[list[str], str]:
    first = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    if path.suffix.lower() == ".tsv":
        delim = "\t"
    else:
        delim = max([",", "\t", ";", "|"], key=first.count)
    headers = next(csv.reader(io.StringIO(first), delimiter=delim), [])
    return [h.strip() for h in headers], delim


def _sample_is_plain(text: str, delim: str, headers: dict[str, str]) -> bool:
    """True when the sample's times are ISO and its booleans are spellings DuckDB types itself."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delim)
    try:
        names = next(reader)
    except StopIteration:
        return False
    pos = {h.strip(): i for i, h in enumerate(names)}
    try:
        t, c, s = (pos[headers[k]] for k in ("start_time", "connected", "success"))
        numbers = [pos[headers[k]] for k in ("amount", "duration_s") if k in headers]
    except KeyError:
        return False
    lines = list(reader)[:-1] or []  # the last sampled line may be cut short
    for row in lines:
        if len(row) != len(names):
            return False
        if not _ISO_TIME.match(row[t]) and row[t].strip():
            return False
        if row[c].strip().casefold() not in _DUCK_BOOL or row[s].strip().casefold() not in _DUCK_BOOL:
            return False
        if any(row[i].strip() and not _NUMBER.match(row[i]) for i in numbers):
            return False
    return True


def _unique(names: list[str]) -> list[str]:
    """Header names made unique (a repeated header is ambiguous only if it maps to a column)."""
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        name = name or f"column{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        seen.setdefault(name, 0)
        out.append(name)
    return out


def _describe(con, relation: str, path: Path) -> dict[str, str]:
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    except duckdb.Error as exc:
        raise InputError(f"{path}: not a readable call log ({_first_line(exc)})") from None
    return {r[0]: r[1] for r in rows}


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


@contextlib.contextmanager
def _opened(path: Path, aliases: dict[str, list[str]] | None, field_map: dict | None = None,
            optional: frozenset = frozenset(), limits: Limits | None = None):
    """A DuckDB connection and the call file opened on it, for one pass; closed and its
    temporary UTF-8 copy removed afterwards. A DuckDB failure becomes an InputError."""
    con = _connect()
    src = None
    try:
        src = _open_source(path, aliases, con, field_map, optional, limits)
        _check_slash_dates(con, src)
        yield con, src
    except duckdb.Error as exc:
        raise InputError(f"{path}: not a readable call log ({_first_line(exc)})") from None
    finally:
        con.close()
        if src is not None:
            src.cleanup()


def _open_source(path: Path, aliases: dict[str, list[str]] | None, con, field_map: dict | None = None,
                 optional: frozenset = frozenset(), limits: Limits | None = None) -> _Source:
    path, sheet = existing_file(path)
    suffix = path.suffix.lower()
    sample = _sample(path)
    if suffix in PARQUET_SUFFIXES:
        if not sample.startswith(PARQUET_MAGIC):
            raise InputError(f"{path}: not a Parquet file")
        src = _Source(path, "parquet", path)
        src.columns = _describe(con, _relation(src, careful=True), path)
    elif suffix in EXCEL_SUFFIXES:
        src = _register_workbook(con, path, sheet, limits)
    elif suffix in CSV_SUFFIXES:
        if not sample.strip():
            raise InputError(f"{path}: the file is empty (no header row)")
        if sample.startswith(ZIP_MAGIC) or sample.startswith(OLE_MAGIC):
            raise InputError(f"{path}: this is an Excel workbook, not a CSV text file; rename it to .xlsx")
        whole = path.stat().st_size <= len(sample)
        text, encoding = decode_text(_cut_at_line(sample, whole), path)
        src = _Source(path, "csv", path, encoding=encoding)
        if encoding not in ("utf-8", "utf-8-sig"):
            src.tmpdir = Path(tempfile.mkdtemp(prefix="cctool-calls-"))
            src.sql_path = _transcode(path, encoding, src.tmpdir)
        names, src.delim = _header_fields(text, path)
        src.sample = text
        src.columns = {name: "VARCHAR" for name in _unique(names)}
    else:
        raise InputError(f"{path}: unsupported call-log file type {suffix or '(none)'}; use .csv, .xlsx or "
                         ".parquet")
    where = str(path) + (f", sheet {src.sheet!r}" if src.sheet else "")
    src.fields, src.headers = resolve_columns(list(src.columns), where, aliases, field_map, optional)
    if src.kind == "csv":
        plain = not any(s.transformed for s in src.fields.values())
        src.fast_ok = plain and _sample_is_plain(text, src.delim, src.headers)
    return src


def resolve_columns(columns: list[str], where: str, aliases, field_map, optional: frozenset):
    """Which of the file's columns is each call-log field (headers, aliases, the rules file's
    column mapping): (canonical -> mapping.Source, canonical -> user's header)."""
    res = mapping.resolve(columns, TABLES["calls"], field_map, aliases, optional=optional)
    if not res.complete and not set(CALL_LOG_FIELDS) & set(res.sources):
        raise not_a_call_log(where, res)
    if "success" in res.missing:
        res.missing.remove("success")
        success = (
            "missing required column: success (whether the call succeeded). Map it in the rules file, e.g. "
            "columns.calls.success: {from: <header>, values: {<yes word>: true, <no word>: false}}; or, for "
            "grade-agents, kpi-report and daily-brief without it (success rates n/a, grades on the other criteria), "
            "set grading.calls_without_success: grade_other_criteria (monthly-payroll always needs it: commission "
            "is paid per successful call)")
        # The way out for success alone leads only when success is all that is missing.
        (res.mapping_errors if res.complete else res.notes).append(success)
    res.raise_if_incomplete(where)
    return res.sources, res.header_of()


# The fields that make a file a call log: agent_id is in every table, so it proves nothing.
CALL_LOG_FIELDS = ("call_id", "start_time", "connected", "success", "duration_s", "end_time")


def not_a_call_log(where: str, res: mapping.Resolution) -> InputError:
    """A file given as the call log in which no header (name, alias or the rules file's
    mapping) is a call-log field: said first, with the table it reads as when it reads as one
    (a punch file given as --calls), never the hint for one missing field."""
    from cctool.io.inspect import tables_fed_by

    fed = [t for t in tables_fed_by(res.headers) if t != "calls"]
    looks = f"; its headers match the {fed[0]} table" if fed else ""
    shown = ", ".join(repr(h) for h in res.headers[:20])
    mapped = ("; the rules file's mapping: " + "; ".join(res.mapping_errors)) if res.mapping_errors else ""
    text = (f"{where}: does not look like a call log: no header is a call-log field "
            f"({', '.join(CALL_LOG_FIELDS)}, or one of their aliases){looks}{mapped}. Headers found: {shown}. "
            "Check that this is the call log; if it is, map its fields under columns.calls in the rules file "
            "(`cctool inspect FILE --table calls` prints the lines to add).")
    return InputError(text, [Issue(where, None, 1, None, None, "not a call log: no call-log field in the header"
                                   + (f" (reads as {fed[0]})" if fed else ""))])


def _register_workbook(con, path: Path, sheet: str | None, limits: Limits | None = None) -> _Source:
    """An .xlsx call log: read by calamine (as every workbook), every cell as text (Excel dates
    and times in ISO spelling), fully blank rows left out, registered as a DuckDB table. Row
    accounting is that of a CSV: one call per non-blank data row."""
    frame, path, sheet, _, _ = read_raw(str(path) + (f"#{sheet}" if sheet else ""), limits)
    names = _unique([str(c) for c in frame.columns])
    text = pd.DataFrame({name: mapping.as_text(frame.iloc[:, i]).astype(object) for i, name in enumerate(names)})
    text = text[text.notna().any(axis=1)].reset_index(drop=True)
    con.register("calls_workbook", text.astype("string[pyarrow]") if len(text.columns) else text)
    src = _Source(path, "xlsx", path, sheet=sheet)
    src.columns = {name: "VARCHAR" for name in names}
    return src


def _check_slash_dates(con, src: _Source) -> None:
    """start_time without a declared format: slash dates (01/02/2026) are read only in the order
    the column proves; an ambiguous column stops the run asking for `format`."""
    s = src.fields.get("start_time")
    if s is None or s.format or src.kind == "parquet":
        return
    # One more scan of the file only when its first 64 KiB hold a slash date at all: a log of ISO
    # times pays nothing. Slash dates first met further on are unreadable values, never guessed.
    if src.sample is not None and not _ANY_SLASH_DATE.search(src.sample):
        return
    relation = _relation(src, careful=True).replace("store_rejects=true", "ignore_errors=true")
    src.time_order = slash_order(src, lambda sql: con.execute(sql).fetchall()[0], relation)


def slash_order(src, fetch_one, relation: str) -> str | None:
    """The order (dayfirst / monthfirst) start_time's slash dates prove, or None; an ambiguous
    column stops the run asking for `format`. `fetch_one(sql)` runs one query on the engine."""
    s = src.fields["start_time"]
    expr, kind = mapping_sql.source_expr(s, src.columns)
    if not mapping_sql.is_text(kind):
        return None
    n, first, second, example = fetch_one(mapping_sql.slash_order_sql(expr, kind, relation))
    if not n:
        return None
    order = mapping.order_from_maxima(first or 0, second or 0)
    if order == "ambiguous":
        raise mapping.ambiguous_date_error(str(src.path), s, "calls", example, n,
                                           mixed=(first or 0) > 12 and (second or 0) > 12)
    return order


def _fast_types(src: _Source) -> dict[str, str]:
    h = src.headers
    typed = {h["start_time"]: "TIMESTAMP", h["connected"]: "BOOLEAN", h["success"]: "BOOLEAN"}
    for name in ("amount", "duration_s"):  # DuckDB's own number parsing: no text column, no TRY_CAST per call
        if name in h:
            typed[h[name]] = "DOUBLE"
    return typed


def _relation(src: _Source, *, careful: bool) -> str:
    path = _literal(str(src.sql_path))
    if src.kind == "xlsx":
        return "calls_workbook"
    if src.kind == "parquet":
        return f"read_parquet({path})"
    # Our own header parse names the columns: no sniffing, so a malformed line early in the file
    # cannot make the whole file unreadable.
    typed = {} if careful else _fast_types(src)
    columns = ", ".join(f"{_literal(h)}: {_literal(typed.get(h, 'VARCHAR'))}" for h in src.columns)
    options = (f"{path}, delim={_literal(src.delim)}, quote='\"', escape='\"', header=true, auto_detect=false, "
               f"columns={{{columns}}}")
    return f"read_csv({options}{', store_rejects=true' if careful else ''})"


# ----------------------------------------------------------------------------- the pass

def _switch_to_gb18030(src: _Source, exc: Exception) -> bool:
    """UTF-8 in the sample, something else further on: read the file as GB18030 from the start.
    Returns whether the source was switched (then the caller runs its query again)."""
    if src.kind != "csv" or "unicode" not in _first_line(exc).casefold() or src.tmpdir is not None:
        return False
    src.tmpdir = Path(tempfile.mkdtemp(prefix="cctool-calls-"))
    src.sql_path = _transcode(src.path, "gb18030", src.tmpdir)
    src.encoding = "gb18030"
    return True


def _rejected_lines(con, src: _Source) -> tuple[list[Issue], int]:
    """Malformed CSV lines DuckDB set aside in the careful mode: one issue per line, and their number."""
    try:
        rej = con.execute("SELECT line, min(error_type) AS error_type, min(error_message) AS message, "
                          "min(csv_line) AS csv_line FROM reject_errors GROUP BY line ORDER BY line").df()
    except duckdb.Error:
        return [], 0
    issues = []
    file = str(src.path)
    for line, etype, message, text in rej.head(MAX_LISTED_REJECTS).itertuples(index=False):
        issues.append(Issue(file, None, int(line), None, (text or "")[:200],
                            f"malformed line ({str(etype).lower()}: {message}); call record excluded"))
    if len(rej) > MAX_LISTED_REJECTS:
        issues.append(Issue(file, None, None, None, None,
                            f"{len(rej) - MAX_LISTED_REJECTS} more malformed line(s); call records excluded"))
    return issues, len(rej)




class DuckDBScan:
    """A call log opened on DuckDB: the `cctool.engine.calls` functions run the aggregations
    of `cctool.engine.aggregations` through it."""

    engine = "duckdb"

    def __init__(self, con, src: _Source):
        self.con, self.src = con, src
        self.careful = True

    @property
    def mode(self) -> str:
        return self.src.kind if self.src.kind in ("parquet", "xlsx") else ("careful" if self.careful else "fast")

    def scan_sql(self, careful: bool = True) -> str:
        src = self.src
        kinds = dict(src.columns) if careful or src.kind in ("parquet", "xlsx") else {
            name: _fast_types(src).get(name, "VARCHAR") for name in src.columns}
        return agg.typed_scan(src, kinds, _relation(src, careful=careful))

    def query(self, sql: str) -> pd.DataFrame:
        try:
            return self.con.execute(sql).df()
        except duckdb.Error as exc:
            raise InputError(f"{self.src.path}: cannot read the call log ({_first_line(exc)})") from None

    def register(self, name: str, frame: pd.DataFrame) -> None:
        self.con.register(name, frame)

    def grouped(self, build, *, fast: bool = True) -> tuple[pd.DataFrame, str]:
        """Run build(scan) -> SQL, the fast mode first where the sample allows. Returns (result, scan)."""
        src = self.src
        if fast and src.kind == "csv" and src.fast_ok:
            scan = self.scan_sql(careful=False)
            try:
                result = self.con.execute(build(scan)).df()
                self.careful = False
                return result, scan
            except duckdb.Error:
                pass  # something the fast mode cannot type: the careful mode reads and reports it
        scan = self.scan_sql(careful=True)
        try:
            result = self.con.execute(build(scan)).df()
            self.careful = True
            return result, scan
        except duckdb.Error as exc:
            if _switch_to_gb18030(src, exc):
                return self.grouped(build, fast=fast)
            raise InputError(f"{src.path}: cannot read the call log ({_first_line(exc)})") from None

    def examples(self, scan: str, code: int) -> list:
        return [r[0] for r in self.con.execute(agg.bad_examples_sql(scan, code)).fetchall()]

    def rejected(self) -> tuple[list[Issue], int]:
        return _rejected_lines(self.con, self.src) if self.careful and self.src.kind == "csv" else ([], 0)


@contextlib.contextmanager
def open_calls(path, aliases: dict[str, list[str]] | None = None, field_map: dict | None = None,
               optional: frozenset = frozenset(), limits: Limits | None = None):
    with _opened(Path(path), aliases, field_map, optional, limits) as (con, src):
        yield DuckDBScan(con, src)
