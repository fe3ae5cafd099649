"""Progress engine for the RB roadmap: pure functions, stdlib only (rules applied by indicators/assessment.py).

Rules and their sources (reference = /work/shared/reference/anchors-and-progress-methods.md):
- status, ratio and score: Statistics Canada / Open SDG progress measure, sdg-build
  ProgressMeasure.py (§3.1); `sign`, the `d/|CAGR_req|` form and the natural-limit factor C
  follow the 2024 StatCan method text and published components (§3.1.3-3.1.5);
- within-year pacing: USAID-OHA-SI gophr `calc_achievement.R` (§3.4);
- "what is needed" path and the plain-language card: our own ideas (§4 items 7 and 8).
Time is fractional years (docs/architecture.md): year Y -> Y, quarter q -> Y-1+q/4, month m -> Y-1+m/12.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from indicators import texts

METHOD = "statcan-2024"
DIRECTIONS = ("higher_better", "lower_better", "band")
DEFAULT_THRESHOLDS = {"high": 0.95, "med": 0.60, "low": 0.0}  # on R (§3.1.3)
DEFAULT_THRESHOLDS_NO_TARGET = {"high": 0.015, "med": 0.005, "low": 0.0}  # on v (§3.1.4)
LIMIT_EXPONENT = 4.44  # derived from StatCan published components (§3.1.4)
ZERO_REPLACEMENT = 0.001  # §3.1.1 item 4
STATUSES = ("deterioration", "limited_progress", "acceleration_needed", "on_track", "target_achieved")
STATUS_RANK = {s: i for i, s in enumerate(STATUSES)}  # higher = better; unable_to_assess is unranked
UNABLE_REASONS = ("too_few_points", "span_under_one_year", "mixed_sign", "no_base",
                  "band_without_target", "target_time_not_after_base", "numeric_range", "no_target_time")

STATUS_LABELS = {
    "id": {"target_achieved": "Target tercapai", "on_track": "Sesuai jalur",
           "acceleration_needed": "Perlu percepatan", "limited_progress": "Kemajuan terbatas",
           "deterioration": "Memburuk", "unable_to_assess": "Belum dapat dinilai",
           "concerned": "Mengkhawatirkan", "at_risk": "Berisiko", "on_target": "Sesuai rencana",
           "above_target": "Di atas rencana", "no_target": "Tanpa target", "no_data": "Belum ada data",
           "trend_improving": "Membaik (tanpa target)", "trend_stable": "Stagnan (tanpa target)",
           "trend_worsening": "Memburuk (tanpa target)", "discontinued": "Dihentikan (tidak dinilai)"},
    "en": {"target_achieved": "Target achieved", "on_track": "On track",
           "acceleration_needed": "Acceleration needed", "limited_progress": "Limited progress",
           "deterioration": "Deterioration", "unable_to_assess": "Unable to assess",
           "concerned": "Concerned", "at_risk": "At risk", "on_target": "On target",
           "above_target": "Above target", "no_target": "No target", "no_data": "No data",
           "trend_improving": "Improving (no target)", "trend_stable": "Stagnant (no target)",
           "trend_worsening": "Worsening (no target)", "discontinued": "Discontinued (no verdict)"},
}


def as_number(x):
    """float(x), or None for None/NaN/non-numbers (the one such helper: assessment and queries use it too)."""
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


_num = as_number


def _split_target(target):
    """A number -> (x, x); a (low, high) pair -> sorted pair (an open side stays None)."""
    if isinstance(target, (tuple, list)):
        lo, hi = (_num(v) for v in target)
        return (min(lo, hi), max(lo, hi)) if lo is not None and hi is not None else (lo, hi)
    x = _num(target)
    return x, x


def _pick(lo, hi, d):
    """Range target for a non-band direction: low for higher_better, high for lower_better."""
    return (lo if lo is not None else hi) if d > 0 else (hi if hi is not None else lo)


@dataclass(frozen=True)
class Assessment:
    """One status record with every input and intermediate (reference §3.6, "keep every input")."""
    status: str
    method: str
    has_target: bool
    direction: str
    n_points: int
    score: float | None = None
    ratio: float | None = None  # R with a target, v without
    reason: str | None = None  # why unable_to_assess (see UNABLE_REASONS)
    effective_direction: str | None = None  # direction actually assessed (band -> higher/lower_better)
    base_time: float | None = None
    base_value: float | None = None  # after the 0 -> 0.001 replacement
    latest_time: float | None = None
    latest_value: float | None = None
    target_value: float | None = None  # the number used (None when inside a band)
    target_low: float | None = None
    target_high: float | None = None
    target_time: float | None = None
    limit: float | None = None
    limit_factor: float | None = None  # C
    cagr_observed: float | None = None
    cagr_required: float | None = None
    sign: int | None = None
    thresholds: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def _cagr(y_from, y_to, dt):
    """CAGR = (y_to/y_from)^(1/dt) - 1 (reference §3.1.2) for same-sign values, computed in logs
    so that extreme ratios give inf instead of OverflowError."""
    if y_to == 0:
        return -1.0
    x = (math.log(abs(y_to)) - math.log(abs(y_from))) / dt
    return math.expm1(x) if x < 709 else math.inf


def _target_score(r):
    """StatCan score with a target, rounded constants as in ProgressMeasure.py (§3.1.5)."""
    s = 4.1667 * r - 2.5 if r <= 0.6 else 7.1429 * r - 4.2857
    return max(-5.0, min(5.0, s))


def _no_target_score(v, c):
    """StatCan 2024 score without a target: linear through (-0.02,-5), (0,-2.5), (0.005C,0),
    (0.015C,2.5), (0.02C,5), clamped (§3.1.5). C = 0 with v >= 0 is handled by the caller."""
    if v < 0:
        s = -2.5 + 125 * v
    elif v < 0.005 * c:
        s = -2.5 + 500 * v / c
    elif v < 0.015 * c:
        s = 250 * v / c - 1.25
    else:
        s = 500 * v / c - 5
    return max(-5.0, min(5.0, s))


def _classify(x, th):
    """Threshold bins of StatCan get_progress_status (§3.1.3/§3.1.4), renamed to our keys."""
    for key, status in (("high", "on_track"), ("med", "acceleration_needed"), ("low", "limited_progress")):
        if x >= th[key]:
            return status
    return "deterioration"


def limit_factor(y0, limit, d):
    """Natural-limit factor C (StatCan 2024, reference §3.1.4).

    Maximum limit (d=+1, 0 <= y0 < ylim): C = 1 - (y0/ylim)^4.44 (verified on published components).
    Minimum limit (d=-1, y0 > ylim >= 0): C = 1 - (ylim/y0)^4.44 -- UNVERIFIED mirror of the text.
    A base at or beyond the limit gives C = 0 (ours for "beyond"); no limit or a negative-valued
    case outside these domains gives C = 1.
    """
    if limit is None:
        return 1.0
    if d > 0:
        if y0 >= limit:
            return 0.0
        return 1.0 - (y0 / limit) ** LIMIT_EXPONENT if y0 >= 0 else 1.0
    if y0 <= limit:
        return 0.0
    return 1.0 - (limit / y0) ** LIMIT_EXPONENT if limit >= 0 else 1.0


def assess(points, direction, target=None, target_time=None, limit=None, base_time=None,
           thresholds=None) -> Assessment:
    """Statistics Canada / Open SDG progress measure (sdg-build ProgressMeasure.py; reference §3.1).

    Preconditions (§3.1.1): NaN/None values dropped; base = first point at or after `base_time`
    (else the first point); >= 2 points and latest - base >= 1 year, else "unable_to_assess".
    With a target (§3.1.3): achieved if the latest value meets it, else R = sign*d*CAGR_obs/|CAGR_req|.
    Without a target (§3.1.4): v = sign*d*CAGR_obs against 0.015C / 0.005C / 0 with the limit factor C.
    `thresholds` ({"high","med","low"}) replaces the defaults of whichever method runs, as
    StatCan's `progress_thresholds` does; positive thresholds are scaled by C. Scores (§3.1.5) do
    not depend on `thresholds`.

    Our additions (not StatCan):
    - "band": target=(low, high); latest inside (inclusive) -> target_achieved; above -> assessed
      lower_better towards `high`; below -> higher_better towards `low`.
    - a (low, high) target for higher_better uses `low`, for lower_better `high` (reaching the
      near edge of the range counts as achieved).
    - a target without `target_time` can only be found achieved; otherwise "unable_to_assess"
      (reason no_target_time). The caller passes the period's end year (indicators/assessment.py).
    - achievement is judged on the unreplaced target (0 counts as met by 0); only the CAGR uses
      the 0 -> 0.001 replacement, whose sign follows the series (-0.001 for a negative series).
    - the same-sign check is done after the achievement test (achievement needs no growth rate).
    - CAGR_req = 0 (base equals target, latest not achieved): R = -inf if the series moved away
      (deterioration, score -5), +inf if it moved towards the target, 0 if unchanged.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    pts = sorted((t, v) for t, v in ((_num(t), _num(v)) for t, v in points)
                 if t is not None and v is not None and math.isfinite(t) and math.isfinite(v))
    lo, hi = _split_target(target)
    has_target = lo is not None or hi is not None
    target_time, limit = _num(target_time), _num(limit)
    is_range = isinstance(target, (tuple, list))
    th = {k: float(x) for k, x in {**(DEFAULT_THRESHOLDS if has_target else DEFAULT_THRESHOLDS_NO_TARGET),
                                    **(thresholds or {})}.items()}
    rec = dict(direction=direction, method=METHOD, has_target=has_target, thresholds=th,
               target_low=lo if is_range else None, target_high=hi if is_range else None,
               target_time=target_time, limit=limit, n_points=len(pts))
    use = [p for p in pts if p[0] >= base_time] if base_time is not None else pts
    if use:
        rec.update(base_time=use[0][0], base_value=use[0][1], latest_time=use[-1][0],
                   latest_value=use[-1][1], n_points=len(use))

    def done(status, score=None, reason=None, **kw):
        rec.update(kw, status=status, score=score, reason=reason)
        return Assessment(**rec)

    if direction == "band" and (lo is None or hi is None or not is_range):
        return done("unable_to_assess", reason="band_without_target")
    if pts and base_time is not None and not use:
        return done("unable_to_assess", reason="no_base", base_time=float(base_time))
    if len(use) < 2:
        return done("unable_to_assess", reason="too_few_points")
    (t0, y0), (ti, yi) = use[0], use[-1]
    if ti - t0 < 1:
        return done("unable_to_assess", reason="span_under_one_year")

    # Effective direction and the single target number (band / range rules are ours).
    if direction == "band":
        if lo <= yi <= hi:
            return done("target_achieved", 5.0)
        d, yt = (-1, hi) if yi > hi else (1, lo)
    else:
        d = 1 if direction == "higher_better" else -1
        yt = _pick(lo, hi, d) if has_target else None
    rec.update(effective_direction="higher_better" if d > 0 else "lower_better", target_value=yt)
    if yt is not None and (yi >= yt if d > 0 else yi <= yt):
        return done("target_achieved", 5.0)

    # Same-sign precondition and 0 -> 0.001 replacement (§3.1.1 items 3-4).
    s = next((1 if y > 0 else -1 for _, y in use if y != 0), 1)
    if y0 == 0:
        y0 = s * ZERO_REPLACEMENT
    if yt == 0:
        yt = s * ZERO_REPLACEMENT
    if any(y * s < 0 for _, y in use) or (yt is not None and yt * s < 0):
        return done("unable_to_assess", reason="mixed_sign")
    sign = -1 if y0 < 0 else 1
    g_obs = _cagr(y0, yi, ti - t0)
    rec.update(base_value=y0, target_value=yt, sign=sign, cagr_observed=g_obs)

    if yt is not None:
        if target_time is None:
            return done("unable_to_assess", reason="no_target_time")
        if target_time - t0 <= 0:
            return done("unable_to_assess", reason="target_time_not_after_base")
        g_req = _cagr(y0, yt, target_time - t0)
        num = sign * d * g_obs
        if g_req == 0:
            r = -math.inf if num < 0 else (math.inf if num > 0 else 0.0)
        else:
            r = num / abs(g_req)
        if math.isnan(r):  # inf/inf: values too extreme for floating point
            return done("unable_to_assess", reason="numeric_range", cagr_required=g_req)
        return done(_classify(r, th), _target_score(r), ratio=r, cagr_required=g_req)

    v = sign * d * g_obs
    c = limit_factor(y0, limit, d)
    if c == 0 and v >= 0:
        return done("on_track", 5.0, ratio=v, limit_factor=c)
    scaled = {k: x * c if x > 0 else x for k, x in th.items()}
    return done(_classify(v, scaled), _no_target_score(v, c), ratio=v, limit_factor=c)


