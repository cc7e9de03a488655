"""The Spark backend: the same aggregations (`cctool.engine.aggregations`), transpiled to Spark
SQL by sqlglot (`cctool.engine.spark_sql`), run where the call log lives.

pyspark is imported here only, and only when `--engine spark` is asked for: without the
`spark` extra the run stops with exit 2 and the install command.

What Spark reads (`--calls`): a Parquet or CSV file, a folder of them, a glob
(`calls/date=2026-07-*/`) or any URL Spark reads (s3a://, hdfs://, abfss://). A folder laid out
by day (`.../date=2026-07-01/part-0.parquet`) is pruned to the days of the period (one day of
margin either side: night shifts and time zones), so a lake of years of calls is not read
for a month. Calls outside the period inside those days are counted, as with DuckDB;
calls in days that were not read are not part of the input.

Differences from DuckDB, by design: an .xlsx call log is read by the DuckDB engine only; a CSV
line with too many or too few fields is read as Spark reads it (missing cells blank, which
makes the call unreadable and counted as such; extra cells ignored), where DuckDB sets it
aside as a malformed line.
"""
from __future__ import annotations

import contextlib
import glob as globmod
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cctool.engine import Engine
from cctool.engine import aggregations as agg
from cctool.engine.duckdb_backend import (_ANY_SLASH_DATE, _cut_at_line, _header_fields, _sample, _unique,
                                          resolve_columns, slash_order)
from cctool.errors import CctoolError, InputError, Issue
from cctool.io.readers import CSV_SUFFIXES, EXCEL_SUFFIXES, PARQUET_SUFFIXES, decode_text

INSTALL_HINT = 'pip install "cctool[spark]"'
PARTITION_COLUMNS = ("date", "dt", "day", "call_date", "partition_date")
VIEW = "cctool_calls"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_GLOB = re.compile(r"[*?\[{]")
_KINDS = {"string": "VARCHAR", "timestamp": "TIMESTAMP", "timestamp_ntz": "TIMESTAMP", "date": "DATE",
          "boolean": "BOOLEAN", "bigint": "BIGINT", "int": "INTEGER", "smallint": "SMALLINT", "tinyint": "TINYINT",
          "double": "DOUBLE", "float": "FLOAT"}


class SparkMissing(CctoolError):
    """`--engine spark` without pyspark: a usage problem (exit 2), fixed by installing the extra."""

    exit_code = 2


def _spark_session_class():
    try:
        import sqlglot  # noqa: F401
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkMissing(f"--engine spark needs pyspark and sqlglot: {INSTALL_HINT} (Java 17 or newer must be "
                           "installed for a local Spark)") from None
    return SparkSession


def session(engine: Engine):
    """The process's Spark session (one JVM per process: starting it takes tens of seconds).

    `--spark-master` wins; else SPARK_REMOTE (sc://host:15002) means Spark Connect; else, run
    by spark-submit, its --master; else local mode on every core. Times are read and compared
    in UTC, so a time without a zone is the same wall-clock time in both engines."""
    SparkSession = _spark_session_class()
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = SparkSession.builder.appName("cctool")
    remote = os.environ.get("SPARK_REMOTE")
    # spark-submit starts the JVM and hands its gateway over: its --master and --conf stand (a
    # master set here would override them, and `spark-submit --master yarn` would run locally)
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ
    master = engine.spark_master or (None if remote or submitted else "local[*]")
    if master:
        builder = builder.master(master)
        if master.startswith("local"):
            # two cores and a few MB of grouped rows: Spark's default 200 shuffle partitions only cost
            builder = builder.config("spark.sql.shuffle.partitions", "4").config("spark.ui.enabled", "false") \
                .config("spark.ui.showConsoleProgress", "false")
    elif remote:
        builder = builder.remote(remote)
    try:
        with _without_remote(master is not None and remote is not None):
            spark = builder.config("spark.sql.session.timeZone", "UTC").getOrCreate()
        spark.conf.set("spark.sql.session.timeZone", "UTC")
        if master and master.startswith("local"):
            # A local run is a terminal job: Spark's WARNs (a 90-line stack trace for every glob it
            # reads through FileStreamSink) bury cctool's own lines. Errors still show.
            spark.sparkContext.setLogLevel("ERROR")
    except Exception as exc:
        raise _cannot_start(exc, master, remote) from None
    return spark


def _where(master: str | None, remote: str | None) -> str:
    """The master, or the Spark Connect host (never the parameters after `/;`: a token may be there)."""
    if master:
        return master.split("/;", 1)[0]  # an sc:// master may carry a token after `/;` too
    return f"SPARK_REMOTE={remote.split('/;', 1)[0]}" if remote else "spark-submit's --master"


