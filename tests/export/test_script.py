"""Whole scripts of a run (``lrviz.export.script``): they run, and print lrviz's losses.

The optax scripts are executed here (our own generated code, in a fresh namespace) and their
printed losses compared with ``engine.run(...).losses[1:]``, up to where lrviz stops a run
that escapes its box. torch and Keras are not installed in the suite's environment: their
scripts are compiled, and run and compared the same way only where the library imports.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import io
import re
import subprocess
import sys

import numpy as np
import pytest

from lrviz import engine, optimizers, schedules, surfaces
from lrviz.export import SCRIPT_LIBRARIES, script

CUSTOM = surfaces.from_expression("x^4/4 - x^2/2 + 0.3*sin(3*x)*y + y^2", 2)
RTOL = 1e-4


def run_optax(code: str) -> np.ndarray:
    """Execute an optax script in a fresh namespace; the numbers it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<optax script>", "exec"), {"__name__": "__main__"})  # our own generated code
    return np.array([float(line) for line in out.getvalue().split()])


def assert_matches(got: np.ndarray, surface, **kwargs) -> None:
    """The printed losses are lrviz's, up to where lrviz's run stops (float32 rounding aside)."""
    run = engine.run(surface, **kwargs)
    want = run.losses[1:]
    assert len(got) == kwargs.get("steps", 100)
    scale = max(1.0, float(np.max(np.abs(want[np.isfinite(want)]), initial=0.0)))
    finite = np.isfinite(want)
    np.testing.assert_allclose(got[: len(want)][finite], want[finite], rtol=RTOL, atol=1e-5 * scale)
    assert not np.any(np.isfinite(got[: len(want)][~finite]))


def check(library: str, surface, **kwargs) -> None:
    code = script(library, surface, **kwargs)
    if library == "optax":
        assert_matches(run_optax(code), surface, **kwargs)
    else:
        assert_matches(_run_elsewhere(library, code), surface, **kwargs)


def _run_elsewhere(library: str, code: str) -> np.ndarray:
    """Run a torch or Keras script in its own process (where the library is installed)."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          check=True)
    return np.array([float(line) for line in done.stdout.split()])


# --- every optimizer on a 1-D and a 2-D surface; schedules on both; a typed formula --------------

OPTIMIZER_CASES = [
    ("quadratic", dict(lr=0.3, steps=20)),
    ("rosenbrock", dict(lr=0.001, steps=20)),
]
SCHEDULE_CASES = [  # (schedule, its parameters, optimizer, surface, rate): 1-D and 2-D surfaces
    ("step", {"step_size": 5, "gamma": 0.5}, "momentum", "double_well", 0.05),
    ("cosine", {"T_max": 15}, "sgd", "ravine", 0.03),
    ("onecycle", {"total_steps": 30}, "nesterov", "double_well", 0.05),
    ("onecycle", {"total_steps": 30, "three_phase": True}, "sgd", "ravine", 0.03),
    ("plateau", {"patience": 1, "factor": 0.5, "threshold": 0.05}, "sgd", "double_well", 0.05),
    ("plateau", {"patience": 2, "factor": 0.3, "threshold": 0.02}, "adam", "ravine", 0.3),
    ("cyclic", {"step_size_up": 4, "max_lr": 0.3}, "sgd", "bumpy", 0.05),
    ("warmup_cosine", {"warmup_steps": 5, "total_steps": 30}, "adam", "ravine", 0.1),
]


@pytest.mark.parametrize("optimizer", list(optimizers.OPTIMIZERS))
@pytest.mark.parametrize(("surface", "settings"), OPTIMIZER_CASES, ids=[c[0] for c in OPTIMIZER_CASES])
def test_optax_script_prints_lrvizs_losses_for_every_optimizer(optimizer, surface, settings):
    check("optax", surface, optimizer=optimizer, **settings)


@pytest.mark.parametrize(("schedule", "params", "optimizer", "surface", "lr"), SCHEDULE_CASES,
                         ids=[f"{c[0]}-{c[3]}" for c in SCHEDULE_CASES])
def test_optax_script_prints_lrvizs_losses_for_schedules(schedule, params, optimizer, surface, lr):
    check("optax", surface, optimizer=optimizer, lr=lr, steps=30, schedule=schedule, schedule_params=params)


def test_optax_script_of_a_typed_formula():
    check("optax", CUSTOM, optimizer="adam", lr=0.05, steps=20, start=(1.5, -1.0), schedule="exponential",
          schedule_params={"gamma": 0.95})


def test_optax_script_with_noise_and_clipping_repeats_lrvizs_draws():
    """The optax script draws lrviz's own noise (the same JAX keys): equal even with noise."""
    check("optax", "himmelblau", optimizer="momentum", lr=0.005, steps=20, noise=3.0, seed=7, clip_norm=5.0)


