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

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from lrviz import optimizers, schedules, surfaces
from lrviz.app.kit.query import Note, QueryReader, format_value
from lrviz.i18n import DEFAULT_LANG, Lang, parse_lang

LR_RANGE = (1e-4, 10.0)
MAX_STEPS = 2000
CUSTOM = "custom"


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


def parse_playground(query: Mapping[str, str]) -> PlaygroundConfig:
    """The playground config a query string describes; bad values fall back with a note."""
    read = QueryReader(query)
    lang = read.get("lang", parse_lang, DEFAULT_LANG)
    surface = read.choice("surface", [*surfaces.SURFACES, CUSTOM], DEFAULT.surface)
    dim = read.whole("dim", 1, 2, DEFAULT.dim)
    formula = str(query.get("formula", ""))[:300]
    if surface == CUSTOM:
        try:
            surfaces.from_expression(formula, dim)
        except ValueError:
            read.note("formula", formula, DEFAULT.surface)
            surface, formula = DEFAULT.surface, ""
    else:
        formula, dim = "", DEFAULT.dim  # only a formula has a dimension of its own
    optimizer = read.choice("optimizer", optimizers.OPTIMIZERS, DEFAULT.optimizer)
    schedule = read.choice("schedule", schedules.SCHEDULES, DEFAULT.schedule)
    surface_dim = dim if surface == CUSTOM else surfaces.SURFACES[surface].dim
    lr = read.number("lr", *LR_RANGE, DEFAULT.lr)
    config = PlaygroundConfig(
        surface=surface, formula=formula, dim=dim, optimizer=optimizer,
        optimizer_params=read.params("o", optimizers.OPTIMIZERS[optimizer], lr),
        lr=lr, schedule=schedule, schedule_params=read.params("s", schedules.SCHEDULES[schedule], lr),
        steps=read.whole("steps", 1, MAX_STEPS, DEFAULT.steps),
        start=read.numbers("start", -1e3, 1e3, surface_dim, None),
        noise=read.number("noise", 0.0, 100.0, DEFAULT.noise),
        clip=read.number("clip", 1e-6, 1e6, None),
        seed=read.whole("seed", 0, 2**31 - 1, DEFAULT.seed),
        view=read.choice("view", ("map", "3d"), DEFAULT.view),
        mode=read.choice("mode", ("animate", "scrub"), DEFAULT.mode),
        big=read.flag("big", DEFAULT.big),
        lang=lang,
    )
    return replace(config, notes=tuple(read.notes))


def playground_query(config: PlaygroundConfig) -> dict[str, str]:
    """The query string for ``config``: only what differs from the defaults, plus ``lang``."""
    query: dict[str, str] = {"lang": config.lang}
    for name in ("surface", "optimizer", "lr", "schedule", "steps", "noise", "seed", "view", "mode", "big"):
        value = getattr(config, name)
        if value != getattr(DEFAULT, name) or name in ("surface", "optimizer", "lr", "schedule", "steps"):
            query[name] = format_value(value)
    if config.surface == CUSTOM:
        query["formula"] = config.formula
        query["dim"] = str(config.dim)
    if config.start is not None:
        query["start"] = format_value(config.start)
    if config.clip is not None:
        query["clip"] = format_value(config.clip)
    for prefix, params in (("o", config.optimizer_params), ("s", config.schedule_params)):
        for name, value in params:
            query[f"{prefix}.{name}"] = format_value(value)
    return query


def surface_of(config: PlaygroundConfig) -> surfaces.Surface:
    """The surface a config names (a parsed formula for ``custom``)."""
    if config.surface == CUSTOM:
        return surfaces.from_expression(config.formula, config.dim)
    return surfaces.SURFACES[config.surface]
