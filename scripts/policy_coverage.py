#!/usr/bin/env python3
"""List the rule IDs of POLICY.md and where the project mentions each: in rules/ (its
YAML), in cctool/ (its code) and in tests/. Run from the project root:

    python3 scripts/policy_coverage.py          # table of every ID
    python3 scripts/policy_coverage.py --missing  # only IDs absent somewhere

Exit status 0 always: this is a map, not a gate.
"""
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
POLICY = HERE.parent / "docs" / "POLICY.md"
ID = re.compile(r"\b(?:GRD|ATT|LV|PAY|RPT)-[A-Z0-9]+(?:-[A-Z0-9]+)*\b")


def ids_in(folder, patterns):
    found = set()
    root = Path(folder)
    if not root.exists():
        return found
    for pat in patterns:
        for f in root.rglob(pat):
            try:
                found |= set(ID.findall(f.read_text(encoding="utf-8", errors="ignore")))
            except OSError:
                pass
    return found


def main():
    wanted = sorted(set(ID.findall(POLICY.read_text(encoding="utf-8"))), key=lambda s: (s.split("-")[0], s))
    places = {
        "rules": ids_in("rules", ["*.yaml", "*.yml"]),
        "code": ids_in("cctool", ["*.py"]),
        "tests": ids_in("tests", ["*.py", "*.yaml", "*.yml", "*.csv"]),
    }
    only_missing = "--missing" in sys.argv
    print(f"{'rule id':<20} rules  code  tests")
    complete = 0
    for rid in wanted:
        marks = ["yes" if rid in places[p] else "--" for p in places]
        if all(m == "yes" for m in marks):
            complete += 1
            if only_missing:
                continue
        print(f"{rid:<20} {marks[0]:<6} {marks[1]:<5} {marks[2]}")
    print(f"{complete}/{len(wanted)} rule IDs appear in rules/, cctool/ and tests/")


main()
