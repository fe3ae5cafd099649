"""What readers write, kept where a writer cannot block it: `<db>.side.sqlite` beside the database.

DuckDB lets one process write a file OR many read it, so while an ingest holds the database nothing else can
write it, and a sign-in that wrote its audit entry or its failure counter there would wait for the whole batch.
Everything a *read path* must record goes to this small SQLite file instead (WAL mode: readers never wait for
its writers; each write is one short transaction, waiting at most `BUSY_MS`):

* **pending audit entries** of readers: sign-in, sign-out, session end, refusals. A writer merges them into
  `audit_log` at the end of its work (`loaders.audit.merge_pending`), in the order they happened, each getting
  its sequence number and hash there, so the one hash chain is kept; the merge is idempotent (a watermark per
  side file, table `audit_side_merged`, is stored in the same transaction).
* **sign-in throttling**: failure counters and locks per (username, client), per username and per client
  (`loaders.auth` decides the rules; this module only counts).

Standard library only (sqlite3).
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

BUSY_MS = 5000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit_pending (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    logged_at TEXT NOT NULL, actor TEXT NOT NULL, role TEXT, action TEXT NOT NULL, target TEXT,
    before_json TEXT, after_json TEXT, detail TEXT
);
CREATE TABLE IF NOT EXISTS throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL DEFAULT 0,   -- failures since first_at (within the window) or the last lock
    first_at REAL NOT NULL,                -- epoch seconds of the first counted failure
    locked_until REAL,                     -- epoch seconds; no attempt is checked before it
    locks INTEGER NOT NULL DEFAULT 0       -- locks so far (each one twice as long: backoff)
);
"""


def side_path(db_path) -> Path:
    db = Path(db_path).resolve()
    return db.with_name(db.name + ".side.sqlite")


@contextmanager
def connect(db_path) -> Iterator[sqlite3.Connection]:
    """One short transaction on the side file (created on first use)."""
    path = side_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None)
    try:
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
            con.executescript(_SCHEMA)
            con.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:   # still locked after BUSY_MS: the same "busy" as the database
            from loaders.store import DatabaseBusy
            raise DatabaseBusy(f"Berkas {path} sedang dipakai; coba lagi sebentar lagi. / "
                               f"File {path} is busy; retry in a moment.") from exc
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
    finally:
        con.close()


def side_id(con: sqlite3.Connection) -> str:
    """A random id of this side file: a re-created file never reuses the watermark of an old one."""
    row = con.execute("SELECT value FROM meta WHERE key = 'side_id'").fetchone()
    if row:
        return row[0]
    value = uuid.uuid4().hex
    con.execute("INSERT INTO meta VALUES ('side_id', ?)", [value])
    return value


# ------------------------------------------------------------------ pending audit entries
def _dump(value) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def append_audit(db_path, *, logged_at: datetime, actor: str, action: str, role=None, target=None, before=None,
                 after=None, detail=None) -> int:
    with connect(db_path) as con:
        side_id(con)
        cur = con.execute("INSERT INTO audit_pending (logged_at, actor, role, action, target, before_json, "
                          "after_json, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          [logged_at.isoformat(), actor, role, action, target, _dump(before), _dump(after), detail])
        return int(cur.lastrowid)


def pending_audit(db_path) -> tuple[str, list[dict]]:
    """(side file id, entries not yet removed), oldest first."""
    if not side_path(db_path).exists():
        return "", []
    with connect(db_path) as con:
        sid = side_id(con)
        rows = con.execute("SELECT id, logged_at, actor, role, action, target, before_json, after_json, detail "
                           "FROM audit_pending ORDER BY id").fetchall()
    keys = ("id", "logged_at", "actor", "role", "action", "target", "before_json", "after_json", "detail")
    return sid, [dict(zip(keys, r)) for r in rows]


def drop_audit_upto(db_path, upto: int) -> None:
    with connect(db_path) as con:
        con.execute("DELETE FROM audit_pending WHERE id <= ?", [upto])


# ------------------------------------------------------------------ throttling counters
def _epoch(now: datetime) -> float:
    return now.timestamp() if now.tzinfo else (now - datetime(1970, 1, 1)).total_seconds()


def locked_until(con: sqlite3.Connection, key: str, now: datetime) -> float | None:
    """Epoch seconds until which `key` is locked, or None."""
    row = con.execute("SELECT locked_until FROM throttle WHERE key = ?", [key]).fetchone()
    return row[0] if row and row[0] is not None and row[0] > _epoch(now) else None


def fail(con: sqlite3.Connection, key: str, now: datetime, *, limit: int, window_s: float, base_s: float,
         max_s: float) -> float | None:
    """Count one failure of `key`; on the `limit`-th within `window_s` lock it for base_s, 2·base_s, 4·base_s...
    (at most max_s) and return the lock's length in seconds (None when no lock starts)."""
    t = _epoch(now)
    row = con.execute("SELECT failures, first_at, locks FROM throttle WHERE key = ?", [key]).fetchone()
    failures, first, locks = row if row else (0, t, 0)
    if t - first > window_s:
        failures, first = 0, t
    failures += 1
    length = None
    if failures >= limit:
        locks += 1
        length = min(base_s * 2 ** (locks - 1), max_s)
        failures, first = 0, t
    con.execute("INSERT INTO throttle (key, failures, first_at, locked_until, locks) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, first_at = excluded.first_at, "
                "locked_until = coalesce(excluded.locked_until, throttle.locked_until), locks = excluded.locks",
                [key, failures, first, t + length if length else None, locks])
    return length


def clear(con: sqlite3.Connection, *keys: str) -> None:
    con.executemany("DELETE FROM throttle WHERE key = ?", [[k] for k in keys])


def clear_prefix(con: sqlite3.Connection, prefix: str) -> int:
    return con.execute("DELETE FROM throttle WHERE substr(key, 1, ?) = ?", [len(prefix), prefix]).rowcount


__all__ = ["side_path", "connect", "append_audit", "pending_audit", "drop_audit_upto", "locked_until", "fail",
           "clear", "clear_prefix"]
