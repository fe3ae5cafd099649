"""Semantic checks of a parsed quarterly workbook: pure functions of the workbook and a context.

The reader (`loaders.workbook`) reports what is wrong with the *file* (sheets, columns, cells that are not
numbers); this module reports what is wrong with the *content* against the catalogue, the agency registry
and the agency's own history. Nothing here touches the database: `CheckContext` is built by the caller.
"""

from __future__ import annotations

import hashlib
import math
import re
import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime

from indicators import assessment, periods, progress, texts
from indicators.catalogue import Catalogue, Indicator
from loaders import sheets
from loaders.issues import Issue, Number
from loaders.numbers import format_plain_id
from loaders.sheets import INDICATOR_SHEET, RENAKSI_SHEET, ParsedWorkbook

DEFAULT_CATEGORIES = ("WTP", "WDP", "TW", "TMP")   # BPK audit opinions
URL_RE = re.compile(r"^https?://[^\s/$.?#].[^\s]*$", re.IGNORECASE)


@dataclass(frozen=True)
class AgencyInfo:
    code: str
    name: str
    agency_type: str
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass
class CheckContext:
    catalogue: Catalogue
    agencies: dict[str, AgencyInfo]
    previous_values: dict[str, float] = field(default_factory=dict)      # last quarter in force
    latest_values: dict[str, float] = field(default_factory=dict)        # latest accepted, any earlier quarter
    type_medians: dict[str, float] = field(default_factory=dict)         # median of the agency type's latest
    known_plans: set[str] = field(default_factory=set)                   # action-plan ids in the agency's history
    targets_in_force: dict[str, float] = field(default_factory=dict)     # agency's own target for the year
    bands_in_force: dict[str, tuple] = field(default_factory=dict)       # the same as (low, high)
    previous_renaksi: dict[tuple[str, str, str], float] = field(default_factory=dict)  # cumulative before q
    existing_versions: int = 0
    deadline: date | None = None
    received_at: datetime | None = None
    reason: str | None = None
    expected_agency: str | None = None
    expected_period: tuple[int, int] | None = None


def period_label(year, quarter, lang: str = "id") -> str:
    from indicators.texts import quarter_label
    return quarter_label(year, quarter, lang)


def period_params(year, quarter) -> dict[str, str]:
    """The `period` of a message in both languages: 'TW II 2024' / 'Q2 2024'."""
    return {"period": period_label(year, quarter), "period_en": period_label(year, quarter, "en")}


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    return periods.quarter_start(year, quarter), periods.quarter_end(year, quarter)


def _as_date(d) -> date | None:
    """A registry date as a date (None, NaT and NaN are open ends)."""
    if d is None or d != d:                     # NaN / NaT compare unequal to themselves
        return None
    if isinstance(d, datetime):
        return d.date()
    if hasattr(d, "date") and callable(d.date):  # pandas Timestamp
        return d.date()
    return d


def agency_inactive(agency_code: str, valid_from, valid_to, year: int, quarter: int, *, file: str = "",
                    cell: str | None = None) -> Issue | None:
    """The one rule for "may this agency report for this quarter?" (its registry validity against the
    quarter): None when it may, else the `agency-inactive` problem. The content check, the template
    command (`python -m loaders template`) and the upload page's template button all call this."""
    start, end = _as_date(valid_from), _as_date(valid_to)
    if periods.active_in_quarter(start, end, year, quarter):
        return None
    valid = {lang: f"{texts.format_date(start, lang) if start else '…'} – {texts.format_date(end, lang) if end else '…'}"
             for lang in ("id", "en")}
    return Issue("agency-inactive", file=file, sheet=INDICATOR_SHEET if cell else None, cell=cell,
                 column="Kode Instansi" if cell else None, value=agency_code, params=dict(
                     period_params(year, quarter), valid=valid["id"], valid_en=valid["en"]))


def allowed_categories(ind: Indicator) -> tuple[str, ...]:
    """The declared categories of the indicator (catalogue `rules.categories`, else from its unit)."""
    return ind.rules.categories or DEFAULT_CATEGORIES


MAGNITUDE_LOG10 = 2.5      # ~316x away from a reference: a unit slip (10^3, 10^6, 10^9) rather than change


