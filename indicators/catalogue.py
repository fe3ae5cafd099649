"""The indicator catalogue: `indicators/catalogue.yaml` → frozen dataclasses.

The catalogue says what an indicator *is* (theme, unit, direction, natural limit, …), which target
versions are in force and which national figures have been published, each with its source and a
confidence label. It holds no formulas: progress rules live in `indicators/progress.py`.

Validation is strict and bilingual. Every problem names the file, the indicator (or theme/period)
code and the key, e.g.::

    indicators/catalogue.yaml, NAT_IPK, direction: nilai 'up' tidak dikenal / unknown value 'up'
    (harus/must be: higher_better, lower_better, band)

The same checks run on an edited workbook (`indicators/catalogue_xlsx.py`); there the message also
names the sheet and cell (`Indikator!F7`).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable

import yaml

DEFAULT_PATH = Path(__file__).resolve().with_name("catalogue.yaml")
CATALOGUE_PATH = DEFAULT_PATH  # alias
REPO_ROOT = Path(__file__).resolve().parent.parent

THEME_KINDS = ("general", "tematik", "index")
LEVELS = ("national", "agency")
AGENCY_TYPES = ("KL", "PROV", "KAB", "KOTA")
VALUE_TYPES = ("number", "category")
DIRECTIONS = ("higher_better", "lower_better", "band")
MEASUREMENTS = ("snapshot", "cumulative", "average")
AGGREGATIONS = ("sum", "mean", "weighted_mean", "median", "none")
CONFIDENCES = ("high", "medium", "low")
# Bases of an official target (several can coexist for one indicator and year): the medium-term plan (RPJMN),
# the annual government work plan / state budget (RKP/APBN), a presidential instruction (Inpres), a sectoral
# plan (a ministry's own target, e.g. Kemenkes, KPK, KASN) and the RB road map itself.
TARGET_BASES = ("rpjmn", "rkp", "inpres", "sectoral", "roadmap")
# Which basis judges the verdict, in order of preference: the first basis with a target for the year judged.
# A catalogue may declare its own default (top-level `target_basis`); an indicator may override it. A basis
# left out of an indicator's list never judges it (it is shown beside the verdict only).
DEFAULT_TARGET_BASIS = ("rpjmn", "roadmap", "inpres", "rkp", "sectoral")

_INDICATOR_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
_THEME_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_CELLS = "__cells__"  # set by the xlsx importer: {key: "Sheet!A1"} so problems can name the cell


# ------------------------------------------------------------------ the model (docs/architecture.md)
@dataclass(frozen=True)
class Period:
    code: str
    name: str
    name_en: str
    start_year: int
    end_year: int
    baseline_year: int
    legal_basis: str

    def __contains__(self, year: int) -> bool:
        return self.start_year <= year <= self.end_year


@dataclass(frozen=True)
class Theme:
    code: str
    kind: str  # "general" | "tematik" | "index"
    name: str
    name_en: str
    parent: str | None
    order: int


@dataclass(frozen=True)
class TargetVersion:
    year: int
    low: float | None
    high: float | None
    text: str | None  # for categorical indicators (e.g. "WTP")
    version: int
    effective_from: date
    basis: str
    source: str
    confidence: str  # high | medium | low
    basis_code: str = "rpjmn"  # one of TARGET_BASES; `basis` holds the legal reference in words


@dataclass(frozen=True)
class Observation:
    year: int
    month: int | None  # 3/9 for the March/September poverty rounds, 12 for December yoy; None = annual
    value: float | None
    text: str | None
    source: str
    confidence: str
    note: str  # shown to users: verified remarks only
    editor_note: str = ""  # editors' note on this figure (catalogue page only)


# Units with a rupiah scale: how many rupiah one unit of the cell holds ("Rp miliar" -> 1e9).
RUPIAH_SCALES = {"Rp": 1.0, "Rp ribu": 1e3, "Rp juta": 1e6, "Rp miliar": 1e9, "Rp triliun": 1e12}
PERCENT_SCALE = "%"
SCALES = tuple(RUPIAH_SCALES) + (PERCENT_SCALE,)
DEFAULT_CAPAIAN_MAX = 300.0      # capaian (%) above this is implausible unless the officer confirms it
RULE_KEYS = ("scale", "categories", "capaian_max", "at_most")


@dataclass(frozen=True)
class Rules:
    """Declared validation rules of one indicator (the `rules:` key of the catalogue), completed from the
    unit when not declared. `loaders.checks`, the template and the upload page all read them from here.

    scale        the unit with its scale: 'Rp', 'Rp ribu', 'Rp juta', 'Rp miliar', 'Rp triliun' or '%';
                 None for scores, counts and indices
    categories   the allowed answers of a category indicator (template dropdown, check and page)
    capaian_max  capaian (%) above this is flagged at upload unless confirmed with a justification
    at_most      codes of indicators this one can never exceed in the same report (extreme poverty <=
                 poverty)
    """

    scale: str | None = None
    categories: tuple[str, ...] = ()
    capaian_max: float = DEFAULT_CAPAIAN_MAX
    at_most: tuple[str, ...] = ()

    @property
    def rupiah_factor(self) -> float | None:
        return RUPIAH_SCALES.get(self.scale or "")

    @property
    def percent(self) -> bool:
        return self.scale == PERCENT_SCALE


_RUPIAH_UNIT = re.compile(r"^\s*rp\.?\s*(ribu|juta|miliar|milyar|triliun)?\b", re.IGNORECASE)


def infer_scale(unit: str) -> str | None:
    """'Rp miliar' -> 'Rp miliar'; '% penduduk' -> '%'; 'indeks 0–100' -> None."""
    m = _RUPIAH_UNIT.match(unit or "")
    if m:
        word = (m.group(1) or "").lower().replace("milyar", "miliar")
        return f"Rp {word}" if word else "Rp"
    return PERCENT_SCALE if (unit or "").strip().startswith("%") else None


def infer_categories(unit: str) -> tuple[str, ...]:
    """'opini (WTP/WDP/TW/TMP)' -> ('WTP', 'WDP', 'TW', 'TMP')."""
    m = re.search(r"\(([^()]*/[^()]*)\)", unit or "")
    return tuple(p.strip() for p in m.group(1).split("/") if p.strip()) if m else ()


def complete_rules(rules: Rules | None, unit: str, value_type: str) -> Rules:
    """Declared rules, with the scale and the categories inferred from the unit where not declared."""
    rules = rules or Rules()
    scale = rules.scale if rules.scale is not None else infer_scale(unit)
    categories = rules.categories or (infer_categories(unit) if value_type == "category" else ())
    if scale == rules.scale and categories == rules.categories:
        return rules
    return Rules(scale, categories, rules.capaian_max, rules.at_most)


@dataclass(frozen=True)
class Indicator:
    code: str
    theme: str
    level: str  # "national" | "agency"
    applies_to: tuple[str, ...]  # agency types KL, PROV, KAB, KOTA (empty for national)
    name: str
    name_en: str
    definition: str
    definition_en: str
    unit: str
    unit_en: str
    value_type: str  # "number" | "category"
    direction: str  # higher_better | lower_better | band
    measurement: str  # snapshot | cumulative | average
    aggregation: str  # sum | mean | weighted_mean | median | none
    limit: float | None
    min_value: float | None
    max_value: float | None
    decimals: int
    legal_basis: str
    data_source: str
    notes: str
    baseline_year: int | None
    baseline_value: float | None
    baseline_source: str
    baseline_confidence: str
    targets: tuple[TargetVersion, ...]
    series: tuple[Observation, ...]
    editor_notes: str = ""  # editors' notes: confidence, doubts, research trail; never shown to agencies
    rules: Rules | None = None      # completed in __post_init__, never None afterwards
    # assessment keys (indicators/assessment.py); the order of rules.categories is best first
    rollup: bool = True  # False: another series represents the concept in roll-ups
    discontinued: int | None = None  # first year without a verdict (the measure was discontinued)
    target_from: str | None = None  # judge against this national indicator's targets
    target_basis: tuple[str, ...] = ()  # bases that judge the verdict, preferred first; () = catalogue default

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", complete_rules(self.rules, self.unit or "", self.value_type or ""))

    def target_for(self, year: int, as_of: date | None = None, *, basis: str | None = None,
                   order: tuple[str, ...] = DEFAULT_TARGET_BASIS) -> TargetVersion | None:
        """The target version in force for `year` on one basis: `basis`, else the designated one (the first of
        the indicator's `target_basis`, else of `order`, that has a target that year); the highest version
        (optionally among those with `effective_from <= as_of`). None when there is no such target."""
        found = [t for t in self.targets
                 if t.year == year and (as_of is None or t.effective_from <= as_of)]
        if basis is None:
            ranks = {b: n for n, b in enumerate(self.target_basis or order)}
            found = [t for t in found if t.basis_code in ranks]
            if found:
                best = min(ranks[t.basis_code] for t in found)
                found = [t for t in found if ranks[t.basis_code] == best]
        else:
            found = [t for t in found if t.basis_code == basis]
        return max(found, key=lambda t: t.version) if found else None

    def target_bases(self, year: int) -> tuple[TargetVersion, ...]:
        """Every basis with a target for `year` (its highest version each), in TARGET_BASES order."""
        out = [self.target_for(year, basis=b) for b in TARGET_BASES]
        return tuple(t for t in out if t is not None)

    def basis_rank(self, code: str, order: tuple[str, ...] = DEFAULT_TARGET_BASIS) -> int | None:
        """Position of a basis in this indicator's verdict order (None: that basis never judges it)."""
        seq = self.target_basis or order
        return seq.index(code) if code in seq else None

    def observation(self, year: int, month: int | None = None) -> Observation | None:
        """The published national figure for `year` (and `month`), if any."""
        return next((o for o in self.series if o.year == year and o.month == month), None)


@dataclass(frozen=True)
class Catalogue:
    periods: tuple[Period, ...]
    themes: tuple[Theme, ...]
    indicators: tuple[Indicator, ...]
    by_code: dict[str, Indicator] = field(default_factory=dict, compare=False, hash=False, repr=False)
    version: int = 1
    target_basis: tuple[str, ...] = DEFAULT_TARGET_BASIS  # the catalogue-level verdict basis order

    def __post_init__(self) -> None:
        if not self.by_code:
            object.__setattr__(self, "by_code", {i.code: i for i in self.indicators})

    def current_period(self, year: int) -> Period | None:
        """The road-map period whose start..end years contain `year` (None outside every period)."""
        return next((p for p in self.periods if p.start_year <= year <= p.end_year), None)

    def period(self, code: str) -> Period | None:
        return next((p for p in self.periods if p.code == code), None)

    def theme(self, code: str) -> Theme | None:
        return next((t for t in self.themes if t.code == code), None)

    def theme_codes_under(self, code: str) -> tuple[str, ...]:
        """`code` and every theme below it (pdn and inflasi are under prioritas_presiden)."""
        out, todo = [], [code]
        while todo:
            c = todo.pop(0)
            out.append(c)
            todo.extend(t.code for t in sorted(self.themes, key=lambda t: t.order) if t.parent == c)
        return tuple(out)

    def action_plan_themes(self) -> tuple[Theme, ...]:
        """The themes an action plan (Rencana Aksi row) can belong to: tematik themes without sub-themes.
        A parent theme (Percepatan Prioritas Aktual Presiden) is reported through its sub-themes. The
        template's dropdown, the reader and the check all use this one list."""
        parents = {t.parent for t in self.themes if t.parent}
        leaves = [t for t in self.themes if t.kind == "tematik" and t.code not in parents]
        return tuple(sorted(leaves, key=lambda t: (t.order, t.code)))

    def indicators_for_theme(self, code: str, *, include_children: bool = True) -> tuple[Indicator, ...]:
        codes = set(self.theme_codes_under(code)) if include_children else {code}
        return tuple(i for i in self.indicators if i.theme in codes)


# ------------------------------------------------------------------ sources (cited like a statistics office)
SOURCE_KINDS = ("primary", "secondary")
# Publishers whose own site is a primary source: government sites (.go.id: BPS, KPK, BI, Kemenkeu,
# KemenPANRB, Ombudsman, BPK, BPKP, …) and the international bodies that compile an index themselves.
PRIMARY_DOMAINS = ("go.id", "transparency.org", "worldbank.org", "un.org", "oecd.org")
_SOURCE_SEP = " | "
_SOURCE_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class Source:
    """One citation: who published what, when, where. `kind` is primary or secondary (sumber sekunder:
    a news article or blog quoting the publisher). Stored as one text `publisher | title | date | url | kind`
    (the `source` column of the catalogue tables and views)."""
    publisher: str
    title: str
    date: str  # YYYY, YYYY-MM or YYYY-MM-DD (publication date)
    url: str
    kind: str  # primary | secondary

    def text(self) -> str:
        return _SOURCE_SEP.join((self.publisher, self.title, self.date, self.url, self.kind))

    @property
    def secondary(self) -> bool:
        return self.kind == "secondary"


def url_is_primary(url: str) -> bool:
    """A link on a primary publisher's own site (see PRIMARY_DOMAINS)."""
    m = re.match(r"https?://([^/:\s]+)", url.strip())
    host = (m.group(1) if m else "").lower()
    return any(host == d or host.endswith("." + d) for d in PRIMARY_DOMAINS)


def parse_source(text: str | None) -> Source | None:
    """The stored text `publisher | title | date | url | kind` back to a Source (None for anything else)."""
    if not isinstance(text, str):
        return None
    parts = text.split(_SOURCE_SEP)
    if len(parts) != 5:  # an empty title whose spaces were collapsed on the way ('Okezone | | 2024-07-02 | …')
        parts = re.split(r"\s*\|\s*", text.strip())
    parts = [p.strip() for p in parts]
    if len(parts) != 5 or parts[4] not in SOURCE_KINDS:
        return None
    return Source(*parts)


# Internal markers: research-trail words, file names and settings that must never reach what users see
# (pages, template, receipt, exports). The catalogue refuses them in user-facing fields.
INTERNAL_MARKERS = (
    re.compile(r"[\w-]+(?:/[\w.-]+)*\.(?:md|ya?ml|py|csv|jsonl)\b", re.I), re.compile(r"PANTAURB_\w*"), re.compile("§"),
    re.compile(r"\brecalled\b", re.I), re.compile(r"\bdiingat\b", re.I), re.compile(r"belum\s+dibaca", re.I),
    re.compile(r"menurut ingatan", re.I), re.compile(r"gophr", re.I), re.compile(r"github", re.I),
    re.compile(r"\bnot\s+read\b", re.I), re.compile(r"\bop-ed\b", re.I),
)


def internal_markers(text: str) -> list[str]:
    """Every internal marker found in `text` (empty when the text can be shown to users)."""
    return [m.group(0) for rx in INTERNAL_MARKERS for m in rx.finditer(text or "")]


# ------------------------------------------------------------------ errors
@dataclass(frozen=True)
class CatalogueProblem:
    file: str
    code: str  # indicator / theme / period code, or "(katalog)" for the file as a whole
    key: str  # e.g. "direction", "targets[2024 v1].low"
    detail: str  # bilingual: "nilai 'up' tidak dikenal / unknown value 'up' (…)"
    cell: str | None = None  # "Indikator!F7" when read from a workbook

    def __str__(self) -> str:
        where = f"{self.cell} ({self.key})" if self.cell else self.key
        return f"{self.file}, {self.code}, {where}: {self.detail}"


class CatalogueError(ValueError):
    """The catalogue cannot be used. `problems` lists every problem found; str() shows them all."""

    def __init__(self, problems: Iterable[CatalogueProblem] | str):
        if isinstance(problems, str):
            problems = [CatalogueProblem("?", "(katalog)", "", problems)]
        self.problems: list[CatalogueProblem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def file_label(path: Path | str) -> str:
    """How a file is named in messages: relative to the repository when inside it."""
    p = Path(path)
    try:
        return p.resolve().relative_to(REPO_ROOT).as_posix()
    except (ValueError, OSError):
        return str(path)


# ------------------------------------------------------------------ loading
class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (a second `direction:` would silently win otherwise)."""


def _no_duplicates(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"kunci ganda / duplicate key {key!r}", key_node.start_mark)
        seen[key] = True
    return loader.construct_mapping(node, deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """Read and validate the catalogue (default: `indicators/catalogue.yaml` next to this module).

    Cached on (path, mtime, size): an unchanged file returns the same object. Raises
    `CatalogueError` naming the file, the indicator and the key of every problem.
    """
    p = Path(path) if path is not None else DEFAULT_PATH
    try:
        st = p.stat()
    except OSError as exc:
        raise CatalogueError([CatalogueProblem(
            file_label(p), "(katalog)", "", f"berkas tidak dapat dibaca / file cannot be read ({exc.strerror})")])
    return _load_cached(str(p.resolve()), st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=16)
def _load_cached(path: str, mtime_ns: int, size: int) -> Catalogue:
    label = file_label(path)
    text = Path(path).read_text(encoding="utf-8")
    try:
        raw = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        key = f"baris/line {mark.line + 1}" if mark is not None else ""
        raise CatalogueError([CatalogueProblem(
            label, "(katalog)", key, f"YAML tidak valid / invalid YAML: {getattr(exc, 'problem', None) or exc}")])
    return build_catalogue(raw, label)


def loads_catalogue(text: str, file_name: str = "<teks>") -> Catalogue:
    """Validate catalogue YAML given as text (no caching)."""
    try:
        raw = yaml.load(text, Loader=_StrictLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        raise CatalogueError([CatalogueProblem(file_name, "(katalog)", "", f"YAML tidak valid / invalid YAML: {exc}")])
    return build_catalogue(raw, file_name)


# ------------------------------------------------------------------ validation
class _Checker:
    """Collects problems; each parse helper returns a clean value or None after recording a problem."""

    def __init__(self, label: str):
        self.label = label
        self.problems: list[CatalogueProblem] = []

    def fail(self, code: str, key: str, detail: str, item: Any = None, field_name: str | None = None) -> None:
        cell = None
        if isinstance(item, dict) and field_name is not None:
            cell = (item.get(_CELLS) or {}).get(field_name)
        self.problems.append(CatalogueProblem(self.label, code or "(katalog)", key, detail, cell))

    # --- one helper per kind of value
    def text(self, item: dict, name: str, code: str, prefix: str = "", *, required: bool = False) -> str:
        v = item.get(name)
        if v is None:
            v = ""
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            v = _num_text(v)
        if not isinstance(v, str):
            self.fail(code, prefix + name, f"harus teks / must be text, bukan/not {v!r}", item, name)
            return ""
        v = v.strip()
        if required and not v:
            self.fail(code, prefix + name, "wajib diisi / required", item, name)
        return v

    def optional_text(self, item: dict, name: str, code: str, prefix: str = "") -> str | None:
        v = self.text(item, name, code, prefix)
        return v or None

    def integer(self, item: dict, name: str, code: str, prefix: str = "", *, required: bool = False,
                lo: int | None = None, hi: int | None = None) -> int | None:
        v = item.get(name)
        if v is None or v == "":
            if required:
                self.fail(code, prefix + name, "wajib diisi / required", item, name)
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)) or (isinstance(v, float) and not v.is_integer()):
            self.fail(code, prefix + name, f"harus bilangan bulat / must be a whole number, bukan/not {v!r}",
                      item, name)
            return None
        v = int(v)
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            self.fail(code, prefix + name, f"nilai {v} di luar rentang / value {v} out of range {lo}..{hi}",
                      item, name)
            return None
        return v

    def number(self, item: dict, name: str, code: str, prefix: str = "", *, required: bool = False) -> float | None:
        v = item.get(name)
        if v is None or v == "":
            if required:
                self.fail(code, prefix + name, "wajib diisi / required", item, name)
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)) or math.isnan(v) or math.isinf(v):
            self.fail(code, prefix + name, f"harus angka / must be a number, bukan/not {v!r}", item, name)
            return None
        return float(v)

    def enum(self, item: dict, name: str, allowed: tuple[str, ...], code: str, prefix: str = "") -> str | None:
        v = item.get(name)
        if v is None or v == "":
            self.fail(code, prefix + name,
                      f"wajib diisi / required (harus/must be: {', '.join(allowed)})", item, name)
            return None
        if v not in allowed:
            self.fail(code, prefix + name,
                      f"nilai {v!r} tidak dikenal / unknown value {v!r} (harus/must be: {', '.join(allowed)})",
                      item, name)
            return None
        return v

    def day(self, item: dict, name: str, code: str, prefix: str = "") -> date | None:
        v = item.get(name)
        if isinstance(v, datetime):
            return v.date()
        if isinstance(v, date):
            return v
        if isinstance(v, str):
            try:
                return date.fromisoformat(v.strip())
            except ValueError:
                pass
        if v is None or v == "":
            self.fail(code, prefix + name, "wajib diisi / required (YYYY-MM-DD)", item, name)
        else:
            self.fail(code, prefix + name, f"bukan tanggal / not a date (YYYY-MM-DD): {v!r}", item, name)
        return None

    def mapping(self, v: Any, code: str, key: str) -> dict | None:
        if not isinstance(v, dict):
            self.fail(code, key, f"harus berupa pemetaan kunci: nilai / must be a mapping, bukan/not {type(v).__name__}")
            return None
        return v

    def items(self, v: Any, code: str, key: str) -> list:
        if v is None:
            return []
        if not isinstance(v, list):
            self.fail(code, key, f"harus berupa daftar / must be a list, bukan/not {type(v).__name__}")
            return []
        return v

    def known_keys(self, item: dict, allowed: Iterable[str], code: str, prefix: str = "") -> None:
        allowed = set(allowed) | {_CELLS}
        for k in item:
            if k not in allowed:
                self.fail(code, prefix + str(k),
                          f"kunci tidak dikenal / unknown key (yang dikenal/known: {', '.join(sorted(allowed - {_CELLS}))})")

    def source(self, item: dict, code: str, prefix: str = "", name: str = "source") -> str:
        """A citation as {publisher, title, date, url, kind} (or its stored text form); returns the text form.

        Rules: a publisher, and a url or a title, are required; every source, primary or secondary, needs its
        publication date (YYYY, YYYY-MM or YYYY-MM-DD): a figure whose source cannot be dated is left out, not
        shown undated; a link outside the primary publishers' own sites is a secondary source (sumber sekunder)
        whatever `kind` says."""
        v = item.get(name)
        if isinstance(v, str) and parse_source(v) is not None:
            v = dict(zip(("publisher", "title", "date", "url", "kind"), parse_source(v).text().split(_SOURCE_SEP)))
        if not isinstance(v, dict):
            self.fail(code, prefix + name, "sumber wajib berupa {publisher, title, date, url, kind} atau teks "
                                           "'penerbit | judul | tanggal | tautan | primary/secondary' / a source must be "
                                           "{publisher, title, date, url, kind} or the text 'publisher | title | date | "
                                           f"url | primary/secondary', bukan/not {v!r}", item, name)
            return ""
        unknown = set(v) - {"publisher", "title", "date", "url", "kind"}
        if unknown:
            self.fail(code, f"{prefix}{name}.{sorted(unknown)[0]}", "kunci tidak dikenal / unknown key "
                                                                      "(publisher, title, date, url, kind)", item, name)
        f = {k: ("" if v.get(k) is None else str(v.get(k)).strip()) for k in ("publisher", "title", "date", "url", "kind")}
        if isinstance(v.get("date"), (date, datetime)):
            f["date"] = v["date"].isoformat()[:10]
        before = len(self.problems)
        if not f["publisher"]:
            self.fail(code, prefix + name + ".publisher", "penerbit wajib diisi / publisher required", item, name)
        if not f["url"] and not f["title"]:
            self.fail(code, prefix + name + ".url", "tautan atau judul wajib diisi / a link or a title is required",
                      item, name)
        if f["url"] and not re.match(r"https?://\S+$", f["url"]):
            self.fail(code, prefix + name + ".url", f"tautan harus http(s)://… / the link must be http(s)://…, "
                                                    f"bukan/not {f['url']!r}", item, name)
        if f["url"]:
            derived = "primary" if url_is_primary(f["url"]) else "secondary"
            if f["kind"] == "primary" and derived == "secondary":
                self.fail(code, prefix + name + ".kind", "tautan di luar situs penerbit resmi adalah sumber sekunder / "
                                                         "a link outside an official publisher's site is a secondary "
                                                         f"source ({f['url']})", item, name)
            f["kind"] = f["kind"] or derived
        if not _SOURCE_DATE.match(f["date"]):
            self.fail(code, prefix + name + ".date", f"tanggal terbit wajib YYYY, YYYY-MM atau YYYY-MM-DD / publication "
                                                     f"date required as YYYY, YYYY-MM or YYYY-MM-DD, bukan/not {f['date']!r}",
                      item, name)
        if f["kind"] not in SOURCE_KINDS:
            self.fail(code, prefix + name + ".kind", f"jenis sumber wajib primary/secondary / source kind must be "
                                                     f"primary or secondary, bukan/not {f['kind']!r}", item, name)
        if len(self.problems) > before:
            return ""
        return Source(**f).text()

    def sourced_confidence(self, item: dict, source: str, code: str, prefix: str = "") -> str | None:
        """The confidence label, refusing 'high' on a secondary source."""
        conf = self.confidence(item, code, prefix)
        src = parse_source(source)
        if conf == "high" and src is not None and src.secondary:
            self.fail(code, prefix + "confidence", "sumber sekunder tidak boleh berkeyakinan tinggi; gunakan sumber "
                                                   "primer atau turunkan ke medium/low / a secondary source cannot carry "
                                                   "high confidence; cite the primary source or lower it to medium/low",
                      item, "confidence")
        return conf

    def user_text(self, item: dict, name: str, code: str, prefix: str = "", **kw) -> str:
        """Text shown to users: refused when it carries an internal marker (research trail, file names)."""
        v = self.text(item, name, code, prefix, **kw)
        found = internal_markers(v)
        if found:
            self.fail(code, prefix + name, f"teks untuk pengguna memuat catatan internal / user-facing text carries an "
                                           f"internal marker ({', '.join(sorted(set(found)))}); pindahkan ke editor_notes "
                                           f"/ move it to editor_notes", item, name)
        return v

    def confidence(self, item: dict, code: str, prefix: str = "") -> str | None:
        return self.enum(item, "confidence", CONFIDENCES, code, prefix)


def _num_text(v: float | int) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


PERIOD_KEYS = ("code", "name", "name_en", "start_year", "end_year", "baseline_year", "legal_basis")
THEME_KEYS = ("code", "kind", "name", "name_en", "parent", "order")
INDICATOR_KEYS = ("code", "theme", "level", "applies_to", "name", "name_en", "definition", "definition_en",
                  "unit", "unit_en", "value_type", "direction", "measurement", "aggregation", "limit",
                  "min_value", "max_value", "decimals", "legal_basis", "data_source", "notes", "baseline",
                  "targets", "series", "rules", "editor_notes", "rollup", "discontinued", "target_from",
                  "target_basis")
BASELINE_KEYS = ("year", "value", "source", "confidence")
TARGET_KEYS = ("year", "low", "high", "text", "version", "effective_from", "basis", "source", "confidence",
               "basis_code")
SERIES_KEYS = ("year", "month", "value", "text", "source", "confidence", "note", "editor_note")
TOP_KEYS = ("version", "periods", "themes", "indicators", "target_basis")


def build_catalogue(raw: Any, label: str = "<katalog>") -> Catalogue:
    """Validate a catalogue given as plain data (the YAML layout) and build the dataclasses.

    Raises `CatalogueError` listing every problem found."""
    ck = _Checker(label)
    root = "(katalog)"
    if not isinstance(raw, dict):
        ck.fail(root, "", "berkas kosong atau bukan pemetaan / file is empty or not a mapping")
        raise CatalogueError(ck.problems)
    ck.known_keys(raw, TOP_KEYS, root)
    version = ck.integer(raw, "version", root, required=True, lo=1) or 1
    order = _basis_order(ck, raw, root) or DEFAULT_TARGET_BASIS

    periods = _periods(ck, ck.items(raw.get("periods"), root, "periods"))
    if not periods and not any(p.key.startswith("periods") for p in ck.problems):
        ck.fail(root, "periods", "minimal satu periode / at least one period is required")
    themes = _themes(ck, ck.items(raw.get("themes"), root, "themes"))
    allowed_years = {y for p in periods for y in range(p.start_year, p.end_year + 1)} | {p.baseline_year for p in periods}
    theme_codes = {t.code for t in themes}

    indicators: list[Indicator] = []
    seen: dict[str, int] = {}
    for n, item in enumerate(ck.items(raw.get("indicators"), root, "indicators")):
        item = ck.mapping(item, root, f"indicators[{n}]")
        if item is None:
            continue
        ind = _indicator(ck, item, n, theme_codes, allowed_years, periods)
        if ind is None:
            continue
        if ind.code in seen:
            ck.fail(ind.code, "code", f"kode ganda / duplicate code (juga/also indicators[{seen[ind.code]}])",
                    item, "code")
            continue
        seen[ind.code] = n
        indicators.append(ind)
    for ind in indicators:
        for other in ind.rules.at_most:
            if other not in seen:
                ck.fail(ind.code, "rules.at_most", f"indikator {other!r} tidak ada / indicator {other!r} does not exist")
    by_code = {i.code: i for i in indicators}
    for i in indicators:
        src = by_code.get(i.target_from) if i.target_from else None
        if i.target_from and (src is None or src.level != "national" or src.direction != i.direction):
            ck.fail(i.code, "target_from", f"{i.target_from!r} harus indikator nasional dengan arah yang sama / "
                                           f"must be a national indicator with the same direction")
    if ck.problems:
        raise CatalogueError(ck.problems)
    return Catalogue(periods=tuple(periods), themes=tuple(themes), indicators=tuple(indicators), version=version,
                     target_basis=order)


def _basis_order(ck: _Checker, item: dict, code: str) -> tuple[str, ...]:
    """`target_basis`: a basis code or a list of them (comma-separated text in a workbook), preferred first."""
    v = item.get("target_basis")
    if v is None or v == "" or v == []:
        return ()
    if isinstance(v, str):
        v = [p for p in re.split(r"[,;\s]+", v) if p]
    if not isinstance(v, list) or any(b not in TARGET_BASES for b in v) or len(set(v)) != len(v):
        ck.fail(code, "target_basis", f"harus daftar dasar target tanpa ganda / must be a list of target bases "
                                      f"without repeats ({', '.join(TARGET_BASES)}), bukan/not {v!r}",
                item, "target_basis")
        return ()
    return tuple(v)


def _periods(ck: _Checker, items: list) -> list[Period]:
    out: list[Period] = []
    for n, item in enumerate(items):
        item = ck.mapping(item, "(katalog)", f"periods[{n}]")
        if item is None:
            continue
        code = ck.text(item, "code", f"periods[{n}]", required=True)
        who = code or f"periods[{n}]"
        ck.known_keys(item, PERIOD_KEYS, who)
        before = len(ck.problems)
        name = ck.text(item, "name", who, required=True)
        name_en = ck.text(item, "name_en", who, required=True)
        start = ck.integer(item, "start_year", who, required=True, lo=1900, hi=2200)
        end = ck.integer(item, "end_year", who, required=True, lo=1900, hi=2200)
        base = ck.integer(item, "baseline_year", who, required=True, lo=1900, hi=2200)
        legal = ck.text(item, "legal_basis", who)
        if start is not None and end is not None and start > end:
            ck.fail(who, "end_year", f"end_year {end} < start_year {start}", item, "end_year")
        if base is not None and start is not None and base > start:
            ck.fail(who, "baseline_year", f"tahun dasar {base} sesudah awal periode / baseline year {base} "
                                          f"is after the period start {start}", item, "baseline_year")
        if any(p.code == code for p in out):
            ck.fail(who, "code", "kode periode ganda / duplicate period code", item, "code")
        if len(ck.problems) > before or start is None or end is None or base is None:
            continue
        for p in out:
            if start <= p.end_year and p.start_year <= end:
                ck.fail(who, "start_year", f"tumpang tindih dengan periode / overlaps period {p.code}", item, "start_year")
        out.append(Period(code, name, name_en, start, end, base, legal))
    return out


def _themes(ck: _Checker, items: list) -> list[Theme]:
    out: list[Theme] = []
    raw_items: list[dict] = []
    for n, item in enumerate(items):
        item = ck.mapping(item, "(katalog)", f"themes[{n}]")
        if item is None:
            continue
        code = ck.text(item, "code", f"themes[{n}]", required=True)
        who = code or f"themes[{n}]"
        ck.known_keys(item, THEME_KEYS, who)
        before = len(ck.problems)
        if code and not _THEME_CODE.match(code):
            ck.fail(who, "code", "kode tema harus huruf kecil/angka/_ / theme code must be lower-case letters, "
                                 "digits and _", item, "code")
        kind = ck.enum(item, "kind", THEME_KINDS, who)
        name = ck.text(item, "name", who, required=True)
        name_en = ck.text(item, "name_en", who, required=True)
        parent = ck.optional_text(item, "parent", who)
        order = ck.integer(item, "order", who, required=True)
        if any(t.code == code for t in out):
            ck.fail(who, "code", "kode tema ganda / duplicate theme code", item, "code")
        if len(ck.problems) == before:
            out.append(Theme(code, kind, name, name_en, parent, order))
            raw_items.append(item)
    codes = {t.code for t in out}
    for t, item in zip(out, raw_items):
        if t.parent is None:
            continue
        if t.parent not in codes:
            ck.fail(t.code, "parent", f"tema induk {t.parent!r} tidak ada / parent theme {t.parent!r} does not exist",
                    item, "parent")
            continue
        seen, cur = {t.code}, t.parent
        while cur is not None:
            if cur in seen:
                ck.fail(t.code, "parent", "tema induk membentuk lingkaran / parent themes form a cycle", item, "parent")
                break
            seen.add(cur)
            cur = next((x.parent for x in out if x.code == cur), None)
    return out


def _indicator(ck: _Checker, item: dict, n: int, theme_codes: set[str], allowed_years: set[int],
               periods: list[Period]) -> Indicator | None:
    code = ck.text(item, "code", f"indicators[{n}]", required=True)
    if not code:
        return None
    before = len(ck.problems)
    if not _INDICATOR_CODE.match(code):
        ck.fail(code, "code", "kode indikator harus huruf besar/angka/_ / indicator code must be upper-case "
                              "letters, digits and _", item, "code")
    ck.known_keys(item, INDICATOR_KEYS, code)
    theme = ck.text(item, "theme", code, required=True)
    if theme and theme not in theme_codes:
        ck.fail(code, "theme", f"tema {theme!r} tidak ada di themes / theme {theme!r} is not in themes "
                               f"(ada/known: {', '.join(sorted(theme_codes))})", item, "theme")
    level = ck.enum(item, "level", LEVELS, code)
    applies_to = _applies_to(ck, item, code, level)
    name = ck.user_text(item, "name", code, required=True)
    name_en = ck.user_text(item, "name_en", code, required=True)
    definition = ck.user_text(item, "definition", code, required=True)
    definition_en = ck.user_text(item, "definition_en", code, required=True)
    unit = ck.user_text(item, "unit", code, required=True)
    unit_en = ck.user_text(item, "unit_en", code, required=True)
    value_type = ck.enum(item, "value_type", VALUE_TYPES, code)
    direction = ck.enum(item, "direction", DIRECTIONS, code)
    measurement = ck.enum(item, "measurement", MEASUREMENTS, code)
    aggregation = ck.enum(item, "aggregation", AGGREGATIONS, code)
    limit = ck.number(item, "limit", code)
    min_value = ck.number(item, "min_value", code)
    max_value = ck.number(item, "max_value", code)
    decimals = ck.integer(item, "decimals", code, required=True, lo=0, hi=6)
    legal_basis = ck.user_text(item, "legal_basis", code)
    data_source = ck.user_text(item, "data_source", code)
    notes = ck.user_text(item, "notes", code)
    editor_notes = ck.user_text(item, "editor_notes", code)  # shown to analysts on the catalogue page
    if min_value is not None and max_value is not None and min_value > max_value:
        ck.fail(code, "min_value", f"min_value {min_value:g} > max_value {max_value:g}", item, "min_value")
    if value_type == "category":
        if aggregation not in (None, "none"):
            ck.fail(code, "aggregation", f"indikator kategori tidak dapat diagregasi / a category indicator "
                                         f"cannot be aggregated: gunakan/use 'none', bukan/not {aggregation!r}",
                    item, "aggregation")
        if direction == "band":
            ck.fail(code, "direction", "indikator kategori tidak dapat berupa rentang / a category indicator "
                                       "cannot be a band", item, "direction")
    rollup = item.get("rollup", True)
    if rollup is None or rollup == "":
        rollup = True
    if isinstance(rollup, str) and rollup.strip().lower() in ("true", "false"):
        rollup = rollup.strip().lower() == "true"
    if not isinstance(rollup, bool):
        ck.fail(code, "rollup", f"harus true/false / must be true or false, bukan/not {rollup!r}", item, "rollup")
    discontinued = ck.integer(item, "discontinued", code, lo=1900, hi=2200)
    target_from = ck.optional_text(item, "target_from", code)
    target_basis = _basis_order(ck, item, code)
    rng = (min_value, max_value)
    ctx = _Ctx(code, value_type, direction, allowed_years, periods, rng)
    baseline = _baseline(ck, item, ctx)
    targets = _targets(ck, item, ctx)
    series = _series(ck, item, ctx)
    rules = _rules(ck, item, code, value_type)
    if len(ck.problems) > before:
        return None
    return Indicator(
        code=code, theme=theme, level=level, applies_to=applies_to, name=name, name_en=name_en,
        definition=definition, definition_en=definition_en, unit=unit, unit_en=unit_en,
        value_type=value_type, direction=direction, measurement=measurement, aggregation=aggregation,
        limit=limit, min_value=min_value, max_value=max_value, decimals=decimals,
        legal_basis=legal_basis, data_source=data_source, notes=notes,
        baseline_year=baseline[0], baseline_value=baseline[1], baseline_source=baseline[2],
        baseline_confidence=baseline[3], targets=targets, series=series, rules=rules,
        editor_notes=editor_notes, rollup=rollup is not False, discontinued=discontinued, target_from=target_from,
        target_basis=target_basis)


def _rules(ck: _Checker, item: dict, code: str, value_type: str | None) -> Rules | None:
    raw = item.get("rules")
    if raw is None:
        return None
    raw = ck.mapping(raw, code, "rules")
    if raw is None:
        return None
    ck.known_keys(raw, RULE_KEYS, code, "rules.")
    scale = ck.optional_text(raw, "scale", code, "rules.")
    if scale is not None and scale not in SCALES:
        ck.fail(code, "rules.scale", f"skala {scale!r} tidak dikenal / unknown scale {scale!r} "
                                     f"(harus/must be: {', '.join(SCALES)})", raw, "scale")
    categories = []
    for c in ck.items(raw.get("categories"), code, "rules.categories"):
        if not isinstance(c, str) or not c.strip() or c.strip() in categories:
            ck.fail(code, "rules.categories", f"kategori kosong atau ganda / empty or repeated category {c!r}")
        else:
            categories.append(c.strip())
    if categories and value_type != "category":
        ck.fail(code, "rules.categories", "hanya untuk indikator kategori / only for category indicators")
    capaian_max = ck.number(raw, "capaian_max", code, "rules.")
    if capaian_max is not None and capaian_max <= 100:
        ck.fail(code, "rules.capaian_max", f"harus di atas 100 / must be above 100, bukan/not {capaian_max:g}")
    at_most = []
    for other in ck.items(raw.get("at_most"), code, "rules.at_most"):
        if not isinstance(other, str) or not _INDICATOR_CODE.match(other) or other == code:
            ck.fail(code, "rules.at_most", f"kode indikator tidak valid / invalid indicator code {other!r}")
        else:
            at_most.append(other)
    return Rules(scale, tuple(categories), DEFAULT_CAPAIAN_MAX if capaian_max is None else capaian_max,
                 tuple(at_most))


@dataclass(frozen=True)
class _Ctx:
    code: str
    value_type: str | None
    direction: str | None
    years: set[int]
    periods: list[Period]
    range: tuple[float | None, float | None]


def _applies_to(ck: _Checker, item: dict, code: str, level: str | None) -> tuple[str, ...]:
    v = item.get("applies_to")
    if v is None or v == "":
        v = []
    if isinstance(v, str):
        v = [s for s in re.split(r"[,;\s]+", v) if s]
    if not isinstance(v, list):
        ck.fail(code, "applies_to", f"harus berupa daftar / must be a list, bukan/not {v!r}", item, "applies_to")
        return ()
    out: list[str] = []
    for a in v:
        if a not in AGENCY_TYPES:
            ck.fail(code, "applies_to", f"jenis instansi {a!r} tidak dikenal / unknown agency type {a!r} "
                                        f"(harus/must be: {', '.join(AGENCY_TYPES)})", item, "applies_to")
        elif a in out:
            ck.fail(code, "applies_to", f"{a} tercantum dua kali / listed twice", item, "applies_to")
        else:
            out.append(a)
    if level == "national" and out:
        ck.fail(code, "applies_to", "indikator nasional tidak berlaku untuk jenis instansi / a national indicator "
                                    "has no agency types: kosongkan/leave empty", item, "applies_to")
    if level == "agency" and not out and not any(p.key == "applies_to" and p.code == code for p in ck.problems):
        ck.fail(code, "applies_to", f"indikator instansi wajib menyebut jenis instansi / an agency indicator must "
                                    f"list agency types ({', '.join(AGENCY_TYPES)})", item, "applies_to")
    return tuple(out)


def _year(ck: _Checker, item: dict, ctx: _Ctx, key: str, name: str = "year", *, required: bool = True) -> int | None:
    y = ck.integer(item, name, ctx.code, key, required=required)
    if y is not None and y not in ctx.years:
        spans = ", ".join(f"{p.start_year}-{p.end_year} (dasar/baseline {p.baseline_year})" for p in ctx.periods)
        ck.fail(ctx.code, key + name, f"tahun {y} di luar periode / year {y} is outside every period ({spans})",
                item, name)
        return None
    return y


def _in_range(ck: _Checker, item: dict, ctx: _Ctx, key: str, name: str, v: float | None) -> None:
    lo, hi = ctx.range
    if v is None:
        return
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        ck.fail(ctx.code, key + name, f"nilai {v:g} di luar rentang wajar / value {v:g} outside the plausible range "
                                      f"{'' if lo is None else f'{lo:g}'}..{'' if hi is None else f'{hi:g}'}",
                item, name)


def _baseline(ck: _Checker, item: dict, ctx: _Ctx) -> tuple[int | None, float | None, str, str]:
    b = item.get("baseline")
    if b is None:
        return None, None, "", ""
    b = ck.mapping(b, ctx.code, "baseline")
    if b is None:
        return None, None, "", ""
    if all(b.get(k) in (None, "") for k in BASELINE_KEYS):
        return None, None, "", ""
    key = "baseline."
    ck.known_keys(b, BASELINE_KEYS, ctx.code, key)
    year = _year(ck, b, ctx, key)
    value = ck.number(b, "value", ctx.code, key, required=ctx.value_type == "number")
    _in_range(ck, b, ctx, key, "value", value)
    if ctx.value_type == "category" and value is not None:
        ck.fail(ctx.code, key + "value", "indikator kategori: nilai dasar dicatat di series / category indicator: "
                                         "keep the baseline category in series", b, "value")
    source = ck.source(b, ctx.code, key)
    conf = ck.sourced_confidence(b, source, ctx.code, key) or ""
    return year, value, source, conf


def _targets(ck: _Checker, item: dict, ctx: _Ctx) -> tuple[TargetVersion, ...]:
    out: list[TargetVersion] = []
    for n, t in enumerate(ck.items(item.get("targets"), ctx.code, "targets")):
        t = ck.mapping(t, ctx.code, f"targets[{n}]")
        if t is None:
            continue
        yv = t.get("year"), t.get("version")
        key = f"targets[{yv[0]} v{yv[1]}]." if all(isinstance(x, int) for x in yv) else f"targets[{n}]."
        before = len(ck.problems)
        ck.known_keys(t, TARGET_KEYS, ctx.code, key)
        year = _year(ck, t, ctx, key)
        version = ck.integer(t, "version", ctx.code, key, required=True, lo=1)
        low = ck.number(t, "low", ctx.code, key)
        high = ck.number(t, "high", ctx.code, key)
        text = ck.optional_text(t, "text", ctx.code, key)
        eff = ck.day(t, "effective_from", ctx.code, key)
        basis = ck.user_text(t, "basis", ctx.code, key, required=True)
        basis_code = t.get("basis_code") or "rpjmn"
        if basis_code not in TARGET_BASES:
            ck.fail(ctx.code, key + "basis_code", f"dasar target {basis_code!r} tidak dikenal / unknown target basis "
                                                  f"(harus/must be: {', '.join(TARGET_BASES)})", t, "basis_code")
        source = ck.source(t, ctx.code, key)
        conf = ck.sourced_confidence(t, source, ctx.code, key)
        if ctx.value_type == "number":
            if low is None and high is None:
                ck.fail(ctx.code, key + "low", "target angka wajib mengisi low dan/atau high / a numeric target "
                                               "needs low and/or high", t, "low")
            if text is not None:
                ck.fail(ctx.code, key + "text", "text hanya untuk indikator kategori / text is only for category "
                                                "indicators", t, "text")
        elif ctx.value_type == "category":
            if text is None:
                ck.fail(ctx.code, key + "text", "target kategori wajib mengisi text / a category target needs text",
                        t, "text")
            if low is not None or high is not None:
                ck.fail(ctx.code, key + "low", "indikator kategori: kosongkan low/high / category indicator: "
                                               "leave low/high empty", t, "low")
        if low is not None and high is not None and low > high:
            ck.fail(ctx.code, key + "low", f"low {low:g} > high {high:g} (low harus ≤ high / low must be ≤ high)",
                    t, "low")
        if ctx.direction == "band":
            if low is None or high is None:
                ck.fail(ctx.code, key + "low", "indikator rentang wajib mengisi low dan high / a band indicator "
                                               "needs both low and high", t, "low" if low is None else "high")
            elif low >= high:
                ck.fail(ctx.code, key + "high", f"rentang harus low < high / a band needs low < high "
                                                f"(low {low:g}, high {high:g})", t, "high")
        _in_range(ck, t, ctx, key, "low", low)
        _in_range(ck, t, ctx, key, "high", high)
        if year is not None and version is not None and any(
                o.year == year and o.version == version and o.basis_code == basis_code for o in out):
            ck.fail(ctx.code, key + "version", f"versi {version} untuk tahun {year} ganda / duplicate version "
                                               f"{version} for year {year} (dasar/basis {basis_code})", t, "version")
        if len(ck.problems) == before:
            out.append(TargetVersion(year, low, high, text, version, eff, basis, source, conf, basis_code))
    return tuple(out)


def _series(ck: _Checker, item: dict, ctx: _Ctx) -> tuple[Observation, ...]:
    out: list[Observation] = []
    for n, s in enumerate(ck.items(item.get("series"), ctx.code, "series")):
        s = ck.mapping(s, ctx.code, f"series[{n}]")
        if s is None:
            continue
        ym = s.get("year"), s.get("month")
        key = (f"series[{ym[0]}{'' if ym[1] is None else f'-{ym[1]:02d}' if isinstance(ym[1], int) else ''}]."
               if isinstance(ym[0], int) else f"series[{n}].")
        before = len(ck.problems)
        ck.known_keys(s, SERIES_KEYS, ctx.code, key)
        year = _year(ck, s, ctx, key)
        month = ck.integer(s, "month", ctx.code, key, lo=1, hi=12)
        text = ck.optional_text(s, "text", ctx.code, key)
        if ctx.value_type == "number":
            value = ck.number(s, "value", ctx.code, key, required=True)
            if text is not None:
                ck.fail(ctx.code, key + "text", "text hanya untuk indikator kategori / text is only for category "
                                                "indicators", s, "text")
        else:
            value = ck.number(s, "value", ctx.code, key)
            if value is not None:
                ck.fail(ctx.code, key + "value", "indikator kategori: isi text, bukan value / category indicator: "
                                                 "fill text, not value", s, "value")
            if ctx.value_type == "category" and text is None:
                ck.fail(ctx.code, key + "text", "wajib diisi / required", s, "text")
        _in_range(ck, s, ctx, key, "value", value)
        source = ck.source(s, ctx.code, key)
        conf = ck.sourced_confidence(s, source, ctx.code, key)
        note = ck.user_text(s, "note", ctx.code, key)
        editor_note = ck.user_text(s, "editor_note", ctx.code, key)
        if year is not None and any(o.year == year and o.month == month for o in out):
            ck.fail(ctx.code, key + "year", f"nilai untuk {year}{'' if month is None else f'-{month:02d}'} ganda / "
                                            f"duplicate observation", s, "year")
        if len(ck.problems) == before:
            out.append(Observation(year, month, value, text, source, conf, note, editor_note))
    return tuple(out)


# ------------------------------------------------------------------ writing
def _plain(v: Any) -> Any:
    """Integral floats as ints so the YAML reads 45, not 45.0 (loading turns them back into floats)."""
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def catalogue_to_dict(cat: Catalogue) -> dict:
    """The catalogue as plain data in the YAML layout (what `build_catalogue` accepts)."""
    return {
        "version": cat.version,
        "periods": [{"code": p.code, "name": p.name, "name_en": p.name_en, "start_year": p.start_year,
                     "end_year": p.end_year, "baseline_year": p.baseline_year, "legal_basis": p.legal_basis}
                    for p in cat.periods],
        "themes": [{"code": t.code, "kind": t.kind, "name": t.name, "name_en": t.name_en, "parent": t.parent,
                    "order": t.order} for t in cat.themes],
        "indicators": [_indicator_to_dict(i) for i in cat.indicators],
        **({"target_basis": list(cat.target_basis)} if cat.target_basis != DEFAULT_TARGET_BASIS else {}),
    }


def _indicator_to_dict(i: Indicator) -> dict:
    has_baseline = i.baseline_year is not None or i.baseline_value is not None or i.baseline_source
    return {
        "code": i.code, "theme": i.theme, "level": i.level, "applies_to": list(i.applies_to),
        "name": i.name, "name_en": i.name_en, "definition": i.definition, "definition_en": i.definition_en,
        "unit": i.unit, "unit_en": i.unit_en, "value_type": i.value_type, "direction": i.direction,
        "measurement": i.measurement, "aggregation": i.aggregation, "limit": _plain(i.limit),
        "min_value": _plain(i.min_value), "max_value": _plain(i.max_value), "decimals": i.decimals,
        "legal_basis": i.legal_basis, "data_source": i.data_source, "notes": i.notes,
        "editor_notes": i.editor_notes,
        "baseline": ({"year": i.baseline_year, "value": _plain(i.baseline_value), "source": i.baseline_source,
                      "confidence": i.baseline_confidence} if has_baseline else None),
        "targets": [{"year": t.year, "low": _plain(t.low), "high": _plain(t.high), "text": t.text,
                     "version": t.version, "effective_from": t.effective_from, "basis": t.basis,
                     "source": t.source, "confidence": t.confidence,
                     **({"basis_code": t.basis_code} if t.basis_code != "rpjmn" else {})} for t in i.targets],
        "series": [{"year": o.year, "month": o.month, "value": _plain(o.value), "text": o.text,
                    "source": o.source, "confidence": o.confidence, "note": o.note,
                    "editor_note": o.editor_note} for o in i.series],
        "rules": rules_to_dict(i.rules),
        **({"rollup": False} if not i.rollup else {}),
        **({"discontinued": i.discontinued} if i.discontinued is not None else {}),
        **({"target_from": i.target_from} if i.target_from else {}),
        **({"target_basis": list(i.target_basis)} if i.target_basis else {}),
    }


def rules_to_dict(r: Rules) -> dict:
    """The completed rules in the YAML layout (keys at their default are left out)."""
    out: dict = {}
    if r.scale:
        out["scale"] = r.scale
    if r.categories:
        out["categories"] = list(r.categories)
    if r.capaian_max != DEFAULT_CAPAIAN_MAX:
        out["capaian_max"] = _plain(r.capaian_max)
    if r.at_most:
        out["at_most"] = list(r.at_most)
    return out


def rules_to_text(r: Rules) -> str:
    """'scale=Rp miliar; at_most=TEM_KEM_P0' (one cell of the catalogue xlsx)."""
    return "; ".join(f"{k}={'/'.join(map(str, v)) if isinstance(v, list) else v}"
                     for k, v in rules_to_dict(r).items())


def rules_from_text(text: str | None) -> dict | None:
    """The inverse of `rules_to_text`; the values are validated by `build_catalogue` like YAML ones."""
    if text is None or not str(text).strip():
        return None
    out: dict = {}
    for part in str(text).split(";"):
        key, _, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not key:
            continue
        if key in ("categories", "at_most"):
            out[key] = [v.strip() for v in value.split("/") if v.strip()]
        elif key == "capaian_max":
            try:
                out[key] = float(value.replace(",", "."))
            except ValueError:
                out[key] = value
        else:
            out[key] = value
    return out


DUMP_HEADER = """\
# Katalog indikator PantauRB / PantauRB indicator catalogue.
# Ditulis oleh mesin (dump_catalogue); keterangan setiap kunci ada di versi yang disunting tangan
# dan di lembar 'Petunjuk' pada ekspor xlsx. / Machine-written (dump_catalogue); every key is
# explained in the hand-edited version and in the 'Petunjuk' sheet of the xlsx export.
"""


def _leading_comments(path: Path) -> str | None:
    """The comment block at the top of an existing catalogue (the key documentation), if any."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    except (OSError, UnicodeDecodeError):
        return None
    head = []
    for line in lines:
        if line.startswith("#") or (head and not line.strip()):
            head.append(line)
        else:
            break
    text = "".join(head).rstrip("\n")
    return text + "\n\n" if text else None


def dump_catalogue(cat: Catalogue, path: Path | str) -> Path:
    """Write `cat` as YAML that `load_catalogue` reads back equal to `cat`. Returns the path.

    When `path` already exists, its leading comment block (the explanation of every key) is kept."""
    p = Path(path)
    header = _leading_comments(p) or DUMP_HEADER
    text = header + yaml.safe_dump(catalogue_to_dict(cat), sort_keys=False, allow_unicode=True,
                                   width=110, default_flow_style=False)
    build_catalogue(yaml.load(text, Loader=_StrictLoader), str(path))  # noqa: S506 - never write a broken file
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(p)
    return p


__all__ = [
    "AGENCY_TYPES", "AGGREGATIONS", "CATALOGUE_PATH", "CONFIDENCES", "Catalogue", "CatalogueError",
    "CatalogueProblem", "DEFAULT_PATH", "DEFAULT_TARGET_BASIS", "TARGET_BASES", "DIRECTIONS", "Indicator", "LEVELS", "MEASUREMENTS", "Observation",
    "INTERNAL_MARKERS", "PRIMARY_DOMAINS", "Period", "Rules", "SOURCE_KINDS", "Source", "TargetVersion",
    "THEME_KINDS", "Theme", "VALUE_TYPES", "build_catalogue", "catalogue_to_dict", "dump_catalogue", "file_label",
    "internal_markers", "load_catalogue", "loads_catalogue", "parse_source", "rules_from_text", "rules_to_text",
    "url_is_primary",
]
