"""Generate a synthetic, deterministic call centre whose data exercises every rule of POLICY.md.

`generate_centre(agents, start, months, seed)` returns a `Centre` of pandas DataFrames with the
canonical English columns of DATA.md; `write_centre` writes them in the formats a centre really
sends (Chinese-headed .xlsx, a UTF-8-with-BOM schedule, GB18030 punches, ...); `write_calls`
writes (or streams, when the centre was generated without calls) the call log as CSV or Parquet.

Everything is drawn from `numpy.random.default_rng` streams derived from the seed, so the same
arguments give identical frames. The call log is fully vectorised (one `np.repeat` over worked
shifts per batch of days), so ten million calls take seconds.

What the samples contain on purpose (so every report path occurs):
- a full reporting line (agent → team lead → supervisor → deputy → ops manager → director;
  support staff → support manager → director), trainees in all three tenure windows,
  standby agents, one or two leavers with an exit date inside the period;
- lates in every band (≤15, 16–30, >30 min), early leaves (<5, 5–14, 15–29, ≥30 min),
  no-shows, missing sign-in / sign-out, night shifts crossing midnight, arranged and
  self-initiated overtime;
- scripted "bad" agents: 3+ lates/early leaves in a month (ATT-COUNT-3), 1, 2 and 3 absence
  days (ATT-ABS-1/2/3), 3 consecutive no-shows (ATT-QUIT-3); one agent not back after leave
  (ATT-UNAPPROVED);
- leave of every type and length with ~15 % wrong approval chains, sick leave by SMS,
  incomplete documents, a couple of untrue reasons;
- excusals (all / team / agent) matching lates on their dates; swaps including limit breaches;
- calls from an unknown agent and outside the period; one KPI month missing for two agents.
"""
from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from cctool.io.tables import TABLES, chinese_header
from cctool.progress import task

__all__ = ["Centre", "generate_centre", "write_centre", "write_calls", "iter_call_batches"]

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力波宁鹏飞晨欣怡婷雪琳佳慧晓琪雨涵浩然宇轩思博嘉俊凯")

GRADE_ORDER = ("trainee", "C", "B", "A")
# (low, high) band of each metric per grade, at calls_per_hour=14. An agent's own level sits at
# low + (high - low) * (0.5 + SKILL_SPREAD * z) with z ~ N(0, 1): |z| > 1.25 crosses a threshold.
BANDS = {
    "kpi": {"trainee": (75.0, 85.0), "C": (85.0, 90.0), "B": (90.0, 95.0), "A": (95.0, 99.0)},
    "cph": {"trainee": (11.0, 13.0), "C": (13.0, 15.0), "B": (15.0, 17.0), "A": (17.0, 20.0)},
    "success": {"trainee": (0.52, 0.58), "C": (0.58, 0.60), "B": (0.60, 0.65), "A": (0.65, 0.72)},
}
SKILL_SPREAD = 0.4
REFERENCE_CPH = 14.0

# shift codes: start second-of-day, length in seconds, labels
SHIFT_START = np.array([9 * 3600, 8 * 3600, 22 * 3600], dtype=np.int64)
SHIFT_LEN = np.array([9 * 3600, 9 * 3600, 8 * 3600], dtype=np.int64)
SHIFT_START_TXT = np.array(["09:00", "08:00", "22:00"], dtype=object)
SHIFT_END_TXT = np.array(["18:00", "17:00", "06:00"], dtype=object)
NIGHT = 2

# punch outcomes
OK, LATE, EARLY, NOSHOW, MISS_OUT, MISS_IN, LEAVE, HALF_LEAVE = range(8)

CALL_BATCH_DAYS = 7
CALL_COLUMNS = ("call_id", "agent_id", "start_time", "duration_s", "connected", "success", "amount")
CALL_SCHEMA = pa.schema([
    ("call_id", pa.int64()), ("agent_id", pa.string()), ("start_time", pa.timestamp("s")),
    ("duration_s", pa.int64()), ("connected", pa.bool_()), ("success", pa.bool_()),
    ("amount", pa.float64()),
])


@dataclass(eq=False)
class Centre:
    """One synthetic centre. Frames use DATA.md's canonical English columns."""

    roster: pd.DataFrame
    schedule: pd.DataFrame
    punches: pd.DataFrame
    leave: pd.DataFrame
    calls: pd.DataFrame | None
    kpi: pd.DataFrame
    excusals: pd.DataFrame
    swaps: pd.DataFrame
    exams: pd.DataFrame | None = None  # RPT-EXAM: the monthly exam
    # generation parameters and per-agent call skills, so calls can be streamed later
    meta: dict = field(default_factory=dict, repr=False)


# --------------------------------------------------------------------------- helpers

def _period_days(start: str, months: int) -> np.ndarray:
    try:
        first = np.datetime64(start, "M")
    except ValueError as exc:
        raise ValueError(f"start must be 'YYYY-MM', got {start!r}") from exc
    if months < 1:
        raise ValueError("months must be at least 1")
    return np.arange(first.astype("datetime64[D]"), (first + months).astype("datetime64[D]"))


def _to_s(days: np.ndarray) -> np.ndarray:
    """datetime64[D] → int64 seconds since the epoch."""
    return days.astype("datetime64[s]").astype(np.int64)


def _dt(seconds: np.ndarray) -> np.ndarray:
    return np.asarray(seconds, dtype=np.int64).astype("datetime64[s]")


def _names(n: int, rng: np.random.Generator) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        name = SURNAMES[rng.integers(len(SURNAMES))] + "".join(
            GIVEN[i] for i in rng.integers(len(GIVEN), size=int(rng.integers(1, 3))))
        if name in seen and len(seen) < 20000:
            continue
        seen.add(name)
        out.append(name)
    return out


def _level(metric: str, grade: str, z: np.ndarray | float) -> np.ndarray:
    lo, hi = BANDS[metric][grade]
    return lo + (hi - lo) * (0.5 + SKILL_SPREAD * np.asarray(z, dtype=float))


# --------------------------------------------------------------------------- roster

