"""The playground's controls and their two-way link with the URL.

On the first run of a session the URL's query string is parsed into a
:class:`~lrviz.app.playground.state.Config` and its values seeded into the widgets;
from then on the widgets are the truth, and every run writes the config back
to the URL, so the address bar always holds a link to what is on screen.
"""

from __future__ import annotations

import functools
from dataclasses import replace

import streamlit as st

from lrviz import engine, optimizers, schedules, surfaces
from lrviz.app.kit import link, share, shell
from lrviz.app.kit import sheet as sheets
from lrviz.app.kit.query import START, format_value, number, whole
from lrviz.app.kit.rates import LR_GRID, LR_RANGE, nearest_rate
from lrviz.app.kit.state import PageState
from lrviz.app.kit.widgets import (
    checked,
    given_params,
    number_box,
    params_form,
    picked_surface,
    presentation,
    refusal_on_screen,
    schedule_picker,
    seed_params,
    start_boxes,
    surface_picker,
)
from lrviz.app.playground import chart, figures, verdict
from lrviz.app.playground import sheet as pg_sheet
from lrviz.app.playground import state as links
from lrviz.app.playground.chart.payload import slider_index
from lrviz.app.playground.state import Config
from lrviz.engine import diagnostics
from lrviz.i18n import t
from lrviz.surfaces import ExpressionError, Surface


def _seed(config: Config) -> None:
    """What the declared fields do not cover: the formula box, clipping, the rate, the start and
    the hyper-parameters."""
    state = st.session_state
    state[f"{K}formula"] = config.formula or "x^4 - 3*x^2 + x"
    state[f"{K}dim"] = config.dim
    state[f"{K}clip_on"] = config.clip is not None
    state[f"{K}clip"] = config.clip if config.clip is not None else 1.0
    state[f"{K}frame"] = config.frame
    _set_lr(config.lr)
    _seed_start(config)
    seed_params(optimizers.OPTIMIZERS[config.optimizer], PAGE.params_key("o", config.optimizer),
                dict(config.optimizer_params))
    seed_params(schedules.SCHEDULES[config.schedule], PAGE.params_key("s", config.schedule),
                dict(config.schedule_params))


PAGE = PageState("pg_", links.parse, links.to_query, links.DEFAULT, seed=_seed)
K = PAGE.prefix  # session-state prefix of this page's widgets
CHART_KEY = f"{K}chart"


def _seed_start(config: Config) -> None:
    """A start from the link; without one, :func:`start_inputs` takes the surface's own."""
    if config.start is None:
        _reset_start()
    else:
        set_start((config.start[0], config.start[1] if len(config.start) > 1 else 0.0))


def _set_lr(lr: float) -> None:
    """A rate set on the server (a link, a button, the exact box): the chart's slider follows it."""
    st.session_state[f"{K}lr"] = float(lr)
    st.session_state[f"{K}lr_slider"] = nearest_rate(lr)
    st.session_state[f"{K}lr_exact"] = float(lr)
    _ask_chart(lr)


def _ask_chart(lr: float) -> None:
    """Tell the chart which stop to show: a request with a new nonce, applied once in the browser
    (a rate released in the chart itself moves no nonce, so its payload is not sent again)."""
    old = st.session_state.get(f"{K}chart_request") or {"nonce": 0}
    st.session_state[f"{K}chart_request"] = dict(index=slider_index(lr), frame=st.session_state.get(
        f"{K}frame", 0), nonce=old["nonce"] + 1)


def chart_request() -> dict:
    """What the server asks of the chart (the rate's stop and the step, a nonce), and the number of
    the chart's last release of settings or start it has taken (the chart waits for it)."""
    asked = st.session_state.get(f"{K}chart_request") or dict(index=slider_index(0.1), frame=0, nonce=0)
    return dict(asked, release=st.session_state.get(f"{K}chart_release", 0))


def _take_release(sent: dict) -> None:
    """The number the chart gave a release: the next data tells it the release was taken."""
    if isinstance(sent.get("release"), int) and not isinstance(sent["release"], bool):
        st.session_state[f"{K}chart_release"] = sent["release"]


