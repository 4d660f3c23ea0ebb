"""The yardstick: a plain server-rendered faceted browser of the same catalog.

The issue's latency targets were set as "no slower than a server-rendered page",
measured on this machine. Machine speed drifts by tens of percent between runs,
so the harness measures that page in the same run as the app, with the same
clicks and the same idea of "all updated", and reports both.

The page (``ReferencePage``) has no JavaScript of its own. Each response is a
complete HTML document rendered from a pandas frame of the CSV:

- a search form (GET, ``q``; Enter submits it);
- the Department facet as links, each with its count given the search; a link
  adds or removes its department (``department=`` in the URL);
- the figure "Programs";
- an inline SVG bar chart of the programs by type (``data-programs`` on each bar);
- a table of the first 1,000 programs in the explorer's order.

It filters like the app (``bench.browser.CatalogOracle``, which
``tests/unit/test_bench_oracle.py`` holds to the app's own queries). It is
served by the standard library's threading HTTP server, HTTP/1.1 keep-alive,
``TCP_NODELAY``, in a process of its own:

    python -m bench.reference --catalog data/programs.csv --port 8600

``reference_rows`` drives it in Chromium: a capture-phase ``pointerdown`` (or
the ``keydown`` of Enter) stores the start in ``sessionStorage``; in the next
document a check on every animation frame ends the measure when the figure, the
chart's bars and the table's first row names and row count show the expected
state. "all updated" therefore includes the navigation, the server's response,
parsing and layout up to the first frame that shows everything.
"""

from __future__ import annotations

import argparse
import functools
import html
import http.client
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import numpy as np
import pandas as pd

from bench.browser import TIMEOUT_MS, TYPE_ORDER, VIEWPORT, CatalogOracle, search_plan
from bench.server import LOG_DIR, ROOT, free_port, stop_process

TABLE_LIMIT = 1_000  # rows the table shows at most, as in the explorer
COLUMNS = (("name", "Program"), ("program_type", "Type"),
           ("department", "Department"), ("specialty", "Specialty"),
           ("site", "Site"))
STYLE = ("body{font-family:sans-serif;margin:2rem}ul{columns:3;list-style:none;"
         "padding:0}a[aria-current]{font-weight:bold}table{border-collapse:"
         "collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}")


