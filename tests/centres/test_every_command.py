"""Every command, end to end through the CLI, on randomly generated contract-valid centres
(issue 9 §2). Each example writes one small centre (≤ 15 people, ≤ 1 month) in drawn file
formats and header languages, runs the command in-process with `--json`, and checks:

- never exit 1: any exit is a documented code, and exit 3 only when the data does not cover
  the period, with a message that says what is missing;
- every scheduled roster person appears in the audit Summary and in the payroll;
- worked + absent + leave = scheduled (judged) days, and judged + pending + feed-gap shifts =
  the schedule's shifts, per person;
- pay lines reconcile to the totals to the cent; net is never negative;
- every shift finding belongs to a scheduled shift;
- input rows = used rows + reported rows (contract-valid rows are never rejected);
- simulate under one rules file both ways changes nobody; explain lists only the person's own
  scheduled shifts; call-metrics then `--metrics` gives the calls of `--calls`.

Profiles (tests/conftest.py): "ci" (default, bounded), "long" (`HYPOTHESIS_PROFILE=long`).
"""
from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from cctool.cli.main import app
from cctool.periods import period_bounds
from centres.strategies import Centre, centres
from centres.writer import layouts, write_table

runner = CliRunner()
DOCUMENTED_EXITS = {0, 2, 3, 4, 5, 6, 7}
SHIFT_KINDS = {"late", "excused_late", "early_leave", "absent_half_day", "absent_full_day", "missing_punch", "pending",
               "feed_gap"}
DECISIONS = {"promote", "keep", "below_current", "eligible_for_regular", "too_early", "trainee_overdue", "not_graded"}
TABLE_NAMES = ("roster", "schedule", "punches", "leave", "excusals", "swaps", "calls", "kpi", "exams",
               "previous_roster")


# ----------------------------------------------------------------------------- writing and running

@st.composite
def written_centres(draw):
    """A centre and the layout (format, headers, date cells) of each of its files."""
    centre = draw(centres())
    chosen = {name: draw(layouts("calls" if name == "calls" else "roster" if name == "previous_roster" else name))
              for name in TABLE_NAMES}
    return centre, chosen


def write_centre(centre: Centre, chosen: dict, folder: Path) -> dict[str, Path]:
    frames = {"roster": centre.roster, "schedule": centre.schedule, "punches": centre.punches,
              "leave": centre.leave, "excusals": centre.excusals, "swaps": centre.swaps, "calls": centre.calls,
              "kpi": centre.kpi, "exams": centre.exams, "previous_roster": centre.previous_roster}
    paths = {}
    for name, frame in frames.items():
        if frame is None:
            continue
        table = "punch_events" if name == "punches" and centre.punch_form == "raw" else \
            "roster" if name == "previous_roster" else name
        paths[name] = write_table(frame, table, folder / name, chosen[name])
    return paths


def invoke(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=True)


def describe(result) -> str:
    """Exit code, output and, for a crash, where in cctool it happened (the last cctool frames)."""
    import traceback

    text = f"exit {result.exit_code}\n{result.output.strip()}"
    if result.exit_code == 1 and result.exc_info:
        exc = result.exc_info[1]
        frames = [f for f in traceback.extract_tb(result.exc_info[2]) if "/cctool/" in f.filename][-3:]
        where = "\n".join(f"  {Path(f.filename).name}:{f.lineno} {f.name}: {f.line}" for f in frames)
        text += f"\n{type(exc).__name__}: {str(exc)[:300]}\n{where}"
    return text


def check_exit(result, uncovered: list[str], *, allowed: set[int] = frozenset({0})) -> bool:
    """True when the command produced a report; asserts the exit is documented and justified."""
    assert result.exit_code != 1, "exit 1 (internal error) on contract-valid data:\n" + describe(result)
    assert result.exit_code in DOCUMENTED_EXITS, describe(result)
    if result.exit_code == 3 and uncovered:
        message = result.output.strip()
        assert message, "exit 3 without a message"
        assert re.search(r"no |not |cover|missing|partial|pending", message, re.I), \
            f"exit 3 must say what is missing ({'; '.join(uncovered)}):\n{message}"
        return False
    assert result.exit_code in allowed, \
        f"unexpected exit on contract-valid data covering the period ({uncovered or 'covered'}):\n" + describe(result)
    return result.exit_code in (0, 6)


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- shared invariants