@dataclass(frozen=True)
class RollupResult:
    status: str
    mean_score: float | None
    n: int
    n_assessed: int

    @property
    def score(self):
        return self.mean_score


def status_from_score(score):
    """Map a (mean) score back to a status, StatCan roll-up bins (reference §3.1.5)."""
    return "unable_to_assess" if score is None else _classify(score, {"high": 2.5, "med": 0.0, "low": -2.5})


def rollup(assessments_or_scores) -> RollupResult:
    """Theme roll-up by mean score (Statistics Canada aggregation, reference §3.1.5).

    Items may be Assessments, RollupResults (roll sub-groups up first), dicts with
    "status"/"score", or bare scores (None = not assessed). unable_to_assess items are ignored.
    "target_achieved" only if every assessed item achieved its target (bare scores never count
    as achieved); nothing assessed -> "unable_to_assess".
    """
    items = [(it.get("status"), _num(it.get("score"))) if isinstance(it, dict)
             else (it.status, _num(it.score)) if hasattr(it, "status") else (None, _num(it))
             for it in assessments_or_scores]
    scored = [(st, sc) for st, sc in items if sc is not None and st != "unable_to_assess"]
    if not scored:
        return RollupResult("unable_to_assess", None, len(items), 0)
    mean = sum(sc for _, sc in scored) / len(scored)
    all_met = all(st == "target_achieved" for st, _ in scored)
    return RollupResult("target_achieved" if all_met else status_from_score(mean), mean,
                        len(items), len(scored))


