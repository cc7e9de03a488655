"""The CLI follows the conventions (issue 12): every command's --help shows its choices, an
example that runs, and its exit codes; -h works; a value outside a choice is exit 2; shell
completion installs; long work reports progress to a listener and prints nothing when nobody
watches; exit codes come from one ExitCode; no command module imports the app (no circle)."""
from __future__ import annotations

import ast
import enum
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cctool import progress
from cctool.cli.main import app
from tests.cli_commands import all_commands
from cctool.errors import ExitCode

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "cctool" / "cli"
runner = CliRunner()


COMMANDS = all_commands()
IDS = [" ".join(p) for p, _ in COMMANDS]


def _choices_of(param):
    """The fixed values an option takes, or None. Typer records the Enum an option is typed
    with differently across the versions pyproject allows: newer ones keep the annotation
    (``type_descriptor``), older ones turn it into a click ``Choice`` of the values."""
    import typing

    ann = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    for a in (ann, *typing.get_args(ann)):
        if isinstance(a, type) and issubclass(a, enum.Enum):
            return [m.value for m in a]
    choices = getattr(getattr(param, "type", None), "choices", None)
    if choices:
        return [getattr(c, "value", c) for c in choices]
    return None


def _choice_options(cmd):
    """(option name, its choices) of every option whose values are a fixed list."""
    return [(p.opts[-1], _choices_of(p)) for p in cmd.params
            if p.param_type_name == "option" and _choices_of(p) is not None]


@pytest.mark.parametrize("path, cmd", COMMANDS, ids=IDS)
def test_help_shows_choices_an_example_and_the_exit_codes(path, cmd):
    result = runner.invoke(app, [*path, "-h"])
    assert result.exit_code == 0, result.output
    text = result.output
    for opt, choices in _choice_options(cmd):
        assert "|".join(choices) in text, f"{opt}: choices not shown"
    example = re.search(r"Examples?:\n\s+(cctool .*)", text)
    assert example and example.group(1).split()[1:1 + len(path)] == path, "no example of this very command"
    codes = re.findall(r"^\s+(\d+)\s{2}\S", text.split("Exit codes:")[1], flags=re.M)
    assert {"0", "2", "1"} <= set(codes) and all(int(c) in set(ExitCode) for c in codes)


def test_the_choices_the_help_needs_without_importing_pandas_are_the_layers_own():
    from cctool.cli import conventions as c
    from cctool.engine import ENGINES
    from cctool.io.inspect import INSPECTABLE
    from cctool.io.layouts import PUNCH_FORMATS
    from cctool.periods import PERIODS
    from cctool.policy.brief import FORMATS

    def values(e):
        return tuple(m.value for m in e)

    assert values(c.PeriodKind) == PERIODS and values(c.BriefFormat) == FORMATS
    assert values(c.PunchesFormat) == PUNCH_FORMATS and values(c.InspectTable) == INSPECTABLE
    assert values(c.Engine) == ENGINES


def test_enum_options_pass_plain_words_down():
    from cctool.cli.conventions import Lang, PunchesFormat

    assert f"{Lang.zh}" == "zh" and str(Lang.zh) == "zh" and Lang.zh == "zh" and {"zh": 1}[Lang.zh] == 1
    assert str(PunchesFormat.dingtalk_raw) == "dingtalk-raw"


@pytest.mark.parametrize("path, cmd", [c for c in COMMANDS if _choice_options(c[1])],
                         ids=[i for i, c in zip(IDS, COMMANDS) if _choice_options(c[1])])
def test_a_value_outside_a_choice_is_a_usage_error(path, cmd, tmp_path):
    for opt, choices in _choice_options(cmd):
        argument = [str(tmp_path / "x.csv")] if any(p.param_type_name == "argument" for p in cmd.params) else []
        result = runner.invoke(app, [*path, *argument, opt, "nonsense"])
        assert result.exit_code == ExitCode.USAGE, (opt, result.output)
        # click says "is not one of 'a', 'b'", or "is not 'a'" for a single choice
        assert f"Invalid value for '{opt}'" in result.output and "'nonsense' is not " in result.output
        assert f"'{choices[0]}'" in result.output
        assert not list(tmp_path.iterdir())


def test_dash_h_is_help_everywhere():
    for args in ([], ["rules"], ["samples"]):
        result = runner.invoke(app, [*args, "-h"])
        assert result.exit_code == 0 and "Usage:" in result.output, args


