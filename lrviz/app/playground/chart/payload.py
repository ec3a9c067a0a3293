"""What the rate slider's chart receives: every run the slider can reach, packed for the browser.

No Streamlit here: :func:`build` is a pure function of the runs, so tests and the bench call it
directly. The payload is one ``bytes`` value (Streamlit hands top-level bytes to the component
as a ``Uint8Array``; bytes inside a dict would not survive its JSON):

    uint32 n | request JSON (n bytes) | uint32 m | header JSON (m bytes) | float32 arrays

The *request* (which rate and step the server asks the slider to show, with a nonce that only
server-side rate changes move) is small and rebuilt on every run; everything else is cached.
The *header* holds the base figure (today's :func:`~lrviz.app.playground.figures.build_animation`
for one run, frames and Plotly controls stripped) and which of its traces the browser moves,
every rate's status, verdict and the line under the slider (in the page's language), each
rate's step-axis ranges and ticks, and the small final-loss-against-rate chart. The *arrays*
are each run's points, losses, rates and gradients, padded with NaN after divergence:
``(n, steps + 1, dim)``, ``(n, steps + 1)``, ``(n, steps)``, ``(n, steps, dim)``; for a
schedule-free optimizer also ``gradient_view`` ``(n, steps + 1, 2)``: where each gradient was taken
(y) as the map plots it (1-D: (y, f(y))), NaN off the plot; in 1-D, where the gradients are not
the curve's slope (noise, clipping, schedule-free), ``slopes`` ``(n, steps)``: the slope each
step's tangent takes (:func:`~lrviz.app.playground.figures.tangent_slopes`). ``header.arrays``
lists those sent.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
import struct
from collections.abc import Sequence
from typing import Any

import numpy as np

from lrviz.app.kit import landscape, link, playback
from lrviz.app.kit.rates import LR_GRID
from lrviz.app.kit.theme import GREY, OKABE_ITO, STATUS_COLORS, figure
from lrviz.app.playground import figures, verdict
from lrviz.app.playground.state import MAX_NOISE, MAX_STEPS, MIN_STEPS, NOISE_STEP, STEPS_STEP, Config
from lrviz.engine import Trajectory
from lrviz.engine.diagnostics import Limit
from lrviz.i18n import t
from lrviz.surfaces import Surface

ARRAYS = ("points", "losses", "lrs", "grads")
# Verdict card colours, as the page's boxes had them: st.success, st.error, st.info, else st.warning.
CARD = {"converged": "success", "diverged": "error", "slow": "info"}
# The texts the chart's own controls and labels need.
TEXTS = ("figure.step", "figure.play", "figure.pause", "figure.speed", "pg.lr", "pg.chart_frame",
         "pg.chart_overview", "pg.chart_failed")


# plotly.js's words on the chart (its toolbar's tips, the zoom notice), by their English, which is
# what a plotly.js locale dictionary is keyed by: the chart registers the page's language with them.
PLOTLY_WORDS = {"Autoscale": "autoscale", "Box Select": "box_select",
                "Compare data on hover": "compare_hover",
                "Double-click on legend to isolate one trace": "isolate_trace",
                "Double-click to zoom back out": "zoom_back", "Download plot as a PNG": "download_png",
                "Download plot": "download", "Lasso Select": "lasso_select", "Pan": "pan",
                "Reset axes": "reset_axes", "Show closest data on hover": "closest_hover",
                "Toggle Spike Lines": "spikes", "Zoom": "zoom", "Zoom in": "zoom_in", "Zoom out": "zoom_out"}


def rates(lr: float) -> tuple[np.ndarray, int | None]:
    """The rates to run: the slider's stops, plus ``lr`` when it is not one (its row, else None)."""
    grid = np.array(LR_GRID)
    if np.any(np.isclose(grid, lr, rtol=1e-9, atol=0)):
        return grid, None
    return np.append(grid, lr), len(grid)


def slider_index(lr: float) -> int:
    """The slider stop nearest ``lr`` on a log scale."""
    return int(np.argmin(np.abs(np.log(np.array(LR_GRID)) - np.log(lr))))


