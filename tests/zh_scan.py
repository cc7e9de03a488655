"""What the zh completeness test calls English: words left in a workbook's cells, sheet names
and charts once identifiers, rule IDs, file names, units and user data are taken out."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl

# Taken out before looking for English words.
ALLOWED = re.compile("|".join([
    r"\b[A-Z]{2,}(?:-[A-Z0-9*]+)+",  # rule IDs: ATT-ABS-1, GRD-C, PAY-OT, ATT-*
    r"\b[A-Z]+-?\d+\b",  # agent, team and request IDs: E0001, TSR-1, L00007
    r"\b\d{4}(?:Q\d|-W\d\d)\b",  # periods: 2026Q3, 2026-W29
    r"\d{4}-\d\d-\d\dT[\d:+.-]+",  # run time stamps
    r"[^\s|]*[/\\][^\s|]*",  # paths
    r"[^\s|]+\.(?:xlsx|csv|parquet|ya?ml|json|txt)(?:#\S+)?",  # file names, book.xlsx#sheet
    r"\b[0-9a-f]{64}\b",  # SHA-256
    r"--[a-z-]+(?: (?:day|week|month))?",  # command-line options named in a note
    # acronyms and units (CJK letters count as word characters, so no \b here)
    r"(?<![A-Za-z])(?:KPI|CPH|TSR|CSR|SHA|YAML|IT|cctool|min|h|s)(?![A-Za-z])",
    r"\b(?:attendance-audit|grade-agents|monthly-payroll|kpi-report|daily-brief|headcount)\b",  # command names
]))
WORD = re.compile(r"[A-Za-z]{2,}")
# Columns whose cells are what the user typed (names, teams, departments), input locations or
# YAML paths of a rules file (simulate's Rules diff).
USER_DATA_HEADERS = {"姓名", "班组", "部门", "文件", "工作表", "列", "值", "原班组", "调入班组", "业务线", "YAML 路径"}


def english_words(text: str) -> list[str]:
    return WORD.findall(ALLOWED.sub(" ", text))


def english_in_workbook(path: Path) -> list[str]:
    """`sheet!cell: text` for every cell (and chart text) with an English word left."""
    found = []
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        if english_words(ws.title):
            found.append(f"sheet name {ws.title!r}")
        skip: set[int] = set()
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and value in USER_DATA_HEADERS:
                    skip.add(cell.column)
                if isinstance(value, bool):
                    found.append(f"{ws.title}!{cell.coordinate}: boolean {value}")
                elif isinstance(value, str) and cell.column not in skip and english_words(value):
                    found.append(f"{ws.title}!{cell.coordinate}: {value}")
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/charts/chart"):
                xml = z.read(name).decode("utf-8")
                texts = re.findall(r"<a:t>([^<]*)</a:t>", xml) + re.findall(r"<c:tx>.*?<c:v>([^<]*)</c:v>", xml)
                found += [f"{name}: {t}" for t in texts if english_words(t)]
    return found
