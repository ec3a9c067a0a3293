"""How PyTorch, Keras 3 and optax write each schedule, with lrviz's numbers: :data:`WRITERS`.

One entry per schedule id of :data:`lrviz.schedules.SCHEDULES` (``tests/export/test_schedule.py``
checks that every schedule has one, so a new schedule cannot fall through to another's code).
Each entry holds three small writers; where the library has the schedule with torch's numbers
they call it, where it lacks it or its numbers differ they write torch's closed form
(:mod:`lrviz.export.forms`) and say why. :mod:`lrviz.export.schedule` puts their lines into
whole snippets, the same way for every schedule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from lrviz.export import forms
from lrviz.export._words import comment, say
from lrviz.export.forms import Form, num
from lrviz.i18n import Lang

__all__ = ["WRITERS", "Setup", "Writers", "call"]


class Setup(NamedTuple):
    schedule: str
    params: Mapping[str, Any]  # resolved (Spec.resolve)
    lr: float
    optimizer: str
    optimizer_params: Mapping[str, Any]  # resolved
    steps: int
    lang: Lang = "en"  # the language of the comments


def call(func: str, args: list[str], indent: int = 0) -> str:
    """``func(a, b, ...)`` on one line, or one argument per line when long."""
    line = f"{func}({', '.join(args)})"
    if indent + len(line) <= 100:
        return line
    pad = " " * (indent + 4)
    return f"{func}(\n" + "".join(f"{pad}{a},\n" for a in args) + " " * indent + ")"


# --- PyTorch ---------------------------------------------------------------------------------------


def _value(value: Any) -> str:
    if isinstance(value, tuple | list):
        return "[" + ", ".join(num(v) for v in value) + "]"
    if isinstance(value, str):
        return repr(value)
    return num(value)


def _kwargs(p: Mapping[str, Any], names: tuple[str, ...]) -> list[str]:
    return [f"{name}={_value(p[name])}" for name in names]


def _torch_class(cls: str, names: tuple[str, ...]) -> Callable[[Setup], list[str]]:
    """``torch.optim.lr_scheduler.<cls>`` with the schedule's parameters ``names``."""
    return lambda s: [f"scheduler = {call(f'{_SCHED}.{cls}', ['optimizer', *_kwargs(s.params, names)])}"]


_SCHED = "torch.optim.lr_scheduler"


def _torch_none(s: Setup) -> list[str]:
    return comment("no_scheduler", s.lang)


def _torch_cyclic(s: Setup) -> list[str]:
    p = s.params
    base = s.lr if p["base_lr"] is None else p["base_lr"]
    peak = 4.0 * base if p["max_lr"] is None else p["max_lr"]
    args = ["optimizer", f"base_lr={num(base)}", f"max_lr={num(peak)}", *_kwargs(p, ("step_size_up",))]
    if p["step_size_down"] is not None:
        args += _kwargs(p, ("step_size_down",))
    args += [*_kwargs(p, ("mode", "gamma")), "cycle_momentum=False"]
    return [*comment("no_momentum", s.lang), "scheduler = " + call(f"{_SCHED}.CyclicLR", args)]


def _torch_onecycle(s: Setup) -> list[str]:
    p = s.params
    peak = s.lr if p["max_lr"] is None else p["max_lr"]
    names = ("total_steps", "pct_start", "anneal_strategy", "div_factor", "final_div_factor")
    args = ["optimizer", f"max_lr={num(peak)}", *_kwargs(p, names), f"three_phase={p['three_phase']}",
            "cycle_momentum=False"]
    return [*comment("no_momentum", s.lang), "scheduler = " + call(f"{_SCHED}.OneCycleLR", args)]


def _torch_lambda(*lines: str) -> list[str]:
    """LambdaLR with our closed form, for the schedules torch has no class for."""
    return [*lines, "", "scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)"]


def _torch_time_based(s: Setup) -> list[str]:
    p = s.params
    unit = f"(step // {num(p['decay_steps'])})" if p["staircase"] else f"step / {num(p['decay_steps'])}"
    return _torch_lambda(*comment("torch_no_time_based", s.lang),
                         f"def lr_lambda(step):  # {say('factor', s.lang)}",
                         f"    return 1.0 / (1.0 + {num(p['decay_rate'])} * {unit})")


