"""Benchmark: `cctool attendance-audit` against the floor of any tool that writes such a report.

    python benchmarks/bench_attendance.py            # 10,000 agents, one month (~220,000 shifts)
    python benchmarks/bench_attendance.py --quick    # 1,000 agents
    python benchmarks/bench_attendance.py --agents 5000 --repeat 2

Generates a sample centre (calls=False) in the formats centres really send (Chinese-headed
roster/leave .xlsx, GB18030 punches CSV, UTF-8-with-BOM schedule CSV) into benchmarks/_data/
(reused while its marker file matches), then times, each in its own subprocess so peak memory
is per run:

  (a) reference: read the same files with plain pandas (calamine for .xlsx, the right
      encoding for each CSV) and write a one-row-per-agent workbook with to_excel/xlsxwriter;
  (b) `cctool attendance-audit` end to end with --leave --excusals --swaps, .xlsx and --json.

Each runs `--repeat` times; the best wall time and the highest peak RSS are reported.
Target (issue 3): (b) within 2x of (a), peak memory under 1 GB.
"""
from __future__ import annotations

import argparse
import hashlib
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
MONTH = "2026-10"
SEED = 7
MARKER = "complete.json"
TARGET_RATIO = 2.0
TARGET_MEMORY_MB = 1024


# ---------------------------------------------------------------------------- data

def _marker(agents: int) -> dict:
    """What the data set was made from: a changed generator makes it stale."""
    generator = ROOT / "cctool" / "samples" / "generate.py"
    return {"agents": agents, "month": MONTH, "seed": SEED, "sample_formats": True,
            "generator_sha256": hashlib.sha256(generator.read_bytes()).hexdigest()}


def ensure_data(agents: int) -> Path:
    out = DATA / f"agents-{agents}-{MONTH}"
    marker = _marker(agents)
    try:
        if json.loads((out / MARKER).read_text()) == marker:
            print(f"data: reusing {out.relative_to(ROOT)}")
            return out
    except (OSError, ValueError):
        pass
    sys.path.insert(0, str(ROOT))
    from cctool.samples.generate import generate_centre, write_centre

    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).unlink(missing_ok=True)
    centre = generate_centre(agents, MONTH, 1, SEED, calls=False)
    write_centre(centre, out, sample_formats=True)
    (out / MARKER).write_text(json.dumps(marker, indent=1))  # last: a half-written set is never reused
    print(f"data: generated {out.relative_to(ROOT)} in {time.perf_counter() - t0:.1f} s "
          f"({len(centre.schedule):,} shifts, {len(centre.punches):,} punch rows, {len(centre.leave):,} leave requests)")
    return out


# ---------------------------------------------------------------------------- (a) reference

def reference(data: Path, out: Path) -> None:
    """The floor: read every input the audit reads, count per agent, write one sheet."""
    import pandas as pd

    roster = pd.read_excel(data / "roster.xlsx", engine="calamine")
    pd.read_excel(data / "leave.xlsx", engine="calamine")
    schedule = pd.read_csv(data / "schedule.csv", encoding="utf-8-sig", dtype=str)
    punches = pd.read_csv(data / "punches.csv", encoding="gb18030", dtype=str)
    pd.read_csv(data / "excusals.csv", dtype=str)
    pd.read_csv(data / "swaps.csv", dtype=str)
    agent = roster.columns[0]  # 工号
    per_agent = pd.DataFrame({
        "scheduled_days": schedule.groupby(schedule.columns[0]).size(),
        "punch_rows": punches.groupby(punches.columns[0]).size(),
    })
    report = roster[[agent, roster.columns[1], roster.columns[2]]].astype({agent: str}).merge(
        per_agent, left_on=agent, right_index=True, how="left").fillna({"scheduled_days": 0, "punch_rows": 0})
    with pd.ExcelWriter(out, engine="xlsxwriter") as writer:
        report.to_excel(writer, sheet_name="Summary", index=False)


# ---------------------------------------------------------------------------- timing

def run_measured(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process; fails loudly on a non-zero exit."""
    with tempfile.TemporaryFile() as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        # wait4 gives this child's own rusage (RUSAGE_CHILDREN would be the max over all runs).
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            log.seek(0)
            sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{log.read().decode(errors='replace')}")
    # ru_maxrss is KiB on Linux, bytes on macOS.
    kib = usage.ru_maxrss / 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return wall, kib / 1024


def best_of(label: str, cmd: list[str], repeat: int) -> tuple[float, float]:
    runs = []
    for i in range(repeat):
        wall, mb = run_measured(cmd)
        print(f"  {label} run {i + 1}: {wall:6.2f} s  peak {mb:6.0f} MB", flush=True)
        runs.append((wall, mb))
    return min(w for w, _ in runs), max(m for _, m in runs)


def audit_command(data: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "cctool", "attendance-audit", "--month", MONTH,
            "--roster", str(data / "roster.xlsx"), "--schedule", str(data / "schedule.csv"),
            "--punches", str(data / "punches.csv"), "--leave", str(data / "leave.xlsx"),
            "--excusals", str(data / "excusals.csv"), "--swaps", str(data / "swaps.csv"),
            "--out", str(out / "audit.xlsx"), "--json", str(out / "audit.json")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="1,000 agents")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reference-only", metavar="DIR", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", metavar="XLSX", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reference_only:
        reference(args.reference_only, args.out)
        return

    agents = 1_000 if args.quick else args.agents
    data = ensure_data(agents)
    with tempfile.TemporaryDirectory(prefix="cctool-bench-") as tmp:
        out = Path(tmp)
        ref_cmd = [sys.executable, str(Path(__file__).resolve()), "--reference-only", str(data),
                   "--out", str(out / "reference.xlsx")]
        print(f"(a) reference: pandas read + one-row-per-agent workbook, best of {args.repeat}")
        ref_s, ref_mb = best_of("reference", ref_cmd, args.repeat)
        print(f"(b) cctool attendance-audit, best of {args.repeat}")
        cct_s, cct_mb = best_of("cctool", audit_command(data, out), args.repeat)

    ratio = cct_s / ref_s
    print()
    print(f"agents {agents:,}, month {MONTH}")
    print(f"(a) reference           {ref_s:6.2f} s   peak {ref_mb:6.0f} MB")
    print(f"(b) attendance-audit    {cct_s:6.2f} s   peak {cct_mb:6.0f} MB")
    print(f"ratio (b)/(a)           {ratio:6.2f}x   target <= {TARGET_RATIO:g}x: {'met' if ratio <= TARGET_RATIO else 'NOT met'}")
    print(f"peak memory (b)         {cct_mb:6.0f} MB  target < {TARGET_MEMORY_MB} MB: "
          f"{'met' if cct_mb < TARGET_MEMORY_MB else 'NOT met'}")


if __name__ == "__main__":
    main()
