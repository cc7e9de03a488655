"""Benchmark: `cctool attendance-audit` against the floor of any tool that writes such a report.

    python benchmarks/bench_attendance.py            # 10,000 agents, one month (~220,000 shifts)
    python benchmarks/bench_attendance.py --quick    # 1,000 agents
    python benchmarks/bench_attendance.py --agents 5000 --repeat 2
    python benchmarks/bench_attendance.py --csv         # every input an English-header UTF-8 CSV

Generates a sample centre (calls=False) in the formats centres really send (Chinese-headed
roster/leave .xlsx, GB18030 punches CSV, UTF-8-with-BOM schedule CSV; with --csv every table
an English-header UTF-8 CSV) into benchmarks/_data/ (reused while its marker file matches),
then times, interleaved, each in its own subprocess so peak memory is per run:

  (a) reference: read the same files with plain pandas (calamine for .xlsx, the right
      encoding for each CSV) and write a one-row-per-agent workbook with to_excel/xlsxwriter;
  (b) `cctool attendance-audit` end to end with --leave --excusals --swaps, .xlsx and --json.

Each runs `--repeat` times in turns; the best wall time and the highest peak RSS are reported,
with the seconds per 1,000 agents (flat when time grows linearly). (b)'s JSON is compared with
the one the code of the baseline revision writes on the same files (benchmarks/_common.py).
Targets (issue 13): (b) within 1.5x of (a) on CSV inputs, 2x on .xlsx + GB18030 inputs; peak
memory under 2 GB at 100,000 agents.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

from _common import BASELINE_REV, DATA, ROOT, baseline_json, cctool_command, compare_json, interleaved, machine

MONTH = "2026-10"
SEED = 7
MARKER = "complete.json"
TARGET_RATIO = {"sample": 2.0, "csv": 1.5}
TARGET_MEMORY_MB = 2048


# ---------------------------------------------------------------------------- data

def _marker(agents: int, sample_formats: bool) -> dict:
    """What the data set was made from: a changed generator makes it stale."""
    generator = ROOT / "cctool" / "samples" / "generate.py"
    return {"agents": agents, "month": MONTH, "seed": SEED, "sample_formats": sample_formats,
            "generator_sha256": hashlib.sha256(generator.read_bytes()).hexdigest()}


def ensure_data(agents: int, sample_formats: bool = True) -> Path:
    out = DATA / f"agents-{agents}-{MONTH}{'' if sample_formats else '-csv'}"
    marker = _marker(agents, sample_formats)
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
    for kept in out.glob("baseline-*.json"):  # a baseline's JSON belongs to the data it was run on
        kept.unlink()
    centre = generate_centre(agents, MONTH, 1, SEED, calls=False)
    write_centre(centre, out, sample_formats=sample_formats)
    (out / MARKER).write_text(json.dumps(marker, indent=1))  # last: a half-written set is never reused
    print(f"data: generated {out.relative_to(ROOT)} in {time.perf_counter() - t0:.1f} s "
          f"({len(centre.schedule):,} shifts, {len(centre.punches):,} punch rows, {len(centre.leave):,} leave requests)")
    return out


# ---------------------------------------------------------------------------- (a) reference

def reference(data: Path, out: Path) -> None:
    """The floor: read every input the audit reads, count per agent, write one sheet."""
    import pandas as pd

    sample = (data / "roster.xlsx").exists()
    if sample:
        roster = pd.read_excel(data / "roster.xlsx", engine="calamine")
        pd.read_excel(data / "leave.xlsx", engine="calamine")
    else:
        roster = pd.read_csv(data / "roster.csv", dtype=str)
        pd.read_csv(data / "leave.csv", dtype=str)
    schedule = pd.read_csv(data / "schedule.csv", encoding="utf-8-sig" if sample else "utf-8", dtype=str)
    punches = pd.read_csv(data / "punches.csv", encoding="gb18030" if sample else "utf-8", dtype=str)
    pd.read_csv(data / "excusals.csv", dtype=str)
    pd.read_csv(data / "swaps.csv", dtype=str)
    agent = roster.columns[0]  # 工号 / agent_id
    per_agent = pd.DataFrame({
        "scheduled_days": schedule.groupby(schedule.columns[0]).size(),
        "punch_rows": punches.groupby(punches.columns[0]).size(),
    })
    report = roster[[agent, roster.columns[1], roster.columns[2]]].astype({agent: str}).merge(
        per_agent, left_on=agent, right_index=True, how="left").fillna({"scheduled_days": 0, "punch_rows": 0})
    with pd.ExcelWriter(out, engine="xlsxwriter") as writer:
        report.to_excel(writer, sheet_name="Summary", index=False)


# ---------------------------------------------------------------------------- timing

def audit_args(data: Path, out: Path) -> list[str]:
    book = ".xlsx" if (data / "roster.xlsx").exists() else ".csv"
    return ["--quiet", "attendance-audit", "--month", MONTH,
            "--roster", str(data / f"roster{book}"), "--schedule", str(data / "schedule.csv"),
            "--punches", str(data / "punches.csv"), "--leave", str(data / f"leave{book}"),
            "--excusals", str(data / "excusals.csv"), "--swaps", str(data / "swaps.csv"),
            "--out", str(out / "audit.xlsx"), "--json", str(out / "audit.json")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="1,000 agents")
    parser.add_argument("--csv", action="store_true", help="every input an English-header UTF-8 CSV")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", default=BASELINE_REV,
                        help="git revision whose JSON is the reference ('none': no comparison)")
    parser.add_argument("--reference-only", metavar="DIR", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", metavar="XLSX", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reference_only:
        reference(args.reference_only, args.out)
        return

    agents = 1_000 if args.quick else args.agents
    formats = "csv" if args.csv else "sample"
    data = ensure_data(agents, sample_formats=not args.csv)
    old = None if args.baseline == "none" else \
        baseline_json("audit", data, lambda out: audit_args(data, out), args.baseline)
    print(machine())
    with tempfile.TemporaryDirectory(prefix="cctool-bench-") as tmp:
        out = Path(tmp)
        ref_cmd = [sys.executable, str(Path(__file__).resolve()), "--reference-only", str(data),
                   "--out", str(out / "reference.xlsx")]
        cpu: dict[str, float] = {}
        best = interleaved({"(a) reference": ref_cmd, "(b) attendance-audit": cctool_command(*audit_args(data, out))},
                           args.repeat, cpu=cpu)
        same = True if old is None else compare_json(out / "audit.json", old)
    (ref_s, ref_mb), (cct_s, cct_mb) = best["(a) reference"], best["(b) attendance-audit"]
    ratio = cct_s / ref_s
    target = TARGET_RATIO[formats]
    print()
    print(f"agents {agents:,}, month {MONTH}, inputs: "
          f"{'English-header UTF-8 CSV' if args.csv else '.xlsx (Chinese headers) + GB18030 / UTF-8-BOM CSV'}; "
          f"best of {args.repeat}")
    print(f"(a) reference           {ref_s:6.2f} s   peak {ref_mb:6.0f} MB")
    print(f"(b) attendance-audit    {cct_s:6.2f} s   peak {cct_mb:6.0f} MB   "
          f"{cct_s / agents * 1000:.3f} s per 1,000 agents")
    print(f"ratio (b)/(a)           {ratio:6.2f}x   target <= {target:g}x: {'met' if ratio <= target else 'NOT met'}")
    a_cpu, b_cpu = cpu["(a) reference"], cpu["(b) attendance-audit"]
    print(f"CPU time (a) {a_cpu:.2f} s, (b) {b_cpu:.2f} s: ratio {b_cpu / a_cpu:.2f}x (steadier on a loaded machine); "
          f"(b) {b_cpu / agents * 1000:.3f} CPU s per 1,000 agents")
    print(f"peak memory (b)         {cct_mb:6.0f} MB  target < {TARGET_MEMORY_MB} MB: "
          f"{'met' if cct_mb < TARGET_MEMORY_MB else 'NOT met'}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
