"""The engine tests' centre: a small generated centre with bad rows (`engine_centre.bad_rows`)."""
from __future__ import annotations

import pandas as pd
import pytest

from cctool.samples.generate import generate_centre, write_calls, write_centre
from engine_centre import bad_rows


@pytest.fixture(scope="session")
def centre_files(tmp_path_factory):
    """6 agents over 2026Q3: the centre's files, calls.csv with bad rows, and calls.parquet."""
    folder = tmp_path_factory.mktemp("engine-centre")
    centre = generate_centre(6, "2026-07", 3, seed=5)
    paths = write_centre(centre, folder)
    clean = write_calls(centre, folder / "clean.csv", "csv")
    calls = pd.read_csv(clean, dtype=str, keep_default_na=False)
    with_bad = pd.concat([calls, bad_rows(calls)], ignore_index=True)
    with_bad.to_csv(folder / "calls.csv", index=False)
    paths["calls"] = folder / "calls.csv"
    paths["calls_parquet"] = write_calls(centre, folder / "calls.parquet", "parquet")
    return folder, paths
