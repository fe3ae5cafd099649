-- PantauRB DuckDB schema. The only place tables and views are defined.
-- Applied by loaders/store.py as schema version 1; later versions add numbered migrations there.
-- Tables hold facts; analysts read the v_* views (stable names and columns, documented in README).

-- Reference data: rebuilt from indicators/catalogue.yaml and the agency registry on every `init`.
CREATE TABLE IF NOT EXISTS roadmap_periods (
    period_code    VARCHAR PRIMARY KEY,          -- '2020-2024'
    name           VARCHAR NOT NULL,
    name_en        VARCHAR NOT NULL,
    start_year     INTEGER NOT NULL,
    end_year       INTEGER NOT NULL,
    baseline_year  INTEGER NOT NULL,
    legal_basis    VARCHAR
);

CREATE TABLE IF NOT EXISTS themes (
    theme_code   VARCHAR PRIMARY KEY,
    kind         VARCHAR NOT NULL,               -- general | tematik | index
    name         VARCHAR NOT NULL,
    name_en      VARCHAR NOT NULL,
    parent_code  VARCHAR,
    sort_order   INTEGER
);

CREATE TABLE IF NOT EXISTS indicators (
    indicator_code  VARCHAR PRIMARY KEY,
    theme_code      VARCHAR NOT NULL,
    level           VARCHAR NOT NULL,            -- national | agency
    applies_to      VARCHAR[],                   -- agency types (KL, PROV, KAB, KOTA)
    name            VARCHAR NOT NULL,
    name_en         VARCHAR NOT NULL,
    definition      VARCHAR,
    definition_en   VARCHAR,
    unit            VARCHAR,
    unit_en         VARCHAR,
    value_type      VARCHAR NOT NULL,            -- number | category
    direction       VARCHAR NOT NULL,            -- higher_better | lower_better | band
    measurement     VARCHAR NOT NULL,            -- snapshot | cumulative | average
    aggregation     VARCHAR NOT NULL,            -- sum | mean | weighted_mean | median | none
    natural_limit   DOUBLE,
    min_value       DOUBLE,
    max_value       DOUBLE,
    decimals        INTEGER,
    legal_basis     VARCHAR,
    data_source     VARCHAR,
    notes           VARCHAR,
    baseline_year   INTEGER,
    baseline_value  DOUBLE,
    baseline_source VARCHAR,
    baseline_confidence VARCHAR
);

-- Target versions. agency_code NULL = national/catalogue target; otherwise the agency's own
-- target as declared in its submission (submission_id set). The highest version in force wins.
CREATE TABLE IF NOT EXISTS targets (
    indicator_code  VARCHAR NOT NULL,
    agency_code     VARCHAR,
    year            INTEGER NOT NULL,
    target_low      DOUBLE,
    target_high     DOUBLE,
    target_text     VARCHAR,
    version         INTEGER NOT NULL,
    effective_from  DATE,
    basis           VARCHAR,
    source          VARCHAR,
    confidence      VARCHAR,
    submission_id   VARCHAR,
    reason          VARCHAR
);

-- Published national figures from the catalogue, each with its source and confidence.
CREATE TABLE IF NOT EXISTS national_series (
    indicator_code  VARCHAR NOT NULL,
    year            INTEGER NOT NULL,
    month           INTEGER,                     -- NULL = annual figure
    value           DOUBLE,
    value_text      VARCHAR,
    source          VARCHAR NOT NULL,
    confidence      VARCHAR NOT NULL,
    note            VARCHAR
);

CREATE TABLE IF NOT EXISTS agencies (
    agency_code    VARCHAR PRIMARY KEY,          -- KL-PANRB, 32, 32.73
    name           VARCHAR NOT NULL,
    agency_type    VARCHAR NOT NULL,             -- KL | PROV | KAB | KOTA
    province_code  VARCHAR,
    parent_code    VARCHAR,
    valid_from     DATE,
    valid_to       DATE,
    autonomous     BOOLEAN NOT NULL DEFAULT TRUE,
    contact_email  VARCHAR,
    source         VARCHAR,
    synthetic      BOOLEAN NOT NULL DEFAULT FALSE  -- TRUE for demo-only agencies
);

