"""The sweep page's controls, their link with the URL, and its cached results.

As on the playground: the first run of a session parses the URL into a
:class:`~lrviz.app.sweep.state.Config` and seeds the widgets; afterwards the
widgets are the truth and every run writes the config back to the URL.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from lrviz import optimizers, schedules, surfaces
from lrviz.app.kit import plot, share
from lrviz.app.kit import sheet as sheets
from lrviz.app.kit.rates import LR_RANGE
from lrviz.app.kit.state import PageState
from lrviz.app.kit.widgets import (
    checked,
    number_box,
    params_form,
    presentation,
    schedule_picker,
    seed_params,
    start_boxes,
    surface_picker,
)
from lrviz.app.playground import state as links
from lrviz.app.playground.state import Config as PlaygroundConfig
from lrviz.app.playground.verdict import number, point
from lrviz.app.sweep import compute as sweeps
from lrviz.app.sweep import figures
from lrviz.app.sweep import sheet as sw_sheet
from lrviz.app.sweep import state as sweep_state
from lrviz.app.sweep.state import Config
from lrviz.engine import diagnostics
from lrviz.i18n import Lang, t

EARLY = 0.95  # runs diverging below this share of the critical rate get a sentence on why


def _seed(config: Config) -> None:
    """The playground part of the config, the chosen rate, the start and the hyper-parameters
    (the declared fields seed their own widgets)."""
    state, base = st.session_state, config.base
    state[f"{K}surface"] = base.surface
    state[f"{K}formula"] = base.formula or "x^4 - 3*x^2 + x"
    state[f"{K}dim"] = base.dim
    state[f"{K}schedule"] = base.schedule
    state[f"{K}steps"] = base.steps
    state[f"{K}lr"] = base.lr
    state[f"{K}big"] = base.big
    state.pop(f"{K}start_x", None)
    if base.start is not None:
        state[f"{K}start_x"] = base.start[0]
        state[f"{K}start_y"] = base.start[1] if len(base.start) > 1 else 0.0
    seed_params(optimizers.OPTIMIZERS[base.optimizer], _opt_prefix(base.optimizer),
                dict(base.optimizer_params))
    seed_params(schedules.SCHEDULES[base.schedule], _sched_prefix(base.schedule),
                dict(base.schedule_params))


def _relang(config: Config, lang: Lang) -> Config:
    return replace(config, base=replace(config.base, lang=lang))


PAGE = PageState("sw_", sweep_state.parse, sweep_state.to_query, sweep_state.DEFAULT, seed=_seed,
                 relang=_relang)
K = PAGE.prefix  # session-state prefix of this page's widgets


def _opt_prefix(name: str) -> str:
    return PAGE.params_key("o", name)


def _sched_prefix(name: str) -> str:
    return PAGE.params_key("s", name)


def _surface_of(name: str, formula: str, dim: int) -> surfaces.Surface:
    return links.surface_of(PlaygroundConfig(surface=name, formula=formula, dim=dim))


def _on_surface() -> None:
    """A new surface starts from its own start, with rates suggested from its curvature."""
    state = st.session_state
    state.pop(f"{K}start_x", None)
    try:
        surface = _surface_of(state[f"{K}surface"], state.get(f"{K}formula", ""), state.get(f"{K}dim", 1))
    except ValueError:
        return  # the page reports the formula's error
    state[f"{K}lo"], state[f"{K}hi"], state[f"{K}lr"] = sweep_state.suggested_rates(surface, None)


def sidebar(lang: str) -> tuple[Config, list[str]]:
    """The set-up controls; returns the config they describe (rates, range and phase not yet
    read) and any error messages."""
    side = st.sidebar
    errors: list[str] = []
    side.header(t("pg.setup", lang))
    surface, formula, dim = surface_picker(lang, K, _on_surface, side)
    names = side.multiselect(t("sweep.optimizers", lang), list(optimizers.OPTIMIZERS), key=f"{K}optimizers",
                             max_selections=sweep_state.MAX_OPTIMIZERS, help=t("sweep.optimizers_help", lang),
                             format_func=lambda n: optimizers.OPTIMIZERS[n].title(lang))
    if not names:
        errors.append(t("sweep.no_optimizer", lang))
        names = ["sgd"]
    primary = optimizers.OPTIMIZERS[names[0]]
    settings = "sweep.primary_settings" if len(names) > 1 else "sweep.primary_settings_one"
    with side.expander(t(settings, lang, optimizer=primary.title(lang))):
        st.caption(primary.summary(lang))
        opt_raw = params_form(primary, _opt_prefix(names[0]), lang)
    schedule, sched_raw = schedule_picker(lang, f"{K}schedule", _sched_prefix, side)
    steps = side.slider(t("pg.steps", lang), links.MIN_STEPS, links.MAX_STEPS, key=f"{K}steps", step=10)
    big = presentation(lang, f"{K}big", side)
    base = PlaygroundConfig(surface=surface, formula=formula, dim=int(dim), optimizer=names[0],
                            schedule=schedule, steps=int(steps), big=bool(big), lang=lang)
    for spec, raw, field_name in ((primary, opt_raw, "optimizer_params"),
                                  (schedules.SCHEDULES[schedule], sched_raw, "schedule_params")):
        given = checked(spec, raw, 1.0, lang, errors)
        if given is not None:
            base = replace(base, **{field_name: given})
    return Config(base=base, optimizers=tuple(names)), errors


def start_input(surface: surfaces.Surface, lang: str) -> tuple[float, ...] | None:
    """The start point (None: the surface's own)."""
    with st.sidebar.expander(t("pg.start", lang)):
        start = start_boxes(surface, K, lang)
    return None if start == surface.start else start


def rate_controls(config: Config, lang: str) -> tuple[Config, list[str]]:
    """How many rates, their range and the chosen rate, in a row above the chart (two rows in
    presentation mode: in its type four boxes beside the sidebar showed "0.00" of 0.001)."""
    cols = st.columns(2) + st.columns(2) if config.base.big else st.columns(4)
    lo_range, hi_range = sweep_state.RATE_RANGE
    rates = number_box(t("sweep.rates", lang), f"{K}rates", *sweep_state.RATES, lang, cols[0], step=100,
                       help=t("sweep.rates_help", lang))
    lo = number_box(t("sweep.lo", lang), f"{K}lo", lo_range, hi_range, lang, cols[1], format="%.3g")
    hi = number_box(t("sweep.hi", lang), f"{K}hi", lo_range, hi_range, lang, cols[2], format="%.3g")
    which = sw_sheet.which_optimizer(len(config.optimizers), lang)
    lr = number_box(t("sweep.chosen", lang), f"{K}lr", *LR_RANGE, lang, cols[3], format="%.4g",
                    help=t("sweep.chosen_help", lang, which=which))
    errors = [] if lo < hi else [t("sweep.range_error", lang, lo=f"{lo:g}", hi=f"{hi:g}")]
    config = replace(config, base=replace(config.base, lr=float(lr)), rates=int(rates), lo=float(lo),
                     hi=float(hi))
    return config, errors


def chart(figure, name: str) -> None:
    plot.chart(figure, key=f"{K}chart_{name}")


def summary_rows(results: tuple[sweeps.RateSweep, ...], lang: str, floor: float) -> list[dict[str, str]]:
    """One table row per optimizer: how its best rate and divergence edge compare; its final loss
    above ``floor`` (:func:`~lrviz.app.sweep.compute.loss_floor`), as the chart above plots it."""
    rows = []
    for r in results:
        best = r.best_lr
        # Never below 0: a float32 run can end a rounding under the surface's lowest loss (−3e-8).
        final = max(float(r.sweep.final_loss[r.best]) - floor, 0.0) if r.best is not None else None
        rows.append({  # the edge beside the theory, where a 1024-px screen still shows both
            t("sweep.col_optimizer", lang): optimizers.OPTIMIZERS[r.optimizer].title(lang),
            t("sweep.col_best", lang): number(best) if best is not None else t("sweep.none", lang),
            t("sweep.col_edge", lang): number(r.edge) if r.edge is not None else t("sweep.none", lang),
            t("sweep.col_limit", lang): sw_sheet.critical_text(r, lang),
            t("sweep.col_final", lang): number(final) if final is not None else "—",
            t("sweep.col_first", lang): (number(r.first_diverged) if r.first_diverged is not None
                                         else t("sweep.none", lang)),
        })
    return rows


def early_edge_notes(results: tuple[sweeps.RateSweep, ...], lang: str) -> list[str]:
    """A sentence for each optimizer whose runs diverged clearly below its critical rate: that rate
    holds near the minimum, and the way there can be steeper (the double well from x = 1.8)."""
    notes = []
    for r in results:
        curvature = r.sweep.curvature
        if (r.limit is None or r.first_diverged is None or curvature.nearest_minimum is None
                or not np.isfinite(r.limit.value)  # no critical rate to fall short of (τ = 1 coasts)
                or not r.first_diverged < EARLY * r.limit.value):  # no minimum: no rate holds there
            continue
        numbers = dict(optimizer=optimizers.OPTIMIZERS[r.optimizer].title(lang), lr=number(r.first_diverged),
                       formula=r.limit.formula, critical=number(r.limit.value),
                       point=point(np.asarray(curvature.nearest_minimum)), lam=number(curvature.lam_start))
        steeper = diagnostics.start_limit(r.limit, curvature) is not None
        notes.append(t("sweep.early_edge_steep" if steeper else "sweep.early_edge", lang, **numbers))
    return notes


def best_above_limit_notes(results: tuple[sweeps.RateSweep, ...], config: Config, surface: surfaces.Surface,
                           lang: str) -> list[str]:
    """A sentence for each optimizer whose best rate is above its critical rate only because its run
    there had not arrived: at a constant rate, still moving (not swinging or stuck), towards the
    minimum the limit is for, where that rate would overshoot (SGD on Rosenbrock in 500 steps: best
    0.00326, critical 0.002, the run still crossing the valley). A best run that jumped into
    another basin, or a schedule that lowered the rate, wins for other reasons: no sentence."""
    notes = []
    for r in results:
        minimum = r.sweep.curvature.nearest_minimum
        if (config.base.schedule != "constant" or r.best is None or r.limit is None or minimum is None
                or not np.isfinite(r.limit.value) or r.best_lr <= r.limit.value
                or r.sweep.status[r.best] != "slow"
                or diagnostics.nearest_minimum(surface, r.sweep.points[r.best, -1]) != tuple(minimum)):
            continue
        name = optimizers.OPTIMIZERS[r.optimizer].title(lang)
        notes.append(t("sweep.best_above_limit", lang, optimizer=name, lr=number(r.best_lr),
                       formula=r.limit.formula, critical=number(r.limit.value), steps=config.base.steps,
                       point=point(np.asarray(minimum))))
    return notes


def range_hints(results: tuple[sweeps.RateSweep, ...], lang: str) -> list[str]:
    """A sentence for each optimizer whose best rate sits at an end of the range: the range is too narrow."""
    hints = []
    for r in results:
        if r.best is not None and r.best in (0, len(r.sweep.lrs) - 1):
            end = "hi" if r.best else "lo"
            name = optimizers.OPTIMIZERS[r.optimizer].title(lang)
            hints.append(t(f"sweep.best_at_{end}", lang, optimizer=name, lr=number(r.best_lr)))
    return hints


# --- cached results: pure functions of the parts of the config they use ---------------------------


def _rates_part(config: Config) -> Config:
    """The config with what the rate sweeps ignore set to defaults (a better cache key)."""
    base = replace(config.base, lr=sweep_state.DEFAULT.base.lr, lang=sweep_state.DEFAULT.base.lang, big=False)
    return replace(config, base=base, phase=sweep_state.DEFAULT.phase)


@st.cache_resource(max_entries=16, show_spinner=False)
def _rate_sweeps(config: Config) -> tuple[sweeps.RateSweep, ...]:
    return sweeps.run_sweeps(config, links.surface_of(config.base))


def rate_results(config: Config) -> tuple[sweeps.RateSweep, ...]:
    """Every optimizer's sweep (cached; ``ValueError`` for settings the engine rejects)."""
    return _rate_sweeps(_rates_part(config))


def _without_rate(config: Config) -> Config:
    return replace(config, base=replace(config.base, lr=sweep_state.DEFAULT.base.lr))


@st.cache_resource(max_entries=16, show_spinner=False)
def rates_figure(config: Config):
    results = rate_results(config)
    surface = links.surface_of(config.base)
    return figures.build_rates(results, surface, lang=config.base.lang, big=config.base.big,
                               chosen=config.base.lr, gd_critical=results[0].sweep.curvature.critical_lr)


@st.cache_resource(max_entries=16, show_spinner=False)
def _phase_figure(config: Config):
    primary = rate_results(config)[0]
    data = sweeps.phase(primary.sweep, links.surface_of(config.base), config.phase)
    return figures.build_phase(data, lang=config.base.lang, big=config.base.big, limit=primary.limit,
                               best=primary.best_lr)


def phase_figure(config: Config):
    """The primary optimizer's rate × step picture (cached)."""
    return _phase_figure(_without_rate(config))


@st.cache_resource(max_entries=16, show_spinner=False)
def _basins(config: Config) -> sweeps.Basins:
    return sweeps.basins(config, links.surface_of(config.base))


def basins(config: Config) -> sweeps.Basins:
    default = sweep_state.DEFAULT
    base = replace(config.base, start=None, big=False, lang=default.base.lang)
    part = replace(config, optimizers=config.optimizers[:1], rates=default.rates, lo=default.lo,
                   hi=default.hi, phase=default.phase, base=base)
    return _basins(part)


def basins_figure(config: Config):
    surface = links.surface_of(config.base)
    return figures.build_basins(basins(config), surface, lang=config.base.lang, big=config.base.big,
                                start=config.base.start or surface.start)


class Shown(NamedTuple):
    """Everything the page draws for one config."""

    results: tuple[sweeps.RateSweep, ...]
    rates: go.Figure
    phase: go.Figure
    basins: go.Figure
    basin_map: sweeps.Basins


def compute(config: Config) -> Shown:
    """The sweeps, the basin map and the three figures (each cached); ``ValueError`` for settings
    the engine rejects (e.g. a schedule parameter that some rate of the range makes invalid)."""
    return Shown(rate_results(config), rates_figure(config), phase_figure(config), basins_figure(config),
                 basins(config))


def basin_shares(basin: sweeps.Basins) -> tuple[float, float, float]:
    """Shares of starts that diverged, that reached a global minimum and that ended in a local one
    (the rest were still moving)."""
    label = basin.label
    return (float(np.mean(label == sweeps.DIVERGED)), float(np.mean((label >= 0) & (label < basin.n_global))),
            float(np.mean(label >= basin.n_global)))


def share_bar(config: Config, shown: Shown, lang: str) -> None:
    """Copy link, and the sweep as an offline HTML page (its three charts) and as Markdown notes."""
    url = share.link("sweep", sweep_state.to_query(config))
    told = sw_sheet.sheet(config, shown.results, basin_shares(shown.basin_map), url)
    share.bar(url, lang, "sweep", markdown=lambda: sheets.to_markdown(told),
              html=lambda: sheets.to_html(told, [shown.rates, shown.phase, shown.basins]))
