"""Code export: the open schedule and optimizer in PyTorch, Keras 3 and optax, with the same numbers.

:func:`export` takes a :class:`Setup` (schedule id and resolved parameters,
base rate, optimizer id and resolved parameters, number of updates) and
returns one Python snippet per library. Each snippet steps its scheduler once
per update, so update ``t`` uses the rate that lrviz draws at step ``t``.

Where the library has the schedule with torch's numbers, the snippet uses it
(``StepLR``, ``keras.optimizers.schedules.ExponentialDecay``,
``optax.exponential_decay``, ...). Where it lacks the schedule or its numbers
differ (``OPTAX_VS_TORCH.md``: one-cycle off by one, cosine held past
``T_max``; Keras: no cyclical or one-cycle schedule), the snippet says so in a
comment and writes torch's closed form (:mod:`lrviz.export.forms`) as a
LambdaLR, a ``LearningRateSchedule`` subclass or a plain function. Optimizer
differences (epsilon inside the root, decoupled weight decay, ...) are named
in comments rather than hidden. ``tests/test_schedule_code.py`` parses every
snippet and executes the optax ones, comparing their rates with
:func:`lrviz.schedules.make`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, NamedTuple

from lrviz.export import forms as schedule_forms
from lrviz.export.forms import num
from lrviz.export.optimizers import keras_optimizer, optax_optimizer, torch_optimizer

Library = Literal["pytorch", "keras", "optax"]
LIBRARIES: tuple[Library, ...] = ("pytorch", "keras", "optax")


class Setup(NamedTuple):
    schedule: str
    params: Mapping[str, Any]  # resolved (Spec.resolve)
    lr: float
    optimizer: str
    optimizer_params: Mapping[str, Any]  # resolved
    steps: int


def export(setup: Setup) -> dict[Library, str]:
    """One snippet per library for ``setup``."""
    return {"pytorch": torch_code(setup), "keras": keras_code(setup), "optax": optax_code(setup)}


def _call(func: str, args: list[str], indent: int = 0) -> str:
    """``func(a, b, ...)`` on one line, or one argument per line when long."""
    line = f"{func}({', '.join(args)})"
    if indent + len(line) <= 100:
        return line
    pad = " " * (indent + 4)
    return f"{func}(\n" + "".join(f"{pad}{a},\n" for a in args) + " " * indent + ")"


# --- PyTorch ---------------------------------------------------------------------------------------

_TORCH_CLASSES = {
    "step": ("StepLR", ("step_size", "gamma")),
    "multistep": ("MultiStepLR", ("milestones", "gamma")),
    "exponential": ("ExponentialLR", ("gamma",)),
    "linear": ("LinearLR", ("start_factor", "end_factor", "total_iters")),
    "polynomial": ("PolynomialLR", ("total_iters", "power")),
    "cosine": ("CosineAnnealingLR", ("T_max", "eta_min")),
    "cosine_restarts": ("CosineAnnealingWarmRestarts", ("T_0", "T_mult", "eta_min")),
}


def _value(value: Any) -> str:
    if isinstance(value, tuple | list):
        return "[" + ", ".join(num(v) for v in value) + "]"
    if isinstance(value, str):
        return repr(value)
    return num(value)


def _kwargs(p: Mapping[str, Any], names: tuple[str, ...]) -> list[str]:
    return [f"{name}={_value(p[name])}" for name in names]


def _torch_scheduler(s: Setup) -> list[str]:
    p, lr = s.params, s.lr
    sched = "torch.optim.lr_scheduler"
    if s.schedule in _TORCH_CLASSES:
        cls, names = _TORCH_CLASSES[s.schedule]
        return ["scheduler = " + _call(f"{sched}.{cls}", ["optimizer", *_kwargs(p, names)])]
    if s.schedule == "constant":
        return ["# A constant rate needs no scheduler."]
    if s.schedule == "cyclic":
        base = lr if p["base_lr"] is None else p["base_lr"]
        peak = 4.0 * base if p["max_lr"] is None else p["max_lr"]
        args = ["optimizer", f"base_lr={num(base)}", f"max_lr={num(peak)}", *_kwargs(p, ("step_size_up",))]
        if p["step_size_down"] is not None:
            args += _kwargs(p, ("step_size_down",))
        args += [*_kwargs(p, ("mode", "gamma")), "cycle_momentum=False"]
        return ["# cycle_momentum=False: lrviz cycles the rate only, not the momentum.",
                "scheduler = " + _call(f"{sched}.CyclicLR", args)]
    if s.schedule == "onecycle":
        peak = lr if p["max_lr"] is None else p["max_lr"]
        names = ("total_steps", "pct_start", "anneal_strategy", "div_factor", "final_div_factor")
        args = ["optimizer", f"max_lr={num(peak)}", *_kwargs(p, names), f"three_phase={p['three_phase']}",
                "cycle_momentum=False"]
        return ["# cycle_momentum=False: lrviz cycles the rate only, not the momentum.",
                "scheduler = " + _call(f"{sched}.OneCycleLR", args)]
    if s.schedule == "plateau":
        names = ("mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr", "eps")
        return ["scheduler = " + _call(f"{sched}.ReduceLROnPlateau", ["optimizer", *_kwargs(p, names)])]
    return _torch_lambda(s)


def _torch_lambda(s: Setup) -> list[str]:
    """LambdaLR with our closed form, for the schedules torch has no class for."""
    p, lr = s.params, s.lr
    if s.schedule == "time_based":
        unit = f"(step // {num(p['decay_steps'])})" if p["staircase"] else f"step / {num(p['decay_steps'])}"
        lines = ["# torch has no inverse-time decay (Keras' InverseTimeDecay): LambdaLR with its formula.",
                 "def lr_lambda(step):  # factor on lr for update `step`",
                 f"    return 1.0 / (1.0 + {num(p['decay_rate'])} * {unit})"]
    else:  # warmup_cosine
        warm, total, floor = num(p["warmup_steps"]), num(p["total_steps"]), num(p["eta_min"] / lr)
        lines = ["# Linear warm-up from 0, then cosine to eta_min: torch has no single class for it",
                 "# (LinearLR cannot start at 0), so LambdaLR with the formula.",
                 "def lr_lambda(step):  # factor on lr for update `step`",
                 f"    if step < {warm}:",
                 f"        return step / {warm}",
                 f"    done = min(1.0, (step - {warm}) / ({total} - {warm}))",
                 f"    return {floor} + (1.0 - {floor}) * (1.0 + math.cos(math.pi * done)) / 2.0"]
    return [*lines, "", "scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)"]


def torch_code(s: Setup) -> str:
    imports = ["import math", ""] if s.schedule in ("warmup_cosine",) else []
    opt_notes, opt_call = torch_optimizer(s.optimizer, s.optimizer_params, s.lr)
    after = {
        "constant": [],
        "plateau": ["    # ReduceLROnPlateau watches a loss: here the loss after the update",
                    "    # (in practice, the validation loss after each epoch).",
                    "    scheduler.step(loss_fn(model).item())"],
    }.get(s.schedule, ["    scheduler.step()  # once per update: update t uses the rate of step t"])
    lines = [
        *imports, "import torch", "",
        "model = torch.nn.Linear(2, 1)  # your model", *opt_notes,
        "optimizer = " + _call(opt_call[0], ["model.parameters()", *opt_call[1]]),
        *_torch_scheduler(s), "",
        f"for step in range({s.steps}):",
        "    optimizer.zero_grad()",
        "    loss = loss_fn(model)  # your loss",
        "    loss.backward()",
        "    optimizer.step()",
        *after,
    ]
    return "\n".join(lines) + "\n"


# --- Keras 3 ---------------------------------------------------------------------------------------


def _milestones(p: Mapping[str, Any], lr: float) -> tuple[list[int], list[float]]:
    """Distinct milestones and the rate from each on (a repeated milestone applies gamma twice)."""
    counts: dict[int, int] = {}
    for m in p["milestones"]:
        counts[m] = counts.get(m, 0) + 1
    bounds, rates, k = [], [lr], 0
    for m in sorted(counts):
        k += counts[m]
        bounds.append(m)
        rates.append(lr * p["gamma"] ** k)
    return bounds, rates


def _keras_call(s: Setup) -> tuple[list[str], str, list[str]]:
    """(notes, class, arguments) of the Keras schedule object with torch's numbers."""
    p, lr = s.params, s.lr
    first = f"initial_learning_rate={num(lr)}"
    alpha = f"alpha={num(p.get('eta_min', 0.0) / lr)}"
    if s.schedule == "step":
        return [], "ExponentialDecay", [first, f"decay_steps={num(p['step_size'])}",
                                        f"decay_rate={num(p['gamma'])}", "staircase=True"]
    if s.schedule == "exponential":
        return [], "ExponentialDecay", [first, "decay_steps=1", f"decay_rate={num(p['gamma'])}"]
    if s.schedule == "time_based":
        return [], "InverseTimeDecay", [first, f"decay_steps={num(p['decay_steps'])}",
                                        f"decay_rate={num(p['decay_rate'])}", f"staircase={p['staircase']}"]
    if s.schedule == "multistep":
        bounds, rates = _milestones(p, lr)
        notes = ["# Keras moves on when step > boundary, torch when step >= milestone:",
                 "# the boundaries are the milestones - 1."]
        return notes, "PiecewiseConstantDecay", ["boundaries=[" + ", ".join(num(b - 1) for b in bounds) + "]",
                                                 "values=[" + ", ".join(num(v) for v in rates) + "]"]
    if s.schedule == "linear":
        notes = ["# LinearLR is a polynomial decay of power 1 from lr * start_factor to lr * end_factor."]
        return notes, "PolynomialDecay", [f"initial_learning_rate={num(lr * p['start_factor'])}",
                                          f"decay_steps={num(p['total_iters'])}",
                                          f"end_learning_rate={num(lr * p['end_factor'])}", "power=1.0"]
    if s.schedule == "polynomial":
        return [], "PolynomialDecay", [first, f"decay_steps={num(p['total_iters'])}", "end_learning_rate=0.0",
                                       f"power={num(p['power'])}"]
    if s.schedule == "cosine":
        notes = [f"# torch's CosineAnnealingLR up to T_max = {p['T_max']}; after it Keras holds eta_min."]
        return notes, "CosineDecay", [first, f"decay_steps={num(p['T_max'])}", alpha]
    if s.schedule == "cosine_restarts":
        return [], "CosineDecayRestarts", [first, f"first_decay_steps={num(p['T_0'])}",
                                           f"t_mul={num(float(p['T_mult']))}", "m_mul=1.0", alpha]
    # warmup_cosine: CosineDecay's warm-up goes linearly from initial_learning_rate to warmup_target.
    return [], "CosineDecay", ["initial_learning_rate=0.0",
                               f"decay_steps={num(p['total_steps'] - p['warmup_steps'])}", alpha,
                               f"warmup_target={num(lr)}", f"warmup_steps={num(p['warmup_steps'])}"]


