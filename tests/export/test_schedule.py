"""Code export: every snippet is valid Python, and the rates it produces are lrviz's.

The optax snippets are executed (our own generated code, with a stand-in loss)
and their ``schedule`` compared with :func:`lrviz.schedules.make` over the
first 300 updates. torch and Keras are not installed: their snippets are
parsed, the closed forms they carry (a LambdaLR's ``lr_lambda``, a Keras
``LearningRateSchedule``) are executed with ``math`` / a NumPy stand-in for
``keras.ops``, and the numbers passed to library classes are checked against
ours.
"""

from __future__ import annotations

import ast
import math
import re
import types

import jax.numpy as jnp
import numpy as np
import pytest

from lrviz import engine, optimizers, schedules
from lrviz.export.schedule import LIBRARIES, Setup, export, keras_code, optax_code, torch_code

STEPS = 300
T = np.arange(STEPS)
LR = 0.1
# Non-default parameters for every schedule (plus the defaults, tested separately).
CUSTOM = {
    "constant": {},
    "step": {"step_size": 7, "gamma": 0.5},
    "multistep": {"milestones": (5, 40, 40, 90), "gamma": 0.3},
    "exponential": {"gamma": 0.97},
    "time_based": {"decay_rate": 2.0, "decay_steps": 7, "staircase": True},
    "linear": {"start_factor": 0.05, "end_factor": 0.5, "total_iters": 60},
    "polynomial": {"total_iters": 150, "power": 2.5},
    "cosine": {"T_max": 80, "eta_min": 0.01},
    "cosine_restarts": {"T_0": 10, "T_mult": 2, "eta_min": 0.005},
    "warmup_cosine": {"warmup_steps": 30, "total_steps": 250, "eta_min": 0.002},
    "cyclic": {"base_lr": 0.02, "max_lr": 0.3, "step_size_up": 7, "step_size_down": 13, "mode": "exp_range",
               "gamma": 0.99},
    "onecycle": {"max_lr": 0.4, "total_steps": 220, "pct_start": 0.25, "anneal_strategy": "linear",
                 "div_factor": 10.0, "final_div_factor": 100.0, "three_phase": True},
    "plateau": {"factor": 0.5, "patience": 3, "threshold": 0.01, "threshold_mode": "abs", "cooldown": 2,
                "min_lr": 0.01},
}
CASES = [(name, {}) for name in schedules.SCHEDULES] + list(CUSTOM.items())
IDS = [f"{name}-{'custom' if params else 'default'}" for name, params in CASES]
EXTRA = [  # more shapes that take other branches of the templates
    ("cyclic", {"mode": "triangular2"}), ("cyclic", {"mode": "triangular", "step_size_up": 1}),
    ("onecycle", {"anneal_strategy": "cos", "three_phase": True}), ("onecycle", {"total_steps": 3}),
    ("cosine", {"T_max": 400}), ("time_based", {"staircase": False}), ("warmup_cosine", {"warmup_steps": 0}),
    ("cosine_restarts", {"T_0": 7, "T_mult": 1}),
]


def setup(name, params, optimizer="sgd", optimizer_params=None, steps=STEPS, lr=LR):
    sched = schedules.SCHEDULES[name].resolve(params, lr)
    opt = optimizers.OPTIMIZERS[optimizer].resolve(optimizer_params or {}, lr)
    return Setup(name, sched, lr, optimizer, opt, steps)


def ours(name, params, lr=LR):
    return np.asarray(schedules.make(name, lr, **params)(jnp.asarray(T)))


def close(got, want):
    """float32 agreement: rtol 1e-5, plus 1e-6 of the largest rate (1 + cos near -1 cancels)."""
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6 * float(np.max(np.abs(want))))


@pytest.mark.parametrize(("name", "params"), CASES, ids=IDS)
@pytest.mark.parametrize("optimizer", list(optimizers.OPTIMIZERS))
def test_every_snippet_is_valid_python(name, params, optimizer):
    opt_params = {"weight_decay": 0.01} if optimizer in ("sgd", "adam", "rmsprop") and params else {}
    for library, code in export(setup(name, params, optimizer, opt_params)).items():
        ast.parse(code, filename=f"{library}-{name}.py")
        assert code.endswith("\n") and "None" not in code.replace("is None", ""), (library, code)


def _run_optax(code: str, loss_fn=None, start=(1.0, -0.5), loop=None) -> dict:
    """Execute an optax snippet with a stand-in loss and start (and ``loop`` updates); its namespace."""
    assert code.count("params = jnp.zeros(2)  # your parameters") == 1
    code = code.replace("params = jnp.zeros(2)  # your parameters", f"params = jnp.array({list(start)})")
    if loop is not None:  # the rates are read from `schedule`; a short loop still runs the code
        code, count = re.subn(r"for step in range\(\d+\)", f"for step in range({loop})", code)
        assert count == 1
    namespace = {"loss_fn": loss_fn or (lambda p: jnp.sum(p**2))}
    exec(compile(code, "<optax snippet>", "exec"), namespace)  # our own generated code, not user text
    return namespace


