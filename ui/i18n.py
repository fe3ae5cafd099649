"""UI language: Bahasa Indonesia first, English as a switch.

Strings live in `ui/strings.py` (STRINGS), `ui/strings_ops.py` (STRINGS_OPS) and `ui/strings_auth.py` (STRINGS_AUTH): key -> {"id": ..., "en": ...}.
`t(key, **params)` returns the text in the session's language; a missing key is a bug (tests check that
every key used has both languages).
"""

from __future__ import annotations

import functools

import streamlit as st

LANGS = ("id", "en")


@functools.cache
def _catalogue() -> dict:
    """Every string table merged once per process (the tables are constants)."""
    from ui.strings import STRINGS
    from ui.strings_auth import STRINGS_AUTH
    from ui.strings_ops import STRINGS_OPS
    return {**STRINGS, **STRINGS_OPS, **STRINGS_AUTH}


def lang() -> str:
    value = st.session_state.get("lang") or st.query_params.get("lang", "id")
    return value if value in LANGS else "id"


def t(key: str, **params) -> str:
    entry = _catalogue()[key]
    text = entry.get(lang()) or entry["id"]
    return text.format(**params) if params else text