def _keras_schedule(s: Setup) -> tuple[list[str], str]:
    """(lines defining ``schedule``, the learning_rate argument) for Keras."""
    if s.schedule in ("constant", "plateau"):
        return [], num(s.lr)
    if s.schedule == "cosine" and s.steps > s.params["T_max"] + 1:
        return _keras_form(s, "Keras' CosineDecay holds eta_min after T_max; torch's climbs back"), "schedule"
    if s.schedule in ("cyclic", "onecycle"):
        return _keras_form(s, "Keras has no such schedule"), "schedule"
    notes, cls, args = _keras_call(s)
    return [*notes, "schedule = " + _call(f"keras.optimizers.schedules.{cls}", args)], "schedule"


def _keras_form(s: Setup, why: str) -> list[str]:
    lines = schedule_forms.body(s.schedule, s.lr, s.params, "ops")
    return [
        "class TorchSchedule(keras.optimizers.schedules.LearningRateSchedule):",
        f'    """The rate of torch\'s scheduler, step by step ({why})."""',
        "",
        "    def __call__(self, step):",
        '        t = ops.cast(step, "float32")',
        *(f"        {line}" for line in lines),
        "        return rate",
        "",
        "",
        "schedule = TorchSchedule()",
    ]


def _spaced(lines: list[str]) -> list[str]:
    """Two blank lines around a top-level ``def`` or ``class`` block, as PEP 8 asks."""
    if lines and lines[0].startswith(("def ", "class ")):
        return ["", *lines, "", ""]
    return lines


