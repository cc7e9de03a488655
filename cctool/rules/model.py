"""pydantic models of `rules/default.yaml`. Every model forbids unknown keys, so a typo in a
rules file is an error naming its YAML path, not a silently ignored setting."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

RULE_ID = r"^(GRD|ATT|LV|PAY|RPT)-[A-Z0-9]+(-[A-Z0-9]+)*$"
RuleId = Field(pattern=RULE_ID)
AttendanceKind = Literal["late", "early_leave", "absent_half_day", "absent_full_day"]
ApproverRole = Literal["team_lead", "supervisor", "deputy_manager", "manager", "ops_manager",
                       "support_manager", "director"]
Money = Decimal


def _bool_for_number(annotation, value) -> bool:
    """Whether `value` holds a bool where `annotation` wants a number (inside lists and dicts too)."""
    if annotation is bool or annotation is None:
        return False
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (list, tuple):
        return isinstance(value, list) and any(_bool_for_number(args[0], v) for v in value) if args else False
    if origin is dict:
        return isinstance(value, dict) and any(_bool_for_number(args[1], v) for v in value.values())
    if args and origin is not Literal:  # Optional / Union: only when no member takes a bool
        if bool in args:
            return False
        return any(_bool_for_number(a, value) for a in args if a is not type(None))
    return isinstance(value, bool) and annotation in (int, float, Decimal)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, data):
        """pydantic reads `true` as 1 for a number; in a rules file that is always a slip
        (`hourly_rate: yes`), so a boolean where a number belongs is an error."""
        if isinstance(data, dict):
            for name, field in cls.model_fields.items():
                if name in data and _bool_for_number(field.annotation, data[name]):
                    raise ValueError(f"{name}: a number is required, not a boolean (true/false/yes/no)")
        return data


# ----------------------------------------------------------------------------- attendance

class Band(Strict):
    """One threshold band. Exactly one of `above_minutes` (strictly more than) and
    `at_least_minutes` (this many or more) is given: the manual's wording decides which."""

    rule_id: str = RuleId
    kind: AttendanceKind
    above_minutes: float | None = Field(default=None, ge=0)
    at_least_minutes: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def one_boundary(self):
        if (self.above_minutes is None) == (self.at_least_minutes is None):
            raise ValueError("give exactly one of above_minutes or at_least_minutes")
        return self

    @property
    def seconds(self) -> float:
        return 60 * (self.above_minutes if self.above_minutes is not None else self.at_least_minutes)

    @property
    def strict(self) -> bool:
        return self.above_minutes is not None

    def describe(self, what: str) -> str:
        if self.strict:
            return f"more than {self.above_minutes:g} min {what}"
        return f"{self.at_least_minutes:g} min or more {what}"


class RuleKind(Strict):
    rule_id: str = RuleId
    kind: str


class MonthlyCount(Strict):
    rule_id: str = RuleId
    counts: list[Literal["late", "early_leave"]]
    at_least: int = Field(ge=1)
    consequence: Literal["performance_bonus_stopped"]


class AbsenceTier(Strict):
    rule_id: str = RuleId
    at_least_days: float = Field(gt=0)
    consequence: Literal["performance_pay_zero", "all_bonus_zero", "wage_withheld"]


class ConsecutiveAbsence(Strict):
    rule_id: str = RuleId
    at_least_days: int = Field(ge=1)
    consequence: Literal["deemed_resigned"]


class TeamAttendance(Strict):
    rule_id: str = RuleId
    min_rate: float = Field(gt=0, le=1)


class SwapLimits(Strict):
    rule_id: str = RuleId
    self_max_days: int = Field(ge=0)
    other_max_days: int = Field(ge=0)


class Training(Strict):
    rule_id: str = RuleId
    grade: str
    exam_column: str
    ends_on_any_leave: bool
    lates_at_least: int = Field(ge=1)
    absence_hours_above: float = Field(ge=0)


class FeedGap(Strict):
    """ATT-FEED-GAP: a day with at least `min_shifts` scheduled shifts and no punch in the whole
    centre is a time-clock feed gap; its shifts are review items, never no-shows."""

    rule_id: str = Field(default="ATT-FEED-GAP", pattern=RULE_ID)
    kind: Literal["feed_gap"] = "feed_gap"
    min_shifts: int = Field(default=2, ge=1)


