"""UI strings for the analysis pages (national, theme, indicator, catalogue, final report) and the shell."""

STRINGS: dict[str, dict[str, str]] = {
    "app_title": {"id": "PantauRB — Pemantauan Reformasi Birokrasi", "en": "PantauRB — Bureaucratic Reform Monitor"},
    "language": {"id": "Bahasa", "en": "Language"},
}
