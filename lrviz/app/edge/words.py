"""What the /edge page says about its results, in the student's language (pure: text from numbers).

Every sentence is a locale string (``edge.say.*``) filled with numbers read off the result, so a
claim on the page is exactly as true as the run it describes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lrviz.app.edge.figures import num
from lrviz.i18n import t
from lrviz.nn import edge


def _steps(n: int) -> str:
    return f"{n:,}"


def limit_name(beta1: float | None) -> str:
    """``2/η`` for gradient descent, ``38/η`` for Adam with β₁ = 0.9 (the coefficient (2 + 2β₁)/(1 − β₁))."""
    if beta1 is None:
        return "2/η"
    return f"{num(edge.adam_threshold(1.0, beta1))}/η"


def edge_line(summary: edge.Summary, steps: int, lang: str, *, beta1: float | None = None) -> str:
    """One rate's run in a sentence: when its (preconditioned) sharpness reached the limit, where
    it stayed, how much the loss fell after that, how often it rose."""
    values = dict(
        lr=num(summary.lr),
        name=limit_name(beta1),
        limit=num(summary.threshold),
        start=num(summary.start),
        steps=_steps(steps),
        ups=_steps(summary.ups),
    )
    if summary.diverged_at >= 0:
        return t("edge.say.diverged", lang, at=summary.diverged_at, **values)
    if summary.crossed_at is None:
        return t("edge.say.below" if summary.ups else "edge.say.below_steady", lang, **values)
    values.update(
        at=_steps(summary.crossed_at),
        ratio=f"{summary.ratio:.2f}",
        cross=num(summary.loss_at_cross),
        final=num(summary.final_loss),
        drop=f"{summary.drop:.1f}",
    )
    key = (
        "edge.say.above"
        if summary.crossed_at == 0
        else "edge.say.adam"
        if beta1 is not None
        else "edge.say.gd"
    )
    return t(key, lang, **values)


def flow_line(result: edge.Stability, lang: str) -> str:
    """How far gradient descent was from gradient flow when its sharpness reached 2/η, and at the end."""
    crossed = [
        (i, s)
        for i, s in enumerate(result.summaries)
        if s.crossed_at is not None and s.crossed_at > 0 and s.diverged_at < 0
    ]
    if not crossed:
        return t("edge.say.flow_none", lang)
    at = [result.distance_at(i, s.crossed_at) for i, s in crossed]
    end = [float(result.distance[i, -1]) for i, _ in crossed]
    return t(
        "edge.say.flow",
        lang,
        at=_between(min(at), max(at), _two),
        end=_between(min(end), max(end), _two),
        steps=_steps(result.descent.steps),
    )


def _two(value: float) -> str:
    """A distance, to two significant digits."""
    return f"{value:.2g}"


def _between(lo: float, hi: float, write: Callable[[float], str] = num) -> str:
    """``lo–hi`` as written, or one value where both read the same."""
    low, high = write(lo), write(hi)
    return low if low == high else f"{low}–{high}"


def catapult_lines(result: edge.Catapult, lang: str) -> list[str]:
    """λ₀, then each regime the runs fell in, with its span of rates and what its runs did."""
    lines = [t("edge.say.lam0", lang, lam0=num(result.lam0), critical=num(result.critical))]
    regimes = np.array(result.regimes)
    for regime in edge.REGIMES:
        span = result.span(regime)
        if span is None:
            continue
        rows = np.flatnonzero(regimes == regime)
        ends = result.final_sharpness[rows]
        rise = result.peak_loss[rows] / result.descent.losses[rows, 0]
        values = dict(span=_between(*span), n=rows.size, first=num(span[0]))
        if regime in ("settled", "catapult", "other"):
            values.update(
                ends=_between(float(np.nanmin(ends)), float(np.nanmax(ends))),
                rise=num(float(np.nanmax(rise))),
            )
        if regime == "other":  # their numbers in the sentence: a projected page has no hover
            limits = 2.0 / result.lrs[rows]
            values.update(limit=_between(float(limits.min()), float(limits.max())))
        lines.append(t(f"edge.say.regime_{regime}", lang, **values))
    if "catapult" in result.regimes:
        lines.append(t("edge.say.window", lang, top=num(result.span("catapult")[1])))
    return lines


def warmup_lines(grid: edge.WarmupGrid, pair: edge.Descent | None, lang: str) -> list[str]:
    """Which peaks only train with warm-up (and the shortest that worked), then the pair's story."""
    critical = 2.0 / grid.lam0
    rescued = np.flatnonzero(grid.rescued())
    if rescued.size == 0:
        return [t("edge.say.none_rescued", lang)]
    listed = ", ".join(
        t("edge.say.rescued_item", lang, m=num(grid.peaks[i] / critical), n=grid.shortest(i)) for i in rescued
    )
    lines = [t("edge.say.rescued", lang, listed=listed)]
    if pair is not None:
        peak, length = float(pair.peaks[0]), int(pair.warmups[1])
        lines.append(
            t(
                "edge.say.pair",
                lang,
                m=num(peak / critical),
                lr=num(peak),
                at=int(pair.diverged_at[0]),
                n=length,
                lam0=num(grid.lam0),
                sharp=num(float(pair.tops[1, length // pair.every])),
                limit=num(2.0 / peak),
                final=num(float(pair.losses[1, -1])),
            )
        )
    return lines
