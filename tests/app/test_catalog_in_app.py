"""The app with other catalogs: hostile values shown as text, edits picked up."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.app.conftest import open_page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ROOT = Path(__file__).resolve().parents[2]


def _all_markdown(at) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "warning",
                                               "info", "error")
                     for e in at.get(kind))


def test_html_in_a_catalog_value_is_shown_as_text(monkeypatch):
    """A program name with HTML and a Markdown link reaches the table verbatim and
    is never handed to Markdown unescaped."""
    monkeypatch.setenv("GME_CATALOG", str(FIXTURES / "ok" / "html_in_name.csv"))
    at = open_page("explorer")
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Program" in d.value.columns)
    names = table["Program"].tolist()
    hostile = next(n for n in names if n.startswith("<script>"))
    assert hostile.startswith("<script>alert(1)</script><b>Bold</b> [link](")
    markdown = _all_markdown(at)
    assert "<script>" not in markdown and "<b>" not in markdown
    assert "](http" not in markdown
    for chart in at.get("plotly_chart"):
        assert "<script>" not in chart.proto.spec


def test_an_edited_catalog_is_picked_up_without_a_restart(monkeypatch, tmp_path):
    """Rows removed from the CSV disappear from the figures on the next rerun."""
    catalog = tmp_path / "programs.csv"
    shutil.copy(ROOT / "data" / "programs.csv", catalog)
    monkeypatch.setenv("GME_CATALOG", str(catalog))
    at = open_page()
    assert {m.label: m.value for m in at.metric}["Programs in total"] == "54"
    lines = catalog.read_text(encoding="utf-8").splitlines(keepends=True)
    catalog.write_text("".join(lines[:-4]), encoding="utf-8")  # drop 4 programs
    at.run()
    assert {m.label: m.value for m in at.metric}["Programs in total"] == "50"
