"""`--lang zh` workbooks are Chinese: every command on the samples and on another centre (other
size, seed and months, calls as CSV), every sheet, header, note, explanation, coded value, boolean
and chart text; only IDs, rule IDs, file names, units and what the user typed stay as they are."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cctool.cli.main import app
from cctool.cli.terminal import State
from cctool.report.labels import SHEETS
from cctool.rules import default_rules_path
from zh_scan import english_in_workbook, english_words

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
runner = CliRunner()


def invoke(*args: str) -> None:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output


def all_reports(data: Path, out: Path, month: str, quarter: str, day: str, calls: str, lang: str) -> list[Path]:
    """Every workbook-writing command on one centre's files."""
    d = {name: str(data / name) for name in ("roster.xlsx", "schedule.csv", "punches.csv", "leave.xlsx",
                                              "excusals.csv", "swaps.csv", "kpi.csv", "exams.csv", calls)}
    common = ["--roster", d["roster.xlsx"], "--lang", lang]
    att = ["--schedule", d["schedule.csv"], "--punches", d["punches.csv"], "--leave", d["leave.xlsx"],
           "--excusals", d["excusals.csv"]]
    invoke("attendance-audit", "--month", month, *common, *att, "--swaps", d["swaps.csv"],
           "--out", str(out / "attendance.xlsx"))
    invoke("grade-agents", "--quarter", quarter, *common, "--calls", d[calls], "--kpi", d["kpi.csv"],
           "--punches", d["punches.csv"], "--schedule", d["schedule.csv"], "--out", str(out / "grades.xlsx"))
    invoke("monthly-payroll", "--month", month, *common, *att, "--calls", d[calls], "--kpi", d["kpi.csv"],
           "--exams", d["exams.csv"], "--out", str(out / "payroll.xlsx"))
    for period in ("day", "week", "month"):
        exams = ["--exams", d["exams.csv"]] if period == "month" else []
        invoke("kpi-report", "--period", period, "--date", day, *common, "--calls", d[calls], *att,
               "--kpi", d["kpi.csv"], *exams, "--out", str(out / f"kpi-{period}.xlsx"))
    invoke("headcount", "--month", month, *common, "--previous-roster", d["roster.xlsx"],
           "--out", str(out / "headcount.xlsx"))
    # simulate, without and with the pay inputs, on a change that moves findings, consequences,
    # leave verdicts and pay
    proposed = proposed_rules(out)
    invoke("simulate", "--month", month, "--rules", str(proposed), *common, *att, "--swaps", d["swaps.csv"],
           "--out", str(out / "simulate.xlsx"))
    invoke("simulate", "--month", month, "--rules", str(proposed), *common, *att, "--calls", d[calls],
           "--kpi", d["kpi.csv"], "--out", str(out / "simulate-pay.xlsx"), "--json", str(out / "simulate-pay.json"))
    return sorted(out.glob("*.xlsx"))


# Late threshold 15 -> 10 min, three lates/early leaves -> two, and a one-day leave needs a supervisor too.
CHANGES = [("{rule_id: ATT-LATE-HALF, kind: absent_half_day, above_minutes: 15}",
            "{rule_id: ATT-LATE-HALF, kind: absent_half_day, above_minutes: 10}"),
           ("    at_least: 3\n", "    at_least: 2\n"),
           ("{rule_id: LV-SHORT-1, max_days: 1, chain: [team_lead]}",
            "{rule_id: LV-SHORT-1, max_days: 1, chain: [team_lead, supervisor]}")]


def proposed_rules(folder: Path) -> Path:
    text = default_rules_path().read_text(encoding="utf-8")
    for old, new in CHANGES:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = folder / "proposed.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def explain_texts(data: Path, out: Path, month: str, quarter: str, calls: str) -> dict[str, str]:
    """`explain --lang zh` as text and markdown, for people the simulation moved (findings, leave,
    consequences, pay lines) and for their grade."""
    records = json.loads((out / "simulate-pay.json").read_text("utf-8"))["records"]
    agents = [r["agent_id"] for r in records][:2]
    assert agents, "the proposed rules should move someone"
    month_args = ["--month", month, "--roster", str(data / "roster.xlsx"), "--schedule", str(data / "schedule.csv"),
                  "--punches", str(data / "punches.csv"), "--leave", str(data / "leave.xlsx"),
                  "--excusals", str(data / "excusals.csv"), "--swaps", str(data / "swaps.csv"),
                  "--calls", str(data / calls), "--kpi", str(data / "kpi.csv")]
    grade_args = ["--quarter", quarter, "--roster", str(data / "roster.xlsx"), "--calls", str(data / calls),
                  "--kpi", str(data / "kpi.csv"), "--punches", str(data / "punches.csv")]
    texts = {}
    runs = [(agent, "month", month_args) for agent in agents] + [(agents[0], "grade", grade_args)]
    for agent, kind, args in runs:
        for fmt in ("text", "markdown"):
            path = out / f"explain-{agent}-{kind}.{fmt}"
            invoke("explain", "--agent", agent, *args, "--format", fmt, "--lang", "zh", "--out", str(path))
            texts[path.name] = path.read_text("utf-8")
    return texts


@pytest.fixture(scope="module")
def other_centre(tmp_path_factory):
    data = tmp_path_factory.mktemp("centre")
    invoke("samples", "generate", "--out", str(data), "--agents", "25", "--start", "2026-03", "--months", "4",
           "--seed", "11", "--calls-format", "csv")
    return data


@pytest.fixture(autouse=True)
def reset_state():
    yield
    State.quiet, State.log_file, State.wait = False, None, 0.0


