"""`rules lint`: a valid rules file can still be a wrong policy. Each check reads the rules as
the policy code applies them and reports, with its YAML path, a setting that cannot be meant:

- worked-hours bands whose thresholds coincide (an overlap) or whose severity falls as the
  hours fall; absence tiers and bonus bands at the same threshold (the later one never applies);
- a leave chain list that stops short of every length (requests longer than the last
  `max_days` have no chain of their own: a gap), or names one length twice;
- a grade whose criteria are easier than the grade below (compared metric by metric, on the
  metrics both grades name);
- approval chains naming a role nobody in the roster holds (with a roster);
- a leave chain for a longer request that is weaker than the chain for a shorter one
  (POLICY.md §3: stricter = a higher top approver, then a longer chain; or it drops documents).

What the rules model already refuses (exit 4 before lint runs: late/early bands out of order
or falling in severity, absence tiers falling in consequence, a bonus paying more for a lower
score) is not checked again here.
"""
from __future__ import annotations

from dataclasses import dataclass

from cctool.policy.orgchart import ROLE_RANK
from cctool.rules.model import Chain, Criterion, Rules

# How bad each attendance kind is; fewer hours worked must not be judged milder.
SEVERITY = {"late": 1, "early_leave": 1, "absent_half_day": 2, "absent_full_day": 3}
# The department's manager: held when either department manager post is filled.
ROLE_HOLDERS = {"manager": ("ops_manager", "support_manager")}


@dataclass(frozen=True)
class LintFinding:
    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


def lint_rules(rules: Rules, roster_roles: set[str] | None = None) -> list[LintFinding]:
    found: list[LintFinding] = []
    found += worked_hours_findings(rules)
    found += tier_findings(rules)
    for name in ("agent", "personal", "team_lead"):
        found += chain_findings(getattr(rules.leave, name), f"leave.{name}")
    found += grade_findings(rules)
    found += bonus_findings(rules)
    if roster_roles is not None:
        found += role_findings(rules, roster_roles)
    return found


# ----------------------------------------------------------------------------- attendance

def worked_hours_findings(rules: Rules) -> list[LintFinding]:
    rows = rules.attendance.worked_hours
    out = []
    # Fewer hours worked must never be judged milder: sort by the threshold, high to low.
    ordered = sorted(enumerate(rows), key=lambda p: -p[1].below_hours)
    for (_, high), (j, low) in zip(ordered, ordered[1:]):
        if low.below_hours == high.below_hours:
            out.append(LintFinding(f"attendance.worked_hours[{j}].below_hours",
                                   f"two rules for under {low.below_hours:g} h: the bands overlap"))
        elif SEVERITY[low.kind] < SEVERITY[high.kind]:
            out.append(LintFinding(f"attendance.worked_hours[{j}].kind",
                                   f"under {low.below_hours:g} h is {low.kind}, milder than {high.kind} under "
                                   f"{high.below_hours:g} h: severity falls as hours fall"))
    return out


def tier_findings(rules: Rules) -> list[LintFinding]:
    tiers = rules.attendance.monthly_absence
    out = []
    for i in range(1, len(tiers)):
        if tiers[i].at_least_days == tiers[i - 1].at_least_days:
            out.append(LintFinding(f"attendance.monthly_absence[{i}].at_least_days",
                                   f"same threshold as monthly_absence[{i - 1}] ({tiers[i].at_least_days:g} days): "
                                   "the tiers overlap"))
    return out


# ----------------------------------------------------------------------------- leave

def strictness(chain: Chain) -> tuple[int, int]:
    return max(ROLE_RANK.get(r, 0) for r in chain.chain), len(chain.chain)


