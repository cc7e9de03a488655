"""The one definition of each call-log aggregation, as SQL text in DuckDB's dialect.

Every engine runs these same texts: DuckDB as they are, Spark after `cctool.engine.spark_sql`
has transpiled them with sqlglot. Nothing here opens a file or knows an engine: a backend
hands in the relation to read (a DuckDB `read_csv(...)`, a Spark temporary view) and the type
of each column, and gets back the SQL of

- the typed scan: one row per call record with agent_id (trimmed, blank as NULL) and agent_raw
  (as written), ts, is_connected, is_success, amount, duration and the raw cells (for the
  examples of unreadable values; duration_raw is NULL when blank);
- `by_agent_sql`: per agent id and row status (optionally per calendar day of the call):
  calls, connected, successes, amount, talk time, unreadable amounts and durations;
- `by_agent_day_sql`: the same per day a call counts on (the shift it falls in, RPT-KPI);
- `per_shift_sql`: calls inside each worked shift (PAY-OT);
- `bad_examples_sql`: a few of the unreadable values of one status.

Row status (first failing check wins): the same codes for every engine, so the row accounting
(`cctool.engine.accounting`) is computed once, in pandas, on the small result.
"""
from __future__ import annotations

import pandas as pd

from cctool.errors import InputError
from cctool.io import mapping_sql
from cctool.io.coerce import FALSE_WORDS, TRUE_WORDS

# NO_AGENT: a call that reached no agent (blank agent, or a `none` value of the mapping): offered
# and abandoned, not an error.
OK, BLANK_AGENT, BAD_TIME, BAD_CONNECTED, BAD_SUCCESS, OUT_OF_PERIOD, NO_AGENT = range(7)
SUMS = ["calls", "connected", "successes", "amount", "talk_s", "talk_calls", "bad_amount", "bad_duration"]
SPAN = ["first_ts", "last_ts"]  # first and last call time of a group, for the coverage check (issue 9 §3)
READABLE = (OK, OUT_OF_PERIOD, NO_AGENT)
RAW_OF = {BAD_TIME: "ts_raw", BAD_CONNECTED: "connected_raw", BAD_SUCCESS: "success_raw"}
_BAD_WHERE = {BAD_TIME: "ts IS NULL",
              BAD_CONNECTED: "agent_id IS NOT NULL AND ts IS NOT NULL AND is_connected IS NULL",
              BAD_SUCCESS: "agent_id IS NOT NULL AND ts IS NOT NULL AND is_connected IS NOT NULL AND is_success IS NULL"}


# limits.amount / limits.duration_s of the packaged rules: a value outside (1e300, inf, negative)
# is ignored and reported like an unreadable one, so it never reaches a Decimal or swamps talk time.
AMOUNT_RANGE = (0.0, 10_000_000.0)
DURATION_RANGE = (0.0, 86_400.0)


# What trimming an agent id removes: every character Python's str.strip() removes, as pandas
# trims the roster's ids and the grouped result's. Spelled out so every engine trims the same
# (DuckDB's trim() drops Unicode spaces but not tabs, Spark's only ASCII spaces): an id of
# whitespace alone is no agent, not an id that vanishes from the accounting.
ID_SPACE = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())


def blank_id_to_null(expr: str) -> str:
    return f"nullif(trim({expr}, {mapping_sql.literal(ID_SPACE)}), '')"


def ts_literal(stamp) -> str:
    return f"TIMESTAMP '{pd.Timestamp(stamp):%Y-%m-%d %H:%M:%S}'"


def date_literal(stamp) -> str:
    return f"DATE '{pd.Timestamp(stamp):%Y-%m-%d}'"


# ----------------------------------------------------------------------------- typed columns

def is_text(kind: str) -> bool:
    return kind.upper() == "VARCHAR"


def is_number(kind: str) -> bool:
    k = kind.upper()
    return any(k.startswith(p) for p in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT",
                                         "USMALLINT", "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL"))


def _words(words) -> str:
    return ", ".join(mapping_sql.literal(w) for w in sorted(words))


def _agent_expr(col: str, kind: str) -> str:
    # Text ids are grouped as written and trimmed afterwards on the small result (cheaper than
    # trimming ten million strings).
    return col if is_text(kind) else f"CAST({col} AS VARCHAR)"


