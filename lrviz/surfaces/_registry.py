"""Loss surfaces: the landscapes gradient descent walks on.

Each :class:`Surface` is a formula written once, array-namespace-agnostic
(``xp`` is ``jax.numpy`` for the engine and ``numpy`` in float64 for analysis
and plotting), with its domain, a start that shows its lesson, and its
critical points. Minima, saddles and maxima are found numerically in float64
(:mod:`lrviz.surfaces._critical`) and checked against the textbook values in the tests;
textbook minima are also declared where a kink defeats the numerics.

The 2-D test functions use their textbook formulas and domains (Surjanovic &
Bingham, *Virtual Library of Simulation Experiments*,
https://www.sfu.ca/~ssurjano/optimization.html). Three are ours: ``saddle`` is
``x² + y⁴/4 − y²/2`` rather than the usual ``x² − y²``, because the latter is
unbounded below and every escape from its saddle would look like divergence;
``ravine`` is the quadratic ``(x² + κ y²)/2`` whose condition number is κ;
``catapult`` is ``(xy − 1)²/2``, the two-layer linear model of Lewkowycz, Bahri, Dyer,
Sohl-Dickstein & Gur-Ari, *The large learning rate phase of deep learning: the catapult
mechanism*, 2020 (https://arxiv.org/abs/2003.02218). Its minima are not points but the valley
xy = 1 (:attr:`Surface.valley`), where the Hessian ``[[y², 1], [1, x²]]`` has eigenvalues 0
and x² + y²: the sharpness changes along the valley, from 2 at (±1, ±1) up. Gradient descent
settles only where x² + y² < 2/η, so from a sharp start a rate above 2/λ₀ first throws the point
out of the valley (the loss climbs), then lands it on a flatter stretch.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

import jax.numpy as jnp
import numpy as np

from lrviz.i18n import Key
from lrviz.surfaces import _critical as critical
from lrviz.surfaces._expression import Expression, ExpressionError, parse

__all__ = ["SURFACES", "ExpressionError", "Surface", "from_expression", "get"]

Point = tuple[float, ...]
Formula = Callable[..., object]  # formula(*coords, xp=module) -> value


@dataclass(frozen=True, eq=False)
class Surface:
    """A loss function of a point of shape ``(dim,)`` and what we know about it.

    ``minima`` lists global minima first (the first ``n_global`` of them), then
    local ones by increasing value. Surfaces compare and hash by identity, so a
    surface is a cheap static argument for ``jax.jit``.
    """

    name: str
    dim: int
    formula: Formula = field(repr=False)
    domain: tuple
    start: Point
    minima: tuple[Point, ...]
    n_global: int
    saddles: tuple[Point, ...]
    maxima: tuple[Point, ...]
    title: Key
    latex: str
    lesson: Key
    expression: Expression | None = field(default=None, repr=False)  # the parsed formula a user typed
    # The global minima are a continuous valley, listed as points closer together than the engine's
    # tolerance (so a run that settles anywhere on it has converged); charts draw it as a line.
    valley: bool = False

    def fn(self, point: jnp.ndarray) -> jnp.ndarray:
        """The loss at ``point`` (shape ``(dim,)``), in JAX."""
        return self.formula(*(point[i] for i in range(self.dim)), xp=jnp)

    def numpy(self, *coords: np.ndarray) -> np.ndarray:
        """The loss on NumPy coordinate arrays (float64), for grids and plots."""
        with np.errstate(all="ignore"):
            return np.asarray(self.formula(*coords, xp=np), dtype=float)

    @property
    def global_minima(self) -> tuple[Point, ...]:
        return self.minima[: self.n_global]

    @property
    def local_minima(self) -> tuple[Point, ...]:
        return self.minima[self.n_global :]

    @functools.cached_property
    def f_min(self) -> float:
        """The lowest value of the loss on the domain (at the global minima); kept, as a sweep's
        verdicts ask it dozens of times."""
        return float(self.numpy(*np.asarray(self.minima[0]))) if self.minima else -math.inf

    @property
    def bounds(self) -> np.ndarray:
        """The domain as a ``(dim, 2)`` array of ``[lo, hi]`` rows."""
        return critical.bounds(self.domain, self.dim)

    @property
    def centre(self) -> np.ndarray:
        """The domain's centre, a ``(dim,)`` array."""
        return self.bounds.mean(axis=1)

    @property
    def half_widths(self) -> np.ndarray:
        """The domain's half-width along each coordinate, a ``(dim,)`` array."""
        return (self.bounds[:, 1] - self.bounds[:, 0]) / 2

    @property
    def span(self) -> float:
        """The domain's widest side: the length that tolerances and finite differences scale with."""
        return float(2 * np.max(self.half_widths))

    def contains(self, points) -> np.ndarray:
        """Which of ``points`` (shape ``(..., dim)``) lie in the domain; NaN and infinities do not."""
        points, (low, high) = np.asarray(points, dtype=float), self.bounds.T
        return np.all((points >= low) & (points <= high), axis=-1)


