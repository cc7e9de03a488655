"""Files shaped exactly like three public exports (docs/EXPORTS.md "Call logs"), built here
so the tests do not depend on downloads: same headers, same spellings of dates, times, answers
and durations, values drawn at random (seeded) rather than shaped to fit the code."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
MAPPINGS = ROOT / "examples" / "mappings"
AGENTS = ["Diane", "Becky", "Stewart", "Greg", "Jim", "Joe", "Martha", "Dan"]
TOPICS = ["Contract related", "Technical Support", "Payment related", "Admin Support", "Streaming"]
INBOUND_HEADERS = ["Call Id", "Agent", "Date", "Time", "Topic", "Answered (Y/N)", "Resolved",
                   "Speed of answer in seconds", "AvgTalkDuration", "Satisfaction rating"]
BANK_HEADERS = ["vru+line", "call_id", "customer_id", "priority", "type", "date", "vru_entry", "vru_exit",
                "vru_time", "q_start", "q_exit", "q_time", "outcome", "ser_start", "ser_exit", "ser_time", "server"]
BANK_SERVERS = ["MICHAL", "ANAT", "DORIT", "YIFAT", "SHARON", "AVI"]
ZK_HEADERS = ["Department", "Name", "No.", "Date/Time", "Status", "Location ID", "ID Number", "Workcode",
              "VerifyCode", "CardNo"]


def rules_with(mapping_file: str | Path, tmp_path: Path, **grading) -> Path:
    """The packaged rules with their `columns:` section replaced by an example mapping file."""
    from cctool.rules.load import default_rules_path

    doc = yaml.safe_load(default_rules_path().read_text(encoding="utf-8"))
    doc["columns"] = yaml.safe_load(Path(MAPPINGS / mapping_file).read_text(encoding="utf-8"))["columns"]
    doc["grading"].update(grading)
    out = tmp_path / f"rules-{Path(mapping_file).stem}.yaml"
    out.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def _clock(seconds: np.ndarray, pad_hours: bool = True) -> list[str]:
    h, rest = np.divmod(seconds.astype(int), 3600)
    m, s = np.divmod(rest, 60)
    return [f"{a:02d}:{b:02d}:{c:02d}" if pad_hours else f"{a}:{b:02d}:{c:02d}" for a, b, c in zip(h, m, s)]


def inbound_desk(n: int = 5000, seed: int = 7) -> pd.DataFrame:
    """The inbound desk's calls, January to March 2021, as typed values (the CSVs are written
    from this frame in either spelling)."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2021-01-01", "2021-03-31", freq="D")
    date = days[rng.integers(0, len(days), n)]
    secs = rng.integers(9 * 3600, 18 * 3600, n)
    answered = rng.random(n) < 0.81
    resolved = answered & (rng.random(n) < 0.73)
    talk = np.where(answered, rng.integers(30, 420, n), 0)
    frame = pd.DataFrame({
        "Call Id": [f"ID{i:04d}" for i in range(1, n + 1)],
        "Agent": rng.choice(AGENTS, n),
        "date": date, "secs": secs,
        "Topic": rng.choice(TOPICS, n),
        "answered": answered, "resolved": resolved,
        "speed": np.where(answered, rng.integers(10, 125, n), 0),
        "talk": talk,
        "rating": np.where(answered, rng.integers(1, 6, n), 0),
    })
    return frame.sort_values(["date", "secs"]).reset_index(drop=True)


def write_inbound(frame: pd.DataFrame, path: Path, us_dates: bool = False) -> Path:
    """`2021-01-01`, `09:12:58`, talk `00:02:23`; or (us_dates) `1/1/2021`, `9:12:58`, talk `143`."""
    a = frame["answered"].to_numpy()
    if us_dates:
        date = [f"{d.month}/{d.day}/{d.year}" for d in frame["date"]]
        time = _clock(frame["secs"].to_numpy(), pad_hours=False)
        talk = np.where(a, frame["talk"].astype(str), "")
    else:
        date = frame["date"].dt.strftime("%Y-%m-%d")
        time = _clock(frame["secs"].to_numpy())
        talk = np.where(a, _clock(frame["talk"].to_numpy()), "")
    out = pd.DataFrame({
        "Call Id": frame["Call Id"], "Agent": frame["Agent"], "Date": date, "Time": time, "Topic": frame["Topic"],
        "Answered (Y/N)": np.where(a, "Y", "N"), "Resolved": np.where(frame["resolved"], "Y", "N"),
        "Speed of answer in seconds": np.where(a, frame["speed"].astype(str), ""),
        "AvgTalkDuration": talk,
        "Satisfaction rating": np.where(a, frame["rating"].astype(str), ""),
    })
    out.to_csv(path, index=False)
    return path


