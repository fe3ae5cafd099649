"""The assessment engine (indicators/assessment.py) on real catalogue entries, and the stored views."""

import duckdb
import pytest
from hypothesis import given, settings, strategies as st

from indicators import assessment as A
from indicators.catalogue import load_catalogue
from indicators.periods import obs_time, qtime
from loaders import api, assessments as stored

CAT = load_catalogue()
END = CAT.periods[-1].end_year
FAST = settings(max_examples=150, deadline=None)


def rule(code: str) -> A.Rule:
    i = CAT.by_code[code]
    return A.Rule(code=i.code, direction=i.direction, value_type=i.value_type, measurement=i.measurement,
                  limit=i.limit, unit=i.unit, unit_en=i.unit_en, decimals=i.decimals, categories=i.rules.categories,
                  discontinued=i.discontinued, rollup=i.rollup, baseline_value=i.baseline_value)


def national_targets(code: str) -> dict:
    """Year -> the designated target (the indicator's verdict basis, catalogue `target_basis`), as v_targets."""
    ind, out = CAT.by_code[code], {}
    for y in sorted({t.year for t in CAT.by_code[code].targets}):
        t = ind.target_for(y, order=CAT.target_basis)
        if t is not None:
            out[y] = {"target_low": t.low, "target_high": t.high, "target_text": t.text, "version": t.version}
    return out


def national_verdict(code: str, year: int, quarter: int = 4) -> A.Verdict:
    i = CAT.by_code[code]
    known = [(obs_time(o.year, o.month), o.value, o.text) for o in i.series
             if obs_time(o.year, o.month) <= qtime(year, quarter) + 1e-9]
    target = A.resolve_target(i.direction, year, END, None, national_targets(code))
    return A.judge(rule(code), [(t, v) for t, v, _ in known if v is not None], year=year, quarter=quarter,
                   end_year=END, target=target, texts=[(t, x) for t, _, x in known])


# --- inflation bands per year ---------------------------------------------------------------------
def test_agency_inflation_single_number_is_not_a_band_national_band_of_the_year_applies():
    """The template's one target cell (3,00) must not collapse the band: regional inflation is judged
    against the national band of that year (catalogue `target_from: NAT_INFL`)."""
    assert CAT.by_code["TEM_INF_YOY"].target_from == "NAT_INFL"
    own = {2024: {"target_low": 3.0, "target_high": 3.0}, 2022: {"target_low": 3.0, "target_high": 3.0}}
    t24 = A.resolve_target("band", 2024, END, own, national_targets("NAT_INFL"))
    assert (t24.low, t24.high, t24.year, t24.origin) == (1.5, 3.5, 2024, "national")
    t22 = A.resolve_target("band", 2022, END, own, national_targets("NAT_INFL"))
    assert (t22.low, t22.high) == (2.0, 4.0)
    real_band = A.resolve_target("band", 2024, END, {2024: {"target_low": 2.0, "target_high": 3.0}}, {})
    assert (real_band.low, real_band.high, real_band.origin) == (2.0, 3.0, "agency")


def test_agency_inflation_inside_the_band_is_achieved_and_outside_is_not():
    r = rule("TEM_INF_YOY")
    target = A.resolve_target("band", 2024, END, {2024: {"target_low": 3.0, "target_high": 3.0}},
                              national_targets("NAT_INFL"))
    bogor = A.judge(r, [(qtime(2023, 4), 3.2), (qtime(2024, 4), 2.99)], year=2024, quarter=4, end_year=END,
                    target=target)
    assert bogor.status == "target_achieved" and bogor.capaian == 100.0 and bogor.kind == "target"
    yogya = A.judge(r, [(qtime(2023, 4), 3.4), (qtime(2024, 4), 4.59)], year=2024, quarter=4, end_year=END,
                    target=target)
    assert yogya.status != "target_achieved"
    assert yogya.capaian == pytest.approx((2 - 4.59 / 3.5) * 100)  # above the band: against its upper bound


def test_national_inflation_2020_is_judged_against_the_2020_band():
    v = national_verdict("NAT_INFL", 2020)
    assert (v.target.low, v.target.high, v.target.year) == (2.0, 4.0, 2020)
    assert v.latest_value == 1.68 and v.status != "target_achieved"
    assert v.capaian == pytest.approx(1.68 / 2.0 * 100)  # below the band: against its lower bound
    assert national_verdict("NAT_INFL", 2021).status != "target_achieved"
    end = national_verdict("NAT_INFL", END)  # 1,57 inside 1,5-3,5: the end-of-period status
    assert end.status == "target_achieved" and (end.target.low, end.target.high) == (1.5, 3.5)


