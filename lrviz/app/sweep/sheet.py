"""The sweep page in words, for its offline HTML and its lecture notes (pure): the surface, the
optimizers, the schedule, the steps, the start and the rate range; each optimizer's best rate,
divergence edge and critical rate, as the page's table gives them."""

from __future__ import annotations

from collections.abc import Sequence

from lrviz import optimizers, schedules
from lrviz.app.kit.query import format_value
from lrviz.app.kit.sheet import Sheet
from lrviz.app.playground.sheet import params_text, surface_text
from lrviz.app.playground.verdict import number
from lrviz.app.sweep.compute import RateSweep
from lrviz.app.sweep.state import Config
from lrviz.i18n import t


def settings(config: Config, lang: str) -> tuple[tuple[str, str], ...]:
    """(label, value) for everything the sweep ran."""
    base = config.base
    names = [optimizers.OPTIMIZERS[name].title(lang) for name in config.optimizers]
    names[0] += params_text(base.optimizer_params)  # the primary optimizer's hyper-parameters
    lines = [
        (t("pg.surface", lang), surface_text(base, lang)),
        (t("sweep.optimizers", lang), ", ".join(names)),
        (t("pg.schedule", lang),
         schedules.SCHEDULES[base.schedule].title(lang) + params_text(base.schedule_params)),
        (t("pg.steps", lang), str(base.steps)),
    ]
    if base.start is not None:
        lines.append((t("pg.start", lang), format_value(base.start)))
    lines += [(t("sweep.rates", lang), str(config.rates)),
              (t("sweep.lo", lang), format_value(float(config.lo))),
              (t("sweep.hi", lang), format_value(float(config.hi))),
              (t("sweep.chosen", lang), format_value(float(base.lr)))]
    return tuple(lines)


def critical_text(r: RateSweep, lang: str) -> str:
    """An optimizer's critical rate as the table and the notes write it: "2/λmax = 1"; why there is
    none for an adaptive optimizer or a buffer that coasts on its first step (dampening τ = 1)."""
    if r.limit is None:
        return t("sweep.adaptive", lang)
    if r.limit.coasting:
        return t("sweep.coasting", lang)
    return f"{r.limit.formula} = {number(r.limit.value)}"


def results(shown: Sequence[RateSweep], lang: str, shares: tuple[float, float, float]) -> tuple[str, ...]:
    """One line per optimizer (best rate, divergence edge, critical rate), then the basin map's shares."""
    none = t("sweep.none", lang)
    lines = []
    for r in shown:
        parts = [(t("sweep.col_best", lang), number(r.best_lr) if r.best_lr is not None else none),
                 (t("sweep.col_edge", lang), number(r.edge) if r.edge is not None else none),
                 (t("sweep.col_limit", lang), critical_text(r, lang))]
        lines.append(f"{optimizers.OPTIMIZERS[r.optimizer].title(lang)}: "
                     + "; ".join(f"{label} {value}" for label, value in parts))
    lines.append(basins_text(shares, lang, len(shown)))
    return tuple(lines)


def which_optimizer(count: int, lang: str) -> str:
    """The optimizer the phase picture and the basin map run, out of ``count`` swept: "the first
    optimizer" only where there are several."""
    return t("sweep.first_optimizer" if count > 1 else "sweep.the_optimizer", lang)


def basins_text(shares: tuple[float, float, float], lang: str, count: int = 1) -> str:
    """The basin map's caption: the shares of its starts that diverged, that reached a global
    minimum, that ended in a local one, and the rest (still moving); ``count``: optimizers swept."""
    which = which_optimizer(count, lang)
    diverged, reached, local = shares
    parts = {"diverged": diverged, "reached": reached, "local": local,
             "moving": 1.0 - diverged - reached - local}
    # "0% diverged" says nothing; and shares of a grid's starts leave float dust (1 − 0.3 − 0.7).
    shown = {kind: share for kind, share in parts.items() if share > _NONE}
    if len(shown) == 1:
        (kind,) = shown
        return t("sweep.basins_caption", lang, which=which, shares=t(f"sweep.basins_every_{kind}", lang))
    *first, last = shown
    said = [t(f"sweep.basins_part_{kind}", lang, share=_percent(shown[kind])) for kind in first]
    listed = t("sweep.basins_and", lang).join(
        [", ".join(said), t(f"sweep.basins_last_{last}", lang, share=_percent(shown[last]))])
    return t("sweep.basins_caption", lang, which=which, shares=t("sweep.basins_shares", lang, listed=listed))


_NONE = 1e-9  # a share below this is no start (a grid has at most a few thousand)


def _percent(share: float) -> str:
    """A share as a whole percent, "<1" for one that rounds to none, ">99" to all."""
    return "<1" if share < 0.005 else ">99" if share > 0.995 else f"{round(100 * share)}"


def sheet(config: Config, shown: Sequence[RateSweep], shares: tuple[float, float, float], link: str) -> Sheet:
    lang = config.base.lang
    return Sheet(t("sweep.title", lang), settings(config, lang), results(shown, lang, shares), link, lang)
