"""Server benchmark: cold start, peak memory per session, and a reused connection.

Three measurements of the real app as a server process, on loopback only:

- cold start: from launching ``streamlit run app.py`` (or the same app under
  uvicorn, ``asgi.py``) to the first HTTP 200 on ``/`` and on
  ``/_stcore/health``. The catalog is loaded by the first script run, not at
  start, so this does not depend on the catalog's size.
- peak RSS: ``VmHWM`` from ``/proc/<pid>/status`` (summed over the process and
  any children) once 1, then 20 browser sessions (20 pages, each in its own
  browser context) show the explorer; beside it the RSS at that moment and its
  anonymous (``RssAnon``) and file-backed (``RssFile``) parts; and, as a
  yardstick of the page cache's state, the file-backed RSS of a process that
  only imports the server's libraries (``library_pages_mb``).
- reused connection: 50 sequential ``GET /_stcore/health`` on one keep-alive
  ``http.client`` connection, against ``streamlit run`` and uvicorn.

``AppProcess`` starts and stops either server; ``bench.browser`` and ``bench.run``
use it too. Every loop has a deadline and every process is stopped in ``finally``.

    python -m bench.server [--runs 10] [--sizes 54,13000,100000]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = ROOT / "test-results"
KINDS = ("streamlit", "uvicorn")
HEALTH = "/_stcore/health"
PLOTLY_BUNDLE = "**/static/js/PlotlyChart.*.js"


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_command(kind: str, port: int) -> list[str]:
    """The command line that serves app.py on ``port``: 'streamlit' or 'uvicorn'."""
    if kind == "streamlit":
        return [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                "--server.headless", "true", "--server.port", str(port),
                "--server.address", "127.0.0.1",
                "--browser.gatherUsageStats", "false",
                "--server.fileWatcherType", "none"]
    if kind == "traced":  # bench.trace: streamlit run, logging every message
        log = os.environ.get("GME_TRACE_LOG")
        if not log:
            raise RuntimeError("The 'traced' server needs GME_TRACE_LOG, the path "
                               "of its log (python -m bench.trace sets it).")
        return [sys.executable, "-m", "bench.trace_server", log,
                *server_command("streamlit", port)[3:]]
    if kind == "uvicorn":
        return [sys.executable, "-m", "uvicorn", "asgi:app",
                "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    raise ValueError(f"unknown server kind {kind!r}; use one of {KINDS}")


def http_status(port: int, path: str, timeout: float = 2.0) -> int | None:
    """Status of one GET on a new connection, or None if nothing answers."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    except OSError:
        return None
    finally:
        conn.close()


class AppProcess:
    """The app served by ``streamlit run`` or uvicorn on a free loopback port.

    Use as a context manager: the process is stopped on exit, whatever happened.
    ``started_at`` is ``time.perf_counter()`` just before the launch.
    """

    def __init__(self, catalog: Path | None = None, kind: str = "streamlit",
                 log_name: str = "bench-server"):
        self.kind = kind
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        if catalog is not None:
            env["GME_CATALOG"] = str(catalog)
        LOG_DIR.mkdir(exist_ok=True)
        self.log_path = LOG_DIR / f"{log_name}.log"
        self._log = self.log_path.open("w", encoding="utf-8")
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(
            server_command(kind, self.port), cwd=ROOT, env=env,
            stdout=self._log, stderr=subprocess.STDOUT)

    def __enter__(self) -> AppProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_ready(self, paths: tuple[str, ...] = (HEALTH,), timeout: float = 90,
                   interval: float = 0.01) -> dict[str, float]:
        """Poll until each of ``paths`` answers 200; ms from launch to each."""
        ready: dict[str, float] = {}
        deadline = time.monotonic() + timeout
        while len(ready) < len(paths):
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} exited early:\n{self.log()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.kind} not ready in {timeout:.0f} s:\n"
                                   f"{self.log()}")
            for path in paths:
                if path not in ready and http_status(self.port, path) == 200:
                    ready[path] = (time.perf_counter() - self.started_at) * 1000
            if len(ready) < len(paths):
                time.sleep(interval)
        return ready

    def memory_mb(self) -> dict[str, float]:
        """``tree_memory_mb`` of the server process."""
        return tree_memory_mb(self.process.pid)

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-5000:]

    def stop(self) -> None:
        """Terminate the process (kill it after 10 s) and close its log."""
        stop_process(self.process)
        self._log.close()


