"""Shared test fixtures: a small seeded database for the dashboard tests, and clean Streamlit caches.

`seeded_db(path)` writes a deterministic synthetic set straight into the tables (schema from
loaders.store.migrate). It is the only place the dashboard tests get data from, so switching to the
real demo (`python -m loaders demo --db PATH`) means changing this one function.
"""

from __future__ import annotations

import hashlib
import random
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from loaders import assessments, store

# ------------------------------------------------------------------ reference data of the synthetic set
THEMES = [  # code, kind, name, name_en, order
    ("rb_general", "general", "RB General", "General bureaucratic reform", 1),
    ("kemiskinan", "tematik", "Pengentasan Kemiskinan", "Poverty alleviation", 2),
    ("investasi", "tematik", "Peningkatan Investasi", "Investment", 3),
    ("digitalisasi", "tematik", "Digitalisasi Administrasi Pemerintahan", "Digital government", 4),
    ("inflasi", "tematik", "Pengendalian Inflasi", "Inflation control", 5),
    ("governance", "index", "Tata Kelola", "Governance indices", 6),
]
ALL_TYPES = ["KL", "PROV", "KAB", "KOTA"]
PEMDA = ["PROV", "KAB", "KOTA"]
# code, theme, level, applies_to, name, name_en, unit, direction, measurement, aggregation, limit, decimals, value_type
INDICATORS = [
    ("NAT_IPK", "governance", "national", [], "Indeks Persepsi Korupsi", "Corruption Perceptions Index",
     "skor", "higher_better", "snapshot", "none", 100.0, 0, "number"),
    ("NAT_POV_MAR", "kemiskinan", "national", [], "Persentase penduduk miskin (Maret)", "Poverty rate (March)",
     "%", "lower_better", "snapshot", "none", 0.0, 2, "number"),
    ("NAT_INFL", "inflasi", "national", [], "Inflasi IHK tahunan", "CPI inflation (yoy)",
     "%", "band", "snapshot", "none", None, 2, "number"),
    ("NAT_INV_REAL", "investasi", "national", [], "Realisasi investasi", "Realised investment",
     "Rp triliun", "higher_better", "cumulative", "none", None, 1, "number"),
    ("NAT_SPBE", "digitalisasi", "national", [], "Indeks SPBE Nasional", "National SPBE index",
     "indeks", "higher_better", "snapshot", "none", 5.0, 2, "number"),
    ("NAT_WTP_LKPP", "governance", "national", [], "Opini BPK atas LKPP", "Audit opinion on LKPP",
     "kategori", "higher_better", "snapshot", "none", None, 0, "category"),
    ("AG_SAKIP", "rb_general", "agency", ALL_TYPES, "Nilai SAKIP", "SAKIP score",
     "skor", "higher_better", "snapshot", "mean", 100.0, 2, "number"),
    ("AG_LAPOR", "rb_general", "agency", ALL_TYPES, "Pengaduan SP4N-LAPOR! diselesaikan", "LAPOR! complaints resolved",
     "%", "higher_better", "snapshot", "mean", 100.0, 1, "number"),
    ("AG_POV", "kemiskinan", "agency", PEMDA, "Persentase penduduk miskin daerah", "Regional poverty rate",
     "%", "lower_better", "snapshot", "mean", 0.0, 2, "number"),
    ("AG_INV", "investasi", "agency", ALL_TYPES, "Realisasi investasi daerah", "Realised investment",
     "Rp miliar", "higher_better", "cumulative", "sum", None, 1, "number"),
    ("AG_SPBE", "digitalisasi", "agency", ALL_TYPES, "Indeks SPBE instansi", "Agency SPBE index",
     "indeks", "higher_better", "snapshot", "mean", 5.0, 2, "number"),
    ("AG_INFL", "inflasi", "agency", PEMDA, "Inflasi daerah", "Regional inflation",
     "%", "band", "snapshot", "mean", None, 2, "number"),
]
AGENCIES = [  # code, name, type, province, autonomous, synthetic
    ("KL-PANRB", "Kementerian PANRB", "KL", None, True, False),
    ("KL-KEMENKEU", "Kementerian Keuangan", "KL", None, True, False),
    ("KL-BKPM", "Kementerian Investasi/BKPM", "KL", None, True, False),
    ("31", "DKI Jakarta", "PROV", "31", True, False),
    ("32", "Jawa Barat", "PROV", "32", True, False),
    ("33", "Jawa Tengah", "PROV", "33", True, False),
    ("35", "Jawa Timur", "PROV", "35", True, False),
    ("31.71", "Kota Adm. Jakarta Pusat", "KOTA", "31", False, False),
    ("32.04", "Kabupaten Bandung", "KAB", "32", True, False),
    ("32.73", "Kota Bandung", "KOTA", "32", True, False),
    ("33.74", "Kota Semarang", "KOTA", "33", True, False),
    ("35.07", "Kabupaten Malang", "KAB", "35", True, False),
    ("35.78", "Kota Surabaya", "KOTA", "35", True, False),
    ("32.98", "Kabupaten Sintetis Satu", "KAB", "32", True, True),
    ("32.99", "Kota Sintetis Dua", "KOTA", "32", True, True),
]
# national series: code -> [(year, month, value, text)]
SERIES = {
    "NAT_IPK": [(2019, None, 40, None), (2020, None, 37, None), (2021, None, 38, None), (2022, None, 34, None),
                (2023, None, 34, None), (2024, None, 37, None)],
    "NAT_POV_MAR": [(y, 3, v, None) for y, v in [(2019, 9.41), (2020, 9.78), (2021, 10.14), (2022, 9.54),
                                                (2023, 9.36), (2024, 9.03)]],
    "NAT_INFL": [(y, 12, v, None) for y, v in [(2019, 2.72), (2020, 1.68), (2021, 1.87), (2022, 5.51),
                                              (2023, 2.61), (2024, 1.57)]],
    "NAT_INV_REAL": [(y, None, v, None) for y, v in [(2019, 809.6), (2020, 826.3), (2021, 901.02),
                                                    (2022, 1207.2), (2023, 1418.9), (2024, 1714.2)]],
    "NAT_SPBE": [(2018, None, 1.98, None), (2019, None, 2.18, None), (2021, None, 2.24, None),
                 (2022, None, 2.34, None), (2023, None, 2.79, None)],
    "NAT_WTP_LKPP": [(y, None, None, "WTP") for y in range(2019, 2024)],
}
# national (catalogue) targets: code -> [(year, low, high, text, version)]
TARGETS = {
    "NAT_IPK": [(2024, 45, 45, None, 1)],
    "NAT_POV_MAR": [(2020, 8.5, 9.0, None, 1), (2022, 8.5, 9.0, None, 1), (2024, 6.0, 7.0, None, 1)],
    "NAT_INFL": [(y, 2.0, 4.0, None, 1) for y in range(2020, 2024)] + [(2024, 1.5, 3.5, None, 1)],
    "NAT_INV_REAL": [(2020, 817.2, 817.2, None, 1), (2021, 900, 900, None, 1), (2022, 1200, 1200, None, 1),
                     (2023, 1400, 1400, None, 1), (2024, 1239.3, 1239.3, None, 1), (2024, 1650, 1650, None, 2)],
    "NAT_SPBE": [(2024, 2.6, 2.6, None, 1)],
    "NAT_WTP_LKPP": [(y, None, None, "WTP", 1) for y in range(2020, 2025)],
    "AG_SAKIP": [(y, v, v, None, 1) for y, v in [(2020, 62), (2021, 64), (2022, 66), (2023, 68), (2024, 70)]],
    "AG_LAPOR": [(2024, 90, 90, None, 1)],
    "AG_SPBE": [(y, v, v, None, 1) for y, v in [(2020, 2.0), (2021, 2.2), (2022, 2.3), (2023, 2.5), (2024, 2.6)]],
    "AG_INFL": [(y, 2.0, 4.0, None, 1) for y in range(2020, 2024)] + [(2024, 1.5, 3.5, None, 1)],
}
YEARS = range(2020, 2025)