def test_optax_script_with_hyper_parameters_and_weight_decay():
    check("optax", "ravine", optimizer="adam", lr=0.05, steps=20,
          optimizer_params={"betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1})


@pytest.mark.parametrize(("optimizer", "schedule", "params"), [
    ("sgd_schedule_free", "step", {"warmup_steps": 4, "weight_decay": 0.1, "momentum": 0.8}),
    ("adamw_schedule_free", "cosine", {"warmup_steps": 3, "weight_decay": 0.2, "weight_lr_power": 1.0}),
    ("adamw_schedule_free", "plateau", {"warmup_steps": 2, "betas": (0.8, 0.99)}),
])
def test_optax_script_gives_the_schedule_free_packages_numbers(optimizer, schedule, params):
    """optax.contrib.schedule_free handed the package's rates (warm-up, a schedule, a plateau's
    injected rate): the script prints lrviz's losses at x."""
    schedule_params = {"step": {"step_size": 5, "gamma": 0.5}, "cosine": {"T_max": 15},
                       "plateau": {"patience": 1, "factor": 0.5, "threshold": 0.05}}[schedule]
    check("optax", "ravine", optimizer=optimizer, lr=0.05, steps=30, schedule=schedule,
          schedule_params=schedule_params, optimizer_params=params)


def test_a_diverging_run_matches_until_lrviz_stops():
    kwargs = dict(optimizer="sgd", lr=1.1, steps=200)
    run = engine.run("quadratic", **kwargs)
    assert run.diverged_at is not None and run.diverged_at < 200
    check("optax", "quadratic", **kwargs)


# --- every combination is valid Python in both languages; comments only differ ----------------

def _code_only(code: str) -> str:
    """The syntax tree without docstrings (comments are not in it): what the script does."""
    tree = ast.parse(code)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree)


@pytest.mark.parametrize("library", SCRIPT_LIBRARIES)
@pytest.mark.parametrize("schedule", list(schedules.SCHEDULES))
def test_every_script_compiles_in_both_languages(library, schedule):
    for k, optimizer in enumerate(optimizers.OPTIMIZERS):
        surface = ("ackley", "bumpy", CUSTOM)[k % 3]
        params = {"weight_decay": 0.01} if optimizer in ("sgd", "adam", "rmsprop") else {}
        kwargs = dict(optimizer=optimizer, lr=0.01, steps=50, schedule=schedule, optimizer_params=params,
                      noise=0.5 * (k % 2), clip_norm=(None, 2.0)[k % 2])
        en, ko = (script(library, surface, lang=lang, **kwargs) for lang in ("en", "ko"))
        compile(en, f"<{library} script>", "exec")
        assert _code_only(en) == _code_only(ko)
        assert re.search("[\uac00-\ud7a3]", ko) and not re.search("[\uac00-\ud7a3]", en)
        assert "None" not in re.sub(r"(logs|dtype)=None|is None", "", en), en
        assert max(map(len, en.splitlines())) <= 150, en


def test_noise_and_clipping_are_written_and_explained():
    torch = script("torch", "rosenbrock", noise=0.5, seed=3, clip_norm=1.0)
    assert "torch.Generator().manual_seed(3)" in torch and "clip_grad_norm_([p], max_norm=1.0)" in torch
    assert "only in distribution" in torch
    keras = script("keras", "rosenbrock", noise=0.5, clip_norm=1.0)
    assert "global_clipnorm=1.0" in keras and "only in distribution" in keras
    optax = script("optax", "rosenbrock", noise=0.5, seed=3, clip_norm=1.0)
    assert "jax.random.fold_in(key, step)" in optax and "jax.random.key(3)" in optax
    plain = script("torch", "rosenbrock")
    assert "randn" not in plain and "clip" not in plain


def test_the_schedules_pages_pieces_are_reused():
    """The scripts name a library's differences in the schedules page's words (one writer)."""
    torch = script("torch", "ravine", optimizer="momentum", schedule="onecycle")
    assert "OneCycleLR(" in torch and "cycle_momentum=False" in torch
    optax = script("optax", "ravine", schedule="onecycle")
    assert "peaks one step later than torch's OneCycleLR" in optax
    keras = script("keras", "ravine", optimizer="adam", schedule="plateau",
                   optimizer_params={"weight_decay": 0.1})
    assert "class ReduceLROnPlateau" in keras and "0.05 * ops.sum(p ** 2)" in keras


@pytest.mark.parametrize(("kwargs", "match"), [
    (dict(library="jax"), "library"), (dict(lr=-1.0), "lr"), (dict(steps=0), "steps"),
    (dict(start=(1.0,)), "start"), (dict(noise=-1.0), "noise"), (dict(clip_norm=0.0), "clip_norm"),
    (dict(optimizer="lion"), "lion"), (dict(schedule="warm"), "warm"), (dict(lang="fr"), "lang"),
    (dict(optimizer_params={"momentum": 2.0}), "momentum"),
])
def test_bad_arguments_are_refused_by_name(kwargs, match):
    library = kwargs.pop("library", "optax")
    with pytest.raises(ValueError, match=match):
        script(library, "rosenbrock", **kwargs)


# --- torch and Keras, where installed ------------------------------------------------------------

RUN_ELSEWHERE = [
    ("sgd", "quadratic", {}), ("momentum", "rosenbrock", dict(schedule="step")),
    ("adam", CUSTOM, dict(schedule="onecycle", start=(1.5, -1.0))),
    ("rmsprop", "ravine", dict(schedule="plateau")),
    ("adagrad", "double_well", dict(schedule="cosine", schedule_params={"T_max": 10})),
]


@pytest.mark.parametrize("library", ["torch", "keras"])
@pytest.mark.parametrize(("optimizer", "surface", "extra"), RUN_ELSEWHERE, ids=[c[0] for c in RUN_ELSEWHERE])
def test_torch_and_keras_scripts_print_lrvizs_losses(library, optimizer, surface, extra):
    if importlib.util.find_spec(library) is None:
        pytest.skip(f"{library} is not installed: its scripts are only compiled here")
    check(library, surface, optimizer=optimizer, lr=0.01, steps=20, **extra)
