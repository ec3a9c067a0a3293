r"""A small multi-layer perceptron in plain ``jax.numpy``, trained with lrviz's optimizers.

The model: ``depth`` hidden layers of ``width`` ReLU units and a linear output of one logit
per class,

.. math:: h_0 = x,\quad h_{k} = \max(0, W_k h_{k-1} + b_k),\quad z = W_{\text{out}} h_{\text{depth}}
          + b_{\text{out}},

initialised as ``torch.nn.Linear`` does by default: every weight and bias uniform in
:math:`\pm 1/\sqrt{\text{fan\_in}}`. The loss is the mean cross-entropy
:math:`-\frac1B\sum_i \log \operatorname{softmax}(z_i)_{y_i}` (``torch.nn.CrossEntropyLoss``).
No framework beyond JAX: the model is ten lines, and a plain pytree of ``(W, b)`` pairs
vmaps over rates and seeds without ceremony.

Training (:func:`train`) is mini-batch gradient descent with an optimizer of
:mod:`lrviz.optimizers` and a schedule of :mod:`lrviz.schedules`, the engine's way
(:mod:`lrviz.engine`): the optimizer's update comes from ``optimizers.stepper`` and the rate
:math:`\eta_t` = ``SCHEDULES[name].fn(t, lr, p)`` is handed to it here
(:math:`\theta_{t+1} = \theta_t - \eta_t d_t` for the torch family), so the rate can be a traced
value and one compiled program serves every rate and seed. A schedule-free optimizer's curves
and final weights are at its average x, where the ``schedulefree`` package evaluates the model.
Each epoch visits the training set in a new random order in ``n_train // batch`` full batches,
the last partial batch dropped
(``DataLoader(shuffle=True, drop_last=True)``). Initial weights and batch orders are drawn on
the host from the seed (:func:`init`, :func:`batch_order`) and enter the compiled program as
arrays, so rows with the same seed start from the same weights and see the same batches.

A run *diverges* at the first step whose batch loss or updated weights are not finite;
from then on its weights stay put and its records hold NaN (the engine's convention).
Every ``steps / evals`` updates the whole training and validation sets are evaluated
(loss and accuracy), so curves cost little more than the training itself.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from lrviz import optimizers, schedules
from lrviz.engine import devices
from lrviz.nn.datasets import Dataset
from lrviz.params import check_int

__all__ = ["Setup", "Shape", "Training", "accuracy", "forward", "init", "loss", "predict", "train"]

MAX_WIDTH = 256
MAX_DEPTH = 4
_ROW_BUCKETS = (1, 4, 8, 16, 32, 64, 128, 256)
_FEW_CLASSES = 4

Params = list  # [(W, b), ...], W of shape (fan_in, fan_out)


class Shape(NamedTuple):
    n_in: int
    width: int
    depth: int  # hidden layers
    n_out: int

    @property
    def layers(self) -> list[tuple[int, int]]:
        sizes = [self.n_in, *[self.width] * self.depth, self.n_out]
        return list(itertools.pairwise(sizes))


def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence((int(seed), stream)))


def init(shape: Shape, seed: int) -> Params:
    """Weights as ``torch.nn.Linear``'s default: :math:`U(-1/\\sqrt{n_{in}}, 1/\\sqrt{n_{in}})`.

    Drawn on the host with NumPy (stream 0 of ``seed``): JAX's threefry generator costs
    seconds of compilation in every program that draws, for a few thousand numbers.
    """
    rng = _rng(seed, 0)
    params = []
    for fan_in, fan_out in shape.layers:
        bound = 1.0 / np.sqrt(fan_in)
        params.append((
            rng.uniform(-bound, bound, (fan_in, fan_out)).astype(np.float32),
            rng.uniform(-bound, bound, (fan_out,)).astype(np.float32),
        ))
    return params


def forward(params: Params, x: jax.Array) -> jax.Array:
    """Logits, shape ``(n, n_out)``."""
    h = x
    for w, b in params[:-1]:
        h = jax.nn.relu(h @ w + b)
    w, b = params[-1]
    if w.shape[1] <= _FEW_CLASSES:
        # The same product, one column at a time: under ``vmap`` XLA:CPU runs a product with a
        # handful of output columns as one tiny matrix call per model, while these sums fuse
        # into a single loop. A 32-rate grid on two classes trains in 0.75x the time.
        return jnp.stack([(h * w[:, j]).sum(-1) for j in range(w.shape[1])], axis=-1) + b
    return h @ w + b


def loss(params: Params, x: jax.Array, y: jax.Array) -> jax.Array:
    """Mean cross-entropy of the labels ``y`` under the model's softmax."""
    logp = jax.nn.log_softmax(forward(params, x))
    return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))


