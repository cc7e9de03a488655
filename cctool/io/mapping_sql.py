"""The column mapping as SQL expressions, for call logs aggregated by DuckDB.

One place turns a `mapping.Source` (join, none, values, format) into SQL; every header and
every source value from the rules file enters the SQL through `ident` or `literal` only, so
no text from a file or the rules reaches the query unquoted. The expressions are plain SQL
functions DuckDB and Spark both know by these or close names (concat_ws, lower, trim,
try_strptime / to_timestamp, CASE), so an engine layer can take them over.
"""
from __future__ import annotations

from cctool.io import coerce
from cctool.io.mapping import SLASH_DATE, Source

# The readers' own text spellings of a date-time (careful mode), in DuckDB's strptime codes.
DEFAULT_TIME_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y.%m.%d %H:%M:%S", "%Y.%m.%d %H:%M",
                        "%Y-%m-%d %H:%M:%S.%f", "%Y/%m/%d")


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def literal_list(words) -> str:
    return ", ".join(literal(w) for w in sorted(words))


def is_text(kind: str) -> bool:
    return kind.upper() == "VARCHAR"


FLOAT_KINDS = ("DOUBLE", "FLOAT", "REAL", "FLOAT4", "FLOAT8")


def _as_text(expr: str, kind: str) -> str:
    """A cell as text, spelled as the readers spell it (mapping.as_text): a whole float is
    written without `.0` (a Parquet 1.0 is `1`, as in pandas), so a value map, a `none` word or
    a join reads a typed column the same in every command."""
    if is_text(kind):
        return expr
    if kind.upper() in FLOAT_KINDS:
        return (f"(CASE WHEN abs({expr}) < 1e15 AND {expr} = floor({expr}) "
                f"THEN CAST(CAST({expr} AS BIGINT) AS VARCHAR) ELSE CAST({expr} AS VARCHAR) END)")
    return f"CAST({expr} AS VARCHAR)"


def blank_to_null(expr: str) -> str:
    return f"nullif(trim({expr}), '')"


def source_expr(src: Source, kinds: dict[str, str]) -> tuple[str, str]:
    """The field's raw cells as SQL, and their type: a column as it is, or (join / none) text
    with blanks as NULL."""
    if not src.joined and not src.none:
        return ident(src.headers[0]), kinds[src.headers[0]]
    parts = [blank_to_null(_as_text(ident(h), kinds[h])) for h in src.headers]
    expr = parts[0] if len(parts) == 1 else f"concat_ws(' ', {', '.join(parts)})"
    expr = f"nullif({expr}, '')"
    if src.none:
        expr = f"CASE WHEN lower({expr}) IN ({literal_list({w.lower() for w in src.none})}) THEN NULL ELSE {expr} END"
    return expr, "VARCHAR"


def partial_join_expr(src: Source, kinds: dict[str, str]) -> str | None:
    """SQL true where some parts of a join are blank and others are not (mapping.partial_join);
    None for a single column."""
    if not src.joined:
        return None
    blank = [f"({blank_to_null(_as_text(ident(h), kinds[h]))} IS NULL)" for h in src.headers]
    return f"(({' OR '.join(blank)}) AND NOT ({' AND '.join(blank)}))"


def value_map_expr(expr: str, kind: str, src: Source, target: str) -> str:
    """A `values` map: CASE over the trimmed, lower-cased cell (source values are stored folded);
    NULL outside the map. target is BOOLEAN or VARCHAR."""
    folded = f"lower(trim({_as_text(expr, kind)}))"
    whens = []
    for source, value in src.values:
        if target == "BOOLEAN":
            out = "true" if value is True else "false"
        else:
            out = literal(value if not isinstance(value, bool) else str(value).lower())
        # both sides lower-cased the same way (SQL lower, Python lower): exact after trimming, any case
        whens.append(f"WHEN {literal(source.lower())} THEN {out}")
    return f"(CASE {folded} {' '.join(whens)} END)"


def outside_map_expr(expr: str, kind: str, mapped: str) -> str:
    """True where a cell is present but not in the value map."""
    return f"({blank_to_null(_as_text(expr, kind))} IS NOT NULL AND {mapped} IS NULL)"


def _strptime_formats(fmt: str) -> tuple[str, ...]:
    if fmt in ("dayfirst", "monthfirst"):
        # Four-digit years only: DuckDB's %Y would read a two-digit year as the year 25.
        return tuple(f for f in coerce.ordered_date_formats(fmt) if "%y" not in f)
    return (fmt,)


