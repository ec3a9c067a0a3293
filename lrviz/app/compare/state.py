"""The Compare page's state: up to six runs on one surface, to and from the link.

A comparison is a surface, a step count, a start and up to :data:`MAX_ROWS` rows,
each an optimizer with its hyper-parameters, a learning rate and a schedule. The
link keeps every row, in a form that reads well on a lecture slide::

    /compare?surface=rosenbrock&steps=600&r1=sgd:0.0015&r2=adam:0.3:cosine&r2.s.T_max=600

Keys:

- ``r1`` … ``r6``: one run each, ``<optimizer>:<rate>`` or ``<optimizer>:<rate>:<schedule>``
  (the schedule defaults to ``constant``). Rows are shown in the order of their numbers;
  gaps are allowed. More than six rows: the first six are kept and the page says so.
- ``r<i>.o.<name>`` and ``r<i>.s.<name>``: a hyper-parameter of row ``i``'s optimizer or
  schedule, e.g. ``r1.o.momentum=0.8``, ``r2.o.betas=0.9,0.99`` (only values that differ
  from the defaults are written).
- ``surface`` (a built-in surface id), ``steps`` (10 … 2000), ``start`` (comma-separated),
  ``layout`` (``overlay`` | ``multiples``), ``big`` (presentation mode, 1/0) and ``lang``.

A malformed value falls back to its default and leaves a :class:`~lrviz.app.kit.query.Note`;
a row whose optimizer, rate or schedule cannot be read is repaired part by part, and
its note shows the repaired row. Parsing never raises.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from lrviz import optimizers, schedules, surfaces
from lrviz.app.kit import link
from lrviz.app.kit.query import START, Note, QueryReader, format_value, number
from lrviz.app.kit.rates import LR_RANGE
from lrviz.app.playground.state import MAX_STEPS, MIN_STEPS
from lrviz.i18n import Lang

MAX_ROWS = 6
FALLBACK_RATE = 0.01  # the rate of a row whose rate cannot be read
Layout = Literal["overlay", "multiples"]
_ROW_KEY = re.compile(r"^r(\d{1,6})(?:\.|$)")


@dataclass(frozen=True)
class Row:
    """One run: optimizer, its hyper-parameters (those that differ from the defaults), rate, schedule."""

    optimizer: str
    lr: float
    schedule: str = "constant"
    optimizer_params: tuple[tuple[str, Any], ...] = ()
    schedule_params: tuple[tuple[str, Any], ...] = ()

    def label(self, lang: str) -> str:
        """``Adam · η = 0.3`` (with `` · Cosine annealing`` for a schedule other than constant;
        the PyTorch class name in the schedule's title is left out, to keep legends short)."""
        text = f"{optimizers.OPTIMIZERS[self.optimizer].title(lang)} · η = {self.lr:g}"
        if self.schedule != "constant":
            text += f" · {schedules.SCHEDULES[self.schedule].title(lang).split(' (')[0]}"
        return text

    def head(self) -> str:
        """The row's link value: ``adam:0.3`` or ``adam:0.3:cosine``."""
        text = f"{self.optimizer}:{format_value(float(self.lr))}"
        return text if self.schedule == "constant" else f"{text}:{self.schedule}"


# A first picture that teaches (600 steps on Rosenbrock from (-1.2, 1)): plain SGD just below
# 2/λmax at the minimum (≈ 0.002) still crawls along the valley; momentum at a similar rate
# arrives first (step ≈ 290); RMSProp's fixed-size steps rattle across the valley; Adam
# arrives too, later (step ≈ 520).
DEFAULT_ROWS = (
    Row("sgd", 0.0015),
    Row("momentum", 0.003),
    Row("rmsprop", 0.02),
    Row("adam", 0.3),
)


@dataclass(frozen=True)
class Config:
    """What the page compares. The rows and the start are read by :func:`parse`."""

    surface: str = link.entry("rosenbrock", surfaces.SURFACES, always=True)
    rows: tuple[Row, ...] = DEFAULT_ROWS
    steps: int = link.whole(600, MIN_STEPS, MAX_STEPS, always=True)
    start: tuple[float, ...] | None = None
    layout: Layout = link.choice("overlay", ("overlay", "multiples"), name=link.labelled("compare.layout_"))
    big: bool = link.flag(False)
    lang: Lang = link.language()
    notes: tuple[Note, ...] = field(default=(), compare=False)
    extra_rows: int = field(default=0, compare=False)  # rows of the link beyond MAX_ROWS, not shown


DEFAULT = Config()


def parse_row(text: str) -> tuple[Row, bool]:
    """The row ``text`` describes and whether it was read as written (else repaired part by part)."""
    parts = str(text).strip().split(":")
    optimizer = parts[0] if parts[0] in optimizers.OPTIMIZERS else None
    lr = number(parts[1], *LR_RANGE) if len(parts) > 1 else None
    schedule = parts[2] if len(parts) > 2 else "constant"
    schedule = schedule if schedule in schedules.SCHEDULES else None
    clean = None not in (optimizer, lr, schedule) and len(parts) <= 3
    row = Row(optimizer or DEFAULT_ROWS[0].optimizer, FALLBACK_RATE if lr is None else lr,
              schedule or "constant")
    return row, clean


ROW_FORM = "optimizer:η[:schedule]"


def _row_takes(text: str) -> str:
    """What a refused row takes, for its note: the rates where its rate was the problem, else the
    row's form (its optimizer and schedule ids are too many to list)."""
    parts = str(text).strip().split(":")
    rate_wrong = parts[0] in optimizers.OPTIMIZERS and len(parts) <= 3 and (
        len(parts) < 2 or number(parts[1], *LR_RANGE) is None)
    return f"η {LR_RANGE[0]:g}–{LR_RANGE[1]:g}" if rate_wrong else ROW_FORM


def _row_indices(query: Mapping[str, str]) -> list[int]:
    found = {int(m.group(1)) for key in query if (m := _ROW_KEY.match(str(key)))}
    return sorted(found)


def parse(query: Mapping[str, str]) -> Config:
    """The comparison a query string describes; bad values fall back with a note."""
    read = QueryReader(query)
    config = Config(**link.read(Config, read))
    rows = []
    indices = _row_indices(query)
    for i in indices[:MAX_ROWS]:
        key = f"r{i}"
        raw = str(query.get(key, ""))
        row, clean = parse_row(raw)
        row = replace(
            row,
            optimizer_params=read.params(f"{key}.o", optimizers.OPTIMIZERS[row.optimizer], row.lr),
            schedule_params=read.params(f"{key}.s", schedules.SCHEDULES[row.schedule], row.lr),
        )
        if not clean:
            read.note(key, raw, row.head(), _row_takes(raw))
        rows.append(row)
    config = replace(
        config,
        rows=tuple(rows) if rows else DEFAULT.rows,
        start=read.numbers("start", *START, surfaces.SURFACES[config.surface].dim, None),
    )
    return replace(config, notes=tuple(read.notes), extra_rows=max(0, len(indices) - MAX_ROWS))


def to_query(config: Config) -> dict[str, str]:
    """The query string for ``config``: surface, steps, every row; the rest where not default."""
    query = link.write(config)
    for i, row in enumerate(config.rows[:MAX_ROWS], start=1):
        query[f"r{i}"] = row.head()
        link.write_params(query, f"r{i}.o", row.optimizer_params)
        link.write_params(query, f"r{i}.s", row.schedule_params)
    if config.start is not None:
        query["start"] = format_value(config.start)
    return query