def test_shell_completion_installs_and_completes_choices():
    env = {**os.environ, "_CCTOOL_COMPLETE": "complete_bash", "COMP_WORDS": "cctool kpi-report --period ",
           "COMP_CWORD": "3"}
    script = Path(sys.executable).with_name("cctool")  # the installed entry point: completion keys on its name
    done = subprocess.run([str(script)], env=env, capture_output=True, text=True)
    assert done.stdout.split() == ["day", "week", "month"], done.stderr
    # The script `--install-completion` writes, asked for by name: `--show-completion` guesses the
    # shell from the parent process, which a CI runner or a cron job need not have.
    shown = subprocess.run([str(script)], env={**os.environ, "_CCTOOL_COMPLETE": "source_bash"},
                           capture_output=True, text=True)
    assert shown.returncode == 0 and "_CCTOOL_COMPLETE" in shown.stdout, shown.stderr
    assert "--install-completion" in runner.invoke(app, ["--help"]).output


# --------------------------------------------------------------------------- the examples run

def _example(path):
    text = runner.invoke(app, [*path, "--help"]).output
    return shlex.split(re.search(r"Examples?:\n\s+(cctool .*)", text).group(1))[1:]


@pytest.mark.parametrize("path", [["attendance-audit"], ["headcount"], ["daily-brief"], ["explain"], ["rules", "show"],
                                  ["rules", "validate"]], ids=str)
