"""Benchmark: how long `cctool --version` and `cctool --help` take in a fresh process.

    python benchmarks/bench_startup.py [--repeat 10]

Times, interleaved and best of --repeat, each a fresh `python -m cctool ...`:
this checkout's code, the code of the baseline revision (benchmarks/_common.py: extracted with
git archive, imported from there), and two floors: `python -c pass` (the interpreter) and
`python -c "import typer"` (the CLI library every command line needs). Also checks both print
the same text as the baseline. Target (issue 13): < 0.3 s; on a loaded machine compare with
the floors printed beside it.
"""
from __future__ import annotations

import argparse
import subprocess
import sys

from _common import BASELINE_REV, ROOT, baseline_tree, cctool_command, machine, run_measured

TARGET_S = 0.3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--baseline", default=BASELINE_REV, help="git revision to compare with")
    args = parser.parse_args()
    old_tree = baseline_tree(args.baseline)
    print(machine())
    runs = {  # label: (command, folder it runs in)
        "python -c pass": ([sys.executable, "-c", "pass"], ROOT),
        "python -c 'import typer'": ([sys.executable, "-c", "import typer"], ROOT),
        "cctool --version": (cctool_command("--version"), ROOT),
        f"cctool --version ({args.baseline})": (cctool_command("--version"), old_tree),
        "cctool --help": (cctool_command("--help"), ROOT),
        f"cctool --help ({args.baseline})": (cctool_command("--help"), old_tree),
    }
    for flag in ("--version", "--help"):
        new, old = (subprocess.run(cctool_command(flag), cwd=cwd, capture_output=True, text=True).stdout
                    for cwd in (ROOT, old_tree))
        print(f"{flag}: output {'identical to' if new == old else 'DIFFERS from'} {args.baseline}'s")
    best = {label: float("inf") for label in runs}
    for _ in range(args.repeat):
        for label, (cmd, cwd) in runs.items():
            best[label] = min(best[label], run_measured(cmd, cwd)[0])
    print(f"\nbest of {args.repeat}, each a fresh process:")
    for label, seconds in best.items():
        verdict = ""
        if label in ("cctool --version", "cctool --help"):
            verdict = f"   target < {TARGET_S} s: {'met' if seconds < TARGET_S else 'NOT met'}"
        print(f"  {label:34s} {seconds:6.3f} s{verdict}")


if __name__ == "__main__":
    main()
