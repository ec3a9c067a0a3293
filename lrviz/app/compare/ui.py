"""The Compare page's controls and their two-way link with the URL.

As on the playground: on a session's first run the URL is parsed into a
:class:`~lrviz.app.compare.state.Config` and seeded into the widgets; from then on
the widgets are the truth and every run writes the config back to the URL.

Each run (row) has an id that never changes while it lives, so its widgets keep
their keys when another row is removed: ``cmp_<id>_opt``, ``cmp_<id>_lr``, ...
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from lrviz import optimizers, schedules, surfaces
from lrviz.app.compare import compute as comparison
from lrviz.app.compare import figures
from lrviz.app.compare import sheet as cmp_sheet
from lrviz.app.compare import state as compare_state
from lrviz.app.compare.state import MAX_ROWS, Config, Row
from lrviz.app.kit import code, share
from lrviz.app.kit import sheet as sheets
from lrviz.app.kit.rates import LR_RANGE
from lrviz.app.kit.state import PageState
from lrviz.app.kit.widgets import (
    number_box,
    params_form,
    presentation,
    seed_params,
    start_boxes,
    surface_label,
)
from lrviz.app.playground import verdict
from lrviz.app.playground.state import MAX_STEPS, MIN_STEPS
from lrviz.i18n import message, t

K = "cmp_"


def _key(rid: int, name: str) -> str:
    return f"{K}{rid}_{name}"


def _seed_row(rid: int, row: Row) -> None:
    state = st.session_state
    state[_key(rid, "opt")] = row.optimizer
    state[_key(rid, "lr")] = float(row.lr)
    state[_key(rid, "sched")] = row.schedule
    seed_params(
        optimizers.OPTIMIZERS[row.optimizer], _key(rid, f"o_{row.optimizer}_"), dict(row.optimizer_params)
    )
    seed_params(schedules.SCHEDULES[row.schedule], _key(rid, f"s_{row.schedule}_"), dict(row.schedule_params))
    state.setdefault(f"{K}valid", {})[rid] = row


def _set_rows(rows: tuple[Row, ...]) -> None:
    """Replace every run by ``rows`` (fresh ids, so no old widget value leaks in)."""
    first = st.session_state.get(f"{K}next", 0)
    ids = list(range(first, first + len(rows)))
    st.session_state[f"{K}next"] = first + len(rows)
    st.session_state[f"{K}ids"] = ids
    st.session_state[f"{K}valid"] = {}
    for rid, row in zip(ids, rows, strict=True):
        _seed_row(rid, row)


def _seed(config: Config) -> None:
    """The start and the rows (the declared fields seed their own widgets)."""
    state = st.session_state
    _reset_start()
    if config.start is not None:
        state[f"{K}start_x"] = float(config.start[0])
        state[f"{K}start_y"] = float(config.start[1]) if len(config.start) > 1 else 0.0
    _set_rows(config.rows)


PAGE = PageState(K, compare_state.parse, compare_state.to_query, compare_state.DEFAULT, seed=_seed)


# --- adding, removing, spreading rows ----------------------------------------------------------


def _add() -> None:
    ids = st.session_state[f"{K}ids"]
    if len(ids) >= MAX_ROWS:
        return
    last = st.session_state[f"{K}valid"].get(ids[-1], compare_state.DEFAULT_ROWS[0]) if ids else None
    row = compare_state.DEFAULT_ROWS[0] if last is None else replace(last, lr=max(last.lr / 2, LR_RANGE[0]))
    rid = st.session_state[f"{K}next"]
    st.session_state[f"{K}next"] = rid + 1
    ids.append(rid)
    _seed_row(rid, row)


def _remove(rid: int) -> None:
    ids = st.session_state[f"{K}ids"]
    if rid in ids and len(ids) > 1:
        ids.remove(rid)


def _spread() -> None:
    """The shortcut: one optimizer at rates around its critical rate; remembers how they were chosen."""
    state = st.session_state
    optimizer, count = state[f"{K}sp_opt"], int(state.get(f"{K}sp_count") or 4)
    surface = surfaces.SURFACES[state[f"{K}surface"]]
    spread = comparison.spread_rates(
        optimizer, surface, steps=int(state[f"{K}steps"]), count=count, start=_start_of(surface)
    )
    rows = comparison.spread_rows(optimizer, spread)
    _set_rows(rows)
    state[f"{K}spread"] = (rows, optimizer, spread)


def explain(optimizer: str, spread: comparison.Spread, lang: str) -> str:
    """What the shortcut's rates are meant to show, and what trying them on the surface found."""
    rates = ", ".join(
        f"{t(f'compare.role_{role}', lang)} η = {rate:g}"
        for role, rate in zip(spread.roles, spread.rates, strict=True)
    )
    name = optimizers.OPTIMIZERS[optimizer].title(lang)
    if spread.limit is not None and spread.limit.coasting:
        text = t("compare.spread_coasting", lang, optimizer=name, distance=verdict.number(spread.scale),
                 rates=rates, **verdict.coasting_values(spread.limit))
    elif spread.limit is not None:
        text = t(
            "compare.spread_sgd",
            lang,
            optimizer=name,
            formula=spread.limit.formula,
            critical=verdict.number(spread.limit.value),
            rates=rates,
        )
    else:
        text = t("compare.spread_adaptive", lang, optimizer=name, distance=verdict.number(spread.scale),
                 rates=rates)
    probe = spread.probe
    if probe is not None:
        where = dict(count=probe.count, lo=verdict.number(probe.lo), hi=verdict.number(probe.hi))
        if probe.edge is None:
            text += " " + t("compare.probe_none", lang, **where)
        else:
            text += " " + t("compare.probe_edge", lang, edge=verdict.number(probe.edge), **where)
        if probe.quickest is not None:
            text += " " + t("compare.probe_quickest", lang, lr=verdict.number(probe.quickest))
    return text


