"""Benchmark: `cctool monthly-payroll` against `cctool attendance-audit` on the same inputs.

    python benchmarks/bench_payroll.py                  # 20,000 agents, one month
    python benchmarks/bench_payroll.py --quick          # 2,000 agents
    python benchmarks/bench_payroll.py --agents 5000 --repeat 2

The payroll reuses the audit (one copy of the attendance rules), so the audit of the same month
is its floor; the pay step is what the ratio measures. Both read the sample centre of
bench_attendance (Chinese-headed .xlsx roster and leave, GB18030 punches, schedule, excusals);
the payroll also reads the KPI file. The two commands run interleaved, best of --repeat, each
in its own process. The payroll's JSON is compared with the one the code of the baseline
revision writes on the same inputs (benchmarks/_common.py): the figures must not change.
Target (issue 13): payroll within 1.3x of the audit.
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _common import BASELINE_REV, baseline_json, cctool_command, compare_json, interleaved, machine
from bench_attendance import MONTH, ensure_data

TARGET_RATIO = 1.3


def inputs(data: Path) -> list[str]:
    return ["--month", MONTH, "--roster", str(data / "roster.xlsx"), "--schedule", str(data / "schedule.csv"),
            "--punches", str(data / "punches.csv"), "--leave", str(data / "leave.xlsx"),
            "--excusals", str(data / "excusals.csv")]


def payroll_args(data: Path, out: Path) -> list[str]:
    return ["--quiet", "monthly-payroll", *inputs(data), "--kpi", str(data / "kpi.csv"),
            "--out", str(out / "payroll.xlsx"), "--json", str(out / "payroll.json")]


def audit_args(data: Path, out: Path) -> list[str]:
    return ["--quiet", "attendance-audit", *inputs(data), "--out", str(out / "audit.xlsx"),
            "--json", str(out / "audit.json")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="2,000 agents")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", default=BASELINE_REV,
                        help="git revision whose JSON is the reference ('none': no comparison)")
    args = parser.parse_args()
    agents = 2_000 if args.quick else args.agents
    data = ensure_data(agents)
    old = None if args.baseline == "none" else \
        baseline_json("payroll", data, lambda out: payroll_args(data, out), args.baseline)
    print(machine())
    with tempfile.TemporaryDirectory(prefix="cctool-bench-") as tmp:
        out = Path(tmp)
        cpu: dict[str, float] = {}
        best = interleaved({"attendance-audit": cctool_command(*audit_args(data, out)),
                            "monthly-payroll": cctool_command(*payroll_args(data, out))}, args.repeat, cpu=cpu)
        same = True if old is None else compare_json(out / "payroll.json", old)
    (audit_s, audit_mb), (pay_s, pay_mb) = best["attendance-audit"], best["monthly-payroll"]
    ratio = pay_s / audit_s
    print()
    print(f"agents {agents:,}, month {MONTH}; best of {args.repeat}")
    print(f"(a) attendance-audit    {audit_s:7.2f} s   peak {audit_mb:6.0f} MB")
    print(f"(b) monthly-payroll     {pay_s:7.2f} s   peak {pay_mb:6.0f} MB")
    print(f"ratio (b)/(a)           {ratio:7.2f}x  target <= {TARGET_RATIO:g}x: {'met' if ratio <= TARGET_RATIO else 'NOT met'}")
    a_cpu, b_cpu = cpu["attendance-audit"], cpu["monthly-payroll"]
    print(f"CPU time (a) {a_cpu:.2f} s, (b) {b_cpu:.2f} s: ratio {b_cpu / a_cpu:.2f}x (steadier on a loaded machine)")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