@dataclass(frozen=True)
class Pacing:
    achievement: float | None  # A = realised / annual target
    expected: float | None  # g
    status: str  # concerned | at_risk | on_target | above_target | no_target | no_data
    gap: float | None  # A - g (negative = behind)


def pacing(realised_to_date, annual_target, quarter, measurement="cumulative") -> Pacing:
    """Within-year pacing, USAID-OHA-SI gophr calc_achievement.R (reference §3.4).

    g = q/4 for cumulative indicators, 1 for snapshot/average ones. A <= g-0.25 concerned;
    A < g-0.10 at_risk; A <= g+0.10 on_target; above that above_target. Boundaries are compared
    after rounding A-g to 9 decimals so that e.g. 0.65 vs g=0.75 is exactly on a boundary.
    Meant for quantities where more is better (gophr's scope).
    """
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1-4, got {quarter!r}")
    if measurement not in ("cumulative", "snapshot", "average"):
        raise ValueError(f"unknown measurement {measurement!r}")
    g = quarter / 4 if measurement == "cumulative" else 1.0
    t, r = _num(annual_target), _num(realised_to_date)
    if not t:
        return Pacing(None, g, "no_target", None)
    if r is None:
        return Pacing(None, g, "no_data", None)
    a = r / t
    gap = round(a - g, 9)
    status = ("concerned" if gap <= -0.25 else "at_risk" if gap < -0.10
              else "on_target" if gap <= 0.10 else "above_target")
    return Pacing(a, g, status, a - g)


