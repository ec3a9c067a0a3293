"""Placeholder while the page is being built (replaced in this session)."""

import streamlit as st

from lrviz.strings import t
from lrviz.ui import shell

lang = shell.page()
st.title(t("nav.lr_finder", lang))
