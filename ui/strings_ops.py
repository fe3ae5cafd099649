"""UI strings for the operational pages (agency, region, compliance, upload)."""

STRINGS_OPS: dict[str, dict[str, str]] = {}
