"""Call-log aggregation for grading (GRD-* metrics): one DuckDB pass over a CSV or Parquet
file of millions of rows, never materialised in pandas (an .xlsx call log, small by nature,
is read by calamine as text and registered as a DuckDB table).

A single GROUP BY gives, per agent id and row status (usable, outside the period, or which
required value is unreadable), the calls, connected calls, successes and amount. Only that
small result (about one row per agent) reaches pandas, where unknown agent ids, calls
outside the period and unreadable rows become Issues with their counts: nothing is dropped
without a trace.

Why this module reads a file although it sits in `policy`: the aggregation *is* the read
(DuckDB scans the file out of core); it reuses the readers' header mapping and encoding
detection so a call log is accepted exactly where the other tables are. The rules file's
column mapping (join, values, format, none) becomes SQL in `cctool.io.mapping_sql`; a call
whose agent is blank (or a `none` value) reached no agent: status NO_AGENT, counted apart.

CSV is read in one of two modes:
- fast: start_time / connected / success typed by DuckDB itself (ISO times; true/false,
  1/0, t/f, y/n, yes/no), chosen when a sample of the file looks like that;
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

import duckdb
import pandas as pd

from cctool.errors import InputError, Issue
from cctool.io import mapping, mapping_sql
from cctool.io.coerce import FALSE_WORDS, TRUE_WORDS
from cctool.io.readers import (CSV_SUFFIXES, EXCEL_SUFFIXES, OLE_MAGIC, PARQUET_MAGIC, PARQUET_SUFFIXES, ZIP_MAGIC,
                               decode_text, read_raw, split_spec)
from cctool.io.tables import TABLES

SAMPLE_BYTES = 64 * 1024
TRANSCODE_CHUNK = 4 * 1024 * 1024
DUCKDB_MEMORY_LIMIT = "768MB"
MAX_LISTED_UNKNOWN = 100  # unknown agent ids reported one by one; the rest in one summary issue
MAX_LISTED_REJECTS = 50  # malformed CSV lines reported one by one; the rest in one summary issue

# Row status codes of the GROUP BY (first failing check wins). NO_AGENT: a call that reached no
# agent (blank agent, or a `none` value of the mapping): offered and abandoned, not an error.
OK, BLANK_AGENT, BAD_TIME, BAD_CONNECTED, BAD_SUCCESS, OUT_OF_PERIOD, NO_AGENT = range(7)
BAD_COLUMN = {BLANK_AGENT: "agent_id", BAD_TIME: "start_time", BAD_CONNECTED: "connected", BAD_SUCCESS: "success"}
BAD_PROBLEM = {
    BLANK_AGENT: "blank agent_id",
    BAD_TIME: "blank or unreadable start_time (expected a date and time such as 2026-07-01 09:00:00)",
    BAD_CONNECTED: "blank or unreadable connected (expected yes/no: 是/否, Y/N, true/false, 1/0)",
    BAD_SUCCESS: "blank or unreadable success (expected yes/no: 是/否, Y/N, true/false, 1/0)",
}
PER_AGENT_COLUMNS = ["agent_id", "calls", "connected", "successes", "amount", "cph_calls", "success_base",
                     "talk_s", "talk_calls"]
SUMS = ["calls", "connected", "successes", "amount", "talk_s", "talk_calls", "bad_amount", "bad_duration"]

# What DuckDB's own BOOLEAN / TIMESTAMP parsing accepts: a sample of only these takes the fast mode.
_DUCK_BOOL = {"true", "false", "t", "f", "1", "0", "y", "n", "yes", "no", ""}
_ANY_SLASH_DATE = re.compile(r"(?<!\d)\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}(?!\d)")
_NUMBER = re.compile(r"^\s*-?\d+(\.\d*)?([eE][-+]?\d+)?\s*$")
_ISO_TIME = re.compile(r"^\s*\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*$")

# limits.amount of the packaged rules: an amount outside it (1e300, inf, negative) is ignored and
# reported like an unreadable one, so it never reaches a Decimal (PAY-ALL-BONUS commission).
AMOUNT_RANGE = (0.0, 10_000_000.0)
# limits.duration_s likewise: one call's duration in seconds (1e300 or inf would swamp talk time).
DURATION_RANGE = (0.0, 86_400.0)


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
    amount_range: tuple[float, float] = AMOUNT_RANGE  # the rules file's limits.amount
    duration_range: tuple[float, float] = DURATION_RANGE  # the rules file's limits.duration_s
    fields: dict[str, mapping.Source] = field(default_factory=dict)  # canonical -> where it comes from
    time_order: str | None = None  # dayfirst / monthfirst when start_time's slash dates prove it
    sample: str | None = None  # the decoded start of a CSV (the slash-date check skips a file without any)
    sheet: str | None = None

    def cleanup(self) -> None:
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None


# ----------------------------------------------------------------------------- SQL helpers

def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _words(words) -> str:
    return ", ".join(_literal(w) for w in sorted(words))


def _ts_literal(stamp: pd.Timestamp) -> str:
    return f"TIMESTAMP '{pd.Timestamp(stamp):%Y-%m-%d %H:%M:%S}'"


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
        a = pos[headers["amount"]] if "amount" in headers else None
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
        if a is not None and row[a].strip() and not _NUMBER.match(row[a]):
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
            optional: frozenset = frozenset(), amount_range: tuple[float, float] | None = None,
            duration_range: tuple[float, float] | None = None):
    """A DuckDB connection and the call file opened on it, for one pass; closed and its
    temporary UTF-8 copy removed afterwards. A DuckDB failure becomes an InputError."""
    con = _connect()
    src = None
    try:
        src = _open_source(path, aliases, con, field_map, optional)
        src.amount_range = amount_range or AMOUNT_RANGE
        src.duration_range = duration_range or DURATION_RANGE
        _check_slash_dates(con, src)
        yield con, src
    except duckdb.Error as exc:
        raise InputError(f"{path}: not a readable call log ({_first_line(exc)})") from None
    finally:
        con.close()
        if src is not None:
            src.cleanup()


def _open_source(path: Path, aliases: dict[str, list[str]] | None, con, field_map: dict | None = None,
                 optional: frozenset = frozenset()) -> _Source:
    path, sheet = split_spec(path)
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    suffix = path.suffix.lower()
    sample = _sample(path)
    if suffix in PARQUET_SUFFIXES:
        if not sample.startswith(PARQUET_MAGIC):
            raise InputError(f"{path}: not a Parquet file")
        src = _Source(path, "parquet", path)
        src.columns = _describe(con, _relation(src, careful=True), path)
    elif suffix in EXCEL_SUFFIXES:
        src = _register_workbook(con, path, sheet)
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
    res = mapping.resolve(list(src.columns), TABLES["calls"], field_map, aliases, optional=optional)
    where = str(path) + (f", sheet {src.sheet!r}" if src.sheet else "")
    if "success" in res.missing:
        res.missing.remove("success")
        res.mapping_errors.append(
            "missing required column: success (whether the call succeeded). Map it in the rules file, e.g. "
            "columns.calls.success: {from: <header>, values: {<yes word>: true, <no word>: false}}; or, to grade "
            "on the other criteria only, set grading.calls_without_success: grade_other_criteria")
    res.raise_if_incomplete(where)
    src.fields = res.sources
    src.headers = res.header_of()
    if src.kind == "csv":
        plain = not any(s.transformed for s in src.fields.values())
        src.fast_ok = plain and _sample_is_plain(text, src.delim, src.headers)
    return src


def _register_workbook(con, path: Path, sheet: str | None) -> _Source:
    """An .xlsx call log: read by calamine (as every workbook), every cell as text (Excel dates
    and times in ISO spelling), fully blank rows left out, registered as a DuckDB table. Row
    accounting is that of a CSV: one call per non-blank data row."""
    frame, path, sheet, _, _ = read_raw(str(path) + (f"#{sheet}" if sheet else ""))
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
    expr, kind = mapping_sql.source_expr(s, src.columns)
    if not mapping_sql.is_text(kind):
        return
    n, first, second, example = con.execute(
        mapping_sql.slash_order_sql(expr, kind, _relation(src, careful=True).replace("store_rejects=true", "ignore_errors=true"))
    ).fetchall()[0]
    if not n:
        return
    order = mapping.order_from_maxima(first or 0, second or 0)
    if order == "ambiguous":
        raise mapping.ambiguous_date_error(str(src.path), s, "calls", example, n,
                                           mixed=(first or 0) > 12 and (second or 0) > 12)
    src.time_order = order


def _fast_types(src: _Source) -> dict[str, str]:
    h = src.headers
    typed = {h["start_time"]: "TIMESTAMP", h["connected"]: "BOOLEAN", h["success"]: "BOOLEAN"}
    if "amount" in h:
        typed[h["amount"]] = "DOUBLE"
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


# ----------------------------------------------------------------------------- expressions

def _is_text(kind: str) -> bool:
    return kind.upper() == "VARCHAR"


def _is_number(kind: str) -> bool:
    k = kind.upper()
    return any(k.startswith(p) for p in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT",
                                         "USMALLINT", "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL"))


def _agent_expr(col: str, kind: str) -> str:
    # Text ids are grouped as written and trimmed afterwards on the small result (cheaper than
    # trimming ten million strings).
    return col if _is_text(kind) else f"CAST({col} AS VARCHAR)"


def _bool_expr(col: str, kind: str, path: Path, header: str) -> str:
    if kind.upper() == "BOOLEAN":
        return col
    if _is_number(kind):
        return f"({col} <> 0)"
    if _is_text(kind):
        folded = f"lower(trim({col}))"
        return (f"(CASE WHEN {folded} IN ({_words(TRUE_WORDS)}) THEN true "
                f"WHEN {folded} IN ({_words(FALSE_WORDS)}) THEN false END)")
    raise InputError(f"{path}: column {header!r} holds {kind} values, not yes/no")


def _amount_expr(col: str | None, kind: str | None, plausible: tuple[float, float]) -> str:
    """A number read from `col` (thousands commas allowed), NULL outside `plausible` (a limits range)."""
    if col is None:
        return "CAST(NULL AS DOUBLE)"
    if _is_number(kind):
        value = f"CAST({col} AS DOUBLE)"
    else:
        value = f"coalesce(TRY_CAST({col} AS DOUBLE), TRY_CAST(replace(CAST({col} AS VARCHAR), ',', '') AS DOUBLE))"
    return _within(value, plausible)


def _within(value: str, plausible: tuple[float, float]) -> str:
    """`value` (a DOUBLE expression), or NULL when outside a limits range: reported like an
    unreadable cell, never summed."""
    lo, hi = plausible  # NaN sorts above every number in DuckDB, so it falls outside too
    return f"(CASE WHEN {value} BETWEEN {float(lo)!r} AND {float(hi)!r} THEN {value} END)"


def _field(src: _Source, name: str, kinds: dict[str, str]) -> tuple[str, str] | tuple[None, None]:
    """A field's raw cells as SQL (after join / none) and their type; (None, None) when absent."""
    s = src.fields.get(name)
    if s is None:
        return None, None
    return mapping_sql.source_expr(s, kinds)