def magnitude_gap(value: float | None, reference: float | None) -> int | None:
    """The power of ten by which `value` sits away from `reference` when that is at least ~10^2.5
    (signed: 9 means a billion times larger), else None. Zero or missing values are never compared."""
    if not value or not reference:
        return None
    k = math.log10(abs(value) / abs(reference))
    return round(k) if abs(k) >= MAGNITUDE_LOG10 else None


def plan_id(agency_code: str, theme: str, action_plan: str, output_indicator: str) -> str:
    """The stable id of an action plan that was typed without one: the same agency, theme, plan and output
    always give the same id, so re-typed plans link to their history and `rebuild` reproduces the ids
    (the schema migration computes the same md5 for rows stored before ids existed)."""
    key = "|".join((agency_code or "",) + renaksi_key(theme, action_plan, output_indicator))
    return "RA-" + hashlib.md5(key.encode("utf-8")).hexdigest()[:10].upper()


def check_workbook(wb: ParsedWorkbook, ctx: CheckContext) -> list[Issue]:
    """All content checks, in a stable order."""
    issues: list[Issue] = []
    issues += check_identity(wb, ctx)
    agency = ctx.agencies.get(wb.agency_code or "")
    issues += check_indicator_rows(wb, ctx, agency)
    issues += check_relations(wb, ctx)
    issues += check_renaksi_rows(wb, ctx)
    issues += check_timeliness(wb, ctx)
    issues += check_resubmission(wb, ctx)
    return issues


def _issue(wb, code, sheet=INDICATOR_SHEET, cell=None, column=None, value=None, indicator=None, number=None,
           **params) -> Issue:
    """`value` is the cell as typed (kept as is); `number` is what the message says the cell holds, written
    in the reader's language when it is rendered (a `Number`, or a float shown with up to 2 decimals)."""
    if number is not None:
        params["value"] = number if isinstance(number, Number) else Number(number)
    return Issue(code, file=wb.file_name, sheet=sheet, cell=cell, column=column,
                 value=None if value is None else str(value), params=params, indicator=indicator)


def _typed(row, fld: str) -> str | None:
    """The cell as the officer typed it (None for an empty cell); numbers with a decimal comma."""
    raw = row.raw.get(fld)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return format_plain_id(raw)
    return str(raw).strip()


def check_identity(wb: ParsedWorkbook, ctx: CheckContext) -> list[Issue]:
    out = []
    cell_agency = wb.header_cells.get("agency_code")
    if wb.agency_code:
        agency = ctx.agencies.get(wb.agency_code)
        if agency is None:
            out.append(_issue(wb, "unknown-agency", cell=cell_agency, column="Kode Instansi", value=wb.agency_code))
        elif wb.year and wb.quarter:
            problem = agency_inactive(wb.agency_code, agency.valid_from, agency.valid_to, wb.year, wb.quarter,
                                      file=wb.file_name, cell=cell_agency)
            if problem is not None:
                out.append(problem)
        if ctx.expected_agency and wb.agency_code != ctx.expected_agency:
            out.append(_issue(wb, "wrong-agency", cell=cell_agency, column="Kode Instansi",
                              value=wb.agency_code, expected=ctx.expected_agency))
    if wb.year and wb.quarter:
        if ctx.catalogue.current_period(wb.year) is None:
            periods = ", ".join(p.code for p in ctx.catalogue.periods)
            out.append(_issue(wb, "period-outside-roadmap", cell=wb.header_cells.get("year"), column="Tahun",
                              value=wb.year, **period_params(wb.year, wb.quarter), periods=periods))
        if ctx.expected_period and (wb.year, wb.quarter) != tuple(ctx.expected_period):
            out.append(_issue(wb, "period-mismatch", cell=wb.header_cells.get("quarter"), column="Triwulan",
                              value=period_label(wb.year, wb.quarter), expected=period_label(*ctx.expected_period),
                              expected_en=period_label(*ctx.expected_period, "en")))
    fp = wb.fingerprint
    if fp is None and wb.agency_code and not any(i.code == "template-fingerprint-missing" for i in wb.issues):
        # Without the hidden sheet no fingerprint check can run: an error, never a silent skip.
        out.append(_issue(wb, "template-fingerprint-missing", sheet=sheets.META_SHEET,
                          detail="lembar tidak ada", detail_en="the sheet is missing"))
    if fp is not None:
        if fp.template_version != sheets.TEMPLATE_VERSION:
            out.append(_issue(wb, "outdated-template", sheet=sheets.META_SHEET, value=fp.template_version,
                              expected=sheets.TEMPLATE_VERSION))
        elif (fp.agency_code, fp.year, fp.quarter) != (wb.agency_code, wb.year, wb.quarter) and wb.agency_code:
            out.append(_issue(wb, "fingerprint-mismatch", cell=cell_agency, column="Kode Instansi",
                              value=f"{wb.agency_code} {period_label(wb.year, wb.quarter)}",
                              expected=f"{fp.agency_code} {period_label(fp.year, fp.quarter)}"))
    return out


