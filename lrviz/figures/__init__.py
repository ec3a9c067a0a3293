"""Plotly figure builders: pure functions ``build_x(data, *, lang, ...) -> go.Figure``.

No Streamlit here: builders are tested by their structure (trace types, frame
counts, payload size) and reused by every page. The look comes from the
templates registered in :mod:`lrviz.figures.theme`.
"""
