"""Dashboard queries: every SQL statement the pages run, with bound parameters.

Each public function takes an open DuckDB connection and plain, hashable arguments and returns a
pandas DataFrame, so `ui.data.q(queries.<function>, *args)` can cache it per database version. Functions
never open or close connections and never import streamlit.

Verdicts (status, score, capaian, targets used, explanation, "what is needed") are never computed here:
they are read from the stored assessments (`assessments`, `national_assessments`, written by
loaders/assessments.py with the rules of indicators/assessment.py). Roll-ups use
`indicators.assessment.rollup` (only the verdicts that count). Quarter arithmetic: indicators/periods.py.
"""

from __future__ import annotations

import math

import pandas as pd

from indicators import assessment, progress
from indicators.progress import as_number as _num
from indicators.periods import obs_time, previous_quarter, qtime, wib_today

AGENCY_TYPES = ("KL", "PROV", "KAB", "KOTA")
OFF_TRACK = ("deterioration", "limited_progress")


# ------------------------------------------------------------------ small helpers
def _isnan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA


def _join_list(v) -> str:
    if v is None or isinstance(v, float):
        return ""
    return v if isinstance(v, str) else ", ".join(str(x) for x in v)


def _records(df: pd.DataFrame) -> list[dict]:
    return df.to_dict("records") if len(df) else []


def _dicts(con, sql: str, params: dict | None = None) -> list[dict]:
    """Rows as dicts straight from DuckDB (much faster than DataFrame.to_dict for pandas 3 string columns)."""
    cur = con.execute(sql, params or {})
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _needed(ts, vs) -> list[tuple[float, float]]:
    return [(float(t), float(v)) for t, v in zip(ts or (), vs or ())]


def _period_for_year(con, year: int) -> dict:
    row = con.execute(PERIOD_FOR_YEAR, {"year": year}).df()
    if len(row):
        return row.iloc[0].to_dict()
    return {"period_code": None, "start_year": year, "end_year": year, "baseline_year": year - 1}


# ------------------------------------------------------------------ reference data
DATA_STATUS = """
SELECT (SELECT count(*) FROM roadmap_periods) AS n_periods,
       (SELECT count(*) FROM indicators) AS n_indicators,
       (SELECT count(*) FROM agencies) AS n_agencies,
       (SELECT count(*) FROM submissions) AS n_submissions,
       (SELECT count(*) FROM national_series) AS n_national_series,
       (SELECT coalesce(bool_or(synthetic), FALSE) FROM agencies)
         OR (SELECT coalesce(bool_or(synthetic), FALSE) FROM submissions) AS any_synthetic,
       (SELECT max(received_at) FROM submissions) AS last_received_at,
       (SELECT count(*) > 0 FROM duckdb_tables() WHERE table_name = 'assessments') AS assessed
"""


def data_status(con) -> pd.DataFrame:
    """One row of counts telling whether the database holds anything to show."""
    return con.execute(DATA_STATUS).df()


PENDING_VERDICTS = """
SELECT b.agency_code, coalesce(a.name, b.agency_code) AS name, b.since_at
FROM assessment_backlog b LEFT JOIN agencies a USING (agency_code)
ORDER BY b.since_at NULLS FIRST, b.agency_code
"""


def pending_verdicts(con) -> pd.DataFrame:
    """Agencies whose stored verdicts wait for a recompute (a batch was cut short after storing their values),
    with the time they began to wait (UTC; NULL on a database from before schema version 10)."""
    has = con.execute("SELECT count(*) FROM duckdb_columns() WHERE table_name = 'assessment_backlog' "
                      "AND column_name = 'since_at'").fetchone()[0]
    if not has:
        return pd.DataFrame(columns=["agency_code", "name", "since_at"])
    return con.execute(PENDING_VERDICTS).df()


PERIODS = """
SELECT period_code, name, name_en, start_year, end_year, baseline_year, legal_basis
FROM roadmap_periods ORDER BY start_year
"""

PERIOD_FOR_YEAR = """
SELECT period_code, start_year, end_year, baseline_year FROM roadmap_periods
WHERE $year BETWEEN start_year AND end_year ORDER BY start_year DESC LIMIT 1
"""


def periods(con) -> pd.DataFrame:
    """Roadmap periods, oldest first."""
    return con.execute(PERIODS).df()


AVAILABLE_QUARTERS = """
WITH p AS (SELECT start_year, end_year FROM roadmap_periods WHERE period_code = $period),
     years AS (SELECT unnest(range(start_year, end_year + 1)) AS year FROM p),
     grid AS (SELECT year, unnest([1, 2, 3, 4]) AS quarter FROM years)
SELECT g.year, g.quarter, count(s.submission_id) AS n_submissions
FROM grid g
LEFT JOIN v_submissions s ON s.year = g.year AND s.quarter = g.quarter AND s.status = 'in_force'
GROUP BY ALL ORDER BY g.year, g.quarter
"""


def available_quarters(con, period_code: str) -> pd.DataFrame:
    """Every quarter of the period with the number of in-force submissions for it."""
    return con.execute(AVAILABLE_QUARTERS, {"period": period_code}).df()


THEMES = """
SELECT theme_code AS theme, kind, name, name_en, parent_code, sort_order FROM themes
ORDER BY sort_order NULLS LAST, theme_code
"""


def themes(con) -> pd.DataFrame:
    return con.execute(THEMES).df()


INDICATOR_LIST = """
SELECT i.indicator_code, i.theme_code AS theme, t.name AS theme_name, t.name_en AS theme_name_en,
       i.level, i.applies_to, i.name, i.name_en, i.unit, i.unit_en, i.value_type, i.direction,
       i.measurement, i.aggregation, i.natural_limit, i.decimals, i.definition, i.definition_en,
       i.legal_basis, i.data_source, i.notes, i.baseline_year, i.baseline_value, i.baseline_source,
       i.baseline_confidence, i.min_value, i.max_value, i.categories
FROM indicators i LEFT JOIN themes t ON t.theme_code = i.theme_code
WHERE ($theme IS NULL OR i.theme_code = $theme
       OR i.theme_code IN (SELECT theme_code FROM themes WHERE parent_code = $theme))
  AND ($level IS NULL OR i.level = $level)
  AND ($code IS NULL OR i.indicator_code = $code)
ORDER BY t.sort_order NULLS LAST, i.theme_code, i.level DESC, i.indicator_code
"""


def indicator_list(con, theme: str | None = None, level: str | None = None, code: str | None = None) -> pd.DataFrame:
    """Indicator metadata (catalogue as loaded in the database), optionally filtered."""
    df = con.execute(INDICATOR_LIST, {"theme": theme or None, "level": level or None, "code": code or None}).df()
    df["applies_to"] = df["applies_to"].map(_join_list)
    return df


def indicator_meta(con, code: str) -> pd.DataFrame:
    """One indicator's metadata (one row, or none when the code is unknown)."""
    return indicator_list(con, code=code)


# ------------------------------------------------------------------ agency assessments (stored)
_AGENCY_ASSESSMENTS_FROM = """
FROM assessments a
JOIN indicators i USING (indicator_code)
JOIN agencies g USING (agency_code)
LEFT JOIN submissions s ON s.submission_id = a.submission_id
WHERE a.year = $year AND a.quarter = $quarter
  AND ($theme IS NULL OR i.theme_code = $theme
       OR i.theme_code IN (SELECT theme_code FROM themes WHERE parent_code = $theme))
  AND ($indicator IS NULL OR a.indicator_code = $indicator)
  AND ($agency IS NULL OR a.agency_code = $agency)
ORDER BY a.agency_code, a.indicator_code
"""

# Every column the stored agency verdicts can be read with: its name -> its SQL over _AGENCY_ASSESSMENTS_FROM.
# Readers ask for the columns they use (`agency_verdicts`); the full row and the roll-up core are lists of names.
AGENCY_VERDICT_SQL = {
    "agency_code": "a.agency_code", "agency_name": "g.name", "agency_type": "g.agency_type",
    "province_code": "g.province_code",
    "synthetic": "coalesce(g.synthetic, FALSE) OR coalesce(s.synthetic, FALSE)",
    "indicator_code": "a.indicator_code", "indicator_name": "i.name", "indicator_name_en": "i.name_en",
    "theme": "i.theme_code", "unit": "i.unit", "unit_en": "i.unit_en", "decimals": "i.decimals",
    "direction": "i.direction", "measurement": "i.measurement", "value_type": "i.value_type",
    "latest_year": "a.latest_year", "latest_quarter": "a.latest_quarter",
    "latest_time": "a.latest_year - 1 + a.latest_quarter / 4", "latest_value": "a.latest_value",
    "latest_text": "a.latest_text", "submission_id": "a.submission_id", "n_points": "a.n_points",
    "target_low": "a.target_low", "target_high": "a.target_high", "target_year": "a.target_year",
    "target_origin": "a.target_origin", "target_text": "a.target_text",
    "target_source": "CASE WHEN a.target_origin = 'agency' THEN 'agency' "
                     "WHEN a.target_origin IS NOT NULL THEN 'catalogue' END",
    "year_target_low": "a.target_low", "year_target_high": "a.target_high", "kind": "a.kind",
    "status": "a.status", "score": "a.score", "ratio": "a.ratio", "capaian": "a.capaian",
    "capaian_capped": "a.capaian_capped", "in_rollup": "a.in_rollup", "pacing_status": "a.pacing_status",
    "explanation_id": "a.explanation", "explanation_en": "a.explanation_en", "needed_t": "a.needed_t",
    "needed_v": "a.needed_v", "gap": "a.gap",
}


def _agency_verdict_sql(columns) -> str:
    return ("SELECT " + ", ".join(f"{AGENCY_VERDICT_SQL[c]} AS {c}" for c in columns) + "\n"
            + _AGENCY_ASSESSMENTS_FROM)


