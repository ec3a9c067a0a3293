"""The learning rates a student can reach: one grid for every rate slider, one range for every rate box."""

from __future__ import annotations

import numpy as np

# Rates a student can reach with the slider: 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8 per decade, 1e-4 … 10.
_MANTISSAS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0)
LR_GRID = (*(float(f"{m * 10.0**e:.6g}") for e in range(-4, 1) for m in _MANTISSAS), 10.0)
LR_RANGE = (LR_GRID[0], LR_GRID[-1])  # what a rate box and a link accept: 1e-4 … 10


def nearest_rate(lr: float) -> float:
    """The slider position closest to ``lr`` on a log scale."""
    grid = np.array(LR_GRID)
    return float(grid[np.argmin(np.abs(np.log(grid) - np.log(max(lr, 1e-12))))])
