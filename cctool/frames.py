"""Small DataFrame helpers shared by every layer."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Iterator

import pandas as pd

# The unit of staff whose roster row has no team (director, QA, trainers…: DATA.md roster).
# Shown where people are counted or paid by team; never a team in team rates or rankings.
NO_TEAM = "(no team)"


def team_or_none(team: pd.Series) -> pd.Series:
    """`team` with blanks labelled NO_TEAM, for groupings that must count everyone."""
    return team.astype(object).where(team.notna(), NO_TEAM)


def rows(frame: pd.DataFrame) -> Iterator[SimpleNamespace]:
    """Rows as attribute objects that keep every column name (itertuples renames `_row`).
    For small frames only (leave requests, issue lists), never for call logs or shifts."""
    for index, record in zip(frame.index, frame.to_dict("records")):
        yield SimpleNamespace(Index=index, **record)
