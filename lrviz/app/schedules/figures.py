"""The Schedules page's figures: the gallery, one curve, an overlay, and a run with and without.

Every builder takes plain data (rates per step, trajectories) and returns a
:class:`~lrviz.app.kit.theme.SpecFigure`; nothing here computes a schedule.
A schedule's rates come from :mod:`lrviz.schedules` (through the page's
cached helpers), so what is drawn is what the engine uses.

The gallery is one figure of small multiples (one x/y axis pair per card,
placed by axis domains) rather than sixteen figures: a single chart costs
plotly.js one layout pass instead of sixteen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from lrviz.app.kit import landscape
from lrviz.app.kit.theme import HOVER_NUMBER, OKABE_ITO, SpecFigure, figure
from lrviz.engine import Trajectory
from lrviz.i18n import t
from lrviz.surfaces import Surface

GALLERY_COLUMNS, BIG_GALLERY_COLUMNS, PHONE_GALLERY_COLUMNS = 4, 3, 2
CUT = OKABE_ITO["vermillion"]  # where ReduceLROnPlateau cut the rate
WITH, WITHOUT = OKABE_ITO["blue"], OKABE_ITO["orange"]
RATE_HOVER = f"η = %{{y:{HOVER_NUMBER}}}"


class Curve(NamedTuple):
    """A schedule's rate per update (``lrs[t]`` is the rate of update t) and, for plateau, its cuts."""

    title: str
    lrs: np.ndarray
    cuts: np.ndarray = np.zeros(0, dtype=int)  # updates whose rate is lower than the one before


def cuts_of(lrs: np.ndarray) -> np.ndarray:
    """The updates t whose rate is below that of update t − 1 (ReduceLROnPlateau's cuts)."""
    lrs = np.asarray(lrs, dtype=float)
    return np.nonzero(np.diff(lrs) < 0)[0] + 1


def _rate_axis(curves: Sequence[Curve]) -> dict:
    """A linear rate axis from 0 (every schedule here is a rate ≥ 0)."""
    top = max((float(np.nanmax(c.lrs)) for c in curves if len(c.lrs)), default=1.0)
    return dict(range=[0.0, 1.08 * top if top > 0 else 1.0], rangemode="tozero", exponentformat="power")


