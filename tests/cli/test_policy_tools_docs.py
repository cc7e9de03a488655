"""The new policy tools are in the README's command table."""
from pathlib import Path

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_each_policy_tool_is_in_the_command_table():
    table = [ln for ln in README.splitlines() if ln.startswith("| `cctool ")]
    for command in ("cctool simulate", "cctool explain", "cctool rules lint", "cctool rules test",
                    "cctool rules show [FILE\\|DIR] [--on"):
        assert any(command in ln for ln in table), command
