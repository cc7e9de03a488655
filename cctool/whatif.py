"""`simulate`: one month's inputs, read once, judged under two rules files; only what changes.

The audit (and the payroll when pay inputs are given) runs through the same pipelines as
`attendance-audit` and `monthly-payroll`; this module compares the two results person by
person. Nothing here reads a file beyond what the pipelines read, or prints.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from cctool.io.inputs import InputSet
from cctool.pipelines import AttendanceInputs, PayInputs, audit_inputs, pay_coverage, pay_from_audit
from cctool.policy.attendance import AttendanceResult
from cctool.policy.payroll import MONEY_COLUMNS, PayrollResult
from cctool.rules.diff import rules_diff
from cctool.rules.model import Rules

SUMMARY_FIELDS = ["scheduled_days", "worked_days", "late_count", "early_leave_count", "excused_count",
                  "missing_punch_count", "absent_days", "leave_days"]
CONSEQUENCES = ["performance_bonus_stopped", "performance_pay_zero", "all_bonus_zero", "wage_withheld",
                "deemed_resigned", "training_ended"]
# Consequences that stop (part of) a person's bonus: the Teams sheet's "bonus stops".
BONUS_STOPS = ["performance_bonus_stopped", "performance_pay_zero", "all_bonus_zero"]
CHANGE_COLUMNS = ["agent_id", "name", "team", "field", "baseline", "proposed", "rule_ids"]


@dataclass
class Outcome:
    """One side of the simulation: the audit and, when pay inputs were given, the payroll."""

    attendance: AttendanceResult
    payroll: PayrollResult | None = None


@dataclass
class Simulation:
    month: str
    changes: pd.DataFrame  # one row per person and changed field (CHANGE_COLUMNS)
    records: list[dict]  # one per person whose outcome differs (JSON records)
    totals: dict
    teams: pd.DataFrame  # before/after per team
    rules_diff: list[dict]
    pay: bool
    baseline: Outcome = field(repr=False, default=None)
    proposed: Outcome = field(repr=False, default=None)


def judge(period: str, rules: Rules, inputs: InputSet, tables: AttendanceInputs, pay: PayInputs | None, *,
          as_of=None, allow_partial: bool = False) -> Outcome:
    """One side, through the pipelines the reports use, coverage checks included."""
    att = audit_inputs(period, rules, inputs, tables, as_of=as_of, allow_partial=allow_partial)
    if pay is None:
        return Outcome(att)
    pay_coverage(att, pay, rules, inputs, allow_partial, check_left=False)
    return Outcome(att, pay_from_audit(period, rules, inputs, att, pay))


def simulate_month(period: str, baseline: Rules, proposed: Rules, inputs: InputSet, tables: AttendanceInputs,
                   pay: PayInputs | None = None, *, as_of=None, allow_partial: bool = False) -> Simulation:
    before = judge(period, baseline, inputs, tables, pay, as_of=as_of, allow_partial=allow_partial)
    after = judge(period, proposed, inputs, tables, pay, as_of=as_of, allow_partial=allow_partial)
    changes = compare(before, after, baseline, proposed)
    return Simulation(period, changes, change_records(changes, before, after), totals(changes, before, after),
                      team_effects(before, after), rules_diff(baseline, proposed), pay is not None, before, after)


# ----------------------------------------------------------------------------- person by person

# A finding is known by its shift (the date and, on a day of several shifts, its start), kind and rule.
EVENT_KEYS = ["agent_id", "date", "shift_start", "kind", "rule_id"]


def _event_keys(events: pd.DataFrame) -> pd.DataFrame:
    return events.reindex(columns=EVENT_KEYS).astype({"date": "datetime64[ns]", "shift_start": "string"}) \
        .drop_duplicates()


def changed_event_rules(before: AttendanceResult, after: AttendanceResult) -> dict[str, str]:
    """Per person, the rule IDs of findings made under one rules file and not the other."""
    keys = EVENT_KEYS
    both = _event_keys(before.events).merge(_event_keys(after.events), on=keys, how="outer", indicator=True)
    differing = both[both["_merge"] != "both"]
    return differing.groupby("agent_id")["rule_id"].agg(lambda s: ", ".join(sorted(set(s)))).to_dict()


def _long(frame: pd.DataFrame, fields: list[str]) -> pd.DataFrame:
    present = [f for f in fields if f in frame.columns]
    # object columns: an int count stays an int next to float days in the one value column
    frame = frame[["agent_id", *present]].astype({f: object for f in present})
    return frame.melt(id_vars=["agent_id"], value_vars=present, var_name="field", value_name="value")


def _differs(a: pd.Series, b: pd.Series) -> pd.Series:
    """Element-wise 'not equal', treating two missing values as equal (Decimals, floats, bools)."""
    a_na, b_na = a.isna(), b.isna()
    same = (a_na & b_na) | (~a_na & ~b_na & (a.astype(object) == b.astype(object)))
    return ~same


def _field_changes(before: pd.DataFrame, after: pd.DataFrame, fields: list[str]) -> pd.DataFrame:
    both = _long(before, fields).merge(_long(after, fields), on=["agent_id", "field"], how="outer",
                                       suffixes=("_baseline", "_proposed"))
    both = both[_differs(both["value_baseline"], both["value_proposed"])]
    return both.rename(columns={"value_baseline": "baseline", "value_proposed": "proposed"})


def consequence_rules(rules: Rules) -> dict[str, str]:
    att = rules.attendance
    out = {att.monthly_count.consequence: att.monthly_count.rule_id,
           att.consecutive_absence.consequence: att.consecutive_absence.rule_id,
           "training_ended": att.training.rule_id}
    out.update({t.consequence: t.rule_id for t in att.monthly_absence})
    return out


def _leave_changes(before: AttendanceResult, after: AttendanceResult) -> pd.DataFrame:
    """Leave verdicts: one field per request, `leave <request_id>`, baseline and proposed verdicts."""
    cols = ["request_id", "agent_id", "verdict", "rule_ids"]
    a = before.leave.reindex(columns=cols)
    b = after.leave.reindex(columns=cols)
    both = a.merge(b, on=["request_id", "agent_id"], how="outer", suffixes=("_b", "_p"))
    both = both[_differs(both["verdict_b"], both["verdict_p"])]
    ids = [", ".join(sorted({x.strip() for v in pair if isinstance(v, str) for x in v.split(",") if x.strip()}))
           for pair in zip(both["rule_ids_b"], both["rule_ids_p"])]
    return pd.DataFrame({"agent_id": both["agent_id"], "field": "leave " + both["request_id"].astype(str),
                         "baseline": both["verdict_b"], "proposed": both["verdict_p"], "rule_ids": ids})


def money_fields(payroll: pd.DataFrame) -> list[str]:
    """The payroll's money columns: the known ones and any other Decimal column the payroll carries."""
    extra = [c for c in payroll.columns if c not in MONEY_COLUMNS and len(payroll)
             and isinstance(payroll[c].iloc[0], Decimal)]
    return [c for c in MONEY_COLUMNS if c in payroll.columns] + extra