class PunchPairing(Strict):
    before_minutes: int = Field(ge=0, le=720)
    after_minutes: int = Field(ge=0, le=720)


class Corrections(Strict):
    """ATT-CORRECTION: punch corrections (补卡) allowed per person per month; each one over
    the cap is a finding. Absent from the rules file = no cap (corrections are only counted)."""

    rule_id: str = RuleId
    max_per_month: int = Field(ge=0)
class WorkedHours(Strict):
    """A day judged by the hours worked (last sign-out − first sign-in): under `below_hours`
    (strictly) the day is `kind`. Evaluated after the late/early bands; the more severe wins."""

    rule_id: str = RuleId
    kind: Literal["absent_half_day", "absent_full_day"]
    below_hours: float = Field(gt=0, le=24)


# How grave each attendance kind is: a longer delay never gives a milder kind.
SEVERITY = {"late": 0, "early_leave": 0, "absent_half_day": 1, "absent_full_day": 2}
CONSEQUENCE_SEVERITY = {"performance_pay_zero": 0, "all_bonus_zero": 1, "wage_withheld": 2}


def _ascending(bands: list[Band], name: str) -> list[Band]:
    """Bands in increasing order of minutes, never milder as time grows; an error names the two
    items (their index in the YAML list and rule ID) that break the order."""
    def item(i: int) -> str:
        return f"{name}[{i}] ({bands[i].rule_id}, {bands[i].seconds / 60:g} min, {bands[i].kind})"

    for i in range(1, len(bands)):
        if bands[i].seconds <= bands[i - 1].seconds:
            raise ValueError(f"{item(i)} does not come after {item(i - 1)}: {name} bands must be in increasing "
                             "order of minutes")
        if SEVERITY[bands[i].kind] < SEVERITY[bands[i - 1].kind]:
            raise ValueError(f"{item(i)} is milder than {item(i - 1)}: {name} bands are in inverted severity "
                             f"order, a longer time gives a milder kind ({' -> '.join(b.kind for b in bands)})")
    return bands


class Attendance(Strict):
    late: list[Band] = Field(min_length=1)
    early: list[Band] = Field(min_length=1)
    excuse: RuleKind
    no_show: RuleKind
    missing_punch: RuleKind
    absence_weight: dict[Literal["absent_half_day", "absent_full_day"], float]
    max_absence_per_shift: float = Field(gt=0)
    monthly_count: MonthlyCount
    monthly_absence: list[AbsenceTier] = Field(min_length=1)
    consecutive_absence: ConsecutiveAbsence
    unapproved_leave: RuleKind
    false_leave: RuleKind
    team_attendance: TeamAttendance
    swaps: SwapLimits
    training: Training
    punch_pairing: PunchPairing
    feed_gap: FeedGap = Field(default_factory=FeedGap)
    corrections: Corrections | None = None
    # Off by default: time clocks and HR suites that judge a day by the hours worked.
    worked_hours: list[WorkedHours] = Field(default_factory=list)

    @field_validator("late")
    @classmethod
    def _late_order(cls, v):
        return _ascending(v, "late")

    @field_validator("early")
    @classmethod
    def _early_order(cls, v):
        return _ascending(v, "early")

    @field_validator("monthly_absence")
    @classmethod
    def _tiers_order(cls, v):
        days = [t.at_least_days for t in v]
        if days != sorted(days):
            raise ValueError("monthly_absence tiers must be in increasing order of days")
        ranks = [CONSEQUENCE_SEVERITY[t.consequence] for t in v]
        if ranks != sorted(ranks):
            raise ValueError("monthly_absence tiers are in inverted severity order: more absence gives a milder "
                             f"consequence ({' -> '.join(t.consequence for t in v)})")
        return v

    @field_validator("absence_weight")
    @classmethod
    def _weights(cls, v):
        negative = [k for k, w in v.items() if not w >= 0]
        if negative:
            raise ValueError(f"absence weights must not be negative ({', '.join(negative)})")
        return v


# ----------------------------------------------------------------------------- leave

class Chain(Strict):
    rule_id: str = RuleId
    max_days: float | None = Field(default=None, gt=0)
    chain: list[ApproverRole] = Field(min_length=1)
    documents_required: bool = False


