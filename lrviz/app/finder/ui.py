"""The LR finder page's controls, their link with the URL, its cached results and its sections.

As on the playground: the first run of a session parses the URL into a
:class:`~lrviz.app.finder.state.Config` and seeds the widgets; afterwards the widgets are the
truth and every run writes the config back to the URL. Each heavy result is a cached pure
function of the part of the config it depends on (``st.cache_resource`` with ``max_entries``):
the range test never sees the schedule, so picking one reruns only the trainings. A schedule's
horizon widgets (cosine's ``T_max``, ...) start at :func:`lrviz.schedules.for_steps`' defaults
for the budget and move with it while they hold them (:func:`_refit_horizons`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import streamlit as st

from lrviz import optimizers, schedules
from lrviz.app.finder import figures
from lrviz.app.finder import state as finder_links
from lrviz.app.finder.state import DEFAULT, EVALS, VIEWS, Config
from lrviz.app.kit import link, plot
from lrviz.app.kit.state import PageState
from lrviz.app.kit.widgets import checked, number_box, params_form, presentation, schedule_picker, seed_params
from lrviz.i18n import t
from lrviz.nn import datasets, search
from lrviz.nn import range_test as rt
from lrviz.params import ParamSpec

NOT_OFFERED = tuple(name for name in schedules.SCHEDULES if name not in finder_links.SCHEDULES)
CHECK_SEEDS = (0, 1, 2)


def _seed(config: Config) -> None:
    """The hyper-parameters' widgets (the declared fields seed their own)."""
    seed_params(
        optimizers.OPTIMIZERS[config.optimizer], _opt_prefix(config.optimizer), dict(config.optimizer_params)
    )
    schedule = schedules.for_steps(config.schedule, config.steps)
    seed_params(schedule, _sched_prefix(config.schedule), dict(config.schedule_params))


PAGE = PageState("lf_", finder_links.parse, finder_links.to_query, DEFAULT, seed=_seed)
K = PAGE.prefix  # session-state prefix of this page's widgets
FITTED = PAGE.key("horizons_fitted")  # the budget (steps) the schedules' horizon widgets were fitted to


def _opt_prefix(name: str) -> str:
    return PAGE.params_key("o", name)


def _sched_prefix(name: str) -> str:
    return PAGE.params_key("s", name)


def _refit_horizons() -> None:
    """A new budget carries along every horizon parameter the student left at its default
    (a cosine's T_max keeps ending with the training); values they typed stay."""
    state = st.session_state
    old, new = state.get(FITTED, DEFAULT.steps), int(state[f"{K}steps"])
    for name in finder_links.SCHEDULES:
        before, after = schedules.for_steps(name, old), schedules.for_steps(name, new)
        moved = {}
        for p, q in zip(before.params, after.params, strict=True):
            key = f"{_sched_prefix(name)}{p.name}"
            if p.name in schedules.HORIZONS and key in state and _at_default(p, state[key]):
                moved[p.name] = q.default
        seed_params(after, _sched_prefix(name), moved)
    state[FITTED] = new


def _at_default(spec: ParamSpec, value: Any) -> bool:
    """Whether a widget's ``value`` (text for a list) is the parameter's default."""
    try:
        return spec.check(value) == spec.default
    except ValueError:
        return False


def _number(container, name: str, lang: str, step: float | None, **kw: Any) -> float:
    """The number input of the config's field ``name``: its label ``finder.<name>``, its range
    from the field's declaration, its value in the widget keyed by the field."""
    lo, hi = link.bounds(Config, name)
    return number_box(t(f"finder.{name}", lang), PAGE.key(name), lo, hi, lang, container, step=step, **kw)


def _help(name: str, lang: str) -> dict[str, str]:
    return dict(help=t(f"finder.{name}_help", lang))


