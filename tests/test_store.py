"""The database module: path resolution, migrations, transactions, the lock wait."""

import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

from loaders import store


def test_db_path_prefers_flag_then_env_then_default(monkeypatch, tmp_path):
    monkeypatch.setenv("PANTAURB_DB", str(tmp_path / "env.duckdb"))
    assert store.resolve_db_path(tmp_path / "flag.duckdb") == tmp_path / "flag.duckdb"
    assert store.resolve_db_path() == tmp_path / "env.duckdb"
    monkeypatch.delenv("PANTAURB_DB")
    assert store.resolve_db_path() == store.DEFAULT_DB_PATH
    assert store.DEFAULT_DB_PATH.name == "pantaurb.duckdb" and store.DEFAULT_DB_PATH.parent.name == "data"


def test_migrate_creates_every_analyst_view_and_is_idempotent(tmp_path):
    with store.session(tmp_path / "x.duckdb") as con:
        assert store.migrate(con) == sorted(store.MIGRATIONS)
        assert store.migrate(con) == []
        views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert {"v_agencies", "v_indicators", "v_targets", "v_submissions", "v_values", "v_submission_status"} <= views


def test_a_version_2_database_migrates_to_accounts_and_audit_in_place(tmp_path):
    with store.session(tmp_path / "x.duckdb") as con:
        store.ensure_migrations_table(con)
        for version in (1, 2):
            con.execute(store.MIGRATIONS[version])
            con.execute("INSERT INTO schema_migrations VALUES (?, now())", [version])
        con.execute("INSERT INTO agencies (agency_code, name, agency_type) VALUES ('32', 'Jawa Barat', 'PROV')")
        assert store.migrate(con) == [v for v in sorted(store.MIGRATIONS) if v > 2]
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert {"users", "audit_log", "calendar_changes", "submission_reviews", "quarter_reopenings", "reminders",
                "catalogue_versions"} <= tables
        assert con.execute("SELECT name FROM agencies").fetchall() == [("Jawa Barat",)]


def test_a_newer_schema_is_refused(tmp_path):
    with store.session(tmp_path / "x.duckdb") as con:
        store.migrate(con)
        con.execute("INSERT INTO schema_migrations VALUES (99, now())")
        with pytest.raises(RuntimeError, match="99"):
            store.migrate(con)


def test_failed_transaction_leaves_nothing_behind(tmp_path):
    with store.session(tmp_path / "x.duckdb") as con:
        store.migrate(con)
        with pytest.raises(duckdb.ConstraintException):
            with store.transaction(con):
                con.execute("INSERT INTO themes VALUES ('a', 'tematik', 'A', 'A', NULL, 1)")
                con.execute("INSERT INTO themes VALUES ('a', 'tematik', 'A', 'A', NULL, 1)")
        assert con.execute("SELECT count(*) FROM themes").fetchone()[0] == 0


def test_lock_held_by_another_process_waits_then_says_who(tmp_path):
    db = tmp_path / "locked.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(db)!r})
        print("ready", flush=True)
        time.sleep(30)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        started = time.monotonic()
        with pytest.raises(store.DatabaseBusy, match=f"PID {holder.pid}"):
            store.connect(db, wait=0.6)
        assert time.monotonic() - started >= 0.5      # it did wait before giving up
    finally:
        holder.kill()
        holder.wait()
    store.connect(db, wait=5).close()                   # free again once the holder is gone


def test_deadline_default_and_override(tmp_path):
    cfg = store.CalendarConfig(15, {(2024, 4): __import__("datetime").date(2025, 1, 31)})
    assert str(store.deadline(2024, 1, cfg)) == "2024-04-15"
    assert str(store.deadline(2024, 4, cfg)) == "2025-01-31"
    assert str(store.quarter_end(2023, 2)) == "2023-06-30"


def test_schema_version_only_reads_so_snapshots_and_read_only_files_answer(tmp_path):
    import duckdb
    path = tmp_path / "x.duckdb"
    with store.session(path) as con:
        store.migrate(con)
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert store.schema_version(con) == store.SCHEMA_VERSION
    finally:
        con.close()
    empty = duckdb.connect(str(tmp_path / "empty.duckdb"))
    try:
        assert store.schema_version(empty) == 0 and not store.has_schema(empty)   # nothing was created
    finally:
        empty.close()
