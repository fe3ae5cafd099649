"""Sign-in in a real browser: a production-like server (no demo accounts) with local accounts and OIDC.

* `auth_server` (module): a database made with `python -m loaders init` plus accounts made with
  `python -m loaders users add`, a local OIDC provider (`oidc-provider-mock`, user "ada") and
  `streamlit run` with a secrets file holding `[auth]` for that provider (`--secrets.files`).
* Local sign-in with a password, the scope of an uploader in the browser (only its agency is offered,
  ministry pages are not there), logout; OIDC sign-in through `st.login` mapped to an account by verified
  e-mail and bound to the provider's subject, and logout through the provider; two other identities carrying
  the same address (one verified, one not) are refused and audited.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect

from servers import REPO, free_port, stop, streamlit_server, wait_healthy
from test_browser import T, screenshot, text, wait_idle

PASSWORD = "kata-sandi-e2e-panjang"
ADA = {"sub": "ada", "email": "ada@agency.example", "name": "Ada Lovelace", "email_verified": True}
# Two more identities at the same provider carrying Ada's address: one verified, one not (issue 21.1).
EVE = {"sub": "eve", "email": "ada@agency.example", "name": "Eve", "email_verified": True}
MALLORY = {"sub": "mallory", "email": "ada@agency.example", "name": "Mallory", "email_verified": False}


def _cli(env, *args, stdin: str | None = None):
    done = subprocess.run([sys.executable, "-m", "loaders", *args], cwd=REPO, env=env, input=stdin, text=True,
                          capture_output=True, timeout=600)   # a ceiling, not a pace
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def auth_server(chromium_path, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("auth")
    db = workdir / "pantaurb.duckdb"
    env = {**os.environ, "PANTAURB_DB": str(db), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
           "PYTHONUNBUFFERED": "1"}
    _cli(env, "init")
    _cli(env, "users", "add", "--username", "ana-admin", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    _cli(env, "users", "add", "--username", "budi-bandung", "--role", "pengunggah", "--agency", "32.73",
         "--password-stdin", stdin=PASSWORD + "\n")
    _cli(env, "users", "add", "--username", "ada-koordinator", "--role", "koordinator", "--province", "32",
         "--email", ADA["email"])

    idp_port, app_port = free_port(), free_port()
    idp_log = workdir / "oidc.log"
    with open(idp_log, "w", encoding="utf-8") as log:
        idp = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "--port", str(idp_port),
                                "--user-claims", json.dumps(ADA), "--user-claims", json.dumps(EVE),
                                "--user-claims", json.dumps(MALLORY)], stdout=log, stderr=subprocess.STDOUT, env=env)
    metadata = f"http://127.0.0.1:{idp_port}/.well-known/openid-configuration"
    try:
        wait_healthy(metadata, idp, idp_log, "oidc-provider-mock")
        secrets_file = workdir / "secrets.toml"
        secrets_file.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
            'client_id = "pantaurb"\n'
            'client_secret = "pantaurb-secret"\n'
            f'server_metadata_url = "{metadata}"\n', encoding="utf-8")
        with streamlit_server(workdir, env, app_port, ("--secrets.files", str(secrets_file))) as (url, _):
            yield url, db
    finally:
        stop(idp)


def _sign_in_form(page: Page, user: str, password: str) -> None:
    page.get_by_label(text("auth_username"), exact=True).fill(user)
    page.get_by_label(text("auth_password"), exact=True).fill(password)
    page.get_by_role("button", name=text("auth_submit"), exact=True).click()


def test_local_sign_in_scope_and_logout(page: Page, auth_server, screenshot_dir):
    url, db = auth_server
    page.goto(f"{url}/unggah?agency=32.04", timeout=T)
    expect(page.get_by_role("heading", name=text("auth_title"), level=1)).to_be_visible(timeout=T)
    expect(page.get_by_text("Ini demo PantauRB")).to_have_count(0)   # a real installation: no demo accounts
    screenshot(page, screenshot_dir, "masuk_id")
    _sign_in_form(page, "budi-bandung", "bukan-kata-sandinya")
    expect(page.get_by_text("Nama pengguna atau kata sandi salah.")).to_be_visible(timeout=T)
    _sign_in_form(page, "budi-bandung", PASSWORD)
    expect(page.get_by_role("heading", name=text("up_title"), level=1)).to_be_visible(timeout=T)
    wait_idle(page)
    # the uploader's own agency is the only one offered, whatever the link asked for; the account is the uploader
    expect(page.get_by_test_id("stSelectbox").first.locator("input")).to_have_value("Kota Bandung (32.73)")
    expect(page.locator(".st-key-upload_uploader input")).to_have_value("budi-bandung")
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_text(text("nav_national"), exact=True)).to_have_count(0)   # ministry pages are not there
    expect(nav.get_by_text(text("nav_upload"), exact=True)).to_be_visible()
    screenshot(page, screenshot_dir, "unggah_pengunggah_id")
    page.get_by_test_id("stSidebar").get_by_role("button", name=text("auth_logout")).click()
    expect(page.get_by_role("heading", name=text("auth_title"), level=1)).to_be_visible(timeout=T)


def test_oidc_sign_in_through_st_login_and_logout(page: Page, auth_server, screenshot_dir):
    url, _ = auth_server
    page.goto(url, timeout=T)
    page.get_by_role("button", name=text("auth_sso")).click()
    page.wait_for_url("**/oauth2/authorize**", timeout=T)
    page.get_by_role("button", name="ada").click()
    expect(page.get_by_test_id("stSidebar").get_by_text("ada-koordinator", exact=False).first).to_be_visible(timeout=T)
    expect(page.get_by_role("heading", name=text("ag_title"), level=1)).to_be_visible(timeout=T)  # koordinator start page
    wait_idle(page)
    screenshot(page, screenshot_dir, "oidc_koordinator_id")
    page.get_by_test_id("stSidebar").get_by_role("button", name=text("auth_logout")).click()
    page.wait_for_url("**/end_session**", timeout=T)
    page.get_by_role("button", name="End session").click()
    page.goto(url, timeout=T)
    expect(page.get_by_role("heading", name=text("auth_title"), level=1)).to_be_visible(timeout=T)


def _sso(page: Page, url: str, who: str) -> None:
    page.goto(url, timeout=T)
    page.get_by_role("button", name=text("auth_sso")).click()
    page.wait_for_url("**/oauth2/authorize**", timeout=T)
    page.get_by_role("button", name=who, exact=True).click()


def _end_at_provider(page: Page) -> None:
    page.wait_for_url("**/end_session**", timeout=T)
    page.get_by_role("button", name="End session").click()


def test_oidc_three_identities_one_address(page: Page, auth_server, screenshot_dir):
    """Ada binds the account (or already has); Eve (same verified address, other subject) and Mallory (same
    address, not verified) are refused in words, never signed in, and each refusal is in the audit trail."""
    from loaders import store
    url, db = auth_server
    _sso(page, url, "ada")
    expect(page.get_by_test_id("stSidebar").get_by_text("ada-koordinator", exact=False).first).to_be_visible(timeout=T)
    wait_idle(page)
    page.get_by_test_id("stSidebar").get_by_role("button", name=text("auth_logout")).click()
    _end_at_provider(page)
    for who, words in (("eve", "Masuk lewat SSO ditolak"), ("mallory", "belum memverifikasi e-mail")):
        _sso(page, url, who)
        expect(page.get_by_text(words, exact=False).first).to_be_visible(timeout=T)
        expect(page.get_by_role("heading", name=text("auth_title"), level=1)).to_be_visible(timeout=T)
        expect(page.get_by_test_id("stSidebar").get_by_text("ada-koordinator", exact=False)).to_have_count(0)
        screenshot(page, screenshot_dir, f"oidc_refused_{who}_id")
        page.get_by_role("button", name=text("auth_logout")).click()
        _end_at_provider(page)

    from loaders import audit

    def refusals():   # sign-in entries wait in the side file until a writer merges them (as `audit verify` does)
        with store.writer(db, wait=60) as con:
            audit.merge_pending(con, db)
            return [r[0] for r in con.execute("SELECT detail FROM audit_log WHERE action = 'login_failed' "
                                              "AND detail LIKE 'oidc:%' ORDER BY seq").fetchall()]
    import time
    deadline = time.monotonic() + 30
    while not (any("sub=eve" in d for d in refusals()) and any("sub=mallory" in d for d in refusals())):
        assert time.monotonic() < deadline, refusals()
        time.sleep(0.2)
    found = refusals()
    assert any("bound to another subject" in d and "sub=eve" in d for d in found), found
    assert any("not verified" in d and "sub=mallory" in d for d in found), found
    with store.session(db, read_only=True) as con:
        assert con.execute("SELECT oidc_subject FROM users WHERE username = 'ada-koordinator'").fetchone() == ("ada",)
