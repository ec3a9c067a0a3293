"""The playground's state: a typed config, to and from the URL query string.

A lecturer's link is a contract (DESIGN.md): ``/playground?surface=ravine&lr=0.07``
must reopen the same demo next year. Parsing never raises: every key that is
missing takes its default, every key that is malformed takes its default too
and leaves a :class:`Note` that the page shows, in the student's language.

Keys of the playground: ``surface``, ``formula`` (with ``surface=custom``),
``dim`` (of a formula), ``optimizer``, ``lr``, ``schedule``, ``steps``,
``start`` (comma-separated), ``noise``, ``clip``, ``seed``, ``view``
(``map`` | ``3d``), ``frame`` (the step the chart shows, 0 … steps), ``big``
(presentation mode), ``lang``, and one key per hyper-parameter: ``o.<name>`` for the
optimizer's, ``s.<name>`` for the schedule's (e.g. ``o.momentum=0.8``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from lrviz import optimizers, schedules, surfaces
from lrviz.app.kit import link
from lrviz.app.kit.query import START, Note, QueryReader, format_value
from lrviz.app.kit.rates import LR_RANGE
from lrviz.i18n import Lang

MIN_STEPS, MAX_STEPS = 10, 2000  # the steps slider's range (a link outside it could not be shown)
STEPS_STEP = 10  # the slider's stride (a link may name any whole number in the range)
NOISE_STEP = 0.05  # the noise slider's stride
# The settings the chart's own controls hold (a move fetches the runs, no rerun: chart/serve.py).
CHART_SETTINGS = ("steps", "noise", "seed")
MAX_NOISE = 2.0  # the noise slider's end
CUSTOM = "custom"


@dataclass(frozen=True)
class Config:
    """What the playground shows. Plain fields are declared with their link (:mod:`lrviz.app.kit.link`);
    the formula and its dimension, the hyper-parameters and the start are read by :func:`parse`."""

    surface: str = link.entry("quadratic", surfaces.SURFACES, options=[*surfaces.SURFACES, CUSTOM],
                              always=True)
    formula: str = ""
    dim: int = 1
    optimizer: str = link.entry("sgd", optimizers.OPTIMIZERS, always=True)
    optimizer_params: tuple[tuple[str, Any], ...] = ()
    lr: float = link.number(0.1, *LR_RANGE, always=True, widget=False)
    schedule: str = link.entry("constant", schedules.SCHEDULES, always=True)
    schedule_params: tuple[tuple[str, Any], ...] = ()
    steps: int = link.whole(100, MIN_STEPS, MAX_STEPS, always=True)
    start: tuple[float, ...] | None = None
    noise: float = link.number(0.0, 0.0, MAX_NOISE)
    clip: float | None = link.number(None, 1e-6, 1e6, widget=False)
    seed: int = link.whole(0, 0, 2**31 - 1)
    view: Literal["map", "3d"] = link.choice("map", ("map", "3d"), name=link.labelled("pg.view_"))
    frame: int = link.whole(0, 0, MAX_STEPS, widget=False)
    big: bool = link.flag(False)
    lang: Lang = link.language()
    notes: tuple[Note, ...] = field(default=(), compare=False)

    @property
    def gradient_changed(self) -> bool:
        """Noise or clipping changes the gradient each step is given (the rule then calls it g)."""
        return bool(self.noise) or self.clip is not None


DEFAULT = Config()


def parse(query: Mapping[str, str]) -> Config:
    """The playground config a query string describes; bad values fall back with a note."""
    read = QueryReader(query)
    config = Config(**link.read(Config, read))
    dim = read.whole("dim", 1, 2, DEFAULT.dim)
    formula = str(query.get("formula", ""))[:300]
    if config.surface == CUSTOM:
        try:
            surfaces.from_expression(formula, dim)
        except ValueError:
            read.note("formula", formula, DEFAULT.surface)
            config = replace(config, surface=DEFAULT.surface)
            formula = ""
    else:
        formula, dim = "", DEFAULT.dim  # only a formula has a dimension of its own
    surface_dim = dim if config.surface == CUSTOM else surfaces.SURFACES[config.surface].dim
    config = replace(
        config, formula=formula, dim=dim,
        optimizer_params=read.params("o", optimizers.OPTIMIZERS[config.optimizer], config.lr),
        schedule_params=read.params("s", schedules.SCHEDULES[config.schedule], config.lr),
        start=read.numbers("start", *START, surface_dim, None),
    )
    if config.frame > config.steps:  # a step the run does not have
        read.note("frame", str(query.get("frame", "")), 0)
        config = replace(config, frame=0)
    return replace(config, notes=tuple(read.notes))


def to_query(config: Config) -> dict[str, str]:
    """The query string for ``config``: the surface, optimizer, rate, schedule, steps and language,
    and whatever else differs from the defaults."""
    query = link.write(config)
    if config.surface == CUSTOM:
        query["formula"] = config.formula
        query["dim"] = str(config.dim)
    if config.start is not None:
        query["start"] = format_value(config.start)
    link.write_params(query, "o", config.optimizer_params)
    link.write_params(query, "s", config.schedule_params)
    return query


def surface_of(config: Config) -> surfaces.Surface:
    """The surface a config names (a parsed formula for ``custom``)."""
    if config.surface == CUSTOM:
        return surfaces.from_expression(config.formula, config.dim)
    return surfaces.SURFACES[config.surface]


def run_kwargs(config: Config) -> dict[str, Any]:
    """:func:`lrviz.engine.run`'s keyword arguments for the run ``config`` shows (and the code
    export writes: :func:`lrviz.app.kit.code.panel`)."""
    return dict(optimizer=config.optimizer, lr=config.lr, steps=config.steps, start=config.start,
                schedule=config.schedule, schedule_params=dict(config.schedule_params),
                optimizer_params=dict(config.optimizer_params), noise=config.noise, seed=config.seed,
                clip_norm=config.clip)
