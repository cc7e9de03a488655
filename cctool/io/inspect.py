"""How cctool reads one export, before any report (`cctool inspect`).

Reads the file exactly as a command would (same reader, same mapping, same coercion) and
says what it found: format, encoding, sheet, header row, the table it looks like, each field
and the source column(s) it comes from, five rows as parsed, the unreadable values per
column, the dates covered, and the mapping lines to add for fields it could not match.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cctool.errors import InputError
from cctool.io import mapping
from cctool.io.readers import fold_header, read_frame, read_raw, resolve_table
from cctool.io.tables import TABLES

INSPECTABLE = ("calls", "punches", "schedule", "roster", "leave", "kpi", "excusals", "swaps")
SAMPLE_ROWS = 5
MAX_EXAMPLES = 3
# Words in a header that hint at a field, for the suggested mapping of a field no header matched.
HINTS: dict[str, tuple[str, ...]] = {
    "call_id": ("call id", "callid", "call_id", "id"),
    "agent_id": ("agent", "server", "employee", "staff", "no.", "user", "seat", "工号"),
    "start_time": ("date/time", "datetime", "start", "time", "date"),
    "connected": ("answered", "answer", "outcome", "connected", "接通"),
    "success": ("resolved", "success", "outcome", "sale", "成功"),
    "duration_s": ("talk", "duration", "ser_time", "handle", "时长"),
    "end_time": ("end", "exit"),
    "time": ("date/time", "datetime", "time", "timestamp", "时间"),
    "direction": ("status", "state", "in/out", "方向"),
    "date": ("date", "日期"),
    "name": ("name", "姓名"),
    "team": ("department", "team", "group", "部门"),
}


@dataclass
class Inspection:
    path: Path
    file_format: str
    encoding: str | None
    sheet: str | None
    header_row: int
    table: str  # the table read (punches: punches or punch_events)
    table_key: str  # the rules-file key (punches for both punch tables)
    guessed: bool
    candidates: list[tuple[str, int, int]]  # (table, required fields found, required fields)
    layout: str | None
    resolution: mapping.Resolution
    headers: list[str]
    sample: pd.DataFrame | None = None
    unreadable: list[tuple[str, int, list[tuple[int | None, str | None]], str]] = field(default_factory=list)
    dates: tuple[pd.Timestamp, pd.Timestamp] | None = None
    rows_read: int = 0
    rows_kept: int = 0
    no_agent_calls: int = 0
    snippet: str = ""
    error: str | None = None
    looks_like: str | None = None  # the table the headers feed, when --table named another that fails
    notes: list[str] = field(default_factory=list)  # what the analyst should check though the file reads

    @property
    def ok(self) -> bool:
        return self.error is None

    def required(self, name: str) -> bool:
        """Whether the reader needs the field: raw punch events read without a direction
        (paired first in / last out per shift), so direction is not needed there."""
        if self.table == "punch_events" and name == "direction":
            return False
        return TABLES[self.table].column(name).required

    @property
    def undirected(self) -> bool:
        """Raw punch events with no direction column: paired per shift window."""
        return self.ok and self.table == "punch_events" and "direction" not in self.resolution.sources


def detect_layout(spec: str | Path, table: str | None = None) -> str | None:
    """The product layout of the export (DingTalk, WeCom, ZKTeco …) by the layout adapters'
    `cctool.io.layouts.detect(spec, table)`, when they are installed; None otherwise. The
    single hook for them: inspect names the layout, the readers apply it."""
    try:
        from cctool.io.layouts import detect  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        found = detect(spec, table)
    except InputError:
        return None  # an adapter that cannot place the file names no layout
    return None if found is None else str(getattr(found, "name", found))


def _required(table: str) -> list[str]:
    return [c.name for c in TABLES[table].columns if c.required]


def _score(raw: pd.DataFrame, table: str, res: mapping.Resolution) -> float:
    """Required fields found, plus half of those some header hints at (an export's `Agent`,
    `Answered (Y/N)` or `Date` + `Time` make it a call log before any mapping), less those
    nothing in the file resembles."""
    required = _required(table)
    used = {h for s in res.sources.values() for h in s.headers}
    found = sum(1 for r in required if r in res.sources)
    hinted = sum(1 for r in required if r not in res.sources and _candidates(r, list(raw.columns), used))
    return found + hinted / 2 - (len(required) - found - hinted)


def resolve_for_inspection(raw: pd.DataFrame, name: str, aliases: dict, field_map) -> tuple[str, mapping.Resolution]:
    """As the readers resolve it; for punches without a mapping, the raw-event layout when it
    fits the file better (the reader needs a mapping or a direction header to choose it)."""
    try:
        table, res = resolve_table(raw, name, aliases, field_map)
    except InputError:
        if name != "punches":
            raise
        # A file of no punch form (PUNCH_FORMS): scored as paired punches here; reading it
        # as punches reports what each form needs.
        table, res = "punches", mapping.resolve(list(raw.columns), TABLES["punches"], field_map,
                                                (aliases or {}).get("punches"), table_key="punches")
    if name == "punches" and table == "punches":
        events = mapping.resolve(list(raw.columns), TABLES["punch_events"], field_map,
                                 (aliases or {}).get("punches"), table_key="punches")
        if _score(raw, "punch_events", events) > _score(raw, "punches", res):
            return "punch_events", events
    return table, res


def guess_table(raw: pd.DataFrame, aliases: dict, columns) -> tuple[str, list[tuple[str, int, int]]]:
    """The table whose required fields the file feeds best (mapped fields count first)."""
    scored = []
    for name in INSPECTABLE:
        table, res = resolve_for_inspection(raw, name, aliases, columns.mapping(name) if columns else None)
        required = _required(table)
        found = sum(1 for r in required if r in res.sources)
        mapped = len(columns.mapping(name)) if columns else 0
        scored.append(((res.complete, mapped > 0, _score(raw, table, res)), name, found, len(required)))
    scored.sort(key=lambda s: s[0], reverse=True)
    return scored[0][1], [(name, found, total) for _, name, found, total in scored]


def tables_fed_by(headers: list[str]) -> list[str]:
    """The tables whose required fields a file's headers all name, by the built-in header names
    and aliases alone, the one with most fields found first: what a file given as the wrong
    input is (a schedule names more than the two fields paired punches need)."""
    raw = pd.DataFrame(columns=[str(h) for h in headers])
    fed = []
    for name in INSPECTABLE:
        res = resolve_for_inspection(raw, name, {}, None)[1]
        if res.complete:
            fed.append((-len(res.sources), INSPECTABLE.index(name), name))
    return [name for *_, name in sorted(fed)]


def inspect_file(spec: str | Path, table: str | None = None, rules=None) -> Inspection:
    """Read `spec` as `table` (or the table it looks like) with the rules' mapping and aliases."""
    limits = rules.limits if rules is not None else None
    raw, path, sheet, encoding, offset = read_raw(spec, limits)
    raw = raw.set_axis([str(c) for c in raw.columns], axis=1)
    columns = rules.columns if rules is not None else None
    aliases = columns.aliases if columns else {}
    guessed = table is None
    candidates: list[tuple[str, int, int]] = []
    if table is None:
        table, candidates = guess_table(raw, aliases, columns)
    if table not in INSPECTABLE:
        raise InputError(f"--table must be one of {', '.join(INSPECTABLE)}, got {table!r}")
    field_map = columns.mapping(table) if columns else None
    read_as, res = resolve_for_inspection(raw, table, aliases, field_map)
    suffix = path.suffix.lower()
    fmt = "xlsx" if suffix in (".xlsx", ".xlsm", ".xls") else "parquet" if suffix in (".parquet", ".pq") else "csv"
    ins = Inspection(path, fmt, encoding, sheet, 1, read_as, table, guessed, candidates,
                     detect_layout(spec, None if guessed else table), res, list(raw.columns))
    optional = frozenset({"success"}) if table == "calls" and rules is not None and \
        rules.grading.calls_without_success == "grade_other_criteria" else frozenset()
    try:
        loaded = read_frame(raw, path, sheet, encoding, offset, table, extra_aliases=aliases, field_map=field_map,
                            optional_fields=optional, limits=limits)
    except InputError as exc:
        ins.error = str(exc)
        ins.snippet = suggest_mapping(ins, raw)
        if not guessed:
            ins.looks_like = next((t for t in tables_fed_by(ins.headers) if t != table), None)
        return ins
    frame = loaded.frame
    ins.rows_read, ins.rows_kept = loaded.rows_read, len(frame)
    ins.sample = _clock_times(frame.drop(columns="_row").head(SAMPLE_ROWS), loaded.table)
    ins.unreadable = _unreadable(loaded.issues)
    ins.dates = _dates(frame, read_as)
    if read_as == "calls" and "agent_id" in frame:
        ins.no_agent_calls = int(frame["agent_id"].isna().sum())
    ins.notes += _midnight_notes(frame, read_as, res)
    ins.snippet = suggest_mapping(ins, raw)
    return ins


