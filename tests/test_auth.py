"""Accounts, sign-in, roles and scope, the audit trail, the reporting calendar and verification.

Everything runs on real DuckDB files (a private copy of the seeded database of tests/conftest.py, which has
one account per role) and real workbooks made from the template. Pages are driven through AppTest.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from accounts import ACCOUNTS, PASSWORD, sign_in
from loaders import api, audit, auth, store, verification
from loaders.auth import Scope, ScopeDenied
from test_dashboard_ops import _filled

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
OPERATOR = Scope.system("cli:test")
UPLOADER = Scope("unggah-32.73", "pengunggah", agency_code="32.73")
KOORD = Scope("koord-32", "koordinator", province_code="32")
ANALIS = Scope("analis", "analis")
ADMIN = Scope("admin", "admin")
NOW = datetime(2025, 1, 10, 9, 0)  # inside 2024Q4's window (deadline 15 January 2025)


@pytest.fixture
def db(seeded_db_path, tmp_path, monkeypatch) -> Path:
    path = tmp_path / "db" / "pantaurb.duckdb"
    path.parent.mkdir()
    shutil.copy(seeded_db_path, path)
    monkeypatch.setenv("PANTAURB_DB", str(path))
    return path


def _q(path, sql, params=None):
    with store.session(path) as con:
        return con.execute(sql, params or []).fetchall()


def _audit(path, action=None) -> pd.DataFrame:
    with store.session(path) as con:
        audit.merge_pending(con, path)   # what read paths left in the side file, as the next writer does
        return audit.entries(con, action=action)


def _footprint(path) -> dict:
    """What a write leaves behind outside the audit trail."""
    archive = path.parent / "archive"
    return {"uploads": _q(path, "SELECT count(*) FROM uploads")[0][0],
            "submissions": _q(path, "SELECT count(*) FROM submissions")[0][0],
            "reviews": _q(path, "SELECT count(*) FROM submission_reviews")[0][0],
            "users": _q(path, "SELECT count(*) FROM users")[0][0],
            "calendar": _q(path, "SELECT count(*) FROM calendar_changes")[0][0],
            "reminders": _q(path, "SELECT count(*) FROM reminders")[0][0],
            "catalogue": _q(path, "SELECT count(*) FROM catalogue_versions")[0][0],
            "passwords": _q(path, "SELECT list(password_hash ORDER BY username) FROM users")[0][0],
            "archive": sorted(p.name for p in archive.rglob("*")) if archive.exists() else []}


# ------------------------------------------------------------------ passwords and sign-in
def test_passwords_are_argon2id_and_short_ones_are_refused(db):
    with store.session(db) as con:
        stored = con.execute("SELECT password_hash FROM users WHERE username = 'admin'").fetchone()[0]
        assert stored.startswith("$argon2id$") and PASSWORD not in stored
        with pytest.raises(auth.AccountError, match="minimal 12"):
            auth.add_user(con, OPERATOR, username="pendek", role="analis", password="short")


def test_local_sign_in_succeeds_and_is_audited(db):
    with store.session(db) as con:
        ok = auth.authenticate(con, "unggah-32.73", PASSWORD)
        assert ok.scope == UPLOADER
        bad = auth.authenticate(con, "unggah-32.73", "salah-sekali-123")
        assert bad.scope is None and bad.text("en") == "Wrong username or password."
        ghost = auth.authenticate(con, "tidak-ada", PASSWORD)
        assert ghost.scope is None and ghost.text("id") == "Nama pengguna atau kata sandi salah."  # same words
    log = _audit(db)
    assert list(log["action"][:3]) == ["login_failed", "login_failed", "login"]
    assert [d.split(";")[0] for d in log["detail"][:2]] == ["unknown account", "wrong password"]


def test_failed_sign_ins_lock_the_account_then_it_opens_again(db):
    start = datetime(2025, 3, 1, 8, 0)
    with store.session(db) as con:
        for n in range(auth.MAX_FAILED):
            assert auth.authenticate(con, "analis", f"tebakan-ke-{n}-xx", now=start).scope is None
        locked = auth.authenticate(con, "analis", PASSWORD, now=start + timedelta(minutes=1))
        assert locked.scope is None and "Terlalu banyak" in locked.text("id") and "Too many" in locked.text("en")
        later = start + timedelta(minutes=auth.LOCK_MINUTES + 1)
        assert auth.authenticate(con, "analis", PASSWORD, now=later).scope == ANALIS
    details = list(_audit(db, "login_locked")["detail"])
    assert details[0].startswith(f"wrong password; locked pair {auth.LOCK_MINUTES} min")


def test_disabled_account_cannot_sign_in(db):
    with store.session(db) as con:
        auth.set_active(con, OPERATOR, "analis", False)
        result = auth.authenticate(con, "analis", PASSWORD)
        assert result.scope is None and "dinonaktifkan" in result.text("id")


def test_sessions_expire_after_the_limit_or_when_idle():
    t0 = datetime(2025, 1, 1, 8, 0)
    assert not auth.session_expired(t0, t0 + timedelta(minutes=20), t0 + timedelta(minutes=40), hours=8, idle_minutes=30)
    assert auth.session_expired(t0, t0, t0 + timedelta(minutes=31), hours=8, idle_minutes=30)        # idle
    assert auth.session_expired(t0, t0 + timedelta(hours=8), t0 + timedelta(hours=8, minutes=1), hours=8,
                                idle_minutes=30)                                                     # too long


def test_oidc_identity_maps_to_an_account_by_verified_email(db):
    iss = "https://sso.contoh.go.id"
    with store.session(db) as con:
        assert auth.authenticate_oidc(con, "Koord-32@Contoh.go.id", "sub-1", issuer=iss,
                                      email_verified=True).scope == KOORD
        nobody = auth.authenticate_oidc(con, "orang@lain.id", "sub-2", issuer=iss, email_verified=True)
        assert nobody.scope is None and "orang@lain.id" in nobody.text("en")


# ------------------------------------------------------------------ CLI
def test_cli_users_add_list_disable_reset(db):
    from loaders.cli import cli
    run = CliRunner().invoke
    out = run(cli, ["users", "add", "--username", "budi", "--role", "pengunggah", "--agency", "32.04",
                    "--password-stdin", "--db", str(db)], input="rahasia-panjang-sekali\n")
    assert out.exit_code == 0, out.output
    assert run(cli, ["users", "add", "--username", "x", "--role", "pengunggah", "--password-stdin", "--db", str(db)],
               input="rahasia-panjang-sekali\n").exit_code == 1  # no --agency: refused in words
    listing = run(cli, ["users", "list", "--db", str(db)]).output
    assert "budi" in listing and "argon2" not in listing
    assert run(cli, ["users", "disable", "budi", "--db", str(db)]).exit_code == 0
    with store.session(db) as con:
        assert auth.authenticate(con, "budi", "rahasia-panjang-sekali").scope is None
    assert run(cli, ["users", "enable", "budi", "--db", str(db)]).exit_code == 0
    assert run(cli, ["users", "reset", "budi", "--password-stdin", "--db", str(db)],
               input="kata-sandi-baru-123\n").exit_code == 0
    with store.session(db) as con:
        assert auth.authenticate(con, "budi", "kata-sandi-baru-123").scope.agency_code == "32.04"
    actions = list(_audit(db)["action"])
    assert {"account_add", "account_disable", "account_enable", "account_reset"} <= set(actions)
    assert (_audit(db, "account_add")["actor"].iloc[0]).startswith("cli:")


# ------------------------------------------------------------------ audit trail
def test_audit_chain_detects_an_edit_made_outside_the_app(db):
    with store.session(db) as con:
        auth.authenticate(con, "admin", PASSWORD)
        assert audit.verify_chain(con) == (True, None)
        con.execute("UPDATE audit_log SET actor = 'orang-lain' WHERE seq = 2")
        ok, bad = audit.verify_chain(con)
    assert not ok and bad == 2
    from loaders.cli import cli
    assert CliRunner().invoke(cli, ["audit", "verify", "--db", str(db)]).exit_code == 1


def test_audit_export_is_csv_of_every_entry(db, tmp_path):
    from loaders.cli import cli
    with store.session(db) as con:
        auth.authenticate(con, "admin", PASSWORD)
    out = tmp_path / "audit.csv"
    assert CliRunner().invoke(cli, ["audit", "export", "--out", str(out), "--db", str(db)]).exit_code == 0
    frame = pd.read_csv(out)
    assert list(frame.columns) == audit.COLUMNS and len(frame) == len(_audit(db))


# ------------------------------------------------------------------ scope, pure
def test_restrict_frame_keeps_only_rows_in_scope():
    provinces = {"32": "32", "32.73": "32", "32.04": "32", "33.74": "33", "KL-PANRB": None}
    frame = pd.DataFrame({"agency_code": list(provinces), "x": range(5)})
    assert list(auth.restrict_frame(frame, UPLOADER, provinces)["agency_code"]) == ["32.73"]
    assert list(auth.restrict_frame(frame, KOORD, provinces)["agency_code"]) == ["32", "32.73", "32.04"]
    assert len(auth.restrict_frame(frame, ANALIS, provinces)) == 5
    by_province = pd.DataFrame({"province_code": ["32", "33"], "name": ["Jabar", "Jateng"]})
    assert list(auth.restrict_frame(by_province, KOORD, provinces)["province_code"]) == ["32"]
    themes = pd.DataFrame({"theme": ["a"]})
    assert auth.restrict_frame(themes, UPLOADER, provinces) is themes


def test_agency_arguments_are_found_by_parameter_name():
    from indicators import queries
    assert auth.agencies_in_arguments(queries.agency_report_card, ("32.04", 2024, 4)) == ["32.04"]
    assert auth.agencies_in_arguments(queries.submission_diff, ("KL-PANRB-2024Q1-v1", "KL-PANRB-2024Q1-v2")) == \
        ["KL-PANRB", "KL-PANRB"]
    assert auth.agencies_in_arguments(queries.themes, ()) == []


# ------------------------------------------------------------------ every write path refuses another agency
def _denied_leaves_only_an_audit_entry(db, call, *, target: str):
    before, n_audit = _footprint(db), len(_audit(db))
    with pytest.raises(ScopeDenied) as info:
        call()
    assert "Akses ditolak" in info.value.text("id") and "Access denied" in info.value.text("en")
    assert _footprint(db) == before
    log = _audit(db)
    assert len(log) == n_audit + 1
    target_logged = log.iloc[0]["target"]
    assert log.iloc[0]["action"] == "denied" and (target_logged == target if target else pd.isna(target_logged))
    return info.value


def test_uploader_cannot_touch_another_agency_through_any_write_path(db):
    other = _filled(db, agency="32.99", year=2024, quarter=4)
    _denied_leaves_only_an_audit_entry(
        db, lambda: api.template_bytes("32.99", 2024, 4, scope=UPLOADER, db_path=db), target="32.99")
    _denied_leaves_only_an_audit_entry(
        db, lambda: api.check_file(other, "lain.xlsx", scope=UPLOADER, db_path=db, expected_agency="32.99"),
        target="32.99")
    # the agency chosen is its own, but the file inside is for another agency
    _denied_leaves_only_an_audit_entry(
        db, lambda: api.ingest_file(other, "lain.xlsx", scope=UPLOADER, db_path=db, expected_agency="32.73",
                                    received_at=NOW), target="32.99")
    _denied_leaves_only_an_audit_entry(
        db, lambda: api.import_registry(b"agency_code\n", "reg.csv", scope=UPLOADER, db_path=db), target=None)


def test_koordinator_reads_its_province_but_cannot_submit(db):
    assert api.template_bytes("32.73", 2024, 4, scope=KOORD, db_path=db)[:2] == b"PK"
    _denied_leaves_only_an_audit_entry(
        db, lambda: api.template_bytes("33.74", 2024, 4, scope=KOORD, db_path=db), target="33.74")
    own = _filled(db, agency="32.73", year=2024, quarter=4)
    _denied_leaves_only_an_audit_entry(
        db, lambda: api.ingest_file(own, "x.xlsx", scope=KOORD, db_path=db, received_at=NOW), target=None)


def _in_txn(db, fn, *args, **kw):
    with store.session(db) as con:
        with store.transaction(con):
            return fn(con, *args, **kw)


def test_admin_and_analyst_write_paths_refuse_other_roles(db):
    sid = "32.73-2024Q4-v1"
    _denied_leaves_only_an_audit_entry(db, lambda: _in_txn(db, verification.review, UPLOADER, sid, "diverifikasi"),
                                       target="32.73")
    _denied_leaves_only_an_audit_entry(db, lambda: _in_txn(db, verification.review, KOORD, sid, "diverifikasi"),
                                       target="32.73")
    _denied_leaves_only_an_audit_entry(db, lambda: _in_txn(db, verification.reopen, ANALIS, "32.73", 2024, 4, "x"),
                                       target="32.73")
    _denied_leaves_only_an_audit_entry(
        db, lambda: _in_txn(db, verification.set_window, ANALIS, 2024, 4, date(2024, 12, 1), date(2025, 1, 15),
                            date(2025, 2, 15), "x"), target=None)
    _denied_leaves_only_an_audit_entry(
        db, lambda: _in_txn(db, auth.add_user, ANALIS, username="baru", role="admin", password="x" * 12), target=None)
    _denied_leaves_only_an_audit_entry(db, lambda: _in_txn(db, auth.set_active, UPLOADER, "admin", False), target=None)
    _denied_leaves_only_an_audit_entry(db, lambda: _in_txn(db, auth.reset_password, KOORD, "admin", "x" * 12),
                                       target=None)
    from loaders import catalogue_store
    _denied_leaves_only_an_audit_entry(
        db, lambda: _in_txn(db, catalogue_store.save, ANALIS, catalogue_store.current(None), "x"), target=None)


def test_upload_as_the_signed_in_uploader_records_the_account(db):
    own = _filled(db, agency="32.99", year=2024, quarter=4)
    res = api.ingest_file(own, "f.xlsx", scope=Scope("unggah-32.99", "pengunggah", agency_code="32.99"), db_path=db,
                          expected_agency="32.99", received_at=NOW)
    assert res.outcome == "accepted"
    assert _q(db, "SELECT uploader FROM submissions WHERE submission_id = ?", [res.submission_id]) == [("unggah-32.99",)]
    assert "unggah-32.99" in res.receipt_html
    entry = _audit(db, "upload").iloc[0]
    assert entry["actor"] == "unggah-32.99" and '"outcome": "accepted"' in entry["after_json"]


# ------------------------------------------------------------------ calendar, verification, lock and reopen
def test_calendar_window_refuses_too_early_and_too_late_and_keeps_history(db):
    with store.session(db) as con, store.transaction(con):
        w = verification.set_window(con, ADMIN, 2024, 4, date(2024, 12, 20), date(2025, 1, 15), date(2025, 2, 15),
                                    "Libur akhir tahun")
    assert (w.source, w.late_until) == ("admin", date(2025, 2, 15))
    data = _filled(db, agency="32.99", year=2024, quarter=4)
    early = api.ingest_file(data, "a.xlsx", scope=OPERATOR, db_path=db, received_at=datetime(2024, 12, 1))
    assert [i.code for i in early.report.errors] == ["period-not-open"]
    late = api.ingest_file(data, "a.xlsx", scope=OPERATOR, db_path=db, received_at=datetime(2025, 3, 1))
    assert [i.code for i in late.report.errors] == ["period-closed"]
    assert "February 15, 2025" in late.report.errors[0].message("en") and "Q4 2024" in late.report.errors[0].message("en")
    assert "15 Februari 2025" in late.report.errors[0].message("id") and "TW IV 2024" in late.report.errors[0].message("id")
    in_window = api.ingest_file(data, "a.xlsx", scope=OPERATOR, db_path=db, received_at=datetime(2025, 2, 1))
    assert in_window.outcome == "accepted"
    api.init_database(db)   # init regenerates the calendar and keeps the admin's deadline
    with store.session(db) as con:
        assert con.execute("SELECT deadline FROM reporting_calendar WHERE year = 2024 AND quarter = 4").fetchone()[0] \
            == date(2025, 1, 15)
        history = verification.calendar_history(con)
        with pytest.raises(ValueError, match="reason"):
            verification.set_window(con, ADMIN, 2024, 3, date(2024, 9, 1), date(2024, 10, 15), date(2024, 11, 1), " ")
    assert history.iloc[0]["reason"] == "Libur akhir tahun" and history.iloc[0]["changed_by"] == "admin"
    assert _audit(db, "calendar_change").iloc[0]["target"] == "2024Q4"


def test_verification_locks_the_quarter_until_an_admin_reopens_it(db):
    sid = "32.73-2024Q4-v1"
    with store.session(db) as con, store.transaction(con):
        with pytest.raises(ValueError, match="note"):
            verification.review(con, ANALIS, sid, "dikembalikan", " ")
        verification.review(con, ANALIS, sid, "dikembalikan", "Nilai SAKIP tidak sesuai LHE")
    with store.session(db) as con:
        assert verification.review_status(con, sid) == "dikembalikan" and not verification.is_locked(con, "32.73", 2024, 4)
        notes = verification.agency_reviews(con, "32.73")   # the agency reads the note
        assert notes.iloc[0]["note"] == "Nilai SAKIP tidak sesuai LHE"
        with store.transaction(con):
            verification.review(con, ANALIS, sid, "diverifikasi")
        assert verification.is_locked(con, "32.73", 2024, 4)
    data = _filled(db, agency="32.73", year=2024, quarter=4)
    refused = api.ingest_file(data, "k.xlsx", scope=OPERATOR, db_path=db, received_at=NOW, reason="koreksi")
    assert refused.outcome == "rejected" and [i.code for i in refused.report.errors] == ["quarter-locked"]
    with store.session(db) as con, store.transaction(con):
        with pytest.raises(ValueError):
            verification.reopen(con, ADMIN, "32.73", 2024, 4, "")
        verification.reopen(con, ADMIN, "32.73", 2024, 4, "Inspektorat minta koreksi")
    accepted = api.ingest_file(data, "k.xlsx", scope=OPERATOR, db_path=db, received_at=NOW, reason="koreksi")
    assert accepted.outcome == "accepted"
    actions = list(_audit(db)["action"])
    assert {"return", "verify", "reopen", "upload"} <= set(actions)
    reopen = _audit(db, "reopen").iloc[0]
    assert reopen["before_json"] == '{"locked": true}' and reopen["detail"] == "Inspektorat minta koreksi"


def test_verified_only_views_show_the_newest_verified_version(db):
    with store.session(db) as con, store.transaction(con):
        verification.review(con, ANALIS, "32.73-2024Q3-v1", "diverifikasi")
    with store.session(db) as con:
        all_rows = con.execute("SELECT DISTINCT submission_id FROM v_values WHERE agency_code = '32.73' "
                               "AND year = 2024 AND quarter = 3").fetchall()
        verification.verified_only_views(con)
        verified = con.execute("SELECT DISTINCT submission_id FROM v_values WHERE agency_code = '32.73' "
                               "AND year = 2024 AND quarter = 3").fetchall()
        others = con.execute("SELECT count(*) FROM v_values WHERE agency_code <> '32.73'").fetchone()[0]
    assert all_rows == [("32.73-2024Q3-v2",)] and verified == [("32.73-2024Q3-v1",)] and others == 0


def test_rebuild_keeps_accounts_reviews_and_the_audit_trail(tmp_path, monkeypatch):
    path = tmp_path / "r" / "pantaurb.duckdb"
    api.init_database(path)
    with store.session(path) as con, store.transaction(con):
        auth.add_user(con, OPERATOR, username="ana", role="pengunggah", agency_code="32.73", password="p" * 12)
    data = api.template_bytes("32.73", 2024, 1, scope=OPERATOR, db_path=path)
    data = _filled(path, agency="32.73", year=2024, quarter=1)
    res = api.ingest_file(data, "a.xlsx", scope=Scope("ana", "pengunggah", agency_code="32.73"), db_path=path,
                          received_at=datetime(2024, 4, 10))
    with store.session(path) as con, store.transaction(con):
        verification.review(con, ANALIS, res.submission_id, "diverifikasi")
        before = audit.entries(con)
    api.rebuild(path)
    with store.session(path) as con:
        assert verification.is_locked(con, "32.73", 2024, 1)
        assert auth.current_user(con, "ana")["agency_code"] == "32.73"
        pd.testing.assert_frame_equal(audit.entries(con), before)
        assert audit.verify_chain(con) == (True, None)


# ------------------------------------------------------------------ pages × roles (AppTest)
PAGES = ["national", "theme", "indicator", "final_report", "catalogue", "agency", "region", "compliance", "upload",
         "verification", "admin_accounts", "admin_calendar", "admin_audit", "admin_registry"]


def _frames(at) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe if isinstance(d.value, pd.DataFrame)]


def _agency_codes_shown(at) -> set[str]:
    codes = set()
    for frame in _frames(at):
        for column in frame.columns:
            if column in ("Kode instansi", "agency_code"):
                codes |= {c for c in frame[column].dropna().astype(str)}
    return codes


@pytest.mark.parametrize("username", list(ACCOUNTS))
def test_every_page_for_every_role(app_env, username):
    from ui.auth import PAGE_ROLES
    role, agency, province = ACCOUNTS[username]
    at = sign_in(AppTest.from_file(APP, default_timeout=90), username)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    allowed_codes = {"32.73"} if agency == "32.73" else {agency} if agency else \
        {"32", "32.04", "32.73", "32.98", "32.99"} if province else None
    for page in PAGES:
        path = f"app_pages/{page}.py"
        if role not in PAGE_ROLES[page]:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(path)
            continue
        at.switch_page(path).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not [e.value for e in at.error if "Akses ditolak" in e.value], page
        if allowed_codes is not None:
            assert _agency_codes_shown(at) <= allowed_codes, (page, _agency_codes_shown(at))


def test_a_query_about_another_agency_is_refused_in_words_and_audited(app_env, tmp_path, monkeypatch):
    path = tmp_path / "copy.duckdb"
    shutil.copy(app_env, path)
    monkeypatch.setenv("PANTAURB_DB", str(path))

    def page():
        from ui.data import q
        q("agency_report_card", "33.74", 2024, 4)

    at = sign_in(AppTest.from_function(page, default_timeout=60), "unggah-32.73")
    at.run()
    assert not at.exception
    assert "Akses ditolak" in at.error[0].value and "33.74" in at.error[0].value
    log = _audit(path, "denied")
    assert log.iloc[0]["actor"] == "unggah-32.73" and log.iloc[0]["target"] == "33.74"


def test_upload_page_refuses_a_file_for_another_agency(app_env, tmp_path, monkeypatch):
    path = tmp_path / "copy.duckdb"
    shutil.copy(app_env, path)
    monkeypatch.setenv("PANTAURB_DB", str(path))
    other = _filled(path, agency="32.99", year=2024, quarter=4)
    before = _footprint(path)
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "unggah-32.73")
    at.run()
    at.switch_page("app_pages/upload.py").run()
    assert at.selectbox(key="url_agency").options == ["Kota Bandung (32.73)"]  # only its own agency is offered
    at.file_uploader(key="upload_file").set_value(("lain.xlsx", other, "application/octet-stream"))
    at.run()
    at.button(key="upload_submit").click().run()
    assert not at.exception
    assert "Akses ditolak" in at.error[0].value and "32.99" in at.error[0].value
    assert _footprint(path) == before and _audit(path, "denied").iloc[0]["target"] == "32.99"


def test_sign_in_form_wrong_password_then_right_then_logout(app_env, tmp_path, monkeypatch):
    path = tmp_path / "copy.duckdb"
    shutil.copy(app_env, path)
    monkeypatch.setenv("PANTAURB_DB", str(path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert at.title[0].value == "Masuk ke PantauRB" and not at.dataframe  # nothing but the form
    at.text_input(key="login_username").input("koord-32")
    at.text_input(key="login_password").input("salah-salah-salah")
    at.button[0].click().run()
    assert "salah" in at.error[0].value
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["auth"]["role"] == "koordinator"
    assert any("koord-32" in m.value for m in at.sidebar.markdown)
    at.button(key="logout").click().run()
    assert at.title[0].value == "Masuk ke PantauRB"
    assert list(_audit(path)["action"][:3]) == ["logout", "login", "login_failed"]


def test_a_disabled_account_is_signed_out_at_the_next_page_view(app_env, tmp_path, monkeypatch):
    path = tmp_path / "copy.duckdb"
    shutil.copy(app_env, path)
    monkeypatch.setenv("PANTAURB_DB", str(path))
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "analis")
    at.run()
    assert at.title[0].value != "Masuk ke PantauRB"
    with store.session(path) as con:
        auth.set_active(con, OPERATOR, "analis", False)
    at.run()
    assert at.title[0].value == "Masuk ke PantauRB" and "dinonaktifkan" in at.info[0].value


def test_demo_accounts_only_in_the_demo_and_one_click_sign_in(app_env, tmp_path, monkeypatch):
    path = tmp_path / "copy.duckdb"
    shutil.copy(app_env, path)
    monkeypatch.setenv("PANTAURB_DB", str(path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.warning  # a real installation: no demo banner, no demo accounts
    with store.session(path) as con, store.transaction(con):
        created = auth.create_demo_accounts(con, [("32.73", "32"), ("KL-PANRB", None)])
        assert not auth.login_demo(con, "admin").scope   # a real account cannot be entered without a password
    assert created == ["demo-admin", "demo-analis", "demo-koordinator", "demo-pengunggah"]
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert "Ini demo PantauRB" in at.warning[0].value
    at.button(key="demo_login_demo-pengunggah").click().run()
    assert not at.exception
    assert at.session_state["auth"]["agency_code"] == "32.73" and at.session_state["auth"]["demo"]
    assert any("Demo" in w.value for w in at.sidebar.warning)


def test_verification_page_verifies_and_returns(app_env, tmp_path, monkeypatch):
    path = tmp_path / "copy.duckdb"
    shutil.copy(app_env, path)
    monkeypatch.setenv("PANTAURB_DB", str(path))
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "analis")
    at.query_params["year"], at.query_params["quarter"] = "2024", "4"
    at.run()
    at.switch_page("app_pages/verification.py").run()
    queue = at.dataframe[0].value
    assert set(queue["Status verifikasi"]) == {"diterima"}
    at.selectbox(key="vf_pick").set_value("32.73-2024Q4-v1").run()
    at.button(key="vf_dikembalikan").click().run()
    assert "catatan" in at.error[0].value.lower()          # a return needs a note
    at.text_area(key="vf_note").input("Lampirkan bukti SPBE").run()
    at.button(key="vf_dikembalikan").click().run()
    assert not at.exception and "dikembalikan" in at.success[0].value
    assert _q(path, "SELECT status, note, reviewer FROM submission_reviews") == \
        [("dikembalikan", "Lampirkan bukti SPBE", "analis")]
    assert not [b for b in at.button if b.key == "vf_reopen"]   # reopening is for admins


def test_admin_pages_calendar_and_audit(app_env, tmp_path, monkeypatch):
    path = tmp_path / "copy.duckdb"
    shutil.copy(app_env, path)
    monkeypatch.setenv("PANTAURB_DB", str(path))
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "admin")
    at.query_params["year"] = "2024"
    at.run()
    at.switch_page("app_pages/admin_calendar.py").run()
    assert not at.exception
    at.selectbox(key="cal_quarter").set_value(2).run()
    at.date_input(key="cal_late_2024_2").set_value(date(2024, 9, 30))
    at.text_input(key="cal_reason").input("Surat Edaran 2024")
    at.button(key="FormSubmitter:cal_form-Simpan").click().run()
    assert not at.exception and "disimpan" in at.success[0].value
    at.switch_page("app_pages/admin_audit.py").run()
    assert "Rantai hash utuh" in at.success[0].value
    trail = at.dataframe[0].value
    assert trail.iloc[0]["action"] == "calendar_change" and trail.iloc[0]["detail"] == "Surat Edaran 2024"


def test_admin_registry_page_shows_the_diff_before_applying_it(app_env, tmp_path, monkeypatch):
    path = tmp_path / "copy.duckdb"
    shutil.copy(app_env, path)
    monkeypatch.setenv("PANTAURB_DB", str(path))
    data = ("kode,nama,jenis,kode_provinsi,induk,berlaku_mulai,berlaku_sampai\n"
            "32.73,Kota Bandung Raya,KOTA,32,,,\n"
            "KL-BKPM,Kementerian Investasi/BKPM,KL,,,,2024-10-20\n"
            "KL-KEMENINVESTASI-HILIRISASI,Kementerian Investasi dan Hilirisasi/BKPM,KL,,KL-BKPM,2024-10-21,\n"
            ).encode()
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "admin")
    at.run()
    at.switch_page("app_pages/admin_registry.py").run()
    assert not at.exception
    at.file_uploader(key="reg_file").set_value(("perubahan.csv", data, "text/csv"))
    at.button(key="reg_preview").click().run()
    assert not at.exception, [e.value for e in at.exception]
    diff = at.dataframe[0].value
    assert list(diff["Kode instansi"]) == ["32.73", "KL-BKPM", "KL-KEMENINVESTASI-HILIRISASI"]
    kinds = list(diff["Perubahan"])        # the seeded rows also differ in columns the file leaves empty
    assert kinds[0].startswith("ganti nama") and kinds[1].startswith("berakhir") and kinds[2] == "baru, penerus"
    assert "penerus (dari KL-BKPM, sejak 2024-10-21)" in diff.iloc[2]["Rincian"]
    assert "1 baru, 1 ganti nama, 1 berakhir, 1 penerus" in " ".join(c.value for c in at.caption)
    assert _q(path, "SELECT name FROM agencies WHERE agency_code = '32.73'") == [("Kota Bandung",)]   # not yet
    assert _audit(path, "agency_change").empty
    at.button(key="reg_apply").click().run()
    assert not at.exception and "3 instansi berubah" in at.success[0].value
    assert _q(path, "SELECT name FROM agencies WHERE agency_code = '32.73'") == [("Kota Bandung Raya",)]
    changes = _audit(path, "agency_change")
    assert sorted(changes["target"]) == ["32.73", "KL-BKPM", "KL-KEMENINVESTASI-HILIRISASI"]
    assert all(changes["actor"] == "admin")


# ------------------------------------------------------------------ reminders over SMTP (aiosmtpd)
@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message):
            received.append(message)

    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield {"host": "127.0.0.1", "port": port, "sender": "pantaurb@kemenpan.go.id"}, received
    finally:
        controller.stop()


def test_reminders_go_to_agencies_that_have_not_reported_and_are_logged(db, smtp_server):
    from loaders import reminders
    raw, received = smtp_server
    settings = reminders.SmtpSettings.from_mapping(raw)
    with store.session(db) as con, store.transaction(con):
        pending = [r[0] for r in reminders.not_reported(con, 2024, 4)]
        counts = reminders.send_reminders(con, ANALIS, 2024, 4, None, settings)
    assert pending == ["32.99", "35.78", "KL-BKPM"] and counts == {"sent": 3, "failed": 0, "skipped": 0}
    assert sorted(m["To"] for m in received) == ["rb@32.99.go.id", "rb@35.78.go.id", "rb@kl-bkpm.go.id"]
    body = received[0].get_payload(decode=True).decode()
    assert "Triwulan IV 2024" in body and "quarter 4 of 2024" in body
    assert " ".join(received[0]["Subject"].split()) == "[PantauRB] Pengingat laporan RB TW IV 2024 / Reminder: RB report Q4 2024"
    log = _q(db, "SELECT sender, agency_code, outcome FROM reminders ORDER BY agency_code")
    assert log == [("analis", "32.99", "sent"), ("analis", "35.78", "sent"), ("analis", "KL-BKPM", "sent")]
    assert len(_audit(db, "reminder")) == 3


def test_reminder_failures_are_logged_and_other_roles_are_refused(db, smtp_server):
    from loaders import reminders
    dead = reminders.SmtpSettings(host="127.0.0.1", port=1, sender="x@y.id", timeout=2)
    with store.session(db) as con, store.transaction(con):
        counts = reminders.send_reminders(con, ADMIN, 2024, 4, ["32.99"], dead)
    assert counts == {"sent": 0, "failed": 1, "skipped": 0}
    assert _q(db, "SELECT outcome FROM reminders") == [("failed",)]
    raw, _ = smtp_server
    _denied_leaves_only_an_audit_entry(
        db, lambda: _in_txn(db, reminders.send_reminders, KOORD, 2024, 4, None,
                            reminders.SmtpSettings.from_mapping(raw)), target=None)


def test_compliance_page_sends_reminders_for_an_analyst_only(app_env, tmp_path, monkeypatch, smtp_server):
    path = tmp_path / "copy.duckdb"
    shutil.copy(app_env, path)
    monkeypatch.setenv("PANTAURB_DB", str(path))
    raw, received = smtp_server
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "koord-32")
    at.secrets["smtp"] = raw
    at.query_params["year"] = "2024"
    at.run()
    at.switch_page("app_pages/compliance.py").run()
    assert not [b for b in at.button if b.key == "rm_send"]
    sign_in(at, "analis").run()
    at.button(key="rm_send").click().run()
    assert not at.exception
    assert "3 pengingat terkirim" in at.success[-1].value and len(received) == 3


# ------------------------------------------------------------------ catalogue changes go into the database
def test_cli_catalogue_import_apply_stores_a_version_and_never_writes_the_source_tree(tmp_path):
    pytest.importorskip("indicators.catalogue_xlsx")
    import dataclasses

    from indicators import catalogue as cat_mod
    from indicators.catalogue_xlsx import export_catalogue_xlsx
    from loaders import catalogue_store
    from loaders.cli import cli
    db = tmp_path / "c" / "pantaurb.duckdb"
    api.init_database(db)
    shipped = cat_mod.DEFAULT_PATH.read_bytes()
    cat = cat_mod.load_catalogue()
    ind = next(i for i in cat.indicators if i.level == "agency")
    edited = dataclasses.replace(cat, indicators=tuple(dataclasses.replace(i, name=i.name + " (revisi)") if i is ind
                                                       else i for i in cat.indicators), by_code={})
    xlsx = tmp_path / "katalog.xlsx"
    export_catalogue_xlsx(edited, xlsx)
    run = CliRunner().invoke
    assert run(cli, ["catalogue", "import", str(xlsx), "--apply", "--db", str(db)]).exit_code == 2  # no reason
    out = run(cli, ["catalogue", "import", str(xlsx), "--apply", "--reason", "Nama resmi", "--db", str(db)])
    assert out.exit_code == 0, out.output
    assert cat_mod.DEFAULT_PATH.read_bytes() == shipped
    with store.session(db) as con:
        assert catalogue_store.current(con).by_code[ind.code].name == ind.name + " (revisi)"
        assert catalogue_store.versions(con).iloc[0]["reason"] == "Nama resmi"
    api.init_database(db)   # init keeps the admins' version in force
    with store.session(db) as con:
        assert con.execute("SELECT name FROM indicators WHERE indicator_code = ?", [ind.code]).fetchone()[0] \
            == ind.name + " (revisi)"
    with pytest.raises(ScopeDenied):
        with store.session(db) as con:
            catalogue_store.save(con, ANALIS, edited, "x")


def test_restricting_an_empty_result_keeps_its_columns():
    """An agency with no lineage rows: the page still reads the `relation` column of the empty frame."""
    import pandas as pd
    from loaders import auth
    empty = pd.DataFrame(columns=["agency_code", "relation", "name"])
    scope = auth.Scope("unggah-kl", "pengunggah", "KL-PANRB", None)
    out = auth.restrict_frame(empty, scope, {})
    assert list(out.columns) == ["agency_code", "relation", "name"] and out.empty
    rows = pd.DataFrame({"agency_code": ["KL-PANRB", "32.73"], "relation": ["self", "other"]})
    assert auth.restrict_frame(rows, scope, {"32.73": "32"})["agency_code"].tolist() == ["KL-PANRB"]


def test_an_admin_adds_an_account_on_the_page_and_is_told_once(app_env, tmp_path, monkeypatch):
    path = tmp_path / "copy.duckdb"
    shutil.copy(app_env, path)
    monkeypatch.setenv("PANTAURB_DB", str(path))
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "admin")
    at.run()
    at.switch_page("app_pages/admin_accounts.py").run()
    at.text_input(key="adm_new_username").set_value("analis-baru")
    at.selectbox(key="adm_new_role").set_value("analis")
    at.text_input(key="adm_new_password").set_value("kata-sandi-panjang-123")
    at.button[[b.label for b in at.button].index("Tambah")].click().run()
    assert not at.exception and [s.value for s in at.success] == ["Akun analis-baru dibuat."]
    with store.session(path, read_only=True) as con:
        assert auth.current_user(con, "analis-baru")["role"] == "analis"
    at.run()   # the message is shown once
    assert not at.success