def chain_findings(chains: list[Chain], path: str) -> list[LintFinding]:
    out = []
    last = chains[-1]
    if last.max_days is not None:
        out.append(LintFinding(f"{path}[{len(chains) - 1}].max_days",
                               f"no chain for requests longer than {last.max_days:g} days: a gap (give the last "
                               "chain no max_days)"))
    for i in range(1, len(chains)):
        short, long = chains[i - 1], chains[i]
        if short.max_days is not None and long.max_days == short.max_days:
            out.append(LintFinding(f"{path}[{i}].max_days", f"same max_days as {path}[{i - 1}] ({long.max_days:g}): "
                                                            "this chain never applies (overlap)"))
        if strictness(long) < strictness(short):
            out.append(LintFinding(f"{path}[{i}].chain",
                                   f"[{', '.join(long.chain)}] for longer requests is weaker than "
                                   f"[{', '.join(short.chain)}] of {path}[{i - 1}] for shorter ones"))
        if short.documents_required and not long.documents_required:
            out.append(LintFinding(f"{path}[{i}].documents_required",
                                   f"longer requests need no documents, shorter ones ({path}[{i - 1}]) do"))
    return out


def role_findings(rules: Rules, roles: set[str]) -> list[LintFinding]:
    """Every approver role in the rules must be held by someone in the roster."""
    wanted: list[tuple[str, str]] = []
    for name in ("agent", "personal", "team_lead"):
        for i, c in enumerate(getattr(rules.leave, name)):
            wanted += [(f"leave.{name}[{i}].chain", r) for r in c.chain]
    wanted.append(("leave.daily_cap.above_cap_needs", rules.leave.daily_cap.above_cap_needs))
    wanted.append(("leave.long_leave_cap.then_needs", rules.leave.long_leave_cap.then_needs))
    wanted += [("grading.promotion_approval.chain", r) for r in rules.grading.promotion_approval.chain]
    out, seen = [], set()
    for path, role in wanted:
        holders = ROLE_HOLDERS.get(role, (role,))
        if not any(h in roles for h in holders) and (path, role) not in seen:
            seen.add((path, role))
            out.append(LintFinding(path, f"names {role}, a role nobody in the roster holds: such requests can never "
                                         "be approved"))
    return out


# ----------------------------------------------------------------------------- grading and pay

def _easier(low: Criterion, high: Criterion) -> bool:
    """Is `high`'s threshold on the same metric easier to meet than `low`'s?"""
    if isinstance(low.value, bool) or isinstance(high.value, bool):
        return low.op == "==" and high.op == "==" and low.value is True and high.value is not True
    if low.op in (">=", ">") and high.op in (">=", ">"):
        return high.value < low.value or (high.value == low.value and high.op == ">=" and low.op == ">")
    if low.op in ("<=", "<") and high.op in ("<=", "<"):
        return high.value > low.value or (high.value == low.value and high.op == "<=" and low.op == "<")
    return False


def grade_findings(rules: Rules) -> list[LintFinding]:
    """Each grade against the one below it (and the lowest against the trainee rule), on the
    metrics both name: a metric the higher grade does not name is not compared (GRD-C's
    regular-exam gate is not repeated by B and A)."""
    g = rules.grading
    ladder = [("grading.trainee", "trainee", g.trainee.criteria)]
    ladder += [(f"grading.grades[{i}]", r.grade, r.criteria) for i, r in enumerate(g.grades)]
    out = []
    for (_, low_name, low), (high_path, high_name, high) in zip(ladder, ladder[1:]):
        by_metric = {c.metric: c for c in low}
        for j, c in enumerate(high):
            below = by_metric.get(c.metric)
            if below is not None and _easier(below, c):
                out.append(LintFinding(f"{high_path}.criteria[{j}]",
                                       f"{high_name} asks {c.metric} {c.op} {c.value}, easier than {low_name} below "
                                       f"it ({below.metric} {below.op} {below.value})"))
    return out


def bonus_findings(rules: Rules) -> list[LintFinding]:
    bands = rules.pay.performance_bonus.bands  # highest score first
    out = []
    for i in range(1, len(bands)):
        if bands[i].at_least == bands[i - 1].at_least:
            out.append(LintFinding(f"pay.performance_bonus.bands[{i}].at_least",
                                   f"same score as bands[{i - 1}]: the bands overlap"))
    return out
