"""Every page runs without an exception; the home page shows the catalog."""

from __future__ import annotations

import pandas as pd
import pytest

from gme.catalog import DEFAULT_CATALOG
from tests.app.conftest import open_page

PAGES = [None, "explorer", "eligibility", "visiting"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p or "home")
def test_page_runs_without_exception(page):
    """Each page renders and raises nothing."""
    at = open_page(page)
    assert not at.exception, at.exception
    assert at.title, "every page has a title"


def test_home_shows_catalog_figures():
    """The home page's metrics are the real catalog's counts."""
    at = open_page()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Programs in total"] == "54"
    assert metrics["Residencies"] == "22"
    assert metrics["Fellowships"] == "29"
    assert metrics["Other training programs"] == "3"


def test_home_lists_programs_by_discipline():
    """The discipline table's rows are the catalog's counts, largest first."""
    catalog = pd.read_csv(DEFAULT_CATALOG, dtype=str, keep_default_na=False)
    expected = catalog["discipline"].value_counts()
    at = open_page()
    table = next(m.value for m in at.markdown if m.value.startswith("| Trainee"))
    rows = [line.strip("| ").split(" | ") for line in table.splitlines()[2:]]
    assert [(name, int(count)) for name, count in rows] == sorted(
        expected.items(), key=lambda item: (-item[1], item[0]))
    assert sum(int(count) for _, count in rows) == 54


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p or "home")
def test_broken_catalog_gives_message_not_exception(page, monkeypatch, tmp_path):
    """With GME_CATALOG pointing at a broken file every page still runs."""
    broken = tmp_path / "programs.csv"
    broken.write_text("program_id,name\nx,y\n", encoding="utf-8")
    monkeypatch.setenv("GME_CATALOG", str(broken))
    at = open_page(page)
    assert not at.exception, at.exception
    if page in (None, "explorer"):
        assert any("cannot be loaded" in e.value for e in at.error)
        assert any("missing column" in e.value for e in at.error)
    assert broken.read_text(encoding="utf-8") == "program_id,name\nx,y\n"


def test_broken_institution_settings_give_a_message(monkeypatch, tmp_path):
    """A broken data/institution.toml is explained on the overview, no traceback."""
    broken = tmp_path / "institution.toml"
    broken.write_text("[institution\nname = 'x'\n", encoding="utf-8")
    monkeypatch.setenv("GME_INSTITUTION", str(broken))
    at = open_page()
    assert not at.exception, at.exception
    assert any("institution settings cannot be read" in e.value for e in at.error)
    assert at.metric, "the catalog figures still show"