-- Reporting calendar: deadline per quarter (configured, see README "Configuration").
CREATE TABLE IF NOT EXISTS reporting_calendar (
    year      INTEGER NOT NULL,
    quarter   INTEGER NOT NULL,
    deadline  DATE NOT NULL,
    PRIMARY KEY (year, quarter)
);

-- Every upload attempt (accepted, rejected, duplicate), whatever its outcome.
CREATE TABLE IF NOT EXISTS uploads (
    upload_id      VARCHAR PRIMARY KEY,          -- U-<received_at compact>-<sha12>
    received_at    TIMESTAMP NOT NULL,
    uploader       VARCHAR NOT NULL,
    file_name      VARCHAR NOT NULL,
    file_sha256    VARCHAR NOT NULL,
    file_size      BIGINT NOT NULL,
    outcome        VARCHAR NOT NULL,             -- accepted | rejected | duplicate
    agency_code    VARCHAR,
    year           INTEGER,
    quarter        INTEGER,
    submission_id  VARCHAR,
    n_errors       INTEGER NOT NULL,
    n_warnings     INTEGER NOT NULL,
    reason         VARCHAR
);

-- Accepted submissions: one version per (agency, year, quarter); the newest is in force.
CREATE TABLE IF NOT EXISTS submissions (
    submission_id     VARCHAR PRIMARY KEY,       -- <agency>-<year>Q<q>-v<version>
    agency_code       VARCHAR NOT NULL,
    year              INTEGER NOT NULL,
    quarter           INTEGER NOT NULL,
    version           INTEGER NOT NULL,
    received_at       TIMESTAMP NOT NULL,
    uploader          VARCHAR NOT NULL,
    file_name         VARCHAR NOT NULL,
    file_sha256       VARCHAR NOT NULL,
    template_version  VARCHAR,
    reason            VARCHAR,
    synthetic         BOOLEAN NOT NULL DEFAULT FALSE,
    n_values          INTEGER NOT NULL,
    n_renaksi         INTEGER NOT NULL,
    n_warnings        INTEGER NOT NULL,
    UNIQUE (agency_code, year, quarter, version)
);

CREATE TABLE IF NOT EXISTS submission_values (
    submission_id   VARCHAR NOT NULL,
    indicator_code  VARCHAR NOT NULL,
    value           DOUBLE,
    value_text      VARCHAR,
    note            VARCHAR,
    evidence_url    VARCHAR,
    source_cell     VARCHAR,                     -- Indikator!E12
    PRIMARY KEY (submission_id, indicator_code)
);

CREATE TABLE IF NOT EXISTS renaksi_outputs (
    submission_id          VARCHAR NOT NULL,
    row_no                 INTEGER NOT NULL,     -- Excel row in the Rencana Aksi sheet
    theme_code             VARCHAR NOT NULL,
    action_plan            VARCHAR NOT NULL,     -- rencana aksi
    output_indicator       VARCHAR NOT NULL,
    unit                   VARCHAR,
    target_tw1             DOUBLE,
    target_tw2             DOUBLE,
    target_tw3             DOUBLE,
    target_tw4             DOUBLE,
    realisation            DOUBLE,               -- realisasi for the submission's quarter
    budget                 DOUBLE,               -- anggaran (Rp, whole year)
    budget_realisation     DOUBLE,               -- realisasi anggaran up to this quarter (Rp)
    intervention_focus     VARCHAR,
    coordinator            VARCHAR,
    implementer            VARCHAR,
    obstacles              VARCHAR,              -- kendala
    follow_up              VARCHAR,              -- rencana tindak lanjut
    PRIMARY KEY (submission_id, row_no)
);

-- Problems found in an upload (errors for rejected ones, warnings stored with accepted ones).
CREATE TABLE IF NOT EXISTS upload_issues (
    upload_id     VARCHAR NOT NULL,
    seq           INTEGER NOT NULL,
    code          VARCHAR NOT NULL,
    severity      VARCHAR NOT NULL,
    sheet         VARCHAR,
    cell          VARCHAR,
    column_title  VARCHAR,
    value         VARCHAR,
    message       VARCHAR NOT NULL,
    message_en    VARCHAR NOT NULL,
    PRIMARY KEY (upload_id, seq)
);