def centre_args(centre: str, other: Path) -> tuple[Path, str, str, str, str]:
    return ((SAMPLES, "2026-07", "2026Q3", "2026-07-15", "calls.parquet") if centre == "samples" else
            (other, "2026-04", "2026Q2", "2026-04-15", "calls.csv"))


@pytest.fixture(scope="module")
def zh_reports(other_centre, tmp_path_factory):
    """Every zh workbook of a centre, written once for the tests below."""
    done: dict[str, tuple[Path, list[Path]]] = {}

    def run(centre: str) -> tuple[Path, list[Path]]:
        if centre not in done:
            out = tmp_path_factory.mktemp(f"zh-{centre}")
            data, month, quarter, day, calls = centre_args(centre, other_centre)
            done[centre] = out, all_reports(data, out, month, quarter, day, calls, "zh")
        return done[centre]
    return run


@pytest.mark.parametrize("centre", ["samples", "other"])
def test_every_zh_workbook_is_chinese(centre, zh_reports):
    _, books = zh_reports(centre)
    assert len(books) == 9
    english = {book.name: english_in_workbook(book) for book in books}
    assert {name: found[:5] for name, found in english.items() if found} == {}
    names = {ws.title for book in books for ws in openpyxl.load_workbook(book).worksheets}
    assert {"加班", "人数变动", "入职", "离职", "调动", "实习节点", "考试", "运行信息", "错误", "变化",
            "规则差异"} <= names


@pytest.mark.parametrize("centre", ["samples", "other"])
def test_simulate_changes_and_explain_read_in_chinese(centre, zh_reports, other_centre):
    data, month, quarter, _, calls = centre_args(centre, other_centre)
    tmp_path, _ = zh_reports(centre)
    # The changed fields, their values (booleans 是/否, leave verdicts) and the Rules diff's values
    changes = list(openpyxl.load_workbook(tmp_path / "simulate-pay.xlsx")["变化"].iter_rows(values_only=True))[2:]
    fields = {r[3] for r in changes}
    assert {"迟到次数", "旷工天数", "实发"} <= fields
    assert not {"late_count", "absent_days", "net", "performance_bonus_stopped"} & fields
    assert {r[4] for r in changes if r[3] == "停发绩效奖金"} <= {"是", "否"}
    diff = list(openpyxl.load_workbook(tmp_path / "simulate.xlsx")["规则差异"].iter_rows(values_only=True))[2:]
    assert ("leave.agent[0].chain", '["组长"]', '["组长", "主管"]') in diff
    assert ("attendance.late[1].above_minutes", "15", "10") in diff
    texts = explain_texts(data, tmp_path, month, quarter, calls)
    english = {name: english_words(text) for name, text in texts.items()}
    assert {name: found[:8] for name, found in english.items() if found} == {}
    assert all(t.startswith("# ") == name.endswith("markdown") for name, t in texts.items())
    assert any("工资（保密）" in t for t in texts.values()) and any("## 评级" in t for t in texts.values())


def test_explain_in_english_is_unchanged_by_lang_default(tmp_path):
    """--lang en (the default) keeps the English words of the explanation."""
    args = ["explain", "--agent", "E0040", "--month", "2026-07", "--roster", str(SAMPLES / "roster.xlsx"),
            "--schedule", str(SAMPLES / "schedule.csv"), "--punches", str(SAMPLES / "punches.csv")]
    invoke(*args, "--out", str(tmp_path / "default.txt"))
    invoke(*args, "--lang", "en", "--out", str(tmp_path / "en.txt"))
    text = (tmp_path / "default.txt").read_text("utf-8")
    assert text == (tmp_path / "en.txt").read_text("utf-8")
    assert "Scheduled shifts" in text and "Findings" in text and "consequences:" in text


def test_the_scan_finds_english_it_should(tmp_path):
    """The allow-list keeps IDs, rule IDs, files and units, and nothing else."""
    assert english_words("ATT-ABS-1, GRD-C; E0017 TSR-1 L00007 2026Q3 2026-W29 samples/roster.xlsx#花名册 "
                         "3bcd375518a45ca15d0532fb96c1392905cbf890fc32f0ebdad95867f67381ca 季度平均KPI 11分钟 "
                         "--period month cctool 0.1.0") == []
    assert english_words("迟到 late") == ["late"]
    assert english_words("no grade targets") == ["no", "grade", "targets"]
    assert english_words("Trainee milestones") == ["Trainee", "milestones"]


def test_every_sheet_name_has_a_chinese_name():
    assert all(zh and not english_words(zh) for zh in SHEETS.values())


def test_partial_run_banner_and_withheld_wage_read_in_chinese():
    from cctool.report.phrases import to_zh

    banner = ("PARTIAL REPORT (--allow-partial): data/punches.csv has no punch in 2026-08 (2026-07-01..2026-07-31); "
              "2026-08 is not over: 3 shift(s) end after the as-of time 2026-08-03 08:00 (the latest punch unless "
              "--as-of is given) and are not judged")
    wage = ("wage 3,017.24 stopped by PAY-NONE: 3 absent days (ATT-ABS-3); 3 consecutive days absent: deemed resigned "
            "(ATT-QUIT-3): no wage is paid for the month (base 3,500.00 less 482.76 for unpaid days, "
            "performance bonus 600.00)")
    for text in (banner, wage):
        assert english_words(to_zh(text)) == [], to_zh(text)
    assert "3,017.24" in to_zh(wage) and "PAY-NONE" in to_zh(wage) and "482.76" in to_zh(wage)
