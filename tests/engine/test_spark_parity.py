"""Spark (local[2]) against DuckDB on the same generated centre, bad rows included: identical
metrics and row accounting, identical grade-agents, kpi-report and payroll JSON, the same
through call-metrics on Spark, and a day-partitioned folder read through a glob with its
partitions pruned. One Spark session for the whole run (a JVM start costs tens of seconds)."""
from __future__ import annotations

import pandas as pd
import pytest

from cctool.engine import Engine
from cctool.engine import metrics_file
from cctool.engine.calls import call_metrics, daily_call_metrics, shift_call_counts
from engine_centre import inputs, invoke, json_of, same_results

pytestmark = [pytest.mark.spark, pytest.mark.filterwarnings("ignore::FutureWarning"),
              pytest.mark.filterwarnings("ignore::UserWarning"),
              pytest.mark.filterwarnings("ignore::DeprecationWarning")]
SPARK = Engine("spark", "local[2]")
Q3 = (pd.Timestamp("2026-07-01"), pd.Timestamp("2026-10-01"))


@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark")
    from cctool.engine.spark_backend import session

    s = session(SPARK)
    yield s
    s.stop()


def messages(issues):
    return [i.message() for i in issues]


def roster_ids(paths) -> set[str]:
    from cctool.io.inputs import InputSet
    from cctool.rules import load_rules

    return set(InputSet(load_rules().rules).load("roster", paths["roster"])["agent_id"])


@pytest.mark.parametrize("calls_key", ["calls", "calls_parquet"])
def test_per_agent_metrics_and_accounting_identical(spark, centre_files, calls_key):
    _, paths = centre_files
    known = roster_ids(paths)
    duck, duck_issues = call_metrics(paths[calls_key], *Q3, known)
    spk, spk_issues = call_metrics(paths[calls_key], *Q3, known, engine=SPARK)
    pd.testing.assert_frame_equal(duck, spk)
    assert messages(duck_issues) == messages(spk_issues)
    assert duck.attrs["rows_read"] == spk.attrs["rows_read"]
    assert duck.attrs["no_agent_calls"] == spk.attrs["no_agent_calls"]
    if calls_key == "calls":  # the hand-made bad rows are all counted, by both
        text = " | ".join(messages(spk_issues))
        assert "2 call record(s) with blank or unreadable start_time" in text and "'2026'" in text
        assert "unreadable connected" in text and "unreadable success" in text and "unreadable amount" in text


def test_daily_and_shift_metrics_identical(spark, centre_files):
    from cctool.io.inputs import InputSet
    from cctool.policy.attendance import audit_month
    from cctool.policy.kpi import call_windows
    from cctool.rules import load_rules

    _, paths = centre_files
    rules = load_rules().rules
    inputs_ = InputSet(rules)
    roster, schedule = inputs_.load("roster", paths["roster"]), inputs_.load("schedule", paths["schedule"])
    lo, hi = pd.Timestamp("2026-08-01"), pd.Timestamp("2026-09-01")
    windows = call_windows(schedule, roster, lo, hi, rules)
    known = set(roster["agent_id"])
    duck, duck_issues = daily_call_metrics(paths["calls"], lo, hi, known, windows=windows)
    spk, spk_issues = daily_call_metrics(paths["calls"], lo, hi, known, windows=windows, engine=SPARK)
    pd.testing.assert_frame_equal(duck, spk)
    assert duck.attrs["no_agent_calls"] == spk.attrs["no_agent_calls"]
    assert messages(duck_issues) == messages(spk_issues)
    punches = inputs_.load("punches", paths["punches"])
    shifts = audit_month("2026-08", roster, schedule, punches, rules).shifts
    d_shift, d_cph = shift_call_counts(paths["calls"], shifts)
    s_shift, s_cph = shift_call_counts(paths["calls"], shifts, engine=SPARK)
    pd.testing.assert_frame_equal(d_shift, s_shift)
    assert d_cph == s_cph and d_shift["calls"].sum() > 0