def keras_code(s: Setup) -> str:
    sched_lines, rate = _keras_schedule(s)
    opt_notes, (func, args) = keras_optimizer(s.optimizer, s.optimizer_params, rate)
    uses_ops = any("ops." in line for line in sched_lines)
    imports = ["import math", "", "import keras", *(["from keras import ops"] if uses_ops else [])]
    if s.schedule == "plateau":
        extra = _keras_plateau(s.params)
        fit = ["# One update per epoch, so that the callback looks after every update like torch's",
               "# scheduler.step(loss) (Keras' epoch loss is measured during the epoch, before its update).",
               f"model.fit(x, y, batch_size=len(x), epochs={s.steps}, callbacks=[plateau])  # your data"]
    else:
        extra = []
        fit = ["# Keras calls the schedule with the number of updates so far (one per batch).",
               "batch_size = 32",
               f"epochs = math.ceil({s.steps} / math.ceil(len(x) / batch_size))  # {s.steps} updates in all",
               "model.fit(x, y, batch_size=batch_size, epochs=epochs)  # your data"]
    lines = [
        *imports, "", *_spaced(sched_lines), *opt_notes, "optimizer = " + _call(func, args), *extra, "",
        "model = keras.Sequential([keras.layers.Dense(1)])  # your model",
        'model.compile(optimizer=optimizer, loss="mse")', *fit,
    ]
    return "\n".join(lines) + "\n"


