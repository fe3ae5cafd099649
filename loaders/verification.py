"""Reporting windows, verification of submissions, quarter locks, and the "verified data only" view.

* **Calendar**: per quarter an open date, a deadline and the end of a late window. The deadline comes from
  `indicators/reporting.yaml` until an admin sets the quarter (`set_window`, versioned in
  `calendar_changes` with who, when and why). Before the open date and after the late window a submission
  is refused; between deadline and late window it is accepted as late, and a re-submission needs a reason.
  A quarter no admin has set has no end to its late window (so old quarters of the demo stay open).
* **Verification**: a submission is *diterima* (received) until an analyst marks it *diverifikasi* or
  *dikembalikan* with a note the agency sees. Verifying the version in force locks the quarter: nothing
  more is accepted for it until an admin reopens it with a reason.
* **Verified data only**: `verified_only_views(con)` shadows `v_submissions` with a temporary view that
  keeps verified versions only, so every query reading `v_values`, `v_renaksi` or `v_submissions` shows
  the newest *verified* version without any query being rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from indicators import periods
from loaders import audit
from loaders.auth import Scope, authorize
from loaders.audit import utc_now
from loaders.checks import period_params
from loaders.issues import ERROR, Issue

DEFAULT_OPEN_DAYS_BEFORE_END = 14   # a quarter opens two weeks before it ends


@dataclass(frozen=True)
class Window:
    year: int
    quarter: int
    opens_on: date
    deadline: date
    late_until: date | None   # None: no end set (quarters no admin has set)
    source: str  # "admin" or "reporting.yaml"

    def phase(self, day: date) -> str:
        """not_open | open | late | closed."""
        if day < self.opens_on:
            return "not_open"
        if day <= self.deadline:
            return "open"
        if self.late_until is None or day <= self.late_until:
            return "late"
        return "closed"


def window(con, year: int, quarter: int) -> Window | None:
    row = con.execute("SELECT opens_on, deadline, late_until FROM calendar_changes WHERE year = ? AND quarter = ? "
                      "ORDER BY changed_at DESC LIMIT 1", [year, quarter]).fetchone()
    if row:
        return Window(year, quarter, *row, source="admin")
    row = con.execute("SELECT deadline FROM reporting_calendar WHERE year = ? AND quarter = ?", [year, quarter]).fetchone()
    if not row:
        return None
    return Window(year, quarter, periods.quarter_end(year, quarter) - timedelta(days=DEFAULT_OPEN_DAYS_BEFORE_END), row[0],
                  None, source="reporting.yaml")


def calendar(con, year: int | None = None) -> pd.DataFrame:
    """Every quarter's window in force (admin changes over the generated deadlines)."""
    quarters = con.execute("SELECT year, quarter FROM reporting_calendar" + (" WHERE year = ?" if year else "") +
                           " ORDER BY year, quarter", [year] if year else []).fetchall()
    rows = [window(con, y, q).__dict__ for y, q in quarters]
    return pd.DataFrame(rows, columns=["year", "quarter", "opens_on", "deadline", "late_until", "source"])


def calendar_history(con) -> pd.DataFrame:
    return con.execute("SELECT * FROM calendar_changes ORDER BY changed_at DESC").df()


