"""Small DataFrame helpers shared by every layer."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Iterator

import pandas as pd


def rows(frame: pd.DataFrame) -> Iterator[SimpleNamespace]:
    """Rows as attribute objects that keep every column name (itertuples renames `_row`).
    For small frames only (leave requests, issue lists), never for call logs or shifts."""
    for index, record in zip(frame.index, frame.to_dict("records")):
        yield SimpleNamespace(Index=index, **record)
