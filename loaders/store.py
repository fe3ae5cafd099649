"""The one module that opens the PantauRB DuckDB database.

DuckDB lets one process write OR many processes read a file (https://duckdb.org/docs/2.0/connect/concurrency).
So every caller opens a short-lived connection, does its work and closes it; when another process holds
the lock we wait and retry for a while, then fail with a message that says who holds it and what to do.

Writers (ingest, registry import, rebuild, backup, restore) first queue on one writer lock file beside the
database (`<db>.writer.lock`, an `flock` that threads of the dashboard and CLI processes share), so they wait
for each other in turn instead of racing for DuckDB's lock. A write-ahead log that does not belong to the
database file (left by a crash during a file swap) is moved aside as `<db>.wal.stale-<time>` on a
read-write open; DuckDB cannot replay it into this file anyway.
"""

from __future__ import annotations

import fcntl
import os
import re
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Iterator

import duckdb
import yaml

from indicators import periods

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = ROOT / "data" / "pantaurb.duckdb"
SCHEMA_FILE = Path(__file__).with_name("schema.sql")
CALENDAR_FILE = ROOT / "indicators" / "reporting.yaml"
ENV_DB = "PANTAURB_DB"

# Schema versions: version -> SQL applied to move from version-1 to version.
# Version 1 is schema.sql itself; a later change appends e.g. 2: "ALTER TABLE ... ADD COLUMN ...".
# The SQL twins of indicators/periods.py (WIB day, days late, quarter start/end/key); views use them. They are
# stored in the database (migrations 1 and 8, for views and other readers of the file) and created again as
# TEMP macros on every connection `connect` opens, so queries also work on a file not migrated yet (`check`
# and read-only connections never migrate).
MACROS_SQL = SCHEMA_FILE.with_name("macros.sql").read_text(encoding="utf-8")
TEMP_MACROS_SQL = MACROS_SQL.replace("CREATE OR REPLACE MACRO", "CREATE OR REPLACE TEMP MACRO")


def _view_statement(sql: str, view: str) -> str:
    """The `CREATE OR REPLACE VIEW <view>` statement of a schema file (a migration re-creates it as is)."""
    m = re.search(rf"CREATE OR REPLACE VIEW {view} AS\b.*?;\s*$", sql, re.S | re.M)
    if m is None:
        raise ValueError(f"{view} not found")
    return m.group(0)


