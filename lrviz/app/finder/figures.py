"""The LR finder page's figures: the range test with every rule's suggestion, the check of the
suggestions, grid vs random search, and the too-small / good / too-large comparison.

Pure builders over :mod:`lrviz.nn.range_test` and :mod:`lrviz.nn.search` results (plain-dict specs,
see :func:`lrviz.app.kit.theme.figure`). Each rule keeps one colour of the Okabe–Ito palette on
every figure, so "valley" is orange wherever it appears.
"""

from __future__ import annotations

import warnings

import numpy as np
import plotly.graph_objects as go

from lrviz.app.kit.landscape import written_log_ticks
from lrviz.app.kit.theme import GREY, OKABE_ITO, figure, stacked
from lrviz.i18n import t
from lrviz.nn.datasets import Dataset
from lrviz.nn.range_test import RULES, RangeTest
from lrviz.nn.search import Comparison, Search, SuggestionCheck

RULE_COLORS = {
    "valley": OKABE_ITO["orange"],
    "slide": OKABE_ITO["sky"],
    "minimum": OKABE_ITO["green"],
    "steep": OKABE_ITO["vermillion"],
    "steepest": OKABE_ITO["purple"],
}
RULE_SYMBOLS = {
    "valley": "circle",
    "slide": "square",
    "minimum": "diamond",
    "steep": "triangle-up",
    "steepest": "triangle-down",
}
CURVE = OKABE_ITO["blue"]
BAND = "rgba(0, 114, 178, 0.18)"
GRID_COLOR, RANDOM_COLOR = OKABE_ITO["blue"], OKABE_ITO["orange"]
LEGEND_BELOW = dict(orientation="h", x=0.0, xanchor="left", y=-0.22, yanchor="top")


def rate(value: float) -> str:
    """A rate as students read it: 3 significant digits, plain below 1e4 and above 1e-4."""
    return f"{value:.3g}"


def rule_summary(test: RangeTest) -> dict[str, tuple[float, float, float] | None]:
    """Each rule's (median, lowest, highest) suggestion over the seeds (None if no seed gave one)."""
    out: dict[str, tuple[float, float, float] | None] = {}
    for name, per_seed in test.suggestions.items():
        values = np.array([s[0] for s in per_seed if s is not None])
        out[name] = (
            None if values.size == 0 else (float(np.median(values)), float(values.min()), float(values.max()))
        )
    return out


def _seed_stats(test: RangeTest) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # columns where every seed has stopped
        return (
            np.nanmedian(test.smoothed, axis=0),
            np.nanmin(test.smoothed, axis=0),
            np.nanmax(test.smoothed, axis=0),
        )



def _panel_title(title: str, domain) -> dict:
    """A panel's bold title, centred above its x-axis ``domain`` (paper fractions)."""
    return dict(text=f"<b>{title}</b>", x=sum(domain) / 2, xref="paper", y=1.0, yref="paper",
                xanchor="center", yanchor="bottom", showarrow=False)

def _row_name(text: str, row: str, yref: str, yshift: float) -> dict:
    """``text`` written above category ``row`` of axis ``yref``, from the plot's left edge: how the
    range test and the check name a rule's row (as tick labels the names took the curve's width)."""
    return dict(text=text, x=0, xref="paper", xanchor="left", y=row, yref=yref, yanchor="bottom",
                yshift=yshift, showarrow=False, font=dict(size=12, color="#333"))