def _bool_expr(col: str, kind: str, where: str, header: str) -> str:
    if kind.upper() == "BOOLEAN":
        return col
    if is_number(kind):
        return f"({col} <> 0)"
    if is_text(kind):
        folded = f"lower(trim({col}))"
        return (f"(CASE WHEN {folded} IN ({_words(TRUE_WORDS)}) THEN true "
                f"WHEN {folded} IN ({_words(FALSE_WORDS)}) THEN false END)")
    raise InputError(f"{where}: column {header!r} holds {kind} values, not yes/no")


def _amount_expr(col: str | None, kind: str | None, plausible: tuple[float, float]) -> str:
    """A number read from `col` (thousands commas allowed), NULL outside `plausible` (a limits range)."""
    if col is None:
        return "CAST(NULL AS DOUBLE)"
    if is_number(kind):
        value = f"CAST({col} AS DOUBLE)"
    else:
        value = f"coalesce(TRY_CAST({col} AS DOUBLE), TRY_CAST(replace(CAST({col} AS VARCHAR), ',', '') AS DOUBLE))"
    return within(value, plausible)


def within(value: str, plausible: tuple[float, float]) -> str:
    """`value` (a DOUBLE expression), or NULL outside a limits range: reported like an unreadable
    cell, never summed. NaN sorts above every number in DuckDB and Spark alike, so it is outside."""
    lo, hi = plausible
    return f"(CASE WHEN {value} BETWEEN {float(lo)!r} AND {float(hi)!r} THEN {value} END)"


def ranges(src) -> tuple[tuple[float, float], tuple[float, float]]:
    return getattr(src, "amount_range", None) or AMOUNT_RANGE, getattr(src, "duration_range", None) or DURATION_RANGE


def _typed(src, name: str, kinds: dict[str, str]) -> tuple[str | None, str | None]:
    """(typed SQL expression, raw SQL expression) of one field, as its mapping says."""
    s = src.fields.get(name)
    if s is None:
        return None, None
    raw, kind = mapping_sql.source_expr(s, kinds)
    expr, k = raw, kind
    if s.values:
        target = "BOOLEAN" if name in ("connected", "success") else "VARCHAR"
        expr, k = mapping_sql.value_map_expr(raw, kind, s, target), target
    if name == "agent_id":
        # the id as written (grouped by by_agent_sql, which trims it on the few groups), and trimmed
        return _agent_expr(expr, k), raw
    if name in ("start_time", "end_time"):
        if s.format:
            stamp = mapping_sql.timestamp_expr(expr, k, s.format, s.timezone)
        else:
            stamp = mapping_sql.default_timestamp_expr(expr, k, src.time_order if name == "start_time" else None)
        # Date + a blank Time is incomplete (unreadable, reported), never midnight (mapping.partial_join).
        partial = mapping_sql.partial_join_expr(s, kinds)
        return (stamp if partial is None else f"(CASE WHEN {partial} THEN NULL ELSE {stamp} END)"), raw
    if name in ("connected", "success"):
        return _bool_expr(expr, k, str(src.path), s.label), raw
    amount_range, duration_range = ranges(src)
    if name == "duration_s":
        if s.format == "duration":
            return within(mapping_sql.duration_expr(expr, k), duration_range), raw
        return _amount_expr(expr, k, duration_range), raw
    if name == "amount":
        return _amount_expr(expr, k, amount_range), raw
    return expr, raw


def _given(raw: str | None, s, kinds: dict[str, str]) -> str:
    """A duration's raw cell, NULL when blank: a typed (number, time) column is NULL already,
    so only text is trimmed (ten million CASTs and trims cost more than the duration itself)."""
    if raw is None:
        return "NULL"
    kind = mapping_sql.source_expr(s, kinds)[1]
    return raw if not is_text(kind) else mapping_sql.blank_to_null(raw)


