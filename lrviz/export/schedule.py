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

Each library's code comes in two layers: ``<library>_parts(setup)`` gives the pieces that make
the optimizer and its schedule (and what the loop does after each update), and
``<library>_code(setup)`` puts them around a stand-in model and loop. The whole scripts of
:mod:`lrviz.export.scripts` put the same pieces around a real surface and loop. Comments are
in ``setup.lang`` (:mod:`lrviz.export._words`).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from lrviz import optimizers, schedules
from lrviz.export._words import comment, say
from lrviz.export._writers import WRITERS, Setup, call
from lrviz.export.forms import num
from lrviz.export.optimizers import keras_optimizer, optax_optimizer, torch_imports, torch_optimizer

__all__ = ["LIBRARIES", "Library", "Parts", "Setup", "export", "keras_code", "keras_parts", "optax_code",
           "optax_parts", "torch_code", "torch_parts"]

Library = Literal["pytorch", "keras", "optax"]
LIBRARIES: tuple[Library, ...] = ("pytorch", "keras", "optax")


class Parts(NamedTuple):
    """The pieces of one library's code for a setup, shared by the snippets and the scripts.

    ``imports``: the extra import lines the pieces need (``import math``); ``setup``: lines that
    make ``optimizer`` (with ``scheduler`` or ``schedule``); ``after``: lines inside the training
    loop, indented, once an update is done (a scheduler's step); ``callback``: Keras' plateau
    callback, which a snippet passes to ``model.fit``.
    """

    imports: list[str]
    setup: list[str]
    after: list[str]
    callback: tuple[str, ...] | list[str] = ()


def _math(lines: list[str]) -> list[str]:
    return ["import math"] if any("math." in line for line in lines) else []


def export(setup: Setup) -> dict[Library, str]:
    """One snippet per library for ``setup``."""
    return {"pytorch": torch_code(setup), "keras": keras_code(setup), "optax": optax_code(setup)}


def torch_parts(s: Setup, params: str = "model.parameters()", loss: str = "loss_fn(model).item()",
                watch: str = "plateau_watch") -> Parts:
    """``optimizer`` over ``params`` and its ``scheduler``; a plateau steps on the value ``loss``
    after each update (its comment: the words ``watch``)."""
    sched_lines = WRITERS[s.schedule].torch(s)
    opt_notes, opt_call = torch_optimizer(s.optimizer, s.optimizer_params, s.lr)
    if schedules.get(s.schedule).needs_loss:
        after = [*comment(watch, s.lang, "    "), f"    scheduler.step({loss})"]
    elif s.schedule == "onecycle" and s.steps > s.params["total_steps"]:
        # torch raises on its total_steps + 1-th step; lrviz holds the last rate from there (a
        # lecturer's OneCycle at 300 steps with total_steps 100 crashed at update 101).
        last = num(s.params["total_steps"] - 1)
        after = [f"    if scheduler.last_epoch < {last}:  # {say('form_hold', s.lang)}",
                 f"        scheduler.step()  # {say('once_per_update', s.lang)}"]
    elif any(line.startswith("scheduler = ") for line in sched_lines):
        after = [f"    scheduler.step()  # {say('once_per_update', s.lang)}"]
    else:
        after = []
    setup = [*opt_notes, "optimizer = " + call(opt_call[0], [params, *opt_call[1]]), *sched_lines]
    if optimizers.get(s.optimizer).averaged:  # schedulefree: the weights are y until .eval()
        setup += [*comment("torch_train_mode", s.lang), "optimizer.train()"]
    return Parts([*_math(sched_lines), *torch_imports(s.optimizer)], setup, after)


def torch_code(s: Setup) -> str:
    parts = torch_parts(s)
    lines = [
        *_math(parts.imports), *([""] if _math(parts.imports) else []),
        *sorted(["import torch", *[line for line in parts.imports if line != "import math"]]), "",
        f"model = torch.nn.Linear(2, 1)  # {say('your_model', s.lang)}", *parts.setup, "",
        f"for step in range({s.steps}):",
        "    optimizer.zero_grad()",
        f"    loss = loss_fn(model)  # {say('your_loss', s.lang)}",
        "    loss.backward()",
        "    optimizer.step()",
        *parts.after,
    ]
    if optimizers.get(s.optimizer).averaged:
        lines += ["", *comment("torch_eval_mode", s.lang), "optimizer.eval()"]
    return "\n".join(lines) + "\n"


def _spaced(lines: list[str]) -> list[str]:
    """Two blank lines around a top-level ``def`` or ``class`` block, as PEP 8 asks."""
    if lines and lines[0].startswith(("def ", "class ")):
        return ["", *lines, "", ""]
    return lines