def _build_roster(n_agents: int, days: np.ndarray, rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    p_start, p_end = days[0], days[-1]
    n_teams = max(1, round(n_agents / 11))
    n_csr = n_teams // 8 if n_teams >= 8 else (1 if n_teams >= 3 else 0)
    n_tsr = n_teams - n_csr
    teams = [f"TSR-{i + 1}" for i in range(n_tsr)] + [f"CSR-{i + 1}" for i in range(n_csr)]
    team_line = ["TSR"] * n_tsr + ["CSR"] * n_csr
    night_teams = set()
    if n_csr:
        night_teams.add(teams[-1])
    if n_tsr >= 4 or (n_csr == 0 and n_tsr >= 2):
        night_teams.add(teams[n_tsr - 1])
    n_sup = math.ceil(n_teams / 3)
    n_dep = math.ceil(n_sup / 3)
    support = (["qa"] * max(1, n_agents // 40) + ["trainer"] * max(1, n_agents // 60)
               + ["analyst"] * (1 + n_agents // 200) + ["it"] * (1 + n_agents // 300)
               + ["reception"] * (1 + n_agents // 500))
    n_people = 3 + n_dep + n_sup + n_teams + n_agents + len(support)
    width = max(4, len(str(n_people)))
    ids = [f"E{i + 1:0{width}d}" for i in range(n_people)]

    rows: list[dict] = []

    def add(role, team, reports_to, department="operations", **kw):
        rows.append(dict(agent_id=ids[len(rows)], team=team, role=role, line=None,
                         department=department, grade=None, reports_to=reports_to, **kw))
        return rows[-1]["agent_id"]

    director = add("director", "MGMT", None)
    ops = add("ops_manager", "MGMT", director)
    supm = add("support_manager", "SUPPORT", director, department="support")
    deps = [add("deputy_manager", "MGMT", ops) for _ in range(n_dep)]
    sups = [add("supervisor", "MGMT", deps[i // 3]) for i in range(n_sup)]
    leads = [add("team_lead", teams[t], sups[t // 3]) for t in range(n_teams)]
    first_agent = len(rows)
    member_team = np.concatenate([np.full(len(chunk), t) for t, chunk in
                                  enumerate(np.array_split(np.arange(n_agents), n_teams))]).astype(int)
    for t in member_team:
        add("agent", teams[t], leads[t])
    for role in support:
        add(role, "SUPPORT", supm, department="support")
    roster = pd.DataFrame(rows)
    n = len(roster)
    is_agent = np.zeros(n, bool)
    is_agent[first_agent:first_agent + n_agents] = True
    agent_rows = np.arange(first_agent, first_agent + n_agents)

    roster["name"] = _names(n, rng)
    roster.loc[is_agent, "line"] = [team_line[t] for t in member_team]

    # grades: trainee 15 %, C 35 %, B 30 %, A 20 %
    grades = rng.choice(np.array(GRADE_ORDER), size=n_agents, p=[0.15, 0.35, 0.30, 0.20])
    if n_agents >= 8:  # always a few trainees, at least one of each regular grade
        grades[:3] = "trainee"
        grades[3:6] = ["C", "B", "A"]
        grades = grades[rng.permutation(n_agents)]
    roster.loc[is_agent, "grade"] = grades

    # hire dates: regular staff 9–72 months before the period; trainees 1–8 months before its end
    tenure_days = rng.integers(270, 2190, size=n)
    hire = p_start - tenure_days.astype("timedelta64[D]")
    trainee_rows = agent_rows[grades == "trainee"]
    k = len(trainee_rows)
    if k:
        months_before_end = np.linspace(1.0, 8.0, k) if k > 1 else np.array([4.5])
        months_before_end = months_before_end[rng.permutation(k)]
        hire[trainee_rows] = p_end - np.round(months_before_end * 30.4).astype("timedelta64[D]")
    roster["hire_date"] = hire
    roster["exit_date"] = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")

    # skill: z ~ N(0,1); trainees still trainee after 6 months are the weak ones
    z = rng.normal(0.0, 1.0, size=n)
    overdue = np.zeros(n, bool)
    overdue[trainee_rows] = (p_end - hire[trainee_rows]).astype(int) > 183
    z[overdue] = rng.normal(-1.6, 0.6, size=int(overdue.sum()))

    exam_new = np.ones(n, bool)
    exam_reg = np.ones(n, bool)
    exam_reg[trainee_rows] = False
    if k:
        exam_new[trainee_rows] = rng.random(k) < 0.85
        exam_reg[trainee_rows] = rng.random(k) < 0.15
    c_rows = agent_rows[grades == "C"]
    if len(c_rows) >= 10:  # a rare C who never passed the regularisation exam
        exam_reg[c_rows[rng.integers(len(c_rows))]] = False
    roster["new_hire_exam_passed"] = exam_new
    roster["regular_exam_passed"] = exam_reg
    roster["status"] = "active"

    # special agents, disjoint: regular TSR day-team agents employed all period
    night_mask = roster["team"].isin(sorted(night_teams)).to_numpy()
    pool = [int(i) for i in agent_rows
            if roster.at[i, "line"] == "TSR" and roster.at[i, "grade"] != "trainee" and not night_mask[i]]
    pool = [pool[i] for i in rng.permutation(len(pool))]
    special: dict[str, list[int]] = {}

    fallback = list(pool)

    def take(key: str, count: int) -> None:
        special[key] = pool[:count]
        del pool[:count]
        if len(special[key]) < count and key.startswith(("swap", "kpi", "excused")):
            # small centres: reuse agents not scripted to misbehave
            spare = [i for i in fallback[5:] if i not in special[key]]
            special[key] += spare[:count - len(special[key])]

    for key in ("late3", "abs1", "abs2", "abs3", "quit3"):
        take(key, 1)
    take("left", 2 if n_agents >= 20 else (1 if n_agents >= 5 else 0))
    take("standby", max(1, n_agents // 40) if n_agents >= 10 else 0)
    take("kpi_missing", 2 if n_agents >= 10 else 0)
    take("excused_agent", 1)
    take("swap_self_over", 1)
    take("swap_other_over", 1)
    take("swap_ok", min(4, len(pool)))
    take("not_back", 1)

    for i in special["standby"]:
        roster.at[i, "status"] = "standby"
    n_days = len(days)
    for i in special["left"]:
        roster.at[i, "status"] = "left"
        roster.at[i, "exit_date"] = days[int(rng.integers(min(10, n_days - 1), max(11, n_days - 10)))]

    roster = roster[["agent_id", "name", "team", "role", "line", "department", "grade", "reports_to",
                     "hire_date", "exit_date", "new_hire_exam_passed", "regular_exam_passed", "status"]]
    info = dict(ids=np.array(ids, dtype=object), is_agent=is_agent, z=z, special=special,
                night_teams=night_teams, teams=teams, leads=leads, sups=sups, director=director,
                ops=ops, first_agent=first_agent, n_agents=n_agents)
    return roster, info


def _finish_roster(roster: pd.DataFrame) -> pd.DataFrame:
    out = roster.copy()
    for col in ("agent_id", "name", "team", "role", "line", "department", "grade", "reports_to", "status"):
        # missing stays missing: pandas 3's str dtype keeps NaN, pandas 2 would write "None"
        out[col] = out[col].astype("str").where(out[col].notna())
    for col in ("hire_date", "exit_date"):
        out[col] = pd.Series(roster[col].to_numpy().astype("datetime64[s]"), index=out.index)
    for col in ("new_hire_exam_passed", "regular_exam_passed"):
        out[col] = out[col].astype(bool)
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- schedule

def _build_schedule(roster: pd.DataFrame, info: dict, days: np.ndarray, rng: np.random.Generator):
    roles = roster["role"].to_numpy()
    persons = np.flatnonzero((roles == "agent") | (roles == "team_lead"))
    n_days = len(days)
    day_num = days.astype(np.int64)  # days since 1970-01-01 (a Thursday)
    dow = (day_num + 3) % 7
    week = (day_num + 3) // 7
    offset = persons % 7
    r = (offset[:, None] + week[None, :]) % 7
    rest = (dow[None, :] == r) | (dow[None, :] == (r + 1) % 7)
    hire = roster["hire_date"].to_numpy().astype("datetime64[D]")[persons]
    exit_ = roster["exit_date"].to_numpy().astype("datetime64[D]")[persons]
    employed = (days[None, :] >= hire[:, None]) & (np.isnat(exit_)[:, None] | (days[None, :] < exit_[:, None]))
    work = ~rest & employed

    night = roster["team"].isin(sorted(info["night_teams"])).to_numpy()[persons]
    code = np.where(night[:, None], NIGHT, (persons[:, None] + week[None, :]) % 2).astype(np.int8)

    # overtime: a few extra shifts on rest days (never for the scripted bad agents)
    excluded = set()
    for key in ("late3", "abs1", "abs2", "abs3", "quit3", "not_back"):
        excluded.update(info["special"][key])
    eligible = rest & employed & ~np.isin(persons, sorted(excluded))[:, None]
    cells = np.flatnonzero(eligible.ravel())
    n_ot = min(len(cells), max(3, len(persons) // 8))
    overtime = np.zeros_like(work)
    arranged = np.zeros_like(work)
    if n_ot:
        chosen = np.sort(rng.choice(cells, size=n_ot, replace=False))
        overtime.ravel()[chosen] = True
        flags = rng.random(n_ot) < 0.6
        flags[0], flags[-1] = True, False if n_ot > 1 else True
        arranged.ravel()[chosen] = flags
    work |= overtime
    return dict(persons=persons, work=work, code=code, overtime=overtime, arranged=arranged,
                employed=employed, n_days=n_days)


# --------------------------------------------------------------------------- leave

def _chain(info: dict, rt: dict, requester: int, role: str, leave_type: str, days_: float) -> list[str]:
    """The correct approver chain (POLICY §3, the stricter rule wins)."""
    ids = info["ids"]
    me = ids[requester]
    if role == "team_lead":
        line = [rt[me], info["ops"], info["director"]]  # supervisor, manager, director
        top = 0 if days_ <= 1 else (1 if days_ <= 2 else 2)  # LV-LEAD
    else:
        tl = rt[me]
        line = [tl, rt[tl], info["ops"], info["director"]]  # LV-SHORT/LONG skip the deputy
        top = 0 if days_ <= 1 else (1 if days_ <= 2 else (2 if days_ <= 3 else 3))
    if leave_type == "personal":  # LV-PERSONAL: supervisor ≤1, ops manager ≤3, director >3
        need = 1 if days_ <= 1 else (2 if days_ <= 3 else 3)
        if role == "team_lead":
            need -= 1
        top = max(top, need)
    return line[:top + 1]


def _wrong(chain: list[str], info: dict, rt: dict, rng: np.random.Generator) -> list[str]:
    kind = ("missing", "foreign", "order")[int(rng.integers(3))]
    leads, sups = info["leads"], info["sups"]
    if kind == "order" and len(chain) >= 2:
        i = int(rng.integers(len(chain) - 1))
        out = list(chain)
        out[i], out[i + 1] = out[i + 1], out[i]
        return out
    if kind in ("foreign", "order"):
        first = chain[0]
        pool = leads if first in leads else (sups if first in sups else [])
        others = [x for x in pool if x != first]
        if others:
            return [others[int(rng.integers(len(others)))]] + chain[1:]
    out = list(chain)
    del out[int(rng.integers(len(out)))]
    return out


def _build_leave(roster, info, sch, days, rng):
    persons, work, overtime, code = sch["persons"], sch["work"], sch["overtime"], sch["code"]
    n_p, n_days = work.shape
    avail = work & ~overtime
    excluded = set()
    for key in ("late3", "abs1", "abs2", "abs3", "quit3", "not_back"):
        excluded.update(info["special"][key])
    excl = np.isin(persons, sorted(excluded))
    avail[excl] = False
    leave_full = np.zeros_like(work)
    leave_half = np.zeros_like(work)
    roles = roster["role"].to_numpy()
    rt = dict(zip(roster["agent_id"], roster["reports_to"]))
    months = max(1, round(n_days / 30.4))
    n_req = max(6, round(0.3 * n_p * months))
    candidates = np.flatnonzero(~excl)
    lengths = np.array([0.5, 1.0, 2.0, 3.0, 5.0])
    types = np.array(["sick", "personal", "annual", "other"])
    recs = []
    day_s = _to_s(days)
    for _ in range(n_req):
        length = float(rng.choice(lengths, p=[0.2, 0.35, 0.2, 0.15, 0.1]))
        span = max(1, int(math.ceil(length)))
        for _try in range(6):
            pi = int(candidates[rng.integers(len(candidates))])
            cs = np.concatenate([[0], np.cumsum(avail[pi])])
            ok = np.flatnonzero(cs[span:] - cs[:-span] == span)
            if len(ok):
                break
        else:
            continue
        s = int(ok[rng.integers(len(ok))])
        avail[pi, max(0, s - 1):s + span + 1] = False  # no back-to-back requests
        p = int(persons[pi])
        ltype = str(rng.choice(types, p=[0.35, 0.35, 0.2, 0.1]))
        if length == 0.5:
            leave_half[pi, s] = True
            t0 = day_s[s] + SHIFT_START[code[pi, s]]
            start, end = t0, t0 + 4 * 3600
        else:
            leave_full[pi, s:s + span] = True
            start, end = day_s[s], day_s[s + span - 1]
        if ltype == "sick":
            channel = str(rng.choice(["phone", "sms", "form"], p=[0.87, 0.08, 0.05]))
        else:
            channel = str(rng.choice(["form", "phone", "sms"], p=[0.8, 0.15, 0.05]))
        chain = _chain(info, rt, p, roles[p], ltype, length)
        wrong = rng.random() < 0.15
        if wrong:
            chain = _wrong(chain, info, rt, rng)
        recs.append(dict(pi=pi, s=s, span=span, half=length == 0.5, agent_id=info["ids"][p],
                         leave_type=ltype, start=start, end=end, days=length, channel=channel,
                         documents_complete=bool(rng.random() < 0.92), approvals=";".join(chain),
                         reason_false=False))
    # exactly two untrue reasons, on whole-day requests
    whole = [i for i, r in enumerate(recs) if not r["half"]]
    for i in sorted(rng.choice(whole, size=min(2, len(whole)), replace=False).tolist()):
        recs[i]["reason_false"] = True
    # guarantee at least one sick leave by SMS
    sick = [r for r in recs if r["leave_type"] == "sick"]
    if sick and not any(r["channel"] == "sms" for r in sick):
        sick[0]["channel"] = "sms"
    return recs, leave_full, leave_half


# --------------------------------------------------------------------------- punches

def _build_punches(roster, info, sch, recs, leave_full, leave_half, days, rng):
    persons, work, code = sch["persons"], sch["work"], sch["code"]
    pi, di = np.nonzero(work)  # row-major: by person, then date
    n = len(pi)
    day_s = _to_s(days)
    c = code[pi, di]
    t_start = day_s[di] + SHIFT_START[c]
    t_end = t_start + SHIFT_LEN[c]

    u = rng.random(n)
    outcome = np.full(n, OK, dtype=np.int8)
    outcome[u < 0.072] = MISS_IN
    outcome[u < 0.0695] = MISS_OUT
    outcome[u < 0.067] = NOSHOW
    outcome[u < 0.06] = EARLY
    outcome[u < 0.04] = LATE
    late_min = np.select([(b := rng.random(n)) < 0.6, b < 0.85],
                         [rng.integers(1, 16, n), rng.integers(16, 31, n)], rng.integers(31, 121, n))
    e = rng.random(n)
    early_min = np.select([e < 0.35, e < 0.7, e < 0.88],
                          [rng.integers(1, 5, n), rng.integers(5, 15, n), rng.integers(15, 30, n)],
                          rng.integers(30, 121, n))
    late_s = late_min * 60 - rng.integers(0, 60, n)  # in (m-1, m] minutes
    early_s = early_min * 60 + rng.integers(0, 60, n)  # in [m, m+1) minutes
    in_norm = t_start - rng.integers(0, 601, n)
    out_norm = t_end + rng.integers(0, 901, n)

    ot = sch["overtime"][pi, di]
    outcome[ot & (outcome == NOSHOW)] = OK  # nobody skips an overtime shift they asked for
    outcome[leave_full[pi, di]] = LEAVE
    outcome[leave_half[pi, di]] = HALF_LEAVE

    person_pos = {int(p): k for k, p in enumerate(persons)}
    month_of_day = (days.astype("datetime64[M]") - days[0].astype("datetime64[M]")).astype(int)

    def rows_of(roster_idx: int, month: int | None = 0) -> np.ndarray:
        k = person_pos[roster_idx]
        lo, hi = np.searchsorted(pi, [k, k + 1])
        r = np.arange(lo, hi)
        r = r[~ot[r]]
        if month is not None:
            r = r[month_of_day[di[r]] == month]
        return r

    special = info["special"]
    scripted = np.zeros(n, bool)

    def script(key: str, plan: list[tuple[int, int, int]]) -> None:
        for idx in special[key]:
            r = rows_of(idx)
            outcome[r] = OK
            scripted[r] = True
            for pos, what, minutes in plan:
                if pos < len(r):
                    outcome[r[pos]] = what
                    if what == LATE:
                        late_s[r[pos]] = minutes * 60 - 20
                    elif what == EARLY:
                        early_s[r[pos]] = minutes * 60 + 20

    script("late3", [(2, LATE, 6), (6, LATE, 12), (11, LATE, 3), (15, EARLY, 8)])  # ATT-COUNT-3
    script("abs1", [(5, NOSHOW, 0)])  # ATT-ABS-1
    script("abs2", [(3, NOSHOW, 0), (8, LATE, 22), (12, EARLY, 20)])  # ATT-ABS-2 (1 + ½ + ½)
    script("abs3", [(2, NOSHOW, 0), (7, NOSHOW, 0), (12, NOSHOW, 0)])  # ATT-ABS-3
    script("quit3", [(9, NOSHOW, 0), (10, NOSHOW, 0), (11, NOSHOW, 0)])  # ATT-QUIT-3

    # ATT-UNAPPROVED: one agent not back the day after a whole-day leave
    for idx in special["not_back"]:
        k = person_pos[idx]
        # give them a 1-day leave followed by a scheduled day, if they have none yet
        r = rows_of(idx, month=None)
        dd = di[r]
        for j in range(len(r) - 1):
            if dd[j + 1] == dd[j] + 1 and outcome[r[j]] != LEAVE and outcome[r[j + 1]] != LEAVE:
                outcome[r[j]] = LEAVE
                outcome[r[j + 1]] = NOSHOW
                scripted[r[j]] = scripted[r[j + 1]] = True
                leave_full[k, dd[j]] = True
                rt = dict(zip(roster["agent_id"], roster["reports_to"]))
                recs.append(dict(pi=k, s=int(dd[j]), span=1, half=False, agent_id=info["ids"][idx],
                                 leave_type="personal", start=int(day_s[dd[j]]), end=int(day_s[dd[j]]),
                                 days=1.0, channel="form", documents_complete=True,
                                 approvals=";".join(_chain(info, rt, idx, "agent", "personal", 1.0)),
                                 reason_false=False))
                break

    # excusals: typhoon for everybody, heavy rain for one team, one agent's accident
    excusals = []
    n_days = len(days)
    free = ~scripted & (outcome == OK)
    d_all = min(9, n_days - 1)
    rows = np.flatnonzero(free & (di == d_all))
    hit = rows[rng.random(len(rows)) < 0.25]
    outcome[hit] = LATE
    late_s[hit] = rng.integers(16, 46, len(hit)) * 60 - rng.integers(0, 60, len(hit))
    excusals.append((days[d_all], "all", "台风"))
    team = "TSR-2" if "TSR-2" in info["teams"] else info["teams"][0]
    team_k = np.flatnonzero(roster["team"].to_numpy()[persons] == team)
    d_team = min(40 if n_days > 45 else 20, n_days - 1)
    rows = np.flatnonzero(free & (di == d_team) & np.isin(pi, team_k))
    hit = rows[rng.random(len(rows)) < 0.5]
    if len(rows) and not len(hit):
        hit = rows[:1]
    outcome[hit] = LATE
    late_s[hit] = rng.integers(5, 26, len(hit)) * 60 - rng.integers(0, 60, len(hit))
    excusals.append((days[d_team], f"team:{team}", "暴雨"))
    for idx in special["excused_agent"]:
        r = rows_of(idx)
        r = r[free[r] & (di[r] != d_all) & (di[r] != d_team)]
        if len(r):
            j = r[min(len(r) - 1, 7)]
            outcome[j] = LATE
            late_s[j] = 40 * 60 - 15
            excusals.append((days[di[j]], f"agent:{info['ids'][idx]}", "交通事故"))

    sign_in = np.where(outcome == LATE, t_start + late_s, in_norm)
    sign_in = np.where(outcome == HALF_LEAVE, t_start + 4 * 3600 - rng.integers(0, 601, n), sign_in)
    sign_out = np.where(outcome == EARLY, t_end - early_s, out_norm)
    keep = (outcome != NOSHOW) & (outcome != LEAVE)
    nat = np.datetime64("NaT", "s")
    sin = _dt(sign_in)
    sout = _dt(sign_out)
    sin[outcome == MISS_IN] = nat
    sout[outcome == MISS_OUT] = nat
    punches = pd.DataFrame({
        "agent_id": pd.array(info["ids"][persons[pi[keep]]], dtype="str"),
        "date": _dt(day_s[di[keep]]),
        "sign_in": sin[keep],
        "sign_out": sout[keep],
    })
    ex = pd.DataFrame({
        "date": _dt(_to_s(np.array([d for d, _, _ in excusals], dtype="datetime64[D]"))),
        "scope": pd.array([s for _, s, _ in excusals], dtype="str"),
        "reason": pd.array([r for _, _, r in excusals], dtype="str"),
    })
    return punches, ex


# --------------------------------------------------------------------------- swaps, kpi

def _build_swaps(roster, info, sch, days, rng):
    persons, work, ot = sch["persons"], sch["work"], sch["overtime"]
    person_pos = {int(p): k for k, p in enumerate(persons)}
    month0 = days.astype("datetime64[M]") == days[0].astype("datetime64[M]")
    ids = info["ids"]
    teams = roster["team"].to_numpy()
    rows = []

    def dates_for(idx, count):
        k = person_pos[idx]
        cand = np.flatnonzero(work[k] & ~ot[k] & month0)
        if len(cand) == 0:
            return []
        return sorted(rng.choice(cand, size=min(count, len(cand)), replace=False).tolist())

    def mate(idx):
        same = [int(p) for p in persons if teams[p] == teams[idx] and p != idx
                and roster.at[int(p), "role"] == "agent"]
        return ids[same[int(rng.integers(len(same)))]] if same else ids[idx]

    sp = info["special"]
    for idx in sp["swap_self_over"]:
        rows += [(ids[idx], d, ids[idx]) for d in dates_for(idx, 2)]  # 2 self swaps: over limit
    for idx in sp["swap_other_over"]:
        rows += [(ids[idx], d, mate(idx)) for d in dates_for(idx, 3)]  # 3 with others: over limit
    for j, idx in enumerate(sp["swap_ok"]):
        if j % 2 == 0:
            rows += [(ids[idx], d, mate(idx)) for d in dates_for(idx, 2)]  # 2 with others: allowed
        else:
            rows += [(ids[idx], d, ids[idx]) for d in dates_for(idx, 1)]  # 1 self swap: allowed
    # One swap per person and day (the table's key): a person drawn for two cases may get the
    # same date twice; the first case's row stands.
    rows = list({(r[0], r[1]): r for r in reversed(rows)}.values())
    rows.sort(key=lambda r: (r[1], r[0]))
    return pd.DataFrame({
        "agent_id": pd.array([r[0] for r in rows], dtype="str"),
        "date": _dt(_to_s(days[np.array([r[1] for r in rows], dtype=int)])) if rows
        else np.array([], dtype="datetime64[s]"),
        "with_agent_id": pd.array([r[2] for r in rows], dtype="str"),
    })


def _build_kpi(roster, info, days, rng):
    months = np.unique(days.astype("datetime64[M]"))
    agents = np.flatnonzero(info["is_agent"])
    hire = roster["hire_date"].to_numpy().astype("datetime64[D]")
    exit_ = roster["exit_date"].to_numpy().astype("datetime64[D]")
    grades = roster["grade"].to_numpy()
    z = info["z"]
    missing = set()
    for j, idx in enumerate(info["special"]["kpi_missing"]):
        missing.add((int(idx), len(months) - 1 if j % 2 else 0))
    rows = []
    for mi, m in enumerate(months):
        m0 = m.astype("datetime64[D]")
        m1 = (m + 1).astype("datetime64[D]")
        noise = rng.normal(0.0, 0.8, len(agents))
        for a, eps in zip(agents, noise):
            if hire[a] >= m1 or (not np.isnat(exit_[a]) and exit_[a] <= m0) or (int(a), mi) in missing:
                continue
            score = float(np.clip(_level("kpi", grades[a], z[a]) + eps, 0.0, 100.0))
            rows.append((info["ids"][a], str(m), round(score, 1)))
    return pd.DataFrame({
        "agent_id": pd.array([r[0] for r in rows], dtype="str"),
        "month": pd.array([r[1] for r in rows], dtype="str"),
        "kpi_score": np.array([r[2] for r in rows], dtype=float),
    })


def _build_exams(roster, info, days, seed: int, by_day: int = 25):
    """One exam per agent and month, mostly by the 25th (RPT-EXAM); a few late and a few missing.
    Its own random stream, so adding exams leaves every other table as it was."""
    rng = np.random.default_rng([seed, 2])
    months = np.unique(days.astype("datetime64[M]"))
    agents = np.flatnonzero(info["is_agent"])
    hire = roster["hire_date"].to_numpy().astype("datetime64[D]")
    exit_ = roster["exit_date"].to_numpy().astype("datetime64[D]")
    grades = roster["grade"].to_numpy()
    z = info["z"]
    rows = []
    for m in months:
        m0 = m.astype("datetime64[D]")
        deadline = m0 + (by_day - 1)
        draw = rng.random(len(agents))
        day = rng.integers(5, by_day, len(agents))  # 5th..24th of the month
        noise = rng.normal(0.0, 4.0, len(agents))
        for a, u, d, eps in zip(agents, draw, day, noise):
            if hire[a] > deadline or (not np.isnat(exit_[a]) and exit_[a] <= deadline):
                continue
            if u < 0.04:  # no exam this month
                continue
            when = m0 + (by_day + 2 if u < 0.08 else int(d)) - 1  # a few sit it after the deadline
            score = float(np.clip(_level("kpi", grades[a], z[a]) - 8.0 + eps, 0.0, 100.0))
            rows.append((info["ids"][a], str(m), when, round(score, 1)))
    return pd.DataFrame({
        "agent_id": pd.array([r[0] for r in rows], dtype="str"),
        "month": pd.array([r[1] for r in rows], dtype="str"),
        "exam_date": pd.to_datetime(np.array([r[2] for r in rows], dtype="datetime64[D]")),
        "score": np.array([r[3] for r in rows], dtype=float),
    })


# --------------------------------------------------------------------------- calls

def _call_plan(centre: Centre, calls_per_hour: float | None = None) -> dict:
    meta = centre.meta
    cph_scale = (calls_per_hour if calls_per_hour is not None else meta["calls_per_hour"]) / REFERENCE_CPH
    roster = centre.roster
    callers = roster[(roster["role"] == "agent") & (roster["line"] == "TSR") & (roster["status"] != "standby")]
    caller_ids = callers["agent_id"].to_numpy(dtype=object)
    skill = meta["skill"].set_index("agent_id")
    p = centre.punches
    code = pd.Index(caller_ids).get_indexer(p["agent_id"])
    mask = code >= 0
    pun = p[mask]
    code = code[mask]
    sched = centre.schedule.set_index(["agent_id", "date"])
    key = pd.MultiIndex.from_arrays([pun["agent_id"], pun["date"]])
    srow = sched.reindex(key)
    day = pun["date"].to_numpy().astype("datetime64[s]").astype(np.int64)
    st = pd.to_timedelta(srow["shift_start"].to_numpy() + ":00").to_numpy().astype("timedelta64[s]").astype(np.int64)
    en = pd.to_timedelta(srow["shift_end"].to_numpy() + ":00").to_numpy().astype("timedelta64[s]").astype(np.int64)
    t_start = day + st
    t_end = day + en + np.where(en <= st, 86400, 0)
    sin = pun["sign_in"].to_numpy().astype("datetime64[s]")
    sout = pun["sign_out"].to_numpy().astype("datetime64[s]")
    t0 = np.where(np.isnat(sin), t_start, sin.astype(np.int64))
    t1 = np.where(np.isnat(sout), t_end, sout.astype(np.int64))
    span = np.maximum(t1 - t0, 0)
    sk = skill.reindex(caller_ids)
    cph = sk["cph"].to_numpy() * cph_scale
    order = np.argsort(day, kind="stable")
    return dict(ids=caller_ids, agent=code[order], day=day[order], t0=t0[order], span=span[order],
                lam=(cph[code] * span / 3600.0)[order], p_conn=sk["connected"].to_numpy(),
                p_succ=sk["success"].to_numpy(), seed=meta["seed"], days=meta["days"],
                roster_ids=roster["agent_id"].to_numpy(dtype=object))


def _iter_call_arrays(centre: Centre, calls_per_hour: float | None = None):
    """Yield (ids, total, batch): `batch` holds the numpy columns of one batch of days, its
    agents as int32 codes into `ids` (the TSR callers, then one id not in the roster); `total`
    is the number of calls over all batches, known up front so a caller can preallocate."""
    plan = _call_plan(centre, calls_per_hour)
    rng_n = np.random.default_rng([plan["seed"], 2, 0])  # counts
    rng = np.random.default_rng([plan["seed"], 2, 1])  # call contents
    days = plan["days"]
    day0 = int(_to_s(days[:1])[0])
    unknown = "E9999"
    known = set(plan["roster_ids"].tolist())
    while unknown in known:
        unknown = "X" + unknown
    ids = np.append(plan["ids"], unknown).astype(object)
    unknown_code = len(ids) - 1
    bounds = np.searchsorted(plan["day"], day0 + 86400 * np.arange(0, len(days) + CALL_BATCH_DAYS, CALL_BATCH_DAYS))
    bounds = np.unique(np.concatenate([[0], bounds, [len(plan["day"])]]))
    n_batches = len(bounds) - 1
    counts = rng_n.poisson(plan["lam"])
    per_batch = np.add.reduceat(counts, bounds[:-1]) if len(counts) else np.zeros(n_batches, np.int64)
    per_batch = np.where(np.diff(bounds) > 0, per_batch, 0)
    # error paths: calls by an id not in the roster (~0.05 %), 3 calls before and 3 after the period
    n_unknown = rng_n.binomial(per_batch, 0.0005)
    n_outside = np.zeros(n_batches, np.int64)
    if per_batch.sum():
        n_outside[0] += 3 if per_batch[0] else 0
        n_outside[-1] += 3 if per_batch[-1] else 0
    total = int(per_batch.sum() + n_unknown.sum() + n_outside.sum())
    for b in range(n_batches):
        sl = slice(bounds[b], bounds[b + 1])
        cnt = counts[sl]
        n = int(per_batch[b])
        shift = np.repeat(np.arange(len(cnt), dtype=np.int32), cnt)
        agent = plan["agent"][sl][shift].astype(np.int32)
        start = plan["t0"][sl][shift] + (rng.random(n) * plan["span"][sl][shift]).astype(np.int64)
        del shift
        connected = rng.random(n) < plan["p_conn"][agent]
        success = connected & (rng.random(n) < plan["p_succ"][agent])
        dur = np.where(connected, 20 + rng.gamma(2.0, 60.0, n).astype(np.int64), rng.integers(8, 46, n))
        dur = np.where(success, dur + rng.integers(90, 360, n), dur)
        amount = np.where(success, np.round(rng.lognormal(np.log(280.0), 0.55, n), 2), 0.0)
        extra_agent: list[int] = [unknown_code] * int(n_unknown[b])
        extra_t: list[int] = start[rng.integers(0, n, int(n_unknown[b]))].tolist() if n else []
        if n_outside[b]:
            if b == 0:
                extra_agent += agent[rng.integers(0, n, 3)].tolist()
                extra_t += (day0 - 86400 * 3 + 10 * 3600 + 600 * np.arange(3)).tolist()
            if b == n_batches - 1 and n_outside[b] - (3 if b == 0 else 0) > 0:
                extra_agent += agent[rng.integers(0, n, 3)].tolist()
                extra_t += (day0 + 86400 * (len(days) + 2) + 11 * 3600 + 600 * np.arange(3)).tolist()
        k = len(extra_agent)
        if k:
            agent = np.concatenate([agent, np.array(extra_agent, dtype=np.int32)])
            start = np.concatenate([start, np.array(extra_t, dtype=np.int64)])
            conn_x = rng.random(k) < 0.6
            connected = np.concatenate([connected, conn_x])
            success = np.concatenate([success, np.zeros(k, bool)])
            dur = np.concatenate([dur, np.where(conn_x, 60, 20)])
            amount = np.concatenate([amount, np.zeros(k)])
        order = np.argsort(start, kind="stable")
        yield ids, total, dict(agent=agent[order], start_time=start[order],
                               duration_s=dur[order].astype(np.int64), connected=connected[order],
                               success=success[order], amount=amount[order].astype(np.float64))


def iter_call_batches(centre: Centre, *, calls_per_hour: float | None = None) -> Iterator[pa.Table]:
    """Yield the centre's call log as pyarrow tables, one per batch of days (about a week).

    Vectorised: per batch, Poisson counts per worked shift, then `np.repeat` over shifts.
    The same centre always yields the same calls (identical to `generate_centre(calls=True)`).
    """
    next_id = 1
    id_arr = None
    for ids, _total, bt in _iter_call_arrays(centre, calls_per_hour):
        if id_arr is None:
            id_arr = pa.array(ids.tolist(), type=pa.string())
        m = len(bt["agent"])
        yield pa.Table.from_arrays([
            pa.array(np.arange(next_id, next_id + m, dtype=np.int64)),
            id_arr.take(pa.array(bt["agent"])),
            pa.array(bt["start_time"].astype("datetime64[s]")),
            pa.array(bt["duration_s"]),
            pa.array(bt["connected"]),
            pa.array(bt["success"]),
            pa.array(bt["amount"]),
        ], schema=CALL_SCHEMA)
        next_id += m


def _calls_frame(centre: Centre) -> pd.DataFrame:
    """The whole call log as one DataFrame: columns preallocated and filled batch by batch, so
    the peak is the frame itself plus one batch."""
    ids = None
    cols: dict[str, np.ndarray] = {}
    pos = 0
    for ids, total, bt in _iter_call_arrays(centre):
        if not cols:
            cols = {"agent": np.empty(total, np.int32), "start_time": np.empty(total, "datetime64[s]"),
                    "duration_s": np.empty(total, np.int64), "connected": np.empty(total, bool),
                    "success": np.empty(total, bool), "amount": np.empty(total, np.float64)}
        m = len(bt["agent"])
        for name, arr in cols.items():
            arr[pos:pos + m] = bt[name]
        pos += m
    if not cols:
        return CALL_SCHEMA.empty_table().to_pandas()
    agent = cols.pop("agent")
    str_dtype = pd.Series(["x"]).dtype  # pandas' default str dtype (pyarrow-backed when available)
    taken = pa.array(ids.tolist(), type=pa.string()).take(pa.array(agent))
    del agent
    if isinstance(str_dtype, pd.StringDtype) and str_dtype.storage == "pyarrow":  # zero-copy
        agent_id = taken.to_pandas(types_mapper={pa.string(): str_dtype}.get)
    else:
        agent_id = pd.Series(taken.to_pandas()).astype(str_dtype)
    del taken
    out = {"call_id": np.arange(1, pos + 1, dtype=np.int64), "agent_id": agent_id, **cols}
    return pd.DataFrame(out, copy=False)


# --------------------------------------------------------------------------- public API

def generate_centre(agents: int, start: str, months: int, seed: int, *, calls: bool = True,
                    calls_per_hour: float = 14.0) -> Centre:
    """A synthetic centre of `agents` agents (plus leads, managers and support staff) over
    `months` calendar months from `start` ("YYYY-MM"). Deterministic in its arguments."""
    if agents < 1:
        raise ValueError("agents must be at least 1")
    days = _period_days(start, months)
    rng = np.random.default_rng([seed, 1])
    roster_raw, info = _build_roster(int(agents), days, rng)
    roster = _finish_roster(roster_raw)
    sch = _build_schedule(roster, info, days, rng)
    recs, leave_full, leave_half = _build_leave(roster, info, sch, days, rng)
    punches, excusals = _build_punches(roster, info, sch, recs, leave_full, leave_half, days, rng)
    leave = _leave_frame_from(recs)
    swaps = _build_swaps(roster, info, sch, days, rng)
    kpi = _build_kpi(roster, info, days, rng)
    exams = _build_exams(roster, info, days, int(seed))

    persons, work = sch["persons"], sch["work"]
    pi, di = np.nonzero(work)
    c = sch["code"][pi, di]
    schedule = pd.DataFrame({
        "agent_id": pd.array(info["ids"][persons[pi]], dtype="str"),
        "date": _dt(_to_s(days[di])),
        "shift_start": pd.array(SHIFT_START_TXT[c], dtype="str"),
        "shift_end": pd.array(SHIFT_END_TXT[c], dtype="str"),
        "overtime": sch["overtime"][pi, di],
        "overtime_arranged": sch["arranged"][pi, di],
    })

    grades = roster["grade"].to_numpy()
    agent_rows = np.flatnonzero(info["is_agent"])
    z = info["z"][agent_rows]
    g = grades[agent_rows]
    gi = np.array([GRADE_ORDER.index(x) for x in g], dtype=float)
    cph = np.array([_level("cph", x, zz) for x, zz in zip(g, z)], dtype=float)
    succ = np.array([_level("success", x, zz) for x, zz in zip(g, z)], dtype=float)
    conn = np.clip(0.62 + 0.03 * gi + 0.02 * z, 0.58, 0.78)
    skill = pd.DataFrame({"agent_id": info["ids"][agent_rows].tolist(), "cph": cph,
                          "connected": conn, "success": np.clip(succ, 0.3, 0.9)})
    meta = dict(seed=int(seed), start=start, months=int(months), calls_per_hour=float(calls_per_hour),
                days=days, skill=skill)
    centre = Centre(roster=roster, schedule=schedule, punches=punches, leave=leave, calls=None,
                    kpi=kpi, excusals=excusals, swaps=swaps, exams=exams, meta=meta)
    if calls:
        centre.calls = _calls_frame(centre)
    return centre


def _leave_frame_from(recs: list[dict]) -> pd.DataFrame:
    recs = sorted(recs, key=lambda r: (r["start"], r["agent_id"]))
    frame = pd.DataFrame({
        "request_id": pd.array([f"L{i + 1:05d}" for i in range(len(recs))], dtype="str"),
        "agent_id": pd.array([r["agent_id"] for r in recs], dtype="str"),
        "leave_type": pd.array([r["leave_type"] for r in recs], dtype="str"),
        "start": _dt(np.array([r["start"] for r in recs], dtype=np.int64)),
        "end": _dt(np.array([r["end"] for r in recs], dtype=np.int64)),
        "days": np.array([r["days"] for r in recs], dtype=float),
        "channel": pd.array([r["channel"] for r in recs], dtype="str"),
        "documents_complete": np.array([r["documents_complete"] for r in recs], dtype=bool),
        "approvals": pd.array([r["approvals"] for r in recs], dtype="str"),
        "reason_false": np.array([r["reason_false"] for r in recs], dtype=bool),
    })
    return frame


# --------------------------------------------------------------------------- writing

DATE_COLUMNS = {"roster": ("hire_date", "exit_date"), "schedule": ("date",), "punches": ("date",),
                "kpi": (), "excusals": ("date",), "swaps": ("date",), "leave": (), "exams": ("exam_date",)}
DATETIME_COLUMNS = {"punches": ("sign_in", "sign_out"), "leave": ("start", "end")}


def _text_frame(df: pd.DataFrame, table: str, chinese: bool) -> pd.DataFrame:
    """Every cell as the text a centre's export would hold."""
    out = {}
    yes, no = ("是", "否") if chinese else ("true", "false")
    for col in df.columns:
        s = df[col]
        if col in DATE_COLUMNS.get(table, ()):
            text = s.dt.strftime("%Y-%m-%d")
        elif col in DATETIME_COLUMNS.get(table, ()):
            text = s.dt.strftime("%Y-%m-%d %H:%M:%S")
            if table == "leave":  # whole days as plain dates
                midnight = s.notna() & (s == s.dt.normalize())
                text = text.where(~midnight, s.dt.strftime("%Y-%m-%d"))
        elif pd.api.types.is_bool_dtype(s):
            text = s.map({True: yes, False: no})
        elif pd.api.types.is_float_dtype(s):
            text = s.map(lambda v: "" if pd.isna(v) else f"{v:g}")
        else:
            text = s
        text = pd.Series(text, index=df.index, dtype=object).where(s.notna(), "")
        out[chinese_header(table, col) if chinese else col] = text
    return pd.DataFrame(out)


def _write_csv(df: pd.DataFrame, path: Path, table: str, *, chinese: bool, encoding: str) -> None:
    _text_frame(df, table, chinese).to_csv(path, index=False, encoding=encoding, lineterminator="\n")


def _write_xlsx(df: pd.DataFrame, path: Path, table: str, sheet: str) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                         "strings_to_urls": False})
    wb.set_properties({"created": datetime(2026, 1, 1), "author": "cctool samples"})
    ws = wb.add_worksheet(sheet)
    fmt_date = wb.add_format({"num_format": "yyyy-mm-dd"})
    fmt_dt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    cols = list(df.columns)
    for j, col in enumerate(cols):
        ws.write_string(0, j, chinese_header(table, col))
    for j, col in enumerate(cols):
        s = df[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            whole = (s == s.dt.normalize()).to_numpy()
            for i, (v, w) in enumerate(zip(s.tolist(), whole)):
                if not pd.isna(v):
                    ws.write_datetime(i + 1, j, v.to_pydatetime(), fmt_date if w else fmt_dt)
        elif pd.api.types.is_bool_dtype(s):
            for i, v in enumerate(s.tolist()):
                ws.write_string(i + 1, j, "是" if v else "否")
        elif pd.api.types.is_float_dtype(s):
            for i, v in enumerate(s.tolist()):
                if not pd.isna(v):
                    ws.write_number(i + 1, j, float(v))
        else:
            for i, v in enumerate(s.tolist()):
                if not pd.isna(v):
                    ws.write_string(i + 1, j, str(v))
        ws.set_column(j, j, 12 if j else 10)
    ws.freeze_panes(1, 0)
    wb.close()


def write_calls(centre: Centre, path: Path, fmt: str = "csv", *, batch_rows: int = 1_000_000) -> Path:
    """Write the call log as CSV (English headers, UTF-8) or Parquet.

    With `centre.calls` set it is written in slices of `batch_rows`; when the centre was made
    with `calls=False` the calls are generated and streamed batch by batch (same rows as
    `generate_centre(..., calls=True)` would hold), so memory stays flat for any size.
    """
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    if fmt not in ("csv", "parquet"):
        raise ValueError(f"calls format must be csv or parquet, got {fmt!r}")
    path = Path(path)
    if centre.calls is not None:
        df = centre.calls
        source: Iterator[pa.Table] = (
            pa.Table.from_pandas(df.iloc[i:i + batch_rows], schema=CALL_SCHEMA, preserve_index=False)
            for i in range(0, max(len(df), 1), batch_rows))
    else:
        source = iter_call_batches(centre)
    if fmt == "csv":
        writer = pacsv.CSVWriter(str(path), CALL_SCHEMA, write_options=pacsv.WriteOptions(quoting_style="needed"))
    else:
        writer = pq.ParquetWriter(str(path), CALL_SCHEMA, compression="zstd")
    total = None if centre.calls is None else len(centre.calls)
    with writer, task(f"Writing the call log {path.name}", total=total) as shown:
        for t in source:
            writer.write_table(t)
            shown.advance(t.num_rows)
    return path


def write_centre(centre: Centre, out_dir: Path, *, calls_format: str = "csv",
                 sample_formats: bool = True, stream_calls: bool = False) -> dict[str, Path]:
    """Write every table of the centre into `out_dir`; returns {table_name: path}.

    sample_formats=True writes what centres really send: roster.xlsx / leave.xlsx with Chinese
    headers, schedule.csv (UTF-8 with BOM, Chinese headers), punches.csv (GB18030, Chinese
    headers), kpi/excusals/swaps CSV with English headers. Otherwise every table is an
    English-header UTF-8 CSV. Calls go to calls.csv or calls.parquet (English headers) when
    the centre holds them, or, with stream_calls=True, are generated and streamed to the file
    batch by batch (for a centre made with calls=False: flat memory at any size).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    tables = {"roster": centre.roster, "schedule": centre.schedule, "punches": centre.punches,
              "leave": centre.leave, "kpi": centre.kpi, "excusals": centre.excusals, "swaps": centre.swaps}
    if centre.exams is not None:
        tables["exams"] = centre.exams
    with task("Writing the sample tables", total=len(tables)) as shown:
        for name, df in tables.items():
            _write_table(out, name, df, sample_formats, paths)
            shown.advance()
    if centre.calls is not None or stream_calls:
        paths["calls"] = write_calls(centre, out / f"calls.{calls_format}", calls_format)
    return paths


def _write_table(out: Path, name: str, df: pd.DataFrame, sample_formats: bool, paths: dict[str, Path]) -> None:
    for col in df.columns:  # stay inside the data contract
        TABLES[name].column(col)
    if sample_formats and name in ("roster", "leave"):
        p = out / f"{name}.xlsx"
        _write_xlsx(df, p, name, {"roster": "花名册", "leave": "请假单"}[name])
    elif sample_formats and name == "schedule":
        p = out / "schedule.csv"
        _write_csv(df, p, name, chinese=True, encoding="utf-8-sig")
    elif sample_formats and name == "punches":
        p = out / "punches.csv"
        _write_csv(df, p, name, chinese=True, encoding="gb18030")
    else:
        p = out / f"{name}.csv"
        _write_csv(df, p, name, chinese=False, encoding="utf-8")
    paths[name] = p