# --- the sidebar -------------------------------------------------------------------------------


def _reset_start() -> None:
    st.session_state.pop(f"{K}start_x", None)
    st.session_state.pop(f"{K}start_y", None)


def _start_of(surface: surfaces.Surface) -> tuple[float, ...] | None:
    """The start the widgets hold, or None for the surface's own."""
    state = st.session_state
    if f"{K}start_x" not in state:
        return None
    start = (float(state[f"{K}start_x"]),) + ((float(state[f"{K}start_y"]),) if surface.dim == 2 else ())
    return None if start == surface.start else start


def _row_editor(rid: int, index: int, lang: str, errors: list[str]) -> Row:
    """One run's controls in an expander titled with its symbol and label; returns its row."""
    state = st.session_state
    last = state[f"{K}valid"].get(rid, compare_state.DEFAULT_ROWS[0])
    glyph = figures.GLYPHS[index % len(figures.GLYPHS)]
    # The title from the widgets' values of this run (a change reruns the script before they draw).
    shown = Row(
        state.get(_key(rid, "opt"), last.optimizer),
        float(state.get(_key(rid, "lr"), last.lr)),
        state.get(_key(rid, "sched"), last.schedule),
    )
    with st.sidebar.expander(f"{glyph} {index + 1} · {shown.label(lang)}"):
        optimizer = st.selectbox(
            t("compare.optimizer", lang),
            list(optimizers.OPTIMIZERS),
            key=_key(rid, "opt"),
            format_func=lambda n: optimizers.OPTIMIZERS[n].title(lang),
        )
        lr = number_box(t("compare.lr", lang), _key(rid, "lr"), *LR_RANGE, lang, format="%.4g", step=None)
        schedule = st.selectbox(
            t("compare.schedule", lang),
            list(schedules.SCHEDULES),
            key=_key(rid, "sched"),
            format_func=lambda n: schedules.SCHEDULES[n].title(lang),
        )
        opt_spec, sched_spec = optimizers.OPTIMIZERS[optimizer], schedules.SCHEDULES[schedule]
        with st.popover(t("compare.optimizer_settings", lang), width="stretch"):
            st.caption(opt_spec.summary(lang))
            opt_raw = params_form(opt_spec, _key(rid, f"o_{optimizer}_"), lang)
        sched_raw = {}
        if sched_spec.params:
            with st.popover(t("compare.schedule_settings", lang), width="stretch"):
                st.caption(sched_spec.summary(lang))
                sched_raw = params_form(sched_spec, _key(rid, f"s_{schedule}_"), lang)
        st.button(
            t("compare.remove", lang),
            key=_key(rid, "remove"),
            on_click=_remove,
            args=(rid,),
            disabled=len(state[f"{K}ids"]) <= 1,
            icon=":material/delete:",
        )
    try:
        given = []
        for spec, raw in ((opt_spec, opt_raw), (sched_spec, sched_raw)):
            resolved = spec.resolve(raw, float(lr))
            given.append(tuple((p.name, resolved[p.name]) for p in spec.params if p.name in raw))
        row = Row(optimizer, float(lr), schedule, given[0], given[1])
    except ValueError as error:
        errors.append(t("compare.row_error", lang, index=index + 1, detail=message(error, lang)))
        return last
    state[f"{K}valid"][rid] = row
    return row


