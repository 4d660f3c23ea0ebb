"""Load test: many real browser sessions at once, each checking its own counts.

Starts ``streamlit run app.py`` on a free loopback port (``AppServer`` from
tests/e2e/conftest.py; log: test-results/load.log), opens N pages in one headless
Chromium (one context per session, so each is its own Streamlit session) and, until
the time limit, has every session repeat one of:

- ``open`` (first visit, and again after a failure) and ``goto``: open the
  explorer with a random filter link (type, discipline, department, sometimes a
  search), a full page load;
- ``search``: type a search in the search box and press Enter;
- ``choose``: add a program type or discipline with the mouse in its multiselect;
- ``clear``: press "Clear filters".

After each, the session waits until the app is idle, the URL holds its filters and
the "Programs" figure (or the no-match message) is shown, and checks the figure
against the count computed from data/programs.csv with pandas for that session's
own filters. Latency is from the start of the action to that moment. An
interaction that does not settle on the right count within the timeout is an error
(the page shows an exception or nothing) or a wrong result (it settled on another
count). The server's peak memory is VmHWM from /proc/<pid>/status.

Loopback only; the run stops by itself (time limit + a few interaction timeouts).

    python -m bench.load --sessions 20 --seconds 60 [--json bench/results/load.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import pandas as pd
from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import async_playwright

from tests.e2e.conftest import CHROMIUM_ARGS, DESKTOP, ROOT, AppServer

CHROMIUM = "/usr/bin/chromium"
# Every session is a page someone is looking at: no throttling of "background" ones.
LAUNCH_ARGS = [*CHROMIUM_ARGS, "--disable-background-timer-throttling",
               "--disable-renderer-backgrounding",
               "--disable-backgrounding-occluded-windows"]
RESULTS = ROOT / "bench" / "results" / "load.json"
SEARCH_LABEL = "Search programs by name, specialty or abbreviation"
SEARCHES = ["cardio", "EP", "heme/onc", "pediatric", "surg", "pharm", "nurs",
            "critical care", "psych", "zzz", "fellowship", "neuro"]
FACET_COLUMNS = {"type": "program_type", "discipline": "discipline",
                 "department": "department"}
UI_FACETS = {"type": "Program type", "discipline": "Trainee discipline"}
NOT_STATED = "Not stated"
CATALOG = pd.read_csv(ROOT / "data" / "programs.csv", dtype=str,
                      keep_default_na=False, encoding="utf-8-sig")
CHOICES = {facet: sorted({v or NOT_STATED for v in CATALOG[column]})
           for facet, column in FACET_COLUMNS.items()}
# Settled: connected, script idle, URL = the session's filters, figure shown.
SETTLED = """([want, query]) => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || app.dataset.testConnectionState !== 'CONNECTED'
      || app.dataset.testScriptState !== 'notRunning') return false;
  const pairs = s => [...new URLSearchParams(s)].map(p => p.join('=')).sort().join('&');
  if (pairs(location.search) !== pairs(query)) return false;
  return shown() === want;
  function shown() {
    const figure = [...document.querySelectorAll('[data-testid=stMetric]')].find(m =>
      m.querySelector('[data-testid=stMetricLabel]')?.innerText.trim() === 'Programs');
    if (figure) return Number(figure.querySelector('[data-testid=stMetricValue]')
                              .innerText.replace(/,/g, ''));
    return document.body.innerText.includes('No program matches') ? 0 : null;
  }
}"""
SHOWN = """() => {
  const figure = [...document.querySelectorAll('[data-testid=stMetric]')].find(m =>
    m.querySelector('[data-testid=stMetricLabel]')?.innerText.trim() === 'Programs');
  const text = figure?.querySelector('[data-testid=stMetricValue]')?.innerText;
  return {figure: text ?? null, url: location.search, path: location.pathname,
          title: document.querySelector('h1')?.innerText ?? null,
          alerts: [...document.querySelectorAll('[data-testid=stAlert]')]
                    .map(a => a.innerText.slice(0, 120)),
          noMatch: document.body.innerText.includes('No program matches'),
          exception: document.querySelectorAll('[data-testid=stException]').length,
          state: document.querySelector('[data-testid=stApp]')?.dataset
                   .testScriptState ?? null,
          connection: document.querySelector('[data-testid=stApp]')?.dataset
                        .testConnectionState ?? null};
}"""


def normalised(text: str) -> str:
    """Lower-case words between single spaces, padded: ' heme onc '."""
    return " " + " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split()) + " "


WORDS = CATALOG[["name", "specialty", "aliases"]].agg(" ".join, axis=1).map(normalised)


@dataclass
class Filters:
    """One session's filters, as the URL spells them ('Not stated' for empty)."""

    chosen: dict[str, list[str]] = field(
        default_factory=lambda: {facet: [] for facet in FACET_COLUMNS})
    search: str = ""

    def query(self) -> str:
        """The query string the app writes for these filters."""
        pairs = {k: v for k, v in self.chosen.items() if v}
        if self.search:
            pairs["q"] = [self.search]
        return urlencode(pairs, doseq=True)

    def expected(self) -> int:
        """Programs matching, counted from the CSV (OR within, AND across facets)."""
        keep = pd.Series(True, index=CATALOG.index)
        for facet, values in self.chosen.items():
            if values:
                wanted = {"" if v == NOT_STATED else v for v in values}
                keep &= CATALOG[FACET_COLUMNS[facet]].isin(wanted)
        for word in normalised(self.search).split():
            keep &= WORDS.str.contains(f" {word}", regex=False)
        return int(keep.sum())


