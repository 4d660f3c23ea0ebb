"""GME program dashboard: page config and navigation. Run: streamlit run app.py"""

import streamlit as st

from gme.runtime import limit_memory, reply_without_delay

limit_memory()  # allocator settings that keep RSS down: gme/runtime.py
reply_without_delay()  # no 44 ms delayed-ACK stall per request: gme/runtime.py

st.set_page_config(
    page_title="GME program dashboard",
    page_icon="🎓",  # a :material/...: favicon is fetched from Google's font CDN
    layout="wide",
)

PAGES = [
    st.Page("pages/home.py", title="Overview", icon=":material/home:", default=True),
    st.Page("pages/explorer.py", title="Program explorer", icon=":material/search:"),
    st.Page("pages/eligibility.py", title="Rotator eligibility check",
            icon=":material/checklist:"),
    st.Page("pages/visiting.py", title="Visiting students and verification",
            icon=":material/badge:"),
]

st.navigation(PAGES).run()
