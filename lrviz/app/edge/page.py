"""Past the bowl: what the learning rate does to a real network's curvature (edge of stability,
Adam's edge, catapults, warm-up)."""

import streamlit as st

from lrviz.app.edge import ui as eu
from lrviz.app.kit import share, shell
from lrviz.i18n import Lang, t


def show() -> None:
    """Draw the page for this run of the script."""
    lang = shell.page()
    eu.PAGE.open(lang)
    body(lang)


def body(lang: Lang) -> None:
    """The page under its link, also drawn by a lesson step (after ``eu.PAGE.host``)."""
    st.title(t("edge.title", lang))
    if not eu.PAGE.hosted:  # in a lesson, the step's caption says what to look at
        st.markdown(t("edge.intro", lang))
    config, errors = eu.sidebar(lang)
    config = eu.PAGE.settle(config, errors, lang)

    view = eu.view_control(lang)
    eu.SECTIONS[view](config, lang)
    eu.sources(view, lang)
    share.bar(share.link("edge", eu.PAGE.to_query(config)), lang, "edge")
    eu.PAGE.publish(config)