def test_the_help_example_runs_on_the_samples(path, tmp_path, monkeypatch):
    (tmp_path / "samples").symlink_to(ROOT / "samples")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "our-centre.yaml").write_text((ROOT / "rules" / "default.yaml").read_text(encoding="utf-8"),
                                                        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, _example(path), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    if path[0] in ("attendance-audit", "headcount"):
        assert list((tmp_path / "out").glob("*.xlsx"))


# --------------------------------------------------------------------------- progress

class Recorder:
    """A listener like the terminal's, keeping what it was told."""

    def __init__(self):
        self.tasks = []

    def __call__(self, description, total):
        import contextlib

        entry = {"description": description, "total": total, "advanced": 0, "note": None}
        self.tasks.append(entry)

        class Handle:
            def advance(self, n=1):
                entry["advanced"] += n

            def total(self, n):
                entry["total"] = n

            def note(self, text):
                entry["note"] = text

        return contextlib.nullcontext(Handle())


def test_long_work_reports_progress_with_counts(tmp_path, monkeypatch):
    import cctool.cli.progress as shown

    seen = Recorder()
    monkeypatch.setattr(shown, "install", lambda: progress.listen(seen))
    try:
        result = runner.invoke(app, ["attendance-audit", "--month", "2026-07", "--roster", str(ROOT / "samples/roster.xlsx"),
                                     "--schedule", str(ROOT / "samples/schedule.csv"), "--punches",
                                     str(ROOT / "samples/punches.csv"), "--out", str(tmp_path / "a.xlsx")],
                               catch_exceptions=False)
    finally:
        progress.listen(None)
    assert result.exit_code == 0, result.output
    by_name = {t["description"]: t for t in seen.tasks}
    assert by_name["Reading schedule schedule.csv"]["note"].endswith(" rows")
    assert any(d.startswith("Applying the attendance rules") for d in by_name)
    sheets = by_name["Writing the sheets of a.xlsx"]
    assert sheets["total"] == sheets["advanced"] >= 3  # the report's sheets, Errors and Run
    assert by_name["Writing the reports"]["advanced"] == 1


def test_samples_generate_counts_the_calls_it_writes(tmp_path):
    from cctool.samples.generate import generate_centre, write_centre

    seen = Recorder()
    progress.listen(seen)
    try:
        paths = write_centre(generate_centre(3, "2026-07", 1, 1), tmp_path, calls_format="csv")
    finally:
        progress.listen(None)
    calls = next(t for t in seen.tasks if t["description"].startswith("Writing the call log"))
    assert calls["advanced"] == calls["total"] > 0
    tables = next(t for t in seen.tasks if t["description"] == "Writing the sample tables")
    assert tables["advanced"] == tables["total"] == len(paths) - 1  # every table but the call log


def test_nothing_is_drawn_when_nobody_watches(tmp_path):
    """Under cron stderr is no terminal: the run prints its one line and no progress."""
    done = subprocess.run([sys.executable, "-m", "cctool", "headcount", "--month", "2026-07", "--roster",
                           str(ROOT / "samples/roster.xlsx"), "--out", str(tmp_path / "h.xlsx")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and "\x1b" not in done.stdout and "Reading" not in done.stdout


def test_the_terminal_display_draws_counts(monkeypatch):
    import io

    from rich.console import Console

    import cctool.cli.progress as shown

    console = Console(file=io.StringIO(), force_terminal=True, width=100)
    monkeypatch.setattr(shown, "err_console", console)
    bar = shown.RichProgress()
    with bar("Reading calls", None) as t:
        t.note("12,345 rows")
    with bar("Writing the sheets", 3) as t:
        t.advance(3)
    text = console.file.getvalue()
    assert "12,345 rows" in text and "Writing the sheets" in text and "✓" in text


# --------------------------------------------------------------------------- the code's shape

def test_exit_codes_are_named():
    assert [int(c) for c in ExitCode][:8] == list(range(8))
    bare = re.compile(r"(typer\.Exit|sys\.exit|abort)\([^)]*\b\d+\)|exit_code\s*=\s*\d|== ?[1-7]\b.*code")
    for path in [*CLI.glob("*.py"), ROOT / "cctool" / "errors.py"]:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not bare.search(line), f"{path.name}:{n}: a bare exit code: {line.strip()}"


def test_no_command_module_imports_the_app():
    for path in CLI.glob("*.py"):
        if path.name == "main.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "cctool.cli.main", f"{path.name} imports cctool.cli.main (an import circle)"
                assert not (node.module == "cctool.cli" and any(a.name == "main" for a in node.names)), path.name


def test_every_choice_option_is_an_enum():
    """A choice typed as str would show no choices and take any value."""
    for path, cmd in COMMANDS:
        for opt in ("--lang", "--format", "--split-by", "--fail-on", "--punches-format", "--table", "--period",
                    "--engine", "--calls-format"):
            param = next((p for p in cmd.params if opt in getattr(p, "opts", ())), None)
            if param is not None:
                assert _choices_of(param) is not None, f"{' '.join(path)} {opt} is not Enum-typed: shows no choices"


def test_every_command_reading_punches_can_force_their_layout():
    """A clock export is detected; where detection is unsure the user forces it, on every command."""
    for path, cmd in COMMANDS:
        names = {o for p in cmd.params for o in getattr(p, "opts", ())}
        if "--punches" in names:
            assert "--punches-format" in names, " ".join(path)


@pytest.mark.parametrize("args", [
    ["daily-brief", "--date", "2026-07-15", "--roster", "samples/roster.xlsx", "--calls", "samples/calls.parquet"],
    ["explain", "--agent", "E0011", "--month", "2026-07", "--roster", "samples/roster.xlsx",
     "--schedule", "samples/schedule.csv"],
    ["simulate", "--month", "2026-07", "--rules", "rules/default.yaml", "--roster", "samples/roster.xlsx",
     "--schedule", "samples/schedule.csv"],
], ids=["daily-brief", "explain", "simulate"])
def test_a_forced_punch_layout_is_applied(args, tmp_path):
    result = runner.invoke(app, [*args, "--punches", str(ROOT / "samples" / "punches.csv"),
                                 "--punches-format", "wecom-daily", "--out", str(tmp_path / "out.xlsx")])
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "does not look like WeCom" in result.output
    assert not [p for p in tmp_path.iterdir() if not p.name.endswith(".lock")]


def test_a_run_at_a_terminal_draws_progress_and_writes_the_report(tmp_path):
    """The progress display at a real terminal (a pseudo-terminal here): the run completes with
    its report. rich's live display enters the console as a context manager, which the console
    made on first use (cctool.cli.terminal._Console) must allow."""
    import pty

    master, slave = pty.openpty()
    out = tmp_path / "a.xlsx"
    proc = subprocess.Popen([sys.executable, "-m", "cctool", "attendance-audit", "--month", "2026-07", "--roster",
                             str(ROOT / "samples/roster.xlsx"), "--schedule", str(ROOT / "samples/schedule.csv"),
                             "--punches", str(ROOT / "samples/punches.csv"), "--out", str(out)],
                            stdin=slave, stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed: the run is over
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert proc.wait(timeout=300) == 0, seen.decode(errors="replace")[-2000:]
    text = seen.decode(errors="replace")
    assert "Internal error" not in text and "Wrote" in text and out.exists()
    assert "Applying the attendance rules" in text  # the progress display was drawn


@pytest.mark.parametrize("value, shown", [("", False), ("0", False), ("false", False), ("1", True), ("yes", True)])
def test_cctool_debug_0_keeps_details_hidden(monkeypatch, capsys, value, shown):
    # A bug's message may hold pay data: only a debug value that means "on" shows it.
    from cctool.cli import main

    def broken():
        raise ValueError("net 12,345.67 for E0001")

    monkeypatch.setattr(main, "app", broken)
    monkeypatch.setenv("CCTOOL_DEBUG", value)
    if shown:
        with pytest.raises(ValueError):
            main.run()
        return
    with pytest.raises(SystemExit) as exit_:
        main.run()
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "Internal error" in err and "ValueError" in err and "12,345.67" not in err