def test_grade_agents_spark_and_metrics_same_json_as_duckdb(spark, centre_files, tmp_path):
    """The issue's 'done when': --engine spark --spark-master local[2], and --metrics from a
    Spark call-metrics run, give the DuckDB default's JSON records."""
    _, paths = centre_files
    common = ["grade-agents", "--quarter", "2026Q3", "--kpi", paths["kpi"]]
    duck = invoke(*common, *inputs(paths), "--out", tmp_path / "d.xlsx", "--json", tmp_path / "d.json")
    spk = invoke(*common, *inputs(paths), "--engine", "spark", "--spark-master", "local[2]",
                 "--out", tmp_path / "s.xlsx", "--json", tmp_path / "s.json")
    made = invoke("call-metrics", "--quarter", "2026Q3", "--calls", paths["calls"], "--engine", "spark",
                  "--spark-master", "local[2]", "--out", tmp_path / "m.parquet", "--roster", paths["roster"],
                  "--schedule", paths["schedule"], "--punches", paths["punches"], "--leave", paths["leave"],
                  "--excusals", paths["excusals"])
    via = invoke(*common, *inputs(paths, metrics=tmp_path / "m.parquet"), "--out", tmp_path / "m.xlsx",
                 "--json", tmp_path / "m.json")
    for r in (duck, spk, made, via):
        assert r.exit_code == 0, r.output
    d = json_of(tmp_path / "d.json")
    assert d["records"] and any("not in the roster" in i["problem"] for i in d["issues"])
    same_results(d, json_of(tmp_path / "s.json"))
    same_results(d, json_of(tmp_path / "m.json"))
    assert metrics_file.read(tmp_path / "m.parquet").meta["engine"] == "spark"


def test_kpi_report_and_payroll_same_json(spark, centre_files, tmp_path):
    _, paths = centre_files
    for engine in ("duckdb", "spark"):
        r = invoke("kpi-report", "--period", "month", "--date", "2026-08-10", *inputs(paths), "--engine", engine,
                   "--out", tmp_path / f"k-{engine}.xlsx", "--json", tmp_path / f"k-{engine}.json")
        assert r.exit_code == 0, r.output
        r = invoke("monthly-payroll", "--month", "2026-08", *inputs(paths), "--engine", engine, "--kpi", paths["kpi"],
                   "--leave", paths["leave"], "--excusals", paths["excusals"],
                   "--out", tmp_path / f"p-{engine}.xlsx", "--json", tmp_path / f"p-{engine}.json")
        assert r.exit_code == 0, r.output
    same_results(json_of(tmp_path / "k-duckdb.json"), json_of(tmp_path / "k-spark.json"))
    same_results(json_of(tmp_path / "p-duckdb.json"), json_of(tmp_path / "p-spark.json"))


def test_day_partitioned_folder_glob_and_pruning(spark, centre_files, tmp_path):
    """calls/date=YYYY-MM-DD/part.parquet read through a glob: the month's figures equal the
    single file's, and partitions far outside the month are not read at all."""
    _, paths = centre_files
    calls = pd.read_parquet(paths["calls_parquet"])
    calls["date"] = pd.to_datetime(calls["start_time"]).dt.strftime("%Y-%m-%d")
    lake = tmp_path / "calls"
    calls.to_parquet(lake, partition_cols=["date"], index=False)
    known = roster_ids(paths)
    lo, hi = pd.Timestamp("2026-08-01"), pd.Timestamp("2026-09-01")
    single, _ = call_metrics(paths["calls_parquet"], lo, hi, known)
    whole, whole_issues = call_metrics(lake, lo, hi, known, engine=SPARK)
    globbed, glob_issues = call_metrics(f"{lake}/date=2026-08-*", lo, hi, known, engine=SPARK)
    pd.testing.assert_frame_equal(single, whole)
    pd.testing.assert_frame_equal(single, globbed)
    # pruned to 2026-07-31..2026-09-01: only those days were read, and counted
    in_days = calls["date"].between("2026-07-31", "2026-09-01").sum()
    assert whole.attrs["rows_read"] == in_days < len(calls)
    assert globbed.attrs["rows_read"] == calls["date"].str.startswith("2026-08").sum()
    # the calls of the two margin days are read and counted as outside the period, as DuckDB counts them
    margin = calls["date"].isin(["2026-07-31", "2026-09-01"]) & calls["agent_id"].isin(known)
    outside = [i.problem for i in whole_issues if "outside the period" in i.problem]
    assert outside == [f"{int(margin.sum())} call record(s) of roster agents outside the period "
                       "2026-08-01..2026-08-31; not counted"]
    assert not [i for i in glob_issues if "outside the period" in i.problem]