def timestamp_expr(expr: str, kind: str, fmt: str, timezone: str | None = None) -> str:
    """A declared date-time format as SQL: a strptime pattern, dayfirst, monthfirst or epoch_ms."""
    if fmt == "epoch_ms":
        ms = f"TRY_CAST({_as_text(expr, kind)} AS DOUBLE)"
        utc = f"to_timestamp({ms} / 1000.0)"
        zone = literal(timezone or "UTC")
        return f"(CASE WHEN {ms} BETWEEN 0 AND 4.1e12 THEN CAST(timezone({zone}, {utc}) AS TIMESTAMP) END)"
    k = kind.upper()
    if k.startswith("TIMESTAMP") or k == "DATE":
        return f"CAST({expr} AS TIMESTAMP)"  # a typed column has no spelling to read
    formats = "[" + ", ".join(literal(f) for f in _strptime_formats(fmt)) + "]"
    return f"try_strptime(trim({_as_text(expr, kind)}), {formats})"


def default_timestamp_expr(expr: str, kind: str, order: str | None = None) -> str:
    """start_time without a declared format: ISO, the readers' spellings, and slash dates only
    in the order the column itself proves (`order`, see `slash_order_sql`)."""
    k = kind.upper()
    if k.startswith("TIMESTAMP") or k == "DATE":
        return f"CAST({expr} AS TIMESTAMP)"
    text = f"trim({_as_text(expr, kind)})"
    fmts = DEFAULT_TIME_FORMATS + (_strptime_formats(order) if order else ())
    listed = "[" + ", ".join(literal(f) for f in fmts) + "]"
    return f"coalesce(TRY_CAST({text} AS TIMESTAMP), try_strptime({text}, {listed}))"


def duration_expr(expr: str, kind: str) -> str:
    """`format: duration` as SQL: h:mm:ss, m:ss, or seconds; NULL when unreadable or negative."""
    k = kind.upper()
    if not is_text(kind) and not k.startswith(("TIME", "INTERVAL")):
        return f"(CASE WHEN TRY_CAST({expr} AS DOUBLE) >= 0 THEN TRY_CAST({expr} AS DOUBLE) END)"
    if k.startswith(("TIME", "INTERVAL")) and not k.startswith("TIMESTAMP"):
        return f"CAST(epoch(CAST({expr} AS INTERVAL)) AS DOUBLE)"
    text = f"trim({_as_text(expr, kind)})"
    parts = f"string_split({text}, ':')"
    n = f"len({parts})"
    h = f"TRY_CAST({parts}[1] AS DOUBLE)"
    m2, s2 = f"TRY_CAST({parts}[1] AS DOUBLE)", f"TRY_CAST({parts}[2] AS DOUBLE)"
    m3, s3 = f"TRY_CAST({parts}[2] AS DOUBLE)", f"TRY_CAST({parts}[3] AS DOUBLE)"
    seconds = f"TRY_CAST(replace({text}, ',', '') AS DOUBLE)"
    return (f"(CASE WHEN {n} = 1 AND {seconds} >= 0 THEN {seconds} "
            f"WHEN {n} = 2 AND {m2} >= 0 AND {s2} >= 0 AND {s2} < 60 THEN {m2} * 60 + {s2} "
            f"WHEN {n} = 3 AND {h} >= 0 AND {m3} >= 0 AND {m3} < 60 AND {s3} >= 0 AND {s3} < 60 "
            f"THEN {h} * 3600 + {m3} * 60 + {s3} END)")


def slash_order_sql(expr: str, kind: str, relation: str) -> str:
    """One row: how many slash dates the column holds, the largest first and second numbers,
    and one example (mapping.slash_date_order, in SQL)."""
    pattern = literal(SLASH_DATE.pattern.replace("(?:\\D|$)", "(\\D|$)"))
    text = f"trim({_as_text(expr, kind)})"
    return (f"SELECT count(*) AS n, max(TRY_CAST(regexp_extract({text}, {pattern}, 1) AS INTEGER)) AS first, "
            f"max(TRY_CAST(regexp_extract({text}, {pattern}, 2) AS INTEGER)) AS second, "
            f"any_value({text}) AS example FROM {relation} WHERE regexp_matches({text}, {pattern})")
