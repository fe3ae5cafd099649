-- Schema version 3: stored assessments (indicators/assessment.py, written by loaders/assessments.py).
-- Applied by loaders/store.py after migration_002.sql.

-- Catalogue keys the assessment engine reads (indicators/catalogue.yaml header).
ALTER TABLE indicators ADD COLUMN IF NOT EXISTS rollup BOOLEAN DEFAULT TRUE;
ALTER TABLE indicators ADD COLUMN IF NOT EXISTS discontinued INTEGER;
ALTER TABLE indicators ADD COLUMN IF NOT EXISTS categories VARCHAR[];
ALTER TABLE indicators ADD COLUMN IF NOT EXISTS target_from VARCHAR;

-- One verdict per agency x indicator x quarter of a roadmap period (from the first quarter with a value to
-- the end of the period), as known at the end of that quarter.
CREATE TABLE IF NOT EXISTS assessments (
    agency_code     VARCHAR NOT NULL,
    indicator_code  VARCHAR NOT NULL,
    year            INTEGER NOT NULL,
    quarter         INTEGER NOT NULL,
    kind            VARCHAR NOT NULL,            -- target | trend | category | discontinued
    status          VARCHAR NOT NULL,
    capaian         DOUBLE,                      -- raw capaian % (Permenpan RB 8/2021)
    score           DOUBLE,                      -- progress score -5..+5 (Statistics Canada), roll-up currency
    target_low      DOUBLE,
    target_high     DOUBLE,
    target_year     INTEGER,
    target_origin   VARCHAR,                     -- agency | national | period_end
    explanation     VARCHAR,                     -- Bahasa Indonesia
    explanation_en  VARCHAR,
    capaian_capped  DOUBLE,                      -- capaian credited, at most 110 %
    in_rollup       BOOLEAN NOT NULL,
    ratio           DOUBLE,
    target_text     VARCHAR,
    latest_year     INTEGER,
    latest_quarter  INTEGER,
    latest_value    DOUBLE,
    latest_text     VARCHAR,
    submission_id   VARCHAR,
    n_points        INTEGER,
    pacing_status   VARCHAR,
    needed_t        DOUBLE[],
    needed_v        DOUBLE[],
    gap             DOUBLE,
    period_code     VARCHAR
);

-- One verdict per national indicator x quarter (published national series), and per agency-level
-- indicator x quarter for the aggregate of agency values (scope 'aggregate').
CREATE TABLE IF NOT EXISTS national_assessments (
    indicator_code  VARCHAR NOT NULL,
    year            INTEGER NOT NULL,
    quarter         INTEGER NOT NULL,
    kind            VARCHAR NOT NULL,
    status          VARCHAR NOT NULL,
    capaian         DOUBLE,
    score           DOUBLE,
    target_low      DOUBLE,
    target_high     DOUBLE,
    target_year     INTEGER,
    explanation     VARCHAR,
    explanation_en  VARCHAR,
    capaian_capped  DOUBLE,
    in_rollup       BOOLEAN NOT NULL,
    ratio           DOUBLE,
    target_origin   VARCHAR,
    target_text     VARCHAR,
    latest_time     DOUBLE,
    latest_value    DOUBLE,
    latest_text     VARCHAR,
    n_points        INTEGER,
    needed_t        DOUBLE[],
    needed_v        DOUBLE[],
    gap             DOUBLE,
    scope           VARCHAR NOT NULL,            -- national | aggregate
    period_code     VARCHAR
);

CREATE OR REPLACE VIEW v_indicators AS
SELECT indicator_code, theme_code AS theme, name AS name_id, name_en, unit, direction,
       level, applies_to, measurement, aggregation, natural_limit, value_type,
       rollup, discontinued, categories, target_from
FROM indicators;

CREATE OR REPLACE VIEW v_assessments AS
SELECT agency_code, indicator_code, year, quarter, kind, status, capaian, score, target_low, target_high,
       target_year, target_origin, explanation,
       explanation_en, capaian_capped, in_rollup, target_text, latest_year, latest_quarter, latest_value,
       latest_text, submission_id, pacing_status
FROM assessments;

-- The year's verdict of each national indicator: the row as known at the end of the year (TW IV).
CREATE OR REPLACE VIEW v_national_assessments AS
SELECT indicator_code, year, kind, status, capaian, score, target_low, target_high, target_year, explanation,
       explanation_en, capaian_capped, in_rollup, target_origin, target_text, latest_time, latest_value,
       latest_text
FROM national_assessments
WHERE quarter = 4 AND scope = 'national';
