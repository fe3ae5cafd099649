-- DuckDB macros: the rules of indicators/periods.py in SQL, so views and queries cannot disagree with Python.
-- Created with the schema (migration 1) and again by migration 8 for databases made before; stored in the
-- database file, so the views that use them also work for other readers of the file.
-- tests/test_store.py checks each against its Python twin.

-- periods.quarter_key: one integer per quarter, in time order.
CREATE OR REPLACE MACRO quarter_key(y, q) AS y * 4 + q;
-- periods.quarter_start / periods.quarter_end: first and last calendar day of a quarter.
CREATE OR REPLACE MACRO quarter_start(y, q) AS make_date(y, q * 3 - 2, 1);
CREATE OR REPLACE MACRO quarter_end(y, q) AS CAST(make_date(y, q * 3, 1) + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE);
-- periods.wib_day: the WIB (UTC+7, no daylight saving) calendar day of a UTC timestamp.
CREATE OR REPLACE MACRO wib_day(ts) AS CAST(CAST(ts AS TIMESTAMP) + INTERVAL 7 HOUR AS DATE);
-- periods.days_late: whole WIB days after the deadline day; 0 when on time or unknown.
CREATE OR REPLACE MACRO days_late(ts, deadline) AS
    CASE WHEN ts IS NULL OR deadline IS NULL THEN 0
         ELSE greatest(0, date_diff('day', CAST(deadline AS DATE), wib_day(ts))) END;
-- periods.active_in_quarter: an agency valid from..to (either open) exists during the quarter.
CREATE OR REPLACE MACRO active_in_quarter(valid_from, valid_to, y, q) AS
    (valid_from IS NULL OR valid_from <= quarter_end(y, q)) AND (valid_to IS NULL OR valid_to >= quarter_start(y, q));
