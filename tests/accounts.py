"""Seeded test accounts shared by the AppTest suites (a module of its own: `conftest` is ambiguous when
tests/ and tests/e2e/ are collected together, each with a conftest.py)."""

from __future__ import annotations


PASSWORD = "kata-sandi-uji-123"
ACCOUNTS = {  # username -> (role, agency, province)
    "admin": ("admin", None, None),
    "analis": ("analis", None, None),
    "koord-32": ("koordinator", None, "32"),
    "unggah-32.99": ("pengunggah", "32.99", None),
    "unggah-32.73": ("pengunggah", "32.73", None),
    "unggah-kl": ("pengunggah", "KL-PANRB", None),
}


def seed_accounts(con) -> None:
    from loaders import auth
    operator = auth.Scope.system("cli:test")
    for username, (role, agency, province) in ACCOUNTS.items():
        auth.add_user(con, operator, username=username, role=role, agency_code=agency, province_code=province,
                      email=f"{username}@contoh.go.id", password=PASSWORD)


def sign_in(at, username: str = "admin"):
    """Put a signed-in session for a seeded account into an AppTest, as the sign-in form does
    (the form itself is tested in tests/test_auth.py)."""
    from loaders.audit import utc_now
    role, agency, province = ACCOUNTS[username]
    now = utc_now()
    at.session_state["auth"] = {"username": username, "role": role, "agency_code": agency, "province_code": province,
                                "demo": False, "via": "local", "started_at": now, "last_seen": now}
    return at
