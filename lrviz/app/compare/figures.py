"""The Compare page's figures: several runs on one surface, moving in lock-step.

``build_overlay`` draws every path on one map (2-D) or curve (1-D), with the loss
of every run against the step on a log axis beside it; ``build_multiples`` gives
each run a panel of its own. Both share one set of frames: frame ``s`` shows every
run after ``s`` updates, so the play button and the frame slider move all runs
together, in the browser. Each run keeps one Okabe–Ito colour and one marker
symbol in every panel; the legend (or the panel title) carries its outcome.

As on the playground, only small scatter traces move: per run, a short tail that
ends in the head marker, and the marker on the loss curve. The map, the faint full
paths and the loss curves are drawn once, and a frame holds only the new
coordinates (plotly.js merges them into the traces' styles), so six runs of
2,000 steps stay a few hundred kilobytes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from lrviz.app.kit import landscape
from lrviz.app.kit.playback import MAX_FRAMES, TAIL, controls, frame_steps
from lrviz.app.kit.theme import HOVER_NUMBER, OKABE_ITO, figure, stacked
from lrviz.engine import Trajectory
from lrviz.i18n import t
from lrviz.surfaces import Surface

# One colour and one symbol per run, in row order (green and stars mark minima, so runs avoid them).
# Dark colours first: the first four runs stay visible on the light valley floor of a map.
# The fourth is pink, not sky blue: the default four runs then share no hue (blue and sky did).
COLOURS = tuple(OKABE_ITO[c] for c in ("vermillion", "blue", "black", "purple", "orange", "sky"))
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "pentagon", "hexagon")
GLYPHS = ("●", "■", "◆", "▲", "⬟", "⬢")  # the same symbols as text, for labels outside the chart
HEAD_SIZE = 13


def style(i: int) -> tuple[str, str]:
    """(colour, marker symbol) of run ``i``."""
    return COLOURS[i % len(COLOURS)], SYMBOLS[i % len(SYMBOLS)]


class _Path:
    """One run's coordinates in a panel, computed once for all frames."""

    def __init__(self, run: Trajectory, surface: Surface, view: landscape.View):
        self.x, self.y = landscape.on_view(surface, run.points, view)
        # Frames send short coordinate lists as JSON: on a grid of 1/5000 of the view (a tenth
        # of a pixel) their numbers stay short.
        (xlo, xhi), (ylo, yhi) = _spans(surface, view)
        self.fx, self.fy = _snap(self.x, xlo, xhi), _snap(self.y, ylo, yhi)
        self.last = len(run.points) - 1  # a diverged run stops at its escaped point
        self.gap = landscape.gap(run.losses, surface.f_min)

    def at(self, s: int) -> int:
        return min(s, self.last)


def _spans(surface: Surface, view: landscape.View) -> tuple[tuple[float, float], tuple[float, float]]:
    """The (lo, hi) of the x and y axes of a surface panel."""
    if surface.dim == 2:
        return (float(view.box[0, 0]), float(view.box[0, 1])), (float(view.box[1, 0]), float(view.box[1, 1]))
    _, y = landscape.grid(surface, view=view)
    return (float(view.box[0, 0]), float(view.box[0, 1])), (float(np.nanmin(y)), float(np.nanmax(y)))


def _snap(values: np.ndarray, lo: float, hi: float) -> list[float | None]:
    """Coordinates as short plain floats (about a tenth of a pixel apart), None where not finite:
    ready for JSON, so the theme has nothing left to convert in thousands of frame entries."""
    digits = max(0, math.ceil(-math.log10(max(hi - lo, 1e-12) / 5000)))
    return [round(v, digits) if math.isfinite(v) else None for v in np.asarray(values, dtype=float).tolist()]


def _full_path(
    path: _Path, i: int, name: str, lang: str, *, axis: str = "x", opacity: float = 0.5
) -> dict:
    colour, symbol = style(i)
    return dict(
        type="scatter",
        x=path.x,
        y=path.y,
        mode="lines+markers",
        name=name,
        legendgroup=f"run{i}",
        showlegend=False,  # the overlay gives each run a legend entry of its own, at full strength
        opacity=opacity,
        line=dict(color=colour, width=1.5),
        # A few symbols along the path tell the runs apart without colour too.
        marker=dict(symbol=symbol, size=7, color=colour, maxdisplayed=25),
        hovertemplate=f"{name}<br>{t('figure.step', lang)} %{{pointNumber}}<extra></extra>",
        xaxis=axis,
        yaxis="y" + axis[1:],
    )