def markdown_html(text: str) -> str:
    """The little Markdown our sentences use (``**bold**``) as HTML, everything else escaped."""
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(text))


def build(
    runs: Sequence[Trajectory],
    surface: Surface,
    *,
    lrs: np.ndarray,
    exact: int | None,
    limit: Limit | None,
    adaptive: str | None,
    name_minimum: bool,
    lang: str,
    big: bool = False,
    narrow: bool = False,
    pick_start: bool = False,
    changed: bool = False,
    clipped: bool = False,
    noise: float = 0.0,
) -> bytes:
    """The cached part of the payload (header and arrays) for ``runs`` at rates ``lrs``.

    ``exact``: the row of a rate typed in that is not a slider stop; ``limit``: the critical rate
    (None where errors hide it); ``adaptive``: the caption an adaptive optimizer shows instead;
    ``changed``: noise or clipping changed the gradients (the rule names them g, not ∇L);
    ``clipped``: clipping caps the steps (a rate above the limit bounces, the line says);
    ``noise``: the gradient noise's size (a run that reached its minimum jitters there).
    """
    n, steps, dim = len(runs), runs[0].steps, surface.dim
    arrays = _arrays(runs, steps, dim)
    if runs[0].gradient_points is not None:
        arrays["gradient_view"] = _gradient_view(runs, surface, steps)
    slopes = [figures.tangent_slopes(run, surface, changed) for run in runs]
    if slopes[0] is not None:  # all or none: the surface and the settings decide
        arrays["slopes"] = np.full((n, steps), np.nan, np.float32)
        for row, values in zip(arrays["slopes"], slopes, strict=True):
            row[: len(values)] = values
    reference = exact if exact is not None else slider_index(0.1)
    base = figures.build_animation(runs[reference], surface, lang=lang, big=big, limit=limit, narrow=narrow,
                                   exit_trace=True, max_frames=1, changed=changed).to_dict()
    layout = {k: v for k, v in base["layout"].items() if k not in ("sliders", "updatemenus")}
    # The room under the plot that Plotly's own play buttons and frame slider took goes.
    bottom = 60 if big else 50
    layout["height"] -= layout["margin"]["b"] - bottom
    layout["margin"] = {**layout["margin"], "b": bottom}
    data = base["data"]
    moving = 8 if dim == 1 else 7
    first = len(data) - moving
    path = 1 if dim == 1 else 0
    traces = dict(path=path, gradient=path + 1, exit=_exit_index(data),
                  lines=[first - 3, first - 2, first - 1],
                  tail=first, arrow=first + 1, tangent=first + 2 if dim == 1 else None,
                  head=first + 2 + (dim == 1), markers=[first + 3 + (dim == 1) + i for i in range(3)],
                  rule=len(data) - 1)
    # The browser draws these itself (a canvas over the chart): plotly.js gets them empty, and
    # the browser reads only their look.
    for i in _drawn_by_browser(traces):
        data[i] = {**data[i], "x": [], "y": [], "text": []}
    spec = {"data": data, "layout": layout}
    # Two settings whose pictures differ only in the step axes (the runs' ranges, which each
    # row carries) share this: the browser then keeps its chart and moves only those axes.
    steps_axes = {f"{a}axis{n}" for a in "xy" for n in "234"}
    still = {"data": data, "layout": {k: v for k, v in layout.items() if k not in steps_axes}}
    view = landscape.View(surface, start=runs[0].points[0])  # the runs share their start
    loss_log = bool(np.isfinite(surface.f_min))
    names = [a.get("name") for a in layout.get("annotations", [])]
    label = names.index(figures.CRITICAL_LABEL) if figures.CRITICAL_LABEL in names else None
    rows = _rows(runs, arrays, surface, view, lrs, limit, adaptive, name_minimum, lang, label, clipped, noise,
                 headroom=_label_headroom(layout, label))
    header = dict(
        n=n, grid=len(LR_GRID), exact=exact, dim=dim, steps=steps, lengths=[len(r.points) for r in runs],
        box=view.box.tolist(), f_min=float(surface.f_min) if loss_log else None,
        tail=playback.TAIL, max_markers=playback.MAX_FRAMES, play_seconds=playback.PLAY_SECONDS,
        controls=run_controls(lang), speeds=list(playback.SPEEDS), big=big, narrow=narrow,
        pick_start=pick_start and dim == 2,
        figure=spec, figure_version=_digest(json.dumps(still, sort_keys=True).encode()), traces=traces,
        drawn=_drawn_by_browser(traces), rows=rows,
        overview=_overview(runs, [row["status"] for row in rows], surface, lrs, limit, lang, big, narrow),
        texts={key.split(".")[-1]: t(key, lang) for key in TEXTS}, gradient=figures.gradient_symbol(changed),
        lang=lang, plotly_words={english: t(f"plotly.{key}", lang) for english, key in PLOTLY_WORDS.items()},
        arrays={name: list(a.shape) for name, a in arrays.items()},
    )
    blob = b"".join(a.astype("<f4").tobytes() for a in arrays.values())
    head = json.dumps(header, allow_nan=False, separators=(",", ":")).encode()
    # The version names the whole content; written once, inside the header it names.
    head = head[:-1] + b',"version":"%s"}' % _digest(head + blob).encode()
    return struct.pack("<I", len(head)) + head + blob


