"""A run of lrviz as a whole script for PyTorch, Keras 3 or optax: :func:`script`.

``script(library, surface, **kwargs)`` takes exactly :func:`lrviz.engine.run`'s arguments and
returns a runnable Python file: the surface as a function of the library's tensors
(:mod:`lrviz.export.surface`), the optimizer and schedule as the schedules page writes them
(:func:`~lrviz.export.schedule.torch_parts` and its siblings, so a difference between a library
and torch is named once, in the same words), the start, the steps, gradient noise and
clipping. It prints the loss after every update, one number per line; without noise those are
lrviz's numbers, float32 rounding aside, until lrviz stops a run that escapes its box.

What each library lacks is written out and said so: optax's scripts clip as torch does (optax
leaves out torch's 1e-6) and draw lrviz's very noise (same JAX keys); PyTorch and Keras draw their
own noise, so a noisy run matches only in distribution. Keras' script runs ``model.fit`` on a layer
whose only weight is the point, adds torch's L2 decay to the loss where Keras has no such
argument, and replaces Keras' ReduceLROnPlateau callback by torch's rules. Comments follow
``lang`` (:mod:`lrviz.export._words`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np

from lrviz import optimizers, schedules, surfaces
from lrviz.export import forms
from lrviz.export._words import comment, say
from lrviz.export._writers import Setup, call
from lrviz.export.forms import num
from lrviz.export.optimizers import keras_l2
from lrviz.export.schedule import keras_parts, optax_parts, torch_parts
from lrviz.export.surface import loss_function
from lrviz.i18n import LANGS
from lrviz.params import check_int, check_rate

__all__ = ["SCRIPT_LIBRARIES", "ScriptLibrary", "script"]

ScriptLibrary = Literal["torch", "keras", "optax"]
SCRIPT_LIBRARIES: tuple[ScriptLibrary, ...] = ("torch", "keras", "optax")
_NAMES = {"torch": "PyTorch", "keras": "Keras 3", "optax": "optax"}


def script(
    library: ScriptLibrary,
    surface: surfaces.Surface | str,
    optimizer: str = "sgd",
    lr: float = 0.1,
    steps: int = 100,
    start: Sequence[float] | None = None,
    schedule: str = "constant",
    schedule_params: Mapping[str, Any] | None = None,
    optimizer_params: Mapping[str, Any] | None = None,
    *,
    noise: float = 0.0,
    seed: int = 0,
    clip_norm: float | None = None,
    lang: str = "en",
) -> str:
    """The run ``lrviz.engine.run(surface, optimizer, lr, ...)`` as a script for ``library``
    (``"torch"``, ``"keras"`` or ``"optax"``), with comments in ``lang`` (``"en"`` or ``"ko"``).

    Every argument is checked as :func:`lrviz.engine.run` checks it; a bad one raises
    ``ValueError`` naming it.
    """
    if library not in SCRIPT_LIBRARIES:
        raise ValueError(f"`library` (={library!r}) must be one of {', '.join(SCRIPT_LIBRARIES)}.")
    if lang not in LANGS:
        raise ValueError(f"`lang` (={lang!r}) must be one of {', '.join(LANGS)}.")
    surface = surfaces.get(surface) if isinstance(surface, str) else surface
    lr = check_rate(lr)
    steps = check_int("steps", steps)
    check_int("seed", seed, lo=0)
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"`noise` (={noise!r}) must be a number >= 0.")
    if clip_norm is not None and not (np.isfinite(clip_norm) and clip_norm > 0):
        raise ValueError(f"`clip_norm` (={clip_norm!r}) must be a positive number or None.")
    point = np.asarray(surface.start if start is None else start, dtype=float).reshape(-1)
    if point.shape != (surface.dim,) or not np.all(np.isfinite(point)):
        raise ValueError(f"`start` (={start!r}) must be {surface.dim} finite number(s).")
    s = Setup(schedule, schedules.get(schedule).resolve(schedule_params, lr), lr, optimizer,
              optimizers.get(optimizer).resolve(optimizer_params, lr), steps, lang)
    run = _Run(surface, s, [float(v) for v in point], float(noise), int(seed), clip_norm)
    imports, body = {"torch": _torch, "keras": _keras, "optax": _optax}[library](run)
    if any("math." in line for line in body):
        imports = ["import math", *imports]
    lines = [*run.head(library), *_imports(imports), "", "", *body]
    text = "\n".join(lines).strip("\n") + "\n"
    return re.sub(r"\n{4,}", "\n\n\n", text)  # at most two blank lines where pieces meet


class _Run:
    """Everything a script writer needs, checked."""

    def __init__(self, surface, s: Setup, start, noise, seed, clip_norm) -> None:
        self.surface, self.s, self.start = surface, s, start
        self.noise, self.seed, self.clip = noise, seed, clip_norm
        self.lang = s.lang
        self.plateau = schedules.get(s.schedule).needs_loss

    def head(self, library: str) -> list[str]:
        s = self.s
        return [*comment("head", self.lang, library=_NAMES[library],
                         optimizer=optimizers.get(s.optimizer).title(self.lang), lr=num(s.lr),
                         schedule=schedules.get(s.schedule).title(self.lang), steps=s.steps,
                         surface=self.surface.title(self.lang)),
                *comment("divergence", self.lang), ""]

    def loss_fn(self, library: str) -> list[str]:
        doc = say("surface_doc", self.lang, title=self.surface.title(self.lang))
        return [*loss_function(self.surface, library, doc), "", ""]

    def point(self) -> str:
        return "[" + ", ".join(repr(v) for v in self.start) + "]"


def _imports(lines: list[str]) -> list[str]:
    """Import lines, each once: the standard library's, a blank line, the others by module."""
    unique = {line for line in lines if line}
    std = sorted(line for line in unique if line == "import math")
    rest = sorted(unique - set(std), key=lambda line: (line.split()[1], line.startswith("from")))
    return [*std, *([""] if std and rest else []), *rest]