def _cannot_start(exc: Exception, master: str | None, remote: str | None) -> Exception:
    """Spark could not start: the missing piece named (exit 2), not a traceback; anything not
    from pyspark is a bug and stays one."""
    if isinstance(exc, ImportError):  # pyspark's PySparkImportError: Spark Connect's packages
        return SparkMissing(f"--engine spark with {_where(master, remote)} needs Spark Connect's packages: "
                            f'pip install "pyspark[connect]" ({str(exc).strip().splitlines()[0][:200]})')
    if not type(exc).__module__.startswith(("pyspark", "py4j")):
        return exc
    text = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
    for url in (remote, master):  # the parameters after `/;` may hold a token: never shown
        if url and "/;" in url:
            text = text.replace(url, url.split("/;", 1)[0])
    text = re.sub(r"(;\s*token=)[^;\s'\"]*", r"\1…", text, flags=re.IGNORECASE)
    if "JAVA_GATEWAY_EXITED" in text:
        return SparkMissing(f"--engine spark could not start a local Spark ({_where(master, remote)}): Java 17 or "
                            "newer must be installed, on PATH or in JAVA_HOME")
    return SparkMissing(f"--engine spark could not start Spark at {_where(master, remote)}: {text}")


@contextlib.contextmanager
def _without_remote(hide: bool):
    """--spark-master given while SPARK_REMOTE is set: pyspark refuses both, the option wins."""
    saved = os.environ.pop("SPARK_REMOTE", None) if hide else None
    try:
        yield
    finally:
        if saved is not None:
            os.environ["SPARK_REMOTE"] = saved


# ----------------------------------------------------------------------------- locating the input

@dataclass
class SparkSource:
    """The call log as Spark reads it (the fields `aggregations.typed_scan` needs)."""

    path: str
    kind: str  # "parquet" | "csv"
    encoding: str | None = None
    delim: str = ","
    columns: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    fields: dict = field(default_factory=dict)
    time_order: str | None = None
    sample: str | None = None
    partition_column: str | None = None


def is_remote(location: str) -> bool:
    return bool(_URL.match(location)) and not location.startswith("file://")


def is_glob(location: str) -> bool:
    return bool(_GLOB.search(location))


def local_files(location: str) -> list[Path]:
    """The data files a local location names (a file, a folder walked, or a glob), sorted."""
    path = location[len("file://"):] if location.startswith("file://") else location
    if _GLOB.search(path):
        roots = [Path(p) for p in sorted(globmod.glob(path))]
    else:
        roots = [Path(path)]
    files: list[Path] = []
    for root in roots:
        if root.is_dir():
            files += [p for p in sorted(root.rglob("*")) if p.is_file() and not p.name.startswith((".", "_"))]
        elif root.is_file():
            files.append(root)
    return files


def _format_of(location: str, files: list[Path]) -> str:
    suffixes = {p.suffix.lower() for p in files} or {Path(location.rstrip("/*")).suffix.lower()}
    if suffixes & EXCEL_SUFFIXES:
        raise InputError(f"{location}: an .xlsx call log is read by the DuckDB engine only (drop --engine spark), "
                         "or save it as CSV or Parquet")
    if suffixes & PARQUET_SUFFIXES:
        return "parquet"
    if suffixes & CSV_SUFFIXES:
        return "csv"
    if not files and is_remote(location):
        return "parquet"  # a folder in a data lake: Parquet unless its name ends in .csv
    raise InputError(f"{location}: no .parquet or .csv call-log files found there")


def _base_path(location: str) -> str | None:
    """For a glob inside a day-partitioned folder (calls/date=2026-07-*/): the folder above the
    first `name=value` part, so Spark keeps the partition column."""
    parts = location.split("/")
    for i, part in enumerate(parts):
        if "=" in part or _GLOB.search(part):
            return "/".join(parts[:i]) or "/" if i else None
    return None


def _csv_header(location: str, files: list[Path]) -> tuple[list[str], str, str | None, str | None]:
    """Header names, delimiter, encoding and sample text of a local CSV (the first file)."""
    if not files:
        return [], ",", None, None
    first = files[0]
    raw = _sample(first)
    if not raw.strip():
        raise InputError(f"{first}: the file is empty (no header row)")
    text, encoding = decode_text(_cut_at_line(raw, first.stat().st_size <= len(raw)), first)
    names, delim = _header_fields(text, first)
    return _unique(names), delim, encoding, text


def _read(spark, location: str, src: SparkSource, files: list[Path]):
    options = {}
    base = _base_path(location)
    if base is not None and _GLOB.search(location):
        options["basePath"] = base
    if src.kind == "parquet":
        return spark.read.options(**options).parquet(location)
    from pyspark.sql.types import StringType, StructField, StructType

    names, src.delim, src.encoding, src.sample = _csv_header(location, files)
    if _spark_charset(src.encoding).upper() not in _SPARK_OWN_CHARSETS:
        # Spark 4 reads only UTF/ASCII/Latin-1 CSVs unless told to use the JDK's charsets; a
        # Chinese export is often GB18030 (a runtime SQL conf, so an existing session or Spark
        # Connect takes it too; Spark 3.5 reads any JDK charset and ignores the key).
        spark.conf.set("spark.sql.legacy.javaCharsets", "true")
    reader = spark.read.options(**options).option("header", True).option("sep", src.delim).option("quote", '"') \
        .option("escape", '"').option("mode", "PERMISSIVE").option("encoding", _spark_charset(src.encoding))
    if not names:  # a remote CSV: its own header names the columns
        names = _unique([c.strip() for c in reader.csv(location).columns])
    frame = reader.schema(StructType([StructField(n, StringType()) for n in names])).csv(location)
    return frame