def _chain_order(chains: list[Chain]) -> list[Chain]:
    limits = [c.max_days for c in chains]
    if any(x is None for x in limits[:-1]):
        raise ValueError("only the last chain may have no max_days")
    finite = [x for x in limits if x is not None]
    if finite != sorted(finite):
        raise ValueError("chains must be in increasing order of max_days")
    return chains


class SickLeave(Strict):
    rule_id: str = RuleId
    forbidden_channels: list[Literal["form", "phone", "sms"]]
    documents_required: bool


class DailyCap(Strict):
    rule_id: str = RuleId
    max_people_per_supervisor: int = Field(ge=0)
    above_cap_needs: ApproverRole


class LongLeaveCap(Strict):
    rule_id: str = RuleId
    long_leave_above_days: float = Field(ge=0)
    max_people: int = Field(ge=0)
    then_needs: ApproverRole


class Leave(Strict):
    agent: list[Chain] = Field(min_length=1)
    personal: list[Chain] = Field(min_length=1)
    team_lead: list[Chain] = Field(min_length=1)
    sick: SickLeave
    daily_cap: DailyCap
    long_leave_cap: LongLeaveCap
    half_day_max_hours: float = Field(gt=0, le=12)

    @field_validator("agent", "personal", "team_lead")
    @classmethod
    def _order(cls, v):
        return _chain_order(v)


# ----------------------------------------------------------------------------- grading

class Criterion(Strict):
    metric: Literal["kpi_mean", "cph", "success_rate", "regular_exam_passed", "new_hire_exam_passed"]
    op: Literal[">=", ">", "<=", "<", "=="]
    value: float | bool


class GradeRule(Strict):
    rule_id: str = RuleId
    grade: str
    criteria: list[Criterion] = Field(min_length=1)


class TraineeRule(Strict):
    rule_id: str = RuleId
    criteria: list[Criterion] = Field(min_length=1)


class TraineeWindow(Strict):
    rule_id: str = RuleId
    min_months: int = Field(ge=0)
    max_months: int = Field(ge=0)

    @model_validator(mode="after")
    def _window(self):
        if self.max_months < self.min_months:
            raise ValueError("max_months must not be less than min_months")
        return self


class PromotionApproval(Strict):
    rule_id: str = RuleId
    chain: list[ApproverRole] = Field(min_length=1)


class ManagementNote(Strict):
    rule_id: str = RuleId
    from_grade: str
    to_grade: str
    note: str


class Metrics(Strict):
    cph_calls: Literal["all", "connected"]
    hours_basis: Literal["signed_in", "scheduled"]
    success_denominator: Literal["connected", "all"]
    kpi_mean_decimals: int = Field(ge=0, le=6)


class Grading(Strict):
    quarterly_rule_id: str = RuleId
    earned_rule_id: str = RuleId
    grades: list[GradeRule] = Field(min_length=1)
    trainee: TraineeRule
    trainee_window: TraineeWindow
    below_label: str
    # earned grade of a trainee who does not meet GRD-TRAINEE (regular agents: below_label)
    trainee_below_label: str = "below_trainee"
    promotion_approval: PromotionApproval
    management_note: ManagementNote
    metrics: Metrics
    # A call log without a `success` column: "refuse" stops the run naming the field to map;
    # "grade_other_criteria" grades on the criteria the log allows (success_rate is not evaluated).
    calls_without_success: Literal["refuse", "grade_other_criteria"] = "refuse"


# ----------------------------------------------------------------------------- pay

class Rounding(Strict):
    quantum: Money = Field(gt=0)
    mode: Literal["half_up", "half_even"]

    @field_validator("quantum")
    @classmethod
    def _power_of_ten(cls, v):
        # 0.01 rounds to the cent, 1 to the yuan; 0.05 or 0.03 would make totals that no
        # payslip reproduces
        if not v.is_finite() or v.normalize().as_tuple().digits != (1,):
            raise ValueError("the rounding quantum must be a power of ten (0.01, 0.1, 1, 10 …)")
        return v


class Unpaid(Strict):
    personal: Money = Field(ge=0, le=1)
    sick: Money = Field(ge=0, le=1)
    absence: Money = Field(ge=0, le=1)
    standby: Money = Field(ge=0, le=1)


