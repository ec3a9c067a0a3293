"""LR finder: how practitioners pick a rate on a real (small) network, and how far to trust it."""

import streamlit as st

from lrviz.app.finder import ui as fu
from lrviz.app.finder.state import DEFAULT
from lrviz.app.kit import shell
from lrviz.app.kit.strings import t

lang = shell.page()
first = fu.load()
if first is not None:
    shell.show_notes(first.notes, lang)

st.title(t("finder.title", lang))
st.caption(t("finder.intro", lang))
config, errors = fu.sidebar(lang)
for message in errors:
    st.error(message)
if errors:
    config = st.session_state.get(fu.LAST_VALID, DEFAULT)
st.session_state[fu.LAST_VALID] = config

view = fu.view_control(lang)
SECTIONS = {
    "range": fu.show_range,
    "check": fu.show_check,
    "search": fu.show_search,
    "general": fu.show_general,
}
SECTIONS[view](config, lang)
fu.write_url(config)