def _deadline(year: int, quarter: int) -> date:
    return store.quarter_end(year, quarter) + timedelta(days=15)


def _insert(con, table: str, rows: list[dict]) -> None:
    if rows:
        con.register("_rows", pd.DataFrame(rows))
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _rows")
        con.unregister("_rows")


def _agency_value(rng: random.Random, code: str, agency: str, year: int, quarter: int, trend: float) -> float:
    """A plausible value for one agency, indicator and quarter (`trend` in -1..1 per agency)."""
    k = (year - 2020) * 4 + quarter - 1  # 0..19
    noise = rng.uniform(-0.5, 0.5)
    if code == "AG_SAKIP":
        return round(58 + 0.6 * trend * k + noise, 2)
    if code == "AG_LAPOR":
        return round(min(100.0, 70 + 1.2 * trend * k + 2 * noise), 1)
    if code == "AG_POV":
        return round(max(0.5, 11 - 0.12 * trend * k + 0.1 * noise), 2)
    if code == "AG_INV":  # cumulative within the year
        return round((400 + 60 * trend * (year - 2020)) * quarter / 4 * (1 + 0.05 * noise), 1)
    if code == "AG_SPBE":
        return round(min(5.0, 1.8 + 0.05 * trend * k + 0.05 * noise), 2)
    if code == "AG_INFL":
        return round(3.0 + 1.5 * trend * (1 if year == 2022 else 0.3) + noise, 2)
    raise KeyError(code)


