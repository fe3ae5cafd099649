"""One citation form in every medium: every source of the shipped catalogue rendered for the page (plain and
Markdown), a table and its CSV/xlsx downloads, the final-report briefing and the PDF briefing, in both
languages, reads *Publisher, “Title”, 15 Juli 2024, link* — never the stored field string, `nan` or an ISO date."""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from indicators import briefing, briefing_pdf, texts
from indicators.catalogue import load_catalogue, parse_source
from ui import format as F
from ui import i18n

ISO_DATE = re.compile(r"\b(19|20)\d{2}-\d{2}(-\d{2})?\b")
LINK = re.compile(r"(https?://\S+|\b[\w-]+(\.[\w-]+)*\.[a-z]{2,}(/\S*)?)", re.I)   # full or short links
MONTHS = {"id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
                 "November", "Desember"),
          "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                 "November", "December")}


def catalogue_sources() -> list[str]:
    cat = load_catalogue()
    found = set()
    for i in cat.indicators:
        found.add(i.baseline_source)
        found.update(t.source for t in i.targets)
        found.update(o.source for o in i.series)
    return sorted(s for s in found if s)


SOURCES = catalogue_sources()


def assert_clean(text: str, where: str) -> None:
    """No raw field separator, no pandas gap, no ISO date outside links, no untranslated kind."""
    words = " ".join(LINK.sub(" ", text).split())
    assert "|" not in text, (where, text[:300])
    # a pandas gap or a Python None printed; the English word "none" in the method notes is fine
    assert not re.search(r"\bnan\b", text, re.I) and not re.search(r"\bNone\b", text), (where, text[:300])
    assert not ISO_DATE.search(words), (where, ISO_DATE.search(words).group(0), text[:300])
    assert not re.search(r"\b(primary|secondary)\b(?! source)", words), (where, text[:300])


def test_catalogue_has_sources_of_both_kinds():
    kinds = {parse_source(s).kind for s in SOURCES}
    assert len(SOURCES) > 20 and kinds == {"primary", "secondary"}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_source_cites_publisher_title_date_link_in_the_readers_language(lang):
    for s in SOURCES:
        src = parse_source(s)
        plain, short = texts.cite(s, lang), texts.cite(s, lang, short_links=True)
        for text, where in ((plain, "cite"), (short, "cite short"), (texts.cite_markdown(s, lang), "markdown"),
                            (re.sub(r"<[^>]+>", "", briefing_pdf.cite_markup(s, lang)), "pdf markup"),
                            (briefing.source_text({"source": s}, lang), "briefing")):
            assert_clean(text, f"{where}: {s}")
            assert text.startswith(src.publisher) or text.startswith("[" + src.publisher), (where, text)
        assert plain.startswith(f"{src.publisher}, “{src.title}”, " if src.title else f"{src.publisher}, ")
        if len(src.date) == 10:  # a full date reads '15 Juli 2024' / 'July 15, 2024'
            assert any(m in plain for m in MONTHS[lang]), plain
        assert src.url in plain and len(texts.short_url(src.url)) <= 40
        secondary = "(secondary source)" if lang == "en" else "(sumber sekunder)"
        assert plain.endswith(secondary) == src.secondary, plain


def test_collapsed_empty_title_and_gaps_still_read_as_citations():
    raw = "Okezone | | 2024-07-02 | https://economy.okezone.com/read/2024/07/02/320/1/bps | secondary"
    assert texts.cite(raw) == ("Okezone, 2 Juli 2024, https://economy.okezone.com/read/2024/07/02/320/1/bps "
                               "(sumber sekunder)")
    assert texts.cite(raw, "en", short_links=True) == "Okezone, July 2, 2024, economy.okezone.com/read/2024/07/02/… (secondary source)"
    for gap in (None, float("nan"), "", "nan", pd.NA):
        assert texts.cite(gap) == "–" and texts.cite_markdown(gap) == "–"
        assert briefing_pdf.cite_markup(gap, "id") == "–"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_tables_and_downloads_print_citations(monkeypatch, lang):
    monkeypatch.setattr(i18n, "lang", lambda: lang)
    monkeypatch.setattr(F, "lang", lambda: lang)
    df = pd.DataFrame({"indicator_code": [f"X{i}" for i in range(len(SOURCES) + 1)],
                       "source": SOURCES + [float("nan")]})
    shown = F.present(df, ["indicator_code", "source"])
    for v in shown.iloc[:, 1]:
        assert_clean(str(v), "table")
    for locale in ("plain", "id"):
        assert_clean(F.to_csv_bytes(shown, locale).decode("utf-8-sig"), f"csv {locale}")
    wb = openpyxl.load_workbook(io.BytesIO(F.to_xlsx_bytes(shown)))
    cells = [str(c.value) for row in wb.active.iter_rows() for c in row if c.value is not None]
    assert_clean("\n".join(cells), "xlsx")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_pdf_annex_and_source_page_print_citations(seeded_con, lang):
    data = briefing_pdf.gather(seeded_con, 2024, 4)
    base = data.national.iloc[0]
    rows = [base.to_dict() | {"source": s, "indicator_code": f"SRC{i}"} for i, s in enumerate(SOURCES)]
    rows.append(base.to_dict() | {"source": None, "indicator_code": "SRCNONE"})
    data.national = pd.concat([data.national, pd.DataFrame(rows)], ignore_index=True)
    reader = PdfReader(io.BytesIO(briefing_pdf.render(data, lang)))
    annex = [p.extract_text() for p in reader.pages]
    start = next(i for i, p in enumerate(annex) if ("Lampiran" if lang == "id" else "Annex") in p)
    text = "\n".join(annex[start:])
    assert_clean(text, "pdf")
    flat = " ".join(text.split())
    for s in SOURCES[:10]:
        assert parse_source(s).publisher in flat
    # links are short and clickable: the annex has link annotations to the full URLs
    uris = {a.get_object()["/A"]["/URI"] for p in reader.pages[start:] for a in p.get("/Annots", []) or []
            if "/A" in a.get_object()}
    assert {parse_source(s).url for s in SOURCES} <= uris
