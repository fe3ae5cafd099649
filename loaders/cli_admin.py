"""`python -m loaders users|calendar|audit ...`: accounts, the reporting calendar and the audit trail.

The CLI runs on the server as an operator (`cli:<OS user>` in the audit trail). Passwords are read from
standard input (`--password-stdin`), never from the command line, so they stay out of shell history and
the process list.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from loaders import audit, auth, snapshot, store, verification


def _db(db):
    path = store.resolve_db_path(db)
    if not path.exists():
        raise click.ClickException(f"Basis data tidak ada: {path} (jalankan / run: python -m loaders init)")
    return path


def _password_from_stdin() -> str:
    text = sys.stdin.readline().rstrip("\r\n")
    if not text:
        raise click.UsageError("Kata sandi kosong di stdin / empty password on stdin")
    return text


def _run(db, fn):
    from loaders.cli import operator
    try:
        with store.writer(_db(db)) as con:   # the writer slot the page and the other commands queue on
            store.migrate(con)
            audit.merge_pending(con, _db(db))   # readers' entries first: export and verify see the whole trail
            with store.transaction(con):
                result = fn(con, operator())
            snapshot.committed(_db(db), con)   # dashboard processes see the change (accounts, calendar)
            return result
    except (auth.AccountError, auth.ScopeDenied) as exc:
        raise click.ClickException(str(exc))
    except ValueError as exc:
        raise click.ClickException(str(exc))
    except store.DatabaseBusy as exc:   # busy: a message and exit code 3, as every command
        click.echo(str(exc), err=True)
        sys.exit(store.EXIT_BUSY)


def register(cli: click.Group, db_option) -> None:
    @cli.group()
    def users():
        """Accounts: admin, analis, koordinator (--province), pengunggah (--agency)."""

    @users.command("add")
    @click.option("--username", required=True)
    @click.option("--role", required=True, type=click.Choice(auth.ROLES))
    @click.option("--agency", default=None, help="Agency code (role pengunggah).")
    @click.option("--province", default=None, help="Province code (role koordinator).")
    @click.option("--email", default=None, help="E-mail: OIDC sign-in and reminders.")
    @click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
    @db_option
    def users_add(username, role, agency, province, email, password_stdin, db):
        """Create an account. Without --password-stdin it signs in through OIDC only (needs --email)."""
        password = _password_from_stdin() if password_stdin else None
        user = _run(db, lambda con, op: auth.add_user(con, op, username=username, role=role, agency_code=agency,
                                                        province_code=province, email=email, password=password))
        click.echo(json.dumps(user, default=str, ensure_ascii=False))

    @users.command("list")
    @db_option
    def users_list(db):
        """All accounts (never the password hashes)."""
        frame = _run(db, lambda con, op: auth.list_users(con))
        click.echo(frame.to_string(index=False) if len(frame) else "(tidak ada akun / no accounts)")

    @users.command("disable")
    @click.argument("username")
    @db_option
    def users_disable(username, db):
        """Disable an account: it cannot sign in, and open sessions end at the next page view."""
        _run(db, lambda con, op: auth.set_active(con, op, username, False))
        click.echo(f"{username}: dinonaktifkan / disabled")

    @users.command("enable")
    @click.argument("username")
    @db_option
    def users_enable(username, db):
        """Enable an account again (also clears a sign-in lock)."""
        _run(db, lambda con, op: auth.set_active(con, op, username, True))
        click.echo(f"{username}: aktif / enabled")

    @users.command("reset")
    @click.argument("username")
    @click.option("--password-stdin", is_flag=True, required=True, help="Read the new password from standard input.")
    @db_option
    def users_reset(username, password_stdin, db):
        """Set a new password (also clears a sign-in lock)."""
        password = _password_from_stdin()
        _run(db, lambda con, op: auth.reset_password(con, op, username, password))
        click.echo(f"{username}: kata sandi diganti / password reset")

    @users.command("unlock")
    @click.argument("username")
    @db_option
    def users_unlock(username, db):
        """Lift every sign-in lock of the account, from any client (audited)."""
        _run(db, lambda con, op: auth.unlock(con, op, username))
        click.echo(f"{username}: kunci masuk dibuka / sign-in locks lifted")

    @users.command("unbind-sso")
    @click.argument("username")
    @db_option
    def users_unbind_sso(username, db):
        """Release the account's SSO binding (issuer + subject): the next SSO sign-in with a verified e-mail of
        this account binds again (e.g. after the person's identity at the provider was re-created)."""
        _run(db, lambda con, op: auth.unbind_oidc(con, op, username))
        click.echo(f"{username}: ikatan SSO dilepas / SSO binding released")

    @cli.group("calendar")
    def calendar_group():
        """The reporting calendar: open date, deadline and late window per quarter."""

    @calendar_group.command("show")
    @click.option("--year", type=int, default=None)
    @db_option
    def calendar_show(year, db):
        frame = _run(db, lambda con, op: verification.calendar(con, year))
        click.echo(frame.to_string(index=False))

    @calendar_group.command("set")
    @click.option("--year", type=int, required=True)
    @click.option("--quarter", type=click.IntRange(1, 4), required=True)
    @click.option("--opens", "opens_on", type=click.DateTime(["%Y-%m-%d"]), required=True)
    @click.option("--deadline", type=click.DateTime(["%Y-%m-%d"]), required=True)
    @click.option("--late-until", type=click.DateTime(["%Y-%m-%d"]), required=True)
    @click.option("--reason", required=True, help="Why the window changes (kept in the history and the audit trail).")
    @db_option
    def calendar_set(year, quarter, opens_on, deadline, late_until, reason, db):
        w = _run(db, lambda con, op: verification.set_window(con, op, year, quarter, opens_on.date(), deadline.date(),
                                                               late_until.date(), reason))
        click.echo(json.dumps(w.__dict__, default=str))

    @cli.group("audit")
    def audit_group():
        """The append-only audit trail."""

    @audit_group.command("export")
    @click.option("--out", type=click.Path(dir_okay=False), required=True, help="CSV file to write.")
    @click.option("--action", default=None)
    @db_option
    def audit_export(out, action, db):
        frame = _run(db, lambda con, op: audit.entries(con, action=action))
        Path(out).write_bytes(audit.export_csv(frame))
        click.echo(f"{len(frame)} → {out}")

    @audit_group.command("verify")
    @db_option
    def audit_verify(db):
        """Check the hash chain and its anchored heads (`<db>.audit-chain`): exit 1 when a row was edited,
        removed, renumbered or appended outside the app."""
        path = _db(db)
        verdict = _run(db, lambda con, op: audit.verify(con, path))
        click.echo(("OK: " if verdict.ok else "RUSAK / BROKEN: ") + verdict.text("id") + " / " + verdict.text("en"))
        sys.exit(0 if verdict.ok else 1)


__all__ = ["register"]
