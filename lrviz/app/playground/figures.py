"""The playground's figures: one run animated step by step, and the same run in 3-D.

``build_animation`` draws the surface on the left and, on the right, the loss,
the learning rate and the gradient norm against the step, all moving to the
same frame. Only small scatter traces change between frames (the head, a
short tail, the step arrow, the tangent, three markers and the update rule):
the contour and the faint full path are drawn once, so 500 steps stay far
below a megabyte and plotly.js never redraws the contour (which flickers).

The rate slider's chart (:mod:`lrviz.app.playground.chart`) starts from ``build_animation``'s
figure and moves the same traces in the browser, for every rate the slider can reach.
"""

from __future__ import annotations

import functools

import numpy as np
import plotly.graph_objects as go

from lrviz.app.kit import landscape, playback
from lrviz.app.kit.theme import GRADIENT_POINTS, OKABE_ITO, PATH, SURFACE_SCALE, figure, stacked
from lrviz.app.playground.verdict import number, number_after_step
from lrviz.engine import Trajectory
from lrviz.engine.diagnostics import Limit
from lrviz.i18n import t
from lrviz.surfaces import Surface

# Axis domains (paper fractions): the surface on the left, three step charts and the rule on the right.
STEP_CHARTS = (
    ("x2", "blue", "figure.loss_gap"),
    ("x3", "green", "figure.lr"),
    ("x4", "orange", "figure.grad_norm"),
)
SIDE_Y = {"x2": (0.8, 0.97), "x3": (0.6, 0.73), "x4": (0.4, 0.53), "x5": (0.0, 0.3)}
# On a phone the right-hand column would be a hundred pixels wide, too narrow for the update
# rule's numbers: the panels stack in one column instead, top to bottom, with these heights and
# the room above each (pixels; the map's x axis sits under it, the step axis under x4).
COLUMN_PX = (("map", 0, 340), ("x2", 80, 70), ("x3", 30, 70), ("x4", 30, 70), ("x5", 60, 130))


def _on(trace: dict, axis: str) -> dict:
    """Place a trace on the subplot whose x axis is ``axis`` ("x", "x2", ...)."""
    return {**trace, "xaxis": axis, "yaxis": "y" + axis[1:]}


