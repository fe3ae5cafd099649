"""Several official targets per indicator and year, one designated (issue 17): the pinned figures with their
sources, the catalogue rule, the stored alternatives (migration 11), and the verdict with what the other bases
would say on the indicator page (AppTest) and in the PDF, in both languages; the rule texts (one text each)."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
import yaml
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from accounts import PASSWORD, sign_in
from indicators import catalogue as C
from indicators import rules_text
from indicators.catalogue import load_catalogue, parse_source
from loaders import api, store

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def _src(t):
    return parse_source(t.source)


# ------------------------------------------------------------------ the figures, each with its source
def test_spbe_2024_value_and_rpjmn_target(cat):
    spbe = cat.by_code["NAT_SPBE"]
    obs, tgt = spbe.observation(2024), spbe.target_for(2024)
    assert obs.value == 3.12 and obs.confidence == "medium" and "615" in obs.note
    assert (tgt.low, tgt.high, tgt.basis_code, tgt.confidence) == (2.6, 2.6, "rpjmn", "medium")
    for s in (parse_source(obs.source), _src(tgt)):
        assert (s.publisher, s.date, s.kind) == ("Purna Warta", "2025-01", "secondary")
        assert s.title == "Presiden Prabowo Dorong Digitalisasi Layanan Publik untuk Transparansi"
        assert s.url == "https://purnawarta.com/nasional/peristiwa/presiden-prabowo-dorong-digitalisasi-layanan-publik-untuk-transparansi"
    assert "RPJMN 2020–2024" in tgt.basis and [t.basis_code for t in spbe.target_bases(2024)] == ["rpjmn"]


def test_extreme_poverty_inpres_zero_beside_rkp_band(cat):
    ext = cat.by_code["NAT_POV_EXT"]
    inpres, rkp = ext.target_for(2024, basis="inpres"), ext.target_for(2024, basis="rkp")
    assert (inpres.low, inpres.high, inpres.effective_from) == (0, 0, date(2022, 6, 8))
    assert (rkp.low, rkp.high, rkp.confidence) == (0, 1, "medium")
    s = _src(rkp)
    assert (s.publisher, s.date, s.kind) == ("Tribunnews", "2023-08-17", "secondary")
    assert s.title == "Kemiskinan Ekstrem Ditargetkan Turun Jadi 0 hingga 1 Persen pada 2024"
    assert s.url.startswith("https://www.tribunnews.com/bisnis/2023/08/17/")
    # the designated basis is the catalogue default order (RPJMN, Road Map, Inpres, RKP, sectoral): Inpres
    assert ext.target_basis == () and ext.target_for(2024, order=cat.target_basis).basis_code == "inpres"
    # series basis: the verdict uses the USD 1,90 PPP 2011 line, stated to users
    assert "USD 1,90 PPP 2011" in ext.notes and "USD 1.90 PPP 2011" in ext.notes
    assert ext.observation(2024, 3).value == 0.83


def test_stunting_rpjmn_14_beside_the_2024_target_of_20_1(cat):
    st_ = cat.by_code["NAT_STUNTING"]
    assert st_.target_for(2024, order=cat.target_basis).low == 14
    alt = st_.target_for(2024, basis="sectoral")
    assert (alt.low, alt.high, alt.confidence) == (20.1, 20.1, "medium")
    s = _src(alt)
    assert (s.publisher, s.date, s.kind) == ("Portal Percepatan Pencegahan Stunting (Setwapres)", "2025-05", "primary")
    assert (s.title, s.url) == ("Prevalensi Stunting Indonesia Turun ke 19,8%",
                                "https://stunting.go.id/prevalensi-stunting-indonesia-turun-ke-198/")
    assert st_.observation(2024).value == 19.8


def test_sakip_2024_averages_the_2023_conflict_and_the_share_graded_b(cat):
    prov, kk = cat.by_code["NAT_SAKIP_AVG_PROV"], cat.by_code["NAT_SAKIP_AVG_KABKOTA"]
    for ind, value in ((prov, 70.75), (kk, 64.23)):
        o = ind.observation(2024)
        s = parse_source(o.source)
        assert (o.value, o.confidence, s.publisher, s.date) == (value, "medium", "Kompas.com (Kilas Kementerian)",
                                                              "2024-10-02")
        assert s.title.startswith("SAKIP Meningkat dalam 10 Tahun") and "15433931" in s.url
    # "+0,18 from 2023" implies 64,05; the December 2023 announcement says 63,36: both official, shown, low
    k23 = kk.observation(2023)
    assert (k23.value, k23.confidence) == (63.36, "low") and "64,05" in k23.note and "64.05" in k23.note
    assert round(prov.observation(2023).value - 1.42, 2) == 70.75   # the province figures agree
    share = cat.by_code["NAT_SAKIP_B_KABKOTA"]
    o = share.observation(2024)
    s = parse_source(o.source)
    assert (o.value, o.confidence, s.publisher, s.date, s.kind) == (85.5, "medium", "Sumatera Ekspres", "2024-10",
                                                                    "secondary")
    assert "433" in o.note and "505" in o.note and share.observation(2023).value == 75.78


# ------------------------------------------------------------------ the catalogue rule
def _one(targets, **extra) -> dict:
    raw = yaml.safe_load((ROOT / "indicators" / "catalogue.yaml").read_text(encoding="utf-8"))
    ind = next(i for i in raw["indicators"] if i["code"] == "NAT_STUNTING")
    ind["targets"] = targets
    ind.update(extra)
    raw["indicators"] = [ind]
    return raw


def _target(year, low, basis_code=None, version=1):
    t = {"year": year, "low": low, "high": low, "version": version, "effective_from": date(2020, 1, 1),
         "basis": "uji / test", "source": {"publisher": "BPS", "title": "x", "date": "2024", "url": "https://bps.go.id/x"},
         "confidence": "high"}
    if basis_code:
        t["basis_code"] = basis_code
    return t


def test_several_bases_coexist_and_one_judges():
    cat = C.build_catalogue(_one([_target(2024, 14), _target(2024, 20.1, "sectoral"), _target(2024, 13, "rkp")]))
    ind = cat.by_code["NAT_STUNTING"]
    assert ind.target_for(2024).low == 14                                   # default: RPJMN first
    assert [t.basis_code for t in ind.target_bases(2024)] == ["rpjmn", "rkp", "sectoral"]
    cat = C.build_catalogue(_one([_target(2024, 14), _target(2024, 20.1, "sectoral")], target_basis=["sectoral"]))
    ind = cat.by_code["NAT_STUNTING"]
    assert ind.target_for(2024).low == 20.1 and ind.basis_rank("rpjmn") is None  # RPJMN is shown, never judges
    raw = _one([_target(2024, 14), _target(2024, 20.1, "sectoral")])
    raw["target_basis"] = ["sectoral", "rpjmn"]                              # a catalogue-level default
    cat = C.build_catalogue(raw)
    assert cat.target_basis == ("sectoral", "rpjmn")
    assert cat.by_code["NAT_STUNTING"].target_for(2024, order=cat.target_basis).low == 20.1


@pytest.mark.parametrize("change, message", [
    (lambda r: r["indicators"][0]["targets"][0].update(basis_code="renstra"), "dasar target 'renstra' tidak dikenal"),
    (lambda r: r["indicators"][0].update(target_basis=["rpjmn", "rpjmn"]), "must be a list of target bases"),
    (lambda r: r["indicators"][0]["targets"].append(_target(2024, 15)), "versi 1 untuk tahun 2024 ganda"),
])
def test_basis_problems_are_named(change, message):
    raw = _one([_target(2024, 14), _target(2024, 20.1, "sectoral")])
    change(raw)
    with pytest.raises(C.CatalogueError) as exc:
        C.build_catalogue(raw)
    assert message in str(exc.value)


def test_bases_survive_yaml_and_workbook_round_trips(tmp_path, cat):
    from indicators import catalogue_xlsx
    path = C.dump_catalogue(cat, tmp_path / "katalog.yaml")
    again = C.load_catalogue(path)
    assert again.by_code["NAT_POV_MAR"].target_basis == ("rkp", "rpjmn")
    assert [t.basis_code for t in again.by_code["NAT_POV_EXT"].target_bases(2024)] == ["rkp", "inpres"]
    buf = io.BytesIO()
    catalogue_xlsx.export_catalogue_xlsx(cat, buf)
    back = catalogue_xlsx.import_catalogue_xlsx(io.BytesIO(buf.getvalue()), "katalog.xlsx")
    assert back.by_code["NAT_POV_SEP"].target_basis == ("rkp", "rpjmn")
    assert back.by_code["NAT_STUNTING"].target_for(2024, basis="sectoral").low == 20.1


# ------------------------------------------------------------------ stored verdicts and alternatives
@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    """A database built from the real catalogue (no agency reports) with one admin account."""
    path = tmp_path_factory.mktemp("bases") / "pantaurb.duckdb"
    api.init_database(path)
    from loaders import auth
    con = store.connect(path)
    try:
        auth.add_user(con, auth.Scope.system("cli:test"), username="admin", role="admin", agency_code=None,
                      province_code=None, email="admin@contoh.go.id", password=PASSWORD)
    finally:
        con.close()
    return path


def _rows(path, sql, params=None):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_views_list_every_basis_and_v_targets_ends_with_the_basis(real_db):
    cols = [r[0] for r in _rows(real_db, "DESCRIBE v_targets")]
    assert cols == ["indicator_code", "year", "target_low", "target_high", "target_text", "version", "basis",
                    "source", "confidence", "basis_code"]                       # the contract: new column last
    assert _rows(real_db, "SELECT basis_code, target_low FROM v_targets WHERE indicator_code = 'NAT_STUNTING' "
                          "AND year = 2024") == [("rpjmn", 14.0)]
    assert _rows(real_db, "SELECT basis_code, target_low, designated FROM v_target_bases WHERE indicator_code = "
                          "'NAT_STUNTING' AND year = 2024 ORDER BY basis_code") == [("rpjmn", 14.0, True),
                                                                                  ("sectoral", 20.1, False)]
    assert _rows(real_db, "SELECT max(version) FROM schema_migrations")[0][0] >= 11


# status before issue 17 -> designated status now, and what the other basis says (engine run on the catalogue)
FLIPS = {
    "NAT_SPBE": ("target_achieved", None),                   # was unable_to_assess (no 2024 value, no target)
    "NAT_POV_EXT": ("acceleration_needed", ("rkp", "target_achieved")),
    "NAT_STUNTING": ("limited_progress", ("sectoral", "target_achieved")),
    "NAT_POV_MAR": ("limited_progress", ("rpjmn", "limited_progress")),
}


def test_designated_verdicts_and_alternatives_are_stored(real_db):
    for code, (status, alt) in FLIPS.items():
        got = _rows(real_db, "SELECT status FROM national_assessments WHERE indicator_code = ? AND year = 2024 "
                             "AND quarter = 4", [code])
        assert got == [(status,)], code
        alts = _rows(real_db, "SELECT basis_code, status FROM v_national_target_alternatives WHERE indicator_code = ? "
                              "AND year = 2024 AND quarter = 4", [code])
        assert alts == ([alt] if alt else []), code
    cap = _rows(real_db, "SELECT round(capaian, 1) FROM national_assessments WHERE indicator_code = 'NAT_POV_MAR' "
                         "AND year = 2024 AND quarter = 4")[0][0]
    assert cap == 79.6                       # against RKP 6,5–7,5 (was 71,0 against RPJMN 6–7)


LINES = {  # indicator -> (id, en) lines the page and the PDF must show
    "NAT_SPBE": (["Status dinilai terhadap target RPJMN 2024 2,60."], ["Status judged against the RPJMN 2024 target 2.60."]),
    "NAT_POV_EXT": (["Status dinilai terhadap target Inpres 2024 0,00 %.",
                     "Terhadap target RKP/APBN 2024 0,00–1,00 %: Target tercapai"],
                    ["Status judged against the Inpres 2024 target 0.00 %.",
                     "Against the RKP/state budget 2024 target 0.00–1.00 %: Target achieved"]),
    "NAT_STUNTING": (["Status dinilai terhadap target RPJMN 2024 14,0 %.",
                      "Terhadap target rencana sektoral 2024 20,1 %: Target tercapai"],
                     ["Status judged against the RPJMN 2024 target 14.0 %.",
                      "Against the sectoral plan 2024 target 20.1 %: Target achieved"]),
}
STATUS_WORDS = {"NAT_SPBE": ("Target tercapai", "Target achieved"),
                "NAT_POV_EXT": ("Perlu percepatan", "Acceleration needed"),
                "NAT_STUNTING": ("Kemajuan terbatas", "Limited progress")}


@pytest.mark.parametrize("code", list(LINES))
def test_indicator_page_shows_the_verdict_and_the_other_bases(real_db, monkeypatch, code):
    monkeypatch.setenv("PANTAURB_DB", str(real_db))
    at = sign_in(AppTest.from_file(APP, default_timeout=90))
    for k, v in {"indicator": code, "year": "2024", "quarter": "4"}.items():
        at.query_params[k] = v
    at.run()
    at.switch_page("app_pages/indicator.py").run()
    assert not at.exception, [e.value for e in at.exception]
    for lang, i in (("id", 0), ("en", 1)):
        if lang == "en":
            at.radio(key="lang").set_value("en").run()
            assert not at.exception, [e.value for e in at.exception]
        text = "\n".join(m.value for m in at.markdown)
        assert STATUS_WORDS[code][i] in text, (code, lang)
        for line in LINES[code][i]:
            assert line in text, (code, lang, line)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_pdf_shows_the_verdict_and_the_other_bases(real_db, lang):
    pdf = api.briefing_pdf(2024, 4, lang=lang, db_path=real_db, generated_at=datetime(2025, 6, 1, 9, 0))
    # each page's running head ("PantauRB · TW IV 2024 Halaman 3") left out, so a text may cross a page
    text = " ".join(re.sub(r"^PantauRB · .*?(?:Halaman|Page) \d+ ", "", " ".join(p.extract_text().split()))
                    for p in PdfReader(io.BytesIO(pdf)).pages)
    i = 0 if lang == "id" else 1
    for code in ("NAT_POV_EXT", "NAT_STUNTING"):
        own = LINES[code][i][0].split("terhadap target " if lang == "id" else "against the ")[1].rstrip(".")
        if lang == "id":
            head = f"Terhadap target {own}: {STATUS_WORDS[code][0]}"
        else:
            basis, rest = own.split(" 2024 target ")
            head = f"Against the {basis} 2024 target {rest}: {STATUS_WORDS[code][1]}"
        assert head in text, (code, head)
        assert LINES[code][i][1] in text, code
    # SPBE: the annex row names its basis next to the target and the status
    assert ("2,60 (RPJMN) Target tercapai" if lang == "id" else "2.60 (RPJMN) Target achieved") in text
    # the method notes carry the one rule text the engine applies
    for rule in (rules_text.STATUS_RULE, rules_text.BASIS_RULE, rules_text.CAPAIAN_RULE):
        assert " ".join(rule[lang].split()) in text


# ------------------------------------------------------------------ one text per rule
def test_every_place_states_the_same_rule():
    from indicators import briefing, briefing_final, briefing_pdf
    from ui.strings import STRINGS
    from ui.strings_ops import STRINGS_OPS
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    for lang in ("id", "en"):
        assert rules_text.STATUS_RULE[lang] in STRINGS_OPS["ops_status_help"][lang]
        assert rules_text.CAPAIAN_RULE[lang] == STRINGS["capaian_capped_note"][lang]
        for rule in (rules_text.STATUS_RULE, rules_text.BASIS_RULE, rules_text.CAPAIAN_RULE):
            assert rule[lang] in briefing.TEXT[lang]["method"]
            assert rule[lang] in briefing_pdf.TEXT[lang]["method_lines"]
            assert rule[lang] in briefing_final.TEXT[lang]["method_lines"]      # the end-of-roadmap PDF too
    for rule in (rules_text.STATUS_RULE, rules_text.BASIS_RULE, rules_text.CAPAIAN_RULE):
        assert rule["en"] in readme
    # no page, export or the PDF names another basis for capaian
    for path in list((ROOT / "ui").glob("*.py")) + list((ROOT / "indicators").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "konvensi SAKIP" not in text and "SAKIP/NKO" not in text, path
        assert "target akhir peta jalan" not in text, path
    # the engine's own rule: a year is judged against that year's target
    from indicators import assessment as A
    t = A.resolve_target("lower_better", 2023, 2024, None, {2023: {"target_low": 7.5, "target_high": 8.5},
                                                             2024: {"target_low": 6.5, "target_high": 7.5}})
    assert (t.year, t.origin) == (2023, "national")


# ------------------------------------------------------------------ period words from the data's own frequency
def test_round_and_monthly_series_say_the_month_annual_the_year(real_db):
    def explanation(code):
        return _rows(real_db, "SELECT explanation, explanation_en FROM national_assessments WHERE indicator_code = ? "
                              "AND year = 2024 AND quarter = 4", [code])[0]
    mar_id, mar_en = explanation("NAT_POV_MAR")           # March Susenas round: not "TW I 2024"
    assert "pada Maret 2024" in mar_id and "dibanding Maret 2023" in mar_id and "TW I" not in mar_id
    assert "in March 2024" in mar_en and "Q1" not in mar_en
    sep_id, _ = explanation("NAT_POV_SEP")
    assert "September 2024" in sep_id and "TW III" not in sep_id
    spbe_id, _ = explanation("NAT_SPBE")                  # annual
    assert "2024" in spbe_id and "Desember" not in spbe_id and "TW" not in spbe_id
    from ui.format import period_text
    t = 2024 - 1 + 3 / 12
    assert period_text(t, "id", month=3) == "Maret 2024" and period_text(t, "en", month=3) == "March 2024"
    assert period_text(t, "id") == "TW I 2024"            # quarterly data keep their quarter
    assert period_text(2024.0, "id", month=12) == "2024"   # a December (yoy) figure reads as its year


def test_extreme_poverty_keeps_both_series_labelled_and_the_verdict_uses_one(cat, real_db):
    old, new = cat.by_code["NAT_POV_EXT"], cat.by_code["NAT_POV_EXT_PPP2017"]
    assert "1,90" in old.notes and "2,15" in new.name and "2.15" in new.name_en
    assert new.targets == () and new.rollup is False          # labelled, shown, never judged against a target
    assert [(o.year, o.month, o.value) for o in new.series] == [(2024, 3, 1.26), (2024, 9, 0.99)]
    s = parse_source(new.observation(2024, 3).source)
    assert (s.publisher, s.date, s.kind) == ("TIMES Indonesia (Times Jakarta)", "2025-07", "secondary")
    assert "Jumlah-Penduduk-Miskin-Ekstrem" in s.url and "0,41" in new.notes and "0.41" in new.notes
    kinds = dict(_rows(real_db, "SELECT indicator_code, kind FROM national_assessments WHERE year = 2024 AND "
                                "quarter = 4 AND indicator_code IN ('NAT_POV_EXT', 'NAT_POV_EXT_PPP2017')"))
    assert kinds == {"NAT_POV_EXT": "target", "NAT_POV_EXT_PPP2017": "trend"}