MIGRATIONS: dict[int, str] = {
    1: MACROS_SQL + SCHEMA_FILE.read_text(encoding="utf-8"),
    2: SCHEMA_FILE.with_name("migration_002.sql").read_text(encoding="utf-8"),
    3: SCHEMA_FILE.with_name("migration_003.sql").read_text(encoding="utf-8"),
    # The commit log: one row per journal entry whose transaction committed (upload attempts and registry
    # imports), numbered in commit order. `rebuild` replays exactly these, in this order. Uploads stored
    # before this version are numbered by arrival.
    4: """
CREATE TABLE IF NOT EXISTS commits (
    seq          BIGINT PRIMARY KEY,
    kind         VARCHAR NOT NULL,                -- upload | registry
    entry_id     VARCHAR NOT NULL UNIQUE,         -- upload_id or the registry import id (journal)
    received_at  TIMESTAMP NOT NULL
);
INSERT INTO commits
SELECT row_number() OVER (ORDER BY received_at, upload_id), 'upload', upload_id, received_at FROM uploads;
""",
    5: SCHEMA_FILE.with_name("schema_auth.sql").read_text(encoding="utf-8"),  # accounts, audit, verification
    # Several official targets per indicator and year (RPJMN, RKP/APBN, Inpres, sectoral plan, road map): each
    # catalogue target row carries its basis (`basis_code`) and the position of that basis in the indicator's
    # verdict order (`basis_rank`; NULL = that basis never judges the indicator). `v_targets` keeps one row per
    # indicator and year, the designated basis, and gains `basis_code` as its last column; `v_target_bases`
    # lists every basis; `national_target_alternatives` holds what each other basis would say.
    11: """
ALTER TABLE targets ADD COLUMN IF NOT EXISTS basis_code VARCHAR;
ALTER TABLE targets ADD COLUMN IF NOT EXISTS basis_rank INTEGER;
CREATE OR REPLACE VIEW v_targets AS
SELECT indicator_code, year, target_low, target_high, target_text, version, basis, source, confidence, basis_code
FROM targets
WHERE agency_code IS NULL AND (basis_code IS NULL OR basis_rank IS NOT NULL)
QUALIFY row_number() OVER (PARTITION BY indicator_code, year ORDER BY basis_rank NULLS LAST, version DESC) = 1;
CREATE OR REPLACE VIEW v_target_bases AS
SELECT indicator_code, year, coalesce(basis_code, 'rpjmn') AS basis_code, target_low, target_high, target_text,
       version, effective_from, basis, source, confidence, basis_rank,
       (row_number() OVER (PARTITION BY indicator_code, year
                           ORDER BY basis_rank NULLS LAST, version DESC) = 1 AND
        (basis_code IS NULL OR basis_rank IS NOT NULL)) AS designated
FROM targets
WHERE agency_code IS NULL
QUALIFY row_number() OVER (PARTITION BY indicator_code, year, coalesce(basis_code, 'rpjmn') ORDER BY version DESC) = 1;
CREATE TABLE IF NOT EXISTS national_target_alternatives (
    indicator_code  VARCHAR NOT NULL,
    year            INTEGER NOT NULL,
    quarter         INTEGER NOT NULL,
    basis_code      VARCHAR NOT NULL,
    basis           VARCHAR,
    target_low      DOUBLE,
    target_high     DOUBLE,
    target_text     VARCHAR,
    status          VARCHAR,
    capaian         DOUBLE,
    capaian_capped  DOUBLE,
    explanation     VARCHAR,
    explanation_en  VARCHAR
);
CREATE OR REPLACE VIEW v_national_target_alternatives AS
SELECT indicator_code, year, quarter, basis_code, basis, target_low, target_high, target_text, status, capaian,
       capaian_capped, explanation, explanation_en
FROM national_target_alternatives;
""",
    # Verdicts a batch still owes: each upload of an ingest batch records its agency here in its own
    # transaction; the batch's last transaction recomputes them and empties the table (loaders/assessments.py).
    6: """
CREATE TABLE IF NOT EXISTS assessment_backlog (
    agency_code  VARCHAR PRIMARY KEY,
    since_key    INTEGER NOT NULL                 -- first quarter to recompute as year * 4 + quarter; 0 = all
);
""",
    # 7 is not used (versions need not be consecutive: `migrate` applies every higher version in order).
    # Lateness in WIB days (issue 18): the macros, and v_compliance re-created to use them (same columns).
    8: MACROS_SQL + _view_statement(SCHEMA_FILE.read_text(encoding="utf-8"), "v_compliance"),
    # OIDC accounts are bound to the provider's subject (issuer + subject) at their first sign-in with a
    # verified e-mail; afterwards the subject, never the e-mail, finds the account (loaders/auth.py).
    9: """
ALTER TABLE users ADD COLUMN oidc_issuer VARCHAR;
ALTER TABLE users ADD COLUMN oidc_subject VARCHAR;
-- Audit entries of read paths wait in a side file a writer cannot block (loaders/sidestore.py); a writer
-- merges them into audit_log. The newest side entry merged, per side file, makes the merge idempotent.
CREATE TABLE IF NOT EXISTS audit_side_merged (
    side_id    VARCHAR PRIMARY KEY,
    upto       BIGINT NOT NULL,
    merged_at  TIMESTAMP NOT NULL
);
""",
    # When an agency's verdicts began to wait (UTC): the commit of the first upload a batch cut short left
    # without its verdicts. Every page says which agencies wait and since when (ui/data.py require_data).
    10: """
ALTER TABLE assessment_backlog ADD COLUMN IF NOT EXISTS since_at TIMESTAMP;
""",
}
AUTH_SCHEMA_VERSION = 5   # the version that adds users, audit_log, reviews, calendar changes, reminders
SCHEMA_VERSION = max(MIGRATIONS)