AGENCY_ASSESSMENTS = _agency_verdict_sql([
    "agency_code", "agency_name", "agency_type", "province_code", "synthetic", "indicator_code", "indicator_name",
    "indicator_name_en", "theme", "unit", "unit_en", "decimals", "direction", "measurement", "value_type",
    "latest_year", "latest_quarter", "latest_time", "latest_value", "latest_text", "submission_id", "n_points",
    "target_low", "target_high", "target_year", "target_origin", "target_text", "target_source",
    "year_target_low", "year_target_high", "kind", "status", "score", "ratio", "capaian", "capaian_capped",
    "in_rollup", "pacing_status", "explanation_id", "explanation_en", "needed_t", "needed_v", "gap"])

# The columns roll-ups, counts and the final report read: no explanations, no "what is needed" lists
# (a third of the full row's cost at national scale).
VERDICT_CORE_COLUMNS = (
    "agency_code", "agency_type", "theme", "indicator_code", "status", "score", "in_rollup", "synthetic",
    "indicator_name", "indicator_name_en", "unit", "unit_en", "decimals", "kind", "latest_value", "capaian",
    "capaian_capped", "target_low", "target_high", "target_source", "agency_name", "latest_time", "submission_id")
AGENCY_VERDICT_CORE = _agency_verdict_sql(VERDICT_CORE_COLUMNS)

# What each reader of the verdicts uses (one quarter, every agency): the national matrix and theme roll-ups need
# only the keys and the verdict; the theme and final-report tables a few names more.
ROLLUP_COLUMNS = ("theme", "indicator_code", "status", "score", "in_rollup", "synthetic")
BY_TYPE_COLUMNS = ("agency_code", "agency_type", "status", "synthetic")
THEME_AGENCY_COLUMNS = ("agency_code", "agency_name", "agency_type", "synthetic", "indicator_code", "indicator_name",
                        "indicator_name_en", "status", "score", "in_rollup", "latest_time", "submission_id")
THEME_INDICATOR_COLUMNS = ("indicator_code", "indicator_name", "indicator_name_en", "status", "score", "in_rollup",
                           "capaian", "synthetic")

INDICATOR_AGENCY_COLUMNS = ("agency_code", "agency_name", "agency_type", "synthetic", "latest_value", "latest_text",
                            "latest_time", "target_low", "target_high", "target_text", "target_source", "capaian",
                            "capaian_capped", "status", "score", "submission_id")


def agency_verdicts(con, year: int, quarter: int, columns=VERDICT_CORE_COLUMNS, theme=None, indicator=None,
                    agency=None) -> pd.DataFrame:
    """The stored verdicts of (year, quarter), one row per agency and agency-level indicator with data, with
    only `columns` (names of AGENCY_VERDICT_SQL), read column-wise (Arrow) into a DataFrame, never as row
    tuples: the all-agency read of a quarter at national scale."""
    return con.execute(_agency_verdict_sql(columns),
                       {"year": int(year), "quarter": int(quarter), "theme": theme or None,
                        "indicator": indicator or None, "agency": agency or None}).df()


def _agency_verdicts(con, year: int, quarter: int, theme=None, columns=VERDICT_CORE_COLUMNS) -> list[dict]:
    """The stored verdicts of (year, quarter) as dicts for the roll-ups, only `columns`."""
    return _dicts(con, _agency_verdict_sql(columns), {"year": int(year), "quarter": int(quarter), "theme": theme,
                                                      "indicator": None, "agency": None})


def _agency_assessment_rows(con, year: int, quarter: int, theme=None, indicator=None, agency=None) -> list[dict]:
    """The stored verdicts of (year, quarter), one per agency and agency-level indicator with data."""
    rows = _dicts(con, AGENCY_ASSESSMENTS, {"year": int(year), "quarter": int(quarter), "theme": theme,
                                            "indicator": indicator, "agency": agency})
    for r in rows:
        r["needed"] = _needed(r.pop("needed_t"), r.pop("needed_v"))
    return rows


ASSESSMENT_COLUMNS = [
    "agency_code", "agency_name", "agency_type", "province_code", "synthetic", "indicator_code", "indicator_name",
    "indicator_name_en", "theme", "unit", "decimals", "direction", "measurement", "latest_year", "latest_quarter",
    "latest_time", "latest_value", "submission_id", "n_points", "target_low", "target_high", "target_year",
    "target_source", "year_target_low", "year_target_high", "status", "score", "ratio", "capaian",
    "capaian_capped", "pacing_status", "kind", "in_rollup", "target_origin", "value_type", "latest_text", "target_text",
]


def agency_assessments(con, year: int, quarter: int, theme: str | None = None, indicator: str | None = None,
                       agency: str | None = None) -> pd.DataFrame:
    """One row per (agency, agency-level indicator) with data up to the quarter: the stored verdict (kind,
    status, score, capaian raw and capped), the latest value and its submission_id, the target used."""
    return agency_verdicts(con, year, quarter, ASSESSMENT_COLUMNS, theme, indicator, agency)   # no explanations


# ------------------------------------------------------------------ national indicators
NATIONAL_ASSESSMENTS = """
WITH s AS (
    SELECT indicator_code, year, month, value, value_text, source, confidence, note,
           CASE WHEN month IS NULL THEN year::DOUBLE ELSE year - 1 + month / 12.0 END AS t
    FROM national_series),
k AS (
    SELECT indicator_code,
           list(t ORDER BY t, coalesce(month, 12)) AS series_t,
           list(value ORDER BY t, coalesce(month, 12)) AS series_v,
           list(value_text ORDER BY t, coalesce(month, 12)) AS series_text,
           list(year ORDER BY t, coalesce(month, 12)) AS series_year,
           list(month ORDER BY t, coalesce(month, 12)) AS series_month,
           arg_max(source, t) AS source, arg_max(confidence, t) AS confidence, arg_max(note, t) AS note
    FROM s WHERE t <= $cutoff GROUP BY indicator_code)
SELECT i.indicator_code, i.theme_code AS theme, i.name, i.name_en, i.unit, i.unit_en,
       coalesce(i.decimals, 0) AS decimals, i.direction, i.value_type, i.data_source,
       a.target_year, a.target_low, a.target_high, a.target_text, a.target_origin, tv.version AS target_version,
       tv.source AS target_source, tv.confidence AS target_confidence,
       a.latest_value, a.latest_text, a.latest_time, a.kind, a.status, a.score, a.ratio, a.capaian,
       a.capaian_capped, a.in_rollup, a.explanation AS explanation_id, a.explanation_en, a.needed_t, a.needed_v,
       a.gap, k.source, k.confidence, k.note, k.series_t, k.series_v, k.series_text, k.series_year,
       k.series_month, tv.basis_code AS target_basis_code, tv.basis AS target_basis
FROM indicators i
LEFT JOIN themes th ON th.theme_code = i.theme_code
JOIN national_assessments a ON a.indicator_code = i.indicator_code AND a.scope = 'national'
     AND a.year = $year AND a.quarter = $quarter
LEFT JOIN v_targets tv ON tv.indicator_code = i.indicator_code AND tv.year = a.target_year
LEFT JOIN k ON k.indicator_code = i.indicator_code
WHERE i.level = 'national'
  AND ($theme IS NULL OR i.theme_code = $theme
       OR i.theme_code IN (SELECT theme_code FROM themes WHERE parent_code = $theme))
  AND ($indicator IS NULL OR i.indicator_code = $indicator)
ORDER BY th.sort_order NULLS LAST, i.indicator_code
"""

NATIONAL_SERIES = """
SELECT indicator_code, year, month, value, value_text, source, confidence, note
FROM v_national_series
WHERE ($indicator IS NULL OR indicator_code = $indicator)
ORDER BY indicator_code, year, coalesce(month, 12)
"""


TARGET_ALTERNATIVES = """
SELECT indicator_code, year, basis_code, basis, target_low, target_high, target_text, status, capaian,
       capaian_capped, explanation AS explanation_id, explanation_en
FROM v_national_target_alternatives
WHERE year = $year AND quarter = $quarter AND ($indicator IS NULL OR indicator_code = $indicator)
ORDER BY indicator_code, basis_code
"""
ALTERNATIVE_COLUMNS = ["indicator_code", "year", "basis_code", "basis", "target_low", "target_high", "target_text",
                       "status", "capaian", "capaian_capped", "explanation_id", "explanation_en"]


def target_alternatives(con, year: int, quarter: int, indicator: str | None = None) -> pd.DataFrame:
    """What each official target basis other than the designated one would say about the national verdict of
    (year, quarter): basis, its target, status and capaian (stored by loaders/assessments.py)."""
    return pd.DataFrame(_dicts(con, TARGET_ALTERNATIVES, {"year": int(year), "quarter": int(quarter),
                                                          "indicator": indicator}), columns=ALTERNATIVE_COLUMNS)