def typed_scan(src, kinds: dict[str, str], relation: str) -> str:
    """One row per call record, typed as the column mapping says; the raw cells kept beside."""
    time_kind = kinds[src.fields["start_time"].headers[0]]
    if not src.fields["start_time"].transformed and not (
            time_kind.upper().startswith("TIMESTAMP") or time_kind.upper() == "DATE" or is_text(time_kind)):
        raise InputError(f"{src.path}: column {src.headers['start_time']!r} (start_time) holds {time_kind} values, "
                         "not dates and times")
    typed = {name: _typed(src, name, kinds) for name in
             ("agent_id", "start_time", "connected", "success", "amount", "duration_s", "end_time")}
    null = "CAST(NULL AS {})".format
    agent_raw, _ = typed["agent_id"]
    agent = blank_id_to_null(agent_raw)
    ts, ts_raw = typed["start_time"]
    conn, conn_raw = typed["connected"]
    succ, succ_raw = typed["success"]
    amount, amount_raw = typed["amount"]
    dur, dur_raw = typed["duration_s"]
    if dur is None and typed["end_time"][0] is not None:
        # No duration column: end_time − start_time (a negative span is unreadable, not a duration).
        end_ts, dur_raw = typed["end_time"]
        span = f"date_diff('second', {ts}, {end_ts})"
        dur = within(f"(CASE WHEN {span} >= 0 THEN CAST({span} AS DOUBLE) END)", ranges(src)[1])
        dur_given = _given(dur_raw, src.fields["end_time"], kinds)
    else:
        dur_given = _given(dur_raw, src.fields.get("duration_s"), kinds)
    return (
        f"SELECT {agent} AS agent_id, {agent_raw} AS agent_raw, {ts} AS ts, {conn} AS is_connected, "
        f"{succ if succ else null('BOOLEAN')} AS is_success, "
        f"{amount if amount else null('DOUBLE')} AS amount, "
        f"{amount_raw if amount_raw else 'NULL'} AS amount_raw, "
        f"{dur if dur else null('DOUBLE')} AS duration, {dur_given} AS duration_raw, "
        f"{ts_raw} AS ts_raw, {conn_raw} AS connected_raw, {succ_raw if succ_raw else 'NULL'} AS success_raw "
        f"FROM {relation}"
    )


# ----------------------------------------------------------------------------- status and sums

def status_sql(has_success: bool, outside: str, *, no_ts: str = "ts IS NULL", no_agent: str = "agent_id IS NULL",
               no_connected: str = "is_connected IS NULL", no_success: str = "is_success IS NULL") -> str:
    """The row status (first failing check wins). A call with no agent needs only a readable
    time: it was offered and reached nobody, so whether it connected does not matter. The
    checks are expressions on one row, or flags already computed per group (by_agent_sql)."""
    success_check = f"WHEN {no_success} THEN {BAD_SUCCESS} " if has_success else ""
    return (f"CASE WHEN {no_ts} THEN {BAD_TIME} "
            f"WHEN {no_agent} THEN (CASE WHEN {outside} THEN {OUT_OF_PERIOD} ELSE {NO_AGENT} END) "
            f"WHEN {no_connected} THEN {BAD_CONNECTED} {success_check}"
            f"WHEN {outside} THEN {OUT_OF_PERIOD} ELSE {OK} END")


# Talk time and AHT count connected calls with a readable duration (a call that did not connect
# has no talk, whatever its ring time).
SUMS_SQL = ("count(*) AS calls, count(*) FILTER (WHERE is_connected) AS connected, "
            "count(*) FILTER (WHERE is_success) AS successes, sum(amount) AS amount, "
            "sum(duration) FILTER (WHERE is_connected) AS talk_s, "
            "count(duration) FILTER (WHERE is_connected) AS talk_calls, "
            "count(amount_raw) - count(amount) AS bad_amount, "
            "count(duration_raw) - count(duration) AS bad_duration, "
            "min(ts) AS first_ts, max(ts) AS last_ts")


# SUMS_SQL's figures of groups summed again into larger groups
RESUM_SQL = ", ".join([f"sum({c}) AS {c}" for c in SUMS] + ["min(first_ts) AS first_ts", "max(last_ts) AS last_ts"])


def by_agent_sql(scan: str, start, end, has_success: bool, *, by_day: bool = False) -> str:
    """Per agent id and status over [start, end) by the call's start time; `by_day` adds the
    calendar day of the call (NULL when its time is unreadable), so any whole-day sub-period
    can be accounted later from the result alone (`call-metrics`).

    Two steps: the calls grouped by the agent id as written and the row checks (one boolean
    each), then those few groups by trimmed id and status. Trimming ids and deciding the status
    once per group instead of once per call is a third of the engine's work on a plain log."""
    outside = f"ts < {ts_literal(start)} OR ts >= {ts_literal(end)}"
    day = ", CAST(ts AS DATE) AS day" if by_day else ""
    checks = (f"ts IS NULL AS no_ts, is_connected IS NULL AS no_connected, "
              f"{'is_success IS NULL' if has_success else 'false'} AS no_success, ({outside}) AS outside")
    per_raw = f"SELECT agent_raw, {checks}{day}, {SUMS_SQL} FROM ({scan}) GROUP BY ALL"
    agent = blank_id_to_null("agent_raw")
    status = status_sql(has_success, "outside", no_ts="no_ts", no_agent=f"{agent} IS NULL",
                        no_connected="no_connected", no_success="no_success")
    return (f"SELECT {agent} AS agent_id, {status} AS status{', day' if by_day else ''}, {RESUM_SQL} "
            f"FROM ({per_raw}) GROUP BY ALL")


