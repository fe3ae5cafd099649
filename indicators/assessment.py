"""The assessment engine: one verdict per indicator series and time, with every rule in one place.

Pure functions (no SQL, no Streamlit). `loaders/assessments.py` calls `judge()` for every agency x
indicator x quarter and every national indicator x quarter when data change, and stores the result
(views `v_assessments`, `v_national_assessments`); pages only read what is stored.

Rules (each tested in tests/test_assessment.py with real catalogue entries):

1. Target resolution (`resolve_target`): the agency's own target for the year judged, else the national
   (catalogue) target of that year, else the period-end target (agency, then national);
   `origin` = agency | national | period_end. A *band* indicator's agency target counts only when it is a
   real band (lower < upper bound); otherwise the national band of that year applies. Regional inflation
   (catalogue key `target_from: NAT_INFL`) takes its national band from the national indicator, as the
   Home Affairs minister judges regional inflation against the national target band.
2. A row for (year Y, quarter q) judges the latest value known at the end of that quarter against the
   target resolved for year Y: "achieved" and capaian use that year's target. The end-of-period status is
   the row of the period's last year, which uses the end target.
3. Status toward the target: the Statistics Canada / Open SDG progress measure (`progress.assess`), with
   the year's target at the end of that year as (target, target time). A latest value that meets the
   year's target is target_achieved even with fewer than two points or less than a year of data (the
   two-point minimum is for the growth rate, which achievement does not need).
   Outside a band or range (rule 3b, ours): *deterioration* only when the latest value moved away from the
   range since the previous value; a value moving towards it is at best *limited_progress*, and the words are
   *di bawah / di atas rentang sasaran* with the movement (Bank Indonesia / Kemenkeu usage).
   Zero target (e.g. extreme poverty 0 %): the growth-rate measure is undefined at 0, so no 0.001
   stand-in is used; the ratio is observed absolute change per year / required absolute change per year
   (linear path from the base value to 0 at the target time), classified with the same thresholds.
4. Capaian (`capaian`), KemenPANRB performance-management regulation (Permenpan RB 8/2021, Bab VI
   "Penilaian Kinerja", capaian IKI):
   - normal condition (higher is better): realisasi / target x 100 %;
   - special condition (lower is better): (1 + (1 - realisasi / target)) x 100 %, floored at 0;
   - a target set as a range: the upper bound when the value is above it, the lower bound when below;
     inside the range (and inside a band) capaian is 100 %;
   - a capaian above 110 % is credited as the maximum (the regulation converts it to the top score), so
     `capaian_capped` = min(capaian, 110); both the raw and the capped number are kept and shown;
     averages across agencies use the capped number, so one unit slip cannot move a national figure;
   - zero target (ours, the regulation divides by the target): the share of the distance from the base
     value to 0 that has been covered, (base - value) / (base - 0) x 100.
5. Kinds: `target` (judged against a target), `trend` (no target: direction of change only, statuses
   trend_improving / trend_stable / trend_worsening from the StatCan no-target measure: v >= 0.005C,
   0 <= v < 0.005C, v < 0), `category` (ordinal categories, catalogue `rules.categories`, listed best first, e.g.
   WTP > WDP > TW > TMP: at or above the target category -> target_achieved; a fall since the previous
   observation -> deterioration; a rise that is still below -> acceleration_needed; otherwise
   limited_progress), `discontinued` (catalogue key `discontinued: <year>`: from that year no verdict).
6. Roll-ups (`rollup`, `rollup_by`, `theme_rollup`) count only `target` and `category` verdicts of series
   that represent their concept (catalogue `rollup: false` marks e.g. the March poverty figure and the
   Government Effectiveness percentile), mean score per Statistics Canada; trend verdicts are counted apart.
7. "What is needed" (`needed_steps`): only quarters after both the data and the quarter being viewed, and
   inside the period; after the period has ended the final gap to the target is given instead.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from indicators import progress
from indicators.progress import as_number as _num
from indicators.periods import qtime, quarter_of_time

KINDS = ("target", "trend", "category", "discontinued")
ROLLUP_KINDS = ("target", "category")
CAPAIAN_CAP = 110.0  # Permenpan RB 8/2021 Bab VI: capaian above 110 % earns the maximum score
TREND_STATUSES = ("trend_improving", "trend_stable", "trend_worsening")
ORIGINS = ("agency", "national", "period_end")
_TREND_OF = {"on_track": "trend_improving", "acceleration_needed": "trend_improving",
             "limited_progress": "trend_stable", "deterioration": "trend_worsening"}
# Scores of category verdicts: mid-points of the StatCan roll-up bins, so a roll-up of one item keeps it.
_CATEGORY_SCORE = {"target_achieved": 5.0, "acceleration_needed": 1.25, "limited_progress": -1.25,
                   "deterioration": -5.0}


# ------------------------------------------------------------------ indicator rule and targets
@dataclass(frozen=True)
class Rule:
    """What the engine needs to know about an indicator (from the catalogue as loaded)."""
    code: str
    direction: str = "higher_better"
    value_type: str = "number"
    measurement: str = "snapshot"
    limit: float | None = None
    unit: str = ""
    unit_en: str = ""
    decimals: int = 2
    categories: tuple[str, ...] = ()
    discontinued: int | None = None
    rollup: bool = True
    baseline_value: float | None = None
    freq: str | None = None  # the data's own frequency for time words: "month" (March/September rounds) or None


@dataclass(frozen=True)
class Target:
    low: float | None
    high: float | None
    text: str | None
    year: int
    origin: str  # agency | national | period_end

    @property
    def is_range(self) -> bool:
        return self.low is not None and self.high is not None and self.low != self.high

    def arg(self, direction: str):
        """The `target` argument of progress.assess: a (low, high) pair for bands/ranges, else a number."""
        if direction == "band" or self.is_range:
            return (self.low, self.high)
        return self.low if self.low is not None else self.high


def _usable(t, direction: str, agency: bool) -> bool:
    """Whether a target record (dict with target_low/high/text) can judge the indicator."""
    if t is None:
        return False
    lo, hi = _num(t.get("target_low")), _num(t.get("target_high"))
    if direction == "band":
        # a band needs two distinct bounds; an agency's single number is not a band
        return lo is not None and hi is not None and (lo < hi or not agency)
    return lo is not None or hi is not None or bool(t.get("target_text"))


def resolve_target(direction: str, year: int, end_year: int, agency_targets: dict | None = None,
                   national_targets: dict | None = None) -> Target | None:
    """Agency target of `year` -> national target of `year` -> period-end target (agency, then national).

    `agency_targets` / `national_targets` map year -> {target_low, target_high, target_text}."""
    agency_targets, national_targets = agency_targets or {}, national_targets or {}
    for source, origin, y, is_agency in ((agency_targets, "agency", year, True),
                                         (national_targets, "national", year, False),
                                         (agency_targets, "period_end", end_year, True),
                                         (national_targets, "period_end", end_year, False)):
        t = source.get(y)
        if _usable(t, direction, is_agency):
            lo, hi = _num(t.get("target_low")), _num(t.get("target_high"))
            if lo is not None and hi is not None and lo > hi:
                lo, hi = hi, lo
            return Target(lo, hi, t.get("target_text") or None, int(y), origin)
    return None


def national_targets_for(code: str, target_from: str | None, national: dict) -> dict:
    """The national targets (year -> record) that judge `code`: its own, else those of the national indicator
    named by its catalogue key `target_from` (rule 1)."""
    return national.get(code) or (national.get(target_from) if target_from else None) or {}


# ------------------------------------------------------------------ capaian
@dataclass(frozen=True)
class Capaian:
    raw: float | None
    capped: float | None
    met: bool | None
    against: float | None  # the bound the percentage was computed against
    rule: str  # normal | special | inside | zero_target | no_target | no_value | negative_target


def capaian(value, low, high, direction: str, base=None) -> Capaian:
    """Capaian (%) per Permenpan RB 8/2021 Bab VI (see the module docstring, rule 4). Never raises."""
    v, lo, hi = _num(value), _num(low), _num(high)
    if lo is None and hi is None:
        return Capaian(None, None, None, None, "no_target")
    if v is None:
        return Capaian(None, None, None, None, "no_value")
    lo, hi = (lo if lo is not None else hi), (hi if hi is not None else lo)
    lo, hi = min(lo, hi), max(lo, hi)
    if lo < hi and lo <= v <= hi:
        return Capaian(100.0, 100.0, True, None, "inside")
    higher = direction == "higher_better" or (direction == "band" and v < lo)
    t = (hi if v > hi else lo)
    met = v >= t if direction == "higher_better" else (v <= t if direction == "lower_better" else False)
    if t == 0:
        b = _num(base)
        if v == 0:
            return Capaian(100.0, 100.0, True, 0.0, "zero_target")
        if b is None or b == 0 or direction == "band":
            return Capaian(None, None, met, 0.0, "zero_target")
        if direction != "lower_better":
            return Capaian(None, None, met, 0.0, "zero_target")
        raw = (b - v) / b * 100
        return Capaian(raw, _cap(raw), met, 0.0, "zero_target")
    if t < 0:
        return Capaian(None, None, met, t, "negative_target")
    raw = v / t * 100 if higher else max(0.0, (1 + (1 - v / t)) * 100)
    return Capaian(raw, _cap(raw), met, t, "normal" if higher else "special")


def _cap(raw):
    return None if raw is None else max(0.0, min(raw, CAPAIAN_CAP))


# ------------------------------------------------------------------ verdict
@dataclass(frozen=True)
class Verdict:
    kind: str
    status: str
    score: float | None = None
    ratio: float | None = None
    capaian: float | None = None
    capaian_capped: float | None = None
    target: Target | None = None
    latest_time: float | None = None
    latest_value: float | None = None
    latest_text: str | None = None
    n_points: int = 0
    explanation_id: str = ""
    explanation_en: str = ""
    needed: tuple = ()  # ((t, value), ...)
    gap: float | None = None  # target edge minus latest value when the target is not met
    in_rollup: bool = False
    assessment: progress.Assessment | None = field(default=None, compare=False, repr=False)


def counts_in_rollup(kind: str, rule: Rule) -> bool:
    """Only target and category verdicts of the series that represents its concept enter roll-ups."""
    return kind in ROLLUP_KINDS and rule.rollup


def kind_of(rule: Rule, year: int, target: Target | None) -> str:
    if rule.discontinued is not None and year >= rule.discontinued:
        return "discontinued"
    if rule.value_type == "category":
        return "category" if target is not None and target.text else "trend"
    return "target" if target is not None else "trend"


_WORDS = {
    "id": {"discontinued": "Indikator dihentikan sejak {y}; tidak ada penilaian", "no_data": "Belum ada data",
           "cat": "Kategori terakhir {l} ({tl}){prev}; target {T} → {label}", "prev": ", sebelumnya {p}",
           "cat_trend": "Kategori terakhir {l} ({tl}){prev}; tanpa target → {label}",
           "unknown_cat": "Kategori {l} tidak ada dalam urutan {order}",
           "zero": "Dari {b} ({tb}) menjadi {l} ({tl}); target {T} pada {tT}: perubahan {g} per tahun, "
                   "dibutuhkan {r} per tahun (garis lurus ke nol) → rasio {R} → {label}"},
    "en": {"discontinued": "Indicator discontinued since {y}; no verdict", "no_data": "No data yet",
           "cat": "Latest category {l} ({tl}){prev}; target {T} → {label}", "prev": ", previously {p}",
           "cat_trend": "Latest category {l} ({tl}){prev}; no target → {label}",
           "unknown_cat": "Category {l} is not in the order {order}",
           "zero": "From {b} ({tb}) to {l} ({tl}); target {T} by {tT}: change {g} per year, {r} per year "
                   "needed (straight line to zero) → ratio {R} → {label}"},
}


def label(status: str, lang: str = "id") -> str:
    return progress.STATUS_LABELS["en" if lang == "en" else "id"].get(status, status)


def judge(rule: Rule, points, *, year: int, quarter: int, end_year: int, target: Target | None,
          texts=(), current=None) -> Verdict:
    """The verdict for one series as known at the end of (year, quarter).

    `points`: [(t, value)] numeric observations up to that time (fractional years) that form the trend
    (`series_points`); `texts`: [(t, text)] for category indicators; `current`: the latest value when it is
    not a trend point (a partial-year total of a cumulative indicator), used for capaian.
    `target`: from `resolve_target` for `year`."""
    kind = kind_of(rule, year, target)
    row_time = qtime(year, quarter)
    pts = sorted((float(t), float(v)) for t, v in points if _num(v) is not None)
    if kind == "discontinued":
        words = {lg: _WORDS[lg]["discontinued"].format(y=rule.discontinued) + "." for lg in ("id", "en")}
        last = pts[-1] if pts else (None, None)
        return Verdict(kind, "discontinued", target=None, latest_time=last[0], latest_value=last[1],
                       n_points=len(pts), explanation_id=words["id"], explanation_en=words["en"])
    if rule.value_type == "category":
        return _judge_category(rule, sorted(texts, key=lambda x: x[0]), kind, target)
    t_arg = target.arg(rule.direction) if target is not None else None
    if rule.direction == "band" and not isinstance(t_arg, tuple):
        t_arg = None
    t_time = float(target.year) if target is not None else None
    a = progress.assess(pts, rule.direction, target=t_arg, target_time=t_time, limit=rule.limit)
    base = rule.baseline_value if rule.baseline_value is not None else (pts[0][1] if pts else None)
    if kind == "target" and isinstance(t_arg, (int, float)) and t_arg == 0 and a.status not in (
            "target_achieved", "unable_to_assess"):
        a = _zero_target(a, pts, t_time)
    now = _num(current) if current is not None else a.latest_value
    cap = capaian(now, target.low if target else None, target.high if target else None,
                  rule.direction, base) if kind == "target" else Capaian(None, None, None, None, "no_target")
    if kind == "target" and cap.met and a.status == "unable_to_assess" and a.reason in (
            "too_few_points", "span_under_one_year") and now == a.latest_value:
        # meeting the year's target needs no growth rate: the two-point minimum is for the progress rate
        a = replace(a, status="target_achieved", score=5.0, reason=None)
    if kind == "target":
        a = _band_movement(a, pts)
    status = a.status if kind == "target" else (_TREND_OF.get(a.status, a.status))
    previous = pts[-2] if len(pts) > 1 else None
    explain = {lg: _explain_numeric(a, status, lg, rule, previous) for lg in ("id", "en")}
    gap = None
    if kind == "target" and now is not None and cap.met is False and cap.against is not None:
        gap = cap.against - now
    needed = needed_steps(a, row_time, end_year) if kind == "target" else ()
    return Verdict(kind, status, a.score, a.ratio, cap.raw, cap.capped, target if kind == "target" else None,
                   a.latest_time, a.latest_value, None, a.n_points, explain["id"], explain["en"], needed, gap,
                   counts_in_rollup(kind, rule), a)


def _band_movement(a: progress.Assessment, pts) -> progress.Assessment:
    """Rule 3b (ours): outside a band or range, *deterioration* only when the latest value moved away from the
    range since the previous value. Moving towards it (inflation 2021: 1,87 % after 1,68 %, below 2–4 %) is
    *limited_progress* (the StatCan bin between 0 and 0.60; score -1,25, the middle of that bin) when the
    growth-rate measure said *deterioration* because the base value lay on the other side."""
    if (a.status != "deterioration" or not progress._outside_range(a) or len(pts) < 2):
        return a
    prev, latest = pts[-2][1], pts[-1][1]
    below = a.effective_direction == "higher_better"
    away = latest < prev if below else latest > prev
    if away:
        return a
    return replace(a, status="limited_progress", score=-1.25)


def _zero_target(a: progress.Assessment, pts, target_time) -> progress.Assessment:
    """Rule 3, zero target: observed vs required absolute change per year (no 0.001 stand-in)."""
    (t0, y0), (ti, yi) = pts[0], pts[-1]
    d = -1 if yi > 0 else 1  # towards zero
    if target_time - t0 <= 0:
        return replace(a, status="unable_to_assess", score=None, reason="target_time_not_after_base")
    observed = (yi - y0) / (ti - t0)
    required = (0 - y0) / (target_time - t0)
    if required == 0:
        r = -math.inf if observed * d < 0 else (math.inf if observed * d > 0 else 0.0)
    else:
        r = observed / required
    status = progress._classify(r, a.thresholds)
    return replace(a, status=status, score=progress._target_score(r), ratio=r, base_value=y0, target_value=0.0,
                   cagr_observed=observed, cagr_required=required, method="linear-zero-target")


def _fmt(x, dec, lang, unit=""):
    s = progress.fmt_number(x, dec, lang)
    return s if x is None or not unit else (s + unit if unit == "%" else f"{s} {unit}")


def _explain_numeric(a: progress.Assessment, status: str, lang: str, rule: Rule, previous=None) -> str:
    unit = (rule.unit_en or rule.unit) if lang == "en" else rule.unit
    if a.method == "linear-zero-target":
        f = dict(b=_fmt(a.base_value, rule.decimals, lang, unit), tb=progress.format_time(a.base_time, lang, rule.freq),
                 l=_fmt(a.latest_value, rule.decimals, lang, unit),
                 tl=progress.format_time(a.latest_time, lang, rule.freq),
                 T=_fmt(0, rule.decimals, lang, unit), tT=progress.format_time(a.target_time, lang),
                 g=_fmt(a.cagr_observed, rule.decimals, lang), r=_fmt(a.cagr_required, rule.decimals, lang),
                 R=progress.fmt_number(a.ratio, 2, lang), label=label(status, lang))
        return _WORDS[lang]["zero"].format(**f) + "."
    text = progress.explain(a, lang, unit or "", rule.decimals, label=label(status, lang), previous=previous,
                            freq=rule.freq)
    if a.n_points == 1 and status == "target_achieved":  # one value: no "from ... to ..."
        value = _fmt(a.latest_value, rule.decimals, lang, unit)
        text = f"{value} ({progress.format_time(a.latest_time, lang, rule.freq)}); " + text.split("; ", 1)[-1]
    return text


def _judge_category(rule: Rule, texts, kind: str, target: Target | None) -> Verdict:
    texts = [(t, str(x).strip()) for t, x in texts if x is not None and str(x).strip()]
    if not texts:
        return Verdict(kind, "unable_to_assess", explanation_id=_WORDS["id"]["no_data"] + ".",
                       explanation_en=_WORDS["en"]["no_data"] + ".", target=target if kind == "category" else None)
    (tl, latest) = texts[-1]
    prev = texts[-2][1] if len(texts) > 1 else None
    order = rule.categories
    goal = target.text if target is not None else None
    if order and (latest not in order or (goal and goal not in order) or (prev and prev not in order)):
        bad = next(x for x in (latest, goal, prev) if x and x not in order)
        words = {lg: _WORDS[lg]["unknown_cat"].format(l=bad, order=" > ".join(order)) + "." for lg in ("id", "en")}
        return Verdict(kind, "unable_to_assess", latest_time=tl, latest_text=latest, n_points=len(texts),
                       explanation_id=words["id"], explanation_en=words["en"],
                       target=target if kind == "category" else None)
    rank = {c: i for i, c in enumerate(order)}  # 0 = best

    def better(x, y):  # x strictly better than y
        return rank[x] < rank[y] if order else False

    if kind == "category":
        if (latest == goal) or (order and rank[latest] <= rank[goal]):
            status = "target_achieved"
        elif prev is not None and order and better(prev, latest):
            status = "deterioration"
        elif prev is not None and order and better(latest, prev):
            status = "acceleration_needed"
        else:
            status = "limited_progress"
        score = _CATEGORY_SCORE[status]
    else:
        if prev is None or not order:
            status, score = "unable_to_assess", None
        else:
            status = ("trend_improving" if better(latest, prev) else "trend_worsening" if better(prev, latest)
                      else "trend_stable")
            score = None
    words = {}
    for lg in ("id", "en"):
        w = _WORDS[lg]
        p = w["prev"].format(p=prev) if prev else ""
        key = "cat" if kind == "category" else "cat_trend"
        words[lg] = w[key].format(l=latest, tl=progress.format_time(tl, lg, rule.freq), prev=p, T=goal,
                                  label=label(status, lg)) + "."
    achieved = status == "target_achieved"
    return Verdict(kind, status, score, None, 100.0 if achieved else None, 100.0 if achieved else None,
                   target if kind == "category" else None, tl, None, latest, len(texts), words["id"], words["en"],
                   (), None, counts_in_rollup(kind, rule) and status != "unable_to_assess")


def series_points(rule: Rule, years, quarters, values) -> list[tuple[float, float]]:
    """Trend points of quarterly agency values. Cumulative indicators (totals that restart every year): only
    the TW IV totals (t = Y) enter the trend; the current partial year is judged by pacing instead."""
    if rule.measurement == "cumulative":
        return [(float(y), float(v)) for y, q, v in zip(years, quarters, values) if q == 4 and _num(v) is not None]
    return [(qtime(y, q), float(v)) for y, q, v in zip(years, quarters, values) if _num(v) is not None]


def pacing_status(rule: Rule, target: Target | None, year: int, latest_year: int, latest_quarter: int,
                  latest_value) -> str | None:
    """Within-year pacing (progress.pacing, gophr) of a cumulative higher-is-better indicator in the year
    being viewed; None when it does not apply."""
    if (rule.measurement != "cumulative" or rule.direction != "higher_better" or target is None
            or latest_year != year or _num(latest_value) is None):
        return None
    annual = target.low if target.low is not None else target.high
    return progress.pacing(latest_value, annual, int(latest_quarter), "cumulative").status


# ------------------------------------------------------------------ what is needed
def needed_steps(a: progress.Assessment, row_time: float, end_year: int) -> tuple:
    """Required values on the path to the target (progress.needed) at the next quarter after both the data and
    the viewed quarter, at the end of that year and at the target time, keeping only times inside the period
    (<= end_year). Empty when the target is met, cannot be assessed, or the period is over."""
    if a.target_value is None or a.status in ("target_achieved", "unable_to_assess") or a.latest_time is None:
        return ()
    start = max(a.latest_time, row_time)
    y, q = quarter_of_time(start + 1e-6)
    nxt = qtime(y, q)
    if nxt <= start + 1e-9:
        nxt += 0.25
    times = {nxt, float(math.ceil(nxt - 1e-9)), float(a.target_time)}
    times = sorted(t for t in times if start + 1e-9 < t <= end_year + 1e-9)
    if not times:
        return ()
    return tuple((float(t), float(v)) for t, v in
                 progress.needed(a.latest_time, a.latest_value, a.target_value, a.target_time, times))


# ------------------------------------------------------------------ roll-ups
def _item(r):
    if isinstance(r, dict):
        return r.get("in_rollup", True), {"status": r.get("status"), "score": r.get("score")}
    if isinstance(r, Verdict):
        return r.in_rollup, {"status": r.status, "score": r.score}
    return True, r  # RollupResult of a sub-group


def rollup(rows) -> progress.RollupResult:
    """Statistics Canada mean-score roll-up of the rows that count (rule 6); others are ignored."""
    return progress.rollup([it for keep, it in map(_item, rows) if keep])


def rollup_by(rows: list[dict], keys: tuple[str, ...]) -> dict[tuple, progress.RollupResult]:
    groups: dict[tuple, list] = {}
    for r in rows:
        groups.setdefault(tuple(r[k] for k in keys), []).append(r)
    return {k: rollup(v) for k, v in groups.items()}


def theme_rollup(rows: list[dict], extra_keys: tuple[str, ...] = ()) -> dict[tuple, progress.RollupResult]:
    """Indicator roll-up first (each indicator weighs the same), then per theme (+ extra keys)."""
    per_ind = rollup_by(rows, ("theme", *extra_keys, "indicator_code"))
    groups: dict[tuple, list] = {}
    for key, res in per_ind.items():
        if res.n:  # an indicator with no verdict that counts is not part of the theme
            groups.setdefault(key[:-1], []).append(res)
    return {k: rollup(v) for k, v in groups.items()}