def build_animation(
    run: Trajectory,
    surface: Surface,
    *,
    lang: str,
    big: bool = False,
    max_frames: int = playback.MAX_FRAMES,
    pick_start: bool = False,
    limit: Limit | None = None,
    narrow: bool = False,
    exit_trace: bool = False,
    changed: bool = False,
) -> go.Figure:
    """The run animated on ``surface``, with loss, rate and gradient norm in step.

    ``exit_trace``: keep the "left the plot" cross's trace even where this run stays on the
    plot (empty then), so every run of the rate slider's chart has the same traces.

    ``narrow``: for a phone, the step charts and the update rule stack under the map
    (:data:`COLUMN_PX`) instead of standing beside it.

    ``pick_start`` overlays a grid of invisible, selectable points on a 2-D map,
    so that a click reports where to start (it costs plotly.js some rendering).
    ``limit`` (the optimizer's critical rate) is drawn on the rate chart.
    """
    view = landscape.View(surface, start=run.points[0])
    points, k = run.points, len(run.points) - 1
    # --- static traces -------------------------------------------------------------------------
    data = landscape.base_traces(surface, lang, view)
    px, py = landscape.on_view(surface, points, view)
    data.append(
        dict(
            type="scatter",
            x=px,
            y=py,
            # Markers on every point cost plotly.js time; long paths are drawn as a line.
            mode="lines+markers" if k <= playback.MAX_FRAMES else "lines",
            name=t("figure.path", lang),
            opacity=0.35,
            line=dict(color=PATH, width=1.5),
            marker=dict(size=4, color=PATH),
            hovertemplate=t("figure.step", lang) + " %{pointNumber}<extra></extra>",
        )
    )
    if exit_trace or run.gradient_points is not None:  # right after the path: the chart finds it there
        data.append(gradient_trace(run, surface, view, lang))
    data += landscape.marker_traces(surface, lang)
    sx, sy = landscape.on_view(surface, points[:1], view)
    data.append(
        dict(
            type="scatter",
            x=sx,
            y=sy,
            mode="markers",
            name=t("figure.start", lang),
            marker=dict(symbol="circle-open", size=14, color="black", line=dict(width=2)),
        )
    )
    data += _exit_marker(surface, view, points, lang, always=exit_trace)
    if pick_start and surface.dim == 2:
        data.append(_click_grid(view))

    steps = np.arange(k + 1)
    moving = _Moving(run, surface, view, lang, big, changed)
    series = (moving.loss, run.lrs, moving.grad_norm)
    data += [
        _on(dict(type="scatter", x=steps[: len(y)], y=y, mode="lines", line=dict(color=OKABE_ITO[colour]),
                 name=t(key, lang, g=moving.gradient)), axis)
        for y, (axis, colour, key) in zip(series, STEP_CHARTS, strict=True)
    ]
    # --- animated traces: frames update the traces at these indices ----------------------------
    frames_at = playback.frame_steps(k + 1, max_frames)
    animated = moving.traces(int(frames_at[0]))
    indices = list(range(len(data), len(data) + len(animated)))
    data += animated
    frames = [dict(name=str(int(s)), traces=indices, data=playback.changes(moving.traces(int(s))))
              for s in frames_at]

    # The step charts share one step axis, labelled under the lowest; each chart's name sits
    # above it, where a rotated title would not fit a chart 80 pixels tall.
    side, names = {}, []
    titles = {axis: key for axis, _, key in STEP_CHARTS}
    if not moving.loss_log:
        titles["x2"] = "figure.loss"
    panels = SIDE_Y
    if narrow:
        column, column_px = stacked(COLUMN_PX, 1.2 if big else 1.0)
        panels = {axis: domain for axis, domain in column.items() if axis != "map"}
    for axis, (lo, hi) in panels.items():
        n = axis[1:]
        visible = axis != "x5"
        # The rule has no tick labels to its left: it may start just right of the map.
        across = [landscape.MAIN_X[1] + 0.02, 1.0] if not visible else list(landscape.SIDE_X)
        side[f"xaxis{n}"] = dict(
            domain=[0.0, 1.0] if narrow else across,
            anchor=f"y{n}",
            **landscape.step_axis(k),
            visible=visible,
            showticklabels=axis == "x4",
            title=dict(text=t("figure.step", lang) if axis == "x4" else ""),
        )
        side[f"yaxis{n}"] = dict(domain=[lo, hi], anchor=f"x{n}", visible=visible)
        if visible:
            names.append(dict(text=t(titles[axis], lang, g=moving.gradient), xref="paper", yref="paper",
                              x=0.0 if narrow else landscape.SIDE_X[0],
                              y=hi, xanchor="left", yanchor="bottom", showarrow=False, font=dict(size=12)))
    for n, values in (("2", series[0]), ("4", series[2])):  # ticks for what is drawn
        if n == "4" or moving.loss_log:
            side[f"yaxis{n}"].update(type="log", **landscape.log_ticks(values))
    # The rate's chart is linear and 60-80 px tall: plotly.js put five labels there, which piled
    # on each other in presentation mode's type (0.4 / 0.3 / 0.2 / 0.1 / 0 in 50 px).
    side["yaxis3"].update(rangemode="tozero", nticks=3)
    side["xaxis5"]["range"] = side["yaxis5"]["range"] = [0, 1]

    # Presentation mode: a plot no taller than 440 px, so that on a 1280×720 projector the rate
    # slider, the line under it, the plot and the play bar fit on one screen (the chart drops
    # the bottom margin's Plotly controls, chart/payload.py).
    height, margin = (640, dict(l=60, r=10, t=30, b=170)) if big else (660, dict(l=60, r=10, t=30, b=150))
    main = landscape.main_axes(surface, view, lang)
    if narrow:
        main["xaxis"]["domain"], main["yaxis"]["domain"] = [0.0, 1.0], column["map"]
        height = column_px + margin["t"] + margin["b"]
    layout = dict(
        **main,
        **side,
        height=height,
        showlegend=False,
        margin=margin,
        uirevision=surface.name,
        **playback.controls(frames_at, lang, height - margin["t"] - margin["b"], big),
    )
    peak = float(np.max(run.lrs)) if k > 0 else 0.0
    critical = _critical_line(limit, lang, below=label_below(limit, peak))
    layout["shapes"] = critical.get("shapes", [])
    layout["annotations"] = names + critical.get("annotations", [])
    return figure(dict(data=data, layout=layout, frames=frames), big=big, narrow=narrow)


