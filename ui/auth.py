"""Sign-in for the dashboard: local accounts (argon2id), OIDC through `st.login`, the demo's accounts.

`dashboard.py` asks `signed_in()` first. Without a valid session it registers the pages without running any
(so the address asked for is kept) and `login_screen()` shows the sign-in screen and stops the script, so no
page (and no query) runs for an anonymous visitor. A session lives in
`st.session_state["auth"]`; it ends after `PANTAURB_SESSION_HOURS` (8) or `PANTAURB_IDLE_MINUTES` (30)
without a page view, on logout, or as soon as the account is disabled or its role changes.

`PAGE_ROLES` says which role sees which page; `ui.data.q()` applies the scope to every query.
"""

from __future__ import annotations

import streamlit as st

from loaders import auth, store
from loaders.audit import utc_now
from ui.i18n import lang, t

SESSION_KEY = "auth"
ALL = frozenset(auth.ROLES)
MINISTRY = frozenset({"admin", "analis"})
# page file stem -> roles that see it (pages not listed here are for admins only)
PAGE_ROLES: dict[str, frozenset[str]] = {
    "national": MINISTRY, "theme": MINISTRY, "indicator": MINISTRY, "final_report": MINISTRY,
    "catalogue": ALL, "agency": ALL, "region": MINISTRY | {"koordinator"}, "compliance": ALL,
    "upload": frozenset({"admin", "pengunggah"}), "verification": MINISTRY,
    "admin_accounts": frozenset({"admin"}), "admin_calendar": frozenset({"admin"}), "admin_audit": frozenset({"admin"}),
    "admin_registry": frozenset({"admin"}),
}


def page_allowed(stem: str, scope: auth.Scope | None) -> bool:
    """Anonymous visitors get every page registered (never run) so the address survives the sign-in."""
    return scope is None or scope.role in PAGE_ROLES.get(stem, frozenset({"admin"}))


def current_scope() -> auth.Scope | None:
    sess = st.session_state.get(SESSION_KEY)
    if not sess:
        return None
    return auth.Scope(sess["username"], sess["role"], sess.get("agency_code"), sess.get("province_code"),
                      demo=bool(sess.get("demo")))


def require_scope() -> auth.Scope:
    scope = current_scope()
    if scope is None:
        st.warning(t("auth_required"))
        st.stop()
    return scope


def require_permission(action: str) -> auth.Scope:
    """For admin/analyst pages: the caller must hold `action`; a refusal is audited and explained."""
    scope = require_scope()
    if not scope.can(action):
        from ui.data import db_path
        exc = auth.deny(db_path(), scope, action, None, detail="page")
        st.error(exc.text(lang()), icon=":material/block:")
        st.stop()
    return scope


def _start(result: auth.LoginResult, via: str) -> None:
    now = utc_now()
    s = result.scope
    st.session_state[SESSION_KEY] = {"username": s.username, "role": s.role, "agency_code": s.agency_code,
                                     "province_code": s.province_code, "demo": s.demo, "via": via,
                                     "started_at": now, "last_seen": now}


def _end(reason: str | None = None) -> None:
    sess = st.session_state.pop(SESSION_KEY, None)
    if reason:
        st.session_state["auth_notice"] = reason
    if sess:
        from loaders import audit
        from ui.data import db_path
        try:
            audit.record_side(db_path(), actor=sess["username"], role=sess["role"],   # never waits for a writer
                              action="logout" if reason is None else "session_end", target=sess["username"],
                              detail=reason or sess.get("via"))
        except store.DatabaseBusy:   # the side file stayed locked for seconds: the session ends all the same
            pass


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets.toml at all
        return False


def _client() -> str:
    """The visitor's address: the connection's peer, or, when the peer is this machine (the reverse proxy of
    README's deployment, which sets `X-Real-IP` to its own peer), that header. Keys sign-in throttling."""
    try:
        ip = st.context.ip_address
        if ip is None:
            ip = st.context.headers.get("X-Real-IP")
        return (ip or "-").strip()[:64] or "-"
    except Exception:   # no request context (AppTest)
        return "-"


