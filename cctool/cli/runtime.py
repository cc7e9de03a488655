"""What makes a run cron-safe: the config file, the output lock, the one-line run log and
progress shown only to a person at a terminal."""
from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import typer

from cctool.cli.terminal import State, err_console, guard, user
from cctool.errors import CctoolError, ExitCode

CONFIG_NAME = "cctool.toml"
EXIT_LOCKED = ExitCode.LOCKED
_ALIASES = {"json": "json_path"}


class LockedError(CctoolError):
    exit_code = EXIT_LOCKED


# ----------------------------------------------------------------------------- config

def _toml_load(path: Path) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CctoolError(f"{path}: cannot read the config file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CctoolError(f"{path}: not valid TOML: {exc}") from None


def _param_key(key: str) -> str:
    key = key.replace("-", "_")
    return _ALIASES.get(key, key)


TOP_SETTINGS = ("log_file", "wait")
PLACEHOLDERS = ("month", "quarter", "date", "period")


def _closest(word: str, valid) -> str:
    """' (did you mean X?)' for the nearest valid name, or ' (valid: …)' when none is near."""
    valid = sorted(set(valid))
    near = difflib.get_close_matches(word, valid, n=1, cutoff=0.6)
    if near:
        return f" (did you mean {near[0]!r}?)"
    return f" (valid: {', '.join(valid)})" if valid else ""


def option_names(command) -> set[str]:
    """The names a config key may use for a click command's options: `previous-roster`, `json`
    (as on the command line, without dashes in front; `_` is read as `-`)."""
    names = set()
    for param in getattr(command, "params", []):
        for opt in getattr(param, "opts", []):
            if opt.startswith("--"):
                names.add(opt[2:])
    return names


def check_config(path: Path, doc: dict, commands: dict[str, set[str]]) -> None:
    """Every section names a command (or `defaults`), every key one of its options, every top-level
    setting a known one with a value of the right type: a typo in a cron config stops the run with
    the closest valid name (exit 2) instead of being silently ignored."""
    for key, value in doc.items():
        if isinstance(value, dict):
            if key != "defaults" and key not in commands:
                raise CctoolError(f"{path}: unknown section [{key}]{_closest(key, [*commands, 'defaults'])}")
            valid = set().union(*commands.values()) if key == "defaults" else commands[key]
            for option in value:
                if option.replace("_", "-") not in valid:
                    where = "[defaults]" if key == "defaults" else f"[{key}]"
                    raise CctoolError(f"{path}: unknown key {option!r} in {where}"
                                      f"{_closest(option.replace('_', '-'), valid)}")
        elif key not in TOP_SETTINGS:
            raise CctoolError(f"{path}: unknown top-level setting {key!r}"
                              f"{_closest(key, [*TOP_SETTINGS, 'defaults', *commands])}")
    _check_top(path, doc)


def _check_top(path: Path, doc: dict) -> None:
    if "wait" in doc:
        wait = doc["wait"]
        if isinstance(wait, bool) or not isinstance(wait, (int, float)) or wait < 0 or wait != wait:
            raise CctoolError(f"{path}: wait must be a number of seconds, 0 or more, got {wait!r}")
    if "log_file" in doc and (not isinstance(doc["log_file"], str) or not doc["log_file"].strip()):
        raise CctoolError(f"{path}: log_file must be a file path in quotes, got {doc['log_file']!r}")


def load_config(explicit: Path | None, commands: dict[str, set[str]] | None = None) -> tuple[dict, dict[str, dict]]:
    """(top-level settings, default_map per command) from `--config` or ./cctool.toml.

    Layout: top-level `log_file`, `wait`; a `[defaults]` table applied to every command; one
    table per command (`[attendance-audit]`) whose keys are that command's option names.
    Paths may hold `{month}`, `{quarter}`, `{date}` or `{period}`, filled in once the period is known;
    unknown sections and keys, and values of the wrong type, are usage errors (exit 2).
    """
    path = explicit or Path(CONFIG_NAME)
    if not path.exists():
        if explicit:
            raise CctoolError(f"{path}: config file not found")
        return {}, {}
    doc = _toml_load(path)
    if commands is not None:
        check_config(path, doc, commands)
    _check_top(path, doc)
    base = path.parent
    top = {k: v for k, v in doc.items() if not isinstance(v, dict)}
    unknown = set(top) - set(TOP_SETTINGS)
    if unknown:
        raise CctoolError(f"{path}: unknown top-level setting(s): {', '.join(sorted(unknown))} "
                          "(allowed: log_file, wait, [defaults], [<command>])")
    if "log_file" in top:
        top["log_file"] = str(_relative_to(base, top["log_file"]))
    defaults = {_param_key(k): _resolve(base, v) for k, v in doc.get("defaults", {}).items()}
    per_command = {}
    for name, table in doc.items():
        if isinstance(table, dict) and name != "defaults":
            per_command[name] = {**defaults, **{_param_key(k): _resolve(base, v) for k, v in table.items()}}
    per_command["__defaults__"] = defaults
    return top, per_command


def _relative_to(base: Path, value: str) -> Path:
    p = Path(value)
    return p if p.is_absolute() else base / p


def _resolve(base: Path, value):
    """Relative paths in the config are relative to the config file, not the cron job's cwd
    (a URL such as s3a://lake/calls is not a path)."""
    if isinstance(value, str) and "://" in value:
        return value
    if isinstance(value, str) and ("/" in value or "\\" in value or re.search(r"\.(xlsx|csv|parquet|json|ya?ml|txt|md)$",
                                                                              value)):
        return str(_relative_to(base, value))
    return value


def default_map(per_command: dict[str, dict], commands: list[str]) -> dict:
    defaults = per_command.get("__defaults__", {})
    return {name: per_command.get(name, defaults) for name in commands}


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def fill(value: Path | None, **period) -> Path | None:
    """Expand {month}/{quarter}/{date}/{period} in a path from the config (or the command line).

    Plain name substitution, not str.format: `{month.__class__}` or `{0}` is refused, never
    evaluated (a config file is data)."""
    if value is None or "{" not in str(value):
        return value
    text = str(value)
    known = {k: v for k, v in period.items() if k in PLACEHOLDERS}

    def one(match: re.Match) -> str:
        name = match.group(1)
        if name not in known:
            allowed = ", ".join("{" + k + "}" for k in known) or "none"
            kind = "is not a placeholder" if name not in PLACEHOLDERS else "is not known to this command"
            raise CctoolError(f"{text}: {{{name}}} {kind}; this command fills {allowed}")
        return str(known[name])

    filled = _PLACEHOLDER.sub(one, text)
    if "{" in filled or "}" in filled:
        raise CctoolError(f"{text}: unbalanced braces in the path pattern")
    return Path(filled)


# ----------------------------------------------------------------------------- one run

@dataclass
class RunRecord:
    command: str
    period: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    stack: contextlib.ExitStack | None = None
    locked: set[str] = field(default_factory=set)
    made: list = field(default_factory=list)  # (output, its lock file, folders made for it)

    def lock(self, *outputs: Path | None) -> None:
        """Hold the lock of each output until the run ends (a second run waits or stops). Each
        path is locked once: a second flock on the same file from this process would block."""
        for out in outputs:
            if out is None:
                continue
            key = os.path.normcase(os.path.abspath(out))
            if key not in self.locked:
                self.stack.enter_context(output_lock(out, State.wait, self.made))
                self.locked.add(key)

    def tidy(self) -> None:
        """After the locks are released: folders this run made for outputs it did not write go
        again, with the lock files in them (a failed run leaves nothing new behind)."""
        from cctool.report.files import remove_empty

        folders = {folder for _, _, created in self.made for folder in created}
        for out, lock_file, _ in self.made:
            if lock_file.parent in folders and not out.exists():
                lock_file.unlink(missing_ok=True)
        for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
            remove_empty([folder])


def _log_line(rec: RunRecord, code: int, seconds: float) -> None:
    if not State.log_file:
        return
    result = "ok" if code == ExitCode.OK else ("findings" if code == ExitCode.FINDINGS else f"error {int(code)}")
    counts = " ".join(f"{k}={v}" for k, v in rec.counts.items())
    line = (f"{dt.datetime.now().astimezone().isoformat(timespec='seconds')}\t{rec.command}\t{rec.period or '-'}\t"
            f"{seconds:.1f}s\t{result}\t{counts}\n")
    try:
        path = Path(State.log_file)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(line)
    except OSError as exc:
        err_console.print(f"Warning: cannot append to the log file {user(State.log_file)}: {user(exc.strerror)}")


@contextlib.contextmanager
def output_lock(out: Path | None, wait: float, made: list | None = None):
    """Hold a lock beside the report so a second run on the same output waits or stops. Folders
    made for it are removed at release if the report was not written, or, with `made`, recorded
    there for the caller to remove once every lock of the run is released."""
    if out is None:
        yield
        return
    from filelock import FileLock, Timeout

    from cctool.errors import OutputError
    from cctool.report.files import check_target, make_folders, reason, remove_empty

    out = Path(out)
    check_target(out)  # a path no run could write stops now (exit 5), not after the work
    created = make_folders(out.parent)
    lock_file = out.parent / f".{out.name}.lock"
    lock = FileLock(str(lock_file))
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise LockedError(f"{out}: another cctool run is writing this report right now; "
                          f"try again later, or pass --wait SECONDS to wait for it") from None
    except OSError as exc:
        # e.g. a symlink planted at the lock path: filelock (>= 3.20.1) refuses to follow it
        # rather than truncate its target
        remove_empty(created)
        raise OutputError(f"{out}: cannot create the lock file {lock_file} ({reason(exc, lock_file)})") from None
    if made is not None:
        made.append((out, lock_file, created))
    try:
        yield
    finally:
        lock.release()
        if made is None and created and not out.exists():  # a failed run leaves no folder it made behind
            lock_file.unlink(missing_ok=True)
            remove_empty(created)


@contextlib.contextmanager
def report_run(command: str, out: Path | None = None):
    """guard() + the output lock + a log line with duration, result and counts (never pay)."""
    rec = RunRecord(command)
    started = time.monotonic()
    code = 0
    try:
        with guard(), contextlib.ExitStack() as stack:
            stack.callback(rec.tidy)  # runs last, after every lock is released
            rec.stack = stack
            rec.lock(out)
            yield rec
    except typer.Exit as exc:
        code = exc.exit_code or ExitCode.OK
        raise
    except BaseException:
        code = ExitCode.INTERNAL
        raise
    finally:
        _log_line(rec, code, time.monotonic() - started)


@contextlib.contextmanager
def step(text: str, total: int | None = None):
    """One line of the progress display for a person at a terminal (spinner, counts, elapsed
    time; cctool.cli.progress); nothing at all for cron or with --quiet."""
    from cctool.progress import task

    with task(text.rstrip("…"), total) as shown:
        yield shown
