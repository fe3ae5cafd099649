"""Cached, short-lived database access for the pages.

Each query opens the database, runs one function from `indicators.queries` and closes it again, so the
CLI (another process) can still write between page views. Results are cached per database version
(mtime of the file and its WAL), so an ingest invalidates them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from loaders import store


def db_path() -> Path:
    return store.resolve_db_path()


def db_version() -> tuple:
    path = db_path()
    stamps = []
    for p in (path, Path(str(path) + ".wal")):
        try:
            st_ = p.stat()
            stamps.append((st_.st_mtime_ns, st_.st_size))
        except FileNotFoundError:
            stamps.append(None)
    return tuple(stamps)


def db_ready() -> bool:
    return db_path().exists()


@st.cache_data(show_spinner=False, max_entries=512)
def cached(query_name: str, version: tuple, *args) -> pd.DataFrame:
    """Run `indicators.queries.<query_name>(con, *args)`; `version` is only a cache key."""
    from indicators import queries
    with store.session(db_path(), read_only=False) as con:
        return getattr(queries, query_name)(con, *args)


def q(query_name: str, *args) -> pd.DataFrame:
    return cached(query_name, db_version(), *args)