def _read(fn):
    """`fn(con)` for a sign-in: on the newest published state, read only (loaders/auth.py writes failures,
    locks and audit entries to the side file), so it never waits for a writer. A database that stays busy
    (no snapshots and a long write) is a message in both languages, never an exception page."""
    from ui.data import read_now
    try:
        return read_now(fn)
    except store.DatabaseBusy:
        st.warning(t("db_busy"), icon=":material/hourglass_top:")
        st.stop()


def _with_writer(fn):
    """`fn(con)` in a writer transaction (an SSO identity's first sign-in binds it); busy -> message."""
    from loaders import snapshot
    from ui.data import db_path
    try:
        with store.writer(db_path(), wait=store.READ_WAIT_SECONDS) as con:
            store.migrate(con)
            with store.transaction(con):
                result = fn(con)
            snapshot.committed(db_path(), con)
            return result
    except store.DatabaseBusy:
        st.warning(t("db_busy"), icon=":material/hourglass_top:")
        st.stop()


def _ensure_schema() -> None:
    """A database older than this code is migrated once (through the writer) before anyone signs in."""
    from ui.data import STATE_KEY
    if _read(lambda con: store.schema_version(con) if store.has_schema(con) else store.SCHEMA_VERSION) \
            < store.SCHEMA_VERSION:
        _with_writer(lambda con: None)
        st.session_state.pop(STATE_KEY, None)   # read the migrated state from the next run on
        st.rerun()


def _validate(sess: dict) -> bool:
    """Still valid: not expired, the account still active with the same role and scope."""
    now = utc_now()
    if auth.session_expired(sess["started_at"], sess["last_seen"], now):
        _end("expired")
        return False
    from ui.data import db_path, db_version
    try:
        user = _account(str(db_path()), db_version(), sess["username"])
    except store.DatabaseBusy:   # cannot check now: say so, keep the session for the next try
        st.warning(t("db_busy"), icon=":material/hourglass_top:")
        st.stop()
    if user is None or not user["active"] or (user["role"], user["agency_code"], user["province_code"]) != \
            (sess["role"], sess.get("agency_code"), sess.get("province_code")):
        _end("account_changed")
        return False
    sess["last_seen"] = now
    return True


@st.cache_data(show_spinner=False, max_entries=256, ttl=60)
def _account(path: str, version: tuple, username: str) -> dict | None:
    from ui.data import read_now

    def account(con):
        if not store.has_schema(con) or store.schema_version(con) < store.AUTH_SCHEMA_VERSION:
            return None
        return auth.current_user(con, username)
    return read_now(account)


@st.cache_data(show_spinner=False, max_entries=16, ttl=60)
def _demo_accounts(path: str, version: tuple) -> list[dict]:
    from ui.data import read_now

    def accounts(con):
        if not store.has_schema(con) or store.schema_version(con) < store.AUTH_SCHEMA_VERSION:
            return []
        return auth.demo_accounts(con)
    return read_now(accounts)