def _surface(
    name: str,
    formula: Formula,
    *,
    dim: int,
    domain: tuple,
    start: Point,
    latex: str,
    known: tuple[Point, ...] = (),
    title: Key | None = None,
    lesson: Key | None = None,
    expression: Expression | None = None,
    points: critical.CriticalPoints | None = None,
) -> Surface:
    """A registry entry; its words are ``surface.<name>.title`` and ``.lesson`` unless given.
    ``points``: its critical points where they are known in closed form (else searched for)."""
    valley = points is not None and points.n_global > 1 and len(points.minima) > 100
    points = points or critical.find(lambda *c: formula(*c, xp=np), dim, domain, known=known)
    return Surface(
        name=name,
        dim=dim,
        formula=formula,
        domain=domain,
        start=tuple(float(v) for v in start),
        minima=points.minima,
        n_global=points.n_global,
        saddles=points.saddles,
        maxima=points.maxima,
        title=title or Key(f"surface.{name}.title"),
        latex=latex,
        lesson=lesson or Key(f"surface.{name}.lesson"),
        expression=expression,
        valley=valley,
    )


# --------------------------------------------------------------------------- 1-D


@functools.lru_cache(maxsize=32)  # parameters are floats: bounded, like every cache here
def quadratic(a: float = 2.0) -> Surface:
    """``a x² / 2``: curvature ``a`` everywhere, so GD is stable exactly for ``lr < 2/a``."""
    if not a > 0:
        raise ValueError(f"`a` (={a!r}) must be a positive number.")
    return _surface(
        "quadratic",
        lambda x, xp: 0.5 * a * x**2,
        dim=1,
        domain=(-3.0, 3.0),
        start=(2.5,),
        known=((0.0,),),
        latex=r"f(x) = x^2" if a == 2 else rf"f(x) = \tfrac{{{a:g}}}{{2}}\,x^2",
        lesson=Key("surface.quadratic.lesson", a=a, limit=2 / a),
    )


def _double_well(x, xp):
    return (x**2 - 1) ** 2 + 0.3 * x


def _bumpy(x, xp):
    return 0.25 * x**2 + 1.0 - xp.cos(3.0 * x)


def _plateau(x, xp):
    return 1.0 - xp.exp(-(x**2))


def _cliff(x, xp):
    # 3·sigmoid(−40x) written with tanh, which is stable in both xp.
    return 0.1 * (x - 2.0) ** 2 + 1.5 * (1.0 - xp.tanh(20.0 * x))


# --------------------------------------------------------------------------- 2-D


def _bowl(x, y, xp):
    return x**2 + y**2


def _rosenbrock(x, y, xp):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _himmelblau(x, y, xp):
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def _beale(x, y, xp):
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def _saddle(x, y, xp):
    return x**2 + y**4 / 4 - y**2 / 2


def _rastrigin(x, y, xp):
    return 20 + x**2 - 10 * xp.cos(2 * math.pi * x) + y**2 - 10 * xp.cos(2 * math.pi * y)


def _ackley(x, y, xp):
    r2 = 0.5 * (x**2 + y**2)
    # sqrt has an infinite derivative at 0; the double `where` keeps the
    # gradient at the cusp finite (0, a valid subgradient) without changing f.
    safe = xp.where(r2 > 0, r2, 1.0)
    r = xp.where(r2 > 0, xp.sqrt(safe), 0.0)
    waves = 0.5 * (xp.cos(2 * math.pi * x) + xp.cos(2 * math.pi * y))
    return -20 * xp.exp(-0.2 * r) - xp.exp(waves) + math.e + 20


def _catapult(x, y, xp):
    return 0.5 * (x * y - 1) ** 2


