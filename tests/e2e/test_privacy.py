"""Privacy in a real browser: eligibility answers stay in the session; no telemetry.

A fresh ``streamlit run`` (log: test-results/privacy.log) serves a browser that
completes the eligibility form along a distinctive path. Afterwards the server log,
the working tree and the files changed under /tmp hold none of the answers, and a
second visitor starts from a blank form. A static check backs this up: the
eligibility code has no shared cache, file write, print or logging. Usage
statistics: off in .streamlit/config.toml, and a server started with only that
file tells its browser so, while the browser talks to nobody but the server.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from gme import eligibility as elig
from tests.e2e.conftest import ROOT, AppServer, free_port, open_app
from tests.e2e.test_eligibility import answer_with_mouse, expect_result

# resident -> yes -> dental accreditor -> yes -> licence applied -> docs incomplete
ANSWERS = {"degree": "yes", "program_accreditor": "dental", "good_standing": "yes",
        "ma_license": "applied", "documentation": "incomplete"}
QUESTIONS = elig.steps("resident")
LABELS = [QUESTIONS[0].label("resident")] + [
    q.label(ANSWERS[q.key]) for q in QUESTIONS[1:]]
# Where the page keeps the answers ("resident.ma_license", ...): these joined
# strings are in no source file, so finding one anywhere means answers leaked.
SLOTS = [q.slot for q in QUESTIONS[1:]]
ANSWER_TRACES = [*LABELS, *(q.prompt for q in QUESTIONS), *ANSWERS, *SLOTS,
                  "resident", "medical_student", "dental", "applied", "incomplete",
                  "elig_answers", "elig_q_"]
# Not part of the working tree's state: git's own files, the tests' outputs, the
# virtualenv, and Python's bytecode caches (compiled source, written on import).
NOT_TREE = {".git", ".venv", "test-results", "__pycache__"}
ELIGIBILITY_CODE = [ROOT / "gme" / "eligibility.py", ROOT / "pages" / "eligibility.py"]
BROWSER_PROFILE = re.compile(r"playwright|chromium|\.org\.chromium", re.IGNORECASE)


def tree_state() -> tuple[str, dict[str, tuple[int, int]]]:
    """git status, and (mtime, size) of every file in the working tree."""
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout
    files = {}
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders if d not in NOT_TREE]
        for name in names:
            path = Path(folder, name)
            try:
                stat = path.lstat()
            except FileNotFoundError:  # removed while we looked: absent
                continue
            files[str(path.relative_to(ROOT))] = (stat.st_mtime_ns, stat.st_size)
    return status, files


def tree_changes(before: tuple, after: tuple) -> list[str]:
    """What differs between two ``tree_state()`` snapshots, one line per path."""
    (status_before, files_before), (status_after, files_after) = before, after
    lines = [f"git status: {line}" for line in sorted(
        set(status_before.splitlines()) ^ set(status_after.splitlines()))]
    for path in sorted(files_before.keys() | files_after.keys()):
        if files_before.get(path) != files_after.get(path):
            state = ("new" if path not in files_before else "removed"
                     if path not in files_after else "modified")
            lines.append(f"{state}: {path}")
    return lines


def changed_under(folder: Path, since: float) -> list[Path]:
    """Regular files under ``folder`` modified at or after ``since`` (epoch s)."""
    found = []
    for parent, subfolders, names in os.walk(folder, onerror=lambda error: None):
        subfolders[:] = [d for d in subfolders if not BROWSER_PROFILE.search(d)]
        for name in names:
            path = Path(parent, name)
            try:
                if path.is_file() and path.stat().st_mtime >= since:
                    found.append(path)
            except OSError:
                continue  # gone already, or not ours to read
    return found


def holding(paths: list[Path], needles: list[str]) -> list[str]:
    """'path: needle' for every readable file (up to 2 MB) containing a needle."""
    hits = []
    for path in paths:
        try:
            if path.stat().st_size > 2 * 2**20:
                continue
            text = path.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            continue
        hits += [f"{path}: {needle!r}" for needle in needles if needle in text]
    return hits


@pytest.fixture(scope="module")
def private_tmp() -> Iterator[Path]:
    """An empty TMPDIR for the server, so anything it writes there is visible."""
    with tempfile.TemporaryDirectory(prefix="gme-privacy-") as folder:
        yield Path(folder)


@pytest.fixture(scope="module")
def privacy_server(browser, private_tmp) -> Iterator[AppServer]:
    """A fresh server with its own log, test-results/privacy.log."""
    server = AppServer(env={"TMPDIR": str(private_tmp)}, log_name="privacy")
    yield server
    server.stop()


def test_eligibility_answers_reach_no_log_file_or_other_session(
        browser, privacy_server, private_tmp):
    """After a distinctive form run: answers in no server log line, no working
    tree change, no /tmp file; a second visitor starts blank."""
    started = time.time() - 1  # mtimes are coarse on some file systems
    before = tree_state()
    context = browser.new_context()
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        open_app(page, privacy_server.url, "eligibility")
        answer_with_mouse(page, LABELS)
        expect_result(page, elig.Outcome.ACTION_NEEDED)
        expect(page.get_by_text(f"Your answer: {LABELS[4]}")).to_be_visible()
        second = browser.new_context()
        other = second.new_page()
        open_app(other, privacy_server.url, "eligibility")
        expect(other.get_by_text("Step 1 of up to 6")).to_be_visible()
        expect(other.get_by_role("radio", checked=True)).to_have_count(0)
        second.close()
    finally:
        context.close()
    log = privacy_server.log()
    assert f"127.0.0.1:{privacy_server.port}" in log  # the right, live log
    assert [s for s in ANSWER_TRACES if s in log] == []
    assert tree_changes(before, tree_state()) == []
    assert changed_under(private_tmp, started) == []
    assert holding(changed_under(Path("/tmp"), started), SLOTS) == []


def _calls(path: Path) -> list[tuple[str, ast.Call]]:
    """(dotted name, node) of every call in the module, e.g. 'st.cache_data'."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        target = node.func if isinstance(node, ast.Call) else node
        if isinstance(node, ast.Call | ast.Attribute | ast.Name):
            found.append((ast.unparse(target), node))
    return found