def _typed(src: _Source, name: str, kinds: dict[str, str]) -> tuple[str | None, str | None]:
    """(typed SQL expression, raw SQL expression) of one field, as its mapping says."""
    raw, kind = _field(src, name, kinds)
    if raw is None:
        return None, None
    s = src.fields[name]
    header = s.label
    expr, k = raw, kind
    if s.values:
        target = "BOOLEAN" if name in ("connected", "success") else "VARCHAR"
        expr, k = mapping_sql.value_map_expr(raw, kind, s, target), target
    if name == "agent_id":
        return mapping_sql.blank_to_null(_agent_expr(expr, k)), raw
    if name in ("start_time", "end_time"):
        if s.format:
            return mapping_sql.timestamp_expr(expr, k, s.format, s.timezone), raw
        return mapping_sql.default_timestamp_expr(expr, k, src.time_order if name == "start_time" else None), raw
    if name in ("connected", "success"):
        return _bool_expr(expr, k, src.path, header), raw
    if name == "duration_s":
        if s.format == "duration":
            return _within(mapping_sql.duration_expr(expr, k), src.duration_range), raw
        return _amount_expr(expr, k, src.duration_range), raw
    if name == "amount":
        return _amount_expr(expr, k, src.amount_range), raw
    return expr, raw


