"""The "take the run home" panel: a run's whole script in PyTorch, Keras 3 and optax.

One call draws it for any page that shows a run: ``code.panel(surface, run_kwargs, lang, key)``,
where ``run_kwargs`` are exactly :func:`lrviz.engine.run`'s keyword arguments. The scripts come
from :func:`lrviz.export.script`, with comments in the page's language.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from lrviz import surfaces
from lrviz.export import SCRIPT_LIBRARIES, script
from lrviz.i18n import message, t

TABS = {"torch": "PyTorch", "keras": "Keras 3", "optax": "optax"}
# The last scripts written, shared by every session: a rate release or a page switch redraws the
# panel with the same run (writing its three scripts was a quarter of a release's server time).
_WRITTEN: OrderedDict[tuple, dict[str, str]] = OrderedDict()
_KEEP = 64
_LOCK = threading.Lock()


def scripts(surface: surfaces.Surface | str, run_kwargs: Mapping[str, Any], lang: str) -> dict[str, str]:
    """The run's script in each library (:func:`lrviz.export.script`), remembered for the last
    :data:`_KEEP` runs. Raises ValueError as ``script`` does."""
    key = (surface, json.dumps(run_kwargs, sort_keys=True, default=repr), lang)
    with _LOCK:
        if key in _WRITTEN:
            _WRITTEN.move_to_end(key)
            return _WRITTEN[key]
    written = {library: script(library, surface, lang=lang, **run_kwargs) for library in SCRIPT_LIBRARIES}
    with _LOCK:
        _WRITTEN[key] = written
        while len(_WRITTEN) > _KEEP:
            _WRITTEN.popitem(last=False)
    return written


def section(lang: str, key: str, draw: Callable[[], None]) -> None:
    """The panel's expander, titled "Take this run home"; ``draw`` fills it only while it is open.

    A closed expander costs a rerun nothing: a rate release on the playground no longer redraws
    three scripts' tabs, code blocks and download buttons that nobody is looking at (half of the
    release's elements). Opening it reruns the page (or the fragment holding it) once.
    """
    box = st.expander(t("export.title", lang), icon=":material/code:", key=f"{key}_open", on_change="rerun")
    if box.open:
        with box:
            draw()


def panel(surface: surfaces.Surface | str, run_kwargs: Mapping[str, Any], lang: str, key: str) -> None:
    """Tabs PyTorch / Keras 3 / optax, each with the run's script and a download button.

    ``key`` prefixes the download buttons' keys (one panel per key on a page).
    """
    st.caption(t("export.intro", lang))
    try:
        written = scripts(surface, run_kwargs, lang)
    except ValueError as error:
        st.error(t("export.error", lang, detail=message(error, lang)))
        return
    tabs = st.tabs([TABS[name] for name in SCRIPT_LIBRARIES])
    for library, tab in zip(SCRIPT_LIBRARIES, tabs, strict=True):
        with tab:
            if library != "optax":
                st.caption(t(f"export.note_{library}", lang))
            st.code(written[library], language="python")
            st.download_button(t("export.download", lang), written[library], file_name=f"lrviz_{library}.py",
                               mime="text/x-python", key=f"{key}_{library}", icon=":material/download:")
