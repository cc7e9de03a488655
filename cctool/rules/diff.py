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
        if old.get(path, _ABSENT) != new.get(path, _ABSENT):
            rows.append({"path": path, "baseline": old.get(path), "proposed": new.get(path)})
    return rows


_ABSENT = object()
