"""Who a row of a clock export is: 工号 -> agent_id, else the product's user id, else the name.

DingTalk and WeCom often leave 工号 blank; their own ids (DingTalk `UserId`, WeCom `账号`)
match only if the roster carries them (optional columns `dingtalk_userid`, `wecom_account`);
a name matches only when exactly one roster person has it. Anyone left over is reported with
the name and ids found and their rows are excluded — never matched by guess.
"""
from __future__ import annotations

import pandas as pd

from cctool.errors import Issue

ID_COLUMNS = {"dingtalk": "dingtalk_userid", "wecom": "wecom_account"}


def _lookup(roster: pd.DataFrame, column: str) -> dict[str, str]:
    if column not in roster:
        return {}
    ids = roster[[column, "agent_id"]].dropna()
    ids = ids.assign(key=ids[column].astype(str).str.strip())
    unique = ids.drop_duplicates("key", keep=False)
    return dict(zip(unique["key"], unique["agent_id"]))


def match_people(frame: pd.DataFrame, roster: pd.DataFrame | None, product: str, *, file: str,
                 sheet: str | None, labels: dict[str, str]) -> tuple[pd.Series, list[Issue]]:
    """agent_id per row from `_no` (工号), `_uid` (product id), `_name`; NA where unmatched.

    `labels` names the export's columns for messages ({'_no': '工号', ...}). Without a roster
    the 工号 is taken as the agent_id as it stands (the canonical readers do the same)."""
    cols = [c for c in ("_no", "_uid", "_name") if c in frame]
    keys = frame[cols].astype("string").apply(lambda s: s.str.strip())
    for c in ("_no", "_uid", "_name"):
        if c not in keys:
            keys[c] = pd.Series(pd.NA, index=frame.index, dtype="string")
    if roster is None:
        return keys["_no"].astype("string"), \
            _report_unmatched(frame, keys, keys["_no"].isna(), file, sheet, labels, "no 工号 and no roster to match by")
    agent_ids = set(roster["agent_id"].astype(str))
    by_uid = _lookup(roster, ID_COLUMNS.get(product, ""))
    names = roster[["name", "agent_id"]].dropna().assign(name=lambda r: r["name"].astype(str).str.strip())
    name_counts = names["name"].value_counts()
    by_name = dict(zip(names["name"], names["agent_id"]))

    distinct = keys.drop_duplicates().reset_index(drop=True)
    issues: list[Issue] = []
    distinct["agent_id"] = [_one(_v(no), _v(uid), _v(name), agent_ids, by_uid, by_name, name_counts)  # per person
                            for no, uid, name in zip(distinct["_no"], distinct["_uid"], distinct["_name"])]
    resolved = keys.merge(distinct, on=["_no", "_uid", "_name"], how="left")["agent_id"]
    # the canonical readers' text dtype (coerce.to_text), so frames join
    resolved = resolved.set_axis(frame.index).astype("string")
    unmatched = resolved.isna()
    issues.extend(_report_unmatched(frame, keys, unmatched, file, sheet, labels, None, name_counts))
    fallback = resolved.notna() & keys["_no"].notna() & ~keys["_no"].isin(agent_ids).fillna(False)
    for (no, name), grp in frame[fallback].groupby([keys["_no"][fallback], keys["_name"][fallback]], dropna=False):
        issues.append(Issue(file, sheet, int(grp["_row"].iloc[0]), labels.get("_no"), str(no),
                            f"{name}: this 工号 is not in the roster; matched to {resolved[grp.index[0]]} by "
                            f"{'user id' if by_uid else 'name'} ({len(grp)} row(s))", "warning"))
    return resolved, issues


def _v(value):
    return None if value is None or pd.isna(value) else str(value)


def _one(no, uid, name, agent_ids, by_uid, by_name, name_counts) -> str | None:
    if no and no in agent_ids:
        return no
    if uid and uid in by_uid:
        return by_uid[uid]
    if name and name_counts.get(name, 0) == 1:
        return by_name[name]
    return None


def _report_unmatched(frame, keys, mask, file, sheet, labels, why, name_counts=None) -> list[Issue]:
    issues = []
    if not mask.any():
        return issues
    sub = keys[mask]
    for key, grp in frame[mask].groupby([sub["_no"].fillna(""), sub["_uid"].fillna(""), sub["_name"].fillna("")]):
        no, uid, name = key
        found = ", ".join(f"{labels.get(c, c)} {v!r}" for c, v in zip(("_no", "_uid", "_name"), key) if v)
        if why:
            problem = why
        elif name and name_counts is not None and name_counts.get(name, 0) > 1:
            problem = f"{name_counts[name]} people in the roster are called {name!r}: ambiguous, not matched"
        else:
            problem = "person not found in the roster (by 工号, user id or name)"
        rows = grp["_row"].astype(int).tolist()
        more = f"rows {', '.join(map(str, rows[:8]))}{'…' if len(rows) > 8 else ''}"
        named = next((labels.get(c) for c, v in zip(("_no", "_uid", "_name"), key) if v), labels.get("_name"))
        issues.append(Issue(file, sheet, rows[0], named, found or None,
                            f"{problem}; {len(rows)} row(s) excluded ({more})"))
    return issues