# --- PyTorch -----------------------------------------------------------------------------------


def _torch(r: _Run) -> tuple[list[str], list[str]]:
    parts = torch_parts(r.s, params="[p]", loss="loss", watch="plateau_after")
    noise = []
    if r.noise:
        noise = [*comment("noise_other", r.lang, "    ", noise=num(r.noise), seed=r.seed, library="PyTorch"),
                 "    with torch.no_grad():",
                 f"        p.grad += {num(r.noise)} * torch.randn(p.shape, generator=generator)"]
    clip = []
    if r.clip is not None:
        clip = [*comment("clip_torch", r.lang, "    ", clip=num(r.clip)),
                f"    torch.nn.utils.clip_grad_norm_([p], max_norm={num(r.clip)})"]
    averaged = optimizers.get(r.s.optimizer).averaged
    evaluate = [f"        loss = loss_fn(p).item()  # {say('loss_after', r.lang)}"]
    if averaged:  # schedulefree: p holds y while training; the loss is evaluated at x
        evaluate = [*comment("torch_eval_point", r.lang, "    "), "    optimizer.eval()",
                    "    with torch.no_grad():", *evaluate, "    optimizer.train()"]
    else:
        evaluate = ["    with torch.no_grad():", *evaluate]
    return [*parts.imports, "import torch"], [
        *r.loss_fn("torch"),
        f"p = torch.tensor({r.point()}, requires_grad=True)  # {say('start', r.lang)} (float32)",
        *parts.setup,
        *([f"generator = torch.Generator().manual_seed({r.seed})"] if r.noise else []),
        "",
        f"for step in range({r.s.steps}):",
        "    optimizer.zero_grad()",
        "    loss_fn(p).backward()",
        *noise, *clip,
        "    optimizer.step()",
        *[line for line in parts.after if not r.plateau],
        *evaluate,
        *[line for line in parts.after if r.plateau],
        "    print(loss)",
    ]


# --- Keras 3 -----------------------------------------------------------------------------------


