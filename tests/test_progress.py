"""Tests for indicators.progress (StatCan/Open SDG progress measure, pacing, capaian, explain)."""
import math

import pytest
from hypothesis import assume, given, settings, strategies as st

from indicators.progress import (
    DEFAULT_THRESHOLDS, STATUS_LABELS, STATUS_RANK, Assessment, assess, explain,
    fmt_number, format_time, limit_factor, needed, pacing, rollup,
)

FAST = settings(max_examples=200, deadline=None)

# --- Statistics Canada published vectors (reference §3.1.6) -------------------------------------

STATCAN = [
    # id, points, direction, target, target_time, limit, ratio, C, score, status
    ("1-1-1", [(2015, 14.5), (2023, 10.4)], "lower_better", 7.25, 2030, None,
     0.901090, None, 2.1507, "acceleration_needed"),
    ("7-2-1", [(2015, 81.444), (2025, 78.398)], "higher_better", 90, 2030, None,
     -0.569376, None, -4.8724, "deterioration"),
    ("15-5-1", [(2015, 70), (2023, 55)], "lower_better", 100, 2030, None,
     None, None, 5.0, "target_achieved"),
    ("1-3-1", [(2015, 178.8), (2025, 173.3)], "lower_better", None, None, None,
     0.0031195, 1.0, -0.9403, "limited_progress"),
    ("1-2-1", [(2016, 66.6), (2023, 71.4)], "higher_better", None, None, 100,
     0.0099915, 0.835477, 1.7398, "acceleration_needed"),
]


@pytest.mark.parametrize("vid,pts,direction,target,tt,lim,ratio,c,score,status", STATCAN,
                         ids=[v[0] for v in STATCAN])
def test_statcan_published_vectors(vid, pts, direction, target, tt, lim, ratio, c, score, status):
    a = assess(pts, direction, target=target, target_time=tt, limit=lim)
    assert a.status == status
    assert a.method == "statcan-2024"
    assert a.score == pytest.approx(score, abs=1e-3)
    if ratio is None:
        assert a.ratio is None
    else:
        assert a.ratio == pytest.approx(ratio, abs=1e-5)
    if c is not None:
        assert a.limit_factor == pytest.approx(c, abs=1e-5)


def test_statcan_intermediates_are_stored():
    a = assess([(2015, 14.5), (2019, 12.0), (2023, 10.4)], "lower_better", 7.25, 2030)
    assert (a.base_time, a.base_value, a.latest_time, a.latest_value) == (2015, 14.5, 2023, 10.4)
    assert a.cagr_observed == pytest.approx((10.4 / 14.5) ** (1 / 8) - 1)
    assert a.cagr_required == pytest.approx(0.5 ** (1 / 15) - 1)
    assert a.target_value == 7.25 and a.target_time == 2030 and a.sign == 1
    assert a.thresholds == DEFAULT_THRESHOLDS and a.has_target and a.reason is None
    d = a.to_dict()
    assert d["status"] == "acceleration_needed" and d["cagr_required"] == a.cagr_required


def test_base_time_picks_first_point_at_or_after_and_drops_nan():
    pts = [(2021, 11.0), (2018, None), (2019, float("nan")), (2020, 10.0), (2023, 12.0)]
    a = assess(pts, "higher_better", base_time=2019)
    assert (a.base_time, a.base_value) == (2020, 10.0)
    assert a.n_points == 3


def test_custom_thresholds():
    pts, kw = [(2015, 14.5), (2023, 10.4)], dict(target=7.25, target_time=2030)
    assert assess(pts, "lower_better", **kw).status == "acceleration_needed"
    a = assess(pts, "lower_better", thresholds={"high": 0.9}, **kw)
    assert a.status == "on_track" and a.thresholds == {"high": 0.9, "med": 0.6, "low": 0.0}


# --- band and range targets (our rules) -------------------------------------------------------

INFLATION = [(2019, 2.72), (2020, 1.68), (2021, 1.87), (2022, 5.51)]


def test_band_inside_is_achieved():
    a = assess(INFLATION + [(2023, 2.61), (2024, 1.57)], "band", (1.5, 3.5), 2024)
    assert a.status == "target_achieved" and a.score == 5
    assert (a.target_low, a.target_high) == (1.5, 3.5)


