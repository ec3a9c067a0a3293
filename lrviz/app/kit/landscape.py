"""Static pieces of a loss-surface picture: the curve or contour map and its marked points.

Traces are plain dicts (see :func:`lrviz.app.kit.theme.figure`).

Shared by every page that draws a surface. Colours are log-scaled when the
loss spans more than two decades over the domain (Rosenbrock, Beale), so the
valley floor is not one flat colour; the colour bar then shows real values.
"""

from __future__ import annotations

import base64
import functools
import math
import struct
import zlib

import numpy as np

from lrviz.app.kit.theme import GREY, OKABE_ITO, SURFACE_SCALE
from lrviz.i18n import t
from lrviz.surfaces import Surface


class View:
    """The visible box of a surface plot and how to keep a path inside it.

    The box is the surface's domain (grown by ``pad`` of its width on each side) and, where a
    ``start`` lies outside it, grown to hold the start too (:func:`holding`): a student who types
    x₀ = 100 on a surface drawn over −3…3 sees the ball come in from afar, not an empty plot."""

    def __init__(self, surface: Surface, pad: float = 0.0, start=None):
        box = surface.bounds.copy()
        width = box[:, 1] - box[:, 0]
        box[:, 0] -= pad * width
        box[:, 1] += pad * width
        self.box = box if start is None else holding(box, start)

    def inside(self, points: np.ndarray) -> np.ndarray:
        """Which points (shape ``(..., dim)``) are finite and inside the box."""
        within = np.isfinite(points) & (points >= self.box[:, 0]) & (points <= self.box[:, 1])
        # Coordinate by coordinate: np.all over a last axis one or two long costs twenty times as
        # much (0.7 ms on a chart payload's 56 runs).
        return functools.reduce(np.logical_and, np.moveaxis(within, -1, 0))

    def exit_point(self, points: np.ndarray,
                   inside: np.ndarray | None = None) -> tuple[int, np.ndarray] | None:
        """(index, point on the box edge) where the path first leaves the box, if it does.
        ``inside``: :meth:`inside` of ``points``, where the caller has it already."""
        if inside is None:
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


MARGIN = 0.1  # of the grown side's span, beyond a start that lies off the domain


def holding(box: np.ndarray, start) -> np.ndarray:
    """``box`` (``(dim, 2)``), grown on the side a finite ``start`` lies beyond, with a margin.
    In 2-D the other direction grows evenly about its centre by the same factor, so the map keeps
    the domain's shape (its axes are drawn to one scale)."""
    point = np.asarray(start, dtype=float).reshape(-1)[: len(box)]
    if not np.all(np.isfinite(point)):
        return box
    lo, hi = box[:, 0], box[:, 1]
    slack = 1e-6 * (hi - lo)  # a start on the edge, rounded to float32, is still on it
    if np.all((point >= lo - slack) & (point <= hi + slack)):
        return box
    grown_lo = np.where(point < lo, point - MARGIN * (hi - point), lo)
    grown_hi = np.where(point > hi, point + MARGIN * (point - lo), hi)
    factor = np.max((grown_hi - grown_lo) / (hi - lo))
    centre, half = (grown_lo + grown_hi) / 2, factor * (hi - lo) / 2
    return np.stack([np.minimum(grown_lo, centre - half), np.maximum(grown_hi, centre + half)], axis=-1)


def _box(surface: Surface, view: View | None) -> tuple[tuple[float, float], ...]:
    """The box drawn (the domain without a view), hashable for the caches below."""
    box = surface.bounds if view is None else view.box
    return tuple((float(lo), float(hi)) for lo, hi in box)


def grid(surface: Surface, n: int = 100, view: View | None = None) -> tuple[np.ndarray, ...]:
    """Axes and loss values on an ``n``-point (1-D) or ``n × n`` (2-D) grid over the domain
    (over ``view``'s box, where given)."""
    return _grid(surface, n, _box(surface, view))


@functools.lru_cache(maxsize=32)
def _grid(surface: Surface, n: int, box: tuple) -> tuple[np.ndarray, ...]:
    axes = [np.linspace(lo, hi, n if surface.dim == 2 else 4 * n) for lo, hi in box]
    if surface.dim == 1:
        return axes[0], _finite(surface.numpy(axes[0]))
    xx, yy = np.meshgrid(*axes, indexing="xy")
    return axes[0], axes[1], _finite(surface.numpy(xx, yy))


def _finite(values: np.ndarray) -> np.ndarray:
    """NaN where the loss overflowed (exp(x) from a start at 700): no point, and no infinite range."""
    return np.where(np.isfinite(values), values, np.nan)


def log_colours(surface: Surface, view: View | None = None) -> bool:
    """Whether the loss spans more than two decades above its minimum on the domain (on
    ``view``'s box, where given).

    Compared with the 10th percentile rather than the median, so a narrow valley
    in a steep landscape (Rosenbrock) still gets log colours.
    """
    return _log_colours(surface, _box(surface, view))


def _log_colours(surface: Surface, box: tuple) -> bool:
    values = _grid(surface, 100, box)[-1]
    gap = values - np.nanmin(values)
    return bool(np.nanmax(gap) > 100 * max(np.nanpercentile(gap, 10), 1e-12))


def base_traces(surface: Surface, lang: str, view: View | None = None) -> list[dict]:
    """What a surface plot starts with: the curve in 1-D; nothing in 2-D (the map is an image)."""
    return [curve_trace(surface, lang, view)] if surface.dim == 1 else []


def curve_trace(surface: Surface, lang: str, view: View | None = None) -> dict:
    x, y = grid(surface, view=view)
    return dict(
        type="scatter",
        x=x,
        y=y,
        mode="lines",
        line=dict(color=GREY),
        name=t("figure.loss", lang),
        hovertemplate="x=%{x:.3g}<br>L=%{y:.3g}<extra></extra>",
    )


MAP_PIXELS = 360
MAP_LEVELS = 24


def map_image(surface: Surface, view: View | None = None) -> dict:
    """The 2-D loss over the domain (``view``'s box, where given) as a filled contour picture with
    iso-lines: a layout image, not a trace.

    plotly.js drops contour and heatmap traces when it animates other traces of
    the same plot (plotly.js #4491), so the map is a picture under the axes.
    Levels are log-spaced where :func:`log_colours` says so.
    """
    return _map_image(surface, _box(surface, view))


@functools.lru_cache(maxsize=32)
def _map_image(surface: Surface, box: tuple) -> dict:
    (xlo, xhi), (ylo, yhi) = box
    xs = np.linspace(xlo, xhi, MAP_PIXELS)
    ys = np.linspace(yhi, ylo, MAP_PIXELS)  # the first image row is the top of the plot
    xx, yy = np.meshgrid(xs, ys)
    z = _finite(surface.numpy(xx, yy))
    gap = z - np.nanmin(z)
    if _log_colours(surface, box):
        gap = np.log10(gap + 1e-3 * max(float(np.nanmedian(gap)), 1e-9))
    scaled = (gap - np.nanmin(gap)) / max(float(np.nanmax(gap) - np.nanmin(gap)), 1e-12)
    level = np.clip((np.nan_to_num(scaled, nan=1.0) * MAP_LEVELS).astype(int), 0, MAP_LEVELS - 1)
    rgb = _palette(MAP_LEVELS)[level]
    edge = np.zeros(level.shape, dtype=bool)
    edge[:, 1:] |= level[:, 1:] != level[:, :-1]
    edge[1:, :] |= level[1:, :] != level[:-1, :]
    rgb[edge] = (0.6 * rgb[edge] + 0.4 * 255).astype(np.uint8)  # light iso-lines
    source = "data:image/png;base64," + base64.b64encode(_png(rgb)).decode("ascii")
    return dict(source=source, xref="x", yref="y", x=float(xlo), y=float(yhi), sizex=float(xhi - xlo),
                sizey=float(yhi - ylo), sizing="stretch", layer="below", opacity=1.0)


def _palette(n: int) -> np.ndarray:
    """``n`` colours sampled along the surface colour scale, as uint8 RGB rows."""
    stops = np.array([p for p, _ in SURFACE_SCALE])
    colours = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for _, c in SURFACE_SCALE], dtype=float)
    at = (np.arange(n) + 0.5) / n
    return np.stack([np.interp(at, stops, colours[:, k]) for k in range(3)], axis=-1).astype(np.uint8)


