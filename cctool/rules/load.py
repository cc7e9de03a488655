"""Load and validate a rules file. YAML is read with `safe_load` only; nothing in it is run."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from cctool.errors import RulesError
from cctool.rules.model import Rules


def default_rules_path() -> Path:
    packaged = Path(__file__).resolve().parent.parent / "default_rules.yaml"  # installed wheel
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules" / "default.yaml"  # source checkout


@dataclass(frozen=True)
class LoadedRules:
    rules: Rules
    path: Path
    sha256: str


def _yaml_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def load_rules(path: str | Path | None = None) -> LoadedRules:
    path = Path(path) if path else default_rules_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise RulesError(f"{path}: rules file not found") from None
    except OSError as exc:
        raise RulesError(f"{path}: cannot read the rules file ({exc.strerror})") from None
    try:
        doc = yaml.safe_load(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise RulesError(f"{path}: the rules file must be UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise RulesError(f"{path}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(doc, dict):
        raise RulesError(f"{path}: the rules file must be a YAML mapping of sections")
    try:
        rules = Rules.model_validate(doc)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            got = err.get("input")
            shown = "" if isinstance(got, (dict, list)) else f" (got {got!r})"
            lines.append(f"{_yaml_path(err['loc'])}: {err['msg']}{shown}")
        raise RulesError(f"{path}: invalid rules file:\n  " + "\n  ".join(lines)) from None
    return LoadedRules(rules, path, hashlib.sha256(data).hexdigest())
