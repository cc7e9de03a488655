"""Benchmark: the call-log aggregation on DuckDB and on Spark (local mode), and the metrics-file
path (`call-metrics`, then `grade-agents --metrics`).

    python benchmarks/bench_engines.py                       # a 10 M-call quarter (the issue's size)
    python benchmarks/bench_engines.py --calls-rows 200000   # a quick check that it all works
    python benchmarks/bench_engines.py --spark-master spark://host:7077 --calls-rows 10000000

Generates a sample centre whose quarter holds about --calls-rows calls (Parquet, streamed so
memory stays flat) into benchmarks/_data/ (reused while its marker matches), then times, each
run in its own subprocess (so a Spark run pays its JVM start, as a user's would):

  (a) grade-agents --calls, DuckDB (the default);
  (b) grade-agents --calls --engine spark --spark-master MASTER;
  (c) call-metrics on DuckDB, then grade-agents --metrics;
  (d) call-metrics --engine spark, then grade-agents --metrics.

Every run must give the same JSON records as (a); the script stops otherwise. It prints the
best wall time of --repeat runs and the ratios to (a). On one machine of a few cores Spark
loses to DuckDB (JVM start, task scheduling, shuffles through local disk); it pays off on a
cluster, where the log does not fit one machine and the executors read it in parallel.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "_data"
QUARTER, START, SEED = "2026Q3", "2026-07", 11
CALLS_PER_AGENT_QUARTER = 7_000  # the generator's rate (about 14 calls an hour on worked shifts)
MARKER = "complete.json"


def _marker(agents: int) -> dict:
    generator = ROOT / "cctool" / "samples" / "generate.py"
    return {"agents": agents, "start": START, "seed": SEED, "calls": "parquet",
            "generator_sha256": hashlib.sha256(generator.read_bytes()).hexdigest()}


def ensure_data(calls_rows: int) -> tuple[Path, dict]:
    agents = max(1, round(calls_rows / CALLS_PER_AGENT_QUARTER))
    out = DATA / f"engines-{agents}-{START}"
    marker = _marker(agents)
    names = {"roster": "roster.csv", "schedule": "schedule.csv", "punches": "punches.csv", "kpi": "kpi.csv",
             "calls": "calls.parquet"}
    paths = {k: out / v for k, v in names.items()}
    try:
        if json.loads((out / MARKER).read_text()) == marker:
            print(f"data: reusing {out.relative_to(ROOT)}")
            return out, paths
    except (OSError, ValueError):
        pass
    sys.path.insert(0, str(ROOT))
    from cctool.samples.generate import generate_centre, write_centre

    print(f"data: generating {agents} agents, one quarter (about {agents * CALLS_PER_AGENT_QUARTER:,} calls)…")
    out.mkdir(parents=True, exist_ok=True)
    centre = generate_centre(agents, START, 3, seed=SEED, calls=False)
    written = write_centre(centre, out, calls_format="parquet", sample_formats=False, stream_calls=True)
    paths = {k: written[k] for k in names}
    (out / MARKER).write_text(json.dumps(marker))
    return out, paths


def cctool(*args) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "cctool", "-q", *map(str, args)], capture_output=True, text=True)
    took = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): cctool {' '.join(map(str, args))}\n{done.stderr[-2000:]}")
    return took


def grade(paths: dict, out: Path, name: str, *source) -> tuple[float, list]:
    took = cctool("grade-agents", "--quarter", QUARTER, "--roster", paths["roster"], "--kpi", paths["kpi"],
                  "--punches", paths["punches"], "--schedule", paths["schedule"], *source,
                  "--out", out / f"{name}.xlsx", "--json", out / f"{name}.json")
    return took, json.loads((out / f"{name}.json").read_text(encoding="utf-8"))["records"]


def best(runs: int, job) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        took, result = job()
        times.append(took)
    return min(times), result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls-rows", type=int, default=10_000_000, help="calls in the quarter (about)")
    ap.add_argument("--spark-master", default="local[2]")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--skip-spark", action="store_true", help="DuckDB and the metrics path only")
    args = ap.parse_args()
    _, paths = ensure_data(args.calls_rows)
    calls = paths["calls"]
    spark = ["--engine", "spark", "--spark-master", args.spark_master]
    rows = {}
    with tempfile.TemporaryDirectory(prefix="cctool-bench-") as tmp:
        out = Path(tmp)
        t_duck, reference = best(args.repeat, lambda: grade(paths, out, "duck", "--calls", calls))
        rows["(a) grade-agents --calls (DuckDB)"] = t_duck

        def metrics_path(engine: list, name: str):
            t_make = cctool("call-metrics", "--quarter", QUARTER, "--calls", calls, "--out", out / f"{name}.parquet",
                            *engine)
            t_grade, records = grade(paths, out, name, "--metrics", out / f"{name}.parquet")
            rows[f"    of which grade-agents --metrics ({name})"] = t_grade
            return t_make + t_grade, records

        t, records = best(args.repeat, lambda: metrics_path([], "duck-metrics"))
        rows["(c) call-metrics (DuckDB) + grade-agents --metrics"] = t
        assert records == reference, "the metrics path gave other records than --calls"
        if not args.skip_spark:
            t, records = best(args.repeat, lambda: grade(paths, out, "spark", "--calls", calls, *spark))
            rows[f"(b) grade-agents --calls --engine spark ({args.spark_master})"] = t
            assert records == reference, "Spark gave other records than DuckDB"
            t, records = best(args.repeat, lambda: metrics_path(spark, "spark-metrics"))
            rows[f"(d) call-metrics --engine spark ({args.spark_master}) + grade-agents --metrics"] = t
            assert records == reference, "the Spark metrics path gave other records than DuckDB"
        size = calls.stat().st_size / 1e6
    print(f"\n{args.calls_rows:,} calls (about) in {QUARTER}; {size:.0f} MB Parquet; records identical in every run\n")
    for name, took in rows.items():
        print(f"{name:<78} {took:8.1f} s   {took / t_duck:5.2f}x (a)")


if __name__ == "__main__":
    main()