def stop_process(process: subprocess.Popen) -> None:
    """Terminate ``process`` if it still runs; kill it if it has not ended in 10 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def status_kib(pid: int) -> dict[str, int]:
    """The kB fields of /proc/<pid>/status (empty if the process is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    fields = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if value.strip().endswith(" kB"):
            fields[key] = int(value.split()[0])
    return fields


MEMORY_FIELDS = {"VmHWM": "peak_mb", "VmRSS": "rss_mb", "RssAnon": "anon_mb",
                 "RssFile": "file_mb"}


def tree_memory_mb(pid: int) -> dict[str, float]:
    """Memory of process ``pid`` and its descendants, MB, summed: 'peak_mb'
    (VmHWM), 'rss_mb' (VmRSS) and two parts of the RSS now: 'anon_mb'
    (RssAnon, the processes' own memory) and 'file_mb' (RssFile, mapped pages
    of files, mostly the shared libraries: clean pages, and how many are mapped
    depends on the state of the page cache; see docs/PERFORMANCE.md, "Server").
    The rest of the RSS is shared memory (RssShmem). A summed RssFile counts a
    library once per process. A field the kernel does not report is left out
    (RssAnon and RssFile need Linux 4.5); an empty dict if the process is gone."""
    totals: dict[str, int] = {}
    for process in [pid, *descendants(pid)]:
        for key, kib in status_kib(process).items():
            if name := MEMORY_FIELDS.get(key):
                totals[name] = totals.get(name, 0) + kib
    return {name: kib / 1024 for name, kib in totals.items()}


# What the server imports before it holds any data (gme/app_data.py,
# gme/catalog.py, gme/charts.py).
SERVER_LIBRARIES = ("streamlit", "pandas", "pyarrow", "duckdb", "plotly.graph_objects")
_YARDSTICK_TAG = "bench-yardstick RssFile"
# The child: -I keeps the caller's folder and PYTHON* variables out of what it
# imports; it prints its RssFile (kB) on a tagged line, so that anything a
# library prints does not count.
_YARDSTICK_CODE = f"""
import importlib, json, sys
job = json.loads(sys.argv[1])
sys.path[:0] = job["paths"]
for name in job["modules"]:
    importlib.import_module(name)
try:
    with open("/proc/self/status") as status:
        found = [line.split()[1] for line in status if line.startswith("RssFile:")]
except OSError:
    found = []
print({_YARDSTICK_TAG!r}, found[0] if found else "none", flush=True)
"""


def library_pages_mb(modules: tuple[str, ...] = SERVER_LIBRARIES,
                     paths: tuple[str, ...] = ()) -> float | None:
    """RssFile (MB) of a new Python process that imports ``modules`` and nothing
    else (``paths``: folders put first on its import path, for tests): a
    yardstick of the page cache's state beside the server's memory.

    The same libraries map about 60 MB here once they have been read from disk,
    and about 105 MB right after pip 26.3 wrote them (Linux 6.18 maps a large
    page-cache folio whole; docs/PERFORMANCE.md, "Server"). A high figure says
    the run's file-backed RSS is inflated the same way. None where
    /proc/self/status has no RssFile (not Linux 4.5+); RuntimeError, with what
    the process wrote to stderr, if it fails or reports nothing."""
    job = json.dumps({"modules": list(modules), "paths": list(paths)})
    try:
        done = subprocess.run([sys.executable, "-I", "-c", _YARDSTICK_CODE, job],
                              text=True, capture_output=True, timeout=60)
    except subprocess.TimeoutExpired as error:
        raise RuntimeError(f"the yardstick's imports took over 60 s: "
                           f"{', '.join(modules)}") from error
    values = [line.split()[-1] for line in done.stdout.splitlines()
              if line.startswith(_YARDSTICK_TAG)]
    if done.returncode != 0 or not values:
        raise RuntimeError(f"the yardstick's process (imports {', '.join(modules)}) "
                           f"exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return None if values[0] == "none" else int(values[0]) / 1024


def descendants(pid: int) -> list[int]:
    """Every process whose ancestry leads to ``pid`` (from /proc/*/stat)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, pp in parents.items() if pp == parent]
        found.extend(children)
        frontier.extend(children)
    return found


def cold_starts(kind: str, runs: int) -> dict[str, list[float]]:
    """ms from launch to the first 200 on / and on /_stcore/health, ``runs`` times."""
    times: dict[str, list[float]] = {"/": [], HEALTH: []}
    for i in range(runs):
        with AppProcess(kind=kind, log_name=f"bench-cold-{kind}") as server:
            ready = server.wait_ready(("/", HEALTH))
        for path, ms in ready.items():
            times[path].append(ms)
        if i == 0:
            time.sleep(0.2)  # let the port and the page cache settle once
    return times


def reused_connection(port: int, requests: int = 50) -> list[float]:
    """ms of each of ``requests`` sequential GETs of /_stcore/health on one
    keep-alive connection (the first one opens the connection)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    times = []
    try:
        for _ in range(requests):
            start = time.perf_counter()
            conn.request("GET", HEALTH)
            response = conn.getresponse()
            body = response.read()
            times.append((time.perf_counter() - start) * 1000)
            if response.status != 200 or body != b"ok":
                raise RuntimeError(f"health answered {response.status} {body!r}")
            if response.will_close:
                raise RuntimeError("the server closed the keep-alive connection")
    finally:
        conn.close()
    return times


def sessions_memory(server: AppProcess, browser, total: int, open_sessions: int,
                    sessions: int = 20) -> dict[str, float]:
    """Server memory once ``sessions`` sessions show the explorer. The caller has
    ``open_sessions`` open already; this opens the others one after another
    (faster than all at once on 2 cores), each a page in its own browser context,
    waits until it shows its KPIs with the app idle, then freezes it (no more
    CPU; the session stays open). All stay open until the memory is read.

    These extra pages do not fetch Plotly's JavaScript bundle (the request is
    aborted): the server sends them the same figures either way, so its memory is
    the same, and the browser is spared ~1.5 s of CPU per page on 2 cores."""
    from bench.browser import PROGRAMS, freeze, new_context, wait_kpi

    contexts = []
    try:
        for _ in range(sessions - open_sessions):
            contexts.append(new_context(browser))
            contexts[-1].route(PLOTLY_BUNDLE, lambda route: route.abort())
            page = contexts[-1].new_page()
            page.goto(f"{server.url}/explorer", wait_until="commit")
            wait_kpi(page, PROGRAMS, total)
            freeze(page)
        time.sleep(0.5)  # let the server finish sending to the last session
        return server.memory_mb()
    finally:
        for context in contexts:
            context.close()


def check_serves_app(browser, url: str, total: int) -> None:
    """Load / in Chromium from the server: the overview's KPIs must show."""
    from bench.browser import HOME_PROGRAMS, new_context, open_and_wait_kpi

    context = new_context(browser)
    try:
        open_and_wait_kpi(context.new_page(), f"{url}/", HOME_PROGRAMS, total)
    finally:
        context.close()


def summary(times: list[float]) -> dict[str, float | int]:
    """{'median_ms', 'min_ms', 'max_ms', 'runs'} of a list of ms."""
    return {"median_ms": statistics.median(times), "min_ms": min(times),
            "max_ms": max(times), "runs": len(times)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--sizes", default="54,13000,100000")
    args = parser.parse_args(argv)
    from bench import run

    run.main(["--parts", "server", "--runs", str(args.runs), "--sizes", args.sizes])


if __name__ == "__main__":
    main()
