"""The compare page in words, for its offline HTML and its lecture notes (pure): the surface, the
steps, the start and each run's settings; each run's verdict (the playground's sentences)."""

from __future__ import annotations

from collections.abc import Sequence

from lrviz import surfaces
from lrviz.app.compare import compute as comparison
from lrviz.app.compare.state import Config
from lrviz.app.kit.query import format_value
from lrviz.app.kit.sheet import Sheet
from lrviz.app.playground import verdict
from lrviz.app.playground.sheet import params_text
from lrviz.engine import Trajectory
from lrviz.i18n import t


def settings(config: Config, lang: str) -> tuple[tuple[str, str], ...]:
    """(label, value) for the surface, the steps, the start and every run."""
    surface = surfaces.SURFACES[config.surface]
    lines = [(t("compare.surface", lang), surface.title(lang)), (t("compare.steps", lang), str(config.steps))]
    if config.start is not None:
        lines.append((t("compare.start", lang), format_value(config.start)))
    for i, row in enumerate(config.rows):
        lines.append((t("share.run", lang, index=i + 1),
                      row.label(lang) + params_text(row.optimizer_params) + params_text(row.schedule_params)))
    return tuple(lines)


def verdicts(config: Config, runs: Sequence[Trajectory], lang: str) -> tuple[str, ...]:
    """One line per run: its label, then the verdict's headline and explanation."""
    surface = surfaces.SURFACES[config.surface]
    lines = []
    for i, (row, run) in enumerate(zip(config.rows, runs, strict=True)):
        said = verdict.verdict(run, surface, lang, comparison.limit_of(row, run.curvature, surface))
        lines.append(f"{i + 1}. {row.label(lang)}: {said.headline} {said.detail}")
    return tuple(lines)


def sheet(config: Config, runs: Sequence[Trajectory], link: str) -> Sheet:
    lang = config.lang
    return Sheet(t("compare.title", lang), settings(config, lang), verdicts(config, runs, lang), link, lang)
