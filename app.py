"""lrviz: the entry point. It only routes: page set-up, language, navigation."""

import streamlit as st

from lrviz.strings import t
from lrviz.ui.lang import language_switch
from lrviz.ui.shell import routed

routed()
st.set_page_config(page_title="lrviz", page_icon="📉", layout="wide")
lang = language_switch()

# URL paths are a contract (DESIGN.md): links in lecture slides point at them.
PAGES = [
    st.Page("pages/home.py", title=t("nav.home", lang), icon=":material/home:", default=True),
    st.Page("pages/playground.py", title=t("nav.playground", lang), icon=":material/play_circle:",
            url_path="playground"),
]
st.navigation(PAGES).run()
