"""Schedule-free SGD and AdamW: the ``schedulefree`` package's numbers, derived by hand.

On f(θ) = a·θ²/2 with a = 2 (g = 2θ) from θ₀ = 1. The package's update k (from 0), written in
its three sequences (the form of its ``*Reference`` classes; lrviz updates y in place as the main
classes do, so this is an independent derivation):

    γ_k = lr · min(1, (k + 1)/W)            (W = warmup_steps; no warm-up when W = 0)
    w_k = (k + 1)^r · (max_{j≤k} γ_j)^p     (p = weight_lr_power),  c = w_k / Σ_{j≤k} w_j
    d_k = ∇f(y_k) + λ·y_k                    (SGD)
    d_k = g / (√(v_{k+1} / (1 − β₂^{k+1})) + ε) + λ·y_k,  v_{k+1} = β₂ v_k + (1 − β₂) g²   (AdamW)
    z ← z − γ_k d_k,   x ← (1 − c)·x + c·z,   y ← β·x + (1 − β)·z

with x₀ = y₀ = z₀ = θ₀; the loss is evaluated at x (``optimizer.eval()``), gradients at y.
"""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np
import optax
import pytest

from lrviz import engine
from lrviz.optimizers import eval_params, make


def package_reference(kind: str, lr: float, steps: int, *, beta: float = 0.9, b2: float = 0.999,
                      eps: float = 1e-8, wd: float = 0.0, warmup: int = 0, r: float = 0.0,
                      p: float = 2.0, a: float = 2.0, theta0: float = 1.0) -> list[tuple[float, float]]:
    """(y, x) after each update, from the formulas above in plain Python floats (float64)."""
    x = y = z = theta0
    v, lr_max, weight_sum, out = 0.0, -1.0, 0.0, []
    for k in range(steps):
        gamma = lr * ((k + 1) / warmup if k < warmup else 1.0)
        lr_max = max(lr_max, gamma)
        weight = (k + 1) ** r * lr_max**p
        weight_sum += weight
        c = weight / weight_sum if weight_sum else 0.0
        g = a * y
        if kind == "sgd":
            d = g + wd * y
        else:
            v = b2 * v + (1 - b2) * g * g
            d = g / (math.sqrt(v / (1 - b2 ** (k + 1))) + eps) + wd * y
        z = z - gamma * d
        x = (1 - c) * x + c * z
        y = beta * x + (1 - beta) * z
        out.append((y, x))
    return out


def ours(name: str, lr: float, steps: int, **params) -> list[tuple[float, float]]:
    """(y, x) after each update of ``make(name, lr, **params)``: the weights and ``eval_params``."""
    tx = make(name, lr, **params)
    theta = jnp.array([1.0], jnp.float32)
    state = tx.init(theta)
    out = []
    for _ in range(steps):
        updates, state = tx.update(2.0 * theta, state, theta)
        theta = optax.apply_updates(theta, updates)
        out.append((float(theta[0]), float(eval_params(name, state, theta)[0])))
    return out