def _gradient_dots(run: Trajectory, surface: Surface, view: landscape.View, i: int, name: str, lang: str,
                   *, axis: str = "x") -> list[dict]:
    """A schedule-free run's gradient points (y) as faint dots in its colour beside its path (x,
    where the loss is evaluated); nothing for other optimizers (they take gradients on the path)."""
    if run.gradient_points is None:
        return []
    gx, gy = landscape.on_view(surface, run.gradient_points, view)
    colour, _ = style(i)
    return [dict(type="scatter", x=gx, y=gy, mode="markers", legendgroup=f"run{i}", showlegend=False,
                 opacity=0.4, marker=dict(size=4, color=colour, line=dict(width=0)),
                 hovertemplate=f"{name}<br>{t('figure.gradient_points', lang)} · {t('figure.step', lang)} "
                               "%{pointNumber}<extra></extra>",
                 xaxis=axis, yaxis="y" + axis[1:])]


def _tail(path: _Path, s: int) -> dict:
    """Where run ``path`` is at frame ``s``: its last ``TAIL`` steps and the current point (always
    ``TAIL + 1`` points, padded with gaps before step 0, so the marker sizes never change)."""
    at = path.at(s)
    pad = [None] * max(0, TAIL - at)
    lo = max(0, at - TAIL)
    return dict(x=pad + path.fx[lo : at + 1], y=pad + path.fy[lo : at + 1])


def _head(path: _Path, i: int, s: int, *, axis: str = "x") -> dict:
    """The run's last few steps up to frame ``s``, ending in its marker (the full trace; frames
    send only :func:`_tail`, which plotly.js merges into it)."""
    colour, symbol = style(i)
    return dict(
        type="scatter",
        mode="lines+markers",
        legendgroup=f"run{i}",
        showlegend=False,
        hoverinfo="skip",
        line=dict(color=colour, width=3),
        marker=dict(
            symbol=symbol,
            color=colour,
            size=[0] * TAIL + [HEAD_SIZE],
            line=dict(color="white", width=[0] * TAIL + [1.5]),
        ),
        xaxis=axis,
        yaxis="y" + axis[1:],
        **_tail(path, s),
    )


def _at_loss(path: _Path, s: int) -> dict:
    return dict(x=[path.at(s)], y=[path.gap[path.at(s)]])


def _loss_marker(path: _Path, i: int, s: int) -> dict:
    colour, symbol = style(i)
    return dict(
        type="scatter",
        mode="markers",
        legendgroup=f"run{i}",
        showlegend=False,
        hoverinfo="skip",
        marker=dict(symbol=symbol, color=colour, size=11, line=dict(color="white", width=1)),
        xaxis="x2",
        yaxis="y2",
        **_at_loss(path, s),
    )


def _start_marker(
    surface: Surface, view: landscape.View, run: Trajectory, lang: str, axis: str = "x"
) -> dict:
    sx, sy = landscape.on_view(surface, run.points[:1], view)
    return dict(
        type="scatter",
        x=sx,
        y=sy,
        mode="markers",
        name=t("figure.start", lang),
        showlegend=False,
        marker=dict(symbol="circle-open", size=16, color="black", line=dict(width=2)),
        xaxis=axis,
        yaxis="y" + axis[1:],
    )


def _log_range(paths: Sequence[_Path], runs: Sequence[Trajectory]) -> list[float]:
    """A fixed log-axis range (autorange does not follow frames) over the loss gaps of the runs
    that did not diverge; a diverging loss shoots off the top instead of squashing the rest."""
    calm = [p for p, run in zip(paths, runs, strict=True) if run.diverged_at is None] or list(paths)
    values = np.concatenate([p.gap[np.isfinite(p.gap)] for p in calm])
    lo, hi = (np.log10(np.min(values)), np.log10(np.max(values))) if values.size else (0.0, 1.0)
    pad = 0.05 * max(hi - lo, 1.0)
    return [float(lo - pad), float(hi + pad)]


def _check(runs: Sequence[Trajectory], names: Sequence[str]) -> int:
    if not runs or len(runs) != len(names):
        raise ValueError(f"`runs` ({len(runs)}) and `names` ({len(names)}) must be non-empty and match.")
    return max(r.steps for r in runs)


