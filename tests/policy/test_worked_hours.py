"""attendance.worked_hours: off by default; under 4 h half a day, under 2 h a full day of absence
(the example rules ATT-HOURS-HALF / ATT-HOURS-FULL), the more severe of it and the late/early
bands winning, explained in the Events reason. Boundaries: just under, at, just over."""
from __future__ import annotations

import pytest

from cctool.policy.attendance import audit_month
from cctool.rules.model import WorkedHours
from tests.builders import punches, schedule
from tests.conftest import roster_frame


@pytest.fixture(scope="module")
def hours_rules(rules):
    att = rules.attendance.model_copy(update={"worked_hours": [
        WorkedHours(rule_id="ATT-HOURS-HALF", kind="absent_half_day", below_hours=4),
        WorkedHours(rule_id="ATT-HOURS-FULL", kind="absent_full_day", below_hours=2)]})
    return rules.model_copy(update={"attendance": att})


def _day(rules, shift: tuple[str, str], sign_in: str, sign_out: str):
    roster = roster_frame([{"agent_id": "A1"}])
    sched = schedule([("A1", "2026-10-08", *shift)])
    p = punches([("A1", "2026-10-08", f"2026-10-08 {sign_in}", f"2026-10-08 {sign_out}")])
    result = audit_month("2026-10", roster, sched, p, rules)
    return result.summary.iloc[0], result.events


@pytest.mark.parametrize("shift_end, sign_out, absent, rule", [
    ("13:00", "13:00:00", 0.0, None),              # exactly 4 h: not under 4 h
    ("13:00", "12:59:59", 0.5, "ATT-HOURS-HALF"),  # just under 4 h (1 s early: no early band)
    ("11:00", "11:00:00", 0.5, "ATT-HOURS-HALF"),  # exactly 2 h of a 2 h shift: under 4 h, not under 2 h
    ("11:00", "10:59:59", 1.0, "ATT-HOURS-FULL"),  # just under 2 h
])
def test_boundaries(hours_rules, shift_end, sign_out, absent, rule):
    summary, events = _day(hours_rules, ("09:00", shift_end), "09:00:00", sign_out)
    assert summary["absent_days"] == absent
    if rule is None:
        assert events.empty
    else:
        assert list(events["rule_id"]) == [rule]
        reason = events["reason"].iloc[0]
        assert "worked" in reason and "more severe than the late/early bands' result (no finding" in reason


def test_off_by_default(rules):
    summary, events = _day(rules, ("09:00", "13:00"), "09:00:01", "12:59:59")
    assert list(events["rule_id"]) == ["ATT-LATE"]  # 1 s late, 1 s early: a late only (early needs 5 min)
    assert summary["absent_days"] == 0 and summary["late_count"] == 1


def test_hours_replace_a_milder_late(hours_rules):
    # 1 s late on a 4 h shift: the bands give a late; 3 h 59 min 59 s worked: half a day wins.
    summary, events = _day(hours_rules, ("09:00", "13:00"), "09:00:01", "13:00:00")
    assert list(events["rule_id"]) == ["ATT-HOURS-HALF"]
    assert "a late on arrival" in events["reason"].iloc[0] and "3 h 59 min 59 s worked" in events["reason"].iloc[0]
    assert summary["absent_days"] == 0.5 and summary["late_count"] == 0


def test_bands_win_when_more_severe(hours_rules):
    # 31 min late on a 9 h shift, 8 h 29 min worked: the band's full day stands, no hours finding.
    summary, events = _day(hours_rules, ("09:00", "18:00"), "09:31:00", "18:00:00")
    assert list(events["rule_id"]) == ["ATT-LATE-FULL"] and summary["absent_days"] == 1.0


def test_tie_keeps_the_band_finding(hours_rules):
    # 16 min late (half a day by ATT-LATE-HALF) and 3 h 44 min worked (half a day by hours): the band's stands.
    summary, events = _day(hours_rules, ("09:00", "13:00"), "09:16:00", "13:00:00")
    assert list(events["rule_id"]) == ["ATT-LATE-HALF"] and summary["absent_days"] == 0.5


def test_one_punch_is_not_judged_by_hours(hours_rules):
    roster = roster_frame([{"agent_id": "A1"}])
    sched = schedule([("A1", "2026-10-08", "09:00", "13:00")])
    p = punches([("A1", "2026-10-08", "2026-10-08 09:00:00", None)])
    result = audit_month("2026-10", roster, sched, p, hours_rules)
    assert list(result.events["rule_id"]) == ["ATT-MISSING-PUNCH"]
    assert result.summary.iloc[0]["absent_days"] == 0


def test_rules_file_accepts_the_list(tmp_path):
    from cctool.rules import default_rules_path, load_rules

    text = default_rules_path().read_text("utf-8").replace(
        "  punch_pairing:\n",
        "  worked_hours:\n    - {rule_id: ATT-HOURS-HALF, kind: absent_half_day, below_hours: 4}\n"
        "    - {rule_id: ATT-HOURS-FULL, kind: absent_full_day, below_hours: 2}\n  punch_pairing:\n")
    (tmp_path / "r.yaml").write_text(text, "utf-8")
    loaded = load_rules(tmp_path / "r.yaml")
    assert [w.rule_id for w in loaded.rules.attendance.worked_hours] == ["ATT-HOURS-HALF", "ATT-HOURS-FULL"]
    assert ("ATT-HOURS-FULL", "attendance.worked_hours[1]", "kind=absent_full_day, below_hours=2.0") in \
        loaded.rules.rule_table()
    bad = text.replace("below_hours: 2}", "below_hours: 0}")
    (tmp_path / "bad.yaml").write_text(bad, "utf-8")
    from cctool.errors import RulesError

    with pytest.raises(RulesError, match=r"attendance.worked_hours\[1\].below_hours"):
        load_rules(tmp_path / "bad.yaml")


def test_an_excused_late_is_not_turned_into_absence_by_hours(hours_rules):
    # Typhoon day: 2 h 30 min late on a 09:00-13:00 shift, excused for the whole centre. Only 1 h 30 min
    # worked, but the excusal covers the time lost: no hours-based absence, the late counts for nothing.
    import pandas as pd

    roster = roster_frame([{"agent_id": "A1"}])
    sched = schedule([("A1", "2026-10-08", "09:00", "13:00")])
    p = punches([("A1", "2026-10-08", "2026-10-08 11:30:00", "2026-10-08 13:00:00")])
    excusals = pd.DataFrame({"date": [pd.Timestamp("2026-10-08")], "scope": ["all"], "reason": ["台风"], "_row": [2]})
    result = audit_month("2026-10", roster, sched, p, hours_rules, excusals=excusals)
    assert list(result.events["rule_id"]) == ["ATT-EXCUSE"]
    assert result.summary.iloc[0]["absent_days"] == 0
    # the same day without the excusal: the bands give a full day (more than 30 min late) anyway
    plain = audit_month("2026-10", roster, sched, p, hours_rules)
    assert plain.summary.iloc[0]["absent_days"] == 1.0
