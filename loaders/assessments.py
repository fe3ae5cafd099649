"""Stored assessments: run the assessment engine (indicators/assessment.py) over the data and write the
tables `assessments` and `national_assessments` (views `v_assessments`, `v_national_assessments`).

`refresh(con)` is called inside the same transaction as the change that makes it necessary:
- catalogue load (`init`, `_ensure_ready`, `rebuild`): everything (`refresh(con)`);
- an accepted submission: only that agency's rows from the submitted quarter on (all its rows when the
  submission declared targets), plus the aggregate rows of agency-level indicators (`refresh(con, agency,
  since)`).
Pages never recompute a verdict; they read these tables (indicators/queries.py).
"""
from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager

import pandas as pd

from indicators import assessment as A
from indicators.periods import obs_time, period_quarters, qtime
from loaders import reference

PERIODS = "SELECT period_code, start_year, end_year FROM roadmap_periods ORDER BY start_year"

INDICATORS = """
SELECT indicator_code, level, value_type, direction, measurement, aggregation, natural_limit, unit, unit_en,
       decimals, categories, discontinued, coalesce(rollup, TRUE) AS rollup, baseline_value, target_from
FROM indicators
"""

NATIONAL_TARGETS = "SELECT indicator_code, year, target_low, target_high, target_text FROM v_targets"

AGENCY_TARGETS = """
SELECT agency_code, indicator_code, year, target_low, target_high, NULL AS target_text FROM v_agency_targets
WHERE $agency IS NULL OR agency_code = $agency
"""

AGENCY_TARGET_TEXTS = """
SELECT t.agency_code, t.indicator_code, t.year, t.target_text FROM targets t
WHERE t.agency_code IS NOT NULL AND t.target_text IS NOT NULL AND ($agency IS NULL OR t.agency_code = $agency)
QUALIFY row_number() OVER (PARTITION BY t.agency_code, t.indicator_code, t.year ORDER BY t.version DESC) = 1
"""

AGENCY_VALUES = """
SELECT v.agency_code, v.indicator_code, v.year, v.quarter, v.value, v.value_text, v.submission_id
FROM v_values v JOIN indicators i USING (indicator_code)
WHERE i.level = 'agency' AND (v.value IS NOT NULL OR v.value_text IS NOT NULL)
  AND ($agency IS NULL OR v.agency_code = $agency)
ORDER BY v.agency_code, v.indicator_code, v.year, v.quarter
"""

NATIONAL_SERIES = """
SELECT indicator_code, year, month, value, value_text FROM national_series
ORDER BY indicator_code, year, coalesce(month, 12)
"""

AGGREGATE_SERIES = """
SELECT v.indicator_code, v.year, v.quarter,
       CASE i.aggregation WHEN 'sum' THEN sum(v.value) WHEN 'median' THEN median(v.value) ELSE avg(v.value) END
           AS value
FROM v_values v JOIN indicators i USING (indicator_code)
WHERE i.level = 'agency' AND i.value_type = 'number' AND v.value IS NOT NULL
GROUP BY v.indicator_code, v.year, v.quarter, i.aggregation
ORDER BY v.indicator_code, v.year, v.quarter
"""

AGENCY_COLUMNS = ["agency_code", "indicator_code", "year", "quarter", "kind", "status", "capaian", "score",
                  "target_low", "target_high", "target_year", "target_origin", "explanation", "explanation_en",
                  "capaian_capped", "in_rollup", "ratio", "target_text", "latest_year", "latest_quarter",
                  "latest_value", "latest_text", "submission_id", "n_points", "pacing_status", "needed_t",
                  "needed_v", "gap", "period_code"]
NATIONAL_COLUMNS = ["indicator_code", "year", "quarter", "kind", "status", "capaian", "score", "target_low",
                    "target_high", "target_year", "explanation", "explanation_en", "capaian_capped", "in_rollup",
                    "ratio", "target_origin", "target_text", "latest_time", "latest_value", "latest_text",
                    "n_points", "needed_t", "needed_v", "gap", "scope", "period_code"]


