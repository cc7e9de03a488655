"""Benchmark of `cctool grade-agents` against a bare DuckDB query on the same call log.

Generates a quarter (2026Q3) of a centre with the sample generator (1,000 agents, ~10 M calls
by default; a tenth of the agents gives the ~1 M-row run used for the scaling line), writes the
call log as CSV and Parquet under benchmarks/_data/ (gitignored), then times for each format:

  (a) a bare DuckDB query: calls, connected, successes per agent from the call file, in process
      (and the same query in a fresh Python process, i.e. with interpreter + duckdb import);
  (b) `cctool grade-agents` end to end in a subprocess of the venv's cctool (roster, KPI,
      punches and schedule read too, workbook and JSON written), with its peak RSS.

The fresh-process query and cctool run interleaved (query, cctool, query, cctool, ...), best
of --repeat; the CPU time (user + system, all threads) of each is printed too, the steadier
figure on a loaded machine. cctool's JSON is compared with the one the code of the baseline
revision writes on the same files (benchmarks/_common.py). Targets (issue 13): CSV within 1.3x
of the fresh-process query; Parquet at most 0.6 s more than it.

With --before REV the code of revision REV (extracted as the baseline's is) runs in the same
turns, for before/after figures measured under the same load.

Usage:  python benchmarks/bench_grade.py [--agents 1000] [--quick] [--regen] [--repeat 3] [--before REV]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from _common import (BASELINE_REV, ROOT, baseline_json, baseline_tree, cctool_command, compare_json, machine,
                     run_timed)

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
CALLS_PER_HOUR = 20.0  # with ~8.5 h shifts this gives ~10.7 M calls for 1,000 agents in a quarter

BARE_SQL = ("SELECT agent_id, count(*) AS calls, count(*) FILTER (WHERE connected) AS connected, "
            "count(*) FILTER (WHERE success) AS successes FROM {reader}('{path}') GROUP BY agent_id")


def generate(agents: int, folder: Path, regen: bool) -> dict[str, Path]:
    from cctool.samples.generate import generate_centre, write_calls, write_centre

    paths = {"roster": folder / "roster.xlsx", "kpi": folder / "kpi.csv", "punches": folder / "punches.csv",
             "schedule": folder / "schedule.csv", "csv": folder / "calls.csv", "parquet": folder / "calls.parquet"}
    if not regen and all(p.exists() for p in paths.values()):
        return paths
    for kept in folder.glob("baseline-*.json"):  # a baseline's JSON belongs to the data it was run on
        kept.unlink()
    t = time.perf_counter()
    centre = generate_centre(agents, "2026-07", 3, seed=7, calls=False, calls_per_hour=CALLS_PER_HOUR)
    write_centre(centre, folder, calls_format="csv", stream_calls=True)
    write_calls(centre, paths["parquet"], "parquet")
    print(f"  generated {agents} agents into {folder} in {time.perf_counter() - t:.1f} s")
    return paths


def bare_in_process(path: Path, fmt: str) -> float:
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    t = time.perf_counter()
    con.execute(BARE_SQL.format(reader="read_csv" if fmt == "csv" else "read_parquet", path=path)).fetchall()
    elapsed = time.perf_counter() - t
    con.close()
    return elapsed


def bare_command(path: Path, fmt: str) -> list[str]:
    sql = BARE_SQL.format(reader="read_csv" if fmt == "csv" else "read_parquet", path=path)
    return [sys.executable, "-c", "import duckdb; con = duckdb.connect(); con.execute('SET enable_progress_bar = false'); "
            f"con.execute({sql!r}).fetchall()"]


def grade_args(paths: dict[str, Path], fmt: str, out: Path) -> list[str]:
    return ["--quiet", "grade-agents", "--quarter", "2026Q3", "--roster", str(paths["roster"]),
            "--calls", str(paths[fmt]), "--kpi", str(paths["kpi"]), "--punches", str(paths["punches"]),
            "--schedule", str(paths["schedule"]), "--out", str(out / f"grades-{fmt}.xlsx"),
            "--json", str(out / f"grades-{fmt}.json")]


def count_rows(path: Path) -> int:
    import duckdb

    return duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[0]


def measure(label: str, paths: dict[str, Path], repeat: int, baseline: str, before: str | None = None) -> dict:
    rows = count_rows(paths["parquet"])
    size = paths["csv"].stat().st_size / 1e6
    print(f"\n== {label}: {rows:,} calls (CSV {size:,.0f} MB, Parquet {paths['parquet'].stat().st_size / 1e6:,.0f} MB)")
    print(machine())
    results = {}
    for fmt in ("csv", "parquet"):
        old = None if baseline == "none" else baseline_json(
            f"grades-{fmt}", paths["csv"].parent, lambda out: grade_args(paths, fmt, out), baseline)
        a = min(bare_in_process(paths[fmt], fmt) for _ in range(repeat))
        sub, runs, olds = [], [], []
        with tempfile.TemporaryDirectory(prefix="cctool-bench-") as tmp:
            (Path(tmp) / "before").mkdir()
            for _ in range(repeat):  # interleaved: the fresh-process query, (the --before code,) then cctool
                sub.append(run_timed(bare_command(paths[fmt], fmt), ROOT))
                if before:
                    olds.append(run_timed(cctool_command(*grade_args(paths, fmt, Path(tmp) / "before")),
                                          baseline_tree(before)))
                runs.append(run_timed(cctool_command(*grade_args(paths, fmt, Path(tmp))), ROOT))
            same = True if old is None else compare_json(Path(tmp) / f"grades-{fmt}.json", old)
        a_sub, a_cpu = min(r[0] for r in sub), min(r[2] for r in sub)
        b, peak, b_cpu = min(r[0] for r in runs), max(r[1] for r in runs), min(r[2] for r in runs)
        results[fmt] = dict(rows=rows, a=a, a_sub=a_sub, b=b, peak_mb=peak, same=same)
        print(f"  {fmt:8s} (a) bare DuckDB query {a:6.2f} s in process, {a_sub:6.2f} s as a fresh process | "
              f"(b) cctool grade-agents {b:6.2f} s | ratio b/a {b / a:5.2f}x, b/a(process) {b / a_sub:5.2f}x, "
              f"b - a(process) {b - a_sub:+.2f} s | CPU a(process) {a_cpu:.2f} s, b {b_cpu:.2f} s | "
              f"peak RSS {peak:,.0f} MB")
        if olds:
            o, o_cpu = min(r[0] for r in olds), min(r[2] for r in olds)
            print(f"  {fmt:8s} before ({before}'s code, same run): {o:6.2f} s, CPU {o_cpu:.2f} s | "
                  f"b/a(process) {o / a_sub:5.2f}x, CPU {o_cpu / a_cpu:5.2f}x | now: {b / a_sub:5.2f}x, "
                  f"CPU {b_cpu / a_cpu:5.2f}x")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agents", type=int, default=1000, help="agents of the full run (default 1000: ~10 M calls)")
    parser.add_argument("--quick", action="store_true", help="small run: 100 agents (~1 M calls), no scaling line")
    parser.add_argument("--regen", action="store_true", help="regenerate the data even if present")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best time is kept)")
    parser.add_argument("--before", default=None, metavar="REV",
                        help="also time the code of git revision REV in the same runs (before/after figures)")
    parser.add_argument("--baseline", default=BASELINE_REV,
                        help="git revision whose JSON is the reference ('none': no comparison)")
    args = parser.parse_args()
    agents = 100 if args.quick else args.agents
    print(f"cctool grade-agents benchmark: {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}")
    big = measure(f"{agents} agents", generate(agents, DATA / f"a{agents}", args.regen), args.repeat, args.baseline,
                  args.before)
    if not all(r["same"] for r in big.values()):
        raise SystemExit(1)
    if args.quick:
        return
    small_agents = max(1, agents // 10)
    small = measure(f"{small_agents} agents", generate(small_agents, DATA / f"a{small_agents}", args.regen),
                    args.repeat, args.baseline)
    print("\n== scaling (time per million calls; linear growth keeps it flat)")
    for fmt in ("csv", "parquet"):
        s, g = small[fmt], big[fmt]
        print(f"  {fmt:8s} {s['rows'] / 1e6:5.2f} M -> {g['rows'] / 1e6:5.2f} M rows ({g['rows'] / s['rows']:4.1f}x): "
              f"(a) {s['a']:.2f} -> {g['a']:.2f} s ({g['a'] / s['a']:4.1f}x) | "
              f"(b) {s['b']:.2f} -> {g['b']:.2f} s ({g['b'] / s['b']:4.1f}x); "
              f"(b) minus (b at 1 M) per extra M rows: {(g['b'] - s['b']) / ((g['rows'] - s['rows']) / 1e6):.3f} s")
    worst = max(big[f]["peak_mb"] for f in big)
    print(f"\nTargets: CSV (b) within 1.3x of (a) as a fresh process; Parquet (b) at most 0.6 s more than it; "
          f"peak memory < 1 GB (worst peak here: {worst:,.0f} MB)")


if __name__ == "__main__":
    main()
