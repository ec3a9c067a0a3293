"""Surfaces written out as code (``lrviz.export.surface``) compute lrviz's losses."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

from lrviz import surfaces
from lrviz.export.surface import ARRAY_MODULES, loss_function

TYPED = ["x^4/4 - x^2/2 + 0.3*sin(3*x)*y + y^2", "-x**2 + exp(-y) * cosh(x/3) + abs(y)^1.5",
         "2**-x + tanh(x*y) - arctan(y) / e + sqrt(x^2 + 1) * pi", "log(1 + x^2) - (-(x - 1))^3 / 5 + y"]
ENTRIES = [*surfaces.SURFACES.values(), surfaces.get("quadratic", a=0.5), surfaces.get("ravine", kappa=100.0),
           *(surfaces.from_expression(text, 2) for text in TYPED),
           surfaces.from_expression("sin(x) - x^3", 1)]
IDS = [*surfaces.SURFACES, "quadratic-a", "ravine-kappa", *(f"typed{k}" for k in range(len(TYPED))),
       "typed1d"]


def _jax_loss(surface):
    namespace = {"jnp": jnp, "math": __import__("math")}
    exec("\n".join(loss_function(surface, "optax", "doc")), namespace)  # our own generated code
    return namespace["loss_fn"]


@pytest.mark.parametrize("surface", ENTRIES, ids=IDS)
def test_written_surface_is_lrvizs_in_float32(surface):
    loss_fn = _jax_loss(surface)
    rng = np.random.default_rng(0)
    lo, hi = surface.bounds[:, 0], surface.bounds[:, 1]
    for point in [*rng.uniform(lo, hi, (20, surface.dim)), np.zeros(surface.dim)]:
        p = jnp.asarray(point, jnp.float32)
        np.testing.assert_allclose(float(loss_fn(p)), float(surface.fn(p)), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("library", list(ARRAY_MODULES))
def test_each_library_calls_its_own_functions(library):
    lines = loss_function(surfaces.get("ackley"), library, "doc")
    xp = ARRAY_MODULES[library]
    assert f"{xp}.exp(" in "\n".join(lines) and f"{xp}.where(" in "\n".join(lines)
    assert lines[0] == "def loss_fn(p):" and lines[2] == "    x, y = p[0], p[1]"
    assert "t1 = 0.5 * (x ** 2 + y ** 2)" in lines[3]  # used three times: written once


def test_constants_read_as_constants():
    text = "\n".join(loss_function(surfaces.get("rastrigin"), "torch", "doc"))
    assert "torch.cos(2 * math.pi * x)" in text
    typed = "\n".join(loss_function(surfaces.from_expression("pi*x^2 + e", 1), "torch", "doc"))
    assert "math.pi * x ** 2 + math.e" in typed


def test_a_formula_that_branches_in_python_is_refused():
    from lrviz.export.surface import trace

    quadratic = surfaces.get("quadratic")
    branching = surfaces.Surface("odd", 1, lambda x, xp: x if x > 0 else -x, (-1.0, 1.0), (0.5,), (), 0, (),
                                 (), quadratic.title, "", quadratic.lesson)
    with pytest.raises(TypeError, match="where"):
        trace(branching)