def _number_problem(wb, ind: Indicator, v: float, cell: str, column: str, typed: str | None) -> Issue | None:
    unit = (ind.unit or "").strip()
    non_negative = ind.min_value is None or ind.min_value >= 0
    if v < 0 and non_negative:
        return _issue(wb, "negative-value", cell=cell, column=column, value=typed, number=v)
    if unit.startswith("%") and 100 in (ind.limit, ind.max_value) and not (0 <= v <= 100):
        return _issue(wb, "percent-out-of-range", cell=cell, column=column, value=typed, number=v)
    low = ind.min_value if ind.min_value is not None else float("-inf")
    high = ind.max_value if ind.max_value is not None else float("inf")
    if not (low <= v <= high):
        bound = lambda x: "…" if x in (float("inf"), float("-inf")) else Number(x, ind.decimals or 0)
        return _issue(wb, "out-of-limits", cell=cell, column=column, value=typed, number=v,
                      low=bound(low), high=bound(high), unit=unit)
    return None


def check_indicator_rows(wb: ParsedWorkbook, ctx: CheckContext, agency: AgencyInfo | None) -> list[Issue]:
    out = []
    seen: dict[str, int] = {}
    by_code = ctx.catalogue.by_code
    reported = {i.cell for i in wb.issues if i.sheet == INDICATOR_SHEET}   # cells the reader already flagged
    for row in wb.indicators:
        code_cell = row.cells.get("indicator_code")
        ind = by_code.get(row.indicator_code)
        if ind is None:
            out.append(_issue(wb, "unknown-indicator", cell=code_cell, column="Kode Indikator", value=row.indicator_code))
            continue
        if row.indicator_code in seen:
            out.append(_issue(wb, "duplicate-indicator", cell=code_cell, column="Kode Indikator",
                              value=row.indicator_code, first_row=seen[row.indicator_code]))
            continue
        seen[row.indicator_code] = row.row
        if agency is not None and (ind.level != "agency" or agency.agency_type not in ind.applies_to):
            out.append(_issue(wb, "indicator-not-applicable", cell=code_cell, column="Kode Indikator",
                              value=row.indicator_code, agency_type=agency.agency_type))
            continue
        value_cell, target_cell = row.cells.get("value"), row.cells.get("target")
        if ind.value_type == "category":
            allowed = allowed_categories(ind)
            for text, cell, column in ((row.value_text, value_cell, "Realisasi"), (row.target_text, target_cell, "Target")):
                if text and text.strip().upper() not in {a.upper() for a in allowed}:
                    out.append(_issue(wb, "invalid-category", cell=cell, column=column, value=text,
                                      indicator=ind.code, allowed=", ".join(allowed)))
            if not row.value_text:
                out.append(_issue(wb, "missing-value", cell=value_cell, column="Realisasi", indicator=ind.code))
            continue
        problems = []
        for v, cell, column, fld in ((row.value, value_cell, "Realisasi", "value"),
                                     (row.target, target_cell, "Target", "target")):
            if v is not None:
                problem = _number_problem(wb, ind, v, cell, column, _typed(row, fld))
                if problem:
                    problems.append(dataclasses.replace(problem, indicator=ind.code))
        out += problems
        if row.value is None and row.cells.get("value") not in reported:
            out.append(_issue(wb, "missing-value", cell=value_cell, column="Realisasi", indicator=ind.code))
        band = ind.direction == "band"
        out += _band_problems(wb, ind, row, band)
        if row.target is None and row.cells.get("target") not in reported and not band:
            # (a band indicator without the agency's own band is judged against the national band)
            out.append(_issue(wb, "target-missing", cell=target_cell, column="Target", indicator=ind.code))
        if not problems:
            out += check_plausibility(wb, ind, row, ctx)
        in_force = ctx.bands_in_force.get(row.indicator_code)
        if in_force is None and ctx.targets_in_force.get(row.indicator_code) is not None:
            in_force = (ctx.targets_in_force[row.indicator_code],) * 2
        new = row.target_bounds
        if (wb.quarter or 1) > 1 and in_force is not None and in_force[0] is not None and new[0] is not None \
                and any(abs((o or 0) - (n or 0)) > 1e-9 for o, n in zip(in_force, new)) \
                and not row.target_reason.strip():
            fld = "target_low" if new != (row.target, row.target) else "target"
            out.append(_issue(wb, "target-changed-without-reason", cell=row.cells.get(fld), column="Target",
                              value=_typed(row, fld), indicator=ind.code,
                              previous=_target_words(in_force), target=_target_words(new)))
        prev = ctx.previous_values.get(row.indicator_code)
        if prev not in (None, 0) and row.value is not None and ind.measurement != "cumulative":
            change = (row.value - prev) / abs(prev) * 100
            if abs(change) > sheets.JUMP_WARNING_PCT:
                out.append(_issue(wb, "large-jump", cell=value_cell, column="Realisasi", value=_typed(row, "value"),
                                  indicator=ind.code,
                                  change=Number(change, 0), previous=Number(prev)))
        url_cell = row.cells.get("evidence_url")
        if row.value is not None and not row.evidence_url.strip():
            out.append(_issue(wb, "missing-evidence", cell=url_cell or value_cell, column="Bukti Dukung (URL)",
                              indicator=ind.code))
        elif row.evidence_url.strip() and not URL_RE.match(row.evidence_url.strip()):
            out.append(_issue(wb, "invalid-url", cell=url_cell, column="Bukti Dukung (URL)", value=row.evidence_url,
                              indicator=ind.code))
    return out


