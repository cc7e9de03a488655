"""A symlink planted at a report's lock path must not truncate what it points to (the reason
for the filelock floor in pyproject.toml, issue 9 §9): the run stops with exit 5."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cctool.cli.main import app

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
runner = CliRunner()


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="POSIX symlinks")
def test_planted_lock_symlink_leaves_its_target_intact(tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me", encoding="utf-8")
    out = tmp_path / "hc.xlsx"
    os.symlink(precious, tmp_path / ".hc.xlsx.lock")
    result = runner.invoke(app, ["headcount", "--month", "2026-07", "--roster", str(SAMPLES / "roster.xlsx"),
                                 "--out", str(out)], catch_exceptions=False)
    assert precious.read_text(encoding="utf-8") == "keep me"
    assert result.exit_code == 5, result.output
    assert "cannot create the lock file" in result.output
    assert not out.exists()
