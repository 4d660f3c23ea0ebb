"""Make a deep link on a freshly started server run through ``app.py``.

Streamlit still carries its legacy multipage mode: when the main script has a
folder named ``pages/`` beside it, the first run after the server starts treats
that folder as the page list, and a deep link such as ``/explorer`` runs
``pages/explorer.py`` alone, without ``app.py`` (no page config, a sidebar listing
every file). ``app.py``'s ``st.navigation`` switches the legacy mode off, but only
once it has run. Each page calls ``ensure_app_navigation()`` first: in legacy mode
it switches the mode off and reruns, so the same URL now goes through ``app.py``.

``AppTest`` resets the legacy flag before every run it makes, so under AppTest the
switch would rerun every page twice on every interaction; there it is skipped (the
page then runs as AppTest always ran it). The real-browser test
``tests/e2e/test_navigation.py`` checks the behaviour on a real server.
"""

from __future__ import annotations

import streamlit as st


def ensure_app_navigation() -> None:
    """Rerun through ``app.py`` if Streamlit ran this page in legacy mode."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a future Streamlit without the legacy mode
        return
    if PagesManager.uses_pages_directory and not st.get_option("global.appTest"):
        PagesManager.uses_pages_directory = False
        st.rerun()
