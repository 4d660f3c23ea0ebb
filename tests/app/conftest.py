"""AppTest helpers: run the real app.py (with st.navigation) at a chosen page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 30  # seconds; CI machines are slow and shared


def open_page(page: str | None = None, **query_params: str | list[str]) -> AppTest:
    """Run app.py, then switch to ``pages/<page>.py`` (None: the home page)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query_params.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(str(ROOT / "pages" / f"{page}.py"))
        at.run()
    return at


@pytest.fixture
def app_page():
    """The ``open_page`` helper as a fixture."""
    return open_page
