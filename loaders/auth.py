"""Accounts, roles and the caller's scope.

* **Roles**: `admin` (catalogue, targets, registry, calendar, accounts), `analis` (ministry staff: read all,
  verify or return submissions, send reminders), `koordinator` (one province: read it and its
  kabupaten/kota), `pengunggah` (one agency: template, check, submit, read its own agency).
* **Scope**: who is calling and what they may touch. Every write path in `loaders.api` and every page
  query (through `ui.data.q`) takes one; `authorize()` is the single place a refusal is decided, worded
  (Bahasa Indonesia / English) and written to the audit trail.
* **Local accounts** hold an argon2id hash (argon2-cffi). After `MAX_FAILED` consecutive failed sign-ins an
  account is locked for `LOCK_MINUTES`; every attempt is audited. OIDC accounts have no password; they are
  bound to the provider's subject (issuer + subject) at the first sign-in with a verified e-mail
  (`authenticate_oidc`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from loaders import audit, store
from loaders.audit import utc_now

ROLES = ("admin", "analis", "koordinator", "pengunggah")
ROLE_NAMES = {"admin": ("Admin", "Admin"), "analis": ("Analis", "Analyst"),
              "koordinator": ("Koordinator provinsi", "Province coordinator"),
              "pengunggah": ("Pengunggah instansi", "Agency uploader"), "system": ("Sistem", "System")}
MAX_FAILED = int(os.environ.get("PANTAURB_MAX_FAILED_LOGINS", "5"))        # per (username, client)
LOCK_MINUTES = int(os.environ.get("PANTAURB_LOGIN_LOCK_MINUTES", "15"))    # the first lock; each next one doubles
CLIENT_MAX_FAILED = int(os.environ.get("PANTAURB_CLIENT_MAX_FAILED", "20"))  # per client, whatever the names
USER_MAX_FAILED = int(os.environ.get("PANTAURB_USER_MAX_FAILED", "20"))      # per username, from unknown clients
MAX_LOCK_HOURS = 24            # a pair or client lock never grows beyond this
USER_LOCK_MAX_MINUTES = 60     # a username's lock (for clients it never signed in from) never beyond this
SESSION_HOURS = float(os.environ.get("PANTAURB_SESSION_HOURS", "8"))
IDLE_MINUTES = float(os.environ.get("PANTAURB_IDLE_MINUTES", "30"))
MIN_PASSWORD = 12

# What each role may do. Reading is governed by the scope's agencies (see Scope.allows).
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"submit", "verify", "reopen", "remind", "calendar", "accounts", "catalogue", "registry",
                        "audit", "read_all"}),
    "analis": frozenset({"verify", "remind", "read_all"}),
    "koordinator": frozenset(),
    "pengunggah": frozenset({"submit"}),
    "system": frozenset({"submit", "verify", "reopen", "remind", "calendar", "accounts", "catalogue", "registry",
                         "audit", "read_all"}),
}
ACTION_NAMES = {
    "submit": ("mengunggah atau memeriksa laporan", "upload or check reports"),
    "template": ("mengunduh templat", "download templates"),
    "read": ("membaca data", "read data"),
    "verify": ("memverifikasi atau mengembalikan laporan", "verify or return submissions"),
    "reopen": ("membuka kembali triwulan terkunci", "reopen locked quarters"),
    "remind": ("mengirim pengingat", "send reminders"),
    "calendar": ("mengubah kalender pelaporan", "change the reporting calendar"),
    "accounts": ("mengelola akun", "manage accounts"),
    "catalogue": ("mengubah katalog", "change the catalogue"),
    "registry": ("mengubah registri instansi", "change the agency registry"),
    "audit": ("membaca jejak audit", "read the audit trail"),
}

_hasher = PasswordHasher()   # argon2id with the library's RFC 9106 low-memory profile
_DUMMY_HASH = _hasher.hash("pantaurb-timing-equaliser")


class _Bilingual(Exception):
    def __init__(self, message: str, message_en: str):
        super().__init__(f"{message} / {message_en}")
        self.message, self.message_en = message, message_en

    def text(self, lang: str = "id") -> str:
        return self.message_en if lang == "en" else self.message


class ScopeDenied(_Bilingual, PermissionError):
    """A caller tried to act outside its role or scope. Carries both languages."""


class AccountError(_Bilingual, ValueError):
    """An account cannot be created or changed as asked (both languages)."""


@dataclass(frozen=True)
class Scope:
    """Who is calling. `system` is a trusted operator process (CLI on the server, demo builder, rebuild)."""
    username: str
    role: str
    agency_code: str | None = None
    province_code: str | None = None
    demo: bool = field(default=False, compare=False)

    @classmethod
    def system(cls, name: str) -> "Scope":
        return cls(username=name, role="system")

    def can(self, action: str) -> bool:
        return action in PERMISSIONS.get(self.role, frozenset())

    @property
    def reads_all(self) -> bool:
        return self.can("read_all")

    def allows(self, agency_code: str | None, province_of: str | None) -> bool:
        """May this scope read `agency_code` (whose province is `province_of`)?"""
        if self.reads_all:
            return True
        if agency_code is None:
            return False
        if self.role == "pengunggah":
            return agency_code == self.agency_code
        if self.role == "koordinator":
            return province_of is not None and province_of == self.province_code
        return False

    def describe(self, lang: str = "id") -> str:
        role = ROLE_NAMES.get(self.role, (self.role, self.role))[1 if lang == "en" else 0]
        where = self.agency_code or self.province_code
        return f"{self.username} · {role}" + (f" · {where}" if where else "")


# ------------------------------------------------------------------ refusals (one place)
def agency_province(con, agency_code: str | None) -> str | None:
    if agency_code is None:
        return None
    row = con.execute("SELECT province_code FROM agencies WHERE agency_code = ?", [agency_code]).fetchone()
    return row[0] if row else None


def agency_provinces(con) -> dict[str, str | None]:
    return dict(con.execute("SELECT agency_code, province_code FROM agencies").fetchall())


def deny(con_or_path, scope: Scope, action: str, target: str | None, detail: str | None = None) -> ScopeDenied:
    """Write the refusal to the audit trail (and nothing else) and return the exception to raise."""
    what_id, what_en = ACTION_NAMES.get(action, (action, action))
    if target:
        msg = (f"Akses ditolak: akun {scope.username} ({ROLE_NAMES.get(scope.role, (scope.role,))[0]}) tidak boleh "
               f"{what_id} untuk {target}. Hubungi admin PantauRB bila akses ini memang diperlukan.")
        msg_en = (f"Access denied: account {scope.username} ({ROLE_NAMES.get(scope.role, (scope.role, scope.role))[1]}) "
                  f"may not {what_en} for {target}. Ask a PantauRB admin if you need this access.")
    else:
        msg = (f"Akses ditolak: akun {scope.username} tidak boleh {what_id}. "
               "Hubungi admin PantauRB bila akses ini memang diperlukan.")
        msg_en = f"Access denied: account {scope.username} may not {what_en}. Ask a PantauRB admin if you need this access."
    entry = dict(actor=scope.username, role=scope.role, action="denied", target=target,
                 after={"attempted": action}, detail=detail)
    path = _file_of(con_or_path) if hasattr(con_or_path, "execute") else con_or_path
    if path is None:          # an in-memory database: the caller's connection is all there is
        audit.record(con_or_path, **entry)
    else:                     # the side file: kept when the caller rolls back, never waits for a writer
        audit.record_side(path, **entry)
    return ScopeDenied(msg, msg_en)


def _file_of(con) -> str | None:
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return row[0] if row and row[0] else None


def authorize(con_or_path, scope: Scope, action: str, agency_code: str | None = None, *,
              province_of: str | None = None, detail: str | None = None) -> None:
    """Raise ScopeDenied (after auditing it) unless `scope` may do `action` on `agency_code`.

    `action` is one of PERMISSIONS' actions, or "read"/"template" (reading an agency's data).
    """
    if scope is None or not isinstance(scope, Scope):
        raise TypeError("a Scope is required (loaders.auth.Scope); use Scope.system(name) for operator tools")
    if action in ("read", "template"):
        ok = True
    else:
        ok = scope.can(action)
    if ok and agency_code is not None and not scope.reads_all:
        if province_of is None and scope.role == "koordinator":
            if hasattr(con_or_path, "execute"):
                province_of = agency_province(con_or_path, agency_code)
            else:
                with store.session(store.resolve_db_path(con_or_path)) as con:
                    province_of = agency_province(con, agency_code)
        ok = scope.allows(agency_code, province_of)
    if not ok:
        raise deny(con_or_path, scope, action, agency_code, detail)


# ------------------------------------------------------------------ passwords
def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Kata sandi minimal {MIN_PASSWORD} karakter.",
                           f"The password needs at least {MIN_PASSWORD} characters.")
    return _hasher.hash(password)


def _verify(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# ------------------------------------------------------------------ accounts
USER_COLUMNS = ["username", "role", "agency_code", "province_code", "email", "active", "demo", "failed_logins",
                "locked_until", "created_at", "updated_at", "oidc_issuer", "oidc_subject"]


def _user(con, username: str) -> dict | None:
    row = con.execute(f"SELECT {', '.join(USER_COLUMNS)}, password_hash FROM users WHERE username = ?",
                      [username]).fetchone()
    return dict(zip([*USER_COLUMNS, "password_hash"], row)) if row else None


def _public(user: dict | None) -> dict | None:
    return None if user is None else {k: user[k] for k in USER_COLUMNS}


def list_users(con):
    return con.execute(f"SELECT {', '.join(USER_COLUMNS)}, password_hash IS NOT NULL AS local_password "
                       "FROM users ORDER BY role, username").df()


def add_user(con, actor: Scope, *, username: str, role: str, agency_code: str | None = None,
             province_code: str | None = None, email: str | None = None, password: str | None = None,
             demo: bool = False) -> dict:
    """Create an account (admin or operator). Without a password the account signs in through OIDC only."""
    authorize(con, actor, "accounts", detail=f"add {username}")
    username = (username or "").strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise AccountError("Nama pengguna wajib diisi, tanpa spasi, paling banyak 64 karakter.",
                           "A username is required, without spaces, at most 64 characters.")
    if role not in ROLES:
        raise AccountError(f"Peran tidak dikenal: {role}. Pilih salah satu: {', '.join(ROLES)}.",
                           f"Unknown role: {role}. Choose one of: {', '.join(ROLES)}.")
    if role == "pengunggah":
        if not agency_code:
            raise AccountError("Peran pengunggah memerlukan --agency KODE.", "The pengunggah role needs --agency CODE.")
        if not con.execute("SELECT 1 FROM agencies WHERE agency_code = ?", [agency_code]).fetchone():
            raise AccountError(f"Kode instansi tidak terdaftar: {agency_code}.", f"Unknown agency code: {agency_code}.")
        province_code = None
    elif role == "koordinator":
        if not province_code:
            raise AccountError("Peran koordinator memerlukan --province KODE.",
                               "The koordinator role needs --province CODE.")
        if not con.execute("SELECT 1 FROM agencies WHERE agency_code = ? AND agency_type = 'PROV'",
                           [province_code]).fetchone():
            raise AccountError(f"Kode provinsi tidak terdaftar: {province_code}.",
                               f"Unknown province code: {province_code}.")
        agency_code = None
    else:
        agency_code = province_code = None
    if password is None and not email:
        raise AccountError("Berikan kata sandi (--password-stdin) atau e-mail untuk masuk lewat SSO (--email).",
                           "Give a password (--password-stdin) or an e-mail for SSO sign-in (--email).")
    if _user(con, username):
        raise AccountError(f"Akun {username} sudah ada.", f"Account {username} already exists.")
    digest = hash_password(password) if password is not None else None
    now = utc_now()
    con.execute("INSERT INTO users (username, role, agency_code, province_code, email, password_hash, active, demo, "
                "failed_logins, locked_until, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, TRUE, ?, 0, NULL, ?, ?)",
                [username, role, agency_code, province_code, (email or "").strip().lower() or None, digest, demo,
                 now, now])
    after = _public(_user(con, username))
    audit.record(con, actor=actor.username, role=actor.role, action="account_add", target=username, after=after)
    return after


def set_active(con, actor: Scope, username: str, active: bool) -> dict:
    action = "enable" if active else "disable"
    return _change_account(con, actor, username, action, f"{action} {username}", "active = ?", [active])


def reset_password(con, actor: Scope, username: str, password: str) -> dict:
    return _change_account(con, actor, username, "reset", f"reset {username}", "password_hash = ?",
                           [hash_password(password)], note="password reset")


def _change_account(con, actor: Scope, username: str, action: str, detail: str, assignment: str, values: list,
                    note: str | None = None) -> dict:
    """One admin change of an existing account (it also clears a sign-in lock), audited before and after."""
    authorize(con, actor, "accounts", detail=detail)
    before = _public(_user(con, username))
    if before is None:
        raise AccountError(f"Akun {username} tidak ada.", f"No account {username}.")
    con.execute(f"UPDATE users SET {assignment}, failed_logins = 0, locked_until = NULL, updated_at = ? "
                "WHERE username = ?", [*values, utc_now(), username])
    _clear_locks(con, username)
    after = _public(_user(con, username))
    audit.record(con, actor=actor.username, role=actor.role, action=f"account_{action}", target=username,
                 before=before, after=after, detail=note)
    return after


def scope_of(user: dict) -> Scope:
    return Scope(user["username"], user["role"], user.get("agency_code"), user.get("province_code"),
                 demo=bool(user.get("demo")))


@dataclass
class LoginResult:
    scope: Scope | None
    message: str = ""
    message_en: str = ""
    needs_binding: bool = False     # an SSO identity's first sign-in: it must be bound through the writer

    def text(self, lang: str = "id") -> str:
        return self.message_en if lang == "en" else self.message


_BAD_LOGIN = ("Nama pengguna atau kata sandi salah.", "Wrong username or password.")
_THROTTLED = ("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {m} menit, atau minta admin PantauRB "
              "membuka kunci.",
              "Too many failed sign-in attempts. Try again in {m} minute(s), or ask a PantauRB admin to unlock.")


def _log(con, db_path, **entry) -> None:
    """A sign-in's audit entry: to the side file (never waits for a writer), or on `con` for an in-memory
    database."""
    if db_path is None:
        audit.record(con, **entry)
    else:
        audit.record_side(db_path, **entry)


def _keys(username: str, client: str) -> dict[str, str]:
    return {"pair": f"pair:{username}\x1f{client}", "client": f"client:{client}", "user": f"user:{username}",
            "known": f"known:{username}\x1f{client}"}


def authenticate(con, username: str, password: str, *, db_path=None, client: str | None = None,
                 now: datetime | None = None) -> LoginResult:
    """Check a local sign-in. `con` is only read (a published snapshot will do); failures, locks and the audit
    entries go to the side file of `db_path` (loaders/sidestore.py), so a sign-in never waits for a writer.

    Throttling, the same for names that exist and names that do not (so neither the words nor the timing
    tell which usernames exist):
    * per (username, client): `MAX_FAILED` failures lock that pair for `LOCK_MINUTES`, doubling with each
      further lock (at most `MAX_LOCK_HOURS`): an attacker elsewhere does not lock the real user out;
    * per client: `CLIENT_MAX_FAILED` failures, whatever the usernames, lock the client (same backoff): guessing
      names costs no hash and no audit entry while locked;
    * per username: `USER_MAX_FAILED` failures from clients it never signed in from lock the name for such
      clients only (at most `USER_LOCK_MAX_MINUTES`): a distributed guess slows down, the user's own devices
      keep working.
    Each lock is audited once (`login_locked`); an admin unlocks with `users unlock` (or enable/reset).
    """
    from loaders import sidestore
    now = now or utc_now()
    username = (username or "").strip()
    client = (client or "-").strip() or "-"
    path = db_path if db_path is not None else _file_of(con)
    keys = _keys(username, client)
    shared = client != "-"   # an unknown address is everyone's: never lock it (a lock would shut out all)
    if path is not None:
        with sidestore.connect(path) as side:
            known = side.execute("SELECT 1 FROM throttle WHERE key = ?", [keys["known"]]).fetchone() is not None
            until = [sidestore.locked_until(side, keys[k], now) for k in ("pair", "client") if k == "pair" or shared]
            if not known:
                until.append(sidestore.locked_until(side, keys["user"], now))
        until = [u for u in until if u]
        if until:    # no hash, no audit entry: a locked attempt costs nothing
            minutes = max(1, int((max(until) - sidestore._epoch(now)) // 60) + 1)
            return LoginResult(None, _THROTTLED[0].format(m=minutes), _THROTTLED[1].format(m=minutes))
    user = _user(con, username) if username else None
    ok = _verify(user["password_hash"] if user else None, password or "")
    if user is None or not ok or not user["active"]:
        detail = "unknown account" if user is None else ("disabled" if ok else "wrong password")
        if path is not None and not ok:
            with sidestore.connect(path) as side:
                started = [f"{k} {int(length // 60)} min" for k, length in (
                    ("pair", sidestore.fail(side, keys["pair"], now, limit=MAX_FAILED, window_s=LOCK_MINUTES * 60,
                                            base_s=LOCK_MINUTES * 60, max_s=MAX_LOCK_HOURS * 3600)),
                    ("client", sidestore.fail(side, keys["client"], now, limit=CLIENT_MAX_FAILED,
                                              window_s=LOCK_MINUTES * 60, base_s=LOCK_MINUTES * 60,
                                              max_s=MAX_LOCK_HOURS * 3600) if shared else None),
                    ("user", None if known else sidestore.fail(
                        side, keys["user"], now, limit=USER_MAX_FAILED, window_s=LOCK_MINUTES * 60,
                        base_s=LOCK_MINUTES * 60, max_s=USER_LOCK_MAX_MINUTES * 60))) if length]
            if started:
                detail += "; locked " + ", ".join(started)
        _log(con, path, actor=username or "(kosong)", role=user["role"] if user else None,
             action="login_locked" if path is not None and not ok and "; locked" in detail else "login_failed",
             target=username or None, detail=f"{detail}; client {client}", at=now)
        if user is not None and ok and not user["active"]:
            return LoginResult(None, "Akun ini dinonaktifkan. Hubungi admin PantauRB.",
                               "This account is disabled. Contact a PantauRB admin.")
        return LoginResult(None, *_BAD_LOGIN)
    if path is not None:
        with sidestore.connect(path) as side:
            sidestore.clear(side, keys["pair"])
            side.execute("INSERT OR REPLACE INTO throttle (key, failures, first_at) VALUES (?, 0, ?)",
                         [keys["known"], sidestore._epoch(now)])
    _log(con, path, actor=username, role=user["role"], action="login", target=username,
         detail=f"local; client {client}", at=now)
    return LoginResult(scope_of(user))


def unlock(con, actor: Scope, username: str) -> dict:
    """An admin lifts every sign-in lock of `username` (from any client). Audited."""
    return _change_account(con, actor, username, "unlock", f"unlock {username}", "active = active", [],
                           note="sign-in locks lifted")


def _clear_locks(con, username: str) -> None:
    from loaders import sidestore
    path = _file_of(con)
    if path is None:
        return
    with sidestore.connect(path) as side:
        sidestore.clear(side, f"user:{username}")
        sidestore.clear_prefix(side, f"pair:{username}\x1f")


def _claim_true(value) -> bool:
    """`email_verified` as providers send it: a JSON boolean, sometimes the string "true"."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


