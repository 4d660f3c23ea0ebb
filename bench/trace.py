"""Where a filter change waits between the server and the page: a diagnostic.

    python -m bench.trace [--rounds 2] [--clicks 10] [--catalog CSV] [--out JSON]

Each round starts a fresh server under ``bench.trace_server``, which logs when
each message to the browser is queued and sent. It opens one explorer page in
Chromium (``bench.browser``) whose init script records every websocket message
when the page starts handling it (time and bytes), the long tasks (50 ms and
more) and the rerun request it sends. Then it makes the harness's department
clicks (``bench.browser.filter_runs``: new states, then the same states seen).
The page's messages and the server's lines arrive in the same order on one
socket and have the same sizes, so each message the page handled is paired
with the server's line for it.

It prints, per click, in ms from pointer down:
- when the page sent the rerun request;
- when the server queued the first message and sent the chart and the table;
- when the page handled the chart's and the table's messages, and the long
  tasks it ran in between;
- when the harness saw the KPIs and the table drawn.

A click "splits" when the table is drawn more than ``SPLIT_MS`` after the KPIs.
The summary counts them and says where their table message waited. Not part of
``bench.run``: this explains a measurement; it does not make one. See
docs/PERFORMANCE.md, "Where a rerun's messages wait".
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
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
    const rel = rows => rows.filter(r => r[0] + (r[1] || 0) >= start - 5)
      .map(([t, x]) => [t - start, x]);
    const out = {origin: performance.timeOrigin, start: start, ws: rel(T.ws),
                 tasks: rel(T.tasks), sent: T.sent.filter(t => t >= start)
                   .map(t => t - start)};
    T.ws = []; T.tasks = []; T.sent = [];
    return out;
  };
})();
"""


@dataclass(frozen=True)
class ServerLine:
    """One line of ``bench.trace_server``'s log."""

    mark: str  # 'E' queued by the script, 'S' sent by the event loop
    wall_ms: float
    size: int
    what: str


def parse_log(text: str) -> list[ServerLine]:
    """The lines of a ``bench.trace_server`` log, in order."""
    lines = []
    for row in text.splitlines():
        mark, wall, size, what = row.split(" ", 3)
        lines.append(ServerLine(mark, float(wall), int(size), what))
    return lines


def pair(page: Sequence[Sequence[float]], sent: Sequence[ServerLine],
         lookahead: int = 8) -> list[ServerLine | None]:
    """For each page message [ms, bytes], the server's send line for it: the next
    unpaired line of the same size within ``lookahead`` lines (None if none)."""
    paired: list[ServerLine | None] = []
    at = 0
    for _, size in page:
        match = next((i for i in range(at, min(at + lookahead, len(sent)))
                      if sent[i].size == size), None)
        paired.append(None if match is None else sent[match])
        if match is not None:
            at = match + 1
    return paired


def first(lines: Sequence[ServerLine | None], part: str) -> int | None:
    """Index of the first line whose description contains ``part``."""
    return next((i for i, line in enumerate(lines)
                 if line is not None and part in line.what), None)


def click_summary(record: dict, lines: Sequence[ServerLine]) -> dict:
    """One click's timeline, in ms from pointer down (see the module docstring).

    ``record`` is what the page recorded (``TRACE_JS``'s ``since``) plus the
    click's ``kind`` and the harness's ``times``; ``lines`` the server's log of
    the whole round."""
    start_wall = record["origin"] + record["start"]
    later = [line for line in lines if line.wall_ms >= start_wall]
    paired = pair(record["ws"], [line for line in later if line.mark == "S"])
    chart, table = first(paired, "plotly_chart"), first(paired, "dataframe")

    def sent(i: int | None) -> float | None:
        line = None if i is None else paired[i]
        return None if line is None else line.wall_ms - start_wall

    def handled(i: int | None) -> float | None:
        return None if i is None else record["ws"][i][0]

    times = record["times"]
    table_sent, table_handled = sent(table), handled(table)
    waited = table_sent is not None and table_handled is not None
    return {
        "kind": record["kind"], "total": times["total"],
        "request": record["sent"][0] if record["sent"] else None,
        "server_first": next((line.wall_ms - start_wall for line in later
                              if line.mark == "E"), None),
        "chart_sent": sent(chart), "table_sent": table_sent,
        "chart_handled": handled(chart), "table_handled": table_handled,
        "tasks_between": [task for task in record["tasks"] if waited
                          and table_sent <= task[0] < table_handled],
        "kpi": times.get("kpi"), "table_drawn": times.get("drawn"),
        "split": times.get("drawn", 0) - times.get("kpi", 0) > SPLIT_MS,
        "messages": len(record["ws"]), "bytes": sum(n for _, n in record["ws"]),
        "unpaired": sum(p is None for p in paired),
    }


def summarize(clicks: Sequence[dict]) -> dict[str, dict]:
    """Per kind of click: how many split, and where the table's message waited
    (ms from the server sending it to the page handling it; medians)."""
    out = {}
    for kind in dict.fromkeys(c["kind"] for c in clicks):
        mine = [c for c in clicks if c["kind"] == kind]
        out[kind] = {"clicks": len(mine), "split": sum(c["split"] for c in mine)}
        for label, group in (("split", [c for c in mine if c["split"]]),
                             ("not split", [c for c in mine if not c["split"]])):
            waits = [c["table_handled"] - c["table_sent"] for c in group
                     if c["table_sent"] is not None and c["table_handled"] is not None]
            out[kind][f"table waited, {label}"] = (
                round(statistics.median(waits), 1) if waits else None)
            out[kind][f"a long task meanwhile, {label}"] = sum(
                bool(c["tasks_between"]) for c in group)
    return out


def fmt(ms: float | None) -> str:
    return "-" if ms is None else f"{ms:.0f}"


def describe_click(c: dict) -> str:
    """One printed line per click."""
    tasks = ", ".join(f"{t:.0f}+{d:.0f}" for t, d in c["tasks_between"]) or "none"
    return (f"{c['kind']:<10} all {fmt(c['total']):>4} | request {fmt(c['request'])}"
            f" | server: first {fmt(c['server_first'])}, chart sent "
            f"{fmt(c['chart_sent'])}, table sent {fmt(c['table_sent'])} | page: "
            f"chart {fmt(c['chart_handled'])}, table {fmt(c['table_handled'])} "
            f"(long tasks between: {tasks}) | KPIs {fmt(c['kpi'])}, table drawn "
            f"{fmt(c['table_drawn'])}{'  SPLIT' if c['split'] else ''}"
            f" | {c['messages']} messages, {c['bytes']:,} bytes")


def trace_round(browser, catalog: Path, clicks: int, log: Path) -> list[dict]:
    """One fresh server and page; the summaries of its department clicks."""
    log.unlink(missing_ok=True)
    os.environ["GME_TRACE_LOG"] = str(log)
    oracle = B.CatalogOracle(catalog)
    records: list[dict] = []
    with AppProcess(catalog, kind="traced", log_name="bench-trace") as server:
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
