"""The one module that opens the PantauRB DuckDB database.

DuckDB lets one process write OR many processes read a file (https://duckdb.org/docs/2.0/connect/concurrency).
So every caller opens a short-lived connection, does its work and closes it; when another process holds
the lock we wait and retry for a while, then fail with a message that says who holds it and what to do.
"""

from __future__ import annotations

import os
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator

import duckdb
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = ROOT / "data" / "pantaurb.duckdb"
SCHEMA_FILE = Path(__file__).with_name("schema.sql")
CALENDAR_FILE = ROOT / "indicators" / "reporting.yaml"
ENV_DB = "PANTAURB_DB"

# Schema versions: version -> SQL applied to move from version-1 to version.
# Version 1 is schema.sql itself; a later change appends e.g. 2: "ALTER TABLE ... ADD COLUMN ...".
MIGRATIONS: dict[int, str] = {1: SCHEMA_FILE.read_text(encoding="utf-8"),
                              2: SCHEMA_FILE.with_name("migration_002.sql").read_text(encoding="utf-8")}
SCHEMA_VERSION = max(MIGRATIONS)

LOCK_WAIT_SECONDS = float(os.environ.get("PANTAURB_LOCK_WAIT", "20"))


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


def connect(path: str | os.PathLike | None = None, *, read_only: bool = False,
            wait: float | None = None) -> duckdb.DuckDBPyConnection:
    """Open the database, retrying while another process holds the lock (up to `wait` seconds)."""
    db = resolve_db_path(path)
    if not read_only:
        db.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait is None else wait)
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(db), read_only=read_only)
        except duckdb.IOException as exc:
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


@contextmanager
def session(path=None, *, read_only: bool = False, wait: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection that is always closed."""
    con = connect(path, read_only=read_only, wait=wait)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN ... COMMIT, or ROLLBACK of everything (DDL included) on any exception."""
    con.begin()
    try:
        yield con
    except BaseException:
        con.rollback()
        raise
    con.commit()


def has_schema(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the file was ever initialised; reads only (checks must never write)."""
    return con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_migrations'").fetchone()[0] > 0


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    con.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)")
    row = con.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return row[0] or 0


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations the file has not seen yet, each in its own transaction."""
    applied = []
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


def quarter_end(year: int, quarter: int) -> date:
    if quarter == 4:
        return date(year, 12, 31)
    return date(year, quarter * 3 + 1, 1) - timedelta(days=1)


def deadline(year: int, quarter: int, config: CalendarConfig | None = None) -> date:
    config = config or load_calendar_config()
    return config.overrides.get((year, quarter)) or quarter_end(year, quarter) + timedelta(days=config.days_after_quarter_end)