def _select_sql(src: _Source, careful: bool, start: pd.Timestamp, end: pd.Timestamp) -> tuple[str, str]:
    """The scan as a subquery of typed columns, and the one GROUP BY over it."""
    kinds = dict(src.columns) if careful or src.kind in ("parquet", "xlsx") else {
        name: _fast_types(src).get(name, "VARCHAR") for name in src.columns}
    time_kind = kinds[src.fields["start_time"].headers[0]]
    if not src.fields["start_time"].transformed and not (
            time_kind.upper().startswith("TIMESTAMP") or time_kind.upper() == "DATE" or _is_text(time_kind)):
        raise InputError(f"{src.path}: column {src.headers['start_time']!r} (start_time) holds {time_kind} values, "
                         "not dates and times")
    typed = {name: _typed(src, name, kinds) for name in
             ("agent_id", "start_time", "connected", "success", "amount", "duration_s", "end_time")}
    null = "CAST(NULL AS {})".format
    agent, _ = typed["agent_id"]
    ts, ts_raw = typed["start_time"]
    conn, conn_raw = typed["connected"]
    succ, succ_raw = typed["success"]
    amount, amount_raw = typed["amount"]
    dur, dur_raw = typed["duration_s"]
    if dur is None and typed["end_time"][0] is not None:
        # No duration column: end_time − start_time (a negative span is unreadable, not a duration).
        end_ts, dur_raw = typed["end_time"]
        span = f"date_diff('second', {ts}, {end_ts})"
        dur = _within(f"(CASE WHEN {span} >= 0 THEN CAST({span} AS DOUBLE) END)", src.duration_range)
    scan = (
        f"SELECT {agent} AS agent_id, {ts} AS ts, {conn} AS is_connected, "
        f"{succ if succ else null('BOOLEAN')} AS is_success, "
        f"{amount if amount else null('DOUBLE')} AS amount, {amount_raw if amount_raw else 'NULL'} AS amount_raw, "
        f"{dur if dur else null('DOUBLE')} AS duration, {dur_raw if dur_raw else 'NULL'} AS duration_raw, "
        f"{ts_raw} AS ts_raw, {conn_raw} AS connected_raw, {succ_raw if succ_raw else 'NULL'} AS success_raw "
        f"FROM {_relation(src, careful=careful)}"
    )
    outside = f"ts < {_ts_literal(start)} OR ts >= {_ts_literal(end)}"
    grouped = (f"SELECT agent_id, {_status_sql(src, outside)} AS status, {_SUMS_SQL} FROM ({scan}) GROUP BY ALL")
    return scan, grouped


