"""The benchmark's server-rendered reference page shows what the explorer shows.

``bench.reference.ReferencePage`` is the yardstick the explorer's latency is
compared with; a page that filtered wrongly, or showed less, would make that
comparison meaningless. These tests hold its figure, chart and table to the
oracle (itself held to the app's queries in test_bench_oracle.py).
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlencode

import pytest

from bench.browser import CatalogOracle
from bench.reference import TABLE_LIMIT, ReferencePage
from bench.synth import write_catalog
from gme.catalog import DEFAULT_CATALOG


@pytest.fixture(scope="module", params=["real", "synthetic"])
def page(request, tmp_path_factory):
    if request.param == "real":
        return ReferencePage(DEFAULT_CATALOG)
    path = tmp_path_factory.mktemp("synthetic") / "programs.csv"
    write_catalog(path, 3_000)
    return ReferencePage(path)


def shown(html: str) -> dict:
    """What a reader of the page sees: figure, bar total, table rows, first names."""
    figure = int(re.search(r"<strong data-kpi>([\d,]+)</strong>", html)[1]
                 .replace(",", ""))
    bars = sum(int(n) for n in re.findall(r"data-programs='(\d+)'", html))
    names = [unescape(n) for n in re.findall(r"<th scope='row'>(.*?)</th>", html)]
    return {"figure": figure, "bars": bars, "rows": len(names), "first": names[:5]}


def expected(oracle: CatalogOracle, rows: set[int] | None) -> dict:
    count = oracle.total if rows is None else len(rows)
    return {"figure": count, "bars": count, "rows": min(count, TABLE_LIMIT),
            "first": list(oracle.first(rows))}


def test_unfiltered_page_shows_every_program(page):
    assert shown(page.render("")) == expected(page.oracle, None)


def test_departments_filter_like_the_explorer(page):
    departments = page.oracle.departments()[:3]
    for n in range(1, 4):
        query = urlencode([("department", d) for d in departments[:n]])
        rows = page.oracle.department_rows(*departments[:n])
        assert shown(page.render(query)) == expected(page.oracle, rows)


def test_search_filters_like_the_explorer(page):
    for word in ("cardio", "neuro surg", "pediatric"):
        rows = page.oracle.search_rows(word)
        assert shown(page.render(urlencode({"q": word}))) == expected(page.oracle,
                                                                       rows)


def test_each_department_link_adds_or_removes_that_department(page):
    first, second = page.oracle.departments()[:2]
    html = unescape(page.render(urlencode({"department": first})))
    links = dict((text, href) for href, text in
                 re.findall(r"<a href='/\?([^']*)'[^>]*>([^<]*) \(", html))
    assert links[first] == ""  # removing the only one: back to everything
    assert links[second] == urlencode([("department", first),
                                       ("department", second)])


def test_catalog_text_is_escaped():
    page = ReferencePage(DEFAULT_CATALOG)
    html = page.render(urlencode({"q": "<script>x</script>"}))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
