r"""The optimizers lrviz shows, with the numbers of ``torch.optim``.

Every ``torch.optim`` optimizer here updates

.. math:: \theta_{t+1} = \theta_t - \eta_t\, d_t,

where the direction :math:`d_t` does not depend on the current rate :math:`\eta_t`:
torch multiplies by the rate last (SGD's buffer, RMSprop's buffer of
:math:`g/\text{den}`, Adagrad's :math:`g/(\sqrt{s}+\epsilon)/(1+(k-1)\,\text{lr\_decay})`,
Adam's bias-corrected ratio; AdamW's :math:`\theta(1-\eta\lambda)` is :math:`d \mathrel{+}= \lambda\theta`).
So each :class:`OptimizerSpec` has a ``direction(p)``: an optax transform producing :math:`+d_t`.
The engine multiplies by the rate itself (ReduceLROnPlateau's rate depends on the loss);
:func:`make` chains the rate on, giving an ordinary optax optimizer.

``p`` is the dict from :meth:`~lrviz.params.Spec.resolve`. Its numbers may be JAX tracers
(moving a slider must not recompile), so the transforms below never branch in Python on a
number; ``nesterov``, ``centered`` and ``amsgrad`` are Python bools and may.

The pieces are optax's (``add_decayed_weights``, ``scale_by_rms``, ``scale_by_stddev``,
``trace``, ``scale_by_adam``), except three written by hand because optax's numbers differ
from torch's (``OPTAX_VS_TORCH.md``; :mod:`lrviz.optimizers._transforms`): SGD's momentum buffer, Adagrad
and AMSGrad. Each spec also carries its critical rate (:mod:`~lrviz.optimizers._limits`), what d is
in words (``optimizer.<id>.d`` in the locale files), and its code in PyTorch, Keras and optax
(:mod:`~lrviz.optimizers._code`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import jax
import optax

from lrviz.i18n import BilingualError, Key
from lrviz.optimizers import _limits
from lrviz.optimizers import _schedule_free as sf
from lrviz.optimizers._code import Arg, Code, KerasCall, Note, OptaxCall, TorchCall
from lrviz.optimizers._limits import Limit, LimitRule
from lrviz.optimizers._step import Step, descend, with_rate
from lrviz.optimizers._transforms import torch_adagrad, torch_amsgrad, torch_momentum
from lrviz.params import ParamSpec, Spec, check_rate

Params = Mapping[str, Any]


@dataclass(frozen=True)
class OptimizerSpec(Spec):
    """A registry entry: hyper-parameters (:class:`Spec`) plus what the rest of lrviz asks of an
    optimizer, so that nothing outside this package branches on its id:

    - ``direction(p)``: the optax transform giving :math:`+d_t` for resolved parameters ``p``;
    - ``step(p)``: how the weights move given :math:`d_t` and the rate (a :class:`~._step.Step`);
      None for the torch family, θ_{t+1} = θ_t − η_t·d_t. The schedule-free
      optimizers move :math:`z` by :math:`d_t` and evaluate the model at an average
      (:mod:`lrviz.optimizers._schedule_free`);
    - ``limit(p, lam)``: its critical rate near a minimum of curvature ``lam``
      (:mod:`lrviz.optimizers._limits`; :func:`~lrviz.optimizers._limits.none` for adaptive ones);
    - ``d``: what :math:`d_t` is, in words, for the caption under the update rule
      (``optimizer.<id>.d``); ``d_given(p)`` refines it for parameters ``p`` (None: ``d`` is the
      plain gradient, nothing to explain);
    - ``code``: how PyTorch, Keras and optax write it (:mod:`lrviz.optimizers._code`).
    """

    registry: ClassVar[str] = "optimizer"
    direction: Callable[[Params], optax.GradientTransformation] | None = None
    limit: LimitRule | None = None
    d_given: Callable[[Params], Key | None] | None = None
    code: Code | None = None
    step: Callable[[Params], Step] | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        for hook in ("direction", "limit", "code"):
            if getattr(self, hook) is None:
                raise TypeError(f"OptimizerSpec {self.name!r} needs a `{hook}`.")

    @property
    def d(self) -> Key:
        return Key(f"optimizer.{self.name}.d")

    @property
    def averaged(self) -> bool:
        """Whether the model is evaluated at an average x of the iterates rather than at the point y
        where the gradient is taken (the schedule-free optimizers)."""
        return self.step is not None

    def stepper(self, p: Params) -> Step:
        """The update for resolved parameters ``p`` (numbers may be traced): :class:`~._step.Step`."""
        return self.step(p) if self.step is not None else descend(self.direction(p))

    @property
    def has_critical_rate(self) -> bool:
        """Whether a fixed critical rate exists (the SGD family); adaptive optimizers have none."""
        return self.limit is not _limits.none

    def stability_limit(self, params: Params, lam: float) -> Limit | None:
        """The critical rate where the largest curvature is ``lam``; ``params`` may leave out defaults."""
        return self.limit({**self.defaults(), **params}, lam)

    def caption(self, params: Params) -> Key | None:
        """What d stands for in the update rule with ``params``; None where d is the gradient itself."""
        return self.d_given(params) if self.d_given is not None else self.d


# -- directions: optax pieces, chained -------------------------------------------------------


def _sgd_direction(p: Params) -> optax.GradientTransformation:
    r"""``torch.optim.SGD``: :math:`g_t = \nabla f(\theta_t) + \lambda\theta_t` (L2), then
    :func:`~._transforms.torch_momentum`. Nesterov momentum: Sutskever, Martens, Dahl & Hinton 2013, ICML."""
    return optax.chain(
        optax.add_decayed_weights(p["weight_decay"]),
        torch_momentum(p.get("momentum", 0.0), p.get("dampening", 0.0), p.get("nesterov", False)),
    )


def _nesterov_direction(p: Params) -> optax.GradientTransformation:
    """``torch.optim.SGD(nesterov=True)``, which requires zero dampening."""
    return _sgd_direction({**p, "dampening": 0.0, "nesterov": True})


def _adagrad_direction(p: Params) -> optax.GradientTransformation:
    """``torch.optim.Adagrad``: L2 decay on the gradient, then :func:`~._transforms.torch_adagrad`."""
    return optax.chain(
        optax.add_decayed_weights(p["weight_decay"]),
        torch_adagrad(p["lr_decay"], p["initial_accumulator_value"], p["eps"]),
    )


def _rmsprop_direction(p: Params) -> optax.GradientTransformation:
    r"""``torch.optim.RMSprop`` (Hinton, *Neural Networks for Machine Learning*, lecture 6e, 2012).

    .. math:: s_t = \alpha s_{t-1} + (1-\alpha) g_t^2,\quad
              \bar g_t = \alpha \bar g_{t-1} + (1-\alpha) g_t,\quad
              \text{den}_t = \sqrt{s_t - [\text{centered}]\,\bar g_t^2} + \epsilon,\quad
              b_t = \mu b_{t-1} + g_t/\text{den}_t,\ d_t = b_t,

    with :math:`s_0 = \bar g_0 = b_0 = 0`, :math:`\epsilon` outside the root and L2 decay in
    :math:`g_t`. optax's pieces give exactly this: ``scale_by_rms``/``scale_by_stddev`` with
    ``eps_in_sqrt=False, initial_scale=0`` (the latter's den is :math:`\sqrt{s - \bar g^2}+\epsilon`),
    then ``trace(momentum)``, which starts at 0 as torch's buffer does (:math:`\mu = 0`: :math:`d_t =
    g_t/\text{den}_t`).
    """
    scale = optax.scale_by_stddev if p["centered"] else optax.scale_by_rms
    return optax.chain(
        optax.add_decayed_weights(p["weight_decay"]),
        scale(decay=p["alpha"], eps=p["eps"], initial_scale=0.0, eps_in_sqrt=False),
        optax.trace(decay=p["momentum"]),
    )


def _adam_ratio(p: Params) -> optax.GradientTransformation:
    r"""Adam's ratio (Kingma & Ba 2015, https://arxiv.org/abs/1412.6980), as ``torch.optim.Adam``:

    .. math:: d_k = \frac{m_k/(1-\beta_1^k)}{\sqrt{v_k}/\sqrt{1-\beta_2^k} + \epsilon}.

    ``optax.scale_by_adam`` computes :math:`\hat m/(\sqrt{v/(1-\beta_2^k)} + \epsilon)`, the
    same up to rounding (float32 :math:`\beta_2^k` where torch uses float64: a few 1e-6 relative
    near the start with :math:`\beta_2 = 0.999`). It accepts traced betas and eps.
    """
    b1, b2 = p["betas"][0], p["betas"][1]
    if p["amsgrad"]:
        return torch_amsgrad(b1, b2, p["eps"])
    return optax.scale_by_adam(b1=b1, b2=b2, eps=p["eps"], eps_root=0.0)


def _adam_direction(p: Params) -> optax.GradientTransformation:
    r"""``torch.optim.Adam``: L2 weight decay, :math:`g_t = \nabla f + \lambda\theta_t`, then the ratio."""
    return optax.chain(optax.add_decayed_weights(p["weight_decay"]), _adam_ratio(p))


def _adamw_direction(p: Params) -> optax.GradientTransformation:
    r"""``torch.optim.AdamW`` (Loshchilov & Hutter 2019, https://arxiv.org/abs/1711.05101):
    :math:`\theta \leftarrow \theta(1-\eta\lambda)` then the Adam step on the raw gradient,
    i.e. :math:`d_t = \text{adam}_t + \lambda\theta_t` (decoupled decay)."""
    return optax.chain(_adam_ratio(p), optax.add_decayed_weights(p["weight_decay"]))


def _sgd_sf_direction(p: Params) -> optax.GradientTransformation:
    """``schedulefree.SGDScheduleFree``'s base step at y: the gradient plus L2 decay."""
    return sf.sgd_direction(p["weight_decay"])


def _adamw_sf_direction(p: Params) -> optax.GradientTransformation:
    """``schedulefree.AdamWScheduleFree``'s base step at y: the gradient over its bias-corrected
    RMS, plus decay (no first moment: β₁ is the interpolation)."""
    return sf.adamw_direction(p["betas"][1], p["eps"], p["weight_decay"])


def _schedule_free_step(direction: Callable[[Params], optax.GradientTransformation],
                        beta: Callable[[Params], Any]) -> Callable[[Params], Step]:
    """The package's averaging and interpolation around ``direction`` (:mod:`._schedule_free`)."""
    return lambda p: sf.schedule_free(direction(p), beta(p), p["warmup_steps"], p["r"], p["weight_lr_power"])


# -- hyper-parameters --------------------------------------------------------------------------


def _momentum(default: float, *, positive: bool = False) -> ParamSpec:
    return _shared("momentum", default=default, lo=0.0, hi=1.0, lo_open=positive, hi_open=True)


def _weight_decay(default: float, decoupled: bool = False) -> ParamSpec:
    """L2 (added to the gradient) or decoupled (AdamW: its help is the entry's own)."""
    if decoupled:
        return ParamSpec("weight_decay", default, _common("weight_decay", "label"), lo=0.0, hi=1.0)
    return _shared("weight_decay", default=default, lo=0.0, hi=1.0)


def _eps(default: float) -> ParamSpec:
    """Epsilon outside the square root; its help (what it changes) is each entry's own."""
    return ParamSpec("eps", default, _common("eps", "label"), lo=0.0, lo_open=True, hi=1.0, log=True)


def _shared(name: str, **kw: Any) -> ParamSpec:
    """A parameter several optimizers share, with the same words (``optimizer.param.<name>``)."""
    return ParamSpec(name, label=_common(name, "label"), help=_common(name, "help"), **kw)


def _common(name: str, what: str) -> Key:
    return Key(f"optimizer.param.{name}.{what}")


_DAMPENING = _shared("dampening", default=0.0, lo=0.0, hi=1.0)
_NESTEROV = _shared("nesterov", default=False, kind="bool")
_BETAS = _shared("betas", default=(0.9, 0.999), kind="floats", length=2, lo=0.0, hi=1.0, hi_open=True)
_AMSGRAD = _shared("amsgrad", default=False, kind="bool")
_ADAM_EPS = _eps(1e-8)


# The schedule-free package's own parameters (both classes share them; their words are shared too).
_SF_SHARED = (
    ParamSpec("warmup_steps", 0, _common("warmup_steps", "label"), _common("warmup_steps", "help"),
              kind="int", lo=0, hi=10_000),
    ParamSpec("r", 0.0, _common("r", "label"), _common("r", "help"), lo=0.0, hi=10.0),
    ParamSpec("weight_lr_power", 2.0, _common("weight_lr_power", "label"), _common("weight_lr_power", "help"),
              lo=0.0, hi=10.0),
)
_SF_DECAY = ParamSpec("weight_decay", 0.0, _common("weight_decay", "label"), lo=0.0, hi=1.0)
_TORCH_SF = {"weight_decay": 0.0, "warmup_steps": 0, "r": 0.0, "weight_lr_power": 2.0}


def _check_sgd(p: Params, lr: float) -> None:
    del lr
    if p["nesterov"] and (p["momentum"] <= 0 or p["dampening"] != 0):
        raise BilingualError(Key("optimizer.sgd.error.nesterov",
                                 momentum=p["momentum"], dampening=p["dampening"]))


# -- what d is: the caption under the update rule (``optimizer.<id>.d``) ------------------------


def _sgd_d(p: Params) -> Key | None:
    """SGD with momentum steps along its buffer (Nesterov: plus the look ahead); without it, along
    the gradient, which only needs a word where weight decay adds λ·θ to it."""
    if p.get("momentum"):
        return Key("optimizer.nesterov.d" if p.get("nesterov") else "optimizer.momentum.d")
    return Key("optimizer.sgd.d") if p.get("weight_decay") else None


# -- the same optimizer in PyTorch, Keras and optax (read by lrviz.export.optimizers) -------------

_TORCH_SGD = {"momentum": 0.0, "dampening": 0.0, "nesterov": False, "weight_decay": 0.0}
_TORCH_ADAM = {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False}


def _sgd_code(*, nesterov: Literal["switch", "always", "never"], dampening: bool) -> Code:
    """torch's SGD in the three libraries: ``nesterov`` a parameter (``switch``), implied or absent;
    ``dampening`` whether the optimizer has that parameter (Keras and optax lack it)."""
    look_ahead = {"switch": (Arg("nesterov", "nesterov", when="set"),),
                  "always": (Arg("nesterov", value=True),), "never": ()}[nesterov]
    no_dampening = (
        (Note(Key("code.note.keras_no_dampening"), "dampening"),),
        (Note(Key("code.note.optax_no_dampening"), "dampening"),),
    ) if dampening else ((), ())
    return Code(
        torch=TorchCall("SGD", _TORCH_SGD, {"nesterov": True} if nesterov == "always" else {}),
        keras=KerasCall(
            "SGD", (Arg("momentum", "momentum", when="set"), *look_ahead),
            (Note(Key("code.note.keras_momentum_rate"), "momentum"), *no_dampening[0]),
            decay_is_l2_without_momentum=True,
        ),
        optax=OptaxCall("optax.sgd", (Arg("momentum", "momentum", when="set"), *look_ahead), no_dampening[1]),
    )


_KERAS_ADAM_NOTES = (Note(Key("code.note.keras_adam_epsilon")),)
_KERAS_BETAS = (Arg("beta_1", "betas", 0), Arg("beta_2", "betas", 1), Arg("epsilon", "eps"),
                Arg("amsgrad", "amsgrad", when="set"))
_OPTAX_BETAS = (Arg("b1", "betas", 0), Arg("b2", "betas", 1), Arg("eps", "eps"))
_OPTAX_AMSGRAD = Note(Key("code.note.optax_amsgrad"), "amsgrad")

_OPTAX_SF_NOTES = (Note(Key("code.note.optax_schedule_free_rates")), Note(Key("code.note.optax_no_r"), "r"))

_ADAM_LATEX = (
    r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2"
    r"\\ d_t = \frac{m_t/(1-\beta_1^t)}{\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon}"
)

OPTIMIZERS: dict[str, OptimizerSpec] = {
    spec.name: spec
    for spec in (
        OptimizerSpec(
            "sgd",
            r"\theta_{t+1} = \theta_t - \eta_t\, g_t,\qquad g_t = \nabla f(\theta_t) + \lambda\theta_t",
            (_momentum(0.0), _DAMPENING, _NESTEROV, _weight_decay(0.0)),
            check=_check_sgd, direction=_sgd_direction, limit=_limits.heavy_ball, d_given=_sgd_d,
            code=_sgd_code(nesterov="switch", dampening=True),
        ),
        OptimizerSpec(
            "momentum",
            r"b_1 = g_1,\quad b_t = \mu b_{t-1} + (1-\tau) g_t,\qquad \theta_{t+1} = \theta_t - \eta_t b_t",
            (_momentum(0.9), _DAMPENING, _weight_decay(0.0)),
            direction=_sgd_direction, limit=_limits.heavy_ball,
            code=_sgd_code(nesterov="never", dampening=True),
        ),
        OptimizerSpec(
            "nesterov",
            r"b_t = \mu b_{t-1} + g_t\ (b_1 = g_1),\qquad \theta_{t+1} = \theta_t - \eta_t (g_t + \mu b_t)",
            (_momentum(0.9, positive=True), _weight_decay(0.0)),
            direction=_nesterov_direction, limit=_limits.nesterov,
            code=_sgd_code(nesterov="always", dampening=False),
        ),
        OptimizerSpec(
            "adagrad",
            r"s_t = s_{t-1} + g_t^2,\qquad \theta_{t+1} = \theta_t - "
            r"\frac{\eta_t}{1 + (t-1)\,\text{lr\_decay}} \frac{g_t}{\sqrt{s_t} + \epsilon}",
            (
                ParamSpec("lr_decay", 0.0, lo=0.0, hi=1.0),
                _weight_decay(0.0),
                ParamSpec("initial_accumulator_value", 0.0, lo=0.0, hi=10.0),
                _eps(1e-10),
            ),
            direction=_adagrad_direction, limit=_limits.none,
            code=Code(
                torch=TorchCall("Adagrad", {"lr_decay": 0.0, "weight_decay": 0.0,
                                            "initial_accumulator_value": 0.0, "eps": 1e-10}),
                keras=KerasCall(
                    "Adagrad", (Arg("initial_accumulator_value", "initial_accumulator_value"),
                                Arg("epsilon", "eps")),
                    (Note(Key("code.note.eps_inside", lib="Keras")),
                     Note(Key("code.note.no_lr_decay", lib="Keras' Adagrad"), "lr_decay")),
                ),
                optax=OptaxCall(
                    "optax.adagrad",
                    (Arg("initial_accumulator_value", "initial_accumulator_value"), Arg("eps", "eps")),
                    (Note(Key("code.note.eps_inside", lib="optax")),
                     Note(Key("code.note.no_lr_decay", lib="optax.adagrad"), "lr_decay")),
                ),
            ),
        ),
        OptimizerSpec(
            "rmsprop",
            r"s_t = \alpha s_{t-1} + (1-\alpha) g_t^2,\qquad \theta_{t+1} = \theta_t - "
            r"\eta_t \frac{g_t}{\sqrt{s_t} + \epsilon}",
            (
                ParamSpec("alpha", 0.99, lo=0.0, hi=1.0, hi_open=True),
                _eps(1e-8),
                _weight_decay(0.0),
                _momentum(0.0),
                ParamSpec("centered", False, kind="bool"),
            ),
            direction=_rmsprop_direction, limit=_limits.none,
            code=Code(
                torch=TorchCall("RMSprop", {"alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0,
                                            "centered": False}),
                keras=KerasCall(
                    "RMSprop", (Arg("rho", "alpha"), Arg("momentum", "momentum"), Arg("epsilon", "eps"),
                                Arg("centered", "centered", when="set")),
                    (Note(Key("code.note.eps_inside", lib="Keras")),),
                ),
                optax=OptaxCall(
                    "optax.rmsprop",
                    (Arg("decay", "alpha"), Arg("eps", "eps"), Arg("eps_in_sqrt", value=False),
                     Arg("centered", "centered", when="set"), Arg("momentum", "momentum", when="set")),
                    (Note(Key("code.note.optax_momentum_after_rate"), "momentum"),),
                ),
            ),
        ),
        OptimizerSpec(
            "adam",
            _ADAM_LATEX + r",\qquad \theta_{t+1} = \theta_t - \eta_t d_t",
            (_BETAS, _ADAM_EPS, _weight_decay(0.0), _AMSGRAD),
            direction=_adam_direction, limit=_limits.none,
            code=Code(
                torch=TorchCall("Adam", _TORCH_ADAM),
                keras=KerasCall("Adam", _KERAS_BETAS, _KERAS_ADAM_NOTES),
                optax=OptaxCall("optax.adam", _OPTAX_BETAS, (_OPTAX_AMSGRAD,),
                                switch=("amsgrad", "optax.amsgrad")),
            ),
        ),
        OptimizerSpec(
            "adamw",
            _ADAM_LATEX + r",\qquad \theta_{t+1} = \theta_t - \eta_t (d_t + \lambda \theta_t)",
            (_BETAS, _ADAM_EPS, _weight_decay(1e-2, decoupled=True), _AMSGRAD),
            direction=_adamw_direction, limit=_limits.none,
            code=Code(
                torch=TorchCall("AdamW", {**_TORCH_ADAM, "weight_decay": 1e-2}),
                keras=KerasCall("AdamW", (Arg("weight_decay", "weight_decay"), *_KERAS_BETAS),
                                _KERAS_ADAM_NOTES),
                optax=OptaxCall(
                    "optax.adamw", (*_OPTAX_BETAS, Arg("weight_decay", "weight_decay")),
                    (_OPTAX_AMSGRAD,
                     Note(Key("code.note.optax_adamw_no_amsgrad"), "amsgrad")),
                ),
                decay="decoupled",
            ),
        ),
        OptimizerSpec(
            "sgd_schedule_free",
            r"y_t = (1-\beta)\,z_t + \beta\,x_t,\quad"
            r" z_{t+1} = z_t - \gamma_t\,(\nabla f(y_t) + \lambda y_t),"
            r"\quad x_{t+1} = (1 - c_{t+1})\,x_t + c_{t+1}\,z_{t+1}"
            r"\\ \gamma_t = \eta_t \min\!\left(1, \tfrac{t+1}{W}\right),\qquad"
            r" c_{t+1} = \frac{(t+1)^r\,(\max_{j \le t}\gamma_j)^p}"
            r"{\sum_{i \le t} (i+1)^r\,(\max_{j \le i}\gamma_j)^p}",
            (ParamSpec("momentum", 0.9, lo=0.0, hi=1.0, lo_open=True, hi_open=True), _SF_DECAY, *_SF_SHARED),
            direction=_sgd_sf_direction, step=_schedule_free_step(_sgd_sf_direction, lambda p: p["momentum"]),
            limit=_limits.none,
            code=Code(
                torch=TorchCall("SGDScheduleFree", {"momentum": 0.9, **_TORCH_SF}, module="schedulefree"),
                keras=KerasCall("SGD", (), (Note(Key("code.note.keras_no_schedule_free")),),
                                decay_is_l2_without_momentum=True),
                optax=OptaxCall("optax.contrib.schedule_free", (), _OPTAX_SF_NOTES, schedule_free="sgd"),
            ),
        ),
        OptimizerSpec(
            "adamw_schedule_free",
            r"v_{t+1} = \beta_2 v_t + (1-\beta_2)\,g_t^2,\quad "
            r"d_t = \frac{g_t}{\sqrt{v_{t+1}/(1-\beta_2^{t+1})} + \epsilon} + \lambda y_t,"
            r"\quad g_t = \nabla f(y_t)"
            r"\\ z_{t+1} = z_t - \gamma_t d_t,\quad x_{t+1} = (1 - c_{t+1})\,x_t + c_{t+1}\,z_{t+1},\quad"
            r" y_{t+1} = \beta_1 x_{t+1} + (1-\beta_1)\,z_{t+1}",
            (ParamSpec("betas", (0.9, 0.999), kind="floats", length=2, lo=0.0, hi=1.0, lo_open=True,
                       hi_open=True),
             _eps(1e-8), _SF_DECAY, *_SF_SHARED),
            direction=_adamw_sf_direction,
            step=_schedule_free_step(_adamw_sf_direction, lambda p: p["betas"][0]),
            limit=_limits.none,
            code=Code(
                torch=TorchCall("AdamWScheduleFree", {"betas": (0.9, 0.999), "eps": 1e-8, **_TORCH_SF},
                                module="schedulefree"),
                keras=KerasCall("AdamW", (Arg("weight_decay", "weight_decay"), Arg("beta_1", value=0.0),
                                          Arg("beta_2", "betas", 1), Arg("epsilon", "eps")),
                                (Note(Key("code.note.keras_no_schedule_free")), *_KERAS_ADAM_NOTES)),
                optax=OptaxCall("optax.contrib.schedule_free", (), _OPTAX_SF_NOTES, schedule_free="adamw"),
                decay="decoupled",
            ),
        ),
    )
}  # fmt: skip


def get(name: str) -> OptimizerSpec:
    """The registry entry ``name``; ``ValueError`` listing the ids if there is none."""
    try:
        return OPTIMIZERS[name]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown optimizer {name!r}; choose one of: {', '.join(OPTIMIZERS)}.") from None


def direction(name: str, p: Params) -> optax.GradientTransformation:
    """``OPTIMIZERS[name].direction(p)``: the transform giving :math:`+d_t` (no rate, no sign).

    ``p`` must be complete, as :meth:`Spec.resolve` returns it; its numbers may be traced.
    """
    return get(name).direction(p)


def make(name: str, lr_or_schedule: float | optax.Schedule, **params: Any) -> optax.GradientTransformation:
    r"""An optax optimizer with ``torch.optim``'s numbers: :math:`\theta \leftarrow \theta - \eta_t d_t`.

    ``name`` is one of :data:`OPTIMIZERS` (``sgd``, ``momentum``, ``nesterov``: ``SGD``;
    ``adagrad``, ``rmsprop``, ``adam``, ``adamw``: the torch class of that name;
    ``sgd_schedule_free``, ``adamw_schedule_free``: ``schedulefree.SGDScheduleFree`` and
    ``AdamWScheduleFree``, whose updates move the gradient point y and whose model is evaluated
    at :func:`eval_params`); ``params`` use the class's names and defaults. ``lr_or_schedule`` is
    a positive number or a schedule ``count -> rate`` (count from 0). Bad arguments raise
    ``ValueError`` naming the argument. ``update`` needs the weights (weight decay).
    """
    spec = get(name)
    lr = _check_lr(lr_or_schedule)
    resolved = spec.resolve(params, lr)
    if spec.step is not None:
        return with_rate(spec.step(resolved), lr_or_schedule)
    return optax.chain(spec.direction(resolved), optax.scale_by_learning_rate(lr_or_schedule))


def stepper(name: str, p: Params) -> Step:
    """``OPTIMIZERS[name].stepper(p)``: one update with the rate given (:class:`~._step.Step`).

    ``p`` must be complete, as :meth:`Spec.resolve` returns it; its numbers may be traced.
    """
    return get(name).stepper(p)


def eval_params(name: str, state: Any, params: Any) -> Any:
    """Where the model of an optimizer made by :func:`make` is evaluated: ``params`` itself, or for
    a schedule-free optimizer the average x (the package's ``optimizer.eval()`` point)."""
    step = get(name).stepper(get(name).defaults())
    return params if step.evaluated is None else step.evaluated(state.inner, params)


def _check_lr(lr: Any) -> float:
    """A number for ``Spec.resolve``'s rules: ``lr`` itself, or 1.0 for a schedule or a traced rate."""
    if callable(lr) or isinstance(lr, jax.core.Tracer):
        return 1.0
    return check_rate(lr, or_schedule=True)