def _rows(con, sql, params=None):
    cur = con.execute(sql, params or {})
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _rules(con) -> dict[str, tuple[dict, A.Rule]]:
    out = {}
    for r in _rows(con, INDICATORS):
        out[r["indicator_code"]] = (r, A.Rule(
            code=r["indicator_code"], direction=r["direction"], value_type=r["value_type"],
            measurement=r["measurement"], limit=r["natural_limit"], unit=r["unit"] or "",
            unit_en=r["unit_en"] or r["unit"] or "", decimals=int(r["decimals"] or 0),
            categories=tuple(r["categories"] or ()), discontinued=r["discontinued"], rollup=bool(r["rollup"]),
            baseline_value=r["baseline_value"]))
    return out


def _national_target_map(con) -> dict[str, dict[int, dict]]:
    out: dict[str, dict[int, dict]] = defaultdict(dict)
    for r in _rows(con, NATIONAL_TARGETS):
        out[r["indicator_code"]][int(r["year"])] = r
    return out


def _verdict_fields(v: A.Verdict) -> dict:
    t = v.target
    return dict(kind=v.kind, status=v.status, capaian=v.capaian, score=v.score,
                target_low=t.low if t else None, target_high=t.high if t else None,
                target_year=t.year if t else None, target_origin=t.origin if t else None,
                target_text=t.text if t else None, explanation=v.explanation_id, explanation_en=v.explanation_en,
                capaian_capped=v.capaian_capped, in_rollup=bool(v.in_rollup), ratio=v.ratio,
                n_points=v.n_points, needed_t=[x for x, _ in v.needed] or None,
                needed_v=[y for _, y in v.needed] or None, gap=v.gap)


def _insert(con, table: str, rows: list[dict], columns: list[str]) -> None:
    if rows:
        reference.insert_rows(con, table, pd.DataFrame(rows, columns=columns))


_DEFERRED: set[int] = set()  # connections in a bulk load (demo, rebuild): one full refresh at the end


@contextmanager
def deferred(con):
    """Bulk loading through `con` (demo, rebuild): per-upload refreshes are skipped, and everything is
    recomputed once, in one transaction, when the block ends without an error."""
    _DEFERRED.add(id(con))
    try:
        yield con
    finally:
        _DEFERRED.discard(id(con))
    con.begin()
    try:
        refresh(con)
    except BaseException:
        con.rollback()
        raise
    con.commit()


def refresh(con, agency: str | None = None, since: tuple[int, int] | None = None) -> dict:
    """Recompute stored assessments: all of them (agency None), or one agency's rows (from quarter `since`
    on when given) plus the aggregates of agency-level indicators. Run it inside the caller's transaction.
    Inside `deferred(con)` a one-agency refresh is left to the full refresh at the end."""
    if agency is not None and id(con) in _DEFERRED:
        return {}
    periods = _rows(con, PERIODS)
    rules = _rules(con)
    nat_t = _national_target_map(con)
    n_agency = _refresh_agencies(con, periods, rules, nat_t, agency, since)
    n_national = _refresh_national(con, periods, rules, nat_t, national=agency is None)
    return {"assessments": n_agency, "national_assessments": n_national}


def _targets_for(rules, nat_t, code):
    return A.national_targets_for(code, rules[code][0]["target_from"], nat_t)


