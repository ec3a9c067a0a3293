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
in comments rather than hidden. :data:`lrviz.export._writers.WRITERS` says, per schedule id, how each library
writes it (one entry per schedule, no fall-through: ``tests/export/test_schedule.py`` checks
that every schedule has one); the rest of the module is the same for every schedule.
``tests/export/test_schedule.py`` parses every snippet and executes the optax ones,
comparing their rates with :func:`lrviz.schedules.make`.
"""

from __future__ import annotations

from typing import Literal

from lrviz import schedules
from lrviz.export._writers import WRITERS, Setup, call
from lrviz.export.forms import num
from lrviz.export.optimizers import keras_optimizer, optax_optimizer, torch_optimizer

__all__ = ["LIBRARIES", "Library", "Setup", "export", "keras_code", "optax_code", "torch_code"]

Library = Literal["pytorch", "keras", "optax"]
LIBRARIES: tuple[Library, ...] = ("pytorch", "keras", "optax")


def export(setup: Setup) -> dict[Library, str]:
    """One snippet per library for ``setup``."""
    return {"pytorch": torch_code(setup), "keras": keras_code(setup), "optax": optax_code(setup)}


def torch_code(s: Setup) -> str:
    sched_lines = WRITERS[s.schedule].torch(s)
    imports = ["import math", ""] if "math." in "\n".join(sched_lines) else []
    opt_notes, opt_call = torch_optimizer(s.optimizer, s.optimizer_params, s.lr)
    if schedules.get(s.schedule).needs_loss:
        after = ["    # ReduceLROnPlateau watches a loss: here the loss after the update",
                 "    # (in practice, the validation loss after each epoch).",
                 "    scheduler.step(loss_fn(model).item())"]
    elif any(line.startswith("scheduler = ") for line in sched_lines):
        after = ["    scheduler.step()  # once per update: update t uses the rate of step t"]
    else:
        after = []
    lines = [
        *imports, "import torch", "",
        "model = torch.nn.Linear(2, 1)  # your model", *opt_notes,
        "optimizer = " + call(opt_call[0], ["model.parameters()", *opt_call[1]]),
        *sched_lines, "",
        f"for step in range({s.steps}):",
        "    optimizer.zero_grad()",
        "    loss = loss_fn(model)  # your loss",
        "    loss.backward()",
        "    optimizer.step()",
        *after,
    ]
    return "\n".join(lines) + "\n"


def _spaced(lines: list[str]) -> list[str]:
    """Two blank lines around a top-level ``def`` or ``class`` block, as PEP 8 asks."""
    if lines and lines[0].startswith(("def ", "class ")):
        return ["", *lines, "", ""]
    return lines


def keras_code(s: Setup) -> str:
    sched_lines, rate = WRITERS[s.schedule].keras(s)
    needs_loss = schedules.get(s.schedule).needs_loss
    opt_notes, (func, args) = keras_optimizer(s.optimizer, s.optimizer_params, rate)
    if needs_loss:  # the writer's lines are the callback, which goes after the optimizer
        sched_lines, extra = [], sched_lines
        fit = ["# One update per epoch, so that the callback looks after every update like torch's",
               "# scheduler.step(loss) (Keras' epoch loss is measured during the epoch, before its update).",
               f"model.fit(x, y, batch_size=len(x), epochs={s.steps}, callbacks=[plateau])  # your data"]
    else:
        extra = []
        fit = ["# Keras calls the schedule with the number of updates so far (one per batch).",
               "batch_size = 32",
               f"epochs = math.ceil({s.steps} / math.ceil(len(x) / batch_size))  # {s.steps} updates in all",
               "model.fit(x, y, batch_size=batch_size, epochs=epochs)  # your data"]
    uses_ops = any("ops." in line for line in sched_lines)
    imports = ["import math", "", "import keras", *(["from keras import ops"] if uses_ops else [])]
    lines = [
        *imports, "", *_spaced(sched_lines), *opt_notes, "optimizer = " + call(func, args), *extra, "",
        "model = keras.Sequential([keras.layers.Dense(1)])  # your model",
        'model.compile(optimizer=optimizer, loss="mse")', *fit,
    ]
    return "\n".join(lines) + "\n"


def optax_code(s: Setup) -> str:
    plateau = schedules.get(s.schedule).needs_loss
    sched_lines = WRITERS[s.schedule].optax(s)
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