def seeded_db(path: Path | str) -> Path:
    """Create a DuckDB file at `path` with a small, deterministic synthetic data set."""
    path = Path(path)
    rng = random.Random(20240611)
    con = store.connect(path)
    try:
        store.migrate(con)
        with store.transaction(con):
            con.execute("INSERT INTO roadmap_periods VALUES ('2020-2024', 'Road Map RB 2020–2024', "
                        "'RB Road Map 2020–2024', 2020, 2024, 2019, 'Permenpan RB 25/2020 jo. 3/2023')")
            _insert(con, "themes", [dict(theme_code=c, kind=k, name=n, name_en=e, parent_code=None, sort_order=o)
                                    for c, k, n, e, o in THEMES])
            _insert(con, "indicators", [dict(
                indicator_code=c, theme_code=th, level=lv, applies_to=ap, name=n, name_en=ne,
                definition=f"Definisi {n}.", definition_en=f"Definition of {ne}.", unit=u, unit_en=u,
                value_type=vt, direction=d, measurement=m, aggregation=ag, natural_limit=lim,
                min_value=None, max_value=None, decimals=dec, legal_basis="Permenpan RB 25/2020",
                data_source="BPS / KemenPANRB" if lv == "national" else "Laporan triwulanan instansi",
                notes="", baseline_year=2019, baseline_value=(SERIES.get(c, [[None] * 3])[0][2] if lv == "national" else None),
                baseline_source="BPS" if lv == "national" else "", baseline_confidence="high")
                for c, th, lv, ap, n, ne, u, d, m, ag, lim, dec, vt in INDICATORS])
            _insert(con, "targets", [dict(
                indicator_code=c, agency_code=None, year=y, target_low=lo, target_high=hi, target_text=tx,
                version=v, effective_from=date(2020 if v == 1 else 2023, 1, 1), basis="RPJMN 2020–2024" if v == 1 else "Perpres",
                source=f"https://example.go.id/{c.lower()}", confidence="high" if v == 1 else "medium",
                submission_id=None, reason=None if v == 1 else "Target diperbarui")
                for c, rows in TARGETS.items() for y, lo, hi, tx, v in rows])
            _insert(con, "national_series", [dict(
                indicator_code=c, year=y, month=m, value=v, value_text=tx, source=f"https://bps.go.id/{c.lower()}/{y}",
                confidence="high" if y < 2024 else "medium", note="")
                for c, rows in SERIES.items() for y, m, v, tx in rows])
            _insert(con, "agencies", [dict(
                agency_code=c, name=n, agency_type=t, province_code=p, parent_code=p if t in ("KAB", "KOTA") else None,
                valid_from=None, valid_to=None, autonomous=a, contact_email=f"rb@{c.lower()}.go.id",
                source="registry", synthetic=s) for c, n, t, p, a, s in AGENCIES])
            _insert(con, "reporting_calendar", [dict(year=y, quarter=q, deadline=_deadline(y, q))
                                                for y in YEARS for q in range(1, 5)])
            _seed_submissions(con, rng)
            assessments.refresh(con)  # the stored verdicts the pages read
            _seed_accounts(con)
    finally:
        con.close()
    return path


