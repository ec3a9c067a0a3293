"""The engine: closed forms, divergence, sweeps, statuses, and no recompilation."""

import dataclasses
import gc
import weakref

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrviz import engine, optimizers, schedules, surfaces
from lrviz.engine import diagnostics
from lrviz.engine.diagnostics import STATUSES
from lrviz.surfaces import SURFACES, get

A = 2.0  # the default quadratic is a x² / 2 with a = 2, so 2/a = 1


def test_gd_on_quadratic_follows_the_closed_form():
    lr, x0 = 0.3, 2.5
    run = engine.run("quadratic", lr=lr, steps=20, start=[x0])
    expected = x0 * (1 - lr * A) ** np.arange(21)
    np.testing.assert_allclose(run.points[:, 0], expected, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(run.losses, A / 2 * expected**2, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(run.grads[:, 0], A * expected[:-1], rtol=1e-5)
    assert np.all(run.lrs == np.float32(lr))


def test_lr_one_over_a_lands_on_the_minimum_in_one_step():
    run = engine.run("quadratic", lr=1 / A, steps=10)
    assert run.points[1, 0] == pytest.approx(0.0, abs=1e-7)
    assert run.status == "converged" and run.converged_at == 1


def test_converges_just_below_and_diverges_just_above_two_over_a():
    below = engine.run("quadratic", lr=0.97 * 2 / A, steps=300)
    above = engine.run("quadratic", lr=1.01 * 2 / A, steps=300)
    assert below.status == "converged" and below.diverged_at is None
    assert above.status == "diverged" and 50 < above.diverged_at < 300
    # Arrays stop at the escaped point.
    assert len(above.points) == above.diverged_at + 1 == len(above.lrs) + 1
    assert abs(above.points[-1, 0]) > 10 * 3  # outside the escape box of ten half-widths


def test_a_start_far_outside_the_domain_is_not_an_escape():
    # x² on ±3 has an escape box of ±30; from x₀ = 100 a rate below 2/a still shrinks x each step,
    # and one above it grows x by |1 - ηa| a step until it leaves ten times the start's distance.
    below = engine.run("quadratic", lr=0.1, steps=100, start=[100.0])
    assert below.diverged_at is None and below.status == "converged"
    np.testing.assert_allclose(below.points[:5, 0], 100 * 0.8 ** np.arange(5), rtol=1e-5)
    above = engine.run("quadratic", lr=1.5, steps=100, start=[100.0])  # |1 - 3| = 2: 2^4 > 10 > 2^3
    assert above.status == "diverged" and above.diverged_at == 4
    momentum = engine.run("quadratic", optimizer="momentum", lr=0.1, steps=500, start=[100.0],
                          optimizer_params={"momentum": 0.99})
    assert momentum.diverged_at is None
    # In 2-D the box reaches as far in every coordinate: from (100, 0) a coupled bowl swings y
    # out as far as x (x² + y² + 1.6xy: λ = 0.4 and 3.6, so 2/λmax ≈ 0.56).
    coupled = surfaces.from_expression("x^2 + y^2 + 1.6*x*y", dim=2)
    for lr in (0.05, 0.2, 0.4):
        run = engine.run(coupled, lr=lr, steps=300, start=[100.0, 0.0])
        assert run.diverged_at is None and run.losses[-1] < run.losses[0]


def test_curvature_and_critical_rate():
    assert engine.run("quadratic", steps=1).curvature.critical_lr == pytest.approx(1.0, rel=1e-4)
    ravine = engine.run("ravine", steps=1).curvature
    assert ravine.lam_min == pytest.approx(25.0, rel=1e-4)
    assert ravine.critical_lr == pytest.approx(2 / 25, rel=1e-4)
    well = engine.run("double_well", steps=1).curvature
    assert well.nearest_minimum == get("double_well").local_minima[0]


@pytest.mark.parametrize(
    ("surface", "optimizer", "lr", "steps", "status"),
    [
        ("quadratic", "sgd", 0.2, 100, "converged"),
        ("quadratic", "sgd", 1.5, 100, "diverged"),
        ("quadratic", "sgd", 0.999, 100, "oscillating"),
        ("quadratic", "sgd", 1e-4, 100, "slow"),
        ("double_well", "sgd", 0.01, 300, "stuck_local"),
        ("bumpy", "sgd", 0.02, 300, "stuck_local"),
        ("saddle", "sgd", 0.02, 100, "saddle"),
        ("ravine", "sgd", 0.079, 100, "oscillating"),
        ("plateau", "sgd", 0.1, 100, "slow"),
        ("plateau", "adam", 0.1, 300, "converged"),
        ("rosenbrock", "adam", 0.05, 2000, "converged"),
        ("rosenbrock", "adam", 0.005, 2000, "slow"),
    ],
)
def test_status_tells_the_lesson(surface, optimizer, lr, steps, status):
    assert engine.run(surface, optimizer, lr=lr, steps=steps).status == status


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_no_rate_breaks_any_surface(name):
    """A thousand rates from 1e-4 to 1e3 on every surface: statuses valid, nothing raises."""
    lrs = np.geomspace(1e-4, 1e3, 1000)
    sweep = engine.sweep(name, lrs, optimizer="momentum", steps=60)
    assert set(sweep.status) <= set(STATUSES)
    assert sweep.status[-1] == "diverged", "a rate of 1000 diverges everywhere"
    ran = sweep.diverged_at < 0
    assert np.all(np.isfinite(sweep.losses[ran]))
    for i in np.flatnonzero(~ran):
        assert np.all(np.isfinite(sweep.losses[i, : sweep.diverged_at[i]]))


@given(
    optimizer=st.sampled_from(sorted(optimizers.OPTIMIZERS)),
    log_lr=st.floats(-4, 3),
    steps=st.integers(1, 32),
    start=st.tuples(st.floats(-5, 5), st.floats(-5, 5)),
)
def test_no_run_raises_and_arrays_are_consistent(optimizer, log_lr, steps, start):
    run = engine.run("himmelblau", optimizer, lr=10**log_lr, steps=steps, start=start)
    assert run.status in STATUSES
    n = len(run.lrs)
    assert run.points.shape == (n + 1, 2) and run.losses.shape == (n + 1,)
    if run.diverged_at is None:
        assert n == steps and np.all(np.isfinite(run.points)) and np.all(np.isfinite(run.losses))
    else:
        assert run.status == "diverged" and n == run.diverged_at
        assert np.all(np.isfinite(run.points[:-1]))


def test_sweep_rows_equal_single_runs():
    lrs = np.array([1e-3, 0.05, 0.3, 0.9, 1.02, 1.5, 7.0])
    sweep = engine.sweep("quadratic", lrs, steps=150)
    for i, lr in enumerate(lrs):
        run = engine.run("quadratic", lr=float(lr), steps=150)
        k = len(run.losses)
        np.testing.assert_allclose(sweep.losses[i, :k], run.losses, rtol=1e-5, atol=1e-12)
        assert sweep.status[i] == run.status
        assert sweep.diverged_at[i] == (-1 if run.diverged_at is None else run.diverged_at)
        assert np.all(np.isnan(sweep.losses[i, k:]))
    assert np.isinf(sweep.final_loss[sweep.diverged_at >= 0]).all()


def test_sweep_rows_equal_runs_for_adam_with_a_schedule_on_2d():
    kwargs = dict(optimizer="adam", steps=80, schedule="cosine", schedule_params={"T_max": 80})
    lrs = np.array([0.01, 0.1, 0.5])
    sweep = engine.sweep("himmelblau", lrs, **kwargs)
    for i, lr in enumerate(lrs):
        run = engine.run("himmelblau", lr=float(lr), **kwargs)
        np.testing.assert_allclose(sweep.points[i], run.points, rtol=1e-4, atol=1e-5)


def test_sweep_finds_the_divergence_edge_at_two_over_a():
    lrs = np.geomspace(0.1, 10, 1000)
    sweep = engine.sweep("quadratic", lrs, steps=500)
    edge = lrs[np.argmax(sweep.status == "diverged")]
    resolution = lrs[1] / lrs[0]
    assert 2 / A <= edge <= 2 / A * resolution**2
    best = lrs[np.argmin(sweep.final_loss)]
    assert best < edge


def test_sweep_over_start_points_maps_basins():
    xs = np.linspace(-1.9, 1.9, 39)
    sweep = engine.sweep("double_well", 0.01, steps=400, starts=xs[:, None])
    well = get("double_well")
    ends = sweep.points[:, -1, 0]
    left = xs < well.maxima[0][0]
    assert np.allclose(ends[left], well.global_minima[0][0], atol=1e-2)
    assert np.allclose(ends[~left], well.local_minima[0][0], atol=1e-2)


def test_engine_matches_an_optax_loop_with_our_optimizer():
    surface = get("rosenbrock")
    opt = optimizers.make("rmsprop", schedules.make("step", 0.01, step_size=10, gamma=0.5),
                          momentum=0.5, centered=True)
    theta = jnp.asarray(surface.start, jnp.float32)
    state = opt.init(theta)
    path = [theta]
    for _ in range(40):
        updates, state = opt.update(jax.grad(surface.fn)(theta), state, theta)
        theta = optax.apply_updates(theta, updates)
        path.append(theta)
    run = engine.run(surface, "rmsprop", lr=0.01, steps=40, schedule="step",
                     schedule_params={"step_size": 10, "gamma": 0.5},
                     optimizer_params={"momentum": 0.5, "centered": True})
    np.testing.assert_allclose(run.points, np.stack(path), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(n for n, s in schedules.SCHEDULES.items() if not s.needs_loss))
def test_engine_rates_are_the_schedule(name):
    run = engine.run("bowl", "sgd", lr=0.05, steps=120, schedule=name)
    expected = schedules.make(name, 0.05)(np.arange(120))
    np.testing.assert_allclose(run.lrs, expected, rtol=2e-5, atol=1e-9)


def test_plateau_runs_inside_the_scan_with_torch_semantics():
    params = {"patience": 3, "factor": 0.5, "threshold": 1e-3}
    run = engine.run("double_well", lr=0.05, steps=120, schedule="plateau", schedule_params=params)
    replay = schedules.plateau_rates(0.05, run.losses[1:], **params)
    np.testing.assert_allclose(run.lrs, replay[: len(run.lrs)], rtol=1e-6)
    assert run.lrs[-1] < 0.05, "the loss stalls in the well, so the rate is cut"


def test_noise_is_seeded_and_clipping_bounds_the_step():
    a = engine.run("bowl", lr=0.1, steps=30, noise=0.5, seed=1)
    b = engine.run("bowl", lr=0.1, steps=30, noise=0.5, seed=1)
    c = engine.run("bowl", lr=0.1, steps=30, noise=0.5, seed=2)
    clean = engine.run("bowl", lr=0.1, steps=30)
    np.testing.assert_array_equal(a.points, b.points)
    assert not np.allclose(a.points, c.points) and not np.allclose(a.points, clean.points)
    clipped = engine.run("cliff", lr=0.3, steps=100, clip_norm=1.0)
    steps = np.abs(np.diff(clipped.points[:, 0]))
    assert steps.max() <= 0.3 * 1.0 + 1e-5
    assert np.all(np.linalg.norm(clipped.grads, axis=-1) <= 1.0 + 1e-5)


def test_moving_sliders_never_recompiles():
    rng = np.random.default_rng(0)
    # Warm up each compiled shape the sliders can reach: one per steps bucket.
    # (Switching noise or clipping on at all selects another program, so they stay on.)
    for steps in (20, 50, 100, 200, 400):
        engine.run("ravine", "momentum", lr=0.01, steps=steps, noise=0.1, clip_norm=1.0)
    before = engine.trace_count()
    for _ in range(50):
        engine.run(
            "ravine",
            "momentum",
            lr=float(10 ** rng.uniform(-4, 1)),
            steps=int(rng.integers(10, 400)),
            start=rng.uniform(-3, 3, size=2),
            optimizer_params={"momentum": float(rng.uniform(0, 0.99)),
                              "weight_decay": float(rng.uniform(0, 0.1))},
            noise=float(rng.uniform(0, 1)),
            clip_norm=float(rng.uniform(0.1, 10)),
            seed=int(rng.integers(0, 1000)),
        )
    assert engine.trace_count() == before


@pytest.mark.parametrize(
    "kwargs",
    [
        {"lr": 0.0}, {"lr": -1.0}, {"lr": float("nan")}, {"steps": 0}, {"steps": 2.5},
        {"start": [1.0, 2.0]}, {"start": [float("inf")]}, {"optimizer": "lion"},
        {"schedule": "warp"}, {"noise": -1.0}, {"clip_norm": 0.0},
        {"optimizer_params": {"momentum": 2.0}}, {"schedule_params": {"gamma": -1}},
    ],
)
def test_bad_arguments_raise_value_error_naming_them(kwargs):
    with pytest.raises(ValueError):
        engine.run("quadratic", **kwargs)


@pytest.mark.parametrize(
    ("optimizer", "params"),
    [("sgd", {}), ("momentum", {"momentum": 0.5}), ("nesterov", {"momentum": 0.8}),
     ("sgd", {"momentum": 0.3, "nesterov": True})],
)
def test_stability_limit_separates_convergence_from_divergence(optimizer, params):
    from lrviz.engine.diagnostics import stability_limit

    limit = stability_limit(optimizer, params, A)
    below = engine.run("quadratic", optimizer, lr=0.97 * limit.value, steps=2000, optimizer_params=params)
    above = engine.run("quadratic", optimizer, lr=1.03 * limit.value, steps=2000, optimizer_params=params)
    assert below.status in ("converged", "oscillating") and below.diverged_at is None
    assert above.status == "diverged"


def test_adaptive_optimizers_have_no_fixed_limit():
    from lrviz.engine.diagnostics import stability_limit

    assert all(stability_limit(name, {}, 2.0) is None for name in ("adagrad", "rmsprop", "adam", "adamw"))


def test_passing_near_a_saddle_on_the_last_step_is_not_stalling_there():
    # Too large a rate on Ackley: the point bounces between ripples; one landing beside a
    # saddle is not a run stuck on it.
    for steps in (90, 100, 110):
        assert engine.run("ackley", lr=0.1, steps=steps).status != "saddle"
    assert engine.run("saddle", lr=0.05, steps=100, start=(1.0, 0.0)).status == "saddle"


def test_landing_on_the_minimum_on_the_last_bounce_is_not_convergence():
    # η above 2/λmax on Ackley: the point bounces through the minimum's neighbourhood.
    assert engine.run("ackley", lr=0.1, steps=100).status != "converged"
    # One exact step (η = 1/λ on x²) converges however short the run.
    assert all(engine.run("quadratic", lr=0.5, steps=s).status == "converged" for s in (1, 2, 3, 20))


def test_the_engine_keeps_a_bounded_number_of_compiled_programs(monkeypatch):
    from lrviz.engine import _run

    monkeypatch.setattr(_run, "MAX_PROGRAMS", 2)
    for steps in (10, 1000, 3000, 9000):  # four step buckets (512, 2048, 8192, 32768): four programs
        engine.run("quadratic", lr=0.1, steps=steps)
    assert _run.compiled_programs() == 2
    before = engine.trace_count()
    engine.run("quadratic", lr=0.3, steps=9000)  # the most recent is still compiled
    assert engine.trace_count() == before


def test_minimum_rates_are_those_of_the_nearest_listed_minimum_and_asked_once():
    # f = x²: λ = 2 at the minimum x = 0, so 2/λ = 1 and plain GD is quickest at η = 1/λ = 0.5.
    quadratic = surfaces.get("quadratic")
    lam, critical, minimum, fastest = diagnostics.minimum_rates(quadratic, np.array([0.3]))
    assert (lam, critical, fastest) == pytest.approx((2.0, 1.0, 0.5), rel=1e-6)
    assert minimum == quadratic.minima[0]
    assert diagnostics._MINIMA[quadratic] == {minimum: (lam, critical, minimum, fastest)}  # asked once
    # The table keeps a surface's minima only while the surface lives (a typed formula's surface
    # must not outlive its page): a copy nobody else holds goes, and its entry with it.
    copy = dataclasses.replace(quadratic, name="copy")
    assert diagnostics.minimum_rates(copy, np.array([0.0]))[1] == pytest.approx(1.0, rel=1e-6)
    assert copy in diagnostics._MINIMA
    gone = weakref.ref(copy)
    del copy
    gc.collect()
    assert gone() is None
    # curvature() reads the same numbers for the minimum nearest its start.
    assert diagnostics.curvature(quadratic, np.array([2.5])).critical_lr == pytest.approx(critical)


# Where SGD's critical rate lies with torch's L2 weight decay w (curvature λ + w) and dampening τ
# (the heavy ball at rate (1 − τ)η), on x² (λ = 2), by hand:
LIMITS = [
    ("sgd", {}, 1.0, "2/λmax"),
    ("sgd", {"weight_decay": 0.5}, 2 / 2.5, "2/(λmax+w)"),  # 0.8: η = 0.9 diverged, 2/λ said 1
    ("sgd", {"dampening": 0.5}, 1.0, "2/λmax"),  # no momentum, no buffer: dampening does nothing
    ("momentum", {"momentum": 0.9}, 1.9, "2(1+μ)/λmax"),
    ("momentum", {"momentum": 0.9, "dampening": 0.5}, 3.8, "2(1+μ)/((1−τ)λmax)"),
    ("momentum", {"momentum": 0.5, "dampening": 0.5, "weight_decay": 1.0}, 2 * 1.5 / (0.5 * 3),
     "2(1+μ)/((1−τ)(λmax+w))"),
    ("nesterov", {"momentum": 0.9, "weight_decay": 0.5}, 2 * 1.9 / (2.8 * 2.5), "2(1+μ)/((1+2μ)(λmax+w))"),
]


@pytest.mark.parametrize(("optimizer", "params", "critical", "formula"), LIMITS)
def test_the_critical_rate_counts_weight_decay_and_dampening(optimizer, params, critical, formula):
    limit = diagnostics.stability_limit(optimizer, params, 2.0)
    assert limit.value == pytest.approx(critical) and limit.formula == formula
    below = engine.run("quadratic", optimizer, lr=0.95 * critical, steps=2000, optimizer_params=params)
    above = engine.run("quadratic", optimizer, lr=1.05 * critical, steps=2000, optimizer_params=params)
    assert below.diverged_at is None and above.status == "diverged"


@pytest.mark.parametrize("lr", [0.01, 0.1, 1.0, 10.0])
def test_dampening_one_coasts_along_the_first_gradient_whatever_the_rate(lr):
    # torch: b₁ = g₁ undampened, then b ← μb + 0·g, so b_t = μ^(t−1)·g₁ and after T steps
    # θ = θ₀ − η·g₁·(1 − μ^T)/(1 − μ): on x² from 2.5 (g₁ = 5) with μ = 0.5, 2.5 − 10η·(1 − 2^−T).
    params = {"momentum": 0.5, "dampening": 1.0}
    limit = diagnostics.stability_limit("momentum", params, 2.0)
    assert limit.coasting and not limit.plain and limit.value == np.inf and limit.momentum == 0.5
    run = engine.run("quadratic", "momentum", lr=lr, steps=30, optimizer_params=params)
    steps = np.arange(31)
    expected = 2.5 - 10 * lr * (1 - 0.5**steps)
    reached = len(run.points)
    np.testing.assert_allclose(run.points[:, 0], expected[:reached], rtol=1e-5)


def test_only_momentum_with_dampening_one_coasts():
    kinds = {(o, tuple(p.items())): diagnostics.stability_limit(o, p, 2.0).kind for o, p, *_ in LIMITS}
    assert set(kinds.values()) == {"plain", "heavy_ball", "nesterov"}
    assert not diagnostics.stability_limit("sgd", {"dampening": 1.0}, 2.0).coasting  # no momentum, no buffer


def test_the_start_limit_scales_with_the_shifted_curvature():
    # With w = 0.5 the limit is 2/(λ + 0.5); where the start's curvature is 34.9 it is 2/35.4.
    limit = diagnostics.stability_limit("sgd", {"weight_decay": 0.5}, 2.0)
    curvature = diagnostics.Curvature(lam_start=34.9, lam_min=2.0, critical_lr=1.0, nearest_minimum=(0.0,))
    assert diagnostics.start_limit(limit, curvature) == pytest.approx(2 / 35.4)


def test_the_first_point_too_steep_for_the_rate_is_found_on_the_path():
    # Rosenbrock's Hessian is [[1200x² − 400y + 2, −400x], [−400x, 200]]. Plain GD's limit at the
    # minimum (1, 1) is 2/λ(1, 1); along (1, 1) → (1.23, 1.08) → (1.5, 1.5) the first point where
    # η = 0.0013 is past 2/λ there is the second one (2/λ = 0.00127), and points off the domain
    # are not read.
    surface = get("rosenbrock")

    def lam(x, y):
        return float(np.linalg.eigvalsh([[1200 * x**2 - 400 * y + 2, -400 * x], [-400 * x, 200]])[-1])

    limit = diagnostics.stability_limit("sgd", {}, lam(1, 1))
    curvature = diagnostics.Curvature(lam_start=lam(1, 1), lam_min=lam(1, 1), critical_lr=limit.value,
                                      nearest_minimum=(1.0, 1.0))
    path = np.array([[1.0, 1.0], [1.23, 1.08], [1.5, 1.5], [np.nan, np.nan]])
    found = diagnostics.steeper_on_path(surface, path, [0.0013] * 3, limit, curvature)
    assert found.step == 1 and found.point.tolist() == [1.23, 1.08] and found.lr == 0.0013
    assert found.lam == pytest.approx(lam(1.23, 1.08), rel=1e-5)
    assert found.limit == pytest.approx(2 / lam(1.23, 1.08), rel=1e-5) and 2 / lam(1.23, 1.08) < 0.0013
    calm = 2 / lam(1.5, 1.5) * 0.99
    assert diagnostics.steeper_on_path(surface, path, [calm] * 3, limit, curvature) is None
    # Each point is read at its own step's rate: a schedule that lowered it by step 1 is past it
    # only at step 2 (the last rate stands for the points after the last step).
    decayed = diagnostics.steeper_on_path(surface, path, [0.0013, calm, 0.0013], limit, curvature)
    assert decayed.step == 2 and decayed.lr == 0.0013
    assert diagnostics.steeper_on_path(surface, np.array([[9.0, 9.0]]), [1.0], limit, curvature) is None


@pytest.mark.parametrize(("surface", "decay", "settles_at"), [
    ("rosenbrock", 0.5, (0.6765, 0.4565)),  # f + 0.25‖θ‖²: no longer (1, 1)
    ("catapult", 0.5, (0.7071, 0.7071)),  # (xy − 1)²/2 + 0.25‖θ‖²: x = y = 1/√2
])
def test_with_weight_decay_the_critical_rate_is_read_where_the_run_settles(surface, decay, settles_at):
    s = get(surface)
    curvature = diagnostics.curvature(s, s.start)
    moved = diagnostics.decayed_minimum(s, tuple(curvature.nearest_minimum), decay)
    np.testing.assert_allclose(moved, settles_at, atol=1e-3)
    limit = diagnostics.stability_limit("sgd", {"weight_decay": decay}, curvature.lam_min, surface=s,
                                        minimum=curvature.nearest_minimum).value
    params = {"weight_decay": decay}
    below = engine.run(s, lr=0.95 * limit, steps=3000, start=list(moved + 0.01), optimizer_params=params)
    above = engine.run(s, lr=1.05 * limit, steps=3000, start=list(moved + 0.01), optimizer_params=params)
    assert np.linalg.norm(below.points[-1] - moved) < 2e-3  # settled where the limit was read
    assert above.diverged_at is not None or np.linalg.norm(above.points[-1] - moved) > 0.02  # thrown off


@given(st.floats(0.0, 0.999), st.floats(0.0, 4.5))
def test_the_heavy_balls_shrink_is_its_characteristic_polynomials_largest_root(mu, step):
    # z² − (1 + μ − ηλ)z + μ: the heavy ball's distance to a quadratic's minimum, a step at a time.
    roots = np.roots([1.0, -(1 + mu - step), mu])
    assert diagnostics.heavy_ball_shrink(mu, step) == pytest.approx(np.max(np.abs(roots)), rel=1e-6, abs=1e-6)


def test_the_lighter_momentum_is_the_best_hundredth_below_this_one():
    # The bowl (λ = 2) at η = 0.001, μ = 0.95: ηλ = 0.002 along both directions. μ = 0.5 would creep,
    # its roots 0.99598 and 0.50202 real; the best hundredth, 0.92, still swings, at √0.92 ≈ 0.959.
    assert diagnostics.heavy_ball_shrink(0.5, 0.002) == pytest.approx(0.995984, abs=1e-6)
    lighter, shrink = diagnostics.lighter_momentum(0.95, 0.002, 0.002)
    assert lighter == 0.92 and shrink == pytest.approx(np.sqrt(0.92))
    # Brute force over the same hundredths, from the roots themselves, along two directions.
    steepest, flattest = 0.25, 0.01
    def largest_root(mu, x):
        return np.max(np.abs(np.roots([1, -(1 + mu - x), mu])))

    worst = {m / 100: max(largest_root(m / 100, x) for x in (steepest, flattest)) for m in range(1, 95)}
    best = min(worst, key=worst.get)
    assert diagnostics.lighter_momentum(0.95, steepest, flattest) == pytest.approx((best, worst[best]))
    assert best == 0.81  # (1 − √0.01)², where the flattest direction's roots meet


def test_a_corner_on_a_bowl_takes_the_bowls_critical_rate():
    # Near the origin Ackley's loss is a cone (about 4‖θ‖) on a bowl: its finite-difference curvature
    # grows as the step shrinks (2882, then 336 at ten times the step), where a bowl's stays put.
    corners = {(name, m) for name, surface in SURFACES.items() for m in get(name).minima
               if diagnostics.corner(get(name), m)}
    assert corners == {("ackley", (0.0, 0.0))}
    near = diagnostics.curvature(get("ackley"), np.array([0.3, 0.2]))
    assert near.corner and near.nearest_minimum == (0.0, 0.0)
    assert 50 < near.lam_min < 56  # the bowl's, not the step's 2882
    # x² + 0.1|x|: the bowl's λ = 2 (its limit 1, η = 1.2 diverges), not the kink's 0.2/h.
    kinked = surfaces.from_expression("x**2 + 0.1*abs(x)", 1)
    at = diagnostics.curvature(kinked, np.asarray(kinked.start))
    assert at.corner and at.lam_min == pytest.approx(2.0, rel=1e-6)
    assert engine.run(kinked, lr=1.2, steps=200).status == "diverged"
    assert engine.run(kinked, lr=0.8, steps=200).status != "diverged"


def test_lingering_at_a_saddle_is_read_from_the_losss_own_gradient():
    # The saddle surface from (0.5, 2) at η = 0.1: the run creeps past (0, 0). Noise keeps the run's
    # own gradients up, not the loss's, so it lingers no less with noise; Ackley's pass-by at full
    # slope past (0.626, 0) is no lingering at all.
    saddle = get("saddle")
    calm = diagnostics.saddle_visit(saddle, engine.run(saddle, lr=0.1, steps=100, seed=2).points)
    noisy = diagnostics.saddle_visit(saddle, engine.run(saddle, lr=0.1, steps=100, noise=0.3, seed=2).points)
    assert calm[1] == noisy[1] == (0.0, 0.0) and noisy[0] >= calm[0] >= 20
    ackley = get("ackley")
    past = engine.run(ackley, lr=0.005, steps=100, start=(0.3, 0.2))
    assert diagnostics.saddle_visit(ackley, past.points) is None
