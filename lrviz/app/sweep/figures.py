"""The sweep page's figures: final loss against the rate, the rate × step phase picture, the basin map.

Pure builders over :mod:`lrviz.app.sweep.compute` results (plain-dict specs, see
:func:`lrviz.app.kit.theme.figure`). In the rate plot colour is the status
(:data:`~lrviz.app.kit.theme.STATUS_COLORS`) and the marker shape is the
optimizer, so four optimizers overlay without a colour meaning two things;
legends sit outside the plotting area.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from lrviz.app.kit import landscape
from lrviz.app.kit.theme import (
    GREY,
    HOVER_NUMBER,
    OKABE_ITO,
    STATUS_COLORS,
    SURFACE_SCALE,
    figure,
    status_outline,
    status_symbol,
)
from lrviz.app.playground.verdict import number
from lrviz.app.sweep.compute import DIVERGED, NO_MINIMUM, Basins, PhaseData, RateSweep, loss_floor
from lrviz.engine.diagnostics import STATUSES, Limit
from lrviz.i18n import t
from lrviz.optimizers import OPTIMIZERS
from lrviz.surfaces import Surface

SYMBOLS = ("circle", "square", "diamond", "triangle-up")
LABEL_ROW = 18  # pixels per label row above the rate plot
FLOOR = 1e-10  # final losses below this share of the starting gap are drawn at it
LEGEND = dict(x=1.02, xanchor="left", y=1.0, yanchor="top", traceorder="grouped", tracegroupgap=2)


def _legend_only(name: str, group: str, title: str | None, marker: dict, line: dict | None = None) -> dict:
    """A legend entry with no data, so the legend can explain colour and shape separately.

    Each entry is a group of its own (clicking it hides that group's data only);
    ``title`` heads the first entry of a kind.
    """
    trace = dict(type="scatter", x=[None], y=[None], mode="lines+markers" if line else "markers", name=name,
                 legendgroup=group, marker=marker, line=line or {}, hoverinfo="skip")
    if title:
        trace["legendgrouptitle"] = dict(text=title)
    return trace


def _decade_ticks(lo: float, hi: float) -> tuple[list[float], list[str]]:
    """Tick positions (log10) and labels 10^k for whole decades between ``lo`` and ``hi`` (log10)."""
    ks = np.arange(np.floor(lo), np.ceil(hi) + 1).astype(int)
    return [float(k) for k in ks], [f"10<sup>{k}</sup>" for k in ks]


def build_rates(
    results: Sequence[RateSweep],
    surface: Surface,
    *,
    lang: str,
    big: bool = False,
    chosen: float | None = None,
    gd_critical: float | None = None,
) -> go.Figure:
    """Final loss above the lowest value against the rate (log–log), one marker per run.

    Diverged runs have no final loss: each optimizer's sit on a row of their own
    above the plot's highest loss. Each optimizer's best rate is ringed and its
    divergence edge ticked; its critical rate (:func:`lrviz.engine.diagnostics.stability_limit`)
    is a dashed line. When no chosen optimizer has one, plain GD's 2/λmax
    (``gd_critical``) is drawn dotted for reference. ``chosen`` marks the basin map's rate.
    """
    floor = loss_floor(results, surface)
    gaps = [r.sweep.final_loss - floor for r in results]
    start_gap = max(float(np.nanmax(r.sweep.losses[:, 0])) - floor for r in results)
    bottom = FLOOR * max(start_gap, 1e-12)
    finite = np.concatenate([g[np.isfinite(g)] for g in gaps])
    top = 10 * max(float(finite.max()) if finite.size else 1.0, bottom * 100)
    group = t("sweep.figure.optimizer", lang)
    data, names = [], []
    for i, (r, gap) in enumerate(zip(results, gaps, strict=True)):
        name = OPTIMIZERS[r.optimizer].title(lang)
        row = top * 3.0**i  # this optimizer's row of diverged runs
        shown = np.where(np.isfinite(gap), np.maximum(gap, bottom), row)
        status = r.sweep.status
        labels = np.array([t(f"status.{s}", lang) for s in STATUSES], dtype=object)
        index = {s: k for k, s in enumerate(STATUSES)}
        colours = [STATUS_COLORS[s] for s in status]
        data.append(_legend_only(name, r.optimizer, group if i == 0 else None,
                                 dict(symbol=SYMBOLS[i], color="#444", size=10)))
        data.append(dict(
            type="scatter", x=r.sweep.lrs, y=shown, mode="markers", name=name, legendgroup=r.optimizer,
            showlegend=False, customdata=labels[[index[s] for s in status]],
            marker=dict(symbol=[status_symbol(s, SYMBOLS[i]) for s in status],
                        size=6 if len(status) <= 600 else 4, color=colours,
                        line=status_outline(colours)),
            hovertemplate=f"{name} · η=%{{x:{HOVER_NUMBER}}}<br>%{{customdata}}<extra></extra>",
        ))
        if len(results) > 1:  # colour is the outcome: with several optimizers, name whose curve is whose
            names += _curve_names(name, r, shown, row)
        if r.best is not None:
            data.append(dict(
                type="scatter", x=[r.best_lr], y=[shown[r.best]], mode="markers", legendgroup=r.optimizer,
                showlegend=False,
                # In the optimizer's own shape: with several, identical rings said nothing of whose.
                marker=dict(symbol=f"{SYMBOLS[i]}-open", size=18, color="black", line=dict(width=2.5)),
                hovertemplate=t("sweep.figure.best_hover", lang, optimizer=name, lr=number(r.best_lr),
                                loss=number(gap[r.best])) + "<extra></extra>",
            ))
        if r.edge is not None:
            data.append(dict(
                type="scatter", x=[r.edge], y=[row], mode="markers", legendgroup=r.optimizer,
                showlegend=False,
                marker=dict(symbol="line-ns", size=26, color="black", line=dict(width=3)),
                hovertemplate=t("sweep.figure.edge_hover", lang, optimizer=name, lr=number(r.edge))
                + "<extra></extra>",
            ))
    marks = t("sweep.figure.marks", lang)
    data.append(_legend_only(t("sweep.figure.best", lang), "best", marks,
                             dict(symbol="circle-open", size=14, color="black", line=dict(width=2.5))))
    data.append(_legend_only(t("sweep.figure.edge", lang), "edge", None,
                             dict(symbol="line-ns", size=16, color="black", line=dict(width=3))))
    present = {s for r in results for s in r.sweep.status}
    heading = t("sweep.figure.status", lang)
    data += [_legend_only(t(f"status.{s}", lang), f"status-{s}", None if k else heading,
                          dict(symbol=status_symbol(s), size=10, color=STATUS_COLORS[s],
                               line=status_outline(STATUS_COLORS[s])))
             for k, s in enumerate(s for s in STATUSES if s in present)]

    shapes, notes = _rate_lines(results, lang, chosen, gd_critical, big)
    names = [{**n, "font": dict(size=16 if big else 12, color="black")} for n in _stagger(names)]
    above = (len(notes) * (LABEL_ROW + 4 * big))  # the rate lines' labels sit in rows above the plot
    if any(not np.all(np.isfinite(g)) for g in gaps):
        shapes.append(dict(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=top / 1.8, y1=top / 1.8,
                           line=dict(color=GREY, width=1, dash="dot")))
        notes.append(dict(xref="x domain", x=0.01, yref="y", y=np.log10(top * 1.4), xanchor="left",
                          yanchor="bottom", showarrow=False, text=t("sweep.figure.diverged_row", lang),
                          font=dict(color=STATUS_COLORS["diverged"], size=12)))
    if any(np.any(g[np.isfinite(g)] < bottom) for g in gaps):  # runs drawn on the floor, not at their loss
        shapes.append(dict(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=bottom, y1=bottom,
                           line=dict(color=GREY, width=1, dash="dot")))
        notes.append(dict(xref="x domain", x=0.01, yref="y", y=np.log10(bottom / 1.4), xanchor="left",
                          yanchor="top", showarrow=False, font=dict(color=GREY, size=12),
                          text=t("sweep.figure.floor_row", lang, floor=number(bottom))))
    layout = dict(
        xaxis=dict(type="log", title=dict(text=t("sweep.figure.rate", lang)), **_rate_axis(results)),
        # Room under the floor's line for its note, more in presentation mode's type (0.5 of a
        # decade put it on the rate axis's labels there); the axis's title clear of its labels.
        yaxis=dict(type="log", title=dict(text=t("sweep.figure.final_loss", lang)), automargin=True,
                   range=[np.log10(bottom) - (0.9 if big else 0.5),
                          np.log10(top * 3.0 ** (len(results) - 1)) + 0.6]),
        legend=LEGEND,
        shapes=shapes,
        annotations=notes + names,
        height=(560 if big else 460) + above,
        margin=dict(l=70, r=10, t=16 + above, b=55),
        hovermode="closest",
    )
    return figure(dict(data=data, layout=layout), big=big)


def _curve_names(name: str, r: RateSweep, shown: np.ndarray, row: float) -> list[dict]:
    """An optimizer's name beside its best rate's marker and at the start of its row of diverged
    runs: its markers' shapes alone, 500 to a curve, merge into one line in the outcome's colour."""
    labels = []
    if r.best is not None:  # above the marker (best rates often share the floor's row), clear of the legend
        lo, hi = np.log10(r.sweep.lrs[[0, -1]])
        inside = (np.log10(r.best_lr) - lo) / max(hi - lo, 1e-12) < 0.9
        labels.append(dict(x=np.log10(r.best_lr), y=np.log10(shown[r.best]), yshift=12, yanchor="bottom",
                           xanchor="center" if inside else "right"))
    diverged = np.flatnonzero(r.sweep.status == "diverged")
    if len(diverged):
        labels.append(dict(x=np.log10(r.sweep.lrs[diverged[0]]), y=np.log10(row), yanchor="middle",
                           xanchor="right", xshift=-8))
    return [dict(xref="x", yref="y", showarrow=False, text=name, bgcolor="rgba(255,255,255,0.8)", **label)
            for label in labels]


def _stagger(labels: list[dict]) -> list[dict]:
    """The best rates' names (above their markers) raised a row where an earlier one, in rate order,
    sits within a decade and a half of them at about their height: four optimizers' best rates on
    x²'s floor lie 0.2-0.5 decade apart, and their names overlapped."""
    placed: list[tuple[float, float, int]] = []  # (x, y, row)
    for label in sorted((n for n in labels if n.get("yanchor") == "bottom"), key=lambda n: n["x"]):
        near = {row for x, y, row in placed if abs(label["x"] - x) < 1.5 and abs(label["y"] - y) < 1.0}
        row = next(r for r in range(len(placed) + 1) if r not in near)
        label["yshift"] = 12 + 18 * row
        placed.append((label["x"], label["y"], row))
    return labels


def _rate_axis(results: Sequence[RateSweep]) -> dict:
    """The swept range and a little room, set rather than left to plotly.js: autorange makes room
    for every marker's pixels, and in presentation mode on a 1024-px screen (big markers, a plot
    200 px wide) it stretched 1e-5 … 1 to 1e-6 … 1e9. Over more than three decades only the
    decades are ticked (the 2 and 5 between them crowd)."""
    lrs = results[0].sweep.lrs
    lo, hi = np.log10(lrs[0]), np.log10(lrs[-1])
    room = 0.04 * (hi - lo)
    return {"range": [lo - room, hi + room], **({"dtick": 1} if hi - lo > 3 else {})}


def _rate_lines(results: Sequence[RateSweep], lang: str, chosen: float | None,
                gd_critical: float | None, big: bool) -> tuple[list[dict], list[dict]]:
    """Vertical lines (shapes) and their labels: critical rates and the chosen rate."""
    lines: list[tuple[float, str, str, str]] = []  # (rate, text, colour, dash)
    for r in results:
        limit: Limit | None = r.limit
        if limit is not None and np.isfinite(limit.value):
            text = f"{OPTIMIZERS[r.optimizer].title(lang)}: {limit.formula} = {number(limit.value)}"
            lines.append((limit.value, text, OKABE_ITO["vermillion"], "dash"))
    if not lines and gd_critical is not None and np.isfinite(gd_critical):
        text = t("sweep.figure.gd_critical", lang, value=number(gd_critical))
        lines.append((gd_critical, text, GREY, "dot"))
    if chosen is not None:
        lines.append((chosen, t("sweep.figure.chosen", lang, value=number(chosen)), "#444", "dot"))
    shapes, notes = [], []
    for k, (rate, text, colour, dash) in enumerate(lines):
        shapes.append(dict(type="line", yref="y domain", y0=0, y1=1, xref="x", x0=rate, x1=rate,
                           line=dict(color=colour, dash=dash, width=1.5)))
        row = k * (LABEL_ROW + 4 * big)
        notes.append(dict(xref="x", x=np.log10(rate), yref="y domain", y=1.0, yshift=row, yanchor="bottom",
                          xanchor="center", showarrow=False, text=text,
                          font=dict(color=colour, size=16 if big else 12)))
    return shapes, notes


def build_phase(
    data: PhaseData,
    *,
    lang: str,
    big: bool = False,
    limit: Limit | None = None,
    best: float | None = None,
) -> go.Figure:
    """Rate (log, rows) × step (columns) coloured by the log of the loss gap or the distance.

    Diverged cells take a colour of their own at the top of the colour bar, so
    the moment each rate escapes is visible rather than blank.
    """
    positive = data.values[np.isfinite(data.values) & (data.values > 0)]
    # The top of the scale ignores the last half percent, the brief blow-ups just before an escape,
    # and is never below where the runs start: dark means "still where it began" whatever the rates
    # (rates that all crawl filled the picture with the light end, "close to the minimum").
    start = data.values[:, 0][np.isfinite(data.values[:, 0]) & (data.values[:, 0] > 0)]
    hi = float(np.log10(max(np.percentile(positive, 99.5), start.max(initial=0.0)))) if positive.size else 0.0
    lo = min(max(float(np.log10(positive.min())) if positive.size else hi - 1, hi - 12), hi - 1)
    band = (hi - lo) / 12  # the diverged band above the scale
    with np.errstate(divide="ignore", invalid="ignore"):
        # Just below ``hi``: at exactly the top of the scale plotly.js would take the diverged colour.
        z = np.clip(np.log10(data.values), lo, hi - 1e-6 * (hi - lo))
    z = np.where(data.diverged, hi + band, np.where(np.isfinite(z), z, lo))
    cut = (hi - lo) / (hi - lo + band)
    scale = [[p * cut, c] for p, c in SURFACE_SCALE]
    scale += [[cut, STATUS_COLORS["diverged"]], [1.0, STATUS_COLORS["diverged"]]]
    ticks, texts = _decade_ticks(lo, hi)
    # A decade closer than one band under the top would print its label onto "diverged".
    keep = [(v, s) for v, s in zip(ticks, texts, strict=True) if lo <= v <= hi - band / 2]
    colorbar = dict(tickvals=[v for v, _ in keep] + [hi + band / 2],
                    ticktext=[s for _, s in keep] + [t("status.diverged", lang)],
                    title=dict(text=t(f"sweep.figure.phase_{data.what}", lang), side="right"), thickness=14)
    y = np.log10(data.lrs)
    trace = dict(
        type="heatmap", x=data.steps.astype(float), y=y, z=z.astype(np.float32), zmin=lo, zmax=hi + band,
        colorscale=scale, colorbar=colorbar,
        hovertemplate=t("figure.step", lang) + " %{x}, η=10<sup>%{y:.3f}</sup><extra></extra>",
    )
    ytick, ytext = _decade_ticks(y.min(), y.max())
    inside = [(v, s) for v, s in zip(ytick, ytext, strict=True) if y.min() - 1e-9 <= v <= y.max() + 1e-9]
    shapes, notes = [], []
    for rate, text, colour, dash, side in (
        (limit.value if limit is not None else None, limit and f"{limit.formula} = {number(limit.value)}",
         "white", "dash", "right"),
        (best, t("sweep.figure.best_line", lang, value=number(best)) if best else "", "black", "dot", "left"),
    ):
        if rate is None or not np.isfinite(rate) or not y.min() <= np.log10(rate) <= y.max():
            continue
        shapes.append(dict(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=np.log10(rate),
                           y1=np.log10(rate), line=dict(color=colour, dash=dash, width=1.5)))
        notes.append(dict(xref="x domain", x=0.99 if side == "right" else 0.01, xanchor=side, yref="y",
                          y=np.log10(rate),
                          yanchor="bottom", showarrow=False, text=text, bgcolor="rgba(255,255,255,0.75)",
                          font=dict(size=12, color="black")))
    layout = dict(
        xaxis=dict(title=dict(text=t("figure.step", lang)), showgrid=False),
        yaxis=dict(title=dict(text=t("sweep.figure.rate", lang)), tickvals=[v for v, _ in inside],
                   ticktext=[s for _, s in inside], showgrid=False),
        shapes=shapes, annotations=notes,
        height=480 if big else 400,
        margin=dict(l=70, r=10, t=20, b=50),
    )
    return figure(dict(data=[trace], layout=layout), big=big)


# Minimum colours, most visited first; vermillion is kept for "diverged", and orange, its closest
# neighbour, comes last (Himmelblau's four minima beside diverged starts were two near-reds).
_MINIMUM_COLOURS = tuple(OKABE_ITO[c] for c in ("blue", "sky", "green", "purple", "yellow", "orange"))
_NONE_COLOUR, _OTHER_COLOUR = "#DDDDDD", GREY


def _point(p: tuple[float, ...]) -> str:
    return "(" + ", ".join(number(v) for v in p) + ")"


def basin_categories(basins: Basins, lang: str) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Each start's category and the (name, colour) of every category, in legend order.

    The six most visited minima get colours of their own, any others share "other minima".
    """
    labels = basins.label.ravel()
    found, counts = np.unique(labels[labels >= 0], return_counts=True)
    named = found[np.argsort(-counts, kind="stable")][: len(_MINIMUM_COLOURS)]
    named = np.sort(named)  # global minima first, as the surface lists them
    category = np.full(labels.shape, -1)
    legend = []
    for k, m in enumerate(named):
        kind = "global" if m < basins.n_global else "local"
        name = t(f"sweep.figure.{kind}_min", lang, point=_point(basins.minima[m]))
        legend.append((name, _MINIMUM_COLOURS[k]))
        category[labels == m] = k
    rest = (labels >= 0) & (category < 0)
    extra = [
        (rest, t("sweep.figure.other_minima", lang, count=len(set(labels[rest]))), _OTHER_COLOUR),
        (labels == DIVERGED, t("status.diverged", lang), STATUS_COLORS["diverged"]),
        (labels == NO_MINIMUM, t("sweep.figure.no_minimum", lang), _NONE_COLOUR),
    ]
    for mask, name, colour in extra:
        if mask.any():
            category[mask] = len(legend)
            legend.append((name, colour))
    return category.reshape(basins.label.shape), legend


def build_basins(basins: Basins, surface: Surface, *, lang: str, big: bool = False,
                 start: tuple[float, ...] | None = None) -> go.Figure:
    """Each start of the grid coloured by the minimum its run ends in, minima marked, a legend naming them."""
    category, legend = basin_categories(basins, lang)
    names = np.array([name for name, _ in legend], dtype=object)
    # The diverged starts' category: hollow markers in 1-D, as on the rate plot (a 2-D map is an image).
    gone = set(category[basins.label == DIVERGED].ravel().tolist()) if surface.dim == 1 else set()
    data = []
    if surface.dim == 2:
        k = len(legend)
        scale = [[edge, colour] for i, (_, colour) in enumerate(legend) for edge in (i / k, (i + 1) / k)]
        x, y = basins.axes
        data.append(dict(type="heatmap", x=x, y=y, z=category.astype(np.float32), zmin=-0.5, zmax=k - 0.5,
                         colorscale=scale, showscale=False, text=names[category].tolist(),
                         hovertemplate=f"x₀=%{{x:{HOVER_NUMBER}}}, y₀=%{{y:{HOVER_NUMBER}}}<br>→ %{{text}}"
                                       "<extra></extra>"))
    else:
        data += landscape.base_traces(surface, lang)
        x = basins.axes[0]
        colours = [legend[c][1] for c in category]
        data.append(dict(type="scatter", x=x, y=surface.numpy(x), mode="markers", showlegend=False,
                         marker=dict(size=9, color=colours,
                                     symbol=[status_symbol("diverged") if c in gone else "circle"
                                             for c in category], line=status_outline(colours)),
                         text=names[category].tolist(),
                         hovertemplate=f"x₀=%{{x:{HOVER_NUMBER}}}<br>→ %{{text}}<extra></extra>"))
    title = t("sweep.figure.ends_in", lang)
    data += [_legend_only(name, f"basin-{k}", title if k == 0 else None,
                          dict(symbol=status_symbol("diverged", "square") if k in gone else "square", size=12,
                               color=colour, line=status_outline(colour)))
             for k, (name, colour) in enumerate(legend)]
    points = []
    for trace in landscape.marker_traces(surface, lang):
        if trace["marker"]["symbol"] != "x":  # minima only: saddles are no destination
            marker = {**trace["marker"], "color": "white", "line": dict(width=1.5, color="black")}
            points.append({**trace, "marker": marker, "legendgroup": "points"})
    if start is not None:
        sy = surface.numpy(np.array([start[0]])) if surface.dim == 1 else [start[1]]
        points.append(dict(type="scatter", x=[start[0]], y=sy, mode="markers", name=t("figure.start", lang),
                           legendgroup="points", marker=dict(symbol="circle-open", size=14, color="black",
                                                               line=dict(width=2.5))))
    if points:  # under a heading of their own: "global minimum" is also a colour above, where runs ended
        points[0]["legendgrouptitle"] = dict(text=t("sweep.figure.marked", lang))
    data += points
    box = surface.bounds
    layout = dict(
        xaxis=dict(title=dict(text="x₀" if surface.dim == 2 else "x"), range=list(box[0]), showgrid=False,
                   constrain="domain"),
        legend=LEGEND,
        height=520 if big else 460,
        margin=dict(l=60, r=10, t=20, b=50),
    )
    if surface.dim == 2:
        layout["yaxis"] = dict(title=dict(text="y₀"), range=list(box[1]), scaleanchor="x", scaleratio=1,
                               constrain="domain", showgrid=False)
    else:
        layout["yaxis"] = dict(title=dict(text=t("figure.loss", lang)))
    return figure(dict(data=data, layout=layout), big=big)
