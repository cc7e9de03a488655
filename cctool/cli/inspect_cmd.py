"""`cctool inspect FILE`: how cctool reads an export, before any report."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from cctool.cli.common import RULES_OPTION
from cctool.cli.conventions import InspectTable, command_app, epilog
from cctool.cli.terminal import escape, guard, out_console, strip_controls, user
from cctool.errors import ExitCode

TABLE_HELP = "Read the file as this table (default: the table it looks like)."

app = command_app()


@app.command("inspect", epilog=epilog(
    "cctool inspect samples/punches.csv", "cctool inspect export.xlsx#Sheet1 --table calls --rules our-rules.yaml",
    codes=(ExitCode.OK, ExitCode.USAGE, ExitCode.BAD_INPUT, ExitCode.BAD_RULES, ExitCode.INTERNAL)))
def inspect(
    file: Path = typer.Argument(..., help="The export to look at (.csv, .xlsx[#Sheet], .parquet)."),
    table: Optional[InspectTable] = typer.Option(None, "--table", help=TABLE_HELP),
    rules: Optional[Path] = RULES_OPTION,
    roster: Optional[Path] = typer.Option(None, "--roster", help="For a DingTalk / WeCom / ZKTeco export: match "
                                          "its people to this roster as the reports do (else by 工号 only)."),
) -> None:
    """Show how a file is read: format, header, table, each field's source column(s), five parsed rows, unreadable values, dates covered, and the mapping lines to add."""
    from cctool.io.inspect import inspect_file
    from cctool.rules import load_rules

    with guard():
        loaded = load_rules(rules)
        described = _layout(file, None if table is None else table.value, loaded.rules, roster)
        ins = None if described else inspect_file(file, None if table is None else table.value, loaded.rules)
    if described:  # a DingTalk / WeCom / ZKTeco export: read by its layout, no mapping needed
        _render_layout(described, roster is not None)
        return
    _render(ins)
    if not ins.ok:
        raise typer.Exit(ExitCode.BAD_INPUT)


def _layout(file: Path, table: str | None, rules, roster: Path | None):
    """The product layout the readers would apply to this file (cctool.io.layouts), or None.
    Only for the tables a layout gives (punches, schedule, leave)."""
    from cctool.io.inputs import InputSet

    try:
        from cctool.io.layouts import LAYOUT_TABLES, LAYOUTS, describe, detect
    except ImportError:  # the layout adapters are not installed
        return None
    if table is not None and (table not in LAYOUT_TABLES or detect(file, table) is None):
        other = detect(file)
        if other is not None and not rules.columns.mapping(table):  # e.g. --table schedule on a 原始记录
            from cctool.errors import InputError

            raise InputError(f"{file}: a {LAYOUTS[other].label} export ({other}); it gives "
                             f"{' and '.join(LAYOUTS[other].tables)}, not {table}")
        return None
    if detect(file, table) is None:
        return None
    # A rules file that maps the table's columns is read by that mapping, as the reports do.
    found = table or next(t for t in LAYOUT_TABLES if detect(file, t) is not None)
    if rules.columns.mapping(found):
        return None
    people = InputSet(rules).load("roster", roster) if roster is not None else None
    return describe(file, table, people, rules=rules)


# Issues of an export listed by inspect; the rest are counted.
SHOWN_ISSUES = 10


def _render_layout(desc, with_roster: bool) -> None:
    p = out_console.print
    p(f"[bold]{user(desc.layout)}[/bold]: read as a product export, no mapping needed")
    for line in desc.lines():
        p(user(line))
    p(f"Rows: {desc.rows} read, {desc.kept} {desc.table} row(s) given")
    if desc.dates:
        lo, hi = desc.dates
        p(f"Dates covered: {lo:%Y-%m-%d} .. {hi:%Y-%m-%d}")
    if not desc.issues:
        p("No unreadable values.")
        return
    p(f"{len(desc.issues)} problem(s), listed on the reports' Errors sheet"
      + ("" if with_roster else " (without --roster, people are matched by 工号 / 考勤号码 only)") + ":")
    for i in desc.issues[:SHOWN_ISSUES]:
        where = ", ".join(x for x in (f"sheet {i.sheet!r}" if i.sheet else "", f"row {i.row}" if i.row else "",
                                      f"column {i.column!r}" if i.column else "") if x)
        value = f" (value {i.value!r})" if i.value is not None else ""
        p(f"  {i.severity}: {user(where)}: {user(i.problem)}{user(value)}")
    if len(desc.issues) > SHOWN_ISSUES:
        p(f"  … and {len(desc.issues) - SHOWN_ISSUES} more")


