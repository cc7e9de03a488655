"""Which settings differ between two rules files, by YAML path (`attendance.late[1].above_minutes`)."""
from __future__ import annotations

from cctool.rules.model import Rules


def flatten(node, path: str = "") -> dict[str, object]:
    """Every leaf setting of a dumped rules model, keyed by its YAML path."""
    out: dict[str, object] = {}
    if isinstance(node, dict):
        if not node and path:
            out[path] = {}
        for key, value in node.items():
            out.update(flatten(value, f"{path}.{key}" if path else str(key)))
    elif isinstance(node, list) and node and any(isinstance(v, (dict, list)) for v in node):
        for i, value in enumerate(node):
            out.update(flatten(value, f"{path}[{i}]"))
    else:  # a scalar, or a list of scalars (an approval chain) compared as one setting
        out[path] = node
    return out


def rules_diff(baseline: Rules, proposed: Rules) -> list[dict]:
    """One row per setting that is new, gone or changed: {path, baseline, proposed}; None for absent."""
    old = flatten(baseline.model_dump(mode="json", exclude={"effective_from"}))
    new = flatten(proposed.model_dump(mode="json", exclude={"effective_from"}))
    rows = []
    for path in list(dict.fromkeys([*old, *new])):
        before, after = old.get(path, _ABSENT), new.get(path, _ABSENT)
        if before == after or _emptied(before, after, new, path) or _emptied(after, before, old, path):
            continue
        rows.append({"path": path, "baseline": old.get(path), "proposed": new.get(path)})
    return rows


def _emptied(value, other, other_flat: dict, path: str) -> bool:
    """An empty list (or mapping) on one side whose entries the other side has: the entries are
    the change (`worked_hours[0].kind` ...), not the list itself going from [] to nothing."""
    return (isinstance(value, (list, dict)) and not value and other is _ABSENT
            and any(k.startswith((f"{path}[", f"{path}.")) for k in other_flat))


_ABSENT = object()
