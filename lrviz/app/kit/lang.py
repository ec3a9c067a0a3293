"""The page language: from ``?lang=`` on first load, then from the sidebar switch."""

from __future__ import annotations

import contextlib

import streamlit as st
from streamlit.errors import StreamlitAPIException

from lrviz.app.kit.markdown import literal
from lrviz.i18n import DEFAULT_LANG, LANGS, Lang, parse_lang, t

_KEY = "lang"
_NAMES = {"en": "English", "ko": "한국어"}


def language_switch() -> Lang:
    """Draw the language switch in the sidebar and return the chosen language.

    The first run of a session takes ``?lang=`` from the URL; an unknown code
    falls back to English with a note. The choice is written back to the URL
    on every run, so a copied link opens in the same language.
    """
    note = None
    if _KEY not in st.session_state:
        raw = st.query_params.get(_KEY)
        lang = parse_lang(raw) if raw is not None else DEFAULT_LANG
        if lang is None:
            note = raw
            lang = DEFAULT_LANG
        st.session_state[_KEY] = lang
    lang = st.sidebar.segmented_control(
        t("app.language", st.session_state[_KEY]),
        LANGS,
        format_func=_NAMES.__getitem__,
        key=_KEY,
        on_change=_relabel,
    ) or DEFAULT_LANG
    if note is not None:
        st.sidebar.warning(t("url.bad_lang", lang, value=literal(str(note)[:40])))
    st.query_params[_KEY] = lang
    return lang


def _relabel() -> None:
    """Make every choice widget show its value in the new language.

    A select box keeps showing the label it had until its value is set again
    (streamlit#13788): setting each choice to itself sends the value, relabelled.
    """
    for key, value in list(st.session_state.items()):
        strings = value if isinstance(value, list) else [value]
        is_choice = bool(strings) and all(isinstance(v, str) for v in strings)
        if key != _KEY and is_choice:
            with contextlib.suppress(StreamlitAPIException):  # a widget whose value cannot be set
                st.session_state[key] = value


def current() -> Lang:
    """The language chosen by :func:`language_switch` in this run."""
    lang = st.session_state.get(_KEY, DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG
