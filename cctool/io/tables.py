"""The input tables of DATA.md: canonical columns, their types and the aliases we accept.

A header matches a column when it equals the canonical name or an alias after folding case
and removing spaces, underscores and hyphens (so "Agent ID", "agent_id" and "AGENTID" all
match). Users add aliases in the rules file (`columns.aliases`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

ROLES = (
    "agent", "team_lead", "supervisor", "deputy_manager", "ops_manager", "support_manager",
    "director", "qa", "trainer", "analyst", "it", "reception",
)
GRADES = ("trainee", "C", "B", "A")
LEAVE_TYPES = ("sick", "personal", "annual", "other")
CHANNELS = ("form", "phone", "sms")

# Values centres really type, mapped to the canonical enum value.
ENUM_SYNONYMS: dict[str, dict[str, str]] = {
    "role": {
        "坐席": "agent", "话务员": "agent", "电话销售代表": "agent", "客服代表": "agent", "tsr": "agent",
        "csr": "agent", "班长": "team_lead", "组长": "team_lead", "teamlead": "team_lead",
        "主管": "supervisor", "值班主管": "supervisor", "运营副经理": "deputy_manager",
        "副经理": "deputy_manager", "运营经理": "ops_manager", "支撑经理": "support_manager",
        "总监": "director", "呼叫中心总监": "director", "质检": "qa", "培训师": "trainer",
        "数据分析员": "analyst", "分析员": "analyst", "前台": "reception",
    },
    "line": {"电话销售": "TSR", "电销": "TSR", "客服": "CSR", "tsr": "TSR", "csr": "CSR"},
    "department": {"运营": "operations", "运营部": "operations", "支撑": "support", "支撑部": "support"},
    "grade": {"实习": "trainee", "实习tsr": "trainee", "见习": "trainee", "c": "C", "b": "B", "a": "A",
              "c级": "C", "b级": "B", "a级": "A"},
    "status": {"在职": "active", "待岗": "standby", "离职": "left"},
    "leave_type": {"病假": "sick", "事假": "personal", "年假": "annual", "其他": "other"},
    "channel": {"表单": "form", "请假单": "form", "电话": "phone", "短信": "sms"},
    "direction": {"签入": "in", "签出": "out", "上班": "in", "下班": "out", "i": "in", "o": "out"},
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text | enum | date | time | datetime | date_or_datetime | bool | int | float | month | idlist
    required: bool = True
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    # Required only on rows whose `column` holds one of `values` (a team for agents and team
    # leads; the director or QA belong to no team). Such a column is optional otherwise.
    required_for: tuple[str, tuple[str, ...]] | None = None


@dataclass(frozen=True)
class Table:
    name: str
    label: str  # how the user calls it (English / Chinese)
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # duplicate keys are errors
    agent_column: str | None = "agent_id"  # checked against the roster when one is given
    extra: dict = field(default_factory=dict)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


C = Column
TABLES: dict[str, Table] = {
    "roster": Table("roster", "roster (花名册)", (
        C("agent_id", "text", aliases=("工号", "员工编号", "employee_id", "staff_id", "员工工号")),
        C("name", "text", aliases=("姓名", "员工姓名")),
        C("team", "text", required=False, aliases=("班组", "组别", "小组"),
          required_for=("role", ("agent", "team_lead"))),
        C("role", "enum", aliases=("岗位", "角色", "职位"), choices=ROLES),
        C("line", "enum", required=False, aliases=("业务线",), choices=("TSR", "CSR")),
        C("department", "enum", aliases=("部门",), choices=("operations", "support")),
        C("grade", "enum", required=False, aliases=("级别", "等级"), choices=GRADES),
        C("reports_to", "text", required=False, aliases=("直属上级", "上级工号", "manager_id")),
        C("hire_date", "date", aliases=("入职日期",)),
        C("exit_date", "date", required=False, aliases=("离职日期",)),
        C("new_hire_exam_passed", "bool", required=False, aliases=("通关考试",)),
        C("regular_exam_passed", "bool", required=False, aliases=("转正考试",)),
        C("status", "enum", required=False, aliases=("状态", "在职状态"), choices=("active", "standby", "left")),
        # The clock products' own ids, for exports whose 工号 is blank (io/layouts/people.py).
        C("dingtalk_userid", "text", required=False, aliases=("UserId", "钉钉UserId", "钉钉用户ID")),
        C("wecom_account", "text", required=False, aliases=("账号", "企业微信账号")),
    ), key=("agent_id",), agent_column=None),
    "schedule": Table("schedule", "schedule (排班表)", (
        C("agent_id", "text", aliases=("工号", "员工编号", "employee_id")),
        C("date", "date", aliases=("日期", "排班日期")),
        C("shift_start", "time", aliases=("上班时间", "班次开始", "start")),
        C("shift_end", "time", aliases=("下班时间", "班次结束", "end")),
        C("overtime", "bool", required=False, aliases=("加班",)),
        C("overtime_arranged", "bool", required=False, aliases=("安排加班", "加班已安排")),
    # A day may hold several shifts (a split day 08:00-11:20 and 13:50-16:40): one row each.
    ), key=("agent_id", "date", "shift_start")),
    "punches": Table("punches", "punches (签到记录)", (
        C("agent_id", "text", aliases=("工号", "员工编号", "employee_id")),
        C("date", "date", aliases=("日期", "考勤日期")),
        C("sign_in", "datetime_or_time", required=False, aliases=("签入", "签入时间", "上班打卡")),
        C("sign_out", "datetime_or_time", required=False, aliases=("签出", "签出时间", "下班打卡")),
    ), key=("agent_id", "date")),
    "punch_events": Table("punch_events", "punches (签到记录, raw events)", (
        C("agent_id", "text", aliases=("工号", "员工编号", "employee_id")),
        C("time", "datetime", aliases=("时间", "打卡时间", "timestamp")),
        C("direction", "enum", aliases=("方向", "类型", "签入签出"), choices=("in", "out")),
    )),
    "leave": Table("leave", "leave requests (请假单)", (
        C("request_id", "text", aliases=("申请编号", "请假单号", "单号")),
        C("agent_id", "text", aliases=("工号", "员工编号", "employee_id")),
        C("leave_type", "enum", aliases=("请假类型", "假别", "类型"), choices=LEAVE_TYPES),
        C("start", "date_or_datetime", aliases=("开始", "开始时间", "开始日期")),
        C("end", "date_or_datetime", aliases=("结束", "结束时间", "结束日期")),
        C("days", "float", required=False, aliases=("天数", "请假天数")),
        C("channel", "enum", required=False, aliases=("渠道", "请假方式"), choices=CHANNELS),
        C("documents_complete", "bool", required=False, aliases=("材料齐全", "证明齐全")),
        C("approvals", "idlist", required=False, aliases=("审批人", "审批", "审批链")),
        C("reason_false", "bool", required=False, aliases=("事由不实", "虚假请假")),
    ), key=("request_id",)),
    "calls": Table("calls", "call log (通话记录)", (
        C("call_id", "text", aliases=("通话编号", "呼叫编号")),
        C("agent_id", "text", aliases=("工号", "坐席工号", "员工编号")),
        C("start_time", "datetime", aliases=("开始时间", "呼叫时间")),
        C("duration_s", "float", required=False, aliases=("通话时长", "时长", "duration")),
        C("end_time", "datetime", required=False, aliases=("结束时间",)),
        C("connected", "bool", aliases=("接通", "是否接通")),
        C("success", "bool", aliases=("成功", "是否成功", "成交")),
        C("amount", "float", required=False, aliases=("金额", "成交金额")),
    ), key=("call_id",)),
    "kpi": Table("kpi", "monthly KPI (月度绩效)", (
        C("agent_id", "text", aliases=("工号", "员工编号", "employee_id")),
        C("month", "month", aliases=("月份",)),
        C("kpi_score", "float", aliases=("绩效得分", "KPI得分", "绩效", "kpi")),
    ), key=("agent_id", "month")),
    "exams": Table("exams", "monthly exam (月度考试)", (
        C("agent_id", "text", aliases=("工号", "员工编号", "employee_id")),
        C("month", "month", aliases=("月份",)),
        C("exam_date", "date", aliases=("考试日期",)),
        C("score", "float", aliases=("成绩", "考试成绩")),
    ), key=("agent_id", "month")),
    "excusals": Table("excusals", "excusals (免责)", (
        C("date", "date", aliases=("日期",)),
        C("scope", "text", aliases=("范围",)),
        C("reason", "text", required=False, aliases=("原因", "事由")),
    ), agent_column=None),
    "swaps": Table("swaps", "shift swaps (调班)", (
        C("agent_id", "text", aliases=("工号", "员工编号", "employee_id")),
        C("date", "date", aliases=("日期", "调班日期")),
        C("with_agent_id", "text", aliases=("对调工号", "调班对象", "对方工号")),
    ), key=("agent_id", "date")),
}


def chinese_header(table: str, column: str) -> str:
    """The first Chinese alias of a column: how a Chinese export would head it."""
    col = TABLES[table].column(column)
    for alias in col.aliases:
        if any("\u4e00" <= ch <= "\u9fff" for ch in alias):
            return alias
    return column