class BasePay(Strict):
    rule_id: str = RuleId
    by_grade: dict[str, Money]
    by_role: dict[str, Money]
    paid_days_basis: Money = Field(gt=0)
    unpaid: Unpaid

    @field_validator("by_grade", "by_role")
    @classmethod
    def _not_negative(cls, v):
        # A negative base pay would make pay negative (issue 9 §7): refused, naming the key.
        bad = {key: str(amount) for key, amount in v.items() if amount < 0}
        if bad:
            raise ValueError("base pay cannot be negative: " + ", ".join(f"{k}: {a}" for k, a in bad.items()))
        return v


class BonusBand(Strict):
    at_least: float
    amount: Money = Field(ge=0)


class PerformanceBonus(Strict):
    rule_id: str = RuleId
    bands: list[BonusBand] = Field(min_length=1)

    @field_validator("bands")
    @classmethod
    def _desc(cls, v):
        lows = [b.at_least for b in v]
        if lows != sorted(lows, reverse=True):
            raise ValueError("bonus bands must be in decreasing order of at_least")
        amounts = [b.amount for b in v]
        if amounts != sorted(amounts, reverse=True):
            raise ValueError("bonus bands are in inverted order: a higher KPI band pays less than a lower one")
        return v


class Commission(Strict):
    rule_id: str = RuleId
    per_successful_call: Money = Field(ge=0)
    percent_of_amount: Money = Field(ge=0, le=1)


class Overtime(Strict):
    rule_id: str = RuleId
    hourly_rate: Money = Field(ge=0)
    requires_arranged: bool
    requires_average_cph: bool


class RuleRef(Strict):
    rule_id: str = RuleId


class Confidential(Strict):
    rule_id: str = RuleId
    file_mode: str = Field(pattern=r"^0?[0-7]{3}$")

    @field_validator("file_mode")
    @classmethod
    def _owner_only(cls, v):
        mode = int(v, 8)
        # PAY-CONFIDENTIAL: payroll files are for their owner only; 0644 would hand them to
        # every account on the machine
        if mode & 0o077 or not mode & 0o400:
            raise ValueError(f"file_mode {v} is not owner-only: use 0600 (or 0400); group and others get nothing")
        return v


class Pay(Strict):
    currency: str
    rounding: Rounding
    base_pay: BasePay
    performance_bonus: PerformanceBonus
    commission: Commission
    overtime: Overtime
    withheld: RuleRef
    standby: RuleRef
    confidential: Confidential


# ----------------------------------------------------------------------------- reporting duties

class DailyReport(Strict):
    """RPT-DAILY: yesterday's operating metrics to the director before 10:00 (daily-brief)."""

    rule_id: str = Field("RPT-DAILY", pattern=RULE_ID)


class KpiReport(Strict):
    """RPT-KPI: KPI attainment per agent and team, daily / weekly / monthly; the headcount sheet."""

    rule_id: str = Field("RPT-KPI", pattern=RULE_ID)


class MonthlyExam(Strict):
    """RPT-EXAM: the monthly exam, taken by `by_day` of the month, is part of the monthly assessment."""

    rule_id: str = Field("RPT-EXAM", pattern=RULE_ID)
    by_day: int = Field(25, ge=1, le=31)


class Reports(Strict):
    # Defaults are the manual's, so a rules file written before this section still loads.
    daily: DailyReport = Field(default_factory=DailyReport)
    kpi: KpiReport = Field(default_factory=KpiReport)
    exam: MonthlyExam = Field(default_factory=MonthlyExam)


# ----------------------------------------------------------------------------- limits

class Plausible(Strict):
    """The plausible range of one input field: a value outside it is a bad value for its row
    (reported, never used), so one absurd cell cannot overflow a sum or a date range."""

    min: float = Field(strict=True, allow_inf_nan=False)
    max: float = Field(strict=True, allow_inf_nan=False)

    @model_validator(mode="after")
    def _ordered(self):
        if self.max < self.min:
            raise ValueError("max must not be less than min")
        return self

    def describe(self) -> str:
        return f"{self.min:,.10g} to {self.max:,.10g}"

    @property
    def bounds(self) -> tuple[float, float]:
        return self.min, self.max