_OIDC_REFUSED = ("Masuk lewat SSO ditolak untuk identitas ini. Minta admin PantauRB memeriksa akun Anda.",
                 "SSO sign-in was refused for this identity. Ask a PantauRB admin to check your account.")


def authenticate_oidc(con, email: str | None, subject: str | None = None, *, issuer: str | None = None,
                      email_verified=None, now: datetime | None = None, db_path=None,
                      bind: bool = True) -> LoginResult:
    """Map an OIDC identity to an account. Audited, refusals included.

    * An account is bound to the provider's subject (`issuer` + `subject`) at its first SSO sign-in; from then
      on only that subject signs in to it, whatever e-mail a token carries.
    * The first sign-in finds the account by e-mail, and only by an e-mail the provider marks
      `email_verified` (an admin adds the account with that e-mail: the admin's choice plus the provider's
      proof of the address are what link the two). An unverified address is refused.
    * A different subject carrying the e-mail of an account already bound is refused (and audited): the same
      address at a second identity never reaches the account.

    Sign-ins and refusals are audited through the side file of `db_path` (never waiting for a writer); the
    binding itself is a write on `con`: with `bind=False` (a read-only `con`) a first sign-in returns
    `needs_binding` instead, and the caller repeats it on a writer's connection.
    """
    path = db_path if db_path is not None else _file_of(con)
    email = (email or "").strip().lower()
    issuer, subject = (issuer or "").strip(), (subject or "").strip()
    who = email or subject or "(oidc)"

    def refuse(detail: str, message: tuple[str, str] = _OIDC_REFUSED, target: str | None = None) -> LoginResult:
        _log(con, path, actor=who, action="login_failed", target=target or email or None,
             detail=f"oidc: {detail}; iss={issuer or '-'} sub={subject or '-'}", at=now)
        return LoginResult(None, *message)

    if not issuer or not subject:
        return refuse("token without issuer or subject")
    row = con.execute("SELECT username FROM users WHERE oidc_issuer = ? AND oidc_subject = ?",
                      [issuer, subject]).fetchone()
    if row:
        user = _user(con, row[0])
        if not user["active"]:
            return refuse("disabled", ("Akun ini dinonaktifkan. Hubungi admin PantauRB.",
                                       "This account is disabled. Contact a PantauRB admin."), target=row[0])
        _log(con, path, actor=user["username"], role=user["role"], action="login", target=user["username"],
             detail=f"oidc iss={issuer} sub={subject}", at=now)
        return LoginResult(scope_of(user))
    if not email:
        return refuse("no e-mail and no account bound to this subject")
    if not _claim_true(email_verified):
        return refuse("e-mail not verified by the provider",
                      (f"Penyedia SSO belum memverifikasi e-mail {email}. Verifikasi e-mail di penyedia, lalu masuk lagi.",
                       f"The SSO provider has not verified the e-mail {email}. Verify it there, then sign in again."))
    rows = con.execute("SELECT username FROM users WHERE email = ? ORDER BY username", [email]).fetchall()
    if not rows:
        return refuse("no account for this e-mail",
                      (f"Tidak ada akun aktif untuk {email}. Minta admin PantauRB menambahkan e-mail Anda.",
                       f"No active account for {email}. Ask a PantauRB admin to add your e-mail."))
    if len(rows) > 1:
        return refuse(f"e-mail shared by {len(rows)} accounts")
    user = _user(con, rows[0][0])
    if user["oidc_subject"] is not None:
        return refuse(f"e-mail of {user['username']}, bound to another subject", target=user["username"])
    if not user["active"]:
        return refuse("disabled", ("Akun ini dinonaktifkan. Hubungi admin PantauRB.",
                                   "This account is disabled. Contact a PantauRB admin."), target=user["username"])
    if not bind:
        return LoginResult(None, needs_binding=True)
    before = {"oidc_issuer": None, "oidc_subject": None}
    con.execute("UPDATE users SET oidc_issuer = ?, oidc_subject = ?, updated_at = ? WHERE username = ?",
                [issuer, subject, now or utc_now(), user["username"]])
    audit.record(con, actor=user["username"], role=user["role"], action="oidc_bind", target=user["username"],
                 before=before, after={"oidc_issuer": issuer, "oidc_subject": subject},
                 detail="first SSO sign-in, verified e-mail", at=now)
    audit.record(con, actor=user["username"], role=user["role"], action="login", target=user["username"],
                 detail=f"oidc iss={issuer} sub={subject}", at=now)
    return LoginResult(scope_of(user))


