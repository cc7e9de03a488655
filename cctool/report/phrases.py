"""The Chinese of the texts policy writes (explanations, reasons, notes, decisions).

Policy code builds each explanation in English from a small set of sentence shapes (one per
rule outcome: "3 absent day(s) (≥ 2): all bonus zero"); JSON keeps them as they are. For a
`--lang zh` workbook the report renders each sentence through the phrasebook below: one entry
per sentence shape, English pattern -> Chinese template, with the numbers, dates, IDs and rule
IDs carried over. Policy stays free of I/O and of languages; a shape added to policy without
an entry here stays English, and the zh completeness test (tests/report/test_zh_complete.py)
names it.

A new sheet's texts: add its notes and sentence shapes to PHRASES, its coded values to VALUES,
its column labels to labels.LABELS and its name to labels.SHEETS.
"""
from __future__ import annotations

import functools
import re

# Whole-cell coded values (roles, grades, decisions, leave types, channels, deduction items, ...).
VALUES: dict[str, str] = {
    # roles (io.tables.ROLES, rules ApproverRole)
    "agent": "坐席", "team_lead": "组长", "supervisor": "主管", "deputy_manager": "副经理", "manager": "经理",
    "ops_manager": "运营经理", "support_manager": "支持经理", "director": "总监", "qa": "质检", "trainer": "培训师",
    "analyst": "分析师", "it": "IT", "reception": "前台",
    # grades and grade buckets
    "trainee": "实习", "below_C": "未达C级", "below_trainee": "未达实习标准", "no_grade": "未评定",
    # grading decisions
    "promote": "晋级", "keep": "保持", "below_current": "低于当前级别", "eligible_for_regular": "可转正",
    "too_early": "为时过早", "trainee_overdue": "实习超期", "not_graded": "不评级",
    # hours basis of CPH
    "signed_in": "签入时长", "scheduled": "排班时长", "none": "无",
    # leave types, channels, roster status
    "sick": "病假", "personal": "事假", "annual": "年假", "other": "其他",
    "form": "表单", "phone": "电话", "sms": "短信",
    "active": "在职", "standby": "待岗", "left": "离职",
    # deduction items (policy.payroll)
    "absence": "旷工", "all bonuses zero": "扣除所有奖金", "days outside employment": "非在职天数",
    "standby training": "待岗培训", "performance pay zero": "绩效为零", "performance bonus stopped": "停发绩效奖金",
    "personal leave": "事假", "sick leave": "病假", "wage withheld": "不发当月工资",
    "all bonus zero": "扣除所有奖金",
    "wage": "工资", "performance bonus": "绩效奖金", "commission": "提成", "overtime pay": "加班费",
    "deducted": "已扣除", "not paid": "未发放",
    # Clock vs policy (policy.clock): categories of a day as the clock and as cctool see it
    "normal": "正常", "absent": "旷工", "leave": "请假", "leave_taken": "请假", "corrected": "已更正",
    # what an input holds (coverage nouns)
    "shift": "班次", "punch": "打卡记录", "call": "通话记录", "KPI score": "KPI得分", "leave request": "请假单",
    "excusal": "免责记录", "swap": "调班记录", "row": "数据",
    # leave verdicts, issue severities, period kinds, payroll totals
    "approved": "批准", "not approved: counts as absence": "未批准：按旷工计",
    "error": "错误", "warning": "警告", "day": "日", "week": "周", "month": "月", "(all)": "（全部）",
    "en": "英文", "zh": "中文", "department": "部门", "team": "班组", "yes": "是", "no": "否",
    # attendance finding kinds
    "late": "迟到", "early_leave": "早退", "absent_half_day": "旷工半日", "absent_full_day": "旷工一日",
    "excused_late": "免责迟到", "missing_punch": "漏打卡", "unapproved_leave": "未批准请假",
    "false_leave": "虚假请假", "swap_limit_exceeded": "调班超限", "training_ended": "终止培训",
    "deemed_resigned": "视为自动离职",
    # simulate (cctool.whatif): the changed fields of the Changes sheet, booleans as its cells show
    # them, and the Run sheet's pay mode
    "scheduled_days": "排班天数", "worked_days": "出勤天数", "late_count": "迟到次数",
    "early_leave_count": "早退次数", "excused_count": "免责迟到次数", "missing_punch_count": "漏打卡次数",
    "absent_days": "旷工天数", "leave_days": "请假天数", "performance_bonus_stopped": "停发绩效奖金",
    "performance_pay_zero": "绩效为零", "all_bonus_zero": "扣除所有奖金", "wage_withheld": "不发当月工资",
    "base_pay": "底薪", "performance_bonus": "绩效奖金", "overtime_pay": "加班费", "withheld": "停发",
    "deductions": "扣款", "gross": "应发", "net": "实发", "Yes": "是", "No": "否", "compared": "已比较",
}

# Words inside running text (approval chains, "E0009 (team_lead)"): roles, written with _ or a space.
_ROLE_WORD = re.compile(r"\b(team[_ ]lead|deputy[_ ]manager|ops[_ ]manager|support[_ ]manager|supervisor|"
                        r"director|manager|agent)\b")


def _role(word: str) -> str:
    return VALUES.get(word.replace(" ", "_"), word)


_CONSEQUENCE = {"a late": "记迟到", "an early leave": "记早退", "an excused late": "免责迟到", "absence of half a day": "旷工半日",
                "absence of a full day": "旷工一日", "absence": "旷工"}
_DECISION_TEXT = {"promote": "晋级", "keep": "保持", "below current": "低于当前级别", "eligible for regular": "可转正",
                  "not graded": "不评级", "too early": "为时过早", "trainee overdue": "实习超期",
                  "below C": "未达C级"}
_METRIC = {"kpi": "KPI", "cph": "CPH", "success rate": "成功率", "regular exam": "转正考试",
           "new-hire exam": "新员工考试"}


def _band(text: str) -> str:
    """'more than 15 min and at most 30 min late' -> '迟到超过15分钟且不超过30分钟'."""
    m = re.fullmatch(r"(?P<low>more than [\d.]+ min|[\d.]+ min or more)(?: and (?P<high>at most [\d.]+ min|"
                     r"under [\d.]+ min))? (?P<what>late|early)", text)
    if not m:
        return text

    def bound(b: str) -> str:
        for pat, zh in ((r"more than ([\d.]+) min", r"超过\1分钟"), (r"([\d.]+) min or more", r"\1分钟及以上"),
                        (r"at most ([\d.]+) min", r"不超过\1分钟"), (r"under ([\d.]+) min", r"不足\1分钟")):
            if re.fullmatch(pat, b):
                return re.sub(pat, zh, b)
        return b

    what = "迟到" if m["what"] == "late" else "早退"
    high = f"且{bound(m['high'])}" if m["high"] else ""
    return f"{what}{bound(m['low'])}{high}"


