"""The floor of a setting change: a page as large as the playground (19 elements in the sidebar,
19 in the main area) that computes nothing, whose sidebar slider reruns the whole page and
redraws the same 500-point Plotly line as the minimal page (``bench/minimal_app.py``)."""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

side = st.sidebar
side.header("Setup")
side.selectbox("surface", ["quadratic", "ravine", "rosenbrock"], key="surface")
side.selectbox("optimizer", ["sgd", "momentum", "adam"], key="optimizer")
with side.expander("optimizer settings"):
    st.caption("momentum β, dampening")
    st.number_input("β", 0.0, 1.0, 0.9, key="beta")
side.selectbox("schedule", ["constant", "step", "cosine"], key="schedule")
a = side.slider("frequency", 0.1, 10.0, 5.0, 0.1)
with side.expander("more"):
    st.slider("noise", 0.0, 1.0, 0.0, 0.05, key="noise")
    st.toggle("clip", key="clip_on")
    st.number_input("clip", 0.01, 1e4, 1.0, key="clip")
    st.number_input("seed", 0, 2**31 - 1, 0, key="seed")
side.toggle("presentation", key="big")
with side.expander("start"):
    st.number_input("x0", value=1.0, key="x0")
    st.number_input("y0", value=1.0, key="y0")
    st.button("reset", key="reset")
    st.toggle("click", key="pick")

st.title("Playground")
st.caption("What this surface teaches.")
st.latex(r"f(x, y) = \tfrac12 (x^2 + 10 y^2)")
cols = st.columns(4)
for i, col in enumerate(cols):
    col.button(f"η × {i}", key=f"quick{i}")
st.number_input("exact η", value=0.01, format="%.4g", key="exact")
st.segmented_control("view", ["map", "3d"], key="view")
x = np.linspace(0, 10, 500)
st.plotly_chart(go.Figure(go.Scatter(x=x, y=np.sin(a * x))), key="line")
st.caption("legend")
st.caption("a note on the direction")
with st.expander("take home"):
    st.write("code")
with st.container(horizontal=True):
    st.button("copy link", key="copy")
    st.button("download", key="download")