@dataclass
class Tally:
    """What every session found: latencies per kind, errors and wrong results."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    late: int = 0  # errors where the right count did show, but after the timeout

    def record(self, kind: str, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds)

    @property
    def interactions(self) -> int:
        ok = sum(len(v) for v in self.latencies.values())
        return ok + len(self.errors) + len(self.wrong)


class Session:
    """One visitor: a browser context and page, random actions, its own filters."""

    def __init__(self, number: int, page, base_url: str, tally: Tally,
                 timeout_s: float):
        self.name = f"session {number}"
        self.random = random.Random(number)
        self.page, self.base_url, self.tally = page, base_url, tally
        self.timeout_ms = timeout_s * 1000
        self.filters = Filters()
        self.opened = False

    async def run(self, deadline: float, limit: int) -> None:
        for _ in range(limit):
            if time.monotonic() >= deadline:
                return
            kind = self.pick()
            start = time.perf_counter()
            try:
                await getattr(self, kind)()
                await self.settle(kind)
            except Exception as error:  # noqa: BLE001 - counted and reported
                await self.fail(kind, error)
            else:
                self.tally.record(kind, time.perf_counter() - start)

    def pick(self) -> str:
        """The next action: a first visit, then mostly in-page filter changes."""
        if not self.opened:
            return "open"
        kinds = ["goto", "search", "search", "choose", "choose"] + (
            ["clear"] if self.filters.query() else [])
        return self.random.choice(kinds)

    async def open(self) -> None:
        """The first visit (loads the whole app): a random filter link."""
        await self.goto()

    async def goto(self) -> None:
        chosen = {facet: self.random.sample(values, self.random.choice([0, 0, 1, 2]))
                  for facet, values in CHOICES.items()}
        search = self.random.choice(SEARCHES) if self.random.random() < 0.3 else ""
        self.filters = Filters(chosen, search)
        query = self.filters.query()
        await self.page.goto(f"{self.base_url}/explorer" + (f"?{query}" if query
                                                            else ""))
        self.opened = True

    async def search(self) -> None:
        text = self.random.choice(["", *SEARCHES])
        box = self.page.get_by_role("textbox", name=SEARCH_LABEL)
        await box.fill(text)
        await box.press("Enter")
        self.filters.search = text

    async def choose(self) -> None:
        facet = self.random.choice(list(UI_FACETS))
        left = [v for v in CHOICES[facet] if v not in self.filters.chosen[facet]]
        if not left:
            return await self.clear()
        value = self.random.choice(left)
        await self.page.get_by_role("combobox", name=UI_FACETS[facet]).click()
        option = re.compile(rf"^{re.escape(value)} \(")
        await self.page.get_by_role("option", name=option).click()
        await self.page.keyboard.press("Escape")
        self.filters.chosen[facet].append(value)

    async def clear(self) -> None:
        await self.page.get_by_role("button", name="Clear filters", exact=True).click()
        self.filters = Filters()

    async def settle(self, kind: str) -> None:
        """Wait until the page shows this session's filters and the right count."""
        want, query = self.filters.expected(), self.filters.query()
        try:
            await self.page.wait_for_function(SETTLED, arg=[want, query],
                                              timeout=self.timeout_ms, polling=200)
            return
        except PlaywrightTimeout:
            shown = await self.page.evaluate(SHOWN)
        try:  # too slow is an error either way; say whether it got there at all
            await self.page.wait_for_function(SETTLED, arg=[want, query],
                                              timeout=self.timeout_ms, polling=500)
            late = True
        except PlaywrightTimeout:
            late, shown = False, await self.page.evaluate(SHOWN)
        raise Settled(want, query, shown, late)

    async def fail(self, kind: str, error: Exception) -> None:
        where = f"{self.name} {kind} ?{self.filters.query()}"
        if isinstance(error, Settled) and error.is_wrong:
            self.tally.wrong.append(f"{where}: {error}")
        else:
            self.tally.late += isinstance(error, Settled) and error.late
            self.tally.errors.append(f"{where}: {type(error).__name__}: {error}"[:400])
        self.opened = False  # start again from a fresh link


class Settled(Exception):
    """The page did not settle on the expected count in time."""

    def __init__(self, want: int, query: str, shown: dict, late: bool):
        self.want, self.query, self.shown, self.late = want, query, shown, late
        then = ("it did, within one more timeout" if late else
                "it still had not after one more timeout")
        super().__init__(f"expected {want} in time ({then}); the page showed "
                         f"{shown}")

    @property
    def is_wrong(self) -> bool:
        """Idle, no exception, this session's URL, and another count shown."""
        shown = self.shown
        count = (int(shown["figure"].replace(",", "")) if shown["figure"]
                 else 0 if shown["noMatch"] else None)
        same_url = sorted(parse_qsl(shown["url"].lstrip("?"))) == sorted(
            parse_qsl(self.query))
        return (not self.late and shown["state"] == "notRunning"
                and not shown["exception"]
                and same_url and count is not None and count != self.want)


