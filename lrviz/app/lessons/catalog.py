"""The lessons, read from their files (pure: no streamlit).

A lesson is one TOML file, ``assets/lessons/<id>.toml``, holding its structure only::

    order = 1                                   # its place in the list
    [[step]]
    id = "too_large"                            # names its caption
    page = "playground"                         # playground | compare | sweep | schedules | lr-finder
    link = { surface = "quadratic", lr = 1.05 } # that page's link (query parameters)
    claim = { status = "diverged" }             # what the step shows (lrviz.app.lessons.claims)

Every word lives with the app's other words (one translation system): the lesson's ``title`` and
``summary``, each step's caption and its name in the step list are ``lessons.<lesson>.title``,
``lessons.<lesson>.summary``, ``lessons.<lesson>.<step id>`` and ``lessons.<lesson>.names.<step id>`` in
``assets/locales/<lang>/lessons.toml``. ``tests/app/lessons/test_catalog.py`` checks every file against
this schema: every link parses without a note with its page's own ``parse``, every caption and name
exists in both languages, every claim is a known kind.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lrviz.app.compare import state as compare
from lrviz.app.finder import state as finder
from lrviz.app.kit.query import format_value
from lrviz.app.playground import state as playground
from lrviz.app.schedules import state as schedules
from lrviz.app.sweep import state as sweep
from lrviz.i18n import LOCALES, Lang, t

FOLDER = LOCALES.parent / "lessons"

# A step's page, as DESIGN.md names its path, and the parse of its link.
PARSE: dict[str, Callable[[Mapping[str, str]], Any]] = {
    "playground": playground.parse,
    "compare": compare.parse,
    "sweep": sweep.parse,
    "schedules": schedules.parse,
    "lr-finder": finder.parse,
}


@dataclass(frozen=True)
class Step:
    """One step: a page, its link, and the claim its caption makes."""

    lesson: str
    id: str
    page: str
    link: tuple[tuple[str, str], ...]  # the page's query parameters, as a link writes them
    claim: tuple[tuple[str, Any], ...]

    def caption(self, lang: Lang) -> str:
        return t(f"lessons.{self.lesson}.{self.id}", lang)

    def name(self, lang: Lang) -> str:
        """A few words for the step list (the caption is the step's whole claim)."""
        return t(f"lessons.{self.lesson}.names.{self.id}", lang)

    def query(self, lang: Lang, big: bool = False) -> dict[str, str]:
        """The page's link for this step, in ``lang``, in presentation mode when ``big``."""
        return {**dict(self.link), "lang": lang, **({"big": "1"} if big else {})}

    def config(self, lang: Lang, big: bool = False) -> Any:
        """The page's config for this step (its page's own ``parse``)."""
        return PARSE[self.page](self.query(lang, big))


@dataclass(frozen=True)
class Lesson:
    id: str
    order: int
    steps: tuple[Step, ...]

    def title(self, lang: Lang) -> str:
        return t(f"lessons.{self.id}.title", lang)

    def summary(self, lang: Lang) -> str:
        return t(f"lessons.{self.id}.summary", lang)


def _text(value: Any) -> str:
    return format_value(value) if isinstance(value, bool | float) else str(value)


def read(path: Path) -> Lesson:
    """One lesson file. Raises ``ValueError`` naming the file for a file that breaks the schema."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    lesson = path.stem
    try:
        steps = tuple(
            Step(lesson, str(s["id"]), str(s["page"]),
                 tuple((str(k), _text(v)) for k, v in s["link"].items()),
                 tuple(s.get("claim", {}).items()))
            for s in data["step"])
        order = int(data["order"])
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"{path.name}: needs `order` and steps with `id`, `page`, `link`") from error
    if unknown := {s.page for s in steps} - PARSE.keys():
        raise ValueError(f"{path.name}: unknown page(s) {sorted(unknown)}; pages: {sorted(PARSE)}")
    return Lesson(lesson, order, steps)


@functools.cache
def lessons() -> dict[str, Lesson]:
    """Every lesson, in its order."""
    found = [read(p) for p in FOLDER.glob("*.toml")]
    return {lesson.id: lesson for lesson in sorted(found, key=lambda x: (x.order, x.id))}
