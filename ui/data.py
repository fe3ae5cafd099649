"""Cached database access for the pages.

Results are cached per **data version**: a counter every commit bumps (`loaders.snapshot.committed`), so an
accepted upload invalidates the cache once and nothing else does. A database that no commit of this code
has announced yet falls back to the file's modification time.

Each script run reads one state: `pin_data_state()` (called by `dashboard.py` at the top of every rerun)
fixes the version and the file for the whole run, so a page never mixes two versions, and a new version
is picked up between reruns. With snapshots on (`python -m loaders snapshots on`, stored beside the database;
`PANTAURB_SNAPSHOTS=1/0` overrides it for one process) the pages read the newest
read-only snapshot through one shared read-only connection per snapshot (a cursor per query), so any number
of dashboard processes read while one writer ingests. Otherwise each query opens the database, runs and
closes it again, so the CLI (another process) can still write between page views; a read that finds the
database busy past `PANTAURB_READ_WAIT` reads the newest published snapshot, if there is one, instead of failing.

A watcher thread per process notices a new version within `PANTAURB_POLL_SECONDS` (default 1) and drops
the previous version's cached results; on snapshots it also warms the landing page's queries, so the next
analyst does not pay the cold price (without snapshots warming would hold the writer's lock, so it waits for
the first page view).

`require_data()` is the first call of every page: when the database is missing, unreadable or empty it
says so in words, tells how to build it (`python -m loaders demo`) and stops the page, so a page never
shows a traceback. `select_period_quarter()` is the shared roadmap period / year / quarter filter
(kept in the URL: ?period=2020-2024&year=2024&quarter=3).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd
import streamlit as st

from indicators import queries, texts
from loaders import snapshot, store
from ui.i18n import lang, t

BUILD_COMMAND = "python -m loaders demo"
STATE_KEY = "_pantaurb_data_state"
POLL_SECONDS = float(os.environ.get("PANTAURB_POLL_SECONDS", "1"))
log = logging.getLogger(__name__)


def db_path() -> Path:
    return store.resolve_db_path()


def _file_stamp(path: Path) -> tuple:
    stamps = []
    for p in (path, Path(str(path) + ".wal")):
        try:
            st_ = p.stat()
            stamps.append((st_.st_mtime_ns, st_.st_size))
        except FileNotFoundError:
            stamps.append(None)
    return tuple(stamps)


@dataclass(frozen=True)
class DataState:
    """What a script run reads: `key` (the cache key of this data version) and the file to open."""
    key: tuple
    path: str
    snapshot: bool


def current_state() -> DataState:
    cur = snapshot.current(db_path())
    key = ("v", cur.version) if cur.version else ("mtime", _file_stamp(cur.path))
    return DataState(key, str(cur.path), cur.snapshot)


def pin_data_state() -> DataState:
    """Fix the data state for this script run (call once at the top of every rerun)."""
    state = current_state()
    st.session_state[STATE_KEY] = state
    _watcher()
    return state


def data_state() -> DataState:
    return st.session_state.get(STATE_KEY) or current_state()


def db_version() -> tuple:
    return data_state().key


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


@st.cache_resource(show_spinner=False, max_entries=3)
def _snapshot_connection(path: str) -> duckdb.DuckDBPyConnection:
    """One read-only connection per snapshot file, shared by the sessions (each query takes a cursor)."""
    return duckdb.connect(path, read_only=True)


def _run(query_name: str, state: DataState, verified_only: bool, args: tuple) -> pd.DataFrame:
    fn = _query_function(query_name)
    if state.snapshot and not verified_only:
        cur = _snapshot_connection(state.path).cursor()
        try:
            return fn(cur, *args)
        finally:
            cur.close()
    if state.snapshot:   # verified data only: temporary views on a connection of its own
        con = duckdb.connect(state.path, read_only=True)
        try:
            from loaders import verification
            verification.verified_only_views(con)
            return fn(con, *args)
        finally:
            con.close()
    try:
        with store.session(state.path, read_only=False) as con:
            if verified_only:
                from loaders import verification
                verification.verified_only_views(con)
            return fn(con, *args)
    except store.DatabaseBusy:
        return _from_newest_snapshot(state, lambda con: fn(con, *args), verified_only)


def _from_newest_snapshot(state: DataState, fn: Callable, verified_only: bool = False):
    """A read that found the database busy waits on no writer: it reads the newest published snapshot (a
    committed state, perhaps one version old). Without any snapshot the busy error stands."""
    snap = snapshot.newest_file(state.path)
    if snap is None:
        raise store.DatabaseBusy(t("db_busy"))
    log.info("database busy: reading snapshot %s", snap.name)
    con = duckdb.connect(str(snap), read_only=True)
    try:
        if verified_only:
            from loaders import verification
            verification.verified_only_views(con)
        return fn(con)
    finally:
        con.close()


@st.cache_data(show_spinner=False, max_entries=512)
def cached(query_name: str, state: DataState, verified_only: bool, *args) -> pd.DataFrame:
    """Run `indicators.queries.<query_name>(con, *args)` on `state` (also the cache key). With
    `verified_only` the connection sees verified submissions only (loaders.verification)."""
    return _run(query_name, state, verified_only, args)


@st.cache_data(show_spinner=False, max_entries=8)
def _agency_provinces(version: tuple) -> dict:
    from loaders import auth
    return read_now(auth.agency_provinces)


def read_now(fn: Callable):
    """`fn(con)` on this rerun's data state, uncached: the newest snapshot when snapshots are on (readers never
    take the writer's lock), else a short connection to the database."""
    state = data_state()
    if state.snapshot:
        cur = _snapshot_connection(state.path).cursor()
        try:
            return fn(cur)
        finally:
            cur.close()
    try:
        with store.session(state.path, read_only=False) as con:
            return fn(con)
    except store.DatabaseBusy:
        return _from_newest_snapshot(state, fn)


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
        frame = cached(name, data_state(), verified_only() and name not in PUBLIC_QUERIES, *args)
        return frame if provinces is None else auth.restrict_frame(frame, scope, provinces)
    except store.DatabaseBusy:
        st.warning(t("db_busy"))
        st.stop()


