"""The catapult valley f(x, y) = (xy − 1)²/2: exact derivatives, the sharpness along its valley of
minima, and the three regimes of gradient descent from its start (Lewkowycz et al. 2020)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from lrviz import engine
from lrviz.engine import diagnostics
from lrviz.surfaces import get

CATAPULT = get("catapult")


def test_gradient_and_hessian_are_the_closed_forms():
    # At (2, 3): xy − 1 = 5, ∇f = (5·3, 5·2) = (15, 10);
    # H = [[y², 2xy − 1], [2xy − 1, x²]] = [[9, 11], [11, 4]].
    point = jnp.array([2.0, 3.0])
    assert float(CATAPULT.fn(point)) == 12.5
    np.testing.assert_allclose(jax.grad(CATAPULT.fn)(point), [15.0, 10.0])
    np.testing.assert_allclose(jax.hessian(CATAPULT.fn)(point), [[9.0, 11.0], [11.0, 4.0]])
    np.testing.assert_allclose(diagnostics.hessian(CATAPULT, np.array([[2.0, 3.0]]))[0],
                               [[9.0, 11.0], [11.0, 4.0]], atol=1e-5)


@pytest.mark.parametrize("x", [0.5, 1.0, 2.0, 2.8, -1.5])
def test_on_the_valley_the_sharpness_is_x2_plus_y2_and_the_other_eigenvalue_zero(x):
    # On xy = 1 the Hessian is [[y², 1], [1, x²]]: trace x² + y², determinant x²y² − 1 = 0.
    y = 1 / x
    eig = diagnostics.eigenvalues(CATAPULT, (x, y))
    np.testing.assert_allclose(eig, [0.0, x**2 + y**2], atol=1e-5)
    np.testing.assert_allclose(jnp.linalg.eigvalsh(jax.hessian(CATAPULT.fn)(jnp.array([x, y]))),
                               [0.0, x**2 + y**2], atol=1e-4)


def test_minima_are_the_valley_listed_closer_than_the_tolerance_and_the_origin_a_saddle():
    points = np.asarray(CATAPULT.minima)
    assert CATAPULT.valley and CATAPULT.n_global == len(points) > 500
    assert np.all(points[:, 0] * points[:, 1] == 1.0)  # exactly on xy = 1, so the loss there is 0
    assert np.all(CATAPULT.numpy(*points.T) == 0.0) and CATAPULT.f_min == 0.0
    gaps = np.linalg.norm(np.diff(points, axis=0), axis=1)
    # Every gap but the jump between the branches: half a tolerance at most.
    assert np.sort(gaps)[-2] < 0.5 * diagnostics.tolerance(CATAPULT) + 1e-9
    assert np.all(np.abs(points) <= 3.5) and {np.sign(points[0, 0]), np.sign(points[-1, 0])} == {1.0, -1.0}
    assert CATAPULT.saddles == ((0.0, 0.0),)
    np.testing.assert_allclose(diagnostics.eigenvalues(CATAPULT, (0.0, 0.0)), [-1.0, 1.0], atol=1e-6)


def test_the_start_is_sharp_and_close_to_the_valley():
    # At (2.8, 0.4): H = [[0.16, 1.24], [1.24, 7.84]], λ₀ = (8 + √(7.68² + 4·1.24²))/2 = 8.0352.
    lam0 = (8 + np.sqrt(7.68**2 + 4 * 1.24**2)) / 2
    assert CATAPULT.start == (2.8, 0.4)
    np.testing.assert_allclose(diagnostics.lam_max(CATAPULT, CATAPULT.start), lam0, rtol=1e-6)
    np.testing.assert_allclose(lam0, 8.0352447, rtol=1e-7)


def test_three_regimes_below_two_over_lambda0_between_and_past_the_catapult():
    """Below 2/λ₀ ≈ 0.249 GD settles on the sharp valley under the start; from 2/λ₀ to 0.50 the
    loss climbs, then the run lands on a flatter point whose sharpness is below 2/η; from about
    0.505 on it diverges (100 steps, the playground's default)."""
    lam0 = diagnostics.lam_max(CATAPULT, CATAPULT.start)
    below = np.array([0.1, 0.2, 0.24])
    between = np.array([0.26, 0.3, 0.35, 0.4, 0.45, 0.5])
    past = np.array([0.505, 0.52, 0.55, 0.6, 0.8])
    runs = engine.runs(CATAPULT, np.concatenate([below, between, past]), "sgd", steps=100)
    for lr, run in zip(below, runs[:3], strict=True):
        assert lr < 2 / lam0 and run.status == "converged" and run.losses.max() == run.losses[0]
        assert diagnostics.lam_max(CATAPULT, run.points[-1]) > 0.98 * lam0  # about as sharp
    for lr, run in zip(between, runs[3:9], strict=True):
        lam_end = diagnostics.lam_max(CATAPULT, run.points[-1])
        assert lr > 2 / lam0 and run.status == "converged", lr
        assert run.losses.max() > run.losses[0] > run.losses[-1], lr  # climbs, then falls below the start
        assert lam_end < 2 / lr < lam0, lr  # lands where steps of this rate are stable: flatter
    for lr, run in zip(past, runs[9:], strict=True):
        assert run.status == "diverged", lr