def needed(latest_time, latest_value, target_value, target_time, at_times):
    """Required value at each time to reach the target on time (reference §4 item 7; ours).

    Geometric path yi*(yT/yi)^((t-ti)/(tT-ti)) -- the inverse of StatCan's CAGR_req from the
    latest point; linear interpolation when either value is <= 0. The fraction is clamped to
    [0, 1]: times at/after tT (or a target time already passed) require yT.
    """
    ti, yi, yt, tt = (float(x) for x in (latest_time, latest_value, target_value, target_time))
    out = []
    for t in at_times:
        f = 1.0 if tt <= ti else min(1.0, max(0.0, (t - ti) / (tt - ti)))
        req = yi * (yt / yi) ** f if yi > 0 and yt > 0 else yi + (yt - yi) * f
        out.append((t, yt if f == 1.0 else req))
    return out


def fmt_number(x, decimals=2, lang="id"):
    """Number formatting: id "1.234,5" (thousands dot, decimal comma); en "1,234.5"."""
    x = _num(x)
    if x is None:
        return "–"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    s = f"{x:,.{decimals}f}"
    if float(s.replace(",", "")) == 0:
        s = s.lstrip("-")
    return s.translate(str.maketrans(",.", ".,")) if lang == "id" else s


def fmt_target(low, high, text=None, decimals=2, lang="id"):
    """A target in words, the one rule for every medium: '45', '6,00–7,00' for a band or range, the category
    itself ('WTP'), or '–' when there is none."""
    if isinstance(text, str) and text:
        return text
    lo, hi = as_number(low), as_number(high)
    if lo is None and hi is None:
        return "–"
    if lo is None or hi is None or lo == hi:
        return fmt_number(lo if lo is not None else hi, decimals, lang)
    return f"{fmt_number(lo, decimals, lang)}–{fmt_number(hi, decimals, lang)}"


