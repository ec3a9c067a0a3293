"""lrviz.optimizers: torch.optim's numbers, derived by hand on f(θ) = a·θ²/2 (so g = a·θ)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from lrviz import optimizers
from lrviz.optimizers import OPTIMIZERS, OptimizerSpec, direction, make


def _two_steps(name: str, lr: float, a: float = 2.0, theta0: float = 1.0, **params) -> list[float]:
    """θ₁, θ₂ after two updates of ``make(name, lr, **params)`` on f(θ) = a·θ²/2."""
    tx = make(name, lr, **params)
    theta = jnp.array([theta0], jnp.float32)
    state = tx.init(theta)
    out = []
    for _ in range(2):
        updates, state = tx.update(a * theta, state, theta)
        theta = optax.apply_updates(theta, updates)
        out.append(float(theta[0]))
    return out


# Each case: (name, lr, params, expected θ₁, θ₂), with a = 2 and θ₀ = 1, so g₁ = 2 (+ λ for L2 decay).
CASES = [
    # SGD: θ₁ = 1 − 0.1·2 = 0.8; g₂ = 1.6, θ₂ = 0.8 − 0.16 = 0.64.
    ("sgd", 0.1, {}, 0.8, 0.64),
    # momentum 0 makes dampening a no-op (torch skips the buffer): same as plain SGD.
    ("sgd", 0.1, {"dampening": 0.5}, 0.8, 0.64),
    # μ=0.9, τ=0.5, λ=0.1: g₁ = 2 + 0.1 = 2.1, b₁ = g₁ (no dampening at step 1), θ₁ = 1 − 0.21 = 0.79;
    # g₂ = 2.1·0.79 = 1.659, b₂ = 0.9·2.1 + 0.5·1.659 = 1.89 + 0.8295 = 2.7195, θ₂ = 0.79 − 0.27195 = 0.51805.
    ("sgd", 0.1, {"momentum": 0.9, "dampening": 0.5, "weight_decay": 0.1}, 0.79, 0.51805),
    # momentum (μ=0.9): b₁ = 2, θ₁ = 0.8; g₂ = 1.6, b₂ = 1.8 + 1.6 = 3.4, θ₂ = 0.8 − 0.34 = 0.46.
    ("momentum", 0.1, {}, 0.8, 0.46),
    # Nesterov (μ=0.9): b₁ = 2, d₁ = 2 + 0.9·2 = 3.8, θ₁ = 1 − 0.38 = 0.62;
    # g₂ = 1.24, b₂ = 1.8 + 1.24 = 3.04, d₂ = 1.24 + 0.9·3.04 = 3.976, θ₂ = 0.62 − 0.3976 = 0.2224.
    ("nesterov", 0.1, {}, 0.62, 0.2224),
    ("sgd", 0.1, {"momentum": 0.9, "nesterov": True}, 0.62, 0.2224),
    # Adagrad: s₁ = 4, d₁ = 2/(2 + 1e-10) ≈ 1, θ₁ = 0.9; g₂ = 1.8, s₂ = 4 + 3.24 = 7.24,
    # √7.24 = 2.6907248, d₂ = 1.8/2.6907248 = 0.6689647, θ₂ = 0.9 − 0.06689647 = 0.83310353.
    ("adagrad", 0.1, {}, 0.9, 0.83310353),
    # lr_decay=0.5, s₀=1, λ=0.5 (g = 2.5θ), ε=0.1 outside the root:
    # g₁ = 2.5, s₁ = 1 + 6.25 = 7.25, √7.25 = 2.6925824, d₁ = 2.5/2.7925824 = 0.89522873, θ₁ = 0.91047713;
    # g₂ = 2.5·θ₁ = 2.2761928, s₂ = 7.25 + 5.1810538 = 12.4310537, √s₂ = 3.5257700,
    # d₂ = 2.2761928/3.6257700/(1 + 1·0.5) = 0.41852128, θ₂ = 0.91047713 − 0.04185213 = 0.868625.
    ("adagrad", 0.1, {"lr_decay": 0.5, "initial_accumulator_value": 1.0, "weight_decay": 0.5, "eps": 0.1},
     0.91047713, 0.86862500),
    # RMSprop (α=0.99), lr 0.01: s₁ = 0.01·4 = 0.04, d₁ = 2/0.2 = 10, θ₁ = 0.9;
    # g₂ = 1.8, s₂ = 0.99·0.04 + 0.01·3.24 = 0.072, d₂ = 1.8/0.26832816 = 6.7082039, θ₂ = 0.83291796.
    ("rmsprop", 0.01, {}, 0.9, 0.83291796),
    # centered, μ=0.5, λ=0.5 (g = 2.5θ), α=0.9, ε=0.25 outside the root:
    # g₁ = 2.5, s₁ = 0.625, ḡ₁ = 0.25, den₁ = √(0.625 − 0.0625) + 0.25 = 0.75 + 0.25 = 1,
    # b₁ = 2.5, θ₁ = 1 − 0.025 = 0.975;
    # g₂ = 2.4375, s₂ = 0.5625 + 0.59414063 = 1.15664063, ḡ₂ = 0.225 + 0.24375 = 0.46875,
    # den₂ = √(1.15664063 − 0.21972656) + 0.25 = √0.93691406 + 0.25 = 1.21794321,
    # b₂ = 0.5·2.5 + 2.4375/1.21794321 = 1.25 + 2.00132484 = 3.25132484, θ₂ = 0.975 − 0.03251325 = 0.94248675.
    ("rmsprop", 0.01, {"centered": True, "momentum": 0.5, "weight_decay": 0.5, "alpha": 0.9, "eps": 0.25},
     0.975, 0.94248675),
    # Adam: m₁ = 0.2, v₁ = 0.004, d₁ = (0.2/0.1)/(√0.004/√0.001 + 1e-8) ≈ 1, θ₁ = 0.9;
    # g₂ = 1.8, m₂ = 0.18 + 0.18 = 0.36, v₂ = 0.003996 + 0.00324 = 0.007236,
    # d₂ = (0.36/0.19)/√(0.007236/0.001999) = 1.8947368/1.9025798 = 0.9958777,
    # θ₂ = 0.9 − 0.09958777 = 0.80041223.
    ("adam", 0.1, {}, 0.9, 0.80041223),
    # L2 λ=0.5 (g = 2.5θ), ε=0.1 outside the root: d₁ = 2.5/(2.5 + 0.1) = 0.96153846, θ₁ = 0.90384615;
    # g₂ = 2.2596154, m₂ = 0.225 + 0.22596154 = 0.45096154, v₂ = 0.00624375 + 0.00510586 = 0.01134961,
    # d₂ = (0.45096154/0.19)/(√0.01134961/√0.001999 + 0.1) = 2.3734818/(2.3827737 + 0.1) = 0.95597715,
    # θ₂ = 0.90384615 − 0.09559772 = 0.80824844.
    ("adam", 0.1, {"weight_decay": 0.5, "eps": 0.1}, 0.90384615, 0.80824844),
    # AMSGrad, β = (0.5, 0.5), lr 0.75: m₁ = 1, v₁ = 2, d₁ = (1/0.5)/(√2/√0.5) = 1, θ₁ = 0.25;
    # g₂ = 0.5, m₂ = 0.75, v₂ = 1 + 0.125 = 1.125 < v̂ = max(2, 1.125) = 2,
    # d₂ = (0.75/0.75)/(√2/√0.75) = 1/1.6329932 = 0.6123724, θ₂ = 0.25 − 0.4592793 = −0.2092793.
    # (Without the max: d₂ = 1/√1.5 = 0.8164966; optax.amsgrad's max of v/(1−β₂ᵏ) would give d₂ = 0.5.)
    ("adam", 0.75, {"betas": (0.5, 0.5), "amsgrad": True}, 0.25, -0.20927932),
    ("adam", 0.75, {"betas": (0.5, 0.5)}, 0.25, -0.36237243),
    # AdamW (λ=0.01 decoupled): d₁ = 1 + 0.01·1 = 1.01, θ₁ = 0.899; g₂ = 1.798 (no λ in g),
    # m₂ = 0.18 + 0.1798 = 0.3598, v₂ = 0.003996 + 0.0032328 = 0.0072288,
    # d₂ = 1.8936842/1.9016335 + 0.01·0.899 = 0.99581973 + 0.00899 = 1.00480973,
    # θ₂ = 0.899 − 0.10048097 = 0.79851903.
    ("adamw", 0.1, {}, 0.899, 0.79851903),
    # AdamW λ=0.2, AMSGrad, β = (0.5, 0.5), lr 0.4: d₁ = 1 + 0.2 = 1.2, θ₁ = 1 − 0.48 = 0.52;
    # g₂ = 1.04, m₂ = 0.5 + 0.52 = 1.02, v₂ = 1 + 0.5408 = 1.5408 < 2,
    # d₂ = (1.02/0.75)/(√2/√0.75) + 0.2·0.52 = 1.36/1.6329932 + 0.104 = 0.8328265 + 0.104 = 0.9368265,
    # θ₂ = 0.52 − 0.3747306 = 0.1452694.
    ("adamw", 0.4, {"weight_decay": 0.2, "betas": (0.5, 0.5), "amsgrad": True}, 0.52, 0.14526940),
]


@pytest.mark.parametrize(("name", "lr", "params", "theta1", "theta2"), CASES)
def test_two_steps_match_hand_derived_torch_numbers(name, lr, params, theta1, theta2):
    np.testing.assert_allclose(_two_steps(name, lr, **params), [theta1, theta2], rtol=1e-5)


def test_registry_order():
    assert list(OPTIMIZERS) == ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw",
                                "sgd_schedule_free", "adamw_schedule_free"]


# torch.optim's defaults, written out (the registry must agree with them).
TORCH_DEFAULTS = {
    "sgd": {"momentum": 0.0, "dampening": 0.0, "nesterov": False, "weight_decay": 0.0},
    "momentum": {"momentum": 0.9, "dampening": 0.0, "weight_decay": 0.0},
    "nesterov": {"momentum": 0.9, "weight_decay": 0.0},
    "adagrad": {"lr_decay": 0.0, "weight_decay": 0.0, "initial_accumulator_value": 0.0, "eps": 1e-10},
    "rmsprop": {"alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0, "centered": False},
    "adam": {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False},
    "adamw": {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 1e-2, "amsgrad": False},
    # schedulefree.SGDScheduleFree and AdamWScheduleFree (the package's own defaults).
    "sgd_schedule_free": {"momentum": 0.9, "weight_decay": 0.0, "warmup_steps": 0, "r": 0.0,
                          "weight_lr_power": 2.0},
    "adamw_schedule_free": {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "warmup_steps": 0,
                            "r": 0.0, "weight_lr_power": 2.0},
}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_defaults_are_torchs_and_pass_their_own_check(name):
    spec = OPTIMIZERS[name]
    assert spec.defaults() == TORCH_DEFAULTS[name]
    assert spec.resolve() == spec.defaults()
    if spec.check is not None:
        spec.check(spec.defaults(), 0.1)


def test_adamw_default_weight_decay_is_torchs():
    assert OPTIMIZERS["adamw"].param("weight_decay").default == 1e-2


def _problem():
    theta = {"w": jnp.array([1.0, -2.0]), "b": jnp.array(0.5)}
    grad = jax.grad(lambda t: jnp.sum(t["w"] ** 2) + 3 * t["b"] ** 2)
    return theta, grad


def _run(tx, steps=3):
    """θ after ``steps`` updates of ``tx``, traced (call it under ``jax.jit``)."""
    theta, grad = _problem()
    state = tx.init(theta)
    for _ in range(steps):
        updates, state = tx.update(grad(theta), state, theta)
        theta = optax.apply_updates(theta, updates)
    return theta


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_make_with_a_float_or_a_schedule_under_jit(name):
    constant, scheduled, halving = jax.jit(
        lambda: (
            _run(make(name, 0.05)),
            _run(make(name, lambda count: 0.05 * jnp.ones_like(count, jnp.float32))),
            _run(make(name, lambda count: 0.05 * 0.5**count)),
        )
    )()
    for leaf, same in zip(jax.tree.leaves(constant), jax.tree.leaves(scheduled), strict=True):
        assert np.all(np.isfinite(leaf))
        np.testing.assert_allclose(same, leaf, rtol=1e-6)
    assert not np.allclose(constant["w"], halving["w"])


@pytest.mark.parametrize("name", [name for name, spec in OPTIMIZERS.items() if not spec.averaged])
def test_direction_is_the_update_without_the_rate(name):
    theta, grad = _problem()
    g = grad(theta)
    tx_dir = direction(name, OPTIMIZERS[name].resolve())
    tx = make(name, 0.3)
    d, _ = tx_dir.update(g, tx_dir.init(theta), theta)
    u, _ = tx.update(g, tx.init(theta), theta)
    for dl, ul in zip(jax.tree.leaves(d), jax.tree.leaves(u), strict=True):
        np.testing.assert_allclose(ul, -0.3 * dl, rtol=1e-6)


def _other_values(spec: OptimizerSpec) -> dict:
    """Every traced parameter moved (halved, or 0 → 0.1; a count 0 → 3), still valid."""
    moved = {}
    for p in spec.params:
        if p.traced:
            values = p.default if p.kind == "floats" else (p.default,)
            values = tuple(v // 2 if v else 3 for v in values) if p.kind == "int" else \
                tuple(v * 0.5 if v else 0.1 for v in values)
            moved[p.name] = values if p.kind == "floats" else values[0]
    return spec.resolve(moved)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_traced_hyper_parameters_do_not_recompile(name):
    spec = OPTIMIZERS[name]
    theta, grad = _problem()
    traces = []

    def make_step(static):
        @jax.jit
        def two_steps(traced, theta):
            traces.append(1)  # runs once per trace, not per call
            update = spec.stepper({**traced, **dict(static)})
            state = update.init(theta)
            for _ in range(2):
                theta, state, _ = update.apply(grad(theta), state, theta, jnp.float32(0.1))
            return theta

        return two_steps

    outputs = []
    step = None
    for resolved in (spec.resolve(), _other_values(spec)):
        traced, static = spec.split(resolved)
        step = step or make_step(static)
        outputs.append(step(traced, theta))
    assert len(traces) == 1
    assert not np.allclose(outputs[0]["w"], outputs[1]["w"])


@pytest.mark.parametrize(
    ("name", "params", "culprit"),
    [
        ("momentum", {"momentum": -0.5}, "`momentum`"),
        ("sgd", {"momentum": 1.5}, "`momentum`"),
        ("sgd", {"nesterov": True}, "`momentum`"),
        ("sgd", {"nesterov": True, "momentum": 0.9, "dampening": 0.5}, "`dampening`"),
        ("nesterov", {"momentum": 0.0}, "`momentum`"),
        ("adam", {"betas": (0.9, 1.0)}, "`betas`"),
        ("adam", {"betas": (-0.1, 0.9)}, "`betas`"),
        ("adamw", {"betas": (0.9,)}, "`betas`"),
        ("adam", {"eps": 0.0}, "`eps`"),
        ("rmsprop", {"eps": -1e-8}, "`eps`"),
        ("adagrad", {"eps": 0.0}, "`eps`"),
        ("rmsprop", {"alpha": 1.0}, "`alpha`"),
        ("sgd", {"weight_decay": -0.1}, "`weight_decay`"),
        ("adagrad", {"lr_decay": -1.0}, "`lr_decay`"),
        ("sgd_schedule_free", {"momentum": 0.0}, "`momentum`"),
        ("sgd_schedule_free", {"momentum": 1.0}, "`momentum`"),
        ("adamw_schedule_free", {"betas": (0.0, 0.999)}, "`betas`"),
        ("adamw_schedule_free", {"warmup_steps": 2.5}, "`warmup_steps`"),
        ("sgd_schedule_free", {"warmup_steps": -1}, "`warmup_steps`"),
        ("sgd_schedule_free", {"r": -1.0}, "`r`"),
        ("adamw_schedule_free", {"amsgrad": True}, "'amsgrad'"),
        ("adam", {"momentum": 0.9}, "'momentum'"),
        ("nesterov", {"dampening": 0.1}, "'dampening'"),
    ],
)
def test_bad_params_raise_naming_the_argument(name, params, culprit):
    with pytest.raises(ValueError, match=culprit):
        make(name, 0.1, **params)


@pytest.mark.parametrize("lr", [0.0, -0.1, float("nan"), float("inf"), True, "fast"])
def test_bad_lr_raises(lr):
    with pytest.raises(ValueError, match="`lr`"):
        make("sgd", lr)


def test_unknown_optimizer_lists_the_ids():
    with pytest.raises(ValueError, match=r"lion.*sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw"):
        make("lion", 0.1)
    with pytest.raises(ValueError, match="adamw"):
        optimizers.direction("Adam", {})