def test_national_inflation_2020_explanation_says_where_the_value_sits_against_the_band():
    """Below its 2-4 % band the reader is told the range, the distance in points and the way it moved, in
    Bank Indonesia's and Kemenkeu's words (*di bawah rentang sasaran*), not a required growth rate
    ("dibutuhkan -26 %/tahun"). 2020 moved away from the band (2,72 inside -> 1,68 below): Memburuk."""
    v = national_verdict("NAT_INFL", 2020)
    i = CAT.by_code["NAT_INFL"]
    unit_id, unit_en = i.unit.strip(), (i.unit_en or i.unit).strip()
    assert unit_id.startswith("%") and unit_en.startswith("%")
    sep_id, sep_en = ("" if unit_id == "%" else " "), ("" if unit_en == "%" else " ")
    assert v.explanation_id == (
        f"Nilai 1,68{sep_id}{unit_id} pada 2020 di bawah rentang sasaran 2,00–4,00{sep_id}{unit_id}; perlu naik 0,32 "
        f"poin untuk mencapai rentang sasaran pada 2020; dibanding 2019 (2,72{sep_id}{unit_id}) turun 1,04 poin, "
        f"menjauhi rentang sasaran → Memburuk.")
    assert v.explanation_en == (
        f"Value 1.68{sep_en}{unit_en} in 2020 is below the target range 2.00–4.00{sep_en}{unit_en}; it must rise 0.32 "
        f"percentage points to reach the target range by 2020; compared with 2019 (2.72{sep_en}{unit_en}) it fell "
        f"1.04 percentage points, away from the target range → Deterioration.")
    for text in (v.explanation_id, v.explanation_en):
        assert "/tahun" not in text and "/year" not in text and "-26" not in text


def test_national_inflation_2021_below_the_band_but_rising_is_not_deterioration():
    """2021: 1,87 % after 1,68 %, still below 2-4 % but moving towards it. Before issue 17 the growth-rate
    measure (base 2019 = 2,72, inside the band) called it Memburuk; now *Memburuk* is kept for a value that
    moved away from the band, and the words are BI's *di bawah rentang sasaran* with the movement."""
    v = national_verdict("NAT_INFL", 2021)
    assert (v.target.low, v.target.high) == (2.0, 4.0) and v.latest_value == 1.87
    assert v.status == "limited_progress" and v.score == -1.25
    assert "di bawah rentang sasaran 2,00–4,00" in v.explanation_id
    assert "dibanding 2020 (1,68" in v.explanation_id and "naik 0,19 poin, mendekati rentang sasaran" in v.explanation_id
    assert v.explanation_id.endswith("→ Kemajuan terbatas.") and "Memburuk" not in v.explanation_id
    assert "below the target range 2.00–4.00" in v.explanation_en and "towards the target range" in v.explanation_en


def test_poverty_above_its_range_names_the_range():
    v = national_verdict("NAT_POV_SEP", END)
    assert v.status != "target_achieved" and (v.target.low, v.target.high) == (6.5, 7.5)   # RKP/APBN 2024
    assert "di atas rentang sasaran 6,50–7,50" in v.explanation_id and "perlu turun " in v.explanation_id
    assert "above the target range 6.50–7.50" in v.explanation_en and "it must fall " in v.explanation_en


# --- capaian rules (Permenpan RB 8/2021) ----------------------------------------------------------
def test_range_target_uses_the_bound_on_the_side_of_the_value():
    rpjmn = CAT.by_code["NAT_POV_SEP"].target_for(END, basis="rpjmn")
    lo, hi = rpjmn.low, rpjmn.high
    assert (lo, hi) == (6.0, 7.0)
    assert A.capaian(5.5, lo, hi, "lower_better").raw == pytest.approx(108.333, abs=1e-3)  # not 121 %
    assert A.capaian(7.7, lo, hi, "lower_better").raw == pytest.approx(90.0)
    assert A.capaian(6.5, lo, hi, "lower_better").raw == 100.0
    assert A.capaian(92, 80, 90, "higher_better").raw == pytest.approx(92 / 90 * 100)
    assert A.capaian(70, 80, 90, "higher_better").raw == pytest.approx(87.5)  # regulation's example


def test_capaian_cap_keeps_raw_and_credits_at_most_110():
    c = A.capaian(94.09 * 100, 1.0, 1.0, "higher_better")  # a unit slip: 9.409 %
    assert c.raw == pytest.approx(940900) and c.capped == A.CAPAIAN_CAP == 110.0
    assert A.capaian(105, 100, 100, "higher_better").capped == pytest.approx(105)
    assert A.capaian(25, 10, 10, "lower_better").capped == 0.0


