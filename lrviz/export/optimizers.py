"""The optimizer half of the code export: ``torch.optim``'s numbers in PyTorch, Keras 3 and optax.

Each function takes an optimizer id of :data:`lrviz.optimizers.OPTIMIZERS`
and its resolved parameters and returns the comments a student should read
(where the library's optimizer differs from torch's) and the call. Only
arguments that differ from the library's own defaults are written, except
where the defaults differ from torch's (Keras' and optax's epsilons and
accumulators), which are always written out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lrviz.export.forms import num

Call = tuple[str, list[str]]

_TORCH = {  # class and its defaults in torch.optim
    "SGD": {"momentum": 0.0, "dampening": 0.0, "nesterov": False, "weight_decay": 0.0},
    "Adagrad": {"lr_decay": 0.0, "weight_decay": 0.0, "initial_accumulator_value": 0.0, "eps": 1e-10},
    "RMSprop": {"alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0, "centered": False},
    "Adam": {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False},
    "AdamW": {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 1e-2, "amsgrad": False},
}
_EPS_INSIDE = "# {lib} adds eps inside the square root (torch: outside); it matters only near g = 0."
_NO_LR_DECAY = "# {lib} has no lr_decay (torch: {value}): fold it into the schedule."
_CLASS = {"sgd": "SGD", "momentum": "SGD", "nesterov": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop",
          "adam": "Adam", "adamw": "AdamW"}


def _literal(value: Any) -> str:
    if isinstance(value, tuple | list):
        return "(" + ", ".join(num(v) for v in value) + ")"
    return num(value)


def torch_optimizer(name: str, p: Mapping[str, Any], lr: float) -> tuple[list[str], Call]:
    """``torch.optim.<Class>(params, lr=..., <non-default arguments>)``; torch needs no notes."""
    cls = _CLASS[name]
    given = dict(p)
    if name == "nesterov":
        given["nesterov"] = True
    args = [f"lr={num(lr)}"] + [f"{k}={_literal(v)}" for k, v in given.items() if v != _TORCH[cls][k]]
    return [], (f"torch.optim.{cls}", args)


def keras_optimizer(name: str, p: Mapping[str, Any], rate: str) -> tuple[list[str], Call]:
    """``keras.optimizers.<Class>(learning_rate=rate, ...)`` and what differs from torch."""
    notes: list[str] = []
    args = [f"learning_rate={rate}"]
    wd = p.get("weight_decay", 0.0)
    if name in ("sgd", "momentum", "nesterov"):
        cls = "SGD"
        momentum = p.get("momentum", 0.0)
        if momentum:
            args.append(f"momentum={num(momentum)}")
            notes.append("# Keras keeps the rate inside the momentum buffer: torch's numbers while the rate")
            notes.append("# stays constant, slightly different where the schedule changes it.")
        if name == "nesterov" or p.get("nesterov"):
            args.append("nesterov=True")
        if p.get("dampening"):
            notes.append(f"# Keras' SGD has no dampening (torch: dampening={num(p['dampening'])}).")
    elif name == "adagrad":
        cls = "Adagrad"
        args += [f"initial_accumulator_value={num(p['initial_accumulator_value'])}",
                 f"epsilon={num(p['eps'])}"]
        notes.append(_EPS_INSIDE.format(lib="Keras"))
        if p["lr_decay"]:
            notes.append(_NO_LR_DECAY.format(lib="Keras' Adagrad", value=num(p["lr_decay"])))
    elif name == "rmsprop":
        cls = "RMSprop"
        args += [f"rho={num(p['alpha'])}", f"momentum={num(p['momentum'])}", f"epsilon={num(p['eps'])}"]
        if p["centered"]:
            args.append("centered=True")
        notes.append(_EPS_INSIDE.format(lib="Keras"))
    else:
        cls = "Adam" if name == "adam" else "AdamW"
        if name == "adamw":
            args.append(f"weight_decay={num(wd)}")
        b1, b2 = p["betas"]
        args += [f"beta_1={num(b1)}", f"beta_2={num(b2)}", f"epsilon={num(p['eps'])}"]
        if p["amsgrad"]:
            args.append("amsgrad=True")
        notes.append("# Keras adds epsilon before the bias correction of v (torch after it): a tiny")
        notes.append("# difference in the first steps, and only where gradients are as small as epsilon.")
    if wd and name != "adamw":
        if name in ("adam", "rmsprop", "adagrad") or p.get("momentum"):
            notes.append("# torch adds weight_decay * w to the gradient (L2); Keras' weight_decay shrinks")
            notes.append("# the weights apart from the step. For torch's numbers give the layers")
            half = num(wd / 2)
            notes.append(f"# kernel_regularizer=keras.regularizers.L2({half}) (gradient 2 * {half} * w).")
        else:
            args.append(f"weight_decay={num(wd)}")
            notes.append("# For plain SGD, Keras' decoupled weight_decay is the same update as torch's L2.")
    return notes, (f"keras.optimizers.{cls}", args)


def optax_optimizer(name: str, p: Mapping[str, Any], rate: str) -> tuple[list[str], str]:
    """An optax expression with ``rate`` as its learning rate, and what differs from torch."""
    notes: list[str] = []
    wd = p.get("weight_decay", 0.0)
    if name in ("sgd", "momentum", "nesterov"):
        momentum = p.get("momentum", 0.0)
        args = [rate] + ([f"momentum={num(momentum)}"] if momentum else [])
        if name == "nesterov" or p.get("nesterov"):
            args.append("nesterov=True")
        expr = f"optax.sgd({', '.join(args)})"
        if p.get("dampening"):
            notes.append(f"# optax.sgd has no dampening (torch: {num(p['dampening'])}); lrviz writes that")
            notes.append("# momentum buffer by hand (lrviz.optimizers).")
    elif name == "adagrad":
        expr = (f"optax.adagrad({rate}, initial_accumulator_value={num(p['initial_accumulator_value'])}, "
                f"eps={num(p['eps'])})")
        notes.append(_EPS_INSIDE.format(lib="optax"))
        if p["lr_decay"]:
            notes.append(_NO_LR_DECAY.format(lib="optax.adagrad", value=num(p["lr_decay"])))
    elif name == "rmsprop":
        args = [rate, f"decay={num(p['alpha'])}", f"eps={num(p['eps'])}", "eps_in_sqrt=False"]
        if p["centered"]:
            args.append("centered=True")
        if p["momentum"]:
            args.append(f"momentum={num(p['momentum'])}")
            notes.append("# optax applies momentum after the rate: torch's numbers while the rate stays")
            notes.append("# constant, slightly different where the schedule changes it.")
        expr = f"optax.rmsprop({', '.join(args)})"
    else:
        b1, b2 = p["betas"]
        common = f"{rate}, b1={num(b1)}, b2={num(b2)}, eps={num(p['eps'])}"
        if name == "adamw":
            expr = f"optax.adamw({common}, weight_decay={num(wd)})"
        else:
            expr = f"optax.{'amsgrad' if p['amsgrad'] else 'adam'}({common})"
        if p["amsgrad"]:
            notes.append("# optax's AMSGrad keeps the maximum of the bias-corrected moment, torch of the")
            notes.append("# raw one: the steps differ a little (lrviz writes torch's by hand).")
            if name == "adamw":
                notes.append("# optax.adamw has no amsgrad switch: this is plain AdamW.")
    if wd and name != "adamw":
        notes.append("# torch's weight_decay is L2: weight_decay * w joins the gradient first.")
        expr = f"optax.chain(optax.add_decayed_weights({num(wd)}), {expr})"
    return notes, expr
