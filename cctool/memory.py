"""Memory the program has let go of, given back to the operating system.

Frames freed in the middle of a run (a month's input tables, its classified shifts) go back to
the C allocator, not to the system: glibc keeps freed heap memory for later `malloc` calls, but
the report's Python strings come from Python's own arenas, so the freed gigabyte stays in the
process and adds to its peak. `malloc_trim` returns the free pages; Arrow's pool (Arrow-backed
text columns) is asked to do the same. Where neither exists (macOS, Windows, musl) nothing happens.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import sys


def return_freed_memory() -> None:
    """Give freed memory back to the operating system (see the module's docstring)."""
    if "pyarrow" in sys.modules:
        try:
            sys.modules["pyarrow"].default_memory_pool().release_unused()
        except AttributeError:  # a pyarrow without release_unused
            pass
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # not glibc
            pass