def test_zero_target_extreme_poverty_has_a_documented_rule_not_a_stand_in():
    i = CAT.by_code["NAT_POV_EXT"]
    assert national_targets("NAT_POV_EXT")[END]["target_low"] == 0
    v = national_verdict("NAT_POV_EXT", END)
    a = v.assessment
    assert a.method == "linear-zero-target" and a.target_value == 0.0 and a.base_value != 0.001
    assert v.status in ("acceleration_needed", "limited_progress", "on_track", "deterioration")
    base = i.baseline_value
    assert v.capaian == pytest.approx((base - v.latest_value) / base * 100)  # distance covered to 0
    assert "0,001" not in v.explanation_id


# --- ordinal categories, discontinued, untargeted --------------------------------------------------
def test_bpk_opinion_falling_from_wtp_to_wdp_is_deterioration():
    r = rule("NAT_WTP_LKPP")
    assert r.categories == ("WTP", "WDP", "TW", "TMP")
    # The catalogue holds no sourced WTP target for the LKPP, so the rule is shown with a declared one.
    wtp = {END: {"target_low": None, "target_high": None, "target_text": "WTP", "version": 1}}
    target = A.resolve_target(r.direction, 2024, END, None, wtp)
    fell = A.judge(r, (), year=2024, quarter=4, end_year=END, target=target, texts=[(2023.0, "WTP"), (2024.0, "WDP")])
    assert fell.kind == "category" and fell.status == "deterioration" and fell.in_rollup
    rose = A.judge(r, (), year=2024, quarter=4, end_year=END, target=target, texts=[(2023.0, "TW"), (2024.0, "WDP")])
    assert rose.status == "acceleration_needed"
    met = A.judge(r, (), year=2024, quarter=4, end_year=END, target=target, texts=[(2023.0, "WDP"), (2024.0, "WTP")])
    assert met.status == "target_achieved" and met.capaian == 100.0
    untargeted = national_verdict("NAT_WTP_LKPP", 2023)  # no sourced target: a trend, outside roll-ups
    assert not national_targets("NAT_WTP_LKPP") and untargeted.kind == "trend" and not untargeted.in_rollup


def test_ease_of_doing_business_has_no_verdict_after_it_was_discontinued():
    assert CAT.by_code["NAT_EODB_RANK"].discontinued == 2021
    for year in range(2021, END + 1):
        v = national_verdict("NAT_EODB_RANK", year)
        assert v.kind == "discontinued" and v.status == "discontinued"
        assert v.capaian is None and v.score is None and not v.in_rollup


def test_untargeted_series_gets_trend_words_and_stays_out_of_rollups():
    code = "NAT_GE_SCORE"
    assert not CAT.by_code[code].targets
    v = national_verdict(code, END)
    assert v.kind == "trend" and v.status in A.TREND_STATUSES + ("unable_to_assess",)
    assert not v.in_rollup and v.capaian is None
    assert "tanpa target" in v.explanation_id or "Belum" in v.explanation_id


def test_one_series_per_concept_in_rollups():
    assert not CAT.by_code["NAT_POV_MAR"].rollup and not CAT.by_code["NAT_GE_PCTL"].rollup
    assert CAT.by_code["NAT_POV_SEP"].rollup
    assert not national_verdict("NAT_POV_MAR", END).in_rollup
    assert national_verdict("NAT_POV_SEP", END).in_rollup


# --- what is needed ------------------------------------------------------------------------------
def test_what_is_needed_stays_inside_the_period_and_after_the_viewed_quarter():
    r = rule("NAT_POV_SEP")
    v = national_verdict("NAT_POV_SEP", 2024, 2)  # latest figure Sep 2022, viewing TW II 2024
    assert v.needed and all(qtime(2024, 2) < t <= END for t, _ in v.needed)
    assert v.needed[-1] == (float(END), pytest.approx(7.5))   # the RKP/APBN 2024 range (designated basis)
    last = national_verdict("NAT_POV_SEP", END, 4)
    assert last.needed == () and (last.status == "target_achieved" or last.gap is not None)
    assert r.rollup


# --- roll-ups ------------------------------------------------------------------------------------
verdicts = st.builds(lambda s, sc, kind: {"status": s, "score": sc, "in_rollup": kind in A.ROLLUP_KINDS},
                     st.sampled_from(["target_achieved", "on_track", "acceleration_needed", "limited_progress",
                                      "deterioration", "unable_to_assess"]),
                     st.one_of(st.none(), st.floats(-5, 5)), st.sampled_from(A.KINDS))
trend_verdicts = st.builds(lambda s, sc: {"status": s, "score": sc, "in_rollup": False},
                           st.sampled_from(A.TREND_STATUSES), st.floats(-5, 5))


