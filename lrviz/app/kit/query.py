"""Typed values from a URL query string, for every page's shareable link.

A link is read by a :class:`QueryReader`: each method takes a key, how to read
it and a default. A missing key gives the default quietly; a malformed one
gives the default too and leaves a :class:`Note` that the page shows in the
student's language, so reading a link never raises. :func:`format_value`
writes values back in the form the reader reads.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from typing import Any, NamedTuple, TypeVar

from lrviz.i18n import Key
from lrviz.params import Spec

T = TypeVar("T")
MAX_SHOWN = 60  # characters of a bad value that a note repeats


class Note(NamedTuple):
    """A URL value that could not be used: shown to the user, never raised."""

    key: str
    value: str
    # What is shown instead: a value as the link writes it, or its name in the student's language (a Key,
    # or several); None: the page's own default, which has no value to show (e.g. a surface's start).
    fallback: str | Key | tuple[Key, ...] | None
    # What the key takes: in symbols every language reads ("4–256", "lr_min < lr_max"), or in words (a Key).
    allowed: str | Key = ""

    def takes(self, lang: str) -> str:
        """What the key takes, as the note says it in ``lang``."""
        return self.allowed(lang) if isinstance(self.allowed, Key) else self.allowed

    def shown(self, lang: str) -> str | None:
        """The fallback as the note says it: a name in ``lang``, a value as the link writes it, each in
        quotes (a menu's name has brackets of its own: “SGD (gradient descent)”, which in the note's
        brackets read "(SGD (gradient descent))")."""
        if self.fallback is None:
            return None
        each = self.fallback if isinstance(self.fallback, tuple) else (self.fallback,)
        return ", ".join(f"“{name(lang) if isinstance(name, Key) else name}”" for name in each)


def _named(value: Any) -> bool:
    """A :class:`Key`, or a tuple of them: names to say in the student's language, not a value."""
    return isinstance(value, Key) or (isinstance(value, tuple) and bool(value)
                                      and all(isinstance(v, Key) for v in value))


def _finite(text: str, lo: float, hi: float) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and lo <= value <= hi else None


def number(text: str, lo: float, hi: float) -> float | None:
    """``text`` as a finite float in ``[lo, hi]``, or None; kept as a link writes it (:func:`format_value`,
    six significant digits), so the link the page writes back reopens the very same value."""
    value = _finite(text, lo, hi)
    return None if value is None else float(format_value(value))


def whole(text: str, lo: int, hi: int) -> int | None:
    """``text`` as an integer in ``[lo, hi]`` (``"3.0"`` is 3, ``"3.5"`` is None)."""
    value = _finite(text, lo, hi)
    return int(value) if value is not None and value == int(value) else None


def items(text: str) -> list[str]:
    """The comma-separated pieces of a link's or a box's list, spaces dropped, empty ones skipped."""
    return [p for p in text.replace(" ", "").split(",") if p]


START = (-1e3, 1e3)  # a start's coordinates: what a link and the start boxes take


def numbers(text: str, lo: float, hi: float, count: int | range) -> tuple[float, ...] | None:
    """Comma-separated floats in ``[lo, hi]``, as many as ``count`` allows, or None."""
    values = [number(p, lo, hi) for p in items(text)]
    counts = range(count, count + 1) if isinstance(count, int) else count
    if len(values) not in counts or any(v is None for v in values):
        return None
    return tuple(values)  # type: ignore[arg-type]


def counted(lo: float, hi: float, count: int | range) -> Key:
    """What a list of :func:`numbers` takes, in words: how many numbers, each in ``[lo, hi]``
    (``start=1,2,3`` on a 2-D surface has numbers in range, but one too many)."""
    ends = dict(lo=format_value(float(lo)), hi=format_value(float(hi)))
    if isinstance(count, range):
        return Key("url.numbers_range", least=count.start, most=count.stop - 1, **ends)
    return Key("url.numbers_one", **ends) if count == 1 else Key("url.numbers", count=count, **ends)


