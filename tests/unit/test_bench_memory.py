"""The benchmark's memory reading splits the RSS into what it is made of.

Peak RSS is one of the issue's targets, and a run on a freshly installed
environment once measured 50 MB more than the same code elsewhere, all of it
file-backed pages of the shared libraries (docs/PERFORMANCE.md, "Server"). So
``bench.server.tree_memory_mb`` reports the anonymous and file-backed parts
beside VmHWM and VmRSS; these tests hold it to a process whose memory is known.
``bench.server.library_pages_mb``, the page cache's yardstick, reads only the
file-backed pages of a process that imports given modules; its tests hold it to
modules that allocate memory or print numbers, and to one that fails to import.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.server import library_pages_mb, status_kib, tree_memory_mb

STATUS = Path("/proc/self/status")
pytestmark = pytest.mark.skipif(
    not STATUS.exists() or "RssAnon:" not in STATUS.read_text(),
    reason="reads RssAnon and RssFile from /proc/<pid>/status (Linux 4.5+)")

HOLD_MB = 64


@pytest.fixture()
def holder():
    """A child Python process holding HOLD_MB of its own, touched memory."""
    code = (f"import time; x = bytearray({HOLD_MB} * 1024 * 1024); "
            "x[::4096] = b'x' * len(x[::4096]); print('ready', flush=True); "
            "time.sleep(60)")
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                          text=True) as process:
        try:
            assert process.stdout.readline().strip() == "ready"
            yield process
        finally:
            process.kill()


def test_memory_splits_rss_into_anonymous_and_file_backed(holder):
    mb = tree_memory_mb(holder.pid)
    assert set(mb) == {"peak_mb", "rss_mb", "anon_mb", "file_mb"}
    swapped = status_kib(holder.pid).get("VmSwap", 0) / 1024  # not in RssAnon
    assert HOLD_MB - 8 <= mb["anon_mb"] + swapped < HOLD_MB + 40  # + Python
    assert 0 < mb["file_mb"] < mb["anon_mb"]  # the interpreter's mapped files
    # The kernel's VmRSS is RssAnon + RssFile + RssShmem (none here).
    assert mb["rss_mb"] == pytest.approx(mb["anon_mb"] + mb["file_mb"], abs=0.01)


def test_memory_of_a_process_that_is_gone_is_empty(holder):
    holder.kill()
    holder.wait()
    assert tree_memory_mb(holder.pid) == {}


def test_library_yardstick_counts_the_pages_its_imports_map():
    bare = library_pages_mb(())
    with_libraries = library_pages_mb()
    assert bare is not None and with_libraries is not None
    assert 0 < bare < 40  # the interpreter alone
    # pyarrow, DuckDB and numpy alone are tens of MB of code; some of it is mapped
    assert with_libraries > bare + 20


@pytest.fixture()
def modules(tmp_path):
    """A folder of modules for the yardstick's process to import."""
    (tmp_path / "holds_memory.py").write_text(
        f"x = bytearray({HOLD_MB} * 1024 * 1024)\n"
        "x[::4096] = b'x' * len(x[::4096])\n")
    (tmp_path / "prints_numbers.py").write_text(
        "import atexit\nprint(12345)\natexit.register(print, 67890)\n")
    return (str(tmp_path),)


def test_library_yardstick_counts_file_pages_only(modules):
    bare = library_pages_mb((), modules)
    holding = library_pages_mb(("holds_memory",), modules)
    assert bare is not None and holding is not None
    assert abs(holding - bare) < 4  # its own 64 MB are anonymous, not counted


def test_library_yardstick_ignores_what_its_imports_print(modules):
    bare = library_pages_mb((), modules)
    printing = library_pages_mb(("prints_numbers",), modules)
    assert printing is not None and abs(printing - bare) < 4  # not 12345 or 67890 kB


def test_library_yardstick_fails_loudly_when_an_import_fails():
    with pytest.raises(RuntimeError, match="no_such_module_for_the_bench"):
        library_pages_mb(("no_such_module_for_the_bench",))
