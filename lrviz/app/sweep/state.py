"""The /sweep page's state: its config, to and from the link.

Link keys (``/sweep?...``): the playground's ``surface``, ``formula``, ``dim``,
``schedule``, ``s.<name>``, ``steps``, ``start``, ``big`` and ``lang`` with the
same meaning (:mod:`lrviz.app.playground.state`); ``optimizers`` (comma-separated ids, 1 to 4,
the first is the *primary* one whose hyper-parameters ``o.<name>`` set and
whose phase and basin pictures are drawn; without it, a playground link's
``optimizer`` is the one), ``n`` (number of rates, 200–2,000), ``lo`` and ``hi``
(the rate range, ``lo < hi``), ``lr`` (the chosen rate of the basin map) and
``phase`` (``loss`` | ``distance``).
Without ``lo``, ``hi`` and ``lr`` the page suggests values from the
surface's critical rate 2/λmax.
"""


from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from lrviz import optimizers, schedules, surfaces
from lrviz.app.kit import link
from lrviz.app.kit.query import Note, QueryReader, format_value, items
from lrviz.app.kit.rates import LR_RANGE
from lrviz.app.playground import state as links
from lrviz.app.playground.state import Config as PlaygroundConfig
from lrviz.engine import diagnostics
from lrviz.i18n import Key

Phase = Literal["loss", "distance"]
RATES = (200, 2000)
RATE_RANGE = (1e-6, 100.0)
MAX_OPTIMIZERS = 4
# Keys of the playground's link that mean the same here (``optimizer`` comes from ``optimizers``).
_SHARED = ("surface", "formula", "dim", "schedule", "steps", "start", "big", "lang", "lr")


_BASE = PlaygroundConfig(steps=500)


def _optimizer_list(text: str) -> tuple[str, ...] | None:
    names = tuple(items(text))
    ok = 1 <= len(names) <= MAX_OPTIMIZERS and len(set(names)) == len(names)
    return names if ok and all(n in optimizers.OPTIMIZERS for n in names) else None


def _titles(names: tuple[str, ...]) -> tuple[Key, ...] | tuple[str, ...]:
    """The optimizers' titles, as a refused value's note names them (ids that are none, as they are)."""
    if not isinstance(names, tuple) or not all(n in optimizers.OPTIMIZERS for n in names):
        return names
    return tuple(optimizers.OPTIMIZERS[n].title for n in names)


@dataclass(frozen=True)
class Config:
    """Everything the page shows. ``base`` holds the surface, the primary optimizer
    and its parameters, the schedule, steps, start and the chosen rate ``base.lr``
    (read by :func:`parse` with the playground's keys)."""

    base: PlaygroundConfig = _BASE
    optimizers: tuple[str, ...] = link.custom(("sgd",), _optimizer_list, always=True, name=_titles)
    rates: int = link.whole(500, *RATES, always=True, key="n")
    lo: float = link.number(1e-3, *RATE_RANGE, always=True)
    hi: float = link.number(10.0, *RATE_RANGE, always=True)
    phase: Phase = link.choice("loss", ("loss", "distance"), always=True, name=link.labelled("sweep.phase_"))
    notes: tuple[Note, ...] = field(default=(), compare=False)


DEFAULT = Config()


def suggested_rates(surface: surfaces.Surface, start: tuple[float, ...] | None) -> tuple[float, float, float]:
    """(lo, hi, chosen) around plain GD's critical rate c = 2/λmax at the minimum nearest the start:
    whole decades spanning c/1000 to 10·c, and the chosen rate c/2 = 1/λmax (GD's fastest)."""
    critical = diagnostics.curvature(surface, surface.start if start is None else start).critical_lr
    if not (np.isfinite(critical) and critical > 0):
        return DEFAULT.lo, DEFAULT.hi, DEFAULT.base.lr
    lo_range, hi_range = RATE_RANGE
    lo = float(np.clip(10.0 ** np.floor(np.log10(critical / 1e3)), lo_range, hi_range / 10))
    hi = float(np.clip(10.0 ** np.ceil(np.log10(critical * 10)), lo * 10, hi_range))
    chosen = float(np.clip(critical / 2, *LR_RANGE))
    return lo, hi, float(f"{chosen:.3g}")


def parse(query: Mapping[str, str]) -> Config:
    """The sweep config a query string describes; bad values fall back with a note, never raise."""
    read = QueryReader(query)
    # A playground link opened here names one optimizer (``optimizer``): it is the primary one, so
    # its ``o.<name>`` keep their meaning. ``optimizers`` wins where both are given.
    one = query.get("optimizer") if "optimizers" not in query else None
    if one is not None and one not in optimizers.OPTIMIZERS:
        read.note("optimizer", str(one), _titles(DEFAULT.optimizers), " | ".join(optimizers.OPTIMIZERS))
    # (a refused ``optimizers`` is noted once, where the declared fields are read below)
    names = (one,) if one in optimizers.OPTIMIZERS else (_optimizer_list(str(query.get("optimizers", "")))
                                                         or DEFAULT.optimizers)
    shared = {k: query[k] for k in query if k in _SHARED or k.startswith(("o.", "s."))}
    base = links.parse({**shared, "optimizer": names[0]})
    steps = base.steps if "steps" in query else DEFAULT.base.steps
    notes = []
    for note in base.notes:  # the rate is read below; the steps fall back to this page's default
        if note.key == "steps":
            steps = DEFAULT.base.steps
            note = note._replace(fallback=format_value(steps))
        if note.key != "lr":
            notes.append(note)
    surface = links.surface_of(base)
    lo_default, hi_default, lr_default = suggested_rates(surface, base.start)
    fields = link.read(Config, read, replace(DEFAULT, optimizers=names, lo=lo_default, hi=hi_default))
    if fields["lo"] >= fields["hi"]:  # not a range: each value the link gave falls back (once)
        noted = {note.key for note in read.notes}
        for key, fallback in (("lo", lo_default), ("hi", hi_default)):
            if key in query and key not in noted:
                read.note(key, str(query[key]), fallback, "lo < hi")
        fields.update(lo=lo_default, hi=hi_default)
    lr = lr_default
    if "lr" in query:
        lr = read.number("lr", *LR_RANGE, lr_default)
    config = Config(**fields, base=replace(base, lr=lr, steps=steps, notes=()))
    config, dropped = _fit_range(config)
    return replace(config, notes=(*notes, *read.notes, *dropped))


def _fit_range(config: Config) -> tuple[Config, list[Note]]:
    """Drop hyper-parameters that some rate of the range would reject (the specs check
    against the rate, e.g. a cyclic schedule's ``max_lr`` must not be below ``base_lr``)."""
    notes = []
    base = config.base
    for prefix, spec, name in (("o", optimizers.OPTIMIZERS[base.optimizer], "optimizer_params"),
                               ("s", schedules.SCHEDULES[base.schedule], "schedule_params")):
        params = getattr(base, name)
        try:
            for lr in (config.lo, config.hi, base.lr):
                spec.resolve(dict(params), lr)
        except ValueError:
            notes += [Note(f"{prefix}.{key}", format_value(value), None) for key, value in params]
            base = replace(base, **{name: ()})
    return replace(config, base=base), notes


def to_query(config: Config) -> dict[str, str]:
    """The query string for ``config`` (the playground's keys it shares, then its own)."""
    query = links.to_query(config.base)
    for key in ("optimizer", "view", "mode", "noise", "seed"):
        query.pop(key, None)
    query.update(link.write(config))
    return query
