"""Widgets that every page shares: hyper-parameters from their specs, the learning-rate control."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import streamlit as st

from lrviz import schedules, surfaces
from lrviz.app.kit.query import START, format_value
from lrviz.app.playground.state import CUSTOM
from lrviz.i18n import message, t
from lrviz.params import ParamSpec, Spec

# Suffixes of a number box's key: its last value in range, a refusal to say, a refusal on screen.
_KEPT, _REFUSED, _SAID = "__kept", "__refused", "__said"


def number_box(label: str, key: str, lo: float, hi: float, lang: str, container=st, *,
               on_change: Callable[[], None] | None = None, **kwargs: Any) -> Any:
    """A number input that checks its range itself; returns the value it holds (a value typed in is
    kept only within ``[lo, hi]``, and ``lo``, ``hi`` should be what the page's link takes; an integer
    where both ends are).

    Streamlit's own ``min_value``/``max_value`` refuse a value out of range with an English tooltip
    while the box keeps showing it (and an emptied box took ``min_value``). Here the box takes any
    number: one out of range goes back to the value the box held, with a message in the student's
    language under the box; an emptied box goes back quietly. ``on_change`` runs only for a value
    the box keeps. ``kwargs`` go to ``st.number_input`` (``step``, ``format``, ``help``, ``width``).
    """
    state = st.session_state
    whole = isinstance(lo, int) and isinstance(hi, int)
    if state.get(key) is None:  # never seeded (or dropped with another page's run): as Streamlit's own box
        state[key] = state.get(key + _KEPT, lo)
    state[key + _KEPT] = state[key]  # what the box holds when drawn is in range: the callback sees to it
    if whole and kwargs.get("step") is None:
        kwargs["step"] = 1
    value = container.number_input(label, value=None, key=key, on_change=_check_box,
                                   args=(key, lo, hi, on_change), **kwargs)
    refused = state.pop(key + _REFUSED, None)
    state[key + _SAID] = refused is not None
    if refused is not None:
        shown = str if whole else (lambda v: format_value(float(v)))
        container.error(t("app.refused_whole" if whole else "app.refused_number", lang, name=label,
                          value=shown(refused), lo=shown(lo), hi=shown(hi), kept=shown(value)))
    return value


def start_boxes(surface: surfaces.Surface, prefix: str, lang: str, *,
                on_change: Callable[[], None] | None = None) -> tuple[float, ...]:
    """The boxes x₀ (and y₀ in 2-D) of a run's start, in the current container, holding the surface's
    own start until changed; returns what they hold. Keys ``<prefix>start_x`` and ``<prefix>start_y``;
    each takes what a link takes (:data:`~lrviz.app.kit.query.START`), through :func:`number_box`."""
    state = st.session_state
    if f"{prefix}start_x" not in state:
        state[f"{prefix}start_x"] = float(surface.start[0])
        state[f"{prefix}start_y"] = float(surface.start[1]) if surface.dim == 2 else 0.0
    boxes = (("x₀", "x"), ("y₀", "y"))[: surface.dim]
    return tuple(float(number_box(name, f"{prefix}start_{axis}", *START, lang, on_change=on_change,
                                  format="%.4g", step=0.1)) for name, axis in boxes)


def refusal_on_screen() -> bool:
    """Whether a :func:`number_box` shows a refusal under it. A callback that would rerun only a
    fragment lets the page rerun instead, or the message stays under a box that now holds a value."""
    return any(value is True for key, value in st.session_state.items() if str(key).endswith(_SAID))


def _check_box(key: str, lo: float, hi: float, on_change: Callable[[], None] | None) -> None:
    """:func:`number_box`'s callback: a value in range stays (then ``on_change``), else the last is back."""
    state = st.session_state
    value = state[key]
    if value is not None and math.isfinite(value) and lo <= value <= hi:
        state[key + _KEPT] = value
        if on_change is not None:
            on_change()
        return
    state[key] = state.get(key + _KEPT)
    if value is not None:
        state[key + _REFUSED] = value


def _as_label(name: str) -> str:
    """A parameter's name as a widget's label, capitalised like the page's other labels
    ("weight decay" → "Weight decay"); torch's own names stay as torch writes them (eta_min, T_max)."""
    first = name.split(" ", 1)[0]
    return name if "_" in first or not name[:1].islower() else name[0].upper() + name[1:]


