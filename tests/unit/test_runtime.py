"""The server's process settings (gme.runtime): applied by app.py, once, safely."""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
from pathlib import Path

import pyarrow
import pytest

from gme import runtime

ROOT = Path(__file__).resolve().parents[2]
ON_GLIBC = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"
HAS_PROC_FD = Path("/proc/self/fd").is_dir()


def no_delay(sock: socket.socket) -> bool:
    return bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))


def test_limit_memory_switches_pyarrow_to_the_system_allocator():
    applied = runtime.limit_memory()
    assert applied["arrow_pool"] == "system"
    assert pyarrow.default_memory_pool().backend_name == "system"
    assert runtime.limit_memory() is applied  # once per process


def test_malloc_thresholds_are_fixed_on_glibc_and_skipped_elsewhere():
    expected = runtime.THRESHOLD if ON_GLIBC else None
    assert runtime.limit_memory()["malloc_threshold"] == expected


@pytest.mark.skipif(not HAS_PROC_FD, reason="needs /proc/self/fd (Linux)")
def test_listening_tcp_sockets_get_no_delay_and_pass_it_on():
    """A listening TCP socket (IPv4 or IPv6) gets TCP_NODELAY, and so do the
    connections it accepts afterwards; a client socket and a Unix-domain listener
    are left alone, and no file descriptor is left open."""
    listeners = [socket.create_server(("127.0.0.1", 0))]
    if socket.has_ipv6:
        try:
            listeners.append(socket.create_server(("::1", 0),
                                                  family=socket.AF_INET6))
        except OSError:  # no IPv6 loopback on this machine
            pass
    unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    unix.bind(f"\0gme-runtime-test-{os.getpid()}")
    unix.listen()
    client = socket.create_connection(listeners[0].getsockname()[:2])
    accepted_before, _ = listeners[0].accept()
    try:
        assert not any(no_delay(sock) for sock in listeners)
        descriptors = len(os.listdir("/proc/self/fd"))
        assert runtime._no_delay_on_listeners() >= len(listeners)
        assert len(os.listdir("/proc/self/fd")) == descriptors
        assert all(no_delay(sock) for sock in listeners)
        for listener in listeners:
            with socket.create_connection(listener.getsockname()[:2]) as other:
                accepted, _ = listener.accept()
                with accepted:
                    assert no_delay(accepted)  # inherited from the listener
                assert not no_delay(other)  # the client side is not ours
        assert not no_delay(client)
        assert not no_delay(accepted_before)  # accepted earlier: unchanged
    finally:
        for sock in [*listeners, unix, client, accepted_before]:
            sock.close()


def test_reply_without_delay_runs_once():
    assert runtime.reply_without_delay() is runtime.reply_without_delay()


def test_app_applies_the_settings_before_any_page_runs():
    """In a fresh interpreter (pyarrow's pool starts as mimalloc there), one run of
    app.py under AppTest leaves pyarrow on the system allocator, and a listening
    socket opened before it passes TCP_NODELAY on to its connections."""
    script = (
        "import pyarrow, socket\n"
        "before = pyarrow.default_memory_pool().backend_name\n"
        "listener = socket.create_server(('127.0.0.1', 0))\n"
        "from streamlit.testing.v1 import AppTest\n"
        "at = AppTest.from_file('app.py', default_timeout=60).run()\n"
        "assert not at.exception, at.exception\n"
        "client = socket.create_connection(listener.getsockname())\n"
        "accepted, _ = listener.accept()\n"
        "nodelay = accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)\n"
        "print(before, pyarrow.default_memory_pool().backend_name, bool(nodelay))\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, text=True,
                            capture_output=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    before, after, nodelay = result.stdout.split()[-3:]
    assert before != "system"  # otherwise this test could not fail
    assert after == "system"
    assert nodelay == str(HAS_PROC_FD)