def keras_parts(s: Setup, extra_args: tuple[str, ...] = (), *, regularizer_note: bool = True) -> Parts:
    """``optimizer`` (with ``extra_args``) and its ``schedule``; for a loss-driven schedule the
    ``plateau`` callback (``callback``) and the base rate as the optimizer's rate."""
    sched_lines, rate = WRITERS[s.schedule].keras(s)
    callback = []
    if schedules.get(s.schedule).needs_loss:  # the writer's lines are the callback, after the optimizer
        sched_lines, callback = [], sched_lines
    opt_notes, (func, args) = keras_optimizer(s.optimizer, s.optimizer_params, rate, s.lang,
                                              regularizer_note=regularizer_note)
    uses_ops = any("ops." in line for line in sched_lines)
    imports = [*_math(sched_lines), "", "import keras", *(["from keras import ops"] if uses_ops else [])]
    setup = [*_spaced(sched_lines), *opt_notes, "optimizer = " + call(func, [*args, *extra_args])]
    return Parts(imports, setup, [], callback)


def keras_code(s: Setup) -> str:
    parts = keras_parts(s)
    if parts.callback:
        fit = [*comment("keras_epoch_per_update", s.lang),
               f"model.fit(x, y, batch_size=len(x), epochs={s.steps}, callbacks=[plateau])"
               f"  # {say('your_data', s.lang)}"]
    else:
        fit = [*comment("keras_batches", s.lang),
               "batch_size = 32",
               f"epochs = math.ceil({s.steps} / math.ceil(len(x) / batch_size))"
               f"  # {say('updates_in_all', s.lang, steps=s.steps)}",
               f"model.fit(x, y, batch_size=batch_size, epochs=epochs)  # {say('your_data', s.lang)}"]
    imports = ["import math", *parts.imports[1:]] if parts.imports[0] == "import math" else \
        ["import math", *parts.imports]
    lines = [
        *imports, "", *parts.setup, *parts.callback, "",
        f"model = keras.Sequential([keras.layers.Dense(1)])  # {say('your_model', s.lang)}",
        'model.compile(optimizer=optimizer, loss="mse")', *fit,
    ]
    return "\n".join(lines) + "\n"


def optax_parts(s: Setup, loss: str = "float(loss_fn(params))", watch: str = "plateau_watch") -> Parts:
    """``optimizer`` with its ``schedule``; a plateau's rate, from the value ``loss`` after each
    update, goes into the optimizer's state (``opt_state``)."""
    plateau = schedules.get(s.schedule).needs_loss
    sched_lines = WRITERS[s.schedule].optax(s)
    rate = "learning_rate" if plateau else "schedule"
    opt_notes, expr = optax_optimizer(s.optimizer, s.optimizer_params, rate, s.lang, schedule=not plateau)
    if plateau:
        indented = expr.replace("\n", "\n    ")  # a call written over several lines, inside the def
        make = ["def make_optimizer(learning_rate):", f"    return {indented}", "",
                "", *comment("inject", s.lang),
                f"optimizer = optax.inject_hyperparams(make_optimizer)(learning_rate={num(s.lr)})"]
        after = [*comment(watch, s.lang, "    "),
                 f"    new_rate = plateau.step({loss})",
                 '    opt_state.hyperparams["learning_rate"] = jnp.asarray(new_rate)']
    else:
        make, after = [f"optimizer = {expr}"], []
    return Parts(_math(sched_lines), [*_spaced(sched_lines), *opt_notes, *make], after)


def optax_code(s: Setup) -> str:
    parts = optax_parts(s)
    plateau = bool(parts.after)
    lines = [
        *parts.imports, *([""] if parts.imports else []),
        "import jax", "import jax.numpy as jnp", "import optax",
        "", *parts.setup, "",
        f"params = jnp.zeros(2)  # {say('your_params', s.lang)}",
        "opt_state = optimizer.init(params)", "", "",
        "@jax.jit",
        "def train_step(params, opt_state):",
        f"    loss, grads = jax.value_and_grad(loss_fn)(params)  # {say('loss_fn_yours', s.lang)}",
        "    updates, opt_state = optimizer.update(grads, opt_state, params)",
        "    return optax.apply_updates(params, updates), opt_state", "", "",
        f"for step in range({s.steps}):" + ("" if plateau else f"  # {say('optax_counts', s.lang)}"),
        "    params, opt_state = train_step(params, opt_state)",
        *parts.after,
    ]
    if optimizers.get(s.optimizer).averaged:
        lines += ["", *comment("optax_eval_point", s.lang),
                  "eval_params = optax.contrib.schedule_free_eval_params("
                  f"{'opt_state.inner_state' if plateau else 'opt_state'}, params)"]
    return "\n".join(lines) + "\n"
