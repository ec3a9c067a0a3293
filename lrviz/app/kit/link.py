"""A page's config field, declared once: its default, how a link reads it, and when a link shows it.

Every page's ``Config`` is a frozen dataclass. A plain field is declared with one of the
constructors here instead of a bare default::

    steps: int = link.whole(100, 1, MAX_STEPS, always=True)
    view: Literal["map", "3d"] = link.choice("map", ("map", "3d"))

and the rest follows from that one line: :func:`read` takes every declared field from a
query string (a refused value keeps the default and leaves a note), :func:`write` puts them
back (where they differ from the default, or always), and the page kit seeds each one into
the widget keyed by its name (:class:`lrviz.app.kit.state.PageState`). Fields with a
structure of their own (a surface and its formula, hyper-parameters checked at a rate, a
start point) carry no declaration: the page's ``parse`` reads them by hand, after the plain
ones, and :func:`write_params` writes hyper-parameters the same way for every page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection
from typing import Any, NamedTuple

from lrviz.app.kit.query import QueryReader, format_value
from lrviz.i18n import DEFAULT_LANG, parse_lang

_LINK = "lrviz.link"  # the dataclass-field metadata key of a declared field
Reader = Callable[[QueryReader, str, Any], Any]  # (reader, key, default) -> value


class Link(NamedTuple):
    """How one field travels in a link."""

    read: Reader
    always: bool = False  # written even at its default, so the link states it outright
    widget: bool = True  # seeded into the page's widget keyed by the field's name
    key: str | None = None  # the query key, where it is not the field's name
    show: Callable[[Any], str] = format_value  # the value as the link writes it


def _field(default: Any, read: Reader, always: bool, widget: bool, key: str | None,
           show: Callable[[Any], str] = format_value) -> Any:
    return dataclasses.field(default=default, metadata={_LINK: Link(read, always, widget, key, show)})


def choice(default: str, options: Collection[str], *, always: bool = False, widget: bool = True,
           key: str | None = None) -> Any:
    """One of ``options``."""
    return _field(default, lambda r, k, d: r.choice(k, options, d), always, widget, key)


def number(default: float | None, lo: float, hi: float, *, always: bool = False, widget: bool = True,
           key: str | None = None) -> Any:
    """A finite float in ``[lo, hi]``."""
    return _field(default, lambda r, k, d: r.number(k, lo, hi, d), always, widget, key)


def whole(default: int, lo: int, hi: int, *, always: bool = False, widget: bool = True,
          key: str | None = None) -> Any:
    """An integer in ``[lo, hi]``."""
    return _field(default, lambda r, k, d: r.whole(k, lo, hi, d), always, widget, key)


def flag(default: bool, *, always: bool = False, widget: bool = True, key: str | None = None) -> Any:
    """1 or 0."""
    return _field(default, lambda r, k, d: r.flag(k, d), always, widget, key)


def custom(default: Any, read: Callable[[str], Any], *, allowed: str = "", always: bool = False,
           widget: bool = True, key: str | None = None, show: Callable[[Any], str] = format_value) -> Any:
    """A field whose text ``read(text)`` turns into a value, or None to refuse it; ``show`` writes it."""
    return _field(default, lambda r, k, d: r.get(k, read, d, allowed), always, widget, key, show)


def language() -> Any:
    """The page's language: always in the link, never a widget of the page (the kit's switch sets it)."""
    return _field(DEFAULT_LANG, lambda r, k, d: r.get(k, parse_lang, d), True, False, None)


def declared(config_type: type) -> tuple[tuple[str, Link], ...]:
    """The declared fields of a config class, in their order."""
    return tuple((f.name, f.metadata[_LINK]) for f in dataclasses.fields(config_type) if _LINK in f.metadata)


def read(config_type: type, reader: QueryReader, defaults: Any = None) -> dict[str, Any]:
    """Every declared field of ``config_type`` from the reader's query; missing or refused ones
    take their value in ``defaults`` (a config; the class's own defaults when None)."""
    defaults = config_type() if defaults is None else defaults
    return {name: spec.read(reader, spec.key or name, getattr(defaults, name))
            for name, spec in declared(config_type)}


def write(config: Any, defaults: Any = None) -> dict[str, str]:
    """The declared fields of ``config`` as a link holds them: the ``always`` ones, and the others
    where they differ from ``defaults`` (a config; the class's own defaults when None)."""
    defaults = type(config)() if defaults is None else defaults
    query = {}
    for name, spec in declared(type(config)):
        value = getattr(config, name)
        if value is not None and (spec.always or value != getattr(defaults, name)):
            query[spec.key or name] = spec.show(value)
    return query


def write_params(query: dict[str, str], prefix: str, params: tuple[tuple[str, Any], ...]) -> None:
    """Hyper-parameters into ``query`` as ``<prefix>.<name>`` keys (``o.momentum=0.8``)."""
    for name, value in params:
        query[f"{prefix}.{name}"] = format_value(value)


def widget_values(config: Any) -> dict[str, Any]:
    """The declared fields that a widget keyed by the field's name shows, with their values."""
    return {name: getattr(config, name) for name, spec in declared(type(config)) if spec.widget}
