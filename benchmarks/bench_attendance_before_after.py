"""Before and after in one run: the reference, the code of a baseline revision and this checkout's
code, each `attendance-audit` on the same data, timed in turns (ratios are only fair within one
run on a shared machine).

    python benchmarks/bench_attendance_before_after.py --agents 10000 --csv --baseline 224e6f3

The data and the baseline's source tree are those of bench_attendance.py / _common.py (made once,
kept under benchmarks/_data/). Prints the best wall and CPU time of each and its ratio to the
reference, and the highest peak memory.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _common import BASELINE_REV, ROOT, baseline_tree, cctool_command, machine, run_timed
from bench_attendance import audit_args, ensure_data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, default=10_000)
    parser.add_argument("--csv", action="store_true", help="every input an English-header UTF-8 CSV")
    parser.add_argument("--baseline", default=BASELINE_REV, help="git revision of the code before")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = ensure_data(args.agents, sample_formats=not args.csv)
    print(machine())
    with tempfile.TemporaryDirectory(prefix="cctool-bench-") as tmp:
        out = Path(tmp)
        (out / "before").mkdir()
        (out / "after").mkdir()
        contestants = {  # label: (command, working directory: the baseline runs from its own tree)
            "(a) reference": ([sys.executable, str(Path(__file__).with_name("bench_attendance.py")), "--reference-only",
                               str(data), "--out", str(out / "reference.xlsx")], ROOT),
            f"(o) before: {args.baseline}": (cctool_command(*audit_args(data, out / "before")), baseline_tree(args.baseline)),
            "(b) after: this checkout": (cctool_command(*audit_args(data, out / "after")), ROOT),
        }
        runs: dict[str, list[tuple[float, float, float]]] = {label: [] for label in contestants}
        for i in range(args.repeat):
            for label, (cmd, cwd) in contestants.items():
                wall, mb, cpu = run_timed(cmd, cwd)
                runs[label].append((wall, mb, cpu))
                print(f"  run {i + 1} {label:28s} {wall:7.2f} s  cpu {cpu:7.2f} s  peak {mb:6.0f} MB", flush=True)
    best = {label: (min(r[0] for r in rs), min(r[2] for r in rs), max(r[1] for r in rs)) for label, rs in runs.items()}
    ref_wall, ref_cpu, _ = best["(a) reference"]
    print()
    for label, (wall, cpu, mb) in best.items():
        print(f"{label:28s} wall {wall:6.2f} s ({wall / ref_wall:.2f}x)  cpu {cpu:6.2f} s ({cpu / ref_cpu:.2f}x)  "
              f"peak {mb:5.0f} MB")
    print(machine())


if __name__ == "__main__":
    main()
