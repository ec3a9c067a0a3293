"""Typed hyper-parameter specs shared by the schedule and optimizer registries.

A :class:`ParamSpec` says what one hyper-parameter is (kind, default, allowed
range, the keys of its label and help); a :class:`Spec` bundles the specs of one
registry entry with its formula. Their words live in ``assets/locales/<lang>/library.toml``
under keys derived from the registry and the ids (:attr:`Spec.registry`). Pages build their widgets
from these, and :meth:`Spec.resolve` turns whatever arrives (keyword arguments,
URL values) into a complete, checked dict at the edge, so nothing downstream
validates again and nothing fails inside a JAX trace.

Numeric parameters (``float``, ``int``, ``floats``) are *traced*: the engine
passes them to compiled code as arrays, so moving their sliders never
recompiles. ``bool``, ``choice`` and ``ints`` change the structure of the
computation and are *static*: each value compiles once.

The arguments every entry point shares are checked by one rule each here:
:func:`check_rate` (a learning rate) and :func:`check_int` (a step count, a width, ...).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Literal

import numpy as np

from lrviz.i18n import BilingualError, Key, latex

Kind = Literal["float", "int", "floats", "bool", "choice", "ints"]
TRACED_KINDS = frozenset({"float", "int", "floats"})


@dataclass(frozen=True)
class ParamSpec:
    """One hyper-parameter.

    ``lo``/``hi`` bound the value (inclusive unless ``lo_open``/``hi_open``);
    for ``floats`` and ``ints`` they bound every element. ``log`` asks for a
    log-scale widget. ``optional`` allows ``None``, whose meaning ``help``
    states (for example "None: 4 × the learning rate").

    ``label`` and ``help`` are the keys of its words; left out, the :class:`Spec` it belongs
    to derives them (``<registry>.<id>.param.<name>.label``). A parameter shared by several
    entries with the same words names its keys once (``optimizer.param.momentum.label``).
    """

    name: str
    default: Any
    label: Key | None = None
    help: Key | None = None
    kind: Kind = "float"
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False
    log: bool = False
    choices: tuple[str, ...] = ()
    optional: bool = False
    length: int | None = None  # fixed length of a ``floats`` tuple

    @property
    def traced(self) -> bool:
        return self.kind in TRACED_KINDS

    def describe_range(self) -> Key:
        """The allowed values in words, for error messages."""
        if self.kind == "bool":
            return Key("param.range.bool")
        if self.kind == "choice":
            return Key("param.range.choice", choices=", ".join(repr(c) for c in self.choices))
        lo = "-inf" if self.lo is None else f"{self.lo:g}"
        hi = "inf" if self.hi is None else f"{self.hi:g}"
        left = "(" if self.lo_open or self.lo is None else "["
        right = ")" if self.hi_open or self.hi is None else "]"
        what = self.kind if self.kind in ("int", "ints") else "number"
        return Key(f"param.range.{what}", interval=f"{left}{lo}, {hi}{right}")

    def check(self, value: Any) -> Any:
        """The value coerced to this parameter's kind; ``ValueError`` if not allowed."""
        if value is None:
            if self.optional:
                return None
            raise self._error(value)
        try:
            coerced = self._coerce(value)
        except (TypeError, ValueError):
            raise self._error(value) from None
        numbers = coerced if self.kind in ("floats", "ints") else (coerced,)
        numeric = self.kind in ("float", "int", "floats", "ints")
        if numeric and not all(self._in_range(v) for v in numbers):
            raise self._error(value)
        if self.kind == "floats" and self.length is not None and len(coerced) != self.length:
            raise self._error(value)
        return coerced

    def _coerce(self, value: Any) -> Any:
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("true", "1", "yes", "on"):
                return True
            if text in ("false", "0", "no", "off"):
                return False
            raise ValueError(value)
        if self.kind == "choice":
            if str(value) not in self.choices:
                raise ValueError(value)
            return str(value)
        if self.kind == "float":
            return _finite_float(value)
        if self.kind == "int":
            return _whole(value)
        items = _split(value)
        if self.kind == "floats":
            return tuple(_finite_float(v) for v in items)
        return tuple(sorted(_whole(v) for v in items))

    def _in_range(self, v: float) -> bool:
        if self.lo is not None and (v < self.lo or (self.lo_open and v == self.lo)):
            return False
        return not (self.hi is not None and (v > self.hi or (self.hi_open and v == self.hi)))

    def _error(self, value: Any) -> BilingualError:
        return BilingualError(Key("param.error", name=self.name, value=value, allowed=self.describe_range()))