# --- what the chart sends back ---------------------------------------------------------------------


def on_chart_rate() -> None:
    """The rate released on the chart's slider: the page, the box and the link follow (no request)."""
    index = st.session_state[CHART_KEY].get("rate_index")
    if index is not None and 0 <= int(index) < len(LR_GRID):
        lr = LR_GRID[int(index)]
        st.session_state[f"{K}lr"] = lr
        st.session_state[f"{K}lr_slider"] = lr
        st.session_state[f"{K}lr_exact"] = lr


def on_chart_frame() -> None:
    frame = st.session_state[CHART_KEY].get("frame")
    if frame is not None:
        st.session_state[f"{K}frame"] = max(0, int(frame))


def on_chart_narrow() -> None:
    """The chart found its window too narrow for the map beside the step charts, or wide again (the
    whole page reruns: the quick-rate buttons above the chart take two rows, as on a phone)."""
    st.session_state[f"{K}narrow"] = st.session_state[CHART_KEY].get("narrow") is True
    st.session_state[f"{K}narrowed"] = True


def narrow() -> bool:
    """The one-column chart: for a phone (its user agent says so before anything is drawn), or a
    window the chart found too narrow (a desktop browser at half a screen)."""
    return shell.on_a_phone() or st.session_state.get(f"{K}narrow", False)


def on_chart_settings() -> None:
    """Steps, noise or seed released on the chart's own controls (their runs are on screen
    already): the link, the code and the share row follow. Each is taken only as a link would."""
    sent = st.session_state[CHART_KEY].get("settings")
    if not isinstance(sent, dict):
        return
    for name in links.CHART_SETTINGS:
        lo, hi = link.bounds(links.Config, name)
        read = whole if isinstance(lo, int) and isinstance(hi, int) else number
        if (value := read(str(sent.get(name)), lo, hi)) is not None:
            st.session_state[f"{K}{name}"] = value
    _take_release(sent)


def on_chart_start() -> None:
    """A click on the 2-D map while picking a start (the whole page reruns for it, see ``page``)."""
    sent = st.session_state[CHART_KEY].get("start")
    point = sent.get("point") if isinstance(sent, dict) else None
    start = [number(str(v), *START) for v in point] if isinstance(point, list) and len(point) == 2 else None
    if start is not None and None not in start:
        set_start((start[0], start[1]))
        st.session_state[f"{K}start_clicked"] = True
        _take_release(sent)


def chart_live() -> bool:
    """Whether the chart component draws the run (else the page's plain Plotly figure does, and
    the sidebar holds the controls the chart would: ``state.CHART_SETTINGS``)."""
    return chart.COMPONENT is not None and not st.session_state.get(f"{K}chart_failed")


def on_chart_failed() -> None:
    """plotly.js did not load in this browser: the page falls back to its Plotly figure, and the
    sidebar takes back the chart's own settings (the fragment reruns the page: ``page.stage``)."""
    st.session_state[f"{K}chart_failed"] = str(st.session_state[CHART_KEY].get("failed") or "")
    st.session_state[f"{K}sidebar_stale"] = True


# --- the learning-rate control -------------------------------------------------------------------


def _on_slider() -> None:
    _set_lr(st.session_state[f"{K}lr_slider"])


def _on_exact() -> None:
    """A rate typed in the exact box (:func:`~lrviz.app.kit.widgets.number_box` keeps only one in range)."""
    value = float(st.session_state[f"{K}lr_exact"])
    st.session_state[f"{K}lr"] = value
    st.session_state[f"{K}lr_slider"] = nearest_rate(value)
    _ask_chart(value)


def _scale_lr(factor: float) -> None:
    lo, hi = LR_RANGE
    _set_lr(min(max(st.session_state[f"{K}lr"] * factor, lo), hi))