def _status_sql(src: _Source, outside: str) -> str:
    """The row status (first failing check wins). A call with no agent needs only a readable
    time: it was offered and reached nobody, so whether it connected does not matter."""
    success_check = f"WHEN is_success IS NULL THEN {BAD_SUCCESS} " if "success" in src.fields else ""
    return (f"CASE WHEN ts IS NULL THEN {BAD_TIME} "
            f"WHEN agent_id IS NULL THEN (CASE WHEN {outside} THEN {OUT_OF_PERIOD} ELSE {NO_AGENT} END) "
            f"WHEN is_connected IS NULL THEN {BAD_CONNECTED} {success_check}"
            f"WHEN {outside} THEN {OUT_OF_PERIOD} ELSE {OK} END")


# Talk time and AHT count connected calls with a readable duration (a call that did not connect
# has no talk, whatever its ring time).
_SUMS_SQL = ("count(*) AS calls, count(*) FILTER (WHERE is_connected) AS connected, "
             "count(*) FILTER (WHERE is_success) AS successes, sum(amount) AS amount, "
             "sum(duration) FILTER (WHERE is_connected) AS talk_s, "
             "count(duration) FILTER (WHERE is_connected) AS talk_calls, "
             "count(amount_raw) - count(amount) AS bad_amount, "
             "count(nullif(trim(CAST(duration_raw AS VARCHAR)), '')) - count(duration) AS bad_duration, "
             "min(ts) AS first_ts, max(ts) AS last_ts")


# ----------------------------------------------------------------------------- the pass

def _run(con, src: _Source, start, end) -> tuple[pd.DataFrame, str, bool]:
    """Run the GROUP BY, fast mode first where the sample allows. Returns (groups, scan, careful)."""
    if src.kind == "csv" and src.fast_ok:
        scan, grouped = _select_sql(src, False, start, end)
        try:
            return con.execute(grouped).df(), scan, False
        except duckdb.Error:
            pass  # something the fast mode cannot type: the careful mode reads and reports it
    scan, grouped = _select_sql(src, True, start, end)
    try:
        return con.execute(grouped).df(), scan, True
    except duckdb.Error as exc:
        if _switch_to_gb18030(src, exc):
            return _run(con, src, start, end)
        raise InputError(f"{src.path}: cannot read the call log ({_first_line(exc)})") from None


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


