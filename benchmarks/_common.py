"""Shared by the benchmarks: child processes timed interleaved, and the old code's JSON as the
reference every optimisation must reproduce.

Timing: the machine is shared (2 cores, other work running), so absolute times are noise; each
benchmark times its reference and cctool alternately (ref, tool, ref, tool, ...) in the same
run, keeps the best wall time of each and prints their ratio. The CPU time of each child (user
+ system, all its threads) is kept too: on a loaded machine wall time is mostly waiting for a
core, and the CPU-time ratio is the steadier figure for single-threaded work.

Results: `baseline_json` runs the command with the code of `BASELINE_REV` (the source of that
git revision, extracted once with `git archive` into benchmarks/_data/baseline-<rev>/ and
imported from there: no stash, no checkout, the worktree is left alone) on the same inputs,
keeps its JSON in the data folder, and `compare_json` checks the new JSON is equal to it.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "_data"
# main as the speed work of issue 13 was last rebased onto: the results every optimisation must keep.
BASELINE_REV = "35d4460"


def run_measured(cmd: list[str], cwd: Path = ROOT) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process; fails loudly on a non-zero exit."""
    wall, mb, _ = run_timed(cmd, cwd)
    return wall, mb


def run_timed(cmd: list[str], cwd: Path = ROOT) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds (user + system) of one child process."""
    with tempfile.TemporaryFile() as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=cwd)
        # wait4 gives this child's own rusage (RUSAGE_CHILDREN would be the max over all runs).
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            log.seek(0)
            sys.exit(f"failed ({code}): {' '.join(cmd)}\n{log.read().decode(errors='replace')}")
    # ru_maxrss is KiB on Linux, bytes on macOS.
    kib = usage.ru_maxrss / 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return wall, kib / 1024, usage.ru_utime + usage.ru_stime


def interleaved(commands: dict[str, list[str]], repeat: int, cwd: Path = ROOT,
                cpu: dict[str, float] | None = None) -> dict[str, tuple[float, float]]:
    """Each command `repeat` times, in turns; per command the best wall time and the highest peak
    RSS (and, into `cpu` when given, the least CPU time)."""
    runs: dict[str, list[tuple[float, float, float]]] = {label: [] for label in commands}
    for i in range(repeat):
        for label, cmd in commands.items():
            wall, mb, cpu_s = run_timed(cmd, cwd)
            runs[label].append((wall, mb, cpu_s))
            print(f"  run {i + 1} {label:28s} {wall:7.2f} s  cpu {cpu_s:7.2f} s  peak {mb:6.0f} MB", flush=True)
    if cpu is not None:
        cpu.update({label: min(c for _, _, c in r) for label, r in runs.items()})
    return {label: (min(w for w, _, _ in r), max(m for _, m, _ in r)) for label, r in runs.items()}


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPU(s), Python {sys.version.split()[0]}, load average {load} (1/5/15 min)"


def cctool_command(*args: str) -> list[str]:
    """`python -m cctool ...`: run from ROOT it is this checkout's code, from a baseline tree that tree's."""
    return [sys.executable, "-m", "cctool", *args]


def baseline_tree(rev: str = BASELINE_REV) -> Path:
    """The source of `rev`, extracted once (git archive; nothing in the worktree changes)."""
    tree = DATA / f"baseline-{rev}"
    if (tree / "cctool" / "__init__.py").exists():
        return tree
    tree.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def baseline_json(name: str, data: Path, args_for, rev: str = BASELINE_REV) -> Path:
    """The JSON of `rev`'s code for this command and data set (made once, kept beside the data).
    `args_for(out_dir)` gives the cctool arguments writing their JSON to out_dir/<name>.json."""
    kept = data / f"baseline-{rev}-{name}.json"
    if kept.exists():
        return kept
    print(f"baseline: running {name} with the code of {rev} (once; kept as {kept.name})", flush=True)
    with tempfile.TemporaryDirectory(prefix="cctool-baseline-") as tmp:
        wall, _ = run_measured(cctool_command(*args_for(Path(tmp))), cwd=baseline_tree(rev))
        print(f"baseline: {wall:.2f} s", flush=True)
        (Path(tmp) / f"{name}.json").replace(kept)
    return kept


def compare_json(new: Path, old: Path) -> bool:
    """True when both JSON documents are equal; else prints where they first differ."""
    a, b = json.loads(new.read_text(encoding="utf-8")), json.loads(old.read_text(encoding="utf-8"))
    for doc in (a, b):  # where the packaged rules file lies differs by source tree; its SHA-256 is compared
        doc.pop("rules_file", None)
    if a == b:
        print(f"results: JSON identical to the baseline ({old.name})")
        return True
    print(f"results: JSON DIFFERS from the baseline ({old.name}): {_first_difference(a, b)}")
    return False


def _first_difference(a, b, where: str = "$") -> str:
    if type(a) is not type(b):
        return f"{where}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{where}.{key}: only in the {'new' if key in a else 'baseline'} JSON"
            if a[key] != b[key]:
                return _first_difference(a[key], b[key], f"{where}.{key}")
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} elements vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return _first_difference(x, y, f"{where}[{i}]")
    return f"{where}: {str(a)[:200]!r} vs {str(b)[:200]!r}"
