"""Leave approval chains (LV-*) and their effect on attendance."""
from __future__ import annotations

import pandas as pd
import pytest

from cctool.policy.attendance import audit_month
from cctool.policy.leave import assess_leave, required_chain

OCT = (pd.Timestamp("2026-10-01"), pd.Timestamp("2026-11-01"))


def leave(rows):
    base = {"leave_type": "annual", "channel": "form", "documents_complete": True, "reason_false": False}
    frame = pd.DataFrame([{**base, **r} for r in rows])
    frame["start"] = pd.to_datetime(frame["start"])
    frame["end"] = pd.to_datetime(frame["end"])
    frame["_row"] = range(2, len(frame) + 2)
    return frame


def verdict(org_roster, rules, **row):
    req = {"request_id": "L1", "agent_id": "E1", "start": "2026-10-05", "end": "2026-10-05", **row}
    requests, _ = assess_leave(leave([req]), org_roster, rules, OCT)
    return requests.iloc[0]


@pytest.mark.parametrize("days, rule_id, chain", [
    (0.5, "LV-SHORT-1", ("team_lead",)),
    (1, "LV-SHORT-1", ("team_lead",)),
    (1.5, "LV-SHORT-2", ("team_lead", "supervisor")),
    (2, "LV-SHORT-2", ("team_lead", "supervisor")),
    (2.5, "LV-LONG-3", ("team_lead", "supervisor", "manager")),
    (3, "LV-LONG-3", ("team_lead", "supervisor", "manager")),
    (3.5, "LV-LONG-4", ("team_lead", "supervisor", "manager", "director")),
])
def test_agent_chain_by_length(rules, days, rule_id, chain):
    got = required_chain("agent", "annual", days, rules)
    assert (got.rule_id, got.roles) == (rule_id, chain)
    assert got.documents_required == (rule_id == "LV-LONG-4")


@pytest.mark.parametrize("days, rule_id, chain", [
    (1, "LV-LEAD", ("supervisor",)),
    (2, "LV-LEAD", ("manager",)),
    (3, "LV-LEAD", ("director",)),
])
def test_team_lead_chain(rules, days, rule_id, chain):
    got = required_chain("team_lead", "annual", days, rules)
    assert (got.rule_id, got.roles) == (rule_id, chain)


def test_personal_leave_stricter_chain_wins(rules):
    got = required_chain("agent", "personal", 1, rules)  # LV-SHORT-1 team lead vs LV-PERSONAL supervisor
    assert got.rule_id == "LV-PERSONAL" and got.roles == ("supervisor",)
    assert got.considered == ("LV-SHORT-1", "LV-PERSONAL")
    got = required_chain("agent", "personal", 3, rules)  # same top (manager), LV-LONG-3 is longer
    assert got.rule_id == "LV-LONG-3"
    got = required_chain("agent", "personal", 5, rules)
    assert got.rule_id == "LV-LONG-4"


def test_complete_chain_in_own_line_is_approved(org_roster, rules):
    r = verdict(org_roster, rules, end="2026-10-06", approvals="T1;S1")
    assert r["approved"] and r["required_chain"] == "team_lead → supervisor"


def test_approval_from_another_line_does_not_count(org_roster, rules):
    r = verdict(org_roster, rules, end="2026-10-06", approvals="T1;S2")
    assert not r["approved"]
    assert "S2 (supervisor) is not in E1's reporting line" in r["reason"]
    assert "ATT-UNAPPROVED" in r["rule_ids"]


def test_wrong_role_and_wrong_order(org_roster, rules):
    assert not verdict(org_roster, rules, end="2026-10-06", approvals="S1;T1")["approved"]
    r = verdict(org_roster, rules, approvals="S1")
    assert not r["approved"] and "no approval by the team lead" in r["reason"]


def test_long_leave_needs_manager_director_and_documents(org_roster, rules):
    r = verdict(org_roster, rules, end="2026-10-08", approvals="T1;S1;M1;D1")
    assert r["approved"] and "LV-LONG-4" in r["rule_ids"]
    r = verdict(org_roster, rules, end="2026-10-08", approvals="T1;S1;M1;D1", documents_complete=False)
    assert not r["approved"] and "supporting documents are required" in r["reason"]
    r = verdict(org_roster, rules, end="2026-10-08", approvals="T1;S1;SM1;D1")
    assert not r["approved"] and "SM1 is support_manager, not ops_manager" in r["reason"]


def test_sick_leave_by_sms_and_without_documents(org_roster, rules):
    r = verdict(org_roster, rules, leave_type="sick", channel="sms", approvals="T1")
    assert r["approved"] and "forbids" in r["reason"] and "LV-SICK" in r["rule_ids"]
    r = verdict(org_roster, rules, leave_type="sick", channel="phone", approvals="T1", documents_complete=False)
    assert not r["approved"] and r["absence_rule_id"] == "LV-SICK"


