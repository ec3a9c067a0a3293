r"""How an optimizer moves the weights once its rate is known: a :class:`Step`.

Every ``torch.optim`` optimizer of the registry moves :math:`\theta_{t+1} = \theta_t - \eta_t d_t`
with a direction :math:`d_t` that does not depend on :math:`\eta_t` (:func:`descend`). The
schedule-free optimizers (:mod:`lrviz.optimizers._schedule_free`) do not: their averaging weight
depends on the rate, and the model is evaluated at a point other than the one the gradient is taken
at. A :class:`Step` covers both, so the engine and the networks (:mod:`lrviz.engine`,
:mod:`lrviz.nn.mlp`) call every optimizer the same way: ``apply(g, state, theta, eta)`` gives the
next weights (where the next gradient is taken), the new state and the rate the update used, and
``evaluated(state, theta)`` where the model is evaluated (None: at the weights themselves).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax


class Step(NamedTuple):
    """One update with the rate given: ``init(params) -> state``;
    ``apply(grads, state, params, eta) -> (new params, new state, rate used)``;
    ``evaluated(state, params) -> the point where the loss is evaluated`` or None (at ``params``)."""

    init: Callable[[Any], Any]
    apply: Callable[[Any, Any, Any, jax.Array], tuple[Any, Any, jax.Array]]
    evaluated: Callable[[Any, Any], Any] | None = None


def descend(direction: optax.GradientTransformation) -> Step:
    r""":math:`\theta_{t+1} = \theta_t - \eta_t d_t`, :math:`d_t` from ``direction`` (the torch family)."""

    def apply(grads, state, params, eta):
        d, state = direction.update(grads, state, params)
        return jax.tree.map(lambda p, u: p - eta * u, params, d), state, eta

    return Step(direction.init, apply)


class RatedState(NamedTuple):
    count: jax.Array  # int32 scalar: updates done so far
    inner: Any  # the Step's own state


def with_rate(step: Step, lr_or_schedule: Any) -> optax.GradientTransformation:
    """``step`` as an ordinary optax optimizer at rate ``lr_or_schedule`` (a number or ``count -> rate``,
    count from 0): its updates are the new weights minus the old."""
    rate = lr_or_schedule if callable(lr_or_schedule) else (lambda count: lr_or_schedule)

    def init_fn(params):
        return RatedState(count=jnp.zeros([], jnp.int32), inner=step.init(params))

    def update_fn(updates, state, params=None):
        if params is None:
            raise ValueError("This optimizer needs the weights: call `update(grads, state, params)`.")
        eta = jnp.asarray(rate(state.count), jnp.float32)
        new, inner, _ = step.apply(updates, state.inner, params, eta)
        moves = jax.tree.map(lambda n, p: n - p, new, params)
        return moves, RatedState(count=optax.safe_increment(state.count), inner=inner)

    return optax.GradientTransformation(init_fn, update_fn)
