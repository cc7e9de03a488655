"""The metrics file `cctool call-metrics` writes: the small result of the heavy step, handed
from the data team's cluster to the commands (`--metrics` in place of `--calls`).

One Parquet file; each row belongs to one of three tables, named in its `table` column:

- `agent`: per agent id, row status and calendar day of the call (start time): calls,
  connected, successes, amount, talk_s, talk_calls, bad_amount, bad_duration. Grading and pay
  take the days of their own period; the statuses "counted / outside the period / reached no
  agent" are decided again for that period, so a quarter's file serves each of its months.
- `agent_day`: the same per day a call counts on when a schedule dated the calls by shift
  (kpi-report, daily-brief); absent without --schedule (then the calendar day is that day).
- `shift`: calls inside each worked shift window (agent_id, day, win_start, win_end, hours,
  calls) when call-metrics was given the roster, schedule and punches (PAY-OT).

Parquet key-value metadata `cctool.metrics` (JSON) holds the period, the call log's location
and fingerprint, the engine, rows read, the column headers, a fingerprint of the rules'
call-log mapping and metric settings, the schedule's fingerprint when it dated the calls, and
the issues that do not depend on the roster or the period (unreadable values, malformed lines),
ready for each report's Errors sheet. Unknown agent ids and calls outside the period are
counted again by each command against its own roster and period, exactly as with `--calls`.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cctool.engine import accounting as acc
from cctool.engine.aggregations import NO_AGENT, SPAN, SUMS
from cctool.errors import InputError, Issue

META_KEY = b"cctool.metrics"
FORMAT_VERSION = 1
COLUMNS = ["table", "agent_id", "status", "day", *SUMS, *SPAN, "win_start", "win_end", "hours"]


@dataclass
class CallMetrics:
    """The tables and metadata of a metrics file."""

    agent: pd.DataFrame
    agent_day: pd.DataFrame | None
    shift: pd.DataFrame | None
    meta: dict
    path: str = ""

    @property
    def start(self) -> pd.Timestamp:
        return pd.Timestamp(self.meta["period_start"])

    @property
    def end(self) -> pd.Timestamp:
        return pd.Timestamp(self.meta["period_end"])

    def issues(self) -> list[Issue]:
        return [Issue(**i) for i in self.meta.get("read_issues", [])]


def mapping_fingerprint(rules) -> str:
    """What of the rules changes the aggregation: the call-log column mapping and aliases, and the
    plausible ranges of an amount and a duration (limits)."""
    text = json.dumps({"aliases": rules.columns.aliases.get("calls"),
                       "mapping": _plain(rules.columns.mapping("calls")),
                       "limits": [rules.limits.amount.bounds, rules.limits.duration_s.bounds]},
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(value):
    if hasattr(value, "model_dump"):
        return value.model_dump()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _frame(table: str, groups: pd.DataFrame, day_col: str | None) -> pd.DataFrame:
    out = pd.DataFrame({"table": table, "agent_id": groups["agent_id"].astype("string"),
                        "status": groups["status"].astype("int64")})
    out["day"] = pd.to_datetime(groups[day_col]).dt.date if day_col else None
    for col in SUMS:
        out[col] = groups[col].astype("float64")
    for col in SPAN:
        out[col] = pd.to_datetime(groups[col])
    return out


def to_table(metrics: CallMetrics) -> pa.Table:
    parts = [_frame("agent", metrics.agent, "day")]
    if metrics.agent_day is not None:
        parts.append(_frame("agent_day", metrics.agent_day, "date"))
    if metrics.shift is not None:
        s = metrics.shift
        parts.append(pd.DataFrame({"table": "shift", "agent_id": s["agent_id"].astype("string"), "status": pd.NA,
                                   "day": pd.to_datetime(s["date"]).dt.date, "calls": s["calls"].astype("float64"),
                                   "win_start": pd.to_datetime(s["win_start"]), "win_end": pd.to_datetime(s["win_end"]),
                                   "hours": s["hours"].astype("float64")}))
    frame = pd.concat(parts, ignore_index=True).reindex(columns=COLUMNS)
    for col in ("win_start", "win_end", *SPAN):  # all missing (no shift table) is float in pandas
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[us]")
    schema = pa.schema([("table", pa.string()), ("agent_id", pa.string()), ("status", pa.int64()),
                        ("day", pa.date32()), *[(c, pa.float64()) for c in SUMS],
                        *[(c, pa.timestamp("us")) for c in SPAN],
                        ("win_start", pa.timestamp("us")), ("win_end", pa.timestamp("us")), ("hours", pa.float64())])
    table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    meta = {**metrics.meta, "format_version": FORMAT_VERSION}
    return table.replace_schema_metadata({META_KEY: json.dumps(meta, ensure_ascii=False, default=str).encode("utf-8")})


def write(path: Path, metrics: CallMetrics) -> None:
    """Write to `path` (the caller makes it atomic)."""
    pq.write_table(to_table(metrics), path, compression="zstd")


def read(path: Path) -> CallMetrics:
    """A metrics file, checked: exit 3 naming the file when it is not one."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: metrics file not found")
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"{path}: not a readable Parquet metrics file ({exc})") from None
    raw = (table.schema.metadata or {}).get(META_KEY)
    if raw is None or not set(COLUMNS) <= set(table.column_names):
        raise InputError(f"{path}: not a cctool metrics file (write one with `cctool call-metrics`)")
    meta = json.loads(raw.decode("utf-8"))
    if meta.get("format_version") != FORMAT_VERSION:
        raise InputError(f"{path}: metrics file format {meta.get('format_version')!r}; this cctool reads "
                         f"{FORMAT_VERSION}: write it again with this version's `cctool call-metrics`")
    frame = table.to_pandas()
    frame["agent_id"] = frame["agent_id"].astype("string")
    frame["day"] = pd.to_datetime(frame["day"])

    def part(name: str) -> pd.DataFrame | None:
        rows = frame[frame["table"] == name].drop(columns="table").reset_index(drop=True)
        return rows if len(rows) or name == "agent" else None

    agent, agent_day, shift = part("agent"), part("agent_day"), part("shift")
    if agent_day is None and meta.get("dated_by_schedule"):
        agent_day = agent.iloc[0:0]  # dated by a schedule, but no call in any day
    if shift is None and meta.get("shifts"):
        shift = frame.iloc[0:0].drop(columns="table")
    return CallMetrics(_groups(agent), _groups(agent_day), shift, meta, str(path))