def unbind_oidc(con, actor: Scope, username: str) -> dict:
    """An admin releases an account's SSO binding (a new subject may then bind at its next verified sign-in)."""
    return _change_account(con, actor, username, "oidc_unbind", f"unbind {username}",
                           "oidc_issuer = NULL, oidc_subject = NULL", [], note="SSO binding released")


def current_user(con, username: str) -> dict | None:
    """The account as stored now (disabled or deleted accounts end a session at the next page view)."""
    return _public(_user(con, username))


def demo_accounts(con) -> list[dict]:
    rows = con.execute("SELECT username, role, agency_code, province_code FROM users "
                       "WHERE demo AND active ORDER BY list_position(['admin','analis','koordinator','pengunggah'], role), "
                       "username").fetchall()
    return [dict(zip(["username", "role", "agency_code", "province_code"], r)) for r in rows]


def session_expired(started_at: datetime, last_seen: datetime, now: datetime, *,
                    hours: float | None = None, idle_minutes: float | None = None) -> bool:
    """A session ends `hours` after sign-in or `idle_minutes` after the last page view, whichever is first."""
    hours = SESSION_HOURS if hours is None else hours
    idle_minutes = IDLE_MINUTES if idle_minutes is None else idle_minutes
    return now - started_at > timedelta(hours=hours) or now - last_seen > timedelta(minutes=idle_minutes)


