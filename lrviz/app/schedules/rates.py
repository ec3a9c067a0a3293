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
from lrviz.app.schedules.guide import Entry


def _padded(n: int) -> int:
    """A length ≥ n from a few fixed sizes: JAX compiles each operation once per shape, so a
    horizon slider evaluates every schedule at one of these lengths and keeps the first n."""
    return max(PAD, 1 << (max(n, 1) - 1).bit_length())


PAD = 1024


def rates(schedule: str, lr: float, steps: int, params: Mapping[str, Any]) -> np.ndarray:
    """The rates of a closed-form schedule for updates 0 … steps − 1 (``ValueError`` for bad parameters)."""
    if schedules.SCHEDULES[schedule].needs_loss:
        raise ValueError(f"`{schedule}` depends on the loss: use replayed() with the losses it watches.")
    schedule_fn = schedules.make(schedule, lr, **params)
    return np.asarray(schedule_fn(jnp.arange(_padded(steps), dtype=jnp.float32)), dtype=float)[:steps]


def replayed(lr: float, losses: np.ndarray, params: Mapping[str, Any]) -> np.ndarray:
    """ReduceLROnPlateau's rates for updates 0 … len(losses) − 2, watching ``losses`` as the engine does.

    ``losses[t]`` is the loss at the point before update t; the rate of update t
    has seen ``losses[1 … t]`` (the loss after each earlier update).
    """
    watched = np.asarray(losses, dtype=float)[1:-1]
    if watched.size == 0:  # a run of one update (or one that escaped at once) sees no loss yet
        return np.full(1, float(lr))
    # Padding at the end changes no earlier rate (the replay is causal) and keeps one shape.
    padded = np.pad(watched, (0, _padded(len(watched) + 1) - len(watched)), mode="edge")
    return np.asarray(schedules.plateau_rates(lr, padded, **params), dtype=float)[: len(watched) + 1]


def watched_losses(entry: Entry, steps: int) -> np.ndarray:
    """The loss of a card's demo run with its schedule (what ReduceLROnPlateau watched)."""
    demo = entry.demo
    run = engine.run(demo.surface, demo.optimizer, lr=demo.lr, steps=steps, schedule=entry.schedule,
                     schedule_params=dict(entry.params))
    return run.losses


def card_rates(entry: Entry, lr: float, steps: int) -> np.ndarray:
    """A gallery card's rates at base rate ``lr`` over ``steps`` updates, with its preset parameters
    and its horizon parameters (T_max, total_steps, …) fitted to ``steps``
    (:func:`lrviz.schedules.for_steps`): over a 200-step horizon a cosine with its 100-step T_max
    climbed back up from step 100, and a one-cycle lay at zero for its second half."""
    if schedules.SCHEDULES[entry.schedule].needs_loss:
        return replayed(lr, watched_losses(entry, steps), dict(entry.params))
    fitted = {name: value for name, value in schedules.for_steps(entry.schedule, steps).defaults().items()
              if name in schedules.HORIZONS}
    return rates(entry.schedule, lr, steps, {**fitted, **dict(entry.params)})
