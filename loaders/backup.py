"""Backup and restore of a PantauRB installation: database, archive, journal and receipts, all at one commit.

`backup` takes the database's writer slot (the dashboard keeps reading; writers wait their turn for the
few seconds it takes), settles the journal, copies the database with DuckDB's `COPY FROM DATABASE` and
copies the journal as it is at that moment, so both end at the same commit. The archived files are
content-addressed and never change, so they are copied after the slot is released.
`restore` puts such a folder back as a database path with its `archive/` and `receipts/` beside it.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

from loaders import store
from loaders.archive import Archive

DB_FILE = "pantaurb.duckdb"
MANIFEST = "manifest.json"


class BackupError(RuntimeError):
    pass


def _sql_path(p: Path) -> str:
    return "'" + str(p).replace("'", "''") + "'"


def _copy_atomic(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + f".{os.getpid()}.part")
    shutil.copyfile(src, tmp)
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, dst)


def _copy_tree_files(src: Path, dst: Path) -> int:
    """Copy files that `dst` lacks (archive files and receipts never change once written)."""
    n = 0
    if not src.exists():
        return n
    for f in sorted(src.rglob("*")):
        if f.is_file() and not f.name.endswith(".part") and f.name != "journal.jsonl":
            target = dst / f.relative_to(src)
            if not target.exists():
                _copy_atomic(f, target)
                n += 1
    return n


def backup(db_path=None, out_dir=None, *, on_wait=None) -> dict:
    """Write a consistent copy of the database, its archive, journal and receipts into `out_dir` (new)."""
    from loaders.api import _commit_seq, receipts_dir
    path = store.resolve_db_path(db_path).resolve()
    out = Path(out_dir).resolve()
    if not path.exists():
        raise BackupError(f"Basis data tidak ada / no database at {path}")
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"Folder tujuan tidak kosong / target folder is not empty: {out}")
    out.mkdir(parents=True, exist_ok=True)
    archive = Archive.beside(path)
    copy = out / DB_FILE
    with store.writer(path, on_wait=on_wait) as con:
        store.migrate(con)
        archive.settle_tail(lambda entry_id: _commit_seq(con, entry_id))
        name = con.execute("SELECT current_database()").fetchone()[0]
        con.execute(f"ATTACH {_sql_path(copy)} AS pantaurb_backup")
        try:
            con.execute(f'COPY FROM DATABASE "{name}" TO pantaurb_backup')
        finally:
            con.execute("DETACH pantaurb_backup")
        last_seq = con.execute("SELECT coalesce(max(seq), 0) FROM commits").fetchone()[0]
        counts = dict(zip(("submissions", "uploads"), con.execute(
            "SELECT (SELECT count(*) FROM submissions), (SELECT count(*) FROM uploads)").fetchone()))
        journal = archive.journal_path.read_bytes() if archive.journal_path.exists() else b""
    (out / "archive").mkdir(exist_ok=True)
    (out / "archive" / "journal.jsonl").write_bytes(journal)
    copied = Archive(out / "archive")
    for digest in sorted({d for d in map(_intent, copied.records()) if d}):
        src = archive.path_for(digest)
        if src.exists():
            _copy_atomic(src, copied.path_for(digest))
    n_receipts = _copy_tree_files(receipts_dir(path), out / "receipts")
    manifest = {"created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "source": str(path),
                "last_commit": last_seq, "receipts": n_receipts, **counts}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return {"out": str(out), **manifest}


def _intent(record: dict) -> str | None:
    return record.get("sha256") if record.get("kind") in ("upload", "registry") else None


def restore(backup_dir, db_path=None, *, force: bool = False, on_wait=None) -> dict:
    """Make `backup_dir` (from `backup`) the database at `db_path`, with archive, journal and receipts."""
    from loaders.api import receipts_dir, write_receipts
    src = Path(backup_dir).resolve()
    if not (src / MANIFEST).exists() or not (src / DB_FILE).exists():
        raise BackupError(f"Bukan folder cadangan PantauRB / not a PantauRB backup folder: {src}")
    path = store.resolve_db_path(db_path).resolve()
    if path.exists() and not force:
        raise BackupError(f"Basis data sudah ada / a database exists at {path}; use --force to replace it")
    archive = Archive.beside(path)
    with store.writer_lock(path, on_wait=on_wait):
        copied = _copy_tree_files(src / "archive", archive.root)
        _copy_atomic(src / "archive" / "journal.jsonl", archive.journal_path)
        staged = path.with_name(path.name + ".restore")
        _copy_atomic(src / DB_FILE, staged)
        store.set_aside_stale_wal(path)
        os.replace(staged, path)
        n_receipts = _copy_tree_files(src / "receipts", receipts_dir(path))
    written = write_receipts(path, missing_only=True)
    manifest = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
    return {"db": str(path), "last_commit": manifest["last_commit"], "archive_files": copied,
            "receipts_copied": n_receipts, "receipts_written": written["written"]}
