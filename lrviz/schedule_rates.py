"""Learning rates per update for the Schedules page, all from :mod:`lrviz.schedules`.

``rates[t]`` is the rate of update ``t`` (t = 0 … steps − 1), the number
:func:`lrviz.engine.run` records in ``Trajectory.lrs``. ReduceLROnPlateau has
no rate without a loss: :func:`card_rates` replays it
(:func:`lrviz.schedules.plateau_rates`) over the loss of its card's demo run,
so its gallery and overlay curves show cuts that a real run made.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jax.numpy as jnp
import numpy as np

from lrviz import engine, schedules
from lrviz.schedule_guide import Entry


def rates(schedule: str, lr: float, steps: int, params: Mapping[str, Any]) -> np.ndarray:
    """The rates of a closed-form schedule for updates 0 … steps − 1 (``ValueError`` for bad parameters)."""
    if schedules.SCHEDULES[schedule].needs_loss:
        raise ValueError(f"`{schedule}` depends on the loss: use replayed() with the losses it watches.")
    schedule_fn = schedules.make(schedule, lr, **params)
    return np.asarray(schedule_fn(jnp.arange(steps, dtype=jnp.float32)), dtype=float)


def replayed(lr: float, losses: np.ndarray, params: Mapping[str, Any]) -> np.ndarray:
    """ReduceLROnPlateau's rates for updates 0 … len(losses) − 2, watching ``losses`` as the engine does.

    ``losses[t]`` is the loss at the point before update t; the rate of update t
    has seen ``losses[1 … t]`` (the loss after each earlier update).
    """
    losses = np.asarray(losses, dtype=float)
    return np.asarray(schedules.plateau_rates(lr, losses[1:-1], **params), dtype=float)


def watched_losses(entry: Entry, steps: int) -> np.ndarray:
    """The loss of a card's demo run with its schedule (what ReduceLROnPlateau watched)."""
    demo = entry.demo
    run = engine.run(demo.surface, demo.optimizer, lr=demo.lr, steps=steps, schedule=entry.schedule,
                     schedule_params=dict(entry.params))
    return run.losses


def card_rates(entry: Entry, lr: float, steps: int) -> np.ndarray:
    """A gallery card's rates at base rate ``lr`` over ``steps`` updates, with its preset parameters."""
    if schedules.SCHEDULES[entry.schedule].needs_loss:
        return replayed(lr, watched_losses(entry, steps), dict(entry.params))
    return rates(entry.schedule, lr, steps, dict(entry.params))
