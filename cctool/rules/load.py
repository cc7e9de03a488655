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

# The C parser (libyaml) where PyYAML was built with it: a large file parses in a fraction of
# the pure-Python time. Both are safe loaders: plain data, no tags that build objects.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# These guard the rules file itself, so they are constants, not settings in it.
MAX_RULES_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 32  # the packaged rules nest 5 deep; anything near this is a mistake or an attack
MAX_NODES = 1_000_000  # values after aliases are expanded ("billion laughs" stops here)


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


def check_structure(text: str, path: Path) -> None:
    """One pass over the YAML events, before anything is built: duplicate keys (YAML lets the
    last one win silently), nesting deeper than MAX_DEPTH, and more than MAX_NODES values once
    aliases are expanded. Iterative, so no input can hit Python's recursion limit."""
    stack: list[_Collection] = []
    anchors: dict[str, tuple[int, int]] = {}  # anchor -> (values, depth) it expands to
    total = 0
    for event in yaml.parse(text, Loader=SafeLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            child_path = _child_path(stack, event)
            _add_value(stack, path, event, None, child_path)
            stack.append(_Collection(isinstance(event, yaml.MappingStartEvent), child_path,
                                     getattr(event, "anchor", None)))
            if len(stack) > MAX_DEPTH:
                raise RulesError(f"{path}: {child_path or '(top level)'}: nesting deeper than {MAX_DEPTH} levels "
                                 f"(line {event.start_mark.line + 1}); a rules file is never this deep")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            done = stack.pop()
            total += 1
            if done.anchor:
                anchors[done.anchor] = (done.values + 1, done.depth + 1)
            if stack:
                stack[-1].values += done.values + 1
                stack[-1].depth = max(stack[-1].depth, done.depth + 1)
        elif isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
            size, depth = (1, 0)
            if isinstance(event, yaml.AliasEvent):
                size, depth = anchors.get(event.anchor, (1, 0))
            elif event.anchor:
                anchors[event.anchor] = (1, 0)
            key_path = _child_path(stack, event)
            _add_value(stack, path, event, event.value if isinstance(event, yaml.ScalarEvent) else None, key_path)
            total += size
            if stack:
                stack[-1].values += size
                stack[-1].depth = max(stack[-1].depth, depth)
            if len(stack) + depth > MAX_DEPTH:
                raise RulesError(f"{path}: {key_path or '(top level)'}: an alias nests deeper than {MAX_DEPTH} levels "
                                 f"(line {event.start_mark.line + 1})")
        if total > MAX_NODES:
            raise RulesError(f"{path}: more than {MAX_NODES:,} values once aliases are expanded "
                             f"(line {event.start_mark.line + 1}); a rules file is never this large")


@dataclass
class _Collection:
    mapping: bool
    path: str
    anchor: str | None
    keys: dict | None = None
    expecting_key: bool = True
    index: int = 0
    last_key: str = "?"
    values: int = 0
    depth: int = 0

    def __post_init__(self):
        self.keys = {}


def _child_path(stack: list[_Collection], event) -> str:
    """The YAML path of the value this event starts (attendance.late[1])."""
    if not stack:
        return ""
    parent = stack[-1]
    if parent.mapping:
        if parent.expecting_key:
            return parent.path
        return f"{parent.path}.{parent.last_key}" if parent.path else parent.last_key
    return f"{parent.path}[{parent.index}]"


def _add_value(stack: list[_Collection], path: Path, event, scalar: str | None, where: str) -> None:
    """Advance the parent past one value; in a mapping, check a key against the keys before it."""
    if not stack:
        return
    parent = stack[-1]
    if not parent.mapping:
        parent.index += 1
        return
    if parent.expecting_key:
        key = scalar if scalar is not None else f"<{type(event).__name__}>"
        line = event.start_mark.line + 1
        if scalar is not None and key != "<<" and key in parent.keys:
            shown = f"{parent.path}.{key}" if parent.path else key
            raise RulesError(f"{path}: {shown}: duplicate key (line {line}; first at line {parent.keys[key]}); "
                             "YAML would silently keep only the last one")
        parent.keys[key] = line
        parent.last_key = key
    parent.expecting_key = not parent.expecting_key


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
        size = path.stat().st_size
        if size > MAX_RULES_BYTES:
            raise RulesError(f"{path}: the rules file is {size:,} bytes, more than the {MAX_RULES_BYTES:,} a rules "
                             "file may have; is it the right file?")
        data = path.read_bytes()
    except FileNotFoundError:
        raise RulesError(f"{path}: rules file not found") from None
    except OSError as exc:
        raise RulesError(f"{path}: cannot read the rules file ({exc.strerror})") from None
    try:
        text = data.decode("utf-8")
        check_structure(text, path)
        doc = yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a safe loader (C or Python)
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
            # Our own validators' messages are whole sentences; pydantic's "Value error, " adds nothing.
            msg = err["msg"].removeprefix("Value error, ")
            lines.append(f"{_yaml_path(err['loc'])}: {msg}{shown}")
        raise RulesError(f"{path}: invalid rules file:\n  " + "\n  ".join(lines)) from None
    return LoadedRules(rules, path, hashlib.sha256(data).hexdigest())
