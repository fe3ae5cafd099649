"""Cached, short-lived database access for the pages.

Each query opens the database, runs one function from `indicators.queries` and closes it again, so the
CLI (another process) can still write between page views. Results are cached per database version
(mtime of the file and its WAL), so an ingest invalidates them.

`require_data()` is the first call of every page: when the database is missing, unreadable or empty it
says so in words, tells how to build it (`python -m loaders demo`) and stops the page, so a page never
shows a traceback. `select_period_quarter()` is the shared roadmap period / year / quarter filter
(kept in the URL: ?period=2020-2024&year=2024&quarter=3).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd
import streamlit as st

from indicators import queries, texts
from loaders import store
from ui.i18n import lang, t

BUILD_COMMAND = "python -m loaders demo"


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


PUBLIC_QUERIES = frozenset({"data_status"})   # may run before sign-in (require_data explains an empty database)


def _query_function(query):
    """A function of indicators.queries by name, "module:function" for the loaders' store modules, or the
    function itself."""
    if not isinstance(query, str):
        return query
    if ":" in query:
        import importlib
        module, _, name = query.partition(":")
        return getattr(importlib.import_module(module), name)
    from indicators import queries
    return getattr(queries, query)


def _query_name(query) -> str:
    if isinstance(query, str):
        return query
    if query.__module__ == "indicators.queries":
        return query.__name__
    return f"{query.__module__}:{query.__qualname__}"


@st.cache_data(show_spinner=False, max_entries=512)
def cached(query_name: str, version: tuple, verified_only: bool, *args) -> pd.DataFrame:
    """Run `indicators.queries.<query_name>(con, *args)`; `version` is only a cache key. With
    `verified_only` the connection sees verified submissions only (loaders.verification)."""
    with store.session(db_path(), read_only=False) as con:
        if verified_only:
            from loaders import verification
            verification.verified_only_views(con)
        return _query_function(query_name)(con, *args)


@st.cache_data(show_spinner=False, max_entries=8)
def _agency_provinces(version: tuple) -> dict:
    from loaders import auth
    with store.session(db_path(), read_only=False) as con:
        return auth.agency_provinces(con)


def verified_only() -> bool:
    """The sidebar switch "verified data only" (dashboard.py)."""
    return bool(st.session_state.get("verified_only", False))


def q(query, *args) -> pd.DataFrame:
    """One cached query, always within the signed-in caller's scope (ui.auth): an argument naming an agency
    outside the scope is refused (audited, explained in words) and result rows keyed by agency or province
    are restricted. A database locked by another process gives a message, not a traceback."""
    from loaders import auth
    from ui.auth import current_scope
    fn = _query_function(query)
    name = _query_name(query)
    scope = current_scope()
    try:
        if scope is None and name not in PUBLIC_QUERIES:
            st.warning(t("auth_required"))
            st.stop()
        version = db_version()
        provinces = None
        if scope is not None and not scope.reads_all:
            provinces = _agency_provinces(version)
            for code in auth.agencies_in_arguments(fn, args):
                if not scope.allows(code, provinces.get(code)):
                    exc = auth.deny(db_path(), scope, "read", code, detail=name)
                    st.error(exc.text(lang()), icon=":material/block:")
                    st.stop()
        frame = cached(name, version, verified_only() and name not in PUBLIC_QUERIES, *args)
        return frame if provinces is None else auth.restrict_frame(frame, scope, provinces)
    except store.DatabaseBusy:
        st.warning(t("db_busy"))
        st.stop()


def _how_to_build() -> None:
    st.markdown(t("db_build_hint"))
    st.code(f"{BUILD_COMMAND} --db {db_path()}", language="bash")


def require_data() -> pd.Series:
    """The data-status row (counts); stops the page with an explanation when there is nothing to show."""
    path = db_path()
    if not path.exists():
        st.info(t("db_missing", path=str(path)), icon=":material/database:")
        _how_to_build()
        st.stop()
    try:
        status = q(queries.data_status).iloc[0]
    except duckdb.Error as exc:
        st.error(t("db_unreadable", path=str(path), error=type(exc).__name__), icon=":material/error:")
        _how_to_build()
        st.stop()
    if not bool(status["assessed"]):  # a database from before the stored assessments: migrate it
        st.info(t("db_needs_init", path=str(path)), icon=":material/database:")
        st.code(f"python -m loaders init --db {path}", language="bash")
        st.stop()
    if int(status["n_periods"]) == 0 or int(status["n_indicators"]) == 0:
        st.info(t("db_empty", path=str(path)), icon=":material/database:")
        _how_to_build()
        st.stop()
    return status


def period_name(row) -> str:
    return row["name_en"] if lang() == "en" else row["name"]


def select_period() -> pd.Series:
    """The roadmap period filter (?period=...); returns the period's row."""
    from ui.format import url_select
    periods = q(queries.periods)
    rows = {r.period_code: r for r in periods.itertuples(index=False)}
    codes = list(rows)
    code = url_select(t("filter_period"), codes, "period", default=codes[-1],
                      format_func=lambda c: period_name(rows[c]._asdict()))
    return periods[periods["period_code"] == code].iloc[0]