def cents(value) -> int:
    return int((Decimal(str(value)) * 100).to_integral_value())


def check_rows_accounted(doc: dict, centre: Centre, paths: dict[str, Path]) -> None:
    """Input rows = used rows + reported rows. Every generated row is valid, so the rows read must
    be the rows written, and no row may be rejected (an error issue on a row)."""
    written = {"roster": centre.roster, "schedule": centre.schedule, "punches": centre.punches,
               "leave": centre.leave, "excusals": centre.excusals, "swaps": centre.swaps, "calls": centre.calls,
               "kpi": centre.kpi, "exams": centre.exams, "previous_roster": centre.previous_roster}
    for rec in doc["inputs"]:
        frame = written.get(rec["name"])
        if frame is not None:
            assert rec["rows"] == len(frame), f"{rec['name']}: {rec['rows']} rows read, {len(frame)} written"
    rejected = [i for i in doc["issues"] if i.get("severity", "error") == "error" and i.get("row") is not None]
    assert not rejected, "contract-valid rows rejected:\n" + "\n".join(map(str, rejected[:10]))


def check_attendance_records(doc: dict, centre: Centre) -> None:
    roster_ids = set(centre.roster["agent_id"])
    people = {r["agent_id"] for r in doc["records"]}
    # Standby people are expected nowhere: their unpunched shifts leave the audit with a warning
    # (issue 9 §5), so they may have fewer audited shifts, or none.
    standby = set(centre.roster.loc[centre.roster["status"] == "standby", "agent_id"]) \
        if "status" in centre.roster else set()
    missing = centre.scheduled_people() - people - standby
    assert not missing, f"scheduled people missing from the Summary: {sorted(missing)}"
    assert people <= roster_ids
    per_person: dict[str, int] = {}
    for agent, _ in centre.shifts:
        per_person[agent] = per_person.get(agent, 0) + 1
    for r in doc["records"]:
        # Shifts not judged are out of scheduled_days: not over at --as-of (pending), or on a day
        # the time clock sent nothing for anyone (ATT-FEED-GAP, a review item per shift).
        unjudged = (r.get("pending_days") or 0) + (r.get("feed_gap_count") or 0)
        audited = r["scheduled_days"] + unjudged
        shifts = per_person.get(r["agent_id"], 0)
        assert audited == shifts or (r["agent_id"] in standby and audited < shifts), \
            f"{r['agent_id']}: {per_person.get(r['agent_id'], 0)} shifts in the schedule, record {r}"
        total = r["worked_days"] + r["absent_days"] + r["leave_days"]
        assert abs(total - r["scheduled_days"]) < 0.011, \
            f"{r['agent_id']}: worked {r['worked_days']} + absent {r['absent_days']} + leave {r['leave_days']} " \
            f"!= scheduled {r['scheduled_days']}"
        assert r["worked_days"] >= 0 and r["absent_days"] >= 0 and r["leave_days"] >= 0, r
    for e in doc["events"]:
        assert e["agent_id"] in roster_ids, e
        assert e["rule_id"], e
        if e["kind"] in SHIFT_KINDS:
            assert (e["agent_id"], dt.date.fromisoformat(e["date"][:10])) in centre.shifts, \
                f"finding on no scheduled shift: {e}"


def uncovered_month(centre: Centre) -> list[str]:
    why = []
    if not centre.shifts:
        why.append(f"no shift in {centre.month}")
    if not centre.punch_days() & set(centre.days()):
        why.append(f"no punch in {centre.month}")
    why += [f"no punch in the centre on {d} (ATT-FEED-GAP)" for d in possible_feed_gaps(centre)]
    return why


