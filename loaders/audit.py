"""The append-only audit trail: who did what, when, to what, before → after.

This module only appends and reads. Nothing in PantauRB updates or deletes `audit_log` rows. Each row
stores the SHA-256 of the previous row's hash and its own content (a hash chain). An edit or deletion
made outside the app, for example with a DuckDB shell, breaks the chain, and `verify_chain()` reports
the first broken row.
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import datetime, timezone

import pandas as pd

from loaders import store

GENESIS = "0" * 64
COLUMNS = ["seq", "logged_at", "actor", "role", "action", "target", "before_json", "after_json", "detail"]


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _dump(value) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _row_hash(prev_hash: str, seq: int, logged_at: datetime, actor, role, action, target, before, after,
              detail) -> str:
    payload = json.dumps([prev_hash, seq, logged_at.isoformat(), actor, role, action, target, before, after, detail],
                         ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(con, *, actor: str, action: str, role: str | None = None, target: str | None = None,
           before=None, after=None, detail: str | None = None, at: datetime | None = None) -> int:
    """Append one entry on the caller's connection (inside its transaction when it has one)."""
    at = at or utc_now()
    last = con.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    b, a = _dump(before), _dump(after)
    digest = _row_hash(prev, seq, at, actor, role, action, target, b, a, detail)
    con.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [seq, at, actor, role, action, target, b, a, detail, prev, digest])
    return seq


def record_to(db_path, **entry) -> int:
    """Append one entry through a short-lived connection of its own (for refusals: nothing else is written)."""
    with store.session(store.resolve_db_path(db_path)) as con:
        store.migrate(con)
        return record(con, **entry)


def entries(con, *, action: str | None = None, actor: str | None = None, since: datetime | None = None,
            limit: int | None = None) -> pd.DataFrame:
    sql = f"SELECT {', '.join(COLUMNS)} FROM audit_log WHERE 1 = 1"
    params: list = []
    for column, value in (("action", action), ("actor", actor)):
        if value:
            sql += f" AND {column} = ?"
            params.append(value)
    if since:
        sql += " AND logged_at >= ?"
        params.append(since)
    sql += " ORDER BY seq DESC"
    if limit:
        sql += " LIMIT ?"
        params.append(int(limit))
    return con.execute(sql, params).df()


def verify_chain(con) -> tuple[bool, int | None]:
    """(True, None) when every row matches its hash and links to the previous one; else (False, first bad seq)."""
    prev = GENESIS
    expected_seq = 1
    for row in con.execute("SELECT seq, logged_at, actor, role, action, target, before_json, after_json, detail, "
                           "prev_hash, hash FROM audit_log ORDER BY seq").fetchall():
        seq = row[0]
        if seq != expected_seq or row[9] != prev or _row_hash(prev, *row[:9]) != row[10]:
            return False, seq
        prev, expected_seq = row[10], seq + 1
    return True, None


def export_csv(frame: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    frame.to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8")


def chain_status(con) -> pd.DataFrame:
    """verify_chain() as a one-row frame (for the cached page query)."""
    ok, bad = verify_chain(con)
    return pd.DataFrame([{"ok": ok, "first_bad": bad}])