def login_demo(con, username: str, *, db_path=None) -> LoginResult:
    """One-click sign-in offered only by the embedded demo: works only for accounts `loaders demo` created.
    `con` is only read; the audit entry goes to the side file of `db_path`."""
    path = db_path if db_path is not None else _file_of(con)
    user = _user(con, username)
    if user is None or not user["demo"] or not user["active"]:
        _log(con, path, actor=username, action="login_failed", target=username, detail="not a demo account")
        return LoginResult(None, *_BAD_LOGIN)
    _log(con, path, actor=username, role=user["role"], action="login", target=username, detail="demo")
    return LoginResult(scope_of(user))


def create_demo_accounts(con, agencies: list[tuple[str, str | None]]) -> list[str]:
    """The demo's accounts: one per role, scoped to demo agencies. They have no usable password."""
    import secrets
    system = Scope.system("demo-generator")
    provinces = [p for _, p in agencies if p]
    created = []
    specs = [("demo-admin", "admin", None, None), ("demo-analis", "analis", None, None)]
    if provinces:
        specs.append(("demo-koordinator", "koordinator", None, provinces[0]))
    if agencies:
        own = next((a for a, p in agencies if p == (provinces[0] if provinces else None)), agencies[0][0])
        specs.append(("demo-pengunggah", "pengunggah", own, None))
    for username, role, agency, province in specs:
        if _user(con, username) is None:
            add_user(con, system, username=username, role=role, agency_code=agency, province_code=province,
                     password=secrets.token_urlsafe(24), demo=True)
            created.append(username)
    return created


