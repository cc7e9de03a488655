"""All or nothing on disk: every file a run writes is committed together.

A run hands `commit` all its outputs (workbook, JSON, each split payroll file). Each is written
to a temporary file in its own folder (`.NAME.cctool-tmp-<pid>`, created owner-only) and synced;
only when every one is complete are they renamed into place. If anything fails — a folder that
cannot be made, a file where a folder should be, a folder at the path, a name too long, a full
disk, a rename refused because the file is open in Excel — every temporary file is removed, a
report already renamed in this run is put back as it was, folders made for the run are removed,
and the error (exit 5) names the path and the reason. Temporary files left by a run that was
killed are recognised by their name and removed by the next run on the same output.
"""
from __future__ import annotations

import errno
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Sequence

from cctool.errors import CctoolError, OutputError
from cctool.progress import task

TEMP_TAG = ".cctool-tmp-"  # .NAME.cctool-tmp-<pid>: a file being written
BACKUP_TAG = ".cctool-old-"  # .NAME.cctool-old-<pid>: the previous report, kept until the run has committed
# Bytes a name needs on top of its own for the temporary (".", tag, pid) and lock (".", ".lock") files.
_NAME_RESERVE = 1 + len(TEMP_TAG) + 10


@dataclass(frozen=True)
class Output:
    """One file of a run: `write` puts its whole content into an open binary file."""

    path: Path
    write: Callable[[BinaryIO], None] | None = None
    produce: Callable[[Path], None] | None = None  # older form: writes to a path (kept for atomic_write)
    confidential: bool = False  # owner-only (PAY-CONFIDENTIAL)


def bytes_output(path: Path, data: bytes, *, confidential: bool = False) -> Output:
    return Output(Path(path), write=lambda fh: fh.write(data), confidential=confidential)


def text_output(path: Path, text: str, *, confidential: bool = False) -> Output:
    """UTF-8 text with \\n line ends, whatever the platform."""
    return bytes_output(path, text.encode("utf-8"), confidential=confidential)


# ----------------------------------------------------------------------------- reasons

def reason(exc: OSError, path: Path) -> str:
    """What went wrong, in words a user can act on (never the content being written)."""
    code = exc.errno
    folder = _folder(path)
    if code == errno.ENOENT:
        return f"the folder {folder} does not exist"
    if code == errno.ENOTDIR:
        return f"a file stands where a folder should be ({_blocking_file(folder) or folder})"
    if code == errno.EISDIR:
        return f"{path} is a folder"
    if code in (errno.EACCES, errno.EPERM):
        return f"permission denied: the folder {folder} is not writable, or the file is open in another program " \
               "(Excel?)"
    if code == errno.ENAMETOOLONG:
        return "the file name is too long for this file system"
    if code == errno.ENOSPC:
        return "the disk is full"
    if code == getattr(errno, "EDQUOT", -1):
        return "the disk quota is exceeded"
    if code == errno.EROFS:
        return "the file system is read-only"
    return exc.strerror or errno.errorcode.get(code or 0, "unknown error")


def _folder(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def _blocking_file(folder: Path) -> Path | None:
    """The first part of `folder` that exists but is not a folder."""
    for part in [*reversed(folder.parents), folder]:
        if part.exists() and not part.is_dir():
            return part
    return None


def _name_max(folder: Path) -> int:
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        return os.pathconf(probe, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):  # not every platform answers; 255 is near universal
        return 255


def check_target(path: Path) -> None:
    """Refuse early (exit 5) a path no run could write: a folder at the path, a file where a folder
    should be, a name too long for the file system once the temporary and lock suffixes are added,
    or a folder that exists but cannot be written to."""
    path = Path(path)
    try:
        _check_target(path, _folder(path))
    except OSError as exc:
        # stat() itself can fail: a name (of the file or of a folder on the way) over the file
        # system's limit is ENAMETOOLONG before anything is written
        raise OutputError(f"{path}: cannot write the report: {reason(exc, path)}") from None


def _check_target(path: Path, folder: Path) -> None:
    # the name is checked first: a name too long cannot even be looked at (stat fails)
    limit = _name_max(folder)
    if len(os.fsencode(path.name)) + _NAME_RESERVE > limit:
        raise OutputError(f"{path}: cannot write the report: the file name is too long "
                          f"({len(os.fsencode(path.name))} bytes; at most {limit - _NAME_RESERVE} here, "
                          "leaving room for cctool's temporary and lock files)")
    if path.is_dir():
        raise OutputError(f"{path}: cannot write the report: {path} is a folder")
    if path.exists() and not path.is_file():
        raise OutputError(f"{path}: cannot write the report: it exists and is not a regular file")
    blocking = _blocking_file(folder)
    if blocking is not None:
        raise OutputError(f"{path}: cannot write the report: a file stands where a folder should be ({blocking})")
    if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{path}: cannot write the report: the folder {folder} is not writable")


# ----------------------------------------------------------------------------- folders

def make_folders(folder: Path) -> list[Path]:
    """Create `folder` and its missing parents; return those created, deepest last."""
    folder = Path(folder) if str(folder) else Path(".")
    missing = [p for p in [*reversed(folder.parents), folder] if not p.exists()]
    for part in missing:
        try:
            part.mkdir()
        except FileExistsError:
            if not part.is_dir():
                raise OutputError(f"{folder}: cannot create the folder: a file stands where a folder should be "
                                  f"({part})") from None
        except OSError as exc:
            raise OutputError(f"{folder}: cannot create the folder ({reason(exc, part / 'x')})") from None
    return missing


def remove_empty(folders: Sequence[Path]) -> None:
    """Remove folders a failed run made, deepest first, where nothing else has appeared in them."""
    for folder in reversed(list(folders)):
        try:
            folder.rmdir()
        except OSError:
            return


# ----------------------------------------------------------------------------- temporary files

def temp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}{TEMP_TAG}{os.getpid()}")


