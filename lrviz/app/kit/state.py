"""The one way a page keeps its state: link -> widgets -> config -> URL.

Every page's ``state.py`` exports three names: a frozen ``Config``, ``parse(query) -> Config``
(never raises; a refused value falls back and leaves a note) and ``to_query(config) -> dict``.
A :class:`PageState` does the rest, the same way for every page:

1. :meth:`~PageState.open`: on a session's first run of the page, and whenever a link from
   another page opens it, the link is parsed, the config seeded into the widgets (each declared
   field into the widget keyed by its name, :mod:`lrviz.app.kit.link`; the page's ``seed`` does
   the rest) and every refused value of the link shown as a note; back through the navigation,
   what the page last published is seeded again. From then on the widgets are the truth.
2. :meth:`~PageState.settle`: the config the widgets describe is shown with its errors; with
   any error the last valid config stands in (in the language now chosen: a language switch
   is no input to undo), and a valid one becomes the new last valid.
3. :meth:`~PageState.publish`: the address bar is kept a link to what is on screen (and the
   config kept for coming back).

A lesson step draws a page inside the lessons page: :meth:`~PageState.host` seeds the step's config
instead of :meth:`~PageState.open`, and the page's own :meth:`~PageState.publish` then stays quiet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

import streamlit as st

from lrviz.app.kit import link
from lrviz.app.kit.shell import show_notes, take_entry
from lrviz.i18n import Lang

C = TypeVar("C")


def _in_language(config: Any, lang: Lang) -> Any:
    return replace(config, lang=lang)


@dataclass(frozen=True)
class PageState(Generic[C]):
    """A page's state machinery. ``prefix``: the page's session-state prefix (``"pg_"``);
    ``seed``: puts what the declared fields do not cover into the widgets (before they draw);
    ``relang``: the config in another language (for configs whose language sits deeper)."""

    prefix: str
    parse: Callable[[Mapping[str, str]], C]
    to_query: Callable[[C], dict[str, str]]
    default: C
    seed: Callable[[C], None] | None = None
    relang: Callable[[C, Lang], C] = _in_language

    def key(self, name: str) -> str:
        """The session-state key of the page's widget ``name``."""
        return f"{self.prefix}{name}"

    def params_key(self, kind: str, name: str) -> str:
        """The prefix of the widgets of one optimizer's (``kind="o"``) or schedule's (``"s"``)
        hyper-parameters: each keeps its own settings while the student switches between them."""
        return f"{self.prefix}{kind}_{name}_"

    def open(self, lang: Lang) -> C | None:
        """On a session's first run of the page, and whenever a link from another page opens it:
        the link's config, seeded into the widgets, its notes shown. Back through the navigation
        (a link that names nothing but the language), the widgets take the config the page was
        left with (what it last published: a lesson drawing it does not count): Streamlit dropped
        their states while another page ran. Other runs return None."""
        st.session_state.pop(self.key("hosted"), None)  # opened on its own: its link is the address bar's
        loaded = self.key("loaded")
        if not take_entry() and st.session_state.get(loaded):
            return None
        query = {k: st.query_params[k] for k in st.query_params}
        if st.session_state.get(loaded) and not set(query) - {"lang"}:
            left = st.session_state.get(self.key("shown"))
            self.fill(self.relang(left, lang) if left is not None else self.last_valid(lang))
            return None
        config = self.parse(query)
        self.fill(config)
        st.session_state[loaded] = True
        show_notes(config.notes, lang)
        return config

    def fill(self, config: C) -> None:
        """Write ``config`` into the page's widgets (before they are drawn)."""
        for name, value in link.widget_values(config).items():
            st.session_state[self.key(name)] = list(value) if isinstance(value, tuple) else value
        if self.seed is not None:
            self.seed(config)

    def host(self, config: C) -> None:
        """Let another page draw this one (a lesson step, :mod:`lrviz.app.lessons`): ``config`` is
        seeded into the widgets, and :meth:`publish` leaves the address bar to the host until the
        page is opened on its own again (:meth:`open`)."""
        self.fill(config)
        self.remember(config)
        st.session_state[self.key("hosted")] = True

    @property
    def hosted(self) -> bool:
        """Drawn by a lesson step: the page may leave out what the lesson's caption says instead."""
        return bool(st.session_state.get(self.key("hosted")))

    def last_valid(self, lang: Lang, fallback: C | None = None) -> C:
        """The last config that ran (``fallback``, else the default, before any), in ``lang``."""
        stored = st.session_state.get(self.key("last_valid"))
        return self.relang(stored if stored is not None else fallback or self.default, lang)

    def settle(self, config: C, errors: list[str], lang: Lang, *, fallback: C | None = None,
               usable: Callable[[C], bool] | None = None) -> C:
        """``errors`` shown; the config to draw: ``config`` when there are none, else the last valid
        one. ``usable(last)`` may refuse a stored config (then ``fallback`` stands in)."""
        self.report(errors)
        if errors:
            stored = st.session_state.get(self.key("last_valid"))
            if stored is not None and usable is not None and not usable(stored):
                stored = None
            config = self.relang(stored if stored is not None else fallback or self.default, lang)
        self.remember(config)
        return config

    @staticmethod
    def report(errors: list[str]) -> None:
        """Each error in a red box (a formula's ``*`` is not Markdown emphasis)."""
        for text in errors:
            st.error(text.replace("*", "\\*"))

    def remember(self, config: C) -> None:
        """Make ``config`` the last valid one."""
        st.session_state[self.key("last_valid")] = config

    def publish(self, config: C) -> None:
        """Keep the address bar a link to what is on screen (writing it does not rerun), and
        remember it for coming back (:meth:`open`)."""
        if not self.hosted:
            write_link(self.to_query(config))
            st.session_state[self.key("shown")] = config


def write_link(query: dict[str, str]) -> None:
    """Make the address bar's query ``query``, writing only when it differs (a write does not
    rerun, but each one is a message to the browser and a history entry)."""
    if {k: st.query_params.get(k) for k in st.query_params} != query:
        st.query_params.from_dict(query)