# ------------------------------------------------------------------ accounts (one per role; see sign_in below)
from accounts import ACCOUNTS, PASSWORD, seed_accounts as _seed_accounts, sign_in  # noqa: E402,F401


def _seed_submissions(con, rng: random.Random) -> None:
    subs, values, renaksi, uploads, agency_targets = [], [], [], [], []
    inds = {row[0]: row for row in INDICATORS}
    for i, (agency, _name, atype, _p, autonomous, synthetic) in enumerate(AGENCIES):
        if not autonomous:
            continue
        trend = [1.0, 0.6, 0.2, -0.4, 0.9, -0.8, 0.4][i % 7]
        for year in YEARS:
            for quarter in range(1, 5):
                # a few gaps: the last agency of each type skips 2024Q4; one agency misses 2022Q3
                if (year, quarter) == (2024, 4) and agency in ("KL-BKPM", "35.78", "32.99"):
                    continue
                if (year, quarter) == (2022, 3) and agency == "33.74":
                    continue
                late = (i + year + quarter) % 5 == 0
                received = datetime.combine(_deadline(year, quarter), datetime.min.time()) + \
                    timedelta(days=(6 if late else -3), hours=10)
                versions = 2 if (agency == "32.73" and (year, quarter) == (2024, 3)) else 1
                for version in range(1, versions + 1):
                    sid = f"{agency}-{year}Q{quarter}-v{version}"
                    codes = [c for c in inds if inds[c][2] == "agency" and atype in inds[c][3]]
                    sub_values = []
                    for code in codes:
                        v = _agency_value(rng, code, agency, year, quarter, trend)
                        if version == 2 and code == "AG_SAKIP":
                            v = round(v + 3, 2)
                        sub_values.append(dict(submission_id=sid, indicator_code=code, value=v, value_text=None,
                                               note="", evidence_url=f"https://{agency.lower()}.go.id/bukti/{code}",
                                               source_cell=f"Indikator!F{12 + codes.index(code)}"))
                    rows = []
                    if atype != "KL" or agency == "KL-PANRB":
                        for row_no, (theme, plan, output, unit, tw) in enumerate([
                            ("kemiskinan", "Pemutakhiran data DTKS", "Desa dengan data mutakhir", "desa", (10, 10, 10, 10)),
                            ("digitalisasi", "Integrasi layanan publik", "Layanan terintegrasi", "layanan", (1, 1, 2, 2)),
                            ("investasi", "Promosi investasi daerah", "Proyek ditawarkan", "proyek", (2, 3, 3, 2)),
                        ], start=8):
                            real = max(0.0, round(tw[quarter - 1] * (0.5 + 0.6 * (trend + 1) / 2 + rng.uniform(-0.2, 0.2))))
                            rows.append(dict(submission_id=sid, row_no=row_no, theme_code=theme, action_plan=plan,
                                             output_indicator=output, unit=unit, target_tw1=tw[0], target_tw2=tw[1],
                                             target_tw3=tw[2], target_tw4=tw[3], realisation=real,
                                             budget=120_000_000.0, budget_realisation=30_000_000.0 * quarter * (0.8 + 0.2 * trend),
                                             intervention_focus="Teknologi dan Informasi", coordinator="Bappeda",
                                             implementer="Diskominfo", obstacles="=HYPERLINK(\"x\")" if row_no == 9 else "",
                                             follow_up=""))
                    sha = hashlib.sha256(sid.encode()).hexdigest()
                    subs.append(dict(submission_id=sid, agency_code=agency, year=year, quarter=quarter, version=version,
                                     received_at=received + timedelta(days=12 * (version - 1)), uploader=f"operator@{agency}",
                                     file_name=f"{agency}_{year}_TW{quarter}.xlsx", file_sha256=sha,
                                     template_version="2024.1", reason="Koreksi nilai SAKIP" if version == 2 else None,
                                     synthetic=synthetic, n_values=len(sub_values), n_renaksi=len(rows), n_warnings=0))
                    uploads.append(dict(upload_id=f"U-{year}{quarter}{version}-{sha[:12]}", received_at=received,
                                        uploader=f"operator@{agency}", file_name=f"{agency}_{year}_TW{quarter}.xlsx",
                                        file_sha256=sha, file_size=20_000, outcome="accepted",
                                        agency_code=agency, year=year, quarter=quarter, submission_id=sid,
                                        n_errors=0, n_warnings=0, reason=None))
                    values += sub_values
                    renaksi += rows
                    if quarter == 1 and version == 1:
                        for code in ("AG_POV", "AG_INV"):
                            if code in codes:
                                base = _agency_value(random.Random(1), code, agency, 2024 if code == "AG_POV" else year, 4, 1.0)
                                agency_targets.append(dict(indicator_code=code, agency_code=agency, year=year,
                                                           target_low=base, target_high=base, target_text=None, version=1,
                                                           effective_from=date(year, 1, 1), basis="Renstra", source=sid,
                                                           confidence="high", submission_id=sid, reason=None))
    uploads.append(dict(upload_id="U-rejected-1", received_at=datetime(2024, 10, 3, 9), uploader="operator@32.04",
                        file_name="32.04_2024_TW3_salah.xlsx", file_sha256="f" * 64, file_size=18_000,
                        outcome="rejected", agency_code="32.04", year=2024, quarter=3, submission_id=None,
                        n_errors=2, n_warnings=0, reason=None))
    _insert(con, "submissions", subs)
    _insert(con, "submission_values", values)
    _insert(con, "renaksi_outputs", renaksi)
    _insert(con, "uploads", uploads)
    _insert(con, "targets", agency_targets)


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="session")
def seeded_db_path(tmp_path_factory) -> Path:
    return seeded_db(tmp_path_factory.mktemp("db") / "pantaurb.duckdb")


