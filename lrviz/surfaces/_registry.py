"""Loss surfaces: the landscapes gradient descent walks on.

Each :class:`Surface` is a formula written once, array-namespace-agnostic
(``xp`` is ``jax.numpy`` for the engine and ``numpy`` in float64 for analysis
and plotting), with its domain, a start that shows its lesson, and its
critical points. Minima, saddles and maxima are found numerically in float64
(:mod:`lrviz.surfaces._critical`) and checked against the textbook values in the tests;
textbook minima are also declared where a kink defeats the numerics.

The 2-D test functions use their textbook formulas and domains (Surjanovic &
Bingham, *Virtual Library of Simulation Experiments*,
https://www.sfu.ca/~ssurjano/optimization.html). Two are ours: ``saddle`` is
``x² + y⁴/4 − y²/2`` rather than the usual ``x² − y²``, because the latter is
unbounded below and every escape from its saddle would look like divergence;
``ravine`` is the quadratic ``(x² + κ y²)/2`` whose condition number is κ.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

import jax.numpy as jnp
import numpy as np

from lrviz.i18n import Text
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
    title: Text
    latex: str
    lesson: Text
    expression: Expression | None = field(default=None, repr=False)  # the parsed formula a user typed

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

    @property
    def f_min(self) -> float:
        """The lowest value of the loss on the domain (at the global minima)."""
        return float(self.numpy(*np.asarray(self.minima[0]))) if self.minima else -math.inf

    @property
    def bounds(self) -> np.ndarray:
        """The domain as a ``(dim, 2)`` array of ``[lo, hi]`` rows."""
        return critical.bounds(self.domain, self.dim)


def _surface(
    name: str,
    formula: Formula,
    *,
    dim: int,
    domain: tuple,
    start: Point,
    title: Text,
    latex: str,
    lesson: Text,
    known: tuple[Point, ...] = (),
    expression: Expression | None = None,
) -> Surface:
    points = critical.find(lambda *c: formula(*c, xp=np), dim, domain, known=known)
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
        title=title,
        latex=latex,
        lesson=lesson,
        expression=expression,
    )


# --------------------------------------------------------------------------- 1-D


@functools.cache
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
        title=Text("Quadratic", "이차 함수"),
        latex=r"f(x) = x^2" if a == 2 else rf"f(x) = \tfrac{{{a:g}}}{{2}}\,x^2",
        lesson=Text(
            f"One bowl, one curvature λ = f'' = {a:g}: below 2/λ = {2 / a:g} the steps shrink, above it "
            "every step overshoots further.",
            f"곡률이 어디서나 λ = f'' = {a:g}인 그릇 모양: 학습률이 2/λ = {2 / a:g}보다 작으면 수렴하고, "
            "크면 매 스텝 더 멀리 튀어 발산합니다.",
        ),
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


def _six_hump_camel(x, y, xp):
    return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2


@functools.cache
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
        title=Text("Ravine (ill-conditioned)", "협곡 (조건수가 큼)"),
        latex=rf"f(x, y) = \tfrac{{1}}{{2}}\left(x^2 + {kappa:g}\,y^2\right)",
        lesson=Text(
            "Steep across the valley, flat along it: the steep direction caps the rate at 2/λmax (= 2/κ), "
            "so progress along the valley floor crawls while the path zig-zags.",
            "골짜기를 가로지르는 방향은 가파르고 따라가는 방향은 평평합니다. 가파른 방향이 학습률을 "
            "2/λmax (= 2/κ)보다 작게 묶어 두기 때문에 골짜기 바닥을 따라가는 진행은 느리고 "
            "경로는 지그재그를 그립니다.",
        ),
    )


def _builtins() -> dict[str, Surface]:
    one = ((-3.0, 3.0),)
    specs = [
        quadratic(),
        _surface(
            "double_well", _double_well, dim=1, domain=(-2.0, 2.0), start=(1.8,),
            title=Text("Double well", "이중 우물"),
            latex=r"f(x) = (x^2 - 1)^2 + 0.3\,x",
            lesson=Text(
                "Two valleys of different depth: a small rate settles in the shallow one it starts in; "
                "a larger first step can jump to the deeper one.",
                "깊이가 다른 두 골짜기: 작은 학습률은 출발한 얕은 골짜기(지역 최적점)에 머물고, "
                "큰 첫걸음은 더 깊은 골짜기로 건너갈 수 있습니다.",
            ),
        ),
        _surface(
            "bumpy", _bumpy, dim=1, domain=(-4.0, 4.0), start=(2.6,),
            title=Text("Bumpy bowl", "울퉁불퉁한 그릇"),
            latex=r"f(x) = \tfrac{1}{4}x^2 + 1 - \cos 3x",
            lesson=Text(
                "Ripples on a bowl: each ripple is a local minimum that can trap a cautious rate.",
                "그릇 위의 물결: 물결 하나하나가 지역 최적점이라 조심스러운 학습률은 그 안에 갇힙니다.",
            ),
            known=((0.0,),),
        ),
        _surface(
            "plateau", _plateau, dim=1, domain=(-4.0, 4.0), start=(2.5,),
            title=Text("Plateau", "평탄한 고원"),
            latex=r"f(x) = 1 - e^{-x^2}",
            lesson=Text(
                "Far from the valley the ground is almost flat: the gradient nearly vanishes and plain "
                "gradient descent crawls; adaptive methods rescale the tiny gradient.",
                "골짜기에서 멀리 떨어진 곳은 거의 평평해서 기울기가 0에 가깝고, 경사하강법은 기어가듯 "
                "움직입니다. 적응형 방법은 작은 기울기를 키워서 빠져나옵니다.",
            ),
            known=((0.0,),),
        ),
        _surface(
            "cliff", _cliff, dim=1, domain=(-3.0, 4.0), start=(-2.5,),
            title=Text("Cliff", "절벽"),
            latex=r"f(x) = 0.1\,(x-2)^2 + 3\,\sigma(-40x)",
            lesson=Text(
                "A gentle slope ends in a sheer drop: the gradient on the cliff is huge and one step can "
                "throw the point far away. Gradient clipping tames it.",
                "완만한 비탈 끝에 절벽이 있습니다. 절벽의 기울기는 매우 커서 한 스텝에 멀리 튕겨 나갈 수 "
                "있습니다. 기울기 클리핑이 이를 막아 줍니다.",
            ),
            known=((2.0,),),
        ),
        _surface(
            "bowl", _bowl, dim=2, domain=one * 2, start=(2.5, -1.5), known=((0.0, 0.0),),
            title=Text("Round bowl", "둥근 그릇"),
            latex=r"f(x, y) = x^2 + y^2",
            lesson=Text(
                "The same curvature in every direction: the path is a straight line to the centre.",
                "모든 방향의 곡률이 같아서 경로가 중심을 향한 직선이 됩니다.",
            ),
        ),
        ravine(),
        _surface(
            "rosenbrock", _rosenbrock, dim=2, domain=((-2.0, 2.0), (-1.0, 3.0)), start=(-1.2, 1.0),
            known=((1.0, 1.0),),
            title=Text("Rosenbrock's banana", "로젠브록 바나나 함수"),
            latex=r"f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2",
            lesson=Text(
                "A curved, narrow valley: finding it is easy, following it to (1, 1) is slow.",
                "휘어진 좁은 골짜기: 골짜기에 들어가기는 쉽지만 (1, 1)까지 따라가기는 느립니다.",
            ),
        ),
        _surface(
            "himmelblau", _himmelblau, dim=2, domain=((-5.0, 5.0), (-5.0, 5.0)), start=(-0.3, -0.9),
            known=((3.0, 2.0),),
            title=Text("Himmelblau", "힘멜블라우 함수"),
            latex=r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
            lesson=Text(
                "Four equally deep minima around a hill: the rate decides which one you reach.",
                "언덕 주위에 깊이가 같은 최솟값이 네 개 있습니다. 어느 곳에 도착할지는 학습률이 정합니다.",
            ),
        ),
        _surface(
            "beale", _beale, dim=2, domain=((-4.5, 4.5), (-4.5, 4.5)), start=(1.0, 1.6),
            known=((3.0, 0.5),),
            title=Text("Beale", "빌 함수"),
            latex=(r"f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2"),
            lesson=Text(
                "Flat valleys and walls that rise by orders of magnitude: one rate rarely suits both.",
                "평평한 골짜기와 수십 배씩 치솟는 벽이 함께 있어, "
                "한 가지 학습률로는 둘 다 맞추기 어렵습니다.",
            ),
        ),
        _surface(
            "saddle", _saddle, dim=2, domain=((-2.0, 2.0), (-2.0, 2.0)), start=(1.5, 0.01),
            known=((0.0, 1.0), (0.0, -1.0)),
            title=Text("Saddle", "안장점"),
            latex=r"f(x, y) = x^2 + \tfrac{1}{4}y^4 - \tfrac{1}{2}y^2",
            lesson=Text(
                "A saddle at the origin between two valleys: the gradient vanishes there, so a small "
                "rate stalls for a long time before it rolls off.",
                "원점은 두 골짜기 사이의 안장점입니다. 그곳에서는 기울기가 0에 가까워, 작은 학습률은 "
                "한참 멈춰 있다가 굴러 내려갑니다.",
            ),
        ),
        _surface(
            "rastrigin", _rastrigin, dim=2, domain=((-5.12, 5.12), (-5.12, 5.12)), start=(3.2, -2.1),
            known=((0.0, 0.0),),
            title=Text("Rastrigin", "라스트리긴 함수"),
            latex=r"f(x, y) = 20 + \sum_{u \in \{x, y\}} \left(u^2 - 10\cos 2\pi u\right)",
            lesson=Text(
                "An egg carton on a bowl: a local minimum at almost every integer point.",
                "그릇 위에 놓인 달걀판: 거의 모든 정수 좌표에 지역 최적점이 있습니다.",
            ),
        ),
        _surface(
            "ackley", _ackley, dim=2, domain=((-5.0, 5.0), (-5.0, 5.0)), start=(3.6, -2.4),
            known=((0.0, 0.0),),
            title=Text("Ackley", "애클리 함수"),
            latex=(
                r"f(x, y) = -20\,e^{-0.2\sqrt{(x^2+y^2)/2}} - e^{(\cos 2\pi x + \cos 2\pi y)/2} + e + 20"
            ),
            lesson=Text(
                "A nearly flat, dimpled plain around one deep funnel: small rates get stuck in the dimples.",
                "작은 홈이 가득한 평원 가운데 깊은 깔때기가 하나 있습니다. 작은 학습률은 홈에 갇힙니다.",
            ),
        ),
        _surface(
            "six_hump_camel", _six_hump_camel, dim=2, domain=((-3.0, 3.0), (-2.0, 2.0)), start=(-1.5, 1.2),
            known=((0.0898420131, -0.7126564030), (-0.0898420131, 0.7126564030)),
            title=Text("Six-hump camel", "여섯 혹 낙타 함수"),
            latex=r"f(x, y) = \left(4 - 2.1x^2 + \tfrac{x^4}{3}\right)x^2 + xy + (-4 + 4y^2)\,y^2",
            lesson=Text(
                "Two global and four local minima: where you end depends on where you start and how far "
                "you step.",
                "전역 최솟값 2개와 지역 최적점 4개: "
                "어디서 출발해 얼마나 크게 걷느냐에 따라 도착점이 달라집니다.",
            ),
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
        raise ExpressionError(
            Text(
                "The formula has no finite value anywhere on the plotted domain.",
                "그린 범위 어디에서도 식의 값이 유한하지 않습니다.",
            ),
            None,
        )
    return _surface(
        "custom",
        _bind(expression.evaluate),
        dim=dim,
        domain=tuple(map(tuple, box)) if dim == 2 else tuple(box[0]),
        start=start,
        title=Text(f"f = {expression.text}", f"f = {expression.text}"),
        latex="f = " + expression.to_latex(),
        lesson=Text("Your own formula.", "직접 입력한 식입니다."),
        expression=expression,
    )


def _bind(evaluate: Callable[..., object]) -> Formula:
    def formula(*coords, xp: ModuleType):
        return evaluate(*coords, xp=xp)

    return formula
