"""Sheets of the attendance-audit report and its JSON, from an AttendanceResult."""
from __future__ import annotations

from cctool.policy.attendance import AttendanceResult
from cctool.report.labels import KIND_LABELS, text_of
from cctool.report.writer import Sheet, records

SUMMARY_COLUMNS = ["agent_id", "name", "team", "month", "scheduled_days", "worked_days", "late_count",
                   "early_leave_count", "excused_count", "missing_punch_count", "feed_gap_count", "pending_days",
                   "corrections", "absent_days", "leave_days",
                   "performance_bonus_stopped", "performance_pay_zero", "all_bonus_zero", "wage_withheld",
                   "deemed_resigned", "training_ended", "attention", "rule_ids", "explanation"]
RECORD_COLUMNS = ["agent_id", "team", "month", "scheduled_days", "worked_days", "late_count", "early_leave_count",
                  "absent_days", "leave_days", "performance_bonus_stopped", "performance_pay_zero",
                  "all_bonus_zero", "wage_withheld", "deemed_resigned", "rule_ids", "pending_days", "feed_gap_count",
                  "excused_count", "missing_punch_count", "corrections"]
EVENT_SHEET = ["agent_id", "name", "team", "date", "shift_start", "shift_end", "sign_in", "sign_out", "minutes",
               "kind_label", "rule_id", "reason"]
LEAVE_SHEET = ["request_id", "agent_id", "leave_type", "leave_word", "start", "end", "days", "channel",
               "documents_complete",
               "required_chain", "approvals", "approved", "verdict", "rule_ids", "reason"]


def attendance_sheets(result: AttendanceResult, lang: str) -> list[Sheet]:
    events = result.events.copy()
    events["kind_label"] = events["kind"].map(lambda k: KIND_LABELS.get(k, (k, k))[1 if lang == "zh" else 0])
    leave = result.leave.reindex(columns=LEAVE_SHEET).copy()
    leave["not_approved"] = ~leave["approved"].astype(bool)
    teams = result.teams[["team", "headcount", "scheduled_days", "worked_days", "attendance_rate", "target",
                          "below_target", "rule_id"]]
    return [
        Sheet("Summary", result.summary[SUMMARY_COLUMNS], highlight="attention",
              note=f"Attendance {result.month}: one row per person scheduled this month; highlighted rows need action."),
        Sheet("Events", events[EVENT_SHEET],
              note="One row per finding; Reason says what happened and which rule decided it."),
        Sheet("Leave", leave.drop(columns="not_approved").assign(attention=leave["not_approved"]), highlight="attention",
              note="Each leave request touching the month: the approval chain required, the approvals given, the verdict."),
        Sheet("Teams", teams, highlight="below_target", percent=("attendance_rate", "target"),
              note="Attendance rate = worked scheduled days ÷ scheduled days (leave and absence are not worked).",
              chart={"type": "column", "categories": "team", "series": ["attendance_rate"], "target": "target",
                     "percent": True, "title": text_of("attendance_rate_chart", lang), "x_title": "team_axis",
                     "y_title": "rate_axis"}),
        Sheet("Leave caps", result.caps, highlight="over_cap",
              note="People on leave per day on one duty supervisor's approval (LV-DAILY-CAP)."),
    ] + clock_sheets(result)


def clock_sheets(result: AttendanceResult) -> list[Sheet]:
    """`Clock vs policy`, only when the punches came from a clock export with verdicts."""
    if result.clock is None:
        return []
    return [Sheet("Clock vs policy", result.clock,
                  note="Person-days where the time clock's own verdict differs from the centre's rules applied "
                       "to the punch times. The clock's verdict is not used to judge: check these before payroll.")]


def attendance_json(result: AttendanceResult) -> dict:
    # shift_start (HH:MM) names the shift on a day of several; blank for findings of no one shift
    ev = result.events[["agent_id", "date", "shift_start", "kind", "minutes", "rule_id", "reason"]]
    return {
        "records": records(result.summary[RECORD_COLUMNS]),
        "events": records(ev),
        "teams": records(result.teams[["team", "attendance_rate", "below_target"]]),
        "leave": records(result.leave[["request_id", "agent_id", "leave_type", "days", "approved", "rule_ids",
                                       "reason"]]) if not result.leave.empty else [],
    }
