"""Keep freed NumPy temporaries in the process on Linux, so stacked sweeps don't page-fault.

glibc returns large freed blocks to the system and maps them again on the next
allocation; a sweep allocates megabyte-sized temporaries every iteration, and that
round trip can double its run time. Raising the thresholds keeps them in the heap.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

__all__ = ["keep_freed_memory"]

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def keep_freed_memory(mmap_threshold: int = 64 << 20, trim_threshold: int = 128 << 20) -> bool:
    """Tell glibc's malloc to keep freed blocks up to these sizes; True if it took effect."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, mmap_threshold)) and bool(
        mallopt(_M_TRIM_THRESHOLD, trim_threshold)
    )
