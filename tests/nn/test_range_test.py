"""The range test and every suggestion rule, on synthetic curves with a known answer."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrviz.nn import datasets
from lrviz.nn import range_test as rt

LRS = np.geomspace(1e-4, 10.0, 101)  # ten points per decade


def test_minimum_is_a_tenth_of_the_rate_at_the_lowest_loss():
    losses = (np.log10(LRS) + 1) ** 2  # lowest at 0.1
    assert rt.minimum(LRS, losses) == 60
    out = rt.suggest(LRS, losses, n_requested=101)
    assert out["minimum"][0] == pytest.approx(0.01)


def _drops(n, big_at, second_at=None):
    """A slowly falling curve with a drop of 1 between big_at and big_at+1 (and 0.8 after it)."""
    steps = np.full(n - 1, -0.01)
    steps[big_at] = -1.0
    if second_at is not None:
        steps[second_at] = -0.8
    return np.concatenate([[5.0], 5.0 + np.cumsum(steps)])


def test_steep_takes_the_left_end_of_the_steepest_forward_difference():
    losses = _drops(101, big_at=37, second_at=38)
    assert rt.steep(LRS, losses) == 37


def test_steepest_gradient_uses_central_differences_and_so_can_differ_from_steep():
    losses = _drops(101, big_at=37, second_at=38)
    # np.gradient: g[37] = (-1 - 0.01)/2, g[38] = (-0.8 - 1)/2 = -0.9: the centred rule picks 38.
    assert rt.steepest_gradient(LRS, losses) == 38
    assert rt.steepest_gradient(LRS, _drops(101, big_at=37)) == 37  # a tie: argmin takes the first


def test_valley_is_half_way_down_the_longest_decreasing_run():
    # Ten points at 5, then a strictly falling run from index 10 to 40, then a rise.
    losses = np.concatenate([np.full(10, 5.0), np.linspace(4.0, 1.0, 31), np.linspace(1.5, 6.0, 60)])
    # The longest falling subsequence ends at 40 and has 32 points (one 5, then the run);
    # fastai's loop fixes max_start = 40 - 32 = 8, so L = 32, int(32/3) = 10, int(32/6) = 5.
    assert rt.valley(LRS, losses) == 8 + 10 + 5


def test_slide_stops_where_two_points_fifteen_apart_have_the_same_slope():
    # Slope -0.01 per batch up to index 90, +0.05 after: the pair (r, r - 15) differs in slope
    # while r >= 90 (at r = 90 np.gradient gives the mean slope), so the last l visited is 75.
    i = np.arange(100)
    losses = np.where(i < 90, 2.0 - 0.01 * i, 2.0 - 0.9 + 0.05 * (i - 90))
    assert rt.slide(LRS[:100], losses) == 75
    assert rt.slide(LRS[:15], losses[:15]) is None  # too short for lr_diff = 15
    flat = np.linspace(2.0, 1.0, 100)  # one slope: nothing to slide, the first pair is taken
    assert rt.slide(LRS[:100], flat) == 100 - 1 - 15


def test_suggest_trims_each_library_its_own_way_and_cuts_at_nan():
    n = 100
    losses = np.linspace(3.0, 1.0, n)
    losses[3] = 0.1  # a dip in the first tenth: fastai and pytorch-lr-finder both skip it
    losses[70:] = np.nan  # the test stopped after batch 69
    out = rt.suggest(LRS[:n], losses, n_requested=n)
    # Recorded: 70 points; fastai reads [10 : 65], pytorch-lr-finder [10 : 65] too.
    assert out["minimum"][0] == pytest.approx(LRS[64] / 10)
    assert out["minimum"][1] == pytest.approx(losses[64])
    short = rt.suggest(LRS[:12], np.linspace(2, 1, 12), n_requested=12)
    assert short["steepest"] is None and short["slide"] is None  # nothing left after trimming


@pytest.fixture(scope="module")
def moons_test():
    return rt.range_test(datasets.load("moons"), lr_min=1e-3, lr_max=1e4, batches=60, seeds=(0, 1, 2),
                         width=8, depth=1, batch=32)


def test_rates_grow_geometrically_from_min_to_max(moons_test):
    np.testing.assert_allclose(moons_test.lrs, np.geomspace(1e-3, 1e4, 60), rtol=1e-4)


def test_smoothing_is_the_bias_corrected_average_of_the_recorded_losses(moons_test):
    for raw, smooth in zip(moons_test.losses, moons_test.smoothed, strict=True):
        ok = np.isfinite(smooth)
        avg, expected = 0.0, []
        for i, loss in enumerate(raw[ok]):
            avg = rt.BETA * avg + (1 - rt.BETA) * loss
            expected.append(avg / (1 - rt.BETA ** (i + 1)))
        np.testing.assert_allclose(smooth[ok], expected, rtol=1e-5)
        assert smooth[0] == pytest.approx(raw[0], rel=1e-6)  # the correction makes s_0 = l_0


def test_stops_after_the_first_batch_above_four_times_the_best(moons_test):
    # Rates up to 1e4 blow the loss up: every seed stops early.
    assert np.all(moons_test.stopped_at < 59)
    for raw, smooth, end in zip(moons_test.losses, moons_test.smoothed, moons_test.stopped_at, strict=True):
        recorded = smooth[: end + 1]
        running_min = np.minimum.accumulate(recorded)
        assert np.all(recorded[:-1] <= rt.STOP_FACTOR * running_min[:-1])
        # Stopped by the 4x rule at ``end``, or by a non-finite loss right after it.
        assert recorded[-1] > rt.STOP_FACTOR * running_min[-1] or end + 1 < len(raw)
        assert np.all(np.isnan(smooth[end + 1 :]))


def test_a_seed_gives_the_same_curve_whatever_runs_beside_it(moons_test):
    shuffled = rt.range_test(datasets.load("moons"), lr_min=1e-3, lr_max=1e4, batches=60, seeds=(2, 0, 1),
                             width=8, depth=1, batch=32)
    for i, j in ((0, 2), (1, 0), (2, 1)):
        np.testing.assert_allclose(shuffled.smoothed[i], moons_test.smoothed[j], rtol=2e-5)
    assert not np.allclose(np.nan_to_num(moons_test.smoothed[0]), np.nan_to_num(moons_test.smoothed[1]))


def test_suggestions_per_seed_from_every_rule(moons_test):
    out = moons_test.suggestions
    assert set(out) == set(rt.RULES)
    for name, per_seed in out.items():
        assert len(per_seed) == 3
        for s in per_seed:
            assert s is None or 1e-3 <= s[0] / rt.RULES[name].factor <= 1e4


@pytest.mark.parametrize(("kwargs", "match"), [
    (dict(lr_min=1.0, lr_max=0.1), "lr_min"),
    (dict(batches=0), r"`batches` \(=0\)"),
    (dict(seeds=()), "seeds"),
    (dict(width=10**6), r"`width`"),
])
def test_bad_arguments_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        rt.range_test(datasets.load("moons"), **kwargs)


def test_another_range_or_seed_count_does_not_recompile(moons_test):
    before = rt._range_many._cache_size()
    other = rt.range_test(datasets.load("moons"), lr_min=1e-5, lr_max=3.0, batches=50, seeds=(4, 5),
                          width=8, depth=1, batch=32)  # 50 and 60 batches share the bucket of 64
    assert rt._range_many._cache_size() == before
    assert other.smoothed.shape == (2, 50)
    np.testing.assert_allclose(other.lrs[[0, -1]], [1e-5, 3.0], rtol=1e-5)


def _valley_as_fastai_loops(losses):
    """fastai's ``valley`` as it is written, two nested loops: the reference for the numpy one."""
    n = len(losses)
    lds, max_start, max_end = [1] * n, 0, 0
    for i in range(1, n):
        for j in range(i):
            if losses[i] < losses[j] and lds[i] < lds[j] + 1:
                lds[i] = lds[j] + 1
            if lds[max_end] < lds[i]:
                max_end, max_start = i, i - lds[i]
    sections = (max_end - max_start) / 3
    return max_start + int(sections) + int(sections / 2)


@given(st.lists(st.one_of(st.integers(0, 6).map(float), st.just(float("nan"))), min_size=1, max_size=60))
def test_valley_picks_what_fastais_loops_pick(losses):
    # Small integers make ties and equal runs common; NaN compares false both ways, as in Python.
    assert rt.valley(np.arange(len(losses)), np.array(losses)) == _valley_as_fastai_loops(losses)
