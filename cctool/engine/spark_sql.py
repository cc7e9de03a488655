"""The aggregations' SQL (DuckDB dialect) as Spark SQL: sqlglot, plus the few rewrites where
the two engines' functions differ in meaning, not only in name.

- `try_strptime(text, [formats])` (DuckDB: the first format that reads) becomes
  `coalesce(try_to_timestamp(text, 'java pattern'), ...)`; strftime codes become Java
  patterns with variable-width numbers, as DuckDB reads `7` and `07` alike for `%m`.
- `TRY_CAST(text AS TIMESTAMP)` reads only an ISO date (and time): Spark alone would also read
  `2026` or `2026-07` as a time, where DuckDB (and so the default engine) finds it unreadable;
  and `2026-10-05 24:00:00` is the next day's midnight, as DuckDB reads it.
- `len(string_split(...))` counts list items (`size` in Spark, not `length`).
- `timezone(zone, to_timestamp(ms / 1000))` (epoch_ms columns) becomes
  `from_utc_timestamp(timestamp_millis(...), zone)`.
- `trim(text)` drops DuckDB's spaces (Unicode category Zs: also U+3000 and no-break spaces),
  where Spark's drops ASCII spaces only: `是\u3000` is a yes in both.
- `TRY_CAST(text AS DOUBLE)` reads DuckDB's numbers only (`1_000` is 1000): Spark alone would
  read Java's `12d`, `1.5f` and hex floats, and not `1_000`.
"""
from __future__ import annotations

import functools

import sqlglot
from sqlglot import exp

_JAVA = {"Y": "yyyy", "y": "yy", "m": "M", "d": "d", "H": "H", "M": "m", "S": "s", "f": "SSSSSS", "I": "h",
         "p": "a", "b": "MMM", "B": "MMMM"}
ISO_PREFIX = r"^\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([ T][0-9]|\s*$)"
# What DuckDB's trim() drops: the space separators (Unicode Zs), no tabs or line breaks.
DUCK_SPACES = "\u0020\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
# A number as DuckDB's cast reads it: decimal digits, `_` between two digits, a fraction, an
# exponent, ASCII white space around (inf and nan, which it also reads, are outside every
# limits range, so unreadable in both engines anyway).
_DIGITS = "[0-9](_?[0-9])*"
DUCK_NUMBER = rf"^\s*[+-]?({_DIGITS}(\.({_DIGITS})?)?|\.{_DIGITS})([eE][+-]?{_DIGITS})?\s*$"


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


def _sub(node: exp.Expression) -> exp.Expression:
    """A copy of a part of a rewritten node, itself rewritten (sqlglot does not descend into
    the nodes a rewrite returns)."""
    return node.copy().transform(_rewrite)


# DuckDB reads `2026-10-05 24:00[:00[.000]]` (any zone after it ignored) as the next day's
# midnight; Spark finds it unreadable.
MIDNIGHT = r"^\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[ T]24:00(:00(\.0+)?)?(\s*(Z|UTC|[+-][0-9]{2}(:?[0-9]{2})?))?\s*$"
_DAY_PART = r"^\s*([0-9]{4}-[0-9]{1,2}-[0-9]{1,2})"
_NEXT_DAY = sqlglot.parse_one("CASE WHEN __text RLIKE 'MIDNIGHT' THEN CAST(DATE_ADD(TRY_CAST(REGEXP_EXTRACT(__text, "
                              "'DAY_PART', 1) AS DATE), 1) AS TIMESTAMP_NTZ) END", read="spark")
_PATTERNS = {"MIDNIGHT": MIDNIGHT, "DAY_PART": _DAY_PART}


def _midnight(text: exp.Expression) -> exp.Expression:
    """`YYYY-MM-DD 24:00` as the next day's midnight, as DuckDB reads it; else NULL."""
    def fill(n: exp.Expression) -> exp.Expression:
        if isinstance(n, exp.Column) and n.name == "__text":
            return text.copy()
        if isinstance(n, exp.Literal) and n.is_string and n.this in _PATTERNS:
            return exp.Literal.string(_PATTERNS[n.this])
        return n
    return _NEXT_DAY.copy().transform(fill)


def _rewrite(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Anonymous) and node.name.lower() == "try_strptime":
        text, formats = node.expressions
        fmts = formats.expressions if isinstance(formats, exp.Array) else [formats]
        tries = [exp.func("try_to_timestamp", _sub(text), exp.Literal.string(java_pattern(f.name))) for f in fmts]
        return exp.cast(exp.Coalesce(this=tries[0], expressions=tries[1:]), "TIMESTAMP_NTZ")
    if isinstance(node, exp.TryCast) and _is_timestamp(node.to) and not isinstance(node.this, exp.Column):
        # a text cell (always trimmed text in the aggregations) read as an ISO time only
        iso = exp.RegexpLike(this=_sub(node.this), expression=exp.Literal.string(ISO_PREFIX))
        cast = node.copy()
        cast.set("this", _sub(node.this))
        return exp.Case(ifs=[exp.If(this=iso, true=exp.Coalesce(this=cast, expressions=[_midnight(_sub(node.this))]))])
    if isinstance(node, exp.Trim) and node.args.get("expression") is None and not node.args.get("position"):
        return exp.Trim(this=_sub(node.this), expression=exp.Literal.string(DUCK_SPACES))
    if isinstance(node, exp.TryCast) and node.to.this == exp.DataType.Type.DOUBLE:
        text = exp.cast(_sub(node.this), "STRING")
        number = exp.RegexpLike(this=text, expression=exp.Literal.string(DUCK_NUMBER))
        plain = node.copy()
        plain.set("this", exp.func("replace", text.copy(), exp.Literal.string("_"), exp.Literal.string("")))
        return exp.Case(ifs=[exp.If(this=number, true=plain)])
    if isinstance(node, exp.Length) and isinstance(node.this, exp.Split):
        return exp.ArraySize(this=_sub(node.this))
    if isinstance(node, exp.Anonymous) and node.name.lower() == "timezone" and len(node.expressions) == 2:
        zone, stamp = node.expressions
        if isinstance(stamp, exp.UnixToTime):
            seconds = _sub(stamp.this)
            product = exp.Mul(this=exp.Paren(this=seconds), expression=exp.Literal.number(1000))
            millis = exp.cast(exp.Round(this=product), "BIGINT")
            return exp.func("from_utc_timestamp", exp.func("timestamp_millis", millis), _sub(zone))
    return node


@functools.lru_cache(maxsize=256)
def to_spark(sql: str) -> str:
    """One DuckDB-dialect statement of `cctool.engine.aggregations` as Spark SQL."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    tree = tree.transform(_rewrite)
    return tree.sql(dialect="spark")
