"""Eight explorer sessions at once, each checking that it sees its own counts.

Each thread drives its own AppTest of the real app (the explorer page) through 20
random filter states (type, discipline, department, sometimes a search) and
compares the "Programs" figure, the table's row count and the Type filter's count
for "Fellowship" with counts computed independently from data/programs.csv with
pandas. All sessions share what
``streamlit run`` shares between sessions: the st.cache_resource DuckDB
connection, the st.cache_data query results, the cached results and the facet
counts being counted on the worker pool.

AppTest is not made for parallel use: every ``AppTest.run()`` installs a fresh
mock Runtime as the process-wide singleton and sets it back to None when it ends,
so a run ending in one thread pulls the Runtime from under a script running in
another ("Runtime hasn't been created!"). Each run also compiles the page scripts
afresh, and on Python 3.11 ``compile``/``ast.parse`` in parallel threads can fail
with "SystemError: AST constructor recursion depth mismatch" (CPython gh-106905).
The ``one_runtime`` fixture does what a real server does: one Runtime and one
(locked) script cache for every session; AppTest's per-run swap and config patch
become no-ops. Everything the app does still runs for real.
"""

from __future__ import annotations

import contextlib
import random
import re
import statistics
import threading
import time
from types import SimpleNamespace
from unittest.mock import MagicMock

import pandas as pd
import pytest
from streamlit import config
from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.runtime import Runtime
from streamlit.runtime.caching.storage.dummy_cache_storage import (
    MemoryCacheStorageManager,
)
from streamlit.runtime.dataframe_source_manager import DataframeSourceManager
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import app_test, local_script_runner
from streamlit.testing.v1.util import build_mock_config_get_option

from gme import app_data
from tests.app.conftest import ROOT, open_page

SESSIONS, INTERACTIONS = 8, 20
CATALOG = pd.read_csv(ROOT / "data" / "programs.csv", dtype=str,
                      keep_default_na=False, encoding="utf-8-sig")
FACET_COLUMNS = {"type": "program_type", "discipline": "discipline",
                 "department": "department"}
CHOICES = {facet: sorted(set(CATALOG[column])) for facet, column
           in FACET_COLUMNS.items()}  # '' (Not stated) is a department choice
SEARCHES = ["cardio", "EP", "heme/onc", "pediatric", "surg", "pharm", "nurs",
            "critical care", "Psych", "zzz", "fellowship", "ACGME"]


def normalised(text: str) -> str:
    """Lower-case words between single spaces, padded: ' heme onc '."""
    return " " + " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split()) + " "


WORDS = CATALOG[["name", "specialty", "aliases"]].agg(" ".join, axis=1).map(normalised)


def expected_count(chosen: dict[str, list[str]], search: str) -> int:
    """Programs matching ``chosen`` (OR within a facet, AND across) and the search."""
    keep = pd.Series(True, index=CATALOG.index)
    for facet, values in chosen.items():
        if values:
            keep &= CATALOG[FACET_COLUMNS[facet]].isin(values)
    for word in normalised(search).split():
        keep &= WORDS.str.contains(f" {word}", regex=False)
    return int(keep.sum())


def seen_count(at) -> int | None:
    """The Programs figure shown, 0 for the no-match message, None if neither."""
    figures = {m.label: m.value for m in at.metric}
    if "Programs" in figures:
        return int(figures["Programs"].replace(",", ""))
    if any("No program matches" in info.value for info in at.info):
        return 0
    return None


def table_rows(at) -> int:
    """Rows in the programs table (0 when the page shows none)."""
    tables = [d.value for d in at.dataframe if "Program" in d.value.columns]
    return len(tables[0]) if tables else 0