def select_period_quarter() -> tuple[pd.Series, int, int]:
    """Roadmap period, year and quarter filters in one row (all in the URL). The default is the latest
    quarter that has submissions in force."""
    from ui.format import url_select
    c1, c2, c3 = st.columns([2, 1, 1])
    with c1:
        period = select_period()
    quarters = q(queries.available_quarters, period["period_code"])
    with_data = quarters[quarters["n_submissions"] > 0]
    latest = with_data.iloc[-1] if len(with_data) else quarters.iloc[-1]
    years = [int(y) for y in dict.fromkeys(quarters["year"])]
    with c2:
        year = url_select(t("filter_year"), years, "year", default=int(latest["year"]))
    in_year = quarters[quarters["year"] == year]
    default_q = int(latest["quarter"]) if year == int(latest["year"]) else int(in_year["quarter"].max())
    with c3:
        quarter = url_select(t("filter_quarter"), [1, 2, 3, 4], "quarter", default=default_q,
                             format_func=lambda x: texts.quarter_name(x, lang()))
    return period, int(year), int(quarter)


def _catalogue_stamp() -> tuple:
    from indicators import catalogue
    try:
        s = catalogue.DEFAULT_PATH.stat()
        return (s.st_mtime_ns, s.st_size, db_version())
    except OSError:
        return (None, db_version())


@st.cache_data(show_spinner=False, max_entries=4)
def _current_catalogue(stamp: tuple):
    from loaders import catalogue_store
    if not db_ready():
        return catalogue_store.current(None)
    with store.session(db_path()) as con:
        return catalogue_store.current(con)


def current_catalogue():
    """The catalogue in force: the admins' newest version in the database, else the shipped YAML."""
    return _current_catalogue(_catalogue_stamp())


@st.cache_data(show_spinner=False, max_entries=4)
def _catalogue_export(stamp: tuple) -> tuple[bytes | None, str | None]:
    try:
        from indicators.catalogue_xlsx import export_catalogue_xlsx
    except ImportError as exc:
        return None, f"{type(exc).__name__}: {exc.name or exc}"
    import io
    buf = io.BytesIO()
    try:
        export_catalogue_xlsx(_current_catalogue(stamp), buf)  # (cat, path_or_buffer) -> None
    except Exception as exc:  # the catalogue file is missing or invalid: report, never crash the page
        return None, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return buf.getvalue(), None


def catalogue_export() -> tuple[bytes | None, str | None]:
    """The catalogue in force as xlsx (indicators.catalogue_xlsx), cached per catalogue version;
    (None, reason) when the exporter or the catalogue is not available."""
    return _catalogue_export(_catalogue_stamp())


def editor_notes(code: str) -> tuple[str, pd.DataFrame]:
    """The catalogue's editors' notes for one indicator (shown to analysts on the catalogue page only):
    the indicator's notes and a table of per-figure notes (year, month, note). Empty when unavailable."""
    from indicators.catalogue import CatalogueError, load_catalogue
    try:
        ind = load_catalogue().by_code.get(code)
    except CatalogueError:
        ind = None
    if ind is None:
        return "", pd.DataFrame(columns=["year", "month", "note"])
    rows = [{"year": o.year, "month": o.month, "note": o.editor_note} for o in ind.series if o.editor_note]
    return ind.editor_notes, pd.DataFrame(rows, columns=["year", "month", "note"])
def write(fn, *args, **kwargs):
    """Run one write function of the loaders (`fn(con, scope, *args)`) for the signed-in caller in one
    transaction, then drop cached query results. Refusals (ScopeDenied) and bad input (ValueError,
    AccountError) come back as bilingual messages, shown by the caller."""
    from loaders import auth
    from ui.auth import require_scope
    scope = require_scope()
    try:
        with store.writer(db_path()) as con:   # the writer slot the CLI and the upload page queue on
            store.migrate(con)
            try:
                with store.transaction(con):
                    result = fn(con, scope, *args, **kwargs)
            except auth.ScopeDenied:
                raise
        st.cache_data.clear()
        return result, None
    except (auth.ScopeDenied, auth.AccountError) as exc:
        return None, exc.text(lang())
    except ValueError as exc:
        text = str(exc)
        return None, (text.split(" / ")[1] if lang() == "en" and " / " in text else text.split(" / ")[0])
    except store.DatabaseBusy:
        return None, t("db_busy")


def smtp_secrets() -> dict | None:
    """The [smtp] section of .streamlit/secrets.toml (None without a secrets file or section)."""
    try:
        return dict(st.secrets["smtp"]) if "smtp" in st.secrets else None
    except FileNotFoundError:
        return None