def dated_sql(scan: str, has_windows: bool) -> str:
    """The scan with `day`: the day a call counts on (RPT-KPI). With shift windows (a relation
    `call_windows`: agent_id, date, win_start, win_end), the agent's latest window starting at or
    before the call, if the call is before that window's end; else the call's calendar date.

    An as-of join written as a window function over calls and windows together (windows first
    on a tie, so a call at a window's start is inside it): DuckDB and Spark both run it, where an
    ASOF JOIN exists in DuckDB only."""
    if not has_windows:
        return f"SELECT *, CAST(ts AS DATE) AS day FROM ({scan})"
    cols = "agent_id, ts, is_connected, is_success, amount, amount_raw, duration, duration_raw"
    # raw cells as text: both branches of the union need one type per column
    calls = (f"SELECT agent_id, ts, is_connected, is_success, amount, CAST(amount_raw AS VARCHAR) AS amount_raw, "
             f"duration, CAST(duration_raw AS VARCHAR) AS duration_raw, trim(agent_id) AS aid, ts AS t, 1 AS k, "
             f"CAST(NULL AS DATE) AS w_date, "
             f"CAST(NULL AS TIMESTAMP) AS w_start, CAST(NULL AS TIMESTAMP) AS w_end FROM ({scan})")
    windows = ("SELECT CAST(NULL AS VARCHAR), CAST(NULL AS TIMESTAMP), CAST(NULL AS BOOLEAN), CAST(NULL AS BOOLEAN), "
               "CAST(NULL AS DOUBLE), CAST(NULL AS VARCHAR), CAST(NULL AS DOUBLE), CAST(NULL AS VARCHAR), "
               "CAST(agent_id AS VARCHAR), CAST(win_start AS TIMESTAMP), 0, CAST(date AS DATE), "
               "CAST(win_start AS TIMESTAMP), CAST(win_end AS TIMESTAMP) FROM call_windows")
    over = "OVER (PARTITION BY aid ORDER BY t NULLS LAST, k ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
    asof = (f"SELECT {cols}, k, last_value(w_date IGNORE NULLS) {over} AS wd, "
            f"last_value(w_end IGNORE NULLS) {over} AS we FROM ({calls} UNION ALL {windows}) u")
    return (f"SELECT {cols}, coalesce(CASE WHEN ts < we THEN wd END, CAST(ts AS DATE)) AS day "
            f"FROM ({asof}) a WHERE k = 1")


def by_agent_day_sql(dated: str, start, end, has_success: bool) -> str:
    """Per agent id, status and day a call counts on, over the days [start, end)."""
    outside = f"day < {date_literal(start)} OR day >= {date_literal(end)}"
    status = status_sql(has_success, outside)
    return (f"SELECT agent_id, {status} AS status, day AS date, {SUMS_SQL} FROM ({dated}) GROUP BY ALL")


def per_shift_sql(scan: str) -> str:
    """Calls starting inside each worked shift window (a relation `shift_windows`: agent_id,
    date, win_start, win_end), both ends included, so night shifts keep their calls after midnight."""
    return (f"SELECT w.agent_id, w.date, w.win_start, count(*) AS calls FROM ({scan}) c "
            "JOIN shift_windows w ON trim(c.agent_id) = w.agent_id "
            "AND c.ts >= CAST(w.win_start AS TIMESTAMP) AND c.ts <= CAST(w.win_end AS TIMESTAMP) GROUP BY ALL")


def bad_examples_sql(scan: str, code: int) -> str:
    """A few distinct unreadable values of one status, for the issue that counts them."""
    # the first three in order (blank first), so every engine shows the same ones
    return (f"SELECT DISTINCT CAST({RAW_OF[code]} AS VARCHAR) AS v FROM ({scan}) WHERE {_BAD_WHERE[code]} "
            "ORDER BY v NULLS FIRST LIMIT 3")
