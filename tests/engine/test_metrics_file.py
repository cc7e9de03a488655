"""`cctool call-metrics` then `--metrics`: the same JSON records, issues and totals as `--calls`,
on a generated centre with bad rows; and every refusal when the file does not fit the run."""
from __future__ import annotations

import pyarrow.parquet as pq
import pytest
import yaml

from cctool.engine import metrics_file
from cctool.io.readers import file_sha256
from cctool.rules.load import default_rules_path
from engine_centre import inputs, invoke, json_of, same_results

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture(scope="module")
def metrics(centre_files, tmp_path_factory):
    _, paths = centre_files
    out = tmp_path_factory.mktemp("metrics") / "metrics.parquet"
    result = invoke("call-metrics", "--quarter", "2026Q3", "--calls", paths["calls"], "--out", out,
                    "--roster", paths["roster"], "--schedule", paths["schedule"], "--punches", paths["punches"],
                    "--leave", paths["leave"], "--excusals", paths["excusals"])
    assert result.exit_code == 0, result.output
    return out


def test_file_layout_fingerprint_and_accounting(metrics, centre_files):
    _, paths = centre_files
    table = pq.read_table(metrics)
    assert set(table.column("table").to_pylist()) == {"agent", "agent_day", "shift"}
    m = metrics_file.read(metrics)
    assert m.meta["calls_sha256"] == file_sha256(paths["calls"])
    assert m.meta["period_start"] == "2026-07-01" and m.meta["period_end"] == "2026-10-01"
    assert m.meta["engine"] == "duckdb" and m.meta["dated_by_schedule"] == file_sha256(paths["schedule"])
    # every data row of the CSV is in exactly one group
    lines = sum(1 for _ in open(paths["calls"], encoding="utf-8")) - 1
    assert m.meta["rows_read"] == lines == int(m.agent["calls"].sum())
    problems = " | ".join(i.problem for i in m.issues())
    assert "2 call record(s) with blank or unreadable start_time" in problems
    assert "1 call record(s) with blank or unreadable connected" in problems
    assert "1 call record(s) with blank or unreadable success" in problems
    assert "1 call record(s) with an unreadable amount" in problems


def test_grade_agents_same_records(metrics, centre_files, tmp_path):
    _, paths = centre_files
    common = ["grade-agents", "--quarter", "2026Q3", "--kpi", paths["kpi"]]
    a = invoke(*common, *inputs(paths), "--out", tmp_path / "a.xlsx", "--json", tmp_path / "a.json")
    b = invoke(*common, *inputs(paths, metrics=metrics), "--out", tmp_path / "b.xlsx", "--json", tmp_path / "b.json")
    assert a.exit_code == 0 and b.exit_code == 0, a.output + b.output
    ja, jb = json_of(tmp_path / "a.json"), json_of(tmp_path / "b.json")
    same_results(ja, jb)
    assert any("agent not in the roster" in i["problem"] for i in jb["issues"])
    # the report says where the figures came from: the call log's fingerprint, and the metrics file
    ra, rb = {r["name"]: r for r in ja["inputs"]}, {r["name"]: r for r in jb["inputs"]}
    assert rb["calls"]["sha256"] == ra["calls"]["sha256"] == file_sha256(paths["calls"])
    assert rb["calls"]["rows"] == ra["calls"]["rows"] and rb["call_metrics"]["sha256"] == file_sha256(metrics)


@pytest.mark.parametrize("args", [("--period", "month", "--date", "2026-08-10"),
                                  ("--period", "day", "--date", "2026-09-30")])
def test_kpi_report_same_records(metrics, centre_files, tmp_path, args):
    _, paths = centre_files
    a = invoke("kpi-report", *args, *inputs(paths), "--out", tmp_path / "a.xlsx", "--json", tmp_path / "a.json")
    b = invoke("kpi-report", *args, *inputs(paths, metrics=metrics), "--out", tmp_path / "b.xlsx",
               "--json", tmp_path / "b.json")
    assert a.exit_code == 0 and b.exit_code == 0, a.output + b.output
    same_results(json_of(tmp_path / "a.json"), json_of(tmp_path / "b.json"))