def _torch_warmup_cosine(s: Setup) -> list[str]:
    p = s.params
    warm, total, floor = num(p["warmup_steps"]), num(p["total_steps"]), num(p["eta_min"] / s.lr)
    return _torch_lambda(*comment("torch_warmup_cosine", s.lang),
                         f"def lr_lambda(step):  # {say('factor', s.lang)}",
                         f"    if step < {warm}:",
                         f"        return step / {warm}",
                         f"    done = min(1.0, (step - {warm}) / ({total} - {warm}))",
                         f"    return {floor} + (1.0 - {floor}) * (1.0 + math.cos(math.pi * done)) / 2.0")


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


KerasCall = tuple[list[str], str, list[str]]  # (notes, class in keras.optimizers.schedules, arguments)


def _keras_class(build: Callable[[Setup], KerasCall]) -> Callable[[Setup], tuple[list[str], str]]:
    """The Keras schedule object with torch's numbers, bound to ``schedule``."""

    def write(s: Setup) -> tuple[list[str], str]:
        notes, cls, args = build(s)
        return [*notes, "schedule = " + call(f"keras.optimizers.schedules.{cls}", args)], "schedule"

    return write


def _keras_constant(s: Setup) -> tuple[list[str], str]:
    """No schedule object: the rate itself (a plateau's callback changes it between epochs)."""
    return [], num(s.lr)


def _keras_first(s: Setup) -> str:
    return f"initial_learning_rate={num(s.lr)}"


def _keras_alpha(s: Setup) -> str:
    return f"alpha={num(s.params['eta_min'] / s.lr)}"


def _keras_step(s: Setup) -> KerasCall:
    p = s.params
    return [], "ExponentialDecay", [_keras_first(s), f"decay_steps={num(p['step_size'])}",
                                    f"decay_rate={num(p['gamma'])}", "staircase=True"]


def _keras_exponential(s: Setup) -> KerasCall:
    return [], "ExponentialDecay", [_keras_first(s), "decay_steps=1", f"decay_rate={num(s.params['gamma'])}"]


def _keras_time_based(s: Setup) -> KerasCall:
    p = s.params
    return [], "InverseTimeDecay", [_keras_first(s), f"decay_steps={num(p['decay_steps'])}",
                                    f"decay_rate={num(p['decay_rate'])}", f"staircase={p['staircase']}"]


def _keras_multistep(s: Setup) -> KerasCall:
    bounds, rates = _milestones(s.params, s.lr)
    notes = comment("keras_multistep", s.lang)
    return notes, "PiecewiseConstantDecay", ["boundaries=[" + ", ".join(num(b - 1) for b in bounds) + "]",
                                             "values=[" + ", ".join(num(v) for v in rates) + "]"]


def _keras_linear(s: Setup) -> KerasCall:
    p, lr = s.params, s.lr
    notes = comment("keras_linear", s.lang)
    return notes, "PolynomialDecay", [f"initial_learning_rate={num(lr * p['start_factor'])}",
                                      f"decay_steps={num(p['total_iters'])}",
                                      f"end_learning_rate={num(lr * p['end_factor'])}", "power=1.0"]


def _keras_polynomial(s: Setup) -> KerasCall:
    p = s.params
    return [], "PolynomialDecay", [_keras_first(s), f"decay_steps={num(p['total_iters'])}",
                                   "end_learning_rate=0.0", f"power={num(p['power'])}"]


def _keras_cosine(s: Setup) -> tuple[list[str], str]:
    """Keras' CosineDecay while the run ends by T_max (+ 1); past it, torch's closed form."""
    p = s.params
    if s.steps > p["T_max"] + 1:
        return _keras_form(forms.cosine, "keras_cosine_late")(s)
    notes = comment("keras_cosine", s.lang, T_max=p["T_max"])
    return _keras_class(lambda s: (notes, "CosineDecay", [_keras_first(s), f"decay_steps={num(p['T_max'])}",
                                                          _keras_alpha(s)]))(s)


def _keras_cosine_restarts(s: Setup) -> KerasCall:
    p = s.params
    return [], "CosineDecayRestarts", [_keras_first(s), f"first_decay_steps={num(p['T_0'])}",
                                       f"t_mul={num(float(p['T_mult']))}", "m_mul=1.0", _keras_alpha(s)]


def _keras_warmup_cosine(s: Setup) -> KerasCall:
    """CosineDecay's warm-up goes linearly from initial_learning_rate to warmup_target."""
    p = s.params
    return [], "CosineDecay", ["initial_learning_rate=0.0",
                               f"decay_steps={num(p['total_steps'] - p['warmup_steps'])}", _keras_alpha(s),
                               f"warmup_target={num(s.lr)}", f"warmup_steps={num(p['warmup_steps'])}"]


