"""What every page needs before it draws: routing through ``app.py`` and the language.

Streamlit keeps a legacy mode for apps with a ``pages/`` folder next to the
main script: until some script calls ``st.navigation``, it runs the file of
``pages/`` named by the URL directly, skipping ``app.py`` (its page set-up,
language switch and URL paths). The first visitor of a freshly started server
who opens ``/playground`` would get that. :func:`routed` switches the process
to ``st.navigation`` routing (what calling ``st.navigation`` does anyway) and
reruns, so ``app.py`` routes from the first request on.

The switch is one flag for the whole process, so it cannot tell a page which of
its sessions skipped ``app.py``: when a class opens a link together on a fresh
server, several first sessions start in the legacy mode before the first of them
flips the flag. Each session therefore carries its own mark, set by ``app.py``;
a page that runs without it was run directly, and reruns (without the mark, a
``?lang=ko`` link drew its page in English, with no language switch).
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from lrviz.app.kit.lang import current
from lrviz.app.kit.markdown import literal
from lrviz.app.kit.query import Note
from lrviz.i18n import Lang, t

C = TypeVar("C")


_ROUTED = "_lrviz_routed"  # in a session's state once app.py has run for it


def routed() -> None:
    """Call first in ``app.py``: rerun through it if Streamlit ran this script in its legacy
    pages-folder mode, then mark the session as routed."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
    st.session_state[_ROUTED] = True


def _reroute() -> None:
    """Rerun through ``app.py`` a page that Streamlit ran directly: in the legacy mode, or in a
    session that never passed ``app.py`` (it started in that mode before another flipped it).
    (Streamlit's AppTest turns the legacy mode on again before each run of a session.) A page
    served on its own (``streamlit run pages/home.py``) has no ``app.py`` to go through: it draws."""
    skipped_app = PagesManager.uses_pages_directory or _ROUTED not in st.session_state
    ctx = get_script_run_ctx()
    if skipped_app and ctx is not None and Path(ctx.main_script_path).name == "app.py":
        PagesManager.uses_pages_directory = False
        st.rerun()


# Korean breaks lines between words, not inside them ("한 스텝 / 씩"); browsers break Hangul
# between any two syllables unless told to keep words whole. Long unbroken strings still wrap.
_KOREAN_CSS = ("<style>[data-testid='stAppViewContainer'] * { word-break: keep-all !important; "
               "overflow-wrap: anywhere; }</style>")  # !important: Streamlit sets break-word on headings


def page() -> Lang:
    """Call first in every page: makes sure ``app.py`` routed here; returns the language."""
    _reroute()
    _note_entry()
    lang = current()
    if lang == "ko":
        st.html(_KOREAN_CSS)
    return lang


_LAST_PAGE, _ENTERED = "_lrviz_last_page", "_lrviz_entered"


def _note_entry() -> None:
    """Remember which page this full run draws; entering it from another one (or none) raises a
    flag that stays up until the page takes it (:func:`take_entry`), so a run stopped before then
    by a click leaves it for the next."""
    ctx = get_script_run_ctx()
    here = ctx.page_script_hash if ctx is not None else None
    if st.session_state.get(_LAST_PAGE) != here:
        st.session_state[_ENTERED] = True
    st.session_state[_LAST_PAGE] = here


def take_entry() -> bool:
    """Whether the page was entered since it last asked: while another page ran, Streamlit dropped
    this page's widget states."""
    return bool(st.session_state.pop(_ENTERED, False))


def note_text(note: Note, lang: Lang) -> str:
    """What a link value that could not be used is told as (Markdown): what is shown instead, and
    what the key takes."""
    if note.fallback is None:
        text = t("url.note_own", lang, name=note.key, value=literal(note.value))
    else:
        text = t("url.note", lang, name=note.key, value=literal(note.value), fallback=note.shown(lang))
    if note.allowed:
        text += " " + t("url.allowed", lang, allowed=literal(note.takes(lang)))
    return text


def show_notes(notes: tuple[Note, ...] | list[Note], lang: Lang) -> None:
    """One warning per link value that could not be used, saying what is shown instead."""
    for note in notes:
        st.warning(note_text(note, lang))


def on_a_phone() -> bool:
    """Whether the browser says it is a phone ("Mobi" in its User-Agent, as phone browsers send):
    the server never learns the screen's width, and a phone's is too narrow for side-by-side charts."""
    return "Mobi" in (st.context.headers.get("User-Agent") or "")