def _refresh_agencies(con, periods, rules, nat_t, agency, since) -> int:
    params = {"agency": agency}
    ag_t: dict[tuple, dict[int, dict]] = defaultdict(dict)
    for r in _rows(con, AGENCY_TARGETS, params):
        ag_t[(r["agency_code"], r["indicator_code"])][int(r["year"])] = r
    for r in _rows(con, AGENCY_TARGET_TEXTS, params):
        ag_t[(r["agency_code"], r["indicator_code"])].setdefault(int(r["year"]), dict(r))["target_text"] = \
            r["target_text"]
    series: dict[tuple, list] = defaultdict(list)
    for r in con.execute(AGENCY_VALUES, params).fetchall():
        series[(r[0], r[1])].append(r[2:])
    first = since or (0, 0)
    if agency is None:
        con.execute("DELETE FROM assessments")
    else:
        con.execute("DELETE FROM assessments WHERE agency_code = $a AND year * 4 + quarter >= $k",
                    {"a": agency, "k": first[0] * 4 + first[1]})
    out = []
    for (agency_code, code), vals in series.items():
        if code not in rules:
            continue
        meta, rule = rules[code]
        own = ag_t.get((agency_code, code), {})
        national = _targets_for(rules, nat_t, code)
        for p in periods:
            start, end = int(p["start_year"]), int(p["end_year"])
            inside = [v for v in vals if start <= v[0] <= end]
            if not inside:
                continue
            k0 = inside[0][0] * 4 + inside[0][1]
            i = 0
            for y, q in period_quarters(start, end):
                k = y * 4 + q
                if k < k0 or k < first[0] * 4 + first[1]:
                    continue
                while i < len(inside) and inside[i][0] * 4 + inside[i][1] <= k:
                    i += 1
                known = inside[:i]
                last = known[-1]
                target = A.resolve_target(rule.direction, y, end, own, national)
                if rule.value_type == "category":
                    v = A.judge(rule, (), year=y, quarter=q, end_year=end, target=target,
                                texts=[(qtime(a, b), txt) for a, b, _, txt, _ in known])
                else:
                    nums = [x for x in known if x[2] is not None]
                    if not nums:
                        continue
                    last = nums[-1]
                    pts = A.series_points(rule, [x[0] for x in nums], [x[1] for x in nums], [x[2] for x in nums])
                    v = A.judge(rule, pts, year=y, quarter=q, end_year=end, target=target, current=last[2])
                row = dict(agency_code=agency_code, indicator_code=code, year=y, quarter=q, **_verdict_fields(v),
                           latest_year=last[0], latest_quarter=last[1], latest_value=last[2], latest_text=last[3],
                           submission_id=last[4], period_code=p["period_code"],
                           pacing_status=A.pacing_status(rule, v.target, y, last[0], last[1], last[2]))
                out.append(row)
    _insert(con, "assessments", out, AGENCY_COLUMNS)
    return len(out)


def _refresh_national(con, periods, rules, nat_t, national: bool) -> int:
    """National indicators from the published series (only when `national`), and the aggregate of agency
    values for agency-level indicators (always: any submission changes them)."""
    con.execute("DELETE FROM national_assessments WHERE scope = 'aggregate'" if not national
                else "DELETE FROM national_assessments")
    obs: dict[str, list] = defaultdict(list)
    if national:
        for r in con.execute(NATIONAL_SERIES).fetchall():
            obs[r[0]].append((obs_time(r[1], r[2]), r[3], r[4]))
    agg: dict[str, list] = defaultdict(list)
    for code, y, q, value in con.execute(AGGREGATE_SERIES).fetchall():
        agg[code].append((y, q, value))
    out = []
    for p in periods:
        start, end = int(p["start_year"]), int(p["end_year"])
        for code, (meta, rule) in rules.items():
            if meta["level"] == "national":
                if not national:
                    continue
                scope, pts_all = "national", obs.get(code, [])
            else:
                if rule.value_type != "number" or code not in agg:
                    continue
                inside = [x for x in agg[code] if start <= x[0] <= end]
                if not inside:
                    continue
                scope = "aggregate"
                ys, qs, vs = zip(*inside)
                pts_all = [(t, v, None) for t, v in A.series_points(rule, ys, qs, vs)]
            targets = _targets_for(rules, nat_t, code)
            for y, q in period_quarters(start, end):
                cutoff = qtime(y, q) + 1e-9
                known = [x for x in pts_all if x[0] <= cutoff]
                target = A.resolve_target(rule.direction, y, end, None, targets)
                if rule.value_type == "category":
                    v = A.judge(rule, (), year=y, quarter=q, end_year=end, target=target,
                                texts=[(t, txt) for t, _, txt in known])
                else:
                    v = A.judge(rule, [(t, val) for t, val, _ in known if val is not None], year=y, quarter=q,
                                end_year=end, target=target)
                last = known[-1] if known else (None, None, None)
                out.append(dict(indicator_code=code, year=y, quarter=q, **_verdict_fields(v),
                                latest_time=last[0], latest_value=last[1], latest_text=last[2], scope=scope,
                                period_code=p["period_code"]))
    _insert(con, "national_assessments", out, NATIONAL_COLUMNS)
    return len(out)