def param_widget(spec: ParamSpec, key: str, lang: str, container=st, on_change=None) -> Any:
    """One input for one hyper-parameter; its value is ``st.session_state[key]``."""
    label, common = _as_label(spec.label(lang)), dict(help=spec.help(lang), on_change=on_change)
    if key not in st.session_state:
        st.session_state[key] = _widget_value(spec, spec.default)
    if spec.kind == "bool":
        return container.toggle(label, key=key, **common)
    if spec.kind == "choice":
        return container.selectbox(label, spec.choices, key=key, **common)
    if spec.kind in ("ints", "floats") or spec.optional:
        # An optional value left empty takes a default its help explains ("None: the learning rate").
        placeholder = t("app.unset", lang) if spec.optional else None
        return container.text_input(label, key=key, placeholder=placeholder, **common)
    step = 1 if spec.kind == "int" else None
    return container.number_input(label, key=key, step=step, format="%d" if spec.kind == "int" else "%.6g",
                                  **common)


def _widget_value(spec: ParamSpec, value: Any) -> Any:
    """A parameter value as its widget holds it (text for lists and optional numbers)."""
    if spec.kind in ("ints", "floats"):
        return ", ".join(f"{v:g}" for v in value)
    if spec.optional:
        return "" if value is None else f"{value:g}"
    if spec.kind == "int":
        return int(value)
    if spec.kind == "float":
        return float(value)
    return value


def _from_widget(spec: ParamSpec, value: Any) -> Any:
    if spec.optional and str(value).strip() == "":
        return None
    return value


def seed_params(spec: Spec, prefix: str, values: dict[str, Any]) -> None:
    """Put values (from a link) into the widgets of ``spec`` before they are drawn."""
    for p in spec.params:
        if p.name in values:
            st.session_state[f"{prefix}{p.name}"] = _widget_value(p, values[p.name])


def params_form(spec: Spec, prefix: str, lang: str, container=st, on_change=None) -> dict[str, Any]:
    """Inputs for every parameter of ``spec`` (``on_change`` runs when one changes); returns
    :func:`given_params`."""
    for p in spec.params:
        param_widget(p, f"{prefix}{p.name}", lang, container, on_change)
    return given_params(spec, prefix)


def given_params(spec: Spec, prefix: str) -> dict[str, Any]:
    """The raw values that differ from the defaults in the inputs :func:`params_form` drew for
    ``spec`` under ``prefix``, as they hold them now (also in a fragment that did not draw them)."""
    raw = {}
    for p in spec.params:
        value = _from_widget(p, st.session_state.get(f"{prefix}{p.name}", _widget_value(p, p.default)))
        if value != p.default and not (p.kind in ("ints", "floats") and _same_list(p, value)):
            raw[p.name] = value
    return raw


def _same_list(spec: ParamSpec, value: Any) -> bool:
    try:
        return spec.check(value) == spec.check(spec.default)
    except ValueError:
        return False


def schedule_picker(lang: str, key: str, prefix_of, container=st, *, exclude: tuple[str, ...] = (),
                    steps: int | None = None, on_change=None) -> tuple[str, dict[str, Any]]:
    """A schedule by name and, when it has any, its parameters in an expander.

    ``prefix_of(name)`` gives the session-state prefix of that schedule's widgets,
    so each schedule keeps its own settings while the student switches between them.
    ``exclude``: ids not offered. ``steps``: the horizon defaults fit that many updates
    (:func:`lrviz.schedules.for_steps`). ``on_change`` runs when a parameter changes (a new
    schedule reruns the page: its parameters are other inputs). Returns the schedule's id and the
    raw values that differ from its defaults.
    """
    names = [n for n in schedules.SCHEDULES if n not in exclude]
    name = container.selectbox(t("pg.schedule", lang), names, key=key,
                               format_func=lambda n: schedules.SCHEDULES[n].title(lang))
    spec = schedules.SCHEDULES[name] if steps is None else schedules.for_steps(name, steps)
    if not spec.params:
        return name, {}
    with container.expander(t("pg.schedule_settings", lang)):
        st.caption(spec.summary(lang))
        return name, params_form(spec, prefix_of(name), lang, on_change=on_change)