def _problem(src: _Source, code: int) -> str:
    """What was wrong, in the words of the field's mapping when it has one."""
    name = BAD_COLUMN[code]
    s = src.fields.get(name)
    if s is not None and s.values:
        return f"blank {name}, or a value {mapping.outside_map_problem(s)}"
    if s is not None and s.format:
        return f"blank or unreadable {name} (expected the format {s.format!r} of {s.yaml_path}.format)"
    return BAD_PROBLEM[code]


def _bad_value_issues(con, src: _Source, scan: str, groups: pd.DataFrame) -> list[Issue]:
    issues = []
    raw_of = {BAD_TIME: "ts_raw", BAD_CONNECTED: "connected_raw", BAD_SUCCESS: "success_raw"}
    cond = {BAD_TIME: "ts IS NULL",
            BAD_CONNECTED: "agent_id IS NOT NULL AND ts IS NOT NULL AND is_connected IS NULL",
            BAD_SUCCESS: "agent_id IS NOT NULL AND ts IS NOT NULL AND is_connected IS NOT NULL AND is_success IS NULL"}
    for code in raw_of:
        n = int(groups.loc[groups["status"] == code, "calls"].sum())
        if not n:
            continue
        problem = _problem(src, code)
        # A second, filtered look only when something was wrong: show a few of the values.
        examples = con.execute(f"SELECT DISTINCT CAST({raw_of[code]} AS VARCHAR) FROM ({scan}) "
                               f"WHERE {cond[code]} LIMIT 3").fetchall()
        shown = ", ".join(repr(e[0]) if e[0] is not None else "(blank)" for e in examples)
        issues.append(Issue(str(src.path), None, None, src.headers[BAD_COLUMN[code]], shown,
                            f"{n} call record(s) with {problem}; excluded"))
    bad_amount = int(groups["bad_amount"].sum())
    if bad_amount and "amount" in src.headers:
        issues.append(Issue(str(src.path), None, None, src.headers["amount"], None,
                            f"{bad_amount} call record(s) with an unreadable amount or one outside "
                            f"{src.amount_range[0]:,.10g} to {src.amount_range[1]:,.10g} (limits.amount in the "
                            "rules file); amount ignored", "warning"))
    bad_duration = int(groups["bad_duration"].sum())
    if bad_duration:
        col = src.headers.get("duration_s") or src.headers.get("end_time")
        issues.append(Issue(str(src.path), None, None, col, None,
                            f"{bad_duration} call record(s) with an unreadable duration (or an end before the start, "
                            f"or one outside {src.duration_range[0]:,.10g} to {src.duration_range[1]:,.10g} s: "
                            "limits.duration_s in the rules file); left out of talk time and AHT", "warning"))
    return issues


def _agent_issues(src: _Source, groups: pd.DataFrame, known_agents: set[str], start, end) -> list[Issue]:
    file, col = str(src.path), src.headers["agent_id"]
    readable = groups[groups["status"].isin([OK, OUT_OF_PERIOD, NO_AGENT])]
    unknown = readable[~readable["agent_id"].isin(known_agents) & readable["agent_id"].notna()]
    issues = []
    if not unknown.empty:
        per_id = pd.DataFrame({
            "calls": unknown.groupby("agent_id")["calls"].sum(),
            "in_period": unknown[unknown["status"] == OK].groupby("agent_id")["calls"].sum(),
        }).fillna(0).sort_values("calls", ascending=False)
        for agent_id, rec in per_id.head(MAX_LISTED_UNKNOWN).iterrows():
            issues.append(Issue(file, None, None, col, str(agent_id),
                                f"agent not in the roster: {int(rec['calls'])} call record(s) "
                                f"({int(rec['in_period'])} in the period) not counted"))
        rest = per_id.iloc[MAX_LISTED_UNKNOWN:]
        if len(rest):
            issues.append(Issue(file, None, None, col, None,
                                f"{len(rest)} more agent id(s) not in the roster: {int(rest['calls'].sum())} call "
                                "record(s) not counted"))
    # Calls of roster agents, and calls that reached no agent, outside the period: one warning.
    outside = readable[(readable["status"] == OUT_OF_PERIOD)
                       & (readable["agent_id"].isin(known_agents) | readable["agent_id"].isna())]
    n_out = int(outside["calls"].sum())
    if n_out:
        last = (pd.Timestamp(end) - pd.Timedelta(seconds=1)).strftime("%Y-%m-%d")
        issues.append(Issue(file, None, None, src.headers["start_time"], None,
                            f"{n_out} call record(s) of roster agents outside the period "
                            f"{pd.Timestamp(start):%Y-%m-%d}..{last}; not counted", "warning"))
    return issues


