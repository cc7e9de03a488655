"""The aggregations' SQL (DuckDB dialect) as Spark SQL: sqlglot, plus the few rewrites where
the two engines' functions differ in meaning, not only in name.

- `try_strptime(text, [formats])` (DuckDB: the first format that reads) becomes
  `coalesce(try_to_timestamp(text, 'java pattern'), ...)`; strftime codes become Java
  patterns with variable-width numbers, as DuckDB reads `7` and `07` alike for `%m`.
- `TRY_CAST(text AS TIMESTAMP)` reads only an ISO date (and time): Spark alone would also read
  `2026` or `2026-07` as a time, where DuckDB (and so the default engine) finds it unreadable.
- `len(string_split(...))` counts list items (`size` in Spark, not `length`).
- `timezone(zone, to_timestamp(ms / 1000))` (epoch_ms columns) becomes
  `from_utc_timestamp(timestamp_millis(...), zone)`.
"""
from __future__ import annotations

import functools

import sqlglot
from sqlglot import exp

_JAVA = {"Y": "yyyy", "y": "yy", "m": "M", "d": "d", "H": "H", "M": "m", "S": "s", "f": "SSSSSS", "I": "h",
         "p": "a", "b": "MMM", "B": "MMMM"}
ISO_PREFIX = r"^\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([ T][0-9]|\s*$)"


def java_pattern(fmt: str) -> str:
    """A strftime format as a Java DateTimeFormatter pattern (letters quoted as literals)."""
    out, i = [], 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == "%" and i + 1 < len(fmt):
            code = fmt[i + 1]
            if code not in _JAVA:
                raise ValueError(f"the time format {fmt!r} uses %{code}, which the Spark engine cannot read")
            out.append(_JAVA[code])
            i += 2
            continue
        out.append(f"'{ch}'" if ch.isalpha() else ("''" if ch == "'" else ch))
        i += 1
    return "".join(out)


def _is_timestamp(node: exp.Expression) -> bool:
    return isinstance(node, exp.DataType) and node.this in (exp.DataType.Type.TIMESTAMP,
                                                           exp.DataType.Type.TIMESTAMPNTZ)


def _rewrite(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Anonymous) and node.name.lower() == "try_strptime":
        text, formats = node.expressions
        fmts = formats.expressions if isinstance(formats, exp.Array) else [formats]
        tries = [exp.func("try_to_timestamp", text.copy(), exp.Literal.string(java_pattern(f.name))) for f in fmts]
        return exp.cast(exp.Coalesce(this=tries[0], expressions=tries[1:]), "TIMESTAMP_NTZ")
    if isinstance(node, exp.TryCast) and _is_timestamp(node.to) and not isinstance(node.this, exp.Column):
        # a text cell (always trimmed text in the aggregations) read as an ISO time only
        iso = exp.RegexpLike(this=node.this.copy(), expression=exp.Literal.string(ISO_PREFIX))
        return exp.Case(ifs=[exp.If(this=iso, true=node.copy())])
    if isinstance(node, exp.Length) and isinstance(node.this, exp.Split):
        return exp.ArraySize(this=node.this.copy())
    if isinstance(node, exp.Anonymous) and node.name.lower() == "timezone" and len(node.expressions) == 2:
        zone, stamp = node.expressions
        if isinstance(stamp, exp.UnixToTime):
            seconds = stamp.this.copy()
            product = exp.Mul(this=exp.Paren(this=seconds), expression=exp.Literal.number(1000))
            millis = exp.cast(exp.Round(this=product), "BIGINT")
            return exp.func("from_utc_timestamp", exp.func("timestamp_millis", millis), zone.copy())
    return node


@functools.lru_cache(maxsize=256)
def to_spark(sql: str) -> str:
    """One DuckDB-dialect statement of `cctool.engine.aggregations` as Spark SQL."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    tree = tree.transform(_rewrite)
    return tree.sql(dialect="spark")
