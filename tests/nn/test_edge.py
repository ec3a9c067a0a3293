"""The edge of stability, Adam's edge, catapults and warm-up: every claim the /edge page makes, on small runs.

The runs here are short and few (their compiled programs are the page's own where the row count
allows); the page's default settings are checked once, by the test marked ``slow``.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from lrviz.nn import edge
from lrviz.nn.edge import _net

TINY = edge.Network("moons", 32, 4, 1)  # 22 weights: its Hessian is cheap to build in full


@pytest.fixture(scope="module")
def stable():
    return edge.stability([0.4, 0.5, 0.6], steps=500)


@pytest.fixture(scope="module")
def caught():
    return edge.catapult([0.8, 1.3, 1.5, 2.0], steps=200)


def _loss_fn(network):
    prob = _net.problem(network)
    return prob, jax.jit(lambda th: _net.loss(prob.shape, th, prob.x, prob.y))


# ---------------------------------------------------------------- gradient descent, by hand


def test_each_update_is_one_gradient_step_at_the_scheduled_rate():
    prob, loss = _loss_fn(edge.NARROW)
    run = edge.descend(edge.NARROW, [0.5, 0.5], warmups=[0, 4], steps=50, measure=False)
    theta = jnp.asarray(prob.theta0)
    grad = jax.grad(loss)
    for eta, expected in ((0.5, run.losses[0]), (0.0, run.losses[1])):  # warm-up 4: η₀ = 0, η₁ = 0.125 ...
        after = theta - eta * grad(theta)
        assert expected[0] == pytest.approx(float(loss(theta)), rel=1e-6)
        assert expected[1] == pytest.approx(float(loss(after)), rel=1e-5)
    np.testing.assert_allclose(run.rates()[1, :5], [0.0, 0.125, 0.25, 0.375, 0.5])
    assert np.all(run.rates()[0] == 0.5) and np.all(np.isnan(run.tops))


def test_a_run_that_blows_up_stops_with_nan_records_and_the_others_go_on():
    run = edge.descend(edge.NARROW, [0.5, 50.0], steps=50, measure=False)
    assert run.diverged_at[0] == -1 and 0 <= run.diverged_at[1] < 10
    assert np.all(np.isnan(run.losses[1, run.diverged_at[1] + 1:]))
    assert np.all(np.isfinite(run.losses[0])) and np.all(np.isfinite(run.theta[1]))


def test_progress_is_reported_piece_by_piece_up_to_one():
    seen = []
    edge.descend(edge.NARROW, [0.5, 0.5], steps=150, measure=False, progress=seen.append)
    assert seen == pytest.approx([1 / 3, 2 / 3, 1.0])


@pytest.mark.parametrize(("kwargs", "match"), [
    (dict(steps=120), "multiple of 50"),
    (dict(every=7), "divide 50"),
    (dict(optimizer="rmsprop"), "'sgd' or 'adam'"),
    (dict(warmups=[-1]), "warmups"),
    (dict(floors=[2.0]), "floors"),
])
def test_descend_refuses_bad_arguments_by_name(kwargs, match):
    with pytest.raises(ValueError, match=match):
        edge.descend(edge.NARROW, [0.5], **kwargs)


# ---------------------------------------------------------------- the edge of stability


def test_sharpness_rises_then_hovers_at_two_over_eta_while_the_loss_falls(stable):
    for summary in stable.summaries:
        assert summary.crossed_at is not None, summary
        assert summary.sharpened, summary  # progressive sharpening before the crossing
        assert abs(summary.ratio - 1.0) <= 0.10, summary
        assert summary.final_loss < summary.loss_at_cross, summary
        assert summary.ups > 0, summary  # not monotonically
    # Before the crossing every measurement is below 2/η (that is what "reached" means).
    run = stable.descent
    for i, summary in enumerate(stable.summaries):
        before = run.tops[i, : summary.crossed_at // run.every]
        assert np.all(before < summary.threshold)


def test_the_larger_the_rate_the_earlier_the_crossing_and_the_lower_the_sharpness(stable):
    crossings = [s.crossed_at for s in stable.summaries]
    assert crossings == sorted(crossings, reverse=True)
    medians = [s.ratio * s.threshold for s in stable.summaries]
    assert medians == sorted(medians, reverse=True)


def test_gradient_descent_stays_near_gradient_flow_until_the_crossing(stable):
    assert stable.flow.monotone
    assert np.all(stable.distance[:, 0] == 0)
    for i, summary in enumerate(stable.summaries):
        at_cross = stable.distance_at(i, summary.crossed_at)
        assert stable.distance[i, -1] > 3 * at_cross, (summary.lr, at_cross, stable.distance[i, -1])
    # The flow's loss at time kη is below gradient descent's until the crossing, far from it after.
    np.testing.assert_allclose(stable.flow_losses[:, 0], stable.descent.losses[:, 0], rtol=1e-6)


def test_summary_of_a_handmade_run():
    tops = np.array([1.0, 1.5, 2.1, 1.9, 2.0, 2.05, np.nan])
    losses = np.array([5.0, 4.0, 3.0, 3.5, 2.0, 2.5, 1.0])  # two rises
    s = edge.summarize(1.0, 2.0, losses, tops, np.arange(7), -1)
    assert (s.crossed_at, s.start, s.at_cross) == (2, 1.0, 2.1)
    assert s.ratio == pytest.approx(np.median([2.1, 1.9, 2.0, 2.05]) / 2.0)
    assert (s.ups, s.loss_at_cross, s.final_loss, s.drop) == (2, 3.0, 1.0, 3.0)
    assert s.sharpened
    never = edge.summarize(1.0, 5.0, losses, tops, np.arange(7), -1)
    assert never.crossed_at is None and np.isnan(never.ratio) and not never.sharpened


# ---------------------------------------------------------------- Adam


def test_adams_preconditioned_sharpness_is_the_top_eigenvalue_of_p_inverse_h():
    """After ten Adam updates (torch's numbers, written out here), the measured value is
    λ_max(P^-1/2 H P^-1/2) with P = (1 - β₁^t)(√(v/(1 - β₂^t)) + ε), from the full Hessian."""
    prob, loss = _loss_fn(TINY)
    run = edge.descend(TINY, [0.01, 0.01], optimizer="adam", steps=50, every=10, iters=22)
    b1, b2, eps, eta = 0.9, 0.999, 1e-8, 0.01
    theta, m, v = np.asarray(prob.theta0, np.float64), 0.0, 0.0
    grad = jax.grad(loss)
    for t in range(1, 11):
        g = np.asarray(grad(jnp.asarray(theta, jnp.float32)), np.float64)
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        theta = theta - eta * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    p = (1 - b1**10) * (np.sqrt(v / (1 - b2**10)) + eps)
    h = np.asarray(jax.hessian(loss)(jnp.asarray(theta, jnp.float32)), np.float64)
    exact = np.linalg.eigvalsh(h / np.sqrt(np.outer(p, p)))[-1]
    assert run.tops[0, 1] == pytest.approx(exact, rel=2e-3)
    assert np.isnan(run.tops[0, 0])  # no preconditioner before the first update


def test_adams_preconditioned_sharpness_settles_at_its_threshold():
    run = edge.adam_edge([0.01, 0.02], steps=500)
    assert edge.adam_threshold(0.01, 0.9) == pytest.approx(3800.0)
    for summary in run.summaries:
        assert summary.crossed_at is not None and summary.sharpened, summary
        assert abs(summary.ratio - 1.0) <= 0.10, summary
        assert summary.final_loss < summary.loss_at_cross, summary


# ---------------------------------------------------------------- the catapult


def test_three_regimes_around_two_over_lambda0(caught):
    assert caught.regimes == ("settled", "catapult", "catapult", "diverged")
    assert caught.lam0 == pytest.approx(edge.start(edge.WIDE).sharpness)
    for i, regime in enumerate(caught.regimes):
        losses = caught.descent.losses[i]
        if regime == "catapult":  # rises above its start, ends below it, flatter than 2/η
            assert np.nanmax(losses) > 10 * losses[0] and losses[-1] < losses[0]
            assert caught.final_sharpness[i] < 2.0 / caught.lrs[i] < caught.lam0
        if regime == "settled":  # the curvature hardly moves (the lazy regime)
            assert caught.final_sharpness[i] == pytest.approx(caught.lam0, rel=0.05)
    assert caught.span("catapult") == (1.3, 1.5) and caught.span("other") is None


def test_classify_reads_a_run():
    rise = np.array([1.0, 5.0, 0.5])
    assert edge.classify(1.0, 2.0, np.array([1.0, 0.8, 0.5]), 3.0, False) == "settled"
    assert edge.classify(3.0, 2.0, rise, 0.5, False) == "catapult"
    assert edge.classify(3.0, 2.0, rise, 0.9, False) == "other"  # still sharper than 2/η
    assert edge.classify(3.0, 2.0, np.array([1.0, 0.8, 0.5]), 0.5, False) == "other"  # no rise
    assert edge.classify(3.0, 2.0, rise, 0.5, True) == "diverged"


# ---------------------------------------------------------------- warm-up


def test_warmup_lets_peak_rates_train_that_diverge_without_it():
    critical = 2.0 / edge.start(edge.WIDE).sharpness
    grid = edge.warmup_grid(np.array([1.2, 3.0]) * critical, [0, 400], steps=600)
    assert grid.diverged.tolist() == [[False, False], [True, False]]
    assert grid.rescued().tolist() == [False, True] and grid.shortest(1) == 400
    pair = edge.warmup_pair(3.0 * critical, 400, steps=600)
    assert pair.diverged_at[0] >= 0 and pair.diverged_at[1] == -1
    # With warm-up the sharpness came down from λ₀ (3 × 2/η_peak) to near 2/η_peak by the time the rate
    # got there: the network was moved to a flatter region before the rate needed one.
    edge_of_peak = 2.0 / (3.0 * critical)
    assert pair.tops[1, 0] > 2.5 * edge_of_peak
    assert pair.tops[1, 400 // pair.every] < 1.2 * edge_of_peak


@pytest.mark.slow
def test_the_pages_default_view_makes_every_claim_it_states():
    """The /edge page's defaults (each section's function called with its own defaults) in full."""
    stable = edge.stability(edge.EOS_LRS)
    for i, s in enumerate(stable.summaries):
        assert s.crossed_at is not None and s.sharpened and abs(s.ratio - 1) <= 0.10, s
        assert s.final_loss < s.loss_at_cross and s.ups > 0, s
        assert stable.distance[i, -1] > 3 * stable.distance_at(i, s.crossed_at)
    adam = edge.adam_edge(edge.ADAM_LRS)
    for s in adam.summaries:
        assert s.crossed_at is not None and s.sharpened and abs(s.ratio - 1) <= 0.10, s
        assert s.final_loss < s.loss_at_cross, s
    caught = edge.catapult()
    settled, catapults, diverged = (caught.span(r) for r in ("settled", "catapult", "diverged"))
    assert settled[1] < 1.0 < catapults[0] and catapults[1] < diverged[0], caught.regimes
    for i in np.flatnonzero(np.array(caught.regimes) == "catapult"):
        losses = caught.descent.losses[i]
        assert np.nanmax(losses) > losses[0] > losses[-1] and caught.final_sharpness[i] < 2 / caught.lrs[i]
    grid = edge.warmup_grid(np.array(edge.PEAKS) * caught.critical)
    assert grid.rescued().sum() >= 2
    peak, length = grid.example()
    pair = edge.warmup_pair(peak, length)
    assert pair.diverged_at[0] >= 0 and pair.diverged_at[1] == -1
    lam0, at_peak = pair.tops[1, 0], pair.tops[1, length // pair.every]
    assert lam0 > 1.5 * 2.0 / peak and at_peak < 0.75 * lam0  # flatter by the time the rate peaked
