"""The "take the run home" panel: a run's whole script in PyTorch, Keras 3 and optax.

One call draws it for any page that shows a run: ``code.panel(surface, run_kwargs, lang, key)``,
where ``run_kwargs`` are exactly :func:`lrviz.engine.run`'s keyword arguments. The scripts come
from :func:`lrviz.export.script`, with comments in the page's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from lrviz import surfaces
from lrviz.export import SCRIPT_LIBRARIES, script
from lrviz.i18n import message, t

TABS = {"torch": "PyTorch", "keras": "Keras 3", "optax": "optax"}


def panel(surface: surfaces.Surface | str, run_kwargs: Mapping[str, Any], lang: str, key: str) -> None:
    """Tabs PyTorch / Keras 3 / optax, each with the run's script and a download button.

    ``key`` prefixes the download buttons' keys (one panel per key on a page).
    """
    st.caption(t("export.intro", lang))
    try:
        scripts = {library: script(library, surface, lang=lang, **run_kwargs) for library in SCRIPT_LIBRARIES}
    except ValueError as error:
        st.error(t("export.error", lang, detail=message(error, lang)))
        return
    tabs = st.tabs([TABS[name] for name in SCRIPT_LIBRARIES])
    for library, tab in zip(SCRIPT_LIBRARIES, tabs, strict=True):
        with tab:
            if library != "optax":
                st.caption(t(f"export.note_{library}", lang))
            st.code(scripts[library], language="python")
            st.download_button(t("export.download", lang), scripts[library], file_name=f"lrviz_{library}.py",
                               mime="text/x-python", key=f"{key}_{library}", icon=":material/download:")
