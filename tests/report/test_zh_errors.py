"""The Errors sheet of a zh workbook is Chinese too: every problem the readers and the audit can
report for a bad row (duplicates, unreadable dates, times, numbers and yes/no, values outside a
list, blanks, unmatched punches, people standby or left, approvers nobody holds) reads in Chinese.
What stays as written: field names and the codes a cell must hold (a user types `sick`, not 病假)."""
from __future__ import annotations

import re

import openpyxl
from typer.testing import CliRunner

from cctool.cli.main import app
from cctool.io.tables import TABLES
from zh_scan import english_words

# A centre whose every file has bad rows of many kinds.
FILES = {
    'roster': (
        'agent_id,name,team,role,line,department,grade,reports_to,hire_date,status\n'
        'L1,Lead,T,team_lead,,operations,,S9,2020-01-01,active\n'
        'A1,Ann,T,agent,TSR,operations,C,L1,2021-01-01,active\n'
        'A1,Ann2,T,agent,TSR,operations,C,L1,2021-01-01,active\n'
        'A2,Bo,T,agent,TSR,operations,C,L1,2021-13-01,active\n'
        'A3,Cat,T,wizard,TSR,operations,Z,L1,2021-01-01,sleeping\n'
        'A4,Dan,,agent,TSR,operations,C,L1,2021-01-01,active\n'
        'A5,Eve,T,agent,TSR,operations,C,L1,2021-01-01,standby\n'
        'A6,Fay,T,agent,TSR,operations,C,L1,2021-01-01,left\n'
    ),
    'schedule': (
        'agent_id,date,shift_start,shift_end\n'
        'A1,2026-10-08,09:00,18:00\n'
        'A1,2026-10-08,09:00,18:00\n'
        'A5,2026-10-08,09:00,18:00\n'
        'A6,2026-10-08,09:00,18:00\n'
        'L1,2026-10-08,09:00,18:00\n'
        'A1,2026-10-09,9am,18:00\n'
    ),
    'punches': (
        'agent_id,date,sign_in,sign_out\n'
        'A1,2026-10-08,2026-10-08 09:20:00,banana\n'
        'L1,2026-10-08,2026-10-08 08:50:00,2026-10-08 18:20:00\n'
        'L1,2026-10-08,2026-10-08 08:50:00,2026-10-08 18:20:00\n'
        'L1,2026-10-10,2026-10-10 08:50:00,2026-10-10 18:20:00\n'
        'A9,2026-10-08,2026-10-08 09:20:00,\n'
        'A1,2026-13-08,2026-10-08 09:20:00,\n'
        ',2026-10-08,2026-10-08 09:20:00,\n'
        'A1,2026-10-07,,\n'
    ),
    'leave': (
        'request_id,agent_id,leave_type,start,end,days,channel,documents_complete,approvals\n'
        'R1,A1,holiday,2026-10-08,2026-10-07,x,pigeon,maybe,L1\n'
        'R2,A1,sick,2026-10-08,2026-10-07,1,form,yes,L1\n'
        'R3,A9,sick,2026-10-08,2026-10-08,1,form,yes,L1\n'
        'R4,A1,personal,2026-10-08,2026-10-08,1,form,yes,Nobody;L1|L2\n'
    ),
    'excusals': (
        'date,scope,reason\n'
        '2026-10-08,galaxy:far,storm\n'
        '2026-10-08,team:T,rain\n'
    ),
}
# canonical field names, as the scan sees them (agent_id is the words agent and id)
FIELDS = {word for t in TABLES.values() for c in t.columns for word in re.findall(r"[A-Za-z]{2,}", c.name)}
CODES = re.compile(r"应为以下之一：[^；]+|应为 all、team:<班组> 或 agent:<工号>")


def test_every_problem_on_a_zh_errors_sheet_reads_in_chinese(tmp_path):
    paths = {}
    for name, text in FILES.items():
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, [
        "attendance-audit", "--month", "2026-10", *[a for n, p in paths.items() for a in (f"--{n}", str(p))],
        "--out", str(tmp_path / "z.xlsx"), "--lang", "zh", "--allow-partial", "--as-of", "2026-10-31 23:59"])
    assert result.exit_code == 0, result.output
    errors = openpyxl.load_workbook(tmp_path / "z.xlsx")["错误"]
    header = [c.value for c in errors[1]]
    problems = [row[header.index("问题")] for row in errors.iter_rows(min_row=2, values_only=True)]
    assert len(problems) >= 20  # the centre gives that many kinds of bad row
    english = [p for p in problems if set(english_words(CODES.sub(" ", p))) - FIELDS]
    assert english == []


def test_own_values_in_user_columns_read_in_chinese():
    # department is a coded value (运营 in the roster is read as operations); (all) and (no team) are
    # cctool's own rows: in a zh sheet they read in Chinese, a team typed by the user stays as typed.
    import pandas as pd

    from cctool.report.localise import localise_frame

    frame = pd.DataFrame({"department": ["operations", "support", "(all)"], "team": ["Alpha 队", "(no team)", "(all)"]})
    zh = localise_frame(frame, "zh")
    assert zh["department"].tolist() == ["运营", "支撑", "（全部）"]
    assert zh["team"].tolist() == ["Alpha 队", "（无班组）", "（全部）"]
    assert localise_frame(frame, "en")["department"].tolist() == ["operations", "support", "(all)"]