def rate_buttons(lang: str, narrow: bool = False) -> None:
    """The usual quick moves: three round rates, halve, a tenth. Drawn above the chart's fragment,
    not in it: they never change, so a rate release (which reruns the fragment) need not send them
    again; a click reruns the page. ``narrow``: for a phone, where five columns stack as five
    full-width rows: one row that wraps, each button as wide as its label (two rows at 390 px)."""
    if narrow:
        row = st.container(horizontal=True)
        buttons, width = [row] * 5, "content"
    else:  # a row of their own, so narrow windows keep their labels whole
        buttons, width = st.columns(5), "stretch"
    for column, value in zip(buttons[:3], (0.1, 0.01, 0.001), strict=True):
        column.button(f"η = {value:g}", key=f"{K}lr_{value}", on_click=_set_lr, args=(value,), width=width)
    buttons[3].button(t("pg.halve", lang), key=f"{K}lr_half", on_click=_scale_lr, args=(0.5,),
                      width=width, help=t("pg.halve_help", lang))
    buttons[4].button(t("pg.tenth", lang), key=f"{K}lr_tenth", on_click=_scale_lr, args=(0.1,),
                      width=width, help=t("pg.tenth_help", lang))


def lr_control(lang: str, limit: diagnostics.Limit | None, curvature: diagnostics.Curvature, optimizer: str,
               name_minimum: bool = False, *, slider: bool = True, exact: bool = True,
               surface: Surface, clipped: bool = False, scheduled: bool = False) -> float:
    """The log-scale slider and an exact input; returns the rate (the quick moves are
    :func:`rate_buttons`).

    Under them: where the rate stands against the optimizer's critical rate
    (:func:`lrviz.app.playground.verdict.rate_line`), or, for adaptive optimizers, why there is none.
    Where the chart component draws its own slider and that line (``slider=False``), only the
    exact box. ``exact=False`` (a lesson step, where the chart must fit a projector): no exact box.
    """
    if not exact and not slider:
        return st.session_state[f"{K}lr"]
    lo, hi = LR_RANGE
    exact_box = dict(label=t("pg.lr_exact", lang), key=f"{K}lr_exact", lo=lo, hi=hi, lang=lang,
                     on_change=_on_exact, format="%.4g", step=None,
                     help=t("pg.lr_exact_help", lang, lo=format_value(lo), hi=format_value(hi)))
    if slider:
        left, box = st.columns([4, 1], vertical_alignment="bottom")
        left.select_slider(t("pg.lr", lang), options=LR_GRID, key=f"{K}lr_slider", on_change=_on_slider,
                           format_func=lambda v: f"{v:g}", help=t("pg.lr_help", lang))
        number_box(**exact_box, container=box)
    else:  # one element, no columns (and a refusal's message under it): a rate release reruns this
        number_box(**exact_box, width=180)
    lr = st.session_state[f"{K}lr"]
    if not slider:
        return lr
    if (none := verdict.no_limit_line(optimizer, curvature, lang)) is not None:
        st.caption(none)
    elif verdict.has_rate_line(limit):
        st.markdown(verdict.rate_line(lr, limit, curvature, lang, name_minimum=name_minimum, clipped=clipped,
                                      scheduled=scheduled, surface=surface))
    return lr


# --- the sidebar --------------------------------------------------------------------------------


STAGE = f"{K}stage"  # the key of the page's fragment: the rate, the chart and what follows them


def _restage() -> None:
    """A control that changes only the run (steps, noise, a hyper-parameter's value, the start):
    rerun the chart's fragment, not the page. The control already shows its new value and nothing
    else in the sidebar or above the chart depends on it; the fragment reads the controls again
    (:func:`settings`). A new surface, optimizer or schedule reruns the page: other inputs follow."""
    if not refusal_on_screen():  # else the page's rerun takes the message under its box away
        st.rerun(STAGE)


