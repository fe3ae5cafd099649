"""Data versions and read-only snapshots (loaders/snapshot.py): one writer, readers that never wait."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from loaders import api, snapshot, store
from loaders.auth import Scope
from loaders.demo import _agency_files, demo_agencies

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def files():
    """Real demo workbooks of two agencies for 2024 (accepted ones last per quarter)."""
    return [f for a in demo_agencies(2) for f in _agency_files((a, (2024,)))]


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv(snapshot.ENV_ENABLED, "1")
    path = tmp_path / "pantaurb.duckdb"
    api.init_database(path)
    return path


def ingest(db, f, **kw):
    return api.ingest_file(f.data, f.name, scope=Scope.system("test"), db_path=db, received_at=f.received_at,
                           reason=f.reason, **kw)


def test_each_commit_bumps_the_version_and_publishes_a_readable_snapshot(db, files):
    v0 = snapshot.current(db)
    assert v0.snapshot and v0.version == 1          # init announced itself
    res = ingest(db, files[0])
    cur = snapshot.current(db)
    assert cur.version == v0.version + 1 and cur.path.name == f"{cur.version:08d}.duckdb"
    # a reader opens the snapshot read-only while the writer holds the database read-write
    with store.session(db) as writer:
        writer.execute("SELECT 1")
        reader = duckdb.connect(str(cur.path), read_only=True)
        try:
            got = reader.execute("SELECT count(*) FROM v_submissions").fetchone()[0]
            live = writer.execute("SELECT count(*) FROM v_submissions").fetchone()[0]
        finally:
            reader.close()
    assert got == live == (1 if res.outcome == "accepted" else 0)
    pointer = json.loads((snapshot.folder(db) / snapshot.POINTER).read_text())
    assert pointer["version"] == cur.version and pointer["snapshot"] == cur.path.name


def test_a_snapshot_never_changes_after_it_is_published(db, files):
    ingest(db, files[0])
    first = snapshot.current(db)
    with duckdb.connect(str(first.path), read_only=True) as con:
        before = con.execute("SELECT count(*) FROM uploads").fetchone()[0]
    ingest(db, files[1])
    assert snapshot.current(db).version == first.version + 1
    with duckdb.connect(str(first.path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM uploads").fetchone()[0] == before
    with duckdb.connect(str(snapshot.current(db).path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM uploads").fetchone()[0] == before + 1


def test_old_snapshots_are_pruned_to_the_newest_few(db, files, monkeypatch):
    monkeypatch.setenv(snapshot.ENV_KEEP, "2")
    for f in files[:4]:
        ingest(db, f)
    snaps = sorted(p.name for p in snapshot.folder(db).glob("*.duckdb"))
    newest = snapshot.current(db).version
    assert snaps == [f"{newest - 1:08d}.duckdb", f"{newest:08d}.duckdb"]


def test_a_batch_announces_once(db, files):
    """`python -m loaders ingest F1 F2 F3` is one new version, so readers see all three files or none."""
    before = snapshot.version(db)
    paths = []
    for n, f in enumerate(files[:3]):
        p = db.parent / f"{n}_{f.name}"
        p.write_bytes(f.data)
        paths.append(str(p))
    proc = subprocess.run([sys.executable, "-m", "loaders", "ingest", "--db", str(db), "--format", "json", *paths],
                          cwd=REPO, capture_output=True, text=True, env={**os.environ,
                          snapshot.ENV_ENABLED: "1"})
    assert proc.returncode in (0, 1), proc.stderr
    assert len(json.loads(proc.stdout)) == 3
    assert snapshot.version(db) == before + 1
    with duckdb.connect(str(snapshot.current(db).path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM uploads").fetchone()[0] == 3


def test_without_snapshots_readers_use_the_database_and_the_counter_still_moves(tmp_path, files, monkeypatch):
    monkeypatch.delenv(snapshot.ENV_ENABLED, raising=False)
    db = tmp_path / "pantaurb.duckdb"
    api.init_database(db)
    v = snapshot.current(db)
    assert not v.snapshot and v.path == db
    ingest(db, files[0])
    assert snapshot.current(db).version == v.version + 1
    assert not list(snapshot.folder(db).glob("*.duckdb"))


def test_rebuild_is_announced_only_when_the_rebuilt_file_is_in_place(db, files):
    for f in files[:2]:
        ingest(db, f)
    before = snapshot.version(db)
    api.rebuild(db)
    assert snapshot.version(db) == before + 1
    with duckdb.connect(str(snapshot.current(db).path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM uploads").fetchone()[0] == 2


def test_warming_fills_the_cache_the_landing_page_reads(db, files, monkeypatch):
    """After a commit the watcher warms the landing page's queries; the next analyst's `q()` calls (default
    reader: every accepted report) then find them in the cache and run nothing."""
    from ui import data
    for f in files[:4]:
        ingest(db, f)
    monkeypatch.setenv(store.ENV_DB, str(db))
    data.cached.clear()
    monkeypatch.setattr(data.cached, "clear", lambda: None)   # a watcher of an earlier test must not empty it
    state = data.current_state()
    assert state.snapshot and data.warm(state) == len(data.landing_queries(state)) > 3
    ran = []
    monkeypatch.setattr(data, "_run", lambda *a: ran.append(a))
    for name, *args in data.landing_queries(state):
        data.cached(name, state, False, *args)
    assert ran == []
