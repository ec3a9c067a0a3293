"""The /edge page's controls, their link with the URL, its cached results and its sections.

As on every page: the first run of a session parses the URL into a
:class:`~lrviz.app.edge.state.Config` and seeds the widgets; afterwards the widgets are the truth
and every run writes the config back to the URL. Every section's settings sit in the sidebar at
all times (the shown section's expander open), so that a section not shown keeps its settings and
its place in the link. Each section's result is a cached pure function of its own settings
(:func:`lrviz.app.edge.compute.part`, ``st.cache_resource`` with ``max_entries``), computed
under a progress bar on a miss.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import streamlit as st

from lrviz.app.edge import compute, figures, words
from lrviz.app.edge import state as edge_links
from lrviz.app.edge.state import DEFAULT, LISTS, STEP_UNIT, VIEWS, Config, View
from lrviz.app.kit import link, plot
from lrviz.app.kit.markdown import literal
from lrviz.app.kit.query import format_value, items
from lrviz.app.kit.state import PageState
from lrviz.app.kit.widgets import number_box, presentation
from lrviz.i18n import Lang, t

_POLL = 0.15  # seconds between two looks at a computation's progress


def _text(values: tuple) -> str:
    return ", ".join(format_value(v) for v in values)


def _seed(config: Config) -> None:
    """The list fields' text boxes (the declared fields seed their own widgets)."""
    for name in LISTS:
        st.session_state[PAGE.key(name)] = _text(getattr(config, name))


PAGE = PageState("eg_", edge_links.parse, edge_links.to_query, DEFAULT, seed=_seed)
K = PAGE.prefix


def _number(container, name: str, lang: Lang, step: float, **kw: Any) -> float:
    """The number input of the config's field ``name`` (its range from the field's declaration)."""
    lo, hi = link.bounds(Config, name)
    return number_box(
        t(f"edge.{name}", lang), PAGE.key(name), lo, hi, lang, container, step=step,
        help=t(f"edge.{name}_help", lang), **kw
    )


def _list(container, name: str, lang: Lang, errors: list[str]) -> tuple | None:
    """The text box of a list field, read as the link reads it; None (and an error) if it cannot be."""
    read, (lo, hi), most = LISTS[name]
    text = container.text_input(
        t(f"edge.{name}", lang), key=PAGE.key(name), help=t(f"edge.{name}_help", lang)
    )
    values = read(text)
    if values is None:
        # Name the first value that is not a number in range, else say how many there were.
        parts = items(text)
        bad = next((p for p in parts if read(p) is None), None)
        rule = dict(name=t(f"edge.{name}", lang), most=most, lo=format_value(lo), hi=format_value(hi))
        if bad is not None:
            errors.append(t("edge.error.list_value", lang, part=literal(bad[:30]), **rule))
        else:
            errors.append(t("edge.error.list_count", lang, count=len(parts), **rule))
    return values


def sidebar(lang: Lang) -> tuple[Config, list[str]]:
    """Every section's settings in its own expander; (config, error messages)."""
    side, state = st.sidebar, st.session_state
    shown = state.get(PAGE.key("view")) or "eos"
    side.header(t("edge.settings", lang))
    errors: list[str] = []
    lists: dict[str, tuple | None] = {}
    with side.expander(t("edge.view_eos", lang), expanded=shown == "eos"):
        lists["lrs"] = _list(st, "lrs", lang, errors)
        _number(st, "steps", lang, STEP_UNIT)
        st.caption(t("edge.narrow", lang))
    with side.expander(t("edge.view_adam", lang), expanded=shown == "adam"):
        lists["adam_lrs"] = _list(st, "adam_lrs", lang, errors)
        _number(st, "beta1", lang, 0.01, format="%.2f")
        _number(st, "adam_steps", lang, STEP_UNIT)
        st.caption(t("edge.narrow", lang))
    with side.expander(t("edge.view_catapult", lang), expanded=shown == "catapult"):
        left, right = st.columns(2)
        _number(left, "lo", lang, 0.1, format="%.2f")
        _number(right, "hi", lang, 0.1, format="%.2f")
        _number(st, "runs", lang, 1)
        st.caption(t("edge.wide", lang))
    with side.expander(t("edge.view_warmup", lang), expanded=shown == "warmup"):
        lists["peaks"] = _list(st, "peaks", lang, errors)
        lists["lengths"] = _list(st, "lengths", lang, errors)
        st.segmented_control(
            t("edge.decay", lang),
            edge_links.DECAYS,
            key=PAGE.key("decay"),
            format_func=lambda d: t(f"edge.decay_{d}", lang),
            help=t("edge.decay_help", lang),
        )
        st.caption(t("edge.wide", lang))
    presentation(lang, PAGE.key("big"), side)

    given = {name: values for name, values in lists.items() if values is not None}
    config = link.from_widgets(Config, lambda name: state.get(PAGE.key(name)), lang=lang, **given)
    errors += [t(key, lang, **values) for key, values in edge_links.problems(config)]
    return config, errors