# Writers queue for their turn this long (ingest, registry import, rebuild, backup): waiting, not failing.
LOCK_WAIT_SECONDS = float(os.environ.get("PANTAURB_LOCK_WAIT", "600"))
# Readers (pages, checks, templates) give up sooner with a "busy, retry" message.
READ_WAIT_SECONDS = float(os.environ.get("PANTAURB_READ_WAIT", "20"))
EXIT_BUSY = 3          # CLI exit code: the database stayed busy; retry later


class DatabaseBusy(RuntimeError):
    """Another process holds the write lock for longer than we are willing to wait."""


def resolve_db_path(cli_value: str | os.PathLike | None = None) -> Path:
    """`--db PATH`, else env PANTAURB_DB, else data/pantaurb.duckdb (relative to the repo root)."""
    if cli_value:
        return Path(cli_value)
    if os.environ.get(ENV_DB):
        return Path(os.environ[ENV_DB])
    return DEFAULT_DB_PATH


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc)
    return "Could not set lock" in text or "Conflicting lock" in text


def _is_foreign_wal(exc: Exception) -> bool:
    """A log written for another file, or for an older checkpoint of this one: never replayable here."""
    text = str(exc)
    return "WAL does not match database file" in text or "WAL was created for an older version" in text


def set_aside_stale_wal(db: Path) -> Path | None:
    """Move a write-ahead log that does not belong to `db` out of the way (kept for inspection)."""
    wal = Path(str(db) + ".wal")
    if not wal.exists():
        return None
    aside = wal.with_name(f"{wal.name}.stale-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}")
    os.replace(wal, aside)
    return aside