def test_band_above_is_lower_better_towards_high():
    a = assess(INFLATION, "band", (3.5, 1.5), 2024)  # bounds in any order
    assert a.effective_direction == "lower_better" and a.target_value == 3.5
    assert a.status == "deterioration" and a.ratio < 0
    ref = assess(INFLATION, "lower_better", 3.5, 2024)
    assert (a.status, a.score, a.ratio) == (ref.status, ref.score, ref.ratio)


def test_band_below_is_higher_better_towards_low():
    a = assess([(2019, 0.8), (2022, 1.2)], "band", (1.5, 3.5), 2024)
    assert a.effective_direction == "higher_better" and a.target_value == 1.5
    assert a.status in ("on_track", "acceleration_needed", "limited_progress")
    assert a.ratio > 0


def test_band_edges_are_inclusive():
    assert assess([(2019, 5), (2022, 3.5)], "band", (1.5, 3.5)).status == "target_achieved"
    assert assess([(2019, 1), (2022, 1.5)], "band", (1.5, 3.5)).status == "target_achieved"


def test_range_target_for_single_directions():
    hb = assess([(2019, 60), (2023, 71)], "higher_better", (70, 80), 2024)
    assert hb.status == "target_achieved"
    hb2 = assess([(2019, 60), (2023, 65)], "higher_better", (70, 80), 2024)
    assert hb2.target_value == 70 and hb2.status != "target_achieved"
    lb = assess([(2019, 90), (2023, 79)], "lower_better", (70, 80), 2024)
    assert lb.status == "target_achieved"
    lb2 = assess([(2019, 90), (2023, 85)], "lower_better", (70, 80), 2024)
    assert lb2.target_value == 80 and lb2.status != "target_achieved"


def test_target_without_time_is_only_judged_achieved_or_not():
    """No roadmap year is built into the engine: the caller passes the target time."""
    a = assess([(2019, 60), (2021, 65)], "higher_better", 75)
    assert a.status == "unable_to_assess" and a.reason == "no_target_time"
    assert assess([(2019, 60), (2021, 80)], "higher_better", 75).status == "target_achieved"


# --- unable to assess and edge cases --------------------------------------------------------------

@pytest.mark.parametrize("pts,kw,reason", [
    ([], {}, "too_few_points"),
    ([(2020, 1.0)], {}, "too_few_points"),
    ([(2020, 1.0), (2020.75, 2.0)], {}, "span_under_one_year"),
    ([(2019, -1.0), (2021, 2.0)], {}, "mixed_sign"),
    ([(2019, 5.0), (2020, -1.0), (2021, 6.0)], {}, "mixed_sign"),
    ([(2019, -5.0), (2021, -4.0)], {"target": 2.0}, "mixed_sign"),
    ([(2019, 1.0), (2021, 2.0)], {"base_time": 2022}, "no_base"),
    ([(2019, 1.0), (2021, 2.0)], {"target": 5.0, "target_time": 2019}, "target_time_not_after_base"),
    ([(2019, 1.0), (2021, 2.0)], {"direction": "band", "target": 2.0}, "band_without_target"),
    ([(2019, 1.0), (2021, 2.0)], {"direction": "band"}, "band_without_target"),
])
def test_unable_to_assess_reasons(pts, kw, reason):
    direction = kw.pop("direction", "higher_better")
    a = assess(pts, direction, **kw)
    assert a.status == "unable_to_assess" and a.reason == reason and a.score is None


def test_exactly_one_year_is_enough():
    assert assess([(2020.25, 1.0), (2021.25, 1.1)], "higher_better").status == "on_track"


def test_invalid_direction_raises():
    with pytest.raises(ValueError):
        assess([(2019, 1), (2021, 2)], "up")


def test_zero_target_and_zero_base_replaced():
    a = assess([(2019, 10.0), (2023, 5.0)], "lower_better", 0, 2024)
    assert a.target_value == 0.001 and a.status != "unable_to_assess"
    assert assess([(2019, 10.0), (2023, 0.0)], "lower_better", 0, 2024).status == "target_achieved"
    b = assess([(2019, 0.0), (2023, 5.0)], "higher_better", 10, 2024)
    assert b.base_value == 0.001 and b.status == "on_track"
    neg = assess([(2019, -3.0), (2023, -1.0)], "higher_better", 0, 2024)
    assert neg.target_value == -0.001 and neg.status != "unable_to_assess"