@pytest.mark.parametrize(("name", "params"), [c for c in CASES if c[0] != "plateau"] + EXTRA,
                         ids=[i for c, i in zip(CASES, IDS, strict=True) if c[0] != "plateau"]
                         + [f"{n}-extra{k}" for k, (n, _) in enumerate(EXTRA)])
def test_optax_snippet_gives_our_rates(name, params):
    namespace = _run_optax(optax_code(setup(name, params)), loop=0)  # the loop: see the engine test
    got = np.asarray(namespace["schedule"](jnp.asarray(T)))
    close(got, ours(name, params))


@pytest.mark.parametrize("params", [{}, CUSTOM["plateau"], {"mode": "max", "threshold_mode": "rel"}])
def test_optax_plateau_class_follows_torch(params):
    namespace = _run_optax(optax_code(setup("plateau", params)), loop=0)
    rng = np.random.default_rng(0)
    losses = np.abs(np.cumsum(rng.normal(0.0, 0.3, 200))) + 1.0  # wanders, with plateaus
    plateau = namespace["ReduceLROnPlateau"]()
    rates = [plateau.lr] + [plateau.step(float(x)) for x in losses]
    close(np.array(rates), schedules.plateau_rates(LR, losses, **params))


@pytest.mark.parametrize(("optimizer", "opt_params", "name"), [
    ("momentum", {"weight_decay": 0.05}, "step"), ("nesterov", {}, "onecycle"),
    ("adam", {}, "warmup_cosine"), ("adamw", {"weight_decay": 0.1}, "cyclic"), ("rmsprop", {}, "exponential"),
    ("sgd", {"momentum": 0.5}, "plateau"),
])
def test_optax_training_loop_follows_the_engine(optimizer, opt_params, name):
    """Where the comments claim torch's numbers, the snippet's loop lands where engine.run does."""
    steps, lr = 60, 0.05
    surface = "ravine"
    fn = __import__("lrviz.surfaces", fromlist=["get"]).get(surface).fn
    code = optax_code(setup(name, {}, optimizer, opt_params, steps=steps, lr=lr))
    start = (-2.8, 0.8)
    namespace = _run_optax(code, loss_fn=fn, start=start)
    run = engine.run(surface, optimizer, lr=lr, steps=steps, start=start, schedule=name,
                     optimizer_params=opt_params)
    np.testing.assert_allclose(np.asarray(namespace["params"]), run.points[-1], rtol=1e-4, atol=1e-5)


def _function(code: str, name: str, env: dict) -> types.FunctionType:
    """Execute only the top-level ``def name`` (or class) of a snippet."""
    tree = ast.parse(code)
    nodes = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef) and n.name == name]
    assert len(nodes) == 1, f"no {name} in\n{code}"
    namespace = dict(env)
    exec(compile(ast.Module(body=nodes, type_ignores=[]), "<snippet>", "exec"), namespace)
    return namespace[name]


@pytest.mark.parametrize(("name", "params"), [c for c in CASES if c[0] in ("time_based", "warmup_cosine")]
                         + [e for e in EXTRA if e[0] in ("time_based", "warmup_cosine")])
def test_torch_lambda_gives_our_rates(name, params):
    code = torch_code(setup(name, params))
    assert "LambdaLR(optimizer, lr_lambda)" in code
    assert "torch has no" in code or "no single class" in code
    lr_lambda = _function(code, "lr_lambda", {"math": math})
    close(np.array([LR * lr_lambda(int(t)) for t in T]), ours(name, params))


_OPS = types.SimpleNamespace(
    cast=lambda x, dtype: np.asarray(x, dtype), cos=np.cos, where=np.where, clip=np.clip, mod=np.mod,
    floor=np.floor, minimum=np.minimum,
)
_KERAS = types.SimpleNamespace(optimizers=types.SimpleNamespace(
    schedules=types.SimpleNamespace(LearningRateSchedule=object)))


@pytest.mark.parametrize(("name", "params"), [c for c in CASES if c[0] in ("cyclic", "onecycle", "cosine")]
                         + [e for e in EXTRA if e[0] in ("cyclic", "onecycle")])
def test_keras_schedule_class_gives_our_rates(name, params):
    code = keras_code(setup(name, params))
    cls = _function(code, "TorchSchedule", {"math": math, "ops": _OPS, "keras": _KERAS})
    close(cls()(T.astype(np.float32)), ours(name, params))


def _numbers(code: str) -> list[float]:
    return [float(x) for x in re.findall(r"(?<![\w.])-?\d+\.?\d*(?:e-?\d+)?", code)]


def _has(code: str, value: float) -> bool:
    return any(math.isclose(x, value, rel_tol=1e-6, abs_tol=1e-12) for x in _numbers(code))