def _png(rgb: np.ndarray) -> bytes:
    """A minimal PNG encoder (8-bit RGB, no filtering) for an ``(h, w, 3)`` uint8 array."""
    height, width, _ = rgb.shape
    raw = b"".join(b"\x00" + row.tobytes() for row in rgb)

    def chunk(tag: bytes, data: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        return struct.pack(">I", len(data)) + tag + data + checksum

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def marker_traces(surface: Surface, lang: str, *, limit: int = 150) -> list[dict]:
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
    if surface.valley:  # a continuum of global minima: one line along it, not a star per point
        traces.append(valley_trace(surface, lang))
        kinds = kinds[1:]
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


def valley_trace(surface: Surface, lang: str) -> dict:
    """The valley of global minima as a line (broken between its branches, where consecutive
    listed points lie far apart)."""
    arr = np.asarray(surface.global_minima, dtype=float)
    gaps = np.linalg.norm(np.diff(arr, axis=0), axis=-1)
    breaks = np.flatnonzero(gaps > 10 * np.median(gaps)) + 1
    line = np.insert(arr, breaks, np.nan, axis=0)
    name = t("figure.valley", lang)
    return dict(type="scatter", x=line[:, 0], y=line[:, 1], mode="lines", name=name,
                line=dict(color=OKABE_ITO["green"], width=3), hovertemplate=name + "<extra></extra>")


# --- a surface with charts beside it ------------------------------------------------------------

# Axis domains (paper fractions): the surface on the left, charts against the step on the right.
MAIN_X, SIDE_X = (0.0, 0.56), (0.66, 1.0)
SHORT_RUN = 6  # a step axis shorter than this ticks whole steps (a run that left at once: not 0.5)


def step_axis(last: int) -> dict:
    """A step chart's x range over steps 0 … ``last``, ticking whole steps on a short run."""
    return {"range": [0, max(last, 1)], "dtick": 1 if last < SHORT_RUN else None}


EXACT = 1e-12  # where a run hits the minimum exactly, its gap is drawn this far below its largest


def gap(losses: np.ndarray, floor: float, *, over_steps: bool = True) -> np.ndarray:
    """Loss above the lowest known value, NaN where not finite; a log axis cannot show 0 (or the
    rounding below it), so those sit at the smallest positive gap: the chart goes as low as the
    numbers a verdict may quote (2.6e-19 on the quadratic), and no lower. A run that lands on
    the minimum exactly (the quadratic at η = 1/λ: 6.25, then 0) drops twelve decades below its
    largest gap, not to its smallest, which would be the start. Runs stacked along leading axes
    (one per row, NaN after their end) are each taken on their own.

    ``over_steps``: the values are a run's, step by step (along the last axis). A 0 after the run
    fell more than twelve decades below its largest gap is float32 run out of numbers (the
    quadratic at η = 0.25: x² falls by four a step to 1e-38, float32's smallest normal number,
    then reads 0): NaN, and the line ends there, where a floor drawn on drew a loss that had
    stopped falling. ``False`` for values that are no run's steps (the overview's final losses,
    one per rate)."""
    gap = np.asarray(losses, dtype=float) - floor
    finite = np.isfinite(gap)
    positive = finite & (gap > 0)
    some = positive.any(axis=-1, keepdims=True)
    lowest = np.where(some, np.where(positive, gap, np.inf).min(axis=-1, keepdims=True), EXACT)
    landed = some & (finite & (gap <= 0)).any(axis=-1, keepdims=True)
    largest = np.where(positive, gap, -np.inf).max(axis=-1, keepdims=True)
    if over_steps:  # has the run fallen twelve decades by this step? Then a 0 is float32's end
        fell = np.logical_or.accumulate(positive & landed & (gap < EXACT * largest), axis=-1)
        shown = finite & ~(fell & (gap <= 0))
    else:
        shown = finite
    lowest = np.where(landed, np.minimum(lowest, EXACT * largest), lowest)
    return np.where(shown, np.maximum(gap, lowest), np.nan)


def loss_axis(losses: np.ndarray, surface: Surface, *, over_steps: bool = True) -> tuple[np.ndarray, bool]:
    """What a chart of the loss plots, and whether on a log axis: the loss above the surface's
    lowest value (:func:`gap`; ``over_steps`` as there), or the loss itself where a formula has no
    minimum to measure from."""
    if np.isfinite(surface.f_min):
        return gap(losses, surface.f_min, over_steps=over_steps), True
    losses = np.asarray(losses, dtype=float)
    return np.where(np.isfinite(losses), losses, np.nan), False


def on_view(surface: Surface, points: np.ndarray, view: View) -> tuple[np.ndarray, np.ndarray]:
    """x and y of points in the main view (1-D: (x, f(x))), NaN outside the box."""
    inside = view.inside(points)
    safe = np.where(inside[:, None], points, np.nan)
    if surface.dim == 1:
        return safe[:, 0], surface.numpy(safe[:, 0])
    return safe[:, 0], safe[:, 1]


def main_y_range(surface: Surface, view: View) -> tuple[float, float]:
    if surface.dim == 2:
        return float(view.box[1, 0]), float(view.box[1, 1])
    _, y = grid(surface, view=view)
    low, high = float(np.nanmin(y)), float(np.nanmax(y))
    pad = 0.08 * (high - low)
    return max(low - pad, -_LARGEST), min(high + pad, _LARGEST)  # a loss near overflow: no inf


_LARGEST = float(np.finfo(float).max)


# The step charts on the right: axis, colour, title.


def main_axes(surface: Surface, view: View, lang: str) -> dict:
    """The surface's axes (and, in 2-D, the contour picture under them)."""
    x = dict(domain=list(MAIN_X), range=list(view.box[0]), title=dict(text="x"))
    y = dict(domain=[0.0, 1.0], range=list(main_y_range(surface, view)), anchor="x")
    if surface.dim == 1:
        y["title"] = dict(text=t("figure.loss", lang))
        if max(abs(v) for v in y["range"]) >= 1e4:  # a far start's curve: 8k, not 0.8×10⁴ over the title
            y["tickformat"] = "~s"
        return {"xaxis": x, "yaxis": y}
    y.update(title=dict(text="y"), scaleanchor="x", scaleratio=1, constrain="domain", showgrid=False)
    x.update(showgrid=False, constrain="domain")  # a wide panel narrows the map, not widens its range
    return {"xaxis": x, "yaxis": y, "images": [map_image(surface, view)]}


def log_ticks(values: np.ndarray, most: int = 3) -> dict:
    """Tick values and short labels for a small log axis over ``values``, at most ``most``.

    Whole decades when two or more lie in the range (the lowest, the highest, one between),
    else the two ends and the middle to two significant digits. plotly.js's own choice
    adds 2 and 5 between decades, or superscript powers, which stack or get cut off
    in a chart 80 pixels tall.
    """
    positive = np.asarray(values, dtype=float)
    positive = positive[np.isfinite(positive) & (positive > 0)]
    if positive.size == 0:
        return {}
    return log_ticks_between(np.log10(positive.min()), np.log10(positive.max()), most)


def log_ticks_between(lo: float, hi: float, most: int = 3) -> dict:
    """:func:`log_ticks` for values from ``10**lo`` to ``10**hi``."""
    first, last = math.ceil(lo - 1e-9), math.floor(hi + 1e-9)
    if last > first:
        ticks, labels = _decades(first, last, most)
    else:
        ticks = sorted({float(f"{v:.3g}") for v in np.logspace(lo, hi, min(most, 3))})  # 6.25, not 6.2
        labels = [short_number(v) for v in ticks]
    return {"tickvals": list(ticks), "ticktext": list(labels)}


@functools.lru_cache(maxsize=256)
def _decades(first: int, last: int, most: int) -> tuple[tuple[float, ...], tuple[str, ...]]:
    """At most ``most`` powers of ten, evenly spread from 10**first to 10**last, and their labels
    (a chart payload asks for the same few spans once per rate). Over a few decades the count is
    one that divides the span (0.01, 1, 100, not 0.01, 0.1, 10, 100 with 1 missing); where none
    does but two, the two ends (1e-15 and 1e4 for nineteen decades: how low the run went shows)."""
    span = last - first
    count = next(n for n in range(min(most, span + 1), 1, -1) if span % (n - 1) == 0)
    ticks = tuple(10.0 ** int(k) for k in np.linspace(first, last, count))
    return ticks, tuple(short_number(v) for v in ticks)


def written_log_ticks(lo: float, hi: float, most: int = 9) -> dict:
    """Ticks at 1, 2 and 5 times each power of ten between ``lo`` and ``hi``, every one written
    out ("0.2", not plotly.js's bare "2" that means 0.2 under a "1"); whole decades only when
    that would make more than ``most``."""
    decades = range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1)
    for mantissas in ((1, 2, 5), (1,)):
        ticks = [m * 10.0**k for k in decades for m in mantissas if lo <= m * 10.0**k <= hi]
        if len(ticks) <= most:
            break
    return {"tickvals": ticks, "ticktext": [short_number(v) for v in ticks]}


def short_number(value: float) -> str:
    """``0.01``, ``2.5``, ``6.25``, ``300``, ``1e-12``, ``2.5e-5``: the shortest label a reader takes
    in at once, and no shorter than the value (a tick at 6.25 is not labelled 6.2)."""
    if 1e-3 <= abs(value) < 1e4:
        return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"
    mantissa, exponent = f"{value:.1e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"