def sidebar(lang: str) -> tuple[Config, list[str]]:
    """Data set, model, optimizer, range test and training budget; (config, error messages)."""
    side, state = st.sidebar, st.session_state
    side.header(t("finder.setup", lang))
    data = side.selectbox(t("finder.data", lang), list(datasets.DATASETS), key=PAGE.key("data"),
                          format_func=lambda n: datasets.DATASETS[n].title(lang))
    side.caption(datasets.DATASETS[data].summary(lang))
    left, right = side.columns(2)
    _number(left, "width", lang, 4, **_help("width", lang))
    _number(right, "depth", lang, 1, **_help("depth", lang))
    optimizer = side.selectbox(t("finder.optimizer", lang), list(optimizers.OPTIMIZERS),
                               key=PAGE.key("optimizer"),
                               format_func=lambda n: optimizers.OPTIMIZERS[n].title(lang))
    spec = optimizers.OPTIMIZERS[optimizer]
    with side.expander(t("finder.optimizer_settings", lang)):
        st.caption(spec.summary(lang))
        raw = params_form(spec, _opt_prefix(optimizer), lang)
    _number(side, "batch", lang, 8, **_help("batch", lang))

    side.subheader(t("finder.range_settings", lang))
    left, right = side.columns(2)
    _number(left, "lr_min", lang, None, format="%.2g")
    _number(right, "lr_max", lang, None, format="%.2g")
    left, right = side.columns(2)
    _number(left, "batches", lang, 10, **_help("batches", lang))
    _number(right, "seeds", lang, 1, **_help("seeds", lang))
    side.subheader(t("finder.train_settings", lang))
    left, right = side.columns(2)
    steps = _number(left, "steps", lang, EVALS * 5, on_change=_refit_horizons, **_help("steps", lang))
    _number(right, "rates", lang, 4, **_help("rates", lang))
    state[FITTED] = int(steps)  # what _refit_horizons moves from when the budget changes
    schedule, sched_raw = schedule_picker(
        lang, PAGE.key("schedule"), _sched_prefix, side, exclude=NOT_OFFERED, steps=int(steps)
    )
    side.caption(t("finder.schedule_note", lang))
    presentation(lang, PAGE.key("big"), side)

    config = link.from_widgets(Config, lambda name: state.get(PAGE.key(name)), lang=lang)
    errors = [t(key, lang, **values) for key, values in finder_links.problems(config)]
    if config.steps % EVALS:
        errors.append(t("finder.error.steps", lang, steps=config.steps, every=EVALS))
    params = checked(spec, raw, config.lr_max, lang, errors)
    given = checked(schedules.for_steps(schedule, config.steps), sched_raw, config.lr_max, lang, errors)
    return replace(config, optimizer_params=params or (), schedule_params=given or ()), errors


def view_control(lang: str) -> str:
    return (
        st.segmented_control(
            t("finder.view", lang), VIEWS, key=f"{K}view", format_func=lambda v: t(f"finder.view_{v}", lang)
        )
        or "range"
    )


# --- cached results: each a pure function of the part of the config it reads ---------------------


def _range_part(config: Config) -> Config:
    return replace(
        config,
        steps=DEFAULT.steps,
        rates=DEFAULT.rates,
        schedule=DEFAULT.schedule,
        schedule_params=(),
        view="range",
        check=False,
        search=False,
        general=False,
        big=False,
        lang=DEFAULT.lang,
    )


def _train_part(config: Config) -> Config:
    return replace(_range_part(config), steps=config.steps, rates=config.rates, schedule=config.schedule,
                   schedule_params=config.schedule_params)


@st.cache_resource(max_entries=8, show_spinner=False)
def range_result(config: Config) -> rt.RangeTest:
    return rt.range_test(
        datasets.load(config.data),
        lr_min=config.lr_min,
        lr_max=config.lr_max,
        batches=config.batches,
        seeds=tuple(range(config.seeds)),
        **config.network,
    )


@st.cache_resource(max_entries=8, show_spinner=False)
def check_result(config: Config) -> search.SuggestionCheck | None:
    summary = figures.rule_summary(range_result(_range_part(config)))
    rates = {name: s[0] for name, s in summary.items() if s is not None}
    if not rates:
        return None
    return search.check_suggestions(
        datasets.load(config.data), rates, CHECK_SEEDS, steps=config.steps, evals=1, **config.model
    )


@st.cache_resource(max_entries=8, show_spinner=False)
def search_result(config: Config) -> search.Search:
    return search.search(
        datasets.load(config.data),
        lo=config.lr_min,
        hi=config.lr_max,
        n=config.rates,
        steps=config.steps,
        evals=1,
        **config.model,
    )


@st.cache_resource(max_entries=8, show_spinner=False)
def general_result(config: Config) -> search.Comparison:
    lrs = search.three_rates(search_result(config))
    data = datasets.load(config.data)
    return search.compare_rates(data, lrs, steps=config.steps, evals=EVALS, **config.model)


# --- the sections -------------------------------------------------------------------------------


def _chart(figure, key: str) -> None:
    plot.chart(figure, key=f"{K}{key}")


def show_range(config: Config, lang: str) -> None:
    st.subheader(t("finder.range_heading", lang))
    with st.spinner(t("finder.computing_range", lang, seeds=config.seeds, batches=config.batches)):
        test = range_result(_range_part(config))
    _chart(figures.build_range_test(test, lang=lang, big=config.big), "range")
    st.markdown(t("finder.how_to_read", lang, factor=f"{rt.STOP_FACTOR:g}"))
    summary = figures.rule_summary(test)
    values = [s[0] for s in summary.values() if s is not None]
    if len(values) > 1:
        st.info(
            t(
                "finder.disagree",
                lang,
                lo=figures.rate(min(values)),
                hi=figures.rate(max(values)),
                decades=f"{np.log10(max(values) / min(values)):.1f}",
                factor=f"{max(values) / min(values):,.0f}",
            )
        )
    stopped = int(np.sum(test.stopped_at < len(test.lrs) - 1))
    key = "finder.stopped" if stopped else "finder.stopped_none"  # not "0 of 2 seeds stopped early"
    st.caption(t(key, lang, stopped=stopped, seeds=len(test.seeds), factor=f"{rt.STOP_FACTOR:g}"))


