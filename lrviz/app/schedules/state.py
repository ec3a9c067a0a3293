"""The Schedules page's link: its state as a typed config, to and from the URL query string.

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
from lrviz.app.kit.query import Note, QueryReader, format_value
from lrviz.app.schedules.guide import ENTRIES, Entry
from lrviz.i18n import DEFAULT_LANG, Lang, parse_lang

LR_RANGE = (1e-4, 10.0)
MIN_STEPS, MAX_STEPS = 10, 1000
DEFAULT_OPEN = "cosine"
DEFAULT_OVERLAY = ("step", "cosine", "warmup_cosine", "onecycle_cos")
MAX_OVERLAY = 8


@dataclass(frozen=True)
class SchedulesConfig:
    open: str = DEFAULT_OPEN
    params: tuple[tuple[str, Any], ...] = ()  # differences from the card's preset
    lr: float = ENTRIES[DEFAULT_OPEN].demo.lr
    steps: int = ENTRIES[DEFAULT_OPEN].demo.steps
    surface: str = ENTRIES[DEFAULT_OPEN].demo.surface
    optimizer: str = ENTRIES[DEFAULT_OPEN].demo.optimizer
    optimizer_params: tuple[tuple[str, Any], ...] = ()
    overlay: tuple[str, ...] = DEFAULT_OVERLAY
    big: bool = False
    lang: Lang = DEFAULT_LANG
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


def preset(key: str, lang: Lang = DEFAULT_LANG,
           overlay: tuple[str, ...] = DEFAULT_OVERLAY) -> SchedulesConfig:
    """The config a gallery card opens with."""
    demo = ENTRIES[key].demo
    return SchedulesConfig(open=key, lr=demo.lr, steps=demo.steps, surface=demo.surface,
                           optimizer=demo.optimizer, overlay=overlay, lang=lang)


def _cards(text: str) -> tuple[str, ...] | None:
    if text.strip().lower() == "none":
        return ()
    keys = tuple(k for k in text.replace(" ", "").split(",") if k)
    if not keys or len(keys) > MAX_OVERLAY or any(k not in ENTRIES for k in keys):
        return None
    return tuple(dict.fromkeys(keys))


def parse_schedules(query: Mapping[str, str]) -> SchedulesConfig:
    """The config a query string describes; bad values fall back with a note, never raise."""
    read = QueryReader(query)
    lang = read.get("lang", parse_lang, DEFAULT_LANG)
    base = preset(read.choice("open", ENTRIES, DEFAULT_OPEN), lang)
    optimizer = read.choice("optimizer", optimizers.OPTIMIZERS, base.optimizer)
    lr = read.number("lr", *LR_RANGE, base.lr)
    config = replace(
        base,
        params=read.params("s", schedules.SCHEDULES[base.schedule], lr, on_top_of=dict(base.entry.params)),
        lr=lr,
        steps=read.whole("steps", MIN_STEPS, MAX_STEPS, base.steps),
        surface=read.choice("surface", surfaces.SURFACES, base.surface),
        optimizer=optimizer,
        optimizer_params=read.params("o", optimizers.OPTIMIZERS[optimizer], lr),
        overlay=read.get("overlay", _cards, DEFAULT_OVERLAY),
        big=read.flag("big", False),
    )
    return replace(config, notes=tuple(read.notes))


def changes(spec_defaults: Mapping[str, Any], preset_params: Mapping[str, Any],
            resolved: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """The resolved parameters that differ from the card's preset (what a link must carry)."""
    base = {**spec_defaults, **preset_params}
    return tuple((name, value) for name, value in resolved.items() if value != base.get(name))


def schedules_query(config: SchedulesConfig) -> dict[str, str]:
    """The query string for ``config``: the card, what differs from its preset, and ``lang``."""
    query: dict[str, str] = {"lang": config.lang, "open": config.open}
    card = preset(config.open)
    for name in ("lr", "steps", "surface", "optimizer"):
        value = getattr(config, name)
        if value != getattr(card, name):
            query[name] = format_value(value)
    if config.overlay != DEFAULT_OVERLAY:
        query["overlay"] = ",".join(config.overlay) or "none"
    if config.big:
        query["big"] = format_value(True)
    for prefix, params in (("s", config.params), ("o", config.optimizer_params)):
        for name, value in params:
            query[f"{prefix}.{name}"] = format_value(value)
    return query