-- ---------------------------------------------------------------- analyst views (stable)
CREATE OR REPLACE VIEW v_agencies AS
SELECT agency_code, name, agency_type, province_code, parent_code, valid_from, valid_to,
       autonomous, synthetic
FROM agencies;

CREATE OR REPLACE VIEW v_indicators AS
SELECT indicator_code, theme_code AS theme, name AS name_id, name_en, unit, direction,
       level, applies_to, measurement, aggregation, natural_limit, value_type
FROM indicators;

-- National (catalogue) targets in force: the highest version per indicator and year.
CREATE OR REPLACE VIEW v_targets AS
SELECT indicator_code, year, target_low, target_high, target_text, version, basis, source, confidence
FROM targets
WHERE agency_code IS NULL
QUALIFY row_number() OVER (PARTITION BY indicator_code, year ORDER BY version DESC) = 1;

-- Agency targets in force (declared in submissions; a later version replaces an earlier one).
CREATE OR REPLACE VIEW v_agency_targets AS
SELECT agency_code, indicator_code, year, target_low, target_high, version, submission_id,
       effective_from, reason
FROM targets
WHERE agency_code IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY agency_code, indicator_code, year ORDER BY version DESC) = 1;

CREATE OR REPLACE VIEW v_submissions AS
SELECT s.submission_id, s.agency_code, s.year, s.quarter,
       CASE WHEN s.version = max(s.version) OVER (PARTITION BY s.agency_code, s.year, s.quarter)
            THEN 'in_force' ELSE 'superseded' END AS status,
       s.received_at, s.file_sha256, s.file_name, s.version, s.uploader, s.reason,
       s.n_values, s.n_renaksi, s.n_warnings, s.synthetic
FROM submissions s;

-- Values in force: from the newest accepted version of each (agency, year, quarter).
CREATE OR REPLACE VIEW v_values AS
SELECT s.agency_code, v.indicator_code, s.year, s.quarter, v.value, v.submission_id,
       v.value_text, v.evidence_url, v.source_cell, s.synthetic
FROM submission_values v
JOIN v_submissions s USING (submission_id)
WHERE s.status = 'in_force';

CREATE OR REPLACE VIEW v_renaksi AS
SELECT s.agency_code, s.year, s.quarter, r.*, s.synthetic
FROM renaksi_outputs r
JOIN v_submissions s USING (submission_id)
WHERE s.status = 'in_force';

CREATE OR REPLACE VIEW v_national_series AS
SELECT indicator_code, year, month, value, value_text, source, confidence, note
FROM national_series;

-- One row per (agency, year, quarter) expected to report, with what arrived and when.
CREATE OR REPLACE VIEW v_compliance AS
WITH firsts AS (
    SELECT agency_code, year, quarter, min(received_at) AS first_received_at,
           max(received_at) AS last_received_at, max(version) AS versions
    FROM submissions GROUP BY ALL
)
SELECT a.agency_code, a.name, a.agency_type, a.province_code, a.contact_email, a.synthetic,
       c.year, c.quarter, c.deadline, f.first_received_at, f.last_received_at,
       coalesce(f.versions, 0) AS versions,
       CASE WHEN f.first_received_at IS NULL THEN 'not_received'
            WHEN days_late(f.first_received_at, c.deadline) > 0 THEN 'late'      -- WIB days (macros.sql)
            WHEN days_late(f.last_received_at, c.deadline) > 0 THEN 'revised'
            ELSE 'on_time' END AS compliance_status
FROM agencies a
CROSS JOIN reporting_calendar c
LEFT JOIN firsts f ON f.agency_code = a.agency_code AND f.year = c.year AND f.quarter = c.quarter
WHERE a.autonomous AND active_in_quarter(a.valid_from, a.valid_to, c.year, c.quarter);
