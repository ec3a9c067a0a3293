"""Static pieces of a loss-surface picture: the curve or contour map and its marked points.

Traces are plain dicts (see :func:`lrviz.figures.theme.figure`).

Shared by every page that draws a surface. Colours are log-scaled when the
loss spans more than two decades over the domain (Rosenbrock, Beale), so the
valley floor is not one flat colour; the colour bar then shows real values.
"""

from __future__ import annotations

import functools

import numpy as np

from lrviz.figures.theme import GREY, OKABE_ITO, SURFACE_SCALE
from lrviz.strings import t
from lrviz.surfaces import Surface


class View:
    """The visible box of a surface plot and how to keep a path inside it."""

    def __init__(self, surface: Surface, pad: float = 0.0):
        box = surface.bounds.copy()
        width = box[:, 1] - box[:, 0]
        box[:, 0] -= pad * width
        box[:, 1] += pad * width
        self.box = box

    def inside(self, points: np.ndarray) -> np.ndarray:
        """Which points (shape ``(n, dim)``) are finite and inside the box."""
        finite = np.all(np.isfinite(points), axis=-1)
        safe = np.where(np.isfinite(points), points, 0.0)
        return finite & np.all((safe >= self.box[:, 0]) & (safe <= self.box[:, 1]), axis=-1)

    def exit_point(self, points: np.ndarray) -> tuple[int, np.ndarray] | None:
        """(index, point on the box edge) where the path first leaves the box, if it does."""
        inside = self.inside(points)
        if inside.all() or not inside[0]:
            return None
        k = int(np.argmin(inside))
        a, b = points[k - 1], points[k]
        if not np.all(np.isfinite(b)):
            return k, a
        # Walk from a towards b and stop at the box edge.
        direction = b - a
        with np.errstate(divide="ignore", invalid="ignore"):
            hits = np.concatenate([(self.box[:, 0] - a) / direction, (self.box[:, 1] - a) / direction])
        fraction = np.min(hits[(hits > 0) & np.isfinite(hits)], initial=1.0)
        return k, a + min(fraction, 1.0) * direction


@functools.lru_cache(maxsize=32)
def grid(surface: Surface, n: int = 100) -> tuple[np.ndarray, ...]:
    """Axes and loss values on an ``n``-point (1-D) or ``n × n`` (2-D) grid over the domain."""
    axes = [np.linspace(lo, hi, n if surface.dim == 2 else 4 * n) for lo, hi in surface.bounds]
    if surface.dim == 1:
        return axes[0], surface.numpy(axes[0])
    xx, yy = np.meshgrid(*axes, indexing="xy")
    return axes[0], axes[1], surface.numpy(xx, yy)


def log_colours(surface: Surface) -> bool:
    """Whether the loss spans more than two decades above its minimum on the domain.

    Compared with the 10th percentile rather than the median, so a narrow valley
    in a steep landscape (Rosenbrock) still gets log colours.
    """
    values = grid(surface)[-1]
    gap = values - np.nanmin(values)
    return bool(np.nanmax(gap) > 100 * max(np.nanpercentile(gap, 10), 1e-12))


def curve_trace(surface: Surface, lang: str) -> dict:
    x, y = grid(surface)
    return dict(
        type="scatter",
        x=x,
        y=y,
        mode="lines",
        line=dict(color=GREY),
        name=t("figure.loss", lang),
        hovertemplate="x=%{x:.3g}<br>L=%{y:.3g}<extra></extra>",
    )


def contour_trace(surface: Surface, lang: str, *, showscale: bool = True) -> dict:
    x, y, z = grid(surface)
    floor = float(np.nanmin(z))
    if log_colours(surface):
        shifted = np.log10(z - floor + 1e-3 * max(float(np.nanmedian(z - floor)), 1e-9))
        ticks = np.arange(np.floor(np.nanmin(shifted)), np.ceil(np.nanmax(shifted)) + 1)
        colorbar = dict(
            tickvals=ticks,
            ticktext=[f"{floor + 10**v:.3g}" for v in ticks],
            title=dict(text=t("figure.loss", lang), side="right"),
        )
        values = shifted
    else:
        values = z
        colorbar = dict(title=dict(text=t("figure.loss", lang), side="right"))
    return dict(
        type="contour",
        x=x,
        y=y,
        z=values.astype(np.float32),
        colorscale=SURFACE_SCALE,
        ncontours=24,
        contours=dict(coloring="fill", showlines=True),
        line=dict(width=0.5, color="rgba(255,255,255,0.35)"),
        colorbar=colorbar,
        showscale=showscale,
        hoverinfo="skip",
        name=t("figure.loss", lang),
    )


def marker_traces(surface: Surface, lang: str, *, limit: int = 40) -> list[dict]:
    """Global minima (stars), local minima (diamonds) and saddles (crosses), nearest the start first."""
    start = np.asarray(surface.start)

    def nearest(points: tuple) -> np.ndarray:
        arr = np.asarray(points, dtype=float).reshape(-1, surface.dim)
        return arr[np.argsort(np.linalg.norm(arr - start, axis=-1))][:limit]

    kinds = [
        (surface.global_minima, "figure.global_min", "star", OKABE_ITO["green"], 16),
        (surface.local_minima, "figure.local_min", "diamond", OKABE_ITO["purple"], 10),
        (surface.saddles, "figure.saddle", "x", OKABE_ITO["sky"], 10),
    ]
    traces = []
    for points, key, symbol, colour, size in kinds:
        if not points:
            continue
        arr = nearest(points)
        y = surface.numpy(arr[:, 0]) if surface.dim == 1 else arr[:, 1]
        traces.append(
            dict(
                type="scatter",
                x=arr[:, 0],
                y=y,
                mode="markers",
                name=t(key, lang),
                marker=dict(symbol=symbol, size=size, color=colour, line=dict(width=1, color="white")),
                hovertemplate=t(key, lang) + "<extra></extra>",
            )
        )
    return traces
