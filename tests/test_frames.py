"""cctool/frames.py's shortcuts give what the pandas calls they replace give."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import pandas as hpd

from cctool.frames import isin_set, map_distinct, rows

ids = st.sampled_from(["A1", "A2", "b", "熊军", "", " x "])
frames = hpd.data_frames([
    hpd.column("agent_id", elements=st.one_of(st.none(), ids), dtype=object),
    hpd.column("n", elements=st.integers(-5, 5), dtype="int64"),
    hpd.column("x", elements=st.floats(allow_nan=True, allow_infinity=False), dtype=float),
    hpd.column("flag", elements=st.one_of(st.none(), st.booleans(), st.just(np.True_), st.just(np.False_)),
               dtype=object),
    hpd.column("at", elements=st.one_of(st.none(), st.datetimes(min_value=pd.Timestamp("2000-01-01").to_pydatetime(),
                                                                max_value=pd.Timestamp("2100-01-01").to_pydatetime()))),
], index=hpd.range_indexes(max_size=15))


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with the dtypes the readers give: Arrow-backed text, nullable booleans, date-times."""
    return frame.assign(text=frame["agent_id"].astype("str"), at=pd.to_datetime(frame["at"]),
                        maybe=frame["flag"].astype("boolean"))


def same(a, b) -> bool:
    return type(a) is type(b) and (a == b or (pd.isna(a) and pd.isna(b)) if not isinstance(a, np.ndarray) else False)


@settings(max_examples=25)
@given(frames)
def test_rows_as_to_dict_records(frame):
    frame = typed(frame)
    old = [(i, r) for i, r in zip(frame.index, frame.to_dict("records"))]
    new = [(r.Index, {k: v for k, v in vars(r).items() if k != "Index"}) for r in rows(frame)]
    assert [i for i, _ in old] == [i for i, _ in new]
    for (_, a), (_, b) in zip(old, new):
        assert a.keys() == b.keys()
        for key in a:
            assert same(a[key], b[key]), (key, a[key], b[key])


def test_rows_without_columns():
    assert [r.Index for r in rows(pd.DataFrame(index=[3, 4]))] == [3, 4]


@settings(max_examples=25)
@given(frames, st.sets(ids))
def test_isin_set_as_isin(frame, members):
    for column in (frame["agent_id"], typed(frame)["text"]):
        assert isin_set(column, members).tolist() == column.isin(members).fillna(False).astype(bool).tolist()


@settings(max_examples=25)
@given(frames, st.dictionaries(ids, st.one_of(st.integers(0, 9), st.floats(0, 1))))
def test_map_distinct_as_map(frame, mapping):
    for column in (frame["agent_id"], typed(frame)["text"]):
        for how in (mapping, pd.Series(mapping, dtype="float64")):
            pd.testing.assert_series_equal(map_distinct(column, how), column.map(how))


def test_our_boxing_equals_pandas_where_pandas_has_it():
    """frames.box_native stands in for pandas' internal maybe_box_native if a later pandas moves it."""
    import numpy as np
    from pandas.core.dtypes.cast import maybe_box_native

    from cctool.frames import box_native

    samples = [np.float64(1.5), np.int64(3), np.bool_(True), np.bool_(False), np.datetime64("2026-07-01T09:00"),
               np.timedelta64(90, "s"), "text", None, 7, 2.5, pd.Timestamp("2026-07-01")]
    for value in samples:
        ours, theirs = box_native(value), maybe_box_native(value)
        assert type(ours) is type(theirs) and (ours is theirs or ours == theirs), value
    assert box_native(pd.NA) is None  # as pandas (2.2 and 3) box it