def gradient_trace(run: Trajectory, surface: Surface, view: landscape.View, lang: str) -> dict:
    """Where a schedule-free run took its gradients (y), as faint dots beside its path (x, where the
    loss is evaluated); empty for other optimizers (their gradients are taken on the path)."""
    points = run.gradient_points if run.gradient_points is not None else np.zeros((0, surface.dim))
    gx, gy = landscape.on_view(surface, points, view)
    return dict(type="scatter", x=gx, y=gy, mode="markers", name=t("figure.gradient_points", lang),
                opacity=0.55, marker=dict(size=5, color=GRADIENT_POINTS, line=dict(width=0)),
                hovertemplate=t("figure.gradient_points", lang) + " %{pointNumber}<extra></extra>")


CLICK_GRID = "click-to-start"
CRITICAL_LABEL = "critical-rate"  # the name of the critical rate's label among a layout's annotations
_ROOM_UNDER = 0.3  # the critical rate's label fits under its line above this share of the rate chart


def label_below(limit: Limit | None, peak: float) -> bool:
    """Whether the critical rate's label goes under its line on the rate-vs-step chart: where the
    run's rate (at most ``peak``) passes above the line, the label would sit on the rate's own
    line, and the line is high enough in the chart (the chart runs from 0) to leave room under it."""
    return limit is not None and _ROOM_UNDER * peak < limit.value < peak


def _click_grid(view: landscape.View, n: int = 41) -> dict:
    """Invisible but selectable markers over the map: a click on one reports its point.

    Contour traces report no selection, so this grid is how a click sets the start.
    """
    xx, yy = np.meshgrid(*(np.linspace(lo, hi, n) for lo, hi in view.box))
    return dict(
        type="scatter",
        x=xx.ravel(),
        y=yy.ravel(),
        mode="markers",
        name=CLICK_GRID,
        marker=dict(size=14, opacity=0.0),
        hoverinfo="skip",
        showlegend=False,
        selected=dict(marker=dict(opacity=0.0)),
        unselected=dict(marker=dict(opacity=0.0)),
    )


def exit_mark(surface: Surface, view: landscape.View, points: np.ndarray, lang: str, *,
              inside: np.ndarray | None = None) -> dict | None:
    """Where the path leaves the plot: ``x``, ``y``, ``text`` and ``textposition``, or None.
    ``inside``: which of ``points`` lie in the view (:meth:`~lrviz.app.kit.landscape.View.inside`),
    where the caller has it already."""
    exit_at = view.exit_point(points, inside)
    if exit_at is None:
        return None
    step, edge = exit_at
    ex = float(edge[0])
    ey = float(surface.numpy(np.clip(ex, *view.box[0]))) if surface.dim == 1 else float(edge[1])
    if not np.isfinite(ey):  # the loss overflowed where the path leaves: nowhere to put the mark
        return None
    label = t("figure.left_plot", lang, step=step)
    # Label towards the middle of the plot, so it is never cut at the edge.
    return dict(x=[ex], y=[ey], text=[label], textposition="bottom right" if ex < view.box[0].mean()
                else "bottom left")


def _exit_marker(surface: Surface, view: landscape.View, points: np.ndarray, lang: str,
                 always: bool = False) -> list[dict]:
    """A cross where the path leaves the plot, labelled with the step (``always``: an empty
    trace where it does not leave)."""
    mark = exit_mark(surface, view, points, lang)
    if mark is None and not always:
        return []
    mark = mark or dict(x=[], y=[], text=[], textposition="bottom right")
    colour = OKABE_ITO["vermillion"]
    return [
        dict(
            type="scatter",
            x=mark["x"],
            y=mark["y"],
            mode="markers+text",
            name=mark["text"][0] if mark["text"] else "",
            text=mark["text"],
            textposition=mark["textposition"],
            textfont=dict(color=colour, shadow="auto"),  # a halo: readable on a light valley too
            marker=dict(symbol="x-thin", size=22, color=colour, line=dict(width=4, color=colour)),
        )
    ]


