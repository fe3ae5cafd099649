"""Stored assessments: run the assessment engine (indicators/assessment.py) over the data and write the
tables `assessments` and `national_assessments` (views `v_assessments`, `v_national_assessments`).

`refresh(con)` is called inside the same transaction as the change that makes it necessary:
- catalogue load (`init`, `_ensure_ready`, `rebuild`): everything (`refresh(con)`);
- an accepted submission: only that agency's rows from the submitted quarter on (all its rows when the
  submission declared targets), plus the aggregate rows of agency-level indicators from that quarter on
  (`refresh(con, agency, since)`);
- a batch of uploads (`deferred(con, full=False)`, the CLI's `ingest`): each upload's transaction records
  its agency and quarter in `assessment_backlog` (with the time it began to wait); one transaction at the end
  of the batch recomputes those agencies (`settle`) and empties the backlog. A batch cut short leaves its
  backlog; the next writer settles it before anything else (`loaders.api`), so a committed upload never stays
  without its verdicts, and until then every page says which agencies' verdicts wait and since when
  (`indicators.queries.pending_verdicts`). A batch of one file (`python -m loaders ingest FILE`) stores its
  verdicts in the upload's own transaction, like an upload from the page.
Pages never recompute a verdict; they read these tables (indicators/queries.py).
"""
from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import replace


from indicators import assessment as A
from indicators.periods import obs_time, period_quarters, qtime, quarter_key
from loaders import reference

PERIODS = "SELECT period_code, start_year, end_year FROM roadmap_periods ORDER BY start_year"

INDICATORS = """
SELECT indicator_code, level, value_type, direction, measurement, aggregation, natural_limit, unit, unit_en,
       decimals, categories, discontinued, coalesce(rollup, TRUE) AS rollup, baseline_value, target_from
FROM indicators
"""

NATIONAL_TARGETS = "SELECT indicator_code, year, target_low, target_high, target_text FROM v_targets"
# The targets on the other bases (not the designated one): what each would say is stored beside the verdict.
OTHER_BASES = """
SELECT indicator_code, year, basis_code, basis, target_low, target_high, target_text FROM v_target_bases
WHERE NOT designated ORDER BY indicator_code, year, coalesce(basis_rank, 99), basis_code
"""
ALTERNATIVE_COLUMNS = ["indicator_code", "year", "quarter", "basis_code", "basis", "target_low", "target_high",
                       "target_text", "status", "capaian", "capaian_capped", "explanation", "explanation_en"]

AGENCY_TARGETS = """
SELECT agency_code, indicator_code, year, target_low, target_high, NULL AS target_text FROM v_agency_targets
WHERE $agencies IS NULL OR list_contains($agencies, agency_code)
"""

AGENCY_TARGET_TEXTS = """
SELECT t.agency_code, t.indicator_code, t.year, t.target_text FROM targets t
WHERE t.agency_code IS NOT NULL AND t.target_text IS NOT NULL
  AND ($agencies IS NULL OR list_contains($agencies, t.agency_code))
QUALIFY row_number() OVER (PARTITION BY t.agency_code, t.indicator_code, t.year ORDER BY t.version DESC) = 1
"""

AGENCY_VALUES = """
SELECT v.agency_code, v.indicator_code, v.year, v.quarter, v.value, v.value_text, v.submission_id
FROM v_values v JOIN indicators i USING (indicator_code)
WHERE i.level = 'agency' AND (v.value IS NOT NULL OR v.value_text IS NOT NULL)
  AND ($agencies IS NULL OR list_contains($agencies, v.agency_code))
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
        reference.insert_rows(con, table, [{c: r.get(c) for c in columns} for r in rows])


_DEFERRED: set[int] = set()  # connections in a bulk load: per-upload refreshes go to the backlog

BACKLOG_UPSERT = """
INSERT INTO assessment_backlog (agency_code, since_key, since_at) VALUES ($agency, $since_key, $at)
ON CONFLICT (agency_code) DO UPDATE SET since_key = least(assessment_backlog.since_key, excluded.since_key),
    since_at = coalesce(assessment_backlog.since_at, excluded.since_at)