class Limits(Strict):
    """What inputs may hold before they are refused (issue 9 §1). Every field has a default, so
    a rules file without a `limits:` section keeps working."""

    kpi_score: Plausible = Plausible(min=0, max=100)
    amount: Plausible = Plausible(min=0, max=10_000_000)  # one call's sale amount
    duration_s: Plausible = Plausible(min=0, max=86_400)  # one call: at most a day
    leave_days: Plausible = Plausible(min=0, max=366)  # the `days` column of a leave request
    leave_max_span_days: int = Field(default=366, ge=1, le=3660, strict=True)  # start to end of one request
    earliest_date: dt.date = dt.date(1950, 1, 1)  # any date or time in any input
    latest_date: dt.date = dt.date(2100, 12, 31)
    # An .xlsx is checked before it is read: its declared sheet size and the uncompressed size
    # of its parts (a 9 KB file can declare a cell at XFD1048576; a zip bomb inflates to GBs).
    xlsx_max_rows: int = Field(default=2_000_000, ge=1, strict=True)
    xlsx_max_columns: int = Field(default=200, ge=1, strict=True)
    xlsx_max_uncompressed_bytes: int = Field(default=2_000_000_000, ge=1, strict=True)

    @model_validator(mode="after")
    def _dates(self):
        if self.latest_date <= self.earliest_date:
            raise ValueError("latest_date must be after earliest_date")
        return self


# ----------------------------------------------------------------------------- whole file

MAPPED_TABLES = ("roster", "schedule", "punches", "leave", "calls", "kpi", "excusals", "swaps")
TableName = Literal["roster", "schedule", "punches", "leave", "calls", "kpi", "excusals", "swaps", "exams"]
NAMED_FORMATS = ("dayfirst", "monthfirst", "epoch_ms", "duration")
# Which formats suit which column kinds (cctool.io.tables): a format the field cannot use is a
# rules error, not a run that reads every row as unreadable.
_DATE_KINDS = {"date", "datetime", "date_or_datetime", "datetime_or_time", "month"}
_FORMAT_KINDS = {"dayfirst": _DATE_KINDS, "monthfirst": _DATE_KINDS, "epoch_ms": _DATE_KINDS,
                 "duration": {"float", "int", "time"}}
_STRPTIME_KINDS = _DATE_KINDS | {"time"}
# The strptime directives both readers take alike (pandas for every table, DuckDB for call
# logs): a pattern with any other is a rules error here, not a crash or an unreadable column
# later. Left out: %z/%Z (zone-aware times the policy's naive clock cannot compare), %c %x %X
# (they mean other spellings in the two engines), %U %W (week numbers), %j (day of the year:
# DuckDB 1.1, the lowest version supported, reads it as 1 January).
STRPTIME_DIRECTIVES = "aAwdbBmyYHIpMSf%"


def _pattern_problem(fmt: str) -> str | None:
    """What is wrong with a strptime pattern's directives, or None."""
    i = 0
    while (i := fmt.find("%", i)) != -1:
        code = fmt[i + 1:i + 2]
        if code not in STRPTIME_DIRECTIVES or not code:
            shown = f"%{code}" if code else "a lone % at the end"
            listed = " ".join("%" + c for c in STRPTIME_DIRECTIVES)
            return f"{shown} is not a strptime directive cctool reads (it reads {listed})"
        i += 2
    return None


def _source_text(value, what: str) -> str:
    """A header or a source value as written. YAML reads `On`, `Yes`, `1` as booleans or numbers;
    a number is taken as its text, a boolean key must be quoted (its spelling is lost)."""
    if isinstance(value, bool):
        raise ValueError(f"{what} {value!r} was read by YAML as a yes/no; put it in quotes")
    if isinstance(value, (int, float)):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be non-empty text")
    return value.strip()


