r"""Closed forms of the schedules that a library lacks, written out as source code.

The code export (:mod:`lrviz.export.schedule`) needs, for some schedules, the
rate as a formula in the user's library: optax has no cyclical or time-based
schedule and its one-cycle and cosine differ from torch's (``OPTAX_VS_TORCH.md``);
Keras has no cyclical or one-cycle schedule either. Each form here (:data:`Form`) writes the
lines that compute ``rate`` from a float array ``t`` (the update index), with
the numbers filled in, for an array module ``xp`` (``jnp`` or Keras'
``ops``; both have ``cos``, ``where``, ``clip``, ``mod``, ``floor`` and
``minimum``) and Python's ``math``; :func:`plateau_class` writes torch's
ReduceLROnPlateau rules as a small Python class. The formulas are torch's
(``torch.optim.lr_scheduler``); the tests execute them and compare with
:func:`lrviz.schedules.make` (and :func:`lrviz.schedules.plateau_rates`) step by step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from lrviz.export._words import comment, say

__all__ = ["Form", "cosine", "cyclic", "num", "onecycle", "plateau_class", "time_based"]

Form = Callable[[float, Mapping[str, Any], str, str], list[str]]
"""``form(lr, p, xp, lang)``: lines computing ``rate`` from ``t`` with array module ``xp``,
comments in ``lang``."""


def num(value: Any) -> str:
    """A number as a short Python literal: ints as ints, floats with 8 significant digits."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    text = f"{float(value):.8g}"
    return text if any(c in text for c in ".en") else text + ".0"


def time_based(lr, p, xp, lang="en"):
    """Keras' InverseTimeDecay."""
    k = f"{xp}.floor(t / {num(p['decay_steps'])})" if p["staircase"] else f"t / {num(p['decay_steps'])}"
    return [f"rate = {num(lr)} / (1.0 + {num(p['decay_rate'])} * {k})"]


def cosine(lr, p, xp, lang="en"):
    """torch's CosineAnnealingLR, past T_max too."""
    eta_min, T_max = num(p["eta_min"]), num(p["T_max"])
    return [
        *comment("form_cosine", lang),
        f"rate = {eta_min} + ({num(lr)} - {eta_min}) * (1.0 + {xp}.cos(math.pi * t / {T_max})) / 2.0",
    ]


def cyclic(lr, p, xp, lang="en"):
    """torch's CyclicLR (the rate only)."""
    base = lr if p["base_lr"] is None else p["base_lr"]
    peak = 4.0 * base if p["max_lr"] is None else p["max_lr"]
    up = p["step_size_up"]
    down = up if p["step_size_down"] is None else p["step_size_down"]
    scale = {
        "triangular": "1.0",
        "triangular2": f"0.5 ** {xp}.floor(t / {num(up + down)})",  # halves every cycle
        "exp_range": f"{num(p['gamma'])} ** t",
    }[p["mode"]]
    return [
        f"r = {xp}.mod(t, {num(up + down)})  # " + say("form_cycle", lang),
        f"triangle = {xp}.where(r <= {num(up)}, r / {num(up)}, ({num(up + down)} - r) / {num(down)})",
        f"rate = {num(base)} + ({num(peak)} - {num(base)}) * triangle * {scale}",
    ]


def onecycle(lr, p, xp, lang="en"):
    """torch's OneCycleLR, held after total_steps."""
    n, pct = p["total_steps"], p["pct_start"]
    peak = lr if p["max_lr"] is None else p["max_lr"]
    initial = peak / p["div_factor"]
    lowest = initial / p["final_div_factor"]
    if p["three_phase"]:
        ends, levels = (pct * n - 1.0, 2.0 * pct * n - 2.0, n - 1.0), (initial, peak, initial, lowest)
    else:
        ends, levels = (pct * n - 1.0, n - 1.0), (initial, peak, lowest)
    starts = (0.0, *ends[:-1])
    cos = p["anneal_strategy"] == "cos"
    lines = [f"t = {xp}.minimum(t, {num(n - 1)})  # " + say("form_hold", lang)]
    for k, (start, end) in enumerate(zip(starts, ends, strict=True)):
        # A phase of no length is over at once.
        done = f"{xp}.clip((t - {num(start)}) / {num(end - start)}, 0.0, 1.0)" if end > start else "1.0"
        a, b = num(levels[k]), num(levels[k + 1])
        if cos:
            lines.append(f"phase{k + 1} = {b} + ({a} - {b}) * (1.0 + {xp}.cos(math.pi * {done})) / 2.0")
        else:
            lines.append(f"phase{k + 1} = {a} + ({b} - {a}) * {done}")
    rate = f"phase{len(ends)}"
    for k in reversed(range(len(ends) - 1)):
        rate = f"{xp}.where(t <= {num(ends[k])}, phase{k + 1}, {rate})"
    lines.append(f"rate = {rate}")
    return lines


def plateau_class(p: Mapping[str, Any], lr: float, lang: str = "en") -> list[str]:
    """torch's ReduceLROnPlateau as a small Python class ``ReduceLROnPlateau`` with ``step(loss)``.

    For optax, whose ``optax.contrib.reduce_on_plateau`` scales the updates
    instead of the rate, waits one step longer and has no max mode.
    """
    better = {("min", "rel"): "loss < self.best * (1.0 - {t})", ("min", "abs"): "loss < self.best - {t}",
              ("max", "rel"): "loss > self.best * (1.0 + {t})", ("max", "abs"): "loss > self.best + {t}"}
    test = better[(p["mode"], p["threshold_mode"])].format(t=num(p["threshold"]))
    worst = "math.inf" if p["mode"] == "min" else "-math.inf"
    first, second = say("plateau_doc", lang).split("\n")
    return [
        "class ReduceLROnPlateau:",
        f'    """{first}',
        f'    {second}"""',
        "",
        "    def __init__(self):",
        f"        self.lr, self.best, self.bad, self.cooldown = {num(lr)}, {worst}, 0, 0",
        "",
        "    def step(self, loss):",
        f"        if {test}:",
        "            self.best, self.bad = loss, 0",
        "        else:",
        "            self.bad += 1",
        "        if self.cooldown > 0:",
        "            self.cooldown, self.bad = self.cooldown - 1, 0",
        f"        if self.bad > {num(p['patience'])}:",
        f"            new_lr = max(self.lr * {num(p['factor'])}, {num(p['min_lr'])})",
        f"            if self.lr - new_lr > {num(p['eps'])}:",
        "                self.lr = new_lr",
        f"            self.cooldown, self.bad = {num(p['cooldown'])}, 0",
        "        return self.lr",
        "",
        "",
        "plateau = ReduceLROnPlateau()",
    ]
