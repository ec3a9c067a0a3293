"""LR finder: how practitioners pick a rate on a real (small) network, and how far to trust it."""

import streamlit as st

from lrviz.app.finder import ui as fu
from lrviz.app.kit import share, shell
from lrviz.i18n import Lang, t

SECTIONS = {  # the view a student picks, and what draws it
    "range": fu.show_range,
    "check": fu.show_check,
    "search": fu.show_search,
    "general": fu.show_general,
}


def show() -> None:
    """Draw the page for this run of the script."""
    lang = shell.page()
    fu.PAGE.open(lang)
    body(lang)


def body(lang: Lang) -> None:
    """The page under its link, also drawn by a lesson step (after ``fu.PAGE.host``)."""
    st.title(t("finder.title", lang))
    if not fu.PAGE.hosted:  # in a lesson, the step's caption says what to look at
        st.caption(t("finder.intro", lang))
    config, errors = fu.sidebar(lang)
    config = fu.PAGE.settle(config, errors, lang)

    SECTIONS[fu.view_control(lang)](config, lang)
    share.bar(share.link("lr-finder", fu.PAGE.to_query(config)), lang, "lr-finder")
    fu.PAGE.publish(config)