def span(lo: float, hi: float) -> str:
    """A range as a note shows what a key allows: ``"4–256"``, ``"0.0001–10"``, whole numbers whole
    (a seed's ``"0–2147483647"``, which six digits wrote ``"0–2.14748e+09"``)."""
    def bound(v: float) -> str:
        return str(v) if isinstance(v, int) else format_value(float(v))

    return f"{bound(lo)}–{bound(hi)}"


def flag(text: str) -> bool | None:
    return {"1": True, "0": False, "true": True, "false": False}.get(text.lower())


def format_value(value: Any) -> str:
    """A value as a link holds it: short floats, 1/0 for flags, commas between list items."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, tuple | list):
        return ",".join(format_value(v) for v in value)
    return str(value)


MAX_LISTED = 8  # a refused choice's note lists the options up to this many


class QueryReader:
    """Reads one query string; :attr:`notes` collects every value that fell back."""

    def __init__(self, query: Mapping[str, str]):
        self.query = query
        self.notes: list[Note] = []

    def __contains__(self, key: str) -> bool:
        return key in self.query

    def get(self, key: str, parse: Callable[[str], T | None], default: T, allowed: str | Key = "",
            name: Callable[[T], Any] | None = None) -> T:
        """``parse(value)`` of ``key``; the default when it is missing or ``parse`` gives None.
        ``name``: how the note names the default (:meth:`choice`), where not by its value."""
        if key not in self.query:
            return default
        raw = str(self.query[key])
        value = parse(raw)
        if value is None:
            self.note(key, raw, default if name is None else name(default), allowed)
            return default
        return value

    def note(self, key: str, raw: str, fallback: Any, allowed: str | Key = "") -> None:
        """Record that ``raw`` could not be used for ``key`` (``fallback``: a value, a name, or None for
        the page's own default)."""
        shown = fallback if fallback is None or _named(fallback) else format_value(fallback)
        self.notes.append(Note(key, raw[:MAX_SHOWN], shown, allowed))

    def choice(self, key: str, options: Collection[str], default: str,
               name: Callable[[str], Any] | None = None) -> str:
        """One of ``options``; a note lists them where they are few enough to read, and names the
        default by ``name(default)``, the name a menu shows, where one is given."""
        listed = " | ".join(options) if len(options) <= MAX_LISTED else ""
        return self.get(key, lambda s: s if s in options else None, default, listed, name)

    def number(self, key: str, lo: float, hi: float, default: float) -> float:
        return self.get(key, lambda s: number(s, lo, hi), default, span(lo, hi))

    def whole(self, key: str, lo: int, hi: int, default: int) -> int:
        return self.get(key, lambda s: whole(s, lo, hi), default, span(lo, hi))

    def flag(self, key: str, default: bool) -> bool:
        return self.get(key, flag, default, "1 | 0")

    def numbers(
        self, key: str, lo: float, hi: float, count: int | range, default: T
    ) -> tuple[float, ...] | T:
        return self.get(key, lambda s: numbers(s, lo, hi, count), default, counted(lo, hi, count))

    def params(
        self, prefix: str, spec: Spec, lr: float | None = None, on_top_of: Mapping[str, Any] | None = None
    ) -> tuple[tuple[str, Any], ...]:
        """The hyper-parameters of ``spec`` given as ``prefix.name`` keys, each checked by its spec.

        With ``lr``, they are also checked together at that rate (a cyclic ``max_lr``
        below ``base_lr`` only shows together): if the spec refuses them, none is
        kept and each gets a note. ``on_top_of``: values they sit on (a preset).
        """
        given = []
        for p in spec.params:
            key = f"{prefix}.{p.name}"
            if key in self.query:
                try:  # checked as typed, then as the link writes it back (six significant digits)
                    given.append((p.name, p.check(format_value(p.check(self.query[key])))))
                except ValueError:
                    self.note(key, str(self.query[key]), p.default)
        if lr is None:
            return tuple(given)
        try:
            spec.resolve({**(on_top_of or {}), **dict(given)}, lr)
        except ValueError:
            underneath = {p.name: p.default for p in spec.params} | dict(on_top_of or {})
            for name, value in given:  # each keeps what it is without the link (None: nothing to show)
                self.note(f"{prefix}.{name}", format_value(value), underneath[name])
            return ()
        return tuple(given)