def run_controls(lang: str) -> list[dict[str, Any]]:
    """The chart's own run settings (``state.CHART_SETTINGS``): how each is drawn and what it takes.
    A slider's label holds its value where it says ``{value}`` (the browser fills it in)."""
    seed_lo, seed_hi = link.bounds(Config, "seed")
    return [dict(name="steps", kind="range", min=MIN_STEPS, max=MAX_STEPS, step=STEPS_STEP,
                 label=t("pg.chart_steps", lang)),
            dict(name="noise", kind="range", min=0.0, max=MAX_NOISE, step=NOISE_STEP,
                 label=t("pg.chart_noise", lang), help=t("pg.noise_help", lang)),
            dict(name="seed", kind="number", min=seed_lo, max=seed_hi, step=1, label=t("pg.seed", lang),
                 off=t("pg.chart_seed_off", lang),  # its label while there is no noise to draw
                 refused=t("pg.chart_refused", lang, name=t("pg.seed", lang), lo=seed_lo, hi=seed_hi))]


def with_request(cached: bytes, *, index: int, frame: int, nonce: int, selected: int | None,
                 runs: str | None = None, settings: dict[str, float] | None = None,
                 release: int = 0) -> bytes:
    """The payload the component receives: the server's request in front of the cached part.

    ``index``: the slider stop to show; ``frame``: the step; ``selected``: the row to draw
    there (the exact rate's row, or None for the stop's own run); ``nonce``: moved only when
    the server changes the rate, so the browser applies a request once; ``settings``: what the
    chart's own controls hold (``state.CHART_SETTINGS``); ``runs``: the query that asks ``serve.py``
    for the runs at other such settings, which the browser adds (``steps=…&noise=…&seed=…``, and
    ``start=…`` for a click on the map); ``release``: the number of the chart's last release of
    settings or start the server has taken (until it has, the chart keeps what it drew itself)."""
    request = json.dumps(dict(index=index, frame=frame, nonce=nonce, selected=selected, runs=runs,
                              settings=settings, release=release)).encode()
    return struct.pack("<I", len(request)) + request + cached


def decode(payload: bytes) -> dict[str, Any]:
    """A payload read back (for tests and the bench): the request, the header and the arrays."""
    (r,) = struct.unpack_from("<I", payload, 0)
    request = json.loads(payload[4 : 4 + r])
    (h,) = struct.unpack_from("<I", payload, 4 + r)
    start = 8 + r + h
    header = json.loads(payload[8 + r : start])
    arrays = {}
    for name, shape in header["arrays"].items():
        size = int(np.prod(shape))
        arrays[name] = np.frombuffer(payload, "<f4", size, start).reshape(shape)
        start += 4 * size
    return dict(request=request, header=header, arrays=arrays, bytes=len(payload))