class FieldMap(Strict):
    """How one canonical field is read from a source file (README "Column mapping").

    `from` names a header, `join` several (joined with one space before parsing); `values`
    maps source values (exact after trimming, case-insensitive) to the field's values;
    `format` is a strptime pattern or one of NAMED_FORMATS; `none` lists source values that
    mean blank; `timezone` (epoch_ms only) is the zone the centre's clock shows."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_: str | None = Field(default=None, alias="from")
    join: list[str] | None = Field(default=None, min_length=2)
    values: dict[str, str | bool | int | float] | None = Field(default=None, min_length=1)
    format: str | None = None
    none: list[str] = Field(default_factory=list)
    timezone: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_header(cls, data):
        if isinstance(data, (str, int, float)) and not isinstance(data, bool):
            return {"from": data}  # `agent_id: Agent` means `agent_id: {from: Agent}`
        return data

    @field_validator("from_", mode="before")
    @classmethod
    def _header(cls, v):
        return None if v is None else _source_text(v, "header")

    @field_validator("join", mode="before")
    @classmethod
    def _headers(cls, v):
        return None if v is None else [_source_text(h, "header") for h in v] if isinstance(v, list) else v

    @field_validator("values", mode="before")
    @classmethod
    def _value_keys(cls, v):
        if not isinstance(v, dict):
            return v
        keys = [_source_text(k, "source value") for k in v]
        folded = [k.casefold() for k in keys]
        dup = sorted({k for k in folded if folded.count(k) > 1})
        if dup:
            raise ValueError(f"source value(s) listed twice (case does not count): {', '.join(dup)}")
        return dict(zip(keys, v.values()))

    @field_validator("none", mode="before")
    @classmethod
    def _none_words(cls, v):
        return [_source_text(w, "none value") for w in v] if isinstance(v, list) else v

    @field_validator("format")
    @classmethod
    def _format(cls, v):
        if v is not None and v not in NAMED_FORMATS and "%" not in v:
            raise ValueError(f"format must be a strptime pattern such as '%d/%m/%Y %H:%M:%S' "
                             f"or one of {', '.join(NAMED_FORMATS)}")
        problem = None if v is None or v in NAMED_FORMATS else _pattern_problem(v)
        if problem:
            raise ValueError(problem)
        return v

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v):
        if v is not None:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                ZoneInfo(v)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {v!r} (use an IANA name such as Asia/Shanghai)") from None
        return v

    @model_validator(mode="after")
    def _one_source(self):
        if (self.from_ is None) == (self.join is None):
            raise ValueError("give exactly one of `from` (a header) or `join` (a list of headers)")
        if self.timezone is not None and self.format != "epoch_ms":
            raise ValueError("timezone applies to format: epoch_ms only")
        return self

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.from_,) if self.from_ is not None else tuple(self.join or ())

    def describe(self) -> str:
        text = f"from {self.from_}" if self.from_ is not None else "join " + " + ".join(self.join or ())
        if self.format:
            text += f"; format {self.format}" + (f" ({self.timezone})" if self.timezone else "")
        if self.values:
            text += "; values " + ", ".join(f"{k} → {str(v).lower() if isinstance(v, bool) else v}"
                                            for k, v in self.values.items())
        if self.none:
            text += "; blank when " + ", ".join(self.none)
        return text

    def check_field(self, table: str, field: str) -> None:
        """Raise ValueError when this mapping cannot feed `field` of `table` (kinds from io.tables)."""
        from cctool.io.tables import TABLES  # pure data; imported late to keep the model light

        kind, choices = _field_kind(TABLES, table, field)
        if self.format is not None:
            allowed = _FORMAT_KINDS.get(self.format, _STRPTIME_KINDS)
            if kind not in allowed:
                raise ValueError(f"format {self.format!r} does not apply to {field} ({kind} values)")
        for source, target in (self.values or {}).items():
            _check_target(field, kind, choices, source, target)


def mappable_fields(table: str) -> list[str]:
    """The canonical fields a rules file may map for a table (punches: paired and raw events)."""
    from cctool.io.tables import TABLES

    names = [c.name for c in TABLES[table].columns]
    if table == "punches":
        names += [c.name for c in TABLES["punch_events"].columns if c.name not in names]
    return names


def _field_kind(tables, table: str, field: str) -> tuple[str, tuple[str, ...]]:
    for name in (table, "punch_events") if table == "punches" else (table,):
        for col in tables[name].columns:
            if col.name == field:
                return col.kind, col.choices
    raise ValueError(f"unknown field {field!r}")


def _check_target(field: str, kind: str, choices: tuple[str, ...], source: str, target) -> None:
    if kind == "bool":
        if not isinstance(target, bool):
            raise ValueError(f"values.{source}: {field} takes true or false, got {target!r}")
    elif kind == "enum":
        if str(target) not in choices:
            raise ValueError(f"values.{source}: {field} takes one of {', '.join(choices)}, got {target!r}")
    elif isinstance(target, bool):
        raise ValueError(f"values.{source}: {field} does not take true/false, got {target!r}")


class Columns(Strict):
    """`aliases`: extra header names per field. One key per table maps its fields (FieldMap)."""

    aliases: dict[TableName, dict[str, list[str]]] = Field(default_factory=dict)
    roster: dict[str, FieldMap] = Field(default_factory=dict)
    schedule: dict[str, FieldMap] = Field(default_factory=dict)
    punches: dict[str, FieldMap] = Field(default_factory=dict)
    leave: dict[str, FieldMap] = Field(default_factory=dict)
    calls: dict[str, FieldMap] = Field(default_factory=dict)
    kpi: dict[str, FieldMap] = Field(default_factory=dict)
    excusals: dict[str, FieldMap] = Field(default_factory=dict)
    swaps: dict[str, FieldMap] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_fields(self):
        problems = []
        for table in MAPPED_TABLES:
            fields = mappable_fields(table)
            for field, fmap in getattr(self, table).items():
                if field not in fields:
                    problems.append(f"columns.{table}.{field}: unknown field; {table} has {', '.join(fields)}")
                    continue
                try:
                    fmap.check_field(table, field)
                except ValueError as exc:
                    problems.append(f"columns.{table}.{field}: {exc}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def mapping(self, table: str) -> dict[str, FieldMap]:
        return dict(getattr(self, table, {}) or {})

    def mapping_rows(self) -> list[tuple[str, str]]:
        """(YAML path, how the field is read) for every mapped field and every alias list."""
        rows = []
        for table in MAPPED_TABLES:
            for field, fmap in getattr(self, table).items():
                rows.append((f"columns.{table}.{field}", fmap.describe()))
        for table, fields in self.aliases.items():
            for field, names in fields.items():
                rows.append((f"columns.aliases.{table}.{field}", "also headed " + ", ".join(names)))
        return rows


class CoverageLimits(Strict):
    """Coverage before confidence (issue 9 §3): a table with a larger share of unreadable rows
    is not trusted; the command stops unless --allow-partial."""

    max_unreadable_share: float = Field(default=0.2, ge=0, le=1)
    # The call log of a report over several days must reach both ends of the period: no call in
    # more than this many days at its start or end means the export does not cover the period
    # (a weekend or a short holiday is not a gap; a missing month is).
    max_edge_gap_days: int = Field(default=7, ge=0, le=366, strict=True)


class Exports(Strict):
    """How the product exports' own units read (docs/EXPORTS.md): a leave length in hours
    (DingTalk 时长 `7.5小时`) is days × `hours_per_day`; a 上午 (AM) half day ends and a 下午
    (PM) half day starts at `half_day_split`."""

    hours_per_day: float = Field(default=8.0, gt=0, le=24)
    half_day_split: str = Field(default="12:00", pattern=r"^([01]?\d|2[0-3]):[0-5]\d$")


class Rules(Strict):
    version: Literal[1]
    centre: str = ""
    # In a rules folder (`--rules DIR`), the first day this file is in force; a period is
    # judged under the file in force on its first day.
    effective_from: dt.date | None = None
    columns: Columns = Field(default_factory=Columns)
    exports: Exports = Field(default_factory=Exports)
    attendance: Attendance
    leave: Leave
    grading: Grading
    pay: Pay
    coverage: CoverageLimits = Field(default_factory=CoverageLimits)
    reports: Reports = Field(default_factory=Reports)
    limits: Limits = Field(default_factory=Limits)

    def rule_table(self) -> list[tuple[str, str, str]]:
        """(rule_id, YAML path, setting) for every entry that carries a rule ID."""
        rows: list[tuple[str, str, str]] = []

        def walk(node, path: str):
            if isinstance(node, BaseModel):
                data = node.model_dump(mode="json")
                if "rule_id" in data:
                    setting = ", ".join(f"{k}={_short(v)}" for k, v in data.items()
                                        if k != "rule_id" and v is not None)
                    rows.append((data["rule_id"], path, setting))
                for name in type(node).model_fields:
                    walk(getattr(node, name), f"{path}.{name}" if path else name)
            elif isinstance(node, list):
                for i, item in enumerate(node):
                    walk(item, f"{path}[{i}]")
            elif isinstance(node, dict):
                for k, v in node.items():
                    walk(v, f"{path}.{k}")

        walk(self, "")
        return rows


def _short(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_short(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_short(v)}" for k, v in value.items()) + "}"
    return str(value)
