"""The catalogue in force: admins' versions in the database (who, when, why), else the shipped YAML.

An admin's change (the Katalog page's import, or `python -m loaders catalogue import FILE --apply --reason`)
never writes to the source tree. It stores the whole catalogue as a new version in `catalogue_versions`,
reloads the catalogue tables (indicators, national targets, series; agencies' own targets stay), and
writes the change to the audit trail. Templates, checks and ingestion then use that version.
"""

from __future__ import annotations

import json

import pandas as pd
import yaml

from indicators.catalogue import Catalogue, catalogue_to_dict, load_catalogue, loads_catalogue
from loaders import audit, reference
from loaders.audit import utc_now
from loaders.auth import Scope, authorize


def _has_table(con) -> bool:
    return con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'catalogue_versions'").fetchone()[0] > 0


def current(con=None) -> Catalogue:
    """The newest admin version in the database, else indicators/catalogue.yaml."""
    if con is not None and _has_table(con):
        row = con.execute("SELECT yaml_text, version FROM catalogue_versions ORDER BY version DESC LIMIT 1").fetchone()
        if row:
            return loads_catalogue(row[0], f"katalog versi {row[1]} (basis data)")
    return load_catalogue()


def versions(con) -> pd.DataFrame:
    return con.execute("SELECT version, saved_at, saved_by, reason, n_indicators, changes FROM catalogue_versions "
                       "ORDER BY version DESC").df()


def save(con, actor: Scope, new: Catalogue, reason: str) -> int:
    """Store `new` as the catalogue in force (admins only) and reload the catalogue tables. Returns the version."""
    from indicators import briefing
    authorize(con, actor, "catalogue", detail="catalogue change")
    if not (reason or "").strip():
        raise ValueError("Alasan perubahan katalog wajib diisi. / A reason for the catalogue change is required.")
    before = current(con)
    diff = briefing.catalogue_diff(catalogue_to_dict(before), catalogue_to_dict(new))
    changes = diff.to_dict("records")
    text = yaml.safe_dump(catalogue_to_dict(new), sort_keys=False, allow_unicode=True, width=110)
    loads_catalogue(text)   # never store a version that does not read back
    version = con.execute("SELECT coalesce(max(version), 0) + 1 FROM catalogue_versions").fetchone()[0]
    now = utc_now()
    con.execute("INSERT INTO catalogue_versions VALUES (?, ?, ?, ?, ?, ?, ?)",
                [version, now, actor.username, reason.strip(), len(new.indicators),
                 json.dumps(changes, ensure_ascii=False, default=str), text])
    counts = reference.load_catalogue_tables(con, new)
    from loaders import assessments
    counts.update(assessments.refresh(con))   # targets or rules may have changed: every verdict again
    audit.record(con, actor=actor.username, role=actor.role, action="catalogue_change", target=f"katalog v{version}",
                 before={"indicators": len(before.indicators)}, after={"indicators": len(new.indicators),
                                                                        "changes": changes, "tables": counts},
                 detail=reason.strip(), at=now)
    return version