def test_daily_brief_and_payroll_same_records(metrics, centre_files, tmp_path):
    _, paths = centre_files
    for route, extra in (("a", inputs(paths)), ("b", inputs(paths, metrics=metrics))):
        r = invoke("daily-brief", "--date", "2026-08-12", *extra, "--format", "json", "--out", tmp_path / f"{route}.txt")
        assert r.exit_code == 0, r.output
        r = invoke("monthly-payroll", "--month", "2026-09", *extra, "--leave", paths["leave"], "--excusals",
                   paths["excusals"], "--kpi", paths["kpi"], "--out", tmp_path / f"p{route}.xlsx",
                   "--json", tmp_path / f"p{route}.json")
        assert r.exit_code == 0, r.output
    same_results(json_of(tmp_path / "a.txt"), json_of(tmp_path / "b.txt"))
    pa, pb = json_of(tmp_path / "pa.json"), json_of(tmp_path / "pb.json")
    same_results(pa, pb)


def test_simulate_and_explain_take_metrics_too(metrics, centre_files, tmp_path):
    # Every command that reads calls takes --metrics: the what-if's pay and one person's pay lines and
    # grade are the same from the metrics file as from the call log.
    _, paths = centre_files
    proposed = tmp_path / "proposed.yaml"
    proposed.write_text(default_rules_path().read_text(encoding="utf-8").replace(
        "kind: absent_half_day, above_minutes: 15", "kind: absent_half_day, above_minutes: 10"), encoding="utf-8")
    month = ["--month", "2026-09", "--leave", paths["leave"], "--excusals", paths["excusals"], "--kpi", paths["kpi"]]
    for route, extra in (("a", inputs(paths)), ("b", inputs(paths, metrics=metrics))):
        r = invoke("simulate", "--rules", proposed, *month, *extra, "--out", tmp_path / f"w{route}.xlsx",
                   "--json", tmp_path / f"w{route}.json")
        assert r.exit_code == 0, r.output
        r = invoke("explain", "--agent", "E0003", *month, *extra, "--format", "json", "--out", tmp_path / f"e{route}.json")
        assert r.exit_code == 0, r.output
        r = invoke("explain", "--agent", "E0003", "--quarter", "2026Q3", "--kpi", paths["kpi"], *extra,
                   "--format", "json", "--out", tmp_path / f"g{route}.json")
        assert r.exit_code == 0, r.output
    wa, wb = json_of(tmp_path / "wa.json"), json_of(tmp_path / "wb.json")
    assert wa["records"] == wb["records"] and wa["totals"] == wb["totals"]
    assert any("net_delta" in r for r in wa["records"]) or wa["totals"].get("pay")
    for name in ("e", "g"):
        a, b = json_of(tmp_path / f"{name}a.json"), json_of(tmp_path / f"{name}b.json")
        assert {k: v for k, v in a.items() if k != "inputs"} == {k: v for k, v in b.items() if k != "inputs"}
    assert json_of(tmp_path / "ea.json").get("pay")


def test_refusals(metrics, centre_files, tmp_path):
    folder, paths = centre_files
    # the period is not covered (the schedule does not cover it either: the coverage check says so first)
    r = invoke("monthly-payroll", "--month", "2026-10", *inputs(paths, metrics=metrics), "--out", tmp_path / "p.xlsx")
    assert r.exit_code == 3 and "2026-10" in r.output and not (tmp_path / "p.xlsx").exists()
    # a week that starts before the metrics' quarter: refused, not guessed
    r = invoke("kpi-report", "--period", "week", "--date", "2026-07-01", *inputs(paths, metrics=metrics),
               "--out", tmp_path / "w.xlsx")
    assert r.exit_code == 3 and "not the period 2026-06-29..2026-07-05" in r.output, r.output
    # another schedule dates calls differently: refuse
    r = invoke("kpi-report", "--period", "day", "--date", "2026-08-10", *inputs(paths, metrics=metrics,
                                                                                 extra=("punches",)),
               "--out", tmp_path / "k.xlsx")
    assert r.exit_code == 3 and "pass the same --schedule" in r.output
    # another column mapping in the rules
    rules = yaml.safe_load(default_rules_path().read_text(encoding="utf-8"))
    rules["columns"]["aliases"].setdefault("calls", {})["agent_id"] = ["坐席"]
    other = tmp_path / "rules.yaml"
    other.write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    r = invoke("grade-agents", "--quarter", "2026Q3", "--kpi", paths["kpi"], *inputs(paths, metrics=metrics),
               "--rules", other, "--out", tmp_path / "g.xlsx")
    assert r.exit_code == 3 and "another call-log column mapping" in r.output
    # not a metrics file
    r = invoke("grade-agents", "--quarter", "2026Q3", "--kpi", paths["kpi"],
               *inputs(paths, metrics=paths["calls_parquet"]), "--out", tmp_path / "g.xlsx")
    assert r.exit_code == 3 and "not a cctool metrics file" in r.output