def _render(ins) -> None:
    from rich.table import Table

    p = out_console.print
    p(f"[bold]{user(str(ins.path))}[/bold]")
    enc = f", encoding {ins.encoding}" if ins.encoding else ""
    sheet = f", sheet {user(repr(ins.sheet))}" if ins.sheet else ""
    p(f"Format {ins.file_format}{enc}{sheet}; header row {ins.header_row}; {len(ins.headers)} columns")
    if ins.layout:
        p(f"Layout: {user(ins.layout)}")
    how = "looks like" if ins.guessed else "read as"
    p(f"Table: {how} [bold]{user(ins.table_key)}[/bold]" + (" (raw punch events)" if ins.table == "punch_events" else ""))
    if ins.guessed:
        p("  required fields found: " + ", ".join(f"{t} {f}/{n}" for t, f, n in ins.candidates[:4]))
    fields = Table(title="Fields", show_lines=False)
    fields.add_column("Field")
    fields.add_column("Required")
    fields.add_column("← Source column(s), format, value map", overflow="fold")
    fields.add_column("From")
    from cctool.io.tables import TABLES

    for col in TABLES[ins.table].columns:
        src = ins.resolution.sources.get(col.name)
        fields.add_row(col.name, "yes" if ins.required(col.name) else "", user(src.describe()) if src else "(not found)",
                       user(src.yaml_path) if src and src.yaml_path else ("header" if src else ""))
    p(fields)
    if ins.error:
        p(f"[bold red]Cannot read the file as {ins.table_key}:[/bold red] {escape(strip_controls(ins.error, keep_lines=True))}")
        if ins.looks_like:
            p(f"Its headers are those of [bold]{ins.looks_like}[/bold]: is this the right file? "
              f"(try --table {ins.looks_like})")
    else:
        p(f"Rows: {ins.rows_read} read, {ins.rows_kept} usable"
          + (f"; {ins.no_agent_calls} call(s) reached no agent (offered and abandoned)" if ins.no_agent_calls else ""))
        for note in ins.notes:
            p(f"[yellow]Check:[/yellow] {user(note)}")
        if ins.undirected:
            p("No direction column: per shift window the first punch is the sign-in and the last the "
              "sign-out; a shift with one punch is a missing punch.")
        if ins.dates:
            lo, hi = ins.dates
            p(f"Dates covered: {lo:%Y-%m-%d} .. {hi:%Y-%m-%d}")
        if ins.sample is not None and len(ins.sample):
            rows = Table(title=f"First {len(ins.sample)} rows as parsed", show_lines=False)
            for c in ins.sample.columns:
                rows.add_column(user(str(c)), overflow="fold")
            for rec in ins.sample.astype(object).itertuples(index=False):
                rows.add_row(*[user(_cell(v)) for v in rec])
            p(rows)
        if ins.unreadable:
            bad = Table(title="Unreadable values", show_lines=False)
            bad.add_column("Column")
            bad.add_column("Count", justify="right")
            bad.add_column("First examples (row: value)", overflow="fold")
            bad.add_column("Problem", overflow="fold")
            for column, n, examples, problem in ins.unreadable:
                shown = "; ".join(f"{r}: {v!r}" for r, v in examples)
                bad.add_row(user(column), str(n), user(shown), user(problem))
            p(bad)
        else:
            p("No unreadable values.")
    if ins.snippet:
        p("Add to the rules file (check each line):")
        out_console.print(strip_controls(ins.snippet, keep_lines=True), markup=False, highlight=False)


def _cell(value) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, (list, dict)) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M:%S") if value != value.normalize() else value.strftime("%Y-%m-%d")
    return str(value)