def view_control(lang: Lang) -> View:
    return (
        st.segmented_control(
            t("edge.view", lang), VIEWS, key=PAGE.key("view"), format_func=lambda v: t(f"edge.view_{v}", lang)
        )
        or "eos"
    )


# --- cached results: each a pure function of its own section's settings ----------------------------


@st.cache_resource(max_entries=8, show_spinner=False)
def _stability(config: Config, _progress=None):
    return compute.stability(config, _progress)


@st.cache_resource(max_entries=8, show_spinner=False)
def _adam(config: Config, _progress=None):
    return compute.adam(config, _progress)


@st.cache_resource(max_entries=8, show_spinner=False)
def _catapult(config: Config, _progress=None):
    return compute.catapult(config, _progress)


@st.cache_resource(max_entries=8, show_spinner=False)
def _warmup(config: Config, _progress=None):
    grid = compute.warmup_grid(config, None if _progress is None else lambda f: _progress(0.8 * f))
    pair = compute.warmup_pair(
        config, grid, None if _progress is None else lambda f: _progress(0.8 + 0.2 * f)
    )
    return grid, pair


def _computed(fn: Callable, config: Config, view: View, lang: Lang):
    """``fn`` of ``view``'s part of ``config``, under a progress bar while it computes.

    ``fn`` is cached by Streamlit, which records every element a cached function draws and draws
    it again on a cache hit: a bar updated from inside would be replayed into a page that has no
    such bar. So ``fn`` runs in a worker thread and only notes its progress; this thread draws it.
    """
    text = t(f"edge.computing_{view}", lang)
    done = {"fraction": 0.0}
    bar = None
    with ThreadPoolExecutor(max_workers=1) as pool:
        job = pool.submit(fn, compute.part(config, view), _progress=lambda f: done.update(fraction=f))
        while not futures.wait([job], timeout=_POLL).done:
            bar = bar or st.progress(0.0, text=text)
            bar.progress(min(max(done["fraction"], 0.0), 1.0), text=text)
    if bar is not None:
        bar.empty()
    return job.result()


def _chart(figure, key: str) -> None:
    plot.chart(figure, key=f"{K}{key}")


def _bullets(lines: list[str]) -> None:
    st.markdown("\n".join(f"- {line}" for line in lines))


def _intro(key: str, lang: Lang) -> None:
    if not PAGE.hosted:  # in a lesson, the step's caption says what to look at
        st.markdown(t(key, lang))


def show_eos(config: Config, lang: Lang) -> None:
    st.subheader(t("edge.eos_heading", lang))
    _intro("edge.eos_intro", lang)
    result = _computed(_stability, config, "eos", lang)
    _chart(figures.build_edge(result.descent, result.summaries, lang=lang, big=config.big), "eos")
    _bullets([words.edge_line(s, config.steps, lang) for s in result.summaries])
    st.subheader(t("edge.flow_heading", lang))
    _intro("edge.flow_intro", lang)
    _chart(figures.build_distance(result, lang=lang, big=config.big), "flow")
    st.markdown(words.flow_line(result, lang))


def show_adam(config: Config, lang: Lang) -> None:
    st.subheader(t("edge.adam_heading", lang))
    _intro("edge.adam_intro", lang)
    result = _computed(_adam, config, "adam", lang)
    _chart(figures.build_edge(result.descent, result.summaries, lang=lang, big=config.big, adam=True), "adam")
    _bullets([words.edge_line(s, config.adam_steps, lang, beta1=config.beta1) for s in result.summaries])


def show_catapult(config: Config, lang: Lang) -> None:
    st.subheader(t("edge.catapult_heading", lang))
    _intro("edge.catapult_intro", lang)
    result = _computed(_catapult, config, "catapult", lang)
    _chart(figures.build_regimes(result, lang=lang, big=config.big), "regimes")
    _bullets(words.catapult_lines(result, lang))
    _chart(figures.build_catapult_losses(result, lang=lang, big=config.big), "catapult_losses")
    st.caption(t("edge.catapult_caption", lang))


def show_warmup(config: Config, lang: Lang) -> None:
    st.subheader(t("edge.warmup_heading", lang))
    _intro("edge.warmup_intro", lang)
    grid, pair = _computed(_warmup, config, "warmup", lang)
    example = None if pair is None else (float(pair.peaks[0]), int(pair.warmups[1]))
    _chart(figures.build_grid(grid, lang=lang, big=config.big, example=example), "grid")
    lines = words.warmup_lines(grid, pair, lang)
    _bullets(lines[:1])
    if pair is not None:
        _chart(figures.build_pair(pair, lang=lang, big=config.big), "pair")
        _bullets(lines[1:])


SECTIONS: dict[View, Callable[[Config, Lang], None]] = {
    "eos": show_eos,
    "adam": show_adam,
    "catapult": show_catapult,
    "warmup": show_warmup,
}


def sources(view: View, lang: Lang) -> None:
    """The papers behind the section, each with its authors, year and arXiv id."""
    st.markdown(t(f"edge.sources_{view}", lang))
