"""Keeping freed memory in the process while a round of files is read with numpy.

A round's numpy pass (``webanno_columns.read_many``) makes temporaries of a few hundred
kilobytes. glibc's allocator gives each such block pages of their own (``mmap``) or returns
the top of its heap to the system once they are freed, so the next pass touches fresh pages
again: tens of thousands of page faults over a corpus, a tenth of the import's CPU time. Raising
the two thresholds keeps up to a few tens of megabytes of freed memory for the next pass.
Elsewhere than glibc (macOS, Windows, musl) nothing is changed.
"""
from __future__ import annotations

import ctypes
import sys

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)
_KEPT = 32 * 1024 * 1024  # freed memory at the heap's top kept for reuse
_OWN_PAGES = 16 * 1024 * 1024  # blocks from this size up still get pages of their own
_done = False


def keep_freed_memory() -> None:
    """Raise glibc's trim and mmap thresholds for this process, once; nothing elsewhere."""
    global _done
    if _done:
        return
    _done = True
    if not sys.platform.startswith("linux"):
        return
    try:
        # The symbols already loaded into the process, libc's among them: find_library("c")
        # would run ldconfig in a child process (~6 ms) to find the same library.
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc
        return
    mallopt(_M_MMAP_THRESHOLD, _OWN_PAGES)
    mallopt(_M_TRIM_THRESHOLD, _KEPT)
