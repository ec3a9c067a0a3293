r"""Schedule-free SGD and AdamW with the numbers of the ``schedulefree`` PyTorch package (1.3 and later).

Defazio, Yang, Mehta, Mishchenko, Khaled & Cutkosky, *The Road Less Scheduled*, 2024,
https://arxiv.org/abs/2405.15682; the package is https://github.com/facebookresearch/schedule_free
(classes ``SGDScheduleFree`` and ``AdamWScheduleFree``). Three sequences share one update
``k = 0, 1, ...``: the gradient is taken at :math:`y_k`, the base step moves :math:`z`, and the
model is evaluated at the average :math:`x`:

.. math::

    \gamma_k &= \eta_k \cdot \min\!\left(1, \tfrac{k+1}{\text{warmup\_steps}}\right),\qquad
    \gamma^{\max}_k = \max_{j \le k} \gamma_j,\\
    w_k &= (k+1)^r\,(\gamma^{\max}_k)^{\text{weight\_lr\_power}},\qquad
    c_{k+1} = w_k \Big/ \textstyle\sum_{j \le k} w_j \quad (0 \text{ while the sum is } 0),\\
    z_{k+1} &= z_k - \gamma_k\, d_k,\qquad
    x_{k+1} = (1 - c_{k+1})\, x_k + c_{k+1}\, z_{k+1},\qquad
    y_{k+1} = \beta\, x_{k+1} + (1 - \beta)\, z_{k+1},

from :math:`x_0 = y_0 = z_0`. :math:`\beta` is ``momentum`` (SGD) or ``betas[0]`` (AdamW), and
:math:`\eta_k` the rate a scheduler left in the optimizer (constant without one; the package is
meant for a constant rate and warms up by itself). The direction :math:`d_k` is

- SGD: :math:`\nabla f(y_k) + \lambda y_k` (``weight_decay`` as an L2 term, at :math:`y`);
- AdamW: :math:`g/(\sqrt{v_{k+1}/(1-\beta_2^{k+1})} + \epsilon) + \lambda y_k` with
  :math:`v_{k+1} = \beta_2 v_k + (1-\beta_2) g^2`, :math:`g = \nabla f(y_k)`, :math:`v_0 = 0`
  (no first moment: :math:`\beta_1` is the interpolation above; the decay is taken at :math:`y`
  and scaled by :math:`\gamma_k`).

The package keeps only :math:`y` (the weights while training) and :math:`z`, and updates :math:`y`
in place: :math:`y_{k+1} = (1-c)\,y_k + c\,z_k + \gamma_k(\beta(1-c) - 1)\,d_k`, which equals the
three lines above. ``optimizer.eval()`` sets the weights to
:math:`x = (y - (1-\beta) z)/\beta` and ``optimizer.train()`` back to :math:`y`. So does
:class:`ScheduleFreeState` with ``optax.contrib.schedule_free_eval_params``.

Built on optax where its numbers are the package's: the AdamW scaling is
``optax.scale_by_rms(eps_in_sqrt=False, bias_correction=True)``, the decay
``optax.add_decayed_weights`` at :math:`y`, and the point :math:`x` comes from
``optax.contrib.schedule_free_eval_params``. The update itself is written here, because
``optax.contrib.schedule_free`` (optax 0.2.8) differs from the package in four ways:

1. **Warm-up, off by one.** ``schedule_free_sgd/adamw(warmup_steps=W)`` warm up with
   ``warmup_constant_schedule(0, lr, W)``, whose base step ``k`` uses :math:`\eta\,k/W`: the first
   step moves nothing, and every warm-up step is one behind the package's :math:`\eta\,(k+1)/W`.
2. **The weights read the rate one step later.** The wrapper evaluates its ``learning_rate`` for
   :math:`w_k` at its own count, which starts at 1, while the base optimizer's count starts at 0;
   the package uses the same :math:`\gamma_k` for both. Equal for a constant rate, not for a
   warm-up or a schedule.
3. **No** ``r``: optax's weight is :math:`(\gamma^{\max})^{\text{weight\_lr\_power}}` alone.
4. **Defaults**: ``schedule_free_sgd`` has no weight decay unless given (the package: 0, the same).

With a constant rate, ``warmup_steps=0`` and ``r=0`` the two give the same numbers
(``tests/optimizers/test_schedule_free.py`` checks both the agreement and the differences).
The package's older AdamW (``AdamWScheduleFreePaper``, before 1.3) folded
:math:`\sqrt{1-\beta_2^{k+1}}` into :math:`\gamma_k` (and so into the weights and the decay);
1.3 divides :math:`v` by it instead, as above.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from lrviz.optimizers._step import Step


class ScheduleFreeState(NamedTuple):
    """``b1`` and ``z`` by these names, so ``optax.contrib.schedule_free_eval_params`` reads it."""

    count: jax.Array  # int32: updates done so far (the package's k)
    b1: jax.Array  # β: where y sits between x and z
    z: optax.Params
    weight_sum: jax.Array
    lr_max: jax.Array  # the largest warmed-up rate so far (the package starts it at -1)
    base: optax.OptState  # the direction's own state (AdamW: its second moment)


def schedule_free(direction: optax.GradientTransformation, b1: Any, warmup_steps: Any, r: Any,
                  weight_lr_power: Any) -> Step:
    r"""The package's schedule-free update around ``direction`` (:math:`d_k` at :math:`y_k`).

    Numbers may be traced (``warmup_steps`` too: it only enters :math:`\min(1, (k+1)/W)`).
    """

    def init(params):
        return ScheduleFreeState(
            count=jnp.zeros([], jnp.int32), b1=jnp.asarray(b1, jnp.float32),
            z=jax.tree.map(jnp.array, params), weight_sum=jnp.zeros([], jnp.float32),
            lr_max=-jnp.ones([], jnp.float32), base=direction.init(params),
        )

    def apply(grads, state, y, eta):
        k = state.count.astype(jnp.float32)
        warm = jnp.where(k < warmup_steps, (k + 1) / jnp.maximum(warmup_steps, 1), 1.0)
        lr = eta * warm
        lr_max = jnp.maximum(state.lr_max, lr)
        weight = (k + 1) ** r * lr_max**weight_lr_power
        weight_sum = state.weight_sum + weight
        c = jnp.where(weight_sum > 0, weight / jnp.where(weight_sum > 0, weight_sum, 1.0), 0.0)
        d, base = direction.update(grads, state.base, y)
        beta = state.b1
        new_y = jax.tree.map(lambda yi, zi, di: (1 - c) * yi + c * zi + lr * (beta * (1 - c) - 1) * di,
                             y, state.z, d)
        new_z = jax.tree.map(lambda zi, di: zi - lr * di, state.z, d)
        new = ScheduleFreeState(count=optax.safe_increment(state.count), b1=beta, z=new_z,
                                weight_sum=weight_sum, lr_max=lr_max, base=base)
        return new_y, new, lr

    def evaluated(state, y):
        return optax.contrib.schedule_free_eval_params(state, y)

    return Step(init, apply, evaluated)


def sgd_direction(weight_decay: Any) -> optax.GradientTransformation:
    r"""``SGDScheduleFree``'s :math:`d = \nabla f(y) + \lambda y`."""
    return optax.add_decayed_weights(weight_decay)


def adamw_direction(b2: Any, eps: Any, weight_decay: Any) -> optax.GradientTransformation:
    r"""``AdamWScheduleFree``'s :math:`d = g/(\sqrt{v/(1-\beta_2^{k+1})} + \epsilon) + \lambda y`."""
    return optax.chain(
        optax.scale_by_rms(decay=b2, eps=eps, initial_scale=0.0, eps_in_sqrt=False, bias_correction=True),
        optax.add_decayed_weights(weight_decay),
    )