def _pay_rules(before: PayrollResult, after: PayrollResult) -> dict[str, str]:
    """Per person, the rule IDs of deduction lines that differ between the two payrolls."""
    keys = [c for c in ("agent_id", "item", "rule_id", "amount", "status") if c in before.deductions.columns
            and c in after.deductions.columns]
    both = before.deductions[keys].merge(after.deductions[keys], on=keys, how="outer", indicator=True)
    differing = both[both["_merge"] != "both"]
    return differing.groupby("agent_id")["rule_id"].agg(lambda s: ", ".join(sorted(set(s)))).to_dict()


def compare(before: Outcome, after: Outcome, baseline: Rules, proposed: Rules) -> pd.DataFrame:
    """Every changed field of every person: attendance summary fields, consequences, leave
    verdicts and pay fields, each with the rule IDs behind the change."""
    event_rules = changed_event_rules(before.attendance, after.attendance)
    parts = []
    summary = _field_changes(before.attendance.summary, after.attendance.summary, SUMMARY_FIELDS)
    summary["rule_ids"] = summary["agent_id"].map(event_rules).fillna("")
    parts.append(summary)
    conseq = _field_changes(before.attendance.summary, after.attendance.summary, CONSEQUENCES)
    names = {**consequence_rules(baseline), **consequence_rules(proposed)}
    conseq["rule_ids"] = conseq["field"].map(names).fillna("")
    parts.append(conseq)
    parts.append(_leave_changes(before.attendance, after.attendance))
    if before.payroll is not None and after.payroll is not None:
        fields = list(dict.fromkeys(money_fields(before.payroll.payroll) + money_fields(after.payroll.payroll)))
        pay = _field_changes(before.payroll.payroll, after.payroll.payroll, fields)
        pay_rules = _pay_rules(before.payroll, after.payroll)
        pay["rule_ids"] = pay["agent_id"].map(pay_rules).fillna(pay["agent_id"].map(event_rules)).fillna("")
        parts.append(pay)
    changes = pd.concat([p for p in parts if not p.empty], ignore_index=True) if any(not p.empty for p in parts) \
        else pd.DataFrame(columns=CHANGE_COLUMNS)
    people = pd.concat([after.attendance.summary[["agent_id", "name", "team"]],
                        before.attendance.summary[["agent_id", "name", "team"]]]).drop_duplicates("agent_id")
    changes = changes.drop(columns=[c for c in ("name", "team") if c in changes]).merge(people, on="agent_id",
                                                                                         how="left")
    order = {f: i for i, f in enumerate(SUMMARY_FIELDS + CONSEQUENCES)}
    changes["_order"] = changes["field"].map(order).fillna(len(order))
    changes = changes.sort_values(["agent_id", "_order", "field"], kind="stable").drop(columns="_order")
    return changes.reindex(columns=CHANGE_COLUMNS).reset_index(drop=True)


