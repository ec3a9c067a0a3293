"""The speed floor: one slider whose fragment redraws a 500-point Plotly line (STREAMLIT_NOTES.md)."""

import numpy as np
import plotly.graph_objects as go
import streamlit as st


@st.fragment
def chart() -> None:
    a = st.slider("frequency", 0.1, 10.0, 5.0, 0.1)
    x = np.linspace(0, 10, 500)
    st.plotly_chart(go.Figure(go.Scatter(x=x, y=np.sin(a * x))), key="line")


chart()