def format_time(t, lang="id", freq=None):
    """Fractional time back to a label: "2023", "TW II 2023"/"Q2 2023", "Maret 2023"/"March 2023".

    Whole years print as years (Q4 coincides with the year end); months 3/6/9 coincide with
    quarters and print as quarters unless freq="month". freq in {None, "year", "quarter", "month"}.
    """
    t = _num(t)
    if t is None:
        return "–"
    y = math.floor(t + 1e-9)
    frac = t - y
    whole = abs(frac) < 1e-6
    year, q, m = (y, 4, 12) if whole else (y + 1, round(frac * 4), round(frac * 12))
    if whole and freq in (None, "year"):
        return str(year)
    if freq in (None, "quarter") and abs(frac * 4 - round(frac * 4)) < 1e-6:
        return texts.quarter_label(year, q, lang)
    if freq in (None, "month") and abs(frac * 12 - round(frac * 12)) < 1e-6:
        return texts.month_year(year, m, lang)
    return fmt_number(t, 2, lang)


_TEXT = {
    "id": {"from": "Dari {b} ({tb}) menjadi {l} ({tl})", "rate": "laju {g}%/tahun",
           "need": "dibutuhkan {r}%/tahun untuk mencapai {T} pada {tT}", "ratio": "rasio laju aktual terhadap laju yang dibutuhkan {R}",
           "flat": "nilai dasar sudah sama dengan target {T}, tetapi nilai terakhir menjauh",
           "met": "target {T} pada {tT} sudah tercapai", "inside": "nilai berada dalam rentang {lo}–{hi}",
           "range": "Nilai {l} pada {tl} {edge_side} {lo_n}–{hi}; perlu {move} {gap} untuk mencapai rentang "
                    "sasaran pada {tT}; {since} {moved}{towards}",
           "range_below": "di bawah rentang sasaran", "range_above": "di atas rentang sasaran",
           "since_prev": "dibanding {tp} ({p})", "since_base": "sejak {tb} ({b})",
           "toward": ", mendekati rentang sasaran", "away": ", menjauhi rentang sasaran",
           "rise": "naik", "fall": "turun", "unchanged": "nilainya tidak berubah", "points": "poin",
           "rose": "naik", "fell": "turun",
           "notarget": "tanpa target; ambang sesuai jalur {h}%/tahun",
           "factor": " (faktor batas alami {C} untuk batas {lim})",
           "atlimit": "nilai dasar sudah di batas alami {lim} dan tidak memburuk",
           "too_few_points": "butuh minimal 2 titik data (tersedia {n})",
           "span_under_one_year": "data dari {tb} sampai {tl} mencakup kurang dari 1 tahun",
           "mixed_sign": "nilai berganti tanda (positif/negatif), laju pertumbuhan tidak dapat dihitung",
           "no_base": "tidak ada data pada atau setelah tahun dasar {tb}",
           "band_without_target": "indikator rentang tanpa batas bawah dan atas",
           "target_time_not_after_base": "tahun target ({tT}) tidak setelah tahun dasar ({tb})",
           "numeric_range": "nilai terlalu ekstrem untuk dihitung",
           "no_target_time": "tahun target tidak diketahui"},
    "en": {"from": "From {b} ({tb}) to {l} ({tl})", "rate": "growth {g}%/year",
           "need": "{r}%/year needed to reach {T} by {tT}", "ratio": "ratio of actual to needed growth {R}",
           "flat": "the base already equalled the target {T}, but the latest value moved away",
           "met": "the target of {T} for {tT} has been reached", "inside": "the value is within the range {lo}–{hi}",
           "range": "Value {l} in {tl} is {edge_side} {lo_n}–{hi}; it must {move} {gap} to reach the target "
                    "range by {tT}; {since} {moved}{towards}",
           "range_below": "below the target range", "range_above": "above the target range",
           "since_prev": "compared with {tp} ({p})", "since_base": "since {tb} ({b})",
           "toward": ", towards the target range", "away": ", away from the target range",
           "rise": "rise", "fall": "fall", "unchanged": "it has not changed", "points": "percentage points",
           "rose": "it rose", "fell": "it fell",
           "notarget": "no target; on-track threshold {h}%/year",
           "factor": " (natural-limit factor {C} for limit {lim})",
           "atlimit": "the base is already at the natural limit {lim} and has not worsened",
           "too_few_points": "at least 2 data points are needed ({n} available)",
           "span_under_one_year": "the data from {tb} to {tl} span less than 1 year",
           "mixed_sign": "the values change sign (positive/negative), so no growth rate can be computed",
           "no_base": "no data at or after the base year {tb}",
           "band_without_target": "range indicator without a low and high bound",
           "target_time_not_after_base": "the target year ({tT}) is not after the base year ({tb})",
           "numeric_range": "the values are too extreme to compute",
           "no_target_time": "the target year is not known"},
}


