"""Sheets and JSON of `simulate`, from a Simulation."""
from __future__ import annotations

import json
from decimal import Decimal

import numpy as np
import pandas as pd

from cctool.report.writer import Sheet
from cctool.whatif import Simulation


def _cell(value) -> str:
    """One changed value as a cell text: both sides of a row read alike (0.5, Yes, 3500.00, [a, b])."""
    if value is None or (not isinstance(value, (str, Decimal, list, dict)) and pd.isna(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):  # the workbook's one boolean style (Yes/No, 是/否)
        return "Yes" if value else "No"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _number(value) -> float | None:
    """A changed value as a number, when it is one (not a yes/no, a text or a list)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, Decimal, np.integer, np.floating)):
        return None
    return None if pd.isna(value) else float(value)


def _deltas(changes: pd.DataFrame) -> pd.Series:
    """proposed − baseline where both sides are numbers (days, counts, pay), a number the sheet can
    sum and sort; blank for yes/no, texts and verdicts. Pay deltas are rounded to the cent."""
    before = changes["baseline"].map(_number).astype("float64")
    after = changes["proposed"].map(_number).astype("float64")
    return (after - before).round(2)


def whatif_sheets(sim: Simulation) -> list[Sheet]:
    changes = sim.changes.assign(baseline=sim.changes["baseline"].map(_cell),
                                 proposed=sim.changes["proposed"].map(_cell))
    changes.insert(changes.columns.get_loc("proposed") + 1, "change", _deltas(sim.changes))
    diff = pd.DataFrame(sim.rules_diff, columns=["path", "baseline", "proposed"])
    diff = diff.assign(baseline=diff["baseline"].map(_cell), proposed=diff["proposed"].map(_cell))
    money = ("net_baseline", "net_proposed", "net_delta") if sim.pay else ()
    pay_note = " Pay is CONFIDENTIAL (PAY-CONFIDENTIAL)." if sim.pay else ""
    return [
        Sheet("Changes", changes,
              note=f"What {sim.month} would look like under the proposed rules: one row per person and changed "
                   f"field; Rule IDs name the rules behind the change.{pay_note}"),
        Sheet("Teams", sim.teams, percent=("attendance_rate_baseline", "attendance_rate_proposed",
                                           "attendance_rate_change"), money=money,
              note="Per team, before and after: attendance rate, people whose bonus stops"
                   + (", net pay." if sim.pay else ".")),
        Sheet("Rules diff", diff, note="Each setting that differs between the baseline and the proposed rules file."),
    ]


def whatif_json(sim: Simulation) -> dict:
    return {"records": sim.records, "totals": sim.totals, "rules_diff": sim.rules_diff}
