"""Data versions and read-only snapshots: one writer, any number of dashboard readers.

Every commit that changes what the dashboard shows ends with `committed(db)`. It bumps the data version, a
counter kept in `<db folder>/snapshots/CURRENT` (JSON: version, snapshot file, time). Pages cache their
queries per data version, so an accepted upload invalidates exactly once, whatever the file times do.

Snapshot mode is a stored setting of the installation: `python -m loaders snapshots on` (`set_enabled`)
writes `<db folder>/snapshots/SETTINGS`, which every writer and reader of that database reads, so no command
can forget it. The environment variable `PANTAURB_SNAPSHOTS` (1/0) still overrides it for one process.
With snapshots on, `committed` also publishes
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
SETTINGS = "SETTINGS"              # JSON {"snapshots": true|false}: the installation's stored mode
_publish_lock = threading.Lock()   # one publisher per process (uploads run in Streamlit threads)


def enabled(db_path=None) -> bool:
    """Whether commits publish snapshots and readers read them: `PANTAURB_SNAPSHOTS` when set (an override
    for one process), else the installation's stored setting (`set_enabled`), else off."""
    raw = os.environ.get(ENV_ENABLED, "").strip().lower()
    if raw:
        return raw in ("1", "true", "yes", "on")
    return bool(stored_setting(db_path))


def stored_setting(db_path=None) -> bool | None:
    """The stored snapshot mode of the installation (None: never set)."""
    try:
        value = json.loads((folder(db_path) / SETTINGS).read_text(encoding="utf-8")).get("snapshots")
    except (FileNotFoundError, ValueError, AttributeError):
        return None
    return None if value is None else bool(value)


def set_enabled(db_path=None, on: bool = True, *, on_wait=None) -> "Current":
    """Store the snapshot mode for every later writer and reader of this database. Holding the writer slot,
    it writes the setting and announces a new data version, so turning it on publishes the first snapshot
    at once (readers switch to it) and turning it off sends readers back to the database."""
    db = store.resolve_db_path(db_path)
    dir_ = folder(db)
    dir_.mkdir(parents=True, exist_ok=True)
    with store.writer(db, on_wait=on_wait) as con:
        tmp = dir_ / f".{SETTINGS}.{os.getpid()}"
        tmp.write_text(json.dumps({"snapshots": bool(on)}), encoding="utf-8")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dir_ / SETTINGS)
        return committed(db, con)


def folder(db_path) -> Path:
    return store.resolve_db_path(db_path).resolve().parent / "snapshots"


def newest_file(db_path=None) -> Path | None:
    """The newest published snapshot file, whatever the mode (None when there is none)."""
    pointer = _read_pointer(db_path)
    if pointer and pointer.get("snapshot") and (folder(db_path) / pointer["snapshot"]).exists():
        return folder(db_path) / pointer["snapshot"]
    snaps = sorted(p for p in folder(db_path).glob("*.duckdb") if p.stem.isdigit())
    return snaps[-1] if snaps else None


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
    if enabled(db) and pointer.get("snapshot"):
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
        if enabled(db):
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


__all__ = ["Current", "committed", "current", "enabled", "folder", "newest_file", "set_enabled", "stored_setting",
           "version"]