def _span(groups: pd.DataFrame) -> dict:
    """First and last call time of the readable rows, for the coverage check (issue 9 §3)."""
    readable = groups[groups["status"].isin([OK, OUT_OF_PERIOD, NO_AGENT])]
    first, last = readable["first_ts"].min(), readable["last_ts"].max()
    return {"first": None if pd.isna(first) else pd.Timestamp(first),
            "last": None if pd.isna(last) else pd.Timestamp(last)}


def _unreadable(groups: pd.DataFrame) -> int:
    return int(groups.loc[~groups["status"].isin([OK, OUT_OF_PERIOD, NO_AGENT]), "calls"].sum())


def _tidy_ids(groups: pd.DataFrame) -> pd.DataFrame:
    """One row per agent id (trimmed in SQL; blank is NULL) and status."""
    ids = groups["agent_id"].astype("string")
    groups = groups.assign(agent_id=ids)
    out = groups.groupby(["agent_id", "status"], dropna=False, as_index=False)[SUMS].sum(min_count=1)
    return out.fillna({c: 0 for c in SUMS if c != "amount"})


def _per_agent_sums(used: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    out = used.groupby(keys, as_index=False)[["calls", "connected", "successes", "amount", "talk_s",
                                              "talk_calls"]].sum()
    for col in ("calls", "connected", "successes", "talk_calls"):
        out[col] = out[col].astype("int64")
    for col in ("amount", "talk_s"):
        out[col] = out[col].astype("float64")
    return out


def call_metrics(calls_path: str | Path, period_start, period_end, known_agents, *, cph_calls: str = "all",
                 success_denominator: str = "connected",
                 aliases: dict[str, list[str]] | None = None, field_map: dict | None = None,
                 success_optional: bool = False, amount_range: tuple[float, float] | None = None,
                 duration_range: tuple[float, float] | None = None) -> tuple[pd.DataFrame, list[Issue]]:
    """Per-agent call counts of the period [period_start, period_end) from a CSV or Parquet call log.

    Returns (per_agent, issues). per_agent has one row per roster agent with at least one usable
    call: agent_id, calls, connected, successes, amount, plus cph_calls (the calls CPH counts:
    all or connected, GRD metric setting) and success_base (the success-rate denominator).
    `per_agent.attrs` holds rows_read (data rows in the file), encoding and mode ("fast",
    "careful", "parquet" or "xlsx"), no_agent_calls (calls of the period that reached no agent)
    and has_success (False when the log has no success column and `success_optional` allowed
    that). talk_s / talk_calls: talk time of connected calls with a duration, and their number.
    Unknown agent ids (one issue per id, with its count), calls outside the period (one issue
    with the count) and unreadable rows are reported as issues.
    """
    if cph_calls not in ("all", "connected") or success_denominator not in ("all", "connected"):
        raise ValueError("cph_calls and success_denominator are 'all' or 'connected'")
    path = Path(calls_path)
    start, end = pd.Timestamp(period_start), pd.Timestamp(period_end)
    known = set(known_agents)
    optional = frozenset({"success"}) if success_optional else frozenset()
    with _opened(path, aliases, field_map, optional, amount_range, duration_range) as (con, src):
        groups, scan, careful = _run(con, src, start, end)
        span = _span(groups)
        groups = _tidy_ids(groups)
        issues, rejected = _rejected_lines(con, src) if careful and src.kind == "csv" else ([], 0)
        issues += _bad_value_issues(con, src, scan, groups)
        issues += _agent_issues(src, groups, known, start, end)
    used = groups[(groups["status"] == OK) & groups["agent_id"].isin(known)]
    per_agent = _per_agent_sums(used, ["agent_id"])
    per_agent["cph_calls"] = per_agent["calls"] if cph_calls == "all" else per_agent["connected"]
    per_agent["success_base"] = per_agent["connected"] if success_denominator == "connected" else per_agent["calls"]
    per_agent = per_agent[PER_AGENT_COLUMNS].sort_values("agent_id").reset_index(drop=True)
    per_agent.attrs.update(rows_read=int(groups["calls"].sum()) + rejected, encoding=src.encoding,
                           mode=src.kind if src.kind in ("parquet", "xlsx") else ("careful" if careful else "fast"),
                           no_agent_calls=int(groups.loc[groups["status"] == NO_AGENT, "calls"].sum()),
                           has_success="success" in src.fields, rows_unreadable=_unreadable(groups) + rejected,
                           **span)
    return per_agent, issues


def shift_call_counts(calls_path: str | Path, shifts: pd.DataFrame, rules=None, *,
                      aliases: dict[str, list[str]] | None = None, field_map: dict | None = None,
                      success_optional: bool = False) -> tuple[pd.DataFrame, float | None]:
    """Calls made inside each worked shift, and the centre's average CPH over those shifts (PAY-OT).

    A call belongs to a shift when it starts between the shift's sign-in and sign-out (the
    scheduled times where a punch is missing), so night shifts keep their calls after
    midnight. One DuckDB range join; only the per-shift counts reach pandas. The average is
    over the shifts of agents who appear in the call log: calls ÷ signed-in hours.
    """
    worked = shifts[shifts["sign_in"].notna() | shifts["sign_out"].notna()]
    if worked.empty:
        return pd.DataFrame(columns=["agent_id", "date", "calls", "hours"]), None
    windows = pd.DataFrame({
        "agent_id": worked["agent_id"].astype(str).values,
        "date": worked["date"].values,
        "win_start": worked["sign_in"].fillna(worked["shift_start_at"]).values,
        "win_end": worked["sign_out"].fillna(worked["shift_end_at"]).values,
    })
    windows["hours"] = (windows["win_end"] - windows["win_start"]).dt.total_seconds().clip(lower=0) / 3600
    start, end = windows["win_start"].min(), windows["win_end"].max()
    path = Path(calls_path)
    optional = frozenset({"success"}) if success_optional else frozenset()
    with _opened(path, aliases, field_map, optional) as (con, src):
        scan, _ = _select_sql(src, True, start, end + pd.Timedelta(seconds=1))
        con.register("shift_windows", windows)
        counts = con.execute(
            f"SELECT w.agent_id, w.date, count(*) AS calls FROM ({scan}) c "
            "JOIN shift_windows w ON trim(c.agent_id) = w.agent_id AND c.ts >= w.win_start AND c.ts <= w.win_end "
            "GROUP BY ALL").df()
    per_shift = windows.merge(counts, on=["agent_id", "date"], how="left")
    per_shift["calls"] = per_shift["calls"].fillna(0).astype("int64")
    callers = per_shift.groupby("agent_id")["calls"].transform("sum") > 0
    hours = per_shift.loc[callers, "hours"].sum()
    centre_cph = float(per_shift.loc[callers, "calls"].sum() / hours) if hours > 0 else None
    return per_shift[["agent_id", "date", "calls", "hours"]], centre_cph


DAILY_COLUMNS = ["agent_id", "date", "calls", "connected", "successes", "amount", "talk_s", "talk_calls"]


def _run_daily(con, src: _Source, start, end, has_windows: bool) -> tuple[pd.DataFrame, str, bool]:
    """The per-day GROUP BY; careful mode for CSV (every spelling the readers accept), with the
    same GB18030 fallback as `_run`. Returns (groups with a date column, scan, careful)."""
    careful = src.kind in ("csv", "xlsx")
    # Scan one day past the end: a night shift of the last day has calls after midnight.
    scan, _ = _select_sql(src, careful, start, end + pd.Timedelta(days=1))
    if has_windows:
        # The shift a call falls in: the agent's latest window starting at or before the call
        # (ASOF), if the call is before that window's end; else the call's calendar date.
        dated = (f"SELECT c.*, coalesce(CASE WHEN c.ts < w.win_end THEN w.date END, CAST(c.ts AS DATE)) AS day "
                 f"FROM (SELECT *, trim(agent_id) AS aid FROM ({scan})) c "
                 "ASOF LEFT JOIN call_windows w ON c.aid = w.agent_id AND c.ts >= w.win_start")
    else:
        dated = f"SELECT *, CAST(ts AS DATE) AS day FROM ({scan})"
    outside = f"day < DATE '{pd.Timestamp(start):%Y-%m-%d}' OR day >= DATE '{pd.Timestamp(end):%Y-%m-%d}'"
    status = _status_sql(src, outside)
    grouped = (f"SELECT agent_id, {status} AS status, CASE WHEN {status} IN ({OK}, {NO_AGENT}) THEN day END AS date, "
               f"{_SUMS_SQL} FROM ({dated}) GROUP BY ALL")
    try:
        return con.execute(grouped).df(), scan, careful
    except duckdb.Error as exc:
        if _switch_to_gb18030(src, exc):
            return _run_daily(con, src, start, end, has_windows)
        raise InputError(f"{src.path}: cannot read the call log ({_first_line(exc)})") from None


def daily_call_metrics(calls_path: str | Path, period_start, period_end, known_agents, *,
                       windows: pd.DataFrame | None = None,
                       aliases: dict[str, list[str]] | None = None, field_map: dict | None = None,
                       success_optional: bool = False, amount_range: tuple[float, float] | None = None,
                       duration_range: tuple[float, float] | None = None) -> tuple[pd.DataFrame, list[Issue]]:
    """Call counts per agent and day of the period [period_start, period_end) (RPT-KPI, RPT-DAILY).

    Which day a call counts on: with `windows` (agent_id, date, win_start, win_end: one row per
    scheduled shift, dated by the day it starts, as the attendance audit dates shifts), the day
    of the shift the call falls in, so a night shift's calls after midnight stay with the shift
    and with its hours; a call outside every window (or with no windows given) counts on its
    calendar date. One DuckDB pass; issues as `call_metrics` reports them (unknown agents,
    unreadable rows, calls outside the period). Returns (daily, issues); daily has one row per
    roster agent and day with at least one usable call (talk_s / talk_calls as `call_metrics`),
    `attrs["rows_read"]`, and `attrs["no_agent_calls"]`: {ISO date: calls of that day that
    reached no agent} (offered and abandoned, in no agent's figures).
    """
    path = Path(calls_path)
    start = pd.Timestamp(period_start).normalize()
    end = pd.Timestamp(period_end).normalize()
    known = set(known_agents)
    optional = frozenset({"success"}) if success_optional else frozenset()
    with _opened(path, aliases, field_map, optional, amount_range, duration_range) as (con, src):
        has_windows = windows is not None and not windows.empty
        if has_windows:
            w = pd.DataFrame({"agent_id": windows["agent_id"].astype(str).to_numpy(),
                              "date": pd.to_datetime(windows["date"]).dt.date.to_numpy(),
                              "win_start": pd.to_datetime(windows["win_start"]).to_numpy(),
                              "win_end": pd.to_datetime(windows["win_end"]).to_numpy()})
            con.register("call_windows", w)
        groups, scan, careful = _run_daily(con, src, start, end, has_windows)
        groups["date"] = pd.to_datetime(groups["date"]).astype("datetime64[ns]")
        span = _span(groups)
        per_status = _tidy_ids(groups.drop(columns="date"))
        issues, rejected = _rejected_lines(con, src) if careful and src.kind == "csv" else ([], 0)
        issues += _bad_value_issues(con, src, scan, per_status)
        issues += _agent_issues(src, per_status, known, start, end)
    ids = groups["agent_id"].astype("string").str.strip()
    used = groups.assign(agent_id=ids)
    no_agent = used[used["status"] == NO_AGENT].groupby("date")["calls"].sum()
    used = used[(used["status"] == OK) & used["agent_id"].isin(known)]
    daily = _per_agent_sums(used, ["agent_id", "date"])
    daily = daily[DAILY_COLUMNS].sort_values(["agent_id", "date"]).reset_index(drop=True)
    daily["agent_id"] = daily["agent_id"].astype(object)
    daily.attrs.update(rows_read=int(groups["calls"].sum()) + rejected, encoding=src.encoding,
                       mode=src.kind if src.kind in ("parquet", "xlsx") else "careful",
                       no_agent_calls={f"{pd.Timestamp(d):%Y-%m-%d}": int(n) for d, n in no_agent.items()},
                       has_success="success" in src.fields, rows_unreadable=_unreadable(per_status) + rejected,
                       **span)
    return daily, issues