def sidebar(lang: str) -> None:
    """Every control except the rate and the start; :func:`settings` reads what they describe.
    Those that change only the run rerun only the chart's fragment (:func:`_restage`)."""
    side = st.sidebar
    side.header(t("pg.setup", lang))
    surface_picker(lang, K, _reset_start, side)

    optimizer = side.selectbox(t("pg.optimizer", lang), list(optimizers.OPTIMIZERS), key=f"{K}optimizer",
                               format_func=lambda n: optimizers.OPTIMIZERS[n].title(lang))
    opt_spec = optimizers.OPTIMIZERS[optimizer]
    with side.expander(t("pg.optimizer_settings", lang)):
        st.caption(opt_spec.summary(lang))
        params_form(opt_spec, PAGE.params_key("o", optimizer), lang, on_change=_restage)

    schedule_picker(lang, f"{K}schedule", lambda name: PAGE.params_key("s", name), side, on_change=_restage)

    live = chart_live()  # then the chart holds steps, noise and seed, and answers them without a rerun
    if not live:
        side.slider(t("pg.steps", lang), links.MIN_STEPS, links.MAX_STEPS, key=f"{K}steps",
                    step=links.STEPS_STEP, on_change=_restage)
    declared = functools.partial(link.bounds, links.Config)  # each box takes what its link takes
    with side.expander(t("pg.clipping" if live else "pg.more", lang)):
        if not live:
            st.slider(t("pg.noise", lang), 0.0, links.MAX_NOISE, key=f"{K}noise", step=links.NOISE_STEP,
                      help=t("pg.noise_help", lang), on_change=_restage)
        # The toggle reruns the page: the box under it is enabled or not.
        clip_on = st.toggle(t("pg.clip_on", lang), key=f"{K}clip_on", help=t("pg.clip_help", lang))
        number_box(t("pg.clip", lang), f"{K}clip", *declared("clip"), lang, disabled=not clip_on,
                   format="%.3g", on_change=_restage)
        if not live:
            number_box(t("pg.seed", lang), f"{K}seed", *declared("seed"), lang, on_change=_restage)
    if not PAGE.hosted:  # in a lesson, the lesson's header holds the one presentation toggle
        presentation(lang, f"{K}big", side)


def settings(lang: str) -> tuple[Config, surfaces.Surface, list[str]]:
    """The config the controls describe as they hold it now, its surface, and any error messages.
    A formula that does not parse leaves the last valid config (and its surface) in place.

    Read from the session's state, not from the widgets' return values, so that the chart's
    fragment gets the same answer when a control reran it alone (:func:`_restage`)."""
    state = st.session_state
    errors: list[str] = []
    surface, formula, dim = picked_surface(K)
    optimizer, schedule, steps = state[f"{K}optimizer"], state[f"{K}schedule"], int(state[f"{K}steps"])
    clip = float(state[f"{K}clip"]) if state[f"{K}clip_on"] else None
    config = Config(
        surface=surface, formula=formula, dim=dim, optimizer=optimizer, lr=state[f"{K}lr"], schedule=schedule,
        steps=steps, noise=float(state[f"{K}noise"]), clip=clip, seed=int(state[f"{K}seed"]),
        view=state.get(f"{K}view", "map"), frame=min(int(state.get(f"{K}frame", 0)), steps),
        big=bool(state[f"{K}big"]), lang=lang,
    )
    for spec, prefix, field_name in (
            (optimizers.OPTIMIZERS[optimizer], PAGE.params_key("o", optimizer), "optimizer_params"),
            (schedules.SCHEDULES[schedule], PAGE.params_key("s", schedule), "schedule_params")):
        given = checked(spec, given_params(spec, prefix), config.lr, lang, errors)
        if given is not None:
            config = replace(config, **{field_name: given})
    try:
        shown = links.surface_of(config)
    except ExpressionError as error:
        errors.append(t("errors.formula", lang, detail=error.message(lang)))
        config = PAGE.last_valid(lang)
        shown = links.surface_of(config)
    start = _start(shown)
    return replace(config, start=None if start == shown.start else start), shown, errors


def _reset_start() -> None:
    """A new surface starts from its own default start."""
    st.session_state.pop(f"{K}start_x", None)
    st.session_state.pop(f"{K}start_y", None)


def start_inputs(surface: surfaces.Surface, lang: str) -> None:
    """Number inputs for the start point, and the toggle that lets a click on the 2-D map pick it
    (:func:`_start`, :func:`picking_start` read them)."""
    with st.sidebar.expander(t("pg.start", lang), expanded=False):
        start_boxes(surface, K, lang, on_change=_restage)
        st.button(t("pg.start_reset", lang), on_click=_reset_start, key=f"{K}start_reset")
        if surface.dim == 2:
            st.toggle(t("pg.start_click", lang), key=f"{K}pick_start")


