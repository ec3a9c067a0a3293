"""The Schedules page's state: a typed config, to and from the URL query string.

Keys (all optional; a malformed value falls back to its default with a note):

- ``open``: the gallery card shown in full (:data:`lrviz.app.schedules.guide.ENTRIES`,
  e.g. ``cosine``, ``cyclic_triangular2``, ``onecycle_linear``); default ``cosine``.
  A card fixes the schedule and its preset parameters (cyclic's ``mode``,
  one-cycle's ``anneal_strategy``); the card's :class:`~lrviz.app.schedules.guide.Demo`
  gives the defaults of ``lr``, ``steps``, ``surface`` and ``optimizer``.
- ``s.<name>``: a parameter of the open schedule, where it differs from the
  card's preset (e.g. ``s.T_max=50``, ``s.mode=exp_range``).
- ``lr``: the starting (base) rate; ``steps``: the horizon (updates) of the
  curves, the demo runs and the exported code.
- ``surface``, ``optimizer``, ``o.<name>``: the with/without demo.
- ``overlay``: comma-separated card keys drawn together (``none`` for no card).
- ``big``: presentation mode (1/0).
- ``lang``: ``en`` | ``ko``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from lrviz import optimizers, schedules, surfaces
from lrviz.app.kit import link
from lrviz.app.kit.query import Note, QueryReader, items
from lrviz.app.kit.rates import LR_RANGE
from lrviz.app.schedules.guide import ENTRIES, Entry
from lrviz.i18n import DEFAULT_LANG, Lang

MIN_STEPS, MAX_STEPS = 10, 1000
DEFAULT_OPEN = "cosine"
DEFAULT_OVERLAY = ("step", "cosine", "warmup_cosine", "onecycle_cos")
MAX_OVERLAY = 8


def _cards(text: str) -> tuple[str, ...] | None:
    if text.strip().lower() == "none":
        return ()
    keys = tuple(items(text))
    if not keys or len(keys) > MAX_OVERLAY or any(k not in ENTRIES for k in keys):
        return None
    return tuple(dict.fromkeys(keys))


@dataclass(frozen=True)
class Config:
    """What the page shows. The declared fields' defaults are the open card's (:func:`preset`);
    the card and the hyper-parameters are read by :func:`parse`."""

    open: str = DEFAULT_OPEN
    params: tuple[tuple[str, Any], ...] = ()  # differences from the card's preset
    lr: float = link.number(ENTRIES[DEFAULT_OPEN].demo.lr, *LR_RANGE)
    steps: int = link.whole(ENTRIES[DEFAULT_OPEN].demo.steps, MIN_STEPS, MAX_STEPS)
    surface: str = link.entry(ENTRIES[DEFAULT_OPEN].demo.surface, surfaces.SURFACES)
    optimizer: str = link.entry(ENTRIES[DEFAULT_OPEN].demo.optimizer, optimizers.OPTIMIZERS)
    optimizer_params: tuple[tuple[str, Any], ...] = ()
    overlay: tuple[str, ...] = link.custom(DEFAULT_OVERLAY, _cards, show=lambda k: ",".join(k) or "none")
    big: bool = link.flag(False)
    lang: Lang = link.language()
    notes: tuple[Note, ...] = field(default=(), compare=False)

    @property
    def entry(self) -> Entry:
        return ENTRIES[self.open]

    @property
    def schedule(self) -> str:
        return self.entry.schedule

    def schedule_params(self) -> dict[str, Any]:
        """The card's preset with this config's changes on top (not yet resolved)."""
        return {**dict(self.entry.params), **dict(self.params)}


DEFAULT = Config()


def preset(key: str, lang: Lang = DEFAULT_LANG,
           overlay: tuple[str, ...] = DEFAULT_OVERLAY) -> Config:
    """The config a gallery card opens with."""
    demo = ENTRIES[key].demo
    return Config(open=key, lr=demo.lr, steps=demo.steps, surface=demo.surface, optimizer=demo.optimizer,
                  overlay=overlay, lang=lang)


def parse(query: Mapping[str, str]) -> Config:
    """The config a query string describes; bad values fall back with a note, never raise."""
    read = QueryReader(query)
    card = preset(read.choice("open", ENTRIES, DEFAULT_OPEN))
    config = replace(card, **link.read(Config, read, card))
    config = replace(
        config,
        params=read.params("s", schedules.SCHEDULES[card.schedule], config.lr,
                           on_top_of=dict(card.entry.params)),
        optimizer_params=read.params("o", optimizers.OPTIMIZERS[config.optimizer], config.lr),
    )
    return replace(config, notes=tuple(read.notes))


def changes(spec_defaults: Mapping[str, Any], preset_params: Mapping[str, Any],
            resolved: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """The resolved parameters that differ from the card's preset (what a link must carry)."""
    base = {**spec_defaults, **preset_params}
    return tuple((name, value) for name, value in resolved.items() if value != base.get(name))


def to_query(config: Config) -> dict[str, str]:
    """The query string for ``config``: the card, what differs from its preset, and ``lang``."""
    query = {"open": config.open, **link.write(config, preset(config.open))}
    link.write_params(query, "s", config.params)
    link.write_params(query, "o", config.optimizer_params)
    return query