def _national_rows(con, year: int, quarter: int, theme=None, indicator=None) -> list[dict]:
    """The stored verdicts of the national indicators as known at the end of (year, quarter), with the
    published series up to then (for sparklines), the source of the latest figure and `alternatives`: what
    the other official target bases of that year would say (list of dicts, see `target_alternatives`)."""
    rows = _dicts(con, NATIONAL_ASSESSMENTS, {"year": int(year), "quarter": int(quarter), "theme": theme,
                                              "indicator": indicator, "cutoff": qtime(year, quarter) + 1e-9})
    alts: dict[str, list[dict]] = {}
    for a in _dicts(con, TARGET_ALTERNATIVES, {"year": int(year), "quarter": int(quarter), "indicator": indicator}):
        alts.setdefault(a["indicator_code"], []).append(a)
    for r in rows:
        r["alternatives"] = alts.get(r["indicator_code"], [])
        ts, vs, texts = r.pop("series_t") or [], r.pop("series_v") or [], r.pop("series_text") or []
        ys, ms = r.pop("series_year") or [], r.pop("series_month") or []
        r["decimals"] = int(r["decimals"])
        r["series_t"], r["series_v"] = [float(x) for x in ts], [_num(x) for x in vs]
        r["n_points"] = len(ts)
        r["latest_year"], r["latest_month"] = (ys[-1], ms[-1]) if ys else (None, None)
        r["previous_value"] = _num(vs[-2]) if len(vs) > 1 else None
        r["previous_text"] = texts[-2] if len(texts) > 1 else None
        r["previous_time"] = float(ts[-2]) if len(ts) > 1 else None
        r["needed"] = _needed(r.pop("needed_t"), r.pop("needed_v"))
    return rows


def national_assessments(con, year: int, quarter: int, theme: str | None = None) -> pd.DataFrame:
    """One row per national indicator as known at the end of the quarter: the stored verdict (kind, status,
    capaian raw and capped, the target of that year with its source), the latest published value with its
    source and confidence, the series (lists, for sparklines), the explanation in both languages and the
    "what is needed" path."""
    return pd.DataFrame(_national_rows(con, year, quarter, theme or None))


THEME_NAMES = "SELECT theme_code AS theme, name AS theme_name, name_en AS theme_name_en, sort_order FROM themes"


def theme_status_matrix(con, year: int, quarter: int) -> pd.DataFrame:
    """Theme x status counts, separately for agency-level assessments (scope 'agency': one per agency and
    indicator) and national indicators (scope 'national': only those that count in the roll-up, as in the
    headline; trend-only and `rollup: false` series are counted apart there), with each scope's roll-up."""
    from indicators.headline import counts_in_rollup   # the one roll-up rule (the headline counts the same rows)
    ag = _agency_verdicts(con, year, quarter, columns=ROLLUP_COLUMNS)
    nat = [dict(r, theme=r["theme"]) for r in _national_rows(con, year, quarter) if counts_in_rollup(r)]
    names = con.execute(THEME_NAMES).df()
    out = []
    for scope, rows in (("agency", ag), ("national", nat)):
        roll = assessment.theme_rollup(rows)
        counts: dict[tuple, int] = {}
        synth: dict[str, bool] = {}
        for r in rows:
            counts[(r["theme"], r["status"])] = counts.get((r["theme"], r["status"]), 0) + 1
            synth[r["theme"]] = synth.get(r["theme"], False) or bool(r.get("synthetic", False))
        for (theme, status), n in counts.items():
            res = roll.get((theme,)) or progress.RollupResult("unable_to_assess", None, 0, 0)
            out.append(dict(theme=theme, scope=scope, status=status, n=n, rollup_status=res.status,
                            rollup_score=res.mean_score, n_indicators=res.n, n_assessed=res.n_assessed,
                            synthetic=synth.get(theme, False)))
    df = pd.DataFrame(out, columns=["theme", "scope", "status", "n", "rollup_status", "rollup_score",
                                    "n_indicators", "n_assessed", "synthetic"])
    df = df.merge(names, on="theme", how="left")
    df["theme_name"] = df["theme_name"].fillna(df["theme"])
    df["theme_name_en"] = df["theme_name_en"].fillna(df["theme"])
    return df.sort_values(["sort_order", "theme", "scope", "status"], na_position="last").reset_index(drop=True)


# ------------------------------------------------------------------ compliance
COMPLIANCE_SUMMARY = """
SELECT coalesce(agency_type, 'ALL') AS agency_type,
       count(*) AS expected,
       count(*) FILTER (WHERE compliance_status <> 'not_received') AS reported,
       count(*) FILTER (WHERE compliance_status = 'on_time') AS on_time,
       count(*) FILTER (WHERE compliance_status = 'late') AS late,
       count(*) FILTER (WHERE compliance_status = 'revised') AS revised,
       count(*) FILTER (WHERE compliance_status = 'not_received') AS not_received,
       coalesce(bool_or(synthetic), FALSE) AS synthetic,
       min(deadline) AS deadline
FROM v_compliance
WHERE year = $year AND quarter = $quarter
GROUP BY ROLLUP (agency_type)
ORDER BY agency_type = 'ALL', list_position(['KL', 'PROV', 'KAB', 'KOTA'], agency_type) NULLS LAST
"""


def compliance_summary(con, year: int, quarter: int) -> pd.DataFrame:
    """Expected vs received reports for one quarter, per agency type plus an 'ALL' row (v_compliance)."""
    df = con.execute(COMPLIANCE_SUMMARY, {"year": year, "quarter": quarter}).df()
    df["agency_type"] = df["agency_type"].astype(str)
    return df.sort_values("agency_type", key=lambda s: s.map({"KL": 0, "PROV": 1, "KAB": 2, "KOTA": 3, "ALL": 9}))\
        .reset_index(drop=True)


# ------------------------------------------------------------------ what changed
QUARTER_SUBMISSIONS = """
SELECT s.submission_id, s.agency_code, a.name AS agency_name, a.agency_type, s.version, s.status,
       s.received_at, s.file_name, s.n_values, s.synthetic
FROM v_submissions s JOIN agencies a USING (agency_code)
WHERE s.year = $year AND s.quarter = $quarter
ORDER BY s.received_at
"""

# Agency verdicts whose status differs from the previous quarter's (stored verdicts, joined in the database).
AGENCY_STATUS_CHANGES = """
SELECT 'agency_status' AS kind, a.indicator_code, i.name AS indicator_name, i.name_en AS indicator_name_en,
       a.agency_code, g.name AS agency_name, b.latest_value AS before_value, a.latest_value AS after_value,
       b.status AS before_status, a.status AS after_status, i.unit, i.decimals, a.submission_id, NULL AS source,
       coalesce(g.synthetic, FALSE) OR coalesce(s.synthetic, FALSE) AS synthetic
FROM assessments a
JOIN assessments b ON b.agency_code = a.agency_code AND b.indicator_code = a.indicator_code
                  AND b.year = $py AND b.quarter = $pq
JOIN indicators i ON i.indicator_code = a.indicator_code
JOIN agencies g ON g.agency_code = a.agency_code
LEFT JOIN submissions s ON s.submission_id = a.submission_id
WHERE a.year = $year AND a.quarter = $quarter AND a.status <> b.status
ORDER BY a.agency_code, a.indicator_code
"""

CHANGE_COLUMNS = ["kind", "indicator_code", "indicator_name", "indicator_name_en", "agency_code", "agency_name",
                  "before_value", "after_value", "before_status", "after_status", "unit", "decimals",
                  "submission_id", "source", "synthetic"]


def changes_since_previous(con, year: int, quarter: int) -> pd.DataFrame:
    """What changed from the previous quarter to this one: new national figures, national and agency
    status changes, and the submissions received for this quarter (kind = national_value |
    national_status | agency_status | new_submission | revision)."""
    py, pq = previous_quarter(year, quarter)
    out = []
    now = {r["indicator_code"]: r for r in _national_rows(con, year, quarter)}
    before = {r["indicator_code"]: r for r in _national_rows(con, py, pq)}
    for code, r in now.items():
        b = before.get(code, {})
        base = dict(indicator_code=code, indicator_name=r["name"], indicator_name_en=r["name_en"], agency_code=None,
                    agency_name=None, unit=r["unit"], decimals=r["decimals"], submission_id=None,
                    source=r["source"], synthetic=False)
        if r["latest_time"] is not None and r["latest_time"] != b.get("latest_time"):
            out.append(dict(base, kind="national_value", before_value=b.get("latest_value"), after_value=r["latest_value"],
                            before_status=b.get("status"), after_status=r["status"]))
        elif b and r["status"] != b.get("status"):
            out.append(dict(base, kind="national_status", before_value=b.get("latest_value"),
                            after_value=r["latest_value"], before_status=b.get("status"), after_status=r["status"]))
    out += _dicts(con, AGENCY_STATUS_CHANGES, {"year": year, "quarter": quarter, "py": py, "pq": pq})
    for s in _records(con.execute(QUARTER_SUBMISSIONS, {"year": year, "quarter": quarter}).df()):
        out.append(dict(kind="revision" if s["version"] > 1 else "new_submission", indicator_code=None,
                        indicator_name=None, indicator_name_en=None, agency_code=s["agency_code"],
                        agency_name=s["agency_name"], before_value=None, after_value=float(s["n_values"]),
                        before_status=None, after_status=None, unit=None, decimals=0,
                        submission_id=s["submission_id"], source=s["file_name"], synthetic=bool(s["synthetic"])))
    return pd.DataFrame(out, columns=CHANGE_COLUMNS)


# ------------------------------------------------------------------ theme page
def theme_status_by_type(con, year: int, quarter: int, theme: str) -> pd.DataFrame:
    """Status counts of the theme's agency assessments per agency type (agency_type, status, n)."""
    df = agency_verdicts(con, year, quarter, BY_TYPE_COLUMNS, theme)
    if df.empty:
        return pd.DataFrame(columns=["agency_type", "status", "n", "synthetic"])
    return (df.groupby(["agency_type", "status"], as_index=False)
              .agg(n=("agency_code", "size"), synthetic=("synthetic", "any")))