def _arrays(runs: Sequence[Trajectory], steps: int, dim: int) -> dict[str, np.ndarray]:
    n = len(runs)
    out = dict(points=np.full((n, steps + 1, dim), np.nan, np.float32),
               losses=np.full((n, steps + 1), np.nan, np.float32),
               lrs=np.full((n, steps), np.nan, np.float32),
               grads=np.full((n, steps, dim), np.nan, np.float32))
    for i, run in enumerate(runs):
        for name, array in out.items():
            values = getattr(run, name)
            array[i, : len(values)] = values
    return out


def _gradient_view(runs: Sequence[Trajectory], surface: Surface, steps: int) -> np.ndarray:
    """(n, steps + 1, 2): each run's gradient points y where the map draws them, NaN elsewhere."""
    view = landscape.View(surface, start=runs[0].points[0])
    out = np.full((len(runs), steps + 1, 2), np.nan, np.float32)
    for i, run in enumerate(runs):
        gx, gy = landscape.on_view(surface, run.gradient_points, view)
        out[i, : len(gx)] = np.stack([gx, gy], -1)
    return out


def _digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()[:16]


def _drawn_by_browser(traces: dict) -> list[int]:
    """The traces that move with the rate or the step: the browser draws them on its canvas."""
    keys = ("path", "gradient", "exit", "lines", "tail", "arrow", "tangent", "head", "markers", "rule")
    return [i for key in keys
            for i in np.atleast_1d(traces[key]).tolist() if i is not None]


def _exit_index(data: list[dict]) -> int:
    return next(i for i, trace in enumerate(data) if trace.get("mode") == "markers+text")


def _rows(runs: Sequence[Trajectory], arrays: dict[str, np.ndarray], surface: Surface,
          view: landscape.View, lrs: np.ndarray, limit: Limit | None, adaptive: str | None,
          name_minimum: bool, lang: str, label: int | None = None, clipped: bool = False,
          noise: float = 0.0, headroom: float = 0.0) -> list[dict]:
    """Every rate's row: its verdict and line, whether its rule shows ∇L, its step axes, the side
    of its line the critical rate's label takes (``label``: that annotation's index; where it sits
    over the line, the rate chart keeps ``headroom`` of its height above the line) and its exit
    mark. The numbers come from the padded ``arrays`` in one pass over all the runs (57 small
    passes cost a setting change 40 ms); only the words are written run by run."""
    k = np.array([len(run.points) - 1 for run in runs])
    points, losses = arrays["points"], arrays["losses"].astype(float)
    grads, steps_lrs = arrays["grads"], arrays["lrs"]
    loss, loss_log = landscape.loss_axis(losses, surface)
    grad_norm = landscape.gap(_lengths(grads.astype(float)), 0.0)  # on its axis as the loss
    critical = limit is not None and np.isfinite(limit.value)
    at_critical = np.full((len(runs), 1), limit.value if critical else np.nan)  # its dashed line
    rates = np.concatenate([steps_lrs.astype(float), at_critical], axis=1)
    axes = {"2": (loss, loss_log), "3": (rates, False), "4": (grad_norm, True)}
    # A log axis ticks its extent and pads it for its range. The rate chart keeps room above the
    # critical rate's line for its label.
    extents = {n: _widened(*_extent(values, log=True)) for n, (values, log) in axes.items() if log}
    ranges = {n: _padded(*extents[n]) if log else
              step_ranges(values, log=False, from_zero=n == "3", pad=0.3 if n == "3" else 0.05)
              for n, (values, log) in axes.items()}
    _, gradient = figures.read_directions(points, steps_lrs, grads, steps=k)
    inside = view.inside(points) | (np.arange(points.shape[1]) > k[:, None])
    leaves = ~inside.all(axis=1) & inside[:, 0]
    with np.errstate(invalid="ignore"):
        peaks = np.where(np.isfinite(steps_lrs), steps_lrs, -np.inf).max(axis=-1, initial=0.0).astype(float)
        lows = np.where(np.isfinite(steps_lrs), steps_lrs, np.inf).min(axis=-1, initial=np.inf).astype(float)
    # A schedule is set when it moved the rate in any run (a run that diverged at once had no time).
    scheduled = bool(np.any(peaks > np.where(np.isfinite(lows), lows, peaks)))
    ticks = {n: [landscape.log_ticks_between(lo, hi) if math.isfinite(lo) else {}
                 for lo, hi in zip(*(ends.tolist() for ends in extent), strict=True)]
             for n, extent in extents.items()}
    rows = []
    for i, (run, lr, last) in enumerate(zip(runs, lrs.tolist(), k.tolist(), strict=True)):
        seen = inside[i, : last + 1]  # the run's own points
        said = verdict.verdict(run, surface, lang, limit, noise=noise, clipped=clipped, view=view,
                               inside=seen)
        if adaptive is not None:
            line = html.escape(adaptive)
        elif verdict.has_rate_line(limit):
            line = markdown_html(verdict.rate_line(lr, limit, run.curvature, lang, name_minimum=name_minimum,
                                                   clipped=clipped, surface=surface,
                                                   scheduled=scheduled))
        else:
            line = ""
        layout = {}
        steps_axis = landscape.step_axis(last)
        for n in "234":
            layout[f"xaxis{n}.range"] = steps_axis["range"]
            # plotly.js's relayout turns a dtick into tickmode "linear" and keeps it when the dtick
            # goes back to null: name the mode too, or 500 steps get 500 labels.
            layout[f"xaxis{n}.tickmode"] = "auto" if steps_axis["dtick"] is None else "linear"
            layout[f"xaxis{n}.dtick"] = steps_axis["dtick"]
        below = label is not None and figures.label_below(limit, peaks[i])
        if label is not None and not below:  # room over the line for its label, under the chart's name
            bottom, top = ranges["3"][i]
            ranges["3"][i] = [bottom, max(top, limit.value / (1.0 - headroom))]
        for n in "234":
            layout[f"yaxis{n}.range"] = ranges[n][i]
            if n in ticks:
                layout[f"yaxis{n}.tickvals"] = ticks[n][i].get("tickvals")
                layout[f"yaxis{n}.ticktext"] = ticks[n][i].get("ticktext")
        if label is not None:
            layout[f"annotations[{label}].yanchor"] = "top" if below else "bottom"
        mark = figures.exit_mark(surface, view, run.points, lang, inside=seen) if leaves[i] else None
        rows.append(dict(lr=lr, status=said.status, card=CARD.get(said.status, "warning"),
                         headline=html.escape(said.headline), detail=html.escape(said.detail), line=line,
                         gradient=bool(gradient[i]), layout=layout, exit=mark))
    return rows