def _midnight_notes(frame: pd.DataFrame, table: str, res: mapping.Resolution) -> list[str]:
    """A call's or punch's time read from a column of dates alone (every value 00:00): the
    time of day is then lost — calls fall outside their shift, punches pair wrongly."""
    name = {"calls": "start_time", "punch_events": "time"}.get(table)
    if name is None or name not in frame or name not in res.sources:
        return []
    stamps = frame[name].dropna()
    if len(stamps) < 2 or not (stamps == stamps.dt.normalize()).all():
        return []
    src = res.sources[name]
    return [f"every {name} is at 00:00: {src.label!r} holds dates without a time of day. If the time is in "
            f"another column, map both: {name}: {{join: [{mapping.yaml_scalar(src.headers[0])}, <time column>]}}"]


def _clock_times(sample: pd.DataFrame, table: str) -> pd.DataFrame:
    """Time-of-day columns (kept as seconds after midnight by the reader) shown as 09:00 / 09:00:30."""
    out = sample.copy()
    for col in TABLES[table].columns:
        if col.kind == "time" and col.name in out:
            secs = pd.to_numeric(out[col.name], errors="coerce")
            text = [None if pd.isna(v) else f"{int(v) // 3600:02d}:{int(v) % 3600 // 60:02d}"
                    + (f":{int(v) % 60:02d}" if int(v) % 60 else "") for v in secs.tolist()]  # five rows
            out[col.name] = pd.Series(text, index=out.index, dtype=object)
    return out