def _keras_form(form: Form, why: str) -> Callable[[Setup], tuple[list[str], str]]:
    """torch's closed form as a ``LearningRateSchedule``, where Keras lacks the schedule (words ``why``)."""

    def write(s: Setup) -> tuple[list[str], str]:
        lines = form(s.lr, s.params, "ops", s.lang)
        doc = say("keras_schedule_doc", s.lang, why=say(why, s.lang))
        return [
            "class TorchSchedule(keras.optimizers.schedules.LearningRateSchedule):",
            f'    """{doc}"""',
            "",
            "    def __call__(self, step):",
            '        t = ops.cast(step, "float32")',
            *(f"        {line}" for line in lines),
            "        return rate",
            "",
            "",
            "schedule = TorchSchedule()",
        ], "schedule"

    return write


def _keras_plateau(s: Setup) -> tuple[list[str], str]:
    """The rate itself, and the ``plateau`` callback that cuts it (placed after the optimizer)."""
    p = s.params
    notes = comment("keras_plateau", s.lang)
    if p["threshold_mode"] == "rel":
        notes += comment("keras_plateau_rel", s.lang)
    args = ['monitor="loss"', f"factor={num(p['factor'])}", f"patience={num(p['patience'] + 1)}",
            f"mode={p['mode']!r}", f"min_delta={num(p['threshold'])}", f"cooldown={num(p['cooldown'])}",
            f"min_lr={num(p['min_lr'])}"]
    return [*notes, "plateau = " + call("keras.callbacks.ReduceLROnPlateau", args)], num(s.lr)


# --- optax -----------------------------------------------------------------------------------------


def _optax_factory(build: Callable[[Setup], tuple[str, list[str]]]) -> Callable[[Setup], list[str]]:
    """An optax schedule factory with torch's numbers, bound to ``schedule``."""

    def write(s: Setup) -> list[str]:
        func, args = build(s)
        return ["schedule = " + call(func, args)]

    return write


def _optax_form(form: Form, why: str) -> Callable[[Setup], list[str]]:
    """torch's closed form as a plain function, where optax lacks the schedule or differs (words ``why``)."""

    def write(s: Setup) -> list[str]:
        lines = form(s.lr, s.params, "jnp", s.lang)
        return [f"def schedule(step):  # {say('optax_formula', s.lang, why=say(why, s.lang))}",
                "    t = jnp.asarray(step, jnp.float32)",
                *(f"    {line}" for line in lines), "    return rate"]

    return write


def _optax_first(s: Setup) -> str:
    return f"init_value={num(s.lr)}"


def _optax_constant(s: Setup) -> tuple[str, list[str]]:
    return "optax.constant_schedule", [num(s.lr)]


def _optax_step(s: Setup) -> tuple[str, list[str]]:
    p = s.params
    return "optax.exponential_decay", [_optax_first(s), f"transition_steps={num(p['step_size'])}",
                                       f"decay_rate={num(p['gamma'])}", "staircase=True"]


def _optax_exponential(s: Setup) -> tuple[str, list[str]]:
    return "optax.exponential_decay", [_optax_first(s), "transition_steps=1",
                                       f"decay_rate={num(s.params['gamma'])}"]


def _optax_multistep(s: Setup) -> tuple[str, list[str]]:
    bounds, rates = _milestones(s.params, s.lr)
    scales = ", ".join(f"{m}: {num(b / a)}" for m, a, b in zip(bounds, rates, rates[1:], strict=False))
    return "optax.piecewise_constant_schedule", [_optax_first(s), f"boundaries_and_scales={{{scales}}}"]


def _optax_linear(s: Setup) -> tuple[str, list[str]]:
    p, lr = s.params, s.lr
    return "optax.linear_schedule", [f"init_value={num(lr * p['start_factor'])}",
                                     f"end_value={num(lr * p['end_factor'])}",
                                     f"transition_steps={num(p['total_iters'])}"]


def _optax_polynomial(s: Setup) -> tuple[str, list[str]]:
    p = s.params
    return "optax.polynomial_schedule", [_optax_first(s), "end_value=0.0", f"power={num(p['power'])}",
                                         f"transition_steps={num(p['total_iters'])}"]


def _optax_cosine(s: Setup) -> list[str]:
    """optax's cosine while the run ends by T_max (+ 1); past it, torch's closed form."""
    p = s.params
    if s.steps > p["T_max"] + 1:
        return _optax_form(forms.cosine, "optax_cosine_late")(s)
    return ["schedule = " + call("optax.cosine_decay_schedule", [
        _optax_first(s), f"decay_steps={num(p['T_max'])}", f"alpha={num(p['eta_min'] / s.lr)}"])]


