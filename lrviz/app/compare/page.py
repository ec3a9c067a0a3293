"""Compare: up to six runs (optimizer, hyper-parameters, rate, schedule) on one surface, in lock-step."""

from dataclasses import replace

import streamlit as st

from lrviz import optimizers, surfaces
from lrviz.app.compare import compute as comparison
from lrviz.app.compare import ui as cmp
from lrviz.app.compare.state import MAX_ROWS
from lrviz.app.kit import code, plot, shell
from lrviz.app.playground import verdict
from lrviz.engine.diagnostics import tolerance
from lrviz.i18n import Lang, t


def show() -> None:
    """Draw the page for this run of the script."""
    lang = shell.page()
    first = cmp.PAGE.open(lang)
    if first is not None and first.extra_rows:
        st.warning(t("compare.extra_rows", lang, count=first.extra_rows, max=MAX_ROWS))
    body(lang)


def body(lang: Lang) -> None:
    """The page under its link, also drawn by a lesson step (after ``cmp.PAGE.host``)."""
    st.title(t("compare.title", lang))
    if not cmp.PAGE.hosted:  # in a lesson, the step's caption says what to look at
        st.caption(t("compare.intro", lang))
    config, errors = cmp.sidebar(lang)
    cmp.PAGE.report(errors)  # a refused row keeps its last valid values, so the config is always valid
    surface = surfaces.SURFACES[config.surface]
    st.latex(surface.latex)
    config = replace(config, layout=cmp.layout_control(lang))
    if note := cmp.spread_note(config):
        st.info(note)

    with st.spinner(t("compare.computing", lang)):
        runs = cmp.runs(config.surface, config.rows, config.steps, config.start)
        phone = shell.on_a_phone()
        figure = cmp.chart(config, phone)
    # On a phone the chart's toolbar lay on the legend's title; a finger has no use for it there.
    plot.chart(figure, key="cmp_chart", config={"displayModeBar": not phone})
    if any(optimizers.get(row.optimizer).averaged for row in config.rows):  # two points per step
        st.caption(t("compare.schedule_free_dots", lang))

    st.subheader(t("compare.table", lang))
    table = comparison.results(config.rows, runs, surface, lang)
    cmp.results_table(table, lang)
    st.caption(t("compare.table_help", lang, tol=verdict.number(tolerance(surface))))
    st.download_button(t("compare.download", lang), comparison.to_csv(table), file_name="lrviz-compare.csv",
                       mime="text/csv", key="cmp_csv", icon=":material/download:")

    with st.expander(t("compare.details", lang)):
        cmp.verdicts(config.rows, runs, surface, lang)

    code.section(lang, f"{cmp.K}code", lambda: cmp.code_panel(config, lang))

    cmp.share_bar(config, figure, runs, lang)

    cmp.PAGE.publish(config)
