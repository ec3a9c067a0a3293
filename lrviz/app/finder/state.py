"""The LR finder page's state as a typed config, to and from the URL query string.

Keys (every one optional; a missing key takes its default, a malformed one its default
with a visible note, see :class:`lrviz.app.kit.query.QueryReader`):

``data`` (``moons`` | ``circles`` | ``spirals`` | ``digits``), ``width`` (hidden units,
4–256), ``depth`` (hidden layers, 1–4), ``optimizer`` (an id of :mod:`lrviz.optimizers`)
with ``o.<name>`` for its hyper-parameters, ``batch`` (mini-batch size, 8–512);
range test: ``lr_min``, ``lr_max`` (1e-6–100), ``batches`` (10–1000), ``seeds`` (1–8);
training budget of the checks, searches and curves: ``steps`` (50–2000, a multiple of 10),
``rates`` (runs of each search, 4–64), ``schedule`` (an id of :mod:`lrviz.schedules` except
``plateau``, which needs a loss per epoch) with ``s.<name>`` for its parameters where they differ
from the defaults; the horizon defaults fit ``steps`` (:func:`lrviz.schedules.for_steps`, e.g.
cosine's ``T_max`` = ``steps``); ``o.<name>`` and ``s.<name>`` are checked at ``lr_max``, the
largest base rate any training uses. The range test ignores the schedule: its rate always grows
exponentially. ``view`` (``range`` | ``check`` | ``search`` |
``general``); ``check``, ``search``, ``general`` (1 once the section's button was pressed, so a
link shows its result); ``big`` (presentation mode, 1/0); ``lang``.

Rules across keys (:func:`problems`): ``lr_min`` < ``lr_max``, and the batch no larger than
the training set. The page refuses such a config with a message and keeps the last good one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from lrviz import optimizers, schedules
from lrviz.app.kit import link
from lrviz.app.kit.query import MAX_SHOWN, Note, QueryReader, format_value, whole
from lrviz.i18n import Lang
from lrviz.nn import datasets

View = Literal["range", "check", "search", "general"]
VIEWS: tuple[View, ...] = ("range", "check", "search", "general")
WIDTH = (4, 256)
DEPTH = (1, 4)
BATCH = (8, 512)
LR = (1e-6, 100.0)
BATCHES = (10, 1000)
SEEDS = (1, 8)
STEPS = (50, 2000)
RATES = (4, 64)
EVALS = 10  # points on the training curves
# Every schedule with a closed form: ReduceLROnPlateau needs a loss per epoch (lrviz.nn.mlp refuses it).
SCHEDULES = tuple(name for name, spec in schedules.SCHEDULES.items() if not spec.needs_loss)


def _steps(text: str) -> int | None:
    value = whole(text, *STEPS)
    return value if value is not None and value % EVALS == 0 else None


@dataclass(frozen=True)
class Config:
    """What the LR finder shows. Every plain field is always in the link, so a link survives a
    change of defaults; the hyper-parameters are read by :func:`parse` at ``lr_max``."""

    data: str = link.entry("moons", datasets.DATASETS, always=True)
    width: int = link.whole(32, *WIDTH, always=True)
    depth: int = link.whole(2, *DEPTH, always=True)
    optimizer: str = link.entry("sgd", optimizers.OPTIMIZERS, always=True)
    optimizer_params: tuple[tuple[str, Any], ...] = ()
    batch: int = link.whole(64, *BATCH, always=True)
    lr_min: float = link.number(1e-4, *LR, always=True)
    lr_max: float = link.number(10.0, *LR, always=True)
    batches: int = link.whole(200, *BATCHES, always=True)
    seeds: int = link.whole(5, *SEEDS, always=True)
    steps: int = link.custom(300, _steps, always=True, bounds=STEPS, cast=int)  # a multiple of EVALS
    rates: int = link.whole(32, *RATES, always=True)
    schedule: str = link.entry("constant", schedules.SCHEDULES, options=SCHEDULES, always=True)
    schedule_params: tuple[tuple[str, Any], ...] = ()  # those that differ from for_steps' defaults
    view: View = link.choice("range", VIEWS, always=True, name=link.labelled("finder.view_"))
    check: bool = link.flag(False, always=True)
    search: bool = link.flag(False, always=True)
    general: bool = link.flag(False, always=True)
    big: bool = link.flag(False, always=True)
    lang: Lang = link.language()
    notes: tuple[Note, ...] = field(default=(), compare=False)

    @property
    def network(self) -> dict[str, Any]:
        """The network, its optimizer and batch size: what the range test shares with the trainings."""
        return dict(width=self.width, depth=self.depth, optimizer=self.optimizer,
                    optimizer_params=dict(self.optimizer_params), batch=self.batch)

    @property
    def model(self) -> dict[str, Any]:
        """The keyword arguments every training call shares: :attr:`network` and the schedule, its
        horizon defaults fitted to ``steps``."""
        defaults = schedules.for_steps(self.schedule, self.steps).defaults()
        return dict(self.network, schedule=self.schedule,
                    schedule_params={**defaults, **dict(self.schedule_params)})


DEFAULT = Config()


def parse(query: Mapping[str, str]) -> Config:
    """The config a query string describes; bad values fall back with a note."""
    read = QueryReader(query)
    config = Config(**link.read(Config, read))
    disagree = []
    if problems(config):  # keys that disagree (lr_min >= lr_max, a batch above the data): both fall back
        rules = {"lr_min": "lr_min < lr_max", "lr_max": "lr_min < lr_max",
                 "batch": f"batch ≤ {datasets.DATASETS[config.data].n_train}"}
        for key in ("lr_min", "lr_max", "batch"):
            if key in query:
                disagree.append(Note(key, str(query[key])[:MAX_SHOWN], format_value(getattr(DEFAULT, key)),
                                     rules[key]))
        config = replace(config, lr_min=DEFAULT.lr_min, lr_max=DEFAULT.lr_max, batch=DEFAULT.batch)
    # The hyper-parameters are checked at the rate the trainings will really reach (after any fallback).
    schedule = schedules.for_steps(config.schedule, config.steps)
    config = replace(
        config,
        optimizer_params=read.params("o", optimizers.OPTIMIZERS[config.optimizer], lr=config.lr_max),
        schedule_params=read.params("s", schedule, lr=config.lr_max),
    )
    return replace(config, notes=(*read.notes, *disagree))


def problems(config: Config) -> list[tuple[str, dict[str, Any]]]:
    """Rules across keys that the config breaks, as (string key, values) for ``lrviz.i18n.t``."""
    out = []
    if not config.lr_min < config.lr_max:
        values = dict(lo=format_value(config.lr_min), hi=format_value(config.lr_max))
        out.append(("finder.error.range", values))
    n_train = datasets.DATASETS[config.data].n_train
    if config.batch > n_train:
        out.append(("finder.error.batch", dict(batch=config.batch, n=n_train)))
    return out


def to_query(config: Config) -> dict[str, str]:
    """The query string for ``config``: every key, so a link survives a change of defaults."""
    query = link.write(config)
    link.write_params(query, "o", config.optimizer_params)
    link.write_params(query, "s", config.schedule_params)
    return query