def connect(path: str | os.PathLike | None = None, *, read_only: bool = False,
            wait: float | None = None) -> duckdb.DuckDBPyConnection:
    """Open the database, retrying while another process holds the lock (up to `wait` seconds, default
    READ_WAIT_SECONDS; writers pass LOCK_WAIT_SECONDS through `writer`)."""
    db = resolve_db_path(path)
    if not read_only:
        db.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + (READ_WAIT_SECONDS if wait is None else wait)
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(db), read_only=read_only)
        except duckdb.IOException as exc:
            if _is_foreign_wal(exc) and not read_only:
                set_aside_stale_wal(db)
                continue
            if not _is_lock_error(exc):
                raise
            if time.monotonic() >= deadline:
                holder = re.search(r"PID (\d+)", str(exc))
                who = f" (PID {holder.group(1)})" if holder else ""
                raise DatabaseBusy(
                    f"Basis data {db} sedang dipakai proses lain{who}; coba lagi setelah proses itu selesai. / "
                    f"Database {db} is locked by another process{who}; retry when it has finished."
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
            continue
        con.execute(TEMP_MACROS_SQL)
        return con


@contextmanager
def session(path=None, *, read_only: bool = False, wait: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection that is always closed."""
    con = connect(path, read_only=read_only, wait=wait)
    try:
        yield con
    finally:
        con.close()


# ------------------------------------------------------------------ the writer queue
_held = threading.local()


def lock_path(db: Path) -> Path:
    return Path(str(Path(db).resolve()) + ".writer.lock")


def _holder(lock_file: Path) -> str:
    try:
        return lock_file.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


@contextmanager
def writer_lock(path=None, *, wait: float | None = None,
                on_wait: Callable[[float, str], None] | None = None) -> Iterator[Path]:
    """Queue for the one writer slot of this database (re-entrant within a thread).

    Blocks up to `wait` seconds (default PANTAURB_LOCK_WAIT); `on_wait(seconds_waited, holder)` is called
    about every two seconds while waiting, so callers can show progress. Raises DatabaseBusy on timeout.
    """
    db = resolve_db_path(path).resolve()
    held = getattr(_held, "paths", None)
    if held is None:
        held = _held.paths = {}
    if held.get(db):
        held[db] += 1
        try:
            yield db
        finally:
            held[db] -= 1
        return
    lock_file = lock_path(db)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        started = time.monotonic()
        deadline = started + (LOCK_WAIT_SECONDS if wait is None else wait)
        next_note = started + 2.0
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                now = time.monotonic()
                if now >= deadline:
                    who = _holder(lock_file)
                    raise DatabaseBusy(
                        f"Basis data {db} sedang ditulis proses lain ({who or '?'}); coba lagi nanti. / "
                        f"Database {db} is being written by another process ({who or '?'}); retry later.") from None
                if on_wait is not None and now >= next_note:
                    on_wait(now - started, _holder(lock_file))
                    next_note = now + 2.0
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"PID {os.getpid()} since {time.strftime('%H:%M:%S')}".encode(), 0)
        held[db] = 1
        try:
            yield db
        finally:
            held.pop(db, None)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def writer(path=None, *, wait: float | None = None,
           on_wait: Callable[[float, str], None] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The writer slot plus a read-write connection (closed before the slot is released). On the way out
    the audit entries readers left in the side file while the slot was held are merged into the trail."""
    with writer_lock(path, wait=wait, on_wait=on_wait) as db:
        with session(db, wait=LOCK_WAIT_SECONDS if wait is None else wait) as con:
            yield con
            if not in_transaction(con):
                from loaders import audit   # audit imports this module
                try:
                    audit.merge_pending(con, db)
                except (duckdb.Error, OSError, sqlite3.Error):
                    pass    # the entries stay in the side file for the next writer


_open_transactions: dict[int, dict[str, Callable[[], None]]] = {}   # id(con) -> work to do after COMMIT


def in_transaction(con) -> bool:
    """Whether `con` is inside `transaction()` (what it writes is stored only at COMMIT)."""
    return id(con) in _open_transactions


def after_commit(con, key: str, fn: Callable[[], None]) -> None:
    """Run `fn()` once after the open `transaction()` of `con` commits (never after a rollback); one per key."""
    _open_transactions[id(con)][key] = fn


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN ... COMMIT, or ROLLBACK of everything (DDL included) on any exception."""
    con.begin()
    hooks = _open_transactions[id(con)] = {}
    try:
        yield con
    except BaseException:
        _open_transactions.pop(id(con), None)
        con.rollback()
        raise
    _open_transactions.pop(id(con), None)
    con.commit()
    for fn in hooks.values():
        try:
            fn()
        except OSError:    # stored all the same; e.g. the audit anchor is re-written at the next entry
            pass


def has_schema(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the file was ever initialised; reads only (checks must never write)."""
    return con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_migrations'").fetchone()[0] > 0


def ensure_migrations_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)")


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version of the file (0 for a file never initialised). Reads only, so it works on
    read-only connections and snapshots."""
    try:   # one cheap read; listing the catalog (has_schema) costs more than the whole upload's checks
        row = con.execute("SELECT max(version) FROM schema_migrations").fetchone()
    except duckdb.CatalogException:
        return 0
    return row[0] or 0


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations the file has not seen yet, each in its own transaction."""
    applied = []
    ensure_migrations_table(con)
    current = schema_version(con)
    if current > SCHEMA_VERSION:
        raise RuntimeError(
            f"Basis data memakai skema versi {current}, lebih baru dari kode ini ({SCHEMA_VERSION}). / "
            f"Database schema version {current} is newer than this code ({SCHEMA_VERSION}); upgrade PantauRB."
        )
    for version in sorted(v for v in MIGRATIONS if v > current):
        with transaction(con):
            con.execute(MIGRATIONS[version])
            con.execute("INSERT INTO schema_migrations VALUES (?, now())", [version])
        applied.append(version)
    return applied


# ------------------------------------------------------------------ reporting calendar
@dataclass(frozen=True)
class CalendarConfig:
    days_after_quarter_end: int
    overrides: dict[tuple[int, int], date]


def load_calendar_config(path: Path = CALENDAR_FILE) -> CalendarConfig:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    overrides = {(int(o["year"]), int(o["quarter"])): o["deadline"] for o in raw.get("overrides") or []}
    return CalendarConfig(int(raw["default_deadline_days_after_quarter_end"]), overrides)


quarter_end = periods.quarter_end  # kept for callers of store.quarter_end


def deadline(year: int, quarter: int, config: CalendarConfig | None = None) -> date:
    config = config or load_calendar_config()
    return config.overrides.get((year, quarter)) or periods.quarter_end(year, quarter) + timedelta(days=config.days_after_quarter_end)