def _writes(name: str, node: ast.AST) -> bool:
    """A call or reference that could put data in a file, a log or a shared cache."""
    last = name.rsplit(".", 1)[-1]
    if last in {"cache_data", "cache_resource", "write_text", "write_bytes",
                "writelines", "dump", "print", "logging", "getLogger", "_LOGGER"}:
        return True
    if last == "write" and name != "st.write":  # st.write draws on the page
        return True
    if last == "open" and isinstance(node, ast.Call):  # read-only modes are fine
        position = 0 if name.endswith(".open") else 1  # path.open(mode), open(p, mode)
        mode = (node.args[position] if len(node.args) > position else
                next((k.value for k in node.keywords if k.arg == "mode"),
                     ast.Constant("r")))
        return not (isinstance(mode, ast.Constant) and set(mode.value) <= set("rbt"))
    return False


@pytest.mark.parametrize("path", ELIGIBILITY_CODE, ids=lambda p: p.parent.name)
def test_eligibility_code_has_no_shared_cache_file_write_or_log(path):
    """The eligibility code never caches across sessions, writes files, prints or
    logs: answers live in st.session_state only."""
    offenders = sorted({f"{path.name}:{node.lineno}: {name}"
                        for name, node in _calls(path) if _writes(name, node)})
    assert offenders == []


def test_static_check_catches_a_file_write_and_a_shared_cache(tmp_path):
    """The static check above flags the patterns it is meant to find."""
    sample = tmp_path / "sample.py"
    sample.write_text('@st.cache_data\ndef f(a):\n    open("x", "w")\n'
                      '    Path("y").open("a")\n    st.write(a)\n', encoding="utf-8")
    flagged = sorted({name for name, node in _calls(sample) if _writes(name, node)})
    assert flagged == ["Path('y').open", "open", "st.cache_data"]


# --- usage statistics ---------------------------------------------------------------

class ConfigOnlyServer(AppServer):
    """``streamlit run`` with no telemetry flag: .streamlit/config.toml decides."""

    def __init__(self, log_name: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = ROOT / "test-results" / f"{log_name}.log"
        self.log_path.parent.mkdir(exist_ok=True)
        self._log = self.log_path.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
             "--server.port", str(self.port), "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT, env=os.environ)
        self._wait_healthy()


def keep_new_session(frame: str | bytes, found: list[ForwardMsg]) -> None:
    """Collect the NewSession messages among the server's websocket frames."""
    if isinstance(frame, bytes):
        message = ForwardMsg.FromString(frame)
        if message.HasField("new_session"):
            found.append(message)


@pytest.fixture(scope="module")
def config_server(browser) -> Iterator[ConfigOnlyServer]:
    """A server started from .streamlit/config.toml alone (log: privacy-config)."""
    server = ConfigOnlyServer("privacy-config")
    yield server
    server.stop()


def test_usage_statistics_are_off_in_config_and_in_the_running_server(
        browser, config_server):
    """config.toml says gatherUsageStats = false; a server started from it sends
    no metrics URL and gather_usage_stats false to the browser."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["browser"]["gatherUsageStats"] is False
    host_config_url = f"{config_server.url}/_stcore/host-config"
    with urllib.request.urlopen(host_config_url) as response:
        host_config = json.loads(response.read())
    # Streamlit 1.67's host-config has no usage flag, only where metrics would go;
    # the flag itself reaches the browser in the NewSession message.
    assert host_config["metricsUrl"] == ""
    context = browser.new_context()
    try:
        page = context.new_page()
        sessions: list[ForwardMsg] = []
        page.on("websocket", lambda ws: ws.on(
            "framereceived", lambda frame: keep_new_session(frame, sessions)))
        open_app(page, config_server.url)
        assert sessions, "the server sent no NewSession message"
        assert [m.new_session.config.gather_usage_stats for m in sessions] == [
            False] * len(sessions)
    finally:
        context.close()


def test_the_browser_loads_nothing_from_outside_the_server(browser, config_server):
    """On every page, every request the browser makes goes to the local server (no
    CDN, no telemetry, no third-party favicon)."""
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    try:
        page = context.new_page()
        for path in ("", "explorer", "eligibility", "visiting"):
            open_app(page, config_server.url, path)
            page.wait_for_load_state("networkidle")
    finally:
        context.close()
    assert requests
    assert sorted({u for u in requests if not u.startswith(config_server.url)}) == []
