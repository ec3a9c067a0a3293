"""The playground in words, for its link, its offline HTML and its lecture notes (pure).

:func:`settings` lists what the run is (surface, optimizer and its hyper-parameters, rate,
schedule and its hyper-parameters, steps, start, noise, clipping, seed, the step shown);
:func:`sheet` adds the title, the verdict and the link (:class:`lrviz.app.kit.sheet.Sheet`).
"""

from __future__ import annotations

from typing import Any

from lrviz import optimizers, schedules, surfaces
from lrviz.app.kit.query import format_value
from lrviz.app.kit.sheet import Sheet
from lrviz.app.playground.state import CUSTOM, Config
from lrviz.app.playground.verdict import Verdict
from lrviz.i18n import t


def params_text(params: tuple[tuple[str, Any], ...]) -> str:
    """`` (momentum = 0.8, nesterov = 1)`` for hyper-parameters that differ from the defaults."""
    if not params:
        return ""
    return " (" + ", ".join(f"{name} = {format_value(value)}" for name, value in params) + ")"


def surface_text(config: Config, lang: str) -> str:
    """The surface's name, or ``f(x) = <formula>`` for one typed in."""
    if config.surface == CUSTOM:
        return f"f({'x, y' if config.dim == 2 else 'x'}) = {config.formula}"
    return surfaces.SURFACES[config.surface].title(lang)


def settings(config: Config, lang: str) -> tuple[tuple[str, str], ...]:
    """(label, value) for every setting of the run, in ``lang``."""
    lines = [
        (t("pg.surface", lang), surface_text(config, lang)),
        (t("pg.optimizer", lang),
         optimizers.OPTIMIZERS[config.optimizer].title(lang) + params_text(config.optimizer_params)),
        (t("share.lr", lang), format_value(float(config.lr))),
        (t("pg.schedule", lang),
         schedules.SCHEDULES[config.schedule].title(lang) + params_text(config.schedule_params)),
        (t("pg.steps", lang), str(config.steps)),
    ]
    if config.start is not None:
        lines.append((t("pg.start", lang), format_value(config.start)))
    if config.noise:
        lines += [(t("pg.noise", lang), format_value(float(config.noise))),
                  (t("pg.seed", lang), str(config.seed))]
    lines.append((t("pg.clip", lang), format_value(float(config.clip)) if config.clip is not None
                  else t("share.clip_off", lang)))
    if config.frame:
        lines.append((t("share.frame", lang), str(config.frame)))
    return tuple(lines)


def sheet(config: Config, said: Verdict, link: str) -> Sheet:
    """The playground's sheet: its title, the run's settings, the verdict and the link."""
    lang = config.lang
    return Sheet(t("pg.title", lang), settings(config, lang), (said.headline, said.detail), link, lang)
