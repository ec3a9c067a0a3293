"""How every page draws a figure: ``st.plotly_chart`` with lrviz's settings, and on a phone a chart
that leaves a finger's swipe to the page.

On a phone a chart is nearly the screen's width (358 of 390 px): a swipe that plotly.js takes for a
zoom, a pan or a turn of a 3-D scene leaves the student no way to scroll past it.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from lrviz.app.kit import shell, theme

# plotly.js's 3-D camera cancels every touchmove over a scene (it calls preventDefault), whatever the
# scene's drag mode, so the page never scrolls; the scene's touches must pass through to the page.
_SCENE_LETS_GO = "<style>.st-key-{key} .gl-container {{ pointer-events: none; }}</style>"


def chart(figure: go.Figure, *, key: str, config: dict | None = None, **kwargs: Any):
    """Draw ``figure`` under ``key`` (plotly.js ``config`` on top of lrviz's; other keyword arguments
    go to ``st.plotly_chart``) and return what ``st.plotly_chart`` returns. On a phone
    (:func:`~lrviz.app.kit.shell.on_a_phone`): :func:`~lrviz.app.kit.theme.narrowed` and
    :func:`~lrviz.app.kit.theme.touch`; a 3-D scene is then a picture (no turn, no hover), which
    the page scrolls over."""
    phone = shell.on_a_phone()
    if phone:
        figure = theme.narrowed(figure)
        if theme.has_scene(figure):
            st.html(_SCENE_LETS_GO.format(key=key))
    config = {"displaylogo": False, **(config or {}), **theme.touch(phone)}
    return st.plotly_chart(figure, theme=None, key=key, config=config, **kwargs)