def checked(spec: Spec, raw: dict[str, Any], lr: float, lang: str,
            errors: list[str]) -> tuple[tuple[str, Any], ...] | None:
    """The given parameters as ``spec`` resolves them at rate ``lr``, or None, with the
    spec's complaint added to ``errors`` in the student's language."""
    try:
        resolved = spec.resolve(raw, lr)
    except ValueError as error:
        errors.append(t("errors.params", lang, name=spec.title(lang), detail=message(error, lang)))
        return None
    return tuple((name, resolved[name]) for name in raw)


def surface_label(name: str, lang: str) -> str:
    """A surface's name in the student's language with its dimension, for a select box."""
    if name == CUSTOM:
        return t("pg.custom_surface", lang)
    surface = surfaces.SURFACES[name]
    return f"{surface.title(lang)} · {surface.dim}-D"


def surface_picker(lang: str, prefix: str, on_change, container=st) -> tuple[str, str, int]:
    """Every surface or "my own formula" (with its dimension and text box).

    Widgets live under session keys ``prefix + "surface" | "dim" | "formula"``;
    ``on_change`` runs when any of them changes. Returns (id, formula, dim);
    the formula is "" and dim 1 unless the student chose their own.
    """
    surface = container.selectbox(t("pg.surface", lang), [*surfaces.SURFACES, CUSTOM], key=f"{prefix}surface",
                                  format_func=lambda n: surface_label(n, lang), on_change=on_change)
    if surface == CUSTOM:
        container.radio(t("pg.dim", lang), (1, 2), key=f"{prefix}dim", horizontal=True,
                        format_func=lambda d: f"{d}-D", on_change=on_change)
        container.text_input(t("pg.formula", lang), key=f"{prefix}formula",
                             help=t("pg.formula_help", lang), on_change=on_change)
    return picked_surface(prefix)


def picked_surface(prefix: str) -> tuple[str, str, int]:
    """What :func:`surface_picker`'s widgets under ``prefix`` hold now: (id, formula, dim)."""
    state = st.session_state
    surface = state[f"{prefix}surface"]
    if surface != CUSTOM:
        return surface, "", 1
    return surface, state[f"{prefix}formula"], int(state[f"{prefix}dim"])


# Presentation mode: the page's own text grows with the charts' (theme.figure enlarges those),
# so the back row of a lecture hall reads the verdicts too. Streamlit sizes its text in rem. The
# page's title shrinks instead (2.75rem is 58 px at 21 px, two lines in English), and so does the
# room above it (6rem): on a 1280×720 projector they pushed the chart below the fold.
# Streamlit's header turns opaque while the sidebar is collapsed, and hid the top 60-79 px of what
# scrolls under it; it holds only the button that opens the sidebar, left of the page's content, so
# in presentation mode it stays clear, as it is while the sidebar is open. Its toolbar spans the
# page's width and took the clicks meant for what shows through it (a lesson's Previous and Next):
# only its own buttons and links take clicks.
_PRESENTATION_CSS = ("<style>html { font-size: 21px; }"
                     " [data-testid='stMain'] h1 { font-size: 1.5rem; }"
                     " [data-testid='stMainBlockContainer'] { padding-top: 4.5rem; }"
                     " [data-testid='stApp'] [data-testid='stHeader'] { background: transparent; }"
                     " [data-testid='stHeader'], [data-testid='stHeader'] * { pointer-events: none; }"
                     " [data-testid='stHeader'] :is(button, a) { pointer-events: auto; }</style>")


def presentation_style() -> None:
    """Presentation mode's look for this run's page: every text about 1.3× larger. The toggle below
    applies it, and so does a lesson in presentation mode, for its own controls and the step's page."""
    st.html(_PRESENTATION_CSS)


def presentation(lang: str, key: str, container=None) -> bool:
    """The presentation-mode toggle; while it is on, every text on the page is about 1.3× larger."""
    big = (container or st.sidebar).toggle(t("app.big", lang), key=key, help=t("app.big_help", lang))
    if big:
        presentation_style()
    return bool(big)
