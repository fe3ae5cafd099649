"""The audit trail is tamper-evident, its head anchored outside the database.

Six edits someone with write access to the DuckDB file could make; `audit verify` (and `audit.verify`) must
report each: edit a field; delete a middle row; delete the newest rows; edit and re-hash everything after;
delete and renumber (re-hashed); append a forged row with a valid hash. A trail nobody touched verifies, and
an entry written in a transaction that rolls back leaves no anchor behind.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from loaders import api, audit, store
from loaders.cli import cli

N = 6


@pytest.fixture
def trail(tmp_path):
    db = tmp_path / "db" / "pantaurb.duckdb"
    api.init_database(db)
    for n in range(N):
        audit.record_to(db, actor=f"orang-{n}", action="login_failed", target=f"orang-{n}", detail=f"percobaan {n}")
    with store.session(db) as con:
        assert audit.verify(con, db).ok, audit.verify(con, db)
        first = con.execute("SELECT min(seq) FROM audit_log").fetchone()[0]
        top = audit.head(con)[0]
    assert audit.read_anchors(db)[-1][0] == top
    return db, first, top


def _rehash_from(con, start: int) -> None:
    """What a careful forger does after an edit: recompute every hash from `start` on."""
    rows = con.execute("SELECT seq, logged_at, actor, role, action, target, before_json, after_json, detail "
                       "FROM audit_log WHERE seq >= ? ORDER BY seq", [start]).fetchall()
    prev = con.execute("SELECT hash FROM audit_log WHERE seq = ?", [start - 1]).fetchone()
    prev = prev[0] if prev else audit.GENESIS
    for row in rows:
        digest = audit._row_hash(prev, *row)
        con.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", [prev, digest, row[0]])
        prev = digest


def _edit_field(con, first, top):
    con.execute("UPDATE audit_log SET actor = 'orang-lain' WHERE seq = ?", [top - 2])


def _delete_middle(con, first, top):
    con.execute("DELETE FROM audit_log WHERE seq = ?", [top - 2])


def _delete_newest(con, first, top):
    con.execute("DELETE FROM audit_log WHERE seq >= ?", [top - 1])


def _rehash_after_edit(con, first, top):
    con.execute("UPDATE audit_log SET actor = 'orang-lain' WHERE seq = ?", [top - 2])
    _rehash_from(con, top - 2)


def _delete_and_renumber(con, first, top):
    con.execute("DELETE FROM audit_log WHERE seq = ?", [top - 2])
    con.execute("UPDATE audit_log SET seq = seq - 1 WHERE seq > ?", [top - 2])
    _rehash_from(con, top - 2)


def _forged_append(con, first, top):
    seq, prev = audit.head(con)
    at = audit.utc_now()
    row = [seq + 1, at, "penyusup", "admin", "account_add", "penyusup", None, '{"role": "admin"}', None]
    con.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [*row, prev, audit._row_hash(prev, *row)])


EDITS = {"edit_field": (_edit_field, "chain"), "delete_middle": (_delete_middle, "chain"),
         "delete_newest": (_delete_newest, "truncated"), "rehash_after_edit": (_rehash_after_edit, "anchor_mismatch"),
         "delete_and_renumber": (_delete_and_renumber, "anchor_mismatch"),
         "forged_append": (_forged_append, "unanchored_rows")}


@pytest.mark.parametrize("edit", list(EDITS))
def test_verify_detects_every_direct_edit(trail, edit):
    db, first, top = trail
    change, problem = EDITS[edit]
    import duckdb
    con = duckdb.connect(str(db))          # a DuckDB shell: outside the app, no anchor written
    try:
        change(con, first, top)
        if problem != "chain":             # the chain inside the database alone cannot see these
            assert audit.verify_chain(con) == (True, None)
        verdict = audit.verify(con, db)
    finally:
        con.close()
    assert not verdict.ok and verdict.problem == problem, verdict
    out = CliRunner().invoke(cli, ["audit", "verify", "--db", str(db)])
    assert out.exit_code == 1, out.output
    assert "BROKEN" in out.output


def test_untouched_trail_verifies_and_the_cli_says_ok(trail):
    db, _, top = trail
    out = CliRunner().invoke(cli, ["audit", "verify", "--db", str(db)])
    assert out.exit_code == 0 and f"#{top}" in out.output, out.output


def test_rolled_back_entry_leaves_no_anchor_and_a_committed_one_is_anchored(trail):
    db, _, top = trail
    with store.session(db) as con:
        with pytest.raises(RuntimeError):
            with store.transaction(con):
                audit.record(con, actor="x", action="upload")
                raise RuntimeError("batal")
        assert audit.read_anchors(db)[-1][0] == top
        with store.transaction(con):
            audit.record(con, actor="x", action="upload")
            assert audit.read_anchors(db)[-1][0] == top        # not before the commit
        assert audit.read_anchors(db)[-1] == audit.head(con) == (top + 1, audit.head(con)[1])
        assert audit.verify(con, db).ok


def test_each_receipt_prints_the_anchored_chain_head_of_its_upload(tmp_path):
    from loaders.auth import Scope
    from test_api import CITY, ON_TIME, filled
    db = tmp_path / "db" / "pantaurb.duckdb"
    api.init_database(db)
    res = api.ingest_file(filled(db), "laporan.xlsx", scope=Scope("unggah", "pengunggah", agency_code=CITY),
                          db_path=db, received_at=ON_TIME)
    assert res.outcome == "accepted"
    with store.session(db) as con:
        seq, digest = audit.head(con)
        assert audit.verify(con, db).ok
    assert (seq, digest) in audit.read_anchors(db)
    assert f"#{seq} {digest}" in res.receipt_html and "Audit chain head" in res.receipt_html