def _start(surface: surfaces.Surface) -> tuple[float, ...]:
    """The start the inputs hold (the surface's own before they are first drawn)."""
    state = st.session_state
    x = float(state.get(f"{K}start_x", surface.start[0]))
    if surface.dim == 1:
        return (x,)
    return x, float(state.get(f"{K}start_y", surface.start[1]))


def picking_start(surface: surfaces.Surface) -> bool:
    """Whether a click on the 2-D map picks the start."""
    return surface.dim == 2 and bool(st.session_state.get(f"{K}pick_start"))


def set_start(point: tuple[float, float]) -> None:
    st.session_state[f"{K}start_x"], st.session_state[f"{K}start_y"] = point


def view_control(surface: surfaces.Surface, lang: str) -> str:
    """For 2-D surfaces, the map alone or the 3-D view too (above the map, under this control)."""
    if surface.dim != 2:
        return "map"
    return st.segmented_control(t("pg.view", lang), ("map", "3d"), key=f"{K}view",
                                format_func=lambda v: t(f"pg.view_{v}", lang)) or "map"


# --- cached results: each is a pure function of the config --------------------------------------


def _run(config: Config, surface: surfaces.Surface):
    return engine.run(surface, **links.run_kwargs(config))


def direction_note(config: Config, lang: str) -> str | None:
    """What d stands for in the figure's update rule, where the optimizer does not step along the
    gradient (its spec says: :meth:`lrviz.optimizers.OptimizerSpec.caption`), and what g is,
    where noise or clipping changed the gradient (the rule then names it g)."""
    caption = optimizers.get(config.optimizer).caption(dict(config.optimizer_params))
    notes = [] if caption is None else [caption(lang)]
    if config.noise and config.clip is not None:
        notes.append(t("pg.g_noise_clip", lang, noise=f"{config.noise:g}", clip=f"{config.clip:g}"))
    elif config.noise:
        notes.append(t("pg.g_noise", lang, noise=f"{config.noise:g}"))
    elif config.clip is not None:
        notes.append(t("pg.g_clip", lang, clip=f"{config.clip:g}"))
    return " ".join(notes) or None


def limit_of(config: Config, curvature: diagnostics.Curvature,
             surface: surfaces.Surface) -> diagnostics.Limit | None:
    """The chosen optimizer's critical rate at the minimum nearest the start (``curvature``, which
    runs and sweeps already report; with weight decay, where that minimum moves to)."""
    spec = optimizers.OPTIMIZERS[config.optimizer]
    params = spec.resolve(dict(config.optimizer_params), config.lr)
    return diagnostics.limit_near(config.optimizer, params, surface, curvature)


@st.cache_resource(max_entries=32, show_spinner=False)
def animation(config: Config, pick_start: bool = False, narrow: bool = False):
    """(run, animated figure, verdict) for a config; shared read-only across sessions.
    ``narrow``: the one-column figure, for a phone."""
    surface = links.surface_of(config)
    run = _run(config, surface)
    limit = limit_of(config, run.curvature, surface)
    figure = figures.build_animation(run, surface, lang=config.lang, big=config.big, pick_start=pick_start,
                                     limit=limit, narrow=narrow, changed=config.gradient_changed)
    return run, figure, verdict.verdict(run, surface, config.lang, limit, noise=config.noise,
                                        clipped=config.clip is not None)


@st.cache_resource(max_entries=16, show_spinner=False)
def surface_3d(config: Config):
    surface = links.surface_of(config)
    return figures.build_surface_3d(_run(config, surface), surface, lang=config.lang, big=config.big)


def share_bar(config: Config, lang: str) -> None:
    """Copy link, the offline HTML and the Markdown notes for the run on screen (both built on a
    click, from the cached run, figure and verdict)."""
    url = share.link("playground", links.to_query(config))

    def notes() -> str:
        return sheets.to_markdown(pg_sheet.sheet(config, animation(config)[2], url))

    def page() -> str:
        _, figure, said = animation(config)
        return sheets.to_html(pg_sheet.sheet(config, said, url), [figure])

    share.bar(url, lang, "playground", markdown=notes, html=page)