def set_window(con, actor: Scope, year: int, quarter: int, opens_on: date, deadline: date, late_until: date,
               reason: str) -> Window:
    """An admin sets a quarter's window; the deadline also moves in `reporting_calendar` (v_compliance)."""
    authorize(con, actor, "calendar", detail=f"{year}Q{quarter}")
    if not (reason or "").strip():
        raise ValueError("Alasan perubahan kalender wajib diisi. / A reason for the calendar change is required.")
    if not (opens_on <= deadline <= late_until):
        raise ValueError("Urutan tanggal harus: dibuka ≤ batas waktu ≤ akhir masa terlambat. / "
                         "Dates must be ordered: opens ≤ deadline ≤ end of late window.")
    before = window(con, year, quarter)
    if before is None:
        raise ValueError(f"Triwulan {year}Q{quarter} tidak ada dalam kalender. / Quarter {year}Q{quarter} is not "
                         "in the calendar.")
    con.execute("INSERT INTO calendar_changes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [year, quarter, opens_on, deadline, late_until, utc_now(), actor.username, reason.strip()])
    con.execute("UPDATE reporting_calendar SET deadline = ? WHERE year = ? AND quarter = ?", [deadline, year, quarter])
    after = window(con, year, quarter)
    audit.record(con, actor=actor.username, role=actor.role, action="calendar_change", target=f"{year}Q{quarter}",
                 before=before.__dict__, after=after.__dict__, detail=reason.strip())
    return after


def reapply_calendar_changes(con) -> int:
    """After `init` regenerates `reporting_calendar`, put the admins' deadlines back."""
    rows = con.execute("SELECT year, quarter, deadline FROM calendar_changes "
                       "QUALIFY row_number() OVER (PARTITION BY year, quarter ORDER BY changed_at DESC) = 1").fetchall()
    for y, q, d in rows:
        con.execute("UPDATE reporting_calendar SET deadline = ? WHERE year = ? AND quarter = ?", [d, y, q])
    return len(rows)


# ------------------------------------------------------------------ verification and locks
def review_status(con, submission_id: str) -> str:
    row = con.execute("SELECT review_status FROM v_submission_status WHERE submission_id = ?", [submission_id]).fetchone()
    return row[0] if row else "diterima"


def is_locked(con, agency_code: str, year: int, quarter: int) -> bool:
    """Locked when the version in force is verified and no admin reopened the quarter since."""
    row = con.execute(
        "SELECT st.review_status, st.reviewed_at FROM v_submission_status st "
        "WHERE st.agency_code = ? AND st.year = ? AND st.quarter = ? ORDER BY st.version DESC LIMIT 1",
        [agency_code, year, quarter]).fetchone()
    if not row or row[0] != "diverifikasi":
        return False
    reopened = con.execute("SELECT max(reopened_at) FROM quarter_reopenings WHERE agency_code = ? AND year = ? "
                           "AND quarter = ?", [agency_code, year, quarter]).fetchone()[0]
    return reopened is None or reopened < row[1]


def _submission(con, submission_id: str):
    row = con.execute("SELECT agency_code, year, quarter, version FROM submissions WHERE submission_id = ?",
                      [submission_id]).fetchone()
    if row is None:
        raise ValueError(f"Laporan {submission_id} tidak ada. / No submission {submission_id}.")
    return row


def review(con, actor: Scope, submission_id: str, status: str, note: str | None = None) -> str:
    """Mark a submission diverifikasi or dikembalikan (a return needs a note the agency will read)."""
    agency, year, quarter, _ = _submission(con, submission_id)
    authorize(con, actor, "verify", agency, detail=f"{status} {submission_id}")
    if status not in ("diverifikasi", "dikembalikan"):
        raise ValueError(f"Status tidak dikenal: {status}. / Unknown status: {status}.")
    if status == "dikembalikan" and not (note or "").strip():
        raise ValueError("Pengembalian memerlukan catatan untuk instansi. / A return needs a note for the agency.")
    before = review_status(con, submission_id)
    con.execute("INSERT INTO submission_reviews VALUES (?, ?, ?, ?, ?)",
                [submission_id, utc_now(), actor.username, status, (note or "").strip() or None])
    audit.record(con, actor=actor.username, role=actor.role, action="verify" if status == "diverifikasi" else "return",
                 target=submission_id, before={"status": before}, after={"status": status}, detail=note)
    return status


def reopen(con, actor: Scope, agency_code: str, year: int, quarter: int, reason: str) -> None:
    authorize(con, actor, "reopen", agency_code, detail=f"{agency_code} {year}Q{quarter}")
    if not (reason or "").strip():
        raise ValueError("Membuka kembali triwulan memerlukan alasan. / Reopening a quarter needs a reason.")
    before = is_locked(con, agency_code, year, quarter)
    con.execute("INSERT INTO quarter_reopenings VALUES (?, ?, ?, ?, ?, ?)",
                [agency_code, year, quarter, utc_now(), actor.username, reason.strip()])
    audit.record(con, actor=actor.username, role=actor.role, action="reopen", target=f"{agency_code} {year}Q{quarter}",
                 before={"locked": before}, after={"locked": False}, detail=reason.strip())


def review_queue(con, year: int, quarter: int) -> pd.DataFrame:
    """Versions in force for a quarter with their review status (the analysts' worklist)."""
    return con.execute(
        "SELECT s.submission_id, s.agency_code, a.name, a.province_code, s.year, s.quarter, s.version, "
        "s.received_at, s.uploader, st.review_status, st.reviewed_at, st.reviewer, st.note "
        "FROM v_submissions s JOIN v_submission_status st USING (submission_id) "
        "JOIN agencies a ON a.agency_code = s.agency_code "
        "WHERE s.status = 'in_force' AND s.year = ? AND s.quarter = ? "
        "ORDER BY list_position(['diterima','dikembalikan','diverifikasi'], st.review_status), s.received_at",
        [year, quarter]).df()


def agency_reviews(con, agency_code: str) -> pd.DataFrame:
    """Every review of one agency's submissions (the agency reads returns and their notes here)."""
    return con.execute(
        "SELECT r.submission_id, s.year, s.quarter, s.version, r.status AS review_status, r.reviewed_at, "
        "r.reviewer, r.note, s.agency_code FROM submission_reviews r JOIN submissions s USING (submission_id) "
        "WHERE s.agency_code = ? ORDER BY r.reviewed_at DESC", [agency_code]).df()


# ------------------------------------------------------------------ the gate every submission passes
def submission_gate(con, file_name: str, agency_code: str, year: int, quarter: int, received_at: datetime) -> list[Issue]:
    """Calendar window and quarter lock: problems that refuse a submission whatever its content."""
    issues = []
    w = window(con, year, quarter)
    period = period_params(year, quarter)
    if w is not None:
        phase = w.phase(periods.wib_day(received_at))   # the window's days are WIB days
        if phase == "not_open":
            issues.append(Issue("period-not-open", file=file_name, params=dict(period, opens=w.opens_on)))
        elif phase == "closed":        # (dates are written in the reader's language by the message)
            issues.append(Issue("period-closed", file=file_name, params=dict(period, late_until=w.late_until)))
    if is_locked(con, agency_code, year, quarter):
        issues.append(Issue("quarter-locked", file=file_name, params=dict(period, agency=agency_code)))
    return issues


# ------------------------------------------------------------------ verified data only
VERIFIED_ONLY_SQL = """
CREATE OR REPLACE TEMP VIEW v_submissions AS
SELECT s.submission_id, s.agency_code, s.year, s.quarter,
       CASE WHEN s.version = max(s.version) OVER (PARTITION BY s.agency_code, s.year, s.quarter)
            THEN 'in_force' ELSE 'superseded' END AS status,
       s.received_at, s.file_sha256, s.file_name, s.version, s.uploader, s.reason,
       s.n_values, s.n_renaksi, s.n_warnings, s.synthetic
FROM main.submissions s
JOIN main.v_submission_status st USING (submission_id)
WHERE st.review_status = 'diverifikasi'
"""


def verified_only_views(con) -> None:
    """Shadow v_submissions (and through it v_values, v_renaksi) with verified versions only, for this connection."""
    con.execute(VERIFIED_ONLY_SQL)


__all__ = ["Window", "window", "calendar", "set_window", "review", "reopen", "is_locked", "submission_gate",
           "verified_only_views", "review_queue", "agency_reviews", "ERROR"]
