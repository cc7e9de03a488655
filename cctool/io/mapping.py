"""The column mapping of the rules file (`columns.<table>.<field>`), applied to a source file.

Only io knows a source header: `resolve` turns a file's headers, the mapping and the aliases
into one `Source` per canonical field; `source_values` gives a field's raw cells (joined,
`none` values blanked); `mapped_values` applies a value map. The readers (pandas) and the
call-log SQL (`cctool.io.mapping_sql`, DuckDB) both start from the same `Source`s, so a
mapping reads the same in every command.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cctool.errors import InputError, Issue
from cctool.io.tables import Table


@dataclass(frozen=True)
class Source:
    """Where one canonical field comes from in one file."""

    field: str
    headers: tuple[str, ...]  # the file's headers, as written (one, or several joined)
    yaml_path: str | None = None  # columns.calls.start_time when mapped; None for a header/alias match
    values: tuple[tuple[str, object], ...] = ()  # (source value as written in the rules, field value)
    format: str | None = None
    none: tuple[str, ...] = ()  # source values that mean blank, as written in the rules
    timezone: str | None = None

    @property
    def label(self) -> str:
        """How messages name the source: the header, or `Date + Time` for a join."""
        return " + ".join(self.headers)

    @property
    def joined(self) -> bool:
        return len(self.headers) > 1

    @property
    def transformed(self) -> bool:
        """True when the raw cells are not read as they are (join, none, values or format)."""
        return self.joined or bool(self.values or self.format or self.none)

    def value_map(self) -> dict[str, object]:
        return dict(self.values)

    def describe(self) -> str:
        """One line for `inspect`: source, format and value map."""
        text = self.label
        if self.format:
            text += f"  (format {self.format}{', ' + self.timezone if self.timezone else ''})"
        if self.values:
            text += "  values " + ", ".join(f"{k}→{_yaml_scalar(v)}" for k, v in self.values)
        if self.none:
            text += "  none " + ", ".join(self.none)
        return text


@dataclass
class Resolution:
    """The fields of a table found in a file: mapped, matched by header/alias, and what is missing."""

    table: Table
    headers: list[str]
    sources: dict[str, Source] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    clashes: list[str] = field(default_factory=list)
    mapping_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said after the problems (how to do without a field)

    @property
    def complete(self) -> bool:
        return not (self.missing or self.clashes or self.mapping_errors)

    def header_of(self) -> dict[str, str]:
        """canonical -> the label messages use (the header as written, or `Date + Time`)."""
        return {name: src.label for name, src in self.sources.items()}

    def raise_if_incomplete(self, where: str) -> None:
        if self.complete:
            return
        problems = list(self.mapping_errors)
        if self.missing:
            problems.append("missing required column(s): " + ", ".join(self.missing))
        if self.clashes:
            problems.append("ambiguous columns: " + "; ".join(self.clashes))
        problems += self.notes
        shown = ", ".join(repr(h) for h in self.headers[:20])
        hint = (f"Rename the header, add an alias under columns.aliases.{self.table_key}, or map the field "
                f"under columns.{self.table_key} in the rules file (`cctool inspect` prints the lines to add).")
        raise InputError(f"{where}: {'; '.join(problems)}. Headers found: {shown}. {hint}",
                         [Issue(where, None, 1, None, None, p) for p in problems])

    @property
    def table_key(self) -> str:
        return "punches" if self.table.name == "punch_events" else self.table.name


def _find_header(wanted: str, headers: list[str]) -> str | None:
    """The file's header a mapping names: exact first, then ignoring case and spaces."""
    from cctool.io.readers import fold_header

    if wanted in headers:
        return wanted
    stripped = [h for h in headers if h.strip() == wanted.strip()]
    if stripped:
        return stripped[0]
    folded = [h for h in headers if fold_header(h) == fold_header(wanted)]
    return folded[0] if len(folded) == 1 else None


