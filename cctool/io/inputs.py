"""Loading a command's input set: the roster first, then every other table checked against it."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from cctool.errors import Issue
from cctool.frames import isin_set, value_set
from cctool.io.readers import LoadedTable, file_sha256, read_table
from cctool.progress import task
from cctool.report.writer import InputRecord
from cctool.rules.model import Rules


class InputSet:
    """Reads the inputs of one run and keeps every issue and file fingerprint for the report."""

    def __init__(self, rules: Rules):
        self.rules = rules
        self.tables: dict[str, LoadedTable] = {}
        self.issues: list[Issue] = []
        self.roster: pd.DataFrame | None = None
        self.extra_records: list[InputRecord] = []  # inputs read outside pandas (call logs via DuckDB)
        self.layouts: dict = {}  # table -> LayoutRead, for inputs that were a product's export

    def load(self, name: str, spec: str | Path, layout: str | None = None) -> pd.DataFrame:
        """Read one input; a DingTalk / WeCom / ZKTeco export (detected, or forced by
        `layout`) goes through its adapter in cctool.io.layouts, anything else the generic reader."""
        with task(f"Reading {name} {Path(str(spec)).name}") as shown:
            frame = self._load(name, spec, layout)
            shown.note(f"{self.tables[name].rows_read:,} rows")
        return frame

    def _load(self, name: str, spec: str | Path, layout: str | None = None) -> pd.DataFrame:
        from cctool.io.layouts import LAYOUT_TABLES, Context, read_layout

        # A product export is read by its layout, unless the rules file maps this table's columns
        # itself (the user's own reading of the file wins; --punches-format forces the layout).
        if name in LAYOUT_TABLES and (layout is not None or not self.rules.columns.mapping(name)):
            ctx = Context(name, self.roster, self.rules.exports.hours_per_day, self.rules.exports.half_day_split,
                          self.rules.limits)
            read = read_layout(spec, name, ctx, layout)
            if read is not None:
                return self._take_layout(name, read)
        known = value_set(self.roster["agent_id"]) if self.roster is not None and name != "roster" else None
        loaded = read_table(spec, name, extra_aliases=self.rules.columns.aliases, known_agents=known,
                            field_map=self.rules.columns.mapping(name), limits=self.rules.limits)
        self.tables[name] = loaded
        self.issues.extend(loaded.issues)
        if name == "roster":
            self.roster = loaded.frame
            self.issues.extend(check_roster(loaded))
        return loaded.frame

    def _take_layout(self, name: str, read) -> pd.DataFrame:
        self.layouts[name] = read
        self.tables[name] = LoadedTable(read.table, read.path, read.sheet, read.frame, read.issues, read.rows_read,
                                        file_sha256(read.path), dict(read.maps),
                                        rows_unreadable=read.rows_unreadable())
        self.issues.extend(read.issues)
        return read.frame

    def load_optional(self, name: str, spec: str | Path | None, layout: str | None = None) -> pd.DataFrame | None:
        return None if spec is None else self.load(name, spec, layout)

    def with_owners(self, issues: list[Issue]) -> list[Issue]:
        """Issues on a kept row of a loaded table (found by the policy, e.g. a punch outside
        every shift) named with that row's agent, like the reader names its own."""
        if all(i.agent_id is not None or i.row is None for i in issues):
            return issues
        # Only the rows an issue names: a month's punches are ~10^5 rows, its unnamed issues a few.
        wanted: dict[str, set[int]] = {}
        for i in issues:
            if i.agent_id is None and i.row is not None:
                wanted.setdefault(i.file, set()).add(i.row)
        owners: dict[tuple[str, int], str] = {}
        for t in self.tables.values():
            rows_ = wanted.get(str(t.path))
            if rows_ and "agent_id" in t.frame and "_row" in t.frame:
                named = t.frame[t.frame["_row"].isin(rows_)]
                owners.update({(str(t.path), int(r)): a for r, a in zip(named["_row"].tolist(),
                                                                       named["agent_id"].tolist())})
        return [dataclasses.replace(i, agent_id=owners[(i.file, i.row)])
                if i.agent_id is None and (i.file, i.row) in owners else i for i in issues]

    def release_frames(self) -> None:
        """Let go of every table's rows once nothing will read them again (the audit is made and its
        report needs only the files' names, hashes and row counts): at 100,000 agents the month's
        schedule and punches are ~0.3 GB that the report's writing can use instead. Each table keeps
        its columns, empty; the roster stays whole."""
        for name, t in self.tables.items():
            if name != "roster":
                t.frame = t.frame.iloc[:0].copy()  # a copy: an empty slice would keep the columns alive

    def records(self) -> list[InputRecord]:
        return [InputRecord(name, str(t.path) + (f"#{t.sheet}" if t.sheet else ""), t.sha256, t.rows_read)
                for name, t in self.tables.items()] + self.extra_records


def check_roster(loaded: LoadedTable) -> list[Issue]:
    """Reporting-line and agent-field checks: kept rows, reported as warnings."""
    roster = loaded.frame
    issues: list[Issue] = []
    ids = value_set(roster["agent_id"])
    where = dict(file=str(loaded.path), sheet=loaded.sheet)
    if "reports_to" in roster:
        dangling = roster["reports_to"].notna() & ~isin_set(roster["reports_to"], ids)
        for _, r in roster[dangling].iterrows():
            issues.append(Issue(**where, row=int(r["_row"]), column=loaded.headers["reports_to"], value=r["reports_to"],
                                problem="reports_to names nobody in the roster; approvals up this line cannot be checked",
                                severity="warning"))
    agents = roster["role"] == "agent"
    for col in ("line", "grade"):
        if col not in roster:
            if agents.any():
                issues.append(Issue(**where, row=None, column=None, value=None,
                                    problem=f"no {col} column: agents' {col} is unknown", severity="warning"))
            continue
        blank = agents & roster[col].isna()
        for _, r in roster[blank].iterrows():
            issues.append(Issue(**where, row=int(r["_row"]), column=loaded.headers[col], value=None,
                                problem=f"agent without {col}", severity="warning"))
    return issues