def _keras_plateau(p: Mapping[str, Any]) -> list[str]:
    notes = [
        "# Keras' ReduceLROnPlateau is a callback that checks once per epoch (torch: per scheduler.step).",
        "# It cuts after `patience` bad epochs, torch after more than `patience`: patience + 1 here.",
    ]
    if p["threshold_mode"] == "rel":
        notes.append("# Keras' min_delta is absolute; torch's relative threshold has no Keras twin.")
    args = ['monitor="loss"', f"factor={num(p['factor'])}", f"patience={num(p['patience'] + 1)}",
            f"mode={p['mode']!r}", f"min_delta={num(p['threshold'])}", f"cooldown={num(p['cooldown'])}",
            f"min_lr={num(p['min_lr'])}"]
    return [*notes, "plateau = " + _call("keras.callbacks.ReduceLROnPlateau", args)]


# --- optax -----------------------------------------------------------------------------------------


_OPTAX_WHY = {
    "time_based": "optax has no inverse-time decay",
    "cosine": "optax.cosine_decay_schedule holds eta_min after T_max; torch climbs back",
    "cyclic": "optax has no cyclical schedule",
    "onecycle": "optax.cosine_onecycle_schedule peaks one step later than torch's OneCycleLR",
}


def _optax_call(s: Setup) -> tuple[str, list[str]]:
    """The optax factory with torch's numbers, and its arguments."""
    p, lr = s.params, s.lr
    first = f"init_value={num(lr)}"
    if s.schedule == "constant":
        return "optax.constant_schedule", [num(lr)]
    if s.schedule == "step":
        return "optax.exponential_decay", [first, f"transition_steps={num(p['step_size'])}",
                                           f"decay_rate={num(p['gamma'])}", "staircase=True"]
    if s.schedule == "exponential":
        return "optax.exponential_decay", [first, "transition_steps=1", f"decay_rate={num(p['gamma'])}"]
    if s.schedule == "multistep":
        bounds, rates = _milestones(p, lr)
        scales = ", ".join(f"{m}: {num(b / a)}" for m, a, b in zip(bounds, rates, rates[1:], strict=False))
        return "optax.piecewise_constant_schedule", [first, f"boundaries_and_scales={{{scales}}}"]
    if s.schedule == "linear":
        return "optax.linear_schedule", [f"init_value={num(lr * p['start_factor'])}",
                                         f"end_value={num(lr * p['end_factor'])}",
                                         f"transition_steps={num(p['total_iters'])}"]
    if s.schedule == "polynomial":
        return "optax.polynomial_schedule", [first, "end_value=0.0", f"power={num(p['power'])}",
                                             f"transition_steps={num(p['total_iters'])}"]
    if s.schedule == "cosine":
        return "optax.cosine_decay_schedule", [first, f"decay_steps={num(p['T_max'])}",
                                               f"alpha={num(p['eta_min'] / lr)}"]
    # warmup_cosine
    return "optax.warmup_cosine_decay_schedule", [
        "init_value=0.0", f"peak_value={num(lr)}", f"warmup_steps={num(p['warmup_steps'])}",
        f"decay_steps={num(p['total_steps'])}", f"end_value={num(p['eta_min'])}"]


