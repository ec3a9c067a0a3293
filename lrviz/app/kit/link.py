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
from collections.abc import Callable, Collection, Mapping
from typing import Any, NamedTuple

from lrviz.app.kit.query import QueryReader, format_value
from lrviz.i18n import DEFAULT_LANG, Key, parse_lang

_LINK = "lrviz.link"  # the dataclass-field metadata key of a declared field
Reader = Callable[[QueryReader, str, Any], Any]  # (reader, key, default) -> value


class Link(NamedTuple):
    """How one field travels in a link."""

    read: Reader
    always: bool = False  # written even at its default, so the link states it outright
    widget: bool = True  # seeded into the page's widget keyed by the field's name
    key: str | None = None  # the query key, where it is not the field's name
    show: Callable[[Any], str] = format_value  # the value as the link writes it
    bounds: tuple[float, float] | None = None  # a number's range, for its widget too
    cast: Callable[[Any], Any] | None = None  # a widget's value as the field holds it (int, float, bool)


def _field(default: Any, read: Reader, always: bool, widget: bool, key: str | None,
           show: Callable[[Any], str] = format_value, bounds: tuple[float, float] | None = None,
           cast: Callable[[Any], Any] | None = None) -> Any:
    return dataclasses.field(default=default,
                             metadata={_LINK: Link(read, always, widget, key, show, bounds, cast)})


def choice(default: str, options: Collection[str], *, always: bool = False, widget: bool = True,
           key: str | None = None, name: Callable[[str], Key | str] | None = None) -> Any:
    """One of ``options``; ``name(option)``: the words its widget shows, which a refused value's note
    uses for the default (else the note shows the id)."""
    return _field(default, lambda r, k, d: r.choice(k, options, d, name), always, widget, key)


def entry(default: str, registry: Mapping[str, Any], *, options: Collection[str] | None = None,
          always: bool = False) -> Any:
    """One entry of a registry (surfaces, optimizers, schedules, data sets), or of ``options``; a
    refused value's note names the default by its title, as the page's menu does (a default that is
    no entry, as a test may give, by itself)."""
    return choice(default, registry if options is None else options, always=always,
                  name=lambda option: registry[option].title if option in registry else option)


def labelled(prefix: str) -> Callable[[str], Key]:
    """A choice's ``name`` where its widget labels each option ``<prefix><option>`` (``"pg.view_"``)."""
    return lambda option: Key(f"{prefix}{option}")


def number(default: float | None, lo: float, hi: float, *, always: bool = False, widget: bool = True,
           key: str | None = None) -> Any:
    """A finite float in ``[lo, hi]``."""
    return _field(default, lambda r, k, d: r.number(k, lo, hi, d), always, widget, key, bounds=(lo, hi),
                  cast=float)


def whole(default: int, lo: int, hi: int, *, always: bool = False, widget: bool = True,
          key: str | None = None) -> Any:
    """An integer in ``[lo, hi]``."""
    return _field(default, lambda r, k, d: r.whole(k, lo, hi, d), always, widget, key, bounds=(lo, hi),
                  cast=int)


def flag(default: bool, *, always: bool = False, widget: bool = True, key: str | None = None) -> Any:
    """1 or 0."""
    return _field(default, lambda r, k, d: r.flag(k, d), always, widget, key, cast=bool)


def custom(default: Any, read: Callable[[str], Any], *, allowed: str = "", always: bool = False,
           widget: bool = True, key: str | None = None, show: Callable[[Any], str] = format_value,
           bounds: tuple[float, float] | None = None, cast: Callable[[Any], Any] | None = None,
           name: Callable[[Any], Any] | None = None) -> Any:
    """A field whose text ``read(text)`` turns into a value, or None to refuse it; ``show`` writes it;
    ``bounds`` and ``cast`` as for a number, where its widget is one; ``name`` as for a choice."""
    return _field(default, lambda r, k, d: r.get(k, read, d, allowed, name), always, widget, key, show,
                  bounds, cast)


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


def bounds(config_type: type, name: str) -> tuple[float, float]:
    """The range a declared number field accepts (its widget's min and max)."""
    spec = dict(declared(config_type))[name]
    if spec.bounds is None:
        raise ValueError(f"`{name}` of {config_type.__name__} is not a declared number.")
    return spec.bounds


def from_widgets(config_type: type, value_of: Callable[[str], Any], **given: Any) -> Any:
    """A config whose declared widget fields take ``value_of(name)`` (the widget's value, cast to
    the field's type; None, an unset widget, keeps the default) and whose other fields take
    ``given`` or their defaults."""
    values = {}
    for name, spec in declared(config_type):
        if spec.widget and name not in given and (value := value_of(name)) is not None:
            values[name] = spec.cast(value) if spec.cast is not None else value
    return config_type(**values, **given)


def widget_values(config: Any) -> dict[str, Any]:
    """The declared fields that a widget keyed by the field's name shows, with their values."""
    return {name: getattr(config, name) for name, spec in declared(type(config)) if spec.widget}