def _keras(r: _Run) -> tuple[list[str], list[str]]:
    s, dim = r.s, r.surface.dim
    extra = () if r.clip is None else (f"global_clipnorm={num(r.clip)}",)
    parts = keras_parts(s, extra, regularizer_note=False)
    l2 = keras_l2(s.optimizer, s.optimizer_params)
    setup = list(parts.setup)
    if r.clip is not None:  # the note goes just above the optimizer
        at = next(i for i, line in enumerate(setup) if line.startswith("optimizer = "))
        setup[at:at] = comment("clip_keras", r.lang, clip=num(r.clip))
    if r.plateau:  # torch's rules instead of Keras' callback (parts.callback)
        setup = [*setup, "", "", *comment("keras_plateau_own", r.lang),
                 *forms.plateau_class(s.params, s.lr, r.lang)]
    seeds = [f"        self.seeds = keras.random.SeedGenerator({r.seed})"] if r.noise else []
    call_lines = ["        p = ops.convert_to_tensor(self.p)", "        loss = loss_fn(p)"]
    if l2:
        call_lines = [*call_lines, *comment("keras_l2", r.lang, "        ", wd=num(l2)),
                      f"        loss = loss + {num(l2 / 2)} * ops.sum(p ** 2)"]
    if r.noise:
        call_lines = [*call_lines,
                      *comment("noise_other", r.lang, "        ", noise=num(r.noise), seed=r.seed,
                               library="Keras"),
                      f"        z = {num(r.noise)} * keras.random.normal(({dim},), seed=self.seeds)",
                      *comment("keras_noise_term", r.lang, "        "),
                      "        loss = loss + ops.sum(ops.stop_gradient(z) * p)"]
    report = ["        loss = float(ops.convert_to_numpy(loss_fn(ops.convert_to_tensor(point.p))))"]
    if r.plateau:
        report += [*comment("plateau_after", r.lang, "        "),
                   "        self.model.optimizer.learning_rate = plateau.step(loss)"]
    return [*parts.imports, "import keras", "import numpy as np", "from keras import ops"], [
        *r.loss_fn("keras"),
        *setup,
        "",
        "",
        "class Point(keras.layers.Layer):",
        *(f"    {line}" if line else "" for line in _docstring(say("keras_point", r.lang))),
        "",
        "    def __init__(self):",
        "        super().__init__()",
        *seeds,
        "",
        "    def build(self, input_shape):",
        f"        def start(shape, dtype=None):  # {say('start', r.lang)}",
        f"            return ops.convert_to_tensor({r.point()}, dtype)",
        "",
        f"        self.p = self.add_weight(shape=({dim},), initializer=start)",
        "",
        "    def call(self, inputs):",
        *call_lines,
        "        return ops.zeros_like(inputs) + loss",
        "",
        "",
        "class Report(keras.callbacks.Callback):",
        *(f"    {line}" if line else "" for line in _docstring(say("keras_report", r.lang))),
        "",
        "    def on_epoch_end(self, epoch, logs=None):",
        *report,
        "        print(loss)",
        "",
        "",
        "point = Point()",
        "model = keras.Sequential([keras.Input(shape=(1,)), point])",
        f"# {say('keras_output_loss', r.lang)}",
        "model.compile(optimizer=optimizer, loss=lambda y_true, y_pred: ops.mean(y_pred))",
        *comment("keras_schedule_sees", r.lang),
        call("model.fit", ['np.zeros((1, 1), "float32")', 'np.zeros((1, 1), "float32")', "batch_size=1",
                           f"epochs={s.steps}", "shuffle=False", "verbose=0", "callbacks=[Report()]"]),
    ]


def _docstring(text: str) -> list[str]:
    lines = text.split("\n")
    if len(lines) == 1:
        return [f'"""{lines[0]}"""']
    return [f'"""{lines[0]}', *lines[1:-1], f'{lines[-1]}"""']


# --- optax -------------------------------------------------------------------------------------


def _optax(r: _Run) -> tuple[list[str], list[str]]:
    parts = optax_parts(r.s, loss="float(loss)", watch="plateau_after")
    evaluated = "params"
    if optimizers.get(r.s.optimizer).averaged:  # the loss at x, where the model is evaluated
        state = "opt_state.inner_state" if r.plateau else "opt_state"  # inject_hyperparams wraps it
        evaluated = f"optax.contrib.schedule_free_eval_params({state}, params)"
    grads = []
    if r.noise:
        grads += [*comment("noise_optax", r.lang, "    ", noise=num(r.noise), seed=r.seed),
                  f"    grads = grads + {num(r.noise)} * jax.random.normal(jax.random.fold_in(key, step), "
                  "grads.shape)"]
    if r.clip is not None:
        grads += [*comment("clip_optax", r.lang, "    ", clip=num(r.clip)),
                  f"    grads = grads * jnp.minimum(1.0, {num(r.clip)} / (jnp.linalg.norm(grads) + 1e-6))"]
    return [*parts.imports, "import jax", "import jax.numpy as jnp", "import optax"], [
        *r.loss_fn("optax"),
        *parts.setup,
        "",
        f"params = jnp.array({r.point()}, jnp.float32)  # {say('start', r.lang)}",
        "opt_state = optimizer.init(params)",
        *([f"key = jax.random.key({r.seed})"] if r.noise else []),
        "",
        "",
        "@jax.jit",
        "def train_step(params, opt_state, step):",
        f'    """{say("optax_step", r.lang)}"""',
        "    grads = jax.grad(loss_fn)(params)",
        *grads,
        "    updates, opt_state = optimizer.update(grads, opt_state, params)",
        "    params = optax.apply_updates(params, updates)",
        *(comment("optax_eval_point", r.lang, "    ") if evaluated != "params" else []),
        f"    return params, opt_state, loss_fn({evaluated})",
        "",
        "",
        f"for step in range({r.s.steps}):",
        "    params, opt_state, loss = train_step(params, opt_state, step)",
        *parts.after,
        "    print(float(loss))",
    ]
