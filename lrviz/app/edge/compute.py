"""What the /edge page computes from its config: one core call per section (pure; cached in ``ui``).

Each section trains its own network (:data:`lrviz.nn.edge.NARROW` for the edge of stability and
Adam, :data:`lrviz.nn.edge.WIDE` for the catapult and warm-up) and passes ``progress`` through.
Every function reads only the fields of its section, so :func:`part` can blank the others for a
cache key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from lrviz.app.edge.state import DEFAULT, WARMUP_STEPS, Config, View
from lrviz.nn import edge

Progress = Callable[[float], None] | None
_FIELDS: dict[View, tuple[str, ...]] = {  # what each section reads
    "eos": ("lrs", "steps"),
    "adam": ("adam_lrs", "beta1", "adam_steps"),
    "catapult": ("lo", "hi", "runs"),
    "warmup": ("peaks", "lengths", "decay"),
}


def part(config: Config, view: View) -> Config:
    """``config`` with every field but ``view``'s section at its default: a cache key that a change
    elsewhere (another section, the language, presentation mode) leaves alone."""
    return replace(DEFAULT, **{name: getattr(config, name) for name in _FIELDS[view]})


def stability(config: Config, progress: Progress = None) -> edge.Stability:
    return edge.stability(config.lrs, network=edge.NARROW, steps=config.steps, progress=progress)


def adam(config: Config, progress: Progress = None) -> edge.AdamEdge:
    return edge.adam_edge(
        config.adam_lrs, network=edge.NARROW, beta1=config.beta1, steps=config.adam_steps, progress=progress
    )


def catapult(config: Config, progress: Progress = None) -> edge.Catapult:
    return edge.catapult(config.multiples, network=edge.WIDE, progress=progress)


def critical(network: edge.Network = edge.WIDE) -> float:
    """:math:`2/\\lambda_0` of ``network``."""
    return 2.0 / edge.start(network).sharpness


def warmup_grid(config: Config, progress: Progress = None) -> edge.WarmupGrid:
    peaks = np.asarray(config.peaks) * critical()
    return edge.warmup_grid(
        peaks,
        config.lengths,
        network=edge.WIDE,
        steps=WARMUP_STEPS,
        cosine=config.decay == "cosine",
        progress=progress,
    )


def warmup_pair(config: Config, grid: edge.WarmupGrid, progress: Progress = None) -> edge.Descent | None:
    """Without and with warm-up at the grid's example (:meth:`~lrviz.nn.edge.WarmupGrid.example`);
    None where no peak of the grid was rescued."""
    example = grid.example()
    if example is None:
        return None
    peak, length = example
    return edge.warmup_pair(
        peak,
        length,
        network=edge.WIDE,
        steps=WARMUP_STEPS,
        cosine=config.decay == "cosine",
        progress=progress,
    )
