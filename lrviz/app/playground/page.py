"""Playground: one learning rate on one surface, animated step by step."""

from dataclasses import replace

import streamlit as st

from lrviz import optimizers
from lrviz.app.kit import code, plot, shell
from lrviz.app.playground import chart
from lrviz.app.playground import state as links
from lrviz.app.playground import ui as pg
from lrviz.app.playground.figures import CLICK_GRID
from lrviz.engine import diagnostics
from lrviz.i18n import Lang, t


def show() -> None:
    """Draw the page for this run of the script."""
    lang = shell.page()
    pg.PAGE.open(lang)
    body(lang)


def body(lang: Lang) -> None:
    """The page under its link, also drawn by a lesson step (after ``pg.PAGE.host``)."""
    st.title(t("pg.title", lang))
    if pg.chart_live():
        chart.preload()
    pg.sidebar(lang)
    config, surface, _ = pg.settings(lang)
    pg.start_inputs(surface, lang)
    # In a lesson, the step's caption says what to look at; in presentation mode, the lecturer does
    # (at 1280×720 the surface's caption pushed the chart below the fold).
    if not pg.PAGE.hosted and not config.big:
        st.caption(surface.lesson(lang))
    st.latex(surface.latex)
    if not pg.PAGE.hosted:
        pg.rate_buttons(lang, narrow=pg.narrow())
    stage(lang)


@st.fragment(key=pg.STAGE)
def stage(lang: Lang) -> None:
    """The exact rate, the chart and everything that follows the rate on screen. The chart
    component moves the rate in the browser; its release, the exact box and the sidebar's controls
    that change only the run (``pg.sidebar`` says which) rerun only this; the quick-move buttons
    above it, and the controls that change the sidebar, rerun the page. It reads the controls
    itself (``pg.settings``), so a rerun of its own sees their new values."""
    # A click on the map set the start (the sidebar's boxes must show it), the chart could not draw
    # (the sidebar takes back its steps, noise and seed), or it found its window narrow or wide again
    # (the buttons above it follow): the whole page.
    flags = ("start_clicked", "sidebar_stale", "narrowed")
    if any([st.session_state.pop(f"{pg.K}{flag}", False) for flag in flags]):
        st.rerun()
    config, surface, errors = pg.settings(lang)
    pick_start = pg.picking_start(surface)
    start = config.start or surface.start
    curvature = diagnostics.curvature(surface, start)
    limit = None if errors else pg.limit_of(config, curvature, surface)
    several = len(surface.minima) > 1  # then say which minimum the critical rate belongs to
    live = pg.chart_live()
    lr = pg.lr_control(lang, limit, curvature, config.optimizer, several, slider=not live,
                       clipped=config.clip is not None, scheduled=config.schedule != "constant",
                       exact=not pg.PAGE.hosted, surface=surface)
    config = replace(config, lr=lr)
    config = replace(config, view=pg.view_control(surface, lang))
    config = pg.PAGE.settle(config, errors, lang)
    narrow = pg.narrow()

    if config.view == "3d" and surface.dim == 2:  # where the toggle is, not under the whole chart
        plot.chart(pg.surface_3d(config), key="pg_3d")
        st.caption(t("pg.view_3d_rate", lang, lr=f"{config.lr:g}"))
    if live:
        request = pg.chart_request()
        blob = chart.data(config, narrow=narrow, pick_start=pick_start, errors=bool(errors), request=request)
        chart.mount(blob, key=pg.CHART_KEY, on_rate=pg.on_chart_rate, on_frame=pg.on_chart_frame,
                    on_settings=pg.on_chart_settings, on_start=pg.on_chart_start,
                    on_narrow=pg.on_chart_narrow, on_failed=pg.on_chart_failed)
    else:
        why = st.session_state.get(f"{pg.K}chart_failed") or chart.WHY_NOT
        if why != "off":
            st.warning(t("pg.chart_fallback", lang, why=why))
        _, figure, verdict = pg.animation(config, pick_start, narrow=narrow)
        # Selection events only while picking a start: they cost the chart a listener layer.
        select = dict(on_select="rerun", selection_mode="points") if pick_start else {}
        event = plot.chart(figure, key="pg_chart_plain", **select)
        points = event.selection.points if pick_start and event else []
        data = figure.to_dict()["data"] if points else []
        clicked = [p for p in points if data[p.get("curve_number", 0)].get("name") == CLICK_GRID]
        if clicked and (clicked[0]["x"], clicked[0]["y"]) != tuple(start):
            pg.set_start((float(clicked[0]["x"]), float(clicked[0]["y"])))
            st.rerun()
    # In 2-D it also says where the map's click-to-start is (a toggle under the sidebar's start).
    st.caption(t(f"pg.legend_{surface.dim}d", lang, click=t("pg.start_click", lang),
                 section=t("pg.start", lang)))
    if optimizers.get(config.optimizer).averaged:  # two points per step: say which is which
        st.caption(t("pg.legend_schedule_free", lang))
        if config.schedule != "constant":
            st.caption(t("pg.schedule_free_schedule", lang))
    if note := pg.direction_note(config, lang):
        st.caption(note)
    if not live:  # the chart's own card says it otherwise, for every rate
        box = {"converged": st.success, "diverged": st.error, "slow": st.info}.get(verdict.status, st.warning)
        box(f"**{verdict.headline}** {verdict.detail}")
    code.section(lang, f"{pg.K}code", lambda: code.panel(  # the run on screen: settled, valid
        links.surface_of(config), links.run_kwargs(config), lang, key=f"{pg.K}code"))
    pg.share_bar(config, lang)
    pg.PAGE.publish(config)