def peak_memory_mib(pid: int) -> float:
    """VmHWM (peak resident memory) of process ``pid``, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time process ``pid`` has used so far, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def drive(server: AppServer, sessions: int, seconds: float, timeout_s: float,
                limit: int) -> tuple[Tally, float]:
    """Run every session until ``seconds`` have passed; (tally, wall seconds)."""
    tally = Tally()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM,
                                                   args=LAUNCH_ARGS)
        try:
            pages = []
            for _ in range(sessions):
                context = await browser.new_context(viewport=DESKTOP)
                context.set_default_timeout(timeout_s * 1000)
                pages.append(await context.new_page())
            started = time.monotonic()
            runners = [Session(i, page, server.url, tally, timeout_s)
                       for i, page in enumerate(pages)]
            await asyncio.wait_for(
                asyncio.gather(*(r.run(started + seconds, limit) for r in runners)),
                timeout=seconds + 4 * timeout_s + 30)
            return tally, time.monotonic() - started
        finally:
            await browser.close()


def summary(tally: Tally, sessions: int, seconds: float, wall: float,
            peak_mib: float) -> dict:
    """The figures of a run, as written to JSON."""
    every = [s for values in tally.latencies.values() for s in values]

    def stats(values: list[float]) -> dict:
        if not values:
            return {"count": 0}
        return {"count": len(values), "p50_ms": round(1000 * percentile(values, .5)),
                "p95_ms": round(1000 * percentile(values, .95)),
                "max_ms": round(1000 * max(values)),
                "mean_ms": round(1000 * statistics.fmean(values))}

    return {"sessions": sessions, "seconds": seconds, "wall_seconds": round(wall, 1),
            "interactions": tally.interactions, "errors": len(tally.errors),
            "errors_right_but_late": tally.late,
            "wrong_results": len(tally.wrong), "latency": stats(every),
            "latency_by_action": {k: stats(v) for k, v in
                                  sorted(tally.latencies.items())},
            "server_peak_memory_mib": round(peak_mib, 1), "cpus": os.cpu_count(),
            "error_samples": tally.errors[:10], "wrong_samples": tally.wrong[:10]}


def markdown(result: dict) -> str:
    """The run as a Markdown table."""
    latency = result["latency"]
    rows = [("Sessions", result["sessions"]),
            ("Time limit / wall time (s)", f"{result['seconds']} / "
                                           f"{result['wall_seconds']}"),
            ("Interactions", result["interactions"]),
            ("Errors (of which right but after the timeout)",
             f"{result['errors']} ({result['errors_right_but_late']})"),
            ("Wrong results", result["wrong_results"]),
            ("Latency p50 (ms)", latency.get("p50_ms", "-")),
            ("Latency p95 (ms)", latency.get("p95_ms", "-")),
            ("Latency max (ms)", latency.get("max_ms", "-")),
            ("Server peak memory, VmHWM (MiB)", result["server_peak_memory_mib"]),
            ("Server CPU time (s)", result["server_cpu_seconds"]),
            ("Load average (1 min) before / after", "{before:.1f} / {after:.1f}"
             .format(**result["load_average"])),
            ("CPUs", result["cpus"])]
    rows += [(f"  {kind}: n / p50 / p95 (ms)",
              f"{s['count']} / {s.get('p50_ms', '-')} / {s.get('p95_ms', '-')}")
             for kind, s in result["latency_by_action"].items()]
    lines = ["| Measure | Value |", "|---|---|"]
    return "\n".join(lines + [f"| {name} | {value} |" for name, value in rows])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--timeout", type=float, default=60,
                        help="seconds one interaction may take to settle")
    parser.add_argument("--max-interactions", type=int, default=500,
                        help="per session, whatever the time left")
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 50 or not 0 < args.seconds <= 600:
        parser.error("use 1-50 sessions and at most 600 seconds")
    load_before = os.getloadavg()[0]  # a busy machine slows every figure
    server = AppServer(log_name="load")
    try:
        tally, wall = asyncio.run(drive(server, args.sessions, args.seconds,
                                        args.timeout, args.max_interactions))
        peak = peak_memory_mib(server.process.pid)
        cpu = cpu_seconds(server.process.pid)
    finally:
        server.stop()
    result = summary(tally, args.sessions, args.seconds, wall, peak)
    result["server_cpu_seconds"] = round(cpu, 1)
    result["load_average"] = {"before": load_before, "after": os.getloadavg()[0]}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(markdown(result))
    for line in result["error_samples"] + result["wrong_samples"]:
        print(f"- {line}", file=sys.stderr)
    return 0 if not tally.errors and not tally.wrong else 1


if __name__ == "__main__":
    sys.exit(main())
