"""Streamlit-side helpers: language, formatting, cached database access. Only dashboard code imports this."""
