"""Where a filter change waits between the server and the page: a diagnostic.

    python -m bench.trace [--rounds 2] [--clicks 10] [--catalog CSV] [--out JSON]

Each round starts a fresh server under ``bench.trace_server``, which logs when
each message to the browser is queued, handed to the connection and written
to the socket. It opens one explorer page in Chromium (``bench.browser``)
whose init script records every websocket message when the page starts
handling it (time and bytes), the long tasks (50 ms and more) and the rerun
request it sends. Then it makes the harness's department clicks
(``bench.browser.filter_runs``: new states, then the same states seen). The
page's messages and the server's writes come in the same order on one socket
and have the same sizes, so each message the page handled is paired with the
server's write of it.

It prints, per click, in ms from pointer down:
- when the page sent the rerun request;
- when the server queued its first message, and wrote the chart and the table;
- when the page started on the chart's and the table's messages, and the long
  tasks that ran while the table's message was on its way;
- when the harness saw the KPIs and the table drawn.

A click "splits" when the table is drawn more than ``SPLIT_MS`` after the KPIs.
The summary counts them and says how long the table's message took from the
socket to the page. Not part of ``bench.run``: this explains a measurement;
it does not make one. See docs/PERFORMANCE.md, "Where a filter change waits,
traced".
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bench import browser as B
from bench.server import LOG_DIR, AppProcess
from gme.catalog import DEFAULT_CATALOG

SPLIT_MS = 30  # the table drawn this much after the KPIs: a split click
TRACE_JS = r"""
(() => {
  if (window.__trace) return;
  const T = window.__trace = {ws: [], tasks: [], sent: []};
  const Native = window.WebSocket;
  // Listens before Streamlit does: the time is when the page starts the message.
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', ev => T.ws.push(
        [performance.now(), ev.data.byteLength ?? ev.data.length]));
    }
    send(data) {
      T.sent.push(performance.now());
      return super.send(data);
    }
  };
  try {
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) T.tasks.push([e.startTime, e.duration]);
    }).observe({type: 'longtask', buffered: true});
  } catch (e) {}
  // What the page recorded from ``start`` on, in ms from it; then forgotten.
  T.since = start => {
    const rel = (rows, end) => rows.filter(r => end(r) >= start)
      .map(([t, x]) => [t - start, x]);
    const out = {origin: performance.timeOrigin, start: start,
                 ws: rel(T.ws, ([t]) => t),  // [ms, bytes]
                 tasks: rel(T.tasks, ([t, ms]) => t + ms),  // running at start
                 sent: T.sent.filter(t => t >= start).map(t => t - start)};
    T.ws = []; T.tasks = []; T.sent = [];
    return out;
  };
})();
"""


@dataclass(frozen=True)
class ServerLine:
    """One line of ``bench.trace_server``'s log."""

    mark: str  # 'E' queued, 'S' handed to the connection, 'W' written
    wall_ms: float
    size: int
    what: str  # '-' on 'W' lines


def parse_log(text: str) -> list[ServerLine]:
    """The lines of a ``bench.trace_server`` log, in order."""
    lines = []
    for row in text.splitlines():
        mark, wall, size, what = row.split(" ", 3)
        lines.append(ServerLine(mark, float(wall), int(size), what))
    return lines


def pair(sizes: Sequence[int], lines: Sequence[ServerLine],
         lookahead: int = 8) -> list[ServerLine | None]:
    """For each message size in ``sizes`` (in order), its line among ``lines``
    (in the same order): the next unpaired one of the same size within
    ``lookahead`` lines, or None."""
    paired: list[ServerLine | None] = []
    at = 0
    for size in sizes:
        match = next((i for i in range(at, min(at + lookahead, len(lines)))
                      if lines[i].size == size), None)
        paired.append(None if match is None else lines[match])
        if match is not None:
            at = match + 1
    return paired


def written_messages(lines: Sequence[ServerLine], since_ms: float
                     ) -> list[ServerLine]:
    """The 'W' lines (messages written to the socket) from ``since_ms`` (wall
    clock) on, each with what it carries taken from the 'S' line of the same
    size, in order ('?' if none)."""
    later = [line for line in lines if line.wall_ms >= since_ms]
    writes = [line for line in later if line.mark == "W"]
    handed = pair([w.size for w in writes], [line for line in later
                                              if line.mark == "S"])
    return [replace(w, what="?" if s is None else s.what)
            for w, s in zip(writes, handed, strict=True)]


def overlapping(tasks: Sequence[Sequence[float]], start: float | None,
                end: float | None) -> list:
    """The long tasks [start, duration] that ran at some time in [start, end)."""
    if start is None or end is None:
        return []
    return [task for task in tasks if task[0] < end and task[0] + task[1] > start]


