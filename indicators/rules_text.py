"""The verdict rules in words: one text per rule, in both languages, used by every page, export, the PDF and
the README (tests/test_rules_text.py checks that each place carries the same text as the engine applies).

* `STATUS_RULE`: which target a year is judged against and how (indicators/assessment.py, rules 1-3);
* `BASIS_RULE`: which official target judges the verdict when a year has several (catalogue `target_basis`);
* `CAPAIAN_RULE`: the capaian formula, its citation and what the 110 % cap is for (rule 4) - the one place
  where the regulation is cited;
* `basis_label`, `target_words`, `alternative_line`, `designated_line`: "terhadap target RKP/APBN 2024 0–1 %:
  Target tercapai" beside the verdict.
"""
from __future__ import annotations

from indicators import progress

STATUS_RULE = {
    "id": "Status tiap tahun dinilai terhadap target tahun itu (bila tahun itu tidak bertarget: target akhir "
          "periode) dengan ukuran kemajuan Statistics Canada / Open SDG: laju perubahan yang teramati "
          "dibandingkan laju yang dibutuhkan untuk mencapai target itu pada akhir tahun targetnya. Nilai yang "
          "sudah memenuhi target tahun itu berstatus Target tercapai.",
    "en": "Each year is judged against that year's target (when the year has none, the end-of-period target) "
          "with the Statistics Canada / Open SDG progress measure: the observed rate of change compared with the "
          "rate needed to reach that target by the end of its year. A value that meets the year's target is "
          "Target achieved.",
}

BASIS_RULE = {
    "id": "Bila satu tahun memiliki beberapa target resmi (RPJMN, RKP/APBN, Inpres, rencana sektoral), status "
          "memakai satu dasar yang ditetapkan per indikator di katalog (bawaan: RPJMN, lalu Road Map RB, Inpres, "
          "RKP/APBN, rencana sektoral); penilaian terhadap dasar lain ditampilkan di sampingnya.",
    "en": "When a year has several official targets (RPJMN, RKP/state budget, Inpres, sectoral plan), the status "
          "uses one basis declared per indicator in the catalogue (default: RPJMN, then the RB Road Map, Inpres, "
          "RKP/state budget, sectoral plan); what the other bases would say is shown beside it.",
}

CAPAIAN_RULE = {
    "id": "Capaian (%) memakai rumus capaian kinerja Permenpan RB 8/2021 Bab VI: realisasi/target × 100% bila "
          "makin tinggi makin baik; (1 + (1 − realisasi/target)) × 100% bila makin rendah makin baik; target "
          "rentang dibandingkan dengan batas atasnya bila realisasi di atas rentang dan batas bawahnya bila di "
          "bawah; 100% di dalam rentang. Peraturan itu mengatur kinerja pegawai (SKP) dan telah diganti Permenpan "
          "RB 6/2022; tidak ditemukan peraturan yang membatasi capaian indikator RB. Batas 110% adalah aturan "
          "PantauRB sendiri: dalam rata-rata antarinstansi capaian dihitung paling tinggi 110% agar satu angka "
          "ekstrem tidak menggeser rata-rata; angka asli tetap ditampilkan. Target nol (aturan PantauRB): bagian "
          "jarak dari nilai dasar ke 0 yang sudah ditempuh.",
    "en": "Capaian (achievement, %) uses the performance formula of Permenpan RB 8/2021, Chapter VI: "
          "actual/target × 100% when higher is better; (1 + (1 − actual/target)) × 100% when lower is better; a "
          "range target is compared with its upper bound when the value is above the range and its lower bound "
          "when below; 100% inside the range. That regulation governs individual civil-servant performance (SKP) "
          "and was replaced by Permenpan RB 6/2022; no regulation capping capaian for RB indicators was found. "
          "The 110% cap is PantauRB's own rule: in averages across agencies a capaian counts at most 110% so that "
          "one extreme value cannot move the average; the raw number is always shown. Zero target (PantauRB's "
          "rule): the share of the distance from the baseline to 0 already covered.",
}

BASIS_LABELS = {
    "id": {"rpjmn": "RPJMN", "rkp": "RKP/APBN", "inpres": "Inpres", "sectoral": "rencana sektoral",
           "roadmap": "Road Map RB"},
    "en": {"rpjmn": "RPJMN", "rkp": "RKP/state budget", "inpres": "Inpres", "sectoral": "sectoral plan",
           "roadmap": "RB Road Map"},
}


def _lang(lang: str | None) -> str:
    return "en" if lang == "en" else "id"


def basis_label(code: str | None, lang: str = "id") -> str:
    """'rkp' -> 'RKP/APBN' / 'RKP/state budget'; an unknown or missing basis reads as RPJMN (the default)."""
    return BASIS_LABELS[_lang(lang)].get(code or "rpjmn", code or "RPJMN")


def target_words(low, high, text=None, decimals: int = 2, unit: str = "", lang: str = "id") -> str:
    """'0–1 %', '20,1 %', '2,60' (in the session's number format), or a category ('WTP')."""
    s = progress.fmt_target(low, high, text, decimals, lang)
    if (isinstance(text, str) and text) or s == "–":
        return s
    u = (unit or "").strip()
    if u.startswith("%"):
        return f"{s} %"
    return s


def alternative_line(basis_code: str | None, year: int, target: str, status: str, lang: str = "id") -> str:
    """'Terhadap target RKP/APBN 2024 0–1 %: Target tercapai' / 'Against the RKP/state budget 2024 target
    0–1 %: Target achieved'."""
    lab = progress.STATUS_LABELS[_lang(lang)].get(status, status)
    if _lang(lang) == "en":
        return f"Against the {basis_label(basis_code, 'en')} {int(year)} target {target}: {lab}"
    return f"Terhadap target {basis_label(basis_code, 'id')} {int(year)} {target}: {lab}"


def designated_line(basis_code: str | None, year: int, target: str, lang: str = "id") -> str:
    """'Status dinilai terhadap target Inpres 2024 0 %.' / 'Status judged against the Inpres 2024 target 0 %.'"""
    if _lang(lang) == "en":
        return f"Status judged against the {basis_label(basis_code, 'en')} {int(year)} target {target}."
    return f"Status dinilai terhadap target {basis_label(basis_code, 'id')} {int(year)} {target}."


__all__ = ["BASIS_LABELS", "BASIS_RULE", "CAPAIAN_RULE", "STATUS_RULE", "alternative_line", "basis_label",
           "designated_line", "target_words"]