def _lengths(vectors: np.ndarray) -> np.ndarray:
    """np.linalg.norm along the last axis, summed coordinate by coordinate (the same numbers): its
    sum over an axis one or two long cost a payload's 56 runs 0.6 ms."""
    return np.sqrt(sum(vectors[..., j] * vectors[..., j] for j in range(vectors.shape[-1])))


# An annotation's line of text is about 1.4 times its type tall (plotly.js: 17 px at 12 px type, 20 px
# at 15.6); a label over the critical rate's line keeps a few pixels clear of the chart's top edge,
# where the chart's name stands.
_LINE_HEIGHT, _CLEAR_PX = 1.4, 4.0


def _label_headroom(layout: dict, label: int | None) -> float:
    """The share of the rate chart's height that the critical rate's label takes over its line, with
    a little room to spare: the chart's range keeps it above the line, so that the label stays inside
    the chart, clear of the chart's name just above it. The chart is short (57 px in presentation
    mode, at 15.6 px type: 45 %; 62 px otherwise: 34 %); 0 without a label."""
    if label is None:
        return 0.0
    plot_px = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    lo, hi = layout["yaxis3"]["domain"]
    label_px = _LINE_HEIGHT * layout["annotations"][label]["font"]["size"] + _CLEAR_PX
    return min(label_px / (plot_px * (hi - lo)), 0.5)