def _hyperbola(limit: float, spacing: float) -> tuple[tuple[float, float], ...]:
    """Points of xy = 1 with |x|, |y| <= ``limit``, at most ``spacing`` apart along each branch
    (x > 0 first, from the top), each with x·y == 1 exactly in float64 (so the loss there is 0)."""
    t = np.linspace(-math.log(limit), math.log(limit), 20_001)  # x = e^t, y = e^-t
    x = np.exp(t)
    arc = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(x), np.diff(1 / x)))])
    x = np.interp(np.linspace(0, arc[-1], int(np.ceil(arc[-1] / spacing)) + 1), arc, x)
    points = []
    for sign in (1.0, -1.0):
        for u in sign * x:
            for x_ in (u, np.nextafter(u, np.inf), np.nextafter(u, -np.inf)):  # a neighbour if need be
                v = 1 / x_
                exact = [w for w in (v, np.nextafter(v, np.inf), np.nextafter(v, -np.inf)) if x_ * w == 1.0]
                if exact:
                    points.append((float(x_), float(exact[0])))
                    break
    return tuple(points)


def _catapult_points(limit: float) -> critical.CriticalPoints:
    """The valley xy = 1 (every point a global minimum, listed half a tolerance apart) and the
    saddle at the origin, where the Hessian [[0, −1], [−1, 0]] has eigenvalues ±1."""
    valley = _hyperbola(limit, spacing=0.5 * 0.005 * 2 * limit)
    return critical.CriticalPoints(minima=valley, saddles=((0.0, 0.0),), maxima=(), n_global=len(valley))


def _six_hump_camel(x, y, xp):
    return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2


@functools.lru_cache(maxsize=32)  # parameters are floats: bounded, like every cache here
def ravine(kappa: float = 25.0) -> Surface:
    """``(x² + κ y²)/2``: curvatures 1 and κ, so the condition number is κ."""
    if not kappa >= 1:
        raise ValueError(f"`kappa` (={kappa!r}) must be a number >= 1.")
    return _surface(
        "ravine",
        lambda x, y, xp: 0.5 * (x**2 + kappa * y**2),
        dim=2,
        domain=((-3.0, 3.0), (-3.0, 3.0)),
        start=(-2.8, 0.8),
        known=((0.0, 0.0),),
        latex=rf"f(x, y) = \tfrac{{1}}{{2}}\left(x^2 + {kappa:g}\,y^2\right)",
    )


def _builtins() -> dict[str, Surface]:
    one = ((-3.0, 3.0),)
    specs = [
        quadratic(),
        _surface(
            "double_well", _double_well, dim=1, domain=(-2.0, 2.0), start=(1.8,),
            latex=r"f(x) = (x^2 - 1)^2 + 0.3\,x",
        ),
        _surface(
            "bumpy", _bumpy, dim=1, domain=(-4.0, 4.0), start=(2.6,),
            latex=r"f(x) = \tfrac{1}{4}x^2 + 1 - \cos 3x",
            known=((0.0,),),
        ),
        _surface(
            "plateau", _plateau, dim=1, domain=(-4.0, 4.0), start=(2.5,),
            latex=r"f(x) = 1 - e^{-x^2}",
            known=((0.0,),),
        ),
        _surface(
            "cliff", _cliff, dim=1, domain=(-3.0, 4.0), start=(-2.5,),
            latex=r"f(x) = 0.1\,(x-2)^2 + 3\,\sigma(-40x)",
            known=((2.0,),),
        ),
        _surface(
            "bowl", _bowl, dim=2, domain=one * 2, start=(2.5, -1.5), known=((0.0, 0.0),),
            latex=r"f(x, y) = x^2 + y^2",
        ),
        ravine(),
        _surface(
            "rosenbrock", _rosenbrock, dim=2, domain=((-2.0, 2.0), (-1.0, 3.0)), start=(-1.2, 1.0),
            known=((1.0, 1.0),),
            latex=r"f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2",
        ),
        _surface(
            "himmelblau", _himmelblau, dim=2, domain=((-5.0, 5.0), (-5.0, 5.0)), start=(-0.3, -0.9),
            known=((3.0, 2.0),),
            latex=r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        ),
        _surface(
            "beale", _beale, dim=2, domain=((-4.5, 4.5), (-4.5, 4.5)), start=(1.0, 1.6),
            known=((3.0, 0.5),),
            latex=(r"f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2"),
        ),
        _surface(
            "saddle", _saddle, dim=2, domain=((-2.0, 2.0), (-2.0, 2.0)), start=(1.5, 0.01),
            known=((0.0, 1.0), (0.0, -1.0)),
            latex=r"f(x, y) = x^2 + \tfrac{1}{4}y^4 - \tfrac{1}{2}y^2",
        ),
        _surface(
            "rastrigin", _rastrigin, dim=2, domain=((-5.12, 5.12), (-5.12, 5.12)), start=(3.2, -2.1),
            known=((0.0, 0.0),),
            latex=r"f(x, y) = 20 + \sum_{u \in \{x, y\}} \left(u^2 - 10\cos 2\pi u\right)",
        ),
        _surface(
            "ackley", _ackley, dim=2, domain=((-5.0, 5.0), (-5.0, 5.0)), start=(3.6, -2.4),
            known=((0.0, 0.0),),
            latex=(
                r"f(x, y) = -20\,e^{-0.2\sqrt{(x^2+y^2)/2}} - e^{(\cos 2\pi x + \cos 2\pi y)/2} + e + 20"
            ),
        ),
        _surface(
            "six_hump_camel", _six_hump_camel, dim=2, domain=((-3.0, 3.0), (-2.0, 2.0)), start=(-1.5, 1.2),
            known=((0.0898420131, -0.7126564030), (-0.0898420131, 0.7126564030)),
            latex=r"f(x, y) = \left(4 - 2.1x^2 + \tfrac{x^4}{3}\right)x^2 + xy + (-4 + 4y^2)\,y^2",
        ),
        # A sharp start just above the valley: λ₀ = 8.03 there (x² + y² = 8 on the valley below it).
        _surface(
            "catapult", _catapult, dim=2, domain=((-3.5, 3.5), (-3.5, 3.5)), start=(2.8, 0.4),
            points=_catapult_points(3.5),
            latex=r"f(x, y) = \tfrac{1}{2}\,(xy - 1)^2",
        ),
    ]
    return {s.name: s for s in specs}