def possible_feed_gaps(centre: Centre, min_shifts: int = 2) -> list[dt.date]:
    """Days of the month with at least `min_shifts` scheduled shifts (the default rules'
    attendance.feed_gap.min_shifts) and no punch stamp at all in the centre: ATT-FEED-GAP days,
    which the audit refuses to judge without --allow-partial. Counted generously (every
    scheduled row, finished or not), so a day the audit may call a gap is never missed."""
    stamps = set()
    for col in ("date", "sign_in", "sign_out", "time"):
        if col in centre.punches:
            stamps |= {str(v)[:10] for v in centre.punches[col] if str(v or "").strip()[:4].isdigit()}
    per_day = centre.schedule["date"].astype(str).str[:10].value_counts()
    month = {d.isoformat() for d in centre.days()}
    return sorted(dt.date.fromisoformat(d) for d, n in per_day.items()
                  if n >= min_shifts and d in month and d not in stamps)


# ----------------------------------------------------------------------------- the commands

@given(written_centres(), st.booleans())
def test_attendance_audit(case, fail_on):
    centre, chosen = case
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        p = write_centre(centre, chosen, tmp)
        args = ["attendance-audit", "--month", centre.month, "--roster", p["roster"], "--schedule", p["schedule"],
                "--punches", p["punches"], "--out", tmp / "audit.xlsx", "--json", tmp / "audit.json"]
        for name in ("leave", "excusals", "swaps"):
            if name in p:
                args += [f"--{name}", p[name]]
        if fail_on:
            args += ["--fail-on", "findings"]
        result = invoke(*args)
        if not check_exit(result, uncovered_month(centre), allowed={0, 6} if fail_on else {0}):
            assert not (tmp / "audit.xlsx").exists() and not (tmp / "audit.json").exists()
            return
        doc = load_json(tmp / "audit.json")
        check_attendance_records(doc, centre)
        check_rows_accounted(doc, centre, p)


@given(written_centres(), st.booleans(), st.booleans(), st.booleans())
def test_monthly_payroll(case, with_calls, with_kpi, as_of):
    centre, chosen = case
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        p = write_centre(centre, chosen, tmp)
        args = ["monthly-payroll", "--month", centre.month, "--roster", p["roster"], "--schedule", p["schedule"],
                "--punches", p["punches"], "--out", tmp / "pay.xlsx", "--json", tmp / "pay.json"]
        for name in ("leave", "excusals"):
            if name in p:
                args += [f"--{name}", p[name]]
        if with_calls:
            args += ["--calls", p["calls"]]
            # payroll with --calls needs calls in the month (issue 9 §3): calls on both sides of a
            # month with shifts do not cover it (0.00 commission for everyone)
            times = [dt.datetime.fromisoformat(t).date() for t in centre.calls["start_time"]]
            if not any(centre.lo <= t < centre.hi for t in times):
                uncovered_calls = ["no call in the month"]
            else:
                uncovered_calls = []
        if with_kpi:
            args += ["--kpi", p["kpi"], "--exams", p["exams"]]
        uncovered = uncovered_month(centre) + (uncovered_calls if with_calls else [])
        if as_of:  # the month is over, its last night shift too (the generated months are past)
            args += ["--as-of", f"{(centre.hi + dt.timedelta(days=1)).isoformat()} 12:00"]
        else:  # as-of = the latest punch: later shifts are pending and the payroll refuses (exit 3)
            uncovered.append("shifts after the latest punch are not over")
        result = invoke(*args)
        if not check_exit(result, uncovered):
            assert not (tmp / "pay.xlsx").exists()
            return
        doc = load_json(tmp / "pay.json")
        paid = {r["agent_id"] for r in doc["records"]}
        missing = centre.scheduled_people() - paid
        assert not missing, f"scheduled people missing from the payroll: {sorted(missing)}"
        sums = {c: 0 for c in ("base_pay", "performance_bonus", "commission", "overtime_pay", "deductions", "gross",
                               "net")}
        if doc["records"] and "withheld" in doc["records"][0]:
            sums["withheld"] = 0
        for r in doc["records"]:
            c = {k: cents(r[k]) for k in sums}
            assert c["gross"] == c["base_pay"] + c["performance_bonus"] + c["commission"] + c["overtime_pay"], r
            assert c["net"] == c["gross"] - c["deductions"], r
            assert c["net"] >= 0, f"negative net pay: {r['agent_id']}"
            taken = sum(cents(ln["amount"]) for ln in r["deduction_lines"])
            assert taken == c["deductions"], f"{r['agent_id']}: deduction lines {taken} vs deductions {c['deductions']}"
            if "withheld" in r:  # earnings a rule stopped: their own lines, not in gross
                stopped = sum(cents(ln["amount"]) for ln in r.get("withheld_lines", []))
                assert stopped == cents(r["withheld"]), f"{r['agent_id']}: withheld lines {stopped} vs {r['withheld']}"
                assert cents(r["withheld"]) >= 0
            for k in sums:
                sums[k] += c[k]
        overall = [t for t in doc["totals"] if t["department"] == "(all)" and t["team"] == "(all)"]
        if doc["records"]:
            assert len(overall) == 1
            for k, v in sums.items():
                if k not in overall[0]:
                    continue
                assert cents(overall[0][k]) == v, f"total {k}: {overall[0][k]} vs the people's {v / 100}"
        check_rows_accounted(doc, centre, p)


