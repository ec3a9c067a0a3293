r"""What the Schedules page says about each schedule, and the demo it opens with.

:data:`GUIDE` holds, per schedule id of :data:`lrviz.schedules.SCHEDULES`, the
formula shown on the page (LaTeX) next to one line on *when to use it*, in
both languages. Formulas are the registry's own (``ScheduleSpec.latex``)
unless a fuller one helps a student (the cyclical triangle, one-cycle's
phases), so each closed form is written once.

:data:`GALLERY` lists the gallery's cards: every schedule once, cyclic in its
three modes and one-cycle in its two anneal strategies. Each card carries the
parameters it opens with and a :class:`Demo`: the surface, optimizer, rate
and horizon where the run *with* the schedule and the run at the *constant*
starting rate differ in the way :class:`Claim` says. ``tests/test_schedule_guide.py``
runs every demo with :func:`lrviz.engine.run` and checks its claim.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

from lrviz.i18n import Text
from lrviz.schedules import SCHEDULES

Claim = Literal["baseline", "settle", "escape", "rescue"]
"""What the demo shows against the constant rate at the same starting rate:

- ``baseline``: nothing to compare (the constant rate itself);
- ``settle``: the constant rate keeps oscillating; the schedule ends with a loss at least ten times lower;
- ``escape``: the constant rate is stuck in a local minimum; the schedule reaches the global one;
- ``rescue``: the constant rate diverges; the schedule converges to the global minimum.
"""


class Guide(NamedTuple):
    """The formula (LaTeX) and when to use the schedule, side by side."""

    formula: str
    when: Text

    @property
    def display(self) -> str:
        r"""The formula one clause a line: the clauses joined by ``,\quad`` would need up to 877 px
        on one line (warm-up + cosine), and a 1024-px screen gives the column 564."""
        return self.formula.replace(r",\quad", r",\\")


class Demo(NamedTuple):
    surface: str
    optimizer: str
    lr: float
    steps: int
    claim: Claim


class Entry(NamedTuple):
    """A gallery card: a schedule with the parameters it opens with (``variant`` names the card)."""

    key: str
    schedule: str
    params: tuple[tuple[str, Any], ...]
    demo: Demo
    variant: Text | None = None

    def title(self, lang: str, *, short: bool = False) -> str:
        """The card's name; ``short`` drops the library class in brackets (for the small charts)."""
        name = SCHEDULES[self.schedule].title(lang)
        if short:
            name = name.split(" (")[0]
        return name if self.variant is None else f"{name} · {self.variant(lang)}"


_CYCLIC = (
    r"\eta_t = \text{base} + (\text{max} - \text{base})\cdot\text{tri}(t)\cdot f(t),\quad"
    r"\text{tri}(t) = \begin{cases} r/\text{up} & r \le \text{up} \\"
    r" (\text{up} + \text{down} - r)/\text{down} & \text{otherwise}\end{cases},\quad"
    r" r = t \bmod (\text{up} + \text{down})"
    r"\\ f = 1\ (\text{triangular}),\quad f = 2^{1-c}\ (\text{triangular2, cycle } c = 1, 2, \dots),"
    r"\quad f = \gamma^{t}\ (\text{exp\_range})"
)
_ONECYCLE = (
    r"\eta_t = \begin{cases} \text{anneal}(\eta_{\text{start}}, \text{max\_lr}, t / a) & t \le a \\"
    r" \text{anneal}(\text{max\_lr}, \eta_{\text{end}}, (t - a) / (b - a)) & a < t \le b \end{cases},"
    r"\quad a = \text{pct\_start}\cdot N - 1,\ b = N - 1"
    r"\\ \eta_{\text{start}} = \frac{\text{max\_lr}}{\text{div\_factor}},\quad"
    r"\eta_{\text{end}} = \frac{\eta_{\text{start}}}{\text{final\_div\_factor}},\quad"
    r"\text{anneal}(x, y, p) = y + \tfrac{x - y}{2}(1 + \cos \pi p)\ \text{or}\ x + (y - x)\,p"
)


def _own(name: str) -> str:
    return SCHEDULES[name].latex