def test_negative_series_sign_flip():
    # a deficit shrinking from -4 to -2 (higher is better): improvement
    a = assess([(2019, -4.0), (2023, -2.0)], "higher_better")
    assert a.sign == -1 and a.ratio > 0 and a.status == "on_track"


def test_extreme_values_do_not_raise():
    a = assess([(2019, 5e-324), (2020, 1e4)], "higher_better", 1e5, 2020)
    assert a.status == "unable_to_assess" and a.reason == "numeric_range"
    assert assess([(2019, 1e-300), (2020, 1e300)], "higher_better").score == 5
    assert assess([(2019, 1.0), (2020, math.inf), (2021, 2.0)], "higher_better").latest_value == 2.0


def test_required_growth_zero_no_division():
    a = assess([(2019, 80.0), (2023, 75.0)], "higher_better", 80, 2024)
    assert a.cagr_required == 0
    assert a.ratio == -math.inf and a.status == "deterioration" and a.score == -5


def test_limit_factor_cases():
    assert limit_factor(66.6, None, 1) == 1
    assert limit_factor(66.6, 100, 1) == pytest.approx(1 - 0.666 ** 4.44)
    assert limit_factor(10, 5, -1) == pytest.approx(1 - 0.5 ** 4.44)  # unverified mirror
    assert limit_factor(10, 0, -1) == 1
    assert limit_factor(100, 100, 1) == 0 and limit_factor(5, 5, -1) == 0


def test_base_at_natural_limit():
    a = assess([(2019, 100.0), (2023, 100.0)], "higher_better", limit=100)
    assert (a.status, a.score, a.limit_factor) == ("on_track", 5.0, 0.0)
    b = assess([(2019, 100.0), (2023, 99.0)], "higher_better", limit=100)
    assert b.status == "deterioration" and b.score < -2.5


# --- roll-up ------------------------------------------------------------------------------------

@pytest.mark.parametrize("scores,status", [
    ([5, 0], "on_track"), ([2.5], "on_track"), ([2.4999], "acceleration_needed"),
    ([0], "acceleration_needed"), ([-0.01], "limited_progress"), ([-2.5], "limited_progress"),
    ([-2.51], "deterioration"), ([None, -5], "deterioration"), ([], "unable_to_assess"),
    ([None], "unable_to_assess"),
])
def test_rollup_bins(scores, status):
    r = rollup(scores)
    assert r.status == status and r.n == len(scores)


def test_rollup_with_assessments():
    ach = assess([(2015, 70), (2023, 55)], "lower_better", 100, 2030)
    det = assess([(2015, 81.444), (2025, 78.398)], "higher_better", 90, 2030)
    bad = assess([(2015, 1)], "higher_better")
    assert rollup([ach, ach, bad]).status == "target_achieved"
    r = rollup([ach, det, bad])
    assert (r.n, r.n_assessed) == (3, 2) and r.mean_score == pytest.approx((5 - 4.8724) / 2, abs=1e-3)
    assert r.status == "acceleration_needed"
    assert rollup([rollup([ach]), {"status": "on_track", "score": 3}]).n_assessed == 2
    assert rollup([5.0, 5.0]).status == "on_track"  # bare scores never count as achieved


# --- pacing -------------------------------------------------------------------------------------

@pytest.mark.parametrize("realised,quarter,measurement,status", [
    (50, 3, "cumulative", "concerned"),      # A = g - 0.25 exactly
    (50.01, 3, "cumulative", "at_risk"),
    (64.99, 3, "cumulative", "at_risk"),
    (65, 3, "cumulative", "on_target"),      # A = g - 0.10 exactly
    (85, 3, "cumulative", "on_target"),      # A = g + 0.10 exactly
    (85.01, 3, "cumulative", "above_target"),
    (15, 1, "cumulative", "on_target"),      # g = 0.25, A = 0.15
    (0, 1, "cumulative", "concerned"),
    (90, 1, "snapshot", "on_target"),         # g = 1
    (75, 2, "average", "concerned"),
])
def test_pacing_bins(realised, quarter, measurement, status):
    p = pacing(realised, 100, quarter, measurement)
    assert p.status == status
    assert p.gap == pytest.approx(p.achievement - p.expected)


