"""Every lesson link on the home page shows what its title promises."""

import pytest

from lrviz import engine
from lrviz.app.playground import state as links
from lrviz.app.playground.lessons import LESSONS
from lrviz.app.playground.verdict import SADDLE_STAY
from lrviz.engine import diagnostics
from lrviz.i18n import t


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.key for lesson in LESSONS])
def test_each_lesson_run_ends_as_its_title_says(lesson):
    config = lesson.config
    surface = links.surface_of(config)
    run = engine.run(surface, config.optimizer, lr=config.lr, steps=config.steps)
    assert run.status == lesson.status
    for text in (f"home.lesson_{lesson.key}", f"home.lesson_{lesson.key}_what"):
        assert t(text, "en") != t(text, "ko")
    limit = diagnostics.stability_limit(config.optimizer, {}, run.curvature.lam_min)
    if lesson.key == "zigzag":  # between 1/λ and 2/λ: the steps change sign, the run still converges
        assert limit.value / 2 < config.lr < limit.value and run.points[1, 0] < 0 < run.points[0, 0]
    if lesson.key == "too_large":
        assert config.lr > limit.value
    if lesson.key == "escape":  # the deep valley, not the one nearest the start
        assert run.points[-1, 0] < 0 < surface.start[0]
    if lesson.key == "saddle":
        visit = diagnostics.saddle_visit(surface, run.points)
        assert visit is not None and visit[0] >= SADDLE_STAY

    if lesson.key == "catapult":  # above 2/λ₀ at the start; the loss climbs, then it lands flatter
        lam_start = diagnostics.lam_max(surface, surface.start)
        lam_end = diagnostics.lam_max(surface, run.points[-1])
        assert config.lr > 2 / lam_start and run.losses.max() > run.losses[0] > run.losses[-1]
        assert lam_end < lam_start / 2.9 and lam_end < 2 / config.lr  # "three times flatter"
