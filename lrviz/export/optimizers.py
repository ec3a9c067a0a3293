"""The optimizer half of the code export: ``torch.optim``'s numbers in PyTorch, Keras 3 and optax.

Each function takes an optimizer id of :data:`lrviz.optimizers.OPTIMIZERS` and its resolved
parameters and returns the comments a student should read (where the library's optimizer
differs from torch's) and the call. What each library calls the optimizer, and how its
arguments map to ours, is data on the optimizer's spec (``OptimizerSpec.code``,
:mod:`lrviz.optimizers._code`); this module only writes it out, the same way for all. Only
arguments that differ from torch's defaults are written for torch; Keras' and optax's
arguments are written as the spec lists them (their defaults differ from torch's). Weight
decay is torch's L2 unless the spec says decoupled: Keras gets a note (or, for plain SGD,
its own ``weight_decay``), optax an ``add_decayed_weights`` in front.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lrviz import optimizers
from lrviz.export._words import comment
from lrviz.export._writers import call
from lrviz.export.forms import num
from lrviz.optimizers._code import Arg, Note

Call = tuple[str, list[str]]


def _literal(value: Any) -> str:
    if isinstance(value, tuple | list):
        return "(" + ", ".join(num(v) for v in value) + ")"
    return num(value)


def _args(args: Sequence[Arg], p: Mapping[str, Any]) -> list[str]:
    """``key=value`` for every argument the spec lists, leaving out ``when="set"`` ones not set."""
    written = []
    for arg in args:
        value = arg.value if arg.param is None else p.get(arg.param)
        if arg.index is not None and value is not None:
            value = value[arg.index]
        if arg.when == "set" and not value:
            continue
        written.append(f"{arg.key}={_literal(value)}")
    return written


def _notes(notes: Sequence[Note], p: Mapping[str, Any], lang: str) -> list[str]:
    """The notes that apply, as comment lines in ``lang``, with the parameters' values filled in."""
    values = {name: _literal(value) for name, value in p.items() if value is not None}
    return [f"# {line}" for note in notes if note.when is None or p.get(note.when)
            for line in note.say(lang, **values).split("\n")]


def torch_optimizer(name: str, p: Mapping[str, Any], lr: float) -> tuple[list[str], Call]:
    """``torch.optim.<Class>(params, lr=..., <non-default arguments>)`` (or the class in its own
    package, ``schedulefree.<Class>``); torch needs no notes."""
    torch = optimizers.get(name).code.torch
    given = {**p, **torch.fixed}
    args = [f"lr={num(lr)}"] + [f"{k}={_literal(v)}" for k, v in given.items() if v != torch.defaults[k]]
    return [], (f"{torch.module}.{torch.cls}", args)


def torch_imports(name: str) -> list[str]:
    """The import a PyTorch snippet needs beyond ``import torch`` (``import schedulefree``)."""
    module = optimizers.get(name).code.torch.module
    return [] if module == "torch.optim" else [f"import {module}"]


def keras_l2(name: str, p: Mapping[str, Any]) -> float:
    """The L2 coefficient that Keras cannot take as an argument: torch's ``weight_decay`` where it
    is L2 and Keras' decoupled decay is not the same update (0.0 where nothing is missing)."""
    code = optimizers.get(name).code
    wd = p.get("weight_decay", 0.0)
    if not wd or code.decay != "l2" or (code.keras.decay_is_l2_without_momentum and not p.get("momentum")):
        return 0.0
    return float(wd)


def keras_optimizer(name: str, p: Mapping[str, Any], rate: str, lang: str = "en", *,
                    regularizer_note: bool = True) -> tuple[list[str], Call]:
    """``keras.optimizers.<Class>(learning_rate=rate, ...)`` and what differs from torch.

    Where torch's L2 decay has no Keras argument (:func:`keras_l2`), a note tells the student how
    to give it to the layers, unless ``regularizer_note`` is False (the caller writes it itself).
    """
    code = optimizers.get(name).code
    keras = code.keras
    args = [f"learning_rate={rate}", *_args(keras.args, p)]
    notes = _notes(keras.notes, p, lang)
    wd = p.get("weight_decay", 0.0)
    if wd and code.decay == "l2":
        if keras_l2(name, p) == 0.0:
            args.append(f"weight_decay={num(wd)}")
            notes += comment("keras_sgd_decay", lang)
        elif regularizer_note:
            notes += comment("keras_regularizer", lang, half=num(wd / 2))
    return notes, (f"keras.optimizers.{keras.cls}", args)


def optax_optimizer(name: str, p: Mapping[str, Any], rate: str, lang: str = "en", *,
                    schedule: bool = True) -> tuple[list[str], str]:
    """An optax expression with ``rate`` as its learning rate, and what differs from torch.

    ``schedule``: ``rate`` names a function of the update count (else a number, as a plateau's
    injected rate is)."""
    code = optimizers.get(name).code
    call = code.optax
    if call.schedule_free is not None:
        expr = _optax_schedule_free(call.func, call.schedule_free, p, rate, schedule)
        return _notes(call.notes, p, lang), expr
    func = call.switch[1] if call.switch is not None and p.get(call.switch[0]) else call.func
    expr = f"{func}({', '.join([rate, *_args(call.args, p)])})"
    notes = _notes(call.notes, p, lang)
    wd = p.get("weight_decay", 0.0)
    if wd and code.decay == "l2":
        notes += comment("optax_l2", lang)
        expr = f"optax.chain(optax.add_decayed_weights({num(wd)}), {expr})"
    return notes, expr


def _optax_schedule_free(func: str, base: str, p: Mapping[str, Any], rate: str, schedule: bool) -> str:
    """``optax.contrib.schedule_free`` around the package's base step, with the package's rates.

    The base step ``k`` (optax counts from 0) moves at η_k·min(1, (k + 1)/W); the wrapper reads the
    rate of its averaging weight at its own count, k + 1, so it is handed the same rate one count
    back (:mod:`lrviz.optimizers._schedule_free` lists why optax's own warm-up differs).
    """
    warm = int(p["warmup_steps"])
    now = f"{rate}(count)" if schedule else rate
    back = f"{rate}(count - 1)" if schedule else rate
    if warm:
        step_rate = f"lambda count: {now} * jnp.minimum((count + 1) / {warm}, 1.0)"
        weight_rate = f"lambda count: {back} * jnp.minimum(count / {warm}, 1.0)"
    else:
        step_rate, weight_rate = rate, (f"lambda count: {back}" if schedule else rate)
    wd = p["weight_decay"]
    decay = [f"optax.add_decayed_weights({num(wd)})"] if wd else []
    if base == "sgd":
        inner = [*decay, f"optax.sgd({step_rate})"]
        b1 = p["momentum"]
    else:
        inner = [f"optax.scale_by_rms(decay={num(p['betas'][1])}, eps={num(p['eps'])}, eps_in_sqrt=False, "
                 "bias_correction=True)", *decay, f"optax.scale_by_learning_rate({step_rate})"]
        b1 = p["betas"][0]
    step = inner[0] if len(inner) == 1 else call("optax.chain", inner, indent=4)
    args = [step, f"learning_rate={weight_rate}", f"b1={num(b1)}",
            f"weight_lr_power={num(p['weight_lr_power'])}"]
    return f"{func}(\n" + "".join(f"    {a},\n" for a in args) + ")"
