"""LR finder: how practitioners pick a rate on a real (small) network, and how far to trust it."""

import streamlit as st

from lrviz.app.finder import ui as fu
from lrviz.app.kit import shell
from lrviz.app.kit.strings import t

lang = shell.page()
fu.PAGE.open(lang)

st.title(t("finder.title", lang))
st.caption(t("finder.intro", lang))
config, errors = fu.sidebar(lang)
config = fu.PAGE.settle(config, errors, lang)

view = fu.view_control(lang)
SECTIONS = {
    "range": fu.show_range,
    "check": fu.show_check,
    "search": fu.show_search,
    "general": fu.show_general,
}
SECTIONS[view](config, lang)
fu.PAGE.publish(config)