def test_pacing_no_target_and_errors():
    assert pacing(10, 0, 2).status == "no_target"
    assert pacing(10, None, 2).status == "no_target"
    assert pacing(None, 100, 2).status == "no_data"
    with pytest.raises(ValueError):
        pacing(10, 100, 5)


# --- needed -------------------------------------------------------------------------------------

def test_needed_reaches_target_at_target_time():
    out = needed(2022.5, 66.5, 75.0, 2024.0, [2022.5, 2022.75, 2023.0, 2024.0, 2024.5])
    assert out[0][1] == pytest.approx(66.5) and out[3][1] == pytest.approx(75.0)
    assert out[4][1] == 75.0  # after target time: hold the target
    g = (75 / 66.5) ** (1 / 1.5) - 1  # constant CAGR along the path
    assert out[2][1] == pytest.approx(66.5 * (1 + g) ** 0.5)


def test_needed_linear_fallback_for_non_positive():
    out = needed(2022.0, -4.0, 0.0, 2024.0, [2023.0, 2024.0])
    assert out == [(2023.0, pytest.approx(-2.0)), (2024.0, 0.0)]


def test_fmt_number_and_format_time():
    assert fmt_number(1234.5, 1, "id") == "1.234,5"
    assert fmt_number(1234.5, 1, "en") == "1,234.5"
    assert fmt_number(-1234567.891, 2) == "-1.234.567,89"
    assert fmt_number(-0.0001, 2) == "0,00"
    assert fmt_number(None, 2) == "–"
    assert format_time(2023) == "2023"
    assert format_time(2022.5) == "TW II 2023" and format_time(2022.5, "en") == "Q2 2023"
    assert format_time(2022 + 1 / 12) == "Januari 2023"
    assert format_time(2022.25, "en", freq="month") == "March 2023"
    assert format_time(2023.0, freq="quarter") == "TW IV 2023"


def test_explain_example_sentence():
    a = assess([(2019, 62.0), (2022.5, 66.5)], "higher_better", 75, 2024)
    text = explain(a)
    assert text.startswith("Dari 62,00 (2019) menjadi 66,50 (TW II 2023); laju 2,0%/tahun; "
                           "dibutuhkan 3,9%/tahun untuk mencapai 75,00 pada 2024 → rasio laju aktual terhadap laju yang dibutuhkan 0,52 → ")
    assert text.endswith("Kemajuan terbatas.")


EXAMPLES = {
    "target_achieved": ([(2015, 70), (2023, 55)], "lower_better", dict(target=100, target_time=2030)),
    "on_track": ([(2019, 60), (2023, 72)], "higher_better", dict(target=75, target_time=2024)),
    "acceleration_needed": ([(2015, 14.5), (2023, 10.4)], "lower_better", dict(target=7.25, target_time=2030)),
    "limited_progress": ([(2015, 178.8), (2025, 173.3)], "lower_better", {}),
    "deterioration": ([(2015, 81.444), (2025, 78.398)], "higher_better", dict(target=90, target_time=2030)),
}


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("status", list(EXAMPLES))
def test_explain_every_status(status, lang):
    pts, direction, kw = EXAMPLES[status]
    a = assess(pts, direction, **kw)
    assert a.status == status
    text = explain(a, lang=lang)
    assert text and text.endswith(STATUS_LABELS[lang][status] + ".")
    b, l = fmt_number(a.base_value, 2, lang), fmt_number(a.latest_value, 2, lang)
    assert b in text and l in text
    if a.ratio is not None and a.has_target:
        assert fmt_number(a.ratio, 2, lang) in text
    if a.cagr_observed is not None:
        assert fmt_number(a.cagr_observed * 100, 1, lang) + "%" in text


def test_explain_number_formats():
    a = assess([(2015, 1234.5), (2023, 1100.25)], "lower_better", 1000, 2030)
    assert "1.234,50" in explain(a) and "1.100,25" in explain(a) and "1.000,00" in explain(a)
    assert "1,234.50" in explain(a, "en") and "From " in explain(a, "en")
    assert "1.234,5 orang" in explain(a, unit="orang", decimals=1)


