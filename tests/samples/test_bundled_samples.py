"""The generator, not a hand-edited copy, is the source of truth for samples/: regenerating
with the CLI's defaults must give the same files."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
from typer.testing import CliRunner

from cctool.cli.main import app

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def cells(path: Path) -> list[tuple]:
    return list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))


def test_samples_folder_is_what_the_generator_writes(tmp_path):
    result = CliRunner().invoke(app, ["--quiet", "samples", "generate", "--out", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    bundled = sorted(p.name for p in SAMPLES.iterdir() if p.is_file() and not p.name.startswith("."))
    assert sorted(p.name for p in tmp_path.iterdir()) == bundled
    for name in bundled:
        fresh, kept = tmp_path / name, SAMPLES / name
        if name.endswith(".csv"):
            assert fresh.read_bytes() == kept.read_bytes(), name
        elif name.endswith(".xlsx"):
            assert cells(fresh) == cells(kept), name
        else:  # parquet: compare the data, not the writer's metadata bytes
            pd.testing.assert_frame_equal(pd.read_parquet(fresh), pd.read_parquet(kept))
    assert sum(p.stat().st_size for p in SAMPLES.iterdir()) < 5_000_000  # a few MB in all
