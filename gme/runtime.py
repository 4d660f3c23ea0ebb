"""Process-wide memory settings for the server, applied once by ``app.py``.

Two allocator defaults make a long-running Streamlit server hold memory it no
longer uses (measured with 20 sessions on 100,000 programs; docs/PERFORMANCE.md):

- glibc malloc starts serving large blocks (128 KiB and up) with ``mmap``, so
  they go back to the system when freed, but each time such a block is freed it
  raises that threshold (up to 32 MiB), and from then on those blocks come from
  the heaps of Streamlit's many threads, which keep them. Setting the threshold
  (and the heap-trim threshold) explicitly keeps both at 128 KiB.
- pyarrow, which holds pandas' text columns, allocates from mimalloc, which
  keeps freed pages for reuse; the system allocator returns them.

Both are settings, not code paths: results are the same either way. Elsewhere
(macOS, Windows, musl) the malloc settings do not exist and are skipped.
The environment variables MALLOC_MMAP_THRESHOLD_=131072, MALLOC_TRIM_THRESHOLD_=
131072 and ARROW_DEFAULT_MEMORY_POOL=system do the same from outside.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import platform

import pyarrow

THRESHOLD = 128 * 1024  # glibc's own starting value, kept fixed
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # from glibc's malloc.h


@functools.cache
def limit_memory() -> dict[str, object]:
    """Apply the settings once per process; what was set, for tests and logs."""
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    return {"arrow_pool": pyarrow.default_memory_pool().backend_name,
            "malloc_threshold": _fix_malloc_thresholds(THRESHOLD)}


def _fix_malloc_thresholds(size: int) -> int | None:
    """glibc's mmap and trim thresholds fixed at ``size`` bytes; None if not glibc."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    applied = [libc.mallopt(option, size) == 1
               for option in (_M_MMAP_THRESHOLD, _M_TRIM_THRESHOLD)]
    return size if all(applied) else None
