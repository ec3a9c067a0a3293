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


def _notes(notes: Sequence[Note], p: Mapping[str, Any]) -> list[str]:
    """The notes that apply, with the parameters' values filled in."""
    values = {name: _literal(value) for name, value in p.items() if value is not None}
    return [line.format(**values) for note in notes if note.when is None or p.get(note.when)
            for line in note.lines]


def torch_optimizer(name: str, p: Mapping[str, Any], lr: float) -> tuple[list[str], Call]:
    """``torch.optim.<Class>(params, lr=..., <non-default arguments>)``; torch needs no notes."""
    torch = optimizers.get(name).code.torch
    given = {**p, **torch.fixed}
    args = [f"lr={num(lr)}"] + [f"{k}={_literal(v)}" for k, v in given.items() if v != torch.defaults[k]]
    return [], (f"torch.optim.{torch.cls}", args)


def keras_optimizer(name: str, p: Mapping[str, Any], rate: str) -> tuple[list[str], Call]:
    """``keras.optimizers.<Class>(learning_rate=rate, ...)`` and what differs from torch."""
    code = optimizers.get(name).code
    keras = code.keras
    args = [f"learning_rate={rate}", *_args(keras.args, p)]
    notes = _notes(keras.notes, p)
    wd = p.get("weight_decay", 0.0)
    if wd and code.decay == "l2":
        if keras.decay_is_l2_without_momentum and not p.get("momentum"):
            args.append(f"weight_decay={num(wd)}")
            notes.append("# For plain SGD, Keras' decoupled weight_decay is the same update as torch's L2.")
        else:
            notes.append("# torch adds weight_decay * w to the gradient (L2); Keras' weight_decay shrinks")
            notes.append("# the weights apart from the step. For torch's numbers give the layers")
            half = num(wd / 2)
            notes.append(f"# kernel_regularizer=keras.regularizers.L2({half}) (gradient 2 * {half} * w).")
    return notes, (f"keras.optimizers.{keras.cls}", args)


def optax_optimizer(name: str, p: Mapping[str, Any], rate: str) -> tuple[list[str], str]:
    """An optax expression with ``rate`` as its learning rate, and what differs from torch."""
    code = optimizers.get(name).code
    call = code.optax
    func = call.switch[1] if call.switch is not None and p.get(call.switch[0]) else call.func
    expr = f"{func}({', '.join([rate, *_args(call.args, p)])})"
    notes = _notes(call.notes, p)
    wd = p.get("weight_decay", 0.0)
    if wd and code.decay == "l2":
        notes.append("# torch's weight_decay is L2: weight_decay * w joins the gradient first.")
        expr = f"optax.chain(optax.add_decayed_weights({num(wd)}), {expr})"
    return notes, expr
