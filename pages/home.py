"""Overview page: the catalog's headline figures and what each page is for."""

import streamlit as st

from gme.app_data import get_catalog, query, show_catalog_error
from gme.catalog import CatalogError
from gme.config import load_institution
from gme.navigation import ensure_app_navigation
from gme.text import escape_markdown, markdown_table

ensure_app_navigation()

st.title("Graduate medical education programs")
try:
    institution = load_institution()["institution"]
except ValueError as error:
    st.error(f"The institution settings cannot be read: {escape_markdown(error)}",
             icon=":material/error:")
    institution = {"name": "this institution", "source_note": ""}
st.write(
    f"What {escape_markdown(institution['name'])} trains, and how residents and "
    "students from elsewhere can train with it."
)

try:
    get_catalog()
    summary = query("catalog_summary").iloc[0]
    by_discipline = query("programs_by_discipline")
except CatalogError as error:
    show_catalog_error(error)
else:
    st.subheader("The catalog at a glance")
    cols = st.columns(4)
    cols[0].metric("Programs in total", int(summary["programs"]))
    cols[1].metric("Residencies", int(summary["residencies"]))
    cols[2].metric("Fellowships", int(summary["fellowships"]))
    cols[3].metric("Other training programs", int(summary["other_programs"]),
                   help="Practicum, training and degree programs.")
    st.markdown("#### Programs by trainee discipline")
    st.markdown(markdown_table(
        ("Trainee discipline", "Programs"),
        by_discipline.itertuples(index=False, name=None),
        numeric=(False, True)))

st.subheader("What you can do here")
left, middle, right = st.columns(3)
with left.container(border=True):
    st.page_link("pages/explorer.py", label="Program explorer",
                 icon=":material/search:")
    st.write("Filter the programs by type, discipline, department, specialty and "
             "site; see the program mix in charts; share or download the view.")
with middle.container(border=True):
    st.page_link("pages/eligibility.py", label="Rotator eligibility check",
                 icon=":material/checklist:")
    st.write("Residents and medical students elsewhere: check step by step whether "
             "you meet the published qualifications to rotate here, and what to do "
             "next.")
with right.container(border=True):
    st.page_link("pages/visiting.py", label="Visiting students and verification",
                 icon=":material/badge:")
    st.write("How visiting medical students apply, and how to request verification "
             "of a former trainee's training.")

if institution.get("source_note"):
    st.caption(escape_markdown(institution["source_note"]))
