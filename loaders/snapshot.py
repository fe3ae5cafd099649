"""Data versions and read-only snapshots: one writer, any number of dashboard readers.

Every commit that changes what the dashboard shows ends with `committed(db)`. It bumps the data version, a
counter kept in `<db folder>/snapshots/CURRENT` (JSON: version, snapshot file, time). Pages cache their
queries per data version, so an accepted upload invalidates exactly once, whatever the file times do.

With snapshots on (env `PANTAURB_SNAPSHOTS=1`, on the writer and every reader), `committed` also publishes
an immutable copy of the database, `snapshots/<version>.duckdb`, taken inside one read transaction
(`COPY FROM DATABASE`, so never a half-written state), and only then replaces `CURRENT` atomically
(`os.replace`). Readers open the newest snapshot read-only; DuckDB lets any number of processes read a
file nobody writes, so readers never wait for the writer's lock and the writer never waits for readers.
The newest `PANTAURB_SNAPSHOTS_KEEP` (default 3) snapshots are kept; a reader still holding an older one
keeps reading it (the file is unlinked, not truncated).
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from loaders import store

ENV_ENABLED = "PANTAURB_SNAPSHOTS"
ENV_KEEP = "PANTAURB_SNAPSHOTS_KEEP"
POINTER = "CURRENT"
_publish_lock = threading.Lock()   # one publisher per process (uploads run in Streamlit threads)


def enabled() -> bool:
    return os.environ.get(ENV_ENABLED, "").strip().lower() in ("1", "true", "yes", "on")


def folder(db_path) -> Path:
    return store.resolve_db_path(db_path).resolve().parent / "snapshots"


@dataclass(frozen=True)
class Current:
    """What readers should open: `path` (a snapshot, or the database itself) at data version `version`."""
    version: int
    path: Path
    snapshot: bool


def _read_pointer(db_path) -> dict | None:
    try:
        return json.loads((folder(db_path) / POINTER).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def version(db_path=None) -> int:
    """The data version (0 for a database no commit has announced yet)."""
    pointer = _read_pointer(db_path)
    return int(pointer["version"]) if pointer else 0


def current(db_path=None) -> Current:
    """The newest published state. Without snapshots (or before the first one) readers use the database."""
    db = store.resolve_db_path(db_path)
    pointer = _read_pointer(db)
    if not pointer:
        return Current(0, db, False)
    if enabled() and pointer.get("snapshot"):
        snap = folder(db) / pointer["snapshot"]
        if snap.exists():
            return Current(int(pointer["version"]), snap, True)
    return Current(int(pointer["version"]), db, False)


def _write_pointer(dir_: Path, data: dict) -> None:
    tmp = dir_ / f".{POINTER}.{os.getpid()}.{threading.get_ident()}"
    tmp.write_text(json.dumps(data), encoding="utf-8")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, dir_ / POINTER)


def committed(db_path=None, con=None) -> Current:
    """Announce a commit: bump the data version and, with snapshots on, publish the new snapshot first.

    `con` is the writer's open connection when it has one (batch work); otherwise a short one is opened.
    """
    db = store.resolve_db_path(db_path)
    dir_ = folder(db)
    dir_.mkdir(parents=True, exist_ok=True)
    with _publish_lock:
        new = version(db) + 1
        name = None
        if enabled():
            name = f"{new:08d}.duckdb"
            _copy(db, dir_ / name, con)
        _write_pointer(dir_, {"version": new, "snapshot": name,
                              "published_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds")})
        if name:
            _prune(dir_, keep=int(os.environ.get(ENV_KEEP, "3")))
    return current(db)


def _copy(db: Path, out: Path, con=None) -> None:
    """A transactionally consistent copy of the whole database into a new file, renamed into place."""
    tmp = out.with_name(f".{out.name}.tmp")
    for p in (tmp, Path(str(tmp) + ".wal")):
        p.unlink(missing_ok=True)
    if con is None:
        with store.session(db) as own:
            _copy_with(own, tmp)
    else:
        _copy_with(con, tmp)
    Path(str(tmp) + ".wal").unlink(missing_ok=True)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, out)


def _copy_with(con, tmp: Path) -> None:
    alias = "pantaurb_snapshot"
    con.execute("SET enable_progress_bar = false")   # the CLI's stdout carries JSON
    db_name = con.execute("SELECT current_database()").fetchone()[0]
    con.execute("ATTACH '" + tmp.as_posix().replace("'", "''") + f"' AS {alias}")
    try:
        con.execute(f'COPY FROM DATABASE "{db_name}" TO {alias}')
    finally:
        con.execute(f"DETACH {alias}")


def _prune(dir_: Path, keep: int) -> None:
    snaps = sorted(p for p in dir_.glob("*.duckdb") if p.stem.isdigit())
    for old in snaps[:-max(keep, 1)]:
        old.unlink(missing_ok=True)
        Path(str(old) + ".wal").unlink(missing_ok=True)


__all__ = ["Current", "committed", "current", "enabled", "folder", "version"]