def _target_words(bounds: tuple) -> object:
    """A target for a message: one number, or a band 'low–high' in the reader's language."""
    low, high = bounds
    if high is None or abs(high - low) < 1e-12:
        return Number(low)
    return _Band(Number(low), Number(high))


@dataclass(frozen=True)
class _Band:
    low: Number
    high: Number

    def text(self, lang: str = "id") -> str:
        return f"{self.low.text(lang)}–{self.high.text(lang)}"


def _band_problems(wb, ind: Indicator, row, band: bool) -> list[Issue]:
    """The agency's own band: only on a band indicator, both bounds, lower not above upper, within limits."""
    low, high = row.target_low, row.target_high
    if low is None and high is None:
        return []
    cell = row.cells.get("target_low") if low is not None else row.cells.get("target_high")
    if not band:
        return [_issue(wb, "band-target-not-band", cell=cell, column="Target Batas Bawah/Atas",
                       value=_typed(row, "target_low" if low is not None else "target_high"), indicator=ind.code)]
    if low is None or high is None:
        return [_issue(wb, "band-target-incomplete", cell=cell, column="Target Batas Bawah/Atas",
                       value=_typed(row, "target_low" if low is not None else "target_high"), indicator=ind.code)]
    out = []
    for v, fld, column in ((low, "target_low", "Target Batas Bawah"), (high, "target_high", "Target Batas Atas")):
        problem = _number_problem(wb, ind, v, row.cells.get(fld), column, _typed(row, fld))
        if problem:
            out.append(dataclasses.replace(problem, indicator=ind.code))
    if low > high:
        out.append(_issue(wb, "band-target-reversed", cell=row.cells.get("target_low"), column="Target Batas Bawah",
                          value=_typed(row, "target_low"), indicator=ind.code, number=low, high=Number(high)))
    return out


_REFERENCES = {   # reference -> (Indonesian label, English label)
    "latest": ("nilai terakhir yang diterima dari instansi ini", "this agency's last accepted value"),
    "median": ("median instansi sejenis", "the median of agencies of the same type"),
}