def _login_screen() -> None:
    from ui.data import db_path, db_version
    st.title(t("auth_title"))
    notice = st.session_state.pop("auth_notice", None)
    if notice:
        st.info(t(f"auth_notice_{notice}"))
    try:
        demo = _demo_accounts(str(db_path()), db_version())
    except store.DatabaseBusy:
        demo = []
    if demo:
        st.warning(t("auth_demo_banner"), icon=":material/science:")
        cols = st.columns(2)
        for n, account in enumerate(demo):
            box = cols[n % 2]
            where = account["agency_code"] or account["province_code"] or ""
            label = t("auth_demo_button", user=account["username"],
                      role=auth.ROLE_NAMES[account["role"]][1 if lang() == "en" else 0]) + (f" · {where}" if where else "")
            if box.button(label, key=f"demo_login_{account['username']}", width="stretch", icon=":material/login:"):
                result = _read(lambda con: auth.login_demo(con, account["username"], db_path=db_path()))
                if result.scope:
                    _start(result, "demo")
                    st.rerun()
                st.error(result.text(lang()))
    with st.form("login", border=True):
        username = st.text_input(t("auth_username"), key="login_username")
        password = st.text_input(t("auth_password"), type="password", key="login_password")
        submitted = st.form_submit_button(t("auth_submit"), type="primary", icon=":material/login:")
    if submitted:
        client = _client()
        result = _read(lambda con: auth.authenticate(con, username, password, db_path=db_path(), client=client))
        if result.scope:
            _start(result, "local")
            st.rerun()
        st.error(result.text(lang()), icon=":material/lock:")
    if _oidc_configured():
        st.divider()
        if st.button(t("auth_sso"), key="login_sso", icon=":material/key:"):
            st.login()
    st.caption(t("auth_help"))


def signed_in() -> auth.Scope | None:
    """The signed-in caller's scope, or None. Validates the session (expiry, account still active) and maps
    an OIDC identity (st.user, after st.login) to its account once per session."""
    from ui.data import db_ready
    if not db_ready():
        return None
    sess = st.session_state.get(SESSION_KEY)
    if sess:
        return current_scope() if _validate(sess) else None
    _ensure_schema()
    if _oidc_configured() and st.user.get("is_logged_in", False) and not st.session_state.get("oidc_refused"):
        from ui.data import db_path
        claims = {k: st.user.get(k) for k in ("email", "sub", "iss", "email_verified")}

        def oidc(con, bind: bool):
            return auth.authenticate_oidc(con, claims["email"], claims["sub"], issuer=claims["iss"],
                                          email_verified=claims["email_verified"], db_path=db_path(), bind=bind)
        result = _read(lambda con: oidc(con, False))
        if result.needs_binding:
            result = _with_writer(lambda con: oidc(con, True))
        if result.scope:
            _start(result, "oidc")
            return current_scope()
        st.session_state["oidc_refused"] = result.text(lang())
    return None


def login_screen() -> None:
    """Explain a missing or empty database, else show the sign-in screen; always stops the script."""
    from ui.data import require_data
    require_data()
    refused = st.session_state.get("oidc_refused")
    if refused:
        st.error(refused)
        if st.button(t("auth_logout"), key="oidc_logout"):
            st.session_state.pop("oidc_refused", None)
            st.logout()
    _login_screen()
    st.stop()


def sidebar(scope: auth.Scope) -> None:
    """Who is signed in, the demo notice, logout."""
    with st.sidebar:
        st.markdown(t("auth_signed_in_as", who=scope.describe(lang())))
        if scope.demo:
            st.warning(t("auth_demo_sidebar"), icon=":material/science:")
        if st.button(t("auth_logout"), key="logout", icon=":material/logout:"):
            via = (st.session_state.get(SESSION_KEY) or {}).get("via")
            _end()
            if via == "oidc":
                st.logout()   # clears the identity cookie and ends the session at the provider
                st.stop()
            st.rerun()


__all__ = ["signed_in", "login_screen", "sidebar", "current_scope", "require_scope", "require_permission", "page_allowed", "PAGE_ROLES"]


def explain_denied_page(denied: dict[str, str], shown: str) -> None:
    """When the browser asked for a page the signed-in role may not open (Streamlit then runs the start page),
    say which page it was and what is shown instead — once per address, not on every rerun."""
    import re
    try:
        url = st.context.url or ""
    except Exception:  # outside a browser session (AppTest, bare mode)
        return
    m = re.match(r"https?://[^/]+/+([^/?#]+)", url)
    asked = m.group(1) if m else ""
    if asked in denied and st.session_state.get("_denied_explained") != asked:
        st.session_state["_denied_explained"] = asked
        st.warning(t("page_not_for_role", page=denied[asked], shown=shown), icon=":material/block:")