@pytest.fixture(scope="session")
def _initialised_db_dir(tmp_path_factory) -> Path:
    """`api.init_database` once per session (about 0.6 s of CPU a time; the tests that need it number ~50)."""
    from loaders import api
    path = tmp_path_factory.mktemp("initialised") / "db" / "pantaurb.duckdb"
    api.init_database(path)
    return path.parent


@pytest.fixture
def initialised_db(_initialised_db_dir, tmp_path) -> Path:
    """A database as `python -m loaders init` leaves it (catalogue, registry, calendar, verdicts), this test's
    own: a copy of the folder built once per session, so a test may write to it freely."""
    target = tmp_path / "db"
    shutil.copytree(_initialised_db_dir, target, ignore=shutil.ignore_patterns("*.lock"))
    return target / "pantaurb.duckdb"


@pytest.fixture
def seeded_con(seeded_db_path):
    with store.session(seeded_db_path) as con:
        yield con


@pytest.fixture
def app_env(seeded_db_path, monkeypatch):
    """Point the dashboard at the seeded database (AppTest reads PANTAURB_DB)."""
    monkeypatch.setenv("PANTAURB_DB", str(seeded_db_path))
    return seeded_db_path


@pytest.fixture(autouse=True)
def _clear_streamlit_caches():
    """st.cache_data/st.cache_resource are process-global: clear them so tests do not leak into each other."""
    try:
        import streamlit as st
    except ImportError:  # pragma: no cover
        yield
        return
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