def theme_agencies(con, year: int, quarter: int, theme: str) -> pd.DataFrame:
    """Per agency: the roll-up of its assessments in the theme (mean score) and its weakest indicator (code and
    name in both languages), furthest from target first (lowest mean score first; agencies that cannot be
    assessed last)."""
    rows = _agency_verdicts(con, year, quarter, theme, THEME_AGENCY_COLUMNS)
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(r["agency_code"], []).append(r)
    out = []
    for code, rs in groups.items():
        res = assessment.rollup(rs)
        scored = [r for r in rs if r["in_rollup"] and r["score"] is not None and r["status"] != "unable_to_assess"]
        worst = min(scored, key=lambda r: r["score"]) if scored else None
        out.append(dict(agency_code=code, agency_name=rs[0]["agency_name"], agency_type=rs[0]["agency_type"],
                        synthetic=rs[0]["synthetic"], status=res.status, mean_score=res.mean_score, n=res.n,
                        n_assessed=res.n_assessed,
                        n_off_track=sum(r["status"] in OFF_TRACK for r in rs),
                        worst_indicator=worst["indicator_code"] if worst else None,
                        worst_status=worst["status"] if worst else None,
                        latest_submission_id=max(rs, key=lambda r: r["latest_time"])["submission_id"],
                        worst_indicator_name=worst["indicator_name"] if worst else None,
                        worst_indicator_name_en=worst["indicator_name_en"] if worst else None))
    df = pd.DataFrame(out, columns=["agency_code", "agency_name", "agency_type", "synthetic", "status", "mean_score",
                                    "n", "n_assessed", "n_off_track", "worst_indicator", "worst_status",
                                    "latest_submission_id", "worst_indicator_name", "worst_indicator_name_en"])
    return df.sort_values(["mean_score", "agency_code"], na_position="last").reset_index(drop=True)


def theme_indicator_summary(con, year: int, quarter: int, theme: str) -> pd.DataFrame:
    """Per indicator of the theme: agency-level roll-up (n agencies, how many off track, mean score,
    status) and national indicators with their own status; most off-track first."""
    rows = _agency_verdicts(con, year, quarter, theme, THEME_INDICATOR_COLUMNS)
    out = []
    for (code,), res in assessment.rollup_by(rows, ("indicator_code",)).items():
        rs = [r for r in rows if r["indicator_code"] == code]
        off = sum(r["status"] in OFF_TRACK for r in rs)
        caps = [r["capaian"] for r in rs if r["capaian"] is not None]
        status = res.status if res.n else pd.Series([r["status"] for r in rs]).mode().iloc[0]  # trend words
        out.append(dict(indicator_code=code, indicator_name=rs[0]["indicator_name"],
                        indicator_name_en=rs[0]["indicator_name_en"], level="agency", status=status,
                        mean_score=res.mean_score, n_agencies=len(rs), n_assessed=res.n_assessed, n_off_track=off,
                        share_off_track=off / len(rs),
                        median_capaian=float(pd.Series(caps).median()) if caps else None,
                        synthetic=any(r["synthetic"] for r in rs), source=None))
    for r in _national_rows(con, year, quarter, theme=theme):
        out.append(dict(indicator_code=r["indicator_code"], indicator_name=r["name"], indicator_name_en=r["name_en"],
                        level="national", status=r["status"], mean_score=r["score"], n_agencies=None,
                        n_assessed=None, n_off_track=None, share_off_track=None, median_capaian=r["capaian"],
                        synthetic=False, source=r["source"]))
    df = pd.DataFrame(out, columns=["indicator_code", "indicator_name", "indicator_name_en", "level", "status",
                                    "mean_score", "n_agencies", "n_assessed", "n_off_track", "share_off_track",
                                    "median_capaian", "synthetic", "source"])
    return df.sort_values(["mean_score", "indicator_code"], na_position="last").reset_index(drop=True)


RENAKSI_TO_DATE = """
SELECT r.agency_code, a.name AS agency_name, a.agency_type, r.theme_code AS theme, r.action_plan,
       r.output_indicator, arg_max(r.unit, r.quarter) AS unit,
       arg_max(r.target_tw1, r.quarter) AS target_tw1, arg_max(r.target_tw2, r.quarter) AS target_tw2,
       arg_max(r.target_tw3, r.quarter) AS target_tw3, arg_max(r.target_tw4, r.quarter) AS target_tw4,
       sum(r.realisation) AS realised_to_date, count(r.realisation) AS n_quarters_reported,
       max(r.quarter) AS last_quarter,
       arg_max(r.budget, r.quarter) AS budget, arg_max(r.budget_realisation, r.quarter) AS budget_realised,
       arg_max(r.obstacles, r.quarter) AS obstacles,
       arg_max(r.submission_id, r.quarter) AS submission_id,
       string_agg(r.submission_id, ', ' ORDER BY r.quarter) AS submission_ids,
       coalesce(bool_or(r.synthetic), FALSE) AS synthetic
FROM v_renaksi r JOIN agencies a USING (agency_code)
WHERE r.year = $year AND r.quarter <= $quarter
  AND ($theme IS NULL OR r.theme_code = $theme
       OR r.theme_code IN (SELECT theme_code FROM themes WHERE parent_code = $theme))
GROUP BY ALL
ORDER BY r.agency_code, r.action_plan, r.output_indicator
"""


def renaksi_pacing(con, year: int, quarter: int, theme: str | None = None) -> pd.DataFrame:
    """Rencana aksi outputs of the year up to the quarter: cumulative realisation against the sum of
    quarterly targets to date and the annual target, with gophr pacing (progress.pacing)."""
    df = con.execute(RENAKSI_TO_DATE, {"year": year, "quarter": quarter, "theme": theme or None}).df()
    tw = df[["target_tw1", "target_tw2", "target_tw3", "target_tw4"]].astype(float).fillna(0.0)
    df["annual_target"] = tw.sum(axis=1)
    df["target_to_date"] = tw.iloc[:, :quarter].sum(axis=1)
    paces = [progress.pacing(r, t, quarter, "cumulative") for r, t in zip(df["realised_to_date"], df["annual_target"])]
    df["achievement"] = [p.achievement for p in paces]
    df["expected"] = [p.expected for p in paces]
    df["pacing_status"] = [p.status for p in paces]
    df["gap"] = [p.gap for p in paces]
    df["budget_share"] = [b_r / b if b else None for b_r, b in zip(df["budget_realised"], df["budget"])]
    return df


# ------------------------------------------------------------------ indicator page
AGENCY_AGGREGATE_SERIES = """
SELECT v.year, v.quarter,
       CASE $aggregation WHEN 'sum' THEN sum(v.value) WHEN 'median' THEN median(v.value) ELSE avg(v.value) END AS value,
       count(*) AS n_agencies, coalesce(bool_or(v.synthetic), FALSE) AS synthetic
FROM v_values v
WHERE v.indicator_code = $indicator AND v.value IS NOT NULL
  AND v.year >= $start_year AND quarter_key(v.year, v.quarter) <= quarter_key($year, $quarter)
GROUP BY v.year, v.quarter ORDER BY v.year, v.quarter
"""

ONE_AGENCY_SERIES = """
SELECT v.year, v.quarter, v.value, v.value_text, v.submission_id, v.source_cell, v.evidence_url, v.synthetic
FROM v_values v
WHERE v.indicator_code = $indicator AND v.agency_code = $agency
  AND v.year >= $start_year AND quarter_key(v.year, v.quarter) <= quarter_key($year, $quarter)
ORDER BY v.year, v.quarter
"""

SERIES_COLUMNS = ["series", "t", "year", "quarter", "month", "value", "value_text", "source", "confidence",
                  "submission_id", "n_agencies", "synthetic"]


def indicator_series(con, code: str, year: int, quarter: int, agency: str | None = None) -> pd.DataFrame:
    """Long table of the indicator's series up to the quarter: series 'national' (published national
    figures, or for agency-level indicators the aggregate of agency values by the catalogue's
    aggregation rule with the number of reporting agencies) and, with `agency`, series 'agency'."""
    meta = indicator_meta(con, code)
    if meta.empty:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    m = meta.iloc[0]
    period = _period_for_year(con, year)
    rows = []
    if m["level"] == "national":
        s = con.execute(NATIONAL_SERIES, {"indicator": code}).df()
        for r in _records(s):
            t = obs_time(r["year"], r["month"])
            if t <= qtime(year, quarter) + 1e-9:
                rows.append(dict(series="national", t=t, year=r["year"], quarter=None, month=r["month"],
                                 value=_num(r["value"]), value_text=r["value_text"], source=r["source"],
                                 confidence=r["confidence"], submission_id=None, n_agencies=None, synthetic=False))
    else:
        args = {"indicator": code, "start_year": int(period["start_year"]), "year": year, "quarter": quarter}
        s = con.execute(AGENCY_AGGREGATE_SERIES, {**args, "aggregation": m["aggregation"]}).df()
        for r in _records(s):
            rows.append(dict(series="national", t=qtime(r["year"], r["quarter"]), year=r["year"], quarter=r["quarter"],
                             month=None, value=_num(r["value"]), value_text=None,
                             source=f"aggregate:{m['aggregation']}", confidence=None, submission_id=None,
                             n_agencies=int(r["n_agencies"]), synthetic=bool(r["synthetic"])))
        if agency:
            for r in _records(con.execute(ONE_AGENCY_SERIES, {**args, "agency": agency}).df()):
                rows.append(dict(series="agency", t=qtime(r["year"], r["quarter"]), year=r["year"],
                                 quarter=r["quarter"], month=None, value=_num(r["value"]), value_text=r["value_text"],
                                 source=r["source_cell"], confidence=None, submission_id=r["submission_id"],
                                 n_agencies=None, synthetic=bool(r["synthetic"])))
    return pd.DataFrame(rows, columns=SERIES_COLUMNS)


