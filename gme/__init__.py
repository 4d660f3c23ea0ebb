"""GME program dashboard: the plain-Python core (catalog, queries, rules, charts).

Nothing in this package needs a running Streamlit app except ``gme.app_data``,
the thin layer that caches the catalog and query results for the pages.
"""