def build_range_test(test: RangeTest, *, lang: str, big: bool = False) -> go.Figure:
    """Smoothed loss against the rate (log axis, top): the median over seeds, the min–max band and
    each rule's median suggestion on the curve. Below, one row per rule: every seed's suggestion as
    a small dot and the median as the rule's marker, so rules that agree do not hide each other."""
    median, lo, hi = _seed_stats(test)
    x, k = test.lrs, len(test.seeds)
    hover = f"{t('finder.fig.lr', lang)} %{{x:.3g}}<br>{t('finder.fig.loss', lang)} %{{y:.3f}}<extra></extra>"
    data = [
        dict(type="scatter", x=x, y=hi, mode="lines", line=dict(width=0), hoverinfo="skip", showlegend=False),
        dict(type="scatter", x=x, y=lo, mode="lines", line=dict(width=0), fill="tonexty", fillcolor=BAND,
             name=t("finder.fig.band", lang, k=k), hoverinfo="skip"),
        dict(type="scatter", x=x, y=median, mode="lines", line=dict(color=CURVE, width=2.5),
             name=t("finder.fig.median", lang, k=k), hovertemplate=hover),
    ]
    finite = np.isfinite(median)
    suggestions = test.suggestions
    rows = []
    summaries = rule_summary(test)
    for i, (name, summary) in enumerate(summaries.items()):
        color, title = RULE_COLORS[name], RULES[name].title(lang)
        rows.append(title)
        if summary is None:
            data.append(dict(type="scatter", x=[None], y=[None], mode="markers", marker=dict(color=GREY),
                             name=t("finder.fig.no_suggestion", lang, rule=title)))
            continue
        mid, low, high = summary
        label = t("finder.fig.suggestion", lang, rule=title, lr=rate(mid), lo=rate(low), hi=rate(high))
        marker = dict(color=color, symbol=RULE_SYMBOLS[name], size=12, line=dict(color="white", width=1.5))
        y = float(np.interp(np.log(mid), np.log(x[finite]), median[finite])) if finite.any() else None
        # On the curve each rule's marker is a size smaller than the one before: where two rules
        # suggest the same rate (moons: both steepest rules at 0.22), the later sits inside the earlier.
        nested = {**marker, "size": 12 + 3 * (len(summaries) - 1 - i)}
        data.append(dict(type="scatter", x=[mid], y=[y], mode="markers", name=label, legendgroup=name,
                         marker=nested, hovertemplate=label + "<extra></extra>"))
        seeds = [s[0] for s in suggestions[name] if s is not None]
        data.append(dict(type="scatter", x=seeds, y=[title] * len(seeds), mode="markers", yaxis="y2",
                         legendgroup=name, showlegend=False, marker=dict(color=color, size=6, opacity=0.7),
                         hovertemplate="%{x:.3g}<extra>" + title + "</extra>"))
        spread = dict(type="data", symmetric=False, array=[high - mid], arrayminus=[mid - low], color=color,
                      thickness=2, width=5)
        data.append(dict(type="scatter", x=[mid], y=[title], mode="markers", yaxis="y2",
                         legendgroup=name, showlegend=False, marker=marker, error_x=spread,
                         hovertemplate=label + "<extra></extra>"))
    start = float(np.nanmax(test.smoothed[:, : max(1, len(x) // 10)]))
    bottom = float(np.nanmin(test.smoothed))
    top = max(start * 1.5, bottom * 1.2)
    # Laid out in pixels, so the curve keeps its height whatever the fonts. Each rule's row has
    # its name written above its line, inside the plot: as tick labels the names took a third of
    # a 1024-pixel screen's width from the curve, and plotly.js hid every other one in big fonts.
    curve_px, gap_px, row_px = (400, 40, 44) if big else (340, 34, 34)
    panels, plot_px = stacked((("curve", 0, curve_px), ("rows", gap_px, row_px * len(rows))))
    axis_px, entry_px = (70, 28) if big else (60, 21)
    entries = sum(1 for trace in data if trace.get("name") and trace.get("showlegend", True))
    names = [_row_name(title, title, "y2", 3) for title in rows]
    layout = dict(
        xaxis=dict(type="log", title=dict(text=t("finder.fig.lr", lang)), anchor="y2",
                   range=[np.log10(x[0]), np.log10(x[-1])]),
        yaxis=dict(title=dict(text=t("finder.fig.smoothed", lang)),
                   range=[bottom - 0.05 * (top - bottom), top], domain=panels["curve"]),
        yaxis2=dict(domain=panels["rows"], type="category", categoryorder="array",
                    categoryarray=rows[::-1], showgrid=True, showticklabels=False,
                    range=[-0.5, len(rows) - 0.3]),  # room above the top row for its name
        annotations=names,
        legend=dict(orientation="v", x=0.0, xanchor="left", y=-axis_px / plot_px, yanchor="top"),
        height=30 + plot_px + axis_px + entry_px * entries + 10,
        margin=dict(l=70, r=20, t=30, b=axis_px + entry_px * entries + 10),
    )
    return figure(dict(data=data, layout=layout), big=big)


def build_check(check: SuggestionCheck, *, lang: str, big: bool = False) -> go.Figure:
    """Validation loss after a short training at each rule's rate, one row per rule as on the range
    test: one dot per seed, a bar for the mean, the rule's name and rate above its row.

    A diverged run has no loss: its dot sits at the right end of its row, marked ×."""
    finite = check.val_loss[np.isfinite(check.val_loss)]
    top = 1.15 * float(finite.max()) if finite.size else 1.0
    rows = [RULES[r].title(lang) for r in check.rules]
    data, names = [], []
    for i, rule in enumerate(check.rules):
        losses = check.val_loss[i]
        mean = float(np.mean(losses))
        color = RULE_COLORS.get(rule, GREY)
        data.append(dict(type="bar", orientation="h", x=[mean if np.isfinite(mean) else top], y=[rows[i]],
                         width=0.4, marker=dict(color=color, opacity=0.35 if np.isfinite(mean) else 0.12),
                         showlegend=False, hoverinfo="skip"))
        shown = np.where(np.isfinite(losses), losses, top)
        data.append(dict(type="scatter", x=shown, y=[rows[i]] * len(losses), mode="markers", showlegend=False,
                         marker=dict(color=color, size=11, line=dict(color="#222", width=1),
                                     symbol=["circle" if np.isfinite(v) else "x" for v in losses]),
                         hovertemplate=t("finder.fig.val_loss", lang) + " %{x:.3f}<extra></extra>"))
        names.append(_row_name(f"{rows[i]} · η = {rate(check.lrs[i])}", rows[i], "y", 12 if big else 10))
    row_px = 64 if big else 52
    layout = dict(
        barmode="overlay",
        xaxis=dict(title=dict(text=t("finder.fig.val_loss", lang)), range=[0, top * 1.05]),
        yaxis=dict(type="category", categoryorder="array", categoryarray=rows[::-1], showticklabels=False,
                   range=[-0.5, len(rows) - 0.2]),  # room above the top row for its name
        annotations=names,
        height=row_px * len(rows) + 100,
        margin=dict(l=20, r=20, t=20, b=60),
    )
    return figure(dict(data=data, layout=layout), big=big)


OFF_SCALE = 100  # the search's loss axis ends this many times above the best run's loss


def build_search(found: Search, *, lang: str, big: bool = False) -> go.Figure:
    """Validation loss (top, log axis) and accuracy (bottom) against the rate: the grid as a line,
    random search's samples as diamonds, the best rate dashed. Diverged runs (×) and runs that
    ended more than :data:`OFF_SCALE` times above the best (▲, their loss in the hover) sit on a
    row at the top: one run at a loss of millions would squash every useful one onto a line."""
    grid, drawn = found.grid, found.random
    losses = np.concatenate([grid.final_val_loss, drawn.final_val_loss])
    finite = losses[np.isfinite(losses)]
    low = float(finite.min()) if finite.size else 0.1
    top = float(finite[finite <= OFF_SCALE * low].max()) if finite.size else 1.0
    row = top * 1.4  # where diverged and off-scale runs sit
    data = []
    for part, color, symbol, mode, key in ((grid, GRID_COLOR, "circle", "lines+markers", "grid"),
                                           (drawn, RANDOM_COLOR, "diamond", "markers", "random")):
        order = np.argsort(part.lrs)
        lrs, loss, acc = part.lrs[order], part.final_val_loss[order], part.final_val_acc[order]
        ok = np.isfinite(loss)
        shown = ok & (loss <= OFF_SCALE * low)
        marker = dict(color=color, symbol=symbol, size=9, line=dict(color="white", width=1))
        common = dict(type="scatter", mode=mode, legendgroup=key, marker=marker,
                      line=dict(color=color, width=1.5))
        data.append(dict(common, x=lrs[shown], y=loss[shown], name=t(f"finder.fig.{key}", lang, n=len(lrs)),
                         hovertemplate="η %{x:.3g}: %{y:.3f}<extra></extra>"))
        data.append(dict(common, x=lrs[ok], y=acc[ok], showlegend=False, yaxis="y2",
                         hovertemplate="η %{x:.3g}: %{y:.1%}<extra></extra>"))
        diverged = f"η %{{x:.3g}}: {t('finder.fig.diverged', lang)}<extra></extra>"
        off_scale = "η %{x:.3g}: %{customdata:.3g}<extra></extra>"
        for which, mark, hover in ((~ok, "x", diverged), (ok & ~shown, "triangle-up", off_scale)):
            if which.any():
                data.append(dict(type="scatter", x=lrs[which], y=np.full(int(which.sum()), row),
                                 mode="markers", customdata=loss[which], legendgroup=key, showlegend=False,
                                 marker=dict(color=color, symbol=mark, size=9), hovertemplate=hover))
    best = dict(type="line", xref="x", yref="paper", x0=found.best_lr, x1=found.best_lr, y0=0, y1=1,
                line=dict(color="#222", dash="dash", width=1.5))
    label = dict(x=np.log10(found.best_lr), y=1.0, xref="x", yref="paper", yanchor="bottom", showarrow=False,
                 text=t("finder.fig.best", lang, lr=rate(found.best_lr)))
    layout = dict(
        xaxis=dict(type="log", title=dict(text=t("finder.fig.lr", lang)), anchor="y2", dtick=1),
        yaxis=dict(type="log", title=dict(text=t("finder.fig.val_loss", lang)), domain=[0.52, 1.0],
                   range=[np.log10(low / 1.3), np.log10(row * 1.3)],
                   **written_log_ticks(low / 1.3, row * 1.3)),
        yaxis2=dict(title=dict(text=t("finder.fig.val_acc", lang)), domain=[0.0, 0.44], tickformat=".0%"),
        shapes=[best], annotations=[label], legend=dict(orientation="h", x=0, y=-0.14, yanchor="top"),
        height=620 if big else 560, margin=dict(l=70, r=20, t=40, b=110),
    )
    return figure(dict(data=data, layout=layout), big=big)


def _panels(n: int, gap: float = 0.06) -> list[list[float]]:
    width = (1 - gap * (n - 1)) / n
    return [[i * (width + gap), i * (width + gap) + width] for i in range(n)]


def _kinds(comparison: Comparison, lang: str) -> list[str]:
    """The three panels' titles, the rate on a line of its own: a third of a narrow page is short."""
    return [
        f"{t(f'finder.fig.{kind}', lang)}<br>η = {rate(lr)}"
        for kind, lr in zip(("small", "good", "large"), comparison.lrs, strict=True)
    ]


def build_curves(comparison: Comparison, *, lang: str, big: bool = False) -> go.Figure:
    """Training (solid) and validation (dashed) loss against the update count, one panel per rate,
    on one shared loss axis so that the panels compare."""
    run = comparison.training
    both = np.concatenate([run.train_loss, run.val_loss])
    finite = both[np.isfinite(both)]
    top = min(1.1 * float(finite.max()), 3 * float(np.nanmax(run.val_loss[:, 0]))) if finite.size else 1.0
    data, layout = [], {}
    for i, (title, domain) in enumerate(zip(_kinds(comparison, lang), _panels(3), strict=True)):
        suffix = "" if i == 0 else str(i + 1)
        for key, dash, curve in (("train", "solid", run.train_loss[i]), ("val", "dash", run.val_loss[i])):
            data.append(
                dict(
                    type="scatter",
                    x=run.eval_steps,
                    y=curve,
                    mode="lines+markers",
                    xaxis=f"x{suffix}",
                    yaxis=f"y{suffix}",
                    name=t(f"finder.fig.{key}", lang),
                    legendgroup=key,
                    showlegend=i == 0,
                    line=dict(color=CURVE if key == "train" else RANDOM_COLOR, dash=dash, width=2),
                    marker=dict(size=5),
                )
            )
        layout[f"xaxis{suffix}"] = dict(
            domain=domain, anchor=f"y{suffix}", title=dict(text=t("finder.fig.step", lang))
        )
        layout[f"yaxis{suffix}"] = dict(
            anchor=f"x{suffix}",
            range=[0, top],
            title=dict(text=t("finder.fig.loss", lang)) if i == 0 else None,
        )
        layout.setdefault("annotations", []).append(_panel_title(title, domain))
    layout.update(
        legend=dict(orientation="h", x=0, y=-0.2, yanchor="top"),
        height=430 if big else 360,
        margin=dict(l=60, r=20, t=60, b=90),
    )
    return figure(dict(data=data, layout=layout), big=big)


BOUNDARY_SCALE = [[0.0, "#56B4E9"], [0.5, "#F7F7F7"], [1.0, "#E69F00"]]  # Okabe–Ito sky and orange


def build_boundaries(
    comparison: Comparison, data: Dataset, grid: tuple[np.ndarray, ...], *, lang: str, big: bool = False
) -> go.Figure:
    """Each model's probability of class 1 over the plane as an image, the validation points on top
    (class 0 sky circles, class 1 orange triangles): where the colour turns is the decision boundary."""
    xs, ys, probs = grid
    traces, layout = [], {}
    for i, (title, domain) in enumerate(zip(_kinds(comparison, lang), _panels(3, 0.04), strict=True)):
        suffix = "" if i == 0 else str(i + 1)
        axes = dict(xaxis=f"x{suffix}", yaxis=f"y{suffix}")
        traces.append(
            dict(
                type="heatmap",
                x=xs,
                y=ys,
                z=np.nan_to_num(probs[i], nan=0.5),
                zmin=0,
                zmax=1,
                colorscale=BOUNDARY_SCALE,
                showscale=i == 2,
                hoverinfo="skip",
                colorbar=dict(title=dict(text=t("finder.fig.p1", lang)), thickness=12),
                **axes,
            )
        )
        for label, color, symbol in ((0, "#0072B2", "circle"), (1, "#D55E00", "triangle-up")):
            pts = data.x_val[data.y_val == label]
            traces.append(
                dict(
                    type="scatter",
                    x=pts[:, 0],
                    y=pts[:, 1],
                    mode="markers",
                    showlegend=False,
                    marker=dict(color=color, symbol=symbol, size=6, line=dict(color="white", width=0.5)),
                    hoverinfo="skip",
                    **axes,
                )
            )
        # The data's own coordinates mean nothing to read off: no labels, and no tick marks either.
        bare = dict(showgrid=False, showticklabels=False, ticks="")
        layout[f"xaxis{suffix}"] = dict(domain=domain, anchor=f"y{suffix}", range=[xs[0], xs[-1]], **bare)
        layout[f"yaxis{suffix}"] = dict(anchor=f"x{suffix}", range=[ys[0], ys[-1]], **bare)
        layout.setdefault("annotations", []).append(_panel_title(title, domain))
    layout.update(height=410 if big else 340, margin=dict(l=20, r=20, t=60, b=20))
    return figure(dict(data=traces, layout=layout), big=big)
