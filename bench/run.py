"""The whole benchmark in one command: AppTest, real browser, server.

    python -m bench.run                      # everything, 10 runs, 54/13,000/100,000
    python -m bench.run --quick              # 3 runs, 54 and 100,000 (development)
    python -m bench.run --parts browser --sizes 54 --runs 5

Sizes: 54 is the real catalog (``data/programs.csv``); any other size is a
synthetic catalog from ``bench.synth``, written once to the temp folder. For each
size it runs

- apptest: ``bench.bench_explorer`` (explorer rerun after a filter / search change);
- browser: ``bench.browser`` against a fresh ``streamlit run`` of that catalog
  (first visits, filter change, search keystroke; the overview at the first size),
  then the same filter changes and searches on a plain server-rendered page of
  the same catalog (``bench.reference``), printed side by side;
- server: peak RSS with 1 and 20 sessions on the same server (with the RSS at
  that moment and its anonymous and file-backed parts, and beside them the
  file-backed RSS of a process that only imports the same libraries, which shows
  the page cache's state: docs/PERFORMANCE.md, "Server"); once (they do not
  depend on the catalog): cold start, and 50 requests on one keep-alive connection
  before and after the app's first run, for ``streamlit run`` and for the app
  under uvicorn (``asgi.py``).

It prints one Markdown table per part with the machine (CPUs, CPU model, load
average at start and end, versions) and writes everything, raw times included,
to ``bench/results/latest.json``. A part that fails is reported and the others
still run; the exit status is then 1.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import traceback
from importlib import metadata
from pathlib import Path

from bench import browser as browser_bench
from bench import server as server_bench
from bench.bench_explorer import bench_catalog, synthetic_catalog
from bench.reference import ReferenceProcess, reference_rows
from gme.catalog import CATALOG_ENV, DEFAULT_CATALOG

RESULTS = Path(__file__).resolve().parent / "results"
PARTS = ("apptest", "browser", "server")
DEFAULT_SIZES = (54, 13_000, 100_000)
QUICK_SIZES = (54, 100_000)
SESSIONS = 20
KEEPALIVE_REQUESTS = 50


def real_rows() -> int:
    """Programs in the real catalog (data rows of data/programs.csv)."""
    with DEFAULT_CATALOG.open(encoding="utf-8-sig") as handle:
        return sum(1 for line in handle if line.strip()) - 1


def catalog_for(size: int) -> Path:
    """The real catalog for its own size, else a synthetic one of ``size`` rows."""
    return DEFAULT_CATALOG if size == real_rows() else synthetic_catalog(size)


# --- machine -----------------------------------------------------------------------

def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in ("streamlit", "duckdb", "plotly", "pandas", "playwright",
                    "uvicorn"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


_T0 = time.monotonic()


def log(message: str) -> None:
    """Progress on stderr, with seconds since the start."""
    print(f"[bench {time.monotonic() - _T0:5.0f} s] {message}", file=sys.stderr,
          flush=True)


# --- the parts -----------------------------------------------------------------------

def stats(times: list[float]) -> dict:
    """Median, min, max and runs of ``times`` (ms or MB), raw values kept."""
    if not times:
        return {"median": None, "min": None, "max": None, "runs": 0, "times": []}
    return {"median": statistics.median(times), "min": min(times), "max": max(times),
            "runs": len(times), "times": [round(t, 1) for t in times]}


def apptest_part(sizes: list[int], runs: int) -> list[dict]:
    """AppTest reruns of the explorer for each size (in this process)."""
    rows = []
    saved = os.environ.get(CATALOG_ENV)
    try:
        for size in sizes:
            programs, timings = bench_catalog(catalog_for(size), runs)
            for measure, times in timings.items():
                rows.append({"size": programs, "measure": measure,
                             "part": "rerun", **stats(times)})
    finally:
        if saved is None:
            os.environ.pop(CATALOG_ENV, None)
        else:
            os.environ[CATALOG_ENV] = saved
    return rows


def per_size_part(chromium, size: int, parts: set[str], runs: int, home: bool,
                  notes: dict) -> tuple[list[dict], list[dict]]:
    """Browser and memory measurements against a fresh server of one catalog."""
    catalog = catalog_for(size)
    oracle = browser_bench.CatalogOracle(catalog)
    browser_rows, server_rows = [], []
    with server_bench.AppProcess(catalog, log_name=f"bench-{size}") as server:
        server.wait_ready()
        explorer = browser_bench.open_explorer(chromium, server.url, oracle.total)
        log(f"explorer open: {explorer.layout}")
        try:
            notes[size] = {"layout": explorer.layout.__dict__}
            memory = {}

            def read_memory(open_sessions: int) -> None:
                memory[max(SESSIONS, open_sessions)] = server_bench.sessions_memory(
                    server, chromium, oracle.total, open_sessions, SESSIONS)
                log(f"memory: {memory}")

            if "server" in parts:
                memory[1] = server.memory_mb()
            if "browser" in parts:
                mode, rows = browser_bench.explorer_rows(
                    chromium, server.url, oracle, explorer, runs, log,
                    read_memory if "server" in parts else None)
                notes[size]["search commits"] = mode
                if home:
                    rows += browser_bench.home_rows(chromium, server.url,
                                                    oracle.total, runs)
                    log("overview visits done")
                with ReferenceProcess(catalog) as reference:
                    rows += reference_rows(chromium, reference.url, oracle, runs)
                log("server-rendered reference done")
                browser_rows = [{"size": oracle.total, **r, **stats(r.pop("times"))}
                                for r in rows]
            elif "server" in parts:
                read_memory(1)
            for sessions, mb in memory.items():
                for key, name in (("peak_mb", "peak RSS (VmHWM)"),
                                  ("rss_mb", "RSS now (VmRSS)"),
                                  ("anon_mb", "of which anonymous (RssAnon)"),
                                  ("file_mb", "of which file-backed (RssFile)")):
                    if key not in mb:  # a field this kernel does not report
                        continue
                    server_rows.append({
                        "size": oracle.total, "server": "streamlit run",
                        "measure": f"{name}, {sessions} session"
                                   + ("s" if sessions > 1 else ""),
                        "unit": "MB", **stats([mb[key]])})
        finally:
            explorer.context.close()
    return browser_rows, server_rows


def yardstick_rows(size: int) -> list[dict]:
    """The page cache's yardstick (``bench.server.library_pages_mb``), measured
    right after the server of ``size`` programs: one row, none off Linux."""
    pages = server_bench.library_pages_mb()
    if pages is None:
        return []
    return [{"size": size, "server": "python, imports only",
             "measure": "file-backed RSS (RssFile), the page cache's yardstick",
             "unit": "MB", **stats([pages])}]


def server_once(chromium, runs: int) -> list[dict]:
    """Cold starts and one keep-alive connection, streamlit run and uvicorn."""
    rows = []
    total = real_rows()
    names = {"streamlit": "streamlit run", "uvicorn": "uvicorn (asgi.py)"}
    for kind in server_bench.KINDS:
        for path, times in server_bench.cold_starts(kind, runs).items():
            rows.append({"size": None, "server": names[kind],
                         "measure": f"cold start -> first 200 on {path}",
                         "unit": "ms", **stats(times)})
        with server_bench.AppProcess(DEFAULT_CATALOG, kind=kind,
                                     log_name=f"bench-keepalive-{kind}") as server:
            server.wait_ready()
            before = server_bench.reused_connection(server.port, KEEPALIVE_REQUESTS)
            # The app must really work there; its first run also applies
            # gme.runtime's settings, TCP_NODELAY on the listening socket included.
            server_bench.check_serves_app(chromium, server.url, total)
            after = server_bench.reused_connection(server.port, KEEPALIVE_REQUESTS)
        for when, times in (("before the app's first run", before),
                            ("after the app's first run", after)):
            rows.append({"size": None, "server": names[kind],
                         "measure": f"keep-alive GET /_stcore/health, 1st request, "
                                    f"{when}", "unit": "ms", **stats(times[:1])})
            rows.append({"size": None, "server": names[kind],
                         "measure": f"keep-alive GET /_stcore/health, requests "
                                    f"2-{len(times)}, {when}", "unit": "ms",
                         **stats(times[1:])})
    return rows


# --- output --------------------------------------------------------------------------

def cell(row: dict, digits: int = 0) -> str:
    if not row or row["runs"] == 0:
        return "–"
    if row["runs"] == 1:
        return f"{row['median']:,.{digits}f} (1)"
    return (f"**{row['median']:,.{digits}f}** ({row['min']:,.{digits}f}–"
            f"{row['max']:,.{digits}f}; {row['runs']})")


def pivot(rows: list[dict], title: str, digits: int = 0) -> str:
    """Rows (measure, part) x columns (catalog size): median (min–max; runs)."""
    sizes = sorted({r["size"] for r in rows})
    keys = list(dict.fromkeys((r["measure"], r["part"]) for r in rows))
    by_key = {(r["measure"], r["part"], r["size"]): r for r in rows}
    lines = [f"### {title}", "",
             "Milliseconds: **median** (min–max; runs), one column per catalog size.",
             "", "| measure | what | " + " | ".join(f"{s:,} programs" for s in sizes)
             + " |", "|---|---|" + "---:|" * len(sizes)]
    for measure, part in keys:
        cells = [cell(by_key.get((measure, part, s), {}), digits) for s in sizes]
        lines.append(f"| {measure} | {part} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


AGAINST_REFERENCE = (
    ("filter change, new state", "server-rendered reference: filter change"),
    ("filter change, seen state", "server-rendered reference: filter change"),
    ("search keystroke, new text", "server-rendered reference: search (Enter)"),
    ("search keystroke, seen text", "server-rendered reference: search (Enter)"),
)


def reference_table(rows: list[dict]) -> str:
    """The explorer's "all updated" medians against the reference page's, per size."""
    by_key = {(r["measure"], r["size"]): r for r in rows if r["part"] == "all updated"}
    sizes = sorted({r["size"] for r in rows})
    lines = ["### The explorer against the server-rendered reference (same run)", "",
             "All updated, median ms: explorer / reference = ratio.", "",
             "| measure | " + " | ".join(f"{s:,} programs" for s in sizes) + " |",
             "|---|" + "---:|" * len(sizes)]
    for app, reference in AGAINST_REFERENCE:
        cells = []
        for size in sizes:
            mine, theirs = by_key.get((app, size)), by_key.get((reference, size))
            if not mine or not theirs or not mine["runs"] or not theirs["runs"]:
                cells.append("–")
                continue
            cells.append(f"{mine['median']:,.0f} / {theirs['median']:,.0f} = "
                         f"{mine['median'] / theirs['median']:.2f}×")
        lines.append(f"| {app} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def server_table(rows: list[dict]) -> str:
    lines = ["### Server", "", "**median** (min–max; runs)", "",
             "| server | measure | programs | value |", "|---|---|---:|---:|"]
    for r in rows:
        size = "–" if r["size"] is None else f"{r['size']:,}"
        digits = 1 if r["unit"] == "ms" and (r["median"] or 0) < 100 else 0
        lines.append(f"| {r['server']} | {r['measure']} | {size} | "
                     f"{cell(r, digits)} {r['unit']} |")
    return "\n".join(lines)


def machine_text(machine: dict) -> str:
    v = machine["versions"]
    return (f"Machine: {machine['cpus']} CPUs ({machine['cpu_model']}); load average "
            f"(1, 5, 15 min) at start {machine['load_start']}, at end "
            f"{machine['load_end']}; Python {v['python']}, streamlit "
            f"{v['streamlit']}, duckdb {v['duckdb']}, plotly {v['plotly']}, pandas "
            f"{v['pandas']}, playwright {v['playwright']}, {machine['chromium']}.")


# --- main ----------------------------------------------------------------------------

def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=None,
                        help="runs per measurement (default 10; 3 with --quick)")
    parser.add_argument("--sizes", default=None,
                        help="catalog sizes, comma-separated (default "
                             "54,13000,100000; 54,100000 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="3 runs, sizes 54 and 100000: for development")
    parser.add_argument("--parts", default=",".join(PARTS),
                        help="comma-separated subset of " + ",".join(PARTS))
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json",
                        help="where to write the JSON results")
    args = parser.parse_args(argv)
    args.runs = args.runs or (3 if args.quick else 10)
    default = QUICK_SIZES if args.quick else DEFAULT_SIZES
    args.sizes = ([int(s.replace("_", "")) for s in args.sizes.split(",")]
                  if args.sizes else list(default))
    args.parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    unknown = args.parts - set(PARTS)
    if unknown or args.runs < 1:
        parser.error(f"unknown parts {sorted(unknown)}" if unknown
                     else "--runs must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    started = time.monotonic()
    machine = {"cpus": os.cpu_count(), "cpu_model": cpu_model(),
               "load_start": load(), "versions": versions(), "chromium": "chromium"}
    results: dict = {"options": {"runs": args.runs, "sizes": args.sizes,
                                 "parts": sorted(args.parts)},
                     "machine": machine, "apptest": [], "browser": [], "server": [],
                     "notes": {}, "errors": []}

    def attempt(what: str, action) -> None:
        log(f"{what} ...")
        try:
            action()
        except Exception as error:  # noqa: BLE001 - report it, run the other parts
            traceback.print_exc()
            results["errors"].append(f"{what}: {type(error).__name__}: {error}")

    if "apptest" in args.parts:
        attempt("apptest", lambda: results["apptest"].extend(
            apptest_part(args.sizes, args.runs)))
    if args.parts & {"browser", "server"}:
        with browser_bench.chromium() as chromium:
            machine["chromium"] = f"Chromium {chromium.version}"
            for i, size in enumerate(args.sizes):
                def measure(size=size, home=(i == 0)):
                    found = per_size_part(chromium, size, args.parts, args.runs, home,
                                          results["notes"])
                    results["browser"].extend(found[0])
                    results["server"].extend(found[1])
                attempt(f"browser/server, {size:,} programs", measure)
                if "server" in args.parts:
                    attempt(f"the page cache's yardstick, {size:,} programs",
                            lambda size=size: results["server"].extend(
                                yardstick_rows(size)))
            if "server" in args.parts:
                attempt("server start and keep-alive", lambda: results["server"]
                        .extend(server_once(chromium, args.runs)))
    machine["load_end"] = load()
    results["elapsed_s"] = round(time.monotonic() - started, 1)

    print(f"## Benchmark ({args.runs} runs; sizes "
          f"{', '.join(f'{s:,}' for s in args.sizes)})\n")
    print(machine_text(machine) + "\n")
    if results["apptest"]:
        print(pivot(results["apptest"], "AppTest: explorer rerun") + "\n")
    if results["browser"]:
        print(pivot(results["browser"], "Browser (Chromium)") + "\n")
        print(reference_table(results["browser"]) + "\n")
        for size, note in results["notes"].items():
            print(f"- {size:,} programs: {note}")
        print()
    if results["server"]:
        print(server_table(results["server"]) + "\n")
    for error in results["errors"]:
        print(f"FAILED: {error}")
    print(f"Finished in {results['elapsed_s']:.0f} s.")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"Results: {args.out}")
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