def sidebar(lang: str) -> tuple[Config, list[str]]:
    """Surface, steps, start, the rows and the shortcut; returns the config and any error messages."""
    side, state = st.sidebar, st.session_state
    errors: list[str] = []
    side.header(t("compare.setup", lang))
    name = side.selectbox(
        t("compare.surface", lang),
        list(surfaces.SURFACES),
        key=f"{K}surface",
        format_func=lambda n: surface_label(n, lang),
        on_change=_reset_start,
    )
    surface = surfaces.SURFACES[name]
    steps = side.slider(t("compare.steps", lang), MIN_STEPS, MAX_STEPS, key=f"{K}steps", step=10)
    with side.expander(t("compare.start", lang)):
        start_boxes(surface, K, lang)
        st.button(t("compare.start_reset", lang), on_click=_reset_start, key=f"{K}start_reset")

    side.header(t("compare.runs", lang))
    rows = tuple(_row_editor(rid, i, lang, errors) for i, rid in enumerate(state[f"{K}ids"]))
    full = len(rows) >= MAX_ROWS
    side.button(
        t("compare.add", lang),
        key=f"{K}add",
        on_click=_add,
        disabled=full,
        help=t("compare.add_help", lang),
        width="stretch",
    )
    if full:
        side.caption(t("compare.full", lang, max=MAX_ROWS))

    with side.expander(t("compare.shortcut", lang), expanded=False):
        st.caption(t("compare.shortcut_intro", lang))
        st.selectbox(
            t("compare.shortcut_optimizer", lang),
            list(optimizers.OPTIMIZERS),
            key=f"{K}sp_opt",
            format_func=lambda n: optimizers.OPTIMIZERS[n].title(lang),
        )
        st.segmented_control(t("compare.shortcut_count", lang), (3, 4, 5), key=f"{K}sp_count", default=4)
        st.button(
            t("compare.shortcut_button", lang),
            key=f"{K}sp_go",
            on_click=_spread,
            type="primary",
            width="stretch",
        )
    big = presentation(lang, f"{K}big", side)
    config = Config(
        surface=name,
        rows=rows,
        steps=int(steps),
        start=_start_of(surface),
        layout=state.get(f"{K}layout") or "overlay",
        big=bool(big),
        lang=lang,
    )
    return config, errors


def layout_control(lang: str) -> str:
    return (
        st.segmented_control(
            t("compare.layout", lang),
            ("overlay", "multiples"),
            key=f"{K}layout",
            format_func=lambda v: t(f"compare.layout_{v}", lang),
        )
        or "overlay"
    )


def spread_note(config: Config) -> str | None:
    """The shortcut's explanation (in the current language), while the runs are still the ones it made."""
    stored = st.session_state.get(f"{K}spread")
    if not stored or stored[0] != config.rows:
        return None
    return explain(stored[1], stored[2], config.lang)


def results_table(table: list[comparison.Result], lang: str) -> None:
    """The results as a sortable table, with the columns in the user's language."""
    st.dataframe(results_frame(table, lang), hide_index=True,
                 placeholder="—",  # a diverged run's empty cell (Streamlit writes "None" otherwise)
                 column_config={label: st.column_config.NumberColumn(help=t(f"compare.col_{key}_help", lang))
                                for key, label in _numeric_columns(lang).items()})