# (optimizer, lr, params, hand-derived (y, x) after updates 1, 2, 3)
CASES = [
    # SGD, defaults (β = 0.9, no warm-up, r = 0, p = 2: c = 1, 1/2, 1/3).
    # k=0: c = 1, d = 2, z₁ = 0.8, x₁ = z₁ = 0.8, y₁ = 0.8.
    # k=1: c = 0.01/0.02 = 0.5, d = 1.6, z₂ = 0.64, x₂ = 0.4 + 0.32 = 0.72, y₂ = 0.648 + 0.064 = 0.712.
    # k=2: c = 1/3, d = 1.424, z₃ = 0.4976, x₃ = 0.48 + 0.16586667 = 0.64586667,
    #      y₃ = 0.58128 + 0.04976 = 0.63104.
    ("sgd_schedule_free", 0.1, {}, [(0.8, 0.8), (0.712, 0.72), (0.63104, 0.64586667)]),
    # SGD, warm-up W = 2 and L2 decay λ = 0.5 at y (d = 2.5·y):
    # k=0: γ = 0.05, w = 0.0025, c = 1, d = 2.5, z₁ = 0.875 = x₁ = y₁.
    # k=1: γ = 0.1, w = 0.01, Σ = 0.0125, c = 0.8, d = 2.1875, z₂ = 0.65625,
    #      x₂ = 0.175 + 0.525 = 0.7, y₂ = 0.63 + 0.065625 = 0.695625.
    # k=2: c = 0.01/0.0225 = 4/9, d = 1.7390625, z₃ = 0.48234375,
    #      x₃ = (5/9)·0.7 + (4/9)·0.48234375 = 0.60326389, y₃ = 0.5429375 + 0.04823438 = 0.59117188.
    ("sgd_schedule_free", 0.1, {"warmup_steps": 2, "weight_decay": 0.5},
     [(0.875, 0.875), (0.695625, 0.7), (0.59117188, 0.60326389)]),
    # SGD, W = 2, r = 1, p = 0: w = k + 1, so c = 1, 2/3, 1/2 (the rates do not weigh in).
    # k=0: γ = 0.05, z₁ = 0.9 = x₁ = y₁. k=1: γ = 0.1, d = 1.8, z₂ = 0.72, x₂ = 0.3 + 0.48 = 0.78,
    # y₂ = 0.702 + 0.072 = 0.774. k=2: d = 1.548, z₃ = 0.5652, x₃ = 0.39 + 0.2826 = 0.6726,
    # y₃ = 0.60534 + 0.05652 = 0.66186.
    ("sgd_schedule_free", 0.1, {"warmup_steps": 2, "r": 1.0, "weight_lr_power": 0.0},
     [(0.9, 0.9), (0.774, 0.78), (0.66186, 0.6726)]),
    # AdamW, defaults. k=0: v₁ = 0.004, v₁/(1 − 0.999) = 4, d = 2/(2 + 1e-8) ≈ 1, z₁ = x₁ = y₁ = 0.9.
    # k=1: c = 0.5, g = 1.8, v₂ = 0.003996 + 0.00324 = 0.007236, /0.001999 = 3.6198099, √ = 1.9025798,
    #      d = 0.94608383, z₂ = 0.80539162, x₂ = 0.45 + 0.40269581 = 0.85269581,
    #      y₂ = 0.76742623 + 0.08053916 = 0.84796539.
    # k=2: c = 1/3, g = 1.69593078, d = 0.92360140, z₃ = 0.71303148, x₃ = 0.80614103, y₃ = 0.79683008.
    ("adamw_schedule_free", 0.1, {}, [(0.9, 0.9), (0.84796539, 0.85269581), (0.79683008, 0.80614103)]),
    # AdamW, β = (0.5, 0.5), ε = 0.1, decay λ = 0.5 at y, W = 2:
    # k=0: γ = 0.05, v₁ = 2, /0.5 = 4, d = 2/2.1 + 0.5 = 1.45238095, z₁ = 0.92738095 = x₁ = y₁.
    # k=1: γ = 0.1, c = 0.8, g = 1.8547619, v₂ = 1 + 1.72006803 = 2.72006803, /0.75 = 3.62675737,
    #      √ = 1.90440472, d = 1.8547619/2.00440472 + 0.46369048 = 1.38903303, z₂ = 0.78847765,
    #      x₂ = 0.18547619 + 0.63078212 = 0.81625831, y₂ = 0.5·x₂ + 0.5·z₂ = 0.80236798.
    # k=2: c = 4/9, d = 1.27356071, z₃ = 0.66112158, x₃ = 0.74730865, y₃ = 0.70421512.
    ("adamw_schedule_free", 0.1, {"betas": (0.5, 0.5), "eps": 0.1, "weight_decay": 0.5, "warmup_steps": 2},
     [(0.92738095, 0.92738095), (0.80236798, 0.81625831), (0.70421512, 0.74730865)]),
]
IDS = ["sgd", "sgd-warmup-decay", "sgd-r-power", "adamw", "adamw-warmup-decay"]


