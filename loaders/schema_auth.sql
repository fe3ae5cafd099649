-- Schema version 5: accounts, audit trail, reporting calendar windows, verification, reminders, catalogue
-- versions. Applied by loaders/store.py after the commit log (version 4). Existing databases migrate in place.

-- Accounts. Local accounts have an argon2id hash; OIDC accounts (password_hash NULL) are matched by e-mail.
CREATE TABLE IF NOT EXISTS users (
    username        VARCHAR PRIMARY KEY,
    role            VARCHAR NOT NULL CHECK (role IN ('admin', 'analis', 'koordinator', 'pengunggah')),
    agency_code     VARCHAR,                     -- pengunggah: the one agency
    province_code   VARCHAR,                     -- koordinator: the province
    email           VARCHAR,                     -- OIDC mapping and reminders
    password_hash   VARCHAR,                     -- argon2id; NULL = sign-in through OIDC only
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    demo            BOOLEAN NOT NULL DEFAULT FALSE,  -- created by `loaders demo`; shown on the demo login screen
    failed_logins   INTEGER NOT NULL DEFAULT 0,  -- consecutive failures (rate limit)
    locked_until    TIMESTAMP,                   -- no sign-in before this time (UTC)
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    CHECK (role <> 'pengunggah' OR agency_code IS NOT NULL),
    CHECK (role <> 'koordinator' OR province_code IS NOT NULL)
);

-- Append-only audit trail. The app only inserts and reads; each row carries the SHA-256 of the previous
-- row and its own content, so an edit made outside the app breaks the chain (`python -m loaders audit verify`).
CREATE TABLE IF NOT EXISTS audit_log (
    seq        BIGINT PRIMARY KEY,
    logged_at  TIMESTAMP NOT NULL,               -- UTC
    actor      VARCHAR NOT NULL,                 -- username, cli:<os user>, or the attempted username
    role       VARCHAR,
    action     VARCHAR NOT NULL,                 -- login, login_failed, upload, denied, verify, return, ...
    target     VARCHAR,                          -- what it acted on (agency, submission, user, quarter)
    before_json VARCHAR,                         -- JSON: the state before the change
    after_json VARCHAR,                          -- JSON: the state after
    detail     VARCHAR,
    prev_hash  VARCHAR NOT NULL,
    hash       VARCHAR NOT NULL
);

-- Reporting windows per quarter, set by an admin (the generated deadline applies when there is no row).
-- Versioned: the newest row per quarter is in force; earlier rows are the history (who, when, why).
CREATE TABLE IF NOT EXISTS calendar_changes (
    year        INTEGER NOT NULL,
    quarter     INTEGER NOT NULL,
    opens_on    DATE NOT NULL,
    deadline    DATE NOT NULL,
    late_until  DATE NOT NULL,
    changed_at  TIMESTAMP NOT NULL,
    changed_by  VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL,
    CHECK (opens_on <= deadline AND deadline <= late_until)
);

-- Verification of submissions: diterima (no row) -> diverifikasi | dikembalikan (with a note).
CREATE TABLE IF NOT EXISTS submission_reviews (
    submission_id  VARCHAR NOT NULL,
    reviewed_at    TIMESTAMP NOT NULL,
    reviewer       VARCHAR NOT NULL,
    status         VARCHAR NOT NULL CHECK (status IN ('diverifikasi', 'dikembalikan')),
    note           VARCHAR
);

-- An admin reopening a verified (locked) quarter, with the reason.
CREATE TABLE IF NOT EXISTS quarter_reopenings (
    agency_code  VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    quarter      INTEGER NOT NULL,
    reopened_at  TIMESTAMP NOT NULL,
    reopened_by  VARCHAR NOT NULL,
    reason       VARCHAR NOT NULL
);

-- Every reminder sent (or that failed to send).
CREATE TABLE IF NOT EXISTS reminders (
    sent_at      TIMESTAMP NOT NULL,
    sender       VARCHAR NOT NULL,
    agency_code  VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    quarter      INTEGER NOT NULL,
    recipient    VARCHAR NOT NULL,
    outcome      VARCHAR NOT NULL,               -- sent | failed
    error        VARCHAR
);

-- Review status of every submission (the newest review wins; no review = diterima).
CREATE OR REPLACE VIEW v_submission_status AS
SELECT s.submission_id, s.agency_code, s.year, s.quarter, s.version,
       coalesce(r.status, 'diterima') AS review_status, r.reviewed_at, r.reviewer, r.note
FROM submissions s
LEFT JOIN (SELECT * FROM submission_reviews
           QUALIFY row_number() OVER (PARTITION BY submission_id ORDER BY reviewed_at DESC) = 1) r
  USING (submission_id);

-- The indicator catalogue as changed by admins: each version is the whole catalogue (YAML), with who, when
-- and why. The newest version is in force; without any, indicators/catalogue.yaml (shipped) is used.
CREATE TABLE IF NOT EXISTS catalogue_versions (
    version       INTEGER PRIMARY KEY,
    saved_at      TIMESTAMP NOT NULL,
    saved_by      VARCHAR NOT NULL,
    reason        VARCHAR NOT NULL,
    n_indicators  INTEGER NOT NULL,
    changes       VARCHAR,                       -- JSON: what changed against the previous version
    yaml_text     VARCHAR NOT NULL
);