def _groups(part: pd.DataFrame | None) -> pd.DataFrame | None:
    if part is None:
        return None
    out = part[["agent_id", "status", "day", *SUMS, *SPAN]].copy()
    out["status"] = out["status"].astype("int64")
    return out


# ----------------------------------------------------------------------------- the commands' views

def check_period(m: CallMetrics, start, end, what: str) -> None:
    """Refuse rather than guess: the file must cover the command's whole period."""
    if pd.Timestamp(start) < m.start or pd.Timestamp(end) > m.end:
        last = (m.end - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
        want = (pd.Timestamp(end) - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
        raise InputError(f"{m.path}: the metrics cover {m.start:%Y-%m-%d}..{last}, not the {what} "
                         f"{pd.Timestamp(start):%Y-%m-%d}..{want}; run `cctool call-metrics` for that period")


def check_rules(m: CallMetrics, rules) -> None:
    if m.meta.get("mapping_sha256") != mapping_fingerprint(rules):
        raise InputError(f"{m.path}: the metrics were made with another call-log column mapping than this rules "
                         "file's (columns.calls / aliases); run `cctool call-metrics` again with these rules")


def _attrs(m: CallMetrics, groups: pd.DataFrame, **more) -> dict:
    """As `calls._attrs`: rows read and unreadable, first and last call time, over the whole log."""
    rejected = int(m.meta.get("rejected", 0))
    return dict(rows_read=int(m.meta["rows_read"]), encoding=m.meta.get("encoding"), mode=m.meta.get("mode"),
                engine=m.meta.get("engine"), has_success=bool(m.meta.get("has_success", True)),
                rows_unreadable=acc.unreadable(groups) + rejected, **acc.span(groups), **more)


def per_agent(m: CallMetrics, start, end, known_agents, *, cph_calls: str = "all",
              success_denominator: str = "connected") -> tuple[pd.DataFrame, list[Issue]]:
    """What `calls.call_metrics` gives for [start, end), from the file."""
    check_period(m, start, end, "period")
    known = set(known_agents)
    groups = acc.tidy_ids(acc.reclassify(m.agent, "day", start, end).drop(columns="day"))
    issues = m.issues() + acc.agent_issues(m.meta["calls"], m.meta["headers"], groups, known, start, end)
    out = acc.per_agent_result(groups, known, cph_calls=cph_calls, success_denominator=success_denominator)
    out.attrs.update(_attrs(m, groups, no_agent_calls=int(groups.loc[groups["status"] == NO_AGENT, "calls"].sum())))
    return out, issues


def daily(m: CallMetrics, start, end, known_agents, *, dated_by: str | None) -> tuple[pd.DataFrame, list[Issue]]:
    """What `calls.daily_call_metrics` gives for [start, end), from the file. `dated_by`: the
    fingerprint of the schedule the command dates shifts with (None: no schedule)."""
    check_period(m, start, end, "period")
    made_with = m.meta.get("dated_by_schedule")
    if made_with != dated_by:
        if made_with is None:
            need = "call-metrics was run without --schedule: run it again with this schedule"
        elif dated_by is None:
            need = "call-metrics dated the calls by a schedule's shifts: pass the same --schedule"
        else:
            need = "call-metrics dated the calls by another schedule: pass the same --schedule or run it again"
        raise InputError(f"{m.path}: the days calls count on depend on the shifts (night shifts keep their calls); "
                         f"{need}")
    source = m.agent_day if made_with else m.agent
    known = set(known_agents)
    groups = acc.reclassify(source.rename(columns={"day": "date"}), "date", start, end)
    groups = acc.tidy_ids(groups, ("date",))
    per_status = acc.tidy_ids(groups.drop(columns="date"))
    issues = m.issues() + acc.agent_issues(m.meta["calls"], m.meta["headers"], per_status, known, start, end)
    inside = groups[(groups["date"] >= pd.Timestamp(start)) & (groups["date"] < pd.Timestamp(end))]
    out, no_agent = acc.daily_result(inside, known)
    out.attrs.update(_attrs(m, per_status), no_agent_calls=no_agent)
    return out, issues


def shift_counts(m: CallMetrics, windows: pd.DataFrame) -> pd.DataFrame:
    """Calls per worked shift from the file, for the command's own shift windows; every window
    must be in the file as it is (same punches and schedule), else the counts would be guesses."""
    if m.shift is None:
        raise InputError(f"{m.path}: the metrics have no per-shift counts (PAY-OT); run `cctool call-metrics` with "
                         "--roster, --schedule and --punches")
    key = ["agent_id", "date", "win_start", "win_end"]
    have = m.shift.rename(columns={"day": "date"}).assign(agent_id=lambda f: f["agent_id"].astype(str))
    want = windows.assign(agent_id=windows["agent_id"].astype(str), date=pd.to_datetime(windows["date"]))
    for col in ("win_start", "win_end"):
        have[col] = pd.to_datetime(have[col]).astype("datetime64[us]")
        want[col] = pd.to_datetime(want[col]).astype("datetime64[us]")
    have["date"] = pd.to_datetime(have["date"]).astype("datetime64[us]")
    want["date"] = want["date"].astype("datetime64[us]")
    merged = want.merge(have[key + ["calls"]], on=key, how="left", indicator=True)
    missing = merged[merged["_merge"] == "left_only"]
    if len(missing):
        first = missing.iloc[0]
        raise InputError(f"{m.path}: {len(missing)} worked shift(s) are not in the metrics as this run sees them "
                         f"(first: {first['agent_id']} on {first['date']:%Y-%m-%d}); run `cctool call-metrics` with "
                         "the same --roster, --schedule and --punches")
    merged["calls"] = merged["calls"].astype("int64")
    merged["date"] = pd.to_datetime(windows["date"]).to_numpy()
    merged["shift_start_at"] = windows["shift_start_at"].to_numpy()  # left merge: in the windows' order
    return merged[["agent_id", "date", "shift_start_at", "calls", "hours"]]
