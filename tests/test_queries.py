"""indicators.queries on the seeded database (tests/conftest.py: seeded_db)."""

from __future__ import annotations

import pytest

from indicators import progress, queries as Q

STATUSES = set(progress.STATUSES) | {"unable_to_assess"}


def test_data_status_counts_what_the_database_holds(seeded_con):
    row = Q.data_status(seeded_con).iloc[0]
    assert row["n_periods"] == 1 and row["n_indicators"] == 12 and row["n_agencies"] == 15
    assert row["n_submissions"] > 250 and bool(row["any_synthetic"])


def test_available_quarters_cover_the_period_with_in_force_submission_counts(seeded_con):
    df = Q.available_quarters(seeded_con, "2020-2024")
    assert len(df) == 20 and (df["year"].min(), df["year"].max()) == (2020, 2024)
    last = df.iloc[-1]
    assert (last["year"], last["quarter"], last["n_submissions"]) == (2024, 4, 11)
    # 2024Q3 of Kota Bandung has two versions: only the one in force is counted
    assert int(df[(df.year == 2024) & (df.quarter == 3)]["n_submissions"].iloc[0]) == 14


def test_agency_assessments_use_the_submission_in_force_and_its_latest_value(seeded_con):
    df = Q.agency_assessments(seeded_con, 2024, 3)
    assert set(df["status"]) <= STATUSES
    assert not df.duplicated(["agency_code", "indicator_code"]).any()
    bdg = df[(df.agency_code == "32.73") & (df.indicator_code == "AG_SAKIP")].iloc[0]
    assert bdg["submission_id"] == "32.73-2024Q3-v2"
    in_force = seeded_con.execute(
        "SELECT value FROM v_values WHERE agency_code = '32.73' AND indicator_code = 'AG_SAKIP' "
        "AND year = 2024 AND quarter = 3").fetchone()[0]
    assert bdg["latest_value"] == pytest.approx(in_force)
    # capaian (higher is better) = value / target of the year * 100 (catalogue target 70 for 2024)
    assert bdg["capaian"] == pytest.approx(in_force / 70 * 100)
    # PROV/KAB/KOTA-only indicators are not assessed for K/L
    assert df[(df.agency_type == "KL") & (df.indicator_code == "AG_POV")].empty


def test_agency_assessments_are_as_of_the_quarter(seeded_con):
    early = Q.agency_assessments(seeded_con, 2021, 2)
    assert early["latest_time"].max() == pytest.approx(2021 - 1 + 2 / 4)
    assert (early["latest_year"] * 10 + early["latest_quarter"]).max() == 20212


def test_cumulative_indicators_are_assessed_on_year_totals_and_paced_within_the_year(seeded_con):
    df = Q.agency_assessments(seeded_con, 2024, 2, indicator="AG_INV")
    assert set(df["n_points"]) == {4}  # Q4 totals of 2020..2023
    assert set(df["pacing_status"].dropna()) <= {"concerned", "at_risk", "on_target", "above_target"}
    assert df["pacing_status"].notna().all()
    assert (df["target_source"] == "agency").all()


def test_national_assessments_show_value_target_band_status_and_capaian(seeded_con):
    df = Q.national_assessments(seeded_con, 2024, 4).set_index("indicator_code")
    pov = df.loc["NAT_POV_MAR"]
    assert (pov["latest_value"], pov["target_low"], pov["target_high"]) == (9.03, 6.0, 7.0)
    assert pov["capaian"] == pytest.approx((2 * 7 - 9.03) / 7 * 100)
    assert pov["status"] == "limited_progress"
    assert pov["source"].startswith("https://") and pov["confidence"] == "medium"
    assert pov["series_v"][-1] == 9.03 and len(pov["series_t"]) == 6
    assert "9,03" in pov["explanation_id"] and "9.03" in pov["explanation_en"]
    assert df.loc["NAT_WTP_LKPP", "status"] == "target_achieved"
    # the target in force is the highest version
    assert df.loc["NAT_INV_REAL", "target_low"] == 1650 and df.loc["NAT_INV_REAL", "target_version"] == 2


def test_national_assessments_only_use_figures_published_by_the_quarter(seeded_con):
    df = Q.national_assessments(seeded_con, 2021, 4).set_index("indicator_code")
    assert df.loc["NAT_IPK", "latest_value"] == 38 and df.loc["NAT_IPK", "latest_year"] == 2021
    assert df.loc["NAT_POV_MAR", "latest_year"] == 2021


def test_theme_status_matrix_counts_every_assessment_once(seeded_con):
    matrix = Q.theme_status_matrix(seeded_con, 2024, 4)
    agency = matrix[matrix["scope"] == "agency"]
    assert agency["n"].sum() == len(Q.agency_assessments(seeded_con, 2024, 4))
    assert matrix[matrix["scope"] == "national"]["n"].sum() == 6
    one = matrix[(matrix.theme == "kemiskinan") & (matrix.scope == "agency")]
    assert one["rollup_status"].nunique() == 1 and set(matrix["status"]) <= STATUSES


def test_compliance_summary_counts_expected_and_received_reports(seeded_con):
    df = Q.compliance_summary(seeded_con, 2024, 4).set_index("agency_type")
    assert (df.loc["ALL", "expected"], df.loc["ALL", "reported"], df.loc["ALL", "not_received"]) == (14, 11, 3)
    assert df.loc["KL", "expected"] == 3  # the administrative city of Jakarta Pusat is not autonomous
    assert list(df.index) == ["KL", "PROV", "KAB", "KOTA", "ALL"]