def _critical_line(
    limit: Limit | None, lang: str, *, axis: str = "3", across: bool = True, below: bool = False
) -> dict:
    """A dashed line, labelled, at the optimizer's critical rate.

    ``across``: a horizontal line on the rate-vs-step chart (axes x3/y3), labelled above it,
    or ``below`` it where the run's rate passes above (the label would sit on that line);
    otherwise a vertical one on a loss-vs-rate chart (log x; ``axis=""``: the axes x/y).
    """
    if limit is None or not np.isfinite(limit.value):
        return {}
    colour = OKABE_ITO["vermillion"]
    text = t("figure.critical", lang, formula=limit.formula, value=number(limit.value))
    rate, span = ("y", "x") if across else ("x", "y")
    at = limit.value if across else np.log10(limit.value)  # annotations on a log axis take log10
    line = {"type": "line", f"{span}ref": f"{span}{axis} domain", f"{span}0": 0, f"{span}1": 1,
            f"{rate}ref": f"{rate}{axis}", f"{rate}0": limit.value, f"{rate}1": limit.value,
            "line": dict(dash="dash", color=colour, width=1.5)}
    label = {f"{span}ref": f"{span}{axis} domain", span: 0 if across else 1, f"{rate}ref": f"{rate}{axis}",
             rate: at, "xanchor": "left", "yanchor": "bottom" if across and not below else "top",
             "showarrow": False, "text": text, "font": dict(color=colour, size=12), "name": CRITICAL_LABEL}
    return dict(shapes=[line], annotations=[label])


def tangent_slopes(run: Trajectory, surface: Surface, changed: bool) -> np.ndarray | None:
    """The slope of each step's tangent in 1-D (shape ``(steps,)``) where it is not the gradient
    the step was given: noise or clipping changed that gradient (``changed``), or a schedule-free
    optimizer took it at y, not at θ. Then the curve's own slope at θ_t, by central differences,
    so the tangent touches the curve; None where the gradient is the slope."""
    if surface.dim != 1 or not (changed or run.gradient_points is not None):
        return None
    x = np.asarray(run.points[:-1, 0], dtype=float)
    h = 1e-6 * surface.span
    return (surface.numpy(x + h) - surface.numpy(x - h)) / (2 * h)


def step_directions(run: Trajectory) -> tuple[np.ndarray, bool]:
    """The direction d of each step (θ_{s+1} = θ_s − η_s·d_s), and whether it is ∇L itself.

    Plain gradient descent steps along ∇L; other optimizers along their own direction d.
    Read back from two points, a direction is only good to θ's last float32 digit over η:
    near a minimum the step is a few such digits, and the difference is mostly rounding.
    (XLA flushes numbers below float32's smallest normal one to zero: that is its digit.)
    """
    directions, along = read_directions(run.points[None], run.lrs[None], run.grads[None])
    return (run.grads, True) if along[0] else (directions[0], False)  # ∇L: the exact numbers


