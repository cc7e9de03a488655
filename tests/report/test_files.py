"""All or nothing on disk (issue 9 §6): `commit` writes every output of a run or none."""
from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from cctool.errors import CctoolError, OutputError
from cctool.report import files
from cctool.report.files import commit, text_output


class FullDisk:
    """A temporary file on a disk that fills up after `room` bytes (ENOSPC mid-write)."""

    def __init__(self, real, room: int):
        self.real, self.room = real, room

    def write(self, data):
        if len(data) > self.room:
            self.real.write(bytes(data[:self.room]))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(data)
        return self.real.write(data)

    def __getattr__(self, name):
        return getattr(self.real, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.real.close()


def fill_up_on(monkeypatch, name: str, room: int = 3):
    real_open = files._open_temp

    def opener(tmp: Path):
        fh = real_open(tmp)
        return FullDisk(fh, room) if tmp.name.startswith(f".{name}.") else fh

    monkeypatch.setattr(files, "_open_temp", opener)


def test_both_files_or_neither(tmp_path):
    paths = commit([text_output(tmp_path / "a.txt", "A\n"), text_output(tmp_path / "b.json", "{}\n")])
    assert paths == [tmp_path / "a.txt", tmp_path / "b.json"]
    assert (tmp_path / "a.txt").read_text() == "A\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.json"]


def test_disk_full_on_the_second_file_leaves_nothing_new(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("old report\n")
    fill_up_on(monkeypatch, "b.json")
    with pytest.raises(OutputError) as err:
        commit([text_output(tmp_path / "a.txt", "new report\n"), text_output(tmp_path / "b.json", "{\"x\": 1}\n")])
    assert str(tmp_path / "b.json") in str(err.value) and "disk is full" in str(err.value)
    assert err.value.exit_code == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]  # no b.json, no temporary file
    assert (tmp_path / "a.txt").read_text() == "old report\n"        # the old report is untouched


def test_a_refused_rename_puts_back_what_was_already_renamed(tmp_path, monkeypatch):
    # The second rename fails (a file open in Excel on Windows): the first report is restored.
    (tmp_path / "a.txt").write_text("old a\n")
    (tmp_path / "b.txt").write_text("old b\n")
    real_replace = os.replace

    def replace(src, dst):
        if Path(dst).name == "b.txt" and files.TEMP_TAG in Path(src).name:
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", replace)
    with pytest.raises(OutputError, match="b.txt.*permission denied"):
        commit([text_output(tmp_path / "a.txt", "new a\n"), text_output(tmp_path / "b.txt", "new b\n")])
    assert (tmp_path / "a.txt").read_text() == "old a\n" and (tmp_path / "b.txt").read_text() == "old b\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_a_failing_producer_leaves_no_temporary_file(tmp_path):
    def broken(fh):
        fh.write(b"half")
        raise ValueError("a bug")

    with pytest.raises(ValueError):
        commit([text_output(tmp_path / "a.txt", "A"), files.Output(tmp_path / "b.txt", write=broken)])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("make, target, words", [
    (lambda d: (d / "p.xlsx").mkdir(), "p.xlsx", "is a folder"),
    (lambda d: (d / "blocker").write_text("x"), "blocker/sub/p.xlsx", "a file stands where a folder should be"),
    (lambda d: None, "x" * 240 + ".xlsx", "file name is too long"),
])
def test_paths_no_run_could_write(tmp_path, make, target, words):
    make(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(OutputError, match=words) as err:
        commit([text_output(tmp_path / target, "A")])
    assert str(tmp_path / target) in str(err.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_permission_denied_names_the_folder(tmp_path, monkeypatch):
    def refuse(tmp):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp))

    monkeypatch.setattr(files, "_open_temp", refuse)
    with pytest.raises(OutputError, match="permission denied: the folder .* is not writable"):
        commit([text_output(tmp_path / "new" / "a.txt", "A")])
    assert list(tmp_path.iterdir()) == []  # the folder made for it is gone again


def test_missing_folders_are_made_and_removed_again_on_failure(tmp_path, monkeypatch):
    commit([text_output(tmp_path / "reports" / "2026-07" / "a.txt", "A")])
    assert (tmp_path / "reports" / "2026-07" / "a.txt").read_text() == "A"
    fill_up_on(monkeypatch, "b.txt")
    with pytest.raises(OutputError):
        commit([text_output(tmp_path / "other" / "b.txt", "B" * 100)])
    assert not (tmp_path / "other").exists()


def test_leftovers_of_a_killed_run_are_removed(tmp_path):
    dead = 2 ** 22 + 12345  # above Linux's pid_max default range: no such process
    for name in (f".a.txt{files.TEMP_TAG}{dead}", f".a.txt{files.BACKUP_TAG}{dead}", ".a.txt.k2j4_x9q.tmp",
                 f".a.txt{files.TEMP_TAG}{os.getppid()}", f".other.txt{files.TEMP_TAG}{dead}"):
        (tmp_path / name).write_text("half")
    commit([text_output(tmp_path / "a.txt", "A")])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["a.txt", f".a.txt{files.TEMP_TAG}{os.getppid()}",  # a live process's file is left alone
         f".other.txt{files.TEMP_TAG}{dead}"])                # another output's is not ours to remove


def test_confidential_files_are_owner_only_from_the_start(tmp_path, monkeypatch):
    modes = []
    real_open = files._open_temp

    def spy(tmp):
        fh = real_open(tmp)
        modes.append(os.stat(tmp).st_mode & 0o777)
        return fh

    monkeypatch.setattr(files, "_open_temp", spy)
    commit([text_output(tmp_path / "pay.json", "{}", confidential=True)])
    assert modes == [0o600] and os.stat(tmp_path / "pay.json").st_mode & 0o777 == 0o600


def test_two_outputs_on_one_path_are_refused(tmp_path):
    with pytest.raises(CctoolError, match="same file"):
        commit([text_output(tmp_path / "a.txt", "A"), text_output(tmp_path / "." / "a.txt", "B")])
    assert list(tmp_path.iterdir()) == []