CATEGORY_DISTRIBUTION = """
SELECT year, value_text AS category, count(*) AS n, coalesce(bool_or(synthetic), FALSE) AS synthetic
FROM (SELECT v.agency_code, v.year, v.value_text, v.synthetic,
             row_number() OVER (PARTITION BY v.agency_code, v.year ORDER BY v.quarter DESC) AS k
      FROM v_values v
      WHERE v.indicator_code = $indicator AND v.value_text IS NOT NULL AND trim(v.value_text) <> ''
        AND v.year >= $start_year AND v.year * 4 + v.quarter <= $year * 4 + $quarter)
WHERE k = 1
GROUP BY year, value_text
ORDER BY year, value_text
"""


def category_distribution(con, code: str, year: int, quarter: int) -> pd.DataFrame:
    """A category indicator (e.g. the BPK audit opinion WTP/WDP/TW/TMP) per year up to the quarter: how many
    agencies hold each category (each agency's latest report of the year), or for a national indicator the
    published category of each year (n = 1). Columns year, category, n, synthetic."""
    meta = indicator_meta(con, code)
    if meta.empty:
        return pd.DataFrame(columns=["year", "category", "n", "synthetic"])
    if meta.iloc[0]["level"] == "national":
        s = con.execute(NATIONAL_SERIES, {"indicator": code}).df()
        s = s[s["value_text"].notna() & (s["year"] * 4 + 4 <= int(year) * 4 + int(quarter))]
        return pd.DataFrame({"year": s["year"].astype(int), "category": s["value_text"], "n": 1, "synthetic": False})\
            .reset_index(drop=True)
    period = _period_for_year(con, year)
    return con.execute(CATEGORY_DISTRIBUTION, {"indicator": code, "start_year": int(period["start_year"]),
                                               "year": int(year), "quarter": int(quarter)}).df()


ALL_TARGET_VERSIONS = """
SELECT t.indicator_code, t.agency_code, t.year, t.target_low, t.target_high, t.target_text, t.version,
       t.effective_from, t.basis, t.source, t.confidence, t.submission_id, t.reason,
       t.version = max(t.version) OVER (PARTITION BY t.indicator_code, t.agency_code, t.year,
                                        coalesce(t.basis_code, 'rpjmn')) AS in_force,
       coalesce(t.basis_code, 'rpjmn') AS basis_code,
       (row_number() OVER (PARTITION BY t.indicator_code, t.agency_code, t.year
                           ORDER BY t.basis_rank NULLS LAST, t.version DESC) = 1
        AND (t.basis_code IS NULL OR t.basis_rank IS NOT NULL)) AS designated
FROM targets t
WHERE ($indicator IS NULL OR t.indicator_code = $indicator)
  AND (t.agency_code IS NULL OR t.agency_code = $agency)
ORDER BY t.indicator_code, t.agency_code NULLS FIRST, t.year, t.version
"""


TARGET_FROM = "SELECT target_from FROM indicators WHERE indicator_code = $indicator AND target_from IS NOT NULL"

AGENCY_TARGET_YEARS_USED = """
SELECT DISTINCT target_year FROM assessments
WHERE indicator_code = $indicator AND agency_code = $agency AND target_origin = 'agency'
"""


def indicator_targets(con, code: str, agency: str | None = None) -> pd.DataFrame:
    """Yearly targets in force: series 'national' (catalogue; for an indicator with `target_from`, the
    national indicator's targets that judge it) and, with `agency`, 'agency' (declared). `used` tells
    whether the stored verdicts judged against it (an agency's single number for a band indicator is not
    a band, so the national band is used instead)."""
    df = con.execute(ALL_TARGET_VERSIONS, {"indicator": code, "agency": agency or None}).df()
    source = con.execute(TARGET_FROM, {"indicator": code}).fetchone()
    if source and df["agency_code"].notna().all():
        nat = con.execute(ALL_TARGET_VERSIONS, {"indicator": source[0], "agency": None}).df()
        df = pd.concat([nat[nat["agency_code"].isna()], df], ignore_index=True) if len(df) else nat
    df = df[df["in_force"]].copy()
    df["series"] = ["agency" if isinstance(a, str) else "national" for a in df["agency_code"]]
    df["t"] = df["year"].astype(float)
    used = {int(r[0]) for r in con.execute(AGENCY_TARGET_YEARS_USED, {"indicator": code, "agency": agency}).fetchall()}
    # a national target judges the verdict only on the indicator's designated basis (catalogue `target_basis`)
    df["used"] = [(s == "national" and bool(d)) or (s == "agency" and int(y) in used)
                  for s, y, d in zip(df["series"], df["year"], df["designated"])]
    return df.reset_index(drop=True)


def target_versions(con, code: str | None = None) -> pd.DataFrame:
    """Every version of the catalogue (national) targets, in force or superseded (catalogue page)."""
    df = con.execute(ALL_TARGET_VERSIONS, {"indicator": code or None, "agency": None}).df()
    return df[df["agency_code"].isna()].drop(columns=["agency_code"]).reset_index(drop=True)


def national_series_table(con, code: str | None = None) -> pd.DataFrame:
    """The published national figures with source and confidence (catalogue page)."""
    df = con.execute(NATIONAL_SERIES, {"indicator": code or None}).df()
    df["t"] = [obs_time(y, m) for y, m in zip(df["year"], df["month"])]
    return df


def indicator_agencies(con, code: str, year: int, quarter: int) -> pd.DataFrame:
    """The indicator's assessment per agency (the indicator page's table and distribution), worst first."""
    df = agency_verdicts(con, year, quarter, INDICATOR_AGENCY_COLUMNS, indicator=code)
    return df.sort_values(["score", "agency_code"], na_position="last").reset_index(drop=True)


EXPLAIN_COLUMNS = ["scope", "kind", "status", "score", "latest_value", "latest_time", "target_low", "target_high",
                   "target_year", "explanation_id", "explanation_en", "needed", "gap", "period_over"]

EXPLAIN_NATIONAL = """
SELECT 'national' AS scope, kind, status, score, latest_value, latest_time, target_low, target_high, target_year,
       explanation AS explanation_id, explanation_en, needed_t, needed_v, gap,
       (SELECT max(end_year) FROM roadmap_periods WHERE period_code = a.period_code) AS end_year
FROM national_assessments a
WHERE indicator_code = $indicator AND year = $year AND quarter = $quarter
"""

EXPLAIN_AGENCY = """
SELECT 'agency' AS scope, kind, status, score, latest_value, latest_year - 1 + latest_quarter / 4 AS latest_time,
       target_low, target_high, target_year, explanation AS explanation_id, explanation_en, needed_t, needed_v, gap,
       (SELECT max(end_year) FROM roadmap_periods WHERE period_code = a.period_code) AS end_year
FROM assessments a
WHERE indicator_code = $indicator AND year = $year AND quarter = $quarter AND agency_code = $agency
"""


def indicator_explanation(con, code: str, year: int, quarter: int, agency: str | None = None) -> pd.DataFrame:
    """"Why this status" and "what is needed" (stored, both languages): the national series (scope
    'national': the published figures, or the aggregate of agency values for an agency-level indicator)
    and, with `agency`, the agency (scope 'agency'). `period_over` tells that the quarter is the last of
    the period, so the page states the final gap instead of next steps."""
    args = {"indicator": code, "year": int(year), "quarter": int(quarter)}
    rows = _dicts(con, EXPLAIN_NATIONAL, args)
    if agency:
        rows += _dicts(con, EXPLAIN_AGENCY, {**args, "agency": agency})
    for r in rows:
        r["needed"] = _needed(r.pop("needed_t"), r.pop("needed_v"))
        end = r.pop("end_year")
        r["period_over"] = end is not None and (int(year), int(quarter)) >= (int(end), 4)
    return pd.DataFrame(rows, columns=EXPLAIN_COLUMNS)


AGENCY_OPTIONS = """
SELECT DISTINCT a.agency_code, a.name AS agency_name, a.agency_type, a.synthetic
FROM agencies a JOIN indicators i ON list_contains(i.applies_to, a.agency_type)
WHERE i.indicator_code = $indicator
ORDER BY list_position(['KL', 'PROV', 'KAB', 'KOTA'], a.agency_type), a.agency_code
"""


def agency_options(con, code: str) -> pd.DataFrame:
    """Agencies the indicator applies to (for the agency picker)."""
    return con.execute(AGENCY_OPTIONS, {"indicator": code}).df()


# ------------------------------------------------------------------ final report
FINAL_COLUMNS = ["theme", "theme_name", "theme_name_en", "sort_order", "indicator_code", "indicator_name",
                 "indicator_name_en", "level", "scope", "status", "mean_score", "capaian", "value", "value_text",
                 "target_low", "target_high", "target_text", "unit", "decimals", "n_agencies", "n_assessed",
                 "n_achieved", "source", "confidence", "synthetic", "kind", "in_rollup", "capaian_raw", "unit_en",
                 "target_basis_code", "alternatives", "value_year"]


