"""The append-only audit trail: who did what, when, to what, before → after.

This module only appends and reads. Nothing in PantauRB updates or deletes `audit_log` rows. Each row
carries a sequence number (1, 2, 3, ... without gaps), the previous row's hash and the SHA-256 of both plus
its own content (a hash chain). An edit made outside the app, for example with a DuckDB shell, breaks the
chain, and `verify_chain()` reports the first broken row.

A chain inside the database cannot prove its own end: someone who can write the file can delete the newest
rows, or edit a row and re-hash everything after it, or append a row with a valid hash. So the chain head
(sequence number and hash) is also **anchored outside the database**: every committed audit entry appends
`seq hash time` to an append-only file beside the database and its archive (`<db>.audit-chain`, see
`anchor_path`), and every receipt prints the head at the time of the upload. `verify()` checks the chain, then
that every anchored head is still the row with that sequence number and hash (truncation, re-hashing, deletion
and renumbering all change it), and that no row follows the last anchored head (a forged append).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from loaders import store

GENESIS = "0" * 64
MERGE_SCHEMA_VERSION = 9   # audit_side_merged (loaders/store.py)
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
    return _append(con, at or utc_now(), actor, role, action, target, _dump(before), _dump(after), detail)


def _append(con, at: datetime, actor, role, action, target, b, a, detail) -> int:
    last = con.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    digest = _row_hash(prev, seq, at, actor, role, action, target, b, a, detail)
    con.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [seq, at, actor, role, action, target, b, a, detail, prev, digest])
    if store.in_transaction(con):      # anchored once the caller's transaction commits (store.transaction)
        store.after_commit(con, "audit_anchor", lambda: _anchor_head(con))
    else:                              # autocommit: the row is stored already
        _anchor_head(con)
    return seq


def record_to(db_path, **entry) -> int:
    """Append one entry through a short-lived connection of its own (operators and tests; a read path uses
    `record_side`, which never waits for a writer)."""
    with store.session(store.resolve_db_path(db_path)) as con:
        store.migrate(con)
        return record(con, **entry)


def record_side(db_path, *, actor: str, action: str, role: str | None = None, target: str | None = None,
                before=None, after=None, detail: str | None = None, at: datetime | None = None) -> int:
    """Record an entry of a read path (sign-in, sign-out, refusals) in the side file (`loaders.sidestore`),
    which a writer holding the database cannot block; the next writer merges it into the chain."""
    from loaders import sidestore
    return sidestore.append_audit(store.resolve_db_path(db_path), logged_at=at or utc_now(), actor=actor,
                                  action=action, role=role, target=target, before=before, after=after, detail=detail)


def merge_pending(con, db_path) -> int:
    """Move the side file's pending entries into `audit_log` (a writer's connection, outside a transaction):
    in the order they happened, each with its sequence number and hash, so the chain is kept. Idempotent: the
    side file's watermark is stored in the same transaction, and only then are the entries removed there."""
    from loaders import sidestore
    db = store.resolve_db_path(db_path)
    sid, rows = sidestore.pending_audit(db)
    if not rows or store.schema_version(con) < MERGE_SCHEMA_VERSION:
        return 0
    top = rows[-1]["id"]
    with store.transaction(con):
        done = con.execute("SELECT upto FROM audit_side_merged WHERE side_id = ?", [sid]).fetchone()
        new = [r for r in rows if r["id"] > (done[0] if done else 0)]
        for r in new:
            _append(con, datetime.fromisoformat(r["logged_at"]), r["actor"], r["role"], r["action"], r["target"],
                    r["before_json"], r["after_json"], r["detail"])
        con.execute("INSERT OR REPLACE INTO audit_side_merged VALUES (?, ?, ?)", [sid, top, utc_now()])
    sidestore.drop_audit_upto(db, top)
    return len(new)


def pending_count(db_path) -> int:
    from loaders import sidestore
    return len(sidestore.pending_audit(store.resolve_db_path(db_path))[1])


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


# ------------------------------------------------------------------ the chain head, anchored outside the database
def anchor_path(db_path) -> Path:
    """`<db>.audit-chain`: beside the database file and its `archive/` folder, append-only."""
    db = Path(db_path).resolve()
    return db.with_name(db.name + ".audit-chain")


def head(con) -> tuple[int, str] | None:
    """(seq, hash) of the newest entry, or None for an empty trail."""
    row = con.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return (int(row[0]), row[1]) if row else None


def read_anchors(db_path) -> list[tuple[int, str]]:
    """Every anchored head, oldest first (a torn last line from a crash is skipped)."""
    try:
        text = anchor_path(db_path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].isdigit() and len(parts[1]) == 64:
            out.append((int(parts[0]), parts[1]))
    return out