def test_payroll_needs_per_shift_counts(centre_files, tmp_path):
    _, paths = centre_files
    bare = tmp_path / "bare.parquet"
    assert invoke("call-metrics", "--month", "2026-08", "--calls", paths["calls"], "--out", bare).exit_code == 0
    r = invoke("monthly-payroll", "--month", "2026-08", *inputs(paths, metrics=bare), "--out", tmp_path / "p.xlsx")
    assert r.exit_code == 3 and "no per-shift counts" in r.output
    # grading needs no shifts: a month file grades nothing of a quarter (refused), a month is fine for kpi
    r = invoke("kpi-report", "--period", "day", "--date", "2026-08-31", *inputs(paths, metrics=bare, extra=()),
               "--out", tmp_path / "k.xlsx")
    assert r.exit_code == 0, r.output


def test_usage_errors(centre_files, tmp_path, monkeypatch):
    _, paths = centre_files
    base = ["grade-agents", "--quarter", "2026Q3", "--kpi", paths["kpi"], "--roster", paths["roster"],
            "--out", tmp_path / "g.xlsx"]
    r = invoke(*base)
    assert r.exit_code == 2 and "--calls" in r.output and "--metrics" in r.output
    r = invoke(*base, "--calls", paths["calls"], "--metrics", paths["calls"])
    assert r.exit_code == 2 and "not both" in r.output
    r = invoke(*base, "--calls", paths["calls"], "--engine", "polars")
    assert r.exit_code == 2 and "--engine" in r.output and "'polars' is not one of 'duckdb', 'spark'" in r.output
    r = invoke(*base, "--calls", paths["calls"], "--spark-master", "local[2]")
    assert r.exit_code == 2 and "--spark-master needs --engine spark" in r.output
    # without the extra: how to install it, exit 2, no report
    monkeypatch.setitem(__import__("sys").modules, "pyspark", None)
    monkeypatch.setitem(__import__("sys").modules, "pyspark.sql", None)
    r = invoke(*base, "--calls", paths["calls"], "--engine", "spark")
    assert r.exit_code == 2 and 'pip install "cctool[spark]"' in r.output
    assert not (tmp_path / "g.xlsx").exists()


def test_engine_and_metrics_from_cctool_toml(metrics, centre_files, tmp_path):
    """engine, spark_master and metrics are options like any other: cctool.toml may set them."""
    _, paths = centre_files
    config = tmp_path / "cctool.toml"
    config.write_text(f'[grade-agents]\nengine = "duckdb"\nmetrics = "{metrics.as_posix()}"\n'
                      f'kpi = "{paths["kpi"].as_posix()}"\nroster = "{paths["roster"].as_posix()}"\n'
                      f'schedule = "{paths["schedule"].as_posix()}"\n', encoding="utf-8")
    r = invoke("--config", config, "grade-agents", "--quarter", "2026Q3", "--out", tmp_path / "g.xlsx",
               "--json", tmp_path / "g.json")
    assert r.exit_code == 0, r.output
    assert any(i["name"] == "call_metrics" for i in json_of(tmp_path / "g.json")["inputs"])
