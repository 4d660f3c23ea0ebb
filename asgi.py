"""The app as an ASGI application, for serving it to many users under uvicorn.

    uvicorn asgi:app --host 0.0.0.0 --port 8501

run from the repository root (so ``.streamlit/config.toml`` applies). The catalog is
chosen with ``GME_CATALOG`` exactly as for ``streamlit run app.py``. Measured here,
uvicorn answers requests on a reused connection in about 1 ms from the start;
``streamlit run`` stalls about 44 ms per request until the app's first run sets
``TCP_NODELAY`` on its socket (gme/runtime.py, docs/DEPLOYMENT.md).
"""

from pathlib import Path

import streamlit as st

app = st.App(str(Path(__file__).resolve().parent / "app.py"))
