"""Hypothesis strategies for contract-valid call centres (docs/DATA.md), built as DataFrames.

A `Centre` holds every input table of one small centre (at most 15 people, one month) as
canonical text, the way an export would hold it, plus the facts the invariants need (who is
scheduled when). Everything drawn here meets the data contract: the roster's reporting lines
exist, every row's agent is in the roster, keys are unique, values are in range. What varies
is what the contract leaves open: optional columns present or absent, optional values blank,
staff with and without teams, one to several teams, empty optional tables, days and whole
periods without shifts, night shifts across midnight, paired or raw punches, half-day leave,
valid and invalid approval chains, excusals for all / a team / an agent, swaps, and (in
writer.py) the file format, encoding and header language of each table.

`KNOWN_GAPS` names contract-valid shapes that today's main still mishandles, each fixed on
another branch; the generator leaves them out until that fix lands (the minimal failing case
is pinned in test_found.py), so these properties stay green and keep finding new bugs.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from hypothesis import strategies as st

# Contract-valid shapes main does not handle yet (issue 9 §1/§3/§5, fixed on other branches).
# Remove an entry when its fix is on main; test_found.py pins the minimal case of each.
KNOWN_GAPS: set[str] = set()

TEAM_NAMES = ("TSR-1", "TSR-2", "电销一组", "客服 2", "CSR-A", "Night")
GIVEN_NAMES = ("Li Wei", "王芳", "Zhang Min", "陈静", "Liu Yang", "赵磊", "Ana", "周 杰", "Sun Li", "吴敏", "O'Brien",
               "Hu Bo", "郑爽", "Ma Lin", "黄晓明", "Xu", "Guo Jing")
SHIFTS = {  # name: (start, end); an end before the start ends the next day
    "day": ("09:00", "18:00"), "early": ("08:00", "17:00"), "late": ("14:00", "23:00"),
    "night": ("22:00", "06:00"), "evening": ("18:00", "03:00"), "short": ("10:00", "14:30"),
}
OPTIONAL = {
    "roster": ("line", "grade", "reports_to", "exit_date", "new_hire_exam_passed", "regular_exam_passed", "status"),
    "schedule": ("overtime", "overtime_arranged"),
    "leave": ("days", "channel", "documents_complete", "approvals", "reason_false"),
    "calls": ("amount",),
    "excusals": ("reason",),
}
MAX_PEOPLE = 15
MONTHS = tuple(f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13) if (y, m) <= (2026, 10))


@dataclass
class Centre:
    month: str
    roster: pd.DataFrame
    schedule: pd.DataFrame
    punches: pd.DataFrame
    punch_form: str  # "paired" | "raw"
    leave: pd.DataFrame | None
    excusals: pd.DataFrame | None
    swaps: pd.DataFrame | None
    calls: pd.DataFrame
    kpi: pd.DataFrame
    exams: pd.DataFrame
    previous_roster: pd.DataFrame | None = None
    # Facts for the invariants: (agent_id, date) of every shift in the month within employment.
    shifts: set = field(default_factory=set)

    @property
    def lo(self) -> dt.date:
        return dt.date.fromisoformat(self.month + "-01")

    @property
    def hi(self) -> dt.date:
        return (pd.Timestamp(self.lo) + pd.offsets.MonthBegin(1)).date()

    @property
    def quarter(self) -> str:
        return f"{self.month[:4]}Q{(int(self.month[5:]) - 1) // 3 + 1}"

    def days(self) -> list[dt.date]:
        return [d.date() for d in pd.date_range(self.lo, self.hi - dt.timedelta(days=1))]

    def scheduled_people(self) -> set[str]:
        return {a for a, _ in self.shifts}

    def punch_days(self) -> set:
        col = "date" if self.punch_form == "paired" else "time"
        return {dt.date.fromisoformat(t[:10]) for t in self.punches[col]}


def _maybe_blank(draw, value, p_blank: bool):
    return "" if p_blank and draw(st.booleans()) else value


def _fmt_date(d: dt.date) -> str:
    return d.isoformat()


def _fmt_dt(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S") if t.second else t.strftime("%Y-%m-%d %H:%M")


# ----------------------------------------------------------------------------- roster

@st.composite
def rosters(draw, month: str):
    """A reporting tree: director → ops manager → deputy → supervisors → team leads → agents, plus
    support staff. Managers and support staff may have no team; team leads and agents always do."""
    lo = pd.Timestamp(month + "-01")
    hi = lo + pd.offsets.MonthBegin(1)
    teams = draw(st.lists(st.sampled_from(TEAM_NAMES), min_size=1, max_size=3, unique=True))
    allow_teamless = "staff_without_team" not in KNOWN_GAPS
    people: list[dict] = []
    ids = iter(draw(st.permutations([f"E{n:03d}" for n in range(101, 101 + MAX_PEOPLE)])))

    def person(role, team, reports_to, dept="operations"):
        rid = next(ids)
        people.append({"agent_id": rid, "role": role, "team": team, "reports_to": reports_to, "department": dept})
        return rid

    def mgmt_team():
        # Without a team (the contract allows it for everyone but agents and team leads) or a
        # management team as today's main requires.
        return "" if allow_teamless and draw(st.booleans()) else draw(st.sampled_from(("MGMT", "管理层")))

    top = None
    if draw(st.booleans()):
        top = person("director", mgmt_team(), "")
    if draw(st.booleans()):
        top = person("ops_manager", mgmt_team(), top or "")
    if draw(st.booleans()):
        top = person("deputy_manager", mgmt_team(), top or "")

    def room(reserve: int = 0) -> bool:  # at most MAX_PEOPLE, keeping a place for each team's first agent
        return len(people) + reserve < MAX_PEOPLE

    for i, team in enumerate(teams):
        waiting = len(teams) - i  # teams (this one included) still needing their first agent
        sup = person("supervisor", team if not allow_teamless or draw(st.booleans()) else "", top or "") \
            if draw(st.booleans()) and room(waiting) else top
        lead = person("team_lead", team, sup or "") if draw(st.booleans()) and room(waiting) else sup
        person("agent", team, lead or "")
        for _ in range(draw(st.integers(0, 3))):
            if room(waiting - 1):
                person("agent", team, lead or "")
    for role in draw(st.lists(st.sampled_from(("qa", "trainer", "analyst", "it", "reception", "support_manager")),
                              max_size=2)):
        if room():
            person(role, mgmt_team(), top or "", dept="support")

    names = draw(st.lists(st.sampled_from(GIVEN_NAMES), min_size=len(people), max_size=len(people)))
    rows = []
    for p, name in zip(people, names):
        agent = p["role"] == "agent"
        hire = draw(st.one_of(
            st.dates(dt.date(2019, 1, 1), (lo - pd.Timedelta(days=200)).date()),  # long-serving
            st.dates((lo - pd.Timedelta(days=200)).date(), (hi - pd.Timedelta(days=1)).date()),  # recent, may join mid-month
        ))
        leaves = draw(st.integers(0, 9)) == 0
        exit_ = draw(st.dates(max(hire, lo.date()), (hi - pd.Timedelta(days=1)).date())) if leaves else None
        status = "left" if exit_ else draw(st.sampled_from(("active",) * 8 + ("standby", "")))
        grade = draw(st.sampled_from(("trainee", "C", "B", "A"))) if agent else ""
        rows.append({
            "agent_id": p["agent_id"], "name": name, "team": p["team"], "role": p["role"],
            "line": draw(st.sampled_from(("TSR", "CSR", "TSR"))) if agent else "",
            "department": p["department"], "grade": grade, "reports_to": p["reports_to"],
            "hire_date": _fmt_date(hire), "exit_date": _fmt_date(exit_) if exit_ else "",
            "new_hire_exam_passed": draw(st.sampled_from(("yes", "no", "是", "否", ""))) if agent else "",
            "regular_exam_passed": draw(st.sampled_from(("yes", "no", ""))) if agent else "",
            "status": status,
        })
    frame = pd.DataFrame(rows)
    dropped = draw(st.sets(st.sampled_from(OPTIONAL["roster"])))
    # A `left` status needs its exit date in the file (else the status says nothing checkable).
    if "exit_date" in dropped:
        frame.loc[frame["status"] == "left", "status"] = "active"
    return frame.drop(columns=sorted(dropped))


# ----------------------------------------------------------------------------- schedule and punches

def _at(day: dt.date, hhmm: str) -> dt.datetime:
    h, m = map(int, hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(h, m))


def _employed(row, day: dt.date) -> bool:
    hire = dt.date.fromisoformat(row["hire_date"])
    exit_ = row.get("exit_date") or ""
    return hire <= day and (not exit_ or day <= dt.date.fromisoformat(exit_))


@st.composite
def schedules(draw, month: str, roster: pd.DataFrame):
    """Shifts for agents, team leads and some supervisors on some days of the month; some people,
    some days (and sometimes the whole month) have none."""
    lo = dt.date.fromisoformat(month + "-01")
    days = [d.date() for d in pd.date_range(lo, (pd.Timestamp(lo) + pd.offsets.MonthBegin(1)) - pd.Timedelta(days=1))]
    window = draw(st.integers(0, len(days) - 1))
    span = days[window: window + draw(st.integers(1, 10))]  # a short stretch keeps examples small
    rows = []
    for r in roster.to_dict("records"):
        if r["role"] not in ("agent", "team_lead") and not (r["role"] == "supervisor" and draw(st.booleans())):
            continue
        if draw(st.integers(0, 5)) == 0:
            continue  # scheduled nowhere this month
        kind = draw(st.sampled_from(sorted(SHIFTS)))
        for day in span:
            if not draw(st.integers(0, 3)) or not _employed(r, day):
                continue
            if draw(st.integers(0, 4)) == 0:
                kind = draw(st.sampled_from(sorted(SHIFTS)))
            start, end = SHIFTS[kind]
            ot = draw(st.integers(0, 6)) == 0
            rows.append({"agent_id": r["agent_id"], "date": _fmt_date(day), "shift_start": start, "shift_end": end,
                         "overtime": "yes" if ot else draw(st.sampled_from(("no", ""))),
                         "overtime_arranged": ("yes" if draw(st.booleans()) else "no") if ot else ""})
    frame = pd.DataFrame(rows, columns=["agent_id", "date", "shift_start", "shift_end", "overtime",
                                        "overtime_arranged"])
    dropped = draw(st.sets(st.sampled_from(OPTIONAL["schedule"])))
    return frame.drop(columns=sorted(dropped))


OUTCOMES = ("on_time", "on_time", "on_time", "late", "early", "late_and_early", "no_show", "only_in", "only_out")


@st.composite
def attendance_outcomes(draw, schedule: pd.DataFrame):
    """Per shift: what happened at the door, as (sign_in, sign_out) datetimes (None = no punch)."""
    out = []
    for r in schedule.to_dict("records"):
        day = dt.date.fromisoformat(r["date"])
        start = _at(day, r["shift_start"])
        end = _at(day, r["shift_end"])
        if end <= start:
            end += dt.timedelta(days=1)
        what = draw(st.sampled_from(OUTCOMES))
        jitter = lambda lo_, hi_: dt.timedelta(minutes=draw(st.integers(lo_, hi_)), seconds=draw(st.sampled_from((0, 0, 17))))  # noqa: E731
        sign_in = start - jitter(0, 20)
        sign_out = end + jitter(0, 30)
        if what in ("late", "late_and_early"):
            sign_in = start + jitter(1, 120)
        if what in ("early", "late_and_early"):
            sign_out = end - jitter(1, 120)
        if sign_out <= sign_in:
            sign_out = sign_in + dt.timedelta(minutes=30)
        if what == "no_show":
            sign_in = sign_out = None
        elif what == "only_in":
            sign_out = None
        elif what == "only_out":
            sign_in = None
        out.append((r["agent_id"], day, sign_in, sign_out))
    return out


@st.composite
def paired_punches(draw, outcomes):
    rows = []
    for agent, day, sin, sout in outcomes:
        if sin is None and sout is None:
            continue
        # A bare time is read on the row's date (a sign-out before the sign-in: the next day); a
        # sign-in after midnight needs its full date-time.
        bare = draw(st.booleans()) and (sin is None or sin.date() == day) and (
            sout is None or sout.date() == day or (sin is not None and sout.time() < sin.time()
                                                   and sout.date() == day + dt.timedelta(days=1)))
        if sin is None and sout is not None and sout.date() != day:
            bare = False
        fmt = (lambda t: t.strftime("%H:%M:%S") if t.second else t.strftime("%H:%M")) if bare else _fmt_dt
        rows.append({"agent_id": agent, "date": _fmt_date(day), "sign_in": fmt(sin) if sin else "",
                     "sign_out": fmt(sout) if sout else ""})
    return pd.DataFrame(rows, columns=["agent_id", "date", "sign_in", "sign_out"])


@st.composite
def raw_punches(draw, outcomes, roster: pd.DataFrame, month: str):
    """Raw in/out events: a double tap now and then, and a few punches no shift uses."""
    words = draw(st.sampled_from((("in", "out"), ("签入", "签出"), ("IN", "OUT"))))
    rows = []
    for agent, _, sin, sout in outcomes:
        for t, d in ((sin, 0), (sout, 1)):
            if t is None:
                continue
            rows.append({"agent_id": agent, "time": _fmt_dt(t), "direction": words[d]})
            if draw(st.integers(0, 9)) == 0:  # double tap
                rows.append({"agent_id": agent, "time": _fmt_dt(t + dt.timedelta(seconds=40)), "direction": words[d]})
    lo = dt.date.fromisoformat(month + "-01")
    for _ in range(draw(st.integers(0, 2))):  # unscheduled work, or a badge test
        r = roster.iloc[draw(st.integers(0, len(roster) - 1))]
        when = _at(lo + dt.timedelta(days=draw(st.integers(0, 27))), draw(st.sampled_from(("07:00", "12:10", "23:50"))))
        rows.append({"agent_id": r["agent_id"], "time": _fmt_dt(when), "direction": words[draw(st.integers(0, 1))]})
    rows = draw(st.permutations(rows)) if len(rows) < 40 else rows
    return pd.DataFrame(list(rows), columns=["agent_id", "time", "direction"])


# ----------------------------------------------------------------------------- leave, excusals, swaps

def _superiors(roster: pd.DataFrame, agent: str) -> list[str]:
    if "reports_to" not in roster:
        return []
    up = dict(zip(roster["agent_id"], roster["reports_to"]))
    chain, seen = [], {agent}
    while up.get(agent) and up[agent] not in seen:
        agent = up[agent]
        seen.add(agent)
        chain.append(agent)
    return chain


@st.composite
def leave_requests(draw, month: str, roster: pd.DataFrame, schedule: pd.DataFrame):
    """Full-day and half-day leave; approval chains complete, partial, out of order or blank."""
    if schedule.empty:
        candidates = list(roster["agent_id"])
        days = [dt.date.fromisoformat(month + "-01")]
    else:
        candidates = sorted(set(schedule["agent_id"]))
        days = sorted({dt.date.fromisoformat(d) for d in schedule["date"]})
    rows = []
    for n in range(draw(st.integers(0, 5))):
        agent = draw(st.sampled_from(candidates))
        own = sorted(dt.date.fromisoformat(d) for d in schedule.loc[schedule["agent_id"] == agent, "date"]) \
            if not schedule.empty else []
        # Mostly on one of the person's own shifts (where leave decides something), now and then not.
        first = draw(st.sampled_from(own if own and draw(st.integers(0, 4)) else days))
        kind = draw(st.sampled_from(("full", "full", "half", "multi")))
        if kind == "half":
            shift = schedule[(schedule["agent_id"] == agent) & (schedule["date"] == _fmt_date(first))] \
                if not schedule.empty else schedule
            base = _at(first, shift["shift_start"].iloc[0]) if len(shift) else _at(first, "09:00")
            if draw(st.booleans()):  # the second half of the shift
                base += dt.timedelta(hours=4)
            start, end = _fmt_dt(base), _fmt_dt(base + dt.timedelta(hours=4))
            days_n = "0.5"
        else:
            last = first + dt.timedelta(days=draw(st.integers(1, 4)) if kind == "multi" else 0)
            start, end = _fmt_date(first), _fmt_date(last)
            days_n = str((last - first).days + 1)
        chain = _superiors(roster, agent)
        others = [a for a in roster["agent_id"] if a != agent]
        approvals = draw(st.one_of(
            st.just(chain),  # the whole reporting line
            st.just(chain[:1]),  # the direct superior only
            st.just(chain[::-1]),  # out of order
            st.lists(st.sampled_from(others), max_size=3, unique=True) if others else st.just([]),
        ))
        rows.append({
            "request_id": f"L{n + 1:03d}", "agent_id": agent,
            "leave_type": draw(st.sampled_from(("sick", "personal", "annual", "other", "病假", "事假"))),
            "start": start, "end": end, "days": _maybe_blank(draw, days_n, True),
            "channel": draw(st.sampled_from(("form", "phone", "sms", "", "短信"))),
            "documents_complete": draw(st.sampled_from(("yes", "no", "", "是"))),
            "approvals": draw(st.sampled_from((";", "；", ","))).join(approvals),
            "reason_false": draw(st.sampled_from(("", "", "no", "yes"))),
        })
    frame = pd.DataFrame(rows, columns=["request_id", "agent_id", "leave_type", "start", "end", *OPTIONAL["leave"]])
    return frame.drop(columns=sorted(draw(st.sets(st.sampled_from(OPTIONAL["leave"])))))


@st.composite
def excusal_tables(draw, month: str, roster: pd.DataFrame):
    lo = dt.date.fromisoformat(month + "-01")
    teams = sorted({t for t in roster["team"] if t})
    scopes = st.one_of(st.just("all"), st.sampled_from([f"team:{t}" for t in teams]),
                       st.sampled_from([f"agent:{a}" for a in roster["agent_id"]]))
    rows = [{"date": _fmt_date(lo + dt.timedelta(days=draw(st.integers(0, 27)))), "scope": draw(scopes),
             "reason": draw(st.sampled_from(("typhoon", "台风", "", "metro strike")))}
            for _ in range(draw(st.integers(0, 3)))]
    frame = pd.DataFrame(rows, columns=["date", "scope", "reason"])
    return frame.drop(columns=sorted(draw(st.sets(st.sampled_from(OPTIONAL["excusals"])))))


@st.composite
def swap_tables(draw, month: str, schedule: pd.DataFrame):
    if schedule.empty:
        return pd.DataFrame(columns=["agent_id", "date", "with_agent_id"])
    agents = sorted(set(schedule["agent_id"]))
    keys = draw(st.lists(st.tuples(st.sampled_from(agents), st.sampled_from(sorted(set(schedule["date"])))),
                         max_size=4, unique=True))
    return pd.DataFrame([{"agent_id": a, "date": d, "with_agent_id": draw(st.sampled_from([a] + agents))}
                         for a, d in keys], columns=["agent_id", "date", "with_agent_id"])


# ----------------------------------------------------------------------------- calls and KPI

@st.composite
def call_logs(draw, month: str, roster: pd.DataFrame, schedule: pd.DataFrame):
    """Calls of agents during (and now and then outside) their shifts in the month."""
    agents = roster[roster["role"] == "agent"]
    rows = []
    n = 0
    shifts = schedule[schedule["agent_id"].isin(set(agents["agent_id"]))].to_dict("records")
    for r in shifts:
        day = dt.date.fromisoformat(r["date"])
        start = _at(day, r["shift_start"])
        for _ in range(draw(st.integers(0, 4))):
            n += 1
            at = start + dt.timedelta(minutes=draw(st.integers(-30, 540)), seconds=draw(st.integers(0, 59)))
            dur = draw(st.integers(0, 900))
            connected = dur > 0 and draw(st.integers(0, 4)) > 0
            success = connected and draw(st.booleans())
            rows.append({"call_id": f"C{n:05d}", "agent_id": r["agent_id"], "start_time": _fmt_dt(at),
                         "duration_s": str(dur), "end_time": _fmt_dt(at + dt.timedelta(seconds=dur)),
                         "connected": draw(st.sampled_from(("true", "1", "是", "Y"))) if connected else
                         draw(st.sampled_from(("false", "0", "否", "N"))),
                         "success": "true" if success else "false",
                         "amount": draw(st.sampled_from(("", "199.00", "59.9", "1288"))) if success else ""})
    frame = pd.DataFrame(rows, columns=["call_id", "agent_id", "start_time", "duration_s", "end_time", "connected",
                                        "success", "amount"])
    # duration_s or end_time (at least one of the two); amount optional.
    drop = draw(st.sampled_from(((), ("duration_s",), ("end_time",))))
    if draw(st.booleans()):
        drop = (*drop, "amount")
    return frame.drop(columns=list(drop))


@st.composite
def kpi_tables(draw, month: str, roster: pd.DataFrame):
    agents = roster.loc[roster["role"] == "agent", "agent_id"]
    quarter_start = (int(month[5:]) - 1) // 3 * 3 + 1
    months = [f"{month[:4]}-{m:02d}" for m in range(quarter_start, quarter_start + 3)]
    rows = [{"agent_id": a, "month": m, "kpi_score": draw(st.sampled_from(("100", "96.5", "90", "84.99", "75", "0",
                                                                          "62.3")))}
            for a in agents for m in months if draw(st.integers(0, 4)) > 0]
    return pd.DataFrame(rows, columns=["agent_id", "month", "kpi_score"])


@st.composite
def exam_tables(draw, month: str, roster: pd.DataFrame):
    """Monthly exam results (RPT-EXAM): some agents sat the exam on some day of the month."""
    lo = dt.date.fromisoformat(month + "-01")
    agents = roster.loc[roster["role"] == "agent", "agent_id"]
    rows = [{"agent_id": a, "month": month, "exam_date": _fmt_date(lo + dt.timedelta(days=draw(st.integers(0, 27)))),
             "score": draw(st.sampled_from(("100", "88.5", "60", "59.9", "0")))}
            for a in agents if draw(st.integers(0, 3))]
    return pd.DataFrame(rows, columns=["agent_id", "month", "exam_date", "score"])


# ----------------------------------------------------------------------------- the centre

@st.composite
def centres(draw):
    month = draw(st.sampled_from(MONTHS))
    roster = draw(rosters(month))
    schedule = draw(schedules(month, roster))
    outcomes = draw(attendance_outcomes(schedule))
    form = draw(st.sampled_from(("paired", "raw")))
    punches = draw(paired_punches(outcomes)) if form == "paired" else draw(raw_punches(outcomes, roster, month))
    leave = draw(st.one_of(st.none(), leave_requests(month, roster, schedule)))
    excusals = draw(st.one_of(st.none(), excusal_tables(month, roster)))
    swaps = draw(st.one_of(st.none(), swap_tables(month, schedule)))
    calls = draw(call_logs(month, roster, schedule))
    kpi = draw(kpi_tables(month, roster))
    exams = draw(exam_tables(month, roster))
    previous = None
    if draw(st.booleans()):  # last month's roster: someone moved team
        # Last month's roster holds the people hired before this month.
        previous = roster[roster["hire_date"] < month + "-01"].reset_index(drop=True)
        agents = previous.index[previous["role"] == "agent"]
        teams = sorted({t for t in roster["team"] if t})
        if len(agents) and len(teams) > 1:
            i = agents[draw(st.integers(0, len(agents) - 1))]
            previous.loc[i, "team"] = next(t for t in teams if t != previous.loc[i, "team"])
    by_id = roster.set_index("agent_id").to_dict("index")
    shifts = {(r["agent_id"], dt.date.fromisoformat(r["date"])) for r in schedule.to_dict("records")
              if _employed(by_id[r["agent_id"]], dt.date.fromisoformat(r["date"]))}
    return Centre(month, roster, schedule, punches, form, leave, excusals, swaps, calls, kpi, exams, previous, shifts)