@pytest.mark.parametrize(("name", "params"), CASES, ids=IDS)
def test_library_classes_get_our_numbers(name, params):
    s = setup(name, params)
    p = s.params
    torch, keras = torch_code(s), keras_code(s)
    base = p.get("base_lr") or LR
    checks = {
        "step": lambda: [("StepLR", [p["step_size"], p["gamma"]]),
                         ("ExponentialDecay", [LR, p["step_size"], p["gamma"]])],
        "multistep": lambda: [("MultiStepLR", [*p["milestones"], p["gamma"]]),
                              ("PiecewiseConstantDecay", [m - 1 for m in p["milestones"]])],
        "exponential": lambda: [("ExponentialLR", [p["gamma"]]), ("ExponentialDecay", [LR, 1, p["gamma"]])],
        "linear": lambda: [("LinearLR", [p["start_factor"], p["end_factor"], p["total_iters"]]),
                           ("PolynomialDecay", [LR * p["start_factor"], LR * p["end_factor"],
                                                p["total_iters"]])],
        "polynomial": lambda: [("PolynomialLR", [p["total_iters"], p["power"]]),
                               ("PolynomialDecay", [LR, p["total_iters"], p["power"]])],
        "cosine": lambda: [("CosineAnnealingLR", [p["T_max"], p["eta_min"]])],
        "cosine_restarts": lambda: [("CosineAnnealingWarmRestarts", [p["T_0"], p["T_mult"], p["eta_min"]]),
                                    ("CosineDecayRestarts", [LR, p["T_0"], p["T_mult"], p["eta_min"] / LR])],
        "warmup_cosine": lambda: [("CosineDecay", [p["total_steps"] - p["warmup_steps"], LR,
                                                   p["warmup_steps"]])],
        "time_based": lambda: [("InverseTimeDecay", [LR, p["decay_steps"], p["decay_rate"]])],
        "cyclic": lambda: [("CyclicLR", [base, p["max_lr"] or 4 * base, p["step_size_up"], p["gamma"]])],
        "onecycle": lambda: [("OneCycleLR", [p["max_lr"] or LR, p["total_steps"], p["pct_start"],
                                             p["div_factor"], p["final_div_factor"]])],
        "plateau": lambda: [("ReduceLROnPlateau(\n    optimizer", [p["factor"], p["patience"], p["threshold"],
                                                                  p["cooldown"], p["min_lr"]]),
                            ("keras.callbacks.ReduceLROnPlateau", [p["factor"], p["patience"] + 1,
                                                                    p["cooldown"]])],
        "constant": list,
    }[name]()
    for marker, values in checks:
        code = torch if marker in torch else keras
        assert marker in code, (marker, code)
        assert all(_has(code, v) for v in values), (marker, values, code)
    if name == "multistep":  # Keras' values: the rate after each distinct milestone
        assert all(_has(keras, float(ours(name, params)[m])) for m in p["milestones"])


def test_optax_onecycle_is_not_optax_s_own():
    """Our onecycle peaks at pct_start·N − 1 (torch); optax's own one-cycle one step later."""
    code = optax_code(setup("onecycle", {}))
    assert "cosine_onecycle_schedule peaks one step later" in code and "def schedule" in code
    rates = ours("onecycle", {})
    assert int(np.argmax(rates)) == 29


def test_libraries_are_the_three_promised():
    assert LIBRARIES == ("pytorch", "keras", "optax")


class _OneCycleLR:
    """torch's OneCycleLR as far as its step count goes: the total_steps + 1-th step raises."""

    def __init__(self, optimizer, *, total_steps, **_):
        self.total_steps, self.last_epoch = total_steps, 0

    def step(self):
        self.last_epoch += 1
        if self.last_epoch > self.total_steps:
            raise ValueError(f"Tried to step {self.last_epoch} times. The specified number of total "
                             f"steps is {self.total_steps}")


@pytest.mark.parametrize("steps", [50, 100, 300])
def test_torch_onecycle_runs_past_total_steps_holding_the_last_rate(steps):
    # A lecturer's OneCycle at 300 steps (total_steps 100) crashed on torch's 101st step; lrviz holds
    # the rate of step 99 from there, and the script now stops stepping the scheduler there.
    code = torch_code(setup("onecycle", {"total_steps": 100}, optimizer="adam", steps=steps))
    fake = types.SimpleNamespace()
    thing = types.SimpleNamespace(zero_grad=lambda: None, step=lambda: None, backward=lambda: None,
                                  parameters=lambda: [])
    fake.nn = types.SimpleNamespace(Linear=lambda *a: thing)
    fake.optim = types.SimpleNamespace(Adam=lambda *a, **k: thing,
                                       lr_scheduler=types.SimpleNamespace(OneCycleLR=_OneCycleLR))
    space = {"loss_fn": lambda model: thing}
    exec(code.replace("import torch\n", ""), {"torch": fake, **space}, space)
    assert space["scheduler"].last_epoch == (steps if steps <= 100 else 99)  # no update uses the 100th