def test_explain_band_limit_and_flat_cases():
    inside = assess(INFLATION + [(2024, 1.57)], "band", (1.5, 3.5))
    assert "1,50–3,50" in explain(inside) and "within the range 1.50–3.50" in explain(inside, "en")
    above = explain(assess(INFLATION, "band", (1.5, 3.5), 2024), unit="%")
    assert above.startswith("Nilai 5,51% pada 2022 di atas rentang sasaran 1,50–3,50%; perlu turun 2,01 poin untuk "
                            "mencapai rentang sasaran pada 2024; sejak 2019 (2,72%) naik 2,79 poin, menjauhi rentang "
                            "sasaran → ")
    assert "%/tahun" not in above and "dibutuhkan" not in above
    below = explain(assess([(2019, 0.8), (2022, 1.2)], "band", (1.5, 3.5), 2024), "en", unit="indeks", decimals=1)
    assert below.startswith("Value 1.2 indeks in 2022 is below the target range 1.5–3.5 indeks; it must rise 0.3 "
                            "indeks to reach the target range by 2024; since 2019 (0.8 indeks) it rose 0.4 indeks, "
                            "towards the target range → ")
    flat_band = explain(assess([(2019, 4.0), (2022, 4.0)], "band", (1.5, 3.5), 2024))
    assert "nilainya tidak berubah" in flat_band and "perlu turun 0,50" in flat_band
    lim = explain(assess([(2016, 66.6), (2023, 71.4)], "higher_better", limit=100), "en")
    assert "natural-limit factor 0.84" in lim and "1.3%/year" in lim
    at = explain(assess([(2019, 100.0), (2023, 100.0)], "higher_better", limit=100))
    assert "batas alami 100,00" in at and at.endswith("Sesuai jalur.")
    flat = explain(assess([(2019, 80.0), (2023, 75.0)], "higher_better", 80, 2024), "en")
    assert "moved away" in flat and flat.endswith("Deterioration.")


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("pts,kw", [
    ([(2020, 1.0)], {}), ([(2020, 1.0), (2020.5, 2.0)], {}), ([(2019, -1.0), (2021, 2.0)], {}),
    ([(2019, 1.0), (2021, 2.0)], {"base_time": 2022}),
    ([(2019, 1.0), (2021, 2.0)], {"target": 5.0, "target_time": 2019}),
])
def test_explain_unable_reasons(pts, kw, lang):
    a = assess(pts, "higher_better", **kw)
    text = explain(a, lang)
    assert text.startswith(STATUS_LABELS[lang]["unable_to_assess"] + ": ") and len(text) > 30
    assert a.reason not in text  # translated, not the raw key
    band = explain(assess([(2019, 1.0), (2021, 2.0)], "band"), lang)
    assert band.startswith(STATUS_LABELS[lang]["unable_to_assess"])


def test_labels_complete():
    keys = set(STATUS_RANK) | {"unable_to_assess", "concerned", "at_risk", "on_target",
                               "above_target", "no_target", "no_data"}
    assert set(STATUS_LABELS["id"]) >= keys and set(STATUS_LABELS["en"]) >= keys


# --- property tests -----------------------------------------------------------------------------

pos = st.floats(min_value=0.01, max_value=1000, allow_nan=False)
quarters = st.integers(min_value=4, max_value=24)  # latest time: base + 1..6 years on the quarter grid
BASE = 2019.0


def _pts(y0, yi, nq):
    return [(BASE, y0), (BASE + nq / 4, yi)]


def _same(a, b):
    assert a.status == b.status
    assert (a.score is None) == (b.score is None)
    if a.score is not None:
        assert a.score == pytest.approx(b.score, abs=1e-9)


@FAST
@given(pos, pos, quarters, st.one_of(st.none(), pos))
def test_negation_mirror_is_exact(y0, yi, nq, target):
    """Mirroring a series through zero flips the desired direction; `sign` makes it exact."""
    t = None if target is None else -target
    _same(assess(_pts(y0, yi, nq), "higher_better", target, 2024),
          assess(_pts(-y0, -yi, nq), "lower_better", t, 2024))


