"""Placeholder: this page is built by its own issue."""

import streamlit as st

st.title("visiting")
st.info("This page is being built.")