SURFACES: dict[str, Surface] = _builtins()

_FACTORIES: dict[str, Callable[..., Surface]] = {"quadratic": quadratic, "ravine": ravine}


def get(name: str, **params: float) -> Surface:
    """The surface ``name``; ``quadratic`` takes ``a`` and ``ravine`` takes ``kappa``."""
    if name not in SURFACES:
        raise ValueError(f"unknown surface {name!r}; choose one of: {', '.join(SURFACES)}.")
    if not params:
        return SURFACES[name]
    if name not in _FACTORIES:
        raise ValueError(f"surface {name!r} takes no parameters (got {', '.join(params)}).")
    return _FACTORIES[name](**{k: float(v) for k, v in params.items()})


DEFAULT_DOMAIN = {1: (-3.0, 3.0), 2: ((-3.0, 3.0), (-3.0, 3.0))}


@functools.lru_cache(maxsize=64)
def from_expression(text: str, dim: int, domain: tuple | None = None) -> Surface:
    """A surface from a formula typed by a user, parsed safely (never evaluated as Python).

    Raises :class:`ExpressionError` (a ``ValueError``) saying what is wrong and
    where. The same text returns the same object, so the engine's compiled
    code is reused while the user moves sliders.
    """
    if dim not in (1, 2):
        raise ValueError(f"`dim` (={dim!r}) must be 1 or 2.")
    expression = parse(text, dim)
    box = critical.bounds(domain or DEFAULT_DOMAIN[dim], dim)
    start = tuple(float(lo + 0.8 * (hi - lo)) for lo, hi in box)
    grid = tuple(np.linspace(lo, hi, 9) for lo, hi in box)
    with np.errstate(all="ignore"):
        values = expression.evaluate(*np.meshgrid(*grid, indexing="ij"), xp=np)
    if not np.any(np.isfinite(values)):
        raise ExpressionError(Key("expression.nowhere_finite"), None)
    return _surface(
        "custom",
        _bind(expression.evaluate),
        dim=dim,
        domain=tuple(map(tuple, box)) if dim == 2 else tuple(box[0]),
        start=start,
        latex="f = " + expression.to_latex(),
        title=Key("surface.custom.title", formula=expression.text),
        expression=expression,
    )


def _bind(evaluate: Callable[..., object]) -> Formula:
    def formula(*coords, xp: ModuleType):
        return evaluate(*coords, xp=xp)

    return formula
