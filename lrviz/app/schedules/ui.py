"""The Schedules page's controls, their link with the URL, and its cached results.

As on the playground: on a session's first run the URL is parsed into a
:class:`~lrviz.app.schedules.state.Config` and seeded into the widgets;
afterwards the widgets are the truth and every run writes the config back.
Choosing a gallery card loads that card's preset (parameters, rate, horizon,
demo) into the widgets.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import streamlit as st

from lrviz import engine, optimizers, schedules, surfaces
from lrviz.app.kit.query import Note, format_value
from lrviz.app.kit.rates import LR_GRID, nearest_rate
from lrviz.app.kit.state import PageState
from lrviz.app.kit.widgets import (
    checked,
    params_form,
    presentation,
    seed_params,
    surface_label,
)
from lrviz.app.playground import verdict
from lrviz.app.schedules import figures
from lrviz.app.schedules import state as schedule_links
from lrviz.app.schedules.guide import ENTRIES, GALLERY, entry_for
from lrviz.app.schedules.rates import card_rates, rates
from lrviz.app.schedules.state import Config
from lrviz.export.schedule import Setup, export
from lrviz.i18n import message, t

VARIANT_PARAMS = ("mode", "anneal_strategy")


def _seed(config: Config) -> None:
    """The open card and the hyper-parameters, on top of their defaults (the declared fields seed their
    own widgets; the rate sits on the slider's grid)."""
    state = st.session_state
    state[f"{K}open"] = state[f"{K}last_open"] = config.open
    state[f"{K}lr"] = nearest_rate(config.lr)
    spec = schedules.SCHEDULES[config.schedule]
    seed_params(spec, PAGE.params_key("s", config.schedule), {**spec.defaults(), **config.schedule_params()})
    opt_spec = optimizers.OPTIMIZERS[config.optimizer]
    seed_params(opt_spec, PAGE.params_key("o", config.optimizer),
                {**opt_spec.defaults(), **dict(config.optimizer_params)})


def _parse(query) -> Config:
    """The link's config, with its rate moved onto the slider's grid (and a note saying where)."""
    config = schedule_links.parse(query)
    if config.lr not in LR_GRID:  # the rate control is a slider over LR_GRID: say where it moved
        shown = nearest_rate(config.lr)
        note = Note("lr", format_value(config.lr), format_value(shown))
        config = replace(config, lr=shown, notes=(*config.notes, note))
    return config


PAGE = PageState("sc_", _parse, schedule_links.to_query, schedule_links.DEFAULT, seed=_seed)
K = PAGE.prefix  # session-state prefix of this page's widgets


def _on_open() -> None:
    """A card was picked: load its preset. Clicking the open card again keeps it as it is."""
    state = st.session_state
    key = state.get(f"{K}open")
    if key is None:
        state[f"{K}open"] = state[f"{K}last_open"]
        return
    preset = schedule_links.preset(key, overlay=tuple(state.get(f"{K}overlay", ())))
    # The demo a card opens with replaces a surface and optimizer the student chose (not the last
    # card's own): the page says so once (a walkthrough: Rosenbrock and Adam became OneCycle's
    # demo without a word).
    had = (state.get(f"{K}surface"), state.get(f"{K}optimizer"))
    last = ENTRIES[state[f"{K}last_open"]].demo
    state[f"{K}replaced"] = had not in ((last.surface, last.optimizer), (preset.surface, preset.optimizer))
    PAGE.fill(preset)


def replaced_note(config: Config, lang: str) -> str | None:
    """Once, after a card's preset replaced the surface or optimizer chosen: which demo it loaded."""
    if not st.session_state.pop(f"{K}replaced", False):
        return None
    return t("sched.preset_loaded", lang, surface=surface_label(config.surface, lang),
             optimizer=optimizers.OPTIMIZERS[config.optimizer].title(lang), lr=f"{config.lr:g}",
             steps=config.steps)


def _on_reset() -> None:
    state = st.session_state
    PAGE.fill(schedule_links.preset(state[f"{K}last_open"], overlay=tuple(state.get(f"{K}overlay", ()))))


def open_key() -> str:
    """The open card, kept in step with the variant widgets (cyclic's mode, one-cycle's anneal)."""
    state = st.session_state
    schedule = ENTRIES[state[f"{K}last_open"]].schedule
    spec = schedules.SCHEDULES[schedule]
    values = {p.name: state.get(PAGE.params_key("s", schedule) + p.name, p.default) for p in spec.params
              if p.name in VARIANT_PARAMS}
    state[f"{K}open"] = state[f"{K}last_open"] = entry_for(schedule, values).key
    return state[f"{K}last_open"]


def gallery_picker(lang: str) -> None:
    """The pills under the gallery (call after :func:`open_key` in the same run)."""
    st.pills(t("sched.open", lang), [e.key for e in GALLERY], key=f"{K}open", on_change=_on_open,
             format_func=lambda k: ENTRIES[k].title(lang))


def sidebar(lang: str, key: str) -> tuple[Config, list[str]]:
    """Every control of the open card; returns the config they describe and any error messages."""
    side, errors = st.sidebar, []
    entry = ENTRIES[key]
    side.header(t("sched.setup", lang))
    lr = side.select_slider(t("sched.lr", lang), options=LR_GRID, key=f"{K}lr",
                            format_func=lambda v: f"{v:g}", help=t("sched.lr_help", lang))
    steps = side.slider(t("sched.steps", lang), schedule_links.MIN_STEPS, schedule_links.MAX_STEPS,
                        key=f"{K}steps", help=t("sched.steps_help", lang))
    spec = schedules.SCHEDULES[entry.schedule]
    with side.expander(t("sched.params", lang, name=spec.title(lang)), expanded=True):
        raw = params_form(spec, PAGE.params_key("s", entry.schedule), lang)
        st.button(t("sched.reset", lang), key=f"{K}reset", on_click=_on_reset,
                  help=t("sched.reset_help", lang))
    side.subheader(t("sched.demo_setup", lang))
    surface = side.selectbox(t("sched.surface", lang), list(surfaces.SURFACES), key=f"{K}surface",
                             format_func=lambda n: surface_label(n, lang))
    optimizer = side.selectbox(t("sched.optimizer", lang), list(optimizers.OPTIMIZERS), key=f"{K}optimizer",
                               format_func=lambda n: optimizers.OPTIMIZERS[n].title(lang))
    opt_spec = optimizers.OPTIMIZERS[optimizer]
    with side.expander(t("sched.optimizer_settings", lang)):
        opt_raw = params_form(opt_spec, PAGE.params_key("o", optimizer), lang)
    big = presentation(lang, f"{K}big", side)

    config = Config(open=key, lr=float(lr), steps=int(steps), surface=surface, optimizer=optimizer,
                             overlay=tuple(st.session_state.get(f"{K}overlay", ())), big=big, lang=lang)
    try:
        resolved = spec.resolve({**dict(entry.params), **raw}, config.lr)
        config = replace(config, params=schedule_links.changes(spec.defaults(), dict(entry.params), resolved))
    except ValueError as error:
        errors.append(t("errors.params", lang, name=spec.title(lang), detail=message(error, lang)))
    opt_given = checked(opt_spec, opt_raw, config.lr, lang, errors)
    if opt_given is not None:
        config = replace(config, optimizer_params=opt_given)
    return config, errors


def overlay_picker(lang: str) -> tuple[str, ...]:
    st.multiselect(t("sched.overlay_pick", lang), [e.key for e in GALLERY], key=f"{K}overlay",
                   format_func=lambda k: ENTRIES[k].title(lang), help=t("sched.overlay_help", lang),
                   max_selections=schedule_links.MAX_OVERLAY)
    return tuple(st.session_state[f"{K}overlay"])


# --- cached results: each a pure function of small hashable arguments -----------------------------


@st.cache_resource(max_entries=16, show_spinner=False)
def gallery(config: Config, narrow: bool = False):
    """The small multiples at the page's rate and horizon; the open card with its current parameters.
    ``narrow``: two columns, for a phone."""
    def lrs(entry):
        if entry.key == config.open and not schedules.SCHEDULES[entry.schedule].needs_loss:
            return rates(entry.schedule, config.lr, config.steps, config.schedule_params())
        return card_rates(entry, config.lr, config.steps)

    curves = [figures.Curve(e.title(config.lang, short=True), lrs(e)) for e in GALLERY]
    index = [e.key for e in GALLERY].index(config.open)
    return figures.build_gallery(curves, lang=config.lang, big=config.big, selected=index,
                                 columns=figures.PHONE_GALLERY_COLUMNS if narrow else None)


@st.cache_resource(max_entries=16, show_spinner=False)
def overlay(keys: tuple[str, ...], lr: float, steps: int, lang: str, big: bool = False):
    curves = [figures.Curve(ENTRIES[k].title(lang), card_rates(ENTRIES[k], lr, steps)) for k in keys]
    return figures.build_overlay(curves, lang=lang, big=big)


def _runs(config: Config):
    params = schedules.SCHEDULES[config.schedule].resolve(config.schedule_params(), config.lr)
    common = dict(lr=config.lr, steps=config.steps, optimizer_params=dict(config.optimizer_params))
    scheduled = engine.run(config.surface, config.optimizer, schedule=config.schedule, schedule_params=params,
                           **common)
    constant = engine.run(config.surface, config.optimizer, **common)
    return params, scheduled, constant


def _said(run: engine.Trajectory, surface: surfaces.Surface, lang: str) -> str:
    """What happened to ``run``, with its last loss as the chart beside it plots it (above the
    lowest loss): a loss of −0.214 read beside a curve that ends at 0.816 was two numbers for one."""
    outcome = verdict.outcome(run, lang)
    if run.status == "diverged":
        return t("sched.run_diverged", lang, outcome=outcome)
    loss = float(run.losses[-1])
    if not np.isfinite(surface.f_min):  # no lowest loss to measure from: the chart plots the loss
        return t("sched.run_loss", lang, outcome=outcome, value=verdict.number(loss))
    above = loss - float(surface.f_min)  # not landscape.gap: its floor for a log axis is no number to read
    if above <= 0:
        return t("sched.run_lowest", lang, outcome=outcome)
    return t("sched.run_gap", lang, outcome=outcome, value=verdict.number(above))


@st.cache_resource(max_entries=32, show_spinner=False)
def open_card(config: Config):
    """(curve figure, comparison figure, outcome sentence, cut steps or None, code per library)."""
    lang = config.lang
    params, scheduled, constant = _runs(config)
    spec = schedules.SCHEDULES[config.schedule]
    title = config.entry.title(lang)
    if spec.needs_loss:  # the rates the run really used; the cuts it made
        curve = figures.Curve(title, scheduled.lrs, figures.cuts_of(scheduled.lrs))
    else:
        curve = figures.Curve(title, rates(config.schedule, config.lr, config.steps, params))
    comparison = figures.build_comparison(scheduled, constant, surfaces.SURFACES[config.surface], lang=lang,
                                          schedule_title=title, show_cuts=spec.needs_loss, big=config.big)
    surface = surfaces.SURFACES[config.surface]
    outcome = t("sched.outcome", lang, with_run=_said(scheduled, surface, lang),
                without_run=_said(constant, surface, lang))
    if config.schedule != "constant" and scheduled.diverged_at is not None \
            and scheduled.diverged_at == constant.diverged_at \
            and np.array_equal(scheduled.lrs, constant.lrs):  # one line on the charts: say why
        outcome += " " + t("sched.same_run", lang, step=scheduled.diverged_at)
    cuts = curve.cuts if spec.needs_loss else None
    opt_params = optimizers.OPTIMIZERS[config.optimizer].resolve(dict(config.optimizer_params), config.lr)
    code = export(Setup(config.schedule, params, config.lr, config.optimizer, opt_params, config.steps, lang))
    return figures.build_curve(curve, lang=lang, big=config.big), comparison, outcome, cuts, code