"""


def _key(since: tuple[int, int] | None) -> int:
    """A quarter as one comparable number (`periods.quarter_key`); 0 stands for "every quarter"."""
    return quarter_key(*since) if since else 0


@contextmanager
def deferred(con, *, full: bool = True):
    """Bulk loading through `con`: per-upload refreshes are recorded in `assessment_backlog` (inside each
    upload's own transaction) instead of run. At the end one transaction recomputes everything (`full`:
    demo, rebuild; only when the block succeeded) or the backlog (`full=False`: an ingest batch; also after
    an error, for the uploads that did commit — if that fails too, the next writer settles the backlog)."""
    _DEFERRED.add(id(con))
    ok = False
    try:
        yield con
        ok = True
    finally:
        _DEFERRED.discard(id(con))
        if ok or not full:
            try:
                con.begin()
                try:
                    refresh(con) if full else settle(con)
                except BaseException:
                    con.rollback()
                    raise
                con.commit()
            except Exception:
                if ok:
                    raise   # after an error in the block, that error is the one to report


def in_bulk(con) -> bool:
    """Whether `con` is inside `deferred(...)` (its per-upload refreshes go to the backlog)."""
    return id(con) in _DEFERRED


def backlog(con) -> dict[str, int]:
    """Agencies whose verdicts wait for a recompute → the first quarter key to recompute (0: all)."""
    return dict(con.execute("SELECT agency_code, since_key FROM assessment_backlog").fetchall())


def settle(con) -> dict:
    """Recompute what the backlog lists and empty it. Run it inside the caller's transaction."""
    pending = backlog(con)
    if not pending:
        return {}
    counts = _refresh(con, pending)
    con.execute("DELETE FROM assessment_backlog")
    return counts


def refresh(con, agency: str | None = None, since: tuple[int, int] | None = None) -> dict:
    """Recompute stored assessments: all of them (agency None), or one agency's rows (from quarter `since`
    on when given) plus the aggregates of agency-level indicators from that quarter on. Run it inside the
    caller's transaction. Inside `deferred(con)` a one-agency refresh is recorded in the backlog instead."""
    if agency is None:
        counts = _refresh(con, None)
        con.execute("DELETE FROM assessment_backlog")   # everything was recomputed
        return counts
    if in_bulk(con):
        from datetime import datetime, timezone
        con.execute(BACKLOG_UPSERT, {"agency": agency, "since_key": _key(since),
                                     "at": datetime.now(timezone.utc).replace(tzinfo=None)})
        return {}
    return _refresh(con, {agency: _key(since)})


def _refresh(con, pending: dict[str, int] | None) -> dict:
    """Every verdict (`pending` None), or the listed agencies from their quarter key on plus the aggregate
    rows from the earliest of those keys on."""
    periods = _rows(con, PERIODS)
    rules = _rules(con)
    nat_t = _national_target_map(con)
    n_agency = _refresh_agencies(con, periods, rules, nat_t, pending)
    since_key = 0 if pending is None else min(pending.values())
    n_national = _refresh_national(con, periods, rules, nat_t, national=pending is None, since_key=since_key)
    return {"assessments": n_agency, "national_assessments": n_national}


def _targets_for(rules, nat_t, code):
    return A.national_targets_for(code, rules[code][0]["target_from"], nat_t)


