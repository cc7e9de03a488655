"""Checks an .xlsx before any reader opens it: a hostile or broken workbook stops the run with
exit 3 and the file named, instead of exhausting memory or crashing a parser.

- the uncompressed sizes in the zip directory, against `limits.xlsx_max_uncompressed_bytes`
  (a zip bomb); a member whose data does not match its declared size fails the zip's own
  CRC/size check later (`testzip`), so the directory cannot lie its way past this;
- a DTD (`<!DOCTYPE`) in any XML part: entity expansion and external entities have no place in
  a spreadsheet;
- every worksheet's size: the declared `<dimension ref="A1:XFD1048576">` and the cell
  references actually present, against `limits.xlsx_max_rows` / `xlsx_max_columns` (a 9 KB
  file with one cell at XFD1048576 makes a grid reader allocate hundreds of GB).

Each member is read as a stream in fixed-size chunks: memory stays bounded whatever the file.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from cctool.errors import InputError
from cctool.rules.model import Limits

CHUNK = 1 << 20
PROLOG_MAX = 64 * 1024  # an XML part whose root element starts later than this is not a spreadsheet's
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ROOT = re.compile(rb"<[A-Za-z_]")  # the first start tag: the prolog (where a DTD lives) ends here
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s[^>]*?ref=\"([^\"]+)\"")
_CELL_REF = re.compile(rb"\sr=\"([A-Z]{1,4})([0-9]{1,8})\"")
_ROW_REF = re.compile(rb"<(?:\w+:)?row\s[^>]*?r=\"([0-9]{1,8})\"")
_A1 = re.compile(r"^\$?([A-Za-z]{1,4})\$?([0-9]{1,8})$")


def column_number(letters: str) -> int:
    """'A' -> 1, 'Z' -> 26, 'AA' -> 27, 'XFD' -> 16384."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def _ref_extent(ref: str) -> tuple[int, int] | None:
    """(rows, columns) a dimension ref like 'A1:XFD1048576' or 'C7' spans from A1."""
    last = ref.split(":")[-1].strip()
    m = _A1.match(last)
    if not m:
        return None
    return int(m.group(2)), column_number(m.group(1))


# Workbooks already checked, by (path, size, mtime, limits): the layout adapters open a file
# several times (sheet names, a peek at each sheet, the read), and a scan is a full pass.
_PASSED: set[tuple] = set()


def check_workbook(path: Path, limits: Limits | None = None) -> None:
    """`check_xlsx` for a file given as a workbook, when it is a zip (.xlsx/.xlsm); an old .xls
    (OLE) or anything else is left to the reader's own checks. Each version of a file is
    scanned once per limits."""
    try:
        with open(path, "rb") as fh:
            if fh.read(4) != b"PK\x03\x04":
                return
        stat = path.stat()
    except OSError:
        return  # missing or unreadable: the reader says so with the file named
    limits = limits or Limits()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, limits)
    if key not in _PASSED:
        check_xlsx(path, limits)
        _PASSED.add(key)


def check_xlsx(path: Path, limits: Limits) -> None:
    """Raise InputError (exit 3) when the workbook at `path` breaks a limit or holds a DTD."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_sizes(path, infos, limits)
            for info in infos:
                name = info.filename
                if info.is_dir() or not name.lower().endswith((".xml", ".rels", ".vml")):
                    continue
                with zf.open(info) as member:
                    is_sheet = name.lower().startswith("xl/worksheets/")
                    _scan_member(path, name, member, limits, is_sheet)
    except zipfile.BadZipFile:
        raise InputError(f"{path}: the workbook is damaged or truncated; export it again") from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError) as exc:
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression method
        raise InputError(f"{path}: cannot open the workbook ({exc})") from None


def _check_sizes(path: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    total = sum(i.file_size for i in infos)
    cap = limits.xlsx_max_uncompressed_bytes
    if total > cap:
        raise InputError(f"{path}: the workbook unpacks to {total:,} bytes, more than the limit of {cap:,} "
                         "(limits.xlsx_max_uncompressed_bytes in the rules file); refused without reading it. "
                         "Export the data as CSV, or raise the limit if the file is genuine.")


def _scan_member(path: Path, name: str, member, limits: Limits, is_sheet: bool) -> None:
    """One streaming pass over an XML part: DTD in the prolog; for a sheet, its size."""
    tail = b""
    seen = 0
    in_prolog = True
    max_row = max_col = 0
    while True:
        chunk = member.read(CHUNK)
        if not chunk:
            break
        data = tail + chunk
        if in_prolog:
            root = _ROOT.search(data)
            prolog = data if root is None else data[:root.start()]
            if _DOCTYPE.search(prolog) or _DOCTYPE.search(_utf16_to_bytes(prolog)):
                raise InputError(f"{path}: part {name} declares a DTD (<!DOCTYPE ...>); a spreadsheet never "
                                 "needs one and it can hide entity attacks. Open the file in Excel and save it "
                                 "again, or export it as CSV.")
            if root is not None:
                in_prolog = False
            elif seen + len(chunk) > PROLOG_MAX:
                raise InputError(f"{path}: part {name} has no XML content in its first {PROLOG_MAX:,} bytes; "
                                 "not a workbook that can be read safely")
        if not is_sheet:
            if not in_prolog:
                return  # only the prolog matters outside the worksheets
        else:
            rows, cols = _sheet_extent(data)
            max_row, max_col = max(max_row, rows), max(max_col, cols)
            _check_extent(path, name, max_row, max_col, limits)
        seen += len(chunk)
        tail = data[-256:]  # a reference cut by the chunk boundary is found in the next round


def _sheet_extent(data: bytes) -> tuple[int, int]:
    rows = cols = 0
    for m in _DIMENSION.finditer(data):
        extent = _ref_extent(m.group(1).decode("ascii", "replace"))
        if extent is not None:
            rows, cols = max(rows, extent[0]), max(cols, extent[1])
    # The largest of each distinct reference, not a conversion per cell (a roster has ~10^5 cells
    # and a dozen distinct columns).
    cells = _CELL_REF.findall(data)
    if cells:
        rows = max(rows, max(map(int, {digits for _, digits in cells})))
        cols = max(cols, max(column_number(letters.decode("ascii")) for letters in {c for c, _ in cells}))
    row_refs = _ROW_REF.findall(data)
    if row_refs:
        rows = max(rows, max(map(int, set(row_refs))))
    return rows, cols


def _check_extent(path: Path, name: str, rows: int, cols: int, limits: Limits) -> None:
    if rows > limits.xlsx_max_rows:
        raise InputError(f"{path}: sheet part {name} reaches row {rows:,}, more than the limit of "
                         f"{limits.xlsx_max_rows:,} rows (limits.xlsx_max_rows in the rules file); refused "
                         "without reading it. Delete the stray cells far below the data, or export as CSV.")
    if cols > limits.xlsx_max_columns:
        raise InputError(f"{path}: sheet part {name} reaches column {cols:,}, more than the limit of "
                         f"{limits.xlsx_max_columns:,} columns (limits.xlsx_max_columns in the rules file); "
                         "refused without reading it. Delete the stray cells far to the right of the data.")


def _utf16_to_bytes(prolog: bytes) -> bytes:
    """A UTF-16 part spells `<!DOCTYPE` with NUL bytes between the letters; drop them to look."""
    return prolog.replace(b"\x00", b"") if b"\x00" in prolog[:4] else b""