def final_indicator_results(con, period_code: str) -> pd.DataFrame:
    """Final status and capaian per indicator at the end of the period (Q4 of the end year): national
    indicators once (scope 'national'); agency indicators rolled up over all agencies (scope 'all')
    and per agency type (scope KL/PROV/KAB/KOTA), with mean capaian (capped, as credited; `capaian_raw` is
    the mean of the uncapped numbers) and counts. `in_rollup` False marks verdicts that do not count
    (no target: trend words; a series that does not represent its concept; discontinued). `unit_en` is the
    English unit (exports in English use it); `value_year` the year of a national figure (older than the end
    year when no newer one is published)."""
    per = con.execute("SELECT start_year, end_year FROM roadmap_periods WHERE period_code = $p", {"p": period_code}).df()
    if per.empty:
        return pd.DataFrame(columns=FINAL_COLUMNS)
    end = int(per["end_year"].iloc[0])
    names = {r["theme"]: r for r in _records(con.execute(THEME_NAMES).df())}
    out = []

    def theme_fields(theme):
        n = names.get(theme, {})
        return dict(theme=theme, theme_name=n.get("theme_name", theme), theme_name_en=n.get("theme_name_en", theme),
                    sort_order=n.get("sort_order"))

    for r in _national_rows(con, end, 4):
        out.append(dict(theme_fields(r["theme"]), indicator_code=r["indicator_code"], indicator_name=r["name"],
                        indicator_name_en=r["name_en"], level="national", scope="national", status=r["status"],
                        mean_score=r["score"], capaian=r["capaian"], value=r["latest_value"], value_text=r["latest_text"],
                        target_low=r["target_low"], target_high=r["target_high"], target_text=r["target_text"],
                        unit=r["unit"], decimals=r["decimals"], n_agencies=None, n_assessed=None,
                        n_achieved=None, source=r["source"], confidence=r["confidence"], synthetic=False,
                        kind=r["kind"], in_rollup=bool(r["in_rollup"]), capaian_raw=r["capaian"], unit_en=r["unit_en"],
                        target_basis_code=r["target_basis_code"], alternatives=r["alternatives"],
                        value_year=r["latest_year"]))
    rows = _agency_verdicts(con, end, 4)
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        groups.setdefault((r["indicator_code"], "all"), []).append(r)
        groups.setdefault((r["indicator_code"], r["agency_type"]), []).append(r)
    for (code, scope), rs in groups.items():
        res = assessment.rollup(rs)
        counted = [r for r in rs if r["in_rollup"]]
        caps = [r["capaian_capped"] for r in counted if r["capaian_capped"] is not None]
        raw = [r["capaian"] for r in counted if r["capaian"] is not None]
        vals = [r["latest_value"] for r in rs if r["latest_value"] is not None]
        r0 = rs[0]
        status = res.status if res.n else pd.Series([r["status"] for r in rs]).mode().iloc[0]  # trend words
        out.append(dict(theme_fields(r0["theme"]), indicator_code=code, indicator_name=r0["indicator_name"],
                        indicator_name_en=r0["indicator_name_en"], level="agency", scope=scope, status=status,
                        mean_score=res.mean_score, capaian=sum(caps) / len(caps) if caps else None,
                        value=float(pd.Series(vals).median()) if vals else None, value_text=None,
                        target_low=r0["target_low"] if r0["target_source"] == "catalogue" else None,
                        target_high=r0["target_high"] if r0["target_source"] == "catalogue" else None,
                        target_text=None, unit=r0["unit"], decimals=r0["decimals"], n_agencies=len(rs),
                        n_assessed=res.n_assessed, n_achieved=sum(r["status"] == "target_achieved" for r in counted),
                        source=None, confidence=None,  # briefing.source_text words it: n agency reports
                        synthetic=any(r["synthetic"] for r in rs), kind=r0["kind"] if not counted else "target",
                        in_rollup=bool(counted), capaian_raw=sum(raw) / len(raw) if raw else None,
                        unit_en=r0["unit_en"], target_basis_code=None, alternatives=[], value_year=None))
    df = pd.DataFrame(out, columns=FINAL_COLUMNS)
    order = {"national": 0, "all": 1, "KL": 2, "PROV": 3, "KAB": 4, "KOTA": 5}
    df["_o"] = df["scope"].map(order)
    return df.sort_values(["sort_order", "theme", "indicator_code", "_o"], na_position="last")\
        .drop(columns="_o").reset_index(drop=True)


def final_theme_results(con, period_code: str) -> pd.DataFrame:
    """Final roll-up per theme and scope (national indicators; all agencies; each agency type): each
    indicator that counts weighs the same (assessment.rollup of the indicator roll-ups); indicators
    without a target are counted apart (`n_trend`)."""
    return final_theme_rollup(final_indicator_results(con, period_code))


def final_theme_rollup(ind: pd.DataFrame) -> pd.DataFrame:
    """`final_theme_results` from the frame `final_indicator_results` returned (pages pass their cached one)."""
    out = []
    for (theme, scope), g in ind.groupby(["theme", "scope"], sort=False):
        counted = g[g["in_rollup"].astype(bool)]
        res = assessment.rollup([{"status": s, "score": sc} for s, sc in zip(counted["status"], counted["mean_score"])])
        caps = counted["capaian"].dropna()
        out.append(dict(theme=theme, theme_name=g["theme_name"].iloc[0], theme_name_en=g["theme_name_en"].iloc[0],
                        sort_order=g["sort_order"].iloc[0], scope=scope, status=res.status, mean_score=res.mean_score,
                        n_indicators=res.n, n_assessed=res.n_assessed,
                        n_achieved=int((counted["status"] == "target_achieved").sum()),
                        mean_capaian=float(caps.mean()) if len(caps) else None, synthetic=bool(g["synthetic"].any()),
                        n_trend=int(len(g) - len(counted))))
    df = pd.DataFrame(out, columns=["theme", "theme_name", "theme_name_en", "sort_order", "scope", "status",
                                    "mean_score", "n_indicators", "n_assessed", "n_achieved", "mean_capaian",
                                    "synthetic", "n_trend"])
    order = {"national": 0, "all": 1, "KL": 2, "PROV": 3, "KAB": 4, "KOTA": 5}
    return df.assign(_o=df["scope"].map(order)).sort_values(["sort_order", "theme", "_o"], na_position="last")\
        .drop(columns="_o").reset_index(drop=True)


# --- operational pages ----------------------------------------------------------------------------
# Agency report card, regional comparison, reporting compliance (app_pages/agency.py, region.py,
# compliance.py). Every function takes an open connection and returns a DataFrame. Status, score,
# capaian and pacing come from `_agency_assessment_rows` / `renaksi_pacing` above, so an agency's
# indicator has the same status on every page.

OPS_AGENCIES = """
SELECT a.agency_code, a.name, a.agency_type, a.province_code, p.name AS province_name,
       a.autonomous, a.synthetic, a.contact_email, a.valid_from, a.valid_to,
       (SELECT count(*) FROM submissions s WHERE s.agency_code = a.agency_code) AS n_submissions
FROM agencies a
LEFT JOIN agencies p ON p.agency_code = a.province_code AND p.agency_type = 'PROV'
WHERE ($type IS NULL OR a.agency_type = $type) AND ($province IS NULL OR a.province_code = $province)
ORDER BY list_position(['KL', 'PROV', 'KAB', 'KOTA'], a.agency_type), a.agency_code
"""


def ops_agencies(con, agency_type: str | None = None, province_code: str | None = None) -> pd.DataFrame:
    """Registered agencies with their province name (K/L have none) and how many reports they sent, K/L first,
    then by code; optionally only one agency type and/or one province."""
    return con.execute(OPS_AGENCIES, {"type": agency_type or None, "province": province_code or None}).df()


AGENCY_LINEAGE = """
SELECT 'predecessor' AS relation, p.agency_code, p.name, p.valid_from, p.valid_to
FROM agencies a JOIN agencies p ON p.agency_code = a.parent_code
WHERE a.agency_code = $agency
UNION ALL
SELECT 'successor' AS relation, s.agency_code, s.name, s.valid_from, s.valid_to
FROM agencies s WHERE s.parent_code = $agency
ORDER BY relation, agency_code
"""


def agency_lineage(con, agency_code: str) -> pd.DataFrame:
    """An agency's lineage in the registry: the agency it came from (`parent_code`: a province split off, a
    ministry reorganised) and the agencies that came from it, with their validity dates. Reports stay with
    the agency that sent them; this only says how the agencies are related."""
    return con.execute(AGENCY_LINEAGE, {"agency": agency_code}).df()


PROVINCES = """
SELECT agency_code AS province_code, name FROM agencies WHERE agency_type = 'PROV' ORDER BY agency_code
"""


def provinces(con) -> pd.DataFrame:
    """Registered provinces (code, name), by Kemendagri code."""
    return con.execute(PROVINCES).df()


AGENCY_QUARTERS = """
SELECT year, quarter FROM v_submissions
WHERE agency_code = $agency AND status = 'in_force'
ORDER BY year DESC, quarter DESC
"""


def agency_quarters(con, agency_code: str) -> pd.DataFrame:
    """Quarters for which the agency has a submission in force, newest first."""
    return con.execute(AGENCY_QUARTERS, {"agency": agency_code}).df()


APPLICABLE_INDICATORS = """
SELECT i.indicator_code, i.theme_code AS theme, i.name, i.name_en, i.unit, i.unit_en, i.decimals,
       i.direction, i.measurement, i.value_type
FROM indicators i
JOIN agencies a ON a.agency_code = $agency
LEFT JOIN themes th ON th.theme_code = i.theme_code
WHERE i.level = 'agency'
  AND (list_contains(i.applies_to, a.agency_type)
       OR EXISTS (SELECT 1 FROM v_values v WHERE v.agency_code = $agency AND v.indicator_code = i.indicator_code))
ORDER BY th.sort_order NULLS LAST, i.theme_code, i.indicator_code
"""

AGENCY_VALUES_TO_DATE = """
SELECT indicator_code, year, quarter, value, value_text, submission_id, source_cell, synthetic, justification
FROM v_values
WHERE agency_code = $agency AND quarter_key(year, quarter) <= quarter_key($year, $quarter)
  AND (value IS NOT NULL OR value_text IS NOT NULL)
ORDER BY indicator_code, year, quarter
"""

REPORT_CARD_COLUMNS = [
    "indicator_code", "theme", "name", "name_en", "unit", "unit_en", "decimals", "direction", "measurement",
    "value_type", "latest_year", "latest_quarter", "value", "value_text", "target_low", "target_high",
    "target_text", "target_source", "end_target_low", "end_target_high", "target_year", "capaian", "status",
    "score", "pacing_status", "submission_id", "source_cell", "synthetic", "kind", "capaian_capped", "in_rollup",
    "justification"]