def bank_day(n: int = 1200, seed: int = 11, day: str = "1999-01-04") -> pd.DataFrame:
    """One day of a bank call centre: about a third of the calls reach no agent (NO_SERVER)."""
    rng = np.random.default_rng(seed)
    served = rng.random(n) >= 0.34
    entry = np.sort(rng.integers(7 * 3600, 23 * 3600, n))
    vru = rng.integers(2, 30, n)
    wait = np.where(served, rng.integers(0, 200, n), rng.integers(5, 400, n))
    ser = np.where(served, rng.integers(20, 900, n), 0)
    q_start = entry + vru
    q_exit = q_start + wait
    ser_start = np.where(served, q_exit, 0)
    ser_exit = np.where(served, q_exit + ser, 0)
    outcome = np.where(served, "AGENT", np.where(rng.random(n) < 0.8, "HANG", "PHANTOM"))
    d = pd.Timestamp(day)
    frame = pd.DataFrame({
        "vru+line": [f"AA{rng.integers(101, 107)}{i % 10:02d}" for i in range(n)],
        "call_id": np.arange(33116 + 0, 33116 + n),
        "customer_id": rng.integers(10_000_000, 99_999_999, n),
        "priority": rng.integers(0, 3, n),
        "type": rng.choice(["PS", "NW", "NE", "TT", "IN"], n),
        "date": f"{d:%y%m%d}",
        "vru_entry": _clock(entry, pad_hours=False), "vru_exit": _clock(entry + vru, pad_hours=False),
        "vru_time": vru,
        "q_start": _clock(q_start, pad_hours=False), "q_exit": _clock(q_exit, pad_hours=False), "q_time": wait,
        "outcome": outcome,
        "ser_start": _clock(ser_start, pad_hours=False), "ser_exit": _clock(ser_exit, pad_hours=False),
        "ser_time": _clock(ser, pad_hours=False),
        "server": np.where(served, rng.choice(BANK_SERVERS, n), "NO_SERVER"),
    })
    return frame[BANK_HEADERS]


def zkteco_month(seed: int = 3) -> pd.DataFrame:
    """August 2025 of an English ZKTeco clock: C/In and C/Out each working day, some overtime."""
    rng = np.random.default_rng(seed)
    people = [("Operations", "Li Wei", "1001"), ("Operations", "Zhang Min", "1002"), ("Support", "Wang Fang", "1003")]
    rows = []
    for day in pd.date_range("2025-08-01", "2025-08-31", freq="D"):
        if day.weekday() >= 5:
            continue
        for dept, name, no in people:
            sign_in = day + pd.Timedelta(seconds=int(rng.integers(6 * 3600 + 1800, 8 * 3600 + 2400)))
            sign_out = day + pd.Timedelta(seconds=int(rng.integers(17 * 3600, 18 * 3600 + 1800)))
            events = [(sign_in, "C/In"), (sign_out, "C/Out")]
            if rng.random() < 0.2:
                events += [(sign_out + pd.Timedelta(minutes=5), "OverTime In"),
                           (sign_out + pd.Timedelta(hours=2), "OverTime Out")]
            for when, status in events:
                rows.append({"Department": dept, "Name": name, "No.": no,
                             "Date/Time": when.strftime("%d/%m/%Y %H:%M:%S"), "Status": status,
                             "Location ID": 1, "ID Number": "", "Workcode": 0, "VerifyCode": "FP", "CardNo": ""})
    return pd.DataFrame(rows, columns=ZK_HEADERS)


def roster_for(agent_ids, path: Path, team: str = "Desk") -> Path:
    """A roster whose agent_id is the export's agent (first name, clock number, server name)."""
    ids = list(agent_ids)
    pd.DataFrame({
        "agent_id": ids, "name": ids, "team": [team if i % 2 == 0 else team + " 2" for i in range(len(ids))],
        "role": "agent", "line": "CSR", "department": "operations", "grade": "C",
        "hire_date": "1990-01-01",
    }).to_csv(path, index=False)
    return path
