"""Schedules: every schedule of the lessons, seen, explained, and taken home as code."""

from dataclasses import replace

import streamlit as st

from lrviz import optimizers, schedules
from lrviz.app.kit import plot, share, shell
from lrviz.app.schedules import state as schedule_links
from lrviz.app.schedules import ui as sc
from lrviz.app.schedules.guide import GUIDE
from lrviz.i18n import Lang, t


def show() -> None:
    """Draw the page for this run of the script."""
    lang = shell.page()
    sc.PAGE.open(lang)
    body(lang)


def body(lang: Lang) -> None:
    """The page under its link, also drawn by a lesson step (after ``sc.PAGE.host``)."""
    st.title(t("sched.title", lang))
    if not sc.PAGE.hosted:  # in a lesson, the step's caption says what to look at
        st.caption(t("sched.intro", lang))

    key = sc.open_key()
    config, errors = sc.sidebar(lang, key)
    # With an error: the last valid state of this card (or its preset), at the size asked for now.
    preset, big = schedule_links.preset(key, lang, config.overlay), config.big
    config = sc.PAGE.settle(config, errors, lang, fallback=preset, usable=lambda last: last.open == key)
    config = replace(config, big=big)
    entry = config.entry

    if not sc.PAGE.hosted:  # a lesson step is about one schedule against the constant rate
        st.subheader(t("sched.gallery", lang))
        st.caption(t("sched.gallery_help", lang))
        plot.chart(sc.gallery(replace(config, overlay=()), shell.on_a_phone()), key="sc_gallery",
                   config={"displayModeBar": False})
    sc.gallery_picker(lang)

    curve, comparison, outcome, cuts, code = sc.open_card(config)
    st.header(entry.title(lang))
    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**{t('sched.curve', lang)}**")
        plot.chart(curve, key="sc_curve")
    with right:
        st.markdown(f"**{t('sched.when', lang)}**")
        st.markdown(GUIDE[entry.schedule].when(lang))
        st.caption(schedules.SCHEDULES[entry.schedule].summary(lang))
    st.markdown(f"**{t('sched.formula', lang)}**")
    st.latex(GUIDE[entry.schedule].display(lang))

    st.subheader(t("sched.demo", lang))
    st.caption(t("sched.demo_intro", lang, name=entry.title(lang), lr=f"{config.lr:g}"))
    if note := sc.replaced_note(config, lang):
        st.info(note)
    if replace(config, big=False) == schedule_links.preset(key, lang, config.overlay):
        st.info(t(f"sched.claim_{entry.demo.claim}", lang))
    st.markdown(outcome)
    if cuts is not None:
        st.markdown(t("sched.cuts", lang, steps=", ".join(str(int(c)) for c in cuts)) if len(cuts)
                    else t("sched.no_cuts", lang, steps=config.steps))
    plot.chart(comparison, key="sc_comparison")

    st.subheader(t("sched.code", lang))
    st.caption(t("sched.code_intro", lang, optimizer=optimizers.OPTIMIZERS[config.optimizer].title(lang)))
    for tab, library in zip(st.tabs([t(f"sched.lib_{lib}", lang) for lib in code]), code, strict=True):
        tab.code(code[library], language="python")

    st.subheader(t("sched.overlay", lang))
    overlay = sc.overlay_picker(lang)
    if overlay:
        plot.chart(sc.overlay(overlay, config.lr, config.steps, lang, config.big), key="sc_overlay_chart")
    else:
        st.info(t("sched.overlay_empty", lang))

    st.subheader(t("sched.guide_title", lang))
    st.markdown(t("sched.guide", lang))

    config = replace(config, overlay=overlay)
    share.bar(share.link("schedules", schedule_links.to_query(config)), lang, "schedules")
    sc.PAGE.publish(config)
