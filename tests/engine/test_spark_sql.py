"""The DuckDB-dialect SQL as Spark SQL: the rewrites where the engines' functions differ in
meaning (needs sqlglot from the spark extra; no JVM)."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.spark
sqlglot = pytest.importorskip("sqlglot")

from cctool.engine.spark_sql import java_pattern, to_spark  # noqa: E402


@pytest.mark.parametrize("fmt, java", [("%Y/%m/%d %H:%M:%S", "yyyy/M/d H:m:s"), ("%d.%m.%Y", "d.M.yyyy"),
                                       ("%Y-%m-%dT%H:%M", "yyyy-M-d'T'H:m"), ("%m/%d/%y", "M/d/yy")])
def test_strftime_to_java(fmt, java):
    assert java_pattern(fmt) == java


def test_unknown_strftime_code_is_refused():
    with pytest.raises(ValueError, match="%j"):
        java_pattern("%Y %j")


def test_rewrites():
    sql = to_spark("SELECT coalesce(TRY_CAST(trim(x) AS TIMESTAMP), try_strptime(trim(x), ['%Y/%m/%d', '%d.%m.%Y'])) "
                   "AS ts, len(string_split(d, ':')) AS n FROM t")
    assert "TRY_TO_TIMESTAMP(TRIM(x), 'yyyy/M/d')" in sql and "TRY_TO_TIMESTAMP(TRIM(x), 'd.M.yyyy')" in sql
    assert "RLIKE" in sql and "TRY_CAST(TRIM(x) AS TIMESTAMP_NTZ)" in sql  # ISO text only
    assert "SIZE(SPLIT(" in sql and "TRY_STRPTIME" not in sql and "LENGTH(" not in sql
    epoch = to_spark("SELECT CAST(timezone('Asia/Shanghai', to_timestamp(TRY_CAST(m AS DOUBLE) / 1000.0)) "
                     "AS TIMESTAMP) FROM t")
    assert "FROM_UTC_TIMESTAMP(TIMESTAMP_MILLIS(" in epoch and "'Asia/Shanghai'" in epoch
