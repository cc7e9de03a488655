"""The workbook guard's sheet extent from distinct references equals the cell-by-cell maximum."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cctool.io import xlsx_guard
from cctool.io.xlsx_guard import _CELL_REF, _ROW_REF, _sheet_extent, column_number

letters = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=3)
cells = st.lists(st.tuples(letters, st.integers(1, 2_000_000)), max_size=40)


def one_by_one(data: bytes) -> tuple[int, int]:
    rows = cols = 0
    for m in xlsx_guard._DIMENSION.finditer(data):
        extent = xlsx_guard._ref_extent(m.group(1).decode("ascii", "replace"))
        if extent is not None:
            rows, cols = max(rows, extent[0]), max(cols, extent[1])
    for m in _CELL_REF.finditer(data):
        rows = max(rows, int(m.group(2)))
        cols = max(cols, column_number(m.group(1).decode("ascii")))
    for m in _ROW_REF.finditer(data):
        rows = max(rows, int(m.group(1)))
    return rows, cols


@settings(max_examples=60)
@given(cells, st.lists(st.integers(1, 2_000_000), max_size=10), st.booleans())
def test_extent_as_cell_by_cell(refs, row_numbers, dimension):
    xml = ('<worksheet><dimension ref="A1:XFD9"/>' if dimension else "<worksheet>") \
        + "".join(f'<row r="{r}">' for r in row_numbers) \
        + "".join(f'<c r="{c}{r}" t="n"><v>1</v></c>' for c, r in refs) + "</worksheet>"
    data = xml.encode("ascii")
    assert _sheet_extent(data) == one_by_one(data)