def test_hand_made_gb18030_log_same_accounting(spark, centre_files, tmp_path):
    """A GB18030 call log (a Chinese export; Spark 4 reads it only with the JDK's charsets) whose
    cells each engine's own functions read differently: ids of whitespace alone or padded with
    U+3000 / no-break spaces / tabs, 是 padded with U+3000, numbers in DuckDB's spelling only
    (1_000) or Java's only (12d, 1.5f), 24:00:00, a zone offset. Identical metrics, issues and
    per-shift counts: the accounting is the same whatever engine reads the log."""
    from cctool.io.inputs import InputSet
    from cctool.policy.attendance import audit_month
    from cctool.rules import load_rules

    _, paths = centre_files
    rules = load_rules().rules
    inputs_ = InputSet(rules)
    roster, schedule = inputs_.load("roster", paths["roster"]), inputs_.load("schedule", paths["schedule"])
    known = set(roster["agent_id"])
    shifts = audit_month("2026-08", roster, schedule, inputs_.load("punches", paths["punches"]), rules).shifts
    worked = shifts[shifts["sign_in"].notna()].iloc[0]
    a, day = worked["agent_id"], pd.Timestamp(worked["sign_in"]) + pd.Timedelta(minutes=5)
    t = lambda minutes: f"{day + pd.Timedelta(minutes=minutes):%Y-%m-%d %H:%M:%S}"  # noqa: E731
    rows = [(a, t(0), "是", "否", "1_000", "60"), (a, t(1), "是\u3000", "是", "12d", "1.5f"),
            (f"{a}\u3000", t(2), "是", "否", "", "60"), (f"\u00a0{a}", t(3), "否", "否", "", ""),
            (f"\t{a}", t(4), "是", "否", "", "60"), ("\u3000", t(5), "是", "否", "", ""), ("\t", t(6), "否", "否", "", ""),
            (a, f"{day:%Y-%m-%d} 24:00:00", "是", "否", "", "60"), (a, f"{t(7)}+08:00", "是", "否", "", "60"),
            ("KF-不在", t(8), "是", "否", "", "60"), (a, "2026-07-31 23:00:00", "是", "否", "", "60")]
    path = tmp_path / "通话记录.csv"
    log = pd.DataFrame(rows, columns=["座席号", "start_time", "connected", "success", "amount", "duration_s"])
    log.insert(0, "call_id", range(1, len(log) + 1))
    log.to_csv(path, index=False, encoding="gb18030")
    lo, hi = pd.Timestamp("2026-08-01"), pd.Timestamp("2026-09-01")
    cols = dict(aliases=rules.columns.aliases.get("calls"), field_map=rules.columns.mapping("calls"))
    duck, duck_issues = call_metrics(path, lo, hi, known, **cols)
    spk, spk_issues = call_metrics(path, lo, hi, known, engine=SPARK, **cols)
    pd.testing.assert_frame_equal(duck, spk)
    assert messages(duck_issues) == messages(spk_issues)
    for key in ("rows_read", "rows_unreadable", "no_agent_calls", "encoding"):
        assert duck.attrs[key] == spk.attrs[key], key
    assert duck.attrs["no_agent_calls"] == 2 and duck.attrs["encoding"] == "gb18030"
    assert duck.loc[0, "calls"] == 7 and duck.loc[0, "amount"] == 1000.0  # 24:00:00 counts on the next day
    text = " | ".join(messages(spk_issues))
    assert "KF-不在" in text and "1 call record(s) of roster agents outside the period" in text
    assert "1 call record(s) with an unreadable amount" in text and "1 call record(s) with an unreadable duration" in text
    d_daily, _ = daily_call_metrics(path, lo, hi, known, **cols)
    s_daily, _ = daily_call_metrics(path, lo, hi, known, engine=SPARK, **cols)
    pd.testing.assert_frame_equal(d_daily, s_daily)
    assert d_daily.attrs["no_agent_calls"] == s_daily.attrs["no_agent_calls"]
    d_shift, _ = shift_call_counts(path, shifts, rules, **cols)
    s_shift, _ = shift_call_counts(path, shifts, rules, engine=SPARK, **cols)
    pd.testing.assert_frame_equal(d_shift, s_shift)
    assert d_shift["calls"].sum() >= 5  # the padded ids are the agent's, in the per-shift join too
