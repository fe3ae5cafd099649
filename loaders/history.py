"""What the checks know of the accepted history (the history part of `CheckContext`), read in bulk and kept
current while a batch is stored.

One upload reads its own agency. A batch (`api.ingest_batch`) reads the agencies of the next files with one
query per table and, after each committed file, records what that file put in force (`stored`), so every
file is checked against exactly the history a one-by-one ingest would read from the database. The context is
derived from this state in one place (`fill`), however it was loaded.

State per agency (in force = the newest accepted version of each quarter, as `v_values` / `v_renaksi`):
values and texts per quarter, action-plan realisations per quarter, the number of versions per quarter and
the agency's own targets in force per year. Type medians are kept per (agency type, quarter): each agency's
latest value per indicator up to that quarter.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import defaultdict
from dataclasses import dataclass, field

from indicators import periods
from loaders.checks import AgencyInfo, CheckContext

VALUES = """
SELECT agency_code, year, quarter, indicator_code, value, value_text FROM v_values
WHERE list_contains($agencies, agency_code) AND (value IS NOT NULL OR value_text IS NOT NULL)
"""
RENAKSI = """
SELECT agency_code, year, quarter, plan_id, realisation FROM v_renaksi
WHERE list_contains($agencies, agency_code) ORDER BY agency_code, year, quarter, row_no
"""
VERSIONS = """
SELECT agency_code, year, quarter, count(*) FROM submissions WHERE list_contains($agencies, agency_code)
GROUP BY ALL
"""
TARGETS = """
SELECT agency_code, indicator_code, year, target_low, target_high FROM v_agency_targets
WHERE list_contains($agencies, agency_code)
"""
TYPE_LATEST = """
SELECT v.agency_code, v.indicator_code, v.value FROM v_values v JOIN agencies g USING (agency_code)
WHERE g.agency_type = $agency_type AND v.value IS NOT NULL AND quarter_key(v.year, v.quarter) <= $key
QUALIFY row_number() OVER (PARTITION BY v.agency_code, v.indicator_code ORDER BY v.year DESC, v.quarter DESC) = 1
"""
MEDIAN_MIN_AGENCIES = 3   # a type median needs this many other agencies with a value


_key = periods.quarter_key


@dataclass
class AgencyHistory:
    values: dict[int, dict[str, tuple]] = field(default_factory=dict)       # quarter key → code → (value, text)
    renaksi: dict[int, list[tuple]] = field(default_factory=dict)          # quarter key → [(plan_id, realisation)]
    versions: dict[int, int] = field(default_factory=dict)                 # quarter key → versions received
    targets: dict[tuple[str, int], tuple] = field(default_factory=dict)  # (code, year) → (low, high) in force

    def latest_numbers(self, key: int) -> dict[str, float]:
        """Each indicator's latest value (not text) up to and including quarter `key`."""
        out: dict[str, float] = {}
        for k in sorted(q for q in self.values if q <= key):
            for code, (value, _) in self.values[k].items():
                if value is not None:
                    out[code] = value
        return out