def _criteria(text: str) -> str:
    """'kpi 88.90 >= 85, cph 14.85 < 15, regular exam passed' in Chinese, item by item."""
    out = []
    for item in text.split(", "):
        m = re.fullmatch(r"(kpi|cph|success rate|regular exam|new-hire exam) (.+)", item)
        if not m:
            out.append(to_zh(item))
            continue
        rest = m[2]
        rest = {"passed": "通过", "not passed": "未通过", "result missing": "结果缺失", "n/a": "不适用"}.get(rest, rest)
        out.append(f"{_METRIC[m[1]]} {rest}")
    return "，".join(out)


def _decision(text: str) -> str:
    m = re.fullmatch(r"too early: under (\d+) months' tenure", text)
    if m:
        return f"为时过早：司龄不足{m[1]}个月"
    m = re.fullmatch(r"trainee overdue: over (\d+) months and not eligible", text)
    if m:
        return f"实习超期：超过{m[1]}个月且不符合条件"
    m = re.fullmatch(r"eligible for regular \(past the (\d+)-month window\)", text)
    if m:
        return f"可转正（已超过{m[1]}个月窗口）"
    return _DECISION_TEXT.get(text, to_zh(text))


def _grade(g: str) -> str:
    return VALUES.get(g, g) if g in ("trainee", "below_C", "below_trainee", "no_grade") else g


def _roles(text: str) -> str:
    return _ROLE_WORD.sub(lambda m: _role(m[1]), text)