def change_records(changes: pd.DataFrame, before: Outcome, after: Outcome) -> list[dict]:
    """JSON records: one per person whose outcome differs, with their changes and net pay."""
    nets = {}
    if before.payroll is not None and after.payroll is not None:
        b = before.payroll.payroll.set_index("agent_id")["net"]
        a = after.payroll.payroll.set_index("agent_id")["net"]
        nets = {"b": b, "a": a}
    out = []
    for agent, grp in changes.groupby("agent_id", sort=True):
        first = grp.iloc[0]
        rec = {"agent_id": agent, "name": first["name"], "team": first["team"],
               "changes": [{"field": r.field, "baseline": _plain(r.baseline), "proposed": _plain(r.proposed),
                            "rule_ids": [x for x in str(r.rule_ids).split(", ") if x]}
                           for r in grp.itertuples(index=False)]}
        if nets:
            nb, na = nets["b"].get(agent, Decimal("0")), nets["a"].get(agent, Decimal("0"))
            rec.update(net_baseline=nb, net_proposed=na, net_delta=na - nb)
        out.append(rec)
    return out


def _plain(value):
    if value is None or (not isinstance(value, (str, Decimal)) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


# ----------------------------------------------------------------------------- totals and teams

def totals(changes: pd.DataFrame, before: Outcome, after: Outcome) -> dict:
    """People affected per consequence (newly / no longer), and the pay delta per team and for the centre."""
    people = {}
    for name in CONSEQUENCES:
        rows = changes[changes["field"] == name]
        people[name] = {"newly": int((rows["proposed"] == True).sum()),  # noqa: E712
                        "no_longer": int((rows["baseline"] == True).sum()),  # noqa: E712
                        "baseline": int(before.attendance.summary[name].sum()),
                        "proposed": int(after.attendance.summary[name].sum())}
    out = {"people_affected": int(changes["agent_id"].nunique()), "consequences": people}
    if before.payroll is not None and after.payroll is not None:
        delta = pay_delta_by_team(before.payroll, after.payroll)
        out["pay_delta"] = {"teams": dict(zip(delta["team"], delta["net_delta"])),
                            "centre": sum(delta["net_delta"], Decimal("0"))}
    return out


def pay_delta_by_team(before: PayrollResult, after: PayrollResult) -> pd.DataFrame:
    """Net pay per team under each rules file and the difference (exact Decimal sums)."""
    def by_team(p: pd.DataFrame) -> dict:
        return {team: sum(grp["net"], Decimal("0")) for team, grp in p.groupby("team", sort=True)} if len(p) else {}

    b, a = by_team(before.payroll), by_team(after.payroll)
    teams = sorted(set(b) | set(a), key=str)
    zero = Decimal("0")
    return pd.DataFrame({"team": teams, "net_baseline": [b.get(t, zero) for t in teams],
                         "net_proposed": [a.get(t, zero) for t in teams],
                         "net_delta": [a.get(t, zero) - b.get(t, zero) for t in teams]})


def team_effects(before: Outcome, after: Outcome) -> pd.DataFrame:
    """Per team: attendance rate and people whose bonus stops, before and after; pay delta."""
    def side(o: Outcome, suffix: str) -> pd.DataFrame:
        s = o.attendance.summary
        stops = s[BONUS_STOPS].any(axis=1).groupby(s["team"]).sum().rename(f"bonus_stops_{suffix}")
        rate = o.attendance.teams.set_index("team")["attendance_rate"].rename(f"attendance_rate_{suffix}")
        below = o.attendance.teams.set_index("team")["below_target"].rename(f"below_target_{suffix}")
        return pd.concat([rate, below, stops], axis=1)

    teams = side(before, "baseline").join(side(after, "proposed"), how="outer")
    teams.index.name = "team"
    teams = teams.reset_index()
    for col in ("bonus_stops_baseline", "bonus_stops_proposed"):
        teams[col] = teams[col].fillna(0).astype("int64")
    teams["attendance_rate_change"] = (teams["attendance_rate_proposed"] - teams["attendance_rate_baseline"]).round(4)
    if before.payroll is not None and after.payroll is not None:
        teams = teams.merge(pay_delta_by_team(before.payroll, after.payroll), on="team", how="outer")
    cols = ["team", "attendance_rate_baseline", "attendance_rate_proposed", "attendance_rate_change",
            "below_target_baseline", "below_target_proposed", "bonus_stops_baseline", "bonus_stops_proposed",
            "net_baseline", "net_proposed", "net_delta"]
    return teams.reindex(columns=[c for c in cols if c in teams.columns]).sort_values("team").reset_index(drop=True)