class ReferencePage:
    """Renders the page for a query string."""

    def __init__(self, catalog: Path):
        self.oracle = CatalogOracle(catalog)
        frame = pd.read_csv(catalog, dtype=str, keep_default_na=False,
                            encoding="utf-8-sig")
        self._cells = {column: frame[column].str.strip().to_numpy()
                       for column, _ in COLUMNS}
        self._order = self.oracle.order
        self._everyone = np.ones(self.oracle.total, dtype=bool)
        # Codes for the counts: one np.bincount per facet instead of a sort.
        self._codes, self._labels = {}, {}
        for column in ("department", "program_type"):
            codes, labels = pd.factorize(self._cells[column])
            self._codes[column], self._labels[column] = codes, labels.tolist()

    def _mask(self, rows: set[int] | None) -> np.ndarray:
        if rows is None:
            return self._everyone
        mask = np.zeros(self.oracle.total, dtype=bool)
        mask[list(rows)] = True
        return mask

    def render(self, query: str) -> str:
        params = parse_qs(query)
        chosen = [d for d in params.get("department", []) if d]
        words = params.get("q", [""])[0].strip()
        searched = self._mask(self.oracle.search_rows(words) if words else None)
        labels = self._labels["department"]
        wanted = [labels.index(d) for d in chosen if d in labels]
        shown = searched & np.isin(self._codes["department"], wanted) if chosen \
            else searched
        return "".join([
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
            f"<title>Programs</title><style>{STYLE}</style></head><body>",
            "<h1>Programs</h1>",
            self._search_form(words, chosen),
            self._facet(searched, chosen, words),
            f"<p>Programs <strong data-kpi>{int(shown.sum()):,}</strong></p>",
            self._chart(shown),
            self._table(shown),
            "</body></html>"])

    @staticmethod
    def _search_form(words: str, chosen: list[str]) -> str:
        hidden = "".join(f"<input type='hidden' name='department' "
                         f"value='{html.escape(d, quote=True)}'>" for d in chosen)
        return ("<form method='get' action='/'><label>Search programs "
                f"<input name='q' value='{html.escape(words, quote=True)}'></label>"
                f"{hidden}<button>Search</button></form>")

    def _facet(self, searched: np.ndarray, chosen: list[str], words: str) -> str:
        counts = self._counts("department", searched)
        items = []
        for name, count in sorted(counts.items(), key=lambda nc: (-nc[1], nc[0])):
            if not name:
                continue
            toggled = ([d for d in chosen if d != name] if name in chosen
                       else [*chosen, name])
            link = urlencode([("q", words)] * bool(words)
                             + [("department", d) for d in toggled])
            current = " aria-current='true'" if name in chosen else ""
            items.append(f"<li><a href='/?{html.escape(link, quote=True)}'{current}>"
                         f"{html.escape(name)} ({count:,})</a></li>")
        return f"<nav aria-label='Department'><ul>{''.join(items)}</ul></nav>"

    def _counts(self, column: str, mask: np.ndarray) -> dict[str, int]:
        counts = np.bincount(self._codes[column][mask],
                             minlength=len(self._labels[column]))
        return {label: int(n)
                for label, n in zip(self._labels[column], counts, strict=True) if n}

    def _chart(self, shown: np.ndarray) -> str:
        by_type = self._counts("program_type", shown)
        order = [t for t in TYPE_ORDER if t in by_type] + sorted(
            t for t in by_type if t not in TYPE_ORDER)
        top = max(by_type.values(), default=1)
        bars = []
        for i, name in enumerate(order):
            width = 400 * by_type[name] / top
            bars.append(
                f"<text x='0' y='{i * 30 + 18}'>{html.escape(name)}</text>"
                f"<rect x='150' y='{i * 30 + 4}' width='{width:.1f}' height='20' "
                f"fill='#0072b2' data-programs='{by_type[name]}'></rect>"
                f"<text x='{155 + width:.1f}' y='{i * 30 + 18}'>{by_type[name]:,}"
                "</text>")
        return (f"<svg role='img' aria-label='Programs by type' width='640' "
                f"height='{30 * len(order) + 10}'>{''.join(bars)}</svg>")

    def _table(self, shown: np.ndarray) -> str:
        rows = self._order[shown[self._order]][:TABLE_LIMIT]
        cells = self._cells
        body = "".join(
            f"<tr><th scope='row'>{html.escape(cells['name'][r])}</th>"
            + "".join(f"<td>{html.escape(cells[c][r])}</td>" for c, _ in COLUMNS[1:])
            + "</tr>" for r in rows)
        head = "".join(f"<th scope='col'>{label}</th>" for _, label in COLUMNS)
        return (f"<h2>The {int(shown.sum()):,} programs</h2><table><thead><tr>"
                f"{head}</tr></thead><tbody>{body}</tbody></table>")


def serve(catalog: Path, port: int) -> None:
    """Serve ``ReferencePage`` on 127.0.0.1:``port`` until killed."""
    page = ReferencePage(catalog)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            parts = urlsplit(self.path)
            if parts.path == "/health":
                body, kind = b"ok", "text/plain"
            elif parts.path == "/":
                body, kind = page.render(parts.query).encode(), "text/html"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


class ReferenceProcess:
    """``serve`` in a process of its own; a context manager, stopped on exit."""

    def __init__(self, catalog: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        LOG_DIR.mkdir(exist_ok=True)
        self._log = (LOG_DIR / "bench-reference.log").open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.reference", "--catalog", str(catalog),
             "--port", str(self.port)], cwd=ROOT, stdout=self._log,
            stderr=subprocess.STDOUT)

    def __enter__(self) -> ReferenceProcess:
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError("the reference server exited early; see "
                                   f"{LOG_DIR / 'bench-reference.log'}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/health")
                if conn.getresponse().status == 200:
                    conn.close()
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the reference server was not ready in 120 s")
            time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        stop_process(self.process)
        self._log.close()


