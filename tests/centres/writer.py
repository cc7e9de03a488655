"""Writing a generated centre's tables the way exports arrive: xlsx, CSV (UTF-8, UTF-8 with BOM,
GB18030) or Parquet, with canonical, English-label or Chinese headers (the aliases of
cctool/io/tables.py), dates as text or as native date cells."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from hypothesis import strategies as st

from cctool.io.tables import ENUM_SYNONYMS, TABLES, chinese_header

FORMATS = ("xlsx", "csv-utf8", "csv-bom", "csv-gb18030", "parquet")
CALL_FORMATS = ("csv-utf8", "csv-gb18030", "parquet")  # call logs: CSV or Parquet (DATA.md)
HEADER_STYLES = ("canonical", "label", "chinese", "mixed")
DATE_KINDS = {"date", "datetime", "date_or_datetime"}


@dataclass(frozen=True)
class Layout:
    fmt: str
    headers: str
    native_dates: bool  # xlsx / Parquet: dates as date cells rather than text
    chinese_values: bool = False  # enum and yes/no values as a Chinese export writes them (坐席, 是)

    def suffix(self) -> str:
        return {"xlsx": ".xlsx", "parquet": ".parquet"}.get(self.fmt, ".csv")


def layouts(table: str) -> st.SearchStrategy[Layout]:
    return st.builds(Layout, st.sampled_from(CALL_FORMATS if table == "calls" else FORMATS),
                     st.sampled_from(HEADER_STYLES), st.booleans(), st.booleans())


# The Chinese word a centre types for each canonical value (the first synonym of the readers').
CHINESE_VALUES = {column: {canonical: word for word, canonical in reversed(list(words.items()))
                           if any("\u4e00" <= ch <= "\u9fff" for ch in word)}
                  for column, words in ENUM_SYNONYMS.items()}
CHINESE_BOOL = {"yes": "是", "no": "否", "true": "是", "false": "否"}


def _chinese_values(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    out = frame.copy()
    for col in TABLES[table].columns:
        if col.name not in out:
            continue
        if col.kind == "enum" and col.name in CHINESE_VALUES:
            out[col.name] = out[col.name].map(lambda v: CHINESE_VALUES[col.name].get(v, v))
        elif col.kind == "bool":
            out[col.name] = out[col.name].map(lambda v: CHINESE_BOOL.get(str(v).casefold(), v))
    return out


def _label(column: str) -> str:
    """'agent_id' as a person would head it: 'Agent ID'."""
    return " ".join("ID" if w == "id" else w.capitalize() for w in column.split("_"))


def header_for(table: str, column: str, style: str, index: int) -> str:
    if style == "mixed":
        style = ("canonical", "label", "chinese")[index % 3]
    if style == "label":
        return _label(column)
    if style == "chinese":
        return chinese_header(table, column)
    return column


def _native(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    spec = TABLES[table]
    out = frame.copy()
    for col in spec.columns:
        if col.name in out and col.kind in DATE_KINDS:
            text = out[col.name].astype(str)
            out[col.name] = pd.to_datetime(text.where(text != ""), format="ISO8601")
    return out


def write_table(frame: pd.DataFrame, table: str, path: Path, layout: Layout) -> Path:
    """Write `frame` (canonical columns, text values, '' for blank) as `path` + the layout's suffix."""
    path = path.with_suffix(layout.suffix())
    out = _chinese_values(frame, table) if layout.chinese_values else frame
    out = _native(out, table) if layout.native_dates and layout.fmt in ("xlsx", "parquet") else out
    out = out.rename(columns={c: header_for(table, c, layout.headers, i) for i, c in enumerate(out.columns)})
    if layout.fmt == "xlsx":
        out = out.astype(object).where(out.notna() & (out.astype(str) != ""), None)
        out.to_excel(path, index=False, engine="xlsxwriter")
    elif layout.fmt == "parquet":
        out = out.astype(object).where(out.notna() & (out.astype(str) != ""), None)
        for c in out.columns:  # text stays text (an all-blank column too); dates stay dates
            is_date = any(isinstance(v, pd.Timestamp) for v in out[c])
            out[c] = pd.to_datetime(out[c]) if is_date else out[c].astype("string")
        out.to_parquet(path, index=False)
    else:
        encoding = {"csv-utf8": "utf-8", "csv-bom": "utf-8-sig", "csv-gb18030": "gb18030"}[layout.fmt]
        out.to_csv(path, index=False, encoding=encoding)
    return path
