"""The /edge page's figures: pure builders over :mod:`lrviz.nn.edge` results (plain-dict specs, see
:func:`lrviz.app.kit.theme.figure`).

Each rate keeps one colour of the Okabe–Ito palette within a figure, and its limit (2/η, or Adam's
threshold) is drawn dashed in that colour; the catapult's regimes keep theirs on both its figures.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lrviz.app.kit.landscape import written_log_ticks
from lrviz.app.kit.theme import GREY, OKABE_ITO, SURFACE_SCALE, figure, stacked
from lrviz.i18n import t
from lrviz.nn import edge

RATE_COLORS = tuple(OKABE_ITO[c] for c in ("blue", "orange", "green", "vermillion", "purple"))
REGIME_COLORS = {"settled": OKABE_ITO["green"], "catapult": OKABE_ITO["orange"], "other": GREY,
                 "diverged": OKABE_ITO["vermillion"]}
REGIME_SYMBOLS = {"diverged": "x"}  # the others are dots
WITHOUT, WITH = OKABE_ITO["vermillion"], OKABE_ITO["blue"]  # the warm-up pair
LEGEND_BELOW = dict(orientation="h", x=0.0, xanchor="left", yanchor="top")


def num(value: float) -> str:
    """A number as the page writes it: three significant digits, thousands written out (7,600)."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def _along(name: str, lang: str, digits: int = 3) -> str:
    """The hover of a curve against the update: its name, the update, the value."""
    return f"{name}<br>{t('edge.fig.update', lang)} %{{x}}: %{{y:.{digits}g}}<extra></extra>"


def _crossing(x: float, y: float, color: str, name: str, lang: str, **axes) -> dict:
    """◆ where a run's sharpness first reached its limit."""
    return dict(type="scatter", x=[x], y=[y], mode="markers", legendgroup=name, showlegend=False,
                marker=dict(color=color, symbol="diamond", size=11, line=dict(color="white", width=1)),
                hovertemplate=t("edge.fig.reached", lang, update="%{x}") + f"<extra>{name}</extra>", **axes)


def _dashed(x: list, y: list, name: str, **more) -> dict:
    """A dashed grey line (a limit) with its legend entry."""
    line = dict(color="#444", width=1.5, dash="dash")
    return dict(type="scatter", x=x, y=y, mode="lines", name=name, line=line, **more)


def _log_axis(values: np.ndarray, title: str, **more) -> dict:
    finite = values[np.isfinite(values) & (values > 0)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.1, 1.0)
    lo, hi = lo / 1.5, hi * 1.5
    return dict(type="log", title=dict(text=title), range=[np.log10(lo), np.log10(hi)],
                **written_log_ticks(lo, hi), **more)


def _panels(top_px: int, bottom_px: int, big: bool) -> tuple[dict[str, list[float]], float]:
    scale = 1.2 if big else 1.0
    return stacked((("top", 0, top_px), ("bottom", 56, bottom_px)), scale)


def _panel_title(text: str, domain: list[float]) -> dict:
    return dict(text=f"<b>{text}</b>", x=0, xref="paper", xanchor="left", y=domain[1], yref="paper",
                yanchor="bottom", showarrow=False)


def _layout(plot_px: float, big: bool, **more) -> dict:
    bottom = 130 if big else 110  # the x-axis title and the legend under it
    return dict(height=plot_px + 40 + bottom, margin=dict(l=80, r=30, t=40, b=bottom),
                legend=dict(LEGEND_BELOW, y=-(70 if big else 60) / plot_px), **more)


