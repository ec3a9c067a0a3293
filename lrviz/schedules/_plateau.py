"""Reduce the learning rate when the loss stops improving (``plateau``).

The only schedule that reads the loss: it cannot be a function of ``t`` alone,
so the engine carries a :class:`PlateauState` through its ``lax.scan`` and calls
:meth:`Plateau.update` with the loss of every step. The rules are those of
``torch.optim.lr_scheduler.ReduceLROnPlateau``, one ``scheduler.step(loss)`` per
update:

1. *better* means ``loss < best * (1 - threshold)`` (``mode="min"``,
   ``threshold_mode="rel"``), ``loss < best - threshold`` (min, abs),
   ``loss > best * (1 + threshold)`` (max, rel) or ``loss > best + threshold``
   (max, abs). A better loss becomes ``best`` and resets the count of bad steps;
   any other loss adds one bad step.
2. During a cooldown the counter of cooldown steps drops by one and bad steps
   are forgotten.
3. After more than ``patience`` bad steps the rate becomes
   ``max(lr * factor, min_lr)`` (only if that lowers it by more than ``eps``),
   the cooldown starts over and the bad steps are forgotten.

Numbers may be JAX tracers (so a slider moves without recompiling); ``mode``
and ``threshold_mode`` are plain strings. ``optax.contrib.reduce_on_plateau``
is not used: it scales updates instead of the rate, its patience is off by one
and it has neither a max mode nor the ``eps`` rule.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from lrviz.params import ParamSpec

__all__ = ["PLATEAU_PARAMS", "Plateau", "PlateauState", "replay"]


class PlateauState(NamedTuple):
    """What ReduceLROnPlateau remembers between steps."""

    lr: jnp.ndarray  # the rate for the next update
    best: jnp.ndarray  # best loss so far (+inf / -inf before the first)
    num_bad: jnp.ndarray  # steps since the last improvement (torch: num_bad_epochs)
    cooldown_counter: jnp.ndarray  # steps left in the cooldown


@dataclass(frozen=True)
class Plateau:
    """ReduceLROnPlateau as a pure ``init`` / ``update`` pair (usable in ``lax.scan``).

    ``params`` is the dict that ``Spec.resolve`` returns for ``plateau`` (see
    :data:`PLATEAU_PARAMS`); its numbers and ``lr`` may be tracers.
    """

    lr: Any
    params: Mapping[str, Any]

    def init(self) -> PlateauState:
        worst = jnp.inf if self.params["mode"] == "min" else -jnp.inf
        zero = jnp.zeros((), jnp.int32)
        return PlateauState(_f32(self.lr), jnp.asarray(worst, jnp.float32), zero, zero)

    def is_better(self, metric: Any, best: Any) -> jnp.ndarray:
        """torch's ``_is_better``: a strict improvement beyond the threshold."""
        threshold, relative = _f32(self.params["threshold"]), self.params["threshold_mode"] == "rel"
        if self.params["mode"] == "min":
            return metric < (best * (1.0 - threshold) if relative else best - threshold)
        return metric > (best * (1.0 + threshold) if relative else best + threshold)

    def update(self, state: PlateauState, metric: Any) -> PlateauState:
        """The state after observing ``metric`` (torch's ``scheduler.step(metric)``)."""
        p = self.params
        metric = _f32(metric)
        better = self.is_better(metric, state.best)
        best = jnp.where(better, metric, state.best)
        num_bad = jnp.where(better, 0, state.num_bad + 1)

        in_cooldown = state.cooldown_counter > 0
        cooldown_counter = jnp.where(in_cooldown, state.cooldown_counter - 1, state.cooldown_counter)
        num_bad = jnp.where(in_cooldown, 0, num_bad)

        reduce = num_bad > _i32(p["patience"])
        new_lr = jnp.maximum(state.lr * _f32(p["factor"]), _f32(p["min_lr"]))
        lr = jnp.where(reduce & (state.lr - new_lr > _f32(p["eps"])), new_lr, state.lr)
        cooldown_counter = jnp.where(reduce, _i32(p["cooldown"]), cooldown_counter)
        num_bad = jnp.where(reduce, 0, num_bad)
        return PlateauState(lr, best, num_bad.astype(jnp.int32), cooldown_counter.astype(jnp.int32))


_STATIC = ("mode", "threshold_mode")


def replay(plateau: Plateau, losses: Any) -> jnp.ndarray:
    """Rates over a loss sequence: [lr, rate after losses[0], rate after losses[1], ...]."""
    numbers = {k: v for k, v in plateau.params.items() if k not in _STATIC}
    static = tuple((k, plateau.params[k]) for k in _STATIC)
    return _replay(plateau.lr, numbers, jnp.asarray(losses, jnp.float32), static)


@functools.partial(jax.jit, static_argnums=3)
def _replay(lr: Any, numbers: dict[str, Any], losses: jnp.ndarray, static: tuple) -> jnp.ndarray:
    plateau = Plateau(lr, {**numbers, **dict(static)})

    def step(state: PlateauState, loss: jnp.ndarray) -> tuple[PlateauState, jnp.ndarray]:
        state = plateau.update(state, loss)
        return state, state.lr

    first = plateau.init()
    _, rates = jax.lax.scan(step, first, losses)
    return jnp.concatenate([first.lr[None], rates])


def _f32(x: Any) -> jnp.ndarray:
    return jnp.asarray(x, jnp.float32)


def _i32(x: Any) -> jnp.ndarray:
    return jnp.asarray(x).astype(jnp.int32)


PLATEAU_PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("mode", "min", kind="choice", choices=("min", "max")),
    ParamSpec("factor", 0.1, lo=0.0, hi=1.0, lo_open=True, hi_open=True),
    ParamSpec("patience", 10, kind="int", lo=0, hi=1000),
    ParamSpec("threshold", 1e-4, lo=0.0, hi=1.0),
    ParamSpec("threshold_mode", "rel", kind="choice", choices=("rel", "abs")),
    ParamSpec("cooldown", 0, kind="int", lo=0, hi=1000),
    ParamSpec("min_lr", 0.0, lo=0.0),
    ParamSpec("eps", 1e-8, lo=0.0, hi=1.0),
)
