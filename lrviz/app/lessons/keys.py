"""The clicker's keys on the lessons page: ``keys.js`` (beside this file), mounted as a components-v2 element.

The JS is handed over as text: it needs nothing beside it (the playground's chart serves files from
an asset directory because it loads plotly.js; this does not), so no manifest and no build step.
If the component cannot be declared, the page still has its Next / Previous buttons.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

NAME = "lesson_keys"
KEY = "ls_keys"

try:
    COMPONENT = st.components.v2.component(NAME, html="<span hidden></span>",
                                           js=(Path(__file__).with_name("keys.js")).read_text())
except Exception:  # an older Streamlit: the buttons still work
    COMPONENT = None


def mount(on_move: Callable[[str], None]) -> None:
    """Listen for the keys; ``on_move("next" | "previous")`` runs before the rerun a key press asks for."""
    if COMPONENT is None:
        return

    def moved() -> None:
        move = (st.session_state.get(KEY) or {}).get("move")
        if move in ("next", "previous"):
            on_move(move)

    COMPONENT(key=KEY, on_move_change=moved)
