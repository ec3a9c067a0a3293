"""Every step of every lesson shows what its caption claims: its state run through the core."""

import pytest

from lrviz.app.lessons import claims
from lrviz.app.lessons.catalog import lessons

STEPS = [step for lesson in lessons().values() for step in lesson.steps]


@pytest.mark.parametrize("step", STEPS, ids=[f"{s.lesson}-{s.id}" for s in STEPS])
def test_each_step_shows_its_claim(step):
    assert step.claim, "a step's caption states a claim; its lesson file holds it as data"
    assert not claims.unknown(step)
    assert claims.check(step) == {}