def click_summary(record: dict, lines: Sequence[ServerLine]) -> dict:
    """One click's timeline, in ms from pointer down (see the module docstring).

    ``record`` is what the page recorded (``TRACE_JS``'s ``since``) plus the
    click's ``kind`` and the harness's ``times``; ``lines`` the server's log of
    the whole round."""
    start_wall = record["origin"] + record["start"]
    paired = pair([size for _, size in record["ws"]],
                  written_messages(lines, start_wall))

    def find(part: str) -> tuple[float | None, float | None]:
        """(written, handled by the page) of the first message carrying ``part``."""
        for (handled, _), line in zip(record["ws"], paired, strict=True):
            if line is not None and part in line.what:
                return line.wall_ms - start_wall, handled
        return None, None

    chart_written, chart_handled = find("plotly_chart")
    table_written, table_handled = find("dataframe")
    times = record["times"]
    return {
        "kind": record["kind"], "total": times["total"],
        "request": record["sent"][0] if record["sent"] else None,
        "server_first": next((line.wall_ms - start_wall for line in lines
                              if line.mark == "E" and line.wall_ms >= start_wall),
                             None),
        "chart_written": chart_written, "table_written": table_written,
        "chart_handled": chart_handled, "table_handled": table_handled,
        "tasks_between": overlapping(record["tasks"], table_written, table_handled),
        "kpi": times["kpi"], "table_drawn": times["drawn"],
        "split": times["drawn"] - times["kpi"] > SPLIT_MS,
        "messages": len(record["ws"]), "bytes": sum(n for _, n in record["ws"]),
        "unpaired": sum(line is None for line in paired),
    }


def summarize(clicks: Sequence[dict]) -> dict[str, dict]:
    """Per kind of click: how many split, and how long the table's message took
    from its write to the socket until the page handled it (median), with and
    without a split, and in how many of those clicks a long task ran meanwhile."""
    out = {}
    for kind in dict.fromkeys(c["kind"] for c in clicks):
        mine = [c for c in clicks if c["kind"] == kind]
        out[kind] = {"clicks": len(mine), "split": sum(c["split"] for c in mine)}
        for label, group in (("split", [c for c in mine if c["split"]]),
                             ("not split", [c for c in mine if not c["split"]])):
            waits = [c["table_handled"] - c["table_written"] for c in group
                     if c["table_written"] is not None
                     and c["table_handled"] is not None]
            out[kind][f"table waited, {label}"] = (
                round(statistics.median(waits), 1) if waits else None)
            out[kind][f"a long task meanwhile, {label}"] = sum(
                bool(c["tasks_between"]) for c in group)
    return out


def fmt(ms: float | None) -> str:
    """Whole milliseconds, or '-' for a time not found."""
    return "-" if ms is None else f"{ms:.0f}"


def describe_click(c: dict) -> str:
    """One printed line per click."""
    tasks = ", ".join(f"{t:.0f}+{d:.0f}" for t, d in c["tasks_between"]) or "none"
    return (f"{c['kind']:<10} all {fmt(c['total']):>4} | request {fmt(c['request'])}"
            f" | server: first {fmt(c['server_first'])}, chart written "
            f"{fmt(c['chart_written'])}, table written {fmt(c['table_written'])}"
            f" | page: "
            f"chart {fmt(c['chart_handled'])}, table {fmt(c['table_handled'])} "
            f"(long tasks meanwhile: {tasks}) | KPIs {fmt(c['kpi'])}, table drawn "
            f"{fmt(c['table_drawn'])}{'  SPLIT' if c['split'] else ''}"
            f" | {c['messages']} messages, {c['bytes']:,} bytes")


def traced_server(catalog: Path, log: Path) -> AppProcess:
    """A fresh server under ``bench.trace_server``, logging to ``log``."""
    log.unlink(missing_ok=True)
    os.environ["GME_TRACE_LOG"] = str(log)
    try:
        return AppProcess(catalog, kind="traced", log_name="bench-trace")
    finally:
        del os.environ["GME_TRACE_LOG"]


def trace_round(browser, catalog: Path, clicks: int, log: Path) -> list[dict]:
    """One fresh server and page; the summaries of its department clicks."""
    oracle = B.CatalogOracle(catalog)
    records: list[dict] = []
    with traced_server(catalog, log) as server:
        server.wait_ready()
        explorer = B.open_explorer(browser, server.url, oracle.total)
        try:
            explorer.context.add_init_script(TRACE_JS)
            explorer.page.reload()  # the trace script runs from this document on
            B.wait_kpi(explorer.page, B.PROGRAMS, oracle.total)

            def after_click(label: str, times: dict[str, float]) -> None:
                record = explorer.page.evaluate(
                    "window.__trace.since(window.__bench.start)")
                records.append({**record, "kind": label.split(", ")[-1],
                                "times": times})

            B.filter_runs(explorer.page, oracle, explorer.layout, clicks, after_click)
        finally:
            explorer.context.close()
    lines = parse_log(log.read_text(encoding="utf-8"))
    return [click_summary(record, lines) for record in records]


def main(argv: list[str] | None = None) -> None:
    """Run the rounds, print each click and the summary, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--clicks", type=int, default=10, help="per kind, per round")
    parser.add_argument("--catalog", type=Path, default=DEFAULT_CATALOG)
    parser.add_argument("--out", type=Path, default=LOG_DIR / "trace.json")
    args = parser.parse_args(argv)
    clicks: list[dict] = []
    with B.chromium() as browser:
        for number in range(args.rounds):
            found = trace_round(browser, args.catalog, args.clicks,
                                LOG_DIR / "bench-trace-messages.log")
            print(f"round {number + 1}:")
            for click in found:
                print("  " + describe_click(click))
            clicks += found
    summary = summarize(clicks)
    print(json.dumps(summary, indent=1))
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps({"clicks": clicks, "summary": summary}, indent=1),
                        encoding="utf-8")


if __name__ == "__main__":
    main()