CARD_TARGETS = """
SELECT indicator_code, year, target_low, target_high, target_text, FALSE AS own FROM v_targets
UNION ALL
SELECT indicator_code, year, target_low, target_high, NULL, TRUE FROM v_agency_targets WHERE agency_code = $agency
"""

CARD_TARGET_FROM = "SELECT indicator_code, target_from FROM indicators WHERE target_from IS NOT NULL"


def _card_targets(con, agency_code: str, inds: list[dict], year: int) -> dict:
    """The target that would judge each indicator in `year` (assessment.resolve_target), for indicators
    the agency has not reported yet: the card still shows what it will be measured against."""
    nat, own = {}, {}
    for r in _dicts(con, CARD_TARGETS, {"agency": agency_code}):
        (own if r["own"] else nat).setdefault(r["indicator_code"], {})[int(r["year"])] = r
    target_from = dict(con.execute(CARD_TARGET_FROM).fetchall())
    end = int(_period_for_year(con, year)["end_year"])
    return {i["indicator_code"]: assessment.resolve_target(
        i["direction"], year, end, own.get(i["indicator_code"]),
        assessment.national_targets_for(i["indicator_code"], target_from.get(i["indicator_code"]), nat))
        for i in inds}


def agency_report_card(con, agency_code: str, year: int, quarter: int) -> pd.DataFrame:
    """One row per indicator that applies to the agency (or that it reported), as known at the end of
    (year, quarter): latest value in force and the cell it came from, the target in force for the
    value's year (the agency's own, else the catalogue's), capaian, and the status/score/pacing of
    `agency_assessments` (same rules as the analysis pages). No value yet -> status "no_data"."""
    inds = _records(con.execute(APPLICABLE_INDICATORS, {"agency": agency_code}).df())
    assessed = {r["indicator_code"]: r for r in _agency_assessment_rows(con, year, quarter, agency=agency_code)}
    values = con.execute(AGENCY_VALUES_TO_DATE, {"agency": agency_code, "year": year, "quarter": quarter}).df()
    cells = {(r["submission_id"], r["indicator_code"]): r for r in _records(values)}
    agency = con.execute("SELECT synthetic FROM agencies WHERE agency_code = $agency",
                         {"agency": agency_code}).fetchone()
    agency_synthetic = bool(agency[0]) if agency else False
    targets = _card_targets(con, agency_code, [i for i in inds if i["indicator_code"] not in assessed], year)
    rows = []
    for ind in inds:
        code = ind["indicator_code"]
        row = {k: ind[k] for k in ("indicator_code", "theme", "name", "name_en", "unit", "unit_en", "decimals",
                                   "direction", "measurement", "value_type")}
        a = assessed.get(code)
        if a is not None:
            cell = cells.get((a["submission_id"], code), {})
            row.update(latest_year=a["latest_year"], latest_quarter=a["latest_quarter"], value=a["latest_value"],
                       value_text=a["latest_text"], target_low=a["target_low"], target_high=a["target_high"],
                       target_text=a["target_text"], target_source=a["target_source"], end_target_low=a["target_low"],
                       end_target_high=a["target_high"], target_year=a["target_year"], capaian=a["capaian"],
                       status=a["status"], score=a["score"], pacing_status=a["pacing_status"],
                       submission_id=a["submission_id"], source_cell=cell.get("source_cell"),
                       synthetic=agency_synthetic or bool(cell.get("synthetic")), kind=a["kind"],
                       capaian_capped=a["capaian_capped"], in_rollup=a["in_rollup"],
                       justification=cell.get("justification"))  # the officer's reason for an unusual value
        else:
            tg = targets.get(code)
            row.update(latest_year=None, latest_quarter=None, value=None, value_text=None,
                       target_low=tg.low if tg else None, target_high=tg.high if tg else None,
                       target_text=tg.text if tg else None,
                       target_source=("agency" if tg.origin == "agency" else "catalogue") if tg else None,
                       end_target_low=None, end_target_high=None, target_year=tg.year if tg else None,
                       capaian=None, status="no_data", score=None,
                       pacing_status=None, submission_id=None, source_cell=None, synthetic=agency_synthetic,
                       kind=None, capaian_capped=None, in_rollup=False, justification=None)
        rows.append(row)
    return pd.DataFrame(rows, columns=REPORT_CARD_COLUMNS)


def agency_renaksi(con, agency_code: str, year: int) -> pd.DataFrame:
    """The agency's rencana aksi outputs of `year` up to its latest reported quarter: `renaksi_pacing`
    (cumulative realisation against the annual target, gophr pacing, budget absorption) plus
    `to_date_ratio` = realisation to date / sum of the quarterly targets TW1..TWq."""
    q = con.execute("SELECT max(quarter) FROM v_renaksi WHERE agency_code = $agency AND year = $year",
                    {"agency": agency_code, "year": int(year)}).fetchone()[0] or 4
    df = renaksi_pacing(con, int(year), int(q))
    df = df[df["agency_code"] == agency_code].reset_index(drop=True)
    df["quarter"] = int(q)
    df["to_date_ratio"] = [r / t if t else None for r, t in zip(df["realised_to_date"], df["target_to_date"])]
    return df


AGENCY_RENAKSI_YEARS = "SELECT DISTINCT year FROM v_renaksi WHERE agency_code = $agency ORDER BY year DESC"


def agency_renaksi_years(con, agency_code: str) -> pd.DataFrame:
    """Years in which the agency has action-plan rows in force, newest first."""
    return con.execute(AGENCY_RENAKSI_YEARS, {"agency": agency_code}).df()


AGENCY_SUBMISSIONS = """
SELECT submission_id, year, quarter, version, status, received_at, uploader, file_name,
       left(file_sha256, 12) AS sha256_short, reason, n_values, n_renaksi, n_warnings, synthetic,
       lag(submission_id) OVER (PARTITION BY year, quarter ORDER BY version) AS replaces
FROM v_submissions
WHERE agency_code = $agency
ORDER BY year DESC, quarter DESC, version DESC
"""


def agency_submissions(con, agency_code: str) -> pd.DataFrame:
    """Every accepted version of every quarter of one agency, newest first, with in_force/superseded
    and `replaces` (the submission_id of the version it replaced, for corrections)."""
    return con.execute(AGENCY_SUBMISSIONS, {"agency": agency_code}).df()


SUBMISSION_DIFF = """
SELECT indicator_code, i.name, i.name_en, i.unit,
       o.value AS old_value, n.value AS new_value, o.value_text AS old_text, n.value_text AS new_text,
       n.value - o.value AS change,
       CASE WHEN o.submission_id IS NULL THEN 'added'
            WHEN n.submission_id IS NULL THEN 'removed'
            WHEN o.value IS NOT DISTINCT FROM n.value AND o.value_text IS NOT DISTINCT FROM n.value_text
                 THEN 'unchanged'
            ELSE 'changed' END AS change_kind
FROM (SELECT * FROM submission_values WHERE submission_id = $old) o
FULL OUTER JOIN (SELECT * FROM submission_values WHERE submission_id = $new) n USING (indicator_code)
LEFT JOIN indicators i USING (indicator_code)
ORDER BY change_kind = 'unchanged', indicator_code
"""


def submission_diff(con, old_submission_id: str, new_submission_id: str) -> pd.DataFrame:
    """Value by value, old version -> new version: changed, added, removed or unchanged (changes first)."""
    return con.execute(SUBMISSION_DIFF, {"old": old_submission_id, "new": new_submission_id}).df()


# Data-quality score per quarter (NOT a performance ranking): how well the agency reports, not how
# well it performs. Components, each 0..1:
#   timeliness   from v_compliance: on_time 1, revised (on time, corrected after the deadline) 0.75,
#                late 0.5, not_received 0;
#   completeness values in force for the quarter / indicators that apply to the agency type;
#   validation   accepted uploads / (accepted + rejected) uploads for that quarter from `uploads`
#                (duplicates are no-ops and are not counted; unreadable files name no agency);
# score = 100 * weighted mean with weights 0.4 / 0.4 / 0.2 over the components that exist
# (validation is missing when no upload was recorded for the quarter).
QUALITY_WEIGHTS = {"timeliness": 0.4, "completeness": 0.4, "validation": 0.2}
TIMELINESS_POINTS = {"on_time": 1.0, "revised": 0.75, "late": 0.5, "not_received": 0.0}

AGENCY_QUALITY = """
WITH ag AS (SELECT agency_code, agency_type FROM agencies WHERE agency_code = $agency),
applicable AS (
    SELECT i.indicator_code FROM indicators i, ag
    WHERE i.level = 'agency' AND list_contains(i.applies_to, ag.agency_type)),
filled AS (
    SELECT year, quarter, count(*) AS n_filled FROM v_values
    WHERE agency_code = $agency AND (value IS NOT NULL OR value_text IS NOT NULL)
      AND indicator_code IN (SELECT indicator_code FROM applicable)
    GROUP BY ALL),
up AS (
    SELECT year, quarter, count(*) FILTER (WHERE outcome = 'accepted') AS n_accepted,
           count(*) FILTER (WHERE outcome IN ('accepted', 'rejected')) AS n_attempts
    FROM uploads WHERE agency_code = $agency GROUP BY ALL)
SELECT c.year, c.quarter, c.deadline, c.compliance_status, c.first_received_at, c.versions,
       (SELECT count(*) FROM applicable) AS n_applicable, coalesce(f.n_filled, 0) AS n_filled,
       coalesce(u.n_accepted, 0) AS n_accepted, coalesce(u.n_attempts, 0) AS n_attempts
FROM v_compliance c
LEFT JOIN filled f USING (year, quarter)
LEFT JOIN up u USING (year, quarter)
WHERE c.agency_code = $agency AND c.deadline < $today
ORDER BY c.year, c.quarter
"""


