"""Properties of the mapping's two readings (pandas in the readers, SQL for call logs): they
agree on every duration spelling and every value-map spelling, whatever the case and spaces."""
from __future__ import annotations

import duckdb
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cctool.io import coerce, mapping, mapping_sql

durations = st.tuples(st.integers(0, 30), st.integers(0, 59), st.integers(0, 59))


def _sql(expr_of, cells: list[str]) -> list:
    con = duckdb.connect()
    con.register("t", pd.DataFrame({"c": pd.Series(cells, dtype=object)}))
    return [r[0] for r in con.execute(f"SELECT {expr_of('c')} FROM t").fetchall()]


@settings(max_examples=30, deadline=None)
@given(st.lists(durations, min_size=1, max_size=20))
def test_every_duration_spelling_reads_the_same_in_pandas_and_sql(parts):
    cells, expected = [], []
    for h, m, s in parts:
        total = h * 3600 + m * 60 + s
        cells += [f"{h:02d}:{m:02d}:{s:02d}", f"{h}:{m:02d}:{s:02d}", str(total)]
        expected += [total] * 3
        if h == 0:
            cells.append(f"{m}:{s:02d}")
            expected.append(total)
    by_pandas, bad = coerce.to_duration_seconds(pd.Series(cells, dtype="string"))
    assert by_pandas.tolist() == expected and not bad.any()
    assert _sql(lambda c: mapping_sql.duration_expr(mapping_sql.ident(c), "VARCHAR"), cells) == expected


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["C/In", "C/Out", "OverTime In", "OverTime Out", "Break"]),
                          st.sampled_from(["", " ", "  "]), st.booleans()), min_size=1, max_size=20))
def test_value_maps_match_after_trimming_in_any_case_in_pandas_and_sql(cells):
    words = {"C/In": "in", "C/Out": "out", "OverTime In": "in", "OverTime Out": "out"}
    src = mapping.Source("direction", ("Status",), "columns.punches.direction", tuple(words.items()))
    text = [pad + (w.upper() if upper else w.lower()) + pad for w, pad, upper in cells]
    expected = [words.get(w) for w, _, _ in cells]
    mapped, outside = mapping.mapped_values(pd.Series(text, dtype="string"), src)
    assert [None if pd.isna(v) else v for v in mapped] == expected
    assert outside.tolist() == [e is None for e in expected]
    by_sql = _sql(lambda c: mapping_sql.value_map_expr(mapping_sql.ident(c), "VARCHAR", src, "VARCHAR"), text)
    assert by_sql == expected


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.integers(-10**6, 10**6).map(float),
                          st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
                          st.sampled_from([0.0, 1.0, 0.5, -0.0, 1e15, 1e16, 123456789012.0])),
                min_size=1, max_size=20))
def test_a_float_column_reads_as_the_same_text_in_pandas_and_sql(numbers):
    """A typed Parquet column (1.0 / 0.0, as pandas writes an integer column with a blank)
    under a value map {1: true, 0: false}: pandas and DuckDB spell each cell alike, so inspect
    and the reports agree on which cells are in the map."""
    by_pandas = mapping.as_text(pd.Series(numbers, dtype="float64")).tolist()
    con = duckdb.connect()
    con.register("t", pd.DataFrame({"c": pd.Series(numbers, dtype="float64")}))
    by_sql = [r[0] for r in con.execute(f"SELECT {mapping_sql._as_text('c', 'DOUBLE')} FROM t").fetchall()]
    whole = [p for p, n in zip(by_pandas, numbers) if float(n).is_integer() and abs(n) < 1e15]
    assert whole == [s for s, n in zip(by_sql, numbers) if float(n).is_integer() and abs(n) < 1e15]
    src = mapping.Source("connected", ("c",), "columns.calls.connected", (("1", True), ("0", False)))
    mapped, _ = mapping.mapped_values(pd.Series(numbers, dtype="float64"), src)
    in_sql = [r[0] for r in con.execute(
        f"SELECT {mapping_sql.value_map_expr('c', 'DOUBLE', src, 'BOOLEAN')} FROM t").fetchall()]
    assert [None if pd.isna(v) else v == "true" for v in mapped] == in_sql