def _optax_schedule(s: Setup) -> list[str]:
    cosine_enough = s.schedule == "cosine" and s.steps <= s.params["T_max"] + 1
    if s.schedule in schedule_forms.NEEDS_FORM and not cosine_enough:
        lines = schedule_forms.body(s.schedule, s.lr, s.params, "jnp")
        return [f"def schedule(step):  # torch's numbers ({_OPTAX_WHY[s.schedule]})",
                "    t = jnp.asarray(step, jnp.float32)",
                *(f"    {line}" for line in lines), "    return rate"]
    if s.schedule == "cosine_restarts":
        return _optax_restarts(s)
    func, args = _optax_call(s)
    return ["schedule = " + _call(func, args)]


def _optax_restarts(s: Setup) -> list[str]:
    p = s.params
    cycles, covered = 0, 0
    while covered < s.steps:
        covered += p["T_0"] * p["T_mult"] ** cycles
        cycles += 1
    cycle = (f"dict(init_value={num(s.lr)}, peak_value={num(s.lr)}, warmup_steps=0, "
             f"decay_steps={num(p['T_0'])} * {num(p['T_mult'])} ** i, end_value={num(p['eta_min'])})")
    return [f"# SGDR: optax lists the cycles; {cycles} cover the {s.steps} updates (after them the rate",
            "# stays at eta_min, while torch keeps restarting).",
            f"schedule = optax.sgdr_schedule([{cycle} for i in range({cycles})])"]


def optax_code(s: Setup) -> str:
    plateau = s.schedule == "plateau"
    sched_lines = schedule_forms.plateau_class(s.params, s.lr) if plateau else _optax_schedule(s)
    needs_math = "math." in "\n".join(sched_lines)
    rate = "learning_rate" if plateau else "schedule"
    opt_notes, expr = optax_optimizer(s.optimizer, s.optimizer_params, rate)
    if plateau:
        make = ["def make_optimizer(learning_rate):", f"    return {expr}", "",
                "", "# inject_hyperparams keeps the rate in the state, where the loop can change it.",
                f"optimizer = optax.inject_hyperparams(make_optimizer)(learning_rate={num(s.lr)})"]
    else:
        make = [f"optimizer = {expr}"]
    loop_end = ["    # ReduceLROnPlateau watches a loss: here the loss after the update",
                "    # (in practice, the validation loss after each epoch).",
                "    new_rate = plateau.step(float(loss_fn(params)))",
                '    opt_state.hyperparams["learning_rate"] = jnp.asarray(new_rate)',
                ] if plateau else []
    lines = [
        *(["import math", ""] if needs_math else []), "import jax", "import jax.numpy as jnp", "import optax",
        "", *_spaced(sched_lines), *opt_notes, *make, "",
        "params = jnp.zeros(2)  # your parameters",
        "opt_state = optimizer.init(params)", "", "",
        "@jax.jit",
        "def train_step(params, opt_state):",
        "    loss, grads = jax.value_and_grad(loss_fn)(params)  # loss_fn: your loss",
        "    updates, opt_state = optimizer.update(grads, opt_state, params)",
        "    return optax.apply_updates(params, updates), opt_state", "", "",
        f"for step in range({s.steps}):" + ("" if plateau else "  # update t uses schedule(t): optax counts"),
        "    params, opt_state = train_step(params, opt_state)",
        *loop_end,
    ]
    return "\n".join(lines) + "\n"