# --- in the browser -------------------------------------------------------------------

INIT_JS = r"""
(() => {
  const now = () => performance.timeOrigin + performance.now();
  const start = () => sessionStorage.setItem('__ref_t0', String(now()));
  addEventListener('pointerdown', start, true);
  addEventListener('keydown', e => { if (e.key === 'Enter') start(); }, true);
  window.__ref = {result: null, shown: null};
  const expect = JSON.parse(sessionStorage.getItem('__ref_expect') || 'null');
  const t0 = Number(sessionStorage.getItem('__ref_t0'));
  if (!expect || !(t0 > 0)) return;
  const deadline = performance.now() + expect.timeout;
  const check = () => {
    const kpi = document.querySelector('[data-kpi]');
    const figure = kpi ? Number(kpi.textContent.replace(/,/g, '')) : null;
    let bars = 0;
    for (const b of document.querySelectorAll('svg [data-programs]')) {
      bars += Number(b.dataset.programs);
    }
    const rows = document.querySelectorAll('tbody tr');
    const first = [...document.querySelectorAll('tbody tr > th')]
      .slice(0, expect.first.length).map(th => th.textContent);
    window.__ref.shown = {figure, bars, rows: rows.length, first};
    if (figure === expect.programs && bars === expect.programs
        && rows.length === expect.rows
        && JSON.stringify(first) === JSON.stringify(expect.first)) {
      window.__ref.result = now() - t0;
      sessionStorage.removeItem('__ref_expect');
      sessionStorage.removeItem('__ref_t0');
    } else if (performance.now() < deadline) {
      requestAnimationFrame(check);
    } else {
      window.__ref.result = -1;
    }
  };
  requestAnimationFrame(check);
})();
"""


def _expect(page, oracle: CatalogOracle, rows: set[int]) -> None:
    expect = {"programs": len(rows), "first": list(oracle.first(rows)),
              "rows": min(len(rows), TABLE_LIMIT), "timeout": TIMEOUT_MS}
    page.evaluate("e => sessionStorage.setItem('__ref_expect', JSON.stringify(e))",
                  expect)


def _timed(page, action: Callable[[], None], what: str) -> float:
    with page.expect_navigation():
        action()
    page.wait_for_function("() => window.__ref && window.__ref.result !== null",
                           timeout=TIMEOUT_MS + 10_000)
    result = page.evaluate("window.__ref")
    if result["result"] < 0:
        raise RuntimeError(f"reference, {what}: never showed the expected state; "
                           f"it showed {result['shown']}")
    return float(result["result"])


def reference_rows(browser, url: str, oracle: CatalogOracle, runs: int) -> list[dict]:
    """The reference page timed like the explorer: departments added one at a
    time, largest first, from the unfiltered page, then each planned search word
    (``runs`` of each; the page has no cache, so there is no "seen" round).
    [{'measure', 'part', 'times'}]."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(INIT_JS)
    try:
        page = context.new_page()
        filters: list[float] = []
        page.goto(f"{url}/")
        departments = oracle.departments()[:runs]
        for i, department in enumerate(departments):
            _expect(page, oracle, oracle.department_rows(*departments[:i + 1]))
            link = page.get_by_role("link", name=re.compile(
                rf"^{re.escape(department)} \("))
            filters.append(_timed(page, link.click, f"adding {department!r}"))
        searches: list[float] = []
        page.goto(f"{url}/")
        for word in search_plan(oracle, runs, live=False):
            box = page.get_by_role("textbox", name="Search programs")
            box.fill(word)
            _expect(page, oracle, oracle.search_rows(word))
            searches.append(_timed(page, functools.partial(box.press, "Enter"),
                                   f"searching {word!r}"))
    finally:
        context.close()
    return [{"measure": "server-rendered reference: filter change", "part":
             "all updated", "times": filters},
            {"measure": "server-rendered reference: search (Enter)", "part":
             "all updated", "times": searches}]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    print(json.dumps({"serving": args.port}), flush=True)
    serve(args.catalog, args.port)


if __name__ == "__main__":
    main()