@FAST
@given(st.lists(verdicts, max_size=8), st.lists(trend_verdicts, min_size=1, max_size=4), st.integers(0, 8))
def test_adding_an_untargeted_indicator_never_changes_a_rollup(rows, extra, at):
    before = A.rollup(rows)
    after = A.rollup(rows[:at] + extra + rows[at:])
    assert (after.status, after.mean_score, after.n, after.n_assessed) == \
        (before.status, before.mean_score, before.n, before.n_assessed)
    themed = [dict(r, theme="t", indicator_code=f"I{k}") for k, r in enumerate(rows)]
    added = themed + [dict(r, theme="t", indicator_code=f"U{k}") for k, r in enumerate(extra)]
    assert A.theme_rollup(themed).get(("t",)) == A.theme_rollup(added).get(("t",))


# --- capaian properties --------------------------------------------------------------------------
pos = st.floats(min_value=0.01, max_value=1000, allow_nan=False)


@FAST
@given(st.floats(-1e4, 1e4), st.floats(-1e4, 1e4), pos, st.sampled_from(["higher_better", "lower_better"]))
def test_capaian_monotone_in_value(va, vb, target, direction):
    lo, hi = sorted((va, vb))
    p_lo, p_hi = A.capaian(lo, target, target, direction).raw, A.capaian(hi, target, target, direction).raw
    assert (p_hi >= p_lo - 1e-9) if direction == "higher_better" else (p_hi <= p_lo + 1e-9)


@FAST
@given(st.floats(-100, 100), st.floats(-100, 100), pos, pos)
def test_capaian_band_peaks_inside_and_capped_never_exceeds_the_cap(va, vb, b1, b2):
    low, high = sorted((b1, b2))
    lo, hi = sorted((va, vb))
    c_lo, c_hi = A.capaian(lo, low, high, "band"), A.capaian(hi, low, high, "band")
    if hi <= high:
        assert c_hi.raw >= c_lo.raw - 1e-9
    if lo >= low:
        assert c_hi.raw <= c_lo.raw + 1e-9
    assert all(c.capped is None or 0 <= c.capped <= A.CAPAIAN_CAP for c in (c_lo, c_hi))


# --- stored views --------------------------------------------------------------------------------
V_ASSESSMENTS = ["agency_code", "indicator_code", "year", "quarter", "kind", "status", "capaian", "score",
                 "target_low", "target_high", "target_year", "target_origin", "explanation"]
V_NATIONAL = ["indicator_code", "year", "kind", "status", "capaian", "score", "target_low", "target_high",
              "target_year", "explanation"]


def test_views_publish_the_contract_columns_first(seeded_con):
    cols = [d[0] for d in seeded_con.execute("SELECT * FROM v_assessments LIMIT 0").description]
    assert cols[:len(V_ASSESSMENTS)] == V_ASSESSMENTS
    cols = [d[0] for d in seeded_con.execute("SELECT * FROM v_national_assessments LIMIT 0").description]
    assert cols[:len(V_NATIONAL)] == V_NATIONAL
    kinds = {r[0] for r in seeded_con.execute("SELECT DISTINCT kind FROM v_assessments").fetchall()}
    assert kinds <= set(A.KINDS) and "target" in kinds
    origins = {r[0] for r in seeded_con.execute("SELECT DISTINCT target_origin FROM v_assessments").fetchall()}
    assert origins - {None} <= set(A.ORIGINS)


def test_init_stores_national_verdicts_and_inflation_2020_against_its_band(tmp_path):
    db = tmp_path / "p.duckdb"
    api.init_database(db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT status, target_low, target_high, target_year, kind FROM v_national_assessments "
                          "WHERE indicator_code = 'NAT_INFL' AND year = 2020").fetchone()
        eodb = con.execute("SELECT DISTINCT kind FROM v_national_assessments WHERE indicator_code = 'NAT_EODB_RANK' "
                           "AND year >= 2021").fetchall()
    finally:
        con.close()
    assert row[1:] == (2.0, 4.0, 2020, "target") and row[0] != "target_achieved"
    assert eodb == [("discontinued",)]


def test_incremental_refresh_equals_full_recompute(seeded_db_path, tmp_path):
    import shutil
    db = tmp_path / "copy.duckdb"
    shutil.copy(seeded_db_path, db)
    con = duckdb.connect(str(db))
    try:
        order = "ORDER BY agency_code, indicator_code, year, quarter"
        full = con.execute(f"SELECT * EXCLUDE (explanation, explanation_en) FROM assessments {order}").fetchall()
        agency = con.execute("SELECT min(agency_code) FROM assessments").fetchone()[0]
        con.execute("DELETE FROM assessments WHERE agency_code = ? AND year = 2024", [agency])
        stored.refresh(con, agency, (2023, 3))
        again = con.execute(f"SELECT * EXCLUDE (explanation, explanation_en) FROM assessments {order}").fetchall()
    finally:
        con.close()
    assert again == full and len(full) > 0
