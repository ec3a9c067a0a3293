"""The lessons page's state: which lesson, which step, presentation mode; to and from the link.

Keys: ``lesson`` (a lesson id, :func:`lrviz.app.lessons.catalog.lessons`; without it the page lists
the lessons), ``step`` (1 … the lesson's number of steps), ``big`` (presentation mode, 1/0) and
``lang``. A lesson that does not exist falls back to the list, a step the lesson does not have to
its first step, each with a note. The address bar is the state: every move writes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from lrviz.app.kit import link
from lrviz.app.kit.query import Note, QueryReader
from lrviz.app.lessons.catalog import lessons
from lrviz.i18n import Lang

MAX_STEPS = 99


def _lesson(text: str) -> str | None:
    return text if text in lessons() else None


@dataclass(frozen=True)
class Config:
    lesson: str | None = link.custom(None, _lesson, widget=False)
    step: int = link.whole(1, 1, MAX_STEPS, widget=False)
    big: bool = link.flag(False, widget=False)
    lang: Lang = link.language()
    notes: tuple[Note, ...] = field(default=(), compare=False)

    @property
    def index(self) -> int:
        """The step's place in its lesson, from 0."""
        return self.step - 1


DEFAULT = Config()


def parse(query: Mapping[str, str]) -> Config:
    """The lessons page's config a query string describes; bad values fall back with a note."""
    read = QueryReader(query)
    config = Config(**link.read(Config, read))
    if config.lesson is None:
        config = replace(config, step=1)
    elif config.step > len(lessons()[config.lesson].steps):
        read.note("step", str(query.get("step", "")), 1, f"1–{len(lessons()[config.lesson].steps)}")
        config = replace(config, step=1)
    return replace(config, notes=tuple(read.notes))


def to_query(config: Config) -> dict[str, str]:
    """The link of what is on screen: the lesson and its step (when one is open), big, lang."""
    query = {"lesson": config.lesson, "step": str(config.step)} if config.lesson else {}
    if config.big:
        query["big"] = "1"
    return {**query, "lang": config.lang}
