"""The writer's column-at-a-time shortcuts give what the cell-by-cell code gave: `records` (the
JSON rows) against pandas' `to_dict`, `_display_widths` against `_display_width` per text."""
from __future__ import annotations

import json
from decimal import Decimal

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import pandas as hpd

import cctool.report.writer as writer
from tests.report.test_fast_sheet import every_kind


def records_cell_by_cell(frame: pd.DataFrame) -> list[dict]:
    """What `records` was before it went column by column."""
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")


def as_json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, default=writer._json_default)


def test_records_every_kind_of_column():
    frame = every_kind().replace([np.inf, -np.inf], np.nan)  # the JSON refuses infinities either way
    assert as_json(writer.records(frame)) == as_json(records_cell_by_cell(frame))


def test_records_edges():
    empty = pd.DataFrame({"a": pd.Series([], dtype="str"), "b": pd.Series([], dtype="float64")})
    assert writer.records(empty) == []
    assert writer.records(pd.DataFrame(index=range(2))) == [{}, {}]
    stamps = pd.DataFrame({"at": pd.to_datetime(["2026-10-01", "2026-10-01 00:00:00.5", "2026-10-01 23:59:59.999",
                                                 None, "2026-10-01 00:00:00.0000001"], format="ISO8601")})
    assert as_json(writer.records(stamps)) == as_json(records_cell_by_cell(stamps))
    all_missing = pd.DataFrame({"x": [np.nan, np.nan], "s": pd.Series([None, None], dtype="str"),
                                "d": pd.Series([pd.NaT, pd.NaT], dtype="datetime64[ns]")})
    assert writer.records(all_missing) == [{"x": None, "s": None, "d": None}] * 2


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
stamps = st.datetimes(min_value=pd.Timestamp("1970-01-02").to_pydatetime(),
                      max_value=pd.Timestamp("2200-01-01").to_pydatetime())
frames = hpd.data_frames([
    hpd.column("text", elements=st.one_of(st.none(), texts), dtype=object),
    hpd.column("number", elements=st.floats(allow_infinity=False), dtype=float),
    hpd.column("count", elements=st.integers(-2**53, 2**53), dtype="int64"),
    hpd.column("flag", elements=st.booleans(), dtype=bool),
    hpd.column("at", elements=st.one_of(st.none(), stamps, stamps.map(lambda d: d.replace(hour=0, minute=0,
                                                                                               second=0, microsecond=0)))),
    hpd.column("amount", elements=st.one_of(st.none(), st.decimals(allow_nan=False, allow_infinity=False,
                                                                   places=2, max_value=10**9, min_value=-10**9))),
], index=hpd.range_indexes(max_size=20))


@settings(max_examples=25)
@given(frames)
def test_records_as_pandas_would(frame):
    frame = frame.assign(string=frame["text"].astype("str"), at=pd.to_datetime(frame["at"]))
    assert as_json(writer.records(frame)) == as_json(records_cell_by_cell(frame))


@settings(max_examples=25)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",))), max_size=30))
def test_display_widths_as_one_by_one(values):
    values = values + ["熊军 客服一组", "ａｂｃ", "😀 emoji", "plain"]
    assert writer._display_widths(values).tolist() == [writer._display_width(v) for v in values]


def test_rows_in_chunks_are_the_rows_at_once(tmp_path, monkeypatch):
    """Rows are made into XML a chunk at a time (memory); the sheet's XML is the same byte for byte
    whatever the chunk size: blank rows across chunk ends, wrapped rows' heights, "n/a" cells."""
    import zipfile

    from tests.report.test_fast_sheet import run_info

    n = 23
    frame = pd.DataFrame({
        "agent_id": [f"E{i:03d}" if i % 4 else None for i in range(n)],
        "minutes": [np.nan if i % 3 == 0 else i / 7 for i in range(n)],
        "explanation": [("long reason " * 20) if i % 5 == 0 else None for i in range(n)],
        "attention": pd.array([None if i % 4 == 0 else i % 2 == 0 for i in range(n)], dtype="boolean"),
        "day": pd.Series([pd.Timestamp("2026-10-01") + pd.Timedelta(days=i) if i % 4 else pd.NaT for i in range(n)]),
    })
    frame.loc[[0, 8, 12, 20], :] = None  # whole blank rows, one at a chunk's start and some at the end
    frame.loc[21:, :] = None
    sheets = [writer.Sheet("Events", frame, highlight="attention", note="n", not_applicable=("minutes",))]
    xml = {}
    for chunk in (4, 7, 10_000):
        monkeypatch.setattr(writer, "ROW_CHUNK", chunk)
        path = tmp_path / f"r{chunk}.xlsx"
        writer.write_workbook(path, sheets, run_info(), [])
        with zipfile.ZipFile(path) as z:
            xml[chunk] = z.read("xl/worksheets/sheet1.xml")
    assert xml[4] == xml[10_000] and xml[7] == xml[10_000]
    assert b'customHeight="1"' in xml[4]


def test_json_in_chunks_is_the_json_at_once(monkeypatch):
    """Lists are encoded a chunk of elements at a time (memory); the document is the same
    whatever the chunk size, and still one element a line."""
    payload = {"command": "attendance-audit", "records": [{"agent_id": f"E{i}", "n": i, "at": pd.Timestamp("2026-10-01")}
                                                          for i in range(11)],
               "empty": [], "teams": ({"team": "熊 一组"},), "issues": [{"row": 2, "value": "x\x00y"}]}
    texts = {}
    for chunk in (1, 3, 4, 10_000):
        monkeypatch.setattr(writer, "JSON_CHUNK", chunk)
        texts[chunk] = writer._json_text(payload)
    assert texts[1] == texts[3] == texts[4] == texts[10_000]
    assert json.loads(texts[1])["records"][10] == {"agent_id": "E10", "n": 10, "at": "2026-10-01"}
    assert texts[1].count("\n  {") == 11 + 1 + 1
