"""`cctool --help` and `--version` stay fast (issue 13: < 0.3 s) because building the CLI
imports no data library: pandas, DuckDB, XlsxWriter, pydantic and rich load only inside the
command that runs. Checked by what is imported, not by a clock (the machine is shared)."""
from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "numpy", "duckdb", "xlsxwriter", "openpyxl", "pyarrow", "pydantic", "rich", "yaml")

# Runs an app with the arguments given, then prints which of HEAVY it loaded.
PROBE = """
import sys
sys.argv = ["cctool", *sys.argv[1:]]
APP
try:
    app()
except SystemExit:
    pass
print("LOADED:" + ",".join(sorted({m.split(".")[0] for m in sys.modules} & HEAVY_NAMES)))
"""
CCTOOL = "from cctool.cli.main import run as app"
# A bare typer app shaped like cctool's: no rich markup, a callback option with a range.
TYPER_ALONE = """
import typer
app = typer.Typer(rich_markup_mode=None)
@app.callback()
def main(wait: float = typer.Option(None, "--wait", min=0)): pass
@app.command()
def hello(name: str = "x"): pass
"""


def _loaded(app: str, *args: str) -> tuple[set[str], str]:
    code = PROBE.replace("APP", app).replace("HEAVY_NAMES", repr(set(HEAVY)))
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    line = done.stdout.strip().splitlines()[-1]
    assert line.startswith("LOADED:"), done.stdout
    return set(filter(None, line[len("LOADED:"):].split(","))), done.stdout


def _typer_itself(*args: str) -> set[str]:
    """What typer loads by itself for the same request (rich for a help page with a range in
    typer 0.20; pydantic for a command's help in newer typer): not ours to avoid."""
    return _loaded(TYPER_ALONE, *args)[0]


def test_version_imports_no_data_library():
    loaded, out = _loaded(CCTOOL, "--version")
    assert "cctool " in out
    assert loaded == set()


def test_help_imports_no_data_library():
    loaded, out = _loaded(CCTOOL, "--help")
    assert "attendance-audit" in out and "monthly-payroll" in out
    assert loaded - _typer_itself("--help") == set()


def test_command_help_imports_no_data_library():
    for args in (["attendance-audit", "--help"], ["rules", "show", "--help"], ["grade-agents", "-h"]):
        loaded, out = _loaded(CCTOOL, *args)
        assert "Usage:" in out, args
        assert loaded - _typer_itself("hello", "--help") == set(), args


def test_punch_formats_named_in_the_cli_are_the_layouts():
    from cctool.cli.conventions import PUNCH_FORMATS as named
    from cctool.io.layouts import PUNCH_FORMATS

    assert named == PUNCH_FORMATS
