"""Small DataFrame helpers shared by every layer."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Iterator

import numpy as np
import pandas as pd



def box_native(value):
    """A numpy scalar as the Python scalar `to_dict` gives (float, int, bool; datetime64 and
    timedelta64 as Timestamp and Timedelta; NA as None, as pandas does); anything else
    unchanged. pandas' own `maybe_box_native` where it exists (2.2 to 3.x), this where a later
    pandas moves it."""
    if value is pd.NA:
        return None
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value)
    if isinstance(value, np.timedelta64):
        return pd.Timedelta(value)
    return value.item() if isinstance(value, np.generic) else value


try:
    from pandas.core.dtypes.cast import maybe_box_native
except ImportError:  # pragma: no cover - a pandas without the internal name
    maybe_box_native = box_native

# The unit of staff whose roster row has no team (director, QA, trainers…: DATA.md roster).
# Shown where people are counted or paid by team; never a team in team rates or rankings.
NO_TEAM = "(no team)"


def team_or_none(team: pd.Series) -> pd.Series:
    """`team` with blanks labelled NO_TEAM, for groupings that must count everyone."""
    return team.astype(object).where(team.notna(), NO_TEAM)


def rows(frame: pd.DataFrame) -> Iterator[SimpleNamespace]:
    """Rows as attribute objects that keep every column name (itertuples renames `_row`).
    For small frames only (leave requests, issue lists), never for call logs or shifts."""
    names = list(frame.columns)
    if not names:
        for index in frame.index:
            yield SimpleNamespace(Index=index)
        return
    # Column by column, as `to_dict("records")` gives them (Python scalars, Timestamps, NA as the
    # column holds it) without boxing every cell through pandas: ~0.07 s per 1,000 rows less.
    columns = [_python_values(frame.iloc[:, j]) for j in range(len(names))]
    for index, values in zip(frame.index, zip(*columns)):
        yield SimpleNamespace(Index=index, **dict(zip(names, values)))


def _python_values(column: pd.Series) -> list:
    """The column's cells as `to_dict("records")` gives them: object and extension columns (nullable
    booleans, Arrow text) through pandas' own `maybe_box_native` (numpy scalars made Python ones,
    so `x is True` holds for a numpy True read from a workbook; NA as that pandas version gives it)."""
    values = column.tolist()
    if column.dtype == object or not isinstance(column.dtype, np.dtype):
        values = list(map(maybe_box_native, values))
    return values


def isin_set(values: pd.Series, members) -> pd.Series:
    """`values.isin(members)` for a large set of members (a roster's agent ids): each distinct
    value is looked up once. pandas' Arrow-string `isin` builds an Arrow scalar per member in
    Python, ~0.1 s per call for 10,000 ids, and the audit asks it for every table it reads.
    Missing values are never members."""
    members = members if isinstance(members, (set, frozenset, dict)) else set(members)
    codes, uniques = pd.factorize(values)
    found = np.fromiter((u in members for u in uniques.tolist()), dtype=bool, count=len(uniques))
    hit = np.append(found, False)[codes]  # code -1 (missing) takes the appended False
    return pd.Series(hit, index=values.index)


def map_distinct(keys: pd.Series, mapping) -> pd.Series:
    """`keys.map(mapping)` (a dict or a Series indexed by key), each distinct key mapped once:
    a month's shifts repeat 10,000 agent ids and a handful of kinds, and pandas maps an Arrow
    string column through an object copy of every cell. Same values and dtype as `map`."""
    return DistinctKeys(keys).map(mapping)


class DistinctKeys:
    """A key column factorized once, for several `map_distinct` lookups (a shift's agent: hire
    date, exit date, name, team)."""

    def __init__(self, keys: pd.Series):
        self.keys = keys
        self.codes, uniques = pd.factorize(keys, use_na_sentinel=False)
        self.uniques = pd.Series(uniques, dtype=keys.dtype)

    def map(self, mapping) -> pd.Series:
        return self.uniques.map(mapping).take(self.codes).set_axis(self.keys.index).rename(self.keys.name)

    def where(self, mask: pd.Series) -> "DistinctKeys":
        """The keys of the rows where `mask` holds, without factorizing again."""
        keep = mask.to_numpy(dtype=bool)
        subset = object.__new__(DistinctKeys)
        subset.keys, subset.codes, subset.uniques = self.keys[keep], self.codes[keep], self.uniques
        return subset


def value_set(column: pd.Series) -> set:
    """`set(column)` from its distinct values: iterating an Arrow string column boxes every cell
    (~2 µs each, 0.4 s for a month of shifts)."""
    return set(pd.unique(column).tolist())