@FAST
@given(pos, pos, quarters, pos)
def test_reciprocal_mirror_keeps_achievement_and_direction_of_travel(y0, yi, nq, target):
    """y -> 1/y with the direction flipped. CAGR is not symmetric under reciprocals
    (1/(1+g) - 1 != -g), so only achievement and the sign of R (deterioration or not) survive."""
    for other in (y0, target):  # 1/y can erase a 1-ulp difference
        assume(yi == other or abs(math.log(yi / other)) > 1e-9)
    a = assess(_pts(y0, yi, nq), "higher_better", target, 2024)
    b = assess(_pts(1 / y0, 1 / yi, nq), "lower_better", 1 / target, 2024)
    assert (a.status == "target_achieved") == (b.status == "target_achieved")
    assert (a.status == "deterioration") == (b.status == "deterioration")


def test_reciprocal_mirror_is_not_exact_counterexample():
    a = assess([(2022, 1.0), (2023, 2.0)], "higher_better", 9.0, 2024)
    b = assess([(2022, 1.0), (2023, 0.5)], "lower_better", 1 / 9, 2024)
    assert a.ratio == pytest.approx(0.5) and b.ratio == pytest.approx(0.75)


@FAST
@given(pos, pos, pos, quarters, st.one_of(st.none(), pos), st.one_of(st.none(), pos),
       st.sampled_from(["higher_better", "lower_better"]))
def test_better_latest_never_scores_worse(y0, ya, yb, nq, target, lim, direction):
    lo, hi = sorted((ya, yb))
    worse, better = (lo, hi) if direction == "higher_better" else (hi, lo)
    a = assess(_pts(y0, worse, nq), direction, target, 2024 if target else None, lim)
    b = assess(_pts(y0, better, nq), direction, target, 2024 if target else None, lim)
    assert b.score >= a.score - 1e-9
    assert STATUS_RANK[b.status] >= STATUS_RANK[a.status]


values = st.one_of(st.none(), st.just(0.0), st.floats(-1e4, 1e4), st.floats())  # incl. nan, inf, subnormal
times = st.sampled_from([2019 + k / 4 for k in range(25)])


@FAST
@given(st.lists(st.tuples(times, values), max_size=8), st.sampled_from(["higher_better", "lower_better", "band"]),
       st.one_of(st.none(), values, st.tuples(values, values)),
       st.one_of(st.none(), st.floats(0, 200)), st.one_of(st.none(), times), st.one_of(st.none(), times))
def test_score_bounded_or_none(points, direction, target, lim, base_time, target_time):
    a = assess(points, direction, target, target_time, lim, base_time)
    assert isinstance(a, Assessment)
    if a.status == "unable_to_assess":
        assert a.score is None and a.reason
    else:
        assert -5 <= a.score <= 5
        assert explain(a) and explain(a, "en")


statuses = st.sampled_from(["target_achieved", "on_track", "acceleration_needed", "limited_progress",
                            "deterioration", "unable_to_assess"])


@FAST
@given(st.lists(st.tuples(statuses, st.floats(-5, 5)), max_size=8))
def test_rollup_achieved_iff_all_assessed_achieved(items):
    dicts = [{"status": s, "score": None if s == "unable_to_assess" else (5.0 if s == "target_achieved" else x)}
             for s, x in items]
    r = rollup(dicts)
    assessed = [d for d in dicts if d["status"] != "unable_to_assess"]
    assert (r.status == "target_achieved") == (bool(assessed) and all(
        d["status"] == "target_achieved" for d in assessed))
    assert r.n_assessed == len(assessed)
    if assessed:
        assert -5 <= r.mean_score <= 5




# ------------------------------------------------------------------ the one target text
@given(st.floats(-1e6, 1e6, allow_nan=False), st.floats(-1e6, 1e6, allow_nan=False), st.sampled_from(["id", "en"]))
def test_target_text_is_one_number_or_a_range_and_a_category_wins(lo, hi, lang):
    from indicators.progress import fmt_number, fmt_target
    text = fmt_target(lo, hi, None, 2, lang)
    if lo == hi:
        assert text == fmt_number(lo, 2, lang)
    else:
        assert text == f"{fmt_number(lo, 2, lang)}–{fmt_number(hi, 2, lang)}"
    assert fmt_target(lo, None, None, 2, lang) == fmt_number(lo, 2, lang) == fmt_target(None, lo, None, 2, lang)
    assert fmt_target(lo, hi, "WTP", 2, lang) == "WTP"
    assert fmt_target(None, float("nan"), None, 2, lang) == "–"
