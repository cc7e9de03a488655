"""Each distinct cell is read once and spread back (`readers._coerce`): the values and the
unreadable-cell masks must be those of reading every cell on its own (`readers._coerce_cells`),
for Excel's object columns (cells of any type: 1, 1.0 and True differ) and CSV's text columns;
and a bad cell still becomes an Issue naming file, row, column and value."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cctool.io import readers
from cctool.io.tables import TABLES


def column(table: str, name: str):
    return TABLES[table].column(name)


KINDS = [column("roster", "agent_id"), column("roster", "role"), column("roster", "hire_date"),
         column("roster", "new_hire_exam_passed"), column("schedule", "shift_start"), column("punches", "sign_in"),
         column("punch_events", "time"), column("leave", "start"), column("leave", "days"),
         column("leave", "approvals"), column("kpi", "month")]

words = st.sampled_from(["", " ", "1", "1.0", "0", "yes", "是", "否", "agent", "Team_Lead", "2026-10-01",
                         "2026/10/01 09:00", "09:00", "9:05:30", "25:00", "45931", "0.375", "A1; B2",
                         "2026-10", "2026年10月", "x", "-0", "01/02/2026"])
cells = st.one_of(
    st.none(), st.just(np.nan), words, st.integers(-3, 50000), st.floats(-2, 50000, allow_nan=False),
    st.booleans(), st.just(-0.0), st.just(0.0),
    st.datetimes(min_value=dt.datetime(1899, 12, 30), max_value=dt.datetime(2030, 1, 1)),
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 1, 1)),
    st.times(),
)


def assert_same(fast, careful):
    (values, bad), (values_1, bad_1) = fast, careful
    assert bad.tolist() == bad_1.tolist()
    if isinstance(values, pd.DataFrame):
        pd.testing.assert_frame_equal(values, values_1, check_index_type=False)
    else:
        pd.testing.assert_series_equal(values, values_1, check_index_type=False, check_names=False)


@settings(max_examples=40)
@given(st.lists(cells, max_size=25), st.sampled_from(KINDS))
def test_object_column_read_once_per_distinct_cell(values, col):
    raw = pd.Series(values, dtype=object)
    assert_same(readers._coerce(raw, col), readers._coerce_cells(raw, col))


@settings(max_examples=40)
@given(st.lists(st.one_of(st.none(), words), max_size=25), st.sampled_from(KINDS))
def test_text_column_read_once_per_distinct_value(values, col):
    raw = pd.Series(values, dtype="str")
    assert_same(readers._coerce(raw, col), readers._coerce_cells(raw, col))


def test_distinct_cells_keep_types_apart():
    raw = pd.Series([1, 1.0, True, "1", None, np.nan, -0.0, 0.0, 1, None], dtype=object)
    codes, distinct = readers._distinct_cells(raw)
    assert codes.tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 0, 4]
    assert [type(v) for v in distinct] == [int, float, bool, str, type(None), float, float, float]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_bad_cells_still_named(tmp_path, suffix):
    frame = pd.DataFrame({"agent_id": ["A1", "A2", "A3", "A4"], "date": ["2026-10-01", "2026-13-01", "2026-10-02", "2026-13-01"],
                          "shift_start": ["09:00", "09:00", "nine", "09:00"], "shift_end": ["18:00"] * 4})
    path = tmp_path / f"schedule{suffix}"
    frame.to_csv(path, index=False) if suffix == ".csv" else frame.to_excel(path, index=False)
    loaded = readers.read_table(path, "schedule")
    found = sorted((i.row, i.column, i.value) for i in loaded.issues)
    assert found == [(3, "date", "2026-13-01"), (4, "shift_start", "nine"), (5, "date", "2026-13-01")]
    assert loaded.frame["agent_id"].tolist() == ["A1"]


def test_time_column_with_a_fractional_datetime_and_a_time_cell():
    """Found by the property above: a date-time cell with microseconds beside a time cell made the
    time reading raise a TypeError (exit 1) under pandas 3; both are now read."""
    raw = pd.Series([dt.datetime(2000, 1, 1, 9, 30, 0, 1), dt.time(8, 0)], dtype=object)
    values, bad = readers._coerce(raw, column("schedule", "shift_start"))
    assert values.tolist() == [9 * 3600 + 30 * 60, 8 * 3600] and not bad.any()


def test_a_month_past_2262_is_unreadable_not_a_crash():
    # Found by the property test above: "45931" reads as %Y%m 4593-01, which pandas 3 keeps at a
    # coarser unit than the nanosecond column it was put into (OutOfBoundsDatetime, exit 1).
    from cctool.io.coerce import to_month

    values, bad = to_month(pd.Series(["45931", "2026-07"]))
    assert values.isna().tolist() == [True, False] and bad.tolist() == [True, False]
