"""The server's memory settings (gme.runtime): applied by app.py, once, safely."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pyarrow

from gme import runtime

ROOT = Path(__file__).resolve().parents[2]
ON_GLIBC = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"


def test_limit_memory_switches_pyarrow_to_the_system_allocator():
    applied = runtime.limit_memory()
    assert applied["arrow_pool"] == "system"
    assert pyarrow.default_memory_pool().backend_name == "system"
    assert runtime.limit_memory() is applied  # once per process


def test_malloc_thresholds_are_fixed_on_glibc_and_skipped_elsewhere():
    expected = runtime.THRESHOLD if ON_GLIBC else None
    assert runtime.limit_memory()["malloc_threshold"] == expected


def test_app_applies_the_settings_before_any_page_runs():
    """In a fresh interpreter (pyarrow's pool starts as mimalloc there), one run of
    app.py under AppTest leaves pyarrow on the system allocator."""
    script = (
        "import pyarrow\n"
        "before = pyarrow.default_memory_pool().backend_name\n"
        "from streamlit.testing.v1 import AppTest\n"
        "at = AppTest.from_file('app.py', default_timeout=60).run()\n"
        "assert not at.exception, at.exception\n"
        "print(before, pyarrow.default_memory_pool().backend_name)\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, text=True,
                            capture_output=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    before, after = result.stdout.split()[-2:]
    assert before != "system"  # otherwise this test could not fail
    assert after == "system"