def test_false_leave_is_absence(org_roster, rules):
    r = verdict(org_roster, rules, approvals="T1", reason_false=True)
    assert not r["approved"] and r["absence_rule_id"] == "ATT-FALSE-LEAVE"


def test_daily_cap_per_duty_supervisor(org_roster, rules):
    rows = [{"request_id": "L1", "agent_id": "E1", "start": "2026-10-05", "end": "2026-10-05", "approvals": "T1;S1",
             "leave_type": "personal"},
            {"request_id": "L2", "agent_id": "E2", "start": "2026-10-05", "end": "2026-10-05", "approvals": "T1;S1",
             "leave_type": "personal"}]
    requests, caps = assess_leave(leave(rows), org_roster, rules, OCT)
    assert list(requests["approved"]) == [True, False]
    assert "LV-DAILY-CAP" in requests.iloc[1]["rule_ids"]
    assert caps.iloc[0][["people_on_leave", "cap", "over_cap"]].tolist() == [2, 1, True]
    rows[1]["approvals"] = "T1;S1;M1"  # the ops manager approves the second: allowed
    requests, _ = assess_leave(leave(rows), org_roster, rules, OCT)
    assert list(requests["approved"]) == [True, True]


def test_long_leave_cap_sends_approval_to_director(org_roster, rules):
    extra = org_roster.iloc[[8]].copy()
    people = [extra.assign(agent_id=f"X{i}") for i in range(12)]
    roster = pd.concat([org_roster, *people], ignore_index=True)
    rows = [{"request_id": f"L{i}", "agent_id": f"X{i}", "start": "2026-10-05", "end": "2026-10-07",
             "approvals": "T1;S1;M1"} for i in range(12)]
    requests, _ = assess_leave(leave(rows), roster, rules, OCT)
    assert not requests["approved"].any()  # 12 at once > 11: the director must approve
    assert "LV-LONG-CAP" in requests.iloc[0]["rule_ids"]
    requests, _ = assess_leave(leave(rows[:11]), roster, rules, OCT)
    assert requests["approved"].all()


def test_unapproved_leave_days_count_as_absence(org_roster, rules):
    sched = pd.DataFrame({"agent_id": ["E1", "E1"], "date": pd.to_datetime(["2026-10-05", "2026-10-06"]),
                          "shift_start": pd.array([9 * 3600] * 2, dtype="Int64"),
                          "shift_end": pd.array([18 * 3600] * 2, dtype="Int64"), "_row": [2, 3]})
    punches = pd.DataFrame({"agent_id": ["E9"], "date": pd.to_datetime(["2026-10-05"]),
                            "sign_in": pd.to_datetime(["2026-10-05 09:00"]), "sign_out": pd.to_datetime(["2026-10-05 18:00"]),
                            "_row": [2]})
    ok = leave([{"request_id": "L1", "agent_id": "E1", "start": "2026-10-05", "end": "2026-10-06", "approvals": "T1;S1"}])
    r = audit_month("2026-10", org_roster, sched, punches, rules, leave=ok)
    e1 = r.summary.set_index("agent_id").loc["E1"]
    assert e1["leave_days"] == 2 and e1["absent_days"] == 0
    bad = ok.assign(approvals="T1")
    r = audit_month("2026-10", org_roster, sched, punches, rules, leave=bad)
    e1 = r.summary.set_index("agent_id").loc["E1"]
    assert e1["leave_days"] == 0 and e1["absent_days"] == 2 and e1["all_bonus_zero"]
    assert set(r.events.loc[r.events["agent_id"] == "E1", "rule_id"]) == {"ATT-UNAPPROVED"}


def test_half_day_leave_moves_the_expected_start(org_roster, rules):
    sched = pd.DataFrame({"agent_id": ["E1"], "date": pd.to_datetime(["2026-10-05"]),
                          "shift_start": pd.array([9 * 3600], dtype="Int64"),
                          "shift_end": pd.array([18 * 3600], dtype="Int64"), "_row": [2]})
    punches = pd.DataFrame({"agent_id": ["E1"], "date": pd.to_datetime(["2026-10-05"]),
                            "sign_in": pd.to_datetime(["2026-10-05 13:10"]),
                            "sign_out": pd.to_datetime(["2026-10-05 18:00"]), "_row": [2]})
    half = leave([{"request_id": "L1", "agent_id": "E1", "start": "2026-10-05 09:00", "end": "2026-10-05 13:00",
                   "approvals": "T1"}])
    r = audit_month("2026-10", org_roster, sched, punches, rules, leave=half)
    assert list(r.events["kind"]) == ["late"] and r.events.loc[0, "minutes"] == 10
    e1 = r.summary.iloc[0]
    assert e1["leave_days"] == 0.5 and e1["worked_days"] == 0.5