def _extent(values: np.ndarray, *, log: bool) -> tuple[np.ndarray, np.ndarray]:
    """Each row's lowest and highest value a chart can draw (finite; on a log axis positive, in
    log10 units), NaN for a row with none."""
    drawn = np.isfinite(values) & (values > 0) if log else np.isfinite(values)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.log10(np.where(drawn, values, 1.0)) if log else values
    some = drawn.any(axis=-1)
    lo = np.where(some, np.where(drawn, v, np.inf).min(axis=-1), np.nan)
    hi = np.where(some, np.where(drawn, v, -np.inf).max(axis=-1), np.nan)
    return lo, hi


FLAT_DECADES = 0.05  # on a log axis, a series that varies by less (12 %) is drawn as flat


def _widened(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Log10 extents, a flat one (:data:`FLAT_DECADES`) widened to half a decade about its middle,
    for its range and its ticks alike: a clipped gradient's norm, 1 ± 1e-7, filled a whole log axis
    with float32 noise, and x² at η = 1e-4 (loss 6.25 to 6.0) put three tick labels on one spot."""
    flat, middle = hi - lo < FLAT_DECADES, (lo + hi) / 2
    return np.where(flat, middle - 0.25, lo), np.where(flat, middle + 0.25, hi)


def step_range(values: np.ndarray, *, log: bool, from_zero: bool = False, pad: float = 0.05) -> list[float]:
    """A step chart's y range over ``values`` as plotly.js takes it (log10 units on a log axis),
    padded by ``pad`` of its span on each side: the browser draws the run in it while the rate
    moves, and sets it on the axis once the slider rests (so line and ticks agree)."""
    return step_ranges(np.asarray(values, dtype=float)[None], log=log, from_zero=from_zero, pad=pad)[0]


def step_ranges(values: np.ndarray, *, log: bool, from_zero: bool = False,
                pad: float = 0.05) -> list[list[float]]:
    """:func:`step_range` of each row of ``values`` (rows padded with NaN past their end)."""
    lo, hi = _extent(values, log=log)
    if from_zero:
        lo = np.minimum(lo, 0.0)
    if log:
        lo, hi = _widened(lo, hi)
    return _padded(lo, hi, from_zero=from_zero, pad=pad)


def _padded(lo: np.ndarray, hi: np.ndarray, *, from_zero: bool = False,
            pad: float = 0.05) -> list[list[float]]:
    """Each row's range ``lo`` … ``hi`` padded by ``pad`` of its span (``from_zero``: a range from 0
    stays there), [0, 1] for a row with nothing to draw."""
    span = np.where(hi > lo, hi - lo, np.maximum(np.abs(hi), 1.0))
    low = np.where(from_zero & (lo == 0), lo, lo - pad * span)
    return [[0.0, 1.0] if math.isnan(a) else [a, b]
            for a, b in zip(low.tolist(), (hi + pad * span).tolist(), strict=True)]


# The overview's critical-rate label: about 7 px a character at 12 px type, in a plot about 800 px
# wide on a laptop and 330 px on a phone (the server never learns the width).
_CHARACTER, _PLOT, _PHONE_PLOT = 7.0, 800.0, 330.0


def _overview(runs: Sequence[Trajectory], status: Sequence[str], surface: Surface, lrs: np.ndarray,
              limit: Limit | None, lang: str, big: bool, narrow: bool = False) -> dict:
    """Final loss against the rate for the slider's stops (log-log), coloured by ``status`` (each
    row's verdict's, which the card shows); diverged rates as crosses above the highest final loss,
    the stops past the first divergence shaded, the critical rate dashed. The ring that follows the
    slider is the browser's (``at``)."""
    grid = len(LR_GRID)
    final = np.array([np.inf if r.diverged_at is not None else float(r.losses[-1]) for r in runs])
    shown, log = landscape.loss_axis(final, surface, over_steps=False)
    finite = np.isfinite(shown[:grid])
    high, low = (float(np.nanmax(shown[:grid][finite])), float(np.nanmin(shown[:grid][finite]))) \
        if finite.any() else (1.0, 1.0)
    # The crosses stand clear above the highest dot: a seventh of the dots' decades above it, a decade
    # at least (one decade of 31, from 6.25 down to 1e-30, put them level with the dots).
    top = high * 10 ** max(1.0, 0.15 * np.log10(high / low)) if log else high + max(0.2 * (high - low), 1.0)
    y = np.where(np.isfinite(shown), shown, top)
    colours = [STATUS_COLORS.get(s, GREY) for s in status]
    labels = [t(f"status.{s}", lang) for s in status]
    points = dict(type="scatter", x=lrs[:grid], y=y[:grid], mode="markers", customdata=labels[:grid],
                  marker=dict(color=colours[:grid], size=7,
                              symbol=["x" if s == "diverged" else "circle" for s in status[:grid]]),
                  hovertemplate="η=%{x:.3g}<br>%{customdata}<extra></extra>")
    layout = dict(
        height=240 if big else 200, showlegend=False, margin=dict(l=60, r=10, t=28, b=40),
        xaxis=dict(type="log", title=dict(text=t("figure.rate", lang)), **landscape.log_ticks(lrs, most=6)),
        yaxis=dict(),
    )
    # The chart's name above it, as the step charts have theirs: rotated, it outgrew the chart.
    name = dict(text=t("figure.final_loss" if log else "figure.final_loss_plain", lang), xref="paper",
                yref="paper", x=0, y=1, xanchor="left", yanchor="bottom", showarrow=False)
    if log:
        layout["yaxis"].update(type="log", **landscape.log_ticks(y, most=4))
    shapes, annotations = [], [name]
    diverged = [i for i in range(grid) if status[i] == "diverged"]
    if diverged:  # the divergence edge: every stop from the first diverging one on
        first = diverged[0]
        x0 = float(np.sqrt(lrs[first] * lrs[first - 1])) if first else float(lrs[0])
        shapes.append(dict(type="rect", xref="x", x0=x0, x1=float(lrs[grid - 1]), yref="y domain",
                           y0=0, y1=1, fillcolor=OKABE_ITO["vermillion"], opacity=0.08, line=dict(width=0),
                           layer="below"))
    critical = figures._critical_line(limit, lang, axis="", across=False)
    shapes += critical.get("shapes", [])
    # The label at the foot of its line, right of it, where the rates past it diverge: their
    # crosses sit along the top, and left of the line the converged runs' dots fill the foot.
    # Where the room right of the line is too narrow for it, it goes left of the line.
    for label in critical.get("annotations", []):
        lo, hi = np.log10([lrs[0], lrs[grid - 1]])
        room = (hi - np.log10(limit.value)) / (hi - lo)  # of the plot's width
        wide = len(label["text"]) * _CHARACTER * (1.3 if big else 1) / (_PHONE_PLOT if narrow else _PLOT)
        side = "left" if wide < room else "right"
        annotations.append({**label, "y": 0, "yanchor": "bottom", "xanchor": side})
    layout.update(shapes=shapes, annotations=annotations)
    # Where the ring sits for each row (its final loss, or the crosses' height).
    at = [[float(lr), float(v)] for lr, v in zip(lrs, y, strict=True)]
    spec = figure(dict(data=[points], layout=layout), big=big, narrow=narrow).to_dict()
    return dict(figure=spec, at=at, legend=_overview_legend(status[:grid], bool(diverged), lang))


# The overview's legend, in this order: how far the runs got, best first.
LEGEND_ORDER = ("converged", "slow", "oscillating", "stuck_local", "saddle", "diverged")


def _overview_legend(status: Sequence[str], shaded: bool, lang: str) -> str:
    """What the overview's colours and marks mean, for the statuses it shows (HTML: a dot or a cross
    in each status's colour and its name, the ring, the shading): hover, its only key before, is
    not there on a phone."""
    keys = [f'<span style="color:{STATUS_COLORS[s]}">{"✕" if s == "diverged" else "●"}</span> '
            f'{html.escape(t(f"status.{s}", lang))}' for s in LEGEND_ORDER if s in status]
    keys.append(f'<span class="lrc-ring-key"></span> {html.escape(t("pg.chart_overview_here", lang))}')
    if shaded:
        keys.append(html.escape(t("pg.chart_overview_shaded", lang)))
    # Each key whole on its line: on a phone the ring went on one line and its words on the next.
    return " · ".join(f'<span class="lrc-key">{key}</span>' for key in keys)