def _mapped_source(name: str, fmap, headers: list[str], yaml_path: str) -> tuple[Source | None, str | None]:
    found, unknown = [], []
    for wanted in fmap.headers:
        header = _find_header(wanted, headers)
        (found if header is not None else unknown).append(header if header is not None else wanted)
    if unknown:
        hints = []
        for wanted in unknown:
            close = difflib.get_close_matches(wanted, headers, n=2, cutoff=0.6)
            hints.append(f"no header {wanted!r} in the file" + (f" (did you mean {' or '.join(map(repr, close))}?)"
                                                                if close else ""))
        key = "from" if fmap.from_ is not None else "join"
        return None, f"{yaml_path}.{key}: " + "; ".join(hints)
    values = tuple((str(k).strip(), v) for k, v in (fmap.values or {}).items())
    return Source(name, tuple(found), yaml_path, values, fmap.format,
                  tuple(w.strip() for w in fmap.none), fmap.timezone), None


def resolve(headers: list[str], table: Table, mapping: dict | None = None,
            aliases: dict[str, list[str]] | None = None, *, table_key: str | None = None,
            optional: set[str] | frozenset = frozenset()) -> Resolution:
    """Every field of `table` the file can feed. Mapped fields (rules file) come first; the
    others are matched by header name or alias. `optional` names required fields the caller
    can do without (a call log without `success` when the rules allow it)."""
    from cctool.io.readers import fold_header

    key = table_key or ("punches" if table.name == "punch_events" else table.name)
    res = Resolution(table, headers)
    known = {c.name for c in table.columns}
    for name, fmap in (mapping or {}).items():
        if name not in known:
            continue  # a punches mapping names fields of both punch tables; the other one's are not ours
        src, error = _mapped_source(name, fmap, headers, f"columns.{key}.{name}")
        if error:
            res.mapping_errors.append(error)
        else:
            res.sources[name] = src
    lookup: dict[str, str] = {}
    for col in table.columns:
        if col.name in res.sources:
            continue
        for alias in (col.name, *col.aliases, *((aliases or {}).get(col.name, []))):
            lookup.setdefault(fold_header(alias), col.name)
    for header in headers:
        canonical = lookup.get(fold_header(header))
        if canonical is None:
            continue
        if canonical in res.sources:
            res.clashes.append(f"{res.sources[canonical].label!r} and {header!r} both mean {canonical}")
            continue
        res.sources[canonical] = Source(canonical, (header,))
    mapped_names = {f for f in (mapping or {}) if f in known}
    res.missing = [c.name for c in table.columns
                   if c.required and c.name not in res.sources and c.name not in optional
                   and c.name not in mapped_names]
    return res


# ----------------------------------------------------------------------------- cell values

def _cell_text(value) -> str | None:
    """A cell as text for joining: Excel dates and times keep their ISO spelling."""
    import datetime as dt

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        if np.isnan(value):
            return None
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d" if value == dt.datetime.combine(value.date(), dt.time())
                              else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    text = str(value).strip()
    return text or None


def as_text(raw: pd.Series) -> pd.Series:
    """A column as trimmed text (NA for blank), whatever the file typed it as."""
    if isinstance(raw.dtype, pd.StringDtype) or pd.api.types.infer_dtype(raw, skipna=True) in ("string", "empty"):
        text = raw.astype("string").str.strip()
    else:
        text = raw.map(_cell_text).astype("string")
    return text.mask(text == "")


def source_values(raw: pd.DataFrame, src: Source) -> pd.Series:
    """The field's raw cells: one column as the file gave it, or several joined with one space
    (blank parts left out). `none` values become blank."""
    if src.joined:
        parts = [as_text(raw[h]) for h in src.headers]
        joined = parts[0]
        for part in parts[1:]:
            both = joined.notna() & part.notna()
            joined = (joined + " " + part).where(both, joined.fillna(part))
        cells = joined
    else:
        cells = raw[src.headers[0]]
    if src.none:
        text = as_text(cells) if not src.joined else cells
        blank = {w.casefold() for w in src.none}
        cells = cells.mask(text.str.casefold().isin(blank).fillna(False))
    return cells


