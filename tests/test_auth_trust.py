"""Sign-in under attack: SSO identities bound to the provider's subject (issue 21.1).

The browser half (three identities of one address at a real OIDC provider) is
tests/e2e/test_auth_browser.py::test_oidc_three_identities_one_address.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from loaders import audit, auth, store
from loaders.auth import Scope

ISS = "https://sso.contoh.go.id"
EMAIL = "koord-32@contoh.go.id"          # the seeded koordinator's address (tests/accounts.py)
KOORD = Scope("koord-32", "koordinator", province_code="32")


@pytest.fixture
def db(seeded_db_path, tmp_path, monkeypatch) -> Path:
    path = tmp_path / "db" / "pantaurb.duckdb"
    path.parent.mkdir()
    shutil.copy(seeded_db_path, path)
    monkeypatch.setenv("PANTAURB_DB", str(path))
    return path


def _oidc(con, sub, *, verified=True, email=EMAIL, iss=ISS):
    return auth.authenticate_oidc(con, email, sub, issuer=iss, email_verified=verified)


def _failed(con) -> list[str]:
    audit.merge_pending(con, _file(con))     # sign-in entries wait in the side file until a writer merges them
    return [d for d in audit.entries(con, action="login_failed")["detail"]]


def _file(con) -> str:
    return con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]


def test_three_identities_one_address_only_the_first_verified_subject_gets_the_account(db):
    with store.session(db) as con:
        unverified = _oidc(con, "mallory-unverified", verified=False)
        assert unverified.scope is None and "verifikasi" in unverified.text("id")
        assert "e-mail not verified" in _failed(con)[0]
        assert _oidc(con, "ada", verified="true").scope == KOORD          # first verified subject: bound
        bound = con.execute("SELECT oidc_issuer, oidc_subject FROM users WHERE username = 'koord-32'").fetchone()
        assert bound == (ISS, "ada")
        assert audit.entries(con, action="oidc_bind")["target"].tolist() == ["koord-32"]
        second = _oidc(con, "eve-verified")                                  # same verified address, other subject
        assert second.scope is None and "koord-32" not in second.text("id") + second.text("en")
        assert "bound to another subject" in _failed(con)[0] and "sub=eve-verified" in _failed(con)[0]
        assert _oidc(con, "ada", verified=False, email="baru@lain.id").scope == KOORD   # the subject, not the e-mail
        assert _oidc(con, "ada", iss="https://penyedia-lain.example").scope is None   # same sub, other issuer
        assert _oidc(con, "mallory-unverified", verified=False).scope is None
        assert audit.verify(con, db).ok


def test_a_token_without_subject_or_issuer_is_refused(db):
    with store.session(db) as con:
        assert auth.authenticate_oidc(con, EMAIL, None, issuer=ISS, email_verified=True).scope is None
        assert auth.authenticate_oidc(con, EMAIL, "ada", issuer=None, email_verified=True).scope is None
        assert con.execute("SELECT oidc_subject FROM users WHERE username = 'koord-32'").fetchone() == (None,)


def test_an_admin_releases_a_binding_and_a_disabled_bound_account_cannot_sign_in(db):
    from loaders.cli import cli
    with store.session(db) as con:
        assert _oidc(con, "ada").scope == KOORD
    out = CliRunner().invoke(cli, ["users", "unbind-sso", "koord-32", "--db", str(db)])
    assert out.exit_code == 0, out.output
    with store.session(db) as con:
        assert audit.entries(con, action="account_oidc_unbind")["target"].tolist() == ["koord-32"]
        assert _oidc(con, "ada-baru").scope == KOORD                      # the new identity binds
        assert _oidc(con, "ada").scope is None                            # the old one no longer signs in
        auth.set_active(con, Scope.system("cli:test"), "koord-32", False)
        assert _oidc(con, "ada-baru").scope is None


# ------------------------------------------------------------------ throttling (issue 21.7)
from datetime import datetime, timedelta  # noqa: E402

from accounts import PASSWORD  # noqa: E402

T0 = datetime(2025, 3, 1, 8, 0)


def _hashes(monkeypatch) -> list[int]:
    """Count the password hashes computed (each costs 64 MiB of memory with argon2id)."""
    calls = []
    real = auth._verify

    def counting(stored, password):
        calls.append(1)
        return real(stored, password)
    monkeypatch.setattr(auth, "_verify", counting)
    return calls


def _pending(db) -> int:
    return audit.pending_count(db)


def test_unknown_names_from_one_client_are_throttled_without_hash_or_audit_entry(db, monkeypatch):
    hashes = _hashes(monkeypatch)
    with store.session(db) as con:
        for n in range(auth.CLIENT_MAX_FAILED):
            assert auth.authenticate(con, f"tebak-{n}", "x" * 12, client="10.0.0.9", now=T0).scope is None
        assert len(hashes) == auth.CLIENT_MAX_FAILED
        entries = _pending(db)
        for n in range(200):         # the locked client: no hash, no audit entry, whatever the name
            refused = auth.authenticate(con, f"lain-{n}", "x" * 12, client="10.0.0.9", now=T0 + timedelta(seconds=n))
            assert refused.scope is None and "Terlalu banyak" in refused.text("id")
        assert len(hashes) == auth.CLIENT_MAX_FAILED and _pending(db) == entries
        # another client is not affected
        assert auth.authenticate(con, "analis", PASSWORD, client="10.0.0.7", now=T0).scope is not None
    locks = [d for d in _audit_details(db, "login_locked")]
    assert len(locks) == 1 and "locked client" in locks[0]


def _audit_details(db, action):
    with store.session(db) as con:
        audit.merge_pending(con, db)
        return list(audit.entries(con, action=action)["detail"])


def test_refusals_do_not_tell_which_usernames_exist(db):
    with store.session(db) as con:
        texts = {}
        for name in ("analis", "tidak-ada-orangnya"):
            wrong = auth.authenticate(con, name, "salah-sekali-xx", client="c1", now=T0)
            for n in range(auth.MAX_FAILED):
                auth.authenticate(con, name, "salah-sekali-xx", client="c1", now=T0)
            locked = auth.authenticate(con, name, "salah-sekali-xx", client="c1", now=T0 + timedelta(seconds=1))
            texts[name] = (wrong.text("id"), wrong.text("en"), locked.text("id"), locked.text("en"))
    assert texts["analis"] == texts["tidak-ada-orangnya"]
    assert "dikunci" not in " ".join(texts["analis"]).lower() and "akun" not in texts["analis"][2].lower()


def test_an_attacker_cannot_lock_the_real_user_out(db):
    with store.session(db) as con:
        assert auth.authenticate(con, "analis", PASSWORD, client="kantor", now=T0).scope is not None  # own device
        for n in range(60):           # many clients guessing the name
            auth.authenticate(con, "analis", f"tebakan-{n}-xxxx", client=f"penyerang-{n % 12}",
                              now=T0 + timedelta(seconds=n))
        # the real user's own device still signs in; a new device of the user is held only for a bounded time
        assert auth.authenticate(con, "analis", PASSWORD, client="kantor", now=T0 + timedelta(minutes=1)).scope
        held = auth.authenticate(con, "analis", PASSWORD, client="rumah", now=T0 + timedelta(minutes=1))
        assert held.scope is None and "Terlalu banyak" in held.text("id")
        assert auth.authenticate(con, "analis", PASSWORD, client="rumah",
                                 now=T0 + timedelta(minutes=auth.USER_LOCK_MAX_MINUTES + 2)).scope


def test_locks_back_off_and_an_admin_unlocks(db):
    from loaders.cli import cli
    with store.session(db) as con:
        now = T0
        lengths = []
        for lock in range(3):
            for n in range(auth.MAX_FAILED):
                auth.authenticate(con, "analis", f"salah-{n}-xxxxxxx", client="c9", now=now)
            refused = auth.authenticate(con, "analis", PASSWORD, client="c9", now=now + timedelta(seconds=1))
            assert refused.scope is None
            minutes = int(refused.text("en").split("Try again in ")[1].split()[0])
            lengths.append(minutes)
            now += timedelta(minutes=minutes + 1)
        assert lengths == [auth.LOCK_MINUTES, 2 * auth.LOCK_MINUTES, 4 * auth.LOCK_MINUTES]   # backoff
        for n in range(auth.MAX_FAILED):
            auth.authenticate(con, "analis", f"salah-{n}-xxxxxxx", client="c9", now=now)
        assert auth.authenticate(con, "analis", PASSWORD, client="c9", now=now).scope is None
    out = CliRunner().invoke(cli, ["users", "unlock", "analis", "--db", str(db)])
    assert out.exit_code == 0, out.output
    with store.session(db) as con:
        assert auth.authenticate(con, "analis", PASSWORD, client="c9", now=now).scope is not None
    assert _audit_details(db, "account_unlock") == ["sign-in locks lifted"]


# ------------------------------------------------------------------ reading never waits for writing (issue 20.1)
import subprocess  # noqa: E402
import sys  # noqa: E402

from streamlit.testing.v1 import AppTest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HOLD = ("import sys; from loaders import store\n"
        "with store.writer(sys.argv[1]) as con:\n"
        "    con.execute('CREATE TABLE IF NOT EXISTS held (x INTEGER)')\n"
        "    print('held', flush=True); sys.stdin.read()\n")


@pytest.fixture
def writer_holds(app_env, tmp_path, monkeypatch):
    """A copy of the dashboard's database, published as a snapshot, then held by a writer in another process
    (as a batch ingest holds it) until the test ends."""
    from loaders import snapshot
    path = tmp_path / "held" / "pantaurb.duckdb"
    path.parent.mkdir()
    shutil.copy(app_env, path)
    monkeypatch.setenv("PANTAURB_DB", str(path))
    with store.session(path) as con:
        store.migrate(con)
    monkeypatch.setattr(store, "READ_WAIT_SECONDS", 2.0)   # a blocked read fails fast instead of after 20 s
    monkeypatch.setenv("PANTAURB_SNAPSHOTS", "1")
    snapshot.committed(path)
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    yield path
    proc.stdin.close()
    proc.wait(30)


def test_sign_in_page_view_and_sign_out_while_a_writer_holds_the_database(writer_holds):
    path = writer_holds
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not at.exception and at.title[0].value == "Masuk ke PantauRB"
    at.text_input(key="login_username").input("analis")
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert at.session_state["auth"]["username"] == "analis"
    assert at.title and at.title[0].value != "Masuk ke PantauRB"        # the start page ran, from the snapshot
    at.run()                                                            # a session check and a page view
    assert not at.exception and at.session_state["auth"]["username"] == "analis"
    at.button(key="logout").click().run()
    assert not at.exception and at.title[0].value == "Masuk ke PantauRB"
    assert audit.pending_count(path) == 2          # login and logout wait in the side file for the writer


def test_without_snapshots_a_busy_database_is_a_message_not_an_exception(writer_holds, monkeypatch):
    from loaders import snapshot
    monkeypatch.delenv("PANTAURB_SNAPSHOTS")
    for published in snapshot.folder(writer_holds).glob("*.duckdb"):   # no snapshot to fall back on either
        published.unlink()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert any("sedang dipakai proses lain" in w.value for w in at.warning), [w.value for w in at.warning]


@pytest.mark.parametrize("page", ["catalogue", "national", "admin_audit"])
def test_pages_read_the_snapshot_while_a_writer_holds_the_database(writer_holds, page):
    from accounts import sign_in
    at = sign_in(AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90), "admin")
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, at.exception
    assert not any("sedang dipakai proses lain" in w.value for w in at.warning)