def explain(assessment, lang="id", unit="", decimals=2, label=None, previous=None, freq=None) -> str:
    """Plain-language "why this status" sentence built only from the stored components
    (reference §4 item 8). lang "id" (Bahasa Indonesia, Indonesian number format) or "en".
    `label` replaces the status word (e.g. the words for a series without a target); `previous` = (t, value)
    of the observation before the latest one: outside a band or range the sentence says how the value moved
    since then (towards or away from the range). `freq` = the data's own frequency for the data times
    ("month" for the March/September poverty rounds: *Maret 2024*, not *TW I 2024*); target times are years."""
    a, lang = assessment, ("en" if lang == "en" else "id")
    txt, label = _TEXT[lang], label or STATUS_LABELS[lang][a.status]
    sep = "" if unit in ("", "%") else " "

    def val(x):
        return fmt_number(x, decimals, lang) + (sep + unit if x is not None else "")

    def pct(x):
        return fmt_number(None if x is None else x * 100, 1, lang)

    f = dict(b=val(a.base_value), l=val(a.latest_value), T=val(a.target_value),
             lo=val(a.target_low), hi=val(a.target_high), lim=val(a.limit), n=a.n_points,
             tb=format_time(a.base_time, lang, freq), tl=format_time(a.latest_time, lang, freq),
             tT=format_time(a.target_time, lang), g=pct(a.cagr_observed), r=pct(a.cagr_required),
             R=fmt_number(a.ratio, 2, lang), C=fmt_number(a.limit_factor, 2, lang))
    if a.status == "unable_to_assess":
        return f"{label}: " + txt.get(a.reason, a.reason or "").format(**f) + "."
    if _outside_range(a):
        return _explain_range(a, txt, f, label, val, unit.strip().startswith("%"), decimals, lang, previous, freq)
    head, tail = [txt["from"]], []
    if a.status == "target_achieved":
        head.append(txt["inside"] if a.target_value is None else txt["met"])
    elif a.has_target:
        head.append(txt["rate"])
        if a.cagr_required == 0:
            head.append(txt["flat"])
        else:
            head.append(txt["need"])
            tail.append(txt["ratio"])
    else:
        head.append(txt["rate"])
        if a.limit_factor == 0 and a.status == "on_track":
            head.append(txt["atlimit"])
        else:
            high = a.thresholds.get("high", 0.015)
            f["h"] = pct(high * a.limit_factor if high > 0 else high)
            head.append(txt["notarget"] + (txt["factor"] if a.limit is not None else ""))
    text = " → ".join(["; ".join(head)] + tail + [label])
    return text.format(**f) + "."