def build_overlay(
    runs: Sequence[Trajectory],
    names: Sequence[str],
    surface: Surface,
    *,
    lang: str,
    big: bool = False,
    max_frames: int = MAX_FRAMES,
    narrow: bool = False,
) -> go.Figure:
    """All runs on one map or curve (left) and their losses against the step (right, log).

    ``names[i]`` is run ``i``'s legend entry, e.g. "Adam · η = 0.3<br>converged in 312 steps"
    (two short lines keep each entry of the legend across the top narrow). ``narrow``: for a
    phone, the loss chart goes under the map, both the full width.
    """
    steps = _check(runs, names)
    view = landscape.View(surface, start=runs[0].points[0])
    paths = [_Path(run, surface, view) for run in runs]
    data = landscape.base_traces(surface, lang, view) + landscape.marker_traces(surface, lang)
    for m in data:
        m["showlegend"] = False
    data.append(_start_marker(surface, view, runs[0], lang))
    data += [_full_path(p, i, name, lang) for i, (p, name) in enumerate(zip(paths, names, strict=True))]
    for i, (run, name) in enumerate(zip(runs, names, strict=True)):
        data += _gradient_dots(run, surface, view, i, name, lang)
    for i, (p, name) in enumerate(zip(paths, names, strict=True)):
        colour, symbol = style(i)
        # The legend's entry, drawn at full strength (the faint path would lend it its opacity);
        # a click on it hides the whole run, which shares its legend group.
        data.append(dict(type="scatter", x=[None], y=[None], mode="lines+markers", name=name,
                         legendgroup=f"run{i}", showlegend=True, line=dict(color=colour, width=2),
                         marker=dict(symbol=symbol, size=9, color=colour)))
        data.append(
            dict(
                type="scatter",
                x=np.arange(len(p.gap)),
                y=p.gap,
                mode="lines",
                legendgroup=f"run{i}",
                showlegend=False,
                line=dict(color=colour, width=2),
                xaxis="x2",
                yaxis="y2",
                hovertemplate=f"{name}<br>%{{x}}: %{{y:{HOVER_NUMBER}}}<extra></extra>",
            )
        )

    frames_at = frame_steps(steps + 1, max_frames)
    first = int(frames_at[0])
    indices = list(range(len(data), len(data) + 2 * len(paths)))
    data += [_head(p, i, first) for i, p in enumerate(paths)] + [
        _loss_marker(p, i, first) for i, p in enumerate(paths)
    ]
    frames = [
        dict(
            name=str(int(s)),
            traces=indices,
            data=[_tail(p, s) for p in paths] + [_at_loss(p, s) for p in paths],
        )
        for s in frames_at
    ]
    # The legend runs across the top, wrapping as the width needs: beside the charts its long
    # entries pushed the margin and squeezed the map on a projector's 1024 pixels. Below it the
    # map, and the loss chart with its name above it.
    font = 15 if big else 13
    plot_px, name_px = (580 if big else 480), 26
    margin = dict(l=60, r=25, t=40, b=110)
    axes = landscape.main_axes(surface, view, lang)
    axes["xaxis"]["domain"] = [0.0, 0.52]
    loss_x, loss_top = [0.62, 1.0], 1 - name_px / plot_px
    if narrow:  # the map, then room for its x axis and the loss chart's name, then the loss chart
        column, plot_px = stacked((("map", 0, 340), ("loss", 80, 160)))
        axes["xaxis"]["domain"], axes["yaxis"]["domain"] = [0.0, 1.0], column["map"]
        loss_x, loss_top = [0.0, 1.0], column["loss"][1]
    loss_range = _log_range(paths, runs)
    name = dict(text=t("figure.loss_gap", lang), xref="paper", yref="paper", x=loss_x[0], y=loss_top,
                xanchor="left", yanchor="bottom", showarrow=False, font=dict(size=12))
    layout = dict(
        **axes,
        xaxis2=dict(  # on a phone the step's title sits close to its ticks, clear of the play buttons
            domain=loss_x, anchor="y2", range=[0, steps],
            title=dict(text=t("figure.step", lang), standoff=0 if narrow else None),
        ),
        yaxis2=dict(
            domain=[0.0, loss_top],
            anchor="x2",
            type="log",
            range=loss_range,
            **landscape.log_ticks(10.0 ** np.array(loss_range), most=5),
        ),
        annotations=[name],
        showlegend=True,
        legend=dict(
            x=0.0,
            y=1.02,
            xanchor="left",
            yanchor="bottom",
            orientation="h",
            itemsizing="constant",
            title=dict(text=t("compare.legend_title", lang), side="top"),
            font=dict(size=font),
        ),
        height=plot_px + margin["t"] + margin["b"],
        margin=margin,
        uirevision=surface.name,
        **controls(frames_at, lang, plot_px, big),
    )
    return figure(dict(data=data, layout=layout, frames=frames), big=big, narrow=narrow)


