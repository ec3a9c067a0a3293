"""Surfaces: formulas, domains, critical points, and safe custom formulas."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from lrviz import surfaces
from lrviz.surfaces import SURFACES, ExpressionError, from_expression, get

ALL = list(SURFACES.values())
IDS = [s.name for s in ALL]
REQUIRED = {
    1: {"quadratic", "double_well", "bumpy", "plateau", "cliff"},
    2: {"bowl", "ravine", "rosenbrock", "himmelblau", "beale", "saddle", "rastrigin", "ackley",
        "six_hump_camel"},
}


def test_every_required_id_is_registered_with_its_dimension():
    for dim, names in REQUIRED.items():
        for name in names:
            assert get(name).dim == dim


@pytest.mark.parametrize("surface", ALL, ids=IDS)
def test_declared_minima_have_zero_gradient_and_the_listed_values(surface):
    grad = jax.jit(jax.grad(surface.fn))
    # A gradient scale for the tolerance: the typical slope at the start.
    scale = max(float(jnp.linalg.norm(grad(jnp.asarray(surface.start, jnp.float32)))), 1.0)
    for point in surface.minima[:40]:
        g = grad(jnp.asarray(point, jnp.float32))
        assert float(jnp.linalg.norm(g)) < 2e-4 * scale * max(1.0, np.abs(point).max()) ** 2, point
    values = [surface.numpy(*np.asarray(p)) for p in surface.minima]
    assert values == sorted(values), "minima are listed lowest first"
    assert all(math.isclose(v, surface.f_min, abs_tol=1e-9) for v in values[: surface.n_global])


@pytest.mark.parametrize("surface", ALL, ids=IDS)
def test_numpy_and_jax_formulas_agree(surface):
    axes = [np.linspace(lo, hi, 7) for lo, hi in surface.bounds]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, surface.dim)
    in_jax = np.asarray(jax.vmap(surface.fn)(jnp.asarray(grid, jnp.float32)))
    in_numpy = surface.numpy(*grid.T)
    np.testing.assert_allclose(in_jax, in_numpy, rtol=1e-4, atol=1e-4)


def _close(points, expected, tol=1e-4):
    return any(np.allclose(p, expected, atol=tol) for p in points)


def test_textbook_minima():
    assert get("rosenbrock").global_minima == ((1.0, 1.0),)
    himmelblau = get("himmelblau")
    assert himmelblau.n_global == 4
    for point in [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]:
        assert _close(himmelblau.global_minima, point)
    assert _close(get("beale").global_minima, (3.0, 0.5))
    camel = get("six_hump_camel")
    assert camel.n_global == 2 and len(camel.local_minima) == 4
    assert _close(camel.global_minima, (0.0898, -0.7126), tol=1e-3)
    assert camel.f_min == pytest.approx(-1.0316, abs=1e-4)
    for name in ("rastrigin", "ackley", "bowl", "ravine"):
        assert get(name).global_minima[0] == pytest.approx((0.0, 0.0), abs=1e-9)
        assert get(name).f_min == pytest.approx(0.0, abs=1e-9)
    assert len(get("rastrigin").local_minima) > 50


def test_saddle_surface_has_its_saddle_between_two_minima():
    saddle = get("saddle")
    assert _close(saddle.saddles, (0.0, 0.0))
    assert sorted(saddle.global_minima) == [(0.0, -1.0), (0.0, 1.0)]
    assert saddle.f_min == pytest.approx(-0.25)
    # The default start is near the saddle, so the lesson shows.
    assert np.linalg.norm(np.subtract(saddle.start, (0, 0))[1]) < 0.05


def test_one_dimensional_lessons_start_where_they_should():
    well = get("double_well")
    ((glob,),), ((local,),) = well.global_minima, well.local_minima
    assert glob < 0 < local
    assert well.start[0] > local, "the double well starts in the basin of its local minimum"
    bumpy = get("bumpy")
    nearest = min(bumpy.minima, key=lambda m: abs(m[0] - bumpy.start[0]))
    assert nearest in bumpy.local_minima, "the bumpy bowl starts in a local basin"


def test_parameters_of_quadratic_and_ravine():
    assert get("quadratic", a=4.0).numpy(np.array(1.0)) == pytest.approx(2.0)
    ravine = get("ravine", kappa=100)
    assert ravine.numpy(np.array(0.0), np.array(1.0)) == pytest.approx(50.0)
    with pytest.raises(ValueError, match="kappa"):
        get("ravine", kappa=0.5)
    with pytest.raises(ValueError, match="takes no parameters"):
        get("rosenbrock", a=1)
    with pytest.raises(ValueError, match="unknown surface"):
        get("banana")


def test_from_expression_finds_minima_and_is_cached():
    surface = from_expression("(x - 1)^2 + 0.5", 1)
    assert surface.dim == 1 and surface.global_minima[0] == pytest.approx((1.0,), abs=1e-6)
    assert surface.f_min == pytest.approx(0.5)
    assert from_expression("(x - 1)^2 + 0.5", 1) is surface
    two = from_expression("x^2 + 2*y^2 + x*y", 2)
    assert two.global_minima[0] == pytest.approx((0.0, 0.0), abs=1e-6)
    assert jax.grad(two.fn)(jnp.array([1.0, 1.0])).tolist() == pytest.approx([3.0, 5.0])


@pytest.mark.parametrize("text", ["__import__('os')", "x +", "y", "z**2", "log(-1 - x^2)"])
def test_from_expression_rejects_bad_formulas(text):
    with pytest.raises(ExpressionError):
        surfaces.from_expression(text, 1)


def test_the_domain_knows_its_span_and_what_it_contains():
    ravine = get("ravine")
    (x_lo, x_hi), (y_lo, y_hi) = ravine.bounds
    assert ravine.span == max(x_hi - x_lo, y_hi - y_lo)
    corner, middle = [x_lo, y_hi], [(x_lo + x_hi) / 2, (y_lo + y_hi) / 2]
    points = np.array([corner, middle, [x_hi + 1e-9, 0.0], [np.nan, 0.0], [0.0, -np.inf]])
    assert ravine.contains(points).tolist() == [True, True, False, False, False]
    assert get("quadratic").contains(np.array([[0.0], [1e9]])).tolist() == [True, False]
