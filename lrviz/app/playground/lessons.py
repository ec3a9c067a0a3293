"""A lesson in links: playground demos a lecturer opens one after another.

Each :class:`Lesson` is a playground config and the outcome its run shows; the home page lists
them as links (:func:`lrviz.app.playground.state.to_query`), and the tests hold every lesson to its
outcome, so a change to a surface or a default cannot quietly turn "too large" into "fine".
The order tells the story: too small, good, zig-zag, too large, then the traps of a bumpier
surface (a local minimum, and a larger rate that escapes it), a saddle that stalls the run, and a
valley of minima where a rate above 2/λ lands on a flatter point (the catapult).
"""

from __future__ import annotations

from typing import NamedTuple

from lrviz.app.playground.state import Config
from lrviz.engine.diagnostics import Status

__all__ = ["LESSONS", "Lesson"]


class Lesson(NamedTuple):
    key: str  # its title in the locale files is home.lesson_<key>, what it shows home.lesson_<key>_what
    config: Config
    status: Status  # what the run does


LESSONS = (
    # f = x², λ = 2: 2/λ = 1 divides converging from diverging, 1/λ = 0.5 straight from zig-zag.
    Lesson("too_small", Config(surface="quadratic", lr=0.001), "slow"),
    Lesson("good", Config(surface="quadratic", lr=0.3), "converged"),
    Lesson("zigzag", Config(surface="quadratic", lr=0.9), "converged"),
    Lesson("too_large", Config(surface="quadratic", lr=1.05), "diverged"),
    # The double well from x = 1.8: a small rate settles in the shallow valley, a larger one
    # overshoots it into the deeper one.
    Lesson("local", Config(surface="double_well", lr=0.1), "stuck_local"),
    Lesson("escape", Config(surface="double_well", lr=0.15), "converged"),
    # A saddle at the origin between two valleys: the run creeps past it before it rolls off.
    Lesson("saddle", Config(surface="saddle", lr=0.1), "converged"),
    # The catapult valley from (2.8, 0.4), λ₀ ≈ 8.04: η = 0.35 > 2/λ₀ throws the point out, then
    # lands it where the valley's sharpness is about 2.7 (tests/app/playground/test_lessons.py).
    Lesson("catapult", Config(surface="catapult", lr=0.35), "converged"),
)
