"""Schedules: hand-derived values at the edges, laws, optax where it agrees, validation, no recompiles.

Expected numbers are literals worked out by hand (the working is in the
comments), not calls to the formula under test. They follow PyTorch's
``torch.optim.lr_scheduler`` classes: the rate of update t is what torch reports
before its t-th ``optimizer.step()`` with one ``scheduler.step()`` after each.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrviz.schedules import SCHEDULES, Plateau, PlateauState, make, plateau_rates

IDS = [
    "constant", "step", "multistep", "exponential", "time_based", "linear", "polynomial",
    "cosine", "cosine_restarts", "warmup_cosine", "cyclic", "onecycle", "plateau",
]
CLOSED = [name for name in IDS if name != "plateau"]


def rates(name: str, t, lr: float = 1.0, *, jit: bool = True, **params) -> np.ndarray:
    """The schedule at steps ``t``, under jit as the engine runs it (eager: faster for many examples)."""
    schedule = make(name, lr, **params)
    return np.asarray((jax.jit(schedule) if jit else schedule)(jnp.asarray(t)), dtype=float)


def close(actual, expected, rtol=2e-6, atol=1e-9):
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


# --- registry and metadata --------------------------------------------------------


def test_registry_ids_in_display_order():
    assert list(SCHEDULES) == IDS


@pytest.mark.parametrize("name", CLOSED)
def test_defaults_under_jit_on_arrays(name):
    schedule = make(name, 0.1)
    t = jnp.arange(200)
    values = jax.jit(schedule)(t)
    assert values.shape == (200,) and values.dtype == jnp.float32
    values = np.asarray(values)
    assert np.all(np.isfinite(values)) and np.all(values >= 0)
    assert np.all(values[1:100] > 0)  # zeros only where a decay ends (or warm-up starts)
    assert np.all(values <= 0.4 + 1e-6)  # cyclic's default top is 4 x lr
    for shape in [(), (3, 4)]:  # any shape of t, integer or float
        for dtype in [jnp.int32, jnp.float32]:
            out = jax.eval_shape(schedule, jax.ShapeDtypeStruct(shape, dtype))
            assert out.shape == shape and out.dtype == jnp.float32


def test_plateau_make_returns_a_plateau_with_a_fresh_state():
    plateau = make("plateau", 0.1, mode="max", patience=3)
    assert isinstance(plateau, Plateau)
    state = plateau.init()
    assert isinstance(state, PlateauState)
    assert float(state.lr) == pytest.approx(0.1) and float(state.best) == -math.inf
    assert float(make("plateau", 0.1).init().best) == math.inf
    assert int(state.num_bad) == 0 and int(state.cooldown_counter) == 0


# --- hand-computed values ---------------------------------------------------------


def test_constant():
    close(rates("constant", [0, 5, 1000], lr=0.3), [0.3, 0.3, 0.3])


def test_step_cuts_exactly_at_multiples_of_step_size():
    # 1 * 0.1 ** floor(t / 30)
    close(rates("step", [0, 29, 30, 59, 60, 90], step_size=30, gamma=0.1), [1, 1, 0.1, 0.1, 0.01, 0.001])


@pytest.mark.parametrize("step_size", [41, 47, 55, 97])
def test_step_boundaries_survive_constant_folding(step_size):
    # Under jit, XLA turns t / 41 into t * (1/41), which lands below 1 at t = 41;
    # the boundary must still be at t = k * step_size.
    t = [step_size - 1, step_size, 2 * step_size - 1, 2 * step_size, 3 * step_size]
    close(rates("step", t, step_size=step_size, gamma=0.5), [1, 0.5, 0.5, 0.25, 0.125])


def test_multistep_counts_a_repeated_milestone_twice():
    # milestones 3, 10, 10, 40 with gamma 0.5: one halving at 3, two at 10, one at 40
    t = [0, 2, 3, 9, 10, 39, 40, 100]
    close(rates("multistep", t, milestones=(10, 3, 40, 10), gamma=0.5),
          [1, 1, 0.5, 0.5, 0.125, 0.125, 0.0625, 0.0625])
    close(rates("multistep", [29, 30, 60, 80], milestones="30, 60, 80"), [1, 0.1, 0.01, 0.001])


def test_exponential():
    # 0.5 ** 10 = 1 / 1024 = 0.0009765625
    close(rates("exponential", [0, 1, 2, 10], gamma=0.5), [1, 0.5, 0.25, 0.0009765625])


def test_time_based_smooth_and_staircase():
    # 1 / (1 + 0.5 t / 10): t = 5 -> 1/1.25 = 0.8, t = 10 -> 1/1.5, t = 100 -> 1/6
    close(rates("time_based", [0, 5, 10, 100], decay_rate=0.5, decay_steps=10),
          [1, 0.8, 0.6666666667, 0.1666666667])
    # staircase: 1 / (1 + 0.5 floor(t / 10)): flat within each block of 10
    close(rates("time_based", [0, 9, 10, 19, 20], decay_rate=0.5, decay_steps=10, staircase=True),
          [1, 1, 0.6666666667, 0.6666666667, 0.5])


def test_linear_warm_up_and_decay():
    # 0.2 + 0.8 * min(t, 4) / 4
    close(rates("linear", [0, 1, 2, 4, 10], start_factor=0.2, end_factor=1.0, total_iters=4),
          [0.2, 0.4, 0.6, 1.0, 1.0])
    # 1 - 0.9 * min(t, 3) / 3
    close(rates("linear", [0, 1, 2, 3, 9], start_factor=1.0, end_factor=0.1, total_iters=3),
          [1.0, 0.7, 0.4, 0.1, 0.1])
    # torch's defaults (1/3 -> 1) with lr = 0.3: 0.1 at the start, 0.3 from total_iters on
    close(rates("linear", [0, 25, 100], lr=0.3), [0.1, 0.3, 0.3])


def test_polynomial_reaches_zero_and_stays():
    # (1 - min(t, 4) / 4) ** 2: 1, 9/16, 1/4, 1/16, 0, 0
    close(rates("polynomial", [0, 1, 2, 3, 4, 9], total_iters=4, power=2.0),
          [1, 0.5625, 0.25, 0.0625, 0, 0], atol=0)
    close(rates("polynomial", [50, 100, 150], total_iters=100), [0.5, 0, 0], atol=0)


def test_cosine_keeps_following_the_cosine_past_t_max():
    # (1 + cos(pi t / 10)) / 2: 1 at 0, 1/2 at 5, 0 at 10, back to 1/2 at 15 and 1 at 20
    close(rates("cosine", [0, 5, 10, 15, 20, 30, 40], T_max=10), [1, 0.5, 0, 0.5, 1, 0, 1], atol=1e-7)
    # eta_min = 0.1: 0.1 + 0.9 * 1/2 = 0.55 at t = 5, 0.1 at t = 10
    close(rates("cosine", [5, 10], T_max=10, eta_min=0.1), [0.55, 0.1])
    # (1 + cos(0.9 pi)) / 2 = 0.0244717419 at t = 9
    close(rates("cosine", [9, 11], T_max=10), [0.0244717419, 0.0244717419])


def test_cosine_restarts_with_fixed_cycles():
    # T_0 = 10: restarts at 10, 20, ...; (1 + cos(0.9 pi)) / 2 = 0.0244717419 at the end of a cycle
    close(rates("cosine_restarts", [0, 5, 9, 10, 20, 25, 29], T_0=10),
          [1, 0.5, 0.0244717419, 1, 1, 0.5, 0.0244717419])


def test_cosine_restarts_with_growing_cycles():
    # T_0 = 10, T_mult = 2: cycles [0, 10), [10, 30), [30, 70), [70, 150), ...
    t = [0, 9, 10, 20, 29, 30, 50, 69, 70, 150]
    # t = 20: 10 of 20 steps -> 1/2; t = 29: (1 + cos(0.95 pi)) / 2 = 0.0061558297
    # t = 50: 20 of 40 -> 1/2; t = 69: (1 + cos(0.975 pi)) / 2 = 0.0015413331
    expected = [1, 0.0244717419, 1, 0.5, 0.0061558297, 1, 0.5, 0.0015413331, 1, 1]
    close(rates("cosine_restarts", t, T_0=10, T_mult=2), expected)
    # T_0 = 5, T_mult = 3: restarts at 5, 20, 65, 200
    close(rates("cosine_restarts", [5, 20, 65, 200], T_0=5, T_mult=3, eta_min=0.25), [1, 1, 1, 1])
    # eta_min 0.25: half-way through a cycle 0.25 + 0.75 / 2 = 0.625 (T_0 = 6: t = 3, and t = 6 + 9)
    close(rates("cosine_restarts", [0, 3, 15], T_0=6, T_mult=3, eta_min=0.25), [1, 0.625, 0.625])


def test_warmup_cosine():
    # ramp 0 -> 1 over 10 steps; cosine 1 -> 0.1 over steps 10..30: half-way (t = 20) 0.55
    close(rates("warmup_cosine", [0, 5, 10, 20, 30, 100], warmup_steps=10, total_steps=30, eta_min=0.1),
          [0, 0.5, 1, 0.55, 0.1, 0.1])
    close(rates("warmup_cosine", [0, 50], warmup_steps=0, total_steps=100), [1, 0.5])


def test_cyclic_triangle_and_defaults():
    # base = lr = 1, max = 4 x base = 4, 10 steps up and 10 down
    close(rates("cyclic", [0, 5, 10, 15, 20, 30], step_size_up=10), [1, 2.5, 4, 2.5, 1, 4])
    # base 1, max 3, 2 up and 6 down: r = t mod 8; r = 5 -> (8 - 5) / 6 = 1/2 -> 2
    close(rates("cyclic", [0, 1, 2, 5, 8, 10], base_lr=1, max_lr=3, step_size_up=2, step_size_down=6),
          [1, 2, 3, 2, 1, 3])
    # base_lr alone: max = 4 x 0.5
    close(rates("cyclic", [0, 10], lr=9.0, base_lr=0.5, step_size_up=10), [0.5, 2.0])


def test_cyclic_triangular2_halves_the_height_every_cycle():
    # heights 3, 1.5, 0.75 above base 1 at peaks 10, 30, 50; troughs stay at 1
    close(rates("cyclic", [10, 20, 30, 40, 50], step_size_up=10, mode="triangular2"), [4, 1, 2.5, 1, 1.75])


def test_cyclic_exp_range_scales_by_gamma_to_the_step():
    # 1 + 3 * 0.5 * 0.9**5 = 1.885735 ; 1 + 3 * 0.9**10 = 2.0460353203 ; 1 + 3 * 0.9**30 = 1.1271734748
    close(rates("cyclic", [0, 5, 10, 30], step_size_up=10, mode="exp_range", gamma=0.9),
          [1, 1.885735, 2.0460353203, 1.1271734748])


def test_onecycle_two_phases():
    # N = 10, pct 0.3: initial 1/25 = 0.04, minimum 0.04 / 1e4 = 4e-6; phase ends 0.3*10 - 1 = 2 and 9.
    # t = 1 is half-way up: 0.04 + 0.96 / 2 = 0.52. Past N - 1 the minimum is held (torch raises).
    close(rates("onecycle", [0, 1, 2, 9, 10, 50], total_steps=10),
          [0.04, 0.52, 1.0, 4e-6, 4e-6, 4e-6])
    assert rates("onecycle", [2], total_steps=10)[0] == 1.0  # the peak is max_lr exactly
    # linear anneal, t = 3: 1 + (4e-6 - 1) / 7 = 0.8571434286
    close(rates("onecycle", [3], total_steps=10, anneal_strategy="linear"), [0.8571434286])
    # max_lr given: the peak is max_lr, not lr
    close(rates("onecycle", [2], lr=5.0, max_lr=2.0, total_steps=10), [2.0])


def test_onecycle_three_phases():
    # ends 2, 0.6*10 - 2 = 4, 9: up 0.04 -> 1, down 1 -> 0.04, then 0.04 -> 4e-6
    close(rates("onecycle", [0, 2, 3, 4, 9, 12], total_steps=10, three_phase=True),
          [0.04, 1.0, 0.52, 0.04, 4e-6, 4e-6])
    # linear, t = 5: 0.04 + (4e-6 - 0.04) / 5 = 0.0320008
    close(rates("onecycle", [5], total_steps=10, three_phase=True, anneal_strategy="linear"), [0.0320008])


def test_onecycle_zero_length_phase_is_already_over():
    # pct 0.1 of 10 steps: the warm-up ends at 0.1*10 - 1 = 0, so t = 0 is the peak (torch divides by 0)
    close(rates("onecycle", [0], total_steps=10, pct_start=0.1), [1.0])


# --- plateau ---------------------------------------------------------------------


def test_plateau_cuts_after_more_than_patience_bad_steps():
    # patience 2: loss 5 (best), 4 (best), then 4, 4, 4 are bad steps 1, 2, 3; 3 > 2 -> cut after losses[4]
    got = plateau_rates(1.0, [5, 4, 4, 4, 4, 4, 4, 4, 4], patience=2)
    close(got, [1, 1, 1, 1, 1, 0.1, 0.1, 0.1, 0.01, 0.01])


def test_plateau_cooldown_delays_the_next_cut():
    # cut after losses[3]; without cooldown the next cut follows three bad steps later (after losses[6])
    close(plateau_rates(1.0, [4] * 10, patience=2), [1, 1, 1, 1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.001])
    # cooldown 2 forgets the bad steps of losses[4] and losses[5]; the next cut comes after losses[8]
    close(plateau_rates(1.0, [4] * 10, patience=2, cooldown=2),
          [1, 1, 1, 1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.01, 0.01])


def test_plateau_min_lr_floor_and_eps_rule():
    # patience 0: every bad step cuts; 1 -> 0.1 -> max(0.01, 0.05) = 0.05, then stays at the floor
    close(plateau_rates(1.0, [1, 1, 1, 1], patience=0, min_lr=0.05), [1, 1, 0.1, 0.05, 0.05])
    # eps 0.3, factor 0.5: 1 -> 0.5 (drop 0.5 > 0.3), then 0.5 -> 0.25 is a drop of 0.25 <= 0.3: skipped
    close(plateau_rates(1.0, [1, 1, 1, 1], patience=0, factor=0.5, eps=0.3), [1, 1, 0.5, 0.5, 0.5])


def test_plateau_max_mode():
    # rising is good in max mode: bad steps start at losses[3]; cut after losses[5]
    losses = [1, 2, 3, 3, 3, 3]
    close(plateau_rates(1.0, losses, mode="max", patience=2), [1, 1, 1, 1, 1, 1, 0.1])
    # in min mode the same sequence is bad from losses[1]: cut after losses[3]
    close(plateau_rates(1.0, losses, patience=2), [1, 1, 1, 1, 0.1, 0.1, 0.1])


def test_plateau_abs_and_rel_threshold():
    losses = [10, 9.75, 9.25, 9.0, 8.75, 8.5]
    # abs 0.5: better means < best - 0.5. 9.75 bad, 9.25 better, 9.0 bad, 8.75 bad (not < 8.75): cut
    close(plateau_rates(1.0, losses, patience=1, threshold=0.5, threshold_mode="abs"),
          [1, 1, 1, 1, 1, 0.1, 0.1])
    # rel 0.5: better means < best / 2, so every step after the first is bad: cuts after losses[2], [4]
    close(plateau_rates(1.0, losses, patience=1, threshold=0.5), [1, 1, 1, 0.1, 0.1, 0.01, 0.01])


def _torch_plateau(lr, losses, mode, factor, patience, threshold, threshold_mode, cooldown, min_lr, eps):
    """ReduceLROnPlateau.step transcribed from torch, in float64."""
    best, bad, cool, out = (math.inf if mode == "min" else -math.inf), 0, 0, [lr]
    for a in losses:
        if mode == "min":
            better = a < (best * (1 - threshold) if threshold_mode == "rel" else best - threshold)
        else:
            better = a > (best * (1 + threshold) if threshold_mode == "rel" else best + threshold)
        best, bad = (a, 0) if better else (best, bad + 1)
        if cool > 0:
            cool, bad = cool - 1, 0
        if bad > patience:
            new = max(lr * factor, min_lr)
            lr = new if lr - new > eps else lr
            cool, bad = cooldown, 0
        out.append(lr)
    return out


@given(
    losses=st.lists(st.integers(0, 6), min_size=30, max_size=30),
    mode=st.sampled_from(["min", "max"]),
    factor=st.sampled_from([0.1, 0.5]),
    patience=st.integers(0, 4),
    threshold=st.sampled_from([0.0, 1e-4, 0.25]),
    threshold_mode=st.sampled_from(["rel", "abs"]),
    cooldown=st.integers(0, 3),
    min_lr=st.sampled_from([0.0, 0.01]),
)
def test_plateau_matches_torchs_rules(losses, mode, factor, patience, threshold, threshold_mode, cooldown,
                                      min_lr):
    params = dict(mode=mode, factor=factor, patience=patience, threshold=threshold,
                  threshold_mode=threshold_mode, cooldown=cooldown, min_lr=min_lr, eps=1e-8)
    expected = _torch_plateau(1.0, [float(x) for x in losses], **params)
    close(plateau_rates(1.0, losses, **params), expected, rtol=1e-5)


def test_plateau_params_are_traced_inside_a_scan():
    traces = 0

    @jax.jit
    def replay(lr, numbers, losses):
        nonlocal traces
        traces += 1
        plateau = Plateau(lr, {**numbers, "mode": "min", "threshold_mode": "rel"})

        def step(state, loss):
            state = plateau.update(state, loss)
            return state, state.lr

        return jax.lax.scan(step, plateau.init(), losses)[1]

    losses = jnp.full(8, 3.0)
    numbers = dict(factor=0.5, patience=1.0, threshold=1e-4, cooldown=0.0, min_lr=0.0, eps=1e-8)
    first = replay(1.0, {k: jnp.float32(v) for k, v in numbers.items()}, losses)
    numbers.update(factor=0.1, patience=3.0)
    second = replay(2.0, {k: jnp.float32(v) for k, v in numbers.items()}, losses)
    assert traces == 1
    # the first loss sets best; patience 1: cuts after losses[2], [4], [6]; patience 3: after losses[4]
    close(first, [1, 1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125])
    close(second, [2, 2, 2, 2, 0.2, 0.2, 0.2, 0.2])


# --- laws ------------------------------------------------------------------------


@settings(max_examples=25)  # each example evaluates eagerly; keeps the module fast
@given(
    name=st.sampled_from(CLOSED), lr=st.floats(1e-3, 10.0), scale=st.floats(0.1, 10.0), t=st.integers(0, 400)
)
def test_every_schedule_is_proportional_to_lr_at_defaults(name, lr, scale, t):
    # at the defaults every other rate (eta_min = 0, base/max_lr = None) is relative to lr
    close(make(name, lr * scale)(t), scale * np.asarray(make(name, lr)(t)), rtol=1e-5, atol=1e-12)


@settings(max_examples=25)  # each example evaluates eagerly; keeps the module fast
@given(T_0=st.integers(1, 40).map(lambda k: 2 * k), T_mult=st.integers(1, 4), cycle=st.integers(0, 6))
def test_cosine_restarts_restart_at_every_cycle_start(T_0, T_mult, cycle):
    # cycle i starts at T_0 (1 + T_mult + ... + T_mult**(i-1)) and lasts T_0 T_mult**i (even)
    start = T_0 * sum(T_mult**k for k in range(cycle))
    length = T_0 * T_mult**cycle
    got = rates("cosine_restarts", [start, start + length // 2, start + length], lr=2.0, jit=False, T_0=T_0,
                T_mult=T_mult, eta_min=1.0)
    close(got, [2.0, 1.5, 2.0], rtol=1e-5)


@settings(max_examples=25)  # each example evaluates eagerly; keeps the module fast
@given(
    base=st.just(0.0) | st.floats(1e-3, 1.0), height=st.floats(0.0, 2.0), up=st.integers(1, 30),
    down=st.integers(1, 30), mode=st.sampled_from(["triangular", "triangular2", "exp_range"]),
    gamma=st.floats(0.9, 1.0),
)
def test_cyclic_stays_between_base_and_max(base, height, up, down, mode, gamma):
    got = rates("cyclic", np.arange(150), lr=1.0, jit=False, base_lr=base, max_lr=base + height,
                step_size_up=up, step_size_down=down, mode=mode, gamma=gamma)
    assert np.all(got >= base * (1 - 1e-6)) and np.all(got <= (base + height) * (1 + 1e-6) + 1e-9)
    close(got[0], base, rtol=1e-6)
    close(got[up], base + height * (gamma**up if mode == "exp_range" else 1.0), rtol=1e-5)


@settings(max_examples=25)  # each example evaluates eagerly; keeps the module fast
@given(
    total_steps=st.integers(2, 200), pct_start=st.floats(0.0, 1.0),
    anneal=st.sampled_from(["cos", "linear"]), three_phase=st.booleans(),
)
def test_onecycle_stays_in_range_and_holds_its_last_rate(total_steps, pct_start, anneal, three_phase):
    got = rates("onecycle", np.arange(210), lr=1.0, jit=False, total_steps=total_steps,
                pct_start=pct_start, anneal_strategy=anneal, three_phase=three_phase)
    assert np.all(got <= 1.0 + 1e-6) and np.all(got >= 4e-6 * (1 - 1e-5))
    assert np.all(got[total_steps - 1:] == got[total_steps - 1])
    # the last step is the minimum unless the warm-up (or, in three phases, the way back) is still going
    if pct_start * total_steps < total_steps - 1e-3 and not (three_phase and pct_start > 0.5):
        close(got[total_steps - 1], 4e-6, rtol=1e-5)


@pytest.mark.parametrize(
    ("name", "params"),
    [("step", {}), ("multistep", {}), ("exponential", {}), ("time_based", {"staircase": True}),
     ("polynomial", {"power": 0.5}), ("linear", {"start_factor": 1.0, "end_factor": 0.2}),
     ("cosine", {"T_max": 300}), ("warmup_cosine", {"warmup_steps": 0})],
)
def test_decays_never_increase(name, params):
    got = rates(name, np.arange(300), **params)
    assert np.all(np.diff(got) <= 1e-7)


# --- traced parameters: moving a slider never recompiles ---------------------------


def _nudge(param, value):
    """Another allowed value of the same kind (a slider moved)."""
    if param.kind == "int":
        return value + 1 if param.hi is None or value + 1 <= param.hi else value - 1
    return value * 0.9


@pytest.mark.parametrize("name", CLOSED)
def test_numeric_params_are_traced_and_never_recompile(name):
    spec = SCHEDULES[name]
    traced, static = spec.split(spec.resolve({}, 0.1))
    traces = 0

    @jax.jit
    def evaluate(lr, numbers):
        nonlocal traces
        traces += 1
        return spec.fn(jnp.arange(120), lr, {**numbers, **dict(static)})

    evaluate(0.1, {k: jnp.float32(v) for k, v in traced.items()})
    moved = {k: _nudge(spec.param(k), v) for k, v in traced.items()}
    spec.resolve(moved, 0.2)  # still allowed
    second = evaluate(0.2, {k: jnp.float32(v) for k, v in moved.items()})
    assert traces == 1
    close(second, make(name, 0.2, **moved)(jnp.arange(120)), rtol=1e-5, atol=1e-9)  # the moved values count


# --- validation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "lr", "params", "message"),
    [
        ("cosine", 0.1, {"T_max": -3}, r"`T_max` \(=-3\) must be an integer in \[1, "),
        ("step", 0.1, {"gamma": 0}, r"`gamma` \(=0\) must be a number in \(0, 1\]"),
        ("cosine_restarts", 0.1, {"T_mult": 1.5}, r"`T_mult` \(=1.5\)"),
        ("cyclic", 0.1, {"base_lr": 0.5, "max_lr": 0.2}, r"`max_lr` \(=0.2\) must be >= `base_lr` \(=0.5\)"),
        ("cyclic", 0.1, {"max_lr": 0.05}, r"`max_lr` \(=0.05\) must be >= `base_lr` \(=0.1\)"),
        ("cyclic", 0.1, {"mode": "sawtooth"}, r"`mode` \(='sawtooth'\) must be one of"),
        ("warmup_cosine", 0.1, {"warmup_steps": 50, "total_steps": 50},
         r"`total_steps` \(=50\) must be greater than `warmup_steps` \(=50\)"),
        ("plateau", 0.1, {"factor": 1.0}, r"`factor` \(=1.0\)"),
        ("onecycle", 0.1, {"pct_start": 1.5}, r"`pct_start` \(=1.5\)"),
        ("cosine", 0.1, {"T_maxx": 3}, r"no parameter 'T_maxx'; its parameters are: T_max, eta_min"),
        ("cosine", 0.0, {}, r"`lr` \(=0.0\) must be a finite number > 0"),
        ("step", -1, {}, r"`lr` \(=-1\)"),
        ("step", float("nan"), {}, r"`lr` \(=nan\)"),
        ("step", float("inf"), {}, r"`lr` \(=inf\)"),
        ("step", "fast", {}, r"`lr` \(='fast'\)"),
    ],
)
def test_bad_parameters_name_the_culprit(name, lr, params, message):
    with pytest.raises(ValueError, match=message):
        make(name, lr, **params)


def test_unknown_schedule_lists_the_ids():
    with pytest.raises(ValueError, match=r"Unknown schedule 'cosine_annealing'.*constant, step, multistep"):
        make("cosine_annealing", 0.1)


# --- optax, where it agrees with PyTorch -------------------------------------------


def _optax(schedule, t, jit=True):
    return np.asarray((jax.jit(schedule) if jit else schedule)(jnp.asarray(t)), dtype=float)


def test_agrees_with_optax_where_optax_agrees():
    t = np.arange(250)
    lr = 0.3

    def check(ours, theirs, steps=t, jit=True):
        close(ours, _optax(theirs, steps, jit), rtol=1e-5, atol=1e-6 * lr)

    check(rates("step", t, lr, step_size=7, gamma=0.5), optax.exponential_decay(lr, 7, 0.5, staircase=True))
    check(rates("exponential", t, lr, gamma=0.97), optax.exponential_decay(lr, 1, 0.97))
    check(rates("multistep", t, lr, milestones=(5, 50, 120), gamma=0.3),
          optax.piecewise_constant_schedule(lr, {5: 0.3, 50: 0.3, 120: 0.3}))
    check(rates("linear", t, lr, start_factor=0.25, end_factor=0.75, total_iters=40),
          optax.linear_schedule(lr * 0.25, lr * 0.75, 40))
    # eager: under jit XLA turns optax's division by the constant 90 into a multiplication by 1/90,
    # and optax raises the slightly negative 1 - 90 * (1/90) to the power 2.5 (NaN at its last step)
    check(rates("polynomial", t, lr, total_iters=90, power=2.5), optax.polynomial_schedule(lr, 0.0, 2.5, 90),
          jit=False)
    upto = np.arange(101)  # optax holds eta_min past T_max, torch does not
    check(rates("cosine", upto, lr, T_max=100, eta_min=0.03), optax.cosine_decay_schedule(lr, 100, 0.1), upto)
    check(rates("warmup_cosine", t, lr, warmup_steps=15, total_steps=120, eta_min=0.03),
          optax.warmup_cosine_decay_schedule(0.0, lr, 15, 120, 0.03))
    cycles = [dict(init_value=lr, peak_value=lr, warmup_steps=0, decay_steps=8 * 2**i, end_value=0.03)
              for i in range(4)]  # 8 + 16 + 32 + 64 = 120 steps listed
    listed = np.arange(120)
    check(rates("cosine_restarts", listed, lr, T_0=8, T_mult=2, eta_min=0.03), optax.sgdr_schedule(cycles),
          listed)
