"""The comments of exported code, in English and Korean: :data:`WORDS` and :func:`comment`.

The library reads no locale files (docs/ARCHITECTURE.md, "Languages"), so the words that the
code export writes into comments sit here as :class:`~lrviz.i18n.Text` pairs, next to the code
that writes them; ``tests/export/test_words.py`` keeps the two languages' placeholders in step.
Code itself (names, calls, numbers) is never translated. The optimizers' own notes sit on their
specs (:mod:`lrviz.optimizers._code`).
"""

from __future__ import annotations

from lrviz.i18n import Text

__all__ = ["WORDS", "comment", "say"]

WORDS: dict[str, Text] = {
    # --- schedules (lrviz.export._writers, lrviz.export.forms) ---------------------------------
    "no_momentum": Text("cycle_momentum=False: lrviz cycles the rate only, not the momentum.",
                        "cycle_momentum=False: lrviz는 학습률만 순환시키고 모멘텀은 그대로 둡니다."),
    "no_scheduler": Text("A constant rate needs no scheduler.",
        "학습률이 일정하면 스케줄러가 필요 없습니다."),
    "torch_no_time_based": Text(
        "torch has no inverse-time decay (Keras' InverseTimeDecay): LambdaLR with its formula.",
        "torch에는 역시간 감쇠(Keras의 InverseTimeDecay)가 없어서, 그 식을 LambdaLR로 씁니다."),
    "factor": Text("factor on lr for update `step`", "`step`번째 갱신에서 lr에 곱하는 배수"),
    "torch_warmup_cosine": Text(
        "Linear warm-up from 0, then cosine to eta_min: torch has no single class for it\n"
        "(LinearLR cannot start at 0), so LambdaLR with the formula.",
        "0에서 시작하는 선형 워밍업 뒤 eta_min까지 코사인 감소: torch에는 이를 한 번에 하는\n"
        "클래스가 없어서(LinearLR은 0에서 시작할 수 없음) 식을 LambdaLR로 씁니다."),
    "keras_multistep": Text(
        "Keras moves on when step > boundary, torch when step >= milestone:\n"
        "the boundaries are the milestones - 1.",
        "Keras는 step > boundary일 때, torch는 step >= milestone일 때 다음 값으로 넘어갑니다:\n"
        "그래서 boundaries는 milestones - 1입니다."),
    "keras_linear": Text(
        "LinearLR is a polynomial decay of power 1 from lr * start_factor to lr * end_factor.",
        "LinearLR은 lr * start_factor에서 lr * end_factor까지 가는 1차 다항식 감쇠입니다."),
    "keras_cosine": Text("torch's CosineAnnealingLR up to T_max = {T_max}; after it Keras holds eta_min.",
        "T_max = {T_max}까지는 torch의 CosineAnnealingLR과 같고, 그 뒤 Keras는 eta_min에 머뭅니다."),
    "keras_cosine_late": Text("Keras' CosineDecay holds eta_min after T_max; torch's climbs back",
                              "Keras의 CosineDecay는 T_max 뒤 eta_min에 머물지만 torch는 다시 올라갑니다"),
    "keras_lacks": Text("Keras has no such schedule", "Keras에는 이 스케줄이 없습니다"),
    "keras_schedule_doc": Text("The rate of torch's scheduler, step by step ({why}).",
                               "torch 스케줄러의 학습률을 스텝마다 그대로 계산합니다 ({why})."),
    "keras_plateau": Text(
        "Keras' ReduceLROnPlateau is a callback that checks once per epoch (torch: per scheduler.step).\n"
        "It cuts after `patience` bad epochs, torch after more than `patience`: patience + 1 here.",
        "Keras의 ReduceLROnPlateau는 에포크마다 한 번 확인하는 콜백입니다(torch: scheduler.step마다).\n"
        "Keras는 나쁜 에포크가 `patience`번이면, torch는 `patience`번을 넘으면 줄이므로 여기서는 "
        "patience + 1."),
    "keras_plateau_rel": Text("Keras' min_delta is absolute; torch's relative threshold has no Keras twin.",
        "Keras의 min_delta는 절대값입니다. torch의 상대 threshold에 해당하는 것은 Keras에 없습니다."),
    "optax_formula": Text("torch's numbers ({why})", "torch와 같은 값 ({why})"),
    "optax_no_time_based": Text("optax has no inverse-time decay", "optax에는 역시간 감쇠가 없습니다"),
    "optax_no_cyclic": Text("optax has no cyclical schedule", "optax에는 순환 스케줄이 없습니다"),
    "optax_onecycle_late": Text("optax.cosine_onecycle_schedule peaks one step later than torch's OneCycleLR",
        "optax.cosine_onecycle_schedule은 torch의 OneCycleLR보다 한 스텝 늦게 정점에 닿습니다"),
    "optax_cosine_late": Text("optax.cosine_decay_schedule holds eta_min after T_max; torch climbs back",
        "optax.cosine_decay_schedule은 T_max 뒤 eta_min에 머물지만 torch는 다시 올라갑니다"),
    "optax_restarts": Text(
        "SGDR: optax lists the cycles; {cycles} cover the {steps} updates (after them the rate\n"
        "stays at eta_min, while torch keeps restarting).",
        "SGDR: optax는 주기를 나열합니다. {cycles}개의 주기가 {steps}번의 갱신을 덮습니다(그 뒤 학습률은\n"
        "eta_min에 머물지만 torch는 계속 다시 시작합니다)."),
    "form_cosine": Text(
        "torch's closed form for every t: past T_max the rate climbs back to lr (period 2 T_max)",
        "모든 t에 대한 torch의 닫힌 식: T_max를 지나면 학습률이 lr로 다시 올라갑니다 (주기 2 T_max)"),
    "form_cycle": Text("steps into the current cycle", "현재 주기 안에서의 스텝 수"),
    "form_hold": Text("torch stops at total_steps; hold the last rate",
                      "torch는 total_steps에서 끝나므로 마지막 학습률을 유지합니다"),
    "plateau_doc": Text(
        "torch.optim.lr_scheduler.ReduceLROnPlateau's rules. optax.contrib.reduce_on_plateau\n"
        "scales the updates instead, waits one step longer and has no max mode.",
        "torch.optim.lr_scheduler.ReduceLROnPlateau의 규칙입니다. optax.contrib.reduce_on_plateau는\n"
        "학습률 대신 갱신량을 줄이고, 한 스텝 더 기다리며, max 모드가 없습니다."),
    # --- the snippets of the schedules page (lrviz.export.schedule) ----------------------------
    "your_model": Text("your model", "여러분의 모델"),
    "your_loss": Text("your loss", "여러분의 손실"),
    "your_data": Text("your data", "여러분의 데이터"),
    "your_params": Text("your parameters", "여러분의 파라미터"),
    "loss_fn_yours": Text("loss_fn: your loss", "loss_fn: 여러분의 손실 함수"),
    "plateau_watch": Text(
        "ReduceLROnPlateau watches a loss: here the loss after the update\n"
        "(in practice, the validation loss after each epoch).",
        "ReduceLROnPlateau는 손실을 지켜봅니다: 여기서는 갱신 직후의 손실\n"
        "(실전에서는 에포크마다 잰 검증 손실)."),
    "once_per_update": Text("once per update: update t uses the rate of step t",
                            "갱신마다 한 번: t번째 갱신은 스텝 t의 학습률을 씁니다"),
    "keras_epoch_per_update": Text(
        "One update per epoch, so that the callback looks after every update like torch's\n"
        "scheduler.step(loss) (Keras' epoch loss is measured during the epoch, before its update).",
        "에포크마다 갱신 한 번: 콜백이 torch의 scheduler.step(loss)처럼 갱신마다 확인합니다\n"
        "(Keras의 에포크 손실은 에포크 도중, 갱신 전에 잰 값입니다)."),
    "keras_batches": Text("Keras calls the schedule with the number of updates so far (one per batch).",
                          "Keras는 지금까지의 갱신 횟수(배치마다 하나)로 스케줄을 부릅니다."),
    "updates_in_all": Text("{steps} updates in all", "모두 {steps}번 갱신"),
    "inject": Text("inject_hyperparams keeps the rate in the state, where the loop can change it.",
                   "inject_hyperparams는 학습률을 상태에 두어, 반복문에서 바꿀 수 있게 합니다."),
    "optax_counts": Text("update t uses schedule(t): optax counts",
        "t번째 갱신은 schedule(t)를 씁니다: optax가 셉니다"),
    # --- optimizers (lrviz.export.optimizers) ----------------------------------------------------
    "keras_sgd_decay": Text("For plain SGD, Keras' decoupled weight_decay is the same update as torch's L2.",
        "모멘텀 없는 SGD에서는 Keras의 분리형 weight_decay가 torch의 L2와 같은 갱신입니다."),
    "keras_regularizer": Text(
        "torch adds weight_decay * w to the gradient (L2); Keras' weight_decay shrinks\n"
        "the weights apart from the step. For torch's numbers give the layers\n"
        "kernel_regularizer=keras.regularizers.L2({half}) (gradient 2 * {half} * w).",
        "torch는 기울기에 weight_decay * w를 더합니다(L2). Keras의 weight_decay는 갱신과 따로\n"
        "가중치를 줄입니다. torch와 같은 값을 원하면 층에\n"
        "kernel_regularizer=keras.regularizers.L2({half})를 주세요 (기울기 2 * {half} * w)."),
    "optax_l2": Text("torch's weight_decay is L2: weight_decay * w joins the gradient first.",
                     "torch의 weight_decay는 L2입니다: 먼저 기울기에 weight_decay * w를 더합니다."),
    # --- whole scripts (lrviz.export.scripts) -----------------------------------------------------
    "head": Text(
        "lrviz's run in {library}: {steps} updates on {surface},\n"
        "{optimizer} at lr = {lr}, schedule: {schedule}.\n"
        "It prints the loss after every update, one number per line: lrviz's numbers, float32 rounding "
        "aside.",
        "lrviz의 실행을 {library}로: {surface} 위에서 갱신 {steps}번,\n"
        "{optimizer}, lr = {lr}, 스케줄: {schedule}.\n"
        "갱신마다 손실을 한 줄에 하나씩 출력합니다: float32 반올림을 빼면 lrviz와 같은 값입니다."),
    "divergence": Text(
        "lrviz stops a run once it leaves its box (the domain grown ten-fold) or its loss is not finite;\n"
        "this loop runs on, so from there on its numbers are not lrviz's (they grow, or become inf or nan).",
        "lrviz는 실행이 상자(정의역을 열 배로 넓힌 범위)를 벗어나거나 손실이 유한하지 않으면 멈춥니다.\n"
        "이 반복문은 계속 돌기 때문에, 그 뒤의 값은 lrviz와 다릅니다 (커지거나 inf, nan이 됩니다)."),
    "surface_doc": Text("The loss surface: {title}, as lrviz computes it.",
                        "손실 곡면: {title} (lrviz가 계산하는 그대로)."),
    "start": Text("the start", "시작점"),
    "noise_other": Text(
        "Gaussian gradient noise of standard deviation {noise} (a stand-in for mini-batch gradients),\n"
        "seeded with {seed}. The random draws of {library} are not JAX's, so a noisy run matches lrviz's\n"
        "only in distribution, not draw by draw (the optax script repeats lrviz's draws exactly).",
        "표준편차 {noise}의 가우스 기울기 노이즈(미니배치 기울기를 흉내 냄), 시드 {seed}.\n"
        "{library}의 난수는 JAX의 난수와 다르므로, 노이즈가 있는 실행은 분포로만 lrviz와 같고\n"
        "값 하나하나는 다릅니다 (optax 스크립트는 lrviz의 난수를 그대로 재현합니다)."),
    "noise_optax": Text(
        "Gaussian gradient noise of standard deviation {noise} (a stand-in for mini-batch gradients),\n"
        "drawn as lrviz draws it (key fold_in(key({seed}), step)): the very numbers of lrviz's run.",
        "표준편차 {noise}의 가우스 기울기 노이즈(미니배치 기울기를 흉내 냄)를 lrviz와 똑같이\n"
        "뽑습니다 (키 fold_in(key({seed}), step)): lrviz 실행과 같은 난수입니다."),
    "clip_torch": Text("Clip the gradient to global norm {clip}, as lrviz does.",
                       "lrviz처럼 기울기를 전역 노름 {clip}으로 자릅니다."),
    "clip_optax": Text(
        "Clip to global norm {clip} as torch.nn.utils.clip_grad_norm_ does, g * min(1, c / (|g| + 1e-6));\n"
        "optax.clip_by_global_norm leaves out the 1e-6.",
        "torch.nn.utils.clip_grad_norm_처럼 전역 노름 {clip}으로 자릅니다: g * min(1, c / (|g| + 1e-6)).\n"
        "optax.clip_by_global_norm에는 1e-6이 없습니다."),
    "clip_keras": Text(
        "global_clipnorm={clip}: Keras scales by c / |g|, torch by c / (|g| + 1e-6): the same to about "
        "six digits.",
        "global_clipnorm={clip}: Keras는 c / |g|, torch는 c / (|g| + 1e-6)을 곱합니다: 여섯 자리쯤까지 "
        "같습니다."),
    "loss_after": Text("the loss after the update", "갱신 직후의 손실"),
    "plateau_after": Text(
        "ReduceLROnPlateau watches the loss after each update, as lrviz does\n"
        "(in practice, the validation loss after each epoch).",
        "ReduceLROnPlateau는 lrviz처럼 갱신마다 그 직후의 손실을 지켜봅니다\n"
        "(실전에서는 에포크마다 잰 검증 손실)."),
    "optax_step": Text("One update: the gradient at the point, then the optimizer's step; the loss after it.",
                       "갱신 한 번: 현재 점의 기울기, 옵티마이저의 한 걸음, 그리고 그 뒤의 손실."),
    "keras_point": Text(
        "The point is the layer's only weight, and the layer's output is the loss there:\n"
        "model.fit then runs gradient descent on the surface itself.",
        "점이 이 층의 유일한 가중치이고, 층의 출력이 그 점의 손실입니다:\n"
        "그래서 model.fit이 곡면 위에서 바로 경사하강을 합니다."),
    "keras_l2": Text(
        "torch's weight_decay is L2: {wd} / 2 * |p|^2 joins the loss, so {wd} * p joins the gradient\n"
        "(Keras' own weight_decay shrinks the weights apart from the step).",
        "torch의 weight_decay는 L2입니다: 손실에 {wd} / 2 * |p|^2를 더해 기울기에 {wd} * p가 더해집니다\n"
        "(Keras 자체의 weight_decay는 갱신과 따로 가중치를 줄입니다)."),
    "keras_noise_term": Text("the draw joins the gradient: the gradient of z . p is z",
                             "뽑은 값이 기울기에 더해집니다: z . p의 기울기는 z입니다"),
    "keras_output_loss": Text("the model's output is the loss itself", "모델의 출력이 곧 손실입니다"),
    "keras_report": Text(
        "After every update (one per epoch: one sample, batch_size=1), print the loss there.",
        "갱신마다(에포크마다 한 번: 샘플 하나, batch_size=1) 그 점의 손실을 출력합니다."),
    "keras_plateau_own": Text(
        "Keras' ReduceLROnPlateau callback counts patience differently, sees the loss before the\n"
        "update and has no relative threshold: torch's rules are written out here instead.",
        "Keras의 ReduceLROnPlateau 콜백은 patience를 다르게 세고, 갱신 전의 손실을 보며,\n"
        "상대 threshold가 없습니다: 그래서 torch의 규칙을 직접 씁니다."),
    "keras_schedule_sees": Text("the schedule sees optimizer.iterations, the number of updates so far",
                                "스케줄은 지금까지의 갱신 횟수 optimizer.iterations를 받습니다"),
}


def say(key: str, lang: str, **fields: object) -> str:
    """The words ``key`` in ``lang`` (English for another language), placeholders filled."""
    text = WORDS[key](lang)
    return text.format(**fields) if fields else text


def comment(key: str, lang: str, indent: str = "", **fields: object) -> list[str]:
    """The words ``key`` as comment lines (``# ...``), one per line of the text."""
    return [f"{indent}# {line}" for line in say(key, lang, **fields).split("\n")]
