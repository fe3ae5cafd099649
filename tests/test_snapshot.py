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


# ------------------------------------------------------------------ issue 21.7: a stored mode, busy reads
def _cli(*args, **env_changes):
    env = {k: v for k, v in os.environ.items() if k != snapshot.ENV_ENABLED}
    env.update(PYTHONPATH=str(REPO), **env_changes)
    return subprocess.run([sys.executable, "-m", "loaders", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=300)


def test_snapshot_mode_is_a_stored_setting_no_command_can_forget(tmp_path, files, monkeypatch):
    """Turned on once for the installation, a writer run without PANTAURB_SNAPSHOTS still publishes a
    snapshot and readers (also without the variable) stay on snapshots; the variable still overrides."""
    monkeypatch.delenv(snapshot.ENV_ENABLED, raising=False)
    db = tmp_path / "pantaurb.duckdb"
    api.init_database(db)
    assert not snapshot.current(db).snapshot
    done = _cli("snapshots", "on", "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["stored"] is True and snapshot.current(db).snapshot
    book = tmp_path / files[0].name
    book.write_bytes(files[0].data)
    before = snapshot.current(db).version
    ingested = _cli("ingest", str(book), "--db", str(db), "--reason", "uji", "--format", "json")
    assert ingested.returncode in (0, 1), ingested.stderr                  # a writer without the variable
    cur = snapshot.current(db)
    assert cur.snapshot and cur.version == before + 1 and cur.path.exists()
    with duckdb.connect(str(cur.path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM uploads").fetchone()[0] == 1
    monkeypatch.setenv(snapshot.ENV_ENABLED, "0")                            # the override, for one process
    assert not snapshot.current(db).snapshot
    monkeypatch.delenv(snapshot.ENV_ENABLED)
    assert _cli("snapshots", "off", "--db", str(db)).returncode == 0
    assert not snapshot.current(db).snapshot and snapshot.stored_setting(db) is False


def test_a_read_that_finds_the_database_busy_reads_the_newest_snapshot(db, files, monkeypatch):
    from ui import data
    ingest(db, files[0])
    monkeypatch.setenv(snapshot.ENV_ENABLED, "0")      # this reader reads the database itself
    monkeypatch.setattr(store, "READ_WAIT_SECONDS", 0.5)
    state = data.DataState(("v", 0), str(db), False)
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); sys.stdin.read()", str(db)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"                   # waits for state: the lock is taken
        status = data._run("data_status", state, False, ())
        assert int(status.iloc[0]["n_indicators"]) > 0                   # from the snapshot, not an error
    finally:
        holder.stdin.close()
        holder.wait()