def build_edge(run: edge.Descent, summaries: tuple[edge.Summary, ...], *, lang: str, big: bool = False,
               adam: bool = False) -> go.Figure:
    """The loss (top, log) and the measured sharpness (bottom) against the update, one colour per
    rate; each rate's limit dashed in its colour and the update where the sharpness first reached
    it marked ◆. ``adam``: the preconditioned sharpness and Adam's limit, on a log axis."""
    steps = np.arange(run.losses.shape[1])
    panels, plot_px = _panels(240, 300, big)
    limit_name = t("edge.fig.adam_limit" if adam else "edge.fig.limit", lang)
    data = []
    for i, summary in enumerate(summaries):
        color = RATE_COLORS[i % len(RATE_COLORS)]
        name = f"η = {num(summary.lr)}"
        data.append(dict(type="scatter", x=steps, y=run.losses[i], mode="lines", name=name, legendgroup=name,
                         line=dict(color=color, width=1.5), hovertemplate=_along(name, lang)))
        data.append(dict(type="scatter", x=run.measured, y=run.tops[i], mode="lines", yaxis="y2", name=name,
                         legendgroup=name, showlegend=False, line=dict(color=color, width=2),
                         hovertemplate=_along(name, lang, 4)))
        data.append(dict(type="scatter", x=[0, steps[-1]], y=[summary.threshold] * 2, mode="lines",
                         yaxis="y2", legendgroup=name, showlegend=False,
                         line=dict(color=color, width=1.5, dash="dash"),
                         hovertemplate=f"{limit_name} = {num(summary.threshold)}<extra>{name}</extra>"))
        if summary.crossed_at is not None:
            data.append(_crossing(summary.crossed_at, summary.at_cross, color, name, lang, yaxis="y2"))
    data.append(_dashed([None], [None], limit_name, yaxis="y2"))
    tops = np.concatenate([run.tops.ravel(), [s.threshold for s in summaries]])
    sharp_title = t("edge.fig.preconditioned" if adam else "edge.fig.sharpness", lang)
    measured = run.tops[np.isfinite(run.tops)]
    # A small rate's 2/η far above every measured sharpness (η = 0.01: 200, against 2.6-5) would
    # flatten the curves onto the axis on a linear scale: then the axis is logarithmic, as Adam's is.
    far = measured.size and max(s.threshold for s in summaries) > 4 * float(measured.max())
    if adam or far:
        sharp_axis = _log_axis(tops, sharp_title, domain=panels["bottom"])
    else:
        top = float(np.nanmax(tops[np.isfinite(tops)])) if np.isfinite(tops).any() else 1.0
        sharp_axis = dict(title=dict(text=sharp_title), range=[0, 1.1 * top], domain=panels["bottom"])
    layout = _layout(
        plot_px, big,
        xaxis=dict(title=dict(text=t("edge.fig.update", lang)), anchor="y2", range=[0, steps[-1]]),
        yaxis=_log_axis(run.losses.ravel(), t("edge.fig.loss", lang), domain=panels["top"]),
        yaxis2=sharp_axis,
        annotations=[_panel_title(t("edge.fig.loss_panel", lang), panels["top"]),
                     _panel_title(t("edge.fig.adam_panel" if adam else "edge.fig.sharp_panel", lang),
                                  panels["bottom"])],
    )
    return figure(dict(data=data, layout=layout), big=big)


def build_distance(result: edge.Stability, *, lang: str, big: bool = False) -> go.Figure:
    """How far gradient descent's weights are from gradient flow's at the same time (update k of
    rate η against the flow at time kη), one colour per rate; ◆ where its sharpness reached 2/η."""
    run, data = result.descent, []
    for i, summary in enumerate(result.summaries):
        color, name = RATE_COLORS[i % len(RATE_COLORS)], f"η = {num(summary.lr)}"
        data.append(dict(type="scatter", x=run.measured, y=result.distance[i], mode="lines", name=name,
                         legendgroup=name, line=dict(color=color, width=2), hovertemplate=_along(name, lang)))
        if summary.crossed_at is not None:
            at = result.distance_at(i, summary.crossed_at)
            data.append(_crossing(summary.crossed_at, at, color, name, lang))
    plot_px = 300 * (1.2 if big else 1.0)
    layout = _layout(plot_px, big,
                     xaxis=dict(title=dict(text=t("edge.fig.update", lang)), range=[0, run.steps]),
                     yaxis=dict(title=dict(text=t("edge.fig.distance", lang)), rangemode="tozero"))
    return figure(dict(data=data, layout=layout), big=big)


