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

from lrviz.i18n import Key, latex
from lrviz.schedules import SCHEDULES

Claim = Literal["baseline", "settle", "escape", "rescue"]
"""What the demo shows against the constant rate at the same starting rate:

- ``baseline``: nothing to compare (the constant rate itself);
- ``settle``: the constant rate keeps oscillating; the schedule ends with a loss at least ten times lower;
- ``escape``: the constant rate is stuck in a local minimum; the schedule reaches the global one;
- ``rescue``: the constant rate diverges; the schedule converges to the global minimum.
"""


class Guide(NamedTuple):
    """The formula (LaTeX) and when to use the schedule (``sched.use_when.<id>``), side by side."""

    formula: str
    when: Key

    def display(self, lang: str) -> str:
        r"""The formula in ``lang`` (its ``\word{…}``, :func:`lrviz.i18n.latex`), one clause a line: the
        clauses joined by ``,\quad`` would need up to 877 px on one line (warm-up + cosine), and a
        1024-px screen gives the column 564."""
        return latex(self.formula, lang).replace(r",\quad", r",\\")


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
    variant: Key | None = None  # sched.variant.<key>

    def title(self, lang: str, *, short: bool = False) -> str:
        """The card's name; ``short`` drops the library class in brackets (for the small charts)."""
        name = SCHEDULES[self.schedule].title(lang)
        if short:
            name = name.split(" (")[0]
        return name if self.variant is None else f"{name} · {self.variant(lang)}"


_CYCLIC = (
    r"\eta_t = \text{base} + (\text{max} - \text{base})\cdot\text{tri}(t)\cdot f(t),\quad"
    r"\text{tri}(t) = \begin{cases} r/\text{up} & r \le \text{up} \\"
    r" (\text{up} + \text{down} - r)/\text{down} & \word{otherwise}\end{cases},\quad"
    r" r = t \bmod (\text{up} + \text{down})"
    r"\\ f = 1\ (\text{triangular}),\quad f = 2^{1-c}\ (\text{triangular2},\ \word{cycle}\ c = 1, 2, \dots),"
    r"\quad f = \gamma^{t}\ (\text{exp\_range})"
)
_ONECYCLE = (
    r"\eta_t = \begin{cases} \text{anneal}(\eta_{\text{start}}, \text{max\_lr}, t / a) & t \le a \\"
    r" \text{anneal}(\text{max\_lr}, \eta_{\text{end}}, (t - a) / (b - a)) & a < t \le b \end{cases},"
    r"\quad a = \text{pct\_start}\cdot N - 1,\ b = N - 1"
    r"\\ \eta_{\text{start}} = \frac{\text{max\_lr}}{\text{div\_factor}},\quad"
    r"\eta_{\text{end}} = \frac{\eta_{\text{start}}}{\text{final\_div\_factor}},\quad"
    r"\text{anneal}(x, y, p) = y + \tfrac{x - y}{2}(1 + \cos \pi p)\ \word{or}\ x + (y - x)\,p"
)


def _guide(name: str, formula: str | None = None) -> Guide:
    """The card of schedule ``name``: its registry formula unless a fuller one is given."""
    return Guide(formula or SCHEDULES[name].latex, Key(f"sched.use_when.{name}"))


GUIDE: dict[str, Guide] = {
    "constant": _guide("constant"),
    "time_based": _guide("time_based"),
    "step": _guide("step"),
    "multistep": _guide("multistep"),
    "exponential": _guide("exponential"),
    "linear": _guide("linear"),
    "polynomial": _guide("polynomial"),
    "cosine": _guide("cosine"),
    "cosine_restarts": _guide("cosine_restarts"),
    "warmup_cosine": _guide("warmup_cosine"),
    "cyclic": _guide("cyclic", _CYCLIC),
    "onecycle": _guide("onecycle", _ONECYCLE),
    "plateau": _guide("plateau"),
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
    Entry("cyclic_triangular", "cyclic", (("mode", "triangular"),), _BUMPY,
          Key("sched.variant.cyclic_triangular")),
    Entry("cyclic_triangular2", "cyclic", (("mode", "triangular2"),), _BUMPY,
          Key("sched.variant.cyclic_triangular2")),
    Entry("cyclic_exp_range", "cyclic", (("mode", "exp_range"), ("gamma", 0.98)), _BUMPY,
          Key("sched.variant.cyclic_exp_range")),
    Entry("onecycle_cos", "onecycle", (("anneal_strategy", "cos"),), _STEEP,
          Key("sched.variant.onecycle_cos")),
    Entry("onecycle_linear", "onecycle", (("anneal_strategy", "linear"),), _STEEP,
          Key("sched.variant.onecycle_linear")),
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