def check_plausibility(wb: ParsedWorkbook, ind: Indicator, row, ctx: CheckContext) -> list[Issue]:
    """Unit-aware plausibility of a row's realisation (declared rules of the indicator).

    An error, unless the row carries a justification (then a warning that keeps the reason in sight):
    - the value is ~10^3/10^6/10^9 away from the agency's last accepted value or from the median of its
      agency type (not for percentages or band indicators, whose range rules already bound them);
    - its capaian against the year's target exceeds `rules.capaian_max` (300 % unless declared).
    """
    v, cell, code = row.value, row.cells.get("value"), ind.code
    if v is None:
        return []
    unit = ind.unit or ""
    digits = max(ind.decimals or 0, 1)
    typed = _typed(row, "value")
    found: list[tuple[Issue, str, str]] = []     # (issue, why in Indonesian, why in English)
    if not ind.rules.percent and ind.direction != "band":
        for ref_key, ref in (("latest", ctx.latest_values.get(code)), ("median", ctx.type_medians.get(code))):
            k = magnitude_gap(v, ref)
            if k is not None:
                label, label_en = _REFERENCES[ref_key]
                factor = {lang: Number(10.0 ** k, 0).text(lang) if k > 0 else "1/" + Number(10.0 ** -k, 0).text(lang)
                          for lang in ("id", "en")}
                found.append((_issue(wb, "implausible-magnitude", cell=cell, column="Realisasi", value=typed,
                                     number=Number(v, digits), indicator=code, unit=unit, factor=factor["id"],
                                     factor_en=factor["en"], reference=Number(ref, digits),
                                     reference_label=label, reference_label_en=label_en),
                              f"sekitar {factor['id']} kali {label}", f"about {factor['en']} times {label_en}"))
                break
    target = row.target if row.target is not None else ctx.targets_in_force.get(code)
    if target is not None:
        cap = assessment.capaian(v, target, target, "higher_better" if ind.direction == "band" else ind.direction)
        if cap.raw is not None and cap.raw > ind.rules.capaian_max:
            pct, limit = Number(cap.raw, 0), Number(ind.rules.capaian_max, 0)
            found.append((_issue(wb, "capaian-implausible", cell=cell, column="Realisasi", value=typed,
                                 number=Number(v, digits), indicator=code, unit=unit, capaian=pct,
                                 target=Number(target, digits), limit=limit),
                          f"capaian {pct.text('id')}% di atas {limit.text('id')}%",
                          f"achievement {pct.text('en')}% above {limit.text('en')}%"))
    if not found:
        return []
    reason = row.justification.strip()
    if not reason:
        return [issue for issue, _, _ in found]
    return [_issue(wb, "value-confirmed", cell=row.cells.get("justification") or cell, column="Konfirmasi Nilai (Alasan)",
                   value=typed, number=Number(v, digits), indicator=code, justification=reason,
                   why="; ".join(w for _, w, _ in found), why_en="; ".join(w for _, _, w in found))]


def check_relations(wb: ParsedWorkbook, ctx: CheckContext) -> list[Issue]:
    """Declared relations between indicators of the same report (`rules.at_most`)."""
    rows = {r.indicator_code: r for r in wb.indicators if r.value is not None}
    out = []
    for code, row in rows.items():
        ind = ctx.catalogue.by_code.get(code)
        for other in (ind.rules.at_most if ind is not None else ()):
            o = rows.get(other)
            if o is not None and row.value > o.value + 1e-9:
                other_ind = ctx.catalogue.by_code[other]
                out.append(_issue(wb, "relation-violated", cell=row.cells.get("value"), column="Realisasi",
                                  value=_typed(row, "value"), number=row.value, indicator=code,
                                  other=other_ind.name, other_value=Number(o.value),
                                  other_cell=o.cells.get("value")))
    return out


def renaksi_key(theme: str, action_plan: str, output_indicator: str) -> tuple[str, str, str]:
    norm = lambda s: re.sub(r"\s+", " ", (s or "").strip().lower())
    return norm(theme), norm(action_plan), norm(output_indicator)