def _run_name(multiple: float, lr: float, lang: str) -> str:
    return t("edge.fig.multiple", lang, m=num(multiple), lr=num(lr))


def build_catapult_losses(result: edge.Catapult, *, lang: str, big: bool = False) -> go.Figure:
    """Every run's loss against the update (log), coloured by the regime it fell in."""
    steps = np.arange(result.descent.losses.shape[1])
    data, shown = [], set()
    for i, (multiple, regime) in enumerate(zip(result.multiples, result.regimes, strict=True)):
        name = _run_name(multiple, result.lrs[i], lang)
        data.append(dict(type="scatter", x=steps, y=result.descent.losses[i], mode="lines",
                         name=t(f"edge.regime.{regime}", lang), legendgroup=regime,
                         showlegend=regime not in shown, line=dict(color=REGIME_COLORS[regime], width=1.5),
                         hovertemplate=_along(name, lang)))
        shown.add(regime)
    plot_px = 320 * (1.2 if big else 1.0)
    layout = _layout(plot_px, big,
                     xaxis=dict(title=dict(text=t("edge.fig.update", lang)), range=[0, steps[-1]]),
                     yaxis=_log_axis(result.descent.losses.ravel(), t("edge.fig.loss", lang)))
    return figure(dict(data=data, layout=layout), big=big)


def build_regimes(result: edge.Catapult, *, lang: str, big: bool = False) -> go.Figure:
    """Against the rate (as a multiple of 2/λ₀): the highest loss over the start (top, log) and the
    sharpness at the end (bottom) with 2/η dashed and λ₀ dotted; each regime's span shaded."""
    panels, plot_px = _panels(220, 260, big)
    start = result.descent.losses[:, 0]
    rise = result.peak_loss / start
    m = result.multiples
    colors = [REGIME_COLORS[r] for r in result.regimes]
    names = [_run_name(mult, lr, lang) for mult, lr in zip(m, result.lrs, strict=True)]
    regimes = [t(f"edge.regime.{r}", lang) for r in result.regimes]
    # Diverged runs are crosses, as on every page: their vermillion is close to the catapult's orange.
    marker = dict(color=colors, size=11, line=dict(color="white", width=1),
                  symbol=[REGIME_SYMBOLS.get(r, "circle") for r in result.regimes])
    dense = np.linspace(m.min(), m.max(), 200)
    about = np.stack([names, regimes], -1)
    data = [
        dict(type="scatter", x=m, y=rise, mode="markers", marker=marker, customdata=about, showlegend=False,
             hovertemplate="%{customdata[0]}<br>%{customdata[1]}: ×%{y:.3g}<extra></extra>"),
        dict(type="scatter", x=m, y=result.final_sharpness, mode="markers", yaxis="y2", marker=marker,
             customdata=about, showlegend=False,
             hovertemplate="%{customdata[0]}<br>%{customdata[1]}: %{y:.3g}<extra></extra>"),
        _dashed(dense, result.lam0 / dense, t("edge.fig.limit", lang), yaxis="y2", hoverinfo="skip"),
        dict(_dashed([m.min(), m.max()], [result.lam0] * 2, t("edge.fig.lam0", lang, value=num(result.lam0)),
                     yaxis="y2", hoverinfo="skip"), line=dict(color="#444", width=1.5, dash="dot")),
    ]
    for regime in edge.REGIMES:  # one legend entry per regime that occurred
        if regime in result.regimes:
            data.append(dict(type="scatter", x=[None], y=[None], mode="markers",
                             name=t(f"edge.regime.{regime}", lang),
                             marker=dict(color=REGIME_COLORS[regime], size=11,
                                         symbol=REGIME_SYMBOLS.get(regime, "circle"))))
    half = 0.5 * (m[1] - m[0]) if m.size > 1 else 0.05
    shapes = [dict(type="rect", xref="x", yref="paper", x0=lo - half, x1=hi + half, y0=0, y1=1, layer="below",
                   line=dict(width=0), fillcolor=REGIME_COLORS[regime], opacity=0.10)
              for regime in edge.REGIMES if (span := result.span(regime)) is not None for lo, hi in [span]]
    shapes.append(dict(type="line", xref="x", yref="paper", x0=1, x1=1, y0=0, y1=1,
                       line=dict(color="#222", width=1, dash="dot")))
    shapes.append(dict(type="line", xref="x", yref="y", x0=m.min() - half, x1=m.max() + half, y0=1, y1=1,
                       line=dict(color="#444", width=1, dash="dash")))
    finite = result.final_sharpness[np.isfinite(result.final_sharpness)]
    top = 1.15 * max(result.lam0, float(finite.max()) if finite.size else result.lam0)
    layout = _layout(
        plot_px, big,
        xaxis=dict(title=dict(text=t("edge.fig.multiple_axis", lang)), anchor="y2",
                   range=[m.min() - half, m.max() + half]),
        yaxis=_log_axis(np.concatenate([rise, [1.0]]), t("edge.fig.rise", lang), domain=panels["top"]),
        yaxis2=dict(title=dict(text=t("edge.fig.final_sharpness", lang)), range=[0, top],
                    domain=panels["bottom"]),
        shapes=shapes,
        annotations=[_panel_title(t("edge.fig.rise_panel", lang), panels["top"]),
                     _panel_title(t("edge.fig.final_panel", lang), panels["bottom"]),
                     dict(text="2/λ₀", x=1, xref="x", y=1, yref="paper", yanchor="bottom", showarrow=False)],
    )
    return figure(dict(data=data, layout=layout), big=big)