def landing_queries(state: DataState) -> list[tuple]:
    """The queries the landing page (national summary) runs on its default filters, in order."""
    periods = cached("periods", state, False)
    if periods.empty:
        return []
    code = periods["period_code"].iloc[-1]
    quarters = cached("available_quarters", state, False, code)
    with_data = quarters[quarters["n_submissions"] > 0]
    if with_data.empty:
        return []
    year, quarter = int(with_data["year"].iloc[-1]), int(with_data["quarter"].iloc[-1])
    return [("data_status",), ("themes",), ("compliance_summary", year, quarter),
            ("theme_status_matrix", year, quarter), ("national_assessments", year, quarter),
            ("changes_since_previous", year, quarter)]


def warm(state: DataState) -> int:
    """Fill the cache for `state` with the landing page's queries, as `q()` keys them for a reader who sees
    every accepted report (the default); returns how many ran."""
    todo = landing_queries(state)
    for name, *args in todo:
        cached(name, state, False, *args)
    return len(todo)


class _Watcher:
    """Polls the data version; on a new one, drops the old results and warms the landing page."""

    def __init__(self) -> None:
        self.state = current_state()
        self.warmed: DataState | None = None
        self.thread = threading.Thread(target=self._loop, name="pantaurb-data-watcher", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            time.sleep(POLL_SECONDS)
            try:
                state = current_state()
                if state.key != self.state.key and state.key[0] == "v":
                    self.state = state
                    cached.clear()
                    if state.snapshot:  # reading a snapshot never takes the writer's lock
                        warm(state)
                        self.warmed = state
            except Exception:  # a half-deleted snapshot folder, a busy writer: try again next tick
                log.debug("data watcher", exc_info=True)


@st.cache_resource(show_spinner=False)
def _watcher() -> _Watcher:
    return _Watcher()


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
    from ui.format import set_export_context
    set_export_context(synthetic=bool(status["any_synthetic"]))
    _say_pending_verdicts()
    return status


def _say_pending_verdicts() -> None:
    """Verdicts a batch cut short still owes (the backlog): named, with since when, on every page of a
    signed-in reader (agency names are not shown before sign-in)."""
    from ui.auth import current_scope
    if current_scope() is None:
        return
    try:
        pending = q(queries.pending_verdicts)
    except duckdb.Error:
        return
    if pending.empty:
        return
    from loaders.timefmt import datetime_text
    from ui.format import md
    times = [x for x in pending["since_at"] if x is not None and not pd.isna(x)]
    since = datetime_text(min(times).to_pydatetime(), lang()) if times else t("verdicts_pending_unknown_time")
    names = ", ".join(md(f"{n} ({c})") for c, n in zip(pending["agency_code"][:10], pending["name"][:10]))
    if len(pending) > 10:
        names += ", …"
    st.warning(t("verdicts_pending", n=len(pending), since=since, names=names), icon=":material/pending:")


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
    row = periods[periods["period_code"] == code].iloc[0]
    from ui.format import set_export_context
    set_export_context(period=period_name(row))
    return row


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
    from ui.format import quarter_text, set_export_context
    set_export_context(period=quarter_text(int(year), int(quarter)))
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
    return read_now(catalogue_store.current)   # the published snapshot when snapshots are on: never waits


def current_catalogue():
    """The catalogue in force: the admins' newest version in the database, else the shipped YAML. A database
    that stays busy is the bilingual message, never an exception page."""
    try:
        return _current_catalogue(_catalogue_stamp())
    except store.DatabaseBusy:
        st.warning(t("db_busy"), icon=":material/hourglass_top:")
        st.stop()


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
            snapshot.committed(db_path(), con)   # a new data version: every process drops its cached results
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