_SPARK_OWN_CHARSETS = {"UTF-8", "US-ASCII", "ISO-8859-1", "UTF-16", "UTF-16BE", "UTF-16LE", "UTF-32"}


def _spark_charset(encoding: str | None) -> str:
    return {"utf-8-sig": "UTF-8", "gb18030": "GB18030", None: "UTF-8"}.get(encoding, encoding or "UTF-8")


def _partition_column(frame, location: str, files: list[Path], mapped: set[str]) -> str | None:
    """A day partition column (date=2026-07-01 in the folder names) not used as a call-log field."""
    names = " ".join([location] + [str(p) for p in files[:50]])
    for col in frame.columns:
        if col.lower() in PARTITION_COLUMNS and col not in mapped and f"/{col}=" in names.replace(os.sep, "/"):
            return col
    return None


def _kinds(frame) -> dict[str, str]:
    out = {}
    for f in frame.schema.fields:
        t = f.dataType.simpleString()
        out[f.name] = "DECIMAL" if t.startswith("decimal") else _KINDS.get(t, t.upper())
    return out


# ----------------------------------------------------------------------------- the scan

class SparkScan:
    """A call log opened on Spark: the same methods as the DuckDB scan."""

    engine = "spark"
    mode = "spark"

    def __init__(self, spark, src: SparkSource):
        self.spark, self.src = spark, src

    def scan_sql(self, careful: bool = True) -> str:
        return agg.typed_scan(self.src, self.src.columns, VIEW)

    def query(self, sql: str) -> pd.DataFrame:
        from cctool.engine.spark_sql import to_spark

        return _collect(self.spark.sql(to_spark(sql)))

    def register(self, name: str, frame: pd.DataFrame) -> None:
        import pyarrow as pa

        self.spark.createDataFrame(pa.Table.from_pandas(frame, preserve_index=False)).createOrReplaceTempView(name)

    def grouped(self, build, *, fast: bool = True) -> tuple[pd.DataFrame, str]:
        scan = self.scan_sql()
        return self.query(build(scan)), scan

    def examples(self, scan: str, code: int) -> list:
        return [None if pd.isna(v) else v for v in self.query(agg.bad_examples_sql(scan, code))["v"].tolist()]

    def rejected(self) -> tuple[list[Issue], int]:
        return [], 0  # Spark reads every line (see the module's note on malformed CSV lines)


def _collect(frame) -> pd.DataFrame:
    """A small result as pandas, through Arrow (pyspark's pandas conversion lags pandas 3)."""
    if hasattr(frame, "toArrow"):
        table = frame.toArrow()
        return table.to_pandas()
    rows = frame.collect()
    return pd.DataFrame([r.asDict() for r in rows], columns=frame.columns)


@contextlib.contextmanager
def open_calls(location: str, engine: Engine, aliases, field_map, optional: frozenset, *, period=None):
    spark = session(engine)
    location = location.split("#", 1)[0] if not is_remote(location) else location
    files = [] if is_remote(location) else local_files(location)
    if not is_remote(location) and not files:
        raise InputError(f"{location}: file not found (no call-log files there)")
    src = SparkSource(location, _format_of(location, files))
    try:
        frame = _read(spark, location, src, files)
        src.columns = _kinds(frame)
        src.fields, src.headers = resolve_columns(list(src.columns), location, aliases, field_map, optional)
        mapped = {h for s in src.fields.values() for h in s.headers}
        src.partition_column = _partition_column(frame, location, files, mapped)
        if src.partition_column and period is not None:
            frame = _prune(frame, src.partition_column, *period)
        frame.createOrReplaceTempView(VIEW)
        scan = SparkScan(spark, src)
        s = src.fields.get("start_time")
        if src.kind == "csv" and s is not None and not s.format and (
                src.sample is None or _ANY_SLASH_DATE.search(src.sample)):
            src.time_order = slash_order(src, lambda sql: tuple(scan.query(sql).iloc[0]), VIEW)
        yield scan
    except CctoolError:
        raise
    except Exception as exc:  # Spark's AnalysisException and friends: the input cannot be read
        if type(exc).__module__.startswith(("pyspark", "py4j")):
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError(f"{location}: Spark cannot read the call log ({first[:300]})") from None
        raise


def _prune(frame, column: str, start, end):
    """Only the day partitions of the period [start, end) and one day either side (night shifts,
    time zones): Spark lists and reads no other."""
    from pyspark.sql import functions as F

    lo = (pd.Timestamp(start).normalize() - pd.Timedelta(days=1)).date()
    hi = (pd.Timestamp(end).normalize() + pd.Timedelta(days=1)).date()  # exclusive: the day after end − 1 is read
    day = F.to_date(F.col(column).cast("string"))
    return frame.where((day >= F.lit(lo)) & (day < F.lit(hi)))