def build_grid(grid: edge.WarmupGrid, *, lang: str, big: bool = False,
               example: tuple[float, int] | None = None) -> go.Figure:
    """The final loss of every (peak, warm-up length) run as a heatmap (log colour, light where low),
    diverged runs as ×; ``example``'s two cells (no warm-up, and its warm-up) outlined."""
    critical = 2.0 / grid.lam0
    xs = [str(int(n)) for n in grid.lengths]
    ys = [t("edge.fig.peak_row", lang, m=num(p / critical)) for p in grid.peaks]
    z = np.log10(grid.final_loss)
    finite = z[np.isfinite(z)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-2.0, 0.0)
    hi = max(hi, lo + 0.1)
    ticks = [float(f"{v:.2g}") for v in np.geomspace(10**lo, 10**hi, 4)]
    hover = np.empty(z.shape, dtype=object)
    for i, peak in enumerate(grid.peaks):
        for j, length in enumerate(grid.lengths):
            cell = t("edge.fig.cell", lang, m=num(peak / critical), lr=num(peak), n=int(length))
            if grid.diverged[i, j]:
                outcome = t("edge.fig.cell_diverged", lang, at=int(grid.diverged_at[i, j]))
            else:
                outcome = t("edge.fig.cell_loss", lang, loss=num(grid.final_loss[i, j]))
            hover[i, j] = f"{cell}<br>{outcome}"
    cells = [[float(v) if np.isfinite(v) else None for v in row] for row in z]  # 2-D: nested lists
    data = [dict(type="heatmap", x=xs, y=ys, z=cells, zmin=lo, zmax=hi, colorscale=SURFACE_SCALE, xgap=2,
                 ygap=2, text=hover.tolist(), hovertemplate="%{text}<extra></extra>",
                 colorbar=dict(title=dict(text=t("edge.fig.final_loss", lang)), thickness=14,
                               tickvals=np.log10(ticks).tolist(), ticktext=[f"{v:g}" for v in ticks]))]
    rows, cols = np.nonzero(grid.diverged)
    if rows.size:
        data.append(dict(type="scatter", x=[xs[j] for j in cols], y=[ys[i] for i in rows], mode="markers",
                         name=t("edge.fig.diverged", lang), hoverinfo="skip",
                         marker=dict(symbol="x", size=16, color=OKABE_ITO["vermillion"],
                                     line=dict(color="white", width=1))))
    shapes = []
    if example is not None:
        i = int(np.argmin(np.abs(grid.peaks - example[0])))
        for length in (0, example[1]):
            j = int(np.flatnonzero(grid.lengths == length)[0])
            shapes.append(dict(type="rect", xref="x", yref="y", x0=j - 0.5, x1=j + 0.5, y0=i - 0.5,
                               y1=i + 0.5, line=dict(color="#111", width=3)))
    row_px = 52 if big else 44
    plot_px = row_px * len(ys)
    return figure(dict(data=data, layout=dict(
        xaxis=dict(title=dict(text=t("edge.fig.length", lang)), type="category", showgrid=False),
        yaxis=dict(title=dict(text=t("edge.fig.peak", lang)), type="category", showgrid=False),
        shapes=shapes, showlegend=False,  # the section's text says what × means
        height=plot_px + 120, margin=dict(l=120, r=30, t=20, b=70),
    )), big=big)