@given(written_centres(), st.booleans(), st.booleans())
def test_grade_agents(case, with_punches, with_schedule):
    centre, chosen = case
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        p = write_centre(centre, chosen, tmp)
        args = ["grade-agents", "--quarter", centre.quarter, "--roster", p["roster"], "--calls", p["calls"],
                "--kpi", p["kpi"], "--out", tmp / "grades.xlsx", "--json", tmp / "grades.json"]
        if with_punches:
            args += ["--punches", p["punches"]]
        if with_schedule:
            args += ["--schedule", p["schedule"]]
        uncovered = []
        if centre.calls.empty:
            uncovered.append(f"no call in {centre.quarter}")
        if not (with_punches or with_schedule):
            uncovered.append("no hours source")
        if with_punches and centre.punches.empty or with_schedule and not centre.shifts:
            uncovered.append("hours source without data in the quarter")
        # A generated centre holds one month: its exports never reach both ends of the quarter
        # (coverage.max_edge_gap_days), and its KPI file lacks two of the quarter's months.
        uncovered.append(f"the exports hold {centre.month} only, not the whole of {centre.quarter}")
        assert not check_exit(invoke(*args), uncovered)
        result = invoke(*args, "--allow-partial")  # graded anyway, and marked partial
        assert check_exit(result, []), describe(result)
        doc = load_json(tmp / "grades.json")
        assert doc["coverage"]["partial"] is True, doc["coverage"]
        agents = set(centre.roster.loc[centre.roster["role"] == "agent", "agent_id"])
        for r in doc["records"]:
            assert r["agent_id"] in agents, r
            assert r["decision"] in DECISIONS, r
            assert r["rule_ids"] and r["explanation"], r
        check_rows_accounted(doc, centre, p)


@given(written_centres(), st.sampled_from(("day", "week", "month")), st.integers(0, 30), st.booleans())
def test_kpi_report(case, period, day_index, with_attendance):
    centre, chosen = case
    days = centre.days()
    day = days[min(day_index, len(days) - 1)]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        p = write_centre(centre, chosen, tmp)
        args = ["kpi-report", "--period", period, "--date", day.isoformat(), "--roster", p["roster"],
                "--calls", p["calls"], "--out", tmp / "kpi.xlsx", "--json", tmp / "kpi.json"]
        if with_attendance:
            args += ["--punches", p["punches"], "--schedule", p["schedule"]]
            for name in ("leave", "excusals"):
                if name in p:
                    args += [f"--{name}", p[name]]
        if period == "month":
            args += ["--kpi", p["kpi"], "--exams", p["exams"]]
        result = invoke(*args)
        if not check_exit(result, _uncovered_calls(centre, period, day, with_attendance)):
            return
        doc = load_json(tmp / "kpi.json")
        roster_ids = set(centre.roster["agent_id"])
        for r in doc["records"]:
            assert r["agent_id"] in roster_ids, r
            assert r.get("targets_met") in (True, False, None, "unknown"), r
        check_rows_accounted(doc, centre, p)