def _optax_warmup_cosine(s: Setup) -> tuple[str, list[str]]:
    p = s.params
    return "optax.warmup_cosine_decay_schedule", [
        "init_value=0.0", f"peak_value={num(s.lr)}", f"warmup_steps={num(p['warmup_steps'])}",
        f"decay_steps={num(p['total_steps'])}", f"end_value={num(p['eta_min'])}"]


def _optax_plateau(s: Setup) -> list[str]:
    """torch's rules as a class whose ``plateau.step(loss)`` gives the next rate (the loop sets it)."""
    return forms.plateau_class(s.params, s.lr, s.lang)


def _optax_restarts(s: Setup) -> list[str]:
    p = s.params
    cycles, covered = 0, 0
    while covered < s.steps:
        covered += p["T_0"] * p["T_mult"] ** cycles
        cycles += 1
    cycle = (f"dict(init_value={num(s.lr)}, peak_value={num(s.lr)}, warmup_steps=0, "
             f"decay_steps={num(p['T_0'])} * {num(p['T_mult'])} ** i, end_value={num(p['eta_min'])})")
    return [*comment("optax_restarts", s.lang, cycles=cycles, steps=s.steps),
            f"schedule = optax.sgdr_schedule([{cycle} for i in range({cycles})])"]


# --- the table: how each library writes each schedule ---------------------------------------------


class Writers(NamedTuple):
    """How the three libraries write one schedule, with the rate for update t equal to lrviz's.

    ``torch(s)``: lines that make ``scheduler`` (a comment where none is needed);
    ``keras(s)``: lines that make ``schedule``, and the optimizer's ``learning_rate`` argument
    (for a loss-driven schedule, the lines make the ``plateau`` callback instead);
    ``optax(s)``: lines that make ``schedule`` (loss-driven: ``plateau`` with ``step(loss)``).
    """

    torch: Callable[[Setup], list[str]]
    keras: Callable[[Setup], tuple[list[str], str]]
    optax: Callable[[Setup], list[str]]



WRITERS: dict[str, Writers] = {
    "constant": Writers(_torch_none, _keras_constant, _optax_factory(_optax_constant)),
    "step": Writers(_torch_class("StepLR", ("step_size", "gamma")), _keras_class(_keras_step),
                    _optax_factory(_optax_step)),
    "multistep": Writers(_torch_class("MultiStepLR", ("milestones", "gamma")), _keras_class(_keras_multistep),
                         _optax_factory(_optax_multistep)),
    "exponential": Writers(_torch_class("ExponentialLR", ("gamma",)), _keras_class(_keras_exponential),
                           _optax_factory(_optax_exponential)),
    "time_based": Writers(_torch_time_based, _keras_class(_keras_time_based),
                          _optax_form(forms.time_based, "optax_no_time_based")),
    "linear": Writers(_torch_class("LinearLR", ("start_factor", "end_factor", "total_iters")),
                      _keras_class(_keras_linear), _optax_factory(_optax_linear)),
    "polynomial": Writers(_torch_class("PolynomialLR", ("total_iters", "power")),
                          _keras_class(_keras_polynomial), _optax_factory(_optax_polynomial)),
    "cosine": Writers(_torch_class("CosineAnnealingLR", ("T_max", "eta_min")), _keras_cosine, _optax_cosine),
    "cosine_restarts": Writers(_torch_class("CosineAnnealingWarmRestarts", ("T_0", "T_mult", "eta_min")),
                               _keras_class(_keras_cosine_restarts), _optax_restarts),
    "warmup_cosine": Writers(_torch_warmup_cosine, _keras_class(_keras_warmup_cosine),
                             _optax_factory(_optax_warmup_cosine)),
    "cyclic": Writers(_torch_cyclic, _keras_form(forms.cyclic, "keras_lacks"),
                      _optax_form(forms.cyclic, "optax_no_cyclic")),
    "onecycle": Writers(_torch_onecycle, _keras_form(forms.onecycle, "keras_lacks"),
                        _optax_form(forms.onecycle, "optax_onecycle_late")),
    "plateau": Writers(
        _torch_class("ReduceLROnPlateau", ("mode", "factor", "patience", "threshold", "threshold_mode",
                                           "cooldown", "min_lr", "eps")),
        _keras_plateau, _optax_plateau,
    ),
}