def _numeric_columns(lang: str) -> dict[str, str]:
    return {key: t(f"compare.col_{key}", lang) for key in ("final_loss", "distance", "steps")}


def results_frame(table: list[comparison.Result], lang: str) -> Styler:
    """The table's values, the losses and distances written as every sentence writes a number
    (:func:`~lrviz.app.playground.verdict.number`). A Styler's text is what the grid shows while it
    sorts by the numbers underneath: a printf format (``NumberColumn``) cannot write 0.0153 and
    1.59e-08 as the sentences do, and a text column would sort "1.59e-08" above "0.0153"."""
    labels = _numeric_columns(lang)
    frame = pd.DataFrame({
        t("compare.col_run", lang): [r.run for r in table],
        t("compare.col_status", lang): [t(f"status.{r.status}", lang) for r in table],
        labels["final_loss"]: [_finite(r.final_loss) for r in table],
        labels["distance"]: [_finite(r.distance) for r in table],
        labels["steps"]: pd.array([r.steps_to_tol for r in table], dtype="Int64"),
    })
    # A run that never came within the tolerance has no step count: a dash, as the other columns' (the
    # grid shows a Styler's text, so st.dataframe's placeholder does not reach these cells).
    return (frame.style.format(verdict.number, subset=[labels["final_loss"], labels["distance"]], na_rep="—")
            .format(na_rep="—", subset=[labels["steps"]]))


def _finite(value: float) -> float | None:
    """A dash, not "∞", for a run that diverged (its column help says so)."""
    return value if math.isfinite(value) else None


def verdicts(rows: tuple[Row, ...], runs, surface: surfaces.Surface, lang: str) -> None:
    """Each run's outcome in full sentences (:func:`~lrviz.app.playground.verdict.verdict`),
    with its optimizer's limit."""
    for row, run in zip(rows, runs, strict=True):
        said = verdict.verdict(run, surface, lang, comparison.limit_of(row, run.curvature, surface))
        st.markdown(f"**{row.label(lang)}** — {said.headline} {said.detail}")


def code_panel(config: Config, lang: str) -> None:
    """The chosen run's whole script in PyTorch, Keras 3 and optax (:func:`lrviz.app.kit.code.panel`)."""
    rows = config.rows
    index = st.selectbox(
        t("export.which", lang),
        range(len(rows)),
        key=f"{K}code_row",
        format_func=lambda i: f"{figures.GLYPHS[i % len(figures.GLYPHS)]} {i + 1} · {rows[i].label(lang)}",
    )
    row = rows[min(index or 0, len(rows) - 1)]
    code.panel(config.surface, comparison.run_kwargs(row, config.steps, config.start), lang, key=f"{K}code")


# --- cached results: pure functions of the config ----------------------------------------------


@st.cache_resource(max_entries=32, show_spinner=False)
def runs(surface: str, rows: tuple[Row, ...], steps: int, start: tuple[float, ...] | None):
    """Every row's run; shared read-only across sessions."""
    return comparison.run_rows(surfaces.SURFACES[surface], rows, steps, start)


@st.cache_resource(max_entries=32, show_spinner=False)
def chart(config: Config, narrow: bool = False):
    """The figure for a config, in its layout and language; ``narrow``: the overlay in one
    column, for a phone."""
    surface = surfaces.SURFACES[config.surface]
    done = runs(config.surface, config.rows, config.steps, config.start)
    names = comparison.names(config.rows, done, config.lang, sep="<br>")
    if config.layout == "multiples":
        return figures.build_multiples(done, names, surface, lang=config.lang, big=config.big)
    return figures.build_overlay(done, names, surface, lang=config.lang, big=config.big, narrow=narrow)


def share_bar(config: Config, figure, done, lang: str) -> None:
    """Copy link, and the comparison as an offline HTML page and as Markdown notes (built on a click)."""
    url = share.link("compare", compare_state.to_query(config))
    share.bar(url, lang, "compare",
              markdown=lambda: sheets.to_markdown(cmp_sheet.sheet(config, done, url)),
              html=lambda: sheets.to_html(cmp_sheet.sheet(config, done, url), [figure]))
