-- Schema version 2: justifications kept with confirmed unusual values, stable action-plan ids.
-- Columns are appended; the views get them at the END (the published contract).
ALTER TABLE submission_values ADD COLUMN IF NOT EXISTS justification VARCHAR;  -- why an unusual value is right
ALTER TABLE renaksi_outputs ADD COLUMN IF NOT EXISTS plan_id VARCHAR;          -- stable across quarters

-- Rows stored before ids existed get the id loaders.checks.plan_id computes for a plan typed without one.
UPDATE renaksi_outputs AS r SET plan_id = 'RA-' || upper(left(md5(
        s.agency_code || '|' || lower(trim(regexp_replace(r.theme_code, '\s+', ' ', 'g')))
        || '|' || lower(trim(regexp_replace(r.action_plan, '\s+', ' ', 'g')))
        || '|' || lower(trim(regexp_replace(r.output_indicator, '\s+', ' ', 'g')))), 10))
FROM submissions s
WHERE s.submission_id = r.submission_id AND r.plan_id IS NULL;

CREATE OR REPLACE VIEW v_values AS
SELECT s.agency_code, v.indicator_code, s.year, s.quarter, v.value, v.submission_id,
       v.value_text, v.evidence_url, v.source_cell, s.synthetic, v.justification
FROM submission_values v
JOIN v_submissions s USING (submission_id)
WHERE s.status = 'in_force';

CREATE OR REPLACE VIEW v_renaksi AS
SELECT s.agency_code, s.year, s.quarter, r.submission_id, r.row_no, r.theme_code, r.action_plan,
       r.output_indicator, r.unit, r.target_tw1, r.target_tw2, r.target_tw3, r.target_tw4, r.realisation,
       r.budget, r.budget_realisation, r.intervention_focus, r.coordinator, r.implementer, r.obstacles,
       r.follow_up, s.synthetic, r.plan_id
FROM renaksi_outputs r
JOIN v_submissions s USING (submission_id)
WHERE s.status = 'in_force';
