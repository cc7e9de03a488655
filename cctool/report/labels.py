"""Human labels for report headers and sheet names, in English and Chinese.

JSON keeps the canonical field names of DATA.md; only the workbook is translated.
"""
from __future__ import annotations

SHEETS = {
    "Summary": "汇总", "Events": "明细", "Leave": "请假", "Teams": "班组", "Leave caps": "请假限额",
    "Errors": "错误", "Run": "运行信息", "Grades": "评级", "Distribution": "级别分布",
    "Promotions": "晋级", "Review": "复核", "Payroll": "工资表", "Deductions": "扣款",
    "Totals": "合计", "Swaps": "调班",
}

LABELS: dict[str, tuple[str, str]] = {
    "agent_id": ("Agent ID", "工号"),
    "name": ("Name", "姓名"),
    "team": ("Team", "班组"),
    "role": ("Role", "岗位"),
    "department": ("Department", "部门"),
    "month": ("Month", "月份"),
    "quarter": ("Quarter", "季度"),
    "date": ("Date", "日期"),
    "scheduled_days": ("Scheduled days", "排班天数"),
    "worked_days": ("Worked days", "出勤天数"),
    "late_count": ("Lates", "迟到次数"),
    "early_leave_count": ("Early leaves", "早退次数"),
    "excused_count": ("Excused lates", "免责迟到"),
    "missing_punch_count": ("Missing punches", "漏打卡"),
    "absent_days": ("Absent days", "旷工天数"),
    "leave_days": ("Leave days", "请假天数"),
    "performance_bonus_stopped": ("Performance bonus stopped", "停发绩效奖金"),
    "performance_pay_zero": ("Performance pay zero", "绩效为零"),
    "all_bonus_zero": ("All bonuses zero", "扣除所有奖金"),
    "wage_withheld": ("Wage withheld", "不发当月工资"),
    "deemed_resigned": ("Deemed resigned", "视为自动离职"),
    "training_ended": ("Training ended", "终止培训"),
    "rule_ids": ("Rule IDs", "规则编号"),
    "attention": ("Needs attention", "需关注"),
    "explanation": ("Explanation", "说明"),
    "shift_start": ("Shift start", "上班时间"),
    "shift_end": ("Shift end", "下班时间"),
    "sign_in": ("Sign-in", "签入"),
    "sign_out": ("Sign-out", "签出"),
    "minutes": ("Minutes", "分钟"),
    "kind": ("Finding", "类别"),
    "kind_label": ("Finding", "类别"),
    "rule_id": ("Rule ID", "规则编号"),
    "reason": ("Reason", "原因"),
    "request_id": ("Request", "请假单号"),
    "leave_type": ("Leave type", "请假类型"),
    "start": ("Start", "开始"),
    "end": ("End", "结束"),
    "days": ("Days", "天数"),
    "channel": ("Channel", "请假方式"),
    "documents_complete": ("Documents complete", "材料齐全"),
    "required_chain": ("Required approvals", "应审批"),
    "approvals": ("Approvals given", "实际审批"),
    "approved": ("Approved", "是否批准"),
    "verdict": ("Verdict", "结论"),
    "attendance_rate": ("Attendance rate", "出勤率"),
    "target": ("Target", "目标"),
    "below_target": ("Below target", "低于目标"),
    "supervisor_id": ("Duty supervisor", "值班主管"),
    "people_on_leave": ("People on leave", "请假人数"),
    "cap": ("Cap", "上限"),
    "over_cap": ("Over cap", "超限"),
    "file": ("File", "文件"),
    "sheet": ("Sheet", "工作表"),
    "row": ("Row", "行"),
    "column": ("Column", "列"),
    "value": ("Value", "值"),
    "problem": ("Problem", "问题"),
    "severity": ("Severity", "严重程度"),
    "current_grade": ("Current grade", "当前级别"),
    "earned_grade": ("Earned grade", "评定级别"),
    "decision": ("Decision", "结论"),
    "kpi_mean": ("KPI (quarter mean)", "季度平均KPI"),
    "kpi_months": ("KPI months", "KPI月数"),
    "cph": ("CPH", "CPH"),
    "cph_basis": ("CPH basis", "CPH口径"),
    "success_rate": ("Success rate", "成功率"),
    "calls": ("Calls", "呼叫数"),
    "connected": ("Connected", "接通数"),
    "successes": ("Successes", "成功数"),
    "hours": ("Hours", "小时"),
    "tenure_months": ("Tenure (months)", "司龄(月)"),
    "required_approvals": ("Required approvals", "所需审批"),
    "base_pay": ("Base pay", "底薪"),
    "performance_bonus": ("Performance bonus", "绩效奖金"),
    "commission": ("Commission", "提成"),
    "overtime_pay": ("Overtime pay", "加班费"),
    "deductions": ("Deductions", "扣款"),
    "gross": ("Gross", "应发"),
    "net": ("Net", "实发"),
    "amount": ("Amount", "金额"),
    "headcount": ("People", "人数"),
    "item": ("Item", "项目"),
    "swap_count": ("Swaps", "调班次数"),
    "limit": ("Limit", "上限"),
}

KIND_LABELS = {
    "late": ("late", "迟到"),
    "early_leave": ("early leave", "早退"),
    "absent_half_day": ("absent half day", "旷工半日"),
    "absent_full_day": ("absent full day", "旷工一日"),
    "excused_late": ("excused late", "免责迟到"),
    "missing_punch": ("missing punch", "漏打卡"),
    "unapproved_leave": ("unapproved leave", "未批准请假"),
    "false_leave": ("false leave", "虚假请假"),
    "swap_limit_exceeded": ("swap limit exceeded", "调班超限"),
    "training_ended": ("training ended", "终止培训"),
    "performance_bonus_stopped": ("performance bonus stopped", "停发绩效奖金"),
    "performance_pay_zero": ("performance pay zero", "绩效为零"),
    "all_bonus_zero": ("all bonuses zero", "扣除所有奖金"),
    "wage_withheld": ("wage withheld", "不发当月工资"),
    "deemed_resigned": ("deemed resigned", "视为自动离职"),
}


def label(column: str, lang: str) -> str:
    pair = LABELS.get(column)
    if pair is None:
        return column
    return pair[1] if lang == "zh" else pair[0]


def sheet_name(name: str, lang: str) -> str:
    return SHEETS.get(name, name) if lang == "zh" else name