def _uncovered_calls(centre: Centre, period: str, day: dt.date, with_attendance: bool) -> list[str]:
    lo, hi = period_bounds(period, day)
    times = [dt.datetime.fromisoformat(t).date() for t in centre.calls["start_time"]]
    why = []
    if not any(lo <= t < hi for t in times):
        why.append(f"no call in {lo}..{hi}")
    elif (min(times) - lo).days > 7 or ((hi - dt.timedelta(days=1)) - max(times)).days > 7:
        # coverage.max_edge_gap_days (7 by default): the log must reach both ends of the period
        # (judged generously here: up to the period's end, not the as-of time)
        why.append(f"the call log leaves more than 7 days at an end of {lo}..{hi}")
    if period == "month" and lo.strftime("%Y-%m") not in set(centre.kpi["month"].astype(str).str[:7]):
        why.append(f"no KPI score for {lo:%Y-%m}")
    if with_attendance:
        if not any(lo <= d < hi for _, d in centre.shifts):
            why.append(f"no shift in {lo}..{hi}")
        if not any(lo <= d < hi for d in centre.punch_days()):
            why.append(f"no punch in {lo}..{hi}")
        last_punch = _latest_punch_day(centre)
        if last_punch is not None and any(lo <= t < hi and t > last_punch for t in times):
            # the as-of time is the latest punch: calls on later days would count while their
            # shifts are pending (issue 9 §3/§4)
            why.append(f"calls in {lo}..{hi} after the latest punch ({last_punch})")
    return why


def _latest_punch_day(centre: Centre) -> dt.date | None:
    stamps = [str(v)[:10] for col in ("sign_in", "sign_out", "time") if col in centre.punches
              for v in centre.punches[col] if str(v or "").strip()[:4].isdigit()]
    return dt.date.fromisoformat(max(stamps)) if stamps else None


@given(written_centres(), st.integers(0, 30), st.booleans())
def test_daily_brief(case, day_index, with_attendance):
    centre, chosen = case
    days = centre.days()
    day = days[min(day_index, len(days) - 1)]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        p = write_centre(centre, chosen, tmp)
        args = ["daily-brief", "--date", day.isoformat(), "--roster", p["roster"], "--calls", p["calls"],
                "--format", "json", "--out", tmp / "brief.json"]
        if with_attendance:
            args += ["--punches", p["punches"], "--schedule", p["schedule"]]
            for name in ("leave", "excusals"):
                if name in p:
                    args += [f"--{name}", p[name]]
        result = invoke(*args)
        if not check_exit(result, _uncovered_calls(centre, "day", day, with_attendance)):
            return
        doc = load_json(tmp / "brief.json")
        assert doc["date"] == day.isoformat()
        check_rows_accounted(doc, centre, p)


def _over(centre: Centre) -> list[str]:
    """--as-of the day after the month: every shift of the (past) generated month is over."""
    return ["--as-of", f"{(centre.hi + dt.timedelta(days=1)).isoformat()} 12:00"]


def _attendance_args(centre: Centre, p: dict[str, Path]) -> list:
    args = ["--month", centre.month, "--roster", p["roster"], "--schedule", p["schedule"], "--punches", p["punches"]]
    for name in ("leave", "excusals", "swaps"):
        if name in p:
            args += [f"--{name}", p[name]]
    return args + _over(centre)


@given(written_centres())
def test_simulate_with_the_same_rules_changes_nothing(case):
    """simulate judges the month twice: under one rules file both ways, nobody's outcome changes."""
    from cctool.rules.load import default_rules_path

    centre, chosen = case
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        p = write_centre(centre, chosen, tmp)
        result = invoke("simulate", "--rules", default_rules_path(), *_attendance_args(centre, p),
                        "--out", tmp / "w.xlsx", "--json", tmp / "w.json")
        if not check_exit(result, uncovered_month(centre)):
            assert not (tmp / "w.xlsx").exists()
            return
        doc = load_json(tmp / "w.json")
        assert doc["records"] == [] and doc["totals"]["people_affected"] == 0, doc["records"][:3]
        check_rows_accounted(doc, centre, p)


