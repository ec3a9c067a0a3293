"""The Streamlit app: the only package of lrviz that imports streamlit.

:mod:`lrviz.app.kit` is what every page shares (its state machinery, widgets, language,
theme); each page has one sub-package with its state, figures and UI. The arrows point one
way: ``pages/`` -> ``lrviz.app`` -> the library (docs/ARCHITECTURE.md).
"""