def anchor(db_path, seq: int, digest: str) -> None:
    """Append one head to the anchor file (O_APPEND, fsynced); a head already anchored last is not repeated."""
    path = anchor_path(db_path)
    if _last_anchor(path) == (seq, digest):
        return
    line = f"{seq} {digest} {utc_now().isoformat(timespec='seconds')}Z\n".encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def _last_anchor(path: Path) -> tuple[int, str] | None:
    """The newest anchored head, read from the file's tail only (the file grows with the trail)."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 512))
            lines = fh.read().decode("utf-8", "replace").splitlines()
    except FileNotFoundError:
        return None
    for line in reversed(lines):
        parts = line.split()
        if len(parts) >= 2 and parts[0].isdigit() and len(parts[1]) == 64:
            return int(parts[0]), parts[1]
    return None


def _database_file(con) -> str | None:
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return row[0] if row and row[0] else None


def _anchor_head(con) -> None:
    path = _database_file(con)
    if path is None:          # an in-memory database has nothing to anchor beside
        return
    top = head(con)
    if top is not None:
        anchor(path, *top)


@dataclass(frozen=True)
class Verdict:
    """What `verify()` found. `problem` is None when the trail is whole; else a code and the first bad seq."""
    ok: bool
    entries: int
    anchored: int                 # the newest anchored seq (0 when nothing is anchored yet)
    problem: str | None = None    # chain | anchor_mismatch | truncated | unanchored_rows
    seq: int | None = None

    def text(self, lang: str = "id") -> str:
        if self.ok:
            return (f"Trail audit utuh: {self.entries} catatan, kepala rantai tertambat pada #{self.anchored}."
                    if lang != "en" else
                    f"Audit trail intact: {self.entries} entries, chain head anchored at #{self.anchored}.")
        words = {
            "chain": ("rantai hash rusak mulai catatan #{s} (catatan diubah atau dihapus)",
                      "hash chain broken from entry #{s} (an entry was edited or removed)"),
            "anchor_mismatch": ("catatan #{s} tidak sama dengan kepala rantai yang tertambat di luar basis data "
                                "(diubah lalu di-hash ulang, atau dihapus lalu dinomori ulang)",
                                "entry #{s} differs from the chain head anchored outside the database "
                                "(edited and re-hashed, or deleted and renumbered)"),
            "truncated": ("catatan #{s} yang sudah tertambat hilang (catatan terbaru dihapus)",
                          "anchored entry #{s} is missing (the newest entries were deleted)"),
            "unanchored_rows": ("catatan #{s} dan sesudahnya tidak pernah tertambat (ditambahkan di luar aplikasi)",
                                "entry #{s} and later were never anchored (appended outside the app)"),
        }[self.problem]
        return words[1 if lang == "en" else 0].format(s=self.seq)


def verify(con, db_path, *, allow_newer_anchors: bool = False) -> Verdict:
    """The whole check: the chain itself, then the anchored heads of `db_path`'s anchor file.

    `allow_newer_anchors` is for readers of a published snapshot, which may be older than the newest anchor
    (they check everything up to the snapshot's head, but cannot tell truncation from a stale snapshot)."""
    ok, bad = verify_chain(con)
    n = con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    anchors = read_anchors(db_path)
    last = anchors[-1][0] if anchors else 0
    if not ok:
        return Verdict(False, n, last, "chain", bad)
    hashes = dict(con.execute("SELECT seq, hash FROM audit_log").fetchall())
    top = max(hashes) if hashes else 0
    for seq, digest in anchors:
        if seq not in hashes:
            if allow_newer_anchors and seq > top:
                continue
            return Verdict(False, n, last, "truncated", top + 1 if seq > top else seq)
        if hashes[seq] != digest:
            return Verdict(False, n, last, "anchor_mismatch", seq)
    if anchors and top > last:
        return Verdict(False, n, last, "unanchored_rows", last + 1)
    return Verdict(True, n, last)


def export_csv(frame: pd.DataFrame) -> bytes:
    """The trail as CSV, through the one spreadsheet-formula neutraliser of every download: a username typed at
    a failed sign-in (`=cmd|' /C calc'!A0`) stays text in Excel and LibreOffice."""
    from indicators.xlsx_text import neutralise_frame
    buf = io.StringIO()
    neutralise_frame(frame).to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8")


def chain_status(con, db_path: str | None = None) -> pd.DataFrame:
    """verify() as a one-row frame (for the cached page query, which reads a published snapshot)."""
    if db_path is None:
        ok, bad = verify_chain(con)
        return pd.DataFrame([{"ok": ok, "first_bad": bad, "problem": None if ok else "chain"}])
    v = verify(con, db_path, allow_newer_anchors=True)
    return pd.DataFrame([{"ok": v.ok, "first_bad": v.seq, "problem": v.problem}])
