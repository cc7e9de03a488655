"""Call-log aggregation for grading (GRD-* metrics): one DuckDB pass over a CSV or Parquet
file of millions of rows, never materialised in pandas.

A single GROUP BY gives, per agent id and row status (usable, outside the period, or which
required value is unreadable), the calls, connected calls, successes and amount. Only that
small result (about one row per agent) reaches pandas, where unknown agent ids, calls
outside the period and unreadable rows become Issues with their counts: nothing is dropped
without a trace.

Why this module reads a file although it sits in `policy`: the aggregation *is* the read
(DuckDB scans the file out of core); it reuses the readers' header mapping and encoding
detection so a call log is accepted exactly where the other tables are.

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
from cctool.io.coerce import FALSE_WORDS, TRUE_WORDS
from cctool.io.readers import (CSV_SUFFIXES, OLE_MAGIC, PARQUET_MAGIC, PARQUET_SUFFIXES, ZIP_MAGIC, decode_text,
                               map_headers)
from cctool.io.tables import TABLES

SAMPLE_BYTES = 64 * 1024
TRANSCODE_CHUNK = 4 * 1024 * 1024
DUCKDB_MEMORY_LIMIT = "768MB"
MAX_LISTED_UNKNOWN = 100  # unknown agent ids reported one by one; the rest in one summary issue
MAX_LISTED_REJECTS = 50  # malformed CSV lines reported one by one; the rest in one summary issue

# Row status codes of the GROUP BY (first failing check wins).
OK, BLANK_AGENT, BAD_TIME, BAD_CONNECTED, BAD_SUCCESS, OUT_OF_PERIOD = range(6)
BAD_COLUMN = {BLANK_AGENT: "agent_id", BAD_TIME: "start_time", BAD_CONNECTED: "connected", BAD_SUCCESS: "success"}
BAD_PROBLEM = {
    BLANK_AGENT: "blank agent_id",
    BAD_TIME: "blank or unreadable start_time (expected a date and time such as 2026-07-01 09:00:00)",
    BAD_CONNECTED: "blank or unreadable connected (expected yes/no: 是/否, Y/N, true/false, 1/0)",
    BAD_SUCCESS: "blank or unreadable success (expected yes/no: 是/否, Y/N, true/false, 1/0)",
}
PER_AGENT_COLUMNS = ["agent_id", "calls", "connected", "successes", "amount", "cph_calls", "success_base"]

# What DuckDB's own BOOLEAN / TIMESTAMP parsing accepts: a sample of only these takes the fast mode.
_DUCK_BOOL = {"true", "false", "t", "f", "1", "0", "y", "n", "yes", "no", ""}
_NUMBER = re.compile(r"^\s*-?\d+(\.\d*)?([eE][-+]?\d+)?\s*$")
_ISO_TIME = re.compile(r"^\s*\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*$")
# Text spellings of a time the careful mode also reads (the readers' DATETIME_FORMATS).
_STRPTIME_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y.%m.%d %H:%M:%S", "%Y.%m.%d %H:%M",
                     "%Y-%m-%d %H:%M:%S.%f", "%Y/%m/%d")


# limits.amount of the packaged rules: an amount outside it (1e300, inf, negative) is ignored and
# reported like an unreadable one, so it never reaches a Decimal (PAY-ALL-BONUS commission).
AMOUNT_RANGE = (0.0, 10_000_000.0)


@dataclass
class _Source:
    """The call file as DuckDB will read it."""

    path: Path  # the user's file (for messages)
    kind: str  # "csv" | "parquet"
    sql_path: Path  # what DuckDB reads (a UTF-8 copy for a GB18030 CSV)
    encoding: str | None = None
    delim: str = ","
    columns: dict[str, str] = field(default_factory=dict)  # user's header -> DuckDB type
    headers: dict[str, str] = field(default_factory=dict)  # canonical -> user's header
    fast_ok: bool = False
    tmpdir: Path | None = None
    amount_range: tuple[float, float] = AMOUNT_RANGE  # the rules file's limits.amount

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
def _opened(path: Path, aliases: dict[str, list[str]] | None, amount_range: tuple[float, float] | None = None):
    """A DuckDB connection and the call file opened on it, for one pass; closed and its
    temporary UTF-8 copy removed afterwards. A DuckDB failure becomes an InputError."""
    con = _connect()
    src = None
    try:
        src = _open_source(path, aliases, con)
        src.amount_range = amount_range or AMOUNT_RANGE
        yield con, src
    except duckdb.Error as exc:
        raise InputError(f"{path}: not a readable call log ({_first_line(exc)})") from None
    finally:
        con.close()
        if src is not None:
            src.cleanup()


def _open_source(path: Path, aliases: dict[str, list[str]] | None, con) -> _Source:
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
    elif suffix in CSV_SUFFIXES:
        if not sample.strip():
            raise InputError(f"{path}: the file is empty (no header row)")
        if sample.startswith(ZIP_MAGIC) or sample.startswith(OLE_MAGIC):
            raise InputError(f"{path}: this is an Excel workbook, not a CSV text file; export the call log "
                             "as CSV or Parquet")
        whole = path.stat().st_size <= len(sample)
        text, encoding = decode_text(_cut_at_line(sample, whole), path)
        src = _Source(path, "csv", path, encoding=encoding)
        if encoding not in ("utf-8", "utf-8-sig"):
            src.tmpdir = Path(tempfile.mkdtemp(prefix="cctool-calls-"))
            src.sql_path = _transcode(path, encoding, src.tmpdir)
        names, src.delim = _header_fields(text, path)
        src.columns = {name: "VARCHAR" for name in _unique(names)}
    else:
        raise InputError(f"{path}: unsupported call-log file type {suffix or '(none)'}; use .csv or .parquet")
    src.headers = map_headers(list(src.columns), TABLES["calls"], aliases, str(path))
    if src.kind == "csv":
        src.fast_ok = _sample_is_plain(text, src.delim, src.headers)
    return src


def _fast_types(src: _Source) -> dict[str, str]:
    h = src.headers
    typed = {h["start_time"]: "TIMESTAMP", h["connected"]: "BOOLEAN", h["success"]: "BOOLEAN"}
    if "amount" in h:
        typed[h["amount"]] = "DOUBLE"
    return typed


def _relation(src: _Source, *, careful: bool) -> str:
    path = _literal(str(src.sql_path))
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


def _time_expr(col: str, kind: str, path: Path, header: str) -> str:
    k = kind.upper()
    if k.startswith("TIMESTAMP") or k == "DATE":
        return f"CAST({col} AS TIMESTAMP)"
    if _is_text(kind):
        fmts = "[" + ", ".join(_literal(f) for f in _STRPTIME_FORMATS) + "]"
        return f"coalesce(TRY_CAST(trim({col}) AS TIMESTAMP), try_strptime(trim({col}), {fmts}))"
    raise InputError(f"{path}: column {header!r} (start_time) holds {kind} values, not dates and times")


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


def _amount_expr(col: str | None, kind: str | None, plausible: tuple[float, float] = AMOUNT_RANGE) -> str:
    if col is None:
        return "CAST(NULL AS DOUBLE)"
    if _is_number(kind):
        value = f"CAST({col} AS DOUBLE)"
    else:
        value = f"coalesce(TRY_CAST({col} AS DOUBLE), TRY_CAST(replace(CAST({col} AS VARCHAR), ',', '') AS DOUBLE))"
    lo, hi = plausible  # NaN sorts above every number in DuckDB, so it falls outside too
    return f"(CASE WHEN {value} BETWEEN {float(lo)!r} AND {float(hi)!r} THEN {value} END)"


def _select_sql(src: _Source, careful: bool, start: pd.Timestamp, end: pd.Timestamp) -> tuple[str, str]:
    """The scan as a subquery of typed columns, and the one GROUP BY over it."""
    h = src.headers
    kinds = dict(src.columns) if careful or src.kind == "parquet" else {
        name: _fast_types(src).get(name, "VARCHAR") for name in src.columns}
    amount_h = h.get("amount")
    scan = (
        f"SELECT {_agent_expr(_ident(h['agent_id']), kinds[h['agent_id']])} AS agent_id, "
        f"{_time_expr(_ident(h['start_time']), kinds[h['start_time']], src.path, h['start_time'])} AS ts, "
        f"{_bool_expr(_ident(h['connected']), kinds[h['connected']], src.path, h['connected'])} AS is_connected, "
        f"{_bool_expr(_ident(h['success']), kinds[h['success']], src.path, h['success'])} AS is_success, "
        f"{_amount_expr(_ident(amount_h) if amount_h else None, kinds.get(amount_h), src.amount_range)} AS amount"
        + (f", {_ident(amount_h)} AS amount_raw" if amount_h else ", NULL AS amount_raw")
        + f", {_ident(h['start_time'])} AS ts_raw, {_ident(h['connected'])} AS connected_raw, "
        f"{_ident(h['success'])} AS success_raw "
        f"FROM {_relation(src, careful=careful)}"
    )
    status = (f"CASE WHEN agent_id IS NULL THEN {BLANK_AGENT} WHEN ts IS NULL THEN {BAD_TIME} "
              f"WHEN is_connected IS NULL THEN {BAD_CONNECTED} WHEN is_success IS NULL THEN {BAD_SUCCESS} "
              f"WHEN ts < {_ts_literal(start)} OR ts >= {_ts_literal(end)} THEN {OUT_OF_PERIOD} ELSE {OK} END")
    grouped = (
        f"SELECT agent_id, {status} AS status, count(*) AS calls, "
        "count(*) FILTER (WHERE is_connected) AS connected, count(*) FILTER (WHERE is_success) AS successes, "
        "sum(amount) AS amount, "
        "count(amount_raw) - count(amount) AS bad_amount, min(ts) AS first_ts, max(ts) AS last_ts "
        f"FROM ({scan}) GROUP BY ALL"
    )
    return scan, grouped


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


def _bad_value_issues(con, src: _Source, scan: str, groups: pd.DataFrame) -> list[Issue]:
    issues = []
    raw_of = {BLANK_AGENT: "agent_id", BAD_TIME: "ts_raw", BAD_CONNECTED: "connected_raw", BAD_SUCCESS: "success_raw"}
    cond = {BLANK_AGENT: "agent_id IS NULL", BAD_TIME: "agent_id IS NOT NULL AND ts IS NULL",
            BAD_CONNECTED: "agent_id IS NOT NULL AND ts IS NOT NULL AND is_connected IS NULL",
            BAD_SUCCESS: "agent_id IS NOT NULL AND ts IS NOT NULL AND is_connected IS NOT NULL AND is_success IS NULL"}
    for code, problem in BAD_PROBLEM.items():
        n = int(groups.loc[groups["status"] == code, "calls"].sum())
        if not n:
            continue
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
    return issues


def _agent_issues(src: _Source, groups: pd.DataFrame, known_agents: set[str], start, end) -> list[Issue]:
    file, col = str(src.path), src.headers["agent_id"]
    readable = groups[groups["status"].isin([OK, OUT_OF_PERIOD])]
    unknown = readable[~readable["agent_id"].isin(known_agents)]
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
    outside = readable[(readable["status"] == OUT_OF_PERIOD) & readable["agent_id"].isin(known_agents)]
    n_out = int(outside["calls"].sum())
    if n_out:
        last = (pd.Timestamp(end) - pd.Timedelta(seconds=1)).strftime("%Y-%m-%d")
        issues.append(Issue(file, None, None, src.headers["start_time"], None,
                            f"{n_out} call record(s) of roster agents outside the period "
                            f"{pd.Timestamp(start):%Y-%m-%d}..{last}; not counted", "warning"))
    return issues


def _span(groups: pd.DataFrame) -> dict:
    """First and last call time of the readable rows, for the coverage check (issue 9 §3)."""
    readable = groups[groups["status"].isin([OK, OUT_OF_PERIOD])]
    first, last = readable["first_ts"].min(), readable["last_ts"].max()
    return {"first": None if pd.isna(first) else pd.Timestamp(first),
            "last": None if pd.isna(last) else pd.Timestamp(last)}


def _unreadable(groups: pd.DataFrame) -> int:
    return int(groups.loc[~groups["status"].isin([OK, OUT_OF_PERIOD]), "calls"].sum())


def _tidy_ids(groups: pd.DataFrame) -> pd.DataFrame:
    """Trim the grouped agent ids; a blank id is a BLANK_AGENT row whatever else was wrong."""
    ids = groups["agent_id"].astype("string").str.strip()
    blank = ids.isna() | (ids == "")
    groups = groups.assign(agent_id=ids.mask(blank), status=groups["status"].where(~blank, BLANK_AGENT))
    sums = ["calls", "connected", "successes", "amount", "bad_amount"]
    return groups.groupby(["agent_id", "status"], dropna=False, as_index=False)[sums].sum(min_count=1) \
        .fillna({"calls": 0, "connected": 0, "successes": 0, "bad_amount": 0})


def call_metrics(calls_path: str | Path, period_start, period_end, known_agents, *, cph_calls: str = "all",
                 success_denominator: str = "connected", aliases: dict[str, list[str]] | None = None,
                 amount_range: tuple[float, float] | None = None) -> tuple[pd.DataFrame, list[Issue]]:
    """Per-agent call counts of the period [period_start, period_end) from a CSV or Parquet call log.

    Returns (per_agent, issues). per_agent has one row per roster agent with at least one usable
    call: agent_id, calls, connected, successes, amount, plus cph_calls (the calls CPH counts:
    all or connected, GRD metric setting) and success_base (the success-rate denominator).
    `per_agent.attrs` holds rows_read (data rows in the file), encoding and mode ("fast",
    "careful" or "parquet"). Unknown agent ids (one issue per id, with its count), calls
    outside the period (one issue with the count) and unreadable rows are reported as issues.
    """
    if cph_calls not in ("all", "connected") or success_denominator not in ("all", "connected"):
        raise ValueError("cph_calls and success_denominator are 'all' or 'connected'")
    path = Path(calls_path)
    start, end = pd.Timestamp(period_start), pd.Timestamp(period_end)
    known = set(known_agents)
    with _opened(path, aliases, amount_range) as (con, src):
        groups, scan, careful = _run(con, src, start, end)
        span = _span(groups)
        groups = _tidy_ids(groups)
        issues, rejected = _rejected_lines(con, src) if careful and src.kind == "csv" else ([], 0)
        issues += _bad_value_issues(con, src, scan, groups)
        issues += _agent_issues(src, groups, known, start, end)
    used = groups[(groups["status"] == OK) & groups["agent_id"].isin(known)]
    per_agent = used.groupby("agent_id", as_index=False)[["calls", "connected", "successes", "amount"]].sum()
    for col in ("calls", "connected", "successes"):
        per_agent[col] = per_agent[col].astype("int64")
    per_agent["amount"] = per_agent["amount"].astype("float64")
    per_agent["cph_calls"] = per_agent["calls"] if cph_calls == "all" else per_agent["connected"]
    per_agent["success_base"] = per_agent["connected"] if success_denominator == "connected" else per_agent["calls"]
    per_agent = per_agent[PER_AGENT_COLUMNS].sort_values("agent_id").reset_index(drop=True)
    per_agent.attrs.update(rows_read=int(groups["calls"].sum()) + rejected, encoding=src.encoding,
                           mode="parquet" if src.kind == "parquet" else ("careful" if careful else "fast"),
                           rows_unreadable=_unreadable(groups) + rejected, **span)
    return per_agent, issues


def shift_call_counts(calls_path: str | Path, shifts: pd.DataFrame, rules=None, *,
                      aliases: dict[str, list[str]] | None = None) -> tuple[pd.DataFrame, float | None]:
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
    with _opened(path, aliases) as (con, src):
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


DAILY_COLUMNS = ["agent_id", "date", "calls", "connected", "successes", "amount"]


def _run_daily(con, src: _Source, start, end, has_windows: bool) -> tuple[pd.DataFrame, str, bool]:
    """The per-day GROUP BY; careful mode for CSV (every spelling the readers accept), with the
    same GB18030 fallback as `_run`. Returns (groups with a date column, scan, careful)."""
    careful = src.kind == "csv"
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
    status = (f"CASE WHEN agent_id IS NULL THEN {BLANK_AGENT} WHEN ts IS NULL THEN {BAD_TIME} "
              f"WHEN is_connected IS NULL THEN {BAD_CONNECTED} WHEN is_success IS NULL THEN {BAD_SUCCESS} "
              f"WHEN day < DATE '{pd.Timestamp(start):%Y-%m-%d}' OR day >= DATE '{pd.Timestamp(end):%Y-%m-%d}' "
              f"THEN {OUT_OF_PERIOD} ELSE {OK} END")
    grouped = (f"SELECT agent_id, {status} AS status, CASE WHEN {status} = {OK} THEN day END AS date, "
               "count(*) AS calls, count(*) FILTER (WHERE is_connected) AS connected, "
               "count(*) FILTER (WHERE is_success) AS successes, sum(amount) AS amount, "
               f"count(amount_raw) - count(amount) AS bad_amount, min(ts) AS first_ts, max(ts) AS last_ts "
               f"FROM ({dated}) GROUP BY ALL")
    try:
        return con.execute(grouped).df(), scan, careful
    except duckdb.Error as exc:
        if _switch_to_gb18030(src, exc):
            return _run_daily(con, src, start, end, has_windows)
        raise InputError(f"{src.path}: cannot read the call log ({_first_line(exc)})") from None


def daily_call_metrics(calls_path: str | Path, period_start, period_end, known_agents, *,
                       windows: pd.DataFrame | None = None, aliases: dict[str, list[str]] | None = None,
                       amount_range: tuple[float, float] | None = None) -> tuple[pd.DataFrame, list[Issue]]:
    """Call counts per agent and day of the period [period_start, period_end) (RPT-KPI, RPT-DAILY).

    Which day a call counts on: with `windows` (agent_id, date, win_start, win_end: one row per
    scheduled shift, dated by the day it starts, as the attendance audit dates shifts), the day
    of the shift the call falls in, so a night shift's calls after midnight stay with the shift
    and with its hours; a call outside every window (or with no windows given) counts on its
    calendar date. One DuckDB pass; issues as `call_metrics` reports them (unknown agents,
    unreadable rows, calls outside the period). Returns (daily, issues); daily has one row per
    roster agent and day with at least one usable call, and `attrs["rows_read"]`.
    """
    path = Path(calls_path)
    start = pd.Timestamp(period_start).normalize()
    end = pd.Timestamp(period_end).normalize()
    known = set(known_agents)
    with _opened(path, aliases, amount_range) as (con, src):
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
    used = used[(used["status"] == OK) & used["agent_id"].isin(known)]
    daily = used.groupby(["agent_id", "date"], as_index=False)[["calls", "connected", "successes", "amount"]].sum()
    for col in ("calls", "connected", "successes"):
        daily[col] = daily[col].astype("int64")
    daily["amount"] = daily["amount"].astype("float64")
    daily = daily[DAILY_COLUMNS].sort_values(["agent_id", "date"]).reset_index(drop=True)
    daily["agent_id"] = daily["agent_id"].astype(object)
    daily.attrs.update(rows_read=int(groups["calls"].sum()) + rejected, encoding=src.encoding,
                       mode="parquet" if src.kind == "parquet" else "careful",
                       rows_unreadable=_unreadable(per_status) + rejected, **span)
    return daily, issues