def accuracy(params: Params, x: jax.Array, y: jax.Array) -> jax.Array:
    return jnp.mean(jnp.argmax(forward(params, x), axis=1) == y)


def predict(params: Params, x: jax.Array) -> jax.Array:
    """Class probabilities, shape ``(n, n_out)``."""
    return jax.nn.softmax(forward(params, x))


def batch_order(seed: int, n: int, batch: int, steps: int) -> np.ndarray:
    """Row indices of the mini-batch of every step, shape ``(steps, batch)``: epochs of
    ``n // batch`` full batches, each epoch a fresh permutation (last partial batch dropped).
    Drawn on the host (stream 1 of ``seed``), like :func:`init`."""
    per_epoch = n // batch
    epochs = -(-steps // per_epoch)
    rng = _rng(seed, 1)
    perms = np.stack([rng.permutation(n)[: per_epoch * batch] for _ in range(epochs)])
    return perms.reshape(epochs * per_epoch, batch)[:steps].astype(np.int32)


def make_step(update: optimizers.Step, batch_loss=loss):
    """One update: ``step(params, opt_state, xb, yb, eta) -> (candidate, opt_state, loss at params)``."""
    grad_fn = jax.value_and_grad(batch_loss)

    def step(params, opt_state, xb, yb, eta):
        value, grads = grad_fn(params, xb, yb)
        new, opt_state, _ = update.apply(grads, opt_state, params, eta)
        return new, opt_state, value

    return step


def evaluated(update: optimizers.Step, opt_state, params):
    """The weights where the model is evaluated: ``params``, or a schedule-free optimizer's x."""
    return params if update.evaluated is None else update.evaluated(opt_state, params)


def keep(ok: jax.Array, new, old):
    """``new`` where ``ok``, else ``old``, leaf by leaf: a run that stopped stays where it is."""
    return jax.tree.map(lambda n, o: jnp.where(ok, n, o), new, old)


def all_finite(tree) -> jax.Array:
    return jnp.all(jnp.array([jnp.all(jnp.isfinite(leaf)) for leaf in jax.tree.leaves(tree)]))


@dataclass(frozen=True)
class Setup:
    """Everything that selects a compiled program (hashable; static under ``jit``)."""

    shape: Shape
    optimizer: str
    optimizer_static: tuple[tuple[str, Any], ...]
    schedule: str
    schedule_static: tuple[tuple[str, Any], ...]
    batch: int
    steps: int
    evals: int  # evaluations of the whole sets after every steps // evals updates (plus one at 0)


def prepare(
    data: Dataset, *, width: int, depth: int, optimizer: str, optimizer_params: Mapping[str, Any] | None,
    schedule: str, schedule_params: Mapping[str, Any] | None, batch: int, steps: int, evals: int, lr: float,
) -> tuple[Setup, dict, dict]:
    """Validate at the edge; (setup, traced optimizer params, traced schedule params)."""
    n_train = len(data.y_train)
    width = check_int("width", width, 1, MAX_WIDTH)
    shape = Shape(data.dim, width, check_int("depth", depth, 1, MAX_DEPTH), data.n_classes)
    batch = check_int("batch", batch, 1, n_train)
    steps = check_int("steps", steps, 1, 100_000)
    evals = check_int("evals", evals, 1, steps)
    if steps % evals:
        raise ValueError(f"`evals` (={evals}) must divide `steps` (={steps}).")
    if schedules.get(schedule).needs_loss:
        raise ValueError(f"`schedule` (={schedule!r}) is not available here: it needs a loss per epoch.")
    opt_spec, sched_spec = optimizers.get(optimizer), schedules.get(schedule)
    opt_traced, opt_static = opt_spec.split(opt_spec.resolve(optimizer_params, lr))
    sched_traced, sched_static = sched_spec.split(sched_spec.resolve(schedule_params, lr))
    setup = Setup(shape, optimizer, opt_static, schedule, sched_static, batch, steps, evals)
    return setup, opt_traced, sched_traced



class Outcome(NamedTuple):
    batch_loss: jax.Array  # (steps,): loss of the batch each update used, NaN after divergence
    train_loss: jax.Array  # (evals + 1,) on the whole training set
    val_loss: jax.Array  # (evals + 1,)
    val_acc: jax.Array  # (evals + 1,)
    diverged_at: jax.Array  # step of the first non-finite loss or weights, -1 if none
    params: Params  # final weights (the last finite ones)


def stepper_of(setup: Setup, opt_p: Mapping[str, Any]) -> optimizers.Step:
    """The optimizer's update (the rate given each step) for traced numbers ``opt_p``."""
    return optimizers.stepper(setup.optimizer, {**opt_p, **dict(setup.optimizer_static)})


def _train_one(setup: Setup, lr, params0, order, opt_p, sched_p, arrays) -> Outcome:
    """One run from ``params0`` over the batches ``order`` at base rate ``lr``; pure and traceable."""
    x_train, y_train, x_val, y_val = arrays
    update_rule = stepper_of(setup, opt_p)
    sched_fn = schedules.SCHEDULES[setup.schedule].fn
    sched_p = {**sched_p, **dict(setup.schedule_static)}
    step = make_step(update_rule)
    every = setup.steps // setup.evals

    def evaluate(params, alive):
        values = (loss(params, x_train, y_train), loss(params, x_val, y_val), accuracy(params, x_val, y_val))
        return tuple(jnp.where(alive, v, jnp.nan) for v in values)

    def update(carry, t):
        params, opt_state, alive, diverged_at = carry
        eta = sched_fn(t, lr, sched_p).astype(jnp.float32)
        idx = order[t]
        candidate, new_state, value = step(params, opt_state, x_train[idx], y_train[idx], eta)
        ok = alive & jnp.isfinite(value) & all_finite(candidate)
        params, opt_state = keep(ok, (candidate, new_state), (params, opt_state))
        diverged_at = jnp.where(alive & ~ok, t, diverged_at)
        return (params, opt_state, ok, diverged_at), jnp.where(alive & jnp.isfinite(value), value, jnp.nan)

    def chunk(carry, k):
        carry, losses = jax.lax.scan(update, carry, k * every + jnp.arange(every))
        return carry, (losses, evaluate(evaluated(update_rule, carry[1], carry[0]), carry[2]))

    carry0 = (params0, update_rule.init(params0), jnp.array(True), jnp.array(-1))
    final, (losses, evals) = jax.lax.scan(chunk, carry0, jnp.arange(setup.evals))
    first = evaluate(params0, jnp.array(True))
    curves = [jnp.concatenate([f[None], e]) for f, e in zip(first, evals, strict=True)]
    return Outcome(losses.reshape(-1), *curves, final[3], evaluated(update_rule, final[1], final[0]))


@functools.partial(jax.jit, static_argnums=(0, 1), compiler_options=devices.COMPILER_OPTIONS)
def _train_many(setup: Setup, shared: bool, lrs, params0, orders, opt_p, sched_p, arrays) -> Outcome:
    """vmap of :func:`_train_one`; ``shared``: one seed for all rows, so the initial weights
    and batches are passed once (unbatched), and each step gathers one batch for every row."""
    def one(lr, p0, order):
        return _train_one(setup, lr, p0, order, opt_p, sched_p, arrays)

    axis = None if shared else 0
    return jax.vmap(one, in_axes=(0, axis, axis))(lrs, params0, orders)


def starts(setup: Setup, n_train: int, seeds: np.ndarray) -> tuple[Params, np.ndarray]:
    """Initial weights and batch orders for each entry of ``seeds``, stacked on a leading axis
    (each distinct seed drawn once)."""
    unique, where = np.unique(seeds, return_inverse=True)
    inits = [init(setup.shape, s) for s in unique]
    params = jax.tree.map(lambda *leaves: np.stack(leaves)[where], *inits)
    orders = np.stack([batch_order(s, n_train, setup.batch, setup.steps) for s in unique])[where]
    return params, orders


@dataclass(frozen=True)
class Training:
    """Many runs that differ in rate and seed; row i trained at ``lrs[i]`` from ``seeds[i]``."""

    dataset: str
    setup: Setup
    lrs: np.ndarray  # (n,)
    seeds: np.ndarray  # (n,)
    batch_loss: np.ndarray  # (n, steps)
    eval_steps: np.ndarray  # (evals + 1,) the update counts at which the sets were evaluated
    train_loss: np.ndarray  # (n, evals + 1)
    val_loss: np.ndarray  # (n, evals + 1)
    val_acc: np.ndarray  # (n, evals + 1)
    diverged_at: np.ndarray  # (n,) -1 where the run did not diverge
    params: Params  # final weights, each leaf with a leading axis of n

    @property
    def final_val_loss(self) -> np.ndarray:
        """Validation loss at the end; +inf for a diverged run."""
        return np.where(self.diverged_at >= 0, np.inf, self.val_loss[:, -1])

    @property
    def final_val_acc(self) -> np.ndarray:
        return np.where(self.diverged_at >= 0, np.nan, self.val_acc[:, -1])

    def weights(self, i: int) -> Params:
        return jax.tree.map(lambda leaf: leaf[i], self.params)


def train(
    data: Dataset,
    lrs: Sequence[float] | np.ndarray,
    seeds: Sequence[int] | np.ndarray | int = 0,
    *,
    width: int = 32,
    depth: int = 2,
    optimizer: str = "sgd",
    optimizer_params: Mapping[str, Any] | None = None,
    schedule: str = "constant",
    schedule_params: Mapping[str, Any] | None = None,
    batch: int = 64,
    steps: int = 300,
    evals: int = 30,
) -> Training:
    """Train one model per entry of ``lrs`` (and ``seeds``, broadcast against it) in one ``vmap``.

    Row i equals a run of its own at ``lrs[i]`` from ``seeds[i]``: the same initial weights and
    batches for the same seed. The number of rows is padded to a bucket so that a few compiled
    programs serve every count. ``ValueError`` names a bad argument.
    """
    lrs = np.atleast_1d(np.asarray(lrs, dtype=float))
    seeds = np.atleast_1d(np.asarray(seeds))
    if lrs.ndim != 1 or lrs.size == 0 or not np.all(np.isfinite(lrs) & (lrs > 0)):
        raise ValueError(f"`lrs` (={lrs!r}) must be a 1-D array of positive, finite rates.")
    n = lrs.size
    if seeds.ndim != 1 or seeds.dtype.kind not in "iu" or np.any(seeds < 0) or seeds.size not in (1, n):
        raise ValueError(f"`seeds` (={seeds!r}) must be one integer >= 0 or one per rate.")
    setup, opt_p, sched_p = prepare(
        data, width=width, depth=depth, optimizer=optimizer, optimizer_params=optimizer_params,
        schedule=schedule, schedule_params=schedule_params, batch=batch, steps=steps, evals=evals,
        lr=float(lrs.max()),
    )
    seeds = np.broadcast_to(seeds, (n,))
    rows = np.minimum(np.arange(bucket(n)), n - 1)  # padding repeats the last row
    params0, orders = starts(setup, len(data.y_train), seeds[rows])
    rates = lrs[rows].astype(np.float32)
    shared = bool(np.all(seeds == seeds[0]))
    if shared:  # one seed: its initial weights and batches are passed once, for every row
        params0, orders = jax.tree.map(lambda leaf: leaf[0], (params0, orders))
        rates = devices.spread(rates)
    else:
        rates, params0, orders = devices.spread((rates, params0, orders))
    out = _train_many(setup, shared, rates, params0, orders, opt_p, sched_p, device_arrays(data))
    arrays = [np.asarray(a)[:n] for a in out[:5]]
    return Training(
        dataset=data.name, setup=setup, lrs=lrs, seeds=np.array(seeds), batch_loss=arrays[0],
        eval_steps=np.arange(setup.evals + 1) * (setup.steps // setup.evals),
        train_loss=arrays[1], val_loss=arrays[2], val_acc=arrays[3], diverged_at=arrays[4].astype(int),
        params=jax.tree.map(lambda leaf: np.asarray(leaf)[:n], out.params),
    )


def bucket(n: int) -> int:
    """The padded number of rows for ``n`` runs."""
    return devices.bucket(n, _ROW_BUCKETS, "the number of runs")


def device_arrays(data: Dataset) -> tuple[jax.Array, ...]:
    return tuple(jnp.asarray(a) for a in (data.x_train, data.y_train, data.x_val, data.y_val))


@functools.partial(jax.jit, static_argnums=())
def _probabilities(params, points):
    return jax.vmap(predict, in_axes=(0, None))(params, points)


def probabilities(training: Training, rows: Sequence[int], points: np.ndarray) -> np.ndarray:
    """Class probabilities of the models in ``rows`` at ``points`` (shape ``(len(rows), m, n_out)``)."""
    params = jax.tree.map(lambda leaf: jnp.asarray(leaf[np.asarray(rows)]), training.params)
    return np.asarray(_probabilities(params, jnp.asarray(points, jnp.float32)))
