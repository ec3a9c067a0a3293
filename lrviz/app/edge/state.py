"""The /edge page's state as a typed config, to and from the URL query string.

Keys (every one optional; a missing key takes its default, a malformed one its default with a
visible note, see :class:`lrviz.app.kit.query.QueryReader`):

``view`` (``eos`` | ``adam`` | ``catapult`` | ``warmup``): the section shown;
edge of stability: ``lrs`` (1–5 comma-separated rates, 0.01–1) and ``steps`` (100–2000 updates,
a multiple of 100); Adam: ``adam_lrs`` (1–5 rates, 0.0001–0.05), ``beta1`` (0–0.99) and
``adam_steps``; catapult: ``lo`` and ``hi`` (the rates swept, as multiples of 2/λ₀, 0.1–5,
``lo < hi``) and ``runs`` (4–32, evenly spaced); warm-up: ``peaks`` (1–8 peak rates as multiples
of 2/λ₀, 0.1–20), ``lengths`` (1–8 warm-up lengths in updates, 0–950)
and ``decay`` (``constant`` | ``cosine``: what follows the warm-up); ``big`` (presentation mode,
1/0); ``lang``.

Lists are read sorted, each value once. A rule across keys (:func:`problems`): ``lo < hi``; a link
that breaks it has both keys fall back, each with a note.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from lrviz.app.kit import link
from lrviz.app.kit.query import MAX_SHOWN, Note, QueryReader, format_value, items, span, whole
from lrviz.app.kit.query import number as read_number
from lrviz.i18n import Lang
from lrviz.nn import edge

View = Literal["eos", "adam", "catapult", "warmup"]
VIEWS: tuple[View, ...] = ("eos", "adam", "catapult", "warmup")
Decay = Literal["constant", "cosine"]
DECAYS: tuple[Decay, ...] = ("constant", "cosine")
LR = (0.01, 1.0)  # gradient descent on the narrow network (2/λ₀ ≈ 0.77)
ADAM_LR = (1e-4, 0.05)
STEPS = (100, 2000)
STEP_UNIT = 100  # updates come in hundreds (the runs train in pieces of 50)
MAX_RATES = 5
MULTIPLE = (0.1, 5.0)  # the catapult's sweep, × 2/λ₀
RUNS = (4, 32)
PEAK = (0.1, 20.0)  # warm-up peaks, × 2/λ₀
WARMUP_STEPS = 1000  # every warm-up run's length
LENGTH = (0, 950)
MAX_PEAKS = MAX_LENGTHS = 8  # so at most 64 warm-up runs, what lrviz.nn.edge.warmup_grid trains at once


def _list(read: Callable[[str], Any], most: int) -> Callable[[str], tuple | None]:
    """A reader of 1 to ``most`` comma-separated values, each taken by ``read``; sorted, each once."""

    def parse(text: str) -> tuple | None:
        values = [read(p) for p in items(text)]
        if not 1 <= len(values) <= most or any(v is None for v in values):
            return None
        unique = sorted(set(values))
        return tuple(unique) if len(unique) <= most else None

    return parse


def _rates(lo: float, hi: float, most: int) -> Callable[[str], tuple[float, ...] | None]:
    return _list(lambda p: read_number(p, lo, hi), most)


def _hundreds(text: str) -> int | None:
    value = whole(text, *STEPS)
    return value if value is not None and value % STEP_UNIT == 0 else None


_LENGTHS = _list(lambda p: whole(p, *LENGTH), MAX_LENGTHS)
# The fields typed as comma-separated lists: how each is read, its range and how many values it takes.
LISTS: dict[str, tuple[Callable[[str], tuple | None], tuple[float, float], int]] = {
    "lrs": (_rates(*LR, MAX_RATES), LR, MAX_RATES),
    "adam_lrs": (_rates(*ADAM_LR, MAX_RATES), ADAM_LR, MAX_RATES),
    "peaks": (_rates(*PEAK, MAX_PEAKS), PEAK, MAX_PEAKS),
    "lengths": (_LENGTHS, LENGTH, MAX_LENGTHS),
}


@dataclass(frozen=True)
class Config:
    """What the page shows. Every field is always in the link, so a link survives a change of defaults."""

    view: View = link.choice("eos", VIEWS, always=True, name=link.labelled("edge.view_"))
    lrs: tuple[float, ...] = link.custom(
        edge.EOS_LRS, LISTS["lrs"][0], allowed=span(*LR), always=True, widget=False
    )
    steps: int = link.custom(1000, _hundreds, always=True, bounds=STEPS, cast=int)
    adam_lrs: tuple[float, ...] = link.custom(
        edge.ADAM_LRS, LISTS["adam_lrs"][0], allowed=span(*ADAM_LR), always=True, widget=False
    )
    beta1: float = link.number(0.9, 0.0, 0.99, always=True)
    adam_steps: int = link.custom(1000, _hundreds, always=True, bounds=STEPS, cast=int)
    lo: float = link.number(0.5, *MULTIPLE, always=True)
    hi: float = link.number(2.0, *MULTIPLE, always=True)
    runs: int = link.whole(16, *RUNS, always=True)
    peaks: tuple[float, ...] = link.custom(
        edge.PEAKS, LISTS["peaks"][0], allowed=span(*PEAK), always=True, widget=False
    )
    lengths: tuple[int, ...] = link.custom(
        edge.LENGTHS, LISTS["lengths"][0], allowed=span(*LENGTH), always=True, widget=False
    )
    decay: Decay = link.choice("constant", DECAYS, always=True, name=link.labelled("edge.decay_"))
    big: bool = link.flag(False, always=True)
    lang: Lang = link.language()
    notes: tuple[Note, ...] = field(default=(), compare=False)

    @property
    def multiples(self) -> tuple[float, ...]:
        """The catapult's rates as multiples of 2/λ₀: ``runs`` evenly spaced from ``lo`` to ``hi``."""
        step = (self.hi - self.lo) / (self.runs - 1)
        return tuple(round(self.lo + i * step, 4) for i in range(self.runs))


DEFAULT = Config()


def parse(query: Mapping[str, str]) -> Config:
    """The config a query string describes; bad values fall back with a note, never raise."""
    read = QueryReader(query)
    config = Config(**link.read(Config, read))
    disagree = []
    if not config.lo < config.hi:  # not a range: both keys the link gave fall back, each with a note
        for key in ("lo", "hi"):
            if key in query:
                given = str(query[key])[:MAX_SHOWN]
                disagree.append(Note(key, given, format_value(getattr(DEFAULT, key)), "lo < hi"))
        config = replace(config, lo=DEFAULT.lo, hi=DEFAULT.hi)
    return replace(config, notes=(*read.notes, *disagree))


def problems(config: Config) -> list[tuple[str, dict[str, Any]]]:
    """Rules that the config breaks (across keys, and the updates in hundreds, which a number
    widget cannot hold to), as (string key, values) for ``lrviz.i18n.t``."""
    out = []
    for name in ("steps", "adam_steps"):
        if getattr(config, name) % STEP_UNIT:
            out.append(("edge.error.steps", dict(steps=getattr(config, name), unit=STEP_UNIT)))
    if not config.lo < config.hi:
        out.append(("edge.error.range", dict(lo=format_value(config.lo), hi=format_value(config.hi))))
    return out


def to_query(config: Config) -> dict[str, str]:
    """The query string for ``config``: every key."""
    return link.write(config)