@pytest.mark.parametrize(("name", "lr", "params", "expected"), CASES, ids=IDS)
def test_three_steps_match_hand_derived_package_numbers(name, lr, params, expected):
    np.testing.assert_allclose(ours(name, lr, 3, **params), expected, rtol=1e-5)


@pytest.mark.parametrize(("name", "lr", "params", "expected"), CASES, ids=IDS)
def test_hand_numbers_are_the_formulas(name, lr, params, expected):
    """The comments' arithmetic, redone by the formulas in float64 (a typo in a number fails here)."""
    kind = "sgd" if name.startswith("sgd") else "adamw"
    keys = {"weight_decay": "wd", "warmup_steps": "warmup", "weight_lr_power": "p", "eps": "eps", "r": "r"}
    kw = {keys[k]: v for k, v in params.items() if k in keys}
    if "betas" in params:
        kw["beta"], kw["b2"] = params["betas"]
    np.testing.assert_allclose(package_reference(kind, lr, 3, **kw), expected, rtol=2e-8)


@pytest.mark.parametrize("name", ["sgd_schedule_free", "adamw_schedule_free"])
def test_longer_runs_follow_the_package(name):
    """Thirty updates with every parameter moved, against the formulas (float32 against float64)."""
    params = {"weight_decay": 0.05, "warmup_steps": 5, "r": 0.5, "weight_lr_power": 1.5}
    params |= {"momentum": 0.8} if name.startswith("sgd") else {"betas": (0.8, 0.99), "eps": 1e-3}
    kind = "sgd" if name.startswith("sgd") else "adamw"
    expected = package_reference(kind, 0.05, 30, beta=0.8, b2=0.99, eps=1e-3, wd=0.05, warmup=5, r=0.5, p=1.5)
    np.testing.assert_allclose(ours(name, 0.05, 30, **params), expected, rtol=2e-5, atol=1e-6)


def test_a_run_keeps_x_as_its_points_and_y_as_its_gradient_points():
    run = engine.run("quadratic", "sgd_schedule_free", lr=0.1, steps=3, start=(1.0,),
                     optimizer_params={"warmup_steps": 2, "weight_decay": 0.5})
    np.testing.assert_allclose(run.points[:, 0], [1.0, 0.875, 0.7, 0.60326389], rtol=1e-5)
    np.testing.assert_allclose(run.gradient_points[:, 0], [1.0, 0.875, 0.695625, 0.59117188], rtol=1e-5)
    np.testing.assert_allclose(run.losses, run.points[:, 0] ** 2, rtol=1e-5)  # the loss at x
    np.testing.assert_allclose(run.grads[:, 0], 2 * run.gradient_points[:-1, 0], rtol=1e-5)  # ∇f at y
    np.testing.assert_allclose(run.lrs, [0.05, 0.1, 0.1], rtol=1e-6)  # with the package's warm-up
    assert engine.run("quadratic", "adamw", lr=0.1, steps=3).gradient_points is None


def test_optax_contrib_agrees_at_a_constant_rate_and_not_with_warm_up():
    """optax.contrib.schedule_free_sgd gives the package's numbers with no warm-up; with
    ``warmup_steps`` its first step has rate 0 (lrviz._schedule_free lists why)."""
    theta = jnp.array([1.0])

    def optax_run(tx, steps=3):
        state, th, out = tx.init(theta), theta, []
        for _ in range(steps):
            updates, state = tx.update(2.0 * th, state, th)
            th = optax.apply_updates(th, updates)
            out.append((float(th[0]), float(optax.contrib.schedule_free_eval_params(state, th)[0])))
        return out

    plain = optax_run(optax.contrib.schedule_free_sgd(0.1, b1=0.9))
    np.testing.assert_allclose(plain, ours("sgd_schedule_free", 0.1, 3), rtol=1e-5)
    warm = optax_run(optax.contrib.schedule_free_sgd(0.1, warmup_steps=2, b1=0.9, weight_decay=0.5))
    assert warm[0] == (1.0, 1.0)  # optax's warm-up starts at rate 0: nothing moves
    assert not np.allclose(warm, ours("sgd_schedule_free", 0.1, 3, warmup_steps=2, weight_decay=0.5))