_T = "t_"  # a named group starting with t_ is itself translated (recursively)
# (English sentence shape, Chinese template). Groups: named; `t_` groups are translated, `c_` consequences,
# `b_` late/early bands, `k_` criteria lists, `d_` decisions, `g_` grades, `r_` role words.
PHRASES: list[tuple[str, str]] = [
    # --- attendance findings (policy.attendance.shift_events)
    (r"(?P<dur>[\d.]+ min(?: \d+ s)?) late \(scheduled (?P<s>[\d:]+), signed in (?P<i>[\d:]+)\): (?P<b_band>.+), "
     r"no excusal → (?P<c_c>.+)", "迟到{dur}（排班 {s}，签入 {i}）：{b_band}，无免责 → {c_c}"),
    (r"(?P<dur>[\d.]+ min(?: \d+ s)?) early \(scheduled (?P<s>[\d:]+), signed out (?P<i>[\d:]+)\): (?P<b_band>.+), "
     r"no excusal → (?P<c_c>.+)", "早退{dur}（排班 {s}，签出 {i}）：{b_band}，无免责 → {c_c}"),
    (r"(?P<dur>[\d.]+ min(?: \d+ s)?) late \(scheduled (?P<s>[\d:]+), signed in (?P<i>[\d:]+)\), excused \(bad weather "
     r"/ force majeure excusal for that day\): counts for nothing",
     "迟到{dur}（排班 {s}，签入 {i}），已免责（当日恶劣天气/不可抗力免责）：不计"),
    (r"sign-out without a sign-in: a review item, counted as worked; the departure is judged, the arrival is not "
     r"\(no late or absence for it\) until checked", "有签出无签入：待核查，计为出勤；按签出判定早退，签入一侧核查前不判迟到或旷工"),
    (r"sign-in without a sign-out: a review item, counted as worked; the arrival is judged, the departure is not "
     r"\(no early leave or absence for it\) until checked", "有签入无签出：待核查，计为出勤；按签入判定迟到，签出一侧核查前不判早退或旷工"),
    (r"scheduled (?P<s>[\d:]+)–(?P<e>[\d:]+), no punch and no leave request → absence of a full day",
     "排班 {s}–{e}，无打卡且无请假 → 旷工一日"),
    (r"on leave without a valid leave \(request (?P<r>[^:]+): (?P<t_why>.+)\) → absence",
     "请假无效（请假单 {r}：{t_why}）→ 旷工"),
    (r"half-day leave \(request (?P<r>[^)]+)\), but no punch for the rest of the shift → absence of half a day",
     "半日假（请假单 {r}），但其余时段无打卡 → 旷工半日"),
    (r"(?P<n>\d+) days of shift swap with oneself this month", "本月与本人调班{n}天"),
    (r"(?P<n>\d+) days of shift swap with others this month", "本月与他人调班{n}天"),
    (r"the limit is (?P<n>\d+)", "上限为{n}天"),
    (r"(?P<n>\d+) unexcused lates \(≥ (?P<m>\d+)\)", "无免责迟到{n}次（≥ {m}）"),
    (r"(?P<h>[\d.]+) h unexcused absence \(> (?P<m>[\d.]+) h\)", "无免责旷工{h}小时（> {m}小时）"),
    (r"took leave during pre-job training", "岗前培训期间请假"),
    (r"(?P<t_x>.+): pre-job training ends", "{t_x}：终止岗前培训"),
    # attendance.worked_hours (off by default): a day judged by hours worked, and what the bands gave it
    (r"(?P<dur>\d+ h \d+ min(?: \d+ s)?) worked \(signed in (?P<i>[\d:]+), signed out (?P<o>[\d:]+)\): under "
     r"(?P<n>[\d.]+) h → (?P<c_c>.+), more severe than the late/early bands' result \((?P<t_gave>.+), which it "
     r"replaces\)", "工作{dur}（签入 {i}，签出 {o}）：不足{n}小时 → {c_c}，比迟到/早退档的结果（{t_gave}）更严重，取而代之"),
    (r"(?P<c_a>.+) on arrival and (?P<c_b>.+) on departure", "上班{c_a}，下班{c_b}"),
    (r"(?P<c_a>a late|an excused late|absence of (?:half|a full) day) on arrival", "上班{c_a}"),
    (r"(?P<c_b>an early leave|absence of (?:half|a full) day) on departure", "下班{c_b}"),
    (r"no finding", "无发现"),
    (r"(?P<n>\d+) missing punch\(es\) to check \((?P<rule>[A-Z0-9-]+)\): counted as worked, a side without its "
     r"punch not judged until checked", "{n}次漏打卡待核查（{rule}）：计为出勤，缺卡一侧核查前不判定"),
    # --- attendance month roll-up
    (r"(?P<n>\d+) lates/early leaves \(≥ (?P<m>\d+)\): performance bonus stopped",
     "迟到/早退{n}次（≥ {m}）：停发绩效奖金"),
    (r"(?P<n>[\d.]+) absent day\(s\) \(≥ (?P<m>[\d.]+)\): (?P<t_c>.+)", "旷工{n}天（≥ {m}）：{t_c}"),
    (r"(?P<n>\d+) consecutive scheduled days absent \(≥ (?P<m>\d+)\), last (?P<d>[\d-]+): deemed to have resigned, "
     r"no wage this month", "连续旷工{n}个排班日（≥ {m}），最后一天 {d}：视为自动离职，当月不发工资"),
    # --- leave (policy.leave)
    (r"complete approval chain|chain complete", "审批链完整"),
    (r"the manual sets no chain for a (?P<r_r>\w+): the direct superior must approve",
     "手册未规定{r_r}的审批链：由直接上级审批"),
    (r"(?P<a>[A-Z][A-Z0-9-]+) is the stricter of (?P<b>.+)", "{a} 是 {b} 中更严格的一条"),
    (r"more than (?P<n>\d+) people on long leave at once: the (?P<r_r>[\w ]+) must approve",
     "同时休长假超过{n}人：须{r_r}审批"),
    (r"sick leave asked for by (?P<t_c>\w+), which the manual forbids \(phone only\)",
     "病假通过{t_c}申请，手册不允许（仅限电话）"),
    (r"sick leave without the hospital note, receipts and records", "病假缺少医院证明、收据和病历"),
    (r"over (?P<n>[\d.]+) days: supporting documents are required", "超过{n}天：须提供证明材料"),
    (r"the stated reason proved untrue: the days are absence and flagged for discipline",
     "请假理由不实：按旷工处理并提交纪律处分"),
    (r"no approval by the (?P<r_r>[\w ]+?)(?: \((?P<p_why>.+)\))?", "缺少{r_r}审批{p_why?}"),
    (r"(?P<a>\S+) \((?P<r_r>\w+)\) is not in (?P<b>\S+)'s reporting line", "{a}（{r_r}）不在 {b} 的汇报线上"),
    (r"(?P<a>\S+) is not in the roster", "{a} 不在花名册中"),
    (r"(?P<a>\S+) is (?P<r_x>\w+), not (?P<r_y>\w+)", "{a} 是{r_x}，不是{r_y}"),
    (r"the duty supervisor already let (?P<n>\d+) person\(s\) be on leave that day: the (?P<r_r>[\w ]+) must approve "
     r"more", "当日值班主管已批准{n}人请假：更多须由{r_r}审批"),
    # --- grading (policy.grading)
    (r"trainee criteria met: (?P<k_l>.+)", "达到实习考核标准：{k_l}"),
    (r"trainee criteria not met: (?P<k_l>.+)", "未达实习考核标准：{k_l}"),
    (r"(?P<g_g>\S+) met: (?P<k_l>.+)", "达到{g_g}级：{k_l}"),
    (r"(?P<g_g>\S+) not met: (?P<k_l>.+)", "未达{g_g}级：{k_l}"),
    (r"earned (?P<g_e>\S+) vs current (?P<g_c>\S+)", "评定{g_e}，当前{g_c}"),
    (r"KPI missing for (?P<m>.+) \(mean of (?P<n>\d+) month\(s\), missing months not counted as zero\)",
     "缺少{m}的KPI（按{n}个月平均，缺失月份不按零计）"),
    (r"trainee, tenure (?P<t>\d+) month\(s\) at quarter end \(window (?P<w>[\d–-]+)\)",
     "实习，季末司龄{t}个月（窗口{w}个月）"),
    (r"left the centre on (?P<d>[\d-]+): not graded", "{d}已离职：不评级"),
    (r"left the centre: not graded", "已离职：不评级"),
    (r"line \(TSR/CSR\) unknown in the roster: not graded", "花名册中业务线（TSR/CSR）未知：不评级"),
    (r"no current grade in the roster: not graded", "花名册中无当前级别：不评级"),
    (r"not graded: (?P<t_m>.+)", "不评级：{t_m}"),
    (r"no call records in the quarter", "本季度无通话记录"),
    (r"no KPI score in the quarter", "本季度无KPI得分"),
    (r"no hours in the quarter", "本季度无工时"),
    (r"no hours \(no punches or schedule in the quarter\)", "无工时（本季度无打卡和排班）"),
    (r"no hours \(standby or left without an exit date, and no punches\)", "无工时（待岗或已离职但无离职日期，且无打卡）"),
    (r"→ (?P<d_d>.+)", "→ {d_d}"),
    (r"needs approval: (?P<r_chain>.+)", "需审批：{r_chain}"),
    (r"B to A with management ability: may be considered for a management post", "B升A且具备管理能力：可考虑管理岗位"),
    (r"(?P<n>\d+) shift\(s\) with a missing punch counted at scheduled length", "{n}个漏打卡班次按排班时长计"),
    (r"standby or left without an exit date: scheduled hours not counted as worked", "待岗或已离职但无离职日期：排班工时不计为工作时长"),
    (r"status left without an exit date: the days to pay are unknown, the month's pay is held until the roster "
     r"gives the exit date", "状态为已离职但无离职日期：应付天数未知，本月工资暂缓发放，待花名册补充离职日期"),
    (r"(?:(?P<n>\d+) people have|1 person has) status left without an exit date \((?P<ids>[^)]*)\): the days to pay "
     r"are unknown, their pay is held", "状态为已离职但无离职日期（{ids}）：应付天数未知，其工资暂缓发放"),
    (r"(?P<n>\d+) shift\(s\) with a missing punch and no schedule not counted", "{n}个漏打卡且无排班的班次不计"),
    (r"(?P<n>\d+) CSR agent\(s\) not graded: grade-agents grades telesales reps \(TSR\) only\.",
     "{n}名CSR坐席不评级：评级只针对电销坐席（TSR）。"),
    # --- payroll (policy.payroll)
    (r"(?P<n>[\d.]+) absent day\(s\) unpaid × daily rate (?P<r>[\d.,]+)", "旷工{n}天不计薪 × 日薪 {r}"),
    (r"(?P<n>[\d.]+) absent day\(s\): the month's performance pay is zero \((?P<rule>[A-Z0-9-]+)\)",
     "旷工{n}天：当月绩效为零（{rule}）"),
    (r"(?P<n>[\d.]+) absent days \((?P<rule>[A-Z0-9-]+)\): no wage is paid for the month",
     "旷工{n}天（{rule}）：当月不发工资"),
    (r"(?P<n>[\d.]+) absent days \((?P<rule>[A-Z0-9-]+)\)", "旷工{n}天（{rule}）"),
    (r"(?P<n>[\d.]+) absent days: every bonus of the month, commission included, is deducted \((?P<rule>[A-Z0-9-]+)\)",
     "旷工{n}天：扣除当月所有奖金（含提成）（{rule}）"),
    (r"(?P<n>\d+) consecutive days absent: deemed resigned \((?P<rule>[A-Z0-9-]+)\): no wage is paid for the month",
     "连续旷工{n}天：视为自动离职（{rule}）：当月不发工资"),
    (r"(?P<n>\d+) consecutive days absent: deemed resigned \((?P<rule>[A-Z0-9-]+)\)",
     "连续旷工{n}天：视为自动离职（{rule}）"),
    (r"(?P<t_x>.+): no wage is paid for the month", "{t_x}：当月不发工资"),
    (r"(?P<n>[\d.]+) day\(s\) of (?P<t_l>personal|sick) leave, (?P<p>[\d.]+) % unpaid × daily rate (?P<r>[\d.,]+)",
     "{t_l}{n}天，{p}%不计薪 × 日薪 {r}"),
    (r"(?P<n>[\d.]+) h arranged overtime at (?P<r>[\d.,]+)/h", "安排加班{n}小时，每小时 {r}"),
    (r"(?P<n>\d+) lates and early leaves: the month's performance bonus stops \((?P<rule>[A-Z0-9-]+)\)",
     "迟到和早退{n}次：停发当月绩效奖金（{rule}）"),
    (r"(?P<n>\d+) successful calls: commission (?P<r>[\d.,]+)", "成功通话{n}个：提成 {r}"),
    (r"(?P<n>\d+) working day\(s\) of the month before joining or after leaving × daily rate (?P<r>[\d.,]+) "
     r"\((?P<b>[\d.,]+) ÷ (?P<d>[\d.]+)\)", "本月入职前或离职后的工作日{n}天 × 日薪 {r}（{b} ÷ {d}）"),
    (r"KPI (?P<s>[\d.]+): below every bonus band", "KPI {s}：低于所有奖金档"),
    (r"KPI (?P<s>[\d.]+): performance bonus (?P<r>[\d.,]+)", "KPI {s}：绩效奖金 {r}"),
    (r"in standby training \(待岗\) this month: no base pay", "本月待岗培训：无底薪"),
    (r"no KPI score for the month: no performance bonus", "本月无KPI得分：无绩效奖金"),
    (r"overtime paid as commission only \((?P<rule>[A-Z0-9-]+)\)", "加班只计提成（{rule}）"),
    (r"no base pay set for (?P<r_r>\w+) ?(?P<k>\S*) in the rules file", "规则文件未设置{r_r} {k}的底薪"),
    (r"no signed-in hours inside the overtime shift", "加班班次内无签入工时"),
    (r"self-initiated overtime: commission only", "自行加班：只计提成"),
    (r"arranged overtime, shift CPH reaches the centre's average: paid by the hour",
     "安排的加班，班次CPH达到中心平均：按小时支付"),
    (r"arranged overtime below the centre's average CPH: commission only", "安排的加班，低于中心平均CPH：只计提成"),
    (r"no call log given: the shift CPH cannot be checked against the average", "未提供通话记录：无法与平均CPH比较"),
    (r"commission only", "只计提成"),
    (r"(?P<t_item>performance bonus|commission|overtime pay|wage) (?P<a>[\d.,]+) stopped by (?P<rule>[A-Z0-9-]+): "
     r"(?P<t_why>.+)", "{t_item} {a} 被 {rule} 停发：{t_why}"),
    (r"(?P<n>[\d.]+) absent days, every bonus of the month is zero \((?P<rule>[A-Z0-9-]+)\)",
     "旷工{n}天，当月所有奖金为零（{rule}）"),
    (r"(?P<n>[\d.]+) absent day\(s\), the month's performance pay is zero \((?P<rule>[A-Z0-9-]+)\)",
     "旷工{n}天，当月绩效为零（{rule}）"),
    (r"(?P<n>\d+) lates and early leaves", "迟到和早退{n}次"),
    (r"(?P<t_x>.+): no wage is paid for the month \((?P<w_parts>.+)\)", "{t_x}：当月不发工资（{w_parts}）"),
    (r"sales amount below zero: commission (?P<a>[\d.,-]+) counted as 0", "成交金额为负：提成 {a} 按0计"),
    # --- kpi-report (policy.kpi)
    (r"no grade targets \(the grade scheme covers TSR agents\)", "无级别目标（级别体系只适用于TSR坐席）"),
    (r"Attendance \(late, early leave, absent\) needs both --schedule and --punches: not shown\.",
     "出勤（迟到、早退、旷工）需要同时提供 --schedule 和 --punches：未显示。"),
    (r"No punches or schedule: no hours, so no CPH\.", "无打卡和排班：无工时，因此无CPH。"),
    (r"KPI scores are monthly: shown for --period month only\.", "KPI得分按月：只在 --period month 时显示。"),
    (r"Late, early leave and absent days follow the attendance rules \(ATT-\*\); half days count 0\.5\.",
     "迟到、早退和旷工天数按出勤规则（ATT-*）计算；半日计0.5。"),
    # --- headcount (policy.headcount)
    (r"may now be assessed for regularisation \(转正\)", "可进行转正评估"),
    (r"trainee window ends: regularise or review \(trainee_overdue\)", "实习期窗口结束：转正或复核"),
    (r"another person than in the roster \(here (?P<pn>'.*'), hired (?P<ph>\S+); in the roster (?P<n>'.*'), hired "
     r"(?P<h>\S+)\): not counted as a transfer", "与花名册中不是同一人（此处为{pn}，入职{ph}；花名册中为{n}，入职{h}）：不计为调动"),
    # --- input issues seen on the Errors sheet (io)
    (r"agent not in the roster: (?P<n>\d+) call record\(s\) \((?P<m>\d+) in the period\) not counted",
     "工号不在花名册中：{n}条通话记录（期间内{m}条）不计"),
    (r"(?P<n>\d+) call record\(s\) of roster agents outside the period (?P<a>[\d-]+)\.\.(?P<b>[\d-]+)",
     "花名册坐席在期间 {a}..{b} 之外的通话记录{n}条"),
    (r"(?P<n>\d+) call record\(s\) that reached no agent outside the period (?P<a>[\d-]+)\.\.(?P<b>[\d-]+)",
     "期间 {a}..{b} 之外未接通到坐席的通话记录{n}条"),
    (r"no KPI score for (?P<a>\S+) in (?P<m>[\d-]+)", "{a} 在 {m} 无KPI得分"),
    (r"the quarter mean uses (?P<n>\d+) month\(s\), the missing month is not counted as zero",
     "季度平均按{n}个月计，缺失月份不按零计"),
    (r"not counted", "不计"),
    # --- monthly exam (policy.exams)
    (r"no exam by (?P<d>[\d-]+) \((?P<rule>[A-Z0-9-]+)\)", "截至 {d} 未参加考试（{rule}）"),
    (r"exam on (?P<d>[\d-]+), after the deadline (?P<e>[\d-]+) \((?P<rule>[A-Z0-9-]+)\)",
     "{d} 考试，晚于截止日 {e}（{rule}）"),
    (r"Monthly exam (?P<m>[\d-]+) \((?P<rule>[A-Z0-9-]+)\): one row per agent who had to sit it; highlighted: no "
     r"exam by day (?P<n>\d+) of the month\.", "月度考试 {m}（{rule}）：每名应参加考试的坐席一行；高亮：截至当月{n}日未参加考试。"),
    (r"--exams applies to --period month only\.", "--exams 只适用于 --period month。"),
    # --- sheet notes (cctool.report.*)
    (r"Attendance (?P<m>[\d-]+): one row per person scheduled this month; highlighted rows need action\.",
     "出勤 {m}：每位本月有排班的人员一行；高亮行需处理。"),
    (r"One row per finding; Reason says what happened and which rule decided it\.",
     "每条发现一行；原因列说明发生了什么以及依据哪条规则。"),
    (r"Each leave request touching the month: the approval chain required, the approvals given, the verdict\.",
     "涉及本月的每张请假单：应有审批链、实际审批和结论。"),
    (r"Attendance rate = worked scheduled days ÷ scheduled days \(leave and absence are not worked\)\.",
     "出勤率 = 实际出勤的排班天数 ÷ 排班天数（请假和旷工不算出勤）。"),
    (r"People on leave per day on one duty supervisor's approval \((?P<rule>[A-Z0-9-]+)\)\.",
     "每天由同一值班主管批准的请假人数（{rule}）。"),
    (r"Grading (?P<q>\S+): one row per TSR agent; highlighted rows need review\. CPH basis says whether hours are "
     r"signed-in or scheduled\.(?: (?P<n_rest>.+))?", "评级 {q}：每名TSR坐席一行；高亮行需复核。CPH口径说明工时按签入还是按排班计。{n_rest?}"),
    (r"Agents per earned grade per team \(no_grade: not graded\)\.", "各班组各评定级别的坐席数（未评定：不评级）。"),
    (r"Promotions and trainees eligible to become regular, with the approvals they need \((?P<rule>[A-Z0-9-]+)\)\.",
     "晋级和可转正的实习坐席，及其所需审批（{rule}）。"),
    (r"below_current, trainee_overdue and not_graded: for the supervisor to look at\.",
     "低于当前级别、实习超期和不评级：供主管查看。"),
    (r"Payroll (?P<m>[\d-]+) — CONFIDENTIAL \((?P<rule>[A-Z0-9-]+)\)\. gross = base \+ bonus \+ commission \+ "
     r"overtime; net = gross − deductions\.", "工资表 {m} — 保密（{rule}）。应发 = 底薪 + 奖金 + 提成 + 加班费；实发 = 应发 − 扣款。"),
    (r"One row per deduction, with the rule that made it\.", "每笔扣款一行，并注明依据的规则。"),
    (r"Sums of the people's lines, by department and team\.", "按部门和班组汇总个人工资行。"),
    (r"Overtime shifts and whether (?P<rule>[A-Z0-9-]+) pays them by the hour \(hours worked inside the arranged "
     r"shift, to 4 decimals as paid; CPH over the signed-in hours\)\.",
     "加班班次，以及 {rule} 是否按小时支付（工时为安排的加班班次内的工作时长，按支付时的4位小数显示；CPH按签入工时计）。"),
    (r"KPI attainment (?P<p>.+?) \((?P<rule>[A-Z0-9-]+)\): one row per agent; highlighted: a grade target not met\. "
     r"Gap = value − target\.(?: (?P<n_rest>.+))?", "KPI达成 {p}（{rule}）：每名坐席一行；高亮：未达到级别目标。差距 = 实际值 − 目标。{n_rest?}"),
    (r"Teams ranked by the share of agents meeting every grade target, then success rate, then CPH; the last row is "
     r"the centre\.", "班组按全部达标坐席占比排名，其次按成功率，再按CPH；最后一行为全中心。"),
    (r"Teams ranked by the share of agents meeting every grade target, then success rate, then CPH; teams whose "
     r"share is unknown \(no calls or hours\) are not ranked; the last row is the centre\. CPH = CPH calls ÷ CPH "
     r"hours: the calls and hours of the telesales \(TSR\) agents with hours; n/a without them\.",
     "班组按全部达标坐席占比排名，其次按成功率，再按CPH；占比未知（无通话或工时）的班组不排名；最后一行为全中心。"
     "CPH = CPH呼叫数 ÷ CPH工时：有工时的电销（TSR）坐席的呼叫数和工时；没有则不适用。"),
    (r"Team and centre CPH leave out (?P<n>\d+) call\(s\) of (?P<m>\d+) TSR agent\(s\) without hours "
     r"\((?P<ids>[^)]*)\)\.", "班组和全中心的CPH不计{m}名无工时电销坐席（{ids}）的{n}个呼叫。"),
    (r"Payroll (?P<m>[\d-]+) — CONFIDENTIAL \((?P<rule>[A-Z0-9-]+)\)\. Each earning is the amount paid; withheld = "
     r"earnings stopped by a rule \(not paid, not in gross\); gross = base \+ bonus \+ commission \+ overtime; "
     r"net = gross − deductions\.", "工资表 {m} — 保密（{rule}）。各项收入均为实发金额；停发 = 被规则停发的收入（不发放，"
                                    "不计入应发）；应发 = 底薪 + 奖金 + 提成 + 加班费；实发 = 应发 − 扣款。"),
    (r"One row per deduction \(status deducted: taken from earned pay\) and per stopped earning \(status not paid: "
     r"withheld by the rule named\), with the rule that made it\.",
     "每笔扣款一行（状态“已扣除”：从应得工资中扣除），每项停发收入一行（状态“未发放”：被所列规则停发），并注明依据的规则。"),
    (r"Person-days where the time clock's own verdict differs from the centre's rules applied to the punch times\. "
     r"The clock's verdict is not used to judge: check these before payroll\.",
     "考勤机自身结论与按中心规则判定打卡时间的结果不一致的人日。考勤机结论不用于判定：发工资前请核查。"),
    (r"(?P<v_k>[a-z_]+) \((?P<rule>[A-Z][A-Z0-9-]+)\)", "{v_k}（{rule}）"),
    # --- partial runs and time-clock feed gaps (cctool.coverage, policy.attendance)
    (r"PARTIAL REPORT \(--allow-partial\): (?P<t_gaps>.+)", "部分报告（--allow-partial）：{t_gaps}"),
    (r"(?P<f>\S+) has no call in (?P<p>.+?) although the schedule has shifts in it \((?P<span>.+)\): a gap in the "
     r"call-log export\?", "{f} 在 {p} 内没有通话，但排班表在此期间有班次（{span}）：通话记录导出缺失？"),
    (r"(?P<f>\S+) has no call in (?P<p>.+?) \((?P<span>.+)\): pass --schedule if nobody was due to work then",
     "{f} 在 {p} 内没有通话（{span}）：如当时无人排班，请提供 --schedule"),
    (r"(?P<f>\S+) has calls on (?P<d>.+?), after the as-of time (?P<t>[\d: -]+) \(the latest punch unless --as-of is "
     r"given\): those days' shifts are not judged and add no hours while their calls would count, give punches that "
     r"reach them", "{f} 在 {d} 有通话，晚于截止时间 {t}（未指定 --as-of 时为最后一次打卡）：这些日期的班次不作判定、不计工时，"
     "其通话却会计入，请提供覆盖这些日期的打卡记录"),
    (r"(?P<f>\S+) has no (?P<t_noun>[\w ]+) in (?P<p>.+?) \((?P<span>.+)\)", "{f} 在 {p} 内没有{t_noun}（{span}）"),
    (r"(?P<f>\S+) has no (?P<t_noun>[\w ]+) before (?P<d>[\d-]+), (?P<n>\d+) days into (?P<p>\S+) \(more than "
     r"coverage\.max_edge_gap_days = (?P<l>\d+)\): the start of the period is not covered",
     "{f} 在 {d} 之前没有{t_noun}，已进入 {p} {n}天（超过 coverage.max_edge_gap_days = {l}）：期间开头未覆盖"),
    (r"(?P<f>\S+) has no (?P<t_noun>[\w ]+) after (?P<d>[\d-]+), (?P<n>\d+) days before the end of (?P<p>\S+) "
     r"\(more than coverage\.max_edge_gap_days = (?P<l>\d+)\): the end of the period is not covered",
     "{f} 在 {d} 之后没有{t_noun}，距 {p} 结束还有{n}天（超过 coverage.max_edge_gap_days = {l}）：期间末尾未覆盖"),
    (r"(?P<f>\S+) has no (?P<t_noun>[\w ]+) for (?P<ms>[\d, -]+) \((?:a whole month|whole months) of (?P<p>\S+)\)",
     "{f} 没有 {ms} 的{t_noun}（{p} 的整月）"),
    (r"(?P<f>\S+): (?P<a>\d+) of (?P<b>\d+) rows unreadable \((?P<p>\d+%), more than (?P<l>\d+%)\): not trusted",
     "{f}：{b}行中{a}行无法读取（{p}，超过{l}）：不可信"),
    (r"(?P<p>\S+) is not over: (?P<n>\d+) shift\(s\) end after the as-of time (?P<t>[\d: -]+) \(the latest punch "
     r"unless --as-of is given\) and are not judged", "{p} 尚未结束：{n}个班次在截止时间 {t} 之后结束（未指定 --as-of 时为最后一次打卡），不作判定"),
    (r"no punch at all in the centre on (?P<d>.+) although shifts were scheduled \((?P<n>\d+) day\(s\); a gap in "
     r"the time-clock feed\?\): those shifts are (?P<rule>[A-Z0-9-]+) review items",
     "{d} 全中心无任何打卡但有排班（{n}天；考勤机数据缺失？）：这些班次为 {rule} 待核查项"),
    (r"scheduled (?P<s>[\d:]+)–(?P<e>[\d:]+), but nobody in the centre punched that day: a gap in the time-clock feed, "
     r"not a no-show; review before anyone is judged", "排班 {s}–{e}，但当日全中心无人打卡：考勤机数据缺失，不是旷工；判定前请核查"),
    (r"sign-out (?P<o>[\d:]+) before the sign-in (?P<i>[\d:]+): a review item, counted as worked but judged "
     r"neither on time nor absent until checked", "签出 {o} 早于签入 {i}：待核查，计为出勤，核查前不判准时也不判旷工"),
    (r"Daily CPH and success rate per team \(calls on the day of their shift\)\.",
     "各班组每日CPH和成功率（通话计入其班次所在日）。"),
    (r"One row per team and day; the days add up to the Teams sheet\.", "每个班组每天一行；各日之和等于班组表。"),
    (r"Headcount (?P<m>[\d-]+) per team: start \+ joiners − leavers ± transfers = end \((?P<rule>[A-Z0-9-]+)\)\.",
     "人数变动 {m}（按班组）：期初 + 入职 − 离职 ± 调动 = 期末（{rule}）。"),
    (r"Pass --previous-roster to find transfers between teams\.", "提供 --previous-roster 以找出班组间调动。"),
    (r"Trainees reaching the (?P<a>\d+)- and (?P<b>\d+)-month marks of (?P<rule>[A-Z0-9-]+) this month\.",
     "本月达到 {rule} 的{a}个月和{b}个月节点的实习坐席。"),
    (r"CPH per team, (?P<p>.+)", "各班组CPH，{p}"),
    # --- input values outside the rules file's limits (io.readers, policy.calls; Errors sheet)
    (r"outside the plausible range (?P<lo>\S+) to (?P<hi>\S+) \(limits\.(?P<f>\w+) in the rules file\)",
     "超出合理范围 {lo} 至 {hi}（规则文件 limits.{f}）"),
    (r"date outside (?P<lo>[\d-]+) to (?P<hi>[\d-]+) \(limits\.earliest_date/latest_date in the rules file\)",
     "日期超出 {lo} 至 {hi}（规则文件 limits.earliest_date/latest_date）"),
    (r"leave longer than (?P<n>\d+) days \(limits\.leave_max_span_days in the rules file\)",
     "请假超过{n}天（规则文件 limits.leave_max_span_days）"),
    (r"(?P<n>\d+) call record\(s\) with an unreadable amount or one outside (?P<lo>\S+) to (?P<hi>\S+) "
     r"\(limits\.amount in the rules file\)", "{n}条通话记录的金额无法读取或超出 {lo} 至 {hi}（规则文件 limits.amount）"),
    (r"(?P<n>\d+) call record\(s\) with an unreadable duration \(or an end before the start, or one outside "
     r"(?P<lo>\S+) to (?P<hi>\S+) s: limits\.duration_s in the rules file\)",
     "{n}条通话记录的时长无法读取（或结束早于开始，或超出 {lo} 至 {hi} 秒：规则文件 limits.duration_s）"),
    (r"left out of talk time and AHT", "不计入通话时长和平均处理时长"),
    # --- team required for agents and team leads only (io.readers `required_for`)
    (r"required value is blank: (?P<c>\w+) is required when (?P<o>\w+) is (?P<v_v>\w+)",
     "必填值为空：{o}为{v_v}时{c}必填"),
    (r"no (?P<c>\w+) column: (?P=c) is required when (?P<o>\w+) is (?P<v_v>\w+)",
     "缺少{c}列：{o}为{v_v}时{c}必填"),
    (r"required value is blank", "必填值为空"),
    # --- the readers' own words for a bad cell (io.readers `_expected`, duplicates, checks)
    (r"duplicate (?P<k>[\w+]+) \(first at row (?P<n>\d+)\)", "重复的 {k}（首次出现在第{n}行）"),
    (r"expected yes/no \(是/否, Y/N, true/false, 1/0\)", "应为是/否（是/否、Y/N、true/false、1/0）"),
    (r"expected a date such as (?P<d>\S+)", "应为日期，如 {d}"),
    (r"expected a date and time such as (?P<d>.+)", "应为日期和时间，如 {d}"),
    (r"expected a date \((?P<d>\S+)\) or date and time \((?P<t>[^)]+)\)", "应为日期（{d}）或日期和时间（{t}）"),
    (r"expected a time \((?P<d>\S+)\) or a date and time \((?P<t>[^)]+)\)", "应为时间（{d}）或日期和时间（{t}）"),
    (r"expected a time such as (?P<a>\S+) or (?P<b>\S+)", "应为时间，如 {a} 或 {b}"),
    (r"expected a whole number", "应为整数"),
    (r"expected a number", "应为数字"),
    (r"expected a month such as (?P<m>\S+)", "应为月份，如 {m}"),
    (r"expected one of: (?P<codes>.+)", "应为以下之一：{codes}"),
    (r"unreadable value", "无法读取的值"),
    (r"expected (?P<k>[\w ]+) values in the format (?P<f>'.*') \((?P<y>\S+)\)",
     "应为 {f} 格式的值（{y}）"),
    (r"not in the value map (?P<y>\S+) \((?P<listed>.*)\)", "不在值映射 {y} 中（{listed}）"),
    (r"expected all, team:<team> or agent:<agent_id>", "应为 all、team:<班组> 或 agent:<工号>"),
    (r"expected punch times such as (?P<t>\S+)", "应为打卡时间，如 {t}"),
    (r"neither sign-in nor sign-out given", "签入和签出均未填写"),
    (r"leave ends before it starts", "请假结束早于开始"),
    (r"agent not in the roster", "工号不在花名册中"),
    (r"reports_to names nobody in the roster", "reports_to 所填人员不在花名册中"),
    (r"approvals up this line cannot be checked", "沿此汇报线的审批无法核对"),
    (r"one approval step names several people: not counted as anyone's approval", "一个审批步骤列出多人：不计为任何人的审批"),
    (r"approver not in the roster: this approval cannot be checked against the chain",
     "审批人不在花名册中：此审批无法按审批链核对"),
    (r"approver several roster people have this name: this approval cannot be checked against the chain",
     "花名册中有多人同名：此审批无法按审批链核对"),
    (r"(?P<a>\S+): unmatched punch, on a day with no scheduled shift \(unscheduled work\?\)",
     "{a}：未匹配的打卡，当日无排班（计划外工作？）"),
    (r"(?P<a>\S+): unmatched punch, no scheduled shift's window holds it \(unscheduled work\?\)",
     "{a}：未匹配的打卡，不在任何排班的时间窗口内（计划外工作？）"),
    # a split day (two shifts of one person on one date): io.readers, policy.attendance
    (r"shift overlaps the same person's shift at row (?P<n>\d+)", "与同一人第{n}行的班次时间重叠"),
    (r"(?P<n>\d+) person-day\(s\) with one sign-in/sign-out pair on a day of several shifts \(first at row "
     r"(?P<r>\d+)\): each punch goes to the shift whose start \(sign-in\) or end \(sign-out\) is nearest",
     "{n}个人日当天有多个班次却只有一对签入/签出（首次出现在第{r}行）：每次打卡归入开始（签入）或结束（签出）时间最近的班次"),
    (r"a shift left without one is a missing punch to review\. Export each shift's punches \(raw events\) to "
     r"judge every shift", "缺少签入或签出的班次为缺卡，待核查。请导出每个班次的打卡（原始记录）以逐班判定"),
    (r"(?P<a>\S+) is standby: (?P<n>\d+) scheduled shift\(s\) without a punch in (?P<m>[\d-]+) not audited as "
     r"no-shows", "{a} 为待岗：{m} 有{n}个无打卡的排班，不按旷工审计"),
    (r"(?P<a>\S+) is left, without an exit date: (?P<n>\d+) scheduled shift\(s\) without a punch in (?P<m>[\d-]+) "
     r"not audited as no-shows", "{a} 为已离职但无离职日期：{m} 有{n}个无打卡的排班，不按旷工审计"),
    (r"fix the roster or the schedule", "请更正花名册或排班"),
    (r"(?P<a>\S+) is scheduled before the hire date", "{a} 在入职日期之前有排班"),
    (r"(?P<a>\S+) is scheduled after the exit date", "{a} 在离职日期之后有排班"),
    (r"shift not audited", "该班次不审计"),
    (r"agent without (?P<c>\w+)", "坐席缺少 {c}"),
    (r"no (?P<c>\w+) column: agents' (?P=c) is unknown", "缺少 {c} 列：坐席的 {c} 未知"),
    (r"(?P<n>\d+) more agent id\(s\) not in the roster: (?P<m>\d+) call record\(s\) not counted",
     "另有{n}个工号不在花名册中：{m}条通话记录不计"),
    (r"malformed line \((?P<x>.+)\)", "格式错误的行（{x}）"),
    (r"(?P<n>\d+) more malformed line\(s\)", "另有{n}行格式错误"),
    (r"call records? excluded", "通话记录不计入"),
    (r"(?P<n>\d+) call record\(s\) with blank or unreadable (?P<f>\w+), or a part of (?P<j>.+?) blank "
     r"\((?P<t_why>.+)\)", "{n}条通话记录的 {f} 为空、无法读取或 {j} 的一部分为空（{t_why}）"),
    (r"(?P<n>\d+) call record\(s\) with blank or unreadable (?P<f>\w+) \((?P<t_why>.+)\)",
     "{n}条通话记录的 {f} 为空或无法读取（{t_why}）"),
    (r"(?P<n>\d+) call record\(s\) with blank (?P<f>\w+), or a value not in the value map (?P<y>\S+) \((?P<listed>.*)\)",
     "{n}条通话记录的 {f} 为空或不在值映射 {y} 中（{listed}）"),
    (r"expected the format (?P<f>'.*') of (?P<y>\S+)", "应为 {y} 的格式 {f}"),
    (r"expected a date and time such as (?P<d>[\d-]+ [\d:]+)", "应为日期和时间，如 {d}"),
    (r"expected yes/no: 是/否, Y/N, true/false, 1/0", "应为是/否：是/否、Y/N、true/false、1/0"),
    (r"excluded", "不计入"),
    (r"row ignored", "该行忽略"),
    (r"punch ignored", "该打卡忽略"),
    (r"a part of (?P<c>.+?) is blank(?: \((?P<p_y>\S+)\))?: the (?P<k>date|time|datetime|datetime or time) is incomplete",
     "{c} 的一部分为空{p_y?}：日期时间不完整"),
    (r"row excluded", "该行不计入"),
    (r"value ignored", "该值不采用"),
    (r"amount ignored", "金额不采用"),
    # --- simulate (cctool.report.whatif)
    (r"leave (?P<r>\S+)", "请假单 {r}"),
    (r"What (?P<m>[\d-]+) would look like under the proposed rules: one row per person and changed field; Rule IDs "
     r"name the rules behind the change\.(?: (?P<n_rest>.+))?",
     "拟议规则下的 {m}：每人每个变化字段一行；规则编号列出导致变化的规则。{n_rest?}"),
    (r"Pay is CONFIDENTIAL \((?P<rule>[A-Z0-9-]+)\)\.", "工资保密（{rule}）。"),
    (r"Per team, before and after: attendance rate, people whose bonus stops, net pay\.",
     "各班组变化前后：出勤率、停发奖金人数、实发工资。"),
    (r"Per team, before and after: attendance rate, people whose bonus stops\.",
     "各班组变化前后：出勤率、停发奖金人数。"),
    (r"Each setting that differs between the baseline and the proposed rules file\.",
     "现行规则文件与拟议规则文件之间每一项不同的设置。"),
    # --- explain (cctool.report.explain): a shift's outcome and the month's fallbacks
    (r"(?P<v_k>[a-z ]+) on arrival \((?P<rule>[^)]*)\)", "上班{v_k}（{rule}）"),
    (r"(?P<v_k>[a-z ]+) on departure \((?P<rule>[^)]*)\)", "下班{v_k}（{rule}）"),
    (r"one punch missing \(review\)", "缺一次打卡（待核查）"),
    (r"leave (?P<n>[\d.]+) day \(request (?P<r>[^)]*)\)", "请假{n}天（请假单 {r}）"),
    (r"absence (?P<n>[\d.]+) day \((?P<rule>[^)]*)\)", "旷工{n}天（{rule}）"),
    (r"on time, full shift", "准时，全勤"),
    (r"no scheduled shift this month", "本月无排班"),
    (r"not graded this quarter \(not a TSR agent, or no data\)", "本季度不评级（非TSR坐席或无数据）"),
]
_COMPILED = [(re.compile(p), zh) for p, zh in PHRASES]
_FIELD = re.compile(r"\{(\w+)(\?)?\}")