@given(written_centres(), st.integers(0, 14))
def test_explain(case, index):
    """explain --agent for anyone in the roster: every shift it lists is one of theirs in the schedule."""
    centre, chosen = case
    agent = str(centre.roster["agent_id"].iloc[index % len(centre.roster)])
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        p = write_centre(centre, chosen, tmp)
        result = invoke("explain", "--agent", agent, *_attendance_args(centre, p), "--format", "json",
                        "--out", tmp / "e.json")
        if not check_exit(result, uncovered_month(centre)):
            return
        doc = load_json(tmp / "e.json")
        assert doc["agent_id"] == agent
        for shift in doc["shifts"]:
            assert (agent, dt.date.fromisoformat(shift["date"][:10])) in centre.shifts, shift


@given(written_centres())
def test_call_metrics_give_the_figures_of_the_call_log(case):
    """call-metrics then kpi-report --metrics: the same calls per agent as kpi-report --calls."""
    centre, chosen = case
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        p = write_centre(centre, chosen, tmp)
        made = invoke("call-metrics", "--month", centre.month, "--calls", p["calls"], "--out", tmp / "m.parquet")
        assert made.exit_code in DOCUMENTED_EXITS and made.exit_code != 1, describe(made)
        if made.exit_code != 0:
            return
        day = centre.days()[14]
        base = ["kpi-report", "--period", "month", "--date", day.isoformat(), "--roster", p["roster"], "--allow-partial"]
        direct = invoke(*base, "--calls", p["calls"], "--out", tmp / "a.xlsx", "--json", tmp / "a.json")
        via = invoke(*base, "--metrics", tmp / "m.parquet", "--out", tmp / "b.xlsx", "--json", tmp / "b.json")
        assert direct.exit_code == via.exit_code, describe(direct) + "\n" + describe(via)
        if direct.exit_code != 0:
            return
        calls = lambda path: {r["agent_id"]: (r["calls"], r["successes"]) for r in load_json(path)["records"]}  # noqa: E731
        assert calls(tmp / "a.json") == calls(tmp / "b.json")


@given(written_centres())
def test_headcount(case):
    centre, chosen = case
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        p = write_centre(centre, chosen, tmp)
        args = ["headcount", "--month", centre.month, "--roster", p["roster"], "--out", tmp / "hc.xlsx",
                "--json", tmp / "hc.json"]
        if "previous_roster" in p:
            args += ["--previous-roster", p["previous_roster"]]
        result = invoke(*args)
        assert check_exit(result, [])
        doc = load_json(tmp / "hc.json")
        for t in doc["records"]:
            assert t["start"] + t["joiners"] - t["leavers"] + t["transfers_in"] - t["transfers_out"] == t["end"], t
        check_rows_accounted(doc, centre, p)


@given(written_centres(), st.sampled_from([n for n in TABLE_NAMES if n != "exams"]))  # inspect has no exams table
def test_inspect(case, name):
    """`cctool inspect FILE --table T` (new on main with the column mapping) reads each generated
    file as its table: exit 0, every row read and usable, the table it was asked for."""
    centre, chosen = case
    with tempfile.TemporaryDirectory() as tmp:
        p = write_centre(centre, chosen, Path(tmp))
        if name not in p:
            return
        table = "roster" if name == "previous_roster" else name
        result = invoke("inspect", p[name], "--table", table)
        assert check_exit(result, [])
        text = " ".join(result.output.split())
        frame = centre.previous_roster if name == "previous_roster" else getattr(centre, name)
        rows = re.search(r"Rows: (\d+) read, (\d+) usable", text)
        assert rows, text[:2000]
        assert (int(rows.group(1)), int(rows.group(2))) == (len(frame), len(frame)), text[:2000]
