"""Frames shaped the way the readers return them, for policy tests."""
from __future__ import annotations

import pandas as pd


def schedule(rows):
    """rows: (agent, 'YYYY-MM-DD', 'HH:MM', 'HH:MM')"""
    def secs(t):
        h, m = t.split(":")
        return int(h) * 3600 + int(m) * 60
    frame = pd.DataFrame([{"agent_id": a, "date": pd.Timestamp(d), "shift_start": secs(s), "shift_end": secs(e)}
                          for a, d, s, e in rows])
    frame["shift_start"] = frame["shift_start"].astype("Int64")
    frame["shift_end"] = frame["shift_end"].astype("Int64")
    frame["_row"] = range(2, len(frame) + 2)
    return frame


def punches(rows):
    """rows: (agent, 'YYYY-MM-DD', sign_in 'YYYY-MM-DD HH:MM:SS' | None, sign_out | None)"""
    frame = pd.DataFrame([{"agent_id": a, "date": pd.Timestamp(d),
                           "sign_in": pd.Timestamp(i) if i else pd.NaT,
                           "sign_out": pd.Timestamp(o) if o else pd.NaT} for a, d, i, o in rows])
    frame["_row"] = range(2, len(frame) + 2)
    return frame