def read_directions(points: np.ndarray, lrs: np.ndarray, grads: np.ndarray,
                    steps: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`step_directions` for runs stacked in rows (``(n, k + 1, dim)``, ``(n, k)``,
    ``(n, k, dim)``): each row's read-back directions, and whether each row stepped along ∇L.
    ``steps``: each row's own number of steps, when rows are padded past their end."""
    # Each step's rate beside each coordinate, and the coordinates' tests joined before the steps':
    # NumPy's operations along a last axis one or two long, broadcast or reduced, are slow (0.3 ms
    # of a payload's 56 runs).
    rates = np.repeat(np.where(lrs > 0, lrs, 1.0)[..., None], points.shape[-1], axis=-1)
    directions = (points[:, :-1] - points[:, 1:]) / rates
    digit = np.maximum(np.spacing(np.abs(points[:, :-1]).astype(np.float32)), np.finfo(np.float32).tiny)
    with np.errstate(invalid="ignore"):  # the padding
        # np.isclose's test, written out: np.isclose with an array atol formats it for a message
        # it never shows (half of this function's time on a payload's 57 runs).
        close = np.abs(directions - grads) <= 2 * digit / rates + 1e-3 * np.abs(grads)
        close = (close & np.isfinite(directions) & np.isfinite(grads)) | (directions == grads)
    along = functools.reduce(np.logical_and, np.moveaxis(close, -1, 0))
    along |= ~(lrs > 0)  # a step at η = 0 (a warm-up's first) says nothing of its direction
    if steps is not None:
        along |= np.arange(lrs.shape[1]) >= steps[:, None]
    return directions, along.all(axis=1)


def gradient_symbol(changed: bool) -> str:
    """The update rule's name for the gradient a step was given: ∇L, or g where noise or clipping
    changed it (the numbers are the changed ones; :func:`lrviz.app.playground.ui.direction_note`
    says what g is)."""
    return "g" if changed else "∇L"


class _Moving:
    """Everything the moving traces need, computed once for all frames."""

    def __init__(self, run: Trajectory, surface: Surface, view: landscape.View, lang: str, big: bool = False,
                 changed: bool = False):
        self.run, self.dim, self.lang, self.big = run, surface.dim, lang, big
        self.gradient = gradient_symbol(changed)
        self.k = len(run.points) - 1
        self.x, self.y = landscape.on_view(surface, run.points, view)
        self.loss, self.loss_log = landscape.loss_axis(run.losses, surface)
        # On a log axis as the loss is (landscape.gap); in float64, as the chart's payload takes it:
        # float32's squares underflow from |g| ≈ 4e-23 and ended the line twenty decades early.
        self.grad_norm = landscape.gap(np.linalg.norm(run.grads.astype(float), axis=-1), 0.0) \
            if self.k else np.zeros(0)
        self.directions, self.is_gradient = step_directions(run)
        if self.dim == 1:
            # The tangent at θ_t followed to θ_{t+1}: where a linear model says the step lands.
            x0, x1 = run.points[:-1, 0], run.points[1:, 0]
            slopes = tangent_slopes(run, surface, changed)
            slope = run.grads[:, 0] if slopes is None else slopes
            self.tangent_y = np.stack([run.losses[:-1], run.losses[:-1] + slope * (x1 - x0)], -1)
            self.tangent_x = np.stack([x0, x1], -1)
            self.tangent_x[~view.inside(self.tangent_x.reshape(-1, 1)).reshape(-1, 2)] = np.nan

    def traces(self, s: int) -> list[dict]:
        """The moving traces at point index ``s`` (after ``s`` updates)."""
        k, nxt = self.k, min(s + 1, self.k)
        tail = slice(max(0, s - playback.TAIL), s + 1)
        out = [
            dict(
                type="scatter",
                x=self.x[tail],
                y=self.y[tail],
                mode="lines",
                line=dict(color=PATH, width=3),
                hoverinfo="skip",
            ),
            dict(
                type="scatter",
                x=self.x[[s, nxt]],
                y=self.y[[s, nxt]],
                mode="lines+markers",
                hoverinfo="skip",
                line=dict(color=OKABE_ITO["black"], width=2),
                marker=dict(
                    symbol=["circle", "arrow"], size=[1, 14], angleref="previous", color=OKABE_ITO["black"]
                ),
            ),
        ]
        if self.dim == 1:
            tx, ty = (self.tangent_x[s], self.tangent_y[s]) if s < k else ([np.nan] * 2, [np.nan] * 2)
            out.append(
                dict(
                    type="scatter",
                    x=tx,
                    y=ty,
                    mode="lines",
                    hoverinfo="skip",
                    line=dict(color=OKABE_ITO["blue"], width=2, dash="dot"),
                )
            )
        out.append(
            dict(
                type="scatter",
                x=self.x[s : s + 1],
                y=self.y[s : s + 1],
                mode="markers",
                hoverinfo="skip",
                marker=dict(size=16, color=PATH, line=dict(width=2, color="white")),
            )
        )
        marker = dict(size=10, line=dict(width=1.5, color="white"))
        at = min(s, k - 1) if k > 0 else 0
        lr_now = float(self.run.lrs[at]) if k else None
        grad_now = float(self.grad_norm[at]) if k else None
        # One marker per step chart: loss (gap), rate and gradient norm at this frame.
        out += [
            _on(dict(type="scatter", x=[x], y=[y], mode="markers", hoverinfo="skip",
                     marker=dict(color=OKABE_ITO[colour], **marker)), axis)
            for x, y, (axis, colour, _) in zip((s, at, at), (self.loss[s], lr_now, grad_now), STEP_CHARTS,
                                                strict=True)
        ]
        out += [
            _on(
                dict(
                    type="scatter",
                    x=[0.0],
                    y=[1.0],
                    mode="text",
                    text=[self.rule(s)],
                    textposition="bottom right",
                    hoverinfo="skip",
                    # Presentation mode enlarges fonts 1.3×: the rule, a block laid out to the
                    # width beside the map, grows less (13 px), or its last digits were cut.
                    textfont=dict(family="monospace", size=10 if self.big else 12),
                ),
                "x5",
            ),
        ]
        return out

    def rule(self, s: int) -> str:
        """The update of step ``s`` with its numbers: θ_{s+1} = θ_s − η_s · d_s, one term a line
        (schedule-free: the gradient at y, the step of z, the average x)."""
        run, lang = self.run, self.lang
        if s >= self.k:
            return f"<b>{t('figure.step', lang)} {s}</b><br>θ = {_vector(run.points[s])}"
        if run.gradient_points is not None:
            return schedule_free_rule(run, s, lang, self.gradient)
        eta = float(run.lrs[s])
        symbol = self.gradient if self.is_gradient else "d"
        lines = [
            f"<b>{t('figure.step', lang)} {s} → {s + 1}</b>",  # the rule on a line of its own:
            f"θ ← θ − η·{symbol}",  # narrow windows cut long lines at the figure's edge
            f"η      = {number(eta)}",
            f"{self.gradient + '(θ)':<6} = {_vector(run.grads[s])}",
        ]
        if not self.is_gradient:
            lines.append(f"d      = {_vector(self.directions[s])}")
        lines += [
            f"θ      = {_vector(run.points[s], after=run.points[s + 1])}",  # the step's digits, as below
            f"η·{symbol:<4} = {_vector(eta * self.directions[s])}",
            f"θ − η·{symbol} = {_vector(run.points[s + 1], after=run.points[s])}",
        ]
        return "<br>".join(lines)


def schedule_free_rule(run: Trajectory, s: int, lang: str, gradient: str = "∇L") -> str:
    """A schedule-free update with its numbers: the gradient at y (named ``gradient``), z's step,
    the average x."""
    y = run.gradient_points
    return "<br>".join([
        f"<b>{t('figure.step', lang)} {s} → {s + 1}</b>",
        "z ← z − η·d(y)",
        "x ← (1−c)·x + c·z",
        "y ← β·x + (1−β)·z",
        f"η      = {number(float(run.lrs[s]))}",
        f"y      = {_vector(y[s])}",
        f"{gradient + '(y)':<6} = {_vector(run.grads[s])}",
        f"x      = {_vector(run.points[s])}",
        f"x ←      {_vector(run.points[s + 1])}",
        f"y ←      {_vector(y[s + 1])}",
    ])


def _vector(v: np.ndarray, after: np.ndarray | None = None) -> str:
    """``v`` as the rule writes it; given ``after``, the point one step from ``v`` (before it or
    after it), each coordinate with the digits that show that step
    (:func:`~lrviz.app.playground.verdict.number_after_step`): θ = 2.48503, θ − η·∇L = 2.48006."""
    each = [number(float(x)) if after is None else number_after_step(float(x), float(y))
            for x, y in zip(v, v if after is None else after, strict=True)]
    return each[0] if len(each) == 1 else "(" + ", ".join(each) + ")"


def build_surface_3d(run: Trajectory, surface: Surface, *, lang: str, big: bool = False) -> go.Figure:
    """The 2-D surface in 3-D with the whole path lying on it (drag to turn it)."""
    view = landscape.View(surface, start=run.points[0])
    x, y, z = landscape.grid(surface, 80, view)
    px, py = landscape.on_view(surface, run.points, view)
    pz = np.where(np.isfinite(px), run.losses, np.nan)
    top = float(np.nanpercentile(z, 98))
    clipped = np.minimum(z, top)  # a few huge corners would flatten everything else
    data = [
        dict(
            type="surface",
            x=x,
            y=y,
            z=clipped,
            colorscale=SURFACE_SCALE,
            opacity=0.9,
            showscale=False,
            name=t("figure.loss", lang),
            hoverinfo="skip",
        ),
        dict(
            type="scatter3d",
            x=px,
            y=py,
            z=np.minimum(pz, top),
            mode="lines+markers",
            line=dict(color=PATH, width=6),
            marker=dict(size=3, color=PATH),
            name=t("figure.path", lang),
        ),
        dict(
            type="scatter3d",
            x=px[:1],
            y=py[:1],
            z=np.minimum(pz[:1], top),
            mode="markers",
            marker=dict(size=6, color="black"),
            name=t("figure.start", lang),
        ),
    ]
    layout = dict(
        height=700 if big else 560,
        showlegend=False,
        margin=dict(l=0, r=0, t=10, b=0),
        scene=dict(
            xaxis=dict(title=dict(text="x")),
            yaxis=dict(title=dict(text="y")),
            zaxis=dict(title=dict(text=t("figure.loss", lang))),
            aspectmode="manual",
            aspectratio=dict(x=1, y=1, z=0.6),
        ),
    )
    return figure(dict(data=data, layout=layout), big=big)