def agency_quality(con, agency_code: str, today=None) -> pd.DataFrame:
    """Per due quarter (deadline before `today`, the WIB day, now unless given): the three data-quality
    components (0..1) and the combined score (0..100)."""
    today = today or wib_today()
    df = con.execute(AGENCY_QUALITY, {"agency": agency_code, "today": today}).df()
    df["timeliness"] = df["compliance_status"].map(TIMELINESS_POINTS).astype(float)
    df["completeness"] = (df["n_filled"] / df["n_applicable"].where(df["n_applicable"] > 0)).astype(float)
    df["validation"] = (df["n_accepted"] / df["n_attempts"].where(df["n_attempts"] > 0)).astype(float)
    parts = df[list(QUALITY_WEIGHTS)]
    weights = pd.Series(QUALITY_WEIGHTS)
    present = parts.notna()
    df["score"] = 100 * (parts.fillna(0) * weights).sum(axis=1) / (present * weights).sum(axis=1).where(
        present.any(axis=1))
    return df


REGION_AGENCIES = """
SELECT a.agency_code, a.name, a.agency_type, a.province_code, p.name AS province_name, a.synthetic
FROM agencies a
LEFT JOIN agencies p ON p.agency_code = a.province_code AND p.agency_type = 'PROV'
WHERE a.autonomous AND list_contains($types, a.agency_type)
  AND ($province IS NULL OR a.province_code = $province)
  AND active_in_quarter(a.valid_from, a.valid_to, $year, $quarter)
ORDER BY a.agency_code
"""

REGION_VALUES = """
SELECT agency_code, source_cell, synthetic FROM v_values
WHERE indicator_code = $indicator AND year = $year AND quarter = $quarter
"""

REGION_INDICATOR_META = """
SELECT unit, decimals, direction, measurement FROM indicators WHERE indicator_code = $indicator
"""

REGION_COLUMNS = ["agency_code", "name", "agency_type", "province_code", "province_name", "value", "unit",
                  "decimals", "direction", "measurement", "target_low", "target_high", "capaian", "status", "score",
                  "pacing_status", "latest_year", "latest_quarter", "submission_id", "source_cell", "synthetic"]


def region_comparison(con, indicator_code: str, year: int, quarter: int, level: str = "PROV",
                      province_code: str | None = None) -> pd.DataFrame:
    """One row per autonomous province (level "PROV") or kab/kota (level "KABKOTA", optionally of one
    province) active in (year, quarter): its value for exactly that quarter with capaian and status
    from `agency_assessments`. An agency without a value that quarter keeps value NaN and status
    "no_data" (latest_year/quarter tell when it last reported)."""
    types = ["PROV"] if level == "PROV" else ["KAB", "KOTA"]
    agencies = _records(con.execute(REGION_AGENCIES, {"types": types, "province": province_code or None,
                                                      "year": int(year), "quarter": int(quarter)}).df())
    assessed = {r["agency_code"]: r
                for r in _agency_assessment_rows(con, int(year), int(quarter), indicator=indicator_code)}
    now = {r["agency_code"]: r for r in _records(con.execute(
        REGION_VALUES, {"indicator": indicator_code, "year": int(year), "quarter": int(quarter)}).df())}
    meta = _records(con.execute(REGION_INDICATOR_META, {"indicator": indicator_code}).df())
    m = meta[0] if meta else {"unit": None, "decimals": 2, "direction": None, "measurement": None}
    rows = []
    for ag in agencies:
        a = assessed.get(ag["agency_code"])
        current = a is not None and (a["latest_year"], a["latest_quarter"]) == (int(year), int(quarter))
        cell = now.get(ag["agency_code"], {})
        row = dict(agency_code=ag["agency_code"], name=ag["name"], agency_type=ag["agency_type"],
                   province_code=ag["province_code"], province_name=ag["province_name"], unit=m["unit"],
                   decimals=m["decimals"], direction=m["direction"], measurement=m["measurement"],
                   latest_year=a["latest_year"] if a else None, latest_quarter=a["latest_quarter"] if a else None,
                   synthetic=bool(ag["synthetic"]) or bool(cell.get("synthetic")))
        if current:
            row.update(value=a["latest_value"], target_low=a["year_target_low"], target_high=a["year_target_high"],
                       capaian=a["capaian"], status=a["status"], score=a["score"], pacing_status=a["pacing_status"],
                       submission_id=a["submission_id"], source_cell=cell.get("source_cell"))
        else:
            row.update(value=None, target_low=None, target_high=None, capaian=None, status="no_data", score=None,
                       pacing_status=None, submission_id=None, source_cell=None)
        rows.append(row)
    df = pd.DataFrame(rows, columns=REGION_COLUMNS)
    df["value"] = pd.to_numeric(df["value"], errors="coerce")
    df["capaian"] = pd.to_numeric(df["capaian"], errors="coerce")
    return df


REGION_INDICATORS = """
SELECT i.indicator_code, i.name, i.name_en, i.unit, i.unit_en, i.direction, i.theme_code
FROM indicators i
WHERE i.level = 'agency' AND i.value_type = 'number'
  AND (list_contains(i.applies_to, 'PROV') OR list_contains(i.applies_to, 'KAB') OR list_contains(i.applies_to, 'KOTA'))
  AND EXISTS (SELECT 1 FROM v_values v JOIN agencies a USING (agency_code)
              WHERE v.indicator_code = i.indicator_code AND a.agency_type <> 'KL')
ORDER BY i.theme_code, i.indicator_code
"""


def region_indicators(con) -> pd.DataFrame:
    """Numeric agency-level indicators that regional governments have reported at least once."""
    return con.execute(REGION_INDICATORS).df()


INDICATOR_QUARTERS = """
SELECT DISTINCT year, quarter FROM v_values WHERE indicator_code = $indicator
ORDER BY year DESC, quarter DESC
"""


def indicator_quarters(con, indicator_code: str) -> pd.DataFrame:
    """(year, quarter) pairs with at least one value in force for the indicator, newest first."""
    return con.execute(INDICATOR_QUARTERS, {"indicator": indicator_code}).df()


# Reporting compliance: v_compliance plus "not_due" for a quarter whose deadline has not passed yet.
COMPLIANCE_MATRIX = """
WITH c AS (
    SELECT c.*, CASE WHEN c.compliance_status = 'not_received' AND c.deadline >= $today THEN 'not_due'
                     ELSE c.compliance_status END AS status
    FROM v_compliance c
    WHERE c.year = $year
      AND ($types IS NULL OR list_contains($types, c.agency_type))
      AND ($province IS NULL OR c.province_code = $province)),
problems AS (
    SELECT agency_code, count(*) FILTER (WHERE status IN ('late', 'not_received')) AS n_problems
    FROM c GROUP BY agency_code)
SELECT c.agency_code, c.name, c.agency_type, c.province_code, p.name AS province_name, c.contact_email,
       c.synthetic, c.year, c.quarter, c.deadline, c.first_received_at, c.last_received_at, c.versions, c.status,
       dense_rank() OVER (ORDER BY n.n_problems DESC, c.agency_code) AS problem_rank
FROM c
JOIN problems n USING (agency_code)
LEFT JOIN agencies p ON p.agency_code = c.province_code AND p.agency_type = 'PROV'
ORDER BY list_position(['KL', 'PROV', 'KAB', 'KOTA'], c.agency_type), c.agency_code, c.quarter
"""


def problem_ranks(matrix: pd.DataFrame) -> pd.Series:
    """`problem_rank` again within the rows given (1 = most late/not-received quarters, ties by agency code):
    after a caller's scope kept only some agencies, an uploader's agency is ranked among those, never
    against every agency ("80 of 164" with an empty matrix)."""
    if matrix.empty:
        return pd.Series([], index=matrix.index, dtype="int64")
    problems = matrix["status"].isin(["late", "not_received"]).groupby(matrix["agency_code"]).sum()
    order = sorted(problems.index, key=lambda a: (-int(problems[a]), a))
    rank = {agency: n for n, agency in enumerate(order, start=1)}
    return matrix["agency_code"].map(rank).astype("int64")


def compliance_matrix(con, year: int, agency_types: list[str] | None = None,
                      province_code: str | None = None, today=None) -> pd.DataFrame:
    """One row per (agency expected to report, quarter of `year`) with its compliance status:
    on_time | late | revised | not_received | not_due (deadline today or later; `today` is the WIB day,
    now unless given). Filters: agency types, province.
    `problem_rank` ranks agencies by their number of late/not-received quarters (1 = most)."""
    today = today or wib_today()
    return con.execute(COMPLIANCE_MATRIX, {"year": int(year), "types": list(agency_types) if agency_types else None,
                                           "province": province_code, "today": today}).df()


def compliance_years(con) -> pd.DataFrame:
    """Years in the reporting calendar, newest first."""
    return con.execute("SELECT DISTINCT year FROM reporting_calendar ORDER BY year DESC").df()


# ------------------------------------------------------------------ headline and briefing
DATA_CUTOFF = """
SELECT max(received_at) AS last_received_at, count(*) AS n_submissions,
       coalesce(bool_or(synthetic), FALSE) AS synthetic
FROM v_submissions
WHERE status = 'in_force' AND quarter_key(year, quarter) <= quarter_key($year, $quarter)
"""


def data_cutoff(con, year: int, quarter: int) -> pd.DataFrame:
    """When the newest report in force up to this quarter was received (the data's cut-off), one row."""
    return con.execute(DATA_CUTOFF, {"year": year, "quarter": quarter}).df()
