"""Deadlines are WIB days (issue 18 item 5): one rule in Python (`indicators.periods`) and its DuckDB twin
(`loaders/macros.sql`), tested one minute either side of midnight WIB through the check, `v_compliance`,
the reporting window and the receipt.

The 2024 Q1 deadline is 15 April 2024 (reporting.yaml: 15 days after the quarter). 23:59 WIB on 15 April is
16:59 UTC on 15 April (on time); 00:01 WIB on 16 April is 17:01 UTC on 15 April, still 15 April in UTC but a
day late in Jakarta. Comparing UTC dates (the old rule) calls both on time.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import duckdb
import pytest

from indicators import periods
from loaders import api, store, verification
from loaders.auth import Scope
from test_api import OPERATOR, _check, filled, only

DEADLINE = date(2024, 4, 15)
LAST_MINUTE = datetime(2024, 4, 15, 16, 59)     # 23:59 WIB on the deadline day
FIRST_MINUTE = datetime(2024, 4, 15, 17, 1)     # 00:01 WIB the day after


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "db" / "pantaurb.duckdb"
    api.init_database(path)
    return path


def test_wib_day_and_days_late_either_side_of_midnight_wib():
    assert periods.wib_day(LAST_MINUTE) == DEADLINE
    assert periods.wib_day(FIRST_MINUTE) == date(2024, 4, 16)
    assert periods.wib_day(FIRST_MINUTE.replace(tzinfo=timezone.utc)) == date(2024, 4, 16)   # aware = same moment
    assert periods.wib_day(datetime(2024, 4, 16, 0, 1, tzinfo=timezone(timedelta(hours=7)))) == date(2024, 4, 16)
    assert periods.days_late(LAST_MINUTE, DEADLINE) == 0
    assert periods.days_late(FIRST_MINUTE, DEADLINE) == 1
    assert periods.days_late(None, DEADLINE) == periods.days_late(FIRST_MINUTE, None) == 0
    assert periods.days_late(datetime(2024, 4, 10), DEADLINE) == 0       # early is not negative


def test_sql_macros_give_the_python_answer():
    con = duckdb.connect()
    store.migrate(con)
    moments = [datetime(2024, 4, 15, 16, 59) + timedelta(minutes=m) for m in (-1440, -1, 0, 1, 2, 3, 60, 1439, 1441)]
    moments += [datetime(2024, 12, 31, 16, 59, 59), datetime(2024, 12, 31, 17, 0), datetime(2025, 1, 15, 23, 30)]
    for when in moments:
        for deadline in (DEADLINE, date(2024, 12, 31), date(2025, 1, 15), None):
            day, late = con.execute("SELECT wib_day(?::TIMESTAMP), days_late(?::TIMESTAMP, ?::DATE)",
                                    [when, when, deadline]).fetchone()
            assert (day, late) == (periods.wib_day(when), periods.days_late(when, deadline)), (when, deadline)
    assert con.execute("SELECT days_late(NULL, DATE '2024-04-15')").fetchone()[0] == 0
    for y, q in periods.period_quarters(2023, 2024):
        assert con.execute("SELECT quarter_key(?, ?), quarter_start(?, ?), quarter_end(?, ?)",
                           [y, q] * 3).fetchone() == (periods.quarter_key(y, q), periods.quarter_start(y, q),
                                                      periods.quarter_end(y, q))
        for valid_from, valid_to in ((None, None), (date(2024, 5, 1), None), (None, date(2023, 12, 31)),
                                     (date(2024, 6, 30), date(2024, 7, 1)), (date(2024, 7, 1), None)):
            sql = con.execute("SELECT active_in_quarter(?::DATE, ?::DATE, ?, ?)", [valid_from, valid_to, y, q]).fetchone()[0]
            assert sql == periods.active_in_quarter(valid_from, valid_to, y, q), (valid_from, valid_to, y, q)


def test_every_connection_has_the_macros_even_on_a_file_not_migrated_yet(tmp_path):
    old = tmp_path / "old.duckdb"
    with duckdb.connect(str(old)) as con:          # a file made before the macros (checks never migrate)
        con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)")
    with store.session(old, read_only=True) as con:
        assert con.execute("SELECT days_late(?::TIMESTAMP, ?::DATE), quarter_key(2024, 2)",
                           [FIRST_MINUTE, DEADLINE]).fetchone() == (1, 8098)


def test_check_calls_a_report_at_0001_wib_after_the_deadline_late(db):
    data = filled(db)
    on_time = _check(db, data, received_at=LAST_MINUTE)
    assert not [i for i in on_time.issues if i.code in ("late-submission", "early-submission")]
    late = only(_check(db, data, received_at=FIRST_MINUTE), "late-submission")[0]
    assert late.params["days"] == 1
    assert "15 April 2024" in late.message("id") and "April 15, 2024" in late.message("en")


def test_a_correction_at_0001_wib_after_the_deadline_needs_a_reason(db):
    first = api.ingest_file(filled(db), "v1.xlsx", scope=OPERATOR, db_path=db, received_at=datetime(2024, 4, 10, 9))
    assert first.outcome == "accepted"
    fix = filled(db, **{next(iter(first_values(db))): 1.0})
    assert not [i for i in _check(db, fix, received_at=LAST_MINUTE).issues if i.code == "reason-required"]
    only(_check(db, fix, received_at=FIRST_MINUTE), "reason-required")


def first_values(db) -> dict:
    from test_api import good_values
    values, _, _ = good_values("KOTA")
    return {c: v for c, v in values.items() if isinstance(v, float)}


def test_compliance_view_and_receipt_either_side_of_midnight_wib(db):
    """Two agencies report one minute apart around midnight WIB; a third corrects its report at 00:01."""
    for agency, when in (("32.73", LAST_MINUTE), ("32.71", FIRST_MINUTE), ("33.74", datetime(2024, 4, 10, 9))):
        res = api.ingest_file(filled(db, agency=agency), f"{agency}.xlsx", scope=OPERATOR, db_path=db,
                              received_at=when)
        assert res.outcome == "accepted", res.report.to_text("en")
    code = next(iter(first_values(db)))
    res = api.ingest_file(filled(db, agency="33.74", **{code: 1.0}), "fix.xlsx", scope=OPERATOR, db_path=db,
                          received_at=FIRST_MINUTE, reason="angka direvisi BPS")
    assert res.outcome == "accepted" and res.version == 2
    with store.session(db, read_only=True) as con:
        status = dict(con.execute("SELECT agency_code, compliance_status FROM v_compliance "
                                  "WHERE year = 2024 AND quarter = 1 AND agency_code IN ('32.71', '33.74', '32.73')"
                                  ).fetchall())
        receipts = {a: api.receipt_from_db(con, sid) for a, sid in con.execute(
            "SELECT agency_code || '/' || version, submission_id FROM submissions").fetchall()}
    assert status == {"32.73": "on_time", "32.71": "late", "33.74": "revised"}
    from indicators import queries
    with store.session(db, read_only=True) as con:     # a quarter nobody reported is due once its WIB day ends
        due = {today: queries.compliance_matrix(con, 2024, today=today).query("agency_code == '12.71' and quarter == 1")
               ["status"].item() for today in (DEADLINE, DEADLINE + timedelta(days=1))}
    assert due == {DEADLINE: "not_due", DEADLINE + timedelta(days=1): "not_received"}
    assert "tepat waktu / on time" in receipts["32.73/1"]
    assert "TERLAMBAT 1 hari / LATE by 1 day(s)" in receipts["32.71/1"]
    assert "tepat waktu / on time" in receipts["33.74/1"]
    # issue 22 item 8: the correction received after the deadline says so, in the compliance page's words
    from indicators.texts import compliance_label
    from ui.strings_ops import STRINGS_OPS
    revised = STRINGS_OPS["cp_status_revised"]
    assert revised == {"id": compliance_label("revised"), "en": compliance_label("revised", "en")}
    assert f"{revised['id']} (1 hari) / {revised['en']} (1 day(s))" in receipts["33.74/2"]
    assert "Direvisi setelah batas waktu" in receipts["33.74/2"] and "on time" not in receipts["33.74/2"]
    assert "Perbaikan ini diterima 1 hari setelah batas waktu" in receipts["33.74/2"]
    assert "Direvisi setelah batas waktu (1 hari; batas waktu 15 April 2024)" in res.message
    assert "Revised after deadline (1 day(s); deadline April 15, 2024)" in res.message_en


def test_reporting_window_opens_and_closes_at_midnight_wib(db):
    with store.session(db) as con:
        verification.set_window(con, Scope.system("admin"), 2024, 1, date(2024, 4, 1), DEADLINE,
                                date(2024, 4, 20), "uji batas WIB")
        gate = lambda when: [i.code for i in verification.submission_gate(con, "f.xlsx", "32.73", 2024, 1, when)]
        assert gate(datetime(2024, 3, 31, 16, 59)) == ["period-not-open"]     # 23:59 WIB on 31 March
        assert gate(datetime(2024, 3, 31, 17, 1)) == []                       # 00:01 WIB on 1 April: open
        assert gate(datetime(2024, 4, 20, 16, 59)) == []                      # 23:59 WIB, last day of the window
        assert gate(datetime(2024, 4, 20, 17, 1)) == ["period-closed"]        # 00:01 WIB on 21 April
        closed = verification.submission_gate(con, "f.xlsx", "32.73", 2024, 1, datetime(2024, 4, 20, 17, 1))[0]
        assert "20 April 2024" in closed.message("id") and "April 20, 2024" in closed.message("en")
        assert verification.window(con, 2024, 1).phase(periods.wib_day(FIRST_MINUTE)) == "late"
        assert verification.window(con, 2024, 1).phase(periods.wib_day(LAST_MINUTE)) == "open"
