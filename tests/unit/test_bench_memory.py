"""The benchmark's memory reading splits the RSS into what it is made of.

Peak RSS is one of the issue's targets, and a run on a freshly installed
environment once measured 50 MB more than the same code elsewhere, all of it
file-backed pages of the shared libraries (docs/PERFORMANCE.md, "Server"). So
``AppProcess.memory_mb`` reports the anonymous and file-backed parts beside
VmHWM and VmRSS; these tests hold it to a process whose memory is known.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.server import AppProcess

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(),
                                reason="reads /proc/<pid>/status (Linux)")

HOLD_MB = 64


@pytest.fixture()
def holder():
    """A child Python process that holds HOLD_MB of its own, touched memory,
    wrapped as an AppProcess without starting a server."""
    code = (f"import sys, time; x = bytearray({HOLD_MB} * 1024 * 1024); "
            "x[::4096] = b'x' * len(x[::4096]); print('ready', flush=True); "
            "time.sleep(60)")
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                               text=True)
    try:
        assert process.stdout.readline().strip() == "ready"
        server = AppProcess.__new__(AppProcess)
        server.process = process
        yield server
    finally:
        process.kill()
        process.wait()


def test_memory_splits_rss_into_anonymous_and_file_backed(holder):
    mb = holder.memory_mb()
    assert set(mb) == {"peak_mb", "rss_mb", "anon_mb", "file_mb"}
    assert HOLD_MB <= mb["anon_mb"] < HOLD_MB + 40  # the bytearray, plus Python
    assert 0 < mb["file_mb"] < mb["anon_mb"]  # the interpreter's own mapped files
    # RSS is anonymous + file-backed + shared memory (none here), give or take
    # the moment each field was read.
    assert abs(mb["rss_mb"] - mb["anon_mb"] - mb["file_mb"]) < 2
    assert mb["peak_mb"] >= mb["rss_mb"] - 1


def test_memory_counts_nothing_once_the_process_is_gone(holder):
    holder.process.kill()
    holder.process.wait()
    time.sleep(0.1)
    assert holder.memory_mb() == dict.fromkeys(
        ("peak_mb", "rss_mb", "anon_mb", "file_mb"), 0)