# Kinds whose joined value is wrong, not just shorter, without every part: `Date + Time` with the
# time blank would read as midnight.
WHOLE_JOIN_KINDS = frozenset({"date", "time", "datetime", "datetime_or_time"})


def partial_join(raw: pd.DataFrame, src: Source) -> pd.Series:
    """Rows where some parts of a join are blank and others are not (all blank is just blank)."""
    present = pd.concat([as_text(raw[h]).notna() for h in src.headers], axis=1)
    return present.any(axis=1) & ~present.all(axis=1)


def partial_join_problem(src: Source, kind: str) -> str:
    where = f" ({src.yaml_path}.join)" if src.yaml_path else ""
    return f"a part of {src.label} is blank{where}: the {kind.replace('_', ' ')} is incomplete"


def mapped_values(cells: pd.Series, src: Source) -> tuple[pd.Series, pd.Series]:
    """Apply a `values` map: (field values as text, mask of present cells outside the map).
    Booleans become 'true'/'false', which every coercer reads."""
    text = as_text(cells)
    folded = text.str.casefold()
    lookup = {k.casefold(): ("true" if v is True else "false" if v is False else str(v)) for k, v in src.values}
    out = folded.map(lookup, na_action="ignore").astype("string")
    bad = text.notna() & out.isna()
    return out, bad.fillna(False).astype(bool)


def outside_map_problem(src: Source) -> str:
    listed = ", ".join(k for k, _ in src.values[:12]) + (", …" if len(src.values) > 12 else "")
    return f"not in the value map {src.yaml_path}.values ({listed})"


# ----------------------------------------------------------------------------- ambiguous dates

# Four-digit year last: `20-11-09` (DingTalk YY-MM-DD) is not one of these.
SLASH_DATE = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:\D|$)")


def slash_date_order(text: pd.Series) -> tuple[str | None, int, str | None]:
    """Day-first or month-first, as a column's `01/02/2026`-style values prove it.

    Returns (order, how many such values, an example). order is "dayfirst" when some value
    has 13 or more in the first position, "monthfirst" when in the second, "ambiguous" when
    no value proves either (or values prove both), None when there is no such value."""
    parts = text.dropna().str.extract(SLASH_DATE)
    parts = parts.dropna()
    if parts.empty:
        return None, 0, None
    first = pd.to_numeric(parts[0]).max()
    second = pd.to_numeric(parts[1]).max()
    example = str(text.loc[parts.index[0]])
    return order_from_maxima(first, second), len(parts), example


def order_from_maxima(first, second) -> str:
    day_first, month_first = first > 12, second > 12
    if day_first and not month_first:
        return "dayfirst"
    if month_first and not day_first:
        return "monthfirst"
    return "ambiguous"


def ambiguous_date_error(where: str, src: Source, table_key: str, example: str, count: int,
                         mixed: bool = False) -> InputError:
    why = ("holds dates in both orders (a 13 or more in the first position of some and the second of others)"
           if mixed else f"holds {count} date(s) such as {example!r} that read either day first or month first")
    fix = (f"columns:\n  {table_key}:\n    {src.field}: "
           + (f"{{join: [{', '.join(_yaml_scalar(h) for h in src.headers)}], format: dayfirst}}" if src.joined
              else f"{{from: {_yaml_scalar(src.headers[0])}, format: dayfirst}}"))
    path = src.yaml_path or f"columns.{table_key}.{src.field}"
    return InputError(f"{where}: column {src.label!r} ({src.field}) {why}; cctool does not guess. Say which in the "
                      f"rules file at {path}.format (dayfirst, monthfirst or a pattern such as '%d/%m/%Y'), e.g.\n"
                      f"{fix}   # or monthfirst")


def _yaml_scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if re.fullmatch(r"[A-Za-z_][\w ./()\-]*", text) and text.strip() == text and \
            text.casefold() not in {"yes", "no", "on", "off", "true", "false", "y", "n", "null", "none", "~"} \
            and ": " not in text and " #" not in text:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


yaml_scalar = _yaml_scalar
