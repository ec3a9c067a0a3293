r"""The networks of the edge-of-stability demos: a small tanh MLP under squared loss, full batch.

As in Cohen et al. (ICLR 2021), the loss is the squared error against one-hot targets,

.. math:: L(\theta) = \frac{1}{2n}\sum_{i=1}^{n} \lVert f_\theta(x_i) - e_{y_i} \rVert^2,

over a fixed set of ``points`` training examples (every update sees all of them: gradient
descent, not SGD). The model has ``depth`` hidden layers of ``width`` tanh units and a linear
output per class, initialised as ``torch.nn.Linear`` (:func:`lrviz.nn.mlp.init`). Its weights
travel as one flat float32 vector :math:`\theta` (Lanczos, distances and the flow want vectors);
:func:`split` cuts it back into layers with sizes known when the program is traced.

Two networks serve the page (:data:`NARROW`, :data:`WIDE`). A narrow, deeper one sharpens as it
trains (its sharpness grows from 2.6 to past 8 under gradient flow), which is what the edge of
stability needs. A wide, shallow one barely sharpens at small rates (the lazy regime of wide
networks) but flattens abruptly when the rate passes :math:`2/\lambda_0`: the catapult.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from lrviz.nn import datasets, mlp
from lrviz.params import check_int

__all__ = ["NARROW", "WIDE", "Network", "Problem", "loss", "problem", "split"]

MAX_WIDTH = 512
MAX_DEPTH = 4


@dataclass(frozen=True)
class Network:
    """Which network and data: the first ``points`` training examples of ``data``, ``depth``
    hidden tanh layers of ``width`` units, initial weights drawn from ``seed``."""

    data: str = "digits"
    points: int = 128
    width: int = 32
    depth: int = 2
    seed: int = 0

    def __post_init__(self) -> None:
        if self.data not in datasets.DATASETS:
            raise ValueError(f"`data` (={self.data!r}) must be one of: {', '.join(datasets.DATASETS)}.")
        check_int("points", self.points, 8, datasets.DATASETS[self.data].n_train)
        check_int("width", self.width, 1, MAX_WIDTH)
        check_int("depth", self.depth, 1, MAX_DEPTH)
        check_int("seed", self.seed, 0)


NARROW = Network("digits", 128, 32, 2)  # sharpens while it trains: the edge of stability, Adam's edge
WIDE = Network("moons", 64, 256, 1)  # flat until the rate pushes it: the catapult, warm-up


class Problem(NamedTuple):
    """A network's numbers: its layer sizes (static under ``jit``), first weights and data."""

    shape: mlp.Shape
    theta0: np.ndarray  # (p,) float32, the initial weights, flat
    x: np.ndarray  # (points, n_in) float32
    y: np.ndarray  # (points, n_classes) float32, one-hot

    @property
    def size(self) -> int:
        return int(self.theta0.size)


@functools.cache
def problem(network: Network) -> Problem:
    """The data and initial weights of ``network`` (cached: a network is a frozen value)."""
    data = datasets.load(network.data)
    x = data.x_train[: network.points]
    y = np.eye(data.n_classes, dtype=np.float32)[data.y_train[: network.points]]
    shape = mlp.Shape(data.dim, network.width, network.depth, data.n_classes)
    layers = mlp.init(shape, network.seed)
    theta0 = np.concatenate([a.ravel() for layer in layers for a in layer]).astype(np.float32)
    return Problem(shape, theta0, x, y)


def split(shape: mlp.Shape, theta: jax.Array) -> list[tuple[jax.Array, jax.Array]]:
    """The flat weights cut into ``(W, b)`` per layer (``W`` of shape ``(fan_in, fan_out)``)."""
    layers, at = [], 0
    for fan_in, fan_out in shape.layers:
        w = theta[at: at + fan_in * fan_out].reshape(fan_in, fan_out)
        at += fan_in * fan_out
        layers.append((w, theta[at: at + fan_out]))
        at += fan_out
    return layers


def forward(shape: mlp.Shape, theta: jax.Array, x: jax.Array) -> jax.Array:
    """Outputs, shape ``(n, n_classes)``."""
    *hidden, (w_out, b_out) = split(shape, theta)
    h = x
    for w, b in hidden:
        h = jnp.tanh(h @ w + b)
    return h @ w_out + b_out


def loss(shape: mlp.Shape, theta: jax.Array, x: jax.Array, y: jax.Array) -> jax.Array:
    """Half the mean over points of the squared distance between output and target."""
    return 0.5 * jnp.mean(jnp.sum((forward(shape, theta, x) - y) ** 2, axis=-1))