# ------------------------------------------------------------------ markers (registered in pyproject.toml)
# `pytest -m "not slow"` is the fast subset a developer runs while working; `bash scripts/test.sh` runs all.
# A test is marked here, in one place, by what it uses, so a new test in the same style is marked too.
SLOW_MODULES = {   # modules whose every test takes seconds: subprocesses, demo builds, whole-app walks
    "test_durability": "kills real `python -m loaders` processes",
    "test_demo": "builds a demo database",
    "test_benchmark_smoke": "runs the benchmark at two scales",
    "test_internal_markers": "walks every page with AppTest",
    "test_ingest_batch": "reads workbooks in worker processes",
    "test_auth": "every write path against a copied database, argon2 hashes, CLI account commands",
    "test_snapshot": "publishes snapshot copies of the database",
    "test_injection": "builds a database with hostile texts through the import and upload paths",
}
SLOW_TESTS = {     # single tests of otherwise fast modules, each about 1 s or more on the quiet 2-core machine
    "test_archive_holds_every_file_and_rebuild_equals_live", "test_agency_target_changes_are_versioned",
    "test_renaksi_checks", "test_cli_exit_codes_json_and_receipt",
    "test_resubmission_versions_duplicates_and_reason_after_deadline",
    "test_period_outside_roadmap_and_mismatch", "test_percent_out_of_range_negative_and_out_of_limits",
    "test_a_value_a_thousand_times_the_median_of_its_agency_type_is_an_error",
    "test_prefill_after_a_missed_quarter_carries_values_and_open_plans",
    "test_a_report_two_years_late_says_so_on_the_message_and_the_receipt",
    "test_a_confirmed_unusual_value_is_accepted_and_keeps_its_reason",
    "test_investment_a_trillion_times_last_quarter_is_an_error_even_though_cumulative",
    "test_category_dropdown_is_the_declared_list_and_the_check_accepts_each",
    "test_xlsx_edit_a_target_and_add_an_indicator_then_dump", "test_dump_then_load_is_identical",
    "test_load_is_cached_until_the_file_changes", "test_dump_keeps_the_key_documentation_of_an_existing_file",
    "test_xlsx_missing_sheet_column_and_unknown_indicator", "test_pdf_briefing_text",
}
APPTEST_NEEDLES = ("AppTest",)
SOFFICE_NEEDLES = ("soffice", "libreoffice", "resaved(")
PROCESS_NEEDLES = ("subprocess.", "sys.executable")      # a new Python process costs about a second to import


def _source_mentions(item, needles: tuple[str, ...]) -> bool:
    """The test's own source, or a helper function of its module that it calls, mentions one of `needles`."""
    import contextlib
    import inspect
    func = getattr(item, "function", None)
    if func is None:
        return False
    sources = []
    try:
        sources.append(inspect.getsource(func))
    except (OSError, TypeError):
        return False
    module = inspect.getmodule(func)
    for name in func.__code__.co_names:
        helper = getattr(module, name, None)
        if inspect.isfunction(helper) and getattr(helper, "__module__", None) == module.__name__:
            with contextlib.suppress(OSError, TypeError):
                sources.append(inspect.getsource(helper))
    return any(n in s for s in sources for n in needles)


def pytest_collection_modifyitems(config, items):
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        module = item.path.stem
        marks = set()
        if "e2e" in item.path.parts:
            marks |= {"browser", "slow"}
        if "app_env" in fixtures or _source_mentions(item, APPTEST_NEEDLES):
            marks |= {"apptest", "slow"}
        if _source_mentions(item, SOFFICE_NEEDLES):
            marks |= {"soffice", "slow"}
        if _source_mentions(item, PROCESS_NEEDLES):
            marks.add("slow")
        if module in SLOW_MODULES or getattr(item, "originalname", item.name) in SLOW_TESTS:
            marks.add("slow")
        for mark in sorted(marks):
            item.add_marker(mark)
        # pytest-xdist (`-n 2 --dist loadgroup`, scripts/test.sh): a file's tests stay on one worker (its module
        # fixtures are built once), and every browser test shares one worker, one demo build and one server.
        item.add_marker(pytest.mark.xdist_group("e2e" if "e2e" in item.path.parts else item.path.stem))