GUIDE: dict[str, Guide] = {
    "constant": Guide(_own("constant"), Text(
        "The baseline every schedule is measured against; fine for short runs and quick experiments.",
        "모든 스케줄러의 비교 기준입니다. 짧은 학습이나 빠른 실험에는 이것으로 충분합니다.")),
    "time_based": Guide(_own("time_based"), Text(
        "Long runs where the rate should keep shrinking slowly, as in the convergence proofs of SGD.",
        "학습률을 천천히, 계속 줄여야 하는 긴 학습에 씁니다. SGD 수렴 증명에 나오는 감쇠입니다.")),
    "step": Guide(_own("step"), Text(
        "A known training length and a recipe to follow: cut by 10× when progress slows (ResNet).",
        "학습 길이와 따를 레시피가 정해져 있을 때: 진행이 느려지면 학습률을 10분의 1로 줄입니다(ResNet).")),
    "multistep": Guide(_own("multistep"), Text(
        "You know from earlier runs at which steps the loss stalls; cut exactly there.",
        "이전 실험에서 손실이 정체되는 스텝을 알고 있을 때, 바로 그 지점에서 줄입니다.")),
    "exponential": Guide(_own("exponential"), Text(
        "A smooth decay with one knob (gamma); choose gamma close to 1, or the rate vanishes early.",
        "조절값이 하나(gamma)인 부드러운 감쇠입니다. "
        "gamma를 1에 가깝게 두지 않으면 학습률이 금방 사라집니다.")),
    "linear": Guide(_own("linear"), Text(
        "A short linear warm-up (factor 1/3 → 1) before a constant rate, or a straight decay.",
        "일정한 학습률 앞의 짧은 선형 워밍업(배율 1/3 → 1), 또는 직선 감쇠로 씁니다.")),
    "polynomial": Guide(_own("polynomial"), Text(
        "A fixed budget that must end at rate 0 (BERT-style fine-tuning uses power 1).",
        "학습률 0으로 끝나야 하는 정해진 예산에 씁니다(BERT 미세 조정은 power 1).")),
    "cosine": Guide(_own("cosine"), Text(
        "A fixed budget: fast at first, then a long, gentle finish. Set T_max to the number of steps.",
        "예산이 정해진 학습: 처음엔 빠르게, 끝은 길고 부드럽게. T_max를 전체 스텝 수로 두세요.")),
    "cosine_restarts": Guide(_own("cosine_restarts"), Text(
        "Rugged losses with poor local minima: each restart kicks the point out; also gives snapshots.",
        "나쁜 지역 최적점이 많은 손실: 재시작할 때마다 점을 밀어내 빠져나오게 합니다. "
        "재시작마다 스냅샷 모델도 얻을 수 있습니다.")),
    "warmup_cosine": Guide(_own("warmup_cosine"), Text(
        "Adam and large batches (transformers): the warm-up keeps the first, badly estimated steps small.",
        "Adam과 큰 배치(트랜스포머): 워밍업이 추정이 부정확한 처음 몇 스텝을 작게 유지합니다.")),
    "cyclic": Guide(_CYCLIC, Text(
        "When you don't want to tune one rate: bounce between a safe and a bold one, and cross saddles.",
        "학습률 하나를 고르기 어려울 때: 안전한 값과 과감한 값 사이를 오가며 안장점을 넘습니다.")),
    "onecycle": Guide(_ONECYCLE, Text(
        "A tight time budget: a peak rate the constant rate could not survive, then a long cool-down.",
        "시간이 빠듯할 때: 고정 학습률로는 발산할 최고 학습률을 거친 뒤 길게 식힙니다.")),
    "plateau": Guide(_own("plateau"), Text(
        "The validation loss stagnates and you don't know when: let the loss decide when to cut.",
        "검증 손실이 언제 정체될지 모를 때: 손실을 보고 줄일 시점을 정합니다.")),
}

# The demos (checked by tests/test_schedule_guide.py with engine.run):
# ravine, SGD, lr 0.08: just below 2/λmax, the constant rate zig-zags across the valley for good.
_SETTLE = Demo("ravine", "sgd", 0.08, 100, "settle")
# bumpy, SGD with momentum: at a constant rate the ball stays in the local minimum at x ≈ 1.98.
_BUMPY = Demo("bumpy", "momentum", 0.03, 200, "escape")
# six-hump camel from (-1.5, 1.2), momentum 0.1: the first full steps on the steep wall diverge at once.
_STEEP = Demo("six_hump_camel", "momentum", 0.1, 100, "rescue")

GALLERY: tuple[Entry, ...] = (
    Entry("constant", "constant", (), Demo("quadratic", "sgd", 0.1, 100, "baseline")),
    Entry("time_based", "time_based", (), _SETTLE),
    Entry("step", "step", (), _SETTLE),
    Entry("multistep", "multistep", (), _SETTLE),
    Entry("exponential", "exponential", (), _SETTLE),
    Entry("linear", "linear", (), _STEEP),
    Entry("polynomial", "polynomial", (), _SETTLE),
    Entry("cosine", "cosine", (), _SETTLE),
    Entry("cosine_restarts", "cosine_restarts", (("T_mult", 2),),
          Demo("bumpy", "momentum", 0.2, 200, "escape")),
    # Six-hump camel at 0.03: constant momentum steps throw the point into a side valley.
    Entry("warmup_cosine", "warmup_cosine", (), Demo("six_hump_camel", "momentum", 0.03, 100, "escape")),
    Entry("cyclic_triangular", "cyclic", (("mode", "triangular"),), _BUMPY, Text("triangular", "삼각형")),
    Entry("cyclic_triangular2", "cyclic", (("mode", "triangular2"),), _BUMPY,
          Text("triangular2", "삼각형2 (절반씩)")),
    Entry("cyclic_exp_range", "cyclic", (("mode", "exp_range"), ("gamma", 0.98)), _BUMPY,
          Text("exp_range", "지수 범위")),
    Entry("onecycle_cos", "onecycle", (("anneal_strategy", "cos"),), _STEEP, Text("cosine", "코사인")),
    Entry("onecycle_linear", "onecycle", (("anneal_strategy", "linear"),), _STEEP, Text("linear", "선형")),
    Entry("plateau", "plateau", (), _SETTLE),
)
ENTRIES: dict[str, Entry] = {entry.key: entry for entry in GALLERY}


def entry_for(schedule: str, params: dict[str, Any]) -> Entry:
    """The gallery card a schedule and its parameters belong to (by mode / anneal strategy)."""
    cards = [e for e in GALLERY if e.schedule == schedule]
    for card in cards:
        variant = {k: v for k, v in card.params if k in ("mode", "anneal_strategy")}
        if all(params.get(k, SCHEDULES[schedule].param(k).default) == v for k, v in variant.items()):
            return card
    if not cards:
        raise ValueError(f"Unknown schedule {schedule!r}; choose one of: {', '.join(SCHEDULES)}.")
    return cards[0]