class History:
    """The accepted history the checks read, for the agencies asked for; `con` is the writer's connection."""

    def __init__(self, con, registry: dict[str, AgencyInfo]):
        self.con = con
        self.registry = registry                                     # the agencies table, as the checks read it
        self.agency_types = {code: a.agency_type for code, a in registry.items()}
        self.agencies: dict[str, AgencyHistory] = {}
        self._type_latest: dict[tuple[str, int], TypeLatest] = {}
        self._deadlines: dict[tuple[int, int], object] = {}

    def deadline(self, year: int, quarter: int):
        if (year, quarter) not in self._deadlines:
            row = self.con.execute("SELECT deadline FROM reporting_calendar WHERE year = ? AND quarter = ?",
                                   [year, quarter]).fetchone()
            self._deadlines[(year, quarter)] = row[0] if row else None
        return self._deadlines[(year, quarter)]

    # ---------------------------------------------------------------- loading
    def load(self, codes) -> None:
        """Read the history of every agency in `codes` not read yet (one query per table)."""
        todo = sorted({c for c in codes if c and c not in self.agencies})
        if not todo:
            return
        for c in todo:
            self.agencies[c] = AgencyHistory()
        p = {"agencies": todo}
        for a, y, q, code, value, text in self.con.execute(VALUES, p).fetchall():
            self.agencies[a].values.setdefault(_key(y, q), {})[code] = (value, text)
        for a, y, q, pid, done in self.con.execute(RENAKSI, p).fetchall():
            self.agencies[a].renaksi.setdefault(_key(y, q), []).append((pid, done))
        for a, y, q, n in self.con.execute(VERSIONS, p).fetchall():
            self.agencies[a].versions[_key(y, q)] = n
        for a, code, y, low, high in self.con.execute(TARGETS, p).fetchall():
            self.agencies[a].targets[(code, y)] = (low, high)

    def _latest_of_type(self, agency_type: str, key: int) -> "TypeLatest":
        cache_key = (agency_type, key)
        if cache_key not in self._type_latest:
            latest: dict[str, dict[str, float]] = defaultdict(dict)
            for a, code, value in self.con.execute(TYPE_LATEST, {"agency_type": agency_type, "key": key}).fetchall():
                latest[a][code] = value
            self._type_latest[cache_key] = TypeLatest(latest)
        return self._type_latest[cache_key]

    # ---------------------------------------------------------------- the context
    def fill(self, ctx: CheckContext, agency: str, year: int, quarter: int) -> CheckContext:
        """Put the agency's history as of (year, quarter), and the quarter's deadline, into `ctx`."""
        self.load([agency])
        h = self.agencies[agency]
        key = _key(year, quarter)
        ctx.previous_values = {code: value for code, (value, _) in h.values.get(key - 1, {}).items()
                               if value is not None}
        latest: dict[str, object] = {}
        for k in sorted(q for q in h.values if q < key):
            for code, (value, text) in h.values[k].items():
                latest[code] = text if text is not None else value
        ctx.latest_values = latest
        ctx.type_medians = self._medians(agency, key)
        ctx.targets_in_force = {code: low for (code, y), (low, _) in h.targets.items() if y == year}
        ctx.bands_in_force = {code: band for (code, y), band in h.targets.items() if y == year}
        done: dict[str, float] = defaultdict(float)
        for k in range(_key(year, 1), key):
            for pid, real in h.renaksi.get(k, ()):
                done[pid] += real or 0
        ctx.previous_renaksi = {pid: float(total) for pid, total in done.items()}
        ctx.known_plans = {pid for rows in h.renaksi.values() for pid, _ in rows}
        ctx.existing_versions = h.versions.get(key, 0)
        ctx.deadline = self.deadline(year, quarter)
        return ctx

    def _medians(self, agency: str, key: int) -> dict[str, float]:
        agency_type = self.agency_types.get(agency)
        if agency_type is None:
            return {}
        return self._latest_of_type(agency_type, key).medians_without(agency)

    # ---------------------------------------------------------------- after a commit
    def stored(self, agency: str, year: int, quarter: int, values: list[dict], renaksi: list[dict],
               targets: list[dict]) -> None:
        """Record a committed submission: it is now the version in force of its quarter."""
        self.load([agency])
        h = self.agencies[agency]
        key = _key(year, quarter)
        h.values[key] = {v["indicator_code"]: (v["value"], v["value_text"]) for v in values
                         if v["value"] is not None or v["value_text"] is not None}
        h.renaksi[key] = [(r["plan_id"], r["realisation"]) for r in renaksi]
        h.versions[key] = h.versions.get(key, 0) + 1
        for t in targets:
            h.targets[(t["indicator_code"], t["year"])] = (t["target_low"], t["target_high"])
        agency_type = self.agency_types.get(agency)
        for (t, k), latest in self._type_latest.items():
            if t == agency_type and k >= key:
                latest.set(agency, h.latest_numbers(k))


class TypeLatest:
    """For one agency type and quarter: each agency's latest value per indicator, and per indicator all those
    values sorted, so the median without one agency costs a few index look-ups (the checks' type median:
    `median()` of the other agencies' values, when at least MEDIAN_MIN_AGENCIES have one)."""

    def __init__(self, by_agency: dict[str, dict[str, float]]):
        self.by_agency: dict[str, dict[str, float]] = {}
        self.sorted: dict[str, list[float]] = defaultdict(list)
        for agency, latest in by_agency.items():
            self.set(agency, latest)

    def set(self, agency: str, latest: dict[str, float]) -> None:
        for code, value in self.by_agency.get(agency, {}).items():
            values = self.sorted[code]
            del values[bisect_left(values, value)]
        for code, value in latest.items():
            insort(self.sorted[code], value)
        self.by_agency[agency] = dict(latest)

    def medians_without(self, agency: str) -> dict[str, float]:
        own = self.by_agency.get(agency, {})
        out = {}
        for code, values in self.sorted.items():
            skip = bisect_left(values, own[code]) if code in own else len(values)
            n = len(values) - (code in own)
            if n < MEDIAN_MIN_AGENCIES:
                continue

            def nth(j: int) -> float:   # the j-th smallest value once the agency's own is left out
                return values[j if j < skip else j + 1]
            out[code] = nth(n // 2) if n % 2 else (nth(n // 2 - 1) + nth(n // 2)) / 2
        return out
