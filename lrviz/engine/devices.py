"""Use every CPU core for many independent runs, and the XLA:CPU settings that suit them.

JAX runs a program on one CPU *device*, and a batched run keeps about one core busy. Here
the host's cores are exposed as that many CPU devices (:func:`configure`, called when
``lrviz`` is imported, before JAX starts its backend), and :func:`spread` places arrays whose
leading axis holds independent runs (rates, seeds) across them. ``jit`` then partitions the
``vmap`` along that axis and each core trains its share of the rows at the same time: on two
cores a 32-rate grid of the LR finder takes 0.55× the time of one device, and a sweep of 2,000
rates × 2,000 steps 0.65× (:func:`lrviz.engine.sweep` spreads only sweeps large enough to gain).

``COMPILER_OPTIONS`` keeps XLA's library (YNNPACK) fusions for matrix products only. For the
small element-wise and reduction steps of an MLP's training step its generated loops are
faster; the grid above trains in 0.9× the time.

A computation whose arrays were never spread runs on the first device, as before.

:func:`bucket` rounds a length (steps, rows, batches) up to one of a few sizes, so that a few
compiled programs serve every count.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

__all__ = ["COMPILER_OPTIONS", "bucket", "configure", "spread"]

COMPILER_OPTIONS = {"xla_cpu_experimental_ynn_fusion_type": "LIBRARY_FUSION_TYPE_DOT"}


def configure() -> None:
    """One CPU device per core; no effect once JAX's backend is running (then one device)."""
    with contextlib.suppress(RuntimeError):  # raised once a backend runs: keep what it has
        jax.config.update("jax_num_cpu_devices", len(os.sched_getaffinity(0)))


def spread(tree):
    """``tree``'s arrays split along their leading (row) axis over all devices, or unchanged
    when there is one device or the rows do not divide evenly."""
    devices = jax.devices()
    rows = {np.shape(leaf)[0] for leaf in jax.tree.leaves(tree)}
    if len(devices) == 1 or len(rows) != 1 or rows.pop() % len(devices):
        return tree
    sharding = NamedSharding(Mesh(np.array(devices), ("rows",)), PartitionSpec("rows"))
    return jax.device_put(tree, sharding)


def bucket(n: int, sizes: Sequence[int], what: str) -> int:
    """The smallest of ``sizes`` (ascending) that holds ``n``; ``ValueError`` naming ``what``
    (e.g. "`steps`") where ``n`` is larger than all of them."""
    for size in sizes:
        if n <= size:
            return size
    raise ValueError(f"{what} (={n}) must be at most {sizes[-1]}.")
