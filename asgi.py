"""The app as an ASGI application, for serving it to many users under uvicorn.

    uvicorn asgi:app --host 0.0.0.0 --port 8501

run from the repository root (so ``.streamlit/config.toml`` applies). The catalog is
chosen with ``GME_CATALOG`` exactly as for ``streamlit run app.py``. Measured here,
uvicorn answers requests on a reused connection in about 3 ms where
``streamlit run`` stalls about 45 ms (see docs/DEPLOYMENT.md).
"""

from pathlib import Path

import streamlit as st

app = st.App(str(Path(__file__).resolve().parent / "app.py"))