def check_rate(value: Any, name: str = "lr", *, or_schedule: bool = False) -> float:
    """A learning rate as a float: a finite number > 0 (a bool is no rate); ``ValueError`` naming
    ``name`` otherwise. ``or_schedule`` only words the message for callers that also take a schedule."""
    try:
        number = math.nan if isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not (math.isfinite(number) and number > 0):
        alternative = " or a schedule" if or_schedule else ""
        raise ValueError(f"`{name}` (={value!r}) must be a finite number > 0{alternative}.")
    return number


def check_int(name: str, value: Any, lo: int = 1, hi: int | None = None) -> int:
    """``value`` as an int from ``lo`` to ``hi`` (no upper bound: None): a Python or NumPy integer,
    not a bool and not a float; ``ValueError`` naming ``name`` otherwise."""
    whole = not isinstance(value, bool) and isinstance(value, int | np.integer)
    if not (whole and lo <= value and (hi is None or value <= hi)):
        allowed = f">= {lo}" if hi is None else f"from {lo} to {hi}"
        raise ValueError(f"`{name}` (={value!r}) must be an integer {allowed}.")
    return int(value)


def _finite_float(value: Any) -> float:
    if isinstance(value, bool):
        raise TypeError(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _whole(value: Any) -> int:
    number = _finite_float(value)
    if number != int(number):
        raise ValueError(value)
    return int(number)


def _split(value: Any) -> tuple[Any, ...]:
    if isinstance(value, str):
        return tuple(part for part in value.replace(" ", "").split(",") if part)
    return tuple(value)


@dataclass(frozen=True)
class Spec:
    """What the pages and the engine know about one registry entry.

    ``check`` holds the rules that involve several parameters (for example
    "``max_lr`` must not be below ``base_lr``"); it receives the resolved dict
    and the learning rate, and raises ``ValueError``.

    Its words are keys derived from :attr:`registry` and ``name``: ``<registry>.<name>.title``,
    ``.summary``, and ``.param.<parameter>.label`` / ``.help`` for a parameter that does not
    name its own.
    """

    registry: ClassVar[str]  # the first part of every key: "optimizer", "schedule"
    name: str
    latex: str
    params: tuple[ParamSpec, ...] = ()
    check: Callable[[Mapping[str, Any], float], None] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        own = f"{self.registry}.{self.name}.param"
        params = tuple(replace(p, label=p.label or Key(f"{own}.{p.name}.label"),
                               help=p.help or Key(f"{own}.{p.name}.help")) for p in self.params)
        object.__setattr__(self, "params", params)

    @property
    def title(self) -> Key:
        return Key(f"{self.registry}.{self.name}.title")

    @property
    def summary(self) -> Key:
        return Key(f"{self.registry}.{self.name}.summary")

    def formula(self, lang: str) -> str:
        r"""``latex`` as a student reads it in ``lang``: its ``\word{…}`` in that language
        (:func:`lrviz.i18n.latex`)."""
        return latex(self.latex, lang)

    def param(self, name: str) -> ParamSpec:
        for spec in self.params:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def resolve(self, params: Mapping[str, Any] | None = None, lr: float = 1.0) -> dict[str, Any]:
        """Defaults filled in, every value checked; ``ValueError`` names the culprit."""
        given = dict(params or {})
        unknown = sorted(set(given) - {p.name for p in self.params})
        if unknown:
            allowed = ", ".join(p.name for p in self.params) or "none"
            raise ValueError(
                f"{self.name!r} has no parameter {', '.join(map(repr, unknown))}; "
                f"its parameters are: {allowed}."
            )
        resolved = {p.name: p.check(given.get(p.name, p.default)) for p in self.params}
        if self.check is not None:
            self.check(resolved, lr)
        return resolved

    def split(self, resolved: Mapping[str, Any]) -> tuple[dict[str, np.ndarray], tuple[tuple[str, Any], ...]]:
        """(traced, static): numbers for compiled code as float32 arrays, the rest as a hashable key.
        The arrays are NumPy's: a compiled call takes them as they are, where a JAX array made here
        would cost a dispatch each (a quarter of a playground's sweep on a busy server)."""
        is_traced = {p.name: p.traced and resolved[p.name] is not None for p in self.params}
        traced = {name: np.asarray(resolved[name], np.float32) for name, yes in is_traced.items() if yes}
        static = tuple((name, resolved[name]) for name, yes in is_traced.items() if not yes)
        return traced, static