def test_changes_since_previous_quarter(seeded_con):
    df = Q.changes_since_previous(seeded_con, 2024, 4)
    kinds = df["kind"].value_counts()
    assert kinds["new_submission"] == 11
    # annual 2024 figures (t = 2024.0) become known in Q4
    assert {"NAT_IPK", "NAT_INFL", "NAT_INV_REAL"} <= set(df[df.kind == "national_value"]["indicator_code"])
    changed = df[df.kind == "agency_status"]
    assert (changed["before_status"] != changed["after_status"]).all() and changed["submission_id"].notna().all()
    q3 = Q.changes_since_previous(seeded_con, 2024, 3)
    assert set(q3[q3.kind == "revision"]["submission_id"]) == {"32.73-2024Q3-v2"}


def test_theme_agencies_rank_the_most_off_track_first(seeded_con):
    df = Q.theme_agencies(seeded_con, 2024, 4, "kemiskinan")
    scores = df["mean_score"].dropna().tolist()
    assert scores == sorted(scores) and len(df) == 11  # PROV/KAB/KOTA reporting AG_POV
    assert df["latest_submission_id"].str.contains("-2024Q").all()


def test_theme_indicator_summary_has_agency_and_national_indicators(seeded_con):
    df = Q.theme_indicator_summary(seeded_con, 2024, 4, "kemiskinan")
    assert set(df["indicator_code"]) == {"AG_POV", "NAT_POV_MAR"}
    ag = df[df.indicator_code == "AG_POV"].iloc[0]
    assert ag["n_agencies"] == 11 and 0 <= ag["share_off_track"] <= 1


def test_renaksi_pacing_adds_up_quarterly_realisation_against_targets(seeded_con):
    df = Q.renaksi_pacing(seeded_con, 2024, 2, "kemiskinan")
    row = df[df.agency_code == "32"].iloc[0]
    raw = seeded_con.execute(
        "SELECT sum(realisation) FROM v_renaksi WHERE agency_code = '32' AND year = 2024 AND quarter <= 2 "
        "AND theme_code = 'kemiskinan'").fetchone()[0]
    assert row["realised_to_date"] == pytest.approx(raw)
    assert (row["target_to_date"], row["annual_target"], row["expected"]) == (20, 40, 0.5)
    assert row["pacing_status"] == progress.pacing(raw, 40, 2, "cumulative").status
    assert row["submission_ids"] == "32-2024Q1-v1, 32-2024Q2-v1"


def test_indicator_series_national_aggregate_and_one_agency(seeded_con):
    df = Q.indicator_series(seeded_con, "AG_SAKIP", 2024, 3, "32.73")
    nat, ag = df[df.series == "national"], df[df.series == "agency"]
    assert len(nat) == 19 and len(ag) == 19 and df["t"].max() == pytest.approx(2023.75)
    assert nat["n_agencies"].max() == 14 and ag["submission_id"].iloc[-1] == "32.73-2024Q3-v2"
    pub = Q.indicator_series(seeded_con, "NAT_POV_MAR", 2024, 4)
    assert list(pub["source"].str.startswith("https://")) == [True] * len(pub)


def test_indicator_targets_and_versions(seeded_con):
    tg = Q.indicator_targets(seeded_con, "AG_POV", "32.73")
    assert set(tg["series"]) == {"agency"} and tg["submission_id"].str.startswith("32.73-").all()
    nat = Q.indicator_targets(seeded_con, "NAT_INV_REAL")
    assert nat[nat.year == 2024]["target_low"].tolist() == [1650]
    versions = Q.target_versions(seeded_con, "NAT_INV_REAL")
    v2024 = versions[versions.year == 2024].sort_values("version")
    assert v2024["in_force"].tolist() == [False, True]


def test_indicator_explanation_in_both_languages_with_what_is_needed(seeded_con):
    df = Q.indicator_explanation(seeded_con, "AG_SAKIP", 2024, 3, "32.73")
    assert list(df["scope"]) == ["national", "agency"]
    assert all(df["explanation_id"].str.contains("Dari")) and all(df["explanation_en"].str.contains("From"))
    off = df[~df.status.isin(["target_achieved", "unable_to_assess"])]
    assert all(len(n) >= 1 for n in off["needed"])


def test_final_results_per_indicator_scope_and_theme(seeded_con):
    ind = Q.final_indicator_results(seeded_con, "2020-2024")
    assert set(ind["scope"]) == {"national", "all", "KL", "PROV", "KAB", "KOTA"}
    assert len(ind[ind.scope.isin(["national", "all"])]) == 12
    sakip_all = ind[(ind.indicator_code == "AG_SAKIP") & (ind.scope == "all")].iloc[0]
    assert sakip_all["n_agencies"] == 14
    themes = Q.final_theme_results(seeded_con, "2020-2024")
    assert set(themes["status"]) <= STATUSES
    assert themes[(themes.theme == "governance")]["scope"].tolist() == ["national"]


def test_parameters_are_bound_not_spliced(seeded_con):
    assert Q.agency_assessments(seeded_con, 2024, 4, theme="x' OR 1=1 --").empty
    assert Q.indicator_list(seeded_con, theme="rb_general' OR '1'='1").empty
    assert Q.final_indicator_results(seeded_con, "nope").empty
