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
