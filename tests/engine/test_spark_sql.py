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
    assert "FROM x), 'yyyy/M/d')" in sql and "FROM x), 'd.M.yyyy')" in sql and sql.count("TRY_TO_TIMESTAMP(TRIM(") == 2
    assert "RLIKE" in sql and "TRY_CAST(TRIM(" in sql and "FROM x) AS TIMESTAMP_NTZ)" in sql  # ISO text only
    assert "SIZE(SPLIT(" in sql and "TRY_STRPTIME" not in sql and "LENGTH(" not in sql
    epoch = to_spark("SELECT CAST(timezone('Asia/Shanghai', to_timestamp(TRY_CAST(m AS DOUBLE) / 1000.0)) "
                     "AS TIMESTAMP) FROM t")
    assert "FROM_UTC_TIMESTAMP(TIMESTAMP_MILLIS(" in epoch and "'Asia/Shanghai'" in epoch


def test_trim_and_numbers_read_as_duckdb_reads_them():
    """trim() drops DuckDB's spaces (U+3000, no-break spaces), not only ASCII ones; a text
    number is read only in DuckDB's spelling (1_000 yes; Java's 12d, 1.5f, 0x1p3 no)."""
    import re

    from cctool.engine.spark_sql import DUCK_NUMBER, DUCK_SPACES

    sql = to_spark("SELECT lower(trim(c)) AS c, TRY_CAST(a AS DOUBLE) AS a FROM t")
    assert f"TRIM('{DUCK_SPACES}' FROM c)" in sql and "\u3000" in DUCK_SPACES and "\t" not in DUCK_SPACES
    assert "RLIKE" in sql and "TRY_CAST(REPLACE(CAST(a AS STRING), '_', '') AS DOUBLE)" in sql
    number = re.compile(DUCK_NUMBER, re.ASCII)  # Java's \s is ASCII white space, like re.ASCII's
    for text in ("12", " 12.5 ", "1_000", "1_0e2", "-.5e-3", "1.", "+5", "0012"):
        assert number.match(text), text
    for text in ("12d", "1.5f", "0x1p3", "1__0", "_1", "1,5", "", "1 000", "\u00a012", "NaN"):
        assert not number.match(text), text


def test_midnight_as_24_00():
    import re

    from cctool.engine.spark_sql import MIDNIGHT

    assert "DATE_ADD(" in to_spark("SELECT TRY_CAST(trim(x) AS TIMESTAMP) FROM t")
    for text in ("2026-10-05 24:00", "2026-10-05T24:00:00", "2026-10-05 24:00:00.000", "2026-10-05 24:00:00+08:00"):
        assert re.match(MIDNIGHT, text), text
    for text in ("2026-10-05 24:00:00.001", "2026-10-05 24", "2026-10-05 23:00"):
        assert not re.match(MIDNIGHT, text), text