def _backup_path(path: Path) -> Path:
    return path.with_name(f".{path.name}{BACKUP_TAG}{os.getpid()}")


def _leftover_pattern(name: str) -> re.Pattern:
    # Ours (tmp and old, any pid) and those of cctool before this module (mkstemp: .NAME.xxxxxxxx.tmp).
    return re.compile(rf"\.{re.escape(name)}(?:(?:{re.escape(TEMP_TAG)}|{re.escape(BACKUP_TAG)})(\d+)"
                      rf"|\.[a-z0-9_]{{8}}\.tmp)")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # ours from an earlier attempt in this process: stale
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def remove_leftovers(path: Path) -> list[Path]:
    """Remove the temporary files a killed run left beside `path` (not those of a run still alive)."""
    path = Path(path)
    folder = _folder(path)
    if not folder.is_dir():
        return []
    pattern = _leftover_pattern(path.name)
    removed = []
    for entry in os.scandir(folder):
        match = pattern.fullmatch(entry.name)
        if match is None or not entry.is_file(follow_symlinks=False):
            continue
        if match.group(1) and _alive(int(match.group(1))):
            continue
        try:
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except FileNotFoundError:
            pass
    return removed


def final_mode(confidential: bool) -> int:
    if confidential:
        return 0o600
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _open_temp(tmp: Path) -> BinaryIO:
    """A new temporary file, owner-only while it is written (never an existing one: O_EXCL)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    return os.fdopen(os.open(tmp, flags, 0o600), "wb")


def _write_temp(output: Output, tmp: Path) -> None:
    with _open_temp(tmp) as fh:
        if output.write is not None:
            output.write(fh)
            fh.flush()
            os.fsync(fh.fileno())  # the data is on disk before the rename makes it the report
    if output.produce is not None:
        output.produce(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    os.chmod(tmp, final_mode(output.confidential))


def _keep_copy(path: Path, backup: Path) -> None:
    try:
        os.link(path, backup)  # no copy, no moment without a report at `path`
    except OSError:
        shutil.copy2(path, backup)  # file systems without hard links


def _swap_in(staged: list[tuple[Path, Output]], cursor: list) -> None:
    """Rename every temporary file onto its report; if one rename fails, undo those done."""
    done: list[tuple[Path, Path | None]] = []
    backups: list[Path] = []
    try:
        for tmp, output in staged:
            cursor[0] = output.path
            backup = None
            if os.path.lexists(output.path):
                backup = _backup_path(output.path)
                _keep_copy(output.path, backup)
                backups.append(backup)
            os.replace(tmp, output.path)
            done.append((output.path, backup))
    except BaseException:
        for path, backup in reversed(done):
            if backup is not None:
                os.replace(backup, path)
            else:
                path.unlink(missing_ok=True)
        raise
    finally:
        for backup in backups:
            backup.unlink(missing_ok=True)


def _check_distinct(outputs: Sequence[Output]) -> None:
    seen: dict[str, Path] = {}
    for output in outputs:
        key = os.path.normcase(os.path.abspath(output.path))
        if key in seen:
            raise CctoolError(f"{output.path}: two outputs of this run are the same file; give each its own name")
        seen[key] = output.path


def commit(outputs: Sequence[Output]) -> list[Path]:
    """Write every output, or none: see the module docstring. Returns the paths written."""
    outputs = [Output(Path(o.path), o.write, o.produce, o.confidential) for o in outputs]
    _check_distinct(outputs)
    for output in outputs:
        check_target(output.path)
    created: list[Path] = []
    staged: list[tuple[Path, Output]] = []
    cursor: list = [None]  # the output being worked on, for the message
    ok = False
    try:
        for output in outputs:
            cursor[0] = output.path
            created += make_folders(_folder(output.path))
            remove_leftovers(output.path)
        with task("Writing the reports", total=len(outputs)) as shown:
            for output in outputs:
                cursor[0] = output.path
                tmp = temp_path(output.path)
                staged.append((tmp, output))
                _write_temp(output, tmp)
                shown.advance()
        _swap_in(staged, cursor)
        ok = True
    except OSError as exc:
        where = cursor[0] or outputs[0].path
        raise OutputError(f"{where}: cannot write the report: {reason(exc, Path(where))}; "
                          "nothing was written") from None
    finally:
        for tmp, _ in staged:
            if not ok:
                tmp.unlink(missing_ok=True)
        if not ok:
            remove_empty(created)
    return [o.path for o in outputs]


def atomic_write(path: Path, produce: Callable[[Path], None], *, confidential: bool = False) -> None:
    """One file, written by `produce` to a temporary path, then moved into place (see `commit`)."""
    commit([Output(Path(path), produce=produce, confidential=confidential)])
