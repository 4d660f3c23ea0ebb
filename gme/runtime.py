"""Process-wide settings for the server, applied once by ``app.py``.

Memory (``limit_memory``) and replies without a delayed-ACK stall
(``reply_without_delay``).

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

``streamlit run`` (1.67) binds its listening socket itself, in a form for which
asyncio does not set ``TCP_NODELAY`` on the connections it accepts. On a
keep-alive connection every reply after the first then waits for the browser's
delayed ACK: about 44 ms a request, and a first visit fetches about 100
JavaScript files (docs/DEPLOYMENT.md). On Linux a connection inherits
``TCP_NODELAY`` from its listening socket, so setting it there once fixes every
connection accepted afterwards. The connections of the very first visit, opened
before this code first runs, keep the stall. uvicorn (``asgi.py``) sets the
option itself; setting it again changes nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import platform
import socket
import stat

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


@functools.cache
def reply_without_delay() -> int:
    """``TCP_NODELAY`` on this process's listening TCP sockets, once per process;
    how many were set (0 where ``/proc/self/fd`` does not exist)."""
    return _no_delay_on_listeners()


def _no_delay_on_listeners() -> int:
    try:
        descriptors = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return 0
    return sum(_set_no_delay(fd) for fd in descriptors)


def _set_no_delay(fd: int) -> bool:
    """Set ``TCP_NODELAY`` if ``fd`` is a listening TCP socket; whether it was."""
    try:
        if not stat.S_ISSOCK(os.fstat(fd).st_mode):
            return False
        duplicate = os.dup(fd)
    except OSError:  # closed meanwhile
        return False
    try:  # family and type are read from the socket itself
        sock = socket.socket(fileno=duplicate)
    except OSError:
        os.close(duplicate)
        return False
    with sock:  # closes the duplicate only; options belong to the shared socket
        try:
            if (sock.family not in (socket.AF_INET, socket.AF_INET6)
                    or sock.type != socket.SOCK_STREAM
                    or not sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)):
                return False
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            return False
        return True