def _outside_range(a) -> bool:
    """A band or range target (low < high) that the latest value misses: the explanation says where the
    value sits against the nearer bound (*Batas bawah/atas target*) instead of growth rates."""
    return (a.status != "target_achieved" and a.target_value is not None and a.latest_value is not None
            and a.target_low is not None and a.target_high is not None and a.target_low < a.target_high
            and a.base_value is not None)


def _explain_range(a, txt, f, label, val, points: bool, decimals, lang, previous=None, freq=None) -> str:
    """'Nilai 1,87 % pada 2021 di bawah rentang sasaran 2,00–4,00 %; perlu naik 0,13 poin untuk mencapai rentang
    sasaran pada 2021; dibanding 2020 (1,68 %) naik 0,19 poin, mendekati rentang sasaran → Kemajuan terbatas.'
    (Bank Indonesia and Kemenkeu say *di bawah / di atas sasaran*; the movement is since the previous value, or
    since the base value when there is none.)"""
    below = a.effective_direction == "higher_better"

    def amount(x):  # a change of a percentage is in points, of anything else in its unit
        return f"{fmt_number(abs(x), decimals, lang)} {txt['points']}" if points else val(abs(x))

    pt, pv = (previous if previous is not None else (None, None))
    if pv is not None:
        since, change = txt["since_prev"].format(tp=format_time(pt, lang, freq), p=val(pv)), a.latest_value - pv
    else:
        since, change = txt["since_base"].format(**f), a.latest_value - a.base_value
    flat = round(change, decimals) == 0
    moved = txt["unchanged"] if flat else f"{txt['rose' if change > 0 else 'fell']} {amount(change)}"
    towards = "" if flat else txt["toward" if (change > 0) == below else "away"]
    words = dict(f, edge_side=txt["range_below" if below else "range_above"],
                 lo_n=fmt_number(a.target_low, decimals, lang), move=txt["rise" if below else "fall"],
                 gap=amount(a.target_value - a.latest_value), moved=moved, since=since, towards=towards)
    return f"{txt['range'].format(**words)} → {label}."
