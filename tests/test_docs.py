"""The README is true and the repository stands alone (issue 12; like sqlite-utils'
tests/test_docs.py): every command and every option of the Typer app is in the README's command
table (with its choices), every exit code in the exit-code table, the example cctool.toml and
crontab are the tested files of examples/cron/ and name only real commands and options, the
README opens with the two copy-paste commands, and everything the README refers to is in the
repository (nothing points at a folder outside it)."""
from __future__ import annotations

import re
import subprocess
import sys
import typing
from enum import Enum
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from cctool.cli.main import app
from tests.cli_commands import all_commands
from cctool.errors import ExitCode

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The README text under `## title`, up to the next heading of that level."""
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, flags=re.M | re.S)
    assert m, f"README has no '## {title}' section"
    return m.group(1)


def code_spans(text: str) -> list[str]:
    return [s.replace("\\|", "|") for s in re.findall(r"`([^`\n]+)`", text)]


def options(cmd) -> list:
    return [p for p in cmd.params if p.param_type_name == "option" and "--help" not in p.opts]


def long_name(param) -> str:
    return next(o for o in param.opts if o.startswith("--"))


def choices(param) -> list[str] | None:
    ann = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    for a in (ann, *typing.get_args(ann)):
        if isinstance(a, type) and issubclass(a, Enum):
            return [m.value for m in a]
    return None


COMMANDS = all_commands()
IDS = [" ".join(p) for p, _ in COMMANDS]


def table_entries(path: list[str]) -> str:
    """What the command table says of one command: its code span(s) in the table's rows."""
    rows = [line for line in section("Commands").splitlines() if line.startswith("|")]
    head = "cctool " + " ".join(path)
    spans = [s for row in rows for s in code_spans(row) if s == head or s.startswith(head + " ")]
    assert spans, f"`{head}` is not in the README's command table"
    return " ".join(spans)


@pytest.mark.parametrize("path, cmd", COMMANDS, ids=IDS)
def test_every_command_and_option_is_in_the_command_table(path, cmd):
    entry = table_entries(path)
    for param in options(cmd):
        name = long_name(param)
        assert re.search(rf"{re.escape(name)}(?![\w-])", entry), f"`cctool {' '.join(path)}`: {name} missing"
        if choices(param):  # in the row, or once for all commands below the table (--punches-format)
            shown = f"{name} {'|'.join(choices(param))}"
            assert shown in entry or shown in code_spans(section("Commands")), \
                f"`cctool {' '.join(path)}`: {name} without its choices {'|'.join(choices(param))}"
    for param in cmd.params:
        if param.param_type_name == "argument":
            assert param.name.upper() in entry, f"`cctool {' '.join(path)}`: argument {param.name.upper()} missing"


def test_every_global_option_is_documented():
    text = section("Commands")
    start = text.index("Global options")
    globals_ = text[start:text.index("\n\n", start)]
    for param in options(get_command(app)):
        assert long_name(param) in globals_, f"global option {long_name(param)} missing"


def test_every_exit_code_is_in_the_exit_code_table():
    rows = re.findall(r"^\| (\d+) \|", section("Exit codes"), flags=re.M)
    assert sorted(map(int, rows)) == sorted(int(c) for c in ExitCode)


def _block(lang: str) -> str:
    m = re.search(rf"^```{lang}\n(.*?)^```", section("Running from cron"), flags=re.M | re.S)
    assert m, f"no ```{lang} block under 'Running from cron'"
    return m.group(1)


def test_the_cron_examples_are_the_tested_files():
    """tests/cli/test_cron_example.py runs these files; the README shows them as they are."""
    assert _block("toml") == (ROOT / "examples" / "cron" / "cctool.toml").read_text(encoding="utf-8")
    assert _block("crontab") == (ROOT / "examples" / "cron" / "crontab").read_text(encoding="utf-8")


def test_every_cctool_toml_key_names_a_real_command_and_option():
    import tomllib

    doc = tomllib.loads(_block("toml"))
    by_name = {" ".join(p): {long_name(o)[2:] for o in options(c)} for p, c in COMMANDS}
    every = set().union(*by_name.values())
    for key, value in doc.items():
        if not isinstance(value, dict):
            assert key in ("log_file", "wait"), key
            continue
        assert key == "defaults" or key in by_name, f"[{key}] is not a command"
        for option in value:
            valid = every if key == "defaults" else by_name[key]
            assert option.replace("_", "-") in valid, f"[{key}] {option} is not an option of that command"


def test_the_readme_opens_with_the_two_copy_paste_commands():
    blocks = re.findall(r"^```sh\n(.*?)^```", README, flags=re.M | re.S)
    run, tests = blocks[0].strip(), blocks[1].strip()
    setup = "python3 -m venv .venv && . .venv/bin/activate && pip install -q -e "
    assert run.startswith(setup + ". && cctool ") and "samples/" in run
    assert tests == setup + '".[test]" && python -m pytest -q'
    assert README.index(run) < README.index("## ")  # before the first section


def test_the_first_command_runs_on_the_samples(tmp_path, monkeypatch):
    run = re.findall(r"^```sh\n(.*?)^```", README, flags=re.M | re.S)[0].strip()
    words = run.split(" && cctool ", 1)[1].split()
    (tmp_path / "samples").symlink_to(ROOT / "samples")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, words, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    outs = [Path(words[i + 1]) for i, w in enumerate(words) if w in ("--out", "--json")]
    assert outs and all((tmp_path / p).stat().st_size > 0 for p in outs)


def _referenced_paths(text: str) -> set[str]:
    """Repository paths a text names: link targets and code spans like docs/POLICY.md."""
    found = {t for t in re.findall(r"\]\(([^)#\s]+)", text) if "://" not in t and not t.startswith("mailto:")}
    top = "|".join(p.name for p in ROOT.iterdir() if not p.name.startswith("."))
    for span in code_spans(text):
        for word in span.split():
            if re.fullmatch(rf"(?:{top})/[\w./-]*", word) and not re.search(r"[{}<>*]", word):
                found.add(word)
    return found


def test_everything_the_readme_names_is_in_the_repository():
    skip = {"out/", "reports/", "logs/", "exports/"}  # made by the commands the README shows
    missing = [p for p in sorted(_referenced_paths(README))
               if not any(p.startswith(s) for s in skip) and not (ROOT / p.rstrip("/")).exists()]
    assert not missing, f"README names files the repository does not have: {missing}"


def _tracked_text_files():
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in names:
        path = ROOT / name
        if path.suffix in (".py", ".md", ".toml", ".yaml", ".yml", ".txt", ".cfg", "") and path.is_file():
            yield name, path.read_text(encoding="utf-8", errors="replace")


def test_nothing_points_outside_the_repository():
    outside = re.compile(r"\.\./shared|/work/shared|/work/main")
    bad = [name for name, text in _tracked_text_files() if outside.search(text) and name != "tests/test_docs.py"]
    assert not bad, f"these files refer to files outside the repository: {bad}"


def test_no_test_is_skipped_for_want_of_a_file():
    skip_on_file = re.compile(r"skip(?:if)?\([^)]*(?:exists|is_file|is_dir)\(")
    bad = [name for name, text in _tracked_text_files() if name.startswith("tests/") and skip_on_file.search(text)]
    assert not bad, bad


def test_the_policy_coverage_script_runs():
    done = subprocess.run([sys.executable, "scripts/policy_coverage.py"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert re.search(r"\d+/\d+ rule IDs appear", done.stdout)
