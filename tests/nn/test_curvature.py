"""Sharpness by Lanczos on Hessian-vector products, against eigenvalues known in closed form."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.flatten_util import ravel_pytree

from lrviz.nn import curvature, mlp, sharpness


def _quadratic(eigenvalues: np.ndarray, seed: int = 0):
    """½ xᵀAx with A = Q diag(eigenvalues) Qᵀ for a random rotation Q, on weights {"a": (n-3,), "b": (3,)}."""
    n = eigenvalues.size
    q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))
    a = jnp.asarray((q * eigenvalues) @ q.T, jnp.float32)

    def loss(params):
        x = jnp.concatenate([params["a"], params["b"]])
        return 0.5 * x @ a @ x

    return loss, {"a": jnp.ones(n - 3), "b": jnp.zeros(3)}


def test_the_largest_eigenvalue_of_a_rotated_quadratic_with_a_separated_top():
    spectrum = np.concatenate([[10.0, 6.0], np.random.default_rng(1).uniform(-4.0, 4.0, 58)])
    loss, params = _quadratic(spectrum)
    assert sharpness(loss, params) == pytest.approx(10.0, rel=1e-3)


def test_the_top_eigenvalue_not_the_largest_magnitude():
    loss, params = _quadratic(np.array([-9.0, -5.0, -2.0, 1.5, 1.0, 0.5, 0.25, 0.1]))
    assert sharpness(loss, params) == pytest.approx(1.5, rel=1e-3)  # power iteration would find -9


def test_a_spectrum_with_few_distinct_values_closes_the_krylov_space_early_and_stays_exact():
    values = np.array([3.0] * 5 + [1.0] * 10 + [-2.0] * 5)
    loss, params = _quadratic(values)
    top = curvature.eigen(loss, params, iters=20)
    assert top.value == pytest.approx(3.0, rel=1e-4)
    v = ravel_pytree(top.vector)[0]
    hv = ravel_pytree(curvature.hvp(loss, params, top.vector))[0]
    assert float(jnp.linalg.norm(v)) == pytest.approx(1.0, rel=1e-5)
    assert float(jnp.linalg.norm(hv - 3.0 * v)) < 1e-3


def test_a_tiny_mlp_against_its_full_hessian():
    shape = mlp.Shape(2, 6, 1, 2)
    params = mlp.init(shape, 3)
    rng = np.random.default_rng(0)
    x = jnp.asarray(rng.standard_normal((40, 2)), jnp.float32)
    y = jnp.asarray(rng.integers(0, 2, 40))
    flat, unravel = ravel_pytree(params)

    def loss(p):
        return mlp.loss(p, x, y)

    hessian = jax.hessian(lambda f: loss(unravel(f)))(flat)  # 32 × 32: affordable here only
    exact = float(np.linalg.eigvalsh(np.asarray(hessian, np.float64))[-1])
    assert sharpness(loss, params, iters=30) == pytest.approx(exact, rel=1e-3)


def test_a_warm_start_from_the_eigenvector_needs_a_couple_of_products():
    spectrum = np.concatenate([[8.0, 7.0], np.linspace(-3.0, 3.0, 40)])
    loss, params = _quadratic(spectrum, seed=4)
    first = curvature.eigen(loss, params, iters=30)
    assert sharpness(loss, params, iters=2, start=first.vector) == pytest.approx(8.0, rel=1e-4)
    cold = sharpness(loss, params, iters=2, seed=5)
    assert cold < 7.9  # two products from a random start are not enough here


def test_one_compiled_program_per_loss_function():
    loss, params = _quadratic(np.linspace(-1.0, 2.0, 12))
    sharpness(loss, params, iters=7)
    before = curvature._eigen._cache_size()
    for seed in range(3):
        sharpness(loss, params, iters=7, seed=seed)
    assert curvature._eigen._cache_size() == before


@pytest.mark.parametrize(("kwargs", "match"), [
    (dict(iters=0), "iters"),
    (dict(iters=2.5), "iters"),
    (dict(start=jnp.ones(3)), "start"),
    (dict(start={"a": jnp.zeros(9), "b": jnp.zeros(3)}), "non-zero"),
])
def test_bad_arguments_name_themselves(kwargs, match):
    loss, params = _quadratic(np.linspace(-1.0, 2.0, 12))
    with pytest.raises(ValueError, match=match):
        sharpness(loss, params, **kwargs)