# ------------------------------------------------------------------ scoping query results (one function)
AGENCY_PARAMETERS = ("agency_code", "agency")
SUBMISSION_PARAMETERS = ("submission_id", "old_submission_id", "new_submission_id")


def submission_agency(submission_id: str) -> str:
    """`<agency>-<year>Q<q>-v<n>` -> agency (agency codes may contain '-', e.g. KL-PANRB)."""
    return submission_id.rsplit("-", 2)[0]


def agencies_in_arguments(fn, args: tuple, kwargs: dict | None = None) -> list[str]:
    """The agency codes a query function is asked about, found by parameter name."""
    import inspect
    try:
        bound = inspect.signature(fn).bind_partial(None, *args, **(kwargs or {}))
    except (TypeError, ValueError):
        return []
    found = []
    for name, value in bound.arguments.items():
        if value is None or not isinstance(value, str):
            continue
        if name in AGENCY_PARAMETERS:
            found.append(value)
        elif name in SUBMISSION_PARAMETERS:
            found.append(submission_agency(value))
    return found


def restrict_frame(frame, scope: Scope, province_of: dict[str, str | None]):
    """Keep only the rows `scope` may read: rows keyed by `agency_code`, else by `province_code`.

    Frames with neither column (reference data: themes, indicators, periods) pass unchanged; pages that
    show ministry-wide aggregates are not offered to the roles this would matter for (ui.auth.PAGE_ROLES).
    """
    if scope.reads_all or frame is None or not hasattr(frame, "columns"):
        return frame
    if "agency_code" in frame.columns:
        keep = [scope.allows(a, province_of.get(a)) if isinstance(a, str) else False for a in frame["agency_code"]]
    elif "province_code" in frame.columns:
        own = scope.province_code if scope.role == "koordinator" else province_of.get(scope.agency_code or "")
        keep = [p == own and own is not None for p in frame["province_code"]]
    else:
        return frame
    import pandas as pd
    mask = pd.Series(keep, index=frame.index, dtype=bool)   # never frame[[]]: an empty list selects no columns
    return frame.loc[mask].reset_index(drop=True)