def check_renaksi_rows(wb: ParsedWorkbook, ctx: CheckContext) -> list[Issue]:
    out = []
    leaves = ctx.catalogue.action_plan_themes()
    themes = {t.code for t in leaves}
    theme_names = ", ".join(t.name for t in leaves)
    seen: dict[tuple, int] = {}
    q = wb.quarter or 1
    for r in wb.renaksi:
        s = RENAKSI_SHEET
        if r.theme not in themes:
            out.append(_issue(wb, "renaksi-unknown-theme", sheet=s, cell=r.cells.get("theme"), column="Tema",
                              value=r.theme, allowed=theme_names))
        for fld, title in (("action_plan", "Rencana Aksi"), ("output_indicator", "Indikator Output")):
            if not getattr(r, fld).strip():
                out.append(_issue(wb, "renaksi-missing-field", sheet=s, cell=r.cells.get(fld), column=title))
        key = renaksi_key(r.theme, r.action_plan, r.output_indicator)
        if r.plan_id and ctx.known_plans and r.plan_id not in ctx.known_plans:
            out.append(_issue(wb, "renaksi-unknown-plan-id", sheet=s, cell=r.cells.get("plan_id"),
                              column="ID Rencana Aksi", value=r.plan_id))
        if key in seen:
            out.append(_issue(wb, "renaksi-duplicate", sheet=s, cell=r.cells.get("action_plan"),
                              column="Rencana Aksi", first_row=seen[key], row=r.row))
        else:
            seen[key] = r.row
        numbers = [("realisation", "Realisasi TW Ini", r.realisation), ("budget", "Anggaran (Rp)", r.budget),
                   ("budget_realisation", "Realisasi Anggaran s.d. TW Ini (Rp)", r.budget_realisation)]
        numbers += [(c.field, c.title, t) for c, t in
                    zip((sheets.quarter_target_column(q) for q in range(1, 5)), r.targets)]
        for fld, title, v in numbers:
            if v is not None and v < 0:
                out.append(_issue(wb, "negative-value", sheet=s, cell=r.cells.get(fld), column=title,
                                  value=_typed(r, fld), number=v))
        target_q = r.targets[q - 1] if 0 < q <= 4 else None
        if r.realisation is not None and target_q and r.realisation > sheets.RENAKSI_MAX_FACTOR * target_q:
            out.append(_issue(wb, "renaksi-realisation-too-high", sheet=s, cell=r.cells.get("realisation"),
                              column="Realisasi TW Ini", value=_typed(r, "realisation"), number=r.realisation,
                              factor=Number(sheets.RENAKSI_MAX_FACTOR), target=Number(target_q)))
        if r.budget is not None and r.budget_realisation is not None and r.budget_realisation > r.budget:
            out.append(_issue(wb, "budget-over", sheet=s, cell=r.cells.get("budget_realisation"),
                              column="Realisasi Anggaran s.d. TW Ini (Rp)",
                              value=_typed(r, "budget_realisation"), number=Number(r.budget_realisation, 0),
                              budget=Number(r.budget, 0)))
        annual = sum(t for t in r.targets if t)
        if annual > 0 and r.realisation is not None:
            pid = r.plan_id or plan_id(wb.agency_code or "", r.theme, r.action_plan, r.output_indicator)
            done = ctx.previous_renaksi.get(pid, 0.0) + r.realisation
            pace = progress.pacing(done, annual, q, "cumulative")
            if pace.status in ("concerned", "at_risk") and not r.obstacles.strip():
                out.append(_issue(wb, "renaksi-behind-no-obstacle", sheet=s, cell=r.cells.get("obstacles"),
                                  column="Kendala", row=r.row,
                                  achievement=Number(pace.achievement * 100, 0),
                                  expected=Number(pace.expected * 100, 0)))
    return out


def check_timeliness(wb: ParsedWorkbook, ctx: CheckContext) -> list[Issue]:
    """A first report outside its window: before the quarter has ended, or after its deadline."""
    if ctx.received_at is not None and wb.year and wb.quarter and ctx.deadline is not None:
        end = quarter_bounds(wb.year, wb.quarter)[1]
        if periods.wib_day(ctx.received_at) < end:
            return [_issue(wb, "early-submission", sheet=None, **period_params(wb.year, wb.quarter), end=end)]
    late = periods.days_late(ctx.received_at, ctx.deadline)
    if not late or ctx.existing_versions:     # a correction of an accepted report is a revision, not late
        return []
    return [_issue(wb, "late-submission", sheet=None, **period_params(wb.year, wb.quarter),
                   deadline=ctx.deadline, days=late)]


def check_resubmission(wb: ParsedWorkbook, ctx: CheckContext) -> list[Issue]:
    if ctx.existing_versions and periods.days_late(ctx.received_at, ctx.deadline) \
            and not (ctx.reason or "").strip():
        return [_issue(wb, "reason-required", sheet=None, **period_params(wb.year, wb.quarter),
                       deadline=ctx.deadline)]
    return []