def _refresh_agencies(con, periods, rules, nat_t, pending: dict[str, int] | None) -> int:
    params = {"agencies": None if pending is None else sorted(pending)}
    ag_t: dict[tuple, dict[int, dict]] = defaultdict(dict)
    for r in _rows(con, AGENCY_TARGETS, params):
        ag_t[(r["agency_code"], r["indicator_code"])][int(r["year"])] = r
    for r in _rows(con, AGENCY_TARGET_TEXTS, params):
        ag_t[(r["agency_code"], r["indicator_code"])].setdefault(int(r["year"]), dict(r))["target_text"] = \
            r["target_text"]
    series: dict[tuple, list] = defaultdict(list)
    for r in con.execute(AGENCY_VALUES, params).fetchall():
        series[(r[0], r[1])].append(r[2:])
    if pending is None:
        con.execute("DELETE FROM assessments")
    else:
        con.execute("DELETE FROM assessments USING (SELECT unnest($a) AS a, unnest($k) AS k) p "
                    "WHERE assessments.agency_code = p.a AND quarter_key(assessments.year, assessments.quarter) >= p.k",
                    {"a": list(pending), "k": list(pending.values())})
    out = []
    for (agency_code, code), vals in series.items():
        if code not in rules:
            continue
        meta, rule = rules[code]
        own = ag_t.get((agency_code, code), {})
        national = _targets_for(rules, nat_t, code)
        first = 0 if pending is None else pending[agency_code]
        for p in periods:
            start, end = int(p["start_year"]), int(p["end_year"])
            inside = [v for v in vals if start <= v[0] <= end]
            if not inside:
                continue
            k0 = quarter_key(inside[0][0], inside[0][1])
            i = 0
            for y, q in period_quarters(start, end):
                k = quarter_key(y, q)
                if k < k0 or k < first:
                    continue
                while i < len(inside) and quarter_key(inside[i][0], inside[i][1]) <= k:
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


def _refresh_national(con, periods, rules, nat_t, national: bool, since_key: int = 0) -> int:
    """National indicators from the published series (only when `national`), and the aggregate of agency
    values for agency-level indicators (always: any submission changes them), from quarter key `since_key`
    on: a verdict at a quarter reads only the aggregates up to that quarter, so earlier rows stay as they are."""
    others: dict[str, dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
    if national:
        con.execute("DELETE FROM national_assessments")
        con.execute("DELETE FROM national_target_alternatives")
        for r in _rows(con, OTHER_BASES):
            others[r["indicator_code"]][int(r["year"])].append(r)
    else:
        con.execute("DELETE FROM national_assessments WHERE scope = 'aggregate' AND quarter_key(year, quarter) >= ?",
                    [since_key])
    obs: dict[str, list] = defaultdict(list)
    monthly: set[str] = set()   # national series published for a month of the year (not annual, not December)
    if national:
        for r in con.execute(NATIONAL_SERIES).fetchall():
            obs[r[0]].append((obs_time(r[1], r[2]), r[3], r[4]))
            if r[2] is not None and int(r[2]) != 12:
                monthly.add(r[0])
    agg: dict[str, list] = defaultdict(list)
    for code, y, q, value in con.execute(AGGREGATE_SERIES).fetchall():
        agg[code].append((y, q, value))
    out, alt = [], []
    for p in periods:
        start, end = int(p["start_year"]), int(p["end_year"])
        for code, (meta, rule) in rules.items():
            if meta["level"] == "national":
                if not national:
                    continue
                scope, pts_all = "national", obs.get(code, [])
                if code in monthly:   # time words from the data's own frequency: "Maret 2024", not "TW I 2024"
                    rule = replace(rule, freq="month")
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
                if quarter_key(y, q) < since_key:
                    continue
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
                if scope == "national" and v.kind == "target":
                    alt += _alternatives(rule, known, others[code].get(y, ()), y, q, end)
    _insert(con, "national_assessments", out, NATIONAL_COLUMNS)
    _insert(con, "national_target_alternatives", alt, ALTERNATIVE_COLUMNS)
    return len(out)


def _alternatives(rule, known, bases, y: int, q: int, end: int) -> list[dict]:
    """What each non-designated target basis of year `y` would say about the same data (rule 1 of the engine
    with that basis's target in place of the designated one)."""
    rows = []
    for b in bases:
        t = A.resolve_target(rule.direction, y, end, None, {y: b})
        if t is None or t.year != y:
            continue
        v = A.judge(rule, [(tt, val) for tt, val, _ in known if val is not None], year=y, quarter=q,
                    end_year=end, target=t)
        rows.append(dict(indicator_code=rule.code, year=y, quarter=q, basis_code=b["basis_code"], basis=b["basis"],
                         target_low=t.low, target_high=t.high, target_text=t.text, status=v.status,
                         capaian=v.capaian, capaian_capped=v.capaian_capped, explanation=v.explanation_id,
                         explanation_en=v.explanation_en))
    return rows