def _unreadable(issues) -> list[tuple[str, int, list[tuple[int | None, str | None]], str]]:
    """Per column: how many unreadable values, the first examples with their rows, the problem."""
    by_column: dict[str, list] = {}
    for issue in issues:
        if issue.severity != "error" and "ignored" not in issue.problem:
            continue
        by_column.setdefault(issue.column or "(row)", []).append(issue)
    out = []
    for column, found in by_column.items():
        examples = [(i.row, i.value) for i in found[:MAX_EXAMPLES]]
        out.append((column, len(found), examples, found[0].problem))
    return out


def _dates(frame: pd.DataFrame, table: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    spec = TABLES[table]
    stamps = [frame[c.name] for c in spec.columns
              if c.kind in ("date", "datetime", "date_or_datetime") and c.name in frame]
    for name in ("sign_in", "sign_out"):
        if name in frame:
            stamps.append(frame[name])
    values = pd.concat([s.dropna() for s in stamps]) if stamps else pd.Series(dtype="datetime64[ns]")
    if values.empty:
        return None
    return pd.Timestamp(values.min()), pd.Timestamp(values.max())


# ----------------------------------------------------------------------------- the snippet

def _candidates(field_name: str, headers: list[str], used: set[str]) -> list[str]:
    free = [h for h in headers if h not in used]
    hints = HINTS.get(field_name, (field_name.replace("_", " "),))
    scored = []
    for h in free:
        low = h.casefold()
        score = max((len(w) / max(len(low), 1) + 1 for w in hints if w in low), default=0.0)
        score = max(score, difflib.SequenceMatcher(None, fold_header(field_name), fold_header(h)).ratio())
        if score >= 0.6:
            scored.append((score, h))
    return [h for _, h in sorted(scored, reverse=True)]


def suggest_mapping(ins: Inspection, raw: pd.DataFrame) -> str:
    """A ready-to-paste `columns:` snippet for the fields the file could not feed, and the
    `format` of a date column whose order the values do not prove."""
    res = ins.resolution
    used = {h for s in res.sources.values() for h in s.headers}
    lines: list[str] = []
    ambiguous = ins.error and "does not guess" in ins.error
    for col in TABLES[ins.table].columns:
        if col.name in res.sources:
            src = res.sources[col.name]
            if ambiguous and f"({col.name})" in ins.error and not src.format:
                lines.append(f"    {col.name}: {_source_yaml(src)}, format: dayfirst}}   # or monthfirst")
            continue
        if not col.required and not (col.name == "duration_s" and "end_time" not in res.sources):
            continue  # optional fields are suggested only for talk time (duration_s, when no end_time)
        line = _suggest_field(col, ins, raw, used)
        if line is not None:
            lines.append(line)
    if not lines:
        return ""
    return "columns:\n  " + ins.table_key + ":\n" + "\n".join(lines) + "\n"


def _source_yaml(src: mapping.Source) -> str:
    if src.joined:
        return "{join: [" + ", ".join(mapping.yaml_scalar(h) for h in src.headers) + "]"
    return "{from: " + mapping.yaml_scalar(src.headers[0])


def _suggest_field(col, ins: Inspection, raw: pd.DataFrame, used: set[str]) -> str | None:
    """The mapping line for one field no header fed; None for a field the file may do without
    and nothing resembles (a punch clock's direction)."""
    headers = ins.headers
    folded = {h.casefold(): h for h in headers if h not in used}
    # Date and time in two columns (a call log's `Date` + `Time`): join them.
    if col.kind in ("datetime", "datetime_or_time") and "date" in folded and "time" in folded:
        date_h, time_h = folded["date"], folded["time"]
        return f"    {col.name}: {{join: [{mapping.yaml_scalar(date_h)}, {mapping.yaml_scalar(time_h)}]}}" + \
            _format_hint(raw, [date_h])
    found = _candidates(col.name, headers, used)
    if col.kind in ("bool", "enum"):
        # A value map is proposed only from a column of a few words or codes (Y/N, C/In): never
        # from talk times, amounts or dates, whatever its header resembles (`duration_s` ~ direction).
        found = [h for h in found if _map_like(raw[h])]
    if not found and not ins.required(col.name):
        return None
    notes = [] if ins.required(col.name) else [
        "optional: without it the first punch of a shift is the sign-in, the last the sign-out"
        if col.name == "direction" else "optional"]
    if not found:
        return f"    {col.name}: {{from: \"?\"}}   # no header looks like {col.name}; headers: " + \
            ", ".join(headers[:12])
    header = found[0]
    extra = ""
    if col.kind in ("bool", "enum"):
        seen = mapping.as_text(raw[header]).dropna().unique()[:8]
        if col.kind == "bool":
            pairs = ", ".join(f"{mapping.yaml_scalar(v)}: {_bool_guess(v)}" for v in seen)
        else:
            pairs = ", ".join(f"{mapping.yaml_scalar(v)}: {_enum_guess(v, col.choices)}" for v in seen)
        extra = f", values: {{{pairs}}}"
        notes.append("check each value")
    elif col.name == "duration_s":
        extra = ", format: duration"
    req = "   # " + "; ".join(notes) if notes else ""
    text = f"    {col.name}: {{from: {mapping.yaml_scalar(header)}{extra}}}{req}"
    if col.kind in ("datetime", "date", "datetime_or_time"):
        text += _format_hint(raw, [header])
    return text


MAX_MAP_VALUES = 12
_CLOCK = re.compile(r"\d:\d\d")


def _map_like(cells: pd.Series) -> bool:
    """A column a `values` map can be written for: a few distinct words, or one-digit codes
    (0/1, a clock's 0–5 states); not times, durations, counts or amounts."""
    seen = pd.Series(mapping.as_text(cells).dropna().unique(), dtype="string")
    if seen.empty or len(seen) > MAX_MAP_VALUES or seen.str.contains(_CLOCK).any():
        return False
    numbers = pd.to_numeric(seen, errors="coerce")
    if numbers.notna().all():
        return bool(numbers.isin(range(10)).all())
    return True


def _format_hint(raw: pd.DataFrame, headers: list[str]) -> str:
    text = mapping.as_text(raw[headers[0]])
    order, count, example = mapping.slash_date_order(pd.Series(text.dropna().unique()))
    if order is None:
        return ""
    if order == "ambiguous":
        return f"   # dates such as {example!r}: add format: dayfirst or monthfirst"
    return f"   # dates such as {example!r} read {order}; add format: {order} to be sure"


_TRUE = re.compile(r"^(y|yes|true|1|agent|answered|resolved|ok|connected|是)$", re.I)


def _bool_guess(value: str) -> str:
    return "true" if _TRUE.match(str(value).strip()) else "false"


def _enum_guess(value: str, choices: tuple[str, ...]) -> str:
    low = str(value).casefold()
    if "in" in choices and "out" in choices:
        return "out" if "out" in low or "签出" in low or "下班" in low else "in"
    close = difflib.get_close_matches(low, [c.casefold() for c in choices], n=1, cutoff=0.0)
    return next((c for c in choices if c.casefold() == close[0]), choices[0]) if close else choices[0]
