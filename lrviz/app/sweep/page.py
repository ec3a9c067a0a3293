"""Sweep: hundreds of learning rates at once; which is best, and where does it break?"""

from dataclasses import replace

import streamlit as st

from lrviz import i18n
from lrviz.app.kit import shell
from lrviz.app.playground import state as links
from lrviz.app.playground.verdict import number
from lrviz.app.sweep import compute as sweeps
from lrviz.app.sweep import sheet as sw_sheet
from lrviz.app.sweep import ui as sw
from lrviz.i18n import Lang, t
from lrviz.surfaces import ExpressionError


def show() -> None:
    """Draw the page for this run of the script."""
    lang = shell.page()
    sw.PAGE.open(lang)
    body(lang)


def body(lang: Lang) -> None:
    """The page under its link, also drawn by a lesson step (after ``sw.PAGE.host``)."""
    st.title(t("sweep.title", lang))
    if not sw.PAGE.hosted:  # in a lesson, the step's caption says what to look at
        st.caption(t("sweep.intro", lang))
    config, errors = sw.sidebar(lang)
    try:
        surface = links.surface_of(config.base)
    except ExpressionError as error:
        errors.append(t("errors.formula", lang, detail=error.message(lang)))
        surface = None
    if surface is not None:
        config = replace(config, base=replace(config.base, start=sw.start_input(surface, lang)))
    config, range_errors = sw.rate_controls(config, lang)
    config = replace(config, phase=st.session_state.get(f"{sw.K}phase") or "loss")
    errors += range_errors
    sw.PAGE.report(errors)
    if errors:
        config = sw.PAGE.last_valid(lang)

    try:
        with st.spinner(t("sweep.computing", lang, rates=config.rates, steps=config.base.steps,
                          optimizers=len(config.optimizers))):
            shown = sw.compute(config)
    except ValueError as error:
        st.error(t("sweep.engine_error", lang, detail=i18n.message(error, lang)))
        config = sw.PAGE.last_valid(lang)
        shown = sw.compute(config)
    sw.PAGE.remember(config)
    surface = links.surface_of(config.base)

    st.subheader(t("sweep.rates_heading", lang))
    sw.chart(shown.rates, "rates")
    st.caption(t("sweep.rates_caption", lang))
    floor = sweeps.loss_floor(shown.results, surface)
    st.dataframe(sw.summary_rows(shown.results, lang, floor), hide_index=True, width="stretch")
    st.caption(t("sweep.table_caption", lang))
    for hint in (sw.early_edge_notes(shown.results, lang) + sw.range_hints(shown.results, lang)
                 + sw.best_above_limit_notes(shown.results, config, surface, lang)):
        st.info(hint)
    best_lr = shown.results[0].best_lr
    if best_lr is not None:
        # The rate as the table and the chart write it (three digits), and the link opens that one.
        best = replace(config.base, lr=float(f"{best_lr:.3g}"))
        st.page_link("pages/playground.py", label=t("sweep.open_best", lang, lr=number(best.lr)),
                     icon=":material/play_circle:", query_params=links.to_query(best))

    st.subheader(t("sweep.phase_heading", lang))
    st.segmented_control(t("sweep.phase_show", lang), ("loss", "distance"), key=f"{sw.K}phase",
                         format_func=lambda v: t(f"sweep.phase_{v}", lang),
                         disabled=not surface.global_minima)
    sw.chart(shown.phase, "phase")
    st.caption(t("sweep.phase_caption", lang, which=sw_sheet.which_optimizer(len(config.optimizers), lang)))

    st.subheader(t("sweep.basins_heading", lang, lr=number(config.base.lr)))
    sw.chart(shown.basins, "basins")
    st.caption(sw_sheet.basins_text(sw.basin_shares(shown.basin_map), lang, len(config.optimizers)))
    sw.share_bar(config, shown, lang)
    sw.PAGE.publish(config)