def _render(name: str, value: str | None) -> str:
    if value is None:
        return ""
    kind = name[:2]
    if kind == "t_":
        return to_zh(value)
    if kind == "c_":
        return _CONSEQUENCE.get(value, to_zh(value))
    if kind == "b_":
        return _band(value)
    if kind == "k_":
        return _criteria(value)
    if kind == "d_":
        return _decision(value)
    if kind == "g_":
        return _grade(value)
    if kind == "r_":
        return _roles(value)
    if kind == "v_":  # a coded value, written with _ or (in running text) with spaces
        return VALUES.get(value, VALUES.get(value.replace(" ", "_"), value))
    if kind == "w_":  # "base 3,500.00 less 482.76 for unpaid days, performance bonus 600.00"
        out = []
        for part in value.split(", "):
            m = re.fullmatch(r"base ([\d.,]+)(?: less ([\d.,]+) for unpaid days)?", part)
            if m:
                out.append(f"底薪 {m[1]}" + (f" 减不计薪天数 {m[2]}" if m[2] else ""))
                continue
            m = re.fullmatch(r"(performance bonus|commission|overtime pay) ([\d.,]+)", part)
            out.append(f"{VALUES[m[1]]} {m[2]}" if m else to_zh(part))
        return "，".join(out)
    if kind == "n_":  # sentences of notes joined by spaces
        return "".join(to_zh(sentence) for sentence in re.split(r"(?<=\.) (?=[A-Z])", value))
    if kind == "p_":
        return f"（{to_zh(value)}）"
    return value