def build_gallery(curves: Sequence[Curve], *, lang: str, big: bool = False, selected: int | None = None,
                  columns: int | None = None) -> SpecFigure:
    """Small multiples: one learning-rate-vs-step chart per card, its title above it.

    ``selected`` (an index into ``curves``) is drawn thicker on a tinted background.
    Each panel has its own rate axis (shapes matter here, not heights). A variant's name
    ("Cyclic · triangular") goes on a second line; presentation mode has fewer, wider columns,
    so that its larger titles keep clear of their neighbours.
    """
    columns = columns or (BIG_GALLERY_COLUMNS if big else GALLERY_COLUMNS)
    rows = -(-len(curves) // columns)
    gap_x, gap_y = 0.04, 0.42 / max(rows, 1)
    width, height = (1.0 - gap_x * (columns - 1)) / columns, (1.0 - gap_y * (rows - 1)) / rows
    data, layout, notes, shapes = [], {}, [], []
    for i, curve in enumerate(curves):
        n = "" if i == 0 else str(i + 1)
        row, col = divmod(i, columns)
        x0, y1 = col * (width + gap_x), 1.0 - row * (height + gap_y)
        chosen = i == selected
        line = dict(color=CUT if chosen else WITH, width=3 if chosen else 1.8)
        hover = f"{curve.title}<br>{t('figure.step', lang)} %{{x}}<br>{RATE_HOVER}<extra></extra>"
        data.append(dict(type="scatter", x=np.arange(len(curve.lrs)), y=np.asarray(curve.lrs, dtype=float),
                         mode="lines", xaxis=f"x{n}", yaxis=f"y{n}", name=curve.title, showlegend=False,
                         line=line, hovertemplate=hover))
        # The bottom row's step labels stand off the axis: its "0" met the rate axis' "0" at the corner.
        layout[f"xaxis{n}"] = dict(domain=[x0, x0 + width], anchor=f"y{n}", showticklabels=row == rows - 1,
                                   nticks=4, ticks="", showgrid=False, zeroline=False, ticklabelstandoff=6)
        layout[f"yaxis{n}"] = dict(domain=[y1 - height, y1], anchor=f"x{n}", nticks=3, ticks="",
                                   tickfont=dict(size=10), **_rate_axis([curve]))
        title = curve.title.replace(" · ", "<br>")
        notes.append(dict(text=f"<b>{title}</b>" if chosen else title, xref="paper", yref="paper", x=x0, y=y1,
                          xanchor="left", yanchor="bottom", align="left", showarrow=False,
                          font=dict(size=12)))
        if chosen:
            shapes.append(dict(type="rect", xref="paper", yref="paper", x0=x0 - 0.01, x1=x0 + width + 0.01,
                               y0=y1 - height - 0.01, y1=y1 + 0.01, line=dict(color=CUT, width=1.5),
                               fillcolor="rgba(213,94,0,0.06)", layer="below"))
    layout.update(height=(190 if big else 150) * rows + 40, margin=dict(l=40, r=10, t=30, b=30),
                  annotations=notes, shapes=shapes, hovermode="closest", showlegend=False)
    return figure(dict(data=data, layout=layout), big=big)


def _step_axis(lang: str) -> dict:
    return dict(title=dict(text=t("figure.step", lang)), rangemode="tozero")


def _lr_axis(curves: Sequence[Curve], lang: str) -> dict:
    return dict(title=dict(text=t("figure.lr", lang)), **_rate_axis(curves))


def build_curve(curve: Curve, *, lang: str, big: bool = False) -> SpecFigure:
    """One schedule's learning rate against the step; cuts (plateau) marked with crosses."""
    lrs = np.asarray(curve.lrs, dtype=float)
    data = [dict(type="scatter", x=np.arange(len(lrs)), y=lrs, mode="lines", name=curve.title,
                 line=dict(color=WITH, width=3),
                 hovertemplate=t("figure.step", lang) + f" %{{x}}<br>{RATE_HOVER}<extra></extra>")]
    data += _cut_markers(curve.cuts, lrs, lang, "x", "y")
    # The legend sits above the plot: a falling curve passes through every corner inside it.
    layout = dict(xaxis=_step_axis(lang), yaxis=_lr_axis([curve], lang), height=420 if big else 320,
                  margin=dict(l=70, r=20, t=40, b=50), showlegend=len(data) > 1,
                  legend=dict(orientation="h", x=1.0, xanchor="right", y=1.02, yanchor="bottom"))
    return figure(dict(data=data, layout=layout), big=big)


def _cut_markers(cuts: np.ndarray, values: np.ndarray, lang: str, xaxis: str, yaxis: str) -> list[dict]:
    """Crosses at the updates where the rate was cut, on the series ``values``."""
    cuts = np.asarray(cuts, dtype=int)
    cuts = cuts[cuts < len(values)]
    if cuts.size == 0:
        return []
    name = t("sched.cut", lang)
    return [dict(type="scatter", x=cuts, y=values[cuts], mode="markers", name=name, xaxis=xaxis, yaxis=yaxis,
                 marker=dict(symbol="x-thin", size=14, color=CUT, line=dict(width=3, color=CUT)),
                 hovertemplate=name + ": " + t("figure.step", lang) + " %{x}<extra></extra>")]


_OVERLAY_COLOURS = tuple(c for name, c in OKABE_ITO.items() if name != "yellow")  # yellow is faint on white
_DASHES = ("solid", "dash", "dot", "dashdot")


def build_overlay(curves: Sequence[Curve], *, lang: str, big: bool = False) -> SpecFigure:
    """Several schedules on one chart (same starting rate and horizon), one colour and dash each."""
    data = []
    for i, c in enumerate(curves):
        colour, dash = _OVERLAY_COLOURS[i % 7], _DASHES[(i // 7) % len(_DASHES)]
        data.append(dict(type="scatter", x=np.arange(len(c.lrs)), y=np.asarray(c.lrs, dtype=float),
                         mode="lines", name=c.title, line=dict(color=colour, width=2.5, dash=dash),
                         hovertemplate=f"{c.title}: {RATE_HOVER}<extra></extra>"))
    layout = dict(xaxis=_step_axis(lang), yaxis=_lr_axis(curves, lang), height=520 if big else 420,
                  margin=dict(l=70, r=20, t=30, b=50), hovermode="x unified",
                  legend=dict(orientation="h", y=-0.2, x=0.0))
    return figure(dict(data=data, layout=layout), big=big)


def build_comparison(with_run: Trajectory, without_run: Trajectory, surface: Surface, *, lang: str,
                     schedule_title: str, big: bool = False, show_cuts: bool = False) -> SpecFigure:
    """The run with the schedule and at the constant starting rate: paths, losses and rates side by side.

    Left: both paths on the surface (the contour picture in 2-D). Right, on one
    step axis: the loss above the lowest loss (log) and the rate. ``show_cuts``
    marks the updates where ReduceLROnPlateau cut the rate, on the rate and on
    the loss it watched (the loss at the point reached just before the cut).
    """
    view = landscape.View(surface, start=with_run.points[0])
    constant = f"{without_run.lrs[0]:g}" if len(without_run.lrs) else "—"
    # The constant run first, so that the scheduled one is drawn on top of it.
    runs = ((without_run, WITHOUT, t("sched.without", lang, lr=constant)),
            (with_run, WITH, t("sched.with", lang, name=schedule_title)))
    data = landscape.base_traces(surface, lang, view) + landscape.marker_traces(surface, lang)
    for run, colour, name in runs:
        x, y = landscape.on_view(surface, run.points, view)
        hover = name + "<br>" + t("figure.step", lang) + " %{pointNumber}<extra></extra>"
        data.append(dict(type="scatter", x=x, y=y, mode="lines+markers", name=name, legendgroup=name,
                         line=dict(color=colour, width=2), marker=dict(size=4, color=colour),
                         hovertemplate=hover))
    sx, sy = landscape.on_view(surface, with_run.points[:1], view)
    data.append(dict(type="scatter", x=sx, y=sy, mode="markers", name=t("figure.start", lang),
                     marker=dict(symbol="circle-open", size=14, color="black", line=dict(width=2))))
    gaps = [landscape.gap(run.losses, surface.f_min) for run, _, _ in runs]
    for (run, colour, name), gap in zip(runs, gaps, strict=True):
        common = dict(name=name, legendgroup=name, showlegend=False, line=dict(color=colour, width=2),
                      marker=dict(color=colour, size=7))
        # A run that diverged at its first step has one rate: a line of one point draws nothing.
        for x, y, axes in ((np.arange(len(gap)), gap, ("x2", "y2")),
                           (np.arange(len(run.lrs)), np.asarray(run.lrs, dtype=float), ("x3", "y3"))):
            data.append(dict(type="scatter", x=x, y=y, xaxis=axes[0], yaxis=axes[1],
                             mode="lines" if len(x) > 1 else "markers", **common))
    if show_cuts:
        cuts = cuts_of(with_run.lrs)
        data += _cut_markers(cuts, gaps[1], lang, "x2", "y2")
        data += [{**m, "showlegend": False}
                 for m in _cut_markers(cuts, np.asarray(with_run.lrs, dtype=float), lang, "x3", "y3")]
    steps = landscape.step_axis(max(len(with_run.losses), len(without_run.losses)) - 1)
    rate_curves = [Curve("", with_run.lrs), Curve("", without_run.lrs)]
    side = list(landscape.SIDE_X)
    layout = dict(
        **landscape.main_axes(surface, view, lang),
        xaxis2=dict(domain=side, anchor="y2", showticklabels=False, **steps),
        yaxis2=dict(domain=[0.56, 0.95], anchor="x2", type="log",
                    **landscape.log_ticks(np.concatenate(gaps), most=4)),
        xaxis3=dict(domain=side, anchor="y3", title=dict(text=t("figure.step", lang)), **steps),
        yaxis3=dict(domain=[0.0, 0.4], anchor="x3", **_rate_axis(rate_curves)),
        annotations=[
            dict(text=t(key, lang), xref="paper", yref="paper", x=landscape.SIDE_X[0], y=top, xanchor="left",
                 yanchor="bottom", showarrow=False, font=dict(size=12))
            for key, top in (("figure.loss_gap", 0.95), ("figure.lr", 0.4))
        ],
        height=560 if big else 460, margin=dict(l=60, r=20, t=30, b=50),
        legend=dict(orientation="h", x=0.0, y=-0.14, xanchor="left", yanchor="top"),
    )
    return figure(dict(data=data, layout=layout), big=big)


__all__ = ["Curve", "build_comparison", "build_curve", "build_gallery", "build_overlay", "cuts_of"]
