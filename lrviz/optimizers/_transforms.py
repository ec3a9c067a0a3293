r"""The three transforms written by hand because optax's numbers differ from ``torch.optim``'s.

``OPTAX_VS_TORCH.md`` lists the differences: SGD's momentum buffer (optax's ``trace`` starts at
zero and has no dampening), Adagrad (optax starts its sum at 0.1, puts eps inside the root and has
no ``lr_decay``) and AMSGrad (optax keeps the maximum of the bias-corrected moment). Every other
piece of :mod:`lrviz.optimizers` is optax's own. Their numbers may be JAX tracers.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax


class TorchMomentumState(NamedTuple):
    count: jax.Array  # int32 scalar: updates done so far
    buf: optax.Updates


def torch_momentum(momentum: Any, dampening: Any, nesterov: bool) -> optax.GradientTransformation:
    r"""``torch.optim.SGD``'s momentum buffer.

    .. math:: b_1 = g_1,\quad b_t = \mu\, b_{t-1} + (1-\tau)\, g_t,\qquad
              d_t = g_t + \mu\, b_t \ \text{(nesterov)}\ \text{else}\ d_t = b_t,

    with :math:`\mu` = ``momentum``, :math:`\tau` = ``dampening``; with :math:`\mu = 0` the
    buffer is skipped (:math:`d_t = g_t`), as in torch. Why not ``optax.trace``: it starts its
    buffer at zero and has no dampening (:math:`b_t = \mu b_{t-1} + g_t`), which agrees
    with torch only when :math:`\tau = 0`.
    """

    def init_fn(params):
        return TorchMomentumState(count=jnp.zeros([], jnp.int32), buf=optax.tree.zeros_like(params))

    def update_fn(updates, state, params=None):
        del params
        fresh = (state.count == 0) | (momentum == 0)  # a traced test, not a Python `if`
        buf = jax.tree.map(
            lambda g, b: jnp.where(fresh, g, momentum * b + (1 - dampening) * g), updates, state.buf
        )
        out = jax.tree.map(lambda g, b: g + momentum * b, updates, buf) if nesterov else buf
        return out, TorchMomentumState(count=optax.safe_increment(state.count), buf=buf)

    return optax.GradientTransformation(init_fn, update_fn)


class TorchAdagradState(NamedTuple):
    count: jax.Array  # int32 scalar: updates done so far (k - 1 at step k)
    sum: optax.Updates


def torch_adagrad(lr_decay: Any, initial_accumulator_value: Any, eps: Any) -> optax.GradientTransformation:
    r"""``torch.optim.Adagrad``'s scaling (Duchi, Hazan & Singer 2011, JMLR 12).

    .. math:: s_k = s_{k-1} + g_k^2,\ s_0 = \text{initial\_accumulator\_value},\qquad
              d_k = \frac{g_k}{(\sqrt{s_k} + \epsilon)\,(1 + (k-1)\,\text{lr\_decay})},

    :math:`k = 1` at the first step, :math:`\epsilon` outside the root. Why not
    ``optax.scale_by_rss``/``optax.adagrad``: they start the sum at 0.1, put
    :math:`\epsilon` inside the root and have no ``lr_decay``.
    """

    def init_fn(params):
        return TorchAdagradState(
            count=jnp.zeros([], jnp.int32), sum=optax.tree.full_like(params, initial_accumulator_value)
        )

    def update_fn(updates, state, params=None):
        del params
        acc = jax.tree.map(lambda g, s: s + g * g, updates, state.sum)
        slowdown = 1 + state.count * lr_decay
        out = jax.tree.map(lambda g, s: g / (jnp.sqrt(s) + eps) / slowdown, updates, acc)
        return out, TorchAdagradState(count=optax.safe_increment(state.count), sum=acc)

    return optax.GradientTransformation(init_fn, update_fn)


class TorchAmsgradState(NamedTuple):
    count: jax.Array  # int32 scalar: updates done so far
    mu: optax.Updates
    nu: optax.Updates
    nu_max: optax.Updates


def torch_amsgrad(b1: Any, b2: Any, eps: Any) -> optax.GradientTransformation:
    r"""``torch.optim.Adam(amsgrad=True)``'s direction (Reddi, Kale & Kumar 2018, arXiv:1904.09237).

    .. math:: \hat v_k = \max(\hat v_{k-1}, v_k),\qquad
              d_k = \frac{m_k / (1-\beta_1^k)}{\sqrt{\hat v_k}/\sqrt{1-\beta_2^k} + \epsilon},

    the maximum taken over the *raw* second moment :math:`v_k` and divided by today's
    correction. Why not ``optax.scale_by_amsgrad``: it keeps the maximum of the
    bias-corrected moment instead, which gives other numbers.
    """

    def init_fn(params):
        zeros = optax.tree.zeros_like(params)
        return TorchAmsgradState(count=jnp.zeros([], jnp.int32), mu=zeros, nu=zeros, nu_max=zeros)

    def update_fn(updates, state, params=None):
        del params
        mu = optax.tree.update_moment(updates, state.mu, b1, 1)
        nu = optax.tree.update_moment_per_elem_norm(updates, state.nu, b2, 2)
        nu_max = jax.tree.map(jnp.maximum, state.nu_max, nu)
        k = optax.safe_increment(state.count)
        c1, c2 = 1 - b1**k, 1 - b2**k  # as optax.scale_by_adam, so that max == v gives Adam's numbers
        out = jax.tree.map(lambda m, v: (m / c1) / (jnp.sqrt(v) / jnp.sqrt(c2) + eps), mu, nu_max)
        return out, TorchAmsgradState(count=k, mu=mu, nu=nu, nu_max=nu_max)

    return optax.GradientTransformation(init_fn, update_fn)