def build_pair(pair: edge.Descent, *, lang: str, big: bool = False) -> go.Figure:
    """One peak rate without (vermillion) and with (blue) warm-up: the sharpness (top) with each
    run's 2/η_t dashed, and the loss (bottom, log); the end of the warm-up and the divergence marked."""
    panels, plot_px = _panels(300, 200, big)
    steps = np.arange(pair.losses.shape[1])
    rates = pair.rates()
    length = int(pair.warmups[1])
    data = []
    for i, (color, key) in enumerate(((WITHOUT, "edge.fig.without"), (WITH, "edge.fig.with"))):
        name = t(key, lang, n=length)
        with np.errstate(divide="ignore"):
            limit = np.where(rates[i] > 0, 2.0 / rates[i], np.nan)
        data += [
            dict(type="scatter", x=pair.measured, y=pair.tops[i], mode="lines+markers", name=name,
                 legendgroup=key, line=dict(color=color, width=2), marker=dict(size=4),
                 hovertemplate=_along(name, lang)),
            dict(type="scatter", x=steps[:-1], y=limit, mode="lines", legendgroup=key, showlegend=False,
                 line=dict(color=color, width=1.5, dash="dash"),
                 hovertemplate=f"2/η = %{{y:.3g}}<extra>{name}</extra>"),
            dict(type="scatter", x=steps, y=pair.losses[i], mode="lines", yaxis="y2", legendgroup=key,
                 showlegend=False, line=dict(color=color, width=1.5), hovertemplate=_along(name, lang)),
        ]
    data.append(_dashed([None], [None], t("edge.fig.limit_t", lang)))
    shapes, notes = [], []
    marks = [(length, "#222", t("edge.fig.warm_end", lang))]
    if (blew_up := int(pair.diverged_at[0])) >= 0:
        marks.append((blew_up, WITHOUT, t("edge.fig.blew_up", lang, at=blew_up)))
    for k, (at, color, text) in enumerate(marks):
        shapes.append(dict(type="line", xref="x", yref="paper", x0=at, x1=at, y0=0, y1=1,
                           line=dict(color=color, width=1.5, dash="dot")))
        notes.append(dict(text=text, x=at, xref="x", y=panels["top"][0] + 0.02 + 0.06 * k, yref="paper",
                          xanchor="left", yanchor="bottom", showarrow=False, font=dict(color=color),
                          bgcolor="rgba(255,255,255,0.8)"))
    lam0 = float(pair.tops[1, 0])
    shown = pair.losses[np.isfinite(pair.losses) & (pair.losses < 1e3)]  # a blown-up loss squashes the rest
    layout = _layout(
        plot_px, big,
        xaxis=dict(title=dict(text=t("edge.fig.update", lang)), anchor="y2", range=[0, steps[-1]]),
        yaxis=dict(title=dict(text=t("edge.fig.sharpness", lang)), range=[0, 1.2 * lam0],
                   domain=panels["top"]),
        yaxis2=_log_axis(shown, t("edge.fig.loss", lang), domain=panels["bottom"]),
        shapes=shapes,
        annotations=[_panel_title(t("edge.fig.sharp_panel", lang), panels["top"]),
                     _panel_title(t("edge.fig.loss_panel", lang), panels["bottom"]), *notes],
    )
    return figure(dict(data=data, layout=layout), big=big)
