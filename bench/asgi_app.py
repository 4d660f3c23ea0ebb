"""The app as an ASGI application, for benchmarking it under uvicorn (bench only).

    python -m uvicorn bench.asgi_app:app --host 127.0.0.1 --port PORT

run from the repository root (``bench.server`` does this). The catalog is chosen
with ``GME_CATALOG`` exactly as for ``streamlit run``.
"""

from pathlib import Path

import streamlit as st

app = st.App(str(Path(__file__).resolve().parent.parent / "app.py"))
