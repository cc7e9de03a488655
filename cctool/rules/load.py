"""Load and validate a rules file. YAML is read with `safe_load` only; nothing in it is run."""
from __future__ import annotations

import datetime as dt
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


def load_rules(path: str | Path | None = None, on: dt.date | None = None) -> LoadedRules:
    """The rules of one file; or, for a folder of dated files, the file in force on `on`."""
    path = Path(path) if path else default_rules_path()
    if path.is_dir():
        return rules_in_force(load_rules_folder(path), on, path)
    return _load_file(path)


def load_rules_folder(folder: Path) -> list[LoadedRules]:
    """Every rules file of a folder (*.yaml, *.yml), validated, each with its `effective_from`,
    oldest first. Two files in force from the same day would make the choice arbitrary: refused."""
    files = sorted(p for p in Path(folder).iterdir() if p.is_file() and p.suffix.lower() in (".yaml", ".yml"))
    if not files:
        raise RulesError(f"{folder}: the rules folder holds no .yaml file")
    loaded = [_load_file(p) for p in files]
    undated = [str(r.path.name) for r in loaded if r.rules.effective_from is None]
    if undated:
        raise RulesError(f"{folder}: every file of a rules folder needs effective_from: YYYY-MM-DD; "
                         f"missing in {', '.join(undated)}")
    loaded.sort(key=lambda r: r.rules.effective_from)
    for a, b in zip(loaded, loaded[1:]):
        if a.rules.effective_from == b.rules.effective_from:
            raise RulesError(f"{folder}: {a.path.name} and {b.path.name} are both in force from "
                             f"{a.rules.effective_from}; keep one")
    return loaded


def rules_in_force(versions: list[LoadedRules], on: dt.date | None, folder: Path) -> LoadedRules:
    if on is None:
        raise RulesError(f"{folder}: a rules folder needs the date the rules apply to "
                         "(the period's first day; `rules show --on YYYY-MM-DD`)")
    in_force = [r for r in versions if r.rules.effective_from <= on]
    if not in_force:
        raise RulesError(f"{folder}: no rules file is in force on {on} "
                         f"(the earliest, {versions[0].path.name}, starts {versions[0].rules.effective_from})")
    return in_force[-1]


def _load_file(path: Path) -> LoadedRules:
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