def _grid(n: int) -> tuple[int, int]:
    """(columns, rows) of the panels: 2 × 2 for four runs, else up to three a row."""
    columns = 2 if n in (2, 4) else min(n, 3)
    return columns, -(-n // columns)


def build_multiples(
    runs: Sequence[Trajectory],
    names: Sequence[str],
    surface: Surface,
    *,
    lang: str,
    big: bool = False,
    max_frames: int = MAX_FRAMES,
) -> go.Figure:
    """One panel per run (up to three a row), all on the same axes and the same frames.

    Each panel's title is ``names[i]`` (which may hold a ``<br>``) in the run's colour, with its symbol
    and with the rate on a line of its own (the first " · " broken).
    """
    steps = _check(runs, names)
    view = landscape.View(surface, start=runs[0].points[0])
    columns, rows = _grid(len(runs))
    # Sizes in pixels, turned into paper fractions: each panel has room for a three-line title
    # (name, rate, outcome: a panel a third of 1024 px is too narrow for name and rate on one line).
    panel, gap_px, margin = (340 if big else 280), (110 if big else 90), dict(l=50, r=10, t=75, b=110)
    plot_px = rows * panel + (rows - 1) * gap_px
    gap_x, gap_y = 0.06, gap_px / plot_px
    width, height = (1 - gap_x * (columns - 1)) / columns, panel / plot_px
    main = landscape.main_axes(surface, view, lang)
    layout: dict = {"images": [], "annotations": []}
    data, paths = [], []
    for i, run in enumerate(runs):
        n = "" if i == 0 else str(i + 1)
        axis = f"x{n}"
        col, row = i % columns, i // columns
        x0, y1 = col * (width + gap_x), 1 - row * (height + gap_y)
        x_axis = {**main["xaxis"], "domain": [x0, x0 + width], "anchor": f"y{n}"}
        y_axis = {**main["yaxis"], "domain": [y1 - height, y1], "anchor": axis}
        if surface.dim == 2:
            y_axis["scaleanchor"] = axis
            layout["images"].append({**landscape.map_image(surface, view), "xref": axis, "yref": f"y{n}"})
        if row < rows - 1:
            x_axis["title"] = dict(text="")
        if col > 0:  # one y title a row: between panels it sat on the neighbour's map
            y_axis["title"] = dict(text="")
        layout[f"xaxis{n}"], layout[f"yaxis{n}"] = x_axis, y_axis
        path = _Path(run, surface, view)
        paths.append(path)
        data += [
            {**m, "xaxis": axis, "yaxis": f"y{n}", "showlegend": False}
            for m in landscape.base_traces(surface, lang, view) + landscape.marker_traces(surface, lang)
        ]
        data.append(_start_marker(surface, view, run, lang, axis))
        data.append(_full_path(path, i, names[i], lang, axis=axis, opacity=0.85))
        data += _gradient_dots(run, surface, view, i, names[i], lang, axis=axis)
        colour, _ = style(i)
        layout["annotations"].append(
            dict(
                xref=f"{axis} domain",
                yref=f"y{n} domain",
                x=0,
                y=1.0,
                xanchor="left",
                yanchor="bottom",
                align="left",
                showarrow=False,
                text=f"{GLYPHS[i % len(GLYPHS)]} {names[i].replace(' · ', '<br>', 1)}",
                font=dict(color=colour, size=16 if big else 13),
            )
        )
    if surface.dim == 1:
        layout.pop("images")

    frames_at = frame_steps(steps + 1, max_frames)
    indices = list(range(len(data), len(data) + len(paths)))
    data += [
        _head(p, i, int(frames_at[0]), axis="x" + ("" if i == 0 else str(i + 1))) for i, p in enumerate(paths)
    ]
    frames = [dict(name=str(int(s)), traces=indices, data=[_tail(p, s) for p in paths]) for s in frames_at]
    layout.update(
        height=plot_px + margin["t"] + margin["b"],
        showlegend=False,
        margin=margin,
        uirevision=surface.name,
        **controls(frames_at, lang, plot_px, big),
    )
    return figure(dict(data=data, layout=layout, frames=frames), big=big)
