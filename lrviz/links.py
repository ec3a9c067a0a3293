"""Shareable links: a page's state as a typed config, to and from the URL query string.

A lecturer's link is a contract (DESIGN.md): ``/playground?surface=ravine&lr=0.07``
must reopen the same demo next year. Parsing never raises: every key that is
missing takes its default, every key that is malformed takes its default too
and leaves a :class:`Note` that the page shows, in the student's language.

Keys of the playground: ``surface``, ``formula`` (with ``surface=custom``),
``dim`` (of a formula), ``optimizer``, ``lr``, ``schedule``, ``steps``,
``start`` (comma-separated), ``noise``, ``clip``, ``seed``, ``view``
(``map`` | ``3d``), ``mode`` (``animate`` | ``scrub``), ``big`` (presentation
mode), ``lang``, and one key per hyper-parameter: ``o.<name>`` for the
optimizer's, ``s.<name>`` for the schedule's (e.g. ``o.momentum=0.8``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal, NamedTuple

from lrviz import optimizers, schedules, surfaces
from lrviz.i18n import DEFAULT_LANG, Lang, parse_lang
from lrviz.params import Spec

LR_RANGE = (1e-4, 10.0)
MAX_STEPS = 2000
CUSTOM = "custom"


class Note(NamedTuple):
    """A URL value that could not be used: shown to the user, never raised."""

    key: str
    value: str
    fallback: str


@dataclass(frozen=True)
class PlaygroundConfig:
    surface: str = "quadratic"
    formula: str = ""
    dim: int = 1
    optimizer: str = "sgd"
    optimizer_params: tuple[tuple[str, Any], ...] = ()
    lr: float = 0.1
    schedule: str = "constant"
    schedule_params: tuple[tuple[str, Any], ...] = ()
    steps: int = 100
    start: tuple[float, ...] | None = None
    noise: float = 0.0
    clip: float | None = None
    seed: int = 0
    view: Literal["map", "3d"] = "map"
    mode: Literal["animate", "scrub"] = "animate"
    big: bool = False
    lang: Lang = DEFAULT_LANG
    notes: tuple[Note, ...] = field(default=(), compare=False)


DEFAULT = PlaygroundConfig()


def _number(text: str, lo: float, hi: float) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and lo <= value <= hi else None


def _whole(text: str, lo: int, hi: int) -> int | None:
    value = _number(text, lo, hi)
    return int(value) if value is not None and value == int(value) else None


def _params(query: Mapping[str, str], prefix: str, spec: Spec, notes: list[Note]) -> tuple:
    """The hyper-parameters given as ``prefix.name`` keys, each checked by its spec."""
    given = []
    for p in spec.params:
        key = f"{prefix}.{p.name}"
        if key not in query:
            continue
        try:
            given.append((p.name, p.check(query[key])))
        except ValueError:
            notes.append(Note(key, query[key], str(p.default)))
    return tuple(given)


def parse_playground(query: Mapping[str, str]) -> PlaygroundConfig:
    """The playground config a query string describes; bad values fall back with a note."""
    notes: list[Note] = []
    config = DEFAULT

    def take(key: str, parse, default):
        if key not in query:
            return default
        value = parse(str(query[key]))
        if value is None:
            notes.append(Note(key, str(query[key])[:60], str(default)))
            return default
        return value

    lang = take("lang", parse_lang, DEFAULT_LANG)
    surface = take("surface", lambda s: s if s in surfaces.SURFACES or s == CUSTOM else None, config.surface)
    dim = take("dim", lambda s: _whole(s, 1, 2), 1)
    formula = str(query.get("formula", ""))[:300]
    if surface == CUSTOM:
        try:
            surfaces.from_expression(formula, dim)
        except ValueError:
            notes.append(Note("formula", formula[:60], config.surface))
            surface, formula = config.surface, ""
    else:
        formula, dim = "", DEFAULT.dim  # only a formula has a dimension of its own
    optimizer = take("optimizer", lambda s: s if s in optimizers.OPTIMIZERS else None, config.optimizer)
    schedule = take("schedule", lambda s: s if s in schedules.SCHEDULES else None, config.schedule)
    lr = take("lr", lambda s: _number(s, *LR_RANGE), config.lr)
    steps = take("steps", lambda s: _whole(s, 1, MAX_STEPS), config.steps)
    surface_dim = dim if surface == CUSTOM else surfaces.SURFACES[surface].dim
    start = take("start", lambda s: _point(s, surface_dim), None)
    noise = take("noise", lambda s: _number(s, 0.0, 100.0), 0.0)
    clip = take("clip", lambda s: _number(s, 1e-6, 1e6), None)
    seed = take("seed", lambda s: _whole(s, 0, 2**31 - 1), 0)
    view = take("view", lambda s: s if s in ("map", "3d") else None, "map")
    mode = take("mode", lambda s: s if s in ("animate", "scrub") else None, "animate")
    big = take("big", lambda s: {"1": True, "0": False, "true": True, "false": False}.get(s.lower()), False)
    opt_params = _params(query, "o", optimizers.OPTIMIZERS[optimizer], notes)
    sched_params = _params(query, "s", schedules.SCHEDULES[schedule], notes)
    config = PlaygroundConfig(
        surface=surface, formula=formula, dim=dim, optimizer=optimizer, optimizer_params=opt_params,
        lr=lr, schedule=schedule, schedule_params=sched_params, steps=steps, start=start, noise=noise,
        clip=clip, seed=seed, view=view, mode=mode, big=big, lang=lang,
    )
    return validated(config, notes)


def validated(config: PlaygroundConfig, notes: list[Note] | None = None) -> PlaygroundConfig:
    """The config with parameter combinations that the specs reject dropped (with notes)."""
    notes = list(notes or [])
    for prefix, spec, field_name in (
        ("o", optimizers.OPTIMIZERS[config.optimizer], "optimizer_params"),
        ("s", schedules.SCHEDULES[config.schedule], "schedule_params"),
    ):
        params = getattr(config, field_name)
        try:
            spec.resolve(dict(params), config.lr)
        except ValueError:
            notes += [Note(f"{prefix}.{name}", str(value), "default") for name, value in params]
            config = replace(config, **{field_name: ()})
    return replace(config, notes=tuple(notes))


def _point(text: str, dim: int) -> tuple[float, ...] | None:
    parts = [p for p in text.replace(" ", "").split(",") if p]
    values = [_number(p, -1e3, 1e3) for p in parts]
    if len(values) != dim or any(v is None for v in values):
        return None
    return tuple(values)  # type: ignore[arg-type]


def _format(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, tuple):
        return ",".join(_format(v) for v in value)
    return str(value)


def playground_query(config: PlaygroundConfig) -> dict[str, str]:
    """The query string for ``config``: only what differs from the defaults, plus ``lang``."""
    query: dict[str, str] = {"lang": config.lang}
    for name in ("surface", "optimizer", "lr", "schedule", "steps", "noise", "seed", "view", "mode", "big"):
        value = getattr(config, name)
        if value != getattr(DEFAULT, name) or name in ("surface", "optimizer", "lr", "schedule", "steps"):
            query[name] = _format(value)
    if config.surface == CUSTOM:
        query["formula"] = config.formula
        query["dim"] = str(config.dim)
    if config.start is not None:
        query["start"] = _format(config.start)
    if config.clip is not None:
        query["clip"] = _format(config.clip)
    for prefix, params in (("o", config.optimizer_params), ("s", config.schedule_params)):
        for name, value in params:
            query[f"{prefix}.{name}"] = _format(value)
    return query


def surface_of(config: PlaygroundConfig) -> surfaces.Surface:
    """The surface a config names (a parsed formula for ``custom``)."""
    if config.surface == CUSTOM:
        return surfaces.from_expression(config.formula, config.dim)
    return surfaces.SURFACES[config.surface]