def _schedule_line(config: Config, lang: str) -> None:
    """Under a training section's intro: which schedule the runs follow, and what "the rate" then means."""
    if config.schedule != "constant":
        title = schedules.SCHEDULES[config.schedule].title(lang)
        st.caption(t("finder.with_schedule", lang, schedule=title))


def _press(flag: str) -> None:
    st.session_state[f"{K}{flag}"] = True


def show_check(config: Config, lang: str) -> None:
    st.subheader(t("finder.check_heading", lang))
    st.markdown(t("finder.check_intro", lang, steps=config.steps, seeds=len(CHECK_SEEDS)))
    _schedule_line(config, lang)
    st.button(
        t("finder.check_button", lang),
        key=f"{K}check_button",
        on_click=_press,
        args=("check",),
        type="primary",
    )
    if not config.check:
        return
    with st.spinner(t("finder.computing_check", lang, steps=config.steps)):
        check = check_result(_train_part(config))
    if check is None:
        st.warning(t("finder.no_rates", lang))
        return
    _chart(figures.build_check(check, lang=lang, big=config.big), "check")
    st.caption(t("finder.check_caption", lang))
    if check.winner is None:
        st.error(t("finder.all_diverged", lang))
        return
    i = check.rules.index(check.winner)
    st.success(
        t(
            "finder.winner",
            lang,
            rule=rt.RULES[check.winner].title(lang),
            lr=figures.rate(check.lrs[i]),
            loss=f"{check.mean_loss[i]:.3f}",
            acc=f"{100 * np.nanmean(check.val_acc[i]):.0f}",
        )
    )


def show_search(config: Config, lang: str) -> None:
    st.subheader(t("finder.search_heading", lang))
    st.markdown(
        t(
            "finder.search_intro",
            lang,
            n=config.rates,
            steps=config.steps,
            lo=figures.rate(config.lr_min),
            hi=figures.rate(config.lr_max),
        )
    )
    _schedule_line(config, lang)
    st.button(
        t("finder.search_button", lang, runs=2 * config.rates),
        key=f"{K}search_button",
        on_click=_press,
        args=("search",),
        type="primary",
    )
    if not config.search:
        return
    with st.spinner(t("finder.computing_search", lang, runs=2 * config.rates, steps=config.steps)):
        found = search_result(_train_part(config))
    _chart(figures.build_search(found, lang=lang, big=config.big), "search")
    if not np.isfinite(found.best_loss):
        st.error(t("finder.all_diverged", lang))
        return
    st.markdown(t("finder.best", lang, lr=figures.rate(found.best_lr), loss=f"{found.best_loss:.3f}"))
    cliff = found.cliff_above()
    if cliff is not None:
        st.warning(t("finder.best_at_cliff", lang, lr=figures.rate(found.best_lr), cliff=figures.rate(cliff)))
    never = t("finder.never", lang)
    st.markdown(
        t(
            "finder.runs_needed",
            lang,
            grid=found.grid_runs or never,
            random=found.random_runs or never,
            n=config.rates,
        )
    )
    if found.grid_runs and found.random_runs:  # "both do about as well" only when both got there
        st.caption(t("finder.search_note", lang))


def show_general(config: Config, lang: str) -> None:
    st.subheader(t("finder.general_heading", lang))
    still = f"{100 * search.STILL:.0f}"
    st.markdown(t("finder.general_intro", lang, n=config.rates, still=still, steps=config.steps))
    _schedule_line(config, lang)
    st.button(t("finder.general_button", lang), key=f"{K}general_button", on_click=_press, args=("general",),
              type="primary")
    if not config.general:
        return
    data = datasets.load(config.data)
    with st.spinner(t("finder.computing_general", lang, runs=2 * config.rates, steps=config.steps)):
        comparison = general_result(_train_part(config))
    _chart(figures.build_curves(comparison, lang=lang, big=config.big), "curves")
    st.caption(t("finder.curves_caption", lang))
    if data.dim == 2:
        grid = search.decision_grid(comparison, data)
        _chart(figures.build_boundaries(comparison, data, grid, lang=lang, big=config.big), "boundaries")
        st.caption(t("finder.boundaries_caption", lang))
    else:
        st.info(t("finder.no_boundaries", lang))