@pytest.fixture
def one_runtime(monkeypatch):
    """One Runtime stand-in and script cache for the process, as under
    ``streamlit run``."""
    shared = MagicMock(spec=Runtime)
    shared.media_file_mgr = MediaFileManager(MemoryMediaFileStorage("/mock/media"))
    shared.dataframe_source_mgr = DataframeSourceManager()
    shared.cache_storage_manager = MemoryCacheStorageManager()
    components = BidiComponentManager()
    components.discover_and_register_components(start_file_watching=False)
    shared.bidi_component_registry = components
    monkeypatch.setattr(Runtime, "_instance", shared)
    scripts = ScriptCache()  # compiles each page once, under its own lock
    monkeypatch.setattr(app_test, "ScriptCache", lambda: scripts)
    monkeypatch.setattr(local_script_runner, "ScriptCache", lambda: scripts)
    monkeypatch.setattr(app_test, "Runtime", SimpleNamespace(_instance=None))
    monkeypatch.setattr(config, "get_option",
                        build_mock_config_get_option({"global.appTest": True}))
    monkeypatch.setattr(app_test, "patch_config_options",
                        lambda overrides: contextlib.nullcontext())


class Session:
    """One simulated visitor: its own AppTest, random filters, its own findings."""

    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.problems: list[str] = []
        self.runs: list[tuple[float, float]] = []  # (start, end) of each rerun

    def pick(self) -> tuple[dict[str, list[str]], str]:
        chosen = {facet: self.random.sample(values, self.random.choice([0, 0, 1, 2]))
                  for facet, values in CHOICES.items()}
        search = self.random.choice(SEARCHES) if self.random.random() < 0.3 else ""
        return chosen, search

    def run(self) -> None:
        try:
            at = open_page("explorer")
            for step in range(INTERACTIONS):
                chosen, search = self.pick()
                for facet, values in chosen.items():
                    at.multiselect(key=f"explorer_{facet}").set_value(values)
                at.text_input(key="explorer_q").set_value(search)
                start = time.perf_counter()
                at.run()
                self.runs.append((start, time.perf_counter()))
                self.check(at, step, chosen, search)
        except Exception as error:  # noqa: BLE001 - reported, not swallowed
            self.problems.append(f"error: {error!r}")

    def check(self, at, step: int, chosen: dict, search: str) -> None:
        want = expected_count(chosen, search)
        where = f"step {step} {chosen} q={search!r}"
        if at.exception:
            self.problems.append(f"error at {where}: {at.exception[0].value}")
        elif (seen_count(at), table_rows(at)) != (want, want):
            self.problems.append(f"wrong at {where}: saw {seen_count(at)} and "
                                 f"{table_rows(at)} rows, expected {want}")
        # A facet's count ignores its own filter: Fellowship + the others.
        fellowships = expected_count({**chosen, "type": ["Fellowship"]}, search)
        label = f"Fellowship ({fellowships})"
        if label not in at.multiselect(key="explorer_type").options:
            self.problems.append(f"wrong count at {where}: no {label!r} in "
                                 f"{at.multiselect(key='explorer_type').options}")


def most_in_flight(runs: list[tuple[float, float]]) -> int:
    """The largest number of reruns that were running at the same moment."""
    events = sorted([(s, 1) for s, _ in runs] + [(e, -1) for _, e in runs])
    level = peak = 0
    for _, change in events:
        level += change
        peak = max(peak, level)
    return peak


def test_concurrent_sessions_each_see_the_right_counts(one_runtime, monkeypatch):
    """8 sessions x 20 filter changes at once: no error, no wrong count, one
    catalog load shared by all."""
    loads = []
    original = app_data.load_catalog
    monkeypatch.setattr(app_data, "load_catalog",
                        lambda *a: loads.append(a) or original(*a))
    sessions = [Session(seed) for seed in range(SESSIONS)]
    threads = [threading.Thread(target=s.run, name=f"session-{i}")
               for i, s in enumerate(sessions)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    elapsed = time.perf_counter() - started
    runs = [run for s in sessions for run in s.runs]
    problems = [p for s in sessions for p in s.problems]
    latencies = sorted(end - start for start, end in runs)
    print(f"\n{SESSIONS} sessions x {INTERACTIONS} interactions: {len(runs)} reruns "
          f"in {elapsed:.1f} s; rerun p50 {statistics.median(latencies):.2f} s, "
          f"p95 {latencies[int(0.95 * (len(latencies) - 1))]:.2f} s; "
          f"up to {most_in_flight(runs)} at once; {len(problems)} problems")
    assert not any(t.is_alive() for t in threads)
    assert problems == []
    assert len(runs) == SESSIONS * INTERACTIONS
    assert most_in_flight(runs) >= 2  # the sessions really overlapped
    assert len(loads) <= 1  # the cached connection is shared, not per session
