"""Reminder e-mails to agencies that have not reported a quarter, over SMTP (Python's smtplib).

Settings come from the `[smtp]` section of `.streamlit/secrets.toml` (see README): host, port, sender,
and optionally username, password, starttls (true/false) and ssl (true/false). The recipient is the
agency's contact e-mail from the registry. Every attempt is logged in `reminders` and in the audit trail,
whether it was sent or failed; agencies without an e-mail are counted and skipped.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Mapping

from indicators.texts import quarter_label
from loaders import audit
from loaders.audit import utc_now
from loaders.auth import Scope, authorize


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    ssl: bool = False
    timeout: float = 20.0

    @classmethod
    def from_mapping(cls, raw: Mapping | None) -> "SmtpSettings | None":
        """From the secrets' [smtp] section; None when it is missing or has no host/sender."""
        if not raw or not raw.get("host") or not raw.get("sender"):
            return None
        return cls(host=str(raw["host"]), port=int(raw.get("port", 587)), sender=str(raw["sender"]),
                   username=raw.get("username") or None, password=raw.get("password") or None,
                   starttls=bool(raw.get("starttls", False)), ssl=bool(raw.get("ssl", False)))


def compose(settings: SmtpSettings, *, to: str, agency_code: str, agency_name: str, year: int, quarter: int,
            deadline, sender_name: str) -> EmailMessage:
    """One bilingual reminder (Bahasa Indonesia first)."""
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = to
    msg["Subject"] = (f"[PantauRB] Pengingat laporan RB {quarter_label(year, quarter)} / "
                      f"Reminder: RB report {quarter_label(year, quarter, 'en')}")
    msg.set_content(
        f"Yth. {agency_name} ({agency_code}),\n\n"
        f"PantauRB belum menerima laporan Reformasi Birokrasi {quarter_label(year, quarter, short=False)} "
        f"(batas waktu {deadline}). Mohon unduh templat dari halaman Unggah, isi, lalu kirimkan.\n\n"
        f"Dear {agency_name} ({agency_code}),\n\n"
        f"PantauRB has not received your bureaucratic-reform report for quarter {quarter} of {year} "
        f"(deadline {deadline}). Please download the template from the Upload page, fill it in and submit it.\n\n"
        f"-- {sender_name}, PantauRB\n")
    return msg


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.ssl:
        server: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                                context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.starttls:
            server.starttls(context=ssl.create_default_context())
    if settings.username:
        server.login(settings.username, settings.password or "")
    return server


def not_reported(con, year: int, quarter: int) -> list[tuple]:
    """(agency_code, name, contact_email, deadline) of agencies with nothing received for the quarter."""
    return con.execute("SELECT agency_code, name, contact_email, deadline FROM v_compliance "
                       "WHERE year = ? AND quarter = ? AND compliance_status = 'not_received' ORDER BY agency_code",
                       [year, quarter]).fetchall()


def send_reminders(con, actor: Scope, year: int, quarter: int, agency_codes: list[str] | None,
                   settings: SmtpSettings) -> dict:
    """Remind the agencies (all that have not reported when `agency_codes` is None). Logged one by one."""
    authorize(con, actor, "remind", detail=f"{year}Q{quarter}")
    pending = [r for r in not_reported(con, year, quarter) if agency_codes is None or r[0] in agency_codes]
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    server = None
    try:
        for code, name, email, deadline in pending:
            if not (email or "").strip():
                counts["skipped"] += 1
                continue
            outcome, error = "sent", None
            try:
                server = server or _connect(settings)
                server.send_message(compose(settings, to=email, agency_code=code, agency_name=name, year=year,
                                            quarter=quarter, deadline=deadline, sender_name=actor.username))
            except (smtplib.SMTPException, OSError) as exc:
                outcome, error = "failed", f"{type(exc).__name__}: {exc}"
                server = None
            counts[outcome] += 1
            now = utc_now()
            con.execute("INSERT INTO reminders VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [now, actor.username, code, year, quarter, email, outcome, error])
            audit.record(con, actor=actor.username, role=actor.role, action="reminder", target=f"{code} {year}Q{quarter}",
                         after={"to": email, "outcome": outcome}, detail=error, at=now)
    finally:
        if server is not None:
            try:
                server.quit()
            except (smtplib.SMTPException, OSError):
                pass
    return counts
