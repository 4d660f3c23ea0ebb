"""Benchmark: how long the explorer takes to rerun under AppTest after a change.

For the real catalog and a synthetic one (default 100,000 rows, made by
``bench.synth`` and passed to the app through ``GME_CATALOG``) it times
``AppTest.run()`` after (1) a filter change and (2) a search-box change, each
twice: with a filter state never seen before ("new": every query runs in DuckDB)
and with one seen before ("seen": results come from the cache). It prints a
Markdown table of the median and min-max over the runs (10 by default).

    python -m bench.bench_explorer [--runs 10] [--rows 100000] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.synth import write_catalog
from gme.catalog import CATALOG_ENV, DEFAULT_CATALOG

ROOT = Path(__file__).resolve().parent.parent
SEARCHES = ("cardio", "neuro", "ped", "surg", "path", "psych", "onc", "rad", "ortho",
            "derm", "nephro", "endo", "pulm", "gastro", "sleep", "hand", "vascular",
            "critical", "pharmacy", "nursing")


def open_explorer() -> AppTest:
    """The real app.py, switched to the explorer page (first runs not timed)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page(str(ROOT / "pages" / "explorer.py"))
    at.run()
    if at.exception:
        raise RuntimeError(f"the explorer failed: {at.exception}")
    return at


def timed(at: AppTest, change: Callable[[AppTest], object]) -> float:
    """Milliseconds of the rerun that follows ``change(at)``."""
    change(at)
    start = time.perf_counter()
    at.run()
    elapsed = (time.perf_counter() - start) * 1000
    if at.exception:
        raise RuntimeError(f"the explorer failed: {at.exception}")
    return elapsed


def filter_changes(at: AppTest, runs: int) -> dict[str, list[float]]:
    """Times for department filter changes: new states, then states seen before."""
    labels = at.multiselect(key="explorer_department").options
    departments = [_raw(label) for label in labels]
    departments = (departments * runs)[:runs]  # repeats only in a tiny catalog

    def choose(department: str) -> Callable[[AppTest], object]:
        return lambda a: a.multiselect(key="explorer_department").set_value(
            [department])

    new = [timed(at, choose(d)) for d in departments]
    seen = [timed(at, choose(d)) for d in departments]
    at.multiselect(key="explorer_department").set_value([]).run()
    return {"filter change, new state": new, "filter change, seen state": seen}


def search_changes(at: AppTest, runs: int) -> dict[str, list[float]]:
    """Times for search-box changes: new words, then words searched before."""
    words = [SEARCHES[i % len(SEARCHES)] + ("" if i < len(SEARCHES) else f" {i}")
             for i in range(runs)]
    new = [timed(at, lambda a, w=w: a.text_input(key="explorer_q").input(w))
           for w in words]
    seen = [timed(at, lambda a, w=w: a.text_input(key="explorer_q").input(w))
            for w in words]
    at.text_input(key="explorer_q").input("").run()
    return {"search change, new text": new, "search change, seen text": seen}


def _raw(label: str) -> str:
    """The option value behind a label: 'Pediatrics (3)' -> 'Pediatrics'."""
    text = label.rsplit(" (", 1)[0]
    return "" if text == "Not stated" else text


def bench_catalog(path: Path, runs: int) -> tuple[int, dict[str, list[float]]]:
    """(programs in the catalog, all timings) for the catalog at ``path``."""
    os.environ[CATALOG_ENV] = str(path)
    at = open_explorer()
    programs = int(next(m.value for m in at.metric if m.label == "Programs")
                   .replace(",", ""))
    return programs, {**filter_changes(at, runs), **search_changes(at, runs)}


def synthetic_catalog(rows: int) -> Path:
    """A synthetic catalog of ``rows`` programs, made once in the temp folder."""
    path = Path(tempfile.gettempdir()) / "gme-bench" / f"programs_{rows}.csv"
    if not path.exists():
        write_catalog(path, rows)
    return path


def markdown(results: list[dict]) -> str:
    """The results as a Markdown table."""
    lines = ["| catalog | programs | rerun after | median ms | min-max ms | runs |",
             "|---|---:|---|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['catalog']} | {r['programs']:,} | {r['interaction']} | "
                     f"{r['median_ms']:.1f} | {r['min_ms']:.1f}-{r['max_ms']:.1f} | "
                     f"{r['runs']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs per measurement")
    parser.add_argument("--rows", type=int, default=100_000,
                        help="programs in the synthetic catalog (default 100000)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    catalogs = [("real", DEFAULT_CATALOG), ("synthetic", synthetic_catalog(args.rows))]
    results = []
    for name, path in catalogs:
        programs, timings = bench_catalog(path, args.runs)
        for interaction, times in timings.items():
            results.append({"catalog": name, "programs": programs,
                            "interaction": interaction, "runs": len(times),
                            "median_ms": statistics.median(times),
                            "min_ms": min(times), "max_ms": max(times)})
    print(markdown(results))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{os.cpu_count()} CPUs; load average while measuring: {load}.")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