_NOTES = [(p, zh) for p, zh in _COMPILED if ";" in p.pattern]  # shapes that hold "; " themselves


def _match(text: str, patterns=None) -> str | None:
    if text in VALUES:
        return VALUES[text]
    for pattern, template in (_COMPILED if patterns is None else patterns):
        m = pattern.fullmatch(text)
        if m:
            groups = m.groupdict()
            return _FIELD.sub(lambda f: _render(f[1], groups.get(f[1])), template)
    return None


def _sentence(text: str) -> str:
    if "," in text and all(part in VALUES for part in text.split(",")):  # "late,early_leave"
        return "、".join(VALUES[part] for part in text.split(","))
    found = _match(text)
    return _roles(text) if found is None else found


def _split(text: str, sep: str) -> list[str]:
    """`text` cut at `sep` outside parentheses (a leave reason in brackets keeps its own `; `)."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        elif depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i])
            start = i + len(sep)
            i = start
            continue
        i += 1
    parts.append(text[start:])
    return parts


_DURATION = [(re.compile(r"(\d+) h (?=\d+ min)"), r"\1小时"),  # hours worked: "2 h 48 min"
             (re.compile(r"(\d+) min (\d+) s"), r"\1分\2秒"), (re.compile(r"([\d.]+) min\b"), r"\1分钟")]


@functools.lru_cache(maxsize=65536)  # explanations repeat down a column
def to_zh(text: str) -> str:
    """One text in Chinese: each `; `-separated sentence through the phrasebook."""
    if not text or not re.search("[A-Za-z]", text):
        return text
    if "  |  " in text:  # a partial run's banner before a sheet's note: each its own text
        return "  |  ".join(to_zh(piece) for piece in text.split("  |  "))
    parts = _split(text, "; ")
    whole = _match(text, _NOTES) if len(parts) > 1 else None  # a note is one shape even when it holds "; "
    out = whole if whole is not None else "；".join(_sentence(s) for s in parts)
    for pat, rep in _DURATION:
        out = pat.sub(rep, out)
    return out


def localise(text: str, lang: str) -> str:
    return to_zh(text) if lang == "zh" and isinstance(text, str) else text
