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
in words, and its code in PyTorch, Keras and optax (:mod:`~lrviz.optimizers._code`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import jax
import optax

from lrviz.i18n import BilingualError, Text
from lrviz.optimizers import _limits
from lrviz.optimizers._code import (
    EPS_INSIDE,
    NO_LR_DECAY,
    Arg,
    Code,
    KerasCall,
    Note,
    OptaxCall,
    TorchCall,
    for_library,
)
from lrviz.optimizers._limits import Limit, LimitRule
from lrviz.optimizers._transforms import torch_adagrad, torch_amsgrad, torch_momentum
from lrviz.params import ParamSpec, Spec, check_rate

Params = Mapping[str, Any]


@dataclass(frozen=True)
class OptimizerSpec(Spec):
    """A registry entry: display texts and hyper-parameters (:class:`Spec`) plus what the rest of
    lrviz asks of an optimizer, so that nothing outside this package branches on its id:

    - ``direction(p)``: the optax transform giving :math:`+d_t` for resolved parameters ``p``;
    - ``limit(p, lam)``: its critical rate near a minimum of curvature ``lam``
      (:mod:`lrviz.optimizers._limits`; :func:`~lrviz.optimizers._limits.none` for adaptive ones);
    - ``d``: what :math:`d_t` is, in words, for the caption under the update rule; ``d_given(p)``
      refines it for parameters ``p`` (None: ``d`` is the plain gradient, nothing to explain);
    - ``code``: how PyTorch, Keras and optax write it (:mod:`lrviz.optimizers._code`).
    """

    direction: Callable[[Params], optax.GradientTransformation] | None = None
    limit: LimitRule | None = None
    d: Text | None = None
    d_given: Callable[[Params], Text | None] | None = None
    code: Code | None = None

    def __post_init__(self) -> None:
        for hook in ("direction", "limit", "d", "code"):
            if getattr(self, hook) is None:
                raise TypeError(f"OptimizerSpec {self.name!r} needs a `{hook}`.")

    @property
    def has_critical_rate(self) -> bool:
        """Whether a fixed critical rate exists (the SGD family); adaptive optimizers have none."""
        return self.limit is not _limits.none

    def stability_limit(self, params: Params, lam: float) -> Limit | None:
        """The critical rate where the largest curvature is ``lam``; ``params`` may leave out defaults."""
        return self.limit({**self.defaults(), **params}, lam)

    def caption(self, params: Params, *, gradient_changed: bool = False) -> Text | None:
        """What d stands for in the update rule with ``params``; None where d is the gradient itself
        and the run does not change it (``gradient_changed``: noise or clipping)."""
        text = self.d_given(params) if self.d_given is not None else self.d
        return self.d if text is None and gradient_changed else text


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


# -- hyper-parameters --------------------------------------------------------------------------


def _momentum(default: float, *, positive: bool = False) -> ParamSpec:
    return ParamSpec(
        "momentum", default,
        Text("momentum", "모멘텀"),
        Text("How much of the previous step is kept (μ). 0 turns momentum off; 0.9 is the usual choice.",
             "이전 이동 방향을 얼마나 유지할지 정합니다 (μ). 0이면 모멘텀을 끄고, 보통 0.9를 씁니다."),
        lo=0.0, hi=1.0, lo_open=positive, hi_open=True,
    )  # fmt: skip


def _weight_decay(default: float, decoupled: bool = False) -> ParamSpec:
    how = (
        Text("Decoupled: the weights shrink by lr·λ each step, apart from the Adam step.",
             "분리형: 매 스텝 가중치를 Adam 갱신과 별도로 lr·λ 비율만큼 줄입니다.")
        if decoupled else
        Text("L2 penalty: λ·θ is added to the gradient.", "L2 페널티: 기울기에 λ·θ를 더합니다.")
    )  # fmt: skip
    return ParamSpec("weight_decay", default, Text("weight decay", "가중치 감쇠"), how, lo=0.0, hi=1.0)


def _eps(default: float, where: Text) -> ParamSpec:
    return ParamSpec(
        "eps", default, Text("epsilon (ε)", "엡실론 (ε)"),
        Text(f"Added to the denominator, outside the square root, against division by zero; {where.en}.",
             f"0으로 나누는 것을 막기 위해 분모의 제곱근 바깥에 더하는 작은 값입니다. {where.ko}"),
        lo=0.0, lo_open=True, hi=1.0, log=True,
    )  # fmt: skip


_DAMPENING = ParamSpec(
    "dampening", 0.0, Text("dampening", "댐프닝 (감쇠)"),
    Text("Scales the new gradient's share of the buffer by (1 − τ). Not allowed with Nesterov.",
         "버퍼에 더해지는 새 기울기의 몫을 (1 − τ)배로 줄입니다. Nesterov 모멘텀과는 함께 쓸 수 없습니다."),
    lo=0.0, hi=1.0,
)  # fmt: skip
_NESTEROV = ParamSpec(
    "nesterov", False, Text("Nesterov momentum", "Nesterov 모멘텀"),
    Text("Look ahead: step along g + μ·buffer. Needs momentum > 0 and dampening 0.",
         "앞을 내다보는 모멘텀: g + μ·버퍼 방향으로 이동합니다. 모멘텀 > 0, 댐프닝 0이어야 합니다."),
    kind="bool",
)  # fmt: skip
_BETAS = ParamSpec(
    "betas", (0.9, 0.999), Text("betas (β₁, β₂)", "베타 (β₁, β₂)"),
    Text("Decay rates of the running averages of the gradient (β₁) and of its square (β₂).",
         "기울기의 이동 평균(β₁)과 기울기 제곱의 이동 평균(β₂)의 감쇠율입니다."),
    kind="floats", length=2, lo=0.0, hi=1.0, hi_open=True,
)  # fmt: skip
_AMSGRAD = ParamSpec(
    "amsgrad", False, Text("AMSGrad", "AMSGrad 사용"),
    Text("Divide by the largest second moment seen so far, so the step never grows back.",
         "지금까지의 가장 큰 2차 모멘트로 나누어, 보폭이 다시 커지지 않게 합니다."),
    kind="bool",
)  # fmt: skip
_ADAM_EPS = _eps(1e-8, Text("Adam's steps are at most about lr while it is small",
                            "ε이 작을 때 Adam의 보폭은 대략 학습률 이하입니다."))  # fmt: skip


def _check_sgd(p: Params, lr: float) -> None:
    del lr
    if p["nesterov"] and (p["momentum"] <= 0 or p["dampening"] != 0):
        raise BilingualError(Text(
            f"`nesterov`=True needs `momentum` > 0 (got {p['momentum']!r}) and `dampening` == 0 "
            f"(got {p['dampening']!r}), as torch.optim.SGD.",
            f"`nesterov`=True이면 `momentum` 값이 0보다 커야 하고(받은 값: {p['momentum']!r}) "
            f"`dampening` 값은 0이어야 합니다(받은 값: {p['dampening']!r}). "
            "torch.optim.SGD와 같은 규칙입니다.",
        ))


# -- what d is: the caption under the update rule ------------------------------------------------

_D_SGD = Text(
    "In the update rule, d is the gradient as the step uses it: with noise added, clipped, or with the "
    "weight-decay term λ·θ.",
    "업데이트 식의 d는 스텝이 실제로 쓰는 기울기입니다: 노이즈를 더했거나, 클리핑했거나, "
    "가중치 감쇠 항 λ·θ를 더한 값입니다.")
_D_MOMENTUM = Text(
    "In the update rule, d is the momentum buffer b ← μ·b + (1 − τ)·∇L: the gradients of past steps, each "
    "kept with weight μ, so the ball keeps rolling.",
    "업데이트 식의 d는 모멘텀 버퍼 b ← μ·b + (1 − τ)·∇L입니다. 지난 스텝들의 기울기를 μ의 비율로 간직하므로 "
    "공이 계속 굴러갑니다.")
_D_NESTEROV = Text(
    "In the update rule, d = ∇L + μ·b, with the momentum buffer b ← μ·b + ∇L: the gradient plus a look "
    "ahead along the path.",
    "업데이트 식의 d = ∇L + μ·b이고, 모멘텀 버퍼는 b ← μ·b + ∇L입니다. 기울기에 경로를 따라 한 걸음 앞을 "
    "내다본 몫을 더한 것입니다.")
_D_ADAGRAD = Text(
    "In the update rule, d = ∇L / (√s + ε), where s adds up every squared gradient so far: each "
    "coordinate's step only shrinks as its gradients pile up.",
    "업데이트 식의 d = ∇L / (√s + ε)이고, s는 지금까지의 기울기 제곱을 모두 더한 값입니다. 기울기가 쌓일수록 "
    "좌표마다 스텝이 줄어들기만 합니다.")
_D_RMSPROP = Text(
    "In the update rule, d = ∇L / (√s + ε), where s is a running average of squared gradients: every "
    "coordinate steps about the same size, however steep it is.",
    "업데이트 식의 d = ∇L / (√s + ε)이고, s는 기울기 제곱의 이동 평균입니다. 얼마나 가파르든 좌표마다 비슷한 "
    "크기로 움직입니다.")
_D_ADAM = Text(
    "In the update rule, d = m̂ / (√v̂ + ε): the averaged gradient over its averaged size. At the first "
    "step d = ∇L/|∇L| ≈ ±1 in every coordinate, whatever the gradient's scale: ∇L = (−216, −88) gives "
    "d ≈ (−1, −1), a step of about η each way.",
    "업데이트 식의 d = m̂ / (√v̂ + ε)로, 기울기의 평균을 그 크기의 평균으로 나눈 값입니다. 첫 스텝에서는 "
    "기울기의 규모와 상관없이 좌표마다 d = ∇L/|∇L| ≈ ±1입니다: ∇L = (−216, −88)이어도 d ≈ (−1, −1)이라 "
    "양쪽으로 약 η씩 움직입니다.")
_D_ADAMW = Text(
    "In the update rule, d = m̂ / (√v̂ + ε) + λ·θ: Adam's step (the averaged gradient over its averaged "
    "size, about ±1 per coordinate at first) plus weight decay kept apart from it.",
    "업데이트 식의 d = m̂ / (√v̂ + ε) + λ·θ입니다. Adam의 스텝(기울기의 평균을 그 크기의 평균으로 나눈 값, "
    "처음에는 좌표마다 약 ±1)에 가중치 감쇠를 따로 더합니다.")


def _sgd_d(p: Params) -> Text | None:
    """SGD with momentum steps along its buffer (Nesterov: plus the look ahead); without it, along
    the gradient, which only needs a word where weight decay adds λ·θ to it."""
    if p.get("momentum"):
        return _D_NESTEROV if p.get("nesterov") else _D_MOMENTUM
    return _D_SGD if p.get("weight_decay") else None


# -- the same optimizer in PyTorch, Keras and optax (read by lrviz.export.optimizers) -------------

_TORCH_SGD = {"momentum": 0.0, "dampening": 0.0, "nesterov": False, "weight_decay": 0.0}
_TORCH_ADAM = {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False}


def _sgd_code(*, nesterov: Literal["switch", "always", "never"], dampening: bool) -> Code:
    """torch's SGD in the three libraries: ``nesterov`` a parameter (``switch``), implied or absent;
    ``dampening`` whether the optimizer has that parameter (Keras and optax lack it)."""
    look_ahead = {"switch": (Arg("nesterov", "nesterov", when="set"),),
                  "always": (Arg("nesterov", value=True),), "never": ()}[nesterov]
    no_dampening = (
        (Note(Text("Keras' SGD has no dampening (torch: dampening={dampening}).",
                   "Keras의 SGD에는 dampening이 없습니다 (torch: dampening={dampening})."), "dampening"),),
        (Note(Text("optax.sgd has no dampening (torch: {dampening}); lrviz writes that\n"
                   "momentum buffer by hand (lrviz.optimizers).",
                   "optax.sgd에는 dampening이 없습니다 (torch: {dampening}). lrviz는 그 모멘텀 버퍼를\n"
                   "직접 씁니다 (lrviz.optimizers)."), "dampening"),),
    ) if dampening else ((), ())
    return Code(
        torch=TorchCall("SGD", _TORCH_SGD, {"nesterov": True} if nesterov == "always" else {}),
        keras=KerasCall(
            "SGD", (Arg("momentum", "momentum", when="set"), *look_ahead),
            (Note(Text("Keras keeps the rate inside the momentum buffer: torch's numbers while the rate\n"
                       "stays constant, slightly different where the schedule changes it.",
                       "Keras는 학습률을 모멘텀 버퍼 안에 넣습니다: 학습률이 일정하면 torch와 같고,\n"
                       "스케줄이 학습률을 바꾸면 조금 다릅니다."), "momentum"),
             *no_dampening[0]),
            decay_is_l2_without_momentum=True,
        ),
        optax=OptaxCall("optax.sgd", (Arg("momentum", "momentum", when="set"), *look_ahead), no_dampening[1]),
    )


_KERAS_ADAM_NOTES = (
    Note(Text("Keras adds epsilon before the bias correction of v (torch after it): a tiny\n"
              "difference in the first steps, and only where gradients are as small as epsilon.",
              "Keras는 v의 편향 보정 전에 epsilon을 더합니다(torch는 보정 후): 처음 몇 스텝에서,\n"
              "그것도 기울기가 epsilon만큼 작을 때만 아주 조금 다릅니다.")),
)
_KERAS_BETAS = (Arg("beta_1", "betas", 0), Arg("beta_2", "betas", 1), Arg("epsilon", "eps"),
                Arg("amsgrad", "amsgrad", when="set"))
_OPTAX_BETAS = (Arg("b1", "betas", 0), Arg("b2", "betas", 1), Arg("eps", "eps"))
_OPTAX_AMSGRAD = Note(Text("optax's AMSGrad keeps the maximum of the bias-corrected moment, torch of the\n"
                            "raw one: the steps differ a little (lrviz writes torch's by hand).",
                            "optax의 AMSGrad는 편향 보정한 모멘트의 최댓값을, torch는 보정 전 값의 최댓값을\n"
                            "기억합니다: 보폭이 조금 다릅니다 (lrviz는 torch 방식을 직접 씁니다)."),
                       "amsgrad")

_ADAM_LATEX = (
    r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2"
    r"\\ d_t = \frac{m_t/(1-\beta_1^t)}{\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon}"
)

OPTIMIZERS: dict[str, OptimizerSpec] = {
    spec.name: spec
    for spec in (
        OptimizerSpec(
            "sgd", Text("SGD", "SGD (경사하강법)"),
            Text("Plain gradient steps: the baseline, and the clearest view of what the rate does.",
                 "가장 기본적인 경사하강법: 학습률의 효과가 가장 잘 드러나는 기준선입니다."),
            r"\theta_{t+1} = \theta_t - \eta_t\, g_t,\qquad g_t = \nabla f(\theta_t) + \lambda\theta_t",
            (_momentum(0.0), _DAMPENING, _NESTEROV, _weight_decay(0.0)),
            check=_check_sgd, direction=_sgd_direction, limit=_limits.heavy_ball, d=_D_SGD, d_given=_sgd_d,
            code=_sgd_code(nesterov="switch", dampening=True),
        ),
        OptimizerSpec(
            "momentum", Text("SGD with momentum", "모멘텀 SGD"),
            Text("Rolls through narrow valleys and small bumps; the default choice for SGD in practice.",
                 "좁은 골짜기와 작은 굴곡을 관성으로 지나갑니다. 실전 SGD의 기본 선택입니다."),
            r"b_1 = g_1,\quad b_t = \mu b_{t-1} + (1-\tau) g_t,\qquad \theta_{t+1} = \theta_t - \eta_t b_t",
            (_momentum(0.9), _DAMPENING, _weight_decay(0.0)),
            direction=_sgd_direction, limit=_limits.heavy_ball, d=_D_MOMENTUM,
            code=_sgd_code(nesterov="never", dampening=True),
        ),
        OptimizerSpec(
            "nesterov", Text("Nesterov momentum", "Nesterov 모멘텀"),
            Text("Momentum that corrects itself a step earlier: less overshoot on curved valleys.",
                 "한 걸음 앞을 보고 보정하는 모멘텀: 굽은 골짜기에서 덜 지나칩니다."),
            r"b_t = \mu b_{t-1} + g_t\ (b_1 = g_1),\qquad \theta_{t+1} = \theta_t - \eta_t (g_t + \mu b_t)",
            (_momentum(0.9, positive=True), _weight_decay(0.0)),
            direction=_nesterov_direction, limit=_limits.nesterov, d=_D_NESTEROV,
            code=_sgd_code(nesterov="always", dampening=False),
        ),
        OptimizerSpec(
            "adagrad", Text("Adagrad", "Adagrad"),
            Text("Per-coordinate rates that only shrink: good for sparse features, stalls on long runs.",
                 "좌표마다 학습률이 줄어들기만 합니다. 희소한 특성에 좋지만 오래 돌리면 멈춥니다."),
            r"s_t = s_{t-1} + g_t^2,\qquad \theta_{t+1} = \theta_t - "
            r"\frac{\eta_t}{1 + (t-1)\,\text{lr\_decay}} \frac{g_t}{\sqrt{s_t} + \epsilon}",
            (
                ParamSpec("lr_decay", 0.0, Text("rate decay", "학습률 감소"),
                          Text("Divides the step by 1 + (t − 1)·lr_decay.",
                               "t번째 보폭을 1 + (t − 1)·lr_decay로 나눕니다."), lo=0.0, hi=1.0),
                _weight_decay(0.0),
                ParamSpec("initial_accumulator_value", 0.0, Text("initial accumulator", "누적값 초기치"),
                          Text("Starting value of the running sum of squared gradients.",
                               "기울기 제곱 누적합의 시작값입니다."), lo=0.0, hi=10.0),
                _eps(1e-10, Text("with a zero sum the first step is ±lr",
                                 "누적합이 0이면 첫 보폭은 ±학습률입니다.")),
            ),
            direction=_adagrad_direction, limit=_limits.none, d=_D_ADAGRAD,
            code=Code(
                torch=TorchCall("Adagrad", {"lr_decay": 0.0, "weight_decay": 0.0,
                                            "initial_accumulator_value": 0.0, "eps": 1e-10}),
                keras=KerasCall(
                    "Adagrad", (Arg("initial_accumulator_value", "initial_accumulator_value"),
                                Arg("epsilon", "eps")),
                    (Note(for_library(EPS_INSIDE, "Keras")),
                     Note(for_library(NO_LR_DECAY, "Keras' Adagrad"), "lr_decay")),
                ),
                optax=OptaxCall(
                    "optax.adagrad",
                    (Arg("initial_accumulator_value", "initial_accumulator_value"), Arg("eps", "eps")),
                    (Note(for_library(EPS_INSIDE, "optax")),
                     Note(for_library(NO_LR_DECAY, "optax.adagrad"), "lr_decay")),
                ),
            ),
        ),
        OptimizerSpec(
            "rmsprop", Text("RMSprop", "RMSprop"),
            Text("Adagrad with a forgetting average: adapts per coordinate and keeps moving.",
                 "옛 기울기를 잊어 가는 이동 평균을 쓰는 Adagrad: 좌표마다 보폭을 맞추되 멈추지 않습니다."),
            r"s_t = \alpha s_{t-1} + (1-\alpha) g_t^2,\qquad \theta_{t+1} = \theta_t - "
            r"\eta_t \frac{g_t}{\sqrt{s_t} + \epsilon}",
            (
                ParamSpec("alpha", 0.99, Text("smoothing constant (α)", "평활 상수 (α)"),
                          Text("Decay of the running average of squared gradients.",
                               "기울기 제곱 이동 평균의 감쇠율입니다."), lo=0.0, hi=1.0, hi_open=True),
                _eps(1e-8, Text("far from a minimum it hardly matters",
                                "최솟값에서 멀면 거의 영향이 없습니다.")),
                _weight_decay(0.0),
                _momentum(0.0),
                ParamSpec("centered", False, Text("centered", "중심화 (centered)"),
                          Text("Divide by an estimate of the gradient's standard deviation, not its RMS.",
                               "RMS 대신 기울기 표준편차의 추정값으로 나눕니다."), kind="bool"),
            ),
            direction=_rmsprop_direction, limit=_limits.none, d=_D_RMSPROP,
            code=Code(
                torch=TorchCall("RMSprop", {"alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0,
                                            "centered": False}),
                keras=KerasCall(
                    "RMSprop", (Arg("rho", "alpha"), Arg("momentum", "momentum"), Arg("epsilon", "eps"),
                                Arg("centered", "centered", when="set")),
                    (Note(for_library(EPS_INSIDE, "Keras")),),
                ),
                optax=OptaxCall(
                    "optax.rmsprop",
                    (Arg("decay", "alpha"), Arg("eps", "eps"), Arg("eps_in_sqrt", value=False),
                     Arg("centered", "centered", when="set"), Arg("momentum", "momentum", when="set")),
                    (Note(Text("optax applies momentum after the rate: torch's numbers while the rate stays\n"
                               "constant, slightly different where the schedule changes it.",
                               "optax는 학습률을 곱한 뒤에 모멘텀을 적용합니다: 학습률이 일정하면 torch와\n"
                               "같고, 스케줄이 학습률을 바꾸면 조금 다릅니다."), "momentum"),),
                ),
            ),
        ),
        OptimizerSpec(
            "adam", Text("Adam", "Adam"),
            Text("Momentum plus per-coordinate scaling: a robust default for deep networks.",
                 "모멘텀과 좌표별 보폭 조절을 합친 방법: 딥러닝에서 무난한 기본 선택입니다."),
            _ADAM_LATEX + r",\qquad \theta_{t+1} = \theta_t - \eta_t d_t",
            (_BETAS, _ADAM_EPS, _weight_decay(0.0), _AMSGRAD),
            direction=_adam_direction, limit=_limits.none, d=_D_ADAM,
            code=Code(
                torch=TorchCall("Adam", _TORCH_ADAM),
                keras=KerasCall("Adam", _KERAS_BETAS, _KERAS_ADAM_NOTES),
                optax=OptaxCall("optax.adam", _OPTAX_BETAS, (_OPTAX_AMSGRAD,),
                                switch=("amsgrad", "optax.amsgrad")),
            ),
        ),
        OptimizerSpec(
            "adamw", Text("AdamW", "AdamW"),
            Text("Adam with weight decay that really shrinks the weights: the standard for transformers.",
                 "가중치를 실제로 줄이는 감쇠를 붙인 Adam: 트랜스포머 학습의 표준입니다."),
            _ADAM_LATEX + r",\qquad \theta_{t+1} = \theta_t - \eta_t (d_t + \lambda \theta_t)",
            (_BETAS, _ADAM_EPS, _weight_decay(1e-2, decoupled=True), _AMSGRAD),
            direction=_adamw_direction, limit=_limits.none, d=_D_ADAMW,
            code=Code(
                torch=TorchCall("AdamW", {**_TORCH_ADAM, "weight_decay": 1e-2}),
                keras=KerasCall("AdamW", (Arg("weight_decay", "weight_decay"), *_KERAS_BETAS),
                                _KERAS_ADAM_NOTES),
                optax=OptaxCall(
                    "optax.adamw", (*_OPTAX_BETAS, Arg("weight_decay", "weight_decay")),
                    (_OPTAX_AMSGRAD,
                     Note(Text("optax.adamw has no amsgrad switch: this is plain AdamW.",
                               "optax.adamw에는 amsgrad 스위치가 없습니다: 이것은 보통의 AdamW입니다."),
                          "amsgrad")),
                ),
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
    ``adagrad``, ``rmsprop``, ``adam``, ``adamw``: the torch class of that name); ``params`` use
    torch's names and defaults. ``lr_or_schedule`` is a positive number or a schedule
    ``count -> rate`` (count from 0). Bad arguments raise ``ValueError`` naming the argument.
    ``update`` needs the weights (weight decay).
    """
    spec = get(name)
    lr = _check_lr(lr_or_schedule)
    resolved = spec.resolve(params, lr)
    return optax.chain(spec.direction(resolved), optax.scale_by_learning_rate(lr_or_schedule))


def _check_lr(lr: Any) -> float:
    """A number for ``Spec.resolve``'s rules: ``lr`` itself, or 1.0 for a schedule or a traced rate."""
    if callable(lr) or isinstance(lr, jax.core.Tracer):
        return 1.0
    return check_rate(lr, or_schedule=True)
